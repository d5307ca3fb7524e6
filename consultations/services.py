"""Every write of « La Caf à votre écoute »."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from caflab import fragments
from consultations.forms import answer_values, validate_questionnaire
from consultations.models import (
    AccessCode,
    Answer,
    Choice,
    Consultation,
    Participation,
    Question,
    Response,
    ResponseDraft,
    Restitution,
    Tag,
)
from consultations.selectors import answers_scope, consultation_scope, tags_scope

logger = logging.getLogger(__name__)

ConsultationLiveStatuses = (Consultation.Status.SCHEDULED, Consultation.Status.OPEN)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or typed by hand
YES_NO_LABELS = ("Oui", "Non")
DEFAULT_PROFILES = (
    "Parent",
    "Aidant familial",
    "Bénévole",
    "Professionnel (travailleur social, petite enfance…)",
    "Agent d'une Caf",
    "Autre",
)


class ConsultationError(ValidationError):
    """A rule of the consultation refuses the action; the message is for the user."""


class ConsultationNotOpen(ConsultationError):
    pass


class AlreadyAnswered(ConsultationError):
    pass


class QuestionnaireInvalid(ConsultationError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(_("Certaines réponses sont à compléter ou à corriger."))
        self.field_errors = errors


def _digest(*parts: object) -> str:
    message = ":".join(str(part) for part in parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def access_code_hash(consultation: Consultation, code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return _digest("access-code", consultation.pk, normalised)


def browser_key_hash(consultation: Consultation, browser_key: str) -> str:
    return _digest("browser", consultation.pk, browser_key) if browser_key else ""


def ip_hash(consultation: Consultation, ip_address: str, day) -> str:
    """Salted by the day: enough to see a burst, useless to follow an address over time."""
    return _digest("ip", consultation.pk, day.isoformat(), ip_address) if ip_address else ""


# Structure ------------------------------------------------------------------------------------
def structure_is_locked(consultation: Consultation) -> bool:
    return consultation.pk is not None and consultation.responses.exists()


def ensure_structure_editable(consultation: Consultation) -> None:
    if structure_is_locked(consultation):
        raise ConsultationError(
            _(
                "Cette consultation a déjà reçu des réponses : ses questions et ses choix ne "
                "peuvent plus changer. Seuls les textes (titre, présentation, aides) restent "
                "modifiables."
            )
        )


@transaction.atomic
def question_ensure_choices(*, question: Question) -> None:
    """Yes/no and profile questions come with their usual choices when staff give none."""
    if question.choices.exists():
        return
    labels = ()
    if question.kind == Question.Kind.YES_NO:
        labels = YES_NO_LABELS
    elif question.kind == Question.Kind.PROFILE:
        labels = DEFAULT_PROFILES
    Choice.objects.bulk_create(
        Choice(question=question, label=label, position=i, is_other=(label == "Autre"))
        for i, label in enumerate(labels)
    )


# Lifecycle ------------------------------------------------------------------------------------
@transaction.atomic
def consultation_schedule(*, consultation: Consultation, by) -> Consultation:
    """Draft → scheduled: it opens and closes by itself on its dates."""
    if not by.has_perm("consultations.manage_consultation", consultation):
        raise PermissionDenied
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Consultation.Status.DRAFT:
        raise ConsultationError(_("Seule une consultation en brouillon peut être programmée."))
    if not consultation.questions.exists():
        raise ConsultationError(
            _("Ajoutez au moins une question avant de programmer la consultation.")
        )
    if consultation.closes_at <= timezone.now():
        raise ConsultationError(_("La date de clôture est déjà passée."))
    consultation.status = Consultation.Status.SCHEDULED
    consultation.scheduled_at = timezone.now()
    consultation.save(update_fields=["status", "scheduled_at", "updated_at"])
    return consultation


@transaction.atomic
def consultation_close(*, consultation: Consultation, by) -> Consultation:
    """Close now, before the planned date (or record the closing the dates already made)."""
    if not by.has_perm("consultations.manage_consultation", consultation):
        raise PermissionDenied
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.phase() not in (Consultation.Status.OPEN, Consultation.Status.CLOSED):
        raise ConsultationError(_("Seule une consultation ouverte peut être close."))
    if consultation.status != Consultation.Status.CLOSED:
        consultation.status = Consultation.Status.CLOSED
        consultation.closed_at = min(timezone.now(), consultation.closes_at)
        consultation.save(update_fields=["status", "closed_at", "updated_at"])
    return consultation


@transaction.atomic
def consultation_publish_results(*, consultation: Consultation, by) -> Consultation:
    if not by.has_perm("consultations.manage_consultation", consultation):
        raise PermissionDenied
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.phase() != Consultation.Status.CLOSED:
        raise ConsultationError(
            _("Les résultats ne peuvent être publiés qu'une fois la consultation close.")
        )
    consultation.status = Consultation.Status.RESULTS
    consultation.closed_at = consultation.closed_at or consultation.closes_at
    consultation.results_published_at = timezone.now()
    consultation.save(update_fields=["status", "closed_at", "results_published_at", "updated_at"])
    return consultation


def consultations_advance(*, now=None) -> int:
    """Write the status the dates have reached (the pages never wait for it)."""
    now = now or timezone.now()
    with transaction.atomic():
        to_open = Consultation.objects.filter(
            status=Consultation.Status.SCHEDULED, opens_at__lte=now, closes_at__gt=now
        )
        to_close = Consultation.objects.filter(
            status__in=ConsultationLiveStatuses, closes_at__lte=now
        )
        changed = [*to_open.values_list("pk", flat=True), *to_close.values_list("pk", flat=True)]
        opened = to_open.update(status=Consultation.Status.OPEN)
        closed = to_close.update(status=Consultation.Status.CLOSED, closed_at=F("closes_at"))
        # update() sends no signal: the cached pages of these consultations are redone.
        if changed:
            fragments.bump(*(consultation_scope(pk) for pk in changed))
    return opened + closed


# Access codes ---------------------------------------------------------------------------------
def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


@transaction.atomic
def access_codes_generate(*, consultation: Consultation, count: int, batch: str, by) -> list[str]:
    """Single-use codes, returned once in clear (for the CSV); only their hashes are kept."""
    if not by.has_perm("consultations.manage_consultation", consultation):
        raise PermissionDenied
    codes: dict[str, str] = {}
    existing = set(consultation.access_codes.values_list("code_hash", flat=True))
    while len(codes) < count:
        code = _new_code()
        digest = access_code_hash(consultation, code)
        if digest not in existing and digest not in codes:
            codes[digest] = code
    AccessCode.objects.bulk_create(
        AccessCode(consultation=consultation, code_hash=digest, batch=batch) for digest in codes
    )
    return list(codes.values())


def access_code_find(*, consultation: Consultation, code: str) -> AccessCode | None:
    """The unused code matching what was typed, or None."""
    return AccessCode.objects.filter(
        consultation=consultation, code_hash=access_code_hash(consultation, code), used_on=None
    ).first()


# Drafts ---------------------------------------------------------------------------------------
def draft_start(
    *, consultation: Consultation, data: Mapping | None = None, editing: bool = False
) -> ResponseDraft:
    return ResponseDraft.objects.create(
        token=secrets.token_urlsafe(32),
        consultation=consultation,
        data=dict(data or {}),
        editing=editing,
    )


def draft_save(
    *, draft: ResponseDraft, data: Mapping, step: int, section_fields: Iterable[str]
) -> ResponseDraft:
    """Replace the answers of one section and remember where the person stands."""
    draft_merge(draft=draft, data=data, step=step, section_fields=section_fields)
    return draft_keep(draft=draft)


def draft_merge(
    *, draft: ResponseDraft, data: Mapping, step: int, section_fields: Iterable[str]
) -> ResponseDraft:
    """`draft_save` in memory only: the last page, sent with the whole response, is written
    to the draft only when the response is not stored (`draft_keep`)."""
    fields = set(section_fields)
    merged = {
        name: value
        for name, value in draft.data.items()
        if name not in fields and not any(name.startswith(f"{f}_") for f in fields)
    }
    merged.update(data)
    draft.data, draft.step = merged, step
    return draft


def draft_keep(*, draft: ResponseDraft) -> ResponseDraft:
    """Write the draft as it stands in memory (unless it was sent meanwhile)."""
    ResponseDraft.objects.filter(pk=draft.pk, submitted_at=None).update(
        data=draft.data, step=draft.step, updated_at=timezone.now()
    )
    return draft


# Answering ------------------------------------------------------------------------------------
def response_submit(
    *,
    consultation: Consultation,
    data: Mapping,
    user=None,
    access_code: str = "",
    browser_key: str = "",
    ip_address: str = "",
    draft: ResponseDraft | None = None,
) -> Response | None:
    """Record one response. Returns None when this very draft was already sent (a double
    click or a second tab): the caller shows the same thank-you page.

    An anonymous consultation is written in two transactions (participation, then response)
    so that nothing, not even the transaction id, ties the two rows together.
    """
    if consultation.phase() != Consultation.Status.OPEN:
        raise ConsultationNotOpen(_("Cette consultation n'accepte pas de réponses en ce moment."))
    clean, errors = validate_questionnaire(consultation, data)
    if errors:
        raise QuestionnaireInvalid(errors)
    if user is not None and not user.is_authenticated:
        user = None
    today = timezone.localdate()

    with transaction.atomic():
        if draft is not None:
            draft = ResponseDraft.objects.select_for_update().get(pk=draft.pk)
            if draft.submitted_at is not None:
                return None
        code = None
        if consultation.requires_access_code:
            code = (
                AccessCode.objects.select_for_update()
                .filter(
                    consultation=consultation, code_hash=access_code_hash(consultation, access_code)
                )
                .first()
            )
            if code is None or code.used_on is not None:
                raise ConsultationError(_("Ce code d'accès n'est pas valable ou a déjà servi."))
        address_hash = ip_hash(consultation, ip_address, today)
        burst = bool(address_hash) and (
            Participation.objects.filter(
                consultation=consultation, ip_hash=address_hash, created_on=today
            ).count()
            >= settings.CAFLAB_CONSULTATION_BURST_PER_DAY
        )
        participation = Participation(
            consultation=consultation,
            user=user,
            access_code=code,
            respondent_key=browser_key_hash(consultation, browser_key) if user is None else "",
            ip_hash=address_hash,
            created_on=today,
        )
        if not _insert_unless_answered(participation):
            raise AlreadyAnswered(_("Vous avez déjà répondu à cette consultation. Merci !"))
        if code is not None:
            AccessCode.objects.filter(pk=code.pk).update(used_on=today)
        if draft is not None:
            ResponseDraft.objects.filter(pk=draft.pk).update(submitted_at=timezone.now())
        if not consultation.is_anonymous:
            return _write_response(consultation, clean, today, burst, participation=participation)

    try:
        with transaction.atomic():
            response = _write_response(consultation, clean, today, burst, participation=None)
            if draft is not None:
                ResponseDraft.objects.filter(pk=draft.pk).update(data={})
    except Exception:
        # Undo the participation, so that the person can answer again.
        with transaction.atomic():
            participation.delete()
            if code is not None:
                AccessCode.objects.filter(pk=code.pk).update(used_on=None)
            if draft is not None:
                ResponseDraft.objects.filter(pk=draft.pk).update(submitted_at=None)
        raise
    return response


def _insert_unless_answered(participation: Participation) -> bool:
    """Insert the participation, or nothing when this person, browser or code already took
    part (the unique constraints): one statement, no savepoint. A concurrent insert of the
    same person waits for the other transaction, then inserts nothing."""
    fields = list(Participation._meta.concrete_fields)
    values = [f.get_db_prep_save(f.pre_save(participation, True), connection) for f in fields]
    table = connection.ops.quote_name(Participation._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    params = ", ".join(["%s"] * len(fields))
    # Names from the model, values as parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({params}) ON CONFLICT DO NOTHING"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        inserted = cursor.rowcount == 1
    if inserted:
        participation._state.adding = False
        participation._state.db = connection.alias
    # No post_save: the response written next bumps the app's cache scope (caflab.fragments).
    return inserted


def _questions(consultation: Consultation) -> list[Question]:
    """The questions with their choices: from the selector's prefetch when it ran."""
    loaded = getattr(consultation, "ordered_questions", None)
    if loaded is not None:
        return loaded
    return list(consultation.questions.prefetch_related("choices"))


