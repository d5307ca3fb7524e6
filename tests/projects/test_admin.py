"""The projects' space in the staff admin: every changelist searchable by Caf with accents, the
actions that call the services (stages, periods, calls, bilans, deliverables, anonymisation),
the exports, the writes through the services, and the people trained kept to the CafLab."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import load_workbook

from caflab.models import ActivityEvent
from projects import selectors
from projects.models import (
    Assessment,
    Call,
    CreativitySession,
    Deliverable,
    DeploymentKit,
    Enrolment,
    Evidence,
    Funding,
    JuryAssignment,
    KitDocument,
    Match,
    Period,
    Project,
    ProjectDocument,
    ProjectMember,
    Replication,
    Score,
    SessionAttendance,
    StageChange,
    Trainee,
)
from tests.caflab.factories import AgentFactory, OrganisationFactory, ReferentFactory, caf
from tests.projects.factories import (
    ApplicationFactory,
    CallFactory,
    ChangeStepFactory,
    CohortFactory,
    CreativitySessionFactory,
    HelperFactory,
    IndicatorFactory,
    NeedFactory,
    PeriodFactory,
    ProgrammeFactory,
    ProjectFactory,
    TraineeFactory,
    TrainingFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db

PDF = {"size": 10, "content_type": "application/pdf"}


@pytest.fixture(autouse=True)
def _page_addresses(monkeypatch):
    """The services put the project's page in their emails. Where the pages of /projets/ are
    not mounted in this checkout, give the models an address of the same shape."""
    for model, name, pattern in (
        (Project, "projects:project-detail", "/projets/{}/"),
        (Call, "projects:call-detail", "/projets/appels/{}/"),
    ):
        try:
            reverse(name, kwargs={"slug": "x"})
        except NoReverseMatch:
            monkeypatch.setattr(
                model, "get_absolute_url", lambda self, pattern=pattern: pattern.format(self.slug)
            )


def changelist(model: str) -> str:
    return reverse(f"admin:projects_{model}_changelist")


@pytest.fixture
def carrier():
    return AgentFactory(caf=caf("38"), first_name="Sonia", last_name="Mercier")


@pytest.fixture
def project(carrier):
    return ProjectFactory(
        title="Crèche à horaires atypiques",
        slug="creche-horaires-atypiques",
        programme=ProgrammeFactory(slug="innovation-isere", name="Innovation sociale en Isère"),
        carriers=[carrier],
    )


@pytest.fixture
def world(project, carrier, staff):
    """One object of every model, tied to the Caf de l'Isère, and a few elsewhere."""
    now = timezone.now()
    ProjectFactory(title="Épicerie de Brest", slug="epicerie-brest", cafs=[caf("29")])
    Funding.objects.create(project=project, source="fipe", amount=Decimal("45000"), year=2025)
    ProjectDocument.objects.create(
        project=project, file="projets/documents/bilan.pdf", name="bilan.pdf", **PDF
    )
    call = CallFactory(title="Défi petite enfance en Isère", slug="defi-isere")
    application = ApplicationFactory(call=call, title="Campus isérois")
    ApplicationFactory(
        call=CallFactory(title="Défi breton"),
        caf=caf("29"),
        team_name="Équipe Bretagne",
        title="Campus breton",
    )
    assignment = JuryAssignment.objects.create(
        application=application, juror=AgentFactory(caf=caf("38")), completed_at=now
    )
    Score.objects.create(assignment=assignment, criterion=call.criteria.first(), value=4)
    cohort = CohortFactory(name="Promotion Isère 2025")
    Project.objects.filter(pk=project.pk).update(cohort=cohort)
    module = cohort.modules.exclude(deliverable="").first()
    SessionAttendance.objects.create(session=module.sessions.first(), project=project)
    Deliverable.objects.create(
        module=module, project=project, file="projets/livrables/c.pdf", name="canevas.pdf", **PDF
    )
    need = NeedFactory(project=project)
    helper = HelperFactory(organisation=OrganisationFactory(name="France Active Isère"))
    Match.objects.create(need=need, helper=helper, recorded_by=staff)
    indicator = IndicatorFactory(project=project, impact=ChangeStepFactory(project=project))
    period = PeriodFactory(
        indicator=indicator, status=Period.Status.SUBMITTED, submitted_by=carrier, submitted_at=now
    )
    Evidence.objects.create(period=period, file="projets/preuves/p.pdf", name="preuve.pdf", **PDF)
    Assessment.objects.create(
        project=project, summary="Une crèche ouverte.", results="12 places.", updated_by=carrier
    )
    kit = DeploymentKit.objects.create(project=project, summary="Le kit.", steps="Étape 1")
    KitDocument.objects.create(kit=kit, file="projets/kits/k.pdf", name="kit.pdf", **PDF)
    Replication.objects.create(project=project, caf=caf("73"))
    CreativitySessionFactory(topic="Accueil des parents séparés")
    CreativitySessionFactory(topic="Séance bretonne", caf=caf("29"))
    session = TrainingSessionFactory(
        training=TrainingFactory(title="Design thinking en Isère"),
        caf=caf("38"),
        place="Grenoble",
    )
    trainee = TraineeFactory(first_name="Zéphyrine", last_name="Kervadec")
    Enrolment.objects.create(session=session, trainee=trainee)
    return project


