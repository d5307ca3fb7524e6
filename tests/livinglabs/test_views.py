"""The pages of the living labs: what each role sees (public pages, the lab's work, the members'
personal data for the lab's facilitators only), consent and anonymisation, invitations with
their .ics, attendance maths, contributions and their follow-up, the transmission to Eurekaf,
the solicitations flow, the calendars, the evaluation dashboards against figures computed by
hand, the home panel, and query counts that do not grow with the data."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from eurekaf.models import Idea
from livinglabs import selectors
from livinglabs.models import Contribution, Invitation, Lab, Member, Solicitation, Workshop
from tests.caflab.factories import AgentFactory, caf
from tests.livinglabs.factories import (
    ContributionFactory,
    InvitationFactory,
    LabFactory,
    MemberFactory,
    SolicitationFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
PARIS = timezone.get_default_timezone()


# The world ------------------------------------------------------------------------------------
@pytest.fixture
def lab(agent):
    """Lab A: a parenting lab of the Caf de l'Isère, animated by `agent`."""
    lab = LabFactory(
        name="Living lab parentalité de Grenoble",
        slug="parentalite-grenoble",
        venue="Centre social Chorier-Berriat",
        city="Grenoble",
        created_on=datetime.date(2022, 9, 15),
    )
    lab.facilitators.add(agent)
    return lab


@pytest.fixture
def nadia(lab):
    return MemberFactory(
        lab=lab,
        pseudonym="Nadia B.",
        first_name="Nadia",
        last_name="Benali",
        email="nadia.benali@exemple.test",
        phone="06 11 22 33 44",
    )


@pytest.fixture
def workshop(lab):
    """A workshop to come, Tuesday 3 June 2031, 14:00-16:00 in Paris (12:00-14:00 UTC)."""
    starts_at = datetime.datetime(2031, 6, 3, 14, 0, tzinfo=PARIS)
    return WorkshopFactory(
        lab=lab,
        topic="Comprendre le relevé de dettes Aripa",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
    )


@pytest.fixture
def colleague(db):
    """An agent of the same Caf who animates no lab."""
    return AgentFactory(caf=caf("38"))


@pytest.fixture
def lab_b(db):
    """Lab B, in the Finistère, animated by someone else, with a member of its own."""
    lab_b = LabFactory(
        name="Living lab accès aux droits de Brest",
        slug="acces-aux-droits-brest",
        caf=caf("29"),
        theme=Lab.Theme.RIGHTS,
        city="Brest",
    )
    lab_b.facilitators.add(AgentFactory(caf=caf("29")))
    MemberFactory(
        lab=lab_b,
        pseudonym="Yann K.",
        first_name="Yann",
        last_name="Kerhervé",
        email="yann.kerherve@exemple.test",
        phone="06 99 88 77 66",
    )
    return lab_b


@pytest.fixture
def other_facilitator(lab_b):
    return lab_b.facilitators.get()


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, **kwargs) -> str:
    return reverse(f"livinglabs:{name}", kwargs=kwargs)


