"""Home-page panels: each app registers what concerns the logged-in user.

An app adds a panel in its AppConfig.ready():

    dashboard.register(Panel(order=10, title=_("Consultations ouvertes"),
                             template_name="consultations/includes/dashboard.html",
                             get_context=open_consultations_for))

`get_context(user)` returns a dict, or None when the panel does not concern this user. The
panel's template reads it as `panel` (`{{ panel.consultations }}`), next to `panel.title`.
Each panel must run a fixed number of queries, whatever the data size.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Panel:
    order: int
    title: Promise
    template_name: str
    get_context: Callable[[Any], dict | None]


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _panels[panel.template_name] = panel


def panels_for(user) -> list[dict]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.get_context(user)
        if context is not None:
            shown.append({"title": panel.title, "template_name": panel.template_name, **context})
    return shown
