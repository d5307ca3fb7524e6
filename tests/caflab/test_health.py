import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_readyz_ok_in_the_embedded_default(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }


def _use_redis(settings, url):
    settings.REDIS_URL = url
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }


def test_readyz_ok_with_postgres_and_redis(client, settings, redis_url):
    _use_redis(settings, redis_url)
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()


def test_readyz_503_with_a_clear_body_when_redis_is_down(client, settings, redis_url):
    # A port where nothing listens stands for a Redis that has stopped.
    _use_redis(settings, "redis://127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "indisponible"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("indisponible")
    assert body["checks"]["cache"].startswith("indisponible")


def test_readyz_503_when_the_database_is_down(client, monkeypatch):
    from caflab import views

    def broken():
        raise ConnectionError("database unreachable")

    monkeypatch.setitem(views.READINESS_CHECKS, "database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "indisponible (ConnectionError)"


def test_celery_is_configured_for_safe_retries():
    from caflab.celery import app

    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT > conf.task_soft_time_limit


def test_probes_answer_on_an_internal_address_in_production(client, settings):
    settings.ALLOWED_HOSTS = ["caflab.example.fr"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    # Every other page still checks the host.
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400
