"""iCalendar invitations for workshops (see caflab.ics for the format)."""

from __future__ import annotations

from caflab import ics


def workshop_event(workshop, *, organizer_email: str = "", method: str = "REQUEST") -> str:
    event = ics.Event(
        uid=f"atelier-{workshop.pk}",
        summary=f"{workshop.lab.name} : {workshop.topic}",
        start=workshop.starts_at,
        end=workshop.ends_at,
        location=workshop.place,
        description=workshop.lab.description[:500],
        sequence=workshop.ics_sequence,
        cancelled=method == "CANCEL",
        organizer_email=organizer_email,
    )
    return ics.calendar([event], method=method)
