"""A plan as a workbook (XLSX: « Feuille de route » and « Indicateurs ») and as a printable
A4 report (PDF by WeasyPrint, with the same charts as the pages).

Both read a plan loaded by selectors.plan_get (its whole roadmap prefetched) and the list of
selectors.plan_indicators: a fixed number of queries whatever the size of the plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from io import BytesIO
from itertools import chain, islice

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _, gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from caflab import charts
from caflab.exports import (
    XLSX_CONTENT_TYPE,
    Column,
    content_disposition,
    csv_cell,
    export_rows,
    xlsx_cell,
)
from cooperation import selectors
from cooperation.models import Action, Indicator, Plan
from cooperation.views.plans import gantt_rows, light, status_chart

PDF_CONTENT_TYPE = "application/pdf"
WIDTH_SAMPLE = 100  # rows sampled to size the columns of a sheet
# A Gantt chart is one SVG image, and an image cannot break across pages: the retro-planning is
# cut into charts of at most this many rows (an action and its milestones stay together), each
# of which fits an A4 page at the PDF's chart width.
GANTT_ROWS_PER_PAGE = 20
PDF_CHART_WIDTH = 720


# Workbook --------------------------------------------------------------------------------------
def _partners(action: Action) -> str:
    return ", ".join(org.name for org in action.partners.all())


def _steps(action: Action) -> str:
    steps = list(action.steps.all())
    if not steps:
        return ""
    done = sum(1 for step in steps if step.done_on)
    return _("%(done)s sur %(total)s atteints") % {"done": done, "total": len(steps)}


def roadmap_columns(today: date) -> list[Column]:
    """The « Feuille de route » sheet. Its first headers are those the import reads, so that an
    exported plan can start another one."""
    return [
        Column(_("Axe"), lambda a: a.objective.axis.title),
        Column(_("Objectif"), lambda a: a.objective.title),
        Column(_("Action"), lambda a: a.title),
        Column(_("Pilote"), lambda a: a.pilot_organisation.name if a.pilot_organisation else ""),
        Column(_("Début"), lambda a: a.starts_on),
        Column(_("Échéance"), lambda a: a.due_on),
        Column(_("Statut"), lambda a: a.display_status(today)),
        Column(_("Avancement (%)"), lambda a: a.progress),
        Column(_("Budget (€)"), lambda a: a.budget),
        Column(_("Priorité"), lambda a: a.get_priority_display()),
        Column(_("Partenaires"), _partners),
        Column(_("Référent"), lambda a: str(a.owner) if a.owner else ""),
        Column(_("Début de référence"), lambda a: a.baseline_starts_on),
        Column(_("Échéance de référence"), lambda a: a.baseline_due_on),
        Column(_("Jalons"), _steps),
        Column(_("Poids"), lambda a: a.weight),
        Column(_("Réalisée le"), lambda a: a.completed_on),
    ]


def _attached_to(indicator: Indicator) -> str:
    if indicator.action_id:
        return _("Action : %(title)s") % {"title": indicator.action.title}
    if indicator.objective_id:
        return _("Objectif : %(title)s") % {"title": indicator.objective.title}
    return _("Plan")


INDICATOR_COLUMNS = [
    Column(gettext_lazy("Indicateur"), lambda row: row[0].name),
    Column(gettext_lazy("Rattaché à"), lambda row: _attached_to(row[0])),
    Column(gettext_lazy("Unité"), lambda row: row[0].unit),
    Column(gettext_lazy("Sens"), lambda row: row[0].get_direction_display()),
    Column(gettext_lazy("Valeur de départ"), lambda row: row[0].baseline),
    Column(gettext_lazy("Cible"), lambda row: row[0].target),
    Column(gettext_lazy("Période"), lambda row: row[1].period if row[1] else None),
    Column(gettext_lazy("Valeur"), lambda row: row[1].value if row[1] else None),
    Column(
        gettext_lazy("Chemin parcouru vers la cible (%)"),
        lambda row: selectors.indicator_achievement(row[0], row[1].value) if row[1] else None,
    ),
    Column(gettext_lazy("Source"), lambda row: row[1].source if row[1] else ""),
    Column(gettext_lazy("Commentaire"), lambda row: row[1].comment if row[1] else ""),
]


def indicator_rows(indicators: Iterable[Indicator]) -> list[tuple]:
    """One row per measured value; an indicator without any value still has its row."""
    return [
        (indicator, value)
        for indicator in indicators
        for value in (list(indicator.values.all()) or [None])
    ]


def _sheet_title(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    return "".join("_" if c in "[]:*?/\\" else c for c in str(title))[:31] or "Export"


def write_sheet(workbook: Workbook, *, title: str, columns: Sequence[Column], rows) -> None:
    """A write-only sheet as caflab.exports writes its one sheet: bold frozen header, widths
    from the first rows, native dates and numbers, text neutralised against formulas."""
    sheet = workbook.create_sheet(_sheet_title(title))
    headers = [str(column.header) for column in columns]
    cells = export_rows(rows=rows, columns=columns, formatter=xlsx_cell)
    sample = list(islice(cells, WIDTH_SAMPLE))
    for index, header in enumerate(headers):
        longest = max([len(header)] + [len(csv_cell(row[index])) for row in sample])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(longest + 2, 10), 60)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_row = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_row.append(cell)
    sheet.append(header_row)
    for row in chain(sample, cells):
        sheet.append([_dated(sheet, value) for value in row])


def _dated(sheet, value):
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return value


def plan_workbook(plan: Plan, indicators: list[Indicator], today: date | None = None) -> bytes:
    today = today or timezone.localdate()
    workbook = Workbook(write_only=True)
    write_sheet(
        workbook,
        title=_("Feuille de route"),
        columns=roadmap_columns(today),
        rows=selectors.plan_actions(plan),
    )
    write_sheet(
        workbook, title=_("Indicateurs"), columns=INDICATOR_COLUMNS, rows=indicator_rows(indicators)
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(plan: Plan, extension: str) -> str:
    return f"{slugify(plan.title)[:80] or 'plan'}.{extension}"


def _attachment(content: bytes, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    response["Cache-Control"] = "private, no-store"  # a plan is for its members only
    return response


def plan_xlsx_response(plan: Plan, indicators: list[Indicator]) -> HttpResponse:
    return _attachment(
        plan_workbook(plan, indicators),
        content_type=XLSX_CONTENT_TYPE,
        name=filename(plan, "xlsx"),
    )


# PDF -------------------------------------------------------------------------------------------
def gantt_pages(plan: Plan, today: date) -> list[charts.Chart]:
    """The pages' retro-planning rows, cut into charts that each fit a page."""
    groups: list[list[charts.GanttRow]] = []
    for row in gantt_rows(plan, today):
        if row.milestone and groups:
            groups[-1].append(row)  # a milestone follows its action
        else:
            groups.append([row])
    pages: list[list[charts.GanttRow]] = [[]]
    for group in groups:
        if pages[-1] and len(pages[-1]) + len(group) > GANTT_ROWS_PER_PAGE:
            pages.append([])
        pages[-1].extend(group)
    pages = [rows for rows in pages if rows]
    title = _("Rétroplanning : %(title)s") % {"title": plan.title}
    return [
        charts.gantt_chart(
            title=title if len(pages) == 1 else f"{title} ({i}/{len(pages)})",
            start=plan.starts_on,
            end=plan.ends_on,
            rows=rows,
            today=today,
            width=PDF_CHART_WIDTH,
        )
        for i, rows in enumerate(pages, start=1)
    ]


