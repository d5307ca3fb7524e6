"""Every write of the projects' space, in transactions; emails leave after commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _, ngettext

from caflab import activity, files, fragments, notifications
from caflab.models import Caf, User
from projects.models import (
    RESERVED_SLUGS,
    STAGE_ORDER,
    Application,
    Assessment,
    Call,
    ChangeStep,
    CreativitySession,
    Deliverable,
    DeploymentKit,
    Enrolment,
    Evidence,
    Funding,
    Helper,
    Indicator,
    JuryAssignment,
    KitDocument,
    Match,
    Module,
    ModuleSession,
    Need,
    Period,
    Project,
    ProjectDocument,
    ProjectMember,
    Replication,
    Score,
    SessionAttendance,
    StageChange,
    Trainee,
    TrainingSession,
    validate_project_slug,
)


class ProjectError(ValidationError):
    """A rule of the projects' space refuses the action; the message is for the user."""


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _scope(project_id: int) -> str:
    return f"projects.project:{project_id}"


def unique_slug(title: str, *, model=Project, max_length: int = 90) -> str:
    base = slugify(title)[: max_length - 5].strip("-") or "projet"
    if base in RESERVED_SLUGS:
        base = f"{base}-projet"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# Projects ---------------------------------------------------------------------------------------
PROJECT_FIELDS = (
    "title",
    "summary",
    "programme",
    "kind",
    "theme",
    "region",
    "territories",
    "sponsor",
    "started_on",
    "ended_on",
    "is_published",
)


@transaction.atomic
def project_create(
    *,
    by,
    title: str,
    summary: str,
    kind: str,
    theme: str,
    started_on: date,
    programme=None,
    region=None,
    cafs: Iterable[Caf] = (),
    partners: Iterable = (),
    carriers: Iterable[User] = (),
    territories: str = "",
    sponsor: str = "",
    stage: str = Project.Stage.IDEATION,
    is_published: bool = True,
    slug: str = "",
    application: Application | None = None,
) -> Project:
    _require(by, "projects.create_project")
    if not title.strip():
        raise ProjectError(_("Donnez un titre au projet."))
    if not summary.strip():
        raise ProjectError(_("Présentez le projet en quelques lignes."))
    if slug:
        validate_project_slug(slug)
        if Project.objects.filter(slug=slug).exists():
            raise ProjectError(_("Cette adresse est déjà celle d'un autre projet."))
    project = Project.objects.create(
        title=title.strip(),
        slug=slug or unique_slug(title),
        summary=summary.strip(),
        kind=kind,
        theme=theme,
        programme=programme,
        region=region,
        territories=territories.strip(),
        sponsor=sponsor.strip(),
        started_on=started_on,
        stage=stage,
        stage_changed_on=started_on,
        is_published=is_published,
        application=application,
    )
    project.cafs.set(cafs)
    project.partners.set(partners)
    for user in carriers:
        ProjectMember.objects.get_or_create(
            project=project, user=user, defaults={"role": ProjectMember.Role.CARRIER}
        )
    StageChange.objects.create(
        project=project, from_stage="", to_stage=stage, changed_on=started_on, by=by
    )
    activity.record(actor=by, verb="project.created", obj=project, scope=_scope(project.pk))
    return project


@transaction.atomic
def project_update(*, project: Project, by, **fields) -> Project:
    """Change the description of a project; the stage has its own service, the history."""
    _require(by, "projects.change_project", project)
    unknown = set(fields) - set(PROJECT_FIELDS) - {"cafs", "partners"}
    if unknown:
        raise TypeError(f"not editable here: {', '.join(sorted(unknown))}")
    # The kind decides which figure of the report counts the project: the CafLab's call.
    changes_kind = "kind" in fields and fields["kind"] != project.kind
    if changes_kind and not by.has_perm("projects.change_stage", project):
        raise PermissionDenied
    project = Project.objects.select_for_update().get(pk=project.pk)
    before = activity.snapshot(project, PROJECT_FIELDS)
    cafs, partners = fields.pop("cafs", None), fields.pop("partners", None)
    for name, value in fields.items():
        setattr(project, name, value.strip() if isinstance(value, str) else value)
    if project.ended_on and project.ended_on < project.started_on:
        raise ProjectError(_("La fin du projet ne peut pas précéder son début."))
    project.save()
    if cafs is not None:
        project.cafs.set(cafs)
    if partners is not None:
        project.partners.set(partners)
    changes = activity.diff(before, project, PROJECT_FIELDS)
    if changes:
        activity.record(
            actor=by, verb="project.updated", obj=project, scope=_scope(project.pk), changes=changes
        )
    return project


