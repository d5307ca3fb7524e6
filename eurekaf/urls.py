app_name = "eurekaf"
urlpatterns: list = []
