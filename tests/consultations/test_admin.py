import pytest
from django.urls import reverse

from consultations import services
from consultations.models import Choice, Consultation, Question
from tests.consultations.conftest import valid_answers

pytestmark = pytest.mark.django_db


def question_form(question, **changes):
    data = {
        "consultation": question.consultation_id,
        "section": question.section_id,
        "position": question.position,
        "kind": question.kind,
        "label": question.label,
        "help_text": question.help_text,
        "required": "on" if question.required else "",
        "scale_min": question.scale_min,
        "scale_max": question.scale_max,
        "publish_results": "on",
        "choices-TOTAL_FORMS": question.choices.count(),
        "choices-INITIAL_FORMS": question.choices.count(),
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for i, choice in enumerate(question.choices.all()):
        data.update(
            {
                f"choices-{i}-id": choice.pk,
                f"choices-{i}-question": question.pk,
                f"choices-{i}-position": choice.position,
                f"choices-{i}-label": choice.label,
            }
        )
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_texts_stay_editable_but_structure_is_locked_once_answered(client, staff, consultation):
    services.response_submit(consultation=consultation, data=valid_answers(consultation))
    client.force_login(staff)
    question = consultation.q["known"]
    url = reverse("admin:consultations_question_change", args=[question.pk])
    response = client.post(
        url, question_form(question, label="Avez-vous entendu parler de l'AJPP ?")
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.label == "Avez-vous entendu parler de l'AJPP ?"
    response = client.post(url, question_form(question, kind=Question.Kind.MULTIPLE))
    assert response.status_code == 200
    assert "Seuls les textes (intitulé, aide) restent modifiables." in response.content.decode()
    question.refresh_from_db()
    assert question.kind == Question.Kind.SINGLE
    # Adding a choice is refused too.
    data = question_form(
        question,
        **{"choices-TOTAL_FORMS": 4, "choices-3-label": "Peut-être", "choices-3-position": 9},
    )
    response = client.post(url, data)
    assert "ne peuvent plus être ajoutés ni retirés" in response.content.decode()
    assert Choice.objects.filter(question=question).count() == 3


def test_structure_is_free_before_any_answer(client, staff, consultation):
    client.force_login(staff)
    question = consultation.q["known"]
    url = reverse("admin:consultations_question_change", args=[question.pk])
    assert client.post(url, question_form(question, kind=Question.Kind.MULTIPLE)).status_code == 302


def test_admin_actions_run_the_lifecycle(client, staff, consultation):
    client.force_login(staff)
    url = reverse("admin:consultations_consultation_changelist")
    response = client.post(
        url, {"action": "publish_results", "_selected_action": [consultation.pk]}, follow=True
    )
    assert (
        "Les résultats ne peuvent être publiés qu&#x27;une fois la consultation close."
        in response.content.decode()
    )
    client.post(url, {"action": "close", "_selected_action": [consultation.pk]})
    client.post(url, {"action": "publish_results", "_selected_action": [consultation.pk]})
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.RESULTS


def test_admin_export_of_consultations(client, staff, consultation):
    client.force_login(staff)
    url = reverse("admin:consultations_consultation_changelist")
    response = client.post(url, {"action": "export_xlsx", "_selected_action": [consultation.pk]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_add_question_form_offers_only_the_consultations_sections(client, staff, consultation):
    from tests.consultations.factories import SectionFactory

    other = SectionFactory(title="Partie d'une autre consultation")
    client.force_login(staff)
    body = client.get(
        reverse("admin:consultations_question_add"), {"consultation": consultation.pk}
    ).content.decode()
    assert "Votre situation" in body
    assert other.title not in body
