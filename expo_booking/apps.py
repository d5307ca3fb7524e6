from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpoBookingConfig(AppConfig):
    name = "expo_booking"
    verbose_name = _("Exposition Caf'IA")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from expo_booking import dashboard  # noqa: F401 - registers the home panel
