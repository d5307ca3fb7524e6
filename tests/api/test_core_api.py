import pytest
import yaml
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from tests.caflab.factories import AgentFactory

pytestmark = pytest.mark.django_db


def token_client(api_client, user):
    token = Token.objects.create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api_client


def test_anonymous_gets_401_with_the_error_body(api_client):
    response = api_client.get("/api/v1/cafs/")
    assert response.status_code == 401
    assert response.json() == {
        "status": 401,
        "code": "not_authenticated",
        "detail": "Informations d'authentification non fournies.",
    }
    assert response["WWW-Authenticate"].startswith("Token")


def test_wrong_token_gets_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token pas-un-vrai-jeton")
    response = api_client.get("/api/v1/cafs/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_cafs_are_paginated(api_client, partner):
    body = token_client(api_client, partner).get("/api/v1/cafs/").json()
    assert body["count"] == 101
    assert len(body["results"]) == 50
    assert body["next"].endswith("/api/v1/cafs/?page=2")
    last = api_client.get("/api/v1/cafs/?page=3").json()
    assert len(last["results"]) == 1


def test_page_size_is_capped(api_client, partner):
    body = token_client(api_client, partner).get("/api/v1/cafs/?page_size=1000").json()
    assert len(body["results"]) == 101  # under the cap of 200
    body = api_client.get("/api/v1/cafs/?page_size=10").json()
    assert len(body["results"]) == 10


def test_cafs_filter_by_region_and_search(api_client, agent):
    client = token_client(api_client, agent)
    bretagne = client.get("/api/v1/cafs/?region=53").json()
    assert sorted(c["number"] for c in bretagne["results"]) == ["22", "29", "35", "56"]
    overseas = client.get("/api/v1/cafs/?overseas=true").json()
    assert overseas["count"] == 5
    found = client.get("/api/v1/cafs/?search=isère").json()
    assert [c["number"] for c in found["results"]] == ["38"]


def test_caf_detail_by_number(api_client, agent):
    body = token_client(api_client, agent).get("/api/v1/cafs/2A/").json()
    assert body == {
        "number": "2A",
        "name": "Caf de la Corse-du-Sud",
        "department_name": "Corse-du-Sud",
        "city": "Ajaccio",
        "region": {"code": "94", "name": "Corse", "overseas": False},
    }


def test_unknown_caf_is_a_json_404(api_client, agent):
    response = token_client(api_client, agent).get("/api/v1/cafs/99/")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_unknown_api_url_is_a_json_404(api_client):
    response = api_client.get("/api/v1/nulle-part/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "query",
    ["page=abc", "page=999", "overseas=peut-etre", "ordering=mot_de_passe", "page_size=-3"],
)
def test_malformed_query_parameters_never_give_a_500(api_client, agent, query):
    response = token_client(api_client, agent).get(f"/api/v1/cafs/?{query}")
    assert response.status_code in {200, 400, 404}
    assert response["Content-Type"].startswith("application/json")


def test_invalid_filter_value_is_a_400_with_field_errors(api_client, agent):
    response = token_client(api_client, agent).get("/api/v1/cafs/?overseas=peut-etre")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "overseas" in body["errors"]


@pytest.mark.parametrize("n", [1, 40])
def test_cafs_list_queries_do_not_grow(api_client, agent, n, django_assert_num_queries):
    AgentFactory.create_batch(n)
    client = token_client(api_client, agent)
    # token + user, count, page of Cafs with their region
    with django_assert_num_queries(3):
        assert client.get("/api/v1/cafs/").status_code == 200


def test_me_shows_the_caller(api_client, referent):
    body = token_client(api_client, referent).get("/api/v1/me/").json()
    assert body["email"] == referent.email
    assert body["role"] == "referent"
    assert body["role_label"] == "Référent innovation en région"
    assert body["caf"] == {"number": "35", "name": "Caf d'Ille-et-Vilaine"}
    assert body["regions"] == [{"code": "53", "name": "Bretagne", "overseas": False}]


def test_me_can_change_names_but_not_role(api_client, agent):
    client = token_client(api_client, agent)
    response = client.patch("/api/v1/me/", {"first_name": "Inès", "role": "caflab"}, format="json")
    assert response.status_code == 200
    agent.refresh_from_db()
    assert agent.first_name == "Inès"
    assert agent.role == "agent"


def test_me_rejects_too_long_values_with_field_errors(api_client, agent):
    response = token_client(api_client, agent).patch(
        "/api/v1/me/", {"last_name": "x" * 200}, format="json"
    )
    assert response.status_code == 400
    assert "last_name" in response.json()["errors"]


def test_malformed_json_is_a_400(api_client, agent):
    response = token_client(api_client, agent).generic(
        "PATCH", "/api/v1/me/", '{"first_name": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_me_requires_authentication(api_client):
    assert api_client.get("/api/v1/me/").status_code == 401


def test_authenticated_throttling_answers_429_with_retry_after(api_client, agent, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    client = token_client(api_client, agent)
    statuses = [client.get("/api/v1/me/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/v1/me/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"


def test_anonymous_throttling(api_client, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    statuses = [api_client.get("/api/v1/schema/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_schema_is_valid_openapi_3(tmp_path, client):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/cafs/" in schema["paths"]
    assert "/api/v1/me/" in schema["paths"]
    assert client.get("/api/v1/schema/").status_code == 200


def test_docs_are_served_without_cdn(client):
    body = client.get("/api/v1/docs/").content.decode()
    assert "drf_spectacular_sidecar" in body or "/static/" in body
    assert "cdn.jsdelivr" not in body
    assert "unpkg.com" not in body