def _write_response(consultation, clean: Mapping, day, burst: bool, *, participation) -> Response:
    questions = _questions(consultation)
    response = Response.objects.create(
        consultation=consultation,
        participation=participation,
        submitted_on=day,
        review=Response.Review.FLAGGED if burst else Response.Review.VALID,
    )
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=value.question,
            choice_id=value.choice_id,
            text=value.text,
            number=value.number,
            date=value.date,
        )
        for value in answer_values(questions, clean)
    )
    # Last, so that the consultation row stays locked for the shortest time.
    Consultation.objects.filter(pk=consultation.pk).update(
        respondent_count=F("respondent_count") + 1
    )
    if burst:
        logger.warning(
            "consultation %s: burst of responses from one address, flagged", consultation.pk
        )
    return response


@transaction.atomic
def response_update(*, consultation: Consultation, user, data: Mapping) -> Response:
    """A logged-in person edits their answers while the consultation is open (never possible
    for an anonymous consultation: nothing ties the response to them)."""
    if consultation.is_anonymous:
        raise ConsultationError(
            _("Les réponses à une consultation anonyme ne peuvent pas être modifiées.")
        )
    if consultation.phase() != Consultation.Status.OPEN:
        raise ConsultationNotOpen(_("Cette consultation n'accepte plus de modifications."))
    clean, errors = validate_questionnaire(consultation, data)
    if errors:
        raise QuestionnaireInvalid(errors)
    response = (
        Response.objects.select_for_update()
        .filter(consultation=consultation, participation__user=user)
        .first()
    )
    if response is None:
        raise ConsultationError(_("Vous n'avez pas encore répondu à cette consultation."))
    response.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=v.question,
            choice_id=v.choice_id,
            text=v.text,
            number=v.number,
            date=v.date,
        )
        for v in answer_values(_questions(consultation), clean)
    )
    # Like a new response (bulk_create sends no signal): taken in by the open phase's refresh.
    fragments.bump(answers_scope(consultation.pk))
    return response


