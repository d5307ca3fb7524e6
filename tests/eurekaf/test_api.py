"""Eurekaf's API: visibility per role, filters, writes through the services, schema, queries."""

import datetime

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from eurekaf import services
from eurekaf.models import Comment, Follow, Idea, Support
from tests.caflab.factories import AgentFactory, caf
from tests.eurekaf.factories import CampaignFactory, IdeaFactory, ThemeFactory, box

pytestmark = pytest.mark.django_db

IDEAS = "/api/v1/idees/"
CAMPAIGNS = "/api/v1/campagnes/"
STATISTICS = "/api/v1/idees-statistiques/"


def detail(idea, suffix=""):
    return f"{IDEAS}{idea.pk}/{suffix}"


def login(api_client, user):
    """A token per user, as the API's clients use it: each request reads its user afresh."""
    token, _created = Token.objects.get_or_create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api_client


@pytest.fixture
def box38(db):
    return box("38")


@pytest.fixture
def national(db):
    return box(None)


@pytest.fixture
def manager(box38):
    """An agent of Caf 38 who manages its box."""
    user = AgentFactory(caf=caf("38"))
    box38.managers.add(user)
    return user


@pytest.fixture
def idea(box38):
    return IdeaFactory(box=box38, title="Un rappel téléphonique à l'heure dite")


def ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


# Authentication and visibility ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", IDEAS),
        ("post", IDEAS),
        ("get", f"{IDEAS}1/"),
        ("post", f"{IDEAS}1/soutien/"),
        ("delete", f"{IDEAS}1/soutien/"),
        ("post", f"{IDEAS}1/abonnement/"),
        ("delete", f"{IDEAS}1/abonnement/"),
        ("get", f"{IDEAS}1/commentaires/"),
        ("post", f"{IDEAS}1/commentaires/"),
        ("post", f"{IDEAS}1/statut/"),
        ("get", CAMPAIGNS),
        ("get", f"{CAMPAIGNS}accueil/"),
        ("get", STATISTICS),
    ],
)
def test_anonymous_callers_get_401(api_client, method, url):
    response = getattr(api_client, method)(url)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_agent_sees_their_cafs_box_and_the_national_one(api_client, agent, box38, national):
    mine = IdeaFactory(box=box38)
    national_idea = IdeaFactory(box=national)
    elsewhere = IdeaFactory(box=box("29"))
    assert ids(login(api_client, agent).get(IDEAS)) == {mine.pk, national_idea.pk}
    assert api_client.get(detail(elsewhere)).status_code == 404


def test_another_cafs_agent_never_sees_caf_38s_ideas(api_client, other_caf_agent, idea, national):
    national_idea = IdeaFactory(box=national)
    client = login(api_client, other_caf_agent)
    assert ids(client.get(IDEAS)) == {national_idea.pk}
    assert client.get(detail(idea)).status_code == 404
    assert client.get(detail(idea, "commentaires/")).status_code == 404
    assert client.post(detail(idea, "soutien/")).status_code == 404
    assert client.post(detail(idea, "commentaires/"), {"text": "Bonjour"}).status_code == 404
    assert client.get(detail(national_idea)).status_code == 200
    assert client.post(detail(national_idea, "soutien/")).status_code == 200
    assert not Support.objects.filter(idea=idea).exists()


def test_partners_see_nothing_of_eurekaf(api_client, partner, idea, national, box38):
    IdeaFactory(box=national)
    CampaignFactory(box=box38)
    client = login(api_client, partner)
    assert client.get(IDEAS).json()["count"] == 0
    assert client.get(detail(idea)).status_code == 404
    assert client.get(CAMPAIGNS).json()["count"] == 0
    assert client.get(STATISTICS).status_code == 403
    assert client.get(STATISTICS, {"boite": "caf-38"}).status_code == 404
    response = client.post(
        IDEAS, {"boite": "nationale", "titre": "Une idée", "description": "Une description"}
    )
    assert response.status_code == 403
    assert not Idea.objects.filter(title="Une idée").exists()


def test_caflab_staff_see_every_box(api_client, staff, idea, national):
    national_idea = IdeaFactory(box=national)
    elsewhere = IdeaFactory(box=box("29"))
    assert ids(login(api_client, staff).get(IDEAS)) == {idea.pk, national_idea.pk, elsewhere.pk}


