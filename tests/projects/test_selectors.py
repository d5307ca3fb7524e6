"""The reads of the projects' space: the portfolio and its facets, visibility, the jury's
share, the figures of a year."""

from datetime import date

import pytest
from django.http import Http404

from projects import selectors
from projects.models import Application, Call, CreativitySession, Enrolment, Project
from tests.caflab.factories import AgentFactory, caf, region
from tests.projects.factories import (
    ApplicationFactory,
    CallFactory,
    CohortFactory,
    CreativitySessionFactory,
    JuryAssignmentFactory,
    ProgrammeFactory,
    ProjectFactory,
    TraineeFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db


def facet(facets, name):
    return {
        value: count for value, _label, count in next(f for f in facets if f.name == name).options
    }


class TestPortfolio:
    def test_filters_combine_and_each_facet_counts_with_the_other_filters(self, agent):
        ist = ProgrammeFactory(slug="ist", name="Innovation sociale territoriale")
        eco = ProgrammeFactory(slug="eco", name="Écologie solidaire")
        ProjectFactory(programme=ist, kind="fipe", theme="solutions_accueil", cafs=[caf("38")])
        ProjectFactory(programme=ist, kind="fipe", theme="qualite_accueil", cafs=[caf("29")])
        ProjectFactory(programme=ist, kind="defi", theme="metiers_petite_enfance", cafs=[caf("35")])
        ProjectFactory(programme=eco, kind="porte", theme="ecologie", cafs=[caf("26"), caf("13")])

        filters = {"programme": "ist", "kind": "fipe"}
        titles = selectors.project_list(user=agent, filters=filters)
        facets = selectors.portfolio_facets(user=agent, filters=filters)

        assert titles.count() == 2
        # The kind facet ignores the kind filter but keeps the programme one.
        assert facet(facets, "kind") == {
            "porte": 0,
            "accompagne": 0,
            "fipe": 2,
            "defi": 1,
            "experimentation": 0,
        }
        # The programme facet keeps the kind filter.
        assert facet(facets, "programme") == {"ist": 2, "eco": 0}
        # Regions: Isère (84) and Finistère (53) for the two FIPE projects.
        regions = facet(facets, "region")
        assert (regions["84"], regions["53"], regions["93"]) == (1, 1, 0)
        assert facet(facets, "theme")["solutions_accueil"] == 1

    def test_a_project_in_two_regions_counts_once_in_each(self, agent):
        ProjectFactory(
            kind="porte", cafs=[caf("26"), caf("13")]
        )  # Drôme (84), Bouches-du-Rhône (93)

        regions = facet(selectors.portfolio_facets(user=agent, filters={}), "region")

        assert (regions["84"], regions["93"]) == (1, 1)
        assert selectors.project_list(user=agent, filters={"region": "93"}).count() == 1

    def test_the_year_keeps_the_projects_under_way_that_year(self, agent):
        ProjectFactory(
            title="Fini en 2024", started_on=date(2023, 3, 1), ended_on=date(2024, 6, 30)
        )
        ProjectFactory(title="Traverse 2025", started_on=date(2024, 9, 1))
        ProjectFactory(title="Commence en 2026", started_on=date(2026, 1, 15))

        in_2025 = selectors.project_list(user=agent, filters={"year": "2025"})
        years = facet(selectors.portfolio_facets(user=agent, filters={}), "year")

        assert [p.title for p in in_2025] == ["Traverse 2025"]
        assert (years["2023"], years["2024"], years["2025"]) == (1, 2, 1)

    def test_unpublished_projects_are_for_their_team_and_the_caflab(self, agent, staff):
        carrier = AgentFactory()
        hidden = ProjectFactory(is_published=False, carriers=[carrier])
        ProjectFactory()

        assert selectors.project_list(user=agent, filters={}).count() == 1
        assert hidden in selectors.project_list(user=carrier, filters={})
        assert selectors.project_list(user=staff, filters={}).count() == 2
        with pytest.raises(Http404):
            selectors.project_get(user=agent, slug=hidden.slug)
        assert selectors.project_get(user=carrier, slug=hidden.slug) == hidden

    def test_search_reads_titles_and_summaries(self, agent):
        ProjectFactory(title="ÉchoSolidaires", summary="Un podcast itinérant.")
        ProjectFactory(title="Campus Cocoon'Age", summary="Un campus des métiers.")

        assert [p.title for p in selectors.project_list(user=agent, search="podcast")] == [
            "ÉchoSolidaires"
        ]


class TestJury:
    def test_a_juror_lists_only_their_assignments(self, agent):
        call = CallFactory()
        mine = JuryAssignmentFactory(application__call=call, juror=agent)
        JuryAssignmentFactory(application__call=call)

        assert list(selectors.juror_assignments(user=agent)) == [mine]
        with pytest.raises(Http404):
            selectors.application_get(user=agent, pk=ApplicationFactory(call=call).pk)
        assert selectors.application_get(user=agent, pk=mine.application_id)

    def test_a_call_in_preparation_is_hidden_from_the_network(self, agent, staff):
        draft = CallFactory(status=Call.Status.DRAFT)
        CallFactory()

        assert selectors.call_list(user=agent).count() == 1
        assert selectors.call_list(user=staff).count() == 2
        with pytest.raises(Http404):
            selectors.call_get(user=agent, slug=draft.slug)


class TestYearFigures:
    def test_the_figures_of_a_year_come_from_the_data(self):
        for _ in range(3):
            ProjectFactory(kind=Project.Kind.CARRIED, started_on=date(2024, 5, 1))
        ProjectFactory(
            kind=Project.Kind.CARRIED, started_on=date(2023, 1, 1), ended_on=date(2024, 12, 31)
        )  # over before 2025
        for _ in range(2):
            ProjectFactory(kind=Project.Kind.ACCOMPANIED, started_on=date(2025, 2, 1))
        ProjectFactory(kind=Project.Kind.FIPE, theme="solutions_accueil")
        ProjectFactory(kind=Project.Kind.FIPE, theme="accueil_individuel")
        call = CallFactory(
            opens_on=date(2024, 11, 18),
            closes_on=date(2025, 1, 31),
            status=Call.Status.DECIDED,
            decided_on=date(2025, 3, 20),
        )
        for i in range(4):
            ApplicationFactory(
                call=call, status=Application.Status.SELECTED if i < 2 else "non_retenue"
            )
        CreativitySessionFactory(held_on=date(2025, 3, 1), participants=12)
        CreativitySessionFactory(held_on=date(2025, 9, 1), participants=8, caf=None)
        CreativitySessionFactory(held_on=date(2024, 9, 1), participants=30)
        session = TrainingSessionFactory(starts_on=date(2025, 4, 1), ends_on=date(2025, 4, 2))
        second = TrainingSessionFactory(starts_on=date(2025, 10, 1), ends_on=date(2025, 10, 1))
        people = TraineeFactory.create_batch(3)
        for person in people:
            Enrolment.objects.create(session=session, trainee=person)
        Enrolment.objects.create(session=second, trainee=people[0])

        figures = selectors.year_figures(year=2025)

        assert (figures.carried, figures.accompanied) == (3, 2)
        assert figures.fipe_by_theme == [
            ("Diversification des solutions d'accueil", 1),
            ("Accompagnement et information des familles", 0),
            ("Qualité d'accueil", 0),
            ("Soutien à l'accueil individuel", 1),
        ]
        assert (figures.challenge_teams, figures.challenge_winners) == (4, 2)
        assert (figures.creativity_sessions, figures.creativity_participants) == (2, 20)
        assert (figures.trainings, figures.people_trained) == (2, 3)
        assert selectors.year_figures(year=2024).creativity_sessions == 1
        assert CreativitySession.objects.count() == 3

    def test_incubation_progress_over_the_year_s_cohorts(self, staff):
        from projects import services

        cohort = CohortFactory(starts_on=date(2025, 2, 3))
        project = ProjectFactory(cohort=cohort)
        ProjectFactory(cohort=cohort)
        first = cohort.modules.get(position=0)
        services.attendance_record(
            session=first.sessions.get(), by=staff, attendees={project.pk: 3}
        )

        figures = selectors.year_figures(year=2025)

        # 2 projects × 4 modules = 8; one module done.
        assert (figures.incubated, figures.incubation_percent) == (2, round(100 / 8))
        assert selectors.year_figures(year=2024).incubated == 0


def test_region_reference_data_is_there():
    assert region("84").name == "Auvergne-Rhône-Alpes"
