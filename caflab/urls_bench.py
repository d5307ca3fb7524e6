"""The portal's URLs plus the bench's two views (settings.CAFLAB_BENCH only, never in production):
a bare view that returns « ok » through the whole middleware stack, the limit every page of the
bench is compared with (`/healthz` is answered before the middleware, so it would flatter
nothing), and a POST that empties the cache, to measure the pages right after a write."""

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from caflab import views
from caflab.urls import *  # noqa: F403 - the same URLs and error handlers
from caflab.urls import urlpatterns as portal_urlpatterns


@csrf_exempt
@require_POST
def empty_cache(request: HttpRequest) -> HttpResponse:
    """Empties the cache, so that the next request of a page pays for everything it caches:
    what a page costs right after a write (the bench's « cache vide » column)."""
    cache.clear()
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ok", views.healthz, name="bench-ok"),
    path("bench/vider-cache", empty_cache, name="bench-empty-cache"),
    *portal_urlpatterns,
]
