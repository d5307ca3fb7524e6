"""Client addresses and simple fixed-window rate limits in the cache (shared by all processes
when the cache is Redis)."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


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
        return True, 0
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window)
        return True, 0
    if count > limit:
        return False, window
    return True, 0
