"""COOPération's figures for the annual report, computed by hand on two years of factory data."""

import datetime

import pytest
from django.utils import timezone

from cooperation import report
from cooperation.models import Action, Plan
from reporting.sections import providers, sections_for
from tests.caflab.factories import OrganisationFactory, caf
from tests.cooperation.factories import ActionFactory, AxisFactory, ObjectiveFactory, PlanFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def aware(*args):
    return datetime.datetime(*args, tzinfo=timezone.get_current_timezone())


def act(plan, title, status, starts_on, due_on, *, completed_on=None, changed=None, **fields):
    partners = fields.pop("partners", ())
    objective = ObjectiveFactory(axis=AxisFactory(plan=plan))
    action = ActionFactory(
        objective=objective,
        title=title,
        status=status,
        starts_on=starts_on,
        due_on=due_on,
        completed_on=completed_on,
        **fields,
    )
    action.partners.set(partners)
    if changed:  # updated_at is automatic: set the day of the last change afterwards
        Action.objects.filter(pk=action.pk).update(updated_at=changed)
    return action


@pytest.fixture
def two_years(db):
    """Plans (Caf, period, status, in COOPération since):
    A  38 CTG   2023–2027  en cours    2023-03-01   counts in 2024 and 2025
    B  35 CTG   2024–2028  en cours    2025-07-10   counts in 2025 (a newcomer)
    C  38 SDSF  2021–2024  clôturé     2023-06-01   counts in 2024 only
    D  44 CTG   2025–2029  préparation 2025-02-01   never (still in preparation)
    E  29 CTG   2026–2030  en cours    2025-11-01   never in 2024–2025 (starts in 2026)
    F  13 CTG   2022–2026  en cours    2026-02-01   never in 2024–2025 (joined in 2026)

    Organisations: A signed by o1, o2; its actions piloted by o3, with partners o1, o4.
    B signed by o5, its action with partner o2. C signed by o6, its action with partner o7.
    D, E, F: o8, o9 only.  → 2024: o1–o4, o6, o7 = 6;  2025: o1–o5 = 5.

    Actions, and their status on 31/12/2024 | 31/12/2025:
    a1 done 2024-06-10 (due 2024-06-30)                  réalisée  | réalisée
    a2 done 2025-03-01 (due 2024-11-30)                  en retard | réalisée
    a3 in progress 2024-01 → 2025-06-30                  en cours  | en retard
    a4 to start 2026                                     à lancer  | à lancer
    a5 abandoned on 2025-05-01, 2024-03 → 2025-12-31     en cours  | abandonnée
    a6 in progress 2025-02 → 2026-06-30                  à lancer  | en cours
    a7 done 2026-01-15, 2025-01 → 2025-12-31             à lancer  | en cours (due on the 31st)
    a8 done 2025-12-31, 2025-01 → 2025-12-31             à lancer  | réalisée
    b1 in progress 2024-02 → 2025-03-31                      —     | en retard
    b2 abandoned on 2026-02-01, 2025-01 → 2026-12-31         —     | en cours
    c1 done 2024-12-20                                   réalisée  |     —
    c2 to start, due 2024-10-31                          en retard |     —
    """
    o = {i: OrganisationFactory(name=f"Organisation {i}") for i in range(1, 10)}
    a = PlanFactory(
        title="A",
        caf=caf("38"),
        starts_on=D(2023, 1, 1),
        ends_on=D(2027, 12, 31),
        pilot_since=D(2023, 3, 1),
    )
    b = PlanFactory(
        title="B",
        caf=caf("35"),
        starts_on=D(2024, 1, 1),
        ends_on=D(2028, 12, 31),
        pilot_since=D(2025, 7, 10),
    )
    c = PlanFactory(
        title="C",
        kind=Plan.Kind.SDSF,
        caf=caf("38"),
        starts_on=D(2021, 1, 1),
        ends_on=D(2024, 12, 31),
        status=Plan.Status.CLOSED,
        pilot_since=D(2023, 6, 1),
    )
    d = PlanFactory(
        title="D",
        caf=caf("44"),
        starts_on=D(2025, 1, 1),
        ends_on=D(2029, 12, 31),
        status=Plan.Status.PREPARING,
        pilot_since=D(2025, 2, 1),
    )
    e = PlanFactory(
        title="E",
        caf=caf("29"),
        starts_on=D(2026, 1, 1),
        ends_on=D(2030, 12, 31),
        pilot_since=D(2025, 11, 1),
    )
    f = PlanFactory(
        title="F",
        caf=caf("13"),
        starts_on=D(2022, 1, 1),
        ends_on=D(2026, 12, 31),
        pilot_since=D(2026, 2, 1),
    )
    a.signatories.set([o[1], o[2]])
    b.signatories.set([o[5]])
    c.signatories.set([o[6]])
    for plan in (d, e, f):
        plan.signatories.set([o[8]])

    done, live = Action.Status.DONE, Action.Status.IN_PROGRESS
    to_start, dropped = Action.Status.TO_START, Action.Status.ABANDONED
    act(
        a,
        "a1",
        done,
        D(2024, 1, 1),
        D(2024, 6, 30),
        completed_on=D(2024, 6, 10),
        pilot_organisation=o[3],
        partners=[o[1], o[4]],
    )
    act(a, "a2", done, D(2024, 1, 1), D(2024, 11, 30), completed_on=D(2025, 3, 1))
    act(a, "a3", live, D(2024, 1, 1), D(2025, 6, 30), pilot_organisation=o[3])
    act(a, "a4", to_start, D(2026, 1, 1), D(2026, 12, 31))
    act(a, "a5", dropped, D(2024, 3, 1), D(2025, 12, 31), changed=aware(2025, 5, 1, 10))
    act(a, "a6", live, D(2025, 2, 1), D(2026, 6, 30))
    act(a, "a7", done, D(2025, 1, 1), D(2025, 12, 31), completed_on=D(2026, 1, 15))
    act(a, "a8", done, D(2025, 1, 1), D(2025, 12, 31), completed_on=D(2025, 12, 31))
    act(b, "b1", live, D(2024, 2, 1), D(2025, 3, 31), partners=[o[2]])
    act(b, "b2", dropped, D(2025, 1, 1), D(2026, 12, 31), changed=aware(2026, 2, 1, 10))
    act(c, "c1", done, D(2024, 1, 1), D(2024, 12, 31), completed_on=D(2024, 12, 20))
    act(c, "c2", to_start, D(2024, 1, 1), D(2024, 10, 31), partners=[o[7]])
    for plan in (d, e, f):
        act(plan, f"{plan.title}1", live, D(2025, 1, 1), D(2025, 3, 31), pilot_organisation=o[9])
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f, "orgs": o}


