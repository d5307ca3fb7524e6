from django.urls import path

from cooperation import views_exports
from cooperation.views import actions, collaboration, national, plans

app_name = "cooperation"

urlpatterns = [
    path("", plans.PlanListView.as_view(), name="plan-list"),
    path("nouveau/", plans.PlanCreateView.as_view(), name="plan-create"),
    path("importer/", views_exports.plan_import, name="plan-import"),
    path("national/", national.NationalDashboardView.as_view(), name="national-dashboard"),
    path("ressources/", national.ResourceListView.as_view(), name="resource-list"),
    path(
        "ressources/<int:pk>/fichier/",
        national.ResourceDownloadView.as_view(),
        name="resource-download",
    ),
    path(
        "documents/<int:pk>/",
        collaboration.DocumentDownloadView.as_view(),
        name="document-download",
    ),
    # One plan
    path("<int:pk>/", plans.PlanDetailView.as_view(), name="plan-detail"),
    path("<int:pk>/export.xlsx", views_exports.plan_export_xlsx, name="plan-export-xlsx"),
    path("<int:pk>/export.pdf", views_exports.plan_export_pdf, name="plan-export-pdf"),
    path("<int:pk>/figer/", plans.PlanFreezeView.as_view(), name="plan-freeze"),
    path("<int:pk>/feuille-de-route/", plans.PlanStructureView.as_view(), name="plan-structure"),
    path("<int:pk>/retroplanning/", plans.PlanGanttView.as_view(), name="plan-gantt"),
    path(
        "<int:pk>/indicateurs/",
        collaboration.PlanIndicatorsView.as_view(),
        name="plan-indicators",
    ),
    path("<int:pk>/espace/", collaboration.PlanSpaceView.as_view(), name="plan-space"),
    path(
        "<int:pk>/espace/messages/",
        collaboration.MessageCreateView.as_view(),
        name="message-create",
    ),
    path(
        "<int:pk>/espace/documents/",
        collaboration.DocumentUploadView.as_view(),
        name="document-upload",
    ),
    path("<int:pk>/membres/", collaboration.PlanMembersView.as_view(), name="plan-members"),
    path(
        "<int:pk>/membres/<int:member_pk>/",
        collaboration.MemberUpdateView.as_view(),
        name="member-update",
    ),
    # One action
    path(
        "<int:pk>/actions/<int:action_pk>/",
        actions.ActionDetailView.as_view(),
        name="action-detail",
    ),
    path(
        "<int:pk>/actions/<int:action_pk>/modifier/",
        actions.ActionEditView.as_view(),
        name="action-edit",
    ),
    path(
        "<int:pk>/actions/<int:action_pk>/jalons/",
        actions.StepCreateView.as_view(),
        name="step-create",
    ),
    path(
        "<int:pk>/actions/<int:action_pk>/jalons/<int:step_pk>/",
        actions.StepToggleView.as_view(),
        name="step-toggle",
    ),
]
