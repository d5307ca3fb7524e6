"""Mounted under /api/v1/ by caflab/api/urls.py."""

from rest_framework.routers import SimpleRouter

from reporting.api.views import ReportRunViewSet

router = SimpleRouter(use_regex_path=False)
router.register("rapports", ReportRunViewSet, basename="reporting-run")

urlpatterns = router.urls
