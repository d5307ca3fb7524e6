"""Caf'IA in the annual report (« Infuser et diffuser »): the Cafs that hosted the exhibition in
the year and their share of the network, the bookings, the visitors, agents reached and
sessions the hosts reported, their satisfaction, the downloads of the malette numérique; the
collection itself (the sets in circulation, the panels and games of a set, the resources of the
malette); the bookings by month, the uses, the host Cafs by region; one row per set and one per
resource of the malette.

What belongs to a year comes from `selectors.year_stats`, which the portal's statistics share:
a booking by its first day (a cancelled booking or an offer never accepted does not count), a
host Caf by a booking of the year that reached it (on site or returned), feedback by the first
day of its booking, a download by its day. The collection is not dated: its figures are those
of the sets not retired and of the published resources when the report is built.

Thirteen queries whatever the data size.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q
from django.utils import formats
from django.utils.translation import gettext as _, ngettext

from caflab import charts
from caflab.models import Region
from expo_booking.models import Booking, ExpoSet, KitResource
from expo_booking.selectors import YearStats, year_stats
from reporting.sections import Figure, Section, register

# A Caf hosted the exhibition once a set reached it.
HOSTED = (Booking.Status.ON_SITE, Booking.Status.RETURNED)


def _n(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def _day(day: date) -> str:
    return formats.date_format(day, "j F Y")


@dataclass(frozen=True)
class Collection:
    sets: int  # in circulation: not retired
    panels: int  # triptych panels of a set
    games: int  # workshops and games of a set
    resources: int  # published in the malette numérique


def collection() -> Collection:
    """The exhibition as it stands (two queries)."""
    sets = ExpoSet.objects.exclude(condition=ExpoSet.Condition.RETIRED).aggregate(
        sets=Count("pk"), panels=Max("panels"), games=Max("games")
    )
    return Collection(
        sets=sets["sets"],
        panels=sets["panels"] or 0,
        games=sets["games"] or 0,
        resources=KitResource.objects.filter(is_published=True).count(),
    )


@dataclass(frozen=True)
class Hosting:
    """One booking of the year that reached its Caf."""

    set_id: int
    caf_id: int
    caf_name: str
    region_id: int
    starts_on: date
    ends_on: date
    answered: bool  # the host sent its feedback

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


def hostings(year: int) -> list[Hosting]:
    """The bookings of the year that reached their Caf, first day first (one query)."""
    return [
        Hosting(*row[:6], answered=row[6] is not None)
        for row in Booking.objects.filter(starts_on__year=year, status__in=HOSTED)
        .order_by("starts_on", "expo_set__code")
        .values_list(
            "expo_set_id",
            "caf_id",
            "caf__name",
            "caf__region_id",
            "starts_on",
            "ends_on",
            "feedback__id",
        )
    ]


def key_figures(stats: YearStats, kit: Collection) -> dict[str, tuple[int | float, str, str]]:
    """Key → (value, label, unit): the collection first, as the printed report shows it, then
    the year; the satisfaction only when some host answered."""
    figures = {
        "expo_sets": (kit.sets, _("expositions physiques en circulation"), ""),
        "expo_panels": (kit.panels, _("panneaux triptyques"), ""),
        "expo_games": (kit.games, _("ateliers et jeux"), ""),
        "expo_kit_resources": (kit.resources, _("ressources dans la malette numérique"), ""),
        "expo_host_cafs": (stats.host_cafs, _("Caf ont accueilli l'exposition Caf'IA"), ""),
        "expo_host_share": (
            stats.host_share,
            _("des Caf du réseau ont accueilli l'exposition"),
            "%",
        ),
        "expo_bookings": (stats.bookings, _("réservations d'un jeu d'exposition"), ""),
        "expo_visitors": (stats.visitors, _("visiteurs de l'exposition"), ""),
        "expo_agents_reached": (
            stats.agents_reached,
            _("agents sensibilisés à l'IA générative"),
            "",
        ),
        "expo_sessions": (stats.sessions_run, _("séances animées"), ""),
    }
    if stats.satisfaction is not None:
        figures["expo_satisfaction"] = (
            stats.satisfaction,
            _("de satisfaction moyenne des Caf d'accueil"),
            "/ 5",
        )
    figures["expo_kit_downloads"] = (
        stats.kit_downloads,
        _("téléchargements de la malette de sensibilisation numérique"),
        "",
    )
    return figures


def _sets_table(year: int, rows: list[Hosting]) -> dict:
    """One row per set of the collection, and any retired set that travelled in the year."""
    by_set: dict[int, list[Hosting]] = defaultdict(list)
    for row in rows:
        by_set[row.set_id].append(row)
    sets = ExpoSet.objects.select_related("home_caf").order_by("code")
    body = []
    for expo_set in sets:
        mine = by_set.get(expo_set.pk, [])
        if expo_set.condition == ExpoSet.Condition.RETIRED and not mine:
            continue
        body.append(
            [
                expo_set.code,
                expo_set.home_caf.name,
                _n(len(mine)),
                _n(sum(row.days for row in mine)),
                ", ".join(row.caf_name for row in mine) or "—",
                expo_set.get_condition_display(),
            ]
        )
    return {
        "caption": _("Les jeux d'exposition Caf'IA en %(year)s") % {"year": year},
        "headers": [
            _("Jeu"),
            _("Caf de rattachement"),
            _("Expositions"),
            _("Jours d'exposition"),
            _("Caf d'accueil"),
            _("État actuel"),
        ],
        "rows": body,
    }


def _kit_table(year: int) -> dict:
    """The published resources, and any other downloaded in the year: the rows add up to the
    year's downloads."""
    resources = (
        KitResource.objects.annotate(
            downloads=Count("versions__downloads", filter=Q(versions__downloads__at__year=year))
        )
        .filter(Q(is_published=True) | Q(downloads__gt=0))
        .order_by("position", "title")
    )
    return {
        "caption": _("La malette numérique en %(year)s") % {"year": year},
        "headers": [_("Ressource"), _("Type"), _("Téléchargements")],
        "rows": [[r.title, r.get_kind_display(), _n(r.downloads)] for r in resources],
    }


