"""Accessible, deterministic server-side SVG charts, for HTML pages and WeasyPrint reports.

Each function returns a `Chart`: plain SVG 1.1 markup (no script, no CSS, no foreignObject) with
an accessible name and a one-sentence description, plus the same data as a `Table` that templates
render under the chart. Element ids derive from a hash of the output, so the same input gives
byte-identical markup. Every caller string is XML-escaped; negative values count as 0; empty or
all-zero data gives a chart that says « Aucune donnée ».

    chart = bar_chart(title=_("Réponses par Caf"), labels=names, values=counts)
    {{ chart.svg }}  {# then chart.table.caption / headers / rows as a <table> #}
"""

import hashlib
import math
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Literal

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _, gettext_lazy, ngettext, pgettext_lazy

# Colour-blind friendly hues, each at least 5:1 against white, so white text on them stays
# readable too. Adjacent segments are also separated by a white stroke.
PALETTE = (
    "#123f7a",  # portal blue
    "#b34700",  # orange
    "#0f7b6c",  # teal
    "#8e3b8f",  # purple
    "#2f6fb0",  # light blue
    "#7d6400",  # ochre
    "#b0305c",  # raspberry
    "#4d5b66",  # slate
)
TEXT = "#1f2328"
MUTED = "#6a6f75"
GRID = "#d0d4d9"
FONT = "DejaVu Sans, Arial, sans-serif"
FONT_SIZE = 13
CHAR_WIDTH = 0.6 * FONT_SIZE  # average advance of DejaVu Sans; Arial is narrower
LINE_HEIGHT = 16
STATUS_COLOURS = {"on_track": "#18753c", "at_risk": "#b34700", "off_track": "#ce0500"}
STATUS_LABELS = {
    "on_track": gettext_lazy("En bonne voie"),
    "at_risk": gettext_lazy("À risque"),
    "off_track": gettext_lazy("En retard"),
}
# One msgid for the twelve abbreviations, split on spaces: « mai » and « juin » stay distinct
# from the full month names elsewhere in the catalogue.
MONTHS = pgettext_lazy(
    "twelve abbreviated months, space-separated",
    "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
)
TODAY_COLOUR = "#ce0500"
_DASHES = ("", "6 3", "2 3", "8 3 2 3")  # line series differ by dash as well as by colour
_FORBIDDEN_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Table:
    """The chart's data as French strings: the alternative templates render under the chart."""

    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Chart:
    """A chart for a page or a PDF: safe SVG markup and its text alternatives."""

    svg: str  # safe markup, ready for {{ chart.svg }}
    title: str
    description: str
    table: Table

    def __html__(self) -> str:
        return self.svg

    __str__ = __html__  # {{ chart }} inlines the markup too


@dataclass(frozen=True)
class GanttRow:
    label: str
    start: date
    end: date  # inclusive; ignored for a milestone
    progress: float = 0  # percent, 0-100
    milestone: bool = False
    status: str = ""  # a STATUS_COLOURS key, or "" for the portal blue


# --- Formatting -------------------------------------------------------------------------------


def _format(value: float, *, percent: bool = False, unit: str = "") -> str:
    """A French number: grouped thousands, at most one decimal, then « % » or the unit."""
    rounded = round(float(value), 1)
    text = number_format(
        rounded, 0 if rounded.is_integer() else 1, use_l10n=True, force_grouping=True
    )
    if percent:
        return f"{text}\xa0%"
    return f"{text}\xa0{unit}" if unit else text


def _share(value: float, total: float) -> str:
    return _format(value / total * 100 if total else 0, percent=True)


def _item(label: str, value: str) -> str:
    return _("%(label)s : %(value)s") % {"label": label, "value": value}


def _sentence(items: list[str], *, separator: str = ", ", limit: int = 12) -> str:
    """One sentence for <desc>; a long list ends with « et N autres »: the table has them all."""
    if len(items) > limit:
        rest = len(items) - limit
        items = [*items[:limit], ngettext("et %(n)s autre", "et %(n)s autres", rest) % {"n": rest}]
    return separator.join(items) + "."


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def _clean(values: list[float]) -> list[float]:
    return [float(v) if v and math.isfinite(v) and v > 0 else 0.0 for v in values]


