"""Filters and tags of the annual report's templates (reporting/document/*.html): the stylesheet
and the fonts inlined, French numbers, charts as images, pictures from the media folder.

The same templates give the PDF (WeasyPrint reads a string: everything it needs is inlined or
a file:// URI) and the browser preview (`preview`: static and media URLs instead of files)."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django import template
from django.templatetags.static import static
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reporting.document import svg_data_uri

register = template.Library()

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "reporting" / "report.css"
# The stylesheet's parts: shared rules, then the browser preview's (left out of the PDF), then
# WeasyPrint's paged media (@page, running strings, target counters: left out of the preview).
SCREEN_ONLY_MARK = "/* ==== screen only ==== */"
PAGED_MEDIA_MARK = "/* ==== paged media ==== */"
# Beyond this many rows a table is printed as a list: WeasyPrint lays out long tables slowly,
# and a reader scans a list of entries more easily than pages of a table.
LONG_TABLE_ROWS = 40
NBSP = "\xa0"
NUMBER_CELL = re.compile(r"[+-]?\d[\d\s\u00a0\u202f]*(?:,\d+)?(?:\s?%|\s?/\s?\d+)?|—")

FONT_FACES = (
    ("LiberationSans-Regular.ttf", "normal", "normal"),
    ("LiberationSans-Bold.ttf", "bold", "normal"),
    ("LiberationSans-Italic.ttf", "normal", "italic"),
    ("LiberationSans-BoldItalic.ttf", "bold", "italic"),
)


@lru_cache(maxsize=4)
def _stylesheet(mtime_ns: int) -> str:
    return STYLESHEET.read_text(encoding="utf-8")


@register.simple_tag
def report_css(*, preview: bool = False, fonts_dir: str = "") -> SafeString:
    """The fonts and the stylesheet, for a <style> element. The PDF reads the fonts from
    `fonts_dir` (a file:// URI), the browser from the static files."""
    faces = []
    for filename, weight, style in FONT_FACES:
        url = static(f"reporting/fonts/{filename}") if preview else f"{fonts_dir}/{filename}"
        faces.append(
            f'@font-face {{ font-family: "CafLab Sans"; src: url("{url}") format("truetype"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    shared, rest = _stylesheet(STYLESHEET.stat().st_mtime_ns).split(SCREEN_ONLY_MARK, 1)
    screen, paged = rest.split(PAGED_MEDIA_MARK, 1)
    css = shared + screen if preview else shared + paged
    # Our own file, and no "</style>" in it: safe to inline.
    return mark_safe("\n".join([*faces, css]))  # noqa: S308


@register.filter
def fr_number(value) -> str:
    """« 7 742 », « 12,5 »: grouped thousands (a no-break space) and at most one decimal."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, int):
        return number_format(value, 0, force_grouping=True)
    rounded = round(float(value), 1)
    decimals = 0 if rounded.is_integer() else 1
    return number_format(rounded, decimals, force_grouping=True)


@register.filter
def with_unit(value, unit: str = "") -> str:
    """A figure and its unit: « 42 % », « 4,2 / 5 », or « non renseigné » when unknown."""
    if value is None:
        return _("non renseigné")
    text = fr_number(value)
    if unit:
        text = f"{text}{NBSP}{unit.replace(' ', NBSP)}"
    return text


@register.simple_tag
def svg_img(chart, css_class: str = "graphique__image") -> SafeString:
    """A chart as an <img> (WeasyPrint lays out an image much faster than inline SVG); its
    alternative text is the chart's title and its one-sentence description."""
    description = getattr(chart, "description", "")
    alt = chart.title if not description else f"{chart.title}. {description}"
    return format_html(
        '<img class="{}" src="{}" alt="{}">', css_class, svg_data_uri(str(chart.svg)), alt
    )


@register.filter
def image_src(image, preview: bool = False) -> str:
    """The source of an uploaded picture: its URL in the preview, its file for the PDF (the
    PDF fetches files only). Empty when there is no picture or its file is gone."""
    if not image:
        return ""
    if preview:
        # Through the staff-only views: media files are not served by the portal.
        from django.urls import reverse

        name = {
            "Highlight": "reporting:highlight-image",
            "TeamMember": "reporting:member-photo",
        }.get(type(image.instance).__name__)
        return reverse(name, kwargs={"pk": image.instance.pk}) if name else ""
    try:
        path = Path(image.path)
    except (NotImplementedError, ValueError):  # a storage without local files
        return ""
    return path.as_uri() if path.is_file() else ""


def _rows(table) -> list:
    rows = table.get("rows") if isinstance(table, dict) else getattr(table, "rows", None)
    return list(rows or [])


@register.filter
def is_long_table(table) -> bool:
    """A section's table (a dict) or a chart's (caflab.charts.Table) of more than
    LONG_TABLE_ROWS rows."""
    return len(_rows(table)) > LONG_TABLE_ROWS


@register.filter
def numeric_columns(table) -> set[int]:
    """The columns after the first whose cells are all numbers (empty ones aside): they are
    right-aligned, their header too."""
    rows = _rows(table)
    width = max((len(row) for row in rows), default=0)
    columns = set()
    for index in range(1, width):
        cells = [row[index] for row in rows if index < len(row) and row[index] not in ("", None)]
        if cells and all(is_number_cell(cell) for cell in cells):
            columns.add(index)
    return columns


@register.filter
def is_number_cell(cell) -> bool:
    """« 7 742 », « 42,5 % », « 3 / 5 », « — »: right-aligned in a table."""
    if isinstance(cell, int | float | Decimal):
        return True
    return bool(cell) and bool(NUMBER_CELL.fullmatch(str(cell).strip()))


@register.filter
def row_pairs(row, headers) -> list[tuple[str, str]]:
    """The cells of a row after the first, each with its column header, the empty ones left
    out: a long table's entry printed as a list."""
    headers = list(headers or [])
    return [
        (headers[index] if index < len(headers) else "", cell)
        for index, cell in enumerate(row)
        if index > 0 and cell not in ("", None)
    ]


@register.filter
def section_anchor(part_number, index) -> str:
    """The anchor of a part's section, which the table of contents links to: « section-1-2 »."""
    return f"section-{part_number}-{index}"
