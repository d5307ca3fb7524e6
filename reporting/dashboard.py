"""The home page panel « Rapport d'activité », for the CafLab team: the last build of the report,
its status and its PDF. One query, whatever the number of builds; nothing for anyone else."""

import rules
from django.utils.translation import gettext_lazy as _

from caflab import dashboard


def last_build(user) -> dict | None:
    # The rule alone (no query), not user.has_perm: the model backend would read the
    # permissions of every user who is not of the team.
    if not rules.has_perm("reporting.access_reports", user):
        return None
    from reporting.models import ReportRun

    return {"run": ReportRun.objects.order_by("-requested_at", "-pk").first()}


dashboard.register(
    dashboard.Panel(
        order=90,
        title=_("Rapport d'activité"),
        template_name="reporting/includes/dashboard.html",
        get_context=last_build,
        cacheable=False,  # the build's progress is written by the worker with update()
    )
)
