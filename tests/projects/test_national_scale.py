"""The projects' pages at national scale: query counts that do not grow with the data (the pages
without a pinned count elsewhere), the cached figures and fragments that a second visit reads
from the cache, and what every write shows at once — through a service, the admin, the API or
an update() — without one user ever receiving what another may not see."""

import pytest
from django.test import Client
from django.urls import reverse

from projects import services
from projects.models import Project
from tests.caflab.factories import AgentFactory, caf
from tests.projects.factories import (
    CallFactory,
    CohortFactory,
    CreativitySessionFactory,
    ProgrammeFactory,
    ProjectFactory,
)
from tests.projects.test_admin import project_change_data

pytestmark = pytest.mark.django_db


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, **kwargs) -> str:
    return reverse(f"projects:{name}", kwargs=kwargs)


def page(client, address, **params) -> str:
    response = client.get(address, params)
    assert response.status_code == 200, address
    return response.content.decode()


# Query counts ---------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 8])
def test_programme_list_queries_do_not_grow(agent, n, django_assert_num_queries):
    for i in range(n):
        programme = ProgrammeFactory(name=f"Programme {i}", slug=f"programme-{i}")
        ProjectFactory(programme=programme)
        ProjectFactory(programme=programme, is_published=False)
    client = logged(agent)
    # session, user, projects per programme, count, programmes
    with django_assert_num_queries(5):
        assert client.get(url("programme-list")).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_programme_page_queries_do_not_grow(agent, n, django_assert_num_queries):
    programme = ProgrammeFactory(slug="ist")
    for i in range(n):
        ProjectFactory(programme=programme, cafs=[caf("38"), caf("29")])
        CallFactory(programme=programme)
        CohortFactory(programme=programme, name=f"Promotion {i}", slug=f"promotion-{i}")
    client = logged(agent)
    # session, user, programme, the agent's unpublished team projects (what they may see),
    # partners, projects (programme, région), their Cafs, calls, cohorts
    with django_assert_num_queries(9):
        assert client.get(programme.get_absolute_url()).status_code == 200
    # Then from the cache: session, user, programme, the agent's unpublished team projects.
    with django_assert_num_queries(4):
        assert client.get(programme.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_cohort_list_queries_do_not_grow(agent, n, django_assert_num_queries):
    for i in range(n):
        cohort = CohortFactory(name=f"Promotion {i}", slug=f"promotion-{i}")
        ProjectFactory(cohort=cohort)
    client = logged(agent)
    # session, user, count, cohorts (programme, call, their numbers of projects and modules)
    with django_assert_num_queries(4):
        assert client.get(url("cohort-list")).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_the_portfolio_reads_its_figures_from_the_cache(agent, n, django_assert_num_queries):
    for i in range(n):
        ProjectFactory(cafs=[caf("38")], stage="incubation" if i % 2 else "ideation")
    client = logged(agent)
    client.get(url("project-list"), {"stage": "incubation"})
    # session, user, the agent's unpublished team projects, the agent's model permissions (user
    # and groups: « may they create a project? »): the filters, counts and cards are cached
    with django_assert_num_queries(5):
        assert client.get(url("project-list"), {"stage": "incubation"}).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_the_creativity_figures_come_from_the_cache(agent, n, django_assert_num_queries):
    for i in range(n):
        CreativitySessionFactory(held_on=f"2025-0{1 + i % 8}-03", caf=caf("38"))
    client = logged(agent)
    client.get(url("creativity-list"), {"annee": 2025})
    # session, user, Cafs of the filter, the agent's model permissions (user and groups),
    # sessions of the page
    with django_assert_num_queries(6):
        assert client.get(url("creativity-list"), {"annee": 2025}).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_api_lists_read_from_the_cache(api_client, agent, n, django_assert_num_queries):
    programme = ProgrammeFactory(slug="ist")
    for _i in range(n):
        ProjectFactory(programme=programme)
        CreativitySessionFactory(caf=caf("38"))
    api_client.force_authenticate(agent)
    for name in ("programmes", "projets", "appels", "seances-creativite"):
        address = f"/api/v1/{name}/"
        assert api_client.get(address).status_code == 200
        # nothing but the cache (the caller is authenticated by the test client)
        with django_assert_num_queries(0):
            assert api_client.get(address).status_code == 200, name


# What a write shows at once -------------------------------------------------------------------
def test_the_portfolio_shows_a_stage_change_made_through_the_service(agent, staff):
    project = ProjectFactory(title="Relais itinérant", stage="ideation")
    client = logged(agent)
    assert "Relais itinérant" not in page(client, url("project-list"), stage="incubation")
    services.project_set_stage(project=project, by=staff, stage="incubation")
    assert "Relais itinérant" in page(client, url("project-list"), stage="incubation")


def test_the_portfolio_shows_a_stage_change_made_through_the_api(api_client, agent, staff):
    project = ProjectFactory(title="Relais itinérant", stage="ideation", slug="relais")
    client = logged(agent)
    assert "Relais itinérant" not in page(client, url("project-list"), stage="incubation")
    api_client.force_authenticate(staff)
    response = api_client.post(f"/api/v1/projets/{project.slug}/etape/", {"stage": "incubation"})
    assert response.status_code == 201, response.content
    assert "Relais itinérant" in page(client, url("project-list"), stage="incubation")


def test_the_portfolio_and_api_show_a_project_changed_in_the_admin(
    client, api_client, agent, staff
):
    carrier = AgentFactory(caf=caf("38"))
    project = ProjectFactory(title="Relais itinérant", carriers=[carrier])
    agent_client = logged(agent)
    api_client.force_authenticate(agent)
    assert "Relais itinérant" in page(agent_client, url("project-list"))
    assert "Relais itinérant" in api_client.get("/api/v1/projets/").content.decode()
    client.force_login(staff)
    response = client.post(
        reverse("admin:projects_project_change", args=[project.pk]),
        project_change_data(project, title="Relais itinérant des familles"),
    )
    assert response.status_code == 302
    assert "Relais itinérant des familles" in page(agent_client, url("project-list"))
    assert "Relais itinérant des familles" in api_client.get("/api/v1/projets/").content.decode()


def test_the_programme_page_shows_a_cohort_set_in_the_admin(client, agent, staff):
    """The admin puts a project in a cohort with update(): the page shows it at once."""
    programme = ProgrammeFactory(slug="ist")
    cohort = CohortFactory(programme=programme, name="Promotion Isère")
    carrier = AgentFactory(caf=caf("38"))
    project = ProjectFactory(programme=programme, carriers=[carrier])
    agent_client = logged(agent)
    assert "depuis" in page(agent_client, programme.get_absolute_url())
    assert "0 projet" in page(agent_client, programme.get_absolute_url())
    client.force_login(staff)
    response = client.post(
        reverse("admin:projects_project_change", args=[project.pk]),
        project_change_data(project, cohort=cohort.pk),
    )
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).cohort == cohort
    assert "1 projet" in page(agent_client, programme.get_absolute_url())


