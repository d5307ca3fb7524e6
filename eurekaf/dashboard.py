"""The home page panel « Idées à suivre »: the running campaigns this agent may post to, and
the followed ideas whose status changed lately. Two queries, whatever the number of ideas."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caflab import dashboard

RECENT_DAYS = 30
LIMIT = 4


def ideas_to_follow(user) -> dict | None:
    from django.db.models import Q

    from caflab.rules import is_agent, is_caflab_staff
    from eurekaf.models import Campaign, Idea, IdeaBox

    staff, agent = is_caflab_staff(user), is_agent(user)
    if not (staff or agent):
        return None
    # The boxes this user sees (rules.can_see_box), as a subquery: managed boxes included
    # without reading them first.
    boxes = (
        IdeaBox.objects.all()
        if staff
        else IdeaBox.objects.filter(
            Q(caf__isnull=True) | Q(caf_id=user.caf_id) | Q(pk__in=user.managed_idea_boxes.all())
        )
    )
    campaigns = []
    if agent:  # only agents post ideas
        today = timezone.localdate()
        campaigns = list(
            Campaign.objects.filter(
                box__in=boxes.filter(is_active=True), starts_on__lte=today, ends_on__gte=today
            )
            .select_related("box")
            .order_by("ends_on", "pk")[:LIMIT]
        )
    followed = list(
        Idea.objects.filter(
            follows__user=user,
            box__in=boxes,
            is_hidden=False,
            status_changed_at__gte=timezone.now() - timedelta(days=RECENT_DAYS),
        )
        .select_related("box")
        .order_by("-status_changed_at")[:LIMIT]
    )
    if not campaigns and not followed:
        return None
    return {"campaigns": campaigns, "followed_ideas": followed}


dashboard.register(
    dashboard.Panel(
        order=20,
        title=_("Idées à suivre"),
        template_name="eurekaf/includes/dashboard.html",
        get_context=ideas_to_follow,
    )
)