def test_hidden_idea_is_a_404_for_other_agents_but_not_for_its_author(
    api_client, agent, manager, box38
):
    hidden = IdeaFactory(box=box38, author=agent)
    services.idea_hide(idea=hidden, by=manager, reason="Propos personnels")
    colleague = AgentFactory(caf=caf("38"))
    assert login(api_client, colleague).get(detail(hidden)).status_code == 404
    assert hidden.pk not in ids(api_client.get(IDEAS))
    body = login(api_client, agent).get(detail(hidden)).json()
    assert body["is_hidden"] is True
    assert login(api_client, manager).get(detail(hidden)).status_code == 200


# Filters ---------------------------------------------------------------------------------------
@pytest.fixture
def catalogue(box38, national):
    """Five ideas of the Caf 38 box and the national box, in various states."""
    theme = ThemeFactory(slug="accueil", name="Accueil")
    campaign = CampaignFactory(box=box38, slug="accueil-2025", title="Accueil 2025")
    paris = timezone.get_current_timezone()
    saturday = IdeaFactory(
        box=box38,
        title="Horaires d'accueil élargis le samedi",
        campaign=campaign,
        created_at=datetime.datetime(2025, 1, 10, 10, tzinfo=paris),
    )
    saturday.themes.add(theme)
    guide = IdeaFactory(
        box=box38,
        title="Un guide des aides aux aidants",
        status=Idea.Status.STUDYING,
        support_count=9,
        created_at=datetime.datetime(2025, 2, 10, 10, tzinfo=paris),
    )
    badge = IdeaFactory(
        box=box38,
        title="Badge unique pour les sites de la Caf",
        status=Idea.Status.SELECTED,
        support_count=4,
        created_at=datetime.datetime(2025, 3, 10, 10, tzinfo=paris),
    )
    finistere = IdeaFactory(
        box=national,
        author=AgentFactory(caf=caf("29")),
        title="Un simulateur de droits en breton",
        created_at=datetime.datetime(2025, 4, 10, 10, tzinfo=paris),
    )
    duplicate = IdeaFactory(
        box=box38,
        title="Horaires élargis (doublon)",
        status=Idea.Status.MERGED,
        merged_into=saturday,
    )
    return {
        "saturday": saturday,
        "guide": guide,
        "badge": badge,
        "finistere": finistere,
        "duplicate": duplicate,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"saturday", "guide", "badge", "finistere"}),
        ("statut=en_etude&statut=retenue", {"guide", "badge"}),
        ("statut=en_etude,retenue", {"guide", "badge"}),
        ("statut=fusionnee", {"duplicate"}),
        ("boite=nationale", {"finistere"}),
        ("boite=caf-29", set()),
        ("campagne=accueil-2025", {"saturday"}),
        ("theme=accueil", {"saturday"}),
        ("caf=29", {"finistere"}),
        ("q=horaire", {"saturday"}),
        ("du=2025-02-01&au=2025-03-31", {"guide", "badge"}),
        ("tri=en-attente", {"saturday", "guide", "finistere"}),
    ],
)
def test_list_filters(api_client, agent, catalogue, query, expected):
    response = login(api_client, agent).get(f"{IDEAS}?{query}")
    assert ids(response) == {catalogue[name].pk for name in expected}


def test_sorts(api_client, agent, catalogue):
    client = login(api_client, agent)
    titles = [row["id"] for row in client.get(IDEAS, {"tri": "soutenues"}).json()["results"]]
    assert titles[:2] == [catalogue["guide"].pk, catalogue["badge"].pk]
    recent = [row["id"] for row in client.get(IDEAS).json()["results"]]
    assert recent[0] == catalogue["finistere"].pk


def test_mine_and_followed_filters(api_client, agent, box38, idea):
    own = IdeaFactory(box=box38, author=agent)  # authors follow their ideas
    IdeaFactory(box=box38)
    services.idea_follow(idea=idea, user=agent)
    client = login(api_client, agent)
    assert ids(client.get(IDEAS, {"miennes": "true"})) == {own.pk}
    assert ids(client.get(IDEAS, {"suivies": "true"})) == {idea.pk, own.pk}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("statut=archivee", "statut"),
        ("statut=deposee,archivee", "statut"),
        ("tri=meilleures", "tri"),
        ("du=hier", "du"),
        ("au=2025-13-01", "au"),
        ("du=2025-03-01&au=2025-01-01", "au"),
        ("caf=9999", "caf"),
        ("caf=trente-huit", "caf"),
        ("boite=pas une adresse", "boite"),
        ("miennes=peut-etre", "miennes"),
        (f"q={'x' * 201}", "q"),
    ],
)
def test_invalid_query_parameters_are_a_400_with_field_errors(api_client, agent, query, field):
    response = login(api_client, agent).get(f"{IDEAS}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"]


