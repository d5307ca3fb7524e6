"""A project's page and what its team and the CafLab do on it: a new project, its description,
its stage, its team, fundings and documents, its needs, its kit and the Cafs that reproduce it."""

from __future__ import annotations

from django.apps import apps as django_apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from caflab import files
from caflab.models import Caf
from caflab.rules import is_agent
from projects import selectors, services
from projects.forms.project import (
    ChangeStepForm,
    DocumentForm,
    FundingForm,
    KitForm,
    MemberAddForm,
    NeedCloseForm,
    NeedForm,
    ProjectCreateForm,
    ProjectEditForm,
    ReplicationForm,
    ReplicationStatusForm,
    ReviewForm,
    StageForm,
    UploadForm,
)
from projects.models import (
    DeploymentKit,
    KitDocument,
    Need,
    Period,
    Project,
    ProjectDocument,
    ProjectMember,
    Replication,
)
from projects.views.impact import indicator_rows
from projects.views.project_common import (
    ProjectActionView,
    ProjectsView,
    error_text,
    related_or_none,
    require,
    rights,
)


# The project's page ---------------------------------------------------------------------------
def incubation(project: Project) -> dict | None:
    """The project's way through its cohort's track: each module, done or not."""
    cohort = project.cohort
    if cohort is None:
        return None
    prefetch_related_objects([cohort], "modules", "projects")
    track = next(
        (t for t in selectors.cohort_progress(cohort=cohort) if t.project.pk == project.pk), None
    )
    if track is None:
        return None
    return {
        "cohort": cohort,
        "track": track,
        "modules": [
            (module, track.modules.get(module.pk, False)) for module in cohort.modules.all()
        ],
        "url": reverse("projects:cohort-detail", kwargs={"slug": cohort.slug}),
    }


def replication_context(user, project: Project, replications: list[Replication], forms) -> dict:
    """Who may declare that a Caf reproduces the project: the CafLab for any Caf, an agent for
    their own Caf (once); and who may change each replication's status."""
    context: dict = {}
    bound = forms.get("status_form")
    for replication in replications:
        if user.has_perm("projects.change_replication", replication):
            if bound is not None and bound.replication.pk == replication.pk:
                replication.status_form = bound
            else:
                replication.status_form = ReplicationStatusForm(replication=replication)
    if forms.get("replication_form") is not None:  # a refused declaration, with its error
        context["replication_form"] = forms["replication_form"]
        return context
    if project.stage == Project.Stage.STOPPED:
        return context
    if user.is_caflab_staff:
        context["replication_form"] = forms.get("replication_form") or ReplicationForm(
            choose_caf=True
        )
    elif (
        is_agent(user)
        and user.caf_id not in {r.caf_id for r in replications}
        # The rule reads the Caf's id only: no need to load the user's Caf for it.
        and user.has_perm("projects.declare_replication", Caf(pk=user.caf_id))
    ):
        context["replication_form"] = forms.get("replication_form") or ReplicationForm(
            choose_caf=False
        )
    return context


def lab_contributions(project) -> list:
    """What the living labs brought to the project (their facilitators attach contributions
    to it): no member is named in a contribution."""
    if not django_apps.is_installed("livinglabs"):
        return []
    from livinglabs.selectors import contributions_for_project

    return list(contributions_for_project(project_id=project.pk)[:30])


