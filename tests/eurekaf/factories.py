import factory
from factory.django import DjangoModelFactory

from eurekaf import services
from eurekaf.models import Campaign, Follow, Idea, IdeaStatusChange, Theme
from tests.caflab.factories import AgentFactory, caf


def box(number: str | None = "38"):
    """The box of a Caf (by number), or the national box (None)."""
    return services.box_for_caf(caf=caf(number) if number else None)


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Relation de service {n}")
    slug = factory.Sequence(lambda n: f"relation-de-service-{n}")


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    box = factory.LazyFunction(lambda: box("38"))
    title = factory.Sequence(lambda n: f"Simplifier l'accueil des allocataires ({n})")
    slug = factory.Sequence(lambda n: f"simplifier-accueil-{n}")
    brief = "Vos idées pour un accueil plus simple et plus humain."
    starts_on = factory.LazyFunction(lambda: __import__("datetime").date.today().replace(day=1))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on.replace(year=o.starts_on.year + 1))


class IdeaFactory(DjangoModelFactory):
    """An idea deposited in a Caf's box by one of its agents (timeline row included)."""

    class Meta:
        model = Idea
        skip_postgeneration_save = True

    box = factory.LazyFunction(lambda: box("38"))
    author = factory.LazyAttribute(lambda o: AgentFactory(caf=o.box.caf or caf("75")))
    origin_caf = factory.LazyAttribute(lambda o: o.author.caf if o.author else None)
    title = factory.Sequence(lambda n: f"Un rendez-vous téléphonique rappelé à l'heure dite n°{n}")
    description = "Les allocataires attendent parfois longtemps : proposer un rappel à heure fixe."

    @factory.post_generation
    def timeline(self, create, extracted, **kwargs):
        """As services.idea_create does: the first timeline row, and the author follows."""
        if create:
            IdeaStatusChange.objects.create(
                idea=self, to_status=Idea.Status.SUBMITTED, by=self.author
            )
            if self.author is not None:
                Follow.objects.create(idea=self, user=self.author)
                Idea.objects.filter(pk=self.pk).update(follower_count=1)
                self.follower_count = 1
