from django.urls import path

from livinglabs.views import evaluation, labs, members, solicitations, workshops

app_name = "livinglabs"

urlpatterns = [
    path("", labs.LabListView.as_view(), name="lab-list"),
    # Across labs: the collective
    path("agenda/", labs.CalendarView.as_view(), name="calendar"),
    path("evaluation/", evaluation.CollectiveDashboardView.as_view(), name="collective-dashboard"),
    path("sollicitations/", solicitations.SolicitationListView.as_view(), name="solicitation-list"),
    path(
        "sollicitations/nouvelle/",
        solicitations.SolicitationCreateView.as_view(),
        name="solicitation-create",
    ),
    path(
        "sollicitations/<int:pk>/",
        solicitations.SolicitationDetailView.as_view(),
        name="solicitation-detail",
    ),
    # One workshop
    path("ateliers/<int:pk>/", workshops.WorkshopDetailView.as_view(), name="workshop-detail"),
    path("ateliers/<int:pk>/atelier.ics", workshops.WorkshopIcsView.as_view(), name="workshop-ics"),
    path(
        "ateliers/<int:pk>/invitations/",
        workshops.WorkshopInviteView.as_view(),
        name="workshop-invite",
    ),
    path(
        "ateliers/<int:pk>/presences/",
        workshops.WorkshopAttendanceView.as_view(),
        name="workshop-attendance",
    ),
    path(
        "ateliers/<int:pk>/compte-rendu/",
        workshops.WorkshopMinutesView.as_view(),
        name="workshop-minutes",
    ),
    path(
        "ateliers/<int:pk>/contributions/",
        workshops.ContributionCreateView.as_view(),
        name="contribution-create",
    ),
    path(
        "contributions/<int:pk>/suite/",
        workshops.ContributionStatusView.as_view(),
        name="contribution-status",
    ),
    path(
        "contributions/<int:pk>/consultation/",
        workshops.ContributionConsultationView.as_view(),
        name="contribution-consultation",
    ),
    path(
        "contributions/<int:pk>/projet/",
        workshops.ContributionProjectView.as_view(),
        name="contribution-project",
    ),
    path(
        "contributions/<int:pk>/eurekaf/",
        workshops.ContributionEurekafView.as_view(),
        name="contribution-eurekaf",
    ),
    # One lab (after the fixed addresses above, which no lab's slug may take)
    path("<slug:slug>/", labs.LabDetailView.as_view(), name="lab-detail"),
    path("<slug:slug>/agenda/", labs.LabCalendarView.as_view(), name="lab-calendar"),
    path("<slug:slug>/evaluation/", evaluation.LabDashboardView.as_view(), name="lab-dashboard"),
    path("<slug:slug>/membres/", members.LabMembersView.as_view(), name="lab-members"),
    path(
        "<slug:slug>/membres/<int:pk>/depart/",
        members.MemberLeaveView.as_view(),
        name="member-leave",
    ),
    path(
        "<slug:slug>/membres/<int:pk>/anonymiser/",
        members.MemberAnonymiseView.as_view(),
        name="member-anonymise",
    ),
    path(
        "<slug:slug>/ateliers/nouveau/",
        workshops.WorkshopCreateView.as_view(),
        name="workshop-create",
    ),
]
