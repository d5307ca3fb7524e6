"""The pages of COOPération: who sees what and who may write (per role), the roadmap and its
filters, the conflict flow, steps, structure, indicators, the collaborative space, documents,
members, resources, the national dashboard, and query counts that do not grow with the data."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caflab.models import ActivityEvent
from cooperation import services
from cooperation.models import (
    Action,
    AxisTheme,
    Document,
    Indicator,
    IndicatorValue,
    Message,
    Objective,
    Plan,
    PlanMember,
    PlanTemplate,
    Resource,
    Step,
)
from tests.caflab.factories import AgentFactory, OrganisationFactory, PartnerFactory, caf
from tests.cooperation.factories import (
    ActionFactory,
    AxisFactory,
    ObjectiveFactory,
    PlanFactory,
    member,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# The world ------------------------------------------------------------------------------------
@pytest.fixture
def plan(agent):
    """A Caf 38 CTG piloted by `agent`: one axis, one objective, a late action and one due
    soon."""
    plan = PlanFactory(
        title="CTG Grenoble-Alpes Métropole 2024-2028",
        starts_on=TODAY - 700 * DAY,
        ends_on=TODAY + 700 * DAY,
    )
    member(plan, agent, PlanMember.Role.PILOT)
    axis = AxisFactory(plan=plan, title="Petite enfance")
    objective = ObjectiveFactory(axis=axis, title="Développer l'accueil du jeune enfant")
    mairie = OrganisationFactory(name="Ville de Grenoble")
    ActionFactory(
        objective=objective,
        title="Ouvrir une micro-crèche",
        status=Action.Status.IN_PROGRESS,
        progress=30,
        starts_on=TODAY - 300 * DAY,
        due_on=TODAY - 10 * DAY,
        pilot_organisation=mairie,
    )
    ActionFactory(
        objective=objective,
        title="Former les assistantes maternelles",
        status=Action.Status.IN_PROGRESS,
        progress=60,
        starts_on=TODAY - 100 * DAY,
        due_on=TODAY + 10 * DAY,
    )
    return plan


@pytest.fixture
def late_action(plan):
    return plan.actions.get(title="Ouvrir une micro-crèche")


@pytest.fixture
def soon_action(plan):
    return plan.actions.get(title="Former les assistantes maternelles")


@pytest.fixture
def contributor(plan):
    user = PartnerFactory(email="claire.martin@grenoble.test")
    member(plan, user, PlanMember.Role.CONTRIBUTOR)
    return user


@pytest.fixture
def reader(plan):
    user = PartnerFactory(email="lecteur@isere.test")
    member(plan, user, PlanMember.Role.READER)
    return user


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, plan: Plan, **kwargs) -> str:
    return reverse(f"cooperation:{name}", kwargs={"pk": plan.pk, **kwargs})


def body(response) -> str:
    return response.content.decode()


PLAN_PAGES = ["plan-detail", "plan-gantt", "plan-indicators", "plan-space", "plan-members"]


def plan_pages(plan: Plan, action: Action) -> list[str]:
    return [url(name, plan) for name in PLAN_PAGES] + [
        url("action-detail", plan, action_pk=action.pk)
    ]


# Permissions per role -------------------------------------------------------------------------
def test_anonymous_visitors_go_to_the_login_page(client, plan, late_action):
    document = Document.objects.create(
        plan=plan, file="cooperation/x.pdf", name="x.pdf", size=1, content_type="application/pdf"
    )
    addresses = [
        *plan_pages(plan, late_action),
        url("plan-structure", plan),
        url("action-edit", plan, action_pk=late_action.pk),
        reverse("cooperation:plan-list"),
        reverse("cooperation:plan-create"),
        reverse("cooperation:resource-list"),
        reverse("cooperation:national-dashboard"),
        reverse("cooperation:document-download", kwargs={"pk": document.pk}),
    ]
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("account_login")), address


@pytest.mark.parametrize("who", ["other_caf_agent", "outside_partner"])
def test_people_outside_the_plan_get_404_everywhere(who, plan, late_action, request):
    """Another Caf's agent, a partner of another plan: the plan does not exist for them."""
    user = request.getfixturevalue(who) if who == "other_caf_agent" else PartnerFactory()
    client = logged(user)
    for address in [
        *plan_pages(plan, late_action),
        url("plan-structure", plan),
        url("action-edit", plan, action_pk=late_action.pk),
    ]:
        assert client.get(address).status_code == 404, address
    posts = [
        url("action-edit", plan, action_pk=late_action.pk),
        url("message-create", plan),
        url("plan-members", plan),
        url("plan-freeze", plan),
    ]
    for address in posts:
        assert client.post(address, {"text": "Bonjour"}).status_code == 404, address
    assert Message.objects.count() == 0


@pytest.mark.parametrize("who", ["agent", "contributor", "reader", "staff"])
def test_members_and_staff_open_every_page_of_the_plan(who, plan, late_action, request):
    client = logged(request.getfixturevalue(who))
    for address in plan_pages(plan, late_action):
        response = client.get(address)
        assert response.status_code == 200, address
        assert body(response).count("<h1") == 1, address


@pytest.mark.parametrize(("who", "status"), [("agent", 200), ("staff", 200), ("contributor", 403)])
def test_only_pilots_build_the_roadmap(who, status, plan, reader, request):
    client = logged(request.getfixturevalue(who))
    assert client.get(url("plan-structure", plan)).status_code == status
    assert logged(reader).get(url("plan-structure", plan)).status_code == 403


