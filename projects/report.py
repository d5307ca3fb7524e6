"""Programmes and projects in the annual report (« Concevoir et fabriquer »): the projects the
CafLab carries and those it accompanies, the FIPE projects by theme, the challenges (teams,
winners and the projects they became), the incubation cohorts' progress, the essaimage, the
creativity sessions and the trainings.

What belongs to a year Y:

- a **project** counts in Y when it was under way at some point of Y (started by the end of Y,
  not ended before it began: `selectors.active_in_year`), by its kind; its stage is the one it
  had reached on 31/12/Y, read from its dated history (today's stage for a project without
  one);
- a **challenge** counts in Y when it was open during Y or decided in Y, with all its teams;
- a **creativity session** by the day it was held, a **training session** by its first day, a
  **person trained** once however many sessions of Y they attended (an enrolment without
  attendance does not count);
- an **essaimage** by the day the Caf started it, an **incubation cohort** when it ran in Y.

The key figures come from `selectors.year_figures`, which the portal's pages share; their keys
feed « Le CafLab en chiffres »: projects_carried, projects_accompanied, creativity_sessions,
trainings, people_trained.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.utils import formats
from django.utils.translation import gettext as _, ngettext

from caflab import charts
from projects.models import (
    Application,
    Call,
    Cohort,
    CreativitySession,
    Enrolment,
    Project,
    Replication,
    StageChange,
    Theme,
    TrainingSession,
)
from projects.selectors import (
    Ranked,
    TrackProgress,
    YearFigures,
    active_in_year,
    cohort_progress,
    ranking,
    year_figures,
)
from reporting.sections import Figure, Section, register

PORTFOLIO_KINDS = (Project.Kind.CARRIED, Project.Kind.ACCOMPANIED, Project.Kind.FIPE)


def _n(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def _score(score: Decimal | None) -> str:
    # number_format cuts the decimals of a Decimal: round first (91.67 → 91,7, not 91,6).
    return "—" if score is None else formats.number_format(round(score, 1), 1)


def _title_key(title: str) -> str:
    """Sort « Échos » with the E, not after the Z."""
    return unicodedata.normalize("NFKD", title).casefold()


def _day(day: date) -> str:
    return formats.date_format(day, "j F Y")


# Figures -----------------------------------------------------------------------------------------
def key_figures(year: int, *, figures: YearFigures | None = None) -> dict[str, int]:
    """The section's figures, by key (`year_figures` computed once and passed in, or here)."""
    f = figures or year_figures(year=year)
    by_kind = f.by_kind
    return {
        "projects_carried": f.carried,
        "projects_accompanied": f.accompanied,
        "fipe_projects": sum(n for _label, n in f.fipe_by_theme),
        "challenge_teams": f.challenge_teams,
        "challenge_winners": f.challenge_winners,
        "experimentations": by_kind[Project.Kind.EXPERIMENT],
        "projects_incubated": f.incubated,
        "incubation_progress": f.incubation_percent,
        "replications": f.replications,
        "creativity_sessions": f.creativity_sessions,
        "creativity_participants": f.creativity_participants,
        "trainings": f.trainings,
        "people_trained": f.people_trained,
    }


def figure_labels() -> dict[str, tuple[str, str]]:
    """Key → (label, unit); the labels of « Le CafLab en chiffres » where it has them."""
    return {
        "projects_carried": (_("projets portés par le CafLab"), ""),
        "projects_accompanied": (_("projets accompagnés par le CafLab"), ""),
        "fipe_projects": (_("projets du Fonds d'innovation petite enfance (FIPE) accompagnés"), ""),
        "challenge_teams": (_("équipes candidates aux défis"), ""),
        "challenge_winners": (_("projets lauréats des défis"), ""),
        "experimentations": (_("expérimentations territoriales"), ""),
        "projects_incubated": (_("projets incubés"), ""),
        "incubation_progress": (_("du parcours d'incubation réalisé"), "%"),
        "replications": (_("essaimages engagés dans une Caf"), ""),
        "creativity_sessions": (_("séances de créativité réalisées au CafLab ou en Caf"), ""),
        "creativity_participants": (_("participants aux séances de créativité"), ""),
        "trainings": (_("formations dispensées"), ""),
        "people_trained": (
            _(
                "personnes formées au management de l'innovation, à la maîtrise d'usage, au "
                "design thinking ou à l'évaluation d'impact"
            ),
            "",
        ),
    }


