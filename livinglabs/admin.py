"""The living labs in the CafLab admin.

Members' identities stay with the lab's facilitators: the admin shows a member by pseudonym,
profile, dates and consent only — never a name or a contact, not even in its search — and
members join through the facilitators' pages (the service records the consent), so the admin
neither adds nor deletes them. It anonymises them, which keeps the labs' statistics.
Attendance is recorded by the facilitators too: invitations are shown, not edited here.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _, ngettext

from caflab import exports
from livinglabs import services
from livinglabs.models import Contribution, Invitation, Lab, Member, Solicitation, Workshop

CAF_SEARCH = ["caf__name", "caf__number", "caf__department_name"]


def _prefixed(prefix: str, fields: list[str]) -> list[str]:
    return [f"{prefix}__{field}" for field in fields]


def presence_filter(field: str, title: str, yes: str, no: str) -> type[admin.SimpleListFilter]:
    """A yes/no filter on whether a date field is set (« anonymisé : oui / non »)."""

    class PresenceFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            return [("oui", yes), ("non", no)]

        def queryset(self, request, queryset):
            if self.value() == "oui":
                return queryset.filter(**{f"{field}__isnull": False})
            if self.value() == "non":
                return queryset.filter(**{f"{field}__isnull": True})
            return queryset

    PresenceFilter.title = title
    PresenceFilter.__name__ = f"{field.title().replace('_', '')}Filter"
    return PresenceFilter


# Labs -----------------------------------------------------------------------------------------
class WorkshopInline(admin.TabularInline):
    model = Workshop
    extra = 0
    fields = ["topic", "starts_at", "ends_at", "mode", "place"]
    show_change_link = True
    ordering = ["-starts_at"]


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "caf",
        "theme",
        "city",
        "created_on",
        "status",
        "member_count",
        "workshop_count",
    ]
    list_filter = ["theme", "status", "caf__region"]
    search_fields = ["name", "slug", "venue", "city", *CAF_SEARCH]
    list_select_related = ["caf"]
    autocomplete_fields = ["caf", "facilitators"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "created_on"
    inlines = [WorkshopInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "caf", "theme", "status")}),
        (_("Lieu"), {"fields": ("venue", "city")}),
        (_("Présentation"), {"fields": ("created_on", "description")}),
        (_("Animation"), {"fields": ("facilitators",)}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _members=Count(
                    "members",
                    filter=Q(members__left_on__isnull=True, members__anonymised_at__isnull=True),
                    distinct=True,
                ),
                _workshops=Count("workshops", distinct=True),
            )
        )

    @admin.display(description=_("membres actifs"), ordering="_members")
    def member_count(self, obj):
        return obj._members

    @admin.display(description=_("ateliers"), ordering="_workshops")
    def workshop_count(self, obj):
        return obj._workshops


# Members --------------------------------------------------------------------------------------
MEMBER_FIELDS = [
    "pseudonym",
    "lab",
    "profile",
    "joined_on",
    "left_on",
    "last_seen_on",
    "consent_at",
    "consent_version",
    "flagged_inactive_on",
    "anonymised_at",
]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = [
        "pseudonym",
        "lab",
        "profile",
        "joined_on",
        "left_on",
        "last_seen_on",
        "consent_version",
        "is_flagged",
        "is_anonymised",
    ]
    list_filter = [
        "profile",
        "consent_version",
        presence_filter("flagged_inactive_on", _("signalé inactif"), _("Oui"), _("Non")),
        presence_filter("anonymised_at", _("anonymisé"), _("Oui"), _("Non")),
        presence_filter("left_on", _("parti"), _("Oui"), _("Non")),
        "lab__theme",
        "lab",
    ]
    # The pseudonym and the lab only: a search by name would tell who belongs to a lab.
    search_fields = ["pseudonym", "lab__name", *_prefixed("lab", CAF_SEARCH)]
    list_select_related = ["lab"]
    fields = MEMBER_FIELDS
    readonly_fields = MEMBER_FIELDS
    exclude = list(services.PERSONAL_FIELDS)
    actions = ["anonymise"]

    def has_add_permission(self, request):
        return False  # a member joins on the lab's pages, with a recorded consent

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # deleting would erase the statistics: anonymise instead

    @admin.display(boolean=True, description=_("signalé inactif"))
    def is_flagged(self, obj):
        return obj.flagged_inactive_on is not None

    @admin.display(boolean=True, description=_("anonymisé"), ordering="anonymised_at")
    def is_anonymised(self, obj):
        return obj.anonymised_at is not None

    @admin.action(description=_("Anonymiser"))
    def anonymise(self, request, queryset):
        count = 0
        for member in queryset:
            if member.anonymised_at is not None:
                continue
            try:
                services.member_anonymise(member=member, by=request.user)
            except PermissionDenied:
                self.message_user(
                    request,
                    _("Vous n'avez pas le droit d'anonymiser %(member)s.") % {"member": member},
                    messages.ERROR,
                )
                continue
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d membre anonymisé : ses statistiques sont conservées.",
                "%(count)d membres anonymisés : leurs statistiques sont conservées.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


# Workshops ------------------------------------------------------------------------------------
class InvitationInline(admin.TabularInline):
    """Who was invited and who came, by pseudonym; the facilitators record it on their pages."""

    model = Invitation
    extra = 0
    fields = ["member", "invited_at", "attended"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ContributionInline(admin.TabularInline):
    model = Contribution
    extra = 0
    fields = ["kind", "text", "tags", "status", "status_reason"]
    show_change_link = True


WORKSHOP_EXPORT = [
    exports.Column(header="Living lab", value=lambda w: w.lab.name),
    exports.Column(header="Caf", value=lambda w: w.lab.caf.name),
    exports.Column(header="Sujet", value=lambda w: w.topic),
    exports.Column(header="Début", value=lambda w: w.starts_at),
    exports.Column(header="Fin", value=lambda w: w.ends_at),
    exports.Column(header="Modalité", value=lambda w: w.get_mode_display()),
    exports.Column(header="Lieu", value=lambda w: w.place),
    exports.Column(
        header="Sollicitation", value=lambda w: w.solicitation.title if w.solicitation else ""
    ),
    exports.Column(header="Invités", value=lambda w: w._invited),
    exports.Column(header="Présents", value=lambda w: w._present),
    exports.Column(header="Contributions", value=lambda w: w._contributions),
]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = [
        "topic",
        "lab",
        "starts_at",
        "mode",
        "invited_count",
        "present_count",
        "contribution_count",
    ]
    list_filter = ["mode", "lab__theme", "lab", "starts_at"]
    search_fields = ["topic", "place", "lab__name", *_prefixed("lab", CAF_SEARCH)]
    list_select_related = ["lab", "lab__caf", "solicitation"]
    autocomplete_fields = ["lab", "solicitation", "facilitators"]
    date_hierarchy = "starts_at"
    inlines = [InvitationInline, ContributionInline]
    actions = [
        exports.admin_export_action(
            columns=WORKSHOP_EXPORT,
            filename_stem="living-labs-ateliers",
            fmt="csv",
            description=_("Exporter les ateliers (CSV)"),
        ),
        exports.admin_export_action(
            columns=WORKSHOP_EXPORT,
            filename_stem="living-labs-ateliers",
            fmt="xlsx",
            description=_("Exporter les ateliers (Excel)"),
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _invited=Count("invitations", distinct=True),
                _present=Count("invitations", filter=Q(invitations__attended=True), distinct=True),
                _contributions=Count("contributions", distinct=True),
            )
        )

    @admin.display(description=_("invités"), ordering="_invited")
    def invited_count(self, obj):
        return obj._invited

    @admin.display(description=_("présents"), ordering="_present")
    def present_count(self, obj):
        return obj._present

    @admin.display(description=_("contributions"), ordering="_contributions")
    def contribution_count(self, obj):
        return obj._contributions


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["member", "workshop", "lab", "invited_at", "attended"]
    list_filter = ["attended", "workshop__lab"]
    search_fields = [
        "member__pseudonym",
        "workshop__topic",
        "workshop__lab__name",
        *_prefixed("workshop__lab", CAF_SEARCH),
    ]
    list_select_related = ["member", "workshop", "workshop__lab"]
    fields = ["workshop", "member", "invited_at", "attended"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("living lab"), ordering="workshop__lab__name")
    def lab(self, obj):
        return obj.workshop.lab


# Contributions --------------------------------------------------------------------------------
CONTRIBUTION_EXPORT = [
    exports.Column(header="Living lab", value=lambda c: c.workshop.lab.name),
    exports.Column(header="Caf", value=lambda c: c.workshop.lab.caf.name),
    exports.Column(header="Atelier", value=lambda c: c.workshop.topic),
    exports.Column(header="Date de l'atelier", value=lambda c: c.workshop.starts_at),
    exports.Column(header="Nature", value=lambda c: c.get_kind_display()),
    exports.Column(header="Contribution", value=lambda c: c.text),
    exports.Column(header="Mots-clés", value=lambda c: c.tags),
    exports.Column(header="Suite donnée", value=lambda c: c.get_status_display()),
    exports.Column(header="Motif", value=lambda c: c.status_reason),
    exports.Column(header="Enregistrée le", value=lambda c: c.created_at),
]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "kind", "status", "lab", "workshop", "created_at"]
    list_filter = ["kind", "status", "workshop__lab__theme", "workshop__lab"]
    search_fields = [
        "text",
        "tags",
        "workshop__topic",
        "workshop__lab__name",
        *_prefixed("workshop__lab", CAF_SEARCH),
    ]
    list_select_related = ["workshop", "workshop__lab", "workshop__lab__caf"]
    autocomplete_fields = ["workshop"]
    date_hierarchy = "created_at"
    actions = [
        "mark_taken",
        "mark_implemented",
        exports.admin_export_action(
            columns=CONTRIBUTION_EXPORT,
            filename_stem="living-labs-contributions",
            fmt="csv",
            description=_("Exporter les contributions (CSV)"),
        ),
        exports.admin_export_action(
            columns=CONTRIBUTION_EXPORT,
            filename_stem="living-labs-contributions",
            fmt="xlsx",
            description=_("Exporter les contributions (Excel)"),
        ),
    ]

    @admin.display(description=_("contribution"))
    def excerpt(self, obj):
        return str(obj)

    @admin.display(description=_("living lab"), ordering="workshop__lab__name")
    def lab(self, obj):
        return obj.workshop.lab

    def _set_status(self, request, queryset, status):
        for contribution in queryset:
            services.contribution_set_status(
                contribution=contribution, by=request.user, status=status
            )
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(count)d contribution mise à jour.",
                "%(count)d contributions mises à jour.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Marquer « prise en compte »"), permissions=["change"])
    def mark_taken(self, request, queryset):
        self._set_status(request, queryset, Contribution.Status.TAKEN)

    @admin.action(description=_("Marquer « mise en œuvre »"), permissions=["change"])
    def mark_implemented(self, request, queryset):
        self._set_status(request, queryset, Contribution.Status.IMPLEMENTED)


# Solicitations --------------------------------------------------------------------------------
@admin.register(Solicitation)
class SolicitationAdmin(admin.ModelAdmin):
    list_display = ["title", "requester", "deadline", "status", "lab_count", "answered_at"]
    list_filter = ["status", "requester", "labs"]
    search_fields = [
        "title",
        "requester",
        "brief",
        "labs__name",
        *_prefixed("labs", CAF_SEARCH),
    ]
    filter_horizontal = ["labs"]
    date_hierarchy = "deadline"
    readonly_fields = ["created_by", "created_at", "answered_at"]
    fieldsets = (
        (None, {"fields": ("title", "requester", "brief", "deliverable", "deadline", "labs")}),
        (_("Réponse"), {"fields": ("status", "synthesis", "answered_at")}),
        (_("Suivi"), {"fields": ("created_by", "created_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_labs=Count("labs", distinct=True))

    @admin.display(description=_("living labs"), ordering="_labs")
    def lab_count(self, obj):
        return obj._labs

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
