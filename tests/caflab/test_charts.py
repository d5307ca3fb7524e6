import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import number_format
from django.utils.safestring import SafeString

from caflab import charts
from caflab.charts import GanttRow

SVG = "{http://www.w3.org/2000/svg}"
# SVG 1.1 elements WeasyPrint draws; tspan carries the lines of a wrapped label.
ALLOWED_TAGS = {"svg", "g", "title", "desc", "rect", "line", "path", "circle", "text", "tspan"}
TRICKY = 'Parents & "aidants" <test>'


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def fr(value, decimals=0):
    """What Django itself writes for a French number, whatever its separator is."""
    return number_format(value, decimals, use_l10n=True, force_grouping=True)


def parse(chart):
    return ET.fromstring(str(chart.svg))  # noqa: S314 - our own markup


def texts(root):
    """Each <text>, its wrapped lines (<tspan>) joined by a space."""
    return [" ".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def rects(root, class_):
    return [el for el in root.iter(f"{SVG}rect") if el.get("class") == class_]


def plan(*rows):
    return {"title": "Plan CTG", "start": date(2026, 1, 1), "end": date(2026, 6, 30), "rows": rows}


GANTT_ROWS = [
    GanttRow("Diagnostic", date(2026, 1, 5), date(2026, 2, 20), progress=100, status="on_track"),
    GanttRow("Ateliers", date(2026, 2, 1), date(2026, 5, 31), progress=40, status="at_risk"),
    GanttRow("Signature", date(2026, 6, 15), date(2026, 6, 15), milestone=True),
]
EXAMPLES = {
    "bar": lambda: charts.bar_chart(title="Réponses", labels=["Oui", "Non"], values=[1234, 662]),
    "column": lambda: charts.bar_chart(
        title="Réponses", labels=["Oui", "Non"], values=[1234, 662], horizontal=False
    ),
    "stacked": lambda: charts.stacked_bar_chart(
        title="Avis par Caf",
        categories=["Isère", "Finistère"],
        series={"Oui": [3, 5], "Non": [1, 2]},
    ),
    "line": lambda: charts.line_chart(
        title="Réponses par semaine", labels=["S1", "S2", "S3"], series={"Public": [4, 9, 2]}
    ),
    "donut": lambda: charts.donut_chart(title="Avis", labels=["Oui", "Non"], values=[1234, 662]),
    "progress": lambda: charts.progress_bar(title="Actions réalisées", value=12, target=20),
    "gantt": lambda: charts.gantt_chart(**plan(*GANTT_ROWS), today=date(2026, 3, 2)),
}


@pytest.mark.parametrize("kind", EXAMPLES)
def test_every_chart_is_well_formed_accessible_svg(kind):
    chart = EXAMPLES[kind]()
    root = parse(chart)
    assert isinstance(chart.svg, SafeString)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("preserveAspectRatio") == "xMinYMin meet"
    assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root.get("viewBox"))
    assert root.get("font-family") == "DejaVu Sans, Arial, sans-serif"
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id"), title.text) == (f"{SVG}title", title_id, chart.title)
    assert (desc.tag, desc.get("id"), desc.text) == (f"{SVG}desc", desc_id, chart.description)
    assert chart.description.endswith(".")
    assert {el.tag.removeprefix(SVG) for el in root.iter()} <= ALLOWED_TAGS
    assert "style" not in str(chart.svg)
    assert "var(" not in str(chart.svg)


def test_the_svg_is_inlined_unescaped_by_templates():
    chart = EXAMPLES["bar"]()
    html = Template("{{ chart.svg }}|{{ chart }}").render(Context({"chart": chart}))
    assert html == f"{chart.svg}|{chart.svg}"


def test_bar_values_are_written_in_french():
    chart = charts.bar_chart(title="Réponses", labels=["Isère", "Finistère"], values=[1887, 12.25])
    assert texts(parse(chart)) == ["Isère", fr(1887), "Finistère", fr(12.2, 1)]
    assert chart.description == f"Isère : {fr(1887)}, Finistère : {fr(12.2, 1)}."
    assert fr(1887) != "1887"  # thousands are grouped


def test_percentages_and_units_are_written_in_french():
    rates = charts.bar_chart(title="Taux", labels=["Oui"], values=[42.5], percent=True)
    assert f"{fr(42.5, 1)}\xa0%" in texts(parse(rates))
    hours = charts.bar_chart(title="Durée", labels=["Atelier"], values=[1500], unit="h")
    assert f"{fr(1500)}\xa0h" in texts(parse(hours))


