from django.urls import path

from eurekaf import views

app_name = "eurekaf"

urlpatterns = [
    path("", views.IdeaListView.as_view(), name="idea-list"),
    path("deposer/", views.IdeaCreateView.as_view(), name="idea-create"),
    path("similaires/", views.IdeaSimilarView.as_view(), name="idea-similar"),
    path("<int:pk>/", views.IdeaDetailView.as_view(), name="idea-detail"),
    path("<int:pk>/modifier/", views.IdeaEditView.as_view(), name="idea-edit"),
    path("<int:pk>/soutien/", views.IdeaSupportView.as_view(), name="idea-support"),
    path("<int:pk>/suivi/", views.IdeaFollowView.as_view(), name="idea-follow"),
    path("<int:pk>/commenter/", views.IdeaCommentView.as_view(), name="idea-comment"),
    path("<int:pk>/statut/", views.IdeaStatusView.as_view(), name="idea-status"),
    path("<int:pk>/attribuer/", views.IdeaAssignView.as_view(), name="idea-assign"),
    path("<int:pk>/notes/", views.IdeaNoteView.as_view(), name="idea-note"),
    path("<int:pk>/fusionner/", views.IdeaMergeView.as_view(), name="idea-merge"),
    path(
        "<int:pk>/contribution-nationale/",
        views.IdeaEscalateView.as_view(),
        name="idea-escalate",
    ),
    path("<int:pk>/masquer/", views.IdeaHideView.as_view(), name="idea-hide"),
    path("<int:pk>/signaler/", views.IdeaReportView.as_view(), name="idea-report"),
    path("commentaires/<int:pk>/masquer/", views.CommentHideView.as_view(), name="comment-hide"),
    path(
        "signalements/<int:pk>/classer/",
        views.ReportResolveView.as_view(),
        name="report-resolve",
    ),
    path("pieces/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment-download"),
    path("campagnes/", views.CampaignListView.as_view(), name="campaign-list"),
    path("campagnes/nouvelle/", views.CampaignCreateView.as_view(), name="campaign-create"),
    path("campagnes/<slug:slug>/", views.CampaignDetailView.as_view(), name="campaign-detail"),
    path("statistiques/", views.StatisticsView.as_view(), name="statistics"),
    path(
        "statistiques/export.<str:fmt>",
        views.StatisticsExportView.as_view(),
        name="statistics-export",
    ),
]
