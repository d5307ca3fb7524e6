import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from tests.caflab.factories import AgentFactory

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-solide"


@pytest.fixture
def verified_agent(agent):
    EmailAddress.objects.create(user=agent, email=agent.email, verified=True, primary=True)
    return agent


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_page_is_french(client):
    body = client.get(reverse("account_login")).content.decode()
    assert "Connexion" in body
    assert "Mot de passe" in body


def test_agent_logs_in_with_email_and_password(client, verified_agent):
    response = login(client, verified_agent.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").context["user"] == verified_agent


@pytest.mark.parametrize("which", ["password", "email"])
def test_wrong_login_says_nothing_about_which_part_was_wrong(client, verified_agent, which):
    email = verified_agent.email if which == "password" else "inconnu@caf.test"
    password = "mauvais-mot-de-passe" if which == "password" else PASSWORD
    response = login(client, email, password)
    assert response.status_code == 200
    body = response.content.decode()
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in body
    # What was typed stays in the form.
    assert f'value="{email}"' in body


def test_unverified_email_cannot_log_in_before_verification(client, agent):
    response = login(client, agent.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert client.get("/").context["user"].is_anonymous


def test_login_is_locked_after_repeated_failures(client, verified_agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, verified_agent.email, "mauvais-mot-de-passe")
    response = login(client, verified_agent.email, PASSWORD)  # even the right password
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()


def test_lockout_of_one_account_does_not_block_a_colleague_on_the_same_network(
    client, verified_agent, settings
):
    colleague = AgentFactory()
    EmailAddress.objects.create(user=colleague, email=colleague.email, verified=True, primary=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, verified_agent.email, "mauvais-mot-de-passe")
    assert login(client, colleague.email, PASSWORD).status_code == 302


def test_password_reset_sends_an_email_in_french(client, verified_agent):
    response = client.post(reverse("account_reset_password"), {"email": verified_agent.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[CafLab]")
    assert "mot de passe" in mail.outbox[0].body


def test_password_reset_of_unknown_email_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "inconnu@caf.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")


def test_public_signup_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert "Inscriptions fermées" in response.content.decode()
    response = client.post(
        reverse("account_signup"),
        {"email": "nouveau@caf.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    from caflab.models import User

    assert not User.objects.filter(email="nouveau@caf.test").exists()


def test_staff_without_mfa_is_sent_to_set_it_up_when_required(client, staff, settings):
    settings.CAFLAB_REQUIRE_STAFF_MFA = True
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # The account pages stay reachable, to set MFA up (allauth asks for the password first).
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200


def test_staff_with_mfa_reaches_the_admin(client, staff, settings):
    from allauth.mfa.models import Authenticator

    settings.CAFLAB_REQUIRE_STAFF_MFA = True
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_agents_are_never_asked_for_mfa(client, agent, settings):
    settings.CAFLAB_REQUIRE_STAFF_MFA = True
    client.force_login(agent)
    assert client.get("/").status_code == 200