def render_project(request: HttpRequest, slug: str, *, status: int = 200, **forms) -> HttpResponse:
    """The project's page; `forms` are bound forms to show with their errors (status 400)."""
    user = request.user
    project = selectors.project_get(user=user, slug=slug)
    can = rights(user, project)
    kit = related_or_none(project, "kit")
    assessment = related_or_none(project, "assessment")
    internal = can["can_see_internal"]
    show_kit = kit is not None and (kit.is_published or internal)
    fundings = list(project.fundings.all())
    indicators = indicator_rows(user=user, project=project)
    replications = list(project.replications.all())
    context = {
        "project": project,
        "memberships": list(project.memberships.all()),
        "stage_changes": list(project.stage_changes.all()),
        "fundings": fundings,
        "funding_total": sum(f.amount for f in fundings),
        "theory_of_change": selectors.theory_of_change(project),
        "indicators": indicators,
        "incubation": incubation(project),
        "needs": list(project.needs.all()),
        "kit": kit if show_kit else None,
        "kit_documents": list(kit.documents.all()) if show_kit else [],
        "replications": replications,
        "assessment": assessment
        if assessment is not None and (assessment.is_published or internal)
        else None,
        "programme_url": reverse(
            "projects:programme-detail", kwargs={"slug": project.programme.slug}
        )
        if project.programme
        else "",
        "call_url": reverse("projects:call-detail", kwargs={"slug": project.application.call.slug})
        if project.application
        else "",
        "needs_url": reverse("projects:need-list"),
        "lab_contributions": lab_contributions(project),
        "has_errors": status >= 400,
        **can,
        **replication_context(user, project, replications, forms),
    }
    if internal:
        context["documents"] = list(
            ProjectDocument.objects.filter(project=project).select_related("uploaded_by")
        )
    if can["can_change_stage"]:
        context["stage_form"] = forms.get("stage_form") or StageForm(project=project)
    if can["can_change"]:
        context.update(
            member_form=forms.get("member_form") or MemberAddForm(),
            funding_form=forms.get("funding_form") or FundingForm(),
            document_form=forms.get("document_form") or DocumentForm(),
            change_step_form=forms.get("change_step_form") or ChangeStepForm(),
            need_form=forms.get("need_form") or NeedForm(),
        )
    if can["can_review"]:
        # A refused review comes back on the period's own page, never here: fresh forms.
        for row in indicators:
            for period in row.view.periods:
                if period.status == Period.Status.SUBMITTED:
                    period.review_form = ReviewForm(period=period)
    return render(request, "projects/project/detail.html", context, status=status)


class ProjectDetailView(ProjectsView):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        return render_project(request, slug)


# A new project, its description and its stage ---------------------------------------------------
class ProjectCreateView(ProjectsView):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            require(request.user, "projects.create_project")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(request, ProjectCreateForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ProjectCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    project = self.create(request, data)
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("Le projet « %(title)s » est créé.") % {"title": project.title},
                )
                return redirect(project)
        return self.render_form(request, form, status=400)

    @staticmethod
    def create(request: HttpRequest, data: dict) -> Project:
        project = services.project_create(
            by=request.user,
            title=data["title"],
            summary=data["summary"],
            kind=data["kind"],
            theme=data["theme"],
            started_on=data["started_on"],
            programme=data["programme"],
            region=data["region"],
            cafs=data["cafs"],
            carriers=data["carriers"],
            territories=data["territories"],
            sponsor=data["sponsor"],
            stage=data["stage"],
            is_published=data["is_published"],
            slug=data["slug"],
        )
        if data["ended_on"]:  # project_create takes no end date: the description gives it
            project = services.project_update(
                project=project, by=request.user, ended_on=data["ended_on"]
            )
        return project

    def render_form(self, request, form, status: int = 200) -> HttpResponse:
        return render(
            request, "projects/project/form.html", {"form": form, "creating": True}, status=status
        )


class ProjectEditView(ProjectActionView):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        project = self.project
        form = ProjectEditForm(
            initial=ProjectEditForm.initial_for(project),
            project=project,
            can_change_kind=self.can_change_kind(),
        )
        return self.render_form(request, form)

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        project = self.project
        form = ProjectEditForm(
            request.POST,
            initial=ProjectEditForm.initial_for(project),
            project=project,
            can_change_kind=self.can_change_kind(),
        )
        if form.is_valid():
            try:
                services.project_update(project=project, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("Le projet est modifié."))
                return redirect(project)
        return self.render_form(request, form, status=400)

    def can_change_kind(self) -> bool:
        # The kind decides which figure of the report counts the project: the CafLab's call.
        return self.request.user.has_perm("projects.change_stage", self.project)

    def render_form(self, request, form, status: int = 200) -> HttpResponse:
        return render(
            request,
            "projects/project/form.html",
            {"form": form, "project": self.project, "creating": False},
            status=status,
        )


class StageChangeView(ProjectActionView):
    perm = "projects.change_stage"

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        form = StageForm(request.POST, project=self.project)
        if form.is_valid():
            data = form.cleaned_data
            try:
                change = services.project_set_stage(
                    project=self.project,
                    by=request.user,
                    stage=data["stage"],
                    on=data["on"],
                    note=data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("Le projet passe à l'étape « %(stage)s » ; l'équipe est prévenue.")
                    % {"stage": change.get_to_stage_display()},
                )
                return self.back("etapes")
        return render_project(request, self.project.slug, status=400, stage_form=form)


