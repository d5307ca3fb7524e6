"""Demo data of the projects' space: the « Concevoir et fabriquer » part of the 2025 report.

- Three programmes: « Innovation sociale territoriale » (fiche COG n°14), « Écologie solidaire »
  and « Alimentation solidaire et durable », copiloted with the Caisse centrale de la MSA.
- The 26 projects of the Fonds d'innovation petite enfance (FIPE) the CafLab accompanies, in the
  four FIPE themes (12 / 7 / 5 / 2), selected in 2024, with their funding, their stage history
  over 2024–2025, a few theories of change and indicators whose values the CafLab approved,
  deployment kits and the Cafs that replicate them; two experiments of relais petite enfance.
- The Défi « Lutter contre la pénurie de personnel de la petite enfance », launched with France
  Travail in November 2024: its scoring grid, the 13 regional teams (« Itin'Enfance » of the
  Caf de l'Orne among them), the jury's scores, the 5 winners of March 2025 and their incubation
  cohort (two days of preparation, business model, funding, impact assessment) with attendance,
  deliverables, published needs and the organisations the CafLab put them in touch with.
- The call for projects of « Alimentation solidaire et durable » and its 12 territories (14 Cafs),
  selected in July 2025 for an experiment starting in the first half of 2026.
- The 8 projects the CafLab carries and the 19 it accompanies for the Cnaf's directions in 2025
  (two more accompanied ones ended in 2024).
- The 64 creativity sessions of 2025 (and those of 2024), the training catalogue and its 10
  sessions of 2025, which trained 106 distinct people (some followed two sessions).

Dates are fixed: nothing here follows the day of seeding. Randomness comes from
`ctx.random("projects.…")`, one generator per project or per list, so a re-run gives the same
data. Projects, calls, cohorts, sessions and trainees are found by a natural key (a slug, a
title, a date and a place, an email): a second run creates only what is missing and changes
nothing else; what belongs to a project, a call or a cohort is created with it. Deliverables are
small text files written once at a fixed path of the media storage.

No account is created: carriers are the core demo's agents of each Caf (`agent.isere@caflab.demo`
carries the Campus Cocoon'Age), the CafLab's project leads and jurors its national team, the
trainers its regional referents.
"""

from __future__ import annotations

import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Case, DateTimeField, Value, When

from caflab import fragments
from caflab.demo import AGENT_EMAIL, FIRST_NAMES, LAST_NAMES, REFERENT_EMAIL
from caflab.models import Caf, Organisation, Region, User
from caflab.seeding import SeedContext
from projects.models import (
    Application,
    Call,
    ChangeStep,
    Cohort,
    CreativitySession,
    Criterion,
    Deliverable,
    DeploymentKit,
    Enrolment,
    Funding,
    Helper,
    Indicator,
    JuryAssignment,
    Match,
    Module,
    ModuleSession,
    Need,
    Period,
    Programme,
    Project,
    ProjectMember,
    Replication,
    Score,
    SessionAttendance,
    StageChange,
    Theme,
    Trainee,
    Training,
    TrainingSession,
)
from projects.selectors import year_figures

ORDER = 50

PARIS = ZoneInfo("Europe/Paris")
BATCH = 500

K = Project.Kind
S = Project.Stage
T = Theme
F = Funding.Source
A = CreativitySession.Audience
M = CreativitySession.Method

# The national team of the core demo (fictitious names, the report's roles).
DEPUTY = "aurore.baudin@caflab.demo"
FACILITATOR = "audrey.carpentier@caflab.demo"
FACILITATOR_2 = "elise.caron@caflab.demo"
ECOLOGY_LEAD = "elsa.marchand@caflab.demo"
SOCIAL_LEAD = "karine.vasseur@caflab.demo"
LISTENING_LEAD = "florence.renaud@caflab.demo"
INCUBATION_LEAD = "chloe.barbier@caflab.demo"
DEVELOPER = "jerome.aubert@caflab.demo"

# The Cnaf's directions that commission the accompanied projects.
DPFAS = "Direction des politiques familiales et sociales (DPFAS)"
DR = "Direction du réseau (DR)"
DRHR = "Direction des ressources humaines du réseau (DRHR)"
ARIPA = "Agence de recouvrement et d'intermédiation des pensions alimentaires (Aripa)"
DSI = "Direction des systèmes d'information (DSI)"
DCOM = "Direction de la communication (DCom)"

CCMSA = "Caisse centrale de la MSA"
FRANCE_TRAVAIL = "France Travail (direction générale)"


def _d(y: int, m: int, d: int) -> date:
    return date(y, m, d)


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.lower().replace(" ", "-").replace("'", "")


# Programmes ---------------------------------------------------------------------------------------
IST, ECOLOGY, FOOD = (
    "innovation-sociale-territoriale",
    "ecologie-solidaire",
    "alimentation-solidaire-et-durable",
)
PROGRAMMES = (
    (
        IST,
        "Innovation sociale territoriale",
        "Programme de recherche et de développement mentionné dans la fiche COG n°14. En 2025, "
        "il s'est concentré sur l'accueil du jeune enfant : accompagnement des projets du Fonds "
        "d'innovation petite enfance (FIPE), Défi « Lutter contre la pénurie de personnel de la "
        "petite enfance » avec France Travail et expérimentations autour des relais petite "
        "enfance.",
        "Karine Richard",
        _d(2023, 1, 2),
        (FRANCE_TRAVAIL,),
    ),
    (
        ECOLOGY,
        "Écologie solidaire",
        "Annoncé dans la fiche COG n°14, le programme fait de la transition écologique un levier "
        "d'inclusion sociale : des projets qui donnent lieu à expérimentation et la valorisation "
        "d'initiatives qui rendent les allocataires acteurs de la transition, dans une vision "
        "positive de sobriété choisie et solidaire.",
        "Elia Kopecky",
        _d(2024, 9, 2),
        (),
    ),
    (
        FOOD,
        "Alimentation solidaire et durable",
        "Copiloté avec la Caisse centrale de la MSA, le programme garantit aux allocataires Caf "
        "et MSA l'accès à une alimentation locale et en circuit court tout en sécurisant le "
        "revenu des agriculteurs : la Caf et la MSA préfinancent chaque année la production "
        "d'agriculteurs conventionnés, ce qui réduit le prix final pour les familles sans "
        "nouvelle prestation ni dépense publique supplémentaire.",
        "CafLab et CCMSA",
        _d(2024, 9, 2),
        (CCMSA,),
    ),
)


# Projects -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProjectSpec:
    slug: str
    title: str
    summary: str
    kind: str
    theme: str
    started_on: date
    stages: tuple[tuple[str, date], ...]  # the history, first the stage it started in
    cafs: tuple[str, ...] = ()
    programme: str = ""
    region: str = ""
    territories: str = ""
    sponsor: str = ""
    caflab: tuple[str, ...] = ()  # the CafLab's project leads
    carriers: int = 0  # agents of the first Caf named carriers
    partners: tuple[str, ...] = ()
    fundings: tuple[tuple[str, str, int, int], ...] = ()  # source, funder, amount, year
    notes: dict[str, str] = field(default_factory=dict)  # stage → note of that move


def _path(*steps: tuple[str, date]) -> tuple[tuple[str, date], ...]:
    return tuple(steps)


CARRIED = (
    ProjectSpec(
        "echosolidaires",
        "ÉchoSolidaires, le podcast des pratiques écologiques des ménages",
        "Un podcast itinérant, coconstruit avec les habitants des quartiers prioritaires, qui "
        "donne la parole aux gestes de réparation, de réemploi et de circuits courts des "
        "ménages à bas revenus. Imaginé et prototypé avec l'Incubateur des politiques publiques "
        "de Sciences Po, il est mis à disposition des Caf avec un guide méthodologique ; des "
        "jeunes sont formés à la prise de son et à l'interview.",
        K.CARRIED,
        T.ECOLOGY,
        _d(2025, 1, 13),
        _path(
            (S.IDEATION, _d(2025, 1, 13)),
            (S.INCUBATION, _d(2025, 6, 19)),
            (S.EXPERIMENT, _d(2025, 9, 22)),
        ),
        programme=ECOLOGY,
        caflab=(ECOLOGY_LEAD,),
        partners=("Incubateur des politiques publiques de Sciences Po",),
        fundings=((F.FNAS, "Cnaf — CafLab", 18000, 2025),),
        notes={
            S.INCUBATION: "Restitution des étudiants de Sciences Po : le prototype est retenu.",
            S.EXPERIMENT: "Les Caf de la Drôme et des Bouches-du-Rhône lancent le podcast.",
        },
    ),
    ProjectSpec(
        "exposition-caf-ia",
        "Exposition Caf'IA",
        "Une exposition itinérante pour acculturer les agents à l'IA générative : neuf panneaux "
        "triptyques, quatre ateliers et jeux (bar à prompts, jeu des controverses, détection "
        "d'images générées, escape card) et une mallette de sensibilisation numérique. Inspirée "
        "d'Explor'IA (Urssaf Caisse nationale) et de la démarche de la Caf du Rhône.",
        K.CARRIED,
        T.OTHER,
        _d(2024, 11, 4),
        _path(
            (S.IDEATION, _d(2024, 11, 4)),
            (S.INCUBATION, _d(2025, 1, 6)),
            (S.EXPERIMENT, _d(2025, 3, 17)),
            (S.SPREADING, _d(2025, 5, 12)),
        ),
        caflab=(FACILITATOR_2, DEVELOPER),
        notes={S.SPREADING: "Quinze expositions physiques en circulation entre les Caf."},
    ),
    ProjectSpec(
        "la-caf-a-votre-ecoute",
        "La Caf à votre écoute",
        "La plateforme de consultation citoyenne de la branche : elle recueille l'expérience des "
        "allocataires, des partenaires et des agents sur des offres de service existantes ou à "
        "venir, et en publie les résultats.",
        K.CARRIED,
        T.RIGHTS,
        _d(2021, 9, 6),
        _path(
            (S.IDEATION, _d(2021, 9, 6)),
            (S.EXPERIMENT, _d(2022, 3, 1)),
            (S.SPREADING, _d(2023, 6, 5)),
        ),
        caflab=(LISTENING_LEAD,),
    ),
    ProjectSpec(
        "eurekaf",
        "Eurekaf, la plateforme d'idéation de la branche",
        "La boîte à idées numérique des Caf, née des besoins remontés par la communauté des "
        "innovateurs : déposer et soutenir des idées, en suivre les suites en toute "
        "transparence, lancer des campagnes thématiques et des criées.",
        K.CARRIED,
        T.WORKPLACE,
        _d(2024, 2, 5),
        _path(
            (S.IDEATION, _d(2024, 2, 5)),
            (S.INCUBATION, _d(2024, 5, 13)),
            (S.EXPERIMENT, _d(2024, 10, 7)),
            (S.SPREADING, _d(2025, 4, 7)),
        ),
        caflab=(DEVELOPER,),
        notes={S.SPREADING: "Déploiement de la plateforme en Caf."},
    ),
    ProjectSpec(
        "cooperation",
        "COOPération (ex-« CTG dans ma poche »)",
        "L'outil collaboratif de suivi des plans d'action des conventions territoriales globales "
        "et des schémas départementaux des services aux familles, coconstruit avec les "
        "directions des Allocations familiales, expérimenté avec 15 Caf à partir de 2023 et "
        "ouvert aux Caf volontaires en 2025.",
        K.CARRIED,
        T.PARTNERS,
        _d(2022, 3, 7),
        _path(
            (S.IDEATION, _d(2022, 3, 7)),
            (S.INCUBATION, _d(2022, 9, 5)),
            (S.EXPERIMENT, _d(2023, 1, 9)),
            (S.SPREADING, _d(2025, 1, 13)),
        ),
        caflab=(INCUBATION_LEAD, DEVELOPER),
        notes={S.SPREADING: "Ouverture aux Caf volontaires : 40 Caf en fin d'année."},
    ),
    ProjectSpec(
        "communaute-des-living-labs",
        "Communauté des living labs",
        "Le collectif des living labs de la branche, animé par le CafLab : partage des méthodes, "
        "voyage apprenant, évaluation avec un chercheur en sciences de gestion et sollicitation "
        "des labs par les projets nationaux.",
        K.CARRIED,
        T.RIGHTS,
        _d(2025, 1, 20),
        _path((S.IDEATION, _d(2025, 1, 20)), (S.EXPERIMENT, _d(2025, 3, 10))),
        caflab=(FACILITATOR,),
    ),
    ProjectSpec(
        "incubateur-de-la-branche",
        "Incubateur de la branche Famille",
        "Forte de l'incubation des projets du Défi petite enfance, l'offre d'incubation du "
        "CafLab se structure pour ouvrir en 2026 un incubateur ouvert aux projets des Caf : "
        "promotions, modules, recherche de partenaires et suivi d'impact.",
        K.CARRIED,
        T.OTHER,
        _d(2025, 4, 14),
        _path((S.IDEATION, _d(2025, 4, 14))),
        caflab=(INCUBATION_LEAD, DEPUTY),
    ),
    ProjectSpec(
        "alimentation-solidaire-et-durable-pilotage-national",
        "Alimentation solidaire et durable : pilotage national",
        "La conception du modèle économique de préfinancement des productions agricoles, "
        "l'appel à projets et l'animation de la communauté apprenante des douze territoires "
        "d'expérimentation, avec la Caisse centrale de la MSA.",
        K.CARRIED,
        T.FOOD,
        _d(2024, 9, 2),
        _path((S.IDEATION, _d(2024, 9, 2)), (S.SELECTION, _d(2025, 7, 8))),
        programme=FOOD,
        caflab=(DEPUTY, ECOLOGY_LEAD),
        partners=(CCMSA,),
        notes={S.SELECTION: "Douze territoires retenus à l'issue de l'appel à projets."},
    ),
)


def _accompanied(
    slug, title, summary, theme, sponsor, stages, *, cafs=(), lead=FACILITATOR, notes=None
) -> ProjectSpec:
    return ProjectSpec(
        slug,
        title,
        summary,
        K.ACCOMPANIED,
        theme,
        stages[0][1],
        _path(*stages),
        cafs=cafs,
        sponsor=sponsor,
        caflab=(lead,),
        notes=notes or {},
    )


