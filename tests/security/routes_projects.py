"""Projects: programmes, calls and jury, incubation, partner search, creativity sessions,
trainings (with the trainees' personal data), the portfolio, a project's pages (team, fundings,
documents, impact, needs, kit, essaimage) and the API `projects-*`.

The project of the rows is the one Isère's agent carries (AGENT_A is in its team, with the
CafLab deciding its stage); the referent of Bretagne is a jury member and carries another
project of the same incubation cohort.
"""

from django.urls import reverse

from tests.security.matrix import (
    FORBIDDEN,
    NOT_FOUND,
    OK,
    REDIRECT,
    SIGNED_IN,
    UNAUTHORIZED,
    Role,
    Route,
    roles,
    signed_in,
)

NO_SUCH_FILE = 999_999  # the demo data has no document, evidence or kit file
DEMO_YEAR = 2025

AGENTS = (Role.AGENT_A, Role.AGENT_B, Role.FACILITATOR, Role.REFERENT)
TEAM = (Role.AGENT_A, Role.STAFF)  # the team of the Isère agent's project, and the CafLab
NOT_STAFF = tuple(role for role in Role if role is not Role.STAFF)
NOT_TEAM = tuple(role for role in Role if role not in TEAM)


def api(allowed, status=OK, *, others=FORBIDDEN, **special):
    return roles(allowed, status, others=others, anonymous=UNAUTHORIZED, **special)


# The objects of the rows
def project(w):
    from projects.models import Project

    return w.get(
        "projects.project_a",
        lambda: (
            Project.objects.filter(memberships__user=w.users[Role.AGENT_A]).order_by("pk").first()
        ),
    )


def p(w, **kwargs):
    return {"slug": project(w).slug, **kwargs}


def draft_period(w):
    from projects.models import Period

    return w.get(
        "projects.draft_period",
        lambda: (
            Period.objects.filter(indicator__project=project(w)).exclude(status="validee").first()
        ),
    )


def indicator(w):
    return w.get("projects.indicator", lambda: project(w).indicators.order_by("pk").first())


def change_step(w):
    return w.get("projects.change_step", lambda: project(w).change_steps.order_by("pk").first())


def membership(w):
    return w.get(
        "projects.membership",
        lambda: project(w).memberships.filter(user=w.users[Role.AGENT_A]).first(),
    )


def need(w):
    return w.get("projects.need", lambda: project(w).needs.order_by("pk").first())


def open_need(w):
    from projects.models import Need

    return w.get(
        "projects.open_need", lambda: Need.objects.filter(status="ouvert").order_by("pk").first()
    )


def match(w):
    from projects.models import Match

    return w.get("projects.match", lambda: Match.objects.order_by("pk").first())


def replication(w):
    """A Caf that reproduces a project, none of the signed-in agents' Cafs."""
    from projects.models import Replication

    cafs = [u.caf_id for u in w.users.values() if u is not None and u.caf_id]
    return w.get(
        "projects.replication",
        lambda: Replication.objects.exclude(caf_id__in=cafs).order_by("pk").first(),
    )


def call(w):
    from projects.models import Call

    return w.get("projects.call", lambda: Call.objects.order_by("pk").first())


def assignment(w):
    """One application the referent scores as a jury member."""
    return w.get(
        "projects.assignment",
        lambda: w.users[Role.REFERENT].jury_assignments.select_related("application__call").first(),
    )


def application(w):
    return assignment(w).application


def cohort(w):
    from projects.models import Cohort

    return w.get("projects.cohort", lambda: Cohort.objects.order_by("pk").first())


def module_session(w):
    from projects.models import ModuleSession

    return w.get(
        "projects.module_session",
        lambda: ModuleSession.objects.filter(module__cohort=cohort(w)).order_by("pk").first(),
    )


def deliverable(w, key="a"):
    """The deliverable of the Isère agent's project (a), of a project without any of the roles
    in its team (other)."""
    from projects.models import Deliverable, ProjectMember

    if key == "a":
        factory = lambda: Deliverable.objects.filter(project=project(w)).order_by("pk").first()  # noqa: E731
    else:

        def factory():
            teams = ProjectMember.objects.filter(
                user__in=[u for u in w.users.values() if u is not None]
            ).values("project_id")
            return (
                Deliverable.objects.filter(module__cohort=cohort(w))
                .exclude(project_id__in=teams)
                .order_by("pk")
                .first()
            )

    return w.get(f"projects.deliverable_{key}", factory)


