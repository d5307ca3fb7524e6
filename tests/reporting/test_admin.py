"""The annual report in the staff admin: every model there, in French, searchable and filtered;
the builds read-only, with « Relancer » through the service for the failed ones only; the temps
forts with their picture and its description; the external indicators edited in the list."""

import pytest
from django.urls import reverse

from reporting.models import Edito, ExternalIndicator, Highlight, ReportRun, TeamMember
from tests.reporting.test_views import make_run, png

pytestmark = pytest.mark.django_db

MODELS = ["edito", "highlight", "teammember", "externalindicator", "reportrun"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def changelist(model: str) -> str:
    return reverse(f"admin:reporting_{model}_changelist")


def change(model: str, pk: int) -> str:
    return reverse(f"admin:reporting_{model}_change", args=[pk])


@pytest.fixture
def world(staff):
    Edito.objects.create(
        year=2025,
        author="Nicolas Grivel",
        author_title="Directeur général",
        title="Innover avec les familles",
        text="Une année de coopérations.",
    )
    highlight = Highlight(year=2025, month=6, title="Les Trophées de l'innovation")
    highlight.image.save("trophees.png", png(), save=False)
    highlight.image_alt = "Les lauréats sur scène"
    highlight.save()
    TeamMember.objects.create(year=2025, name="Karine Richard", role="Responsable du CafLab")
    ExternalIndicator.objects.create(
        year=2025, key="linkedin_followers", value=3560, source="LinkedIn, 31/12/2025"
    )
    ExternalIndicator.objects.create(year=2024, key="linkedin_followers", value=2900)
    return {
        "done": make_run(by=staff),
        "failed": make_run(status=ReportRun.Status.FAILED, kind="chiffres", by=staff),
        "highlight": highlight,
    }


def test_every_model_of_the_app_is_in_the_admin_in_french():
    from django.apps import apps
    from django.contrib import admin

    registered = {model for model in admin.site._registry if model._meta.app_label == "reporting"}
    assert registered == set(apps.get_app_config("reporting").get_models())
    assert {m._meta.model_name for m in registered} == set(MODELS)


def test_the_admin_index_names_the_app_and_its_models_in_french(client, staff, world):
    client.force_login(staff)
    page = client.get(reverse("admin:index")).content.decode()
    for label in ("Rapport d&#x27;activité", "Éditos", "Temps forts", "Générations du rapport"):
        assert label in page


@pytest.mark.parametrize(
    ("model", "query"),
    [
        ("edito", "grivel"),
        ("highlight", "trophées"),
        ("teammember", "richard"),
        ("externalindicator", "31/12/2025"),
        ("reportrun", "police"),
    ],
)
def test_every_changelist_opens_and_searches(client, staff, world, model, query):
    client.force_login(staff)
    assert client.get(changelist(model)).status_code == 200
    response = client.get(changelist(model), {"q": query})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("model", MODELS)
def test_every_change_form_opens(client, staff, world, model):
    client.force_login(staff)
    obj = client.get(changelist(model)).context["cl"].result_list[0]
    assert client.get(change(model, obj.pk)).status_code == 200


@pytest.mark.parametrize("who", ["agent", "partner", "referent"])
def test_non_staff_are_sent_to_the_login(client, world, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(changelist("reportrun"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# Builds ----------------------------------------------------------------------------------------
def test_the_builds_are_listed_with_their_provenance(client, staff, world):
    client.force_login(staff)
    page = client.get(changelist("reportrun")).content.decode()
    assert "9f2c1e7b0d4a" in page
    assert "1.2 s + 3.5 s" in page
    assert reverse("reporting:run-download", kwargs={"pk": world["done"].pk}) in page
    filtered = client.get(changelist("reportrun"), {"status__exact": "echec"})
    assert list(filtered.context["cl"].result_list) == [world["failed"]]


def test_a_build_is_read_only(client, staff, world):
    client.force_login(staff)
    done = world["done"]
    assert client.get(reverse("admin:reporting_reportrun_add")).status_code == 403
    page = client.get(change("reportrun", done.pk)).content.decode()
    assert 'name="status"' not in page
    assert 'name="_save"' not in page
    assert done.get_absolute_url() in page  # its page, with its progress
    response = client.post(change("reportrun", done.pk), {"status": "echec"})
    assert response.status_code == 403
    done.refresh_from_db()
    assert done.status == ReportRun.Status.DONE
    delete = reverse("admin:reporting_reportrun_delete", args=[done.pk])
    assert client.get(delete).status_code == 403


def test_retry_action_restarts_the_failed_builds_only(client, staff, world):
    client.force_login(staff)
    done, failed = world["done"], world["failed"]
    response = client.post(
        changelist("reportrun"),
        {"action": "retry", "_selected_action": [done.pk, failed.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 génération relancée." in page
    assert "Seule une génération en échec peut être relancée." in page
    failed.refresh_from_db()
    done.refresh_from_db()
    assert (failed.status, failed.error) == (ReportRun.Status.QUEUED, "")
    assert done.status == ReportRun.Status.DONE
    assert ReportRun.objects.count() == 2


def test_the_builds_are_exported(client, staff, world):
    client.force_login(staff)
    response = client.post(
        changelist("reportrun"),
        {"action": "export_csv", "_selected_action": [world["done"].pk]},
    )
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeffDocument;Année;Statut")
    assert "Rapport d'activité complet;2025;Terminé" in content


# What the team writes --------------------------------------------------------------------------
def test_a_highlight_shows_its_picture_with_its_description(client, staff, world):
    client.force_login(staff)
    highlight = world["highlight"]
    image = reverse("reporting:highlight-image", kwargs={"pk": highlight.pk})
    listing = client.get(changelist("highlight")).content.decode()
    assert f'<img src="{image}" alt="Les lauréats sur scène" width="80"' in listing
    page = client.get(change("highlight", highlight.pk)).content.decode()
    assert f'<img src="{image}" alt="Les lauréats sur scène" width="320"' in page


def test_a_highlight_picture_without_description_is_refused(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:reporting_highlight_add"),
        {
            "year": "2025",
            "month": "3",
            "position": "0",
            "title": "Ouverture du living lab",
            "image": png(),
            "image_alt": "",
        },
    )
    assert response.status_code == 200
    assert "Décrivez l&#x27;image" in response.content.decode()
    assert not Highlight.objects.exists()


def test_a_highlight_file_that_is_not_a_picture_is_refused(client, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff)
    fake = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\necho bonjour\n", content_type="image/jpeg")
    response = client.post(
        reverse("admin:reporting_highlight_add"),
        {
            "year": "2025",
            "month": "3",
            "position": "0",
            "title": "Un temps fort",
            "image": fake,
            "image_alt": "Un texte",
        },
    )
    assert response.status_code == 200
    assert not Highlight.objects.exists()


def test_the_external_indicators_of_a_year_are_edited_in_the_list(client, staff, world):
    client.force_login(staff)
    indicator = ExternalIndicator.objects.get(year=2025)
    response = client.post(
        changelist("externalindicator") + "?year__exact=2025",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(indicator.pk),
            "form-0-value": "3600",
            "form-0-source": "LinkedIn, 5 janvier 2026",
            "_save": "Enregistrer",
        },
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.value, indicator.source) == (3600, "LinkedIn, 5 janvier 2026")
    assert ExternalIndicator.objects.get(year=2024).value == 2900
