"""The report's own demo data: what the team wrote for 2025 and the LinkedIn figures."""

import pytest

from caflab.seeding import SeedContext
from reporting import demo, document
from reporting.models import Edito, ExternalIndicator, Highlight, TeamMember

pytestmark = pytest.mark.django_db


def test_the_2025_texts_and_external_figures_are_seeded_once():
    ctx = SeedContext(log=lambda message: None)
    demo.seed(ctx)
    demo.seed(ctx)

    assert Edito.objects.get(year=2025).author == "Isabelle Doal"
    assert Highlight.objects.filter(year=2025).count() == 12
    assert sorted(Highlight.objects.values_list("month", flat=True)) == list(range(1, 13))
    assert TeamMember.objects.filter(year=2025).count() == 10
    assert ExternalIndicator.objects.get(year=2025, key="linkedin_followers").value == 3560
    figures = {f.key: f for f in document.gather(2025).key_figures}
    assert figures["linkedin_followers"].value == 3560
    assert figures["linkedin_followers"].detail == "+680 abonnés dans l'année"
