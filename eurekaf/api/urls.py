"""Mounted under /api/v1/ by caflab/api/urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from eurekaf.api.views import CampaignViewSet, IdeaStatisticsView, IdeaViewSet

router = SimpleRouter(use_regex_path=False)
router.register("idees", IdeaViewSet, basename="eurekaf-idea")
router.register("campagnes", CampaignViewSet, basename="eurekaf-campaign")

urlpatterns = [
    *router.urls,
    path("idees-statistiques/", IdeaStatisticsView.as_view(), name="eurekaf-idea-statistics"),
]
