"""The members of a lab, with their personal data: for the lab's facilitators only (404 for
everybody else, the facilitators of another lab included)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from livinglabs import selectors, services
from livinglabs.forms import MemberJoinForm
from livinglabs.models import Member
from livinglabs.views.common import LabsView, error_text, paginate, rights

PAGE_SIZE = 50


class MembersView(LabsView):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            self.lab = selectors.lab_get(slug=kwargs["slug"])
            self.members = selectors.lab_members(user=request.user, lab=self.lab)
        return super().dispatch(request, *args, **kwargs)

    def get_member(self, pk: int) -> Member:
        member = self.members.filter(pk=pk).first()
        if member is None:
            raise Http404
        member.lab = self.lab
        return member

    def back(self) -> str:
        return redirect("livinglabs:lab-members", slug=self.lab.slug)


class LabMembersView(MembersView):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        return self.render_page(request)

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        form = MemberJoinForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                member = services.member_join(
                    lab=self.lab,
                    by=request.user,
                    pseudonym=data["pseudonym"],
                    profile=data["profile"],
                    consent_version=data["consent_version"],
                    joined_on=data["joined_on"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    phone=data["phone"],
                )
            except services.LabError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("%(who)s a rejoint le living lab ; son consentement est enregistré.")
                    % {"who": member.pseudonym},
                )
                return self.back()
        return self.render_page(request, form, status=400)

    def render_page(self, request: HttpRequest, form=None, status: int = 200) -> HttpResponse:
        page = paginate(request, self.members, PAGE_SIZE)
        members = list(page.object_list)
        if form is None:
            # The text version the lab uses now: the one its latest member signed.
            latest = max(members, key=lambda m: m.consent_at, default=None)
            form = MemberJoinForm(
                initial={"consent_version": getattr(latest, "consent_version", "")}
            )
        return render(
            request,
            "livinglabs/lab_members.html",
            {
                "lab": self.lab,
                "page_obj": page,
                "members": members,
                "form": form,
                "profiles": Member.Profile.choices,
                "current": "members",
                **rights(request.user, self.lab),
            },
            status=status,
        )


class MemberLeaveView(MembersView):
    """The member leaves the community today; their history stays."""

    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        member = self.get_member(pk)
        if not member.is_active:
            messages.info(request, _("%(who)s a déjà quitté le living lab.") % {"who": member})
            return self.back()
        try:
            services.member_leave(member=member, by=request.user)
        except services.LabError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("Le départ de %(who)s est enregistré ; sa participation passée reste comptée.")
                % {"who": member.pseudonym},
            )
        return self.back()


class MemberAnonymiseView(MembersView):
    """Erase a member's identity, after a confirmation page: it cannot be undone."""

    def get(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        member = self.get_member(pk)
        if member.anonymised_at:
            messages.info(request, _("Ce membre est déjà anonymisé."))
            return self.back()
        return render(
            request,
            "livinglabs/member_anonymise.html",
            {"lab": self.lab, "member": member, "current": "members"},
        )

    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        member = self.get_member(pk)
        pseudonym = member.pseudonym
        services.member_anonymise(member=member, by=request.user)
        messages.success(
            request,
            _(
                "Les données personnelles de %(who)s sont effacées. Son profil, ses dates et sa "
                "participation restent dans les statistiques du living lab."
            )
            % {"who": pseudonym},
        )
        return self.back()
