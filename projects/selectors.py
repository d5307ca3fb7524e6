"""Every non-trivial read of the projects' space: the portfolio and its facets, a project with
everything its page shows, the jury's ranking, the incubation progress, and the figures of a year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from projects.models import (
    FIPE_THEMES,
    LEVEL_ORDER,
    Application,
    Call,
    ChangeStep,
    Cohort,
    CreativitySession,
    Deliverable,
    Enrolment,
    Helper,
    Indicator,
    JuryAssignment,
    Module,
    ModuleSession,
    Need,
    Period,
    Programme,
    Project,
    ProjectMember,
    Replication,
    Score,
    SessionAttendance,
    StageChange,
    Theme,
    Trainee,
    Training,
    TrainingSession,
)
from projects.rules import juror_application_ids

PORTFOLIO_FILTERS = ("programme", "kind", "stage", "theme", "region", "year")


def active_in_year(year: int, prefix: str = "") -> Q:
    """Projects under way at some point of the year."""
    return Q(**{f"{prefix}started_on__year__lte": year}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__year__gte": year})
    )


def visible_projects(*, user) -> QuerySet[Project]:
    qs = Project.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.is_caflab_staff:
        return qs
    # A subquery rather than the team's ids: one query for the page, not two.
    team = ProjectMember.objects.filter(user=user).values("project_id")
    return qs.filter(Q(is_published=True) | Q(pk__in=team))


def _apply(qs: QuerySet[Project], filters: dict, *, skip: str = "") -> QuerySet[Project]:
    for name in PORTFOLIO_FILTERS:
        value = filters.get(name)
        if name == skip or value in (None, ""):
            continue
        if name == "programme":
            qs = qs.filter(programme__slug=value)
        elif name == "region":
            qs = qs.filter(Q(region__code=value) | Q(cafs__region__code=value)).distinct()
        elif name == "year":
            if not str(value).isdigit():
                continue  # a malformed year filters nothing
            qs = qs.filter(active_in_year(int(value)))
        else:
            qs = qs.filter(**{name: value})
    return qs


def project_list(*, user, filters: dict | None = None, search: str = "") -> QuerySet[Project]:
    """The portfolio: the projects the user may see, filtered, with what a card shows."""
    qs = _search(_apply(visible_projects(user=user), filters or {}), search)
    return (
        qs.select_related("programme", "region")
        .prefetch_related(Prefetch("cafs", queryset=_cafs()))
        .order_by("title", "pk")
    )


def _cafs():
    from caflab.models import Caf

    return Caf.objects.only("pk", "number", "name", "region_id").order_by("number")


@dataclass
class Facet:
    name: str
    options: list[tuple[str, str, int]]  # (value, label, count)


def _search(qs: QuerySet[Project], search: str) -> QuerySet[Project]:
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(summary__icontains=search))
    return qs


def visibility_key(user) -> tuple:
    """What decides which projects a user sees, for the key of what is cached from them:
    everything (CafLab staff), or the published ones and their team's unpublished ones (one
    small query, kept on the user for the request)."""
    if not user.is_authenticated:
        return ("anonymous",)
    if user.is_caflab_staff:
        return ("staff",)
    key = getattr(user, "_project_visibility_key", None)
    if key is None:
        hidden = ProjectMember.objects.filter(user=user, project__is_published=False)
        key = ("published", tuple(sorted(set(hidden.values_list("project_id", flat=True)))))
        user._project_visibility_key = key
    return key


def _portfolio_counts(*, user, filters: dict, search: str) -> dict:
    """The numbers of the facets and of the stage chart (see portfolio_facets)."""
    base = _search(visible_projects(user=user), search)
    counts: dict[str, dict] = {}

    def grouped(skip: str, key: str) -> dict:
        qs = _apply(base, filters, skip=skip)
        return {
            row[key]: row["n"]
            for row in qs.order_by().values(key).annotate(n=Count("pk", distinct=True))
        }

    counts["programme"] = grouped("programme", "programme__slug")
    for name in ("kind", "stage", "theme"):
        counts[name] = grouped(name, name)
    # The stage chart: the projects of the current filters, per stage (their sum: the total).
    counts["chart"] = grouped("", "stage")
    # A project counts in its own region and in each of its Cafs' regions, once in each:
    # the same rule as the region filter.
    regions_of: dict[int, set[str]] = defaultdict(set)
    qs = _apply(base, filters, skip="region").order_by()
    for pk, own, of_caf in qs.values_list("pk", "region__code", "cafs__region__code"):
        regions_of[pk].update(code for code in (own, of_caf) if code)
    region_counts: dict[str, int] = defaultdict(int)
    for codes in regions_of.values():
        for code in codes:
            region_counts[code] += 1
    counts["region"] = dict(region_counts)
    # A project counts in every year it is under way (a project starting later: its first year).
    qs = _apply(base, filters, skip="year").order_by()
    this_year = timezone.localdate().year
    years: dict[int, int] = defaultdict(int)
    for _pk, start, end in qs.values_list("pk", "started_on__year", "ended_on__year").distinct():
        for year in range(start, max(end or this_year, start) + 1):
            years[year] += 1
    counts["year"] = dict(years)
    return counts


def portfolio_counts(*, user, filters: dict | None = None, search: str = "") -> dict:
    """For each filter, how many projects each of its values would give, the other filters (and
    the search) being kept, and the projects per stage of the current filters (`chart`).
    Computed once per version of the projects' data, per visibility, filters and search."""
    from caflab import fragments

    filters = {name: value for name, value in (filters or {}).items() if value not in (None, "")}
    return fragments.cached(
        "projects-portfolio-counts",
        fragments.version_key("projects", "caflab"),  # the Cafs' régions count too
        lambda: _portfolio_counts(user=user, filters=filters, search=search),
        vary=(visibility_key(user), sorted(filters.items()), search, timezone.localdate()),
    )


