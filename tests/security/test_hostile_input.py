"""Hostile input: oversized bodies and uploads, disguised files, markup in text, formula
injection in exports, Unicode oddities and malformed filters. Each is refused in French or
made harmless, never a 500, and nothing is stored half."""

import csv
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from caflab import exports, files, richtext
from consultations.models import Response
from cooperation.models import Document, Message, PlanMember
from eurekaf.models import Attachment, Comment, Idea
from tests.consultations import conftest as consultation_world
from tests.consultations.conftest import valid_answers
from tests.cooperation.factories import PlanFactory, member
from tests.eurekaf.factories import CampaignFactory, IdeaFactory, box

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(1)</script></svg>"
)
SCRIPT = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
FORMULAS = ["=1+1", "+33 6 00", "-2+3", "@SUM(A1:A2)", "\t=cmd", "\r=cmd", '=HYPERLINK("x")']


def text(response) -> str:
    return html.unescape(response.content.decode())


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture(autouse=True)
def boxes(db):
    return box("38"), box("29"), box(None)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def consultation(db):
    """The public consultation of tests/consultations: every kind of question, two sections."""
    return consultation_world.consultation.__wrapped__(db)


@pytest.fixture
def plan(agent):
    plan = PlanFactory(title="CTG Grenoble-Alpes Métropole")
    member(plan, agent, PlanMember.Role.PILOT)
    return plan


def idea_post(**overrides) -> dict:
    return {
        "box": box("38").pk,
        "title": "Un coin jeux à l'accueil",
        "description": "Les parents viennent avec leurs enfants.",
        **overrides,
    }


