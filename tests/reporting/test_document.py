"""The annual report as a document: a year's data gathered from the apps and what the team
wrote, rendered as HTML (the PDF's and the browser preview's) and as PDF by WeasyPrint."""

import html as html_lib
import io
import re
from datetime import date, datetime
from itertools import pairwise

import pytest
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image

from consultations.models import Consultation, Response
from reporting import document
from reporting.models import Edito, ExternalIndicator, Highlight, TeamMember
from reporting.templatetags.report import LONG_TABLE_ROWS, fr_number, is_number_cell, with_unit
from tests.consultations.factories import ConsultationFactory
from tests.livinglabs.factories import LabFactory, WorkshopFactory
from tests.projects.factories import CreativitySessionFactory
from tests.reporting.pdf_reader import pdf_fonts, pdf_info, pdf_tags, pdf_text

pytestmark = pytest.mark.django_db

NBSP = "\xa0"
MONTHS = [
    "Janvier",
    "Février",
    "Mars",
    "Avril",
    "Mai",
    "Juin",
    "Juillet",
    "Août",
    "Septembre",
    "Octobre",
    "Novembre",
    "Décembre",
]
PARTS = ["Concevoir et fabriquer", "Consulter et coconstruire", "Infuser et diffuser"]


def aware(*args):
    return datetime(*args, tzinfo=timezone.get_current_timezone())


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "#123f7a").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def year_2025():
    """A small 2025: 1 250 respondents to a consultation, two living labs with a workshop each,
    three creativity sessions; the edito, three months' highlights (one with a picture), two
    team members, the LinkedIn and caf.fr indicators. One respondent of 2024 does not count."""
    consultation = ConsultationFactory(
        title="L'autonomie des jeunes",
        status=Consultation.Status.RESULTS,
        opens_at=aware(2025, 3, 1),
        closes_at=aware(2025, 6, 30),
    )
    Response.objects.bulk_create(
        [
            Response(consultation=consultation, submitted_on=date(2025, 4, 1 + n % 28))
            for n in range(1250)
        ]
        + [Response(consultation=consultation, submitted_on=date(2024, 12, 30))]
    )
    for lab in (LabFactory(name="Lab parentalité"), LabFactory(name="Lab handicap")):
        WorkshopFactory(lab=lab, starts_at=aware(2025, 5, 12, 14))
    CreativitySessionFactory.create_batch(3)

    Edito.objects.create(
        year=2025,
        author="Isabelle Doal",
        author_title="Directrice du CafLab",
        title="L'innovation au service de la performance de la branche",
        text="L'année 2025 a renforcé la trajectoire du laboratoire.\n\nDeuxième paragraphe.",
    )
    Highlight.objects.create(year=2025, month=1, title="Travail avec les parents débiteurs")
    Highlight.objects.create(
        year=2025, month=3, title="5 projets lauréats au Défi", text="Avec France Travail."
    )
    voyage = Highlight(
        year=2025, month=12, title="Voyage apprenant à Marseille", image_alt="Le Vieux-Port"
    )
    voyage.image.save("marseille.png", ContentFile(png()), save=True)
    TeamMember.objects.create(year=2025, name="Isabelle", role="Directrice", pole="Direction")
    TeamMember.objects.create(year=2025, name="Malo", role="Alternant", pole="Communication")
    for key, value in (("linkedin_followers", 3560), ("linkedin_growth", 680)):
        ExternalIndicator.objects.create(year=2025, key=key, value=value, source="LinkedIn")
    ExternalIndicator.objects.create(year=2025, key="site_visits", value=27000, source="AT")
    return document.gather(2025)


def text_of(markup: str) -> str:
    """The visible text of the HTML, entities decoded, tags and whitespace collapsed."""
    return re.sub(r"[ \t\r\n]+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", markup)))


class TestFormatting:
    def test_numbers_are_french(self):
        assert fr_number(7742) == f"7{NBSP}742"
        assert fr_number(1234567) == f"1{NBSP}234{NBSP}567"
        assert fr_number(12.5) == "12,5"
        assert fr_number(42.0) == "42"
        assert fr_number(4.25) in {"4,2", "4,3"}

    def test_units_stay_with_their_number_and_unknown_says_so(self):
        assert with_unit(80, "%") == f"80{NBSP}%"
        assert with_unit(4.2, "/ 5") == f"4,2{NBSP}/{NBSP}5"
        assert with_unit(None) == "non renseigné"
        assert with_unit(0) == "0"

    def test_numeric_cells_are_recognised(self):
        for cell in (f"7{NBSP}742", "42,5 %", "3 / 5", "—", 12):
            assert is_number_cell(cell), cell
        for cell in ("Caf de l'Isère", "12 mars 2025", ""):
            assert not is_number_cell(cell), cell