def test_plans_and_cafs_per_year(two_years):
    def titles(year):
        return sorted(report.plans_of_year(year).values_list("title", flat=True))

    assert titles(2023) == ["A", "C"]
    assert titles(2024) == ["A", "C"]
    assert titles(2025) == ["A", "B"]
    assert titles(2022) == []
    assert (report.plans_count(2024), report.plans_count(2025)) == (2, 2)
    assert (report.cafs_count(2024), report.cafs_count(2025)) == (1, 2)
    cafs = {c.number: c for c in report.cafs_of_year(2025)}
    assert set(cafs) == {"35", "38"}
    assert cafs["38"].first_use == D(2023, 3, 1)
    assert cafs["38"].plans == 1
    assert cafs["35"].is_new_in(2025)
    assert not cafs["38"].is_new_in(2025)
    assert [c.plans for c in report.cafs_of_year(2024)] == [2]


def test_partners_per_year(two_years):
    assert report.partners_of_year(2024) == 6
    assert report.partners_of_year(2025) == 5
    assert report.partners_of_year(2023) == 6  # the same plans as in 2024


def test_actions_by_status_at_the_end_of_each_year(two_years):
    assert report.actions_by_status(2024) == {
        "a_lancer": 4,
        "en_cours": 2,
        "en_retard": 2,
        "realisee": 2,
        "abandonnee": 0,
    }
    assert report.actions_by_status(2025) == {
        "a_lancer": 1,
        "en_cours": 3,
        "en_retard": 2,
        "realisee": 3,
        "abandonnee": 1,
    }
    counts = report.action_counts(2025)
    assert counts.total == 10
    assert counts.completed_in_year == 2  # a2 and a8
    assert counts.by_region["Bretagne"] == {
        "a_lancer": 0,
        "en_cours": 1,
        "en_retard": 1,
        "realisee": 0,
        "abandonnee": 0,
    }
    assert report.action_counts(2024).completed_in_year == 2  # a1 and c1


