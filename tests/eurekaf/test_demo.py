"""The demo data of Eurekaf: the boxes of the Cafs that use it, the criées of the 2025 report,
ideas that follow the workflow with counters equal to their rows, and a seeder that is
idempotent and deterministic."""

import hashlib
import itertools
import re
from collections import Counter, defaultdict

import pytest
from django.db import connection, transaction
from django.db.models import Count, F

from caflab import demo as core
from caflab.models import User
from caflab.seeding import SeedContext, seed_all
from eurekaf import demo, report
from eurekaf.models import (
    Campaign,
    Comment,
    Follow,
    Idea,
    IdeaBox,
    IdeaStatusChange,
    InternalNote,
    Report,
    Support,
    Theme,
)

pytestmark = pytest.mark.django_db

S = Idea.Status
USERS: dict[str, int] = {}


def _seed(apps=frozenset({"caflab", "eurekaf"})) -> None:
    seed_all(SeedContext(log=lambda _message: None), only=set(apps))


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module, inside a transaction rolled back at its end; every test
    runs in a savepoint of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        _seed({"caflab"})
        USERS["after_caflab"] = User.objects.count()
        _seed()
        connection.check_constraints()
        yield
        transaction.set_rollback(True)


def _demo_person(email: str) -> bool:
    return email.endswith(demo.AGENT_DOMAIN) or email in {
        core.AGENT_EMAIL,
        core.REFERENT_EMAIL,
        core.STAFF_EMAIL,
        demo.CRIEES_ORGANISER,
    }


def _timelines() -> dict[int, list[IdeaStatusChange]]:
    rows = defaultdict(list)
    for row in IdeaStatusChange.objects.order_by("idea_id", "created_at", "id"):
        rows[row.idea_id].append(row)
    return rows


def _snapshot() -> dict:
    return {
        "boxes": IdeaBox.objects.count(),
        "managers": IdeaBox.managers.through.objects.count(),
        "themes": Theme.objects.count(),
        "campaigns": Campaign.objects.count(),
        "ideas": Idea.objects.count(),
        "changes": IdeaStatusChange.objects.count(),
        "supports": Support.objects.count(),
        "follows": Follow.objects.count(),
        "comments": Comment.objects.count(),
        "notes": InternalNote.objects.count(),
        "reports": Report.objects.count(),
        "users": User.objects.count(),
    }


def _checksum() -> str:
    """Everything the seeder writes, named by titles, slugs and e-mails rather than ids."""
    parts = []
    parts += Campaign.objects.order_by("slug").values_list(
        "slug",
        "kind",
        "title",
        "box__slug",
        "starts_on",
        "ends_on",
        "pitch_on",
        "created_by__email",
    )
    parts += IdeaBox.managers.through.objects.order_by("ideabox__slug", "user__email").values_list(
        "ideabox__slug", "user__email"
    )
    parts += Idea.objects.order_by("box__slug", "title").values_list(
        "box__slug",
        "title",
        "description",
        "status",
        "author__email",
        "origin_caf__number",
        "campaign__slug",
        "escalated_from__slug",
        "merged_into__title",
        "assignee__email",
        "assigned_service",
        "answer_due_on",
        "support_count",
        "comment_count",
        "follower_count",
        "is_hidden",
        "created_at",
        "updated_at",
        "status_changed_at",
        "first_answer_at",
        "last_activity_at",
    )
    parts += IdeaStatusChange.objects.order_by("idea__title", "created_at", "id").values_list(
        "idea__title", "from_status", "to_status", "answer", "by__email", "created_at"
    )
    parts += Idea.themes.through.objects.order_by("idea__title", "theme__slug").values_list(
        "idea__title", "theme__slug"
    )
    for model, person in ((Support, "agent"), (Follow, "user")):
        parts += model.objects.order_by("idea__title", f"{person}__email").values_list(
            "idea__title", f"{person}__email", "created_at"
        )
    parts += Comment.objects.order_by("idea__title", "created_at", "text").values_list(
        "idea__title", "author__email", "text", "created_at", "is_hidden", "hidden_by__email"
    )
    parts += InternalNote.objects.order_by("idea__title", "created_at").values_list(
        "idea__title", "author__email", "text", "created_at"
    )
    parts += Report.objects.order_by("idea__title", "created_at").values_list(
        "idea__title", "comment__text", "reporter__email", "reason", "created_at", "resolved_at"
    )
    return hashlib.sha256("\n".join(map(repr, parts)).encode()).hexdigest()


