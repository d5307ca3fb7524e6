"""The writes of the projects' space: stage history, calls and jury, incubation, impact,
essaimage, creativity sessions and trainings."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from caflab.models import ActivityEvent
from projects import selectors, services
from projects.models import (
    Application,
    Call,
    Deliverable,
    Enrolment,
    Match,
    Need,
    Period,
    Project,
    ProjectMember,
    Replication,
    SessionAttendance,
    StageChange,
    Trainee,
)
from projects.services import ProjectError
from tests.caflab.factories import AgentFactory, OrganisationFactory, caf, region
from tests.projects.factories import (
    ApplicationFactory,
    CallFactory,
    ChangeStepFactory,
    CohortFactory,
    HelperFactory,
    IndicatorFactory,
    JuryAssignmentFactory,
    NeedFactory,
    PeriodFactory,
    ProgrammeFactory,
    ProjectFactory,
    TraineeFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Call a service and run what it leaves for after the commit (emails, tasks)."""

    def run(service, /, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="compte-rendu.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def carrier():
    return AgentFactory(caf=caf("38"))


@pytest.fixture
def project(carrier):
    return ProjectFactory(carriers=[carrier])


# Projects and their stages -----------------------------------------------------------------
class TestProjectCreate:
    def test_staff_create_a_project_with_its_first_dated_stage(self, staff, carrier):
        project = services.project_create(
            by=staff,
            title="Relais petite enfance itinérant",
            summary="Un relais qui va vers les assistants maternels des communes rurales.",
            kind=Project.Kind.FIPE,
            theme="solutions_accueil",
            started_on=date(2025, 2, 1),
            programme=ProgrammeFactory(),
            cafs=[caf("23")],
            carriers=[carrier],
        )

        assert project.slug == "relais-petite-enfance-itinerant"
        assert list(project.cafs.all()) == [caf("23")]
        assert project.memberships.get().user == carrier
        history = list(project.stage_changes.values_list("from_stage", "to_stage", "changed_on"))
        assert history == [("", "ideation", date(2025, 2, 1))]

    def test_the_address_never_takes_a_reserved_word_nor_a_taken_one(self, staff):
        first = services.project_create(
            by=staff,
            title="Formations",
            summary="…",
            kind="porte",
            theme="autre",
            started_on=date(2025, 1, 1),
        )
        second = services.project_create(
            by=staff,
            title="Formations",
            summary="…",
            kind="porte",
            theme="autre",
            started_on=date(2025, 1, 1),
        )

        assert first.slug == "formations-projet"
        assert second.slug == "formations-projet-2"

    def test_an_agent_cannot_create_a_project(self, agent):
        with pytest.raises(PermissionDenied):
            services.project_create(
                by=agent,
                title="X",
                summary="…",
                kind="porte",
                theme="autre",
                started_on=date(2025, 1, 1),
            )


class TestProjectUpdate:
    def test_the_team_edits_its_project_and_the_change_is_journaled(self, project, carrier):
        services.project_update(
            project=project, by=carrier, territories="Grenoble, Échirolles", cafs=[caf("38")]
        )

        project.refresh_from_db()
        assert project.territories == "Grenoble, Échirolles"
        event = ActivityEvent.objects.get(verb="project.updated")
        assert event.changes["territories"] == ["", "Grenoble, Échirolles"]

    def test_only_the_caflab_changes_the_kind_that_the_report_counts(self, project, carrier, staff):
        with pytest.raises(PermissionDenied):
            services.project_update(project=project, by=carrier, kind=Project.Kind.CARRIED)
        services.project_update(project=project, by=staff, kind=Project.Kind.CARRIED)
        project.refresh_from_db()
        assert project.kind == Project.Kind.CARRIED

    def test_an_agent_outside_the_team_cannot_edit(self, project, agent, other_caf_agent):
        for outsider in (agent, other_caf_agent):
            with pytest.raises(PermissionDenied):
                services.project_update(project=project, by=outsider, summary="Piraté")

    def test_the_end_cannot_precede_the_start(self, project, carrier):
        with pytest.raises(ProjectError):
            services.project_update(project=project, by=carrier, ended_on=date(2024, 1, 1))
        project.refresh_from_db()
        assert project.ended_on is None


class TestStageHistory:
    def test_each_move_is_dated_and_kept(self, project, staff, carrier, committed):
        committed(
            services.project_set_stage,
            project=project,
            by=staff,
            stage="experimentation",
            on=date(2025, 6, 2),
        )
        committed(
            services.project_set_stage,
            project=project,
            by=staff,
            stage="essaimage",
            on=date(2025, 11, 3),
        )

        project.refresh_from_db()
        assert (project.stage, project.stage_changed_on) == ("essaimage", date(2025, 11, 3))
        history = list(
            project.stage_changes.order_by("changed_on", "pk").values_list(
                "from_stage", "to_stage", "changed_on"
            )
        )
        assert history == [
            ("", "incubation", date(2025, 1, 6)),
            ("incubation", "experimentation", date(2025, 6, 2)),
            ("experimentation", "essaimage", date(2025, 11, 3)),
        ]
        assert [m.to for m in mail.outbox] == [[carrier.email], [carrier.email]]
        assert "essaimage" in mail.outbox[-1].subject.lower()

    def test_a_stage_cannot_go_back_in_time_nor_into_the_future(self, project, staff):
        with pytest.raises(ProjectError, match="ultérieure"):
            services.project_set_stage(
                project=project, by=staff, stage="experimentation", on=date(2024, 12, 1)
            )
        with pytest.raises(ProjectError, match="futur"):
            services.project_set_stage(
                project=project,
                by=staff,
                stage="experimentation",
                on=timezone.localdate() + timedelta(days=1),
            )
        with pytest.raises(ProjectError, match="déjà"):
            services.project_set_stage(project=project, by=staff, stage="incubation")
        assert project.stage_changes.count() == 1

    def test_stopping_a_project_needs_a_reason_and_closes_it(self, project, staff):
        with pytest.raises(ProjectError):
            services.project_set_stage(project=project, by=staff, stage="arrete")
        services.project_set_stage(
            project=project,
            by=staff,
            stage="arrete",
            on=date(2025, 9, 30),
            note="Le gestionnaire de la crèche s'est retiré.",
        )
        project.refresh_from_db()
        assert project.ended_on == date(2025, 9, 30)
        # Reopened: it is under way again.
        services.project_set_stage(project=project, by=staff, stage="experimentation")
        project.refresh_from_db()
        assert project.ended_on is None

    def test_the_team_does_not_move_its_own_project(self, project, carrier):
        with pytest.raises(PermissionDenied):
            services.project_set_stage(project=project, by=carrier, stage="essaimage")
        assert StageChange.objects.filter(project=project).count() == 1


class TestTeam:
    def test_a_project_keeps_at_least_one_carrier(self, project, carrier, staff):
        member = project.memberships.get(user=carrier)
        with pytest.raises(ProjectError):
            services.project_remove_member(member=member, by=staff)

        other = services.project_add_member(
            project=project, by=carrier, user=AgentFactory(), role=ProjectMember.Role.CARRIER
        )
        services.project_remove_member(member=member, by=staff)
        assert list(project.memberships.all()) == [other]

    def test_a_person_joins_the_team_once(self, project, carrier, agent):
        services.project_add_member(project=project, by=carrier, user=agent, role="membre")
        with pytest.raises(ProjectError):
            services.project_add_member(project=project, by=carrier, user=agent, role="membre")

    def test_funding_must_be_positive(self, project, carrier):
        with pytest.raises(ProjectError):
            services.funding_add(project=project, by=carrier, source="fipe", amount=0, year=2025)
        services.funding_add(
            project=project, by=carrier, source="fipe", amount=Decimal("45000"), year=2025
        )
        assert project.fundings.get().amount == Decimal("45000")

    def test_a_document_is_checked_by_its_content(self, project, carrier):
        document = services.document_upload(project=project, by=carrier, upload=pdf())
        assert document.content_type == "application/pdf"
        from django.core.exceptions import ValidationError

        fake = SimpleUploadedFile(
            "note.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
        )
        with pytest.raises(ValidationError):
            services.document_upload(project=project, by=carrier, upload=fake)
        assert project.documents.count() == 1


# Calls, jury, selection ---------------------------------------------------------------------
@pytest.fixture
def call():
    return CallFactory(winners_count=2)


def score_all(assignment, juror, values):
    criteria = list(assignment.application.call.criteria.order_by("position"))
    return services.score_submit(
        assignment=assignment,
        by=juror,
        scores={c.pk: v for c, v in zip(criteria, values, strict=True)},
    )


class TestCall:
    def test_a_call_opens_with_a_grid_and_goes_to_the_jury_with_applications(self, staff):
        call = CallFactory(status=Call.Status.DRAFT, grid=False)
        with pytest.raises(ProjectError, match="grille"):
            services.call_advance(call=call, by=staff)
        call = CallFactory(status=Call.Status.DRAFT)
        services.call_advance(call=call, by=staff)
        with pytest.raises(ProjectError, match="candidature"):
            services.call_advance(call=call, by=staff)
        ApplicationFactory(call=call)
        assert services.call_advance(call=call, by=staff).status == Call.Status.JURY

    def test_a_team_applies_once_while_the_call_is_open(self, call, agent):
        application = services.application_submit(
            call=call,
            by=agent,
            title="Campus Cocoon'Age",
            team_name="Équipe Auvergne-Rhône-Alpes",
            summary="Un campus des métiers du grand âge et de la petite enfance.",
            region=region("84"),
            caf=caf("38"),
        )
        assert application.contact == agent
        with pytest.raises(ProjectError, match="déjà candidaté"):
            services.application_submit(
                call=call,
                by=AgentFactory(),
                title="Autre",
                team_name="équipe auvergne-rhône-alpes",
                summary="…",
            )

    def test_no_application_outside_the_opening_dates(self, agent):
        closed = CallFactory(
            closes_on=timezone.localdate() - timedelta(days=1),
            opens_on=timezone.localdate() - timedelta(days=40),
        )
        with pytest.raises(ProjectError, match="pas ouvertes"):
            services.application_submit(
                call=closed, by=agent, title="T", team_name="E", summary="S"
            )


class TestScoring:
    def test_a_juror_scores_every_criterion_within_its_scale(self, call):
        assignment = JuryAssignmentFactory(application__call=call)
        juror = assignment.juror
        call.status = Call.Status.JURY
        call.save()

        with pytest.raises(ProjectError, match="Notez chaque critère"):
            services.score_submit(assignment=assignment, by=juror, scores={})
        with pytest.raises(ProjectError, match="entre 0 et 5"):
            score_all(assignment, juror, [6, 3, 3])
        score_all(assignment, juror, [4, 3, 2])
        score_all(assignment, juror, [5, 3, 2])  # revised before the decision

        assert sorted(assignment.scores.values_list("value", flat=True)) == [2, 3, 5]
        assert assignment.scores.count() == 3

    def test_scoring_is_closed_outside_the_jury_phase(self, call):
        assignment = JuryAssignmentFactory(application__call=call)
        with pytest.raises(ProjectError, match="notation est fermée"):
            score_all(assignment, assignment.juror, [1, 1, 1])

    def test_nobody_scores_in_another_juror_s_name(self, call, agent):
        assignment = JuryAssignmentFactory(application__call=call)
        call.status = Call.Status.JURY
        call.save()
        with pytest.raises(PermissionDenied):
            score_all(assignment, agent, [1, 1, 1])

    def test_a_team_s_contact_is_not_its_juror(self, call, staff):
        application = ApplicationFactory(call=call)
        with pytest.raises(ProjectError):
            services.jury_assign(application=application, by=staff, jurors=[application.contact])


class TestRanking:
    def test_the_score_is_the_weighted_mean_of_the_jurors_out_of_100(self, call):
        # Grid: innovation ×2, impact ×2, réplicabilité ×1, each out of 5: maximum 25.
        application = ApplicationFactory(call=call)
        first = JuryAssignmentFactory(application=application)
        second = JuryAssignmentFactory(application=application)
        call.status = Call.Status.JURY
        call.save()
        score_all(first, first.juror, [5, 4, 3])
        score_all(second, second.juror, [3, 4, 5])

        [row] = selectors.ranking(call=call)

        # Means 4, 4, 4 → 2×4 + 2×4 + 1×4 = 20 out of 25 = 80.
        assert row.score == Decimal("80.00")
        assert row.rank == 1
        assert row.jurors == 2
        assert sorted(row.by_criterion.values()) == [Decimal(4)] * 3

    def test_equal_scores_share_a_rank_and_the_next_rank_is_skipped(self, call):
        apps = {
            name: ApplicationFactory(call=call, team_name=name)
            for name in ("Bretagne", "Grand Est", "Normandie", "Occitanie", "Corse")
        }
        call.status = Call.Status.JURY
        call.save()
        for name, values in {
            "Bretagne": [5, 5, 5],  # 100
            "Grand Est": [4, 4, 2],  # 18/25 = 72
            "Normandie": [4, 3, 4],  # 18/25 = 72
            "Occitanie": [2, 2, 2],  # 40
        }.items():
            assignment = JuryAssignmentFactory(application=apps[name])
            score_all(assignment, assignment.juror, values)
        # Corse: assigned but not scored yet.
        JuryAssignmentFactory(application=apps["Corse"])

        rows = selectors.ranking(call=call)

        assert [(r.application.team_name, r.rank, r.score) for r in rows] == [
            ("Bretagne", 1, Decimal("100.00")),
            ("Grand Est", 2, Decimal("72.00")),
            ("Normandie", 2, Decimal("72.00")),
            ("Occitanie", 4, Decimal("40.00")),
            ("Corse", None, None),
        ]

    def test_an_unfinished_scoring_does_not_count(self, call):
        application = ApplicationFactory(call=call)
        assignment = JuryAssignmentFactory(application=application)
        call.status = Call.Status.JURY
        call.save()
        score_all(assignment, assignment.juror, [5, 5, 5])
        JuryAssignmentFactory(application=application)  # a second juror, still to score

        [row] = selectors.ranking(call=call)
        assert (row.score, row.jurors) == (Decimal("100.00"), 1)


class TestDecision:
    def test_winners_become_projects_and_every_team_is_told(self, call, staff, committed):
        winner, loser = ApplicationFactory(call=call), ApplicationFactory(call=call)
        winner.partners.add(OrganisationFactory(name="France Travail Bretagne"))
        call.status = Call.Status.JURY
        call.save()

        [project] = committed(
            services.call_decide,
            call=call,
            by=staff,
            selected=[winner],
            note="Jury national du 12 juin 2025.",
        )

        winner.refresh_from_db()
        loser.refresh_from_db()
        call.refresh_from_db()
        assert (winner.status, loser.status) == ("laureate", "non_retenue")
        assert call.status == Call.Status.DECIDED
        assert project.application == winner
        assert (project.kind, project.theme, project.stage) == (
            "defi",
            "metiers_petite_enfance",
            "selection",
        )
        assert project.memberships.get().user == winner.contact
        assert [o.name for o in project.partners.all()] == ["France Travail Bretagne"]
        assert list(project.cafs.all()) == [winner.caf]
        subjects = {m.to[0]: m.subject for m in mail.outbox}
        assert "lauréat" in subjects[winner.contact.email]
        assert "Résultat" in subjects[loser.contact.email]

    def test_no_more_winners_than_planned_and_only_once(self, call, staff):
        apps = [ApplicationFactory(call=call) for _ in range(3)]
        call.status = Call.Status.JURY
        call.save()
        with pytest.raises(ProjectError, match="prévoit 2"):
            services.call_decide(call=call, by=staff, selected=apps)
        with pytest.raises(ProjectError):
            services.call_decide(call=call, by=staff, selected=[])
        services.call_decide(call=call, by=staff, selected=apps[:2])
        with pytest.raises(ProjectError):
            services.call_decide(call=call, by=staff, selected=apps[2:])
        assert Project.objects.filter(application__call=call).count() == 2
        assert Application.objects.filter(call=call, status="deposee").count() == 0

    def test_a_decision_is_dated_within_the_call_s_life(self, call, staff):
        winner = ApplicationFactory(call=call)
        call.status = Call.Status.JURY
        call.save()
        with pytest.raises(ProjectError, match="se date"):
            services.call_decide(
                call=call, by=staff, selected=[winner], on=call.opens_on - timedelta(days=1)
            )
        decided = call.opens_on + timedelta(days=3)
        [project] = services.call_decide(call=call, by=staff, selected=[winner], on=decided)
        call.refresh_from_db()
        assert call.decided_on == decided
        assert project.started_on == decided
        assert project.stage_changes.get().changed_on == decided

    def test_an_application_of_another_call_cannot_win(self, call, staff):
        stranger = ApplicationFactory()
        call.status = Call.Status.JURY
        call.save()
        with pytest.raises(ProjectError):
            services.call_decide(call=call, by=staff, selected=[stranger])

    def test_only_the_caflab_decides(self, call, agent):
        call.status = Call.Status.JURY
        call.save()
        with pytest.raises(PermissionDenied):
            services.call_decide(call=call, by=agent, selected=[ApplicationFactory(call=call)])


# Incubation ----------------------------------------------------------------------------------
class TestIncubation:
    @pytest.fixture
    def cohort(self, project):
        cohort = CohortFactory()
        project.cohort = cohort
        project.save()
        return cohort

    def test_progress_counts_modules_attended_and_deliverables_validated(
        self, cohort, project, carrier, staff
    ):
        other = ProjectFactory(cohort=cohort)
        modules = list(cohort.modules.order_by("position"))
        for module in modules[:3]:
            services.attendance_record(
                session=module.sessions.get(), by=staff, attendees={project.pk: 2, other.pk: 0}
            )
        # Module 2 asks for a deliverable: submitted then validated; module 3's is returned.
        d2 = services.deliverable_submit(
            module=modules[1], project=project, by=carrier, upload=pdf()
        )
        services.deliverable_review(deliverable=d2, by=staff, accepted=True)
        d3 = services.deliverable_submit(
            module=modules[2], project=project, by=carrier, upload=pdf()
        )
        services.deliverable_review(
            deliverable=d3, by=staff, accepted=False, feedback="Chiffrez l'an 2."
        )

        progress = {p.project: p for p in selectors.cohort_progress(cohort=cohort)}

        assert (progress[project].done, progress[project].total) == (2, 4)
        assert progress[project].percent == 50
        assert progress[project].modules == {
            modules[0].pk: True,
            modules[1].pk: True,
            modules[2].pk: False,
            modules[3].pk: False,
        }
        assert progress[other].done == 0
        assert SessionAttendance.objects.filter(project=other, present=False).count() == 3

    def test_a_returned_deliverable_is_replaced_but_a_validated_one_is_final(
        self, cohort, project, carrier, staff
    ):
        module = cohort.modules.get(position=1)
        first = services.deliverable_submit(
            module=module, project=project, by=carrier, upload=pdf()
        )
        services.deliverable_review(
            deliverable=first, by=staff, accepted=False, feedback="À compléter"
        )
        second = services.deliverable_submit(
            module=module, project=project, by=carrier, upload=pdf()
        )
        assert Deliverable.objects.filter(module=module, project=project).get() == second
        services.deliverable_review(deliverable=second, by=staff, accepted=True)
        with pytest.raises(ProjectError, match="déjà validé"):
            services.deliverable_submit(module=module, project=project, by=carrier, upload=pdf())

    def test_attendance_only_for_the_cohort_s_projects(self, cohort, staff):
        session = cohort.modules.first().sessions.get()
        stranger = ProjectFactory()
        with pytest.raises(ProjectError):
            services.attendance_record(session=session, by=staff, attendees={stranger.pk: 1})

    def test_returning_a_deliverable_says_why(self, cohort, project, carrier, staff):
        module = cohort.modules.get(position=1)
        deliverable = services.deliverable_submit(
            module=module, project=project, by=carrier, upload=pdf()
        )
        with pytest.raises(ProjectError):
            services.deliverable_review(deliverable=deliverable, by=staff, accepted=False)

    def test_another_team_cannot_hand_in(self, cohort, project, agent):
        with pytest.raises(PermissionDenied):
            services.deliverable_submit(
                module=cohort.modules.get(position=1), project=project, by=agent, upload=pdf()
            )


class TestPartnerSearch:
    def test_a_need_meets_an_organisation_and_the_agreement_fills_it(
        self, project, carrier, staff, committed
    ):
        need = services.need_publish(
            project=project, by=carrier, kind=Need.Kind.FUNDING, title="Cofinancer l'an 2"
        )
        helper = HelperFactory(region=region("84"))
        far = HelperFactory(region=region("53"))
        national = HelperFactory(region=None)
        HelperFactory(kinds=[Need.Kind.TERRITORY])

        # The project is in Isère: its region's helper first, then the national one.
        assert selectors.helpers_for(need=need) == [helper, national, far]
        match = committed(
            services.match_record, need=need, helper=helper, by=staff, note="Contact pris"
        )
        with pytest.raises(ProjectError, match="déjà"):
            services.match_record(need=need, helper=helper, by=staff)
        services.match_set_status(match=match, by=staff, status=Match.Status.AGREED)

        need.refresh_from_db()
        assert need.status == Need.Status.MATCHED
        assert mail.outbox[0].to == [carrier.email]

    def test_only_the_caflab_records_matches(self, carrier):
        need = NeedFactory()
        with pytest.raises(PermissionDenied):
            services.match_record(need=need, helper=HelperFactory(), by=carrier)


# Impact --------------------------------------------------------------------------------------
class TestIndicators:
    def test_target_and_direction_must_agree(self, project, carrier):
        with pytest.raises(ProjectError):
            services.indicator_create(
                project=project, by=carrier, name="Places", baseline=Decimal(10), target=Decimal(10)
            )
        with pytest.raises(ProjectError):
            services.indicator_create(
                project=project,
                by=carrier,
                name="Délai",
                baseline=Decimal(30),
                target=Decimal(40),
                direction="baisse",
            )
        indicator = services.indicator_create(
            project=project,
            by=carrier,
            name="Délai moyen d'accueil (jours)",
            baseline=Decimal(30),
            target=Decimal(10),
            direction="baisse",
            impact=ChangeStepFactory(project=project),
        )
        assert indicator.position == 0

    def test_a_period_goes_draft_submitted_approved_then_locked(
        self, project, carrier, staff, committed
    ):
        indicator = IndicatorFactory(project=project)
        period = services.period_save(
            indicator=indicator,
            by=carrier,
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 6, 30),
            value=None,
        )
        with pytest.raises(ProjectError, match="valeur"):
            services.period_submit(period=period, by=carrier)
        period = services.period_save(
            indicator=indicator,
            by=carrier,
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 6, 30),
            value=Decimal(12),
            period=period,
        )
        services.evidence_upload(period=period, by=carrier, upload=pdf("registre.pdf"))
        services.period_submit(period=period, by=carrier)
        with pytest.raises(ProjectError, match="attend"):
            services.period_save(
                indicator=indicator,
                by=carrier,
                starts_on=date(2025, 1, 1),
                ends_on=date(2025, 6, 30),
                value=Decimal(13),
                period=period,
            )
        with pytest.raises(PermissionDenied):
            services.period_review(period=period, by=carrier, approve=True)
        committed(services.period_review, period=period, by=staff, approve=True)

        period.refresh_from_db()
        assert period.status == Period.Status.APPROVED
        assert period.is_locked
        assert period.reviewed_by == staff
        with pytest.raises(ProjectError, match="validée"):
            services.period_save(
                indicator=indicator,
                by=carrier,
                starts_on=date(2025, 1, 1),
                ends_on=date(2025, 6, 30),
                value=Decimal(99),
                period=period,
            )
        with pytest.raises(ProjectError, match="validée"):
            services.evidence_upload(period=period, by=carrier, upload=pdf())
        assert period.evidence.count() == 1
        assert "validée" in mail.outbox[-1].subject.lower()

    def test_a_returned_period_says_why_and_can_be_corrected(self, project, carrier, staff):
        period = PeriodFactory(indicator__project=project)
        services.period_submit(period=period, by=carrier)
        with pytest.raises(ProjectError, match="corriger"):
            services.period_review(period=period, by=staff, approve=False)
        services.period_review(
            period=period, by=staff, approve=False, note="La valeur compte les places prévues."
        )
        corrected = services.period_save(
            indicator=period.indicator,
            by=carrier,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            value=Decimal(9),
            period=period,
        )
        assert corrected.value == Decimal(9)
        assert services.period_submit(period=corrected, by=carrier).status == "soumise"

    def test_periods_of_an_indicator_do_not_overlap(self, project, carrier):
        period = PeriodFactory(indicator__project=project)
        with pytest.raises(ProjectError, match="chevauche"):
            services.period_save(
                indicator=period.indicator,
                by=carrier,
                starts_on=date(2025, 6, 1),
                ends_on=date(2025, 12, 31),
                value=Decimal(20),
            )
        with pytest.raises(ProjectError):
            services.period_save(
                indicator=period.indicator,
                by=carrier,
                starts_on=date(2025, 12, 31),
                ends_on=date(2025, 7, 1),
                value=Decimal(20),
            )

    def test_an_outsider_reports_nothing(self, project, agent):
        with pytest.raises(PermissionDenied):
            services.period_save(
                indicator=IndicatorFactory(project=project),
                by=agent,
                starts_on=date(2025, 1, 1),
                ends_on=date(2025, 3, 31),
                value=Decimal(1),
            )


