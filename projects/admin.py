"""The projects' space in the staff admin: every model, searchable by Caf (« isère » finds the
Isère's rows), exports, and the writes that matter through projects.services — stages (dated
history, team told), team, funding, theory of change, indicators, periods' review, calls' flow,
jury, bilans, kits — so that the activity feed, the notifications and the locks stay right.

Files (project and kit documents, evidence, deliverables) are deposited on the pages, where
they are checked, and downloaded there through a permission-checking view: the admin lists them.
The names of the people trained are for the CafLab only (`projects.view_trainees`), even among
the admin's users.
"""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, Sum
from django.utils.translation import gettext_lazy as _, ngettext

from caflab import admin_tools, exports, fragments
from caflab.models import Caf
from projects import services
from projects.models import (
    Application,
    Assessment,
    Call,
    ChangeStep,
    Cohort,
    CreativitySession,
    Criterion,
    Deliverable,
    DeploymentKit,
    Enrolment,
    Evidence,
    Funding,
    Helper,
    Indicator,
    JuryAssignment,
    KitDocument,
    Match,
    Module,
    ModuleSession,
    Need,
    Period,
    Programme,
    Project,
    ProjectDocument,
    ProjectMember,
    Replication,
    Score,
    SessionAttendance,
    StageChange,
    Trainee,
    Training,
    TrainingSession,
)

_prefixed = admin_tools.prefixed
# A Caf is found by its name, its département (« isère ») or, exactly, its number (« 38 »).
CAF_FIELDS = admin_tools.CAF_FIELDS
CAF_SEARCH = admin_tools.CAF_SEARCH
USER_SEARCH = ["first_name", "last_name", "email"]
PROJECT_SEARCH = ["title", "slug", *_prefixed("cafs", CAF_FIELDS)]


_export_actions = admin_tools.export_actions
presence_filter = admin_tools.presence_filter


_refused = admin_tools.refused
_done = admin_tools.done


ReadOnlyInline = admin_tools.ReadOnlyInline


class FileAdmin(admin.ModelAdmin):
    """Files deposited on the pages (checked there, served by a permission-checking view)."""

    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Programmes ------------------------------------------------------------------------------------
