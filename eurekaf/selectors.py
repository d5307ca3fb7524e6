"""Every non-trivial read of Eurekaf: what a user may see, lists, search, statistics."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from caflab.rules import is_agent, is_caflab_staff
from eurekaf.models import Campaign, Comment, Follow, Idea, IdeaBox, IdeaStatusChange, Support
from eurekaf.rules import managed_box_ids

SORTS = {
    "recentes": ("-created_at", "-id"),
    "soutenues": ("-support_count", "-created_at"),
    "discutees": ("-comment_count", "-created_at"),
    "tendance": ("-last_activity_at", "-support_count"),
    "en-attente": ("created_at", "id"),  # awaiting an answer longest (with the status filter)
}


def visible_boxes(*, user) -> QuerySet[IdeaBox]:
    if is_caflab_staff(user):
        return IdeaBox.objects.all()
    if not is_agent(user):
        return IdeaBox.objects.none()
    return IdeaBox.objects.filter(
        Q(caf__isnull=True) | Q(caf_id=user.caf_id) | Q(pk__in=managed_box_ids(user))
    )


def idea_list(*, user, filters: dict | None = None) -> QuerySet[Idea]:
    """The ideas this user may see, shaped for a list: author, Caf, box, campaign, and whether
    the user supports each one, in one query (plus the themes' prefetch)."""
    filters = filters or {}
    boxes = visible_boxes(user=user)
    qs = Idea.objects.filter(box__in=boxes)
    if not is_caflab_staff(user):
        managed = managed_box_ids(user)
        qs = qs.filter(Q(is_hidden=False) | Q(author=user) | Q(box_id__in=managed))
    qs = qs.select_related("box", "author", "origin_caf", "campaign").prefetch_related("themes")
    if user.is_authenticated:
        qs = qs.annotate(
            supported=Exists(Support.objects.filter(idea=OuterRef("pk"), agent=user)),
            followed=Exists(Follow.objects.filter(idea=OuterRef("pk"), user=user)),
        )
    else:
        qs = qs.annotate(supported=Value(False), followed=Value(False))
    if box := filters.get("box"):
        qs = qs.filter(box__slug=box)
    statuses = filters.get("status")
    if statuses:
        qs = qs.filter(status__in=statuses if isinstance(statuses, list | tuple) else [statuses])
    elif not filters.get("include_merged"):
        qs = qs.exclude(status=Idea.Status.MERGED)
    if campaign := filters.get("campaign"):
        qs = qs.filter(campaign__slug=campaign)
    if theme := filters.get("theme"):
        qs = qs.filter(themes__slug=theme)
    if caf := filters.get("caf"):
        qs = qs.filter(origin_caf__number=caf)
    if since := filters.get("since"):
        qs = qs.filter(created_at__date__gte=since)
    if until := filters.get("until"):
        qs = qs.filter(created_at__date__lte=until)
    if filters.get("mine") and user.is_authenticated:
        qs = qs.filter(author=user)
    if filters.get("followed") and user.is_authenticated:
        qs = qs.filter(follows__user=user)
    if filters.get("assigned") and user.is_authenticated:
        qs = qs.filter(assignee=user)
    if search := (filters.get("q") or "").strip():
        qs = search_ideas(qs, search)
    sort = filters.get("sort") or "recentes"
    if sort == "en-attente":
        qs = qs.filter(status__in=Idea.OPEN_STATUSES)
    return qs.order_by(*SORTS.get(sort, SORTS["recentes"]))


def search_ideas(qs: QuerySet[Idea], text: str) -> QuerySet[Idea]:
    """French full-text search on PostgreSQL (stemming: « horaire » finds « horaires »);
    a plain containment search elsewhere."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", "description", config="french")
        return qs.annotate(search=vector).filter(
            search=SearchQuery(text, config="french", search_type="websearch")
        )
    return qs.filter(Q(title__icontains=text) | Q(description__icontains=text))


def similar_ideas(*, user, title: str, limit: int = 5) -> list[Idea]:
    """Ideas close to a title being typed, to avoid duplicates: any of its significant words."""
    words = [word for word in title.split() if len(word) > 3][:8]
    if not words:
        return []
    qs = idea_list(user=user, filters={"include_merged": True})
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        query = SearchQuery(" OR ".join(words), config="french", search_type="websearch")
        vector = SearchVector("title", weight="A", config="french") + SearchVector(
            "description", weight="B", config="french"
        )
        qs = qs.annotate(rank=SearchRank(vector, query)).filter(rank__gt=0.05).order_by("-rank")
    else:
        condition = Q()
        for word in words:
            condition |= Q(title__icontains=word)
        qs = qs.filter(condition)
    return list(qs[:limit])


def idea_get(*, user, pk: int) -> Idea:
    """An idea with its timeline and visible comments, or 404 (also when the user may not
    see it)."""
    comments = Comment.objects.select_related("author", "author__caf").order_by("created_at", "id")
    if not is_caflab_staff(user):
        comments = comments.filter(
            Q(is_hidden=False) | Q(author=user) | Q(idea__box_id__in=managed_box_ids(user))
        )
    idea = (
        Idea.objects.select_related(
            "box",
            "box__caf",
            "author",
            "author__caf",
            "origin_caf",
            "campaign",
            "merged_into",
            "escalated_from",
            "assignee",
        )
        .prefetch_related(
            "themes",
            "attachments",
            Prefetch(
                "status_changes",
                queryset=IdeaStatusChange.objects.select_related("by").order_by("created_at", "id"),
            ),
            Prefetch("comments", queryset=comments),
            Prefetch("merged_ideas", queryset=Idea.objects.only("pk", "title", "merged_into_id")),
        )
        .filter(pk=pk)
        .first()
    )
    if idea is None or not user.has_perm("eurekaf.view_idea", idea):
        raise Http404
    idea.supported = (
        user.is_authenticated and Support.objects.filter(idea=idea, agent=user).exists()
    )
    idea.followed = user.is_authenticated and idea.follows.filter(user=user).exists()
    return idea


def campaign_list(*, user) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(box__in=visible_boxes(user=user))
        .select_related("box")
        .annotate(idea_count=Count("ideas", filter=~Q(ideas__status=Idea.Status.MERGED)))
        .order_by("-starts_on")
    )


def running_campaigns(*, user, today=None) -> QuerySet[Campaign]:
    today = today or timezone.localdate()
    return campaign_list(user=user).filter(starts_on__lte=today, ends_on__gte=today)


# Statistics ----------------------------------------------------------------------------------
@dataclass
class Statistics:
    total: int = 0
    per_month: list[tuple] = field(default_factory=list)
    by_status: list[tuple[str, str, int]] = field(default_factory=list)
    by_caf: list[tuple[str, int]] = field(default_factory=list)
    by_campaign: list[tuple[str, int]] = field(default_factory=list)
    authors: int = 0
    supporters: int = 0
    answered: int = 0
    answered_share: float | None = None
    median_days_to_answer: float | None = None
    implemented: int = 0
    implementation_rate: float | None = None


def statistics_for(*, boxes: QuerySet[IdeaBox], since=None, until=None) -> Statistics:
    """Figures of the ideas of these boxes (merged duplicates left out), in 7 queries."""
    ideas = Idea.objects.filter(box__in=boxes).exclude(status=Idea.Status.MERGED)
    if since:
        ideas = ideas.filter(created_at__date__gte=since)
    if until:
        ideas = ideas.filter(created_at__date__lte=until)
    stats = Statistics()
    summary = ideas.aggregate(
        total=Count("id"),
        authors=Count("author", distinct=True),
        # An idea is answered once it left « déposée » (« en étude » is already an answer):
        # the same definition as the time to first answer.
        answered=Count("id", filter=Q(first_answer_at__isnull=False)),
        implemented=Count("id", filter=Q(status=Idea.Status.IMPLEMENTED)),
    )
    stats.total, stats.authors = summary["total"], summary["authors"]
    stats.answered, stats.implemented = summary["answered"], summary["implemented"]
    if stats.total:
        stats.answered_share = round(100 * stats.answered / stats.total, 1)
        stats.implementation_rate = round(100 * stats.implemented / stats.total, 1)
    stats.supporters = Support.objects.filter(idea__in=ideas).values("agent").distinct().count()
    stats.per_month = list(
        ideas.annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    labels = dict(Idea.Status.choices)
    counts = dict(ideas.values_list("status").annotate(n=Count("id")).order_by())
    stats.by_status = [
        (status, labels[status], counts.get(status, 0))
        for status in Idea.Status.values
        if status != Idea.Status.MERGED
    ]
    stats.by_caf = list(
        ideas.filter(origin_caf__isnull=False)
        .values_list("origin_caf__name")
        .annotate(n=Count("id"))
        .order_by("-n", "origin_caf__name")[:20]
    )
    stats.by_campaign = list(
        ideas.filter(campaign__isnull=False)
        .values_list("campaign__title")
        .annotate(n=Count("id"))
        .order_by("-n")[:20]
    )
    answered_ideas = ideas.filter(first_answer_at__isnull=False)
    if connection.vendor == "postgresql":
        median = answered_ideas.aggregate(m=MedianSeconds(F("first_answer_at") - F("created_at")))[
            "m"
        ]
        if median is not None:
            stats.median_days_to_answer = round(median / 86400, 1)
    else:
        delays = [
            (answered - created).total_seconds() / 86400
            for created, answered in answered_ideas.values_list("created_at", "first_answer_at")
        ]
        if delays:
            stats.median_days_to_answer = round(statistics.median(delays), 1)
    return stats


class MedianSeconds(Aggregate):
    """PostgreSQL's median of an interval, in seconds, computed in the database."""

    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch from %(expressions)s))"
    output_field = FloatField()


def overdue_ideas(*, boxes, today=None) -> QuerySet[Idea]:
    today = today or timezone.localdate()
    return Idea.objects.filter(
        box__in=boxes, status__in=Idea.OPEN_STATUSES, answer_due_on__lt=today
    )


def waiting_since(idea: Idea) -> timedelta:
    return timezone.now() - idea.created_at
