from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _, ngettext
from import_export import fields, resources
from import_export.admin import ExportMixin

from caflab import services
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
    actions = ["join_innovators", "deactivate"]
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


@admin.register(ActivityEvent)
class ActivityEventAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor", "verb", "object_repr", "scope"]
    list_filter = ["verb", "content_type"]
    search_fields = ["object_repr", "scope", "actor__email", "actor__last_name"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "actor",
        "verb",
        "content_type",
        "object_id",
        "object_repr",
        "scope",
        "changes",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the journal is written by the services only
