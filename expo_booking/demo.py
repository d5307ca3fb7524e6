"""Demo data of Caf'IA: the exhibition of the 2025 report, « déployée dans plus de la moitié
des Caf ».

- The booking rules (5 to 28 days, 14 days' notice, 2 + 2 transport days, confirmation by the
  CafLab, offers held 48 hours) and the seasons « Saison 2025 » and « Saison 2026 », two
  bookings per Caf.
- The 15 sets CAFIA-01…CAFIA-15 (9 triptych panels, 4 workshops and games each), stored in
  15 Cafs across mainland France; each serves the Cafs around it. CAFIA-01 is stored at the
  Caf du Rhône, whose approach inspired the exhibition: it opens the circulation there on
  12 May 2025, the day of the launch.
- The 2025 circulation, from the launch on 12 May to the holidays, with a summer break: 60 Cafs
  (59 % of the network) host a set, some of them twice (a second site, or the home Caf closing
  the season); every booking is « retournée », served by a hand-over from the previous host (or
  from the set's storage) with its carrier, tracking number, dates and arrival check, and the
  departure and arrival entries of the set's condition log; most hosts sent their feedback. A
  few bookings were cancelled: one freed slot went to a Caf of the waitlist that accepted it,
  another offer expired. One set arrived damaged and was repaired on site; one arrived
  incomplete in December and waits for its spare parts at its last host. Every set is where
  its last host left it (five ended the season at home).
- The bookings to come, after the day of seeding: one per bookable set over the same weeks
  (some confirmed, with their planned hand-over, others still « demandée »), a few later ones,
  a set in maintenance over those weeks, and a Caf on the waitlist since no set is free then.
  They fall in the season of their year: « Saison 2026 », or the next year's season, created
  here when the day of seeding leaves too little of 2026.
- The malette numérique: the slides, three videos of the Branche's experts, the four games
  and two guides, with their versions (small text files written once at a fixed path of the
  media storage, standing in for the PowerPoint, the videos and the PDFs) and the 2025
  downloads of the Cafs, heavier in the Cafs that did not host a set.

Everything is drawn from `ctx.random("expo_booking.…")`, one generator per concern, so a re-run
gives the same data. Sets are found by code and kit resources by title: a second run creates
only what is missing (a set comes with its bookings, hand-overs, log, feedback, maintenance and
waitlist entries; a resource with its versions and downloads) and changes nothing else. Only
the bookings to come, the maintenance and the waiting Caf follow the day of seeding.

No account is created: bookings are requested by the core demo's agents of each Caf
(`agent.isere@caflab.demo` for the Caf de l'Isère), confirmed by the CafLab's Caf'IA lead.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from caflab import fragments
from caflab.demo import AGENT_EMAIL, FIRST_NAMES, LAST_NAMES
from caflab.models import Caf, User
from caflab.seeding import SeedContext
from expo_booking.models import (
    Blackout,
    Booking,
    ConditionEntry,
    ExpoSet,
    Feedback,
    HandOver,
    KitDownload,
    KitResource,
    KitVersion,
    Policy,
    Season,
    WaitlistEntry,
)
from expo_booking.selectors import year_stats

ORDER = 60

PARIS = ZoneInfo("Europe/Paris")
BATCH = 500

B = Booking.Status
U = Booking.Use
A = HandOver.Arrival

LEAD = "elise.caron@caflab.demo"  # the CafLab's facilitator who runs Caf'IA
DEVELOPER = "jerome.aubert@caflab.demo"

POLICY = {
    "min_days": 5,
    "max_days": 28,
    "notice_days": 14,
    "transport_days_before": 2,
    "transport_days_after": 2,
    "auto_confirm": False,
    "offer_hours": 48,
    "reminder_days": 7,
}
QUOTA = 2

LAUNCH = date(2025, 5, 12)  # the first exhibition opens at the Caf du Rhône
BOOKING_OPENS = date(2025, 4, 14)  # the booking page opened four weeks before
SEASON_CLOSES = date(2025, 12, 19)  # nothing travels over the year-end holidays
SUMMER = (date(2025, 7, 21), date(2025, 8, 25))  # no exhibition opens in between
STAYS_PER_SET = 6  # bookings of a set in 2025, second visits included

CONTENTS = (
    "9 panneaux triptyques : 1. Qu'est-ce que l'IA générative ? 2. Comment fonctionne un "
    "modèle de langage ? 3. Des données pour apprendre 4. Les usages possibles dans la Branche "
    "Famille 5. Bien formuler une consigne 6. Vrai ou généré ? 7. Biais et discriminations "
    "8. Données personnelles et sécurité 9. Controverses : l'IA, nos métiers et la société.\n"
    "4 ateliers et jeux : bar à prompts (2 tablettes, 40 cartes défis), jeu des controverses "
    "(plateau, 36 cartes), détection d'images générées (24 cartes images et leur grille de "
    "réponses), escape card (5 enveloppes d'énigmes, un cadenas à code).\n"
    "Transport : 3 caisses à roulettes (95 kg au total), notice de montage et guide "
    "d'animation imprimés."
)


@dataclass(frozen=True)
class SetSpec:
    code: str
    home: str  # the Caf that stores it
    serves: tuple[str, ...]  # the Cafs it circulates among (its home first)


# Each set serves the Cafs around its home; together they cover the 96 mainland Cafs. The
# overseas Cafs, too far for a 2-day transport, use the malette numérique.
SETS = (
    SetSpec("CAFIA-01", "69", ("69", "01", "42", "43", "63", "03", "15")),
    SetSpec("CAFIA-02", "38", ("38", "73", "74", "26", "07")),
    SetSpec("CAFIA-03", "75", ("75", "92", "93", "94", "77", "78", "91", "95")),
    SetSpec("CAFIA-04", "59", ("59", "62", "80", "02", "60")),
    SetSpec("CAFIA-05", "76", ("76", "27", "14", "50", "61")),
    SetSpec("CAFIA-06", "35", ("35", "22", "29", "56")),
    SetSpec("CAFIA-07", "44", ("44", "49", "53", "72", "85")),
    SetSpec("CAFIA-08", "45", ("45", "18", "28", "36", "37", "41")),
    SetSpec("CAFIA-09", "33", ("33", "24", "40", "47", "64", "17", "16")),
    SetSpec("CAFIA-10", "87", ("87", "19", "23", "86", "79")),
    SetSpec("CAFIA-11", "31", ("31", "09", "32", "65", "82", "81", "46", "12")),
    SetSpec("CAFIA-12", "34", ("34", "30", "11", "66", "48")),
    SetSpec("CAFIA-13", "13", ("13", "84", "83", "06", "04", "05", "2A", "2B")),
    SetSpec("CAFIA-14", "67", ("67", "68", "57", "54", "88", "55", "51", "08", "10", "52")),
    SetSpec("CAFIA-15", "21", ("21", "25", "39", "70", "90", "71", "58", "89")),
)
CODES = [spec.code for spec in SETS]

# These sets end the season where they are stored: their home Caf hosts them a second time.
ENDS_AT_HOME = {"CAFIA-01", "CAFIA-03", "CAFIA-09", "CAFIA-11", "CAFIA-13"}
# What happened to some bookings (set, position in its 2025 circulation).
WAITLIST_ACCEPTED = ("CAFIA-09", 2)  # cancelled, then offered to a waiting Caf that accepted
OFFER_EXPIRED = ("CAFIA-13", 3)  # a freed slot before it, offered, not accepted in time
CANCELLED_THEN_REBOOKED = {("CAFIA-03", 4), ("CAFIA-14", 3)}
DAMAGED_ON_ARRIVAL = ("CAFIA-04", 2)  # a broken panel foot, repaired on site
INCOMPLETE_SET = "CAFIA-07"  # its last host found parts missing
MAINTAINED_SET = "CAFIA-10"  # new panels while the next bookings run

CANCEL_REASONS = (
    "Travaux imprévus dans le hall d'accueil : nous n'avons plus de salle pour installer "
    "l'exposition.",
    "Les dates tombent finalement pendant le déménagement de notre site principal.",
    "Séminaire de direction déplacé : nous réserverons de nouveau à l'automne.",
    "Pic d'activité lié à la campagne de la prime d'activité : report à la saison prochaine.",
)

# Carriers of a set (three cases on a pallet, or four parcels); a transfer between two Cafs of
# a region may use a Caf's own van, without tracking.
CARRIERS = (
    ("Geodis", 30),
    ("DB Schenker", 28),
    ("Heppner", 12),
    ("La Poste Colissimo", 12),
    ("Navette interne entre Caf", 18),
)
VENUES = (
    "Hall d'accueil du siège",
    "Salle du conseil d'administration",
    "Espace convivialité du premier étage",
    "Restaurant d'entreprise",
    "Salle polyvalente du rez-de-chaussée",
    "Tiers-lieu d'innovation de la Caf",
    "Centre de formation interne",
    "Salle de réunion « Agora »",
    "Espace pause du plateau de production",
)
EVENT_VENUES = (
    "Amphithéâtre du siège, journée des agents",
    "Salle des fêtes municipale, séminaire de l'encadrement",
    "Auditorium du siège, semaine de l'innovation",
)
# A second visit goes to another site of the Caf.
OTHER_SITES = (
    "Antenne territoriale, salle de réunion",
    "Centre de gestion des prestations, espace pause",
    "Site d'accueil secondaire, salle polyvalente",
)
STREETS = (
    "rue de la République",
    "avenue Jean-Jaurès",
    "boulevard Gambetta",
    "rue Pasteur",
    "rue Victor-Hugo",
    "avenue de la Libération",
    "rue du Général-de-Gaulle",
    "place de la Gare",
    "rue des Écoles",
    "quai du Port",
)
# The numbers the telephone regulator keeps for fiction, by area.
PHONE_PREFIX = {
    "01": "01 99 00",
    "02": "02 61 91",
    "03": "03 53 01",
    "04": "04 65 71",
    "05": "05 36 49",
}
AREA_OF_REGION = {
    "11": "01",
    "24": "02",
    "28": "02",
    "52": "02",
    "53": "02",
    "27": "03",
    "32": "03",
    "44": "03",
    "84": "04",
    "93": "04",
    "94": "04",
    "75": "05",
    "76": "05",
}
EAST_OCCITANIE = {"11", "30", "34", "48", "66"}

COMMENTS = {
    U.FREE: (
        "Exposition installée dans le hall du siège : beaucoup de passage, les agents se sont "
        "arrêtés entre deux réunions. Nous aurions aimé la garder une semaine de plus.",
        "Les panneaux sont clairs et accessibles à tous ; le quiz sur les images générées a "
        "surpris presque tout le monde.",
        "Bonne fréquentation les premiers jours, plus calme ensuite. Une séance d'ouverture "
        "animée aurait lancé la dynamique.",
        "Les vidéos des experts ont été projetées en boucle à côté des panneaux : un bon "
        "complément pour ceux qui passaient vite.",
        "Peu de visiteurs en circulation libre : nous aurions dû programmer des séances animées.",
    ),
    U.SESSIONS: (
        "Séances de quarante-cinq minutes sur la pause méridienne, animées par nos "
        "correspondants innovation : complet à chaque fois.",
        "Le jeu des controverses a suscité des débats passionnés, notamment sur la protection "
        "des données des allocataires.",
        "Le bar à prompts a eu un franc succès : plusieurs agents sont revenus avec leurs "
        "collègues pour refaire les défis.",
        "L'escape card demande un animateur pour bien fonctionner, mais c'est l'atelier dont "
        "les équipes ont le plus parlé.",
        "Quelques agents inquiets pour leur métier : les panneaux sur les limites de l'IA et "
        "la discussion qui a suivi les ont rassurés.",
        "Montage un peu long (prévoir deux personnes et une heure), mais la notice est claire "
        "et le guide d'animation très utile.",
    ),
    U.EVENT: (
        "Exposition couplée à notre journée des agents : plus de deux cents collègues sur la "
        "journée, et des idées déposées dans Eurekaf dès le lendemain.",
        "Présentée au comité de direction puis au séminaire de l'encadrement : elle a nourri "
        "notre feuille de route sur l'IA.",
        "Un temps fort réussi pendant la semaine de l'innovation ; les managers ont demandé à "
        "réutiliser les contenus de la malette numérique.",
    ),
}
LOW_COMMENT = (
    "Un pied de panneau est arrivé abîmé et il manquait le mode d'emploi du bar à prompts ; "
    "l'exposition a tout de même été appréciée."
)


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.lower().replace(" ", "-").replace("'", "")


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _friday_of(day: date) -> date:
    return day + timedelta(days=4 - day.weekday())


def _working_day(day: date) -> date:
    """A Saturday or a Sunday moves back to the Friday before."""
    return day - timedelta(days=max(0, day.weekday() - 4))


# The plan, before the database ------------------------------------------------------------------
@dataclass
class Host:
    """Who hosts, and how they described it when booking."""

    caf: str
    contact_name: str
    contact_phone: str
    contact_email: str
    venue: str
    address: str


@dataclass
class Stay:
    """One booking of a set, planned."""

    code: str
    host: Host
    starts_on: date
    ends_on: date
    use: str
    status: str
    created_at: datetime
    season: str
    expected_visitors: int
    confirmed: bool = True
    cancel_reason: str = ""
    offer_expires_at: datetime | None = None
    arrival: str = A.GOOD
    arrival_notes: str = ""
    missing_items: str = ""
    repaired_on: date | None = None
    feedback: tuple[int, int, int, int, str] | None = None  # visitors, agents, sessions…
    waitlist: str = ""  # "accepted" or "expired": the entry that led to this booking
    waitlist_joined: datetime | None = None

    @property
    def holds(self) -> bool:
        return self.status != B.CANCELLED

    @property
    def blocked(self) -> tuple[date, date]:
        return (
            self.starts_on - timedelta(days=POLICY["transport_days_before"]),
            self.ends_on + timedelta(days=POLICY["transport_days_after"]),
        )


@dataclass
class Plan:
    stays: list[Stay] = field(default_factory=list)
    blackout: tuple[date, date, str] | None = None
    waiting: tuple[Host, date, date, str, int, datetime] | None = None
    hosted: set[str] = field(default_factory=set)  # the Cafs that host a set in 2025


def _host(rng: random.Random, number: str, caf: Caf, *, event: bool = False) -> Host:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    area = AREA_OF_REGION.get(caf.region.code, "02")
    if caf.region.code == "76" and number in EAST_OCCITANIE:
        area = "04"
    phone = f"{PHONE_PREFIX[area]} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
    postcode = {"2A": "20000", "2B": "20200"}.get(number, f"{number:0<5}"[:5])
    venue = rng.choice(EVENT_VENUES) if event else rng.choice(VENUES)
    return Host(
        caf=number,
        contact_name=f"{first} {last}",
        contact_phone=phone,
        contact_email=f"{_ascii(first)}.{_ascii(last)}@caf{number.lower()}.exemple.fr",
        venue=f"{venue}, {caf.city}",
        address=(
            f"{caf.name}\nServices généraux, quai de livraison\n"
            f"{rng.randint(1, 120)} {rng.choice(STREETS)}\n{postcode} {caf.city}"
        ),
    )


def _use(rng: random.Random) -> str:
    return rng.choices([U.FREE, U.SESSIONS, U.EVENT], weights=[45, 40, 15])[0]


def _weeks(rng: random.Random, use: str) -> int:
    if use == U.EVENT:
        return 1
    if use == U.SESSIONS:
        return rng.choice((2, 2, 3))
    return rng.choice((2, 3, 3, 4))


def _expected(rng: random.Random, use: str) -> int:
    low, high = {U.FREE: (80, 250), U.SESSIONS: (40, 150), U.EVENT: (100, 350)}[use]
    return 10 * rng.randint(low // 10, high // 10)


def _requested(rng: random.Random, starts_on: date) -> datetime:
    """When the host asked: three to eight weeks before, never before the booking page
    opened nor later than the notice allows."""
    day = starts_on - timedelta(days=rng.randint(21, 56))
    day = max(day, BOOKING_OPENS + timedelta(days=rng.randint(0, 4)))
    day = min(day, starts_on - timedelta(days=POLICY["notice_days"] + 1))
    return _at(_working_day(day), rng.randint(9, 16), rng.choice((0, 15, 30, 45)))


def _feedback(rng: random.Random, stay: Stay) -> tuple[int, int, int, int, str]:
    visitors = max(12, round(stay.expected_visitors * rng.uniform(0.6, 1.25)))
    agents = round(visitors * rng.uniform(0.78, 1.0))
    sessions = {
        U.FREE: rng.randint(0, 2),
        U.SESSIONS: rng.randint(4, 14),
        U.EVENT: rng.randint(1, 4),
    }[stay.use]
    if stay.arrival == A.DAMAGED:
        return visitors, agents, sessions, 3, LOW_COMMENT
    satisfaction = rng.choices([5, 4, 3, 2], weights=[46, 40, 11, 3])[0]
    comment = rng.choice(COMMENTS[stay.use]) if rng.random() < 0.85 else ""
    return visitors, agents, sessions, satisfaction, comment


def build_plan(ctx: SeedContext, cafs: dict[str, Caf], *, today: date) -> Plan:
    """The whole circulation, computed from the generators and the day of seeding only."""
    plan = Plan()
    plan.hosted = _plan_2025(ctx, cafs, plan)
    _plan_upcoming(ctx, cafs, plan, today=today, hosted=plan.hosted)
    return plan


def _schedule(
    code: str, first: date, weeks: list[int], idle: list[int]
) -> tuple[list[tuple[date, date]], date | None] | None:
    """Each stay's dates, Monday to Friday, a transit week between two hosts plus the idle
    weeks before each; the freed slot's first day; None if the season closes before."""
    dates, freed, starts_on = [], None, first
    for position, (length, wait) in enumerate(zip(weeks, idle, strict=True)):
        starts_on += timedelta(weeks=wait)
        if SUMMER[0] <= starts_on < SUMMER[1]:
            starts_on = SUMMER[1]
        if (code, position) == OFFER_EXPIRED:
            freed = starts_on
            starts_on += timedelta(weeks=3)  # the two weeks nobody took, and a transit week
        ends_on = starts_on + timedelta(weeks=length, days=-3)
        if ends_on > SEASON_CLOSES:
            return None
        dates.append((starts_on, ends_on))
        starts_on = ends_on + timedelta(days=10)
    return dates, freed


