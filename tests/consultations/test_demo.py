"""The demo data of « La Caf à votre écoute »: the figures of the 2025 report, answers that
obey the questionnaire, and a seeder that is idempotent and deterministic."""

import hashlib
from collections import Counter

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from caflab.seeding import SeedContext, seed_all
from consultations import demo, services
from consultations.models import (
    AccessCode,
    Answer,
    Consultation,
    Participation,
    Question,
    Response,
    Restitution,
    Tag,
    Theme,
)
from consultations.selectors import consultation_results, questionnaire_prefetch

pytestmark = pytest.mark.django_db

EXPECTED_2025 = {
    "tous-aidants": 1600,
    "ajpp-votre-experience": 1887,
    "centre-social-de-demain": 1220,
    "autonomie-des-jeunes": 1412,
    "socle-commun-partenaires": 418,
    "monenfant-vos-attentes": 1205,
}
SLUGS = [spec.slug for spec in demo.specs(timezone.now())]


def _seed() -> None:
    seed_all(SeedContext(log=lambda _message: None), only={"caflab", "consultations"})


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module, inside a transaction rolled back at its end; every test
    runs in a savepoint of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        _seed()
        # Check the deferred foreign keys now, once, rather than after every test.
        connection.check_constraints()
        yield
        transaction.set_rollback(True)


def _consultation(slug: str) -> Consultation:
    return Consultation.objects.get(slug=slug)


def _question(slug: str, label_start: str) -> Question:
    return Question.objects.get(consultation__slug=slug, label__startswith=label_start)


def _snapshot() -> dict:
    seeded = Consultation.objects.filter(slug__in=SLUGS)
    return {
        "consultations": seeded.count(),
        "themes": Theme.objects.count(),
        "questions": Question.objects.filter(consultation__in=seeded).count(),
        "responses": Response.objects.filter(consultation__in=seeded).count(),
        "participations": Participation.objects.filter(consultation__in=seeded).count(),
        "answers": Answer.objects.filter(question__consultation__in=seeded).count(),
        "codes": AccessCode.objects.filter(consultation__in=seeded).count(),
        "tags": Tag.objects.filter(consultation__in=seeded).count(),
        "tagged": Answer.tags.through.objects.filter(tag__consultation__in=seeded).count(),
        "restitutions": Restitution.objects.filter(consultation__in=seeded).count(),
    }


def _checksum() -> str:
    """(consultation, question, choice, number, count) for every answer, the free texts and
    départements, and the days of the responses."""
    answers = Answer.objects.filter(question__consultation__slug__in=SLUGS)
    choices = (
        answers.values_list(
            "question__consultation__slug", "question__label", "choice__label", "number"
        )
        .annotate(n=Count("id"))
        .order_by("question__consultation__slug", "question__label", "choice__label", "number")
    )
    texts = (
        answers.exclude(text="")
        .values_list("question__label", "text")
        .annotate(n=Count("id"))
        .order_by("question__label", "text")
    )
    days = (
        Response.objects.filter(consultation__slug__in=SLUGS)
        .exclude(consultation__slug="aripa-parents-separes")  # its dates follow today
        .values_list("consultation__slug", "submitted_on")
        .annotate(n=Count("id"))
        .order_by("consultation__slug", "submitted_on")
    )
    parts = [repr(row) for rows in (choices, texts, days) for row in rows]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# The figures of the report ---------------------------------------------------------------------
def test_7742_responses_in_2025():
    in_2025 = Response.objects.filter(submitted_on__year=2025)
    if timezone.localdate().year == 2025:  # the open consultation's answers fall in 2025 too
        in_2025 = in_2025.exclude(consultation__slug="aripa-parents-separes")
    assert in_2025.count() == 7742
    assert sum(EXPECTED_2025.values()) == 7742