# --- Markup -----------------------------------------------------------------------------------


def _esc(value: object) -> str:
    """XML-escape text or an attribute value, dropping the characters XML 1.0 forbids."""
    return escape(_FORBIDDEN_IN_XML.sub("", str(value)), quote=True)


def _n(value: float) -> str:
    """A coordinate, rounded so the markup stays short and stable."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _el(tag: str, content: str | None = None, /, **attrs: object) -> str:
    """One element. `content` is markup; attribute values are escaped (class_ -> class,
    stroke_width -> stroke-width) and numbers rounded."""
    parts = "".join(
        f' {key.rstrip("_").replace("_", "-")}="'
        f'{_n(val) if isinstance(val, int | float) else _esc(val)}"'
        for key, val in attrs.items()
    )
    return f"<{tag}{parts}/>" if content is None else f"<{tag}{parts}>{content}</{tag}>"


def _text(x: float, y: float, content: str, **attrs: object) -> str:
    return _el("text", _esc(content), x=x, y=y, **attrs)


def _rect(class_: str, x: float, y: float, width: float, height: float, fill: str, **attrs) -> str:
    return _el("rect", class_=class_, x=x, y=y, width=width, height=height, fill=fill, **attrs)


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str = MUTED, **attrs: object) -> str:
    return _el("line", x1=x1, y1=y1, x2=x2, y2=y2, stroke=stroke, **attrs)


def _tip(tip: str, *children: str) -> str:
    """A group whose <title> is the tooltip: the full label and value of what it draws."""
    return _el("g", _el("title", _esc(tip)) + "".join(children))


def _wrap(text: str, *, width: float, max_lines: int = 2, size: float = FONT_SIZE) -> list[str]:
    """Lines of text that fit `width` pixels; the last kept line ends with « … » if cut."""
    max_chars = max(3, int(width / (0.6 * size)))
    lines = textwrap.wrap(text, max_chars) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max_chars - 1].rstrip() + "…"
    return lines


def _label(x: float, cy: float, lines: list[str], *, anchor: str = "end") -> str:
    """A multi-line label vertically centred on `cy`."""
    top = cy - (len(lines) - 1) * LINE_HEIGHT / 2 + FONT_SIZE * 0.35
    spans = "".join(
        _el("tspan", _esc(line), x=x, y=top + i * LINE_HEIGHT) for i, line in enumerate(lines)
    )
    return _el("text", spans, text_anchor=anchor)


def _legend(names: list[str], *, y: float, width: float, lines: bool = False) -> tuple[str, float]:
    """Swatches (or line samples) with names, flowing onto new rows; returns (markup, height)."""
    parts, x, top = [], 8.0, y
    for i, name in enumerate(names):
        label = _wrap(name, width=width - 46, max_lines=1)[0]
        item_width = 38 + len(label) * CHAR_WIDTH
        if x > 8 and x + item_width > width - 8:
            x, y = 8.0, y + 20
        colour, dash = PALETTE[i % len(PALETTE)], _DASHES[i % len(_DASHES)] or "none"
        swatch = (
            _line(x, y + 6, x + 16, y + 6, colour, stroke_width=2.5, stroke_dasharray=dash)
            if lines
            else _el("rect", x=x, y=y, width=12, height=12, fill=colour)
        )
        parts.append(_tip(name, swatch, _text(x + 22, y + 10.5, label)))
        x += item_width
    return _el("g", "".join(parts), class_="legend"), y - top + 20


def _chart(title: str, desc: str, body: str, table: Table, *, width: float, height: float) -> Chart:
    """The root <svg>; its ids hash everything drawn, so they are unique per input yet stable."""
    title = str(title)
    digest = hashlib.sha256("\x1f".join([title, desc, body, repr(table)]).encode()).hexdigest()
    chart_id = f"chart-{digest[:12]}"
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" font-family="{FONT}" font-size="{FONT_SIZE}" '
        f'fill="{TEXT}">{_el("title", _esc(title), id=f"{chart_id}-title")}'
        f"{_el('desc', _esc(desc), id=f'{chart_id}-desc')}{body}</svg>"
    )
    # Safe: every caller-supplied string went through _esc().
    return Chart(svg=mark_safe(svg), title=title, description=desc, table=table)  # noqa: S308


def _empty(title: str, table: Table, *, width: float) -> Chart:
    body = _text(width / 2, 45, _("Aucune donnée"), text_anchor="middle", fill=MUTED)
    return _chart(title, _("Aucune donnée."), body, table, width=width, height=80)


# --- Scales -----------------------------------------------------------------------------------


def nice_ticks(max_value: float, *, integer: bool = False) -> list[float]:
    """Axis ticks from 0 up to the first round value >= max_value: 3 to 5 equal steps of
    1, 2, 2.5 or 5 x 10^n (so 4 to 6 gridlines, baseline included). `integer`: whole steps."""
    max_value = max_value if max_value > 0 else 1
    magnitude = 10 ** math.floor(math.log10(max_value / 5))
    step = next(
        s
        for s in (m * magnitude for m in (1, 2, 2.5, 5, 10))
        if s >= max_value / 5 and (not integer or float(s).is_integer())
    )
    return [round(i * step, 10) for i in range(max(3, math.ceil(max_value / step - 1e-9)) + 1)]


def _scale(value: float, maximum: float, length: float) -> float:
    return value / maximum * length if maximum > 0 else 0.0


def _row_height(lines: list[str]) -> float:
    return max(30, len(lines) * LINE_HEIGHT + 10)


def _bar_rows(rows: list, *, top: float, maximum: float, width: float) -> tuple[str, float]:
    """Horizontal bars. Each row is (label, segments, end text), each segment (value, tooltip,
    text drawn inside when it fits); segments take the palette in order. -> (markup, bottom)"""
    label_width = width * 0.32
    plot = width - label_width - max(len(row[2]) for row in rows) * CHAR_WIDTH - 20
    y, parts = top, []
    for label, segments, end in rows:
        lines = _wrap(label, width=label_width - 10)
        mid, x, drawn = y + _row_height(lines) / 2, label_width, []
        for j, (value, tip, inside) in enumerate(segments):
            size = _scale(value, maximum, plot)
            rect = _rect("bar", x, mid - 10, size, 20, PALETTE[j % len(PALETTE)], stroke="#ffffff")
            if inside and size >= len(inside) * CHAR_WIDTH + 8:
                rect += _text(x + size / 2, mid + 4.5, inside, text_anchor="middle", fill="#fff")
            drawn.append(_tip(tip, rect) if len(segments) > 1 else rect)
            x += size
        tip = _item(label, end) if len(segments) == 1 else label
        end_text = _text(x + 6, mid + 4.5, end)
        parts.append(_tip(tip, _label(label_width - 8, mid, lines), *drawn, end_text))
        y += _row_height(lines)
    parts.append(_line(label_width, top - 4, label_width, y + 4))
    return "".join(parts), y + 8


# --- Charts -----------------------------------------------------------------------------------


def bar_chart(
    *,
    title: str,
    labels: list[str],
    values: list[float],
    unit: str = "",
    percent: bool = False,
    horizontal: bool = True,
    width: int = 640,
    value_format: Callable[[float], str] | None = None,
) -> Chart:
    """One bar per label, its value written at the end. `percent`: the values are percentages
    (the scale then runs to at least 100). `value_format` replaces the French formatting."""
    labels, values = [str(label) for label in labels], _clean(values)
    fmt = value_format or (lambda v: _format(v, percent=percent, unit=unit))
    rows = [[label, fmt(value)] for label, value in zip(labels, values, strict=True)]
    table = Table(str(title), [_("Catégorie"), _("Valeur")], rows)
    if not any(values):
        return _empty(title, table, width=width)
    desc = _sentence([_item(label, text) for label, text in rows])
    maximum = max(*values, 100) if percent else max(values)
    if horizontal:
        bars = [(label, [(v, "", "")], text) for (label, text), v in zip(rows, values, strict=True)]
        body, height = _bar_rows(bars, top=8, maximum=maximum, width=width)
        return _chart(title, desc, body, table, width=width, height=height)
    slot, baseline, parts = (width - 16) / len(values), 244.0, []
    bar_width = min(48, slot * 0.6)
    for i, ((label, text), value) in enumerate(zip(rows, values, strict=True)):
        centre, size = 8 + slot * (i + 0.5), _scale(value, maximum, 220)
        lines = _wrap(label, width=slot - 6, max_lines=3)
        bar = _rect("bar", centre - bar_width / 2, baseline - size, bar_width, size, PALETTE[0])
        value_text = _text(centre, baseline - size - 6, text, text_anchor="middle")
        name = _label(centre, baseline + 8 + len(lines) * LINE_HEIGHT / 2, lines, anchor="middle")
        parts.append(_tip(_item(label, text), bar, value_text, name))
    parts.append(_line(8, baseline, width - 8, baseline))
    line_count = max(len(_wrap(label, width=slot - 6, max_lines=3)) for label in labels)
    height = baseline + line_count * LINE_HEIGHT + 16
    return _chart(title, desc, "".join(parts), table, width=width, height=height)


def stacked_bar_chart(
    *,
    title: str,
    categories: list[str],
    series: dict[str, list[float]],
    percent: bool = False,
    width: int = 640,
) -> Chart:
    """One horizontal bar per category, one segment per series, a legend, and the total.
    `percent`: segments show shares of their category's total, so every bar is full."""
    categories, names = [str(c) for c in categories], [str(name) for name in series]
    # One row per category; zip(strict=True) here and below rejects series of other lengths.
    values = [_clean(row) for row in zip(*series.values(), strict=True)] or [[]] * len(categories)
    totals = [sum(row) for row in values]

    def cell(value: float, total: float) -> str:
        return f"{_format(value)} ({_share(value, total)})" if percent else _format(value)

    rows = [
        [category, *(cell(v, total) for v in row), _format(total)]
        for category, row, total in zip(categories, values, totals, strict=True)
    ]
    table = Table(str(title), [_("Catégorie"), *names, _("Total")], rows)
    if not any(totals):
        return _empty(title, table, width=width)
    desc = _sentence(
        [
            _item(row[0], ", ".join(map(" ".join, zip(names, row[1:-1], strict=True))))
            for row in rows
        ],
        separator=" ; ",
    )
    legend, legend_height = _legend(names, y=8, width=width)
    bars = []
    for category, row, total, cells in zip(categories, values, totals, rows, strict=True):
        segments = []
        for v, name, text in zip(row, names, cells[1:-1], strict=True):
            inside = (_share(v, total) if percent else _format(v)) if v else ""
            tip = _item(f"{category} — {name}", text)
            segments.append((_scale(v, total, 100) if percent else v, tip, inside))
        bars.append((category, segments, _format(total)))
    maximum = 100 if percent else max(totals)
    body, height = _bar_rows(bars, top=legend_height + 20, maximum=maximum, width=width)
    return _chart(title, desc, legend + body, table, width=width, height=height)


