"""The living labs in the CafLab admin: no member's name or contact on any page, anonymisation
that keeps the statistics, exports without personal data."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from livinglabs.models import Contribution, Invitation, Member
from livinglabs.selectors import evaluation
from tests.livinglabs.factories import (
    ContributionFactory,
    LabFactory,
    MemberFactory,
    SolicitationFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

PERSONAL_VALUES = ("Zéphyrine", "Kervadec", "zephyrine.kervadec@exemple.test", "06 39 98 12 34")


@pytest.fixture
def member(db):
    lab = LabFactory(name="Lab parentalité", slug="lab-parentalite")
    return MemberFactory(
        lab=lab,
        pseudonym="Zaza K.",
        first_name="Zéphyrine",
        last_name="Kervadec",
        email="zephyrine.kervadec@exemple.test",
        phone="06 39 98 12 34",
    )


@pytest.fixture
def workshop(member):
    """A held workshop the member came to, with a contribution, for a solicitation."""
    workshop = WorkshopFactory(lab=member.lab, topic="Le relevé de dettes Aripa")
    workshop.solicitation = SolicitationFactory(labs=[member.lab])
    workshop.save()
    Invitation.objects.create(workshop=workshop, member=member, attended=True)
    Invitation.objects.create(workshop=workshop, member=MemberFactory(lab=member.lab))
    ContributionFactory(workshop=workshop, text="Le total dû n'apparaît pas.")
    return workshop


def assert_no_personal_data(body: str) -> None:
    for value in PERSONAL_VALUES:
        assert value not in body, value


def test_no_personal_field_on_any_living_lab_admin_page(client, staff, member, workshop):
    client.force_login(staff)
    invitation = Invitation.objects.get(member=member)
    pages = [
        reverse("admin:livinglabs_member_changelist"),
        reverse("admin:livinglabs_member_changelist") + "?q=Zaza",
        reverse("admin:livinglabs_member_change", args=[member.pk]),
        reverse("admin:livinglabs_workshop_changelist"),
        reverse("admin:livinglabs_workshop_change", args=[workshop.pk]),
        reverse("admin:livinglabs_invitation_changelist"),
        reverse("admin:livinglabs_invitation_change", args=[invitation.pk]),
        reverse("admin:livinglabs_lab_change", args=[member.lab.pk]),
        reverse("admin:livinglabs_lab_changelist"),
        reverse("admin:livinglabs_contribution_changelist"),
        reverse("admin:livinglabs_solicitation_change", args=[workshop.solicitation.pk]),
        reverse("admin:autocomplete") + "?app_label=livinglabs&model_name=invitation"
        "&field_name=member&term=Z",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in {200, 403}, url
        assert_no_personal_data(response.content.decode())
    body = client.get(reverse("admin:livinglabs_member_change", args=[member.pk])).content.decode()
    assert "Zaza K." in body
    assert "v2024-03" in body
    assert 'name="first_name"' not in body
    workshop_page = client.get(
        reverse("admin:livinglabs_workshop_change", args=[workshop.pk])
    ).content.decode()
    assert "Zaza K." in workshop_page  # the invitations inline, by pseudonym


def test_members_cannot_be_found_by_name(client, staff, member):
    client.force_login(staff)
    url = reverse("admin:livinglabs_member_changelist")
    assert "Zaza K." in client.get(url, {"q": "Zaza"}).content.decode()
    assert "Zaza K." in client.get(url, {"q": "isère"}).content.decode()
    for term in ("Kervadec", "Zéphyrine", "exemple.test", "06 39"):
        assert "Zaza K." not in client.get(url, {"q": term}).content.decode(), term


def test_members_are_neither_added_nor_changed_nor_deleted_in_the_admin(client, staff, member):
    client.force_login(staff)
    assert client.get(reverse("admin:livinglabs_member_add")).status_code == 403
    delete = reverse("admin:livinglabs_member_delete", args=[member.pk])
    assert client.get(delete).status_code == 403
    response = client.post(
        reverse("admin:livinglabs_member_change", args=[member.pk]),
        {"pseudonym": "Autre", "first_name": "Autre"},
    )
    assert response.status_code == 403
    member.refresh_from_db()
    assert (member.pseudonym, member.first_name) == ("Zaza K.", "Zéphyrine")
    actions = client.get(reverse("admin:livinglabs_member_changelist")).content.decode()
    assert "delete_selected" not in actions
    assert "Anonymiser" in actions


def test_anonymise_action_erases_the_person_and_keeps_the_statistics(
    client, staff, member, workshop
):
    labs = type(member.lab).objects.filter(pk=member.lab_id)
    before = evaluation(labs=labs)
    client.force_login(staff)
    response = client.post(
        reverse("admin:livinglabs_member_changelist"),
        {"action": "anonymise", "_selected_action": [member.pk]},
        follow=True,
    )
    assert "1 membre anonymisé : ses statistiques sont conservées." in response.content.decode()
    member.refresh_from_db()
    assert (member.first_name, member.last_name, member.email, member.phone) == ("", "", "", "")
    assert member.pseudonym == f"Membre anonymisé n°{member.pk}"
    assert member.anonymised_at is not None
    assert member.profile == "parent"
    assert member.invitations.get().attended is True
    after = evaluation(labs=labs)
    assert after.members_ever == before.members_ever
    assert (after.invitations, after.attendances) == (before.invitations, before.attendances)
    assert after.attendance_rate == before.attendance_rate
    assert after.contributions_by_kind == before.contributions_by_kind
    assert after.active_members == before.active_members - 1  # gone, still counted as ever
    # A second run changes nothing.
    anonymised_at = member.anonymised_at
    client.post(
        reverse("admin:livinglabs_member_changelist"),
        {"action": "anonymise", "_selected_action": [member.pk]},
    )
    member.refresh_from_db()
    assert member.anonymised_at == anonymised_at


def test_member_filters(client, staff, member):
    MemberFactory(lab=member.lab, pseudonym="Parti P.", left_on=timezone.localdate())
    MemberFactory(lab=member.lab, pseudonym="Dormeur D.", flagged_inactive_on=timezone.localdate())
    client.force_login(staff)
    url = reverse("admin:livinglabs_member_changelist")
    flagged = client.get(url, {"flagged_inactive_on": "oui"}).content.decode()
    assert "Dormeur D." in flagged
    assert "Zaza K." not in flagged
    left = client.get(url, {"left_on": "oui"}).content.decode()
    assert "Parti P." in left
    assert "Dormeur D." not in left
    assert "Zaza K." in client.get(url, {"anonymised_at": "non"}).content.decode()


def test_workshop_export_has_figures_but_no_person(client, staff, workshop):
    client.force_login(staff)
    response = client.post(
        reverse("admin:livinglabs_workshop_changelist"),
        {"action": "export_csv", "_selected_action": [workshop.pk]},
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = content.splitlines()[:2]
    assert header.split(";")[-3:] == ["Invités", "Présents", "Contributions"]
    assert "Le relevé de dettes Aripa" in row
    assert row.split(";")[-3:] == ["2", "1", "1"]
    assert_no_personal_data(content)
    assert "Zaza" not in content


def test_contribution_export_as_xlsx(client, staff, workshop):
    client.force_login(staff)
    response = client.post(
        reverse("admin:livinglabs_contribution_changelist"),
        {
            "action": "export_xlsx",
            "_selected_action": list(Contribution.objects.values_list("pk", flat=True)),
        },
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Living lab", "Caf")
    assert rows[1][5] == "Le total dû n'apparaît pas."


def test_contribution_status_actions_go_through_the_service(client, staff, workshop):
    contribution = workshop.contributions.get()
    client.force_login(staff)
    client.post(
        reverse("admin:livinglabs_contribution_changelist"),
        {"action": "mark_implemented", "_selected_action": [contribution.pk]},
    )
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.IMPLEMENTED


@pytest.mark.parametrize("n", [1, 20])
def test_member_changelist_queries_do_not_grow(client, staff, n, django_assert_max_num_queries):
    lab = LabFactory()
    MemberFactory.create_batch(n, lab=lab)
    client.force_login(staff)
    # session, user, permissions (2), counts (2), page of members with their lab, filter choices
    # (consent versions, labs), savepoints
    with django_assert_max_num_queries(14):
        assert client.get(reverse("admin:livinglabs_member_changelist")).status_code == 200
    assert Member.objects.count() == n
