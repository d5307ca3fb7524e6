"""The network pages of the projects' space: programmes, calls and their jury, incubation,
partner search, creativity sessions and trainings. What each role sees and may do (anonymous,
agent, another Caf's agent, partner, referent, staff, juror or not, a project's team or not),
the happy paths and the refusals, forms that keep what was typed, the exports, and query
counts that do not grow with the data."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from caflab.models import User
from projects import selectors, services
from projects.models import (
    Application,
    Call,
    CreativitySession,
    Deliverable,
    Enrolment,
    JuryAssignment,
    Match,
    Need,
    Project,
    Score,
    SessionAttendance,
    Trainee,
)
from tests.caflab.factories import AgentFactory, OrganisationFactory, caf, region
from tests.projects.factories import (
    ApplicationFactory,
    CallFactory,
    CohortFactory,
    CreativitySessionFactory,
    HelperFactory,
    JuryAssignmentFactory,
    NeedFactory,
    ProgrammeFactory,
    ProjectFactory,
    TraineeFactory,
    TrainingFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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
    return re.sub(r"\s+", " ", words.replace("\xa0", " "))


def title(response) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", body(response), re.S).group(1))


def score(assignment: JuryAssignment, values: list[int], comment: str = "") -> None:
    """The juror scores the grid, criterion by criterion in the grid's order."""
    criteria = list(assignment.application.call.criteria.all())
    services.score_submit(
        assignment=assignment,
        # A fresh user: the rules cache the juror's applications on the user object.
        by=User.objects.get(pk=assignment.juror_id),
        scores={c.pk: v for c, v in zip(criteria, values, strict=True)},
        comment=comment,
    )


# The world ------------------------------------------------------------------------------------
@pytest.fixture
def juror(db):
    return AgentFactory(caf=caf("29"), email="jure@caf29.test")


@pytest.fixture
def jury_call(db):
    """The Défi, closed to applications and in the hands of its jury."""
    return CallFactory(
        title="Défi petite enfance",
        slug="defi-petite-enfance",
        status=Call.Status.JURY,
        winners_count=2,
    )


@pytest.fixture
def application(jury_call, agent):
    return ApplicationFactory(
        call=jury_call,
        title="Campus Cocoon'Age",
        team_name="Équipe Auvergne-Rhône-Alpes",
        contact=agent,
    )


@pytest.fixture
def assignment(application, juror):
    return JuryAssignmentFactory(application=application, juror=juror)


@pytest.fixture
def cohort(agent):
    """A cohort of the Défi with two published projects (the agent carries the first) and an
    unpublished one."""
    cohort = CohortFactory(name="Promotion Défi 2025", slug="promotion-defi-2025")
    ProjectFactory(title="Campus Cocoon'Age", cohort=cohort, carriers=[agent])
    ProjectFactory(title="Incub'talents", cohort=cohort)
    ProjectFactory(title="Projet confidentiel", cohort=cohort, is_published=False)
    return cohort


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def pages() -> dict[str, str]:
    """One page of each kind, for the access tests (the objects are made by `world`)."""
    return {
        "programme-list": url("programme-list"),
        "programme-detail": url("programme-detail", slug="ist"),
        "call-list": url("call-list"),
        "call-detail": url("call-detail", slug="defi-petite-enfance"),
        "jury-list": url("jury-list"),
        "cohort-list": url("cohort-list"),
        "cohort-detail": url("cohort-detail", slug="promotion-defi-2025"),
        "need-list": url("need-list"),
        "training-list": url("training-list"),
    }


@pytest.fixture
def world(jury_call, cohort):
    ProgrammeFactory(name="Innovation sociale territoriale", slug="ist")
    NeedFactory(project=cohort.projects.first())
    session = TrainingSessionFactory()
    return {
        **pages(),
        "training-detail": url("training-detail", pk=session.training_id),
        "training-session": url("training-session", pk=session.pk),
        "creativity-list": url("creativity-list"),
    }


# Who opens what -------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    for name, address in world.items():
        response = client.get(address)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/comptes/login/?next="), name


@pytest.mark.parametrize("who", ["agent", "other_caf_agent", "partner", "referent", "staff"])
def test_every_logged_in_role_opens_the_network_pages(who, world, request):
    client = logged(request.getfixturevalue(who))
    for name, address in world.items():
        expected = 403 if (who == "partner" and name == "creativity-list") else 200
        response = client.get(address)
        assert response.status_code == expected, name
        if expected == 200:
            assert body(response).count("<h1") == 1, name
            assert title(response).endswith("— Portail CafLab"), name


def test_unknown_objects_are_404(staff):
    client = logged(staff)
    for address in [
        url("programme-detail", slug="inconnu"),
        url("call-detail", slug="inconnu"),
        url("cohort-detail", slug="inconnue"),
        url("training-detail", pk=999999),
        url("training-session", pk=999999),
        url("jury-score", pk=999999),
    ]:
        assert client.get(address).status_code == 404, address


