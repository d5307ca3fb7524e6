"""/expo/: the availability calendar, the sets' pages, the booking form, a booking's page and
its actions, and « Les réservations de ma Caf »."""

from django.urls import path

from expo_booking.views import bookings, calendar

urlpatterns = [
    path("", calendar.CalendarView.as_view(), name="calendar"),
    # The sets
    path("jeux/<str:code>/", calendar.SetDetailView.as_view(), name="set-detail"),
    path(
        "jeux/<str:code>/signalement/",
        calendar.DamageReportView.as_view(),
        name="set-report-damage",
    ),
    path("jeux/<str:code>/remise-en-etat/", calendar.RepairView.as_view(), name="set-repair"),
    path(
        "jeux/<str:code>/photos/<int:pk>/",
        calendar.PhotoView.as_view(),
        name="condition-photo",
    ),
    # Booking, and a booking's page with its actions
    path("reserver/", bookings.BookingCreateView.as_view(), name="booking-create"),
    path("reservations/", bookings.BookingListView.as_view(), name="booking-list"),
    path("reservations/<int:pk>/", bookings.BookingDetailView.as_view(), name="booking-detail"),
    path(
        "reservations/<int:pk>/annuler/",
        bookings.BookingCancelView.as_view(),
        name="booking-cancel",
    ),
    path(
        "reservations/<int:pk>/confirmer/",
        bookings.BookingConfirmView.as_view(),
        name="booking-confirm",
    ),
    path(
        "reservations/<int:pk>/envoi/",
        bookings.HandOverShipView.as_view(),
        name="handover-ship",
    ),
    path(
        "reservations/<int:pk>/reception/",
        bookings.HandOverReceiveView.as_view(),
        name="handover-receive",
    ),
    path(
        "reservations/<int:pk>/retour-stockage/",
        bookings.BookingReturnView.as_view(),
        name="booking-return",
    ),
    path("reservations/<int:pk>/bilan/", bookings.FeedbackView.as_view(), name="feedback-submit"),
    path(
        "reservations/<int:pk>/accepter/",
        bookings.OfferAcceptView.as_view(),
        name="offer-accept",
    ),
]
