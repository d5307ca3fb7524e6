"""The questionnaire's rules, for every kind of question."""

import pytest

from consultations.forms import answer_values, data_from_answers, validate_questionnaire
from consultations.selectors import consultation_get
from tests.caflab.factories import AgentFactory
from tests.consultations.conftest import valid_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(consultation, agent):
    loaded = consultation_get(user=AgentFactory(), slug=consultation.slug)
    loaded.q = consultation.q
    return loaded


def errors_for(consultation, data):
    _clean, errors = validate_questionnaire(consultation, data)
    return errors


def test_complete_answers_are_valid(loaded):
    clean, errors = validate_questionnaire(loaded, valid_answers(loaded))
    assert errors == {}
    assert clean[f"q{loaded.q['hours'].pk}"] == "12"


def test_required_questions_say_so_in_french(loaded):
    q = loaded.q
    errors = errors_for(loaded, valid_answers(loaded, **{f"q{q['known'].pk}": None}))
    assert errors == {f"q{q['known'].pk}": ["Cette question est obligatoire."]}


def test_unknown_choice_is_refused(loaded):
    q = loaded.q
    errors = errors_for(loaded, valid_answers(loaded, **{f"q{q['known'].pk}": "999999"}))
    assert f"q{q['known'].pk}" in errors


def test_multiple_choice_bounds(loaded):
    q = loaded.q
    ids = [str(c.pk) for c in q["needs"].choices.all()[:3]]
    errors = errors_for(loaded, valid_answers(loaded, **{f"q{q['needs'].pk}": ids}))
    assert errors[f"q{q['needs'].pk}"] == ["Choisissez au plus 2 réponses."]


def test_other_choice_needs_a_precision(loaded):
    q = loaded.q
    other = str(q["needs"].choices.get(is_other=True).pk)
    errors = errors_for(loaded, valid_answers(loaded, **{f"q{q['needs'].pk}": [other]}))
    assert errors == {f"q{q['needs'].pk}_autre": ["Précisez votre réponse « autre »."]}
    clean, errors = validate_questionnaire(
        loaded,
        valid_answers(
            loaded, **{f"q{q['needs'].pk}": [other], f"q{q['needs'].pk}_autre": "Un relais"}
        ),
    )
    assert errors == {}
    assert clean[f"q{q['needs'].pk}_autre"] == "Un relais"


def test_precision_without_other_choice_is_dropped(loaded):
    q = loaded.q
    clean, errors = validate_questionnaire(
        loaded, valid_answers(loaded, **{f"q{q['needs'].pk}_autre": "hors sujet"})
    )
    assert errors == {}
    assert f"q{q['needs'].pk}_autre" not in clean


@pytest.mark.parametrize(
    ("value", "ok"), [("1", True), ("5", True), ("0", False), ("6", False), ("trois", False)]
)
def test_scale_accepts_only_its_range(loaded, value, ok):
    q = loaded.q
    errors = errors_for(loaded, valid_answers(loaded, **{f"q{q['satisfaction'].pk}": value}))
    assert (errors == {}) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("0", True),
        ("168", True),
        ("12,5", True),
        ("12.5", True),
        ("169", False),
        ("-1", False),
        ("beaucoup", False),
    ],
)
def test_number_bounds_and_format(loaded, value, ok):
    q = loaded.q
    errors = errors_for(loaded, valid_answers(loaded, **{f"q{q['hours'].pk}": value}))
    assert (errors == {}) is ok


@pytest.mark.parametrize(
    ("value", "ok"), [("2024-02-29", True), ("2023-02-29", False), ("hier", False)]
)
def test_dates(loaded, value, ok):
    q = loaded.q
    errors = errors_for(loaded, valid_answers(loaded, **{f"q{q['since'].pk}": value}))
    assert (errors == {}) is ok


def test_department_must_be_a_real_one(loaded):
    q = loaded.q
    assert errors_for(loaded, valid_answers(loaded, **{f"q{q['department'].pk}": "2A"})) == {}
    assert f"q{q['department'].pk}" in errors_for(
        loaded, valid_answers(loaded, **{f"q{q['department'].pk}": "20"})
    )


def test_conditional_question_required_only_when_shown(loaded):
    q = loaded.q
    no = str(q["aidant"].choices.get(label="Non").pk)
    # Not an aidant: the hours question is hidden, not required, and its answer is dropped.
    clean, errors = validate_questionnaire(
        loaded, valid_answers(loaded, **{f"q{q['aidant'].pk}": no})
    )
    assert errors == {}
    assert f"q{q['hours'].pk}" not in clean
    # An aidant who does not say how many hours: required.
    errors = errors_for(loaded, valid_answers(loaded, **{f"q{q['hours'].pk}": None}))
    assert errors == {f"q{q['hours'].pk}": ["Cette question est obligatoire."]}


def test_ranking_needs_distinct_consecutive_ranks(loaded):
    q = loaded.q
    ids = [c.pk for c in q["ranking"].choices.all()]

    def ranks(*r):
        return {f"q{q['ranking'].pk}_c{cid}": str(v) for cid, v in zip(ids, r, strict=False) if v}

    assert errors_for(loaded, valid_answers(loaded, **ranks(1, 2, 3))) == {}
    assert errors_for(loaded, valid_answers(loaded, **ranks(2, 1))) == {}
    assert errors_for(loaded, valid_answers(loaded, **ranks(1, 1, 2)))
    assert errors_for(loaded, valid_answers(loaded, **ranks(1, 3)))


def test_text_length_is_bounded(loaded):
    q = loaded.q
    assert errors_for(loaded, valid_answers(loaded, **{f"q{q['email'].pk}": "x" * 301}))
    assert not errors_for(loaded, valid_answers(loaded, **{f"q{q['idea'].pk}": "é" * 5000}))


def test_answers_round_trip_to_rows_and_back(loaded):
    q = loaded.q
    ids = [c.pk for c in q["ranking"].choices.all()]
    data = valid_answers(
        loaded,
        **{
            f"q{q['since'].pk}": "2023-09-01",
            f"q{q['idea'].pk}": "Un numéro unique pour les aidants.",
            f"q{q['ranking'].pk}_c{ids[0]}": "2",
            f"q{q['ranking'].pk}_c{ids[1]}": "1",
        },
    )
    clean, errors = validate_questionnaire(loaded, data)
    assert errors == {}
    values = answer_values(loaded.ordered_questions, clean)

    class Stored:
        def __init__(self, value):
            self.question, self.choice_id = value.question, value.choice_id
            self.text, self.number, self.date = value.text, value.number, value.date

    assert data_from_answers([Stored(v) for v in values]) == clean
