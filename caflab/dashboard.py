"""Home-page panels: each app registers what concerns the logged-in user.

An app adds a panel in its AppConfig.ready():

    dashboard.register(Panel(order=10, title=_("Consultations ouvertes"),
                             template_name="consultations/includes/dashboard.html",
                             get_context=open_consultations_for))

`get_context(user)` returns a dict, or None when the panel does not concern this user. The
panel's template reads it as `panel` (`{{ panel.consultations }}`), next to `panel.title`.
Each panel must run a fixed number of queries, whatever the data size.

The home page renders the panels through `rendered_panels`: each panel's HTML is cached per user,
day and language, under the versions of its app's data and of the users' (caflab): any write in
the app makes it computed again (caflab.fragments). A panel whose data moves without a model
signal (a build's progress) says `cacheable=False`. Panel templates get `panel` and `user` only:
no request, no form, no CSRF token in a cached panel.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from caflab import fragments

PANEL_TIMEOUT = 300  # seconds: bounds what moves with the clock alone (« the last 30 days »)


@dataclass(frozen=True)
class Panel:
    order: int
    title: Promise
    template_name: str
    get_context: Callable[[Any], dict | None]
    cacheable: bool = True

    @property
    def app_label(self) -> str:
        return self.template_name.split("/", 1)[0]


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _panels[panel.template_name] = panel


def rendered_panels(user) -> list[dict]:
    """The panels that concern this user, as {"title", "html"}, their HTML cached (see above):
    two cache reads for all the panels, whatever their number."""
    panels = sorted(_panels.values(), key=lambda p: p.order)
    scopes = sorted({panel.app_label for panel in panels} | {"caflab"})
    version = dict(zip(scopes, fragments.versions(*scopes), strict=True))
    vary = (user.pk, timezone.localdate().isoformat(), get_language())
    keys = {
        panel.template_name: fragments.cache_key(
            f"panel:{panel.template_name}",
            f"{version[panel.app_label]}.{version['caflab']}",
            vary,
        )
        for panel in panels
        if panel.cacheable
    }
    found = cache.get_many(list(keys.values()))
    computed = {}
    shown = []
    for panel in panels:
        key = keys.get(panel.template_name)
        html = found.get(key) if key else None
        if html is None:
            html = _render(panel, user)
            if key:
                computed[key] = html
        if html:
            shown.append({"title": panel.title, "html": mark_safe(html)})  # noqa: S308 - our templates
    if computed:
        cache.set_many(computed, timeout=PANEL_TIMEOUT)
    return shown


def _render(panel: Panel, user) -> str:
    context = panel.get_context(user)
    if context is None:
        return ""
    data = {"title": panel.title, "template_name": panel.template_name, **context}
    return render_to_string(panel.template_name, {"panel": data, "user": user})