class TestProgressMaths:
    @pytest.mark.parametrize(
        ("baseline", "target", "value", "expected"),
        [
            (0, 40, 12, Decimal("0.3")),  # to increase
            (10, 20, 15, Decimal("0.5")),
            (30, 10, 25, Decimal("0.25")),  # to decrease: 30 → 25 is a quarter of the way to 10
            (30, 10, 10, Decimal("1")),
            (0, 40, 50, Decimal("1.25")),  # beyond the target
            (30, 10, 35, Decimal("-0.25")),  # the wrong way
            (0, 40, None, None),
            (5, 5, 5, None),
        ],
    )
    def test_progress_towards_target(self, baseline, target, value, expected):
        result = selectors.progress_towards_target(
            baseline=Decimal(baseline),
            target=Decimal(target),
            value=None if value is None else Decimal(value),
        )
        assert result == expected

    def test_progress_uses_the_latest_approved_value_only(self, project, carrier, agent):
        indicator = IndicatorFactory(project=project)  # 0 → 40
        PeriodFactory(indicator=indicator, value=10, status="validee")
        PeriodFactory(
            indicator=indicator,
            starts_on=date(2025, 7, 1),
            ends_on=date(2025, 12, 31),
            value=30,
            status="validee",
        )
        PeriodFactory(
            indicator=indicator,
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 6, 30),
            value=39,
            status="soumise",
        )

        [seen_by_team] = selectors.project_indicators(user=carrier, project=project)
        [seen_by_outsider] = selectors.project_indicators(user=agent, project=project)

        assert seen_by_team.latest.value == 30
        assert seen_by_team.percent == 75
        assert len(seen_by_team.periods) == 3
        assert len(seen_by_outsider.periods) == 2  # the submitted value is not public yet
        assert seen_by_outsider.percent == 75