# Programmes -----------------------------------------------------------------------------------
def test_programmes_list_their_visible_projects(agent, other_caf_agent):
    ist = ProgrammeFactory(name="Innovation sociale territoriale", slug="ist")
    ProgrammeFactory(name="Écologie solidaire", slug="ecologie")
    ProjectFactory(programme=ist, title="Crèche à horaires atypiques")
    ProjectFactory(
        programme=ist, title="Relais itinérant", theme="information_familles", kind="accompagne"
    )
    ProjectFactory(programme=ist, title="Projet de l'équipe", is_published=False, carriers=[agent])
    CallFactory(programme=ist, title="Défi petite enfance", status=Call.Status.OPEN)
    CallFactory(programme=ist, title="Appel en préparation", status=Call.Status.DRAFT)
    CohortFactory(programme=ist, name="Promotion FIPE")

    listing = text(logged(other_caf_agent).get(url("programme-list")))
    assert "Innovation sociale territoriale" in listing
    assert "2 projets" in listing  # the unpublished one is its team's
    assert "0 projet" in listing
    assert "3 projets" in text(logged(agent).get(url("programme-list")))

    page = text(logged(other_caf_agent).get(ist.get_absolute_url()))
    assert "Les 2 projets du programme" in page
    assert "Projet FIPE (1)" in page
    assert "Accompagné par le CafLab (1)" in page
    assert "Diversification des solutions d'accueil" in page
    assert "Projet de l'équipe" not in page
    assert "Défi petite enfance" in page
    assert "Appel en préparation" not in page  # a call in preparation is the CafLab's
    assert "Promotion FIPE" in page
    assert "Projets du programme par thème" in page  # the chart and its data table


# Calls ----------------------------------------------------------------------------------------
def test_a_call_in_preparation_is_the_caflabs(agent, staff):
    draft = CallFactory(title="Appel en préparation", status=Call.Status.DRAFT)
    assert "Appel en préparation" not in text(logged(agent).get(url("call-list")))
    assert logged(agent).get(draft.get_absolute_url()).status_code == 404
    assert logged(agent).get(url("call-apply", slug=draft.slug)).status_code == 404
    assert "Appel en préparation" in text(logged(staff).get(url("call-list")))
    assert logged(staff).get(draft.get_absolute_url()).status_code == 200


def test_the_call_page_shows_the_grid_and_the_staff_tools_to_staff_only(
    agent, staff, application, assignment
):
    call = application.call
    page = text(logged(agent).get(call.get_absolute_url()))
    for fact in ["Défi petite enfance", "Caractère innovant", "Réplicabilité", "Lauréats prévus 2"]:
        assert fact in page
    assert "Vos candidatures" in page
    assert "Campus Cocoon'Age" in page
    assert "Pilotage de l'appel" not in page
    assert "Candidater" not in page  # the jury is at work

    page = text(logged(staff).get(call.get_absolute_url()))
    assert "Pilotage de l'appel" in page
    assert "Voir le classement et désigner les lauréats" in page
    assert "1 candidature reçue" in page
    assert f"{assignment.juror} (en attente)" in page


def test_an_agent_applies_while_the_call_is_open(agent):
    call = CallFactory(title="Défi ouvert", status=Call.Status.OPEN)
    client = logged(agent)
    assert "Candidater" in text(client.get(call.get_absolute_url()))
    form = client.get(url("call-apply", slug=call.slug))
    assert form.status_code == 200
    assert f'<option value="{agent.caf_id}" selected>' in body(form)  # the agent's Caf
    response = client.post(
        url("call-apply", slug=call.slug),
        {
            "title": "Laboratoire mobile",
            "team_name": "Équipe Centre-Val de Loire",
            "summary": "Un laboratoire qui va au-devant des professionnels.",
            "caf": agent.caf_id,
            "region": region("24").pk,
        },
    )
    application = Application.objects.get(call=call)
    assert response.status_code == 302
    assert response["Location"] == url("application-detail", slug=call.slug, pk=application.pk)
    assert application.contact == agent
    assert application.region == region("24")
    page = text(client.get(response["Location"]))
    assert "Votre candidature « Laboratoire mobile » est déposée." in page
    assert "Déposée" in page


def test_a_refused_application_keeps_what_was_typed(agent, other_caf_agent):
    call = CallFactory(status=Call.Status.OPEN)
    ApplicationFactory(call=call, team_name="Équipe Bretagne", contact=other_caf_agent)
    response = logged(agent).post(
        url("call-apply", slug=call.slug),
        {
            "title": "Campagne d'attractivité",
            "team_name": "équipe bretagne",
            "summary": "Des vidéos",
        },
    )
    assert response.status_code == 400
    assert title(response).startswith("Erreur — ")
    page = text(response)
    assert "L'équipe « équipe bretagne » a déjà candidaté à cet appel." in page
    assert 'value="Campagne d&#x27;attractivité"' in body(response)
    assert "Des vidéos" in page
    missing = logged(agent).post(url("call-apply", slug=call.slug), {"title": "Sans équipe"})
    assert missing.status_code == 400
    assert "Indiquez le nom de votre équipe." in text(missing)
    assert Application.objects.filter(call=call).count() == 1


def test_no_application_outside_the_open_period(agent, jury_call):
    response = logged(agent).get(url("call-apply", slug=jury_call.slug))
    assert response.status_code == 302
    response = logged(agent).post(
        url("call-apply", slug=jury_call.slug),
        {"title": "Trop tard", "team_name": "Équipe Grand Est", "summary": "Un repérage."},
    )
    assert response.status_code == 400
    assert "Les candidatures à cet appel ne sont pas ouvertes." in text(response)
    assert not jury_call.applications.exists()