def portfolio_facets(
    *, user, filters: dict | None = None, search: str = "", counts: dict | None = None
) -> list[Facet]:
    """For each filter, its values with the number of projects each would give, the other
    filters (and the search) being kept: the numbers from portfolio_counts (cached), the
    programmes' and régions' names read fresh."""
    from caflab.models import Region

    if counts is None:
        counts = portfolio_counts(user=user, filters=filters, search=search)
    programmes = Programme.objects.order_by("position", "name").only("slug", "name")
    facets = [
        Facet(
            "programme",
            [(p.slug, p.name, counts["programme"].get(p.slug, 0)) for p in programmes],
        )
    ]
    for name, choices in (
        ("kind", Project.Kind.choices),
        ("stage", Project.Stage.choices),
        ("theme", Theme.choices),
    ):
        facets.append(
            Facet(name, [(value, label, counts[name].get(value, 0)) for value, label in choices])
        )
    regions = Region.objects.order_by("name").only("code", "name")
    facets.append(
        Facet("region", [(r.code, r.name, counts["region"].get(r.code, 0)) for r in regions])
    )
    years = sorted(counts["year"].items(), reverse=True)
    facets.append(Facet("year", [(str(y), str(y), n) for y, n in years]))
    return facets


def project_get(*, user, slug: str) -> Project:
    """A project with everything its page shows; 404 for a project the user may not see."""
    project = (
        visible_projects(user=user)
        .select_related("programme", "region", "cohort", "application__call", "kit", "assessment")
        .prefetch_related(
            Prefetch("cafs", queryset=_cafs()),
            "partners",
            Prefetch(
                "memberships",
                queryset=ProjectMember.objects.select_related("user", "user__caf").order_by(
                    "role", "user__last_name"
                ),
            ),
            Prefetch("stage_changes", queryset=StageChange.objects.select_related("by")),
            "fundings",
            Prefetch("change_steps", queryset=ChangeStep.objects.order_by("position", "pk")),
            Prefetch(
                "needs", queryset=Need.objects.prefetch_related("matches__helper__organisation")
            ),
            Prefetch(
                "replications",
                queryset=Replication.objects.select_related("caf").order_by("caf__number"),
            ),
        )
        .filter(slug=slug)
        .first()
    )
    if project is None:
        raise Http404
    return project