@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "pilot", "started_on", "is_active", "position", "project_count"]
    list_editable = ["position"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "pilot", "summary", "partners__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["partners"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_projects=Count("projects", distinct=True))

    @admin.display(description=_("projets"), ordering="_projects")
    def project_count(self, obj):
        return obj._projects


# Projects --------------------------------------------------------------------------------------
class StageForm(forms.Form):
    """The fields of the « change the stage » action, read from the changelist's POST."""

    stage = forms.ChoiceField(
        label=_("nouvelle étape"),
        required=False,
        choices=[("", "---------"), *Project.Stage.choices],
    )
    stage_on = forms.DateField(label=_("le"), required=False)
    stage_note = forms.CharField(label=_("commentaire"), required=False, max_length=2000)


class ProjectActionForm(helpers.ActionForm, StageForm):
    pass


class ProjectMemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    fields = ["user", "role"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class StageChangeInline(ReadOnlyInline):
    """The dated history: written by services.project_set_stage only."""

    model = StageChange
    fields = ["changed_on", "from_stage", "to_stage", "note", "by"]
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0
    fields = ["year", "source", "funder", "amount"]


class ProjectDocumentInline(ReadOnlyInline):
    model = ProjectDocument
    fields = ["name", "title", "content_type", "size", "uploaded_by", "created_at"]
    show_change_link = False


class ChangeStepInline(admin.TabularInline):
    model = ChangeStep
    extra = 0
    fields = ["level", "text", "position"]


class IndicatorInline(admin.TabularInline):
    """The indicators; their periods are on each indicator's page."""

    model = Indicator
    extra = 0
    fields = ["name", "unit", "direction", "baseline", "target", "target_on", "position"]
    show_change_link = True


def _caf_names(project) -> str:
    return ", ".join(caf.name for caf in project.cafs.all())


PROJECT_EXPORT = [
    exports.Column(header=_("Projet"), value=lambda p: p.title),
    exports.Column(header=_("Adresse"), value=lambda p: p.slug),
    exports.Column(header=_("Type"), value=lambda p: p.get_kind_display()),
    exports.Column(header=_("Thème"), value=lambda p: p.get_theme_display()),
    exports.Column(header=_("Étape"), value=lambda p: p.get_stage_display()),
    exports.Column(header=_("Étape atteinte le"), value=lambda p: p.stage_changed_on),
    exports.Column(
        header=_("Programme"), value=lambda p: p.programme.name if p.programme_id else ""
    ),
    exports.Column(header=_("Caf porteuses"), value=_caf_names),
    exports.Column(header=_("Région"), value=lambda p: p.region.name if p.region_id else ""),
    exports.Column(header=_("Début"), value=lambda p: p.started_on),
    exports.Column(header=_("Fin"), value=lambda p: p.ended_on),
    exports.Column(header=_("Publié"), value=lambda p: p.is_published),
    exports.Column(header=_("Financements (€)"), value=lambda p: p._funding_total or Decimal(0)),
]
PROJECT_FORM_FIELDS = (*services.PROJECT_FIELDS, "cafs", "partners")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    action_form = ProjectActionForm
    list_display = [
        "title",
        "kind",
        "stage",
        "stage_changed_on",
        "programme",
        "caf_list",
        "region",
        "is_published",
        "funding_total",
    ]
    list_filter = [
        "kind",
        "stage",
        "theme",
        "is_published",
        "programme",
        ("region", admin.RelatedOnlyFieldListFilter),
        "cafs__region",
    ]
    search_fields = [
        *PROJECT_SEARCH,
        "summary",
        "territories",
        "sponsor",
        "programme__name",
        "region__name",
        "partners__name",
    ]
    list_select_related = ["programme", "region"]
    autocomplete_fields = ["programme", "cafs", "region", "partners", "cohort"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "started_on"
    inlines = [
        ProjectMemberInline,
        StageChangeInline,
        FundingInline,
        ProjectDocumentInline,
        ChangeStepInline,
        IndicatorInline,
    ]
    actions = ["change_stage", *_export_actions(PROJECT_EXPORT, "projets", _("les projets"))]

    def get_fieldsets(self, request, obj=None):
        stage = ("stage",) if obj is None else ("stage", "stage_changed_on")
        return (
            (None, {"fields": ("title", "slug", "summary", "programme", "kind", "theme")}),
            (_("Étape"), {"fields": stage}),
            (
                _("Territoire et partenaires"),
                {"fields": ("cafs", "region", "territories", "partners", "sponsor")},
            ),
            (_("Calendrier"), {"fields": ("started_on", "ended_on")}),
            (_("Publication et suivi"), {"fields": ("is_published", "cohort", "application")}),
            (_("Dates"), {"fields": ("created_at", "updated_at")}),
        )

    def get_readonly_fields(self, request, obj=None):
        fields = ["application", "created_at", "updated_at"]
        if obj is not None:
            # The stage moves through the « change the stage » action (dated history);
            # the address stays: links to it are in emails and reports.
            fields += ["slug", "stage", "stage_changed_on"]
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if obj is None else {}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_funding_total=Sum("fundings__amount"))
            .prefetch_related(Prefetch("cafs", queryset=Caf.objects.only("pk", "number", "name")))
        )

    @admin.display(description=_("Caf porteuses"))
    def caf_list(self, obj):
        return _caf_names(obj) or "—"

    @admin.display(description=_("financements (€)"), ordering="_funding_total")
    def funding_total(self, obj):
        return obj._funding_total or 0

    # Writes through the services -------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.project_create(
                by=request.user,
                title=data["title"],
                summary=data["summary"],
                kind=data["kind"],
                theme=data["theme"],
                started_on=data["started_on"],
                programme=data.get("programme"),
                region=data.get("region"),
                cafs=data.get("cafs", []),
                partners=data.get("partners", []),
                territories=data.get("territories", ""),
                sponsor=data.get("sponsor", ""),
                stage=data.get("stage") or Project.Stage.IDEATION,
                is_published=data.get("is_published", True),
                slug=data["slug"],
            )
            if data.get("ended_on"):
                services.project_update(project=created, by=request.user, ended_on=data["ended_on"])
            obj.pk, obj._state.adding = created.pk, False
        else:
            changes = {
                name: data[name] for name in form.changed_data if name in PROJECT_FORM_FIELDS
            }
            if changes:
                try:
                    services.project_update(project=obj, by=request.user, **changes)
                except (services.ProjectError, PermissionDenied) as exc:
                    _refused(self, request, obj, exc)
        if "cohort" in form.changed_data:
            # No service puts a project in a cohort yet: the CafLab does it here.
            Project.objects.filter(pk=obj.pk).update(cohort=data.get("cohort"))
            fragments.bump("projects")  # an update(): no signal

    def save_related(self, request, form, formsets, change):
        # Cafs and partners went through the service with the other fields.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        project = form.instance
        savers = {
            ProjectMember: self._save_members,
            Funding: self._save_fundings,
            ChangeStep: self._save_change_steps,
            Indicator: self._save_indicators,
        }
        saver = savers.get(formset.model)
        if saver is None:
            return super().save_formset(request, form, formset, change)
        saver(request, project, formset)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None

    def _changed_forms(self, formset):
        return [
            f
            for f in formset.forms
            if f not in formset.deleted_forms and f.has_changed() and f.cleaned_data
        ]

    def _deleted(self, formset):
        return [f.instance for f in formset.deleted_forms if f.instance.pk]

    def _save_members(self, request, project, formset):
        """New members through the service (active accounts only, once); removals too (the
        project keeps a carrier). A role changes in place: no service changes it."""
        for member_form in self._changed_forms(formset):
            data, instance = member_form.cleaned_data, member_form.instance
            try:
                if instance.pk is None or member_form.initial.get("user") != data["user"].pk:
                    services.project_add_member(
                        project=project, by=request.user, user=data["user"], role=data["role"]
                    )
                    if instance.pk is not None:  # the row now names someone else
                        services.project_remove_member(
                            member=ProjectMember.objects.get(pk=instance.pk), by=request.user
                        )
                else:
                    ProjectMember.objects.filter(pk=instance.pk).update(role=data["role"])
                    fragments.bump("projects")  # an update(): no signal
            except services.ProjectError as exc:
                _refused(self, request, data["user"], exc)
        for member in self._deleted(formset):
            try:
                services.project_remove_member(member=member, by=request.user)
            except services.ProjectError as exc:
                _refused(self, request, member, exc)

    def _save_fundings(self, request, project, formset):
        for funding_form in self._changed_forms(formset):
            data = funding_form.cleaned_data
            if funding_form.instance.pk is None:
                try:
                    services.funding_add(
                        project=project,
                        by=request.user,
                        source=data["source"],
                        amount=data["amount"],
                        year=data["year"],
                        funder=data.get("funder", ""),
                    )
                except services.ProjectError as exc:
                    _refused(self, request, project, exc)
            else:
                funding_form.save()
        for funding in self._deleted(formset):
            funding.delete()

    def _save_change_steps(self, request, project, formset):
        for step_form in self._changed_forms(formset):
            data, step = step_form.cleaned_data, step_form.instance
            try:
                saved = services.change_step_save(
                    project=project,
                    by=request.user,
                    level=data["level"],
                    text=data["text"],
                    step=step if step.pk else None,
                )
            except services.ProjectError as exc:
                _refused(self, request, project, exc)
                continue
            if "position" in step_form.changed_data:
                ChangeStep.objects.filter(pk=saved.pk).update(position=data["position"])
                fragments.bump("projects")  # an update(): no signal
        for step in self._deleted(formset):
            services.change_step_delete(step=step, by=request.user)

    def _save_indicators(self, request, project, formset):
        for indicator_form in self._changed_forms(formset):
            data = indicator_form.cleaned_data
            if indicator_form.instance.pk is None:
                try:
                    services.indicator_create(
                        project=project,
                        by=request.user,
                        name=data["name"],
                        baseline=data["baseline"],
                        target=data["target"],
                        unit=data.get("unit", ""),
                        direction=data["direction"],
                        target_on=data.get("target_on"),
                    )
                except services.ProjectError as exc:
                    _refused(self, request, project, exc)
            else:
                indicator_form.save()
        for indicator in self._deleted(formset):
            indicator.delete()

    # Actions ---------------------------------------------------------------------------------
    def has_change_stage_permission(self, request):
        return request.user.has_perm("projects.change_stage")

    @admin.action(
        description=_("Changer d'étape (étape, date et commentaire ci-dessus)"),
        permissions=["change_stage"],
    )
    def change_stage(self, request, queryset):
        form = StageForm(request.POST)
        if not form.is_valid() or not form.cleaned_data["stage"]:
            self.message_user(
                request,
                _("Choisissez la nouvelle étape (et une date valide, ou aucune pour aujourd'hui)."),
                messages.ERROR,
            )
            return
        data, moved = form.cleaned_data, 0
        for project in queryset:
            try:
                services.project_set_stage(
                    project=project,
                    by=request.user,
                    stage=data["stage"],
                    on=data["stage_on"],
                    note=data["stage_note"],
                )
            except (services.ProjectError, PermissionDenied) as exc:
                _refused(self, request, project, exc)
                continue
            moved += 1
        _done(
            self,
            request,
            moved,
            ngettext(
                "%(count)d projet a changé d'étape : son équipe est prévenue.",
                "%(count)d projets ont changé d'étape : leurs équipes sont prévenues.",
                moved,
            ),
        )


