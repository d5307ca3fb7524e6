"""A plan's exports (XLSX parsed back, PDF text extracted) and the XLSX import: permissions,
the template's round trip, every bad line reported with nothing imported, one transaction."""

import datetime
import os
import shutil
import subprocess
import time
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from caflab.models import ActivityEvent
from cooperation import exports, imports, selectors
from cooperation.models import Action, Axis, AxisTheme, Indicator, IndicatorValue, Objective, Step
from tests.caflab.factories import AgentFactory, OrganisationFactory, PartnerFactory, caf
from tests.cooperation.factories import (
    ActionFactory,
    AxisFactory,
    ObjectiveFactory,
    PlanFactory,
    member,
)

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def plan():
    return PlanFactory(title="CTG Grenoble-Alpes Métropole 2024-2028")


@pytest.fixture
def pilot(plan):
    user = AgentFactory(caf=caf("38"), first_name="Sonia", last_name="Mercier")
    member(plan, user, "pilote")
    return user


@pytest.fixture
def contributor(plan):
    user = PartnerFactory()
    member(plan, user, "contributeur")
    return user


@pytest.fixture
def roadmap(plan):
    """Two axes, a late action, a done one, a formula-like title, steps and an indicator."""
    epci = OrganisationFactory(name="Grenoble-Alpes Métropole", kind="epci")
    commune = OrganisationFactory(name="Commune d'Échirolles")
    childhood = ObjectiveFactory(
        axis=AxisFactory(plan=plan, title="Petite enfance", position=0),
        title="Développer l'offre d'accueil",
    )
    youth = ObjectiveFactory(
        axis=AxisFactory(plan=plan, title="Enfance-jeunesse", position=1),
        title="Soutenir les accueils de loisirs",
    )
    late = ActionFactory(
        objective=childhood,
        title="Diagnostic des besoins de garde",
        starts_on=datetime.date(2024, 1, 1),
        due_on=datetime.date(2024, 6, 30),
        baseline_due_on=datetime.date(2024, 3, 31),
        status=Action.Status.IN_PROGRESS,
        progress=60,
        pilot_organisation=epci,
        budget="15000.00",
        priority=Action.Priority.HIGH,
    )
    late.partners.set([commune])
    Step.objects.create(action=late, title="Questionnaire aux familles", due_on=late.due_on)
    ActionFactory(
        objective=childhood,
        title='=HYPERLINK("http://exemple.test")',
        status=Action.Status.DONE,
        progress=100,
    )
    ActionFactory(
        objective=youth,
        title="Accueil de loisirs le mercredi",
        progress=20,
        due_on=datetime.date(2028, 6, 30),  # never late while the plan runs
    )
    indicator = Indicator.objects.create(
        plan=plan,
        objective=childhood,
        name="Places d'accueil",
        unit="places",
        baseline=80,
        target=140,
    )
    IndicatorValue.objects.create(
        indicator=indicator, period=datetime.date(2025, 6, 30), value=110, source="SIEJ"
    )
    Indicator.objects.create(plan=plan, name="Familles accompagnées", baseline=0, target=50)
    return late


def sheet_rows(content: bytes, title: str) -> list[dict]:
    workbook = load_workbook(BytesIO(content))
    rows = list(workbook[title].values)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# XLSX export ---------------------------------------------------------------------------------
