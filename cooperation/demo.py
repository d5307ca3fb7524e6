"""Demo data of COOPération (« CTG dans ma poche »): the axis themes, two typical roadmaps, the
evaluation library, and the plans of the 40 Cafs that use the tool in 2025 — the 15 pilot Cafs
of the 2023 experiment and the 25 volunteers of 2025 (39 positioned by the July wave, the
40th in October) — each with its Convention territoriale globale, a few with their Schéma
départemental des services aux familles.

Each plan comes with its territory's partner organisations (EPCI, communes, département, MSA,
centre social…) and their users, its members (pilots and contributors from the Caf, partners,
the regional innovation referent as a reader), a roadmap of axes, objectives, actions and
milestones, indicators measured over 2024–2025, a few messages with mentions and its activity
feed. The demo accounts: `agent.isere@caflab.demo` pilots the CTG of Grenoble-Alpes
Métropole, where `partenaire.grenoble@caflab.demo` contributes; `referent.bretagne@caflab.demo`
reads the CTG of Rennes Métropole.

The roadmaps are fixed (dates, titles, weights, partners); where each action stands is read on
the day of seeding, like a plan followed in real time: past deadlines are mostly met, a few are
late or abandoned, current actions progress with the time elapsed. The messages and the
recent activity also follow that day. Everything else is drawn from `ctx.random("cooperation.…")`
generators, one per plan, so a second run changes nothing and a re-run gives the same data.
A plan already there (same Caf, type and title) is left as it is.
"""

from __future__ import annotations

import calendar
import math
import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, DateTimeField, Q, Value, When
from django.utils import timezone

from caflab import fragments
from caflab.demo import AGENT_EMAIL, FIRST_NAMES, LAST_NAMES, PARTNER_EMAIL
from caflab.models import ActivityEvent, Caf, Organisation, User
from caflab.seeding import SeedContext
from cooperation import scopes
from cooperation.models import (
    Action,
    Axis,
    AxisTheme,
    Indicator,
    IndicatorValue,
    Message,
    Objective,
    Plan,
    PlanMember,
    PlanTemplate,
    Resource,
    Step,
)
from cooperation.services import mention_handle

ORDER = 30

PARIS = ZoneInfo("Europe/Paris")
BATCH = 1000
PARTNER_DOMAIN = "partenaires.caflab.demo"

# Themes ------------------------------------------------------------------------------------------
THEMES = (
    ("Petite enfance", "petite-enfance"),
    ("Enfance-jeunesse", "enfance-jeunesse"),
    ("Parentalité", "parentalite"),
    ("Animation de la vie sociale", "animation-de-la-vie-sociale"),
    ("Accès aux droits", "acces-aux-droits"),
    ("Logement", "logement"),
    ("Handicap", "handicap"),
    ("Inclusion numérique", "inclusion-numerique"),
    ("Mobilité", "mobilite"),
    ("Séparation", "separation"),
)

# The roadmaps' vocabulary: theme → (axis title, ((objective, (actions…)), …)).
CATALOGUE: dict[str, tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "petite-enfance": (
        "Petite enfance : un accueil du jeune enfant accessible à toutes les familles",
        (
            (
                "Développer l'offre d'accueil collectif et individuel",
                (
                    "Ouvrir une micro-crèche à horaires atypiques",
                    "Créer un relais petite enfance itinérant",
                    "Étendre les horaires du multi-accueil municipal",
                    "Soutenir l'installation de maisons d'assistants maternels (MAM)",
                    "Réserver des places en crèche à vocation d'insertion professionnelle (AVIP)",
                    "Réaliser un diagnostic des besoins d'accueil dans les communes rurales",
                ),
            ),
            (
                "Améliorer l'information des familles et la qualité de l'accueil",
                (
                    "Mettre en place un guichet unique d'information petite enfance",
                    "Tenir à jour les disponibilités d'accueil sur monenfant.fr",
                    "Organiser une commission d'attribution des places partagée",
                    "Former les professionnels à l'accueil des enfants en situation de handicap",
                    "Animer un réseau des directeurs d'établissements d'accueil du jeune enfant",
                    "Développer l'éveil artistique et culturel dans les lieux d'accueil",
                ),
            ),
            (
                "Répondre à la pénurie de professionnels de la petite enfance",
                (
                    "Organiser un forum des métiers de la petite enfance",
                    "Accompagner la formation des assistants maternels avec France Travail",
                    "Proposer des stages de découverte aux jeunes en orientation",
                    "Mettre en place un pool de remplaçants mutualisé entre structures",
                    "Valoriser le métier d'assistant maternel par une campagne locale",
                ),
            ),
        ),
    ),
    "enfance-jeunesse": (
        "Enfance et jeunesse : des loisirs éducatifs et des parcours pour les jeunes",
        (
            (
                "Développer et harmoniser l'accueil de loisirs",
                (
                    "Développer l'accueil de loisirs du mercredi",
                    "Harmoniser la tarification des accueils de loisirs à l'échelle intercommunale",
                    "Créer un accueil de loisirs sans hébergement sur le secteur nord",
                    "Organiser des séjours courts l'été pour les 11-14 ans",
                    "Signer un Plan mercredi avec les écoles",
                    "Adapter les horaires d'ouverture des accueils périscolaires",
                ),
            ),
            (
                "Accompagner l'autonomie des jeunes",
                (
                    "Ouvrir un point information jeunesse",
                    "Créer un conseil local des jeunes",
                    "Lancer un appel à projets « Initiatives jeunes »",
                    "Déployer des Promeneurs du Net sur le territoire",
                    "Recruter un animateur jeunesse intercommunal",
                    "Aménager un espace jeunes en centre-bourg",
                ),
            ),
            (
                "Favoriser l'accès aux vacances et aux loisirs",
                (
                    "Mobiliser l'aide aux vacances enfants avec les centres sociaux",
                    "Proposer un pass loisirs aux familles à faibles revenus",
                    "Publier un guide intercommunal de l'offre de loisirs",
                    "Rendre les accueils de loisirs accessibles aux enfants en situation de "
                    "handicap",
                    "Organiser une fête de la jeunesse chaque année",
                ),
            ),
        ),
    ),
    "parentalite": (
        "Parentalité : accompagner les parents à chaque étape",
        (
            (
                "Développer l'offre de soutien à la parentalité",
                (
                    "Ouvrir un lieu d'accueil enfants-parents (LAEP)",
                    "Créer un café des parents dans chaque centre social",
                    "Structurer le réseau d'écoute, d'appui et d'accompagnement des parents",
                    "Organiser des conférences-débats sur les écrans et le sommeil",
                    "Mettre en place des ateliers parents-enfants dans les écoles",
                    "Proposer des permanences d'un psychologue pour les parents d'adolescents",
                ),
            ),
            (
                "Rendre l'offre visible et accessible",
                (
                    "Publier un annuaire des actions de soutien à la parentalité",
                    "Relayer les actions sur monenfant.fr et le site de la Caf",
                    "Organiser une semaine de la parentalité",
                    "Former les agents d'accueil des mairies à l'orientation des parents",
                    "Créer un espace parents sur le site de l'intercommunalité",
                ),
            ),
            (
                "Accompagner les parents face aux difficultés",
                (
                    "Développer l'aide à domicile des familles lors d'une naissance",
                    "Proposer un accompagnement aux familles monoparentales",
                    "Animer un groupe de pairs pour les parents d'enfants en situation de handicap",
                    "Mettre en place un accueil dédié aux pères",
                    "Soutenir les familles endeuillées par une offre d'accompagnement",
                ),
            ),
        ),
    ),
    "animation-de-la-vie-sociale": (
        "Animation de la vie sociale : des lieux pour faire ensemble",
        (
            (
                "Couvrir le territoire en structures d'animation de la vie sociale",
                (
                    "Créer un espace de vie sociale dans le secteur rural",
                    "Accompagner le renouvellement du projet social du centre social",
                    "Étudier l'opportunité d'un centre social itinérant",
                    "Mutualiser un poste de référent familles entre deux structures",
                    "Installer un tiers-lieu associatif en centre-bourg",
                ),
            ),
            (
                "Favoriser la participation des habitants",
                (
                    "Former les bénévoles à la conduite de projets",
                    "Mettre en place un comité d'usagers",
                    "Créer un fonds de participation des habitants",
                    "Organiser des diagnostics en marchant avec les habitants",
                    "Créer un jardin partagé intergénérationnel",
                ),
            ),
            (
                "Renforcer le lien social",
                (
                    "Développer des ateliers intergénérationnels avec l'Ehpad",
                    "Lancer des repas partagés mensuels",
                    "Organiser des permanences itinérantes dans les hameaux",
                    "Rompre l'isolement des seniors par des visites de convivialité",
                    "Ouvrir des ateliers sociolinguistiques",
                ),
            ),
        ),
    ),
    "acces-aux-droits": (
        "Accès aux droits : aller vers les allocataires",
        (
            (
                "Rapprocher les services publics des habitants",
                (
                    "Ouvrir un espace France services",
                    "Tenir des permanences de la Caf en mairie",
                    "Mettre en circulation un bus France services",
                    "Former les agents des mairies au premier accueil social",
                    "Organiser des rendez-vous des droits avec le centre communal d'action sociale",
                ),
            ),
            (
                "Lutter contre le non-recours",
                (
                    "Mener une campagne de repérage du non-recours à la prime d'activité",
                    "Organiser des journées d'accès aux droits dans les quartiers prioritaires",
                    "Signer une convention d'échange de données sur le non-recours",
                    "Accompagner les 18-25 ans dans leurs démarches",
                    "Désigner un référent de parcours pour les familles vulnérables",
                ),
            ),
            (
                "Coordonner l'accueil social",
                (
                    "Élaborer une charte de l'accueil social inconditionnel",
                    "Cartographier les lieux d'accueil social du territoire",
                    "Créer une instance de coordination des travailleurs sociaux",
                    "Mettre en place une fiche de liaison partagée entre partenaires",
                ),
            ),
        ),
    ),
    "logement": (
        "Logement et cadre de vie",
        (
            (
                "Prévenir les expulsions locatives",
                (
                    "Signaler plus tôt les impayés de loyer à la CCAPEX",
                    "Ouvrir une permanence d'information sur les impayés de loyer",
                    "Former les bailleurs sociaux à l'accompagnement des familles",
                    "Organiser des ateliers budget et énergie",
                ),
            ),
            (
                "Améliorer la qualité des logements",
                (
                    "Repérer les logements non décents avec le service habitat",
                    "Accompagner les propriétaires dans la rénovation énergétique",
                    "Conduire une opération de lutte contre l'habitat indigne",
                    "Informer les familles sur l'aide au logement et la décence",
                ),
            ),
            (
                "Faciliter l'accès au logement des jeunes et des familles",
                (
                    "Développer une offre de logement temporaire pour les jeunes actifs",
                    "Créer un service d'intermédiation locative",
                    "Accompagner les familles dans la recherche d'un logement adapté",
                    "Ouvrir une résidence sociale jeunes",
                ),
            ),
        ),
    ),
    "handicap": (
        "Handicap : une société inclusive dès le plus jeune âge",
        (
            (
                "Favoriser l'inclusion des enfants en situation de handicap",
                (
                    "Créer un pôle ressources handicap",
                    "Financer l'accompagnement renforcé en accueil de loisirs",
                    "Sensibiliser les équipes des crèches à l'accueil inclusif",
                    "Adapter un accueil de loisirs aux troubles du neurodéveloppement",
                    "Recenser les places d'accueil inclusives",
                ),
            ),
            (
                "Soutenir les familles et les aidants",
                (
                    "Ouvrir une halte-répit pour les parents aidants",
                    "Organiser des groupes de parole pour les frères et sœurs",
                    "Informer les familles sur l'AEEH et l'AJPP",
                    "Proposer un accompagnement administratif avec la MDPH",
                ),
            ),
        ),
    ),
    "inclusion-numerique": (
        "Inclusion numérique : personne ne reste sans solution",
        (
            (
                "Accompagner les démarches en ligne",
                (
                    "Recruter deux conseillers numériques France services",
                    "Organiser des ateliers « Mes démarches Caf en ligne »",
                    "Équiper les centres sociaux de postes en libre accès",
                    "Habiliter des aidants numériques Aidants Connect",
                    "Tenir une permanence numérique hebdomadaire en mairie",
                ),
            ),
            (
                "Développer les compétences numériques des familles",
                (
                    "Proposer des ateliers parents sur l'usage des écrans",
                    "Organiser un repair café informatique",
                    "Distribuer des ordinateurs reconditionnés aux familles",
                    "Lancer un parcours d'initiation numérique pour les seniors",
                ),
            ),
        ),
    ),
    "mobilite": (
        "Mobilité : se déplacer pour accéder aux services",
        (
            (
                "Développer des solutions de mobilité solidaire",
                (
                    "Créer une plateforme de mobilité solidaire",
                    "Mettre en place un transport à la demande vers les services",
                    "Organiser un covoiturage solidaire pour les rendez-vous",
                    "Louer des vélos à assistance électrique à tarif social",
                ),
            ),
            (
                "Lever les freins à la mobilité des jeunes et des familles",
                (
                    "Créer une bourse au permis de conduire pour les jeunes",
                    "Ouvrir un garage solidaire",
                    "Adapter les horaires des transports aux accueils de loisirs",
                    "Organiser des ateliers d'apprentissage du vélo",
                ),
            ),
        ),
    ),
    "separation": (
        "Séparation : accompagner les parents qui se séparent",
        (
            (
                "Informer et orienter les parents séparés",
                (
                    "Organiser des séances « Parents après la séparation »",
                    "Informer sur l'intermédiation financière des pensions alimentaires",
                    "Diffuser une fiche d'orientation avec les avocats et les notaires",
                    "Former les travailleurs sociaux à l'accompagnement des séparations",
                ),
            ),
            (
                "Maintenir les liens familiaux",
                (
                    "Développer la médiation familiale",
                    "Ouvrir un espace de rencontre parents-enfants",
                    "Proposer des groupes de parole pour les enfants de parents séparés",
                    "Animer des ateliers sur la coparentalité",
                ),
            ),
        ),
    ),
}

