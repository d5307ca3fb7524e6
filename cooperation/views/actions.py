"""An action: its page (steps, indicators, thread, documents, history), its edit form with
optimistic concurrency, and its steps (jalons)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from caflab import activity
from cooperation import selectors, services
from cooperation.forms import ActionForm, DocumentForm, MessageForm, StepForm
from cooperation.models import Action, Indicator, IndicatorValue, Plan, Step
from cooperation.views.common import (
    PlanView,
    action_or_404,
    describe,
    error_text,
    paginate,
    rights,
)

THREAD_PAGE_SIZE = 20
HISTORY_LIMIT = 30


def action_url(action: Action, anchor: str = "") -> str:
    url = reverse(
        "cooperation:action-detail", kwargs={"pk": action.plan_id, "action_pk": action.pk}
    )
    return f"{url}#{anchor}" if anchor else url


def decorate_action(action: Action) -> Action:
    today = timezone.localdate()
    action.late = action.is_late(today)
    action.soon = action.is_due_soon(today)
    action.status_key = "en_retard" if action.late else action.status
    action.status_text = action.display_status(today)
    action.progress_value = selectors.action_progress(action)
    return action


def action_indicators(action: Action) -> list[Indicator]:
    """The indicators that measure this action, with their latest value and achievement."""
    indicators = list(
        Indicator.objects.filter(action=action).prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.order_by("period"))
        )
    )
    for indicator in indicators:
        values = list(indicator.values.all())
        indicator.latest = values[-1] if values else None
        indicator.achievement = selectors.indicator_achievement(
            indicator, indicator.latest.value if indicator.latest else None
        )
    return indicators


def render_action(
    request: HttpRequest, plan: Plan, action: Action, *, status: int = 200, **forms
) -> HttpResponse:
    user = request.user
    thread = paginate(request, selectors.plan_messages(plan, action), THREAD_PAGE_SIZE, last=True)
    context = {
        "plan": plan,
        "action": decorate_action(action),
        "steps": list(action.steps.all()),
        "indicators": action_indicators(action),
        "page_obj": thread,
        "thread": thread.object_list,
        "documents": list(action.documents.select_related("uploaded_by")),
        "history": [describe(e) for e in activity.history(action)[:HISTORY_LIMIT]],
        "step_form": forms.get("step_form") or StepForm(),
        "message_form": forms.get("message_form") or MessageForm(initial={"action": action.pk}),
        "document_form": forms.get("document_form") or DocumentForm(initial={"action": action.pk}),
        "current": "action",
        **rights(user, plan),
    }
    return render(request, "cooperation/action_detail.html", context, status=status)


class ActionView(PlanView):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            self.plan = self.get_plan(request, kwargs["pk"])
            self.action = action_or_404(self.plan, kwargs["action_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_plan(self, request: HttpRequest, pk: int) -> Plan:
        if getattr(self, "plan", None) is not None and self.plan.pk == pk:
            return self.plan
        return super().get_plan(request, pk)


class ActionDetailView(ActionView):
    def get(self, request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
        return render_action(request, self.plan, self.action)


# Editing, with both versions side by side on a conflict --------------------------------------
def _display(name: str, value) -> str:
    if value in (None, "") or value == []:
        return "—"
    if name == "status":
        return str(Action.Status(value).label)
    if name == "priority":
        return str(Action.Priority(value).label)
    if name == "progress_mode":
        return str(Action.ProgressMode(value).label)
    if name in ("starts_on", "due_on"):
        return date_format(value, "SHORT_DATE_FORMAT")
    if name == "progress":
        return f"{value}\xa0%"
    if name == "budget":
        return f"{number_format(value, 2, force_grouping=True)}\xa0€"
    if name == "partners":
        return ", ".join(sorted(org.name for org in value)) or "—"
    return str(value)


def comparison(form: ActionForm, current: Action) -> list[dict]:
    """Each field: the saved value and the one the person typed, and whether they differ."""
    saved = {name: getattr(current, name) for name in ActionForm.FIELDS if name != "partners"}
    saved["partners"] = list(current.partners.all())
    rows = []
    for name in ActionForm.FIELDS:
        typed = form.cleaned_data.get(name)
        if name == "partners":
            differs = {o.pk for o in typed or []} != {o.pk for o in saved[name]}
        else:
            differs = (typed or None) != (saved[name] or None)
        rows.append(
            {
                "label": form.fields[name].label,
                "saved": _display(name, saved[name]),
                "typed": _display(name, typed),
                "differs": differs,
            }
        )
    return rows


class ActionEditView(ActionView):
    plan_perm = "cooperation.change_action"

    def get(self, request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
        form = ActionForm(plan=self.plan, action=self.action)
        return self.render_form(request, form)

    def post(self, request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
        plan, action = self.plan, self.action
        form = ActionForm(request.POST, plan=plan, action=action)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        changes = form.changes()
        if not changes:
            messages.info(request, _("Aucune modification à enregistrer."))
            return redirect(action_url(action))
        try:
            services.action_update(
                action=action, by=request.user, version=form.cleaned_data["version"], **changes
            )
        except services.ActionConflict as exc:
            return self.render_conflict(request, exc)
        except services.PlanError as exc:
            form.add_error(None, error_text(exc))
            return self.render_form(request, form, status=400)
        messages.success(
            request, _("L'action « %(title)s » est mise à jour.") % {"title": action.title}
        )
        return redirect(action_url(action))

    def render_conflict(self, request: HttpRequest, exc: services.ActionConflict) -> HttpResponse:
        """409: what is saved now next to what the person typed, which stays in the form with
        the current version, so that saving again is a deliberate choice."""
        current = action_or_404(self.plan, self.action.pk)
        data = request.POST.copy()
        data["version"] = str(current.version)
        form = ActionForm(data, plan=self.plan, action=current)
        form.is_valid()
        return self.render_form(
            request,
            form,
            status=409,
            action=current,
            conflict={
                "message": error_text(exc),
                "by": current.updated_by,
                "at": current.updated_at,
                "rows": comparison(form, current),
            },
        )

    def render_form(self, request, form, *, status: int = 200, action=None, conflict=None):
        action = decorate_action(action or self.action)
        return render(
            request,
            "cooperation/action_edit.html",
            {
                "plan": self.plan,
                "action": action,
                "form": form,
                "conflict": conflict,
                "current": "action",
                **rights(request.user, self.plan),
            },
            status=status,
        )


# Steps ----------------------------------------------------------------------------------------
class StepCreateView(ActionView):
    write_perm = "cooperation.change_action"

    def post(self, request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
        form = StepForm(request.POST)
        if not form.is_valid():
            return render_action(request, self.plan, self.action, status=400, step_form=form)
        step = services.step_add(action=self.action, by=request.user, **form.cleaned_data)
        messages.success(request, _("Jalon « %(title)s » ajouté.") % {"title": step.title})
        return redirect(action_url(self.action, "jalons"))


class StepToggleView(ActionView):
    """Mark a step done, or undone; htmx swaps the list of steps in place."""

    write_perm = "cooperation.change_action"

    def post(self, request: HttpRequest, pk: int, action_pk: int, step_pk: int) -> HttpResponse:
        step = Step.objects.filter(pk=step_pk, action=self.action).first()
        if step is None:
            raise Http404
        step.action = self.action
        done = request.POST.get("done") == "1"
        services.step_set_done(step=step, by=request.user, done=done)
        if request.htmx:
            action = action_or_404(self.plan, self.action.pk)
            return render(
                request,
                "cooperation/includes/steps.html",
                {
                    "plan": self.plan,
                    "action": decorate_action(action),
                    "steps": list(action.steps.all()),
                    **rights(request.user, self.plan),
                },
            )
        text = _("Jalon « %(title)s » atteint.") if done else _("Jalon « %(title)s » rouvert.")
        messages.success(request, text % {"title": step.title})
        return redirect(action_url(self.action, "jalons"))
