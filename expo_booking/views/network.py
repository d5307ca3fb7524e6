"""The second half of the Caf'IA pages: the malette numérique, the waitlist, the CafLab's
follow-up (bookings to confirm, sets to ship, repairs, maintenance periods, exports), the
statistics of a year, and each Caf's iCal feed."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from caflab import charts, exports, files
from caflab.rules import is_caflab_staff, referent_region_ids
from expo_booking import feeds, selectors, services
from expo_booking.forms.network import (
    REQUEST_FIELDS,
    BlackoutForm,
    KitResourceForm,
    KitVersionForm,
    RepairForm,
    WaitlistForm,
)
from expo_booking.models import (
    Blackout,
    Booking,
    ConditionEntry,
    ExpoSet,
    KitResource,
    KitVersion,
    Season,
    WaitlistEntry,
)
from expo_booking.services import BookingError
from expo_booking.views.network_common import (
    ExpoView,
    asked_year,
    error_text,
    paginate,
    query_without,
    serve,
    tabs,
)

HISTORY_PAGE_SIZE = 20
SHIP_HORIZON = timedelta(weeks=4)  # « the coming weeks » of the hand-overs to ship
ACTIVE = (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED)
FLAGGED = (ExpoSet.Condition.DAMAGED, ExpoSet.Condition.INCOMPLETE)
FILE_KINDS = {kind.content_type: kind.label for kind in files.DOCUMENTS}


# The malette numérique ------------------------------------------------------------------------
def kit_groups(resources: list[KitResource]) -> list[dict]:
    """The resources by kind, in the kinds' order, each with its latest and older versions."""
    by_kind: dict[str, list[KitResource]] = defaultdict(list)
    for resource in resources:
        versions = list(resource.versions.all())  # prefetched, latest first
        for version in versions:
            version.kind_label = FILE_KINDS.get(version.content_type, "")
        resource.latest, resource.older = (versions[0] if versions else None), versions[1:]
        by_kind[resource.kind].append(resource)
    return [
        {"kind": kind, "label": label, "resources": by_kind[kind]}
        for kind, label in KitResource.Kind.choices
    ]