def body(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page's visible words, without markup, spaces collapsed."""
    words = html.unescape(re.sub(r"<[^>]+>", " ", body(response)))
    return re.sub(r"[ \n]+", " ", words)


PERSONAL = ("Benali", "nadia.benali@exemple.test", "06 11 22 33 44")


# Public pages ---------------------------------------------------------------------------------
def test_anonymous_visitors_see_the_list_and_the_lab_page(client, lab, nadia, workshop):
    MemberFactory(lab=lab, left_on=TODAY)  # has left: not counted
    ContributionFactory(workshop=workshop, text="Le relevé ne dit pas quoi faire ensuite.")
    LabFactory(name="Living lab jeunesse de Valence", caf=caf("26"), theme=Lab.Theme.YOUTH)

    listing = client.get(url("lab-list"))
    assert listing.status_code == 200
    assert body(listing).count("<h1") == 1
    assert "<title>Les living labs — Portail CafLab</title>" in body(listing)
    page = text(listing)
    assert "2 living labs" in page
    assert "Living lab parentalité de Grenoble" in page
    assert "1 membre actif · 1 atelier" in page
    assert "Auvergne-Rhône-Alpes (2)" in page  # Isère and Drôme, grouped by région

    detail = client.get(lab.get_absolute_url())
    assert detail.status_code == 200
    assert body(detail).count("<h1") == 1
    page = text(detail)
    for fact in ["Caf de l'Isère", "Parentalité", "Centre social Chorier-Berriat", "Grenoble"]:
        assert fact in page
    assert "15 septembre 2022" in page
    assert "Membres actifs 1" in page
    assert "Le relevé ne dit pas quoi faire ensuite." in page
    assert "Transmise" in page
    assert "Connectez-vous" in page
    assert "Comprendre le relevé de dettes Aripa" not in page  # the workshops are for agents


def test_the_theme_filter_and_its_htmx_fragment(client, lab):
    LabFactory(name="Living lab jeunesse de Valence", caf=caf("26"), theme=Lab.Theme.YOUTH)
    page = text(client.get(url("lab-list"), {"theme": "jeunesse"}))
    assert "Living lab jeunesse de Valence" in page
    assert "Living lab parentalité de Grenoble" not in page
    fragment = client.get(
        url("lab-list"), {"theme": "jeunesse"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="living-labs"
    )
    assert "<html" not in body(fragment)
    assert "1 living lab pour ce thème" in text(fragment)
    # An unknown theme filters nothing.
    assert "2 living labs" in text(client.get(url("lab-list"), {"theme": "astrologie"}))


@pytest.mark.parametrize("who", [None, "colleague", "other_caf_agent", "partner", "staff"])
def test_the_lab_page_never_shows_members_personal_data(who, lab, nadia, workshop, request):
    InvitationFactory(workshop=workshop, member=nadia, attended=True)
    client = logged(request.getfixturevalue(who)) if who else Client()
    page = body(client.get(lab.get_absolute_url()))
    for value in (*PERSONAL, "Nadia B."):
        assert value not in page
    agent = lab.facilitators.get()
    assert agent.get_full_name() in page  # the facilitators are named


# Who sees what --------------------------------------------------------------------------------
def private_pages(lab, workshop, solicitation) -> dict[str, str]:
    return {
        "lab-members": url("lab-members", slug=lab.slug),
        "workshop-create": url("workshop-create", slug=lab.slug),
        "workshop-detail": url("workshop-detail", pk=workshop.pk),
        "workshop-ics": url("workshop-ics", pk=workshop.pk),
        "lab-calendar": url("lab-calendar", slug=lab.slug),
        "calendar": url("calendar"),
        "solicitation-list": url("solicitation-list"),
        "solicitation-create": url("solicitation-create"),
        "solicitation-detail": url("solicitation-detail", pk=solicitation.pk),
        "lab-dashboard": url("lab-dashboard", slug=lab.slug),
        "collective-dashboard": url("collective-dashboard"),
    }


def test_anonymous_visitors_go_to_the_login_page(client, lab, nadia, workshop):
    solicitation = SolicitationFactory(labs=[lab])
    contribution = ContributionFactory(workshop=workshop)
    addresses = [
        *private_pages(lab, workshop, solicitation).values(),
        url("member-anonymise", slug=lab.slug, pk=nadia.pk),
    ]
    posts = [
        url("lab-members", slug=lab.slug),
        url("member-leave", slug=lab.slug, pk=nadia.pk),
        url("member-anonymise", slug=lab.slug, pk=nadia.pk),
        url("workshop-invite", pk=workshop.pk),
        url("workshop-attendance", pk=workshop.pk),
        url("workshop-minutes", pk=workshop.pk),
        url("contribution-create", pk=workshop.pk),
        url("contribution-status", pk=contribution.pk),
        url("contribution-eurekaf", pk=contribution.pk),
    ]
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("account_login")), address
    for address in posts:
        response = client.post(address, {"pseudonym": "X"})
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("account_login")), address
    nadia.refresh_from_db()
    assert nadia.anonymised_at is None
    assert nadia.left_on is None


ALLOWED = {  # page: the roles that open it; the others get the status of the last column
    "lab-members": ({"facilitator"}, 404),
    "workshop-create": ({"facilitator"}, 403),
    "workshop-detail": (
        {"facilitator", "colleague", "other_caf_agent", "referent", "staff", "other_facilitator"},
        404,
    ),
    "workshop-ics": (
        {"facilitator", "colleague", "other_caf_agent", "referent", "staff", "other_facilitator"},
        404,
    ),
    "lab-calendar": (
        {"facilitator", "colleague", "other_caf_agent", "referent", "staff", "other_facilitator"},
        403,
    ),
    "calendar": ({"facilitator", "staff", "other_facilitator"}, 403),
    "solicitation-list": ({"facilitator", "staff", "other_facilitator"}, 403),
    "solicitation-create": ({"staff"}, 403),
    "solicitation-detail": ({"facilitator", "staff"}, 404),
    "lab-dashboard": ({"facilitator", "staff"}, 403),
    "collective-dashboard": ({"facilitator", "staff", "other_facilitator"}, 403),
}
ROLES = [
    "facilitator",
    "colleague",
    "other_caf_agent",
    "partner",
    "referent",
    "staff",
    "other_facilitator",
]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role(role, lab, workshop, request):
    """404 for what one may not see, 403 for a missing right on something one sees."""
    user = request.getfixturevalue("agent" if role == "facilitator" else role)
    solicitation = SolicitationFactory(labs=[lab])
    client = logged(user)
    for name, address in private_pages(lab, workshop, solicitation).items():
        allowed, refused = ALLOWED[name]
        response = client.get(address)
        expected = 200 if role in allowed else refused
        assert response.status_code == expected, (name, role)
        if expected == 200 and name != "workshop-ics":
            assert body(response).count("<h1") == 1, name
            assert body(response).split("</head>")[0].count("<title>") == 1, name
    for address in (url("lab-list"), lab.get_absolute_url()):
        assert client.get(address).status_code == 200


