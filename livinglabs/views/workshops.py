"""Workshops: a new one, its page (invitations, attendance, minutes, contributions and their
follow-up), and its invitation as an .ics file."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, ngettext

from livinglabs import ics, selectors, services
from livinglabs.forms import (
    AttendanceForm,
    ContributionForm,
    ContributionStatusForm,
    InviteForm,
    MinutesForm,
    WorkshopForm,
)
from livinglabs.models import Contribution, Workshop
from livinglabs.views.common import (
    LabsView,
    can_follow_up,
    contribution_or_404,
    error_text,
    require,
    rights,
    workshop_or_404,
)


def workshop_url(workshop: Workshop, anchor: str = "") -> str:
    url = reverse("livinglabs:workshop-detail", kwargs={"pk": workshop.pk})
    return f"{url}#{anchor}" if anchor else url


def attendance(invitations: list) -> dict:
    """« X présents sur Y invités »: Y counts every invitation, those who came uninvited
    included (services.attendance_record invites them)."""
    invited = len(invitations)
    present = sum(1 for invitation in invitations if invitation.attended)
    recorded = any(invitation.attended is not None for invitation in invitations)
    return {
        "invited": invited,
        "present": present,
        "recorded": recorded,
        "rate": round(100 * present / invited) if invited and recorded else None,
    }


def _consultations(user, contributions, *, manage: bool) -> dict:
    """The consultations a facilitator may attach contributions to, and those attached."""
    from consultations.selectors import consultation_list

    context = {}
    if manage:
        context["consultation_choices"] = list(
            consultation_list(user=user).order_by("-opens_at")[:100]
        )
        linked = {c.pk: c for c in context["consultation_choices"]}
    else:
        ids = {c.consultation_id for c in contributions if c.consultation_id}
        linked = {c.pk: c for c in consultation_list(user=user).filter(pk__in=ids)} if ids else {}
    for contribution in contributions:
        contribution.consultation = linked.get(contribution.consultation_id)
    return context


def _projects(user, contributions, *, manage: bool) -> dict:
    """The portfolio's projects a facilitator may attach contributions to, and those attached."""
    from projects.selectors import visible_projects

    context = {}
    if manage:
        context["project_choices"] = list(
            visible_projects(user=user).only("pk", "slug", "title").order_by("title")[:200]
        )
        linked = {p.pk: p for p in context["project_choices"]}
    else:
        ids = {c.project_id for c in contributions if c.project_id}
        linked = (
            {p.pk: p for p in visible_projects(user=user).filter(pk__in=ids).only("slug", "title")}
            if ids
            else {}
        )
    for contribution in contributions:
        contribution.project = linked.get(contribution.project_id)
    return context


def render_workshop(
    request: HttpRequest, workshop: Workshop, *, status: int = 200, **forms
) -> HttpResponse:
    user, lab = request.user, workshop.lab
    invitations = list(workshop.invitations.all())
    contributions = list(workshop.contributions.all())
    context = {
        "workshop": workshop,
        "lab": lab,
        "invitations": invitations,
        "attendance": attendance(invitations),
        "contributions": contributions,
        "can_follow_up": can_follow_up(user, lab),
        "has_errors": status == 400,
        **rights(user, lab),
    }
    if context["can_manage"]:
        invited_ids = {invitation.member_id for invitation in invitations}
        # The lab's members for the checkboxes: the active ones, and anyone already invited.
        members = [
            member
            # can_manage: a facilitator of the lab (the rule of selectors.lab_members); the
            # participation counts of the members page are not needed here.
            for member in lab.members.order_by("pseudonym", "pk")
            if member.is_active or member.pk in invited_ids
        ]
        candidates = [member for member in members if member.pk not in invited_ids]
        present = [invitation.member_id for invitation in invitations if invitation.attended]
        context.update(
            invite_form=forms.get("invite_form") or InviteForm(members=candidates),
            attendance_form=forms.get("attendance_form")
            or AttendanceForm(members=members, initial={"members": present}),
            minutes_form=forms.get("minutes_form")
            or MinutesForm(initial={"minutes": workshop.minutes}),
            contribution_form=forms.get("contribution_form") or ContributionForm(),
        )
    context.update(_consultations(user, contributions, manage=context["can_manage"]))
    context.update(_projects(user, contributions, manage=context["can_manage"]))
    if context["can_follow_up"]:
        bound = forms.get("status_form")
        for contribution in contributions:
            if bound is not None and bound.contribution.pk == contribution.pk:
                contribution.status_form = bound
            else:
                contribution.status_form = ContributionStatusForm(contribution=contribution)
    return render(request, "livinglabs/workshop_detail.html", context, status=status)


