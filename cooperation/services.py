"""Every write of COOPération, in transactions, journaled in the activity feed."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from caflab import activity, files, notifications
from cooperation import scopes
from cooperation.models import (
    Action,
    Axis,
    Document,
    Indicator,
    IndicatorValue,
    Message,
    Objective,
    Plan,
    PlanMember,
    PlanTemplate,
    Step,
)

ACTION_FIELDS = (
    "title",
    "description",
    "pilot_organisation",
    "owner",
    "starts_on",
    "due_on",
    "status",
    "progress",
    "progress_mode",
    "weight",
    "budget",
    "priority",
)
# What a contributor may change on an action; its title, pilot and weight in the roadmap are
# the pilot's.
CONTRIBUTOR_FIELDS = {
    "starts_on",
    "due_on",
    "status",
    "progress",
    "progress_mode",
    "description",
    "owner",
    "partners",
    "budget",
    "priority",
}
MENTION = re.compile(r"@([\w.-]*\w)")  # « @sonia.mercier. » ends at the word


class PlanError(ValidationError):
    """A rule of the plan refuses the action; the message is for the user."""


class ActionConflict(PlanError):
    """Someone saved the action since it was opened: both versions, nothing lost."""

    def __init__(self, *, current: Action, attempted: dict):
        super().__init__(
            _(
                "Cette action a été modifiée par %(who)s pendant que vous la modifiiez. Comparez "
                "les deux versions ci-dessous : vos changements n'ont pas été enregistrés, mais "
                "ils ne sont pas perdus."
            )
            % {"who": current.updated_by or _("un autre membre")}
        )
        self.current = current
        self.attempted = attempted


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _scope(plan_id: int) -> str:
    return f"cooperation.plan:{plan_id}"


# Plans ----------------------------------------------------------------------------------------
@transaction.atomic
def plan_create(
    *,
    caf,
    kind: str,
    title: str,
    territory: str,
    starts_on: date,
    ends_on: date,
    by,
    template: PlanTemplate | None = None,
) -> Plan:
    """A new plan, its creator as pilot; from a template, its typical roadmap."""
    _require(by, "cooperation.create_plan", None)
    if not by.is_caflab_staff and by.caf_id != caf.pk:
        raise PermissionDenied
    if ends_on <= starts_on:
        raise PlanError(_("La fin du plan doit suivre son début."))
    plan = Plan.objects.create(
        kind=kind,
        title=title.strip(),
        caf=caf,
        territory=territory.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        template=template,
        pilot_since=timezone.localdate(),
    )
    PlanMember.objects.create(plan=plan, user=by, role=PlanMember.Role.PILOT)
    if template is not None:
        _apply_template(plan, template)
    activity.record(actor=by, verb="plan.created", obj=plan, scope=_scope(plan.pk))
    return plan


def _apply_template(plan: Plan, template: PlanTemplate) -> None:
    from cooperation.models import AxisTheme

    themes = {theme.slug: theme for theme in AxisTheme.objects.all()}
    actions = []
    for axis_position, axis_data in enumerate(template.structure.get("axes", [])):
        axis = Axis.objects.create(
            plan=plan,
            theme=themes.get(axis_data.get("theme", "")),
            title=axis_data["title"],
            position=axis_position,
        )
        for objective_position, objective_data in enumerate(axis_data.get("objectives", [])):
            objective = Objective.objects.create(
                axis=axis, title=objective_data["title"], position=objective_position
            )
            for action_position, action_data in enumerate(objective_data.get("actions", [])):
                months = int(action_data.get("months", 12))
                due = min(plan.starts_on + timedelta(days=30 * months), plan.ends_on)
                actions.append(
                    Action(
                        plan=plan,
                        objective=objective,
                        title=action_data["title"],
                        starts_on=plan.starts_on,
                        due_on=due,
                        position=action_position,
                    )
                )
    Action.objects.bulk_create(actions)
    scopes.bump_plan(plan.pk)  # bulk_create sends no signal


@transaction.atomic
def member_set(*, plan: Plan, user, role: str, by) -> PlanMember:
    _require(by, "cooperation.manage_plan", plan)
    if role not in PlanMember.Role.values:
        raise PlanError(_("Rôle inconnu."))
    pilots = PlanMember.objects.filter(plan=plan, role=PlanMember.Role.PILOT)
    if role != PlanMember.Role.PILOT and list(pilots.values_list("user_id", flat=True)) == [
        user.pk
    ]:
        raise PlanError(_("Un plan garde toujours au moins un pilote."))
    member, created = PlanMember.objects.update_or_create(
        plan=plan, user=user, defaults={"role": role}
    )
    activity.record(
        actor=by,
        verb="member.added" if created else "member.changed",
        obj=plan,
        scope=_scope(plan.pk),
        changes={"membre": [None, str(user)], "rôle": [None, role]},
    )
    if created and user.pk != by.pk:
        notifications.notify(
            users=[user],
            template="cooperation/emails/member_added",
            context={
                "plan_id": plan.pk,
                "title": plan.title,
                "role": str(member.get_role_display()),
            },
        )
    return member


@transaction.atomic
def member_remove(*, plan: Plan, user, by) -> None:
    _require(by, "cooperation.manage_plan", plan)
    # Locked, so that two removals at once cannot leave the plan without a pilot.
    pilots = list(
        PlanMember.objects.select_for_update()
        .filter(plan=plan, role=PlanMember.Role.PILOT)
        .values_list("user_id", flat=True)
    )
    if pilots == [user.pk]:
        raise PlanError(_("Un plan garde toujours au moins un pilote."))
    PlanMember.objects.filter(plan=plan, user=user).delete()
    activity.record(
        actor=by,
        verb="member.removed",
        obj=plan,
        scope=_scope(plan.pk),
        changes={"membre": [str(user), None]},
    )


@transaction.atomic
def plan_freeze_baseline(*, plan: Plan, by) -> int:
    """Freeze today's dates as the reference planning, to compare planned and current."""
    _require(by, "cooperation.manage_plan", plan)
    count = Action.objects.filter(plan=plan).update(
        baseline_starts_on=F("starts_on"), baseline_due_on=F("due_on")
    )
    Plan.objects.filter(pk=plan.pk).update(baseline_frozen_at=timezone.now())
    scopes.bump_plan(plan.pk)  # update() sends no signal
    activity.record(actor=by, verb="plan.baseline_frozen", obj=plan, scope=_scope(plan.pk))
    return count


