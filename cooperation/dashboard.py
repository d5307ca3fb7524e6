"""The home page panel « Mes plans d'action »: the plans this user is a member of, with their
progress and late actions. A fixed number of queries, whatever the number of plans or actions."""

from django.utils.translation import gettext_lazy as _

from caflab import dashboard

LIMIT = 5


def my_plans(user) -> dict | None:
    from django.db.models import Case, IntegerField, Value, When

    from cooperation.models import Plan, PlanMember
    from cooperation.rules import memberships
    from cooperation.views.plans import with_overview

    plan_ids = list(memberships(user))
    if not plan_ids:
        return None  # CafLab staff see every plan, but this panel is about one's own
    roles = memberships(user)
    running_first = Case(
        When(status=Plan.Status.ACTIVE, then=Value(0)),
        When(status=Plan.Status.PREPARING, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    plans = list(
        Plan.objects.filter(pk__in=plan_ids)
        .select_related("caf")
        .order_by(running_first, "-starts_on", "pk")[:LIMIT]
    )
    for plan in with_overview(plans):
        plan.my_role = PlanMember.Role(roles[plan.pk]).label
    return {"plans": plans, "plan_total": len(plan_ids)}


dashboard.register(
    dashboard.Panel(
        order=30,
        title=_("Mes plans d'action"),
        template_name="cooperation/includes/dashboard.html",
        get_context=my_plans,
    )
)