class TestTables:
    def render(self, rows):
        table = {"caption": "Les living labs", "headers": ["Living lab", "Ateliers"], "rows": rows}
        return render_to_string(
            "reporting/document/includes/table.html",
            {"table": table, "table_id": "section-2-1", "table_index": 1},
        )

    def test_a_table_has_its_caption_and_headers_with_scope(self):
        markup = self.render([["Lab parentalité", "11"], ["Lab handicap", "9"]])
        assert "<caption>Les living labs</caption>" in markup
        assert '<th scope="col">Living lab</th>' in markup
        assert '<th scope="col" class="nombre">Ateliers</th>' in markup  # a column of numbers
        assert '<th scope="row">Lab parentalité</th>' in markup
        assert '<td class="nombre">11</td>' in markup

    def test_a_long_table_is_printed_as_a_list(self):
        rows = [[f"Caf n°{n}", str(n)] for n in range(LONG_TABLE_ROWS + 1)]
        markup = self.render(rows)
        assert "<table" not in markup
        assert markup.count("<dt>") == LONG_TABLE_ROWS + 1
        assert "<dt>Caf n°7</dt><dd>Ateliers : 7</dd>" in markup
        assert 'aria-labelledby="section-2-1-liste-1"' in markup

    def test_an_empty_table_says_there_is_no_data(self):
        assert "aucune donnée pour cette année" in self.render([])


class TestHtml:
    def test_the_report_has_its_chapters_figures_and_months(self, year_2025):
        markup = document.render_html(year_2025)
        text = text_of(markup)

        assert markup.startswith("<!DOCTYPE html>")
        assert '<html lang="fr">' in markup
        assert "<title>Rapport d&#x27;activité 2025 du CafLab</title>" in markup
        assert '<meta name="author" content="CafLab — Cnaf">' in markup
        assert '<meta name="description" content="Rapport d’activité 2025 du CafLab' in markup
        assert '<meta name="generator" content="Portail CafLab (mise en page 2025.1)">' in markup
        for heading in (
            "Rapport d’activité 2025",
            "CafLab — Caisse nationale des allocations familiales",
            "Édito",
            "Sommaire",
            "2025 en chiffres",
            "Les temps forts 2025",
            "L’équipe du CafLab",
            "La communication du CafLab",
            *(f"{n}. {title}" for n, title in enumerate(PARTS, start=1)),
            "La Caf à votre écoute",
            "Les living labs",
        ):
            assert heading in text, heading
        # Headings in order: the cover's h1, then h2 chapters, never a skipped level.
        levels = [int(level) for level in re.findall(r"<h([1-6])", markup)]
        assert levels[0] == 1
        assert levels.count(1) == 1
        assert all(b - a <= 1 for a, b in pairwise(levels))

        # The key figures, the French way, and the LinkedIn detail.
        assert f"1{NBSP}250" in text  # respondents of 2025 (not the one of 2024)
        assert f"3{NBSP}560" in text
        assert "+680 abonnés dans l'année" in text
        assert f"27{NBSP}000" in text
        figures = re.search(r'<ul class="chiffres chiffres--cles">(.*?)</ul>', markup, re.S)
        assert figures.group(1).count('<li class="chiffre') == 9

        for month in MONTHS:
            assert f">{month}</h3>" in markup, month
        assert "Voyage apprenant à Marseille" in text
        assert re.search(r'<img src="file://[^"]+marseille[^"]*\.png" alt="Le Vieux-Port">', markup)
        assert "Pas de temps fort retenu ce mois-ci." in text

        assert "Isabelle Doal" in text
        assert "<p>Deuxième paragraphe.</p>" in markup

        # Charts are images with a text alternative, never inline SVG (slow in WeasyPrint).
        alts = re.findall(
            r'<img class="graphique__image" src="data:image/svg\+xml;base64,[^"]+" alt="([^"]*)">',
            markup,
        )
        assert len(alts) == sum(len(s.charts) for p in year_2025.parts for s in p.sections)
        assert all(alts)
        assert "<svg" not in markup

        # The table of contents links to every part and section, for its page numbers.
        for part in year_2025.parts:
            assert f'href="#partie-{part.number}"' in markup
            assert f'id="partie-{part.number}"' in markup
        assert 'href="#section-2-1"' in markup
        assert 'id="section-2-1"' in markup

    def test_the_pdf_html_carries_paged_media_and_local_fonts(self, year_2025):
        markup = document.render_html(year_2025)
        assert "@page {" in markup
        assert "target-counter(attr(href), page)" in markup
        assert "string-set:" in markup
        assert f'src: url("{document.FONTS_DIR.as_uri()}/LiberationSans-Regular.ttf")' in markup
        assert "max-width: 40rem" not in markup  # the preview's media query
        assert "<details>" not in markup

    def test_the_preview_leaves_paged_media_out_and_shows_chart_data(self, year_2025):
        markup = document.render_html(year_2025, preview=True)
        assert "@page {" not in markup
        assert "target-counter(" not in markup
        assert "string-set:" not in markup
        assert "file://" not in markup
        # Linked, not inlined: the portal's Content-Security-Policy allows no inline style.
        assert "<style" not in markup
        assert '<link rel="stylesheet" href="/static/reporting/fonts.css">' in markup
        assert '<link rel="stylesheet" href="/static/reporting/report.css">' in markup
        assert "rapport--apercu" in markup
        assert "<details>" in markup
        assert "Voir les données du graphique" in markup
        assert '<img src="/rapports/images/temps-forts/' in markup

    def test_a_year_without_data_still_renders(self):
        data = document.gather(2023)
        markup = document.render_html(data)
        text = text_of(markup)
        assert "L’édito de l’année 2023 n’a pas encore été rédigé." in text
        assert "non renseigné" in text  # LinkedIn followers: nobody typed them
        assert "Aucun indicateur n’a été saisi pour 2023." in text
        assert "L’équipe du CafLab" not in text  # no team that year: no page
        for month in MONTHS:
            assert f">{month}</h3>" in markup


