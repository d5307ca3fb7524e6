"""Versioned caching (caflab.fragments) and the home page's cached panels."""

import pytest
from django.core.cache import cache
from django.db import transaction

from caflab import fragments
from tests.caflab.factories import AgentFactory, caf
from tests.consultations.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def _counting(values):
    calls = []

    def compute():
        calls.append(1)
        return values[len(calls) - 1]

    return compute, calls


def test_a_value_is_computed_once_per_version_and_again_after_a_bump():
    compute, calls = _counting(["avant", "après"])
    first = fragments.cached("essai", fragments.version_key("eurekaf"), compute)
    again = fragments.cached("essai", fragments.version_key("eurekaf"), compute)
    assert (first, again, len(calls)) == ("avant", "avant", 1)

    fragments.bump("eurekaf")
    assert fragments.cached("essai", fragments.version_key("eurekaf"), compute) == "après"
    assert len(calls) == 2


def test_bumping_an_object_scope_bumps_its_app_but_not_its_siblings():
    app, plan, other = fragments.versions("cooperation", "cooperation:plan:1", "cooperation:plan:2")
    fragments.bump("cooperation:plan:1")
    app_after, plan_after, other_after = fragments.versions(
        "cooperation", "cooperation:plan:1", "cooperation:plan:2"
    )
    assert app_after != app
    assert plan_after != plan
    assert other_after == other


def test_vary_values_keep_apart_what_differs_between_viewers():
    version = fragments.version_key("eurekaf")
    fragments.cached("liste", version, lambda: "Caf de l'Isère", vary=("38",))
    assert fragments.cached("liste", version, lambda: "Caf du Finistère", vary=("29",)) == (
        "Caf du Finistère"
    )


def test_a_lost_version_never_meets_a_value_cached_under_an_earlier_one():
    before = fragments.version_key("projects")
    fragments.cached("projets", before, lambda: "ancien")
    cache.delete(fragments.PREFIX + "projects")  # evicted, or Redis restarted empty
    assert fragments.version_key("projects") != before


def test_the_bump_is_made_again_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        fragments.bump("livinglabs")
        during = fragments.version_key("livinglabs")
    for callback in callbacks:
        callback()
    assert fragments.version_key("livinglabs") != during


def test_any_save_or_delete_of_a_portal_model_bumps_its_app():
    before = fragments.version_key("consultations")
    consultation = ConsultationFactory()
    after_save = fragments.version_key("consultations")
    consultation.delete()
    assert len({before, after_save, fragments.version_key("consultations")}) == 3


def test_a_login_does_not_throw_the_cached_pages_away(client, agent):
    from django.contrib.auth.models import update_last_login

    before = fragments.version_key("caflab")
    update_last_login(None, agent)  # what every login does
    assert fragments.version_key("caflab") == before
    agent.first_name = "Mireille"
    agent.save()
    assert fragments.version_key("caflab") != before


def test_the_home_page_shows_a_new_consultation_although_its_panels_are_cached(client, agent):
    client.force_login(agent)
    ConsultationFactory(title="Votre avis sur l'accueil téléphonique")
    assert "accueil téléphonique" in client.get("/").content.decode()

    ConsultationFactory(title="Les rendez-vous en ligne")
    assert "Les rendez-vous en ligne" in client.get("/").content.decode()


def test_a_cached_panel_is_never_shown_to_another_caf_agent(client, agent, other_caf_agent):
    from consultations.models import Consultation

    internal = ConsultationFactory(
        title="Le télétravail à la Caf de l'Isère", audience=Consultation.Audience.PRIVATE
    )
    internal.restricted_cafs.set([agent.caf])
    client.force_login(agent)
    assert "télétravail à la Caf de l" in client.get("/").content.decode()

    client.force_login(other_caf_agent)
    assert "télétravail à la Caf de l" not in client.get("/").content.decode()


def test_the_home_page_costs_three_queries_once_its_panels_are_cached(
    client, agent, django_assert_num_queries
):
    AgentFactory.create_batch(5, caf=caf("38"))
    ConsultationFactory()
    client.force_login(agent)
    client.get("/")
    # session, user, the user's Caf (greeting): the panels come from the cache
    with django_assert_num_queries(3):
        assert client.get("/").status_code == 200
