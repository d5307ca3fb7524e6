"""The annual report as a document: gather a year's data from every app (reporting.sections)
and what the team wrote, render it as HTML (the same templates for the browser preview and
the PDF), then as PDF with WeasyPrint (CSS paged media).

    data = gather(2025)
    html = render_html(data)
    pdf, pages = render_pdf(html)
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _, gettext_lazy, override

from reporting import sections as registry
from reporting.models import Edito, ExternalIndicator, Highlight, TeamMember
from reporting.sections import PARTS, Figure, Section

logger = logging.getLogger(__name__)

# Bumped whenever the templates or the stylesheet change the document: kept with each build.
TEMPLATE_VERSION = "2025.1"
FONTS_DIR = Path(__file__).resolve().parent / "static" / "reporting" / "fonts"

# « Le CafLab en chiffres », in the order of the printed page: figure key → label.
KEY_FIGURES = {
    "living_labs": gettext_lazy("Living labs"),
    "innovators": gettext_lazy("Membres de la communauté des innovateurs"),
    "projects_carried": gettext_lazy("Projets portés par le CafLab"),
    "trainings": gettext_lazy("Formations dispensées"),
    "creativity_sessions": gettext_lazy("Séances de créativité réalisées au CafLab ou en Caf"),
    "linkedin_followers": gettext_lazy("Abonnés à la page LinkedIn du CafLab"),
    "consultation_respondents": gettext_lazy(
        "Répondants à nos consultations sur « La Caf à votre écoute »"
    ),
    "people_trained": gettext_lazy(
        "Personnes formées au management de l'innovation, à la maîtrise d'usage, au design "
        "thinking ou à l'évaluation d'impact"
    ),
    "projects_accompanied": gettext_lazy("Projets accompagnés par le CafLab"),
}


@dataclass
class KeyFigure:
    key: str
    label: str
    value: int | float | None  # None: not known (an external indicator nobody typed yet)
    detail: str = ""
    external: bool = False


@dataclass
class Part:
    key: str
    number: int
    title: str
    sections: list[Section]


@dataclass
class ReportData:
    year: int
    generated_on: date
    edito: Edito | None
    highlights: list[tuple[str, list[Highlight]]]  # (month name, its highlights), 12 months
    team: list[TeamMember]
    key_figures: list[KeyFigure]
    parts: list[Part]
    external: list[ExternalIndicator]
    figures: dict[str, Figure] = field(default_factory=dict)  # every figure of every section

    @property
    def title(self) -> str:
        return _("Rapport d'activité %(year)s du CafLab") % {"year": self.year}

    def fingerprint(self) -> str:
        """A hash of the data the document shows: two builds with the same fingerprint and the
        same template version print the same report."""
        payload = {
            "year": self.year,
            "edito": [self.edito.author, self.edito.title, self.edito.text] if self.edito else None,
            "highlights": [
                [month, [[h.title, h.text, h.image.name] for h in items]]
                for month, items in self.highlights
            ],
            "team": [[m.name, m.role, m.pole] for m in self.team],
            "external": [[e.key, e.value] for e in self.external],
            "parts": [
                [
                    part.key,
                    [
                        [
                            section.title,
                            [[f.key, f.value] for f in section.figures],
                            [
                                [t.get("caption"), t.get("headers"), t.get("rows")]
                                for t in section.tables
                            ],
                            [getattr(chart, "title", "") for chart in section.charts],
                            section.highlights,
                        ]
                        for section in part.sections
                    ],
                ]
                for part in self.parts
            ],
        }
        text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


Step = Callable[[str, int], None]  # (what is being done, percentage)


def _no_step(label: str, percent: int) -> None:
    return None


def gather(year: int, *, on_step: Step = _no_step, start: int = 5, end: int = 50) -> ReportData:
    """Every app's section of the year, and what the team wrote for it."""
    providers = registry.providers()
    built: dict[str, list[Section]] = {key: [] for key in PARTS}
    for index, provider in enumerate(providers):
        name = provider.build.__module__.split(".")[0]
        on_step(
            _("Collecte des données : %(app)s") % {"app": name},
            start + (end - start) * index // max(len(providers), 1),
        )
        section = provider.build(year)
        built[section.part].append(section)
    figures: dict[str, Figure] = {}
    for part_sections in built.values():
        for section in part_sections:
            for figure in section.figures:
                figures.setdefault(figure.key, figure)
    external = list(ExternalIndicator.objects.filter(year=year).order_by("key"))
    by_key = {indicator.key: indicator for indicator in external}
    key_figures = []
    for key, lazy_label in KEY_FIGURES.items():
        label = str(lazy_label)
        if key == ExternalIndicator.Key.LINKEDIN_FOLLOWERS:
            indicator = by_key.get(key)
            growth = by_key.get(ExternalIndicator.Key.LINKEDIN_GROWTH)
            key_figures.append(
                KeyFigure(
                    key=key,
                    label=label,
                    value=indicator.value if indicator else None,
                    detail=_("+%(n)s abonnés dans l'année") % {"n": _number(growth.value)}
                    if growth
                    else "",
                    external=True,
                )
            )
            continue
        figure = figures.get(key)
        key_figures.append(KeyFigure(key=key, label=label, value=figure.value if figure else None))
    highlights = list(Highlight.objects.filter(year=year).order_by("month", "position", "pk"))
    months = [
        (str(MONTHS[month]), [h for h in highlights if h.month == month]) for month in range(1, 13)
    ]
    parts = [
        Part(key=key, number=number, title=str(_(title)), sections=built[key])
        for number, (key, title) in enumerate(PARTS.items(), start=1)
    ]
    on_step(_("Données réunies"), end)
    return ReportData(
        year=year,
        generated_on=timezone.localdate(),
        edito=Edito.objects.filter(year=year).first(),
        highlights=months,
        team=list(TeamMember.objects.filter(year=year).order_by("position", "name")),
        key_figures=key_figures,
        parts=parts,
        external=external,
        figures=figures,
    )