@pytest.mark.parametrize("query", ["page=abc", "page=999", "page_size=-3", "page_size=abc"])
def test_malformed_paging_is_never_a_500(api_client, agent, idea, query):
    response = login(api_client, agent).get(f"{IDEAS}?{query}")
    assert response.status_code in {200, 404}
    assert response["Content-Type"].startswith("application/json")


def test_lists_are_paginated(api_client, agent, box38):
    IdeaFactory.create_batch(3, box=box38)
    body = login(api_client, agent).get(IDEAS, {"page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"].endswith("page=2&page_size=2")


# Create ----------------------------------------------------------------------------------------
def test_agent_posts_an_idea_through_the_api(api_client, agent, box38):
    ThemeFactory(slug="accueil", name="Accueil")
    CampaignFactory(box=box38, slug="accueil-2025")
    response = login(api_client, agent).post(
        IDEAS,
        {
            "boite": "caf-38",
            "titre": "  Un accueil sans rendez-vous le samedi  ",
            "description": "Les familles qui travaillent ne peuvent pas venir en semaine.",
            "campagne": "accueil-2025",
            "themes": ["accueil"],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "Un accueil sans rendez-vous le samedi"
    assert body["status"] == "deposee"
    assert body["box"] == {"slug": "caf-38", "name": "Caf de l'Isère", "is_national": False}
    assert body["campaign"]["slug"] == "accueil-2025"
    assert body["origin_caf"] == {"number": "38", "name": "Caf de l'Isère"}
    assert body["themes"] == [{"slug": "accueil", "name": "Accueil"}]
    assert [step["to_status"] for step in body["timeline"]] == ["deposee"]
    assert body["followed"] is True
    assert body["follower_count"] == 1
    assert body["permissions"]["edit"] is True
    assert body["permissions"]["support"] is False  # nobody supports their own idea
    idea = Idea.objects.get(pk=body["id"])
    assert idea.author == agent
    assert body["url"].endswith(f"/api/v1/idees/{idea.pk}/")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"boite": "caf-29"}, "boite"),
        ({"boite": "inconnue"}, "boite"),
        ({"titre": ""}, "titre"),
        ({"titre": "x" * 161}, "titre"),
        ({"description": "   "}, "description"),
        ({"themes": ["inconnu"]}, "themes"),
        ({"campagne": "inconnue"}, "campagne"),
    ],
)
def test_create_refuses_invalid_fields(api_client, agent, box38, payload, field):
    data = {"boite": "caf-38", "titre": "Une idée", "description": "Une description", **payload}
    response = login(api_client, agent).post(IDEAS, data)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Idea.objects.exists()