def test_the_creativity_figures_show_a_new_session(agent, staff):
    client = logged(agent)
    first = page(client, url("creativity-list"), annee=2025)
    CreativitySessionFactory(held_on="2025-03-03", caf=caf("38"), participants=17)
    second = page(client, url("creativity-list"), annee=2025)
    assert first != second
    assert "17" in second


# Visibility ----------------------------------------------------------------------------------
def test_an_unpublished_project_stays_its_teams_in_the_cached_pages(agent, other_caf_agent):
    programme = ProgrammeFactory(slug="ist", name="Innovation")
    ProjectFactory(
        title="Projet confidentiel", programme=programme, is_published=False, carriers=[agent]
    )
    ProjectFactory(title="Projet public", programme=programme)
    team, other = logged(agent), logged(other_caf_agent)
    for address in (url("project-list"), programme.get_absolute_url()):
        assert "Projet confidentiel" in page(team, address)
        assert "Projet confidentiel" not in page(other, address)
        assert "Projet public" in page(other, address)
    assert "Projet confidentiel" not in page(other, url("project-list"), q="Projet")
    assert "Projet confidentiel" in page(team, url("project-list"), q="Projet")


def test_the_api_lists_keep_each_callers_projects(api_client, agent, other_caf_agent):
    ProjectFactory(title="Projet confidentiel", is_published=False, carriers=[agent])
    api_client.force_authenticate(agent)
    assert "Projet confidentiel" in api_client.get("/api/v1/projets/").content.decode()
    api_client.force_authenticate(other_caf_agent)
    assert "Projet confidentiel" not in api_client.get("/api/v1/projets/").content.decode()


def test_the_staffs_buttons_stay_out_of_the_cached_portfolio(agent, staff):
    ProjectFactory(title="Relais itinérant")
    assert "Nouveau projet" in page(logged(staff), url("project-list"))
    assert "Nouveau projet" not in page(logged(agent), url("project-list"))
