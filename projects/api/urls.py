"""Mounted under /api/v1/ by caflab/api/urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from projects.api.views import (
    CallViewSet,
    CreativitySessionViewSet,
    PeriodViewSet,
    ProgrammeViewSet,
    ProjectViewSet,
    TrainingSummaryView,
)

router = SimpleRouter(use_regex_path=False)
router.register("programmes", ProgrammeViewSet, basename="projects-programme")
router.register("projets", ProjectViewSet, basename="projects-project")
router.register("periodes", PeriodViewSet, basename="projects-period")
router.register("appels", CallViewSet, basename="projects-call")
router.register("seances-creativite", CreativitySessionViewSet, basename="projects-creativity")

urlpatterns = [
    *router.urls,
    path("formations-bilan/", TrainingSummaryView.as_view(), name="projects-training-summary"),
]