# The team ---------------------------------------------------------------------------------------
class MemberAddView(ProjectActionView):
    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        form = MemberAddForm(request.POST)
        if form.is_valid():
            user = form.cleaned_data["email"]
            try:
                member = services.project_add_member(
                    project=self.project, by=request.user, user=user, role=form.cleaned_data["role"]
                )
            except ValidationError as exc:
                form.add_error("email", error_text(exc))
            else:
                messages.success(
                    request,
                    _("%(name)s rejoint l'équipe du projet (%(role)s).")
                    % {"name": user, "role": member.get_role_display().lower()},
                )
                return self.back("equipe")
        return render_project(request, self.project.slug, status=400, member_form=form)


class MemberRemoveView(ProjectActionView):
    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        member = (
            ProjectMember.objects.select_related("user").filter(pk=pk, project=self.project).first()
        )
        if member is None:
            raise Http404
        member.project = self.project
        try:
            services.project_remove_member(member=member, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request, _("%(name)s ne fait plus partie de l'équipe.") % {"name": member.user}
            )
        return self.back("equipe")


# Fundings and documents -------------------------------------------------------------------------
class FundingAddView(ProjectActionView):
    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        form = FundingForm(request.POST)
        if form.is_valid():
            try:
                funding = services.funding_add(
                    project=self.project, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("Le financement %(source)s de %(year)s est ajouté.")
                    % {"source": funding.get_source_display(), "year": funding.year},
                )
                return self.back("financements")
        return render_project(request, self.project.slug, status=400, funding_form=form)


class DocumentUploadView(ProjectActionView):
    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = services.document_upload(
                    project=self.project,
                    by=request.user,
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                )
            except ValidationError as exc:
                form.add_error("file", error_text(exc))
            else:
                messages.success(
                    request, _("Le document « %(name)s » est déposé.") % {"name": document.name}
                )
                return self.back("documents")
        return render_project(request, self.project.slug, status=400, document_form=form)


class DocumentDownloadView(ProjectActionView):
    """A project's document, for its team and the CafLab only (404 for everyone else, as for
    a document that does not exist)."""

    perm = ""

    def get(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        if not request.user.has_perm("projects.view_project_internal", self.project):
            raise Http404
        document = ProjectDocument.objects.filter(pk=pk, project=self.project).first()
        if document is None:
            raise Http404
        return serve(document)


def serve(stored) -> HttpResponse:
    try:
        return files.protected_file_response(
            stored.file, filename=stored.name, content_type=stored.content_type
        )
    except FileNotFoundError:  # the row outlived its file: nothing to serve
        raise Http404 from None


# Needs ------------------------------------------------------------------------------------------
class NeedPublishView(ProjectActionView):
    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        form = NeedForm(request.POST)
        if form.is_valid():
            try:
                need = services.need_publish(
                    project=self.project, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("Le besoin « %(title)s » est publié : le CafLab cherche qui peut aider.")
                    % {"title": need.title},
                )
                return self.back("besoins")
        return render_project(request, self.project.slug, status=400, need_form=form)


class NeedCloseView(ProjectActionView):
    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        need = Need.objects.filter(pk=pk, project=self.project).first()
        if need is None:
            raise Http404
        need.project = self.project
        form = NeedCloseForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, _("Choisissez si un partenaire est trouvé ou si le besoin est abandonné.")
            )
            return self.back("besoins")
        try:
            services.need_close(need=need, by=request.user, status=form.cleaned_data["status"])
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("Le besoin « %(title)s » est clos : %(status)s.")
                % {"title": need.title, "status": need.get_status_display().lower()},
            )
        return self.back("besoins")


