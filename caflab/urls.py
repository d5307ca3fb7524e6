from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from caflab import views

# The admin has no login form of its own: /admin/login/ sends to allauth's login, so that the
# second factor (allauth MFA) cannot be skipped by signing in through the admin.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Administration du CafLab")
admin.site.site_title = _("Administration du CafLab")
admin.site.index_title = _("Tableau de bord de l'équipe CafLab")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path(
        "accessibilite/",
        TemplateView.as_view(template_name="caflab/accessibility.html"),
        name="accessibility",
    ),
    path(
        "donnees-personnelles/",
        TemplateView.as_view(template_name="caflab/privacy.html"),
        name="privacy",
    ),
    path("comptes/profil/", views.ProfileView.as_view(), name="profile"),
    path("comptes/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("caflab.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Each activity's app, mounted when installed.
APP_URLS = [
    ("consultations", "consultations/"),
    ("eurekaf", "idees/"),
    ("cooperation", "cooperation/"),
    ("livinglabs", "living-labs/"),
    ("projects", "projets/"),
    ("expo_booking", "expo/"),
    ("reporting", "rapports/"),
]
urlpatterns += [
    path(prefix, include(f"{app}.urls"))
    for app, prefix in APP_URLS
    if app in settings.INSTALLED_APPS
]

handler400 = "caflab.views.bad_request"
handler403 = "caflab.views.permission_denied"
handler404 = "caflab.views.page_not_found"
handler500 = "caflab.views.server_error"