@transaction.atomic
def project_set_stage(
    *, project: Project, by, stage: str, on: date | None = None, note: str = ""
) -> StageChange:
    """Move a project to another stage, dated; the history keeps every move."""
    _require(by, "projects.change_stage", project)
    if stage not in STAGE_ORDER:
        raise ProjectError(_("Étape inconnue."))
    on = on or timezone.localdate()
    project = Project.objects.select_for_update().get(pk=project.pk)
    if stage == project.stage:
        raise ProjectError(
            _("Le projet est déjà à l'étape « %(stage)s ».")
            % {"stage": project.get_stage_display()}
        )
    if on > timezone.localdate():
        raise ProjectError(_("La date d'un changement d'étape ne peut pas être dans le futur."))
    if on < project.stage_changed_on:
        raise ProjectError(
            _(
                "Le projet a atteint son étape actuelle le %(date)s : "
                "choisissez une date ultérieure."
            )
            % {"date": project.stage_changed_on.strftime("%d/%m/%Y")}
        )
    if stage == Project.Stage.STOPPED and not note.strip():
        raise ProjectError(
            _("Expliquez pourquoi le projet s'arrête : c'est utile à ceux qui le suivent.")
        )
    change = StageChange.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=stage,
        changed_on=on,
        note=note.strip(),
        by=by,
    )
    project.stage, project.stage_changed_on = stage, on
    project.ended_on = on if project.is_closed else None
    project.save(update_fields=["stage", "stage_changed_on", "ended_on", "updated_at"])
    activity.record(
        actor=by,
        verb="project.stage",
        obj=project,
        scope=_scope(project.pk),
        changes={"stage": [change.from_stage, stage]},
    )
    notifications.notify(
        users=[m.user for m in project.memberships.select_related("user") if m.user.is_active],
        template="projects/emails/stage_changed",
        context={
            "title": project.title,
            "stage": project.get_stage_display(),
            "url": project.get_absolute_url(),
        },
    )
    return change


@transaction.atomic
def project_add_member(*, project: Project, by, user: User, role: str) -> ProjectMember:
    _require(by, "projects.change_project", project)
    if not user.is_active:
        raise ProjectError(_("Ce compte est désactivé."))
    member, created = ProjectMember.objects.get_or_create(
        project=project, user=user, defaults={"role": role}
    )
    user.__dict__.pop("_team_project_ids", None)  # the rules' cache is stale now
    if not created:
        raise ProjectError(_("Cette personne fait déjà partie de l'équipe."))
    activity.record(actor=by, verb="project.member_added", obj=project, scope=_scope(project.pk))
    return member


@transaction.atomic
def project_remove_member(*, member: ProjectMember, by) -> None:
    _require(by, "projects.change_project", member.project)
    carriers = ProjectMember.objects.select_for_update().filter(
        project_id=member.project_id, role=ProjectMember.Role.CARRIER
    )
    if member.role == ProjectMember.Role.CARRIER and carriers.count() <= 1:
        raise ProjectError(_("Le projet doit garder au moins un porteur."))
    member.delete()
    activity.record(
        actor=by, verb="project.member_removed", obj=member.project, scope=_scope(member.project_id)
    )


@transaction.atomic
def funding_add(
    *, project: Project, by, source: str, amount: Decimal, year: int, funder: str = ""
) -> Funding:
    _require(by, "projects.change_project", project)
    if amount is None or amount <= 0:
        raise ProjectError(_("Le montant d'un financement doit être positif."))
    funding = Funding.objects.create(
        project=project, source=source, amount=amount, year=year, funder=funder.strip()
    )
    activity.record(actor=by, verb="project.funding", obj=project, scope=_scope(project.pk))
    return funding


@transaction.atomic
def document_upload(*, project: Project, by, upload, title: str = "") -> ProjectDocument:
    _require(by, "projects.change_project", project)
    kind = files.validate_upload(upload)
    document = ProjectDocument.objects.create(
        project=project,
        file=upload,
        name=upload.name[:200],
        title=title.strip()[:200],
        size=upload.size,
        content_type=kind.content_type,
        uploaded_by=by,
    )
    activity.record(actor=by, verb="project.document", obj=document, scope=_scope(project.pk))
    return document


# Calls for projects and the jury ------------------------------------------------------------
CALL_FLOW = {
    Call.Status.DRAFT: Call.Status.OPEN,
    Call.Status.OPEN: Call.Status.JURY,
}


@transaction.atomic
def call_advance(*, call: Call, by) -> Call:
    """Open the applications, then close them and hand over to the jury."""
    _require(by, "projects.manage_calls", call)
    call = Call.objects.select_for_update().get(pk=call.pk)
    following = CALL_FLOW.get(call.status)
    if following is None:
        raise ProjectError(_("Les lauréats sont désignés : l'appel est terminé."))
    if following == Call.Status.OPEN and not call.criteria.exists():
        raise ProjectError(_("Définissez la grille d'évaluation avant d'ouvrir l'appel."))
    if following == Call.Status.JURY and not call.applications.exists():
        raise ProjectError(_("Aucune candidature : il n'y a rien à évaluer."))
    call.status = following
    call.save(update_fields=["status"])
    activity.record(actor=by, verb=f"call.{following}", obj=call, scope=f"projects.call:{call.pk}")
    return call