def _axis_light(axis, progress: dict, expected: float, today: date) -> str:
    actions = [a for o in axis.objectives.all() for a in o.actions.all()]
    live = [a for a in actions if a.status != Action.Status.ABANDONED]
    late = sum(1 for a in live if a.is_late(today))
    return selectors.status_light(
        progress["axes"].get(axis.pk), expected, late / len(live) if live else 0
    )


def _roadmap(plan: Plan, progress: dict, expected: float, today: date) -> list[dict]:
    """The roadmap table, axis by axis, each with its progress bar."""
    axes = []
    for axis in plan.axes.all():
        value = progress["axes"].get(axis.pk)
        objectives = []
        for objective in axis.objectives.all():
            actions = []
            for action in objective.actions.all():
                action.status_text = action.display_status(today)
                action.late = action.is_late(today)
                action.soon = action.is_due_soon(today)
                action.moved = bool(
                    action.baseline_due_on and action.baseline_due_on != action.due_on
                )
                actions.append(action)
            objectives.append(
                {
                    "objective": objective,
                    "progress": progress["objectives"].get(objective.pk),
                    "actions": actions,
                }
            )
        axes.append(
            {
                "axis": axis,
                "progress": value,
                "chart": charts.progress_bar(
                    title=_("Avancement de l'axe « %(title)s »") % {"title": axis.title},
                    value=value or 0,
                    status=_axis_light(axis, progress, expected, today),
                    width=PDF_CHART_WIDTH,
                ),
                "objectives": objectives,
            }
        )
    return axes


