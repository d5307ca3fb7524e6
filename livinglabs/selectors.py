"""Every non-trivial read of the living labs: lists, the members (facilitators only), and the
evaluation dashboard of a lab or of the collective."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone

from livinglabs.models import Contribution, Invitation, Lab, Member, Solicitation, Workshop
from livinglabs.rules import facilitated_lab_ids


def _count(qs: QuerySet, to: str = "lab") -> Coalesce:
    """The number of rows of `qs` for the outer row (a correlated subquery: one index scan per
    row, instead of joining and de-duplicating every member with every workshop)."""
    rows = qs.filter(**{to: OuterRef("pk")}).order_by().values(to).annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n")), 0)


def lab_list(*, filters: dict | None = None) -> QuerySet[Lab]:
    """Every lab (public), with its Caf and its counts, in one query."""
    filters = filters or {}
    qs = Lab.objects.select_related("caf", "caf__region").annotate(
        member_count=_count(
            Member.objects.filter(left_on__isnull=True, anonymised_at__isnull=True)
        ),
        workshop_count=_count(Workshop.objects.all()),
    )
    if theme := filters.get("theme"):
        qs = qs.filter(theme=theme)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    return qs.order_by("caf__number", "name")


def lab_get(*, slug: str) -> Lab:
    lab = (
        Lab.objects.select_related("caf").prefetch_related("facilitators").filter(slug=slug).first()
    )
    if lab is None:
        raise Http404
    return lab


def lab_members(*, user, lab: Lab) -> QuerySet[Member]:
    """The members with their personal data: for the lab's facilitators only (404 otherwise,
    like a lab that has no members page)."""
    if lab.pk not in facilitated_lab_ids(user):
        raise Http404
    return lab.members.annotate(
        invited=_count(Invitation.objects.all(), to="member"),
        attended=_count(Invitation.objects.filter(attended=True), to="member"),
    ).order_by("left_on", "pseudonym", "pk")


def lab_workshops(*, lab: Lab) -> QuerySet[Workshop]:
    return (
        lab.workshops.select_related("solicitation")
        .annotate(
            invited=_count(Invitation.objects.all(), to="workshop"),
            present=_count(Invitation.objects.filter(attended=True), to="workshop"),
            contribution_count=_count(Contribution.objects.all(), to="workshop"),
        )
        .order_by("-starts_at", "-pk")
    )


def workshop_get(*, pk: int) -> Workshop:
    workshop = (
        Workshop.objects.select_related("lab", "lab__caf", "solicitation")
        .prefetch_related(
            "facilitators",
            Prefetch(
                "invitations",
                queryset=Invitation.objects.select_related("member").order_by("member__pseudonym"),
            ),
            Prefetch("contributions", queryset=Contribution.objects.order_by("kind", "created_at")),
        )
        .filter(pk=pk)
        .first()
    )
    if workshop is None:
        raise Http404
    return workshop


def contribution_list(
    *, lab: Lab | None = None, filters: dict | None = None
) -> QuerySet[Contribution]:
    filters = filters or {}
    qs = Contribution.objects.select_related("workshop", "workshop__lab")
    if lab is not None:
        qs = qs.filter(workshop__lab=lab)
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def calendar(*, labs: QuerySet[Lab] | None = None, since: date | None = None) -> QuerySet[Workshop]:
    """The workshops to come (or since a date), across labs: the collective's calendar."""
    since = since or timezone.localdate()
    # From the start of the day in the portal's time zone: a range the index can serve.
    start = timezone.make_aware(datetime.combine(since, time.min))
    qs = Workshop.objects.select_related("lab", "lab__caf").filter(starts_at__gte=start)
    if labs is not None:
        qs = qs.filter(lab__in=labs)
    return qs.order_by("starts_at", "pk")


def solicitation_list(*, user) -> QuerySet[Solicitation]:
    qs = Solicitation.objects.prefetch_related("labs").annotate(
        workshop_count=Count("workshops", distinct=True),
        contribution_count=Count("workshops__contributions", distinct=True),
    )
    if not user.is_caflab_staff:
        qs = qs.filter(labs__in=facilitated_lab_ids(user)).distinct()
    return qs.order_by("status", "deadline")


