"""The demo data of the projects' space: the figures of the 2025 report (8 projects carried, 19
accompanied, the FIPE's 26 projects in 12 / 7 / 5 / 2, the Défi's 13 teams and 5 winners, 64
creativity sessions, 10 trainings, 106 people trained), consistent histories, and a seeder that
is idempotent and deterministic and creates no account."""

import hashlib
from datetime import date
from itertools import pairwise

import pytest
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.test import override_settings

from caflab.demo import AGENT_EMAIL, REFERENT_EMAIL
from caflab.models import User
from caflab.seeding import SeedContext, seed_all
from projects import demo, report
from projects.models import (
    Application,
    Call,
    CreativitySession,
    Deliverable,
    Enrolment,
    Funding,
    Helper,
    JuryAssignment,
    Match,
    Need,
    Period,
    Programme,
    Project,
    ProjectMember,
    Replication,
    Score,
    SessionAttendance,
    StageChange,
    Trainee,
    Training,
    TrainingSession,
)
from projects.selectors import cohort_get, cohort_progress, ranking, year_figures

pytestmark = pytest.mark.django_db

SLUGS = demo.demo_slugs()
PROGRAMMES = [p[0] for p in demo.PROGRAMMES]
CALLS = [demo.DEFI_SLUG, demo.FOOD_CALL_SLUG]


def _seed(*apps: str) -> None:
    seed_all(SeedContext(log=lambda _message: None), only=set(apps))


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seeded once for the module, inside a transaction rolled back at its end; every test
    runs in a savepoint of it. The deliverables' files go to a temporary media folder."""
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=str(media)),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        _seed("caflab")
        users = User.objects.count()
        _seed("projects")
        connection.check_constraints()
        yield {"users_before": users}
        transaction.set_rollback(True)


def _projects(**filters):
    return Project.objects.filter(slug__in=SLUGS, **filters)


def _snapshot() -> dict:
    return {
        "programmes": Programme.objects.filter(slug__in=PROGRAMMES).count(),
        "projects": _projects().count(),
        "members": ProjectMember.objects.filter(project__slug__in=SLUGS).count(),
        "history": StageChange.objects.filter(project__slug__in=SLUGS).count(),
        "fundings": Funding.objects.filter(project__slug__in=SLUGS).count(),
        "applications": Application.objects.filter(call__slug__in=CALLS).count(),
        "scores": Score.objects.filter(assignment__application__call__slug__in=CALLS).count(),
        "attendance": SessionAttendance.objects.filter(project__slug__in=SLUGS).count(),
        "deliverables": Deliverable.objects.filter(project__slug__in=SLUGS).count(),
        "periods": Period.objects.filter(indicator__project__slug__in=SLUGS).count(),
        "replications": Replication.objects.filter(project__slug__in=SLUGS).count(),
        "needs": Need.objects.filter(project__slug__in=SLUGS).count(),
        "matches": Match.objects.filter(need__project__slug__in=SLUGS).count(),
        "helpers": Helper.objects.count(),
        "creativity": CreativitySession.objects.count(),
        "training_sessions": TrainingSession.objects.count(),
        "trainees": Trainee.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "users": User.objects.count(),
    }