def test_decimals_from_database_aggregates_are_accepted():
    chart = charts.bar_chart(title="Moyenne", labels=["Note"], values=[Decimal("3.25")])
    assert chart.table.rows == [["Note", fr(3.2, 1)]]
    row = GanttRow("Action", date(2026, 2, 1), date(2026, 3, 1), progress=Decimal("40"))
    assert charts.gantt_chart(**plan(row)).table.rows[0][3] == "40\xa0%"


def test_a_value_format_replaces_the_default_formatting():
    chart = charts.bar_chart(
        title="Notes", labels=["Idée"], values=[4], value_format=lambda v: f"{v:.0f}/5"
    )
    assert "4/5" in texts(parse(chart))
    assert chart.table.rows == [["Idée", "4/5"]]


def test_bar_lengths_are_proportional_to_values():
    chart = charts.bar_chart(title="Idées", labels=["A", "B", "C", "D"], values=[200, 100, 50, -7])
    widths = [float(el.get("width")) for el in rects(parse(chart), "bar")]
    assert widths[0] > 0
    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.01)
    assert widths[2] == pytest.approx(widths[0] / 4, abs=0.01)
    assert widths[3] == 0  # negative values count as zero


def test_percent_bars_are_measured_against_one_hundred():
    chart = charts.bar_chart(title="Taux", labels=["A", "B"], values=[50, 25], percent=True)
    root = parse(chart)
    track = float(root.get("viewBox").split()[2])
    widths = [float(el.get("width")) for el in rects(root, "bar")]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.01)
    assert widths[0] < track / 2  # 50 % is half the plot, not all of it


def test_column_heights_are_proportional_to_values():
    chart = charts.bar_chart(title="Idées", labels=["A", "B"], values=[30, 10], horizontal=False)
    heights = [float(el.get("height")) for el in rects(parse(chart), "bar")]
    assert heights[1] == pytest.approx(heights[0] / 3, abs=0.01)


def test_height_grows_with_the_number_of_bars():
    def height(count):
        chart = charts.bar_chart(
            title="Caf", labels=[f"Caf {i}" for i in range(count)], values=[1] * count
        )
        return float(parse(chart).get("viewBox").split()[3])

    assert height(3) < height(10) < height(101)


def test_labels_are_escaped():
    chart = charts.bar_chart(title=f"Titre {TRICKY}", labels=[TRICKY], values=[3])
    root = parse(chart)
    assert TRICKY in texts(root)
    assert f"{TRICKY} : 3" in [el.text for el in root.iter(f"{SVG}title")]
    assert root.find(f"{SVG}title").text == f"Titre {TRICKY}"
    assert "<test>" not in str(chart.svg)
    assert "&lt;test&gt;" in str(chart.svg)
    for build in (
        lambda: charts.stacked_bar_chart(title=TRICKY, categories=[TRICKY], series={TRICKY: [1]}),
        lambda: charts.line_chart(title=TRICKY, labels=[TRICKY], series={TRICKY: [1], "b": [2]}),
        lambda: charts.donut_chart(title=TRICKY, labels=[TRICKY], values=[1]),
        lambda: charts.progress_bar(title=TRICKY, value=1),
        lambda: charts.gantt_chart(**plan(GanttRow(TRICKY, date(2026, 2, 1), date(2026, 3, 1)))),
    ):
        assert "<test>" not in str(build().svg)
        parse(build())


def test_characters_forbidden_in_xml_are_dropped():
    chart = charts.bar_chart(title="Bip\x07", labels=["a\x00b"], values=[1])
    assert "ab" in texts(parse(chart))


def test_long_labels_are_cut_with_an_ellipsis_and_kept_whole_in_a_tooltip():
    label = " ".join(["Caisse d'allocations familiales"] * 6)
    root = parse(charts.bar_chart(title="Caf", labels=[label], values=[5]))
    (shown, _value) = texts(root)
    assert shown.endswith("…")
    assert len(shown) < len(label)
    assert f"{label} : 5" in [el.text for el in root.iter(f"{SVG}title")]


def test_the_same_input_gives_identical_markup():
    for build in EXAMPLES.values():
        assert build().svg == build().svg


