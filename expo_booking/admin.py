"""The Caf'IA exhibition in the staff admin: every model, searchable by set code and by Caf
(« isère » finds the Isère's rows), exports, and the writes that matter through
expo_booking.services — confirming and cancelling bookings, repairing a set — so that the
hand-over chain, the waitlist, the condition log, the emails and the activity feed stay right.

What the services write (the condition log, the hand-overs, the waitlist, the feedback, the
downloads) is read here, never edited. Files (photos of the checks, the kit's versions) are
served through a permission-checking view, never by a media link from these pages.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, ngettext

from caflab import admin_tools, exports, files
from expo_booking import services
from expo_booking.models import (
    Blackout,
    Booking,
    ConditionEntry,
    ConditionPhoto,
    ExpoSet,
    Feedback,
    HandOver,
    KitDownload,
    KitResource,
    KitVersion,
    Policy,
    Season,
    WaitlistEntry,
)

_prefixed = admin_tools.prefixed
# A Caf is found by its name, its département (« isère ») or, exactly, its number (« 38 »).
CAF_FIELDS = admin_tools.CAF_FIELDS
CAF_SEARCH = admin_tools.CAF_SEARCH
CONTACT_SEARCH = ["contact_name", "contact_email", "venue"]


_export_actions = admin_tools.export_actions
presence_filter = admin_tools.presence_filter


_refused = admin_tools.refused
_done = admin_tools.done


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the services write (history, hand-overs, waitlist, downloads): read here only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


ReadOnlyInline = admin_tools.ReadOnlyInline


# Rules and seasons -----------------------------------------------------------------------------
class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = [
            "min_days",
            "max_days",
            "notice_days",
            "transport_days_before",
            "transport_days_after",
            "auto_confirm",
            "offer_hours",
            "reminder_days",
        ]

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_days"), cleaned.get("max_days")
        if low is not None and high is not None and low > high:
            raise ValidationError(_("La durée minimale dépasse la durée maximale."))
        return cleaned


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    """One row: the booking rules. It cannot be deleted, and a second one cannot be added."""

    form = PolicyForm
    list_display = [
        "__str__",
        "min_days",
        "max_days",
        "notice_days",
        "transport_days_before",
        "transport_days_after",
        "auto_confirm",
        "offer_hours",
        "reminder_days",
    ]
    fieldsets = (
        (_("Durée et délai"), {"fields": ("min_days", "max_days", "notice_days")}),
        (_("Transport"), {"fields": ("transport_days_before", "transport_days_after")}),
        (_("Confirmation et liste d'attente"), {"fields": ("auto_confirm", "offer_hours")}),
        (_("Rappels"), {"fields": ("reminder_days",)}),
    )

    def has_add_permission(self, request):
        # The one row is created by migration 0003: it is edited, never added.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SeasonForm(forms.ModelForm):
    class Meta:
        model = Season
        fields = ["name", "starts_on", "ends_on", "quota_per_caf"]

    def clean(self):
        """services.season_for takes the season that holds the dates: two seasons sharing a
        day would make it ambiguous, so it is refused here."""
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end:
            other = (
                Season.objects.filter(starts_on__lte=end, ends_on__gte=start)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if other is not None:
                raise ValidationError(
                    _("Cette saison chevauche la saison « %(name)s ».") % {"name": other.name}
                )
        return cleaned


@admin.register(Season)
class SeasonAdmin(admin.ModelAdmin):
    form = SeasonForm
    list_display = ["name", "starts_on", "ends_on", "quota_per_caf", "booking_count"]
    search_fields = ["name"]
    date_hierarchy = "starts_on"

    def get_queryset(self, request):
        holding = Q(bookings__status__in=Booking.HOLDING)
        return super().get_queryset(request).annotate(_bookings=Count("bookings", filter=holding))

    @admin.display(description=_("réservations"), ordering="_bookings")
    def booking_count(self, obj):
        return obj._bookings


# Sets ------------------------------------------------------------------------------------------
class ConditionLogInline(ReadOnlyInline):
    """The condition log: written by the hand-overs, the damage reports and the repairs."""

    model = ConditionEntry
    fields = ["created_at", "kind", "condition", "caf", "booking", "missing_items", "notes", "by"]
    ordering = ["-created_at", "-pk"]
    verbose_name_plural = _("carnet d'état (lecture seule)")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("caf", "by", "booking__expo_set", "booking__caf")
        )


class BlackoutForm(forms.ModelForm):
    class Meta:
        model = Blackout
        fields = ["expo_set", "starts_on", "ends_on", "reason"]

    def clean(self):
        """services.blackout_create's rules, said on the form rather than after the save: not
        in the past, not over a booking (transport days included), not over another period."""
        cleaned = super().clean()
        expo_set = cleaned.get("expo_set") or getattr(self.instance, "expo_set", None)
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if expo_set is None or not start or not end:
            return cleaned
        if end < start:
            raise ValidationError(_("La date de fin précède la date de début."))
        if end < timezone.localdate():
            raise ValidationError(_("Cette période est déjà passée."))
        taken = (
            Booking.objects.filter(
                expo_set=expo_set,
                status__in=Booking.HOLDING,
                blocked_from__lte=end,
                blocked_until__gte=start,
            )
            .select_related("caf")
            .order_by("blocked_from")
            .first()
        )
        if taken is not None:
            raise ValidationError(
                _(
                    "Le jeu %(code)s est réservé par %(caf)s du %(start)s au %(end)s (transport "
                    "compris : du %(from)s au %(until)s). Choisissez d'autres dates, ou annulez "
                    "d'abord cette réservation."
                )
                % {
                    "code": expo_set.code,
                    "caf": taken.caf.name,
                    "start": taken.starts_on.strftime("%d/%m/%Y"),
                    "end": taken.ends_on.strftime("%d/%m/%Y"),
                    "from": taken.blocked_from.strftime("%d/%m/%Y"),
                    "until": taken.blocked_until.strftime("%d/%m/%Y"),
                }
            )
        other = Blackout.objects.filter(
            expo_set=expo_set, starts_on__lte=end, ends_on__gte=start
        ).first()
        if other is not None:
            raise ValidationError(
                _("Le jeu %(code)s est déjà indisponible du %(start)s au %(end)s (%(reason)s).")
                % {
                    "code": expo_set.code,
                    "start": other.starts_on.strftime("%d/%m/%Y"),
                    "end": other.ends_on.strftime("%d/%m/%Y"),
                    "reason": other.reason,
                }
            )
        return cleaned


def _blackout_create(modeladmin, request, *, expo_set, data) -> Blackout | None:
    try:
        return services.blackout_create(
            expo_set=expo_set,
            by=request.user,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            reason=data["reason"],
        )
    except (services.BookingError, PermissionDenied) as exc:  # a booking made meanwhile
        _refused(modeladmin, request, expo_set, exc)
        return None


def _blackout_delete(modeladmin, request, blackout: Blackout) -> None:
    try:
        services.blackout_delete(blackout=blackout, by=request.user)
    except PermissionDenied as exc:
        _refused(modeladmin, request, blackout, exc)


class BlackoutInline(admin.TabularInline):
    """New periods and removals go through the services (the waitlist gets the freed set); a
    period is not moved: remove it and plan another."""

    model = Blackout
    form = BlackoutForm
    extra = 0
    fields = ["starts_on", "ends_on", "reason"]

    def has_change_permission(self, request, obj=None):
        return False


class ExpoSetActionForm(helpers.ActionForm):
    repair_notes = forms.CharField(
        label=_("ce qui a été remis en état"),
        required=False,
        max_length=2000,
        help_text=_("Obligatoire pour « remettre en état »."),
    )


def _next_booking(field: str):
    return Subquery(
        Booking.objects.filter(
            expo_set=OuterRef("pk"),
            status__in=Booking.HOLDING,
            ends_on__gte=timezone.localdate(),
        )
        .exclude(status=Booking.Status.RETURNED)
        .order_by("starts_on")
        .values(field)[:1]
    )


@admin.register(ExpoSet)
class ExpoSetAdmin(admin.ModelAdmin):
    action_form = ExpoSetActionForm
    list_display = ["code", "location", "home_caf", "condition", "kit_version", "next_booking"]
    list_filter = ["condition", "location__region", ("location", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "code",
        "contents",
        "kit_version",
        *_prefixed("location", CAF_FIELDS),
        *_prefixed("home_caf", CAF_FIELDS),
    ]
    list_select_related = ["location", "home_caf"]
    autocomplete_fields = ["home_caf", "location"]
    inlines = [ConditionLogInline, BlackoutInline]
    actions = ["repair"]
    fieldsets = (
        (None, {"fields": ("code", "contents", "panels", "games", "kit_version")}),
        (_("Où et dans quel état"), {"fields": ("home_caf", "location", "condition")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # The condition moves with the damage reports and arrivals (services), and back to good
        # with the « remettre en état » action, which writes the log.
        return ["condition"] if obj is not None else []

    def save_formset(self, request, form, formset, change):
        if formset.model is not Blackout:
            return super().save_formset(request, form, formset, change)
        for blackout_form in formset.extra_forms:
            if blackout_form.has_changed() and blackout_form not in formset.deleted_forms:
                _blackout_create(
                    self, request, expo_set=form.instance, data=blackout_form.cleaned_data
                )
        for blackout_form in formset.deleted_forms:
            if blackout_form.instance.pk:
                _blackout_delete(self, request, blackout_form.instance)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _next_starts_on=_next_booking("starts_on"),
                _next_caf=_next_booking("caf__name"),
            )
        )

    @admin.display(description=_("prochaine réservation"), ordering="_next_starts_on")
    def next_booking(self, obj):
        if obj._next_starts_on is None:
            return "—"
        return f"{obj._next_starts_on:%d/%m/%Y} — {obj._next_caf}"

    def has_repair_permission(self, request):
        return request.user.has_perm("expo_booking.repair_set")

    @admin.action(
        description=_("Remettre en état (avec ce qui a été fait, ci-dessus)"),
        permissions=["repair"],
    )
    def repair(self, request, queryset):
        notes = request.POST.get("repair_notes", "")
        repaired = 0
        for expo_set in queryset:
            try:
                services.repair(expo_set=expo_set, by=request.user, notes=notes)
            except (services.BookingError, PermissionDenied) as exc:
                _refused(self, request, expo_set, exc)
                continue
            repaired += 1
        _done(
            self,
            request,
            repaired,
            ngettext(
                "%(count)d jeu remis en état : il peut de nouveau être réservé.",
                "%(count)d jeux remis en état : ils peuvent de nouveau être réservés.",
                repaired,
            ),
        )


class ConditionPhotoInline(ReadOnlyInline):
    model = ConditionPhoto
    fields = ["name", "content_type", "size", "uploaded_by", "created_at"]
    show_change_link = False


@admin.register(ConditionEntry)
class ConditionEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "expo_set",
        "kind",
        "condition",
        "caf",
        "booking",
        "by",
        "photo_count",
    ]
    list_filter = ["kind", "condition", "expo_set"]
    search_fields = ["expo_set__code", "notes", "missing_items", *CAF_SEARCH]
    list_select_related = ["expo_set", "caf", "by", "booking__expo_set", "booking__caf"]
    date_hierarchy = "created_at"
    inlines = [ConditionPhotoInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_photos=Count("photos"))

    @admin.display(description=_("photos"), ordering="_photos")
    def photo_count(self, obj):
        return obj._photos


@admin.register(ConditionPhoto)
class ConditionPhotoAdmin(ReadOnlyAdmin):
    list_display = ["name", "entry", "content_type", "size", "uploaded_by", "created_at"]
    list_filter = ["content_type", "entry__kind"]
    search_fields = ["name", "entry__expo_set__code", *_prefixed("entry__caf", CAF_FIELDS)]
    list_select_related = ["entry__expo_set", "uploaded_by"]
    fields = ["name", "entry", "content_type", "size", "uploaded_by", "created_at"]
    date_hierarchy = "created_at"


@admin.register(Blackout)
class BlackoutAdmin(admin.ModelAdmin):
    form = BlackoutForm
    list_display = ["expo_set", "starts_on", "ends_on", "reason", "location"]
    list_filter = ["expo_set"]
    search_fields = ["expo_set__code", "reason", *_prefixed("expo_set__location", CAF_FIELDS)]
    list_select_related = ["expo_set__location"]
    autocomplete_fields = ["expo_set"]
    date_hierarchy = "starts_on"

    @admin.display(description=_("se trouve à"), ordering="expo_set__location__name")
    def location(self, obj):
        return obj.expo_set.location

    def has_change_permission(self, request, obj=None):
        return False  # a period is not moved: remove it and plan another

    def save_model(self, request, obj, form, change):
        created = _blackout_create(
            self, request, expo_set=form.cleaned_data["expo_set"], data=form.cleaned_data
        )
        if created is not None:
            obj.pk, obj._state.adding = created.pk, False

    def delete_model(self, request, obj):
        _blackout_delete(self, request, obj)

    def delete_queryset(self, request, queryset):
        for blackout in queryset.select_related("expo_set"):
            _blackout_delete(self, request, blackout)


# Bookings --------------------------------------------------------------------------------------
class BookingActionForm(helpers.ActionForm):
    cancel_reason = forms.CharField(
        label=_("motif d'annulation"),
        required=False,
        max_length=300,
        help_text=_("Pour « annuler » : dit à la Caf pourquoi."),
    )


class HandOverInline(ReadOnlyInline):
    """The journey of the set to this booking: computed and updated by the services."""

    model = HandOver
    fk_name = "booking"
    fields = [
        "from_caf",
        "from_booking",
        "ship_on",
        "carrier",
        "tracking",
        "shipped_at",
        "received_at",
        "arrival",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "from_caf",
                "booking__expo_set",
                "booking__caf",
                "from_booking__expo_set",
                "from_booking__caf",
            )
        )


class FeedbackInline(ReadOnlyInline):
    model = Feedback
    fields = ["visitors", "agents_reached", "sessions_run", "satisfaction", "comments", "by"]
    show_change_link = False


def _feedback(booking) -> Feedback | None:
    return getattr(booking, "feedback", None)


BOOKING_EXPORT = [
    exports.Column(header=_("Jeu"), value=lambda b: b.expo_set.code),
    exports.Column(header=_("Caf d'accueil"), value=lambda b: b.caf.name),
    exports.Column(header=_("N° de Caf"), value=lambda b: b.caf.number),
    exports.Column(header=_("Région"), value=lambda b: b.caf.region.name),
    exports.Column(header=_("Saison"), value=lambda b: b.season.name),
    exports.Column(header=_("Du"), value=lambda b: b.starts_on),
    exports.Column(header=_("Au"), value=lambda b: b.ends_on),
    exports.Column(header=_("Jours"), value=lambda b: b.days),
    exports.Column(header=_("Statut"), value=lambda b: b.get_status_display()),
    exports.Column(header=_("Type d'usage"), value=lambda b: b.get_use_display()),
    exports.Column(header=_("Lieu d'exposition"), value=lambda b: b.venue),
    exports.Column(header=_("Visiteurs attendus"), value=lambda b: b.expected_visitors),
    exports.Column(
        header=_("Visiteurs (retour)"),
        value=lambda b: _feedback(b).visitors if _feedback(b) else None,
    ),
    exports.Column(
        header=_("Satisfaction (retour)"),
        value=lambda b: _feedback(b).satisfaction if _feedback(b) else None,
    ),
    exports.Column(header=_("Demandée le"), value=lambda b: b.created_at),
    exports.Column(header=_("Confirmée le"), value=lambda b: b.confirmed_at),
    exports.Column(header=_("Annulée le"), value=lambda b: b.cancelled_at),
]
BOOKING_EDITABLE = [
    "expected_visitors",
    "venue",
    "contact_name",
    "contact_phone",
    "contact_email",
    "delivery_address",
]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Bookings are made on the pages and the API (services.booking_request: dates, quota,
    overlap): here the CafLab confirms or cancels them, and corrects the contacts."""

    action_form = BookingActionForm
    list_display = [
        "expo_set",
        "caf",
        "starts_on",
        "ends_on",
        "status",
        "use",
        "season",
        "expected_visitors",
        "visitors",
        "created_at",
    ]
    list_filter = ["status", "season", "use", "expo_set", "caf__region"]
    search_fields = ["expo_set__code", *CAF_SEARCH, *CONTACT_SEARCH]
    list_select_related = ["expo_set", "caf__region", "season", "feedback"]
    date_hierarchy = "starts_on"
    inlines = [HandOverInline, FeedbackInline]
    actions = [
        "confirm",
        "cancel",
        *_export_actions(BOOKING_EXPORT, "reservations-cafia", _("les réservations")),
    ]
    fieldsets = (
        (None, {"fields": ("expo_set", "caf", "season", "status", "use")}),
        (
            _("Dates"),
            {
                "fields": (
                    "starts_on",
                    "ends_on",
                    "days_before",
                    "days_after",
                    "blocked_from",
                    "blocked_until",
                )
            },
        ),
        (
            _("Accueil"),
            {
                "fields": (
                    "expected_visitors",
                    "venue",
                    "contact_name",
                    "contact_phone",
                    "contact_email",
                    "delivery_address",
                )
            },
        ),
        (
            _("Suivi"),
            {
                "fields": (
                    "requested_by",
                    "created_at",
                    "confirmed_by",
                    "confirmed_at",
                    "offer_expires_at",
                    "cancelled_at",
                    "cancel_reason",
                    "returned_home",
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        every = [name for _title, group in self.fieldsets for name in group["fields"]]
        return [name for name in every if name not in BOOKING_EDITABLE]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a booking is cancelled (the slot goes to the waitlist), never deleted

    @admin.display(description=_("visiteurs (retour)"), ordering="feedback__visitors")
    def visitors(self, obj):
        feedback = _feedback(obj)
        return feedback.visitors if feedback else "—"

    def has_confirm_permission(self, request):
        return request.user.has_perm("expo_booking.confirm_booking")

    def has_cancel_permission(self, request):
        return request.user.has_perm("expo_booking.manage_booking")

    @admin.action(description=_("Confirmer les réservations demandées"), permissions=["confirm"])
    def confirm(self, request, queryset):
        confirmed = 0
        for booking in queryset:
            try:
                services.booking_confirm(booking=booking, by=request.user)
            except (services.BookingError, PermissionDenied) as exc:
                _refused(self, request, booking, exc)
                continue
            confirmed += 1
        _done(
            self,
            request,
            confirmed,
            ngettext(
                "%(count)d réservation confirmée : la Caf est prévenue.",
                "%(count)d réservations confirmées : les Caf sont prévenues.",
                confirmed,
            ),
        )

    @admin.action(
        description=_("Annuler les réservations (avec le motif ci-dessus)"),
        permissions=["cancel"],
    )
    def cancel(self, request, queryset):
        reason = request.POST.get("cancel_reason", "")
        cancelled = 0
        for booking in queryset:
            try:
                services.booking_cancel(booking=booking, by=request.user, reason=reason)
            except (services.BookingError, PermissionDenied) as exc:
                _refused(self, request, booking, exc)
                continue
            cancelled += 1
        _done(
            self,
            request,
            cancelled,
            ngettext(
                "%(count)d réservation annulée : le créneau est proposé à la liste d'attente.",
                "%(count)d réservations annulées : les créneaux sont proposés à la liste "
                "d'attente.",
                cancelled,
            ),
        )


@admin.register(HandOver)
class HandOverAdmin(ReadOnlyAdmin):
    """Computed when a booking is confirmed (services.rechain), shipped and received by the
    Cafs on the pages and the API."""

    list_display = [
        "expo_set",
        "from_caf",
        "to_caf",
        "ship_on",
        "shipped_at",
        "carrier",
        "tracking",
        "received_at",
        "arrival",
    ]
    list_filter = [
        presence_filter("shipped_at", _("expédié")),
        presence_filter("received_at", _("reçu")),
        "arrival",
        "booking__expo_set",
    ]
    search_fields = [
        "booking__expo_set__code",
        "carrier",
        "tracking",
        *_prefixed("from_caf", CAF_FIELDS),
        *_prefixed("booking__caf", CAF_FIELDS),
    ]
    list_select_related = ["booking__expo_set", "booking__caf", "from_caf"]
    date_hierarchy = "ship_on"

    @admin.display(description=_("jeu"), ordering="booking__expo_set__code")
    def expo_set(self, obj):
        return obj.booking.expo_set

    @admin.display(description=_("vers"), ordering="booking__caf__name")
    def to_caf(self, obj):
        return obj.booking.caf


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdmin):
    """Joined on the booking pages (services.waitlist_join); the freed slots are offered by the
    services, in order."""

    list_display = [
        "caf",
        "starts_on",
        "ends_on",
        "status",
        "use",
        "expected_visitors",
        "offered_booking",
        "created_at",
    ]
    list_filter = ["status", "use", "caf__region"]
    search_fields = [*CAF_SEARCH, *CONTACT_SEARCH, "offered_booking__expo_set__code"]
    list_select_related = ["caf", "offered_booking__expo_set", "offered_booking__caf"]
    date_hierarchy = "starts_on"
    exclude = ["requested_by"]


FEEDBACK_EXPORT = [
    exports.Column(header=_("Jeu"), value=lambda f: f.booking.expo_set.code),
    exports.Column(header=_("Caf d'accueil"), value=lambda f: f.booking.caf.name),
    exports.Column(header=_("N° de Caf"), value=lambda f: f.booking.caf.number),
    exports.Column(header=_("Du"), value=lambda f: f.booking.starts_on),
    exports.Column(header=_("Au"), value=lambda f: f.booking.ends_on),
    exports.Column(header=_("Type d'usage"), value=lambda f: f.booking.get_use_display()),
    exports.Column(header=_("Visiteurs"), value=lambda f: f.visitors),
    exports.Column(header=_("Agents sensibilisés"), value=lambda f: f.agents_reached),
    exports.Column(header=_("Séances animées"), value=lambda f: f.sessions_run),
    exports.Column(header=_("Satisfaction (1 à 5)"), value=lambda f: f.satisfaction),
    exports.Column(header=_("Commentaires"), value=lambda f: f.comments),
    exports.Column(header=_("Le"), value=lambda f: f.created_at),
]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    """Given by the host Caf after the exhibition (services.feedback_submit)."""

    list_display = [
        "booking",
        "caf",
        "visitors",
        "agents_reached",
        "sessions_run",
        "satisfaction",
        "created_at",
    ]
    list_filter = ["satisfaction", "booking__season", "booking__use"]
    search_fields = [
        "booking__expo_set__code",
        "comments",
        *_prefixed("booking__caf", CAF_FIELDS),
    ]
    list_select_related = ["booking__expo_set", "booking__caf"]
    date_hierarchy = "created_at"
    exclude = ["by"]
    actions = _export_actions(FEEDBACK_EXPORT, "retours-cafia", _("les retours"))

    @admin.display(description=_("Caf"), ordering="booking__caf__number")
    def caf(self, obj):
        return obj.booking.caf


# The malette numérique -------------------------------------------------------------------------
class KitVersionForm(forms.ModelForm):
    """A new version of a resource: the file checked by its content (type, size) here, then
    added by services.kit_version_add; the current file is never linked from the admin."""

    class Meta:
        model = KitVersion
        fields = ["resource", "version", "file", "notes"]
        widgets = {"file": forms.FileInput}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload is not self.initial.get("file") and hasattr(upload, "content_type"):
            files.validate_upload(upload)  # a ValidationError in French, on the field
        return upload


def _kit_version_add(modeladmin, request, *, resource, data) -> KitVersion | None:
    try:
        return services.kit_version_add(
            resource=resource,
            by=request.user,
            version=data["version"],
            notes=data.get("notes", ""),
            upload=data["file"],
        )
    except (ValidationError, PermissionDenied) as exc:
        _refused(modeladmin, request, resource, exc)
        return None


class KitVersionInline(admin.TabularInline):
    """A version is added (through the service), never replaced nor deleted: its downloads
    are the malette's statistics."""

    model = KitVersion
    form = KitVersionForm
    extra = 0
    fields = ["version", "file", "notes", "name", "size", "uploaded_by", "created_at"]
    readonly_fields = ["name", "size", "uploaded_by", "created_at"]
    ordering = ["-created_at"]
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(KitResource)
class KitResourceAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "position",
        "is_published",
        "latest_version",
        "version_count",
        "download_count",
    ]
    list_editable = ["position", "is_published"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title", "description"]
    inlines = [KitVersionInline]

    def get_queryset(self, request):
        latest = KitVersion.objects.filter(resource=OuterRef("pk")).order_by("-created_at", "-pk")
        return (
            super()
            .get_queryset(request)
            .annotate(
                _versions=Count("versions", distinct=True),
                _downloads=Count("versions__downloads", distinct=True),
                _latest=Subquery(latest.values("version")[:1]),
            )
        )

    @admin.display(description=_("dernière version"), ordering="_latest")
    def latest_version(self, obj):
        return obj._latest or "—"

    @admin.display(description=_("versions"), ordering="_versions")
    def version_count(self, obj):
        return obj._versions

    @admin.display(description=_("téléchargements"), ordering="_downloads")
    def download_count(self, obj):
        return obj._downloads

    def save_formset(self, request, form, formset, change):
        if formset.model is not KitVersion:
            return super().save_formset(request, form, formset, change)
        for version_form in formset.extra_forms:
            if version_form.has_changed() and version_form.cleaned_data:
                _kit_version_add(
                    self, request, resource=form.instance, data=version_form.cleaned_data
                )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None


@admin.register(KitVersion)
class KitVersionAdmin(admin.ModelAdmin):
    form = KitVersionForm
    list_display = [
        "resource",
        "version",
        "name",
        "content_type",
        "size",
        "uploaded_by",
        "created_at",
        "download_count",
    ]
    list_filter = ["resource__kind", "resource"]
    search_fields = ["resource__title", "version", "notes", "name"]
    list_select_related = ["resource", "uploaded_by"]
    autocomplete_fields = ["resource"]
    date_hierarchy = "created_at"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["resource", "version", "file", "notes"]
        # A new file is a new version: the file of this one stays as it was downloaded.
        return ["resource", "version", "notes", "name", "content_type", "size", "uploaded_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # its downloads are the malette's statistics

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_downloads=Count("downloads"))

    @admin.display(description=_("téléchargements"), ordering="_downloads")
    def download_count(self, obj):
        return obj._downloads

    def save_model(self, request, obj, form, change):
        created = _kit_version_add(
            self, request, resource=form.cleaned_data["resource"], data=form.cleaned_data
        )
        if created is not None:
            obj.pk, obj._state.adding = created.pk, False


DOWNLOAD_EXPORT = [
    exports.Column(header=_("Le"), value=lambda d: d.at),
    exports.Column(header=_("Caf"), value=lambda d: d.caf.name if d.caf_id else ""),
    exports.Column(header=_("N° de Caf"), value=lambda d: d.caf.number if d.caf_id else ""),
    exports.Column(header=_("Région"), value=lambda d: d.caf.region.name if d.caf_id else ""),
    exports.Column(header=_("Ressource"), value=lambda d: d.version.resource.title),
    exports.Column(header=_("Version"), value=lambda d: d.version.version),
]
# Rows of `values()`: their keys are the lookups themselves (« caf__number »).
DOWNLOADS_PER_CAF = [
    exports.Column(
        header=_("Caf"), value=lambda row: row["caf__name"] or _("Sans Caf (équipe CafLab)")
    ),
    exports.Column(header=_("N° de Caf"), value=lambda row: row["caf__number"]),
    exports.Column(header=_("Région"), value=lambda row: row["caf__region__name"]),
    exports.Column(header=_("Téléchargements"), value=lambda row: row["downloads"]),
    exports.Column(header=_("Dernier téléchargement"), value=lambda row: row["last"]),
]


def _per_caf_export(fmt: str):
    """The selected downloads counted per Caf (the CafLab team's own, without a Caf, on a last
    line of their own)."""

    @admin.action(
        description=_("Exporter les téléchargements par Caf (%(fmt)s)")
        % {"fmt": "CSV" if fmt == "csv" else "Excel"},
        permissions=["view"],
    )
    def export(modeladmin, request, queryset):
        rows = (
            KitDownload.objects.filter(pk__in=queryset.values("pk"))
            .values("caf__name", "caf__number", "caf__region__name")
            .annotate(downloads=Count("pk"), last=Max("at"))
            .order_by(F("caf__number").asc(nulls_last=True))
        )
        return exports.export_response(
            fmt=fmt,
            filename_stem="telechargements-par-caf",
            rows=rows,
            columns=DOWNLOADS_PER_CAF,
            sheet_title=str(_("Téléchargements par Caf")),
        )

    export.__name__ = f"export_per_caf_{fmt}"
    return export


@admin.register(KitDownload)
class KitDownloadAdmin(ReadOnlyAdmin):
    """One line per download of the malette, counted per Caf (no person is recorded)."""

    list_display = ["at", "resource", "version", "caf", "caf_total"]
    list_filter = ["version__resource", "caf__region", ("caf", admin.RelatedOnlyFieldListFilter)]
    search_fields = [*CAF_SEARCH, "version__resource__title", "version__version"]
    list_select_related = ["version__resource", "caf"]
    date_hierarchy = "at"
    actions = [
        *_export_actions(DOWNLOAD_EXPORT, "telechargements-malette", _("les téléchargements")),
        _per_caf_export("csv"),
        _per_caf_export("xlsx"),
    ]

    def get_queryset(self, request):
        per_caf = (
            KitDownload.objects.filter(caf=OuterRef("caf"))
            .order_by()
            .values("caf")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .select_related("caf__region", "version__resource")
            .annotate(_caf_total=Subquery(per_caf))
        )

    @admin.display(description=_("ressource"), ordering="version__resource__title")
    def resource(self, obj):
        return obj.version.resource

    @admin.display(description=_("téléchargements de la Caf"), ordering="_caf_total")
    def caf_total(self, obj):
        return obj._caf_total or 0
