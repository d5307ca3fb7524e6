"""Living labs: consent, anonymisation keeping statistics, attendance, invitations, the flow of
contributions and solicitations."""

import datetime
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from caflab.models import ActivityEvent
from livinglabs import ics, selectors, services
from livinglabs.models import Contribution, Invitation, Lab, Member, Solicitation
from tests.caflab.factories import AgentFactory
from tests.livinglabs.factories import (
    ContributionFactory,
    LabFactory,
    MemberFactory,
    WorkshopFactory,
    facilitator,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab():
    return LabFactory()


@pytest.fixture
def host(lab):
    return facilitator(lab)


def test_nobody_joins_without_consent(lab, host):
    with pytest.raises(services.LabError) as excinfo:
        services.member_join(
            lab=lab, by=host, pseudonym="Karim T.", profile="parent", consent_version=""
        )
    assert "consentement" in excinfo.value.message
    member = services.member_join(
        lab=lab,
        by=host,
        pseudonym="Karim T.",
        profile="parent",
        consent_version="v2024-03",
        first_name="Karim",
        email="KARIM@exemple.test",
    )
    assert member.consent_at is not None
    assert member.email == "karim@exemple.test"


def test_the_journal_names_no_one(lab, host):
    services.member_join(
        lab=lab,
        by=host,
        pseudonym="Karim T.",
        profile="parent",
        consent_version="v1",
        first_name="Karim",
        last_name="Tahar",
        email="karim@exemple.test",
    )
    event = ActivityEvent.objects.get(verb="member.joined")
    text = f"{event.object_repr} {event.changes}"
    assert "Karim T." in text
    assert "Tahar" not in text
    assert "exemple.test" not in text


def test_only_the_labs_facilitators_manage_it(lab):
    other_lab = LabFactory()
    other_host = facilitator(other_lab)
    with pytest.raises(PermissionDenied):
        services.member_join(
            lab=lab, by=other_host, pseudonym="x", profile="parent", consent_version="v1"
        )
    with pytest.raises(PermissionDenied):
        services.member_join(
            lab=lab,
            by=AgentFactory(caf=lab.caf),
            pseudonym="x",
            profile="parent",
            consent_version="v1",
        )


def test_anonymisation_erases_the_person_and_keeps_the_statistics(lab, host):
    member = MemberFactory(
        lab=lab,
        first_name="Sabrina",
        last_name="Morel",
        email="sabrina@exemple.test",
        phone="06 11 22 33 44",
    )
    workshop = WorkshopFactory(lab=lab)
    services.attendance_record(workshop=workshop, present=[member], by=host)
    ContributionFactory(workshop=workshop)
    labs = Lab.objects.filter(pk=lab.pk)
    before = selectors.evaluation(labs=labs)
    services.member_anonymise(member=member, by=host)
    member.refresh_from_db()
    assert (member.first_name, member.last_name, member.email, member.phone) == ("", "", "", "")
    assert member.pseudonym == f"Membre anonymisé n°{member.pk}"
    assert member.profile == "parent"
    assert member.anonymised_at is not None
    after = selectors.evaluation(labs=labs)
    assert after.attendances == before.attendances == 1
    assert after.workshops == before.workshops
    assert after.contributions_by_kind == before.contributions_by_kind
    assert after.members_ever == before.members_ever
    assert Invitation.objects.filter(member=member, attended=True).exists()


def test_staff_can_erase_on_request(lab, staff):
    member = MemberFactory(lab=lab)
    services.member_anonymise(member=member, by=staff)
    member.refresh_from_db()
    assert member.email == ""


def test_inactive_members_are_flagged_after_24_months(lab):
    today = datetime.date(2026, 11, 30)
    old = MemberFactory(
        lab=lab, joined_on=datetime.date(2022, 1, 1), last_seen_on=datetime.date(2024, 10, 1)
    )
    never_seen = MemberFactory(lab=lab, joined_on=datetime.date(2024, 6, 1), last_seen_on=None)
    recent = MemberFactory(
        lab=lab, joined_on=datetime.date(2022, 1, 1), last_seen_on=datetime.date(2025, 6, 1)
    )
    assert services.members_flag_inactive(today=today) == 2
    assert services.members_flag_inactive(today=today) == 0  # once
    flagged = set(Member.objects.filter(flagged_inactive_on=today).values_list("pk", flat=True))
    assert flagged == {old.pk, never_seen.pk}
    assert recent.pk not in flagged


def test_attendance_maths_and_walk_ins(lab, host):
    members = MemberFactory.create_batch(5, lab=lab)
    workshop = WorkshopFactory(lab=lab)
    services.workshop_invite(workshop=workshop, members=members[:4], by=host)
    walk_in = members[4]
    present, invited = services.attendance_record(
        workshop=workshop, present=[members[0], members[1], walk_in], by=host
    )
    assert (present, invited) == (3, 5)
    assert Invitation.objects.filter(workshop=workshop, attended=False).count() == 2
    members[0].refresh_from_db()
    assert members[0].last_seen_on == timezone.localtime(workshop.starts_at).date()
    evaluation = selectors.evaluation(labs=Lab.objects.filter(pk=lab.pk))
    assert evaluation.attendance_rate == 60.0  # 3 present of 5 with attendance recorded


def test_attendance_corrected_later(lab, host):
    members = MemberFactory.create_batch(2, lab=lab)
    workshop = WorkshopFactory(lab=lab)
    services.attendance_record(workshop=workshop, present=members, by=host)
    services.attendance_record(workshop=workshop, present=members[:1], by=host)
    assert list(
        Invitation.objects.filter(workshop=workshop)
        .order_by("member__pseudonym")
        .values_list("attended", flat=True)
    ) == [True, False]


def test_invitations_send_an_ics_once(lab, host, django_capture_on_commit_callbacks):
    members = MemberFactory.create_batch(2, lab=lab)
    no_address = MemberFactory(lab=lab, email="")
    workshop = WorkshopFactory(
        lab=lab,
        starts_at=datetime.datetime(2026, 3, 12, 18, 30, tzinfo=timezone.get_current_timezone()),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.workshop_invite(workshop=workshop, members=[*members, no_address], by=host)
            == 3
        )
        assert services.workshop_invite(workshop=workshop, members=members, by=host) == 0
    assert len(mail.outbox) == 2
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert name == "atelier.ics"
    assert mimetype.startswith("text/calendar")
    assert "DTSTART:20260312T173000Z" in content  # 18:30 in Paris is 17:30 UTC
    assert members[0].email not in content


def test_ics_is_valid_rfc5545(lab):
    workshop = WorkshopFactory(
        lab=lab,
        topic=(
            "Relevé de dettes Aripa ; ce qui bloque, et pourquoi — un atelier avec des parents "
            "séparés qui veulent comprendre"
        ),
        place="Maison des familles, 12 rue des Alpes, Grenoble",
    )
    text = ics.workshop_event(workshop)
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:" in unfolded
    assert "Aripa \\; ce qui bloque\\, et pourquoi" in unfolded
    assert "LOCATION:Maison des familles\\, 12 rue des Alpes\\, Grenoble" in unfolded
    assert f"UID:atelier-{workshop.pk}@" in unfolded
    for required in ("VERSION:2.0", "PRODID:", "DTSTAMP:", "DTSTART:", "DTEND:", "END:VEVENT"):
        assert required in unfolded


def test_contribution_statuses(lab, host):
    contribution = ContributionFactory(workshop=WorkshopFactory(lab=lab))
    with pytest.raises(services.LabError):
        services.contribution_set_status(contribution=contribution, by=host, status="non_retenue")
    services.contribution_set_status(
        contribution=contribution, by=host, status="non_retenue", reason="Hors du champ de la Caf"
    )
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.REJECTED


def test_contribution_goes_to_the_labs_caf_idea_box(lab, host):
    from eurekaf.models import Idea

    contribution = ContributionFactory(
        workshop=WorkshopFactory(lab=lab),
        text="Un relevé de dettes lisible\nAvec les dates et les montants.",
    )
    idea = services.contribution_to_eurekaf(contribution=contribution, by=host)
    assert idea.box.caf == lab.caf
    assert idea.title == "Un relevé de dettes lisible"
    assert f"living lab « {lab.name} »" in idea.description
    contribution.refresh_from_db()
    assert contribution.eurekaf_idea_id == idea.pk
    with pytest.raises(services.LabError):
        services.contribution_to_eurekaf(contribution=contribution, by=host)
    assert Idea.objects.count() == 1


def test_solicitation_flow(lab, host, staff):
    other = LabFactory()
    solicitation = services.solicitation_create(
        by=staff,
        title="Relevé de dettes Aripa",
        requester="Direction des politiques familiales et sociales",
        brief="Comment le rendre lisible ?",
        deliverable="Propositions de reformulation",
        deadline=datetime.date(2026, 2, 1),
        labs=[lab],
    )
    assert host.has_perm("livinglabs.view_solicitation", solicitation)
    assert not facilitator(other).has_perm("livinglabs.view_solicitation", solicitation)
    with pytest.raises(services.LabError):
        services.workshop_create(
            lab=other,
            by=facilitator(other),
            topic="x",
            starts_at=timezone.now(),
            ends_at=timezone.now() + timedelta(hours=1),
            mode="visio",
            place="lien",
            solicitation=solicitation,
        )
    workshop = services.workshop_create(
        lab=lab,
        by=host,
        topic="Le relevé",
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=2),
        mode="presentiel",
        place="Caf",
        solicitation=solicitation,
    )
    services.contribution_add(
        workshop=workshop,
        by=host,
        kind="irritant",
        text="Les montants ne sont pas expliqués",
        tags=" Aripa ,, dettes ",
    )
    assert [c.text for c in selectors.solicitation_contributions(solicitation)] == [
        "Les montants ne sont pas expliqués"
    ]
    assert Contribution.objects.get().tag_list == ["Aripa", "dettes"]
    with pytest.raises(PermissionDenied):
        services.solicitation_answer(solicitation=solicitation, by=host, synthesis="x")
    answered = services.solicitation_answer(
        solicitation=solicitation, by=staff, synthesis="Trois propositions."
    )
    assert answered.status == Solicitation.Status.ANSWERED
    assert answered.answered_at is not None