def render_kit(
    request: HttpRequest,
    *,
    resource_form: KitResourceForm | None = None,
    version_form: KitVersionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    resources = selectors.kit_resources()
    can_manage = user.has_perm("expo_booking.manage_kit")
    if can_manage:
        for resource in resources:
            if version_form is not None and version_form.resource.pk == resource.pk:
                resource.version_form = version_form
            else:
                resource.version_form = KitVersionForm(resource=resource)
    return render(
        request,
        "expo_booking/kit/kit.html",
        {
            "groups": kit_groups(resources),
            "resource_count": len(resources),
            "download_count": sum(resource.download_count for resource in resources),
            "can_manage": can_manage,
            "resource_form": resource_form or (KitResourceForm() if can_manage else None),
            "has_errors": status == 400,
            **tabs(user, "kit"),
        },
        status=status,
    )


class KitView(ExpoView):
    """The malette numérique: the exhibition's slides, the experts' videos, the games and their
    guides, for the Cafs that run workshops without the physical exhibition."""

    permission = "expo_booking.view_kit"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render_kit(request)


class KitDownloadView(ExpoView):
    """A version of a resource: counted for the user's Caf, then served."""

    permission = "expo_booking.view_kit"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = KitVersion.objects.select_related("resource").filter(pk=pk).first()
        if version is None or not (
            version.resource.is_published or request.user.has_perm("expo_booking.manage_kit")
        ):
            raise Http404
        response = serve(version)  # before counting: a file gone is a 404, not a download
        services.kit_download(version=version, by=request.user)
        return response


def add_upload_error(form, exc: ValidationError) -> None:
    """A duplicate version names its field; a refused file is the file's error."""
    form.add_error(None if hasattr(exc, "error_dict") else "file", exc)


def kit_url(resource: KitResource) -> str:
    return f"{reverse('expo_booking:kit')}#ressource-{resource.pk}"


class KitResourceCreateView(ExpoView):
    permission = "expo_booking.manage_kit"

    def get(self, request: HttpRequest) -> HttpResponse:
        return redirect(f"{reverse('expo_booking:kit')}#nouvelle-ressource")

    def post(self, request: HttpRequest) -> HttpResponse:
        form = KitResourceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                version = services.kit_resource_add(
                    by=request.user, data=form.cleaned_data, upload=form.cleaned_data["file"]
                )
            except ValidationError as exc:
                add_upload_error(form, exc)
            else:
                messages.success(
                    request,
                    _("La ressource « %(title)s » est ajoutée à la malette.")
                    % {"title": version.resource.title},
                )
                return redirect(kit_url(version.resource))
        return render_kit(request, resource_form=form, status=400)


class KitVersionCreateView(ExpoView):
    permission = "expo_booking.manage_kit"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("expo_booking:kit")

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        resource = KitResource.objects.filter(pk=pk).first()
        if resource is None:
            raise Http404
        form = KitVersionForm(request.POST, request.FILES, resource=resource)
        if form.is_valid():
            data = form.cleaned_data
            try:
                version = services.kit_version_add(
                    resource=resource,
                    by=request.user,
                    version=data["version"],
                    notes=data["notes"],
                    upload=data["file"],
                )
            except ValidationError as exc:
                add_upload_error(form, exc)
            else:
                messages.success(
                    request,
                    _("La version %(version)s de « %(title)s » est en ligne.")
                    % {"version": version.version, "title": resource.title},
                )
                return redirect(kit_url(resource))
        if not resource.is_published:  # not on the page: say what went wrong all the same
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
        return render_kit(request, version_form=form, status=400)


# The waitlist ---------------------------------------------------------------------------------
def waitlist_entry_or_404(user, pk: int) -> WaitlistEntry:
    """An entry for whoever may see its Caf's bookings: 404 for everyone else, as for an entry
    that does not exist (acting on it is the services' rule: 403)."""
    entry = (
        WaitlistEntry.objects.select_related("caf", "offered_booking__expo_set")
        .filter(pk=pk)
        .first()
    )
    if entry is None or not user.has_perm("expo_booking.view_booking", entry):
        raise Http404
    return entry


def offer_is_open(entry: WaitlistEntry, now) -> bool:
    booking = entry.offered_booking
    return bool(
        entry.status == WaitlistEntry.Status.OFFERED
        and booking is not None
        and booking.status == Booking.Status.OFFERED
        and booking.offer_expires_at >= now
    )


class WaitlistView(ExpoView):
    """The Caf's requests on the waitlist (the CafLab sees every Caf's): those still waiting,
    the places offered and until when, then the history."""

    permission = "expo_booking.view_calendar"

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        sees_all = is_caflab_staff(user)
        entries = selectors.waitlist(caf=None if sees_all else user.caf).select_related(
            "requested_by"
        )
        current = list(entries.filter(status__in=ACTIVE))
        now = timezone.now()
        for entry in current:
            entry.offer_open = offer_is_open(entry, now)
        page = paginate(
            request,
            entries.exclude(status__in=ACTIVE).order_by("-created_at", "-pk"),
            HISTORY_PAGE_SIZE,
        )
        return render(
            request,
            "expo_booking/waitlist/waitlist.html",
            {
                "sees_all": sees_all,
                "caf": None if sees_all else user.caf,
                "current": current,
                "page_obj": page,
                "history": page.object_list,
                "query": query_without(request, "page"),
                **tabs(user, "waitlist"),
            },
        )


def prefill(request: HttpRequest) -> dict:
    """The values the booking form sends along (same names as its fields; the Caf's id when
    the CafLab books for a Caf)."""
    return {name: request.GET[name] for name in (*REQUEST_FIELDS, "caf") if request.GET.get(name)}


def booking_address(form: WaitlistForm) -> str:
    """The booking form with what was typed here, when a set is free after all."""
    data = form.cleaned_data
    if not selectors.free_sets(starts_on=data["starts_on"], ends_on=data["ends_on"]):
        return ""
    try:
        base = reverse("expo_booking:booking-create")
    except NoReverseMatch:
        return ""
    query = {name: data[name] for name in REQUEST_FIELDS}
    query["starts_on"], query["ends_on"] = (
        data["starts_on"].isoformat(),
        data["ends_on"].isoformat(),
    )
    if data.get("caf"):
        query["caf"] = data["caf"].pk
    return f"{base}?{urlencode(query)}"


class WaitlistJoinView(ExpoView):
    """Join the waitlist when no set is free over the period; the booking form links here with
    what was typed."""

    permission = "expo_booking.view_calendar"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(request, self.make_form(request, initial=prefill(request)))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.make_form(request, data=request.POST)
        if form.is_valid():
            # The CafLab chooses the Caf; an agent (or a referent) asks for their own.
            caf = form.cleaned_data.get("caf") or request.user.caf
            try:
                services.waitlist_join(by=request.user, caf=caf, request=form.request())
            except BookingError as exc:
                form.add_error(None, error_text(exc))
                return self.render_form(
                    request, form, status=400, booking_url=booking_address(form)
                )
            messages.success(
                request,
                _(
                    "La demande de %(caf)s est sur la liste d'attente : dès qu'un jeu se "
                    "libère sur ces dates, une place lui est proposée par courriel."
                )
                % {"caf": caf.name},
            )
            return redirect("expo_booking:waitlist")
        return self.render_form(request, form, status=400)

    def make_form(self, request: HttpRequest, *, data=None, initial=None) -> WaitlistForm:
        user = request.user
        if initial is not None and user.caf_id:
            initial.setdefault("caf", user.caf_id)
        return WaitlistForm(data, initial=initial, choose_caf=is_caflab_staff(user))

    def render_form(
        self, request: HttpRequest, form, status: int = 200, booking_url: str = ""
    ) -> HttpResponse:
        return render(
            request,
            "expo_booking/waitlist/waitlist_join.html",
            {
                "form": form,
                "booking_url": booking_url,
                "caf": request.user.caf,
                "choose_caf": "caf" in form.fields,
                **tabs(request.user, "waitlist"),
            },
            status=status,
        )


class WaitlistWithdrawView(ExpoView):
    """Withdraw a request, or decline the place offered (it goes to the next in line)."""

    permission = "expo_booking.view_calendar"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = waitlist_entry_or_404(request.user, pk)
        declined = entry.status == WaitlistEntry.Status.OFFERED
        try:
            services.waitlist_withdraw(entry=entry, by=request.user)
        except BookingError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("Vous avez décliné la place proposée : elle est proposée à la Caf suivante.")
                if declined
                else _("La demande est retirée de la liste d'attente."),
            )
        return redirect("expo_booking:waitlist")