def test_status_at_reads_the_history_from_the_dates(two_years):
    def status(day):
        return dict(
            Action.objects.filter(plan=two_years["A"])
            .annotate(s=report.status_at(day))
            .values_list("title", "s")
        )

    assert status(D(2024, 6, 9))["a1"] == "en_cours"
    assert status(D(2024, 6, 10))["a1"] == "realisee"
    assert status(D(2025, 4, 30))["a5"] == "en_cours"
    assert status(D(2025, 5, 1))["a5"] == "abandonnee"
    assert status(D(2025, 12, 31))["a7"] == "en_cours"
    assert status(D(2026, 1, 1))["a7"] == "en_retard"
    assert status(D(2026, 1, 15))["a7"] == "realisee"


def test_a_done_action_without_date_counts_from_its_last_change(two_years):
    action = act(two_years["A"], "sans date", Action.Status.DONE, D(2025, 1, 1), D(2025, 12, 31))
    Action.objects.filter(pk=action.pk).update(updated_at=aware(2025, 12, 31, 23, 30))
    assert report.actions_by_status(2025)["realisee"] == 4
    Action.objects.filter(pk=action.pk).update(updated_at=aware(2026, 1, 1, 0, 30))
    assert report.actions_by_status(2025)["realisee"] == 3


def test_later_changes_do_not_leak_into_earlier_years(two_years):
    def figures(year):
        return {f.key: f.value for f in report.cooperation_section(year).figures}

    before = {year: figures(year) for year in (2024, 2025)}
    by_title = {a.title: a for a in Action.objects.filter(plan=two_years["A"])}
    # In 2026: a6 is completed, a4 abandoned, a Caf joins with a plan running since 2025,
    # and an action of a plan that starts in 2026 is done.
    Action.objects.filter(pk=by_title["a6"].pk).update(
        status=Action.Status.DONE, completed_on=D(2026, 3, 1), updated_at=aware(2026, 3, 1, 9)
    )
    Action.objects.filter(pk=by_title["a4"].pk).update(
        status=Action.Status.ABANDONED, updated_at=aware(2026, 4, 1, 9)
    )
    newcomer = PlanFactory(caf=caf("59"), starts_on=D(2025, 1, 1), pilot_since=D(2026, 1, 5))
    newcomer.signatories.set([OrganisationFactory(name="Douaisis Agglo")])
    act(
        newcomer,
        "n1",
        Action.Status.DONE,
        D(2025, 1, 1),
        D(2025, 6, 30),
        completed_on=D(2025, 6, 1),
    )
    act(
        two_years["E"],
        "e2",
        Action.Status.DONE,
        D(2026, 1, 1),
        D(2026, 6, 30),
        completed_on=D(2026, 5, 1),
    )
    assert figures(2024) == before[2024]
    assert figures(2025) == before[2025]
    assert figures(2026)["cooperation_cafs"] == report.cafs_count(2026) == 5  # 38, 35, 29, 13, 59