def test_each_consultation_has_its_count_and_respondent_count():
    expected = {**EXPECTED_2025, "dtr-pre-remplie": 930, "aripa-parents-separes": 60}
    for slug, n in expected.items():
        consultation = _consultation(slug)
        assert consultation.responses.count() == n, slug
        assert consultation.respondent_count == n, slug
    draft = _consultation("horaires-atypiques-accueil-jeune-enfant")
    assert draft.status == Consultation.Status.DRAFT
    assert not draft.responses.exists()
    assert (
        Response.objects.filter(consultation__slug="dtr-pre-remplie")
        .dates("submitted_on", "year")
        .get()
        .year
        == 2024
    )
    for slug in EXPECTED_2025:
        years = Response.objects.filter(consultation__slug=slug).dates("submitted_on", "year")
        assert [d.year for d in years] == [2025], slug


def test_statuses_phases_and_restitutions():
    now = timezone.now()
    assert _consultation("aripa-parents-separes").phase(now) == Consultation.Status.OPEN
    assert _consultation("monenfant-vos-attentes").phase(now) == Consultation.Status.CLOSED
    assert _consultation("tous-aidants").audience == Consultation.Audience.PRIVATE
    for slug in ("tous-aidants", "ajpp-votre-experience", "autonomie-des-jeunes"):
        consultation = _consultation(slug)
        assert consultation.phase(now) == Consultation.Status.RESULTS
        assert consultation.restitution.published_at is not None
    youth = _consultation("autonomie-des-jeunes").restitution
    assert (youth.published_at.year, youth.published_at.month) == (2025, 11)
    assert _consultation("tous-aidants").restitution.featured_questions.count() == 3
    ajpp = _consultation("ajpp-votre-experience").restitution.synthesis
    assert "guide du parent aidant" in ajpp
    assert "réponse de premier niveau" in ajpp
    assert Theme.objects.filter(slug__in=[slug for _name, slug in demo.THEMES]).count() == 10


def test_questionnaires_mix_the_kinds():
    for consultation in Consultation.objects.filter(slug__in=EXPECTED_2025):
        assert 1 <= consultation.sections.count() <= 3, consultation.slug
        assert 6 <= consultation.questions.count() <= 12, consultation.slug
        kinds = set(consultation.questions.values_list("kind", flat=True))
        assert len(kinds) >= 5, consultation.slug
        free_text = consultation.questions.filter(kind=Question.Kind.LONG_TEXT)
        assert free_text.exists(), consultation.slug
        assert not free_text.filter(publish_results=True).exists(), consultation.slug
    aidants = _consultation("tous-aidants")
    assert aidants.questions.filter(is_confidential=True).exists()
    for question in Question.objects.filter(
        consultation__slug__in=SLUGS, kind__in=Question.CHOICE_KINDS
    ):
        assert question.choices.count() >= 2, question.label
    aripa = _consultation("aripa-parents-separes")
    assert aripa.questions.filter(condition_question__isnull=False).exists()
    assert aripa.questions.filter(kind=Question.Kind.RANKING).exists()
    assert aripa.questions.filter(choices__is_other=True).exists()


# The answers obey the questionnaire -------------------------------------------------------------
def test_no_answer_to_a_hidden_conditional_question():
    hours = _question("tous-aidants", "Combien d'heures")
    aidant = hours.condition_question
    assert [c.label for c in hours.condition_choices.all()] == ["Oui"]
    yes = Answer.objects.filter(question=aidant, choice__label="Oui").values("response_id")
    no = Answer.objects.filter(question=aidant, choice__label="Non").values("response_id")
    assert hours.answers.count() == yes.count()
    assert not hours.answers.filter(response_id__in=no).exists()
    # And for every conditional question of every consultation.
    conditional = Question.objects.filter(
        consultation__slug__in=SLUGS, condition_question__isnull=False
    )
    assert conditional.count() >= 8
    for question in conditional:
        shown = Answer.objects.filter(
            question=question.condition_question, choice__in=question.condition_choices.all()
        ).values("response_id")
        assert not question.answers.exclude(response_id__in=shown).exists(), question.label


