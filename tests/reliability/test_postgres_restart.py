"""PostgreSQL restarts (or a failover, or a proxy drops idle connections): every connection the
portal keeps open (CONN_MAX_AGE) dies. The next request must get a fresh one by itself.

The restart is simulated by terminating every backend of the test database from a second
connection; the shared server keeps running. The requests go through Django's WSGI handler, as
under gunicorn (the test client skips the request_started signal that runs the health check).
"""

from __future__ import annotations

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _get(path: str) -> int:
    """One request through the WSGI entry point, as gunicorn makes it; returns its status."""
    environ = RequestFactory().get(path).environ
    statuses: list[str] = []
    response = WSGIHandler()(
        environ, lambda status, headers, exc_info=None: statuses.append(status)
    )
    b"".join(response)
    response.close()  # request_finished: the connection is kept (CONN_MAX_AGE), not closed
    return int(statuses[0].split()[0])


def _terminate_other_backends() -> int:
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"],
        port=params["PORT"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname=params["NAME"],
        autocommit=True,
    ) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


def test_the_next_request_after_the_database_restarts_answers(settings):
    settings.DEBUG = False
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_MAX_AGE"] > 0

    assert _get("/consultations/") == 200
    before = connection.connection.info.backend_pid  # kept open between requests

    assert _terminate_other_backends() >= 1

    assert _get("/consultations/") == 200  # no 500, no manual action
    assert connection.connection.info.backend_pid != before
    assert _get("/consultations/") == 200


def test_without_health_checks_the_first_request_after_a_restart_fails(settings):
    """The control: it is CONN_HEALTH_CHECKS that spares users the error, not luck."""
    settings.DEBUG = False
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    connection.close()  # the flag is read when the connection opens
    try:
        assert _get("/consultations/") == 200
        _terminate_other_backends()
        assert _get("/consultations/") == 500
        assert _get("/consultations/") == 200  # Django drops the broken connection afterwards
    finally:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = True
        connection.close()
