import pytest

from consultations.models import Question
from tests.consultations.factories import ConsultationFactory, SectionFactory, add_question


@pytest.fixture
def consultation(db):
    """A public consultation with every kind of question, over two sections."""
    consultation = ConsultationFactory(slug="aidants", title="Être aidant au quotidien")
    first = SectionFactory(consultation=consultation, title="Votre situation", position=0)
    second = SectionFactory(consultation=consultation, title="Vos attentes", position=1)
    q = {}
    q["profile"] = add_question(first, Question.Kind.PROFILE, "Vous êtes…")
    q["department"] = add_question(first, Question.Kind.DEPARTMENT, "Votre département")
    q["aidant"] = add_question(first, Question.Kind.YES_NO, "Aidez-vous un proche ?")
    q["hours"] = add_question(
        first,
        Question.Kind.NUMBER,
        "Combien d'heures par semaine ?",
        number_min=0,
        number_max=168,
    )
    q["hours"].condition_question = q["aidant"]
    q["hours"].save()
    q["hours"].condition_choices.set([q["aidant"].choices.get(label="Oui")])
    q["since"] = add_question(first, Question.Kind.DATE, "Depuis quand ?", required=False)
    q["needs"] = add_question(
        second,
        Question.Kind.MULTIPLE,
        "De quoi auriez-vous besoin ?",
        choices=["Information", "Répit", "Aide financière", "Autre (préciser)"],
        min_choices=1,
        max_choices=2,
    )
    q["known"] = add_question(
        second,
        Question.Kind.SINGLE,
        "Connaissez-vous l'AJPP ?",
        choices=["Oui, je l'ai demandée", "Oui, de nom", "Non"],
    )
    q["satisfaction"] = add_question(
        second,
        Question.Kind.SCALE,
        "Votre satisfaction envers la Caf",
        scale_min=1,
        scale_max=5,
        scale_min_label="Pas du tout satisfait",
        scale_max_label="Très satisfait",
    )
    q["ranking"] = add_question(
        second,
        Question.Kind.RANKING,
        "Classez ces priorités",
        choices=["Simplifier", "Informer", "Accompagner"],
        required=False,
    )
    q["idea"] = add_question(
        second, Question.Kind.LONG_TEXT, "Une idée pour la Caf ?", required=False
    )
    q["email"] = add_question(
        second, Question.Kind.SHORT_TEXT, "Un mot pour conclure", required=False
    )
    consultation.q = q
    return consultation


def valid_answers(consultation, **overrides) -> dict:
    q = consultation.q
    data = {
        f"q{q['profile'].pk}": str(q["profile"].choices.get(label="Parent").pk),
        f"q{q['department'].pk}": "38",
        f"q{q['aidant'].pk}": str(q["aidant"].choices.get(label="Oui").pk),
        f"q{q['hours'].pk}": "12",
        f"q{q['needs'].pk}": [str(q["needs"].choices.get(label="Répit").pk)],
        f"q{q['known'].pk}": str(q["known"].choices.get(label="Non").pk),
        f"q{q['satisfaction'].pk}": "4",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
