"""The builds of the annual report: the years with their last PDFs, the form that asks for a
build, the history of builds; a build's page, whose progress htmx polls while it runs; the PDF;
and « Relancer » for a failed build."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from caflab.files import protected_file_response
from reporting import services
from reporting.forms import ReportRequestForm, report_years, validation_text
from reporting.models import ReportRun
from reporting.views.common import (
    ReportsView,
    latest_runs,
    paginate,
    require,
    run_list,
    run_or_404,
    steps_of,
)

HISTORY_PAGE_SIZE = 20
POLL_SECONDS = 2
ANNOUNCE_EVERY = 25  # percent: a screen reader hears the progress at 25, 50, 75 %


def year_rows() -> list[dict]:
    """Each year of the report, the most recent first, with the last build of each document
    and the last one that gave a PDF."""
    latest = latest_runs()
    return [
        {
            "year": year,
            "documents": [
                {
                    "kind": kind,
                    "label": label,
                    "last": latest.get((year, kind), {}).get("last"),
                    "done": latest.get((year, kind), {}).get("done"),
                }
                for kind, label in ReportRun.Kind.choices
            ],
        }
        for year in report_years()
    ]


class ReportListView(ReportsView):
    template_name = "reporting/pages/report_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_page(request, ReportRequestForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        require(request.user, "reporting.request_report")
        form = ReportRequestForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form, status=400)
        try:
            run, created = services.request_run(
                year=form.cleaned_data["year"], by=request.user, kind=form.cleaned_data["kind"]
            )
        except services.ReportError as exc:
            form.add_error(None, validation_text(exc))
            return self.render_page(request, form, status=400)
        if created:
            messages.success(
                request,
                _("La génération du document « %(document)s » %(year)s est demandée.")
                % {"document": run.get_kind_display(), "year": run.year},
            )
        else:
            messages.info(
                request,
                _(
                    "Une génération de ce document était déjà en cours : votre demande la "
                    "rejoint, vous suivez la même."
                ),
            )
        return redirect(run.get_absolute_url())

    def render_page(self, request: HttpRequest, form, *, status: int = 200) -> HttpResponse:
        page = paginate(request, run_list(), HISTORY_PAGE_SIZE)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "years": year_rows(),
                "page_obj": page,
                "runs": page.object_list,
                "can_request": request.user.has_perm("reporting.request_report"),
                "can_write": request.user.has_perm("reporting.write_report"),
            },
            status=status,
        )


def progress_context(run: ReportRun, *, seen_percent: int | None = None) -> dict:
    """What the progress block shows; `seen_percent` is what the polling page showed last
    (None on a full page): an announcement is made when the build ends or passes a quarter."""
    announce = ""
    if seen_percent is not None:
        if run.status == ReportRun.Status.DONE:
            announce = _("Génération terminée : le PDF est prêt à télécharger.")
        elif run.status == ReportRun.Status.FAILED:
            announce = _("La génération a échoué.") + " " + run.error
        elif run.progress // ANNOUNCE_EVERY > seen_percent // ANNOUNCE_EVERY:
            announce = _("Génération en cours : %(percent)s %%. %(step)s") % {
                "percent": run.progress,
                "step": run.step,
            }
    return {
        "run": run,
        "steps": steps_of(run),
        "poll_seconds": POLL_SECONDS,
        "announce": announce,
    }


class RunDetailView(ReportsView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = run_or_404(pk)
        return render(
            request,
            "reporting/pages/run_detail.html",
            {
                **progress_context(run),
                "can_request": request.user.has_perm("reporting.request_report"),
            },
        )


class RunProgressView(ReportsView):
    """The progress block, polled by htmx while the build runs; the page itself otherwise."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.htmx:
            return redirect("reporting:run-detail", pk=pk)
        run = run_or_404(pk)
        try:
            seen = max(0, min(int(request.GET.get("vu", "0")), 100))
        except ValueError:
            seen = 0
        response = render(
            request,
            "reporting/includes/run_progress.html",
            {
                **progress_context(run, seen_percent=seen),
                "can_request": request.user.has_perm("reporting.request_report"),
            },
        )
        response["Cache-Control"] = "no-store"
        return response


class RunDownloadView(ReportsView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = run_or_404(pk)
        if not run.pdf:
            raise Http404
        try:
            return protected_file_response(
                run.pdf, filename=run.filename, content_type="application/pdf"
            )
        except (FileNotFoundError, OSError):
            raise Http404 from None


class RunRetryView(ReportsView):
    perm = "reporting.request_report"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = run_or_404(pk)
        try:
            services.retry(run=run, by=request.user)
        except services.ReportError as exc:
            messages.error(request, validation_text(exc))
        else:
            messages.success(request, _("La génération est relancée."))
        target = request.POST.get("next") or ""
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
        return redirect(reverse("reporting:run-detail", kwargs={"pk": run.pk}))
