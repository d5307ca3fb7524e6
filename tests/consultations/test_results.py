"""Results against figures computed by hand."""

from decimal import Decimal

import pytest

from consultations import selectors, services
from consultations.models import Response
from consultations.selectors import _suppress_row
from tests.caflab.factories import CafLabStaffFactory
from tests.consultations.conftest import valid_answers

pytestmark = pytest.mark.django_db


def load(consultation):
    loaded = selectors.consultation_get(user=CafLabStaffFactory(), slug=consultation.slug)
    loaded.q = consultation.q
    return loaded


def answer(c, n, **overrides):
    services.response_submit(
        consultation=c, data=valid_answers(c, **overrides), browser_key=f"b{n}"
    )


@pytest.fixture
def answered(consultation):
    """Ten responses:
    - profile: 6 Parent, 3 Aidant familial, 1 Bénévole
    - satisfaction: 1,2,3,3,4,4,4,5,5,5 → mean 3,6, median 4
    - known: Non ×7, « Oui, de nom » ×3
    - department: 38 ×8, 2A ×2
    """
    c = load(consultation)
    q = c.q
    profile = {
        label: str(q["profile"].choices.get(label=label).pk)
        for label in ("Parent", "Aidant familial", "Bénévole")
    }
    profiles = ["Parent"] * 6 + ["Aidant familial"] * 3 + ["Bénévole"]
    scores = [1, 2, 3, 3, 4, 4, 4, 5, 5, 5]
    known_name = str(q["known"].choices.get(label="Oui, de nom").pk)
    for n in range(10):
        overrides = {
            f"q{q['profile'].pk}": profile[profiles[n]],
            f"q{q['satisfaction'].pk}": str(scores[n]),
            f"q{q['department'].pk}": "2A" if n >= 8 else "38",
        }
        if n in (0, 1, 2):
            overrides[f"q{q['known'].pk}"] = known_name
        answer(c, n, **overrides)
    return load(consultation)


def result_for(results, question):
    return next(r for r in results.questions if r.question.pk == question.pk)


def test_counts_and_percentages(answered):
    q = answered.q
    results = selectors.consultation_results(consultation=answered, public=False)
    assert results.respondents == 10
    known = result_for(results, q["known"])
    assert known.answered == 10
    assert [(row.label, row.count, row.percent) for row in known.rows] == [
        ("Oui, je l'ai demandée", 0, 0.0),
        ("Oui, de nom", 3, 30.0),
        ("Non", 7, 70.0),
    ]


def test_scale_mean_median_and_distribution(answered):
    q = answered.q
    result = result_for(
        selectors.consultation_results(consultation=answered, public=False), q["satisfaction"]
    )
    assert result.mean == Decimal("3.60")
    assert result.median == Decimal(4)
    assert [(row.label, row.count) for row in result.rows] == [
        ("1", 1),
        ("2", 1),
        ("3", 2),
        ("4", 3),
        ("5", 3),
    ]


def test_department_counts_are_suppressed_under_the_threshold(answered):
    q = answered.q
    result = result_for(
        selectors.consultation_results(consultation=answered, public=True), q["department"]
    )
    assert [(row.label, row.count) for row in result.rows] == [
        ("38 – Isère", 8),
        ("2A – Corse-du-Sud", None),
    ]


def test_crosstab_by_profile_with_small_count_suppression(answered):
    q = answered.q
    results = selectors.consultation_results(
        consultation=answered, public=False, breakdown_id=q["profile"].pk
    )
    known = result_for(results, q["known"])
    columns = known.crosstab.columns
    assert columns[:3] == ["Parent", "Aidant familial", "Bénévole"]
    rows = {label: (cells[:3], total) for label, cells, total in known.crosstab.rows}
    # « Non »: responses 3..9 → Parent 3 (n=3,4,5), Aidant 3 (6,7,8), Bénévole 1 (9): all under 5.
    assert rows["Non"] == ([None, None, None], 7)
    # « Oui, de nom »: responses 0,1,2, all Parents → 3 (< 5) → hidden, and its total too.
    assert rows["Oui, de nom"] == ([None, 0, 0], None)


def test_crosstab_shows_counts_from_the_threshold(answered, settings):
    type(answered).objects.filter(pk=answered.pk).update(min_cell_size=3)
    c = load(answered)
    results = selectors.consultation_results(
        consultation=c, public=False, breakdown_id=c.q["profile"].pk
    )
    rows = {
        label: cells[:3] for label, cells, _total in result_for(results, c.q["known"]).crosstab.rows
    }
    # Bénévole (1) is hidden; so is the smallest other cell, or the total would give it away.
    assert rows["Non"] == [None, 3, None]
    assert rows["Oui, de nom"] == [3, 0, 0]


