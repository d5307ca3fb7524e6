from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CaflabConfig(AppConfig):
    name = "caflab"
    verbose_name = _("Référentiel CafLab")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caflab import audit, fragments
        from caflab.roles import sync_staff_group

        # Permissions are created by post_migrate; the staff group must follow every new model.
        post_migrate.connect(sync_staff_group, dispatch_uid="caflab_sync_staff_group")
        # The audit trail of the sensitive models (every write path: admin, services, tasks).
        audit.connect()
        # Cached data and fragments: every write of a portal model bumps its app's version.
        fragments.connect()
