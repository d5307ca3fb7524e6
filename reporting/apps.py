from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Rapport d'activité")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reporting import dashboard  # noqa: F401 - registers the home panel