def test_a_reader_sees_read_only_pages_and_is_refused_every_write(plan, late_action, reader):
    client = logged(reader)
    page = body(client.get(url("action-detail", plan, action_pk=late_action.pk)))
    assert "Vous êtes lecteur de ce plan" in page
    assert "Mettre à jour l'action" not in page
    assert "Publier le message" not in page
    assert "Déposer le document" not in page
    assert "Ajouter un jalon" not in page
    step = Step.objects.create(action=late_action, title="Visite", due_on=TODAY)
    action_pk = late_action.pk
    refused = [
        ("get", url("action-edit", plan, action_pk=action_pk), {}),
        ("post", url("action-edit", plan, action_pk=action_pk), {"progress": 90}),
        ("post", url("step-create", plan, action_pk=action_pk), {"title": "X", "due_on": TODAY}),
        ("post", url("step-toggle", plan, action_pk=action_pk, step_pk=step.pk), {"done": "1"}),
        ("post", url("message-create", plan), {"text": "Bonjour"}),
        ("post", url("document-upload", plan), {}),
        ("post", url("plan-indicators", plan), {"formulaire": "mesure"}),
        ("post", url("plan-members", plan), {"email": reader.email, "role": "pilote"}),
        ("post", url("plan-freeze", plan), {}),
        ("post", url("plan-structure", plan), {"formulaire": "axe", "title": "X", "weight": 1}),
    ]
    for method, address, data in refused:
        assert getattr(client, method)(address, data).status_code == 403, address
    assert Message.objects.count() == 0
    assert PlanMember.objects.get(plan=plan, user=reader).role == PlanMember.Role.READER
    late_action.refresh_from_db()
    assert late_action.progress == 30


def test_a_contributor_updates_actions_but_does_not_manage_the_plan(plan, contributor):
    client = logged(contributor)
    page = body(client.get(url("plan-detail", plan)))
    assert "Figer le planning de référence" not in page
    assert "Construire la feuille de route" not in page
    assert client.post(url("plan-freeze", plan)).status_code == 403
    assert client.post(url("plan-members", plan), {"email": "x@y.fr"}).status_code == 403
    response = client.post(
        url("plan-indicators", plan),
        {"formulaire": "indicateur", "name": "Places", "baseline": 1, "target": 2},
    )
    assert response.status_code == 403
    members = body(client.get(url("plan-members", plan)))
    assert "Ajouter un membre" not in members


# The list, a new plan -------------------------------------------------------------------------
def test_the_list_shows_my_plans_with_progress_and_late_actions(plan, agent, other_caf_agent):
    other = PlanFactory(title="CTG du Finistère", caf=caf("29"))
    member(other, other_caf_agent, PlanMember.Role.PILOT)
    page = body(logged(agent).get(reverse("cooperation:plan-list")))
    assert "CTG Grenoble-Alpes Métropole 2024-2028" in page
    assert "CTG du Finistère" not in page
    assert "45&nbsp;%" in page  # (30 + 60) / 2
    assert "En retard" in page  # the status light, in words
    assert '<td class="nombre">1</td>' in page  # one late action
    assert reverse("cooperation:plan-create") in page
    assert reverse("cooperation:plan-import") in page
    assert reverse("cooperation:national-dashboard") not in page


def test_staff_see_every_plan_and_filter_by_caf_kind_and_status(plan, staff):
    PlanFactory(title="SDSF du Finistère", caf=caf("29"), kind=Plan.Kind.SDSF)
    PlanFactory(title="CTG close", status=Plan.Status.CLOSED)
    client = logged(staff)
    page = body(client.get(reverse("cooperation:plan-list")))
    assert "SDSF du Finistère" in page
    assert "CTG Grenoble-Alpes Métropole" in page
    assert reverse("cooperation:national-dashboard") in page
    by_caf = body(client.get(reverse("cooperation:plan-list"), {"caf": "29"}))
    assert "SDSF du Finistère" in by_caf
    assert "CTG Grenoble-Alpes Métropole" not in by_caf
    by_kind = body(client.get(reverse("cooperation:plan-list"), {"kind": "sdsf"}))
    assert "SDSF du Finistère" in by_kind
    assert "CTG close" not in by_kind
    by_status = body(client.get(reverse("cooperation:plan-list"), {"status": "cloture"}))
    assert "CTG close" in by_status
    assert "SDSF du Finistère" not in by_status


def test_a_partner_cannot_open_a_plan(partner):
    client = logged(partner)
    page = body(client.get(reverse("cooperation:plan-list")))
    assert "Nouveau plan" not in page
    assert client.get(reverse("cooperation:plan-create")).status_code == 403


def test_an_agent_creates_a_plan_of_their_caf_from_a_template(agent):
    AxisTheme.objects.create(name="Parentalité", slug="parentalite")
    template = PlanTemplate.objects.create(
        name="CTG type",
        kind="ctg",
        structure={
            "axes": [
                {
                    "theme": "parentalite",
                    "title": "Soutien à la parentalité",
                    "objectives": [
                        {"title": "Mailler le territoire", "actions": [{"title": "LAEP"}]}
                    ],
                }
            ]
        },
    )
    client = logged(agent)
    form = body(client.get(reverse("cooperation:plan-create")))
    assert "Caf de l&#x27;Isère" in form
    assert "Caf du Finistère" not in form  # an agent opens plans for their own Caf only
    response = client.post(
        reverse("cooperation:plan-create"),
        {
            "kind": "ctg",
            "title": "CTG du Voironnais 2025-2029",
            "territory": "Pays voironnais",
            "starts_on": "2025-01-01",
            "ends_on": "2029-12-31",
            "caf": caf("38").pk,
            "template": template.pk,
        },
    )
    plan = Plan.objects.get(title="CTG du Voironnais 2025-2029")
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    assert plan.members.get().user == agent
    assert plan.members.get().role == PlanMember.Role.PILOT
    assert plan.actions.get().title == "LAEP"


