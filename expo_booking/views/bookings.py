"""The booking flow of the Caf'IA exhibition: the request form (« n'importe quel jeu » or a
chosen set; the waitlist when none is free), a booking's page with its timeline and the actions
each party takes on it (cancel, confirm, ship, receive, return, feedback, accept an offer), and
« Les réservations de ma Caf » with the Caf's iCal feed."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _, gettext_lazy

from caflab.models import Caf
from expo_booking import feeds, selectors, services
from expo_booking.forms.booking import (
    REQUEST_FIELDS,
    BookingForm,
    CafFilterForm,
    CancelForm,
    FeedbackForm,
    ReceiveForm,
    ShipForm,
    request_dates,
)
from expo_booking.models import Booking, ExpoSet, HandOver, Policy, Season
from expo_booking.services import CANCELLABLE, BookingError, NoSetFree, Request
from expo_booking.views.booking_common import (
    ExpoView,
    can_book,
    error_text,
    nav,
    paginate,
    period_text,
    related_or_none,
    require,
)

BOOKINGS_PAGE_SIZE = 20


# The request form ---------------------------------------------------------------------------
def waitlist_address(data: dict, caf: Caf, *, choose_caf: bool) -> str:
    """The waitlist page with the request typed here: the same names as this form's fields."""
    base = reverse("expo_booking:waitlist-join")
    if not base:
        return ""
    query = {}
    for name in REQUEST_FIELDS:
        value = data[name]
        query[name] = value.isoformat() if hasattr(value, "isoformat") else value
    if choose_caf:
        query["caf"] = caf.pk
    return f"{base}?{urlencode(query)}"