ACCOMPANIED = (
    _accompanied(
        "doctrine-logement",
        "Doctrine logement : l'expérience des familles et des jeunes",
        "Dans le cadre des travaux nationaux sur le logement, le Lab parentalité a recueilli "
        "l'expérience de familles et de jeunes sur leurs parcours de logement et leur relation "
        "aux services publics : deux focus groupes (étudiants, jeunes parents) et des "
        "entretiens.",
        T.HOUSING,
        DPFAS,
        (
            (S.IDEATION, _d(2025, 1, 6)),
            (S.EXPERIMENT, _d(2025, 2, 3)),
            (S.SUSTAINED, _d(2025, 6, 30)),
        ),
        cafs=("38",),
        notes={S.SUSTAINED: "Les enseignements ont nourri les travaux nationaux."},
    ),
    _accompanied(
        "doctrine-animation-de-la-vie-sociale",
        "Doctrine Animation de la vie sociale",
        "Accompagnement de la refonte de la doctrine nationale AVS : appui au groupe de travail, "
        "consultation en ligne des habitants (plus de 1 220 réponses) et huit ateliers de "
        "créativité avec 71 habitants dans quatre départements.",
        T.SOCIAL_LIFE,
        DPFAS,
        (
            (S.IDEATION, _d(2024, 11, 4)),
            (S.EXPERIMENT, _d(2025, 3, 3)),
            (S.SUSTAINED, _d(2025, 9, 30)),
        ),
        cafs=("59", "38", "33", "87"),
        lead=FACILITATOR_2,
        notes={S.SUSTAINED: "Les pistes retenues nourrissent la future circulaire AVS."},
    ),
    _accompanied(
        "socle-minimal-qualite-relationnelle-partenariale",
        "Socle minimal de la qualité relationnelle partenariale",
        "Définition avec la Direction des politiques familiales et sociales d'une offre de "
        "service aux partenaires d'action sociale commune à tout le territoire : ateliers avec "
        "des partenaires et des agents, séances avec les 10 Caf du groupe, atelier de challenge "
        "en instance nationale Services aux familles.",
        T.PARTNERS,
        DPFAS,
        ((S.IDEATION, _d(2025, 3, 3)), (S.EXPERIMENT, _d(2025, 5, 19))),
    ),
    _accompanied(
        "declaration-trimestrielle-de-ressources",
        "Déclaration trimestrielle de ressources pré-remplie",
        "L'expérience des allocataires sur la déclaration trimestrielle de ressources, son "
        "préremplissage et le montant net social : 276 allocataires dans 12 ateliers et "
        "entretiens entre mars 2024 et octobre 2025.",
        T.RIGHTS,
        DR,
        (
            (S.IDEATION, _d(2024, 3, 4)),
            (S.EXPERIMENT, _d(2024, 6, 3)),
            (S.SUSTAINED, _d(2025, 10, 31)),
        ),
        cafs=("35", "29", "01", "62", "86", "38"),
        lead=LISTENING_LEAD,
        notes={S.SUSTAINED: "Information renforcée sur caf.fr, campagnes et accompagnement ciblé."},
    ),
    _accompanied(
        "montant-net-social",
        "Montant net social : une ligne à comprendre",
        "Comment les allocataires lisent et reportent le montant net social de leur bulletin de "
        "salaire : tests de supports d'information avec le living lab accès aux droits du "
        "Finistère.",
        T.RIGHTS,
        DR,
        (
            (S.IDEATION, _d(2024, 5, 13)),
            (S.EXPERIMENT, _d(2024, 9, 2)),
            (S.SUSTAINED, _d(2025, 3, 31)),
        ),
        cafs=("29",),
        lead=LISTENING_LEAD,
    ),
    _accompanied(
        "releve-de-dettes-aripa",
        "Relevé de dettes Aripa",
        "Avec les living labs « Parents séparés » de Toulouse et de Nice et les agents de "
        "l'Aripa, rendre le relevé de dettes lisible : une ligne par mois de pension, ce qui a "
        "été payé, ce qui reste dû.",
        T.RIGHTS,
        ARIPA,
        ((S.IDEATION, _d(2025, 4, 7)), (S.EXPERIMENT, _d(2025, 6, 2))),
        cafs=("31", "06"),
    ),
    _accompanied(
        "parents-debiteurs-pensions-alimentaires",
        "Parents débiteurs et recouvrement des pensions alimentaires",
        "Comprendre le point de vue des parents débiteurs sur le recouvrement des pensions "
        "alimentaires pour mieux les informer et prévenir les impayés.",
        T.RIGHTS,
        ARIPA,
        (
            (S.IDEATION, _d(2024, 12, 2)),
            (S.EXPERIMENT, _d(2025, 1, 13)),
            (S.SUSTAINED, _d(2025, 5, 30)),
        ),
        cafs=("31", "06"),
    ),
    _accompanied(
        "tous-aidants",
        "« Tous aidants » : l'aidance des agents de la branche",
        "En appui de la renégociation du dispositif « Je suis proche aidant » de l'Ucanss : "
        "consultation privée des agents (1 600 réponses), Corner avec une experte de l'aidance "
        "et sept ateliers de créativité avec 63 agents. La démarche se poursuit en 2026.",
        T.WORKPLACE,
        DRHR,
        ((S.IDEATION, _d(2025, 2, 3)), (S.EXPERIMENT, _d(2025, 9, 1))),
        lead=FACILITATOR_2,
    ),
    _accompanied(
        "criee-partenaires-action-sociale",
        "Criée des partenaires d'action sociale",
        "Faire remonter à la Cnaf les initiatives des Caf pour la relation partenariale, le "
        "management de la production des aides aux partenaires et la maîtrise des risques : "
        "31 projets reçus, pitchés en criée.",
        T.PARTNERS,
        DPFAS,
        (
            (S.IDEATION, _d(2025, 2, 17)),
            (S.EXPERIMENT, _d(2025, 4, 1)),
            (S.SUSTAINED, _d(2025, 7, 4)),
        ),
        lead="malo.tessier@caflab.demo",
    ),
    _accompanied(
        "allocation-journaliere-de-presence-parentale",
        "Allocation journalière de présence parentale (AJPP)",
        "Pourquoi l'AJPP est-elle méconnue et peu utilisée ? Une créée des initiatives des Caf, "
        "une consultation nationale (1 887 répondants) et neuf ateliers avec 76 parents, "
        "partenaires et experts, dont le living lab Handicap de Limoges.",
        T.RIGHTS,
        DPFAS,
        ((S.IDEATION, _d(2024, 10, 7)), (S.EXPERIMENT, _d(2025, 2, 3))),
        cafs=("87",),
        lead=LISTENING_LEAD,
    ),
    _accompanied(
        "guide-du-parent-aidant",
        "Guide du parent aidant",
        "Première piste issue des travaux sur l'AJPP : un guide à destination des parents "
        "aidants et des partenaires qui les accompagnent.",
        T.RIGHTS,
        DPFAS,
        ((S.IDEATION, _d(2025, 10, 6)),),
    ),
    _accompanied(
        "reponse-de-premier-niveau-ajpp",
        "Réponse de premier niveau sur l'AJPP en Caf",
        "Seconde piste issue des travaux sur l'AJPP : renforcer la réponse des Caf dès le "
        "premier contact des familles d'un enfant gravement malade ou accidenté.",
        T.RIGHTS,
        DR,
        ((S.IDEATION, _d(2025, 10, 6)),),
    ),
    _accompanied(
        "autonomie-des-jeunes",
        "Consultation citoyenne sur l'autonomie des jeunes",
        "Une consultation sur La Caf à votre écoute et des ateliers avec des jeunes sur leur "
        "accès à l'autonomie, restitués en novembre 2025.",
        T.RIGHTS,
        DPFAS,
        (
            (S.IDEATION, _d(2025, 3, 3)),
            (S.EXPERIMENT, _d(2025, 5, 5)),
            (S.SUSTAINED, _d(2025, 11, 20)),
        ),
        cafs=("26",),
        lead=LISTENING_LEAD,
        notes={S.SUSTAINED: "Restitution de la consultation citoyenne."},
    ),
    _accompanied(
        "monenfant-fr-en-maitrise-d-usage",
        "Évolution de monenfant.fr en maîtrise d'usage",
        "Un panel de parents et d'assistants maternels associé aux choix du projet, à chaque "
        "étape de l'évolution du site monenfant.fr.",
        T.FAMILY_SUPPORT,
        DSI,
        ((S.IDEATION, _d(2024, 9, 2)), (S.EXPERIMENT, _d(2025, 1, 6))),
    ),
    _accompanied(
        "lutte-contre-le-non-recours",
        "Lutte contre le non-recours : le parcours d'un allocataire",
        "Avec le living lab de Douarnenez et la Caf de la Vienne, suivre le parcours d'un "
        "allocataire, d'une demande et d'un dossier pour repérer où les droits se perdent.",
        T.RIGHTS,
        DR,
        ((S.IDEATION, _d(2025, 9, 1)), (S.EXPERIMENT, _d(2025, 10, 21))),
        cafs=("86", "29"),
    ),
    _accompanied(
        "courriers-comprehensibles",
        "Des courriers compréhensibles pour les allocataires",
        "Relire avec des allocataires les courriers de demande de pièces et de notification "
        "d'indu, et les réécrire : ce qui change pour vous, ce que vous devez faire.",
        T.RIGHTS,
        DCOM,
        ((S.IDEATION, _d(2025, 1, 13)), (S.EXPERIMENT, _d(2025, 4, 7))),
        lead=FACILITATOR_2,
    ),
    _accompanied(
        "information-des-parents-separes",
        "Information des parents séparés",
        "Améliorer les parcours Caf et les outils de l'Aripa, en particulier l'information "
        "délivrée aux parents séparés, avec les deux nouveaux living labs « Parents séparés ».",
        T.RIGHTS,
        ARIPA,
        ((S.IDEATION, _d(2025, 3, 3)), (S.EXPERIMENT, _d(2025, 5, 12))),
        cafs=("31", "06"),
    ),
    _accompanied(
        "parcours-des-familles-enfant-handicap",
        "Parcours des familles d'un enfant en situation de handicap",
        "Avec le living lab Handicap de la Haute-Vienne, simplifier les démarches des familles "
        "(AEEH, AJPP, accueil en crèche) et les relations avec la MDPH.",
        T.RIGHTS,
        DPFAS,
        ((S.IDEATION, _d(2024, 6, 3)), (S.EXPERIMENT, _d(2024, 11, 4))),
        cafs=("87",),
    ),
    _accompanied(
        "evaluation-des-conventions-territoriales-globales",
        "Évaluation des conventions territoriales globales",
        "Des outils d'évaluation des CTG coconstruits avec des Caf et leurs partenaires, mis à "
        "disposition dans COOPération.",
        T.PARTNERS,
        DPFAS,
        ((S.IDEATION, _d(2025, 5, 5)), (S.EXPERIMENT, _d(2025, 9, 8))),
        lead=INCUBATION_LEAD,
    ),
    # Two accompaniments that ended in 2024.
    _accompanied(
        "simulateur-aides-au-logement",
        "Simulateur des aides au logement en maîtrise d'usage",
        "Des locataires et des étudiants associés à la refonte du simulateur des aides au "
        "logement, de la maquette à la mise en ligne.",
        T.HOUSING,
        DSI,
        (
            (S.IDEATION, _d(2023, 4, 3)),
            (S.EXPERIMENT, _d(2023, 9, 4)),
            (S.SUSTAINED, _d(2024, 6, 28)),
        ),
    ),
    _accompanied(
        "accompagnement-des-familles-endeuillees",
        "Accompagnement des familles endeuillées",
        "Le parcours d'une famille après le décès d'un enfant ou d'un parent : des démarches "
        "allégées et un interlocuteur unique à la Caf.",
        T.RIGHTS,
        DPFAS,
        (
            (S.IDEATION, _d(2023, 10, 2)),
            (S.EXPERIMENT, _d(2024, 1, 15)),
            (S.SUSTAINED, _d(2024, 11, 29)),
        ),
        lead=FACILITATOR_2,
    ),
)

# The 26 FIPE projects: (slug, title, theme, Caf, summary, final stage).
FIPE = (
    (
        "micro-creche-horaires-atypiques-lille",
        "Micro-crèche à horaires atypiques",
        T.CARE_SOLUTIONS,
        "59",
        "Une micro-crèche ouverte de 5 h à 23 h près de la gare de Lille-Flandres pour les "
        "parents qui travaillent en horaires décalés : soins, logistique, nettoyage, commerce.",
        S.SPREADING,
    ),
    (
        "creche-avip-bobigny",
        "Crèche à vocation d'insertion professionnelle (AVIP)",
        T.CARE_SOLUTIONS,
        "93",
        "Des places réservées aux enfants de parents en recherche d'emploi, avec un "
        "accompagnement de France Travail vers l'emploi ou la formation pendant l'accueil.",
        S.EXPERIMENT,
    ),
    (
        "accueil-d-urgence-petite-enfance-lyon",
        "Accueil d'urgence petite enfance",
        T.CARE_SOLUTIONS,
        "69",
        "Un réseau de places mobilisables sous 72 heures pour une reprise d'emploi, une "
        "hospitalisation ou une situation de violences intrafamiliales.",
        S.EXPERIMENT,
    ),
    (
        "maison-d-assistants-maternels-rurale-gers",
        "Maison d'assistants maternels en milieu rural",
        T.CARE_SOLUTIONS,
        "32",
        "Une MAM installée dans une ancienne école, portée avec la commune et la communauté de "
        "communes, pour quatre assistantes maternelles et seize enfants.",
        S.SPREADING,
    ),
    (
        "creche-itinerante-creuse",
        "Crèche itinérante en milieu rural",
        T.CARE_SOLUTIONS,
        "23",
        "Un bus aménagé qui accueille les enfants deux jours par semaine dans cinq communes "
        "sans mode d'accueil collectif.",
        S.EXPERIMENT,
    ),
    (
        "micro-creche-soignants-nantes",
        "Micro-crèche en horaires décalés pour les soignants",
        T.CARE_SOLUTIONS,
        "44",
        "Une micro-crèche adossée au CHU, ouverte le soir et le week-end, pour les agents "
        "hospitaliers et les familles du quartier.",
        S.EXPERIMENT,
    ),
    (
        "places-inclusives-montpellier",
        "Places d'accueil inclusives pour les enfants en situation de handicap",
        T.CARE_SOLUTIONS,
        "34",
        "Des places renforcées en crèche ordinaire et un pôle ressource handicap qui forme les "
        "équipes et accompagne les familles.",
        S.INCUBATION,
    ),
    (
        "creche-interentreprises-metz",
        "Crèche interentreprises en zone d'activité",
        T.CARE_SOLUTIONS,
        "57",
        "Une crèche financée par les entreprises d'une zone d'activité, ouverte à leurs "
        "salariés comme aux habitants des communes voisines.",
        S.EXPERIMENT,
    ),
    (
        "halte-garderie-premiers-pas-vers-l-emploi-amiens",
        "Halte-garderie « Premiers pas vers l'emploi »",
        T.CARE_SOLUTIONS,
        "80",
        "Un accueil ponctuel et sans délai pour les parents qui suivent une formation, passent "
        "un entretien d'embauche ou reprennent un emploi.",
        S.EXPERIMENT,
    ),
    (
        "creche-familiale-centre-social-quimper",
        "Crèche familiale rattachée à un centre social",
        T.CARE_SOLUTIONS,
        "29",
        "Des assistantes maternelles salariées d'un centre social, qui se retrouvent chaque "
        "semaine au centre pour des temps collectifs avec les enfants.",
        S.INCUBATION,
    ),
    (
        "accueil-petite-enfance-tiers-lieu-haute-loire",
        "Accueil petite enfance dans un tiers-lieu rural",
        T.CARE_SOLUTIONS,
        "43",
        "Dix places d'accueil dans un tiers-lieu, à côté d'un espace de travail partagé où les "
        "parents peuvent télétravailler.",
        S.INCUBATION,
    ),
    (
        "micro-creche-ouverte-le-week-end-reunion",
        "Micro-crèche ouverte le week-end",
        T.CARE_SOLUTIONS,
        "974",
        "Un accueil du vendredi soir au lundi matin pour les familles monoparentales qui "
        "travaillent dans le commerce et le tourisme.",
        S.EXPERIMENT,
    ),
    (
        "relais-petite-enfance-itinerant-cantal",
        "Relais petite enfance itinérant",
        T.FAMILY_SUPPORT,
        "15",
        "Un relais qui va de commune en commune pour informer les familles sur les modes "
        "d'accueil et rompre l'isolement des assistants maternels.",
        S.SPREADING,
    ),
    (
        "guichet-unique-modes-d-accueil-gironde",
        "Guichet unique d'information sur les modes d'accueil",
        T.FAMILY_SUPPORT,
        "33",
        "Un point d'entrée unique, en ligne et au téléphone, pour toutes les demandes d'accueil "
        "du jeune enfant de la métropole bordelaise.",
        S.EXPERIMENT,
    ),
    (
        "parcours-des-1000-premiers-jours-marseille",
        "Parcours d'information des 1 000 premiers jours",
        T.FAMILY_SUPPORT,
        "13",
        "Des rendez-vous d'information pendant la grossesse pour anticiper le mode d'accueil, "
        "les droits et les démarches.",
        S.EXPERIMENT,
    ),
    (
        "parents-ambassadeurs-modes-d-accueil-val-d-oise",
        "Parents ambassadeurs des modes d'accueil en quartier prioritaire",
        T.FAMILY_SUPPORT,
        "95",
        "Des parents formés pour faire connaître les modes d'accueil aux familles de leur "
        "quartier qui n'y pensent pas ou n'osent pas les demander.",
        S.EXPERIMENT,
    ),
    (
        "permanences-modes-d-accueil-maternite-poitiers",
        "Permanences modes d'accueil en maternité",
        T.FAMILY_SUPPORT,
        "86",
        "Une conseillère de la Caf présente deux fois par semaine à la maternité du CHU pour "
        "informer les jeunes parents sur les modes d'accueil et les aides.",
        S.EXPERIMENT,
    ),
    (
        "information-des-familles-allophones-guyane",
        "Information des familles allophones",
        T.FAMILY_SUPPORT,
        "973",
        "Des supports traduits et des médiatrices interprètes pour présenter les modes "
        "d'accueil aux familles qui ne lisent pas le français.",
        S.EXPERIMENT,
    ),
    (
        "simulateur-reste-a-charge-vendee",
        "Simulateur du reste à charge selon le mode d'accueil",
        T.FAMILY_SUPPORT,
        "85",
        "Comparer le coût réel d'une crèche, d'un assistant maternel ou d'une garde à domicile "
        "après les aides, pour choisir en connaissance de cause.",
        S.INCUBATION,
    ),
    (
        "analyse-de-la-pratique-creches-dijon",
        "Analyse de la pratique pour les professionnels des crèches",
        T.CARE_QUALITY,
        "21",
        "Des séances mensuelles d'analyse de la pratique, animées par une psychologue, pour "
        "les équipes des crèches associatives.",
        S.SPREADING,
    ),
    (
        "eveil-artistique-et-culturel-creches-paris",
        "Éveil artistique et culturel en crèche",
        T.CARE_QUALITY,
        "75",
        "Des artistes en résidence dans douze crèches municipales, avec des ateliers partagés "
        "entre enfants, parents et professionnels.",
        S.EXPERIMENT,
    ),
    (
        "creches-nature-savoie",
        "Crèches nature et jardins pédagogiques",
        T.CARE_QUALITY,
        "73",
        "Du temps dehors chaque jour, un jardin cultivé avec les enfants et une formation des "
        "équipes à la pédagogie par la nature.",
        S.EXPERIMENT,
    ),
    (
        "formation-mutualisee-micro-creches-charente-maritime",
        "Formation continue mutualisée des micro-crèches",
        T.CARE_QUALITY,
        "17",
        "Un plan de formation commun aux micro-crèches indépendantes du département, trop "
        "petites pour en organiser seules.",
        S.INCUBATION,
    ),
    (
        "sante-environnementale-creches-isere",
        "Petite enfance et santé environnementale",
        T.CARE_QUALITY,
        "38",
        "Des crèches qui réduisent l'exposition des enfants aux perturbateurs endocriniens : "
        "produits d'entretien, jouets, alimentation et formation des équipes.",
        S.EXPERIMENT,
    ),
    (
        "parrainage-des-nouveaux-assistants-maternels-rennes",
        "Parrainage des nouveaux assistants maternels",
        T.INDIVIDUAL_CARE,
        "35",
        "Des assistants maternels expérimentés accompagnent les nouveaux pendant leur première "
        "année, pour limiter les abandons du métier.",
        S.SPREADING,
    ),
    (
        "remplacement-des-assistants-maternels-marne",
        "Service de remplacement des assistants maternels",
        T.INDIVIDUAL_CARE,
        "51",
        "Une solution de remplacement quand l'assistant maternel est malade ou en formation, "
        "pour que les parents ne restent pas sans accueil.",
        S.EXPERIMENT,
    ),
)