def test_crosstab_by_department(answered):
    q = answered.q
    results = selectors.consultation_results(
        consultation=answered, public=False, breakdown_id=q["department"].pk
    )
    known = result_for(results, q["known"])
    assert known.crosstab.columns == ["2A – Corse-du-Sud", "38 – Isère"]
    rows = {label: (cells, total) for label, cells, total in known.crosstab.rows}
    # 2 in Corse-du-Sud (hidden), so the 5 of Isère is hidden too: 7 - 5 would give it away.
    assert rows["Non"] == ([None, None], 7)


def test_secondary_suppression_protects_a_lone_hidden_cell():
    assert _suppress_row([12, 3, 40], 5) == [None, None, 40]
    assert _suppress_row([12, 3, 2, 40], 5) == [12, None, None, 40]
    assert _suppress_row([12, 0, 40], 5) == [12, 0, 40]


def test_rejected_responses_are_not_counted(answered):
    staff = CafLabStaffFactory()
    for response in Response.objects.all()[:2]:
        services.response_review(response=response, review=Response.Review.REJECTED, by=staff)
    assert selectors.consultation_results(consultation=answered, public=False).respondents == 8


def test_confidential_and_unpublished_questions(answered):
    q = answered.q
    # As the admin writes them (the questionnaire is cached until such a write).
    q["known"].is_confidential = True
    q["known"].save()
    q["satisfaction"].publish_results = False
    q["satisfaction"].save()
    c = load(answered)
    public = selectors.consultation_results(consultation=c, public=True)
    staff = selectors.consultation_results(consultation=c, public=False)
    assert result_for(public, q["known"]).hidden
    assert result_for(public, q["known"]).rows == []
    assert result_for(public, q["known"]).answered == 10  # only the count
    assert result_for(staff, q["known"]).hidden  # confidential for everybody
    assert result_for(public, q["satisfaction"]).hidden
    assert not result_for(staff, q["satisfaction"]).hidden


def test_ranking_orders_by_mean_rank(consultation):
    c = load(consultation)
    q = c.q
    ids = {choice.label: choice.pk for choice in q["ranking"].choices.all()}
    ranks = [
        ("Informer", "Simplifier", "Accompagner"),
        ("Informer", "Accompagner", "Simplifier"),
        ("Simplifier", "Informer", "Accompagner"),
    ]
    for n, order in enumerate(ranks):
        answer(
            c,
            n,
            **{
                f"q{q['ranking'].pk}_c{ids[label]}": str(rank)
                for rank, label in enumerate(order, 1)
            },
        )
    result = result_for(
        selectors.consultation_results(consultation=load(consultation), public=False), q["ranking"]
    )
    # mean ranks: Informer (1+1+2)/3=1,3 ; Simplifier (2+3+1)/3=2 ; Accompagner (3+2+3)/3=2,7
    # ranked first: Informer 2 of 3, Simplifier 1 of 3, Accompagner never
    assert [(row.label, row.extra, row.percent) for row in result.rows] == [
        ("Informer", "1,3", 66.7),
        ("Simplifier", "2,0", 33.3),
        ("Accompagner", "2,7", 0.0),
    ]


def test_timeline_counts_per_week(answered):
    results = selectors.consultation_results(consultation=answered, public=False)
    assert sum(n for _week, n in results.timeline) == 10


@pytest.mark.parametrize("n", [3, 30])
def test_results_queries_do_not_grow_with_responses(
    consultation, n, django_assert_num_queries, django_assert_max_num_queries
):
    c = load(consultation)
    for i in range(n):
        answer(c, i)
    c = load(consultation)
    breakdown = c.q["profile"].pk
    # respondents, answered per question, choice counts, numbers, départements, (Caf names,
    # unless cached), timeline, crosstab
    with django_assert_max_num_queries(8):
        selectors.consultation_results(consultation=c, public=False, breakdown_id=breakdown)
    # Then from the cache.
    with django_assert_num_queries(0):
        selectors.consultation_results(consultation=c, public=False, breakdown_id=breakdown)


def test_free_text_search_uses_french_stemming_on_postgres(consultation, is_postgres):
    c = load(consultation)
    q = c.q
    answer(c, 1, **{f"q{q['idea'].pk}": "Des horaires d'accueil plus souples le samedi."})
    answer(c, 2, **{f"q{q['idea'].pk}": "Un numéro unique pour les aidants."})
    found = selectors.free_text_answers(
        consultation=c, search="horaire" if is_postgres else "horaires"
    )
    assert [a.text for a in found] == ["Des horaires d'accueil plus souples le samedi."]
