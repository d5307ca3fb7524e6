"""Eurekaf in the CafLab admin: triage, bulk follow-up and exports for the CafLab team.

Status changes, escalations, assignments and internal notes go through the services, so the
timeline, the counters and the notifications stay right; counters are never edited by hand.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, ngettext

from caflab import exports, fragments
from caflab.models import User
from eurekaf import services
from eurekaf.models import (
    Attachment,
    Campaign,
    Comment,
    Follow,
    Idea,
    IdeaBox,
    IdeaStatusChange,
    InternalNote,
    Report,
    Support,
    Theme,
)


class ReadOnlyAdminMixin:
    """Rows written by the services only: shown, never added or changed by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Reference ------------------------------------------------------------------------------------
@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "idea_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_ideas=Count("ideas"))

    @admin.display(description=_("idées"), ordering="_ideas")
    def idea_count(self, obj):
        return obj._ideas


class IdeaBoxAdminForm(forms.ModelForm):
    class Meta:
        model = IdeaBox
        fields = ["name", "slug", "caf", "managers", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Managers answer ideas: Caf agents, referents and the CafLab team, never partners.
        self.fields["managers"].queryset = User.objects.filter(
            is_active=True,
            role__in=[User.Role.AGENT, User.Role.REFERENT, User.Role.CAFLAB],
        ).select_related("caf")


@admin.register(IdeaBox)
class IdeaBoxAdmin(admin.ModelAdmin):
    form = IdeaBoxAdminForm
    list_display = ["name", "caf", "is_active", "idea_count", "manager_count", "created_at"]
    list_filter = ["is_active", "caf__region"]
    search_fields = ["name", "slug", "caf__name", "caf__number", "caf__department_name"]
    list_select_related = ["caf"]
    autocomplete_fields = ["caf"]
    filter_horizontal = ["managers"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _ideas=Count("ideas", filter=~Q(ideas__status=Idea.Status.MERGED), distinct=True),
                _managers=Count("managers", distinct=True),
            )
        )

    @admin.display(description=_("idées"), ordering="_ideas")
    def idea_count(self, obj):
        return obj._ideas

    @admin.display(description=_("gestionnaires"), ordering="_managers")
    def manager_count(self, obj):
        return obj._managers


CAMPAIGN_EXPORT = [
    exports.Column(header="Titre", value=lambda c: c.title),
    exports.Column(header="Boîte", value=lambda c: c.box.name),
    exports.Column(header="Type", value=lambda c: c.get_kind_display()),
    exports.Column(header="Début", value=lambda c: c.starts_on),
    exports.Column(header="Fin", value=lambda c: c.ends_on),
    exports.Column(header="Date de la criée", value=lambda c: c.pitch_on),
    exports.Column(header="Idées", value=lambda c: c._ideas),
]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "box", "kind", "starts_on", "ends_on", "pitch_on", "idea_count"]
    list_filter = ["kind", "box", "starts_on"]
    search_fields = ["title", "slug", "brief", "box__name", "box__caf__name"]
    list_select_related = ["box"]
    autocomplete_fields = ["box"]
    filter_horizontal = ["themes"]
    date_hierarchy = "starts_on"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_by"]
    actions = [
        exports.admin_export_action(
            columns=CAMPAIGN_EXPORT,
            filename_stem="eurekaf-campagnes",
            fmt="csv",
            description=_("Exporter les campagnes (CSV)"),
        ),
        exports.admin_export_action(
            columns=CAMPAIGN_EXPORT,
            filename_stem="eurekaf-campagnes",
            fmt="xlsx",
            description=_("Exporter les campagnes (Excel)"),
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_ideas=Count("ideas", filter=~Q(ideas__status=Idea.Status.MERGED)))
        )

    @admin.display(description=_("idées"), ordering="_ideas")
    def idea_count(self, obj):
        return obj._ideas

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


