"""The living labs' API: public labs, workshops and contributions for the network, contributions
recorded by the facilitators — and never a member's personal data, whoever asks."""

import json
from datetime import timedelta

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token

from livinglabs.models import Contribution, Invitation, Lab
from tests.caflab.factories import AgentFactory, caf
from tests.livinglabs.factories import (
    ContributionFactory,
    LabFactory,
    MemberFactory,
    SolicitationFactory,
    WorkshopFactory,
    facilitator,
)

pytestmark = pytest.mark.django_db

PERSONAL_KEYS = {"first_name", "last_name", "email", "phone", "pseudonym", "members", "member"}


def with_token(api_client, user):
    token, _created = Token.objects.get_or_create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api_client


def keys(value) -> set[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for item in value.values() for k in keys(item)}
    if isinstance(value, list):
        return {k for item in value for k in keys(item)}
    return set()


@pytest.fixture
def lab(db):
    return LabFactory(slug="lab-parentalite", name="Lab parentalité")


@pytest.fixture
def workshop(lab):
    """A held workshop: three members invited, two came; two contributions."""
    workshop = WorkshopFactory(lab=lab, topic="Les courriers de la Caf")
    for attended in (True, True, False):
        Invitation.objects.create(
            workshop=workshop, member=MemberFactory(lab=lab), attended=attended
        )
    ContributionFactory(workshop=workshop, kind="irritant", text="Le courrier parle d'indu.")
    ContributionFactory(
        workshop=workshop,
        kind="proposition",
        text="Une phrase simple en tête de chaque courrier.",
        status="prise_en_compte",
    )
    return workshop


# Labs: public ----------------------------------------------------------------------------------
def test_anonymous_lists_the_labs_with_their_counts(api_client, workshop):
    body = api_client.get("/api/v1/living-labs/").json()
    assert body["count"] == 1
    (lab,) = body["results"]
    assert lab["slug"] == "lab-parentalite"
    assert lab["caf"] == {"number": "38", "name": "Caf de l'Isère"}
    assert (lab["theme"], lab["theme_label"]) == ("parentalite", "Parentalité")
    assert (lab["member_count"], lab["workshop_count"]) == (3, 1)
    assert lab["url"].endswith("/living-labs/lab-parentalite/")


def test_left_and_anonymised_members_are_not_counted(api_client, lab):
    MemberFactory(lab=lab)
    MemberFactory(lab=lab, left_on=timezone.localdate())
    body = api_client.get("/api/v1/living-labs/lab-parentalite/").json()
    assert body["member_count"] == 1


def test_filters_of_the_labs(api_client, lab):
    LabFactory(slug="handicap", theme=Lab.Theme.DISABILITY, caf=caf("87"))
    LabFactory(slug="ferme", status=Lab.Status.CLOSED)

    def slugs(query):
        return [
            row["slug"] for row in api_client.get(f"/api/v1/living-labs/?{query}").json()["results"]
        ]

    assert slugs("theme=handicap") == ["handicap"]
    assert slugs("caf=87") == ["handicap"]
    assert slugs("status=ferme") == ["ferme"]
    assert set(slugs("status=actif")) == {"lab-parentalite", "handicap"}
    for query in ("theme=sport", "status=ouvert", "caf=999x"):
        response = api_client.get(f"/api/v1/living-labs/?{query}")
        assert response.status_code == 400, query
        assert response.json()["code"] == "invalid"


def test_an_unknown_lab_is_a_json_404(api_client):
    response = api_client.get("/api/v1/living-labs/nulle-part/")
    assert response.status_code == 404
    assert response.json()["status"] == 404


# Workshops and contributions: the network ------------------------------------------------------
@pytest.mark.parametrize("path", ["ateliers", "contributions"])
def test_the_work_of_a_lab_needs_an_account(api_client, workshop, path):
    response = api_client.get(f"/api/v1/living-labs/lab-parentalite/{path}/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("path", ["ateliers", "contributions"])
def test_partners_do_not_see_the_work_of_the_labs(api_client, partner, workshop, path):
    response = with_token(api_client, partner).get(f"/api/v1/living-labs/lab-parentalite/{path}/")
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["agent", "other_caf_agent", "staff", "facilitator"])
def test_agents_staff_and_facilitators_see_the_workshops(api_client, workshop, who, request):
    user = facilitator(workshop.lab) if who == "facilitator" else request.getfixturevalue(who)
    body = with_token(api_client, user).get("/api/v1/living-labs/lab-parentalite/ateliers/").json()
    (row,) = body["results"]
    assert row["topic"] == "Les courriers de la Caf"
    assert (row["invited"], row["present"], row["contribution_count"]) == (3, 2, 2)
    assert row["mode"] == "presentiel"
    assert row["solicitation"] is None


def test_workshops_of_an_unknown_lab_are_a_404(api_client, agent):
    response = with_token(api_client, agent).get("/api/v1/living-labs/nulle-part/ateliers/")
    assert response.status_code == 404