def test_workshop_dates_are_checked(lab, host):
    now = timezone.now()
    with pytest.raises(services.LabError):
        services.workshop_create(
            lab=lab, by=host, topic="x", starts_at=now, ends_at=now, mode="visio", place="lien"
        )


def test_a_lab_address_cannot_hide_a_portal_page():
    from django.core.exceptions import ValidationError

    lab = LabFactory.build(slug="agenda")
    with pytest.raises(ValidationError) as excinfo:
        lab.full_clean(exclude=["caf"])
    assert "réservée" in str(excinfo.value)


def test_a_contribution_is_attached_to_a_consultation(lab, host, client):
    from django.urls import reverse

    from tests.consultations.factories import ConsultationFactory

    consultation = ConsultationFactory(title="Parents séparés : l'Aripa vous accompagne-t-elle ?")
    contribution = ContributionFactory(workshop=WorkshopFactory(lab=lab))
    client.force_login(host)
    url = reverse("livinglabs:contribution-consultation", args=[contribution.pk])
    client.post(url, {"consultation": consultation.slug})
    contribution.refresh_from_db()
    assert contribution.consultation_id == consultation.pk
    page = client.get(
        reverse("livinglabs:workshop-detail", args=[contribution.workshop_id])
    ).content.decode()
    assert (
        "Rattachée à la consultation « Parents séparés : l&#x27;Aripa vous accompagne-t-elle ? »"
        in page
    )
    assert client.post(url, {"consultation": "nexiste-pas"}).status_code == 302
    contribution.refresh_from_db()
    assert contribution.consultation_id == consultation.pk  # unchanged
    with pytest.raises(PermissionDenied):
        services.contribution_link_consultation(
            contribution=contribution, by=AgentFactory(), consultation=None
        )


