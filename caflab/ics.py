"""iCalendar (RFC 5545) written by hand: events escaped and folded as the standard says, so
that every calendar application reads them. Used by the living labs' invitations and the
Caf'IA bookings feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings

CRLF = "\r\n"


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
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


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def site_host() -> str:
    return settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0] or "caflab"


@dataclass
class Event:
    """One event; `start`/`end` are datetimes, or dates for a whole-day event (end included)."""

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date
    location: str = ""
    description: str = ""
    sequence: int = 0
    cancelled: bool = False
    organizer_email: str = ""

    def lines(self) -> list[str]:
        lines = [
            "BEGIN:VEVENT",
            f"UID:{self.uid}@{site_host()}",
            f"SEQUENCE:{self.sequence}",
            f"DTSTAMP:{utc(datetime.now(tz=UTC))}",
        ]
        if isinstance(self.start, datetime):
            lines += [f"DTSTART:{utc(self.start)}", f"DTEND:{utc(self.end)}"]
        else:
            # DTEND of a whole-day event is exclusive: the day after the last one.
            lines += [
                f"DTSTART;VALUE=DATE:{self.start:%Y%m%d}",
                f"DTEND;VALUE=DATE:{self.end + timedelta(days=1):%Y%m%d}",
            ]
        lines.append(f"SUMMARY:{escape(self.summary)}")
        if self.location:
            lines.append(f"LOCATION:{escape(self.location)}")
        if self.description:
            lines.append(f"DESCRIPTION:{escape(self.description)}")
        if self.organizer_email:
            lines.append(f"ORGANIZER:mailto:{self.organizer_email}")
        if self.cancelled:
            lines.append("STATUS:CANCELLED")
        lines.append("END:VEVENT")
        return lines


def calendar(events: list[Event], *, method: str = "PUBLISH", name: str = "") -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Cnaf//Portail CafLab//FR",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
    ]
    if name:
        lines.append(f"X-WR-CALNAME:{escape(name)}")
    for event in events:
        lines += event.lines()
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF
