"""The collaborative space of a plan (thread with mentions, documents, activity feed), its
members and its indicators."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext as _

from caflab import charts, files, fragments
from cooperation import scopes, selectors, services
from cooperation.forms import (
    DocumentForm,
    IndicatorForm,
    IndicatorValueForm,
    MemberAddForm,
    MemberRoleForm,
    MessageForm,
)
from cooperation.models import Action, Document, Plan, PlanMember
from cooperation.views.actions import action_url, render_action
from cooperation.views.common import (
    CooperationView,
    PlanView,
    describe,
    error_text,
    paginate,
    rights,
)

THREAD_PAGE_SIZE = 20
FEED_PAGE_SIZE = 20
MENTION = re.compile(r"(@[\w.-]+)")


def message_html(text: str) -> str:
    """The message as paragraphs, its « @identifiant » mentions set in bold."""
    escaped = MENTION.sub(r'<strong class="coop-mention">\1</strong>', escape(text))
    return mark_safe(linebreaks(escaped, autoescape=False))  # noqa: S308 - escaped just above


def with_html(thread) -> list:
    items = list(thread)
    for message in items:
        message.html = message_html(message.text)
    return items


def space_url(plan: Plan, anchor: str = "") -> str:
    url = reverse("cooperation:plan-space", kwargs={"pk": plan.pk})
    return f"{url}#{anchor}" if anchor else url


def _action_of(plan: Plan, action_id) -> Action | None:
    """The action a message or a document is about: one of this plan's, or 404."""
    if not action_id:
        return None
    try:
        action_id = int(action_id)
    except ValueError:
        raise Http404 from None
    action = (
        Action.objects.select_related(
            "objective__axis__theme", "pilot_organisation", "owner", "updated_by"
        )
        .prefetch_related("partners")
        .filter(pk=action_id, plan=plan)
        .first()
    )
    if action is None:
        raise Http404
    return action


# The space ------------------------------------------------------------------------------------
def render_space(request: HttpRequest, plan: Plan, *, status: int = 200, **forms) -> HttpResponse:
    members = list(plan.members.select_related("user", "user__organisation"))
    thread = paginate(request, selectors.plan_messages(plan), THREAD_PAGE_SIZE, last=True)
    feed = paginate(request, selectors.plan_activity(plan), FEED_PAGE_SIZE, param="activite")
    context = {
        "plan": plan,
        "handles": sorted(
            ((services.mention_handle(m.user), m) for m in members), key=lambda item: item[0]
        ),
        "page_obj": thread,
        "thread": with_html(thread.object_list),
        "feed_page": feed,
        "feed": [describe(event) for event in feed.object_list],
        "documents": list(plan.documents.select_related("uploaded_by", "action")),
        "message_form": forms.get("message_form") or MessageForm(),
        "document_form": forms.get("document_form") or DocumentForm(),
        "current": "space",
        **rights(request.user, plan),
    }
    return render(request, "cooperation/plan_space.html", context, status=status)