STEP_TITLES = (
    "Cadrage et constitution du groupe de travail",
    "Diagnostic partagé",
    "Validation en comité de pilotage",
    "Recherche de financements",
    "Mise en œuvre",
    "Communication auprès des familles",
    "Bilan et évaluation",
)


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    unit: str
    low: float  # the baseline is drawn between low and high
    high: float
    change: tuple[float, float]  # the target: baseline × (1 + change), or + change if absolute
    absolute: bool = False
    decimals: int = 0

    @property
    def direction(self) -> str:
        return Indicator.Direction.DOWN if self.change[0] < 0 else Indicator.Direction.UP


INDICATORS = {
    "petite-enfance": (
        IndicatorSpec(
            "Places d'accueil collectif pour 100 enfants de moins de 3 ans",
            "places / 100 enfants",
            12,
            28,
            (0.12, 0.3),
            decimals=1,
        ),
        IndicatorSpec(
            "Taux de couverture en accueil du jeune enfant", "%", 45, 68, (4, 10), True, 1
        ),
        IndicatorSpec("Demandes d'accueil non satisfaites", "demandes", 80, 400, (-0.5, -0.3)),
    ),
    "enfance-jeunesse": (
        IndicatorSpec("Places en accueil de loisirs le mercredi", "places", 120, 900, (0.15, 0.3)),
        IndicatorSpec(
            "Jeunes accompagnés par le point information jeunesse", "jeunes", 150, 1200, (0.2, 0.5)
        ),
    ),
    "parentalite": (
        IndicatorSpec(
            "Familles touchées par une action de soutien à la parentalité",
            "familles",
            200,
            2500,
            (0.2, 0.6),
        ),
        IndicatorSpec("Lieux d'accueil enfants-parents ouverts", "lieux", 1, 5, (1, 3), True),
    ),
    "animation-de-la-vie-sociale": (
        IndicatorSpec(
            "Structures d'animation de la vie sociale agréées", "structures", 2, 14, (1, 3), True
        ),
        IndicatorSpec("Habitants bénévoles impliqués", "bénévoles", 40, 300, (0.2, 0.5)),
    ),
    "acces-aux-droits": (
        IndicatorSpec(
            "Taux de non-recours estimé à la prime d'activité", "%", 30, 40, (-8, -3), True, 1
        ),
        IndicatorSpec("Rendez-vous des droits réalisés", "rendez-vous", 150, 1500, (0.2, 0.5)),
    ),
    "logement": (
        IndicatorSpec(
            "Ménages accompagnés en situation d'impayé de loyer", "ménages", 60, 400, (0.2, 0.4)
        ),
        IndicatorSpec("Délai moyen de signalement des impayés", "jours", 60, 120, (-0.4, -0.2)),
    ),
    "handicap": (
        IndicatorSpec(
            "Enfants en situation de handicap accueillis en crèche ou en accueil de loisirs",
            "enfants",
            15,
            120,
            (0.3, 0.8),
        ),
    ),
    "inclusion-numerique": (
        IndicatorSpec(
            "Personnes accompagnées dans leurs démarches en ligne",
            "personnes",
            300,
            3000,
            (0.3, 0.8),
        ),
    ),
    "mobilite": (
        IndicatorSpec(
            "Jeunes aidés pour passer le permis de conduire", "jeunes", 10, 80, (0.5, 1.0)
        ),
    ),
    "separation": (
        IndicatorSpec(
            "Parents ayant suivi une séance « Parents après la séparation »",
            "parents",
            20,
            200,
            (0.3, 0.8),
        ),
        IndicatorSpec("Médiations familiales engagées", "médiations", 40, 250, (0.15, 0.4)),
    ),
}
MEASURE_PERIODS = (date(2024, 6, 30), date(2024, 12, 31), date(2025, 6, 30), date(2025, 12, 31))
SOURCES = (
    "Caf — système d'information de l'action sociale",
    "Observatoire intercommunal",
    "Rapports d'activité des gestionnaires",
    "Caf — fichier des allocataires",
    "Tableau de bord du Département",
)
VALUE_COMMENTS = (
    "Donnée provisoire, à consolider au prochain comité technique.",
    "Effet de l'ouverture de la nouvelle structure en septembre.",
    "Baisse liée à la fermeture estivale prolongée.",
    "Mode de calcul harmonisé avec l'observatoire départemental.",
    "Campagne d'information du printemps : effet visible.",
)

# The territories ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Territory:
    """A Caf using COOPération and the territory of its CTG."""

    caf: str
    since: date  # the day the Caf started following its CTG in COOPération
    starts: date  # the CTG's period: `years` years from `starts`
    years: int
    name: str  # in the plan's title: « CTG <name> 2023-2027 »
    epci: str
    territory: str
    communes: tuple[str, ...]  # partner communes, the main town first
    social: str  # a centre social (or a federation) of the territory


def _d(y: int, m: int, d: int) -> date:
    return date(y, m, d)


# The 15 pilot Cafs of the 2023 experiment, in three waves (February, April, June).
# fmt: off
PILOTS = (
    Territory("38", _d(2023, 2, 6), _d(2023, 1, 1), 5, "Grenoble-Alpes Métropole",
              "Grenoble-Alpes Métropole",
              "Grenoble-Alpes Métropole (49 communes)",
              ("Ville de Grenoble", "Ville d'Échirolles", "Ville de Saint-Martin-d'Hères"),
              "Centre social Chorier-Berriat"),
    Territory("26", _d(2023, 2, 8), _d(2022, 1, 1), 5, "Valence Romans Agglo",
              "Valence Romans Agglo",
              "Valence Romans Agglo (54 communes)",
              ("Ville de Valence", "Ville de Romans-sur-Isère", "Ville de Bourg-lès-Valence"),
              "Fédération des centres sociaux de la Drôme"),
    Territory("35", _d(2023, 2, 13), _d(2023, 1, 1), 5, "Rennes Métropole",
              "Rennes Métropole",
              "Rennes Métropole (43 communes)",
              ("Ville de Rennes", "Ville de Cesson-Sévigné", "Ville de Bruz"),
              "Centre social Carrefour 18"),
    Territory("29", _d(2023, 2, 15), _d(2022, 7, 1), 5, "Brest Métropole",
              "Brest Métropole",
              "Brest Métropole (8 communes)",
              ("Ville de Brest", "Ville de Guipavas", "Ville de Plougastel-Daoulas"),
              "Centre social de Bellevue"),
    Territory("01", _d(2023, 2, 20), _d(2022, 1, 1), 5, "Grand Bourg Agglomération",
              "Communauté d'agglomération du Bassin de Bourg-en-Bresse",
              "Grand Bourg Agglomération (74 communes)",
              ("Ville de Bourg-en-Bresse", "Ville de Péronnas", "Commune de Viriat"),
              "Centre social de la Reyssouze"),
    Territory("31", _d(2023, 4, 3), _d(2023, 1, 1), 4, "Toulouse Métropole",
              "Toulouse Métropole",
              "Toulouse Métropole (37 communes)",
              ("Ville de Toulouse", "Ville de Colomiers", "Ville de Blagnac"),
              "Centre social Bagatelle"),
    Territory("44", _d(2023, 4, 5), _d(2022, 1, 1), 5, "CARENE Saint-Nazaire Agglomération",
              "CARENE Saint-Nazaire Agglomération",
              "CARENE Saint-Nazaire Agglomération (10 communes)",
              ("Ville de Saint-Nazaire", "Ville de Montoir-de-Bretagne", "Ville de Trignac"),
              "Centre social de Kerlédé"),
    Territory("59", _d(2023, 4, 11), _d(2023, 1, 1), 5, "Douaisis Agglo",
              "Douaisis Agglo",
              "Douaisis Agglo (35 communes)",
              ("Ville de Douai", "Ville de Sin-le-Noble", "Ville de Waziers"),
              "Centre social Godin"),
    Territory("87", _d(2023, 4, 17), _d(2022, 7, 1), 5, "Limoges Métropole",
              "Limoges Métropole",
              "Limoges Métropole (20 communes)",
              ("Ville de Limoges", "Ville de Panazol", "Ville de Couzeix"),
              "Centre social du Val de l'Aurence"),
    Territory("974", _d(2023, 4, 24), _d(2022, 1, 1), 5, "CINOR",
              "Communauté intercommunale du Nord de La Réunion (CINOR)",
              "CINOR : Saint-Denis, Sainte-Marie et Sainte-Suzanne",
              ("Ville de Saint-Denis (La Réunion)", "Ville de Sainte-Marie",
               "Ville de Sainte-Suzanne"),
              "Centre social du Chaudron"),
    Territory("13", _d(2023, 6, 5), _d(2023, 1, 1), 5, "Ville de Marseille",
              "Métropole Aix-Marseille-Provence",
              "Ville de Marseille (16 arrondissements)",
              ("Ville de Marseille",),
              "Centre social Saint-Just La Solidarité"),
    Territory("33", _d(2023, 6, 7), _d(2022, 1, 1), 5, "La Cali",
              "Communauté d'agglomération du Libournais (La Cali)",
              "La Cali, Communauté d'agglomération du Libournais (45 communes)",
              ("Ville de Libourne", "Ville de Coutras", "Commune de Saint-Denis-de-Pile"),
              "Centre social et culturel de Libourne"),
    Territory("67", _d(2023, 6, 12), _d(2023, 1, 1), 4, "Eurométropole de Strasbourg",
              "Eurométropole de Strasbourg",
              "Eurométropole de Strasbourg (33 communes)",
              ("Ville de Strasbourg", "Ville de Schiltigheim", "Ville d'Illkirch-Graffenstaden"),
              "Centre socioculturel du Neudorf"),
    Territory("69", _d(2023, 6, 14), _d(2022, 1, 1), 5, "Villefranche Beaujolais Saône",
              "Communauté d'agglomération Villefranche Beaujolais Saône",
              "Villefranche Beaujolais Saône (18 communes)",
              ("Ville de Villefranche-sur-Saône", "Ville de Gleizé", "Commune d'Arnas"),
              "Centre social de Belleroche"),
    Territory("93", _d(2023, 6, 19), _d(2022, 1, 1), 5, "Plaine Commune",
              "Établissement public territorial Plaine Commune",
              "Plaine Commune (9 villes)",
              ("Ville de Saint-Denis", "Ville d'Aubervilliers", "Ville de La Courneuve"),
              "Centre social Floréal"),
)
# fmt: on

