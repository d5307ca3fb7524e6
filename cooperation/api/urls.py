"""Mounted under /api/v1/ by caflab/api/urls.py."""

from rest_framework.routers import SimpleRouter

from cooperation.api.views import ActionViewSet, PlanViewSet

router = SimpleRouter(use_regex_path=False)
router.register("plans", PlanViewSet, basename="cooperation-plan")
router.register("actions", ActionViewSet, basename="cooperation-action")

urlpatterns = router.urls