def test_a_facilitator_of_lab_a_sees_nothing_personal_of_lab_b(agent, lab, lab_b):
    client = logged(agent)
    yann = lab_b.members.get()
    workshop_b = WorkshopFactory(lab=lab_b)
    InvitationFactory(workshop=workshop_b, member=yann, attended=True)
    assert client.get(url("lab-members", slug=lab_b.slug)).status_code == 404
    assert client.post(url("lab-members", slug=lab_b.slug), {"pseudonym": "X"}).status_code == 404
    for name in ("member-leave", "member-anonymise"):
        assert client.get(url(name, slug=lab_b.slug, pk=yann.pk)).status_code in (404, 405)
        assert client.post(url(name, slug=lab_b.slug, pk=yann.pk)).status_code == 404
    # Lab B's member through lab A's address: not one of A's members either.
    assert client.post(url("member-anonymise", slug=lab.slug, pk=yann.pk)).status_code == 404
    # Lab B's work is visible (an agent of the network), never its members.
    for address in (lab_b.get_absolute_url(), url("workshop-detail", pk=workshop_b.pk)):
        response = client.get(address)
        assert response.status_code == 200
        for value in ("Kerhervé", "yann.kerherve@exemple.test", "06 99 88 77 66", "Yann K."):
            assert value not in body(response), address
    assert "1 présent sur 1 invité" in text(client.get(url("workshop-detail", pk=workshop_b.pk)))
    # ...and may not act on it.
    for name in ("workshop-invite", "workshop-attendance", "workshop-minutes"):
        response = client.post(url(name, pk=workshop_b.pk), {"members": [yann.pk]})
        assert response.status_code == 403, name
    yann.refresh_from_db()
    assert yann.anonymised_at is None
    assert Invitation.objects.get(member=yann).attended is True


def test_another_cafs_agent_sees_the_work_but_not_the_members(
    other_caf_agent, lab, nadia, workshop
):
    InvitationFactory(workshop=workshop, member=nadia, attended=True)
    ContributionFactory(workshop=workshop, text="Le courrier arrive trop tard.")
    client = logged(other_caf_agent)
    page = text(client.get(lab.get_absolute_url()))
    assert "Comprendre le relevé de dettes Aripa" in page
    assert "Le courrier arrive trop tard." in page
    assert url("lab-members", slug=lab.slug) not in body(client.get(lab.get_absolute_url()))
    workshop_page = text(client.get(url("workshop-detail", pk=workshop.pk)))
    assert "1 présent sur 1 invité" in workshop_page
    assert "Nadia" not in workshop_page
    assert "Enregistrer les présences" not in workshop_page
    assert client.get(url("lab-members", slug=lab.slug)).status_code == 404


# Members: consent, departure, anonymisation ---------------------------------------------------
def join_data(**overrides) -> dict:
    return {
        "pseudonym": "Karima L.",
        "first_name": "Karima",
        "last_name": "Lopez",
        "email": "karima.lopez@exemple.test",
        "phone": "07 00 00 00 01",
        "profile": Member.Profile.SEPARATED,
        "joined_on": "",
        "consent_version": "v2024-03",
        "consent": "on",
        **overrides,
    }


def test_the_facilitator_sees_the_members_personal_data(agent, lab, nadia):
    nadia.flagged_inactive_on = TODAY
    nadia.save()
    page = text(logged(agent).get(url("lab-members", slug=lab.slug)))
    for value in (*PERSONAL, "Nadia", "v2024-03", "Parent", "aucune participation pour l'instant"):
        assert value in page
    assert "Inactif depuis 24 mois" in page


def test_a_member_joins_with_a_dated_and_versioned_consent(agent, lab):
    client = logged(agent)
    response = client.post(url("lab-members", slug=lab.slug), join_data())
    assert response.status_code == 302
    member = Member.objects.get(pseudonym="Karima L.")
    assert member.consent_version == "v2024-03"
    assert member.consent_at is not None
    assert member.joined_on == TODAY
    assert member.email == "karima.lopez@exemple.test"
    page = text(client.get(response["Location"]))
    assert "Karima L. a rejoint le living lab" in page
    assert "karima.lopez@exemple.test" in page


def test_no_member_joins_without_consent_and_the_input_is_kept(agent, lab):
    client = logged(agent)
    response = client.post(url("lab-members", slug=lab.slug), join_data(consent=""))
    assert response.status_code == 400
    page = body(response)
    assert "Le consentement de la personne est obligatoire pour l&#x27;inscrire" in page
    assert 'value="Karima L."' in page
    assert 'value="karima.lopez@exemple.test"' in page
    assert "<title>Erreur — Membres" in page
    assert not Member.objects.exists()

    response = client.post(url("lab-members", slug=lab.slug), join_data(consent_version=""))
    assert response.status_code == 400
    assert "Indiquez la version du texte de consentement signé." in body(response)
    assert not Member.objects.exists()