# Projects ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProjectRow:
    project: Project
    stage: str  # the stage's label on 31/12 of the year


def stages_at(projects, day: date) -> dict[int, str]:
    """Each project's stage at the end of `day`, from its dated history (one query)."""
    # Ordered by day: for each project, the latest change is the one the dict keeps.
    return dict(
        StageChange.objects.filter(project__in=projects, changed_on__lte=day)
        .order_by("project_id", "changed_on", "id")
        .values_list("project_id", "to_stage")
    )


def portfolio_rows(year: int) -> dict[str, list[ProjectRow]]:
    """The carried, accompanied and FIPE projects of the year by kind, each with its stage at
    the end of the year (three queries)."""
    projects = list(
        Project.objects.filter(active_in_year(year), kind__in=PORTFOLIO_KINDS)
        .select_related("programme")
        .prefetch_related("cafs")
    )
    projects.sort(key=lambda p: (_title_key(p.title), p.pk))
    stages = stages_at([p.pk for p in projects], date(year, 12, 31))
    labels = dict(Project.Stage.choices)
    rows: dict[str, list[ProjectRow]] = {kind: [] for kind in PORTFOLIO_KINDS}
    for project in projects:
        stage = stages.get(project.pk, project.stage)
        rows[project.kind].append(ProjectRow(project, str(labels[stage])))
    return rows


def _cafs(project: Project) -> str:
    return ", ".join(caf.name for caf in sorted(project.cafs.all(), key=lambda c: c.number))


# Challenges and calls ---------------------------------------------------------------------------
@dataclass
class ChallengeReport:
    call: Call
    ranked: list[Ranked]
    projects: dict[int, Project]  # application id → the project it became

    @property
    def winners(self) -> list[Ranked]:
        return [r for r in self.ranked if r.application.status == Application.Status.SELECTED]


def challenge_calls(year: int):
    """The challenges of the year: open during it or decided in it (as `year_figures`)."""
    return Call.objects.filter(kind=Call.Kind.CHALLENGE).filter(
        Q(decided_on__year=year) | Q(opens_on__year__lte=year, closes_on__year__gte=year)
    )


def challenges_of_year(year: int) -> list[ChallengeReport]:
    """Each challenge of the year with its ranked applications and its winners' projects
    (two queries, then four per challenge)."""
    calls = list(challenge_calls(year).order_by("opens_on", "pk"))
    if not calls:
        return []
    projects = {
        p.application_id: p
        for p in Project.objects.filter(application__call__in=calls).only(
            "pk", "title", "slug", "stage", "application_id"
        )
    }
    return [ChallengeReport(call, ranking(call=call), projects) for call in calls]


def calls_decided(year: int) -> list[Call]:
    """The calls for projects (not the challenges) whose winners were named in the year."""
    return list(
        Call.objects.filter(kind=Call.Kind.CALL, decided_on__year=year)
        .annotate(
            application_count=Count("applications", distinct=True),
            winner_count=Count(
                "applications",
                filter=Q(applications__status=Application.Status.SELECTED),
                distinct=True,
            ),
        )
        .order_by("decided_on", "pk")
    )


# Incubation and essaimage ------------------------------------------------------------------------
def incubation_rows(year: int) -> list[tuple[Cohort, list[TrackProgress]]]:
    """The cohorts that ran in the year, each project's progress through the track."""
    cohorts = (
        Cohort.objects.filter(starts_on__year__lte=year)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__year__gte=year))
        .prefetch_related("modules", "projects")
        .order_by("starts_on", "pk")
    )
    return [
        (cohort, sorted(cohort_progress(cohort=cohort), key=lambda t: _title_key(t.project.title)))
        for cohort in cohorts
    ]


def replications_of_year(year: int) -> list[Replication]:
    replications = Replication.objects.filter(started_on__year=year).select_related(
        "project", "caf"
    )
    return sorted(replications, key=lambda r: (_title_key(r.project.title), r.started_on, r.pk))


# Creativity and trainings ------------------------------------------------------------------------
def creativity_by_month(year: int) -> dict[str, list[int]]:
    """Sessions held each month of the year, by audience (one query)."""
    per_audience = {value: [0] * 12 for value in CreativitySession.Audience.values}
    for month, audience, n in (
        CreativitySession.objects.filter(held_on__year=year)
        .annotate(month=ExtractMonth("held_on"))
        .values_list("month", "audience")
        .annotate(n=Count("id"))
        .order_by()
    ):
        per_audience[audience][month - 1] += n
    return per_audience


