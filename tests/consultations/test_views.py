"""The pages: answering step by step, thanks, closed, results, staff tools."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import Consultation, Participation, Response, ResponseDraft
from tests.caflab.factories import AgentFactory
from tests.consultations.conftest import valid_answers
from tests.consultations.factories import ConsultationFactory, SectionFactory, add_question

pytestmark = pytest.mark.django_db


def answer_url(c):
    return reverse("consultations:consultation-answer", kwargs={"slug": c.slug})


def step_data(consultation, step: int, data: dict) -> dict:
    """The part of `data` that belongs to the section at `step`."""
    section = consultation.sections.order_by("position")[step]
    prefixes = tuple(f"q{q.pk}" for q in section.questions.all())
    return {k: v for k, v in data.items() if k.split("_")[0] in prefixes}


def post_step(client, consultation, step, data, action):
    return client.post(answer_url(consultation), {"etape": step, "action": action, **data})


def answer_all(client, consultation, data):
    client.get(answer_url(consultation))
    response = post_step(client, consultation, 0, step_data(consultation, 0, data), "suivant")
    assert response.status_code == 302, response.content.decode()[:2000]
    return post_step(client, consultation, 1, step_data(consultation, 1, data), "envoyer")


def test_list_shows_open_public_consultations(client, consultation):
    ConsultationFactory(title="Brouillon secret", status=Consultation.Status.DRAFT)
    body = client.get(reverse("consultations:consultation-list")).content.decode()
    assert "Être aidant au quotidien" in body
    assert "Brouillon secret" not in body


def test_detail_page(client, consultation):
    response = client.get(consultation.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Répondre à la consultation" in body
    assert "Vos réponses sont anonymes" in body


def test_anonymous_citizen_answers_step_by_step(client, consultation):
    data = valid_answers(consultation)
    first = client.get(answer_url(consultation))
    body = first.content.decode()
    assert "Étape 1 sur 2" in body
    assert '<progress max="2" value="1"' in body
    response = answer_all(client, consultation, data)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "consultations:consultation-thanks", kwargs={"slug": consultation.slug}
    )
    assert Response.objects.count() == 1
    thanks = client.get(response["Location"]).content.decode()
    assert "Merci pour votre participation" in thanks
    # The same browser comes back: already answered.
    again = client.get(answer_url(consultation))
    assert "Vous avez déjà répondu" in again.content.decode()


def test_errors_keep_what_was_typed(client, consultation):
    q = consultation.q
    data = valid_answers(consultation, **{f"q{q['hours'].pk}": "deux cents"})
    client.get(answer_url(consultation))
    response = post_step(client, consultation, 0, step_data(consultation, 0, data), "suivant")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Certaines réponses sont à compléter ou à corriger" in body
    assert 'value="deux cents"' in body
    assert 'aria-invalid="true"' in body
    assert "<title>Erreur — " in body


def test_save_and_resume_later(client, consultation):
    data = valid_answers(consultation)
    client.get(answer_url(consultation))
    post_step(client, consultation, 0, step_data(consultation, 0, data), "suivant")
    saved = post_step(
        client,
        consultation,
        1,
        {f"q{consultation.q['idea'].pk}": "Une idée à finir"},
        "enregistrer",
    )
    body = saved.content.decode()
    assert "Vos réponses sont enregistrées" in body
    draft = ResponseDraft.objects.get()
    assert f"?reprise={draft.token}" in body
    # Another browser (a new session) resumes from the link, on step 2, with the text.
    other = client.__class__()
    resumed = other.get(f"{answer_url(consultation)}?reprise={draft.token}", follow=True)
    resumed_body = resumed.content.decode()
    assert "Étape 2 sur 2" in resumed_body
    assert "Une idée à finir" in resumed_body
    response = post_step(other, consultation, 1, step_data(consultation, 1, data), "envoyer")
    assert response.status_code == 302
    assert Response.objects.count() == 1
    # The link is dead once used.
    dead = client.__class__().get(f"{answer_url(consultation)}?reprise={draft.token}", follow=True)
    assert "n&#x27;est plus valable" in dead.content.decode()


def test_previous_step_keeps_answers(client, consultation):
    data = valid_answers(consultation)
    client.get(answer_url(consultation))
    post_step(client, consultation, 0, step_data(consultation, 0, data), "suivant")
    back = post_step(client, consultation, 1, step_data(consultation, 1, data), "precedent")
    page = client.get(back["Location"]).content.decode()
    assert "Étape 1 sur 2" in page
    assert 'value="12"' in page


def test_double_click_on_send_creates_one_response(client, consultation):
    data = valid_answers(consultation)
    client.get(answer_url(consultation))
    post_step(client, consultation, 0, step_data(consultation, 0, data), "suivant")
    first = post_step(client, consultation, 1, step_data(consultation, 1, data), "envoyer")
    second = post_step(client, consultation, 1, step_data(consultation, 1, data), "envoyer")
    assert first.status_code == 302
    assert second.status_code == 302
    assert Response.objects.count() == 1


def test_honeypot_pretends_success_and_stores_nothing(client, consultation):
    data = valid_answers(consultation)
    client.get(answer_url(consultation))
    post_step(client, consultation, 0, step_data(consultation, 0, data), "suivant")
    response = client.post(
        answer_url(consultation),
        {
            "etape": 1,
            "action": "envoyer",
            "site_internet": "http://spam",
            **step_data(consultation, 1, data),
        },
    )
    assert response.status_code == 302
    assert Response.objects.count() == 0


def test_submission_rate_limit_answers_429(client, consultation, settings):
    settings.CAFLAB_CONSULTATION_SUBMIT_RATE = 1
    data = valid_answers(consultation)
    answer_all(client, consultation, data)
    other = client.__class__()
    response = answer_all(other, consultation, data)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Trop de tentatives" in response.content.decode()
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    ("opens", "closes", "text"),
    [
        (timedelta(days=3), timedelta(days=10), "pas encore ouverte"),
        (timedelta(days=-10), timedelta(days=-2), "est close depuis"),
    ],
)
def test_closed_or_future_consultation_refuses_answers(client, consultation, opens, closes, text):
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now + opens, closes_at=now + closes
    )
    response = client.get(answer_url(consultation))
    assert response.status_code == 403
    assert text in response.content.decode()
    response = client.post(answer_url(consultation), {"etape": 0, "action": "envoyer"})
    assert response.status_code == 403


def test_private_consultation_needs_login_then_the_right_caf(client, consultation, isere):
    Consultation.objects.filter(pk=consultation.pk).update(audience=Consultation.Audience.PRIVATE)
    consultation.restricted_cafs.set([isere])
    response = client.get(answer_url(consultation))
    assert response.status_code == 404  # invisible to an anonymous visitor
    client.force_login(AgentFactory(caf=isere))
    assert client.get(answer_url(consultation)).status_code == 200
    from tests.caflab.factories import caf

    client.force_login(AgentFactory(caf=caf("29")))
    assert client.get(answer_url(consultation)).status_code == 404


def test_logged_in_agent_edits_a_non_anonymous_response(client, consultation, agent):
    Consultation.objects.filter(pk=consultation.pk).update(
        is_anonymous=False, audience=Consultation.Audience.PRIVATE
    )
    client.force_login(agent)
    data = valid_answers(consultation)
    answer_all(client, consultation, data)
    detail = client.get(consultation.get_absolute_url()).content.decode()
    assert "Modifier mes réponses" in detail
    page = client.get(answer_url(consultation) + "?modifier=1").content.decode()
    assert 'value="12"' in page  # the stored answer, ready to change
    q = consultation.q
    changed = valid_answers(consultation, **{f"q{q['hours'].pk}": "20"})
    post_step(client, consultation, 0, step_data(consultation, 0, changed), "suivant")
    post_step(client, consultation, 1, step_data(consultation, 1, changed), "envoyer")
    assert Response.objects.count() == 1
    assert Response.objects.get().answers.get(question=q["hours"]).number == 20


def test_access_code_flow(client, consultation, staff):
    Consultation.objects.filter(pk=consultation.pk).update(
        requires_access_code=True, audience=Consultation.Audience.PARTNERS
    )
    client.force_login(staff)
    csv = client.post(
        reverse("consultations:consultation-codes", kwargs={"slug": consultation.slug}),
        {"batch": "Centres sociaux de l'Isère", "count": 2},
    )
    assert csv["Content-Type"].startswith("text/csv")
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").strip().splitlines()
    codes = [line.split(";")[0] for line in lines[1:]]
    assert len(codes) == 2
    citizen = client.__class__()
    page = citizen.get(answer_url(consultation))
    assert "Votre code d&#x27;accès" in page.content.decode()
    wrong = citizen.post(answer_url(consultation), {"code": "AAAA-BBBB"})
    assert wrong.status_code == 400
    assert "pas valable" in wrong.content.decode()
    ok = citizen.post(answer_url(consultation), {"code": codes[0]})
    assert ok.status_code == 302
    response = answer_all(citizen, consultation, valid_answers(consultation))
    assert response.status_code == 302
    assert Participation.objects.get().access_code is not None


def test_results_are_hidden_from_the_public_until_published(client, consultation, staff):
    url = reverse("consultations:consultation-results", kwargs={"slug": consultation.slug})
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 200
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.RESULTS)
    client.logout()
    assert client.get(url).status_code == 200


def test_results_page_with_breakdown(client, consultation, staff):
    answer_all(client, consultation, valid_answers(consultation))
    client.force_login(staff)
    url = reverse("consultations:consultation-results", kwargs={"slug": consultation.slug})
    body = client.get(url, {"ventilation": consultation.q["profile"].pk}).content.decode()
    assert "Répartition selon « Vous êtes… »" in body
    assert "&lt; 5" in body
    assert "<svg" in body
    assert client.get(url, {"ventilation": "pas-un-nombre"}).status_code == 200


@pytest.mark.parametrize("n", [2, 12])
def test_results_page_queries_do_not_grow(
    client, consultation, staff, n, django_assert_max_num_queries
):
    for _i in range(n):
        answer_all(client.__class__(), consultation, valid_answers(consultation))
    client.force_login(staff)
    url = reverse("consultations:consultation-results", kwargs={"slug": consultation.slug})
    # session, user, consultation (its questionnaire cached by the answers), respondents,
    # answered, choice counts, numbers, départements, timeline, tags
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    # Then the counts, the charts and the tags come from the cache.
    with django_assert_max_num_queries(3):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [1, 15])
def test_list_queries_do_not_grow(client, n, django_assert_num_queries):
    ConsultationFactory.create_batch(n)
    # count, page of consultations (theme, Caf), themes, restitutions
    with django_assert_num_queries(4):
        assert client.get(reverse("consultations:consultation-list")).status_code == 200


@pytest.mark.parametrize("n", [1, 10])
def test_detail_queries_do_not_grow(client, n, django_assert_max_num_queries):
    consultation = ConsultationFactory()
    section = SectionFactory(consultation=consultation)
    for i in range(n):
        add_question(section, "choix_unique", f"Question {i}", choices=["A", "B", "C"])
    # consultation, then its questionnaire: sections, questions, choices, condition choices,
    # restricted Cafs, invited organisations, restitution
    with django_assert_max_num_queries(9):
        assert client.get(consultation.get_absolute_url()).status_code == 200
    # Then the questionnaire comes from the cache.
    with django_assert_max_num_queries(1):
        assert client.get(consultation.get_absolute_url()).status_code == 200


def test_verbatims_search_and_tagging(client, consultation, staff):
    q = consultation.q
    answer_all(
        client,
        consultation,
        valid_answers(consultation, **{f"q{q['idea'].pk}": "Des horaires plus souples"}),
    )
    client.force_login(staff)
    url = reverse("consultations:consultation-verbatims", kwargs={"slug": consultation.slug})
    client.post(
        url, {"action": "creer-etiquette", "name": "Souplesse des horaires", "kind": "besoin"}
    )
    page = client.get(url, {"q": "horaires"}).content.decode()
    assert "Des horaires plus souples" in page
    from consultations.models import Answer, Tag

    answer = Answer.objects.get(question=q["idea"])
    tag = Tag.objects.get()
    response = client.post(url, {"answer": answer.pk, "tag": tag.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()
    assert list(answer.tags.all()) == [tag]


def test_staff_pages_are_forbidden_to_agents(client, consultation, agent):
    client.force_login(agent)
    for name in ("consultation-verbatims", "consultation-codes"):
        assert (
            client.get(
                reverse(f"consultations:{name}", kwargs={"slug": consultation.slug})
            ).status_code
            == 403
        )
    url = reverse(
        "consultations:consultation-export",
        kwargs={"slug": consultation.slug, "kind": "reponses", "fmt": "csv"},
    )
    assert client.get(url).status_code == 403


def test_exports(client, consultation, staff):
    answer_all(client, consultation, valid_answers(consultation))
    client.force_login(staff)
    for kind in ("resultats", "reponses"):
        for fmt in ("csv", "xlsx"):
            url = reverse(
                "consultations:consultation-export",
                kwargs={"slug": consultation.slug, "kind": kind, "fmt": fmt},
            )
            response = client.get(url)
            assert response.status_code == 200, (kind, fmt)
    csv = client.get(
        reverse(
            "consultations:consultation-export",
            kwargs={"slug": consultation.slug, "kind": "reponses", "fmt": "csv"},
        )
    )
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    header, row = text.strip().splitlines()[:2]
    assert header.startswith("Réponse n°;Q1 – Vous êtes…")
    assert row.startswith("1;Parent;")
    assert "38" in row
    unknown = reverse(
        "consultations:consultation-export",
        kwargs={"slug": consultation.slug, "kind": "reponses", "fmt": "pdf"},
    )
    assert client.get(unknown).status_code == 404


@pytest.mark.parametrize("n", [2, 12])
def test_answer_page_queries_do_not_grow_with_questions(client, n, django_assert_max_num_queries):
    consultation = ConsultationFactory()
    section = SectionFactory(consultation=consultation)
    for i in range(n):
        add_question(section, "choix_unique", f"Question {i}", choices=["Oui", "Non", "Autre"])
    add_question(section, "departement", "Votre département")
    client.get(answer_url(consultation))  # creates the draft
    # session, consultation (the questionnaire and the départements cached), draft
    with django_assert_max_num_queries(3):
        assert client.get(answer_url(consultation)).status_code == 200


@pytest.mark.parametrize("n", [1, 20])
def test_verbatims_page_queries_do_not_grow(
    client, consultation, staff, n, django_assert_max_num_queries
):
    q = consultation.q
    for i in range(n):
        answer_all(
            client.__class__(),
            consultation,
            valid_answers(consultation, **{f"q{q['idea'].pk}": f"Idée n°{i}"}),
        )
    client.force_login(staff)
    url = reverse("consultations:consultation-verbatims", kwargs={"slug": consultation.slug})
    # session, user, consultation (its questionnaire cached by the answers), count, page of
    # answers, their tags, tags with counts
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200


def test_restitution_page(client, consultation, staff):
    from consultations import services

    answer_all(client, consultation, valid_answers(consultation))
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.RESULTS)
    restitution = services.restitution_save(
        consultation=Consultation.objects.get(pk=consultation.pk),
        title="Ce que vous nous avez dit",
        synthesis="<p>Merci !</p><script>alert(1)</script>",
        featured=[consultation.q["known"]],
        publish=True,
        by=staff,
    )
    url = reverse("consultations:consultation-restitution", kwargs={"slug": consultation.slug})
    body = client.get(url).content.decode()
    assert restitution.title in body
    assert "<p>Merci !</p>" in body
    assert "<script>alert" not in body  # sanitised
    assert "Connaissez-vous l&#x27;AJPP ?" in body
    listing = client.get(reverse("consultations:consultation-list")).content.decode()
    assert "Ce que vous nous avez dit" in listing