def test_only_staff_move_a_call_forward(agent, staff):
    call = CallFactory(status=Call.Status.DRAFT)
    assert logged(agent).post(url("call-advance", slug=call.slug)).status_code == 404  # unseen
    open_call = CallFactory(status=Call.Status.OPEN)
    assert logged(agent).post(url("call-advance", slug=open_call.slug)).status_code == 403

    client = logged(staff)
    response = client.post(url("call-advance", slug=call.slug), follow=True)
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN
    assert "L'appel passe à l'étape « Candidatures ouvertes »." in text(response)
    # Without an application there is nothing for a jury: said, never a 500.
    response = client.post(url("call-advance", slug=call.slug), follow=True)
    assert "Aucune candidature : il n'y a rien à évaluer." in text(response)
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN


def test_staff_assign_jurors_by_email(staff, application, juror):
    client = logged(staff)
    address = url("application-detail", slug=application.call.slug, pk=application.pk)
    response = client.post(address, {"emails": f"{juror.email.upper()}, inconnu@caf.test"})
    assert response.status_code == 400
    assert "Aucun compte actif du portail pour : inconnu@caf.test." in text(response)
    assert "inconnu@caf.test</textarea>" in body(response)
    assert not JuryAssignment.objects.exists()

    response = client.post(address, {"emails": f"{juror.email}\n"})
    assert response.status_code == 302
    assert JuryAssignment.objects.get().juror == juror
    # The team's contact may not judge their own application.
    response = client.post(address, {"emails": application.contact.email})
    assert response.status_code == 400
    assert "ne peut pas l'évaluer" in text(response)


def test_once_the_winners_are_named_the_jury_and_the_selection_are_closed(
    staff, application, juror
):
    Call.objects.filter(pk=application.call_id).update(status=Call.Status.DECIDED)
    client = logged(staff)
    address = url("application-detail", slug=application.call.slug, pk=application.pk)
    assert "Affecter au jury" not in text(client.get(address))
    response = client.post(address, {"emails": juror.email})
    assert response.status_code == 400
    assert "Les lauréats sont désignés : le jury est clos." in text(response)
    response = client.post(
        url("call-ranking", slug=application.call.slug), {"selected": [application.pk]}
    )
    assert response.status_code == 400
    assert "La sélection se fait à l'issue du jury, une seule fois." in text(response)
    assert not Project.objects.exists()


def test_an_application_is_seen_by_its_contact_its_jurors_and_staff(
    agent, other_caf_agent, partner, staff, assignment
):
    application = assignment.application
    address = url("application-detail", slug=application.call.slug, pk=application.pk)
    for user in (agent, assignment.juror, staff):
        assert logged(user).get(address).status_code == 200
    for user in (other_caf_agent, partner):
        assert logged(user).get(address).status_code == 404
    wrong_call = url("application-detail", slug=CallFactory().slug, pk=application.pk)
    assert logged(staff).get(wrong_call).status_code == 404
    # The contact sees the application; assigning the jury is the CafLab's.
    assert logged(agent).post(address, {"emails": "x@caf.test"}).status_code == 403
    assert "Évaluer cette candidature" in text(logged(assignment.juror).get(address))


# Jury -----------------------------------------------------------------------------------------
def test_the_jury_page_lists_only_my_assignments(juror, assignment, other_caf_agent):
    JuryAssignmentFactory(application__call=assignment.application.call, juror=other_caf_agent)
    page = text(logged(juror).get(url("jury-list")))
    assert "1 candidature confiée" in page
    assert "Campus Cocoon'Age" in page
    assert "À évaluer" in page
    assert "Aucune candidature ne vous est confiée" in text(
        logged(AgentFactory()).get(url("jury-list"))
    )


def test_a_juror_scores_an_assigned_application(juror, assignment):
    client = logged(juror)
    address = url("jury-score", pk=assignment.pk)
    form = client.get(address)
    assert form.status_code == 200
    assert "Évaluer : Campus Cocoon'Age" in text(form)
    criteria = list(assignment.application.call.criteria.all())
    data = {f"critere_{c.pk}": v for c, v in zip(criteria, [5, 4, 3], strict=True)}
    response = client.post(address, {**data, "comment": "Très solide."})
    assert response.status_code == 302
    assert response["Location"] == url("jury-list")
    assignment.refresh_from_db()
    assert assignment.completed_at is not None
    assert assignment.comment == "Très solide."
    assert sorted(Score.objects.values_list("value", flat=True)) == [3, 4, 5]
    page = text(client.get(url("jury-list")))
    assert "Votre évaluation de « Campus Cocoon'Age » est enregistrée." in page
    assert "Notée le" in page
    # The juror finds their scores again and may revise them until the decision.
    assert 'value="4"' in body(client.get(address))


def test_scoring_an_application_not_assigned_is_a_404(assignment, other_caf_agent, staff):
    address = url("jury-score", pk=assignment.pk)
    for user in (other_caf_agent, staff, assignment.application.contact):
        assert logged(user).get(address).status_code == 404
        assert logged(user).post(address, {"comment": "Je note quand même"}).status_code == 404
    assert not Score.objects.exists()


def test_a_score_above_the_maximum_is_refused_with_a_message(juror, assignment):
    criteria = list(assignment.application.call.criteria.all())
    data = {f"critere_{c.pk}": v for c, v in zip(criteria, [6, 4, 3], strict=True)}
    response = logged(juror).post(url("jury-score", pk=assignment.pk), {**data, "comment": "Bof"})
    assert response.status_code == 400
    page = text(response)
    assert "« Caractère innovant » : saisissez un nombre entier entre 0 et 5." in page
    assert 'value="6"' in body(response)  # what was typed stays
    assert "Bof</textarea>" in body(response)
    assert not Score.objects.exists()


