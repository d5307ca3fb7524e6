from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, ngettext
from import_export import fields, resources
from import_export.admin import ExportMixin

from caflab import audit, exports, rgpd, services
from caflab.admin_tools import export_actions, refused
from caflab.forms import UserChangeForm, UserCreationForm
from caflab.models import ActivityEvent, Caf, Organisation, Region, User


def caflab_only(request) -> bool:
    """The admin is the CafLab team's workplace, and only theirs: an account marked « staff »
    for another reason does not get in. (The rules of the apps answer some permissions that
    share the name of Django's model permissions — « livinglabs.view_lab » is open to all — so
    the door is kept here, not model by model.)"""
    user = request.user
    return bool(user.is_active and user.is_staff and user.is_caflab_staff)


admin.site.has_permission = caflab_only


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "overseas", "caf_count"]
    list_filter = ["overseas"]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_caf_count=Count("cafs"))

    @admin.display(description=_("nombre de Caf"), ordering="_caf_count")
    def caf_count(self, obj: Region) -> int:
        return obj._caf_count


class CafResource(resources.ModelResource):
    region = fields.Field(attribute="region__name", column_name="Région")

    class Meta:
        model = Caf
        fields = ["number", "name", "department_name", "city", "region"]
        export_order = fields


@admin.register(Caf)
class CafAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [CafResource]
    list_display = ["number", "name", "department_name", "city", "region", "user_count"]
    list_filter = ["region", "region__overseas"]
    search_fields = ["number", "name", "department_name", "city"]
    list_select_related = ["region"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_user_count=Count("users"))

    @admin.display(description=_("comptes"), ordering="_user_count")
    def user_count(self, obj: Caf) -> int:
        return obj._user_count


@admin.register(Organisation)
class OrganisationAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "caf", "city", "siren"]
    list_filter = ["kind", "caf__region"]
    search_fields = ["name", "siren", "city", "caf__name"]
    list_select_related = ["caf"]
    autocomplete_fields = ["caf"]


class UserResource(resources.ModelResource):
    caf = fields.Field(attribute="caf__name", column_name="Caf")
    organisation = fields.Field(attribute="organisation__name", column_name="Organisation")
    role = fields.Field(attribute="get_role_display", column_name="Rôle")

    class Meta:
        model = User
        fields = [
            "last_name",
            "first_name",
            "email",
            "role",
            "caf",
            "organisation",
            "job_title",
            "is_innovator",
            "innovator_since",
            "is_active",
            "date_joined",
        ]
        export_order = fields


