"""Demo data of « La Caf à votre écoute »: the themes, the consultations of the 2025 activity
report (Tous aidants, AJPP, animation de la vie sociale, autonomie des jeunes, socle commun des
partenaires, monenfant.fr), one of 2024, one open now and one draft, with their answers.

The answers are drawn from weight vectors, some shifted by an earlier answer (professionals
know the AJPP better…), and follow the questionnaire's own rules: a hidden conditional question
is never answered, a multiple choice stays within its bounds, an « autre » choice comes with its
precision. For an anonymous consultation the participations are written apart from the
responses, with the same days and no link.

A consultation whose slug already exists is left as it is: a second run changes nothing.
"""

from __future__ import annotations

import math
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from caflab import fragments
from caflab.models import Caf, User
from caflab.seeding import SeedContext
from consultations import services
from consultations.models import (
    AccessCode,
    Answer,
    Choice,
    Consultation,
    Participation,
    Question,
    Response,
    Restitution,
    Section,
    Tag,
    Theme,
)
from consultations.selectors import answers_scope, consultation_scope, tags_scope

ORDER = 10

PARIS = ZoneInfo("Europe/Paris")
BATCH = 5000
AUTHOR_EMAIL = "florence.renaud@caflab.demo"  # cheffe de projet « La Caf à votre écoute »

THEMES = (
    ("Aidance", "aidance"),
    ("Petite enfance", "petite-enfance"),
    ("Parentalité", "parentalite"),
    ("Handicap", "handicap"),
    ("Jeunesse", "jeunesse"),
    ("Animation de la vie sociale", "animation-de-la-vie-sociale"),
    ("Accès aux droits", "acces-aux-droits"),
    ("Logement", "logement"),
    ("Séparation", "separation"),
    ("Partenariats", "partenariats"),
)

DPFS = "Direction des politiques familiales et sociales (Cnaf)"

# Population of each département, in thousands: the weight of its Caf among the respondents.
POPULATION = {
    "01": 660, "02": 530, "03": 335, "04": 165, "05": 141, "06": 1095, "07": 330, "08": 270,
    "09": 155, "10": 310, "11": 375, "12": 280, "13": 2045, "14": 695, "15": 145, "16": 350,
    "17": 655, "18": 300, "19": 240, "2A": 160, "2B": 185, "21": 535, "22": 600, "23": 115,
    "24": 413, "25": 545, "26": 520, "27": 600, "28": 430, "29": 915, "30": 750, "31": 1415,
    "32": 192, "33": 1650, "34": 1200, "35": 1095, "36": 218, "37": 610, "38": 1275, "39": 258,
    "40": 420, "41": 328, "42": 765, "43": 228, "44": 1450, "45": 680, "46": 174, "47": 330,
    "48": 76, "49": 820, "50": 495, "51": 565, "52": 172, "53": 307, "54": 733, "55": 183,
    "56": 760, "57": 1045, "58": 200, "59": 2610, "60": 830, "61": 278, "62": 1465, "63": 665,
    "64": 690, "65": 230, "66": 480, "67": 1150, "68": 765, "69": 1890, "70": 235, "71": 550,
    "72": 565, "73": 440, "74": 840, "75": 2135, "76": 1255, "77": 1430, "78": 1450, "79": 375,
    "80": 570, "81": 390, "82": 262, "83": 1085, "84": 562, "85": 690, "86": 440, "87": 372,
    "88": 362, "89": 335, "90": 140, "91": 1310, "92": 1630, "93": 1655, "94": 1410, "95": 1250,
    "971": 384, "972": 360, "973": 285, "974": 870, "976": 300,
}  # fmt: skip
# The Cafs of the living labs and of the referents relay the consultations more.
RELAYS = {"01": 1.6, "06": 1.4, "26": 1.6, "29": 1.5, "31": 1.4, "38": 1.7, "87": 1.6}
# The group of the 10 Cafs that worked on the « socle commun » with their partners.
GROUP_OF_TEN = ("13", "26", "31", "35", "38", "44", "59", "67", "69", "93")
PARTNER_BATCH = "Partenaires du groupe des 10 Caf"


# The questionnaires, as data --------------------------------------------------------------------
Weights = tuple[float, ...]


@dataclass(frozen=True)
class LogNormal:
    """A positive number around its median, rounded to an integer, kept within [low, high]."""

    median: float
    sigma: float
    low: int
    high: int


@dataclass(frozen=True)
class Discrete:
    values: tuple[int, ...]
    weights: Weights


@dataclass(frozen=True)
class Q:
    """One question and how people answer it.

    `weights` (and `number`) may be a dict keyed by a label answered to the question `by`,
    "*" being the default: the first key found among that question's answers wins.
    `when` is the display condition: (question key, labels). `picks` weighs how many choices a
    multiple choice or a ranking gets (1, 2, 3…). `fill` is the share answering an optional
    question. `texts` feeds free text (a sentence, or two) and `others` the « autre » precisions.
    """

    key: str
    kind: str
    label: str
    choices: tuple[str, ...] = ()
    weights: Weights | dict[str, Weights] = ()
    by: str = ""
    when: tuple[str, tuple[str, ...]] | None = None
    help_text: str = ""
    required: bool = True
    fill: float = 1.0
    picks: Weights = (45, 38, 17)
    min_choices: int | None = None
    max_choices: int | None = None
    exclusive: tuple[str, ...] = ()
    scale_labels: tuple[str, str] = ("", "")
    number: LogNormal | Discrete | dict[str, LogNormal | Discrete] | None = None
    number_bounds: tuple[int, int] | None = None
    texts: tuple[str | tuple[str, tuple[str, ...]], ...] = ()
    others: tuple[str, ...] = ()
    publish_results: bool = True
    is_confidential: bool = False

    def labels(self) -> tuple[str, ...]:
        if self.choices:
            return self.choices
        if self.kind == Question.Kind.YES_NO:
            return services.YES_NO_LABELS
        if self.kind == Question.Kind.PROFILE:
            return services.DEFAULT_PROFILES
        return ()


@dataclass(frozen=True)
class Part:
    title: str
    questions: tuple[Q, ...]
    description: str = ""


@dataclass(frozen=True)
class Synthesis:
    title: str
    text: str
    featured: tuple[str, ...]
    published_at: datetime


@dataclass(frozen=True)
class Spec:
    slug: str
    title: str
    summary: str
    description: str
    commissioned_by: str
    theme: str
    audience: str
    status: str
    opens_at: datetime
    closes_at: datetime
    responses: int
    parts: tuple[Part, ...]
    anonymous: bool = True
    access_code: bool = False
    results_published_at: datetime | None = None
    restitution: Synthesis | None = None
    tags: tuple[tuple[str, str], ...] = ()
    departments: tuple[str, ...] = ()  # empty: the whole of France
    tau: float = 4.0  # days for the first wave of answers to fade
    relaunches: tuple[int, ...] = ()  # days (from the opening) of a reminder
    weekend: float = 0.55
    flagged: int = 0  # a burst from one address, flagged for review
    extra_codes: int = 0


def _at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


K = Question.Kind
AUTRE = "Autre (préciser)"

# « Tous aidants » -------------------------------------------------------------------------------
IRRITANT_INFO = "Manque d'information"
IRRITANT_UCANSS = "Démarches UCANSS trop complexes"
IRRITANT_SILENCE = "Difficile d'en parler à l'encadrement"
NEED_HOURS = "Souplesse des horaires"
NEED_RECOGNITION = "Reconnaissance du rôle d'aidant"
IDEA_REFERENT = "Référent aidants dans chaque Caf"
IDEA_REMOTE = "Télétravail adapté aux aidants"
IDEA_DAYS = "Dons de jours de repos"
OTHER_TESTIMONY = "Témoignage"

AIDANTS_TAGS = (
    (IRRITANT_INFO, Tag.Kind.IRRITANT),
    (IRRITANT_UCANSS, Tag.Kind.IRRITANT),
    (IRRITANT_SILENCE, Tag.Kind.IRRITANT),
    (NEED_HOURS, Tag.Kind.NEED),
    (NEED_RECOGNITION, Tag.Kind.NEED),
    (IDEA_REFERENT, Tag.Kind.IDEA),
    (IDEA_REMOTE, Tag.Kind.IDEA),
    (IDEA_DAYS, Tag.Kind.IDEA),
    (OTHER_TESTIMONY, Tag.Kind.OTHER),
)

AIDANTS_COMMENTS = (
    (
        "J'ai dû poser des congés pour accompagner ma mère à ses rendez-vous médicaux.",
        (NEED_HOURS,),
    ),
    (
        "Je ne savais pas que le dispositif « Je suis proche aidant » existait avant cette "
        "consultation.",
        (IRRITANT_INFO,),
    ),
    (
        "Mon responsable est compréhensif, mais tout repose sur sa bonne volonté.",
        (NEED_RECOGNITION,),
    ),
    (
        "Un jour de télétravail de plus me permettrait de rester près de mon fils les jours "
        "difficiles.",
        (IDEA_REMOTE,),
    ),
    (
        "Le dossier UCANSS demande trop de justificatifs, j'ai abandonné en cours de route.",
        (IRRITANT_UCANSS,),
    ),
    (
        "Il faudrait une personne identifiée dans chaque Caf à qui poser ses questions en toute "
        "confidentialité.",
        (IDEA_REFERENT,),
    ),
    ("Je n'ose pas en parler à mon encadrement de peur d'être mise de côté.", (IRRITANT_SILENCE,)),
    ("Les horaires variables m'aident beaucoup, il faut absolument les préserver.", (NEED_HOURS,)),
    ("Des collègues m'ont donné des jours de repos, cela m'a permis de souffler.", (IDEA_DAYS,)),
    ("Entre le travail, les enfants et mon père malade, je suis épuisée.", ()),
    (
        "L'information existe sûrement, mais elle est dispersée sur l'intranet et difficile à "
        "trouver.",
        (IRRITANT_INFO,),
    ),
    ("Un groupe d'échange entre aidants de la Caf me ferait du bien : on se sent très seul.", ()),
    (
        "Je dois parfois partir en urgence quand l'Ehpad m'appelle, et c'est encore mal vu.",
        (IRRITANT_SILENCE, NEED_HOURS),
    ),
    ("Pouvoir fractionner les jours d'absence en demi-journées serait très utile.", (NEED_HOURS,)),
    ("Le congé de proche aidant est mal connu, même des services RH.", (IRRITANT_INFO,)),
    (
        "Je m'occupe de ma sœur handicapée depuis le décès de nos parents : c'est un second "
        "travail.",
        (NEED_RECOGNITION,),
    ),
    (
        "Merci de vous intéresser à cette question, beaucoup d'entre nous sont concernés sans le "
        "dire.",
        (NEED_RECOGNITION,),
    ),
    (
        "Une fiche simple récapitulant les droits des salariés aidants serait déjà un grand pas.",
        (IRRITANT_INFO,),
    ),
    (
        "Le télétravail m'a sauvé : j'accompagne mon mari à ses séances de dialyse sans perdre "
        "de journée.",
        (IDEA_REMOTE,),
    ),
    ("Les formulaires à remplir pour chaque absence prennent un temps fou.", (IRRITANT_UCANSS,)),
    (
        "J'ai réduit mon temps de travail à 80 % pour m'occuper de ma mère, avec une perte de "
        "salaire importante.",
        (NEED_RECOGNITION,),
    ),
    (
        "Un référent aidants au service RH éviterait de devoir tout expliquer plusieurs fois.",
        (IDEA_REFERENT,),
    ),
    ("Il faudrait sensibiliser les managers : l'aidance ne se voit pas.", (IRRITANT_SILENCE,)),
    (
        "Je ne me considérais pas comme aidante avant de lire la définition dans le questionnaire.",
        (IRRITANT_INFO,),
    ),
    ("Des solutions de répit près du lieu de travail seraient précieuses.", ()),
    (
        "Mon fils autiste a besoin de moi à la sortie de l'école, les réunions tardives sont un "
        "vrai problème.",
        (NEED_HOURS,),
    ),
)

