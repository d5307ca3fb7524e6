"""Security headers, cookies, the deployment checklist and the staff second factor."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
STRICT_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def csp(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: (value[0] if value else "") for name, *value in directives}


def assert_security_headers(response, *, frame_options: bool = True) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    if frame_options:  # static files: whitenoise answers first; CSP frame-ancestors covers them
        assert response["X-Frame-Options"] == "DENY"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"):
        assert f"{feature}=()" in permissions


def assert_strict_csp(response) -> None:
    assert csp(response) == STRICT_DIRECTIVES
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "nonce-" not in response["Content-Security-Policy"]


def production_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CAFLAB_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="caflab.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="portail.caflab.example",
        DJANGO_STATIC_ROOT=str(BASE_DIR / "var" / "static"),
        **extra,
    )
    return env


# --- headers on every kind of response ---------------------------------------------------


def test_a_portal_page_carries_the_headers_and_a_strict_policy(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert_security_headers(response)
    assert_strict_csp(response)


def test_the_home_page_of_a_logged_in_agent_has_a_strict_policy(client, agent):
    client.force_login(agent)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert_security_headers(response)
    assert_strict_csp(response)


def test_the_api_carries_the_headers(api_client, agent):
    token = Token.objects.create(user=agent)
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert_security_headers(response)
    assert_strict_csp(response)


def test_an_api_refusal_carries_the_headers(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code in {401, 403}
    assert_security_headers(response)
    assert_strict_csp(response)


def test_an_error_page_carries_the_headers(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert_security_headers(response)
    assert_strict_csp(response)


def test_a_static_file_served_by_whitenoise_carries_the_headers(settings):
    # Whitenoise reads its settings when the middleware is built: a new client builds it.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/css/portail.css")
    assert response.status_code == 200
    assert response.get("Content-Type", "").startswith("text/css")
    assert_security_headers(response, frame_options=False)
    assert_strict_csp(response)


def test_the_admin_keeps_a_strict_policy(client, staff):
    client.force_login(staff)
    for url in (reverse("admin:index"), reverse("admin:caflab_user_changelist")):
        response = client.get(url)
        assert response.status_code == 200
        assert_strict_csp(response)


def test_swagger_runs_its_inline_code_by_nonce_only(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    policy = csp(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    nonce = policy["script-src"].split("'nonce-", 1)[1].split("'", 1)[0]
    assert policy["style-src"] == f"'self' 'nonce-{nonce}'"
    body = response.content.decode()
    assert f'<script nonce="{nonce}">' in body
    assert f'<style nonce="{nonce}">' in body
    assert "fonts.googleapis.com" not in body


def test_only_redoc_may_style_itself_inline(client):
    response = client.get(reverse("api-redoc"))
    assert response.status_code == 200
    policy = csp(response)
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["worker-src"] == "'self' blob:"
    assert "unsafe-inline" not in policy["script-src"]
    assert "fonts.googleapis.com" not in response.content.decode()


def test_the_browsable_api_allows_only_its_own_style_attributes(client, agent):
    client.force_login(agent)
    response = client.get("/api/v1/me/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    policy = csp(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert policy["style-src-attr"].startswith("'unsafe-hashes' 'sha256-")
    assert policy["script-src"].startswith("'self'")  # and the nonce of the code styles
    assert "unsafe" not in policy["script-src"]
    # The same endpoint in JSON keeps the strict policy.
    assert_strict_csp(client.get("/api/v1/me/", HTTP_ACCEPT="application/json"))


def test_the_admin_export_page_allows_only_its_own_handler(client, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:caflab_caf_export"))
    assert response.status_code == 200
    policy = csp(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert policy["script-src"] == "'self'"
    assert policy["script-src-attr"].startswith("'unsafe-hashes' 'sha256-")


def test_portal_templates_have_no_inline_script_style_or_handler():
    """The portal's own templates (the emails excepted: they are not web pages, and the PDFs
    rendered by WeasyPrint) carry no inline code."""
    import re

    inline = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|<style\b|\sstyle=|\son[a-z]+=",
        re.IGNORECASE,
    )
    comments = re.compile(r"{% comment %}.*?{% endcomment %}|{#.*?#}", re.DOTALL)
    pdf_only = {"cooperation/plan_pdf.html"}  # rendered by WeasyPrint, never served as a page
    offenders = []
    folders = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    for folder in folders:
        for path in folder.rglob("*.html"):
            relative = path.relative_to(folder).as_posix()
            # Overrides of the API docs and browsable API pages carry nonces, checked above.
            if (
                "email" in relative
                or relative in pdf_only
                or relative.startswith(("drf_spectacular/", "rest_framework/"))
            ):
                continue
            text = comments.sub("", path.read_text(encoding="utf-8"))
            if relative == "reporting/document/includes/head.html":
                text = text.split("{% else %}", 1)[0]  # the PDF branch inlines its stylesheet
            if inline.search(text):
                offenders.append(relative)
    assert offenders == []


# --- cookies ------------------------------------------------------------------------------


def test_session_csrf_and_language_cookies_are_same_site_lax(client, agent):
    from allauth.account.models import EmailAddress

    response = client.get(reverse("account_login"))
    assert response.cookies["csrftoken"]["samesite"] == "Lax"
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    language_cookie = response.cookies[django_settings.LANGUAGE_COOKIE_NAME]
    assert language_cookie["samesite"] == "Lax"
    assert language_cookie["httponly"]
    agent.set_password("mot-de-passe-solide-2025")
    agent.save()
    EmailAddress.objects.create(user=agent, email=agent.email, verified=True, primary=True)
    response = client.post(
        reverse("account_login"), {"login": agent.email, "password": "mot-de-passe-solide-2025"}
    )
    assert response.status_code == 302
    session_cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session_cookie["samesite"] == "Lax"
    assert session_cookie["httponly"]


def test_production_settings_make_cookies_secure_and_send_hsts():
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ("
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'LANGUAGE_COOKIE_SECURE', "
        "'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SAMESITE', 'LANGUAGE_COOKIE_SAMESITE', "
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT', "
        "'CAFLAB_REQUIRE_STAFF_MFA')}))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "LANGUAGE_COOKIE_SAMESITE": "Lax",
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "CAFLAB_REQUIRE_STAFF_MFA": True,
    }


def test_hsts_is_sent_over_https_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = Client().get(reverse("accessibility"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_check_deploy_is_clean_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


# --- staff second factor ------------------------------------------------------------------


def enable_totp(user) -> None:
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})


@pytest.mark.parametrize("url", ["/", "/admin/", "/api/v1/me/", "/idees/"])
def test_staff_without_totp_is_sent_to_activate_it(client, staff, settings, url):
    settings.CAFLAB_REQUIRE_STAFF_MFA = True
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_token_without_totp_is_refused_by_the_api(api_client, staff, settings):
    settings.CAFLAB_REQUIRE_STAFF_MFA = True
    token = Token.objects.create(user=staff)
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403
    assert "double authentification" in response.json()["detail"]
    enable_totp(staff)
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/", "/admin/", "/api/v1/me/"])
def test_staff_with_totp_passes(client, staff, settings, url):
    settings.CAFLAB_REQUIRE_STAFF_MFA = True
    enable_totp(staff)
    client.force_login(staff)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/", "/api/v1/me/", "/admin/"])
def test_agents_are_not_asked_for_totp(client, agent, settings, url):
    settings.CAFLAB_REQUIRE_STAFF_MFA = True
    client.force_login(agent)
    response = client.get(url)
    assert response.get("Location", "") != reverse("mfa_activate_totp")
    if url != "/admin/":
        assert response.status_code == 200


def test_the_admin_login_is_allauths_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=%2Fadmin%2F" in response["Location"]


def test_the_admin_login_form_cannot_skip_the_second_factor(client, staff):
    from allauth.account.models import EmailAddress

    staff.set_password("mot-de-passe-solide-2025")
    staff.save()
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    enable_totp(staff)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff.email, "password": "mot-de-passe-solide-2025", "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    # allauth's login asks for the second factor before it logs the staff member in.
    response = client.post(
        reverse("account_login"),
        {"login": staff.email, "password": "mot-de-passe-solide-2025"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
