"""The pages of /rapports/: the CafLab team's only (anonymous visitors to the login page, every
other role a 403); asking for a build (a second request joins the one under way), the progress
block that htmx polls and that stops polling once the build ends, « Relancer » for a failed
build only, the PDF, the preview and the CSV of a year, what the team writes for a year (édito,
temps forts with their pictures and descriptions, team, external indicators), the home panel,
and query counts that do not grow with the builds."""

from __future__ import annotations

import html
import re
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from reporting import services
from reporting.models import Edito, ExternalIndicator, Highlight, ReportRun, TeamMember

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n% rapport de test\n%%EOF\n"
THIS_YEAR = timezone.localdate().year
ROLES = ["agent", "partner", "referent"]


# Builds and pictures, shared with test_api.py and test_admin.py --------------------------------
def make_run(*, status: str = ReportRun.Status.DONE, year: int = 2025, kind: str = "complet",
             by=None, **fields) -> ReportRun:  # fmt: skip
    """A build in the given state; a finished one has its PDF and its provenance."""
    run = ReportRun(year=year, kind=kind, status=status, requested_by=by, **fields)
    if status == ReportRun.Status.DONE:
        run.progress, run.step = 100, "Terminé"
        run.pages, run.size = 3, len(FAKE_PDF)
        run.data_hash, run.template_version = "9f2c1e7b0d4a" + "0" * 52, "2025.1"
        run.gather_seconds, run.render_seconds = 1.2, 3.5
        run.started_at = run.finished_at = timezone.now()
        run.attempts = 1
        run.steps = [
            {"label": "Collecte des données", "at": "2026-01-12T09:30:01+00:00"},
            {"label": "Terminé", "at": "2026-01-12T09:30:14+00:00"},
        ]
        run.pdf.save(run.filename, ContentFile(FAKE_PDF), save=False)
    elif status == ReportRun.Status.FAILED:
        run.error = "La génération a échoué (OSError) : police introuvable"
        run.attempts = 1
        run.step = "Mise en page : page 4"
    elif status == ReportRun.Status.RUNNING:
        run.progress, run.step = 62, "Mise en page : page 12"
        run.steps = [
            {"label": "Collecte des données", "at": "2026-01-12T09:30:01+00:00"},
            {"label": "Mise en page : page 12", "at": "2026-01-12T09:30:09+00:00"},
        ]
    run.save()
    return run