AIDANTS = Spec(
    slug="tous-aidants",
    title="Tous aidants : concilier aidance et vie professionnelle",
    summary=(
        "Vous aidez un proche malade, âgé ou en situation de handicap ? Racontez-nous comment "
        "vous conciliez ce rôle avec votre travail, et ce qui vous aiderait."
    ),
    description=(
        "Cette consultation interne s'adresse à tous les agents des Caf et de la Cnaf. Elle "
        "accompagne la renégociation du dispositif « Je suis proche aidant » de l'UCANSS.\n\n"
        "Elle est anonyme : personne, ni à la Caf ni à la Cnaf, ne peut relier vos réponses à "
        "votre nom. Comptez dix minutes."
    ),
    commissioned_by="Direction des ressources humaines réseau (Cnaf)",
    theme="aidance",
    audience=Consultation.Audience.PRIVATE,
    status=Consultation.Status.RESULTS,
    opens_at=_at(2025, 3, 10),
    closes_at=_at(2025, 4, 11, 23, 59),
    results_published_at=_at(2025, 6, 5, 10),
    responses=1600,
    tau=3.0,
    relaunches=(14, 28),
    weekend=0.06,
    tags=AIDANTS_TAGS,
    parts=(
        Part(
            "Votre situation",
            (
                Q(
                    "metier",
                    K.PROFILE,
                    "Quel est votre métier ?",
                    choices=(
                        "Conseiller ou conseillère",
                        "Gestionnaire conseil",
                        "Travailleur social ou travailleuse sociale",
                        "Encadrant ou encadrante",
                        "Fonctions support (RH, informatique, comptabilité…)",
                        "Autre",
                    ),
                    weights=(22, 30, 10, 12, 20, 6),
                    others=(
                        "Agent d'accueil",
                        "Assistante de direction",
                        "Contrôleur",
                        "Chargée d'études",
                        "Apprentie",
                        "Chargé de communication",
                    ),
                ),
                Q(
                    "caf",
                    K.DEPARTMENT,
                    "Dans quelle Caf travaillez-vous ?",
                    help_text="Les agents de la Cnaf choisissent le département de leur site.",
                ),
                Q(
                    "aidant",
                    K.YES_NO,
                    "Êtes-vous proche aidant, c'est-à-dire aidez-vous régulièrement un proche "
                    "malade, âgé ou en situation de handicap ?",
                    weights=(61, 39),
                ),
            ),
        ),
        Part(
            "Votre rôle d'aidant",
            (
                Q(
                    "qui",
                    K.MULTIPLE,
                    "Qui aidez-vous ?",
                    choices=(
                        "Un parent ou un beau-parent",
                        "Un enfant en situation de handicap ou malade",
                        "Votre conjoint ou conjointe",
                        "Un autre membre de la famille",
                        "Un ami ou un voisin",
                        AUTRE,
                    ),
                    weights=(58, 24, 14, 12, 5, 3),
                    when=("aidant", ("Oui",)),
                    picks=(72, 23, 5),
                    min_choices=1,
                    max_choices=3,
                    others=("Mon grand-père", "Un oncle", "La mère de mon conjoint", "Ma filleule"),
                ),
                Q(
                    "heures",
                    K.NUMBER,
                    "Combien d'heures par semaine consacrez-vous à cette aide, en moyenne ?",
                    when=("aidant", ("Oui",)),
                    by="qui",
                    number={
                        "Un enfant en situation de handicap ou malade": LogNormal(15, 0.5, 2, 40),
                        "Votre conjoint ou conjointe": LogNormal(12, 0.55, 2, 40),
                        "*": LogNormal(7, 0.6, 2, 40),
                    },
                    number_bounds=(0, 168),
                ),
                Q(
                    "impact",
                    K.SCALE,
                    "Quel est l'impact de votre rôle d'aidant sur votre travail ?",
                    weights=(8, 18, 33, 27, 14),
                    when=("aidant", ("Oui",)),
                    scale_labels=("Aucun impact", "Impact très fort"),
                ),
                Q(
                    "sante",
                    K.SCALE,
                    "Votre propre santé souffre-t-elle de votre rôle d'aidant ?",
                    weights=(10, 20, 32, 25, 13),
                    when=("aidant", ("Oui",)),
                    scale_labels=("Pas du tout", "Beaucoup"),
                    help_text="Cette réponse reste confidentielle : seul le nombre de réponses "
                    "est montré.",
                    is_confidential=True,
                ),
            ),
        ),
        Part(
            "Ce qui vous aiderait",
            (
                Q(
                    "ucanss",
                    K.YES_NO,
                    "Connaissez-vous le dispositif « Je suis proche aidant » de l'UCANSS ?",
                    by="aidant",
                    weights={"Oui": (38, 62), "*": (22, 78)},
                ),
                Q(
                    "aides",
                    K.MULTIPLE,
                    "Qu'est-ce qui vous aiderait le plus ?",
                    choices=(
                        "Un référent aidants dans ma Caf",
                        "Un télétravail adapté",
                        "Des jours d'absence dédiés",
                        "Une meilleure information sur mes droits",
                        "Des groupes d'échange entre aidants",
                        AUTRE,
                    ),
                    by="aidant",
                    weights={"Oui": (46, 55, 70, 45, 22, 6), "*": (34, 52, 42, 55, 10, 3)},
                    help_text="Trois réponses au plus.",
                    picks=(25, 45, 30),
                    min_choices=1,
                    max_choices=3,
                    others=(
                        "Un accompagnement psychologique",
                        "Des chèques emploi service",
                        "Un aménagement de poste",
                        "Une place en accueil de jour près du travail",
                    ),
                ),
                Q(
                    "priorites",
                    K.RANKING,
                    "Classez ces priorités pour votre Caf, de la plus importante à la moins "
                    "importante",
                    choices=(
                        "Mieux communiquer sur les aides existantes",
                        "Nommer des référents aidants",
                        "Adapter le télétravail et les horaires",
                        "Simplifier le dispositif de l'UCANSS",
                    ),
                    weights=(30, 22, 30, 18),
                    required=False,
                    fill=0.88,
                    picks=(0, 0, 35, 65),
                ),
                Q(
                    "commentaire",
                    K.LONG_TEXT,
                    "Souhaitez-vous ajouter un témoignage ou une idée ?",
                    required=False,
                    fill=0.35,
                    texts=AIDANTS_COMMENTS,
                    publish_results=False,
                ),
            ),
        ),
    ),
    restitution=Synthesis(
        title="Tous aidants : ce que 1 600 agents nous ont dit",
        featured=("aidant", "aides", "priorites"),
        published_at=_at(2025, 6, 5, 10),
        text=(
            "<p>Du 10 mars au 11 avril 2025, <strong>1 600 agents</strong> des Caf et de la "
            "Cnaf ont répondu à la consultation interne « Tous aidants », lancée avec la "
            "Direction des ressources humaines réseau dans le cadre de la renégociation du "
            "dispositif « Je suis proche aidant » de l'UCANSS. Six répondants sur dix se "
            "déclarent proches aidants, le plus souvent d'un parent vieillissant, et y consacrent "
            "en moyenne une dizaine d'heures par semaine.</p>"
            "<p>Les témoignages décrivent des agents qui posent des congés pour accompagner un "
            "proche, qui n'osent pas toujours en parler à leur encadrement et qui connaissent mal "
            "leurs droits : moins de quatre aidants sur dix connaissent le dispositif de "
            "l'UCANSS, et ceux qui l'ont sollicité le jugent lourd.</p>"
            "<p>Quatre pistes ressortent nettement :</p>"
            "<ul><li>mieux communiquer sur les aides existantes ;</li>"
            "<li>nommer des référents aidants, dans chaque Caf ;</li>"
            "<li>adapter le télétravail et la souplesse des horaires ;</li>"
            "<li>rendre le dispositif de l'UCANSS plus simple à mobiliser.</li></ul>"
            "<p>Ces résultats sont présentés lors d'un Corner avec Sigrid Jaud, experte de "
            "l'aidance, puis serviront de point de départ aux ateliers de créativité organisés à "
            "la rentrée avec les agents. La démarche se poursuivra en 2026.</p>"
        ),
    ),
)

# AJPP ---------------------------------------------------------------------------------------------
AJPP_PROFILES = ("Parent", "Aidant familial", "Bénévole", "Professionnel", "Autre")
AJPP_ASKED, AJPP_HEARD, AJPP_UNKNOWN = (
    "Oui, et je l'ai demandée",
    "Oui, de nom seulement",
    "Non",
)