# Boxes and campaigns ----------------------------------------------------------------------------
def test_the_national_box_and_the_boxes_of_26_cafs():
    national = IdeaBox.objects.get(caf__isnull=True)
    assert national.slug == "nationale"
    local = IdeaBox.objects.filter(caf__isnull=False).select_related("caf")
    numbers = {box.caf.number for box in local}
    assert len(numbers) == 26
    assert {"38", "35", "59", "13", "69", "33", "31", "44", "67", "75", "93", "974"} <= numbers
    years = Counter(box.created_at.year for box in local)
    assert years[2024] == 7  # the pilots of the experimentation
    assert years[2025] == 19  # the deployment to volunteer Cafs
    assert len({box.created_at.month for box in local if box.created_at.year == 2025}) >= 8


def test_each_box_has_managers_of_its_own_caf():
    national = IdeaBox.objects.get(caf__isnull=True)
    assert national.managers.filter(email=core.STAFF_EMAIL).exists()
    bretagne = IdeaBox.objects.get(caf__number="35")
    assert bretagne.managers.filter(email=core.REFERENT_EMAIL).exists()
    for box in IdeaBox.objects.filter(caf__isnull=False).prefetch_related("managers"):
        managers = list(box.managers.all())
        assert 1 <= len(managers) <= 2, box.name
        assert all(m.caf_id == box.caf_id for m in managers), box.name
        assert all(_demo_person(m.email) for m in managers), box.name


def test_themes_of_the_branche():
    names = set(Theme.objects.values_list("name", flat=True))
    assert {"Accueil et relation de service", "Aidance", "Transition écologique"} <= names
    assert Theme.objects.filter(slug__in=[slug for _n, slug in demo.THEMES]).count() == 10


def test_campaigns_across_the_years():
    thematic = Campaign.objects.filter(kind=Campaign.Kind.THEMATIC)
    by_year = Counter(thematic.values_list("starts_on__year", flat=True))
    assert by_year[2025] >= 15
    assert by_year[2024] >= 1
    assert by_year[2026] >= 1
    assert thematic.filter(box__caf__isnull=True).count() >= 4
    for campaign in thematic.select_related("box").prefetch_related("themes"):
        assert campaign.ends_on > campaign.starts_on
        assert campaign.themes.exists(), campaign.slug
        assert campaign.starts_on > campaign.box.created_at.date(), campaign.slug
        assert campaign.created_by is not None
    # Ideas of a campaign were deposited while it ran, in its box.
    for idea in Idea.objects.filter(campaign__isnull=False).select_related("campaign"):
        assert idea.box_id == idea.campaign.box_id
        assert idea.campaign.starts_on <= idea.created_at.date() <= idea.campaign.ends_on


def test_the_two_criees_of_2025():
    criees = Campaign.objects.filter(kind=Campaign.Kind.INITIATIVES, pitch_on__year=2025)
    assert sorted(criees.values_list("title", flat=True)) == [
        "Criée Aidance",
        "Criée Partenaires d'action sociale",
    ]
    for criee in criees.select_related("box"):
        assert criee.box.is_national
        assert criee.ends_on < criee.pitch_on
        assert criee.created_by.email == demo.CRIEES_ORGANISER
    partners = criees.get(title="Criée Partenaires d'action sociale")
    assert partners.ideas.count() == 31
    assert "maîtrise des risques" in partners.brief
    assert "qualité relationnelle avec les partenaires" in partners.brief
    assert len(demo.PARTNER_INITIATIVES) == 31
    assert {theme for theme, *_rest in demo.PARTNER_INITIATIVES} == {
        demo.QUALITY,
        demo.PRODUCTION,
        demo.RISKS,
    }
    assert len(set(partners.ideas.values_list("origin_caf", flat=True))) >= 20
    aidance = criees.get(title="Criée Aidance")
    figures = report.year_figures(2025)
    assert figures["eurekaf_criees"] == 2
    assert figures["eurekaf_initiatives"] == 31 + aidance.ideas.count()
    # The AJPP criée of December 2024 belongs to 2024.
    assert report.year_figures(2024)["eurekaf_criees"] == 1


