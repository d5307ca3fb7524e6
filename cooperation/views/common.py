"""What every COOPération page shares: login, the plan the user may see (404 otherwise), the
right to act on it (403 otherwise), and the small helpers of the templates."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views import View

from cooperation.models import Action, Plan, PlanMember


class CooperationView(LoginRequiredMixin, View):
    """A logged-in page; anonymous visitors go to the login page."""


class PlanView(CooperationView):
    """A page of one plan. `plan_perm`: the right needed to open it at all (404 when the user
    may not see the plan, 403 when they see it but lack this right); `write_perm`: the right
    needed to post to it (403 otherwise)."""

    plan_perm = "cooperation.view_plan"
    write_perm: str | None = None

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.plan = self.get_plan(request, kwargs["pk"])
        if self.plan_perm != "cooperation.view_plan" and not request.user.has_perm(
            self.plan_perm, self.plan
        ):
            raise PermissionDenied
        if request.method == "POST" and self.write_perm:
            require(request.user, self.write_perm, self.plan)
        return super().dispatch(request, *args, **kwargs)

    def get_plan(self, request: HttpRequest, pk: int) -> Plan:
        return plan_or_404(request.user, pk)


def plan_or_404(user, pk: int) -> Plan:
    """The plan alone (no roadmap), when the user may see it: the same answer, 404, whether it
    does not exist or belongs to others — as selectors.plan_get, without loading the roadmap."""
    plan = Plan.objects.select_related("caf").filter(pk=pk).first()
    if plan is None or not user.has_perm("cooperation.view_plan", plan):
        raise Http404
    return plan


def action_or_404(plan: Plan, pk: int) -> Action:
    action = (
        Action.objects.select_related(
            "objective__axis__theme", "pilot_organisation", "owner", "updated_by"
        )
        .prefetch_related("partners")
        .filter(pk=pk, plan=plan)
        .first()
    )
    if action is None:
        raise Http404
    return action


def require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def rights(user, plan: Plan) -> dict:
    """What the templates show or hide: one check per right, not one per row."""
    return {
        "can_manage": user.has_perm("cooperation.manage_plan", plan),
        "can_write": user.has_perm("cooperation.change_action", plan),
        "can_post": user.has_perm("cooperation.post_message", plan),
        "can_upload": user.has_perm("cooperation.upload_document", plan),
        "can_record": user.has_perm("cooperation.record_indicator", plan),
    }


def paginate(request: HttpRequest, items, per_page: int, *, param: str = "page", last=False):
    """A page of items; `last`: without a page asked for, the last one (threads read oldest
    first, and open on the newest messages)."""
    paginator = Paginator(items, per_page)
    number = request.GET.get(param)
    if not number and last:
        number = paginator.num_pages
    return paginator.get_page(number)


def query_without(request: HttpRequest, *params: str) -> str:
    query = request.GET.copy()
    for param in params:
        query.pop(param, None)
    return query.urlencode()


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# The activity journal, in French ----------------------------------------------------------------
VERBS = {
    "plan.created": _("a créé le plan"),
    "plan.baseline_frozen": _("a figé le planning de référence"),
    "member.added": _("a ajouté un membre"),
    "member.changed": _("a changé le rôle d'un membre"),
    "member.removed": _("a retiré un membre"),
    "axis.created": _("a ajouté l'axe"),
    "objective.created": _("a ajouté l'objectif"),
    "action.created": _("a créé l'action"),
    "action.updated": _("a modifié l'action"),
    "step.created": _("a ajouté le jalon"),
    "step.done": _("a marqué comme atteint le jalon"),
    "step.reopened": _("a rouvert le jalon"),
    "indicator.created": _("a créé l'indicateur"),
    "indicator.recorded": _("a saisi une mesure de l'indicateur"),
    "message.posted": _("a écrit un message"),
    "document.uploaded": _("a déposé le document"),
}
CHOICES = {
    "status": dict(Action.Status.choices),
    "priority": dict(Action.Priority.choices),
    "progress_mode": dict(Action.ProgressMode.choices),
    "rôle": dict(PlanMember.Role.choices),  # the name member_set gives this change
}


def _field_label(name: str) -> str:
    try:
        return capfirst(str(Action._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return capfirst(name)  # the services name these in French already (« rôle »)


def _value_text(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if name in CHOICES:
        return str(CHOICES[name].get(value, value))
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return str(value)


def _change_texts(name: str, before, after) -> tuple[str, str]:
    """(before, after) as text; before is "" when only one side tells something (a member
    added or removed: the verb says which)."""
    if name == "description":  # a long text: say that it changed, not the whole of it
        return "", str(_("texte modifié"))
    if before in (None, "") or after in (None, ""):
        return "", _value_text(name, after if before in (None, "") else before)
    return _value_text(name, before), _value_text(name, after)


def describe(event) -> dict:
    """One line of a feed: who, did what, on what, when, and which fields changed."""
    return {
        "event": event,
        "who": str(event.actor) if event.actor_id else _("Un membre retiré"),
        "what": VERBS.get(event.verb, event.verb),
        "changes": [
            (_field_label(name), *_change_texts(name, before, after))
            for name, (before, after) in (event.changes or {}).items()
        ],
    }