AJPP = Spec(
    slug="ajpp-votre-experience",
    title="L'allocation journalière de présence parentale (AJPP) : votre expérience",
    summary=(
        "Votre enfant est gravement malade, accidenté ou en situation de handicap, ou vous "
        "accompagnez des familles dans cette situation ? Aidez-nous à mieux faire connaître "
        "l'AJPP."
    ),
    description=(
        "L'allocation journalière de présence parentale aide les parents qui s'arrêtent de "
        "travailler pour s'occuper de leur enfant. Elle reste méconnue et peu demandée.\n\n"
        "Parents, aidants, bénévoles ou professionnels : vos réponses, anonymes, nous aideront "
        "à comprendre pourquoi, et à imaginer de meilleures réponses."
    ),
    commissioned_by=DPFS,
    theme="handicap",
    audience=Consultation.Audience.PUBLIC,
    status=Consultation.Status.RESULTS,
    opens_at=_at(2025, 5, 12),
    closes_at=_at(2025, 6, 20, 23, 59),
    results_published_at=_at(2025, 7, 10, 10),
    responses=1887,
    tau=4.5,
    relaunches=(15,),
    flagged=5,
    parts=(
        Part(
            "Vous connaître",
            (
                Q(
                    "profil",
                    K.PROFILE,
                    "Vous répondez en tant que…",
                    choices=AJPP_PROFILES,
                    weights=(46, 18, 7, 24, 5),
                    others=("Grand-parent", "Enseignante", "Employeur", "Élu municipal"),
                ),
                Q("departement", K.DEPARTMENT, "Votre département"),
            ),
        ),
        Part(
            "Votre connaissance de l'AJPP",
            (
                Q(
                    "connait",
                    K.SINGLE,
                    "Connaissez-vous l'AJPP ?",
                    choices=(AJPP_ASKED, AJPP_HEARD, AJPP_UNKNOWN),
                    by="profil",
                    weights={
                        "Parent": (22, 33, 45),
                        "Aidant familial": (20, 38, 42),
                        "Bénévole": (6, 44, 50),
                        "Professionnel": (14, 62, 24),
                        "*": (8, 36, 56),
                    },
                ),
                Q(
                    "canal",
                    K.MULTIPLE,
                    "Comment en avez-vous entendu parler ?",
                    choices=(
                        "Par la Caf (caf.fr, courrier, appli)",
                        "Par un conseiller de la Caf",
                        "À l'hôpital ou par un médecin",
                        "Par un ou une assistante sociale",
                        "Par une association",
                        "Par mon entourage",
                        "Sur les réseaux sociaux",
                        AUTRE,
                    ),
                    weights=(30, 14, 34, 26, 14, 18, 9, 4),
                    when=("connait", (AJPP_ASKED, AJPP_HEARD)),
                    picks=(62, 30, 8),
                    min_choices=1,
                    max_choices=3,
                    others=("Par mon employeur", "À la crèche", "Par la MDPH", "À l'école"),
                ),
                Q(
                    "demi_journees",
                    K.YES_NO,
                    "Saviez-vous que l'AJPP peut être versée par demi-journée ?",
                    by="connait",
                    weights={AJPP_ASKED: (64, 36), AJPP_HEARD: (22, 78), "*": (8, 92)},
                ),
            ),
        ),
        Part(
            "Votre expérience et vos attentes",
            (
                Q(
                    "difficultes",
                    K.MULTIPLE,
                    "Quelles difficultés avez-vous rencontrées ?",
                    choices=(
                        "Des démarches complexes",
                        "Un certificat médical difficile à obtenir",
                        "Des délais de traitement trop longs",
                        "Un manque d'information sur mes droits",
                        "Des difficultés avec mon employeur",
                        "Une perte de revenus trop importante",
                        "Aucune difficulté",
                        AUTRE,
                    ),
                    weights=(45, 32, 41, 38, 15, 35, 12, 4),
                    exclusive=("Aucune difficulté",),
                    when=("connait", (AJPP_ASKED,)),
                    picks=(30, 42, 28),
                    min_choices=1,
                    max_choices=3,
                    others=(
                        "Le renouvellement au bout de six mois",
                        "La coordination avec la MDPH",
                        "Aucun interlocuteur au téléphone",
                    ),
                ),
                Q(
                    "information",
                    K.SCALE,
                    "Comment jugez-vous l'information disponible sur l'AJPP et les aides aux "
                    "parents d'enfants malades ?",
                    by="connait",
                    weights={
                        AJPP_ASKED: (6, 14, 28, 35, 17),
                        AJPP_HEARD: (7, 17, 34, 30, 12),
                        "*": (10, 20, 34, 26, 10),
                    },
                    scale_labels=("Très insuffisante", "Très satisfaisante"),
                ),
                Q(
                    "attentes",
                    K.RANKING,
                    "Classez ce qui vous aiderait le plus",
                    choices=(
                        "Un guide clair pour les parents aidants",
                        "Un interlocuteur dédié dans ma Caf",
                        "Des démarches entièrement en ligne",
                        "Une meilleure coordination entre la Caf, l'hôpital et la MDPH",
                    ),
                    weights=(34, 30, 16, 20),
                    picks=(0, 0, 30, 70),
                ),
                Q(
                    "temoignage",
                    K.LONG_TEXT,
                    "Voulez-vous nous en dire plus ?",
                    required=False,
                    fill=0.28,
                    publish_results=False,
                    texts=(
                        "Le certificat médical a été long à obtenir, et pendant ce temps je "
                        "n'avais aucun revenu.",
                        "Personne à l'hôpital ne m'a parlé de l'AJPP, je l'ai découverte par une "
                        "autre maman.",
                        "Il faudrait un guide clair qui explique toutes les aides quand son "
                        "enfant tombe malade.",
                        "J'aurais aimé un interlocuteur unique à la Caf qui connaisse ma "
                        "situation.",
                        "Les démarches devraient pouvoir se faire entièrement en ligne.",
                        "Les demi-journées sont précieuses pour les séances de chimiothérapie.",
                        "Le montant ne compense pas la perte de salaire, beaucoup de parents "
                        "renoncent.",
                        "Assistante sociale à l'hôpital, je dois souvent expliquer l'AJPP à des "
                        "familles qui n'en ont jamais entendu parler.",
                        "Les délais de traitement sont trop longs pour des familles déjà épuisées.",
                        "La coordination entre la Caf, la MDPH et l'employeur est un parcours du "
                        "combattant.",
                        "Mon employeur ne connaissait pas le congé de présence parentale.",
                        "Merci pour cette aide qui m'a permis de rester auprès de ma fille "
                        "pendant son hospitalisation.",
                        "Le renouvellement au bout de six mois génère beaucoup d'angoisse.",
                        "Une information systématique dès l'annonce du diagnostic changerait tout.",
                    ),
                ),
            ),
        ),
    ),
    restitution=Synthesis(
        title="AJPP : vos réponses et les suites données",
        featured=("connait", "difficultes", "attentes"),
        published_at=_at(2025, 7, 10, 10),
        text=(
            "<p>Avec <strong>1 887 répondants</strong>, la consultation sur l'allocation "
            "journalière de présence parentale a réuni des profils très divers : parents, "
            "aidants familiaux, bénévoles et professionnels. Elle confirme que l'aide reste "
            "méconnue : quatre répondants sur dix n'en avaient jamais entendu parler, et les "
            "parents la découvrent souvent par hasard, à l'hôpital ou par leur entourage. Les "
            "professionnels la connaissent mieux, sans toujours savoir comment la "
            "mobiliser.</p>"
            "<p>Ceux qui l'ont demandée décrivent des démarches complexes, des délais de "
            "traitement trop longs au regard de l'urgence, un certificat médical difficile à "
            "obtenir et une coordination insuffisante entre la Caf, l'hôpital, la MDPH et "
            "l'employeur.</p>"
            "<p>Avec les ateliers menés ensuite auprès de parents, de partenaires et d'experts, "
            "deux pistes concrètes ont été retenues :</p>"
            "<ul><li>la conception d'un <strong>guide du parent aidant</strong>, pour les "
            "familles et les partenaires ;</li>"
            "<li>le <strong>renforcement de la réponse de premier niveau</strong> en Caf.</li>"
            "</ul>"
            "<p>D'autres améliorations, comme la dématérialisation de certaines démarches ou un "
            "travail partenarial mieux synchronisé, seront étudiées en dehors de cette "
            "expérimentation.</p>"
        ),
    ),
)

# Animation de la vie sociale ----------------------------------------------------------------------
AVS_RARELY = ("Rarement", "Jamais")

