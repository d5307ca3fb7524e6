"""The living labs' pages at national scale: query counts that do not grow with the data (the
pages without a pinned count elsewhere), the cached lists, figures and fragments a second visit
reads from the cache, and what every write shows at once — through a service, the admin, the API
or an update() — without a cached fragment reaching someone who may not see it."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from livinglabs import services
from livinglabs.models import Contribution, Lab
from tests.caflab.factories import AgentFactory, caf
from tests.livinglabs.factories import (
    ContributionFactory,
    LabFactory,
    MemberFactory,
    SolicitationFactory,
    WorkshopFactory,
)
from tests.livinglabs.test_views import grow

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def lab(agent):
    lab = LabFactory(name="Living lab parentalité de Grenoble", slug="parentalite-grenoble")
    lab.facilitators.add(agent)
    return lab


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, **kwargs) -> str:
    return reverse(f"livinglabs:{name}", kwargs=kwargs)


def page(client, address, **params) -> str:
    response = client.get(address, params)
    assert response.status_code == 200, address
    return response.content.decode()


# Query counts ---------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 25])
def test_collective_dashboard_queries_do_not_grow(staff, lab, n, django_assert_num_queries):
    grow(lab, n)
    for _i in range(n):
        grow(LabFactory(caf=caf("29")), 2)
    client = logged(staff)
    # session, user (the CafLab's team: no need of the labs they animate), the evaluation's
    # six, the labs (Caf, région, counts)
    with django_assert_num_queries(9):
        assert client.get(url("collective-dashboard")).status_code == 200
    # Then the whole body from the cache: session, user.
    with django_assert_num_queries(2):
        assert client.get(url("collective-dashboard")).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_lab_calendar_queries_do_not_grow(agent, lab, n, django_assert_num_queries):
    grow(lab, n)
    client = logged(agent)
    # session, user, lab (Caf), its facilitators, the labs the user animates, workshops to come
    # count, page of workshops (lab, Caf)
    with django_assert_num_queries(7):
        assert client.get(url("lab-calendar", slug=lab.slug)).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_solicitation_list_queries_do_not_grow(staff, lab, n, django_assert_num_queries):
    for _i in range(n):
        solicitation = SolicitationFactory(labs=[lab, LabFactory()])
        WorkshopFactory(lab=lab, solicitation=solicitation)
    client = logged(staff)
    # session, user, count, solicitations (workshop and contribution counts), their labs
    with django_assert_num_queries(5):
        assert client.get(url("solicitation-list")).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_the_lab_list_comes_from_the_cache(client, n, django_assert_num_queries):
    for i in range(n):
        grow(LabFactory(caf=caf(["38", "29", "26", "87"][i % 4])), 2)
    client.get(url("lab-list"))
    with django_assert_num_queries(0):  # anonymous: no session, no user, the cards cached
        assert client.get(url("lab-list")).status_code == 200
    client.get(url("lab-list"), {"theme": Lab.Theme.RIGHTS})
    with django_assert_num_queries(0):
        assert client.get(url("lab-list"), {"theme": Lab.Theme.RIGHTS}).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_the_lab_dashboard_figures_come_from_the_cache(agent, lab, n, django_assert_num_queries):
    grow(lab, n)
    client = logged(agent)
    client.get(url("lab-dashboard", slug=lab.slug))
    # session, user, lab (Caf), its facilitators, the labs the user animates
    with django_assert_num_queries(5):
        assert client.get(url("lab-dashboard", slug=lab.slug)).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_lab_detail_api_queries_do_not_grow(api_client, lab, n, django_assert_num_queries):
    grow(lab, n)
    # the lab (Caf, région, counts)
    with django_assert_num_queries(1):
        assert api_client.get(f"/api/v1/living-labs/{lab.slug}/").status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_the_lab_list_api_comes_from_the_cache(api_client, n, django_assert_num_queries):
    for _i in range(n):
        grow(LabFactory(caf=caf("29")), 2)
    api_client.get("/api/v1/living-labs/")
    with django_assert_num_queries(0):
        response = api_client.get("/api/v1/living-labs/")
    assert response.json()["count"] == n


# What a write shows at once -------------------------------------------------------------------
def test_the_lab_list_shows_a_member_who_joins_and_leaves(client, agent, lab):
    assert "0 membres actifs" in page(client, url("lab-list"))
    member = services.member_join(
        lab=lab, by=agent, pseudonym="Nadia B.", profile="parent", consent_version="v1"
    )
    assert "1 membre actif" in page(client, url("lab-list"))
    assert '"member_count":1' in page(client, "/api/v1/living-labs/").replace(" ", "")
    services.member_leave(member=member, by=agent)  # an update()
    assert "0 membres actifs" in page(client, url("lab-list"))
    assert '"member_count":0' in page(client, "/api/v1/living-labs/").replace(" ", "")


def test_the_lab_list_shows_a_lab_renamed_in_the_admin(client, staff, lab):
    assert "Living lab parentalité de Grenoble" in page(client, url("lab-list"))
    lab.name = "Living lab des familles de Grenoble"
    lab.save()  # what the admin's change form does
    assert "Living lab des familles de Grenoble" in page(client, url("lab-list"))


def test_the_dashboards_show_attendance_recorded_through_the_service(agent, staff, lab):
    members = [MemberFactory(lab=lab) for _ in range(4)]
    start = timezone.now() - DAY
    workshop = WorkshopFactory(lab=lab, starts_at=start, ends_at=start + DAY / 12)
    services.workshop_invite(workshop=workshop, members=members, by=agent)  # a bulk_create()
    client, team = logged(agent), logged(staff)
    assert "Taux de présence" in page(client, url("lab-dashboard", slug=lab.slug))
    before = page(team, url("collective-dashboard"))
    services.attendance_record(workshop=workshop, present=members[:3], by=agent)  # update()
    assert "75" in page(client, url("lab-dashboard", slug=lab.slug))
    assert page(team, url("collective-dashboard")) != before
    assert "75" in page(team, url("collective-dashboard"))


def test_the_collective_dashboard_shows_a_status_set_in_the_admin(client, staff, lab):
    workshop = WorkshopFactory(lab=lab)
    contribution = ContributionFactory(workshop=workshop)
    team = logged(staff)
    before = page(team, url("collective-dashboard"))
    client.force_login(staff)
    client.post(
        reverse("admin:livinglabs_contribution_changelist"),
        {"action": "mark_implemented", "_selected_action": [contribution.pk]},
    )
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.IMPLEMENTED
    assert page(team, url("collective-dashboard")) != before


def test_the_dashboards_show_a_contribution_recorded_through_the_api(api_client, agent, lab):
    workshop = WorkshopFactory(lab=lab)
    client = logged(agent)
    assert "Contributions" in page(client, url("lab-dashboard", slug=lab.slug))
    before = page(client, url("lab-dashboard", slug=lab.slug))
    api_client.force_authenticate(agent)
    response = api_client.post(
        f"/api/v1/living-labs/{lab.slug}/contributions/",
        {"workshop": workshop.pk, "kind": "irritant", "text": "Le courrier est illisible."},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert page(client, url("lab-dashboard", slug=lab.slug)) != before


# Visibility ----------------------------------------------------------------------------------
def test_the_cached_lab_list_keeps_the_collectives_links_to_those_who_may_see_them(
    client, agent, lab
):
    assert "L'agenda du collectif" in page(logged(agent), url("lab-list")).replace("&#x27;", "'")
    assert "L'agenda du collectif" not in page(client, url("lab-list")).replace("&#x27;", "'")
    colleague = AgentFactory(caf=caf("38"))
    anonymous_page = page(logged(colleague), url("lab-list")).replace("&#x27;", "'")
    assert "L'agenda du collectif" not in anonymous_page


def test_the_cached_collective_dashboard_stays_closed_to_an_agent(agent, staff, lab):
    assert logged(staff).get(url("collective-dashboard")).status_code == 200
    colleague = AgentFactory(caf=caf("38"))
    assert logged(colleague).get(url("collective-dashboard")).status_code == 403
