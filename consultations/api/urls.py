from rest_framework.routers import SimpleRouter

from consultations.api.views import ConsultationViewSet

router = SimpleRouter(use_regex_path=False)
router.register("consultations", ConsultationViewSet, basename="consultation")

urlpatterns = router.urls