def theory_of_change(project: Project) -> list[tuple[str, str, list[ChangeStep]]]:
    """The four columns, objectives → actions → stakeholders → expected impacts."""
    by_level: dict[str, list[ChangeStep]] = defaultdict(list)
    for step in project.change_steps.all():
        by_level[step.level].append(step)
    labels = dict(ChangeStep.Level.choices)
    return [(level, labels[level], by_level.get(level, [])) for level in LEVEL_ORDER]


# Indicators ------------------------------------------------------------------------------------
def progress_towards_target(
    *, baseline: Decimal, target: Decimal, value: Decimal | None
) -> Decimal | None:
    """How far a value went from the baseline to the target: 0 at the baseline, 1 at the target,
    more when the target is exceeded, negative when it went the wrong way. Works both for an
    indicator to increase and to decrease (the sign of target - baseline carries it)."""
    if value is None or target == baseline:
        return None
    return (Decimal(value) - Decimal(baseline)) / (Decimal(target) - Decimal(baseline))


@dataclass
class IndicatorView:
    indicator: Indicator
    periods: list[Period]
    latest: Period | None  # the latest approved period
    progress: Decimal | None

    @property
    def percent(self) -> int | None:
        if self.progress is None:
            return None
        return int((self.progress * 100).quantize(Decimal("1")))


def project_indicators(*, user, project: Project) -> list[IndicatorView]:
    """The indicators with their periods: the team and the CafLab see every period, the others
    only the approved ones. Progress counts approved values only."""
    internal = user.has_perm("projects.view_project_internal", project)
    periods_qs = Period.objects.order_by("starts_on").prefetch_related("evidence")
    if not internal:
        periods_qs = periods_qs.filter(status=Period.Status.APPROVED)
    indicators = project.indicators.select_related("impact").prefetch_related(
        Prefetch("periods", queryset=periods_qs)
    )
    views = []
    for indicator in indicators:
        periods = list(indicator.periods.all())
        approved = [p for p in periods if p.status == Period.Status.APPROVED]
        latest = max(approved, key=lambda p: p.ends_on) if approved else None
        views.append(
            IndicatorView(
                indicator=indicator,
                periods=periods,
                latest=latest,
                progress=progress_towards_target(
                    baseline=indicator.baseline,
                    target=indicator.target,
                    value=latest.value if latest else None,
                ),
            )
        )
    return views


def periods_to_review() -> QuerySet[Period]:
    return (
        Period.objects.filter(status=Period.Status.SUBMITTED)
        .select_related("indicator__project", "submitted_by")
        .order_by("submitted_at")
    )


# Calls and jury --------------------------------------------------------------------------------
def call_list(*, user) -> QuerySet[Call]:
    qs = Call.objects.select_related("programme").annotate(
        application_count=Count("applications", distinct=True),
        winner_count=Count(
            "applications",
            filter=Q(applications__status=Application.Status.SELECTED),
            distinct=True,
        ),
    )
    if not user.is_caflab_staff:
        qs = qs.exclude(status=Call.Status.DRAFT)
    return qs.order_by("-opens_on", "pk")


def call_get(*, user, slug: str) -> Call:
    call = (
        Call.objects.select_related("programme")
        .prefetch_related("criteria", "partners")
        .filter(slug=slug)
        .first()
    )
    if call is None or not user.has_perm("projects.view_call", call):
        raise Http404
    return call


def juror_assignments(*, user, call: Call | None = None) -> QuerySet[JuryAssignment]:
    """The applications assigned to this jury member, and nothing else."""
    qs = (
        JuryAssignment.objects.filter(juror=user)
        .select_related("application__call", "application__caf", "application__region")
        .prefetch_related("scores")
        .order_by("application__call", "application__team_name")
    )
    if call is not None:
        qs = qs.filter(application__call=call)
    return qs


