"""Shared fixtures: one user per role, an API client, and the database guard."""

import os
import tempfile

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from tests.caflab.factories import (
    AgentFactory,
    CafLabStaffFactory,
    PartnerFactory,
    ReferentFactory,
    caf,
)


def pytest_configure(config):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Uploaded files of the tests go to a folder of this test process, never to var/media.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="caflab-tests-media-")


def pytest_sessionstart(session):
    if os.environ.get("CAFLAB_REQUIRE_POSTGRES") == "1" and not settings.USES_POSTGRES:
        pytest.exit("CAFLAB_REQUIRE_POSTGRES=1 mais la base de test n'est pas PostgreSQL.", 2)


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="PostgreSQL requis (repli SQLite)")
    for item in items:
        if "postgres" in item.keywords and not settings.USES_POSTGRES:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test flushes every table when it ends, the Cafs and regions loaded by
    migration included: load them again for the tests that follow in this process."""
    result = yield
    if nextitem is None:  # the session is over: the test database is gone already
        return result
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(fixtures):
        from pytest_django.plugin import blocking_manager_key

        from caflab.models import Caf, Region
        from caflab.reference import load_regions_and_cafs

        with item.config.stash[blocking_manager_key].unblock():
            if not Caf.objects.exists():
                load_regions_and_cafs(Region, Caf)
    return result


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def isere(db):
    return caf("38")


@pytest.fixture
def agent(db):
    """An agent of the Caf de l'Isère."""
    return AgentFactory(caf=caf("38"))


@pytest.fixture
def other_caf_agent(db):
    """An agent of another Caf (Finistère)."""
    return AgentFactory(caf=caf("29"))


@pytest.fixture
def partner(db):
    return PartnerFactory()


@pytest.fixture
def referent(db):
    return ReferentFactory()


@pytest.fixture
def staff(db):
    return CafLabStaffFactory()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def redis_url(worker_id):
    """The test Redis, or a skip: CI requires it. Each test process (pytest-xdist worker) has
    its own database — 15, 14… — so that a real Celery worker never takes another process's
    tasks."""
    import redis

    url = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/15")
    if worker_id.startswith("gw"):
        base, _, db = url.rpartition("/")
        url = f"{base}/{int(db) - int(worker_id[2:])}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CAFLAB_REQUIRE_POSTGRES") == "1":
            pytest.fail("Redis ne répond pas : la CI l'exige.")
        pytest.skip("Redis ne répond pas sur cette machine")
    return url


@pytest.fixture
def celery_worker(redis_url, settings):
    """A real Celery worker, in a thread, consuming from Redis."""
    from celery.contrib.testing.worker import start_worker

    from caflab.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=redis_url, task_always_eager=False)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _reset_connection_pools(app)  # an earlier test may have opened them on memory://
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
    app.conf.update(saved)
    _reset_connection_pools(app)


def _reset_connection_pools(app) -> None:
    """Celery caches its broker connections and producers at first use: forget both, so that
    the next publisher connects to the broker the configuration names now."""
    from kombu import pools

    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()  # kombu's own registry of producer pools, keyed by connection
