"""The project pages of the portfolio: what each role sees (anonymous, agent, another Caf's
agent, partner, the project's carrier, the CafLab), unpublished projects hidden, the faceted
portfolio and its exports, the project's page with its impact, the actions of the team and of
the CafLab (stage, team, fundings, documents, theory of change, indicators and their periods,
review, evidence, bilan, kit, essaimage, needs) with their refusals, the home panel, and query
counts that do not grow with the data."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from projects.models import (
    Assessment,
    ChangeStep,
    DeploymentKit,
    Evidence,
    Funding,
    Indicator,
    KitDocument,
    Match,
    Need,
    Period,
    Project,
    ProjectDocument,
    ProjectMember,
    Replication,
    SessionAttendance,
    StageChange,
    Theme,
)
from tests.caflab.factories import AgentFactory, caf
from tests.projects.factories import (
    ChangeStepFactory,
    CohortFactory,
    HelperFactory,
    IndicatorFactory,
    NeedFactory,
    PeriodFactory,
    ProgrammeFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


# The world ------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def carrier(db):
    """The carrier of the project: an agent of the Caf de l'Isère."""
    return AgentFactory(caf=caf("38"), first_name="Camille", last_name="Porteuse")


@pytest.fixture
def project(carrier):
    return ProjectFactory(
        title="Crèche à horaires atypiques de Grenoble",
        slug="creche-grenoble",
        carriers=[carrier],
        summary="Un accueil de 5 h à 23 h pour les parents en horaires décalés.",
    )


@pytest.fixture
def hidden(carrier):
    """An unpublished project of the same carrier."""
    return ProjectFactory(
        title="Laboratoire mobile confidentiel",
        slug="labo-mobile",
        carriers=[carrier],
        is_published=False,
    )


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, **kwargs) -> str:
    return reverse(f"projects:{name}", kwargs=kwargs)