def test_create_explains_a_campaign_refusal_in_french(api_client, agent, box38, national):
    today = timezone.localdate()
    CampaignFactory(
        box=box38,
        slug="close",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today - datetime.timedelta(days=1),
    )
    CampaignFactory(box=national, slug="nationale-2025")
    client = login(api_client, agent)
    data = {"boite": "caf-38", "titre": "Une idée", "description": "Une description"}
    response = client.post(IDEAS, {**data, "campagne": "close"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["Cette campagne n'accepte plus d'idées."]
    }
    response = client.post(IDEAS, {**data, "campagne": "nationale-2025"})
    assert response.json()["errors"]["non_field_errors"] == [
        "Cette campagne appartient à une autre boîte à idées."
    ]


def test_create_in_a_closed_box_or_by_staff_is_forbidden(api_client, agent, staff, box38):
    box38.is_active = False
    box38.save()
    data = {"boite": "caf-38", "titre": "Une idée", "description": "Une description"}
    assert login(api_client, agent).post(IDEAS, data).status_code == 403
    assert login(api_client, staff).post(IDEAS, data).status_code == 403  # staff are no agents


# Detail ----------------------------------------------------------------------------------------
def test_detail_has_timeline_visible_comments_and_the_callers_state(
    api_client, agent, manager, idea
):
    colleague = AgentFactory(caf=caf("38"))
    services.idea_change_status(
        idea=idea, by=manager, to_status="en_etude", answer="Le service accueil étudie l'idée."
    )
    services.comment_create(idea=idea, author=agent, text="Bonne idée !")
    rude = services.comment_create(idea=idea, author=colleague, text="Hors sujet")
    services.comment_hide(comment=rude, by=manager, reason="Hors sujet")
    services.idea_support(idea=idea, agent=agent)

    body = login(api_client, agent).get(detail(idea)).json()
    assert [(s["from_status"], s["to_status"]) for s in body["timeline"]] == [
        ("", "deposee"),
        ("deposee", "en_etude"),
    ]
    assert body["timeline"][1]["answer"] == "Le service accueil étudie l'idée."
    assert body["timeline"][1]["to_status_label"] == "En étude"
    assert [c["text"] for c in body["comments"]] == ["Bonne idée !"]
    assert body["comments"][0]["author_caf"] == "38"
    assert body["supported"] is True
    assert body["followed"] is True  # commenting follows the idea
    assert body["support_count"] == 1
    assert body["status_label"] == "En étude"
    assert body["permissions"]["answer"] is False
    assert body["transitions"] == []

    managed = login(api_client, manager).get(detail(idea)).json()
    assert [c["hidden_reason"] for c in managed["comments"]] == ["", "Hors sujet"]
    assert managed["supported"] is False
    assert managed["permissions"]["answer"] is True
    assert [t["status"] for t in managed["transitions"]] == [
        "retenue",
        "en_experimentation",
        "non_retenue",
    ]


def test_unknown_idea_is_a_json_404(api_client, agent):
    response = login(api_client, agent).get(f"{IDEAS}999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api_client.get(f"{IDEAS}abc/").status_code == 404


# Reactions -------------------------------------------------------------------------------------
def test_supporting_twice_counts_once_and_unsupport_toggles(api_client, agent, idea):
    client = login(api_client, agent)
    first = client.post(detail(idea, "soutien/"))
    second = client.post(detail(idea, "soutien/"))
    assert first.status_code == second.status_code == 200
    assert second.json() == {"supported": True, "support_count": 1}
    assert Support.objects.filter(idea=idea).count() == 1
    assert client.delete(detail(idea, "soutien/")).json() == {
        "supported": False,
        "support_count": 0,
    }
    assert client.delete(detail(idea, "soutien/")).json()["support_count"] == 0


def test_nobody_supports_their_own_or_a_merged_idea(api_client, agent, box38, idea):
    own = IdeaFactory(box=box38, author=agent)
    merged = IdeaFactory(box=box38, status=Idea.Status.MERGED, merged_into=idea)
    client = login(api_client, agent)
    assert client.post(detail(own, "soutien/")).status_code == 403
    response = client.post(detail(merged, "soutien/"))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Support.objects.exists()


def test_follow_and_unfollow(api_client, agent, idea):
    assert idea.follower_count == 1  # its author
    client = login(api_client, agent)
    client.post(detail(idea, "abonnement/"))
    response = client.post(detail(idea, "abonnement/"))
    assert response.status_code == 200
    assert response.json() == {"followed": True, "follower_count": 2}
    assert Follow.objects.filter(idea=idea, user=agent).count() == 1
    assert client.delete(detail(idea, "abonnement/")).json() == {
        "followed": False,
        "follower_count": 1,
    }


def test_comments_are_listed_paginated_and_posted(api_client, agent, idea):
    colleague = AgentFactory(caf=caf("38"))
    for text in ("Premier", "Deuxième", "Troisième"):
        services.comment_create(idea=idea, author=colleague, text=text)
    client = login(api_client, agent)
    body = client.get(detail(idea, "commentaires/"), {"page_size": 2}).json()
    assert body["count"] == 3
    assert [c["text"] for c in body["results"]] == ["Premier", "Deuxième"]
    assert body["next"] is not None

    response = client.post(detail(idea, "commentaires/"), {"text": "  À Vienne aussi.  "})
    assert response.status_code == 201
    assert response.json()["text"] == "À Vienne aussi."
    assert response.json()["author_caf"] == "38"
    idea.refresh_from_db()
    assert idea.comment_count == 4
    assert Follow.objects.filter(idea=idea, user=agent).exists()


def test_empty_comment_and_comment_on_a_merged_idea_are_refused(api_client, agent, box38, idea):
    merged = IdeaFactory(box=box38, status=Idea.Status.MERGED, merged_into=idea)
    client = login(api_client, agent)
    response = client.post(detail(idea, "commentaires/"), {"text": "   "})
    assert response.status_code == 400
    assert "text" in response.json()["errors"]
    assert client.post(detail(merged, "commentaires/"), {"text": "Bonjour"}).status_code == 403
    assert not Comment.objects.exists()


# Follow-up -------------------------------------------------------------------------------------
def test_manager_changes_the_status_with_an_answer(api_client, manager, idea):
    response = login(api_client, manager).post(
        detail(idea, "statut/"),
        {"to_status": "en_etude", "answer": "Le service accueil l'étudie."},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "en_etude"
    assert body["timeline"][-1]["answer"] == "Le service accueil l'étudie."
    assert body["timeline"][-1]["by"] == manager.get_full_name()
    idea.refresh_from_db()
    assert idea.first_answer_at is not None


def test_agents_and_other_boxes_managers_cannot_change_a_status(
    api_client, agent, manager, idea, national
):
    response = login(api_client, agent).post(detail(idea, "statut/"), {"to_status": "en_etude"})
    assert response.status_code == 403
    national_idea = IdeaFactory(box=national)
    response = login(api_client, manager).post(
        detail(national_idea, "statut/"), {"to_status": "en_etude"}
    )
    assert response.status_code == 403
    assert Idea.objects.filter(status="deposee").count() == 2


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            {"to_status": "mise_en_oeuvre"},
            "Une idée « Déposée » ne peut pas passer à « Mise en œuvre ».",
        ),
        (
            {"to_status": "non_retenue", "answer": "  "},
            "Une idée non retenue doit recevoir une réponse publique qui explique pourquoi.",
        ),
        (
            {"to_status": "fusionnee"},
            "Pour fusionner une idée, utilisez l'action « Fusionner ».",
        ),
    ],
)
def test_refused_transitions_are_a_400_in_french(api_client, manager, idea, payload, message):
    response = login(api_client, manager).post(detail(idea, "statut/"), payload)
    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": [message]}
    idea.refresh_from_db()
    assert idea.status == "deposee"