def test_different_inputs_get_different_ids():
    def ids(chart):
        return parse(chart).get("aria-labelledby")

    first = charts.bar_chart(title="Réponses", labels=["Oui", "Non"], values=[1234, 662])
    other_value = charts.bar_chart(title="Réponses", labels=["Oui", "Non"], values=[1234, 663])
    other_title = charts.bar_chart(title="Réponses 2", labels=["Oui", "Non"], values=[1234, 662])
    assert len({ids(first), ids(other_value), ids(other_title)}) == 3
    assert re.fullmatch(r"chart-[0-9a-f]{12}-title chart-[0-9a-f]{12}-desc", ids(first))


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.bar_chart(title="Vide", labels=[], values=[]),
        lambda: charts.bar_chart(title="Zéros", labels=["a", "b"], values=[0, -3]),
        lambda: charts.bar_chart(title="Zéros", labels=["a"], values=[0], horizontal=False),
        lambda: charts.stacked_bar_chart(title="Vide", categories=[], series={}),
        lambda: charts.stacked_bar_chart(title="Zéros", categories=["a"], series={"x": [0]}),
        lambda: charts.line_chart(title="Vide", labels=[], series={"x": []}),
        lambda: charts.line_chart(title="Zéros", labels=["S1", "S2"], series={"x": [0, 0]}),
        lambda: charts.donut_chart(title="Zéros", labels=["a", "b"], values=[0, 0]),
        lambda: charts.progress_bar(title="Sans cible", value=5, target=0),
        lambda: charts.gantt_chart(**plan()),
        lambda: charts.gantt_chart(
            title="À l'envers", start=date(2026, 6, 1), end=date(2026, 1, 1), rows=GANTT_ROWS
        ),
    ],
)
def test_empty_data_says_so_instead_of_dividing_by_zero(build):
    chart = build()
    root = parse(chart)
    assert texts(root) == ["Aucune donnée"]
    assert chart.description == "Aucune donnée."


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="zip"):
        charts.bar_chart(title="x", labels=["a", "b"], values=[1])
    with pytest.raises(ValueError, match="zip"):
        charts.stacked_bar_chart(title="x", categories=["a"], series={"s": [1, 2], "t": [1, 2]})
    with pytest.raises(ValueError, match="zip"):
        charts.line_chart(title="x", labels=["a", "b"], series={"s": [1]})


def test_bar_chart_table():
    chart = charts.bar_chart(title="Réponses", labels=["Oui", TRICKY], values=[1887, 3.5])
    assert chart.table.caption == "Réponses"
    assert chart.table.headers == ["Catégorie", "Valeur"]
    assert chart.table.rows == [["Oui", fr(1887)], [TRICKY, fr(3.5, 1)]]


def test_stacked_bars_have_a_legend_segments_and_a_table():
    chart = charts.stacked_bar_chart(
        title="Avis", categories=["Isère", "Finistère"], series={"Oui": [30, 10], "Non": [10, 10]}
    )
    root = parse(chart)
    legend = next(el for el in root.iter(f"{SVG}g") if el.get("class") == "legend")
    assert texts(legend) == ["Oui", "Non"]
    widths = [float(el.get("width")) for el in rects(root, "bar")]
    assert widths[0] == pytest.approx(3 * widths[1], abs=0.01)  # Isère: 30 then 10
    assert widths[2] + widths[3] == pytest.approx((widths[0] + widths[1]) / 2, abs=0.01)
    assert chart.table.headers == ["Catégorie", "Oui", "Non", "Total"]
    assert chart.table.rows == [["Isère", "30", "10", "40"], ["Finistère", "10", "10", "20"]]
    assert chart.description == "Isère : Oui 30, Non 10 ; Finistère : Oui 10, Non 10."


def test_percent_stacked_bars_are_all_full_and_show_shares():
    chart = charts.stacked_bar_chart(
        title="Avis", categories=["A", "B"], series={"Oui": [3, 1], "Non": [1, 1]}, percent=True
    )
    widths = [float(el.get("width")) for el in rects(parse(chart), "bar")]
    assert widths[0] + widths[1] == pytest.approx(widths[2] + widths[3], abs=0.01)
    assert chart.table.rows[0] == ["A", "3 (75\xa0%)", "1 (25\xa0%)", "4"]
    assert "75\xa0%" in texts(parse(chart))


