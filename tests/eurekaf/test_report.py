"""Eurekaf's figures for the annual report, year by year, without leakage between years."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from eurekaf import report
from eurekaf.models import Campaign, Idea, IdeaStatusChange
from reporting import sections
from tests.caflab.factories import AgentFactory, caf
from tests.eurekaf.factories import CampaignFactory, IdeaFactory, box

pytestmark = pytest.mark.django_db

S = Idea.Status


def aware(*args):
    """A moment in Paris time: the years of the report are French years."""
    return datetime(*args, tzinfo=timezone.get_current_timezone())


def change(idea, from_status, to_status, when, answer="Réponse du service."):
    return IdeaStatusChange.objects.create(
        idea=idea, from_status=from_status, to_status=to_status, answer=answer, created_at=when
    )


def criee(title, starts_on, ends_on, pitch_on):
    return CampaignFactory(
        box=box(None),
        kind=Campaign.Kind.INITIATIVES,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        pitch_on=pitch_on,
    )


@pytest.fixture
def three_years(db):
    """2024: 5 ideas (2 in the AJPP criée, 1 for a criée pitched in January 2025, 1 deposited
    at 23:30 on 31 December), 1 campaign, 1 implemented, the AJPP criée (2 initiatives).
    2025: 6 ideas (one deposited at 00:30 on 1 January), 2 campaigns, 2 implemented (one of
    2024's ideas), 2 criées (1 + 3 initiatives). 2026: 2 ideas, 1 campaign, 1 criée.
    Merged duplicates in 2024 and 2025 never count."""
    isere, nord, national = box("38"), box("59"), box(None)
    ideas = {}

    # 2024 -------------------------------------------------------------------------------------
    ideas["a24"] = IdeaFactory(box=isere, created_at=aware(2024, 3, 5, 10), status=S.IMPLEMENTED)
    change(ideas["a24"], S.SUBMITTED, S.SELECTED, aware(2024, 6, 3, 9))
    change(ideas["a24"], S.SELECTED, S.IMPLEMENTED, aware(2025, 2, 10, 11))
    ideas["b24"] = IdeaFactory(
        box=isere, created_at=aware(2024, 12, 31, 23, 30), status=S.IMPLEMENTED
    )
    change(ideas["b24"], S.SUBMITTED, S.IMPLEMENTED, aware(2024, 12, 31, 23, 50))
    IdeaFactory(
        box=isere,
        created_at=aware(2024, 6, 1, 9),
        status=S.MERGED,
        merged_into=ideas["a24"],
    )
    CampaignFactory(box=isere, starts_on=date(2024, 12, 2), ends_on=date(2025, 1, 31))
    ajpp = criee("Criée AJPP", date(2024, 10, 14), date(2024, 11, 22), date(2024, 12, 10))
    first = IdeaFactory(box=national, campaign=ajpp, created_at=aware(2024, 10, 20, 14))
    IdeaFactory(box=national, campaign=ajpp, created_at=aware(2024, 11, 4, 9))
    IdeaFactory(
        box=national,
        campaign=ajpp,
        created_at=aware(2024, 11, 5, 9),
        status=S.MERGED,
        merged_into=first,
    )
    winter = criee("Criée Hiver", date(2024, 12, 2), date(2024, 12, 20), date(2025, 1, 20))
    IdeaFactory(box=national, campaign=winter, created_at=aware(2024, 12, 15, 10))

    # 2025 -------------------------------------------------------------------------------------
    ideas["c25"] = IdeaFactory(
        box=national,
        escalated_from=isere,
        author=AgentFactory(caf=caf("38")),
        created_at=aware(2025, 1, 1, 0, 30),
        status=S.IMPLEMENTED,
        support_count=12,
        title="Un SMS la veille des rendez-vous",
    )
    change(ideas["c25"], S.SUBMITTED, S.SELECTED, aware(2025, 2, 3, 9))
    change(ideas["c25"], S.SELECTED, S.IMPLEMENTED, aware(2025, 5, 12, 9))
    change(ideas["c25"], S.IMPLEMENTED, S.IMPLEMENTED, aware(2025, 9, 1, 9))  # national
    IdeaFactory(box=nord, created_at=aware(2025, 6, 15, 9), support_count=3)
    IdeaFactory(
        box=isere,
        created_at=aware(2025, 3, 15, 9),
        support_count=50,
        is_hidden=True,
        hidden_reason="Demande individuelle.",
    )
    aidance = criee("Criée Aidance", date(2025, 5, 12), date(2025, 6, 13), date(2025, 6, 26))
    ideas["aidance"] = IdeaFactory(
        box=national,
        campaign=aidance,
        created_at=aware(2025, 5, 20, 10),
        status=S.STUDYING,
        support_count=30,
        title="Un référent aidants dans chaque site",
    )
    IdeaFactory(box=national, campaign=aidance, created_at=aware(2025, 6, 2, 10))
    IdeaFactory(box=national, campaign=aidance, created_at=aware(2025, 6, 10, 10), support_count=5)
    IdeaFactory(
        box=national,
        campaign=aidance,
        created_at=aware(2025, 6, 11, 10),
        status=S.MERGED,
        merged_into=ideas["aidance"],
        support_count=0,
    )
    CampaignFactory(box=isere, starts_on=date(2025, 3, 3), ends_on=date(2025, 4, 30))
    CampaignFactory(box=national, starts_on=date(2025, 9, 15), ends_on=date(2025, 11, 28))

    # 2026 -------------------------------------------------------------------------------------
    IdeaFactory(box=nord, created_at=aware(2026, 1, 1, 0, 10))
    atypical = criee("Criée Horaires", date(2026, 10, 5), date(2026, 12, 4), date(2026, 12, 15))
    IdeaFactory(box=national, campaign=atypical, created_at=aware(2026, 10, 12, 10))
    CampaignFactory(box=nord, starts_on=date(2026, 1, 5), ends_on=date(2026, 2, 27))
    return ideas


EXPECTED = {
    2024: {
        "eurekaf_ideas": 5,
        "eurekaf_campaigns": 1,
        "eurekaf_boxes": 2,
        "eurekaf_implemented": 1,
        "eurekaf_criees": 1,
        "eurekaf_initiatives": 2,
    },
    2025: {
        "eurekaf_ideas": 6,
        "eurekaf_campaigns": 2,
        "eurekaf_boxes": 3,
        "eurekaf_implemented": 2,
        "eurekaf_criees": 2,
        "eurekaf_initiatives": 4,
    },
    2026: {
        "eurekaf_ideas": 2,
        "eurekaf_campaigns": 1,
        "eurekaf_boxes": 2,
        "eurekaf_implemented": 0,
        "eurekaf_criees": 1,
        "eurekaf_initiatives": 1,
    },
}


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_figures_of_each_year_without_leakage(three_years, year):
    assert report.year_figures(year) == EXPECTED[year]


def test_empty_year():
    assert set(report.year_figures(2023).values()) == {0}


def test_an_implementation_counts_in_the_year_of_its_status_change(three_years):
    a24 = three_years["a24"]
    assert a24.created_at.year == 2024
    assert report.implemented_in_year(2025) == 2  # a24 (implemented in February) and c25
    assert report.implemented_in_year(2024) == 1  # b24, at 23:50 on 31 December
    # The national contribution of an implemented idea repeats its status: not counted again.
    change(three_years["c25"], S.IMPLEMENTED, S.IMPLEMENTED, aware(2025, 10, 1, 9))
    assert report.implemented_in_year(2025) == 2
    idea = IdeaFactory(created_at=aware(2025, 7, 1, 9), status=S.IMPLEMENTED)
    change(idea, S.SUBMITTED, S.IMPLEMENTED, aware(2026, 1, 5, 9))
    assert report.implemented_in_year(2025) == 2
    assert report.implemented_in_year(2026) == 1


def test_one_more_idea_changes_its_year_by_one(three_years):
    before = {year: report.year_figures(year)["eurekaf_ideas"] for year in (2024, 2025, 2026)}
    IdeaFactory(box=box("59"), created_at=aware(2025, 12, 31, 23, 59))
    after = {year: report.year_figures(year)["eurekaf_ideas"] for year in (2024, 2025, 2026)}
    assert after == {**before, 2025: before[2025] + 1}


def test_criees_of_the_year(three_years):
    criees = report.criees_of_year(2025)
    assert [(c.title, c.pitch_on, c.initiatives) for c in criees] == [
        ("Criée Hiver", date(2025, 1, 20), 1),  # its initiative came in December 2024
        ("Criée Aidance", date(2025, 6, 26), 3),  # the merged duplicate left out
    ]
    assert [c.title for c in report.criees_of_year(2024)] == ["Criée AJPP"]


def test_ideas_per_month(three_years):
    per_month = report.ideas_per_month(2025)
    assert len(per_month) == 12
    assert per_month[0] == 1  # 00:30 on 1 January, Paris time
    assert per_month[2] == 1
    assert per_month[4] == 1
    assert per_month[5] == 3  # Nord, two initiatives (the merged one left out)
    assert sum(per_month) == EXPECTED[2025]["eurekaf_ideas"]
    assert report.ideas_per_month(2024)[11] == 2  # the winter initiative and 23:30 on 31 Dec.


def test_top_ideas_leave_hidden_ones_out(three_years):
    top = report.top_ideas(2025)
    assert [idea.title for idea in top][:2] == [
        "Un référent aidants dans chaque site",
        "Un SMS la veille des rendez-vous",
    ]
    assert [idea.support_count for idea in top] == [30, 12, 5]


def test_section_for_the_report(three_years):
    section = report.eurekaf_section(2025)
    assert section.title == "Eurekaf, la boîte à idées"
    assert section.part == "infuser"
    assert {figure.key: figure.value for figure in section.figures} == EXPECTED[2025]
    assert all(figure.label for figure in section.figures)
    table = section.tables[0]
    assert table["headers"] == ["Appel à initiatives", "Date de la criée", "Initiatives reçues"]
    assert table["rows"] == [
        ["Criée Hiver", "20 janvier 2025", "1"],
        ["Criée Aidance", "26 juin 2025", "3"],
    ]
    chart = section.charts[0]
    assert "<svg" in chart.svg
    assert [row[1] for row in chart.table.rows][:6] == ["1", "0", "1", "0", "1", "3"]
    assert section.highlights[0] == (
        "« Un référent aidants dans chaque site » (Caf de Paris) : 30 soutiens, en étude"
    )
    assert "Caf de l'Isère" in section.highlights[1]
    assert section.highlights[1].endswith("12 soutiens, mise en œuvre")


def test_registered_with_the_report():
    provider = next(p for p in sections.providers() if p.build is report.eurekaf_section)
    assert (provider.order, provider.part) == (30, "infuser")
    found = [s for s in sections.sections_for(2025) if s.title == "Eurekaf, la boîte à idées"]
    assert len(found) == 1


def test_section_queries_are_bounded(three_years, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        report.eurekaf_section(2025)
    national, aidance = box(None), Campaign.objects.get(title="Criée Aidance")
    for day in range(1, 21):
        IdeaFactory(box=national, campaign=aidance, created_at=aware(2025, 6, day, 9))
        IdeaFactory(box=box("69"), created_at=aware(2025, 7, day, 9), support_count=day)
    with django_assert_max_num_queries(6):
        section = report.eurekaf_section(2025)
    assert {f.key: f.value for f in section.figures}["eurekaf_initiatives"] == 24
