"""Eurekaf in the annual report: the ideas deposited in the year, the campaigns launched, the
boxes in use, the ideas implemented, and the criées with the initiatives they received.

Six queries whatever the data size. Only what belongs to the year counts: an idea by the day
it was deposited, an implementation by the day of its status change, a campaign by its first
day, a criée by the day of its pitch (with every initiative its appel received).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import formats
from django.utils.translation import gettext as _

from caflab import charts
from eurekaf.models import Campaign, Idea, IdeaStatusChange
from reporting.sections import Figure, Section, register

TOP_IDEAS = 3


def ideas_of_year(year: int) -> QuerySet[Idea]:
    """The ideas deposited in the year; a merged duplicate does not count as an idea."""
    return Idea.objects.filter(created_at__year=year).exclude(status=Idea.Status.MERGED)


def criees_of_year(year: int) -> list[Campaign]:
    """The « appels à initiatives » whose criée took place in the year, each with
    `initiatives`: the ideas it received (merged duplicates left out)."""
    return list(
        Campaign.objects.filter(kind=Campaign.Kind.INITIATIVES, pitch_on__year=year)
        .annotate(
            initiatives=Count("ideas", filter=~Q(ideas__status=Idea.Status.MERGED), distinct=True)
        )
        .order_by("pitch_on", "title")
    )


def implemented_in_year(year: int) -> int:
    """Ideas whose status became « mise en œuvre » during the year, from their timeline (a
    national contribution of an implemented idea repeats its status: not a new one)."""
    return (
        IdeaStatusChange.objects.filter(to_status=Idea.Status.IMPLEMENTED, created_at__year=year)
        .exclude(from_status=Idea.Status.IMPLEMENTED)
        .values("idea")
        .distinct()
        .count()
    )


def year_figures(year: int, *, criees: list[Campaign] | None = None) -> dict[str, int]:
    """The key figures of the year, in four queries (three when the criées are given)."""
    ideas = ideas_of_year(year).aggregate(n=Count("id"), boxes=Count("box", distinct=True))
    if criees is None:
        criees = criees_of_year(year)
    return {
        "eurekaf_ideas": ideas["n"],
        "eurekaf_campaigns": Campaign.objects.filter(
            kind=Campaign.Kind.THEMATIC, starts_on__year=year
        ).count(),
        "eurekaf_boxes": ideas["boxes"],
        "eurekaf_implemented": implemented_in_year(year),
        "eurekaf_criees": len(criees),
        "eurekaf_initiatives": sum(campaign.initiatives for campaign in criees),
    }


def ideas_per_month(year: int) -> list[int]:
    """Ideas deposited in each month of the year (twelve numbers, January first)."""
    counts = dict(
        ideas_of_year(year)
        .annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_month = [0] * 12
    for month, n in counts.items():
        per_month[month.month - 1] += n
    return per_month


def top_ideas(year: int, limit: int = TOP_IDEAS) -> list[Idea]:
    """The most supported ideas deposited in the year (hidden ones left out)."""
    return list(
        ideas_of_year(year)
        .filter(is_hidden=False, support_count__gt=0)
        .select_related("origin_caf", "box")
        .order_by("-support_count", "created_at", "pk")[:limit]
    )


@register(order=30, part="infuser")
def eurekaf_section(year: int) -> Section:
    criees = criees_of_year(year)
    figures = year_figures(year, criees=criees)
    labels = {
        "eurekaf_ideas": _("idées déposées dans Eurekaf"),
        "eurekaf_campaigns": _("campagnes thématiques lancées"),
        "eurekaf_boxes": _("boîtes à idées actives"),
        "eurekaf_implemented": _("idées mises en œuvre"),
        "eurekaf_criees": _("criées organisées"),
        "eurekaf_initiatives": _("initiatives reçues pour les criées"),
    }
    rows = [
        [
            campaign.title,
            formats.date_format(campaign.pitch_on, "j F Y"),
            formats.number_format(campaign.initiatives, force_grouping=True),
        ]
        for campaign in criees
    ]
    chart = charts.line_chart(
        title=_("Idées déposées par mois en %(year)s") % {"year": year},
        labels=str(charts.MONTHS).split(),
        series={_("Idées déposées"): ideas_per_month(year)},
    )
    highlights = [
        _("« %(title)s » (%(where)s) : %(supports)s soutiens, %(status)s")
        % {
            "title": idea.title,
            "where": idea.origin_caf.name if idea.origin_caf else idea.box.name,
            "supports": formats.number_format(idea.support_count, force_grouping=True),
            "status": idea.get_status_display().lower(),
        }
        for idea in top_ideas(year)
    ]
    return Section(
        title=_("Eurekaf, la boîte à idées"),
        part="infuser",
        figures=[Figure(key, value, labels[key]) for key, value in figures.items()],
        tables=[
            {
                "caption": _("Criées de %(year)s") % {"year": year},
                "headers": [
                    _("Appel à initiatives"),
                    _("Date de la criée"),
                    _("Initiatives reçues"),
                ],
                "rows": rows,
            }
        ],
        charts=[chart],
        highlights=highlights,
    )
