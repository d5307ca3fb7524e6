import csv
import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.http import Http404
from openpyxl import load_workbook

from caflab.exports import (
    Column,
    admin_export_action,
    columns_from,
    csv_response,
    export_response,
    export_rows,
    xlsx_response,
)
from caflab.models import Caf

INJECTIONS = ["=SUM(A1)", "+33 6 12 34 56 78", "-1+2", "@cmd", "\t=1"]
ROWS = [
    {
        "name": "Élodie Müller 🎉",
        "day": dt.date(2024, 7, 14),
        "at": dt.datetime(2024, 7, 14, 10, 30, tzinfo=dt.UTC),  # 12:30 in Paris (summer time)
        "amount": Decimal("1234.50"),
        "ratio": 0.25,
        "count": -3,
        "active": True,
        "closed": None,
    },
    *({"name": text, "count": -1, "active": False} for text in INJECTIONS),
]
COLUMNS = columns_from(
    [
        ("Nom", "name"),
        ("Jour", "day"),
        ("Horodatage", "at"),
        ("Montant", "amount"),
        ("Taux", "ratio"),
        ("Nombre", "count"),
        ("Actif", "active"),
        ("Clôture", "closed"),
    ]
)


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(response):
    return load_workbook(io.BytesIO(content(response))).active


def test_csv_is_french_excel_friendly():
    response = csv_response(filename="export.csv", rows=ROWS, columns=COLUMNS)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = content(response)
    header_line = "\ufeffNom;Jour;Horodatage;Montant;Taux;Nombre;Actif;Clôture\r\n"
    assert body.startswith(header_line.encode())
    header, first, *others = read_csv(body)
    assert header == [column.header for column in COLUMNS]
    assert first == [
        "Élodie Müller 🎉",
        "14/07/2024",
        "14/07/2024 12:30",
        "1234,50",
        "0,25",
        "-3",
        "Oui",
        "",
    ]
    assert [row[0] for row in others] == ["'" + text for text in INJECTIONS]
    assert {(row[5], row[6]) for row in others} == {("-1", "Non")}


def test_xlsx_keeps_native_types_and_neutralises_formulas():
    response = xlsx_response(filename="export.xlsx", rows=ROWS, columns=COLUMNS, sheet_title="Caf")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = read_xlsx(response)
    assert sheet.title == "Caf"
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS]
    assert all(cell.font.bold for cell in sheet[1])
    name, day, at, amount, ratio, count, active, closed = (cell.value for cell in sheet[2])
    assert name == "Élodie Müller 🎉"
    assert isinstance(day, dt.datetime)
    assert (day.isoformat(), at.isoformat()) == ("2024-07-14T00:00:00", "2024-07-14T12:30:00")
    assert sheet["B2"].number_format == "DD/MM/YYYY"
    assert (amount, ratio, count) == (1234.5, 0.25, -3)
    assert (active, closed) == ("Oui", None)
    assert [sheet.cell(row=3 + i, column=1).value for i in range(5)] == [
        "'" + text for text in INJECTIONS
    ]
    assert sheet["F3"].value == -1
    assert sheet["G3"].value == "Non"


def test_export_rows_follow_paths_through_objects_dicts_and_missing_relations():
    columns = columns_from(
        [("Caf", "caf__name"), ("Région", "caf__region__name"), ("T", lambda r: type(r).__name__)]
    )
    rows = [
        SimpleNamespace(caf={"name": "Caf de l'Isère", "region": SimpleNamespace(name="ARA")}),
        SimpleNamespace(caf=None),
    ]
    assert list(export_rows(rows=[], columns=columns)) == []
    assert list(export_rows(rows=[{"caf": None}], columns=columns)) == [["", "", "dict"]]
    assert list(export_rows(rows=rows, columns=columns)) == [
        ["Caf de l'Isère", "ARA", "SimpleNamespace"],
        ["", "", "SimpleNamespace"],
    ]
    assert columns[0] == Column(header="Caf", value=columns[0].value, key="caf__name")


def test_accented_filename_gives_ascii_fallback_and_utf8_name():
    response = export_response(fmt="csv", filename_stem="Caf été «2024»", rows=[], columns=COLUMNS)
    disposition = response["Content-Disposition"]
    disposition.encode("ascii")
    assert disposition.startswith('attachment; filename="Caf ete 2024.csv"')
    assert "filename*=utf-8''Caf%20%C3%A9t%C3%A9%20%C2%AB2024%C2%BB.csv" in disposition


def test_export_response_dispatches_and_refuses_unknown_formats():
    assert export_response(fmt="XLSX", filename_stem="x", rows=ROWS, columns=COLUMNS)[
        "Content-Disposition"
    ].endswith(".xlsx")
    with pytest.raises(Http404):
        export_response(fmt="pdf", filename_stem="x", rows=ROWS, columns=COLUMNS)
    with pytest.raises(ValueError, match="pdf"):
        admin_export_action(columns=COLUMNS, filename_stem="x", fmt="pdf", description="PDF")


CAF_COLUMNS = columns_from(
    [
        ("Numéro", "number"),
        ("Nom", "name"),
        ("Département", "department_name"),
        ("Siège", "city"),
        ("Région", "region__name"),
    ]
)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_admin_action_exports_exactly_the_selected_cafs(rf, fmt):
    action = admin_export_action(
        columns=CAF_COLUMNS, filename_stem="cafs", fmt=fmt, description="Exporter"
    )
    assert action.__name__ == f"export_{fmt}"
    assert action.allowed_permissions == ["view"]
    selected = Caf.objects.filter(number__in=["38", "2A"]).select_related("region")
    response = action(admin.ModelAdmin(Caf, admin.site), rf.post("/admin/"), selected)
    assert f'filename="cafs.{fmt}"' in response["Content-Disposition"]
    if fmt == "csv":
        table = read_csv(content(response))
    else:
        table = [[cell.value for cell in row] for row in read_xlsx(response).iter_rows()]
    assert table == [
        ["Numéro", "Nom", "Département", "Siège", "Région"],
        ["2A", "Caf de la Corse-du-Sud", "Corse-du-Sud", "Ajaccio", "Corse"],
        ["38", "Caf de l'Isère", "Isère", "Grenoble", "Auvergne-Rhône-Alpes"],
    ]
