"""The jury of a Défi in Chromium: a jury member (the demo referent) scores the application
assigned to them, the CafLab team selects it on the ranking page, and the winner appears in the
portfolio. Then the team walks through the other network pages of the projects' space. axe runs
on every page reached."""

import pytest
from django.conf import settings
from django.utils import timezone

from caflab.demo import REFERENT_EMAIL, STAFF_EMAIL
from caflab.models import User
from caflab.seeding import SeedContext, seed_all
from projects import services
from projects.models import Call, Enrolment, Project
from tests.caflab.factories import AgentFactory, caf
from tests.e2e.conftest import assert_accessible, login
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
    TrainingSessionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CALL_TITLE = "Défi petite enfance : lutter contre la pénurie de personnel"
WINNER = "Campus Cocoon'Age"
OTHER = "Laboratoire mobile de soutien aux professionnels"


@pytest.fixture
def defi():
    """The Défi in the hands of its jury: two applications, the first assigned to the demo
    referent, the second scored already by another jury member."""
    seed_all(SeedContext(log=lambda _message: None), only={"caflab"})
    programme = ProgrammeFactory(name="Innovation sociale territoriale", slug="ist")
    call = CallFactory(
        title=CALL_TITLE,
        slug="defi-petite-enfance",
        programme=programme,
        status=Call.Status.JURY,
        winners_count=1,
    )
    referent = User.objects.get(email=REFERENT_EMAIL)
    winner = ApplicationFactory(
        call=call,
        title=WINNER,
        team_name="Équipe Auvergne-Rhône-Alpes",
        contact=AgentFactory(caf=caf("38")),
    )
    other = ApplicationFactory(
        call=call,
        title=OTHER,
        team_name="Équipe Centre-Val de Loire",
        contact=AgentFactory(caf=caf("18")),
    )
    JuryAssignmentFactory(application=winner, juror=referent)
    colleague = JuryAssignmentFactory(application=other, juror=AgentFactory(caf=caf("29")))
    criteria = list(call.criteria.all())
    services.score_submit(
        assignment=colleague,
        by=colleague.juror,
        scores={c.pk: 2 for c in criteria},
        comment="Un projet encore fragile.",
    )
    return call


@pytest.fixture
def network():
    """Something on each of the other network pages."""
    cohort = CohortFactory(name="Promotion Défi 2025", slug="promotion-defi-2025")
    project = ProjectFactory(title="Incub'talents", cohort=cohort)
    NeedFactory(project=project, title="Trouver un cofinancement pour 2026")
    HelperFactory()
    CreativitySessionFactory(held_on=timezone.localdate().replace(month=1, day=1))
    session = TrainingSessionFactory()
    Enrolment.objects.create(session=session, trainee=TraineeFactory())
    return {"cohort": cohort, "session": session}


def test_a_juror_scores_and_the_caflab_selects_the_winner(page, browser, live_server, defi):
    # The jury member finds the application assigned to them.
    login(page, REFERENT_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    page.goto("/projets/jury/")
    assert page.locator("h1").inner_text() == "Mes candidatures à évaluer"
    assert OTHER not in page.locator("main").inner_text()  # not assigned to them
    assert_accessible(page)
    page.get_by_role("link", name=WINNER).click()
    assert page.locator("h1").inner_text() == f"Évaluer : {WINNER}"
    assert_accessible(page)

    # A score above the grid's maximum is refused, with a message; then the right scores.
    page.get_by_label("Caractère innovant").fill("7")
    page.get_by_label("Impact sur les territoires").fill("4")
    page.get_by_label("Réplicabilité").fill("4")
    page.get_by_label("Votre avis sur la candidature").fill("Un campus qui loge et forme.")
    page.get_by_role("button", name="Enregistrer mon évaluation").click()
    assert "entre 0 et 5" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Votre avis sur la candidature").input_value() == (
        "Un campus qui loge et forme."
    )
    assert_accessible(page)
    page.get_by_label("Caractère innovant").fill("5")
    page.get_by_role("button", name="Enregistrer mon évaluation").click()
    assert "Votre évaluation de « Campus Cocoon'Age » est enregistrée." in (
        page.get_by_role("status").inner_text()
    )
    assert "Notée le" in page.locator("main").inner_text()
    assert_accessible(page)

    # The CafLab team ranks the applications and selects the winner.
    staff_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    staff = staff_context.new_page()
    staff.set_default_timeout(10_000)
    login(staff, STAFF_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    staff.goto("/projets/appels/")
    assert staff.locator("h1").inner_text() == "Appels à projets et défis"
    assert_accessible(staff)
    staff.get_by_role("link", name=CALL_TITLE).click()
    assert staff.locator("h1").inner_text() == CALL_TITLE
    assert_accessible(staff)
    staff.get_by_role("link", name="Voir le classement et désigner les lauréats").click()
    assert staff.locator("h1").inner_text() == f"Classement du jury : {CALL_TITLE}"
    first = staff.locator("tbody tr").first.inner_text()
    assert first.startswith("1\tÉquipe Auvergne-Rhône-Alpes")
    assert "88,00" in first  # (5×2 + 4×2 + 4×1) / (5×2 + 5×2 + 5×1) × 100
    assert_accessible(staff)
    staff.get_by_label("Retenir Équipe Auvergne-Rhône-Alpes").check()
    staff.get_by_label("Motif de la décision").fill("Le jury salue un projet complet.")
    staff.get_by_role("button", name="Désigner les lauréats").click()
    assert "1 lauréat désigné" in staff.get_by_role("status").inner_text()
    winners = staff.get_by_role("region", name="Le lauréat")
    assert "Équipe Auvergne-Rhône-Alpes : Campus Cocoon'Age" in winners.inner_text()
    assert_accessible(staff)

    # The winner is now a project of the portfolio.
    assert Project.objects.filter(title=WINNER, application__call=defi).exists()
    staff.goto("/projets/")
    assert WINNER in staff.locator("main").inner_text()
    assert_accessible(staff)
    staff_context.close()


def test_the_caflab_team_walks_through_the_network_pages(page, live_server, defi, network):
    login(page, STAFF_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    cohort, session = network["cohort"], network["session"]
    for path, heading in [
        ("/projets/programmes/", "Les programmes du CafLab"),
        ("/projets/programmes/ist/", "Innovation sociale territoriale"),
        ("/projets/incubation/", "L'incubation des projets"),
        (cohort.get_absolute_url(), "Promotion Défi 2025"),
        ("/projets/besoins/", "Recherche de partenaires"),
        ("/projets/creativite/", f"Les séances de créativité en {timezone.localdate().year}"),
        ("/projets/creativite/nouvelle/", "Enregistrer une séance de créativité"),
        ("/projets/formations/", "Les formations du CafLab"),
        (session.training.get_absolute_url(), "Design thinking"),
        (
            f"/projets/formations/sessions/{session.pk}/",
            "Design thinking, session du 8 avril 2025",
        ),
    ]:
        page.goto(path)
        assert page.locator("h1").inner_text() == heading, path
        assert_accessible(page)
    # The keyboard reaches the attendance form of a session, which opens in place.
    page.goto(cohort.get_absolute_url())
    page.get_by_text("Saisir les présences").first.focus()
    page.keyboard.press("Enter")
    assert page.get_by_label("Incub'talents").first.is_visible()
    assert_accessible(page)