# Two experiments of relais petite enfance in the Innovation sociale territoriale programme.
RPE = (
    ProjectSpec(
        "relais-petite-enfance-guichet-unique-maine-et-loire",
        "Relais petite enfance, guichet unique d'information des familles",
        "Le relais petite enfance devient la porte d'entrée de toutes les questions des "
        "familles sur l'accueil du jeune enfant, en lien avec la Caf et la PMI.",
        K.EXPERIMENT,
        T.FAMILY_SUPPORT,
        _d(2025, 1, 13),
        _path((S.SELECTION, _d(2025, 1, 13)), (S.EXPERIMENT, _d(2025, 3, 3))),
        cafs=("49",),
        programme=IST,
        caflab=(SOCIAL_LEAD,),
        carriers=1,
    ),
    ProjectSpec(
        "relais-petite-enfance-recrutement-assistants-maternels-morbihan",
        "Relais petite enfance et recrutement des assistants maternels",
        "Les relais petite enfance du Morbihan organisent des réunions d'information sur le "
        "métier et accompagnent les candidats jusqu'à l'agrément.",
        K.EXPERIMENT,
        T.INDIVIDUAL_CARE,
        _d(2025, 2, 3),
        _path((S.SELECTION, _d(2025, 2, 3)), (S.EXPERIMENT, _d(2025, 4, 7))),
        cafs=("56",),
        programme=IST,
        caflab=(SOCIAL_LEAD,),
        carriers=1,
    ),
)


# The FIPE projects whose indicators, kit or replications need a longer history.
FIPE_PATHS = {
    "micro-creche-horaires-atypiques-lille": (
        (S.SELECTION, _d(2024, 1, 22)),
        (S.INCUBATION, _d(2024, 3, 4)),
        (S.EXPERIMENT, _d(2024, 6, 17)),
        (S.SPREADING, _d(2025, 6, 16)),
    ),
    "creche-avip-bobigny": (
        (S.SELECTION, _d(2024, 2, 5)),
        (S.INCUBATION, _d(2024, 4, 8)),
        (S.EXPERIMENT, _d(2024, 11, 4)),
    ),
    "accueil-d-urgence-petite-enfance-lyon": (
        (S.SELECTION, _d(2024, 1, 29)),
        (S.INCUBATION, _d(2024, 3, 11)),
        (S.EXPERIMENT, _d(2024, 6, 3)),
    ),
    "maison-d-assistants-maternels-rurale-gers": (
        (S.SELECTION, _d(2024, 2, 12)),
        (S.INCUBATION, _d(2024, 3, 25)),
        (S.EXPERIMENT, _d(2024, 7, 1)),
        (S.SPREADING, _d(2025, 5, 26)),
    ),
    "relais-petite-enfance-itinerant-cantal": (
        (S.SELECTION, _d(2024, 1, 22)),
        (S.INCUBATION, _d(2024, 2, 26)),
        (S.EXPERIMENT, _d(2024, 6, 10)),
        (S.SPREADING, _d(2025, 5, 19)),
    ),
}


def fipe_specs(ctx: SeedContext) -> list[ProjectSpec]:
    """The FIPE projects, each with its own generator: selected in the first half of 2024,
    incubated, experimented from autumn 2024, some spreading in 2025."""
    specs = []
    for slug, title, theme, caf, summary, final in FIPE:
        rng = ctx.random(f"projects.fipe.{slug}")
        start = _working_day(_d(2024, 1, 15) + timedelta(days=rng.randint(0, 150)))
        stages = [(S.SELECTION, start)]
        incubation = _working_day(start + timedelta(days=rng.randint(30, 75)))
        stages.append((S.INCUBATION, incubation))
        if final in (S.EXPERIMENT, S.SPREADING):
            low = max(incubation + timedelta(days=60), _d(2024, 9, 2))
            stages.append((S.EXPERIMENT, _working_day(low + timedelta(days=rng.randint(0, 200)))))
        if final == S.SPREADING:
            day = _d(2025, 5, 15) + timedelta(days=rng.randint(0, 190))
            stages.append((S.SPREADING, _working_day(day)))
        if slug in FIPE_PATHS:
            stages = list(FIPE_PATHS[slug])
            start = stages[0][1]
        fundings = [(F.FIPE, "Fonds d'innovation petite enfance", _amount(rng, 30, 120), 2024)]
        if final != S.INCUBATION:
            fundings.append(
                (F.FIPE, "Fonds d'innovation petite enfance", _amount(rng, 20, 80), 2025)
            )
        if rng.random() < 0.4:
            fundings.append((F.CAF, "Caf porteuse", _amount(rng, 5, 25), 2025))
        if rng.random() < 0.3:
            fundings.append((F.LOCAL, "Collectivités du territoire", _amount(rng, 10, 40), 2025))
        specs.append(
            ProjectSpec(
                slug,
                title,
                summary,
                K.FIPE,
                theme,
                start,
                tuple(stages),
                cafs=(caf,),
                programme=IST,
                caflab=(SOCIAL_LEAD,),
                carriers=1,
                partners=(FRANCE_TRAVAIL,) if slug == "creche-avip-bobigny" else (),
                fundings=tuple(fundings),
                notes={S.SELECTION: "Retenu par le CafLab et la DPFAS au titre du FIPE."},
            )
        )
    return specs


def _amount(rng: random.Random, low_k: int, high_k: int) -> int:
    return rng.randint(low_k * 2, high_k * 2) * 500


# Impact: theories of change, indicators and their periods ----------------------------------------
@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    unit: str
    baseline: int
    target: int
    target_on: date
    periods: tuple[tuple[date, date, int, str], ...]  # start, end, value, status
    direction: str = Indicator.Direction.INCREASE


APPROVED, SUBMITTED, DRAFT = (
    Period.Status.APPROVED,
    Period.Status.SUBMITTED,
    Period.Status.DRAFT,
)
H2_2024 = (_d(2024, 7, 1), _d(2024, 12, 31))
H1_2025 = (_d(2025, 1, 1), _d(2025, 6, 30))
H2_2025 = (_d(2025, 7, 1), _d(2025, 12, 31))

Lv = ChangeStep.Level
IMPACT = {
    "micro-creche-horaires-atypiques-lille": (
        (
            (Lv.OBJECTIVE, "Offrir un accueil aux parents qui travaillent en horaires décalés"),
            (Lv.ACTION, "Ouvrir une micro-crèche de 5 h à 23 h près de la gare"),
            (Lv.STAKEHOLDER, "Employeurs du quartier de la gare, Ville de Lille, PMI du Nord"),
            (Lv.IMPACT, "Les parents en horaires décalés gardent ou retrouvent un emploi"),
        ),
        (
            IndicatorSpec(
                "Places ouvertes en horaires atypiques",
                "places",
                0,
                24,
                _d(2026, 6, 30),
                ((*H2_2024, 10, APPROVED), (*H1_2025, 18, APPROVED), (*H2_2025, 22, SUBMITTED)),
            ),
            IndicatorSpec(
                "Parents accueillis ayant conservé leur emploi après six mois",
                "%",
                0,
                85,
                _d(2026, 6, 30),
                ((*H1_2025, 78, APPROVED),),
            ),
        ),
    ),
    "creche-avip-bobigny": (
        (
            (Lv.OBJECTIVE, "Lever le frein de la garde d'enfant dans le retour à l'emploi"),
            (Lv.ACTION, "Réserver des places aux parents accompagnés par France Travail"),
            (Lv.STAKEHOLDER, "France Travail, gestionnaire de la crèche, Ville de Bobigny"),
            (Lv.IMPACT, "Les parents accueillis accèdent à un emploi ou à une formation"),
        ),
        (
            IndicatorSpec(
                "Parents en emploi ou en formation à la sortie de l'accueil",
                "%",
                0,
                60,
                _d(2026, 12, 31),
                ((*H1_2025, 38, APPROVED), (*H2_2025, 44, DRAFT)),
            ),
        ),
    ),
    "accueil-d-urgence-petite-enfance-lyon": (
        (
            (Lv.OBJECTIVE, "Trouver une place en urgence quand la situation l'exige"),
            (Lv.ACTION, "Constituer un réseau de places mobilisables sous 72 heures"),
            (Lv.IMPACT, "Plus aucune reprise d'emploi refusée faute de mode d'accueil"),
        ),
        (
            IndicatorSpec(
                "Délai moyen pour trouver une place d'urgence",
                "jours",
                15,
                3,
                _d(2026, 6, 30),
                ((*H2_2024, 9, APPROVED), (*H1_2025, 6, APPROVED)),
                direction=Indicator.Direction.DECREASE,
            ),
        ),
    ),
    "maison-d-assistants-maternels-rurale-gers": (
        (
            (Lv.OBJECTIVE, "Maintenir un mode d'accueil dans les communes rurales"),
            (Lv.ACTION, "Aménager une ancienne école en maison d'assistants maternels"),
            (Lv.STAKEHOLDER, "Commune, communauté de communes, PMI du Gers, MSA"),
            (Lv.IMPACT, "Les familles trouvent un accueil à moins de 15 minutes de chez elles"),
        ),
        (
            IndicatorSpec(
                "Enfants accueillis à la MAM",
                "enfants",
                0,
                16,
                _d(2025, 12, 31),
                ((*H2_2024, 8, APPROVED), (*H1_2025, 14, APPROVED), (*H2_2025, 16, SUBMITTED)),
            ),
        ),
    ),
    "relais-petite-enfance-itinerant-cantal": (
        (
            (Lv.OBJECTIVE, "Informer toutes les familles, même loin des villes"),
            (Lv.ACTION, "Tenir des permanences itinérantes dans les mairies"),
            (Lv.IMPACT, "Les familles rurales connaissent et utilisent les modes d'accueil"),
        ),
        (
            IndicatorSpec(
                "Familles informées lors des permanences itinérantes",
                "familles",
                0,
                600,
                _d(2025, 12, 31),
                ((*H2_2024, 140, APPROVED), (*H1_2025, 310, APPROVED), (*H2_2025, 455, SUBMITTED)),
            ),
        ),
    ),
    "campagne-d-attractivite-des-metiers-de-la-petite-enfance-en-bretagne": (
        (
            (Lv.OBJECTIVE, "Donner envie de rejoindre les métiers de la petite enfance"),
            (Lv.ACTION, "Portraits vidéo de professionnels et immersions en crèche"),
            (Lv.STAKEHOLDER, "France Travail Bretagne, Région Bretagne, employeurs du secteur"),
            (Lv.IMPACT, "Plus de candidats aux formations de la petite enfance en Bretagne"),
        ),
        (
            IndicatorSpec(
                "Candidatures aux formations petite enfance en Bretagne",
                "candidatures",
                420,
                600,
                _d(2026, 9, 30),
                ((*H2_2025, 486, SUBMITTED),),
            ),
        ),
    ),
    "campus-cocoon-age-auvergne-rhone-alpes": (
        (
            (Lv.OBJECTIVE, "Former et loger les futurs professionnels de l'accueil"),
            (Lv.ACTION, "Ouvrir un campus qui associe alternance, immersion et hébergement"),
            (Lv.IMPACT, "Des postes pourvus durablement dans les crèches de la région"),
        ),
        (
            IndicatorSpec(
                "Apprentis accueillis au campus",
                "apprentis",
                0,
                40,
                _d(2026, 9, 30),
                ((*H2_2025, 12, DRAFT),),
            ),
        ),
    ),
}

