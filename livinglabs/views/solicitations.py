"""Solicitations: a national direction asks labs to work on a topic; the labs answer with
their workshops' contributions; the CafLab team sends the consolidated answer."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from livinglabs import selectors, services
from livinglabs.forms import SolicitationForm, SynthesisForm
from livinglabs.models import Lab, Solicitation
from livinglabs.rules import facilitated_lab_ids
from livinglabs.views.common import LabsView, error_text, paginate, require

PAGE_SIZE = 20


def solicitation_or_404(user, pk: int) -> Solicitation:
    """The solicitation and its labs, for the CafLab team and the facilitators of a solicited
    lab: 404 for everyone else."""
    solicitation = (
        Solicitation.objects.select_related("created_by")
        .prefetch_related(Prefetch("labs", queryset=Lab.objects.select_related("caf")))
        .filter(pk=pk)
        .first()
    )
    if solicitation is None or not user.has_perm("livinglabs.view_solicitation", solicitation):
        raise Http404
    return solicitation


class SolicitationListView(LabsView):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        require(user, "livinglabs.view_collective")
        page = paginate(request, selectors.solicitation_list(user=user), PAGE_SIZE)
        return render(
            request,
            "livinglabs/solicitation_list.html",
            {
                "page_obj": page,
                "solicitations": page.object_list,
                "can_create": user.has_perm("livinglabs.manage_solicitations"),
            },
        )


class SolicitationCreateView(LabsView):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            require(request.user, "livinglabs.manage_solicitations")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(request, SolicitationForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SolicitationForm(request.POST)
        if form.is_valid():
            try:
                solicitation = services.solicitation_create(by=request.user, **form.cleaned_data)
            except services.LabError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _(
                        "La sollicitation « %(title)s » est adressée aux living labs choisis : "
                        "leurs animateurs la voient dans leurs sollicitations."
                    )
                    % {"title": solicitation.title},
                )
                return redirect("livinglabs:solicitation-detail", pk=solicitation.pk)
        return self.render_form(request, form, status=400)

    def render_form(self, request: HttpRequest, form, status: int = 200) -> HttpResponse:
        return render(request, "livinglabs/solicitation_form.html", {"form": form}, status=status)


class SolicitationDetailView(LabsView):
    """The request, the solicited labs, their workshops, the consolidated contributions; the
    CafLab team writes and sends the answer."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            self.solicitation = solicitation_or_404(request.user, kwargs["pk"])
            if request.method == "POST":
                require(request.user, "livinglabs.manage_solicitations", self.solicitation)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_page(request)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = SynthesisForm(request.POST)
        if form.is_valid():
            try:
                services.solicitation_answer(
                    solicitation=self.solicitation,
                    by=request.user,
                    synthesis=form.cleaned_data["synthesis"],
                )
            except services.LabError as exc:
                form.add_error("synthesis", error_text(exc))
            else:
                messages.success(
                    request,
                    _("La réponse consolidée est enregistrée et transmise à %(who)s.")
                    % {"who": self.solicitation.requester},
                )
                return redirect("livinglabs:solicitation-detail", pk=pk)
        return self.render_page(request, form, status=400)

    def render_page(self, request: HttpRequest, form=None, status: int = 200) -> HttpResponse:
        solicitation, user = self.solicitation, request.user
        labs = list(solicitation.labs.all())
        mine = facilitated_lab_ids(user)
        workshops = list(
            solicitation.workshops.select_related("lab")
            .annotate(
                invited=Count("invitations", distinct=True),
                present=Count("invitations", filter=Q(invitations__attended=True), distinct=True),
                contribution_count=Count("contributions", distinct=True),
            )
            .order_by("starts_at")
        )
        can_answer = user.has_perm("livinglabs.manage_solicitations", solicitation)
        if form is None and can_answer:
            form = SynthesisForm(initial={"synthesis": solicitation.synthesis})
        return render(
            request,
            "livinglabs/solicitation_detail.html",
            {
                "solicitation": solicitation,
                "labs": labs,
                "my_labs": [lab for lab in labs if lab.pk in mine],
                "workshops": workshops,
                "contributions": list(selectors.solicitation_contributions(solicitation)),
                "can_answer": can_answer,
                "form": form,
            },
            status=status,
        )