# Staff work on the answers -------------------------------------------------------------------
@transaction.atomic
def response_review(*, response: Response, review: str, by) -> Response:
    if not by.has_perm("consultations.manage_consultation", response.consultation):
        raise PermissionDenied
    Response.objects.filter(pk=response.pk).update(review=review)
    response.review = review
    # update() sends no signal: the results of the consultation are counted again.
    fragments.bump(consultation_scope(response.consultation_id))
    return response


@transaction.atomic
def tag_create(*, consultation: Consultation, name: str, kind: str, by) -> Tag:
    if not by.has_perm("consultations.manage_consultation", consultation):
        raise PermissionDenied
    tag, _created = Tag.objects.get_or_create(
        consultation=consultation, name=name.strip(), defaults={"kind": kind}
    )
    return tag


@transaction.atomic
def answer_toggle_tag(*, answer: Answer, tag: Tag, by) -> bool:
    """Add the tag to a free-text answer, or remove it; returns whether it is now there."""
    if not by.has_perm("consultations.manage_consultation", tag.consultation):
        raise PermissionDenied
    if tag.consultation_id != answer.question.consultation_id:
        raise ConsultationError(_("Cette étiquette appartient à une autre consultation."))
    through = Answer.tags.through
    # The rows of the many-to-many send no signal: the tag counts are redone.
    fragments.bump(tags_scope(tag.consultation_id))
    deleted, _rows = through.objects.filter(answer=answer, tag=tag).delete()
    if deleted:
        return False
    through.objects.get_or_create(answer=answer, tag=tag)
    return True


@transaction.atomic
def restitution_save(
    *,
    consultation: Consultation,
    title: str,
    synthesis: str,
    featured: Iterable[Question],
    publish: bool,
    by,
) -> Restitution:
    if not by.has_perm("consultations.manage_consultation", consultation):
        raise PermissionDenied
    if publish and consultation.status != Consultation.Status.RESULTS:
        raise ConsultationError(_("Publiez d'abord les résultats de la consultation."))
    restitution, _created = Restitution.objects.update_or_create(
        consultation=consultation, defaults={"title": title, "synthesis": synthesis}
    )
    restitution.featured_questions.set(featured)
    if publish and restitution.published_at is None:
        restitution.published_at = timezone.now()
        restitution.save(update_fields=["published_at"])
    if not publish and restitution.published_at is not None:
        restitution.published_at = None
        restitution.save(update_fields=["published_at"])
    return restitution


def drafts_purge(*, older_than_days: int = 30) -> int:
    """Unsent drafts hold answers: they do not outlive their usefulness."""
    limit = timezone.now() - timezone.timedelta(days=older_than_days)
    deleted, _rows = ResponseDraft.objects.filter(updated_at__lt=limit).delete()
    return deleted