class WaitlistAcceptView(ExpoView):
    """Accept the place offered: the offer becomes a booking of the Caf."""

    permission = "expo_booking.view_calendar"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = waitlist_entry_or_404(request.user, pk)
        try:
            booking = services.offer_accept(entry=entry, by=request.user)
        except BookingError as exc:
            messages.error(request, error_text(exc))
            return redirect("expo_booking:waitlist")
        if booking.status == Booking.Status.CONFIRMED:
            text = _("Le jeu %(code)s est réservé et confirmé du %(start)s au %(end)s.")
        else:
            text = _(
                "Le jeu %(code)s est réservé du %(start)s au %(end)s : l'équipe du CafLab "
                "confirme la réservation."
            )
        messages.success(
            request,
            text
            % {
                "code": booking.expo_set.code,
                "start": booking.starts_on.strftime("%d/%m/%Y"),
                "end": booking.ends_on.strftime("%d/%m/%Y"),
            },
        )
        return redirect("expo_booking:booking-detail", pk=booking.pk)


# The CafLab's follow-up -----------------------------------------------------------------------
def flagged_sets() -> list[ExpoSet]:
    """The damaged or incomplete sets, each with its last report (what to repair)."""
    reports = ConditionEntry.objects.filter(condition__in=FLAGGED).select_related("caf", "by")
    sets = list(
        ExpoSet.objects.filter(condition__in=FLAGGED)
        .select_related("location")
        .prefetch_related(Prefetch("log", queryset=reports, to_attr="reports"))
        .order_by("code")
    )
    for expo_set in sets:
        expo_set.last_report = expo_set.reports[0] if expo_set.reports else None
    return sets


def current_season(seasons: list[Season]) -> Season | None:
    """The season under way, or else the latest one (seasons: latest first)."""
    today = timezone.localdate()
    under_way = (s for s in seasons if s.starts_on <= today <= s.ends_on)
    return next(under_way, seasons[0] if seasons else None)


