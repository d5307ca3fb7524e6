"""The cache scopes of COOPération (caflab.fragments): what a plan's cached pages are keyed by.

- « cooperation:plan:<pk> »: everything of one plan — the plan, its members, axes, objectives,
  actions, steps, indicators and their measures, messages, documents, signatories and partners.
  Every save and delete of these models bumps it (signals below); the services that write with
  queryset update() or bulk_create() bump it themselves (`bump_plan`).
- « cooperation:references »: the names a plan shows but does not own — its Caf, the
  organisations (pilots, partners, signatories), the people (referents) and the axis themes.
  Renaming one is rare, and bumps every plan's pages at once.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import m2m_changed, post_delete, post_save

from caflab import fragments

REFERENCES = "cooperation:references"
# The fields of a person that a plan shows (the referent of an action): other saves (last
# login, password, flags) leave the plans' pages alone.
PERSON_FIELDS = frozenset({"first_name", "last_name", "email"})


def plan_scope(plan_id: int) -> str:
    return f"cooperation:plan:{plan_id}"


def bump_plan(*plan_ids: int) -> None:
    """What was cached from these plans is stale: the next reader computes it again."""
    ids = {plan_id for plan_id in plan_ids if plan_id is not None}
    if ids:
        fragments.bump(*(plan_scope(plan_id) for plan_id in sorted(ids)))


def plan_version(plan_id: int) -> str:
    """The version string of one plan's cached pages and data."""
    return fragments.version_key(plan_scope(plan_id), REFERENCES)


# Which plan a written row belongs to ----------------------------------------------------------
def _plan_id_of(instance) -> int | None:
    from cooperation.models import Objective, Plan, Step

    try:
        if isinstance(instance, Plan):
            return instance.pk
        if isinstance(instance, Objective):
            return instance.axis.plan_id
        if isinstance(instance, Step):
            return instance.action.plan_id
        if hasattr(instance, "plan_id"):
            return instance.plan_id
        if hasattr(instance, "indicator_id"):  # a measure
            return instance.indicator.plan_id
    except ObjectDoesNotExist:  # deleted along with its parent, whose own delete bumped the plan
        return None
    return None


def _plan_row_written(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loaddata: no relations to follow yet
        fragments.bump(REFERENCES)
        return
    bump_plan(_plan_id_of(instance))


def _reference_written(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    from caflab.models import User

    if sender is User:
        if created:  # nobody refers to a new person yet
            return
        if update_fields is not None and not (set(update_fields) & PERSON_FIELDS):
            return
    fragments.bump(REFERENCES)


def _m2m_written(sender, instance, action, reverse, pk_set=None, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # from the organisation's side: any of its plans
        fragments.bump(REFERENCES)
    else:
        bump_plan(_plan_id_of(instance))


def connect() -> None:
    """Wire the bumps (CooperationConfig.ready)."""
    from caflab.models import Caf, Organisation, User
    from cooperation import models

    plan_models = [
        models.Plan,
        models.PlanMember,
        models.Axis,
        models.Objective,
        models.Action,
        models.Step,
        models.Indicator,
        models.IndicatorValue,
        models.Message,
        models.Document,
    ]
    for model in plan_models:
        uid = f"cooperation-scopes:{model._meta.label}"
        post_save.connect(_plan_row_written, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_plan_row_written, sender=model, dispatch_uid=uid + ":delete")
    for model in (Caf, Organisation, User, models.AxisTheme):
        uid = f"cooperation-scopes:{model._meta.label}"
        post_save.connect(_reference_written, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_reference_written, sender=model, dispatch_uid=uid + ":delete")
    for through in (
        models.Plan.signatories.through,
        models.Action.partners.through,
        models.Message.mentions.through,
    ):
        m2m_changed.connect(
            _m2m_written, sender=through, dispatch_uid=f"cooperation-scopes:{through._meta.label}"
        )