class PlanSpaceView(PlanView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render_space(request, self.plan)


class MessageCreateView(PlanView):
    write_perm = "cooperation.post_message"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.plan
        form = MessageForm(request.POST)
        action = _action_of(plan, request.POST.get("action"))
        if form.is_valid():
            try:
                services.message_post(
                    plan=plan, by=request.user, text=form.cleaned_data["text"], action=action
                )
            except services.PlanError as exc:
                form.add_error("text", error_text(exc))
            else:
                messages.success(request, _("Votre message est publié."))
                return redirect(action_url(action, "fil") if action else space_url(plan, "fil"))
        if action is not None:
            return render_action(request, plan, action, status=400, message_form=form)
        return render_space(request, plan, status=400, message_form=form)


class DocumentUploadView(PlanView):
    write_perm = "cooperation.upload_document"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.plan
        form = DocumentForm(request.POST, request.FILES)
        action = _action_of(plan, request.POST.get("action"))
        if form.is_valid():
            try:
                document = services.document_upload(
                    plan=plan, by=request.user, upload=form.cleaned_data["file"], action=action
                )
            except ValidationError as exc:
                form.add_error("file", error_text(exc))
            else:
                messages.success(
                    request,
                    _("Le document « %(name)s » est déposé ; l'antivirus l'analyse.")
                    % {"name": document.name},
                )
                anchor = "documents"
                return redirect(action_url(action, anchor) if action else space_url(plan, anchor))
        if action is not None:
            return render_action(request, plan, action, status=400, document_form=form)
        return render_space(request, plan, status=400, document_form=form)


class DocumentDownloadView(CooperationView):
    """A plan's document, served only to those who may see the plan (404 for everyone else,
    as for a document that does not exist), and never once the antivirus flagged it."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        document = Document.objects.select_related("plan").filter(pk=pk).first()
        if document is None or not request.user.has_perm("cooperation.view_plan", document.plan):
            raise Http404
        if document.scan == Document.Scan.INFECTED:
            raise Http404
        try:
            return files.protected_file_response(
                document.file, filename=document.name, content_type=document.content_type
            )
        except FileNotFoundError:  # the row outlived its file: nothing to serve
            raise Http404 from None


# Members --------------------------------------------------------------------------------------
class PlanMembersView(PlanView):
    write_perm = "cooperation.manage_plan"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_page(request, MemberAddForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = MemberAddForm(request.POST)
        if form.is_valid():
            user, role = form.cleaned_data["email"], form.cleaned_data["role"]
            try:
                member = services.member_set(plan=self.plan, user=user, role=role, by=request.user)
            except services.PlanError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("%(who)s est %(role)s du plan.")
                    % {"who": user, "role": member.get_role_display().lower()},
                )
                return redirect("cooperation:plan-members", pk=self.plan.pk)
        return self.render_page(request, form, status=400)

    def render_page(self, request: HttpRequest, form, status: int = 200) -> HttpResponse:
        pilots_first = Case(
            *(When(role=role, then=Value(i)) for i, role in enumerate(PlanMember.Role.values)),
            output_field=IntegerField(),
        )
        members = list(
            self.plan.members.select_related("user", "user__organisation", "user__caf").order_by(
                pilots_first, "user__last_name", "user__first_name"
            )
        )
        return render(
            request,
            "cooperation/plan_members.html",
            {
                "plan": self.plan,
                "members": members,
                "form": form,
                "roles": PlanMember.Role.choices,
                "current": "members",
                **rights(request.user, self.plan),
            },
            status=status,
        )


class MemberUpdateView(PlanView):
    """Change a member's role, or remove them; a plan always keeps a pilot."""

    write_perm = "cooperation.manage_plan"

    def post(self, request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
        plan = self.plan
        member = PlanMember.objects.select_related("user").filter(pk=member_pk, plan=plan).first()
        if member is None:
            raise Http404
        try:
            if request.POST.get("operation") == "retirer":
                services.member_remove(plan=plan, user=member.user, by=request.user)
                messages.success(
                    request, _("%(who)s ne fait plus partie du plan.") % {"who": member.user}
                )
            else:
                form = MemberRoleForm(request.POST)
                if not form.is_valid():
                    raise services.PlanError(_("Choisissez un rôle dans la liste."))
                role = form.cleaned_data["role"]
                if role != PlanMember.Role.PILOT and self._last_pilot(member):
                    # member_set does not guard this (member_remove does): same rule, same words.
                    raise services.PlanError(_("Un plan garde toujours au moins un pilote."))
                member = services.member_set(
                    plan=plan, user=member.user, role=role, by=request.user
                )
                messages.success(
                    request,
                    _("%(who)s est maintenant %(role)s.")
                    % {"who": member.user, "role": member.get_role_display().lower()},
                )
        except services.PlanError as exc:
            messages.error(request, error_text(exc))
        return redirect("cooperation:plan-members", pk=plan.pk)

    def _last_pilot(self, member: PlanMember) -> bool:
        if member.role != PlanMember.Role.PILOT:
            return False
        pilots = self.plan.members.filter(role=PlanMember.Role.PILOT)
        return not pilots.exclude(pk=member.pk).exists()


# Indicators -----------------------------------------------------------------------------------
def indicator_chart(indicator) -> charts.Chart | None:
    values = list(indicator.values.all())
    if not values:
        return None
    labels = [date_format(v.period, "SHORT_DATE_FORMAT") for v in values]
    return charts.line_chart(
        title=_("%(name)s : valeurs mesurées et cible") % {"name": indicator.name},
        labels=labels,
        series={
            _("Valeur mesurée"): [float(v.value) for v in values],
            _("Cible"): [float(indicator.target)] * len(values),
        },
        unit=indicator.unit,
    )


class PlanIndicatorsView(PlanView):
    write_perm = "cooperation.record_indicator"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_page(request)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan, user = self.plan, request.user
        if request.POST.get("formulaire") == "indicateur":
            if not user.has_perm("cooperation.manage_plan", plan):
                raise PermissionDenied
            form = IndicatorForm(request.POST, plan=plan)
            if form.is_valid():
                try:
                    indicator = services.indicator_create(plan=plan, by=user, **form.cleaned_data)
                except services.PlanError as exc:
                    form.add_error(None, error_text(exc))
                else:
                    messages.success(
                        request, _("Indicateur « %(name)s » créé.") % {"name": indicator.name}
                    )
                    return redirect("cooperation:plan-indicators", pk=plan.pk)
            return self.render_page(request, status=400, indicator_form=form)
        form = IndicatorValueForm(request.POST, plan=plan)
        if form.is_valid():
            data = form.cleaned_data
            services.indicator_record(
                indicator=data["indicator"],
                by=user,
                period=data["period"],
                value=data["value"],
                source=data["source"],
                comment=data["comment"],
            )
            messages.success(
                request,
                _("Mesure enregistrée pour « %(name)s ».") % {"name": data["indicator"].name},
            )
            return redirect("cooperation:plan-indicators", pk=plan.pk)
        return self.render_page(request, status=400, value_form=form)

    def render_page(self, request: HttpRequest, status: int = 200, **forms) -> HttpResponse:
        """The indicators, their charts and the choices of the empty forms (the plan's
        indicators, objectives and actions) are cached under the plan's version; the forms
        themselves, their token and errors are rendered on every request."""
        plan = self.plan
        version = scopes.plan_version(plan.pk)
        count, body = fragments.cached(
            "cooperation-plan-indicators",
            version,
            lambda: indicators_body(plan),
            vary=(get_language(),),
        )
        value_form = forms.get("value_form") or IndicatorValueForm(plan=plan)
        indicator_form = forms.get("indicator_form") or IndicatorForm(plan=plan)
        choices = None
        if not value_form.is_bound and not indicator_form.is_bound:
            choices = fragments.cached(
                "cooperation-plan-indicator-choices",
                version,
                lambda: {
                    "indicator": str(value_form["indicator"].as_field_group()),
                    "objective": str(indicator_form["objective"].as_field_group()),
                    "action": str(indicator_form["action"].as_field_group()),
                },
                vary=(get_language(),),
            )
            choices = {name: mark_safe(html) for name, html in choices.items()}  # noqa: S308
        context = {
            "plan": plan,
            "indicators": count,
            "body": mark_safe(body),  # noqa: S308 - rendered by indicators_body
            "choices": choices,
            "value_form": value_form,
            "indicator_form": indicator_form,
            "current": "indicators",
            **rights(request.user, plan),
        }
        return render(request, "cooperation/plan_indicators.html", context, status=status)


def indicators_body(plan: Plan) -> tuple[int, str]:
    """The number of indicators of the plan, and their table, charts and measures as HTML."""
    indicators = selectors.plan_indicators(plan)
    for indicator in indicators:
        indicator.chart = indicator_chart(indicator)
    html = render_to_string(
        "cooperation/includes/indicators_body.html", {"plan": plan, "indicators": indicators}
    )
    return len(indicators), html