def deliverable_url(w, d):
    return reverse(
        "projects:deliverable-download", kwargs={"slug": d.module.cohort.slug, "pk": d.pk}
    )


def training_session(w):
    from projects.models import TrainingSession

    return w.get(
        "projects.training_session",
        lambda: (
            TrainingSession.objects.filter(enrolments__isnull=False)
            .order_by("pk")
            .distinct()
            .first()
        ),
    )


def trainee(w):
    return w.get(
        "projects.trainee",
        lambda: training_session(w).enrolments.select_related("trainee").first().trainee,
    )


def trainee_texts(w):
    """The name and email of people trained: for the CafLab only."""
    t = trainee(w)
    return [f"{t.first_name} {t.last_name}", t.email]


def hide_trainees(w):
    return dict.fromkeys(NOT_STAFF, trainee_texts(w))


def hide_internal(w):
    """What only the team and the CafLab see of the project: a period not approved yet, the
    forms to change it."""
    texts = [reverse("projects:document-upload", kwargs=p(w))]
    if draft_period(w):
        texts.append(reverse("projects:period-detail", kwargs=p(w, pk=draft_period(w).pk)))
    return dict.fromkeys(NOT_TEAM, texts)


def hide_internal_api(w):
    """A period not approved yet, in the project's JSON."""
    return dict.fromkeys(NOT_TEAM, ('"status":"brouillon"', '"status":"soumise"'))


def hide_deliverables(w):
    a, other = deliverable(w), deliverable(w, "other")
    hidden = {role: [deliverable_url(w, other)] for role in NOT_STAFF}
    for role in NOT_TEAM:
        if role is not Role.STAFF:
            hidden[role] = [deliverable_url(w, other), deliverable_url(w, a)]
    return hidden


def hide_jury(w):
    """An application's contact, for the CafLab and its jury members only."""
    contact = application(w).contact
    texts = [contact.email] if contact else []
    return {role: texts for role in Role if role not in (Role.STAFF, Role.REFERENT)}


# Unpublished projects. The demo data publishes every project: these rows take one back from
# publication inside the row's own transaction (rolled back after it), then check that only its
# team and the CafLab still reach it, and that no list, export or form of anybody else names it.
def unpublish(project_obj) -> None:
    from projects.models import Project

    Project.objects.filter(pk=project_obj.pk).update(is_published=False)


def secret(w, **kwargs):
    """The Isère agent's project, unpublished: its team is AGENT_A (and the CafLab)."""
    unpublish(project(w))
    return kwargs


def secret_p(w, **kwargs):
    return secret(w, **p(w, **kwargs))


def hide_secret(w):
    return dict.fromkeys(NOT_TEAM, (project(w).slug,))


def creativity_project(w):
    """A project a creativity session of the demo year worked for, with none of the signed-in
    roles but the CafLab's in its team."""
    from projects.models import CreativitySession

    def factory():
        users = [u for u in w.users.values() if u is not None and not u.is_caflab_staff]
        session = (
            CreativitySession.objects.filter(held_on__year=DEMO_YEAR, project__isnull=False)
            .exclude(project__memberships__user__in=users)
            .select_related("project")
            .order_by("-held_on", "-pk")  # the first page of the year's sessions
            .first()
        )
        return session.project

    return w.get("projects.creativity_project", factory)


def secret_creativity(w, **kwargs):
    unpublish(creativity_project(w))
    return kwargs


def hide_secret_creativity(w):
    item = creativity_project(w)
    return dict.fromkeys(NOT_STAFF, (item.slug, item.title))


