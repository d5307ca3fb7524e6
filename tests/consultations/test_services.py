"""Answering: one response per person, anonymity, access codes, the lifecycle."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations import services
from consultations.models import (
    AccessCode,
    Answer,
    Consultation,
    Participation,
    Response,
    ResponseDraft,
)
from consultations.selectors import consultation_get
from tests.caflab.factories import AgentFactory, CafLabStaffFactory
from tests.consultations.conftest import valid_answers

pytestmark = pytest.mark.django_db


def load(consultation):
    loaded = consultation_get(user=CafLabStaffFactory(), slug=consultation.slug)
    loaded.q = consultation.q
    return loaded


def test_submit_stores_the_answers(consultation):
    c = load(consultation)
    response = services.response_submit(
        consultation=c, data=valid_answers(c), ip_address="203.0.113.5"
    )
    assert response.review == Response.Review.VALID
    assert response.participation is None  # anonymous
    q = c.q
    assert Answer.objects.get(response=response, question=q["hours"]).number == 12
    assert Answer.objects.get(response=response, question=q["department"]).text == "38"
    assert Answer.objects.filter(response=response, question=q["needs"]).count() == 1
    c.refresh_from_db()
    assert c.respondent_count == 1
    assert Participation.objects.filter(consultation=c).count() == 1


def test_submit_is_a_bounded_number_of_queries(consultation):
    c = load(consultation)
    data = valid_answers(c)
    with CaptureQueriesContext(connection) as queries:
        services.response_submit(consultation=c, data=data, ip_address="203.0.113.5")
    # départements (validation), burst count, participation, response, answers (one bulk
    # insert), counter, and the savepoints around them — whatever the number of questions
    assert len(queries) <= 10, [q["sql"][:80] for q in queries.captured_queries]


def test_invalid_answers_are_refused_and_nothing_is_written(consultation):
    c = load(consultation)
    with pytest.raises(services.QuestionnaireInvalid) as excinfo:
        services.response_submit(consultation=c, data={}, ip_address="203.0.113.5")
    assert excinfo.value.message == "Certaines réponses sont à compléter ou à corriger."
    assert f"q{c.q['known'].pk}" in excinfo.value.field_errors
    assert not Response.objects.exists()
    assert not Participation.objects.exists()


@pytest.mark.parametrize(
    ("opens", "closes", "status"),
    [
        (timedelta(days=2), timedelta(days=10), Consultation.Status.SCHEDULED),  # not yet open
        (timedelta(days=-10), timedelta(days=-1), Consultation.Status.SCHEDULED),  # past closing
        (timedelta(days=-10), timedelta(days=10), Consultation.Status.CLOSED),  # closed early
        (timedelta(days=-10), timedelta(days=10), Consultation.Status.DRAFT),
    ],
)
def test_only_an_open_consultation_accepts_answers(consultation, opens, closes, status):
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now + opens, closes_at=now + closes, status=status
    )
    c = load(consultation)
    with pytest.raises(services.ConsultationNotOpen):
        services.response_submit(consultation=c, data=valid_answers(c))


def test_a_logged_in_person_answers_once(consultation):
    c = load(consultation)
    agent = AgentFactory()
    services.response_submit(consultation=c, data=valid_answers(c), user=agent)
    with pytest.raises(services.AlreadyAnswered):
        services.response_submit(consultation=c, data=valid_answers(c), user=agent)
    assert Response.objects.count() == 1


def test_a_browser_answers_once(consultation):
    c = load(consultation)
    services.response_submit(consultation=c, data=valid_answers(c), browser_key="navigateur-1")
    with pytest.raises(services.AlreadyAnswered):
        services.response_submit(consultation=c, data=valid_answers(c), browser_key="navigateur-1")
    services.response_submit(consultation=c, data=valid_answers(c), browser_key="navigateur-2")
    assert Response.objects.count() == 2
    # Only a salted hash of the browser key is kept.
    assert not Participation.objects.filter(respondent_key__contains="navigateur").exists()


def test_the_same_draft_sent_twice_gives_one_response(consultation):
    c = load(consultation)
    draft = services.draft_start(consultation=c, data=valid_answers(c))
    first = services.response_submit(consultation=c, data=draft.data, draft=draft)
    second = services.response_submit(consultation=c, data=draft.data, draft=draft)
    assert first is not None
    assert second is None
    assert Response.objects.count() == 1
    draft.refresh_from_db()
    assert draft.submitted_at is not None
    assert draft.data == {}  # the typed answers do not outlive the submission


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_creates_one_response(consultation):
    """Two tabs (two connections) send the same draft at the same time."""
    c = load(consultation)
    draft = services.draft_start(consultation=c, data=valid_answers(c))
    results, errors = [], []
    barrier = threading.Barrier(2)

    def send():
        try:
            barrier.wait()
            results.append(services.response_submit(consultation=c, data=draft.data, draft=draft))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r is None for r in results) == [False, True]
    assert Response.objects.filter(consultation=c).count() == 1
    assert Participation.objects.filter(consultation=c).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_person_create_one_response(consultation):
    c = load(consultation)
    agent = AgentFactory()
    outcomes = []
    barrier = threading.Barrier(2)

    def send():
        try:
            barrier.wait()
            services.response_submit(consultation=c, data=valid_answers(c), user=agent)
            outcomes.append("ok")
        except services.AlreadyAnswered:
            outcomes.append("deja")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["deja", "ok"]
    assert Response.objects.filter(consultation=c).count() == 1
    c.refresh_from_db()
    assert c.respondent_count == 1


def test_anonymous_response_is_not_linkable_to_the_person(consultation):
    c = load(consultation)
    agent = AgentFactory()
    response = services.response_submit(
        consultation=c, data=valid_answers(c), user=agent, ip_address="203.0.113.5", browser_key="k"
    )
    participation = Participation.objects.get(user=agent)
    # No field of the response points to the participation or to the person…
    assert response.participation_id is None
    response_fields = {f.name for f in Response._meta.get_fields()}
    assert "user" not in response_fields
    # …no time finer than the day…
    assert not any(f.get_internal_type() == "DateTimeField" for f in Response._meta.concrete_fields)
    assert not any(
        f.get_internal_type() == "DateTimeField" for f in Participation._meta.concrete_fields
    )
    # …and random keys that say nothing of the order of arrival.
    assert response.pk.version == 4
    assert participation.pk.version == 4
    assert participation.created_on == response.submitted_on


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_anonymous_rows_are_written_in_separate_transactions(consultation):
    """Rows written together share a PostgreSQL transaction id (xmin): not these two."""
    c = load(consultation)
    agent = AgentFactory()
    response = services.response_submit(consultation=c, data=valid_answers(c), user=agent)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT xmin::text FROM {Response._meta.db_table} WHERE id = %s",  # noqa: S608
            [response.pk],
        )
        response_xmin = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT xmin::text FROM {Participation._meta.db_table} WHERE user_id = %s",  # noqa: S608
            [agent.pk],
        )
        participation_xmin = cursor.fetchone()[0]
    assert response_xmin != participation_xmin


def test_non_anonymous_response_is_linked_and_editable(consultation):
    Consultation.objects.filter(pk=consultation.pk).update(is_anonymous=False)
    c = load(consultation)
    agent = AgentFactory()
    response = services.response_submit(consultation=c, data=valid_answers(c), user=agent)
    assert response.participation.user == agent
    q = c.q
    services.response_update(
        consultation=c, user=agent, data=valid_answers(c, **{f"q{q['satisfaction'].pk}": "2"})
    )
    assert Answer.objects.get(response=response, question=q["satisfaction"]).number == 2
    assert Response.objects.count() == 1


def test_anonymous_response_cannot_be_edited(consultation):
    c = load(consultation)
    agent = AgentFactory()
    services.response_submit(consultation=c, data=valid_answers(c), user=agent)
    with pytest.raises(services.ConsultationError):
        services.response_update(consultation=c, user=agent, data=valid_answers(c))


def test_access_codes_are_single_use_and_stored_hashed(consultation):
    Consultation.objects.filter(pk=consultation.pk).update(requires_access_code=True)
    c = load(consultation)
    staff = CafLabStaffFactory()
    codes = services.access_codes_generate(
        consultation=c, count=3, batch="Living lab Isère", by=staff
    )
    assert len(set(codes)) == 3
    assert all(len(code) == 9 and code[4] == "-" for code in codes)
    assert not AccessCode.objects.filter(code_hash__in=codes).exists()
    with pytest.raises(services.ConsultationError):
        services.response_submit(consultation=c, data=valid_answers(c), access_code="FAUX-CODE")
    services.response_submit(consultation=c, data=valid_answers(c), access_code=codes[0].lower())
    with pytest.raises(services.ConsultationError):
        services.response_submit(consultation=c, data=valid_answers(c), access_code=codes[0])
    assert AccessCode.objects.filter(used_on__isnull=False).count() == 1


def test_access_codes_are_for_staff(consultation):
    with pytest.raises(services.PermissionDenied):
        services.access_codes_generate(
            consultation=consultation, count=1, batch="x", by=AgentFactory()
        )


def test_a_burst_from_one_address_is_flagged_not_dropped(consultation, settings):
    settings.CAFLAB_CONSULTATION_BURST_PER_DAY = 3
    c = load(consultation)
    for n in range(5):
        services.response_submit(
            consultation=c, data=valid_answers(c), ip_address="198.51.100.7", browser_key=f"b{n}"
        )
    reviews = list(Response.objects.order_by("review").values_list("review", flat=True))
    assert reviews.count(Response.Review.VALID) == 3
    assert reviews.count(Response.Review.FLAGGED) == 2
    assert not Participation.objects.filter(ip_hash__contains="198.51").exists()


def test_lifecycle_schedule_close_publish(consultation):
    staff = CafLabStaffFactory()
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.DRAFT)
    consultation.refresh_from_db()
    consultation = services.consultation_schedule(consultation=consultation, by=staff)
    assert consultation.phase() == Consultation.Status.OPEN
    with pytest.raises(services.ConsultationError):
        services.consultation_publish_results(consultation=consultation, by=staff)
    consultation = services.consultation_close(consultation=consultation, by=staff)
    assert consultation.phase() == Consultation.Status.CLOSED
    consultation = services.consultation_publish_results(consultation=consultation, by=staff)
    assert consultation.status == Consultation.Status.RESULTS
    assert consultation.results_published_at is not None


def test_lifecycle_is_for_staff(consultation):
    with pytest.raises(services.PermissionDenied):
        services.consultation_close(consultation=consultation, by=AgentFactory())


def test_schedule_needs_questions(db):
    from tests.consultations.factories import ConsultationFactory

    empty = ConsultationFactory(status=Consultation.Status.DRAFT)
    with pytest.raises(services.ConsultationError) as excinfo:
        services.consultation_schedule(consultation=empty, by=CafLabStaffFactory())
    assert "au moins une question" in excinfo.value.message


def test_statuses_follow_the_dates(consultation):
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=now - timedelta(hours=1), opens_at=now - timedelta(days=3)
    )
    assert services.consultations_advance(now=now) == 1
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLOSED
    assert consultation.closed_at == consultation.closes_at


def test_structure_is_locked_once_answered(consultation):
    c = load(consultation)
    assert not services.structure_is_locked(c)
    services.response_submit(consultation=c, data=valid_answers(c))
    with pytest.raises(services.ConsultationError) as excinfo:
        services.ensure_structure_editable(c)
    assert "Seuls les textes" in excinfo.value.message


def test_old_drafts_are_purged(consultation):
    draft = services.draft_start(consultation=consultation, data={"q1": "réponse"})
    ResponseDraft.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(days=40))
    services.draft_start(consultation=consultation)
    assert services.drafts_purge(older_than_days=30) == 1
    assert ResponseDraft.objects.count() == 1
