from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivinglabsConfig(AppConfig):
    name = "livinglabs"
    verbose_name = _("Living labs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from livinglabs import dashboard  # noqa: F401 - registers the home panel
