"""The settings: the embedded default without environment, production with it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "une-cle-secrete-de-production-tres-longue-et-aleatoire-0123456789-abcdef",
    "DJANGO_ALLOWED_HOSTS": "caflab.example.fr",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/caflab",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_check_deploy_is_clean_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("DEBUG", "True"),
        ("DATABASES['default']['ENGINE']", "django.db.backends.sqlite3"),
        ("CELERY_TASK_ALWAYS_EAGER", "True"),
        ("CACHES['default']['BACKEND']", "django.core.cache.backends.locmem.LocMemCache"),
        ("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
        ("LANGUAGE_CODE", "fr-fr"),
        ("TIME_ZONE", "Europe/Paris"),
    ],
)
def test_embedded_default_without_environment(setting, expected):
    result = run_manage(
        "shell", "-c", f"from django.conf import settings; print(settings.{setting})", env={}
    )
    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr


def test_production_uses_postgres_and_redis():
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], "
        "s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, s.SESSION_COOKIE_SECURE, "
        "s.CAFLAB_REQUIRE_STAFF_MFA)"
    )
    result = run_manage("shell", "-c", code, env=PRODUCTION)
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.db.backends.postgresql",
        "caflab.cache.FailOpenRedisCache",
        "redis://127.0.0.1:6379/0",
        "False",
        "True",
        "True",
    ], result.stderr
