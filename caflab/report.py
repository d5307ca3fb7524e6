"""The network in the annual report: the community of innovators (agents who joined it) and
the innovation referents, at the end of the year; two queries whatever the data size."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.utils import formats
from django.utils.translation import gettext as _

from caflab import charts, rgpd
from caflab.models import Region, User
from reporting.sections import Figure, Section, register


def innovators_at(day: date):
    """The members of the community on that day: they joined by then and still belong to it."""
    return User.objects.filter(rgpd.counted_accounts(), is_innovator=True, innovator_since__lte=day)


@register(order=40, part="infuser")
def network_section(year: int) -> Section:
    end = date(year, 12, 31)
    members = innovators_at(end).aggregate(
        total=Count("pk"), new=Count("pk", filter=Q(innovator_since__year=year))
    )
    by_region = list(
        Region.objects.annotate(
            member_count=Count(
                "cafs__users",
                filter=rgpd.counted_accounts("cafs__users__")
                & Q(
                    cafs__users__is_innovator=True,
                    cafs__users__innovator_since__lte=end,
                ),
            ),
            referent_count=Count(
                "referents", filter=rgpd.counted_accounts("referents__"), distinct=True
            ),
        ).order_by("overseas", "name")
    )
    figures = [
        Figure("innovators", members["total"], _("membres de la communauté des innovateurs")),
        Figure("innovators_new", members["new"], _("nouveaux membres dans l'année")),
        Figure(
            "innovation_referents",
            User.objects.filter(rgpd.counted_accounts(), role=User.Role.REFERENT).count(),
            _("référents innovation en région"),
        ),
    ]
    rows = [region for region in by_region if region.member_count or region.referent_count]
    return Section(
        title=_("Le réseau des innovateurs"),
        part="infuser",
        figures=figures,
        tables=[
            {
                "caption": _("Les innovateurs par région au 31 décembre %(year)s") % {"year": year},
                "headers": [_("Région"), _("Membres de la communauté"), _("Référents innovation")],
                "rows": [
                    [
                        region.name,
                        formats.number_format(region.member_count, force_grouping=True),
                        formats.number_format(region.referent_count, force_grouping=True),
                    ]
                    for region in rows
                ],
            }
        ],
        charts=[
            charts.bar_chart(
                title=_("Membres de la communauté des innovateurs par région"),
                labels=[region.name for region in rows],
                values=[region.member_count for region in rows],
            )
        ],
        highlights=[
            _(
                "La communauté des innovateurs compte %(n)s membres à la fin de %(year)s, "
                "dont %(new)s arrivés dans l'année."
            )
            % {
                "n": formats.number_format(members["total"], force_grouping=True),
                "year": year,
                "new": formats.number_format(members["new"], force_grouping=True),
            }
        ],
    )
