"""National-scale synthetic data for performance measurement (`manage.py seed_scale`).

Factor 1 is one national year (2025) of the Caf network: 30,000 agents, 200 consultations with
1,000,000 answers (one `Answer` row per question answered) of which one consultation has
100,000 respondents, 100,000 ideas with 1,000,000 supports and 300,000 comments, 400 plans with
20,000 actions, 5,000 Caf'IA bookings, 2,000 projects and 10,000 living-lab members. Every count
scales linearly with the factor.

The big tables are written with PostgreSQL's COPY, the small ones with bulk_create; no model
signal runs (the audit trail is suspended by the command) and no email or task is sent.
Everything is drawn from generators seeded by name, so that two runs write the same data.

Scale objects are marked, so that they can be found and deleted again: users' emails end with
`@scale.caflab.test`, slugs start with `scale-`, exhibition sets' codes with `SCALE-`, and the
other rows hang from one of these (ideas by their author, plans by their pilot).
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from time import monotonic
from zoneinfo import ZoneInfo

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from caflab.demo import AGENT_JOBS, FIRST_NAMES, LAST_NAMES
from caflab.models import Caf, User

SCALE_DOMAIN = "scale.caflab.test"
EMAIL_SUFFIX = f"@{SCALE_DOMAIN}"
SLUG_PREFIX = "scale-"
SET_PREFIX = "SCALE-"
SEASON_NAME = "Saison nationale 2025 (montée en charge)"
YEAR = 2025
SEED = "caflab-scale"
PARIS = ZoneInfo("Europe/Paris")
# An unusable password (Django's mark): scale agents never log in with a password.
UNUSABLE_PASSWORD = "!scale-agent-no-password"  # noqa: S105

# Factor 1: one national year.
BASE = {
    "agents": 30_000,
    "consultations": 200,
    "answers": 1_000_000,
    "big_respondents": 100_000,
    "ideas": 100_000,
    "supports": 1_000_000,
    "comments": 300_000,
    "plans": 400,
    "actions": 20_000,
    "bookings": 5_000,
    "projects": 2_000,
    "labs": 100,
    "members": 10_000,
}
BIG_QUESTIONS = 4  # the questionnaire of the consultation with 100,000 respondents
OTHER_QUESTIONS = 6  # … and of the others
BOOKINGS_PER_SET = 28  # what one set can host in a year, transport days included
NATIONAL_SHARE = 0.15  # ideas posted in the national box
MIN_LOCAL_POOL = 20  # below this many agents in a Caf, its agents post in the national box


def targets(factor: float) -> dict[str, int]:
    counts = {name: max(1, round(value * factor)) for name, value in BASE.items()}
    counts["consultations"] = max(2, counts["consultations"])  # the big one and at least another
    return counts


# Vocabularies ------------------------------------------------------------------------------------
IDEA_VERBS = (
    "Simplifier",
    "Dématérialiser",
    "Clarifier",
    "Accélérer",
    "Mutualiser",
    "Faciliter",
    "Repenser",
    "Automatiser",
    "Harmoniser",
    "Personnaliser",
    "Rendre plus lisible",
    "Sécuriser",
)
IDEA_OBJECTS = (
    "la demande d'aide au logement étudiant",
    "le traitement des pièces justificatives",
    "l'accueil sur rendez-vous",
    "la déclaration trimestrielle du RSA",
    "le courrier de notification de la prime d'activité",
    "la prise de rendez-vous en ligne",
    "le suivi des dossiers d'allocation de soutien familial",
    "l'information des familles sur la complémentaire libre choix du mode de garde",
    "le contrôle des ressources des allocataires",
    "l'instruction des demandes d'aide au départ en vacances",
    "la relation avec les bailleurs sociaux",
    "le recouvrement des indus",
    "l'accompagnement des familles après une séparation",
    "l'intermédiation financière des pensions alimentaires",
    "la gestion des appels entrants",
    "l'accueil des nouveaux agents",
    "le partage d'informations avec les centres sociaux",
    "la demande d'allocation journalière de présence parentale",
    "le versement de la prestation d'accueil du jeune enfant",
    "l'orientation des allocataires vers France services",
)
IDEA_COMPLEMENTS = (
    "",
    " pour les familles monoparentales",
    " en zone rurale",
    " avec les partenaires du territoire",
    " grâce à un formulaire unique",
    " pour les jeunes de moins de 25 ans",
    " dès le premier contact",
    " pour les allocataires en situation de handicap",
    " avec un rappel par SMS",
    " dans l'espace Mon Compte",
)
IDEA_FINDINGS = (
    "Aujourd'hui, les allocataires nous appellent plusieurs fois pour le même dossier.",
    "Les pièces arrivent souvent incomplètes et le dossier reste en attente plusieurs semaines.",
    "À l'accueil, nous expliquons chaque jour la même démarche, faute de support clair.",
    "Les partenaires ne savent pas toujours à qui s'adresser dans la Caf.",
    "Les familles découvrent trop tard qu'elles avaient droit à la prestation.",
    "Le courrier actuel est jugé difficile à comprendre lors des ateliers avec les usagers.",
    "Les délais de traitement s'allongent au moment des pics d'activité de la rentrée.",
    "Les agents ressaisissent des informations déjà connues dans un autre outil.",
)
IDEA_PROPOSALS = (
    "Je propose un parcours guidé en trois étapes, testé d'abord avec quelques familles.",
    "Un modèle commun partagé entre les Caf ferait gagner du temps à tout le réseau.",
    "Une fiche pratique remise dès le premier rendez-vous éviterait de nombreux appels.",
    "Un point mensuel avec les partenaires permettrait de régler les situations bloquées.",
    "Un pré-remplissage à partir des données déjà connues limiterait les erreurs.",
    "Une expérimentation de six mois dans une antenne permettrait d'en mesurer l'effet.",
)
COMMENTS = (
    "Très bonne idée, nous rencontrons la même difficulté dans notre Caf.",
    "Nous avons testé quelque chose de proche l'an dernier, je peux partager notre retour.",
    "Attention aux contraintes réglementaires : il faudrait associer le service juridique.",
    "Cela simplifierait vraiment le quotidien à l'accueil.",
    "Je soutiens, surtout pour les familles les plus éloignées du numérique.",
    "Est-ce que les partenaires ont été consultés sur ce point ?",
    "Bravo, c'est une demande récurrente des allocataires.",
    "Il faudrait penser aussi aux agents en télétravail.",
    "Notre antenne serait volontaire pour expérimenter.",
    "Une piste intéressante, à croiser avec les travaux du living lab.",
    "Le gain de temps serait important au moment de la rentrée.",
    "Pourquoi ne pas commencer par un test sur un seul territoire ?",
)
ANSWERS = {
    "retenue": "Merci pour cette proposition : elle est retenue et sera étudiée avec le métier.",
    "non_retenue": "Merci : cette idée n'est pas retenue, un chantier national est déjà en cours.",
    "en_etude": "Votre idée est à l'étude avec le service concerné.",
}
SERVICES = (
    "Service prestations",
    "Pôle accueil",
    "Service action sociale",
    "Direction des systèmes d'information",
    "Service contrôle",
)
CONSULTATION_OPENINGS = (
    "Votre avis sur",
    "Consultation sur",
    "Donnez votre avis :",
    "Enquête auprès des familles :",
    "Parlons ensemble de",
)
CONSULTATION_TOPICS = (
    "l'accueil en Caf",
    "la demande d'aide au logement étudiant",
    "les modes d'accueil du jeune enfant",
    "les démarches après une séparation",
    "l'espace Mon Compte",
    "les aides aux vacances des familles",
    "le soutien à la parentalité",
    "l'accès aux droits des jeunes",
    "les rendez-vous en visioconférence",
    "l'information sur la prime d'activité",
    "les relations avec les partenaires",
    "la qualité de vie au travail des agents",
)
PROFILES = ("Parent", "Allocataire sans enfant", "Jeune de moins de 25 ans", "Aidant", "Autre")
SATISFACTION = ("Très satisfait", "Plutôt satisfait", "Peu satisfait", "Pas du tout satisfait")
CHANNELS = ("Sur caf.fr", "Par téléphone", "À l'accueil de la Caf", "Dans un point France services")
SHORT_TEXTS = (
    "Des délais plus courts",
    "Un interlocuteur unique",
    "Des courriers plus simples",
    "Plus de rendez-vous le samedi",
    "Être prévenu des changements",
    "Une application plus claire",
    "Rien à signaler",
)
SECTORS = ("nord", "sud", "est", "ouest", "centre", "littoral", "montagne", "plaine", "vallée")
PROJECT_NOUNS = (
    "Micro-crèche à horaires atypiques",
    "Épicerie solidaire",
    "Relais petite enfance itinérant",
    "Maison des familles",
    "Tiers-lieu parentalité",
    "Jardin partagé intergénérationnel",
    "Bus France services",
    "Café des aidants",
    "Plateforme d'entraide entre parents",
    "Atelier cuisine et budget",
    "Accueil de loisirs inclusif",
    "Permanence d'accès aux droits",
)
PROJECT_SUMMARIES = (
    "Un projet construit avec les familles du territoire et les partenaires locaux.",
    "Une expérimentation suivie par le CafLab, évaluée à douze mois.",
    "Une réponse aux besoins exprimés lors des ateliers du living lab.",
    "Un projet essaimable, documenté pour les autres Caf du réseau.",
)
LAB_VENUES = ("Centre social", "Maison des familles", "Espace de vie sociale", "Médiathèque")
SET_CONTENTS = "9 panneaux triptyques, 4 ateliers et jeux, malette numérique"
VENUES = ("Hall d'accueil de la Caf", "Médiathèque municipale", "Centre social", "Mairie")


# The loader --------------------------------------------------------------------------------------
@dataclass
class Step:
    table: str
    rows: int
    seconds: float


@dataclass
class Loader:
    factor: float
    log: Callable[[str], None] = print
    steps: list[Step] = field(default_factory=list)
    _generators: dict[str, random.Random] = field(default_factory=dict)

    def random(self, name: str) -> random.Random:
        if name not in self._generators:
            self._generators[name] = random.Random(f"{SEED}:{name}")  # noqa: S311
        return self._generators[name]

    @contextmanager
    def step(self, table: str) -> Iterator[list[int]]:
        """Time one table; the block appends the rows it wrote to the list it receives."""
        counter = [0]
        start = monotonic()
        yield counter
        seconds = monotonic() - start
        self.steps.append(Step(table, counter[0], seconds))
        rate = counter[0] / seconds if seconds else 0
        self.log(f"  {table:<34} {counter[0]:>10,} lignes  {seconds:7.1f} s  ({rate:,.0f}/s)")

    def copy(self, model: type[models.Model], names: list[str], rows: Iterable[tuple]) -> int:
        """COPY rows (values of `names`, in that order) into the model's table; the other
        columns get their field's default (constant, computed once)."""
        given = set(names)
        now = timezone.now()
        extra_names, extra_values = [], []
        for f in model._meta.concrete_fields:
            if f.name in given or f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif f.blank and f.empty_strings_allowed:
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{f.name} n'a pas de valeur")
            extra_names.append(f.name)
            extra_values.append(value)
        columns = [model._meta.get_field(n).column for n in names + extra_names]
        extra = tuple(extra_values)
        sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
        count = 0
        with connection.cursor() as wrapper, wrapper.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row + extra)
                count += 1
        return count

    def reserve_ids(self, model: type[models.Model], n: int) -> list[int]:
        """Take n keys from the table's sequence, so that COPY can write them and the rows
        that point to them."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608
                "FROM generate_series(1, %s)",
                [n],
            )
            return [row[0] for row in cursor.fetchall()]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _moment(rng: random.Random, day: date, start_hour: int = 8, end_hour: int = 19) -> datetime:
    seconds = rng.randint(start_hour * 3600, end_hour * 3600 - 1)
    return datetime.combine(day, time(), tzinfo=PARIS) + timedelta(seconds=seconds)


def _day(rng: random.Random, start: date, end: date) -> date:
    return date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def _split(rng: random.Random, total: int, parts: int, *, alpha: float = 1.6) -> list[int]:
    """total split into parts with a long tail (a few popular, many modest), summing exactly."""
    weights = [rng.paretovariate(alpha) for _ in range(parts)]
    scale = total / sum(weights)
    shares = [int(w * scale) for w in weights]
    for index in rng.sample(range(parts), total - sum(shares)) if parts else []:
        shares[index] += 1
    return shares


def _cap(rng: random.Random, shares: list[int], caps: list[int]) -> list[int]:
    """Bring every share under its cap, moving the excess to shares that still have room."""
    excess = 0
    for i, cap in enumerate(caps):
        if shares[i] > cap:
            excess += shares[i] - cap
            shares[i] = cap
    room = [i for i in range(len(shares)) if shares[i] < caps[i]]
    while excess and room:
        i = room[rng.randrange(len(room))]
        give = min(excess, caps[i] - shares[i], max(1, excess // max(1, len(room))))
        shares[i] += give
        excess -= give
        if shares[i] >= caps[i]:
            room.remove(i)
    return shares


def _ascii(text: str) -> str:
    return slugify(text).replace("-", "")


# Presence, reset ---------------------------------------------------------------------------------
def present() -> bool:
    from consultations.models import Consultation
    from livinglabs.models import Lab

    return (
        User.objects.filter(email__endswith=EMAIL_SUFFIX).exists()
        or Consultation.objects.filter(slug__startswith=SLUG_PREFIX).exists()
        or Lab.objects.filter(slug__startswith=SLUG_PREFIX).exists()
    )


def _purge(model: type[models.Model], where: str, params: list, depth: int = 0) -> int:
    """Delete the rows of `model` matching `where` (SQL on its table) and, first, whatever
    points to them, in SQL: the ORM's collector would load millions of rows in memory.
    CASCADE and PROTECT follow, SET_NULL nulls; many-to-many links go."""
    if depth > 8:
        raise RuntimeError("relations trop profondes")
    table, pk = model._meta.db_table, model._meta.pk.column
    subquery = f"SELECT {pk} FROM {table} WHERE {where}"  # noqa: S608
    with connection.cursor() as cursor:
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through._meta
            column = m2m.m2m_column_name()
            cursor.execute(
                f"DELETE FROM {through.db_table} WHERE {column} IN ({subquery})",  # noqa: S608
                params,
            )
        relations = [
            f
            for f in model._meta.get_fields(include_hidden=True)
            if f.auto_created
            and not f.concrete
            and (f.one_to_many or f.one_to_one or f.many_to_many)
        ]
        for rel in relations:
            related = rel.related_model
            if rel.many_to_many:
                through = rel.through._meta
                fk = next(
                    f
                    for f in through.fields
                    if f.is_relation and f.related_model == model and f.name != "id"
                )
                cursor.execute(
                    f"DELETE FROM {through.db_table} WHERE {fk.column} IN ({subquery})",  # noqa: S608
                    params,
                )
                continue
            column = rel.field.column
            inner = f"{column} IN ({subquery})"
            # What protects a scale row is scale data itself (the bookings of a scale set).
            if rel.on_delete in (models.CASCADE, models.PROTECT) and related is not model:
                _purge(related, inner, params, depth + 1)
            else:  # SET_NULL, self references
                if rel.field.null:
                    cursor.execute(
                        f"UPDATE {related._meta.db_table} SET {column} = NULL WHERE {inner}",  # noqa: S608
                        params,
                    )
        cursor.execute(f"DELETE FROM {table} WHERE {where}", params)  # noqa: S608
        return cursor.rowcount


def reset(loader: Loader) -> None:
    from consultations.models import Consultation
    from cooperation.models import Plan
    from eurekaf.models import Idea
    from expo_booking.models import ExpoSet, Season
    from livinglabs.models import Lab
    from projects.models import Project

    users = f"SELECT id FROM {User._meta.db_table} WHERE email LIKE %s"  # noqa: S608
    like_email = f"%{EMAIL_SUFFIX}"
    like_slug = f"{SLUG_PREFIX}%"
    plan_members = "SELECT plan_id FROM cooperation_planmember WHERE role = 'pilote' AND user_id IN"
    jobs = (
        ("consultations", Consultation, "slug LIKE %s", [like_slug]),
        ("idées", Idea, f"author_id IN ({users})", [like_email]),
        ("plans", Plan, f"id IN ({plan_members} ({users}))", [like_email]),
        ("jeux d'exposition", ExpoSet, "code LIKE %s", [f"{SET_PREFIX}%"]),
        ("saison", Season, "name = %s", [SEASON_NAME]),
        ("living labs", Lab, "slug LIKE %s", [like_slug]),
        ("projets", Project, "slug LIKE %s", [like_slug]),
        ("agents", User, "email LIKE %s", [like_email]),
    )
    for label, model, where, params in jobs:
        with loader.step(f"suppression : {label}") as done, transaction.atomic():
            # The keys first: the condition may read rows that the purge deletes (plan members).
            with connection.cursor() as cursor:
                table = model._meta.db_table
                cursor.execute(f"SELECT id FROM {table} WHERE {where}", params)  # noqa: S608
                ids = [row[0] for row in cursor.fetchall()]
            done[0] = _purge(model, "id = ANY(%s)", [ids]) if ids else 0
    forget_cached_pages()


# Generation --------------------------------------------------------------------------------------
def generate(loader: Loader) -> None:
    counts = targets(loader.factor)
    cafs = list(Caf.objects.select_related("region").order_by("number"))
    if not cafs:
        from caflab.models import Region
        from caflab.reference import load_regions_and_cafs

        load_regions_and_cafs(Region, Caf)
        cafs = list(Caf.objects.select_related("region").order_by("number"))
    agents = _agents(loader, cafs, counts["agents"])
    _consultations(loader, cafs, counts)
    _eurekaf(loader, cafs, agents, counts)
    _cooperation(loader, cafs, agents, counts)
    _expo(loader, cafs, agents, counts)
    _projects(loader, cafs, agents, counts)
    _livinglabs(loader, cafs, counts)
    with loader.step("ANALYZE"), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    forget_cached_pages()


def forget_cached_pages() -> None:
    """COPY and raw DELETE fire no signal, so no version was bumped, and the primary keys of
    an earlier load can come back: every cached page and version goes (the sessions stay in
    the database, the rate limits start again)."""
    from django.core.cache import cache

    cache.clear()


@dataclass(frozen=True)
class Agent:
    id: int
    caf_id: int
    name: str


def _agents(loader: Loader, cafs: list[Caf], n: int) -> list[Agent]:
    rng = loader.random("agents")
    ids = loader.reserve_ids(User, n)
    joined = datetime(2022, 1, 3, 9, tzinfo=PARIS)
    agents, rows = [], []
    for index, pk in enumerate(ids):
        caf = cafs[index % len(cafs)]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{_ascii(first)}.{_ascii(last)}.{index:05d}{EMAIL_SUFFIX}"
        innovator = rng.random() < 0.01
        since = date(YEAR, rng.randint(1, 12), rng.randint(1, 28)) if innovator else None
        rows.append(
            (
                pk,
                email,
                first,
                last,
                User.Role.AGENT.value,
                caf.pk,
                rng.choice(AGENT_JOBS),
                innovator,
                since,
                UNUSABLE_PASSWORD,
                joined,
                True,
                False,
                False,
            )
        )
        agents.append(Agent(pk, caf.pk, f"{first} {last}"))
    names = ["id", "email", "first_name", "last_name", "role", "caf", "job_title"]
    names += ["is_innovator", "innovator_since", "password", "date_joined"]
    names += ["is_active", "is_staff", "is_superuser"]
    with loader.step("utilisateurs (agents)") as done, transaction.atomic():
        done[0] = loader.copy(User, names, rows)
    return agents


def _consultations(loader: Loader, cafs: list[Caf], counts: dict[str, int]) -> None:
    from consultations import demo as consultations_demo
    from consultations.models import (
        Answer,
        Choice,
        Consultation,
        Participation,
        Question,
        Response,
        Section,
        Theme,
    )

    rng = loader.random("consultations")
    themes = _themes(Theme, consultations_demo.THEMES)
    n = counts["consultations"]
    big = counts["big_respondents"]
    rest = max(0, counts["answers"] - big * BIG_QUESTIONS) // OTHER_QUESTIONS
    respondents = [big, *_split(rng, rest, n - 1)]
    Q = Question.Kind
    with loader.step("consultations (questionnaires)") as done, transaction.atomic():
        consultations = []
        for index in range(n):
            topic = rng.choice(CONSULTATION_TOPICS)
            title = f"{rng.choice(CONSULTATION_OPENINGS)} {topic}"
            if index:
                title += f" — {rng.choice(cafs).name}"
            opens = _day(rng, date(YEAR, 1, 6), date(YEAR, 9, 30))
            closes = opens + timedelta(days=rng.choice((21, 28, 42, 60)))
            consultations.append(
                Consultation(
                    title=title[:200],
                    slug=f"{SLUG_PREFIX}{index:04d}-{slugify(topic)}"[:80],
                    summary=f"Une consultation nationale sur {topic}, ouverte à tous les publics.",
                    commissioned_by=consultations_demo.DPFS,
                    theme=rng.choice(themes),
                    audience=Consultation.Audience.PUBLIC,
                    opens_at=datetime.combine(opens, time(9), tzinfo=PARIS),
                    closes_at=datetime.combine(closes, time(18), tzinfo=PARIS),
                    status=Consultation.Status.RESULTS if closes.year == YEAR else "close",
                    closed_at=datetime.combine(closes, time(18), tzinfo=PARIS),
                    respondent_count=respondents[index],
                )
            )
        Consultation.objects.bulk_create(consultations)
        sections = [
            Section(consultation=c, title=title, position=position)
            for c in consultations
            for position, title in enumerate(("Votre situation", "Votre expérience"))
        ]
        Section.objects.bulk_create(sections)
        questions: list[tuple[Question, tuple[str, ...]]] = []
        for i, c in enumerate(consultations):
            first, second = sections[2 * i], sections[2 * i + 1]
            specs = [
                (first, Q.DEPARTMENT, "Dans quel département habitez-vous ?", ()),
                (first, Q.PROFILE, "Vous êtes :", PROFILES),
                (second, Q.SINGLE, "Comment avez-vous fait votre démarche ?", CHANNELS),
                (second, Q.SCALE, "Quelle note donnez-vous à votre expérience ?", ()),
            ]
            if i:
                specs += [
                    (second, Q.YES_NO, "Avez-vous obtenu une réponse claire ?", ("Oui", "Non")),
                    (second, Q.SHORT_TEXT, "Qu'est-ce qui vous aiderait le plus ?", ()),
                ]
            for position, (section, kind, label, choices) in enumerate(specs):
                question = Question(
                    consultation=c,
                    section=section,
                    position=position,
                    kind=kind,
                    label=label,
                    required=kind != Q.SHORT_TEXT,
                    scale_min_label="Très mauvaise" if kind == Q.SCALE else "",
                    scale_max_label="Excellente" if kind == Q.SCALE else "",
                )
                questions.append((question, choices))
        Question.objects.bulk_create([q for q, _c in questions])
        choices = [
            Choice(question=q, label=label, position=p)
            for q, labels in questions
            for p, label in enumerate(labels)
        ]
        Choice.objects.bulk_create(choices)
        done[0] = len(consultations) + len(sections) + len(questions) + len(choices)

    by_consultation: dict[int, list[tuple[int, str, list[int]]]] = {}
    choice_ids: dict[int, list[int]] = {}
    for choice in choices:
        choice_ids.setdefault(choice.question_id, []).append(choice.pk)
    for q, _labels in questions:
        by_consultation.setdefault(q.consultation_id, []).append(
            (q.pk, q.kind, choice_ids.get(q.pk, []))
        )
    weights = [consultations_demo.POPULATION.get(c.number, 300) for c in cafs]
    numbers = [c.number for c in cafs]
    answer_rng = loader.random("consultations.answers")

    def responses() -> Iterator[tuple]:
        for c, count in zip(consultations, respondents, strict=True):
            start, end = c.opens_at.date(), c.closes_at.date() - timedelta(days=1)
            for _ in range(count):
                yield (_uuid(answer_rng), c.pk, _day(answer_rng, start, end), "valide")

    def participations() -> Iterator[tuple]:
        for c, count in zip(consultations, respondents, strict=True):
            start, end = c.opens_at.date(), c.closes_at.date() - timedelta(days=1)
            for _ in range(count):
                yield (_uuid(answer_rng), c.pk, "", "", _day(answer_rng, start, end))

    response_ids: list[tuple[uuid.UUID, int]] = []

    def keep(rows: Iterator[tuple]) -> Iterator[tuple]:
        for row in rows:
            response_ids.append((row[0], row[1]))
            yield row

    with loader.step("consultations : réponses") as done, transaction.atomic():
        done[0] = loader.copy(
            Response, ["id", "consultation", "submitted_on", "review"], keep(responses())
        )
    with loader.step("consultations : participations") as done, transaction.atomic():
        done[0] = loader.copy(
            Participation,
            ["id", "consultation", "respondent_key", "ip_hash", "created_on"],
            participations(),
        )

    def answers() -> Iterator[tuple]:
        r = answer_rng
        for response_id, consultation_id in response_ids:
            for question_id, kind, options in by_consultation[consultation_id]:
                choice, text, number = None, "", None
                if kind == Q.DEPARTMENT:
                    text = r.choices(numbers, weights)[0]
                elif kind == Q.SCALE:
                    number = Decimal(min(5, max(1, round(r.gauss(3.6, 1.0)))))
                elif kind == Q.SHORT_TEXT:
                    text = r.choice(SHORT_TEXTS)
                else:
                    choice = options[min(len(options) - 1, int(r.expovariate(0.9)))]
                yield (response_id, question_id, choice, text, number, None)

    with loader.step("consultations : réponses aux questions") as done, transaction.atomic():
        done[0] = loader.copy(
            Answer, ["response", "question", "choice", "text", "number", "date"], answers()
        )


def _themes(model, vocabulary) -> list:
    """The themes the demo defines (created if the demo has not run), matched by slug."""
    existing = {t.slug: t for t in model.objects.all()}
    names = {t.name for t in existing.values()}
    missing = [
        model(name=name, slug=slug)
        for name, slug in vocabulary
        if slug not in existing and name not in names
    ]
    model.objects.bulk_create(missing)
    return list(model.objects.order_by("slug"))


def _eurekaf(loader: Loader, cafs: list[Caf], agents: list[Agent], counts) -> None:
    from eurekaf import demo as eurekaf_demo
    from eurekaf.models import Comment, Follow, Idea, IdeaBox, IdeaStatusChange, Support, Theme

    rng = loader.random("eurekaf")
    _themes(Theme, eurekaf_demo.THEMES)
    by_caf: dict[int, list[Agent]] = {}
    for agent in agents:
        by_caf.setdefault(agent.caf_id, []).append(agent)
    with loader.step("eurekaf : boîtes à idées") as done, transaction.atomic():
        existing = {box.caf_id: box for box in IdeaBox.objects.all()}
        # Named as the demo names them, so that seed_demo finds and keeps them.
        missing = [] if None in existing else [IdeaBox(name="Boîte nationale", slug="nationale")]
        missing += [
            IdeaBox(caf=caf, name=caf.name, slug=f"caf-{caf.number.lower()}")
            for caf in cafs
            if caf.pk not in existing and len(by_caf.get(caf.pk, ())) >= MIN_LOCAL_POOL
        ]
        IdeaBox.objects.bulk_create(missing)
        boxes = {box.caf_id: box.pk for box in IdeaBox.objects.all()}
        done[0] = len(missing)

    n = counts["ideas"]
    ids = loader.reserve_ids(Idea, n)
    ideas = []  # (id, box caf id or None, author, created day)
    start, end = date(YEAR, 1, 2), date(YEAR, 12, 19)
    for pk in ids:
        author = rng.choice(agents)
        local = len(by_caf.get(author.caf_id, ())) >= MIN_LOCAL_POOL
        caf_id = author.caf_id if local and rng.random() >= NATIONAL_SHARE else None
        ideas.append((pk, caf_id, author, _moment(rng, _day(rng, start, end))))
    pools = [by_caf[caf_id] if caf_id else agents for _pk, caf_id, _a, _m in ideas]
    supports = _cap(rng, _split(rng, counts["supports"], n), [len(p) - 1 for p in pools])
    comments = _cap(rng, _split(rng, counts["comments"], n, alpha=2.0), [200] * n)

    support_rows, comment_rows, follow_rows, change_rows, idea_rows = [], [], [], [], []
    statuses = ("deposee",) * 10 + ("en_etude",) * 4 + ("retenue", "non_retenue")
    for (pk, caf_id, author, created), pool, n_supports, n_comments in zip(
        ideas, pools, supports, comments, strict=True
    ):
        last = created
        if n_supports:
            chosen = rng.sample(pool, min(len(pool), n_supports + 1))
            chosen = [a for a in chosen if a.id != author.id][:n_supports]
            support_rows.extend(
                (pk, agent.id, created + timedelta(hours=rng.randint(1, 900))) for agent in chosen
            )
        followers = {author.id}
        for _ in range(n_comments):
            commenter = rng.choice(pool)
            moment = created + timedelta(hours=rng.randint(1, 1500))
            last = max(last, moment)
            comment_rows.append((pk, commenter.id, rng.choice(COMMENTS), moment))
            followers.add(commenter.id)
        follow_rows.extend((pk, user_id, created) for user_id in sorted(followers))
        status = rng.choice(statuses)
        change_rows.append((pk, "", "deposee", "", author.id, created))
        answered = None
        if status != "deposee":
            answered = created + timedelta(days=rng.randint(7, 60))
            change_rows.append((pk, "deposee", status, ANSWERS[status], None, answered))
        title = f"{rng.choice(IDEA_VERBS)} {rng.choice(IDEA_OBJECTS)}{rng.choice(IDEA_COMPLEMENTS)}"
        description = f"{rng.choice(IDEA_FINDINGS)} {rng.choice(IDEA_PROPOSALS)}"
        idea_rows.append(
            (
                pk,
                boxes[caf_id],
                author.id,
                author.caf_id,
                title[:160],
                description,
                status,
                len(chosen) if n_supports else 0,
                n_comments,
                len(followers),
                created,
                answered,
                answered,
                max(last, answered or created),
                rng.choice(SERVICES) if answered else "",
            )
        )
    names = ["id", "box", "author", "origin_caf", "title", "description", "status"]
    names += ["support_count", "comment_count", "follower_count"]
    names += ["created_at", "status_changed_at", "first_answer_at", "last_activity_at"]
    names += ["assigned_service"]
    with loader.step("eurekaf : idées") as done, transaction.atomic():
        done[0] = loader.copy(Idea, names, idea_rows)
    with loader.step("eurekaf : historique des statuts") as done, transaction.atomic():
        done[0] = loader.copy(
            IdeaStatusChange,
            ["idea", "from_status", "to_status", "answer", "by", "created_at"],
            change_rows,
        )
    with loader.step("eurekaf : soutiens") as done, transaction.atomic():
        done[0] = loader.copy(Support, ["idea", "agent", "created_at"], support_rows)
    with loader.step("eurekaf : commentaires") as done, transaction.atomic():
        done[0] = loader.copy(Comment, ["idea", "author", "text", "created_at"], comment_rows)
    with loader.step("eurekaf : abonnements") as done, transaction.atomic():
        done[0] = loader.copy(Follow, ["idea", "user", "created_at"], follow_rows)


def _local_pool(by_caf: dict[int, list[Agent]], caf_id: int, agents: list[Agent], k: int):
    pool = by_caf.get(caf_id, [])
    return pool if len(pool) >= k else agents


def _cooperation(loader: Loader, cafs: list[Caf], agents: list[Agent], counts) -> None:
    from cooperation import demo as cooperation_demo
    from cooperation.models import Action, Axis, AxisTheme, Objective, Plan, PlanMember

    rng = loader.random("cooperation")
    themes = {t.slug: t for t in _themes(AxisTheme, cooperation_demo.THEMES)}
    catalogue = [
        (slug, spec) for slug, spec in cooperation_demo.CATALOGUE.items() if slug in themes
    ]
    caf_by_id = {caf.pk: caf for caf in cafs}
    by_caf: dict[int, list[Agent]] = {}
    for agent in agents:
        by_caf.setdefault(agent.caf_id, []).append(agent)
    n_plans = counts["plans"]
    per_plan = _split(rng, counts["actions"], n_plans, alpha=4.0)
    with loader.step("coopération : plans et axes") as done, transaction.atomic():
        plans, members, axes, objectives = [], [], [], []
        for index in range(n_plans):
            pilot = rng.choice(agents)
            caf = caf_by_id[pilot.caf_id]
            kind = Plan.Kind.SDSF if index % 10 == 0 else Plan.Kind.CTG
            starts = date(rng.choice((2022, 2023, 2024, 2025)), 1, 1)
            sector = rng.choice(SECTORS)
            label = "CTG" if kind == Plan.Kind.CTG else "SDSF"
            plans.append(
                Plan(
                    kind=kind,
                    title=f"{label} {caf.department_name} {sector} {starts.year}-{starts.year + 4}",
                    caf=caf,
                    territory=f"{caf.department_name}, secteur {sector}",
                    starts_on=starts,
                    ends_on=date(starts.year + 4, 12, 31),
                    status=Plan.Status.ACTIVE,
                    pilot_since=starts,
                )
            )
            pool = _local_pool(by_caf, pilot.caf_id, agents, 4)
            team = [a for a in rng.sample(pool, min(len(pool), 4)) if a.id != pilot.id][:3]
            members.append([(pilot, PlanMember.Role.PILOT)])
            members[-1] += [(a, PlanMember.Role.CONTRIBUTOR) for a in team]
        Plan.objects.bulk_create(plans)
        PlanMember.objects.bulk_create(
            PlanMember(plan=plan, user_id=agent.id, role=role)
            for plan, team in zip(plans, members, strict=True)
            for agent, role in team
        )
        for plan in plans:
            for position, (slug, spec) in enumerate(rng.sample(catalogue, min(3, len(catalogue)))):
                axis = Axis(plan=plan, theme=themes[slug], title=spec[0][:200], position=position)
                axes.append((axis, spec[1]))
        Axis.objects.bulk_create([a for a, _s in axes])
        for axis, objective_specs in axes:
            for position, (title, actions) in enumerate(objective_specs[:2]):
                objectives.append((Objective(axis=axis, title=title, position=position), actions))
        Objective.objects.bulk_create([o for o, _a in objectives])
        done[0] = len(plans) + len(axes) + len(objectives) + sum(len(m) for m in members)

    by_plan: dict[int, list[tuple[Objective, tuple[str, ...]]]] = {}
    for objective, actions in objectives:
        by_plan.setdefault(objective.axis.plan_id, []).append((objective, actions))
    today = date(YEAR, 12, 31)

    def rows() -> Iterator[tuple]:
        for plan, team, count in zip(plans, members, per_plan, strict=True):
            slots = by_plan[plan.pk]
            for position in range(count):
                objective, titles = slots[position % len(slots)]
                starts = _day(rng, plan.starts_on, date(YEAR, 10, 1))
                due = starts + timedelta(days=rng.randint(60, 540))
                status = rng.choice(("a_lancer", "en_cours", "en_cours", "realisee", "realisee"))
                progress = {"a_lancer": 0, "realisee": 100}.get(status, rng.randrange(10, 95, 5))
                done = min(due, today) if status == "realisee" else None
                owner = rng.choice(team)[0].id
                budget = Decimal(rng.randrange(1_000, 80_000, 500)) if rng.random() < 0.4 else None
                yield (
                    plan.pk,
                    objective.pk,
                    rng.choice(titles)[:300],
                    owner,
                    starts,
                    due,
                    starts,
                    due,
                    status,
                    progress,
                    rng.choice((1, 1, 1, 2, 3)),
                    budget,
                    rng.choice(("haute", "moyenne", "moyenne", "basse")),
                    position,
                    done,
                    owner,
                )

    names = ["plan", "objective", "title", "owner", "starts_on", "due_on", "baseline_starts_on"]
    names += ["baseline_due_on", "status", "progress", "weight", "budget", "priority", "position"]
    names += ["completed_on", "updated_by"]
    with loader.step("coopération : actions") as done, transaction.atomic():
        done[0] = loader.copy(Action, names, rows())


def _expo(loader: Loader, cafs: list[Caf], agents: list[Agent], counts) -> None:
    from expo_booking.models import Booking, ExpoSet, Season

    rng = loader.random("expo")
    n = counts["bookings"]
    n_sets = math.ceil(n / BOOKINGS_PER_SET)
    caf_by_id = {caf.pk: caf for caf in cafs}
    with loader.step("expo : saison et jeux") as done, transaction.atomic():
        hosts = sorted({a.caf_id for a in agents})
        per_caf = math.ceil(n / len(hosts)) + 1
        season = Season.objects.create(
            name=SEASON_NAME,
            starts_on=date(YEAR, 1, 1),
            ends_on=date(YEAR + 1, 6, 30),
            quota_per_caf=min(32767, per_caf),
        )
        sets = ExpoSet.objects.bulk_create(
            ExpoSet(
                code=f"{SET_PREFIX}{i + 1:03d}",
                contents=SET_CONTENTS,
                home_caf=cafs[(i * 7) % len(cafs)],
                location=cafs[(i * 7) % len(cafs)],
            )
            for i in range(n_sets)
        )
        done[0] = 1 + len(sets)

    def rows() -> Iterator[tuple]:
        # One set after the other: each booking starts after the previous one's blocked days.
        made = 0
        for expo_set in sets:
            cursor = date(YEAR, 1, 6)
            for _ in range(min(BOOKINGS_PER_SET, n - made)):
                agent = rng.choice(agents)
                caf = caf_by_id[agent.caf_id]
                before, after = 2, 2
                starts = cursor + timedelta(days=before + rng.randint(0, 1))
                ends = starts + timedelta(days=rng.randint(4, 6))
                cursor = ends + timedelta(days=after + 1)
                cancelled = rng.random() < 0.03
                created = _moment(rng, starts - timedelta(days=rng.randint(20, 90)))
                yield (
                    expo_set.pk,
                    caf.pk,
                    season.pk,
                    agent.id,
                    starts,
                    ends,
                    before,
                    after,
                    starts - timedelta(days=before),
                    ends + timedelta(days=after),
                    rng.choice(Booking.Use.values),
                    rng.randrange(50, 1500, 10),
                    f"{rng.choice(VENUES)} — {caf.city}",
                    agent.name,
                    f"0{rng.randint(1, 5)}{rng.randint(10_000_000, 99_999_999)}",
                    f"expo.{caf.number.lower()}{EMAIL_SUFFIX}",
                    f"Caf {caf.name}\n{caf.city}",
                    "annulee" if cancelled else "retournee",
                    "Report de l'événement" if cancelled else "",
                    created + timedelta(days=5) if cancelled else None,
                    created,
                    None if cancelled else created + timedelta(days=2),
                )
                made += 1

    names = ["expo_set", "caf", "season", "requested_by", "starts_on", "ends_on", "days_before"]
    names += ["days_after", "blocked_from", "blocked_until", "use", "expected_visitors", "venue"]
    names += ["contact_name", "contact_phone", "contact_email", "delivery_address", "status"]
    names += ["cancel_reason", "cancelled_at", "created_at", "confirmed_at"]
    with loader.step("expo : réservations") as done, transaction.atomic():
        done[0] = loader.copy(Booking, names, rows())


def _projects(loader: Loader, cafs: list[Caf], agents: list[Agent], counts) -> None:
    from projects.models import Project, ProjectMember, StageChange, Theme

    rng = loader.random("projects")
    caf_by_id = {caf.pk: caf for caf in cafs}
    kinds = Project.Kind.values
    stages = [s for s in Project.Stage.values if s != Project.Stage.STOPPED]
    n = counts["projects"]
    with loader.step("projets") as done, transaction.atomic():
        projects, carriers = [], []
        for index in range(n):
            carrier = rng.choice(agents)
            caf = caf_by_id[carrier.caf_id]
            noun = rng.choice(PROJECT_NOUNS)
            title = f"{noun} — {caf.city}"
            started = _day(rng, date(YEAR - 2, 1, 1), date(YEAR, 6, 30))
            projects.append(
                Project(
                    title=title[:200],
                    slug=f"{SLUG_PREFIX}{index:05d}-{slugify(title)}"[:90],
                    summary=rng.choice(PROJECT_SUMMARIES),
                    kind=rng.choice(kinds),
                    theme=rng.choice(Theme.values),
                    stage=rng.choice(stages),
                    stage_changed_on=_day(rng, started, date(YEAR, 12, 31)),
                    region_id=caf.region_id,
                    territories=caf.department_name,
                    started_on=started,
                )
            )
            carriers.append(carrier)
        Project.objects.bulk_create(projects, batch_size=1000)
        ProjectMember.objects.bulk_create(
            (
                ProjectMember(project=p, user_id=a.id)
                for p, a in zip(projects, carriers, strict=True)
            ),
            batch_size=2000,
        )
        through = Project.cafs.through
        through.objects.bulk_create(
            (
                through(project_id=p.pk, caf_id=a.caf_id)
                for p, a in zip(projects, carriers, strict=True)
            ),
            batch_size=2000,
        )
        changes = [
            StageChange(
                project=p,
                from_stage="",
                to_stage=Project.Stage.IDEATION,
                changed_on=p.started_on,
                by_id=a.id,
            )
            for p, a in zip(projects, carriers, strict=True)
        ]
        changes += [
            StageChange(
                project=p,
                from_stage=Project.Stage.IDEATION,
                to_stage=p.stage,
                changed_on=max(p.stage_changed_on, p.started_on),
                by_id=a.id,
            )
            for p, a in zip(projects, carriers, strict=True)
            if p.stage != Project.Stage.IDEATION
        ]
        StageChange.objects.bulk_create(changes, batch_size=2000)
        done[0] = len(projects) * 3 + len(changes)


def _livinglabs(loader: Loader, cafs: list[Caf], counts) -> None:
    from livinglabs.models import Lab, Member

    rng = loader.random("livinglabs")
    n_labs = counts["labs"]
    with loader.step("living labs") as done, transaction.atomic():
        labs = []
        for index in range(n_labs):
            caf = cafs[(index * 13) % len(cafs)]
            theme = Lab.Theme.values[index % (len(Lab.Theme.values) - 1)]
            label = Lab.Theme(theme).label
            labs.append(
                Lab(
                    name=f"Living lab {label.lower()} de {caf.city}"[:160],
                    slug=f"{SLUG_PREFIX}{index:04d}-{slugify(caf.city)}"[:80],
                    caf=caf,
                    theme=theme,
                    venue=f"{rng.choice(LAB_VENUES)} de {caf.city}",
                    city=caf.city,
                    created_on=_day(rng, date(2021, 1, 1), date(YEAR, 3, 31)),
                    description=(
                        f"Une communauté d'habitants et de familles de {caf.city} qui travaille "
                        f"avec la Caf sur le thème « {label} »."
                    ),
                )
            )
        Lab.objects.bulk_create(labs)
        done[0] = len(labs)
    per_lab = _split(rng, counts["members"], n_labs, alpha=5.0)
    profiles = Member.Profile.values

    def rows() -> Iterator[tuple]:
        serial = 0
        for lab, count in zip(labs, per_lab, strict=True):
            for _ in range(count):
                serial += 1
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                joined = _day(rng, max(lab.created_on, date(2022, 1, 1)), date(YEAR, 12, 15))
                left = joined + timedelta(days=rng.randint(90, 700)) if rng.random() < 0.1 else None
                if left and left > date(YEAR, 12, 31):
                    left = None
                yield (
                    lab.pk,
                    f"{first} {last[0]}. {serial}",
                    first,
                    last,
                    f"{_ascii(first)}.{_ascii(last)}.m{serial:05d}{EMAIL_SUFFIX}",
                    f"06{rng.randint(10_000_000, 99_999_999)}",
                    rng.choice(profiles),
                    _moment(rng, joined),
                    "2024-01",
                    joined,
                    left,
                    _day(rng, joined, left or date(YEAR, 12, 31)),
                )

    names = ["lab", "pseudonym", "first_name", "last_name", "email", "phone", "profile"]
    names += ["consent_at", "consent_version", "joined_on", "left_on", "last_seen_on"]
    with loader.step("living labs : membres") as done, transaction.atomic():
        done[0] = loader.copy(Member, names, rows())
