"""`manage.py build_report`: the same build as the Celery task, its PDF copied where asked, its
timings, pages and fingerprint printed, and the figures in CSV on request."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reporting.models import ExternalIndicator, ReportRun
from tests.reporting.pdf_reader import pdf_info, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def linkedin():
    ExternalIndicator.objects.create(year=2025, key="linkedin_followers", value=3560)


def build(*args: str) -> str:
    out = StringIO()
    call_command("build_report", *args, stdout=out)
    return out.getvalue()


def test_the_report_is_built_copied_and_described(tmp_path, linkedin):
    output = tmp_path / "rapport.pdf"

    printed = build("--year", "2025", "--output", str(output))

    run = ReportRun.objects.get()
    assert run.status == ReportRun.Status.DONE
    assert run.kind == ReportRun.Kind.FULL
    pdf = output.read_bytes()
    assert pdf == run.pdf.read()
    assert pdf.startswith(b"%PDF")
    assert run.pages > 1
    assert pdf_info(pdf)["Pages"] == str(run.pages)
    assert "3 560" in "\n".join(pdf_text(pdf))

    assert f"Rapport d'activité complet 2025 : {output} ({run.pages} pages" in printed
    assert re.search(r"Collecte des données : \d+,\d\d s · mise en page : \d+,\d\d s", printed)
    assert f"Empreinte des données : {run.data_hash} (mise en page 2025.1)" in printed
    assert len(run.data_hash) == 64


def test_the_one_pager_and_the_figures_in_csv(tmp_path, linkedin):
    output, figures = tmp_path / "chiffres.pdf", tmp_path / "chiffres.csv"

    printed = build(
        "--year", "2025", "--kind", "chiffres", "--output", str(output), "--csv", str(figures)
    )

    run = ReportRun.objects.get()
    assert run.kind == ReportRun.Kind.KEY_FIGURES
    assert run.pages == 1
    assert output.read_bytes().startswith(b"%PDF")
    assert f"Les chiffres clés (une page) 2025 : {output} (1 page, " in printed
    assert f"Chiffres de l'année : {figures}" in printed
    text = figures.read_text(encoding="utf-8")
    assert text.startswith("\ufeffannée;partie;section;indicateur;libellé;valeur;unité")
    assert "2025;Consulter et coconstruire;La Caf à votre écoute;consultation_respondents" in text
    assert "linkedin_followers" in text
    assert "3560" in text


def test_a_year_out_of_range_is_refused_in_french(tmp_path):
    with pytest.raises(CommandError, match="Choisissez une année entre 2020 et"):
        build("--year", "2019", "--output", str(tmp_path / "r.pdf"))
    assert not ReportRun.objects.exists()
    assert not (tmp_path / "r.pdf").exists()


def test_a_missing_folder_is_refused_before_building(tmp_path):
    with pytest.raises(CommandError, match="n'existe pas"):
        build("--year", "2025", "--output", str(tmp_path / "absent" / "r.pdf"))
    assert not ReportRun.objects.exists()


def test_a_failed_build_says_why_and_stays_recorded(tmp_path, monkeypatch):
    from reporting import document

    def broken(html, *, on_page=None):
        raise OSError("police introuvable")

    monkeypatch.setattr(document, "render_pdf", broken)
    with pytest.raises(CommandError, match=r"La génération a échoué \(OSError\)"):
        build("--year", "2025", "--output", str(tmp_path / "r.pdf"))
    run = ReportRun.objects.get()
    assert run.status == ReportRun.Status.FAILED
    assert "police introuvable" in run.error
    assert not (tmp_path / "r.pdf").exists()
