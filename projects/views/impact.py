"""A project's impact: its theory of change, its indicators and their periods (reported by the
team, reviewed by the CafLab, then locked), the evidence of each value, the CafLab's list of
values awaiting review, and the bilan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from caflab import charts, files
from projects import selectors, services
from projects.forms.project import (
    AssessmentForm,
    ChangeStepForm,
    IndicatorForm,
    PeriodForm,
    ReviewForm,
    UploadForm,
)
from projects.models import Assessment, ChangeStep, Evidence, Indicator, Period, Project
from projects.views.project_common import (
    ProjectActionView,
    ProjectsView,
    error_text,
    paginate,
    project_url,
    query_without,
    related_or_none,
    require,
    safe_next,
)

REVIEW_PAGE_SIZE = 20
AT_RISK_GAP = Decimal("0.10")
OFF_TRACK_GAP = Decimal("0.25")


# Indicators as the project page shows them --------------------------------------------------------
def month_label(day: date) -> str:
    """« janv. 2025 »: the charts' abbreviations, so that the axis stays short."""
    return f"{str(charts.MONTHS).split()[day.month - 1]} {day.year}"


def period_label(period: Period) -> str:
    start, end = month_label(period.starts_on), month_label(period.ends_on)
    return start if start == end else f"{start} – {end}"


def indicator_status(view: selectors.IndicatorView, project: Project) -> str:
    """On track, at risk or late: the progress of the latest approved value against the time
    gone from the baseline to the target's deadline when it is known (the thresholds of the
    COOPération dashboards: 10 and 25 points behind)."""
    if view.progress is None:
        return ""
    if view.progress >= 1:
        return "on_track"
    if view.progress < 0:
        return "off_track"
    indicator = view.indicator
    start, end = indicator.baseline_on or project.started_on, indicator.target_on
    if end is None or end <= start:
        return "on_track"
    elapsed = (view.latest.ends_on - start).days / (end - start).days
    gap = Decimal(str(min(max(elapsed, 0), 1))) - view.progress
    if gap > OFF_TRACK_GAP:
        return "off_track"
    if gap > AT_RISK_GAP:
        return "at_risk"
    return "on_track"


@dataclass
class IndicatorRow:
    """An indicator with what its block shows: its periods (all of them for the team and the
    CafLab, the approved ones for the others), its latest approved value, its progress, its
    status and its two charts."""

    view: selectors.IndicatorView
    status: str
    status_label: str
    progress_chart: charts.Chart | None
    values_chart: charts.Chart | None

    @property
    def indicator(self) -> Indicator:
        return self.view.indicator


def progress_chart(view: selectors.IndicatorView, status: str) -> charts.Chart:
    """The way gone from the baseline towards the target, in the indicator's unit."""
    indicator = view.indicator
    sign = 1 if indicator.target >= indicator.baseline else -1
    return charts.progress_bar(
        title=_("Progression de « %(name)s » depuis la valeur de départ")
        % {"name": indicator.name},
        value=float(sign * (view.latest.value - indicator.baseline)),
        target=float(sign * (indicator.target - indicator.baseline)),
        status=status,
    )


def values_chart(view: selectors.IndicatorView) -> charts.Chart | None:
    approved = [p for p in view.periods if p.status == Period.Status.APPROVED]
    if not approved:
        return None
    indicator = view.indicator
    return charts.line_chart(
        title=_("Valeurs validées de « %(name)s », période par période") % {"name": indicator.name},
        labels=[period_label(p) for p in approved],
        series={
            _("Valeur validée"): [float(p.value) for p in approved],
            _("Cible"): [float(indicator.target)] * len(approved),
        },
        unit=indicator.unit,
    )


def indicator_rows(*, user, project: Project) -> list[IndicatorRow]:
    rows = []
    for view in selectors.project_indicators(user=user, project=project):
        status = indicator_status(view, project)
        rows.append(
            IndicatorRow(
                view=view,
                status=status,
                status_label=str(charts.STATUS_LABELS[status]) if status else "",
                progress_chart=progress_chart(view, status) if status else None,
                values_chart=values_chart(view),
            )
        )
    return rows


def _render_project(request: HttpRequest, project: Project, **forms) -> HttpResponse:
    from projects.views.project import render_project  # the page shows the impact too

    return render_project(request, project.slug, status=400, **forms)


# Theory of change -----------------------------------------------------------------------------
class ChangeStepCreateView(ProjectActionView):
    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        form = ChangeStepForm(request.POST)
        if form.is_valid():
            try:
                step = services.change_step_save(
                    project=self.project,
                    by=request.user,
                    level=form.cleaned_data["level"],
                    text=form.cleaned_data["text"],
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("« %(text)s » est ajouté à la théorie du changement (%(level)s).")
                    % {"text": step.text, "level": step.get_level_display().lower()},
                )
                return self.back("theorie-du-changement")
        return _render_project(request, self.project, change_step_form=form)


