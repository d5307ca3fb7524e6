"""What the CafLab team writes for a year's report: the édito, the temps forts of the twelve
months, the team and the external indicators. One page shows them all with their forms; each
form posts to its own address, and a refused form comes back on the page with its values and
its errors (status 400)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from reporting.forms import EditoForm, HighlightForm, IndicatorsForm, TeamMemberForm, report_years
from reporting.models import Edito, Highlight, TeamMember
from reporting.views.common import ReportsView, inline_image_response, year_or_404


def content_url(year: int, anchor: str = "") -> str:
    url = reverse("reporting:content", kwargs={"year": year})
    return f"{url}#{anchor}" if anchor else url


class ContentActionView(ReportsView):
    """A form of the content page: the year must be one of the report's (404 otherwise)."""

    perm = "reporting.write_report"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # The login page and the 403 come first: the year is checked for the team only.
        if "year" in kwargs and request.user.has_perm(self.perm):
            year_or_404(kwargs["year"])
        return super().dispatch(request, *args, **kwargs)


def render_content(request: HttpRequest, year: int, *, status: int = 200, **forms) -> HttpResponse:
    """The content page of a year; `forms` are bound forms to show with their errors."""
    highlights = list(Highlight.objects.filter(year=year).order_by("month", "position", "pk"))
    months = [
        {
            "number": number,
            "name": str(name).capitalize(),
            "highlights": [h for h in highlights if h.month == number],
        }
        for number, name in MONTHS.items()
    ]
    edito = Edito.objects.filter(year=year).first()
    context = {
        "year": year,
        "years": report_years(),
        "edito": edito,
        "months": months,
        "highlight_count": len(highlights),
        "team": list(TeamMember.objects.filter(year=year).order_by("position", "name")),
        "edito_form": forms.get("edito_form")
        or EditoForm(year=year, instance=edito or Edito(year=year)),
        "highlight_form": forms.get("highlight_form") or HighlightForm(year=year),
        "member_form": forms.get("member_form") or TeamMemberForm(year=year),
        "indicators_form": forms.get("indicators_form") or IndicatorsForm(year=year),
        "has_errors": status >= 400,
    }
    return render(request, "reporting/pages/content.html", context, status=status)


class ContentView(ContentActionView):
    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        return render_content(request, year)


class EditoSaveView(ContentActionView):
    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        form = EditoForm(request.POST, year=year)
        if not form.is_valid():
            return render_content(request, year, status=400, edito_form=form)
        form.save()
        messages.success(request, _("L'édito %(year)s est enregistré.") % {"year": year})
        return redirect(content_url(year, "edito"))


class HighlightCreateView(ContentActionView):
    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        form = HighlightForm(request.POST, request.FILES, year=year)
        if not form.is_valid():
            return render_content(request, year, status=400, highlight_form=form)
        highlight = form.save()
        messages.success(
            request, _("Le temps fort « %(title)s » est ajouté.") % {"title": highlight.title}
        )
        return redirect(content_url(year, f"mois-{highlight.month}"))


class HighlightEditView(ContentActionView):
    template_name = "reporting/pages/highlight_form.html"

    def get(self, request: HttpRequest, year: int, pk: int) -> HttpResponse:
        highlight = get_object_or_404(Highlight, year=year, pk=pk)
        return self.render_form(request, highlight, HighlightForm(year=year, instance=highlight))

    def post(self, request: HttpRequest, year: int, pk: int) -> HttpResponse:
        highlight = get_object_or_404(Highlight, year=year, pk=pk)
        form = HighlightForm(request.POST, request.FILES, year=year, instance=highlight)
        if not form.is_valid():
            return self.render_form(request, highlight, form, status=400)
        highlight = form.save()
        messages.success(
            request, _("Le temps fort « %(title)s » est enregistré.") % {"title": highlight.title}
        )
        return redirect(content_url(year, f"mois-{highlight.month}"))

    def render_form(self, request, highlight, form, *, status: int = 200) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {"year": highlight.year, "highlight": highlight, "form": form},
            status=status,
        )


class HighlightDeleteView(ContentActionView):
    def post(self, request: HttpRequest, year: int, pk: int) -> HttpResponse:
        highlight = get_object_or_404(Highlight, year=year, pk=pk)
        month = highlight.month
        with transaction.atomic():
            image = highlight.image
            highlight.delete()
            if image:
                transaction.on_commit(lambda: image.storage.delete(image.name))
        messages.success(
            request, _("Le temps fort « %(title)s » est supprimé.") % {"title": highlight.title}
        )
        return redirect(content_url(year, f"mois-{month}"))


class MemberCreateView(ContentActionView):
    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        form = TeamMemberForm(request.POST, request.FILES, year=year)
        if not form.is_valid():
            return render_content(request, year, status=400, member_form=form)
        member = form.save()
        messages.success(
            request, _("%(name)s rejoint l'équipe du rapport.") % {"name": member.name}
        )
        return redirect(content_url(year, "equipe"))


class MemberEditView(ContentActionView):
    template_name = "reporting/pages/member_form.html"

    def get(self, request: HttpRequest, year: int, pk: int) -> HttpResponse:
        member = get_object_or_404(TeamMember, year=year, pk=pk)
        return self.render_form(request, member, TeamMemberForm(year=year, instance=member))

    def post(self, request: HttpRequest, year: int, pk: int) -> HttpResponse:
        member = get_object_or_404(TeamMember, year=year, pk=pk)
        form = TeamMemberForm(request.POST, request.FILES, year=year, instance=member)
        if not form.is_valid():
            return self.render_form(request, member, form, status=400)
        member = form.save()
        messages.success(
            request, _("La fiche de %(name)s est enregistrée.") % {"name": member.name}
        )
        return redirect(content_url(year, "equipe"))

    def render_form(self, request, member, form, *, status: int = 200) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {"year": member.year, "member": member, "form": form},
            status=status,
        )


class MemberDeleteView(ContentActionView):
    def post(self, request: HttpRequest, year: int, pk: int) -> HttpResponse:
        member = get_object_or_404(TeamMember, year=year, pk=pk)
        with transaction.atomic():
            photo = member.photo
            member.delete()
            if photo:
                transaction.on_commit(lambda: photo.storage.delete(photo.name))
        messages.success(
            request, _("%(name)s est retiré de l'équipe du rapport.") % {"name": member.name}
        )
        return redirect(content_url(year, "equipe"))


class IndicatorsSaveView(ContentActionView):
    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        form = IndicatorsForm(request.POST, year=year)
        if not form.is_valid():
            return render_content(request, year, status=400, indicators_form=form)
        form.save()
        messages.success(
            request, _("Les indicateurs externes %(year)s sont enregistrés.") % {"year": year}
        )
        return redirect(content_url(year, "indicateurs"))


class HighlightImageView(ReportsView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return inline_image_response(get_object_or_404(Highlight, pk=pk).image)


class MemberPhotoView(ReportsView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return inline_image_response(get_object_or_404(TeamMember, pk=pk).photo)