class ProjectMemberForm(forms.ModelForm):
    class Meta:
        model = ProjectMember
        fields = ["project", "user", "role"]

    def clean_user(self):
        # services.project_add_member's rule, said on the field rather than after the save.
        user = self.cleaned_data["user"]
        if self.instance.pk is None and not user.is_active:
            raise ValidationError(_("Ce compte est désactivé."))
        return user


@admin.register(ProjectMember)
class ProjectMemberAdmin(admin.ModelAdmin):
    form = ProjectMemberForm
    list_display = ["user", "user_caf", "project", "role"]
    list_filter = ["role", "project__kind", "user__caf__region"]
    search_fields = [
        *_prefixed("user", USER_SEARCH),
        *_prefixed("user", CAF_SEARCH),
        *_prefixed("project", PROJECT_SEARCH),
    ]
    list_select_related = ["user__caf", "project"]
    autocomplete_fields = ["project", "user"]

    def get_readonly_fields(self, request, obj=None):
        # A membership is one person in one project: changing either is another membership.
        return ["project", "user"] if obj is not None else []

    @admin.display(description=_("Caf"), ordering="user__caf__number")
    def user_caf(self, obj):
        return obj.user.caf or "—"

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)  # the role: no service changes it
            return
        member = services.project_add_member(
            project=obj.project, by=request.user, user=obj.user, role=obj.role
        )
        obj.pk, obj._state.adding = member.pk, False

    def delete_model(self, request, obj):
        try:
            services.project_remove_member(member=obj, by=request.user)
        except services.ProjectError as exc:
            _refused(self, request, obj, exc)

    def delete_queryset(self, request, queryset):
        for member in queryset.select_related("project", "user"):
            self.delete_model(request, member)


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    """The dated history of the stages: written by the « change the stage » action only."""

    list_display = ["project", "changed_on", "from_stage", "to_stage", "by"]
    list_filter = ["to_stage", "project__kind"]
    search_fields = [*_prefixed("project", PROJECT_SEARCH), "note"]
    list_select_related = ["project", "by"]
    date_hierarchy = "changed_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Funding)