def _regions_chart(year: int, rows: list[Hosting]) -> charts.Chart:
    hosts: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        hosts[row.region_id].add(row.caf_id)
    regions = list(Region.objects.annotate(caf_count=Count("cafs")).order_by("overseas", "name"))
    hosted = [len(hosts[region.pk]) for region in regions]
    return charts.stacked_bar_chart(
        title=_("Caf ayant accueilli l'exposition Caf'IA en %(year)s, par région") % {"year": year},
        categories=[region.name for region in regions],
        series={
            _("Ont accueilli l'exposition"): hosted,
            _("Ne l'ont pas accueillie"): [
                region.caf_count - n for region, n in zip(regions, hosted, strict=True)
            ],
        },
    )


def _highlights(stats: YearStats, rows: list[Hosting]) -> list[str]:
    highlights = []
    if stats.host_cafs:
        highlights.append(
            _(
                "L'exposition a été accueillie par %(hosts)s Caf sur %(cafs)s, soit %(share)s %% "
                "du réseau."
            )
            % {
                "hosts": _n(stats.host_cafs),
                "cafs": _n(stats.caf_count),
                "share": stats.host_share,
            }
        )
    if rows:
        first = rows[0]
        highlights.append(
            _("Première exposition de l'année : %(caf)s, à partir du %(day)s.")
            % {"caf": first.caf_name, "day": _day(first.starts_on)}
        )
        twice = sum(1 for n in Counter(row.caf_id for row in rows).values() if n > 1)
        if twice:
            highlights.append(
                ngettext(
                    "Une Caf a accueilli l'exposition deux fois dans l'année.",
                    "%(count)s Caf ont accueilli l'exposition deux fois dans l'année.",
                    twice,
                )
                % {"count": _n(twice)}
            )
    answered = sum(1 for row in rows if row.answered)
    if stats.satisfaction is not None and answered:
        highlights.append(
            ngettext(
                "Satisfaction moyenne des Caf d'accueil : %(score)s / 5 (%(count)s retour).",
                "Satisfaction moyenne des Caf d'accueil : %(score)s / 5 (%(count)s retours).",
                answered,
            )
            % {"score": formats.number_format(stats.satisfaction, 1), "count": _n(answered)}
        )
    return highlights


@register(order=28, part="infuser")
def expo_section(year: int) -> Section:
    """Thirteen queries: the year's statistics (seven), the collection (two), the bookings that
    reached their Caf, the sets, the regions and the resources of the malette (one each)."""
    stats = year_stats(year=year)
    kit = collection()
    rows = hostings(year)
    uses = stats.by_use
    chart_list = [
        charts.bar_chart(
            title=_("Réservations de l'exposition Caf'IA par mois en %(year)s") % {"year": year},
            labels=str(charts.MONTHS).split(),
            values=[n for _month, n in stats.by_month],
            horizontal=False,
        ),
        charts.donut_chart(
            title=_("Usages de l'exposition Caf'IA en %(year)s") % {"year": year},
            labels=[str(label) for label, _count in uses],
            values=[count for _label, count in uses],
        ),
        _regions_chart(year, rows),
    ]
    return Section(
        title=_("L'exposition Caf'IA"),
        part="infuser",
        figures=[
            Figure(key, value, label, unit)
            for key, (value, label, unit) in key_figures(stats, kit).items()
        ],
        tables=[_sets_table(year, rows), _kit_table(year)],
        charts=chart_list,
        highlights=_highlights(stats, rows),
    )