# Roadmap --------------------------------------------------------------------------------------
@transaction.atomic
def axis_create(*, plan: Plan, by, title: str, theme=None, weight: int = 1) -> Axis:
    _require(by, "cooperation.manage_plan", plan)
    position = plan.axes.count()
    axis = Axis.objects.create(
        plan=plan, title=title.strip(), theme=theme, weight=weight, position=position
    )
    activity.record(actor=by, verb="axis.created", obj=axis, scope=_scope(plan.pk))
    return axis


@transaction.atomic
def objective_create(*, axis: Axis, by, title: str, weight: int = 1) -> Objective:
    _require(by, "cooperation.manage_plan", axis.plan)
    objective = Objective.objects.create(
        axis=axis, title=title.strip(), weight=weight, position=axis.objectives.count()
    )
    activity.record(actor=by, verb="objective.created", obj=objective, scope=_scope(axis.plan_id))
    return objective


@transaction.atomic
def action_create(
    *, objective: Objective, by, title: str, starts_on: date, due_on: date, **fields
) -> Action:
    plan = objective.axis.plan
    _require(by, "cooperation.manage_plan", plan)
    if due_on < starts_on:
        raise PlanError(_("L'échéance doit suivre le début de l'action."))
    unknown = set(fields) - set(ACTION_FIELDS) - {"partners"}
    if unknown:
        raise PlanError(_("Champs inconnus : %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if not 0 <= int(fields.get("progress", 0)) <= 100:
        raise PlanError(_("L'avancement est un pourcentage, entre 0 et 100."))
    owner = fields.get("owner")
    if owner is not None and not plan.members.filter(user=owner).exists():
        raise PlanError(_("Le référent d'une action doit être membre du plan."))
    if fields.get("status") == Action.Status.DONE:
        fields["progress"] = 100
        fields.setdefault("completed_on", timezone.localdate())
    partners = fields.pop("partners", ())
    action = Action.objects.create(
        plan=plan,
        objective=objective,
        title=title.strip(),
        starts_on=starts_on,
        due_on=due_on,
        position=objective.actions.count(),
        updated_by=by,
        **fields,
    )
    action.partners.set(partners)
    activity.record(actor=by, verb="action.created", obj=action, scope=_scope(plan.pk))
    _notify_owner(action, by, previous_owner_id=None)
    return action


@transaction.atomic
def action_update(*, action: Action, by, version: int, **changes) -> Action:
    """Save changes made on version `version` of the action. If someone saved it meanwhile,
    ActionConflict carries the current version and the attempted changes: nothing is lost.
    Contributors follow the action (dates, status, progress, referent, partners, budget);
    its title, pilot organisation and weight stay the pilot's."""
    _require(by, "cooperation.change_action", action)
    unknown = set(changes) - set(ACTION_FIELDS) - {"partners"}
    if unknown:
        raise PlanError(_("Champs inconnus : %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    current = (
        Action.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=action.pk)
    )
    if current.version != version:
        raise ActionConflict(current=current, attempted=changes)
    if not by.has_perm("cooperation.manage_plan", current):
        reserved = sorted(
            name
            for name, value in changes.items()
            if name not in CONTRIBUTOR_FIELDS and _differs(current, name, value)
        )
        if reserved:
            labels = ", ".join(str(Action._meta.get_field(name).verbose_name) for name in reserved)
            raise PlanError(
                _("Seul le pilote du plan peut modifier : %(fields)s.") % {"fields": labels}
            )
    before = activity.snapshot(current, ACTION_FIELDS)
    partners = changes.pop("partners", None)
    for name, value in changes.items():
        setattr(current, name, value)
    if "progress" in changes and not 0 <= int(current.progress) <= 100:
        raise PlanError(_("L'avancement est un pourcentage, entre 0 et 100."))
    if current.due_on < current.starts_on:
        raise PlanError(_("L'échéance doit suivre le début de l'action."))
    if current.status == Action.Status.DONE:
        current.progress = 100
        current.completed_on = current.completed_on or timezone.localdate()
    else:
        current.completed_on = None
    if current.progress_mode == Action.ProgressMode.STEPS and current.status != Action.Status.DONE:
        current.progress = _progress_from_steps(current)
    current.version = F("version") + 1
    current.updated_by = by
    current.save()
    current.refresh_from_db()
    if partners is not None:
        current.partners.set(partners)
    changed = activity.diff(before, current, ACTION_FIELDS)
    if changed or partners is not None:
        activity.record(
            actor=by,
            verb="action.updated",
            obj=current,
            scope=_scope(current.plan_id),
            changes=changed,
        )
    _notify_owner(current, by, previous_owner_id=before["owner"].pk if before["owner"] else None)
    return current


def _differs(action: Action, name: str, value) -> bool:
    if name == "partners":
        return {p.pk for p in value} != set(action.partners.values_list("pk", flat=True))
    current = getattr(action, name)
    if hasattr(current, "pk") or hasattr(value, "pk"):
        return getattr(current, "pk", current) != getattr(value, "pk", value)
    return current != value


def _progress_from_steps(action: Action) -> int:
    steps = list(action.steps.values_list("done_on", flat=True))
    if not steps:
        return action.progress if isinstance(action.progress, int) else 0
    return round(100 * sum(1 for done in steps if done) / len(steps))


def _notify_owner(action: Action, by, *, previous_owner_id) -> None:
    if action.owner_id and action.owner_id != previous_owner_id and action.owner_id != by.pk:
        notifications.notify(
            users=[action.owner],
            template="cooperation/emails/action_assigned",
            context={
                "plan_id": action.plan_id,
                "action_id": action.pk,
                "title": action.title,
                "due_on": action.due_on.isoformat(),
            },
        )


@transaction.atomic
def step_add(*, action: Action, by, title: str, due_on: date) -> Step:
    _require(by, "cooperation.change_action", action)
    step = Step.objects.create(
        action=action, title=title.strip(), due_on=due_on, position=action.steps.count()
    )
    _refresh_step_progress(action)
    activity.record(actor=by, verb="step.created", obj=step, scope=_scope(action.plan_id))
    return step


@transaction.atomic
def step_set_done(*, step: Step, by, done: bool) -> Step:
    _require(by, "cooperation.change_action", step.action)
    step.done_on = timezone.localdate() if done else None
    step.save(update_fields=["done_on"])
    _refresh_step_progress(step.action)
    activity.record(
        actor=by,
        verb="step.done" if done else "step.reopened",
        obj=step,
        scope=_scope(step.action.plan_id),
    )
    return step


def _refresh_step_progress(action: Action) -> None:
    """Steps are their own rows: the action's version stays, so that a form opened before a
    milestone was ticked still saves (its progress is recomputed from the steps anyway)."""
    if action.progress_mode == Action.ProgressMode.STEPS and action.status != Action.Status.DONE:
        Action.objects.filter(pk=action.pk).update(
            progress=_progress_from_steps(action), updated_at=timezone.now()
        )
        scopes.bump_plan(action.plan_id)  # update() sends no signal


# Indicators -----------------------------------------------------------------------------------
@transaction.atomic
def indicator_create(
    *,
    plan: Plan,
    by,
    name: str,
    unit: str,
    baseline,
    target,
    direction: str,
    objective=None,
    action=None,
) -> Indicator:
    _require(by, "cooperation.manage_plan", plan)
    if baseline == target:
        raise PlanError(_("La cible doit différer de la valeur de départ."))
    indicator = Indicator.objects.create(
        plan=plan,
        name=name.strip(),
        unit=unit.strip(),
        baseline=baseline,
        target=target,
        direction=direction,
        objective=objective,
        action=action,
    )
    activity.record(actor=by, verb="indicator.created", obj=indicator, scope=_scope(plan.pk))
    return indicator


@transaction.atomic
def indicator_record(
    *, indicator: Indicator, by, period: date, value, source: str = "", comment: str = ""
) -> IndicatorValue:
    """One value per period: recording again corrects it."""
    _require(by, "cooperation.record_indicator", indicator)
    measure, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        period=period,
        defaults={
            "value": value,
            "source": source.strip(),
            "comment": comment.strip(),
            "entered_by": by,
        },
    )
    activity.record(
        actor=by,
        verb="indicator.recorded",
        obj=indicator,
        scope=_scope(indicator.plan_id),
        changes={"valeur": [None, str(value)]},
    )
    return measure


# Collaboration --------------------------------------------------------------------------------
def mention_handle(user) -> str:
    """« @sonia.mercier »: the part of the address before the @, the same for everyone."""
    return user.email.split("@", 1)[0].lower()


@transaction.atomic
def message_post(*, plan: Plan, by, text: str, action: Action | None = None) -> Message:
    _require(by, "cooperation.post_message", plan)
    if action is not None and action.plan_id != plan.pk:
        raise PlanError(_("Cette action appartient à un autre plan."))
    text = text.strip()
    if not text:
        raise PlanError(_("Le message est vide."))
    message = Message.objects.create(plan=plan, action=action, author=by, text=text)
    handles = {handle.lower() for handle in MENTION.findall(text)}
    if handles:
        members = [
            m.user for m in plan.members.select_related("user") if mention_handle(m.user) in handles
        ]
        message.mentions.set(members)
        others = [user for user in members if user.pk != by.pk]
        if others:
            notifications.notify(
                users=others,
                template="cooperation/emails/mentioned",
                context={
                    "plan_id": plan.pk,
                    "title": plan.title,
                    "author": str(by),
                    "excerpt": text[:300],
                },
            )
    activity.record(actor=by, verb="message.posted", obj=message, scope=_scope(plan.pk))
    return message


@transaction.atomic
def document_upload(*, plan: Plan, by, upload, action: Action | None = None) -> Document:
    _require(by, "cooperation.upload_document", plan)
    kind = files.validate_upload(upload)
    document = Document.objects.create(
        plan=plan,
        action=action,
        file=upload,
        name=upload.name[:200],
        size=upload.size,
        content_type=kind.content_type,
        uploaded_by=by,
    )
    activity.record(actor=by, verb="document.uploaded", obj=document, scope=_scope(plan.pk))
    from cooperation.tasks import scan_document

    transaction.on_commit(lambda: scan_document.delay(document_id=document.pk))
    return document


# Deadlines ------------------------------------------------------------------------------------
def deadline_reminders(*, today: date | None = None, days_before: int = 7) -> int:
    """Tell each action's referent and the plan's pilots about actions due within a week or
    late; once a day per action (safe to run twice)."""
    today = today or timezone.localdate()
    due = Action.objects.filter(
        status__in=[Action.Status.TO_START, Action.Status.IN_PROGRESS],
        due_on__lte=today + timedelta(days=days_before),
        plan__status=Plan.Status.ACTIVE,
    ).exclude(last_reminder_on=today)
    sent = 0
    pilots_by_plan: dict[int, list] = {}
    for membership in PlanMember.objects.filter(
        plan__in=due.values("plan"), role=PlanMember.Role.PILOT
    ).select_related("user"):
        pilots_by_plan.setdefault(membership.plan_id, []).append(membership.user)
    for action in due.select_related("plan", "owner").iterator(chunk_size=500):
        with transaction.atomic():
            claimed = (
                Action.objects.filter(pk=action.pk)
                .exclude(last_reminder_on=today)
                .update(last_reminder_on=today)
            )
            if not claimed:
                continue  # another worker took it
            scopes.bump_plan(action.plan_id)  # update() sends no signal
            pilots = pilots_by_plan.get(action.plan_id, [])
            recipients = {user.pk: user for user in [*pilots, action.owner] if user is not None}
            notifications.notify(
                users=recipients.values(),
                template="cooperation/emails/deadline",
                context={
                    "plan_id": action.plan_id,
                    "action_id": action.pk,
                    "title": action.title,
                    "due_on": action.due_on.isoformat(),
                    "late": action.due_on < today,
                },
            )
            sent += 1
    return sent