# Ideas and their workflow -----------------------------------------------------------------------
def test_a_few_hundred_ideas_mostly_in_2025():
    ideas = Idea.objects.all()
    assert 400 <= ideas.count() <= 600
    years = Counter(ideas.values_list("created_at__year", flat=True))
    assert set(years) == {2024, 2025, 2026}
    assert years[2025] >= 0.6 * ideas.count()
    assert not ideas.filter(created_at__gt=demo.END_AT).exists()
    assert not IdeaStatusChange.objects.filter(created_at__gt=demo.END_AT).exists()
    for box in IdeaBox.objects.all():
        first = box.ideas.filter(escalated_from__isnull=True).order_by("created_at").first()
        assert first is None or first.created_at > box.created_at, box.name


def test_every_status_with_plausible_shares():
    counts = Counter(Idea.objects.values_list("status", flat=True))
    total = sum(counts.values())
    assert set(counts) == set(S.values)
    shares = {status: counts[status] / total for status in S.values}
    assert 0.25 <= shares[S.SUBMITTED] <= 0.42
    assert 0.13 <= shares[S.STUDYING] <= 0.27
    assert 0.07 <= shares[S.SELECTED] <= 0.17
    assert 0.04 <= shares[S.EXPERIMENTING] <= 0.12
    assert 0.07 <= shares[S.IMPLEMENTED] <= 0.16
    assert 0.08 <= shares[S.REJECTED] <= 0.18
    assert 0.015 <= shares[S.MERGED] <= 0.06


def test_timelines_follow_the_workflow():
    timelines = _timelines()
    ideas = Idea.objects.all()
    escalations = 0
    for idea in ideas:
        rows = timelines[idea.pk]
        first = rows[0]
        assert (first.from_status, first.to_status) == ("", S.SUBMITTED), idea.title
        assert first.by_id == idea.author_id
        assert first.created_at == idea.created_at
        real = [first]
        for previous, row in itertools.pairwise(rows):
            assert row.created_at > previous.created_at, idea.title
            if row.from_status == row.to_status:  # a national contribution
                escalations += 1
                assert row.answer, idea.title
                continue
            assert row.from_status == real[-1].to_status, idea.title
            if row.to_status == S.MERGED:
                assert row.from_status != S.MERGED
            else:
                assert row.to_status in Idea.TRANSITIONS[S(row.from_status)], idea.title
            if row.to_status in (S.REJECTED, S.MERGED, S.SELECTED, S.IMPLEMENTED):
                assert row.answer.strip(), idea.title
            real.append(row)
        assert real[-1].to_status == idea.status, idea.title
        answered = real[1:]
        assert idea.first_answer_at == (answered[0].created_at if answered else None)
        assert idea.status_changed_at == (answered[-1].created_at if answered else None)
        assert idea.last_activity_at >= rows[-1].created_at
        assert idea.updated_at == (idea.status_changed_at or idea.created_at)
    assert escalations == ideas.filter(escalated_from__isnull=False).count()


def test_answers_are_varied_and_in_french():
    answers = IdeaStatusChange.objects.exclude(answer="").values_list("answer", flat=True)
    assert len(set(answers)) >= 25
    rejected = IdeaStatusChange.objects.filter(to_status=S.REJECTED)
    assert rejected.exists()
    assert not rejected.filter(answer="").exists()
    assert all("{" not in answer and "}" not in answer for answer in answers)