def test_multiple_choices_within_bounds_and_others_specified():
    multiples = Question.objects.filter(
        consultation__slug__in=SLUGS,
        kind=Question.Kind.MULTIPLE,
        consultation__respondent_count__gt=0,
    )
    for question in multiples:
        counts = list(
            question.answers.values("response_id")
            .annotate(n=Count("id"))
            .values_list("n", flat=True)
        )
        assert counts, question.label
        assert min(counts) >= (question.min_choices or 1), question.label
        if question.max_choices:
            assert max(counts) <= question.max_choices, question.label
        assert Counter(counts)[1] < len(counts), question.label  # not always one pick
    others = Answer.objects.filter(question__consultation__slug__in=SLUGS, choice__is_other=True)
    assert others.exists()
    assert not others.filter(text="").exists()
    assert (
        not Answer.objects.filter(question__consultation__slug__in=SLUGS, choice__is_other=False)
        .exclude(text="")
        .exists()
    )


def test_rankings_start_at_one_without_gaps():
    for question in Question.objects.filter(
        consultation__slug__in=SLUGS, kind=Question.Kind.RANKING
    ):
        ranks: dict = {}
        for response_id, rank in question.answers.values_list("response_id", "number"):
            ranks.setdefault(response_id, []).append(int(rank))
        assert ranks, question.label
        for given in ranks.values():
            assert sorted(given) == list(range(1, len(given) + 1)), question.label


def test_values_within_their_bounds():
    hours = _question("tous-aidants", "Combien d'heures")
    values = [float(v) for v in hours.answers.values_list("number", flat=True)]
    assert min(values) >= 2
    assert max(values) <= 40
    assert 6 <= sum(values) / len(values) <= 15
    ages = _question("autonomie-des-jeunes", "Quel âge")
    assert {int(v) for v in ages.answers.values_list("number", flat=True)} <= set(range(16, 26))
    scales = Answer.objects.filter(
        question__consultation__slug__in=SLUGS, question__kind=Question.Kind.SCALE
    )
    assert set(scales.values_list("number", flat=True).distinct()) <= {1, 2, 3, 4, 5}
    departments = Answer.objects.filter(
        question__consultation__slug__in=EXPECTED_2025, question__kind=Question.Kind.DEPARTMENT
    )
    from caflab.models import Caf

    numbers = set(departments.values_list("text", flat=True).distinct())
    assert numbers <= set(Caf.objects.values_list("number", flat=True))
    assert len(numbers) >= 85
    top = [n for n, _c in Counter(departments.values_list("text", flat=True)).most_common(12)]
    assert {"59", "75", "13"} <= set(top)


# Who took part ----------------------------------------------------------------------------------
def test_anonymous_consultations_keep_participations_apart():
    anonymous = Consultation.objects.filter(slug__in=SLUGS, is_anonymous=True)
    assert anonymous.count() == len(SLUGS) - 1
    assert not Response.objects.filter(
        consultation__in=anonymous, participation__isnull=False
    ).exists()
    for consultation in Consultation.objects.filter(slug__in=SLUGS):
        responses = Counter(consultation.responses.values_list("submitted_on", flat=True))
        taken = Counter(consultation.participations.values_list("created_on", flat=True))
        assert responses == taken, consultation.slug
        assert not consultation.participations.filter(user__isnull=False).exists()


def test_partners_answer_with_single_use_codes():
    socle = _consultation("socle-commun-partenaires")
    assert socle.requires_access_code
    assert not socle.is_anonymous
    responses = socle.responses.select_related("participation__access_code")
    assert responses.count() == 418
    for response in responses:
        code = response.participation.access_code
        assert code.used_on == response.submitted_on == response.participation.created_on
        assert code.batch == "Partenaires du groupe des 10 Caf"
    assert socle.access_codes.filter(used_on__isnull=False).count() == 418
    assert socle.access_codes.filter(used_on__isnull=True).exists()  # invited, did not answer
    assert services.access_code_find(consultation=socle, code="AAAA-AAAA") is None


