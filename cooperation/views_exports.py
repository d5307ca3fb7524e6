"""A plan's exports (XLSX, PDF) and the import of a roadmap from a spreadsheet.

Exports need the right to see the plan: whoever may not see it gets the same 404 as for a plan
that does not exist (another Caf's agent, a partner outside the plan). Import needs the right to
manage the plan it fills: the form only offers the plans the user pilots.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from caflab import files
from caflab.rules import is_caflab_staff
from cooperation import exports, imports, selectors
from cooperation.models import Plan, PlanMember
from cooperation.rules import memberships

MAX_IMPORT_SIZE = 5 * 1024 * 1024


@login_required
@require_http_methods(["GET", "HEAD"])
def plan_export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)  # 404 unless visible
    return exports.plan_xlsx_response(plan, selectors.plan_indicators(plan))


@login_required
@require_http_methods(["GET", "HEAD"])
def plan_export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)  # 404 unless visible
    return exports.plan_pdf_response(plan, selectors.plan_indicators(plan))


# Import ----------------------------------------------------------------------------------------
def importable_plans(user):
    """The plans the user may fill: those they pilot (every plan for CafLab staff)."""
    plans = Plan.objects.select_related("caf").order_by("caf__number", "-starts_on", "title")
    if is_caflab_staff(user):
        return plans
    piloted = [pk for pk, role in memberships(user).items() if role == PlanMember.Role.PILOT]
    return plans.filter(pk__in=piloted)


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Plan) -> str:
        return f"{obj.title} ({obj.caf.name})"


class PlanImportForm(forms.Form):
    plan = PlanChoiceField(
        label=gettext_lazy("Plan à compléter"),
        queryset=Plan.objects.none(),
        empty_label=gettext_lazy("Choisissez un plan que vous pilotez"),
        error_messages={
            "invalid_choice": gettext_lazy("Choisissez un plan que vous pilotez."),
            "required": gettext_lazy("Choisissez le plan à compléter."),
        },
    )
    file = forms.FileField(
        label=gettext_lazy("Fichier de la feuille de route"),
        help_text=gettext_lazy("Un classeur Excel (.xlsx) au format du modèle, 5 Mo au plus."),
        error_messages={"required": gettext_lazy("Choisissez le fichier à importer.")},
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # By its content, not its name: a renamed file of another kind is refused.
        files.validate_upload(upload, allowed=(files.XLSX,), max_size=MAX_IMPORT_SIZE)
        return upload


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    if request.GET.get("modele") == "1":
        return imports.template_response()
    plans = importable_plans(request.user)
    if request.method != "POST":
        initial = {"plan": request.GET.get("plan")} if request.GET.get("plan") else {}
        form = PlanImportForm(plans=plans, initial=initial)
        return _render(request, form, has_plans=plans.exists())
    form = PlanImportForm(request.POST, request.FILES, plans=plans)
    if not form.is_valid():
        return _render(request, form, has_plans=plans.exists(), status=400)
    plan = form.cleaned_data["plan"]
    try:
        result = imports.plan_import(plan=plan, by=request.user, upload=form.cleaned_data["file"])
    except imports.ImportRejected as exc:
        return _render(request, form, has_plans=True, rejected=exc.errors, status=400)
    messages.success(
        request,
        ngettext(
            "%(count)s action importée dans « %(title)s »",
            "%(count)s actions importées dans « %(title)s »",
            result.actions,
        )
        % {"count": result.actions, "title": plan.title}
        + _(" (%(axes)s nouveaux axes, %(objectives)s nouveaux objectifs).")
        % {"axes": result.axes, "objectives": result.objectives},
    )
    return redirect(plan)


def _render(request, form, *, has_plans: bool, rejected=None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "cooperation/plan_import.html",
        {
            "form": form,
            "has_plans": has_plans,
            "rejected": rejected or [],
            "columns": imports.COLUMNS,
            "max_lines": imports.MAX_LINES,
        },
        status=status,
    )
