"""The demo data of the living labs: the 7 labs of the 2025 report (4 of them created in 2025),
consistent members, workshops and contributions, and a seeder that is idempotent and
deterministic."""

import hashlib
from datetime import date, datetime

import pytest
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from caflab.demo import AGENT_EMAIL
from caflab.seeding import SeedContext, seed_all
from livinglabs import demo, report
from livinglabs.models import Contribution, Invitation, Lab, Member, Solicitation, Workshop

pytestmark = pytest.mark.django_db

SLUGS = [spec.slug for spec in demo.LABS]
TITLES = [spec.title for spec in demo.SOLICITATIONS]


def _seed() -> None:
    seed_all(SeedContext(log=lambda _message: None), only={"caflab", "livinglabs"})


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module, inside a transaction rolled back at its end; every test
    runs in a savepoint of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        _seed()
        connection.check_constraints()
        yield
        transaction.set_rollback(True)


def _lab(slug: str) -> Lab:
    return Lab.objects.get(slug=slug)


def _snapshot() -> dict:
    labs = Lab.objects.filter(slug__in=SLUGS)
    return {
        "labs": labs.count(),
        "facilitators": Lab.facilitators.through.objects.filter(lab__in=labs).count(),
        "members": Member.objects.filter(lab__in=labs).count(),
        "flagged": Member.objects.filter(lab__in=labs, flagged_inactive_on__isnull=False).count(),
        "workshops": Workshop.objects.filter(lab__in=labs).count(),
        "invitations": Invitation.objects.filter(workshop__lab__in=labs).count(),
        "contributions": Contribution.objects.filter(workshop__lab__in=labs).count(),
        "solicitations": Solicitation.objects.filter(title__in=TITLES).count(),
        "solicited": Solicitation.labs.through.objects.filter(lab__in=labs).count(),
    }


def _checksum() -> str:
    """Everything but the primary keys (and the pseudonym an anonymisation derives from one)."""
    members = (
        Member.objects.filter(lab__slug__in=SLUGS, anonymised_at__isnull=True)
        .values_list(
            "lab__slug",
            "pseudonym",
            "first_name",
            "last_name",
            "email",
            "phone",
            "profile",
            "consent_at",
            "consent_version",
            "joined_on",
            "left_on",
            "last_seen_on",
            "flagged_inactive_on",
        )
        .order_by("lab__slug", "pseudonym")
    )
    workshops = (
        Workshop.objects.filter(lab__slug__in=SLUGS)
        .values_list("lab__slug", "topic", "starts_at", "ends_at", "mode", "place", "minutes")
        .order_by("lab__slug", "starts_at")
    )
    invitations = (
        Invitation.objects.filter(workshop__lab__slug__in=SLUGS)
        .values_list("workshop__lab__slug", "workshop__starts_at", "member__joined_on", "attended")
        .annotate(n=Count("id"))
        .order_by("workshop__lab__slug", "workshop__starts_at", "member__joined_on", "attended")
    )
    contributions = (
        Contribution.objects.filter(workshop__lab__slug__in=SLUGS)
        .values_list(
            "workshop__lab__slug", "workshop__starts_at", "kind", "text", "status", "status_reason"
        )
        .order_by("workshop__lab__slug", "workshop__starts_at", "text")
    )
    parts = [repr(row) for rows in (members, workshops, invitations, contributions) for row in rows]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# The report's figures ----------------------------------------------------------------------------
def test_seven_labs_in_2025_four_of_them_new():
    assert Lab.objects.filter(slug__in=SLUGS).count() == 7
    figures = report.year_figures(2025)
    assert figures["living_labs"] == 7
    assert figures["living_labs_new"] == 4
    created_2025 = set(
        Lab.objects.filter(created_on__year=2025).values_list("caf__number", "theme")
    )
    assert created_2025 == {
        ("01", Lab.Theme.RIGHTS),
        ("26", Lab.Theme.YOUTH),
        ("31", Lab.Theme.SEPARATION),
        ("06", Lab.Theme.SEPARATION),
    }
    oldest = Lab.objects.filter(slug__in=SLUGS).order_by("created_on").first()
    assert oldest.name == "Lab parentalité"
    assert oldest.caf.number == "38"
    assert report.year_figures(2024)["living_labs"] == 3


def test_the_labs_of_the_report():
    themes = dict(Lab.objects.filter(slug__in=SLUGS).values_list("caf__number", "theme"))
    assert themes == {
        "01": Lab.Theme.RIGHTS,
        "06": Lab.Theme.SEPARATION,
        "26": Lab.Theme.YOUTH,
        "29": Lab.Theme.RIGHTS,
        "31": Lab.Theme.SEPARATION,
        "38": Lab.Theme.PARENTING,
        "87": Lab.Theme.DISABILITY,
    }
    finistere = _lab("living-lab-acces-aux-droits-finistere")
    assert (finistere.venue, finistere.city) == ("Maison Solidaire de Kermarron", "Douarnenez")
    assert _lab("living-lab-handicap-haute-vienne").city == "Limoges"
    assert _lab("living-lab-parents-separes-haute-garonne").city == "Toulouse"
    assert _lab("living-lab-parents-separes-alpes-maritimes").city == "Nice"