def test_a_member_leaves(agent, lab, nadia):
    client = logged(agent)
    response = client.post(url("member-leave", slug=lab.slug, pk=nadia.pk))
    assert response.status_code == 302
    nadia.refresh_from_db()
    assert nadia.left_on == TODAY
    assert "Le départ de Nadia B. est enregistré" in text(client.get(response["Location"]))


def test_anonymisation_through_the_page_keeps_the_statistics(agent, lab, nadia, workshop):
    """A member who left is anonymised: personal fields erased, every figure unchanged."""
    nadia.left_on = TODAY
    nadia.save()
    present = MemberFactory(lab=lab)
    InvitationFactory(workshop=workshop, member=nadia, attended=True)
    InvitationFactory(workshop=workshop, member=present, attended=False)
    labs = Lab.objects.filter(pk=lab.pk)
    before = selectors.evaluation(labs=labs)
    counts_before = selectors.lab_list().values("member_count", "workshop_count").get()
    client = logged(agent)

    confirm = client.get(url("member-anonymise", slug=lab.slug, pk=nadia.pk))
    assert confirm.status_code == 200
    assert "C'est définitif" in text(confirm)
    nadia.refresh_from_db()
    assert nadia.anonymised_at is None  # the confirmation page changes nothing

    response = client.post(url("member-anonymise", slug=lab.slug, pk=nadia.pk))
    assert response.status_code == 302
    nadia.refresh_from_db()
    assert (nadia.first_name, nadia.last_name, nadia.email, nadia.phone) == ("", "", "", "")
    assert nadia.pseudonym == f"Membre anonymisé n°{nadia.pk}"
    assert nadia.anonymised_at is not None
    assert (nadia.profile, nadia.joined_on, nadia.consent_version) == (
        Member.Profile.PARENT,
        TODAY - 365 * DAY,
        "v2024-03",
    )
    assert selectors.evaluation(labs=labs) == before
    assert selectors.lab_list().values("member_count", "workshop_count").get() == counts_before
    assert Invitation.objects.filter(member=nadia, attended=True).count() == 1
    page = text(client.get(response["Location"]))
    assert "Les données personnelles de Nadia B. sont effacées" in page
    for value in PERSONAL:
        assert value not in page
    assert "1 présent sur 2 invités" in text(client.get(url("workshop-detail", pk=workshop.pk)))


# Workshops ------------------------------------------------------------------------------------
def test_a_facilitator_programmes_a_workshop(agent, lab):
    solicitation = SolicitationFactory(labs=[lab], title="Relevé de dettes Aripa")
    SolicitationFactory(labs=[LabFactory()], title="Une demande à un autre lab")
    client = logged(agent)
    form = client.get(url("workshop-create", slug=lab.slug), {"sollicitation": solicitation.pk})
    assert "Une demande à un autre lab" not in body(form)
    assert f'<option value="{solicitation.pk}" selected>' in body(form)
    assert 'value="Centre social Chorier-Berriat"' in body(form)
    data = {
        "topic": "Lire son relevé de dettes",
        "day": "2031-03-10",
        "starts": "18:00",
        "ends": "20:00",
        "mode": Workshop.Mode.ONSITE,
        "place": "Centre social Chorier-Berriat, salle 2",
        "solicitation": solicitation.pk,
    }
    response = client.post(url("workshop-create", slug=lab.slug), data)
    assert response.status_code == 302
    workshop = Workshop.objects.get(topic="Lire son relevé de dettes")
    assert response["Location"] == url("workshop-detail", pk=workshop.pk) + "#invitations"
    assert workshop.starts_at == datetime.datetime(2031, 3, 10, 17, 0, tzinfo=datetime.UTC)
    assert workshop.solicitation == solicitation
    assert list(workshop.facilitators.all()) == [agent]


def test_a_workshop_must_end_after_it_starts(agent, lab):
    data = {
        "topic": "Atelier à l'envers",
        "day": "2031-03-10",
        "starts": "18:00",
        "ends": "17:00",
        "mode": Workshop.Mode.REMOTE,
        "place": "https://visio.exemple.test/atelier",
    }
    response = logged(agent).post(url("workshop-create", slug=lab.slug), data)
    assert response.status_code == 400
    assert "doit finir après avoir commencé" in body(response)
    assert 'value="Atelier à l&#x27;envers"' in body(response)
    assert not Workshop.objects.exists()


