"""The annual report: the CafLab team's only — its builds and their PDFs, a year's preview and
figures, what the team writes for a year (édito, highlights, team, external indicators), the
pictures of the report, and the API `reporting-*`. Everyone else: the login page (signed out),
a 403 (signed in), and not a word of the report's texts."""

from tests.security.matrix import (
    FORBIDDEN,
    NOT_FOUND,
    OK,
    REDIRECT,
    UNAUTHORIZED,
    Role,
    Route,
    only,
)

YEAR = 2025  # the year of the demo data's report
NO_SUCH_RUN = 999_999  # the demo data has no build of the report
NOT_STAFF = tuple(role for role in Role if role is not Role.STAFF)


def team(status=OK):
    return only([Role.STAFF], status=status, others=FORBIDDEN, anonymous=REDIRECT)


def api(status=OK):
    return only([Role.STAFF], status=status, others=FORBIDDEN, anonymous=UNAUTHORIZED)


def highlight(w):
    from reporting.models import Highlight

    return w.get(
        "reporting.highlight",
        lambda: (
            Highlight.objects.filter(year=YEAR).exclude(image="").order_by("pk").first()
            or Highlight.objects.filter(year=YEAR).order_by("pk").first()
        ),
    )


def member(w):
    from reporting.models import TeamMember

    return w.get(
        "reporting.member",
        lambda: (
            TeamMember.objects.filter(year=YEAR).exclude(photo="").order_by("pk").first()
            or TeamMember.objects.filter(year=YEAR).order_by("pk").first()
        ),
    )


def year(w, **kwargs):
    return {"year": YEAR, **kwargs}


def hide_texts(w):
    """The édito and a highlight, written for the report: the team's until it is out."""
    from reporting.models import Edito

    edito = Edito.objects.filter(year=YEAR).first()
    texts = [highlight(w).title]
    if edito is not None:
        texts.append(edito.text.strip()[:60])
    return dict.fromkeys(NOT_STAFF, texts)


def run(w):
    return {"pk": NO_SUCH_RUN}


ROUTES = [
    Route("reporting:report-list", team()),
    Route("reporting:report-list", team(400), method="post", id="POST reporting:report-list"),
    # A build that does not exist: the team learns it (404), the others not even that (403).
    Route("reporting:run-detail", team(NOT_FOUND), kwargs=run),
    # Outside htmx's polling, the progress block sends the team to the build's page.
    Route("reporting:run-progress", team(REDIRECT), kwargs=run),
    Route("reporting:run-download", team(NOT_FOUND), kwargs=run),
    Route("reporting:run-retry", team(NOT_FOUND), method="post", kwargs=run),
    Route("reporting:preview", team(), kwargs=year, hidden=hide_texts),
    Route("reporting:figures-csv", team(), kwargs=year),
    Route("reporting:content", team(), kwargs=year, hidden=hide_texts),
    # A year the report does not cover: the login page first, then the right, then the 404.
    Route(
        "reporting:content",
        team(NOT_FOUND),
        id="GET reporting:content (a year out of range)",
        kwargs=lambda w: {"year": 1999},
    ),
    Route(
        "reporting:preview",
        team(NOT_FOUND),
        id="GET reporting:preview (a year out of range)",
        kwargs=lambda w: {"year": 1999},
    ),
    Route("reporting:edito-save", team(400), method="post", kwargs=year),
    Route("reporting:highlight-create", team(400), method="post", kwargs=year),
    Route(
        "reporting:highlight-edit",
        team(),
        kwargs=lambda w: year(w, pk=highlight(w).pk),
        hidden=hide_texts,
    ),
    Route(
        "reporting:highlight-edit",
        team(400),
        method="post",
        id="POST reporting:highlight-edit",
        kwargs=lambda w: year(w, pk=highlight(w).pk),
    ),
    Route(
        "reporting:highlight-delete",
        team(REDIRECT),
        method="post",
        kwargs=lambda w: year(w, pk=highlight(w).pk),
    ),
    Route("reporting:member-create", team(400), method="post", kwargs=year),
    Route("reporting:member-edit", team(), kwargs=lambda w: year(w, pk=member(w).pk)),
    Route(
        "reporting:member-edit",
        team(400),
        method="post",
        id="POST reporting:member-edit",
        kwargs=lambda w: year(w, pk=member(w).pk),
    ),
    Route(
        "reporting:member-delete",
        team(REDIRECT),
        method="post",
        kwargs=lambda w: year(w, pk=member(w).pk),
    ),
    # Every external indicator is optional: an empty form saves (and clears) them.
    Route("reporting:indicators-save", team(REDIRECT), method="post", kwargs=year),
    # The demo's highlights and team have no picture: a 404 for the team, a 403 for the rest.
    Route("reporting:highlight-image", team(NOT_FOUND), kwargs=lambda w: {"pk": highlight(w).pk}),
    Route("reporting:member-photo", team(NOT_FOUND), kwargs=lambda w: {"pk": member(w).pk}),
    # The API
    Route("reporting-run-list", api(), api=True),
    Route("reporting-run-list", api(400), api=True, method="post", id="POST reporting-run-list"),
    Route("reporting-run-detail", api(NOT_FOUND), api=True, kwargs=run),
    Route("reporting-run-pdf", api(NOT_FOUND), api=True, kwargs=run),
]
