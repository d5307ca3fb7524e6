"""COOPération's writes: roadmap, optimistic concurrency, steps, indicators, collaboration."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from caflab.models import ActivityEvent
from cooperation import services
from cooperation.models import Action, AxisTheme, Document, IndicatorValue, Plan, PlanTemplate, Step
from tests.caflab.factories import AgentFactory, PartnerFactory, caf
from tests.cooperation.factories import ActionFactory, AxisFactory, PlanFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return PlanFactory()


@pytest.fixture
def pilot(plan):
    user = AgentFactory(caf=caf("38"))
    member(plan, user, "pilote")
    return user


@pytest.fixture
def contributor(plan):
    user = PartnerFactory()
    member(plan, user, "contributeur")
    return user


def test_plan_from_a_template(agent):
    AxisTheme.objects.create(name="Petite enfance", slug="petite-enfance")
    template = PlanTemplate.objects.create(
        name="CTG type",
        kind="ctg",
        structure={
            "axes": [
                {
                    "theme": "petite-enfance",
                    "title": "Petite enfance",
                    "objectives": [
                        {
                            "title": "Adapter l'offre d'accueil",
                            "actions": [
                                {"title": "Diagnostic des besoins", "months": 6},
                                {"title": "Relais petite enfance itinérant"},
                            ],
                        }
                    ],
                }
            ]
        },
    )
    plan = services.plan_create(
        caf=caf("38"),
        kind="ctg",
        title="CTG Voironnais",
        territory="Pays Voironnais",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2029, 12, 31),
        by=agent,
        template=template,
    )
    assert plan.members.get().role == "pilote"
    assert [a.title for a in plan.actions.order_by("position")] == [
        "Diagnostic des besoins",
        "Relais petite enfance itinérant",
    ]
    assert plan.actions.get(title="Diagnostic des besoins").due_on == datetime.date(2025, 6, 30)
    assert plan.axes.get().theme.slug == "petite-enfance"


def test_an_agent_creates_plans_only_for_their_own_caf(agent):
    with pytest.raises(PermissionDenied):
        services.plan_create(
            caf=caf("29"),
            kind="ctg",
            title="x",
            territory="y",
            starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2026, 1, 1),
            by=agent,
        )


def test_partner_contributor_updates_progress_and_it_is_journaled(plan, contributor):
    action = ActionFactory(objective__axis__plan=plan)
    updated = services.action_update(
        action=action, by=contributor, version=1, progress=40, status="en_cours"
    )
    assert updated.progress == 40
    assert updated.version == 2
    event = ActivityEvent.objects.get(verb="action.updated")
    assert event.actor == contributor
    assert event.changes == {"status": ["a_lancer", "en_cours"], "progress": [0, 40]}
    assert event.scope == f"cooperation.plan:{plan.pk}"


def test_a_reader_cannot_write(plan):
    reader = AgentFactory(caf=caf("38"))
    member(plan, reader, "lecteur")
    action = ActionFactory(objective__axis__plan=plan)
    with pytest.raises(PermissionDenied):
        services.action_update(action=action, by=reader, version=1, progress=10)
    with pytest.raises(PermissionDenied):
        services.message_post(plan=plan, by=reader, text="Bonjour")


def test_stale_version_gets_a_conflict_with_both_versions(plan, pilot, contributor):
    action = ActionFactory(objective__axis__plan=plan)
    services.action_update(action=action, by=pilot, version=1, progress=30)
    with pytest.raises(services.ActionConflict) as excinfo:
        services.action_update(action=action, by=contributor, version=1, progress=50)
    conflict = excinfo.value
    assert conflict.current.progress == 30
    assert conflict.current.version == 2
    assert conflict.attempted == {"progress": 50}
    assert (
        "vos changements n'ont pas été enregistrés, mais ils ne sont pas perdus" in conflict.message
    )
    action.refresh_from_db()
    assert action.progress == 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_saving_at_once_one_wins_one_gets_the_conflict():
    plan = PlanFactory()
    editors = [AgentFactory(caf=caf("38")) for _ in range(2)]
    for editor in editors:
        member(plan, editor, "contributeur")
    action = ActionFactory(objective__axis__plan=plan)
    barrier = threading.Barrier(2)
    outcomes = []

    def save(editor, progress):
        try:
            barrier.wait()
            services.action_update(action=action, by=editor, version=1, progress=progress)
            outcomes.append("saved")
        except services.ActionConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(e, p)) for e, p in zip(editors, (20, 70), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    action.refresh_from_db()
    assert action.version == 2
    assert action.progress in (20, 70)


def test_done_means_100_and_a_completion_date(plan, pilot):
    action = ActionFactory(objective__axis__plan=plan, progress=60)
    action = services.action_update(action=action, by=pilot, version=1, status="realisee")
    assert action.progress == 100
    assert action.completed_on is not None
    action = services.action_update(
        action=action, by=pilot, version=2, status="en_cours", progress=80
    )
    assert action.completed_on is None


def test_invalid_changes_are_refused_in_french(plan, pilot):
    action = ActionFactory(objective__axis__plan=plan)
    with pytest.raises(services.PlanError) as excinfo:
        services.action_update(action=action, by=pilot, version=1, due_on=datetime.date(2019, 1, 1))
    assert excinfo.value.message == "L'échéance doit suivre le début de l'action."
    with pytest.raises(services.PlanError):
        services.action_update(action=action, by=pilot, version=1, progress=120)
    with pytest.raises(services.PlanError):
        services.action_update(action=action, by=pilot, version=1, plan=PlanFactory())


def test_progress_from_steps(plan, pilot):
    action = ActionFactory(objective__axis__plan=plan, progress_mode="jalons")
    steps = [
        services.step_add(
            action=action, by=pilot, title=f"Jalon {i}", due_on=datetime.date(2025, i, 1)
        )
        for i in range(1, 5)
    ]
    services.step_set_done(step=steps[0], by=pilot, done=True)
    services.step_set_done(step=steps[1], by=pilot, done=True)
    services.step_set_done(step=steps[2], by=pilot, done=True)
    action.refresh_from_db()
    assert action.progress == 75
    services.step_set_done(step=steps[2], by=pilot, done=False)
    action.refresh_from_db()
    assert action.progress == 50
    assert Step.objects.filter(action=action, done_on__isnull=False).count() == 2


def test_baseline_freezes_the_dates(plan, pilot):
    action = ActionFactory(objective__axis__plan=plan)
    planned = action.due_on
    assert services.plan_freeze_baseline(plan=plan, by=pilot) == 1
    later = planned + datetime.timedelta(days=90)
    services.action_update(action=action, by=pilot, version=1, due_on=later)
    action.refresh_from_db()
    assert action.baseline_due_on == planned
    assert action.due_on == later
    plan.refresh_from_db()
    assert plan.baseline_frozen_at is not None


def test_assigning_an_owner_notifies_them(
    plan, pilot, contributor, django_capture_on_commit_callbacks
):
    action = ActionFactory(objective__axis__plan=plan)
    with django_capture_on_commit_callbacks(execute=True):
        services.action_update(action=action, by=pilot, version=1, owner=contributor)
    assert [m.to for m in mail.outbox] == [[contributor.email]]
    assert "Une action vous est confiée" in mail.outbox[0].subject


def test_mentions_notify_members_only(plan, pilot, contributor, django_capture_on_commit_callbacks):
    outsider = AgentFactory(caf=caf("38"))
    handle = contributor.email.split("@")[0]
    outsider_handle = outsider.email.split("@")[0]
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_post(
            plan=plan,
            by=pilot,
            text=f"@{handle} peux-tu mettre à jour l'avancement ? cc @{outsider_handle}",
        )
    assert list(message.mentions.all()) == [contributor]
    assert [m.to for m in mail.outbox] == [[contributor.email]]


def test_indicator_values_one_per_period(plan, pilot, contributor):
    indicator = services.indicator_create(
        plan=plan,
        by=pilot,
        name="Places en EAJE",
        unit="places",
        baseline=420,
        target=480,
        direction="hausse",
    )
    services.indicator_record(
        indicator=indicator, by=contributor, period=datetime.date(2025, 6, 30), value=436
    )
    services.indicator_record(
        indicator=indicator,
        by=contributor,
        period=datetime.date(2025, 6, 30),
        value=438,
        comment="Correction",
    )
    assert IndicatorValue.objects.get().value == 438
    with pytest.raises(services.PlanError):
        services.indicator_create(
            plan=plan, by=pilot, name="x", unit="", baseline=1, target=1, direction="hausse"
        )


def test_documents_are_checked_and_scanned(
    plan, contributor, django_capture_on_commit_callbacks, settings
):
    settings.CAFLAB_VIRUS_SCAN_COMMAND = ""
    upload = SimpleUploadedFile(
        "compte-rendu.pdf", b"%PDF-1.7\n1 0 obj\n", content_type="application/pdf"
    )
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_upload(plan=plan, by=contributor, upload=upload)
    document.refresh_from_db()
    assert document.scan == Document.Scan.CLEAN
    disguised = SimpleUploadedFile("budget.xlsx", b"MZ\x90\x00" + b"\x00" * 60)
    with pytest.raises(services.ValidationError):
        services.document_upload(plan=plan, by=contributor, upload=disguised)


def test_antivirus_hook_flags_an_infected_file(
    plan, contributor, django_capture_on_commit_callbacks, settings, tmp_path
):
    scanner = tmp_path / "scanner.sh"
    scanner.write_text("#!/bin/sh\nexit 1\n")
    scanner.chmod(0o755)
    settings.CAFLAB_VIRUS_SCAN_COMMAND = str(scanner)
    settings.MEDIA_ROOT = str(tmp_path)
    upload = SimpleUploadedFile("note.pdf", b"%PDF-1.7\n", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_upload(plan=plan, by=contributor, upload=upload)
    document.refresh_from_db()
    assert document.scan == Document.Scan.INFECTED


def test_a_plan_keeps_a_pilot(plan, pilot):
    with pytest.raises(services.PlanError):
        services.member_remove(plan=plan, user=pilot, by=pilot)


def test_deadline_reminders_once_a_day(plan, pilot, django_capture_on_commit_callbacks):
    today = datetime.date(2026, 3, 10)
    owner = AgentFactory(caf=caf("38"))
    member(plan, owner)
    ActionFactory(
        objective__axis__plan=plan, due_on=datetime.date(2026, 3, 14), owner=owner, title="Bientôt"
    )
    ActionFactory(objective__axis__plan=plan, due_on=datetime.date(2026, 2, 1), title="En retard")
    ActionFactory(objective__axis__plan=plan, due_on=datetime.date(2026, 9, 1), title="Plus tard")
    ActionFactory(
        objective__axis__plan=plan,
        due_on=datetime.date(2026, 2, 1),
        status="realisee",
        title="Finie",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deadline_reminders(today=today) == 2
        assert services.deadline_reminders(today=today) == 0
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == sorted(
        [
            "[CafLab] Échéance proche : Bientôt",
            "[CafLab] Échéance proche : Bientôt",
            "[CafLab] Action en retard : En retard",
        ]
    )  # « Bientôt »: its referent and the pilot


def test_structure_is_for_pilots(plan, contributor, pilot):
    axis = AxisFactory(plan=plan)
    with pytest.raises(PermissionDenied):
        services.objective_create(axis=axis, by=contributor, title="x")
    objective = services.objective_create(axis=axis, by=pilot, title="Soutenir la parentalité")
    action = services.action_create(
        objective=objective,
        by=pilot,
        title="Café des parents",
        starts_on=datetime.date(2025, 1, 1),
        due_on=datetime.date(2025, 12, 31),
    )
    assert action.plan == plan
    assert Plan.objects.count() == 1
    assert Action.objects.count() == 1


def test_a_done_action_stays_at_100_whatever_its_steps(plan, pilot):
    action = ActionFactory(objective__axis__plan=plan, progress_mode="jalons")
    services.step_add(action=action, by=pilot, title="Jalon", due_on=datetime.date(2025, 3, 1))
    action.refresh_from_db()
    action = services.action_update(
        action=action, by=pilot, version=action.version, status="realisee"
    )
    assert action.progress == 100


def test_ticking_a_milestone_does_not_make_an_open_form_stale(plan, pilot):
    action = ActionFactory(objective__axis__plan=plan, progress_mode="jalons")
    step = services.step_add(
        action=action, by=pilot, title="Jalon", due_on=datetime.date(2025, 3, 1)
    )
    services.step_set_done(step=step, by=pilot, done=True)
    updated = services.action_update(action=action, by=pilot, version=1, priority="haute")
    assert updated.progress == 100
    assert updated.priority == "haute"


def test_a_mention_ends_with_its_word(plan, pilot, contributor):
    handle = contributor.email.split("@")[0]
    message = services.message_post(plan=plan, by=pilot, text=f"Merci @{handle}.")
    assert list(message.mentions.all()) == [contributor]


def test_the_last_pilot_cannot_be_demoted(plan, pilot):
    with pytest.raises(services.PlanError):
        services.member_set(plan=plan, user=pilot, role="lecteur", by=pilot)


def test_contributors_change_progress_and_dates_not_the_structure(plan, contributor):
    from tests.caflab.factories import OrganisationFactory

    action = ActionFactory(objective__axis__plan=plan)
    with pytest.raises(services.PlanError) as excinfo:
        services.action_update(action=action, by=contributor, version=1, weight=3, progress=10)
    assert excinfo.value.message == "Seul le pilote du plan peut modifier : poids."
    # Sending unchanged values (a full form) is fine.
    services.action_update(
        action=action, by=contributor, version=1, title=action.title, weight=1, progress=10
    )
    with pytest.raises(services.PlanError):
        services.action_update(
            action=action, by=contributor, version=2, pilot_organisation=OrganisationFactory()
        )


def test_action_create_checks_what_it_is_given(plan, pilot):
    objective = ActionFactory(objective__axis__plan=plan).objective
    outsider = AgentFactory(caf=caf("38"))
    start, end = datetime.date(2025, 1, 1), datetime.date(2025, 6, 30)
    with pytest.raises(services.PlanError):
        services.action_create(
            objective=objective, by=pilot, title="x", starts_on=start, due_on=end, progress=150
        )
    with pytest.raises(services.PlanError):
        services.action_create(
            objective=objective, by=pilot, title="x", starts_on=start, due_on=end, owner=outsider
        )
    done = services.action_create(
        objective=objective, by=pilot, title="Faite", starts_on=start, due_on=end, status="realisee"
    )
    assert done.progress == 100
    assert done.completed_on is not None


def test_permissions_on_steps_and_measures_follow_their_plan(plan, pilot, other_caf_agent):
    from cooperation.models import Indicator, IndicatorValue

    action = ActionFactory(objective__axis__plan=plan)
    step = services.step_add(
        action=action, by=pilot, title="Jalon", due_on=datetime.date(2025, 3, 1)
    )
    indicator = Indicator.objects.create(plan=plan, name="Places", baseline=1, target=2)
    measure = IndicatorValue.objects.create(
        indicator=indicator, period=datetime.date(2025, 1, 31), value=1
    )
    for obj in (step, measure, action.objective):
        assert pilot.has_perm("cooperation.view_plan", obj)
        assert not other_caf_agent.has_perm("cooperation.view_plan", obj)
