from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projets et incubation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from projects import dashboard  # noqa: F401 - registers the home panel
