"""A year's report read in the browser before it is built (the same templates as the PDF, with
today's data), and its figures as CSV.

The document templates give a full HTML document (its own <title>, landmarks and stylesheet):
the preview serves it as it is, with a small staff toolbar inserted at the top of its <body>;
a template that gives a fragment is shown inside a portal page instead."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from caflab.exports import content_disposition
from reporting import document
from reporting.models import ReportRun
from reporting.views.common import ReportsView, year_or_404

TEMPLATES = {
    ReportRun.Kind.FULL: "reporting/document/report.html",
    ReportRun.Kind.KEY_FIGURES: "reporting/document/key_figures.html",
}
BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
HEAD_CLOSE = re.compile(r"</head\s*>", re.IGNORECASE)


def chosen_kind(request: HttpRequest) -> str:
    kind = request.GET.get("document", "")
    return kind if kind in TEMPLATES else ReportRun.Kind.FULL


def with_toolbar(html: str, toolbar: str, style: str) -> str | None:
    """The document with the toolbar first in its body, or None when it is not a full
    document."""
    body = BODY_OPEN.search(html)
    if body is None:
        return None
    html = html[: body.end()] + toolbar + html[body.end() :]
    head = HEAD_CLOSE.search(html)
    if head is not None:
        html = html[: head.start()] + style + html[head.start() :]
    return html


class PreviewView(ReportsView):
    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        year_or_404(year)
        kind = chosen_kind(request)
        data = document.gather(year)
        html = document.render_html(data, template=TEMPLATES[kind], preview=True)
        context = {
            "year": year,
            "kind": kind,
            "kinds": ReportRun.Kind,
            "can_request": request.user.has_perm("reporting.request_report"),
            "can_write": request.user.has_perm("reporting.write_report"),
        }
        page = with_toolbar(
            html,
            render_to_string("reporting/includes/preview_toolbar.html", context, request=request),
            render_to_string("reporting/includes/preview_toolbar_style.html"),
        )
        if page is None:
            response = render(
                request,
                "reporting/pages/preview.html",
                {**context, "document_html": mark_safe(html), "title": data.title},  # noqa: S308
            )
        else:
            response = HttpResponse(page)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response


class FiguresCsvView(ReportsView):
    """Every figure of the year, one a line, for the branche's own dashboards."""

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        year_or_404(year)
        response = HttpResponse(
            document.figures_csv(document.gather(year)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition(f"caflab-chiffres-{year}.csv")
        response["Cache-Control"] = "private, no-store"
        return response