def application_get(*, user, pk: int) -> Application:
    application = (
        Application.objects.select_related("call", "caf", "region", "contact")
        .prefetch_related("partners")
        .filter(pk=pk)
        .first()
    )
    if application is None or not user.has_perm("projects.view_application", application):
        raise Http404
    return application


@dataclass
class Ranked:
    application: Application
    score: Decimal | None  # out of 100, None when nobody scored it yet
    rank: int | None
    jurors: int  # how many jury members completed their scoring
    by_criterion: dict[int, Decimal] = field(default_factory=dict)  # criterion id → mean


def ranking(*, call: Call) -> list[Ranked]:
    """The applications ranked by their weighted score out of 100.

    For each criterion, the mean of the jury's scores; the total is the weighted sum of those
    means over the weighted sum of the maxima. Equal totals share a rank and the next rank is
    skipped (1, 2, 2, 4); applications nobody scored come last, unranked.
    """
    criteria = list(call.criteria.all())
    weights = {c.pk: Decimal(c.weight) for c in criteria}
    maximum = sum(Decimal(c.weight * c.max_score) for c in criteria)
    sums: dict[tuple[int, int], list[int]] = defaultdict(list)
    for app_id, criterion_id, value in Score.objects.filter(
        assignment__application__call=call, assignment__completed_at__isnull=False
    ).values_list("assignment__application_id", "criterion_id", "value"):
        sums[(app_id, criterion_id)].append(value)
    completed = dict(
        JuryAssignment.objects.filter(application__call=call, completed_at__isnull=False)
        .values("application_id")
        .annotate(n=Count("pk"))
        .values_list("application_id", "n")
    )
    rows = []
    for application in call.applications.select_related("caf", "region").order_by("team_name"):
        means = {
            c.pk: Decimal(sum(v)) / len(v)
            for c in criteria
            if (v := sums.get((application.pk, c.pk)))
        }
        score = None
        if means and maximum:
            total = sum(means[pk] * weights[pk] for pk in means)
            score = (total * 100 / maximum).quantize(Decimal("0.01"))
        rows.append(
            Ranked(
                application=application,
                score=score,
                rank=None,
                jurors=completed.get(application.pk, 0),
                by_criterion=means,
            )
        )
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.application.team_name.lower()))
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row.score is None:
            break
        if row.score != previous:
            rank, previous = position, row.score
        row.rank = rank
    return rows


# Incubation ------------------------------------------------------------------------------------
@dataclass
class TrackProgress:
    project: Project
    done: int
    total: int
    modules: dict[int, bool]  # module id → completed

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def cohort_get(*, slug: str) -> Cohort:
    cohort = (
        Cohort.objects.select_related("programme", "call")
        .prefetch_related(
            Prefetch(
                "modules",
                queryset=Module.objects.prefetch_related(
                    Prefetch("sessions", queryset=ModuleSession.objects.order_by("starts_at"))
                ),
            ),
            Prefetch("projects", queryset=Project.objects.order_by("title")),
        )
        .filter(slug=slug)
        .first()
    )
    if cohort is None:
        raise Http404
    return cohort


def cohort_progress(*, cohort: Cohort, until: date | None = None) -> list[TrackProgress]:
    """Each project's progress through the track: a module is done when the project came to
    one of its sessions and, if the module asks for a deliverable, when it was validated.
    `until` counts only the sessions held and the deliverables handed in by that day."""
    modules = list(cohort.modules.all())
    projects = list(cohort.projects.all())
    attendances = SessionAttendance.objects.filter(session__module__cohort=cohort, present=True)
    deliverables = Deliverable.objects.filter(
        module__cohort=cohort, status=Deliverable.Status.ACCEPTED
    )
    if until is not None:
        attendances = attendances.filter(session__starts_at__date__lte=until)
        deliverables = deliverables.filter(created_at__date__lte=until)
    attended = set(attendances.values_list("project_id", "session__module_id"))
    accepted = set(deliverables.values_list("project_id", "module_id"))
    result = []
    for project in projects:
        state = {
            m.pk: (project.pk, m.pk) in attended
            and (not m.deliverable or (project.pk, m.pk) in accepted)
            for m in modules
        }
        result.append(
            TrackProgress(
                project=project, done=sum(state.values()), total=len(modules), modules=state
            )
        )
    return result