MODELS = [
    "programme",
    "project",
    "projectmember",
    "stagechange",
    "funding",
    "projectdocument",
    "call",
    "criterion",
    "application",
    "juryassignment",
    "score",
    "cohort",
    "module",
    "modulesession",
    "sessionattendance",
    "deliverable",
    "need",
    "helper",
    "match",
    "changestep",
    "indicator",
    "period",
    "evidence",
    "assessment",
    "deploymentkit",
    "kitdocument",
    "replication",
    "creativitysession",
    "training",
    "trainingsession",
    "trainee",
    "enrolment",
]


def test_every_model_of_the_app_is_in_the_admin():
    from django.apps import apps
    from django.contrib import admin

    registered = {model for model in admin.site._registry if model._meta.app_label == "projects"}
    assert registered == set(apps.get_app_config("projects").get_models())
    assert {m._meta.model_name for m in registered} == set(MODELS)


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_finds_the_isere_rows_with_an_accented_search(client, staff, world, model):
    client.force_login(staff)
    response = client.get(changelist(model), {"q": "isère"})
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    shown = " ".join(str(o) for o in response.context["cl"].result_list)
    for elsewhere in ("Brest", "Bretagne", "breton"):
        assert elsewhere not in shown
    assert client.get(changelist(model), {"q": "ISÈRE"}).context["cl"].result_count >= 1


@pytest.mark.parametrize("model", MODELS)
def test_every_change_form_opens(client, staff, world, model):
    client.force_login(staff)
    obj = client.get(changelist(model)).context["cl"].result_list[0]
    response = client.get(reverse(f"admin:projects_{model}_change", args=[obj.pk]))
    assert response.status_code == 200


# Written elsewhere: the history and the periods by the services, the scores by the jury, the
# files on the pages (where uploads are checked).
NO_ADD = {"stagechange", "score", "period", "projectdocument", "evidence", "deliverable"}
NO_ADD |= {"kitdocument"}


@pytest.mark.parametrize("model", MODELS)
def test_every_add_form_opens_unless_written_elsewhere(client, staff, model):
    client.force_login(staff)
    response = client.get(reverse(f"admin:projects_{model}_add"))
    assert response.status_code == (403 if model in NO_ADD else 200)


