"""The portal's activities: the main navigation and the home page tiles.

An activity appears once its app serves its URL: the navigation never links to a page that
does not exist.
"""

from dataclasses import dataclass
from functools import cache

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Activity:
    url_name: str
    label: Promise
    summary: Promise
    public: bool = False  # shown to anonymous visitors


ACTIVITIES = (
    Activity(
        "consultations:consultation-list",
        _("Consultations"),
        _("« La Caf à votre écoute » : donner son avis et lire les résultats."),
        public=True,
    ),
    Activity(
        "eurekaf:idea-list",
        _("Idées"),
        _("Eurekaf, la boîte à idées de la branche Famille : proposer, soutenir, suivre."),
    ),
    Activity(
        "cooperation:plan-list",
        _("COOPération"),
        _("Les plans d'action CTG et SDSF partagés entre une Caf et ses partenaires."),
    ),
    Activity(
        "livinglabs:lab-list",
        _("Living labs"),
        _("Les communautés permanentes d'usagers, leurs ateliers et leurs contributions."),
        public=True,
    ),
    Activity(
        "projects:project-list",
        _("Projets"),
        _("Programmes, incubation, séances de créativité et formations."),
    ),
    Activity(
        "expo_booking:calendar",
        _("Expo Caf'IA"),
        _("Réserver l'un des 15 jeux de l'exposition Caf'IA et sa mallette numérique."),
    ),
    Activity(
        "reporting:report-list",
        _("Rapports"),
        _("Le rapport d'activité annuel, calculé à partir des données du portail."),
    ),
)


@cache
def _resolved(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def available_activities(*, authenticated: bool) -> list[dict]:
    """The activities whose pages exist, with their URL, for this kind of visitor."""
    entries = []
    for activity in ACTIVITIES:
        url = _resolved(activity.url_name)
        if url is None or not (authenticated or activity.public):
            continue
        entries.append({"url": url, "label": activity.label, "summary": activity.summary})
    return entries