def test_unknown_status_is_a_field_error(api_client, manager, idea):
    response = login(api_client, manager).post(detail(idea, "statut/"), {"to_status": "archivee"})
    assert response.status_code == 400
    assert "to_status" in response.json()["errors"]


def test_staff_answer_any_box(api_client, staff, box38):
    elsewhere = IdeaFactory(box=box("29"))
    response = login(api_client, staff).post(
        detail(elsewhere, "statut/"), {"to_status": "non_retenue", "answer": "Déjà en place."}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "non_retenue"


# Campaigns -------------------------------------------------------------------------------------
def test_campaigns_of_visible_boxes_with_filters(api_client, agent, box38, national):
    today = timezone.localdate()
    local = CampaignFactory(box=box38, slug="accueil-38")
    criee = CampaignFactory(
        box=national,
        slug="criee-partenaires",
        kind="initiatives",
        starts_on=today - datetime.timedelta(days=90),
        ends_on=today - datetime.timedelta(days=10),
        pitch_on=today,
    )
    hidden = CampaignFactory(box=box("29"), slug="accueil-29")
    IdeaFactory(box=box38, campaign=local)
    client = login(api_client, agent)

    body = client.get(CAMPAIGNS).json()
    assert {c["slug"] for c in body["results"]} == {"accueil-38", "criee-partenaires"}
    assert {c["slug"]: c["idea_count"] for c in body["results"]}["accueil-38"] == 1

    def slugs(query):
        return {c["slug"] for c in client.get(CAMPAIGNS, query).json()["results"]}

    assert slugs({"type": "initiatives"}) == {"criee-partenaires"}
    assert slugs({"en_cours": "true"}) == {"accueil-38"}
    assert slugs({"en_cours": "false"}) == {"criee-partenaires"}
    assert slugs({"boite": "caf-38"}) == {"accueil-38"}

    one = client.get(f"{CAMPAIGNS}{criee.slug}/").json()
    assert one["kind_label"] == "Appel à initiatives (criée)"
    assert one["box"]["is_national"] is True
    assert one["is_running"] is False
    assert client.get(f"{CAMPAIGNS}{hidden.slug}/").status_code == 404
    response = client.get(CAMPAIGNS, {"type": "criee"})
    assert response.status_code == 400
    assert "type" in response.json()["errors"]


# Statistics ------------------------------------------------------------------------------------
@pytest.fixture
def figures(box38, national):
    IdeaFactory(box=box38, status=Idea.Status.IMPLEMENTED, first_answer_at=timezone.now())
    IdeaFactory(box=box38, status=Idea.Status.STUDYING, first_answer_at=timezone.now())
    IdeaFactory(box=box38)
    IdeaFactory(box=national)


def test_statistics_of_a_box(api_client, agent, figures):
    body = login(api_client, agent).get(STATISTICS, {"boite": "caf-38"}).json()
    assert body["box"]["slug"] == "caf-38"
    assert body["total"] == 3
    assert body["answered"] == 2  # left « déposée »: implemented and « en étude »
    assert body["answered_share"] == 66.7
    assert body["implemented"] == 1
    assert body["implementation_rate"] == 33.3
    assert {row["status"]: row["count"] for row in body["by_status"]}["en_etude"] == 1
    assert body["by_caf"] == [{"caf": "Caf de l'Isère", "count": 3}]
    month = timezone.localdate().strftime("%Y-%m")
    assert body["per_month"] == [{"month": month, "count": 3}]


def test_statistics_default_scope_per_role(api_client, agent, staff, other_caf_agent, figures):
    mine = login(api_client, agent).get(STATISTICS).json()
    assert (mine["box"]["slug"], mine["total"]) == ("caf-38", 3)
    everything = login(api_client, staff).get(STATISTICS).json()
    assert (everything["box"], everything["total"]) == (None, 4)
    client = login(api_client, other_caf_agent)
    response = client.get(STATISTICS)
    assert response.status_code == 404  # the Caf du Finistère has no box yet
    assert response.json()["detail"] == "Votre Caf n'a pas encore de boîte à idées."
    assert client.get(STATISTICS, {"boite": "caf-38"}).status_code == 404
    assert client.get(STATISTICS, {"boite": "nationale"}).json()["total"] == 1


def test_statistics_refuse_bad_dates(api_client, agent, figures):
    client = login(api_client, agent)
    assert client.get(STATISTICS, {"du": "demain"}).status_code == 400
    response = client.get(STATISTICS, {"du": "2025-03-01", "au": "2025-01-01"})
    assert "au" in response.json()["errors"]
    assert client.get(STATISTICS, {"du": "2000-01-01", "au": "2000-12-31"}).json()["total"] == 0


# Schema ----------------------------------------------------------------------------------------
def test_every_eurekaf_endpoint_is_documented_with_examples():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        (path, method): operation
        for path, item in schema["paths"].items()
        if path.startswith(("/api/v1/idees", "/api/v1/campagnes"))
        for method, operation in item.items()
    }
    assert set(operations) == {
        ("/api/v1/idees/", "get"),
        ("/api/v1/idees/", "post"),
        ("/api/v1/idees/{id}/", "get"),
        ("/api/v1/idees/{id}/soutien/", "post"),
        ("/api/v1/idees/{id}/soutien/", "delete"),
        ("/api/v1/idees/{id}/abonnement/", "post"),
        ("/api/v1/idees/{id}/abonnement/", "delete"),
        ("/api/v1/idees/{id}/commentaires/", "get"),
        ("/api/v1/idees/{id}/commentaires/", "post"),
        ("/api/v1/idees/{id}/statut/", "post"),
        ("/api/v1/campagnes/", "get"),
        ("/api/v1/campagnes/{slug}/", "get"),
        ("/api/v1/idees-statistiques/", "get"),
    }
    for key, operation in operations.items():
        assert operation["summary"], key
        assert operation["description"], key
        success = next(code for code in operation["responses"] if code.startswith("2"))
        assert operation["responses"][success]["content"]["application/json"]["examples"], key
        if "requestBody" in operation:
            assert operation["requestBody"]["content"]["application/json"]["examples"], key
    statut = next(
        p for p in operations[("/api/v1/idees/", "get")]["parameters"] if p["name"] == "statut"
    )
    assert "fusionnee" in statut["schema"]["items"]["enum"]


