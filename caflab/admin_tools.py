"""What every app's admin shares: searches on a Caf, export actions, a « set or not » filter,
service refusals shown next to their object, and inlines of rows written elsewhere."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from caflab import exports


def prefixed(prefix: str, fields: list[str]) -> list[str]:
    """`caf__name` under `project` → `project__caf__name` (an exact `=` lookup stays exact)."""
    return [
        f"={prefix}__{field[1:]}" if field.startswith("=") else f"{prefix}__{field}"
        for field in fields
    ]


# A Caf is found by its name, its département (« isère ») or, exactly, its number (« 38 »).
CAF_FIELDS = ["name", "=number", "department_name"]
CAF_SEARCH = prefixed("caf", CAF_FIELDS)


def export_actions(columns, stem: str, what: str) -> list:
    return [
        exports.admin_export_action(
            columns=columns,
            filename_stem=stem,
            fmt="csv",
            description=_("Exporter %(what)s (CSV)") % {"what": what},
        ),
        exports.admin_export_action(
            columns=columns,
            filename_stem=stem,
            fmt="xlsx",
            description=_("Exporter %(what)s (Excel)") % {"what": what},
        ),
    ]


def presence_filter(field: str, title: str) -> type[admin.SimpleListFilter]:
    """A yes/no filter on whether a date field is set (« anonymisée : oui / non »)."""

    class PresenceFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            return [("oui", _("Oui")), ("non", _("Non"))]

        def queryset(self, request, queryset):
            if self.value() == "oui":
                return queryset.filter(**{f"{field}__isnull": False})
            if self.value() == "non":
                return queryset.filter(**{f"{field}__isnull": True})
            return queryset

    PresenceFilter.title = title
    PresenceFilter.__name__ = f"{field.title().replace('_', '')}Filter"
    return PresenceFilter


def refused(modeladmin, request, obj, exc: Exception) -> None:
    """A service refused: its French sentence, next to what it was about."""
    if isinstance(exc, PermissionDenied):
        text = _("vous n'avez pas le droit de le faire.")
    else:
        text = " ".join(exc.messages)
    modeladmin.message_user(request, f"{obj} : {text}", messages.ERROR)


def done(modeladmin, request, count: int, message: str) -> None:
    """`message` is the ngettext of the count, with a %(count)d."""
    if count:
        modeladmin.message_user(request, message % {"count": count}, messages.SUCCESS)


class ReadOnlyInline(admin.TabularInline):
    """Rows that are written elsewhere (services, pages): shown, never edited here."""

    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
