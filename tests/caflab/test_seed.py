import datetime

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command

from caflab import demo
from caflab.models import Organisation, User
from caflab.selectors import innovator_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", "--app", "caflab", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_accounts_of_the_contract_exist_and_log_in(seeded, client):
    expected = {
        demo.STAFF_EMAIL: ("caflab", None),
        demo.AGENT_EMAIL: ("agent", "38"),
        demo.REFERENT_EMAIL: ("referent", "35"),
        demo.PARTNER_EMAIL: ("partenaire", None),
    }
    for email, (role, caf_number) in expected.items():
        user = User.objects.get(email=email)
        assert user.role == role
        assert (user.caf.number if user.caf else None) == caf_number
        assert user.check_password(settings.CAFLAB_DEMO_PASSWORD)
        assert EmailAddress.objects.get(email=email).verified
        response = client.post(
            "/comptes/login/", {"login": email, "password": settings.CAFLAB_DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        client.logout()


def test_demo_partner_belongs_to_grenoble_and_referent_to_bretagne(seeded):
    partner = User.objects.get(email=demo.PARTNER_EMAIL)
    assert partner.organisation.name == "Ville de Grenoble"
    assert partner.organisation.caf.number == "38"
    referent = User.objects.get(email=demo.REFERENT_EMAIL)
    assert [r.name for r in referent.regions.all()] == ["Bretagne"]


def test_the_network_of_16_referents_and_the_national_team(seeded):
    assert User.objects.filter(role="referent").count() == 16
    staff = User.objects.filter(role="caflab")
    assert staff.count() == len(demo.NATIONAL_TEAM)
    assert all(user.is_staff for user in staff)
    assert all(user.groups.filter(name="Équipe CafLab").exists() for user in staff)


def test_302_innovators_at_the_end_of_2025(seeded):
    assert innovator_count(at_date=datetime.date(2025, 12, 31)) == 302
    assert innovator_count(at_date=datetime.date(2024, 12, 31)) < 302


def test_agents_in_every_caf(seeded):
    assert User.objects.filter(role="agent").values("caf").distinct().count() == 101


def test_seed_demo_is_idempotent_and_deterministic(seeded):
    def snapshot():
        return (
            list(User.objects.order_by("email").values_list("email", "role", "caf__number")),
            list(Organisation.objects.order_by("name").values_list("name", "kind")),
            innovator_count(at_date=datetime.date(2025, 12, 31)),
        )

    first = snapshot()
    call_command("seed_demo", "--app", "caflab", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == first