def test_plan_creation_errors_keep_the_input(agent):
    client = logged(agent)
    response = client.post(
        reverse("cooperation:plan-create"),
        {
            "kind": "ctg",
            "title": "CTG à corriger",
            "territory": "Vercors",
            "starts_on": "2026-01-01",
            "ends_on": "2025-01-01",
            "caf": caf("29").pk,
        },
    )
    page = body(response)
    assert response.status_code == 400
    assert "La fin du plan doit suivre son début." in page
    assert "Sélectionnez un choix valide" in page  # another Caf than the agent's
    assert 'value="CTG à corriger"' in page
    assert "<title>Erreur — " in page
    assert not Plan.objects.filter(title="CTG à corriger").exists()


def test_staff_create_a_plan_for_any_caf(staff):
    response = logged(staff).post(
        reverse("cooperation:plan-create"),
        {
            "kind": "sdsf",
            "title": "SDSF du Finistère 2025-2030",
            "territory": "Finistère",
            "starts_on": "2025-01-01",
            "ends_on": "2030-12-31",
            "caf": caf("29").pk,
        },
    )
    assert response.status_code == 302
    assert Plan.objects.get(title="SDSF du Finistère 2025-2030").caf == caf("29")


# The dashboard and the roadmap ----------------------------------------------------------------
def test_the_dashboard_shows_the_light_progress_late_and_upcoming_actions(plan, agent):
    page = body(logged(agent).get(url("plan-detail", plan)))
    assert "État du plan : En retard" in page  # one action in two is late: off track
    assert "plus d&#x27;une action sur quatre est en retard" in page
    assert "Avancement global" in page
    assert "Temps écoulé" in page
    assert page.count('role="img"') == 2  # progress gauge and actions by status per axis
    assert "Actions par statut et par axe" in page
    assert "échéance dépassée depuis le" in page
    assert "Échéances des 30 prochains jours" in page
    assert "Bientôt échue" in page
    assert "coop-statut--en_retard" in page
    assert url("plan-export-pdf", plan) in page
    assert url("plan-export-xlsx", plan) in page
    assert url("plan-gantt", plan) in page
    assert url("plan-indicators", plan) in page
    assert url("plan-space", plan) in page
    assert url("plan-members", plan) in page
    assert "Figer le planning de référence" in page


def test_the_roadmap_filters_by_status_axis_and_pilot(plan, agent, late_action):
    other_axis = AxisFactory(plan=plan, title="Jeunesse")
    ActionFactory(objective__axis=other_axis, title="Créer un conseil de jeunes")
    client = logged(agent)
    late = body(client.get(url("plan-detail", plan), {"status": "en_retard"}))
    roadmap = late[late.index('id="feuille-de-route"') :]
    assert "Ouvrir une micro-crèche" in roadmap
    assert "Former les assistantes maternelles" not in roadmap
    assert "1 action correspond aux filtres." in roadmap
    assert '<option value="en_retard" selected>' in roadmap
    by_axis = body(client.get(url("plan-detail", plan), {"axis": other_axis.pk}))
    roadmap = by_axis[by_axis.index('id="feuille-de-route"') :]
    assert "Créer un conseil de jeunes" in roadmap
    assert "Ouvrir une micro-crèche" not in roadmap
    pilot = body(client.get(url("plan-detail", plan), {"pilot": late_action.pilot_organisation_id}))
    roadmap = pilot[pilot.index('id="feuille-de-route"') :]
    assert "Ouvrir une micro-crèche" in roadmap
    assert "Créer un conseil de jeunes" not in roadmap
    # The dashboard above still counts the whole plan.
    assert '<dd class="chiffre">3</dd>' in pilot
    # Nonsense in the address is ignored, not an error.
    assert client.get(url("plan-detail", plan), {"axis": "x", "status": "?"}).status_code == 200