# The 25 volunteers of 2025: 4 in March, 5 in May–June, the July wave of 15 (39 Cafs
# positioned at the end of July), the 40th in October.
# fmt: off
NEWCOMERS = (
    Territory("21", _d(2025, 3, 4), _d(2022, 1, 1), 5, "Dijon Métropole",
              "Dijon Métropole",
              "Dijon Métropole (23 communes)",
              ("Ville de Dijon", "Ville de Chenôve", "Ville de Quetigny"),
              "Centre social des Grésilles"),
    Territory("56", _d(2025, 3, 6), _d(2023, 1, 1), 5, "Lorient Agglomération",
              "Lorient Agglomération",
              "Lorient Agglomération (25 communes)",
              ("Ville de Lorient", "Ville de Lanester", "Ville de Ploemeur"),
              "Centre social de Kervénanec"),
    Territory("72", _d(2025, 3, 11), _d(2024, 1, 1), 5, "Le Mans Métropole",
              "Le Mans Métropole",
              "Le Mans Métropole (19 communes)",
              ("Ville du Mans", "Ville d'Allonnes", "Ville de Coulaines"),
              "Centre social des Quartiers Sud"),
    Territory("85", _d(2025, 3, 18), _d(2025, 1, 1), 5, "La Roche-sur-Yon Agglomération",
              "La Roche-sur-Yon Agglomération",
              "La Roche-sur-Yon Agglomération (13 communes)",
              ("Ville de La Roche-sur-Yon", "Commune d'Aubigny-Les Clouzeaux",
               "Commune de Mouilleron-le-Captif"),
              "Centre social Pyramides Jean-Yole"),
    Territory("14", _d(2025, 5, 13), _d(2022, 1, 1), 5, "Caen la Mer",
              "Caen la Mer",
              "Caen la Mer (48 communes)",
              ("Ville de Caen", "Ville d'Hérouville-Saint-Clair", "Ville d'Ifs"),
              "Centre socioculturel de la Guérinière"),
    Territory("54", _d(2025, 5, 20), _d(2023, 1, 1), 4, "Métropole du Grand Nancy",
              "Métropole du Grand Nancy",
              "Métropole du Grand Nancy (20 communes)",
              ("Ville de Nancy", "Ville de Vandœuvre-lès-Nancy", "Ville de Laxou"),
              "Centre social Jolibois"),
    Territory("64", _d(2025, 6, 3), _d(2024, 1, 1), 5, "Pau Béarn Pyrénées",
              "Communauté d'agglomération Pau Béarn Pyrénées",
              "Pau Béarn Pyrénées (31 communes)",
              ("Ville de Pau", "Ville de Lons", "Ville de Billère"),
              "Centre social du Hameau"),
    Territory("80", _d(2025, 6, 10), _d(2022, 7, 1), 5, "Amiens Métropole",
              "Amiens Métropole",
              "Amiens Métropole (39 communes)",
              ("Ville d'Amiens", "Ville de Longueau", "Commune de Camon"),
              "Centre social d'Étouvie"),
    Territory("17", _d(2025, 6, 24), _d(2023, 1, 1), 5, "Agglomération de La Rochelle",
              "Communauté d'agglomération de La Rochelle",
              "Communauté d'agglomération de La Rochelle (28 communes)",
              ("Ville de La Rochelle", "Ville d'Aytré", "Ville de Lagord"),
              "Centre social de Villeneuve-les-Salines"),
    # The July wave.
    Territory("02", _d(2025, 7, 1), _d(2024, 1, 1), 4, "Agglomération du Saint-Quentinois",
              "Communauté d'agglomération du Saint-Quentinois",
              "Agglomération du Saint-Quentinois (39 communes)",
              ("Ville de Saint-Quentin", "Ville de Gauchy", "Commune d'Harly"),
              "Centre social Europe"),
    Territory("06", _d(2025, 7, 2), _d(2023, 1, 1), 5, "Métropole Nice Côte d'Azur",
              "Métropole Nice Côte d'Azur",
              "Métropole Nice Côte d'Azur (51 communes)",
              ("Ville de Nice", "Ville de Saint-Laurent-du-Var", "Ville de Cagnes-sur-Mer"),
              "Centre social de l'Ariane"),
    Territory("22", _d(2025, 7, 3), _d(2022, 1, 1), 5, "Lannion-Trégor Communauté",
              "Lannion-Trégor Communauté",
              "Lannion-Trégor Communauté (57 communes)",
              ("Ville de Lannion", "Ville de Perros-Guirec", "Commune de Trégastel"),
              "Centre social de Ker Uhel"),
    Territory("25", _d(2025, 7, 7), _d(2023, 1, 1), 5, "Pays de Montbéliard Agglomération",
              "Pays de Montbéliard Agglomération",
              "Pays de Montbéliard Agglomération (72 communes)",
              ("Ville de Montbéliard", "Ville d'Audincourt", "Ville de Valentigney"),
              "Centre social de la Petite-Hollande"),
    Territory("30", _d(2025, 7, 8), _d(2024, 1, 1), 5, "Nîmes Métropole",
              "Nîmes Métropole",
              "Nîmes Métropole (39 communes)",
              ("Ville de Nîmes", "Ville de Saint-Gilles", "Commune de Marguerittes"),
              "Centre social de Pissevin"),
    Territory("34", _d(2025, 7, 9), _d(2022, 1, 1), 5, "Béziers Méditerranée",
              "Agglomération Béziers Méditerranée",
              "Agglomération Béziers Méditerranée (17 communes)",
              ("Ville de Béziers", "Commune de Villeneuve-lès-Béziers", "Commune de Sérignan"),
              "Centre social de la Devèze"),
    Territory("37", _d(2025, 7, 10), _d(2023, 1, 1), 5, "Tours Métropole Val de Loire",
              "Tours Métropole Val de Loire",
              "Tours Métropole Val de Loire (22 communes)",
              ("Ville de Tours", "Ville de Joué-lès-Tours", "Ville de Saint-Pierre-des-Corps"),
              "Centre social Pluriel(le)s"),
    Territory("42", _d(2025, 7, 15), _d(2025, 1, 1), 5, "Saint-Étienne Métropole",
              "Saint-Étienne Métropole",
              "Saint-Étienne Métropole (53 communes)",
              ("Ville de Saint-Étienne", "Ville de Firminy", "Ville de Saint-Chamond"),
              "Centre social de Montreynaud"),
    Territory("45", _d(2025, 7, 16), _d(2024, 1, 1), 4, "Terres du Val de Loire",
              "Communauté de communes des Terres du Val de Loire",
              "Communauté de communes des Terres du Val de Loire (25 communes)",
              ("Ville de Meung-sur-Loire", "Ville de Beaugency", "Commune de Cléry-Saint-André"),
              "Espace de vie sociale de Beaugency"),
    Territory("49", _d(2025, 7, 17), _d(2022, 1, 1), 5, "Agglomération du Choletais",
              "Agglomération du Choletais",
              "Agglomération du Choletais (26 communes)",
              ("Ville de Cholet", "Commune du May-sur-Èvre", "Commune de Maulévrier"),
              "Centre social Horizon"),
    Territory("51", _d(2025, 7, 21), _d(2023, 1, 1), 5, "Grand Reims",
              "Communauté urbaine du Grand Reims",
              "Communauté urbaine du Grand Reims (143 communes)",
              ("Ville de Reims", "Ville de Tinqueux", "Ville de Bétheny"),
              "Centre social Croix-Rouge"),
    Territory("57", _d(2025, 7, 22), _d(2024, 1, 1), 5, "Metz Métropole",
              "Metz Métropole",
              "Metz Métropole (46 communes)",
              ("Ville de Metz", "Ville de Montigny-lès-Metz", "Ville de Woippy"),
              "Centre social de Borny"),
    Territory("63", _d(2025, 7, 23), _d(2022, 1, 1), 5, "Thiers Dore et Montagne",
              "Communauté de communes Thiers Dore et Montagne",
              "Communauté de communes Thiers Dore et Montagne (30 communes)",
              ("Ville de Thiers", "Commune de Courpière", "Commune de Puy-Guillaume"),
              "Centre social de Thiers"),
    Territory("74", _d(2025, 7, 24), _d(2025, 1, 1), 5, "Grand Annecy",
              "Grand Annecy",
              "Grand Annecy (34 communes)",
              ("Ville d'Annecy", "Commune d'Argonay", "Commune d'Épagny Metz-Tessy"),
              "Centre social des Romains"),
    Territory("76", _d(2025, 7, 29), _d(2023, 1, 1), 5, "Le Havre Seine Métropole",
              "Le Havre Seine Métropole",
              "Le Havre Seine Métropole (54 communes)",
              ("Ville du Havre", "Ville de Montivilliers", "Ville d'Harfleur"),
              "Centre social de Caucriauville"),
    Territory("972", _d(2025, 10, 7), _d(2024, 1, 1), 5, "CACEM",
              "Communauté d'agglomération du Centre de la Martinique (CACEM)",
              "CACEM : Fort-de-France, Le Lamentin, Schœlcher et Saint-Joseph",
              ("Ville de Fort-de-France", "Ville du Lamentin", "Ville de Schœlcher"),
              "Centre social de Volga-Plage"),
)
# fmt: on
TERRITORIES = PILOTS + NEWCOMERS

