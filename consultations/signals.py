"""Bump the scopes of one consultation on every write of its data (see selectors' docstring).

caflab.fragments already bumps the app's scope (« consultations ») on every save and delete;
the results of a consultation are keyed by finer scopes, bumped here: a new response bumps
`answers_scope` (taken in at most every RESULTS_REFRESH seconds while the consultation is
open), any other write `consultation_scope` (shown at once). The services that write with
queryset update() bump themselves (services.response_review, consultations_advance).
"""

from __future__ import annotations

from functools import lru_cache

from django.db.models.signals import m2m_changed, post_delete, post_save

from caflab import fragments
from caflab.models import Caf
from consultations.models import (
    Answer,
    Choice,
    Consultation,
    Question,
    Response,
    Restitution,
    Section,
    Tag,
)
from consultations.selectors import (
    CAFS_SCOPE,
    answers_scope,
    consultation_scope,
    tags_scope,
)


def _bump(consultation_id: int | None) -> None:
    if consultation_id is not None:
        fragments.bump(consultation_scope(consultation_id))


@lru_cache(maxsize=4096)
def _consultation_of_response(response_id) -> int | None:
    """A response never changes consultation: looked up once per process."""
    return Response.objects.filter(pk=response_id).values_list("consultation_id", flat=True).first()


def _consultation_of_question(question_id: int) -> int | None:
    return Question.objects.filter(pk=question_id).values_list("consultation_id", flat=True).first()


def _cached_parent(instance, name: str):
    return instance._state.fields_cache.get(name)


def consultation_written(sender, instance, **kwargs) -> None:
    _bump(instance.pk)


def part_written(sender, instance, **kwargs) -> None:
    """Section, question, restitution: they hold their consultation's id."""
    _bump(instance.consultation_id)


def choice_written(sender, instance, **kwargs) -> None:
    question = _cached_parent(instance, "question")
    if question is not None:
        _bump(question.consultation_id)
    else:  # when its question is being deleted too, the question's signal bumps
        _bump(_consultation_of_question(instance.question_id))


def response_written(sender, instance, created=False, **kwargs) -> None:
    if created:
        fragments.bump(answers_scope(instance.consultation_id))
    else:  # review changed, or deleted
        _bump(instance.consultation_id)


def answer_written(sender, instance, **kwargs) -> None:
    """Answers change when their author edits them (services.response_update) or with the
    response, question or choice they belong to (whose own signals bump the consultation):
    like new responses, then."""
    response = _cached_parent(instance, "response")
    consultation_id = (
        response.consultation_id
        if response is not None
        else _consultation_of_response(instance.response_id)
    )
    if consultation_id is not None:
        fragments.bump(answers_scope(consultation_id))


def caf_written(sender, instance, **kwargs) -> None:
    fragments.bump(CAFS_SCOPE)


def tag_written(sender, instance, **kwargs) -> None:
    fragments.bump(tags_scope(instance.consultation_id))


def answer_tags_written(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """answer.tags.add(…) or tag.answers.add(…): the tag counts (services.answer_toggle_tag
    writes the rows itself, and bumps)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    tags = Tag.objects.filter(pk__in=pk_set) if not reverse and pk_set else []
    ids = {instance.consultation_id} if reverse else {t.consultation_id for t in tags}
    if action == "post_clear" and not reverse:
        ids = {_consultation_of_response(instance.response_id)}
    for consultation_id in ids:
        if consultation_id is not None:
            fragments.bump(tags_scope(consultation_id))


def m2m_written(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """Conditions of a question, featured questions, restricted Caf, invited organisations."""
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:
        if action == "pre_clear":
            return
        if isinstance(instance, Consultation):
            _bump(instance.pk)
        else:  # a question or a restitution
            _bump(instance.consultation_id)
        return
    # From the other side (a Caf, an organisation, a choice, a question): the rows named.
    if action == "pre_clear":
        instance._consultations_cleared = _owners(sender, model, instance)
        return
    if action == "post_clear":
        ids = getattr(instance, "_consultations_cleared", set())
    else:
        ids = _owners_of(model, pk_set or ())
    for consultation_id in ids:
        _bump(consultation_id)


def _owners_of(model, pks) -> set[int]:
    if model is Consultation:
        return set(pks)
    return set(model.objects.filter(pk__in=pks).values_list("consultation_id", flat=True))


def _owners(through, model, instance) -> set[int]:
    """Before a reverse clear: the owners (consultations, questions…) linked to `instance`."""
    source = next(
        f for f in through._meta.get_fields() if getattr(f, "related_model", None) is model
    )
    target = next(
        f
        for f in through._meta.get_fields()
        if getattr(f, "related_model", None) is type(instance) and f is not source
    )
    pks = through.objects.filter(**{target.name: instance}).values_list(
        f"{source.name}_id", flat=True
    )
    return _owners_of(model, list(pks))


def connect() -> None:
    pairs = [
        (Consultation, consultation_written),
        (Section, part_written),
        (Question, part_written),
        (Restitution, part_written),
        (Choice, choice_written),
        (Response, response_written),
        (Answer, answer_written),
    ]
    for model, receiver in pairs:
        uid = f"consultations.signals:{model._meta.model_name}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + ":delete")
    for signal in (post_save, post_delete):
        signal.connect(
            tag_written, sender=Tag, dispatch_uid=f"consultations.signals:tag:{signal is post_save}"
        )
    m2m_changed.connect(
        answer_tags_written,
        sender=Answer.tags.through,
        dispatch_uid="consultations.signals:answer-tags",
    )
    # The names of the départements, in the results (selectors.department_names).
    for signal in (post_save, post_delete):
        signal.connect(
            caf_written, sender=Caf, dispatch_uid=f"consultations.signals:caf:{signal is post_save}"
        )
    for field in (
        Question.condition_choices,
        Restitution.featured_questions,
        Consultation.restricted_cafs,
        Consultation.invited_organisations,
    ):
        m2m_changed.connect(
            m2m_written,
            sender=field.through,
            dispatch_uid=f"consultations.signals:{field.through._meta.model_name}",
        )
