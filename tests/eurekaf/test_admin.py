"""Eurekaf in the admin: pages load with data, actions go through the services, exports."""

import csv
import io

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from eurekaf import services
from eurekaf.models import Idea, IdeaBox, IdeaStatusChange, InternalNote, Report
from tests.caflab.factories import AgentFactory, caf
from tests.eurekaf.factories import CampaignFactory, IdeaFactory, ThemeFactory, box

pytestmark = pytest.mark.django_db

IDEAS = reverse("admin:eurekaf_idea_changelist")


def eurekaf_models():
    return sorted(
        model._meta.model_name
        for model in admin.site._registry
        if model._meta.app_label == "eurekaf"
    )


def test_every_eurekaf_model_is_registered():
    assert eurekaf_models() == [
        "attachment",
        "campaign",
        "comment",
        "follow",
        "idea",
        "ideabox",
        "ideastatuschange",
        "internalnote",
        "report",
        "support",
        "theme",
    ]


@pytest.fixture
def manager(db):
    user = AgentFactory(caf=caf("38"))
    box("38").managers.add(user)
    return user


@pytest.fixture
def busy_box(manager):
    """One idea of the Caf de l'Isère with every kind of row around it."""
    theme = ThemeFactory(slug="accueil", name="Accueil")
    campaign = CampaignFactory(box=box("38"), title="Accueil en Isère")
    idea = IdeaFactory(box=box("38"), campaign=campaign, title="Accueil du samedi en Isère")
    idea.themes.add(theme)
    agent = AgentFactory(caf=caf("38"))
    services.idea_support(idea=idea, agent=agent)
    comment = services.comment_create(idea=idea, author=agent, text="Oui, en Isère aussi")
    services.report_create(idea=idea, by=manager, reason="Hors sujet", comment=comment)
    services.note_add(idea=idea, by=manager, text="À voir avec l'accueil de Grenoble")
    services.idea_change_status(idea=idea, by=manager, to_status="en_etude", answer="On étudie.")
    return idea


