"""iCalendar (RFC 5545) invitations for workshops, written by hand: one event, escaped and
folded as the standard says, so that every calendar application reads it."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings

CRLF = "\r\n"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets; continuation lines start with a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return (CRLF + " ").join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def workshop_event(workshop, *, organizer_email: str = "", method: str = "REQUEST") -> str:
    site = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0] or "caflab"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Cnaf//Portail CafLab//FR",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:atelier-{workshop.pk}@{site}",
        f"SEQUENCE:{workshop.ics_sequence}",
        f"DTSTAMP:{_utc(datetime.now(tz=UTC))}",
        f"DTSTART:{_utc(workshop.starts_at)}",
        f"DTEND:{_utc(workshop.ends_at)}",
        f"SUMMARY:{_escape(f'{workshop.lab.name} : {workshop.topic}')}",
        f"LOCATION:{_escape(workshop.place)}",
        f"DESCRIPTION:{_escape(workshop.lab.description[:500])}",
    ]
    if organizer_email:
        lines.append(f"ORGANIZER:mailto:{organizer_email}")
    if method == "CANCEL":
        lines.append("STATUS:CANCELLED")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return CRLF.join(_fold(line) for line in lines) + CRLF
