"""A citizen answers a public consultation in Chromium, without an account; staff read the
results. axe runs on every page reached."""

import pytest
from django.conf import settings

from caflab.demo import STAFF_EMAIL
from caflab.seeding import SeedContext, seed_all
from consultations.models import Consultation, Question, Response
from tests.consultations.factories import ConsultationFactory, SectionFactory, add_question
from tests.e2e.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def public_consultation():
    seed_all(SeedContext(log=lambda _message: None), only={"caflab"})
    consultation = ConsultationFactory(
        slug="autonomie-des-jeunes",
        title="L'autonomie des jeunes : vos besoins, vos idées",
        description=(
            "<p>Logement, mobilité, premier emploi : <strong>dites-nous</strong> ce qui vous "
            "aiderait.</p>"
        ),
    )
    about = SectionFactory(consultation=consultation, title="Vous", position=0)
    needs = SectionFactory(consultation=consultation, title="Vos besoins", position=1)
    profile = add_question(about, Question.Kind.PROFILE, "Vous êtes…")
    add_question(about, Question.Kind.DEPARTMENT, "Votre département")
    housing = add_question(about, Question.Kind.YES_NO, "Vivez-vous chez vos parents ?")
    reason = add_question(
        about,
        Question.Kind.SINGLE,
        "Pourquoi ?",
        choices=["Le coût du logement", "Mes études", "Autre (préciser)"],
    )
    reason.condition_question = housing
    reason.save()
    reason.condition_choices.set([housing.choices.get(label="Oui")])
    add_question(
        needs,
        Question.Kind.MULTIPLE,
        "Qu'est-ce qui vous aiderait ?",
        choices=["Une aide au permis", "Un logement moins cher", "Un accompagnement vers l'emploi"],
        max_choices=2,
    )
    add_question(
        needs, Question.Kind.SCALE, "Votre confiance en l'avenir", scale_min=1, scale_max=5
    )
    add_question(needs, Question.Kind.LONG_TEXT, "Une idée pour la Caf ?", required=False)
    consultation.profile = profile
    return consultation


def test_citizen_answers_anonymously_and_staff_reads_the_results(
    page, browser, live_server, public_consultation
):
    consultation = public_consultation
    page.goto("/consultations/")
    assert_accessible(page)
    page.get_by_role("link", name=consultation.title).click()
    assert page.locator("h1").inner_text() == consultation.title
    assert_accessible(page)
    page.get_by_role("link", name="Répondre à la consultation").click()

    # Step 1: the conditional question appears once « Oui » is chosen.
    assert "Étape 1 sur 2" in page.locator("main").inner_text()
    assert page.get_by_text("Pourquoi ?").is_hidden()
    page.get_by_label("Parent").check()
    page.get_by_label("Votre département").select_option("38")
    page.get_by_role("group", name="Vivez-vous chez vos parents ?").get_by_label("Oui").check()
    assert page.get_by_text("Pourquoi ?").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Étape suivante").click()

    # The forgotten conditional question is reported, the answers kept.
    assert page.get_by_role("alert").is_visible()
    assert "Pourquoi ?" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Parent").is_checked()
    assert_accessible(page)
    page.get_by_label("Mes études").check()
    page.get_by_role("button", name="Étape suivante").click()

    # Step 2.
    assert "Étape 2 sur 2" in page.locator("main").inner_text()
    page.get_by_label("Une aide au permis").check()
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Une idée pour la Caf ?").fill("Un guichet unique pour les jeunes.")
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    assert page.locator("h1").inner_text() == "Merci pour votre participation !"
    assert_accessible(page)
    assert Response.objects.filter(consultation=consultation).count() == 1

    # Staff read the results, broken down by profile.
    staff_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    staff_page = staff_context.new_page()
    login(staff_page, STAFF_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    staff_page.goto(f"/consultations/{consultation.slug}/resultats/")
    assert "1 répondant" in staff_page.locator("main").inner_text()
    assert staff_page.locator("svg[role=img]").count() >= 3
    assert_accessible(staff_page)
    staff_page.get_by_label("Ventiler les résultats selon").select_option(
        str(consultation.profile.pk)
    )
    staff_page.get_by_role("button", name="Afficher").click()
    assert "< 5" in staff_page.locator("main").inner_text()
    assert_accessible(staff_page)
    staff_page.goto(f"/consultations/{consultation.slug}/verbatims/")
    assert "Un guichet unique pour les jeunes." in staff_page.locator("main").inner_text()
    assert_accessible(staff_page)
    staff_context.close()

    # Published results are public.
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.RESULTS)
    page.goto(f"/consultations/{consultation.slug}/resultats/")
    assert "Résultats" in page.locator("h1").inner_text()
    assert_accessible(page)


def test_other_consultation_pages_are_accessible(page, browser, live_server, public_consultation):
    """Save-for-later, access codes, restitution and the closed page, with axe on each."""

    from consultations.models import Restitution

    consultation = public_consultation
    page.goto(f"/consultations/{consultation.slug}/repondre/")
    page.get_by_label("Parent").check()
    page.get_by_role("button", name="Enregistrer et continuer plus tard").click()
    assert page.locator("h1").inner_text() == "Vos réponses sont enregistrées"
    assert "reprise=" in page.get_by_label("Votre lien de reprise").input_value()
    assert_accessible(page)

    staff_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    staff_page = staff_context.new_page()
    login(staff_page, STAFF_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    staff_page.goto(f"/consultations/{consultation.slug}/codes/")
    assert staff_page.locator("h1").inner_text() == "Codes d'accès"
    assert_accessible(staff_page)
    staff_context.close()

    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.RESULTS)
    Restitution.objects.create(
        consultation=consultation,
        title="Ce que les jeunes nous ont dit",
        synthesis="<p>Le logement d'abord.</p>",
        published_at=consultation.closes_at,
    ).featured_questions.set([consultation.profile])
    page.goto(f"/consultations/{consultation.slug}/restitution/")
    assert page.locator("h1").inner_text() == "Ce que les jeunes nous ont dit"
    assert_accessible(page)
    page.goto(f"/consultations/{consultation.slug}/repondre/")
    assert "close" in page.locator("main").inner_text()
    assert_accessible(page)