def body(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page's visible words, without markup, spaces collapsed."""
    words = html.unescape(re.sub(r"<[^>]+>", " ", body(response)))
    return re.sub(r"\s+", " ", words)


def pdf(name: str = "compte-rendu.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def roles(request) -> dict:
    return {
        "agent": request.getfixturevalue("agent"),
        "other_caf_agent": request.getfixturevalue("other_caf_agent"),
        "partner": request.getfixturevalue("partner"),
        "carrier": request.getfixturevalue("carrier"),
        "staff": request.getfixturevalue("staff"),
    }


OUTSIDERS = ["agent", "other_caf_agent", "partner"]
INSIDERS = ["carrier", "staff"]


# Anonymous visitors ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["project-list", "project-export", "project-create", "period-review-list", "project-detail"],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, project, name):
    address = url(name, slug=project.slug) if name == "project-detail" else url(name)
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_posts_are_sent_to_the_login_page(client, project):
    response = client.post(url("funding-add", slug=project.slug), {"amount": "10"})
    assert response.status_code == 302
    assert not Funding.objects.exists()


# The portfolio --------------------------------------------------------------------------------
@pytest.mark.parametrize("role", OUTSIDERS + INSIDERS)
def test_everyone_logged_in_sees_the_published_portfolio(request, project, hidden, role):
    user = roles(request)[role]
    response = logged(user).get(url("project-list"))
    assert response.status_code == 200
    assert body(response).count("<h1") == 1
    assert "<title>Le portefeuille des projets — Portail CafLab</title>" in body(response)
    page = text(response)
    assert "Crèche à horaires atypiques de Grenoble" in page
    # The unpublished project: for its team and the CafLab only.
    assert ("Laboratoire mobile confidentiel" in page) == (role in INSIDERS)
    # « Nouveau projet »: the CafLab's.
    assert ("Nouveau projet" in page) == (role == "staff")


def test_portfolio_facets_count_each_value_keeping_the_other_filters(agent):
    programme = ProgrammeFactory(name="Innovation sociale territoriale", slug="ist")
    ProjectFactory(title="Crèche A", programme=programme)
    ProjectFactory(title="Crèche B", programme=programme, stage=Project.Stage.EXPERIMENT)
    ProjectFactory(
        title="Campus Cocoon'Age",
        programme=programme,
        kind=Project.Kind.CHALLENGE,
        theme=Theme.CHILDCARE_STAFF,
        stage=Project.Stage.SELECTION,
        cafs=[caf("29")],
    )
    client = logged(agent)

    page = text(client.get(url("project-list")))
    assert "3 projets" in page
    assert "Projet FIPE (2)" in page
    assert "Lauréat d'un défi (1)" in page
    assert "Innovation sociale territoriale (3)" in page
    assert "Auvergne-Rhône-Alpes (2)" in page
    assert "Bretagne (1)" in page
    assert "Porté par le CafLab" not in page  # no such project: the value is left out

    response = client.get(url("project-list"), {"kind": "fipe", "region": "84"})
    page = text(response)
    assert "2 projets pour cette recherche" in page
    assert "Crèche A" in page
    assert "Campus Cocoon'Age" not in page
    # The kind's counts keep the région: the défi of Bretagne is not counted.
    assert "Projet FIPE (2)" in page
    assert "Lauréat d'un défi" not in page
    # The stage's counts keep both filters.
    assert "Incubation (1)" in page
    assert "Expérimentation (1)" in page
    # The chosen values stay selected, and each can be removed alone.
    assert '<option value="fipe" selected>' in body(response)
    assert 'href="?region=84"' in body(response)  # « Type : Projet FIPE ✕ » keeps the région
    assert 'href="?kind=fipe"' in body(response)


def test_year_counts_stay_right_with_a_region_filter(agent):
    ProjectFactory(title="Crèche A")
    ProjectFactory(title="Crèche B")  # the same years: counted twice, not once
    response = logged(agent).get(url("project-list"), {"region": "84"})
    year = {row["name"]: row for row in response.context["facets"]}["year"]
    assert {o["value"]: o["count"] for o in year["options"]}["2025"] == 2


def test_portfolio_search_and_unknown_filters(agent, project):
    ProjectFactory(title="Podcast ÉchoSolidaires", summary="Un podcast itinérant.")
    client = logged(agent)
    page = text(client.get(url("project-list"), {"q": "podcast"}))
    assert "Podcast ÉchoSolidaires" in page
    assert "Crèche à horaires atypiques de Grenoble" not in page
    # The counts beside each filter follow the search too.
    response = client.get(url("project-list"), {"q": "podcast"})
    kinds = {row["name"]: row for row in response.context["facets"]}["kind"]
    assert {o["value"]: o["count"] for o in kinds["options"]}.get("fipe", 0) == 1
    # Values that are not values are dropped, never a server error.
    response = client.get(url("project-list"), {"year": "2025abc", "kind": "nope", "page": "x"})
    assert response.status_code == 200
    assert "2 projets" in text(response)
    response = client.get(url("project-list"), {"year": "2024"})
    assert "Aucun projet ne correspond à cette recherche." in text(response)


def test_portfolio_is_paginated_by_24_and_pages_keep_the_filters(agent):
    ProjectFactory.create_batch(30)
    client = logged(agent)
    first = client.get(url("project-list"), {"kind": "fipe"})
    assert len(first.context["projects"]) == 24
    assert 'href="?kind=fipe&amp;page=2"' in body(first)
    second = client.get(url("project-list"), {"kind": "fipe", "page": "2"})
    assert len(second.context["projects"]) == 6
    assert "Page 2 sur 2" in text(second)


def test_portfolio_charts_projects_per_stage_for_the_current_filters(agent, project):
    ProjectFactory(stage=Project.Stage.SPREADING, kind=Project.Kind.CARRIED)
    response = logged(agent).get(url("project-list"), {"kind": "fipe"})
    chart = response.context["stage_chart"]
    rows = {row[0]: row[1] for row in chart.table.rows}
    assert rows["Incubation"] == "1"
    assert rows["Essaimage"] == "0"  # filtered out by the kind
    assert "<svg" in body(response)
    assert "Voir les données du graphique" in body(response)


def test_portfolio_exports_the_filtered_projects_as_csv(agent, project, hidden):
    ProjectFactory(title="=HYPERLINK(1)", kind=Project.Kind.CARRIED)
    response = logged(agent).get(url("project-export"), {"format": "csv", "kind": "fipe"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "portefeuille-projets-" in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeffTitre;Programme;Type;Thème;Étape")
    lines = content.strip().split("\r\n")
    assert len(lines) == 2  # the header and the one published FIPE project
    assert "Crèche à horaires atypiques de Grenoble" in lines[1]
    assert "Caf de l'Isère (38)" in lines[1]
    assert "http://testserver/projets/creche-grenoble/" in lines[1]
    assert "Laboratoire mobile confidentiel" not in content  # unpublished, not the agent's


def test_portfolio_exports_xlsx_and_neutralises_formulas(staff, project):
    ProjectFactory(title="=HYPERLINK(1)")
    response = logged(staff).get(url("project-export"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Titre", "Programme", "Type")
    titles = {row[0] for row in rows[1:]}
    assert titles == {"Crèche à horaires atypiques de Grenoble", "'=HYPERLINK(1)"}
    assert logged(staff).get(url("project-export"), {"format": "pdf"}).status_code == 404


@pytest.mark.parametrize("n", [3, 30])
def test_portfolio_queries_do_not_grow(agent, n, django_assert_num_queries):
    for i in range(n):
        ProjectFactory(cafs=[caf("38"), caf(["29", "26", "87"][i % 3])])
    client = logged(agent)
    # session, user, the user's team projects, the page's count, the page of projects
    # (programme, région), their Cafs, the stage chart, the facets' eight: programme counts
    # and list, kind, stage, theme, région counts and list, years; then « Nouveau projet »
    # and the review list's button: the user's and their groups' model permissions
    with django_assert_num_queries(16):
        assert client.get(url("project-list"), {"kind": "fipe"}).status_code == 200


def test_a_portfolio_of_a_thousand_projects_reads_in_as_many_queries(
    agent, django_assert_num_queries
):
    """The scale of a national portfolio: 1,000 projects in three Cafs, the same queries."""
    programme = ProjectFactory().programme
    projects = Project.objects.bulk_create(
        Project(
            title=f"Relais petite enfance itinérant n°{i}",
            slug=f"relais-itinerant-{i}",
            summary="Un relais qui va vers les assistants maternels des communes rurales.",
            programme=programme,
            kind="fipe",
            theme="solutions_accueil",
            stage="incubation",
            started_on=date(2024 + i % 2, 1 + i % 12, 1),
        )
        for i in range(1000)
    )
    through = Project.cafs.through
    through.objects.bulk_create(
        through(project_id=project.pk, caf_id=caf(["38", "29", "87"][i % 3]).pk)
        for i, project in enumerate(projects)
    )
    client = logged(agent)
    with django_assert_num_queries(16):
        response = client.get(url("project-list"), {"kind": "fipe", "page": "3"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 1001
    assert len(response.context["projects"]) == 24


# The project's page ---------------------------------------------------------------------------
@pytest.mark.parametrize("role", OUTSIDERS + INSIDERS)
def test_every_role_sees_a_published_project(request, project, role):
    user = roles(request)[role]
    response = logged(user).get(project.get_absolute_url())
    assert response.status_code == 200
    assert body(response).count("<h1") == 1
    assert "<title>Crèche à horaires atypiques de Grenoble — Projets — Portail CafLab</title>" in (
        body(response)
    )
    page = text(response)
    assert "Camille Porteuse — Porteur" in page
    assert ("Modifier le projet" in page) == (role in INSIDERS)
    assert ("Changer d'étape" in page) == (role == "staff")
    assert ("Les documents du projet" in page) == (role in INSIDERS)


@pytest.mark.parametrize("role", OUTSIDERS)
def test_an_unpublished_project_is_a_404_for_outsiders(request, hidden, role):
    client = logged(roles(request)[role])
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(url("project-edit", slug=hidden.slug)).status_code == 404
    assert client.post(url("member-add", slug=hidden.slug), {}).status_code == 404
    assert client.get(url("kit-edit", slug=hidden.slug)).status_code == 404


@pytest.mark.parametrize("role", INSIDERS)
def test_an_unpublished_project_is_shown_to_its_team_and_the_caflab(request, hidden, role):
    response = logged(roles(request)[role]).get(hidden.get_absolute_url())
    assert response.status_code == 200
    assert "Non publié : visible de l'équipe et du CafLab" in text(response)


def test_unknown_project_is_a_404(agent):
    assert logged(agent).get(url("project-detail", slug="n-existe-pas")).status_code == 404


@pytest.fixture
def rich(project, carrier, staff):
    """The project with a little of everything its page shows."""
    StageChange.objects.create(
        project=project,
        from_stage=Project.Stage.INCUBATION,
        to_stage=Project.Stage.EXPERIMENT,
        changed_on=date(2025, 6, 2),
        note="Ouverture de la première section.",
        by=staff,
    )
    Project.objects.filter(pk=project.pk).update(
        stage=Project.Stage.EXPERIMENT, stage_changed_on=date(2025, 6, 2)
    )
    Funding.objects.create(
        project=project, source=Funding.Source.FIPE, amount=Decimal("45000"), year=2025
    )
    Funding.objects.create(
        project=project,
        source=Funding.Source.LOCAL,
        funder="Ville de Grenoble",
        amount=Decimal("5000.50"),
        year=2025,
    )
    for level, text_ in [
        (ChangeStep.Level.OBJECTIVE, "Garder les parents en emploi"),
        (ChangeStep.Level.ACTION, "Ouvrir une section de 5 h à 23 h"),
        (ChangeStep.Level.STAKEHOLDER, "Les employeurs de l'hôpital"),
        (ChangeStep.Level.IMPACT, "Moins de renoncements à l'emploi"),
    ]:
        ChangeStepFactory(project=project, level=level, text=text_)
    indicator = IndicatorFactory(
        project=project,
        baseline_on=date(2025, 1, 1),
        target_on=date(2026, 12, 31),
    )
    PeriodFactory(
        indicator=indicator,
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 3, 31),
        value=Decimal("8"),
        status=Period.Status.APPROVED,
    )
    PeriodFactory(
        indicator=indicator,
        starts_on=date(2025, 4, 1),
        ends_on=date(2025, 6, 30),
        value=Decimal("14"),
        status=Period.Status.APPROVED,
    )
    PeriodFactory(
        indicator=indicator,
        starts_on=date(2025, 7, 1),
        ends_on=date(2025, 9, 30),
        value=Decimal("99"),
        comment="Chiffre provisoire",
        status=Period.Status.DRAFT,
    )
    ProjectDocument.objects.create(
        project=project,
        file="projets/documents/convention.pdf",
        name="convention.pdf",
        title="Convention de financement",
        size=1200,
        content_type="application/pdf",
        uploaded_by=carrier,
    )
    return project


@pytest.mark.parametrize("role", OUTSIDERS + INSIDERS)
def test_project_page_shows_history_fundings_theory_and_indicators(request, rich, role):
    response = logged(roles(request)[role]).get(rich.get_absolute_url())
    page = text(response)
    # The dated history, as a timeline.
    assert "Expérimentation — 2 juin 2025 (après l'étape « Incubation »)" in page
    assert "Ouverture de la première section." in page
    # Fundings and their total.
    assert "Ville de Grenoble" in page
    assert "50 000,50 €" in page
    # The theory of change in four columns, in order.
    columns = [level for level, _label, _steps in response.context["theory_of_change"]]
    assert columns == ["objectif", "action", "partie_prenante", "impact"]
    assert "Les employeurs de l'hôpital" in page
    # The indicator: its latest approved value and its progress towards the target.
    assert "14 places au 30 juin 2025 — 35 % du chemin vers la cible" in page
    row = response.context["indicators"][0]
    assert row.progress_chart is not None
    assert row.values_chart.table.rows[-1][1] == "14\xa0places"
    # A draft value: for the team and the CafLab only.
    assert ("Chiffre provisoire" in page) == (role in INSIDERS)
    assert ("Convention de financement" in page) == (role in INSIDERS)


def test_indicator_status_compares_progress_with_time(rich, agent):
    # 35 % of the way at the end of June 2025, where 25 % of the time to the target was gone.
    row = logged(agent).get(rich.get_absolute_url()).context["indicators"][0]
    assert row.status == "on_track"
    Indicator.objects.filter(project=rich).update(target_on=date(2025, 7, 31))
    row = logged(agent).get(rich.get_absolute_url()).context["indicators"][0]
    assert row.status == "off_track"  # 35 % done, 86 % of the time gone
    assert row.status_label == "En retard"


def test_incubation_progress_links_to_the_cohort(agent, project):
    cohort = CohortFactory(name="Promotion Défi petite enfance 2025")
    Project.objects.filter(pk=project.pk).update(cohort=cohort)
    first = cohort.modules.order_by("position").first()
    SessionAttendance.objects.create(session=first.sessions.get(), project=project)
    response = logged(agent).get(project.get_absolute_url())
    page = text(response)
    assert "Promotion Défi petite enfance 2025" in page
    assert "1 module terminé sur 4 (25 %)" in page
    assert "Deux journées de préparation — terminé" in page
    assert "Modèle économique — à faire" in page


def test_needs_and_their_matches_are_shown(agent, project):
    need = NeedFactory(project=project, title="Trouver un cofinancement pour 2026")
    helper = HelperFactory(organisation__name="France Active Isère")
    Match.objects.create(need=need, helper=helper)
    page = text(logged(agent).get(project.get_absolute_url()))
    assert "Trouver un cofinancement pour 2026" in page
    assert "France Active Isère — Mise en relation proposée" in page


def grow(project: Project, n: int, staff) -> None:
    """n of every row the page lists: members, stage changes, fundings, steps, indicators with
    their periods and evidence, documents, needs with matches, replications, kit documents,
    contributions of the living labs."""
    from tests.livinglabs.factories import ContributionFactory

    for i in range(n):
        ContributionFactory(project_id=project.pk)
        ProjectMember.objects.create(project=project, user=AgentFactory(), role="membre")
        StageChange.objects.create(
            project=project,
            from_stage="incubation",
            to_stage="incubation",
            changed_on=date(2025, 1, 7) + timedelta(days=i),
            by=staff,
        )
        Funding.objects.create(project=project, source="caf", amount=Decimal(100 + i), year=2025)
        step = ChangeStepFactory(project=project, text=f"Impact {i}")
        indicator = IndicatorFactory(project=project, name=f"Indicateur {i}", impact=step)
        for j, status in enumerate(["validee", "validee", "soumise", "brouillon"]):
            period = PeriodFactory(
                indicator=indicator,
                starts_on=date(2025, 1 + 3 * j, 1),
                ends_on=date(2025, 3 + 3 * j, 28),
                status=status,
            )
            Evidence.objects.create(
                period=period, file="projets/preuves/p.pdf", name="p.pdf", size=10, content_type="x"
            )
        ProjectDocument.objects.create(
            project=project, file="projets/d.pdf", name=f"d{i}.pdf", size=10, content_type="x"
        )
        need = NeedFactory(project=project, title=f"Besoin {i}")
        Match.objects.create(need=need, helper=HelperFactory())
        Replication.objects.create(project=project, caf=caf(f"{10 + i}"))
        KitDocument.objects.create(
            kit=project.kit, file="projets/k.pdf", name=f"k{i}.pdf", size=10, content_type="x"
        )


@pytest.mark.parametrize("n", [1, 8])
def test_project_page_queries_do_not_grow(project, carrier, staff, n, django_assert_num_queries):
    cohort = CohortFactory()
    Project.objects.filter(pk=project.pk).update(cohort=cohort)
    DeploymentKit.objects.create(project=project, summary="Le kit.", steps="Une étape")
    Assessment.objects.create(project=project, summary="S", results="R", updated_by=carrier)
    project.refresh_from_db()
    grow(project, n, staff)
    client = logged(staff)
    # session, user, project (programme, région, cohort, call, kit, bilan), its Cafs, partners,
    # team (user, Caf), stage changes (by), fundings, theory of change, needs, their matches,
    # the matches' organisations (helper, then organisation), replications (Caf), indicators
    # (impact), periods, evidence, the cohort's modules and projects, attendances, accepted
    # deliverables, kit documents, documents (author), the Cafs of the essaimage form, the
    # living labs' contributions (workshop, lab)
    with django_assert_num_queries(25):
        assert client.get(project.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_project_page_queries_do_not_grow_for_an_outsider(
    project, other_caf_agent, staff, n, django_assert_num_queries
):
    DeploymentKit.objects.create(
        project=project, summary="Le kit.", steps="Une étape", is_published=True
    )
    project.refresh_from_db()
    grow(project, n, staff)
    client = logged(other_caf_agent)
    # session, user, the user's team projects, project (…), Cafs, partners, team, stage
    # changes, fundings, theory of change, needs, matches, helpers, organisations,
    # replications, indicators, periods (approved only), evidence, kit documents, the living
    # labs' contributions (workshop, lab)
    with django_assert_num_queries(20):
        assert client.get(project.get_absolute_url()).status_code == 200


# A new project and its description --------------------------------------------------------------
def creation(**overrides) -> dict:
    data = {
        "title": "Relais petite enfance itinérant",
        "slug": "",
        "summary": "Un relais qui se déplace dans les communes rurales.",
        "programme": "",
        "kind": Project.Kind.EXPERIMENT,
        "theme": Theme.INDIVIDUAL_CARE,
        "stage": Project.Stage.IDEATION,
        "cafs": [caf("38").pk],
        "region": "",
        "territories": "Trièves, Matheysine",
        "sponsor": "",
        "started_on": "2025-03-01",
        "ended_on": "",
        "carriers": "",
        "is_published": "on",
    }
    data.update(overrides)
    return data


def test_staff_creates_a_project_with_its_carriers(staff, carrier):
    client = logged(staff)
    response = client.post(url("project-create"), creation(carriers=carrier.email.upper()))
    project = Project.objects.get(slug="relais-petite-enfance-itinerant")
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert list(project.memberships.values_list("user", "role")) == [(carrier.pk, "porteur")]
    assert project.stage_changes.count() == 1
    assert list(project.cafs.values_list("number", flat=True)) == ["38"]
    page = text(client.get(response["Location"]))
    assert "Le projet « Relais petite enfance itinérant » est créé." in page


def test_project_creation_with_an_end_date(staff):
    logged(staff).post(url("project-create"), creation(slug="relais", ended_on="2025-12-31"))
    assert Project.objects.get(slug="relais").ended_on == date(2025, 12, 31)


@pytest.mark.parametrize("role", ["agent", "partner", "carrier"])
def test_only_the_caflab_creates_projects(request, role):
    client = logged(roles(request)[role])
    assert client.get(url("project-create")).status_code == 403
    assert client.post(url("project-create"), creation()).status_code == 403
    assert not Project.objects.exists()


def test_a_refused_creation_keeps_what_was_typed(staff, project):
    response = logged(staff).post(
        url("project-create"),
        creation(summary="", slug="creche-grenoble", carriers="inconnu@caf.test"),
    )
    assert response.status_code == 400
    page = text(response)
    assert "<title>Erreur — Nouveau projet" in body(response)
    assert "Présentez le projet en quelques lignes." in page
    assert "Un autre projet utilise déjà cette adresse." in page
    assert "Aucun compte actif n'utilise ces adresses : inconnu@caf.test." in page
    assert 'value="Relais petite enfance itinérant"' in body(response)
    assert "Trièves, Matheysine" in body(response)
    assert Project.objects.count() == 1


def test_a_reserved_address_is_refused(staff):
    response = logged(staff).post(url("project-create"), creation(slug="suivi"))
    assert response.status_code == 400
    assert "Cette adresse est réservée par le portail" in text(response)


def edition(project: Project, **overrides) -> dict:
    data = {
        "title": project.title,
        "summary": project.summary,
        "programme": project.programme_id or "",
        "kind": project.kind,
        "theme": project.theme,
        "cafs": [c.pk for c in project.cafs.all()],
        "region": "",
        "territories": "Grenoble, quartier Mistral",
        "sponsor": "",
        "started_on": project.started_on.isoformat(),
        "ended_on": "",
        "is_published": "on",
    }
    data.update(overrides)
    return data


def test_the_carrier_edits_the_project_but_not_its_kind(carrier, project):
    client = logged(carrier)
    form = client.get(url("project-edit", slug=project.slug))
    assert form.status_code == 200
    assert "disabled" in str(form.context["form"]["kind"])
    response = client.post(
        url("project-edit", slug=project.slug), edition(project, kind=Project.Kind.CARRIED)
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.territories == "Grenoble, quartier Mistral"
    assert project.kind == Project.Kind.FIPE  # the disabled field keeps the kind


def test_staff_changes_the_kind(staff, project):
    logged(staff).post(
        url("project-edit", slug=project.slug), edition(project, kind=Project.Kind.CARRIED)
    )
    project.refresh_from_db()
    assert project.kind == Project.Kind.CARRIED


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_may_not_edit_a_project(request, project, role):
    client = logged(roles(request)[role])
    assert client.get(url("project-edit", slug=project.slug)).status_code == 403
    response = client.post(url("project-edit", slug=project.slug), edition(project, title="X"))
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.title == "Crèche à horaires atypiques de Grenoble"


def test_a_refused_edit_keeps_what_was_typed(carrier, project):
    response = logged(carrier).post(
        url("project-edit", slug=project.slug),
        edition(project, title="Nouveau titre", ended_on="2020-01-01"),
    )
    assert response.status_code == 400
    assert "La fin du projet ne peut pas précéder son début." in text(response)
    assert 'value="Nouveau titre"' in body(response)


# The stage --------------------------------------------------------------------------------------
def test_staff_moves_the_project_to_another_stage(
    staff, project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged(staff).post(
            url("project-stage", slug=project.slug),
            {"stage": "experimentation", "on": TODAY.isoformat(), "note": "Ouverture"},
        )
    assert response.status_code == 302
    assert response["Location"].endswith("#etapes")
    project.refresh_from_db()
    assert project.stage == "experimentation"
    assert project.stage_changes.last().note == "Ouverture"


def test_the_carrier_may_not_change_the_stage(carrier, project):
    response = logged(carrier).post(
        url("project-stage", slug=project.slug), {"stage": "arrete", "on": TODAY.isoformat()}
    )
    assert response.status_code == 403


def test_stopping_a_project_needs_a_reason(staff, project):
    response = logged(staff).post(
        url("project-stage", slug=project.slug), {"stage": "arrete", "on": TODAY.isoformat()}
    )
    assert response.status_code == 400
    assert "Expliquez pourquoi le projet s'arrête" in text(response)
    assert "<title>Erreur — " in body(response)
    project.refresh_from_db()
    assert project.stage == "incubation"


def test_a_stage_date_in_the_future_is_refused(staff, project):
    response = logged(staff).post(
        url("project-stage", slug=project.slug),
        {"stage": "essaimage", "on": (TODAY + timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 400
    assert "ne peut pas être dans le futur" in text(response)


# The team ---------------------------------------------------------------------------------------
def test_the_carrier_adds_and_removes_a_member(carrier, project, agent):
    client = logged(carrier)
    response = client.post(
        url("member-add", slug=project.slug), {"email": agent.email.upper(), "role": "membre"}
    )
    assert response.status_code == 302
    member = project.memberships.get(user=agent)
    assert member.role == "membre"
    response = client.post(url("member-remove", slug=project.slug, pk=member.pk))
    assert response.status_code == 302
    assert not project.memberships.filter(user=agent).exists()


def test_an_unknown_email_is_refused_and_kept(carrier, project):
    response = logged(carrier).post(
        url("member-add", slug=project.slug), {"email": "personne@ailleurs.test", "role": "membre"}
    )
    assert response.status_code == 400
    assert "Aucun compte actif n'utilise cette adresse" in text(response)
    assert 'value="personne@ailleurs.test"' in body(response)


def test_a_member_twice_is_refused(carrier, project):
    response = logged(carrier).post(
        url("member-add", slug=project.slug), {"email": carrier.email, "role": "membre"}
    )
    assert response.status_code == 400
    assert "Cette personne fait déjà partie de l'équipe." in text(response)


def test_the_last_carrier_cannot_be_removed(carrier, project):
    member = project.memberships.get()
    response = logged(carrier).post(
        url("member-remove", slug=project.slug, pk=member.pk), follow=True
    )
    assert "Le projet doit garder au moins un porteur." in text(response)
    assert project.memberships.filter(pk=member.pk).exists()


def test_an_outsider_may_not_change_the_team(agent, project):
    client = logged(agent)
    response = client.post(url("member-add", slug=project.slug), {"email": agent.email})
    assert response.status_code == 403
    member = project.memberships.get()
    assert client.post(url("member-remove", slug=project.slug, pk=member.pk)).status_code == 403


# Fundings and documents -------------------------------------------------------------------------
def test_the_carrier_adds_a_funding(carrier, project):
    response = logged(carrier).post(
        url("funding-add", slug=project.slug),
        {"source": "fipe", "funder": "Cnaf", "amount": "12 500,50", "year": "2025"},
    )
    assert response.status_code == 302
    assert Funding.objects.get(project=project).amount == Decimal("12500.50")


def test_a_funding_must_be_positive(carrier, project):
    response = logged(carrier).post(
        url("funding-add", slug=project.slug),
        {"source": "fipe", "funder": "Cnaf", "amount": "-3", "year": "2025"},
    )
    assert response.status_code == 400
    assert "Le montant d'un financement doit être positif." in text(response)
    assert 'value="Cnaf"' in body(response)


def test_documents_are_uploaded_and_served_to_the_team_only(carrier, project, agent, staff):
    response = logged(carrier).post(
        url("document-upload", slug=project.slug), {"file": pdf(), "title": "Compte rendu"}
    )
    assert response.status_code == 302
    document = ProjectDocument.objects.get(project=project)
    address = url("document-download", slug=project.slug, pk=document.pk)
    download = logged(carrier).get(address)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Cache-Control"] == "private, no-store"
    assert logged(staff).get(address).status_code == 200
    assert logged(agent).get(address).status_code == 404


def test_a_disguised_file_is_refused(carrier, project):
    disguised = SimpleUploadedFile("budget.pdf", b"MZ\x90\x00" + b"\x00" * 60)
    response = logged(carrier).post(url("document-upload", slug=project.slug), {"file": disguised})
    assert response.status_code == 400
    assert "Ce type de fichier n'est pas accepté." in text(response)
    assert not ProjectDocument.objects.exists()


# Theory of change -----------------------------------------------------------------------------
def test_the_carrier_writes_the_theory_of_change(carrier, project):
    client = logged(carrier)
    response = client.post(
        url("change-step-create", slug=project.slug),
        {"level": "objectif", "text": "Garder les parents en emploi"},
    )
    assert response.status_code == 302
    step = project.change_steps.get()
    page = client.get(url("change-step-edit", slug=project.slug, pk=step.pk))
    assert page.status_code == 200
    client.post(
        url("change-step-edit", slug=project.slug, pk=step.pk),
        {"level": "impact", "text": "Moins de renoncements"},
    )
    step.refresh_from_db()
    assert (step.level, step.text) == ("impact", "Moins de renoncements")
    client.post(url("change-step-delete", slug=project.slug, pk=step.pk))
    assert not project.change_steps.exists()


def test_an_empty_step_is_refused(carrier, project):
    response = logged(carrier).post(
        url("change-step-create", slug=project.slug), {"level": "objectif", "text": " "}
    )
    assert response.status_code == 400
    assert "L'énoncé est obligatoire." in text(response)


def test_an_outsider_may_not_touch_the_theory_of_change(agent, project):
    step = ChangeStepFactory(project=project)
    client = logged(agent)
    address = url("change-step-create", slug=project.slug)
    assert client.post(address, {"level": "objectif", "text": "X"}).status_code == 403
    address = url("change-step-delete", slug=project.slug, pk=step.pk)
    assert client.post(address).status_code == 403
    other = ChangeStepFactory()
    address = url("change-step-edit", slug=project.slug, pk=other.pk)
    assert logged(project.memberships.get().user).get(address).status_code == 404


# Indicators and periods -----------------------------------------------------------------------
def test_the_carrier_creates_an_indicator(carrier, project):
    impact = ChangeStepFactory(project=project, level="impact", text="Moins de renoncements")
    page = logged(carrier).get(url("indicator-create", slug=project.slug))
    assert page.status_code == 200
    assert "<title>Nouvel indicateur — Crèche à horaires atypiques de Grenoble" in body(page)
    assert "Moins de renoncements" in text(page)  # the impact it may measure
    response = logged(carrier).post(
        url("indicator-create", slug=project.slug),
        {
            "name": "Familles accueillies",
            "unit": "familles",
            "direction": "hausse",
            "baseline": "0",
            "target": "60",
            "impact": impact.pk,
        },
    )
    assert response.status_code == 302
    indicator = project.indicators.get()
    assert (indicator.target, indicator.impact) == (Decimal("60"), impact)


def test_a_refused_indicator_keeps_what_was_typed(carrier, project):
    response = logged(carrier).post(
        url("indicator-create", slug=project.slug),
        {"name": "Familles", "direction": "baisse", "baseline": "10", "target": "40"},
    )
    assert response.status_code == 400
    assert "Pour un indicateur à diminuer, la cible est sous le départ." in text(response)
    assert 'value="Familles"' in body(response)


@pytest.fixture
def indicator(project):
    return IndicatorFactory(project=project)


def test_the_period_life_from_draft_to_locked(
    carrier, staff, indicator, django_capture_on_commit_callbacks
):
    project = indicator.project
    team, caflab = logged(carrier), logged(staff)
    page = team.get(url("period-create", slug=project.slug, pk=indicator.pk))
    assert page.status_code == 200
    assert "Valeur de départ : 0 places ; cible : 40 places." in text(page)
    response = team.post(
        url("period-create", slug=project.slug, pk=indicator.pk),
        {"starts_on": "2025-01-01", "ends_on": "2025-06-30", "value": "", "comment": ""},
    )
    period = Period.objects.get(indicator=indicator)
    assert response["Location"] == url("period-detail", slug=project.slug, pk=period.pk)
    # Complete the value, then submit.
    team.post(
        url("period-detail", slug=project.slug, pk=period.pk),
        {"starts_on": "2025-01-01", "ends_on": "2025-06-30", "value": "12", "comment": "Relevé"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        team.post(url("period-submit", slug=project.slug, pk=period.pk))
    period.refresh_from_db()
    assert period.status == Period.Status.SUBMITTED
    # The CafLab approves from the review list, and comes back to it.
    listing = url("period-review-list")
    with django_capture_on_commit_callbacks(execute=True):
        response = caflab.post(
            url("period-review", slug=project.slug, pk=period.pk),
            {"decision": "valider", "note": "", "next": listing},
        )
    assert response["Location"] == listing
    period.refresh_from_db()
    assert period.status == Period.Status.APPROVED
    # Locked: the team can no longer change it, nor add evidence.
    response = team.post(
        url("period-detail", slug=project.slug, pk=period.pk),
        {"starts_on": "2025-01-01", "ends_on": "2025-06-30", "value": "40"},
        follow=True,
    )
    assert "Cette période est validée : elle ne peut plus être modifiée." in text(response)
    period.refresh_from_db()
    assert period.value == Decimal("12")
    response = team.post(
        url("evidence-upload", slug=project.slug, pk=period.pk), {"file": pdf()}, follow=True
    )
    assert "Cette période est validée" in text(response)
    assert not Evidence.objects.exists()


def test_a_returned_period_needs_a_note(staff, indicator):
    period = PeriodFactory(indicator=indicator, status=Period.Status.SUBMITTED)
    project = indicator.project
    response = logged(staff).post(
        url("period-review", slug=project.slug, pk=period.pk), {"decision": "renvoyer", "note": ""}
    )
    assert response.status_code == 400
    assert "Dites au porteur ce qu'il doit corriger." in text(response)
    period.refresh_from_db()
    assert period.status == Period.Status.SUBMITTED
    logged(staff).post(
        url("period-review", slug=project.slug, pk=period.pk),
        {"decision": "renvoyer", "note": "La valeur compte les places, pas les enfants."},
    )
    period.refresh_from_db()
    assert period.status == Period.Status.RETURNED


def test_a_returned_period_keeps_a_value(carrier, indicator):
    period = PeriodFactory(indicator=indicator, status=Period.Status.RETURNED)
    response = logged(carrier).post(
        url("period-detail", slug=indicator.project.slug, pk=period.pk),
        {"starts_on": "2025-01-01", "ends_on": "2025-06-30", "value": "", "comment": "Corrigé"},
    )
    assert response.status_code == 400
    assert "Saisissez la valeur corrigée" in text(response)
    assert "Corrigé" in body(response)


def test_overlapping_periods_are_refused_with_the_typed_dates(carrier, indicator):
    PeriodFactory(indicator=indicator)
    response = logged(carrier).post(
        url("period-create", slug=indicator.project.slug, pk=indicator.pk),
        {"starts_on": "2025-03-01", "ends_on": "2025-09-30", "value": "3"},
    )
    assert response.status_code == 400
    assert "Cette période chevauche une période déjà saisie" in text(response)
    assert 'value="2025-09-30"' in body(response)


def test_only_the_caflab_reviews(carrier, agent, indicator):
    period = PeriodFactory(indicator=indicator, status=Period.Status.SUBMITTED)
    address = url("period-review", slug=indicator.project.slug, pk=period.pk)
    assert logged(carrier).post(address, {"decision": "valider"}).status_code == 403
    assert logged(agent).post(address, {"decision": "valider"}).status_code == 403
    period.refresh_from_db()
    assert period.status == Period.Status.SUBMITTED


def test_outsiders_see_approved_values_only_and_no_period_page(agent, indicator):
    period = PeriodFactory(indicator=indicator)
    client = logged(agent)
    address = url("period-detail", slug=indicator.project.slug, pk=period.pk)
    assert client.get(address).status_code == 403
    response = client.post(
        url("period-create", slug=indicator.project.slug, pk=indicator.pk),
        {"starts_on": "2026-01-01", "ends_on": "2026-06-30", "value": "3"},
    )
    assert response.status_code == 403


def test_evidence_is_uploaded_and_served_to_the_team(carrier, agent, staff, indicator):
    period = PeriodFactory(indicator=indicator)
    project = indicator.project
    response = logged(carrier).post(
        url("evidence-upload", slug=project.slug, pk=period.pk), {"file": pdf("releve.pdf")}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(period=period)
    address = url("evidence-download", slug=project.slug, pk=evidence.pk)
    assert logged(carrier).get(address).status_code == 200
    assert logged(staff).get(address).status_code == 200
    assert logged(agent).get(address).status_code == 404
    page = text(logged(carrier).get(url("period-detail", slug=project.slug, pk=period.pk)))
    assert "releve.pdf" in page


def test_the_review_list_is_the_caflab_s(staff, agent, carrier, indicator):
    PeriodFactory(
        indicator=indicator,
        status=Period.Status.SUBMITTED,
        submitted_by=carrier,
        submitted_at=timezone.now(),
    )
    response = logged(staff).get(url("period-review-list"))
    assert response.status_code == 200
    page = text(response)
    assert "1 valeur attend votre examen" in page
    assert "Crèche à horaires atypiques de Grenoble" in page
    assert "par Camille Porteuse" in page
    assert logged(agent).get(url("period-review-list")).status_code == 403
    assert logged(carrier).get(url("period-review-list")).status_code == 403


@pytest.mark.parametrize("n", [1, 25])
def test_review_list_queries_do_not_grow(staff, n, django_assert_num_queries):
    for i in range(n):
        indicator = IndicatorFactory(name=f"Indicateur {i}")
        PeriodFactory(indicator=indicator, status=Period.Status.SUBMITTED)
    client = logged(staff)
    # session, user, count, the page of periods (indicator, project, author), their evidence
    with django_assert_num_queries(5):
        assert client.get(url("period-review-list")).status_code == 200


# The bilan ------------------------------------------------------------------------------------
def test_the_bilan_is_written_by_the_team_and_published_by_the_caflab(
    carrier, staff, agent, project
):
    assessment_url = url("assessment-edit", slug=project.slug)
    assert logged(carrier).get(assessment_url).status_code == 200
    response = logged(carrier).post(
        assessment_url,
        {"summary": "Quarante places ouvertes.", "results": "Emploi gardé", "lessons": ""},
    )
    assert response.status_code == 302
    assert "Quarante places ouvertes." not in text(logged(agent).get(project.get_absolute_url()))
    publish = url("assessment-publish", slug=project.slug)
    assert logged(carrier).post(publish).status_code == 403
    logged(staff).post(publish)
    assert Assessment.objects.get(project=project).is_published
    assert "Quarante places ouvertes." in text(logged(agent).get(project.get_absolute_url()))


def test_an_empty_bilan_is_refused(carrier, project):
    response = logged(carrier).post(
        url("assessment-edit", slug=project.slug),
        {"summary": "", "results": "", "lessons": "À garder"},
    )
    assert response.status_code == 400
    assert "Rédigez la synthèse" in text(response)
    assert "À garder" in body(response)


def test_publishing_a_missing_bilan_says_so(staff, project):
    response = logged(staff).post(url("assessment-publish", slug=project.slug), follow=True)
    assert "Rédigez le bilan avant de le publier." in text(response)


# Essaimage: the kit and replications ------------------------------------------------------------
def kit_data(**overrides) -> dict:
    data = {
        "version": "1.0",
        "summary": "Tout pour ouvrir une crèche en horaires atypiques.",
        "steps": "Réunir les employeurs\nTrouver un local",
        "attention_points": "",
        "good_practices": "",
    }
    data.update(overrides)
    return data


def test_the_kit_and_its_documents_follow_its_publication(carrier, agent, project):
    team = logged(carrier)
    assert team.post(url("kit-edit", slug=project.slug), kit_data()).status_code == 302
    response = team.post(url("kit-document-upload", slug=project.slug), {"file": pdf("guide.pdf")})
    assert response.status_code == 302
    document = KitDocument.objects.get()
    address = url("kit-document-download", slug=project.slug, pk=document.pk)
    assert team.get(address).status_code == 200
    outsider = logged(agent)
    assert outsider.get(address).status_code == 404  # the kit is not published yet
    assert "Trouver un local" not in text(outsider.get(project.get_absolute_url()))
    team.post(url("kit-edit", slug=project.slug), kit_data(is_published="on"))
    assert outsider.get(address).status_code == 200
    page = text(outsider.get(project.get_absolute_url()))
    assert "Trouver un local" in page
    assert "guide.pdf" in page
    assert outsider.get(url("kit-edit", slug=project.slug)).status_code == 403


def test_an_empty_kit_is_refused(carrier, project):
    response = logged(carrier).post(url("kit-edit", slug=project.slug), kit_data(steps=""))
    assert response.status_code == 400
    assert "Décrivez au moins une étape." in text(response)
    assert "Tout pour ouvrir une crèche" in body(response)


def test_an_agent_declares_their_own_caf_once(other_caf_agent, project):
    client = logged(other_caf_agent)
    assert "Ma Caf reproduit ce projet" in text(client.get(project.get_absolute_url()))
    response = client.post(url("replication-declare", slug=project.slug), {"note": "Dès 2026"})
    assert response.status_code == 302
    replication = Replication.objects.get(project=project)
    assert (replication.caf.number, replication.note) == ("29", "Dès 2026")
    page = text(client.get(project.get_absolute_url()))
    assert "Ma Caf reproduit ce projet" not in page
    # The agent of that Caf changes its status; another Caf's agent may not.
    response = client.post(
        url("replication-status", slug=project.slug, pk=replication.pk),
        {"status": "deployee", "note": ""},
    )
    assert response.status_code == 302
    replication.refresh_from_db()
    assert replication.status == "deployee"
    other = logged(AgentFactory(caf=caf("26")))
    address = url("replication-status", slug=project.slug, pk=replication.pk)
    assert other.post(address, {"status": "abandon"}).status_code == 403


def test_staff_declares_any_caf_and_a_duplicate_is_refused(staff, project):
    client = logged(staff)
    response = client.post(url("replication-declare", slug=project.slug), {"caf": caf("26").pk})
    assert response.status_code == 302
    response = client.post(url("replication-declare", slug=project.slug), {"caf": caf("26").pk})
    assert response.status_code == 400
    assert "Cette Caf essaime déjà ce projet." in text(response)


def test_a_partner_cannot_declare_an_essaimage(partner, project):
    response = logged(partner).post(url("replication-declare", slug=project.slug), {})
    assert response.status_code == 403


def test_a_stopped_project_is_not_offered_to_essaimage(other_caf_agent, project):
    Project.objects.filter(pk=project.pk).update(stage=Project.Stage.STOPPED)
    client = logged(other_caf_agent)
    assert "Ma Caf reproduit ce projet" not in text(client.get(project.get_absolute_url()))
    response = client.post(url("replication-declare", slug=project.slug), {})
    assert response.status_code == 400
    assert "Ce projet est arrêté : il ne peut pas être essaimé." in text(response)


# Needs ------------------------------------------------------------------------------------------
def test_the_carrier_publishes_and_closes_a_need(carrier, agent, project):
    client = logged(carrier)
    response = client.post(
        url("need-publish", slug=project.slug),
        {"kind": "expertise", "title": "Un juriste pour le statut", "description": ""},
    )
    assert response.status_code == 302
    need = Need.objects.get(project=project)
    assert "Un juriste pour le statut" in text(logged(agent).get(project.get_absolute_url()))
    response = logged(agent).post(url("need-close", slug=project.slug, pk=need.pk), {})
    assert response.status_code == 403
    client.post(url("need-close", slug=project.slug, pk=need.pk), {"status": "pourvu"})
    need.refresh_from_db()
    assert need.status == Need.Status.MATCHED


def test_an_empty_need_is_refused(carrier, project):
    response = logged(carrier).post(
        url("need-publish", slug=project.slug),
        {"kind": "expertise", "title": "", "description": "Un détail"},
    )
    assert response.status_code == 400
    assert "Décrivez le besoin en une phrase." in text(response)
    assert "Un détail" in body(response)


# The home panel -------------------------------------------------------------------------------
def test_the_home_panel_lists_the_team_s_projects(carrier, project, agent, staff):
    indicator = IndicatorFactory(project=project)
    PeriodFactory(indicator=indicator, status=Period.Status.RETURNED)
    PeriodFactory(indicator=indicator, starts_on=date(2025, 7, 1), ends_on=date(2025, 12, 31))
    page = text(logged(carrier).get("/"))
    assert "Mes projets" in page
    assert "Crèche à horaires atypiques de Grenoble" in page
    assert "1 valeur renvoyée par le CafLab, à corriger" in page
    assert "1 période en brouillon, à soumettre" in page
    assert "Mes projets" not in text(logged(agent).get("/"))
    page = text(logged(staff).get("/"))
    assert "Aucune valeur d'indicateur n'attend d'examen." in page


@pytest.mark.parametrize("n", [1, 10])
def test_the_home_panel_queries_do_not_grow(carrier, n, django_assert_num_queries):
    for _ in range(n):
        indicator = IndicatorFactory(project=ProjectFactory(carriers=[carrier]))
        PeriodFactory(indicator=indicator)
    client = logged(carrier)
    # session, user, the user's Caf, open consultations, living labs, Eurekaf (campaigns,
    # followed ideas), COOPération, then this panel: the team's projects and the projects,
    # and the Caf'IA panel (the Caf's coming bookings)
    with django_assert_num_queries(11):
        assert client.get("/").status_code == 200


def test_the_living_labs_contributions_attached_to_the_project_show(project, other_caf_agent):
    from tests.livinglabs.factories import ContributionFactory

    ContributionFactory(
        project_id=project.pk,
        text="Les horaires de la crèche ne collent pas aux plannings des soignants.",
        workshop__lab__name="Lab parentalité de l'Isère",
    )
    page = text(logged(other_caf_agent).get(project.get_absolute_url()))
    assert "Ce que les living labs ont apporté" in page
    assert "ne collent pas aux plannings des soignants" in page
    assert "Lab parentalité de l'Isère" in page