def test_line_chart_points_gridlines_and_table():
    chart = charts.line_chart(
        title="Idées par mois", labels=["janv.", "févr.", "mars"], series={"Idées": [3, 1887, 12]}
    )
    root = parse(chart)
    points = [el for el in root.iter(f"{SVG}circle") if el.get("class") == "point"]
    assert len(points) == 3
    assert float(points[1].get("cy")) < float(points[2].get("cy")) < float(points[0].get("cy"))
    ticks = charts.nice_ticks(1887, integer=True)
    assert {fr(t) for t in ticks} <= set(texts(root))
    assert not any(el.get("class") == "legend" for el in root.iter(f"{SVG}g"))
    assert chart.table.headers == ["Période", "Idées"]
    assert chart.table.rows[1] == ["févr.", fr(1887)]
    assert fr(1887) in chart.description


def test_line_chart_with_several_series_has_a_legend():
    chart = charts.line_chart(
        title="Réponses", labels=["S1", "S2"], series={"Public": [1, 2], "Agents": [3, 4]}
    )
    root = parse(chart)
    assert len([el for el in root.iter(f"{SVG}path") if el.get("class") == "line"]) == 2
    legend = next(el for el in root.iter(f"{SVG}g") if el.get("class") == "legend")
    assert texts(legend) == ["Public", "Agents"]
    assert chart.table.rows == [["S1", "1", "3"], ["S2", "2", "4"]]


@pytest.mark.parametrize("max_value", [1, 3, 7, 12, 42.5, 100, 1887, 0.8, 0.03, 250_000])
def test_nice_ticks_are_round_and_cover_the_maximum(max_value):
    ticks = charts.nice_ticks(max_value)
    step = ticks[1]
    assert ticks[0] == 0
    assert 4 <= len(ticks) <= 6
    assert ticks[-1] >= max_value
    assert ticks[-2] < max_value or len(ticks) == 4
    assert all(t == pytest.approx(i * step) for i, t in enumerate(ticks))
    mantissa = step / 10 ** int(f"{step:e}".split("e")[1])
    assert mantissa in {1, 2, 2.5, 5}


def test_nice_ticks_for_counts_stay_whole():
    assert charts.nice_ticks(12, integer=True) == [0, 5, 10, 15]
    assert charts.nice_ticks(3, integer=True) == [0, 1, 2, 3]
    assert charts.nice_ticks(100) == [0, 20, 40, 60, 80, 100]
    assert charts.nice_ticks(0) == charts.nice_ticks(1)


def test_donut_legend_shows_values_and_percentages():
    chart = charts.donut_chart(title="Avis", labels=["Oui", "Non", "Blanc"], values=[1234, 662, 0])
    root = parse(chart)
    assert (
        chart.description
        == f"Oui : {fr(1234)} (65,1\xa0%), Non : 662 (34,9\xa0%), Blanc : 0 (0\xa0%)."
    )
    assert f"Oui : {fr(1234)} (65,1\xa0%)" in texts(root)
    assert fr(1896) in texts(root)  # the total, in the centre
    assert len([el for el in root.iter(f"{SVG}path") if el.get("class") == "slice"]) == 2
    assert chart.table.headers == ["Catégorie", "Valeur", "Part"]
    assert chart.table.rows[2] == ["Blanc", "0", "0\xa0%"]


def test_a_single_slice_draws_a_full_ring():
    root = parse(charts.donut_chart(title="Avis", labels=["Oui"], values=[5]))
    (ring,) = [el for el in root.iter(f"{SVG}path") if el.get("class") == "slice"]
    assert ring.get("d").count("M") == 2  # two half rings: one arc cannot close on itself


def test_progress_bar_fills_its_share_in_the_status_colour():
    chart = charts.progress_bar(title="Actions", value=15, target=20, status="off_track")
    root = parse(chart)
    (track,) = rects(root, "track")
    (progress,) = rects(root, "progress")
    assert float(progress.get("width")) == pytest.approx(0.75 * float(track.get("width")), abs=0.01)
    assert progress.get("fill") == charts.STATUS_COLOURS["off_track"]
    assert "75\xa0% — En retard" in texts(root)
    assert chart.description == "75\xa0% de la cible (15 sur 20), en retard."
    assert chart.table.rows == [["15", "20", "75\xa0%", "En retard"]]


def test_progress_beyond_the_target_stays_inside_the_gauge():
    root = parse(charts.progress_bar(title="Actions", value=30, target=20))
    assert rects(root, "progress")[0].get("width") == rects(root, "track")[0].get("width")
    assert "150\xa0% — En bonne voie" in texts(root)


def test_progress_bar_refuses_an_unknown_status():
    with pytest.raises(ValueError, match="status"):
        charts.progress_bar(title="x", value=1, status="late")