KITS = {
    "micro-creche-horaires-atypiques-lille": (
        "1.1",
        "Ouvrir une micro-crèche à horaires atypiques : le modèle lillois, ses coûts et ses "
        "partenaires.",
        "Repérer les besoins des employeurs et des parents en horaires décalés\n"
        "Trouver un local accessible tôt le matin et tard le soir\n"
        "Bâtir le budget avec la prestation de service unique et les employeurs\n"
        "Recruter et organiser les équipes en deux roulements\n"
        "Ouvrir, puis mesurer l'effet sur l'emploi des parents",
        "Le recrutement du soir est le plus difficile : prévoir une prime et des temps "
        "d'équipe communs.",
        "Associer les employeurs dès le départ ; réserver des places aux familles du quartier.",
    ),
    "maison-d-assistants-maternels-rurale-gers": (
        "1.0",
        "Créer une maison d'assistants maternels dans une commune rurale.",
        "Réunir la commune, la PMI et les assistants maternels intéressés\n"
        "Choisir et aménager un bâtiment communal\n"
        "Rédiger la convention de mise à disposition\n"
        "Accompagner l'association des assistants maternels",
        "La délégation d'accueil doit être bien expliquée aux parents.",
        "Un loyer modéré garanti par la commune sécurise les premières années.",
    ),
    "relais-petite-enfance-itinerant-cantal": (
        "2.0",
        "Faire circuler un relais petite enfance entre les communes d'un territoire rural.",
        "Cartographier les communes sans permanence\n"
        "Établir un calendrier de permanences avec les mairies\n"
        "Équiper le véhicule et le matériel d'animation\n"
        "Informer les familles par les écoles et les mairies",
        "Prévoir le temps de route dans le temps de travail des animatrices.",
        "Caler les permanences sur les jours de marché.",
    ),
    "echosolidaires": (
        "1.0",
        "Le guide méthodologique d'ÉchoSolidaires pour lancer le podcast dans sa Caf.",
        "Choisir un quartier et un centre social partenaire\n"
        "Former des jeunes à la prise de son et à l'interview\n"
        "Enregistrer les récits des habitants\n"
        "Monter et diffuser les épisodes",
        "Recueillir l'accord écrit de chaque personne enregistrée.",
        "Laisser les habitants choisir les sujets et les mots.",
    ),
}

# (project, Caf, status, since, note)
REPLICATIONS = (
    (
        "micro-creche-horaires-atypiques-lille",
        "62",
        Replication.Status.DEPLOYED,
        _d(2025, 9, 8),
        "Ouverture près du centre hospitalier de Lens.",
    ),
    (
        "micro-creche-horaires-atypiques-lille",
        "80",
        Replication.Status.PREPARING,
        _d(2025, 11, 17),
        "",
    ),
    (
        "relais-petite-enfance-itinerant-cantal",
        "12",
        Replication.Status.DEPLOYED,
        _d(2025, 6, 2),
        "Premier essaimage, dans l'Aveyron.",
    ),
    (
        "relais-petite-enfance-itinerant-cantal",
        "43",
        Replication.Status.DEPLOYED,
        _d(2025, 9, 15),
        "",
    ),
    (
        "relais-petite-enfance-itinerant-cantal",
        "48",
        Replication.Status.INTERESTED,
        _d(2025, 10, 13),
        "",
    ),
    (
        "maison-d-assistants-maternels-rurale-gers",
        "89",
        Replication.Status.PREPARING,
        _d(2025, 6, 16),
        "",
    ),
    (
        "echosolidaires",
        "26",
        Replication.Status.DEPLOYED,
        _d(2025, 10, 6),
        "Enregistrements avec les jeunes du quartier de Fontbarlettes à Valence.",
    ),
    (
        "echosolidaires",
        "13",
        Replication.Status.DEPLOYED,
        _d(2025, 11, 3),
        "Enregistrements dans les quartiers nord de Marseille.",
    ),
)


# The Défi petite enfance --------------------------------------------------------------------------
DEFI_SLUG = "defi-penurie-personnel-petite-enfance"
DEFI_OPENS, DEFI_CLOSES, DEFI_DECIDED = _d(2024, 11, 4), _d(2025, 1, 31), _d(2025, 3, 13)
COHORT_SLUG = "incubation-defi-petite-enfance-2025"
DEFI_CRITERIA = (
    ("Caractère innovant", "Ce que le projet apporte de nouveau sur son territoire.", 2),
    ("Impact envisagé sur les territoires", "Postes pourvus, professionnels fidélisés.", 2),
    ("Potentiel de répliquabilité", "Le projet peut-il être reproduit dans d'autres régions ?", 2),
    ("Solidité du partenariat", "Caf, France Travail, collectivités, organismes de formation.", 1),
    ("Faisabilité", "Calendrier, moyens et budget réalistes.", 1),
)


@dataclass(frozen=True)
class TeamSpec:
    team: str
    region: str
    caf: str
    title: str
    summary: str
    france_travail: str  # the regional France Travail (name, Caf of its seat)
    winner: str = ""  # the slug of the project it became
    stages: tuple[tuple[str, date], ...] = ()  # after selection


FT = "France Travail "
DEFI_TEAMS = (
    TeamSpec(
        "Équipe Bretagne",
        "53",
        "35",
        "Campagne d'attractivité des métiers de la petite enfance en Bretagne",
        "Une campagne régionale construite avec des professionnels en poste pour donner envie "
        "de rejoindre les métiers de la petite enfance : portraits vidéo, immersions en crèche, "
        "présence dans les forums de l'emploi et les lycées professionnels.",
        "Bretagne",
        winner="campagne-d-attractivite-des-metiers-de-la-petite-enfance-en-bretagne",
        stages=((S.INCUBATION, _d(2025, 4, 7)), (S.EXPERIMENT, _d(2025, 9, 15))),
    ),
    TeamSpec(
        "Équipe Auvergne-Rhône-Alpes",
        "84",
        "38",
        "Campus Cocoon'Age",
        "Un campus qui réunit formation en alternance, immersion en structure et hébergement "
        "pour les futurs professionnels de l'accueil du jeune enfant.",
        "Auvergne-Rhône-Alpes",
        winner="campus-cocoon-age-auvergne-rhone-alpes",
        stages=((S.INCUBATION, _d(2025, 4, 7)), (S.EXPERIMENT, _d(2025, 10, 6))),
    ),
    TeamSpec(
        "Équipe Grand Est",
        "44",
        "67",
        "Repérage des places disponibles chez les assistants maternels",
        "Croiser les agréments de la PMI et les déclarations des assistants maternels pour "
        "repérer les places inoccupées et les proposer aux familles qui cherchent un accueil.",
        "Grand Est",
        winner="reperage-des-places-d-assistants-maternels-grand-est",
        stages=((S.INCUBATION, _d(2025, 4, 7)),),
    ),
    TeamSpec(
        "Équipe Centre-Val de Loire",
        "24",
        "45",
        "Laboratoire mobile de soutien aux professionnels de la petite enfance",
        "Un véhicule aménagé qui va à la rencontre des équipes des crèches et des assistants "
        "maternels isolés : analyse de la pratique, ateliers, information sur les parcours de "
        "formation.",
        "Centre-Val de Loire",
        winner="laboratoire-mobile-de-soutien-aux-professionnels-centre-val-de-loire",
        stages=((S.INCUBATION, _d(2025, 4, 7)),),
    ),
    TeamSpec(
        "Équipe Île-de-France",
        "11",
        "93",
        "Incub'talents, parcours immersif vers les métiers de la petite enfance",
        "Un parcours de quatre semaines pour des demandeurs d'emploi orientés par France "
        "Travail : immersions en crèche, rencontres de professionnels et entrée en formation "
        "qualifiante.",
        "Île-de-France",
        winner="parcours-immersif-incub-talents-ile-de-france",
        stages=((S.INCUBATION, _d(2025, 4, 7)), (S.EXPERIMENT, _d(2025, 11, 3))),
    ),
    TeamSpec(
        "Itin'Enfance",
        "28",
        "61",
        "Itin'Enfance, à la découverte des métiers de la petite enfance",
        "Un parcours itinérant dans les communes rurales de l'Orne pour faire découvrir les "
        "métiers de l'accueil du jeune enfant ; lauréat du hackathon normand de Rouen, il "
        "représente la Normandie au défi national.",
        "Normandie",
    ),
    TeamSpec(
        "Équipe Hauts-de-France",
        "32",
        "59",
        "Petite enfance, grands métiers : l'apprentissage en crèche",
        "Développer l'apprentissage dans les crèches de la métropole lilloise avec des tuteurs "
        "formés et une aide au premier équipement des apprentis.",
        "Hauts-de-France",
    ),
    TeamSpec(
        "Équipe Nouvelle-Aquitaine",
        "75",
        "33",
        "Tremplin petite enfance : la reconversion des demandeurs d'emploi",
        "Un accompagnement des demandeurs d'emploi en reconversion vers le CAP Accompagnant "
        "éducatif petite enfance, avec des stages rémunérés en crèche.",
        "Nouvelle-Aquitaine",
    ),
    TeamSpec(
        "Équipe Occitanie",
        "76",
        "31",
        "Réseau des crèches formatrices",
        "Des crèches reconnues comme lieux de formation, qui accueillent et accompagnent les "
        "stagiaires des écoles de la région.",
        "Occitanie",
    ),
    TeamSpec(
        "Équipe Provence-Alpes-Côte d'Azur",
        "93",
        "13",
        "Bourse aux remplacements des professionnels de crèche",
        "Une plateforme partagée entre gestionnaires pour trouver en quelques heures un "
        "professionnel qualifié quand un membre de l'équipe est absent.",
        "Provence-Alpes-Côte d'Azur",
    ),
    TeamSpec(
        "Équipe Pays de la Loire",
        "52",
        "44",
        "Job dating petite enfance itinérant",
        "Des rencontres entre employeurs et candidats organisées dans les agences France "
        "Travail des villes moyennes, avec des professionnels qui témoignent de leur métier.",
        "Pays de la Loire",
    ),
    TeamSpec(
        "Équipe Bourgogne-Franche-Comté",
        "27",
        "21",
        "Loger les apprentis de la petite enfance",
        "Des logements à loyer modéré réservés aux apprentis des métiers de la petite enfance "
        "avec les bailleurs sociaux et les foyers de jeunes travailleurs.",
        "Bourgogne-Franche-Comté",
    ),
    TeamSpec(
        "Équipe La Réunion",
        "04",
        "974",
        "Ti Marmay Pro : valoriser les métiers de l'accueil du jeune enfant",
        "Une campagne en créole et en français, des ambassadeurs professionnels dans les "
        "lycées et une journée portes ouvertes des crèches de l'île.",
        "La Réunion",
    ),
)
# Seat of each regional France Travail: the Caf of its city.
FT_SEATS = {
    "Bretagne": ("35", "Rennes"),
    "Auvergne-Rhône-Alpes": ("69", "Lyon"),
    "Grand Est": ("67", "Strasbourg"),
    "Centre-Val de Loire": ("45", "Orléans"),
    "Île-de-France": ("75", "Paris"),
    "Normandie": ("76", "Rouen"),
    "Hauts-de-France": ("59", "Lille"),
    "Nouvelle-Aquitaine": ("33", "Bordeaux"),
    "Occitanie": ("31", "Toulouse"),
    "Provence-Alpes-Côte d'Azur": ("13", "Marseille"),
    "Pays de la Loire": ("44", "Nantes"),
    "Bourgogne-Franche-Comté": ("21", "Dijon"),
    "La Réunion": ("974", "Saint-Denis"),
}

# The incubation track: (title, kind, deliverable, sessions: (day, start, end, place, who)).
VISIO = "Visioconférence"
TRACK = (
    (
        "Deux journées de préparation et de mise en valeur des initiatives",
        Module.Kind.PREPARATION,
        "Fiche projet et pitch de trois minutes",
        (
            (_d(2025, 4, 8), (9, 30), (17, 0), "CafLab, Paris", "Équipe incubation du CafLab"),
            (_d(2025, 4, 9), (9, 0), (16, 30), "CafLab, Paris", "Équipe incubation du CafLab"),
        ),
    ),
    (
        "Modèle économique",
        Module.Kind.BUSINESS_MODEL,
        "Canevas du modèle économique",
        ((_d(2025, 5, 20), (9, 30), (12, 30), VISIO, "France Active"),),
    ),
    (
        "Financements",
        Module.Kind.FUNDING,
        "Plan de financement sur trois ans",
        ((_d(2025, 6, 24), (9, 30), (12, 30), VISIO, "Banque des Territoires et CafLab"),),
    ),
    (
        "Évaluation d'impact",
        Module.Kind.IMPACT,
        "Théorie du changement et indicateurs",
        ((_d(2025, 9, 23), (9, 30), (16, 0), "CafLab, Paris", "Improve"),),
    ),
)
# Who missed what, and which deliverables are not validated: (project, module index).
ABSENT = {("reperage-des-places-d-assistants-maternels-grand-est", 2)}
RETURNED = {("laboratoire-mobile-de-soutien-aux-professionnels-centre-val-de-loire", 2)}
NOT_HANDED_IN = {
    ("reperage-des-places-d-assistants-maternels-grand-est", 3),
    ("laboratoire-mobile-de-soutien-aux-professionnels-centre-val-de-loire", 3),
}

# Organisations that help projects: (name, kind, city, kinds of need, what they offer).
HELPERS = (
    (
        "France Active",
        Organisation.Kind.ASSOCIATION,
        "Paris",
        [Need.Kind.FUNDING, Need.Kind.EXPERTISE],
        "Garanties bancaires, prêts d'honneur et accompagnement des projets de l'économie "
        "sociale et solidaire vers leur modèle économique.",
    ),
    (
        "Banque des Territoires",
        Organisation.Kind.AUTRE,
        "Paris",
        [Need.Kind.FUNDING],
        "Financement en fonds propres et en prêts des projets d'intérêt général des territoires.",
    ),
    (
        "Avise",
        Organisation.Kind.ASSOCIATION,
        "Paris",
        [Need.Kind.EXPERTISE, Need.Kind.NETWORK],
        "Le centre de ressources de l'économie sociale et solidaire : essaimage, changement "
        "d'échelle, mise en réseau des porteurs de projet.",
    ),
    (
        "ACEPP, Association des collectifs enfants parents professionnels",
        Organisation.Kind.ASSOCIATION,
        "Paris",
        [Need.Kind.EXPERTISE, Need.Kind.TERRITORY, Need.Kind.NETWORK],
        "Le réseau des crèches parentales et associatives : appui à la création, formation des "
        "équipes, terrains d'expérimentation.",
    ),
    (
        "Improve",
        Organisation.Kind.ENTREPRISE,
        "",
        [Need.Kind.EVALUATION],
        "Évaluation d'impact social : théorie du changement, indicateurs et méthode de mesure.",
    ),
    (
        FRANCE_TRAVAIL,
        Organisation.Kind.FRANCE_TRAVAIL,
        "Paris",
        [Need.Kind.TERRITORY, Need.Kind.NETWORK],
        "Les agences et les conseillers de France Travail : orientation des demandeurs d'emploi "
        "vers les métiers en tension, immersions professionnelles.",
    ),
)