class ChangeStepMixin:
    def get_step(self, pk: int) -> ChangeStep:
        step = ChangeStep.objects.filter(pk=pk, project=self.project).first()
        if step is None:
            raise Http404
        step.project = self.project
        return step


class ChangeStepEditView(ChangeStepMixin, ProjectActionView):
    def get(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        step = self.get_step(pk)
        form = ChangeStepForm(initial={"level": step.level, "text": step.text})
        return self.render_form(request, step, form)

    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        step = self.get_step(pk)
        form = ChangeStepForm(request.POST)
        if form.is_valid():
            try:
                services.change_step_save(
                    project=self.project,
                    by=request.user,
                    level=form.cleaned_data["level"],
                    text=form.cleaned_data["text"],
                    step=step,
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("L'élément de la théorie du changement est modifié."))
                return self.back("theorie-du-changement")
        return self.render_form(request, step, form, status=400)

    def render_form(self, request, step, form, status: int = 200) -> HttpResponse:
        return render(
            request,
            "projects/project/change_step_form.html",
            {"project": self.project, "step": step, "form": form},
            status=status,
        )


class ChangeStepDeleteView(ChangeStepMixin, ProjectActionView):
    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        step = self.get_step(pk)
        services.change_step_delete(step=step, by=request.user)
        messages.success(
            request,
            _("« %(text)s » est retiré de la théorie du changement.") % {"text": step.text},
        )
        return self.back("theorie-du-changement")


# Indicators and periods -----------------------------------------------------------------------
class IndicatorCreateView(ProjectActionView):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        return self.render_form(request, IndicatorForm(project=self.project))

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        form = IndicatorForm(request.POST, project=self.project)
        if form.is_valid():
            try:
                indicator = services.indicator_create(
                    project=self.project, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("L'indicateur « %(name)s » est créé : saisissez sa première période.")
                    % {"name": indicator.name},
                )
                return self.back(f"indicateur-{indicator.pk}")
        return self.render_form(request, form, status=400)

    def render_form(self, request, form, status: int = 200) -> HttpResponse:
        return render(
            request,
            "projects/project/indicator_form.html",
            {"project": self.project, "form": form},
            status=status,
        )


class PeriodCreateView(ProjectActionView):
    perm = "projects.report_indicator"

    def get_indicator(self, pk: int) -> Indicator:
        indicator = Indicator.objects.filter(pk=pk, project=self.project).first()
        if indicator is None:
            raise Http404
        indicator.project = self.project
        return indicator

    def get(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        indicator = self.get_indicator(pk)
        return self.render_form(request, indicator, PeriodForm())

    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        indicator = self.get_indicator(pk)
        form = PeriodForm(request.POST)
        if form.is_valid():
            try:
                period = services.period_save(
                    indicator=indicator, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _(
                        "La période est enregistrée en brouillon. Soumettez-la au CafLab quand "
                        "la valeur est sûre."
                    ),
                )
                return redirect(period_url(self.project, period))
        return self.render_form(request, indicator, form, status=400)

    def render_form(self, request, indicator, form, status: int = 200) -> HttpResponse:
        return render(
            request,
            "projects/project/period_form.html",
            {"project": self.project, "indicator": indicator, "form": form},
            status=status,
        )


def period_url(project: Project, period: Period) -> str:
    return reverse("projects:period-detail", kwargs={"slug": project.slug, "pk": period.pk})


class PeriodView(ProjectActionView):
    """A period of an indicator of this project, for its team and the CafLab."""

    perm = "projects.report_indicator"

    def get_period(self, pk: int) -> Period:
        period = (
            Period.objects.select_related("indicator", "submitted_by", "reviewed_by")
            .prefetch_related("evidence")
            .filter(pk=pk, indicator__project=self.project)
            .first()
        )
        if period is None:
            raise Http404
        period.indicator.project = self.project
        return period

    def render_period(
        self, request: HttpRequest, period: Period, *, status: int = 200, **forms
    ) -> HttpResponse:
        user = request.user
        can_review = user.has_perm("projects.review_indicator", self.project)
        context = {
            "project": self.project,
            "period": period,
            "indicator": period.indicator,
            "evidence": list(period.evidence.all()),
            "can_review": can_review,
            "has_errors": status >= 400,
        }
        if period.is_editable:
            context["form"] = forms.get("form") or PeriodForm(period=period)
        if not period.is_locked:
            context["evidence_form"] = forms.get("evidence_form") or UploadForm()
        if can_review and period.status == Period.Status.SUBMITTED:
            context["review_form"] = forms.get("review_form") or ReviewForm(period=period)
        return render(request, "projects/project/period.html", context, status=status)


class PeriodDetailView(PeriodView):
    def get(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        return self.render_period(request, self.get_period(pk))

    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        period = self.get_period(pk)
        form = PeriodForm(request.POST, period=period)
        if form.is_valid():
            try:
                services.period_save(
                    indicator=period.indicator, by=request.user, period=period, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("La période est enregistrée."))
                return redirect(period_url(self.project, period))
        if not period.is_editable:
            # Locked or awaiting review: the page shows no form, so the refusal goes on top.
            refusal = " ".join(form.non_field_errors())
            messages.error(request, refusal or _("Cette période ne peut plus être modifiée."))
            return redirect(period_url(self.project, period))
        return self.render_period(request, period, status=400, form=form)


class PeriodSubmitView(PeriodView):
    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        period = self.get_period(pk)
        try:
            services.period_submit(period=period, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("La valeur est soumise au CafLab : vous serez prévenu de son avis."),
            )
        return redirect(period_url(self.project, period))


class PeriodReviewView(PeriodView):
    perm = "projects.review_indicator"

    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        period = self.get_period(pk)
        form = ReviewForm(request.POST, period=period)
        if form.is_valid():
            try:
                services.period_review(
                    period=period,
                    by=request.user,
                    approve=form.approve,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                if form.approve:
                    text = _("La valeur de « %(name)s » est validée : la période est verrouillée.")
                else:
                    text = _("La valeur de « %(name)s » est renvoyée au porteur avec votre retour.")
                messages.success(request, text % {"name": period.indicator.name})
                default = project_url(self.project, f"indicateur-{period.indicator_id}")
                return redirect(safe_next(request, default))
        if period.status != Period.Status.SUBMITTED:
            refusal = " ".join(form.non_field_errors())
            messages.error(
                request, refusal or _("Seule une période soumise peut être validée ou renvoyée.")
            )
            return redirect(period_url(self.project, period))
        return self.render_period(request, period, status=400, review_form=form)


class EvidenceUploadView(PeriodView):
    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        period = self.get_period(pk)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                evidence = services.evidence_upload(
                    period=period, by=request.user, upload=form.cleaned_data["file"]
                )
            except ValidationError as exc:
                form.add_error("file", error_text(exc))
            else:
                messages.success(
                    request,
                    _("La pièce justificative « %(name)s » est déposée.") % {"name": evidence.name},
                )
                return redirect(period_url(self.project, period))
        if period.is_locked:
            refusal = " ".join(form.errors.get("file", []))
            messages.error(
                request, refusal or _("Cette période est validée : elle est verrouillée.")
            )
            return redirect(period_url(self.project, period))
        return self.render_period(request, period, status=400, evidence_form=form)


class EvidenceDownloadView(ProjectActionView):
    """A piece of evidence, for the team and the CafLab only (404 for everyone else)."""

    perm = ""

    def get(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        if not request.user.has_perm("projects.view_project_internal", self.project):
            raise Http404
        evidence = Evidence.objects.filter(pk=pk, period__indicator__project=self.project).first()
        if evidence is None:
            raise Http404
        try:
            return files.protected_file_response(
                evidence.file, filename=evidence.name, content_type=evidence.content_type
            )
        except FileNotFoundError:
            raise Http404 from None


class ReviewListView(ProjectsView):
    """The values the teams submitted, oldest first, for the CafLab to approve or return."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require(request.user, "projects.review_indicator")
        page = paginate(
            request,
            selectors.periods_to_review().prefetch_related("evidence"),
            REVIEW_PAGE_SIZE,
        )
        periods = list(page.object_list)
        for period in periods:
            period.review_form = ReviewForm(period=period)
        return render(
            request,
            "projects/project/review_list.html",
            {
                "page_obj": page,
                "periods": periods,
                "query": query_without(request, "page"),
            },
        )


# The bilan --------------------------------------------------------------------------------------
class AssessmentView(ProjectActionView):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        assessment = self.assessment()
        initial = {}
        if assessment is not None:
            initial = {
                name: getattr(assessment, name)
                for name in ("summary", "results", "lessons", "recommendations")
            }
        return self.render_form(request, AssessmentForm(initial=initial), assessment)

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        form = AssessmentForm(request.POST)
        if form.is_valid():
            try:
                services.assessment_save(project=self.project, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("Le bilan est enregistré."))
                return self.back("bilan")
        return self.render_form(request, form, self.assessment(), status=400)

    def assessment(self) -> Assessment | None:
        return Assessment.objects.filter(project=self.project).first()

    def render_form(self, request, form, assessment, status: int = 200) -> HttpResponse:
        return render(
            request,
            "projects/project/assessment_form.html",
            {
                "project": self.project,
                "form": form,
                "assessment": assessment,
                "can_publish": request.user.has_perm("projects.publish_assessment", self.project),
            },
            status=status,
        )


class AssessmentPublishView(ProjectActionView):
    perm = "projects.publish_assessment"

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        assessment = related_or_none(
            Project.objects.select_related("assessment").get(pk=self.project.pk), "assessment"
        )
        if assessment is None:
            messages.error(request, _("Rédigez le bilan avant de le publier."))
            return self.back("bilan")
        if assessment.is_published:
            messages.info(request, _("Le bilan est déjà publié."))
            return self.back("bilan")
        assessment.project = self.project
        services.assessment_publish(assessment=assessment, by=request.user)
        messages.success(request, _("Le bilan est publié : tout le réseau peut le lire."))
        return self.back("bilan")