class TestAssessmentAndKit:
    def test_the_team_writes_the_bilan_and_the_caflab_publishes_it(self, project, carrier, staff):
        with pytest.raises(ProjectError):
            services.assessment_save(project=project, by=carrier, summary="", results="")
        assessment = services.assessment_save(
            project=project,
            by=carrier,
            summary="Deux ans d'accueil en horaires atypiques.",
            results="38 familles accueillies, 6 emplois créés.",
        )
        with pytest.raises(PermissionDenied):
            services.assessment_publish(assessment=assessment, by=carrier)
        assert services.assessment_publish(assessment=assessment, by=staff).is_published

    def test_a_kit_and_the_cafs_that_replicate(self, project, carrier, other_caf_agent, agent):
        kit = services.kit_save(
            project=project,
            by=carrier,
            summary="Tout pour ouvrir une crèche à horaires atypiques.",
            steps="Diagnostic des besoins\nRecherche du gestionnaire\n\nOuverture",
            is_published=True,
        )
        assert kit.step_list == ["Diagnostic des besoins", "Recherche du gestionnaire", "Ouverture"]
        services.kit_document_upload(kit=kit, by=carrier, upload=pdf("guide.pdf"))

        replication = services.replication_declare(
            project=project, by=other_caf_agent, caf=caf("29"), note="Ouverture prévue à Brest"
        )
        with pytest.raises(ProjectError, match="déjà"):
            services.replication_declare(project=project, by=other_caf_agent, caf=caf("29"))
        with pytest.raises(PermissionDenied):
            services.replication_declare(project=project, by=other_caf_agent, caf=caf("38"))
        with pytest.raises(PermissionDenied):
            services.replication_set_status(replication=replication, by=agent, status="deployee")
        services.replication_set_status(
            replication=replication, by=other_caf_agent, status=Replication.Status.DEPLOYED
        )
        replication.refresh_from_db()
        assert replication.status == "deployee"

    def test_a_stopped_project_is_not_replicated(self, staff):
        project = ProjectFactory(stage="arrete")
        with pytest.raises(ProjectError):
            services.replication_declare(project=project, by=staff, caf=caf("29"))

    def test_an_unpublished_project_cannot_be_replicated_by_an_outsider(self, agent):
        project = ProjectFactory(is_published=False)
        with pytest.raises(PermissionDenied):
            services.replication_declare(project=project, by=agent, caf=caf("38"))