@pytest.mark.parametrize("model_name", eurekaf_models())
def test_changelists_load_and_search_with_data(client, staff, busy_box, model_name):
    client.force_login(staff)
    url = reverse(f"admin:eurekaf_{model_name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "isère"}).status_code == 200


def test_idea_change_page_shows_timeline_comments_notes(client, staff, busy_box):
    client.force_login(staff)
    body = client.get(reverse("admin:eurekaf_idea_change", args=[busy_box.pk])).content.decode()
    assert "Chronologie publique" in body
    assert "On étudie." in body
    assert "Oui, en Isère aussi" in body
    assert "À voir avec l&#x27;accueil de Grenoble" in body


def test_search_finds_ideas_by_origin_caf(client, staff):
    IdeaFactory(box=box("38"), title="Idée iséroise")
    IdeaFactory(box=box("29"), title="Idée finistérienne")
    client.force_login(staff)
    results = client.get(IDEAS, {"q": "isère"}).context["cl"].result_list
    assert [idea.title for idea in results] == ["Idée iséroise"]


# Actions ---------------------------------------------------------------------------------------
def run_action(client, url, action, objects):
    return client.post(
        url, {"action": action, "_selected_action": [obj.pk for obj in objects]}, follow=True
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_bulk_study_goes_through_the_service(client, staff):
    ideas = IdeaFactory.create_batch(2, box=box("38"))
    client.force_login(staff)
    response = run_action(client, IDEAS, "mark_studying", ideas)
    assert messages_of(response) == ["2 idées passées en étude."]
    assert set(Idea.objects.values_list("status", flat=True)) == {"en_etude"}
    changes = IdeaStatusChange.objects.filter(to_status="en_etude")
    assert changes.count() == 2
    assert {change.by for change in changes} == {staff}
    assert all(idea.first_answer_at for idea in Idea.objects.all())


def test_bulk_select_reports_each_refusal_in_french(client, staff):
    studied = IdeaFactory(box=box("38"), status=Idea.Status.STUDYING)
    done = IdeaFactory(box=box("38"), title="Déjà faite", status=Idea.Status.IMPLEMENTED)
    client.force_login(staff)
    response = run_action(client, IDEAS, "mark_selected", [studied, done])
    assert messages_of(response) == [
        "« Déjà faite » : Une idée « Mise en œuvre » ne peut pas passer à « Retenue ».",
        "1 idée retenue.",
    ]
    studied.refresh_from_db()
    done.refresh_from_db()
    assert (studied.status, done.status) == ("retenue", "mise_en_oeuvre")


def test_rejection_and_hiding_are_not_bulk_actions(client, staff):
    """Both need a text written for each idea: a public answer, a reason told to the author."""
    client.force_login(staff)
    action_form = client.get(IDEAS).context["action_form"]
    labels = [str(label) for _name, label in action_form.fields["action"].choices]
    assert "Passer en étude" in labels
    assert "Retenir" in labels
    assert "Mettre à contribution nationale" in labels
    assert not any("retenue" in label.lower() or "masquer" in label.lower() for label in labels)


def test_escalation_keeps_the_origin(client, staff):
    local = IdeaFactory(box=box("38"), title="Idée locale")
    national = IdeaFactory(box=box(None), title="Idée nationale")
    client.force_login(staff)
    response = run_action(client, IDEAS, "escalate", [local, national])
    assert messages_of(response) == [
        "« Idée nationale » : l'idée est déjà dans la boîte nationale.",
        "1 idée mise à contribution nationale.",
    ]
    local.refresh_from_db()
    assert local.box.is_national
    assert local.escalated_from == box("38")
    assert local.origin_caf.number == "38"
    assert local.status_changes.last().answer == (
        "Idée mise à contribution nationale par Caf de l'Isère."
    )


def test_internal_note_added_in_the_admin_goes_through_the_service(client, staff, busy_box):
    client.force_login(staff)
    url = reverse("admin:eurekaf_idea_change", args=[busy_box.pk])
    data = change_form_data(client.get(url))
    data.update({"notes-TOTAL_FORMS": "2", "notes-1-text": "Relancer le service le 15."})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    note = InternalNote.objects.get(text="Relancer le service le 15.")
    assert note.author == staff
    assert InternalNote.objects.count() == 2


def test_assignment_only_to_a_manager_of_the_box(client, staff, manager, busy_box):
    client.force_login(staff)
    url = reverse("admin:eurekaf_idea_change", args=[busy_box.pk])
    outsider = AgentFactory(caf=caf("29"))
    response = client.post(url, {**change_form_data(client.get(url)), "assignee": outsider.pk})
    assert response.status_code == 200
    assert "Cette personne ne gère pas la boîte de cette idée." in response.content.decode()
    response = client.post(
        url,
        {
            **change_form_data(client.get(url)),
            "assignee": manager.pk,
            "assigned_service": " Service accueil ",
        },
    )
    assert response.status_code == 302
    busy_box.refresh_from_db()
    assert (busy_box.assignee, busy_box.assigned_service) == (manager, "Service accueil")


def change_form_data(response):
    """The change form as the browser would post it back, unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(item, "pk", item) for item in value]
        else:
            data[name] = getattr(value, "pk", value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for sub in formset.initial_forms:
            data[f"{sub.prefix}-id"] = sub.instance.pk
            data[f"{sub.prefix}-idea"] = sub.instance.idea_id
    return data


# Exports ---------------------------------------------------------------------------------------
def test_idea_csv_export_has_the_selected_ideas_only(client, staff, busy_box):
    other = IdeaFactory(box=box(None), title="=Idée nationale")
    IdeaFactory(box=box("38"), title="Idée non sélectionnée")
    client.force_login(staff)
    response = client.post(
        IDEAS, {"action": "export_csv", "_selected_action": [busy_box.pk, other.pk]}
    )
    assert response.status_code == 200
    rows = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0][:8] == [
        "Identifiant",
        "Titre",
        "Boîte",
        "Caf d'origine",
        "Campagne",
        "Statut",
        "Soutiens",
        "Commentaires",
    ]
    by_title = {row[1]: row for row in rows[1:]}
    assert set(by_title) == {"Accueil du samedi en Isère", "'=Idée nationale"}
    isere = by_title["Accueil du samedi en Isère"]
    assert isere[2:8] == [
        "Caf de l'Isère",
        "Caf de l'Isère",
        "Accueil en Isère",
        "En étude",
        "1",
        "1",
    ]


def test_idea_xlsx_export(client, staff, busy_box):
    client.force_login(staff)
    response = client.post(IDEAS, {"action": "export_xlsx", "_selected_action": [busy_box.pk]})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][1] == "Titre"
    assert rows[1][1] == "Accueil du samedi en Isère"
    assert rows[1][6] == 1  # supports stay numbers


def test_campaign_export_counts_ideas(client, staff, busy_box):
    client.force_login(staff)
    response = client.post(
        reverse("admin:eurekaf_campaign_changelist"),
        {"action": "export_csv", "_selected_action": [busy_box.campaign_id]},
    )
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Titre;Boîte;Type")
    assert lines[1].startswith("Accueil en Isère;Caf de l'Isère;Campagne thématique")
    assert lines[1].endswith(";1")


# Boxes and moderation --------------------------------------------------------------------------
def test_box_list_counts_ideas_and_managers(client, staff, manager, busy_box):
    IdeaFactory(box=box("38"))
    client.force_login(staff)
    results = client.get(reverse("admin:eurekaf_ideabox_changelist")).context["cl"].result_list
    isere = next(row for row in results if row.caf_id == caf("38").pk)
    assert (isere._ideas, isere._managers) == (2, 1)


def test_box_managers_are_never_partners(client, staff, partner):
    client.force_login(staff)
    response = client.get(reverse("admin:eurekaf_ideabox_change", args=[box("38").pk]))
    managers = response.context["adminform"].form.fields["managers"].queryset
    assert partner not in managers
    assert IdeaBox.objects.count() == 1


def test_open_reports_come_first_and_are_marked_handled(client, staff, manager, busy_box):
    handled = Report.objects.get()
    handled.resolved_at = timezone.now()
    handled.save()
    fresh = services.report_create(idea=busy_box, by=AgentFactory(caf=caf("38")), reason="Doublon")
    client.force_login(staff)
    url = reverse("admin:eurekaf_report_changelist")
    assert list(client.get(url).context["cl"].result_list) == [fresh, handled]
    response = run_action(client, url, "mark_resolved", [fresh, handled])
    assert messages_of(response) == ["1 signalement marqué comme traité."]
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    assert list(client.get(url, {"etat": "ouverts"}).context["cl"].result_list) == []


@pytest.mark.parametrize("n", [1, 25])
def test_idea_changelist_queries_do_not_grow(client, staff, n, django_assert_num_queries):
    IdeaFactory.create_batch(n, box=box("38"))
    client.force_login(staff)
    # session, user, permissions (2), filter choices (boxes, themes, campaigns, regions),
    # counts (2), page of ideas with box, Caf, campaign and origin box, date hierarchy (2)
    with django_assert_num_queries(13):
        assert client.get(IDEAS).status_code == 200
