"""Incubation: the cohorts, and a cohort's page: its track of modules and sessions, each
project's progress, the attendance the CafLab records, the deliverables the teams hand in and
the CafLab accepts or returns, downloaded through a view that checks who asks."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _, ngettext

from caflab import charts, files
from projects import selectors, services
from projects.forms.network import AttendanceForm, DeliverableForm, DeliverableReviewForm
from projects.models import Cohort, Deliverable, ModuleSession, SessionAttendance
from projects.rules import team_project_ids
from projects.views.network_common import NetworkView, error_text, paginate, require

COHORT_PAGE_SIZE = 20


def cohort_url(cohort: Cohort, anchor: str = "") -> str:
    url = cohort.get_absolute_url()
    return f"{url}#{anchor}" if anchor else url


class CohortListView(NetworkView):
    permission = "projects.view_cohort"

    def get(self, request: HttpRequest) -> HttpResponse:
        cohorts = (
            Cohort.objects.select_related("programme", "call")
            .annotate(
                project_count=Count("projects", distinct=True),
                module_count=Count("modules", distinct=True),
            )
            .order_by("-starts_on", "pk")
        )
        page = paginate(request, cohorts, COHORT_PAGE_SIZE)
        return render(
            request,
            "projects/cohort/cohort_list.html",
            {"page_obj": page, "cohorts": page.object_list, "section": "incubation"},
        )


class CohortView(NetworkView):
    """A page of one cohort, or a form posted from it."""

    permission = "projects.view_cohort"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            self.cohort = selectors.cohort_get(slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def deliverable_or_404(self, pk: int) -> Deliverable:
        deliverable = (
            Deliverable.objects.select_related("module", "project")
            .filter(pk=pk, module__cohort=self.cohort)
            .first()
        )
        if deliverable is None:
            raise Http404
        return deliverable

    def render_cohort(self, request: HttpRequest, *, status: int = 200, **forms) -> HttpResponse:
        return render(
            request,
            "projects/cohort/cohort_detail.html",
            {**cohort_context(request.user, self.cohort, **forms), "has_errors": status == 400},
            status=status,
        )


def cohort_context(
    user,
    cohort: Cohort,
    *,
    attendance_form: AttendanceForm | None = None,
    deliverable_form: DeliverableForm | None = None,
    review_form: DeliverableReviewForm | None = None,
) -> dict:
    staff = user.has_perm("projects.manage_cohort", cohort)
    team_ids = team_project_ids(user)
    # The cohort lists every project; a project that is not published stays its team's.
    projects = [p for p in cohort.projects.all() if staff or p.is_published or p.pk in team_ids]
    shown = {p.pk for p in projects}
    modules = list(cohort.modules.all())
    tracks = [t for t in selectors.cohort_progress(cohort=cohort) if t.project.pk in shown]
    sheet = {
        (session_id, project_id): attendees
        for session_id, project_id, attendees in SessionAttendance.objects.filter(
            session__module__cohort=cohort
        ).values_list("session_id", "project_id", "attendees")
    }
    deliverables = list(
        Deliverable.objects.filter(module__cohort=cohort)
        .select_related("uploaded_by")
        .order_by("module__position", "module_id", "created_at")
    )
    by_cell = {(d.module_id, d.project_id): d for d in deliverables}
    for track in tracks:
        track.cells = [
            (
                module,
                track.modules.get(module.pk, False),
                by_cell.get((module.pk, track.project.pk)),
            )
            for module in modules
        ]
    project_titles = {p.pk: p for p in projects}
    for module in modules:
        module.session_list = []
        for session in module.sessions.all():
            session.sheet = [(p, sheet.get((session.pk, p.pk))) for p in projects]
            session.recorded = any(attendees is not None for _p, attendees in session.sheet)
            if staff:
                if attendance_form is not None and attendance_form.session.pk == session.pk:
                    session.form = attendance_form
                else:
                    session.form = AttendanceForm(
                        session=session,
                        projects=projects,
                        initial={
                            f"projet_{p.pk}": attendees
                            for p, attendees in session.sheet
                            if attendees is not None
                        },
                    )
            module.session_list.append(session)
    my_projects = [p for p in projects if p.pk in team_ids]
    visible_deliverables = [
        d for d in deliverables if staff or (d.project_id in team_ids and d.project_id in shown)
    ]
    for deliverable in visible_deliverables:
        deliverable.project_shown = project_titles.get(deliverable.project_id)
        deliverable.module_shown = next(m for m in modules if m.pk == deliverable.module_id)
        if staff and deliverable.status == Deliverable.Status.SUBMITTED:
            if review_form is not None and review_form.deliverable.pk == deliverable.pk:
                deliverable.review_form = review_form
            else:
                deliverable.review_form = DeliverableReviewForm(deliverable=deliverable)
    expecting = [m for m in modules if m.deliverable]
    context = {
        "cohort": cohort,
        "modules": modules,
        "tracks": tracks,
        "projects": projects,
        "progress_chart": charts.bar_chart(
            title=_("Avancement de chaque projet dans le parcours"),
            labels=[track.project.title for track in tracks],
            values=[track.percent for track in tracks],
            percent=True,
        )
        if tracks and modules
        else None,
        "deliverables": visible_deliverables,
        "can_manage": staff,
        "can_review": user.has_perm("projects.review_deliverable", cohort),
        "my_projects": my_projects,
        "section": "incubation",
    }
    if deliverable_form is not None or (my_projects and expecting):
        context["deliverable_form"] = deliverable_form or DeliverableForm(
            modules=expecting, projects=my_projects
        )
    return context


class CohortDetailView(CohortView):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        return self.render_cohort(request)


class AttendanceView(CohortView):
    """The attendance sheet of one session: the CafLab's."""

    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        require(request.user, "projects.manage_cohort", self.cohort)
        session = (
            ModuleSession.objects.select_related("module__cohort")
            .filter(pk=pk, module__cohort=self.cohort)
            .first()
        )
        if session is None:
            raise Http404
        projects = list(self.cohort.projects.all())
        form = AttendanceForm(request.POST, session=session, projects=projects)
        if form.is_valid():
            try:
                rows = services.attendance_record(
                    session=session, by=request.user, attendees=form.attendees()
                )
            except services.ProjectError as exc:
                form.add_error(None, error_text(exc))
            else:
                present = sum(1 for row in rows if row.present)
                messages.success(
                    request,
                    ngettext(
                        "Présences enregistrées pour la séance du %(date)s : "
                        "%(n)s projet présent sur %(total)s.",
                        "Présences enregistrées pour la séance du %(date)s : "
                        "%(n)s projets présents sur %(total)s.",
                        present,
                    )
                    % {
                        "date": date_format(timezone.localtime(session.starts_at), "j F Y"),
                        "n": present,
                        "total": len(rows),
                    },
                )
                return redirect(cohort_url(self.cohort, f"seance-{session.pk}"))
        return self.render_cohort(request, status=400, attendance_form=form)


