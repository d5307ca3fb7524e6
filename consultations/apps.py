from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("La Caf à votre écoute")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consultations import dashboard, signals  # noqa: F401 - registers the home panel

        signals.connect()  # the per-consultation cache scopes (selectors' docstring)
