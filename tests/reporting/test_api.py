"""The annual report's API: the CafLab team's only (401 anonymous, 403 every other role, before
any lookup); a request creates a build (202) or joins the one under way (200); a build's status,
progress, steps and links; its PDF; the list, paginated and filtered, with a pinned number of
queries; and a valid schema."""

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token

from reporting.models import ReportRun
from tests.reporting.test_views import make_run

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/rapports/"
THIS_YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def login(api_client, user):
    """A token per user, as the API's clients use it."""
    token, _created = Token.objects.get_or_create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api_client


@pytest.fixture
def runs(staff):
    return {
        "done": make_run(by=staff),
        "failed": make_run(status=ReportRun.Status.FAILED, kind="chiffres", by=staff),
        "running": make_run(status=ReportRun.Status.RUNNING, year=2024, by=staff),
    }


def routes(runs) -> list[tuple[str, str]]:
    done = runs["done"]
    return [
        ("get", RUNS),
        ("get", f"{RUNS}{done.pk}/"),
        ("get", f"{RUNS}{done.pk}/pdf/"),
        ("get", f"{RUNS}999999/"),  # unknown: still refused, not a 404
        ("post", RUNS),
    ]


# Who may call ----------------------------------------------------------------------------------
def test_anonymous_callers_get_a_401_with_the_error_body(api_client, runs):
    for method, address in routes(runs):
        response = getattr(api_client, method)(address, {"year": 2025}, format="json")
        assert response.status_code == 401, address
        assert response.json()["code"] == "not_authenticated"
    assert ReportRun.objects.count() == 3


@pytest.mark.parametrize("role", ["agent", "partner", "referent", "other_caf_agent"])
def test_every_other_role_gets_a_403(request, api_client, runs, role):
    client = login(api_client, request.getfixturevalue(role))
    for method, address in routes(runs):
        response = getattr(client, method)(address, {"year": 2025}, format="json")
        assert response.status_code == 403, address
        assert response.json() == {
            "status": 403,
            "code": "permission_denied",
            "detail": "Vous n'avez pas le droit d'effectuer cette action.",
        }
    assert ReportRun.objects.count() == 3