def test_htmx_filters_get_the_roadmap_fragment(plan, agent):
    response = logged(agent).get(
        url("plan-detail", plan),
        {"status": "en_cours"},
        headers={"HX-Request": "true", "HX-Target": "feuille-de-route"},
    )
    page = body(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert "Former les assistantes maternelles" in page
    assert "Ouvrir une micro-crèche" not in page


def test_a_pilot_freezes_the_baseline_then_sees_planned_and_current_due_dates(
    plan, agent, late_action
):
    client = logged(agent)
    response = client.post(url("plan-freeze", plan))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.baseline_frozen_at is not None
    Action.objects.filter(pk=late_action.pk).update(due_on=late_action.due_on + 60 * DAY)
    page = body(client.get(url("plan-detail", plan)))
    assert "Échéance prévue (référence)" in page
    assert "(repoussée)" in page
    assert "Figer à nouveau le planning de référence" in page
    detail = body(client.get(url("action-detail", plan, action_pk=late_action.pk)))
    assert "Prévu au planning de référence" in detail


# An action: edit, conflict, steps -------------------------------------------------------------
def edit_data(action: Action, **changes) -> dict:
    data = {
        "version": action.version,
        "status": action.status,
        "progress": action.progress,
        "progress_mode": action.progress_mode,
        "starts_on": action.starts_on.isoformat(),
        "due_on": action.due_on.isoformat(),
        "owner": action.owner_id or "",
        "pilot_organisation": action.pilot_organisation_id or "",
        "partners": [o.pk for o in action.partners.all()],
        "budget": action.budget or "",
        "priority": action.priority,
        "description": action.description,
    }
    data.update(changes)
    return data


def test_a_contributor_updates_an_action(plan, soon_action, contributor):
    client = logged(contributor)
    edit = url("action-edit", plan, action_pk=soon_action.pk)
    form = body(client.get(edit))
    assert f'name="version" value="{soon_action.version}"' in form
    partner_org = contributor.organisation
    response = client.post(
        edit,
        edit_data(
            soon_action, progress=80, owner=contributor.pk, partners=[partner_org.pk], budget="1500"
        ),
    )
    assert response.status_code == 302
    soon_action.refresh_from_db()
    assert soon_action.progress == 80
    assert soon_action.owner == contributor
    assert soon_action.budget == Decimal("1500")
    assert list(soon_action.partners.all()) == [partner_org]
    assert soon_action.version == 2
    page = body(client.get(response["Location"]))
    assert "L&#x27;action « Former les assistantes maternelles » est mise à jour." in page
    assert "Avancement (%) : de « 60 » à « 80 »" in page  # the history


def test_edit_errors_keep_what_was_typed(plan, soon_action, contributor):
    response = logged(contributor).post(
        url("action-edit", plan, action_pk=soon_action.pk),
        edit_data(soon_action, progress=150, description="Un texte à garder"),
    )
    page = body(response)
    assert response.status_code == 400
    assert "Le formulaire contient des erreurs" in page
    assert "inférieure ou égale à 100" in page
    assert 'value="150"' in page
    assert "Un texte à garder" in page
    soon_action.refresh_from_db()
    assert soon_action.progress == 60


def test_two_people_edit_the_same_action_the_second_sees_both_versions(
    plan, soon_action, agent, contributor
):
    """Both open the form on version 1; the pilot saves first; the partner's save is refused
    with 409, the saved and the typed values side by side, the typed ones kept in the form."""
    edit = url("action-edit", plan, action_pk=soon_action.pk)
    pilot_client, partner_client = logged(agent), logged(contributor)
    assert 'name="version" value="1"' in body(pilot_client.get(edit))
    assert 'name="version" value="1"' in body(partner_client.get(edit))
    first = pilot_client.post(edit, edit_data(soon_action, progress=70))
    assert first.status_code == 302
    second = partner_client.post(
        edit, edit_data(soon_action, progress=90, description="Deux sessions prévues")
    )
    page = body(second)
    assert second.status_code == 409
    assert "a été modifiée par" in page
    assert str(agent) in page
    assert "ils ne sont pas perdus" in page
    assert "Version enregistrée" in page
    assert "Votre version (non enregistrée)" in page
    comparison = page[page.index("coop-comparaison") : page.index("</table>")]
    assert "70\xa0%" in comparison  # saved
    assert "90\xa0%" in comparison  # typed
    assert "différent" in comparison
    assert 'value="90"' in page  # kept in the form
    assert "Deux sessions prévues" in page
    assert 'name="version" value="2"' in page  # saving again is a deliberate choice
    soon_action.refresh_from_db()
    assert soon_action.progress == 70
    # The partner read both versions and saves theirs.
    again = partner_client.post(
        edit, edit_data(soon_action, progress=90, description="Deux sessions prévues")
    )
    assert again.status_code == 302
    soon_action.refresh_from_db()
    assert soon_action.progress == 90
    assert soon_action.version == 3


def test_saving_without_change_says_so(plan, soon_action, contributor):
    client = logged(contributor)
    response = client.post(
        url("action-edit", plan, action_pk=soon_action.pk), edit_data(soon_action)
    )
    assert response.status_code == 302
    assert "Aucune modification à enregistrer." in body(client.get(response["Location"]))
    soon_action.refresh_from_db()
    assert soon_action.version == 1


def test_an_action_of_another_plan_is_not_found_through_this_plan(plan, agent):
    stranger = ActionFactory(objective__axis__plan=PlanFactory(caf=caf("29")))
    client = logged(agent)
    assert client.get(url("action-detail", plan, action_pk=stranger.pk)).status_code == 404
    assert client.get(url("action-edit", plan, action_pk=stranger.pk)).status_code == 404


def test_steps_added_and_marked_done_drive_the_progress(plan, soon_action, contributor):
    Action.objects.filter(pk=soon_action.pk).update(progress_mode=Action.ProgressMode.STEPS)
    client = logged(contributor)
    add = url("step-create", plan, action_pk=soon_action.pk)
    for title in ("Recenser les besoins", "Organiser la formation"):
        response = client.post(add, {"title": title, "due_on": (TODAY + 5 * DAY).isoformat()})
        assert response.status_code == 302
    first = soon_action.steps.get(title="Recenser les besoins")
    toggle = url("step-toggle", plan, action_pk=soon_action.pk, step_pk=first.pk)
    assert client.post(toggle, {"done": "1"}).status_code == 302
    soon_action.refresh_from_db()
    assert soon_action.progress == 50
    page = body(client.get(url("action-detail", plan, action_pk=soon_action.pk)))
    assert "Atteint le" in page
    assert "Rouvrir" in page
    # htmx: the list of steps comes back alone, with the new progress.
    fragment = client.post(toggle, {"done": "0"}, headers={"HX-Request": "true"})
    assert "<html" not in body(fragment)
    assert "Avancement de l'action : 0 %." in body(fragment)
    invalid = client.post(add, {"title": "", "due_on": "demain"})
    assert invalid.status_code == 400
    assert "Saisissez une date valide." in body(invalid)


def test_a_step_of_another_action_is_not_found(plan, soon_action, late_action, contributor):
    step = Step.objects.create(action=late_action, title="Visite", due_on=TODAY)
    toggle = url("step-toggle", plan, action_pk=soon_action.pk, step_pk=step.pk)
    assert logged(contributor).post(toggle, {"done": "1"}).status_code == 404


# The roadmap's structure ----------------------------------------------------------------------
def test_a_pilot_builds_axes_objectives_and_actions(plan, agent, contributor):
    theme = AxisTheme.objects.create(name="Inclusion numérique", slug="inclusion-numerique")
    client = logged(agent)
    structure = url("plan-structure", plan)
    response = client.post(
        structure, {"formulaire": "axe", "title": "Numérique", "theme": theme.pk, "weight": 2}
    )
    assert response.status_code == 302
    axis = plan.axes.get(title="Numérique")
    assert (axis.theme, axis.weight) == (theme, 2)
    response = client.post(
        structure,
        {"formulaire": "objectif", "axis": axis.pk, "title": "Former les aidants", "weight": 1},
    )
    assert response.status_code == 302
    objective = axis.objectives.get()
    response = client.post(
        structure,
        {
            "formulaire": "action",
            "objective": objective.pk,
            "title": "Ateliers numériques en centre social",
            "starts_on": "2026-01-01",
            "due_on": "2026-06-30",
            "owner": contributor.pk,
            "priority": "haute",
            "weight": 1,
        },
    )
    assert response.status_code == 302
    action = objective.actions.get()
    assert (action.owner, action.priority, action.plan) == (contributor, "haute", plan)
    page = body(client.get(structure))
    assert "Numérique" in page
    assert "1 action" in page


def test_structure_errors_keep_the_input(plan, agent):
    objective = Objective.objects.filter(axis__plan=plan).first()
    response = logged(agent).post(
        url("plan-structure", plan),
        {
            "formulaire": "action",
            "objective": objective.pk,
            "title": "Action mal datée",
            "starts_on": "2026-06-30",
            "due_on": "2026-01-01",
            "priority": "moyenne",
            "weight": 1,
        },
    )
    page = body(response)
    assert response.status_code == 400
    assert "L&#x27;échéance doit suivre le début de l&#x27;action." in page
    assert 'value="Action mal datée"' in page
    # An objective of another plan cannot be chosen.
    stranger = ObjectiveFactory(axis__plan=PlanFactory(caf=caf("29")))
    response = logged(agent).post(
        url("plan-structure", plan),
        {"formulaire": "action", "objective": stranger.pk, "title": "X", "weight": 1},
    )
    assert response.status_code == 400
    assert not Action.objects.filter(title="X").exists()


# Indicators -----------------------------------------------------------------------------------
def test_a_pilot_creates_an_indicator_and_a_contributor_records_values(
    plan, agent, contributor, late_action
):
    indicators = url("plan-indicators", plan)
    refused = logged(agent).post(
        indicators,
        {"formulaire": "indicateur", "name": "Places", "baseline": "10", "target": "10"},
    )
    assert refused.status_code == 400
    assert "La cible doit différer de la valeur de départ." in body(refused)
    response = logged(agent).post(
        indicators,
        {
            "formulaire": "indicateur",
            "name": "Places d'accueil ouvertes",
            "unit": "places",
            "baseline": "10",
            "target": "30",
            "direction": "hausse",
            "action": late_action.pk,
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    client = logged(contributor)
    for period, value in (("2026-03-31", "15"), ("2026-09-30", "20")):
        response = client.post(
            indicators,
            {
                "formulaire": "mesure",
                "indicator": indicator.pk,
                "period": period,
                "value": value,
                "source": "Enquête Caf",
            },
        )
        assert response.status_code == 302
    assert IndicatorValue.objects.count() == 2
    page = body(client.get(indicators))
    assert "50&nbsp;%" in page  # (20 − 10) / (30 − 10)
    assert "Places d&#x27;accueil ouvertes : valeurs mesurées et cible" in page
    assert 'role="img"' in page
    assert "Enquête Caf" in page
    assert "Créer un indicateur" not in page  # a contributor records, the pilot defines
    action_page = body(client.get(url("action-detail", plan, action_pk=late_action.pk)))
    assert "Places d&#x27;accueil ouvertes" in action_page
    invalid = client.post(
        indicators, {"formulaire": "mesure", "indicator": indicator.pk, "value": "beaucoup"}
    )
    assert invalid.status_code == 400
    assert 'value="beaucoup"' in body(invalid)


# The collaborative space ----------------------------------------------------------------------
def test_a_message_with_a_mention_notifies_the_member(
    plan, agent, contributor, django_capture_on_commit_callbacks
):
    client = logged(agent)
    space = body(client.get(url("plan-space", plan)))
    assert "@claire.martin" in space  # the members' handles
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("message-create", plan), {"text": "@claire.martin peux-tu relire le bilan ?"}
        )
    assert response.status_code == 302
    assert response["Location"].endswith("/espace/#fil")
    message = Message.objects.get()
    assert list(message.mentions.all()) == [contributor]
    assert [m.to for m in mail.outbox] == [[contributor.email]]
    page = body(client.get(url("plan-space", plan)))
    assert '<strong class="coop-mention">@claire.martin</strong> peux-tu relire le bilan ?' in page
    assert "a écrit un message" in page  # the activity feed


def test_a_message_about_an_action_goes_to_its_thread(plan, contributor, late_action):
    client = logged(contributor)
    response = client.post(
        url("message-create", plan),
        {"text": "Le permis de construire est signé.", "action": late_action.pk},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/actions/{late_action.pk}/#fil")
    assert Message.objects.get().action == late_action
    page = body(client.get(url("action-detail", plan, action_pk=late_action.pk)))
    assert "Le permis de construire est signé." in page
    empty = client.post(url("message-create", plan), {"text": "   ", "action": late_action.pk})
    assert empty.status_code == 400
    assert "<h1>Ouvrir une micro-crèche</h1>" in body(empty)
    stranger = ActionFactory(objective__axis__plan=PlanFactory(caf=caf("29")))
    assert (
        client.post(url("message-create", plan), {"text": "x", "action": stranger.pk}).status_code
        == 404
    )


def test_the_thread_and_the_feed_are_paginated_newest_messages_first_shown(plan, agent):
    for i in range(25):
        services.message_post(plan=plan, by=agent, text=f"Message numéro {i:02d}")
    page = body(logged(agent).get(url("plan-space", plan)))
    assert "Message numéro 24" in page  # the last page opens first
    assert "Message numéro 00" not in page
    assert "Page 2 sur 2" in page
    assert "Messages précédents" in page
    assert "Activité plus ancienne" in page
    first = body(logged(agent).get(url("plan-space", plan), {"page": 1}))
    assert "Message numéro 00" in first


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def upload(name="compte-rendu.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_documents_are_uploaded_and_downloaded_by_members_only(
    plan, agent, contributor, other_caf_agent, media, django_capture_on_commit_callbacks
):
    client = logged(contributor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("document-upload", plan), {"file": upload()})
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.scan == Document.Scan.CLEAN  # no scanner here: marked clean
    download = reverse("cooperation:document-download", kwargs={"pk": document.pk})
    page = body(client.get(url("plan-space", plan)))
    assert download in page
    assert "Sain" in page
    response = logged(agent).get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    assert logged(other_caf_agent).get(download).status_code == 404
    assert logged(PartnerFactory()).get(download).status_code == 404
    assert Client().get(download).status_code == 302  # to the login page


def test_an_infected_document_cannot_be_downloaded(plan, agent, media):
    document = Document.objects.create(
        plan=plan,
        file=SimpleUploadedFile("virus.pdf", PDF),
        name="virus.pdf",
        size=len(PDF),
        content_type="application/pdf",
        scan=Document.Scan.INFECTED,
    )
    download = reverse("cooperation:document-download", kwargs={"pk": document.pk})
    assert logged(agent).get(download).status_code == 404
    page = body(logged(agent).get(url("plan-space", plan)))
    assert "Infecté" in page
    assert download not in page


def test_a_refused_file_is_reported_on_its_field(plan, contributor, late_action, media):
    response = logged(contributor).post(
        url("document-upload", plan),
        {"file": upload("budget.xlsx", b"MZ\x90\x00" + b"\x00" * 60), "action": late_action.pk},
    )
    page = body(response)
    assert response.status_code == 400
    assert "Ce type de fichier n&#x27;est pas accepté." in page
    assert '<a href="#document_file">Document</a>' in page
    assert Document.objects.count() == 0


# Members --------------------------------------------------------------------------------------
def test_a_pilot_adds_changes_and_removes_members(plan, agent, contributor):
    newcomer = AgentFactory(email="sonia.mercier@caf38.test")
    client = logged(agent)
    members = url("plan-members", plan)
    response = client.post(members, {"email": "Sonia.Mercier@caf38.test", "role": "lecteur"})
    assert response.status_code == 302
    assert PlanMember.objects.get(plan=plan, user=newcomer).role == PlanMember.Role.READER
    unknown = client.post(members, {"email": "personne@nulle.part", "role": "lecteur"})
    assert unknown.status_code == 400
    assert "Aucun compte n&#x27;utilise cette adresse." in body(unknown)
    assert 'value="personne@nulle.part"' in body(unknown)
    membership = PlanMember.objects.get(plan=plan, user=contributor)
    update = url("member-update", plan, member_pk=membership.pk)
    assert client.post(update, {"operation": "role", "role": "pilote"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == PlanMember.Role.PILOT
    assert client.post(update, {"operation": "retirer"}).status_code == 302
    assert not PlanMember.objects.filter(pk=membership.pk).exists()
    page = body(client.get(members))
    assert "ne fait plus partie du plan" in page


def test_a_plan_always_keeps_a_pilot(plan, agent):
    own = PlanMember.objects.get(plan=plan, user=agent)
    update = url("member-update", plan, member_pk=own.pk)
    client = logged(agent)
    for data in ({"operation": "role", "role": "lecteur"}, {"operation": "retirer"}):
        response = client.post(update, data, follow=True)
        assert "Un plan garde toujours au moins un pilote." in body(response)
    own.refresh_from_db()
    assert own.role == PlanMember.Role.PILOT


# Resources and the national dashboard ---------------------------------------------------------
@pytest.fixture
def resources(media):
    theme = AxisTheme.objects.create(name="Évaluation", slug="evaluation")
    guide = Resource.objects.create(
        title="Guide de l'évaluation d'une CTG",
        kind=Resource.Kind.GUIDE,
        summary="Les étapes d'une évaluation partagée.",
        file=SimpleUploadedFile("guide-evaluation.pdf", PDF),
    )
    guide.themes.set([theme])
    Resource.objects.create(
        title="Modèle de tableau de bord", kind=Resource.Kind.TEMPLATE, summary="Un modèle."
    )
    Resource.objects.create(
        title="Brouillon interne", kind=Resource.Kind.SHEET, summary="…", is_published=False
    )
    return guide


def test_the_resource_library_is_for_agents_members_and_staff(
    resources, agent, contributor, partner
):
    listing = reverse("cooperation:resource-list")
    page = body(logged(contributor).get(listing))
    assert "Guide de l&#x27;évaluation d&#x27;une CTG" in page
    assert "Modèle de tableau de bord" in page
    assert "Brouillon interne" not in page
    guides = body(logged(agent).get(listing, {"kind": "guide"}))
    assert "Modèle de tableau de bord" not in guides
    themed = body(logged(agent).get(listing, {"theme": "evaluation"}))
    assert "Guide de l&#x27;évaluation" in themed
    assert "Modèle de tableau de bord" not in themed
    assert logged(partner).get(listing).status_code == 403  # a partner of no plan
    download = reverse("cooperation:resource-download", kwargs={"pk": resources.pk})
    response = logged(contributor).get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert logged(partner).get(download).status_code == 403
    hidden = Resource.objects.get(title="Brouillon interne")
    hidden_url = reverse("cooperation:resource-download", kwargs={"pk": hidden.pk})
    assert logged(agent).get(hidden_url).status_code == 404


def test_the_national_dashboard_is_for_staff_only(plan, staff, agent, other_caf_agent):
    PlanFactory(title="SDSF du Finistère", caf=caf("29"))
    response = logged(staff).get(reverse("cooperation:national-dashboard"))
    page = body(response)
    assert response.status_code == 200
    assert "Caf utilisatrices" in page
    assert "CTG Grenoble-Alpes Métropole 2024-2028" in page
    assert "SDSF du Finistère" in page
    assert "Plans d&#x27;action par région" in page
    assert "Auvergne-Rhône-Alpes" in page
    assert '<dd class="chiffre">2</dd>' in page  # two Cafs, two plans
    for user in (agent, other_caf_agent):
        assert logged(user).get(reverse("cooperation:national-dashboard")).status_code == 403


# The home page panel --------------------------------------------------------------------------
def test_the_home_page_shows_my_plans(plan, contributor, partner):
    page = body(logged(contributor).get(reverse("home")))
    assert "Mes plans d&#x27;action" in page
    assert "CTG Grenoble-Alpes Métropole 2024-2028" in page
    assert "1 action en retard" in page
    assert "Mes plans d&#x27;action" not in body(logged(partner).get(reverse("home")))


# The retro-planning ---------------------------------------------------------------------------
def test_the_retro_planning_draws_actions_and_milestones_with_a_table(plan, agent, late_action):
    Step.objects.create(action=late_action, title="Permis de construire", due_on=TODAY - 50 * DAY)
    client = logged(agent)
    page = body(client.get(url("plan-gantt", plan)))
    assert "<h1>Rétroplanning</h1>" in page
    assert page.count('role="img"') == 1
    assert "Voir les données du graphique" in page
    assert "Jalon : Permis de construire" in page
    assert '<th scope="row">Ouvrir une micro-crèche</th>' in page  # the table alternative
    assert "3 lignes (actions et jalons)" in page
    assert "coop-page-imprimable" in page
    on_time = body(client.get(url("plan-gantt", plan), {"status": "en_cours"}))
    assert "Former les assistantes maternelles" in on_time
    assert "Ouvrir une micro-crèche" not in on_time  # late: it is « En retard », not « En cours »
    late = body(client.get(url("plan-gantt", plan), {"status": "en_retard"}))
    assert "Ouvrir une micro-crèche" in late
    assert "Former les assistantes maternelles" not in late
    fragment = client.get(
        url("plan-gantt", plan), headers={"HX-Request": "true", "HX-Target": "retroplanning"}
    )
    assert "<html" not in body(fragment)


# Query counts: constant whatever the size of the plan -----------------------------------------
def grow(plan: Plan, n: int, *, user) -> Action:
    """n actions over two more axes and four objectives, each with a step and two partners;
    n messages, n events, n documents, indicators with n values; returns an action that has
    n steps, messages, events and documents of its own."""
    organisations = [OrganisationFactory() for _ in range(3)]
    axes = [AxisFactory(plan=plan) for _ in range(2)]
    objectives = [ObjectiveFactory(axis=axes[i % 2]) for i in range(4)]
    statuses = [Action.Status.TO_START, Action.Status.IN_PROGRESS, Action.Status.DONE]
    actions = Action.objects.bulk_create(
        Action(
            plan=plan,
            objective=objectives[i % 4],
            title=f"Action n°{i}",
            starts_on=TODAY - (n + 200) * DAY,
            due_on=TODAY + (i - n // 2) * DAY,
            status=statuses[i % 3],
            progress=i % 100,
            owner=user,
            pilot_organisation=organisations[i % 3],
            baseline_due_on=TODAY,
        )
        for i in range(n)
    )
    Action.partners.through.objects.bulk_create(
        Action.partners.through(action_id=a.pk, organisation_id=o.pk)
        for a in actions
        for o in organisations[:2]
    )
    Step.objects.bulk_create(Step(action=a, title="Jalon", due_on=a.due_on) for a in actions)
    hub = actions[0]
    Step.objects.bulk_create(Step(action=hub, title=f"Étape {i}", due_on=TODAY) for i in range(n))
    Message.objects.bulk_create(
        Message(plan=plan, author=user, text=f"Message {i}", action=hub if i % 2 else None)
        for i in range(2 * n)
    )
    Document.objects.bulk_create(
        Document(
            plan=plan,
            action=hub,
            file=f"cooperation/doc{i}.pdf",
            name=f"doc{i}.pdf",
            size=10,
            content_type="application/pdf",
            uploaded_by=user,
        )
        for i in range(n)
    )
    content_type = ContentType.objects.get_for_model(Action)
    ActivityEvent.objects.bulk_create(
        ActivityEvent(
            actor=user,
            verb="action.updated",
            content_type=content_type,
            object_id=str(hub.pk),
            object_repr=hub.title,
            scope=f"cooperation.plan:{plan.pk}",
            changes={"progress": [i, i + 1], "status": ["a_lancer", "en_cours"]},
        )
        for i in range(n)
    )
    for i in range(3):
        indicator = Indicator.objects.create(
            plan=plan, name=f"Indicateur {i}", baseline=0, target=100, action=hub
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(indicator=indicator, period=TODAY - j * DAY, value=j) for j in range(n)
        )
    return hub


@pytest.mark.parametrize("n", [5, 500])
def test_plan_page_queries_do_not_grow(plan, agent, n, django_assert_num_queries):
    """The dashboard and the roadmap of a plan with 500 actions: as many queries as with 5."""
    grow(plan, n, user=agent)
    client = logged(agent)
    # session, user, plan (Caf), memberships; then the parts of the page: plan (Caf, template,
    # member count), signatories, axes (theme), objectives, actions (pilot, owner)
    with django_assert_num_queries(9):
        assert client.get(url("plan-detail", plan)).status_code == 200
    # The parts are cached until the plan changes: session, user, plan, memberships
    with django_assert_num_queries(4):
        assert client.get(url("plan-detail", plan)).status_code == 200


@pytest.mark.parametrize("n", [5, 500])
def test_filtered_plan_page_queries_do_not_grow(plan, agent, n, django_assert_num_queries):
    grow(plan, n, user=agent)
    client = logged(agent)
    # The 9 queries of the plan page, then the filtered roadmap: plan, axes, objectives, actions
    with django_assert_num_queries(13):
        assert client.get(url("plan-detail", plan), {"status": "en_retard"}).status_code == 200
    with django_assert_num_queries(4):
        assert client.get(url("plan-detail", plan), {"status": "en_retard"}).status_code == 200


@pytest.mark.parametrize("n", [2, 30])
def test_plan_list_queries_do_not_grow(agent, n, django_assert_num_queries):
    for _ in range(n):
        plan = PlanFactory()
        member(plan, agent, PlanMember.Role.PILOT)
        grow(plan, 3, user=agent)
    client = logged(agent)
    # session, user, memberships, count, page of plans (Caf, region), their axes, objectives,
    # actions (the roll-ups)
    with django_assert_num_queries(8):
        assert client.get(reverse("cooperation:plan-list")).status_code == 200
    # The rows are cached until one of these plans changes
    with django_assert_num_queries(5):
        assert client.get(reverse("cooperation:plan-list")).status_code == 200


@pytest.mark.parametrize("n", [5, 200])
def test_action_page_queries_do_not_grow(plan, agent, n, django_assert_num_queries):
    hub = grow(plan, n, user=agent)
    client = logged(agent)
    # session, user, plan, memberships, action (objective, axis, theme, pilot, owner, last
    # editor), partners, messages count, steps, indicators, their values, documents, history,
    # page of messages (author, organisation); the content type is cached by the process
    with django_assert_num_queries(13):
        assert client.get(url("action-detail", plan, action_pk=hub.pk)).status_code == 200


@pytest.mark.parametrize("n", [5, 500])
def test_gantt_queries_do_not_grow(plan, agent, n, django_assert_num_queries):
    grow(plan, n, user=agent)
    client = logged(agent)
    # session, user, plan (Caf), memberships; then the chart: plan, axes (theme), objectives,
    # actions (pilot, owner), steps, the pilots of the filter
    with django_assert_num_queries(10):
        assert client.get(url("plan-gantt", plan)).status_code == 200
    # The chart is cached until the plan changes: session, user, plan, memberships
    with django_assert_num_queries(4):
        assert client.get(url("plan-gantt", plan)).status_code == 200


@pytest.mark.parametrize("n", [5, 200])
def test_indicators_queries_do_not_grow(plan, agent, n, django_assert_num_queries):
    grow(plan, n, user=agent)
    client = logged(agent)
    # session, user, plan, memberships, indicators (objective, action), their values, and the
    # choices of the forms: indicators, objectives, actions
    with django_assert_num_queries(9):
        assert client.get(url("plan-indicators", plan)).status_code == 200
    # The indicators and the choices are cached until the plan changes: session, user, plan,
    # memberships
    with django_assert_num_queries(4):
        assert client.get(url("plan-indicators", plan)).status_code == 200


@pytest.mark.parametrize("n", [5, 200])
def test_space_queries_do_not_grow(plan, agent, n, django_assert_num_queries):
    grow(plan, n, user=agent)
    for _ in range(n // 10):
        member(plan, PartnerFactory(), PlanMember.Role.READER)
    client = logged(agent)
    # session, user, plan, memberships, members (their handles), messages count, events count,
    # page of messages (author, organisation, action), page of events (actor), documents
    with django_assert_num_queries(10):
        assert client.get(url("plan-space", plan)).status_code == 200


@pytest.mark.parametrize("n", [2, 60])
def test_national_dashboard_queries_do_not_grow(staff, n, django_assert_num_queries):
    for i in range(n):
        plan = PlanFactory(caf=caf(["38", "29", "35", "75"][i % 4]))
        grow(plan, 2, user=staff)
    client = logged(staff)
    # session, user, actions by status, plans and Cafs per region, page of plans (Caf, region),
    # their action counts (done, late, last change), their member counts
    with django_assert_num_queries(7):
        assert client.get(reverse("cooperation:national-dashboard")).status_code == 200
    # Cached until any plan changes: session, user
    with django_assert_num_queries(2):
        assert client.get(reverse("cooperation:national-dashboard")).status_code == 200