def solicitation_contributions(solicitation: Solicitation) -> QuerySet[Contribution]:
    """The consolidated view: every contribution of the workshops held for this request."""
    return (
        Contribution.objects.filter(workshop__solicitation=solicitation)
        .select_related("workshop", "workshop__lab")
        .order_by("workshop__lab__name", "kind", "created_at")
    )


# Evaluation ----------------------------------------------------------------------------------
@dataclass
class Evaluation:
    active_members: int = 0
    members_ever: int = 0
    retention: float | None = None  # share of members who joined 6+ months ago and are still there
    workshops: int = 0
    workshops_per_month: list[tuple] = field(default_factory=list)
    invitations: int = 0
    attendances: int = 0
    attendance_rate: float | None = None
    contributions_by_kind: dict[str, int] = field(default_factory=dict)
    contributions_by_status: dict[str, int] = field(default_factory=dict)
    solicitations: int = 0
    solicitations_answered: int = 0
    flagged_inactive: int = 0


def evaluation(*, labs: QuerySet[Lab], today: date | None = None) -> Evaluation:
    """The figures of one lab or of the collective, in 6 queries whatever the data size."""
    today = today or timezone.localdate()
    six_months_ago = today - timedelta(days=183)
    members = Member.objects.filter(lab__in=labs)
    figures = members.aggregate(
        ever=Count("id"),
        active=Count("id", filter=Q(left_on__isnull=True, anonymised_at__isnull=True)),
        old=Count("id", filter=Q(joined_on__lte=six_months_ago)),
        old_still=Count(
            "id",
            filter=Q(
                joined_on__lte=six_months_ago, left_on__isnull=True, anonymised_at__isnull=True
            ),
        ),
        flagged=Count(
            "id", filter=Q(flagged_inactive_on__isnull=False, anonymised_at__isnull=True)
        ),
    )
    result = Evaluation(
        active_members=figures["active"],
        members_ever=figures["ever"],
        flagged_inactive=figures["flagged"],
    )
    if figures["old"]:
        result.retention = round(100 * figures["old_still"] / figures["old"], 1)
    workshops = Workshop.objects.filter(lab__in=labs)
    result.workshops_per_month = list(
        workshops.annotate(month=TruncMonth("starts_at"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    result.workshops = sum(n for _month, n in result.workshops_per_month)
    attendance = Invitation.objects.filter(
        workshop__lab__in=labs, attended__isnull=False
    ).aggregate(recorded=Count("id"), present=Count("id", filter=Q(attended=True)))
    result.invitations, result.attendances = attendance["recorded"], attendance["present"]
    if attendance["recorded"]:
        result.attendance_rate = round(100 * attendance["present"] / attendance["recorded"], 1)
    contributions = Contribution.objects.filter(workshop__lab__in=labs)
    result.contributions_by_kind = dict(
        contributions.values_list("kind").annotate(n=Count("id")).order_by()
    )
    result.contributions_by_status = dict(
        contributions.values_list("status").annotate(n=Count("id")).order_by()
    )
    solicited = (
        Solicitation.objects.filter(labs__in=labs)
        .distinct()
        .aggregate(
            total=Count("id", distinct=True),
            answered=Count(
                "id",
                filter=Q(status__in=[Solicitation.Status.ANSWERED, Solicitation.Status.CLOSED]),
                distinct=True,
            ),
        )
    )
    result.solicitations, result.solicitations_answered = solicited["total"], solicited["answered"]
    return result


def contributions_for_project(*, project_id: int) -> QuerySet[Contribution]:
    """What the living labs brought to a project of the portfolio (no personal data: a
    contribution names no member)."""
    return (
        Contribution.objects.filter(project_id=project_id)
        .select_related("workshop", "workshop__lab")
        .order_by("-created_at")
    )