@transaction.atomic
def application_submit(
    *,
    call: Call,
    by,
    title: str,
    team_name: str,
    summary: str,
    region=None,
    caf: Caf | None = None,
    partners: Iterable = (),
) -> Application:
    _require(by, "projects.apply", call)
    call = Call.objects.select_for_update().get(pk=call.pk)
    today = timezone.localdate()
    if call.status != Call.Status.OPEN or not (call.opens_on <= today <= call.closes_on):
        raise ProjectError(_("Les candidatures à cet appel ne sont pas ouvertes."))
    if not (title.strip() and team_name.strip() and summary.strip()):
        raise ProjectError(_("Le titre, l'équipe et la présentation du projet sont obligatoires."))
    if call.applications.filter(team_name__iexact=team_name.strip()).exists():
        raise ProjectError(
            _("L'équipe « %(team)s » a déjà candidaté à cet appel.") % {"team": team_name.strip()}
        )
    application = Application.objects.create(
        call=call,
        title=title.strip(),
        team_name=team_name.strip(),
        summary=summary.strip(),
        region=region,
        caf=caf,
        contact=by,
    )
    application.partners.set(partners)
    activity.record(
        actor=by, verb="application.submitted", obj=application, scope=f"projects.call:{call.pk}"
    )
    return application


@transaction.atomic
def jury_assign(*, application: Application, by, jurors: Iterable[User]) -> list[JuryAssignment]:
    _require(by, "projects.manage_calls", application.call)
    if application.call.status == Call.Status.DECIDED:
        raise ProjectError(_("Les lauréats sont désignés : le jury est clos."))
    assignments = []
    for juror in jurors:
        if juror.pk == application.contact_id:
            raise ProjectError(
                _("%(name)s porte cette candidature : cette personne ne peut pas l'évaluer.")
                % {"name": juror}
            )
        assignment, _created = JuryAssignment.objects.get_or_create(
            application=application, juror=juror
        )
        assignments.append(assignment)
        juror.__dict__.pop("_juror_application_ids", None)  # the rules' cache is stale now
    return assignments


@transaction.atomic
def score_submit(
    *, assignment: JuryAssignment, by, scores: Mapping[int, int], comment: str = ""
) -> JuryAssignment:
    """A jury member scores every criterion of the grid; they may revise until the decision."""
    if assignment.juror_id != by.pk:
        raise PermissionDenied
    _require(by, "projects.score_application", assignment.application)
    assignment = (
        JuryAssignment.objects.select_for_update()
        .select_related("application__call")
        .get(pk=assignment.pk)
    )
    call = assignment.application.call
    if call.status != Call.Status.JURY:
        raise ProjectError(_("Le jury de cet appel n'est pas en cours : la notation est fermée."))
    criteria = {c.pk: c for c in call.criteria.all()}
    missing = [c.name for pk, c in criteria.items() if scores.get(pk) is None]
    if missing:
        raise ProjectError(_("Notez chaque critère : %(list)s.") % {"list": ", ".join(missing)})
    extra = set(scores) - set(criteria)
    if extra:
        raise ProjectError(_("Un critère noté n'appartient pas à la grille de cet appel."))
    for pk, value in scores.items():
        criterion = criteria[pk]
        if not isinstance(value, int) or not 0 <= value <= criterion.max_score:
            raise ProjectError(
                _("La note de « %(name)s » doit être comprise entre 0 et %(max)s.")
                % {"name": criterion.name, "max": criterion.max_score}
            )
    for pk, value in scores.items():
        Score.objects.update_or_create(
            assignment=assignment, criterion_id=pk, defaults={"value": value}
        )
    assignment.comment = comment.strip()
    assignment.completed_at = timezone.now()
    assignment.save(update_fields=["comment", "completed_at"])
    return assignment


