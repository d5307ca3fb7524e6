"""The home page panel: the consultations open to this user right now."""

from django.utils.translation import gettext_lazy as _

from caflab import dashboard


def open_consultations(user) -> dict | None:
    from consultations.selectors import consultation_list

    consultations = list(consultation_list(user=user, filters={"phase": "ouvertes"})[:4])
    return {"consultations": consultations} if consultations else None


dashboard.register(
    dashboard.Panel(
        order=10,
        title=_("Consultations ouvertes"),
        template_name="consultations/includes/dashboard.html",
        get_context=open_consultations,
    )
)
