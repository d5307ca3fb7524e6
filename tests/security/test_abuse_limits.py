"""Abuse limits: the login lock-out, rate limits answered by a French 429 with Retry-After
(public consultation answers, Eurekaf ideas and comments on pages and API, the API's
throttles), and honeypots on the forms anonymous visitors can send."""

import html
import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from caflab import ratelimit
from consultations.models import Response, ResponseDraft
from eurekaf.models import Comment, Idea
from tests.consultations import conftest as consultation_world
from tests.consultations.conftest import valid_answers
from tests.eurekaf.factories import IdeaFactory, box

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-solide"  # the factories' password


@pytest.fixture
def consultation(db):
    """The public consultation of tests/consultations: every kind of question, two sections."""
    return consultation_world.consultation.__wrapped__(db)


@pytest.fixture(autouse=True)
def boxes(db):
    return box("38"), box("29"), box(None)


def answer_url(consultation) -> str:
    return reverse("consultations:consultation-answer", kwargs={"slug": consultation.slug})


def answer_all(client, consultation, extra: dict | None = None):
    """Every section of the questionnaire, as a citizen sends it; the last answer."""
    data = valid_answers(consultation)
    sections = list(consultation.sections.order_by("position"))
    client.get(answer_url(consultation))
    response = None
    for step, section in enumerate(sections):
        names = tuple(f"q{q.pk}" for q in section.questions.all())
        part = {k: v for k, v in data.items() if k.split("_")[0] in names}
        last = step == len(sections) - 1
        action = "envoyer" if last else "suivant"
        response = client.post(
            answer_url(consultation),
            {"etape": step, "action": action, **part, **((extra or {}) if last else {})},
        )
    return response


def assert_french_429(response, *, words: str):
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    page = html.unescape(response.content.decode())
    assert '<html lang="fr"' in page
    assert "Trop d" in page
    assert words in page


# Login lock-out (django-axes) ----------------------------------------------------------------
@pytest.fixture
def verified_agent(agent):
    EmailAddress.objects.create(user=agent, email=agent.email, verified=True, primary=True)
    return agent


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_locks_after_n_failures_with_a_french_page_then_unlocks_after_the_cool_off(
    client, verified_agent, settings
):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, verified_agent.email, f"mauvais-{attempt}")
        assert response.status_code == 200  # the form again, not yet locked
    locked = login(client, verified_agent.email, "encore-mauvais")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Connexion temporairement bloquée" in page
    assert "15 minutes" in page
    assert int(locked["Retry-After"]) == int(settings.AXES_COOLOFF_TIME * 3600)
    # Even the right password is refused while the account is locked.
    assert login(client, verified_agent.email, PASSWORD).status_code == 429
    assert client.get("/").context["user"].is_anonymous
    # The cool-off passes: the attempts are older than AXES_COOLOFF_TIME.
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=attempt.attempt_time - cool_off - timedelta(minutes=1)
        )
    response = login(client, verified_agent.email, PASSWORD)
    assert response.status_code == 302
    assert client.get("/").context["user"] == verified_agent