@dataclass(frozen=True)
class TrainingRow:
    title: str
    sessions: int
    people: int  # distinct people who attended one of its sessions of the year


def training_rows(year: int) -> list[TrainingRow]:
    """Each training of the catalogue given in the year (two queries)."""
    sessions = dict(
        TrainingSession.objects.filter(starts_on__year=year)
        .values_list("training__title")
        .annotate(n=Count("id"))
        .order_by()
    )
    people = dict(
        Enrolment.objects.filter(attended=True, session__starts_on__year=year)
        .values_list("session__training__title")
        .annotate(n=Count("trainee", distinct=True))
        .order_by()
    )
    return [TrainingRow(title, sessions[title], people.get(title, 0)) for title in sorted(sessions)]


# The section -------------------------------------------------------------------------------------
def _portfolio_table(year: int, rows: dict[str, list[ProjectRow]]) -> dict:
    body = [
        [
            row.project.title,
            _("Porté"),
            row.project.programme.name if row.project.programme else "—",
            row.stage,
        ]
        for row in rows[Project.Kind.CARRIED]
    ] + [
        [row.project.title, _("Accompagné"), row.project.sponsor or "—", row.stage]
        for row in rows[Project.Kind.ACCOMPANIED]
    ]
    return {
        "caption": _("Projets portés et accompagnés par le CafLab en %(year)s") % {"year": year},
        "headers": [
            _("Projet"),
            _("Rôle du CafLab"),
            _("Programme ou direction commanditaire"),
            _("Étape au 31 décembre"),
        ],
        "rows": body,
    }


def _fipe_table(year: int, rows: list[ProjectRow]) -> dict:
    themes = dict(Theme.choices)
    order = {theme: position for position, theme in enumerate(Theme.values)}
    return {
        "caption": _("Projets du FIPE accompagnés en %(year)s") % {"year": year},
        "headers": [_("Projet"), _("Caf porteuse"), _("Thème"), _("Étape au 31 décembre")],
        "rows": [
            [row.project.title, _cafs(row.project), str(themes[row.project.theme]), row.stage]
            for row in sorted(
                rows, key=lambda r: (order[r.project.theme], _title_key(r.project.title))
            )
        ],
    }


def _challenge_table(report: ChallengeReport) -> dict:
    statuses = dict(Application.Status.choices)
    rows = []
    for ranked in report.ranked:
        application = ranked.application
        project = report.projects.get(application.pk)
        rows.append(
            [
                str(ranked.rank) if ranked.rank else "—",
                application.team_name,
                application.region.name if application.region else "—",
                application.caf.name if application.caf else "—",
                project.title if project else application.title,
                _score(ranked.score),
                str(statuses[application.status]),
            ]
        )
    return {
        "caption": _("%(title)s : les équipes et la décision du jury")
        % {"title": report.call.title},
        "headers": [
            _("Rang"),
            _("Équipe"),
            _("Région"),
            _("Caf porteuse"),
            _("Projet"),
            _("Note sur 100"),
            _("Décision"),
        ],
        "rows": rows,
    }


def _incubation_table(year: int, cohorts: list[tuple[Cohort, list[TrackProgress]]]) -> dict:
    return {
        "caption": _("Avancement des projets incubés en %(year)s") % {"year": year},
        "headers": [_("Promotion"), _("Projet"), _("Modules réalisés"), _("Avancement")],
        "rows": [
            [
                cohort.name,
                track.project.title,
                f"{track.done} / {track.total}",
                f"{track.percent} %",
            ]
            for cohort, tracks in cohorts
            for track in tracks
        ],
    }


def _training_table(year: int, rows: list[TrainingRow], figures: dict[str, int]) -> dict:
    body = [[row.title, _n(row.sessions), _n(row.people)] for row in rows]
    if rows:
        # A person trained twice counts once in the total: it is not the sum of the rows.
        body.append([_("Total"), _n(figures["trainings"]), _n(figures["people_trained"])])
    return {
        "caption": _("Formations dispensées en %(year)s") % {"year": year},
        "headers": [_("Formation"), _("Sessions"), _("Personnes formées")],
        "rows": body,
    }