def _checksum() -> str:
    """Everything but the primary keys and the moment of seeding."""
    querysets = [
        _projects()
        .values_list(
            "slug",
            "title",
            "kind",
            "theme",
            "stage",
            "stage_changed_on",
            "started_on",
            "ended_on",
            "programme__slug",
            "sponsor",
            "region__code",
            "cohort__slug",
            "application__team_name",
            "created_at",
            "updated_at",
        )
        .order_by("slug"),
        Project.cafs.through.objects.filter(project__slug__in=SLUGS)
        .values_list("project__slug", "caf__number")
        .order_by("project__slug", "caf__number"),
        ProjectMember.objects.filter(project__slug__in=SLUGS)
        .values_list("project__slug", "user__email", "role")
        .order_by("project__slug", "user__email"),
        StageChange.objects.filter(project__slug__in=SLUGS)
        .values_list("project__slug", "from_stage", "to_stage", "changed_on", "note", "by__email")
        .order_by("project__slug", "changed_on", "to_stage"),
        Funding.objects.filter(project__slug__in=SLUGS)
        .values_list("project__slug", "source", "funder", "amount", "year")
        .order_by("project__slug", "year", "source", "amount"),
        Score.objects.filter(assignment__application__call__slug__in=CALLS)
        .values_list(
            "assignment__application__team_name",
            "assignment__juror__email",
            "assignment__completed_at",
            "criterion__name",
            "value",
        )
        .order_by("assignment__application__team_name", "assignment__juror__email", "criterion"),
        Application.objects.filter(call__slug__in=CALLS)
        .values_list("team_name", "contact__email", "status", "submitted_at")
        .order_by("team_name"),
        SessionAttendance.objects.filter(project__slug__in=SLUGS)
        .values_list("project__slug", "session__starts_at", "present", "attendees")
        .order_by("project__slug", "session__starts_at"),
        Deliverable.objects.filter(project__slug__in=SLUGS)
        .values_list("project__slug", "module__title", "file", "status", "uploaded_by__email")
        .order_by("project__slug", "module__title"),
        Period.objects.filter(indicator__project__slug__in=SLUGS)
        .values_list("indicator__name", "starts_on", "value", "status", "submitted_by__email")
        .order_by("indicator__name", "starts_on"),
        Replication.objects.filter(project__slug__in=SLUGS)
        .values_list("project__slug", "caf__number", "status", "started_on")
        .order_by("project__slug", "caf__number"),
        CreativitySession.objects.values_list(
            "held_on",
            "caf__number",
            "topic",
            "method",
            "audience",
            "participants",
            "facilitator__email",
            "project__slug",
        ).order_by("held_on", "topic", "caf__number"),
        Enrolment.objects.values_list(
            "session__training__title", "session__starts_on", "trainee__email", "attended"
        ).order_by("session__starts_on", "trainee__email"),
        Trainee.objects.values_list(
            "first_name", "last_name", "email", "caf__number", "organisation", "job_title"
        ).order_by("email"),
    ]
    parts = [repr(row) for qs in querysets for row in qs]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _weekday(day: date) -> bool:
    return day.weekday() < 5


# The report's figures ----------------------------------------------------------------------------
def test_the_figures_of_2025():
    figures = year_figures(year=2025)
    assert figures.carried == 8
    assert figures.accompanied == 19
    assert [n for _label, n in figures.fipe_by_theme] == [12, 7, 5, 2]
    assert (figures.challenge_teams, figures.challenge_winners) == (13, 5)
    assert figures.creativity_sessions == 64
    assert figures.trainings == 10
    assert figures.people_trained == 106
    keys = report.key_figures(2025)
    assert {
        key: keys[key]
        for key in (
            "projects_carried",
            "projects_accompanied",
            "creativity_sessions",
            "trainings",
            "people_trained",
        )
    } == {
        "projects_carried": 8,
        "projects_accompanied": 19,
        "creativity_sessions": 64,
        "trainings": 10,
        "people_trained": 106,
    }
    assert keys["fipe_projects"] == 26
    assert keys["projects_incubated"] == 5


def test_other_years_have_their_own_figures():
    figures = year_figures(year=2024)
    assert figures.carried < 8
    assert figures.accompanied < 19
    assert figures.creativity_sessions == 10
    assert (figures.trainings, figures.people_trained) == (2, 22)
    assert year_figures(year=2026).creativity_sessions == 0


# Programmes and projects -------------------------------------------------------------------------
def test_the_three_programmes():
    programmes = {p.slug: p for p in Programme.objects.filter(slug__in=PROGRAMMES)}
    assert programmes["innovation-sociale-territoriale"].pilot == "Karine Richard"
    assert "fiche COG n°14" in programmes["innovation-sociale-territoriale"].summary
    assert programmes["ecologie-solidaire"].pilot == "Elia Kopecky"
    food = programmes["alimentation-solidaire-et-durable"]
    assert [(o.name, o.kind) for o in food.partners.all()] == [("Caisse centrale de la MSA", "msa")]
    assert not _projects(kind=Project.Kind.ACCOMPANIED, programme__isnull=False).exists()


def test_the_projects_carried_by_the_caflab():
    carried = _projects(kind=Project.Kind.CARRIED)
    assert carried.count() == 8
    titles = " ".join(carried.values_list("title", flat=True))
    for name in ("ÉchoSolidaires", "Caf'IA", "La Caf à votre écoute", "Eurekaf", "COOPération"):
        assert name in titles
    for project in carried.prefetch_related("memberships__user"):
        assert {m.role for m in project.memberships.all()} == {ProjectMember.Role.CAFLAB}
        assert all(m.user.role == User.Role.CAFLAB for m in project.memberships.all())
    echo = Project.objects.get(slug="echosolidaires")
    assert echo.programme.slug == "ecologie-solidaire"
    assert set(echo.replications.values_list("caf__number", flat=True)) == {"13", "26"}
    assert echo.kit.is_published


