"""/projets/: the portfolio, then one project's pages under its address. The fixed addresses
come first; a project's slug may not take them (models.RESERVED_SLUGS)."""

from django.urls import path

from projects.views import impact, portfolio, project

urlpatterns = [
    path("", portfolio.ProjectListView.as_view(), name="project-list"),
    path("export/", portfolio.ProjectExportView.as_view(), name="project-export"),
    path("nouveau/", project.ProjectCreateView.as_view(), name="project-create"),
    path("suivi/mesures/", impact.ReviewListView.as_view(), name="period-review-list"),
    # One project (after the fixed addresses above)
    path("<slug:slug>/", project.ProjectDetailView.as_view(), name="project-detail"),
    path("<slug:slug>/modifier/", project.ProjectEditView.as_view(), name="project-edit"),
    path("<slug:slug>/etape/", project.StageChangeView.as_view(), name="project-stage"),
    path("<slug:slug>/equipe/", project.MemberAddView.as_view(), name="member-add"),
    path(
        "<slug:slug>/equipe/<int:pk>/retirer/",
        project.MemberRemoveView.as_view(),
        name="member-remove",
    ),
    path("<slug:slug>/financements/", project.FundingAddView.as_view(), name="funding-add"),
    path("<slug:slug>/documents/", project.DocumentUploadView.as_view(), name="document-upload"),
    path(
        "<slug:slug>/documents/<int:pk>/",
        project.DocumentDownloadView.as_view(),
        name="document-download",
    ),
    # Impact: theory of change, indicators, periods, evidence, bilan
    path(
        "<slug:slug>/theorie-du-changement/",
        impact.ChangeStepCreateView.as_view(),
        name="change-step-create",
    ),
    path(
        "<slug:slug>/theorie-du-changement/<int:pk>/",
        impact.ChangeStepEditView.as_view(),
        name="change-step-edit",
    ),
    path(
        "<slug:slug>/theorie-du-changement/<int:pk>/supprimer/",
        impact.ChangeStepDeleteView.as_view(),
        name="change-step-delete",
    ),
    path(
        "<slug:slug>/indicateurs/nouveau/",
        impact.IndicatorCreateView.as_view(),
        name="indicator-create",
    ),
    path(
        "<slug:slug>/indicateurs/<int:pk>/periodes/nouvelle/",
        impact.PeriodCreateView.as_view(),
        name="period-create",
    ),
    path("<slug:slug>/periodes/<int:pk>/", impact.PeriodDetailView.as_view(), name="period-detail"),
    path(
        "<slug:slug>/periodes/<int:pk>/soumettre/",
        impact.PeriodSubmitView.as_view(),
        name="period-submit",
    ),
    path(
        "<slug:slug>/periodes/<int:pk>/examen/",
        impact.PeriodReviewView.as_view(),
        name="period-review",
    ),
    path(
        "<slug:slug>/periodes/<int:pk>/preuves/",
        impact.EvidenceUploadView.as_view(),
        name="evidence-upload",
    ),
    path(
        "<slug:slug>/preuves/<int:pk>/",
        impact.EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
    path("<slug:slug>/bilan/", impact.AssessmentView.as_view(), name="assessment-edit"),
    path(
        "<slug:slug>/bilan/publier/",
        impact.AssessmentPublishView.as_view(),
        name="assessment-publish",
    ),
    # Needs and essaimage
    path("<slug:slug>/besoins/", project.NeedPublishView.as_view(), name="need-publish"),
    path(
        "<slug:slug>/besoins/<int:pk>/cloture/", project.NeedCloseView.as_view(), name="need-close"
    ),
    path("<slug:slug>/kit/", project.KitView.as_view(), name="kit-edit"),
    path(
        "<slug:slug>/kit/documents/",
        project.KitDocumentUploadView.as_view(),
        name="kit-document-upload",
    ),
    path(
        "<slug:slug>/kit/documents/<int:pk>/",
        project.KitDocumentDownloadView.as_view(),
        name="kit-document-download",
    ),
    path(
        "<slug:slug>/essaimage/",
        project.ReplicationDeclareView.as_view(),
        name="replication-declare",
    ),
    path(
        "<slug:slug>/essaimage/<int:pk>/",
        project.ReplicationStatusView.as_view(),
        name="replication-status",
    ),
]
