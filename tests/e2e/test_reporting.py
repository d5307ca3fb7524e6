"""The annual report in Chromium: the CafLab team asks for the 2025 report on /rapports/, follows
its build to « Terminé » and downloads the PDF; the progress page follows a running build by
itself (htmx) and stops once it ends; the team writes the year's édito and reads the preview.
axe runs on every page reached.

Celery is eager in the live server: the build runs inside the request that asks for it."""

import re

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from caflab.demo import STAFF_EMAIL
from caflab.models import User
from caflab.seeding import SeedContext, seed_all
from reporting.models import Edito, ReportRun
from tests.e2e.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUILD_TIMEOUT = 180_000  # ms: the whole report laid out by WeasyPrint inside the request


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def team():
    seed_all(SeedContext(log=lambda _message: None), only={"caflab"})
    Edito.objects.create(
        year=2025,
        author="Nicolas Grivel",
        author_title="Directeur général de la Cnaf",
        text="Une année de coopérations avec les Caf et leurs partenaires.",
    )
    return User.objects.get(email=STAFF_EMAIL)


def test_the_team_asks_for_the_report_and_downloads_it(page, team):
    login(page, STAFF_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    page.goto("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Rapports"
    ).click()
    expect(page.locator("h1")).to_have_text("Le rapport d'activité")
    assert "Jamais généré" in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("combobox", name="Année").select_option("2025")
    page.get_by_label("Rapport d'activité complet").check()
    page.get_by_role("button", name="Lancer la génération").click()
    page.wait_for_url(re.compile(r"/rapports/generations/\d+/$"), timeout=BUILD_TIMEOUT)

    expect(page.locator("h1")).to_have_text("Rapport d'activité complet 2025")
    progress = page.locator("#avancement")
    expect(progress).to_contain_text("Terminé", timeout=BUILD_TIMEOUT)
    expect(progress).not_to_have_attribute("hx-trigger", re.compile("every"))
    assert "La génération du document « Rapport d'activité complet » 2025 est demandée" in (
        page.locator(".messages").inner_text()
    )
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Télécharger le PDF")).click()
    download = download_info.value
    assert download.suggested_filename == "caflab-rapport-activite-2025.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    run = ReportRun.objects.get()
    assert (run.status, run.progress, run.requested_by) == (ReportRun.Status.DONE, 100, team)

    # Back on the list: the year's PDF, and the build in the history.
    page.get_by_role("link", name="Retour aux rapports").click()
    expect(page.get_by_role("link", name=re.compile("Dernière génération le"))).to_have_count(1)
    assert "Terminé" in page.locator("table").inner_text()
    assert_accessible(page)


def test_the_progress_page_follows_a_running_build_until_it_ends(page, team):
    run = ReportRun.objects.create(
        year=2025,
        kind=ReportRun.Kind.KEY_FIGURES,
        status=ReportRun.Status.RUNNING,
        progress=40,
        step="Collecte des données : projects",
        steps=[{"label": "Collecte des données", "at": timezone.now().isoformat()}],
        requested_by=team,
    )
    login(page, STAFF_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    page.goto(run.get_absolute_url())
    progress = page.locator("#avancement")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "40")
    expect(progress).to_have_attribute("hx-trigger", "every 2s")
    expect(page.get_by_role("link", name="Actualiser la page")).to_be_visible()
    assert_accessible(page)

    # The worker moves on: the page follows, and tells screen readers at each quarter.
    ReportRun.objects.filter(pk=run.pk).update(progress=80, step="Mise en page : page 1")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "80", timeout=10_000)
    expect(page.locator("#annonce-avancement")).to_contain_text("80 %")

    # It ends: the result replaces the progress, and the polling stops.
    pdf = ContentFile(b"%PDF-1.7\n% chiffres\n%%EOF\n")
    run.refresh_from_db()
    run.pdf.save(run.filename, pdf, save=False)
    run.status, run.progress, run.step, run.pages, run.size = "termine", 100, "Terminé", 1, 26
    run.gather_seconds, run.render_seconds = 0.8, 1.1
    run.finished_at = timezone.now()
    run.save()
    expect(progress).to_contain_text("Terminé", timeout=10_000)
    expect(page.locator("#annonce-avancement")).to_have_text(
        "Génération terminée : le PDF est prêt à télécharger."
    )
    expect(progress).not_to_have_attribute("hx-trigger", re.compile("."))
    expect(page.get_by_role("link", name=re.compile(r"^Télécharger le PDF"))).to_be_visible()
    assert_accessible(page)


def test_the_team_writes_the_edito_and_reads_the_preview(page, team):
    login(page, STAFF_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    page.goto("/rapports/2025/contenu/")
    expect(page.locator("h1")).to_have_text("Textes et indicateurs du rapport 2025")
    assert_accessible(page)

    # A refused form keeps what was typed and points to the error.
    edito = page.locator("#edito")
    edito.get_by_label("Signé par").fill("")
    edito.get_by_role("button", name="Enregistrer l'édito").click()
    expect(page.get_by_role("alert")).to_contain_text("Signé par")
    expect(page.get_by_label("Signé par")).to_be_focused()
    expect(edito.get_by_label("Fonction")).to_have_value("Directeur général de la Cnaf")
    assert page.title().startswith("Erreur — ")
    assert_accessible(page)

    edito.get_by_label("Signé par").fill("Nicolas Grivel")
    edito.get_by_label("Titre").fill("Innover avec les familles")
    edito.get_by_role("button", name="Enregistrer l'édito").click()
    expect(page.locator(".messages")).to_contain_text("L'édito 2025 est enregistré.")

    page.get_by_role("link", name="Aperçu du rapport 2025").click()
    expect(page.locator("h1")).to_contain_text("Rapport d’activité 2025")
    expect(page.locator("main")).to_contain_text("Innover avec les familles")
    toolbar = page.get_by_role("navigation", name="Aperçu du rapport")
    expect(toolbar.get_by_role("button", name="Générer le PDF")).to_be_visible()
    assert_accessible(page)
    toolbar.get_by_role("link", name="Voir la page des chiffres clés").click()
    expect(page.locator("h1")).to_contain_text("2025 en chiffres")
    assert_accessible(page)