# Creativity sessions and trainings -----------------------------------------------------------
class TestCreativity:
    def test_a_referent_records_a_session_of_their_region(self, referent):
        session = services.creativity_record(
            by=referent,
            held_on=date(2025, 5, 20),
            caf=caf("29"),
            topic="Lutter contre le non-recours",
            method="design_thinking",
            audience="habitants",
            participants=14,
        )
        assert session.facilitator == referent
        with pytest.raises(PermissionDenied):
            services.creativity_record(
                by=referent,
                held_on=date(2025, 5, 20),
                caf=caf("38"),
                topic="Hors région",
                method="autre",
                audience="agents",
                participants=5,
            )
        with pytest.raises(PermissionDenied):
            services.creativity_record(
                by=referent,
                held_on=date(2025, 5, 20),
                caf=None,
                topic="Au CafLab",
                method="autre",
                audience="agents",
                participants=5,
            )

    def test_a_session_is_recorded_once_held_with_participants(self, staff):
        with pytest.raises(ProjectError):
            services.creativity_record(
                by=staff,
                held_on=timezone.localdate() + timedelta(days=3),
                topic="Demain",
                method="autre",
                audience="agents",
                participants=5,
            )
        with pytest.raises(ProjectError):
            services.creativity_record(
                by=staff,
                held_on=date(2025, 1, 1),
                topic="Vide",
                method="autre",
                audience="agents",
                participants=0,
            )


