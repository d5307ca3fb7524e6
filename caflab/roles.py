"""The CafLab staff group: every permission of the portal's models, kept in step with migrations."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

STAFF_GROUP_NAME = "Équipe CafLab"
# Django's own apps whose models staff manage in the admin, next to the portal's apps.
EXTRA_APP_LABELS = {
    "auth",
    "account",
    "mfa",
    "authtoken",
    "django_celery_beat",
    "django_celery_results",
    "axes",
}
PROJECT_APP_LABELS = {
    "caflab",
    "consultations",
    "eurekaf",
    "cooperation",
    "livinglabs",
    "projects",
    "expo_booking",
    "reporting",
}

ROLE_HELP = {
    "caflab": _("Administre le portail, crée consultations et campagnes, publie les suites."),
    "referent": _("Anime l'innovation dans ses régions et suit les Caf qui en font partie."),
    "agent": _("Répond aux consultations internes, dépose des idées, pilote des plans d'action."),
    "partenaire": _("Contribue aux plans d'action dont son organisation est membre."),
}


def staff_group() -> Group:
    group, _created = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    return group


def sync_staff_group(sender=None, using: str = "default", **kwargs) -> None:
    """Give the staff group every permission of the portal's apps (run after each migrate).

    post_migrate fires once per app; acting on the last one, after creating any missing
    permission, sees the models of every app.
    """
    configs = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not None and sender.label != configs[-1].label:
        return
    for config in configs:
        create_permissions(config, verbosity=0, using=using)
    group, _created = Group.objects.using(using).get_or_create(name=STAFF_GROUP_NAME)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label__in=PROJECT_APP_LABELS | EXTRA_APP_LABELS
    )
    group.permissions.set(permissions)