# Needs: (project, kind, title, description, status, published, matches: (helper, status, day)).
NEEDS = (
    (
        "campus-cocoon-age-auvergne-rhone-alpes",
        Need.Kind.FUNDING,
        "Financer l'hébergement des apprentis du campus",
        "Vingt chambres à équiper pour la rentrée 2026 ; un apport en quasi-fonds propres "
        "compléterait le prêt de la collectivité.",
        Need.Status.MATCHED,
        _d(2025, 6, 30),
        (
            ("France Active", Match.Status.AGREED, _d(2025, 7, 15)),
            ("Banque des Territoires", Match.Status.CONTACTED, _d(2025, 7, 15)),
        ),
    ),
    (
        "campagne-d-attractivite-des-metiers-de-la-petite-enfance-en-bretagne",
        Need.Kind.NETWORK,
        "Relayer la campagne dans les agences et les lycées professionnels",
        "Identifier dans chaque département un relais pour diffuser les portraits vidéo.",
        Need.Status.MATCHED,
        _d(2025, 5, 12),
        ((FRANCE_TRAVAIL, Match.Status.AGREED, _d(2025, 5, 26)),),
    ),
    (
        "reperage-des-places-d-assistants-maternels-grand-est",
        Need.Kind.EXPERTISE,
        "Croiser les fichiers d'agrément et les déclarations de places",
        "Une expertise juridique et technique sur le partage des données avec les conseils "
        "départementaux.",
        Need.Status.OPEN,
        _d(2025, 7, 3),
        (("Avise", Match.Status.PROPOSED, _d(2025, 9, 2)),),
    ),
    (
        "laboratoire-mobile-de-soutien-aux-professionnels-centre-val-de-loire",
        Need.Kind.FUNDING,
        "Acquérir et aménager le véhicule du laboratoire mobile",
        "Un véhicule utilitaire aménagé en salle d'atelier, et son budget de fonctionnement.",
        Need.Status.OPEN,
        _d(2025, 6, 26),
        (("France Active", Match.Status.CONTACTED, _d(2025, 7, 8)),),
    ),
    (
        "parcours-immersif-incub-talents-ile-de-france",
        Need.Kind.EVALUATION,
        "Mesurer l'insertion des participants six mois après le parcours",
        "Construire le protocole de suivi avec France Travail et les organismes de formation.",
        Need.Status.MATCHED,
        _d(2025, 9, 24),
        (("Improve", Match.Status.AGREED, _d(2025, 10, 14)),),
    ),
    (
        "parcours-immersif-incub-talents-ile-de-france",
        Need.Kind.TERRITORY,
        "Trouver des crèches d'accueil pour les immersions en Seine-Saint-Denis",
        "",
        Need.Status.OPEN,
        _d(2025, 11, 5),
        (),
    ),
    (
        "maison-d-assistants-maternels-rurale-gers",
        Need.Kind.FUNDING,
        "Cofinancer la deuxième année de fonctionnement",
        "",
        Need.Status.OPEN,
        _d(2025, 10, 1),
        (),
    ),
    (
        "creche-avip-bobigny",
        Need.Kind.EVALUATION,
        "Évaluer l'effet de l'accueil sur le retour à l'emploi des parents",
        "",
        Need.Status.OPEN,
        _d(2025, 4, 14),
        (("Improve", Match.Status.PROPOSED, _d(2025, 5, 6)),),
    ),
)


# Alimentation solidaire et durable ----------------------------------------------------------------
FOOD_CALL_SLUG = "appel-a-projets-alimentation-solidaire-et-durable"
FOOD_OPENS, FOOD_CLOSES, FOOD_DECIDED = _d(2025, 3, 3), _d(2025, 5, 30), _d(2025, 7, 8)
FOOD_CRITERIA = (
    ("Adaptation du modèle aux enjeux locaux", "", 2),
    ("Engagement des agriculteurs", "", 2),
    ("Partenariats locaux", "Épiceries solidaires, centres sociaux, Banques alimentaires.", 1),
    ("Capacité à évaluer l'expérimentation", "", 1),
)
# The MSA of each territory: (name, kind, Caf of its seat, city).
MSAS = {
    "MSA Bourgogne": (Organisation.Kind.MSA, "21", ""),
    "MSA du Limousin": (Organisation.Kind.MSA, "87", ""),
    "MSA Alpes-Vaucluse": (Organisation.Kind.MSA, "84", ""),
    "MSA Île-de-France": (Organisation.Kind.MSA, "75", ""),
    "MSA Beauce Cœur de Loire": (Organisation.Kind.MSA, "28", ""),
    "MSA Midi-Pyrénées Sud": (Organisation.Kind.MSA, "31", ""),
    "MSA Auvergne": (Organisation.Kind.MSA, "03", ""),
    "MSA Alpes du Nord": (Organisation.Kind.MSA, "38", "Chambéry"),
    "MSA Languedoc": (Organisation.Kind.MSA, "34", ""),
    "Caisse générale de sécurité sociale de La Réunion": (Organisation.Kind.CPAM, "974", ""),
}
# (slug suffix, title, Cafs, MSA, territories, summary)
FOOD_TERRITORIES = (
    (
        "cote-d-or",
        "Paniers solidaires en épiceries sociales",
        ("21",),
        "MSA Bourgogne",
        "Côte-d'Or",
        "La production de maraîchers de la plaine dijonnaise, préfinancée par la Caf et la MSA, "
        "est proposée à prix réduit aux allocataires dans quatre épiceries sociales.",
    ),
    (
        "haute-vienne",
        "Carte alimentaire solidaire",
        ("87",),
        "MSA du Limousin",
        "Haute-Vienne",
        "Une carte prépayée, rechargée par la Caf et la MSA, utilisable chez les producteurs "
        "conventionnés et sur les marchés de Limoges.",
    ),
    (
        "alpes-du-sud",
        "Fonds de solidarité alimentaire des Alpes du Sud",
        ("04", "05"),
        "MSA Alpes-Vaucluse",
        "Alpes-de-Haute-Provence, Hautes-Alpes",
        "Un fonds commun des deux Caf et de la MSA qui préfinance les récoltes d'éleveurs et "
        "d'arboriculteurs, revendues à prix coûtant aux familles.",
    ),
    (
        "vaucluse",
        "Circuits courts dans les centres sociaux",
        ("84",),
        "MSA Alpes-Vaucluse",
        "Vaucluse",
        "Des points de retrait de paniers de fruits et légumes locaux dans six centres sociaux "
        "d'Avignon et du pays d'Apt.",
    ),
    (
        "seine-et-marne",
        "Monnaie locale alimentaire",
        ("77",),
        "MSA Île-de-France",
        "Seine-et-Marne",
        "Une part du soutien versée en monnaie locale, acceptée par les producteurs et les "
        "épiceries partenaires du territoire.",
    ),
    (
        "cher",
        "Produits frais avec la Banque alimentaire",
        ("18",),
        "MSA Beauce Cœur de Loire",
        "Cher",
        "Des produits frais préfinancés auprès d'agriculteurs du Cher, distribués avec la "
        "Banque alimentaire dans les communes rurales.",
    ),
    (
        "gers-ariege",
        "Paniers paysans de Gascogne et des Pyrénées",
        ("32", "09"),
        "MSA Midi-Pyrénées Sud",
        "Gers, Ariège",
        "Un abonnement annuel à des paniers de producteurs, préfinancé pour les familles "
        "allocataires et livré dans les mairies des villages.",
    ),
    (
        "yonne",
        "Épicerie mobile solidaire",
        ("89",),
        "MSA Bourgogne",
        "Yonne",
        "Une épicerie itinérante qui dessert les bourgs de l'Yonne avec les produits de fermes "
        "conventionnées.",
    ),
    (
        "allier",
        "Ateliers cuisine et approvisionnement local des centres sociaux",
        ("03",),
        "MSA Auvergne",
        "Allier",
        "Des repas partagés et des ateliers cuisine en centre social, approvisionnés par des "
        "producteurs de l'Allier sous contrat.",
    ),
    (
        "isere",
        "Tarif solidaire au marché de producteurs",
        ("38",),
        "MSA Alpes du Nord",
        "Isère",
        "Un prix réduit pour les allocataires sur les étals des producteurs conventionnés de la "
        "métropole grenobloise, rendu possible par le préfinancement.",
    ),
    (
        "herault",
        "Groupements d'achat solidaires",
        ("34",),
        "MSA Languedoc",
        "Hérault",
        "Des groupements d'achat de familles, accompagnés par les centres sociaux, qui "
        "commandent directement aux producteurs préfinancés.",
    ),
    (
        "la-reunion",
        "Paniers péi solidaires",
        ("974",),
        "Caisse générale de sécurité sociale de La Réunion",
        "La Réunion",
        "Des paniers de fruits et légumes péi préfinancés auprès de planteurs, retirés dans les "
        "boutiques solidaires de l'île.",
    ),
)


def food_slug(suffix: str) -> str:
    return f"alimentation-solidaire-et-durable-{suffix}"


# Creativity sessions -----------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionSpec:
    held_on: date
    caf: str | None  # None: at the CafLab (or remotely, by the CafLab)
    topic: str
    method: str
    audience: str
    participants: int
    project: str = ""
    outcome: str = ""
    facilitator: str = ""  # an email; empty: the region's referent, else a facilitator


AVS = "Doctrine AVS : le centre social de demain, atelier avec les habitants"
AIDANCE = "« Tous aidants » : mieux accompagner les agents proches aidants"
AJPP = "AJPP : les besoins des parents d'un enfant gravement malade ou handicapé"
AJPP_PARTNERS = "AJPP : atelier avec les partenaires et les experts"
DTR = "Déclaration trimestrielle de ressources : ce qui aide, ce qui bloque"

NAMED_SESSIONS = (
    # The 8 AVS workshops: 71 inhabitants in 4 départements.
    *(
        SessionSpec(
            day, caf, AVS, M.COCREATION, A.PUBLIC, n, "doctrine-animation-de-la-vie-sociale"
        )
        for day, caf, n in (
            (_d(2025, 3, 18), "59", 9),
            (_d(2025, 3, 25), "38", 8),
            (_d(2025, 4, 1), "33", 10),
            (_d(2025, 4, 8), "59", 7),
            (_d(2025, 4, 15), "38", 11),
            (_d(2025, 4, 24), "87", 9),
            (_d(2025, 5, 13), "33", 8),
            (_d(2025, 5, 20), "87", 9),
        )
    ),
    # « Tous aidants »: 7 workshops, 63 agents — 1 at the Cnaf, 5 in Cafs, 1 inter-Caf.
    SessionSpec(
        _d(2025, 9, 4),
        None,
        AIDANCE,
        M.DESIGN_THINKING,
        A.AGENTS,
        8,
        "tous-aidants",
        facilitator=FACILITATOR_2,
    ),
    *(
        SessionSpec(day, caf, AIDANCE, M.DESIGN_THINKING, A.AGENTS, n, "tous-aidants")
        for day, caf, n in (
            (_d(2025, 9, 9), "35", 10),
            (_d(2025, 9, 11), "69", 9),
            (_d(2025, 9, 16), "13", 7),
            (_d(2025, 9, 18), "59", 11),
            (_d(2025, 9, 23), "974", 9),
        )
    ),
    SessionSpec(
        _d(2025, 9, 25),
        "45",
        f"{AIDANCE} (atelier inter-Caf)",
        M.DESIGN_THINKING,
        A.AGENTS,
        9,
        "tous-aidants",
    ),
    # AJPP: 76 people in 9 sessions, in the Cafs and at the living lab Handicap of Limoges.
    *(
        SessionSpec(
            day,
            caf,
            topic,
            M.FOCUS_GROUP,
            audience,
            n,
            "allocation-journaliere-de-presence-parentale",
        )
        for day, caf, topic, audience, n in (
            (_d(2025, 2, 11), "87", AJPP, A.PUBLIC, 10),
            (_d(2025, 2, 18), "31", AJPP, A.PUBLIC, 8),
            (_d(2025, 2, 27), "44", AJPP, A.PUBLIC, 9),
            (_d(2025, 3, 6), "59", AJPP, A.PUBLIC, 7),
            (_d(2025, 3, 13), "67", AJPP_PARTNERS, A.PARTNERS, 9),
            (_d(2025, 3, 20), "69", AJPP, A.PUBLIC, 8),
            (_d(2025, 3, 27), "13", AJPP, A.PUBLIC, 8),
            (_d(2025, 4, 3), "75", AJPP_PARTNERS, A.PARTNERS, 9),
            (_d(2025, 4, 10), "87", AJPP_PARTNERS, A.MIXED, 8),
        )
    ),
    SessionSpec(
        _d(2025, 1, 23),
        "76",
        "Hackathon normand : la pénurie de professionnels de la petite enfance",
        M.HACKATHON,
        A.MIXED,
        58,
        outcome="Cinq équipes des Caf normandes devant un jury régional ; « Itin'Enfance » (Caf "
        "de l'Orne) remporte le hackathon et représente la Normandie au défi national.",
    ),
    SessionSpec(
        _d(2025, 6, 5),
        None,
        "Atelier découverte LEGO® SERIOUS PLAY® du pôle facilitation",
        M.LEGO,
        A.AGENTS,
        9,
        facilitator=FACILITATOR,
    ),
    *(
        SessionSpec(
            day, caf, DTR, M.FOCUS_GROUP, A.PUBLIC, n, "declaration-trimestrielle-de-ressources"
        )
        for day, caf, n in (
            (_d(2025, 1, 21), "35", 25),
            (_d(2025, 3, 11), "29", 22),
            (_d(2025, 5, 6), "01", 20),
            (_d(2025, 6, 17), "62", 24),
            (_d(2025, 9, 16), "86", 23),
            (_d(2025, 10, 7), "38", 22),
        )
    ),
    SessionSpec(
        _d(2025, 2, 6),
        "38",
        "Parcours logement des jeunes : focus groupe étudiants",
        M.FOCUS_GROUP,
        A.PUBLIC,
        8,
        "doctrine-logement",
    ),
    SessionSpec(
        _d(2025, 2, 13),
        "38",
        "Parcours logement des familles : focus groupe jeunes parents",
        M.FOCUS_GROUP,
        A.PUBLIC,
        9,
        "doctrine-logement",
    ),
    SessionSpec(
        _d(2025, 5, 22),
        "44",
        "Socle minimal de la relation partenariale : atelier partenaires",
        M.COCREATION,
        A.PARTNERS,
        14,
        "socle-minimal-qualite-relationnelle-partenariale",
    ),
    SessionSpec(
        _d(2025, 6, 3),
        "69",
        "Socle minimal de la relation partenariale : atelier agents",
        M.COCREATION,
        A.AGENTS,
        12,
        "socle-minimal-qualite-relationnelle-partenariale",
    ),
    SessionSpec(
        _d(2025, 6, 26),
        None,
        "Socle minimal : séance de travail avec les 10 Caf du groupe",
        M.COCREATION,
        A.AGENTS,
        18,
        "socle-minimal-qualite-relationnelle-partenariale",
        facilitator=FACILITATOR,
    ),
    SessionSpec(
        _d(2025, 10, 14),
        None,
        "Challenge du socle minimal en instance nationale Services aux familles",
        M.WORLD_CAFE,
        A.MIXED,
        32,
        "socle-minimal-qualite-relationnelle-partenariale",
        facilitator=FACILITATOR,
    ),
    SessionSpec(
        _d(2025, 1, 14),
        "31",
        "Parents débiteurs : comprendre le recouvrement des pensions",
        M.FOCUS_GROUP,
        A.PUBLIC,
        7,
        "parents-debiteurs-pensions-alimentaires",
    ),
    SessionSpec(
        _d(2025, 1, 28),
        "06",
        "Parents débiteurs : ce qui aiderait à payer la pension",
        M.FOCUS_GROUP,
        A.PUBLIC,
        6,
        "parents-debiteurs-pensions-alimentaires",
    ),
    SessionSpec(
        _d(2025, 6, 11),
        "26",
        "Autonomie des jeunes : world café avec des jeunes de 16 à 25 ans",
        M.WORLD_CAFE,
        A.PUBLIC,
        21,
        "autonomie-des-jeunes",
    ),
    SessionSpec(
        _d(2025, 6, 25),
        "93",
        "Autonomie des jeunes : logement, emploi, mobilité",
        M.WORLD_CAFE,
        A.PUBLIC,
        18,
        "autonomie-des-jeunes",
    ),
    SessionSpec(
        _d(2025, 10, 21),
        "29",
        "Non-recours : le living lab de Douarnenez reçoit la Caf de la Vienne",
        M.COCREATION,
        A.MIXED,
        16,
        "lutte-contre-le-non-recours",
    ),
    SessionSpec(
        _d(2025, 4, 10),
        None,
        "Alimentation solidaire et durable : concevoir le modèle avec les Caf et MSA candidates",
        M.COCREATION,
        A.PARTNERS,
        27,
        "alimentation-solidaire-et-durable-pilotage-national",
        facilitator=DEPUTY,
    ),
    SessionSpec(
        _d(2025, 10, 2),
        None,
        "Alimentation solidaire et durable : journée de lancement des douze territoires",
        M.WORLD_CAFE,
        A.PARTNERS,
        41,
        "alimentation-solidaire-et-durable-pilotage-national",
        facilitator=DEPUTY,
    ),
    SessionSpec(
        _d(2025, 10, 15),
        "26",
        "ÉchoSolidaires : coconstruire le podcast avec les jeunes du quartier",
        M.COCREATION,
        A.PUBLIC,
        11,
        "echosolidaires",
    ),
    SessionSpec(
        _d(2025, 11, 12),
        "13",
        "ÉchoSolidaires : les gestes écologiques du quotidien",
        M.COCREATION,
        A.PUBLIC,
        13,
        "echosolidaires",
    ),
    SessionSpec(
        _d(2025, 11, 20),
        None,
        "Préfiguration de l'incubateur de la branche avec les référents innovation",
        M.DESIGN_THINKING,
        A.AGENTS,
        19,
        "incubateur-de-la-branche",
        facilitator=INCUBATION_LEAD,
    ),
)
# Sessions the referents ran in their Cafs, on the Cafs' own subjects.
LOCAL_TOPICS = (
    "Réinventer l'accueil physique des allocataires",
    "Simplifier la demande de prime d'activité pour les jeunes actifs",
    "Mieux accueillir les nouveaux agents",
    "Réduire les appels « où en est mon dossier ? »",
    "Des courriers de demande de pièces plus clairs",
    "Accompagner les familles monoparentales après une séparation",
    "Faire connaître l'aide au BAFA aux jeunes du département",
    "Le rendez-vous des droits de demain",
    "Travailler en équipe hybride dans les services de production",
    "Fidéliser les assistants maternels du territoire",
    "La journée d'intégration des gestionnaires conseil",
    "Prévenir les ruptures de droits à la fin d'une prestation",
    "Faire vivre Eurekaf dans la Caf",
    "Préparer la rentrée scolaire avec les familles",
    "Accueillir les personnes en situation de handicap au guichet",
    "Imaginer le tiers-lieu des partenaires de la Caf",
)
LOCAL_CAFS = (
    "35",
    "44",
    "21",
    "33",
    "87",
    "45",
    "31",
    "34",
    "66",
    "69",
    "38",
    "13",
    "93",
    "59",
    "67",
    "974",
)
LOCAL_MONTHS = (1, 2, 3, 5, 6, 7, 7, 8, 9, 10, 11, 11, 12, 12, 3, 10)
# 2024: the first DTR workshops and a few sessions of the referents.
SESSIONS_2024 = (
    *(
        SessionSpec(
            day, caf, DTR, M.FOCUS_GROUP, A.PUBLIC, n, "declaration-trimestrielle-de-ressources"
        )
        for day, caf, n in (
            (_d(2024, 3, 12), "35", 28),
            (_d(2024, 4, 16), "29", 24),
            (_d(2024, 6, 11), "01", 21),
            (_d(2024, 9, 17), "62", 26),
            (_d(2024, 10, 8), "86", 19),
            (_d(2024, 11, 26), "38", 22),
        )
    ),
    SessionSpec(
        _d(2024, 5, 23),
        "87",
        "Parcours des familles d'un enfant en situation de handicap",
        M.FOCUS_GROUP,
        A.PUBLIC,
        11,
        "parcours-des-familles-enfant-handicap",
    ),
    SessionSpec(
        _d(2024, 9, 24),
        "69",
        "Simplifier le parcours des nouveaux allocataires",
        M.DESIGN_THINKING,
        A.AGENTS,
        14,
    ),
    SessionSpec(
        _d(2024, 11, 14),
        None,
        "Mois de l'innovation publique : lancement du Défi petite enfance",
        M.WORLD_CAFE,
        A.MIXED,
        45,
        facilitator=INCUBATION_LEAD,
    ),
    SessionSpec(
        _d(2024, 12, 10),
        "33",
        "La Caf de demain vue par les agents",
        M.DESIGN_THINKING,
        A.AGENTS,
        16,
    ),
)


