"""COOPération in the annual report: the Cafs that follow their CTG or SDSF in the tool, their
plans, the partners involved and where the actions stood at the end of the year.

Definitions, for a year Y whose last day is E (31/12/Y):

- A plan **counts** in Y when its period overlaps Y, it has left preparation (status « en
  cours » or « clôturé » — the model keeps today's status only, not its history) and it was in
  COOPération by E: `pilot_since`, or the day it was created in the tool when that is empty,
  is on or before E.
- A Caf **uses COOPération** in Y when one of its plans counts in Y. It is **new** in Y when
  the first of its plans to leave preparation entered the tool during Y (`first_use`).
- The **partners involved** are the distinct organisations that signed a counted plan, pilot
  one of its actions or are partners of one. An action piloted by the Caf itself has no pilot
  organisation: the Cafs are never counted as partners.
- The **status of an action at E** (`status_at`) is read from today's data:
  « réalisée » when done with `completed_on` on or before E (done without a date: counted from
  its last change, `updated_at`); « abandonnée » when abandoned and last changed by E (no date
  of abandonment is kept and the last change cannot precede it, so an abandoned action changed
  after E counts as still open at E); otherwise « en retard » when due before E (the rule of
  Action.is_late on E: due on the 31st is not late), « à lancer » when its status is still
  « à lancer » or it starts after E, and « en cours » in every other case.
  Every action of a counted plan is counted, whatever its dates (actions keep no creation date:
  one added to the roadmap later also shows in the earlier years its plan counts in, usually
  as « à lancer »). For the year in progress, E is
  today (`closing_day`): a report previewed in November does not call late what December may
  still deliver.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Case, CharField, Count, DateField, Min, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import formats, timezone
from django.utils.translation import gettext as _, ngettext

from caflab import charts
from caflab.models import Organisation
from cooperation.models import Action, Plan
from reporting.sections import Figure, Section, register

TO_START, IN_PROGRESS, LATE, DONE, ABANDONED = (
    "a_lancer",
    "en_cours",
    "en_retard",
    "realisee",
    "abandonnee",
)
STATUSES = (TO_START, IN_PROGRESS, LATE, DONE, ABANDONED)


def status_labels() -> dict[str, str]:
    return {
        TO_START: str(Action.Status.TO_START.label),
        IN_PROGRESS: str(Action.Status.IN_PROGRESS.label),
        LATE: _("En retard"),
        DONE: str(Action.Status.DONE.label),
        ABANDONED: str(Action.Status.ABANDONED.label),
    }


def _bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def closing_day(year: int) -> date:
    """The day the actions' statuses are read: 31/12, or today for the year in progress."""
    return min(date(year, 12, 31), timezone.localdate())