# Public consultation answers -----------------------------------------------------------------
def test_public_answers_beyond_the_rate_get_a_french_429_and_nothing_is_stored(
    consultation, settings
):
    settings.CAFLAB_CONSULTATION_SUBMIT_RATE = 2
    statuses = [answer_all(Client(), consultation).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    refused = answer_all(Client(), consultation)
    assert_french_429(refused, words="Réessayez dans")
    assert int(refused["Retry-After"]) <= 600
    assert Response.objects.count() == 2


def test_the_public_answer_api_shares_the_pages_limit(consultation, api_client, settings):
    settings.CAFLAB_CONSULTATION_SUBMIT_RATE = 1
    assert answer_all(Client(), consultation).status_code == 302
    response = api_client.post(
        f"/api/v1/consultations/{consultation.slug}/reponses/",
        {"answers": valid_answers(consultation)},
        format="json",
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert (body["status"], body["code"]) == (429, "throttled")
    assert "Trop de réponses" in body["detail"]
    assert Response.objects.count() == 1


def test_a_filled_honeypot_stores_nothing_and_looks_like_a_success(client, consultation):
    response = answer_all(client, consultation, extra={"site_internet": "https://spam.example"})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "consultations:consultation-thanks", kwargs={"slug": consultation.slug}
    )
    assert Response.objects.count() == 0
    assert not ResponseDraft.objects.exclude(submitted_at=None).exists()
    # The same answers without the honeypot are kept.
    assert answer_all(Client(), consultation).status_code == 302
    assert Response.objects.count() == 1


def test_the_honeypot_is_on_the_public_answer_form_and_hidden_from_people(client, consultation):
    page = client.get(answer_url(consultation)).content.decode()
    assert 'name="site_internet"' in page
    assert 'tabindex="-1"' in page
    assert 'autocomplete="off"' in page


# Eurekaf: ideas and comments, pages and API ---------------------------------------------------
def idea_data(n: int) -> dict:
    return {
        "box": box("38").pk,
        "title": f"Une idée pour l'accueil n°{n}",
        "description": "Un rappel téléphonique à heure fixe.",
    }


def test_posting_ideas_beyond_the_rate_gets_a_french_429_page(client, agent, settings):
    settings.CAFLAB_IDEA_POST_RATE = "3/h"
    client.force_login(agent)
    url = reverse("eurekaf:idea-create")
    statuses = [client.post(url, idea_data(n)).status_code for n in range(3)]
    assert statuses == [302, 302, 302]
    refused = client.post(url, idea_data(4))
    assert_french_429(refused, words="celle-ci n'est pas enregistrée")
    assert 'value="Une idée pour l\'accueil n°4"' in html.unescape(refused.content.decode())
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert Idea.objects.count() == 3


def test_a_refused_idea_form_does_not_count_towards_the_rate(client, agent, settings):
    settings.CAFLAB_IDEA_POST_RATE = "1/h"
    client.force_login(agent)
    url = reverse("eurekaf:idea-create")
    assert client.post(url, {**idea_data(0), "title": ""}).status_code == 400
    assert client.post(url, idea_data(1)).status_code == 302


def test_the_idea_rate_is_per_agent_and_shared_by_pages_and_api(
    client, api_client, agent, other_caf_agent, settings
):
    settings.CAFLAB_IDEA_POST_RATE = "2/h"
    client.force_login(agent)
    assert client.post(reverse("eurekaf:idea-create"), idea_data(1)).status_code == 302
    api_client.force_authenticate(agent)
    payload = {"boite": box("38").slug, "titre": "Par l'API", "description": "Texte"}
    assert api_client.post("/api/v1/idees/", payload, format="json").status_code == 201
    refused = api_client.post("/api/v1/idees/", payload, format="json")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    body = refused.json()
    assert body["status"] == 429
    assert body["code"] == "throttled"
    assert "beaucoup d'idées" in body["detail"]
    assert Idea.objects.count() == 2
    # Another agent is not held back.
    api_client.force_authenticate(other_caf_agent)
    other = {"boite": box("29").slug, "titre": "Une autre", "description": "Texte"}
    assert api_client.post("/api/v1/idees/", other, format="json").status_code == 201


def test_posting_comments_beyond_the_rate_gets_a_french_429_page_and_api_error(
    client, api_client, agent, settings
):
    settings.CAFLAB_COMMENT_POST_RATE = "2/10m"
    idea = IdeaFactory(box=box("38"))
    client.force_login(agent)
    url = reverse("eurekaf:idea-comment", kwargs={"pk": idea.pk})
    statuses = [client.post(url, {"text": f"Bravo {n}"}).status_code for n in range(2)]
    assert statuses == [302, 302]
    refused = client.post(url, {"text": "Encore un mot"})
    assert_french_429(refused, words="celui-ci n'est pas enregistré")
    assert "Encore un mot" in refused.content.decode()  # kept in the form
    api_client.force_authenticate(agent)
    refused = api_client.post(
        f"/api/v1/idees/{idea.pk}/commentaires/", {"text": "Par l'API"}, format="json"
    )
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "beaucoup de commentaires" in refused.json()["detail"]
    assert Comment.objects.count() == 2


def test_the_default_post_rates_are_set():
    from django.conf import settings

    assert ratelimit.parse_rate(settings.CAFLAB_IDEA_POST_RATE) == (10, 3600)
    assert ratelimit.parse_rate(settings.CAFLAB_COMMENT_POST_RATE) == (30, 600)


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("10/h", (10, 3600)), ("30/10m", (30, 600)), ("5/30s", (5, 30)), ("100/d", (100, 86400))],
)
def test_parse_rate(rate, parsed):
    assert ratelimit.parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["", "10", "dix/h", "10/heure", "10/-1m"])
