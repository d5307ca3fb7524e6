"""Every non-trivial read of Eurekaf: what a user may see, lists, search, statistics."""

from __future__ import annotations

import hashlib
import statistics
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
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

from caflab import fragments
from caflab.models import Caf
from caflab.rules import is_agent, is_caflab_staff
from eurekaf.models import (
    Campaign,
    Comment,
    Follow,
    Idea,
    IdeaBox,
    IdeaStatusChange,
    Support,
    Theme,
)
from eurekaf.rules import managed_box_ids, wrote_hidden_ideas

# Every sort ends on the primary key: pages never overlap, and each sort has its index
# (per box, and over all boxes for the CafLab team), so a page is read in index order.
SORTS = {
    "recentes": ("-created_at", "-id"),
    "soutenues": ("-support_count", "-created_at", "-id"),
    "discutees": ("-comment_count", "-created_at", "-id"),
    "tendance": ("-last_activity_at", "-support_count", "-id"),
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


def start_reading(user) -> tuple[str, str]:
    """The versions of Eurekaf's data, and of it with CafLab's (names shown with it), read
    once for every part of a page; the reader's own rights are then read under the same."""
    eurekaf_version, caflab_version = fragments.versions("eurekaf", "caflab")
    if user.is_authenticated:
        user._eurekaf_version = str(eurekaf_version)
    return str(eurekaf_version), f"{eurekaf_version}.{caflab_version}"


def list_filters(*, user, version: str, shown_version: str, manager: bool) -> dict:
    """The boxes this user may see and the list's filter choices as (key, label) pairs, in
    one read of the cache: the campaigns of these boxes (newest first), the themes, and every
    Caf (with CafLab's version) for the managers."""

    def compute() -> dict:
        boxes = list(visible_boxes(user=user))
        campaigns = Campaign.objects.filter(box__in=[box.pk for box in boxes])
        return {
            "boxes": boxes,
            "campaigns": list(campaigns.order_by("-starts_on", "pk").values_list("slug", "title")),
            "themes": list(Theme.objects.order_by("name").values_list("slug", "name")),
            "cafs": list(Caf.objects.order_by("number").values_list("number", "name"))
            if manager
            else None,
        }

    staff = is_caflab_staff(user)
    return fragments.cached(
        "eurekaf-list-filters",
        shown_version if manager else version,
        vary=(
            ("staff",) if staff else (user.caf_id, sorted(managed_box_ids(user)), is_agent(user)),
            manager,
        ),
        compute=compute,
    )


def visible_box_list(*, user, version: str | None = None) -> list[IdeaBox]:
    """The boxes this user may see, as a list read from the cache (the filters' choices, and
    the boxes a page of ideas is read from)."""
    if not (is_caflab_staff(user) or is_agent(user)):
        return []
    staff = is_caflab_staff(user)
    return fragments.cached(
        "eurekaf-boxes",
        version or fragments.version_key("eurekaf"),
        vary=("staff",) if staff else (user.caf_id, sorted(managed_box_ids(user))),
        compute=lambda: list(visible_boxes(user=user)),
    )


def _filtered(*, user, filters: dict) -> QuerySet[Idea]:
    """The ideas that match the filters, in the chosen order, with no visibility rule yet:
    only the columns the filters and sorts need (no join for shaping)."""
    qs = Idea.objects.all()
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


def _hidden_rule(user) -> Q:
    """A hidden idea stays visible to its author (and to the box's managers)."""
    return Q(is_hidden=False) | Q(author=user)


def _shaped(qs: QuerySet[Idea], *, user) -> QuerySet[Idea]:
    qs = qs.select_related("box", "author", "origin_caf", "campaign").prefetch_related("themes")
    if user.is_authenticated:
        return qs.annotate(
            supported=Exists(Support.objects.filter(idea=OuterRef("pk"), agent=user)),
            followed=Exists(Follow.objects.filter(idea=OuterRef("pk"), user=user)),
        )
    return qs.annotate(supported=Value(False), followed=Value(False))


def idea_list(*, user, filters: dict | None = None) -> QuerySet[Idea]:
    """The ideas this user may see, shaped for a list: author, Caf, box, campaign, and whether
    the user supports each one, in one query (plus the themes' prefetch)."""
    filters = filters or {}
    qs = _filtered(user=user, filters=filters).filter(box__in=visible_boxes(user=user))
    if not is_caflab_staff(user):
        qs = qs.filter(_hidden_rule(user) | Q(box_id__in=managed_box_ids(user)))
    if box := filters.get("box"):
        qs = qs.filter(box__slug=box)
    return _shaped(qs, user=user)


class IdeaResults:
    """A list of ideas for a paginator (pages and API): the count and each page's keys are
    computed once per version of Eurekaf's data and per visibility (shared by every user who
    sees the same boxes), then only the page's ideas are read, with their joins.

    A page's keys come from the sort's index, box by box (one ordered branch per visible box,
    merged by PostgreSQL), never from a sort of every visible idea."""

    def __init__(
        self,
        *,
        user,
        filters: dict | None = None,
        version: str | None = None,
        loader=None,
        boxes: list[IdeaBox] | None = None,
        page_hint: tuple[int, int] | None = None,
    ):
        self.user = user
        self.loader = loader  # keys -> the page's rows, when the caller shapes them itself
        self.boxes = boxes  # visible_box_list(), when the caller has it already
        self.page_hint = page_hint  # (offset, size) of the page the caller will most likely read
        self._pages = {}
        self.filters = {key: value for key, value in (filters or {}).items() if value}
        self.sort = self.filters.get("sort") or "recentes"
        if self.sort not in SORTS:
            self.sort = "recentes"
        self.filters["sort"] = self.sort
        self.version = version or fragments.version_key("eurekaf")
        self._count = None
        self._branches = None
        self._personal = None

    def _box_branches(self) -> list[tuple[int | None, bool]]:
        """(box pk, or None for every box; whether others' hidden ideas are left out) pairs,
        empty when the filters or the rights leave nothing to read."""
        if self._branches is None:
            user = self.user
            boxes = self.boxes
            if boxes is None:
                boxes = visible_box_list(user=user, version=self.version)
            if slug := self.filters.get("box"):
                boxes = [box for box in boxes if box.slug == slug]
            if not boxes:
                self._branches = []
            elif is_caflab_staff(user):
                self._branches = (
                    [(boxes[0].pk, False)] if "box" in self.filters else [(None, False)]
                )
            else:
                managed = managed_box_ids(user)
                self._branches = sorted((box.pk, box.pk not in managed) for box in boxes)
        return self._branches

    def _is_personal(self) -> bool:
        """The list is this user's alone with the « mine / followed / assigned » filters, or
        when the user wrote hidden ideas (still shown to their author). Otherwise it is shared
        by everyone with the same boxes, and hidden ideas are simply left out of it."""
        if self._personal is None:
            user = self.user
            self._personal = any(self.filters.get(k) for k in ("mine", "followed", "assigned"))
            if not self._personal and any(hides for _box, hides in self._box_branches()):
                self._personal = wrote_hidden_ideas(user)
        return self._personal

    def _key(self) -> tuple:
        filters = tuple(sorted((key, repr(value)) for key, value in self.filters.items()))
        owner = self.user.pk if self._is_personal() else None
        return (tuple(self._box_branches()), owner, filters)

    def _condition(self, box_pk, hides) -> Q:
        condition = Q() if box_pk is None else Q(box_id=box_pk)
        if hides:
            condition &= _hidden_rule(self.user) if self._is_personal() else Q(is_hidden=False)
        return condition

    def _base(self, box_pk, hides) -> QuerySet[Idea]:
        return _filtered(user=self.user, filters=self.filters).filter(
            self._condition(box_pk, hides)
        )

    def _cache_key(self, *parts) -> str:
        digest = hashlib.blake2b(repr((self._key(), parts)).encode(), digest_size=12).hexdigest()
        return f"c:eurekaf-ideas:{self.version}:{digest}"

    def count(self) -> int:
        """The number of ideas, read from the cache with the page the caller expects
        (`page_hint`: offset and size), in one round trip."""
        if self._count is None:
            branches = self._box_branches()
            if not branches:
                self._count = 0
                return 0
            count_key = self._cache_key("count")
            wanted = [count_key]
            if self.page_hint:
                wanted.append(self._cache_key("page", *self.page_hint))
            found = cache.get_many(wanted)
            if self.page_hint and wanted[1] in found:
                self._pages[self.page_hint] = found[wanted[1]]
            self._count = found.get(count_key)
            if self._count is None:
                self._count = sum(self._base(*branch).count() for branch in branches)
                cache.set(count_key, self._count, timeout=fragments.TIMEOUT)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def page_keys(self, offset: int, limit: int) -> list[int]:
        branches = self._box_branches()
        if not branches or limit <= 0:
            return []
        if (offset, limit) not in self._pages:
            key = self._cache_key("page", offset, limit)
            keys = cache.get(key)
            if keys is None:
                keys = self._read_keys(branches, offset, limit)
                cache.set(key, keys, timeout=fragments.TIMEOUT)
            self._pages[offset, limit] = keys
        return self._pages[offset, limit]

    def _read_keys(self, branches, offset: int, limit: int) -> list[int]:
        order = SORTS[self.sort]
        if len(branches) == 1:
            qs = self._base(*branches[0])
        elif not connection.features.supports_slicing_ordering_in_compound:  # SQLite
            condition = Q()
            for branch in branches:
                condition |= self._condition(*branch)
            qs = _filtered(user=self.user, filters=self.filters).filter(condition).order_by(*order)
        else:
            columns = ["pk", *(name.lstrip("-") for name in order if name.lstrip("-") != "id")]
            parts = [
                self._base(*branch).values_list(*columns)[: offset + limit] for branch in branches
            ]
            merged = parts[0].union(*parts[1:], all=True).order_by(*order)
            return [row[0] for row in merged[offset : offset + limit]]
        return list(qs.values_list("pk", flat=True)[offset : offset + limit])

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("IdeaResults is read by slices (pages)")
        offset = key.start or 0
        stop = key.stop if key.stop is not None else self.count()
        keys = self.page_keys(offset, stop - offset)
        if not keys:
            return []
        return self.loader(keys) if self.loader else self.rows(keys)

    def visible(self, qs: QuerySet[Idea]) -> QuerySet[Idea]:
        """The rights again, on a page's rows only (cheap, and never trusts a cache alone)."""
        if is_caflab_staff(self.user):
            return qs
        return qs.filter(
            Q(box_id__in=[box_pk for box_pk, _hides in self._box_branches()]),
            _hidden_rule(self.user) | Q(box_id__in=managed_box_ids(self.user)),
        )

    def rows(self, keys: list[int]) -> list[Idea]:
        """The page's ideas, in the page's order, shaped as `idea_list` shapes them."""
        found = {
            idea.pk: idea
            for idea in _shaped(self.visible(Idea.objects.filter(pk__in=keys)), user=self.user)
        }
        return [found[pk] for pk in keys if pk in found]


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
    """An idea with its timeline and the comments this user may read (`visible_comments`),
    or 404 (also when the user may not see it).

    The idea with its joins and prefetches is the same for every reader: it is cached per
    version of Eurekaf's and CafLab's data (names of authors and Caf); the rights, the
    comments a reader may read and their own support and follow are decided per request."""
    versions = ".".join(str(v) for v in fragments.versions("eurekaf", "caflab"))
    idea = fragments.cached("eurekaf-idea", versions, vary=(pk,), compute=lambda: _idea_read(pk))
    if not idea or not user.has_perm("eurekaf.view_idea", idea):
        raise Http404
    if is_caflab_staff(user) or idea.box_id in managed_box_ids(user):
        idea.visible_comments = idea.all_comments
    else:
        idea.visible_comments = [
            comment
            for comment in idea.all_comments
            if not comment.is_hidden or (user.is_authenticated and comment.author_id == user.pk)
        ]
    idea.supported = idea.followed = False
    if user.is_authenticated:
        # No ORDER BY in the parts of a UNION (SQLite refuses it).
        supported = Support.objects.filter(idea=pk, agent=user).order_by().values_list(Value(1))
        followed = Follow.objects.filter(idea=pk, user=user).order_by().values_list(Value(2))
        flags = {flag for (flag,) in supported.union(followed)}
        idea.supported, idea.followed = 1 in flags, 2 in flags
    return idea


def _idea_read(pk: int) -> Idea | bool:
    """The idea with everything its page shows, in one query and five prefetches (False when
    it does not exist: a value the cache keeps)."""
    comments = Comment.objects.select_related("author", "author__caf").order_by("created_at", "id")
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
            Prefetch("comments", queryset=comments, to_attr="all_comments"),
            Prefetch("merged_ideas", queryset=Idea.objects.only("pk", "title", "merged_into_id")),
        )
        .filter(pk=pk)
        .first()
    )
    return idea or False


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
