"""« La Caf à votre écoute » in the annual report: the consultations held in the year, their
respondents, and the top answers of each."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, Q
from django.utils import formats
from django.utils.translation import gettext as _

from caflab import charts
from consultations.models import Answer, Consultation, Question, Response
from consultations.selectors import COUNTED
from reporting.sections import Figure, Section, register


def consultations_of_year(year: int):
    """Consultations open at some point of the year (drafts never count)."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    return (
        Consultation.objects.exclude(status=Consultation.Status.DRAFT)
        .filter(opens_at__date__lt=end, closes_at__date__gte=start)
        .select_related("theme")
        .annotate(
            year_respondents=Count(
                "responses",
                filter=Q(responses__submitted_on__year=year, responses__review__in=COUNTED),
            )
        )
        .order_by("opens_at")
    )


def respondents_of_year(year: int) -> int:
    return Response.objects.filter(submitted_on__year=year, review__in=COUNTED).count()


def top_answers(consultation_ids: list[int], year: int) -> dict[int, list[tuple[str, str, float]]]:
    """For each consultation, the most chosen answer of each published choice question:
    (question, answer, share in %). Two queries for all consultations."""
    questions = {
        q.pk: q
        for q in Question.objects.filter(
            consultation_id__in=consultation_ids,
            kind__in=[Question.Kind.SINGLE, Question.Kind.YES_NO, Question.Kind.MULTIPLE],
            publish_results=True,
            is_confidential=False,
        ).only("pk", "label", "consultation_id", "position")
    }
    counts = (
        Answer.objects.filter(
            question_id__in=questions,
            response__submitted_on__year=year,
            response__review__in=COUNTED,
            choice__isnull=False,
        )
        .values_list("question_id", "choice__label")
        .annotate(n=Count("id"), answered=Count("response_id", distinct=True))
        .order_by()
    )
    best: dict[int, tuple[str, int]] = {}
    totals: dict[int, int] = defaultdict(int)
    for qid, label, n, _answered in counts:
        totals[qid] += n
        if qid not in best or n > best[qid][1]:
            best[qid] = (label, n)
    answered = dict(
        Answer.objects.filter(
            question_id__in=questions,
            response__submitted_on__year=year,
            response__review__in=COUNTED,
        )
        .values_list("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    result: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
    for qid, question in sorted(questions.items(), key=lambda item: item[1].position):
        if qid in best and answered.get(qid):
            label, n = best[qid]
            result[question.consultation_id].append(
                (question.label, label, round(100 * n / answered[qid], 1))
            )
    return result


@register(order=20, part="consulter")
def consultations_section(year: int) -> Section:
    consultations = list(consultations_of_year(year))
    total = respondents_of_year(year)
    tops = top_answers([c.pk for c in consultations], year)
    rows = [
        [
            c.title,
            c.theme.name,
            c.get_audience_display(),
            formats.number_format(c.year_respondents, force_grouping=True),
        ]
        for c in consultations
    ]
    highlights = []
    for consultation in consultations:
        for question, answer, share in tops.get(consultation.pk, [])[:2]:
            highlights.append(
                _("%(title)s — « %(question)s » : %(answer)s (%(share)s %%)")
                % {
                    "title": consultation.title,
                    "question": question,
                    "answer": answer,
                    "share": formats.number_format(share, 1),
                }
            )
    chart = charts.bar_chart(
        title=_("Répondants par consultation en %(year)s") % {"year": year},
        labels=[c.title for c in consultations],
        values=[c.year_respondents for c in consultations],
    )
    return Section(
        title=_("La Caf à votre écoute"),
        part="consulter",
        figures=[
            Figure("consultation_respondents", total, _("répondants à nos consultations")),
            Figure("consultations_held", len(consultations), _("consultations menées")),
        ],
        tables=[
            {
                "caption": _("Consultations menées en %(year)s") % {"year": year},
                "headers": [_("Consultation"), _("Thème"), _("Public"), _("Répondants")],
                "rows": rows,
            }
        ],
        charts=[chart],
        highlights=highlights,
    )
