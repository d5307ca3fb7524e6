"""The living labs in the annual report: the labs of the year, those created in it, the
workshops held, the people who came and what they contributed; one row per lab, a chart of
the contributions by kind, and the solicitations answered.

Five queries whatever the data size. Only what belongs to the year counts: a workshop by the day
it was held (one yet to come is not held), a participant by a workshop of the year they came to,
a contribution by the day it was recorded, a solicitation by the day it was answered.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _, ngettext

from caflab import charts
from livinglabs.models import Contribution, Invitation, Lab, Solicitation, Workshop
from reporting.sections import Figure, Section, register


def _year_start(year: int) -> datetime:
    return timezone.make_aware(datetime.combine(date(year, 1, 1), time.min))


def labs_of_year(year: int) -> QuerySet[Lab]:
    """The labs that lived during the year: created by its end, not in preparation, and not
    closed before it began. A lab records no closing date: a closed lab counts in the years up
    to its last workshop (or its creation)."""
    start = _year_start(year)
    return (
        Lab.objects.filter(created_on__lte=date(year, 12, 31))
        .exclude(status=Lab.Status.PREPARING)
        .filter(
            ~Q(status=Lab.Status.CLOSED)
            | Q(created_on__gte=date(year, 1, 1))
            | Q(workshops__starts_at__gte=start)
        )
        .distinct()
    )


def workshops_held(year: int) -> QuerySet[Workshop]:
    """The workshops of the year that have taken place."""
    return Workshop.objects.filter(starts_at__year=year, starts_at__lte=timezone.now())


def lab_rows(year: int) -> list[dict]:
    """For each lab of the year: its workshops, participants, attendance rate and contributions
    by kind in the year, in four queries."""
    return _collect(year)[0]


def year_figures(year: int) -> dict[str, int]:
    """The key figures of the year, in four queries."""
    return _collect(year)[1]


def _collect(year: int) -> tuple[list[dict], dict[str, int]]:
    labs = list(labs_of_year(year).select_related("caf").order_by("caf__number", "name"))
    held = workshops_held(year)
    workshops = dict(held.values_list("lab").annotate(n=Count("id")).order_by())
    attendance = {
        row["workshop__lab"]: row
        for row in Invitation.objects.filter(workshop__in=held, attended__isnull=False)
        .values("workshop__lab")
        .annotate(
            recorded=Count("id"),
            present=Count("id", filter=Q(attended=True)),
            participants=Count("member", filter=Q(attended=True), distinct=True),
        )
        .order_by()
    }
    kinds: dict[int, dict[str, int]] = defaultdict(dict)
    for lab_id, kind, n in (
        Contribution.objects.filter(created_at__year=year)
        .values_list("workshop__lab", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        kinds[lab_id][kind] = n
    rows = []
    for lab in labs:
        seen = attendance.get(lab.pk, {})
        recorded = seen.get("recorded", 0)
        rows.append(
            {
                "lab": lab,
                "workshops": workshops.get(lab.pk, 0),
                "participants": seen.get("participants", 0),
                "attendance_rate": (
                    round(100 * seen["present"] / recorded, 1) if recorded else None
                ),
                "contributions": kinds[lab.pk],
            }
        )
    # A member belongs to one lab: the participants of the labs add up without double counts.
    figures = {
        "living_labs": len(labs),
        "living_labs_new": sum(1 for lab in labs if lab.created_on.year == year),
        "living_lab_workshops": sum(workshops.values()),
        "living_lab_participants": sum(row["participants"] for row in attendance.values()),
        "living_lab_contributions": sum(n for by_kind in kinds.values() for n in by_kind.values()),
    }
    return rows, figures


def solicitations_answered(year: int) -> list[Solicitation]:
    """The solicitations whose consolidated answer went out in the year, with their labs."""
    return list(
        Solicitation.objects.filter(answered_at__year=year)
        .annotate(lab_count=Count("labs", distinct=True))
        .order_by("answered_at")
    )


@register(order=22, part="consulter")
def living_labs_section(year: int) -> Section:
    rows, figures = _collect(year)
    answered = solicitations_answered(year)
    labels = {
        "living_labs": _("living labs"),
        "living_labs_new": _("nouveaux living labs créés"),
        "living_lab_workshops": _("ateliers des living labs"),
        "living_lab_participants": _("participants aux ateliers"),
        "living_lab_contributions": _("contributions recueillies"),
    }
    table = {
        "caption": _("Les living labs en %(year)s") % {"year": year},
        "headers": [
            _("Living lab"),
            _("Caf"),
            _("Thème"),
            _("Création"),
            _("Ateliers"),
            _("Participants"),
            _("Taux de présence"),
            _("Contributions"),
        ],
        "rows": [
            [
                row["lab"].name,
                row["lab"].caf.name,
                row["lab"].get_theme_display(),
                str(row["lab"].created_on.year),
                formats.number_format(row["workshops"], force_grouping=True),
                formats.number_format(row["participants"], force_grouping=True),
                (
                    f"{formats.number_format(row['attendance_rate'], 1)} %"
                    if row["attendance_rate"] is not None
                    else "—"
                ),
                formats.number_format(sum(row["contributions"].values()), force_grouping=True),
            ]
            for row in rows
        ],
    }
    chart = charts.stacked_bar_chart(
        title=_("Contributions des living labs par nature en %(year)s") % {"year": year},
        categories=[row["lab"].name for row in rows],
        series={
            str(label): [row["contributions"].get(kind, 0) for row in rows]
            for kind, label in Contribution.Kind.choices
        },
    )
    highlights = []
    new = [row["lab"] for row in rows if row["lab"].created_on.year == year]
    if new:
        highlights.append(
            ngettext(
                "%(count)s living lab créé en %(year)s : %(names)s.",
                "%(count)s living labs créés en %(year)s : %(names)s.",
                len(new),
            )
            % {"count": len(new), "year": year, "names": ", ".join(lab.name for lab in new)}
        )
    highlights += [
        ngettext(
            "« %(title)s » : réponse consolidée transmise le %(day)s (un living lab sollicité).",
            "« %(title)s » : réponse consolidée transmise le %(day)s (%(labs)s living labs "
            "sollicités).",
            solicitation.lab_count,
        )
        % {
            "title": solicitation.title,
            "labs": solicitation.lab_count,
            "day": formats.date_format(timezone.localdate(solicitation.answered_at), "j F Y"),
        }
        for solicitation in answered
    ]
    return Section(
        title=_("Les living labs"),
        part="consulter",
        figures=[Figure(key, value, labels[key]) for key, value in figures.items()],
        tables=[table],
        charts=[chart],
        highlights=highlights,
    )