def creativity_specs(ctx: SeedContext) -> list[SessionSpec]:
    rng = ctx.random("projects.creativity")
    local = []
    for topic, caf, month in zip(LOCAL_TOPICS, LOCAL_CAFS, LOCAL_MONTHS, strict=True):
        day = _working_day(date(2025, month, rng.randint(3, 26)))
        local.append(
            SessionSpec(
                day,
                caf,
                topic,
                rng.choice((M.DESIGN_THINKING, M.DESIGN_THINKING, M.WORLD_CAFE, M.COCREATION)),
                A.AGENTS if rng.random() < 0.8 else A.MIXED,
                rng.randint(8, 20),
            )
        )
    return [*SESSIONS_2024, *NAMED_SESSIONS, *local]


def _working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


# Trainings ---------------------------------------------------------------------------------------
TRAININGS = (
    (
        "Design thinking",
        Training.Kind.DESIGN_THINKING,
        "Une formation « maison », créée et animée par les référents innovation et adaptée aux "
        "besoins de la branche : les clés pour animer des séances d'idéation et de "
        "coconstruction avec les usagers et les agents.",
        "Agents des Caf",
        Decimal("14"),
    ),
    (
        "Maîtrise d'usage",
        Training.Kind.USAGE,
        "Acculturer les équipes projet aux notions d'écoute et de coconstruction avec les "
        "usagers, et construire avec elles l'intégration de la maîtrise d'usage dans les "
        "processus de leurs projets.",
        "Équipes projet de la Cnaf, côté métier comme DSI",
        Decimal("7"),
    ),
    (
        "L'innovation, une posture de leadership",
        Training.Kind.LEADERSHIP,
        "Des séquences consacrées à la créativité, à la stratégie et au management de "
        "l'innovation dans les parcours CapDir de l'EN3S et Leadders+ de la Cnaf.",
        "Futurs dirigeants des organismes de sécurité sociale",
        Decimal("3.5"),
    ),
    (
        "Évaluation d'impact",
        Training.Kind.IMPACT,
        "Comprendre les enjeux de l'évaluation d'impact, construire la théorie du changement "
        "de son projet et définir les indicateurs qui en mesurent les effets.",
        "Porteurs de projets accompagnés par le CafLab",
        Decimal("7"),
    ),
)
DT, MU, LEAD, IMP = (t[0] for t in TRAININGS)


@dataclass(frozen=True)
class TrainingSessionSpec:
    key: str
    training: str
    starts_on: date
    ends_on: date
    place: str
    caf: str | None
    trainers: str
    new: int  # people who follow their first session of the year here
    # people trained in another session who come here too: (session key, how many)
    again: tuple[tuple[str, int], ...] = ()
    absent: int = 0  # enrolled, did not come
    cafs: tuple[str, ...] = ()  # where its participants come from
    organisation: str = ""
    jobs: tuple[str, ...] = ()


CAF_JOBS = (
    "Conseillère services aux familles",
    "Chargé de développement territorial",
    "Responsable du pôle accueil",
    "Chargée de mission innovation",
    "Travailleuse sociale",
    "Cadre de proximité prestations",
    "Conseiller technique petite enfance",
)
CNAF_JOBS = (
    "Cheffe de projet DSI",
    "Chargé de mission métier",
    "Product owner",
    "Responsable de département",
    "Chargée d'études",
)
DIRECTOR_JOBS = ("Élève directeur", "Élève directrice")
SESSIONS_2025 = (
    TrainingSessionSpec(
        "dt-rennes",
        DT,
        _d(2025, 2, 11),
        _d(2025, 2, 12),
        "Caf d'Ille-et-Vilaine, Rennes",
        "35",
        "Vincent Le Gall, Elise Tanguy (référents innovation)",
        12,
        cafs=("35", "22", "29", "56"),
        jobs=CAF_JOBS,
    ),
    TrainingSessionSpec(
        "dt-grenoble",
        DT,
        _d(2025, 3, 18),
        _d(2025, 3, 19),
        "Caf de l'Isère, Grenoble",
        "38",
        "Fabienne Chabert, Carolina Ferreira (référentes innovation)",
        12,
        cafs=("38", "69", "73", "74", "26"),
        jobs=CAF_JOBS,
    ),
    TrainingSessionSpec(
        "dt-lille",
        DT,
        _d(2025, 5, 13),
        _d(2025, 5, 14),
        "Caf du Nord, Lille",
        "59",
        "Grégoire Lemaître (référent innovation)",
        12,
        cafs=("59", "62", "80", "02", "60"),
        jobs=CAF_JOBS,
    ),
    TrainingSessionSpec(
        "dt-toulouse",
        DT,
        _d(2025, 9, 23),
        _d(2025, 9, 24),
        "Caf de la Haute-Garonne, Toulouse",
        "31",
        "Nathalie Castan, Mailys Fabre (référentes innovation)",
        11,
        absent=2,
        cafs=("31", "34", "66", "32", "09"),
        jobs=CAF_JOBS,
    ),
    TrainingSessionSpec(
        "dt-reunion",
        DT,
        _d(2025, 11, 18),
        _d(2025, 11, 19),
        "Caf de La Réunion, Saint-Denis",
        "974",
        "Thierry Hoarau (référent innovation)",
        10,
        cafs=("974", "976"),
        jobs=CAF_JOBS,
    ),
    TrainingSessionSpec(
        "mu-avril",
        MU,
        _d(2025, 4, 3),
        _d(2025, 4, 3),
        "Cnaf, Paris",
        None,
        "Florence Renaud, Audrey Carpentier (CafLab)",
        10,
        organisation="Cnaf",
        jobs=CNAF_JOBS,
    ),
    TrainingSessionSpec(
        "mu-octobre",
        MU,
        _d(2025, 10, 9),
        _d(2025, 10, 9),
        "Cnaf, Paris",
        None,
        "Florence Renaud, Audrey Carpentier (CafLab)",
        9,
        organisation="Cnaf",
        jobs=CNAF_JOBS,
    ),
    TrainingSessionSpec(
        "capdir",
        LEAD,
        _d(2025, 6, 12),
        _d(2025, 6, 12),
        "EN3S, Saint-Étienne (parcours CapDir)",
        None,
        "Camille Lefort, Aurore Baudin (CafLab)",
        15,
        organisation="EN3S — parcours CapDir",
        jobs=DIRECTOR_JOBS,
    ),
    TrainingSessionSpec(
        "leadders",
        LEAD,
        _d(2025, 11, 27),
        _d(2025, 11, 27),
        "Cnaf, Paris (parcours Leadders+)",
        None,
        "Camille Lefort (CafLab)",
        8,
        again=(("mu-avril", 2), ("mu-octobre", 2)),
        absent=1,
        organisation="Cnaf — parcours Leadders+",
        jobs=CNAF_JOBS,
    ),
    TrainingSessionSpec(
        "impact",
        IMP,
        _d(2025, 9, 30),
        _d(2025, 9, 30),
        VISIO,
        None,
        "Chloé Barbier (CafLab) avec Improve",
        4,
        again=(("dt-rennes", 2), ("dt-grenoble", 2), ("dt-lille", 2), ("dt-toulouse", 2)),
        cafs=("35", "38", "67", "45", "93"),
        jobs=("Porteur de projet", "Porteuse de projet"),
    ),
)
SESSIONS_2024_TRAINING = (
    TrainingSessionSpec(
        "dt-quimper-2024",
        DT,
        _d(2024, 10, 15),
        _d(2024, 10, 16),
        "Caf du Finistère, Quimper",
        "29",
        "Vincent Le Gall (référent innovation)",
        12,
        cafs=("29", "22", "56"),
        jobs=CAF_JOBS,
    ),
    TrainingSessionSpec(
        "mu-2024",
        MU,
        _d(2024, 11, 21),
        _d(2024, 11, 21),
        "Cnaf, Paris",
        None,
        "Florence Renaud (CafLab)",
        10,
        organisation="Cnaf",
        jobs=CNAF_JOBS,
    ),
)
# 2025 sessions that also welcome people trained in 2024: (2025 session, 2024 session, how many).
BACK_FROM_2024 = (("leadders", "mu-2024", 2), ("impact", "dt-quimper-2024", 1))
MORE_LAST_NAMES = (
    "Le Bihan",
    "Kerjean",
    "Hoarau",
    "Payet",
    "Grondin",
    "Rakotomalala",
    "Benali",
    "Haddad",
    "Diallo",
    "Traoré",
    "Nguyen",
    "Pereira",
    "Da Silva",
    "Marchetti",
    "Colin",
    "Barre",
    "Perret",
    "Poulain",
    "Tessier",
    "Collet",
)


@dataclass
class _Person:
    first_name: str
    last_name: str
    email: str
    caf: str | None
    organisation: str
    job_title: str
    user_email: str = ""


@dataclass
class TrainingPlan:
    sessions: list[TrainingSessionSpec]
    people: list[_Person]
    seats: list[tuple[str, int, bool]]  # session key, person index, attended


def training_plan(ctx: SeedContext) -> TrainingPlan:
    """Who followed which session: each session's newcomers, the people who come back for a
    second one, and a few who enrolled but did not come. The demo agent of the Isère followed
    the design thinking session of Grenoble."""
    rng = ctx.random("projects.trainings")
    first_names = sorted(set(FIRST_NAMES))
    last_names = sorted(set(LAST_NAMES) | set(MORE_LAST_NAMES))
    taken: set[tuple[str, str]] = {("Julien", "Roux")}
    people: list[_Person] = []
    seats: list[tuple[str, int, bool]] = []
    attendees: dict[str, list[int]] = defaultdict(list)

    def person(spec: TrainingSessionSpec) -> int:
        while True:
            first, last = rng.choice(first_names), rng.choice(last_names)
            if (first, last) not in taken:
                taken.add((first, last))
                break
        caf = rng.choice(spec.cafs) if spec.cafs else None
        domain = f"caf{caf.lower()}" if caf else _ascii(spec.organisation.split(" ")[0])
        people.append(
            _Person(
                first,
                last,
                f"{_ascii(first)}.{_ascii(last)}@{domain}.formations.caflab.demo",
                caf,
                "" if caf else spec.organisation,
                rng.choice(spec.jobs),
            )
        )
        return len(people) - 1

    sessions = [*SESSIONS_2024_TRAINING, *SESSIONS_2025]
    back = {(target, source): n for target, source, n in BACK_FROM_2024}
    for spec in sessions:
        here = []
        if spec.key == "dt-grenoble":
            people.append(
                _Person(
                    "Julien",
                    "Roux",
                    AGENT_EMAIL,
                    "38",
                    "",
                    "Conseiller service aux partenaires",
                    user_email=AGENT_EMAIL,
                )
            )
            here.append(len(people) - 1)
        while len(here) < spec.new:
            here.append(person(spec))
        for source, n in spec.again:
            here += rng.sample(attendees[source], n)
        for (target, source), n in back.items():
            if target == spec.key:
                here += rng.sample(attendees[source], n)
        seats += [(spec.key, index, True) for index in here]
        attendees[spec.key] = here
        seats += [(spec.key, person(spec), False) for _ in range(spec.absent)]
    return TrainingPlan(sessions, people, seats)


# Seeding -----------------------------------------------------------------------------------------
@dataclass
class _World:
    cafs: dict[str, Caf]
    regions: dict[str, Region]
    staff: dict[str, User]
    agents: dict[str, list[User]]
    referents: dict[str, User]  # Caf number → the referent based there
    orgs: dict[str, Organisation]


def seed(ctx: SeedContext) -> None:
    world = _world()
    programmes = _seed_programmes(world)
    specs = [*CARRIED, *ACCOMPANIED, *fipe_specs(ctx), *RPE]
    _seed_projects(ctx, world, programmes, specs)
    _seed_helpers(world)
    _seed_defi(ctx, world, programmes)
    _seed_food_call(ctx, world, programmes)
    _seed_impact()
    _seed_kits_and_replications(world)
    _seed_needs(world)
    _seed_creativity(ctx, world)
    _seed_trainings(ctx, world)
    fragments.bump("projects")  # bulk_create() and update() above send no signal
    _log_summary(ctx)