def test_workshops_by_dates_and_with_their_solicitation(api_client, agent, lab):
    solicitation = SolicitationFactory(title="Relevé de dettes Aripa", labs=[lab])
    WorkshopFactory(lab=lab, topic="Passé", starts_at=timezone.now() - timedelta(days=40))
    WorkshopFactory(
        lab=lab,
        topic="À venir",
        starts_at=timezone.now() + timedelta(days=10),
        solicitation=solicitation,
    )
    client = with_token(api_client, agent)
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    body = client.get(f"/api/v1/living-labs/lab-parentalite/ateliers/?since={since}").json()
    assert [row["topic"] for row in body["results"]] == ["À venir"]
    assert body["results"][0]["solicitation"]["title"] == "Relevé de dettes Aripa"
    body = client.get(f"/api/v1/living-labs/lab-parentalite/ateliers/?until={since}").json()
    assert [row["topic"] for row in body["results"]] == ["Passé"]
    assert client.get("/api/v1/living-labs/lab-parentalite/ateliers/?since=hier").status_code == 400


def test_contributions_with_their_filters(api_client, agent, workshop):
    other = WorkshopFactory(lab=workshop.lab)
    ContributionFactory(workshop=other, kind="idee", status="non_retenue", status_reason="Loi.")
    ContributionFactory(workshop=WorkshopFactory(), text="Un autre lab")  # not listed
    client = with_token(api_client, agent)
    url = "/api/v1/living-labs/lab-parentalite/contributions/"
    body = client.get(url).json()
    assert body["count"] == 3
    assert {row["lab"] for row in body["results"]} == {"lab-parentalite"}
    assert [r["kind"] for r in client.get(f"{url}?kind=idee").json()["results"]] == ["idee"]
    taken = client.get(f"{url}?status=prise_en_compte").json()["results"]
    assert [r["text"] for r in taken] == ["Une phrase simple en tête de chaque courrier."]
    rejected = client.get(f"{url}?status=non_retenue").json()["results"]
    assert rejected[0]["status_reason"] == "Loi."
    assert rejected[0]["status_label"] == "Non retenue"
    assert client.get(f"{url}?workshop={other.pk}").json()["count"] == 1
    assert client.get(f"{url}?kind=avis").status_code == 400
    assert client.get(f"{url}?status=rejetee").status_code == 400
    row = client.get(f"{url}?kind=irritant").json()["results"][0]
    assert row["workshop"]["topic"] == "Les courriers de la Caf"
    assert row["tags"] == ["courrier", "Aripa"]


