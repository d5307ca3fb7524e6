"""COOPération in the staff admin: every model, searchable by Caf, exports, and the writes that
matter (memberships, actions, the reference planning) through cooperation.services, so that the
activity feed, the notifications and the actions' versions stay right."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, ngettext

from caflab import exports, files
from caflab.models import User
from cooperation import services
from cooperation.models import (
    Action,
    Axis,
    AxisTheme,
    Document,
    Indicator,
    IndicatorValue,
    Message,
    Objective,
    Plan,
    PlanMember,
    PlanTemplate,
    Resource,
    Step,
)

LATE = "en_retard"
LIVE = (Action.Status.TO_START, Action.Status.IN_PROGRESS)


def _export_actions(columns, stem):
    return [
        exports.admin_export_action(
            columns=columns, filename_stem=stem, fmt="csv", description=_("Exporter (CSV)")
        ),
        exports.admin_export_action(
            columns=columns, filename_stem=stem, fmt="xlsx", description=_("Exporter (XLSX)")
        ),
    ]


# Reference lists -------------------------------------------------------------------------------
@admin.register(AxisTheme)
class AxisThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "axis_count"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_axis_count=Count("axes"))

    @admin.display(description=_("axes de plans"), ordering="_axis_count")
    def axis_count(self, obj):
        return obj._axis_count


class PlanTemplateForm(forms.ModelForm):
    class Meta:
        model = PlanTemplate
        fields = ["name", "kind", "description", "structure"]

    def clean_structure(self):
        """The shape services._apply_template reads: a broken template would fail every plan
        created from it, so it is refused here, with where it is wrong."""
        structure = self.cleaned_data["structure"]
        if not isinstance(structure, dict) or not isinstance(structure.get("axes"), list):
            raise ValidationError(_("La structure doit être un objet {« axes » : [ … ]}."))
        for i, axis in enumerate(structure["axes"], start=1):
            if not isinstance(axis, dict) or not str(axis.get("title", "")).strip():
                raise ValidationError(_("Axe n°%(n)s : un « title » est requis.") % {"n": i})
            for j, objective in enumerate(axis.get("objectives", []), start=1):
                if not isinstance(objective, dict) or not str(objective.get("title", "")).strip():
                    raise ValidationError(
                        _("Axe n°%(i)s, objectif n°%(j)s : un « title » est requis.")
                        % {"i": i, "j": j}
                    )
                for k, action in enumerate(objective.get("actions", []), start=1):
                    where = {"i": i, "j": j, "k": k}
                    if not isinstance(action, dict) or not str(action.get("title", "")).strip():
                        raise ValidationError(
                            _(
                                "Axe n°%(i)s, objectif n°%(j)s, action n°%(k)s : un « title » est "
                                "requis."
                            )
                            % where
                        )
                    months = action.get("months", 12)
                    if not isinstance(months, int) or isinstance(months, bool) or months < 1:
                        raise ValidationError(
                            _(
                                "Axe n°%(i)s, objectif n°%(j)s, action n°%(k)s : « months » est un "
                                "nombre de mois entier et positif."
                            )
                            % where
                        )
        return structure


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    form = PlanTemplateForm
    list_display = ["name", "kind", "axis_count", "plan_count"]
    list_filter = ["kind"]
    search_fields = ["name", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_plan_count=Count("plan"))

    @admin.display(description=_("axes"))
    def axis_count(self, obj):
        axes = obj.structure.get("axes", []) if isinstance(obj.structure, dict) else []
        return len(axes) if isinstance(axes, list) else 0

    @admin.display(description=_("plans créés"), ordering="_plan_count")
    def plan_count(self, obj):
        return obj._plan_count


class ResourceForm(forms.ModelForm):
    url = forms.URLField(label=_("lien"), required=False, assume_scheme="https")

    class Meta:
        model = Resource
        fields = ["title", "kind", "summary", "file", "url", "themes", "is_published"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload is not self.initial.get("file") and hasattr(upload, "content_type"):
            files.validate_upload(upload)  # a ValidationError in French, on the field
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("url"):
            raise ValidationError(_("Une ressource a un fichier ou un lien."))
        return cleaned


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    form = ResourceForm
    list_display = ["title", "kind", "is_published", "has_file", "created_at"]
    list_filter = ["kind", "is_published", "themes"]
    search_fields = ["title", "summary", "themes__name"]
    filter_horizontal = ["themes"]
    readonly_fields = ["created_at"]
    date_hierarchy = "created_at"
    actions = ["publish", "unpublish"]

    @admin.display(boolean=True, description=_("fichier"))
    def has_file(self, obj):
        return bool(obj.file)

    @admin.action(description=_("Publier"), permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.update(is_published=True)
        self.message_user(
            request,
            ngettext("%(count)d ressource publiée.", "%(count)d ressources publiées.", count)
            % {"count": count},
        )

    @admin.action(description=_("Retirer de la publication"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False)
        self.message_user(
            request,
            ngettext("%(count)d ressource retirée.", "%(count)d ressources retirées.", count)
            % {"count": count},
        )


# Plans -----------------------------------------------------------------------------------------
class PlanMemberFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        had_pilot = any(
            form.initial.get("role") == PlanMember.Role.PILOT for form in self.initial_forms
        )
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if had_pilot and not any(data.get("role") == PlanMember.Role.PILOT for data in kept):
            raise ValidationError(_("Un plan garde toujours au moins un pilote."))


class PlanMemberInline(admin.TabularInline):
    model = PlanMember
    formset = PlanMemberFormSet
    extra = 0
    fields = ["user", "role", "added_at"]
    readonly_fields = ["added_at"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class AxisInline(admin.TabularInline):
    model = Axis
    extra = 0
    fields = ["position", "title", "theme", "weight"]
    show_change_link = True


PLAN_EXPORT = exports.columns_from(
    [
        (_("Plan"), "title"),
        (_("Type"), "get_kind_display"),
        (_("N° Caf"), "caf__number"),
        (_("Caf"), "caf__name"),
        (_("Territoire"), "territory"),
        (_("Début"), "starts_on"),
        (_("Fin"), "ends_on"),
        (_("Statut"), "get_status_display"),
        (_("Actions"), "_action_count"),
        (_("Actions en retard"), "_late_count"),
        (_("Planning de référence figé le"), "baseline_frozen_at"),
    ]
)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "caf",
        "status",
        "starts_on",
        "ends_on",
        "action_count",
        "late_count",
        "baseline_frozen_at",
    ]
    list_filter = ["kind", "status", "caf__region", ("caf", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "territory", "=caf__number", "caf__name", "caf__department_name"]
    list_select_related = ["caf"]
    autocomplete_fields = ["caf", "template", "signatories"]
    readonly_fields = ["baseline_frozen_at", "created_at"]
    date_hierarchy = "starts_on"
    inlines = [PlanMemberInline, AxisInline]
    actions = ["freeze_baseline", *_export_actions(PLAN_EXPORT, "plans-cooperation")]
    fieldsets = (
        (None, {"fields": ("kind", "title", "caf", "territory", "status")}),
        (_("Période"), {"fields": ("starts_on", "ends_on", "pilot_since")}),
        (_("Convention"), {"fields": ("signatories", "template")}),
        (_("Suivi"), {"fields": ("baseline_frozen_at", "created_at")}),
    )

    def get_queryset(self, request):
        today = timezone.localdate()
        return (
            super()
            .get_queryset(request)
            .annotate(
                _action_count=Count("actions", distinct=True),
                _late_count=Count(
                    "actions",
                    filter=Q(actions__status__in=LIVE, actions__due_on__lt=today),
                    distinct=True,
                ),
            )
        )

    @admin.display(description=_("actions"), ordering="_action_count")
    def action_count(self, obj):
        return obj._action_count

    @admin.display(description=_("en retard"), ordering="_late_count")
    def late_count(self, obj):
        return obj._late_count

    def save_formset(self, request, form, formset, change):
        """Memberships through the services: the activity feed records them, a new member
        is told by email, and the last pilot cannot leave."""
        if formset.model is not PlanMember:
            return super().save_formset(request, form, formset, change)
        plan = form.instance
        deleted = [f for f in formset.deleted_forms if f.instance.pk]
        for member_form in formset.forms:
            if member_form in formset.deleted_forms or not member_form.has_changed():
                continue
            data = member_form.cleaned_data
            if not data:
                continue
            previous = member_form.initial.get("user")
            services.member_set(plan=plan, user=data["user"], role=data["role"], by=request.user)
            if previous and previous != data["user"].pk:  # the row now names someone else
                services.member_remove(
                    plan=plan, user=User.objects.get(pk=previous), by=request.user
                )
        for member_form in deleted:
            services.member_remove(plan=plan, user=member_form.instance.user, by=request.user)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None

    @admin.action(description=_("Figer le planning de référence"), permissions=["change"])
    def freeze_baseline(self, request, queryset):
        frozen = 0
        for plan in queryset:
            try:
                count = services.plan_freeze_baseline(plan=plan, by=request.user)
            except PermissionDenied:
                self.message_user(
                    request,
                    _("%(plan)s : vous ne pouvez pas figer ce plan.") % {"plan": plan},
                    messages.ERROR,
                )
                continue
            frozen += 1
            self.message_user(
                request,
                ngettext(
                    "%(plan)s : %(count)d action figée.",
                    "%(plan)s : %(count)d actions figées.",
                    count,
                )
                % {"plan": plan, "count": count},
            )
        if frozen:
            self.message_user(
                request,
                ngettext(
                    "Planning de référence figé pour %(count)d plan.",
                    "Planning de référence figé pour %(count)d plans.",
                    frozen,
                )
                % {"count": frozen},
                messages.SUCCESS,
            )


@admin.register(PlanMember)
class PlanMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "plan", "caf", "role", "added_at"]
    list_filter = ["role", "plan__caf__region", "plan__kind"]
    search_fields = [
        "user__email",
        "user__first_name",
        "user__last_name",
        "user__organisation__name",
        "plan__title",
        "plan__caf__name",
    ]
    list_select_related = ["user__organisation", "user__caf", "plan__caf"]
    autocomplete_fields = ["plan", "user"]
    readonly_fields = ["added_at"]

    def get_readonly_fields(self, request, obj=None):
        # A membership is one person in one plan: changing either is another membership.
        return ["plan", "user", "added_at"] if obj is not None else ["added_at"]

    @admin.display(description=_("organisation"), ordering="user__organisation__name")
    def organisation(self, obj):
        return obj.user.organisation or obj.user.caf or "—"

    @admin.display(description=_("Caf du plan"), ordering="plan__caf__number")
    def caf(self, obj):
        return obj.plan.caf

    def save_model(self, request, obj, form, change):
        saved = services.member_set(plan=obj.plan, user=obj.user, role=obj.role, by=request.user)
        obj.pk, obj.added_at = saved.pk, saved.added_at

    def delete_model(self, request, obj):
        try:
            services.member_remove(plan=obj.plan, user=obj.user, by=request.user)
        except services.PlanError as exc:
            self.message_user(request, f"{obj} : {' '.join(exc.messages)}", messages.ERROR)

    def delete_queryset(self, request, queryset):
        for member in queryset.select_related("plan", "user"):
            self.delete_model(request, member)


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ["position", "title", "weight"]
    show_change_link = True


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "caf", "theme", "position", "weight"]
    list_filter = ["theme", "plan__caf__region", "plan__kind"]
    search_fields = ["title", "plan__title", "plan__caf__name", "=plan__caf__number"]
    list_select_related = ["plan__caf", "theme"]
    autocomplete_fields = ["plan", "theme"]
    inlines = [ObjectiveInline]

    @admin.display(description=_("Caf"), ordering="plan__caf__number")
    def caf(self, obj):
        return obj.plan.caf


class ActionSummaryInline(admin.TabularInline):
    """The objective's actions, to reach them; they are edited on their own page, where the
    version is checked."""

    model = Action
    extra = 0
    fields = ["title", "status", "progress", "starts_on", "due_on", "version"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "axis", "plan", "position", "weight"]
    list_filter = ["axis__theme", "axis__plan__caf__region"]
    search_fields = ["title", "axis__title", "axis__plan__title", "axis__plan__caf__name"]
    list_select_related = ["axis__plan__caf"]
    autocomplete_fields = ["axis"]
    inlines = [ActionSummaryInline]

    @admin.display(description=_("plan"), ordering="axis__plan__title")
    def plan(self, obj):
        return obj.axis.plan


# Actions ---------------------------------------------------------------------------------------
class ActionStatusFilter(admin.SimpleListFilter):
    """The status as people read it: « En retard » follows from the dates."""

    title = _("statut")
    parameter_name = "statut"

    def lookups(self, request, model_admin):
        return [
            (Action.Status.TO_START.value, Action.Status.TO_START.label),
            (Action.Status.IN_PROGRESS.value, Action.Status.IN_PROGRESS.label),
            (LATE, _("En retard")),
            (Action.Status.DONE.value, Action.Status.DONE.label),
            (Action.Status.ABANDONED.value, Action.Status.ABANDONED.label),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == LATE:
            return queryset.filter(status__in=LIVE, due_on__lt=timezone.localdate())
        if value in Action.Status.values:
            return queryset.filter(status=value)
        return queryset


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    fields = ["position", "title", "due_on", "done_on"]


class ActionAdminForm(forms.ModelForm):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Action
        fields = [
            "objective",
            "position",
            "title",
            "description",
            "pilot_organisation",
            "partners",
            "owner",
            "priority",
            "starts_on",
            "due_on",
            "status",
            "progress",
            "progress_mode",
            "weight",
            "budget",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = (
                Action.objects.filter(pk=self.instance.pk)
                .select_related("updated_by")
                .only("version", "updated_by")
                .first()
            )
            if current is not None and cleaned.get("loaded_version") != current.version:
                raise ValidationError(
                    _(
                        "Cette action a été modifiée par %(who)s depuis l'ouverture de cette "
                        "page : rechargez-la pour voir sa version actuelle, puis refaites vos "
                        "changements."
                    )
                    % {"who": current.updated_by or _("un autre membre")}
                )
        return cleaned


ACTION_EXPORT = [
    exports.Column(header=_("Plan"), value=lambda a: a.plan.title),
    exports.Column(header=_("Caf"), value=lambda a: a.plan.caf.name),
    exports.Column(header=_("Axe"), value=lambda a: a.objective.axis.title),
    exports.Column(header=_("Objectif"), value=lambda a: a.objective.title),
    exports.Column(header=_("Action"), value=lambda a: a.title),
    exports.Column(
        header=_("Pilote"),
        value=lambda a: a.pilot_organisation.name if a.pilot_organisation_id else "",
    ),
    exports.Column(header=_("Statut"), value=lambda a: a.display_status()),
    exports.Column(header=_("Avancement (%)"), value=lambda a: a.progress),
    exports.Column(header=_("Début"), value=lambda a: a.starts_on),
    exports.Column(header=_("Échéance"), value=lambda a: a.due_on),
    exports.Column(header=_("Échéance de référence"), value=lambda a: a.baseline_due_on),
    exports.Column(header=_("Priorité"), value=lambda a: a.get_priority_display()),
    exports.Column(header=_("Budget (€)"), value=lambda a: a.budget),
]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    form = ActionAdminForm
    list_display = [
        "title",
        "plan",
        "caf",
        "axis",
        "status_display",
        "progress",
        "due_on",
        "priority",
        "version",
    ]
    list_filter = [
        ActionStatusFilter,
        "priority",
        "progress_mode",
        "plan__kind",
        "plan__caf__region",
    ]
    search_fields = [
        "title",
        "description",
        "plan__title",
        "plan__caf__name",
        "=plan__caf__number",
        "pilot_organisation__name",
        "objective__axis__title",
    ]
    list_select_related = ["plan__caf", "objective__axis", "pilot_organisation"]
    autocomplete_fields = ["objective", "pilot_organisation", "partners", "owner"]
    readonly_fields = [
        "plan",
        "baseline_starts_on",
        "baseline_due_on",
        "completed_on",
        "version",
        "last_reminder_on",
        "updated_at",
        "updated_by",
    ]
    date_hierarchy = "due_on"
    inlines = [StepInline]
    actions = _export_actions(ACTION_EXPORT, "actions-cooperation")

    def get_fieldsets(self, request, obj=None):
        roadmap = ("objective",) if obj is None else ("plan", "objective", "position")
        return (
            (None, {"fields": (*roadmap, "title", "description", "loaded_version")}),
            (_("Pilotage"), {"fields": ("pilot_organisation", "partners", "owner", "priority")}),
            (
                _("Calendrier"),
                {"fields": ("starts_on", "due_on", "baseline_starts_on", "baseline_due_on")},
            ),
            (
                _("Avancement"),
                {
                    "fields": (
                        "status",
                        "progress",
                        "progress_mode",
                        "weight",
                        "budget",
                        "completed_on",
                    )
                },
            ),
            (
                _("Suivi"),
                {"fields": ("version", "updated_at", "updated_by", "last_reminder_on")},
            ),
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Moving an action to another plan or objective is not an edit of the action.
        return [*fields, "objective", "position"] if obj is not None else fields

    @admin.display(description=_("Caf"), ordering="plan__caf__number")
    def caf(self, obj):
        return obj.plan.caf

    @admin.display(description=_("axe"), ordering="objective__axis__title")
    def axis(self, obj):
        return obj.objective.axis

    @admin.display(description=_("statut"), ordering="status")
    def status_display(self, obj):
        return obj.display_status()

    def save_model(self, request, obj, form, change):
        """Through the services: a change bumps the version (so that someone editing the same
        action elsewhere is told), journals it and tells a new referent."""
        data = form.cleaned_data
        if not change:
            fields = {
                name: data[name]
                for name in (*services.ACTION_FIELDS, "partners")
                if name in data and name not in {"title", "starts_on", "due_on"}
            }
            created = services.action_create(
                objective=data["objective"],
                by=request.user,
                title=data["title"],
                starts_on=data["starts_on"],
                due_on=data["due_on"],
                **fields,
            )
            obj.pk, obj.plan_id, obj.position = created.pk, created.plan_id, created.position
            obj._state.adding = False
            return
        changes = {
            name: data[name]
            for name in form.changed_data
            if name in services.ACTION_FIELDS or name == "partners"
        }
        if not changes:
            return
        try:
            services.action_update(
                action=obj, by=request.user, version=data["loaded_version"], **changes
            )
        except services.PlanError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)

    def save_related(self, request, form, formsets, change):
        # Partners went through the service with the other changes; steps are saved here.
        for formset in formsets:
            self.save_formset(request, form, formset, change)


# Indicators ------------------------------------------------------------------------------------
class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    fields = ["period", "value", "source", "comment", "entered_by"]
    readonly_fields = ["entered_by"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "caf", "unit", "baseline", "target", "direction"]
    list_filter = ["direction", "plan__caf__region"]
    search_fields = ["name", "plan__title", "plan__caf__name", "=plan__caf__number"]
    list_select_related = ["plan__caf"]
    autocomplete_fields = ["plan", "objective", "action"]
    inlines = [IndicatorValueInline]

    @admin.display(description=_("Caf"), ordering="plan__caf__number")
    def caf(self, obj):
        return obj.plan.caf

    def save_formset(self, request, form, formset, change):
        values = formset.save(commit=False)
        for value in values:
            value.entered_by = value.entered_by or request.user
            value.save()
        for value in formset.deleted_objects:
            value.delete()


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "plan", "period", "value", "source", "entered_by"]
    list_filter = ["period", "indicator__plan__caf__region"]
    search_fields = [
        "indicator__name",
        "indicator__plan__title",
        "indicator__plan__caf__name",
        "source",
        "comment",
    ]
    list_select_related = ["indicator__plan", "entered_by"]
    autocomplete_fields = ["indicator"]
    readonly_fields = ["entered_by"]
    date_hierarchy = "period"

    @admin.display(description=_("plan"), ordering="indicator__plan__title")
    def plan(self, obj):
        return obj.indicator.plan

    def save_model(self, request, obj, form, change):
        obj.entered_by = obj.entered_by or request.user
        super().save_model(request, obj, form, change)


# Collaboration ---------------------------------------------------------------------------------
@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Moderation only: messages are written in the plans' threads."""

    list_display = ["excerpt", "plan", "action", "author", "created_at"]
    list_filter = ["created_at", "plan__caf__region"]
    search_fields = [
        "text",
        "author__email",
        "author__last_name",
        "plan__title",
        "plan__caf__name",
    ]
    list_select_related = ["plan", "action", "author"]
    readonly_fields = ["plan", "action", "author", "text", "mentions", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("message"))
    def excerpt(self, obj):
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Documents are deposited (and checked) on the plans' pages, and downloaded there
    through a permission-checking view: the admin lists them, nothing more."""

    list_display = ["name", "plan", "action", "content_type", "size", "scan", "uploaded_by"]
    list_filter = ["scan", "content_type", "plan__caf__region"]
    search_fields = ["name", "plan__title", "plan__caf__name", "uploaded_by__email"]
    list_select_related = ["plan", "action", "uploaded_by"]
    fields = [
        "name",
        "plan",
        "action",
        "content_type",
        "size",
        "scan",
        "uploaded_by",
        "created_at",
    ]
    readonly_fields = fields
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["title", "action", "plan", "due_on", "done_on"]
    list_filter = ["due_on", "action__plan__caf__region"]
    search_fields = ["title", "action__title", "action__plan__title", "action__plan__caf__name"]
    list_select_related = ["action__plan"]
    autocomplete_fields = ["action"]

    @admin.display(description=_("plan"), ordering="action__plan__title")
    def plan(self, obj):
        return obj.action.plan