def png(name: str = "atelier.png", size: tuple[int, int] = (8, 6)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, (18, 63, 122)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# Helpers ---------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, **kwargs) -> str:
    return reverse(f"reporting:{name}", kwargs=kwargs)


def body(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page's visible words, without markup, spaces collapsed."""
    words = html.unescape(re.sub(r"<[^>]+>", " ", body(response)))
    return re.sub(r"\s+", " ", words)


def htmx(client: Client, address: str, **kwargs):
    return client.get(address, HTTP_HX_REQUEST="true", **kwargs)


@pytest.fixture
def world(staff):
    """A finished build, a failed one, a running one; a year's texts with one picture."""
    done = make_run(by=staff)
    failed = make_run(status=ReportRun.Status.FAILED, kind="chiffres", by=staff)
    running = make_run(status=ReportRun.Status.RUNNING, year=2024, by=staff)
    highlight = Highlight(year=2025, month=3, title="Ouverture du living lab de Grenoble")
    highlight.image.save("atelier.png", png(), save=False)
    highlight.image_alt = "Des habitants autour d'une table d'atelier"
    highlight.save()
    member = TeamMember(year=2025, name="Karine Richard", role="Responsable")
    member.photo.save("karine.png", png(), save=False)
    member.save()
    return {
        "done": done,
        "failed": failed,
        "running": running,
        "highlight": highlight,
        "member": member,
    }


def every_page(world) -> list[tuple[str, str]]:
    """(method, address) of every page and action of /rapports/."""
    done, failed = world["done"], world["failed"]
    highlight, member = world["highlight"], world["member"]
    return [
        ("get", url("report-list")),
        ("post", url("report-list")),
        ("get", url("run-detail", pk=done.pk)),
        ("get", url("run-progress", pk=done.pk)),
        ("get", url("run-download", pk=done.pk)),
        ("post", url("run-retry", pk=failed.pk)),
        ("get", url("preview", year=2025)),
        ("get", url("figures-csv", year=2025)),
        ("get", url("content", year=2025)),
        ("post", url("edito-save", year=2025)),
        ("post", url("highlight-create", year=2025)),
        ("get", url("highlight-edit", year=2025, pk=highlight.pk)),
        ("post", url("highlight-delete", year=2025, pk=highlight.pk)),
        ("post", url("member-create", year=2025)),
        ("get", url("member-edit", year=2025, pk=member.pk)),
        ("post", url("member-delete", year=2025, pk=member.pk)),
        ("post", url("indicators-save", year=2025)),
        ("get", url("highlight-image", pk=highlight.pk)),
        ("get", url("member-photo", pk=member.pk)),
    ]


# Who may come ----------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    for method, address in every_page(world):
        response = getattr(client, method)(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("account_login")), address
    assert ReportRun.objects.count() == 3
    assert Highlight.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_other_roles_get_a_403_everywhere(request, world, role):
    client = logged(request.getfixturevalue(role))
    for method, address in every_page(world):
        assert getattr(client, method)(address).status_code == 403, address
    assert ReportRun.objects.count() == 3
    assert ReportRun.objects.get(pk=world["failed"].pk).status == ReportRun.Status.FAILED
    assert Highlight.objects.count() == 1
    assert TeamMember.objects.count() == 1


def test_the_team_reaches_every_page(staff, world):
    client = logged(staff)
    for method, address in every_page(world):
        if method == "get":  # as htmx asks: the progress block answers htmx only
            assert htmx(client, address).status_code == 200, address


def test_the_navigation_shows_the_reports_to_logged_in_users(client, staff):
    client.force_login(staff)
    page = body(client.get("/"))
    assert f'href="{url("report-list")}"' in page


def test_every_page_has_one_h1_and_its_own_title(staff, world):
    client = logged(staff)
    titles = set()
    for name, kwargs in [
        ("report-list", {}),
        ("run-detail", {"pk": world["done"].pk}),
        ("content", {"year": 2025}),
        ("highlight-edit", {"year": 2025, "pk": world["highlight"].pk}),
        ("member-edit", {"year": 2025, "pk": world["member"].pk}),
    ]:
        page = body(client.get(url(name, **kwargs)))
        assert page.count("<h1") == 1, name
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        assert title.endswith("— Portail CafLab"), name
        titles.add(title)
    assert len(titles) == 5


# The list --------------------------------------------------------------------------------------
def test_the_list_shows_every_year_and_the_last_build_of_each_document(staff, world):
    old_done = make_run(by=staff, year=2023)
    make_run(status=ReportRun.Status.FAILED, year=2023, by=staff)  # after the finished one
    response = logged(staff).get(url("report-list"))
    page, words = body(response), text(response)
    for year in range(2020, THIS_YEAR + 1):
        assert f'id="annee-{year}"' in page
    assert "Jamais généré" in words
    # 2025: the full report is done, the key figures failed
    assert url("run-download", pk=world["done"].pk) in page
    # 2023: the last build failed, the PDF of the one before stays downloadable
    assert url("run-download", pk=old_done.pk) in page
    assert words.count("Échec") >= 2
    assert url("preview", year=2025) in page
    assert url("figures-csv", year=2025) in page
    assert url("content", year=2025) in page


def test_the_history_shows_each_build_with_its_provenance(staff, world):
    response = logged(staff).get(url("report-list"))
    words = text(response)
    assert staff.get_full_name() in words
    assert "1,2 s + 3,5 s" in words  # gather + render
    assert "9f2c1e7b0d4a" in words  # the short fingerprint
    assert "2025.1" in words
    assert "62 %" in words  # the running build's progress
    page = body(response)
    assert page.count(f'action="{url("run-retry", pk=world["failed"].pk)}"') == 1
    assert f'action="{url("run-retry", pk=world["done"].pk)}"' not in page


def test_the_history_is_paginated(staff):
    for _ in range(23):
        make_run(status=ReportRun.Status.FAILED, by=staff)
    client = logged(staff)
    assert "23 générations" in text(client.get(url("report-list")))
    second = text(client.get(url("report-list"), {"page": 2}))
    assert "Page 2 sur 2" in second


@pytest.mark.parametrize("n", [1, 25])
def test_the_list_queries_do_not_grow_with_the_builds(staff, n, django_assert_num_queries):
    for index in range(n):
        make_run(by=staff, year=2020 + index % 6, kind=("complet", "chiffres")[index % 2])
        make_run(status=ReportRun.Status.FAILED, by=staff, year=2020 + index % 6)
    client = logged(staff)
    # session, user, the last builds of each year and document, the history's count and page
    with django_assert_num_queries(5):
        assert client.get(url("report-list")).status_code == 200


# Asking for a build ----------------------------------------------------------------------------
def test_asking_for_a_build_creates_one_and_opens_its_page(staff):
    response = logged(staff).post(url("report-list"), {"year": "2025", "kind": "complet"})
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("run-detail", pk=run.pk)
    assert (run.year, run.kind, run.status) == (2025, "complet", ReportRun.Status.QUEUED)
    assert run.requested_by == staff


def test_a_second_request_for_the_same_document_joins_the_build_under_way(staff, referent):
    client = logged(staff)
    client.post(url("report-list"), {"year": "2025", "kind": "complet"})
    response = client.post(url("report-list"), {"year": "2025", "kind": "complet"}, follow=True)
    run = ReportRun.objects.get()
    assert response.redirect_chain[-1][0] == url("run-detail", pk=run.pk)
    assert "déjà en cours" in text(response)
    client.post(url("report-list"), {"year": "2025", "kind": "chiffres"})
    assert ReportRun.objects.count() == 2


def test_the_start_of_a_build_is_said(staff):
    response = logged(staff).post(
        url("report-list"), {"year": "2024", "kind": "chiffres"}, follow=True
    )
    assert "La génération du document « Les chiffres clés (une page) » 2024 est demandée" in text(
        response
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"year": "2019", "kind": "complet"}, "year"),
        ({"year": str(THIS_YEAR + 1), "kind": "complet"}, "year"),
        ({"year": "deux-mille", "kind": "complet"}, "year"),
        ({"year": "2025", "kind": "roman"}, "kind"),
        ({}, "year"),
    ],
)
def test_a_refused_request_comes_back_with_its_error_and_its_values(staff, data, field):
    response = logged(staff).post(url("report-list"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert "Erreur — " in body(response)
    assert not ReportRun.objects.exists()


def test_a_refusal_of_the_service_is_a_message_not_an_error_page(staff, monkeypatch):
    def refuse(**kwargs):
        raise services.ReportError("Le rapport de cette année est verrouillé.")

    monkeypatch.setattr(services, "request_run", refuse)
    response = logged(staff).post(url("report-list"), {"year": "2023", "kind": "complet"})
    assert response.status_code == 400
    assert "Le rapport de cette année est verrouillé." in text(response)
    assert 'value="2023" selected' in body(response)


# A build's page and its progress ---------------------------------------------------------------
def test_a_running_build_polls_its_progress(staff, world):
    running = world["running"]
    response = logged(staff).get(url("run-detail", pk=running.pk))
    page, words = body(response), text(response)
    progress_url = url("run-progress", pk=running.pk)
    assert f'hx-get="{progress_url}?vu=62"' in page
    assert 'hx-trigger="every 2s"' in page
    assert '<progress id="barre-avancement" max="100" value="62">' in page
    assert '<label for="barre-avancement">Mise en page : page 12</label>' in page
    assert "62 % effectués" in words
    assert 'aria-live="polite"' in page
    # Without JavaScript: the status and a link to refresh the page
    assert "En cours" in words
    assert f'<a href="{url("run-detail", pk=running.pk)}">Actualiser la page</a>' in page
    assert "Collecte des données" in words


def test_the_progress_fragment_tells_the_step_and_the_steps_done(staff, world):
    running = world["running"]
    response = htmx(logged(staff), url("run-progress", pk=running.pk), data={"vu": "62"})
    fragment = body(response)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<section id="avancement"')
    assert 'hx-trigger="every 2s"' in fragment
    assert 'value="62"' in fragment
    assert "Mise en page : page 12" in fragment
    assert '<time datetime="2026-01-12T10:30:01+01:00">10:30:01</time>' in fragment
    assert response["Cache-Control"] == "no-store"
    assert "hx-swap-oob" not in fragment  # nothing new to announce since 62 %


def test_the_fragment_announces_each_quarter_of_the_progress(staff, world):
    running = world["running"]
    fragment = body(htmx(logged(staff), url("run-progress", pk=running.pk), data={"vu": "40"}))
    assert '<span id="annonce-avancement" hx-swap-oob="innerHTML">' in fragment
    assert "Génération en cours : 62 %. Mise en page : page 12" in fragment


def test_the_polling_stops_when_the_build_is_done(staff, world):
    done = world["done"]
    response = htmx(logged(staff), url("run-progress", pk=done.pk), data={"vu": "97"})
    fragment = body(response)
    assert "hx-trigger" not in fragment
    assert "hx-get" not in fragment
    assert url("run-download", pk=done.pk) in fragment
    assert "Génération terminée : le PDF est prêt à télécharger." in fragment
    words = text(response)
    assert "Terminé" in words
    assert "Pages 3" in words
    assert "caflab-rapport-activite-2025.pdf" in words
    assert "1,2 s" in words
    assert "3,5 s" in words


def test_the_polling_stops_when_the_build_fails_and_tells_why(staff, world):
    failed = world["failed"]
    response = htmx(logged(staff), url("run-progress", pk=failed.pk), data={"vu": "50"})
    fragment = body(response)
    assert "hx-trigger" not in fragment
    assert "police introuvable" in text(response)
    assert f'action="{url("run-retry", pk=failed.pk)}"' in fragment
    assert "La génération a échoué." in fragment


def test_the_progress_address_without_htmx_is_the_build_page(staff, world):
    response = logged(staff).get(url("run-progress", pk=world["done"].pk))
    assert response.status_code == 302
    assert response["Location"] == url("run-detail", pk=world["done"].pk)


def test_a_finished_build_page_offers_the_pdf(staff, world):
    done = world["done"]
    response = logged(staff).get(url("run-detail", pk=done.pk))
    page = body(response)
    assert "hx-trigger" not in page
    assert f'href="{url("run-download", pk=done.pk)}"' in page
    assert done.data_hash in page


def test_a_failed_build_page_tells_why_and_offers_to_retry(staff, world):
    failed = world["failed"]
    words = text(logged(staff).get(url("run-detail", pk=failed.pk)))
    assert "La génération a échoué (OSError) : police introuvable" in words
    assert "Relancer" in words


def test_an_unknown_build_is_a_404(staff):
    client = logged(staff)
    assert client.get(url("run-detail", pk=999)).status_code == 404
    assert htmx(client, url("run-progress", pk=999)).status_code == 404
    assert client.get(url("run-download", pk=999)).status_code == 404
    assert client.post(url("run-retry", pk=999)).status_code == 404


# Retry -----------------------------------------------------------------------------------------
def test_a_failed_build_is_retried_in_the_same_row(staff, world):
    failed = world["failed"]
    response = logged(staff).post(url("run-retry", pk=failed.pk), follow=True)
    failed.refresh_from_db()
    assert failed.status == ReportRun.Status.QUEUED
    assert failed.error == ""
    assert "La génération est relancée." in text(response)
    assert ReportRun.objects.count() == 3


@pytest.mark.parametrize("which", ["done", "running"])
def test_only_a_failed_build_can_be_retried(staff, world, which):
    run = world[which]
    before = (run.status, run.progress)
    response = logged(staff).post(url("run-retry", pk=run.pk), follow=True)
    run.refresh_from_db()
    assert (run.status, run.progress) == before
    assert "Seule une génération en échec peut être relancée." in text(response)


def test_retry_goes_back_to_the_list_it_came_from(staff, world):
    failed = world["failed"]
    back = url("report-list") + "?page=1"
    response = logged(staff).post(url("run-retry", pk=failed.pk), {"next": back})
    assert response["Location"] == back
    elsewhere = logged(staff).post(
        url("run-retry", pk=failed.pk), {"next": "https://ailleurs.example/"}
    )
    assert elsewhere["Location"] == url("run-detail", pk=failed.pk)


# The PDF ---------------------------------------------------------------------------------------
def test_the_pdf_is_downloaded_with_its_name(staff, world):
    response = logged(staff).get(url("run-download", pk=world["done"].pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="caflab-rapport-activite-2025.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_build_without_pdf_has_nothing_to_download(staff, world):
    client = logged(staff)
    assert client.get(url("run-download", pk=world["running"].pk)).status_code == 404
    assert client.get(url("run-download", pk=world["failed"].pk)).status_code == 404


def test_a_pdf_whose_file_is_gone_is_a_404(staff, world):
    done = world["done"]
    done.pdf.storage.delete(done.pdf.name)
    assert logged(staff).get(url("run-download", pk=done.pk)).status_code == 404


# Preview and figures ---------------------------------------------------------------------------
def test_the_preview_is_the_document_with_a_staff_toolbar(staff):
    Edito.objects.create(
        year=2025, author="Nicolas Grivel", author_title="Directeur général", text="Une année."
    )
    response = logged(staff).get(url("preview", year=2025))
    page = body(response)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert page.count("<body") == 1
    toolbar = page.index('class="rpt-barre-apercu"')
    assert page.index("<body") < toolbar < page.index("Nicolas Grivel")
    assert 'aria-label="Aperçu du rapport"' in page
    assert url("figures-csv", year=2025) in page
    assert url("content", year=2025) in page
    assert (
        '<link rel="stylesheet" href="/static/reporting/apercu.css">'
        in page[: page.index("</head>")]
    )
    assert "<title>Rapport d'activité 2025 du CafLab</title>" in html.unescape(page)


def test_the_preview_of_the_key_figures_page(staff):
    response = logged(staff).get(url("preview", year=2025), {"document": "chiffres"})
    page = body(response)
    assert response.status_code == 200
    assert "2025 en chiffres" in page
    assert f'href="{url("preview", year=2025)}"' in page  # back to the full report
    assert 'name="kind" value="chiffres"' in page  # « Générer le PDF » of this document


def test_the_preview_toolbar_asks_for_the_build_it_shows(staff):
    page = body(logged(staff).get(url("preview", year=2024)))
    form = page[page.index('class="rpt-barre-apercu"') :]
    assert f'action="{url("report-list")}"' in form
    assert 'name="year" value="2024"' in form
    assert 'name="kind" value="complet"' in form


def test_a_document_template_giving_a_fragment_is_shown_in_a_portal_page(staff, monkeypatch):
    from reporting import document

    monkeypatch.setattr(
        document, "render_html", lambda data, **kwargs: "<section><h2>Chiffres</h2></section>"
    )
    response = logged(staff).get(url("preview", year=2025))
    page = body(response)
    assert "portail.css" in page
    assert page.count("<h1") == 1
    assert "<section><h2>Chiffres</h2></section>" in page


@pytest.mark.parametrize("year", [2019, THIS_YEAR + 1, 2100])
def test_a_year_out_of_the_report_range_is_a_404(staff, year):
    client = logged(staff)
    assert client.get(url("preview", year=year)).status_code == 404
    assert client.get(url("figures-csv", year=year)).status_code == 404
    assert client.get(url("content", year=year)).status_code == 404
    assert client.post(url("edito-save", year=year)).status_code == 404


def test_the_figures_are_a_csv_download(staff):
    ExternalIndicator.objects.create(
        year=2025, key="linkedin_followers", value=3560, source="LinkedIn, 31/12/2025"
    )
    response = logged(staff).get(url("figures-csv", year=2025))
    content = response.content.decode("utf-8")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="caflab-chiffres-2025.csv"' in response["Content-Disposition"]
    assert content.startswith("\ufeffannée;partie;section;indicateur;libellé;valeur;unité")
    assert "linkedin_followers;Abonnés à la page LinkedIn du CafLab;3560" in content


# What the team writes --------------------------------------------------------------------------
def test_the_content_page_shows_the_year_and_its_forms(staff, world):
    response = logged(staff).get(url("content", year=2025))
    page, words = body(response), text(response)
    assert "Textes et indicateurs du rapport 2025" in words
    for anchor in ("edito", "temps-forts", "equipe", "indicateurs"):
        assert f'id="{anchor}"' in page
    assert "Ouverture du living lab de Grenoble" in words
    assert (
        f'src="{url("highlight-image", pk=world["highlight"].pk)}" '
        'alt="Des habitants autour d&#x27;une table d&#x27;atelier"' in page
    )
    assert "Karine Richard" in words
    for key, label in ExternalIndicator.Key.choices:
        assert f'name="{key}_value"' in page
        assert html.escape(str(label)) in page
    assert 'aria-current="page">2025<' in page


def test_the_edito_is_written_then_changed(staff):
    client = logged(staff)
    data = {
        "author": "Nicolas Grivel",
        "author_title": "Directeur général de la Cnaf",
        "title": "Innover avec les familles",
        "text": "Une année de coopérations.",
    }
    response = client.post(url("edito-save", year=2025), data)
    assert response["Location"] == url("content", year=2025) + "#edito"
    client.post(url("edito-save", year=2025), {**data, "text": "Une année riche."})
    edito = Edito.objects.get()
    assert (edito.year, edito.author, edito.text) == (2025, "Nicolas Grivel", "Une année riche.")
    assert "L'édito 2025 est enregistré." in text(client.get(url("content", year=2025)))


def test_a_refused_edito_keeps_what_was_typed(staff):
    response = logged(staff).post(
        url("edito-save", year=2025), {"author": "Nicolas Grivel", "title": "Mon titre"}
    )
    assert response.status_code == 400
    page = body(response)
    assert 'value="Nicolas Grivel"' in page
    assert 'value="Mon titre"' in page
    assert "Erreur — " in page
    assert 'id="erreurs-edito"' in page
    assert not Edito.objects.exists()


def test_a_highlight_with_its_picture_and_its_description(staff):
    response = logged(staff).post(
        url("highlight-create", year=2025),
        {
            "month": "6",
            "title": "Les Trophées de l'innovation",
            "text": "Douze projets primés.",
            "image": png("trophees.png"),
            "image_alt": "Les lauréats sur scène",
            "position": "0",
        },
    )
    highlight = Highlight.objects.get()
    assert response["Location"] == url("content", year=2025) + "#mois-6"
    assert (highlight.year, highlight.month) == (2025, 6)
    assert highlight.image.name.startswith("rapports/temps-forts/")
    picture = logged(staff).get(url("highlight-image", pk=highlight.pk))
    assert picture["Content-Type"] == "image/png"
    assert b"".join(picture.streaming_content).startswith(b"\x89PNG")


def test_a_picture_without_its_description_is_refused_and_the_values_kept(staff):
    response = logged(staff).post(
        url("highlight-create", year=2025),
        {
            "month": "6",
            "title": "Les Trophées de l'innovation",
            "image": png(),
            "image_alt": "  ",
            "position": "0",
        },
    )
    assert response.status_code == 400
    form = response.context["highlight_form"]
    assert "Décrivez l'image" in form.errors["image_alt"][0]
    page = body(response)
    assert 'value="Les Trophées de l&#x27;innovation"' in page
    assert '<option value="6" selected>Juin</option>' in page
    assert 'id="erreurs-temps-fort"' in page
    assert not Highlight.objects.exists()


def test_a_file_that_is_not_a_picture_is_refused(staff):
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 pas une image", content_type="image/png")
    response = logged(staff).post(
        url("highlight-create", year=2025),
        {"month": "2", "title": "Un temps fort", "image": fake, "image_alt": "Un texte"},
    )
    assert response.status_code == 400
    assert response.context["highlight_form"].errors["image"]
    assert not Highlight.objects.exists()


def test_a_highlight_is_changed_its_picture_cleared_then_deleted(staff, world):
    highlight = world["highlight"]
    old_name = highlight.image.name
    storage = highlight.image.storage
    client = logged(staff)
    edit = client.get(url("highlight-edit", year=2025, pk=highlight.pk))
    assert 'value="Ouverture du living lab de Grenoble"' in body(edit)
    response = client.post(
        url("highlight-edit", year=2025, pk=highlight.pk),
        {"month": "4", "title": "Le living lab de Grenoble", "image-clear": "on", "position": "1"},
    )
    highlight.refresh_from_db()
    assert response["Location"] == url("content", year=2025) + "#mois-4"
    assert (highlight.month, highlight.title, highlight.image.name) == (
        4,
        "Le living lab de Grenoble",
        "",
    )
    assert highlight.image_alt == ""
    # the old picture goes once the change is committed (never in this test's transaction)
    assert storage.exists(old_name)
    response = client.post(url("highlight-delete", year=2025, pk=highlight.pk), follow=True)
    assert not Highlight.objects.exists()
    assert "Le temps fort « Le living lab de Grenoble » est supprimé." in text(response)


def test_a_refused_change_of_a_highlight_keeps_the_values(staff, world):
    highlight = world["highlight"]
    response = logged(staff).post(
        url("highlight-edit", year=2025, pk=highlight.pk),
        {"month": "13", "title": "Nouveau titre", "image_alt": highlight.image_alt},
    )
    assert response.status_code == 400
    assert 'value="Nouveau titre"' in body(response)
    highlight.refresh_from_db()
    assert highlight.title == "Ouverture du living lab de Grenoble"


def test_a_highlight_of_another_year_is_not_found_under_this_one(staff, world):
    highlight = world["highlight"]
    client = logged(staff)
    assert client.get(url("highlight-edit", year=2024, pk=highlight.pk)).status_code == 404
    assert client.post(url("highlight-delete", year=2024, pk=highlight.pk)).status_code == 404
    assert Highlight.objects.filter(pk=highlight.pk).exists()


def test_the_team_is_written_changed_and_a_member_removed(staff):
    client = logged(staff)
    response = client.post(
        url("member-create", year=2025),
        {
            "name": "Luc Martin",
            "role": "Designer de services",
            "pole": "Facilitation",
            "photo": png("luc.png"),
            "position": "2",
        },
    )
    member = TeamMember.objects.get()
    assert response["Location"] == url("content", year=2025) + "#equipe"
    assert (member.year, member.pole) == (2025, "Facilitation")
    assert client.get(url("member-photo", pk=member.pk))["Content-Type"] == "image/png"
    client.post(
        url("member-edit", year=2025, pk=member.pk),
        {"name": "Luc Martin", "role": "Designer", "pole": "", "position": "0"},
    )
    member.refresh_from_db()
    assert (member.role, member.pole) == ("Designer", "")
    assert member.photo  # kept, not cleared
    client.post(url("member-delete", year=2025, pk=member.pk))
    assert not TeamMember.objects.exists()


def test_a_refused_member_keeps_the_values(staff):
    response = logged(staff).post(
        url("member-create", year=2025), {"name": "Luc Martin", "role": "", "pole": "Projets"}
    )
    assert response.status_code == 400
    page = body(response)
    assert 'value="Luc Martin"' in page
    assert 'value="Projets"' in page
    assert not TeamMember.objects.exists()


def test_the_external_indicators_are_set_changed_and_cleared(staff):
    client = logged(staff)
    data = {f"{key}_value": "" for key in ExternalIndicator.Key.values}
    data.update(
        {
            "linkedin_followers_value": "3560",
            "linkedin_followers_source": "LinkedIn, 31/12/2025",
            "site_visits_value": "48210",
        }
    )
    response = client.post(url("indicators-save", year=2025), data)
    assert response["Location"] == url("content", year=2025) + "#indicateurs"
    assert dict(ExternalIndicator.objects.values_list("key", "value")) == {
        "linkedin_followers": 3560,
        "site_visits": 48210,
    }
    page = body(client.get(url("content", year=2025)))
    assert 'value="3560"' in page
    assert 'value="LinkedIn, 31/12/2025"' in page
    data.update({"linkedin_followers_value": "3600", "site_visits_value": ""})
    client.post(url("indicators-save", year=2025), data)
    indicator = ExternalIndicator.objects.get()
    assert (indicator.key, indicator.value, indicator.source) == (
        "linkedin_followers",
        3600,
        "LinkedIn, 31/12/2025",
    )
    assert not ExternalIndicator.objects.filter(year=2024).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"newsletters_value": "-4"}, "newsletters_value"),
        ({"newsletters_value": "beaucoup"}, "newsletters_value"),
        ({"newsletters_source": "Sendinblue"}, "newsletters_value"),
    ],
)
def test_refused_indicators_keep_every_value_and_save_nothing(staff, data, field):
    posted = {"linkedin_followers_value": "3560", **data}
    response = logged(staff).post(url("indicators-save", year=2025), posted)
    assert response.status_code == 400
    form = response.context["indicators_form"]
    assert form.errors[field]
    page = body(response)
    assert 'value="3560"' in page
    assert "Lettres d&#x27;information envoyées — Valeur" in page  # the error, named
    assert not ExternalIndicator.objects.exists()


# The home panel --------------------------------------------------------------------------------
def test_the_team_sees_the_last_build_on_its_home_page(staff, world):
    words = text(logged(staff).get("/"))
    assert "Rapport d'activité" in words
    assert "Dernière génération : Rapport d'activité complet 2024" in words  # the latest asked


def test_the_home_panel_is_the_team_s_only(agent):
    assert "Dernière génération" not in text(logged(agent).get("/"))