ROUTES = [
    # Programmes, calls and the jury
    Route("projects:programme-list", signed_in(OK)),
    Route(
        "projects:programme-detail",
        signed_in(OK),
        kwargs=lambda w: {"slug": project(w).programme.slug if project(w).programme else ""},
    ),
    Route("projects:call-list", signed_in(OK)),
    Route(
        "projects:call-detail",
        signed_in(OK),
        kwargs=lambda w: {"slug": call(w).slug},
        hidden=hide_jury,
    ),
    # A decided call no longer takes applications: back to its page.
    Route("projects:call-apply", signed_in(REDIRECT), kwargs=lambda w: {"slug": call(w).slug}),
    Route(
        "projects:call-apply",
        signed_in(400),
        method="post",
        id="POST projects:call-apply",
        kwargs=lambda w: {"slug": call(w).slug},
    ),
    Route(
        "projects:call-advance",
        roles([Role.STAFF], REDIRECT),
        method="post",
        kwargs=lambda w: {"slug": call(w).slug},
    ),
    Route("projects:call-ranking", roles([Role.STAFF]), kwargs=lambda w: {"slug": call(w).slug}),
    Route(
        "projects:call-ranking",
        roles([Role.STAFF], 400),
        method="post",
        id="POST projects:call-ranking",
        kwargs=lambda w: {"slug": call(w).slug},
    ),
    Route(
        "projects:application-detail",
        roles([Role.STAFF, Role.REFERENT], others=NOT_FOUND),
        kwargs=lambda w: {"slug": application(w).call.slug, "pk": application(w).pk},
    ),
    Route(
        "projects:application-detail",
        roles([Role.STAFF], 400, others=NOT_FOUND, REFERENT=FORBIDDEN),
        method="post",
        id="POST projects:application-detail",
        kwargs=lambda w: {"slug": application(w).call.slug, "pk": application(w).pk},
    ),
    Route("projects:jury-list", signed_in(OK), hidden=hide_jury),
    Route(
        "projects:jury-score",
        roles([Role.REFERENT], others=NOT_FOUND),
        kwargs=lambda w: {"pk": assignment(w).pk},
        hidden=hide_jury,
    ),
    Route(
        "projects:jury-score",
        roles([Role.REFERENT], 400, others=NOT_FOUND),
        method="post",
        id="POST projects:jury-score",
        kwargs=lambda w: {"pk": assignment(w).pk},
    ),
    # Incubation
    Route("projects:cohort-list", signed_in(OK)),
    Route(
        "projects:cohort-detail",
        signed_in(OK),
        kwargs=lambda w: {"slug": cohort(w).slug},
        hidden=hide_deliverables,
    ),
    Route(
        "projects:attendance-record",
        roles([Role.STAFF], REDIRECT),
        method="post",
        kwargs=lambda w: {"slug": cohort(w).slug, "pk": module_session(w).pk},
    ),
    Route(
        "projects:deliverable-submit",
        roles([Role.AGENT_A, Role.REFERENT], 400),
        method="post",
        kwargs=lambda w: {"slug": cohort(w).slug},
    ),
    Route(
        "projects:deliverable-download",
        roles(TEAM, others=NOT_FOUND),
        kwargs=lambda w: {"slug": cohort(w).slug, "pk": deliverable(w).pk},
    ),
    Route(
        "projects:deliverable-download",
        roles([Role.STAFF], others=NOT_FOUND),
        id="GET projects:deliverable-download (another team)",
        kwargs=lambda w: {"slug": cohort(w).slug, "pk": deliverable(w, "other").pk},
    ),
    Route(
        "projects:deliverable-review",
        roles([Role.STAFF], 400),
        method="post",
        kwargs=lambda w: {"slug": cohort(w).slug, "pk": deliverable(w).pk},
    ),
    # Partner search
    Route("projects:need-list", signed_in(OK)),
    Route(
        "projects:match-create",
        roles([Role.STAFF], 400),
        method="post",
        kwargs=lambda w: {"pk": open_need(w).pk},
    ),
    Route(
        "projects:match-status",
        roles([Role.STAFF], 400),
        method="post",
        kwargs=lambda w: {"pk": match(w).pk},
    ),
    # Creativity sessions: the agents of the network and the CafLab; the referents record them.
    Route("projects:creativity-list", roles([*AGENTS, Role.STAFF])),
    Route("projects:creativity-create", roles([Role.REFERENT, Role.STAFF])),
    Route(
        "projects:creativity-create",
        roles([Role.REFERENT, Role.STAFF], 400),
        method="post",
        id="POST projects:creativity-create",
    ),
    *[
        Route(
            "projects:creativity-export",
            roles([*AGENTS, Role.STAFF]),
            id=f"GET projects:creativity-export.{fmt}",
            kwargs=lambda w, fmt=fmt: {"fmt": fmt},
        )
        for fmt in ("csv", "xlsx")
    ],
    Route(
        "projects:creativity-export",
        roles([*AGENTS, Role.STAFF], NOT_FOUND),
        id="GET projects:creativity-export.pdf (unknown format)",
        kwargs=lambda w: {"fmt": "pdf"},
    ),
    # Trainings: the catalogue for everyone signed in, the people trained for the CafLab only.
    Route("projects:training-list", signed_in(OK), hidden=hide_trainees),
    Route(
        "projects:training-detail",
        signed_in(OK),
        kwargs=lambda w: {"pk": training_session(w).training_id},
        hidden=hide_trainees,
    ),
    Route(
        "projects:training-session",
        signed_in(OK),
        kwargs=lambda w: {"pk": training_session(w).pk},
        hidden=hide_trainees,
    ),
    Route(
        "projects:training-session",
        roles([Role.STAFF], 400),
        method="post",
        id="POST projects:training-session",
        kwargs=lambda w: {"pk": training_session(w).pk},
        hidden=hide_trainees,
    ),
    Route(
        "projects:trainee-anonymise",
        roles([Role.STAFF]),
        kwargs=lambda w: {"pk": trainee(w).pk},
        hidden=hide_trainees,
    ),
    Route(
        "projects:trainee-anonymise",
        roles([Role.STAFF], REDIRECT),
        method="post",
        id="POST projects:trainee-anonymise",
        kwargs=lambda w: {"pk": trainee(w).pk},
        hidden=hide_trainees,
    ),
    # The portfolio
    Route("projects:project-list", signed_in(OK)),
    *[
        Route(
            "projects:project-export",
            signed_in(OK),
            id=f"GET projects:project-export?format={fmt}",
            query=f"format={fmt}",
        )
        for fmt in ("csv", "xlsx")
    ],
    Route("projects:project-create", roles([Role.STAFF])),
    Route(
        "projects:project-create",
        roles([Role.STAFF], 400),
        method="post",
        id="POST projects:project-create",
    ),
    Route("projects:period-review-list", roles([Role.STAFF])),
    # One project: published, so everyone signed in reads it; its team and the CafLab change it.
    Route("projects:project-detail", signed_in(OK), kwargs=p, hidden=hide_internal),
    Route("projects:project-edit", roles(TEAM), kwargs=p, hidden=hide_internal),
    Route(
        "projects:project-edit",
        roles(TEAM, 400),
        method="post",
        id="POST projects:project-edit",
        kwargs=p,
    ),
    Route("projects:project-stage", roles([Role.STAFF], 400), method="post", kwargs=p),
    Route("projects:member-add", roles(TEAM, 400), method="post", kwargs=p),
    Route(
        "projects:member-remove",
        roles(TEAM, REDIRECT),
        method="post",
        kwargs=lambda w: p(w, pk=membership(w).pk),
    ),
    Route("projects:funding-add", roles(TEAM, 400), method="post", kwargs=p),
    Route("projects:document-upload", roles(TEAM, 400), method="post", kwargs=p),
    Route(
        "projects:document-download",
        roles((), others=NOT_FOUND),
        kwargs=lambda w: p(w, pk=NO_SUCH_FILE),
    ),
    Route("projects:change-step-create", roles(TEAM, 400), method="post", kwargs=p),
    Route("projects:change-step-edit", roles(TEAM), kwargs=lambda w: p(w, pk=change_step(w).pk)),
    Route(
        "projects:change-step-edit",
        roles(TEAM, 400),
        method="post",
        id="POST projects:change-step-edit",
        kwargs=lambda w: p(w, pk=change_step(w).pk),
    ),
    Route(
        "projects:change-step-delete",
        roles(TEAM, REDIRECT),
        method="post",
        kwargs=lambda w: p(w, pk=change_step(w).pk),
    ),
    Route("projects:indicator-create", roles(TEAM), kwargs=p),
    Route(
        "projects:indicator-create",
        roles(TEAM, 400),
        method="post",
        id="POST projects:indicator-create",
        kwargs=p,
    ),
    Route("projects:period-create", roles(TEAM), kwargs=lambda w: p(w, pk=indicator(w).pk)),
    Route(
        "projects:period-create",
        roles(TEAM, 400),
        method="post",
        id="POST projects:period-create",
        kwargs=lambda w: p(w, pk=indicator(w).pk),
    ),
    Route("projects:period-detail", roles(TEAM), kwargs=lambda w: p(w, pk=draft_period(w).pk)),
    Route(
        "projects:period-detail",
        roles(TEAM, 400),
        method="post",
        id="POST projects:period-detail",
        kwargs=lambda w: p(w, pk=draft_period(w).pk),
    ),
    Route(
        "projects:period-submit",
        roles(TEAM, REDIRECT),
        method="post",
        kwargs=lambda w: p(w, pk=draft_period(w).pk),
    ),
    # A period still in draft cannot be reviewed: back to its page with the refusal.
    Route(
        "projects:period-review",
        roles([Role.STAFF], REDIRECT),
        method="post",
        kwargs=lambda w: p(w, pk=draft_period(w).pk),
    ),
    Route(
        "projects:evidence-upload",
        roles(TEAM, 400),
        method="post",
        kwargs=lambda w: p(w, pk=draft_period(w).pk),
    ),
    Route(
        "projects:evidence-download",
        roles((), others=NOT_FOUND),
        kwargs=lambda w: p(w, pk=NO_SUCH_FILE),
    ),
    Route("projects:assessment-edit", roles(TEAM), kwargs=p),
    Route(
        "projects:assessment-edit",
        roles(TEAM, 400),
        method="post",
        id="POST projects:assessment-edit",
        kwargs=p,
    ),
    Route("projects:assessment-publish", roles([Role.STAFF], REDIRECT), method="post", kwargs=p),
    Route("projects:need-publish", roles(TEAM, 400), method="post", kwargs=p),
    Route(
        "projects:need-close",
        roles(TEAM, REDIRECT),
        method="post",
        kwargs=lambda w: p(w, pk=need(w).pk),
    ),
    Route("projects:kit-edit", roles(TEAM), kwargs=p),
    Route(
        "projects:kit-edit", roles(TEAM, 400), method="post", id="POST projects:kit-edit", kwargs=p
    ),
    Route("projects:kit-document-upload", roles(TEAM, REDIRECT), kwargs=p),
    Route(
        "projects:kit-document-upload",
        roles(TEAM, REDIRECT),
        method="post",
        id="POST projects:kit-document-upload",
        kwargs=p,
    ),
    Route(
        "projects:kit-document-download",
        roles((), others=NOT_FOUND),
        kwargs=lambda w: p(w, pk=NO_SUCH_FILE),
    ),
    # « Ma Caf reproduit ce projet »: an agent for their own Caf, the CafLab for any Caf (the
    # empty form asks the CafLab which Caf); Isère carries the project, it does not reproduce it.
    Route(
        "projects:replication-declare",
        roles(AGENTS, REDIRECT, AGENT_A=400, STAFF=400),
        method="post",
        kwargs=p,
    ),
    Route(
        "projects:replication-status",
        roles([Role.STAFF], 400),
        method="post",
        kwargs=lambda w: {"slug": replication(w).project.slug, "pk": replication(w).pk},
    ),
    # The API
    Route("projects-programme-list", api(SIGNED_IN), api=True),
    Route(
        "projects-programme-detail",
        api(SIGNED_IN),
        api=True,
        kwargs=lambda w: {"slug": project(w).programme.slug},
    ),
    Route("projects-project-list", api(SIGNED_IN), api=True),
    Route("projects-project-detail", api(SIGNED_IN), api=True, kwargs=p, hidden=hide_internal_api),
    Route(
        "projects-project-period-save",
        api(TEAM, 400),
        api=True,
        method="post",
        kwargs=p,
    ),
    Route("projects-project-stage", api([Role.STAFF], 400), api=True, method="post", kwargs=p),
    Route(
        "projects-period-submit",
        api(TEAM, OK, others=NOT_FOUND),
        api=True,
        method="post",
        kwargs=lambda w: {"pk": draft_period(w).pk},
    ),
    Route(
        "projects-period-review",
        api([Role.STAFF], 400, others=NOT_FOUND, AGENT_A=FORBIDDEN),
        api=True,
        method="post",
        kwargs=lambda w: {"pk": draft_period(w).pk},
    ),
    Route("projects-call-list", api(SIGNED_IN), api=True, hidden=hide_jury),
    Route(
        "projects-call-detail",
        api(SIGNED_IN),
        api=True,
        kwargs=lambda w: {"slug": call(w).slug},
        hidden=hide_jury,
    ),
    Route(
        "projects-call-ranking",
        api([Role.STAFF]),
        api=True,
        kwargs=lambda w: {"slug": call(w).slug},
    ),
    Route("projects-creativity-list", api([*AGENTS, Role.STAFF]), api=True),
    Route("projects-training-summary", api(SIGNED_IN), api=True, hidden=hide_trainees),
    # An unpublished project: its team and the CafLab only (404 for the others, as for a project
    # that does not exist), and its name nowhere else.
    Route(
        "projects:project-detail",
        roles(TEAM, others=NOT_FOUND),
        id="GET projects:project-detail (unpublished)",
        kwargs=secret_p,
    ),
    Route(
        "projects:project-edit",
        roles(TEAM, others=NOT_FOUND),
        id="GET projects:project-edit (unpublished)",
        kwargs=secret_p,
    ),
    Route(
        "projects:project-list",
        signed_in(OK),
        id="GET projects:project-list (unpublished)",
        kwargs=secret,
        query="q=Cocoon",
        hidden=hide_secret,
    ),
    Route(
        "projects:project-export",
        signed_in(OK),
        id="GET projects:project-export?format=csv (unpublished)",
        kwargs=secret,
        query="format=csv&q=Cocoon",
        hidden=hide_secret,
    ),
    Route(
        "projects:programme-detail",
        signed_in(OK),
        id="GET projects:programme-detail (unpublished)",
        kwargs=lambda w: secret(w, slug=project(w).programme.slug),
        hidden=hide_secret,
    ),
    Route(
        "projects:cohort-detail",
        signed_in(OK),
        id="GET projects:cohort-detail (unpublished)",
        kwargs=lambda w: secret(w, slug=cohort(w).slug),
        hidden=hide_secret,
    ),
    Route(
        "projects:creativity-list",
        roles([*AGENTS, Role.STAFF]),
        id="GET projects:creativity-list (unpublished)",
        kwargs=secret_creativity,
        query=f"annee={DEMO_YEAR}",
        hidden=hide_secret_creativity,
    ),
    Route(
        "projects:creativity-export",
        roles([*AGENTS, Role.STAFF]),
        id="GET projects:creativity-export.csv (unpublished)",
        kwargs=lambda w: secret_creativity(w, fmt="csv"),
        query=f"annee={DEMO_YEAR}",
        hidden=hide_secret_creativity,
    ),
    Route(
        "projects:creativity-create",
        roles([Role.REFERENT, Role.STAFF]),
        id="GET projects:creativity-create (unpublished)",
        kwargs=secret_creativity,
        hidden=hide_secret_creativity,
    ),
    Route(
        "projects-project-list",
        api(SIGNED_IN),
        api=True,
        id="GET projects-project-list (unpublished)",
        kwargs=secret,
        query="search=Cocoon",
        hidden=hide_secret,
    ),
    Route(
        "projects-project-detail",
        api(TEAM, others=NOT_FOUND),
        api=True,
        id="GET projects-project-detail (unpublished)",
        kwargs=secret_p,
    ),
    Route(
        "projects-programme-detail",
        api(SIGNED_IN),
        api=True,
        id="GET projects-programme-detail (unpublished)",
        kwargs=lambda w: secret(w, slug=project(w).programme.slug),
        hidden=hide_secret,
    ),
    Route(
        "projects-creativity-list",
        api([*AGENTS, Role.STAFF]),
        api=True,
        id="GET projects-creativity-list (unpublished)",
        kwargs=secret_creativity,
        query=f"year={DEMO_YEAR}",
        hidden=hide_secret_creativity,
    ),
]