def test_counters_equal_rows():
    ideas = Idea.objects.annotate(
        n_supports=Count("supports", distinct=True),
        n_follows=Count("follows", distinct=True),
        n_comments=Count("comments", distinct=True),
    )
    for idea in ideas:
        assert idea.support_count == idea.n_supports, idea.title
        assert idea.follower_count == idea.n_follows, idea.title
        assert idea.comment_count == idea.n_comments, idea.title
    assert Support.objects.count() >= 2000
    assert 300 <= Comment.objects.count() <= 2000


def test_supports_and_comments_come_from_those_who_see_the_box():
    assert not Support.objects.filter(agent_id=F("idea__author_id")).exists()
    escalated_at = dict(
        IdeaStatusChange.objects.filter(from_status=F("to_status")).values_list(
            "idea_id", "created_at"
        )
    )
    rows = Support.objects.select_related("idea", "agent", "idea__box")
    for support in rows:
        idea = support.idea
        assert support.created_at > idea.created_at
        assert support.agent.role in ("agent", "referent")
        if not idea.box.is_national:
            assert support.agent.caf_id == idea.box.caf_id
        elif idea.escalated_from_id and support.created_at < escalated_at[idea.pk]:
            assert support.agent.caf_id == idea.origin_caf_id
    for comment in Comment.objects.select_related("idea__box", "author"):
        assert comment.created_at > comment.idea.created_at
        if not comment.idea.box.is_national and comment.author.caf_id:
            assert comment.author.caf_id == comment.idea.box.caf_id
    # Authors follow their ideas (or the original they were merged into).
    followed = set(Follow.objects.values_list("idea_id", "user_id"))
    for idea in Idea.objects.exclude(status=S.MERGED):
        assert (idea.pk, idea.author_id) in followed, idea.title


def test_merged_ideas_point_to_an_older_idea_of_the_same_box():
    merged = Idea.objects.filter(status=S.MERGED).select_related("merged_into")
    assert merged.count() >= 8
    for idea in merged:
        target = idea.merged_into
        assert target is not None
        assert target.box_id == idea.box_id
        assert target.created_at < idea.created_at
        assert target.status != S.MERGED
        assert idea.support_count == idea.follower_count == 0
        assert target.title != idea.title
        change = idea.status_changes.get(to_status=S.MERGED)
        assert target.title in change.answer
        assert target.last_activity_at >= change.created_at
    assert not Idea.objects.exclude(status=S.MERGED).filter(merged_into__isnull=False).exists()


def test_national_contributions_keep_their_origin():
    escalated = Idea.objects.filter(escalated_from__isnull=False).select_related(
        "box", "escalated_from"
    )
    assert 10 <= escalated.count() <= 40
    for idea in escalated:
        assert idea.box.is_national
        assert not idea.escalated_from.is_national
        assert idea.escalated_from.caf_id == idea.origin_caf_id == idea.author.caf_id
        assert idea.campaign_id is None
        contribution = idea.status_changes.get(from_status=F("to_status"))
        assert contribution.created_at > idea.created_at
    national = Idea.objects.filter(box__caf__isnull=True, escalated_from__isnull=True)
    assert national.values("origin_caf").distinct().count() >= 40  # agents of the whole network


def test_follow_up_and_moderation():
    studied = Idea.objects.filter(status=S.STUDYING)
    assigned = Idea.objects.filter(assignee__isnull=False)
    assert assigned.count() >= 20
    assert not assigned.exclude(status=S.STUDYING).exists()
    for idea in assigned.select_related("box"):
        assert idea.box.managers.filter(pk=idea.assignee_id).exists()
        assert idea.answer_due_on > idea.status_changed_at.date()
        assert idea.assigned_service
    assert studied.filter(assignee__isnull=True).exists()
    hidden = Comment.objects.filter(is_hidden=True).select_related("idea__box", "hidden_by")
    assert 2 <= hidden.count() <= 10
    for comment in hidden:
        assert comment.hidden_reason
        assert comment.hidden_by is not None
        assert comment.reports.get().resolved_at is not None
    assert not Comment.objects.filter(is_hidden=False).exclude(hidden_reason="").exists()
    open_reports = Report.objects.filter(resolved_at__isnull=True)
    assert 3 <= open_reports.count() <= 10
    assert open_reports.filter(comment__isnull=True).exists()
    assert open_reports.filter(comment__isnull=False).exists()
    hidden_ideas = Idea.objects.filter(is_hidden=True)
    assert hidden_ideas.exists()
    assert not hidden_ideas.filter(hidden_reason="").exists()
    notes = InternalNote.objects.select_related("idea__box", "author")
    assert 10 <= notes.count() <= 80
    for note in notes:
        box = note.idea.box
        assert box.managers.filter(pk=note.author_id).exists() or note.author.is_caflab_staff