def _spread(rng: random.Random, code: str, first: date, uses: list[str], weeks: list[int]):
    """Fill the set's season: the weeks left go, one at a time, to a longer stay (up to four
    weeks, never for an event) or to an idle week before a host, while everything fits."""
    idle = [0] * len(weeks)
    while weeks and _schedule(code, first, weeks, idle) is None:
        weeks, idle, uses[:] = weeks[:-1], idle[:-1], uses[:-1]  # too many hosts: drop one
    misses = 0
    while misses < 3:
        trial_weeks, trial_idle = list(weeks), list(idle)
        position = rng.randrange(len(weeks))
        if uses[position] != U.EVENT and weeks[position] < 4 and rng.random() < 0.3:
            trial_weeks[position] += 1
        elif position:
            trial_idle[position] += 1
        if _schedule(code, first, trial_weeks, trial_idle) is None:
            misses += 1
            continue
        weeks, idle = trial_weeks, trial_idle
    return _schedule(code, first, weeks, idle)


def _host_count(spec: SetSpec) -> int:
    """How many of the Cafs a set serves host it in 2025: three to five, more where it
    serves more Cafs; 60 in all, more than half of the network."""
    return min(5, max(3, round(len(spec.serves) / 2) + 1))


def _plan_2025(ctx: SeedContext, cafs: dict[str, Caf], plan: Plan) -> set[str]:
    pick = ctx.random("expo_booking.hosts")
    calendar = ctx.random("expo_booking.calendar")
    contacts = ctx.random("expo_booking.contacts")
    feedback = ctx.random("expo_booking.feedback")
    season = f"Saison {ctx.year}"
    hosted: set[str] = set()
    for index, spec in enumerate(SETS):
        others = [n for n in spec.serves if n != spec.home]
        chosen = pick.sample(others, _host_count(spec) - 1)
        spare = [n for n in others if n not in chosen]  # Cafs that cancel, or wait
        # A few hosts welcome the set a second time, on another of their sites, later on.
        room = STAYS_PER_SET - 1 - len(chosen) - (spec.code in ENDS_AT_HOME)
        again = pick.sample(chosen[:-1], min(len(chosen) - 1, max(0, room)))
        hosts = [spec.home, *chosen]
        for number in again:
            hosts.insert(pick.randint(hosts.index(number) + 2, len(hosts)), number)
        if spec.code in ENDS_AT_HOME:
            hosts.append(spec.home)
        uses = [_use(calendar) for _host_number in hosts]
        if spec.code == "CAFIA-01":
            uses[0] = U.EVENT  # the launch of the exhibition at the Caf du Rhône
        first = LAUNCH + timedelta(weeks=index // 3)  # three more sets set off each week
        dates, freed = _spread(
            calendar, spec.code, first, uses, [_weeks(calendar, u) for u in uses]
        )
        if freed is not None:
            _freed_slot(plan, spec, spare, cafs, freed, contacts)
        for position, (number, use, (starts_on, ends_on)) in enumerate(
            zip(hosts, uses, dates, strict=False)
        ):
            host = _host(contacts, number, cafs[number], event=use == U.EVENT)
            if number != spec.home and number in hosts[:position]:
                host.venue = f"{contacts.choice(OTHER_SITES)}, {cafs[number].name}"
            stay = Stay(
                code=spec.code,
                host=host,
                starts_on=starts_on,
                ends_on=ends_on,
                use=use,
                status=B.RETURNED,
                created_at=_requested(calendar, starts_on),
                season=season,
                expected_visitors=_expected(calendar, use),
            )
            if (spec.code, position) == WAITLIST_ACCEPTED and spare:
                _waitlisted(plan, stay, spare.pop(0), cafs, contacts)
            if (spec.code, position) in CANCELLED_THEN_REBOOKED and spare:
                _cancelled_before(plan, stay, spare.pop(0), cafs, contacts, reason=position)
            if (spec.code, position) == DAMAGED_ON_ARRIVAL:
                stay.arrival = A.DAMAGED
                stay.arrival_notes = (
                    "Un pied du panneau 6 est fendu : le panneau tient, mais penche. Photo "
                    "envoyée à l'équipe du CafLab."
                )
                stay.repaired_on = starts_on + timedelta(days=2)
            plan.stays.append(stay)
            hosted.add(number)
        if spec.code == INCOMPLETE_SET:
            last = [s for s in plan.stays if s.code == spec.code and s.holds][-1]
            last.arrival = A.INCOMPLETE
            last.arrival_notes = (
                "Il manque une enveloppe de l'escape card et le cadenas à code ; une tablette "
                "du bar à prompts ne s'allume plus."
            )
            last.missing_items = "Enveloppe n° 4 de l'escape card, cadenas à code, tablette n° 2"
    for stay in plan.stays:
        # Most hosts sent their feedback; a few never did.
        if stay.holds and feedback.random() < 0.88:
            stay.feedback = _feedback(feedback, stay)
    return hosted


def _cancelled_before(plan: Plan, stay: Stay, number: str, cafs, contacts, *, reason: int) -> Stay:
    """A Caf booked these dates first, then cancelled; the host booked the freed slot."""
    asked = max(stay.created_at.date() - timedelta(days=24), BOOKING_OPENS)
    cancelled = Stay(
        code=stay.code,
        host=_host(contacts, number, cafs[number]),
        starts_on=stay.starts_on,
        ends_on=stay.ends_on,
        use=U.SESSIONS,
        status=B.CANCELLED,
        created_at=_at(_working_day(asked), 10, 30),
        season=stay.season,
        expected_visitors=80,
        cancel_reason=CANCEL_REASONS[reason % len(CANCEL_REASONS)],
    )
    plan.stays.append(cancelled)
    return cancelled


def _waitlisted(plan: Plan, stay: Stay, number: str, cafs, contacts) -> None:
    """No set was free when the host asked: it joined the waitlist; the slot a cancellation
    freed was offered to it, and it accepted within the 48 hours."""
    cancelled = _cancelled_before(plan, stay, number, cafs, contacts, reason=0)
    cancelled.created_at = _at(stay.starts_on - timedelta(days=52), 11)
    stay.waitlist = "accepted"
    stay.waitlist_joined = _at(stay.starts_on - timedelta(days=38), 15, 20)
    # The offer left with the cancellation, three weeks before the start.
    stay.created_at = _at(stay.starts_on - timedelta(days=21), 16, 5)


def _freed_slot(plan: Plan, spec: SetSpec, spare: list[str], cafs, starts_on, contacts) -> None:
    """Two weeks a Caf booked, then cancelled; the slot was offered to the next Caf of the
    waitlist, which let the offer expire: the set stayed idle."""
    if len(spare) < 2:
        return
    ends_on = starts_on + timedelta(days=11)
    cancelled, offered = spare.pop(0), spare.pop(0)
    offered_at = _at(starts_on - timedelta(days=16), 9, 40)
    season = f"Saison {starts_on.year}"
    plan.stays += [
        Stay(
            code=spec.code,
            host=_host(contacts, cancelled, cafs[cancelled]),
            starts_on=starts_on,
            ends_on=ends_on,
            use=U.SESSIONS,
            status=B.CANCELLED,
            created_at=_at(starts_on - timedelta(days=47), 10, 30),
            season=season,
            expected_visitors=90,
            cancel_reason=CANCEL_REASONS[1],
        ),
        Stay(
            code=spec.code,
            host=_host(contacts, offered, cafs[offered]),
            starts_on=starts_on,
            ends_on=ends_on,
            use=U.FREE,
            status=B.CANCELLED,
            created_at=offered_at,
            season=season,
            expected_visitors=120,
            confirmed=False,
            cancel_reason="Proposition expirée",
            offer_expires_at=offered_at + timedelta(hours=POLICY["offer_hours"]),
            waitlist="expired",
            waitlist_joined=_at(starts_on - timedelta(days=30), 14, 10),
        ),
    ]


def _upcoming_anchor(today: date) -> date:
    """The Monday the bookings to come start from: four weeks ahead, and never so late in a
    year that they would run into the holidays."""
    anchor = _monday_on_or_after(today + timedelta(days=28))
    if anchor + timedelta(days=70) > date(anchor.year, 12, 19):
        anchor = _monday_on_or_after(max(anchor, date(anchor.year + 1, 1, 5)))
    return anchor


def _plan_upcoming(
    ctx: SeedContext, cafs: dict[str, Caf], plan: Plan, *, today: date, hosted: set[str]
) -> None:
    """One booking per bookable set over the same weeks, some later ones, the maintenance of
    a set, and a Caf that waits: no set is free for its dates."""
    rng = ctx.random("expo_booking.upcoming")
    contacts = ctx.random("expo_booking.upcoming.contacts")
    anchor = _upcoming_anchor(today)
    season = f"Saison {anchor.year}"
    busy_week = anchor + timedelta(weeks=2)  # every bookable set is out that week
    taken: Counter[str] = Counter()
    for spec in SETS:
        if spec.code in (INCOMPLETE_SET, MAINTAINED_SET):
            continue
        if spec.code == "CAFIA-02":
            number = "38"  # the demo agent's Caf books again
        else:
            fresh = [n for n in spec.serves if n not in hosted and not taken[n]]
            number = rng.choice(fresh or [n for n in spec.serves if not taken[n]])
        taken[number] += 1
        starts_on = anchor + timedelta(weeks=rng.choice((0, 1, 2)))
        ends_on = _friday_of(busy_week) + timedelta(weeks=rng.choice((0, 1)))
        use = rng.choice((U.FREE, U.SESSIONS, U.SESSIONS, U.EVENT))
        if use == U.EVENT:  # an event keeps the set for its week
            starts_on, ends_on = busy_week, _friday_of(busy_week)
        confirmed = spec.code == "CAFIA-02" or rng.random() < 0.55
        plan.stays.append(
            Stay(
                code=spec.code,
                host=_host(contacts, number, cafs[number], event=use == U.EVENT),
                starts_on=starts_on,
                ends_on=ends_on,
                use=use,
                status=B.CONFIRMED if confirmed else B.REQUESTED,
                created_at=_at(today - timedelta(days=rng.randint(4, 25)), rng.randint(9, 16)),
                season=season,
                expected_visitors=_expected(rng, use),
                confirmed=confirmed,
            )
        )
        if rng.random() < 0.3:  # a Caf already books the weeks after
            later = [n for n in spec.serves if not taken[n]]
            if later:
                number = rng.choice(later)
                taken[number] += 1
                start = ends_on + timedelta(days=10 + 7 * rng.randint(0, 2))
                plan.stays.append(
                    Stay(
                        code=spec.code,
                        host=_host(contacts, number, cafs[number]),
                        starts_on=start,
                        ends_on=start + timedelta(days=11),
                        use=U.SESSIONS,
                        status=B.REQUESTED,
                        created_at=_at(today - timedelta(days=rng.randint(1, 3)), 14),
                        season=season,
                        expected_visitors=_expected(rng, U.SESSIONS),
                        confirmed=False,
                    )
                )
    plan.blackout = (
        anchor - timedelta(days=3),
        anchor + timedelta(days=38),
        "Remplacement des panneaux 4 et 8 (nouvelle version des contenus) et des tablettes du "
        "bar à prompts",
    )
    waiting = [n for spec in SETS for n in spec.serves if n not in hosted and not taken[n]]
    number = rng.choice(waiting)
    plan.waiting = (
        _host(contacts, number, cafs[number]),
        busy_week,
        _friday_of(busy_week),
        U.SESSIONS,
        60,
        _at(today - timedelta(days=2), 11, 45),
    )


# Seeding ----------------------------------------------------------------------------------------
@dataclass
class _World:
    cafs: dict[str, Caf]
    agents: dict[str, list[User]]
    lead: User | None


def seed(ctx: SeedContext) -> None:
    world = _world()
    if not Policy.objects.exists():
        Policy.objects.create(**POLICY)
    plan = build_plan(ctx, world.cafs, today=timezone.localdate())
    seasons = _Seasons()
    for year in (ctx.year, ctx.year + 1):  # the report's season and the next, always
        seasons(f"Saison {year}")
    existing = set(ExpoSet.objects.filter(code__in=CODES).values_list("code", flat=True))
    todo = [spec for spec in SETS if spec.code not in existing]
    if todo:
        _seed_sets(ctx, world, plan, seasons, todo)
    _seed_waiting(ctx, world, plan, seasons)
    _seed_kit(ctx, world, hosted=plan.hosted)
    fragments.bump("expo_booking")  # written in bulk, without signals: the calendar is new
    _log_summary(ctx)


def _world() -> _World:
    cafs = {caf.number: caf for caf in Caf.objects.select_related("region")}
    agents: dict[str, list[User]] = defaultdict(list)
    for user in (
        User.objects.filter(role=User.Role.AGENT, caf__isnull=False, is_active=True)
        .select_related("caf")
        .order_by("email")
    ):
        agents[user.caf.number].append(user)
    return _World(cafs, agents, User.objects.filter(email=LEAD).first())


class _Seasons:
    """The seasons, each a calendar year, found or created the first time one is needed."""

    def __init__(self) -> None:
        self._found: dict[str, Season] = {}

    def __call__(self, name: str) -> Season:
        if name not in self._found:
            year = int(name.rsplit(" ", 1)[-1])
            self._found[name], _created = Season.objects.get_or_create(
                name=name,
                defaults={
                    "starts_on": date(year, 1, 1),
                    "ends_on": date(year, 12, 31),
                    "quota_per_caf": QUOTA,
                },
            )
        return self._found[name]


def _agent(rng: random.Random, world: _World, number: str) -> User | None:
    agents = world.agents.get(number, [])
    demo = [a for a in agents if a.email == AGENT_EMAIL]
    if demo:
        return demo[0]
    return rng.choice(agents) if agents else None


def _location(spec: SetSpec, stays: list[Stay]) -> str:
    """Where the set is: with its last host, or at home if it has not travelled yet."""
    hosted = [s for s in stays if s.status in (B.RETURNED, B.ON_SITE)]
    return hosted[-1].host.caf if hosted else spec.home


def _seed_sets(
    ctx: SeedContext, world: _World, plan: Plan, seasons: _Seasons, todo: list[SetSpec]
) -> None:
    """The sets not there yet, each with its bookings, hand-overs, condition log, feedback,
    maintenance and the waitlist entries its bookings came from."""
    requesters = ctx.random("expo_booking.agents")
    cafs = world.cafs
    by_code: dict[str, list[Stay]] = defaultdict(list)
    for stay in sorted(plan.stays, key=lambda s: (s.code, s.starts_on, s.created_at)):
        by_code[stay.code].append(stay)
    # Who asked, drawn for every stay of the plan, so that a partial run draws the same.
    asked_by = {id(stay): _agent(requesters, world, stay.host.caf) for stay in plan.stays}

    sets = ExpoSet.objects.bulk_create(
        ExpoSet(
            code=spec.code,
            home_caf=cafs[spec.home],
            location=cafs[_location(spec, by_code[spec.code])],
            contents=CONTENTS,
            condition=(
                ExpoSet.Condition.INCOMPLETE
                if spec.code == INCOMPLETE_SET
                else ExpoSet.Condition.GOOD
            ),
        )
        for spec in todo
    )
    set_of = {expo_set.code: expo_set for expo_set in sets}
    stays = [stay for spec in todo for stay in by_code[spec.code]]
    bookings = []
    for stay in stays:
        blocked_from, blocked_until = stay.blocked
        by = asked_by[id(stay)]
        confirmed_at = (
            stay.created_at + timedelta(days=1 + stay.created_at.day % 3, hours=1)
            if stay.confirmed
            else None
        )
        if stay.waitlist == "accepted":
            confirmed_at = stay.created_at + timedelta(days=1, hours=17)
        bookings.append(
            Booking(
                expo_set=set_of[stay.code],
                caf=cafs[stay.host.caf],
                season=seasons(stay.season),
                requested_by=by,
                starts_on=stay.starts_on,
                ends_on=stay.ends_on,
                days_before=POLICY["transport_days_before"],
                days_after=POLICY["transport_days_after"],
                blocked_from=blocked_from,
                blocked_until=blocked_until,
                use=stay.use,
                expected_visitors=stay.expected_visitors,
                venue=stay.host.venue,
                contact_name=stay.host.contact_name,
                contact_phone=stay.host.contact_phone,
                contact_email=stay.host.contact_email,
                delivery_address=stay.host.address,
                status=stay.status,
                offer_expires_at=stay.offer_expires_at,
                cancel_reason=stay.cancel_reason,
                created_at=stay.created_at,
                confirmed_at=confirmed_at,
                confirmed_by=world.lead if confirmed_at else None,
            )
        )
    Booking.objects.bulk_create(bookings, batch_size=BATCH)
    booking_of = {id(stay): booking for stay, booking in zip(stays, bookings, strict=True)}

    handovers, entries, feedback = [], [], []
    for spec in todo:
        shipping = ctx.random(f"expo_booking.handovers.{spec.code}")  # one per set
        previous: Booking | None = None
        for stay in by_code[spec.code]:
            booking = booking_of[id(stay)]
            if stay.status not in (B.CONFIRMED, B.RETURNED):
                continue
            handover, checks = _handover(shipping, spec, stay, booking, previous, world)
            handovers.append(handover)
            entries += checks
            previous = booking
            if stay.feedback:
                visitors, agents, sessions, satisfaction, comments = stay.feedback
                feedback.append(
                    Feedback(
                        booking=booking,
                        visitors=visitors,
                        agents_reached=agents,
                        sessions_run=sessions,
                        satisfaction=satisfaction,
                        comments=comments,
                        created_at=_at(stay.ends_on + timedelta(days=3 + visitors % 12), 11),
                        by=booking.requested_by,
                    )
                )
        if spec.code == INCOMPLETE_SET and world.lead:
            last = [s for s in by_code[spec.code] if s.status == B.RETURNED][-1]
            entries.append(
                ConditionEntry(
                    expo_set=set_of[spec.code],
                    kind=ConditionEntry.Kind.NOTE,
                    condition=ExpoSet.Condition.INCOMPLETE,
                    notes=(
                        "Pièces commandées auprès de l'imprimeur et tablette en retour chez le "
                        "fournisseur : le jeu reste à la Caf d'accueil jusqu'à leur livraison, "
                        "puis il sera remis en circulation."
                    ),
                    booking=booking_of[id(last)],
                    caf=cafs[last.host.caf],
                    by=world.lead,
                    created_at=_at(last.ends_on + timedelta(days=4), 15),
                )
            )
    HandOver.objects.bulk_create(handovers, batch_size=BATCH)
    ConditionEntry.objects.bulk_create(entries, batch_size=BATCH)
    Feedback.objects.bulk_create(feedback, batch_size=BATCH)

    if plan.blackout and MAINTAINED_SET in set_of:
        starts_on, ends_on, reason = plan.blackout
        Blackout.objects.create(
            expo_set=set_of[MAINTAINED_SET], starts_on=starts_on, ends_on=ends_on, reason=reason
        )
    waitlist = []
    for stay in stays:
        by = asked_by[id(stay)]
        if not stay.waitlist or by is None:
            continue
        waitlist.append(
            WaitlistEntry(
                caf=cafs[stay.host.caf],
                requested_by=by,
                starts_on=stay.starts_on,
                ends_on=stay.ends_on,
                use=stay.use,
                expected_visitors=stay.expected_visitors,
                venue=stay.host.venue,
                contact_name=stay.host.contact_name,
                contact_phone=stay.host.contact_phone,
                contact_email=stay.host.contact_email,
                delivery_address=stay.host.address,
                status=(
                    WaitlistEntry.Status.ACCEPTED
                    if stay.waitlist == "accepted"
                    else WaitlistEntry.Status.EXPIRED
                ),
                offered_booking=booking_of[id(stay)],
                created_at=stay.waitlist_joined,
            )
        )
    WaitlistEntry.objects.bulk_create(waitlist)


def _tracking(rng: random.Random, carrier: str) -> str:
    if carrier == "Geodis":
        return f"{rng.randint(10**11, 10**12 - 1)}"
    if carrier == "DB Schenker":
        return f"FR{rng.randint(10**9, 10**10 - 1)}"
    if carrier == "Heppner":
        return f"HEP{rng.randint(10**7, 10**8 - 1)}"
    if carrier == "La Poste Colissimo":
        return f"6A{rng.randint(10**10, 10**11 - 1)}"
    return ""


def _handover(
    rng: random.Random,
    spec: SetSpec,
    stay: Stay,
    booking: Booking,
    previous: Booking | None,
    world: _World,
) -> tuple[HandOver, list[ConditionEntry]]:
    """How the set reaches this booking: from the previous host, or from its storage; shipped
    on the first transport day. A booking to come has its hand-over planned, not shipped."""
    from_caf = previous.caf if previous else world.cafs[spec.home]
    handover = HandOver(
        booking=booking,
        from_booking=previous,
        from_caf=from_caf,
        ship_on=booking.blocked_from,
    )
    if stay.status != B.RETURNED:
        return handover, []
    same_region = from_caf.region_id == booking.caf.region_id
    if from_caf.pk == booking.caf_id:
        carrier, notes = "", "Jeu stocké sur place : installé par les services généraux de la Caf."
        shipped = _at(handover.ship_on, 9, 0)
        received = _at(handover.ship_on, 11, 30)
    else:
        names = [name for name, _w in CARRIERS if same_region or not name.startswith("Navette")]
        weights = [w for name, w in CARRIERS if name in names]
        carrier = rng.choices(names, weights=weights)[0]
        notes = ""
        shipped = _at(handover.ship_on, rng.randint(8, 11), rng.choice((0, 15, 30, 45)))
        days = 0 if carrier.startswith("Navette") else 1
        received = _at(handover.ship_on + timedelta(days=days), rng.randint(13, 17), 0)
    handover.carrier, handover.tracking = carrier, _tracking(rng, carrier)
    handover.shipped_at, handover.received_at = shipped, received
    handover.arrival, handover.notes = stay.arrival, stay.arrival_notes or notes
    sender = previous.requested_by if previous else None
    checks = [
        ConditionEntry(
            expo_set_id=booking.expo_set_id,
            kind=ConditionEntry.Kind.DEPARTURE,
            condition=ExpoSet.Condition.GOOD,
            booking=booking,
            caf=from_caf,
            by=sender,
            created_at=shipped,
        ),
        ConditionEntry(
            expo_set_id=booking.expo_set_id,
            kind=ConditionEntry.Kind.ARRIVAL,
            condition=stay.arrival,
            missing_items=stay.missing_items,
            notes=stay.arrival_notes,
            booking=booking,
            caf=booking.caf,
            by=booking.requested_by,
            created_at=received,
        ),
    ]
    if stay.repaired_on:
        checks.append(
            ConditionEntry(
                expo_set_id=booking.expo_set_id,
                kind=ConditionEntry.Kind.REPAIR,
                condition=ExpoSet.Condition.GOOD,
                notes=(
                    "Pied de panneau remplacé par les services généraux de la Caf d'accueil "
                    "avec la pièce envoyée par le CafLab."
                ),
                booking=booking,
                caf=booking.caf,
                by=world.lead,
                created_at=_at(stay.repaired_on, 16, 0),
            )
        )
    return handover, checks


def _seed_waiting(ctx: SeedContext, world: _World, plan: Plan, seasons: _Seasons) -> None:
    """The Caf waiting for the weeks every set is out, unless it waits already (or has no
    agent to ask)."""
    if plan.waiting is None:
        return
    host, starts_on, ends_on, use, expected, joined = plan.waiting
    caf = world.cafs[host.caf]
    by = _agent(ctx.random("expo_booking.waiting"), world, host.caf)
    waiting = WaitlistEntry.objects.filter(caf=caf, status=WaitlistEntry.Status.WAITING)
    if by is None or waiting.exists():
        return
    seasons(f"Saison {starts_on.year}")  # the season of its dates, as for a booking
    WaitlistEntry.objects.create(
        caf=caf,
        requested_by=by,
        starts_on=starts_on,
        ends_on=ends_on,
        use=use,
        expected_visitors=expected,
        venue=host.venue,
        contact_name=host.contact_name,
        contact_phone=host.contact_phone,
        contact_email=host.contact_email,
        delivery_address=host.address,
        created_at=joined,
    )


# The malette numérique --------------------------------------------------------------------------
@dataclass(frozen=True)
class KitSpec:
    slug: str
    title: str
    kind: str
    description: str
    versions: tuple[tuple[str, date, str], ...]  # version, published on, what is new
    downloads: int  # in 2025
    by: str = LEAD


R = KitResource.Kind
KIT = (
    KitSpec(
        "support-exposition",
        "Support complet de l'exposition Caf'IA",
        R.SLIDES,
        "Les neuf thématiques de l'exposition au format PowerPoint, à projeter ou à imprimer, "
        "avec les notes de l'animateur sous chaque diapositive.",
        (
            ("1.0", date(2025, 5, 12), "La version des panneaux de l'exposition."),
            (
                "1.1",
                date(2025, 10, 6),
                "Une diapositive sur le règlement européen sur l'IA et des sources mises à jour.",
            ),
        ),
        280,
    ),
    KitSpec(
        "video-modele-de-langage",
        "Vidéo : comment fonctionne un modèle de langage ?",
        R.VIDEO,
        "Une data scientist de la Branche explique en sept minutes comment un modèle génératif "
        "apprend, prédit le mot suivant et pourquoi il peut se tromper avec aplomb.",
        (("1.0", date(2025, 6, 16), ""),),
        95,
        DEVELOPER,
    ),
    KitSpec(
        "video-donnees-personnelles",
        "Vidéo : IA générative et données des allocataires",
        R.VIDEO,
        "La déléguée à la protection des données d'une Caf rappelle ce qu'on ne confie jamais "
        "à un outil d'IA grand public, et pourquoi.",
        (("1.0", date(2025, 6, 16), ""),),
        80,
        DEVELOPER,
    ),
    KitSpec(
        "video-relation-de-service",
        "Vidéo : l'IA dans les métiers de la relation de service",
        R.VIDEO,
        "Un expert de la Cnaf et une conseillère en Caf échangent sur ce que l'IA peut changer "
        "à l'accueil, au téléphone et dans le traitement des courriels.",
        (("1.0", date(2025, 6, 16), ""),),
        70,
        DEVELOPER,
    ),
    KitSpec(
        "bar-a-prompts",
        "Jeu : le bar à prompts",
        R.GAME,
        "Quarante cartes défis à imprimer pour apprendre à formuler une consigne, de la plus "
        "vague à la plus précise, et comparer les réponses obtenues.",
        (("1.0", date(2025, 6, 16), ""),),
        110,
    ),
    KitSpec(
        "jeu-des-controverses",
        "Jeu des controverses",
        R.GAME,
        "Un plateau et trente-six cartes situations pour débattre en équipe des usages de l'IA "
        "dans le service public : ce qui aide, ce qui inquiète, ce qui reste à décider.",
        (("1.0", date(2025, 6, 16), ""),),
        90,
    ),
    KitSpec(
        "detection-images-generees",
        "Jeu : vrai ou généré ? La détection d'images générées",
        R.GAME,
        "Vingt-quatre images à classer, photos ou images générées, et la grille des indices "
        "qui permettent de les distinguer.",
        (("1.0", date(2025, 6, 16), ""),),
        85,
    ),
    KitSpec(
        "escape-card",
        "Escape card",
        R.GAME,
        "Cinq enveloppes d'énigmes à résoudre en équipe en trente minutes, autour des risques "
        "de l'IA générative ; version à imprimer avec son code de fin.",
        (("1.0", date(2025, 6, 16), ""),),
        75,
    ),
    KitSpec(
        "guide-animation-exposition",
        "Guide d'animation de l'exposition",
        R.GUIDE,
        "Installer l'exposition, l'ouvrir en circulation libre ou en séances animées, et "
        "conduire une séance de quarante-cinq minutes pas à pas.",
        (
            ("1.0", date(2025, 5, 12), ""),
            ("1.1", date(2025, 9, 1), "Un déroulé pour les séances sur la pause méridienne."),
        ),
        160,
    ),
    KitSpec(
        "guide-animation-jeux",
        "Guide d'animation des ateliers et jeux",
        R.GUIDE,
        "Les règles des quatre jeux, le matériel à prévoir, les questions pour lancer le débat "
        "et les réponses du quiz des images générées.",
        (("1.0", date(2025, 6, 16), ""),),
        120,
    ),
)


def _kit_file(spec: KitSpec, version: str, notes: str) -> tuple[str, int]:
    """A small text file standing in for the resource, written once at a fixed path."""
    content = (
        f"{spec.title}\nVersion {version}\n\n{spec.description}\n"
        + (f"\nNouveautés : {notes}\n" if notes else "")
        + "\nMalette de sensibilisation numérique de l'exposition Caf'IA, CafLab de la Cnaf.\n"
        "Fichier de démonstration du portail : il tient la place du fichier original "
        "(PowerPoint, vidéo ou PDF à imprimer).\n"
    ).encode()
    path = f"expo/malette/demo/{spec.slug}-v{version}.txt"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(content))
    return path, len(content)