AVS = Spec(
    slug="centre-social-de-demain",
    title="Animation de la vie sociale : le centre social de demain",
    summary=(
        "Centres sociaux, espaces de vie sociale : dites-nous ce que vous y trouvez, ce qui vous "
        "en éloigne et ce que vous aimeriez y voir demain."
    ),
    description=(
        "La branche Famille actualise sa doctrine de l'animation de la vie sociale. Que vous "
        "fréquentiez un centre social ou non, votre avis compte.\n\n"
        "La consultation est anonyme et prend cinq minutes."
    ),
    commissioned_by=DPFS,
    theme="animation-de-la-vie-sociale",
    audience=Consultation.Audience.PUBLIC,
    status=Consultation.Status.RESULTS,
    opens_at=_at(2025, 6, 2),
    closes_at=_at(2025, 7, 13, 23, 59),
    results_published_at=_at(2025, 8, 28, 10),
    responses=1220,
    tau=5.0,
    relaunches=(21,),
    parts=(
        Part(
            "Vous et les centres sociaux",
            (
                Q(
                    "profil",
                    K.PROFILE,
                    "Vous êtes…",
                    choices=(
                        "Habitant ou habitante",
                        "Bénévole dans un centre social",
                        "Administrateur ou administratrice d'un centre social",
                        "Professionnel ou professionnelle de l'animation ou du social",
                        "Autre",
                    ),
                    weights=(54, 16, 5, 18, 7),
                    others=("Élue municipale", "Parent d'élève", "Étudiant en travail social"),
                ),
                Q("departement", K.DEPARTMENT, "Votre département"),
                Q(
                    "frequentation",
                    K.SINGLE,
                    "Fréquentez-vous un centre social ou un espace de vie sociale ?",
                    choices=(
                        "Régulièrement (au moins une fois par mois)",
                        "De temps en temps",
                        "Rarement",
                        "Jamais",
                    ),
                    by="profil",
                    weights={
                        "Habitant ou habitante": (26, 24, 20, 30),
                        "Bénévole dans un centre social": (78, 16, 4, 2),
                        "Administrateur ou administratrice d'un centre social": (85, 12, 3, 0),
                        "Professionnel ou professionnelle de l'animation ou du social": (
                            70,
                            18,
                            8,
                            4,
                        ),
                        "*": (30, 25, 20, 25),
                    },
                ),
                Q(
                    "freins",
                    K.MULTIPLE,
                    "Qu'est-ce qui vous en éloigne ?",
                    choices=(
                        "Je ne sais pas ce qu'on y propose",
                        "Les horaires ne me conviennent pas",
                        "J'ai l'impression que ce n'est pas pour moi",
                        "C'est trop loin ou mal desservi",
                        "Le coût des activités",
                        AUTRE,
                    ),
                    weights=(48, 30, 33, 18, 12, 6),
                    when=("frequentation", AVS_RARELY),
                    picks=(50, 35, 15),
                    min_choices=1,
                    max_choices=3,
                    others=("Pas de centre social dans ma commune", "Manque de temps"),
                ),
            ),
        ),
        Part(
            "Le centre social de demain",
            (
                Q(
                    "role",
                    K.MULTIPLE,
                    "Pour vous, un centre social, c'est d'abord…",
                    choices=(
                        "Un lieu de rencontre et de lien entre habitants",
                        "Un lieu d'activités pour les enfants et les jeunes",
                        "Un lieu d'aide aux démarches administratives",
                        "Un lieu où s'engager et prendre des initiatives",
                        "Un lieu de soutien aux parents",
                        AUTRE,
                    ),
                    weights=(68, 44, 31, 22, 26, 3),
                    picks=(30, 45, 25),
                    min_choices=1,
                    max_choices=3,
                    others=("Un lieu de culture", "Un lieu ressource pour les associations"),
                ),
                Q(
                    "accessibilite",
                    K.SCALE,
                    "Le centre social près de chez vous est-il facile d'accès (horaires, "
                    "transports, accueil) ?",
                    weights=(6, 14, 30, 34, 16),
                    scale_labels=("Très difficile", "Très facile"),
                ),
                Q(
                    "mixite",
                    K.SCALE,
                    "Diriez-vous qu'il accueille des publics variés (âges, situations, origines) ?",
                    weights=(5, 12, 28, 36, 19),
                    scale_labels=("Pas du tout", "Tout à fait"),
                ),
                Q(
                    "horaires",
                    K.MULTIPLE,
                    "Quels horaires d'ouverture vous conviendraient le mieux ?",
                    choices=(
                        "En soirée, après 18 h",
                        "Le samedi",
                        "Le mercredi",
                        "Pendant les vacances scolaires",
                        "Entre midi et deux",
                    ),
                    weights=(46, 52, 30, 34, 14),
                    picks=(40, 45, 15),
                    min_choices=1,
                    max_choices=3,
                ),
            ),
        ),
        Part(
            "S'engager",
            (
                Q(
                    "engagement",
                    K.SINGLE,
                    "Seriez-vous prêt ou prête à vous engager bénévolement ?",
                    choices=("Je le suis déjà", "Oui", "Peut-être", "Non"),
                    by="profil",
                    weights={
                        "Habitant ou habitante": (6, 14, 42, 38),
                        "Bénévole dans un centre social": (92, 5, 2, 1),
                        "Administrateur ou administratrice d'un centre social": (95, 3, 1, 1),
                        "Professionnel ou professionnelle de l'animation ou du social": (
                            22,
                            16,
                            36,
                            26,
                        ),
                        "*": (10, 15, 40, 35),
                    },
                ),
                Q(
                    "pistes",
                    K.RANKING,
                    "Classez ces pistes pour le centre social de demain",
                    choices=(
                        "Des activités qui mélangent les générations",
                        "Valoriser l'engagement bénévole, y compris professionnellement",
                        "Faire participer les habitants aux décisions",
                        "Mieux accompagner les familles",
                    ),
                    weights=(32, 22, 20, 26),
                    picks=(0, 0, 30, 70),
                ),
                Q(
                    "idees",
                    K.LONG_TEXT,
                    "Une idée, une remarque ?",
                    required=False,
                    fill=0.25,
                    publish_results=False,
                    texts=(
                        "Le centre social est le seul endroit du quartier où l'on se retrouve "
                        "entre générations.",
                        "J'aimerais qu'il soit ouvert le samedi, je travaille toute la semaine.",
                        "On ne sait pas vraiment ce qu'on y propose, il faudrait plus de "
                        "communication.",
                        "Grâce au centre social, j'ai trouvé de l'aide pour mes papiers et des "
                        "amies.",
                        "Le bénévolat devrait être reconnu, par exemple dans un CV ou une VAE.",
                        "Les habitants devraient participer davantage aux décisions du conseil "
                        "d'administration.",
                        "Les activités pour les ados manquent, ils restent dehors.",
                        "Le centre social de mon quartier a fermé, il nous manque beaucoup.",
                        "Un accueil plus chaleureux pour les nouveaux arrivants serait utile.",
                        "Les ateliers parents-enfants du mercredi sont formidables.",
                        "Il faudrait plus de sorties familiales à petit prix pendant les vacances.",
                        "En milieu rural, un espace de vie sociale itinérant serait une belle "
                        "idée.",
                    ),
                ),
            ),
        ),
    ),
    restitution=Synthesis(
        title="Le centre social de demain : point d'étape",
        featured=("role", "horaires", "pistes"),
        published_at=_at(2025, 8, 28, 10),
        text=(
            "<p><strong>1 220 habitants</strong>, bénévoles et professionnels ont "
            "répondu à la consultation sur l'animation de la vie sociale. Pour eux, le centre "
            "social est d'abord <strong>un lieu de lien</strong>, entre voisins comme entre "
            "générations.</p>"
            "<p>Ceux qui le fréquentent peu évoquent surtout un manque d'information sur ce qui y "
            "est proposé, des horaires inadaptés, et le sentiment que « ce n'est pas pour eux » : "
            "l'accessibilité et la mixité des publics restent des enjeux forts.</p>"
            "<p>Avec les huit ateliers de créativité menés dans quatre départements, ces "
            "contributions dessinent des pistes : la mixité générationnelle, la valorisation de "
            "l'engagement bénévole, la participation des habitants aux instances de décision et "
            "leur capacité à agir face aux mutations de la société. Elles nourrissent la future "
            "circulaire de la branche Famille.</p>"
        ),
    ),
)

# L'autonomie des jeunes ---------------------------------------------------------------------------
YOUNG_HOME = "Chez mes parents"
YOUNG_OWN = "Dans un logement à mon nom"
YOUNG_SHARED = "En colocation"
YOUNG_RESIDENCE = "En résidence étudiante ou en foyer de jeunes travailleurs"

JEUNES = Spec(
    slug="autonomie-des-jeunes",
    title="L'autonomie des jeunes : vos besoins, vos idées",
    summary=(
        "Vous avez entre 16 et 25 ans ? Logement, transports, premier emploi, aides de la Caf : "
        "dites-nous ce qui vous aiderait à prendre votre envol."
    ),
    description=(
        "Quitter le domicile familial, se déplacer, trouver un premier emploi : la Caf veut "
        "mieux accompagner les jeunes vers l'autonomie.\n\n"
        "Dix questions, cinq minutes, et vos réponses restent anonymes."
    ),
    commissioned_by=DPFS,
    theme="jeunesse",
    audience=Consultation.Audience.PUBLIC,
    status=Consultation.Status.RESULTS,
    opens_at=_at(2025, 9, 15),
    closes_at=_at(2025, 10, 24, 23, 59),
    results_published_at=_at(2025, 11, 18, 10),
    responses=1412,
    tau=3.5,
    relaunches=(10, 24),
    weekend=0.8,
    flagged=7,
    parts=(
        Part(
            "Vous connaître",
            (
                Q(
                    "situation",
                    K.PROFILE,
                    "Aujourd'hui, vous êtes…",
                    choices=(
                        "Lycéen ou lycéenne",
                        "Étudiant ou étudiante",
                        "En apprentissage ou en formation",
                        "En emploi",
                        "En recherche d'emploi",
                        "Autre",
                    ),
                    weights=(14, 34, 14, 20, 13, 5),
                    others=("En service civique", "En année de césure", "Jeune parent au foyer"),
                ),
                Q(
                    "age",
                    K.NUMBER,
                    "Quel âge avez-vous ?",
                    by="situation",
                    number={
                        "Lycéen ou lycéenne": Discrete((16, 17, 18, 19), (30, 38, 24, 8)),
                        "Étudiant ou étudiante": Discrete(
                            (18, 19, 20, 21, 22, 23, 24, 25), (14, 18, 18, 16, 13, 9, 7, 5)
                        ),
                        "*": Discrete(
                            (16, 17, 18, 19, 20, 21, 22, 23, 24, 25),
                            (2, 4, 8, 12, 14, 14, 13, 12, 11, 10),
                        ),
                    },
                    number_bounds=(16, 25),
                ),
                Q("departement", K.DEPARTMENT, "Votre département"),
            ),
        ),
        Part(
            "Logement et mobilité",
            (
                Q(
                    "logement",
                    K.SINGLE,
                    "Où habitez-vous ?",
                    choices=(
                        YOUNG_HOME,
                        YOUNG_OWN,
                        YOUNG_SHARED,
                        YOUNG_RESIDENCE,
                        "Hébergé ou hébergée chez un proche",
                        AUTRE,
                    ),
                    by="situation",
                    weights={
                        "Lycéen ou lycéenne": (90, 2, 1, 3, 3, 1),
                        "Étudiant ou étudiante": (38, 22, 18, 18, 3, 1),
                        "En apprentissage ou en formation": (55, 18, 8, 12, 6, 1),
                        "En emploi": (30, 48, 12, 3, 6, 1),
                        "En recherche d'emploi": (58, 18, 5, 3, 14, 2),
                        "*": (45, 20, 8, 8, 14, 5),
                    },
                    others=("En internat", "Chez mon copain", "En logement d'urgence"),
                ),
                Q(
                    "quitter",
                    K.SINGLE,
                    "Souhaitez-vous quitter le domicile familial dans l'année qui vient ?",
                    choices=(
                        "Oui, dès que possible",
                        "Oui, mais je n'en ai pas les moyens",
                        "Non, pas pour l'instant",
                    ),
                    weights=(24, 41, 35),
                    when=("logement", (YOUNG_HOME,)),
                ),
                Q(
                    "mobilite",
                    K.MULTIPLE,
                    "Comment vous déplacez-vous le plus souvent ?",
                    choices=(
                        "En transports en commun",
                        "En voiture personnelle",
                        "À vélo ou en trottinette",
                        "À pied",
                        "On m'emmène (parents, amis)",
                        AUTRE,
                    ),
                    weights=(58, 26, 22, 35, 18, 2),
                    picks=(45, 40, 15),
                    min_choices=1,
                    max_choices=3,
                    others=("En scooter", "En covoiturage"),
                ),
            ),
        ),
        Part(
            "Emploi et aides de la Caf",
            (
                Q(
                    "freins",
                    K.MULTIPLE,
                    "Qu'est-ce qui freine (ou a freiné) votre accès à un premier emploi ?",
                    choices=(
                        "Le manque d'expérience",
                        "Le manque de mobilité (permis, transports)",
                        "Le manque de réseau",
                        "Un logement trop éloigné des offres",
                        "Des offres qui ne correspondent pas à ma formation",
                        AUTRE,
                    ),
                    weights=(62, 38, 34, 14, 24, 4),
                    picks=(40, 40, 20),
                    min_choices=1,
                    max_choices=3,
                    others=("Ma santé", "La garde de mon enfant", "Les discriminations"),
                ),
                Q(
                    "aides",
                    K.MULTIPLE,
                    "Quelles aides de la Caf connaissez-vous ?",
                    choices=(
                        "L'aide au logement (APL)",
                        "La prime d'activité",
                        "Les aides aux vacances et aux loisirs (BAFA, séjours)",
                        "Les aides pour les jeunes parents",
                        "Aucune",
                    ),
                    by="logement",
                    weights={
                        YOUNG_OWN: (88, 30, 10, 8, 2),
                        YOUNG_SHARED: (80, 22, 10, 3, 3),
                        YOUNG_RESIDENCE: (84, 14, 12, 2, 3),
                        "*": (62, 18, 12, 5, 8),
                    },
                    exclusive=("Aucune",),
                    picks=(45, 35, 15, 5),
                    min_choices=1,
                    max_choices=4,
                ),
                Q(
                    "information",
                    K.SCALE,
                    "Vous sentez-vous bien informé ou informée sur vos droits ?",
                    weights=(12, 24, 33, 22, 9),
                    scale_labels=("Pas du tout", "Très bien"),
                ),
                Q(
                    "priorites",
                    K.RANKING,
                    "Classez vos priorités",
                    choices=(
                        "Trouver un logement abordable",
                        "Me déplacer facilement",
                        "Décrocher un premier emploi",
                        "Être mieux informé ou informée sur mes droits",
                    ),
                    weights=(36, 18, 30, 16),
                    picks=(0, 0, 25, 75),
                ),
                Q(
                    "idees",
                    K.LONG_TEXT,
                    "Une idée pour aider les jeunes à devenir autonomes ?",
                    required=False,
                    fill=0.3,
                    publish_results=False,
                    texts=(
                        "Trouver un logement sans garant est presque impossible quand on "
                        "commence à travailler.",
                        "Je ne savais pas que j'avais droit à l'APL en colocation.",
                        "Le permis coûte trop cher, et sans voiture je ne peux pas accepter les "
                        "offres près de chez moi.",
                        "Il faudrait une application simple qui dise à quelles aides on a droit "
                        "à 18 ans.",
                        "Les démarches sur caf.fr sont compliquées quand on les fait seul pour "
                        "la première fois.",
                        "Mes parents perdent des allocations quand je commence à travailler, "
                        "c'est incompréhensible.",
                        "Une permanence de la Caf à la mission locale, ce serait bien.",
                        "Les bus ne passent plus le soir dans mon village.",
                        "Les stages non rémunérés empêchent de prendre son indépendance.",
                        "J'aimerais être accompagné pour ma première déclaration de ressources.",
                        "Merci de demander notre avis, on a souvent l'impression que les aides "
                        "ne sont pas pensées pour nous.",
                        "Les résidences étudiantes sont pleines et le privé trop cher.",
                    ),
                ),
            ),
        ),
    ),
    restitution=Synthesis(
        title="Restitution de la consultation citoyenne sur l'autonomie des jeunes",
        featured=("logement", "aides", "priorites"),
        published_at=_at(2025, 11, 18, 10),
        text=(
            "<p><strong>1 412 jeunes</strong> de 16 à 25 ans ont répondu à la consultation "
            "« L'autonomie des jeunes : vos besoins, vos idées », ouverte du 15 septembre au "
            "24 octobre 2025.</p>"
            "<p>Le logement arrive en tête de leurs priorités. Près d'un répondant sur deux vit "
            "encore chez ses parents, et beaucoup souhaiteraient partir sans en avoir les "
            "moyens. Viennent ensuite l'accès à un premier emploi, freiné d'abord par le manque "
            "d'expérience, et la mobilité : le coût du permis et l'absence de transports le "
            "soir pèsent surtout hors des grandes villes.</p>"
            "<p>L'aide au logement est bien connue, beaucoup moins la prime d'activité ou les "
            "aides aux vacances, et seul un jeune sur trois se sent bien informé de ses "
            "droits. Ils demandent des démarches plus simples à faire seul, une information "
            "pensée pour eux et des relais de proximité.</p>"
            "<p>Ces résultats seront approfondis avec le living lab jeunesse de la Drôme pour "
            "imaginer, avec les jeunes eux-mêmes, une information plus claire sur leurs "
            "droits.</p>"
        ),
    ),
)