def test_the_projects_accompanied_for_the_cnaf_s_directions():
    accompanied = _projects(kind=Project.Kind.ACCOMPANIED)
    assert not accompanied.filter(sponsor="").exists()
    titles = " ".join(accompanied.values_list("title", flat=True)).lower()
    for words in ("doctrine logement", "animation de la vie sociale", "socle minimal", "aripa"):
        assert words in titles, words
    assert accompanied.filter(ended_on__year=2024).count() == 2
    # A closed accompaniment is « pérennisé » on its last day.
    for project in accompanied.filter(ended_on__isnull=False):
        assert project.stage == Project.Stage.SUSTAINED
        assert project.ended_on == project.stage_changed_on


def test_stage_histories_are_consistent_and_dated_on_working_days():
    for project in _projects().prefetch_related("stage_changes"):
        changes = sorted(project.stage_changes.all(), key=lambda c: (c.changed_on, c.pk))
        assert changes, project.slug
        assert changes[0].from_stage == ""
        assert changes[0].changed_on == project.started_on, project.slug
        for before, after in pairwise(changes):
            assert after.from_stage == before.to_stage, project.slug
            assert after.changed_on > before.changed_on, project.slug
        assert (changes[-1].to_stage, changes[-1].changed_on) == (
            project.stage,
            project.stage_changed_on,
        )
        assert all(_weekday(c.changed_on) for c in changes), project.slug
        assert changes[-1].changed_on <= date(2025, 12, 31)
    years = set(
        StageChange.objects.filter(project__slug__in=SLUGS, project__kind__in=["fipe", "defi"])
        .values_list("changed_on__year", flat=True)
        .distinct()
    )
    assert years == {2024, 2025}


def test_the_26_fipe_projects():
    fipe = _projects(kind=Project.Kind.FIPE)
    assert fipe.count() == 26
    themes = dict(fipe.values_list("theme").annotate(n=Count("id")).order_by())
    assert themes == {
        "solutions_accueil": 12,
        "information_familles": 7,
        "qualite_accueil": 5,
        "accueil_individuel": 2,
    }
    assert set(fipe.values_list("stage", flat=True)) == {
        "incubation",
        "experimentation",
        "essaimage",
    }
    assert fipe.values("cafs__region").distinct().count() >= 10
    assert not fipe.exclude(fundings__source=Funding.Source.FIPE).exists()
    for project in fipe.prefetch_related("cafs", "memberships__user"):
        carriers = [m.user for m in project.memberships.all() if m.role == "porteur"]
        assert len(carriers) == 1, project.slug
        assert carriers[0].caf in project.cafs.all()
    assert (
        Period.objects.filter(indicator__project__in=fipe, status=Period.Status.APPROVED).count()
        >= 8
    )
    assert fipe.filter(kit__is_published=True).count() == 3
    assert fipe.filter(change_steps__level="impact").distinct().count() == 5


def test_approved_periods_were_submitted_then_reviewed():
    periods = Period.objects.filter(indicator__project__slug__in=SLUGS)
    approved = periods.filter(status=Period.Status.APPROVED)
    assert not approved.filter(reviewed_by__isnull=True).exists()
    assert not approved.filter(reviewed_at__lt=F("submitted_at")).exists()
    assert not periods.filter(status=Period.Status.DRAFT, submitted_at__isnull=False).exists()
    # A value is measured while the project is under way.
    assert not periods.filter(starts_on__lt=F("indicator__project__started_on")).exists()


def test_replications_follow_the_essaimage():
    for replication in Replication.objects.filter(project__kind="fipe").select_related("project"):
        spreading = replication.project.stage_changes.get(to_stage="essaimage").changed_on
        assert replication.started_on >= spreading, replication