def render_dashboard(
    request: HttpRequest,
    *,
    repair_form: RepairForm | None = None,
    blackout_form: BlackoutForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    sets = flagged_sets()
    for expo_set in sets:
        if repair_form is not None and repair_form.expo_set.pk == expo_set.pk:
            expo_set.repair_form = repair_form
        else:
            expo_set.repair_form = RepairForm(expo_set=expo_set)
    seasons = list(Season.objects.order_by("-starts_on"))
    return render(
        request,
        "expo_booking/staff/dashboard.html",
        {
            "today": today,
            "to_confirm": list(selectors.bookings_to_confirm()),
            "to_ship": list(
                selectors.handovers_to_ship().filter(ship_on__lte=today + SHIP_HORIZON)
            ),
            "horizon": today + SHIP_HORIZON,
            "flagged": sets,
            "waiting": list(selectors.waitlist().filter(status__in=ACTIVE)),
            "blackouts": list(
                Blackout.objects.filter(ends_on__gte=today)
                .select_related("expo_set")
                .order_by("starts_on", "expo_set__code")
            ),
            "blackout_form": blackout_form or BlackoutForm(sets=ExpoSet.objects.order_by("code")),
            "seasons": seasons,
            "season": current_season(seasons),
            "has_errors": status == 400,
            **tabs(request.user, "staff"),
        },
        status=status,
    )


def dashboard_url(anchor: str) -> str:
    return f"{reverse('expo_booking:staff-dashboard')}#{anchor}"


class StaffView(ExpoView):
    permission = "expo_booking.confirm_booking"


class StaffDashboardView(StaffView):
    """What the CafLab has to do: confirm, ship, repair, plan the maintenance periods."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render_dashboard(request)


class StaffConfirmView(StaffView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking = Booking.objects.select_related("expo_set", "caf").filter(pk=pk).first()
        if booking is None:
            raise Http404
        try:
            services.booking_confirm(booking=booking, by=request.user)
        except BookingError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("La réservation du jeu %(code)s par %(caf)s est confirmée.")
                % {"code": booking.expo_set.code, "caf": booking.caf.name},
            )
        return redirect(dashboard_url("a-confirmer"))


class StaffRepairView(StaffView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        expo_set = ExpoSet.objects.filter(pk=pk).first()
        if expo_set is None:
            raise Http404
        if expo_set.condition not in FLAGGED:
            # A retired set stays out of circulation and a set in good condition has nothing
            # to repair: services.repair would put either back in circulation.
            messages.error(
                request, _("Le jeu %(code)s n'est pas signalé à réparer.") % {"code": expo_set.code}
            )
            return redirect(dashboard_url("a-reparer"))
        form = RepairForm(request.POST, expo_set=expo_set)
        if form.is_valid():
            try:
                services.repair(
                    expo_set=expo_set, by=request.user, notes=form.cleaned_data["notes"]
                )
            except BookingError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("Le jeu %(code)s est remis en circulation.") % {"code": expo_set.code},
                )
                return redirect(dashboard_url("a-reparer"))
        return render_dashboard(request, repair_form=form, status=400)


class StaffBlackoutCreateView(StaffView):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = BlackoutForm(request.POST, sets=ExpoSet.objects.order_by("code"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                blackout = services.blackout_create(
                    expo_set=data["expo_set"],
                    by=request.user,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    reason=data["reason"],
                )
            except BookingError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("Le jeu %(code)s est indisponible du %(start)s au %(end)s.")
                    % {
                        "code": blackout.expo_set.code,
                        "start": blackout.starts_on.strftime("%d/%m/%Y"),
                        "end": blackout.ends_on.strftime("%d/%m/%Y"),
                    },
                )
                return redirect(dashboard_url("indisponibilites"))
        return render_dashboard(request, blackout_form=form, status=400)


class StaffBlackoutDeleteView(StaffView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        blackout = Blackout.objects.select_related("expo_set").filter(pk=pk).first()
        if blackout is None:
            raise Http404
        services.blackout_delete(blackout=blackout, by=request.user)
        messages.success(
            request,
            _("L'indisponibilité du jeu %(code)s est supprimée : il est de nouveau réservable.")
            % {"code": blackout.expo_set.code},
        )
        return redirect(dashboard_url("indisponibilites"))


# Exports --------------------------------------------------------------------------------------
def _caf(booking: Booking) -> str:
    return f"{booking.caf.number} — {booking.caf.name}"


def _feedback(attribute: str):
    def read(booking: Booking):
        feedback = getattr(booking, "feedback", None)
        return getattr(feedback, attribute) if feedback else None

    return read


BOOKING_COLUMNS = exports.columns_from(
    [
        (_("Jeu"), "expo_set__code"),
        (_("Caf d'accueil"), _caf),
        (_("Du"), "starts_on"),
        (_("Au"), "ends_on"),
        (_("Jours"), "days"),
        (_("Statut"), "get_status_display"),
        (_("Usage prévu"), "get_use_display"),
        (_("Visiteurs attendus"), "expected_visitors"),
        (_("Lieu d'exposition"), "venue"),
        (_("Demandée le"), "created_at"),
        (_("Confirmée le"), "confirmed_at"),
        (_("Visiteurs accueillis"), _feedback("visitors")),
        (_("Agents sensibilisés"), _feedback("agents_reached")),
        (_("Séances animées"), _feedback("sessions_run")),
        (_("Satisfaction (1 à 5)"), _feedback("satisfaction")),
    ]
)
CONTACT_COLUMNS = exports.columns_from(
    [
        (_("Contact sur place"), "contact_name"),
        (_("Téléphone du contact"), "contact_phone"),
        (_("Courriel du contact"), "contact_email"),
        (_("Adresse de livraison"), "delivery_address"),
    ]
)


class BookingExportView(ExpoView):
    """The bookings of a season, as CSV or XLSX: every Caf's with their contacts for the
    CafLab; a referent's régions', without contacts, for a referent."""

    permission = "expo_booking.view_statistics"

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        user = request.user
        value = request.GET.get("saison", "")
        if value.isdigit():
            season = Season.objects.filter(pk=value).first()
        else:
            season = current_season(list(Season.objects.order_by("-starts_on")))
        if season is None:
            raise Http404
        bookings = (
            Booking.objects.filter(season=season)
            .select_related("expo_set", "caf", "feedback")
            .order_by("starts_on", "expo_set__code")
        )
        columns = BOOKING_COLUMNS
        if is_caflab_staff(user):
            columns = [*BOOKING_COLUMNS, *CONTACT_COLUMNS]
        else:
            bookings = bookings.filter(caf__region_id__in=referent_region_ids(user))
        return exports.export_response(
            fmt=fmt,
            filename_stem=f"reservations-cafia-{season.name}".replace(" ", "-").lower(),
            rows=bookings,
            columns=columns,
            sheet_title=_("Réservations Caf'IA"),
        )


# Statistics -----------------------------------------------------------------------------------
class StatisticsView(ExpoView):
    """The year of the exhibition, from the data: the Cafs that hosted it, the bookings, the
    visitors and agents reached, the satisfaction, the downloads of the malette."""

    permission = "expo_booking.view_statistics"

    def get(self, request: HttpRequest) -> HttpResponse:
        year = asked_year(request)
        stats = selectors.year_stats(year=year)
        years = {d.year for d in Booking.objects.dates("starts_on", "year")}
        years |= {timezone.localdate().year, year}
        # « Plus de la moitié des Caf » from the counts: host_share is rounded (51/101 → 50).
        more_than_half = 2 * stats.host_cafs > stats.caf_count
        return render(
            request,
            "expo_booking/stats/statistics.html",
            {
                "year": year,
                "years": sorted(years, reverse=True),
                "stats": stats,
                "more_than_half": more_than_half,
                "month_chart": charts.bar_chart(
                    title=_("Réservations par mois de début en %(year)s") % {"year": year},
                    labels=str(charts.MONTHS).split(),
                    values=[n for _label, n in stats.by_month],
                    horizontal=False,
                ),
                "use_chart": charts.donut_chart(
                    title=_("Réservations par usage en %(year)s") % {"year": year},
                    labels=[label for label, _n in stats.by_use],
                    values=[n for _label, n in stats.by_use],
                ),
                "share_chart": charts.progress_bar(
                    title=_("Caf qui ont accueilli l'exposition en %(year)s, sur %(n)s Caf")
                    % {"year": year, "n": stats.caf_count},
                    value=stats.host_cafs,
                    target=stats.caf_count,
                    status="on_track" if more_than_half else "at_risk",
                ),
                "seasons": list(
                    Season.objects.filter(
                        starts_on__year__lte=year, ends_on__year__gte=year
                    ).order_by("starts_on")
                ),
                "sees_contacts": is_caflab_staff(request.user),
                **tabs(request.user, "statistics"),
            },
        )


# The iCal feed --------------------------------------------------------------------------------
class CafFeedView(View):
    """A Caf's bookings for a calendar application, which cannot log in: the signed token in
    the address opens that Caf's feed, nothing else; a wrong token is a 404."""

    def get(self, request: HttpRequest, number: str, token: str) -> HttpResponse:
        caf = feeds.caf_for_token(number, token)
        if caf is None:
            raise Http404
        response = HttpResponse(feeds.caf_feed(caf), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="cafia-{caf.number}.ics"'
        response["Cache-Control"] = "private, max-age=900"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
