"""Mounted under /api/v1/ by caflab/api/urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from expo_booking.api.views import (
    AvailabilityView,
    BookingViewSet,
    ExpoSetViewSet,
    HandOverViewSet,
)

router = SimpleRouter(use_regex_path=False)
router.register("expo/jeux", ExpoSetViewSet, basename="expo-set")
router.register("expo/reservations", BookingViewSet, basename="expo-booking")
router.register("expo/passages-de-relais", HandOverViewSet, basename="expo-handover")

urlpatterns = [
    *router.urls,
    path("expo/disponibilites/", AvailabilityView.as_view(), name="expo-availability"),
]
