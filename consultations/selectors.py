"""Every non-trivial read of « La Caf à votre écoute »: visibility and results."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.utils import timezone

from caflab.models import Caf
from caflab.rules import is_agent, is_caflab_staff, is_partner
from consultations.models import (
    Answer,
    Choice,
    Consultation,
    Question,
    Response,
    Restitution,
    Section,
)

COUNTED = (Response.Review.VALID, Response.Review.FLAGGED)


# Visibility ----------------------------------------------------------------------------------
def consultation_list(*, user, filters: dict | None = None) -> QuerySet[Consultation]:
    """The consultations this user may see, newest first, with their theme and Caf."""
    filters = filters or {}
    qs = Consultation.objects.select_related("theme", "caf")
    if not is_caflab_staff(user):
        qs = qs.exclude(status=Consultation.Status.DRAFT).filter(_audience_q(user))
    now = timezone.now()
    phase = filters.get("phase")
    if phase == "ouvertes":
        qs = qs.open_at(now)
    elif phase == "a-venir":
        qs = qs.upcoming_at(now)
    elif phase == "closes":
        qs = qs.closed_at(now)
    elif phase == "resultats":
        qs = qs.with_results()
    if theme := filters.get("theme"):
        qs = qs.filter(theme__slug=theme)
    if audience := filters.get("audience"):
        qs = qs.filter(audience=audience)
    if caf := filters.get("caf"):
        qs = qs.filter(caf__number=caf)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    return qs


def _audience_q(user) -> Q:
    q = Q(audience=Consultation.Audience.PUBLIC) | Q(requires_access_code=True)
    if is_agent(user):
        restricted = Consultation.restricted_cafs.through.objects.filter(
            consultation=OuterRef("pk")
        )
        q |= Q(audience=Consultation.Audience.PRIVATE) & (
            ~Exists(restricted) | Exists(restricted.filter(caf_id=user.caf_id))
        )
    if is_partner(user):
        invited = Consultation.invited_organisations.through.objects.filter(
            consultation=OuterRef("pk")
        )
        q |= Q(audience=Consultation.Audience.PARTNERS) & (
            ~Exists(invited) | Exists(invited.filter(organisation_id=user.organisation_id))
        )
    return q


def questionnaire_prefetch() -> list[Prefetch]:
    choices = Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
    questions = Prefetch(
        "questions",
        queryset=Question.objects.order_by("position", "id")
        .select_related("condition_question")
        .prefetch_related(choices, "condition_choices"),
    )
    return [
        Prefetch(
            "sections",
            queryset=Section.objects.order_by("position", "id").prefetch_related(questions),
        ),
        "restricted_cafs",
        "invited_organisations",
    ]


def consultation_get(
    *, user, slug: str, perm: str = "consultations.view_consultation"
) -> Consultation:
    """The consultation with its questionnaire, or 404 when it does not exist or is not for
    this user (the same answer, so that nothing leaks)."""
    consultation = (
        Consultation.objects.select_related("theme", "caf")
        .prefetch_related(*questionnaire_prefetch())
        .filter(slug=slug)
        .first()
    )
    if consultation is None or not user.has_perm(perm, consultation):
        raise Http404
    # The questions of all sections, in order, without another query.
    consultation.ordered_questions = [
        q for s in consultation.sections.all() for q in s.questions.all()
    ]
    return consultation


def restitution_list(*, user) -> QuerySet[Restitution]:
    visible = consultation_list(user=user).with_results()
    return (
        Restitution.objects.filter(consultation__in=visible, published_at__isnull=False)
        .select_related("consultation__theme")
        .order_by("-published_at")
    )


# Results -------------------------------------------------------------------------------------
@dataclass
class Row:
    label: str
    count: int | None  # None: under the confidentiality threshold
    percent: float | None = None
    extra: str = ""


@dataclass
class QuestionResult:
    question: Question
    number: int
    answered: int = 0
    rows: list[Row] = field(default_factory=list)
    mean: Decimal | None = None
    median: Decimal | None = None
    hidden: bool = False  # confidential, or not published for this reader
    chart: object | None = None
    crosstab: CrossTab | None = None


@dataclass
class CrossTab:
    columns: list[str]
    rows: list[tuple[str, list[int | None], int | None]]  # label, cells, row total


@dataclass
class Results:
    consultation: Consultation
    respondents: int
    questions: list[QuestionResult]
    timeline: list[tuple] = field(default_factory=list)
    breakdown: Question | None = None
    threshold: int = 5


def counted_answers(consultation: Consultation) -> QuerySet[Answer]:
    return Answer.objects.filter(response__consultation=consultation, response__review__in=COUNTED)


def consultation_results(
    *, consultation: Consultation, public: bool, breakdown_id: int | None = None
) -> Results:
    """Every figure of the results page, computed in the database with a fixed number of
    queries whatever the number of responses: respondents, answered per question, counts
    per choice, values of scales and numbers, départements, weekly timeline, and optionally
    one cross-tabulation by a profile or département question."""
    questions = consultation.ordered_questions
    answers = counted_answers(consultation)
    respondents = Response.objects.filter(consultation=consultation, review__in=COUNTED).count()
    answered = dict(
        answers.values_list("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    choice_counts: dict[int, dict[int, int]] = defaultdict(dict)
    rank_sums: dict[int, dict[int, Decimal]] = defaultdict(dict)
    firsts: dict[int, dict[int, int]] = defaultdict(dict)
    for qid, cid, n, total_rank, first in (
        answers.filter(choice__isnull=False)
        .values_list("question_id", "choice_id")
        .annotate(n=Count("id"), rank=Sum("number"), first=Count("id", filter=Q(number=1)))
        .order_by()
    ):
        choice_counts[qid][cid] = n
        if total_rank is not None:
            rank_sums[qid][cid] = total_rank
            firsts[qid][cid] = first
    numbers: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
    for qid, value, n in (
        answers.filter(choice__isnull=True, number__isnull=False)
        .values_list("question_id", "number")
        .annotate(n=Count("id"))
        .order_by("question_id", "number")
    ):
        numbers[qid].append((value, n))
    texts: dict[int, list[tuple[str, int]]] = defaultdict(list)
    department_ids = [q.pk for q in questions if q.kind == Question.Kind.DEPARTMENT]
    if department_ids:
        for qid, value, n in (
            answers.filter(question_id__in=department_ids)
            .values_list("question_id", "text")
            .annotate(n=Count("id"))
            .order_by("question_id", "-n", "text")
        ):
            texts[qid].append((value, n))
    departments = (
        dict(Caf.objects.values_list("number", "department_name")) if department_ids else {}
    )
    timeline = list(
        Response.objects.filter(consultation=consultation, review__in=COUNTED)
        .annotate(week=TruncWeek("submitted_on"))
        .values_list("week")
        .annotate(n=Count("id"))
        .order_by("week")
    )

    threshold = consultation.min_cell_size
    results = []
    for number, question in enumerate(questions, start=1):
        result = QuestionResult(
            question=question, number=number, answered=answered.get(question.pk, 0)
        )
        results.append(result)
        if question.is_confidential or (public and not question.publish_results):
            result.hidden = True
            continue
        total = result.answered
        if question.kind == Question.Kind.RANKING:
            # Ordered by mean rank (1 = most important); the share is « classé en premier ».
            ranked = []
            for choice in question.choices.all():
                n = choice_counts[question.pk].get(choice.pk, 0)
                mean_rank = rank_sums[question.pk].get(choice.pk, 0) / n if n else None
                first = firsts[question.pk].get(choice.pk, 0)
                ranked.append(
                    (mean_rank if mean_rank is not None else Decimal(999), choice, n, first)
                )
            ranked.sort(key=lambda item: item[0])
            result.rows = [
                Row(choice.label, n, _pct(first, total), extra=_rank_label(mean))
                for mean, choice, n, first in ranked
            ]
        elif question.has_choices:
            result.rows = [
                Row(
                    choice.label,
                    choice_counts[question.pk].get(choice.pk, 0),
                    _pct(choice_counts[question.pk].get(choice.pk, 0), total),
                )
                for choice in question.choices.all()
            ]
        elif question.kind in (Question.Kind.SCALE, Question.Kind.NUMBER):
            distribution = numbers[question.pk]
            result.mean, result.median = _mean_median(distribution)
            if question.kind == Question.Kind.SCALE:
                counts = {int(value): n for value, n in distribution}
                result.rows = [
                    Row(str(v), counts.get(v, 0), _pct(counts.get(v, 0), total))
                    for v in range(question.scale_min, question.scale_max + 1)
                ]
        elif question.kind == Question.Kind.DEPARTMENT:
            result.rows = [
                Row(
                    f"{code} – {departments.get(code, code)}",
                    _suppress(n, threshold),
                    _pct(n, total),
                )
                for code, n in texts[question.pk]
            ]
    breakdown = None
    if breakdown_id:
        breakdown = next(
            (q for q in questions if q.pk == breakdown_id and q.kind in Question.BREAKDOWN_KINDS),
            None,
        )
    if breakdown is not None and not (
        breakdown.is_confidential or (public and not breakdown.publish_results)
    ):
        _add_crosstabs(consultation, results, breakdown, departments, threshold)
    else:
        breakdown = None
    return Results(
        consultation=consultation,
        respondents=respondents,
        questions=results,
        timeline=timeline,
        breakdown=breakdown,
        threshold=threshold,
    )


def _add_crosstabs(
    consultation, results, breakdown: Question, departments: dict, threshold: int
) -> None:
    """One query: for every choice answer, the breakdown answer of the same response."""
    if breakdown.kind == Question.Kind.DEPARTMENT:
        group_sql, columns = "b.text", None
    else:
        group_sql, columns = "b.choice_id", [(c.pk, c.label) for c in breakdown.choices.all()]
    answer = Answer._meta.db_table
    response = Response._meta.db_table
    sql = f"""
        SELECT a.question_id, a.choice_id, {group_sql}, COUNT(DISTINCT a.response_id)
        FROM {answer} a
        JOIN {response} r ON r.id = a.response_id
        JOIN {answer} b ON b.response_id = a.response_id AND b.question_id = %s
        WHERE r.consultation_id = %s AND r.review IN (%s, %s) AND a.choice_id IS NOT NULL
          AND a.question_id <> %s
        GROUP BY a.question_id, a.choice_id, {group_sql}
    """  # noqa: S608 - table names and the group column come from the code, values are parameters
    cells: dict[int, dict[int, dict]] = defaultdict(lambda: defaultdict(dict))
    with connection.cursor() as cursor:
        cursor.execute(sql, [breakdown.pk, consultation.pk, *COUNTED, breakdown.pk])
        for qid, cid, group, n in cursor.fetchall():
            cells[qid][cid][group] = n
    if columns is None:
        groups = sorted({g for per_q in cells.values() for per_c in per_q.values() for g in per_c})
        columns = [(code, f"{code} – {departments.get(code, code)}") for code in groups]
    for result in results:
        question = result.question
        if result.hidden or not question.has_choices or question.pk == breakdown.pk:
            continue
        if question.kind == Question.Kind.RANKING:
            continue
        rows = []
        for choice in question.choices.all():
            raw = [cells[question.pk][choice.pk].get(key, 0) for key, _label in columns]
            rows.append(
                (choice.label, _suppress_row(raw, threshold), _suppress(sum(raw), threshold))
            )
        result.crosstab = CrossTab(columns=[label for _key, label in columns], rows=rows)


# Small helpers -------------------------------------------------------------------------------
def _pct(n: int | None, total: int) -> float | None:
    if n is None or not total:
        return None
    return round(100 * n / total, 1)


def _suppress(n: int, threshold: int) -> int | None:
    return None if 0 < n < threshold else n


def _suppress_row(cells: list[int], threshold: int) -> list[int | None]:
    """Hide counts under the threshold; when only one cell of a row is hidden, hide the next
    smallest too, so that the hidden one cannot be deduced from the row total."""
    out: list[int | None] = [_suppress(n, threshold) for n in cells]
    hidden = [i for i, n in enumerate(out) if n is None]
    if len(hidden) == 1:
        visible = [(n, i) for i, n in enumerate(out) if n not in (None, 0)]
        if visible:
            out[min(visible)[1]] = None
    return out


def _mean_median(distribution: list[tuple[Decimal, int]]) -> tuple[Decimal | None, Decimal | None]:
    total = sum(n for _value, n in distribution)
    if not total:
        return None, None
    mean = sum(value * n for value, n in distribution) / total
    ordered = sorted(distribution)

    def nth(k: int) -> Decimal:
        seen = 0
        for value, n in ordered:
            seen += n
            if seen > k:
                return value
        return ordered[-1][0]

    median = nth(total // 2) if total % 2 else (nth(total // 2 - 1) + nth(total // 2)) / 2
    return round(Decimal(mean), 2), Decimal(median)


def _rank_label(mean: Decimal) -> str:
    if mean == Decimal(999):
        return ""
    return f"{mean:.1f}".replace(".", ",")


def free_text_answers(
    *,
    consultation: Consultation,
    question_id: int | None = None,
    search: str = "",
    tag_id: int | None = None,
) -> QuerySet[Answer]:
    """The free-text answers (and « autre » precisions), for staff, with their tags."""
    qs = (
        counted_answers(consultation)
        .exclude(text="")
        .filter(question__kind__in=[*Question.TEXT_KINDS, *Question.CHOICE_KINDS])
        .select_related("question")
        .prefetch_related("tags")
        .order_by("question__section__position", "question__position", "id")
    )
    if question_id:
        qs = qs.filter(question_id=question_id)
    if tag_id:
        qs = qs.filter(tags__id=tag_id)
    if search:
        if connection.vendor == "postgresql":
            qs = qs.annotate(search=SearchVector("text", config="french")).filter(
                search=SearchQuery(search, config="french", search_type="websearch")
            )
        else:
            qs = qs.filter(text__icontains=search)
    return qs


def tag_counts(*, consultation: Consultation) -> QuerySet:
    return consultation.tags.annotate(n=Count("answers")).order_by("kind", "-n", "name")


def theme_list() -> QuerySet:
    from consultations.models import Theme

    return Theme.objects.order_by("name")


# Exports -------------------------------------------------------------------------------------
def results_rows(results: Results):
    """Aggregated results, one row per question and answer, for CSV/XLSX."""
    from caflab.exports import Column

    rows = []
    for result in results.questions:
        question = result.question
        base = {
            "number": f"Q{result.number}",
            "question": question.label,
            "answered": result.answered,
        }
        if result.hidden:
            rows.append(
                {**base, "answer": "(question confidentielle)", "count": None, "percent": None}
            )
            continue
        if result.mean is not None:
            rows.append(
                {**base, "answer": "Moyenne", "count": None, "percent": None, "value": result.mean}
            )
            rows.append(
                {
                    **base,
                    "answer": "Médiane",
                    "count": None,
                    "percent": None,
                    "value": result.median,
                }
            )
        rows.extend(
            {
                **base,
                "answer": row.label,
                "count": row.count,
                "percent": row.percent,
                "value": row.extra or None,
            }
            for row in result.rows
        )
    columns = [
        Column(header="N°", value=lambda r: r["number"]),
        Column(header="Question", value=lambda r: r["question"]),
        Column(header="Répondants à la question", value=lambda r: r["answered"]),
        Column(header="Réponse", value=lambda r: r["answer"]),
        Column(header="Effectif", value=lambda r: r["count"]),
        Column(header="Pourcentage", value=lambda r: r["percent"]),
        Column(header="Valeur (moyenne, médiane, rang moyen)", value=lambda r: r.get("value")),
    ]
    return rows, columns


def raw_answer_rows(consultation: Consultation):
    """Anonymised raw answers: one row per response, one column per question, in the random
    order of the responses' UUIDs, numbered from 1; nothing about who answered."""
    from caflab.exports import Column

    questions = consultation.ordered_questions
    labels = {c.pk: c.label for q in questions for c in q.choices.all()}

    def rows():
        current, row, number = None, {}, 0
        answers = (
            counted_answers(consultation)
            .order_by("response_id", "question_id", "number")
            .values_list("response_id", "question_id", "choice_id", "text", "number", "date")
            .iterator(chunk_size=5000)
        )
        by_id = {q.pk: q for q in questions}
        for response_id, qid, cid, text, value, day in answers:
            if response_id != current:
                if current is not None:
                    yield row
                number += 1
                current, row = response_id, {"n": number}
            question = by_id.get(qid)
            if question is None:
                continue
            if question.kind == Question.Kind.RANKING:
                cell = f"{int(value)}. {labels.get(cid, '')}"
            elif cid:
                cell = labels.get(cid, "") + (f" ({text})" if text else "")
            elif value is not None:
                cell = value
            elif day is not None:
                cell = day
            else:
                cell = text
            if question.is_confidential:
                cell = "(confidentiel)"
            previous = row.get(qid)
            row[qid] = cell if previous in (None, "") else f"{previous} | {cell}"
        if current is not None:
            yield row

    columns = [Column(header="Réponse n°", value=lambda r: r["n"])] + [
        Column(header=f"Q{i} – {q.label}", value=lambda r, qid=q.pk: r.get(qid))
        for i, q in enumerate(questions, 1)
    ]
    return rows(), columns