class TestPdf:
    def test_the_pdf_has_its_pages_text_metadata_and_tags(self, year_2025):
        pdf, pages = document.render_pdf(document.render_html(year_2025))

        assert pdf.startswith(b"%PDF")
        assert pages > 8  # cover, edito, contents, figures, months, team, three parts…
        text = pdf_text(pdf)
        assert len(text) == pages
        assert "Rapport d’activité 2025" in text[0]
        assert "page" not in text[0]  # no header nor footer on the cover
        whole = "\n".join(text)
        assert "2025 en chiffres" in whole
        for title in PARTS:
            assert title in whole
        assert "1 250" in whole
        assert "3 560" in whole
        assert "Le Vieux-Port" not in whole  # an alt text, not printed
        assert f"page 2 / {pages}" in text[1]
        # The contents give each part's page.
        contents = next(page for page in text if "Sommaire" in page)
        for n, title in enumerate(PARTS, start=1):
            match = re.search(rf"{n}\. {title}[ .]*(\d+)", contents)
            assert match, title
            assert title in text[int(match.group(1)) - 1]

        info = pdf_info(pdf)
        assert info["Title"] == "Rapport d'activité 2025 du CafLab"
        assert info["Author"] == "CafLab — Cnaf"
        assert info["Subject"].startswith("Rapport d’activité 2025 du CafLab")
        assert info["Creator"].startswith("Portail CafLab")
        assert info["Tagged"] == "yes"
        assert {"H1", "H2", "H3", "Table", "TH", "Caption", "Figure", "L", "Link"} <= pdf_tags(pdf)
        assert any("CafLab-Sans" in font for font in pdf_fonts(pdf))  # the shipped fonts

    def test_the_key_figures_fit_on_one_page(self, year_2025):
        html = document.render_html(year_2025, template="reporting/document/key_figures.html")
        pdf, pages = document.render_pdf(html)

        assert pages == 1
        (text,) = pdf_text(pdf)
        assert "2025 en chiffres" in text
        assert "1 250" in text
        assert "3 560" in text
        assert "+680 abonnés dans l'année" in text
        assert pdf_info(pdf)["Title"] == "Le CafLab en chiffres — 2025"
        assert any("CafLab-Sans-Bold" in font for font in pdf_fonts(pdf))

    def test_an_empty_year_gives_a_pdf_too(self):
        data = document.gather(2023)
        pdf, pages = document.render_pdf(document.render_html(data))
        assert pages > 1
        assert "non renseigné" in "\n".join(pdf_text(pdf))
        _one_pager, one = document.render_pdf(
            document.render_html(data, template="reporting/document/key_figures.html")
        )
        assert one == 1