def _replication_table(year: int, replications: list[Replication]) -> dict:
    return {
        "caption": _("Essaimages engagés en %(year)s") % {"year": year},
        "headers": [_("Projet"), _("Caf"), _("Statut"), _("Depuis le")],
        "rows": [
            [r.project.title, r.caf.name, r.get_status_display(), _day(r.started_on)]
            for r in replications
        ],
    }


def _highlights(
    year: int,
    challenges: list[ChallengeReport],
    calls: list[Call],
    replications: list[Replication],
) -> list[str]:
    highlights = []
    for report in challenges:
        if not (report.call.decided_on and report.call.decided_on.year == year):
            continue
        winners = report.winners
        names = ", ".join(
            (
                report.projects[r.application.pk].title
                if r.application.pk in report.projects
                else r.application.title
            )
            for r in winners
        )
        highlights.append(
            ngettext(
                "%(title)s : %(teams)s équipes candidates, %(count)s lauréat désigné le "
                "%(day)s — %(names)s.",
                "%(title)s : %(teams)s équipes candidates, %(count)s lauréats désignés le "
                "%(day)s — %(names)s.",
                len(winners),
            )
            % {
                "title": report.call.title,
                "teams": _n(len(report.ranked)),
                "count": _n(len(winners)),
                "day": _day(report.call.decided_on),
                "names": names,
            }
        )
    highlights += [
        ngettext(
            "%(title)s : %(count)s projet retenu sur %(total)s candidatures.",
            "%(title)s : %(count)s projets retenus sur %(total)s candidatures.",
            call.winner_count,
        )
        % {"title": call.title, "count": _n(call.winner_count), "total": _n(call.application_count)}
        for call in calls
    ]
    by_project: dict[str, list[str]] = defaultdict(list)
    for replication in replications:
        if replication.status != Replication.Status.STOPPED:
            by_project[replication.project.title].append(replication.caf.name)
    highlights += [
        ngettext(
            "« %(title)s » essaimé dans une Caf : %(cafs)s.",
            "« %(title)s » essaimé dans %(count)s Caf : %(cafs)s.",
            len(cafs),
        )
        % {"title": title, "count": _n(len(cafs)), "cafs": ", ".join(cafs)}
        for title, cafs in by_project.items()
    ]
    return highlights


@register(order=10, part="concevoir")
def projects_section(year: int) -> Section:
    """Twenty-six queries, plus four per challenge and four per incubation cohort of the year
    (one or two of each a year), whatever the number of projects, sessions or people."""
    yearly = year_figures(year=year)
    figures = key_figures(year, figures=yearly)
    labels = figure_labels()
    portfolio = portfolio_rows(year)
    challenges = challenges_of_year(year)
    cohorts = incubation_rows(year)
    replications = replications_of_year(year)
    trainings = training_rows(year)
    per_month = creativity_by_month(year)

    audiences = dict(CreativitySession.Audience.choices)
    kinds = {label: yearly.by_kind[value] for value, label in Project.Kind.choices}
    chart_list = [
        charts.bar_chart(
            title=_("Projets du FIPE accompagnés par thème en %(year)s") % {"year": year},
            labels=[label for label, _count in yearly.fipe_by_theme],
            values=[count for _label, count in yearly.fipe_by_theme],
        ),
        charts.stacked_bar_chart(
            title=_("Séances de créativité par mois en %(year)s") % {"year": year},
            categories=str(charts.MONTHS).split(),
            series={str(audiences[audience]): counts for audience, counts in per_month.items()},
        ),
        charts.bar_chart(
            title=_("Projets en cours en %(year)s, par type") % {"year": year},
            labels=list(kinds),
            values=list(kinds.values()),
        ),
    ]
    tables = [
        _portfolio_table(year, portfolio),
        _fipe_table(year, portfolio[Project.Kind.FIPE]),
        *(_challenge_table(report) for report in challenges),
        _incubation_table(year, cohorts),
        _replication_table(year, replications),
        _training_table(year, trainings, figures),
    ]
    return Section(
        title=_("Programmes et projets"),
        part="concevoir",
        figures=[
            Figure(key, value, labels[key][0], labels[key][1]) for key, value in figures.items()
        ],
        tables=tables,
        charts=chart_list,
        highlights=_highlights(year, challenges, calls_decided(year), replications),
    )