def test_gantt_draws_months_bars_progress_and_milestones():
    chart = charts.gantt_chart(**plan(*GANTT_ROWS), today=date(2026, 3, 2))
    root = parse(chart)
    assert {"janv.", "févr.", "mars", "avr.", "mai", "juin", "2026"} <= set(texts(root))
    tasks, done = rects(root, "task"), rects(root, "task-progress")
    assert len(tasks) == len(done) == 2
    assert done[0].get("width") == tasks[0].get("width")  # 100 %
    assert float(done[1].get("width")) == pytest.approx(
        0.4 * float(tasks[1].get("width")), abs=0.01
    )
    assert tasks[1].get("stroke") == charts.STATUS_COLOURS["at_risk"]
    assert len([el for el in root.iter(f"{SVG}path") if el.get("class") == "milestone"]) == 1
    assert chart.description.startswith("Du 1 janvier 2026 au 30 juin 2026 : 2 actions, 1 jalon.")


def test_gantt_bars_are_clipped_to_the_range():
    row = GanttRow("Long", date(2025, 10, 1), date(2026, 12, 31), progress=50)
    root = parse(charts.gantt_chart(**plan(row), today=date(2026, 3, 1)))
    (task,) = rects(root, "task")
    width = float(root.get("viewBox").split()[2])
    assert float(task.get("x")) + float(task.get("width")) <= width


def test_gantt_table():
    chart = charts.gantt_chart(**plan(*GANTT_ROWS), today=date(2026, 3, 2))
    assert chart.table.headers == ["Élément", "Début", "Fin", "Avancement", "Statut"]
    assert chart.table.rows == [
        ["Diagnostic", "5 janvier 2026", "20 février 2026", "100\xa0%", "En bonne voie"],
        ["Ateliers", "1 février 2026", "31 mai 2026", "40\xa0%", "À risque"],
        ["Signature", "15 juin 2026", "—", "Jalon", ""],
    ]


def today_lines(chart):
    return [el for el in parse(chart).iter(f"{SVG}line") if el.get("class") == "today"]


def test_gantt_shows_today_only_inside_the_range():
    inside = charts.gantt_chart(**plan(*GANTT_ROWS), today=date(2026, 3, 2))
    before = charts.gantt_chart(**plan(*GANTT_ROWS), today=date(2025, 12, 31))
    after = charts.gantt_chart(**plan(*GANTT_ROWS), today=date(2026, 7, 1))
    assert len(today_lines(inside)) == 1
    assert "aujourd'hui" in texts(parse(inside))
    assert "Aujourd'hui : 2 mars 2026." in inside.description
    assert today_lines(before) == today_lines(after) == []
    assert "aujourd'hui" not in texts(parse(before))


def test_gantt_today_line_sits_on_the_day():
    first = today_lines(charts.gantt_chart(**plan(*GANTT_ROWS), today=date(2026, 1, 1)))[0]
    last = today_lines(charts.gantt_chart(**plan(*GANTT_ROWS), today=date(2026, 6, 30)))[0]
    assert float(first.get("x1")) < float(last.get("x1"))


def test_gantt_defaults_to_the_local_date(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: date(2026, 4, 15))
    assert len(today_lines(charts.gantt_chart(**plan(*GANTT_ROWS)))) == 1
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: date(2027, 1, 1))
    assert today_lines(charts.gantt_chart(**plan(*GANTT_ROWS))) == []


def test_gantt_years_appear_when_the_range_spans_them():
    chart = charts.gantt_chart(
        title="Plan", start=date(2025, 11, 1), end=date(2026, 2, 28), rows=GANTT_ROWS[:1]
    )
    assert {"nov.", "2025", "janv.", "2026"} <= set(texts(parse(chart)))


def luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_palette_colours_contrast_with_white():
    assert charts.PALETTE[:2] == ("#123f7a", "#b34700")
    assert len(set(charts.PALETTE)) >= 8
    for colour in [*charts.PALETTE, *charts.STATUS_COLOURS.values(), charts.TODAY_COLOUR]:
        assert 1.05 / (luminance(colour) + 0.05) >= 4.5, colour  # white text on them stays AA


def test_weasyprint_renders_every_chart():
    weasyprint = pytest.importorskip("weasyprint")
    html = "".join(f"<figure>{build().svg}</figure>" for build in EXAMPLES.values())
    assert (
        weasyprint.HTML(string=f"<html><body>{html}</body></html>").write_pdf().startswith(b"%PDF")
    )