# Offre de service aux partenaires -----------------------------------------------------------------
PARTNER_PROFILES = (
    "Commune ou EPCI",
    "Centre social",
    "Association",
    "Gestionnaire d'EAJE",
    "Autre",
)

SOCLE = Spec(
    slug="socle-commun-partenaires",
    title="Offre de service aux partenaires d'action sociale : le socle commun",
    summary=(
        "Collectivités, centres sociaux, associations, gestionnaires d'équipements : quel "
        "service attendez-vous de votre Caf, partout en France ?"
    ),
    description=(
        "La Cnaf définit un socle minimal commun de l'offre de service aux partenaires d'action "
        "sociale, le même sur tout le territoire. Les partenaires des 10 Caf du groupe de "
        "travail sont invités à le challenger.\n\n"
        "Votre code d'accès figure dans l'invitation reçue de votre Caf ; il ne sert qu'une "
        "fois."
    ),
    commissioned_by="Direction des politiques familiales (Cnaf)",
    theme="partenariats",
    audience=Consultation.Audience.PARTNERS,
    status=Consultation.Status.RESULTS,
    opens_at=_at(2025, 4, 1),
    closes_at=_at(2025, 4, 30, 23, 59),
    results_published_at=_at(2025, 5, 20, 10),
    responses=418,
    anonymous=False,
    access_code=True,
    extra_codes=182,
    departments=GROUP_OF_TEN,
    tau=4.0,
    relaunches=(14,),
    weekend=0.08,
    parts=(
        Part(
            "Votre structure",
            (
                Q(
                    "structure",
                    K.PROFILE,
                    "Votre structure",
                    choices=PARTNER_PROFILES,
                    weights=(38, 24, 20, 12, 6),
                    others=(
                        "Conseil départemental",
                        "Service de PMI",
                        "Bailleur social",
                        "France Travail",
                        "MSA",
                    ),
                ),
                Q("departement", K.DEPARTMENT, "Le département de votre Caf"),
                Q(
                    "interlocuteur",
                    K.YES_NO,
                    "Avez-vous un interlocuteur identifié à la Caf ?",
                    by="structure",
                    weights={
                        "Commune ou EPCI": (78, 22),
                        "Centre social": (82, 18),
                        "Association": (52, 48),
                        "Gestionnaire d'EAJE": (64, 36),
                        "*": (55, 45),
                    },
                ),
            ),
        ),
        Part(
            "Votre relation avec la Caf",
            (
                Q(
                    "satisfaction",
                    K.SCALE,
                    "Globalement, êtes-vous satisfait de votre relation avec la Caf ?",
                    by="structure",
                    weights={
                        "Commune ou EPCI": (3, 9, 27, 44, 17),
                        "Centre social": (4, 12, 30, 39, 15),
                        "Association": (8, 17, 33, 31, 11),
                        "Gestionnaire d'EAJE": (6, 15, 32, 35, 12),
                        "*": (5, 12, 30, 38, 15),
                    },
                    scale_labels=("Pas du tout satisfait", "Très satisfait"),
                ),
                Q(
                    "delais",
                    K.SCALE,
                    "Les délais de réponse de la Caf à vos sollicitations vous conviennent-ils ?",
                    weights=(9, 21, 34, 27, 9),
                    scale_labels=("Pas du tout", "Tout à fait"),
                ),
                Q(
                    "canaux",
                    K.MULTIPLE,
                    "Comment souhaitez-vous échanger avec la Caf ?",
                    choices=(
                        "Des rendez-vous réguliers",
                        "Un espace partenaire en ligne",
                        "Une ligne téléphonique directe",
                        "Des réunions territoriales (CTG)",
                        "Une lettre d'information",
                        AUTRE,
                    ),
                    weights=(52, 48, 40, 31, 18, 3),
                    picks=(25, 45, 30),
                    min_choices=1,
                    max_choices=3,
                    others=("Une adresse électronique unique", "Des webinaires thématiques"),
                ),
            ),
        ),
        Part(
            "Le socle commun",
            (
                Q(
                    "socle",
                    K.RANKING,
                    "Classez les trois engagements les plus importants pour vous",
                    choices=(
                        "Un interlocuteur dédié",
                        "Des délais de réponse garantis",
                        "Une information claire sur les financements",
                        "Un accompagnement des projets",
                        "Des outils en ligne partagés",
                    ),
                    weights=(30, 24, 22, 14, 10),
                    picks=(0, 0, 100),
                ),
                Q(
                    "rencontres",
                    K.SINGLE,
                    "À quel rythme souhaiteriez-vous rencontrer votre Caf ?",
                    choices=(
                        "Une fois par an",
                        "Deux fois par an",
                        "Chaque trimestre",
                        "Chaque mois",
                    ),
                    weights=(12, 38, 40, 10),
                ),
                Q(
                    "remarques",
                    K.LONG_TEXT,
                    "Vos remarques sur le socle commun",
                    required=False,
                    fill=0.3,
                    publish_results=False,
                    texts=(
                        "Nous changeons trop souvent d'interlocuteur, il faut réexpliquer notre "
                        "projet à chaque fois.",
                        "Les circuits de validation des financements sont longs et peu lisibles.",
                        "La convention territoriale globale a vraiment amélioré nos échanges.",
                        "Un espace en ligne pour suivre nos dossiers de subvention serait "
                        "précieux.",
                        "La Caf devrait nous informer plus tôt des évolutions des prestations "
                        "de service.",
                        "Les rencontres territoriales sont utiles mais trop espacées.",
                        "Nous aimerions être associés plus tôt aux diagnostics de territoire.",
                        "Le socle commun doit garantir la même qualité de service quelle que "
                        "soit la Caf.",
                        "Les délais de paiement mettent en difficulté la trésorerie de notre "
                        "association.",
                        "Nos conseillers Caf sont très disponibles, merci à eux.",
                    ),
                ),
            ),
        ),
    ),
)

# monenfant.fr -------------------------------------------------------------------------------------
MONENFANT_USERS = ("Oui, souvent", "Oui, une ou deux fois")

