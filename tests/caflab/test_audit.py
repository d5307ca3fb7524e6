import csv
import io
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook

from caflab import audit
from caflab.models import ActivityEvent
from consultations.models import Choice, Question
from eurekaf.models import Idea
from expo_booking.models import Booking
from tests.caflab.factories import AgentFactory
from tests.consultations.factories import QuestionFactory
from tests.eurekaf.factories import IdeaFactory
from tests.expo_booking.factories import BookingFactory, policy
from tests.livinglabs.factories import MemberFactory

pytestmark = pytest.mark.django_db


def trail(obj):
    return ActivityEvent.objects.filter(
        scope=audit.SCOPE,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
    )


def question_form(question: Question, **changes) -> dict:
    choices = list(question.choices.all())
    data = {
        "consultation": question.consultation_id,
        "section": question.section_id,
        "position": question.position,
        "kind": question.kind,
        "label": question.label,
        "required": "on",
        "scale_min": question.scale_min,
        "scale_max": question.scale_max,
        "publish_results": "on",
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": len(choices),
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for i, choice in enumerate(choices):
        data.update(
            {
                f"choices-{i}-id": choice.pk,
                f"choices-{i}-question": question.pk,
                f"choices-{i}-position": choice.position,
                f"choices-{i}-label": choice.label,
            }
        )
    data.update(changes)
    return data


@pytest.fixture
def question():
    question = QuestionFactory(label="Connaissez-vous l'AJPP ?")
    for position, label in enumerate(["Oui", "Non"]):
        Choice.objects.create(question=question, label=label, position=position)
    return question


def test_an_admin_edit_of_a_question_is_in_the_trail_with_its_author(client, staff, question):
    client.force_login(staff)
    url = reverse("admin:consultations_question_change", args=[question.pk])
    response = client.post(
        url,
        question_form(
            question, label="Avez-vous entendu parler de l'AJPP ?", **{"choices-1-label": "Non"}
        ),
    )
    assert response.status_code == 302
    event = trail(question).get(verb=audit.UPDATED)
    assert event.actor == staff
    assert event.changes == {
        "label": ["Connaissez-vous l'AJPP ?", "Avez-vous entendu parler de l'AJPP ?"]
    }
    assert "Intitulé : Connaissez-vous l'AJPP ? → Avez-vous entendu parler" in (
        audit.readable_changes(event)
    )
    # The unchanged choices wrote nothing.
    assert not ActivityEvent.objects.filter(
        scope=audit.SCOPE, verb=audit.UPDATED, content_type__model="choice"
    ).exists()


def test_the_change_page_links_to_the_objects_journal(client, staff, question):
    client.force_login(staff)
    page = client.get(reverse("admin:consultations_question_change", args=[question.pk]))
    content_type = ContentType.objects.get_for_model(Question)
    link = (
        f"{reverse('admin:caflab_activityevent_changelist')}"
        f"?content_type__id__exact={content_type.pk}&amp;object_id={question.pk}"
    )
    assert "Journal des modifications" in page.content.decode()
    assert link in page.content.decode()
    journal = client.get(link.replace("&amp;", "&"))
    assert journal.status_code == 200
    assert list(journal.context["cl"].queryset) == list(trail(question))


def test_an_ideas_status_change_is_in_the_trail(client, staff):
    idea = IdeaFactory()
    client.force_login(staff)
    response = client.post(
        reverse("eurekaf:idea-status", args=[idea.pk]),
        {"to_status": Idea.Status.STUDYING, "answer": "Nous regardons cela de près."},
    )
    assert response.status_code in (200, 302)
    idea.refresh_from_db()
    assert idea.status == Idea.Status.STUDYING
    event = trail(idea).get(verb=audit.UPDATED)
    assert event.actor == staff
    assert event.changes["status"] == [Idea.Status.SUBMITTED, Idea.Status.STUDYING]


def test_a_booking_confirmed_in_the_admin_is_in_the_trail(client, staff):
    policy(auto_confirm=False)
    booking = BookingFactory()
    client.force_login(staff)
    response = client.post(
        reverse("admin:expo_booking_booking_changelist"),
        {"action": "confirm", "_selected_action": [booking.pk]},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    event = trail(booking).get(verb=audit.UPDATED)
    assert event.actor == staff
    assert event.changes["status"] == [Booking.Status.REQUESTED, Booking.Status.CONFIRMED]
    assert event.changes["confirmed_by"] == [None, staff.pk]


def test_a_bookings_contact_change_is_recorded_without_the_values():
    booking = BookingFactory()
    booking.contact_email = "nouveau.contact@caf38.test"
    booking.save()
    event = trail(booking).get(verb=audit.UPDATED)
    assert event.changes == {"contact_email": audit.MASKED}
    assert event.actor is None  # outside a request: « système »


def test_a_members_email_change_is_recorded_without_the_address():
    member = MemberFactory(email="ancienne@exemple.test", first_name="Karima")
    facilitator = AgentFactory()
    with audit.acting_as(facilitator):
        member.email = "nouvelle@exemple.test"
        member.save()
    event = trail(member).get(verb=audit.UPDATED)
    assert event.actor == facilitator
    assert event.changes == {"email": audit.MASKED}
    created = trail(member).get(verb=audit.CREATED)
    everything = " ".join(
        f"{e.object_repr} {e.changes}" for e in ActivityEvent.objects.filter(scope=audit.SCOPE)
    )
    for value in ("ancienne@exemple.test", "nouvelle@exemple.test", "Karima", member.pseudonym):
        assert value not in everything
    assert created.changes["email"] == audit.FILLED


def test_a_users_name_change_is_masked_and_the_user_is_not_named(client, staff):
    agent = AgentFactory(first_name="Sabine", last_name="Rousseau")
    with audit.acting_as(staff):
        agent.last_name = "Rousseau-Martin"
        agent.job_title = "Conseillère"
        agent.save()
    event = trail(agent).get(verb=audit.UPDATED)
    assert event.changes["last_name"] == audit.MASKED
    assert "Rousseau" not in event.object_repr


def test_deletion_is_in_the_trail(staff, question):
    choice = question.choices.first()
    with audit.acting_as(staff):
        choice.delete()
    event = ActivityEvent.objects.get(scope=audit.SCOPE, verb=audit.DELETED)
    assert event.object_repr == "Oui"
    assert event.actor == staff


def test_a_save_that_changes_nothing_writes_nothing(question):
    before = ActivityEvent.objects.count()
    question.save()
    question.save(update_fields=["label"])
    assert ActivityEvent.objects.count() == before


def test_the_trail_stays_out_of_the_apps_feeds(question):
    assert ActivityEvent.objects.filter(scope=audit.SCOPE).exists()
    assert not ActivityEvent.objects.exclude(scope=audit.SCOPE).filter(verb__startswith="audit.")


def test_the_journal_is_read_only_and_filtered(client, staff, question):
    client.force_login(staff)
    event = trail(question).first()
    page = client.get(reverse("admin:caflab_activityevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert "Création" in page.content.decode()
    assert (
        client.post(reverse("admin:caflab_activityevent_delete", args=[event.pk])).status_code
        == 403
    )
    changelist = reverse("admin:caflab_activityevent_changelist")
    for query in (
        "?journal=audit",
        f"?verb__exact={audit.CREATED}",
        f"?created_at__year={event.created_at.year}",
        f"?actor__id__exact={staff.pk}",
        "?q=Connaissez",
    ):
        assert client.get(changelist + query).status_code == 200, query


def test_the_journal_exports_as_csv_and_xlsx(client, staff, question):
    with audit.acting_as(staff):
        question.label = "Avez-vous entendu parler de l'AJPP ?"
        question.save()
    client.force_login(staff)
    url = reverse("admin:caflab_activityevent_changelist") + "?journal=audit"
    selected = list(ActivityEvent.objects.filter(scope=audit.SCOPE).values_list("pk", flat=True))
    response = client.post(url, {"action": "export_csv", "_selected_action": selected})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Le", "Auteur", "Action"]
    assert any(row[1] == staff.email and "Avez-vous entendu parler" in row[6] for row in rows[1:])
    response = client.post(url, {"action": "export_xlsx", "_selected_action": selected})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == len(selected) + 1


def test_an_api_write_names_the_tokens_user(api_client):
    from rest_framework.authtoken.models import Token

    from tests.cooperation.factories import ActionFactory, member

    action = ActionFactory(progress=40, due_on=date(2028, 6, 30))
    pilot = AgentFactory()
    member(action.plan, pilot, "pilote")
    token, _created = Token.objects.get_or_create(user=pilot)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.patch(
        f"/api/v1/actions/{action.pk}/", {"version": 1, "progress": 65}, format="json"
    )
    assert response.status_code == 200, response.content
    event = trail(action).get(verb=audit.UPDATED)
    assert event.actor == pilot
    assert event.changes["progress"] == [40, 65]


def test_moderation_and_assignment_written_with_update_are_in_the_trail(staff):
    """Hiding and assigning write with queryset update(), which sends no signal: the services
    record them in the trail themselves."""
    from eurekaf import services

    idea = IdeaFactory()
    services.idea_hide(idea=idea, by=staff, reason="Propos injurieux envers un collègue.")
    services.idea_assign(idea=idea, by=staff, service="Service action sociale")
    events = list(trail(idea).filter(verb=audit.UPDATED).order_by("pk"))
    assert [event.actor for event in events] == [staff, staff]
    changes = [event.changes for event in events]
    assert changes[0]["is_hidden"] == [False, True]
    assert changes[1] == {"assigned_service": ["", "Service action sociale"]}


def test_the_journal_reads_in_the_same_queries_whatever_its_length(
    client, staff, django_assert_num_queries
):
    """The changelist of the trail: its actor and object type come with each row."""
    client.force_login(staff)
    changelist = reverse("admin:caflab_activityevent_changelist")

    def queries_for(n_questions: int) -> int:
        with audit.acting_as(staff):
            QuestionFactory.create_batch(n_questions)
        client.get(changelist)  # sessions and content types warmed up
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(changelist).status_code == 200
        return len(captured)

    assert queries_for(2) == queries_for(30)