# Queries ---------------------------------------------------------------------------------------
def reacted_ideas(n, *, box_, caller):
    """n ideas, each with a theme, 3 supports (one of them the caller's) and 2 comments."""
    theme = ThemeFactory(slug="accueil", name="Accueil")
    supporters = [caller, *AgentFactory.create_batch(2, caf=caf("38"))]
    ideas = IdeaFactory.create_batch(n, box=box_)
    for item in ideas:
        item.themes.add(theme)
    Support.objects.bulk_create(
        [Support(idea=item, agent=person) for item in ideas for person in supporters]
    )
    Comment.objects.bulk_create(
        [
            Comment(idea=item, author=supporters[1], text=f"Commentaire {k}")
            for item in ideas
            for k in range(2)
        ]
    )
    Idea.objects.filter(pk__in=[item.pk for item in ideas]).update(support_count=3, comment_count=2)
    return ideas


@pytest.mark.parametrize("n", [1, 25])
def test_idea_list_queries_do_not_grow(api_client, agent, box38, n, django_assert_num_queries):
    reacted_ideas(n, box_=box38, caller=agent)
    client = login(api_client, agent)
    # First reader: token and user (one), the reader (managed boxes, hidden ideas), boxes,
    # count, the page's keys, the rows not cached yet (box, author, Caf, campaign) and their
    # themes, the ideas I support
    with django_assert_num_queries(8):
        response = client.get(IDEAS)
    # Then, until Eurekaf's data changes: token and user (one), the ideas I support
    with django_assert_num_queries(2):
        again = client.get(IDEAS)
    for body in (response.json(), again.json()):
        assert body["count"] == n
        assert all(row["supported"] and row["support_count"] == 3 for row in body["results"])
        assert all(
            row["themes"] == [{"slug": "accueil", "name": "Accueil"}] for row in body["results"]
        )
    assert response.json() == again.json()