@admin.register(User)
class UserAdmin(ExportMixin, DjangoUserAdmin):
    resource_classes = [UserResource]
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["last_name", "first_name", "email"]
    list_display = [
        "email",
        "last_name",
        "first_name",
        "role",
        "caf",
        "organisation",
        "is_innovator",
        "is_active",
    ]
    list_filter = ["role", "is_innovator", "is_active", "is_staff", "caf__region", "caf"]
    search_fields = ["email", "first_name", "last_name", "caf__name", "organisation__name"]
    list_select_related = ["caf", "organisation"]
    autocomplete_fields = ["caf", "organisation"]
    filter_horizontal = ["regions", "groups", "user_permissions"]
    actions = ["join_innovators", "deactivate", "export_personal_data", "anonymise"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "job_title")}),
        (_("Rattachement"), {"fields": ("role", "caf", "organisation", "regions")}),
        (_("Communauté des innovateurs"), {"fields": ("is_innovator", "innovator_since")}),
        (
            _("Droits"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "role",
                    "caf",
                    "organisation",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.action(description=_("Inscrire à la communauté des innovateurs"))
    def join_innovators(self, request, queryset):
        count = 0
        for user in queryset.filter(is_innovator=False).exclude(role=User.Role.PARTNER):
            services.user_join_innovators(user=user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d personne inscrite.", "%(count)d personnes inscrites.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Désactiver les comptes sélectionnés"))
    def deactivate(self, request, queryset):
        count = services.users_deactivate(users=queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d compte désactivé.", "%(count)d comptes désactivés.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Exporter les données personnelles"))
    def export_personal_data(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request,
                _("Sélectionnez une seule personne pour exporter ses données."),
                messages.WARNING,
            )
            return None
        user = queryset.get()
        try:
            payload = services.user_personal_data(user=user, by=request.user)
        except PermissionDenied as exc:
            refused(self, request, user, exc)
            return None
        response = HttpResponse(payload, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = exports.content_disposition(
            f"donnees-personnelles-{user.pk}-{timezone.localdate():%Y%m%d}.json"
        )
        return response

    @admin.action(description=_("Anonymiser (effacement sur demande)"))
    def anonymise(self, request, queryset):
        """Irreversible: a confirmation page first, as for a deletion."""
        if request.POST.get("confirmer") != "oui":
            return TemplateResponse(
                request,
                "admin/caflab/user/anonymise_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Anonymiser ces comptes ?"),
                    "queryset": queryset,
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        count = 0
        for user in queryset:
            try:
                services.anonymise_user(user=user, by=request.user)
            except (PermissionDenied, ValidationError) as exc:
                refused(self, request, user, exc)
                continue
            count += 1
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d compte anonymisé : ses contributions restent dans les statistiques.",
                    "%(count)d comptes anonymisés : leurs contributions restent dans les "
                    "statistiques.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
        return None


class JournalFilter(admin.SimpleListFilter):
    """The audit trail (every write on the sensitive models) or the apps' domain events."""

    title = _("journal")
    parameter_name = "journal"

    def lookups(self, request, model_admin):
        return [
            ("audit", _("Journal des modifications")),
            ("activite", _("Activité des services")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "audit":
            return queryset.filter(scope=audit.SCOPE)
        if self.value() == "activite":
            return queryset.exclude(scope=audit.SCOPE)
        return queryset


def _actor_name(event: ActivityEvent) -> str:
    # The author is named by address (staff's own trail); nobody is the system.
    return event.actor.email if event.actor_id else str(SYSTEM_LABEL)


SYSTEM_LABEL = _("système")

EVENT_EXPORT = exports.columns_from(
    [
        (_("Le"), "created_at"),
        (_("Auteur"), _actor_name),
        (_("Action"), lambda event: str(audit.VERBS.get(event.verb, event.verb))),
        (_("Type d'objet"), lambda event: str(event.content_type)),
        (_("Identifiant de l'objet"), "object_id"),
        (_("Objet"), "object_repr"),
        (_("Modifications"), audit.readable_changes),
        (_("Périmètre"), "scope"),
    ]
)


@admin.register(ActivityEvent)
class ActivityEventAdmin(admin.ModelAdmin):
    """The journal, read-only: written by the services and the audit trail, never here."""

    list_display = [
        "created_at",
        "actor_display",
        "verb_display",
        "content_type",
        "object_repr",
        "changes_display",
        "scope",
    ]
    list_filter = [
        JournalFilter,
        "verb",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["object_repr", "=object_id", "scope", "verb", "actor__email"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "created_at"
    actions = export_actions(EVENT_EXPORT, "journal-des-modifications", _("le journal"))
    fields = [
        "created_at",
        "actor_display",
        "verb_display",
        "content_type",
        "object_id",
        "object_repr",
        "scope",
        "changes_display",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the journal is written by the services only

    def has_delete_permission(self, request, obj=None):
        return False  # an audit trail one could prune would prove nothing

    @admin.display(description=_("auteur"), ordering="actor__email")
    def actor_display(self, obj: ActivityEvent) -> str:
        return _actor_name(obj)

    @admin.display(description=_("action"), ordering="verb")
    def verb_display(self, obj: ActivityEvent) -> str:
        label = audit.VERBS.get(obj.verb)
        return f"{label} ({obj.verb})" if label else obj.verb

    @admin.display(description=_("modifications"))
    def changes_display(self, obj: ActivityEvent) -> str:
        return audit.readable_changes(obj) or "—"


# RGPD: the register, shown to staff --------------------------------------------------------------
def rgpd_register_view(request):
    context = {
        **admin.site.each_context(request),
        "title": _("Registre des données personnelles"),
        "entries": rgpd.retention_summary(),
    }
    return TemplateResponse(request, "admin/caflab/rgpd_register.html", context)


_site_urls = admin.site.get_urls


def _get_urls():
    return [
        path("rgpd/", admin.site.admin_view(rgpd_register_view), name="rgpd-register"),
        *_site_urls(),
    ]


admin.site.get_urls = _get_urls