def _world() -> _World:
    cafs = {caf.number: caf for caf in Caf.objects.select_related("region")}
    regions = {region.code: region for region in Region.objects.all()}
    staff = {u.email: u for u in User.objects.filter(role=User.Role.CAFLAB)}
    agents: dict[str, list[User]] = defaultdict(list)
    for user in (
        User.objects.filter(role=User.Role.AGENT, caf__isnull=False)
        .select_related("caf")
        .order_by("email")
    ):
        agents[user.caf.number].append(user)
    referents = {
        u.caf.number: u
        for u in User.objects.filter(role=User.Role.REFERENT)
        .select_related("caf")
        .order_by("email")
    }
    return _World(cafs, regions, staff, agents, referents, _seed_organisations(cafs))


def _seed_organisations(cafs: dict[str, Caf]) -> dict[str, Organisation]:
    """The partners this space needs, found by name (any Caf) or created."""
    wanted: dict[str, tuple[str, str | None, str]] = {
        CCMSA: (Organisation.Kind.MSA, None, "Bobigny"),
        FRANCE_TRAVAIL: (Organisation.Kind.FRANCE_TRAVAIL, None, "Paris"),
        "Incubateur des politiques publiques de Sciences Po": (
            Organisation.Kind.RECHERCHE,
            "75",
            "Paris",
        ),
    }
    for region, (caf, city) in FT_SEATS.items():
        wanted[FT + region] = (Organisation.Kind.FRANCE_TRAVAIL, caf, city)
    wanted.update(MSAS)
    for name, kind, city, _kinds, _text in HELPERS:
        wanted.setdefault(name, (kind, None, city))
    # By exact name: SQLite's LOWER() leaves « Î » as it is, Python's does not.
    found: dict[str, Organisation] = {}
    for org in Organisation.objects.filter(name__in=list(wanted)).order_by("pk"):
        found.setdefault(org.name.lower(), org)
    missing = [
        Organisation(name=name, kind=kind, caf=cafs[caf] if caf else None, city=city)
        for name, (kind, caf, city) in wanted.items()
        if name.lower() not in found
    ]
    for org in Organisation.objects.bulk_create(missing):
        found[org.name.lower()] = org
    return {name: found[name.lower()] for name in wanted}


def _seed_programmes(world: _World) -> dict[str, Programme]:
    existing = {p.slug: p for p in Programme.objects.filter(slug__in=[p[0] for p in PROGRAMMES])}
    result = {}
    for position, (slug, name, summary, pilot, started, partners) in enumerate(PROGRAMMES):
        programme = existing.get(slug)
        if programme is None:
            programme = Programme.objects.create(
                slug=slug,
                name=name,
                summary=summary,
                pilot=pilot,
                started_on=started,
                position=position,
            )
            programme.partners.set([world.orgs[p] for p in partners])
        result[slug] = programme
    return result


def _staff(world: _World, email: str) -> User | None:
    return world.staff.get(email)


def _seed_projects(
    ctx: SeedContext,
    world: _World,
    programmes: dict[str, Programme],
    specs: list[ProjectSpec],
    *,
    applications: dict[str, Application] | None = None,
    cohort: Cohort | None = None,
) -> dict[str, Project]:
    """Create the projects not there yet, with their Cafs, partners, team, stage history and
    funding. Returns the projects it created, by slug."""
    existing = set(
        Project.objects.filter(slug__in=[s.slug for s in specs]).values_list("slug", flat=True)
    )
    todo = [s for s in specs if s.slug not in existing]
    if not todo:
        return {}
    applications = applications or {}
    projects = []
    for spec in todo:
        stage, changed = spec.stages[-1]
        closed = stage in (S.SUSTAINED, S.STOPPED)
        projects.append(
            Project(
                slug=spec.slug,
                title=spec.title,
                summary=spec.summary,
                programme=programmes.get(spec.programme),
                kind=spec.kind,
                theme=spec.theme,
                stage=stage,
                stage_changed_on=changed,
                region=world.regions.get(spec.region) if spec.region else None,
                territories=spec.territories,
                sponsor=spec.sponsor,
                started_on=spec.started_on,
                ended_on=changed if closed else None,
                application=applications.get(spec.slug),
                cohort=cohort,
            )
        )
    Project.objects.bulk_create(projects)
    by_slug = {p.slug: p for p in projects}
    _backdate(
        Project,
        {
            p.pk: {"created_at": _at(p.started_on, 9), "updated_at": _at(p.stage_changed_on, 17)}
            for p in projects
        },
    )
    Project.cafs.through.objects.bulk_create(
        Project.cafs.through(project_id=by_slug[s.slug].pk, caf_id=world.cafs[number].pk)
        for s in todo
        for number in s.cafs
    )
    Project.partners.through.objects.bulk_create(
        Project.partners.through(project_id=by_slug[s.slug].pk, organisation_id=world.orgs[name].pk)
        for s in todo
        for name in s.partners
    )
    members, changes, fundings = [], [], []
    for spec in todo:
        project = by_slug[spec.slug]
        rng = ctx.random(f"projects.team.{spec.slug}")
        leads = [u for email in spec.caflab if (u := _staff(world, email))]
        members += [
            ProjectMember(project=project, user=user, role=ProjectMember.Role.CAFLAB)
            for user in leads
        ]
        if spec.carriers and spec.cafs:
            pool = [a for a in world.agents.get(spec.cafs[0], []) if a.email != AGENT_EMAIL]
            members += [
                ProjectMember(project=project, user=user)
                for user in rng.sample(pool, min(spec.carriers, len(pool)))
            ]
        by = leads[0] if leads else None
        previous = ""
        for stage, day in spec.stages:
            changes.append(
                StageChange(
                    project=project,
                    from_stage=previous,
                    to_stage=stage,
                    changed_on=day,
                    note=spec.notes.get(stage, ""),
                    by=by,
                )
            )
            previous = stage
        fundings += [
            Funding(
                project=project, source=source, funder=funder, amount=Decimal(amount), year=year
            )
            for source, funder, amount, year in spec.fundings
        ]
    ProjectMember.objects.bulk_create(members, batch_size=BATCH)
    StageChange.objects.bulk_create(changes, batch_size=BATCH)
    _backdate(
        StageChange,
        {c.pk: {"created_at": _at(c.changed_on, 17, 30)} for c in changes},
    )
    Funding.objects.bulk_create(fundings, batch_size=BATCH)
    return by_slug


def _backdate(model, values: dict[int, dict[str, datetime]]) -> None:
    """Set automatic dates (auto_now, auto_now_add) that bulk_create set to now."""
    if not values:
        return
    names = next(iter(values.values())).keys()
    items = list(values.items())
    for start in range(0, len(items), BATCH):
        chunk = items[start : start + BATCH]
        model.objects.filter(pk__in=[pk for pk, _v in chunk]).update(
            **{
                name: Case(
                    *[When(pk=pk, then=Value(v[name])) for pk, v in chunk],
                    output_field=DateTimeField(),
                )
                for name in names
            }
        )


# Calls, jury and winners --------------------------------------------------------------------------
def _seed_grid(call: Call, criteria) -> list[Criterion]:
    return Criterion.objects.bulk_create(
        Criterion(call=call, name=name, description=text, weight=weight, max_score=5, position=i)
        for i, (name, text, weight) in enumerate(criteria)
    )


def _score(
    rng: random.Random,
    assignments: list[tuple[JuryAssignment, tuple[int, int]]],
    criteria: list[Criterion],
) -> None:
    JuryAssignment.objects.bulk_create([a for a, _range in assignments])
    Score.objects.bulk_create(
        Score(assignment=assignment, criterion=criterion, value=rng.randint(*bounds))
        for assignment, bounds in assignments
        for criterion in criteria
    )


def _pick_agent(rng: random.Random, world: _World, caf: str) -> User:
    pool = [a for a in world.agents[caf] if a.email != AGENT_EMAIL]
    return rng.choice(pool)


def _seed_defi(ctx: SeedContext, world: _World, programmes: dict[str, Programme]) -> None:
    if Call.objects.filter(slug=DEFI_SLUG).exists():
        return
    rng = ctx.random("projects.defi")
    call = Call.objects.create(
        programme=programmes[IST],
        title="Défi « Lutter contre la pénurie de personnel de la petite enfance »",
        slug=DEFI_SLUG,
        kind=Call.Kind.CHALLENGE,
        summary="Avec plus de 10 000 postes vacants dans les crèches collectives et 40 % des "
        "assistants maternels qui partiront à la retraite d'ici 2030, l'accueil du jeune enfant "
        "manque de professionnels. Lancé pendant le mois de l'innovation publique avec France "
        "Travail, le défi s'adresse à toutes les Caf, aux agences de France Travail et à leurs "
        "partenaires : une équipe par région, cinq projets lauréats incubés par le CafLab.",
        opens_on=DEFI_OPENS,
        closes_on=DEFI_CLOSES,
        status=Call.Status.DECIDED,
        winners_count=5,
        project_kind=K.CHALLENGE,
        project_theme=T.CHILDCARE_STAFF,
        decided_on=DEFI_DECIDED,
    )
    call.partners.set([world.orgs[FRANCE_TRAVAIL]])
    criteria = _seed_grid(call, DEFI_CRITERIA)
    decided_at = _at(DEFI_DECIDED, 16)
    demo_agent = User.objects.filter(email=AGENT_EMAIL).first()
    applications = []
    for i, team in enumerate(DEFI_TEAMS):
        contact = (
            demo_agent if team.caf == "38" and demo_agent else _pick_agent(rng, world, team.caf)
        )
        applications.append(
            Application(
                call=call,
                title=team.title,
                team_name=team.team,
                summary=team.summary,
                region=world.regions[team.region],
                caf=world.cafs[team.caf],
                contact=contact,
                submitted_at=_at(DEFI_CLOSES - timedelta(days=2 + 3 * i), 11 + i % 6, 15),
                status=Application.Status.SELECTED if team.winner else Application.Status.REJECTED,
                decision_note=(
                    "Projet retenu pour son caractère innovant, son impact envisagé sur le "
                    "territoire et son potentiel de répliquabilité."
                    if team.winner
                    else "Projet de qualité, non retenu parmi les cinq lauréats : le CafLab "
                    "reste disponible pour en accompagner la suite en région."
                ),
                decided_at=decided_at,
            )
        )
    Application.objects.bulk_create(applications)
    Application.partners.through.objects.bulk_create(
        Application.partners.through(
            application_id=app.pk, organisation_id=world.orgs[FT + team.france_travail].pk
        )
        for app, team in zip(applications, DEFI_TEAMS, strict=True)
    )
    # Three jurors per team: two of the national team and a referent of another region.
    jurors = [world.staff[e] for e in (SOCIAL_LEAD, INCUBATION_LEAD) if e in world.staff]
    referents = sorted(world.referents.values(), key=lambda u: u.email)
    assignments = []
    for i, (app, team) in enumerate(zip(applications, DEFI_TEAMS, strict=True)):
        others = [
            r for r in referents if r.caf.region_id != app.region_id and r.pk != app.contact_id
        ]
        panel = [*jurors, others[i % len(others)]] if others else jurors
        bounds = (4, 5) if team.winner else ((3, 4) if team.team == "Itin'Enfance" else (2, 4))
        for j, juror in enumerate(panel):
            assignments.append(
                (
                    JuryAssignment(
                        application=app,
                        juror=juror,
                        comment=_jury_comment(rng, bool(team.winner)),
                        completed_at=_at(_d(2025, 2, 17) + timedelta(days=i % 10 + j), 15),
                    ),
                    bounds,
                )
            )
    _score(rng, assignments, criteria)

    cohort = Cohort.objects.create(
        programme=programmes[IST],
        call=call,
        name="Incubation des lauréats du Défi petite enfance 2025",
        slug=COHORT_SLUG,
        starts_on=_d(2025, 4, 7),
        ends_on=_d(2025, 12, 12),
        description="Deux volets : la formation et la sensibilisation des équipes — deux "
        "journées de préparation et de mise en valeur des initiatives, puis trois modules "
        "(modèle économique, financements, évaluation d'impact) — et le suivi de chaque projet, "
        "avec la recherche de partenaires à l'échelle d'un réseau national.",
    )
    by_team = {app.team_name: app for app in applications}
    specs = []
    for team in DEFI_TEAMS:
        if not team.winner:
            continue
        app = by_team[team.team]
        specs.append(
            ProjectSpec(
                team.winner,
                team.title,
                team.summary,
                K.CHALLENGE,
                T.CHILDCARE_STAFF,
                DEFI_DECIDED,
                ((S.SELECTION, DEFI_DECIDED), *team.stages),
                cafs=(team.caf,),
                programme=IST,
                region=team.region,
                caflab=(INCUBATION_LEAD,),
                partners=(FT + team.france_travail,),
                fundings=((F.FNAS, "Cnaf — Défi petite enfance", _amount(rng, 20, 50), 2025),),
                notes={
                    S.SELECTION: "Lauréat du Défi petite enfance.",
                    S.INCUBATION: "Entrée dans la promotion d'incubation du CafLab.",
                },
            )
        )
    projects = _seed_projects(
        ctx,
        world,
        programmes,
        specs,
        applications={team.winner: by_team[team.team] for team in DEFI_TEAMS if team.winner},
        cohort=cohort,
    )
    # The carrier is the team's contact; the regional referent of Bretagne joins its team.
    members = [
        ProjectMember(project=projects[team.winner], user=by_team[team.team].contact)
        for team in DEFI_TEAMS
        if team.winner and team.winner in projects
    ]
    referent = User.objects.filter(email=REFERENT_EMAIL).first()
    if referent and DEFI_TEAMS[0].winner in projects:
        members.append(
            ProjectMember(
                project=projects[DEFI_TEAMS[0].winner],
                user=referent,
                role=ProjectMember.Role.MEMBER,
            )
        )
    ProjectMember.objects.bulk_create(members, ignore_conflicts=True)
    _seed_track(rng, cohort, projects)


def _jury_comment(rng: random.Random, winner: bool) -> str:
    good = (
        "Projet solide, bien ancré dans les besoins du territoire.",
        "Très bonne articulation avec France Travail ; modèle reproductible.",
        "Approche originale, partenariat déjà engagé.",
    )
    fair = (
        "Idée intéressante, partenariat encore à construire.",
        "Projet pertinent mais budget à préciser.",
        "Impact attendu réel, répliquabilité moins évidente.",
    )
    return rng.choice(good if winner else fair)