def test_only_the_people_of_the_core_demo_take_part():
    assert User.objects.count() == USERS["after_caflab"]  # the seeder creates nobody
    emails = set(Idea.objects.values_list("author__email", flat=True))
    emails |= set(Support.objects.values_list("agent__email", flat=True))
    emails |= set(Follow.objects.values_list("user__email", flat=True))
    emails |= set(Comment.objects.values_list("author__email", flat=True))
    emails |= set(IdeaStatusChange.objects.values_list("by__email", flat=True))
    emails |= set(IdeaBox.managers.through.objects.values_list("user__email", flat=True))
    assert all(_demo_person(email) for email in emails)
    isere = User.objects.get(email=core.AGENT_EMAIL)
    assert Idea.objects.filter(author=isere).exists()


# Realism ----------------------------------------------------------------------------------------
def test_texts_are_realistic_and_varied():
    ideas = list(Idea.objects.values_list("box_id", "title", "description"))
    titles = [title for _box, title, _d in ideas]
    assert len(set(titles)) >= 0.65 * len(titles)
    per_box = Counter((box, title) for box, title, _d in ideas)
    assert max(per_box.values()) == 1  # never twice the same title in a box
    assert len({d for *_rest, d in ideas}) >= 0.9 * len(ideas)
    for _box, title, description in ideas:
        assert 10 <= len(title) <= 160
        assert title[0].isupper()
        sentences = re.findall(r"[.!?…](?:\s|$)", description)
        assert 2 <= len(sentences) <= 5, description
        assert "lorem" not in description.lower()
    comments = list(Comment.objects.values_list("text", flat=True))
    assert len(set(comments)) >= 0.25 * len(comments)
    supports = sorted(Idea.objects.values_list("support_count", flat=True))
    assert supports[-1] >= 40  # a few national ideas draw the network
    assert supports[len(supports) // 2] <= 6  # most ideas get a handful


def test_popular_ideas_are_more_often_selected():
    def mean(statuses):
        values = Idea.objects.filter(status__in=statuses, box__caf__isnull=True).values_list(
            "support_count", flat=True
        )
        return sum(values) / len(values)

    assert mean([S.SELECTED, S.EXPERIMENTING, S.IMPLEMENTED]) > mean([S.REJECTED])


def test_figures_of_the_report_on_the_demo():
    figures = report.year_figures(2025)
    assert figures["eurekaf_ideas"] >= 280
    assert figures["eurekaf_boxes"] >= 25
    assert figures["eurekaf_campaigns"] >= 15
    assert figures["eurekaf_implemented"] >= 15
    assert report.year_figures(2026)["eurekaf_ideas"] < figures["eurekaf_ideas"]


# The seeder itself ------------------------------------------------------------------------------
def test_a_second_run_changes_nothing():
    before = _snapshot()
    checksum = _checksum()
    _seed()
    assert _snapshot() == before
    assert _checksum() == checksum


def test_reseeding_gives_the_same_data():
    before = _snapshot()
    checksum = _checksum()
    Idea.objects.filter(status=S.MERGED).delete()  # merged first: they point to the others
    Idea.objects.all().delete()
    Campaign.objects.all().delete()
    assert _snapshot()["ideas"] == 0
    seed_all(SeedContext(log=lambda _message: None), only={"eurekaf"})
    assert _snapshot() == before
    assert _checksum() == checksum


def test_seed_logs_a_summary():
    lines = []
    demo.seed(SeedContext(log=lines.append))
    assert len(lines) == 1
    assert lines[0].startswith("  27 boîtes à idées, ")
    assert "dont 4 appels à initiatives" in lines[0]
