"""Every write of Eurekaf, in transactions; notifications leave after commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from caflab import audit, files, fragments, notifications
from eurekaf.models import (
    Attachment,
    Campaign,
    Comment,
    Follow,
    Idea,
    IdeaBox,
    IdeaStatusChange,
    InternalNote,
    Report,
    Support,
    Theme,
)

MAX_ATTACHMENTS = 5


class IdeaError(ValidationError):
    """A rule of the idea box refuses the action; the message is for the user."""


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _changed(*idea_ids: int) -> None:
    """Writes made with update() send no signal: what was cached from these ideas (lists,
    counts, pages, API rows) is made unreachable here, for the next reader."""
    fragments.bump(*(f"eurekaf:idea:{pk}" for pk in idea_ids))


def _update(idea_id: int, **values) -> int:
    """An update() of one idea's row (F() counters stay exact under concurrency), then the
    bump that the missing signal would have made."""
    updated = Idea.objects.filter(pk=idea_id).update(**values)
    _changed(idea_id)
    return updated


def _touch(idea_id: int, **counters) -> None:
    """Counters move with the rows they count; last_activity_at feeds « tendance »."""
    updates = {name: F(name) + delta for name, delta in counters.items()}
    _update(idea_id, last_activity_at=timezone.now(), **updates)


# Boxes ----------------------------------------------------------------------------------------
@transaction.atomic
def box_for_caf(*, caf) -> IdeaBox:
    """The box of a Caf (created the first time), or the national box for None."""
    if caf is None:
        box, _created = IdeaBox.objects.get_or_create(
            caf=None, defaults={"name": _("Boîte nationale"), "slug": "nationale"}
        )
        return box
    box, _created = IdeaBox.objects.get_or_create(
        caf=caf, defaults={"name": caf.name, "slug": f"caf-{caf.number.lower()}"}
    )
    return box


# Ideas ----------------------------------------------------------------------------------------
@transaction.atomic
def idea_create(
    *,
    box: IdeaBox,
    author,
    title: str,
    description: str,
    campaign: Campaign | None = None,
    themes: Iterable[Theme] = (),
    uploads: Iterable = (),
) -> Idea:
    _require(author, "eurekaf.post_idea", box)
    if campaign is not None:
        if campaign.box_id != box.pk:
            raise IdeaError(_("Cette campagne appartient à une autre boîte à idées."))
        if not campaign.is_running():
            raise IdeaError(_("Cette campagne n'accepte plus d'idées."))
    idea = Idea.objects.create(
        box=box,
        campaign=campaign,
        author=author,
        origin_caf_id=author.caf_id,
        title=title.strip(),
        description=description.strip(),
    )
    idea.themes.set(themes)
    IdeaStatusChange.objects.create(idea=idea, to_status=Idea.Status.SUBMITTED, by=author)
    Follow.objects.create(idea=idea, user=author)
    _update(idea.pk, follower_count=1)
    idea.follower_count = 1
    for upload in uploads:
        attachment_add(idea=idea, upload=upload, by=author)
    managers = list(box.managers.all())
    if managers:
        notifications.notify(
            users=managers,
            template="eurekaf/emails/idea_submitted",
            context={"idea_id": idea.pk, "title": idea.title},
        )
    return idea


@transaction.atomic
def idea_update(
    *, idea: Idea, by, title: str, description: str, themes: Iterable[Theme] = ()
) -> Idea:
    """The author edits the idea, as long as nobody has reacted to it."""
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if not by.has_perm("eurekaf.edit_idea", idea):
        if idea.author_id == by.pk:
            raise IdeaError(
                _(
                    "Cette idée a déjà reçu des soutiens ou des commentaires : elle ne peut "
                    "plus être modifiée."
                )
            )
        raise PermissionDenied
    idea.title, idea.description = title.strip(), description.strip()
    idea.save(update_fields=["title", "description", "updated_at"])
    idea.themes.set(themes)
    return idea


@transaction.atomic
def attachment_add(*, idea: Idea, upload, by) -> Attachment:
    kind = files.validate_upload(upload)
    if idea.attachments.count() >= MAX_ATTACHMENTS:
        raise IdeaError(_("Une idée compte au plus %(n)d pièces jointes.") % {"n": MAX_ATTACHMENTS})
    return Attachment.objects.create(
        idea=idea,
        file=upload,
        name=upload.name[:200],
        size=upload.size,
        content_type=kind.content_type,
        uploaded_by=by,
    )


# Reactions ------------------------------------------------------------------------------------
def idea_support(*, idea: Idea, agent) -> bool:
    """One support per agent and idea; a second call is a no-op, never a duplicate.
    Returns whether a support was added."""
    _require(agent, "eurekaf.support_idea", idea)
    try:
        with transaction.atomic():
            Support.objects.create(idea=idea, agent=agent)
            _touch(idea.pk, support_count=1)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def idea_unsupport(*, idea: Idea, agent) -> bool:
    deleted, _rows = Support.objects.filter(idea=idea, agent=agent).delete()
    if deleted:
        _update(idea.pk, support_count=F("support_count") - 1)
    return bool(deleted)


def idea_follow(*, idea: Idea, user) -> bool:
    _require(user, "eurekaf.follow_idea", idea)
    try:
        with transaction.atomic():
            Follow.objects.create(idea=idea, user=user)
            _update(idea.pk, follower_count=F("follower_count") + 1)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def idea_unfollow(*, idea: Idea, user) -> bool:
    deleted, _rows = Follow.objects.filter(idea=idea, user=user).delete()
    if deleted:
        _update(idea.pk, follower_count=F("follower_count") - 1)
    return bool(deleted)


@transaction.atomic
def comment_create(*, idea: Idea, author, text: str) -> Comment:
    _require(author, "eurekaf.comment_idea", idea)
    text = text.strip()
    if not text:
        raise IdeaError(_("Le commentaire est vide."))
    comment = Comment.objects.create(idea=idea, author=author, text=text)
    _touch(idea.pk, comment_count=1)
    if not Follow.objects.filter(idea=idea, user=author).exists():
        Follow.objects.create(idea=idea, user=author)
        _update(idea.pk, follower_count=F("follower_count") + 1)
    followers = idea_followers(idea, exclude=author)
    if followers:
        notifications.notify(
            users=followers,
            template="eurekaf/emails/idea_commented",
            context={"idea_id": idea.pk, "title": idea.title},
        )
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, by, reason: str) -> Comment:
    """Moderation: the comment stays in the database, hidden, with its reason; its author
    is told."""
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("idea", "author")
        .get(pk=comment.pk)
    )
    was_hidden = comment.is_hidden
    _hide(
        obj=comment,
        idea=comment.idea,
        by=by,
        reason=reason,
        reports=Report.objects.filter(comment=comment),
        template="eurekaf/emails/comment_hidden",
        extra={"hidden_by": by},
    )
    # A hidden comment no longer counts in the lists' figures.
    if not was_hidden:
        _update(comment.idea_id, comment_count=F("comment_count") - 1)
    return comment


@transaction.atomic
def idea_hide(*, idea: Idea, by, reason: str) -> Idea:
    _hide(
        obj=idea,
        idea=idea,
        by=by,
        reason=reason,
        reports=Report.objects.filter(idea=idea, comment=None),
        template="eurekaf/emails/idea_hidden",
    )
    return idea


def _hide(*, obj, idea: Idea, by, reason: str, reports, template: str, extra=None) -> None:
    """Hide an idea or a comment with a reason, close its reports, tell its author."""
    _require(by, "eurekaf.answer_idea", idea)
    reason = reason.strip()
    if not reason:
        raise IdeaError(_("Indiquez le motif du masquage : il est communiqué à l'auteur."))
    type(obj).objects.filter(pk=obj.pk).update(
        is_hidden=True, hidden_reason=reason, **(extra or {})
    )
    _changed(idea.pk)
    audit.record_update(obj, by=by, is_hidden=True, hidden_reason=reason)
    reports.filter(resolved_at=None).update(resolved_at=timezone.now())
    if obj.author_id:
        notifications.notify(
            users=[obj.author],
            template=template,
            context={"idea_id": idea.pk, "title": idea.title, "reason": reason},
        )
    obj.is_hidden, obj.hidden_reason = True, reason


@transaction.atomic
def report_resolve(*, report: Report, by) -> Report:
    """A manager closes a report without hiding anything (nothing wrong found)."""
    _require(by, "eurekaf.answer_idea", report.idea)
    Report.objects.filter(pk=report.pk, resolved_at=None).update(resolved_at=timezone.now())
    _changed(report.idea_id)
    report.refresh_from_db()
    return report


def report_create(*, idea: Idea, by, reason: str, comment: Comment | None = None) -> Report:
    _require(by, "eurekaf.report_idea", idea)
    if comment is not None and comment.idea_id != idea.pk:
        raise IdeaError(_("Ce commentaire n'appartient pas à cette idée."))
    if not reason.strip():
        raise IdeaError(_("Dites en quelques mots pourquoi vous signalez ce contenu."))
    try:
        with transaction.atomic():
            report = Report.objects.create(
                idea=idea, comment=comment, reporter=by, reason=reason.strip()[:300]
            )
    except IntegrityError as exc:
        raise IdeaError(_("Vous avez déjà signalé ce contenu ; l'équipe va l'examiner.")) from exc
    managers = list(idea.box.managers.all())
    if managers:
        notifications.notify(
            users=managers,
            template="eurekaf/emails/content_reported",
            context={"idea_id": idea.pk, "title": idea.title},
        )
    return report


# Follow-up ------------------------------------------------------------------------------------
def idea_followers(idea: Idea, *, exclude=None) -> list:
    from caflab.models import User

    qs = User.objects.filter(idea_follows__idea=idea, is_active=True)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs)


@transaction.atomic
def idea_change_status(*, idea: Idea, by, to_status: str, answer: str = "") -> Idea:
    """Move an idea along its workflow; the change and its official answer go to the public
    timeline, and the author and followers are told."""
    _require(by, "eurekaf.answer_idea", idea)
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if to_status == Idea.Status.MERGED:
        raise IdeaError(_("Pour fusionner une idée, utilisez l'action « Fusionner »."))
    if to_status not in idea.allowed_transitions():
        raise IdeaError(
            _("Une idée « %(from)s » ne peut pas passer à « %(to)s ».")
            % {
                "from": idea.get_status_display(),
                "to": Idea.Status(to_status).label
                if to_status in Idea.Status.values
                else to_status,
            }
        )
    answer = answer.strip()
    if to_status == Idea.Status.REJECTED and not answer:
        raise IdeaError(
            _("Une idée non retenue doit recevoir une réponse publique qui explique pourquoi.")
        )
    _record_status(idea, by=by, to_status=to_status, answer=answer)
    return idea


def _record_status(idea: Idea, *, by, to_status: str, answer: str) -> None:
    now = timezone.now()
    previous = idea.status
    IdeaStatusChange.objects.create(
        idea=idea, from_status=previous, to_status=to_status, answer=answer, by=by, created_at=now
    )
    idea.status, idea.status_changed_at, idea.last_activity_at = to_status, now, now
    fields = ["status", "status_changed_at", "last_activity_at", "updated_at"]
    if idea.first_answer_at is None and to_status != Idea.Status.SUBMITTED:
        idea.first_answer_at = now
        fields.append("first_answer_at")
    idea.save(update_fields=fields)
    recipients = idea_followers(idea, exclude=by)
    if recipients:
        notifications.notify(
            users=recipients,
            template="eurekaf/emails/status_changed",
            context={
                "idea_id": idea.pk,
                "title": idea.title,
                "status": str(Idea.Status(to_status).label),
                "answer": answer,
            },
        )


def ideas_change_status(
    *, ideas: Iterable[Idea], by, to_status: str, answer: str = ""
) -> tuple[int, list[str]]:
    """Bulk change: each idea in its own transaction; returns (done, French errors)."""
    done, errors = 0, []
    for idea in ideas:
        try:
            idea_change_status(idea=idea, by=by, to_status=to_status, answer=answer)
            done += 1
        except (IdeaError, PermissionDenied) as exc:
            message = exc.message if isinstance(exc, IdeaError) else _("Action non autorisée.")
            errors.append(f"« {idea.title} » : {message}")
    return done, errors


@transaction.atomic
def idea_merge(*, duplicate: Idea, into: Idea, by, answer: str = "") -> Idea:
    """A duplicate joins the original: supports and followers move without double counting,
    the duplicate shows where it went."""
    _require(by, "eurekaf.answer_idea", duplicate)
    _require(by, "eurekaf.answer_idea", into)
    if duplicate.pk == into.pk:
        raise IdeaError(_("Une idée ne peut pas être fusionnée avec elle-même."))
    first, second = sorted([duplicate.pk, into.pk])
    locked = {
        idea.pk: idea
        for idea in Idea.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")
    }
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    if duplicate.status == Idea.Status.MERGED:
        raise IdeaError(_("Cette idée est déjà fusionnée."))
    if into.status == Idea.Status.MERGED:
        raise IdeaError(
            _("On ne fusionne pas dans une idée elle-même fusionnée : choisissez l'idée d'origine.")
        )
    _update(duplicate.pk, merged_into=into)
    audit.record_update(duplicate, by=by, merged_into=into)
    duplicate.merged_into = into
    # Told first, while the duplicate's followers still follow it.
    _record_status(
        duplicate,
        by=by,
        to_status=Idea.Status.MERGED,
        answer=answer.strip()
        or _("Cette idée rejoint « %(title)s », qui porte la même proposition.")
        % {"title": into.title},
    )
    # The original's author does not support their own idea: their support is dropped.
    moved_supports = _move(Support, "agent_id", duplicate, into, skip={into.author_id})
    moved_follows = _move(Follow, "user_id", duplicate, into)
    _update(
        into.pk,
        support_count=F("support_count") + moved_supports,
        follower_count=F("follower_count") + moved_follows,
        last_activity_at=timezone.now(),
    )
    _update(duplicate.pk, support_count=0, follower_count=0)
    into.refresh_from_db()
    return into


def _move(model, person_field: str, source: Idea, target: Idea, skip=frozenset()) -> int:
    """Move rows to the target idea, except for the people already there; returns how many
    moved (the others are deleted: one support per person)."""
    already = set(model.objects.filter(idea=target).values_list(person_field, flat=True))
    already |= {person for person in skip if person is not None}
    rows = model.objects.filter(idea=source)
    moved = rows.exclude(**{f"{person_field}__in": already}).update(idea=target)
    _changed(source.pk, target.pk)
    rows.delete()
    return moved


@transaction.atomic
def idea_escalate(*, idea: Idea, by, answer: str = "") -> Idea:
    """« Mettre à contribution nationale »: the idea moves to the national box with its history,
    supports and origin Caf."""
    _require(by, "eurekaf.escalate_idea", idea)
    idea = Idea.objects.select_for_update().select_related("box").get(pk=idea.pk)
    national = box_for_caf(caf=None)
    origin = idea.box
    _update(
        idea.pk, box=national, escalated_from=origin, campaign=None, last_activity_at=timezone.now()
    )
    audit.record_update(idea, by=by, box=national, campaign=None)
    IdeaStatusChange.objects.create(
        idea=idea,
        from_status=idea.status,
        to_status=idea.status,
        answer=answer.strip()
        or _("Idée mise à contribution nationale par %(box)s.") % {"box": origin.name},
        by=by,
    )
    idea.box, idea.escalated_from = national, origin
    managers = list(national.managers.all())
    notifications.notify(
        users=[*managers, *idea_followers(idea, exclude=by)],
        template="eurekaf/emails/idea_escalated",
        context={"idea_id": idea.pk, "title": idea.title, "origin": origin.name},
    )
    return idea


@transaction.atomic
def idea_assign(*, idea: Idea, by, assignee=None, service: str = "", due_on=None) -> Idea:
    _require(by, "eurekaf.answer_idea", idea)
    if assignee is not None and not assignee.has_perm("eurekaf.answer_idea", idea):
        raise IdeaError(_("Cette personne ne gère pas la boîte de cette idée."))
    _update(idea.pk, assignee=assignee, assigned_service=service.strip(), answer_due_on=due_on)
    audit.record_update(
        idea, by=by, assignee=assignee, assigned_service=service.strip(), answer_due_on=due_on
    )
    idea.assignee, idea.assigned_service, idea.answer_due_on = assignee, service.strip(), due_on
    if assignee is not None and assignee.pk != by.pk:
        notifications.notify(
            users=[assignee],
            template="eurekaf/emails/idea_assigned",
            context={"idea_id": idea.pk, "title": idea.title},
        )
    return idea


@transaction.atomic
def note_add(*, idea: Idea, by, text: str) -> InternalNote:
    _require(by, "eurekaf.answer_idea", idea)
    if not text.strip():
        raise IdeaError(_("La note est vide."))
    return InternalNote.objects.create(idea=idea, author=by, text=text.strip())


# Campaigns ------------------------------------------------------------------------------------
@transaction.atomic
def campaign_create(
    *,
    box: IdeaBox,
    by,
    title: str,
    slug: str,
    brief: str,
    starts_on,
    ends_on,
    kind: str = Campaign.Kind.THEMATIC,
    themes=(),
    pitch_on=None,
) -> Campaign:
    _require(by, "eurekaf.manage_box", box)
    if ends_on < starts_on:
        raise IdeaError(_("La campagne doit se terminer après avoir commencé."))
    if Campaign.objects.filter(slug=slug).exists():
        raise IdeaError(_("Cette adresse de campagne est déjà prise : choisissez-en une autre."))
    campaign = Campaign.objects.create(
        box=box,
        kind=kind,
        title=title.strip(),
        slug=slug,
        brief=brief,
        starts_on=starts_on,
        ends_on=ends_on,
        pitch_on=pitch_on,
        created_by=by,
    )
    campaign.themes.set(themes)
    return campaign