def line_chart(
    *,
    title: str,
    labels: list[str],
    series: dict[str, list[float]],
    unit: str = "",
    width: int = 640,
) -> Chart:
    """One line per series over `labels` (weeks, months…), on the gridlines of `nice_ticks`;
    a legend when there is more than one series."""
    labels, names = [str(label) for label in labels], [str(name) for name in series]
    data = [_clean(vals) for vals in series.values()]
    points = list(zip(labels, *data, strict=True))
    rows = [[label, *(_format(v, unit=unit) for v in vals)] for label, *vals in points]
    table = Table(str(title), [_("Période"), *names], rows)
    if not any(map(any, data)):
        return _empty(title, table, width=width)
    summaries = []
    for name, vals in zip(names, data, strict=True):
        first, last, peak = (
            f"{_format(vals[i], unit=unit)} ({labels[i]})" for i in (0, -1, vals.index(max(vals)))
        )
        summary = _("%(name)s : de %(first)s à %(last)s, maximum %(peak)s")
        summaries.append(summary % {"name": name, "first": first, "last": last, "peak": peak})
    parts, top = [], 12.0
    if len(names) > 1:
        legend, legend_height = _legend(names, y=8, width=width, lines=True)
        parts.append(legend)
        top += legend_height + 4
    ticks = nice_ticks(
        max(map(max, data)), integer=all(v.is_integer() for vals in data for v in vals)
    )
    left = max(len(_format(t)) for t in ticks) * CHAR_WIDTH + 14
    bottom, inner = top + 220, width - left - 40  # 12 px inside each end of the plot
    for tick in ticks:
        y = bottom - _scale(tick, ticks[-1], 220)
        parts.append(_line(left, y, width - 16, y, MUTED if tick == 0 else GRID))
        parts.append(_text(left - 6, y + 4.5, _format(tick), text_anchor="end"))
    step = inner / max(1, len(labels) - 1)
    xs = [left + 12 + (step * i if len(labels) > 1 else inner / 2) for i in range(len(labels))]
    every = max(1, math.ceil((max(map(len, labels)) * CHAR_WIDTH + 8) / step))
    for x, label in list(zip(xs, labels, strict=True))[::every]:
        shown = _wrap(label, width=step * every - 8, max_lines=1)[0]
        parts.append(_text(x, bottom + 18, shown, text_anchor="middle"))
    for j, (name, vals) in enumerate(zip(names, data, strict=True)):
        colour, dash = PALETTE[j % len(PALETTE)], _DASHES[j % len(_DASHES)] or "none"
        xy = [(x, bottom - _scale(v, ticks[-1], 220)) for x, v in zip(xs, vals, strict=True)]
        path = "M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in xy)
        style = {"fill": "none", "stroke": colour, "stroke_width": 2.5, "stroke_dasharray": dash}
        parts.append(_el("path", class_="line", d=path, **style))
        for (x, y), label, v in zip(xy, labels, vals, strict=True):
            point = _el("circle", class_="point", cx=x, cy=y, r=3.5, fill=colour)
            parts.append(_tip(_item(f"{name} — {label}", _format(v, unit=unit)), point))
    desc = _sentence(summaries, separator=" ; ")
    return _chart(title, desc, "".join(parts), table, width=width, height=bottom + 30)