def attendance_sheet(*, session: ModuleSession) -> dict[int, int]:
    return dict(session.attendances.values_list("project_id", "attendees"))


def needs_board(*, kind: str = "", status: str = Need.Status.OPEN) -> QuerySet[Need]:
    qs = Need.objects.select_related("project", "project__region").prefetch_related(
        Prefetch("matches", queryset=_matches()), Prefetch("project__cafs", queryset=_cafs())
    )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.filter(project__is_published=True).order_by("-published_at", "pk")


def _matches():
    from projects.models import Match

    return Match.objects.select_related("helper__organisation")


def regions_of(project: Project) -> set[int]:
    regions = {project.region_id} | {caf.region_id for caf in project.cafs.all()}
    regions.discard(None)
    return regions


def rank_helpers(helpers, *, regions: set[int]) -> list[Helper]:
    """Those of the project's region(s) first, then those acting everywhere, then the others."""

    def closeness(helper: Helper) -> tuple:
        if helper.region_id in regions:
            group = 0
        elif helper.region_id is None:
            group = 1
        else:
            group = 2
        return (group, str(helper).lower())

    return sorted(helpers, key=closeness)


def helpers_for(*, need: Need) -> list[Helper]:
    """The organisations that say they can help with this kind of need, nearest first."""
    return helpers_for_needs([need])[need.pk]


def helpers_for_needs(needs) -> dict[int, list[Helper]]:
    """The suggestions for each need of a page, from the helpers read once (a few dozen
    organisations: filtered here, the same on PostgreSQL and SQLite)."""
    helpers = list(Helper.objects.select_related("organisation", "region"))
    return {
        need.pk: rank_helpers(
            [h for h in helpers if need.kind in (h.kinds or [])],
            regions=regions_of(need.project),
        )
        for need in needs
    }


# Creativity and trainings ----------------------------------------------------------------------
def creativity_list(
    *, year: int | None = None, caf=None, method: str = ""
) -> QuerySet[CreativitySession]:
    qs = CreativitySession.objects.select_related("caf", "facilitator", "project")
    if year:
        qs = qs.filter(held_on__year=year)
    if caf is not None:
        qs = qs.filter(caf=caf)
    if method:
        qs = qs.filter(method=method)
    return qs.order_by("-held_on", "-pk")


def training_list() -> QuerySet[Training]:
    return Training.objects.annotate(
        session_count=Count("sessions", distinct=True),
        trainee_count=Count(
            "sessions__enrolments__trainee",
            filter=Q(sessions__enrolments__attended=True),
            distinct=True,
        ),
    ).order_by("title")