class FundingAdmin(admin.ModelAdmin):
    list_display = ["project", "year", "source", "funder", "amount"]
    list_filter = ["source", "year", "project__kind"]
    search_fields = [*_prefixed("project", PROJECT_SEARCH), "funder"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        funding = services.funding_add(
            project=obj.project,
            by=request.user,
            source=obj.source,
            amount=obj.amount,
            year=obj.year,
            funder=obj.funder,
        )
        obj.pk, obj._state.adding = funding.pk, False


@admin.register(ProjectDocument)
class ProjectDocumentAdmin(FileAdmin):
    list_display = ["name", "title", "project", "content_type", "size", "uploaded_by", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["name", "title", *_prefixed("project", PROJECT_SEARCH)]
    list_select_related = ["project", "uploaded_by"]


# Calls and jury --------------------------------------------------------------------------------
class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["position", "name", "description", "weight", "max_score"]


class ApplicationSummaryInline(ReadOnlyInline):
    model = Application
    fields = ["title", "team_name", "caf", "region", "status", "submitted_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("caf", "region")


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "status",
        "programme",
        "opens_on",
        "closes_on",
        "application_count",
        "winners_count",
        "decided_on",
    ]
    list_filter = ["kind", "status", "programme"]
    search_fields = ["title", "slug", "summary", "programme__name", "partners__name"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme", "partners"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "decided_on"]
    date_hierarchy = "opens_on"
    inlines = [CriterionInline, ApplicationSummaryInline]
    actions = ["advance"]
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "programme", "summary", "partners")}),
        (_("Calendrier"), {"fields": ("opens_on", "closes_on", "status", "decided_on")}),
        (
            _("Lauréats"),
            {"fields": ("winners_count", "project_kind", "project_theme")},
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_applications=Count("applications", distinct=True))
        )

    @admin.display(description=_("candidatures"), ordering="_applications")
    def application_count(self, obj):
        return obj._applications

    def has_manage_permission(self, request):
        return request.user.has_perm("projects.manage_calls")

    @admin.action(
        description=_("Passer à l'étape suivante (ouvrir les candidatures, puis le jury)"),
        permissions=["manage"],
    )
    def advance(self, request, queryset):
        for call in queryset:
            try:
                call = services.call_advance(call=call, by=request.user)
            except (services.ProjectError, PermissionDenied) as exc:
                _refused(self, request, call, exc)
                continue
            self.message_user(
                request,
                _("%(call)s : %(status)s.") % {"call": call, "status": call.get_status_display()},
                messages.SUCCESS,
            )


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "call", "weight", "max_score", "position"]
    list_filter = ["call__kind", "call"]
    search_fields = ["name", "description", "call__title"]
    list_select_related = ["call"]
    autocomplete_fields = ["call"]


class JuryAssignmentInline(admin.TabularInline):
    model = JuryAssignment
    extra = 0
    fields = ["juror", "completed_at", "comment"]
    readonly_fields = ["completed_at", "comment"]
    autocomplete_fields = ["juror"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("juror")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "team_name",
        "call",
        "caf",
        "region",
        "status",
        "submitted_at",
        "juror_count",
    ]
    list_filter = ["status", "call__kind", "call", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "title",
        "team_name",
        "summary",
        "call__title",
        "region__name",
        *CAF_SEARCH,
        *_prefixed("contact", USER_SEARCH),
    ]
    list_select_related = ["call", "caf", "region"]
    autocomplete_fields = ["call", "caf", "region", "contact", "partners"]
    readonly_fields = ["status", "decided_at", "decision_note"]
    date_hierarchy = "submitted_at"
    inlines = [JuryAssignmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_jurors=Count("assignments", distinct=True))

    @admin.display(description=_("jurés"), ordering="_jurors")
    def juror_count(self, obj):
        return obj._jurors

    def save_formset(self, request, form, formset, change):
        """New jury members through the service: the team's contact never scores their own
        application, and nobody joins the jury of a decided call."""
        if formset.model is not JuryAssignment:
            return super().save_formset(request, form, formset, change)
        application = form.instance
        for assignment_form in formset.forms:
            if (
                assignment_form in formset.deleted_forms
                or not assignment_form.has_changed()
                or not assignment_form.cleaned_data
            ):
                continue
            juror = assignment_form.cleaned_data["juror"]
            try:
                services.jury_assign(application=application, by=request.user, jurors=[juror])
            except (services.ProjectError, PermissionDenied) as exc:
                _refused(self, request, juror, exc)
                continue
            if assignment_form.instance.pk:  # the row now names someone else
                JuryAssignment.objects.filter(pk=assignment_form.instance.pk).delete()
        for assignment_form in formset.deleted_forms:
            if assignment_form.instance.pk:
                assignment_form.instance.delete()
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None


class JuryAssignmentForm(forms.ModelForm):
    class Meta:
        model = JuryAssignment
        fields = ["application", "juror"]

    def clean(self):
        """services.jury_assign's rules, said on the form rather than after the save."""
        cleaned = super().clean()
        application, juror = cleaned.get("application"), cleaned.get("juror")
        if self.instance.pk is None and application and juror:
            if juror.pk == application.contact_id:
                raise ValidationError(
                    _("%(name)s porte cette candidature : cette personne ne peut pas l'évaluer.")
                    % {"name": juror}
                )
            if application.call.status == Call.Status.DECIDED:
                raise ValidationError(_("Les lauréats sont désignés : le jury est clos."))
        return cleaned


