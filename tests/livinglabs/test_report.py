"""The living labs' figures for the annual report, year by year, counted by hand."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from livinglabs import report
from livinglabs.models import Contribution, Invitation, Lab, Solicitation
from reporting.sections import sections_for
from tests.caflab.factories import caf
from tests.livinglabs.factories import (
    ContributionFactory,
    LabFactory,
    MemberFactory,
    SolicitationFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def held(lab, when, attendance):
    """A workshop at `when`: {member: True (came) / False (absent) / None (not recorded)}."""
    workshop = WorkshopFactory(lab=lab, starts_at=when, ends_at=when + timedelta(hours=2))
    for member, came in attendance.items():
        Invitation.objects.create(workshop=workshop, member=member, attended=came)
    return workshop


def contribute(workshop, when, kind=Contribution.Kind.IRRITANT):
    return ContributionFactory(workshop=workshop, kind=kind, created_at=when)


@pytest.fixture
def two_years(db):
    """2024 and 2025, by hand.

    Labs: A (Isère, created 2024), B (Drôme, created 2025), C (closed, last workshop 2024),
    F (closed, but a workshop in 2025), D (in preparation), E (created 2026).
    2024: labs A, C, F (new: A); workshops A 10/06, C 05/05; present a1, a2, c1; 2 contributions.
    2025: labs A, B, F (new: B); workshops A 15/01, A 31/12 at 23:30, B 01/03, F 10/02;
    present a1, a3, b1, f1; 4 contributions. The A workshop of 1 January 2026 at 00:30 and its
    contribution belong to 2026.
    """
    a = LabFactory(slug="a", name="Lab A", created_on=date(2024, 3, 1))
    b = LabFactory(slug="b", name="Lab B", caf=caf("26"), created_on=date(2025, 2, 1))
    c = LabFactory(slug="c", name="Lab C", created_on=date(2023, 1, 1), status=Lab.Status.CLOSED)
    f = LabFactory(slug="f", name="Lab F", created_on=date(2022, 5, 1), status=Lab.Status.CLOSED)
    LabFactory(slug="d", created_on=date(2025, 6, 1), status=Lab.Status.PREPARING)
    LabFactory(slug="e", created_on=date(2026, 1, 10))
    a1, a2, a3 = MemberFactory.create_batch(3, lab=a)
    b1, c1, f1 = MemberFactory(lab=b), MemberFactory(lab=c), MemberFactory(lab=f)

    w = held(a, at(2024, 6, 10, 18), {a1: True, a2: True, a3: False})
    contribute(w, at(2024, 6, 10, 20, 30))
    w = held(c, at(2024, 5, 5, 14), {c1: True})
    contribute(w, at(2024, 5, 5, 16, 30))

    w = held(a, at(2025, 1, 15, 18), {a1: True, a3: True})
    contribute(w, at(2025, 1, 15, 20, 30))
    contribute(w, at(2025, 1, 15, 20, 35), kind=Contribution.Kind.PROPOSAL)
    w = held(a, at(2025, 12, 31, 23, 30), {a1: True, a2: False})
    contribute(w, at(2025, 12, 31, 23, 50), kind=Contribution.Kind.NEED)
    w = held(a, at(2026, 1, 1, 0, 30), {a2: True})
    contribute(w, at(2026, 1, 1, 0, 40))
    w = held(b, at(2025, 3, 1, 10), {b1: True})
    contribute(w, at(2025, 3, 1, 12, 30), kind=Contribution.Kind.IDEA)
    held(f, at(2025, 2, 10, 14), {f1: True, MemberFactory(lab=f): None})

    SolicitationFactory(
        title="Relevé de dettes Aripa",
        labs=[a, b],
        status=Solicitation.Status.ANSWERED,
        synthesis="Une ligne par mois de pension.",
        answered_at=at(2025, 11, 18, 16),
    )
    SolicitationFactory(
        title="Montant net social",
        labs=[a],
        status=Solicitation.Status.CLOSED,
        synthesis="La ligne entourée.",
        answered_at=at(2024, 7, 8, 16),
    )
    return {"a": a, "b": b, "c": c, "f": f}


def test_figures_of_two_years_by_hand(two_years):
    assert report.year_figures(2024) == {
        "living_labs": 3,
        "living_labs_new": 1,
        "living_lab_workshops": 2,
        "living_lab_participants": 3,
        "living_lab_contributions": 2,
    }
    assert report.year_figures(2025) == {
        "living_labs": 3,
        "living_labs_new": 1,
        "living_lab_workshops": 4,
        "living_lab_participants": 4,
        "living_lab_contributions": 4,
    }


def test_a_closed_lab_counts_up_to_its_last_workshop(two_years):
    def slugs(year):
        return sorted(report.labs_of_year(year).values_list("slug", flat=True))

    assert slugs(2022) == ["f"]  # created that year
    assert slugs(2023) == ["c", "f"]  # C created; F has a workshop later, in 2025
    assert slugs(2024) == ["a", "c", "f"]
    assert slugs(2025) == ["a", "b", "f"]
    assert slugs(2026) == ["a", "b", "e"]
    assert "d" not in slugs(2025)  # in preparation: not a living lab yet


def test_nothing_leaks_across_years(two_years):
    before_2024 = report.year_figures(2024)
    a = two_years["a"]
    w = held(a, at(2025, 6, 2, 18), {MemberFactory(lab=a): True})
    contribute(w, at(2025, 6, 2, 20))
    assert report.year_figures(2024) == before_2024
    after = report.year_figures(2025)
    assert after["living_lab_workshops"] == 5
    assert after["living_lab_participants"] == 5
    assert after["living_lab_contributions"] == 5
    assert report.year_figures(2026)["living_lab_workshops"] == 1


def test_a_participant_counts_once_in_the_year(two_years):
    a1 = Invitation.objects.filter(workshop__lab__slug="a", attended=True).first().member
    held(two_years["a"], at(2025, 5, 5, 18), {a1: True})
    assert report.year_figures(2025)["living_lab_participants"] == 4


def test_a_workshop_yet_to_come_is_not_held(two_years):
    now = timezone.now()
    year = timezone.localtime(now).year
    lab = two_years["a"]
    before = report.year_figures(year)["living_lab_workshops"]
    held(lab, now + timedelta(minutes=5), {MemberFactory(lab=lab): None})
    assert report.year_figures(year)["living_lab_workshops"] == before


def test_rows_per_lab(two_years):
    rows = {row["lab"].slug: row for row in report.lab_rows(2025)}
    assert list(rows) == ["b", "a", "f"]  # by Caf number (26, 38), then name
    assert (rows["a"]["workshops"], rows["a"]["participants"]) == (2, 2)
    assert rows["a"]["attendance_rate"] == 75.0  # 3 present of 4 recorded
    assert rows["a"]["contributions"] == {"irritant": 1, "proposition": 1, "besoin": 1}
    assert rows["f"]["attendance_rate"] == 100.0  # the unrecorded invitation does not count
    assert rows["b"]["contributions"] == {"idee": 1}


def test_section_for_the_report(two_years):
    section = report.living_labs_section(2025)
    assert section.title == "Les living labs"
    assert section.part == "consulter"
    figures = {figure.key: figure.value for figure in section.figures}
    assert figures == report.year_figures(2025)
    table = section.tables[0]
    assert table["headers"][0] == "Living lab"
    by_name = {row[0]: row for row in table["rows"]}
    assert by_name["Lab A"][4:] == ["2", "2", "75,0 %", "3"]
    assert by_name["Lab B"][1:4] == ["Caf de la Drôme", "Parentalité", "2025"]
    assert "<svg" in section.charts[0].svg
    assert "1 living lab créé en 2025 : Lab B." in section.highlights
    assert (
        "« Relevé de dettes Aripa » : réponse consolidée transmise le 18 novembre 2025 "
        "(2 living labs sollicités)." in section.highlights
    )
    assert not any("Montant net social" in line for line in section.highlights)


def test_an_empty_year(db):
    section = report.living_labs_section(2019)
    assert {figure.value for figure in section.figures} == {0}
    assert section.tables[0]["rows"] == []
    assert section.highlights == []


def test_registered_with_the_report():
    sections = [s for s in sections_for(2025) if s.title == "Les living labs"]
    assert len(sections) == 1
    assert sections[0].part == "consulter"


@pytest.mark.parametrize("n", [1, 10])
def test_section_queries_are_bounded(two_years, n, django_assert_num_queries):
    for index in range(n):
        lab = LabFactory(created_on=date(2025, 1, 1))
        w = held(lab, at(2025, 4, 1 + index, 18), {MemberFactory(lab=lab): True})
        contribute(w, at(2025, 4, 1 + index, 20))
    # labs, workshops per lab, attendance per lab, contributions per lab and kind, answered
    # solicitations
    with django_assert_num_queries(5):
        report.living_labs_section(2025)
