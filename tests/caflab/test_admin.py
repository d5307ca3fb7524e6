import pytest
from django.contrib import admin
from django.urls import reverse

from caflab.models import User
from tests.caflab.factories import AgentFactory, caf

pytestmark = pytest.mark.django_db


def registered_models():
    return sorted((model._meta.app_label, model._meta.model_name) for model in admin.site._registry)


def test_admin_is_french_and_titled(client, staff):
    client.force_login(staff)
    body = client.get("/admin/").content.decode()
    assert "Administration du CafLab" in body
    assert "Référentiel CafLab" in body


@pytest.mark.parametrize(("app_label", "model_name"), registered_models())
def test_staff_reach_every_changelist_and_search_it(client, staff, app_label, model_name):
    client.force_login(staff)
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "isère"}).status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), registered_models())
def test_agents_and_partners_never_reach_the_admin(client, agent, partner, app_label, model_name):
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    for user in (agent, partner):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("n", [1, 30])
def test_user_changelist_queries_do_not_grow(client, staff, n, django_assert_max_num_queries):
    AgentFactory.create_batch(n, caf=caf("38"))
    client.force_login(staff)
    # session, user, permissions (2), counts (2), page of users with Caf and organisation,
    # filter choices (Caf, region), savepoints
    with django_assert_max_num_queries(14):
        assert client.get(reverse("admin:caflab_user_changelist")).status_code == 200


def test_caf_export_as_csv_has_french_headers(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:caflab_caf_export"),
        {
            "format": "0",
            "resource": "0",
            "cafresource_number": "on",
            "cafresource_name": "on",
            "cafresource_region": "on",
        },
    )
    assert response.status_code == 200
    content = response.content.decode("utf-8-sig")
    assert "Caf de l'Isère" in content
    assert "Région" in content.splitlines()[0]


def test_join_innovators_action_calls_the_service(client, staff):
    agents = AgentFactory.create_batch(3)
    client.force_login(staff)
    response = client.post(
        reverse("admin:caflab_user_changelist"),
        {"action": "join_innovators", "_selected_action": [a.pk for a in agents]},
        follow=True,
    )
    assert "3 personnes inscrites." in response.content.decode()
    assert User.objects.filter(pk__in=[a.pk for a in agents], is_innovator=True).count() == 3


def test_deactivate_action_never_deactivates_oneself(client, staff):
    agent = AgentFactory()
    client.force_login(staff)
    client.post(
        reverse("admin:caflab_user_changelist"),
        {"action": "deactivate", "_selected_action": [agent.pk, staff.pk]},
    )
    agent.refresh_from_db()
    staff.refresh_from_db()
    assert not agent.is_active
    assert staff.is_active


def test_staff_create_an_agent_who_must_have_a_caf(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:caflab_user_add"),
        {
            "email": "nouvelle.agente@caf38.test",
            "first_name": "Nina",
            "last_name": "Perret",
            "role": "agent",
            "usable_password": "false",
        },
    )
    assert response.status_code == 200
    assert "Un agent doit être rattaché à sa Caf." in response.content.decode()
    assert 'value="nouvelle.agente@caf38.test"' in response.content.decode()


@pytest.mark.parametrize(
    "url", ["admin:index", "admin:livinglabs_lab_changelist", "admin:caflab_caf_changelist"]
)
def test_the_admin_is_for_the_caflab_team_only(client, url):
    """A « staff » flag given for another reason opens nothing, even where an app's rule is
    open to all (livinglabs.view_lab): the admin site itself checks the CafLab role."""
    from django.urls import reverse

    from tests.caflab.factories import ReferentFactory

    client.force_login(ReferentFactory(is_staff=True))
    response = client.get(reverse(url))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