def _seed_kit(ctx: SeedContext, world: _World, *, hosted: set[str]) -> None:
    existing = set(
        KitResource.objects.filter(title__in=[s.title for s in KIT]).values_list("title", flat=True)
    )
    todo = [(position, spec) for position, spec in enumerate(KIT, 1) if spec.title not in existing]
    if not todo:
        return
    staff = {u.email: u for u in User.objects.filter(email__in={LEAD, DEVELOPER})}
    resources = KitResource.objects.bulk_create(
        KitResource(title=spec.title, kind=spec.kind, description=spec.description, position=pos)
        for pos, spec in todo
    )
    versions: list[tuple[KitSpec, KitVersion]] = []
    for (_pos, spec), resource in zip(todo, resources, strict=True):
        for version, published, notes in spec.versions:
            path, size = _kit_file(spec, version, notes)
            versions.append(
                (
                    spec,
                    KitVersion(
                        resource=resource,
                        version=version,
                        notes=notes,
                        file=path,
                        name=path.rsplit("/", 1)[-1],
                        size=size,
                        content_type="text/plain",
                        uploaded_by=staff.get(spec.by),
                        created_at=_at(published, 10),
                    ),
                )
            )
    KitVersion.objects.bulk_create([v for _spec, v in versions])
    numbers = sorted(world.cafs)
    # The Cafs without a set download more; overseas, where no set travels, most of all.
    weights = [5 if len(n) == 3 else 1 if n in hosted else 3 for n in numbers]
    downloads = []
    for _pos, spec in todo:
        rng = ctx.random(f"expo_booking.kit.{spec.slug}")
        mine = sorted((v for s, v in versions if s is spec), key=lambda v: v.created_at)
        first = mine[0].created_at.date()
        span = (date(ctx.year, 12, 31) - first).days
        for _n in range(spec.downloads):
            # More right after publication, then steadily through the year.
            day = _working_day(first + timedelta(days=int(span * rng.random() ** 1.5)))
            at = _at(max(day, first), rng.randint(8, 17), rng.randint(0, 59))
            at = max(at, mine[0].created_at + timedelta(minutes=rng.randint(5, 300)))
            version = [v for v in mine if v.created_at <= at][-1]
            number = rng.choices(numbers, weights=weights)[0] if rng.random() > 0.03 else None
            downloads.append(
                KitDownload(version=version, caf=world.cafs[number] if number else None, at=at)
            )
    KitDownload.objects.bulk_create(downloads, batch_size=BATCH)


def _log_summary(ctx: SeedContext) -> None:
    stats = year_stats(year=ctx.year)
    later = Booking.objects.filter(
        expo_set__code__in=CODES, status__in=[B.REQUESTED, B.CONFIRMED]
    ).count()
    ctx.log(
        f"  {ExpoSet.objects.filter(code__in=CODES).count()} jeux d'exposition, "
        f"{stats.bookings} réservations en {ctx.year} : {stats.host_cafs} Caf d'accueil sur "
        f"{stats.caf_count} ({stats.host_share} %), {_thousands(stats.visitors)} visiteurs ; "
        f"{later} réservations à venir, {_thousands(stats.kit_downloads)} téléchargements de "
        "la malette"
    )


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")
