"""The annual report in the staff admin: what the team writes for each year (édito, temps forts
with their pictures, team, external indicators, editable in the list for a year) and the builds
of the report, read-only: a build is written by its task, and « Relancer » goes through
reporting.services.retry."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _, ngettext

from caflab import exports
from reporting import services
from reporting.forms import check_image
from reporting.models import Edito, ExternalIndicator, Highlight, ReportRun, TeamMember


# What the team writes ---------------------------------------------------------------------------
@admin.register(Edito)
class EditoAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "author", "author_title", "updated_at"]
    search_fields = ["title", "author", "author_title", "text"]
    list_filter = ["year"]
    readonly_fields = ["updated_at"]


class HighlightAdminForm(forms.ModelForm):
    """The same checks as the content page: a real PNG or JPEG, and its description."""

    class Meta:
        model = Highlight
        fields = ["year", "month", "position", "title", "text", "image", "image_alt"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):
            check_image(image)
        return image

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("image") and not (cleaned.get("image_alt") or "").strip():
            self.add_error(
                "image_alt", _("Décrivez l'image : ce texte la remplace pour qui ne la voit pas.")
            )
        return cleaned


@admin.register(Highlight)
class HighlightAdmin(admin.ModelAdmin):
    form = HighlightAdminForm
    list_display = ["title", "year", "month_name", "position", "thumbnail"]
    list_display_links = ["title"]
    list_filter = ["year", "month"]
    search_fields = ["title", "text", "image_alt"]
    ordering = ["-year", "month", "position", "pk"]
    fields = ["year", "month", "position", "title", "text", "image", "image_alt", "preview"]
    readonly_fields = ["preview"]

    @admin.display(description=_("mois"), ordering="month")
    def month_name(self, obj):
        return str(MONTHS.get(obj.month, obj.month)).capitalize()

    def _image(self, obj, width: int):
        if obj is None or obj.pk is None or not obj.image:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="{}" style="height:auto;border-radius:4px">',
            reverse("reporting:highlight-image", kwargs={"pk": obj.pk}),
            obj.image_alt,
            width,
        )

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        return self._image(obj, 80)

    @admin.display(description=_("aperçu de l'image"))
    def preview(self, obj):
        return self._image(obj, 320)


class TeamMemberAdminForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["year", "name", "role", "pole", "photo", "position"]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):
            check_image(photo)
        return photo


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    form = TeamMemberAdminForm
    list_display = ["name", "role", "pole", "year", "position", "has_photo"]
    list_editable = ["position"]
    list_filter = ["year", "pole"]
    search_fields = ["name", "role", "pole"]
    ordering = ["-year", "position", "name"]

    @admin.display(description=_("photo"), boolean=True)
    def has_photo(self, obj):
        return bool(obj.photo)


@admin.register(ExternalIndicator)
class ExternalIndicatorAdmin(admin.ModelAdmin):
    """Filter on a year, and its indicators are edited in the list."""

    list_display = ["key", "year", "value", "source"]
    list_display_links = ["key"]
    list_editable = ["value", "source"]
    list_filter = ["year", "key"]
    search_fields = ["source", "key"]
    ordering = ["-year", "key"]


# Builds -----------------------------------------------------------------------------------------
RUN_COLUMNS = exports.columns_from(
    [
        # Called here: caflab.exports does not call Django's get_FOO_display (a partial).
        (_("Document"), lambda run: run.get_kind_display()),
        (_("Année"), "year"),
        (_("Statut"), lambda run: run.get_status_display()),
        (_("Demandé le"), "requested_at"),
        (_("Demandé par"), "requested_by__email"),
        (_("Commencé le"), "started_at"),
        (_("Terminé le"), "finished_at"),
        (_("Tentatives"), "attempts"),
        (_("Pages"), "pages"),
        (_("Taille (octets)"), "size"),
        (_("Collecte des données (s)"), "gather_seconds"),
        (_("Mise en page (s)"), "render_seconds"),
        (_("Empreinte des données"), "data_hash"),
        (_("Version de la mise en page"), "template_version"),
        (_("Raison de l'échec"), "error"),
    ]
)


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "year",
        "kind",
        "status",
        "progress_percent",
        "requested_by",
        "requested_at",
        "duration",
        "pages",
        "size",
        "short_hash",
        "template_version",
        "download",
    ]
    list_filter = ["status", "kind", "year", "template_version"]
    search_fields = [
        "requested_by__email",
        "requested_by__first_name",
        "requested_by__last_name",
        "error",
        "=data_hash",
        "task_id",
    ]
    list_select_related = ["requested_by"]
    date_hierarchy = "requested_at"
    actions = [
        "retry",
        exports.admin_export_action(
            columns=RUN_COLUMNS,
            filename_stem="generations-rapport",
            fmt="csv",
            description=_("Exporter les générations (CSV)"),
        ),
    ]
    readonly_fields = ["page_link", "download"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # written by the build's task only

    def has_delete_permission(self, request, obj=None):
        return False  # a build is the provenance of a published PDF

    def has_request_permission(self, request) -> bool:
        return request.user.has_perm("reporting.request_report")

    @admin.display(description=_("avancement"), ordering="progress")
    def progress_percent(self, obj):
        return f"{obj.progress} %"

    @admin.display(description=_("durée (données + mise en page)"))
    def duration(self, obj):
        if obj.gather_seconds is None or obj.render_seconds is None:
            return "—"
        return f"{obj.gather_seconds:.1f} s + {obj.render_seconds:.1f} s"

    @admin.display(description=_("empreinte"), ordering="data_hash")
    def short_hash(self, obj):
        return obj.data_hash[:12] or "—"

    @admin.display(description=_("PDF"))
    def download(self, obj):
        if obj.status != ReportRun.Status.DONE or not obj.pdf:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("reporting:run-download", kwargs={"pk": obj.pk}),
            _("Télécharger"),
        )

    @admin.display(description=_("page de la génération"))
    def page_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Voir l'avancement"))

    @admin.action(description=_("Relancer les générations en échec"), permissions=["request"])
    def retry(self, request, queryset):
        retried = 0
        for run in queryset:
            try:
                services.retry(run=run, by=request.user)
            except PermissionDenied:
                self.message_user(
                    request, f"{run} : {_('vous n’avez pas le droit de le faire.')}", messages.ERROR
                )
            except services.ReportError as exc:
                self.message_user(request, f"{run} : {' '.join(exc.messages)}", messages.ERROR)
            else:
                retried += 1
        if retried:
            self.message_user(
                request,
                ngettext(
                    "%(count)d génération relancée.", "%(count)d générations relancées.", retried
                )
                % {"count": retried},
                messages.SUCCESS,
            )
