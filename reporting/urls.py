"""/rapports/: the CafLab team's pages of the annual report — the builds and their PDFs, a
year's preview and figures, and what the team writes for a year."""

from django.urls import path

from reporting.views import content, preview, runs

app_name = "reporting"

urlpatterns = [
    path("", runs.ReportListView.as_view(), name="report-list"),
    # Builds
    path("generations/<int:pk>/", runs.RunDetailView.as_view(), name="run-detail"),
    path("generations/<int:pk>/avancement/", runs.RunProgressView.as_view(), name="run-progress"),
    path("generations/<int:pk>/telecharger/", runs.RunDownloadView.as_view(), name="run-download"),
    path("generations/<int:pk>/relancer/", runs.RunRetryView.as_view(), name="run-retry"),
    # A year's document, read before it is built
    path("<int:year>/apercu/", preview.PreviewView.as_view(), name="preview"),
    path("<int:year>/chiffres.csv", preview.FiguresCsvView.as_view(), name="figures-csv"),
    # What the team writes for a year
    path("<int:year>/contenu/", content.ContentView.as_view(), name="content"),
    path("<int:year>/contenu/edito/", content.EditoSaveView.as_view(), name="edito-save"),
    path(
        "<int:year>/contenu/temps-forts/",
        content.HighlightCreateView.as_view(),
        name="highlight-create",
    ),
    path(
        "<int:year>/contenu/temps-forts/<int:pk>/",
        content.HighlightEditView.as_view(),
        name="highlight-edit",
    ),
    path(
        "<int:year>/contenu/temps-forts/<int:pk>/supprimer/",
        content.HighlightDeleteView.as_view(),
        name="highlight-delete",
    ),
    path("<int:year>/contenu/equipe/", content.MemberCreateView.as_view(), name="member-create"),
    path(
        "<int:year>/contenu/equipe/<int:pk>/",
        content.MemberEditView.as_view(),
        name="member-edit",
    ),
    path(
        "<int:year>/contenu/equipe/<int:pk>/supprimer/",
        content.MemberDeleteView.as_view(),
        name="member-delete",
    ),
    path(
        "<int:year>/contenu/indicateurs/",
        content.IndicatorsSaveView.as_view(),
        name="indicators-save",
    ),
    # The pictures of the report, for staff pages and the preview (never a public media URL)
    path(
        "images/temps-forts/<int:pk>/", content.HighlightImageView.as_view(), name="highlight-image"
    ),
    path("images/equipe/<int:pk>/", content.MemberPhotoView.as_view(), name="member-photo"),
]