# The Caf's MSA (none in Martinique and La Réunion, where the CGSS covers farmers).
MSA = {
    "01": "MSA Ain-Rhône",
    "02": "MSA de Picardie",
    "06": "MSA Provence-Azur",
    "13": "MSA Provence-Azur",
    "14": "MSA Côtes Normandes",
    "17": "MSA des Charentes",
    "21": "MSA de Bourgogne",
    "22": "MSA d'Armorique",
    "25": "MSA de Franche-Comté",
    "26": "MSA Ardèche Drôme Loire",
    "29": "MSA d'Armorique",
    "30": "MSA du Languedoc",
    "31": "MSA Midi-Pyrénées Sud",
    "33": "MSA de la Gironde",
    "34": "MSA du Languedoc",
    "35": "MSA Portes de Bretagne",
    "37": "MSA Berry-Touraine",
    "38": "MSA Alpes du Nord",
    "42": "MSA Ardèche Drôme Loire",
    "44": "MSA Loire-Atlantique – Vendée",
    "45": "MSA Beauce Cœur de Loire",
    "49": "MSA Maine-et-Loire",
    "51": "MSA Marne Ardennes Meuse",
    "54": "MSA Lorraine",
    "56": "MSA Portes de Bretagne",
    "57": "MSA Lorraine",
    "59": "MSA Nord-Pas de Calais",
    "63": "MSA Auvergne",
    "64": "MSA Sud Aquitaine",
    "67": "MSA d'Alsace",
    "69": "MSA Ain-Rhône",
    "72": "MSA Mayenne-Orne-Sarthe",
    "74": "MSA Alpes du Nord",
    "76": "MSA Haute-Normandie",
    "80": "MSA de Picardie",
    "85": "MSA Loire-Atlantique – Vendée",
    "87": "MSA du Limousin",
    "93": "MSA d'Île-de-France",
}
DEPARTEMENT_NAMES = {
    "67": "Collectivité européenne d'Alsace",
    "972": "Collectivité territoriale de Martinique",
}


@dataclass(frozen=True)
class SchemaSpec:
    """A Schéma départemental des services aux familles followed in COOPération."""

    caf: str
    since: date
    starts: date
    years: int


SCHEMAS = (
    SchemaSpec("38", _d(2023, 6, 12), _d(2021, 1, 1), 5),  # closed at the end of 2025
    SchemaSpec("35", _d(2023, 9, 18), _d(2022, 1, 1), 5),
    SchemaSpec("59", _d(2024, 2, 5), _d(2023, 1, 1), 5),
    SchemaSpec("42", _d(2025, 10, 13), _d(2025, 1, 1), 5),
    SchemaSpec("74", _d(2026, 9, 14), _d(2027, 1, 1), 5),  # being prepared
)

# Partner users: their job by the role of their organisation in the territory.
JOBS = {
    "epci": (
        "Coordinatrice de la convention territoriale globale",
        "Chargé de mission cohésion sociale",
        "Directrice du pôle solidarités",
        "Coordinateur enfance-jeunesse",
    ),
    "commune": (
        "Directrice de l'action sociale",
        "Responsable du service enfance",
        "Coordinatrice petite enfance",
        "Directeur du centre communal d'action sociale",
        "Adjointe au maire chargée des familles",
    ),
    "departement": (
        "Cheffe de service de protection maternelle et infantile",
        "Responsable territorial de l'action sociale",
        "Chargée de mission parentalité",
    ),
    "msa": (
        "Conseillère en développement social territorial",
        "Responsable de l'action sanitaire et sociale",
    ),
    "social": ("Directrice du centre social", "Référent familles", "Coordinatrice de structure"),
    "prefecture": ("Chargée de mission politique de la ville", "Délégué du préfet"),
    "udaf": ("Chargé de mission famille", "Directrice adjointe"),
    "dsden": ("Conseillère technique de service social", "Inspecteur de l'Éducation nationale"),
}
DEMO_ORG_USERS = {("38", "Ville de Grenoble"): PARTNER_EMAIL}
DEMO_PLANS = {("38", "ctg"), ("35", "ctg")}

# Evaluation resources ----------------------------------------------------------------------------
RESOURCES = (
    (
        Resource.Kind.GUIDE,
        "Évaluer une convention territoriale globale : guide méthodologique",
        "Les étapes d'une évaluation utile, de la question évaluative au rapport final : "
        "choisir ce que l'on veut savoir, associer les partenaires signataires, croiser les "
        "indicateurs et la parole des familles, et tirer les enseignements pour la convention "
        "suivante.",
        "https://www.caf.fr/partenaires/ctg/guide-evaluation-convention-territoriale-globale",
        ("petite-enfance", "enfance-jeunesse", "parentalite"),
        _d(2023, 3, 14),
        True,
    ),
    (
        Resource.Kind.GUIDE,
        "Construire le diagnostic partagé de territoire",
        "Comment réunir les données de la Caf, de l'Insee et des partenaires, les lire ensemble "
        "et en dégager trois à six enjeux prioritaires pour la feuille de route.",
        "https://www.caf.fr/partenaires/ctg/diagnostic-partage",
        ("petite-enfance", "animation-de-la-vie-sociale", "acces-aux-droits"),
        _d(2023, 5, 9),
        True,
    ),
    (
        Resource.Kind.GUIDE,
        "Animer la gouvernance d'une CTG : comités de pilotage et comités techniques",
        "Qui réunir, à quel rythme, avec quels documents : des repères pour des instances "
        "courtes et décisionnelles, et un modèle d'ordre du jour.",
        "https://www.caf.fr/partenaires/ctg/gouvernance",
        (),
        _d(2024, 1, 22),
        True,
    ),
    (
        Resource.Kind.GUIDE,
        "Évaluer un schéma départemental des services aux familles",
        "Le cadre d'évaluation commun aux schémas : indicateurs de couverture, maillage "
        "territorial de l'offre de parentalité et bilan qualitatif avec les partenaires du "
        "comité départemental.",
        "https://www.caf.fr/partenaires/sdsf/guide-evaluation",
        ("petite-enfance", "parentalite"),
        _d(2024, 6, 4),
        True,
    ),
    (
        Resource.Kind.TEMPLATE,
        "Modèle de feuille de route CTG (tableur)",
        "Le tableur d'import de COOPération : axes, objectifs, actions, pilotes, partenaires, "
        "échéances et budget, avec une ligne d'exemple par colonne.",
        "https://www.caf.fr/partenaires/ctg/modele-feuille-de-route.xlsx",
        (),
        _d(2025, 1, 13),
        True,
    ),
    (
        Resource.Kind.TEMPLATE,
        "Modèle de fiche action",
        "Une page par action : constat, objectif, public visé, pilote et partenaires, moyens, "
        "calendrier, indicateurs de suivi et de résultat.",
        "https://www.caf.fr/partenaires/ctg/modele-fiche-action.docx",
        (),
        _d(2023, 4, 3),
        True,
    ),
    (
        Resource.Kind.TEMPLATE,
        "Trame du bilan annuel de la convention",
        "La trame commune des bilans annuels présentés en comité de pilotage : réalisations, "
        "écarts au planning, indicateurs, perspectives.",
        "https://www.caf.fr/partenaires/ctg/trame-bilan-annuel.docx",
        (),
        _d(2024, 11, 18),
        True,
    ),
    (
        Resource.Kind.SHEET,
        "Choisir des indicateurs utiles (et peu nombreux)",
        "Indicateurs de réalisation ou de résultat, valeur de départ et cible, source et "
        "fréquence de mesure : les questions à se poser avant d'ajouter un indicateur.",
        "https://www.caf.fr/partenaires/ctg/fiche-indicateurs",
        (),
        _d(2023, 9, 25),
        True,
    ),
    (
        Resource.Kind.SHEET,
        "Associer les habitants à l'évaluation",
        "Questionnaires courts, groupes de parole, diagnostics en marchant : des formats "
        "testés par les centres sociaux pour recueillir la parole des familles.",
        "https://www.caf.fr/partenaires/ctg/fiche-participation-habitants",
        ("animation-de-la-vie-sociale", "parentalite"),
        _d(2024, 3, 11),
        True,
    ),
    (
        Resource.Kind.SHEET,
        "Le rétroplanning pas à pas",
        "Partir des échéances fixées par les financeurs, poser les jalons, figer un planning "
        "de référence et suivre les écarts dans COOPération.",
        "https://www.caf.fr/partenaires/ctg/fiche-retroplanning",
        (),
        _d(2025, 2, 3),
        True,
    ),
    (
        Resource.Kind.SHEET,
        "Bonus territoire : ce qui change pour les partenaires",
        "Les financements liés à la convention territoriale globale, expliqués aux élus et aux "
        "services des communes et des intercommunalités.",
        "https://www.caf.fr/partenaires/ctg/fiche-bonus-territoire",
        ("petite-enfance", "enfance-jeunesse"),
        _d(2023, 11, 6),
        True,
    ),
    (
        Resource.Kind.EXAMPLE,
        "Grenoble-Alpes Métropole : l'évaluation à mi-parcours de la CTG",
        "Comment la Caf de l'Isère et ses partenaires ont conduit le bilan à mi-parcours dans "
        "COOPération : douze indicateurs partagés, trois ateliers avec les habitants et une "
        "feuille de route resserrée.",
        "https://www.caf.fr/partenaires/caf-de-l-isere/ctg-grenoble-alpes-metropole",
        ("petite-enfance", "parentalite"),
        _d(2025, 4, 14),
        True,
    ),
    (
        Resource.Kind.EXAMPLE,
        "Rennes Métropole : un tableau de bord partagé entre 43 communes",
        "La Caf d'Ille-et-Vilaine présente le tableau de bord de sa CTG et la façon dont les "
        "communes mettent à jour l'avancement de leurs actions.",
        "https://www.caf.fr/partenaires/caf-d-ille-et-vilaine/ctg-rennes-metropole",
        ("enfance-jeunesse",),
        _d(2025, 9, 8),
        True,
    ),
    (
        Resource.Kind.EXAMPLE,
        "Drôme : évaluer l'axe parentalité avec les centres sociaux",
        "Une démarche d'évaluation menée avec la fédération des centres sociaux : questions "
        "évaluatives, outils de recueil et premiers résultats.",
        "https://www.caf.fr/partenaires/caf-de-la-drome/evaluation-parentalite",
        ("parentalite", "animation-de-la-vie-sociale"),
        _d(2024, 10, 7),
        True,
    ),
    (
        Resource.Kind.GUIDE,
        "L'évaluation participative d'une CTG (version de travail)",
        "Version de travail du futur guide, en relecture auprès des Caf pilotes.",
        "",
        ("animation-de-la-vie-sociale",),
        _d(2025, 11, 24),
        False,
    ),
)

