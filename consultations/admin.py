from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _, ngettext

from caflab import exports
from consultations import services
from consultations.models import (
    AccessCode,
    Choice,
    Consultation,
    Participation,
    Question,
    Response,
    ResponseDraft,
    Restitution,
    Section,
    Tag,
    Theme,
)

STRUCTURAL_FIELDS = (
    "kind",
    "section",
    "required",
    "min_choices",
    "max_choices",
    "scale_min",
    "scale_max",
    "number_min",
    "number_max",
    "condition_question",
)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "consultation_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_n=Count("consultations"))

    @admin.display(description=_("consultations"), ordering="_n")
    def consultation_count(self, obj):
        return obj._n


class LockedStructureMixin:
    """Once a consultation has answers, its structure is read-only; texts stay editable."""

    def _locked(self, obj) -> bool:
        consultation = getattr(obj, "consultation", obj)
        return consultation is not None and services.structure_is_locked(consultation)


class SectionInline(LockedStructureMixin, admin.TabularInline):
    model = Section
    extra = 0
    fields = ["position", "title", "description"]

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


CONSULTATION_EXPORT = [
    exports.Column(header="Titre", value=lambda c: c.title),
    exports.Column(header="Thème", value=lambda c: c.theme.name),
    exports.Column(header="Public", value=lambda c: c.get_audience_display()),
    exports.Column(header="Statut", value=lambda c: c.get_phase_display()),
    exports.Column(header="Ouverture", value=lambda c: c.opens_at),
    exports.Column(header="Clôture", value=lambda c: c.closes_at),
    exports.Column(header="Répondants", value=lambda c: c.respondent_count),
    exports.Column(header="Commanditaire", value=lambda c: c.commissioned_by),
]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "theme",
        "audience",
        "phase_display",
        "opens_at",
        "closes_at",
        "respondent_count",
        "links",
    ]
    list_filter = [
        "status",
        "audience",
        "theme",
        "is_anonymous",
        "requires_access_code",
        "caf__region",
    ]
    search_fields = ["title", "summary", "commissioned_by"]
    list_select_related = ["theme", "caf"]
    date_hierarchy = "opens_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["caf", "theme"]
    filter_horizontal = ["restricted_cafs", "invited_organisations"]
    readonly_fields = [
        "status",
        "scheduled_at",
        "closed_at",
        "results_published_at",
        "respondent_count",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [SectionInline]
    actions = [
        "schedule",
        "close",
        "publish_results",
        exports.admin_export_action(
            columns=CONSULTATION_EXPORT,
            filename_stem="consultations",
            fmt="csv",
            description=_("Exporter (CSV)"),
        ),
        exports.admin_export_action(
            columns=CONSULTATION_EXPORT,
            filename_stem="consultations",
            fmt="xlsx",
            description=_("Exporter (XLSX)"),
        ),
    ]
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "description", "theme")}),
        (_("Commande"), {"fields": ("commissioned_by", "caf")}),
        (
            _("Public"),
            {
                "fields": (
                    "audience",
                    "restricted_cafs",
                    "invited_organisations",
                    "requires_access_code",
                    "is_anonymous",
                )
            },
        ),
        (_("Calendrier"), {"fields": ("opens_at", "closes_at")}),
        (_("Résultats"), {"fields": ("min_cell_size",)}),
        (
            _("Suivi"),
            {
                "fields": (
                    "status",
                    "scheduled_at",
                    "closed_at",
                    "results_published_at",
                    "respondent_count",
                    "created_by",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and services.structure_is_locked(obj):
            fields += ["is_anonymous", "requires_access_code", "audience"]
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("statut"))
    def phase_display(self, obj):
        return obj.get_phase_display()

    @admin.display(description=_("pages"))
    def links(self, obj):
        questions = reverse("admin:consultations_question_changelist")
        return format_html(
            '<a href="{}">{}</a> · <a href="{}?consultation__id__exact={}">{}</a> · '
            '<a href="{}">{}</a>',
            obj.get_absolute_url(),
            _("voir"),
            questions,
            obj.pk,
            _("questions"),
            reverse("consultations:consultation-results", kwargs={"slug": obj.slug}),
            _("résultats"),
        )

    def _run(self, request, queryset, service, done):
        count = 0
        for consultation in queryset:
            try:
                service(consultation=consultation, by=request.user)
                count += 1
            except services.ConsultationError as exc:
                self.message_user(request, f"{consultation} : {exc.message}", messages.ERROR)
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Programmer (ouverture et clôture aux dates prévues)"))
    def schedule(self, request, queryset):
        self._run(
            request,
            queryset,
            services.consultation_schedule,
            _("%(count)d consultation(s) programmée(s)."),
        )

    @admin.action(description=_("Clore maintenant"))
    def close(self, request, queryset):
        self._run(
            request, queryset, services.consultation_close, _("%(count)d consultation(s) close(s).")
        )

    @admin.action(description=_("Publier les résultats"))
    def publish_results(self, request, queryset):
        self._run(
            request,
            queryset,
            services.consultation_publish_results,
            _("Résultats publiés pour %(count)d consultation(s)."),
        )


class ChoiceFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        question = self.instance
        if question.pk is None or not services.structure_is_locked(question.consultation):
            return
        for form in self.forms:
            if not form.has_changed():
                continue
            if (
                form.instance.pk is None
                or form.cleaned_data.get("DELETE")
                or "is_other" in form.changed_data
            ):
                raise ValidationError(
                    _(
                        "La consultation a déjà des réponses : les choix ne peuvent plus "
                        "être ajoutés ni retirés, seuls leurs libellés changent."
                    )
                )


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 0
    fields = ["position", "label", "is_other"]


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [
            "consultation",
            "section",
            "position",
            "kind",
            "label",
            "help_text",
            "required",
            "min_choices",
            "max_choices",
            "scale_min",
            "scale_max",
            "scale_min_label",
            "scale_max_label",
            "number_min",
            "number_max",
            "condition_question",
            "condition_choices",
            "publish_results",
            "is_confidential",
        ]

    def clean(self):
        cleaned = super().clean()
        consultation = cleaned.get("consultation") or getattr(self.instance, "consultation", None)
        section = cleaned.get("section")
        if consultation and section and section.consultation_id != consultation.pk:
            self.add_error("section", _("Cette partie appartient à une autre consultation."))
        condition = cleaned.get("condition_question")
        if condition and consultation and condition.consultation_id != consultation.pk:
            self.add_error(
                "condition_question",
                _("La condition doit porter sur une question de la même consultation."),
            )
        if condition and not condition.has_choices:
            self.add_error(
                "condition_question",
                _("Une condition ne peut porter que sur une question à choix."),
            )
        if consultation and services.structure_is_locked(consultation):
            changed = [
                name for name in self.changed_data if name in (*STRUCTURAL_FIELDS, "consultation")
            ]
            if self.instance.pk is None or changed:
                raise ValidationError(
                    _(
                        "Cette consultation a déjà reçu des réponses : ses questions et ses choix "
                        "ne peuvent plus changer. Seuls les textes (intitulé, aide) restent "
                        "modifiables."
                    )
                )
        return cleaned


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = [
        "label",
        "consultation",
        "section",
        "position",
        "kind",
        "required",
        "publish_results",
        "is_confidential",
    ]
    list_filter = ["kind", "required", "is_confidential", "publish_results", "consultation"]
    search_fields = ["label", "consultation__title"]
    list_select_related = ["consultation", "section"]
    autocomplete_fields = ["consultation", "condition_question"]
    filter_horizontal = ["condition_choices"]
    inlines = [ChoiceInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "consultation",
                    "section",
                    "position",
                    "kind",
                    "label",
                    "help_text",
                    "required",
                )
            },
        ),
        (_("Choix multiples"), {"fields": ("min_choices", "max_choices"), "classes": ["collapse"]}),
        (
            _("Échelle"),
            {
                "fields": ("scale_min", "scale_max", "scale_min_label", "scale_max_label"),
                "classes": ["collapse"],
            },
        ),
        (_("Nombre"), {"fields": ("number_min", "number_max"), "classes": ["collapse"]}),
        (
            _("Condition d'affichage"),
            {"fields": ("condition_question", "condition_choices"), "classes": ["collapse"]},
        ),
        (_("Résultats"), {"fields": ("publish_results", "is_confidential")}),
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.question_ensure_choices(question=form.instance)

    def get_changeform_initial_data(self, request):
        # « Ajouter une question » from a consultation's list: the consultation is preset.
        initial = super().get_changeform_initial_data(request)
        consultation = request.GET.get("consultation__id__exact") or request.GET.get("consultation")
        if consultation:
            initial["consultation"] = consultation
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            consultation_id = self._consultation_id(request)
            if consultation_id:
                kwargs["queryset"] = Section.objects.filter(consultation_id=consultation_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "condition_choices":
            consultation_id = self._consultation_id(request)
            if consultation_id:
                kwargs["queryset"] = Choice.objects.filter(
                    question__consultation_id=consultation_id
                ).select_related("question")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @staticmethod
    def _consultation_id(request):
        object_id = (
            request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        )
        if object_id:
            return (
                Question.objects.filter(pk=object_id)
                .values_list("consultation_id", flat=True)
                .first()
            )
        value = request.GET.get("consultation__id__exact") or request.GET.get("consultation")
        return int(value) if value and value.isdigit() else None


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["id", "consultation", "submitted_on", "review"]
    list_filter = ["review", "consultation", "submitted_on"]
    search_fields = ["consultation__title"]
    list_select_related = ["consultation"]
    readonly_fields = ["id", "consultation", "participation", "submitted_on"]
    actions = ["mark_valid", "reject"]

    def has_add_permission(self, request):
        return False

    def _review(self, request, queryset, review):
        for response in queryset.select_related("consultation"):
            services.response_review(response=response, review=review, by=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d réponse mise à jour.", "%(count)d réponses mises à jour.", count)
            % {"count": count},
        )

    @admin.action(description=_("Valider (compter dans les résultats)"))
    def mark_valid(self, request, queryset):
        self._review(request, queryset, Response.Review.VALID)

    @admin.action(description=_("Écarter des résultats"))
    def reject(self, request, queryset):
        self._review(request, queryset, Response.Review.REJECTED)


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["consultation", "user", "created_on", "has_code"]
    list_filter = ["consultation", "created_on"]
    search_fields = ["consultation__title", "user__email", "user__last_name"]
    list_select_related = ["consultation", "user"]
    readonly_fields = [
        "consultation",
        "user",
        "access_code",
        "respondent_key",
        "ip_hash",
        "created_on",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(boolean=True, description=_("avec code"))
    def has_code(self, obj):
        return obj.access_code_id is not None


@admin.register(AccessCode)
class AccessCodeAdmin(admin.ModelAdmin):
    list_display = ["consultation", "batch", "created_at", "used_on"]
    list_filter = ["consultation", "batch", "used_on"]
    search_fields = ["batch", "consultation__title"]
    list_select_related = ["consultation"]
    readonly_fields = ["consultation", "code_hash", "batch", "created_at", "used_on"]

    def has_add_permission(self, request):
        return False  # generated on the consultation's « Codes d'accès » page, shown once


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "consultation", "answer_count"]
    list_filter = ["kind", "consultation"]
    search_fields = ["name"]
    list_select_related = ["consultation"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_n=Count("answers"))

    @admin.display(description=_("réponses"), ordering="_n")
    def answer_count(self, obj):
        return obj._n


@admin.register(Restitution)
class RestitutionAdmin(admin.ModelAdmin):
    list_display = ["title", "consultation", "published_at"]
    list_filter = ["published_at"]
    search_fields = ["title", "consultation__title"]
    list_select_related = ["consultation"]
    autocomplete_fields = ["consultation"]
    filter_horizontal = ["featured_questions"]
    actions = ["publish", "unpublish"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "featured_questions":
            object_id = request.resolver_match.kwargs.get("object_id")
            restitution = Restitution.objects.filter(pk=object_id).first() if object_id else None
            kwargs["queryset"] = (
                Question.objects.filter(consultation=restitution.consultation)
                if restitution
                else Question.objects.none()
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _set(self, request, queryset, publish):
        for item in queryset.select_related("consultation"):
            try:
                services.restitution_save(
                    consultation=item.consultation,
                    title=item.title,
                    synthesis=item.synthesis,
                    featured=item.featured_questions.all(),
                    publish=publish,
                    by=request.user,
                )
            except services.ConsultationError as exc:
                self.message_user(request, f"{item} : {exc.message}", messages.ERROR)

    @admin.action(description=_("Publier"))
    def publish(self, request, queryset):
        self._set(request, queryset, True)

    @admin.action(description=_("Retirer de la publication"))
    def unpublish(self, request, queryset):
        self._set(request, queryset, False)


@admin.register(ResponseDraft)
class ResponseDraftAdmin(admin.ModelAdmin):
    list_display = ["consultation", "step", "created_at", "updated_at", "submitted_at"]
    list_filter = ["consultation"]
    search_fields = ["consultation__title"]
    list_select_related = ["consultation"]
    exclude = ["token", "data"]  # the token opens the answers; the answers are personal
    readonly_fields = [
        "consultation",
        "step",
        "editing",
        "created_at",
        "updated_at",
        "submitted_at",
    ]

    def has_add_permission(self, request):
        return False
