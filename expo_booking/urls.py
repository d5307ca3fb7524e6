"""/expo/: the calendar and the booking flow first, then the kit, the waitlist, the staff's
pages and the statistics (urls_booking and urls_network)."""

from expo_booking.urls_booking import urlpatterns as booking_patterns
from expo_booking.urls_network import urlpatterns as network_patterns

app_name = "expo_booking"

urlpatterns = booking_patterns + network_patterns