# Messages ----------------------------------------------------------------------------------------
# (text, about an action, mentions, written by the Caf): « {m1} » is an @handle, never right
# before a full stop.
MESSAGES = (
    (
        "{m1}, pourriez-vous mettre à jour l'avancement de « {action} » avant le comité de "
        "pilotage du {day} ?",
        True,
        1,
        False,
    ),
    (
        "Le compte rendu du comité technique est déposé dans les documents du plan. {m1} {m2} "
        "vos remarques sont les bienvenues d'ici la fin de la semaine.",
        False,
        2,
        True,
    ),
    (
        "Le groupe de travail se réunit le {day} à {city}. {m1}, pouvez-vous confirmer votre "
        "présence ?",
        False,
        1,
        False,
    ),
    (
        "Bonne nouvelle : la commission d'action sociale a validé le financement de « {action} ».",
        True,
        0,
        True,
    ),
    (
        "{m1}, les chiffres de fréquentation du semestre sont-ils disponibles ? Il nous manque "
        "la dernière mesure de l'indicateur pour le bilan.",
        False,
        1,
        False,
    ),
    (
        "J'ai décalé l'échéance de « {action} » : le recrutement prend plus de temps que prévu. "
        "{m1} pour information.",
        True,
        1,
        False,
    ),
    (
        "Merci à toutes et à tous pour la réunion d'hier. Prochaine étape : le bilan à "
        "mi-parcours, que {m1} présentera le {day}.",
        False,
        1,
        True,
    ),
    (
        "{m1}, pouvez-vous nous transmettre la délibération du conseil communautaire pour "
        "compléter la fiche action ?",
        True,
        1,
        True,
    ),
    (
        "Le diagnostic partagé est finalisé. {m1} {m2} je vous propose de le présenter "
        "ensemble en comité technique le {day}.",
        False,
        2,
        False,
    ),
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


# Helpers -----------------------------------------------------------------------------------------
def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def _period(starts: date, years: int) -> tuple[date, date]:
    return starts, _add_months(starts, 12 * years) - timedelta(days=1)


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in folded).split())


def _city(commune: str) -> str:
    for prefix, replacement in (
        ("Ville du ", "Le "),
        ("Commune du ", "Le "),
        ("Ville de ", ""),
        ("Commune de ", ""),
        ("Ville d'", ""),
        ("Commune d'", ""),
    ):
        if commune.startswith(prefix):
            return (replacement + commune.removeprefix(prefix)).removesuffix(" (La Réunion)")
    return commune


def _of(caf: Caf) -> str:
    """« de l'Isère », « du Nord », « d'Ille-et-Vilaine »: the département after its article."""
    return caf.name.removeprefix("Caf ")


def _pick(rng: random.Random, weighted: list[tuple[object, float]]):
    items = [item for item, weight in weighted if weight > 0]
    weights = [weight for _item, weight in weighted if weight > 0]
    return rng.choices(items, weights)[0]


