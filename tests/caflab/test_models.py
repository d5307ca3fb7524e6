import pytest
from django.db import IntegrityError, transaction

from caflab.models import Caf, Organisation, Region, User
from tests.caflab.factories import OrganisationFactory, caf

pytestmark = pytest.mark.django_db


def test_migration_loads_every_caf_of_france():
    assert Caf.objects.count() == 101
    assert Region.objects.count() == 18
    assert Region.objects.filter(overseas=True).count() == 5
    isere = Caf.objects.get(number="38")
    assert (isere.name, isere.city, isere.region.name) == (
        "Caf de l'Isère",
        "Grenoble",
        "Auvergne-Rhône-Alpes",
    )
    assert set(Caf.objects.filter(region__code="94").values_list("number", flat=True)) == {
        "2A",
        "2B",
    }
    assert Caf.objects.get(number="974").region.overseas


def test_agent_must_belong_to_a_caf():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("sans.caf@caf.test", "x", role=User.Role.AGENT)


def test_partner_must_belong_to_an_organisation():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("sans.org@caf.test", "x", role=User.Role.PARTNER)


def test_innovator_needs_a_joining_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(
            "inno@caf.test", "x", role=User.Role.AGENT, caf=caf("38"), is_innovator=True
        )


def test_email_is_the_login_and_is_normalised():
    user = User.objects.create_user("Jeanne.Dupont@CAF.test", "x", caf=caf("01"))
    assert user.email == "jeanne.dupont@caf.test"
    assert str(user) == "jeanne.dupont@caf.test"
    user.first_name, user.last_name = "Jeanne", "Dupont"
    assert str(user) == "Jeanne Dupont"


def test_superuser_is_caflab_staff():
    admin = User.objects.create_superuser("admin@caf.test", "x")
    assert admin.is_caflab_staff
    assert admin.is_staff


def test_organisation_name_is_unique_per_caf_whatever_the_case():
    OrganisationFactory(name="Ville de Voiron", caf=caf("38"))
    OrganisationFactory(name="Ville de Voiron", caf=caf("73"))
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(name="VILLE DE VOIRON", caf=caf("38"))


def test_siren_has_nine_digits_and_is_unique():
    OrganisationFactory(siren="213801855")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(siren="213801855")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(siren="12AB")
    # Many organisations without SIREN are fine.
    OrganisationFactory(siren="")
    OrganisationFactory(siren="")
    assert Organisation.objects.filter(siren="").count() == 2