def test_invitations_leave_by_mail_with_the_ics(
    agent, lab, nadia, workshop, django_capture_on_commit_callbacks
):
    no_mail = MemberFactory(lab=lab, pseudonym="Jo sans adresse", email="")
    left = MemberFactory(lab=lab, pseudonym="Membre parti", left_on=TODAY)
    client = logged(agent)
    page = body(client.get(url("workshop-detail", pk=workshop.pk)))
    assert "Jo sans adresse" in page
    assert "Membre parti" not in page  # who left is not invited any more
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("workshop-invite", pk=workshop.pk), {"members": [nadia.pk, no_mail.pk, left.pk]}
        )
    assert response.status_code == 400  # the member who left is no choice
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("workshop-invite", pk=workshop.pk), {"members": [nadia.pk, no_mail.pk]}
        )
    assert response.status_code == 302
    assert set(workshop.invitations.values_list("member_id", flat=True)) == {nadia.pk, no_mail.pk}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nadia.benali@exemple.test"]
    (name, content, mimetype) = message.attachments[0]
    assert name == "atelier.ics"
    assert mimetype.startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in content
    assert "DTSTART:20310603T120000Z" in content  # 14:00 in Paris, summer time
    page = text(client.get(response["Location"]))
    assert "2 membres invités. 1 reçoit l'invitation par courriel" in page
    assert "Tous les membres actifs du living lab sont invités." in page
    # Nobody is invited twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("workshop-invite", pk=workshop.pk), {"members": [nadia.pk]})
    assert workshop.invitations.count() == 2
    assert len(mail.outbox) == 1


def test_attendance_maths_on_the_page(agent, lab, workshop):
    members = [MemberFactory(lab=lab, pseudonym=f"Membre {i}") for i in range(5)]
    for member in members[:4]:
        InvitationFactory(workshop=workshop, member=member)
    client = logged(agent)
    assert "4 invités ; les présences ne sont pas encore saisies." in text(
        client.get(url("workshop-detail", pk=workshop.pk))
    )
    # Two of the four invited came, and one member who was not invited.
    present = [members[0].pk, members[1].pk, members[4].pk]
    response = client.post(url("workshop-attendance", pk=workshop.pk), {"members": present})
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "Présences enregistrées : 3 présents sur 5 invités." in page
    assert "3 présents sur 5 invités (60 % de présence)" in page.replace("\xa0", " ")
    attended = dict(workshop.invitations.values_list("member__pseudonym", "attended"))
    assert attended == {
        "Membre 0": True,
        "Membre 1": True,
        "Membre 2": False,
        "Membre 3": False,
        "Membre 4": True,
    }
    members[4].refresh_from_db()
    assert members[4].last_seen_on == datetime.date(2031, 6, 3)
    # The boxes of those who came stay checked.
    page = body(client.get(url("workshop-detail", pk=workshop.pk)))
    assert re.search(rf'value="{members[4].pk}"[^>]*checked', page)