def test_a_malformed_rate_fails_loudly(rate):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        ratelimit.parse_rate(rate)


def test_the_shared_429_page_is_french_with_retry_after(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.post("/idees/deposer/")
    request.user = AnonymousUser()
    response = ratelimit.too_many(request, 150)
    assert_french_429(response, words="Vous pourrez réessayer dans 3 minutes.")
    api = ratelimit.too_many(rf.post("/api/v1/idees/"), 30)
    assert api.status_code == 429
    assert api["Retry-After"] == "30"
    assert json.loads(api.content)["code"] == "throttled"


def test_retry_after_is_what_is_left_of_the_window():
    assert ratelimit.hit("essai", limit=1, window=600) == (True, 0)
    allowed, wait = ratelimit.hit("essai", limit=1, window=600)
    assert not allowed
    assert 590 <= wait <= 600


# The API's own throttles ---------------------------------------------------------------------
def test_api_user_throttle_answers_429_with_retry_after_and_a_french_body(
    api_client, agent, monkeypatch
):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    api_client.force_authenticate(agent)
    statuses = [api_client.get("/api/v1/me/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = api_client.get("/api/v1/me/")
    assert 0 < int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["status"] == 429
    assert body["code"] == "throttled"
    assert "Requête ralentie" in body["detail"]
    assert "seconde" in body["detail"]


def test_api_anonymous_throttle_answers_429_with_retry_after(api_client, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    statuses = [api_client.get("/api/v1/consultations/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = api_client.get("/api/v1/consultations/")
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"


# What anonymous visitors can send ------------------------------------------------------------
def _paths(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _paths(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


SAMPLES = {
    "<int:pk>": "1",
    "<slug:slug>": "aidants",
    "<int:year>": "2025",
    "<str:fmt>": "csv",
    "<str:kind>": "reponses",
}

# The forms a visitor without an account may send, and what guards them against robots.
PUBLIC_FORMS = {
    "/comptes/login/": "django-axes lock-out",
    "/comptes/password/reset/": "allauth rate limit (reset_password)",
    "/comptes/signup/": "closed (« Inscriptions fermées »)",
    "/consultations/aidants/repondre/": "honeypot « site_internet » + rate limit by address",
    "/i18n/setlang/": "changes a cookie only",
}
# Answer a POST without a form and store nothing.
NO_FORM = {
    "/healthz": "probe",
    "/readyz": "probe",
    "/comptes/logout/": "ends the session",
    "/consultations/aidants/merci/": "the thank-you page, as for GET",
}


def test_anonymous_visitors_can_post_only_to_the_known_public_forms(consultation):
    import re

    client = Client(raise_request_exception=False)
    accepted = {}
    for route in _paths(get_resolver().url_patterns):
        if route.startswith(("admin/", "api/", "^")) or "(?P" in route:
            continue
        path = "/" + route
        for sample, value in SAMPLES.items():
            path = path.replace(sample, value)
        path = re.sub(r"<[^>]+>", "x", path)
        response = client.post(path, {})
        location = response.get("Location", "")
        if response.status_code in (401, 403, 404, 405) or "/comptes/login/" in location:
            continue
        assert response.status_code < 500, path
        accepted[path] = response.status_code
    assert set(accepted) <= set(PUBLIC_FORMS) | set(NO_FORM), accepted
