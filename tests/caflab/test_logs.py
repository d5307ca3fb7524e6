"""No personal data in the logs: every record of every logger, at DEBUG, during the flows that
handle what people type (a login, an answer, an idea, an account, errors)."""

import logging
from unittest import mock

import pytest
from django.urls import reverse

from caflab import views
from consultations.models import Response
from eurekaf.models import Idea
from tests.consultations.conftest import (
    consultation,  # noqa: F401 - the fixture
    valid_answers,
)
from tests.consultations.test_views import answer_all
from tests.eurekaf.factories import box

pytestmark = pytest.mark.django_db

SECRETS = (
    "josiane.verdier@caf38.test",
    "josiane.verdier",
    "Verdier",
    "Josiane",
    "06 71 22 33 44",
    "Mon fils Théo est en CE2",
    "rue des Glycines",
    "Une garderie solidaire aux Glycines",
    "Pendant les réunions de parents",
)


class Everything(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def logs():
    """Every record that reaches the root logger, at DEBUG."""
    root = logging.getLogger()
    handler, level = Everything(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler.records
    root.removeHandler(handler)
    root.setLevel(level)


def leaks(records) -> list[str]:
    found = []
    for record in records:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += f" {record.exc_info[1]}"
        found += [f"{record.name}: {secret}" for secret in SECRETS if secret in text]
    return found


def test_a_failed_login_logs_no_address(client, agent, logs):
    client.post(
        reverse("account_login"),
        {"login": "josiane.verdier@caf38.test", "password": "Verdier-06 71 22 33 44"},
    )
    client.post(reverse("account_login"), {"login": agent.email, "password": "Josiane"})
    assert logs, "the login flow logs nothing: the test would prove nothing"
    assert leaks(logs) == []


def test_a_public_answer_with_free_text_logs_none_of_it(client, consultation, logs):  # noqa: F811
    q = consultation.q
    data = valid_answers(
        consultation,
        **{
            f"q{q['idea'].pk}": "Mon fils Théo est en CE2, appelez-moi au 06 71 22 33 44",
            f"q{q['email'].pk}": "josiane.verdier@caf38.test, 12 rue des Glycines",
        },
    )
    response = answer_all(client, consultation, data)
    assert response.status_code == 302
    assert Response.objects.count() == 1
    assert leaks(logs) == []


def test_posting_an_idea_logs_none_of_it(client, agent, logs):
    client.force_login(agent)
    response = client.post(
        reverse("eurekaf:idea-create"),
        {
            "box": box("38").pk,
            "title": "Une garderie solidaire aux Glycines",
            "description": "Pendant les réunions de parents, écrire à josiane.verdier@caf38.test",
        },
    )
    assert response.status_code == 302
    assert Idea.objects.count() == 1
    assert leaks(logs) == []


def test_an_admin_edit_of_a_user_logs_none_of_it(client, staff, agent, logs):
    client.force_login(staff)
    url = reverse("admin:caflab_user_change", args=[agent.pk])
    data = {
        "email": "josiane.verdier@caf38.test",
        "first_name": "Josiane",
        "last_name": "Verdier",
        "job_title": "Conseillère",
        "role": agent.role,
        "caf": agent.caf_id,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "01/01/2025",
        "date_joined_1": "09:00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    agent.refresh_from_db()
    assert agent.last_name == "Verdier"
    assert leaks(logs) == []


def test_errors_log_no_query_string(client, agent, logs):
    client.force_login(agent)
    response = client.get("/idees/987654/", {"q": "josiane.verdier@caf38.test"})
    assert response.status_code == 404
    client.raise_request_exception = False
    with mock.patch.object(
        views.HomeView, "get", side_effect=RuntimeError("échec de la page d'accueil")
    ):
        response = client.get("/", {"recherche": "Josiane Verdier"})
    assert response.status_code == 500
    assert any(record.levelno >= logging.ERROR for record in logs)
    assert leaks(logs) == []
