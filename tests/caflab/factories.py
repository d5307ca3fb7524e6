import factory
from factory.django import DjangoModelFactory

from caflab.models import Caf, Organisation, Region, User
from caflab.reference import load_regions_and_cafs
from caflab.roles import staff_group


def _ensure_reference_data() -> None:
    # Loaded by migration, but a transactional test (browser tests) flushes every table.
    if not Caf.objects.exists():
        load_regions_and_cafs(Region, Caf)


def caf(number: str) -> Caf:
    """The Cafs are reference data: fetch them, never invent one."""
    _ensure_reference_data()
    return Caf.objects.select_related("region").get(number=number)


def region(code: str) -> Region:
    _ensure_reference_data()
    return Region.objects.get(code=code)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Commune de Saint-Martin n°{n}")
    kind = Organisation.Kind.COMMUNE
    caf = factory.LazyFunction(lambda: caf("38"))
    city = "Grenoble"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@caf.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password("motdepasse-solide")


class AgentFactory(UserFactory):
    role = User.Role.AGENT
    caf = factory.LazyFunction(lambda: caf("38"))
    job_title = "Conseillère services aux familles"


class PartnerFactory(UserFactory):
    role = User.Role.PARTNER
    organisation = factory.SubFactory(OrganisationFactory)


class ReferentFactory(UserFactory):
    role = User.Role.REFERENT
    caf = factory.LazyFunction(lambda: caf("35"))

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create:
            self.regions.set(extracted or [region("53")])


class CafLabStaffFactory(UserFactory):
    role = User.Role.CAFLAB
    is_staff = True

    @factory.post_generation
    def staff_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(staff_group())