def _arc(cx: float, cy: float, outer: float, inner: float, start: float, end: float) -> str:
    """An annular sector path between two angles (radians, clockwise from 12 o'clock)."""
    if end - start >= 2 * math.pi - 1e-9:  # one arc cannot close on itself: two half rings
        middle = start + math.pi
        return _arc(cx, cy, outer, inner, start, middle) + _arc(cx, cy, outer, inner, middle, end)

    def point(radius: float, angle: float) -> str:
        return f"{_n(cx + radius * math.sin(angle))} {_n(cy - radius * math.cos(angle))}"

    large = 1 if end - start > math.pi else 0
    return (
        f"M{point(outer, start)}A{outer} {outer} 0 {large} 1 {point(outer, end)}"
        f"L{point(inner, end)}A{inner} {inner} 0 {large} 0 {point(inner, start)}Z"
    )


def donut_chart(*, title: str, labels: list[str], values: list[float], width: int = 640) -> Chart:
    """Shares of a whole: the total in the centre, a legend with each value and percentage."""
    labels, values = [str(label) for label in labels], _clean(values)
    total = sum(values)
    rows = [[label, _format(v), _share(v, total)] for label, v in zip(labels, values, strict=True)]
    table = Table(str(title), [_("Catégorie"), _("Valeur"), _("Part")], rows)
    if not total:
        return _empty(title, table, width=width)
    items = [_item(label, f"{value} ({share})") for label, value, share in rows]
    parts, angle = [], 0.0
    for i, (value, item) in enumerate(zip(values, items, strict=True)):
        colour, sweep = PALETTE[i % len(PALETTE)], value / total * 2 * math.pi
        if value:
            d = _arc(110, 110, 100, 60, angle, angle + sweep)
            slice_ = _el(
                "path", class_="slice", d=d, fill=colour, stroke="#ffffff", stroke_width=1.5
            )
            parts.append(_tip(item, slice_))
        angle += sweep
        shown = _wrap(item, width=width - 270, max_lines=1)[0]
        swatch = _rect("swatch", 240, 9 + 22 * i, 12, 12, colour)
        parts.append(_tip(item, swatch, _text(260, 20 + 22 * i, shown)))
    parts.append(
        _text(110, 114, _format(total), text_anchor="middle", font_size=22, font_weight="bold")
    )
    parts.append(_text(110, 134, _("au total"), text_anchor="middle", font_size=12, fill=MUTED))
    height = max(224.0, 22 * len(items) + 12)
    return _chart(title, _sentence(items), "".join(parts), table, width=width, height=height)


