"""What the lists, the idea's page and the API keep in the cache: never shown to someone who may
not see it, never stale after a write (services, update() paths, the admin, the API)."""

import datetime
import html
import re
import threading

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.authtoken.models import Token

from eurekaf import services
from eurekaf.models import Comment, Idea, Report, Support
from tests.caflab.factories import AgentFactory, caf
from tests.eurekaf.factories import IdeaFactory, ThemeFactory, box

pytestmark = pytest.mark.django_db

LIST = reverse("eurekaf:idea-list")
API = "/api/v1/idees/"


def page(client, url=LIST, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def detail(idea) -> str:
    return reverse("eurekaf:idea-detail", kwargs={"pk": idea.pk})


def api_titles(api_client, user, **params) -> dict[str, dict]:
    token, _created = Token.objects.get_or_create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = api_client.get(API, params).json()
    return {row["title"]: row for row in body["results"]} | {"__count__": body["count"]}


@pytest.fixture(autouse=True)
def boxes(db):
    return box("38"), box("29"), box(None)


@pytest.fixture
def colleague(db):
    return AgentFactory(caf=caf("38"))


@pytest.fixture
def manager(db):
    user = AgentFactory(caf=caf("38"))
    box("38").managers.add(user)
    return user


# Visibility -----------------------------------------------------------------------------------
def test_another_cafs_agent_never_gets_the_first_agents_list(client, agent, other_caf_agent):
    IdeaFactory(box=box("38"), title="Idée de l'Isère")
    IdeaFactory(box=box(None), title="Idée nationale")
    client.force_login(agent)
    assert "Idée de l'Isère" in page(client)
    assert "Idée de l'Isère" in page(client, tri="soutenues")
    client.force_login(other_caf_agent)
    for sort in ("", "soutenues"):
        shown = page(client, tri=sort)
        assert "Idée nationale" in shown
        assert "Idée de l'Isère" not in shown
        assert "1 idée" in shown


def test_another_cafs_agent_never_gets_the_first_agents_api_rows(
    api_client, agent, other_caf_agent
):
    IdeaFactory(box=box("38"), title="Idée de l'Isère")
    assert "Idée de l'Isère" in api_titles(api_client, agent)
    rows = api_titles(api_client, other_caf_agent)
    assert "Idée de l'Isère" not in rows
    assert rows["__count__"] == 0


def test_a_hidden_idea_stays_its_authors_own_in_the_cached_lists(client, agent, colleague):
    IdeaFactory(box=box("38"), title="Idée visible")
    IdeaFactory(box=box("38"), author=agent, title="Idée masquée", is_hidden=True)
    # The colleague first (shared list), then the author, then the colleague again.
    client.force_login(colleague)
    assert "Idée masquée" not in page(client)
    client.force_login(agent)
    mine = page(client)
    assert "Idée masquée" in mine
    assert "2 idées" in mine
    client.force_login(colleague)
    theirs = page(client)
    assert "Idée masquée" not in theirs
    assert "1 idée" in theirs


def test_managers_see_hidden_ideas_and_agents_do_not_after_them(client, manager, colleague):
    IdeaFactory(box=box("38"), title="Idée masquée", is_hidden=True)
    client.force_login(manager)
    assert "Idée masquée" in page(client)
    client.force_login(colleague)
    assert "Idée masquée" not in page(client)


def test_a_hidden_comment_is_read_only_by_whom_it_may_concern_from_the_cached_idea(
    client, api_client, agent, colleague, manager
):
    idea = IdeaFactory(box=box("38"))
    Comment.objects.create(
        idea=idea, author=agent, text="Texte à ne pas montrer", is_hidden=True, hidden_reason="Hors"
    )
    client.force_login(manager)
    assert "Texte à ne pas montrer" in page(client, detail(idea))
    client.force_login(colleague)
    shown = page(client, detail(idea))
    assert "Texte à ne pas montrer" not in shown
    assert "Commentaire masqué par la modération" not in shown
    comments = f"{API}{idea.pk}/commentaires/"
    for user, count in ((agent, 1), (colleague, 0), (manager, 1)):
        token, _created = Token.objects.get_or_create(user=user)
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert api_client.get(comments).json()["count"] == count


def test_the_support_button_is_each_readers_own(client, agent, colleague):
    idea = IdeaFactory(box=box("38"), title="Une idée à soutenir")
    services.idea_support(idea=idea, agent=agent)
    client.force_login(agent)
    assert "Ne plus soutenir" in page(client)
    client.force_login(colleague)
    shown = page(client)
    assert "Ne plus soutenir" not in shown
    assert "Soutenir" in shown


# Invalidation ---------------------------------------------------------------------------------
def test_a_support_through_the_service_shows_at_once(client, api_client, agent, colleague):
    idea = IdeaFactory(box=box("38"), title="Idée soutenue")
    IdeaFactory(box=box("38"), title="Autre idée")
    client.force_login(colleague)
    assert "0 soutien" in page(client, detail(idea))
    page(client, tri="soutenues")
    api_titles(api_client, colleague, tri="soutenues")
    services.idea_support(idea=idea, agent=agent)
    assert "1 soutien" in page(client, detail(idea))
    listed = page(client, tri="soutenues")
    assert listed.index("Idée soutenue") < listed.index("Autre idée")
    assert api_titles(api_client, colleague, tri="soutenues")["Idée soutenue"]["support_count"] == 1
    services.idea_unsupport(idea=idea, agent=agent)
    assert "0 soutien" in page(client, detail(idea))


def test_a_new_idea_and_a_comment_show_at_once(client, agent, colleague):
    client.force_login(colleague)
    assert "Une nouvelle idée" not in page(client)
    idea = services.idea_create(
        box=box("38"), author=agent, title="Une nouvelle idée", description="Pour tout le monde."
    )
    assert "Une nouvelle idée" in page(client)
    assert "0 commentaire" in page(client)
    services.comment_create(idea=idea, author=agent, text="Un premier commentaire")
    assert "1 commentaire" in page(client)
    assert "Un premier commentaire" in page(client, detail(idea))


def test_update_paths_show_at_once(client, agent, colleague, manager):
    idea = IdeaFactory(box=box("38"), author=agent, title="Idée à modérer")
    comment = services.comment_create(idea=idea, author=colleague, text="À masquer")
    client.force_login(colleague)
    assert "1 commentaire" in page(client)
    assert "À masquer" in page(client, detail(idea))
    # comment_hide: update() of the comment and of the idea's counter
    services.comment_hide(comment=comment, by=manager, reason="Hors sujet")
    client.force_login(agent)
    assert "0 commentaire" in page(client)
    assert "À masquer" not in page(client, detail(idea))
    # idea_assign: update() (the « qui me sont confiées » filter of the manager)
    client.force_login(manager)
    assert "Idée à modérer" not in page(client, confiees="on")
    services.idea_assign(idea=idea, by=manager, assignee=manager)
    assert "Idée à modérer" in page(client, confiees="on")
    # idea_hide: update() of the idea
    client.force_login(colleague)
    assert "Idée à modérer" in page(client)
    services.idea_hide(idea=idea, by=manager, reason="Données personnelles")
    assert "Idée à modérer" not in page(client)


def test_escalation_and_merge_show_at_once(client, agent, colleague, manager):
    local = IdeaFactory(box=box("38"), title="Idée locale")
    original = IdeaFactory(box=box("38"), title="Idée d'origine")
    duplicate = IdeaFactory(box=box("38"), title="Idée en double")
    services.idea_support(idea=duplicate, agent=colleague)
    client.force_login(AgentFactory(caf=caf("29")))
    assert "Idée locale" not in page(client)
    services.idea_escalate(idea=local, by=manager)
    assert "Idée locale" in page(client)
    client.force_login(agent)
    assert "Idée en double" in page(client)
    services.idea_merge(duplicate=duplicate, into=original, by=manager)
    shown = page(client)
    assert "Idée en double" not in shown
    assert "1 soutien" in page(client, detail(original))


def test_status_change_shows_in_the_filtered_list(client, agent, manager):
    idea = IdeaFactory(box=box("38"), title="Idée étudiée")
    client.force_login(agent)
    assert "Idée étudiée" not in page(client, statut="en_etude")
    services.idea_change_status(idea=idea, by=manager, to_status=Idea.Status.STUDYING)
    assert "Idée étudiée" in page(client, statut="en_etude")


def test_admin_changes_show_at_once(client, agent, staff):
    theme = ThemeFactory(name="Accueil", slug="accueil")
    idea = IdeaFactory(box=box("38"), title="Idée d'accueil")
    idea.themes.add(theme)
    report = Report.objects.create(idea=idea, reporter=agent, reason="Doublon")
    client.force_login(agent)
    assert "Accueil" in page(client)
    client.force_login(staff)
    assert "Doublon" in page(client, detail(idea))
    response = client.post(
        reverse("admin:eurekaf_theme_change", args=[theme.pk]),
        {"name": "Accueil des familles", "slug": "accueil"},
    )
    assert response.status_code == 302
    # The admin's bulk action writes with update()
    response = client.post(
        reverse("admin:eurekaf_report_changelist"),
        {"action": "mark_resolved", "_selected_action": [report.pk]},
    )
    assert response.status_code == 302
    assert "Doublon" not in page(client, detail(idea))
    client.force_login(agent)
    assert "Accueil des familles" in page(client)


def test_api_writes_show_at_once_in_the_pages(client, api_client, agent, colleague):
    idea = IdeaFactory(box=box("38"), title="Idée de l'API")
    client.force_login(agent)
    assert "0 soutien" in page(client)
    token, _created = Token.objects.get_or_create(user=colleague)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.post(f"{API}{idea.pk}/soutien/").status_code in (200, 201)
    assert "1 soutien" in page(client)
    created = api_client.post(
        API,
        {"boite": "caf-38", "titre": "Déposée par l'API", "description": "Depuis un outil."},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert "Déposée par l'API" in page(client)


def test_names_from_caflab_show_at_once(client, agent, colleague):
    idea = IdeaFactory(box=box("38"), author=agent)
    client.force_login(colleague)
    page(client, detail(idea))
    agent.first_name, agent.last_name = "Capucine", "Renommée"
    agent.save()
    assert "Capucine Renommée" in page(client, detail(idea))


# Counters under concurrency -------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_comments_supports_and_withdrawals_keep_counters_exact():
    idea = IdeaFactory(box=box("38"))
    agents = [AgentFactory(caf=caf("38")) for _ in range(6)]
    for person in agents[:3]:
        services.idea_support(idea=idea, agent=person)
    barrier = threading.Barrier(len(agents))

    def react(person, withdraw):
        try:
            barrier.wait()
            if withdraw:
                services.idea_unsupport(idea=idea, agent=person)
            else:
                services.idea_support(idea=idea, agent=person)
            services.comment_create(idea=idea, author=person, text="Un avis")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=react, args=(person, k < 3)) for k, person in enumerate(agents)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    idea.refresh_from_db()
    assert idea.support_count == 3 == Support.objects.filter(idea=idea).count()
    assert idea.comment_count == 6 == Comment.objects.filter(idea=idea, is_hidden=False).count()


def test_the_filters_choices_follow_new_campaigns_and_themes(client, agent, manager):
    client.force_login(agent)
    assert "Campagne toute neuve" not in page(client)
    services.campaign_create(
        box=box("38"),
        by=manager,
        title="Campagne toute neuve",
        slug="campagne-toute-neuve",
        brief="Vos idées.",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
    )
    ThemeFactory(name="Thème tout neuf", slug="theme-tout-neuf")
    shown = page(client)
    assert "Campagne toute neuve" in shown
    assert "Thème tout neuf" in shown


@pytest.mark.parametrize("state", ["supported", "not supported", "own idea"])
def test_the_lists_support_button_is_the_templates(rf, agent, colleague, state):
    """The list writes the support button in Python (twenty a page): the same markup as the
    template the idea's page and htmx use."""
    from django.middleware.csrf import get_token
    from django.template.loader import render_to_string

    from eurekaf import views

    idea = IdeaFactory(box=box("38"), author=agent)
    reader = agent if state == "own idea" else colleague
    if state == "supported":
        services.idea_support(idea=idea, agent=colleague)
    idea.refresh_from_db()
    idea.supported = state == "supported"
    idea.can_support = reader.has_perm("eurekaf.support_idea", idea)
    request = rf.get("/idees/?tri=soutenues")
    request.user = reader
    token = get_token(request)
    expected = render_to_string(
        "eurekaf/includes/support.html",
        {"idea": idea, "next": "/idees/?tri=soutenues"},
        request=request,
    )
    written = views.support_html(idea, next_url="/idees/?tri=soutenues", csrf_token=token)

    def squeeze(markup):  # each CSRF token is masked afresh: compare the rest
        markup = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", markup)
        return "".join(markup.split())

    assert squeeze(written) == squeeze(expected)
