"""Lists, search and statistics, against figures computed by hand."""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from eurekaf import selectors, services
from eurekaf.models import Idea
from tests.caflab.factories import AgentFactory, caf
from tests.eurekaf.factories import CampaignFactory, IdeaFactory, box

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def ideas(db):
    """Six ideas in the Caf 38 box, by four authors:
    - Jan: A (implemented, answered after 2 days), B (rejected, after 4 days)
    - Feb: C (studying, after 6 days), D (submitted), E (submitted, same author as D)
    - Mar: F (merged into A: left out of every figure)
    Supports: A by 3 agents, C by 1 of them (3 distinct supporters)."""
    authors = [AgentFactory(caf=caf("38")) for _ in range(4)]
    campaign = CampaignFactory(
        title="Accueil", starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31)
    )

    def make(title, created, author, status, answered_days=None, **extra):
        idea = IdeaFactory(title=title, author=author, status=status, created_at=created, **extra)
        if answered_days is not None:
            Idea.objects.filter(pk=idea.pk).update(
                first_answer_at=created + timedelta(days=answered_days)
            )
        return idea

    a = make(
        "Rappel téléphonique à heure fixe",
        at(2025, 1, 10),
        authors[0],
        "mise_en_oeuvre",
        2,
        campaign=campaign,
    )
    make(
        "Horaires d'accueil élargis le samedi",
        at(2025, 1, 20),
        authors[1],
        "non_retenue",
        4,
        campaign=campaign,
    )
    c = make("Un guide des aides aux aidants", at(2025, 2, 3), authors[2], "en_etude", 6)
    make("Formulaire de contact simplifié", at(2025, 2, 14), authors[3], "deposee")
    make("Badge unique pour les sites de la Caf", at(2025, 2, 20), authors[3], "deposee")
    make("Rappel à heure fixe (doublon)", at(2025, 3, 1), authors[1], "fusionnee", merged_into=a)
    supporters = [AgentFactory(caf=caf("38")) for _ in range(3)]
    for supporter in supporters:
        services.idea_support(idea=a, agent=supporter)
    services.idea_support(idea=c, agent=supporters[0])
    return {"a": a, "c": c}


def test_statistics_by_hand(ideas):
    stats = selectors.statistics_for(boxes=selectors.IdeaBox.objects.filter(pk=box("38").pk))
    assert stats.total == 5
    assert stats.authors == 4
    assert stats.supporters == 3
    assert stats.answered == 3  # left « déposée »: implemented, rejected, en étude
    assert stats.answered_share == 60.0
    assert stats.implemented == 1
    assert stats.implementation_rate == 20.0
    assert stats.median_days_to_answer == 4.0  # 2, 4, 6
    assert [(month.month, n) for month, n in stats.per_month] == [(1, 2), (2, 3)]
    by_status = {status: n for status, _label, n in stats.by_status}
    assert by_status == {
        "deposee": 2,
        "en_etude": 1,
        "retenue": 0,
        "en_experimentation": 0,
        "mise_en_oeuvre": 1,
        "non_retenue": 1,
    }
    assert stats.by_caf == [("Caf de l'Isère", 5)]
    assert stats.by_campaign == [("Accueil", 2)]


def test_statistics_for_a_period(ideas):
    stats = selectors.statistics_for(
        boxes=selectors.IdeaBox.objects.all(),
        since=datetime.date(2025, 2, 1),
        until=datetime.date(2025, 2, 28),
    )
    assert stats.total == 3


def test_statistics_of_an_empty_box():
    stats = selectors.statistics_for(boxes=selectors.IdeaBox.objects.filter(pk=box("29").pk))
    assert stats.total == 0
    assert stats.answered_share is None
    assert stats.median_days_to_answer is None


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("soutenues", "Rappel téléphonique à heure fixe"),
        ("recentes", "Badge unique pour les sites de la Caf"),
        ("en-attente", "Un guide des aides aux aidants"),
    ],
)
def test_sorts(ideas, agent, sort, first):
    assert selectors.idea_list(user=agent, filters={"sort": sort})[0].title == first


def test_waiting_longest_keeps_only_unanswered(ideas, agent):
    titles = [i.title for i in selectors.idea_list(user=agent, filters={"sort": "en-attente"})]
    assert titles == [
        "Un guide des aides aux aidants",
        "Formulaire de contact simplifié",
        "Badge unique pour les sites de la Caf",
    ]


def test_merged_ideas_are_left_out_of_lists_unless_asked(ideas, agent):
    assert selectors.idea_list(user=agent).count() == 5
    assert selectors.idea_list(user=agent, filters={"status": ["fusionnee"]}).count() == 1


def test_filters(ideas, agent):
    assert (
        selectors.idea_list(
            user=agent, filters={"campaign": selectors.Campaign.objects.get().slug}
        ).count()
        == 2
    )
    assert selectors.idea_list(user=agent, filters={"status": ["deposee", "en_etude"]}).count() == 3
    assert selectors.idea_list(user=agent, filters={"caf": "38"}).count() == 5
    assert (
        selectors.idea_list(user=agent, filters={"since": datetime.date(2025, 2, 10)}).count() == 2
    )


def test_supported_flag_is_annotated(ideas):
    supporter = ideas["a"].supports.first().agent
    flags = {i.title: i.supported for i in selectors.idea_list(user=supporter)}
    assert flags["Rappel téléphonique à heure fixe"] is True
    assert flags["Formulaire de contact simplifié"] is False


def test_search_finds_words_in_title_and_description(ideas, agent, is_postgres):
    found = [
        i.title
        for i in selectors.idea_list(
            user=agent, filters={"q": "aidant" if is_postgres else "aidants"}
        )
    ]
    assert found == ["Un guide des aides aux aidants"]


def test_similar_ideas_while_typing(ideas, agent):
    similar = [
        i.title
        for i in selectors.similar_ideas(user=agent, title="Rappel des allocataires à heure fixe")
    ]
    assert "Rappel téléphonique à heure fixe" in similar
    assert selectors.similar_ideas(user=agent, title="le la") == []


@pytest.mark.parametrize("n", [1, 25])
def test_idea_list_queries_do_not_grow(agent, n, django_assert_num_queries):
    for idea in IdeaFactory.create_batch(n):
        services.idea_support(idea=idea, agent=AgentFactory(caf=caf("38")))
    # managed boxes of the user, ideas (box, author, Caf, campaign, supported), themes
    with django_assert_num_queries(3):
        list(selectors.idea_list(user=agent)[:20])
