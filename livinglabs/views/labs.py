"""The labs: the public list (by région) and page of each lab, the lab's calendar and the
collective's calendar."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from caflab import fragments
from livinglabs import selectors
from livinglabs.forms import ContributionFilterForm, LabFilterForm
from livinglabs.models import Lab
from livinglabs.views.common import (
    LabsView,
    by_month,
    lab_with_counts,
    paginate,
    query_without,
    require,
    rights,
)

LAST_CONTRIBUTIONS = 5
WORKSHOP_PAGE_SIZE = 10
CONTRIBUTION_PAGE_SIZE = 20
CALENDAR_PAGE_SIZE = 50


def once(compute):
    """A value computed on first use only (inside a cached fragment: not at all when the
    fragment is in the cache)."""
    return SimpleLazyObject(compute)


def by_region(labs: list[Lab]) -> list[tuple]:
    """The « map » of the labs: (région, its labs), régions in alphabetical order."""
    ordered = sorted(labs, key=lambda lab: (lab.caf.region.name, lab.caf.number, lab.name))
    return [
        (region, list(items)) for region, items in groupby(ordered, key=lambda lab: lab.caf.region)
    ]


class LabListView(LabsView):
    """Every lab, public: cards, the labs by région, the theme filter."""

    public = True

    def get(self, request: HttpRequest) -> HttpResponse:
        form = LabFilterForm(request.GET or None)
        filters = form.filters()
        # Read only when the cards are not in the cache (includes/lab_cards.html).
        labs = once(lambda: list(selectors.lab_list(filters=filters)))
        user = request.user
        context = {
            "form": form,
            "filtered": bool(filters),
            "cache_version": fragments.version_key("livinglabs", "caflab"),
            "cache_vary": repr(sorted(filters.items())),
            "labs": labs,
            "regions": once(lambda: by_region(labs)),
            "totals": once(
                lambda: {
                    "members": sum(lab.member_count for lab in labs),
                    "workshops": sum(lab.workshop_count for lab in labs),
                }
            ),
            "can_see_collective": user.is_authenticated
            and user.has_perm("livinglabs.view_collective"),
        }
        if request.htmx and request.htmx.target == "living-labs":
            return render(request, "livinglabs/includes/lab_cards.html", context)
        return render(request, "livinglabs/lab_list.html", context)


class LabDetailView(LabsView):
    """The public page of a lab; agents and the CafLab team also see its workshops and
    contributions. Never a member's personal data."""

    public = True

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        lab = lab_with_counts(slug)
        context = {"lab": lab, "current": "detail", **rights(request.user, lab)}
        if context["can_view_work"]:
            form = ContributionFilterForm(request.GET or None)
            filters = form.filters()
            workshops = paginate(
                request, selectors.lab_workshops(lab=lab), WORKSHOP_PAGE_SIZE, param="ateliers"
            )
            contributions = paginate(
                request,
                selectors.contribution_list(lab=lab, filters=filters),
                CONTRIBUTION_PAGE_SIZE,
            )
            context.update(
                form=form,
                filtered=bool(filters),
                workshop_page=workshops,
                workshops=workshops.object_list,
                page_obj=contributions,
                contributions=contributions.object_list,
                workshop_query=query_without(request, "ateliers"),
                contribution_query=query_without(request, "page"),
            )
            if request.htmx and request.htmx.target == "contributions":
                return render(request, "livinglabs/includes/lab_contributions.html", context)
        else:
            context["last_contributions"] = list(
                selectors.contribution_list(lab=lab)[:LAST_CONTRIBUTIONS]
            )
        return render(request, "livinglabs/lab_detail.html", context)


class LabCalendarView(LabsView):
    """The workshops to come of one lab, month by month."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        lab = selectors.lab_get(slug=slug)
        require(request.user, "livinglabs.view_lab_work", lab)
        page = paginate(
            request, selectors.calendar(labs=Lab.objects.filter(pk=lab.pk)), CALENDAR_PAGE_SIZE
        )
        return render(
            request,
            "livinglabs/lab_calendar.html",
            {
                "lab": lab,
                "page_obj": page,
                "workshops": by_month(page.object_list),
                "current": "calendar",
                **rights(request.user, lab),
            },
        )


class CalendarView(LabsView):
    """The collective's calendar: the workshops to come of every lab."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require(request.user, "livinglabs.view_collective")
        page = paginate(request, selectors.calendar(), CALENDAR_PAGE_SIZE)
        return render(
            request,
            "livinglabs/calendar.html",
            {"page_obj": page, "workshops": by_month(page.object_list)},
        )