class DeliverableSubmitView(CohortView):
    """A team hands in a module's deliverable for one of its projects of the cohort."""

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        team_ids = team_project_ids(request.user)
        my_projects = [p for p in self.cohort.projects.all() if p.pk in team_ids]
        if not my_projects:
            raise PermissionDenied
        modules = [m for m in self.cohort.modules.all() if m.deliverable]
        form = DeliverableForm(request.POST, request.FILES, modules=modules, projects=my_projects)
        if form.is_valid():
            module, project = form.chosen_module(), form.chosen_project()
            try:
                services.deliverable_submit(
                    module=module,
                    project=project,
                    by=request.user,
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as exc:  # services.ProjectError, or a refused file
                form.add_error("file", error_text(exc))
            else:
                messages.success(
                    request,
                    _(
                        "Le livrable « %(name)s » de %(project)s est remis : "
                        "le CafLab va l'examiner."
                    )
                    % {"name": module.deliverable, "project": project.title},
                )
                return redirect(cohort_url(self.cohort, "livrables"))
        return self.render_cohort(request, status=400, deliverable_form=form)


class DeliverableReviewView(CohortView):
    """The CafLab accepts a deliverable, or returns it with what to rework."""

    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        require(request.user, "projects.review_deliverable", self.cohort)
        deliverable = self.deliverable_or_404(pk)
        form = DeliverableReviewForm(request.POST, deliverable=deliverable)
        if form.is_valid():
            try:
                services.deliverable_review(
                    deliverable=deliverable,
                    by=request.user,
                    accepted=form.accepted,
                    feedback=form.cleaned_data["feedback"],
                )
            except services.ProjectError as exc:
                form.add_error("feedback", error_text(exc))
            else:
                messages.success(
                    request,
                    _("Livrable de %(project)s : %(status)s.")
                    % {
                        "project": deliverable.project.title,
                        "status": deliverable.get_status_display().lower(),
                    },
                )
                return redirect(cohort_url(self.cohort, "livrables"))
        return self.render_cohort(request, status=400, review_form=form)


class DeliverableDownloadView(CohortView):
    """The file, for the project's team and the CafLab; nobody else learns it exists."""

    def get(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        deliverable = self.deliverable_or_404(pk)
        user = request.user
        if not user.has_perm("projects.view_deliverable", deliverable):
            raise Http404
        return files.protected_file_response(
            deliverable.file, filename=deliverable.name, content_type=deliverable.content_type
        )
