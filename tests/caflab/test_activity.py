import datetime

import pytest

from caflab import activity
from caflab.models import ActivityEvent
from tests.caflab.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_record_diff_and_feed(staff):
    organisation = OrganisationFactory(name="Ville de Voiron")
    before = activity.snapshot(organisation, ["name", "city"])
    organisation.name = "Commune de Voiron"
    changes = activity.diff(before, organisation, ["name", "city"])
    assert changes == {"name": ["Ville de Voiron", "Commune de Voiron"]}
    event = activity.record(
        actor=staff, verb="organisation.updated", obj=organisation, scope="caf:38", changes=changes
    )
    assert list(activity.feed(scope="caf:38")) == [event]
    assert list(activity.history(organisation)) == [event]
    assert str(event).endswith("organisation.updated Commune de Voiron")


def test_values_are_stored_as_json():
    assert activity._plain(datetime.date(2025, 3, 1)) == "2025-03-01"


@pytest.mark.parametrize("n", [1, 20])
def test_feed_queries_are_constant(staff, n, django_assert_num_queries):
    organisation = OrganisationFactory()
    for i in range(n):
        activity.record(
            actor=staff,
            verb="organisation.updated",
            obj=organisation,
            scope="s",
            changes={"i": [i, i + 1]},
        )
    with django_assert_num_queries(1):
        events = list(activity.feed(scope="s"))
        assert all(e.actor and e.content_type for e in events)
    assert ActivityEvent.objects.filter(scope="s").count() == n