@transaction.atomic
def call_decide(
    *,
    call: Call,
    by,
    selected: Iterable[Application],
    note: str = "",
    on: date | None = None,
) -> list[Project]:
    """Name the winners: each selected application becomes a project of the portfolio, the
    others are told they were not retained. Done once per call."""
    _require(by, "projects.manage_calls", call)
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != Call.Status.JURY:
        raise ProjectError(_("La sélection se fait à l'issue du jury, une seule fois."))
    selected_ids = {application.pk for application in selected}
    applications = list(
        call.applications.select_related("contact", "caf").prefetch_related("partners")
    )
    if not selected_ids:
        raise ProjectError(_("Choisissez au moins un lauréat."))
    if not selected_ids <= {a.pk for a in applications}:
        raise ProjectError(_("Une candidature choisie n'appartient pas à cet appel."))
    if len(selected_ids) > call.winners_count:
        raise ProjectError(
            ngettext(
                "L'appel prévoit %(n)s lauréat : vous en avez choisi %(m)s.",
                "L'appel prévoit %(n)s lauréats : vous en avez choisi %(m)s.",
                call.winners_count,
            )
            % {"n": call.winners_count, "m": len(selected_ids)}
        )
    now, today = timezone.now(), timezone.localdate()
    on = on or today
    if on > today or on < call.opens_on:
        raise ProjectError(_("La décision se date entre l'ouverture de l'appel et aujourd'hui."))
    projects = []
    for application in applications:
        won = application.pk in selected_ids
        application.status = Application.Status.SELECTED if won else Application.Status.REJECTED
        application.decided_at, application.decision_note = now, note.strip()
        application.save(update_fields=["status", "decided_at", "decision_note"])
        if won:
            projects.append(
                project_create(
                    by=by,
                    title=application.title,
                    summary=application.summary,
                    kind=call.project_kind,
                    theme=call.project_theme,
                    programme=call.programme,
                    region=application.region,
                    cafs=[application.caf] if application.caf else [],
                    partners=application.partners.all(),
                    carriers=[application.contact],
                    started_on=on,
                    stage=Project.Stage.SELECTION,
                    application=application,
                )
            )
        notifications.notify(
            users=[application.contact],
            template="projects/emails/application_selected"
            if won
            else "projects/emails/application_rejected",
            context={
                "title": application.title,
                "call": call.title,
                "note": application.decision_note,
                "url": call.get_absolute_url(),
            },
        )
    call.status, call.decided_on = Call.Status.DECIDED, on
    call.save(update_fields=["status", "decided_on"])
    activity.record(actor=by, verb="call.decided", obj=call, scope=f"projects.call:{call.pk}")
    return projects


def jury_reminders(*, today: date | None = None, every_days: int = 7) -> int:
    """Remind the jury members who have not finished scoring an application of a call in its
    jury phase; once a week per assignment (safe to run twice the same day)."""
    today = today or timezone.localdate()
    due = JuryAssignment.objects.filter(
        completed_at__isnull=True, application__call__status=Call.Status.JURY
    ).filter(Q(reminded_on__isnull=True) | Q(reminded_on__lte=today - timedelta(days=every_days)))
    sent = 0
    for assignment in due.select_related("juror", "application__call").iterator(chunk_size=500):
        claimed = (
            JuryAssignment.objects.filter(pk=assignment.pk)
            .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
            .update(reminded_on=today)
        )
        if not claimed:
            continue
        with transaction.atomic():
            notifications.notify(
                users=[assignment.juror],
                template="projects/emails/jury_reminder",
                context={
                    "title": assignment.application.title,
                    "call": assignment.application.call.title,
                    "url": reverse("projects:jury-score", args=[assignment.pk]),
                },
            )
        sent += 1
    return sent


# Incubation -----------------------------------------------------------------------------------
@transaction.atomic
def attendance_record(
    *, session: ModuleSession, by, attendees: Mapping[int, int]
) -> list[SessionAttendance]:
    """Record who came to a session: {project_id: number of people}; 0 means absent.
    The projects are the cohort's; re-recording replaces the previous sheet."""
    _require(by, "projects.manage_cohort", session.module.cohort)
    cohort_ids = set(session.module.cohort.projects.values_list("pk", flat=True))
    unknown = set(attendees) - cohort_ids
    if unknown:
        raise ProjectError(_("Un projet de la feuille de présence n'est pas de cette promotion."))
    rows = []
    for project_id in sorted(cohort_ids):
        count = int(attendees.get(project_id, 0))
        if count < 0 or count > 50:
            raise ProjectError(_("Le nombre de personnes présentes doit être entre 0 et 50."))
        row, _created = SessionAttendance.objects.update_or_create(
            session=session,
            project_id=project_id,
            defaults={"present": count > 0, "attendees": count},
        )
        rows.append(row)
    return rows


@transaction.atomic
def deliverable_submit(*, module: Module, project: Project, by, upload) -> Deliverable:
    _require(by, "projects.submit_deliverable", project)
    if project.cohort_id != module.cohort_id:
        raise ProjectError(_("Ce module n'est pas celui de la promotion du projet."))
    if not module.deliverable:
        raise ProjectError(_("Ce module ne demande pas de livrable."))
    kind = files.validate_upload(upload)
    existing = (
        Deliverable.objects.select_for_update().filter(module=module, project=project).first()
    )
    if existing and existing.status == Deliverable.Status.ACCEPTED:
        raise ProjectError(_("Ce livrable est déjà validé."))
    if existing:
        existing.file.delete(save=False)
        existing.delete()
    deliverable = Deliverable.objects.create(
        module=module,
        project=project,
        file=upload,
        name=upload.name[:200],
        size=upload.size,
        content_type=kind.content_type,
        uploaded_by=by,
    )
    activity.record(
        actor=by, verb="deliverable.submitted", obj=deliverable, scope=_scope(project.pk)
    )
    return deliverable


