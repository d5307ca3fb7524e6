"""Every write of the living labs, in transactions; invitations leave after commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caflab import activity, fragments
from livinglabs.models import (
    INACTIVITY_MONTHS,
    Contribution,
    Invitation,
    Lab,
    Member,
    Solicitation,
    Workshop,
)

PERSONAL_FIELDS = ("first_name", "last_name", "email", "phone")


class LabError(ValidationError):
    """A rule of the living lab refuses the action; the message is for the user."""


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _scope(lab_id: int) -> str:
    return f"livinglabs.lab:{lab_id}"


# Members -------------------------------------------------------------------------------------
@transaction.atomic
def member_join(
    *,
    lab: Lab,
    by,
    pseudonym: str,
    profile: str,
    consent_version: str,
    joined_on: date | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
) -> Member:
    """A person joins the community; nobody joins without a consent, dated and versioned."""
    _require(by, "livinglabs.manage_lab", lab)
    if not consent_version.strip():
        raise LabError(_("Le consentement de la personne est obligatoire pour l'inscrire."))
    if not pseudonym.strip():
        raise LabError(_("Donnez un pseudonyme : c'est lui qui apparaît dans les comptes rendus."))
    member = Member.objects.create(
        lab=lab,
        pseudonym=pseudonym.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        profile=profile,
        consent_at=timezone.now(),
        consent_version=consent_version.strip(),
        joined_on=joined_on or timezone.localdate(),
    )
    # The journal names the pseudonym only: no personal data in the audit trail.
    activity.record(actor=by, verb="member.joined", obj=member, scope=_scope(lab.pk))
    return member


@transaction.atomic
def member_leave(*, member: Member, by, on: date | None = None) -> Member:
    _require(by, "livinglabs.manage_lab", member)
    on = on or timezone.localdate()
    if on < member.joined_on:
        raise LabError(_("La date de départ précède l'arrivée du membre."))
    Member.objects.filter(pk=member.pk).update(left_on=on)
    fragments.bump("livinglabs")  # an update(): no signal
    member.left_on = on
    activity.record(actor=by, verb="member.left", obj=member, scope=_scope(member.lab_id))
    return member


@transaction.atomic
def member_anonymise(*, member: Member, by) -> Member:
    """Erase the person's identity for good; the profile, dates and attendance stay, so the
    lab's statistics do not change."""
    if not (by.has_perm("livinglabs.manage_lab", member) or by.is_caflab_staff):
        raise PermissionDenied
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.anonymised_at is None:
        member.first_name = member.last_name = member.email = member.phone = ""
        member.pseudonym = _("Membre anonymisé n°%(n)s") % {"n": member.pk}
        member.anonymised_at = timezone.now()
        member.left_on = member.left_on or timezone.localdate()
        member.save()
        activity.record(actor=by, verb="member.anonymised", obj=member, scope=_scope(member.lab_id))
    return member


def members_flag_inactive(*, today: date | None = None) -> int:
    """Members with no participation for 24 months are flagged for anonymisation (beat)."""
    today = today or timezone.localdate()
    limit = today - timedelta(days=round(INACTIVITY_MONTHS * 30.44))
    stale = Q(last_seen_on__lt=limit) | Q(last_seen_on__isnull=True, joined_on__lt=limit)
    flagged = Member.objects.filter(
        stale, anonymised_at__isnull=True, flagged_inactive_on__isnull=True
    ).update(flagged_inactive_on=today)
    fragments.bump("livinglabs")  # an update(): no signal
    return flagged


# Workshops ------------------------------------------------------------------------------------
@transaction.atomic
def workshop_create(
    *,
    lab: Lab,
    by,
    topic: str,
    starts_at,
    ends_at,
    mode: str,
    place: str,
    solicitation: Solicitation | None = None,
) -> Workshop:
    _require(by, "livinglabs.manage_lab", lab)
    if ends_at <= starts_at:
        raise LabError(_("L'atelier doit finir après avoir commencé."))
    if solicitation is not None and not solicitation.labs.filter(pk=lab.pk).exists():
        raise LabError(_("Ce living lab n'est pas sollicité sur ce sujet."))
    workshop = Workshop.objects.create(
        lab=lab,
        topic=topic.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        place=place.strip(),
        solicitation=solicitation,
    )
    workshop.facilitators.add(by)
    activity.record(actor=by, verb="workshop.created", obj=workshop, scope=_scope(lab.pk))
    return workshop


