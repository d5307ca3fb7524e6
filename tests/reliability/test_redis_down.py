"""Redis (cache and Celery broker) stops: the portal keeps answering, `/readyz` says why it is
not ready, and the work asked for in the meantime is not lost once Redis is back.

The test starts its own redis-server on a free port and kills it: the shared Redis is never
touched.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis

from caflab import ratelimit
from reporting import services
from reporting.models import ReportRun
from reporting.tasks import send_waiting_runs
from tests.caflab.factories import AgentFactory, CafLabStaffFactory, caf


@pytest.fixture
def portal_on_private_redis(private_redis, broker_in_this_process, settings):
    """The cache and the broker of this process on the private Redis, as in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "caflab.cache.FailOpenRedisCache",
            "LOCATION": private_redis.url,
            "KEY_PREFIX": "caflab",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    broker_in_this_process(private_redis.url)
    return private_redis


def _queued_messages(url: str) -> int:
    return redis.Redis.from_url(url).llen("celery")


@pytest.mark.django_db(transaction=True)
def test_pages_keep_working_while_redis_is_down_and_readyz_names_it(
    client, portal_on_private_redis
):
    server = portal_on_private_redis
    staff = CafLabStaffFactory()
    agent = AgentFactory(caf=caf("38"))
    assert client.get("/readyz").status_code == 200

    server.kill()

    # Anonymous pages, and the login form whose rate limits live in the cache.
    assert client.get("/").status_code == 200
    assert client.get("/consultations/").status_code == 200
    response = client.post(
        "/comptes/login/", {"login": agent.email, "password": "pas-le-bon-mot-de-passe"}
    )
    assert response.status_code == 200  # the form's error, not a 500
    # The cache fails open: the rate limit lets the request through instead of raising.
    assert ratelimit.hit("essai", limit=1, window=60) == (True, 0)

    # Logged-in pages, and actions that hand work to Celery after their commit.
    client.force_login(agent)
    assert client.get("/idees/").status_code == 200
    response = client.post("/comptes/profil/", {"action": "join"})
    assert response.status_code == 302  # committed; the welcome email is logged as not queued
    agent.refresh_from_db()
    assert agent.is_innovator

    client.force_login(staff)
    response = client.post("/rapports/", {"year": 2025, "kind": ReportRun.Kind.KEY_FIGURES})
    assert response.status_code == 302
    run = ReportRun.objects.get()
    # No broker: the run waits, with no task, and says so.
    assert run.status == ReportRun.Status.QUEUED
    assert not run.task_id
    assert run.step == "En attente de la file des tâches"
    assert services.send_waiting(older_than=timedelta(0)) == 0  # still down: still waiting

    # Probes: alive, not ready, and which component fails.
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["cache"].startswith("indisponible")
    assert checks["broker"] == "indisponible (ConnectionError)"

    # Redis is back: ready again, and the build asked for meanwhile reaches the broker.
    server.start()
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert send_waiting_runs.apply().get() == 0  # asked for less than a minute ago
    assert services.send_waiting(older_than=timedelta(0)) == 1
    run.refresh_from_db()
    assert run.status == ReportRun.Status.QUEUED
    assert run.task_id
    assert _queued_messages(server.url) == 1


def test_the_cache_fails_open_when_nothing_listens(monkeypatch):
    from caflab import cache as cache_module
    from caflab.cache import FailOpenRedisCache
    from tests.reliability.conftest import free_port

    monkeypatch.setattr(FailOpenRedisCache, "_last_warning", 0.0)  # an earlier test warned
    # The logger itself, not the root's handlers: a Celery worker started by an earlier test
    # of this process may have taken over the root logger.
    warnings = []
    monkeypatch.setattr(cache_module.logger, "warning", lambda *args: warnings.append(args))

    cache = FailOpenRedisCache(
        f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": {"socket_connect_timeout": 1}}
    )
    assert cache.get("clé") is None
    assert cache.get("clé", "défaut") == "défaut"
    assert cache.get_or_set("clé", "calculé") == "calculé"
    cache.set("clé", 1)
    assert cache.add("clé", 1) is True  # granted, as for a new key: locks do not time out
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("clé") is False
    with pytest.raises(ValueError, match="Key not found"):
        cache.incr("clé")
    assert len(warnings) == 1  # one warning for the burst, not one per call
    message, kind, operation = warnings[0]
    assert (message % (kind, operation)).startswith("cache unavailable (ConnectionError on get)")