def training_get(*, pk: int) -> Training:
    training = (
        Training.objects.prefetch_related(
            Prefetch(
                "sessions",
                queryset=TrainingSession.objects.select_related("caf")
                .annotate(trainee_count=Count("enrolments", filter=Q(enrolments__attended=True)))
                .order_by("-starts_on"),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if training is None:
        raise Http404
    return training


def session_enrolments(*, session: TrainingSession) -> QuerySet[Enrolment]:
    return session.enrolments.select_related("trainee", "trainee__caf").order_by(
        "trainee__last_name", "trainee__first_name"
    )


def people_trained(*, year: int, kind: str = "") -> int:
    """Distinct persons who followed at least one session starting in the year."""
    # One filter() call: the conditions hold on the same enrolment.
    conditions = {"enrolments__attended": True, "enrolments__session__starts_on__year": year}
    if kind:
        conditions["enrolments__session__training__kind"] = kind
    return Trainee.objects.filter(**conditions).distinct().count()


# Figures of a year -----------------------------------------------------------------------------
@dataclass
class YearFigures:
    year: int
    carried: int
    accompanied: int
    by_kind: dict[str, int]  # kind (value) → projects under way in the year
    fipe_by_theme: list[tuple[str, int]]
    challenge_teams: int
    challenge_winners: int
    creativity_sessions: int
    creativity_participants: int
    trainings: int  # training sessions held in the year
    people_trained: int
    stages: list[tuple[str, int]]
    incubated: int
    incubation_percent: int
    replications: int
    funding_total: Decimal


def year_figures(*, year: int) -> YearFigures:
    """The figures of the « Concevoir et fabriquer » part of the report, from the data."""
    active = Project.objects.filter(active_in_year(year))
    by_kind = dict(
        active.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    fipe = dict(
        active.filter(kind=Project.Kind.FIPE)
        .order_by()
        .values_list("theme")
        .annotate(n=Count("pk"))
        .values_list("theme", "n")
    )
    labels = dict(Theme.choices)
    challenge_calls = Call.objects.filter(kind=Call.Kind.CHALLENGE).filter(
        Q(decided_on__year=year) | Q(opens_on__year__lte=year, closes_on__year__gte=year)
    )
    applications = Application.objects.filter(call__in=challenge_calls)
    stage_labels = dict(Project.Stage.choices)
    # The stage each project had reached on 31 December, from its dated history.
    end = date(year, 12, 31)
    stage_at_end = Subquery(
        StageChange.objects.filter(project=OuterRef("pk"), changed_on__lte=end)
        .order_by("-changed_on", "-pk")
        .values("to_stage")[:1]
    )
    stages = dict(
        active.order_by()
        .annotate(stage_at=stage_at_end)
        .values_list("stage_at")
        .annotate(n=Count("pk"))
        .values_list("stage_at", "n")
    )
    creativity = CreativitySession.objects.filter(held_on__year=year).aggregate(
        n=Count("pk"), people=Sum("participants")
    )
    cohorts = Cohort.objects.filter(
        Q(starts_on__year__lte=year) & (Q(ends_on__isnull=True) | Q(ends_on__year__gte=year))
    )
    done = total = incubated = 0
    for cohort in cohorts.prefetch_related("modules", "projects"):
        for track in cohort_progress(cohort=cohort, until=end):
            incubated += 1
            done, total = done + track.done, total + track.total
    from projects.models import Funding

    return YearFigures(
        year=year,
        carried=by_kind.get(Project.Kind.CARRIED, 0),
        accompanied=by_kind.get(Project.Kind.ACCOMPANIED, 0),
        by_kind={value: by_kind.get(value, 0) for value in Project.Kind.values},
        fipe_by_theme=[(labels[t], fipe.get(t, 0)) for t in FIPE_THEMES],
        challenge_teams=applications.count(),
        # A winner counts in the year the jury decided.
        challenge_winners=applications.filter(
            status=Application.Status.SELECTED, call__decided_on__year=year
        ).count(),
        creativity_sessions=creativity["n"] or 0,
        creativity_participants=creativity["people"] or 0,
        trainings=TrainingSession.objects.filter(starts_on__year=year).count(),
        people_trained=people_trained(year=year),
        stages=[(stage_labels[s], stages.get(s, 0)) for s in stage_labels],
        incubated=incubated,
        incubation_percent=round(100 * done / total) if total else 0,
        replications=Replication.objects.filter(started_on__year=year).count(),
        funding_total=Funding.objects.filter(year=year).aggregate(s=Sum("amount"))["s"]
        or Decimal("0"),
    )


def has_unscored(user) -> bool:
    """Whether a jury member still has applications to score (for the home page)."""
    return (
        JuryAssignment.objects.filter(
            juror=user, completed_at__isnull=True, application__call__status=Call.Status.JURY
        ).exists()
        if juror_application_ids(user)
        else False
    )