MONENFANT = Spec(
    slug="monenfant-vos-attentes",
    title="Monenfant.fr : ce que vous attendez du site",
    summary=(
        "Parents, assistants maternels, gestionnaires de crèche : aidez-nous à faire évoluer "
        "monenfant.fr, le site des modes d'accueil."
    ),
    description=(
        "Monenfant.fr recense les modes d'accueil du jeune enfant et leurs disponibilités. Nous "
        "préparons sa prochaine version avec ceux qui l'utilisent… et ceux qui ne le "
        "connaissent pas encore.\n\nLa consultation est anonyme."
    ),
    commissioned_by=DPFS,
    theme="petite-enfance",
    audience=Consultation.Audience.PUBLIC,
    status=Consultation.Status.CLOSED,
    opens_at=_at(2025, 11, 3),
    closes_at=_at(2025, 12, 15, 23, 59),
    responses=1205,
    tau=4.0,
    relaunches=(17,),
    parts=(
        Part(
            "Vous connaître",
            (
                Q(
                    "profil",
                    K.PROFILE,
                    "Vous êtes…",
                    choices=(
                        "Parent ou futur parent",
                        "Assistant ou assistante maternelle",
                        "Gestionnaire d'un établissement d'accueil du jeune enfant",
                        "Professionnel ou professionnelle de la petite enfance",
                        "Autre",
                    ),
                    weights=(62, 16, 8, 9, 5),
                    others=("Grand-parent", "Animatrice de relais petite enfance", "Élu"),
                ),
                Q("departement", K.DEPARTMENT, "Votre département"),
            ),
        ),
        Part(
            "Votre usage du site",
            (
                Q(
                    "usage",
                    K.SINGLE,
                    "Avez-vous déjà utilisé monenfant.fr ?",
                    choices=(*MONENFANT_USERS, "Non, jamais", "Je ne connaissais pas le site"),
                    by="profil",
                    weights={
                        "Parent ou futur parent": (18, 38, 14, 30),
                        "Assistant ou assistante maternelle": (48, 30, 10, 12),
                        "Gestionnaire d'un établissement d'accueil du jeune enfant": (
                            52,
                            30,
                            8,
                            10,
                        ),
                        "Professionnel ou professionnelle de la petite enfance": (30, 36, 14, 20),
                        "*": (15, 30, 20, 35),
                    },
                ),
                Q(
                    "motifs",
                    K.MULTIPLE,
                    "Pour quoi faire ?",
                    choices=(
                        "Chercher un mode d'accueil",
                        "Consulter les disponibilités des assistants maternels",
                        "Estimer le coût d'un mode d'accueil",
                        "M'informer sur les aides",
                        "Mettre à jour mes disponibilités (professionnels)",
                        AUTRE,
                    ),
                    when=("usage", MONENFANT_USERS),
                    by="profil",
                    weights={
                        "Parent ou futur parent": (70, 40, 38, 32, 1, 3),
                        "Assistant ou assistante maternelle": (6, 30, 10, 20, 78, 4),
                        "Gestionnaire d'un établissement d'accueil du jeune enfant": (
                            10,
                            12,
                            10,
                            22,
                            70,
                            5,
                        ),
                        "*": (40, 30, 25, 30, 20, 4),
                    },
                    picks=(45, 40, 15),
                    min_choices=1,
                    max_choices=3,
                    others=("Orienter des familles", "Trouver un relais petite enfance"),
                ),
                Q(
                    "facilite",
                    K.SCALE,
                    "Avez-vous trouvé facilement ce que vous cherchiez ?",
                    weights=(10, 20, 33, 27, 10),
                    when=("usage", MONENFANT_USERS),
                    scale_labels=("Pas du tout", "Très facilement"),
                ),
            ),
        ),
        Part(
            "Vos attentes",
            (
                Q(
                    "attentes",
                    K.MULTIPLE,
                    "Qu'attendez-vous en priorité du site ?",
                    choices=(
                        "Des disponibilités à jour, en temps réel",
                        "Pouvoir faire une demande de place en ligne",
                        "Un simulateur de coût fiable",
                        "Des informations sur les aides",
                        "Une version mobile plus pratique",
                        AUTRE,
                    ),
                    weights=(64, 52, 38, 30, 26, 3),
                    picks=(25, 45, 30),
                    min_choices=1,
                    max_choices=3,
                    others=("Les horaires atypiques des crèches", "Des avis d'autres parents"),
                ),
                Q(
                    "remarques",
                    K.LONG_TEXT,
                    "Autre chose à nous dire ?",
                    required=False,
                    fill=0.27,
                    publish_results=False,
                    texts=(
                        "Les disponibilités affichées ne sont jamais à jour, j'ai appelé vingt "
                        "assistantes maternelles pour rien.",
                        "Ce serait bien de pouvoir déposer une seule demande pour plusieurs "
                        "crèches.",
                        "Assistante maternelle, je ne reçois aucune demande par le site.",
                        "Le simulateur m'a beaucoup aidée à choisir entre crèche et assistante "
                        "maternelle.",
                        "Il manque les horaires d'ouverture des crèches.",
                        "Le site est difficile à utiliser sur téléphone.",
                        "J'ai découvert le site trop tard, après la naissance de mon fils.",
                        "Il faudrait pouvoir filtrer selon les horaires atypiques.",
                        "Mettre à jour mes disponibilités devrait prendre deux clics, pas dix.",
                        "Une carte plus claire des places disponibles dans ma commune serait "
                        "utile.",
                    ),
                ),
            ),
        ),
    ),
)

# 2024: la déclaration trimestrielle de ressources -------------------------------------------------
DTR = Spec(
    slug="dtr-pre-remplie",
    title="Déclaration trimestrielle de ressources pré-remplie",
    summary=(
        "Vous déclarez vos ressources chaque trimestre pour le RSA, la prime d'activité ou "
        "l'AAH ? Dites-nous comment se passe la déclaration pré-remplie."
    ),
    description=(
        "Depuis 2024, une partie des montants de la déclaration trimestrielle est pré-remplie à "
        "partir du montant net social. Votre expérience nous aide à l'améliorer.\n\n"
        "La consultation est anonyme."
    ),
    commissioned_by=DPFS,
    theme="acces-aux-droits",
    audience=Consultation.Audience.PUBLIC,
    status=Consultation.Status.RESULTS,
    opens_at=_at(2024, 10, 7),
    closes_at=_at(2024, 11, 22, 23, 59),
    results_published_at=_at(2024, 12, 12, 10),
    responses=930,
    tau=5.0,
    relaunches=(7, 21),
    parts=(
        Part(
            "Votre situation",
            (
                Q(
                    "prestation",
                    K.SINGLE,
                    "Pour quelle prestation déclarez-vous vos ressources ?",
                    choices=(
                        "Le RSA",
                        "La prime d'activité",
                        "L'allocation aux adultes handicapés (AAH)",
                        "Plusieurs de ces prestations",
                    ),
                    weights=(44, 38, 12, 6),
                ),
                Q("departement", K.DEPARTMENT, "Votre département"),
            ),
        ),
        Part(
            "La déclaration pré-remplie",
            (
                Q(
                    "utilise",
                    K.YES_NO,
                    "Avez-vous utilisé la déclaration pré-remplie ?",
                    weights=(72, 28),
                ),
                Q(
                    "montants",
                    K.SINGLE,
                    "Les montants pré-remplis correspondaient-ils à votre situation ?",
                    choices=("Oui, tout à fait", "Oui, en partie", "Non"),
                    weights=(46, 38, 16),
                    when=("utilise", ("Oui",)),
                ),
                Q(
                    "simplicite",
                    K.SCALE,
                    "La déclaration vous a-t-elle paru simple ?",
                    by="utilise",
                    weights={"Oui": (4, 9, 24, 38, 25), "*": (12, 22, 32, 24, 10)},
                    scale_labels=("Très compliquée", "Très simple"),
                ),
                Q(
                    "difficultes",
                    K.MULTIPLE,
                    "Qu'est-ce qui reste difficile ?",
                    choices=(
                        "Comprendre le montant net social",
                        "Déclarer des revenus irréguliers (intérim, micro-entreprise)",
                        "Savoir quels revenus déclarer",
                        "Corriger un montant pré-rempli",
                        "Rien de particulier",
                        AUTRE,
                    ),
                    weights=(38, 30, 34, 20, 20, 3),
                    exclusive=("Rien de particulier",),
                    picks=(50, 35, 15),
                    min_choices=1,
                    max_choices=3,
                    others=("Déclarer les revenus de mon conjoint", "Les pensions alimentaires"),
                ),
                Q(
                    "remarques",
                    K.LONG_TEXT,
                    "Vos suggestions",
                    required=False,
                    fill=0.22,
                    publish_results=False,
                    texts=(
                        "Le pré-remplissage me fait gagner beaucoup de temps, merci.",
                        "Je ne comprends pas ce qu'est le montant net social ni où le trouver.",
                        "Avec mes missions d'intérim, les montants ne sont jamais les bons.",
                        "Je crains de faire une erreur et de devoir rembourser un indu.",
                        "Il faudrait pouvoir modifier facilement un montant erroné.",
                        "Une vidéo explicative sur caf.fr serait utile.",
                        "Micro-entrepreneur, le pré-remplissage ne m'aide pas.",
                        "Le rappel par SMS avant la date limite est très pratique.",
                    ),
                ),
            ),
        ),
    ),
    restitution=Synthesis(
        title="Déclaration pré-remplie : vos retours",
        featured=("utilise", "simplicite", "difficultes"),
        published_at=_at(2024, 12, 12, 10),
        text=(
            "<p>930 allocataires ont partagé leur expérience de la déclaration trimestrielle "
            "pré-remplie. La plupart l'ont utilisée et la trouvent plus simple : le "
            "pré-remplissage fait gagner du temps.</p>"
            "<p>Des difficultés demeurent pour les situations complexes (revenus irréguliers, "
            "intérim, micro-entreprise) et pour comprendre le montant net social. L'information "
            "sur caf.fr sera renforcée et un accompagnement ciblé proposé aux allocataires "
            "concernés.</p>"
        ),
    ),
)


