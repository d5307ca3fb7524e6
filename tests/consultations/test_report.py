"""The consultations' figures for the annual report, year by year."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from consultations import report
from consultations.models import Answer, Consultation, Response
from reporting.sections import sections_for
from tests.consultations.factories import ConsultationFactory, SectionFactory, add_question

pytestmark = pytest.mark.django_db


def aware(*args):
    return datetime(*args, tzinfo=timezone.get_current_timezone())


def respond(consultation, question, labels_and_days):
    for label, day in labels_and_days:
        response = Response.objects.create(consultation=consultation, submitted_on=day)
        Answer.objects.create(
            response=response, question=question, choice=question.choices.get(label=label)
        )


@pytest.fixture
def two_years(db):
    """2024: one consultation (Oct–Jan) answered 3 times in 2024 and once in 2025.
    2025: one consultation answered 5 times (Oui ×3, Non ×2), one rejected response, a draft."""
    c2024 = ConsultationFactory(
        title="Déclaration trimestrielle",
        status=Consultation.Status.RESULTS,
        opens_at=aware(2024, 10, 1),
        closes_at=aware(2025, 1, 15),
    )
    q2024 = add_question(SectionFactory(consultation=c2024), "oui_non", "Est-ce plus simple ?")
    respond(
        c2024,
        q2024,
        [
            ("Oui", date(2024, 10, 2)),
            ("Oui", date(2024, 11, 2)),
            ("Non", date(2024, 12, 2)),
            ("Oui", date(2025, 1, 5)),
        ],
    )
    c2025 = ConsultationFactory(
        title="AJPP",
        status=Consultation.Status.RESULTS,
        opens_at=aware(2025, 5, 1),
        closes_at=aware(2025, 6, 30),
    )
    q2025 = add_question(SectionFactory(consultation=c2025), "oui_non", "Connaissez-vous l'AJPP ?")
    respond(c2025, q2025, [("Oui", date(2025, 5, 2))] * 3 + [("Non", date(2025, 5, 3))] * 2)
    rejected = Response.objects.create(
        consultation=c2025, submitted_on=date(2025, 5, 4), review=Response.Review.REJECTED
    )
    Answer.objects.create(response=rejected, question=q2025, choice=q2025.choices.get(label="Non"))
    ConsultationFactory(
        title="Brouillon",
        status=Consultation.Status.DRAFT,
        opens_at=aware(2025, 3, 1),
        closes_at=aware(2025, 4, 1),
    )
    return c2024, c2025


def test_respondents_per_year_without_leakage(two_years):
    assert report.respondents_of_year(2024) == 3
    assert report.respondents_of_year(2025) == 6  # 5 + the January answer to the 2024 one
    assert report.respondents_of_year(2023) == 0


def test_consultations_held_per_year(two_years):
    held_2025 = {c.title: c.year_respondents for c in report.consultations_of_year(2025)}
    assert held_2025 == {"Déclaration trimestrielle": 1, "AJPP": 5}
    assert [c.title for c in report.consultations_of_year(2024)] == ["Déclaration trimestrielle"]


def test_top_answers(two_years):
    _c2024, c2025 = two_years
    tops = report.top_answers([c2025.pk], 2025)
    assert tops[c2025.pk] == [("Connaissez-vous l'AJPP ?", "Oui", 60.0)]


def test_section_for_the_report(two_years):
    section = report.consultations_section(2025)
    figures = {figure.key: figure.value for figure in section.figures}
    assert figures == {"consultation_respondents": 6, "consultations_held": 2}
    assert section.part == "consulter"
    assert section.tables[0]["rows"][1][0] == "AJPP"
    assert "AJPP — « Connaissez-vous l'AJPP ? » : Oui (60,0 %)" in section.highlights
    assert "<svg" in section.charts[0].svg


def test_one_more_response_changes_the_figure_by_one(two_years):
    _c2024, c2025 = two_years
    before = report.respondents_of_year(2025)
    Response.objects.create(consultation=c2025, submitted_on=date(2025, 6, 1))
    assert report.respondents_of_year(2025) == before + 1


def test_registered_with_the_report():
    assert any(section.title == "La Caf à votre écoute" for section in sections_for(2025))


def test_section_queries_are_bounded(two_years, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        report.consultations_section(2025)
