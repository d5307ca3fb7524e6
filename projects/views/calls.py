"""Calls for projects and challenges: the list, a call's page, applying, the CafLab's steps
(open, close, assign the jury, rank and select the winners) and the jury members' pages, where
each sees and scores only the applications assigned to them."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy, ngettext

from projects import selectors, services
from projects.forms.network import ApplicationForm, DecisionForm, JurorsForm, ScoreForm
from projects.models import Application, Call, JuryAssignment, Project
from projects.rules import juror_application_ids
from projects.views.network_common import NetworkView, error_text, paginate, require

CALL_PAGE_SIZE = 20
APPLICATION_PAGE_SIZE = 50
JURY_PAGE_SIZE = 20

# What the CafLab's button does at each status (services.call_advance moves one step).
NEXT_STEP = {
    Call.Status.DRAFT: gettext_lazy("Ouvrir les candidatures"),
    Call.Status.OPEN: gettext_lazy("Clore les candidatures et confier les dossiers au jury"),
}


def is_accepting(call: Call) -> bool:
    """Applications are taken: the call is open and today falls between its dates."""
    today = timezone.localdate()
    return call.status == Call.Status.OPEN and call.opens_on <= today <= call.closes_on


def call_url(call: Call, anchor: str = "") -> str:
    url = call.get_absolute_url()
    return f"{url}#{anchor}" if anchor else url


def application_url(application: Application) -> str:
    return reverse(
        "projects:application-detail",
        kwargs={"slug": application.call.slug, "pk": application.pk},
    )


# Calls ---------------------------------------------------------------------------------------
class CallListView(NetworkView):
    def get(self, request: HttpRequest) -> HttpResponse:
        page = paginate(request, selectors.call_list(user=request.user), CALL_PAGE_SIZE)
        return render(
            request,
            "projects/call/call_list.html",
            {
                "page_obj": page,
                "calls": page.object_list,
                "can_manage": request.user.has_perm("projects.manage_calls"),
                "section": "calls",
            },
        )


class CallView(NetworkView):
    """A page of one call: 404 when the user may not see it (a call in preparation is the
    CafLab's), 403 without `call_perm` to open the page or `write_perm` to post to it."""

    call_perm: str | None = None
    write_perm: str | None = None

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            self.call = selectors.call_get(user=request.user, slug=kwargs["slug"])
            if self.call_perm:
                require(request.user, self.call_perm, self.call)
            if request.method == "POST" and self.write_perm:
                require(request.user, self.write_perm, self.call)
        return super().dispatch(request, *args, **kwargs)


class CallDetailView(CallView):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        call, user = self.call, request.user
        can_manage = user.has_perm("projects.manage_calls", call)
        context = {
            "call": call,
            "criteria": list(call.criteria.all()),
            "partners": list(call.partners.all()),
            "accepting": is_accepting(call) and user.has_perm("projects.apply", call),
            "mine": list(call.applications.filter(contact=user).order_by("-submitted_at")),
            "can_manage": can_manage,
            "next_step": NEXT_STEP.get(call.status),
            "section": "calls",
        }
        if call.status == Call.Status.DECIDED:
            context["winners"] = list(
                call.applications.filter(status=Application.Status.SELECTED)
                .select_related("project", "caf", "region")
                .order_by("team_name")
            )
        if can_manage:
            page = paginate(
                request,
                call.applications.select_related("caf", "contact")
                .prefetch_related(
                    Prefetch(
                        "assignments",
                        queryset=JuryAssignment.objects.select_related("juror").order_by(
                            "juror__last_name", "juror__email"
                        ),
                    )
                )
                .order_by("team_name", "pk"),
                APPLICATION_PAGE_SIZE,
            )
            context.update(page_obj=page, applications=page.object_list)
        return render(request, "projects/call/call_detail.html", context)


class CallApplyView(CallView):
    """The application form, while the call takes applications."""

    call_perm = "projects.apply"

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        if not is_accepting(self.call):
            messages.info(request, _("Les candidatures à cet appel ne sont pas ouvertes."))
            return redirect(call_url(self.call))
        caf = request.user.caf
        initial = {"caf": caf.pk, "region": caf.region_id} if caf else {}
        return self.render_form(request, ApplicationForm(initial=initial))

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        form = ApplicationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = services.application_submit(
                    call=self.call,
                    by=request.user,
                    title=data["title"],
                    team_name=data["team_name"],
                    summary=data["summary"],
                    caf=data["caf"],
                    region=data["region"],
                )
            except services.ProjectError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _(
                        "Votre candidature « %(title)s » est déposée. Le CafLab vous écrira "
                        "une fois les lauréats désignés."
                    )
                    % {"title": application.title},
                )
                return redirect(application_url(application))
        return self.render_form(request, form, status=400)

    def render_form(self, request: HttpRequest, form, status: int = 200) -> HttpResponse:
        return render(
            request,
            "projects/call/application_form.html",
            {"call": self.call, "form": form, "section": "calls"},
            status=status,
        )


class CallAdvanceView(CallView):
    """Open the call, then close it and hand the applications over to the jury."""

    write_perm = "projects.manage_calls"

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        try:
            call = services.call_advance(call=self.call, by=request.user)
        except services.ProjectError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("L'appel passe à l'étape « %(status)s ».")
                % {"status": call.get_status_display()},
            )
        return redirect(call_url(self.call))