# Ideas ----------------------------------------------------------------------------------------
class StatusChangeInline(admin.TabularInline):
    model = IdeaStatusChange
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "answer", "by"]
    readonly_fields = fields
    verbose_name_plural = _("chronologie publique")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    can_delete = False
    fields = ["created_at", "author", "text", "is_hidden", "hidden_reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class InternalNoteInline(admin.StackedInline):
    """Existing notes read-only, new ones written by services.note_add (see save_formset)."""

    model = InternalNote
    extra = 0
    can_delete = False
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["file", "name", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # uploads are checked (type, size, number) by services.attachment_add

    def has_change_permission(self, request, obj=None):
        return False


ASSIGNMENT_FIELDS = ("assignee", "assigned_service", "answer_due_on")


class IdeaAdminForm(forms.ModelForm):
    class Meta:
        model = Idea
        fields = ["title", "description", "campaign", "themes", *ASSIGNMENT_FIELDS]

    def clean(self):
        cleaned = super().clean()
        assignee = cleaned.get("assignee")
        if assignee is not None and not assignee.has_perm("eurekaf.answer_idea", self.instance):
            self.add_error("assignee", _("Cette personne ne gère pas la boîte de cette idée."))
        campaign = cleaned.get("campaign")
        if campaign is not None and campaign.box_id != self.instance.box_id:
            self.add_error("campaign", _("Cette campagne appartient à une autre boîte à idées."))
        return cleaned


def _idea_caf(idea):
    return idea.origin_caf.name if idea.origin_caf_id else ""


IDEA_EXPORT = [
    exports.Column(header="Identifiant", value=lambda i: i.pk),
    exports.Column(header="Titre", value=lambda i: i.title),
    exports.Column(header="Boîte", value=lambda i: i.box.name),
    exports.Column(header="Caf d'origine", value=_idea_caf),
    exports.Column(header="Campagne", value=lambda i: i.campaign.title if i.campaign_id else ""),
    exports.Column(header="Statut", value=lambda i: i.get_status_display()),
    exports.Column(header="Soutiens", value=lambda i: i.support_count),
    exports.Column(header="Commentaires", value=lambda i: i.comment_count),
    exports.Column(header="Abonnés", value=lambda i: i.follower_count),
    exports.Column(header="Déposée le", value=lambda i: i.created_at),
    exports.Column(header="Statut changé le", value=lambda i: i.status_changed_at),
    exports.Column(header="Première réponse le", value=lambda i: i.first_answer_at),
    exports.Column(
        header="Contribution nationale depuis",
        value=lambda i: i.escalated_from.name if i.escalated_from_id else "",
    ),
    exports.Column(header="Masquée", value=lambda i: i.is_hidden),
]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    form = IdeaAdminForm
    list_display = [
        "title",
        "box",
        "origin_caf",
        "status",
        "support_count",
        "comment_count",
        "follower_count",
        "is_hidden",
        "created_at",
        "answer_due_on",
    ]
    list_filter = ["status", "box", "is_hidden", "themes", "campaign", "origin_caf__region"]
    search_fields = [
        "title",
        "description",
        "origin_caf__name",
        "origin_caf__number",
        "box__name",
        "author__last_name",
        "author__email",
    ]
    list_select_related = ["box", "origin_caf", "campaign", "escalated_from"]
    autocomplete_fields = ["campaign", "themes", "assignee"]
    date_hierarchy = "created_at"
    inlines = [StatusChangeInline, CommentInline, InternalNoteInline, AttachmentInline]
    readonly_fields = [
        "box",
        "author",
        "origin_caf",
        "escalated_from",
        "status",
        "merged_into",
        "support_count",
        "comment_count",
        "follower_count",
        "is_hidden",
        "hidden_reason",
        "created_at",
        "updated_at",
        "status_changed_at",
        "first_answer_at",
        "last_activity_at",
    ]
    fieldsets = (
        (None, {"fields": ("title", "description", "campaign", "themes")}),
        (
            _("Origine"),
            {"fields": ("box", "author", "origin_caf", "escalated_from", "created_at")},
        ),
        (
            _("Suivi"),
            {
                "fields": (
                    "status",
                    "merged_into",
                    "status_changed_at",
                    "first_answer_at",
                    *ASSIGNMENT_FIELDS,
                )
            },
        ),
        (
            _("Réactions"),
            {"fields": ("support_count", "comment_count", "follower_count", "last_activity_at")},
        ),
        (_("Modération"), {"fields": ("is_hidden", "hidden_reason")}),
    )
    actions = [
        "mark_studying",
        "mark_selected",
        "escalate",
        exports.admin_export_action(
            columns=IDEA_EXPORT,
            filename_stem="eurekaf-idees",
            fmt="csv",
            description=_("Exporter les idées (CSV)"),
        ),
        exports.admin_export_action(
            columns=IDEA_EXPORT,
            filename_stem="eurekaf-idees",
            fmt="xlsx",
            description=_("Exporter les idées (Excel)"),
        ),
    ]

    def has_add_permission(self, request):
        return False  # agents post ideas on the portal (services.idea_create)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and set(ASSIGNMENT_FIELDS) & set(form.changed_data):
            # The service tells the new assignee; the form already checked they manage the box.
            services.idea_assign(
                idea=obj,
                by=request.user,
                assignee=obj.assignee,
                service=obj.assigned_service,
                due_on=obj.answer_due_on,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not InternalNote:
            return super().save_formset(request, form, formset, change)
        for note in formset.save(commit=False):
            if note.pk is None:
                services.note_add(idea=form.instance, by=request.user, text=note.text)
        return None

    def _change_status(self, request, queryset, to_status, done):
        count, errors = services.ideas_change_status(
            ideas=queryset, by=request.user, to_status=to_status
        )
        for error in errors:
            self.message_user(request, error, messages.ERROR)
        if count:
            self.message_user(request, done(count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Passer en étude"), permissions=["change"])
    def mark_studying(self, request, queryset):
        self._change_status(
            request,
            queryset,
            Idea.Status.STUDYING,
            lambda n: ngettext(
                "%(count)d idée passée en étude.", "%(count)d idées passées en étude.", n
            ),
        )

    @admin.action(description=_("Retenir"), permissions=["change"])
    def mark_selected(self, request, queryset):
        self._change_status(
            request,
            queryset,
            Idea.Status.SELECTED,
            lambda n: ngettext("%(count)d idée retenue.", "%(count)d idées retenues.", n),
        )

    @admin.action(description=_("Mettre à contribution nationale"), permissions=["change"])
    def escalate(self, request, queryset):
        count = 0
        for idea in queryset:
            if idea.box.is_national:
                self.message_user(
                    request,
                    _("« %(title)s » : l'idée est déjà dans la boîte nationale.")
                    % {"title": idea.title},
                    messages.ERROR,
                )
                continue
            try:
                services.idea_escalate(idea=idea, by=request.user)
            except PermissionDenied:
                self.message_user(
                    request,
                    _("« %(title)s » : action non autorisée.") % {"title": idea.title},
                    messages.ERROR,
                )
                continue
            count += 1
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d idée mise à contribution nationale.",
                    "%(count)d idées mises à contribution nationale.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )


# Rows written by the services -------------------------------------------------------------------
@admin.register(IdeaStatusChange)
class IdeaStatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["idea", "from_status", "to_status", "by", "created_at"]
    list_filter = ["to_status", "idea__box"]
    search_fields = ["idea__title", "answer", "idea__origin_caf__name"]
    list_select_related = ["idea", "by"]
    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None):
        return False  # the public timeline is history


@admin.register(Support)
class SupportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["idea", "agent", "created_at"]
    list_filter = ["idea__box"]
    search_fields = ["idea__title", "agent__email", "agent__last_name", "agent__caf__name"]
    list_select_related = ["idea", "agent"]
    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None):
        return False  # counted on the idea: services.idea_unsupport only


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["idea", "user", "created_at"]
    list_filter = ["idea__box"]
    search_fields = ["idea__title", "user__email", "user__last_name", "user__caf__name"]
    list_select_related = ["idea", "user"]

    def has_delete_permission(self, request, obj=None):
        return False  # counted on the idea: services.idea_unfollow only


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "idea", "author", "created_at", "is_hidden"]
    list_filter = ["is_hidden", "idea__box"]
    search_fields = [
        "text",
        "idea__title",
        "author__email",
        "author__last_name",
        "author__caf__name",
    ]
    list_select_related = ["idea", "author"]
    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None):
        return False  # moderation hides with a reason (services.comment_hide), never deletes


@admin.register(InternalNote)
class InternalNoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "idea", "author", "created_at"]
    list_filter = ["idea__box"]
    search_fields = ["text", "idea__title", "idea__origin_caf__name", "author__last_name"]
    list_select_related = ["idea", "author"]
    date_hierarchy = "created_at"


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "idea", "content_type", "size", "uploaded_by", "created_at"]
    list_filter = ["content_type", "idea__box"]
    search_fields = ["name", "idea__title", "idea__origin_caf__name"]
    list_select_related = ["idea", "uploaded_by"]


class ReportStateFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [("ouverts", _("À traiter")), ("traites", _("Traités"))]

    def queryset(self, request, queryset):
        if self.value() == "ouverts":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "traites":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["reason", "idea", "comment", "reporter", "created_at", "is_open"]
    list_filter = [ReportStateFilter, "idea__box"]
    search_fields = ["reason", "idea__title", "comment__text", "idea__origin_caf__name"]
    list_select_related = ["idea", "comment", "reporter"]
    # Open reports first: on PostgreSQL an ascending sort puts NULLs last.
    ordering = [F("resolved_at").asc(nulls_first=True), "-created_at"]
    date_hierarchy = "created_at"
    readonly_fields = ["idea", "comment", "reporter", "reason", "created_at", "resolved_at"]
    actions = ["mark_resolved"]

    def has_add_permission(self, request):
        return False

    @admin.display(boolean=True, description=_("à traiter"))
    def is_open(self, obj):
        return obj.resolved_at is None

    @admin.action(description=_("Marquer comme traité"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        count = queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        fragments.bump("eurekaf")  # update() sends no signal
        self.message_user(
            request,
            ngettext(
                "%(count)d signalement marqué comme traité.",
                "%(count)d signalements marqués comme traités.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