@admin.register(JuryAssignment)
class JuryAssignmentAdmin(admin.ModelAdmin):
    form = JuryAssignmentForm
    list_display = ["juror", "application", "call", "completed_at", "score_count"]
    list_filter = [
        presence_filter("completed_at", _("évaluation terminée")),
        "application__call",
    ]
    search_fields = [
        *_prefixed("juror", USER_SEARCH),
        "application__title",
        "application__team_name",
        "application__call__title",
        *_prefixed("application", CAF_SEARCH),
    ]
    list_select_related = ["juror", "application__call"]
    autocomplete_fields = ["application", "juror"]
    readonly_fields = ["comment", "completed_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_scores=Count("scores", distinct=True))

    @admin.display(description=_("appel"), ordering="application__call__title")
    def call(self, obj):
        return obj.application.call

    @admin.display(description=_("notes"), ordering="_scores")
    def score_count(self, obj):
        return obj._scores

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        [assignment] = services.jury_assign(
            application=obj.application, by=request.user, jurors=[obj.juror]
        )
        obj.pk, obj._state.adding = assignment.pk, False


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    """The jury's scores: given on the jury's pages, read here."""

    list_display = ["criterion", "value", "juror", "application"]
    list_filter = ["criterion__call"]
    search_fields = [
        "criterion__name",
        "assignment__application__title",
        "assignment__application__team_name",
        *_prefixed("assignment__juror", USER_SEARCH),
        *_prefixed("assignment__application", CAF_SEARCH),
    ]
    list_select_related = ["criterion", "assignment__juror", "assignment__application"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("membre du jury"), ordering="assignment__juror__last_name")
    def juror(self, obj):
        return obj.assignment.juror

    @admin.display(description=_("candidature"), ordering="assignment__application__title")
    def application(self, obj):
        return obj.assignment.application


# Incubation ------------------------------------------------------------------------------------
class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ["position", "title", "kind", "deliverable"]
    show_change_link = True


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "call", "starts_on", "ends_on", "project_count"]
    list_filter = ["programme"]
    search_fields = ["name", "slug", "description", "programme__name", "call__title"]
    list_select_related = ["programme", "call"]
    autocomplete_fields = ["programme", "call"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "starts_on"
    inlines = [ModuleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_projects=Count("projects", distinct=True))

    def has_view_permission(self, request, obj=None):
        # The rule « projects.view_cohort » (every account) shares its name with Django's
        # model permission: without this, any admin user could read the cohorts here.
        return request.user.has_perm("projects.manage_cohort") and super().has_view_permission(
            request, obj
        )

    @admin.display(description=_("projets"), ordering="_projects")
    def project_count(self, obj):
        return obj._projects


class ModuleSessionInline(admin.TabularInline):
    model = ModuleSession
    extra = 0
    fields = ["starts_at", "ends_at", "place", "facilitator"]
    show_change_link = True


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "cohort", "kind", "position", "deliverable"]
    list_filter = ["kind", "cohort"]
    search_fields = ["title", "description", "deliverable", "cohort__name"]
    list_select_related = ["cohort"]
    autocomplete_fields = ["cohort"]
    inlines = [ModuleSessionInline]


class SessionAttendanceInline(ReadOnlyInline):
    """Recorded on the cohort's attendance sheet (services.attendance_record)."""

    model = SessionAttendance
    fields = ["project", "present", "attendees"]
    show_change_link = False


@admin.register(ModuleSession)
class ModuleSessionAdmin(admin.ModelAdmin):
    list_display = ["module", "cohort", "starts_at", "ends_at", "place", "facilitator"]
    list_filter = ["module__cohort", "module__kind"]
    search_fields = ["module__title", "module__cohort__name", "place", "facilitator"]
    list_select_related = ["module__cohort"]
    autocomplete_fields = ["module"]
    date_hierarchy = "starts_at"
    inlines = [SessionAttendanceInline]

    @admin.display(description=_("promotion"), ordering="module__cohort__name")
    def cohort(self, obj):
        return obj.module.cohort


@admin.register(SessionAttendance)
class SessionAttendanceAdmin(admin.ModelAdmin):
    list_display = ["project", "session", "present", "attendees"]
    list_filter = ["present", "session__module__cohort"]
    search_fields = [*_prefixed("project", PROJECT_SEARCH), "session__module__title"]
    list_select_related = ["project", "session__module"]
    autocomplete_fields = ["session", "project"]


@admin.register(Deliverable)
class DeliverableAdmin(FileAdmin):
    list_display = ["name", "project", "module", "status", "uploaded_by", "created_at"]
    list_filter = ["status", "module__cohort", "module__kind"]
    search_fields = ["name", "feedback", "module__title", *_prefixed("project", PROJECT_SEARCH)]
    list_select_related = ["project", "module", "uploaded_by"]
    actions = ["accept"]

    def has_review_permission(self, request):
        return request.user.has_perm("projects.review_deliverable")

    @admin.action(description=_("Valider les livrables"), permissions=["review"])
    def accept(self, request, queryset):
        accepted = 0
        for deliverable in queryset:
            try:
                services.deliverable_review(deliverable=deliverable, by=request.user, accepted=True)
            except (services.ProjectError, PermissionDenied) as exc:
                _refused(self, request, deliverable, exc)
                continue
            accepted += 1
        _done(
            self,
            request,
            accepted,
            ngettext("%(count)d livrable validé.", "%(count)d livrables validés.", accepted),
        )


class MatchInline(admin.TabularInline):
    model = Match
    extra = 0
    fields = ["helper", "status", "note", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]
    autocomplete_fields = ["helper"]


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "kind", "status", "published_at", "match_count"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "description", *_prefixed("project", PROJECT_SEARCH)]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]
    date_hierarchy = "published_at"
    inlines = [MatchInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_matches=Count("matches", distinct=True))

    @admin.display(description=_("mises en relation"), ordering="_matches")
    def match_count(self, obj):
        return obj._matches

    def save_formset(self, request, form, formset, change):
        matches = formset.save(commit=False)
        for match in matches:
            match.recorded_by = match.recorded_by or request.user
            match.save()
        for match in formset.deleted_objects:
            match.delete()


