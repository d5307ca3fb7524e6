"""Shared fixtures: one user per role, an API client, and the database guard."""

import os

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


def pytest_sessionstart(session):
    if os.environ.get("CAFLAB_REQUIRE_POSTGRES") == "1" and not settings.USES_POSTGRES:
        pytest.exit("CAFLAB_REQUIRE_POSTGRES=1 mais la base de test n'est pas PostgreSQL.", 2)


def pytest_collection_modifyitems(config, items):
    if settings.USES_POSTGRES:
        return
    skip = pytest.mark.skip(reason="PostgreSQL requis (repli SQLite)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


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