# Open now, and a draft ----------------------------------------------------------------------------
def _aripa(now: datetime) -> Spec:
    opens_at = (now - timedelta(days=10)).replace(second=0, microsecond=0)
    used = ("Oui, pour l'intermédiation financière", "Oui, pour des pensions impayées")
    return Spec(
        slug="aripa-parents-separes",
        title="Parents séparés : l'ARIPA vous accompagne-t-elle ?",
        summary=(
            "Vous êtes séparé et parent ? Que vous versiez ou receviez une pension alimentaire, "
            "dites-nous ce que vous pensez de l'accompagnement de l'Aripa."
        ),
        description=(
            "L'Agence de recouvrement et d'intermédiation des pensions alimentaires (Aripa) "
            "sécurise le versement des pensions. Avec les living labs « Parents séparés » de "
            "Nice et de Toulouse, nous voulons améliorer l'information des parents.\n\n"
            "La consultation est anonyme et prend cinq minutes."
        ),
        commissioned_by="Agence de recouvrement et d'intermédiation des pensions alimentaires",
        theme="separation",
        audience=Consultation.Audience.PUBLIC,
        status=Consultation.Status.SCHEDULED,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=60),
        responses=60,
        tau=3.0,
        parts=(
            Part(
                "Votre situation",
                (
                    Q(
                        "profil",
                        K.PROFILE,
                        "Vous êtes…",
                        choices=(
                            "Parent qui reçoit une pension alimentaire",
                            "Parent qui verse une pension alimentaire",
                            "Parent en résidence alternée, sans pension",
                            "Professionnel ou professionnelle",
                            "Autre",
                        ),
                        weights=(48, 30, 10, 7, 5),
                        others=("Grand-parent", "Nouveau conjoint", "Médiatrice familiale"),
                    ),
                    Q("departement", K.DEPARTMENT, "Votre département"),
                    Q(
                        "connait",
                        K.YES_NO,
                        "Connaissez-vous l'Aripa ?",
                        weights=(64, 36),
                    ),
                    Q(
                        "recours",
                        K.SINGLE,
                        "Avez-vous fait appel à l'Aripa ?",
                        choices=(*used, "Oui, pour obtenir un titre exécutoire", "Non"),
                        weights=(34, 30, 10, 26),
                        when=("connait", ("Oui",)),
                    ),
                    Q(
                        "satisfaction",
                        K.SCALE,
                        "Êtes-vous satisfait de l'accompagnement de l'Aripa ?",
                        weights=(8, 16, 30, 32, 14),
                        when=("recours", (*used, "Oui, pour obtenir un titre exécutoire")),
                        scale_labels=("Pas du tout", "Très satisfait"),
                    ),
                ),
            ),
            Part(
                "Vos attentes",
                (
                    Q(
                        "information",
                        K.MULTIPLE,
                        "Où aimeriez-vous trouver l'information sur l'Aripa ?",
                        choices=(
                            "Sur caf.fr ou l'appli Caf",
                            "Auprès d'un conseiller de la Caf",
                            "Au tribunal ou chez l'avocat, au moment de la séparation",
                            "Auprès d'une association de parents",
                            "Sur les réseaux sociaux",
                            AUTRE,
                        ),
                        weights=(58, 40, 36, 14, 12, 6),
                        picks=(40, 40, 20),
                        min_choices=1,
                        max_choices=3,
                        others=(
                            "À la mairie",
                            "Lors d'une médiation familiale",
                            "Dans un courrier de la Caf après la séparation",
                        ),
                    ),
                    Q(
                        "priorites",
                        K.RANKING,
                        "Classez ce qui améliorerait le plus l'accompagnement",
                        choices=(
                            "Être informé dès la séparation",
                            "Un relevé de dettes plus lisible",
                            "Des délais de traitement plus courts",
                            "Un interlocuteur dédié",
                        ),
                        weights=(30, 26, 26, 18),
                        required=False,
                        fill=0.85,
                        picks=(0, 0, 30, 70),
                    ),
                    Q(
                        "temoignage",
                        K.LONG_TEXT,
                        "Votre témoignage",
                        required=False,
                        fill=0.35,
                        publish_results=False,
                        texts=(
                            "Le relevé de dettes est incompréhensible, je ne sais pas ce qui a "
                            "été payé.",
                            "L'intermédiation financière a apaisé les relations avec mon "
                            "ex-conjoint.",
                            "Personne ne m'a parlé de l'Aripa au moment du divorce.",
                            "Les délais de recouvrement sont très longs quand on élève seule "
                            "ses enfants.",
                            "Il faudrait pouvoir suivre son dossier en ligne, étape par étape.",
                            "Je verse la pension chaque mois, je ne comprends pas pourquoi je "
                            "dois passer par la Caf.",
                            "Un rendez-vous avec une conseillère spécialisée m'a beaucoup aidée.",
                            "Les courriers sont trop juridiques.",
                        ),
                    ),
                ),
            ),
        ),
    )


def _draft(now: datetime) -> Spec:
    """Being written for 2026; moved after today if 2026 is already under way."""
    opens_at = _at(2026, 3, 2)
    if opens_at < now + timedelta(days=30):
        start = (now + timedelta(days=60)).astimezone(PARIS).date()
        opens_at = datetime.combine(start, time(9), tzinfo=PARIS)
    return Spec(
        slug="horaires-atypiques-accueil-jeune-enfant",
        title="Accueil du jeune enfant : vos horaires atypiques",
        summary=(
            "Vous travaillez tôt le matin, tard le soir, la nuit ou le week-end ? Comment faites-"
            "vous garder vos enfants ?"
        ),
        description="Consultation en préparation avec le Lab parentalité de l'Isère.",
        commissioned_by=DPFS,
        theme="petite-enfance",
        audience=Consultation.Audience.PUBLIC,
        status=Consultation.Status.DRAFT,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=45),
        responses=0,
        parts=(
            Part(
                "Vos horaires",
                (
                    Q("profil", K.PROFILE, "Vous êtes…"),
                    Q(
                        "horaires",
                        K.MULTIPLE,
                        "Quand travaillez-vous en dehors des horaires habituels ?",
                        choices=(
                            "Tôt le matin (avant 7 h)",
                            "Tard le soir (après 19 h)",
                            "La nuit",
                            "Le week-end",
                            "Avec des horaires qui changent d'une semaine à l'autre",
                        ),
                        min_choices=1,
                    ),
                    Q(
                        "solutions",
                        K.LONG_TEXT,
                        "Comment faites-vous garder vos enfants sur ces horaires ?",
                        required=False,
                        publish_results=False,
                    ),
                ),
            ),
        ),
    )


def specs(now: datetime) -> list[Spec]:
    return [AIDANTS, SOCLE, AJPP, AVS, JEUNES, MONENFANT, DTR, _aripa(now), _draft(now)]


# Seeding ------------------------------------------------------------------------------------------
@dataclass
class _Built:
    """A created question, with what drawing its answers needs."""

    spec: Q
    question: Question
    choice_ids: dict[str, int] = field(default_factory=dict)
    other_ids: set[int] = field(default_factory=set)


def seed(ctx: SeedContext) -> None:
    themes = _seed_themes()
    now = timezone.now()
    all_specs = specs(now)
    existing = set(
        Consultation.objects.filter(slug__in=[s.slug for s in all_specs]).values_list(
            "slug", flat=True
        )
    )
    author = User.objects.filter(email=AUTHOR_EMAIL).first()
    cafs = set(Caf.objects.values_list("number", flat=True))
    for spec in all_specs:
        if spec.slug not in existing:
            _seed_consultation(ctx, spec, themes=themes, author=author, cafs=cafs, now=now)

    seeded = Consultation.objects.filter(slug__in=[s.slug for s in all_specs])
    responses = Response.objects.filter(consultation__in=seeded)
    in_year = responses.filter(submitted_on__year=ctx.year).count()
    ctx.log(
        f"  {seeded.count()} consultations, {_thousands(responses.count())} réponses "
        f"(dont {_thousands(in_year)} en {ctx.year}), {len(themes)} thèmes"
    )


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _seed_themes() -> dict[str, Theme]:
    """The themes, by slug; one already there under the same name or slug is kept."""

    def known() -> tuple[dict[str, Theme], dict[str, Theme]]:
        themes = list(Theme.objects.all())
        return {t.slug: t for t in themes}, {t.name: t for t in themes}

    by_slug, by_name = known()
    Theme.objects.bulk_create(
        Theme(name=name, slug=slug)
        for name, slug in THEMES
        if slug not in by_slug and name not in by_name
    )
    by_slug, by_name = known()
    return {slug: by_slug.get(slug) or by_name[name] for name, slug in THEMES}


def _seed_consultation(ctx, spec: Spec, *, themes, author, cafs: set[str], now) -> None:
    _check(spec)
    consultation = Consultation.objects.create(
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        description=spec.description,
        commissioned_by=spec.commissioned_by,
        theme=themes[spec.theme],
        audience=spec.audience,
        opens_at=spec.opens_at,
        closes_at=spec.closes_at,
        status=spec.status,
        scheduled_at=None
        if spec.status == Consultation.Status.DRAFT
        else spec.opens_at - timedelta(days=7),
        closed_at=spec.closes_at
        if spec.status in (Consultation.Status.CLOSED, Consultation.Status.RESULTS)
        else None,
        results_published_at=spec.results_published_at,
        is_anonymous=spec.anonymous,
        requires_access_code=spec.access_code,
        respondent_count=spec.responses,
        created_by=author,
    )
    built = _build_questionnaire(consultation, spec)
    if spec.responses:
        _seed_responses(ctx, consultation, spec, built, cafs=cafs, now=now)
    if spec.tags:
        _seed_tags(ctx, consultation, spec, built)
    if spec.restitution:
        restitution = Restitution.objects.create(
            consultation=consultation,
            title=spec.restitution.title,
            synthesis=spec.restitution.text,
            published_at=spec.restitution.published_at,
        )
        restitution.featured_questions.set(
            [built[key].question for key in spec.restitution.featured]
        )
    _backdate(consultation, spec, now)
    # Written with bulk_create and update(), which send no signal: what was cached is redone.
    fragments.bump(
        consultation_scope(consultation.pk),
        answers_scope(consultation.pk),
        tags_scope(consultation.pk),
    )


def _backdate(consultation: Consultation, spec: Spec, now: datetime) -> None:
    """The dates the automatic fields would have had: prepared weeks before the opening,
    codes sent a few days before, last touched when the results came out."""
    if spec.status == Consultation.Status.DRAFT:
        created = now - timedelta(days=12)
    else:
        created = spec.opens_at - timedelta(days=28)
    touched = [created, spec.opens_at - timedelta(days=7)]
    if spec.status in (Consultation.Status.CLOSED, Consultation.Status.RESULTS):
        touched.append(spec.closes_at)
    if spec.results_published_at:
        touched.append(spec.results_published_at)
    Consultation.objects.filter(pk=consultation.pk).update(
        created_at=created, updated_at=min(max(touched), now)
    )
    AccessCode.objects.filter(consultation=consultation).update(
        created_at=spec.opens_at - timedelta(days=3)
    )
    if spec.restitution:
        Restitution.objects.filter(consultation=consultation).update(
            updated_at=spec.restitution.published_at
        )


def _check(spec: Spec) -> None:
    """The weights match the choices (a typo in the data fails loudly, not silently)."""
    keys: set[str] = set()
    for part in spec.parts:
        for q in part.questions:
            n = len(q.labels())
            vectors = q.weights.values() if isinstance(q.weights, dict) else [q.weights]
            if spec.responses and q.kind in (*Question.CHOICE_KINDS, K.SCALE):
                expected = n if q.kind != K.SCALE else 5
                if any(len(vector) != expected for vector in vectors):
                    raise ValueError(f"{spec.slug}.{q.key}: {expected} poids attendus")
            for key in (q.by, q.when[0] if q.when else ""):
                if key and key not in keys:
                    raise ValueError(f"{spec.slug}.{q.key}: {key} doit la précéder")
            keys.add(q.key)


