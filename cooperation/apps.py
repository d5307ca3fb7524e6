from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("COOPération, les plans d'action CTG et SDSF")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cooperation import (
            dashboard,  # noqa: F401 - registers the home panel
            scopes,
        )

        # Every write of a plan's rows bumps that plan's cached pages (cooperation.scopes).
        scopes.connect()