class BookingCreateView(ExpoView):
    """/expo/reserver/: agents book for their own Caf, the CafLab for the Caf it chooses."""

    def prepare(self, request: HttpRequest, *args, **kwargs) -> None:
        if not can_book(request.user):
            raise PermissionDenied
        self.choose_caf = bool(request.user.is_caflab_staff)

    def get(self, request: HttpRequest) -> HttpResponse:
        fields = (*REQUEST_FIELDS, "expo_set", "caf")
        initial = {name: request.GET[name] for name in fields if request.GET.get(name)}
        return self.render_form(request, self.form(request.GET, initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get("action") == "jeux-libres":
            # « Voir les jeux libres à ces dates »: the same form, what was typed kept.
            fields = (*REQUEST_FIELDS, "expo_set", "caf")
            initial = {name: request.POST[name] for name in fields if request.POST.get(name)}
            form = self.form(request.POST, initial=initial)
            if request.htmx:
                return render(
                    request,
                    "expo_booking/booking/includes/set_choice.html",
                    {"form": form, **self.set_context(form)},
                )
            return self.render_form(request, form)
        form = self.form(request.POST, data=request.POST)
        if form.is_valid():
            data = form.cleaned_data
            caf = data["caf"] if self.choose_caf else request.user.caf
            try:
                booking = services.booking_request(
                    by=request.user,
                    caf=caf,
                    request=Request(**{name: data[name] for name in REQUEST_FIELDS}),
                    expo_set=data["expo_set"],
                )
            except NoSetFree as exc:
                form.add_error(None, error_text(exc))
                return self.render_form(
                    request,
                    form,
                    status=400,
                    waitlist_url=waitlist_address(data, caf, choose_caf=self.choose_caf),
                    no_set_free=True,
                )
            except BookingError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, self.success_text(booking))
                return redirect(booking)
        return self.render_form(request, form, status=400)

    def form(self, typed, *, data=None, initial=None) -> BookingForm:
        """The form, its list of sets from the typed dates: the sets free on them, or every
        set in good condition while they are not known (the chosen set stays in the list)."""
        starts_on, ends_on = request_dates(typed)
        if starts_on:
            sets = selectors.free_sets(starts_on=starts_on, ends_on=ends_on)
        else:
            sets = list(
                ExpoSet.objects.filter(condition=ExpoSet.Condition.GOOD)
                .select_related("location")
                .order_by("code")
            )
        free_count = len(sets)
        chosen = typed.get("expo_set") or ""
        if chosen and chosen not in {expo_set.code for expo_set in sets}:
            sets += list(ExpoSet.objects.select_related("location").filter(code=chosen))
        form = BookingForm(data, initial=initial, choose_caf=self.choose_caf, sets=sets)
        form.dates_known = bool(starts_on)
        form.set_count = free_count
        return form

    @staticmethod
    def set_context(form: BookingForm) -> dict:
        return {"dates_known": form.dates_known, "set_count": form.set_count}

    def render_form(self, request, form, *, status: int = 200, **extra) -> HttpResponse:
        today = timezone.localdate()
        policy = Policy.current()
        context = {
            "form": form,
            "policy": policy,
            "earliest": today + timedelta(days=policy.notice_days),
            "seasons": list(Season.objects.filter(ends_on__gte=today).order_by("starts_on")),
            "caf": None if self.choose_caf else request.user.caf,
            "has_errors": status >= 400,
            **self.set_context(form),
            **extra,
        }
        return render(request, "expo_booking/booking/booking_form.html", context, status=status)

    @staticmethod
    def success_text(booking: Booking) -> str:
        values = {
            "code": booking.expo_set.code,
            "period": period_text(booking.starts_on, booking.ends_on),
        }
        if booking.status == Booking.Status.CONFIRMED:
            return (
                _("Votre réservation est confirmée : le jeu %(code)s vous est réservé %(period)s.")
                % values
            )
        return (
            _(
                "Votre demande est enregistrée : le jeu %(code)s vous est réservé %(period)s. "
                "L'équipe du CafLab va la confirmer ; vous serez prévenu par courriel."
            )
            % values
        )


# A booking's page ---------------------------------------------------------------------------
STEPS = (
    (Booking.Status.REQUESTED, gettext_lazy("Demandée")),
    (Booking.Status.CONFIRMED, gettext_lazy("Confirmée")),
    (Booking.Status.IN_TRANSIT, gettext_lazy("En transit")),
    (Booking.Status.ON_SITE, gettext_lazy("Sur place")),
    (Booking.Status.RETURNED, gettext_lazy("Retournée")),
)
ORDER = [status for status, _label in STEPS]


def timeline(booking: Booking, handover: HandOver | None, next_handover) -> list[dict]:
    """The steps demandée → confirmée → en transit → sur place → retournée, each done (with
    its date when known), current or to come; a cancelled booking stops where it was."""
    dates = {
        Booking.Status.REQUESTED: booking.created_at,
        Booking.Status.CONFIRMED: booking.confirmed_at,
        Booking.Status.IN_TRANSIT: handover.shipped_at if handover else None,
        Booking.Status.ON_SITE: handover.received_at if handover else None,
        Booking.Status.RETURNED: next_handover.shipped_at if next_handover else None,
    }
    status = booking.status
    if status == Booking.Status.OFFERED:
        reached = -1
    elif status == Booking.Status.CANCELLED:
        # Cancelled: the steps with a date were done.
        reached = max((i for i, s in enumerate(ORDER) if dates[s]), default=0)
    else:
        reached = ORDER.index(status)
    cancelled = status == Booking.Status.CANCELLED
    over = cancelled or status == Booking.Status.RETURNED
    steps = []
    for index, (value, label) in enumerate(STEPS):
        if index < reached or (index == reached and over):
            state = "faite"
        elif index == reached:
            state = "en-cours"
        elif cancelled:
            continue  # never reached
        else:
            state = "a-venir"
        steps.append({"label": label, "state": state, "at": dates[value]})
    return steps


def feedback_due(booking: Booking) -> bool:
    """The host's feedback, once the exhibition is over (the set on site until its last day,
    or gone already), and only once."""
    hosted = booking.status == Booking.Status.RETURNED or (
        booking.status == Booking.Status.ON_SITE and booking.ends_on <= timezone.localdate()
    )
    return hosted and related_or_none(booking, "feedback") is None


def booking_rights(user, booking: Booking, handover, next_handover) -> dict:
    """What the user may do on this booking now: one check per action."""
    status = booking.status
    manage = user.has_perm("expo_booking.manage_booking", booking)
    staff = user.has_perm("expo_booking.confirm_booking", booking)
    incoming_ready = (
        handover is not None and handover.shipped_at is None and status == Booking.Status.CONFIRMED
    )
    outgoing_ready = (
        next_handover is not None
        and next_handover.shipped_at is None
        and status == Booking.Status.ON_SITE
        and next_handover.booking.status == Booking.Status.CONFIRMED
    )
    return {
        "can_cancel": manage and status in CANCELLABLE and status != Booking.Status.OFFERED,
        "can_confirm": staff and status == Booking.Status.REQUESTED,
        "can_ship_in": incoming_ready and user.has_perm("expo_booking.ship_handover", handover),
        "can_ship_out": outgoing_ready
        and user.has_perm("expo_booking.ship_handover", next_handover),
        "can_receive": handover is not None
        and handover.shipped_at is not None
        and handover.received_at is None
        and user.has_perm("expo_booking.receive_handover", booking),
        "can_return": staff and status == Booking.Status.ON_SITE and next_handover is None,
        "can_feedback": manage and feedback_due(booking),
        "can_accept": manage and status == Booking.Status.OFFERED,
        "is_staff": staff,
    }


FORM_SLOTS = (
    "cancel_form",
    "ship_in_form",
    "ship_out_form",
    "receive_form",
    "feedback_form",
)


def render_booking(request: HttpRequest, pk: int, *, status: int = 200, **forms) -> HttpResponse:
    """The booking's page; `forms` are bound forms to show with their errors (status 400)."""
    user = request.user
    booking = selectors.booking_get(user=user, pk=pk)
    handover = related_or_none(booking, "handover")
    next_handover = related_or_none(booking, "next_handover")
    can = booking_rights(user, booking, handover, next_handover)
    context = {
        "booking": booking,
        "handover": handover,
        "next_handover": next_handover,
        "feedback": related_or_none(booking, "feedback"),
        "steps": timeline(booking, handover, next_handover),
        "period": period_text(booking.starts_on, booking.ends_on),
        "blocked": period_text(booking.blocked_from, booking.blocked_until),
        "has_errors": status >= 400,
        "list_url": reverse("expo_booking:booking-list"),
        **can,
    }
    if booking.status == Booking.Status.OFFERED:
        context["offer"] = related_or_none(booking, "waitlist_entry")
    if can["can_cancel"]:
        context["cancel_form"] = forms.get("cancel_form") or CancelForm()
    if can["can_ship_in"]:
        bound = forms.get("ship_form")
        context["ship_in_form"] = (
            bound if bound is not None and bound.data.get("leg") == "arrivee" else None
        ) or ShipForm(initial={"leg": "arrivee"}, auto_id="envoi-arrivee_%s")
    if can["can_ship_out"]:
        bound = forms.get("ship_form")
        context["ship_out_form"] = (
            bound if bound is not None and bound.data.get("leg") == "depart" else None
        ) or ShipForm(initial={"leg": "depart"}, auto_id="envoi-depart_%s")
    if can["can_receive"]:
        context["receive_form"] = forms.get("receive_form") or ReceiveForm()
    if can["can_feedback"]:
        context["feedback_form"] = forms.get("feedback_form") or FeedbackForm()
    shown = {context.get(name) for name in FORM_SLOTS}
    for form in forms.values():
        if form is not None and form not in shown:
            # The action is no longer possible (the set left, someone was quicker): its form
            # is gone from the page, its refusal stays, as a message.
            for error in form.non_field_errors():
                messages.error(request, error)
    return render(request, "expo_booking/booking/booking_detail.html", context, status=status)


class BookingDetailView(ExpoView):
    """/expo/reservations/<pk>/: the host Caf, its région's referents and the CafLab (404 for
    everyone else, as for a booking that does not exist)."""

    referents = True  # a referent without a Caf follows their région's bookings

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render_booking(request, pk)


class BookingActionView(ExpoView):
    """A form posted from a booking's page: 404 when the user may not see the booking, 403
    without the right to act on it."""

    referents = True
    action_perm = "expo_booking.manage_booking"

    def prepare(self, request: HttpRequest, *args, **kwargs) -> None:
        self.booking = selectors.booking_get(user=request.user, pk=kwargs["pk"])
        if self.action_perm:
            require(request.user, self.action_perm, self.booking)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect(self.booking)

    def back(self, anchor: str = "") -> HttpResponse:
        url = self.booking.get_absolute_url()
        return redirect(f"{url}#{anchor}" if anchor else url)

    def refused(self, request: HttpRequest, exc: ValidationError, anchor: str = "") -> HttpResponse:
        messages.error(request, error_text(exc))
        return self.back(anchor)


class BookingCancelView(BookingActionView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                services.booking_cancel(
                    booking=self.booking, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _(
                        "La réservation du jeu %(code)s est annulée ; le jeu est proposé aux Caf "
                        "en liste d'attente."
                    )
                    % {"code": self.booking.expo_set.code},
                )
                return self.back()
        return render_booking(request, pk, status=400, cancel_form=form)


class BookingConfirmView(BookingActionView):
    action_perm = "expo_booking.confirm_booking"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            services.booking_confirm(booking=self.booking, by=request.user)
        except ValidationError as exc:
            return self.refused(request, exc)
        messages.success(
            request,
            _("La réservation est confirmée ; la %(caf)s est prévenue par courriel.")
            % {"caf": self.booking.caf.name},
        )
        return self.back()


class HandOverShipView(BookingActionView):
    """The sender ships the set: to this booking (from storage or the previous Caf, « arrivee »)
    or, from this booking, to the next one (« depart »)."""

    action_perm = ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        leg = request.POST.get("leg")
        form = ShipForm(
            request.POST, auto_id=f"envoi-{leg}_%s" if leg in ("arrivee", "depart") else "envoi_%s"
        )
        name = "handover" if leg == "arrivee" else "next_handover"
        handover = related_or_none(self.booking, name) if leg in ("arrivee", "depart") else None
        if handover is None:
            messages.error(request, _("Aucun envoi n'est prévu pour cette réservation."))
            return self.back()
        require(request.user, "expo_booking.ship_handover", handover)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.handover_ship(
                    handover=handover,
                    by=request.user,
                    carrier=data["carrier"],
                    tracking=data["tracking"],
                    condition=data["condition"],
                    notes=data["notes"],
                    missing_items=data["missing_items"],
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("L'envoi du jeu %(code)s est enregistré : il est en transit vers la %(caf)s.")
                    % {"code": self.booking.expo_set.code, "caf": handover.booking.caf.name},
                )
                return self.back("transport")
        return render_booking(request, pk, status=400, ship_form=form)


class HandOverReceiveView(BookingActionView):
    action_perm = "expo_booking.receive_handover"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        handover = related_or_none(self.booking, "handover")
        if handover is None:
            messages.error(request, _("Aucun envoi n'est prévu pour cette réservation."))
            return self.back()
        form = ReceiveForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.handover_receive(
                    handover=handover,
                    by=request.user,
                    arrival=data["arrival"],
                    notes=data["notes"],
                    missing_items=data["missing_items"],
                    photos=data["photos"],
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                if data["arrival"] == HandOver.Arrival.GOOD:
                    text = _("L'arrivée du jeu est enregistrée : bonne exposition !")
                else:
                    text = _(
                        "L'arrivée du jeu est enregistrée avec votre constat ; l'équipe du "
                        "CafLab est prévenue."
                    )
                messages.success(request, text)
                return self.back("transport")
        return render_booking(request, pk, status=400, receive_form=form)


class BookingReturnView(BookingActionView):
    action_perm = "expo_booking.confirm_booking"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            services.booking_return(booking=self.booking, by=request.user)
        except ValidationError as exc:
            return self.refused(request, exc)
        messages.success(
            request,
            _("Le jeu %(code)s est enregistré comme renvoyé vers son lieu de stockage.")
            % {"code": self.booking.expo_set.code},
        )
        return self.back()


class FeedbackView(BookingActionView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not feedback_due(self.booking) and related_or_none(self.booking, "feedback") is None:
            # The service takes a feedback as soon as the set is on site: wait for the end.
            messages.error(
                request,
                _("Le retour d'expérience se donne une fois l'exposition terminée, le %(date)s.")
                % {"date": self.booking.ends_on.strftime("%d/%m/%Y")},
            )
            return self.back()
        form = FeedbackForm(request.POST)
        if form.is_valid():
            try:
                services.feedback_submit(booking=self.booking, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request, _("Merci pour votre retour : il nourrit le bilan de l'exposition.")
                )
                return self.back("retour")
        return render_booking(request, pk, status=400, feedback_form=form)


class OfferAcceptView(BookingActionView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = related_or_none(self.booking, "waitlist_entry")
        if entry is None:
            messages.error(request, _("Aucune place n'est proposée à cette réservation."))
            return self.back()
        try:
            booking = services.offer_accept(entry=entry, by=request.user)
        except ValidationError as exc:
            return self.refused(request, exc)
        messages.success(request, BookingCreateView.success_text(booking))
        return self.back()


# « Les réservations de ma Caf » ----------------------------------------------------------------
class BookingListView(ExpoView):
    """/expo/reservations/: an agent's Caf's bookings; the CafLab chooses the Caf."""

    def prepare(self, request: HttpRequest, *args, **kwargs) -> None:
        if not can_book(request.user):
            raise PermissionDenied

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        context: dict = {"caf": None, "is_staff": user.is_caflab_staff, **nav(user, "bookings")}
        if user.is_caflab_staff:
            cafs = list(Caf.objects.only("pk", "number", "name").order_by("number"))
            form = CafFilterForm(request.GET or None, cafs=cafs)
            number = form.data.get("caf") if form.is_bound and form.is_valid() else ""
            context["form"] = form
            caf = next((c for c in cafs if c.number == number), None)
        else:
            caf = user.caf
        if caf is not None:
            page = paginate(request, selectors.caf_bookings(caf=caf), BOOKINGS_PAGE_SIZE)
            context.update(
                caf=caf,
                page_obj=page,
                bookings=page.object_list,
                query=urlencode({"caf": caf.number}) if user.is_caflab_staff else "",
                feed_number=caf.number,
                feed_token=feeds.feed_token(caf),
                own_caf=caf.pk == user.caf_id,
            )
        return render(request, "expo_booking/booking/booking_list.html", context)