@transaction.atomic
def deliverable_review(
    *, deliverable: Deliverable, by, accepted: bool, feedback: str = ""
) -> Deliverable:
    _require(by, "projects.review_deliverable", deliverable)
    if deliverable.status != Deliverable.Status.SUBMITTED:
        raise ProjectError(_("Ce livrable a déjà été examiné."))
    if not accepted and not feedback.strip():
        raise ProjectError(_("Dites ce qu'il faut reprendre dans le livrable."))
    deliverable.status = Deliverable.Status.ACCEPTED if accepted else Deliverable.Status.RETURNED
    deliverable.feedback = feedback.strip()
    deliverable.save(update_fields=["status", "feedback"])
    activity.record(
        actor=by,
        verb=f"deliverable.{deliverable.status}",
        obj=deliverable,
        scope=_scope(deliverable.project_id),
    )
    return deliverable


@transaction.atomic
def need_publish(*, project: Project, by, kind: str, title: str, description: str = "") -> Need:
    _require(by, "projects.change_project", project)
    if not title.strip():
        raise ProjectError(_("Décrivez le besoin en une phrase."))
    need = Need.objects.create(
        project=project, kind=kind, title=title.strip(), description=description.strip()
    )
    activity.record(actor=by, verb="need.published", obj=need, scope=_scope(project.pk))
    return need


@transaction.atomic
def need_close(*, need: Need, by, status: str) -> Need:
    _require(by, "projects.change_project", need.project)
    if status not in Need.Status.values:
        raise ProjectError(_("Statut inconnu."))
    need.status = status
    need.save(update_fields=["status"])
    return need


@transaction.atomic
def match_record(*, need: Need, helper: Helper, by, note: str = "") -> Match:
    _require(by, "projects.record_match", need)
    if need.status != Need.Status.OPEN:
        raise ProjectError(_("Ce besoin n'est plus ouvert."))
    try:
        with transaction.atomic():
            match = Match.objects.create(
                need=need, helper=helper, note=note.strip(), recorded_by=by
            )
    except IntegrityError:
        raise ProjectError(_("Cette mise en relation est déjà enregistrée.")) from None
    notifications.notify(
        users=[m.user for m in need.project.memberships.select_related("user")],
        template="projects/emails/match_proposed",
        context={
            "need": need.title,
            "organisation": str(helper),
            "url": need.project.get_absolute_url(),
        },
    )
    activity.record(actor=by, verb="need.matched", obj=need, scope=_scope(need.project_id))
    return match


@transaction.atomic
def match_set_status(*, match: Match, by, status: str, note: str = "") -> Match:
    _require(by, "projects.record_match", match.need)
    if status not in Match.Status.values:
        raise ProjectError(_("Statut inconnu."))
    match.status = status
    if note.strip():
        match.note = note.strip()
    match.save(update_fields=["status", "note"])
    if status == Match.Status.AGREED:
        Need.objects.filter(pk=match.need_id).update(status=Need.Status.MATCHED)
        fragments.bump("projects")  # an update(): no signal
    return match


# Impact ---------------------------------------------------------------------------------------
@transaction.atomic
def change_step_save(
    *, project: Project, by, level: str, text: str, step: ChangeStep | None = None
) -> ChangeStep:
    _require(by, "projects.change_project", project)
    if not text.strip():
        raise ProjectError(_("L'énoncé est obligatoire."))
    if level not in ChangeStep.Level.values:
        raise ProjectError(_("Niveau inconnu."))
    if step is None:
        position = project.change_steps.filter(level=level).count()
        step = ChangeStep(project=project, position=position)
    elif step.project_id != project.pk:
        raise PermissionDenied
    step.level, step.text = level, text.strip()
    step.save()
    return step


@transaction.atomic
def change_step_delete(*, step: ChangeStep, by) -> None:
    _require(by, "projects.change_project", step.project)
    step.delete()


@transaction.atomic
def indicator_create(
    *,
    project: Project,
    by,
    name: str,
    baseline: Decimal,
    target: Decimal,
    unit: str = "",
    direction: str = Indicator.Direction.INCREASE,
    description: str = "",
    impact: ChangeStep | None = None,
    baseline_on: date | None = None,
    target_on: date | None = None,
) -> Indicator:
    _require(by, "projects.change_project", project)
    if not name.strip():
        raise ProjectError(_("Nommez l'indicateur."))
    if target == baseline:
        raise ProjectError(_("La cible doit être différente de la valeur de départ."))
    if direction == Indicator.Direction.INCREASE and target < baseline:
        raise ProjectError(_("Pour un indicateur à augmenter, la cible dépasse le départ."))
    if direction == Indicator.Direction.DECREASE and target > baseline:
        raise ProjectError(_("Pour un indicateur à diminuer, la cible est sous le départ."))
    if impact is not None and impact.project_id != project.pk:
        raise ProjectError(_("Cet impact n'est pas celui du projet."))
    indicator = Indicator.objects.create(
        project=project,
        name=name.strip(),
        baseline=baseline,
        target=target,
        unit=unit.strip(),
        direction=direction,
        description=description.strip(),
        impact=impact,
        baseline_on=baseline_on,
        target_on=target_on,
        position=project.indicators.count(),
    )
    activity.record(actor=by, verb="indicator.created", obj=indicator, scope=_scope(project.pk))
    return indicator