def _number(value) -> str:
    from django.utils.formats import number_format

    return number_format(value, force_grouping=True)


def svg_data_uri(svg: str) -> str:
    """A chart as an <img> source: WeasyPrint lays out an image much faster than inline SVG."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def render_html(
    data: ReportData, *, template: str = "reporting/document/report.html", preview: bool = False
) -> str:
    with override("fr"):
        return render_to_string(
            template,
            {
                "report": data,
                "preview": preview,
                "fonts_dir": FONTS_DIR.as_uri(),
                "template_version": TEMPLATE_VERSION,
            },
        )


class _PageProgress(logging.Handler):
    """Listens to WeasyPrint's progress logger (« Step 5 - Creating layout - Page 12 »)."""

    PAGE = re.compile(r"Page (\d+)")

    def __init__(self, on_page: Callable[[int], None]):
        super().__init__(level=logging.INFO)
        self.on_page = on_page

    def emit(self, record: logging.LogRecord) -> None:
        match = self.PAGE.search(record.getMessage())
        if match and "layout" in record.getMessage():
            self.on_page(int(match.group(1)))


def _local_fetcher():
    """The report never fetches anything from the network: files and data URIs only."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"file", "data"})


def render_pdf(html: str, *, on_page: Callable[[int], None] | None = None) -> tuple[bytes, int]:
    """The PDF (tagged, with its metadata) and its number of pages."""
    from weasyprint import HTML

    progress = logging.getLogger("weasyprint.progress")
    handler = _PageProgress(on_page) if on_page else None
    previous_level = progress.level
    if handler:
        progress.addHandler(handler)
        progress.setLevel(logging.INFO)
    try:
        document = HTML(
            string=html, base_url=str(settings.BASE_DIR), url_fetcher=_local_fetcher()
        ).render(pdf_tags=True)
        pages = len(document.pages)
        pdf = document.write_pdf(pdf_tags=True)
    finally:
        if handler:
            progress.removeHandler(handler)
            progress.setLevel(previous_level)
    return pdf, pages


def figures_csv(data: ReportData) -> str:
    """Every figure of the year, one per line, for the branche's own dashboards."""
    from caflab.exports import csv_cell

    buffer = io.StringIO()
    csv_writer = csv.writer(buffer, delimiter=";")

    class writer:
        @staticmethod
        def writerow(cells) -> None:
            csv_writer.writerow([csv_cell(cell) for cell in cells])

    writer.writerow(
        [
            _("année"),
            _("partie"),
            _("section"),
            _("indicateur"),
            _("libellé"),
            _("valeur"),
            _("unité"),
        ]
    )
    for part in data.parts:
        for section in part.sections:
            for figure in section.figures:
                writer.writerow(
                    [
                        data.year,
                        part.title,
                        section.title,
                        figure.key,
                        figure.label,
                        figure.value,
                        figure.unit,
                    ]
                )
    for indicator in data.external:
        writer.writerow(
            [
                data.year,
                _("Indicateurs externes"),
                indicator.source,
                indicator.key,
                indicator.get_key_display(),
                indicator.value,
                "",
            ]
        )
    return "\ufeff" + buffer.getvalue()