def progress_bar(
    *,
    title: str,
    value: float,
    target: float = 100,
    status: Literal["on_track", "at_risk", "off_track"] = "on_track",
    width: int = 640,
) -> Chart:
    """A single gauge: value against target, coloured and labelled by status."""
    if status not in STATUS_COLOURS:
        raise ValueError(f"Unknown status {status!r}; expected one of {sorted(STATUS_COLOURS)}")
    value, target = _clean([value, target])
    label, share = str(STATUS_LABELS[status]), _share(value, target)
    row = [_format(value), _format(target), share, label]
    table = Table(str(title), [_("Valeur"), _("Cible"), _("Avancement"), _("Statut")], [row])
    if not target:
        return _empty(title, table, width=width)
    of = _("%(value)s sur %(target)s") % {"value": row[0], "target": row[1]}
    desc = _("%(share)s de la cible (%(of)s), %(status)s.")
    desc %= {"share": share, "of": of, "status": label.lower()}
    filled = min(value / target, 1) * (width - 2)
    body = (
        _text(1, 16, f"{share} — {label}", font_weight="bold")
        + _text(width - 1, 16, of, text_anchor="end", fill=MUTED)
        + _rect("track", 1, 26, width - 2, 20, "#eef0f2", stroke=MUTED)
        + _rect("progress", 1, 26, filled, 20, STATUS_COLOURS[status])
    )
    return _chart(title, desc, body, table, width=width, height=50)


