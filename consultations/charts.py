"""The charts of a consultation's results: the same code draws them for the page and for the
annual report's PDF (caflab.charts)."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from caflab import charts
from consultations.models import Question
from consultations.selectors import QuestionResult, Results


def question_chart(result: QuestionResult) -> charts.Chart | None:
    question = result.question
    if result.hidden or not result.rows:
        return None
    title = f"Q{result.number}. {question.label}"
    if question.kind == Question.Kind.RANKING:
        return charts.bar_chart(
            title=_("%(title)s — part des répondants qui l'ont classé en premier")
            % {"title": title},
            labels=[f"{row.label} (rang moyen {row.extra})" for row in result.rows],
            values=[row.percent or 0 for row in result.rows],
            percent=True,
        )
    rows = [row for row in result.rows if row.count is not None]
    if question.kind == Question.Kind.DEPARTMENT:
        rows = rows[:15]
    return charts.bar_chart(
        title=title,
        labels=[row.label for row in rows],
        values=[row.percent or 0 for row in rows],
        percent=True,
    )


def crosstab_chart(result: QuestionResult, breakdown: Question) -> charts.Chart | None:
    table = result.crosstab
    if table is None or not table.rows:
        return None
    series = {
        label: [cells[i] or 0 for _label, cells, _total in table.rows]
        for i, label in enumerate(table.columns)
    }
    return charts.stacked_bar_chart(
        title=_("Q%(n)s selon « %(breakdown)s »")
        % {"n": result.number, "breakdown": breakdown.label},
        categories=[label for label, _cells, _total in table.rows],
        series=series,
    )


def attach(results: Results) -> Results:
    for result in results.questions:
        result.chart = question_chart(result)
        if result.crosstab is not None and results.breakdown is not None:
            result.crosstab_chart = crosstab_chart(result, results.breakdown)
    return results


def timeline(results: Results) -> charts.Chart | None:
    if not results.timeline:
        return None
    labels = [formats.date_format(week, "j M") for week, _n in results.timeline]
    return charts.line_chart(
        title=_("Réponses reçues par semaine"),
        labels=labels,
        series={_("Réponses"): [n for _week, n in results.timeline]},
    )