@transaction.atomic
def period_save(
    *,
    indicator: Indicator,
    by,
    starts_on: date,
    ends_on: date,
    value: Decimal | None,
    comment: str = "",
    period: Period | None = None,
) -> Period:
    """Create or correct a period's value; an approved period is locked, a submitted one waits
    for the CafLab's review."""
    _require(by, "projects.report_indicator", indicator)
    if ends_on < starts_on:
        raise ProjectError(_("La fin de la période ne peut pas précéder son début."))
    if period is not None:
        period = Period.objects.select_for_update().get(pk=period.pk)
        if period.indicator_id != indicator.pk:
            raise PermissionDenied
        if period.is_locked:
            raise ProjectError(_("Cette période est validée : elle ne peut plus être modifiée."))
        if period.status == Period.Status.SUBMITTED:
            raise ProjectError(
                _("Cette période attend l'avis du CafLab : patientez avant de la modifier.")
            )
    overlapping = indicator.periods.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
    if period is not None:
        overlapping = overlapping.exclude(pk=period.pk)
    if overlapping.exists():
        raise ProjectError(_("Cette période chevauche une période déjà saisie pour l'indicateur."))
    if value is None and period is not None and period.status != Period.Status.DRAFT:
        raise ProjectError(_("Une période renvoyée garde une valeur : corrigez-la."))
    if period is None:
        period = Period(indicator=indicator)
    period.starts_on, period.ends_on = starts_on, ends_on
    period.value, period.comment = value, comment.strip()
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError:
        raise ProjectError(_("Une période commence déjà à cette date pour l'indicateur.")) from None
    return period


@transaction.atomic
def period_submit(*, period: Period, by) -> Period:
    _require(by, "projects.report_indicator", period)
    period = (
        Period.objects.select_for_update().select_related("indicator__project").get(pk=period.pk)
    )
    if not period.is_editable:
        raise ProjectError(_("Seule une période en brouillon ou renvoyée peut être soumise."))
    if period.value is None:
        raise ProjectError(_("Saisissez la valeur mesurée avant de soumettre la période."))
    period.status = Period.Status.SUBMITTED
    period.submitted_at, period.submitted_by = timezone.now(), by
    period.save(update_fields=["status", "submitted_at", "submitted_by"])
    project = period.indicator.project
    reviewers = [
        m.user
        for m in project.memberships.filter(role=ProjectMember.Role.CAFLAB).select_related("user")
    ]
    notifications.notify(
        users=reviewers,
        template="projects/emails/period_submitted",
        context={
            "title": project.title,
            "indicator": period.indicator.name,
            "url": project.get_absolute_url(),
        },
    )
    activity.record(actor=by, verb="period.submitted", obj=period, scope=_scope(project.pk))
    return period


@transaction.atomic
def period_review(*, period: Period, by, approve: bool, note: str = "") -> Period:
    """The CafLab approves a submitted value (the period is then locked) or returns it."""
    _require(by, "projects.review_indicator", period)
    period = (
        Period.objects.select_for_update().select_related("indicator__project").get(pk=period.pk)
    )
    if period.status != Period.Status.SUBMITTED:
        raise ProjectError(_("Seule une période soumise peut être validée ou renvoyée."))
    if not approve and not note.strip():
        raise ProjectError(_("Dites au porteur ce qu'il doit corriger."))
    period.status = Period.Status.APPROVED if approve else Period.Status.RETURNED
    period.review_note = note.strip()
    period.reviewed_at, period.reviewed_by = timezone.now(), by
    period.save(update_fields=["status", "review_note", "reviewed_at", "reviewed_by"])
    if period.submitted_by_id:
        notifications.notify(
            users=[period.submitted_by],
            template="projects/emails/period_reviewed",
            context={
                "title": period.indicator.project.title,
                "indicator": period.indicator.name,
                "url": period.indicator.project.get_absolute_url(),
                "approved": approve,
                "note": period.review_note,
            },
        )
    activity.record(
        actor=by,
        verb=f"period.{period.status}",
        obj=period,
        scope=_scope(period.indicator.project_id),
    )
    return period


