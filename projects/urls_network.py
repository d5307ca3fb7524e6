"""/projets/: the network's fixed pages, each under one of the addresses no project may take
(models.RESERVED_SLUGS): programmes, calls and jury, incubation, partner search, creativity
sessions and trainings."""

from django.urls import path

from projects.views import calls, incubation, network

urlpatterns = [
    # Programmes
    path("programmes/", network.ProgrammeListView.as_view(), name="programme-list"),
    path("programmes/<slug:slug>/", network.ProgrammeDetailView.as_view(), name="programme-detail"),
    # Calls for projects and challenges
    path("appels/", calls.CallListView.as_view(), name="call-list"),
    path("appels/<slug:slug>/", calls.CallDetailView.as_view(), name="call-detail"),
    path("appels/<slug:slug>/candidater/", calls.CallApplyView.as_view(), name="call-apply"),
    path("appels/<slug:slug>/etape/", calls.CallAdvanceView.as_view(), name="call-advance"),
    path("appels/<slug:slug>/classement/", calls.RankingView.as_view(), name="call-ranking"),
    path(
        "appels/<slug:slug>/candidatures/<int:pk>/",
        calls.ApplicationDetailView.as_view(),
        name="application-detail",
    ),
    # The jury members' pages
    path("jury/", calls.JuryListView.as_view(), name="jury-list"),
    path("jury/<int:pk>/", calls.JuryScoreView.as_view(), name="jury-score"),
    # Incubation
    path("incubation/", incubation.CohortListView.as_view(), name="cohort-list"),
    path("incubation/<slug:slug>/", incubation.CohortDetailView.as_view(), name="cohort-detail"),
    path(
        "incubation/<slug:slug>/seances/<int:pk>/presences/",
        incubation.AttendanceView.as_view(),
        name="attendance-record",
    ),
    path(
        "incubation/<slug:slug>/livrables/",
        incubation.DeliverableSubmitView.as_view(),
        name="deliverable-submit",
    ),
    path(
        "incubation/<slug:slug>/livrables/<int:pk>/",
        incubation.DeliverableDownloadView.as_view(),
        name="deliverable-download",
    ),
    path(
        "incubation/<slug:slug>/livrables/<int:pk>/avis/",
        incubation.DeliverableReviewView.as_view(),
        name="deliverable-review",
    ),
    # Partner search
    path("besoins/", network.NeedListView.as_view(), name="need-list"),
    path(
        "besoins/<int:pk>/mise-en-relation/",
        network.MatchCreateView.as_view(),
        name="match-create",
    ),
    path(
        "besoins/mises-en-relation/<int:pk>/",
        network.MatchStatusView.as_view(),
        name="match-status",
    ),
    # Creativity sessions
    path("creativite/", network.CreativityListView.as_view(), name="creativity-list"),
    path("creativite/nouvelle/", network.CreativityCreateView.as_view(), name="creativity-create"),
    path(
        "creativite/export.<str:fmt>",
        network.CreativityExportView.as_view(),
        name="creativity-export",
    ),
    # Trainings
    path("formations/", network.TrainingListView.as_view(), name="training-list"),
    path("formations/<int:pk>/", network.TrainingDetailView.as_view(), name="training-detail"),
    path(
        "formations/sessions/<int:pk>/",
        network.TrainingSessionView.as_view(),
        name="training-session",
    ),
    path(
        "formations/personnes/<int:pk>/anonymiser/",
        network.TraineeAnonymiseView.as_view(),
        name="trainee-anonymise",
    ),
]
