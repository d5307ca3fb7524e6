"""Living labs in Chromium: the demo agent of the Caf de l'Isère animates a lab; after a
workshop they record who came and two contributions, and find the counts on the lab's pages;
an anonymous visitor reads the public page. axe runs on every page reached."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from caflab.demo import AGENT_EMAIL
from caflab.models import Caf, User
from caflab.seeding import SeedContext, seed_all
from livinglabs import services
from livinglabs.models import Lab, Member, Workshop
from tests.e2e.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAB_NAME = "Living lab parentalité de Grenoble"
TOPIC = "Comprendre le relevé de dettes Aripa"
PEOPLE = [  # pseudonym, first name, last name
    ("Nadia B.", "Nadia", "Benali"),
    ("Karim T.", "Karim", "Touati"),
    ("Élodie M.", "Élodie", "Martin"),
    ("Paul R.", "Paul", "Renaud"),
]


@pytest.fixture
def demo_lab():
    """A Caf 38 lab animated by the demo agent: four members, yesterday's workshop to which
    three of them were invited."""
    seed_all(SeedContext(log=lambda _message: None), only={"caflab"})
    facilitator = User.objects.get(email=AGENT_EMAIL)
    lab = Lab.objects.create(
        name=LAB_NAME,
        slug="parentalite-grenoble",
        caf=Caf.objects.get(number="38"),
        theme=Lab.Theme.PARENTING,
        venue="Centre social Chorier-Berriat",
        city="Grenoble",
        created_on=datetime.date(2025, 3, 12),
        description="Des parents et des agents de la Caf améliorent ensemble les courriers.",
    )
    lab.facilitators.add(facilitator)
    members = [
        services.member_join(
            lab=lab,
            by=facilitator,
            pseudonym=pseudonym,
            profile=Member.Profile.PARENT,
            consent_version="v2025-01",
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}@exemple.test",
        )
        for pseudonym, first, last in PEOPLE
    ]
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
    start -= datetime.timedelta(days=1)
    workshop = services.workshop_create(
        lab=lab,
        by=facilitator,
        topic=TOPIC,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        mode=Workshop.Mode.ONSITE,
        place="Centre social Chorier-Berriat, salle 2",
    )
    services.workshop_invite(workshop=workshop, members=members[:3], by=facilitator)
    return lab


def test_the_facilitator_records_attendance_and_contributions(page, browser, live_server, demo_lab):
    lab = demo_lab
    # The facilitator finds the lab and yesterday's workshop from the home page.
    login(page, AGENT_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    assert "Mes living labs" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Living labs"
    ).click()
    assert page.locator("h1").inner_text() == "Les living labs"
    assert_accessible(page)
    page.get_by_role("link", name=LAB_NAME).first.click()
    assert page.locator("h1").inner_text() == LAB_NAME
    assert_accessible(page)
    page.get_by_role("link", name=TOPIC).click()
    assert page.locator("h1").inner_text() == TOPIC
    assert (
        "3 invités ; les présences ne sont pas encore saisies." in page.locator("main").inner_text()
    )
    assert_accessible(page)

    # Two of the three invited came, and Paul, who was not invited.
    attendance = page.locator(
        "form", has=page.get_by_role("button", name="Enregistrer les présences")
    )
    attendance.get_by_label("Nadia B. (Nadia Benali)").check()
    attendance.get_by_label("Karim T. (Karim Touati)").check()
    attendance.get_by_label("Paul R. (Paul Renaud)").check()
    attendance.get_by_role("button", name="Enregistrer les présences").click()
    assert (
        "Présences enregistrées : 3 présents sur 4 invités."
        in page.get_by_role("status").inner_text()
    )
    assert "3 présents sur 4 invités (75 % de présence)" in page.locator(
        ".ll-participation"
    ).inner_text().replace("\xa0", " ")
    assert_accessible(page)

    # Two contributions.
    for kind, words, tags in [
        ("Irritant", "Le relevé mélange la dette et les mensualités.", "Aripa, relevé"),
        ("Proposition", "Un relevé en une page, la somme due en premier.", "Aripa"),
    ]:
        form = page.locator("form", has=page.get_by_role("button", name="Ajouter la contribution"))
        form.get_by_label(kind, exact=True).check()
        form.get_by_role("textbox", name="Contribution").fill(words)
        form.get_by_label("Mots-clés").fill(tags)
        form.get_by_role("button", name="Ajouter la contribution").click()
        assert "Contribution ajoutée" in page.get_by_role("status").inner_text()
        assert words in page.locator(".ll-contributions").inner_text()
    assert page.locator(".ll-contributions > li").count() == 2
    assert_accessible(page)

    # The counts on the lab's pages.
    page.get_by_role("link", name=LAB_NAME).first.click()
    row = page.locator("tr", has=page.get_by_role("link", name=TOPIC))
    assert "3 / 4" in row.inner_text()
    assert row.locator("td").last.inner_text() == "2"
    assert "Membres actifs\n4" in page.locator(".ll-chiffres").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Membres", exact=True).click()
    assert page.locator("h1").inner_text() == "Membres du living lab"
    paul = page.locator("tr", has=page.get_by_role("rowheader", name="Paul R."))
    assert "présence à 1 atelier sur 1 invitation" in paul.inner_text()
    elodie = page.locator("tr", has=page.get_by_role("rowheader", name="Élodie M."))
    assert "présence à 0 atelier sur 1 invitation" in elodie.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Évaluation").click()
    assert page.locator("h1").inner_text() == "Évaluation du living lab"
    figures = page.locator(".ll-chiffres").inner_text().replace("\xa0", " ")
    assert "Taux de présence\n75 %" in figures
    assert "Contributions\n2" in figures
    assert page.locator("svg[role=img]").count() == 3
    assert_accessible(page)
    page.get_by_role("link", name="Agenda").click()
    assert page.locator("h1").inner_text() == "Agenda du living lab"
    assert_accessible(page)

    # The facilitator's other pages.
    for path, heading in [
        (f"/living-labs/{lab.slug}/ateliers/nouveau/", "Programmer un atelier"),
        ("/living-labs/agenda/", "L'agenda des living labs"),
        ("/living-labs/sollicitations/", "Les sollicitations des living labs"),
        ("/living-labs/evaluation/", "L'évaluation du collectif des living labs"),
    ]:
        page.goto(path)
        assert page.locator("h1").inner_text() == heading, path
        assert_accessible(page)
    member = lab.members.get(pseudonym="Élodie M.")
    page.goto(f"/living-labs/{lab.slug}/membres/{member.pk}/anonymiser/")
    assert page.locator("h1").inner_text() == "Anonymiser Élodie M."
    assert_accessible(page)

    # An anonymous visitor reads the public page: the contributions, never a member's name.
    visitor_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    visitor = visitor_context.new_page()
    visitor.set_default_timeout(10_000)
    visitor.goto("/living-labs/")
    assert visitor.locator("h1").inner_text() == "Les living labs"
    assert "4 membres actifs · 1 atelier" in visitor.locator("main").inner_text()
    assert_accessible(visitor)
    # The theme filter (htmx swaps the list in place; without JavaScript, the page reloads).
    visitor.get_by_label("Thème").select_option("jeunesse")
    visitor.get_by_role("button", name="Filtrer").click()
    visitor.get_by_text("Aucun living lab ne travaille sur ce thème pour l'instant.").wait_for()
    assert_accessible(visitor)
    visitor.get_by_label("Thème").select_option("parentalite")
    visitor.get_by_role("button", name="Filtrer").click()
    visitor.get_by_text("1 living lab pour ce thème").wait_for()
    visitor.get_by_role("link", name=LAB_NAME).first.click()
    assert visitor.locator("h1").inner_text() == LAB_NAME
    main = visitor.locator("main").inner_text()
    assert "Un relevé en une page, la somme due en premier." in main
    assert "Transmise" in main
    for _pseudonym, first, last in PEOPLE:
        assert last not in main
        assert first.lower() not in main
    assert TOPIC not in main
    assert_accessible(visitor)
    visitor_context.close()
