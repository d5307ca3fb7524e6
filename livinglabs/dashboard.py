"""The home page panel « Mes living labs »: for the facilitators, their labs and the next
workshops. Three queries, whatever the number of labs or workshops."""

from django.utils.translation import gettext_lazy as _

from caflab import dashboard

LIMIT = 5


def my_labs(user) -> dict | None:
    from livinglabs import selectors
    from livinglabs.models import Lab
    from livinglabs.rules import facilitated_lab_ids

    lab_ids = facilitated_lab_ids(user)
    if not lab_ids:
        return None  # the CafLab team sees every lab, but this panel is about one's own
    mine = Lab.objects.filter(pk__in=lab_ids)
    return {
        "labs": list(mine.select_related("caf").order_by("name")),
        "workshops": list(selectors.calendar(labs=mine)[:LIMIT]),
    }


dashboard.register(
    dashboard.Panel(
        order=40,
        title=_("Mes living labs"),
        template_name="livinglabs/includes/dashboard.html",
        get_context=my_labs,
    )
)
