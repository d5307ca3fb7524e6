"""The home page panel « Mes projets »: the projects whose team the user belongs to, with the
indicator values they still have to complete; for the CafLab team, the values awaiting review.
Two queries for a team member (three for the CafLab), whatever the number of projects."""

from django.utils.translation import gettext_lazy as _

from caflab import dashboard

LIMIT = 6


def my_projects(user) -> dict | None:
    from django.db.models import Count, Q

    from projects.models import Period, Project
    from projects.rules import team_project_ids

    project_ids = team_project_ids(user)
    staff = user.is_caflab_staff
    if not project_ids and not staff:
        return None
    projects = []
    if project_ids:

        def periods(status: str) -> Count:
            return Count("indicators__periods", filter=Q(indicators__periods__status=status))

        projects = list(
            Project.objects.filter(pk__in=project_ids)
            .annotate(
                draft_count=periods(Period.Status.DRAFT),
                returned_count=periods(Period.Status.RETURNED),
                submitted_count=periods(Period.Status.SUBMITTED),
            )
            .order_by("-updated_at", "pk")[:LIMIT]
        )
    return {
        "projects": projects,
        "project_total": len(project_ids),
        "to_review": Period.objects.filter(status=Period.Status.SUBMITTED).count()
        if staff
        else None,
    }


dashboard.register(
    dashboard.Panel(
        order=45,
        title=_("Mes projets"),
        template_name="projects/project/includes/dashboard.html",
        get_context=my_projects,
    )
)