# Essaimage: the kit and the Cafs that reproduce the project ---------------------------------------
class KitView(ProjectActionView):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        kit = self.kit()
        initial = {}
        if kit is not None:
            initial = {
                name: getattr(kit, name)
                for name in (
                    "version",
                    "summary",
                    "steps",
                    "attention_points",
                    "good_practices",
                    "is_published",
                )
            }
        return self.render_form(request, kit, KitForm(initial=initial))

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        form = KitForm(request.POST)
        if form.is_valid():
            try:
                kit = services.kit_save(project=self.project, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                if kit.is_published:
                    text = _("Le kit de déploiement est enregistré et publié.")
                else:
                    text = _("Le kit de déploiement est enregistré ; il n'est pas encore publié.")
                messages.success(request, text)
                return redirect("projects:kit-edit", slug=self.project.slug)
        return self.render_form(request, self.kit(), form, status=400)

    def kit(self) -> DeploymentKit | None:
        kit = DeploymentKit.objects.filter(project=self.project).first()
        if kit is not None:
            kit.project = self.project
        return kit

    def render_form(self, request, kit, form, status: int = 200, upload_form=None) -> HttpResponse:
        return render(
            request,
            "projects/project/kit_form.html",
            {
                "project": self.project,
                "kit": kit,
                "form": form,
                "documents": list(kit.documents.all()) if kit else [],
                "upload_form": upload_form or UploadForm(),
                "has_errors": status >= 400,
            },
            status=status,
        )


class KitDocumentUploadView(KitView):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        return redirect("projects:kit-edit", slug=slug)

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        kit = self.kit()
        if kit is None:
            messages.error(request, _("Enregistrez le kit avant d'y joindre des documents."))
            return redirect("projects:kit-edit", slug=slug)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = services.kit_document_upload(
                    kit=kit, by=request.user, upload=form.cleaned_data["file"]
                )
            except ValidationError as exc:
                form.add_error("file", error_text(exc))
            else:
                messages.success(
                    request,
                    _("Le document « %(name)s » est joint au kit.") % {"name": document.name},
                )
                return redirect("projects:kit-edit", slug=slug)
        initial = {
            name: getattr(kit, name)
            for name in ("version", "summary", "steps", "attention_points", "good_practices")
        }
        initial["is_published"] = kit.is_published
        return self.render_form(
            request, kit, KitForm(initial=initial), status=400, upload_form=form
        )


class KitDocumentDownloadView(ProjectActionView):
    """A document of the kit: for whoever sees the project once the kit is published, for the
    team and the CafLab before (404 for everyone else)."""

    perm = ""

    def get(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        document = (
            KitDocument.objects.select_related("kit")
            .filter(pk=pk, kit__project=self.project)
            .first()
        )
        if document is None:
            raise Http404
        if not document.kit.is_published and not request.user.has_perm(
            "projects.view_project_internal", self.project
        ):
            raise Http404
        return serve(document)


class ReplicationDeclareView(ProjectActionView):
    """« Ma Caf reproduit ce projet »: an agent for their own Caf, the CafLab for any Caf."""

    perm = "projects.view_project"

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        user = request.user
        if not user.is_caflab_staff and not (
            user.caf_id and user.has_perm("projects.declare_replication", Caf(pk=user.caf_id))
        ):
            raise PermissionDenied  # a partner, a referent without a Caf…
        form = ReplicationForm(request.POST, choose_caf=user.is_caflab_staff)
        if form.is_valid():
            caf = form.cleaned_data["caf"] if user.is_caflab_staff else user.caf
            try:
                replication = services.replication_declare(
                    project=self.project, by=user, caf=caf, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("La %(caf)s est enregistrée parmi les Caf qui reproduisent le projet.")
                    % {"caf": replication.caf.name},
                )
                return self.back("essaimage")
        return render_project(request, self.project.slug, status=400, replication_form=form)


class ReplicationStatusView(ProjectActionView):
    perm = "projects.view_project"

    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        replication = (
            Replication.objects.select_related("caf").filter(pk=pk, project=self.project).first()
        )
        if replication is None:
            raise Http404
        replication.project = self.project
        require(request.user, "projects.change_replication", replication)
        form = ReplicationStatusForm(request.POST, replication=replication)
        if form.is_valid():
            try:
                services.replication_set_status(
                    replication=replication,
                    by=request.user,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("L'essaimage dans la %(caf)s est maintenant : %(status)s.")
                    % {
                        "caf": replication.caf.name,
                        "status": replication.get_status_display().lower(),
                    },
                )
                return self.back("essaimage")
        return render_project(request, self.project.slug, status=400, status_form=form)