def period_reminders(
    *, today: date | None = None, grace_days: int = 7, every_days: int = 30
) -> int:
    """Remind the team of a period that ended a week ago and is still to report (draft or
    returned); then once a month until it is submitted."""
    today = today or timezone.localdate()
    due = Period.objects.filter(
        status__in=[Period.Status.DRAFT, Period.Status.RETURNED],
        ends_on__lte=today - timedelta(days=grace_days),
    ).filter(Q(reminded_on__isnull=True) | Q(reminded_on__lte=today - timedelta(days=every_days)))
    team_by_project: dict[int, list[User]] = {}
    for membership in ProjectMember.objects.filter(
        project__in=due.values("indicator__project"),
        role__in=[ProjectMember.Role.CARRIER, ProjectMember.Role.MEMBER],
    ).select_related("user"):
        team_by_project.setdefault(membership.project_id, []).append(membership.user)
    sent = 0
    for period in due.select_related("indicator__project").iterator(chunk_size=500):
        claimed = (
            Period.objects.filter(pk=period.pk)
            .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
            .update(reminded_on=today)
        )
        team = team_by_project.get(period.indicator.project_id, [])
        if not claimed or not team:
            continue
        with transaction.atomic():
            notifications.notify(
                users=team,
                template="projects/emails/period_reminder",
                context={
                    "title": period.indicator.project.title,
                    "indicator": period.indicator.name,
                    "ends_on": period.ends_on.strftime("%d/%m/%Y"),
                    "url": period.indicator.project.get_absolute_url(),
                },
            )
        sent += 1
    return sent


@transaction.atomic
def evidence_upload(*, period: Period, by, upload) -> Evidence:
    _require(by, "projects.report_indicator", period)
    if period.is_locked:
        raise ProjectError(_("Cette période est validée : elle ne peut plus être modifiée."))
    kind = files.validate_upload(upload)
    return Evidence.objects.create(
        period=period,
        file=upload,
        name=upload.name[:200],
        size=upload.size,
        content_type=kind.content_type,
        uploaded_by=by,
    )


@transaction.atomic
def assessment_save(
    *,
    project: Project,
    by,
    summary: str,
    results: str,
    lessons: str = "",
    recommendations: str = "",
) -> Assessment:
    _require(by, "projects.change_project", project)
    if not (summary.strip() and results.strip()):
        raise ProjectError(
            _("La synthèse et les résultats sont le cœur du bilan : remplissez-les.")
        )
    assessment, _created = Assessment.objects.update_or_create(
        project=project,
        defaults={
            "summary": summary.strip(),
            "results": results.strip(),
            "lessons": lessons.strip(),
            "recommendations": recommendations.strip(),
            "updated_by": by,
        },
    )
    activity.record(actor=by, verb="assessment.saved", obj=project, scope=_scope(project.pk))
    return assessment


@transaction.atomic
def assessment_publish(*, assessment: Assessment, by) -> Assessment:
    _require(by, "projects.publish_assessment", assessment.project)
    assessment.is_published, assessment.published_at = True, timezone.now()
    assessment.save(update_fields=["is_published", "published_at"])
    return assessment


# Essaimage ------------------------------------------------------------------------------------
@transaction.atomic
def kit_save(
    *,
    project: Project,
    by,
    summary: str,
    steps: str,
    version: str = "1.0",
    attention_points: str = "",
    good_practices: str = "",
    is_published: bool = False,
) -> DeploymentKit:
    _require(by, "projects.change_project", project)
    if not (summary.strip() and steps.strip()):
        raise ProjectError(_("Un kit présente le projet et décrit au moins une étape."))
    kit, _created = DeploymentKit.objects.update_or_create(
        project=project,
        defaults={
            "summary": summary.strip(),
            "steps": steps.strip(),
            "version": version.strip() or "1.0",
            "attention_points": attention_points.strip(),
            "good_practices": good_practices.strip(),
            "is_published": is_published,
        },
    )
    activity.record(actor=by, verb="kit.saved", obj=project, scope=_scope(project.pk))
    return kit


@transaction.atomic
def kit_document_upload(*, kit: DeploymentKit, by, upload) -> KitDocument:
    _require(by, "projects.change_project", kit.project)
    kind = files.validate_upload(upload)
    return KitDocument.objects.create(
        kit=kit,
        file=upload,
        name=upload.name[:200],
        size=upload.size,
        content_type=kind.content_type,
        uploaded_by=by,
    )


@transaction.atomic
def replication_declare(*, project: Project, by, caf: Caf, note: str = "") -> Replication:
    """A Caf says it reproduces the project (its agents, or the CafLab for it)."""
    _require(by, "projects.declare_replication", caf)
    if not by.has_perm("projects.view_project", project):
        raise PermissionDenied
    if project.stage == Project.Stage.STOPPED:
        raise ProjectError(_("Ce projet est arrêté : il ne peut pas être essaimé."))
    if project.cafs.filter(pk=caf.pk).exists():
        raise ProjectError(_("Cette Caf porte déjà le projet : elle ne l'essaime pas."))
    try:
        with transaction.atomic():
            replication = Replication.objects.create(project=project, caf=caf, note=note.strip())
    except IntegrityError:
        raise ProjectError(_("Cette Caf essaime déjà ce projet.")) from None
    activity.record(
        actor=by, verb="replication.declared", obj=replication, scope=_scope(project.pk)
    )
    return replication


