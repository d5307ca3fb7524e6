"""Mounted under /api/v1/ by caflab/api/urls.py."""

from rest_framework.routers import SimpleRouter

from livinglabs.api.views import LabViewSet

router = SimpleRouter(use_regex_path=False)
router.register("living-labs", LabViewSet, basename="livinglabs-lab")

urlpatterns = router.urls