class TestTrainees:
    def test_people_trained_counts_persons_not_seats(self, staff):
        design_thinking = TrainingSessionFactory(
            starts_on=date(2025, 3, 4), ends_on=date(2025, 3, 5)
        )
        usage = TrainingSessionFactory(
            training__title="Maîtrise d'usage",
            training__kind="maitrise_usage",
            starts_on=date(2025, 10, 7),
            ends_on=date(2025, 10, 7),
        )
        last_year = TrainingSessionFactory(starts_on=date(2024, 11, 5), ends_on=date(2024, 11, 5))
        services.enrol(
            session=design_thinking,
            by=staff,
            first_name="Awa",
            last_name="Diallo",
            email="awa.diallo@caf38.test",
            caf=caf("38"),
        )
        # The same person, written differently, in the second session.
        services.enrol(
            session=usage,
            by=staff,
            first_name="AWA",
            last_name="Diallo",
            email="Awa.Diallo@CAF38.test",
            caf=caf("38"),
        )
        # Without an email: the same name in the same Caf is the same person…
        services.enrol(
            session=design_thinking, by=staff, first_name="Luc", last_name="Morel", caf=caf("29")
        )
        services.enrol(session=usage, by=staff, first_name="luc", last_name="morel", caf=caf("29"))
        # …but not in another Caf.
        services.enrol(session=usage, by=staff, first_name="Luc", last_name="Morel", caf=caf("56"))
        # Absent: enrolled but did not come.
        services.enrol(
            session=usage,
            by=staff,
            first_name="Inès",
            last_name="Petit",
            email="ines.petit@caf.test",
            attended=False,
        )
        services.enrol(
            session=last_year,
            by=staff,
            first_name="Paul",
            last_name="Roux",
            email="paul.roux@caf.test",
        )

        assert Trainee.objects.count() == 5
        assert Enrolment.objects.filter(session__starts_on__year=2025, attended=True).count() == 5
        assert selectors.people_trained(year=2025) == 3
        assert selectors.people_trained(year=2025, kind="maitrise_usage") == 3
        assert selectors.people_trained(year=2024) == 1
        # Inès, absent from the Maîtrise d'usage session, then follows design thinking: she is
        # trained in 2025, but not in maîtrise d'usage.
        services.enrol(
            session=design_thinking,
            by=staff,
            first_name="Inès",
            last_name="Petit",
            email="ines.petit@caf.test",
        )
        assert selectors.people_trained(year=2025, kind="maitrise_usage") == 3
        assert selectors.people_trained(year=2025) == 4

    def test_a_person_is_enrolled_once_per_session(self, staff):
        session = TrainingSessionFactory()
        services.enrol(
            session=session, by=staff, first_name="Awa", last_name="Diallo", email="awa@caf.test"
        )
        with pytest.raises(ProjectError, match="déjà inscrite"):
            services.enrol(
                session=session,
                by=staff,
                first_name="Awa",
                last_name="Diallo",
                email="AWA@caf.test",
            )

    def test_anonymising_a_trainee_keeps_the_count(self, staff):
        session = TrainingSessionFactory()
        trainee = TraineeFactory()
        Enrolment.objects.create(session=session, trainee=trainee)
        before = selectors.people_trained(year=session.starts_on.year)

        services.trainee_anonymise(trainee=trainee, by=staff)

        trainee.refresh_from_db()
        assert (trainee.first_name, trainee.last_name, trainee.email) == ("", "", "")
        assert trainee.anonymised_at is not None
        assert "anonymisée" in str(trainee)
        assert selectors.people_trained(year=session.starts_on.year) == before == 1

    def test_only_the_caflab_names_people(self, agent):
        with pytest.raises(PermissionDenied):
            services.enrol(
                session=TrainingSessionFactory(), by=agent, first_name="A", last_name="B"
            )