def _months(start: date, end: date, *, left: float, day_width: float, bottom: float) -> str:
    """Month names along the top (the year under the first month and each January when the
    range spans years), a gridline at each month start."""
    parts, month, index = [], start.replace(day=1), 0
    names = str(MONTHS).split()
    every = max(1, math.ceil((5 * 0.6 * 12 + 6) / (30.4 * day_width)))  # « sept. » must fit
    while month <= end:
        x = left + max((month - start).days, 0) * day_width
        if month > start:
            parts.append(_line(x, 32, x, bottom, GRID))
        if index % every == 0:
            parts.append(_text(x + 3, 14, names[month.month - 1], font_size=12, fill=MUTED))
            if index == 0 or month.month == 1:
                parts.append(_text(x + 3, 27, str(month.year), font_size=11, fill=MUTED))
        month, index = (month + timedelta(days=32)).replace(day=1), index + 1
    return "".join(parts)


def _progress(row: GanttRow) -> float:
    return min(_clean([row.progress])[0], 100.0)


def _gantt_cells(row: GanttRow) -> list[str]:
    """The row's line in the data table: label, start, end, progress, status."""
    status = str(STATUS_LABELS.get(row.status, ""))
    if row.milestone:
        return [row.label, _day(row.start), "—", _("Jalon"), status]
    progress = _format(_progress(row), percent=True)
    return [row.label, _day(row.start), _day(max(row.end, row.start)), progress, status]