class WorkshopCreateView(LabsView):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            self.lab = selectors.lab_get(slug=kwargs["slug"])
            require(request.user, "livinglabs.manage_lab", self.lab)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        initial = {"mode": Workshop.Mode.ONSITE, "place": self.lab.venue}
        if solicitation := request.GET.get("sollicitation", ""):
            initial["solicitation"] = solicitation if solicitation.isdigit() else None
        return self.render_form(request, WorkshopForm(lab=self.lab, initial=initial))

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        form = WorkshopForm(request.POST, lab=self.lab)
        if form.is_valid():
            data = form.cleaned_data
            try:
                workshop = services.workshop_create(
                    lab=self.lab,
                    by=request.user,
                    topic=data["topic"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    mode=data["mode"],
                    place=data["place"],
                    solicitation=data["solicitation"],
                )
            except services.LabError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("L'atelier « %(topic)s » est programmé : invitez maintenant les membres.")
                    % {"topic": workshop.topic},
                )
                return redirect(workshop_url(workshop, "invitations"))
        return self.render_form(request, form, status=400)

    def render_form(self, request: HttpRequest, form, status: int = 200) -> HttpResponse:
        return render(
            request,
            "livinglabs/workshop_form.html",
            {"lab": self.lab, "form": form, "current": "detail"},
            status=status,
        )


class WorkshopView(LabsView):
    """A page or a form of one workshop: 404 for whoever may not see the lab's work, 403 for
    a write without `write_perm`."""

    write_perm = "livinglabs.manage_lab"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            self.workshop = workshop_or_404(request.user, kwargs["pk"])
            if request.method == "POST":
                require(request.user, self.write_perm, self.workshop.lab)
        return super().dispatch(request, *args, **kwargs)


