from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EurekafConfig(AppConfig):
    name = "eurekaf"
    verbose_name = _("Eurekaf, la boîte à idées")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from eurekaf import dashboard  # noqa: F401 - registers the home panel
