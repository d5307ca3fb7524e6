"""The projects' section of the annual report, year by year, counted by hand."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from projects import report
from projects.models import (
    Application,
    Call,
    Criterion,
    Deliverable,
    Enrolment,
    JuryAssignment,
    Module,
    Project,
    Replication,
    Score,
    SessionAttendance,
    StageChange,
    Theme,
    Training,
)
from reporting.sections import sections_for
from tests.caflab.factories import AgentFactory, caf, region
from tests.projects.factories import (
    ApplicationFactory,
    CallFactory,
    CohortFactory,
    CreativitySessionFactory,
    ProjectFactory,
    TraineeFactory,
    TrainingFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
K, S = Project.Kind, Project.Stage


def project(slug, kind, started_on, *, stage=S.EXPERIMENT, ended_on=None, **fields):
    """A project whose history has one move, to its stage, on the day it started."""
    return ProjectFactory(
        slug=slug,
        title=fields.pop("title", slug.upper()),
        kind=kind,
        stage=stage,
        started_on=started_on,
        stage_changed_on=ended_on or started_on,
        ended_on=ended_on,
        **fields,
    )


def enrol(session, trainee, attended=True):
    return Enrolment.objects.create(session=session, trainee=trainee, attended=attended)


@pytest.fixture
def two_years(db):
    """2024 and 2025, by hand.

    Carried: A (2024 → today, idéation then expérimentation on 3 Feb 2025), B (2025), C (ended
    1 Oct 2024), D (starts 2026). Accompanied: E (Jan–Jun 2025), F (2023 → 31 Dec 2024).
    FIPE (2024 → today): three « solutions d'accueil », one « qualité d'accueil ».
    One territorial experiment (2025). The Défi: opened Nov 2024, decided 13 March 2025, three
    teams (W1 and W2 win, L loses), the winners' projects in a 2025 cohort where W1 completed
    the track and W2 nothing. Creativity: three sessions in 2025 (30 people), one on 31 Dec
    2024, one on 1 Jan 2026. Trainings: two sessions in 2025 (P1 in both, P2 in the first, P3
    enrolled but absent), one in 2024 (P4), one in 2026 (P5). Essaimage: A in the Drôme (2025),
    FIPE 1 in the Aveyron (2024).
    """
    a = project("a", K.CARRIED, date(2024, 3, 1), stage=S.EXPERIMENT, title="Projet A")
    StageChange.objects.filter(project=a).update(changed_on=date(2025, 2, 3), from_stage="ideation")
    StageChange.objects.create(project=a, to_stage=S.IDEATION, changed_on=date(2024, 3, 1))
    Project.objects.filter(pk=a.pk).update(stage_changed_on=date(2025, 2, 3))
    project("b", K.CARRIED, date(2025, 5, 5), stage=S.IDEATION, title="Projet B")
    project("c", K.CARRIED, date(2023, 6, 1), stage=S.SUSTAINED, ended_on=date(2024, 10, 1))
    project("d", K.CARRIED, date(2026, 1, 12), stage=S.IDEATION)
    project(
        "e",
        K.ACCOMPANIED,
        date(2025, 1, 6),
        stage=S.SUSTAINED,
        ended_on=date(2025, 6, 30),
        sponsor="Direction du réseau (DR)",
        title="Projet E",
    )
    project("f", K.ACCOMPANIED, date(2023, 1, 2), stage=S.SUSTAINED, ended_on=date(2024, 12, 31))
    fipe = [
        project(f"fipe-{n}", K.FIPE, date(2024, 2, 5), theme=Theme.CARE_SOLUTIONS)
        for n in range(1, 4)
    ]
    project("fipe-4", K.FIPE, date(2024, 2, 5), theme=Theme.CARE_QUALITY, cafs=[caf("21")])
    project("xp", K.EXPERIMENT, date(2025, 7, 8), stage=S.SELECTION)

    call = CallFactory(
        title="Défi petite enfance",
        opens_on=date(2024, 11, 4),
        closes_on=date(2025, 1, 31),
        status=Call.Status.DECIDED,
        decided_on=date(2025, 3, 13),
    )
    teams = {
        name: ApplicationFactory(
            call=call,
            team_name=f"Équipe {name}",
            title=f"Candidature {name}",
            region=region(code),
            caf=caf(number),
            status=status,
        )
        for name, code, number, status in (
            ("W1", "53", "35", Application.Status.SELECTED),
            ("W2", "84", "38", Application.Status.SELECTED),
            ("L", "28", "61", Application.Status.REJECTED),
        )
    }
    criteria = list(Criterion.objects.filter(call=call))
    for name, value in (("W1", 5), ("W2", 4), ("L", 2)):
        assignment = JuryAssignment.objects.create(
            application=teams[name],
            juror=AgentFactory(),
            completed_at=datetime(2025, 2, 20, 15, tzinfo=PARIS),
        )
        Score.objects.bulk_create(
            Score(assignment=assignment, criterion=c, value=value) for c in criteria
        )
    cohort = CohortFactory(starts_on=date(2025, 4, 7), ends_on=date(2025, 12, 12))
    winners = [
        project(
            f"defi-{name.lower()}",
            K.CHALLENGE,
            date(2025, 3, 13),
            stage=S.INCUBATION,
            title=f"Projet {name}",
            application=teams[name],
            cohort=cohort,
        )
        for name in ("W1", "W2")
    ]
    for module in Module.objects.filter(cohort=cohort).prefetch_related("sessions"):
        for session in module.sessions.all():
            SessionAttendance.objects.create(session=session, project=winners[0], attendees=2)
        if module.deliverable:
            Deliverable.objects.create(
                module=module,
                project=winners[0],
                file="projets/livrables/canevas.pdf",
                name="canevas.pdf",
                size=1000,
                content_type="application/pdf",
                status=Deliverable.Status.ACCEPTED,
                # Handed in during the year: the progress at 31 December counts it.
                created_at=datetime(2025, 6, 2, 10, 0, tzinfo=ZoneInfo("Europe/Paris")),
            )

    for day, audience, n in (
        (date(2025, 1, 15), "agents", 10),
        (date(2025, 3, 3), "habitants", 12),
        (date(2025, 3, 20), "mixte", 8),
        (date(2024, 12, 31), "agents", 5),
        (date(2026, 1, 1), "agents", 7),
    ):
        CreativitySessionFactory(held_on=day, audience=audience, participants=n)

    design = TrainingFactory()
    usage = TrainingFactory(title="Maîtrise d'usage", kind=Training.Kind.USAGE)
    p1, p2, p3, p4, p5 = TraineeFactory.create_batch(5)
    s1 = TrainingSessionFactory(training=design, starts_on=date(2025, 4, 8))
    enrol(s1, p1)
    enrol(s1, p2)
    s2 = TrainingSessionFactory(
        training=usage, starts_on=date(2025, 10, 9), ends_on=date(2025, 10, 9)
    )
    enrol(s2, p1)
    enrol(s2, p3, attended=False)
    for day, trainee in ((date(2024, 11, 21), p4), (date(2026, 1, 15), p5)):
        enrol(TrainingSessionFactory(training=design, starts_on=day, ends_on=day), trainee)

    Replication.objects.create(project=a, caf=caf("26"), started_on=date(2025, 10, 6))
    Replication.objects.create(project=fipe[0], caf=caf("12"), started_on=date(2024, 10, 7))
    return {"a": a, "call": call, "cohort": cohort, "winners": winners}


EXPECTED_2025 = {
    "projects_carried": 2,
    "projects_accompanied": 1,
    "fipe_projects": 4,
    "challenge_teams": 3,
    "challenge_winners": 2,
    "experimentations": 1,
    "projects_incubated": 2,
    "incubation_progress": 50,
    "replications": 1,
    "creativity_sessions": 3,
    "creativity_participants": 30,
    "trainings": 2,
    "people_trained": 2,
}


def test_figures_of_2025_by_hand(two_years):
    assert report.key_figures(2025) == EXPECTED_2025


def test_other_years_keep_their_own(two_years):
    figures = report.key_figures(2024)
    assert (figures["projects_carried"], figures["projects_accompanied"]) == (2, 1)  # A, C; F
    assert figures["fipe_projects"] == 4
    assert (figures["creativity_sessions"], figures["creativity_participants"]) == (1, 5)
    assert (figures["trainings"], figures["people_trained"]) == (1, 1)
    assert (figures["replications"], figures["projects_incubated"]) == (1, 0)
    later = report.key_figures(2026)
    assert (later["projects_carried"], later["projects_accompanied"]) == (3, 0)  # A, B, D
    assert (later["challenge_teams"], later["challenge_winners"]) == (0, 0)
    assert (later["creativity_sessions"], later["trainings"], later["people_trained"]) == (1, 1, 1)


def test_a_person_trained_twice_counts_once(two_years):
    rows = {row.title: row for row in report.training_rows(2025)}
    assert (rows["Design thinking"].sessions, rows["Design thinking"].people) == (1, 2)
    assert (rows["Maîtrise d'usage"].sessions, rows["Maîtrise d'usage"].people) == (1, 1)
    assert report.key_figures(2025)["people_trained"] == 2  # not 3


def test_the_stage_is_the_one_reached_by_the_end_of_the_year(two_years):
    def stage_of(year, slug):
        rows = report.portfolio_rows(year)[Project.Kind.CARRIED]
        return next(row.stage for row in rows if row.project.slug == slug)

    assert stage_of(2024, "a") == "Idéation"
    assert stage_of(2025, "a") == "Expérimentation"


def test_creativity_sessions_per_month(two_years):
    per_month = report.creativity_by_month(2025)
    assert per_month["agents"] == [1] + [0] * 11
    assert per_month["habitants"][2] == 1
    assert per_month["mixte"][2] == 1
    assert sum(map(sum, per_month.values())) == 3


def test_the_challenge_s_ranking_and_winners(two_years):
    (challenge,) = report.challenges_of_year(2025)
    assert [r.application.team_name for r in challenge.ranked] == [
        "Équipe W1",
        "Équipe W2",
        "Équipe L",
    ]
    assert [challenge.projects[r.application.pk].title for r in challenge.winners] == [
        "Projet W1",
        "Projet W2",
    ]
    assert report.challenges_of_year(2026) == []


def test_section_for_the_report(two_years):
    section = report.projects_section(2025)
    assert section.title == "Programmes et projets"
    assert section.part == "concevoir"
    figures = {figure.key: figure.value for figure in section.figures}
    assert figures == EXPECTED_2025
    units = {figure.key: figure.unit for figure in section.figures}
    assert units["incubation_progress"] == "%"
    labels = {figure.key: figure.label for figure in section.figures}
    assert labels["projects_carried"] == "projets portés par le CafLab"
    assert labels["people_trained"].startswith("personnes formées")

    tables = {table["caption"]: table for table in section.tables}
    portfolio = tables["Projets portés et accompagnés par le CafLab en 2025"]["rows"]
    assert [[row[0], row[1], row[3]] for row in portfolio] == [
        ["Projet A", "Porté", "Expérimentation"],
        ["Projet B", "Porté", "Idéation"],
        ["Projet E", "Accompagné", "Pérennisé"],
    ]
    assert portfolio[0][2].startswith("Innovation sociale territoriale")  # its programme
    assert portfolio[2][2] == "Direction du réseau (DR)"  # its sponsor
    fipe = tables["Projets du FIPE accompagnés en 2025"]["rows"]
    assert [row[2] for row in fipe] == ["Diversification des solutions d'accueil"] * 3 + [
        "Qualité d'accueil"
    ]
    assert fipe[3][1] == "Caf de la Côte-d'Or"
    jury = tables["Défi petite enfance : les équipes et la décision du jury"]["rows"]
    assert jury[0] == [
        "1",
        "Équipe W1",
        "Bretagne",
        "Caf d'Ille-et-Vilaine",
        "Projet W1",
        "100,0",
        "Lauréate",
    ]
    assert jury[2][4:] == ["Candidature L", "40,0", "Non retenue"]
    incubation = tables["Avancement des projets incubés en 2025"]["rows"]
    assert [row[1:] for row in incubation] == [
        ["Projet W1", "4 / 4", "100 %"],
        ["Projet W2", "0 / 4", "0 %"],
    ]
    assert tables["Essaimages engagés en 2025"]["rows"] == [
        ["Projet A", "Caf de la Drôme", "Intéressée", "6 octobre 2025"]
    ]
    assert tables["Formations dispensées en 2025"]["rows"] == [
        ["Design thinking", "1", "2"],
        ["Maîtrise d'usage", "1", "1"],
        ["Total", "2", "2"],
    ]

    assert len(section.charts) == 3
    assert all("<svg" in chart.svg for chart in section.charts)
    fipe_chart = section.charts[0]
    assert fipe_chart.table.rows[0] == ["Diversification des solutions d'accueil", "3"]
    months = section.charts[1].table.rows
    assert months[0][0] == "janv."
    assert months[0][-1] == "1"
    assert months[2][-1] == "2"  # March: one session with inhabitants, one mixed

    assert (
        "Défi petite enfance : 3 équipes candidates, 2 lauréats désignés le 13 mars 2025 — "
        "Projet W1, Projet W2." in section.highlights
    )
    assert "« Projet A » essaimé dans une Caf : Caf de la Drôme." in section.highlights


def test_a_call_for_projects_decided_in_the_year(two_years):
    call = CallFactory(
        title="Appel à projets « Alimentation solidaire et durable »",
        kind=Call.Kind.CALL,
        opens_on=date(2025, 3, 3),
        closes_on=date(2025, 5, 30),
        status=Call.Status.DECIDED,
        decided_on=date(2025, 7, 8),
    )
    ApplicationFactory.create_batch(2, call=call, status=Application.Status.SELECTED)
    ApplicationFactory(call=call, status=Application.Status.REJECTED)
    section = report.projects_section(2025)
    assert (
        "Appel à projets « Alimentation solidaire et durable » : 2 projets retenus sur 3 "
        "candidatures." in section.highlights
    )
    # A call for projects is not a challenge.
    assert {f.key: f.value for f in section.figures}["challenge_teams"] == 3


def test_an_empty_year(db):
    section = report.projects_section(2019)
    assert {figure.value for figure in section.figures} == {0}
    assert all(table["rows"] == [] for table in section.tables)
    assert section.highlights == []
    assert all("<svg" in chart.svg for chart in section.charts)


def test_registered_with_the_report():
    sections = [s for s in sections_for(2025) if s.title == "Programmes et projets"]
    assert len(sections) == 1
    assert sections[0].part == "concevoir"


@pytest.mark.parametrize("n", [1, 8])
def test_section_queries_are_bounded(two_years, n, django_assert_num_queries):
    design = Training.objects.get(title="Design thinking")
    for index in range(n):
        day = date(2025, 4, 1) + timedelta(days=index)
        project(f"more-{index}", K.CARRIED, day)
        project(f"fipe-more-{index}", K.FIPE, day, cafs=[caf("38"), caf("69")])
        CreativitySessionFactory(held_on=day)
        session = TrainingSessionFactory(training=design, starts_on=day, ends_on=day)
        enrol(session, TraineeFactory())
        Replication.objects.create(project=two_years["a"], caf=caf(f"{10 + index}"), started_on=day)
    # year_figures: kinds, FIPE themes, teams, winners, stages, creativity, cohorts + their
    # modules and projects, attendance and deliverables of the cohort, funding, training
    # sessions, people trained, replications (15); portfolio, its Cafs and stages (3); the
    # challenges, their projects, and per challenge its grid, scores, jurors and applications
    # (6); the cohorts again with their modules, projects, attendance and deliverables (5);
    # replications, trainings (2), creativity per month, calls decided (5).
    with django_assert_num_queries(34):
        report.projects_section(2025)