def _end_of(day: date) -> datetime:
    """The first instant after `day`, in the portal's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def in_tool_since():
    """The day a plan entered COOPération: `pilot_since`, else the day it was created."""
    return Coalesce("pilot_since", TruncDate("created_at"), output_field=DateField())


def plans_of_year(year: int) -> QuerySet[Plan]:
    """The plans that count in `year` (see the module's docstring)."""
    start, end = _bounds(year)
    return (
        Plan.objects.exclude(status=Plan.Status.PREPARING)
        .filter(starts_on__lte=end, ends_on__gte=start)
        .alias(in_tool_since=in_tool_since())
        .filter(in_tool_since__lte=end)
    )


def status_at(day: date) -> Case:
    """An action's status at the end of `day`, as an expression (see the module's docstring)."""
    after = _end_of(day)
    done = Q(status=Action.Status.DONE) & (
        Q(completed_on__lte=day) | Q(completed_on__isnull=True, updated_at__lt=after)
    )
    return Case(
        When(done, then=Value(DONE)),
        When(Q(status=Action.Status.ABANDONED, updated_at__lt=after), then=Value(ABANDONED)),
        When(due_on__lt=day, then=Value(LATE)),
        When(Q(status=Action.Status.TO_START) | Q(starts_on__gt=day), then=Value(TO_START)),
        default=Value(IN_PROGRESS),
        output_field=CharField(),
    )


# The Cafs ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CafUse:
    """A Caf using COOPération in the year."""

    number: str
    name: str
    department: str
    region: str
    plans: int  # its plans that count in the year
    first_use: date  # the day its first plan entered the tool

    def is_new_in(self, year: int) -> bool:
        return self.first_use.year == year


def cafs_of_year(year: int) -> list[CafUse]:
    """The Cafs using COOPération in `year`, by number (two queries)."""
    rows = list(
        plans_of_year(year)
        .values("caf_id", "caf__number", "caf__name", "caf__department_name", "caf__region__name")
        .annotate(plans=Count("id"))
        .order_by("caf__number")
    )
    if not rows:
        return []
    first_use = dict(
        Plan.objects.exclude(status=Plan.Status.PREPARING)
        .filter(caf_id__in=[row["caf_id"] for row in rows])
        .values("caf_id")
        .annotate(first=Min(in_tool_since()))
        .values_list("caf_id", "first")
        .order_by()
    )
    return [
        CafUse(
            number=row["caf__number"],
            name=row["caf__name"],
            department=row["caf__department_name"],
            region=row["caf__region__name"],
            plans=row["plans"],
            first_use=first_use[row["caf_id"]],
        )
        for row in rows
    ]


def cafs_count(year: int) -> int:
    return plans_of_year(year).values("caf_id").distinct().count()


def plans_count(year: int) -> int:
    return plans_of_year(year).count()


# Partners and actions ---------------------------------------------------------------------------
def partners_of_year(year: int) -> int:
    """Distinct organisations that signed a plan counted in `year`, pilot one of its actions
    or are partners of one (one query)."""
    plans = plans_of_year(year)
    signed = Plan.signatories.through.objects.filter(plan__in=plans).values("organisation_id")
    piloted = Action.objects.filter(plan__in=plans, pilot_organisation__isnull=False).values(
        "pilot_organisation_id"
    )
    partnered = Action.partners.through.objects.filter(action__plan__in=plans).values(
        "organisation_id"
    )
    return Organisation.objects.filter(
        Q(pk__in=signed) | Q(pk__in=piloted) | Q(pk__in=partnered)
    ).count()


@dataclass
class ActionCounts:
    """The actions of the plans counted in the year, by status at the end of the year."""

    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    by_region: dict[str, dict[str, int]] = field(default_factory=dict)
    completed_in_year: int = 0  # done with a completion date within the year

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def action_counts(year: int) -> ActionCounts:
    """Actions by status on the closing day of `year`, overall and by region (one query)."""
    start, end = _bounds(year)
    rows = (
        Action.objects.filter(plan__in=plans_of_year(year))
        .annotate(year_status=status_at(closing_day(year)))
        .values_list("plan__caf__region__name", "year_status")
        .annotate(
            n=Count("id"),
            completed=Count(
                "id",
                filter=Q(status=Action.Status.DONE, completed_on__gte=start, completed_on__lte=end),
            ),
        )
        .order_by()
    )
    counts = ActionCounts()
    for region, status, n, completed in rows:
        counts.by_status[status] += n
        counts.by_region.setdefault(region, dict.fromkeys(STATUSES, 0))[status] += n
        counts.completed_in_year += completed
    return counts


def actions_by_status(year: int) -> dict[str, int]:
    return action_counts(year).by_status


# The section --------------------------------------------------------------------------------------
def _n(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def _day(day: date) -> str:
    """« 31 décembre 2025 »."""
    return formats.date_format(day, "j F Y")


def _region_table(year: int, cafs: list[CafUse]) -> dict:
    by_region: dict[str, list[CafUse]] = defaultdict(list)
    for caf in cafs:
        by_region[caf.region].append(caf)
    rows = []
    for region in sorted(by_region):
        members = by_region[region]
        rows.append(
            [
                region,
                _n(len(members)),
                _n(sum(1 for c in members if c.is_new_in(year))),
                _n(sum(c.plans for c in members)),
                ", ".join(f"{c.department} ({c.number})" for c in members),
            ]
        )
    if rows:
        rows.append(
            [
                _("Total"),
                _n(len(cafs)),
                _n(sum(1 for c in cafs if c.is_new_in(year))),
                _n(sum(c.plans for c in cafs)),
                "",
            ]
        )
    return {
        "caption": _("Caf utilisant COOPération en %(year)s, par région") % {"year": year},
        "headers": [
            _("Région"),
            _("Caf utilisatrices"),
            _("dont nouvelles en %(year)s") % {"year": year},
            _("Plans suivis"),
            _("Départements"),
        ],
        "rows": rows,
    }


def _highlights(year: int, cafs: list[CafUse], counts: ActionCounts) -> list[str]:
    highlights = []
    earlier = Counter(c.first_use.year for c in cafs if c.first_use.year < year)
    for first_year in sorted(earlier):
        n = earlier[first_year]
        highlights.append(
            ngettext(
                "%(n)s Caf utilise COOPération depuis %(first)s",
                "%(n)s Caf utilisent COOPération depuis %(first)s",
                n,
            )
            % {"n": _n(n), "first": first_year}
        )
    newcomers = [c for c in cafs if c.is_new_in(year)]
    if newcomers:
        text = ngettext(
            "%(n)s Caf a rejoint COOPération en %(year)s",
            "%(n)s Caf ont rejoint COOPération en %(year)s",
            len(newcomers),
        ) % {"n": _n(len(newcomers)), "year": year}
        months = Counter(c.first_use.month for c in newcomers).most_common(2)
        month, in_month = months[0]
        runner_up = months[1][1] if len(months) > 1 else 0
        if 1 < in_month < len(newcomers) and in_month > runner_up:
            text += _(", dont %(n)s en %(month)s") % {
                "n": _n(in_month),
                "month": formats.date_format(date(year, month, 1), "F"),
            }
        highlights.append(text)
    if counts.total:
        highlights.append(
            _("%(done)s actions réalisées dans l'année ; %(late)s en retard au %(day)s")
            % {
                "done": _n(counts.completed_in_year),
                "late": _n(counts.by_status[LATE]),
                "day": _day(closing_day(year)),
            }
        )
    return highlights


@register(order=25, part="concevoir")
def cooperation_section(year: int) -> Section:
    """Four queries whatever the number of plans and actions."""
    cafs = cafs_of_year(year)
    counts = action_counts(year)
    partners = partners_of_year(year)
    labels = status_labels()
    day = {"day": _day(closing_day(year))}
    figure_labels = {
        TO_START: _("actions à lancer au %(day)s") % day,
        IN_PROGRESS: _("actions en cours au %(day)s") % day,
        LATE: _("actions en retard au %(day)s") % day,
        DONE: _("actions réalisées au %(day)s") % day,
        ABANDONED: _("actions abandonnées au %(day)s") % day,
    }
    figures = [
        Figure("cooperation_cafs", len(cafs), _("Caf utilisent COOPération")),
        Figure(
            "cooperation_plans",
            sum(c.plans for c in cafs),
            _("plans d'action CTG et SDSF suivis"),
        ),
        Figure("cooperation_partners", partners, _("partenaires impliqués")),
        Figure("cooperation_actions", counts.total, _("actions dans les feuilles de route")),
        *(
            Figure(f"cooperation_actions_{status}", counts.by_status[status], figure_labels[status])
            for status in STATUSES
        ),
    ]
    regions = sorted(counts.by_region)
    chart = charts.stacked_bar_chart(
        title=_("Actions par statut au %(day)s, par région") % day,
        categories=regions,
        series={
            labels[status]: [counts.by_region[region][status] for region in regions]
            for status in STATUSES
        },
    )
    return Section(
        title=_("COOPération"),
        part="concevoir",
        figures=figures,
        tables=[_region_table(year, cafs)],
        charts=[chart],
        highlights=_highlights(year, cafs, counts),
    )