def test_xlsx_export_has_the_roadmap_and_the_indicators(client, plan, pilot, roadmap):
    client.force_login(pilot)
    response = client.get(reverse("cooperation:plan-export-xlsx", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "ctg-grenoble-alpes-metropole-2024-2028.xlsx" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert load_workbook(BytesIO(response.content)).sheetnames == [
        "Feuille de route",
        "Indicateurs",
    ]
    rows = sheet_rows(response.content, "Feuille de route")
    assert [(r["Axe"], r["Action"]) for r in rows] == [
        ("Petite enfance", "Diagnostic des besoins de garde"),
        ("Petite enfance", '\'=HYPERLINK("http://exemple.test")'),  # text, never a formula
        ("Enfance-jeunesse", "Accueil de loisirs le mercredi"),
    ]
    late = rows[0]
    assert late["Statut"] == "En retard"  # derived from the dates, not stored
    assert late["Objectif"] == "Développer l'offre d'accueil"
    assert late["Pilote"] == "Grenoble-Alpes Métropole"
    assert late["Partenaires"] == "Commune d'Échirolles"
    assert late["Début"] == datetime.datetime(2024, 1, 1)  # noqa: DTZ001 — Excel dates are naive
    assert late["Échéance"] == datetime.datetime(2024, 6, 30)  # noqa: DTZ001
    assert late["Échéance de référence"] == datetime.datetime(2024, 3, 31)  # noqa: DTZ001
    assert (late["Avancement (%)"], late["Budget (€)"], late["Priorité"]) == (60, 15000, "Haute")
    assert late["Jalons"] == "0 sur 1 atteints"
    assert rows[1]["Statut"] == "Réalisée"
    indicators = sheet_rows(response.content, "Indicateurs")
    assert [(r["Indicateur"], r["Valeur"]) for r in indicators] == [
        ("Familles accompagnées", None),
        ("Places d'accueil", 110),
    ]
    assert indicators[1]["Rattaché à"] == "Objectif : Développer l'offre d'accueil"
    assert indicators[1]["Période"] == datetime.datetime(2025, 6, 30)  # noqa: DTZ001
    assert indicators[1]["Chemin parcouru vers la cible (%)"] == 50.0


@pytest.mark.parametrize("n", [5, 60])
def test_xlsx_export_queries_do_not_grow(client, plan, pilot, n, django_assert_num_queries):
    objective = ObjectiveFactory(axis=AxisFactory(plan=plan))
    for action in ActionFactory.create_batch(n, objective=objective):
        action.partners.set([OrganisationFactory()])
        Step.objects.create(action=action, title="Jalon", due_on=action.due_on)
    indicator = Indicator.objects.create(plan=plan, name="Places", baseline=0, target=10)
    IndicatorValue.objects.create(indicator=indicator, period=datetime.date(2025, 6, 30), value=4)
    client.force_login(pilot)
    # session, user, memberships, plan (Caf, template), signatories, members, axes,
    # objectives, actions, partners, steps, indicators, values
    with django_assert_num_queries(13):
        response = client.get(reverse("cooperation:plan-export-xlsx", args=[plan.pk]))
    assert len(sheet_rows(response.content, "Feuille de route")) == n


# PDF export ----------------------------------------------------------------------------------
def pdf_text(content: bytes, tmp_path) -> str:
    assert content.startswith(b"%PDF-")
    if not shutil.which("pdftotext"):  # poppler-utils: apt-get install -y poppler-utils
        if os.environ.get("CAFLAB_REQUIRE_BROWSER") == "1":
            pytest.fail("pdftotext est introuvable : la CI l'installe (poppler-utils).")
        pytest.skip("pdftotext n'est pas installé")
    path = tmp_path / "plan.pdf"
    path.write_bytes(content)
    result = subprocess.run(  # noqa: S603 — a fixed program on a file we wrote
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode()


def test_pdf_export_is_a_printable_report(client, plan, pilot, roadmap, tmp_path):
    client.force_login(pilot)
    response = client.get(reverse("cooperation:plan-export-pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "CTG Grenoble-Alpes Métropole 2024-2028" in text
    assert "Caf de l'Isère" in text
    for heading in ("Tableau de bord", "Rétroplanning", "Feuille de route", "Indicateurs"):
        assert heading in text
    assert "Diagnostic des besoins de garde" in text
    assert "En retard" in text
    assert "Places d'accueil" in text
    assert "Page 1 sur" in text
    pages = text.count("Page ")
    assert pages >= 4  # cover and dashboard, retro-planning, roadmap, indicators
    assert f"Page {pages} sur {pages}" in text


def test_pdf_of_an_empty_plan(client, plan, pilot, tmp_path):
    client.force_login(pilot)
    response = client.get(reverse("cooperation:plan-export-pdf", args=[plan.pk]))
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "La feuille de route est vide." in text
    assert "Aucun indicateur défini pour ce plan." in text


def test_pdf_gantt_is_cut_into_pages_that_keep_milestones_with_their_action(plan, pilot):
    objective = ObjectiveFactory(axis=AxisFactory(plan=plan))
    for action in ActionFactory.create_batch(30, objective=objective):
        Step.objects.create(action=action, title="Jalon", due_on=action.due_on)
    loaded = selectors.plan_get(user=pilot, pk=plan.pk)
    pages = exports.gantt_pages(loaded, datetime.date(2025, 6, 1))
    assert len(pages) == 3  # 60 rows, 20 a page
    assert all(page.table.rows[0][3] != "Jalon" for page in pages)
    assert pages[0].title.endswith("(1/3)")


def test_pdf_of_a_100_action_plan_takes_seconds(plan, pilot, tmp_path):
    """The benchmark quoted in the report: a 100-action plan with a milestone each."""
    axes = [AxisFactory(plan=plan, title=f"Axe {i}") for i in range(5)]
    objectives = [ObjectiveFactory(axis=axis) for axis in axes for _ in range(2)]
    for i in range(100):
        action = ActionFactory(objective=objectives[i % 10], progress=i)
        Step.objects.create(action=action, title=f"Jalon {i}", due_on=action.due_on)
    loaded = selectors.plan_get(user=pilot, pk=plan.pk)
    started = time.perf_counter()
    content = exports.plan_pdf(loaded, selectors.plan_indicators(loaded))
    elapsed = time.perf_counter() - started
    text = pdf_text(content, tmp_path)
    assert "Ouvrir une micro-crèche" in text
    assert elapsed < 60, f"{elapsed:.1f} s"


# Permissions ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url_name", ["cooperation:plan-export-xlsx", "cooperation:plan-export-pdf"]
)
@pytest.mark.parametrize("outsider", ["other_caf_agent", "partner", "agent"])
def test_exports_are_a_404_for_whoever_may_not_see_the_plan(
    request, client, plan, pilot, url_name, outsider
):
    client.force_login(request.getfixturevalue(outsider))
    assert client.get(reverse(url_name, args=[plan.pk])).status_code == 404
    assert client.get(reverse(url_name, args=[987654])).status_code == 404


@pytest.mark.parametrize(
    "url_name", ["cooperation:plan-export-xlsx", "cooperation:plan-export-pdf"]
)
def test_exports_open_to_members_and_staff(client, plan, contributor, staff, url_name):
    for user in (contributor, staff):
        client.force_login(user)
        assert client.get(reverse(url_name, args=[plan.pk])).status_code == 200


@pytest.mark.parametrize(
    "url", ["/cooperation/1/export.xlsx", "/cooperation/1/export.pdf", "/cooperation/importer/"]
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/comptes/" in response["Location"]


# Import --------------------------------------------------------------------------------------
IMPORT = "/cooperation/importer/"


def template_filled(lines: list[list]) -> bytes:
    """The downloaded template, filled as a user would in their spreadsheet."""
    workbook = load_workbook(BytesIO(imports.template_workbook()))
    sheet = workbook["Feuille de route"]
    for row, values in enumerate(lines, start=2):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "feuille-de-route.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


GOOD_LINES = [
    [
        "Petite enfance",
        "Développer l'accueil",
        "Ouvrir une micro-crèche",
        "Grenoble-Alpes Métropole",
        "06/01/2025",
        "01/09/2026",
        "En cours",
        45,
        "180 000,50",
        "Haute",
    ],
    [
        "Petite enfance",
        "Développer l'accueil",
        "Relais petite enfance itinérant",
        "",
        datetime.datetime(2025, 3, 1),  # noqa: DTZ001 — a date cell typed in Excel
        datetime.datetime(2026, 2, 28),  # noqa: DTZ001
        "",
        None,
        None,
        "",
    ],
    [
        "Parentalité",
        "Soutenir les parents",
        "Café des parents",
        "",
        "01/02/2025",
        "30/06/2025",
        "Réalisée",
        "",
        2500,
        "basse",
    ],
]


def test_template_is_downloadable_with_the_columns(client, pilot):
    client.force_login(pilot)
    response = client.get(IMPORT, {"modele": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["Feuille de route", "Mode d'emploi"]
    header = next(workbook["Feuille de route"].values)
    assert list(header) == [
        "Axe",
        "Objectif",
        "Action",
        "Pilote",
        "Début",
        "Échéance",
        "Statut",
        "Avancement",
        "Budget",
        "Priorité",
    ]
    validations = workbook["Feuille de route"].data_validations.dataValidation
    assert any("Réalisée" in (v.formula1 or "") for v in validations)


def test_the_template_round_trips(client, plan, pilot):
    OrganisationFactory(name="Grenoble-Alpes Métropole", kind="epci")
    AxisTheme.objects.create(name="Parentalité", slug="parentalite")
    client.force_login(pilot)
    template = client.get(IMPORT, {"modele": "1"}).content
    workbook = load_workbook(BytesIO(template))
    for row, values in enumerate(GOOD_LINES, start=2):
        for column, value in enumerate(values, start=1):
            workbook["Feuille de route"].cell(row=row, column=column, value=value)
    buffer = BytesIO()
    workbook.save(buffer)
    response = client.post(
        IMPORT, {"plan": plan.pk, "file": upload(buffer.getvalue())}, follow=True
    )
    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    assert "3 actions importées dans « CTG Grenoble-Alpes Métropole 2024-2028 »" in (
        response.content.decode()
    )
    actions = {a.title: a for a in Action.objects.filter(plan=plan).select_related("objective")}
    micro = actions["Ouvrir une micro-crèche"]
    assert (micro.status, micro.progress, micro.priority) == ("en_cours", 45, "haute")
    assert str(micro.budget) == "180000.50"
    assert micro.pilot_organisation.name == "Grenoble-Alpes Métropole"
    assert (micro.starts_on, micro.due_on) == (datetime.date(2025, 1, 6), datetime.date(2026, 9, 1))
    relay = actions["Relais petite enfance itinérant"]
    assert (relay.status, relay.progress, relay.priority) == ("a_lancer", 0, "moyenne")
    assert relay.objective_id == micro.objective_id  # one objective for both lines
    cafe = actions["Café des parents"]
    assert (cafe.status, cafe.progress, cafe.completed_on) == ("realisee", 100, cafe.due_on)
    assert Axis.objects.get(plan=plan, title="Parentalité").theme.slug == "parentalite"
    assert [a.position for a in Action.objects.filter(objective=micro.objective)] == [0, 1]
    event = ActivityEvent.objects.get(verb="plan.imported")
    assert (event.actor, event.changes["actions"]) == (pilot, [None, 3])


def test_a_file_with_bad_lines_reports_each_line_and_imports_nothing(client, plan, pilot):
    bad = [
        GOOD_LINES[0],
        ["Petite enfance", "", "Sans objectif", "", "01/01/2025", "01/02/2025", "", "", "", ""],
        [
            "Petite enfance",
            "Accueil",
            "Date impossible",
            "",
            "01/01/2025",
            "31/02/2026",
            "",
            "",
            "",
            "",
        ],
        [
            "Petite enfance",
            "Accueil",
            "Date mal écrite",
            "",
            "2025.01.01",
            "01/02/2025",
            "",
            "",
            "",
            "",
        ],
        [
            "Petite enfance",
            "Accueil",
            "Trop avancée",
            "",
            "01/01/2025",
            "01/02/2025",
            "",
            150,
            "",
            "",
        ],
        [
            "Petite enfance",
            "Accueil",
            "En retard",
            "",
            "01/01/2025",
            "01/02/2025",
            "En retard",
            "",
            "",
            "",
        ],
        [
            "Petite enfance",
            "Accueil",
            "Statut inconnu",
            "",
            "01/01/2025",
            "01/02/2025",
            "Terminé",
            "",
            "",
            "",
        ],
        [
            "Petite enfance",
            "Accueil",
            "Pilote inconnu",
            "Mairie de Brest",
            "01/01/2025",
            "01/02/2025",
            "",
            "",
            "",
            "",
        ],
        [
            "Petite enfance",
            "Accueil",
            "À l'envers",
            "",
            "01/03/2025",
            "01/02/2025",
            "",
            "",
            "douze",
            "Urgente",
        ],
    ]
    client.force_login(pilot)
    response = client.post(IMPORT, {"plan": plan.pk, "file": upload(template_filled(bad))})
    assert response.status_code == 400
    errors = response.context["rejected"]
    assert errors == [
        "Ligne 2 : le pilote « Grenoble-Alpes Métropole » n'est pas une organisation connue du "
        "territoire du plan.",
        "Ligne 3 : l'objectif est obligatoire.",
        "Ligne 4 : la date d'échéance « 31/02/2026 » n'existe pas.",
        "Ligne 5 : la date de début « 2025.01.01 » n'est pas au format JJ/MM/AAAA.",
        "Ligne 6 : l'avancement « 150 » doit être un pourcentage de 0 à 100.",
        "Ligne 7 : le statut « En retard » se déduit des dates : indiquez « À lancer » ou « En "
        "cours ».",
        "Ligne 8 : le statut « Terminé » est inconnu (À lancer, En cours, Réalisée ou Abandonnée).",
        "Ligne 9 : le pilote « Mairie de Brest » n'est pas une organisation connue du territoire "
        "du plan.",
        "Ligne 10 : l'échéance « 01/02/2025 » précède le début « 01/03/2025 ».",
        "Ligne 10 : le budget « douze » n'est pas un montant en euros.",
        "Ligne 10 : la priorité « Urgente » est inconnue (Haute, Moyenne ou Basse).",
    ]
    body = response.content.decode()
    assert "Rien n'a été importé : le fichier comporte 11 erreurs." in body
    assert "Ligne 4 : la date d&#x27;échéance « 31/02/2026 » n&#x27;existe pas." in body
    assert not Action.objects.exists()
    assert not Axis.objects.exists()
    assert not Objective.objects.exists()
    assert not ActivityEvent.objects.filter(verb="plan.imported").exists()


def test_a_good_file_imports_everything_in_one_transaction(plan, pilot, django_assert_num_queries):
    OrganisationFactory(name="Grenoble-Alpes Métropole")
    existing = AxisFactory(plan=plan, title="Petite enfance")
    ObjectiveFactory(axis=existing, title="Développer l'accueil")
    lines = GOOD_LINES * 40  # 120 lines
    file = upload(template_filled(lines))
    # savepoint, memberships, pilots, themes, axes, new axes, objectives, new objectives,
    # positions, new actions, activity event, release: the same for 3 lines or 3,000
    with django_assert_num_queries(12):
        result = imports.plan_import(plan=plan, by=pilot, upload=file)
    assert (result.axes, result.objectives, result.actions) == (1, 1, 120)
    assert Axis.objects.filter(plan=plan).count() == 2  # « Petite enfance » was reused
    assert Action.objects.filter(plan=plan).count() == 120


def test_the_import_is_all_or_nothing_when_the_database_refuses(plan, pilot, monkeypatch):
    from caflab import activity

    def broken(**kwargs):
        raise RuntimeError("journal indisponible")

    monkeypatch.setattr(activity, "record", broken)
    with pytest.raises(RuntimeError):
        imports.plan_import(plan=plan, by=pilot, upload=upload(template_filled(GOOD_LINES[1:])))
    assert not Axis.objects.exists()
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.xlsx", b"%PDF-1.7 pas un classeur", "Ce type de fichier n&#x27;est pas accepté"),
        ("plan.xlsx", b"MZ\x90\x00\x03\x00\x00\x00", "Ce type de fichier n&#x27;est pas accepté"),
        ("plan.xlsx", b"Axe;Objectif;Action\n", "Ce type de fichier n&#x27;est pas accepté"),
        ("plan.pdf", None, "L&#x27;extension du fichier ne correspond pas à son contenu"),
    ],
)
def test_a_disguised_file_is_refused(client, plan, pilot, name, content, message):
    content = content if content is not None else template_filled(GOOD_LINES)
    client.force_login(pilot)
    response = client.post(IMPORT, {"plan": plan.pk, "file": upload(content, name)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Action.objects.exists()


def test_a_word_file_renamed_xlsx_is_refused(client, plan, pilot):
    import zipfile

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    client.force_login(pilot)
    response = client.post(IMPORT, {"plan": plan.pk, "file": upload(buffer.getvalue())})
    assert response.status_code == 400
    assert not Action.objects.exists()


def test_a_broken_workbook_is_refused_not_a_500(client, plan, pilot):
    import zipfile

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<pas du xml")
    client.force_login(pilot)
    response = client.post(IMPORT, {"plan": plan.pk, "file": upload(buffer.getvalue())})
    assert response.status_code == 400
    assert "n&#x27;a pas pu être lu comme un classeur Excel" in response.content.decode()


def test_missing_columns_and_empty_files_are_explained(plan, pilot):
    workbook = Workbook()
    workbook.active.append(["Axe", "Action", "Date"])
    workbook.active.append(["Petite enfance", "Diagnostic", "01/01/2025"])
    buffer = BytesIO()
    workbook.save(buffer)
    with pytest.raises(imports.ImportRejected) as missing:
        imports.plan_import(plan=plan, by=pilot, upload=upload(buffer.getvalue()))
    assert missing.value.errors[0].startswith(
        "Ligne 1 : les colonnes « Objectif », « Début », « Échéance » manquent."
    )
    with pytest.raises(imports.ImportRejected) as empty:
        imports.plan_import(plan=plan, by=pilot, upload=upload(imports.template_workbook()))
    assert empty.value.errors == ["Le fichier ne contient aucune action à importer."]


def test_an_exported_plan_can_start_another_one(client, plan, pilot, roadmap):
    """The export's first columns are the import's: late and formula-like rows aside."""
    Action.objects.filter(pk=roadmap.pk).update(due_on=datetime.date(2030, 1, 1))
    client.force_login(pilot)
    exported = client.get(reverse("cooperation:plan-export-xlsx", args=[plan.pk])).content
    other = PlanFactory(title="CTG Voironnais")
    member(other, pilot, "pilote")
    result = imports.plan_import(plan=other, by=pilot, upload=upload(exported))
    assert result.actions == 3
    titles = set(Action.objects.filter(plan=other).values_list("title", flat=True))
    assert "Diagnostic des besoins de garde" in titles


@pytest.mark.parametrize("role", ["contributeur", "lecteur"])
def test_only_pilots_import_into_a_plan(client, plan, role):
    user = AgentFactory(caf=caf("38"))
    member(plan, user, role)
    client.force_login(user)
    page = client.get(IMPORT)
    assert page.status_code == 200
    assert "Vous ne pilotez aucun plan" in page.content.decode()
    response = client.post(IMPORT, {"plan": plan.pk, "file": upload(template_filled(GOOD_LINES))})
    assert response.status_code == 400
    assert "Choisissez un plan que vous pilotez." in response.content.decode()
    assert not Action.objects.exists()


def test_another_cafs_plan_cannot_be_filled(client, plan, pilot, other_caf_agent):
    foreign = PlanFactory(caf=caf("29"), title="CTG Brest")
    member(foreign, other_caf_agent, "pilote")
    client.force_login(pilot)
    page = client.get(IMPORT).content.decode()
    assert "CTG Grenoble-Alpes" in page
    assert "CTG Brest" not in page
    response = client.post(
        IMPORT, {"plan": foreign.pk, "file": upload(template_filled(GOOD_LINES))}
    )
    assert response.status_code == 400
    assert not Action.objects.exists()


def test_the_import_service_checks_the_right_itself(plan, contributor):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        imports.plan_import(plan=plan, by=contributor, upload=upload(template_filled(GOOD_LINES)))