@transaction.atomic
def workshop_invite(*, workshop: Workshop, members: Iterable[Member], by) -> int:
    """Invite members (each once); each receives an e-mail with the .ics after commit."""
    _require(by, "livinglabs.manage_lab", workshop)
    from livinglabs.tasks import send_invitation

    members = [m for m in members if m.lab_id == workshop.lab_id and m.is_active]
    already = set(workshop.invitations.values_list("member_id", flat=True))
    created = Invitation.objects.bulk_create(
        Invitation(workshop=workshop, member=m) for m in members if m.pk not in already
    )
    fragments.bump("livinglabs")  # a bulk_create(): no signal
    for invitation in created:
        if invitation.member.email:
            transaction.on_commit(lambda pk=invitation.pk: send_invitation.delay(invitation_id=pk))
    return len(created)


@transaction.atomic
def attendance_record(*, workshop: Workshop, present: Iterable[Member], by) -> tuple[int, int]:
    """Who came: the invited who came are present, the others absent; someone who came without
    an invitation is added. Returns (present, invited)."""
    _require(by, "livinglabs.manage_lab", workshop)
    present_ids = {m.pk for m in present if m.lab_id == workshop.lab_id}
    invited = set(workshop.invitations.values_list("member_id", flat=True))
    Invitation.objects.bulk_create(
        Invitation(workshop=workshop, member_id=pk, attended=True) for pk in present_ids - invited
    )
    workshop.invitations.filter(member_id__in=present_ids).update(attended=True)
    workshop.invitations.exclude(member_id__in=present_ids).update(attended=False)
    day = timezone.localtime(workshop.starts_at).date()
    Member.objects.filter(pk__in=present_ids).filter(
        Q(last_seen_on__isnull=True) | Q(last_seen_on__lt=day)
    ).update(last_seen_on=day, flagged_inactive_on=None)
    fragments.bump("livinglabs")  # bulk_create() and update(): no signal
    activity.record(
        actor=by,
        verb="workshop.attendance",
        obj=workshop,
        scope=_scope(workshop.lab_id),
        changes={"présents": [None, len(present_ids)]},
    )
    return len(present_ids), Invitation.objects.filter(workshop=workshop).count()


@transaction.atomic
def workshop_write_minutes(*, workshop: Workshop, by, minutes: str) -> Workshop:
    _require(by, "livinglabs.manage_lab", workshop)
    Workshop.objects.filter(pk=workshop.pk).update(minutes=minutes.strip())
    fragments.bump("livinglabs")  # an update(): no signal
    workshop.minutes = minutes.strip()
    return workshop


# Contributions --------------------------------------------------------------------------------
@transaction.atomic
def contribution_add(
    *, workshop: Workshop, by, kind: str, text: str, tags: str = ""
) -> Contribution:
    _require(by, "livinglabs.manage_lab", workshop)
    if not text.strip():
        raise LabError(_("La contribution est vide."))
    tags = ", ".join(tag.strip() for tag in tags.split(",") if tag.strip())
    return Contribution.objects.create(
        workshop=workshop, kind=kind, text=text.strip(), tags=tags[:200]
    )


@transaction.atomic
def contribution_set_status(
    *, contribution: Contribution, by, status: str, reason: str = ""
) -> Contribution:
    if not (by.has_perm("livinglabs.manage_lab", contribution) or by.is_caflab_staff):
        raise PermissionDenied
    if status == Contribution.Status.REJECTED and not reason.strip():
        raise LabError(
            _("Dites pourquoi la contribution n'est pas retenue : le living lab le lira.")
        )
    Contribution.objects.filter(pk=contribution.pk).update(
        status=status, status_reason=reason.strip()
    )
    fragments.bump("livinglabs")  # an update(): no signal
    contribution.status, contribution.status_reason = status, reason.strip()
    return contribution


