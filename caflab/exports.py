"""CSV and XLSX exports shared by every « Exporter » button and admin action of the portal.

CSV follows what French Excel opens without a wizard: UTF-8 with BOM, ';' delimiter, CRLF, French
dates and decimal commas. XLSX keeps real dates and numbers. Both neutralise formula injection.
"""

import csv
import datetime as dt
import inspect
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from io import BytesIO
from itertools import chain, islice
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

PARIS = ZoneInfo("Europe/Paris")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
# OWASP CSV injection: spreadsheets evaluate cells starting with these characters.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Rows sampled to size XLSX columns: write-only sheets need widths before the first row.
WIDTH_SAMPLE = 100


@dataclass(frozen=True)
class Column:
    """One exported column: the French header and how to read the cell from a row."""

    header: str
    value: Callable[[Any], Any]
    key: str = ""


def _lookup(path: str) -> Callable[[Any], Any]:
    """Follow an attribute or dict key path ("caf__region__name"); a None along the way is None."""
    parts = path.split("__")

    def read(row: Any) -> Any:
        value = row
        for part in parts:
            if value is None:
                return None
            value = value.get(part) if isinstance(value, Mapping) else getattr(value, part)
        # Bound methods and Django's get_FOO_display (a functools.partial) are called; related
        # managers are not.
        return value() if inspect.ismethod(value) or isinstance(value, partial) else value

    return read


def columns_from(pairs: Iterable[tuple[str, str | Callable[[Any], Any]]]) -> list[Column]:
    """Build columns from (header, path or callable) pairs."""
    return [
        Column(header=header, value=_lookup(spec), key=spec)
        if isinstance(spec, str)
        else Column(header=header, value=spec)
        for header, spec in pairs
    ]


def neutralise(text: str) -> str:
    """Prefix a quote so that spreadsheets show formula-like text instead of running it."""
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def _paris_naive(value: dt.datetime) -> dt.datetime:
    """Excel has no time zones: aware datetimes are shown in Paris time."""
    return value.astimezone(PARIS).replace(tzinfo=None) if value.tzinfo else value


def csv_cell(value: Any) -> str:
    """Format one value the way French spreadsheet users read it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, dt.datetime):
        return _paris_naive(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return neutralise(str(value))


def xlsx_cell(value: Any) -> Any:
    """Keep dates and numbers native for Excel; everything else becomes safe text."""
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if value is None or isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        return _paris_naive(value)
    if isinstance(value, dt.date):
        return value
    # openpyxl refuses control characters other than tab and newlines: drop them, not the export.
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def export_rows(
    *,
    rows: Iterable,
    columns: Sequence[Column],
    formatter: Callable[[Any], Any] = csv_cell,
) -> Iterator[list]:
    """Yield one list of formatted cells per row (no header); CSV formatting unless told."""
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=2000)  # stream large querysets instead of caching them
    for row in rows:
        yield [formatter(column.value(row)) for column in columns]


def content_disposition(filename: str) -> str:
    """Attachment header: ASCII fallback for old clients, exact UTF-8 name per RFC 5987."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = "".join(c if c.isprintable() and c not in '"\\;' else "_" for c in ascii_name)
    return f"attachment; filename=\"{ascii_name or 'export'}\"; filename*=utf-8''{quote(filename)}"


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_response(
    *, filename: str, rows: Iterable, columns: Sequence[Column]
) -> StreamingHttpResponse:
    """Stream a CSV file that French Excel opens directly."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    lines = chain(
        ["\ufeff", writer.writerow([neutralise(str(column.header)) for column in columns])],
        (writer.writerow(cells) for cells in export_rows(rows=rows, columns=columns)),
    )
    response = StreamingHttpResponse(lines, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def _sheet_title(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    return "".join("_" if c in "[]:*?/\\" else c for c in str(title))[:31] or "Export"


def xlsx_response(
    *, filename: str, rows: Iterable, columns: Sequence[Column], sheet_title: str = "Export"
) -> HttpResponse:
    """Build an XLSX file with a bold frozen header, native dates and numbers."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title))
    headers = [neutralise(str(column.header)) for column in columns]
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
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def _dated(sheet, value: Any) -> Any:
    """Give dates the French display format; other values go in as they are."""
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY HH:MM" if isinstance(value, dt.datetime) else "DD/MM/YYYY"
        return cell
    return value


def export_response(
    *,
    fmt: str,
    filename_stem: str,
    rows: Iterable,
    columns: Sequence[Column],
    sheet_title: str = "Export",
) -> HttpResponse | StreamingHttpResponse:
    """Answer an export in the requested format; an unknown format is a 404."""
    fmt = (fmt or "").lower()
    if fmt == "csv":
        return csv_response(filename=f"{filename_stem}.csv", rows=rows, columns=columns)
    if fmt == "xlsx":
        return xlsx_response(
            filename=f"{filename_stem}.xlsx", rows=rows, columns=columns, sheet_title=sheet_title
        )
    raise Http404(_("Format d'export inconnu."))


def admin_export_action(
    *, columns: Sequence[Column], filename_stem: str, fmt: str, description: str
) -> Callable:
    """An admin action exporting the selected objects; needs the view permission."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format: {fmt!r}")  # fail at import, not on click

    @admin.action(description=description, permissions=["view"])
    def export(modeladmin, request, queryset):
        return export_response(
            fmt=fmt,
            filename_stem=filename_stem,
            rows=queryset,
            columns=columns,
            sheet_title=str(queryset.model._meta.verbose_name_plural),
        )

    # Admin actions are keyed by function name: a CSV and an XLSX action must not collide.
    export.__name__ = f"export_{fmt}"
    return export