def test_a_plan_without_pilot_since_counts_from_its_creation(two_years):
    plan = PlanFactory(caf=caf("59"), starts_on=D(2024, 1, 1), pilot_since=None)
    Plan.objects.filter(pk=plan.pk).update(created_at=aware(2025, 9, 1, 9))
    assert plan.pk in set(report.plans_of_year(2025).values_list("pk", flat=True))
    assert plan.pk not in set(report.plans_of_year(2024).values_list("pk", flat=True))
    assert report.cafs_count(2025) == 3


def test_section_figures_table_chart_and_highlights(two_years):
    section = report.cooperation_section(2025)
    assert section.title == "COOPération"
    assert section.part == "concevoir"
    assert {f.key: f.value for f in section.figures} == {
        "cooperation_cafs": 2,
        "cooperation_plans": 2,
        "cooperation_partners": 5,
        "cooperation_actions": 10,
        "cooperation_actions_a_lancer": 1,
        "cooperation_actions_en_cours": 3,
        "cooperation_actions_en_retard": 2,
        "cooperation_actions_realisee": 3,
        "cooperation_actions_abandonnee": 1,
    }
    labels = {f.key: f.label for f in section.figures}
    assert labels["cooperation_actions_en_retard"] == "actions en retard au 31 décembre 2025"
    assert section.tables[0]["rows"] == [
        ["Auvergne-Rhône-Alpes", "1", "0", "1", "Isère (38)"],
        ["Bretagne", "1", "1", "1", "Ille-et-Vilaine (35)"],
        ["Total", "2", "1", "2", ""],
    ]
    assert section.highlights == [
        "1 Caf utilise COOPération depuis 2023",
        "1 Caf a rejoint COOPération en 2025",
        "2 actions réalisées dans l'année ; 2 en retard au 31 décembre 2025",
    ]
    chart = section.charts[0]
    assert "<svg" in chart.svg
    assert chart.table.rows[1][0] == "Bretagne"
    assert chart.table.headers[1:-1] == [
        "À lancer",
        "En cours",
        "En retard",
        "Réalisée",
        "Abandonnée",
    ]

    earlier = report.cooperation_section(2024)
    assert {f.key: f.value for f in earlier.figures}["cooperation_actions_realisee"] == 2
    assert earlier.tables[0]["rows"][0] == ["Auvergne-Rhône-Alpes", "1", "0", "2", "Isère (38)"]
    assert earlier.highlights[0] == "1 Caf utilise COOPération depuis 2023"


def test_newcomers_month_highlighted_only_when_it_stands_out(db):
    for number, joined in (("01", D(2025, 7, 3)), ("26", D(2025, 7, 20)), ("69", D(2025, 3, 2))):
        PlanFactory(caf=caf(number), starts_on=D(2025, 1, 1), pilot_since=joined)
    assert "3 Caf ont rejoint COOPération en 2025, dont 2 en juillet" in (
        report.cooperation_section(2025).highlights
    )
    PlanFactory(caf=caf("07"), starts_on=D(2025, 1, 1), pilot_since=D(2025, 3, 9))
    assert "4 Caf ont rejoint COOPération en 2025" in report.cooperation_section(2025).highlights


def test_an_empty_year(db):
    section = report.cooperation_section(2019)
    assert all(f.value == 0 for f in section.figures)
    assert section.tables[0]["rows"] == []
    assert section.highlights == []


def test_section_queries_are_bounded(two_years, django_assert_max_num_queries):
    for year in (2024, 2025):
        for plan in ("A", "B"):
            for i in range(20):
                act(
                    two_years[plan],
                    f"en plus {i}",
                    Action.Status.IN_PROGRESS,
                    D(2024, 1, 1),
                    D(2026, 1, 1),
                    partners=[two_years["orgs"][i % 9 + 1]],
                )
        with django_assert_max_num_queries(4):
            report.cooperation_section(year)


def test_registered_with_the_report(two_years):
    provider = next(p for p in providers() if p.build is report.cooperation_section)
    assert (provider.order, provider.part) == (25, "concevoir")
    section = next(s for s in sections_for(2025) if s.title == "COOPération")
    assert {f.key: f.value for f in section.figures}["cooperation_cafs"] == 2