@pytest.mark.parametrize("who", ["agent", "partner", "referent"])
def test_non_staff_are_sent_to_the_login(client, world, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(changelist("project"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("model", ["project", "trainee", "enrolment", "cohort", "period"])
def test_an_admin_user_outside_the_caflab_sees_no_project_data(client, world, model):
    """An account with access to the admin for another purpose, not in the CafLab's group."""
    outsider = ReferentFactory(is_staff=True)
    client.force_login(outsider)
    response = client.get(changelist(model))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert "Kervadec" not in client.get(reverse("admin:index"), follow=True).content.decode()


def test_trainees_are_searchable_by_name_for_staff(client, staff, world):
    client.force_login(staff)
    body = client.get(changelist("trainee"), {"q": "kervadec"}).content.decode()
    assert "Zéphyrine Kervadec" in body


# Stages ----------------------------------------------------------------------------------------
def test_change_stage_action_goes_through_the_service(
    client, staff, project, carrier, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist("project"),
            {
                "action": "change_stage",
                "_selected_action": [project.pk],
                "stage": "experimentation",
                "stage_on": "02/06/2025",
                "stage_note": "12 places ouvertes.",
            },
            follow=True,
        )
    assert "1 projet a changé d&#x27;étape : son équipe est prévenue." in response.content.decode()
    project.refresh_from_db()
    assert (project.stage, project.stage_changed_on) == (
        "experimentation",
        datetime.date(2025, 6, 2),
    )
    change = project.stage_changes.latest("changed_on")
    assert (change.from_stage, change.note, change.by) == (
        "incubation",
        "12 places ouvertes.",
        staff,
    )
    assert [m.to for m in mail.outbox] == [[carrier.email]]


def test_change_stage_action_says_why_it_refuses(client, staff, project):
    client.force_login(staff)
    url = changelist("project")
    body = client.post(
        url,
        {"action": "change_stage", "_selected_action": [project.pk], "stage": "incubation"},
        follow=True,
    ).content.decode()
    assert "Le projet est déjà à l&#x27;étape « Incubation »." in body
    body = client.post(
        url, {"action": "change_stage", "_selected_action": [project.pk]}, follow=True
    ).content.decode()
    assert "Choisissez la nouvelle étape" in body
    body = client.post(
        url,
        {"action": "change_stage", "_selected_action": [project.pk], "stage": "arrete"},
        follow=True,
    ).content.decode()
    assert "Expliquez pourquoi le projet s&#x27;arrête" in body
    assert project.stage_changes.count() == 1


def test_the_stage_is_read_only_on_the_project_page(client, staff, project):
    client.force_login(staff)
    body = client.get(reverse("admin:projects_project_change", args=[project.pk])).content
    assert b'name="stage"' not in body  # it moves with the « change the stage » action


def test_a_project_added_in_the_admin_starts_its_history(client, staff, carrier, isere):
    client.force_login(staff)
    response = client.post(
        reverse("admin:projects_project_add"),
        {
            "title": "Relais petite enfance itinérant",
            "slug": "relais-itinerant",
            "summary": "Un relais qui se déplace dans les communes rurales.",
            "kind": "accompagne",
            "theme": "accueil_individuel",
            "stage": "experimentation",
            "cafs": [isere.pk],
            "started_on": "2025-03-03",
            "is_published": "on",
            **inline_management("memberships", [{"user": carrier.pk, "role": "porteur"}]),
            **empty_inlines("stage_changes", "fundings", "documents", "change_steps", "indicators"),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    project = Project.objects.get(slug="relais-itinerant")
    assert list(project.cafs.all()) == [isere]
    assert list(project.stage_changes.values_list("from_stage", "to_stage", "changed_on")) == [
        ("", "experimentation", datetime.date(2025, 3, 3))
    ]
    assert list(project.memberships.values_list("user", "role")) == [(carrier.pk, "porteur")]
    assert ActivityEvent.objects.filter(verb="project.created").exists()


def inline_management(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def empty_inlines(*prefixes: str) -> dict:
    data = {}
    for prefix in prefixes:
        data.update(inline_management(prefix, []))
    return data


def project_change_data(project, **changes) -> dict:
    data = {
        "title": project.title,
        "summary": project.summary,
        "programme": project.programme_id or "",
        "kind": project.kind,
        "theme": project.theme,
        "cafs": [c.pk for c in project.cafs.all()],
        "region": "",
        "territories": "",
        "sponsor": "",
        "started_on": project.started_on.strftime("%d/%m/%Y"),
        "ended_on": "",
        "is_published": "on",
        "cohort": "",
    }
    data.update(changes)
    members = list(project.memberships.order_by("pk"))
    data.update(
        inline_management(
            "memberships",
            [
                {"id": m.pk, "project": project.pk, "user": m.user_id, "role": m.role}
                for m in members
            ],
            initial=len(members),
        )
    )
    data.update(
        empty_inlines("stage_changes", "fundings", "documents", "change_steps", "indicators")
    )
    data["stage_changes-INITIAL_FORMS"] = data["stage_changes-TOTAL_FORMS"] = "0"
    return data


def test_changing_a_project_goes_through_the_service(client, staff, project):
    client.force_login(staff)
    response = client.post(
        reverse("admin:projects_project_change", args=[project.pk]),
        project_change_data(project, kind="accompagne", territories="Grenoble, Échirolles"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()
    assert (project.kind, project.territories) == ("accompagne", "Grenoble, Échirolles")
    event = ActivityEvent.objects.get(verb="project.updated")
    assert "kind" in event.changes


def test_the_last_carrier_cannot_be_removed_in_the_admin(client, staff, project, carrier):
    client.force_login(staff)
    data = project_change_data(project)
    data["memberships-0-DELETE"] = "on"
    response = client.post(
        reverse("admin:projects_project_change", args=[project.pk]), data, follow=True
    )
    assert "Le projet doit garder au moins un porteur." in response.content.decode()
    assert ProjectMember.objects.filter(project=project, user=carrier).exists()


def test_a_new_member_in_the_admin_goes_through_the_service(client, staff, project):
    newcomer = AgentFactory(caf=caf("38"))
    client.force_login(staff)
    data = project_change_data(project)
    data["memberships-TOTAL_FORMS"] = "2"
    data.update({"memberships-1-user": newcomer.pk, "memberships-1-role": "membre"})
    client.post(reverse("admin:projects_project_change", args=[project.pk]), data)
    assert ProjectMember.objects.get(project=project, user=newcomer).role == "membre"
    assert ActivityEvent.objects.filter(verb="project.member_added").exists()


def test_an_inactive_account_cannot_join_a_team(client, staff, project):
    client.force_login(staff)
    gone = AgentFactory(is_active=False)
    response = client.post(
        reverse("admin:projects_projectmember_add"),
        {"project": project.pk, "user": gone.pk, "role": "membre"},
    )
    assert response.status_code == 200
    assert "Ce compte est désactivé." in response.content.decode()
    assert not ProjectMember.objects.filter(user=gone).exists()


def test_history_is_read_only(client, staff, project):
    client.force_login(staff)
    change = StageChange.objects.get(project=project)
    assert client.get(reverse("admin:projects_stagechange_add")).status_code == 403
    assert (
        client.get(reverse("admin:projects_stagechange_delete", args=[change.pk])).status_code
        == 403
    )


# Periods ---------------------------------------------------------------------------------------
@pytest.fixture
def submitted(project, carrier):
    indicator = IndicatorFactory(project=project)
    return PeriodFactory(
        indicator=indicator,
        status=Period.Status.SUBMITTED,
        submitted_by=carrier,
        submitted_at=timezone.now(),
    )


def test_approve_action_reviews_the_submitted_periods_through_the_service(
    client, staff, submitted, carrier, django_capture_on_commit_callbacks
):
    draft = PeriodFactory(
        indicator=submitted.indicator,
        starts_on=datetime.date(2025, 7, 1),
        ends_on=datetime.date(2025, 12, 31),
    )
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist("period"),
            {"action": "approve", "_selected_action": [submitted.pk, draft.pk]},
            follow=True,
        )
    body = response.content.decode()
    assert "1 période validée : elle est verrouillée." in body
    assert "Seule une période soumise peut être validée ou renvoyée." in body
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by) == (Period.Status.APPROVED, staff)
    assert draft.status == Period.Status.DRAFT
    assert [m.to for m in mail.outbox] == [[carrier.email]]


def test_send_back_action_needs_the_note(client, staff, submitted):
    client.force_login(staff)
    url = changelist("period")
    body = client.post(
        url, {"action": "send_back", "_selected_action": [submitted.pk]}, follow=True
    ).content.decode()
    assert "Dites au porteur ce qu&#x27;il doit corriger." in body
    client.post(
        url,
        {
            "action": "send_back",
            "_selected_action": [submitted.pk],
            "review_note": "Ce sont des places prévues.",
        },
    )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_note) == (
        Period.Status.RETURNED,
        "Ce sont des places prévues.",
    )


def test_periods_are_not_edited_in_the_admin(client, staff, submitted):
    client.force_login(staff)
    url = reverse("admin:projects_period_change", args=[submitted.pk])
    response = client.post(url, {"value": "99", "status": "validee"})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert (submitted.value, submitted.status) == (Decimal("12"), Period.Status.SUBMITTED)


# Calls, bilans, deliverables -------------------------------------------------------------------
def test_advance_action_opens_then_hands_over_to_the_jury(client, staff):
    call = CallFactory(status=Call.Status.DRAFT)
    client.force_login(staff)
    url = changelist("call")
    body = client.post(
        url, {"action": "advance", "_selected_action": [call.pk]}, follow=True
    ).content.decode()
    assert "Candidatures ouvertes" in body
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN
    body = client.post(
        url, {"action": "advance", "_selected_action": [call.pk]}, follow=True
    ).content.decode()
    assert "Aucune candidature : il n&#x27;y a rien à évaluer." in body
    ApplicationFactory(call=call)
    client.post(url, {"action": "advance", "_selected_action": [call.pk]})
    call.refresh_from_db()
    assert call.status == Call.Status.JURY
    assert ActivityEvent.objects.filter(verb="call.jury").exists()


def test_the_contact_of_an_application_cannot_be_its_juror(client, staff):
    application = ApplicationFactory()
    client.force_login(staff)
    response = client.post(
        reverse("admin:projects_juryassignment_add"),
        {"application": application.pk, "juror": application.contact_id},
    )
    assert "ne peut pas l&#x27;évaluer" in response.content.decode()
    assert not JuryAssignment.objects.exists()


def test_publish_action_publishes_the_bilans(client, staff, project, carrier):
    assessment = Assessment.objects.create(
        project=project, summary="Ouverte.", results="12 places.", updated_by=carrier
    )
    client.force_login(staff)
    response = client.post(
        changelist("assessment"),
        {"action": "publish", "_selected_action": [assessment.pk]},
        follow=True,
    )
    assert "1 bilan publié." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.is_published
    assert assessment.published_at is not None


def test_accept_action_validates_deliverables(client, staff, world):
    deliverable = Deliverable.objects.get()
    client.force_login(staff)
    client.post(
        changelist("deliverable"), {"action": "accept", "_selected_action": [deliverable.pk]}
    )
    deliverable.refresh_from_db()
    assert deliverable.status == Deliverable.Status.ACCEPTED


# Trainees --------------------------------------------------------------------------------------
def test_anonymise_action_erases_the_person_and_keeps_the_statistics(client, staff, world):
    trainee = Trainee.objects.get(last_name="Kervadec")
    before = selectors.people_trained(year=2025)
    client.force_login(staff)
    response = client.post(
        changelist("trainee"),
        {"action": "anonymise", "_selected_action": [trainee.pk]},
        follow=True,
    )
    assert "1 personne anonymisée" in response.content.decode()
    trainee.refresh_from_db()
    assert (trainee.first_name, trainee.last_name, trainee.email) == ("", "", "")
    assert trainee.anonymised_at is not None
    assert selectors.people_trained(year=2025) == before == 1
    assert ActivityEvent.objects.filter(verb="trainee.anonymised").exists()


# Exports ---------------------------------------------------------------------------------------
def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return [line.split(";") for line in content.splitlines()]


def test_project_export_has_kind_stage_programme_cafs_and_funding(client, staff, world):
    project = world
    project.cafs.add(caf("73"))
    Funding.objects.create(project=project, source="caf", amount=Decimal("5000.50"), year=2025)
    client.force_login(staff)
    response = client.post(
        changelist("project"), {"action": "export_csv", "_selected_action": [project.pk]}
    )
    header, row = csv_rows(response)
    assert header == [
        "Projet",
        "Adresse",
        "Type",
        "Thème",
        "Étape",
        "Étape atteinte le",
        "Programme",
        "Caf porteuses",
        "Région",
        "Début",
        "Fin",
        "Publié",
        "Financements (€)",
    ]
    assert row == [
        "Crèche à horaires atypiques",
        "creche-horaires-atypiques",
        "Projet FIPE",
        "Diversification des solutions d'accueil",
        "Incubation",
        "06/01/2025",
        "Innovation sociale en Isère",
        "Caf de l'Isère, Caf de la Savoie",
        "",
        "06/01/2025",
        "",
        "Oui",
        "50000,50",
    ]


def test_project_export_in_xlsx(client, staff, world):
    client.force_login(staff)
    response = client.post(
        changelist("project"),
        {
            "action": "export_xlsx",
            "_selected_action": list(Project.objects.values_list("pk", flat=True)),
        },
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("Projet", "Adresse", "Type", "Thème", "Étape")
    assert {row[0] for row in rows[1:]} == {"Crèche à horaires atypiques", "Épicerie de Brest"}
    assert {row[0]: row[-1] for row in rows[1:]} == {
        "Crèche à horaires atypiques": 45000,
        "Épicerie de Brest": 0,
    }


def test_creativity_export(client, staff, world):
    session = CreativitySession.objects.get(topic="Accueil des parents séparés")
    client.force_login(staff)
    response = client.post(
        changelist("creativitysession"), {"action": "export_csv", "_selected_action": [session.pk]}
    )
    header, row = csv_rows(response)
    assert header[:6] == ["Date", "Caf", "Sujet", "Méthode", "Public", "Participants"]
    assert row[:6] == [
        "12/03/2025",
        "Caf de l'Isère",
        "Accueil des parents séparés",
        "Design thinking",
        "Agents de Caf",
        "12",
    ]


def test_training_session_export_counts_enrolled_and_present(client, staff, world):
    session = Enrolment.objects.get().session
    Enrolment.objects.create(session=session, trainee=TraineeFactory(), attended=False)
    client.force_login(staff)
    response = client.post(
        changelist("trainingsession"), {"action": "export_csv", "_selected_action": [session.pk]}
    )
    header, row = csv_rows(response)
    assert header == [
        "Formation",
        "Type",
        "Début",
        "Fin",
        "Lieu",
        "Caf d'accueil",
        "Formateurs",
        "Inscrits",
        "Présents",
    ]
    assert row[0] == "Design thinking en Isère"
    assert row[-2:] == ["2", "1"]
    assert "Kervadec" not in ";".join(row)


def test_trainee_export_for_staff(client, staff, world):
    trainee = Trainee.objects.get(last_name="Kervadec")
    client.force_login(staff)
    response = client.post(
        changelist("trainee"), {"action": "export_xlsx", "_selected_action": [trainee.pk]}
    )
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == (
        "Nom",
        "Prénom",
        "Adresse électronique",
        "Caf",
        "Organisme",
        "Fonction",
        "Sessions suivies",
        "Anonymisée le",
    )
    assert rows[1][:4] == ("Kervadec", "Zéphyrine", trainee.email, "Caf de l'Isère")
    assert rows[1][6] == 1


# Query counts ----------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 20])
def test_project_changelist_queries_do_not_grow(client, staff, n, django_assert_num_queries):
    for project in ProjectFactory.create_batch(n):
        project.cafs.add(caf("73"))
        Funding.objects.create(project=project, source="caf", amount=100, year=2025)
    client.force_login(staff)
    # session, user, permissions (2), filters (programmes, regions of the projects, regions of
    # the Cafs), counts (2), page of projects (programme, region, funding total), their Cafs,
    # date hierarchy (2)
    with django_assert_num_queries(13):
        assert client.get(changelist("project")).status_code == 200


@pytest.mark.parametrize("n", [1, 20])
def test_trainee_changelist_queries_do_not_grow(client, staff, n, django_assert_num_queries):
    session = TrainingSessionFactory()
    for trainee in TraineeFactory.create_batch(n):
        Enrolment.objects.create(session=session, trainee=trainee)
    client.force_login(staff)
    # session, user, permissions (2), the Caf filters (2), counts (2), page of trainees (Caf,
    # sessions followed)
    with django_assert_num_queries(9):
        assert client.get(changelist("trainee")).status_code == 200