@transaction.atomic
def replication_set_status(
    *, replication: Replication, by, status: str, note: str = ""
) -> Replication:
    _require(by, "projects.change_replication", replication)
    if status not in Replication.Status.values:
        raise ProjectError(_("Statut inconnu."))
    replication.status = status
    if note.strip():
        replication.note = note.strip()
    replication.save(update_fields=["status", "note"])
    activity.record(
        actor=by,
        verb="replication.status",
        obj=replication,
        scope=_scope(replication.project_id),
        changes={"status": ["", status]},
    )
    return replication


# Creativity sessions and trainings ----------------------------------------------------------
@transaction.atomic
def creativity_record(
    *,
    by,
    held_on: date,
    topic: str,
    method: str,
    audience: str,
    participants: int,
    caf: Caf | None = None,
    facilitator: User | None = None,
    project: Project | None = None,
    consultation_id: int | None = None,
    outcome: str = "",
) -> CreativitySession:
    session = CreativitySession(
        held_on=held_on,
        caf=caf,
        topic=topic.strip(),
        method=method,
        audience=audience,
        participants=participants,
        facilitator=facilitator or by,
        project=project,
        consultation_id=consultation_id,
        outcome=outcome.strip(),
    )
    _require(by, "projects.record_creativity", session if caf else None)
    if caf is None and not by.has_perm("projects.manage_trainings"):
        # A session held at the CafLab is recorded by the CafLab itself.
        raise PermissionDenied
    if not session.topic:
        raise ProjectError(_("Indiquez le sujet de la séance."))
    if participants is None or participants < 1:
        raise ProjectError(_("Une séance de créativité réunit au moins une personne."))
    if held_on > timezone.localdate():
        raise ProjectError(_("On enregistre une séance une fois qu'elle a eu lieu."))
    session.save()
    activity.record(actor=by, verb="creativity.recorded", obj=session, scope="projects.creativity")
    return session


def _find_trainee(*, first_name: str, last_name: str, email: str, caf: Caf | None):
    if email:
        return Trainee.objects.filter(email__iexact=email).first()
    return Trainee.objects.filter(
        first_name__iexact=first_name,
        last_name__iexact=last_name,
        caf=caf,
        anonymised_at__isnull=True,
    ).first()


@transaction.atomic
def enrol(
    *,
    session: TrainingSession,
    by,
    first_name: str,
    last_name: str,
    email: str = "",
    caf: Caf | None = None,
    organisation: str = "",
    job_title: str = "",
    attended: bool = True,
) -> Enrolment:
    """Name a participant of a session. The same person (same email, or without one the same
    name in the same Caf) is one trainee however many sessions they follow."""
    _require(by, "projects.manage_trainings")
    first_name, last_name, email = first_name.strip(), last_name.strip(), email.strip().lower()
    if not (first_name and last_name):
        raise ProjectError(_("Le prénom et le nom de la personne formée sont obligatoires."))
    trainee = _find_trainee(first_name=first_name, last_name=last_name, email=email, caf=caf)
    if trainee is None:
        try:
            with transaction.atomic():
                trainee = Trainee.objects.create(
                    first_name=first_name,
                    last_name=last_name,
                    email=email,
                    caf=caf,
                    organisation=organisation.strip(),
                    job_title=job_title.strip(),
                    user=User.objects.filter(email__iexact=email).first() if email else None,
                )
        except IntegrityError:
            # Enrolled at the same moment by someone else: it is the same person.
            trainee = _find_trainee(
                first_name=first_name, last_name=last_name, email=email, caf=caf
            )
    enrolment, created = Enrolment.objects.get_or_create(
        session=session, trainee=trainee, defaults={"attended": attended}
    )
    if not created:
        raise ProjectError(_("Cette personne est déjà inscrite à la session."))
    return enrolment


@transaction.atomic
def trainee_anonymise(*, trainee: Trainee, by) -> Trainee:
    """Erase a trainee's personal data on request; the person still counts once in the
    statistics of the sessions they followed."""
    _require(by, "projects.manage_trainings")
    trainee = Trainee.objects.select_for_update().get(pk=trainee.pk)
    if trainee.anonymised_at:
        return trainee
    trainee.first_name = trainee.last_name = trainee.email = trainee.job_title = ""
    trainee.user = None
    trainee.anonymised_at = timezone.now()
    trainee.save()
    activity.record(actor=by, verb="trainee.anonymised", obj=trainee, scope="projects.trainings")
    return trainee