def gantt_chart(
    *,
    title: str,
    start: date,
    end: date,
    rows: list[GanttRow],
    today: date | None = None,
    width: int = 640,
) -> Chart:
    """A timeline from `start` to `end` (inclusive): months along the top, one bar per row
    filled up to its progress, diamonds for milestones, a line for today when in range."""
    today = today or timezone.localdate()
    headers = [_("Élément"), _("Début"), _("Fin"), _("Avancement"), _("Statut")]
    table = Table(str(title), headers, [_gantt_cells(row) for row in rows])
    if not rows or end < start:
        return _empty(title, table, width=width)
    milestones = sum(row.milestone for row in rows)
    tasks = len(rows) - milestones
    desc = _("Du %(start)s au %(end)s : %(tasks)s, %(milestones)s.") % {
        "start": _day(start),
        "end": _day(end),
        "tasks": ngettext("%(n)s action", "%(n)s actions", tasks) % {"n": tasks},
        "milestones": ngettext("%(n)s jalon", "%(n)s jalons", milestones) % {"n": milestones},
    }
    left, right, header = width * 0.3, width - 8.0, 38.0
    day_width = (right - left) / ((end - start).days + 1)

    def x_of(day: date) -> float:  # the left edge of a day, unclamped
        return left + (day - start).days * day_width

    def clamp(x: float) -> float:
        return min(max(x, left), right)

    row_lines = [_wrap(row.label, width=left - 10) for row in rows]
    bottom = header + sum(map(_row_height, row_lines))
    parts, y = [_months(start, end, left=left, day_width=day_width, bottom=bottom)], header
    for row, lines, cells in zip(rows, row_lines, table.rows, strict=True):
        mid, colour = y + _row_height(lines) / 2, STATUS_COLOURS.get(row.status, PALETTE[0])
        shapes, status = [], f", {cells[4].lower()}" if cells[4] else ""
        if row.milestone:
            tip = _("%(label)s : jalon le %(day)s") % {"label": row.label, "day": cells[1]}
            if start <= row.start <= end:
                x = x_of(row.start) + day_width / 2
                d = f"M{_n(x)} {_n(mid - 8)}l8 8l-8 8l-8 -8Z"
                shapes.append(_el("path", class_="milestone", d=d, fill=colour))
        else:
            tip = _("%(label)s : du %(start)s au %(end)s, %(progress)s")
            tip %= {"label": row.label, "start": cells[1], "end": cells[2], "progress": cells[3]}
            first, last = x_of(row.start), x_of(max(row.end, row.start)) + day_width
            done = first + (last - first) * _progress(row) / 100
            x0, x1 = clamp(first), clamp(last)
            if x1 > x0:
                outline = {"stroke": colour, "stroke_width": 1.5}
                shapes.append(_rect("task", x0, mid - 8, x1 - x0, 16, "#ffffff", **outline))
                shapes.append(_rect("task-progress", x0, mid - 8, clamp(done) - x0, 16, colour))
                if x1 + 6 + len(cells[3]) * 0.6 * 12 <= width:
                    shapes.append(_text(x1 + 4, mid + 4.5, cells[3], font_size=12))
        parts.append(_tip(tip + status, _label(left - 8, mid, lines), *shapes))
        y += _row_height(lines)
    parts.append(_line(left, header - 6, left, bottom))
    height = bottom + 8
    if start <= today <= end:
        desc += " " + _("Aujourd'hui : %(today)s.") % {"today": _day(today)}
        x = x_of(today) + day_width / 2
        dashed = {"class_": "today", "stroke_width": 2, "stroke_dasharray": "4 3"}
        parts.append(_line(x, header - 6, x, bottom, TODAY_COLOUR, **dashed))
        label_x = min(max(x, left + 40), right - 40)  # centred on the line, inside the chart
        note = _("aujourd'hui")
        parts.append(_text(label_x, bottom + 16, note, fill=TODAY_COLOUR, text_anchor="middle"))
        height += 16
    return _chart(title, desc, "".join(parts), table, width=width, height=height)