# Asking for a build ----------------------------------------------------------------------------
def test_a_request_creates_a_build_then_a_second_one_joins_it(api_client, staff):
    client = login(api_client, staff)
    first = client.post(RUNS, {"year": 2025, "kind": "complet"}, format="json")
    assert first.status_code == 202
    body = first.json()
    run = ReportRun.objects.get()
    assert body["id"] == run.pk
    assert body["status"] == "en_attente"
    assert body["status_label"] == "En attente"
    assert body["requested_by"] == staff.get_full_name()
    assert body["links"]["self"] == f"http://testserver{RUNS}{run.pk}/"
    assert body["links"]["page"] == f"http://testserver/rapports/generations/{run.pk}/"
    assert body["links"]["pdf"] is None

    second = client.post(RUNS, {"year": 2025}, format="json")  # the full report by default
    assert second.status_code == 200
    assert second.json()["id"] == run.pk
    assert ReportRun.objects.count() == 1

    other = client.post(RUNS, {"year": 2025, "kind": "chiffres"}, format="json")
    assert other.status_code == 202
    assert ReportRun.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"year": 2019}, "year"),
        ({"year": THIS_YEAR + 1}, "year"),
        ({"year": "deux-mille"}, "year"),
        ({}, "year"),
        ({"year": 2025, "kind": "roman"}, "kind"),
    ],
)
def test_a_refused_request_is_a_400_with_its_field(api_client, staff, data, field):
    response = login(api_client, staff).post(RUNS, data, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"]
    assert not ReportRun.objects.exists()


def test_the_year_refusal_is_in_french(api_client, staff):
    body = login(api_client, staff).post(RUNS, {"year": 2019}, format="json").json()
    assert body["errors"]["year"] == [f"Choisissez une année entre 2020 et {THIS_YEAR}."]


# A build ---------------------------------------------------------------------------------------
def test_a_finished_build_gives_its_provenance_and_its_pdf_link(api_client, staff, runs):
    done = runs["done"]
    body = login(api_client, staff).get(f"{RUNS}{done.pk}/").json()
    assert body["status"] == "termine"
    assert body["progress"] == 100
    assert body["pages"] == 3
    assert body["size"] == done.size
    assert body["data_hash"] == done.data_hash
    assert body["template_version"] == "2025.1"
    assert (body["gather_seconds"], body["render_seconds"]) == (1.2, 3.5)
    assert [step["label"] for step in body["steps"]] == ["Collecte des données", "Terminé"]
    assert body["links"]["pdf"] == f"http://testserver{RUNS}{done.pk}/pdf/"


def test_a_running_build_gives_its_step_and_progress(api_client, staff, runs):
    body = login(api_client, staff).get(f"{RUNS}{runs['running'].pk}/").json()
    assert (body["status"], body["progress"], body["step"]) == (
        "en_cours",
        62,
        "Mise en page : page 12",
    )
    assert body["links"]["pdf"] is None


def test_a_failed_build_gives_its_reason(api_client, staff, runs):
    body = login(api_client, staff).get(f"{RUNS}{runs['failed'].pk}/").json()
    assert body["status"] == "echec"
    assert "police introuvable" in body["error"]


def test_an_unknown_build_is_a_json_404(api_client, staff):
    response = login(api_client, staff).get(f"{RUNS}999999/")
    assert response.status_code == 404
    assert response.json()["detail"] == "Génération introuvable."
    assert login(api_client, staff).get(f"{RUNS}abc/").status_code == 404


def test_the_pdf_is_downloaded(api_client, staff, runs):
    client = login(api_client, staff)
    for accept in ("*/*", "application/pdf"):
        response = client.get(f"{RUNS}{runs['done'].pk}/pdf/", HTTP_ACCEPT=accept)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert 'filename="caflab-rapport-activite-2025.pdf"' in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("which", ["running", "failed"])
def test_a_build_without_pdf_is_a_json_404_even_to_a_pdf_client(api_client, staff, runs, which):
    client = login(api_client, staff)
    for accept in ("application/json", "application/pdf"):
        response = client.get(f"{RUNS}{runs[which].pk}/pdf/", HTTP_ACCEPT=accept)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"] == "Cette génération n'a pas de PDF."


# The list --------------------------------------------------------------------------------------
def test_the_list_is_paginated_most_recent_first(api_client, staff, runs):
    body = login(api_client, staff).get(RUNS, {"page_size": 2}).json()
    assert body["count"] == 3
    assert [run["id"] for run in body["results"]] == [runs["running"].pk, runs["failed"].pk]
    assert body["next"].endswith("page=2&page_size=2")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"year": 2024}, ["running"]),
        ({"kind": "chiffres"}, ["failed"]),
        ({"status": "termine"}, ["done"]),
        ({"year": 2025, "kind": "complet", "status": "termine"}, ["done"]),
        ({"status": "en_attente"}, []),
    ],
)
def test_the_list_is_filtered(api_client, staff, runs, query, expected):
    body = login(api_client, staff).get(RUNS, query).json()
    assert [run["id"] for run in body["results"]] == [runs[name].pk for name in expected]


@pytest.mark.parametrize("query", ["status=fini", "kind=roman", "year=deux"])
def test_an_unknown_filter_value_is_a_400(api_client, staff, query):
    response = login(api_client, staff).get(f"{RUNS}?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize("n", [1, 30])
def test_the_list_queries_do_not_grow(api_client, staff, n, django_assert_num_queries):
    for index in range(n):
        make_run(status=ReportRun.Status.FAILED, by=staff, year=2020 + index % 6)
    client = login(api_client, staff)
    # token with its user, count, page of builds with who asked
    with django_assert_num_queries(3):
        assert client.get(RUNS).status_code == 200


# The schema ------------------------------------------------------------------------------------
def test_the_schema_is_valid_and_documents_the_routes(tmp_path, client):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    paths = schema["paths"]
    assert set(paths[RUNS]) >= {"get", "post"}
    assert "get" in paths[RUNS + "{id}/"]
    pdf = paths[RUNS + "{id}/pdf/"]["get"]
    assert "application/pdf" in pdf["responses"]["200"]["content"]
    create = paths[RUNS]["post"]
    assert {"200", "202", "400", "401", "403"} <= set(create["responses"])
    parameters = {parameter["name"] for parameter in paths[RUNS]["get"]["parameters"]}
    assert {"year", "kind", "status", "page", "page_size"} <= parameters