def test_scoring_is_closed_outside_the_jury(juror, assignment):
    Call.objects.filter(pk=assignment.application.call_id).update(status=Call.Status.DECIDED)
    client = logged(juror)
    assert "la notation est fermée" in text(client.get(url("jury-score", pk=assignment.pk)))
    criteria = list(assignment.application.call.criteria.all())
    response = client.post(
        url("jury-score", pk=assignment.pk), {f"critere_{c.pk}": 3 for c in criteria}
    )
    assert response.status_code == 400
    assert "Le jury de cet appel n'est pas en cours : la notation est fermée." in text(response)


# Ranking and decision -------------------------------------------------------------------------
@pytest.fixture
def ranked(jury_call, juror):
    """Four applications: A scored 5/5/5 (100), B and C 4/4/4 (80, tied), D not scored."""
    other = AgentFactory(caf=caf("56"))
    apps = {
        letter: ApplicationFactory(
            call=jury_call, team_name=f"Équipe {letter}", title=f"Projet {letter}"
        )
        for letter in "ABCD"
    }
    for letter, values in [("A", [5, 5, 5]), ("B", [4, 4, 4]), ("C", [4, 4, 4])]:
        for person in (juror, other):
            score(JuryAssignmentFactory(application=apps[letter], juror=person), values)
    JuryAssignmentFactory(application=apps["D"], juror=juror)
    return apps


def ranking_rows(response) -> list[str]:
    rows = re.findall(r"<tr>(.*?)</tr>", body(response), re.S)[1:]
    return [
        re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", row))).strip() for row in rows
    ]


def test_the_ranking_shows_scores_means_jurors_and_ties(staff, jury_call, ranked):
    response = logged(staff).get(url("call-ranking", slug=jury_call.slug))
    assert response.status_code == 200
    rows = ranking_rows(response)
    assert rows[0].startswith("1 Équipe A Projet A 100,00 5,00 5,00 5,00 2 / 2")
    assert rows[1].startswith("2 ex aequo Équipe B Projet B 80,00 4,00 4,00 4,00 2 / 2")
    assert rows[2].startswith("2 ex aequo Équipe C")
    assert rows[3].startswith("non classée Équipe D Projet D pas encore notée — — — 0 / 1")
    assert "L'appel prévoit 2 lauréats." in text(response)


def test_non_staff_neither_see_the_ranking_nor_decide(agent, juror, jury_call, ranked):
    for user in (agent, juror):
        client = logged(user)
        assert client.get(url("call-ranking", slug=jury_call.slug)).status_code == 403
        response = client.post(
            url("call-ranking", slug=jury_call.slug), {"selected": [ranked["A"].pk]}
        )
        assert response.status_code == 403
    jury_call.refresh_from_db()
    assert jury_call.status == Call.Status.JURY


def test_a_selection_beyond_the_winners_count_is_refused_with_a_message(staff, jury_call, ranked):
    chosen = [ranked["A"].pk, ranked["B"].pk, ranked["C"].pk]
    response = logged(staff).post(
        url("call-ranking", slug=jury_call.slug),
        {"selected": chosen, "note": "Trois projets très solides"},
    )
    assert response.status_code == 400
    assert "L'appel prévoit 2 lauréats : vous en avez choisi 3." in text(response)
    assert body(response).count(" checked>") == 3  # the boxes stay checked
    assert "Trois projets très solides</textarea>" in body(response)
    assert not Project.objects.exists()
    nothing = logged(staff).post(url("call-ranking", slug=jury_call.slug), {})
    assert "Cochez au moins une candidature lauréate." in text(nothing)