class RankingView(CallView):
    """The applications ranked by the jury's scores, and the selection of the winners."""

    call_perm = "projects.manage_calls"

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        return self.render_page(request)

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        rows = self.rows()
        form = DecisionForm(request.POST, applications=[row.application for row in rows])
        if form.is_valid():
            try:
                projects = services.call_decide(
                    call=self.call,
                    by=request.user,
                    selected=form.chosen(),
                    note=form.cleaned_data["note"],
                )
            except services.ProjectError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(n)s lauréat désigné : son projet rejoint le portefeuille.",
                        "%(n)s lauréats désignés : leurs projets rejoignent le portefeuille.",
                        len(projects),
                    )
                    % {"n": len(projects)},
                )
                return redirect(call_url(self.call, "laureats"))
        return self.render_page(request, form, rows=rows, status=400)

    def rows(self) -> list[selectors.Ranked]:
        return selectors.ranking(call=self.call)

    def render_page(self, request, form=None, *, rows=None, status: int = 200) -> HttpResponse:
        call = self.call
        rows = rows if rows is not None else self.rows()
        criteria = list(call.criteria.all())
        assigned = dict(
            JuryAssignment.objects.filter(application__call=call)
            .order_by()
            .values("application_id")
            .annotate(n=Count("pk"))
            .values_list("application_id", "n")
        )
        ties = Counter(row.rank for row in rows if row.rank is not None)
        for row in rows:
            row.tied = ties[row.rank] > 1 if row.rank is not None else False
            row.means = [(c, row.by_criterion.get(c.pk)) for c in criteria]
            row.assigned = assigned.get(row.application.pk, 0)
        form = form or DecisionForm(applications=[row.application for row in rows])
        return render(
            request,
            "projects/call/ranking.html",
            {
                "call": call,
                "criteria": criteria,
                "rows": rows,
                "form": form,
                "checked": form.checked(),
                "can_decide": call.status == Call.Status.JURY,
                "section": "calls",
            },
            status=status,
        )


# Applications --------------------------------------------------------------------------------
class ApplicationDetailView(NetworkView):
    """An application, for its team's contact, its jury members and the CafLab (404 for
    anybody else); the CafLab assigns jury members here."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            self.application = selectors.application_get(user=request.user, pk=kwargs["pk"])
            if self.application.call.slug != kwargs["slug"]:
                raise Http404
            if request.method == "POST":
                require(request.user, "projects.manage_calls", self.application.call)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        return self.render_page(request)

    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        form = JurorsForm(request.POST)
        if form.is_valid():
            try:
                assignments = services.jury_assign(
                    application=self.application,
                    by=request.user,
                    jurors=form.cleaned_data["emails"],
                )
            except services.ProjectError as exc:
                form.add_error("emails", error_text(exc))
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(n)s membre du jury affecté à la candidature.",
                        "%(n)s membres du jury affectés à la candidature.",
                        len(assignments),
                    )
                    % {"n": len(assignments)},
                )
                return redirect(f"{application_url(self.application)}#jury")
        return self.render_page(request, form, status=400)

    def render_page(self, request, form=None, status: int = 200) -> HttpResponse:
        application, user = self.application, request.user
        can_manage = user.has_perm("projects.manage_calls", application.call)
        context = {
            "application": application,
            "call": application.call,
            "can_manage": can_manage,
            "is_contact": application.contact_id == user.pk,
            "section": "calls",
        }
        if application.status == Application.Status.SELECTED:
            context["project"] = Project.objects.filter(application=application).first()
        if can_manage:
            context["assignments"] = list(
                application.assignments.select_related("juror").order_by("juror__last_name")
            )
            context["form"] = form or JurorsForm()
        if application.pk in juror_application_ids(user):
            context["my_assignment"] = application.assignments.filter(juror=user).first()
        return render(request, "projects/call/application_detail.html", context, status=status)


# Jury ----------------------------------------------------------------------------------------
class JuryListView(NetworkView):
    """« Mes candidatures à évaluer »: only the user's assignments, scored or not."""

    def get(self, request: HttpRequest) -> HttpResponse:
        page = paginate(request, selectors.juror_assignments(user=request.user), JURY_PAGE_SIZE)
        assignments = list(page.object_list)
        return render(
            request,
            "projects/jury/jury_list.html",
            {
                "page_obj": page,
                "assignments": assignments,
                "to_score": sum(
                    1
                    for a in assignments
                    if a.completed_at is None and a.application.call.status == Call.Status.JURY
                ),
                "section": "jury",
            },
        )


class JuryScoreView(NetworkView):
    """One assigned application and the scoring form: 404 for an application that is not
    assigned to the user, whoever they are."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            assignment = (
                selectors.juror_assignments(user=request.user).filter(pk=kwargs["pk"]).first()
            )
            if assignment is None:
                raise Http404
            self.assignment = assignment
            self.criteria = list(assignment.application.call.criteria.all())
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = self.assignment
        scores = {score.criterion_id: score.value for score in assignment.scores.all()}
        initial = {ScoreForm.field_name(c): scores.get(c.pk) for c in self.criteria}
        initial["comment"] = assignment.comment
        return self.render_page(request, ScoreForm(initial=initial, criteria=self.criteria))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = ScoreForm(request.POST, criteria=self.criteria)
        if form.is_valid():
            try:
                services.score_submit(
                    assignment=self.assignment,
                    by=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            except services.ProjectError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("Votre évaluation de « %(title)s » est enregistrée.")
                    % {"title": self.assignment.application.title},
                )
                return redirect("projects:jury-list")
        return self.render_page(request, form, status=400)

    def render_page(self, request, form, status: int = 200) -> HttpResponse:
        application = self.assignment.application
        scores = {score.criterion_id: score.value for score in self.assignment.scores.all()}
        return render(
            request,
            "projects/jury/score_form.html",
            {
                "assignment": self.assignment,
                "application": application,
                "call": application.call,
                "partners": list(application.partners.all()),
                "form": form,
                "scored": [(c, scores.get(c.pk, "—")) for c in self.criteria],
                "scoring_open": application.call.status == Call.Status.JURY,
                "section": "jury",
            },
            status=status,
        )
