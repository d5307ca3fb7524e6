"""Results and questionnaires come from the cache, and every write shows at once (or, for
new responses while the consultation is open, within the announced refresh)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from caflab.models import Caf
from consultations import selectors, services
from consultations.models import Answer, Consultation, Question, Response
from tests.caflab.factories import AgentFactory
from tests.consultations.conftest import valid_answers
from tests.consultations.factories import QuestionFactory
from tests.consultations.test_admin import question_form
from tests.consultations.test_views import answer_all, answer_url, post_step, step_data

pytestmark = pytest.mark.django_db


def results_url(consultation):
    return reverse("consultations:consultation-results", kwargs={"slug": consultation.slug})


def page(client, consultation, **params) -> str:
    response = client.get(results_url(consultation), params)
    assert response.status_code == 200
    return response.content.decode()


def respondents(body: str) -> int:
    return int(re.search(r"(\d+) répondants?", body).group(1))


def submit(consultation, n: int, **overrides):
    return services.response_submit(
        consultation=consultation,
        data=valid_answers(consultation, **overrides),
        browser_key=f"navigateur-{n}",
    )


def close(consultation, staff):
    services.consultation_close(consultation=consultation, by=staff)


@pytest.fixture
def closed(consultation, staff):
    """Three responses, then closed: the figures are cached until a write."""
    for n in range(3):
        submit(consultation, n)
    close(consultation, staff)
    return consultation


# Closed consultation: cached, exact after every write -----------------------------------------
def test_second_view_comes_from_the_cache(client, staff, closed, django_assert_max_num_queries):
    client.force_login(staff)
    assert respondents(page(client, closed)) == 3
    # session, user, consultation: no count, no questionnaire, no tag count
    with django_assert_max_num_queries(3):
        assert respondents(page(client, closed)) == 3


def test_review_through_the_service_shows_at_once(client, staff, closed, api_client):
    client.force_login(staff)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    api_url = f"/api/v1/consultations/{closed.slug}/resultats/"
    assert respondents(page(client, closed)) == 3
    assert api_client.get(api_url).json()["respondents"] == 3
    response = Response.objects.filter(consultation=closed).first()
    services.response_review(response=response, review=Response.Review.REJECTED, by=staff)
    assert respondents(page(client, closed)) == 2
    assert api_client.get(api_url).json()["respondents"] == 2
    services.response_review(response=response, review=Response.Review.VALID, by=staff)
    assert respondents(page(client, closed)) == 3


def test_review_through_the_admin_action_shows_at_once(client, staff, closed):
    client.force_login(staff)
    assert respondents(page(client, closed)) == 3
    ids = list(Response.objects.filter(consultation=closed).values_list("pk", flat=True)[:2])
    client.post(
        reverse("admin:consultations_response_changelist"),
        {"action": "reject", "_selected_action": [str(pk) for pk in ids]},
    )
    assert respondents(page(client, closed)) == 1


def test_review_and_deletion_in_the_admin_show_at_once(client, staff, closed):
    client.force_login(staff)
    assert respondents(page(client, closed)) == 3
    first, second = Response.objects.filter(consultation=closed)[:2]
    change = reverse("admin:consultations_response_change", args=[first.pk])
    assert client.post(change, {"review": Response.Review.REJECTED}).status_code == 302
    assert respondents(page(client, closed)) == 2
    delete = reverse("admin:consultations_response_delete", args=[second.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert respondents(page(client, closed)) == 1


def test_a_response_added_to_a_closed_consultation_is_counted(client, staff, closed):
    """Outside the submit path (an import, the shell): the signal of the response bumps."""
    client.force_login(staff)
    assert respondents(page(client, closed)) == 3
    response = Response.objects.create(consultation=closed, submitted_on=timezone.localdate())
    Answer.objects.bulk_create(
        [Answer(response=response, question=closed.q["satisfaction"], number=5)]
    )
    assert respondents(page(client, closed)) == 4


def test_an_answer_corrected_in_the_database_shows_at_once(client, staff, closed):
    client.force_login(staff)
    q = closed.q
    answer = Answer.objects.filter(question=q["known"]).first()
    before = page(client, closed)
    answer.choice = q["known"].choices.get(label="Oui, de nom")
    answer.save()
    assert page(client, closed) != before


def test_question_edited_in_the_admin_shows_at_once(client, staff, closed):
    client.force_login(staff)
    question = closed.q["known"]
    assert "Connaissez-vous l&#x27;AJPP ?" in page(client, closed)
    url = reverse("admin:consultations_question_change", args=[question.pk])
    assert client.post(url, question_form(question, label="L'AJPP, vous connaissez ?")).status_code
    body = page(client, closed)
    assert "L&#x27;AJPP, vous connaissez ?" in body
    assert "Connaissez-vous l&#x27;AJPP ?" not in body
    # and the questionnaire everywhere else (detail of the API, the answer pages)
    questionnaire = client.get(f"/api/v1/consultations/{closed.slug}/questionnaire/").json()
    labels = [question["label"] for section in questionnaire for question in section["questions"]]
    assert "L'AJPP, vous connaissez ?" in labels


def test_choice_label_edited_shows_at_once(client, staff, closed):
    client.force_login(staff)
    assert "Oui, de nom" in page(client, closed)
    choice = closed.q["known"].choices.get(label="Oui, de nom")
    choice.label = "Oui, j'en ai entendu parler"
    choice.save()
    body = page(client, closed)
    assert "Oui, j&#x27;en ai entendu parler" in body
    assert "Oui, de nom" not in body


def test_unpublished_question_is_hidden_from_the_public_at_once(client, staff, closed):
    services.consultation_publish_results(consultation=closed, by=staff)
    assert "Votre satisfaction envers la Caf" in page(client, closed)
    assert "ne sont pas publiés" not in page(client, closed)
    question = closed.q["satisfaction"]
    question.publish_results = False
    question.save()
    assert "ne sont pas publiés" in page(client, closed)
    client.force_login(staff)
    assert "ne sont pas publiés" not in page(client, closed)  # the team still sees them


def test_threshold_changed_shows_at_once(client, staff, closed):
    client.force_login(staff)
    breakdown = closed.q["profile"].pk
    assert "&lt; 5" in page(client, closed, ventilation=breakdown)
    closed.refresh_from_db()
    closed.min_cell_size = 1
    closed.save()
    body = page(client, closed, ventilation=breakdown)
    assert "&lt; 5" not in body
    assert "inférieurs à 1 sont masqués" in body


def test_department_names_follow_the_caf_data(client, staff, closed):
    closed.refresh_from_db()
    closed.min_cell_size = 1  # three answers: shown
    closed.save()
    client.force_login(staff)
    assert "38 – Isère" in page(client, closed)
    caf = Caf.objects.get(number="38")
    caf.department_name = "Isère (département)"
    caf.save()
    assert "38 – Isère (département)" in page(client, closed)


def test_statuses_written_by_the_beat_task_keep_the_figures_exact(client, staff, consultation):
    for n in range(2):
        submit(consultation, n)
    client.force_login(staff)
    assert respondents(page(client, consultation)) == 2
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1)
    )
    assert services.consultations_advance() == 1
    body = page(client, consultation)
    assert respondents(body) == 2
    assert "Résultats au" not in body  # closed: exact figures, no time to announce


# Open consultation: new responses within the refresh, everything else at once ---------------
def test_open_results_say_when_they_were_counted(client, staff, consultation, monkeypatch):
    submit(consultation, 0)
    client.force_login(staff)
    body = page(client, consultation)
    assert respondents(body) == 1
    assert "Résultats au" in body
    # Through the page and the API: taken in at the next refresh, at most a minute later.
    answer_all(client.__class__(), consultation, valid_answers(consultation))
    from rest_framework.test import APIClient

    APIClient().post(
        f"/api/v1/consultations/{consultation.slug}/reponses/",
        {"answers": valid_answers(consultation)},
        format="json",
    )
    assert Response.objects.filter(consultation=consultation).count() == 3
    assert respondents(page(client, consultation)) == 1  # counted less than a minute ago
    monkeypatch.setattr(selectors, "RESULTS_REFRESH", 0)
    assert respondents(page(client, consultation)) == 3


def test_open_results_show_moderation_at_once(client, staff, consultation):
    for n in range(3):
        submit(consultation, n)
    client.force_login(staff)
    assert respondents(page(client, consultation)) == 3
    response = Response.objects.filter(consultation=consultation).first()
    services.response_review(response=response, review=Response.Review.REJECTED, by=staff)
    assert respondents(page(client, consultation)) == 2


def test_closing_gives_every_response_at_once(client, staff, consultation):
    submit(consultation, 0)
    client.force_login(staff)
    assert respondents(page(client, consultation)) == 1
    submit(consultation, 1)  # within the refresh of the open phase
    # The closing date passes: no write, yet the figures are exact.
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now())
    assert respondents(page(client, consultation)) == 2


def test_staff_closing_gives_every_response_at_once(client, staff, consultation):
    submit(consultation, 0)
    client.force_login(staff)
    assert respondents(page(client, consultation)) == 1
    submit(consultation, 1)
    close(consultation, staff)
    assert respondents(page(client, consultation)) == 2


def test_exports_are_exact_while_open(client, staff, consultation):
    submit(consultation, 0)
    client.force_login(staff)
    page(client, consultation)
    submit(consultation, 1)
    url = reverse(
        "consultations:consultation-export",
        kwargs={"slug": consultation.slug, "kind": "resultats", "fmt": "csv"},
    )
    csv = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    hours = next(line for line in csv.splitlines() if "Votre satisfaction" in line)
    assert ";2;" in hours


# Visibility ----------------------------------------------------------------------------------
def test_public_never_receives_the_teams_figures(client, staff, closed):
    services.consultation_publish_results(consultation=closed, by=staff)
    question = closed.q["satisfaction"]
    question.publish_results = False
    question.save()
    staff_client = client.__class__()
    staff_client.force_login(staff)
    staff_body = page(staff_client, closed)
    assert "ne sont pas publiés" not in staff_body
    assert "Exporter les résultats" in staff_body
    public_body = page(client, closed)
    assert "ne sont pas publiés" in public_body
    assert "Exporter les résultats" not in public_body
    assert "/verbatims/" not in public_body
    # An unpublished breakdown asked for by the public is not given either.
    body = page(client, closed, ventilation=closed.q["profile"].pk)
    assert "Répartition selon" in body
    question = closed.q["profile"]
    question.publish_results = False
    question.save()
    page(staff_client, closed, ventilation=question.pk)
    assert "Répartition selon" not in page(client, closed, ventilation=question.pk)


def test_another_cafs_agent_gets_no_cached_page(client, staff, closed, agent, other_caf_agent):
    closed.refresh_from_db()
    closed.audience = Consultation.Audience.PRIVATE
    closed.save()
    closed.restricted_cafs.set([agent.caf])
    services.consultation_publish_results(consultation=closed, by=staff)
    client.force_login(agent)
    assert client.get(results_url(closed)).status_code == 200
    assert client.get(closed.get_absolute_url()).status_code == 200
    other = client.__class__()
    other.force_login(other_caf_agent)
    assert other.get(results_url(closed)).status_code == 404
    assert other.get(closed.get_absolute_url()).status_code == 404
    # Opened to the other Caf: at once (many-to-many written from either side).
    other_caf_agent.caf.restricted_consultations.add(closed)
    assert other.get(results_url(closed)).status_code == 200
    other_caf_agent.caf.restricted_consultations.clear()
    assert other.get(results_url(closed)).status_code == 404
    # A third Caf's agent.
    third = client.__class__()
    third.force_login(AgentFactory(caf=Caf.objects.get(number="75")))
    assert third.get(results_url(closed)).status_code == 404


# The questionnaire (answer pages, API) -------------------------------------------------------
def test_a_question_added_shows_on_the_answer_pages_at_once(client, consultation):
    client.get(answer_url(consultation))
    section = consultation.sections.order_by("position").first()
    QuestionFactory(section=section, kind=Question.Kind.SHORT_TEXT, label="Votre prénom ?")
    assert "Votre prénom ?" in client.get(answer_url(consultation)).content.decode()
    questionnaire = client.get(f"/api/v1/consultations/{consultation.slug}/questionnaire/")
    assert "Votre prénom ?" in questionnaire.content.decode()


def test_a_condition_changed_shows_at_once(client, consultation):
    hours = consultation.q["hours"]
    aidant = consultation.q["aidant"]
    url = f"/api/v1/consultations/{consultation.slug}/questionnaire/"

    def condition():
        for section in client.get(url).json():
            for question in section["questions"]:
                if question["id"] == hours.pk:
                    return question["condition"]

    assert condition()["choices"] == [aidant.choices.get(label="Oui").pk]
    hours.condition_choices.set([aidant.choices.get(label="Non")])
    assert condition()["choices"] == [aidant.choices.get(label="Non").pk]


@pytest.mark.parametrize("n", [2, 12])
def test_cached_results_page_queries_do_not_grow(
    client, consultation, staff, n, django_assert_num_queries
):
    for i in range(n):
        submit(consultation, i)
    close(consultation, staff)
    client.force_login(staff)
    page(client, consultation, ventilation=consultation.q["profile"].pk)
    # session, user, consultation: no count, no questionnaire, no tag count
    with django_assert_num_queries(3):
        page(client, consultation, ventilation=consultation.q["profile"].pk)


@pytest.mark.parametrize("n", [1, 10])
def test_final_send_queries_do_not_grow(client, consultation, n, django_assert_num_queries):
    for i in range(n):
        submit(consultation, i)
    data = valid_answers(consultation)
    client.get(answer_url(consultation))
    post_step(client, consultation, 0, step_data(consultation, 0, data), "suivant")
    # consultation, session, draft; then (participation) draft locked, burst count,
    # participation, draft sent; then (response) response, answers (one insert), counter,
    # draft emptied; session saved — with their savepoints in a test
    last = step_data(consultation, 1, data)
    with django_assert_num_queries(18):
        response = post_step(client, consultation, 1, last, "envoyer")
    assert response.status_code == 302
    assert Response.objects.count() == n + 1


def test_tag_counts_follow_the_coding(client, staff, closed):
    q = closed.q
    answer = Answer.objects.filter(question=q["known"]).first()
    answer.text = "Je ne savais pas"
    answer.save()
    client.force_login(staff)
    verbatims = reverse("consultations:consultation-verbatims", kwargs={"slug": closed.slug})
    client.post(verbatims, {"action": "creer-etiquette", "name": "Information", "kind": "besoin"})
    tag = closed.tags.get()

    def count() -> str:
        body = page(client, closed)
        return re.search(r"Information</th><td>[^<]*</td><td class=\"nombre\">(\d+)", body)[1]

    assert count() == "0"
    client.post(verbatims, {"answer": answer.pk, "tag": tag.pk})
    assert count() == "1"
    client.post(verbatims, {"answer": answer.pk, "tag": tag.pk})  # removed
    assert count() == "0"
    answer.tags.add(tag)
    assert count() == "1"
    tag.answers.clear()
    assert count() == "0"


def test_a_refused_send_keeps_the_last_page_in_the_draft(client, consultation, settings):
    """The last page is written to the draft only when the response is not stored."""
    from consultations.models import ResponseDraft

    settings.CAFLAB_CONSULTATION_SUBMIT_RATE = 1
    data = valid_answers(consultation)
    answer_all(client.__class__(), consultation, data)
    other = client.__class__()
    assert answer_all(other, consultation, data).status_code == 429
    draft = ResponseDraft.objects.get(submitted_at=None)
    satisfaction = f"q{consultation.q['satisfaction'].pk}"
    assert draft.data[satisfaction] == data[satisfaction]  # a question of the last page
    assert Response.objects.count() == 1
    settings.CAFLAB_CONSULTATION_SUBMIT_RATE = 10
    last = step_data(consultation, 1, data)
    assert post_step(other, consultation, 1, last, "envoyer").status_code == 302
    assert Response.objects.count() == 2


def test_an_author_edit_counts_like_a_new_response(client, staff, agent, consultation, monkeypatch):
    consultation.refresh_from_db()
    consultation.is_anonymous = False
    consultation.save()
    satisfaction = f"q{consultation.q['satisfaction'].pk}"
    services.response_submit(
        consultation=consultation,
        data=valid_answers(consultation, **{satisfaction: "4"}),
        user=agent,
    )
    client.force_login(staff)
    assert "moyenne 4,0" in page(client, consultation)
    services.response_update(
        consultation=consultation,
        user=agent,
        data=valid_answers(consultation, **{satisfaction: "2"}),
    )
    monkeypatch.setattr(selectors, "RESULTS_REFRESH", 0)  # the next refresh
    assert "moyenne 2,0" in page(client, consultation)