@transaction.atomic
def contribution_to_eurekaf(*, contribution: Contribution, by):
    """Send a contribution on as an idea in the lab's Caf box, in the facilitator's name."""
    _require(by, "livinglabs.manage_lab", contribution)
    if contribution.eurekaf_idea_id:
        raise LabError(_("Cette contribution a déjà été transmise à Eurekaf."))
    from eurekaf import services as eurekaf

    workshop = contribution.workshop
    lab = workshop.lab
    title = contribution.text.split("\n", 1)[0][:150]
    description = _(
        "%(text)s\n\nContribution du living lab « %(lab)s », atelier « %(topic)s » du %(date)s."
    ) % {
        "text": contribution.text,
        "lab": lab.name,
        "topic": workshop.topic,
        "date": timezone.localtime(workshop.starts_at).strftime("%d/%m/%Y"),
    }
    idea = eurekaf.idea_create(
        box=eurekaf.box_for_caf(caf=lab.caf), author=by, title=title, description=description
    )
    Contribution.objects.filter(pk=contribution.pk).update(eurekaf_idea_id=idea.pk)
    fragments.bump("livinglabs")  # an update(): no signal
    contribution.eurekaf_idea_id = idea.pk
    return idea


@transaction.atomic
def contribution_link_consultation(*, contribution: Contribution, by, consultation) -> Contribution:
    """Attach a contribution to a consultation of « La Caf à votre écoute » (None detaches)."""
    _require(by, "livinglabs.manage_lab", contribution)
    consultation_id = consultation.pk if consultation is not None else None
    Contribution.objects.filter(pk=contribution.pk).update(consultation_id=consultation_id)
    fragments.bump("livinglabs")  # an update(): no signal
    contribution.consultation_id = consultation_id
    return contribution


def contribution_link_project(*, contribution: Contribution, by, project) -> Contribution:
    """Attach a contribution to a project of the CafLab's portfolio (None detaches); the
    facilitator must be able to see the project."""
    _require(by, "livinglabs.manage_lab", contribution)
    if project is not None and not by.has_perm("projects.view_project", project):
        raise PermissionDenied
    project_id = project.pk if project is not None else None
    Contribution.objects.filter(pk=contribution.pk).update(project_id=project_id)
    fragments.bump("livinglabs")  # an update(): no signal
    contribution.project_id = project_id
    return contribution


# Solicitations -------------------------------------------------------------------------------
@transaction.atomic
def solicitation_create(
    *,
    by,
    title: str,
    requester: str,
    brief: str,
    deliverable: str,
    deadline: date,
    labs: Iterable[Lab],
) -> Solicitation:
    _require(by, "livinglabs.manage_solicitations", None)
    labs = list(labs)
    if not labs:
        raise LabError(_("Choisissez au moins un living lab à solliciter."))
    solicitation = Solicitation.objects.create(
        title=title.strip(),
        requester=requester.strip(),
        brief=brief.strip(),
        deliverable=deliverable.strip(),
        deadline=deadline,
        created_by=by,
    )
    solicitation.labs.set(labs)
    return solicitation


@transaction.atomic
def solicitation_answer(*, solicitation: Solicitation, by, synthesis: str) -> Solicitation:
    """The consolidated answer the requesting direction receives."""
    _require(by, "livinglabs.manage_solicitations", solicitation)
    if not synthesis.strip():
        raise LabError(_("Rédigez la réponse consolidée avant de la transmettre."))
    Solicitation.objects.filter(pk=solicitation.pk).update(
        synthesis=synthesis.strip(), status=Solicitation.Status.ANSWERED, answered_at=timezone.now()
    )
    fragments.bump("livinglabs")  # an update(): no signal
    solicitation.refresh_from_db()
    return solicitation