@pytest.mark.parametrize("n", [1, 25])
def test_idea_list_queries_for_staff_do_not_grow(
    api_client, staff, box38, n, django_assert_num_queries
):
    reacted_ideas(n, box_=box38, caller=AgentFactory(caf=caf("38")))
    client = login(api_client, staff)
    # token + user, boxes, count, keys, rows, themes, supported
    with django_assert_num_queries(7):
        assert client.get(IDEAS, {"tri": "soutenues"}).json()["count"] == n
    with django_assert_num_queries(2):
        assert client.get(IDEAS, {"tri": "soutenues"}).json()["count"] == n


@pytest.mark.parametrize("n", [1, 25])
def test_comment_list_queries_do_not_grow(api_client, agent, box38, n, django_assert_num_queries):
    idea = reacted_ideas(1, box_=box38, caller=agent)[0]
    Comment.objects.bulk_create(
        [Comment(idea=idea, author=agent, text=f"Encore {k}") for k in range(n)]
    )
    client = login(api_client, agent)
    # token and user (one), reader (managed boxes), the idea, its themes, attachments,
    # timeline, comments with authors and Cafs, merged ideas, supported and followed (one)
    with django_assert_num_queries(9):
        assert client.get(detail(idea, "commentaires/")).json()["count"] == n + 2
    # the idea from the cache: token and user, supported and followed
    with django_assert_num_queries(2):
        assert len(client.get(detail(idea)).json()["comments"]) == n + 2


@pytest.mark.parametrize("n", [1, 25])
def test_campaign_list_queries_do_not_grow(api_client, agent, box38, n, django_assert_num_queries):
    theme = ThemeFactory(slug="accueil", name="Accueil")
    for campaign in CampaignFactory.create_batch(n, box=box38):
        campaign.themes.add(theme)
        IdeaFactory(box=box38, campaign=campaign)
    client = login(api_client, agent)
    # token + user, managed boxes, count, page of campaigns (box, idea count), themes
    with django_assert_num_queries(5):
        assert client.get(CAMPAIGNS).json()["count"] == n


@pytest.mark.parametrize("n", [1, 25])
def test_statistics_queries_do_not_grow(api_client, agent, box38, n, django_assert_num_queries):
    reacted_ideas(n, box_=box38, caller=AgentFactory(caf=caf("38")))
    client = login(api_client, agent)
    # token + user, managed boxes, the box, then the 7 figures of statistics_for on PostgreSQL
    # (totals, supporters, months, statuses, Cafs, campaigns, median)
    with django_assert_num_queries(10):
        assert client.get(STATISTICS, {"boite": "caf-38"}).json()["total"] == n