def _indicator_charts(indicators: list[Indicator], expected: float) -> list[dict]:
    rows = []
    for indicator in indicators:
        achievement = indicator.achievement
        chart = None
        if achievement is not None:
            chart = charts.progress_bar(
                title=_("%(name)s : chemin parcouru vers la cible") % {"name": indicator.name},
                value=max(achievement, 0),
                status=selectors.status_light(achievement, expected, 0),
                width=PDF_CHART_WIDTH,
            )
        rows.append(
            {"indicator": indicator, "values": list(indicator.values.all()), "chart": chart}
        )
    return rows


def plan_pdf_context(plan: Plan, indicators: list[Indicator], today: date | None = None) -> dict:
    today = today or timezone.localdate()
    dashboard = selectors.plan_dashboard(plan, today)
    actions = selectors.plan_actions(plan)
    counts = dict.fromkeys((*Action.Status.values, "en_retard"), 0)
    for action in actions:
        counts["en_retard" if action.is_late(today) else action.status] += 1
    members = list(plan.members.all())
    return {
        "plan": plan,
        "today": today,
        "generated_at": timezone.localtime(),
        "dashboard": dashboard,
        "light": light(dashboard),
        "counts": counts,
        "pilots": [m for m in members if m.role == m.Role.PILOT],
        "member_count": len(members),
        "signatories": list(plan.signatories.all()),
        "progress_chart": charts.progress_bar(
            title=_("Avancement global du plan"),
            value=dashboard.progress["plan"] or 0,
            status=dashboard.light,
            width=PDF_CHART_WIDTH,
        ),
        "status_chart": status_chart(plan, dashboard) if actions else None,
        "gantt_pages": gantt_pages(plan, today) if actions else [],
        "roadmap": _roadmap(plan, dashboard.progress, dashboard.expected, today),
        "indicators": _indicator_charts(indicators, dashboard.expected),
    }


def plan_pdf(plan: Plan, indicators: list[Indicator], today: date | None = None) -> bytes:
    # Heavy imports (cairo, pango): only when a PDF is asked for.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class NoFetch(URLFetcher):
        """The report embeds everything it shows: WeasyPrint fetches nothing, so no text of
        a plan can make the server read a file or call a URL."""

        def fetch(self, url, headers=None):
            raise ValueError(f"external resource refused: {url[:80]}")

    html = render_to_string(
        "cooperation/plan_pdf.html", plan_pdf_context(plan, indicators, today=today)
    )
    return HTML(string=html, url_fetcher=NoFetch()).write_pdf()


def plan_pdf_response(plan: Plan, indicators: list[Indicator]) -> HttpResponse:
    return _attachment(
        plan_pdf(plan, indicators), content_type=PDF_CONTENT_TYPE, name=filename(plan, "pdf")
    )