# Reminders (beat) ----------------------------------------------------------------------------
class TestReminders:
    def test_a_team_is_reminded_of_a_period_still_to_report_then_monthly(
        self, project, carrier, committed
    ):
        indicator = IndicatorFactory(project=project)
        late = PeriodFactory(indicator=indicator, ends_on=date(2025, 6, 30), value=None)
        PeriodFactory(
            indicator=indicator,
            starts_on=date(2025, 7, 1),
            ends_on=date(2025, 9, 30),
            status="soumise",
        )  # submitted: nothing to remind
        PeriodFactory(
            indicator=indicator,
            starts_on=date(2025, 10, 1),
            ends_on=date(2025, 12, 31),
            value=None,
        )  # ended less than a week ago

        assert committed(services.period_reminders, today=date(2026, 1, 3)) == 1
        assert committed(services.period_reminders, today=date(2026, 1, 3)) == 0  # same day: once
        assert (
            committed(services.period_reminders, today=date(2026, 1, 20)) == 1
        )  # the other one, now late
        assert committed(services.period_reminders, today=date(2026, 1, 25)) == 0
        assert committed(services.period_reminders, today=date(2026, 2, 3)) == 1  # a month later
        late.refresh_from_db()
        assert late.reminded_on == date(2026, 2, 3)
        assert all(m.to == [carrier.email] for m in mail.outbox)
        assert "Une mesure à saisir" in mail.outbox[0].subject

    def test_jurors_with_scoring_to_finish_are_reminded_weekly(self, call, committed):
        pending = JuryAssignmentFactory(application__call=call)
        done = JuryAssignmentFactory(application__call=call, completed_at=timezone.now())
        assert (
            committed(services.jury_reminders, today=date(2025, 3, 3)) == 0
        )  # the call is not in jury
        call.status = Call.Status.JURY
        call.save()

        assert committed(services.jury_reminders, today=date(2025, 3, 3)) == 1
        assert committed(services.jury_reminders, today=date(2025, 3, 5)) == 0
        assert committed(services.jury_reminders, today=date(2025, 3, 10)) == 1
        assert [m.to for m in mail.outbox] == [[pending.juror.email]] * 2
        assert done.juror.email not in {m.to[0] for m in mail.outbox}