@admin.register(Helper)
class HelperAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind_list", "region", "contact"]
    list_filter = [("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["organisation__name", "description", "contact", "region__name"]
    list_select_related = ["organisation", "region"]
    autocomplete_fields = ["organisation", "region"]

    @admin.display(description=_("peut aider en"))
    def kind_list(self, obj):
        labels = dict(Need.Kind.choices)
        return ", ".join(str(labels.get(kind, kind)) for kind in obj.kinds or [])


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["need", "project", "helper", "status", "recorded_by", "recorded_at"]
    list_filter = ["status", "need__kind"]
    search_fields = [
        "need__title",
        "helper__organisation__name",
        "note",
        *_prefixed("need__project", PROJECT_SEARCH),
    ]
    list_select_related = ["need__project", "helper__organisation", "recorded_by"]
    autocomplete_fields = ["need", "helper"]
    readonly_fields = ["recorded_by", "recorded_at"]

    @admin.display(description=_("projet"), ordering="need__project__title")
    def project(self, obj):
        return obj.need.project

    def save_model(self, request, obj, form, change):
        obj.recorded_by = obj.recorded_by or request.user
        super().save_model(request, obj, form, change)


# Impact ----------------------------------------------------------------------------------------
@admin.register(ChangeStep)
class ChangeStepAdmin(admin.ModelAdmin):
    list_display = ["text", "level", "project", "position"]
    list_filter = ["level", "project__kind"]
    search_fields = ["text", *_prefixed("project", PROJECT_SEARCH)]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]


class PeriodInline(ReadOnlyInline):
    """Reported by the team, approved by the CafLab: see the « périodes de mesure »."""

    model = Period
    fields = ["starts_on", "ends_on", "value", "status", "submitted_at", "reviewed_at"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "project",
        "unit",
        "direction",
        "baseline",
        "target",
        "target_on",
        "period_count",
    ]
    list_filter = ["direction", "project__kind", "project__stage"]
    search_fields = ["name", "description", *_prefixed("project", PROJECT_SEARCH)]
    list_select_related = ["project"]
    autocomplete_fields = ["project", "impact"]
    inlines = [PeriodInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_periods=Count("periods", distinct=True))

    @admin.display(description=_("périodes"), ordering="_periods")
    def period_count(self, obj):
        return obj._periods


class PeriodActionForm(helpers.ActionForm):
    review_note = forms.CharField(
        label=_("retour au porteur"),
        required=False,
        max_length=2000,
        help_text=_("Obligatoire pour renvoyer une période."),
    )


PERIOD_FIELDS = [
    "indicator",
    "starts_on",
    "ends_on",
    "value",
    "comment",
    "status",
    "submitted_at",
    "submitted_by",
    "review_note",
    "reviewed_at",
    "reviewed_by",
]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    """The values the teams report. The CafLab approves (then the period is locked) or returns
    them with the actions; the teams enter and correct them on the project's page."""

    action_form = PeriodActionForm
    list_display = [
        "indicator",
        "project",
        "starts_on",
        "ends_on",
        "value",
        "status",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
    ]
    list_filter = ["status", "indicator__project__kind", "starts_on"]
    search_fields = [
        "indicator__name",
        "comment",
        *_prefixed("indicator__project", PROJECT_SEARCH),
    ]
    list_select_related = ["indicator__project", "submitted_by"]
    fields = PERIOD_FIELDS
    readonly_fields = PERIOD_FIELDS
    actions = ["approve", "send_back"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("projet"), ordering="indicator__project__title")
    def project(self, obj):
        return obj.indicator.project

    def has_review_permission(self, request):
        return request.user.has_perm("projects.review_indicator")

    def _review(self, request, queryset, *, approve: bool):
        note = request.POST.get("review_note", "")
        reviewed = 0
        for period in queryset.select_related("indicator__project", "submitted_by"):
            try:
                services.period_review(period=period, by=request.user, approve=approve, note=note)
            except (services.ProjectError, PermissionDenied) as exc:
                _refused(self, request, period, exc)
                continue
            reviewed += 1
        return reviewed

    @admin.action(description=_("Valider les périodes soumises"), permissions=["review"])
    def approve(self, request, queryset):
        count = self._review(request, queryset, approve=True)
        _done(
            self,
            request,
            count,
            ngettext(
                "%(count)d période validée : elle est verrouillée.",
                "%(count)d périodes validées : elles sont verrouillées.",
                count,
            ),
        )

    @admin.action(
        description=_("Renvoyer pour correction (avec le retour ci-dessus)"),
        permissions=["review"],
    )
    def send_back(self, request, queryset):
        count = self._review(request, queryset, approve=False)
        _done(
            self,
            request,
            count,
            ngettext(
                "%(count)d période renvoyée au porteur.",
                "%(count)d périodes renvoyées aux porteurs.",
                count,
            ),
        )


@admin.register(Evidence)
class EvidenceAdmin(FileAdmin):
    list_display = ["name", "period", "content_type", "size", "uploaded_by", "created_at"]
    list_filter = ["content_type"]
    search_fields = [
        "name",
        "period__indicator__name",
        *_prefixed("period__indicator__project", PROJECT_SEARCH),
    ]
    list_select_related = ["period__indicator", "uploaded_by"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["project", "is_published", "published_at", "updated_at", "updated_by"]
    list_filter = ["is_published", "project__kind"]
    search_fields = [
        "summary",
        "results",
        "lessons",
        "recommendations",
        *_prefixed("project", PROJECT_SEARCH),
    ]
    list_select_related = ["project", "updated_by"]
    autocomplete_fields = ["project"]
    readonly_fields = ["is_published", "published_at", "updated_at", "updated_by"]
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "project"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        saved = services.assessment_save(
            project=obj.project,
            by=request.user,
            summary=obj.summary,
            results=obj.results,
            lessons=obj.lessons,
            recommendations=obj.recommendations,
        )
        obj.pk, obj._state.adding = saved.pk, False

    def has_publish_permission(self, request):
        return request.user.has_perm("projects.publish_assessment")

    @admin.action(description=_("Publier les bilans"), permissions=["publish"])
    def publish(self, request, queryset):
        published = 0
        for assessment in queryset.select_related("project"):
            try:
                services.assessment_publish(assessment=assessment, by=request.user)
            except PermissionDenied as exc:
                _refused(self, request, assessment, exc)
                continue
            published += 1
        _done(
            self,
            request,
            published,
            ngettext("%(count)d bilan publié.", "%(count)d bilans publiés.", published),
        )


# Essaimage -------------------------------------------------------------------------------------
class KitDocumentInline(ReadOnlyInline):
    model = KitDocument
    fields = ["name", "content_type", "size", "uploaded_by", "created_at"]
    show_change_link = False


@admin.register(DeploymentKit)
class DeploymentKitAdmin(admin.ModelAdmin):
    list_display = ["project", "version", "is_published", "updated_at"]
    list_filter = ["is_published", "project__kind"]
    search_fields = ["summary", "steps", *_prefixed("project", PROJECT_SEARCH)]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]
    readonly_fields = ["updated_at"]
    inlines = [KitDocumentInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "project"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        saved = services.kit_save(
            project=obj.project,
            by=request.user,
            summary=obj.summary,
            steps=obj.steps,
            version=obj.version,
            attention_points=obj.attention_points,
            good_practices=obj.good_practices,
            is_published=obj.is_published,
        )
        obj.pk, obj._state.adding = saved.pk, False


@admin.register(KitDocument)
class KitDocumentAdmin(FileAdmin):
    list_display = ["name", "kit", "content_type", "size", "uploaded_by", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["name", *_prefixed("kit__project", PROJECT_SEARCH)]
    list_select_related = ["kit__project", "uploaded_by"]


@admin.register(Replication)
class ReplicationAdmin(admin.ModelAdmin):
    list_display = ["project", "caf", "status", "started_on"]
    list_filter = ["status", "caf__region"]
    search_fields = [*_prefixed("project", PROJECT_SEARCH), *CAF_SEARCH, "note"]
    list_select_related = ["project", "caf"]
    autocomplete_fields = ["project", "caf"]
    date_hierarchy = "started_on"


# Creativity sessions and trainings -------------------------------------------------------------
CREATIVITY_EXPORT = [
    exports.Column(header=_("Date"), value=lambda s: s.held_on),
    exports.Column(header=_("Caf"), value=lambda s: s.caf.name if s.caf_id else _("CafLab")),
    exports.Column(header=_("Sujet"), value=lambda s: s.topic),
    exports.Column(header=_("Méthode"), value=lambda s: s.get_method_display()),
    exports.Column(header=_("Public"), value=lambda s: s.get_audience_display()),
    exports.Column(header=_("Participants"), value=lambda s: s.participants),
    exports.Column(
        header=_("Animateur"), value=lambda s: str(s.facilitator) if s.facilitator_id else ""
    ),
    exports.Column(header=_("Projet lié"), value=lambda s: s.project.title if s.project_id else ""),
    exports.Column(header=_("Consultation liée"), value=lambda s: s.consultation_id),
    exports.Column(header=_("Ce qui en est sorti"), value=lambda s: s.outcome),
]


@admin.register(CreativitySession)
class CreativitySessionAdmin(admin.ModelAdmin):
    list_display = [
        "topic",
        "held_on",
        "caf",
        "method",
        "audience",
        "participants",
        "facilitator",
        "project",
    ]
    list_filter = ["method", "audience", "caf__region", ("caf", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "topic",
        "outcome",
        *CAF_SEARCH,
        "project__title",
        *_prefixed("facilitator", USER_SEARCH),
    ]
    list_select_related = ["caf", "facilitator", "project"]
    autocomplete_fields = ["caf", "facilitator", "project"]
    date_hierarchy = "held_on"
    actions = _export_actions(CREATIVITY_EXPORT, "seances-creativite", _("les séances"))


class TrainingSessionInline(admin.TabularInline):
    model = TrainingSession
    extra = 0
    fields = ["starts_on", "ends_on", "place", "caf", "trainers"]
    autocomplete_fields = ["caf"]
    show_change_link = True
    ordering = ["-starts_on"]


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "duration_hours",
        "audience",
        "is_active",
        "session_count",
        "trainee_count",
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["title", "description", "audience"]
    inlines = [TrainingSessionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _sessions=Count("sessions", distinct=True),
                _trainees=Count(
                    "sessions__enrolments__trainee",
                    filter=Q(sessions__enrolments__attended=True),
                    distinct=True,
                ),
            )
        )

    @admin.display(description=_("sessions"), ordering="_sessions")
    def session_count(self, obj):
        return obj._sessions

    @admin.display(description=_("personnes formées"), ordering="_trainees")
    def trainee_count(self, obj):
        return obj._trainees


def _can_see_trainees(request) -> bool:
    return request.user.has_perm("projects.view_trainees")


class TraineeGate:
    """The people trained are named for the CafLab only, whatever else an admin user may do."""

    def has_view_permission(self, request, obj=None):
        return _can_see_trainees(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return _can_see_trainees(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return _can_see_trainees(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _can_see_trainees(request) and super().has_delete_permission(request, obj)


class EnrolmentInline(TraineeGate, admin.TabularInline):
    model = Enrolment
    extra = 0
    fields = ["trainee", "attended"]
    autocomplete_fields = ["trainee"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("trainee")


TRAINING_SESSION_EXPORT = [
    exports.Column(header=_("Formation"), value=lambda s: s.training.title),
    exports.Column(header=_("Type"), value=lambda s: s.training.get_kind_display()),
    exports.Column(header=_("Début"), value=lambda s: s.starts_on),
    exports.Column(header=_("Fin"), value=lambda s: s.ends_on),
    exports.Column(header=_("Lieu"), value=lambda s: s.place),
    exports.Column(header=_("Caf d'accueil"), value=lambda s: s.caf.name if s.caf_id else ""),
    exports.Column(header=_("Formateurs"), value=lambda s: s.trainers),
    exports.Column(header=_("Inscrits"), value=lambda s: s._enrolled),
    exports.Column(header=_("Présents"), value=lambda s: s._attended),
]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = [
        "training",
        "starts_on",
        "ends_on",
        "place",
        "caf",
        "trainers",
        "enrolled_count",
        "attended_count",
    ]
    list_filter = ["training__kind", "training", "caf__region"]
    search_fields = ["training__title", "place", "trainers", *CAF_SEARCH]
    list_select_related = ["training", "caf"]
    autocomplete_fields = ["training", "caf"]
    date_hierarchy = "starts_on"
    inlines = [EnrolmentInline]
    actions = _export_actions(TRAINING_SESSION_EXPORT, "sessions-formation", _("les sessions"))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _enrolled=Count("enrolments", distinct=True),
                _attended=Count("enrolments", filter=Q(enrolments__attended=True), distinct=True),
            )
        )

    @admin.display(description=_("inscrits"), ordering="_enrolled")
    def enrolled_count(self, obj):
        return obj._enrolled

    @admin.display(description=_("présents"), ordering="_attended")
    def attended_count(self, obj):
        return obj._attended


TRAINEE_EXPORT = [
    exports.Column(header=_("Nom"), value=lambda t: t.last_name),
    exports.Column(header=_("Prénom"), value=lambda t: t.first_name),
    exports.Column(header=_("Adresse électronique"), value=lambda t: t.email),
    exports.Column(header=_("Caf"), value=lambda t: t.caf.name if t.caf_id else ""),
    exports.Column(header=_("Organisme"), value=lambda t: t.organisation),
    exports.Column(header=_("Fonction"), value=lambda t: t.job_title),
    exports.Column(header=_("Sessions suivies"), value=lambda t: t._sessions),
    exports.Column(header=_("Anonymisée le"), value=lambda t: t.anonymised_at),
]


def _trainee_export(fmt: str):
    """The trainees' export: personal data, for who may see the people trained only."""
    export = exports.admin_export_action(
        columns=TRAINEE_EXPORT,
        filename_stem="personnes-formees",
        fmt=fmt,
        description=_("Exporter les personnes formées (%(fmt)s)")
        % {"fmt": "CSV" if fmt == "csv" else "Excel"},
    )
    export.allowed_permissions = ("view_trainees",)
    return export


@admin.register(Trainee)
class TraineeAdmin(TraineeGate, admin.ModelAdmin):
    list_display = [
        "__str__",
        "email",
        "caf",
        "organisation",
        "job_title",
        "session_count",
        "is_anonymised",
    ]
    list_filter = [
        presence_filter("anonymised_at", _("anonymisée")),
        "caf__region",
        ("caf", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [*USER_SEARCH, "organisation", "job_title", *CAF_SEARCH]
    list_select_related = ["caf"]
    autocomplete_fields = ["caf", "user"]
    readonly_fields = ["anonymised_at"]
    actions = ["anonymise", _trainee_export("csv"), _trainee_export("xlsx")]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_sessions=Count("enrolments", filter=Q(enrolments__attended=True)))
        )

    def has_view_trainees_permission(self, request):
        return _can_see_trainees(request)

    @admin.display(description=_("sessions suivies"), ordering="_sessions")
    def session_count(self, obj):
        return obj._sessions

    @admin.display(boolean=True, description=_("anonymisée"), ordering="anonymised_at")
    def is_anonymised(self, obj):
        return obj.anonymised_at is not None

    def has_anonymise_permission(self, request):
        return request.user.has_perm("projects.manage_trainings")

    @admin.action(
        description=_("Anonymiser (les statistiques sont conservées)"),
        permissions=["anonymise"],
    )
    def anonymise(self, request, queryset):
        count = 0
        for trainee in queryset.filter(anonymised_at__isnull=True):
            try:
                services.trainee_anonymise(trainee=trainee, by=request.user)
            except PermissionDenied as exc:
                _refused(self, request, trainee, exc)
                continue
            count += 1
        _done(
            self,
            request,
            count,
            ngettext(
                "%(count)d personne anonymisée : elle compte toujours dans les statistiques.",
                "%(count)d personnes anonymisées : elles comptent toujours dans les statistiques.",
                count,
            ),
        )


@admin.register(Enrolment)
class EnrolmentAdmin(TraineeGate, admin.ModelAdmin):
    list_display = ["trainee", "session", "attended"]
    list_filter = ["attended", "session__training", "session__training__kind"]
    search_fields = [
        *_prefixed("trainee", USER_SEARCH),
        *_prefixed("trainee", CAF_SEARCH),
        "session__training__title",
        "session__place",
    ]
    list_select_related = ["trainee", "session__training"]
    autocomplete_fields = ["session", "trainee"]