def test_minutes_are_written_by_the_facilitator_and_read_by_agents(agent, colleague, workshop):
    response = logged(agent).post(
        url("workshop-minutes", pk=workshop.pk), {"minutes": "Douze parents, trois agents."}
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.minutes == "Douze parents, trois agents."
    assert "Douze parents, trois agents." in text(
        logged(colleague).get(url("workshop-detail", pk=workshop.pk))
    )
    assert (
        logged(colleague)
        .post(url("workshop-minutes", pk=workshop.pk), {"minutes": "x"})
        .status_code
        == 403
    )


def test_the_ics_download(agent, colleague, partner, workshop):
    response = logged(colleague).get(url("workshop-ics", pk=workshop.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="atelier-{workshop.pk}.ics"' in response["Content-Disposition"]
    content = body(response)
    assert content.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART:20310603T120000Z\r\n" in content
    assert "DTEND:20310603T140000Z\r\n" in content
    assert "METHOD:PUBLISH" in content
    assert content.endswith("END:VCALENDAR\r\n")
    assert logged(partner).get(url("workshop-ics", pk=workshop.pk)).status_code == 404


# Contributions --------------------------------------------------------------------------------
def test_contributions_are_added_and_followed_up(agent, staff, colleague, workshop):
    client = logged(agent)
    response = client.post(
        url("contribution-create", pk=workshop.pk),
        {"kind": "irritant", "text": "Le relevé mélange les dettes.", "tags": " Aripa ,, relevé "},
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert (contribution.kind, contribution.tags) == ("irritant", "Aripa, relevé")
    assert contribution.status == Contribution.Status.SENT

    empty = client.post(url("contribution-create", pk=workshop.pk), {"kind": "idee", "text": ""})
    assert empty.status_code == 400
    assert "Écrivez la contribution." in body(empty)
    assert Contribution.objects.count() == 1

    status_url = url("contribution-status", pk=contribution.pk)
    assert client.post(status_url, {"status": "prise_en_compte"}).status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.TAKEN

    refused = client.post(status_url, {"status": "non_retenue", "reason": ""})
    assert refused.status_code == 400
    assert "Dites pourquoi la contribution n&#x27;est pas retenue" in body(refused)
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.TAKEN

    # The CafLab team records the follow-up too; an agent of the network may not.
    response = logged(staff).post(
        status_url, {"status": "non_retenue", "reason": "Le relevé est national."}
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert (contribution.status, contribution.status_reason) == (
        Contribution.Status.REJECTED,
        "Le relevé est national.",
    )
    assert "Non retenue" in text(client.get(url("workshop-detail", pk=workshop.pk)))
    assert logged(colleague).post(status_url, {"status": "mise_en_oeuvre"}).status_code == 403
    assert (
        logged(colleague)
        .post(url("contribution-create", pk=workshop.pk), {"kind": "idee", "text": "x"})
        .status_code
        == 403
    )


def test_the_lab_page_filters_contributions(colleague, lab, workshop):
    ContributionFactory(workshop=workshop, kind="irritant", text="Irritant un")
    ContributionFactory(workshop=workshop, kind="idee", text="Idée une")
    ContributionFactory(
        workshop=workshop,
        kind="idee",
        text="Idée refusée",
        status="non_retenue",
        status_reason="Non",
    )
    client = logged(colleague)
    page = text(client.get(lab.get_absolute_url(), {"kind": "idee"}))
    assert "Idée une" in page
    assert "Idée refusée" in page
    assert "Irritant un" not in page
    page = text(client.get(lab.get_absolute_url(), {"kind": "idee", "status": "transmise"}))
    assert "Idée une" in page
    assert "Idée refusée" not in page
    fragment = client.get(
        lab.get_absolute_url(),
        {"kind": "irritant"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="contributions",
    )
    assert "<h1" not in body(fragment)
    assert "Irritant un" in body(fragment)


def test_transmission_to_eurekaf_creates_an_idea_in_the_labs_caf_box(agent, colleague, workshop):
    contribution = ContributionFactory(
        workshop=workshop, kind="proposition", text="Un relevé de dettes en une page."
    )
    assert (
        logged(colleague).post(url("contribution-eurekaf", pk=contribution.pk)).status_code == 403
    )
    client = logged(agent)
    response = client.post(url("contribution-eurekaf", pk=contribution.pk))
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert idea.box.caf == caf("38")
    assert idea.author == agent
    assert idea.title == "Un relevé de dettes en une page."
    contribution.refresh_from_db()
    assert contribution.eurekaf_idea_id == idea.pk
    page = body(client.get(response["Location"].split("#")[0]))
    assert f'href="/idees/{idea.pk}/"' in page
    assert "Transmettre à Eurekaf" not in page
    # Twice is refused, in French.
    again = client.post(url("contribution-eurekaf", pk=contribution.pk), follow=True)
    assert "déjà été transmise à Eurekaf" in body(again)
    assert Idea.objects.count() == 1


# Solicitations --------------------------------------------------------------------------------
def test_the_solicitations_flow(agent, staff, lab, lab_b, other_facilitator):
    """Staff ask, the facilitators see it, hold a workshop on it, staff answer."""
    staff_client, client = logged(staff), logged(agent)
    response = staff_client.post(
        url("solicitation-create"),
        {
            "title": "Déclaration trimestrielle de ressources",
            "requester": "Direction du réseau (Cnaf)",
            "brief": "Où les allocataires se trompent-ils ?",
            "deliverable": "Des irritants et des propositions",
            "deadline": (TODAY + 60 * DAY).isoformat(),
            "labs": [lab.pk],
        },
    )
    assert response.status_code == 302
    solicitation = Solicitation.objects.get()
    assert response["Location"] == url("solicitation-detail", pk=solicitation.pk)
    assert list(solicitation.labs.all()) == [lab]

    # The facilitators of the solicited lab see it; those of another lab do not.
    assert "Déclaration trimestrielle de ressources" in text(client.get(url("solicitation-list")))
    other = logged(other_facilitator)
    assert "Déclaration trimestrielle" not in text(other.get(url("solicitation-list")))
    assert other.get(url("solicitation-detail", pk=solicitation.pk)).status_code == 404

    # A workshop on it, and a contribution.
    detail = body(client.get(url("solicitation-detail", pk=solicitation.pk)))
    create_url = url("workshop-create", slug=lab.slug)
    assert f"{create_url}?sollicitation={solicitation.pk}" in detail
    response = client.post(
        create_url,
        {
            "topic": "Remplir sa déclaration trimestrielle",
            "day": (TODAY + 10 * DAY).isoformat(),
            "starts": "09:30",
            "ends": "11:30",
            "mode": "presentiel",
            "place": "Caf de l'Isère, Grenoble",
            "solicitation": solicitation.pk,
        },
    )
    workshop = Workshop.objects.get(solicitation=solicitation)
    client.post(
        url("contribution-create", pk=workshop.pk),
        {"kind": "irritant", "text": "La case « revenus » est ambiguë.", "tags": ""},
    )

    # Staff see the workshop and the consolidated contributions, and answer.
    page = text(staff_client.get(url("solicitation-detail", pk=solicitation.pk)))
    assert "Remplir sa déclaration trimestrielle" in page
    assert "La case « revenus » est ambiguë." in page
    assert "1 contribution, par living lab puis par nature" in page
    refused = staff_client.post(url("solicitation-detail", pk=solicitation.pk), {"synthesis": ""})
    assert refused.status_code == 400
    assert "Rédigez la réponse consolidée" in body(refused)
    response = staff_client.post(
        url("solicitation-detail", pk=solicitation.pk),
        {"synthesis": "Les allocataires confondent revenus et ressources."},
    )
    assert response.status_code == 302
    solicitation.refresh_from_db()
    assert solicitation.status == Solicitation.Status.ANSWERED
    assert solicitation.answered_at is not None

    # The facilitators read the answer; they may not write it.
    page = text(client.get(url("solicitation-detail", pk=solicitation.pk)))
    assert "Les allocataires confondent revenus et ressources." in page
    assert "Répondue" in page
    assert (
        client.post(url("solicitation-detail", pk=solicitation.pk), {"synthesis": "x"}).status_code
        == 403
    )


# Calendars ------------------------------------------------------------------------------------
def test_the_calendars_group_the_workshops_to_come_by_month(agent, lab, lab_b, workshop):
    WorkshopFactory(lab=lab, topic="Atelier passé")  # a week ago
    WorkshopFactory(
        lab=lab_b,
        topic="Atelier de Brest",
        starts_at=datetime.datetime(2031, 7, 1, 10, 0, tzinfo=PARIS),
        ends_at=datetime.datetime(2031, 7, 1, 12, 0, tzinfo=PARIS),
    )
    client = logged(agent)
    page = text(client.get(url("lab-calendar", slug=lab.slug)))
    assert "Juin 2031" in page
    assert "Mardi 3 juin , de 14:00 à 16:00" in page  # the date is a <time>
    assert "Atelier passé" not in page
    assert "Atelier de Brest" not in page
    page = text(client.get(url("calendar")))
    assert page.index("Juin 2031") < page.index("Juillet 2031")
    assert "Atelier de Brest — Living lab accès aux droits de Brest" in page


# Evaluation -----------------------------------------------------------------------------------
@pytest.fixture
def evaluated_lab(lab):
    """Figures computed by hand.
    Members: 4 ever; 3 active (one left); joined 6+ months ago: 3, of whom 2 still there ->
    retention 66,7 %; 1 flagged inactive. Workshops: 2 in January 2030, 1 in March 2030.
    Attendance: 5 recorded invitations, 3 present -> 60 %; one invitation not recorded yet.
    Contributions: 2 irritants, 1 idée; 2 transmises, 1 non retenue. Solicitations: 2, 1
    answered."""
    old = TODAY - 400 * DAY
    ana = MemberFactory(lab=lab, joined_on=old)
    bob = MemberFactory(lab=lab, joined_on=old, left_on=TODAY - 10 * DAY)
    cam = MemberFactory(lab=lab, joined_on=TODAY - 30 * DAY)
    dan = MemberFactory(lab=lab, joined_on=TODAY - 1000 * DAY, flagged_inactive_on=TODAY)

    def at(month: int, day: int) -> Workshop:
        start = datetime.datetime(2030, month, day, 14, 0, tzinfo=PARIS)
        return WorkshopFactory(
            lab=lab, starts_at=start, ends_at=start + 2 * datetime.timedelta(hours=1)
        )

    first, second, third = at(1, 8), at(1, 22), at(3, 5)
    for workshop, member, attended in [
        (first, ana, True),
        (first, bob, True),
        (first, cam, False),
        (second, ana, True),
        (second, dan, False),
        (third, ana, None),
    ]:
        InvitationFactory(workshop=workshop, member=member, attended=attended)
    ContributionFactory(workshop=first, kind="irritant")
    ContributionFactory(workshop=first, kind="irritant", status="non_retenue", status_reason="Non")
    ContributionFactory(workshop=second, kind="idee")
    SolicitationFactory(labs=[lab])
    SolicitationFactory(labs=[lab], status=Solicitation.Status.ANSWERED)
    return lab


def test_the_lab_dashboard_shows_the_hand_computed_figures(agent, evaluated_lab):
    response = logged(agent).get(url("lab-dashboard", slug=evaluated_lab.slug))
    page = text(response)
    assert "Membres actifs 3 sur 4 inscrits depuis la création" in page
    assert "Rétention à six mois 66,7\xa0%" in page
    assert "Ateliers 3" in page
    assert "Taux de présence 60\xa0% 3 présences sur 5 invitations saisies" in page
    assert "Contributions 3" in page
    assert "Sollicitations répondues 1 sur 2 sollicitations reçues" in page
    assert "Membres signalés inactifs 1" in page
    # Three SVG charts, each with its data table: February counts 0 workshops.
    assert body(response).count('role="img"') == 3
    assert "févr. 2030 0" in page
    assert "janv. 2030 2" in page
    assert "mars 2030 1" in page
    assert "Irritant 2" in page
    assert "Non retenue 1" in page


def test_the_collective_dashboard_adds_up_every_lab(staff, evaluated_lab, lab_b):
    page = text(logged(staff).get(url("collective-dashboard")))
    assert "Membres actifs 4" in page  # 3 in Grenoble, 1 in Brest
    assert "sur 5 inscrits depuis la création" in page
    assert "Ateliers 3" in page
    assert "Contributions 3" in page
    assert "Sollicitations répondues 1 sur 2 sollicitations reçues" in page
    assert "Living lab accès aux droits de Brest" in page


# The home panel -------------------------------------------------------------------------------
def test_the_home_page_shows_my_labs_to_facilitators_only(agent, colleague, lab, workshop):
    page = text(logged(agent).get(reverse("home")))
    assert "Mes living labs" in page
    assert "Comprendre le relevé de dettes Aripa" in page
    assert "Mes living labs" not in text(logged(colleague).get(reverse("home")))


# Query counts ---------------------------------------------------------------------------------
def grow(lab: Lab, n: int) -> Workshop:
    """n members, n workshops to come, each with its invitations and contributions."""
    members = [MemberFactory(lab=lab) for _ in range(n)]
    hub = None
    for i in range(n):
        start = timezone.now() + (i + 1) * DAY
        workshop = WorkshopFactory(lab=lab, starts_at=start, ends_at=start + DAY / 12)
        hub = hub or workshop
        ContributionFactory(workshop=workshop)
    Invitation.objects.bulk_create(
        Invitation(workshop=hub, member=member, attended=i % 2 == 0)
        for i, member in enumerate(members)
    )
    ContributionFactory.create_batch(n, workshop=hub)
    return hub


@pytest.mark.parametrize("n", [1, 25])
def test_lab_list_queries_do_not_grow(client, n, django_assert_num_queries):
    for i in range(n):
        grow(LabFactory(caf=caf(["38", "29", "26", "87"][i % 4])), 2)
    # anonymous: no session, no user; the labs (Caf, région, member and workshop counts)
    with django_assert_num_queries(1):
        assert client.get(url("lab-list")).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_lab_page_queries_do_not_grow(lab, colleague, n, django_assert_num_queries):
    grow(lab, n)
    client = logged(colleague)
    # the lab (Caf, région, counts), its facilitators, session, user, the labs the user
    # animates (rights), workshops count, contributions count, page of workshops (solicitation,
    # attendance and contribution counts), page of contributions (workshop, lab)
    with django_assert_num_queries(9):
        assert client.get(lab.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_members_page_queries_do_not_grow(agent, lab, n, django_assert_num_queries):
    grow(lab, n)
    client = logged(agent)
    # session, user, lab (Caf), its facilitators, the labs the user animates, members count,
    # page of members (invitation and attendance counts)
    with django_assert_num_queries(7):
        assert client.get(url("lab-members", slug=lab.slug)).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_workshop_page_queries_do_not_grow(agent, lab, n, django_assert_num_queries):
    hub = grow(lab, n)
    client = logged(agent)
    # session, user, workshop (lab, Caf, solicitation), its facilitators, invitations (member),
    # contributions, the labs the user animates, the lab's members for the checkboxes, the
    # consultations and the projects a contribution can be attached to
    with django_assert_num_queries(10):
        assert client.get(url("workshop-detail", pk=hub.pk)).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_calendar_queries_do_not_grow(agent, lab, n, django_assert_num_queries):
    grow(lab, n)
    grow(LabFactory(caf=caf("29")), n)
    client = logged(agent)
    # session, user, the labs the user animates (view_collective), workshops to come count,
    # page of workshops (lab, Caf)
    with django_assert_num_queries(5):
        assert client.get(url("calendar")).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_solicitation_page_queries_do_not_grow(staff, lab, n, django_assert_num_queries):
    solicitation = SolicitationFactory(labs=[lab, *(LabFactory() for _ in range(n))])
    grow(lab, n)
    Workshop.objects.filter(lab=lab).update(solicitation=solicitation)
    client = logged(staff)
    # session, user, solicitation (author), its labs (Caf), the labs the user animates, the
    # workshops (lab, attendance and contribution counts), the contributions (workshop, lab)
    with django_assert_num_queries(7):
        assert client.get(url("solicitation-detail", pk=solicitation.pk)).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_lab_dashboard_queries_do_not_grow(agent, lab, n, django_assert_num_queries):
    grow(lab, n)
    client = logged(agent)
    # session, user, lab (Caf), its facilitators, the labs the user animates, then the
    # evaluation's six: members' figures, workshops per month, attendance, contributions by
    # kind, by status, solicitations
    with django_assert_num_queries(11):
        assert client.get(url("lab-dashboard", slug=lab.slug)).status_code == 200