def test_the_winners_become_projects_of_the_portfolio(
    staff, agent, jury_call, ranked, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged(staff).post(
            url("call-ranking", slug=jury_call.slug),
            {"selected": [ranked["A"].pk, ranked["C"].pk], "note": "Bravo"},
        )
    assert response.status_code == 302
    assert response["Location"] == f"{jury_call.get_absolute_url()}#laureats"
    jury_call.refresh_from_db()
    assert jury_call.status == Call.Status.DECIDED
    assert {p.title for p in Project.objects.all()} == {"Projet A", "Projet C"}
    assert ranked["B"].__class__.objects.get(pk=ranked["B"].pk).status == "non_retenue"
    assert len(mail.outbox) == 4  # every team is told
    portfolio = {p.title for p in selectors.project_list(user=agent)}
    assert {"Projet A", "Projet C"} <= portfolio
    page = text(logged(agent).get(jury_call.get_absolute_url()))
    assert "Les 2 lauréats" in page
    assert "Équipe A : Projet A" in page
    project = Project.objects.get(title="Projet A")
    assert f'href="{project.get_absolute_url()}"' in body(
        logged(agent).get(jury_call.get_absolute_url())
    )
    # Done once: a second decision is refused on the page.
    again = logged(staff).get(url("call-ranking", slug=jury_call.slug))
    assert "Désigner les lauréats" not in text(again)
    assert "Lauréate" in text(again)


# Incubation -----------------------------------------------------------------------------------
def test_the_cohort_page_shows_the_track_the_progress_and_the_attendance(agent, staff, cohort):
    first_session = cohort.modules.first().sessions.get()
    services.attendance_record(
        session=first_session,
        by=staff,
        attendees={
            p.pk: (3 if p.title == "Campus Cocoon'Age" else 0) for p in cohort.projects.all()
        },
    )
    response = logged(agent).get(cohort.get_absolute_url())
    page = text(response)
    for fact in [
        "Deux journées de préparation",
        "Livrable attendu : Canevas du modèle économique.",
        "CafLab, Paris",
        "Campus Cocoon'Age : 3 personnes",
        "Incub'talents : absent",
        "Avancement de chaque projet dans le parcours",
        "25 % (1 sur 4)",
        "0 % (0 sur 4)",
        "livrable : non remis",
    ]:
        assert fact in page, fact
    assert "Projet confidentiel" not in page  # unpublished: its team's
    assert "Saisir les présences" not in page  # the CafLab's
    assert "Remettre un livrable" in page  # the agent carries a project of the cohort
    staff_page = text(logged(staff).get(cohort.get_absolute_url()))
    assert "Projet confidentiel" in staff_page
    assert "Saisir les présences" in staff_page
    assert "Remettre un livrable" not in staff_page


def test_staff_record_the_attendance_of_a_session(staff, agent, cohort):
    session = cohort.modules.first().sessions.get()
    projects = {p.title: p for p in cohort.projects.all()}
    address = url("attendance-record", slug=cohort.slug, pk=session.pk)
    incub = projects["Incub'talents"]
    field = f"projet_{incub.pk}"
    response = logged(staff).post(address, {field: "51"})
    assert response.status_code == 400
    assert "« Incub'talents » : saisissez un nombre entier entre 0 et 50." in text(response)
    assert 'value="51"' in body(response)
    assert not SessionAttendance.objects.exists()

    response = logged(staff).post(address, {field: "2"})
    assert response.status_code == 302
    sheet = selectors.attendance_sheet(session=session)
    assert sheet == {p.pk: (2 if p.title == "Incub'talents" else 0) for p in projects.values()}
    assert logged(agent).post(address, {field: "9"}).status_code == 403
    other = CohortFactory().modules.first().sessions.get()
    wrong = url("attendance-record", slug=cohort.slug, pk=other.pk)
    assert logged(staff).post(wrong, {}).status_code == 404


def test_a_team_hands_in_a_deliverable_and_staff_review_it(
    agent, other_caf_agent, staff, cohort, media
):
    project = cohort.projects.get(title="Campus Cocoon'Age")
    module = cohort.modules.get(title="Modèle économique")
    address = url("deliverable-submit", slug=cohort.slug)

    refused = logged(agent).post(
        address,
        {
            "module": module.pk,
            "project": project.pk,
            "file": SimpleUploadedFile("canevas.pdf", b"MZ\x90\x00\x03", "application/pdf"),
        },
    )
    assert refused.status_code == 400
    assert "Ce type de fichier n'est pas accepté." in text(refused)
    assert f'<option value="{module.pk}" selected>' in body(refused)

    upload = SimpleUploadedFile("canevas.pdf", PDF, "application/pdf")
    response = logged(agent).post(
        address, {"module": module.pk, "project": project.pk, "file": upload}
    )
    assert response.status_code == 302
    deliverable = Deliverable.objects.get()
    assert (deliverable.project, deliverable.module, deliverable.uploaded_by) == (
        project,
        module,
        agent,
    )
    # Not of the team: no deliverable to hand in.
    upload = SimpleUploadedFile("canevas.pdf", PDF, "application/pdf")
    assert (
        logged(other_caf_agent)
        .post(address, {"module": module.pk, "project": project.pk, "file": upload})
        .status_code
        == 403
    )

    # Download: the team and the CafLab only.
    download = url("deliverable-download", slug=cohort.slug, pk=deliverable.pk)
    for user in (agent, staff):
        response = logged(user).get(download)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
    assert logged(other_caf_agent).get(download).status_code == 404

    # Review: a return needs a reason; only the CafLab reviews.
    review = url("deliverable-review", slug=cohort.slug, pk=deliverable.pk)
    assert logged(agent).post(review, {"decision": "valider"}).status_code == 403
    response = logged(staff).post(review, {"decision": "reprendre", "feedback": ""})
    assert response.status_code == 400
    assert "Dites ce qu'il faut reprendre dans le livrable." in text(response)
    response = logged(staff).post(review, {"decision": "valider"})
    assert response.status_code == 302
    deliverable.refresh_from_db()
    assert deliverable.status == Deliverable.Status.ACCEPTED
    assert "livrable : validé" in text(logged(agent).get(cohort.get_absolute_url()))


# Partner search -------------------------------------------------------------------------------
@pytest.fixture
def need(cohort):
    project = cohort.projects.get(title="Campus Cocoon'Age")
    Project.objects.filter(pk=project.pk).update(region=region("84"))
    return NeedFactory(project=project, title="Trouver un cofinancement pour 2026")


def helper(name: str, kinds: list[str], region_code: str | None = None):
    return HelperFactory(
        organisation=OrganisationFactory(name=name),
        kinds=kinds,
        region=region(region_code) if region_code else None,
    )


def test_the_board_shows_open_needs_with_the_organisations_that_can_help(partner, need):
    helper("Banque des territoires", ["financement"])
    helper("France Active Auvergne-Rhône-Alpes", ["financement"], "84")
    helper("France Active Bretagne", ["financement"], "53")
    helper("Agence d'évaluation", ["evaluation"])
    NeedFactory(project=need.project, title="Un terrain en Isère", kind=Need.Kind.TERRITORY)
    NeedFactory(project=need.project, title="Besoin pourvu", status=Need.Status.MATCHED)
    response = logged(partner).get(url("need-list"))
    page = text(response)
    assert "2 besoins ouverts" in page
    assert "Besoin pourvu" not in page
    block = page.split("Trouver un cofinancement pour 2026")[1].split("Mises en relation")[0]
    # The project's région first, then the organisations that work everywhere, then the rest.
    assert block.index("France Active Auvergne") < block.index("Banque des territoires")
    assert block.index("Banque des territoires") < block.index("France Active Bretagne")
    assert "Agence d'évaluation" not in block
    assert "Proposer une mise en relation" not in page  # the CafLab's
    filtered = text(logged(partner).get(url("need-list"), {"kind": "terrain"}))
    assert "1 besoin ouvert de ce type" in filtered
    assert "Trouver un cofinancement" not in filtered


def test_staff_record_a_match_and_follow_it_up(
    staff, agent, need, django_capture_on_commit_callbacks
):
    bank = helper("Banque des territoires", ["financement"])
    client = logged(staff)
    address = url("match-create", pk=need.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{address}?kind=financement", {"helper": bank.pk, "note": "RDV"})
    assert response.status_code == 302
    assert response["Location"] == f"{url('need-list')}?kind=financement#besoin-{need.pk}"
    match = Match.objects.get()
    assert (match.need, match.helper, match.recorded_by) == (need, bank, staff)
    assert [m.to for m in mail.outbox] == [[agent.email]]  # the project's team is told
    again = client.post(address, {"helper": bank.pk, "note": "Encore"})
    assert again.status_code == 400
    assert "Cette mise en relation est déjà enregistrée." in text(again)
    assert "Encore" in body(again)

    response = client.post(url("match-status", pk=match.pk), {"status": "conclue", "note": ""})
    assert response.status_code == 302
    match.refresh_from_db()
    need.refresh_from_db()
    assert (match.status, need.status) == (Match.Status.AGREED, Need.Status.MATCHED)
    assert logged(agent).post(address, {"helper": bank.pk}).status_code == 403
    assert (
        logged(agent).post(url("match-status", pk=match.pk), {"status": "sans_suite"}).status_code
        == 403
    )


# Creativity sessions --------------------------------------------------------------------------
@pytest.fixture
def sessions_2025(staff):
    CreativitySessionFactory(held_on=datetime.date(2025, 3, 12), participants=12)
    CreativitySessionFactory(
        held_on=datetime.date(2025, 3, 20),
        participants=8,
        method=CreativitySession.Method.LEGO,
        topic="=SOMME(A1:A9)",
    )
    CreativitySessionFactory(held_on=datetime.date(2025, 6, 5), caf=caf("29"), participants=20)
    CreativitySessionFactory(held_on=datetime.date(2024, 11, 5), participants=5)


def test_the_creativity_list_filters_totals_and_charts(agent, sessions_2025):
    client = logged(agent)
    page = text(client.get(url("creativity-list"), {"annee": 2025}))
    assert "Les séances de créativité en 2025" in page
    assert "Séances 3 Participants 40" in page
    assert "mars : 2" in page  # the chart's description
    assert "3 séances, les plus récentes d'abord" in page
    page = text(client.get(url("creativity-list"), {"annee": 2025, "caf": "38"}))
    assert "Séances 2 Participants 20" in page
    page = text(client.get(url("creativity-list"), {"annee": 2025, "methode": "lego_serious_play"}))
    assert "Séances 1 Participants 8" in page
    # Without a year: this year's.
    assert f"Les séances de créativité en {TODAY.year}" in text(client.get(url("creativity-list")))


def test_the_creativity_export_follows_the_filters(agent, partner, sessions_2025):
    client = logged(agent)
    response = client.get(url("creativity-export", fmt="csv"), {"annee": 2025, "caf": "38"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = content.strip().split("\r\n")
    assert lines[0].startswith("Date;Caf;Sujet;Méthode;Public;Participants")
    assert len(lines) == 3
    assert "'=SOMME(A1:A9)" in content  # formula injection neutralised
    assert "seances-creativite-2025-caf-38.csv" in response["Content-Disposition"]
    response = client.get(url("creativity-export", fmt="xlsx"), {"annee": 2024})
    from io import BytesIO

    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.max_row == 2
    assert client.get(url("creativity-export", fmt="pdf")).status_code == 404
    assert logged(partner).get(url("creativity-export", fmt="csv")).status_code == 403


def test_referents_and_staff_record_creativity_sessions(referent, staff, agent):
    address = url("creativity-create")
    assert logged(agent).get(address).status_code == 403
    client = logged(referent)
    form = client.get(address)
    assert form.status_code == 200
    assert "Caf du Finistère" in body(form) or "29 —" in body(form)
    assert "38 —" not in body(form)  # the Cafs of the referent's régions only
    data = {
        "held_on": "2025-05-14",
        "caf": caf("29").pk,
        "topic": "Simplifier le courrier de fin de droits",
        "method": "world_cafe",
        "audience": "habitants",
        "participants": "15",
    }
    response = client.post(address, data)
    assert response.status_code == 302
    assert response["Location"] == f"{url('creativity-list')}?annee=2025"
    session = CreativitySession.objects.get()
    assert (session.caf, session.facilitator) == (caf("29"), referent)
    refused = client.post(address, {**data, "caf": caf("38").pk})
    assert refused.status_code == 400
    # Staff record a session held at the CafLab itself.
    response = logged(staff).post(address, {**data, "caf": ""})
    assert response.status_code == 302
    assert CreativitySession.objects.filter(caf__isnull=True).count() == 1


def test_a_creativity_session_in_the_future_is_refused_and_typed_values_stay(staff):
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = logged(staff).post(
        url("creativity-create"),
        {
            "held_on": tomorrow.isoformat(),
            "topic": "Hackathon des données ouvertes",
            "method": "hackathon",
            "audience": "mixte",
            "participants": "0",
        },
    )
    assert response.status_code == 400
    page = text(response)
    assert "On enregistre une séance une fois qu'elle a eu lieu." in page
    assert "« Nombre de participants » : saisissez un nombre entier entre 1 et 2000." in page
    assert 'value="Hackathon des données ouvertes"' in body(response)
    assert not CreativitySession.objects.exists()


# Trainings ------------------------------------------------------------------------------------
@pytest.fixture
def trainings():
    """Design thinking twice in 2025 (Claire follows both, counted once), Maîtrise d'usage
    once in 2024."""
    design = TrainingFactory()
    usage = TrainingFactory(title="Maîtrise d'usage", kind="maitrise_usage")
    april = TrainingSessionFactory(training=design)
    october = TrainingSessionFactory(
        training=design,
        starts_on=datetime.date(2025, 10, 6),
        ends_on=datetime.date(2025, 10, 6),
        place="Visio",
    )
    old = TrainingSessionFactory(
        training=usage, starts_on=datetime.date(2024, 5, 2), ends_on=datetime.date(2024, 5, 2)
    )
    claire = TraineeFactory(first_name="Claire", last_name="Dubois", email="claire@caf38.test")
    for session in (april, october):
        Enrolment.objects.create(session=session, trainee=claire)
    Enrolment.objects.create(session=april, trainee=TraineeFactory(last_name="Martin"))
    Enrolment.objects.create(session=april, trainee=TraineeFactory(), attended=False)
    Enrolment.objects.create(session=old, trainee=TraineeFactory())
    return {"design": design, "april": april, "october": october, "claire": claire}


def test_the_catalogue_states_the_people_trained_in_the_year(agent, trainings):
    page = text(logged(agent).get(url("training-list"), {"annee": 2025}))
    assert "En 2025" in page
    assert "Personnes formées 2 chaque personne" in page  # Claire once, and Martin
    assert "Sessions de formation 2" in page
    assert "Design thinking" in page
    assert "Maîtrise d'usage" in page
    assert "Personnes formées 1" in text(logged(agent).get(url("training-list"), {"annee": 2024}))
    detail = text(logged(agent).get(trainings["design"].get_absolute_url()))
    assert "2 sessions, les plus récentes d'abord" in detail
    assert "du 8 avril 2025 au 9 avril 2025" in detail
    assert "le 6 octobre 2025" in detail


def test_names_of_the_people_trained_are_for_staff(agent, partner, staff, trainings):
    address = url("training-session", pk=trainings["april"].pk)
    for user in (agent, partner):
        page = text(logged(user).get(address))
        assert "2 personnes ont suivi cette session." in page
        assert "Claire Dubois" not in page  # (the reader may be named Dubois too)
        assert "claire@caf38.test" not in page
        assert "Inscrire une personne" not in page
    page = text(logged(staff).get(address))
    assert "Claire Dubois" in page
    assert "Martin" in page
    assert "3 inscriptions" in page
    assert "Inscrire une personne" in page


def test_staff_enrol_a_participant_once(staff, agent, trainings):
    address = url("training-session", pk=trainings["october"].pk)
    response = logged(staff).post(
        address,
        {
            "first_name": "Hugo",
            "last_name": "Bernard",
            "email": "hugo@caf29.test",
            "attended": "on",
        },
    )
    assert response.status_code == 302
    assert Trainee.objects.get(email="hugo@caf29.test").enrolments.count() == 1
    again = logged(staff).post(
        address, {"first_name": "Claire", "last_name": "Dubois", "email": "CLAIRE@caf38.test"}
    )
    assert again.status_code == 400
    assert "Cette personne est déjà inscrite à la session." in text(again)
    missing = logged(staff).post(address, {"first_name": "Inès", "email": "ines@caf.test"})
    assert missing.status_code == 400
    assert "Indiquez le nom de la personne." in text(missing)
    assert 'value="Inès"' in body(missing)
    assert logged(agent).post(address, {"first_name": "A", "last_name": "B"}).status_code == 403


def test_staff_anonymise_a_trainee_who_still_counts(staff, agent, trainings):
    claire, april = trainings["claire"], trainings["april"]
    address = f"{url('trainee-anonymise', pk=claire.pk)}?session={april.pk}"
    assert logged(agent).get(address).status_code == 403
    assert logged(agent).post(address).status_code == 403
    assert logged(agent).get(url("trainee-anonymise", pk=999999)).status_code == 403
    assert logged(staff).get(url("trainee-anonymise", pk=999999)).status_code == 404
    confirm = logged(staff).get(address)
    assert "Anonymiser Claire Dubois" in text(confirm)
    response = logged(staff).post(address)
    assert response.status_code == 302
    assert response["Location"] == f"{url('training-session', pk=april.pk)}#participants"
    claire.refresh_from_db()
    assert claire.anonymised_at
    assert not claire.last_name
    assert selectors.people_trained(year=2025) == 2
    assert "Claire Dubois" not in text(logged(staff).get(url("training-session", pk=april.pk)))


# Query counts do not grow ---------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 8])
def test_call_list_queries_do_not_grow(agent, n, django_assert_num_queries):
    for _i in range(n):
        ApplicationFactory(call=CallFactory())
    client = logged(agent)
    # session, user, count, the agent's model permissions (user and groups: Django's backend
    # answers « may they manage calls? » once the rules said no), calls (programme, counts)
    with django_assert_num_queries(6):
        assert client.get(url("call-list")).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_ranking_queries_do_not_grow(staff, jury_call, juror, n, django_assert_num_queries):
    for _i in range(n):
        score(JuryAssignmentFactory(application__call=jury_call, juror=juror), [3, 4, 5])
    client = logged(staff)
    # session, user, call (programme), criteria, partners, scores, completed counts,
    # applications (Caf, région), assigned counts
    with django_assert_num_queries(9):
        assert client.get(url("call-ranking", slug=jury_call.slug)).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_jury_list_queries_do_not_grow(juror, n, django_assert_num_queries):
    for _i in range(n):
        score(
            JuryAssignmentFactory(application__call=CallFactory(status="jury"), juror=juror),
            [1, 2, 3],
        )
    client = logged(juror)
    # session, user, count, assignments (application, call, Caf, région), their scores
    with django_assert_num_queries(5):
        assert client.get(url("jury-list")).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_cohort_page_queries_do_not_grow(agent, cohort, staff, n, django_assert_num_queries):
    module = cohort.modules.get(title="Modèle économique")
    for _i in range(n):
        project = ProjectFactory(cohort=cohort, carriers=[agent])
        Deliverable.objects.create(
            module=module,
            project=project,
            file="x.pdf",
            name="x.pdf",
            size=3,
            content_type="application/pdf",
        )
    services.attendance_record(
        session=module.sessions.get(), by=staff, attendees={p.pk: 1 for p in cohort.projects.all()}
    )
    client = logged(agent)
    # session, user, cohort (programme, call), modules, sessions, projects, team projects,
    # attendance and accepted deliverables (progress), the attendance sheets, deliverables
    with django_assert_num_queries(11):
        assert client.get(cohort.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_needs_board_queries_do_not_grow(staff, n, django_assert_num_queries):
    for i in range(n):
        need = NeedFactory(project=ProjectFactory(region=region("84")))
        Match.objects.create(need=need, helper=helper(f"Organisation {i}", ["financement"]))
    client = logged(staff)
    # session, user, count, needs (project, région), their matches (organisation), the
    # projects' Cafs (for the régions of the suggestions), helpers
    with django_assert_num_queries(7):
        assert client.get(url("need-list")).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_creativity_list_queries_do_not_grow(agent, n, django_assert_num_queries):
    for i in range(n):
        CreativitySessionFactory(
            held_on=datetime.date(2025, 1 + i % 12, 3),
            caf=caf(["38", "29", "26"][i % 3]),
            project=ProjectFactory(),
            facilitator=agent,
        )
    client = logged(agent)
    # session, user, years, Cafs of the filter, totals and months (also the page's count),
    # the agent's model permissions (user and groups: « may they record a session? »),
    # sessions (Caf, facilitator, project)
    with django_assert_num_queries(9):
        assert client.get(url("creativity-list"), {"annee": 2025}).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_training_pages_queries_do_not_grow(staff, n, django_assert_num_queries):
    training = TrainingFactory()
    session = TrainingSessionFactory(training=training)
    for i in range(n):
        TrainingFactory(title=f"Formation {i}")
        TrainingSessionFactory(
            training=training,
            starts_on=datetime.date(2025, 1, 1 + i),
            ends_on=datetime.date(2025, 1, 1 + i),
        )
        Enrolment.objects.create(session=session, trainee=TraineeFactory())
    client = logged(staff)
    # session, user, people trained, sessions of the year, count, trainings (counts)
    with django_assert_num_queries(6):
        assert client.get(url("training-list")).status_code == 200
    # session, user, the training, its sessions (Caf, counts)
    with django_assert_num_queries(4):
        assert client.get(training.get_absolute_url()).status_code == 200
    # session, user, the session (training, Caf, counts), count, enrolments (trainee, Caf),
    # the Cafs of the enrolment form
    with django_assert_num_queries(6):
        assert client.get(url("training-session", pk=session.pk)).status_code == 200


def test_decimal_scores_are_shown_the_french_way(staff, jury_call, juror):
    """A mean of 3 and 4 is 3,5; the weighted total (3,5×2 + 4×2 + 5) / 25 is 80,00."""
    app = ApplicationFactory(call=jury_call)
    score(JuryAssignmentFactory(application=app, juror=juror), [3, 4, 5])
    score(JuryAssignmentFactory(application=app, juror=AgentFactory()), [4, 4, 5])
    rows = selectors.ranking(call=jury_call)
    assert rows[0].score == Decimal("80.00")
    response = logged(staff).get(url("call-ranking", slug=jury_call.slug))
    assert "80,00 3,50 4,00 5,00 2 / 2" in ranking_rows(response)[0]
