"""/expo/: the malette numérique, the waitlist, the CafLab's follow-up, the statistics and each
Caf's iCal feed (the calendar and the booking flow are in urls_booking)."""

from django.urls import path

from expo_booking.views import network

urlpatterns = [
    # The malette numérique
    path("malette/", network.KitView.as_view(), name="kit"),
    path("malette/<int:pk>/telecharger/", network.KitDownloadView.as_view(), name="kit-download"),
    path(
        "malette/ressources/nouvelle/",
        network.KitResourceCreateView.as_view(),
        name="kit-resource-create",
    ),
    path(
        "malette/ressources/<int:pk>/versions/",
        network.KitVersionCreateView.as_view(),
        name="kit-version-create",
    ),
    # The waitlist
    path("liste-attente/", network.WaitlistView.as_view(), name="waitlist"),
    path("liste-attente/inscription/", network.WaitlistJoinView.as_view(), name="waitlist-join"),
    path(
        "liste-attente/<int:pk>/retirer/",
        network.WaitlistWithdrawView.as_view(),
        name="waitlist-withdraw",
    ),
    path(
        "liste-attente/<int:pk>/accepter/",
        network.WaitlistAcceptView.as_view(),
        name="waitlist-accept",
    ),
    # The CafLab's follow-up
    path("suivi/", network.StaffDashboardView.as_view(), name="staff-dashboard"),
    path(
        "suivi/reservations/<int:pk>/confirmer/",
        network.StaffConfirmView.as_view(),
        name="staff-confirm",
    ),
    path("suivi/jeux/<int:pk>/reparation/", network.StaffRepairView.as_view(), name="staff-repair"),
    path(
        "suivi/indisponibilites/",
        network.StaffBlackoutCreateView.as_view(),
        name="staff-blackout-create",
    ),
    path(
        "suivi/indisponibilites/<int:pk>/supprimer/",
        network.StaffBlackoutDeleteView.as_view(),
        name="staff-blackout-delete",
    ),
    # Statistics and the season's bookings as a file
    path("statistiques/", network.StatisticsView.as_view(), name="statistics"),
    path(
        "statistiques/reservations.<str:fmt>",
        network.BookingExportView.as_view(),
        name="bookings-export",
    ),
    # A Caf's bookings for a calendar application (no login: a signed token)
    path("agenda/<str:number>/<str:token>.ics", network.CafFeedView.as_view(), name="caf-feed"),
]