class WorkshopDetailView(WorkshopView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render_workshop(request, self.workshop)


class WorkshopIcsView(WorkshopView):
    """The workshop for one's calendar (METHOD:PUBLISH: a download, not an invitation)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        response = HttpResponse(
            ics.workshop_event(self.workshop, method="PUBLISH"),
            content_type="text/calendar; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="atelier-{self.workshop.pk}.ics"'
        return response


class WorkshopInviteView(WorkshopView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        workshop = self.workshop
        invited_ids = {invitation.member_id for invitation in workshop.invitations.all()}
        candidates = [
            member
            for member in selectors.lab_members(user=request.user, lab=workshop.lab)
            if member.is_active and member.pk not in invited_ids
        ]
        form = InviteForm(request.POST, members=candidates)
        if not form.is_valid():
            return render_workshop(request, workshop, status=400, invite_form=form)
        chosen = form.chosen()
        count = services.workshop_invite(workshop=workshop, members=chosen, by=request.user)
        by_mail = sum(1 for member in chosen if member.email)
        text = ngettext("%(n)s membre invité.", "%(n)s membres invités.", count) % {"n": count}
        if by_mail:
            text += " " + ngettext(
                "%(n)s reçoit l'invitation par courriel, avec le fichier .ics pour son agenda.",
                "%(n)s reçoivent l'invitation par courriel, avec le fichier .ics pour leur agenda.",
                by_mail,
            ) % {"n": by_mail}
        if by_mail < count:
            text += " " + _("Prévenez les autres de vive voix : ils n'ont pas d'adresse.")
        messages.success(request, text)
        return redirect(workshop_url(workshop, "invitations"))


class WorkshopAttendanceView(WorkshopView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        workshop = self.workshop
        invited_ids = {invitation.member_id for invitation in workshop.invitations.all()}
        members = [
            member
            for member in selectors.lab_members(user=request.user, lab=workshop.lab)
            if member.is_active or member.pk in invited_ids
        ]
        form = AttendanceForm(request.POST, members=members)
        if not form.is_valid():
            return render_workshop(request, workshop, status=400, attendance_form=form)
        # The service counts the invitations through the workshop: give it one whose
        # invitations are not the (now stale) prefetched ones.
        unprefetched = Workshop.objects.select_related("lab").get(pk=workshop.pk)
        present, invited = services.attendance_record(
            workshop=unprefetched, present=form.chosen(), by=request.user
        )
        messages.success(
            request,
            _("Présences enregistrées : %(present)s sur %(invited)s.")
            % {
                "present": ngettext("%(n)s présent", "%(n)s présents", present) % {"n": present},
                "invited": ngettext("%(n)s invité", "%(n)s invités", invited) % {"n": invited},
            },
        )
        return redirect(workshop_url(workshop, "presences"))


class WorkshopMinutesView(WorkshopView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = MinutesForm(request.POST)
        if not form.is_valid():
            return render_workshop(request, self.workshop, status=400, minutes_form=form)
        services.workshop_write_minutes(
            workshop=self.workshop, by=request.user, minutes=form.cleaned_data["minutes"]
        )
        messages.success(request, _("Le compte rendu est enregistré."))
        return redirect(workshop_url(self.workshop, "compte-rendu"))


class ContributionCreateView(WorkshopView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = ContributionForm(request.POST)
        if form.is_valid():
            try:
                services.contribution_add(
                    workshop=self.workshop, by=request.user, **form.cleaned_data
                )
            except services.LabError as exc:
                form.add_error("text", error_text(exc))
            else:
                messages.success(
                    request,
                    _("Contribution ajoutée (%(kind)s).")
                    % {"kind": Contribution.Kind(form.cleaned_data["kind"]).label.lower()},
                )
                return redirect(workshop_url(self.workshop, "contributions"))
        return render_workshop(request, self.workshop, status=400, contribution_form=form)


class ContributionView(LabsView):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            self.contribution = contribution_or_404(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class ContributionStatusView(ContributionView):
    """What became of a contribution; « non retenue » needs a reason the lab will read."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        contribution = self.contribution
        if not can_follow_up(request.user, contribution):
            raise PermissionDenied
        form = ContributionStatusForm(request.POST, contribution=contribution)
        if form.is_valid():
            try:
                services.contribution_set_status(
                    contribution=contribution,
                    by=request.user,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                )
            except services.LabError as exc:
                form.add_error("reason", error_text(exc))
            else:
                messages.success(
                    request,
                    _("Suite donnée à la contribution : %(status)s.")
                    % {"status": contribution.get_status_display().lower()},
                )
                return redirect(workshop_url(contribution.workshop, f"contribution-{pk}"))
        workshop = selectors.workshop_get(pk=contribution.workshop_id)
        return render_workshop(request, workshop, status=400, status_form=form)


class ContributionEurekafView(ContributionView):
    """« Transmettre à Eurekaf »: the contribution becomes an idea in the lab's Caf box."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        contribution = self.contribution
        require(request.user, "livinglabs.manage_lab", contribution)
        try:
            idea = services.contribution_to_eurekaf(contribution=contribution, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("La contribution est transmise à Eurekaf : elle y devient l'idée n°%(n)s.")
                % {"n": idea.pk},
            )
        return redirect(workshop_url(contribution.workshop, f"contribution-{pk}"))


class ContributionConsultationView(ContributionView):
    """Attach the contribution to a consultation (or detach it with an empty choice)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        from consultations.selectors import consultation_list

        contribution = self.contribution
        require(request.user, "livinglabs.manage_lab", contribution)
        slug = request.POST.get("consultation", "").strip()
        consultation = None
        if slug:
            consultation = consultation_list(user=request.user).filter(slug=slug).first()
            if consultation is None:
                messages.error(request, _("Cette consultation est introuvable."))
                return redirect(workshop_url(contribution.workshop, f"contribution-{pk}"))
        services.contribution_link_consultation(
            contribution=contribution, by=request.user, consultation=consultation
        )
        if consultation is None:
            messages.success(request, _("La contribution n'est plus rattachée à une consultation."))
        else:
            messages.success(
                request,
                _("La contribution est rattachée à la consultation « %(title)s ».")
                % {"title": consultation.title},
            )
        return redirect(workshop_url(contribution.workshop, f"contribution-{pk}"))


class ContributionProjectView(ContributionView):
    """Attach the contribution to a project of the portfolio (or detach it with an empty choice)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        from projects.selectors import visible_projects

        contribution = self.contribution
        require(request.user, "livinglabs.manage_lab", contribution)
        slug = request.POST.get("project", "").strip()
        project = None
        if slug:
            project = visible_projects(user=request.user).filter(slug=slug).first()
            if project is None:
                messages.error(request, _("Ce projet est introuvable."))
                return redirect(workshop_url(contribution.workshop, f"contribution-{pk}"))
        services.contribution_link_project(
            contribution=contribution, by=request.user, project=project
        )
        if project is None:
            messages.success(request, _("La contribution n'est plus rattachée à un projet."))
        else:
            messages.success(
                request,
                _("La contribution est rattachée au projet « %(title)s ».")
                % {"title": project.title},
            )
        return redirect(workshop_url(contribution.workshop, f"contribution-{pk}"))
