"""`manage.py seed_scale`: national-scale synthetic data, at a tiny factor."""

import io
from datetime import date, timedelta
from itertools import pairwise
from time import monotonic

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q

from caflab import scale
from caflab.models import User
from consultations.models import Answer, Consultation, Response
from cooperation.models import Action, Plan
from eurekaf.models import Comment, Idea, Support
from expo_booking.models import Booking
from livinglabs.models import Member
from projects.models import Project

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

FACTOR = 0.001


def run(*args) -> str:
    out = io.StringIO()
    call_command("seed_scale", "--factor", str(FACTOR), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded():
    start = monotonic()
    output = run()
    return output, monotonic() - start


def scale_users():
    return User.objects.filter(email__endswith=scale.EMAIL_SUFFIX)


def test_counts_follow_the_factor(seeded):
    output, seconds = seeded
    expected = scale.targets(FACTOR)
    assert scale_users().count() == expected["agents"] == 30
    consultations = Consultation.objects.filter(slug__startswith=scale.SLUG_PREFIX)
    assert consultations.count() == expected["consultations"]
    assert Answer.objects.filter(response__consultation__in=consultations).count() == 1000
    assert consultations.order_by("-respondent_count")[0].respondent_count == 100
    ideas = Idea.objects.filter(author__in=scale_users())
    assert ideas.count() == expected["ideas"] == 100
    assert Support.objects.filter(idea__in=ideas).count() == 1000
    assert Comment.objects.filter(idea__in=ideas).count() == 300
    assert Action.objects.filter(plan__members__user__in=scale_users()).distinct().count() == 20
    assert Booking.objects.filter(expo_set__code__startswith=scale.SET_PREFIX).count() == 5
    assert Project.objects.filter(slug__startswith=scale.SLUG_PREFIX).count() == 2
    assert Member.objects.filter(lab__slug__startswith=scale.SLUG_PREFIX).count() == 10
    assert "prêtes" in output
    assert "eurekaf : soutiens" in output
    assert seconds < 30


def test_counters_equal_the_rows(seeded):
    ideas = Idea.objects.filter(author__in=scale_users()).annotate(
        supports_n=Count("supports", distinct=True),
        comments_n=Count("comments", distinct=True),
        follows_n=Count("follows", distinct=True),
    )
    assert not ideas.exclude(
        support_count=F("supports_n"), comment_count=F("comments_n"), follower_count=F("follows_n")
    ).exists()
    assert not Support.objects.filter(agent_id=F("idea__author_id")).exists()
    consultations = Consultation.objects.filter(slug__startswith=scale.SLUG_PREFIX).annotate(
        responses_n=Count("responses")
    )
    assert not consultations.exclude(respondent_count=F("responses_n")).exists()
    assert Response.objects.filter(consultation__in=consultations).count() == sum(
        c.respondent_count for c in consultations
    )


def test_bookings_never_overlap_and_the_constraint_holds(seeded):
    bookings = list(
        Booking.objects.filter(expo_set__code__startswith=scale.SET_PREFIX)
        .exclude(status=Booking.Status.CANCELLED)
        .order_by("expo_set", "blocked_from")
    )
    for before, after in pairwise(bookings):
        if before.expo_set_id == after.expo_set_id:
            assert after.blocked_from > before.blocked_until
    first = bookings[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            expo_set=first.expo_set,
            caf=first.caf,
            season=first.season,
            starts_on=first.starts_on,
            ends_on=first.ends_on,
            days_before=1,
            days_after=1,
            use=Booking.Use.FREE,
            expected_visitors=10,
            venue="Hall",
            contact_name="Test",
            contact_phone="0102030405",
            contact_email="test@example.org",
            delivery_address="Caf",
            status=Booking.Status.CONFIRMED,
        )


def test_a_second_run_refuses_then_reset_gives_the_same_data(seeded):
    titles = list(
        Idea.objects.filter(author__in=scale_users()).order_by("created_at", "title")
        .values_list("title", "support_count")
    )  # fmt: skip
    plans = sorted(Plan.objects.filter(members__user__in=scale_users()).values_list("title"))
    with pytest.raises(CommandError, match="--reset"):
        run()
    output = run("--reset")
    assert "Suppression" in output
    assert scale_users().count() == 30
    assert titles == list(
        Idea.objects.filter(author__in=scale_users()).order_by("created_at", "title")
        .values_list("title", "support_count")
    )  # fmt: skip
    assert plans == sorted(
        Plan.objects.filter(members__user__in=scale_users()).values_list("title")
    )


def test_pages_cached_before_a_load_are_not_served_after_it(client, agent):
    # COPY fires no signal: the load itself must drop what was cached before it.
    client.force_login(agent)
    before = client.get("/api/v1/idees/").json()["count"]  # now cached
    run()
    assert client.get("/api/v1/idees/").json()["count"] > before


def test_the_idea_list_answers_for_a_scale_agent(seeded, client):
    agent = scale_users().filter(Q(ideas__isnull=False)).first()
    client.force_login(agent)
    response = client.get("/idees/")
    assert response.status_code == 200


def test_scale_data_are_dated_in_the_national_year(seeded):
    ideas = Idea.objects.filter(author__in=scale_users())
    assert not ideas.exclude(created_at__year=scale.YEAR).exists()
    assert not Booking.objects.filter(
        expo_set__code__startswith=scale.SET_PREFIX, starts_on__lt=date(scale.YEAR, 1, 1)
    ).exists()
    member = Member.objects.filter(lab__slug__startswith=scale.SLUG_PREFIX).first()
    assert member.joined_on <= date(scale.YEAR, 12, 31) + timedelta(days=1)


def test_sqlite_is_refused_in_french(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        run()