def test_facilitators_are_agents_of_their_caf():
    for lab in Lab.objects.filter(slug__in=SLUGS).prefetch_related("facilitators"):
        facilitators = list(lab.facilitators.all())
        assert len(facilitators) == 2, lab.slug
        assert all(f.role == "agent" and f.caf_id == lab.caf_id for f in facilitators), lab.slug
    assert _lab("lab-parentalite-isere").facilitators.filter(email=AGENT_EMAIL).exists()
    # Every workshop is facilitated by its lab's facilitators.
    for workshop in Workshop.objects.filter(lab__slug__in=SLUGS).prefetch_related(
        "facilitators", "lab__facilitators"
    ):
        assert set(workshop.facilitators.all()) == set(workshop.lab.facilitators.all())


# Members -----------------------------------------------------------------------------------------
def test_members_consented_and_some_left_or_sleep():
    for lab in Lab.objects.filter(slug__in=SLUGS):
        members = lab.members.all()
        assert 10 <= members.count() <= 20, lab.slug
        assert not members.filter(consent_version="").exists()
        assert not members.filter(joined_on__lt=lab.created_on).exists()
        pseudonyms = list(members.values_list("pseudonym", flat=True))
        assert len(set(pseudonyms)) == len(pseudonyms)
    members = Member.objects.filter(lab__slug__in=SLUGS)
    assert members.filter(consent_version="v2024-03").count() > 0.8 * members.count()
    assert members.filter(left_on__isnull=False).count() >= 7
    isere = _lab("lab-parentalite-isere").members
    assert 2 <= isere.filter(flagged_inactive_on__isnull=False, left_on__isnull=True).count() <= 5
    forgotten = isere.get(anonymised_at__isnull=False)
    assert forgotten.pseudonym == f"Membre anonymisé n°{forgotten.pk}"
    assert (forgotten.first_name, forgotten.email, forgotten.phone) == ("", "", "")
    assert forgotten.invitations.filter(attended=True).exists()  # its statistics remain
    profiles = set(
        _lab("living-lab-parents-separes-haute-garonne").members.values_list("profile", flat=True)
    )
    assert {"parent_separe", "agent"} <= profiles


def test_last_participation_matches_attendance():
    latest = dict(
        Invitation.objects.filter(workshop__lab__slug__in=SLUGS, attended=True)
        .values_list("member")
        .annotate(day=Max("workshop__starts_at"))
        .order_by()
    )
    for member in Member.objects.filter(lab__slug__in=SLUGS):
        expected = timezone.localdate(latest[member.pk]) if member.pk in latest else None
        assert member.last_seen_on == expected, member.pseudonym


def test_nobody_is_invited_before_joining_or_after_leaving():
    invitations = Invitation.objects.filter(workshop__lab__slug__in=SLUGS)
    assert not invitations.filter(workshop__starts_at__date__lt=F("member__joined_on")).exists()
    assert not invitations.filter(workshop__starts_at__date__gte=F("member__left_on")).exists()
    assert not invitations.exclude(member__lab=F("workshop__lab")).exists()


# Workshops and contributions ---------------------------------------------------------------------
def test_monthly_workshops_in_2025_and_upcoming_ones():
    now = timezone.now()
    for lab in Lab.objects.filter(slug__in=SLUGS):
        in_2025 = lab.workshops.filter(starts_at__year=2025)
        months = {w.starts_at.astimezone(demo.PARIS).month for w in in_2025}
        first = lab.workshops.order_by("starts_at").first().starts_at
        if lab.created_on.year == 2025:
            assert 0 < (timezone.localdate(first) - lab.created_on).days <= 45, lab.slug
        start = first.astimezone(demo.PARIS).month if first.year == 2025 else 1
        assert months == set(range(start, 13)) - {8}, lab.slug
        assert lab.workshops.filter(starts_at__gt=now).count() >= 2, lab.slug
    assert _lab("lab-parentalite-isere").workshops.filter(starts_at__year=2024).count() >= 6
    assert _lab("living-lab-jeunesse-drome").workshops.filter(starts_at__year=2024).count() == 0