# The Défi petite enfance -------------------------------------------------------------------------
def test_the_defi_its_jury_and_its_five_winners():
    call = Call.objects.get(slug=demo.DEFI_SLUG)
    assert call.kind == Call.Kind.CHALLENGE
    assert (call.opens_on, call.status) == (date(2024, 11, 4), Call.Status.DECIDED)
    assert call.decided_on.year == 2025
    assert [o.kind for o in call.partners.all()] == ["france_travail"]
    criteria = list(call.criteria.values_list("name", flat=True))
    for name in ("Caractère innovant", "Impact envisagé sur les territoires"):
        assert name in criteria
    assert any("répliquabilité" in name for name in criteria)

    applications = call.applications.select_related("caf", "region")
    assert applications.count() == 13
    assert applications.values("region").distinct().count() == 13
    orne = applications.get(team_name="Itin'Enfance")
    assert (orne.caf.number, orne.status) == ("61", Application.Status.REJECTED)

    winners = applications.filter(status=Application.Status.SELECTED)
    assert winners.count() == 5
    assert {a.region.name for a in winners} == {
        "Bretagne",
        "Auvergne-Rhône-Alpes",
        "Grand Est",
        "Centre-Val de Loire",
        "Île-de-France",
    }
    projects = Project.objects.filter(application__in=winners)
    assert projects.count() == 5
    assert set(projects.values_list("kind", flat=True)) == {Project.Kind.CHALLENGE}
    assert "Campus Cocoon'Age" in set(projects.values_list("title", flat=True))
    cocoon = projects.get(region__code="84")
    assert cocoon.memberships.filter(user__email=AGENT_EMAIL, role="porteur").exists()
    bretagne = projects.get(region__code="53")
    assert bretagne.memberships.filter(user__email=REFERENT_EMAIL, role="membre").exists()

    ranked = ranking(call=call)
    assert {r.application.pk for r in ranked if r.rank <= 5} == set(
        winners.values_list("pk", flat=True)
    )
    assert all(r.jurors == 3 for r in ranked)
    assignments = JuryAssignment.objects.filter(application__call=call)
    assert not assignments.filter(juror=F("application__contact")).exists()
    assert Score.objects.filter(assignment__in=assignments).count() == 13 * 3 * len(criteria)


def test_the_incubation_cohort():
    cohort = cohort_get(slug=demo.COHORT_SLUG)
    assert cohort.call.slug == demo.DEFI_SLUG
    assert [m.kind for m in cohort.modules.all()] == [
        "preparation",
        "modele_economique",
        "financements",
        "evaluation_impact",
    ]
    assert cohort.projects.count() == 5
    sessions = [s for m in cohort.modules.all() for s in m.sessions.all()]
    assert len(sessions) == 5  # two days of preparation, then one session per module
    assert all(s.starts_at.year == 2025 and _weekday(s.starts_at.date()) for s in sessions)
    assert SessionAttendance.objects.filter(session__module__cohort=cohort).count() == 25
    progress = sorted(t.percent for t in cohort_progress(cohort=cohort))
    assert progress == [50, 50, 100, 100, 100]
    for deliverable in Deliverable.objects.filter(module__cohort=cohort):
        assert default_storage.exists(deliverable.file.name)
        assert deliverable.size == default_storage.size(deliverable.file.name)


def test_needs_are_put_in_touch_with_helpers():
    assert {"France Active", "Avise", "Improve"} <= set(
        Helper.objects.values_list("organisation__name", flat=True)
    )
    needs = Need.objects.filter(project__slug__in=SLUGS)
    assert needs.filter(project__kind="defi").values("project").distinct().count() == 5
    for need in needs.filter(status=Need.Status.MATCHED):
        assert need.matches.filter(status=Match.Status.AGREED).exists()
    assert needs.filter(status=Need.Status.OPEN, matches__isnull=True).exists()
    for match in Match.objects.filter(need__in=needs).select_related("need", "helper"):
        assert match.need.kind in match.helper.kinds


# Alimentation solidaire et durable ---------------------------------------------------------------
def test_twelve_food_territories_with_fourteen_cafs():
    food = _projects(programme__slug="alimentation-solidaire-et-durable", kind="experimentation")
    assert food.count() == 12
    cafs = set(food.values_list("cafs__number", flat=True))
    assert cafs == {
        "21", "87", "04", "05", "84", "77", "18", "32", "09", "89", "03", "38", "34", "974",
    }  # fmt: skip
    assert set(food.values_list("stage", flat=True)) == {Project.Stage.SELECTION}
    assert set(food.values_list("stage_changed_on__year", flat=True)) == {2025}
    for project in food.prefetch_related("partners"):
        kinds = {o.kind for o in project.partners.all()}
        assert "msa" in kinds, project.slug
        assert "Caisse centrale de la MSA" in {o.name for o in project.partners.all()}
    call = Call.objects.get(slug=demo.FOOD_CALL_SLUG)
    assert call.kind == Call.Kind.CALL  # not a défi: it does not count in the Défi's figures
    assert call.applications.filter(status="laureate").count() == 12


