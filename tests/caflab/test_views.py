import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.caflab.factories import AgentFactory, caf

pytestmark = pytest.mark.django_db


def test_anonymous_home_invites_to_public_consultations(client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1" in body
    assert "La Caf à votre écoute" in body
    assert "Se connecter" in body
    assert '<html lang="fr">' in body


def test_agent_home_is_a_dashboard(client, agent):
    client.force_login(agent)
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Bonjour {agent.first_name}" in body
    assert "Caf de l&#x27;Isère" in body
    assert "Mon tableau de bord" in body  # the page title


def test_every_page_has_one_h1_and_a_title(client, agent):
    client.force_login(agent)
    for url in ["/", reverse("profile"), "/accessibilite/", "/donnees-personnelles/"]:
        body = client.get(url).content.decode()
        assert body.count("<h1") == 1, url
        assert "— Portail CafLab</title>" in body, url


@pytest.mark.parametrize("n", [1, 30])
def test_home_queries_do_not_grow_with_users(client, agent, n, django_assert_num_queries):
    AgentFactory.create_batch(n, caf=caf("38"))
    client.force_login(agent)
    # session, user, the user's Caf (greeting), then the panels: open consultations,
    # living labs (the labs the user animates),
    # Eurekaf (running campaigns, followed ideas), COOPération (the user's plan memberships),
    # projects (the user's project teams), Caf'IA (the Caf's bookings under way)
    with django_assert_num_queries(10):
        assert client.get("/").status_code == 200


def test_anonymous_home_runs_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200


def test_unknown_url_gives_a_french_404_in_the_portal_look(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page introuvable" in body
    assert "portail.css" in body


def test_server_error_page_is_static_and_friendly(client):
    from caflab.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Le portail rencontre un problème" in response.content.decode()


def test_profile_requires_login(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("n", [1, 10])
def test_profile_queries_are_constant(client, agent, n, django_assert_num_queries):
    AgentFactory.create_batch(n)
    client.force_login(agent)
    # session, user, profile with Caf/region/organisation, regions, token
    with django_assert_num_queries(5):
        assert client.get(reverse("profile")).status_code == 200


def test_agent_joins_then_leaves_the_community(client, agent):
    client.force_login(agent)
    response = client.post(reverse("profile"), {"action": "join"}, follow=True)
    assert "Bienvenue dans la communauté des innovateurs" in response.content.decode()
    agent.refresh_from_db()
    assert agent.is_innovator
    assert agent.innovator_since is not None
    first_date = agent.innovator_since
    client.post(reverse("profile"), {"action": "join"})  # twice: the first date stays
    agent.refresh_from_db()
    assert agent.innovator_since == first_date
    client.post(reverse("profile"), {"action": "leave"})
    agent.refresh_from_db()
    assert not agent.is_innovator
    assert agent.innovator_since is None


def test_partner_cannot_join_the_community(client, partner):
    client.force_login(partner)
    response = client.post(reverse("profile"), {"action": "join"})
    assert response.status_code == 400
    assert "Cette action n&#x27;est pas disponible." in response.content.decode()
    partner.refresh_from_db()
    assert not partner.is_innovator


def test_htmx_join_returns_the_fragment(client, agent):
    client.force_login(agent)
    response = client.post(reverse("profile"), {"action": "join"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Quitter la communauté" in body


def test_api_token_is_created_regenerated_and_revoked(client, partner):
    client.force_login(partner)
    client.post(reverse("profile"), {"action": "token"})
    first = Token.objects.get(user=partner).key
    client.post(reverse("profile"), {"action": "token"})
    second = Token.objects.get(user=partner).key
    assert first != second
    assert second in client.get(reverse("profile")).content.decode()
    client.post(reverse("profile"), {"action": "revoke-token"})
    assert not Token.objects.filter(user=partner).exists()


def test_language_can_be_switched_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Skip to content" in body  # the compiled English catalogue is used


def test_dates_and_numbers_use_the_french_format(client, agent):
    import datetime

    agent.is_innovator, agent.innovator_since = True, datetime.date(2025, 3, 4)
    agent.save()
    client.force_login(agent)
    assert "4 mars 2025" in client.get("/").content.decode()


def test_french_even_when_the_browser_prefers_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="fr">' in response.content.decode()
    assert response["Content-Language"] == "fr-fr"


def test_home_dashboard_shows_the_open_consultations(client, agent):
    from tests.consultations.factories import ConsultationFactory

    ConsultationFactory(title="Votre avis sur l'accueil téléphonique")
    client.force_login(agent)
    body = client.get("/").content.decode()
    assert "Consultations ouvertes" in body
    assert "Votre avis sur l&#x27;accueil téléphonique" in body