# Contributions: written by the facilitators ------------------------------------------------------
def test_a_facilitator_records_a_contribution(api_client, workshop):
    client = with_token(api_client, facilitator(workshop.lab))
    response = client.post(
        "/api/v1/living-labs/lab-parentalite/contributions/",
        {
            "workshop": workshop.pk,
            "kind": "besoin",
            "text": "  Comprendre le relevé de dettes.  ",
            "tags": "Aripa, , relevé",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "transmise"
    assert body["text"] == "Comprendre le relevé de dettes."
    assert body["tags"] == ["Aripa", "relevé"]
    contribution = Contribution.objects.get(pk=body["id"])
    assert (contribution.workshop, contribution.tags) == (workshop, "Aripa, relevé")


@pytest.mark.parametrize("who", ["agent", "staff", "other_lab_facilitator"])
def test_only_the_labs_facilitators_record_contributions(api_client, workshop, who, request):
    if who == "other_lab_facilitator":
        user = facilitator(LabFactory())
    else:
        user = request.getfixturevalue(who)
    response = with_token(api_client, user).post(
        "/api/v1/living-labs/lab-parentalite/contributions/",
        {"workshop": workshop.pk, "kind": "idee", "text": "Une idée."},
        format="json",
    )
    assert response.status_code == 403
    assert Contribution.objects.count() == 2


def test_anonymous_cannot_record_a_contribution(api_client, workshop):
    response = api_client.post(
        "/api/v1/living-labs/lab-parentalite/contributions/",
        {"workshop": workshop.pk, "kind": "idee", "text": "Une idée."},
        format="json",
    )
    assert response.status_code == 401


WORKSHOP = object()  # stands for the workshop's id


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "idee", "text": "Une idée."}, "workshop"),
        ({"workshop": "abc", "kind": "idee", "text": "Une idée."}, "workshop"),
        ({"workshop": WORKSHOP, "kind": "avis", "text": "Une idée."}, "kind"),
        ({"workshop": WORKSHOP, "kind": "idee", "text": "   "}, "text"),
        ({"workshop": WORKSHOP, "kind": "idee", "text": "x" * 3001}, "text"),
    ],
)
def test_invalid_contributions_are_400_with_field_errors(api_client, workshop, payload, field):
    payload = {k: workshop.pk if v is WORKSHOP else v for k, v in payload.items()}
    response = with_token(api_client, facilitator(workshop.lab)).post(
        "/api/v1/living-labs/lab-parentalite/contributions/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert workshop.contributions.count() == 2


def test_a_workshop_of_another_lab_is_refused(api_client, workshop):
    elsewhere = WorkshopFactory()  # another lab
    response = with_token(api_client, facilitator(workshop.lab)).post(
        "/api/v1/living-labs/lab-parentalite/contributions/",
        {"workshop": elsewhere.pk, "kind": "idee", "text": "Une idée."},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["workshop"] == [
        "Cet atelier n'appartient pas à ce living lab."
    ]
    assert not elsewhere.contributions.exists()


# Personal data ----------------------------------------------------------------------------------
def test_no_personal_data_of_members_anywhere_in_the_api(api_client, lab, staff):
    """Not to the public, not to the network, not even to the lab's own facilitator."""
    person = MemberFactory(
        lab=lab,
        pseudonym="Zéphyrine K.",
        first_name="Zéphyrine",
        last_name="Kervadec",
        email="zephyrine.kervadec@exemple.test",
        phone="06 39 98 12 34",
    )
    workshop = WorkshopFactory(lab=lab, minutes="Atelier tenu ; huit présents.")
    Invitation.objects.create(workshop=workshop, member=person, attended=True)
    ContributionFactory(workshop=workshop, text="Le relevé est illisible.")
    owner = facilitator(lab)
    urls = [
        "/api/v1/living-labs/",
        "/api/v1/living-labs/lab-parentalite/",
        "/api/v1/living-labs/lab-parentalite/ateliers/",
        "/api/v1/living-labs/lab-parentalite/contributions/",
    ]
    bodies = []
    for user in (None, staff, owner):
        api_client.credentials()
        client = with_token(api_client, user) if user else api_client
        for url in urls:
            response = client.get(url)
            assert response.status_code in {200, 401}, url
            bodies.append(response.json())
    created = with_token(api_client, owner).post(
        urls[-1], {"workshop": workshop.pk, "kind": "idee", "text": "Une idée."}, format="json"
    )
    bodies.append(created.json())
    for body in bodies:
        assert not keys(body) & PERSONAL_KEYS
        text = json.dumps(body, ensure_ascii=False)
        for value in ("Zéphyrine", "Kervadec", "zephyrine", "06 39 98 12 34"):
            assert value not in text


def test_the_schema_documents_no_personal_field(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    paths = {p for p in schema["paths"] if p.startswith("/api/v1/living-labs/")}
    assert paths == {
        "/api/v1/living-labs/",
        "/api/v1/living-labs/{slug}/",
        "/api/v1/living-labs/{slug}/ateliers/",
        "/api/v1/living-labs/{slug}/contributions/",
    }
    components = schema["components"]["schemas"]
    for name in ("Lab", "Workshop", "Contribution", "ContributionCreateRequest"):
        assert not set(components[name]["properties"]) & PERSONAL_KEYS, name
    operation = schema["paths"]["/api/v1/living-labs/{slug}/contributions/"]["post"]
    assert operation["summary"] == "Enregistrer une contribution"


# Query counts ------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 15])
def test_lab_list_queries_do_not_grow(api_client, n, django_assert_num_queries):
    for lab in LabFactory.create_batch(n):
        MemberFactory.create_batch(2, lab=lab)
        WorkshopFactory(lab=lab)
    # count, page of labs with their Caf and counts
    with django_assert_num_queries(2):
        assert api_client.get("/api/v1/living-labs/").status_code == 200


@pytest.mark.parametrize("n", [1, 15])
def test_workshop_list_queries_do_not_grow(api_client, agent, lab, n, django_assert_num_queries):
    solicitation = SolicitationFactory(labs=[lab])
    for workshop in WorkshopFactory.create_batch(n, lab=lab, solicitation=solicitation):
        Invitation.objects.create(workshop=workshop, member=MemberFactory(lab=lab), attended=True)
        ContributionFactory.create_batch(2, workshop=workshop)
    client = with_token(api_client, agent)
    # token and user, lab with its Caf, its facilitators, count, page of workshops with counts
    with django_assert_num_queries(5):
        assert client.get("/api/v1/living-labs/lab-parentalite/ateliers/").status_code == 200


@pytest.mark.parametrize("n", [1, 15])
def test_contribution_list_queries_do_not_grow(api_client, lab, n, django_assert_num_queries):
    owner = facilitator(lab)
    for workshop in WorkshopFactory.create_batch(n, lab=lab):
        ContributionFactory.create_batch(2, workshop=workshop)
    client = with_token(api_client, owner)
    # token and user, lab with its Caf, its facilitators, count, page of contributions with
    # their workshop and lab (a facilitator is an agent: the rules need no query)
    with django_assert_num_queries(5):
        assert client.get("/api/v1/living-labs/lab-parentalite/contributions/").status_code == 200


def test_agents_of_every_caf_read_the_same_labs(api_client, lab):
    """The labs are the network's: an agent of another Caf reads the Isère lab's work too."""
    response = with_token(api_client, AgentFactory(caf=caf("974"))).get(
        "/api/v1/living-labs/lab-parentalite/contributions/"
    )
    assert response.status_code == 200