def test_held_workshops_have_attendance_minutes_and_contributions():
    now = timezone.now()
    held = Workshop.objects.filter(lab__slug__in=SLUGS, starts_at__lte=now)
    assert not held.filter(minutes="").exists()
    assert not Invitation.objects.filter(workshop__in=held, attended__isnull=True).exists()
    rates = held.annotate(
        invited=Count("invitations"),
        present=Count("invitations", filter=Q(invitations__attended=True)),
    )
    for workshop in rates:
        assert workshop.present >= 2, workshop.topic
        assert workshop.present <= workshop.invited
    finistere = rates.filter(
        lab__slug="living-lab-acces-aux-droits-finistere", starts_at__year=2025
    )
    average = sum(w.present for w in finistere) / len(finistere)
    assert 9 <= average <= 14  # « une douzaine d'habitants chaque mois »
    upcoming = Workshop.objects.filter(lab__slug__in=SLUGS, starts_at__gt=now)
    assert not upcoming.exclude(minutes="").exists()
    assert not Contribution.objects.filter(workshop__in=upcoming).exists()
    assert not Invitation.objects.filter(workshop__in=upcoming, attended__isnull=False).exists()
    assert held.filter(starts_at__year=2025, contributions__isnull=False).distinct().count() >= 55


def test_contributions_are_realistic_and_followed_up():
    contributions = Contribution.objects.filter(workshop__lab__slug__in=SLUGS)
    assert contributions.count() >= 150
    kinds = set(contributions.values_list("kind", flat=True))
    assert kinds == {"irritant", "besoin", "idee", "proposition"}
    statuses = dict(contributions.values_list("status").annotate(n=Count("id")).order_by())
    assert set(statuses) == {"transmise", "prise_en_compte", "mise_en_oeuvre", "non_retenue"}
    assert not contributions.filter(status="non_retenue", status_reason="").exists()
    assert not contributions.exclude(status="non_retenue").exclude(status_reason="").exists()
    texts = " ".join(f"{text} {tags}" for text, tags in contributions.values_list("text", "tags"))
    for words in ("relevé de dettes", "montant net social", "AAH", "AEEH", "non-recours"):
        assert words.lower() in texts.lower(), words
    older = contributions.filter(workshop__starts_at__year=2024)
    recent = contributions.filter(workshop__starts_at__gte=datetime(2025, 7, 1, tzinfo=demo.PARIS))
    assert older.filter(status="transmise").count() / older.count() < 0.2
    assert recent.filter(status="transmise").count() / recent.count() > 0.35


def test_solicitations_and_their_answers():
    aripa = Solicitation.objects.get(title="Relevé de dettes Aripa")
    assert {lab.city for lab in aripa.labs.all()} == {"Toulouse", "Nice"}
    assert aripa.status == Solicitation.Status.ANSWERED
    assert "relevé" in aripa.synthesis
    assert aripa.workshops.count() == 6
    assert Contribution.objects.filter(workshop__solicitation=aripa).count() >= 12
    dtr = Solicitation.objects.get(title="Déclaration trimestrielle de ressources pré-remplie")
    assert {lab.caf.number for lab in dtr.labs.all()} == {"01", "29"}
    assert dtr.answered_at.date() == date(2025, 5, 20)
    for solicitation in Solicitation.objects.filter(title__in=TITLES):
        answered = solicitation.status != Solicitation.Status.OPEN
        assert bool(solicitation.synthesis) == answered, solicitation.title
        assert (solicitation.answered_at is not None) == answered, solicitation.title
        for workshop in solicitation.workshops.all():
            assert workshop.lab in solicitation.labs.all()
    open_ = Solicitation.objects.get(status=Solicitation.Status.OPEN, title__in=TITLES)
    assert open_.deadline > timezone.localdate()
    assert open_.workshops.filter(starts_at__gt=timezone.now()).exists()


def test_the_evaluation_of_a_lab_computes_on_the_demo_data():
    from livinglabs.selectors import evaluation

    result = evaluation(labs=Lab.objects.filter(slug="living-lab-acces-aux-droits-finistere"))
    assert result.workshops >= 23
    assert 60 <= result.attendance_rate <= 95
    assert result.solicitations == 2
    assert result.solicitations_answered == 2


# The seeder itself ------------------------------------------------------------------------------
def test_a_second_run_changes_nothing():
    before, checksum = _snapshot(), _checksum()
    _seed()
    assert _snapshot() == before
    assert _checksum() == checksum


def test_reseeding_gives_the_same_data():
    before, checksum = _snapshot(), _checksum()
    Lab.objects.filter(slug__in=SLUGS).delete()
    Solicitation.objects.filter(title__in=TITLES).delete()
    assert _snapshot()["members"] == 0
    seed_all(SeedContext(log=lambda _message: None), only={"livinglabs"})
    assert _snapshot() == before
    assert _checksum() == checksum


def test_seed_logs_a_summary():
    lines = []
    demo.seed(SeedContext(log=lines.append))
    assert len(lines) == 1
    assert lines[0].startswith("  7 living labs, ")
    assert "tenus en 2025" in lines[0]
