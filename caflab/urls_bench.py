"""The portal's URLs plus the bench's bare view (settings.CAFLAB_BENCH only, never in production):
a view that returns « ok » through the whole middleware stack, the limit every page of the bench
is compared with (`/healthz` is answered before the middleware, so it would flatter nothing)."""

from django.urls import path

from caflab import views
from caflab.urls import *  # noqa: F403 - the same URLs and error handlers
from caflab.urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("bench/ok", views.healthz, name="bench-ok"), *portal_urlpatterns]
