"""The API root: `/api/v1/`. Each app mounts its own router here."""

from django.conf import settings
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from caflab.api import views
from caflab.api.converters import CodeConverter

register_converter(CodeConverter, "code")  # before the apps' routers use it
router = DefaultRouter()
router.register("cafs", views.CafViewSet, basename="caf")

API_APPS = [
    "consultations",
    "eurekaf",
    "cooperation",
    "livinglabs",
    "projects",
    "expo_booking",
    "reporting",
]

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include(router.urls)),
]
urlpatterns += [
    path("", include(f"{app}.api.urls")) for app in API_APPS if app in settings.INSTALLED_APPS
]