def test_a_contribution_is_attached_to_a_project(lab, host, client):
    from django.urls import reverse

    from livinglabs.selectors import contributions_for_project
    from tests.projects.factories import ProjectFactory

    project = ProjectFactory(title="Simplifier le relevé de dettes Aripa")
    hidden = ProjectFactory(is_published=False)
    contribution = ContributionFactory(workshop=WorkshopFactory(lab=lab))
    client.force_login(host)
    url = reverse("livinglabs:contribution-project", args=[contribution.pk])

    client.post(url, {"project": project.slug})

    contribution.refresh_from_db()
    assert contribution.project_id == project.pk
    page = client.get(
        reverse("livinglabs:workshop-detail", args=[contribution.workshop_id])
    ).content.decode()
    assert "Rattachée au projet « Simplifier le relevé de dettes Aripa »" in page
    assert list(contributions_for_project(project_id=project.pk)) == [contribution]
    # A project the facilitator cannot see is not offered, nor accepted.
    assert hidden.slug not in page
    client.post(url, {"project": hidden.slug})
    contribution.refresh_from_db()
    assert contribution.project_id == project.pk
    with pytest.raises(PermissionDenied):
        services.contribution_link_project(contribution=contribution, by=host, project=hidden)
    with pytest.raises(PermissionDenied):
        services.contribution_link_project(
            contribution=contribution, by=AgentFactory(), project=None
        )
    client.post(url, {"project": ""})
    contribution.refresh_from_db()
    assert contribution.project_id is None
