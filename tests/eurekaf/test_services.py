"""Eurekaf's rules of writing: workflow, supports, merge, escalation, moderation, notifications."""

import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from eurekaf import services
from eurekaf.models import Comment, Follow, Idea, IdeaStatusChange, Report, Support
from tests.caflab.factories import AgentFactory, caf
from tests.eurekaf.factories import CampaignFactory, IdeaFactory, box

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    manager = AgentFactory(caf=caf("38"))
    box("38").managers.add(manager)
    return manager


def test_an_agent_posts_an_idea_and_follows_it(agent, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        idea = services.idea_create(
            box=box("38"),
            author=agent,
            title="  Un accueil sans rendez-vous le samedi  ",
            description="Les familles qui travaillent…",
        )
    assert idea.title == "Un accueil sans rendez-vous le samedi"
    assert idea.origin_caf.number == "38"
    assert idea.status == Idea.Status.SUBMITTED
    assert list(idea.status_changes.values_list("to_status", flat=True)) == ["deposee"]
    assert Follow.objects.filter(idea=idea, user=agent).exists()
    assert idea.follower_count == 1
    assert [m.to for m in mail.outbox] == [[manager.email]]  # the box's managers are told


def test_another_cafs_agent_cannot_post_in_this_box(other_caf_agent):
    with pytest.raises(PermissionDenied):
        services.idea_create(box=box("38"), author=other_caf_agent, title="x", description="y")


def test_partners_cannot_post(partner):
    with pytest.raises(PermissionDenied):
        services.idea_create(box=box(None), author=partner, title="x", description="y")


def test_campaign_must_belong_to_the_box_and_be_running(agent):
    import datetime

    other_box_campaign = CampaignFactory(box=box("29"))
    with pytest.raises(services.IdeaError):
        services.idea_create(
            box=box("38"), author=agent, title="t", description="d", campaign=other_box_campaign
        )
    past = CampaignFactory(
        box=box("38"), starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2024, 2, 1)
    )
    with pytest.raises(services.IdeaError) as excinfo:
        services.idea_create(box=box("38"), author=agent, title="t", description="d", campaign=past)
    assert excinfo.value.message == "Cette campagne n'accepte plus d'idées."