def _seed_track(rng: random.Random, cohort: Cohort, projects: dict[str, Project]) -> None:
    modules = Module.objects.bulk_create(
        Module(cohort=cohort, title=title, kind=kind, position=i, deliverable=deliverable)
        for i, (title, kind, deliverable, _sessions) in enumerate(TRACK)
    )
    sessions: list[tuple[int, ModuleSession]] = []
    for index, (module, (*_head, plan)) in enumerate(zip(modules, TRACK, strict=True)):
        for day, start, end, place, who in plan:
            sessions.append(
                (
                    index,
                    ModuleSession(
                        module=module,
                        starts_at=_at(day, *start),
                        ends_at=_at(day, *end),
                        place=place,
                        facilitator=who,
                    ),
                )
            )
    ModuleSession.objects.bulk_create([s for _i, s in sessions])
    ordered = sorted(projects.values(), key=lambda p: p.slug)
    attendance = []
    for index, session in sessions:
        for project in ordered:
            present = (project.slug, index) not in ABSENT
            attendance.append(
                SessionAttendance(
                    session=session,
                    project=project,
                    present=present,
                    attendees=rng.randint(2, 4) if present else 0,
                )
            )
    SessionAttendance.objects.bulk_create(attendance)
    deliverables = []
    for index, (module, (title, _kind, deliverable, plan)) in enumerate(
        zip(modules, TRACK, strict=True)
    ):
        if not deliverable:
            continue
        last_day = plan[-1][0]
        for project in ordered:
            if (project.slug, index) in NOT_HANDED_IN:
                continue
            returned = (project.slug, index) in RETURNED
            name = f"{_ascii(deliverable)}.txt"
            content = _deliverable_text(deliverable, project, title).encode()
            path = _stored(f"projets/livrables/demo/{project.slug[:50]}-{index}.txt", content)
            carrier = project.memberships.filter(role=ProjectMember.Role.CARRIER).first()
            deliverables.append(
                Deliverable(
                    module=module,
                    project=project,
                    file=path,
                    name=name,
                    size=len(content),
                    content_type="text/plain",
                    uploaded_by=carrier.user if carrier else None,
                    created_at=_at(last_day + timedelta(days=rng.randint(7, 20)), 14),
                    status=Deliverable.Status.RETURNED if returned else Deliverable.Status.ACCEPTED,
                    feedback=(
                        "Le plan de financement ne couvre que la première année : complétez "
                        "les années 2 et 3."
                        if returned
                        else "Validé, merci."
                    ),
                )
            )
    Deliverable.objects.bulk_create(deliverables)


def _deliverable_text(deliverable: str, project: Project, module: str) -> str:
    return (
        f"{deliverable}\n{project.title}\n\n"
        f"Livrable du module « {module} » de la promotion d'incubation du Défi petite enfance.\n\n"
        f"{project.summary}\n"
    )


def _stored(path: str, content: bytes) -> str:
    """A demo file at a fixed path, written once."""
    if not default_storage.exists(path):
        return default_storage.save(path, ContentFile(content))
    return path


def _seed_food_call(ctx: SeedContext, world: _World, programmes: dict[str, Programme]) -> None:
    if Call.objects.filter(slug=FOOD_CALL_SLUG).exists():
        return
    rng = ctx.random("projects.alimentation")
    call = Call.objects.create(
        programme=programmes[FOOD],
        title="Appel à projets « Alimentation solidaire et durable »",
        slug=FOOD_CALL_SLUG,
        kind=Call.Kind.CALL,
        summary="Un appel aux Caf et aux MSA pour expérimenter le préfinancement annuel de "
        "productions agricoles locales : chaque territoire imagine les modalités adaptées à ses "
        "enjeux — épiceries solidaires, centres sociaux, cartes alimentaires, fonds de "
        "solidarité, monnaie locale, partenariats avec les Banques alimentaires.",
        opens_on=FOOD_OPENS,
        closes_on=FOOD_CLOSES,
        status=Call.Status.DECIDED,
        winners_count=len(FOOD_TERRITORIES),
        project_kind=K.EXPERIMENT,
        project_theme=T.FOOD,
        decided_on=FOOD_DECIDED,
    )
    call.partners.set([world.orgs[CCMSA]])
    criteria = _seed_grid(call, FOOD_CRITERIA)
    applications = []
    for i, (_suffix, title, cafs, msa, _territories, summary) in enumerate(FOOD_TERRITORIES):
        names = " et ".join(world.cafs[n].name for n in cafs)
        applications.append(
            Application(
                call=call,
                title=title,
                team_name=f"{names}, {msa}",
                summary=summary,
                region=world.cafs[cafs[0]].region,
                caf=world.cafs[cafs[0]],
                contact=_pick_agent(rng, world, cafs[0]),
                submitted_at=_at(FOOD_CLOSES - timedelta(days=1 + 2 * i), 10 + i % 7),
                status=Application.Status.SELECTED,
                decision_note="Territoire retenu pour l'expérimentation, mise en route au premier "
                "semestre 2026.",
                decided_at=_at(FOOD_DECIDED, 15),
            )
        )
    Application.objects.bulk_create(applications)
    Application.partners.through.objects.bulk_create(
        Application.partners.through(application_id=app.pk, organisation_id=world.orgs[t[3]].pk)
        for app, t in zip(applications, FOOD_TERRITORIES, strict=True)
    )
    jurors = [world.staff[e] for e in (DEPUTY, ECOLOGY_LEAD) if e in world.staff]
    _score(
        rng,
        [
            (
                JuryAssignment(
                    application=app,
                    juror=juror,
                    comment="Modalités adaptées au territoire ; agriculteurs déjà mobilisés.",
                    completed_at=_at(_d(2025, 6, 16) + timedelta(days=i % 8), 16),
                ),
                (3, 5),
            )
            for i, app in enumerate(applications)
            for juror in jurors
        ],
        criteria,
    )
    specs = [
        ProjectSpec(
            food_slug(suffix),
            f"Alimentation solidaire et durable — {territories} : {title[0].lower()}{title[1:]}",
            summary,
            K.EXPERIMENT,
            T.FOOD,
            FOOD_DECIDED,
            ((S.SELECTION, FOOD_DECIDED),),
            cafs=cafs,
            programme=FOOD,
            territories=territories,
            caflab=(DEPUTY,),
            carriers=0,
            partners=(msa, CCMSA),
            notes={
                S.SELECTION: "Retenu par l'appel à projets ; mise en route au premier "
                "semestre 2026."
            },
        )
        for suffix, title, cafs, msa, territories, summary in FOOD_TERRITORIES
    ]
    projects = _seed_projects(
        ctx,
        world,
        programmes,
        specs,
        applications={
            food_slug(t[0]): app for t, app in zip(FOOD_TERRITORIES, applications, strict=True)
        },
    )
    ProjectMember.objects.bulk_create(
        [
            ProjectMember(project=projects[food_slug(t[0])], user=app.contact)
            for t, app in zip(FOOD_TERRITORIES, applications, strict=True)
            if food_slug(t[0]) in projects
        ],
        ignore_conflicts=True,
    )


# Impact, essaimage, partner search ---------------------------------------------------------------
def _seed_impact() -> None:
    """Theories of change, indicators and their periods, for the projects that have none."""
    projects = {
        p.slug: p
        for p in Project.objects.filter(slug__in=IMPACT)
        .exclude(change_steps__isnull=False)
        .prefetch_related("memberships__user")
    }
    if not projects:
        return
    steps, indicators = [], []
    for slug, project in projects.items():
        boxes, specs = IMPACT[slug]
        positions: dict[str, int] = defaultdict(int)
        mine = []
        for level, text in boxes:
            mine.append(
                ChangeStep(project=project, level=level, text=text, position=positions[level])
            )
            positions[level] += 1
        steps += mine
        impact = next((s for s in mine if s.level == Lv.IMPACT), None)
        for position, spec in enumerate(specs):
            indicators.append(
                (
                    project,
                    Indicator(
                        project=project,
                        impact=impact,
                        name=spec.name,
                        unit=spec.unit,
                        direction=spec.direction,
                        baseline=Decimal(spec.baseline),
                        baseline_on=project.started_on,
                        target=Decimal(spec.target),
                        target_on=spec.target_on,
                        position=position,
                    ),
                    spec,
                )
            )
    ChangeStep.objects.bulk_create(steps)
    Indicator.objects.bulk_create([i for _p, i, _s in indicators])
    periods = []
    for project, indicator, spec in indicators:
        members = list(project.memberships.all())
        carrier = next((m.user for m in members if m.role == ProjectMember.Role.CARRIER), None)
        lead = next((m.user for m in members if m.role == ProjectMember.Role.CAFLAB), None)
        for start, end, value, status in spec.periods:
            reported = status != DRAFT
            periods.append(
                Period(
                    indicator=indicator,
                    starts_on=start,
                    ends_on=end,
                    value=Decimal(value),
                    status=status,
                    comment="Chiffre issu du suivi mensuel de l'équipe." if reported else "",
                    submitted_at=_at(end + timedelta(days=12), 10) if reported else None,
                    submitted_by=carrier if reported else None,
                    reviewed_at=_at(end + timedelta(days=25), 15) if status == APPROVED else None,
                    reviewed_by=lead if status == APPROVED else None,
                )
            )
    Period.objects.bulk_create(periods)


def _seed_kits_and_replications(world: _World) -> None:
    slugs = set(KITS) | {r[0] for r in REPLICATIONS}
    projects = {p.slug: p for p in Project.objects.filter(slug__in=slugs)}
    with_kit = set(
        DeploymentKit.objects.filter(project__slug__in=KITS).values_list("project__slug", flat=True)
    )
    DeploymentKit.objects.bulk_create(
        DeploymentKit(
            project=projects[slug],
            version=version,
            summary=summary,
            steps=steps,
            attention_points=attention,
            good_practices=practices,
            is_published=True,
        )
        for slug, (version, summary, steps, attention, practices) in KITS.items()
        if slug in projects and slug not in with_kit
    )
    Replication.objects.bulk_create(
        [
            Replication(
                project=projects[slug],
                caf=world.cafs[caf],
                status=status,
                started_on=since,
                note=note,
            )
            for slug, caf, status, since, note in REPLICATIONS
            if slug in projects
        ],
        ignore_conflicts=True,
    )


def _seed_helpers(world: _World) -> None:
    have = set(Helper.objects.values_list("organisation_id", flat=True))
    Helper.objects.bulk_create(
        Helper(organisation=world.orgs[name], kinds=kinds, description=text)
        for name, _kind, _city, kinds, text in HELPERS
        if world.orgs[name].pk not in have
    )


def _seed_needs(world: _World) -> None:
    slugs = {n[0] for n in NEEDS}
    projects = {p.slug: p for p in Project.objects.filter(slug__in=slugs)}
    have = set(Need.objects.filter(project__slug__in=slugs).values_list("project__slug", "title"))
    todo = [n for n in NEEDS if n[0] in projects and (n[0], n[2]) not in have]
    if not todo:
        return
    needs = Need.objects.bulk_create(
        Need(
            project=projects[slug],
            kind=kind,
            title=title,
            description=text,
            status=status,
            published_at=_at(day, 11),
        )
        for slug, kind, title, text, status, day, _matches in todo
    )
    helpers = {h.organisation.name: h for h in Helper.objects.select_related("organisation")}
    by = world.staff.get(INCUBATION_LEAD)
    Match.objects.bulk_create(
        Match(
            need=need,
            helper=helpers[name],
            status=status,
            note="Premier échange organisé par le CafLab."
            if status != Match.Status.PROPOSED
            else "",
            recorded_by=by,
            recorded_at=_at(day, 10),
        )
        for need, spec in zip(needs, todo, strict=True)
        for name, status, day in spec[6]
        if name in helpers
    )


# Creativity and trainings ------------------------------------------------------------------------
def _seed_creativity(ctx: SeedContext, world: _World) -> None:
    specs = creativity_specs(ctx)
    have = set(CreativitySession.objects.values_list("held_on", "caf__number", "topic"))
    todo = [s for s in specs if (s.held_on, s.caf, s.topic) not in have]
    if not todo:
        return
    projects = dict(
        Project.objects.filter(slug__in={s.project for s in todo if s.project}).values_list(
            "slug", "pk"
        )
    )
    rng = ctx.random("projects.creativity.facilitators")
    fallback = [world.staff[e] for e in (FACILITATOR, FACILITATOR_2) if e in world.staff]
    sessions = []
    for spec in todo:
        facilitator = world.staff.get(spec.facilitator) if spec.facilitator else None
        if facilitator is None and spec.caf:
            facilitator = _referent_for(world, spec.caf)
        if facilitator is None and fallback:
            facilitator = rng.choice(fallback)
        sessions.append(
            CreativitySession(
                held_on=spec.held_on,
                caf=world.cafs[spec.caf] if spec.caf else None,
                topic=spec.topic,
                method=spec.method,
                audience=spec.audience,
                participants=spec.participants,
                facilitator=facilitator,
                project_id=projects.get(spec.project),
                outcome=spec.outcome or _outcome(spec),
            )
        )
    CreativitySession.objects.bulk_create(sessions, batch_size=BATCH)


def _referent_for(world: _World, caf: str) -> User | None:
    """The referent based in that Caf, else one of its region."""
    if caf in world.referents:
        return world.referents[caf]
    region = world.cafs[caf].region_id
    return next((r for r in world.referents.values() if r.caf.region_id == region), None)


def _outcome(spec: SessionSpec) -> str:
    if spec.audience == A.AGENTS:
        return "Irritants partagés, trois pistes priorisées et une suite proposée à la direction."
    if spec.audience == A.PARTNERS:
        return "Les attentes des partenaires sont consignées et transmises au commanditaire."
    return "Les contributions des participants sont consignées et transmises au commanditaire."


def _seed_trainings(ctx: SeedContext, world: _World) -> None:
    known = {t.title: t for t in Training.objects.filter(title__in=[t[0] for t in TRAININGS])}
    missing = [
        Training(title=title, kind=kind, description=text, audience=audience, duration_hours=hours)
        for title, kind, text, audience, hours in TRAININGS
        if title not in known
    ]
    for training in Training.objects.bulk_create(missing):
        known[training.title] = training

    plan = training_plan(ctx)
    have = {
        (s.training_id, s.starts_on, s.place): s
        for s in TrainingSession.objects.filter(training__in=known.values())
    }
    sessions: dict[str, TrainingSession] = {}
    new_sessions = []
    for spec in plan.sessions:
        training = known[spec.training]
        session = have.get((training.pk, spec.starts_on, spec.place))
        if session is None:
            session = TrainingSession(
                training=training,
                starts_on=spec.starts_on,
                ends_on=spec.ends_on,
                place=spec.place,
                caf=world.cafs[spec.caf] if spec.caf else None,
                trainers=spec.trainers,
            )
            new_sessions.append(session)
        sessions[spec.key] = session
    TrainingSession.objects.bulk_create(new_sessions)

    emails = [p.email for p in plan.people]
    trainees = {t.email.lower(): t for t in Trainee.objects.filter(email__in=emails)}
    users = {
        u.email: u
        for u in User.objects.filter(email__in=[p.user_email for p in plan.people if p.user_email])
    }
    linked = set(Trainee.objects.filter(user__in=users.values()).values_list("user_id", flat=True))
    new_trainees = [
        Trainee(
            first_name=p.first_name,
            last_name=p.last_name,
            email=p.email,
            caf=world.cafs[p.caf] if p.caf else None,
            organisation=p.organisation,
            job_title=p.job_title,
            user=user if (user := users.get(p.user_email)) and user.pk not in linked else None,
        )
        for p in plan.people
        if p.email.lower() not in trainees
    ]
    for trainee in Trainee.objects.bulk_create(new_trainees):
        trainees[trainee.email.lower()] = trainee
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                session=sessions[key],
                trainee=trainees[plan.people[index].email.lower()],
                attended=attended,
            )
            for key, index, attended in plan.seats
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )


def _log_summary(ctx: SeedContext) -> None:
    figures = year_figures(year=ctx.year)
    fipe = sum(n for _label, n in figures.fipe_by_theme)
    ctx.log(
        f"  {figures.carried} projets portés, {figures.accompanied} accompagnés, {fipe} projets "
        f"FIPE, défi : {figures.challenge_teams} équipes et {figures.challenge_winners} lauréats, "
        f"{figures.creativity_sessions} séances de créativité, {figures.trainings} sessions de "
        f"formation et {figures.people_trained} personnes formées en {ctx.year}"
    )


def demo_slugs() -> list[str]:
    """Every project slug of the demo."""
    return [
        *(s.slug for s in (*CARRIED, *ACCOMPANIED, *RPE)),
        *(row[0] for row in FIPE),
        *(t.winner for t in DEFI_TEAMS if t.winner),
        *(food_slug(t[0]) for t in FOOD_TERRITORIES),
    ]