# Oversized bodies and uploads ----------------------------------------------------------------
def test_limits_are_explicit_in_settings(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert 0 < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 2000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES <= 100


def test_an_oversized_page_body_is_a_french_413_not_a_500(client, agent, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    client.force_login(agent)
    response = client.post(reverse("eurekaf:idea-create"), idea_post(description="x" * 10_000))
    assert response.status_code == 413
    assert "trop volumineu" in text(response)
    assert not Idea.objects.exists()


def test_too_many_fields_is_a_french_400(client, agent, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    client.force_login(agent)
    data = idea_post(**{f"champ{i}": "x" for i in range(50)})
    response = client.post(reverse("eurekaf:idea-create"), data)
    assert response.status_code == 400
    assert "trop de champs" in text(response)
    assert not Idea.objects.exists()


def test_an_oversized_upload_is_refused_in_french_and_nothing_is_stored(client, agent, media):
    client.force_login(agent)
    big = PDF + b"0" * files.MAX_UPLOAD_SIZE
    response = client.post(
        reverse("eurekaf:idea-create"),
        idea_post(attachments=[SimpleUploadedFile("gros.pdf", big)]),
    )
    assert response.status_code == 400
    assert "dépasse la taille maximale de 10 Mo" in text(response)
    assert not Idea.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_an_oversized_api_json_body_is_a_french_413(api_client, agent, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    api_client.force_authenticate(agent)
    response = api_client.post(
        "/api/v1/idees/",
        {"boite": box("38").slug, "titre": "Titre", "description": "x" * 10_000},
        format="json",
    )
    assert response.status_code == 413
    body = response.json()
    assert body["status"] == 413
    assert "trop volumineu" in body["detail"]
    assert not Idea.objects.exists()


def test_an_oversized_api_multipart_body_is_a_french_413(api_client, agent, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    api_client.force_authenticate(agent)
    response = api_client.post(
        "/api/v1/idees/",
        {"boite": box("38").slug, "titre": "Titre", "description": "x" * 10_000},
        format="multipart",
    )
    assert response.status_code == 413
    assert "trop volumineu" in response.json()["detail"]
    assert not Idea.objects.exists()


def test_a_whole_request_above_the_portals_limit_is_refused_before_it_is_read(
    client, agent, media, settings
):
    settings.CAFLAB_MAX_REQUEST_SIZE = 64 * 1024
    client.force_login(agent)
    response = client.post(
        reverse("eurekaf:idea-create"),
        idea_post(attachments=[SimpleUploadedFile("gros.pdf", PDF + b"0" * 100_000)]),
    )
    assert response.status_code == 413
    assert "Envoi trop volumineux" in text(response)
    assert not Idea.objects.exists()
    assert stored_files(media) == []


def test_too_many_files_is_a_french_400(client, agent, media, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    client.force_login(agent)
    uploads = [SimpleUploadedFile(f"piece-{i}.pdf", PDF) for i in range(5)]
    response = client.post(reverse("eurekaf:idea-create"), idea_post(attachments=uploads))
    assert response.status_code == 400
    assert "trop de fichiers" in text(response)
    assert not Idea.objects.exists()
    assert stored_files(media) == []


# Disguised files -----------------------------------------------------------------------------
DISGUISED = [
    pytest.param("page.pdf", HTML_PAGE, id="html-as-pdf"),
    pytest.param("page.png", HTML_PAGE, id="html-as-png"),
    pytest.param("page.txt", HTML_PAGE, id="html-as-txt"),
    pytest.param("setup.pdf", EXECUTABLE, id="exe-as-pdf"),
    pytest.param("setup.png", EXECUTABLE, id="exe-as-png"),
    pytest.param("rapport.png", PDF, id="pdf-as-png"),
    pytest.param("logo.svg", SVG_SCRIPT, id="svg-with-script"),
    pytest.param("logo.png", SVG_SCRIPT, id="svg-as-png"),
    pytest.param("logo.txt", SVG_SCRIPT, id="svg-as-txt"),
]


@pytest.mark.parametrize(("name", "content"), DISGUISED)
def test_validate_upload_refuses_disguised_files(name, content):
    with pytest.raises(files.ValidationError) as refused:
        files.validate_upload(SimpleUploadedFile(name, content))
    message = " ".join(refused.value.messages)
    assert "n'est pas accepté" in message or "ne correspond pas" in message


@pytest.mark.parametrize(("name", "content"), DISGUISED)
def test_a_disguised_idea_attachment_is_refused_and_nothing_stored(
    client, agent, media, name, content
):
    client.force_login(agent)
    response = client.post(
        reverse("eurekaf:idea-create"),
        idea_post(attachments=[SimpleUploadedFile(name, content)]),
    )
    assert response.status_code == 400
    page = text(response)
    assert f"« {name} » :" in page
    assert not Idea.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(("name", "content"), DISGUISED[:4])
def test_a_disguised_plan_document_is_refused_and_nothing_stored(
    client, agent, plan, media, name, content
):
    client.force_login(agent)
    response = client.post(
        reverse("cooperation:document-upload", kwargs={"pk": plan.pk}),
        {"file": SimpleUploadedFile(name, content), "name": "Bilan"},
    )
    assert response.status_code == 400
    assert "accepté" in text(response) or "ne correspond pas" in text(response)
    assert not Document.objects.exists()
    assert stored_files(media) == []


# Markup in text fields -----------------------------------------------------------------------
def test_idea_title_and_description_are_stored_as_typed_and_shown_escaped(client, agent):
    client.force_login(agent)
    response = client.post(
        reverse("eurekaf:idea-create"), idea_post(title=SCRIPT[:160], description=SCRIPT)
    )
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert idea.title == SCRIPT[:160]
    assert idea.description == SCRIPT
    for url in (idea.get_absolute_url(), reverse("eurekaf:idea-list")):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert" in page


def test_a_comment_is_stored_as_typed_and_shown_escaped(client, agent):
    idea = IdeaFactory(box=box("38"))
    client.force_login(agent)
    response = client.post(
        reverse("eurekaf:idea-comment", kwargs={"pk": idea.pk}), {"text": SCRIPT}
    )
    assert response.status_code == 302
    assert Comment.objects.get().text == SCRIPT
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_a_plan_message_is_stored_as_typed_and_shown_escaped(client, agent, plan):
    client.force_login(agent)
    response = client.post(
        reverse("cooperation:message-create", kwargs={"pk": plan.pk}), {"text": SCRIPT}
    )
    assert response.status_code == 302
    assert Message.objects.get().text == SCRIPT
    page = client.get(reverse("cooperation:plan-space", kwargs={"pk": plan.pk})).content.decode()
    assert "<script>alert" not in page
    assert "onerror=alert" not in page.replace("&lt;img src=x onerror=alert", "")


def test_a_consultation_free_text_answer_is_shown_escaped_to_staff(client, consultation, staff):
    data = valid_answers(consultation, **{f"q{consultation.q['idea'].pk}": SCRIPT})
    answer_url = reverse("consultations:consultation-answer", kwargs={"slug": consultation.slug})
    client.get(answer_url)
    sections = list(consultation.sections.order_by("position"))
    for step, section in enumerate(sections):
        names = tuple(f"q{q.pk}" for q in section.questions.all())
        part = {k: v for k, v in data.items() if k.split("_")[0] in names}
        action = "envoyer" if step == len(sections) - 1 else "suivant"
        response = client.post(answer_url, {"etape": step, "action": action, **part})
        assert response.status_code == 302, text(response)[:1500]
    assert Response.objects.count() == 1
    client.force_login(staff)
    page = client.get(
        reverse("consultations:consultation-verbatims", kwargs={"slug": consultation.slug})
    ).content.decode()
    assert "&lt;script&gt;alert" in page
    assert "<script>alert" not in page


def test_a_project_title_is_shown_escaped(client, staff):
    from tests.projects.factories import ProjectFactory

    project = ProjectFactory(title=SCRIPT[:150], summary=SCRIPT)
    client.force_login(staff)
    for url in (project.get_absolute_url(), reverse("projects:project-list")):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert" in page


def test_campaign_brief_rich_text_is_sanitised(client, agent):
    campaign = CampaignFactory(
        box=box("38"),
        brief=(
            '<p onclick="alert(1)">Vos idées <strong>ici</strong></p>'
            '<script>alert(1)</script><a href="javascript:alert(1)">lien</a>'
            '<img src=x onerror="alert(1)"><iframe src="https://evil.example"></iframe>'
        ),
    )
    client.force_login(agent)
    page = client.get(
        reverse("eurekaf:campaign-detail", kwargs={"slug": campaign.slug})
    ).content.decode()
    assert "<strong>ici</strong>" in page
    for bad in ("<script>alert(1)", "onclick=", "javascript:alert", "onerror=", "<iframe"):
        assert bad not in page


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>texte",
        '<p onmouseover="alert(1)">texte</p>',
        '<a href="javascript:alert(1)">texte</a>',
        '<a href="JaVaScRiPt:alert(1)">texte</a>',
        '<a href="&#106;avascript:alert(1)">texte</a>',
        '<svg onload="alert(1)">texte</svg>',
        "<style>body{display:none}</style>texte",
        '<p style="background:url(javascript:alert(1))">texte</p>',
    ],
)
def test_richtext_removes_scripts_handlers_and_javascript_links(dirty):
    cleaned = str(richtext.render(dirty)).lower()
    assert "texte" in cleaned
    for bad in ("<script", "onmouseover", "onload", "javascript:", "<style", "style="):
        assert bad not in cleaned


# Formula injection in exports ----------------------------------------------------------------
def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


def read_xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def all_cells(rows) -> list[str]:
    return [str(cell) for row in rows for cell in row if cell is not None]


@pytest.mark.parametrize("formula", FORMULAS)
def test_neutralise_quotes_every_formula_trigger(formula):
    assert exports.neutralise(formula) == "'" + formula
    assert exports.csv_cell(formula) == "'" + formula
    assert exports.xlsx_cell(formula).startswith("'")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_response_neutralises_cells_and_headers(fmt):
    columns = exports.columns_from([("=Titre", "title"), ("Nombre", "n")])
    rows = [{"title": formula, "n": -3} for formula in FORMULAS]
    response = exports.export_response(fmt=fmt, filename_stem="x", rows=rows, columns=columns)
    table = read_csv(response) if fmt == "csv" else read_xlsx(response)
    assert table[0][0] == "'=Titre"
    expected = ["'" + f for f in FORMULAS]
    if fmt == "xlsx":  # the XML of the sheet keeps a carriage return as a line feed
        expected = [cell.replace("\r", "\n") for cell in expected]
    assert [row[0] for row in table[1:]] == expected
    assert [str(row[1]) for row in table[1:]] == ["-3"] * len(FORMULAS)  # numbers stay numbers


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_consultation_answers_export_neutralises_formulas(client, consultation, staff, fmt):
    from consultations.models import Answer

    # Written through the answer pages, as citizens do.
    answer_url = reverse("consultations:consultation-answer", kwargs={"slug": consultation.slug})
    sections = list(consultation.sections.order_by("position"))
    # The answer form strips the spaces around a text, tab and carriage return included.
    formulas = [formula.strip() for formula in FORMULAS]
    for formula in formulas:
        visitor = client.__class__()
        visitor.get(answer_url)
        data = valid_answers(consultation, **{f"q{consultation.q['idea'].pk}": formula})
        for step, section in enumerate(sections):
            names = tuple(f"q{q.pk}" for q in section.questions.all())
            part = {k: v for k, v in data.items() if k.split("_")[0] in names}
            action = "envoyer" if step == len(sections) - 1 else "suivant"
            visitor.post(answer_url, {"etape": step, "action": action, **part})
    assert Answer.objects.filter(question=consultation.q["idea"]).count() == len(formulas)
    consultation.q["email"].label = "=Un mot pour conclure"
    consultation.q["email"].save()
    client.force_login(staff)
    response = client.get(
        reverse(
            "consultations:consultation-export",
            kwargs={"slug": consultation.slug, "kind": "reponses", "fmt": fmt},
        )
    )
    assert response.status_code == 200
    table = read_csv(response) if fmt == "csv" else read_xlsx(response)
    cells = all_cells(table)
    for formula in formulas:
        assert "'" + formula in cells
    assert not any(cell.startswith(exports.FORMULA_TRIGGERS) for cell in cells)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_idea_statistics_export_neutralises_formulas(client, staff, fmt):
    CampaignFactory(box=box("38"), title='=HYPERLINK("http://evil")')
    campaign = CampaignFactory(box=box("38"), title="@SUM(1)")
    IdeaFactory(box=box("38"), campaign=campaign)
    client.force_login(staff)
    response = client.get(
        reverse("eurekaf:statistics-export", kwargs={"fmt": fmt}), {"boite": box("38").slug}
    )
    assert response.status_code == 200
    table = read_csv(response) if fmt == "csv" else read_xlsx(response)
    cells = all_cells(table)
    assert "'@SUM(1)" in cells
    assert not any(cell.startswith(exports.FORMULA_TRIGGERS) for cell in cells)


# Unicode oddities ----------------------------------------------------------------------------
ODD_TEXTS = [
    pytest.param("Inverser \u202egnp.exe", id="rtl-override"),
    pytest.param("Zéro\u200d\u200bjoint\u2060", id="zero-width"),
    pytest.param("Idée 👨‍👩‍👧‍👦 famille 🎉", id="emoji"),
    pytest.param("Cafe\u0301 a\u0300 l'accueil Z\u0337\u0336a\u0338", id="combining"),
]


@pytest.mark.parametrize("title", ODD_TEXTS)
def test_odd_unicode_is_stored_and_shown(client, agent, title):
    client.force_login(agent)
    response = client.post(reverse("eurekaf:idea-create"), idea_post(title=title))
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert idea.title == title
    assert client.get(idea.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("field", ["title", "description"])
def test_a_nul_character_is_a_form_error_not_a_500(client, agent, field):
    client.force_login(agent)
    response = client.post(reverse("eurekaf:idea-create"), idea_post(**{field: "Avant\x00après"}))
    assert response.status_code == 400
    assert "Le caractère nul n’est pas autorisé." in text(response)
    assert not Idea.objects.exists()


def test_a_nul_character_in_a_comment_or_message_is_refused(client, agent, plan):
    idea = IdeaFactory(box=box("38"))
    client.force_login(agent)
    comment = client.post(
        reverse("eurekaf:idea-comment", kwargs={"pk": idea.pk}), {"text": "a\x00b"}
    )
    message = client.post(
        reverse("cooperation:message-create", kwargs={"pk": plan.pk}), {"text": "a\x00b"}
    )
    assert (comment.status_code, message.status_code) == (400, 400)
    assert not Comment.objects.exists()
    assert not Message.objects.exists()


def test_a_nul_character_in_a_public_consultation_answer_is_refused(client, consultation):
    answer_url = reverse("consultations:consultation-answer", kwargs={"slug": consultation.slug})
    client.get(answer_url)
    data = valid_answers(consultation)
    first = consultation.sections.order_by("position")[0]
    names = tuple(f"q{q.pk}" for q in first.questions.all())
    part = {k: v for k, v in data.items() if k.split("_")[0] in names}
    client.post(answer_url, {"etape": 0, "action": "suivant", **part})
    second = consultation.sections.order_by("position")[1]
    names = tuple(f"q{q.pk}" for q in second.questions.all())
    part = {k: v for k, v in data.items() if k.split("_")[0] in names}
    part[f"q{consultation.q['idea'].pk}"] = "texte\x00nul"
    for action in ("enregistrer", "envoyer"):
        response = client.post(answer_url, {"etape": 1, "action": action, **part})
        assert response.status_code in (200, 400), response.status_code
    assert Response.objects.count() == 0


def test_api_refuses_a_nul_character_with_a_french_400(api_client, agent):
    api_client.force_authenticate(agent)
    response = api_client.post(
        "/api/v1/idees/",
        {"boite": box("38").slug, "titre": "a\x00b", "description": "texte"},
        format="json",
    )
    assert response.status_code == 400
    assert "titre" in response.json()["errors"]
    assert not Idea.objects.exists()


@pytest.mark.parametrize("field", ["title", "description"])
def test_text_beyond_max_length_is_a_form_error(client, agent, field):
    client.force_login(agent)
    response = client.post(reverse("eurekaf:idea-create"), idea_post(**{field: "é" * 20_000}))
    assert response.status_code == 400
    assert "au plus" in text(response)
    assert not Idea.objects.exists()


def test_a_malformed_date_in_a_form_is_a_french_error(client, staff):
    client.force_login(staff)
    before = Idea.objects.count()
    response = client.post(
        reverse("eurekaf:campaign-create"),
        {
            "box": box("38").pk,
            "kind": "thematique",
            "title": "Campagne",
            "brief": "Appel",
            "starts_on": "2025-13-45",
            "ends_on": "99999-01-01",
        },
    )
    assert response.status_code == 400
    assert "Saisissez une date valide" in text(response)
    assert Idea.objects.count() == before


@pytest.mark.parametrize(
    ("hours", "since"),
    [
        ("abc", ""),
        ("99999999999999999999999999", ""),
        ("1e309", ""),
        ("-1", ""),
        ("NaN", ""),
        ("12", "2025-13-45"),
        ("12", "31/02/2025"),
        ("12", "99999-01-01"),
    ],
)
def test_malformed_numbers_and_dates_in_a_public_answer_are_french_errors(
    client, consultation, hours, since
):
    answer_url = reverse("consultations:consultation-answer", kwargs={"slug": consultation.slug})
    client.get(answer_url)
    q = consultation.q
    data = valid_answers(consultation, **{f"q{q['hours'].pk}": hours, f"q{q['since'].pk}": since})
    first = consultation.sections.order_by("position")[0]
    names = tuple(f"q{question.pk}" for question in first.questions.all())
    part = {k: v for k, v in data.items() if k.split("_")[0] in names}
    response = client.post(answer_url, {"etape": 0, "action": "suivant", **part})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert Response.objects.count() == 0


# Malformed query strings ---------------------------------------------------------------------
HOSTILE_QUERIES = [
    "page=abc",
    "page=-1",
    "page=99999999999999999999999999",
    "date=2025-13-45",
    "du=2025-13-45&au=0000-00-00",
    "annee=99999999999999999999",
    "year=abc",
    "saison=-1",
    "etape=abc",
    "etape=99999999999999999999999",
    "ventilation=abc",
    "question=abc&etiquette=1e9",
    "q=%00",
    "theme=%00",
    "campagne=%00&titre=%00",
    "titre=%00",
    "phase=%00",
    "statut=%00&boite=%00",
    "vue=%00",
    "vu=abc",
    "sollicitation=abc",
    "session=abc",
    "q=" + "a" * 5000,
]


def _pages(consultation, plan) -> dict[str, list[str]]:
    idea = IdeaFactory(box=box("38"))
    return {
        "anonymous": [
            "/",
            "/consultations/",
            consultation.get_absolute_url(),
            reverse("consultations:consultation-answer", kwargs={"slug": consultation.slug}),
            reverse("consultations:consultation-results", kwargs={"slug": consultation.slug}),
        ],
        "agent": [
            "/idees/",
            "/idees/deposer/",
            "/idees/similaires/",
            "/idees/statistiques/",
            idea.get_absolute_url(),
            "/cooperation/",
            reverse("cooperation:plan-detail", kwargs={"pk": plan.pk}),
            reverse("cooperation:plan-space", kwargs={"pk": plan.pk}),
            "/living-labs/",
            "/projets/",
            "/expo/",
            "/api/v1/idees/",
            "/api/v1/campagnes/",
        ],
        "staff": [
            "/rapports/",
            "/idees/statistiques/export.csv",
            reverse("consultations:consultation-verbatims", kwargs={"slug": consultation.slug}),
        ],
    }


def test_a_nul_character_in_the_address_is_a_french_400(client, api_client, agent):
    client.force_login(agent)
    page = client.get("/idees/?q=%00")
    assert page.status_code == 400
    assert "caractère non autorisé" in text(page)
    api_client.force_authenticate(agent)
    api = api_client.get("/api/v1/idees/?q=a%00b")
    assert api.status_code == 400
    assert api.json()["code"] == "invalid_query"
    assert "caractère non autorisé" in api.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/idees/99999999999999999999999/",
        "/idees/pieces/99999999999999999999999/",
        "/cooperation/99999999999999999999999/",
        "/api/v1/idees/99999999999999999999999/",
        "/rapports/99999999999999999999999/chiffres.csv",
    ],
)
def test_huge_ids_in_the_address_are_a_404(client, staff, path):
    client.force_login(staff)
    assert client.get(path).status_code == 404


def test_admin_export_action_neutralises_formulas(client, staff):
    from eurekaf.models import Campaign

    CampaignFactory(box=box("38"), title='=HYPERLINK("http://evil")')
    client.force_login(staff)
    response = client.post(
        reverse("admin:eurekaf_campaign_changelist"),
        {
            "action": "export_csv",
            "_selected_action": list(Campaign.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 200, response.content[:500]
    cells = all_cells(read_csv(response))
    assert '\'=HYPERLINK("http://evil")' in cells
    assert not any(cell.startswith(exports.FORMULA_TRIGGERS) for cell in cells)


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_malformed_query_strings_are_never_a_500(client, consultation, agent, staff, plan, query):
    pages = _pages(consultation, plan)
    client.raise_request_exception = False
    failures = []
    for who, urls in pages.items():
        if who == "agent":
            client.force_login(agent)
        elif who == "staff":
            client.force_login(staff)
        for url in urls:
            response = client.get(f"{url}?{query}")
            if response.status_code >= 500:
                failures.append(f"{who} {url}?{query[:40]} -> {response.status_code}")
    assert failures == []