def test_attachments_are_checked_by_content(agent):
    pdf = SimpleUploadedFile(
        "note.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", content_type="application/pdf"
    )
    idea = services.idea_create(
        box=box("38"), author=agent, title="t", description="d", uploads=[pdf]
    )
    assert idea.attachments.get().content_type == "application/pdf"
    fake = SimpleUploadedFile(
        "rapport.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as excinfo:
        services.idea_create(
            box=box("38"), author=agent, title="t2", description="d", uploads=[fake]
        )
    assert "Ce type de fichier n'est pas accepté" in excinfo.value.message
    assert not Idea.objects.filter(title="t2").exists()  # nothing half-written


def test_author_edits_until_someone_reacts(agent):
    idea = IdeaFactory(author=agent)
    services.idea_update(
        idea=idea, by=agent, title="Nouveau titre", description="Nouvelle description"
    )
    services.idea_support(idea=idea, agent=AgentFactory())
    idea.refresh_from_db()
    with pytest.raises(services.IdeaError) as excinfo:
        services.idea_update(idea=idea, by=agent, title="Encore", description="x")
    assert "ne peut plus être modifiée" in excinfo.value.message
    with pytest.raises(PermissionDenied):
        services.idea_update(idea=idea, by=AgentFactory(), title="x", description="y")


def test_support_is_once_per_agent_and_toggles(agent):
    idea = IdeaFactory()
    assert services.idea_support(idea=idea, agent=agent) is True
    assert services.idea_support(idea=idea, agent=agent) is False
    idea.refresh_from_db()
    assert idea.support_count == 1
    assert services.idea_unsupport(idea=idea, agent=agent) is True
    assert services.idea_unsupport(idea=idea, agent=agent) is False
    idea.refresh_from_db()
    assert idea.support_count == 0


def test_nobody_supports_their_own_idea(agent):
    idea = IdeaFactory(author=agent)
    with pytest.raises(PermissionDenied):
        services.idea_support(idea=idea, agent=agent)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_supports_of_one_agent_count_once():
    idea = IdeaFactory()
    agent = AgentFactory(caf=caf("38"))
    barrier = threading.Barrier(4)
    outcomes = []

    def support():
        try:
            barrier.wait()
            outcomes.append(services.idea_support(idea=idea, agent=agent))
        finally:
            connection.close()

    threads = [threading.Thread(target=support) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, False, False, True]
    idea.refresh_from_db()
    assert idea.support_count == 1 == Support.objects.filter(idea=idea).count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_supports_of_many_agents_are_all_counted():
    idea = IdeaFactory()
    agents = [AgentFactory(caf=caf("38")) for _ in range(6)]
    barrier = threading.Barrier(len(agents))

    def support(agent):
        try:
            barrier.wait()
            services.idea_support(idea=idea, agent=agent)
        finally:
            connection.close()

    threads = [threading.Thread(target=support, args=(a,)) for a in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    idea.refresh_from_db()
    assert idea.support_count == 6 == Support.objects.filter(idea=idea).count()


def test_comment_notifies_followers_but_not_the_commenter(
    agent, django_capture_on_commit_callbacks
):
    idea = IdeaFactory()
    follower = AgentFactory(caf=caf("38"))
    services.idea_follow(idea=idea, user=follower)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(
            idea=idea, author=agent, text="Très bonne idée, on le fait déjà à Vienne."
        )
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([idea.author.email, follower.email])
    idea.refresh_from_db()
    assert idea.comment_count == 1
    assert idea.follower_count == 3  # author, follower, and now the commenter


# Workflow -------------------------------------------------------------------------------------
ALL = set(Idea.Status.values)


@pytest.mark.parametrize("start", sorted(Idea.Status.values))
@pytest.mark.parametrize("target", sorted(Idea.Status.values))
def test_every_transition(manager, start, target):
    idea = IdeaFactory(status=start, merged_into=IdeaFactory() if start == "fusionnee" else None)
    allowed = target in Idea.TRANSITIONS[Idea.Status(start)] and target != "fusionnee"
    answer = "Merci : l'idée a été étudiée par le service concerné."
    if allowed:
        services.idea_change_status(idea=idea, by=manager, to_status=target, answer=answer)
        idea.refresh_from_db()
        assert idea.status == target
        assert idea.status_changes.last().answer == answer
    else:
        with pytest.raises(services.IdeaError):
            services.idea_change_status(idea=idea, by=manager, to_status=target, answer=answer)
        idea.refresh_from_db()
        assert idea.status == start


def test_forbidden_transition_says_why_in_french(manager):
    idea = IdeaFactory(status=Idea.Status.IMPLEMENTED)
    with pytest.raises(services.IdeaError) as excinfo:
        services.idea_change_status(idea=idea, by=manager, to_status=Idea.Status.STUDYING)
    assert excinfo.value.message == "Une idée « Mise en œuvre » ne peut pas passer à « En étude »."


def test_rejection_needs_a_public_answer(manager):
    idea = IdeaFactory()
    with pytest.raises(services.IdeaError) as excinfo:
        services.idea_change_status(
            idea=idea, by=manager, to_status=Idea.Status.REJECTED, answer="  "
        )
    assert "réponse publique" in excinfo.value.message


def test_status_change_is_timed_notified_and_only_for_managers(
    manager, agent, django_capture_on_commit_callbacks
):
    idea = IdeaFactory()
    with pytest.raises(PermissionDenied):
        services.idea_change_status(idea=idea, by=agent, to_status=Idea.Status.STUDYING)
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_change_status(
            idea=idea, by=manager, to_status=Idea.Status.STUDYING, answer="Nous regardons."
        )
    idea.refresh_from_db()
    assert idea.first_answer_at is not None
    first = idea.first_answer_at
    services.idea_change_status(
        idea=idea, by=manager, to_status=Idea.Status.SELECTED, answer="Retenue."
    )
    idea.refresh_from_db()
    assert idea.first_answer_at == first
    assert mail.outbox[0].to == [idea.author.email]
    assert "En étude" in mail.outbox[0].subject


def test_bulk_change_reports_each_refusal(manager):
    ok = IdeaFactory()
    done = IdeaFactory(status=Idea.Status.IMPLEMENTED, title="Déjà faite")
    count, errors = services.ideas_change_status(
        ideas=[ok, done], by=manager, to_status=Idea.Status.STUDYING
    )
    assert count == 1
    assert errors == [
        "« Déjà faite » : Une idée « Mise en œuvre » ne peut pas passer à « En étude »."
    ]


# Merge ----------------------------------------------------------------------------------------
def test_merge_moves_supports_and_followers_without_double_counting(manager):
    original = IdeaFactory(title="Original")
    duplicate = IdeaFactory(title="Doublon")
    both, only_dup, only_orig = (AgentFactory(caf=caf("38")) for _ in range(3))
    for agent in (both, only_dup):
        services.idea_support(idea=duplicate, agent=agent)
    for agent in (both, only_orig):
        services.idea_support(idea=original, agent=agent)
    services.idea_support(idea=duplicate, agent=original.author)  # the original's own author
    services.idea_follow(idea=duplicate, user=only_dup)
    into = services.idea_merge(duplicate=duplicate, into=original, by=manager)
    assert into.support_count == 3  # both, only_orig, only_dup — not the author
    assert set(Support.objects.filter(idea=original).values_list("agent_id", flat=True)) == {
        both.pk,
        only_dup.pk,
        only_orig.pk,
    }
    assert not Support.objects.filter(idea=duplicate).exists()
    duplicate.refresh_from_db()
    assert duplicate.status == Idea.Status.MERGED
    assert duplicate.merged_into == original
    assert duplicate.support_count == 0
    assert duplicate.follower_count == 0
    assert Follow.objects.filter(idea=original, user=only_dup).exists()
    assert Follow.objects.filter(idea=original, user=duplicate.author).exists()
    assert into.follower_count == Follow.objects.filter(idea=original).count()
    assert "rejoint « Original »" in duplicate.status_changes.last().answer


def test_merge_refusals(manager):
    idea = IdeaFactory()
    with pytest.raises(services.IdeaError):
        services.idea_merge(duplicate=idea, into=idea, by=manager)
    merged = IdeaFactory()
    services.idea_merge(duplicate=merged, into=idea, by=manager)
    with pytest.raises(services.IdeaError):
        services.idea_merge(duplicate=IdeaFactory(), into=merged, by=manager)


# Escalation -----------------------------------------------------------------------------------
def test_escalation_keeps_history_supports_and_origin(manager, agent):
    idea = IdeaFactory()
    services.idea_support(idea=idea, agent=agent)
    services.idea_change_status(
        idea=idea, by=manager, to_status=Idea.Status.STUDYING, answer="À l'étude."
    )
    escalated = services.idea_escalate(idea=idea, by=manager)
    idea.refresh_from_db()
    assert idea.box.is_national
    assert idea.escalated_from == box("38")
    assert idea.origin_caf.number == "38"
    assert idea.support_count == 1
    assert idea.status_changes.count() == 3
    assert "contribution nationale" in idea.status_changes.last().answer
    with pytest.raises(PermissionDenied):
        services.idea_escalate(idea=escalated, by=manager)  # already national


def test_other_cafs_agent_can_support_an_escalated_idea(manager, other_caf_agent):
    idea = IdeaFactory()
    with pytest.raises(PermissionDenied):
        services.idea_support(idea=idea, agent=other_caf_agent)
    services.idea_escalate(idea=idea, by=manager)
    idea.refresh_from_db()
    assert services.idea_support(idea=idea, agent=other_caf_agent)


# Moderation -----------------------------------------------------------------------------------
def test_report_then_hide_a_comment_with_a_reason(
    manager, agent, django_capture_on_commit_callbacks
):
    idea = IdeaFactory()
    commenter = AgentFactory(caf=caf("38"))
    comment = services.comment_create(idea=idea, author=commenter, text="Propos déplacé")
    services.report_create(
        idea=idea, comment=comment, by=agent, reason="Propos personnel sur un collègue"
    )
    with pytest.raises(services.IdeaError):
        services.report_create(idea=idea, comment=comment, by=agent, reason="Encore")
    with pytest.raises(services.IdeaError):
        services.comment_hide(comment=comment, by=manager, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_hide(comment=comment, by=manager, reason="Mise en cause d'une personne")
    comment.refresh_from_db()
    assert comment.is_hidden
    assert Report.objects.get().resolved_at is not None
    idea.refresh_from_db()
    assert idea.comment_count == 0  # a hidden comment no longer counts
    assert any(m.to == [commenter.email] and "masqué" in m.subject for m in mail.outbox)


def test_internal_notes_and_assignment_are_for_managers(manager, agent):
    idea = IdeaFactory()
    with pytest.raises(PermissionDenied):
        services.note_add(idea=idea, by=agent, text="x")
    services.note_add(idea=idea, by=manager, text="Voir avec le service accueil.")
    services.idea_assign(idea=idea, by=manager, assignee=manager, service="Service accueil")
    with pytest.raises(services.IdeaError):
        services.idea_assign(idea=idea, by=manager, assignee=agent)


def test_hidden_idea_stays_visible_to_its_author_and_managers(manager, agent, other_caf_agent):
    idea = IdeaFactory(author=agent)
    services.idea_hide(
        idea=idea, by=manager, reason="Contient des données personnelles d'allocataires"
    )
    idea.refresh_from_db()
    colleague = AgentFactory(caf=caf("38"))
    assert agent.has_perm("eurekaf.view_idea", idea)
    assert manager.has_perm("eurekaf.view_idea", idea)
    assert not colleague.has_perm("eurekaf.view_idea", idea)


def test_campaign_creation_for_managers_only(manager, agent):
    import datetime

    with pytest.raises(PermissionDenied):
        services.campaign_create(
            box=box("38"),
            by=agent,
            title="t",
            slug="t",
            brief="b",
            starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2025, 2, 1),
        )
    with pytest.raises(services.IdeaError):
        services.campaign_create(
            box=box("38"),
            by=manager,
            title="t",
            slug="t",
            brief="b",
            starts_on=datetime.date(2025, 2, 1),
            ends_on=datetime.date(2025, 1, 1),
        )
    campaign = services.campaign_create(
        box=box("38"),
        by=manager,
        title="Télétravail",
        slug="teletravail",
        brief="b",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 2, 1),
    )
    assert campaign.created_by == manager


def test_counters_match_rows_after_a_busy_life(manager):
    idea = IdeaFactory()
    agents = [AgentFactory(caf=caf("38")) for _ in range(5)]
    for agent in agents:
        services.idea_support(idea=idea, agent=agent)
        services.comment_create(idea=idea, author=agent, text="+1")
    services.idea_unsupport(idea=idea, agent=agents[0])
    services.idea_unfollow(idea=idea, user=agents[1])
    idea.refresh_from_db()
    assert idea.support_count == Support.objects.filter(idea=idea).count() == 4
    assert idea.comment_count == Comment.objects.filter(idea=idea).count() == 5
    assert idea.follower_count == Follow.objects.filter(idea=idea).count()
    assert IdeaStatusChange.objects.filter(idea=idea).count() == 1


def test_a_report_can_be_closed_without_hiding(manager, agent):
    idea = IdeaFactory()
    report = services.report_create(idea=idea, by=agent, reason="Doublon ?")
    with pytest.raises(PermissionDenied):
        services.report_resolve(report=report, by=agent)
    assert services.report_resolve(report=report, by=manager).resolved_at is not None


def test_a_merged_idea_is_not_escalated(manager):
    duplicate = IdeaFactory()
    services.idea_merge(duplicate=duplicate, into=IdeaFactory(), by=manager)
    duplicate.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.idea_escalate(idea=duplicate, by=manager)


def test_merge_tells_the_duplicates_followers(manager, django_capture_on_commit_callbacks):
    duplicate = IdeaFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_merge(duplicate=duplicate, into=IdeaFactory(), by=manager)
    assert [m.to for m in mail.outbox] == [[duplicate.author.email]]
    assert "Fusionnée" in mail.outbox[0].subject


def test_an_original_with_duplicates_cannot_be_deleted(manager):
    from django.db.models import ProtectedError

    original = IdeaFactory()
    services.idea_merge(duplicate=IdeaFactory(), into=original, by=manager)
    with pytest.raises(ProtectedError):
        original.delete()


def test_only_one_national_box():
    from django.db import IntegrityError, transaction

    from eurekaf.models import IdeaBox

    box(None)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdeaBox.objects.create(caf=None, name="Autre nationale", slug="autre", is_active=False)
