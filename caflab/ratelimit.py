"""Client addresses and simple fixed-window rate limits in the cache (shared by all processes
when the cache is Redis)."""

import re
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

RATE = re.compile(r"(\d+)/(\d*)([smhd])")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting exactly CAFLAB_PROXY_COUNT reverse proxies."""
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def hit(key: str, *, limit: int, window: int) -> tuple[bool, int]:
    """Count one hit on `key`; returns (allowed, seconds to wait when refused)."""
    cache_key = f"ratelimit:{key}"
    if cache.add(cache_key, 1, timeout=window):
        cache.set(f"{cache_key}:fin", time.time() + window, timeout=window)
        return True, 0
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window)
        return True, 0
    if count > limit:
        # The seconds left in this window (Retry-After), the whole window if unknown.
        ends = cache.get(f"{cache_key}:fin")
        left = int(ends - time.time()) + 1 if ends else window
        return False, max(1, min(left, window))
    return True, 0


def parse_rate(rate: str) -> tuple[int, int]:
    """« 10/h », « 30/10m », « 5/30s »: (hits allowed, window in seconds)."""
    match = RATE.fullmatch(str(rate).replace(" ", ""))
    if match is None:
        raise ImproperlyConfigured(f"Invalid rate {rate!r}: expected e.g. '10/h' or '30/10m'.")
    count, length, unit = match.groups()
    return int(count), int(length or 1) * UNITS[unit]


def hit_user(user, action: str, rate: str) -> tuple[bool, int]:
    """One `action` of `user` against `rate` (« 10/h »): the same count for pages and API."""
    limit, window = parse_rate(rate)
    return hit(f"{action}:user:{user.pk}", limit=limit, window=window)


def too_many(request: HttpRequest, wait: int, *, message: str = "") -> HttpResponse:
    """The French 429 (page, or the API's error body), with Retry-After."""
    from caflab.view_tools import refusal

    return refusal(
        request,
        status=429,
        code="throttled",
        title=_("Trop de demandes"),
        message=message
        or _("Vous avez envoyé beaucoup de demandes en peu de temps. Patientez un peu."),
        wait=wait,
    )


def throttle_user(user, action: str, rate: str, *, message: str) -> None:
    """The API's side of hit_user: a 429 (DRF Throttled, Retry-After) beyond `rate`."""
    from rest_framework.exceptions import Throttled

    allowed, wait = hit_user(user, action, rate)
    if not allowed:
        raise Throttled(wait=wait, detail=message)
