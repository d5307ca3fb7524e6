"""Every non-trivial read of « La Caf à votre écoute »: visibility and results.

Results at national scale. The counts of a consultation (100,000 respondents: ~400,000
answers) take about a second of SQL, so they are computed once and cached as plain data
(`cached_counts`); what a reader may see (confidential and unpublished questions, the
confidentiality threshold, labels) is applied on every request from the live questionnaire,
so one cached entry serves staff and public alike and never shows more than the reader may.

Two scopes (caflab.fragments) per consultation:
- `consultations:consultation:<pk>` (`consultation_scope`): bumped by every write that
  changes results other than a new response: the consultation itself, its sections,
  questions and choices, its restitution, the review (moderation, flagging) or deletion of a
  response, the status changes of `consultations_advance` (queryset update) — by the signal
  receivers of `consultations.signals` and by the services that write with update();
- `consultations:answers:<pk>` (`answers_scope`): bumped by every new response (page, API,
  admin, import) and by any change to stored answers (an author editing their response).

Why two: during a national consultation responses arrive at up to 200 per second. A cache
invalidated by each of them would make every staff page recompute a second of SQL, all the
time. So:
- while the consultation is open (the only phase in which responses arrive), the figures are
  keyed by the first scope only: any moderation or edit shows at once, but new responses
  are taken in at most every `RESULTS_REFRESH` seconds; the page then says « Résultats au
  <heure> » (`Results.computed_at`), and a single request recomputes when they are too old
  while the others keep showing the previous figures (a lock in the cache);
- in every other phase the figures are keyed by both scopes and the phase, with no time
  limit but the cache's: exact, and recomputed only after a write (a response that was
  being written at the very moment of closing bumps the answers scope after its commit).
Exports (`fresh=True`) always compute from the database.

Cached the same way: the results page's counts, charts and tables once rendered
(views.ResultsView, per kind of reader: staff or not; nothing per user, no form in them).
Cached under `consultation_scope` only: the questionnaire with the audience's restrictions
(`consultation_get`: the consultation's own row is always read, so its status, dates and
counter are never stale). Under `tags_scope`: the tag counts. Under `CAFS_SCOPE`: the names
of the départements.
Incremental counters were rejected: the results need distinct respondents per question,
medians, cross-tabulations by any profile question and the review of each response; kept
exact under 200 writes per second they would put hot-row locks on the submit path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.utils import timezone

from caflab import fragments
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
    *,
    user,
    slug: str,
    perm: str = "consultations.view_consultation",
    versions_for_page: bool = False,
) -> Consultation:
    """The consultation with its questionnaire, or 404 when it does not exist or is not for
    this user (the same answer, so that nothing leaks). `versions_for_page`: read the cache
    versions of the whole page at once, for a page that only reads (they are not read again
    after a write in the same request)."""
    consultation = Consultation.objects.select_related("theme", "caf").filter(slug=slug).first()
    if consultation is None:
        raise Http404
    _attach_questionnaire(consultation, versions_for_page=versions_for_page)
    if not user.has_perm(perm, consultation):
        raise Http404
    # The questions of all sections, in order, without another query.
    consultation.ordered_questions = [
        q for s in consultation.sections.all() for q in s.questions.all()
    ]
    return consultation


def _version_key(consultation: Consultation, *scopes: str) -> str:
    """fragments.version_key, from the versions read once with the questionnaire when the
    page asked for them (`consultation_get(..., versions_for_page=True)`): one round trip to
    the cache instead of one per cached part of the page."""
    loaded = getattr(consultation, "page_versions", None)
    if loaded is None or any(scope not in loaded for scope in scopes):
        return fragments.version_key(*scopes)
    return ".".join(str(loaded[scope]) for scope in scopes)


def _page_scopes(consultation_id: int) -> tuple[str, ...]:
    return (
        consultation_scope(consultation_id),
        answers_scope(consultation_id),
        tags_scope(consultation_id),
        CAFS_SCOPE,
    )


def _attach_questionnaire(consultation: Consultation, *, versions_for_page: bool) -> None:
    """The questionnaire (sections, questions, choices, conditions) and the audience's
    restrictions, as `questionnaire_prefetch` loads them, from the cache: the same for every
    reader, and redone after any write of them (consultation_scope, bumped by signals)."""

    def compute():
        loaded = Consultation.objects.prefetch_related(*questionnaire_prefetch()).get(
            pk=consultation.pk
        )
        parts = {
            name: list(getattr(loaded, name).all())
            for name in ("sections", "restricted_cafs", "invited_organisations")
        }
        parts["restitution"] = Restitution.objects.filter(consultation_id=consultation.pk).first()
        return parts

    if versions_for_page:
        scopes = _page_scopes(consultation.pk)
        consultation.page_versions = dict(zip(scopes, fragments.versions(*scopes), strict=True))
    parts = fragments.cached(
        "consultations-questionnaire-v2",  # v2: with the restitution
        _version_key(consultation, consultation_scope(consultation.pk)),
        compute,
        vary=(consultation.pk,),
    )
    restitution = parts["restitution"]
    if restitution is not None:
        restitution._state.fields_cache["consultation"] = consultation
    consultation._state.fields_cache["restitution"] = restitution
    prefetched = {}
    for name in ("sections", "restricted_cafs", "invited_organisations"):
        objects = parts[name]
        queryset = getattr(consultation, name).all()
        queryset._result_cache = objects
        queryset._prefetch_done = True
        prefetched[name] = queryset
    for section in parts["sections"]:
        section._state.fields_cache["consultation"] = consultation  # not the cached copy
    consultation._prefetched_objects_cache = prefetched


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
    computed_at: datetime | None = None  # when the counts were taken
    stamp: str = ""  # names the counts shown (a new computation, a new stamp)


def counted_answers(consultation: Consultation) -> QuerySet[Answer]:
    return Answer.objects.filter(response__consultation=consultation, response__review__in=COUNTED)


# Caching of the figures ----------------------------------------------------------------------
RESULTS_REFRESH = 60  # seconds: how old the figures of an open consultation may be, at most
_LOCK_TIMEOUT = 30


def consultation_scope(consultation_id: int) -> str:
    """Everything of one consultation but the arrival of new responses (see the docstring)."""
    return f"consultations:consultation:{consultation_id}"


def answers_scope(consultation_id: int) -> str:
    """Bumped by every new response (or response edited by its author)."""
    return f"consultations:answers:{consultation_id}"


def cached_counts(
    consultation: Consultation,
    name: str,
    vary: tuple,
    compute,
    *,
    scopes: tuple[str, ...] = (),
    fresh: bool = False,
) -> dict:
    """`compute()` (a dict with `computed_at`: when the counts it holds were taken) cached as
    the module docstring explains; `scopes`: what else it was computed from."""
    pk = consultation.pk
    phase = consultation.phase()
    if fresh:
        return compute()
    if phase != Consultation.Status.OPEN:
        version = _version_key(consultation, consultation_scope(pk), answers_scope(pk), *scopes)
        return fragments.cached(name, version, compute, vary=(pk, phase, *vary))
    version = _version_key(consultation, consultation_scope(pk), *scopes)
    key = f"consultations:live:{name}:{version}:{pk}:{':'.join(map(str, vary))}"
    figures = cache.get(key)
    if figures is not None:
        age = (timezone.now() - figures["computed_at"]).total_seconds()
        if age < RESULTS_REFRESH or not cache.add(key + ":calcul", 1, timeout=_LOCK_TIMEOUT):
            # Fresh enough, or another request is computing the next figures already.
            return figures
    figures = compute()
    cache.set(key, figures, timeout=fragments.TIMEOUT)
    cache.delete(key + ":calcul")
    return figures


CAFS_SCOPE = "consultations:cafs"  # bumped on every write of a Caf (consultations.signals)


def department_names() -> dict[str, str]:
    """Département number → name, for every Caf (cached until a write of a Caf)."""
    return fragments.cached(
        "consultations-departements",
        fragments.version_key(CAFS_SCOPE),
        lambda: dict(Caf.objects.order_by("number").values_list("number", "department_name")),
    )


def _compute_figures(consultation: Consultation) -> dict:
    """Every count of the results page, in plain data (what the cache keeps)."""
    computed_at = timezone.now()
    answers = counted_answers(consultation)
    respondents = Response.objects.filter(consultation=consultation, review__in=COUNTED).count()
    answered = dict(
        answers.values_list("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    choice_counts: dict[int, dict[int, int]] = {}
    rank_sums: dict[int, dict[int, Decimal]] = {}
    firsts: dict[int, dict[int, int]] = {}
    for qid, cid, n, total_rank, first in (
        answers.filter(choice__isnull=False)
        .values_list("question_id", "choice_id")
        .annotate(n=Count("id"), rank=Sum("number"), first=Count("id", filter=Q(number=1)))
        .order_by()
    ):
        choice_counts.setdefault(qid, {})[cid] = n
        if total_rank is not None:
            rank_sums.setdefault(qid, {})[cid] = total_rank
            firsts.setdefault(qid, {})[cid] = first
    numbers: dict[int, list[tuple[Decimal, int]]] = {}
    for qid, value, n in (
        answers.filter(choice__isnull=True, number__isnull=False)
        .values_list("question_id", "number")
        .annotate(n=Count("id"))
        .order_by("question_id", "number")
    ):
        numbers.setdefault(qid, []).append((value, n))
    texts: dict[int, list[tuple[str, int]]] = {}
    department_ids = [
        q.pk for q in consultation.ordered_questions if q.kind == Question.Kind.DEPARTMENT
    ]
    if department_ids:
        for qid, value, n in (
            answers.filter(question_id__in=department_ids)
            .values_list("question_id", "text")
            .annotate(n=Count("id"))
            .order_by("question_id", "-n", "text")
        ):
            texts.setdefault(qid, []).append((value, n))
    timeline = list(
        Response.objects.filter(consultation=consultation, review__in=COUNTED)
        .annotate(week=TruncWeek("submitted_on"))
        .values_list("week")
        .annotate(n=Count("id"))
        .order_by("week")
    )
    return {
        "computed_at": computed_at,
        "respondents": respondents,
        "answered": answered,
        "choice_counts": choice_counts,
        "rank_sums": rank_sums,
        "firsts": firsts,
        "numbers": numbers,
        "texts": texts,
        "timeline": timeline,
    }


def consultation_results(
    *,
    consultation: Consultation,
    public: bool,
    breakdown_id: int | None = None,
    fresh: bool = False,
) -> Results:
    """Every figure of the results page: respondents, answered per question, counts per
    choice, values of scales and numbers, départements, weekly timeline, and optionally one
    cross-tabulation by a profile or département question.

    The counts come from the cache (see the module docstring; `fresh` computes them now);
    what this reader may see (confidential and unpublished questions, the threshold) is
    applied here, on every request, from the questionnaire as it is now."""
    questions = consultation.ordered_questions
    figures = cached_counts(
        consultation,
        "consultations-figures",
        (),
        lambda: _compute_figures(consultation),
        fresh=fresh,
    )
    answered = figures["answered"]
    choice_counts, rank_sums, firsts = (
        figures["choice_counts"],
        figures["rank_sums"],
        figures["firsts"],
    )
    numbers, texts = figures["numbers"], figures["texts"]
    has_departments = any(q.kind == Question.Kind.DEPARTMENT for q in questions)
    departments = department_names() if has_departments else {}

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
        counts = choice_counts.get(question.pk, {})
        if question.kind == Question.Kind.RANKING:
            # Ordered by mean rank (1 = most important); the share is « classé en premier ».
            sums, first_counts = rank_sums.get(question.pk, {}), firsts.get(question.pk, {})
            ranked = []
            for choice in question.choices.all():
                n = counts.get(choice.pk, 0)
                mean_rank = sums.get(choice.pk, 0) / n if n else None
                first = first_counts.get(choice.pk, 0)
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
                    counts.get(choice.pk, 0),
                    _pct(counts.get(choice.pk, 0), total),
                )
                for choice in question.choices.all()
            ]
        elif question.kind in (Question.Kind.SCALE, Question.Kind.NUMBER):
            distribution = numbers.get(question.pk, [])
            result.mean, result.median = _mean_median(distribution)
            if question.kind == Question.Kind.SCALE:
                values = {int(value): n for value, n in distribution}
                result.rows = [
                    Row(str(v), values.get(v, 0), _pct(values.get(v, 0), total))
                    for v in range(question.scale_min, question.scale_max + 1)
                ]
        elif question.kind == Question.Kind.DEPARTMENT:
            result.rows = [
                Row(
                    f"{code} – {departments.get(code, code)}",
                    _suppress(n, threshold),
                    _pct(n, total),
                )
                for code, n in texts.get(question.pk, [])
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
        cells = cached_counts(
            consultation,
            "consultations-croisement",
            (breakdown.pk,),
            lambda: _crosstab_cells(consultation, breakdown),
            fresh=fresh,
        )
        _add_crosstabs(results, breakdown, cells["cells"], departments, threshold)
        stamp = f"{figures['computed_at'].timestamp()}:{cells['computed_at'].timestamp()}"
    else:
        breakdown = None
        stamp = str(figures["computed_at"].timestamp())
    return Results(
        consultation=consultation,
        respondents=figures["respondents"],
        questions=results,
        timeline=figures["timeline"],
        breakdown=breakdown,
        threshold=threshold,
        computed_at=figures["computed_at"],
        stamp=stamp,
    )


def _crosstab_cells(consultation: Consultation, breakdown: Question) -> dict:
    """One query: for every choice answer, the breakdown answer of the same response."""
    group_sql = "b.text" if breakdown.kind == Question.Kind.DEPARTMENT else "b.choice_id"
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
    computed_at = timezone.now()
    cells: dict[int, dict[int, dict]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [breakdown.pk, consultation.pk, *COUNTED, breakdown.pk])
        for qid, cid, group, n in cursor.fetchall():
            cells.setdefault(qid, {}).setdefault(cid, {})[group] = n
    return {"computed_at": computed_at, "cells": cells}


def _add_crosstabs(results, breakdown: Question, cells: dict, departments: dict, threshold: int):
    if breakdown.kind == Question.Kind.DEPARTMENT:
        groups = sorted({g for per_q in cells.values() for per_c in per_q.values() for g in per_c})
        columns = [(code, f"{code} – {departments.get(code, code)}") for code in groups]
    else:
        columns = [(c.pk, c.label) for c in breakdown.choices.all()]
    for result in results:
        question = result.question
        if result.hidden or not question.has_choices or question.pk == breakdown.pk:
            continue
        if question.kind == Question.Kind.RANKING:
            continue
        per_question = cells.get(question.pk, {})
        rows = []
        for choice in question.choices.all():
            per_choice = per_question.get(choice.pk, {})
            raw = [per_choice.get(key, 0) for key, _label in columns]
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
    """The free-text answers (and « autre » precisions), for staff, with their tags.

    Filtered by the ids of the questions (not by the consultation through the responses), so
    that the partial index on (question, text) finds them among all the answers."""
    kinds = (*Question.TEXT_KINDS, *Question.CHOICE_KINDS)
    questions = getattr(consultation, "ordered_questions", None)
    if questions is None:
        questions = consultation.questions.all()
    qs = (
        Answer.objects.filter(
            question_id__in=[q.pk for q in questions if q.kind in kinds],
            response__review__in=COUNTED,
        )
        .exclude(text="")
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


def tags_scope(consultation_id: int) -> str:
    """The staff's coding of the answers: bumped by tagging (services.answer_toggle_tag) and
    by the signals of tags; an answer deleted bumps `consultation_scope`."""
    return f"consultations:tags:{consultation_id}"


def tag_counts(*, consultation: Consultation) -> list:
    """The tags with the number of answers carrying each (`n`), from the cache."""
    return fragments.cached(
        "consultations-tags",
        _version_key(
            consultation, tags_scope(consultation.pk), consultation_scope(consultation.pk)
        ),
        lambda: list(consultation.tags.annotate(n=Count("answers")).order_by("kind", "-n", "name")),
        vary=(consultation.pk,),
    )


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