# Creativity sessions and trainings ---------------------------------------------------------------
def test_creativity_sessions_of_the_report():
    sessions = CreativitySession.objects.filter(held_on__year=2025)
    assert sessions.count() == 64
    avs = sessions.filter(project__slug="doctrine-animation-de-la-vie-sociale")
    assert avs.count() == 8
    assert avs.aggregate(n=Sum("participants"))["n"] == 71
    assert avs.values("caf").distinct().count() == 4
    aidance = sessions.filter(project__slug="tous-aidants")
    assert aidance.count() == 7
    assert aidance.aggregate(n=Sum("participants"))["n"] == 63
    assert aidance.filter(caf__isnull=True).count() == 1  # the one at the Cnaf
    hackathon = sessions.get(method=CreativitySession.Method.HACKATHON)
    assert hackathon.caf.city == "Rouen"
    assert "Itin'Enfance" in hackathon.outcome
    assert sessions.filter(method=CreativitySession.Method.LEGO).exists()
    assert set(sessions.values_list("held_on__month", flat=True)) == set(range(1, 13))
    assert sessions.values("caf").distinct().count() >= 25
    assert all(_weekday(day) for day in sessions.values_list("held_on", flat=True))
    assert not sessions.filter(facilitator__isnull=True).exists()


def test_trainings_and_the_106_people_trained():
    assert set(Training.objects.values_list("kind", flat=True)) == {
        "design_thinking",
        "maitrise_usage",
        "leadership",
        "evaluation_impact",
    }
    sessions = TrainingSession.objects.filter(starts_on__year=2025)
    assert sessions.count() == 10
    assert set(sessions.values_list("training__kind", flat=True)) == {
        "design_thinking",
        "maitrise_usage",
        "leadership",
        "evaluation_impact",
    }
    attended = Enrolment.objects.filter(session__in=sessions, attended=True)
    assert attended.count() > 106  # some people followed two sessions
    twice = attended.values("trainee").annotate(n=Count("session")).filter(n__gte=2).order_by()
    assert twice.count() == attended.count() - 106
    assert Enrolment.objects.filter(session__in=sessions, attended=False).count() == 3
    assert sessions.filter(place__contains="CapDir").exists()
    assert sessions.filter(place__contains="Leadders+").exists()
    julien = Trainee.objects.get(email=AGENT_EMAIL)
    assert julien.user.email == AGENT_EMAIL
    assert julien.enrolments.filter(session__caf__number="38").exists()
    names = Trainee.objects.values_list("first_name", "last_name")
    assert len(set(names)) == len(names)


# The seeder itself -------------------------------------------------------------------------------
def test_no_account_is_created(seeded):
    assert User.objects.count() == seeded["users_before"]


def test_a_second_run_changes_nothing():
    before, checksum = _snapshot(), _checksum()
    _seed("projects")
    assert _snapshot() == before
    assert _checksum() == checksum


def test_reseeding_gives_the_same_data():
    before, checksum = _snapshot(), _checksum()
    Project.objects.filter(slug__in=SLUGS).delete()
    Call.objects.filter(slug__in=CALLS).delete()  # and its cohort's call link, applications…
    from projects.models import Cohort

    Cohort.objects.filter(slug=demo.COHORT_SLUG).delete()
    Programme.objects.filter(slug__in=PROGRAMMES).delete()
    CreativitySession.objects.all().delete()
    TrainingSession.objects.all().delete()
    Trainee.objects.all().delete()
    Training.objects.all().delete()
    Helper.objects.all().delete()
    assert _snapshot()["projects"] == 0
    _seed("projects")
    assert _snapshot() == before
    assert _checksum() == checksum


def test_seed_logs_a_summary():
    lines = []
    demo.seed(SeedContext(log=lines.append))
    assert lines == [
        "  8 projets portés, 19 accompagnés, 26 projets FIPE, défi : 13 équipes et 5 lauréats, "
        "64 séances de créativité, 10 sessions de formation et 106 personnes formées en 2025"
    ]