def test_free_text_is_varied_and_partly_tagged():
    comment = _question("tous-aidants", "Souhaitez-vous ajouter")
    texts = list(comment.answers.values_list("text", flat=True))
    assert 0.30 <= len(texts) / 1600 <= 0.40
    assert len(set(texts)) >= 40
    tagged = comment.answers.filter(tags__isnull=False).distinct().count()
    assert 0.2 <= tagged / len(texts) <= 0.4
    tags = Tag.objects.filter(consultation__slug="tous-aidants")
    names = set(tags.values_list("name", flat=True))
    assert {"Manque d'information", "Souplesse des horaires"} <= names
    assert "Référent aidants dans chaque Caf" in names
    sample = comment.answers.filter(tags__name="Manque d'information").first()
    assert sample is not None
    assert any(
        sentence in sample.text
        for sentence, codes in demo.AIDANTS_COMMENTS
        if "Manque d'information" in codes
    )


# Realism ----------------------------------------------------------------------------------------
def test_answers_are_realistic_not_uniform():
    known = _question("ajpp-votre-experience", "Connaissez-vous l'AJPP")
    shares = dict(known.answers.values_list("choice__label").annotate(n=Count("id")).order_by())
    total = sum(shares.values())
    assert total == 1887
    asked, heard, unknown = (
        shares[label] / total for label in (demo.AJPP_ASKED, demo.AJPP_HEARD, demo.AJPP_UNKNOWN)
    )
    assert 0.14 <= asked <= 0.23
    assert 0.36 <= heard <= 0.47
    assert 0.35 <= unknown <= 0.47
    assert max(shares.values()) > 1.8 * min(shares.values())

    # Professionals know the AJPP better than parents.
    profile = _question("ajpp-votre-experience", "Vous répondez")

    def unknown_share(label: str) -> float:
        ids = Answer.objects.filter(question=profile, choice__label=label).values("response_id")
        answers = known.answers.filter(response_id__in=ids)
        return answers.filter(choice__label=demo.AJPP_UNKNOWN).count() / answers.count()

    assert unknown_share("Professionnel") < unknown_share("Parent") - 0.1

    # Scales centred between 3 and 4, the first days busier than the last weeks.
    for question in Question.objects.filter(
        consultation__slug__in=EXPECTED_2025, kind=Question.Kind.SCALE
    ):
        values = [int(v) for v in question.answers.values_list("number", flat=True)]
        assert 2.7 <= sum(values) / len(values) <= 3.8, question.label
    aidants = _consultation("tous-aidants")
    days = Counter(aidants.responses.values_list("submitted_on", flat=True))
    first = aidants.opens_at.date()
    assert days[first] == max(days.values())
    assert sum(n for day, n in days.items() if day.weekday() >= 5) < 0.02 * 1600


def test_results_page_computes_on_the_demo_data():
    consultation = Consultation.objects.prefetch_related(*questionnaire_prefetch()).get(
        slug="tous-aidants"
    )
    consultation.ordered_questions = [
        q for s in consultation.sections.all() for q in s.questions.all()
    ]
    profile = next(q for q in consultation.ordered_questions if q.kind == Question.Kind.PROFILE)
    results = consultation_results(consultation=consultation, public=True, breakdown_id=profile.pk)
    assert results.respondents == 1600
    by_label = {r.question.label: r for r in results.questions}
    assert by_label[_question("tous-aidants", "Votre propre santé").label].hidden
    ranking = by_label[_question("tous-aidants", "Classez").label]
    assert ranking.rows
    assert all(row.extra for row in ranking.rows)


# The seeder itself ------------------------------------------------------------------------------
def test_a_second_run_changes_nothing():
    before = _snapshot()
    checksum = _checksum()
    _seed()
    assert _snapshot() == before
    assert _checksum() == checksum


def test_reseeding_gives_the_same_answers():
    before = _snapshot()
    checksum = _checksum()
    Consultation.objects.filter(slug__in=SLUGS).delete()
    assert _snapshot()["responses"] == 0
    seed_all(SeedContext(log=lambda _message: None), only={"consultations"})
    assert _snapshot() == before
    assert _checksum() == checksum


def test_seed_logs_a_summary():
    lines = []
    demo.seed(SeedContext(log=lines.append))
    assert len(lines) == 1
    assert lines[0].startswith("  9 consultations, 8\u202f732 réponses (dont 7\u202f")
    assert lines[0].endswith("en 2025), 10 thèmes")
