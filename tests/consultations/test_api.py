import pytest
from rest_framework.authtoken.models import Token

from consultations.models import Consultation, Response
from tests.consultations.conftest import valid_answers
from tests.consultations.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def with_token(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api_client


def test_anonymous_lists_public_consultations(api_client, consultation):
    ConsultationFactory(audience=Consultation.Audience.PRIVATE, title="Interne")
    body = api_client.get("/api/v1/consultations/").json()
    assert [c["slug"] for c in body["results"]] == ["aidants"]
    assert body["results"][0]["phase"] == "ouverte"
    assert body["results"][0]["url"].endswith("/consultations/aidants/")


def test_agent_also_sees_internal_consultations(api_client, consultation, agent):
    ConsultationFactory(audience=Consultation.Audience.PRIVATE, slug="interne")
    body = with_token(api_client, agent).get("/api/v1/consultations/").json()
    assert {c["slug"] for c in body["results"]} == {"aidants", "interne"}


def test_filters(api_client, consultation):
    ConsultationFactory(slug="fermee", status=Consultation.Status.RESULTS)
    assert [
        c["slug"]
        for c in api_client.get("/api/v1/consultations/?phase=resultats").json()["results"]
    ] == ["fermee"]
    assert api_client.get("/api/v1/consultations/?phase=nimporte").status_code == 400
    assert api_client.get("/api/v1/consultations/?audience=public").json()["count"] == 2
    assert api_client.get("/api/v1/consultations/?theme=parentalite").json()["count"] == 2


def test_questionnaire_structure(api_client, consultation):
    sections = api_client.get("/api/v1/consultations/aidants/questionnaire/").json()
    assert [s["title"] for s in sections] == ["Votre situation", "Vos attentes"]
    hours = next(q for q in sections[0]["questions"] if q["kind"] == "nombre")
    assert hours["condition"]["question"] == consultation.q["aidant"].pk
    assert hours["field"] == f"q{hours['id']}"


def test_submit_a_response(api_client, consultation):
    response = api_client.post(
        "/api/v1/consultations/aidants/reponses/",
        {"answers": valid_answers(consultation)},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Response.objects.count() == 1


def test_submit_with_errors_gives_field_errors(api_client, consultation):
    q = consultation.q
    response = api_client.post(
        "/api/v1/consultations/aidants/reponses/",
        {"answers": valid_answers(consultation, **{f"q{q['satisfaction'].pk}": "9"})},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert f"q{q['satisfaction'].pk}" in body["errors"]["answers"]
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [{"answers": "pas un objet"}, {"answers": {"q1": {"a": 1}}}, {}, {"answers": {"x": "1"}}],
)
def test_malformed_payloads_are_400(api_client, consultation, payload):
    response = api_client.post("/api/v1/consultations/aidants/reponses/", payload, format="json")
    assert response.status_code == 400


def test_one_response_per_account_through_the_api(api_client, consultation, agent):
    client = with_token(api_client, agent)
    url = "/api/v1/consultations/aidants/reponses/"
    assert (
        client.post(url, {"answers": valid_answers(consultation)}, format="json").status_code == 201
    )
    second = client.post(url, {"answers": valid_answers(consultation)}, format="json")
    assert second.status_code == 409
    assert second.json()["code"] == "already_answered"


def test_private_consultation_is_a_404_for_anonymous(api_client):
    ConsultationFactory(audience=Consultation.Audience.PRIVATE, slug="interne")
    assert api_client.get("/api/v1/consultations/interne/").status_code == 404
    assert (
        api_client.post(
            "/api/v1/consultations/interne/reponses/", {"answers": {}}, format="json"
        ).status_code
        == 404
    )


def test_results_for_staff_only_until_published(api_client, consultation, staff, agent):
    api_client.post(
        "/api/v1/consultations/aidants/reponses/",
        {"answers": valid_answers(consultation)},
        format="json",
    )
    assert api_client.get("/api/v1/consultations/aidants/resultats/").status_code == 404
    body = with_token(api_client, staff).get("/api/v1/consultations/aidants/resultats/").json()
    assert body["respondents"] == 1
    known = next(q for q in body["questions"] if q["label"] == "Connaissez-vous l'AJPP ?")
    assert {r["label"]: r["count"] for r in known["rows"]}["Non"] == 1


@pytest.mark.parametrize("n", [1, 15])
def test_list_queries_do_not_grow(api_client, n, django_assert_num_queries):
    ConsultationFactory.create_batch(n)
    # count, page with theme and Caf
    with django_assert_num_queries(2):
        assert api_client.get("/api/v1/consultations/").status_code == 200