def _build_questionnaire(consultation: Consultation, spec: Spec) -> dict[str, _Built]:
    sections = Section.objects.bulk_create(
        Section(
            consultation=consultation, title=part.title, description=part.description, position=i
        )
        for i, part in enumerate(spec.parts)
    )
    built: dict[str, _Built] = {}
    for section, part in zip(sections, spec.parts, strict=True):
        for position, q in enumerate(part.questions):
            low, high = q.number_bounds or (None, None)
            built[q.key] = _Built(
                q,
                Question(
                    consultation=consultation,
                    section=section,
                    position=position,
                    kind=q.kind,
                    label=q.label,
                    help_text=q.help_text,
                    required=q.required,
                    min_choices=q.min_choices,
                    max_choices=q.max_choices,
                    scale_min_label=q.scale_labels[0],
                    scale_max_label=q.scale_labels[1],
                    number_min=low,
                    number_max=high,
                    publish_results=q.publish_results,
                    is_confidential=q.is_confidential,
                ),
            )
    Question.objects.bulk_create(b.question for b in built.values())
    Choice.objects.bulk_create(
        Choice(question=b.question, label=label, position=i, is_other=_is_other(label))
        for b in built.values()
        for i, label in enumerate(b.spec.choices)
    )
    for b in built.values():
        if b.spec.kind in (K.YES_NO, K.PROFILE):
            services.question_ensure_choices(question=b.question)
    by_question = {b.question.pk: b for b in built.values()}
    for choice in Choice.objects.filter(question__consultation=consultation):
        b = by_question[choice.question_id]
        b.choice_ids[choice.label] = choice.pk
        if choice.is_other:
            b.other_ids.add(choice.pk)

    conditioned = [b for b in built.values() if b.spec.when]
    for b in conditioned:
        b.question.condition_question = built[b.spec.when[0]].question
    Question.objects.bulk_update([b.question for b in conditioned], ["condition_question"])
    through = Question.condition_choices.through
    through.objects.bulk_create(
        through(question_id=b.question.pk, choice_id=built[b.spec.when[0]].choice_ids[label])
        for b in conditioned
        for label in b.spec.when[1]
    )
    return built


def _is_other(label: str) -> bool:
    return label.startswith("Autre")


# Answers -------------------------------------------------------------------------------------
def _seed_responses(ctx, consultation, spec: Spec, built: dict[str, _Built], *, cafs, now) -> None:
    rng = ctx.random(f"consultations.{spec.slug}")
    days = _response_days(ctx.random(f"consultations.{spec.slug}.jours"), spec, now)
    ids = ctx.random(f"consultations.{spec.slug}.identifiants")
    departments = _department_table(spec, cafs)

    # Who took part: in chronological order, as they came.
    participation_ids = ctx.random(f"consultations.{spec.slug}.participations")
    participations = [
        Participation(
            id=uuid.UUID(int=participation_ids.getrandbits(128), version=4),
            consultation=consultation,
            created_on=day,
        )
        for day in sorted(days)
    ]
    codes: list[AccessCode] = []
    if spec.access_code:
        codes = _access_codes(ids, consultation, spec, sorted(days))
        for participation, code in zip(participations, codes, strict=False):
            participation.access_code = code
    Participation.objects.bulk_create(participations, batch_size=BATCH)

    # What was answered: in the random order of the draws.
    flagged_day = days[len(days) // 2] if spec.flagged else None
    flagged = 0
    responses = []
    for day in days:
        review = Response.Review.VALID
        if day == flagged_day and flagged < spec.flagged:
            review, flagged = Response.Review.FLAGGED, flagged + 1
        responses.append(
            Response(
                id=uuid.UUID(int=ids.getrandbits(128), version=4),
                consultation=consultation,
                submitted_on=day,
                review=review,
            )
        )
    if not spec.anonymous:
        # Linked responses: each participation's response is sent the same day.
        by_day: dict[date, list[Participation]] = defaultdict(list)
        for participation in participations:
            by_day[participation.created_on].append(participation)
        for response in responses:
            response.participation_id = by_day[response.submitted_on].pop().pk
    Response.objects.bulk_create(responses, batch_size=BATCH)

    questions = list(built.values())
    buffer: list[Answer] = []
    for response in responses:
        buffer.extend(_answers(rng, response.pk, questions, departments))
        if len(buffer) >= BATCH:
            Answer.objects.bulk_create(buffer, batch_size=BATCH)
            buffer = []
    Answer.objects.bulk_create(buffer, batch_size=BATCH)


def _response_days(rng: random.Random, spec: Spec, now: datetime) -> list[date]:
    """A wave in the first days after the launch, a smaller one after each reminder, a tail,
    fewer answers on weekends and a last-day rush."""
    first = spec.opens_at.astimezone(PARIS).date()
    last = min(spec.closes_at.astimezone(PARIS).date(), timezone.localdate(now))
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    weights = []
    for i, day in enumerate(days):
        weight = math.exp(-i / spec.tau) + 0.07
        for relaunch in spec.relaunches:
            if i >= relaunch:
                weight += 0.45 * math.exp(-(i - relaunch) / 2.5)
        if i == len(days) - 1 and len(days) > 14:
            weight += 0.12
        if day.weekday() >= 5:
            weight *= spec.weekend
        weights.append(weight)
    return rng.choices(days, weights=weights, k=spec.responses)


def _department_table(spec: Spec, cafs: set[str]) -> tuple[list[str], list[float]]:
    numbers = [n for n in (spec.departments or POPULATION) if n in cafs]
    weights = [POPULATION.get(n, 300) * RELAYS.get(n, 1.0) for n in numbers]
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    return numbers, cumulative


def _access_codes(rng, consultation, spec: Spec, days: list[date]) -> list[AccessCode]:
    """One single-use code per invited partner: those who answered used theirs that day."""
    seen: set[str] = set()
    codes = []
    while len(codes) < spec.responses + spec.extra_codes:
        raw = "".join(rng.choice(services.CODE_ALPHABET) for _ in range(8))
        digest = services.access_code_hash(consultation, f"{raw[:4]}-{raw[4:]}")
        if digest in seen:
            continue
        seen.add(digest)
        used_on = days[len(codes)] if len(codes) < len(days) else None
        codes.append(
            AccessCode(
                consultation=consultation, code_hash=digest, batch=PARTNER_BATCH, used_on=used_on
            )
        )
    AccessCode.objects.bulk_create(codes, batch_size=BATCH)
    return codes[: len(days)]


def _answers(rng: random.Random, response_id, questions: list[_Built], departments) -> list[Answer]:
    """One response, question by question, as the questionnaire would have let it be sent."""
    given: dict[str, list[str]] = {}
    rows: list[Answer] = []

    def row(b: _Built, **values) -> None:
        rows.append(Answer(response_id=response_id, question_id=b.question.pk, **values))

    for b in questions:
        q = b.spec
        if q.when and not set(given.get(q.when[0], ())) & set(q.when[1]):
            continue  # hidden: never answered
        if not q.required and rng.random() >= q.fill:
            continue
        if q.kind in (K.SINGLE, K.PROFILE, K.YES_NO):
            labels = [rng.choices(q.labels(), weights=_pick(q.weights, q.by, given))[0]]
        elif q.kind == K.MULTIPLE:
            labels = _draw(rng, q, _pick(q.weights, q.by, given))
        elif q.kind == K.RANKING:
            labels = _draw(rng, q, _pick(q.weights, q.by, given))
            for rank, label in enumerate(labels, start=1):
                row(b, choice_id=b.choice_ids[label], number=Decimal(rank))
            given[q.key] = labels
            continue
        elif q.kind == K.SCALE:
            value = rng.choices(range(1, 6), weights=_pick(q.weights, q.by, given))[0]
            row(b, number=Decimal(value))
            continue
        elif q.kind == K.NUMBER:
            row(b, number=Decimal(_number(rng, _pick(q.number, q.by, given))))
            continue
        elif q.kind == K.DEPARTMENT:
            numbers, cumulative = departments
            row(b, text=rng.choices(numbers, cum_weights=cumulative)[0])
            continue
        else:  # free text
            row(b, text=_free_text(rng, q.texts))
            continue
        given[q.key] = labels
        for label in labels:
            choice_id = b.choice_ids[label]
            text = rng.choice(q.others) if choice_id in b.other_ids else ""
            row(b, choice_id=choice_id, text=text)
    return rows


def _pick(value, by: str, given: dict[str, list[str]]):
    """The weights (or number law) for this respondent: shifted by an earlier answer."""
    if not isinstance(value, dict):
        return value
    answered = given.get(by, ())
    for label, option in value.items():
        if label in answered:
            return option
    return value["*"]


def _draw(rng: random.Random, q: Q, weights) -> list[str]:
    """Several choices, without replacement, the likelier first (also the order of a ranking).
    An exclusive choice (« Aucune ») stands alone."""
    labels, weights = list(q.labels()), list(weights)
    count = rng.choices(range(1, len(q.picks) + 1), weights=q.picks)[0]
    count = min(count, len(labels), q.max_choices or len(labels))
    count = max(count, q.min_choices or 1)
    drawn = []
    for _ in range(count):
        i = rng.choices(range(len(labels)), weights=weights)[0]
        drawn.append(labels.pop(i))
        weights.pop(i)
    exclusive = [label for label in drawn if label in q.exclusive]
    return exclusive[:1] if exclusive else drawn


def _number(rng: random.Random, law: LogNormal | Discrete) -> int:
    if isinstance(law, Discrete):
        return rng.choices(law.values, weights=law.weights)[0]
    value = round(law.median * math.exp(rng.gauss(0, law.sigma)))
    return max(law.low, min(law.high, value))


def _sentence(entry) -> str:
    return entry if isinstance(entry, str) else entry[0]


def _free_text(rng: random.Random, texts) -> str:
    """One sentence of the pool, sometimes two."""
    first = _sentence(rng.choice(texts))
    if rng.random() < 0.3:
        second = _sentence(rng.choice(texts))
        if second != first:
            return f"{first} {second}"
    return first


# Staff coding of the free text ------------------------------------------------------------------
def _seed_tags(ctx, consultation, spec: Spec, built: dict[str, _Built]) -> None:
    """Tags applied to about 30 % of the free-text answers, after what they say."""
    rng = ctx.random(f"consultations.{spec.slug}.etiquettes")
    Tag.objects.bulk_create(
        Tag(consultation=consultation, name=name, kind=kind) for name, kind in spec.tags
    )
    tags = {tag.name: tag.pk for tag in Tag.objects.filter(consultation=consultation)}
    coded: dict[str, tuple[str, ...]] = {}
    for b in built.values():
        for entry in b.spec.texts:
            if not isinstance(entry, str):
                coded[entry[0]] = entry[1]
    questions = [b.question.pk for b in built.values() if b.spec.kind in Question.TEXT_KINDS]
    through = Answer.tags.through
    links = []
    for answer_id, text in (
        Answer.objects.filter(question_id__in=questions).order_by("id").values_list("id", "text")
    ):
        if rng.random() >= 0.3:
            continue
        names = {name for sentence, codes in coded.items() if sentence in text for name in codes}
        links.extend(
            through(answer_id=answer_id, tag_id=tags[name])
            for name in sorted(names or {OTHER_TESTIMONY})
        )
    through.objects.bulk_create(links, batch_size=BATCH)