def _french_day(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def _working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


# Specs of the plans ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanSpec:
    caf: str
    kind: str
    title: str
    territory: str
    starts_on: date
    ends_on: date
    since: date
    pilot_caf: bool  # the Caf is one of the 15 pilots of 2023


def plan_specs(cafs: dict[str, Caf]) -> list[PlanSpec]:
    specs = []
    for t in TERRITORIES:
        starts, ends = _period(t.starts, t.years)
        specs.append(
            PlanSpec(
                caf=t.caf,
                kind=Plan.Kind.CTG,
                title=f"CTG {t.name} {starts.year}-{ends.year}",
                territory=t.territory,
                starts_on=starts,
                ends_on=ends,
                since=t.since,
                pilot_caf=t.since.year == 2023,
            )
        )
    pilots = {t.caf for t in PILOTS}
    for s in SCHEMAS:
        caf = cafs[s.caf]
        starts, ends = _period(s.starts, s.years)
        specs.append(
            PlanSpec(
                caf=s.caf,
                kind=Plan.Kind.SDSF,
                title=(
                    f"Schéma départemental des services aux familles {_of(caf)} "
                    f"{starts.year}-{ends.year}"
                ),
                territory=f"Ensemble du département {_of(caf)}",
                starts_on=starts,
                ends_on=ends,
                since=s.since,
                pilot_caf=s.caf in pilots,
            )
        )
    return specs


# Seeding -----------------------------------------------------------------------------------------
def seed(ctx: SeedContext) -> None:
    today = timezone.localdate()
    themes = _seed_themes()
    templates = _seed_templates()
    _seed_resources(themes)
    cafs = {caf.number: caf for caf in Caf.objects.select_related("region")}
    specs = plan_specs(cafs)
    orgs = _seed_organisations(cafs)
    partners = _seed_partner_users(ctx, cafs, orgs)
    existing = set(Plan.objects.values_list("caf__number", "kind", "title"))
    todo = [s for s in specs if (s.caf, s.kind, s.title) not in existing]
    if todo:
        _Seeder(ctx, today, cafs, themes, templates, orgs, partners).run(todo)
        fragments.bump(scopes.REFERENCES)  # written in bulk, without signals: every plan
    _log_summary(ctx, specs)


def _log_summary(ctx: SeedContext, specs: list[PlanSpec]) -> None:
    titles = {s.title for s in specs}
    plans = Plan.objects.filter(title__in=titles)
    actions = Action.objects.filter(plan__in=plans)
    cafs = plans.values("caf").distinct().count()
    partner_orgs = Organisation.objects.filter(
        Q(pk__in=Plan.signatories.through.objects.filter(plan__in=plans).values("organisation"))
        | Q(pk__in=actions.values("pilot_organisation"))
        | Q(
            pk__in=Action.partners.through.objects.filter(action__plan__in=plans).values(
                "organisation"
            )
        )
    ).count()
    ctx.log(
        f"  {plans.count()} plans ({plans.filter(kind=Plan.Kind.CTG).count()} CTG, "
        f"{plans.filter(kind=Plan.Kind.SDSF).count()} SDSF) dans {cafs} Caf, "
        f"{_thousands(actions.count())} actions, "
        f"{PlanMember.objects.filter(plan__in=plans).count()} membres, "
        f"{partner_orgs} organisations partenaires, "
        f"{Resource.objects.count()} ressources"
    )


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _seed_themes() -> dict[str, AxisTheme]:
    """The themes by slug; one already there under the same name or slug is kept."""

    def known() -> tuple[dict[str, AxisTheme], dict[str, AxisTheme]]:
        themes = list(AxisTheme.objects.all())
        return {t.slug: t for t in themes}, {t.name: t for t in themes}

    by_slug, by_name = known()
    AxisTheme.objects.bulk_create(
        AxisTheme(name=name, slug=slug, position=position)
        for position, (name, slug) in enumerate(THEMES)
        if slug not in by_slug and name not in by_name
    )
    by_slug, by_name = known()
    return {slug: by_slug.get(slug) or by_name[name] for name, slug in THEMES}


def template_structure(slugs: tuple[str, ...]) -> dict:
    """A typical roadmap: for each theme its first two objectives and their first three
    actions, due 6 to 36 months after the plan's start."""
    months = (6, 12, 18, 24, 36)
    axes = []
    for slug in slugs:
        title, objectives = CATALOGUE[slug]
        axes.append(
            {
                "theme": slug,
                "title": title,
                "objectives": [
                    {
                        "title": objective,
                        "actions": [
                            {"title": action, "months": months[(i + j) % len(months)]}
                            for j, action in enumerate(actions[:3])
                        ],
                    }
                    for i, (objective, actions) in enumerate(objectives[:2])
                ],
            }
        )
    return {"axes": axes}


TEMPLATES = (
    (
        "CTG type",
        Plan.Kind.CTG,
        "La feuille de route type d'une convention territoriale globale, tirée de l'expérience "
        "des 15 Caf pilotes : cinq axes, dix objectifs et trente actions à adapter au "
        "diagnostic du territoire.",
        (
            "petite-enfance",
            "enfance-jeunesse",
            "parentalite",
            "animation-de-la-vie-sociale",
            "acces-aux-droits",
        ),
    ),
    (
        "SDSF type",
        Plan.Kind.SDSF,
        "La trame d'un schéma départemental des services aux familles : accueil du jeune "
        "enfant, soutien à la parentalité, animation de la vie sociale et inclusion des enfants "
        "en situation de handicap.",
        ("petite-enfance", "parentalite", "animation-de-la-vie-sociale", "handicap"),
    ),
)


def _seed_templates() -> dict[str, PlanTemplate]:
    existing = {t.name: t for t in PlanTemplate.objects.all()}
    PlanTemplate.objects.bulk_create(
        PlanTemplate(
            name=name, kind=kind, description=description, structure=template_structure(slugs)
        )
        for name, kind, description, slugs in TEMPLATES
        if name not in existing
    )
    return {t.kind: t for t in PlanTemplate.objects.filter(name__in=[t[0] for t in TEMPLATES])}


def _seed_resources(themes: dict[str, AxisTheme]) -> None:
    existing = set(Resource.objects.values_list("title", flat=True))
    new = [r for r in RESOURCES if r[1] not in existing]
    created = Resource.objects.bulk_create(
        Resource(
            kind=kind,
            title=title,
            summary=summary,
            url=url,
            is_published=published,
            created_at=_at(day, 10),
        )
        for kind, title, summary, url, _slugs, day, published in new
    )
    Resource.themes.through.objects.bulk_create(
        Resource.themes.through(resource=resource, axistheme=themes[slug])
        for resource, spec in zip(created, new, strict=True)
        for slug in spec[4]
    )


# Organisations and their users -------------------------------------------------------------------
@dataclass
class TerritoryOrgs:
    """A Caf's partner organisations by role: "epci", "commune0".., "departement", "msa",
    "social" and, where a schema is followed, "prefecture", "udaf", "dsden"."""

    by_role: dict[str, Organisation] = field(default_factory=dict)

    def get(self, role: str) -> Organisation | None:
        return self.by_role.get(role)

    def communes(self) -> list[str]:
        return [role for role in self.by_role if role.startswith("commune")]


def _org_specs(t: Territory, caf: Caf, schema: bool) -> list[tuple[str, str, str, str]]:
    """(role, name, kind, city) of the organisations of a territory."""
    town = _city(t.communes[0])
    specs = [("epci", t.epci, Organisation.Kind.EPCI, town)]
    specs += [
        (f"commune{i}", name, Organisation.Kind.COMMUNE, _city(name))
        for i, name in enumerate(t.communes)
    ]
    departement = DEPARTEMENT_NAMES.get(t.caf) or f"Département {_of(caf)}"
    specs.append(("departement", departement, Organisation.Kind.DEPARTEMENT, caf.city))
    if t.caf in MSA:
        specs.append(("msa", MSA[t.caf], Organisation.Kind.MSA, caf.city))
    social_kind = (
        Organisation.Kind.ASSOCIATION
        if t.social.startswith("Fédération")
        else Organisation.Kind.CENTRE_SOCIAL
    )
    specs.append(("social", t.social, social_kind, town))
    if schema:
        specs += [
            ("prefecture", f"Préfecture {_of(caf)}", Organisation.Kind.ETAT, caf.city),
            ("udaf", f"UDAF {_of(caf)}", Organisation.Kind.ASSOCIATION, caf.city),
            (
                "dsden",
                f"Services départementaux de l'Éducation nationale {_of(caf)}",
                Organisation.Kind.ETAT,
                caf.city,
            ),
        ]
    return specs


def _seed_organisations(cafs: dict[str, Caf]) -> dict[str, TerritoryOrgs]:
    """The partner organisations of every territory; those of the core (Ville de Grenoble,
    Grenoble-Alpes Métropole…) are reused, an MSA serving several départements is one."""
    schemas = {s.caf for s in SCHEMAS}
    wanted = {t.caf: _org_specs(t, cafs[t.caf], t.caf in schemas) for t in TERRITORIES}

    def index() -> tuple[dict, dict]:
        orgs = list(Organisation.objects.all())
        return (
            {(o.name.lower(), o.caf_id): o for o in orgs},
            {o.name.lower(): o for o in sorted(orgs, key=lambda o: o.pk, reverse=True)},
        )

    by_key, by_name = index()
    new: dict[tuple, Organisation] = {}
    for number, specs in wanted.items():
        caf = cafs[number]
        for role, name, kind, city in specs:
            key = (name.lower(), caf.pk)
            if role == "msa" and (name.lower() in by_name or (name.lower(), "msa") in new):
                continue
            if key in by_key or key in new:
                continue
            new[(name.lower(), "msa") if role == "msa" else key] = Organisation(
                name=name, kind=kind, caf=caf, city=city
            )
    Organisation.objects.bulk_create(new.values())
    by_key, by_name = index()
    result = {}
    for number, specs in wanted.items():
        caf = cafs[number]
        orgs = TerritoryOrgs()
        for role, name, _kind, _city_name in specs:
            orgs.by_role[role] = (
                by_name[name.lower()] if role == "msa" else by_key[(name.lower(), caf.pk)]
            )
        result[number] = orgs
    return result


def _role_family(role: str) -> str:
    return "commune" if role.startswith("commune") else role


def _seed_partner_users(
    ctx: SeedContext, cafs: dict[str, Caf], orgs: dict[str, TerritoryOrgs]
) -> dict[tuple[str, str], User]:
    """One user per partner organisation of each territory (the demo partner for the Ville de
    Grenoble), with an address ending in .partenaires.caflab.demo and no usable password."""
    unusable = make_password(None)
    emails: dict[tuple[str, str], str] = {}
    users = []
    for t in TERRITORIES:
        caf = cafs[t.caf]
        rng = ctx.random(f"cooperation.partners.{t.caf}")
        domain = f"{_slug(caf.department_name)}.{PARTNER_DOMAIN}"
        taken: set[str] = set()
        for role, org in orgs[t.caf].by_role.items():
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            job = rng.choice(JOBS[_role_family(role)])
            demo_email = DEMO_ORG_USERS.get((t.caf, org.name))
            if demo_email:
                emails[(t.caf, role)] = demo_email
                continue
            local = f"{_slug(first).replace('-', '')}.{_slug(last).replace('-', '')}"
            candidate, n = local, 1
            while candidate in taken:
                n += 1
                candidate = f"{local}{n}"
            taken.add(candidate)
            email = f"{candidate}@{domain}"
            emails[(t.caf, role)] = email
            users.append(
                User(
                    email=email,
                    first_name=first,
                    last_name=last,
                    role=User.Role.PARTNER,
                    organisation=org,
                    job_title=job,
                    password=unusable,
                    date_joined=_at(t.since, 8),
                )
            )
    User.objects.bulk_create(users, ignore_conflicts=True, batch_size=BATCH)
    found = {u.email: u for u in User.objects.filter(email__in=set(emails.values()))}
    return {key: found[email] for key, email in emails.items() if email in found}


# The plans ---------------------------------------------------------------------------------------
@dataclass
class _Built:
    """One plan being built, in memory, before the bulk inserts."""

    spec: PlanSpec
    plan: Plan
    rng: random.Random
    orgs: TerritoryOrgs
    signatories: list[Organisation] = field(default_factory=list)
    members: list[PlanMember] = field(default_factory=list)
    axes: list[Axis] = field(default_factory=list)
    objectives: list[tuple[Objective, Axis]] = field(default_factory=list)
    actions: list[_ActionDraft] = field(default_factory=list)
    indicators: list[tuple[Indicator, list[IndicatorValue]]] = field(default_factory=list)
    messages: list[tuple[Message, list[User]]] = field(default_factory=list)
    events: list[_Event] = field(default_factory=list)
    health: Health = field(default_factory=lambda: HEALTHY)

    def role_users(self, *roles: str) -> list[User]:
        return [m.user for m in self.members if m.role in roles]


@dataclass(frozen=True)
class Health:
    """How a plan is doing: the share of the last year's deadlines missed, of the older ones
    still open, and the pace of current actions against the time elapsed."""

    late: float
    old_late: float
    pace: float


HEALTHY = Health(late=0.12, old_late=0.0, pace=1.0)
SLIPPING = Health(late=0.3, old_late=0.03, pace=0.85)
STRUGGLING = Health(late=0.5, old_late=0.08, pace=0.65)


@dataclass
class _ActionDraft:
    action: Action
    axis: Axis
    steps: list[Step]
    partners: list[Organisation]
    touched: datetime  # what updated_at would say
    ongoing: bool  # started, not yet due, on the day of seeding


@dataclass
class _Event:
    actor: User | None
    verb: str
    obj: object
    at: datetime
    changes: dict = field(default_factory=dict)


class _Seeder:
    def __init__(self, ctx, today, cafs, themes, templates, orgs, partners):
        self.ctx, self.today, self.cafs = ctx, today, cafs
        # The latest instant the data may show: the start of the day, so that two runs on the
        # same day give the same data.
        self.now = _at(today, 0)
        self.themes, self.templates, self.orgs, self.partners = themes, templates, orgs, partners
        self.agents = defaultdict(list)
        numbers = {t.caf for t in TERRITORIES}
        for user in (
            User.objects.filter(role=User.Role.AGENT, caf__number__in=numbers)
            .exclude(email=AGENT_EMAIL)
            .select_related("caf")
            .order_by("email")
        ):
            self.agents[user.caf.number].append(user)
        self.demo_agent = User.objects.filter(email=AGENT_EMAIL).first()
        self.referents = defaultdict(list)
        for user in (
            User.objects.filter(role=User.Role.REFERENT)
            .prefetch_related("regions")
            .order_by("email")
        ):
            for region in user.regions.all():
                self.referents[region.pk].append(user)

    # The whole run: build everything in memory, then insert level by level.
    def run(self, specs: list[PlanSpec]) -> None:
        built = [self._build(spec) for spec in specs]
        Plan.objects.bulk_create([b.plan for b in built])
        Plan.signatories.through.objects.bulk_create(
            Plan.signatories.through(plan=b.plan, organisation=org)
            for b in built
            for org in b.signatories
        )
        PlanMember.objects.bulk_create([m for b in built for m in b.members], batch_size=BATCH)
        Axis.objects.bulk_create([a for b in built for a in b.axes], batch_size=BATCH)
        Objective.objects.bulk_create(
            [o for b in built for o, _axis in b.objectives], batch_size=BATCH
        )
        drafts = [d for b in built for d in b.actions]
        Action.objects.bulk_create([d.action for d in drafts], batch_size=BATCH)
        Action.partners.through.objects.bulk_create(
            (
                Action.partners.through(action=d.action, organisation=org)
                for d in drafts
                for org in d.partners
            ),
            batch_size=BATCH,
        )
        Step.objects.bulk_create([s for d in drafts for s in d.steps], batch_size=BATCH)
        _backdate(Action, "updated_at", {d.action.pk: d.touched for d in drafts})
        Indicator.objects.bulk_create(
            [i for b in built for i, _values in b.indicators], batch_size=BATCH
        )
        IndicatorValue.objects.bulk_create(
            [v for b in built for _i, values in b.indicators for v in values], batch_size=BATCH
        )
        Message.objects.bulk_create([m for b in built for m, _users in b.messages])
        Message.mentions.through.objects.bulk_create(
            Message.mentions.through(message=message, user=user)
            for b in built
            for message, users in b.messages
            for user in users
        )
        self._insert_events(built)

    def _insert_events(self, built: list[_Built]) -> None:
        types = ContentType.objects.get_for_models(Plan, Action, Step, Indicator, Message)
        events, times = [], []
        for b in built:
            for e in sorted(b.events, key=lambda e: e.at):
                events.append(
                    ActivityEvent(
                        actor=e.actor,
                        verb=e.verb,
                        content_type=types[type(e.obj)],
                        object_id=str(e.obj.pk),
                        object_repr=str(e.obj)[:200],
                        scope=f"cooperation.plan:{b.plan.pk}",
                        changes=e.changes,
                    )
                )
                times.append(e.at)
        ActivityEvent.objects.bulk_create(events, batch_size=BATCH)
        _backdate(
            ActivityEvent,
            "created_at",
            {event.pk: at for event, at in zip(events, times, strict=True)},
        )

    # One plan ------------------------------------------------------------------------------------
    def _build(self, spec: PlanSpec) -> _Built:
        rng = self.ctx.random(f"cooperation.plan.{spec.caf}.{spec.kind}")
        caf = self.cafs[spec.caf]
        if self.today < spec.starts_on:
            status = Plan.Status.PREPARING
        elif spec.ends_on < self.today:
            status = Plan.Status.CLOSED
        else:
            status = Plan.Status.ACTIVE
        created = _at(spec.since, 9, 30)
        frozen = (
            _at(spec.since + timedelta(days=21), 10)
            if spec.pilot_caf and status != Plan.Status.PREPARING
            else None
        )
        template = None if spec.pilot_caf else self.templates.get(spec.kind)
        plan = Plan(
            kind=spec.kind,
            title=spec.title,
            caf=caf,
            territory=spec.territory,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            status=status,
            template=template,
            baseline_frozen_at=frozen,
            pilot_since=spec.since,
            created_at=created,
        )
        b = _Built(spec=spec, plan=plan, rng=rng, orgs=self.orgs[spec.caf])
        # How the plan is doing: most on track, some slipping, a few struggling.
        b.health = _pick(rng, [(HEALTHY, 0.6), (SLIPPING, 0.25), (STRUGGLING, 0.15)])
        if (spec.caf, spec.kind) in DEMO_PLANS:
            b.health = SLIPPING  # the demo accounts' plans show late actions to deal with
        b.signatories = self._signatories(b)
        self._members(b)
        self._roadmap(b)
        self._indicators(b)
        self._messages(b)
        self._events(b)
        return b

    def _signatories(self, b: _Built) -> list[Organisation]:
        orgs, rng = b.orgs, b.rng
        if b.spec.kind == Plan.Kind.SDSF:
            roles = ["departement", "prefecture", "msa", "udaf", "dsden"]
        else:
            roles = ["epci", *orgs.communes()[:2]]
            if rng.random() < 0.6:
                roles.append("departement")
            if rng.random() < 0.5:
                roles.append("msa")
        return [orgs.get(role) for role in roles if orgs.get(role) is not None]

    def _members(self, b: _Built) -> None:
        rng, spec = b.rng, b.spec
        pool = list(self.agents[spec.caf])
        rng.shuffle(pool)
        n_pilots = 1 if rng.random() < 0.6 else 2
        n_agents = rng.randint(1, 2)
        reader_agent = rng.random() < 0.4
        pilots = pool[:n_pilots]
        contributors = pool[n_pilots : n_pilots + n_agents]
        readers = pool[n_pilots + n_agents : n_pilots + n_agents + 1] if reader_agent else []
        if spec.caf == "38" and self.demo_agent is not None:
            if spec.kind == Plan.Kind.CTG:
                pilots = [self.demo_agent, *pilots[: n_pilots - 1]]
            else:
                contributors = [*contributors, self.demo_agent]
        orgs = b.orgs
        if spec.kind == Plan.Kind.SDSF:
            partner_roles = ["departement", "msa", "udaf"]
            partner_roles += [role for role in ("prefecture", "dsden") if rng.random() < 0.6]
            reader_roles = ["epci"] if rng.random() < 0.5 else []
        else:
            partner_roles = ["epci", *orgs.communes()]
            partner_roles += [role for role in ("social", "departement") if rng.random() < 0.7]
            draw = rng.random()
            reader_roles = ["msa"] if draw < 0.35 else []
            if 0.35 <= draw < 0.7:
                partner_roles.append("msa")
        partner_contributors = [self.partners.get((spec.caf, r)) for r in partner_roles]
        partner_readers = [self.partners.get((spec.caf, r)) for r in reader_roles]
        referents = sorted(
            self.referents.get(self.cafs[spec.caf].region_id, []),
            key=lambda u: (u.caf_id != self.cafs[spec.caf].pk, u.email),
        )
        readers = [*referents[:1], *readers, *partner_readers]

        created = b.plan.created_at
        seen: set[int] = set()

        def add(user: User | None, role: str, days: int) -> None:
            if user is None or user.pk in seen:
                return
            seen.add(user.pk)
            added = min(created + timedelta(days=days, hours=rng.randint(0, 6)), self.now)
            b.members.append(PlanMember(plan=b.plan, user=user, role=role, added_at=added))

        for user in pilots:
            add(user, PlanMember.Role.PILOT, 0)
        for user in contributors:
            add(user, PlanMember.Role.CONTRIBUTOR, rng.randint(0, 10))
        for user in partner_contributors:
            add(user, PlanMember.Role.CONTRIBUTOR, rng.randint(3, 45))
        for user in readers:
            add(user, PlanMember.Role.READER, rng.randint(10, 90))

    # The roadmap ---------------------------------------------------------------------------------
    def _themes_of(self, b: _Built) -> list[str]:
        rng = b.rng
        if b.spec.kind == Plan.Kind.SDSF:
            must = ["petite-enfance", "parentalite"]
            optional = [
                ("animation-de-la-vie-sociale", 0.8),
                ("enfance-jeunesse", 0.5),
                ("handicap", 0.6),
                ("separation", 0.4),
                ("acces-aux-droits", 0.3),
            ]
            count = _pick(rng, [(3, 0.3), (4, 0.45), (5, 0.25)])
        else:
            must = ["petite-enfance"]
            optional = [
                ("enfance-jeunesse", 0.9),
                ("parentalite", 0.9),
                ("animation-de-la-vie-sociale", 0.6),
                ("acces-aux-droits", 0.5),
                ("inclusion-numerique", 0.35),
                ("handicap", 0.3),
                ("logement", 0.25),
                ("mobilite", 0.25),
                ("separation", 0.2),
            ]
            count = _pick(rng, [(3, 0.25), (4, 0.35), (5, 0.25), (6, 0.15)])
        chosen = list(must)
        while len(chosen) < count:
            chosen.append(_pick(rng, [(s, w) for s, w in optional if s not in chosen]))
        order = [slug for _name, slug in THEMES]
        return sorted(chosen, key=order.index)

    def _roadmap(self, b: _Built) -> None:
        rng = b.rng
        for axis_position, slug in enumerate(self._themes_of(b)):
            title, objectives = CATALOGUE[slug]
            core = slug in ("petite-enfance", "enfance-jeunesse", "parentalite")
            axis = Axis(
                plan=b.plan,
                theme=self.themes[slug],
                title=title,
                position=axis_position,
                weight=rng.choice((2, 3)) if core else rng.choice((1, 1, 2)),
            )
            b.axes.append(axis)
            count = min(len(objectives), _pick(rng, [(1, 0.25), (2, 0.5), (3, 0.25)]))
            for objective_position, (objective_title, titles) in enumerate(
                sorted(rng.sample(objectives, count), key=objectives.index)
            ):
                objective = Objective(
                    axis=axis,
                    title=objective_title,
                    position=objective_position,
                    weight=rng.choice((1, 1, 2)),
                )
                b.objectives.append((objective, axis))
                n_actions = rng.randint(2, min(6, len(titles)))
                for position, action_title in enumerate(rng.sample(titles, n_actions)):
                    b.actions.append(self._action(b, axis, objective, action_title, position, slug))

    def _action(self, b, axis, objective, title, position, slug) -> _ActionDraft:
        rng, plan, today = b.rng, b.plan, self.today
        # Every draw is made whatever the day, so that the day never shifts the next draws.
        r = [rng.random() for _ in range(12)]
        span = (plan.ends_on - plan.starts_on).days
        offset = rng.randint(0, 60) if r[0] < 0.4 else int(r[1] * 0.75 * span)
        starts = (plan.starts_on + timedelta(days=offset)).replace(day=1)
        starts = max(starts, plan.starts_on)
        months = rng.choice((3, 6, 6, 9, 12, 12, 12, 18, 24, 36))
        due = min(_month_end(_add_months(starts, months - 1)), plan.ends_on)
        steps_mode = months >= 6 and r[2] < 0.25
        n_steps = rng.randint(3, 5)
        step_titles = sorted(rng.sample(range(len(STEP_TITLES) - 1), n_steps - 1))
        pilot_org = self._pilot_org(b)
        others = [o for o in {*b.orgs.by_role.values()} if o != pilot_org]
        others.sort(key=lambda o: o.name)
        n_partners = _pick(rng, [(0, 0.2), (1, 0.4), (2, 0.3), (3, 0.1)])
        partners = rng.sample(others, min(n_partners, len(others)))
        budget_base = {"petite-enfance": 40000, "logement": 30000, "mobilite": 20000}.get(
            slug, 12000
        )
        budget = None
        if r[3] < 0.55:
            amount = max(1500, round(budget_base * math.exp(rng.gauss(0, 0.8)) / 500) * 500)
            budget = Decimal(amount)
        priority = _pick(
            rng,
            [
                (Action.Priority.HIGH, 0.25),
                (Action.Priority.MEDIUM, 0.5),
                (Action.Priority.LOW, 0.25),
            ],
        )
        weight = _pick(rng, [(1, 0.6), (2, 0.3), (3, 0.1)])
        owner = self._owner(b, pilot_org, r[4])

        # The reference planning of the pilot Cafs: a quarter of the actions have slipped since.
        baseline_starts = baseline_due = None
        if plan.baseline_frozen_at:
            baseline_starts, baseline_due = starts, due
            slip = 1 + int(r[5] * 6)
            if r[6] < 0.25 and _add_months(starts, 1) <= _add_months(due, -slip):
                baseline_due = _month_end(_add_months(due, -slip))
                if r[7] < 0.4:
                    baseline_starts = max(plan.starts_on, _add_months(starts, -1))

        status, progress, completed, touched_day, abandoned_on = self._state(
            b, starts, due, r[8], r[9], r[10]
        )
        steps = []
        if steps_mode:
            steps = self._steps(
                starts, due, step_titles, status, completed, abandoned_on, r[11], rng
            )
            done = sum(1 for s in steps if s.done_on)
            if status != Action.Status.DONE:
                progress = round(100 * done / len(steps))
        ongoing = starts <= today <= due
        touched = max(_at(touched_day, 8 + int(r[11] * 9), int(r[10] * 59)), plan.created_at)
        action = Action(
            plan=plan,
            objective=objective,
            title=title,
            description=self._description(b, objective, pilot_org, partners),
            pilot_organisation=pilot_org,
            owner=owner,
            starts_on=starts,
            due_on=due,
            baseline_starts_on=baseline_starts,
            baseline_due_on=baseline_due,
            status=status,
            progress=progress,
            progress_mode=Action.ProgressMode.STEPS if steps_mode else Action.ProgressMode.ENTERED,
            weight=weight,
            budget=budget,
            priority=priority,
            position=position,
            completed_on=completed,
            version=1,
            updated_by=owner,
        )
        for step in steps:
            step.action = action
        return _ActionDraft(action, axis, steps, partners, min(touched, self.now), ongoing)

    def _pilot_org(self, b: _Built) -> Organisation | None:
        orgs = b.orgs
        if b.spec.kind == Plan.Kind.SDSF:
            weighted = [
                (None, 0.35),
                ("departement", 0.3),
                ("msa", 0.08),
                ("udaf", 0.1),
                ("prefecture", 0.07),
                ("dsden", 0.05),
                ("epci", 0.05),
            ]
        else:
            communes = orgs.communes()
            weighted = [
                (None, 0.3),
                ("epci", 0.22),
                ("departement", 0.07),
                ("social", 0.09),
                ("msa", 0.04),
            ]
            weighted += [(c, 0.28 * (0.6 if i == 0 else 0.4 / 2)) for i, c in enumerate(communes)]
        role = _pick(b.rng, [(r, w) for r, w in weighted if r is None or orgs.get(r)])
        return orgs.get(role) if role else None

    def _owner(self, b: _Built, pilot_org: Organisation | None, draw: float) -> User | None:
        writers = b.role_users(PlanMember.Role.PILOT, PlanMember.Role.CONTRIBUTOR)
        if pilot_org is not None and draw < 0.8:
            for user in writers:
                if user.organisation_id == pilot_org.pk:
                    return user
        agents = [u for u in writers if u.role == User.Role.AGENT]
        return agents[int(draw * 1000) % len(agents)] if agents else None

    def _description(self, b, objective, pilot_org, partners) -> str:
        who = pilot_org.name if pilot_org else f"la {b.plan.caf.name}"
        text = f"Action de l'objectif « {objective.title} », portée par {who}"
        if partners:
            text += " avec " + ", ".join(p.name for p in partners)
        return text + "."

    def _state(self, b, starts, due, u, v, w):
        """(status, progress, completed_on, day of the last change, abandoned on) on the day of
        seeding: deadlines past are mostly met, a few late or abandoned; current actions
        progress with the time elapsed."""
        today = self.today
        yesterday = today - timedelta(days=1)
        created_day = b.plan.created_at.date()
        if b.plan.status == Plan.Status.PREPARING or starts > today:
            if b.plan.status != Plan.Status.PREPARING and u < 0.03:
                abandoned = min(yesterday, max(created_day, starts - timedelta(days=30)))
                return Action.Status.ABANDONED, 0, None, abandoned, abandoned
            return Action.Status.TO_START, 0, None, created_day + timedelta(days=int(v * 20)), None
        if due < today:
            # Old deadlines have mostly been dealt with; the late ones are mostly recent.
            late = b.health.old_late if due < today - timedelta(days=365) else b.health.late
            dropped = 0.05
            done = 1 - late - dropped
            if u < done:
                completed = due + timedelta(days=int((v - 0.7) * 100))
                completed = min(max(completed, starts), yesterday)
                return Action.Status.DONE, 100, completed, completed, None
            if u < done + dropped:
                abandoned = starts + timedelta(days=int(v * (min(due, yesterday) - starts).days))
                return (
                    Action.Status.ABANDONED,
                    5 * int(w * 10),
                    None,
                    abandoned,
                    abandoned,
                )
            last = starts + timedelta(days=int(v * (due - starts).days))
            if w < 0.3:
                return Action.Status.TO_START, 0, None, last, None
            return Action.Status.IN_PROGRESS, 20 + 5 * int(w * 14), None, last, None
        elapsed = (today - starts).days / max((due - starts).days, 1)
        if u < 0.08 * (elapsed + 0.5):
            completed = starts + timedelta(days=int((0.5 + v / 2) * (yesterday - starts).days))
            completed = min(max(completed, starts), yesterday)
            return Action.Status.DONE, 100, completed, completed, None
        if u < 0.12:
            abandoned = min(yesterday, starts + timedelta(days=int(v * (today - starts).days)))
            return Action.Status.ABANDONED, 5 * int(w * 8), None, abandoned, abandoned
        if elapsed < 0.25 and v < 0.5:
            return Action.Status.TO_START, 0, None, max(created_day, starts), None
        pace = elapsed * 100 * b.health.pace + (w - 0.5) * 40
        progress = min(95, max(5, 5 * round(pace / 5)))
        last = max(starts, today - timedelta(days=1 + int(v * 90)))
        return Action.Status.IN_PROGRESS, progress, None, min(last, yesterday), None

    def _steps(self, starts, due, titles, status, completed, abandoned_on, draw, rng):
        count = len(titles) + 1
        span = (due - starts).days
        today, yesterday = self.today, self.today - timedelta(days=1)
        names = [STEP_TITLES[i] for i in titles] + [STEP_TITLES[-1]]
        steps = []
        for i, name in enumerate(names):
            step_due = due if i == count - 1 else starts + timedelta(days=span * (i + 1) // count)
            jitter = timedelta(days=rng.randint(-12, 8))
            steps.append(Step(title=name, due_on=step_due, position=i))
            done_on = None
            if status == Action.Status.DONE:
                done_on = min(max(step_due + jitter, starts), completed)
            elif status == Action.Status.ABANDONED:
                if abandoned_on and step_due < abandoned_on:
                    done_on = min(max(step_due + jitter, starts), abandoned_on)
            elif status == Action.Status.IN_PROGRESS and step_due < today:
                done_on = min(max(step_due + jitter, starts), yesterday)
            steps[-1].done_on = done_on
        if status == Action.Status.IN_PROGRESS and due < today:
            # Late: the last milestone, sometimes the one before, is still to be reached.
            pending = 2 if draw < 0.4 and count > 2 else 1
            for step in steps[-pending:]:
                step.done_on = None
        return steps

    # Indicators, messages, activity --------------------------------------------------------------
    def _indicators(self, b: _Built) -> None:
        rng = b.rng
        measured = b.plan.status != Plan.Status.PREPARING
        enterers = b.role_users(PlanMember.Role.PILOT) or [None]
        by_axis = defaultdict(list)
        for draft in b.actions:
            by_axis[id(draft.axis)].append(draft.action)
        for axis in b.axes:
            specs = INDICATORS.get(axis.theme.slug, ())
            count = min(len(specs), 2 if rng.random() < 0.3 else 1)
            objectives = [o for o, a in b.objectives if a is axis]
            for spec in rng.sample(specs, count):
                on_action = rng.random() < 0.25
                baseline = round(rng.uniform(spec.low, spec.high), spec.decimals)
                change = rng.uniform(*spec.change)
                target = baseline + change if spec.absolute else baseline * (1 + change)
                target = round(max(target, 0), spec.decimals)
                if target == baseline:
                    target = baseline + (1 if change > 0 else -1)
                indicator = Indicator(
                    plan=b.plan,
                    objective=None if on_action else rng.choice(objectives),
                    action=rng.choice(by_axis[id(axis)]) if on_action else None,
                    name=spec.name,
                    unit=spec.unit,
                    baseline=Decimal(str(baseline)),
                    target=Decimal(str(target)),
                    direction=spec.direction,
                )
                performance = rng.choice((1.0, 1.0, 0.8, 0.6, 1.2, 0.4, -0.2))
                values = []
                span = (b.plan.ends_on - b.plan.starts_on).days
                for period in MEASURE_PERIODS:
                    noise = rng.gauss(0, 0.05)
                    if not measured:
                        continue
                    t = min(max((period - b.plan.starts_on).days / span, 0), 1)
                    value = baseline + (target - baseline) * (performance * t * 1.3 + noise)
                    values.append(
                        IndicatorValue(
                            indicator=indicator,
                            period=period,
                            value=Decimal(str(round(max(value, 0), spec.decimals))),
                            source=rng.choice(SOURCES),
                            comment=rng.choice(VALUE_COMMENTS) if rng.random() < 0.2 else "",
                            entered_by=rng.choice(enterers),
                        )
                    )
                b.indicators.append((indicator, values))

    def _messages(self, b: _Built) -> None:
        rng, today = b.rng, self.today
        writers = b.role_users(PlanMember.Role.PILOT, PlanMember.Role.CONTRIBUTOR)
        members = [m.user for m in b.members]
        if not writers:
            return
        demo_pair = (
            b.spec.caf == "38"
            and b.spec.kind == Plan.Kind.CTG
            and self.demo_agent in writers
            and any(u.email == PARTNER_EMAIL for u in writers)
        )
        if b.plan.status == Plan.Status.PREPARING:
            count = 1
        else:
            count = (
                7 if demo_pair else rng.randint(1, 2) if rng.random() < 0.4 else rng.randint(2, 5)
            )
        days_ago = sorted((rng.randint(1, 75) for _ in range(count)), reverse=True)
        live = [d.action for d in b.actions if d.action.status in LIVE_STATUSES]
        live = live or [d.action for d in b.actions]
        caf_writers = [u for u in writers if u.role == User.Role.AGENT]
        city = _city(TERRITORY_BY_CAF[b.spec.caf].communes[0])
        for index, ago in enumerate(days_ago):
            text, about_action, n_mentions, by_caf = rng.choice(MESSAGES)
            author = rng.choice(writers)
            if by_caf and caf_writers:
                author = caf_writers[int(rng.random() * len(caf_writers))]
            action = rng.choice(live)
            if demo_pair and index < 2:
                sonia = next(u for u in writers if u.email == PARTNER_EMAIL)
                # The Caf's pilot asks the Ville de Grenoble, which answers.
                text, about_action, n_mentions, _by_caf = MESSAGES[0 if index == 0 else 5]
                author = self.demo_agent if index == 0 else sonia
                mentioned = [sonia if index == 0 else self.demo_agent]
                grenoble = [a for a in live if a.pilot_organisation_id == sonia.organisation_id]
                action = grenoble[0] if grenoble else action
            else:
                others = [u for u in members if u.pk != author.pk]
                mentioned = rng.sample(others, min(n_mentions, len(others)))
            handles = ["@" + mention_handle(u) for u in mentioned]
            meeting = _working_day(today + timedelta(days=rng.randint(4, 25)))
            body = text.format(
                m1=handles[0] if handles else "",
                m2=handles[1] if len(handles) > 1 else "",
                action=action.title,
                day=_french_day(meeting),
                city=city,
            )
            body = " ".join(body.split()).replace(" ,", ",")
            at = _at(today - timedelta(days=ago), rng.randint(8, 18), rng.randint(0, 59))
            message = Message(
                plan=b.plan,
                action=action if about_action else None,
                author=author,
                text=body,
                created_at=min(at, self.now),
            )
            b.messages.append((message, mentioned))

    def _events(self, b: _Built) -> None:
        rng, today = b.rng, self.today
        plan = b.plan
        pilots = b.role_users(PlanMember.Role.PILOT)
        lead = pilots[0] if pilots else None
        b.events.append(_Event(lead, "plan.created", plan, plan.created_at))
        if plan.baseline_frozen_at:
            b.events.append(_Event(lead, "plan.baseline_frozen", plan, plan.baseline_frozen_at))
        for member in [m for m in b.members if m.role != PlanMember.Role.PILOT][:4]:
            b.events.append(
                _Event(
                    lead,
                    "member.added",
                    plan,
                    member.added_at,
                    {"membre": [None, str(member.user)], "rôle": [None, member.role]},
                )
            )
        for indicator, values in b.indicators:
            if values:
                latest = values[-1]
                at = min(_at(latest.period + timedelta(days=20), 11), self.now)
                b.events.append(
                    _Event(
                        latest.entered_by,
                        "indicator.recorded",
                        indicator,
                        at,
                        {"valeur": [None, str(latest.value)]},
                    )
                )
        # Recent changes: progress entered on current actions, actions just completed,
        # milestones just reached.
        current = [
            d
            for d in b.actions
            if d.ongoing
            and d.action.status == Action.Status.IN_PROGRESS
            and d.action.progress_mode == Action.ProgressMode.ENTERED
            and d.action.progress >= 15
        ]
        for draft in rng.sample(current, min(3, len(current))):
            action = draft.action
            at = min(_at(today - timedelta(days=rng.randint(1, 40)), rng.randint(8, 18)), self.now)
            before = action.progress - 5 * rng.randint(1, 3)
            draft.touched = max(draft.touched, at)
            b.events.append(
                _Event(
                    action.owner,
                    "action.updated",
                    action,
                    at,
                    {"progress": [before, action.progress]},
                )
            )
        recent = today - timedelta(days=60)
        finished = [
            d
            for d in b.actions
            if d.action.status == Action.Status.DONE and d.action.completed_on >= recent
        ]
        for draft in finished[:2]:
            action = draft.action
            at = min(_at(action.completed_on, 17, 5), self.now)
            draft.touched = at
            b.events.append(
                _Event(
                    action.owner,
                    "action.updated",
                    action,
                    at,
                    {"status": ["en_cours", "realisee"], "progress": [80, 100]},
                )
            )
        reached = [
            (step, d)
            for d in b.actions
            for step in d.steps
            if step.done_on and step.done_on >= today - timedelta(days=30)
        ]
        for step, draft in reached[:2]:
            at = min(_at(step.done_on, 15, 30), self.now)
            draft.touched = max(draft.touched, at)
            b.events.append(_Event(draft.action.owner, "step.done", step, at))
        for message, _mentioned in b.messages:
            b.events.append(_Event(message.author, "message.posted", message, message.created_at))


TERRITORY_BY_CAF = {t.caf: t for t in TERRITORIES}
LIVE_STATUSES = (Action.Status.TO_START, Action.Status.IN_PROGRESS)


def _backdate(model, field_name: str, values: dict[int, datetime]) -> None:
    """Set an automatic date (auto_now, auto_now_add) that bulk_create overwrote."""
    items = list(values.items())
    for start in range(0, len(items), 500):
        chunk = items[start : start + 500]
        model.objects.filter(pk__in=[pk for pk, _at in chunk]).update(
            **{
                field_name: Case(
                    *[When(pk=pk, then=Value(at)) for pk, at in chunk],
                    output_field=DateTimeField(),
                )
            }
        )
