"""Demo data of the living labs: the 7 labs of the 2025 report — the « Lab parentalité » of the
Isère (the oldest), handicap in the Haute-Vienne (Limoges), accès aux droits in the Finistère
(the Maison Solidaire de Kermarron, Douarnenez) and, created in 2025, accès aux droits in the
Ain, jeunesse in the Drôme and the two « Parents séparés » labs of Toulouse and Nice.

Each lab has its facilitators (agents of its Caf, taken from the core demo: the demo agent
`agent.isere@caflab.demo` facilitates the Isère lab), 11 to 20 members who consented, joined,
sometimes left (one of them anonymised, a few old inactive ones flagged by the service's own
rule), a monthly workshop in 2025 (some in 2023–2024 for the older labs, two upcoming ones after
the day of seeding so that the calendars are not empty) with its invitations, attendance,
minutes and contributions, whose follow-up status depends on their age. National directions
solicit the labs (« Relevé de dettes Aripa » to the two séparation labs, « Déclaration
trimestrielle de ressources pré-remplie » to the two accès aux droits labs…); the answered
solicitations carry their consolidated answer.

Everything is drawn from `ctx.random("livinglabs.<slug>")`, one generator per lab: a second
run changes nothing (a lab already there is left as it is) and a re-run gives the same data.
Only the upcoming workshops, the open solicitation and the inactivity flags follow the day
of seeding. No account is created: the facilitators are the core demo's agents.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.utils import timezone

from caflab.demo import AGENT_EMAIL, FIRST_NAMES, LAST_NAMES, STAFF_EMAIL
from caflab.models import Caf, User
from caflab.seeding import SeedContext
from livinglabs import services
from livinglabs.models import Contribution, Invitation, Lab, Member, Solicitation, Workshop

ORDER = 40

PARIS = ZoneInfo("Europe/Paris")
CONSENT_VERSION = "v2024-03"
OLD_CONSENT_VERSION = "v2021-09"
# The consent text changed in March 2024: the members still there signed the new one.
CONSENT_RENEWED = date(2024, 3, 18)
DPFS = "Direction des politiques familiales et sociales (Cnaf)"
ARIPA = "Agence de recouvrement et d'intermédiation des pensions alimentaires (Aripa)"
UPCOMING = 2  # workshops after the day of seeding, per lab
DORMANT_AFTER = date(2023, 6, 30)  # a few early members of the oldest lab stopped coming

K = Contribution.Kind
S = Contribution.Status
P = Member.Profile

MORE_FIRST_NAMES = (
    "Nadia",
    "Fatou",
    "Yacine",
    "Aïcha",
    "Rachid",
    "Soraya",
    "Kévin",
    "Jessica",
    "Mélissa",
    "Dylan",
    "Océane",
    "Enzo",
    "Bintou",
    "Gwenaëlle",
    "Erwan",
    "Maëlle",
    "Ronan",
    "Solène",
    "Noémie",
    "Farid",
)


# The specifications, as data ---------------------------------------------------------------------
@dataclass(frozen=True)
class Topic:
    """A workshop's subject and what came out of it. `since`: not before this day."""

    key: str
    title: str
    tags: str
    contributions: tuple[tuple[str, str], ...]  # (kind, text)
    solicitation: str = ""
    since: date | None = None


@dataclass(frozen=True)
class LabSpec:
    slug: str
    name: str
    caf: str
    theme: str
    venue: str
    city: str
    created_on: date
    description: str
    room: str
    # Workshops: the nth weekday of the month, at this hour, for this long.
    nth: int
    weekday: int
    start: time
    minutes: int
    months: tuple[tuple[int, int], ...]
    members: int
    profiles: tuple[tuple[str, float], ...]
    propensity: tuple[float, float]
    topics: tuple[str, ...]
    leavers: int = 2
    dormant: int = 0
    anonymised: int = 0
    demo_agent: bool = False


@dataclass(frozen=True)
class SolicitationSpec:
    key: str
    title: str
    requester: str
    brief: str
    deliverable: str
    created: date | None  # None: relative to the day of seeding (the open one)
    deadline: date | None
    labs: tuple[str, ...]
    answered: date | None = None
    synthesis: str = ""
    closed: bool = False


def _months(year: int, numbers: Iterable[int]) -> tuple[tuple[int, int], ...]:
    return tuple((year, month) for month in numbers)


ALL_BUT_AUGUST = (1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12)

# Topics of each theme ----------------------------------------------------------------------------
PARENTING = (
    Topic(
        "logement-familles",
        "Parcours logement des familles : focus groupe jeunes parents",
        "logement, décohabitation, doctrine logement",
        (
            (
                K.IRRITANT,
                "Quand le jeune quitte le foyer, l'aide au logement de la famille baisse avant "
                "que la sienne soit versée : le mois de transition est à la charge des parents.",
            ),
            (
                K.NEED,
                "Un interlocuteur unique pour les démarches de logement d'un jeune (Caf, "
                "bailleur, Action Logement) au lieu de trois dossiers.",
            ),
            (
                K.PROPOSAL,
                "Un simulateur « mon enfant quitte le foyer » qui montre l'effet sur les aides de "
                "chacun avant le départ.",
            ),
        ),
        solicitation="logement",
    ),
    Topic(
        "logement-etudiants",
        "Parcours logement des jeunes : focus groupe étudiants",
        "logement, étudiants, APL",
        (
            (
                K.IRRITANT,
                "La demande d'aide au logement étudiant se fait en ligne, mais le bail et "
                "l'attestation de loyer arrivent après la rentrée : deux mois sans aide.",
            ),
            (
                K.NEED,
                "Savoir dès le lycée quelles aides existent pour un premier logement : on les "
                "découvre trop tard.",
            ),
            (K.IDEA, "Une permanence de la Caf à l'université la semaine de la rentrée."),
        ),
        solicitation="logement",
    ),
    Topic(
        "courriers",
        "Les courriers de la Caf : ce qu'on comprend, ce qu'on ne comprend pas",
        "courriers, indu, lisibilité",
        (
            (
                K.IRRITANT,
                "Le courrier annonce un « indu » sans dire de quels mois il s'agit ni "
                "pourquoi : on appelle la Caf pour comprendre.",
            ),
            (
                K.PROPOSAL,
                "Commencer chaque courrier par une phrase simple : ce qui change pour vous et "
                "ce que vous devez faire.",
            ),
            (
                K.IRRITANT,
                "Plusieurs montants figurent sur le courrier sans dire lequel arrive sur le "
                "compte.",
            ),
        ),
    ),
    Topic(
        "horaires-atypiques",
        "Concilier travail et garde d'enfants : les horaires atypiques",
        "garde d'enfants, horaires atypiques, CMG",
        (
            (
                K.NEED,
                "Un mode de garde tôt le matin pour les parents qui commencent à 6 h (aide à "
                "domicile, logistique, hôpital).",
            ),
            (
                K.IRRITANT,
                "Le complément de libre choix du mode de garde se déclare à l'heure près : un "
                "changement de planning oblige à tout redéclarer.",
            ),
            (
                K.IDEA,
                "Afficher sur monenfant.fr les assistantes maternelles qui acceptent des "
                "horaires décalés.",
            ),
        ),
    ),
    Topic(
        "monenfant",
        "Chercher un mode de garde sur monenfant.fr",
        "monenfant.fr, crèche, mode de garde",
        (
            (
                K.IRRITANT,
                "Les disponibilités des crèches sur monenfant.fr ne sont pas à jour : on "
                "appelle pour rien.",
            ),
            (
                K.PROPOSAL,
                "Un filtre « place disponible à la rentrée » et la date de mise à jour de "
                "chaque fiche.",
            ),
            (K.NEED, "Savoir combien coûtera la garde, aides déduites, avant de choisir."),
        ),
    ),
    Topic(
        "vacances-loisirs",
        "Les aides aux vacances et aux loisirs des enfants",
        "vacances, loisirs, aides aux familles",
        (
            (
                K.IRRITANT,
                "Les aides aux vacances sont notifiées en mai alors que les inscriptions en "
                "colonie se font dès mars.",
            ),
            (K.IDEA, "Un SMS quand l'aide aux vacances de la famille est ouverte."),
            (
                K.PROPOSAL,
                "Permettre d'utiliser l'aide aux loisirs pour une activité commencée en cours "
                "d'année, pas seulement en septembre.",
            ),
        ),
    ),
    Topic(
        "naissance",
        "Devenir parent : la déclaration de grossesse et la prime de naissance",
        "naissance, Paje, prime de naissance",
        (
            (
                K.IRRITANT,
                "On apprend tard que la prime de naissance est versée au 7e mois : certaines "
                "familles comptaient dessus pour le matériel.",
            ),
            (
                K.NEED,
                "Une liste des démarches, dans l'ordre, de la grossesse au premier "
                "anniversaire de l'enfant.",
            ),
            (
                K.IDEA,
                "Un rendez-vous des droits proposé d'office après la déclaration de grossesse.",
            ),
        ),
    ),
    Topic(
        "laep",
        "Les lieux d'accueil enfants-parents et le soutien à la parentalité",
        "parentalité, LAEP, centres sociaux",
        (
            (
                K.NEED,
                "Connaître les lieux d'accueil enfants-parents du quartier : beaucoup de "
                "parents n'en ont jamais entendu parler.",
            ),
            (
                K.IRRITANT,
                "Les ateliers pour les parents ont lieu en semaine, en journée : les pères qui "
                "travaillent ne viennent jamais.",
            ),
            (
                K.PROPOSAL,
                "Un atelier pour les parents le samedi matin, une fois par mois, dans chaque "
                "centre social.",
            ),
        ),
    ),
    Topic(
        "asf-pension",
        "Familles monoparentales : l'ASF et la pension alimentaire",
        "ASF, pension alimentaire, Aripa",
        (
            (
                K.IRRITANT,
                "L'ASF s'arrête dès qu'une pension est fixée, même quand l'autre parent ne la "
                "verse pas.",
            ),
            (
                K.NEED,
                "Être accompagnée pour fixer la pension : beaucoup de mères ignorent que "
                "l'Aripa peut délivrer un titre exécutoire.",
            ),
            (
                K.IDEA,
                "Une information sur l'ASF envoyée à chaque déclaration de séparation.",
            ),
        ),
    ),
    Topic(
        "appli",
        "L'application Caf – Mon Compte pour les parents",
        "application, numérique, déclaration",
        (
            (
                K.IRRITANT,
                "L'application se déconnecte au milieu d'une déclaration et tout est perdu.",
            ),
            (K.PROPOSAL, "Enregistrer le brouillon de la déclaration de situation."),
            (
                K.IDEA,
                "Une notification quand un document envoyé a bien été reçu, puis traité.",
            ),
        ),
    ),
    Topic(
        "vingt-ans",
        "Les allocations familiales quand un enfant a 20 ans",
        "allocations familiales, forfait, grands enfants",
        (
            (
                K.IRRITANT,
                "Le forfait d'allocations familiales à 20 ans n'est connu de personne : on le "
                "découvre en le perdant.",
            ),
            (
                K.NEED,
                "Être prévenu trois mois avant que les allocations baissent pour l'aîné.",
            ),
            (K.PROPOSAL, "Un courrier « ce qui change à ses 20 ans » envoyé au foyer."),
        ),
    ),
    Topic(
        "garde-alternee",
        "Résidence alternée : partager les allocations",
        "résidence alternée, partage des allocations",
        (
            (
                K.IRRITANT,
                "En résidence alternée, les allocations familiales se partagent mais pas "
                "l'aide au logement : les parents ne comprennent pas la différence.",
            ),
            (
                K.PROPOSAL,
                "Que chaque parent voie dans son espace ce qui est versé à l'autre pour leurs "
                "enfants communs.",
            ),
        ),
    ),
)

DISABILITY = (
    Topic(
        "aeeh-dossier",
        "AEEH : constituer le dossier MDPH",
        "AEEH, MDPH, dossier",
        (
            (
                K.IRRITANT,
                "Le certificat médical MDPH doit dater de moins d'un an : si le dossier traîne, "
                "tout est à refaire.",
            ),
            (
                K.IRRITANT,
                "On remplit trois fois les mêmes informations : pour la MDPH, pour la Caf et "
                "pour l'école.",
            ),
            (
                K.PROPOSAL,
                "Un dossier unique partagé entre la MDPH et la Caf, avec l'accord de la famille.",
            ),
        ),
    ),
    Topic(
        "aah-deconjugalisation",
        "AAH : la déconjugalisation expliquée",
        "AAH, déconjugalisation, couple",
        (
            (
                K.IRRITANT,
                "Depuis la déconjugalisation, des couples ne savent pas si leur AAH a été "
                "recalculée ni comment.",
            ),
            (K.NEED, "Un courrier qui montre le calcul avant et après, ligne par ligne."),
            (
                K.IDEA,
                "Une vidéo courte sur l'AAH en langue des signes et en « facile à lire et à "
                "comprendre ».",
            ),
        ),
    ),
    Topic(
        "ajpp",
        "AJPP : les démarches des parents aidants",
        "AJPP, aidants, hôpital",
        (
            (
                K.IRRITANT,
                "Le certificat médical de l'AJPP doit être renouvelé alors que la maladie de "
                "l'enfant ne change pas.",
            ),
            (K.NEED, "Connaître l'AJPP dès l'annonce du diagnostic, à l'hôpital."),
            (
                K.PROPOSAL,
                "Que le médecin hospitalier remette le formulaire AJPP avec le compte rendu "
                "d'hospitalisation.",
            ),
            (
                K.IRRITANT,
                "Les jours d'AJPP se déclarent chaque mois en plus de l'attestation de "
                "l'employeur : c'est lourd quand on vit à l'hôpital.",
            ),
        ),
        solicitation="ajpp",
    ),
    Topic(
        "accessibilite",
        "L'accessibilité de caf.fr et des courriers",
        "accessibilité, lecteur d'écran, courriers",
        (
            (K.IRRITANT, "Les courriers en PDF ne sont pas lisibles par les lecteurs d'écran."),
            (
                K.PROPOSAL,
                "Proposer chaque courrier en version texte accessible dans l'espace Mon Compte.",
            ),
            (K.NEED, "Pouvoir choisir les gros caractères pour tous les courriers papier."),
        ),
    ),
    Topic(
        "accueil-handicap",
        "L'accueil en Caf des personnes en situation de handicap",
        "accueil, accessibilité, LSF",
        (
            (K.IRRITANT, "La borne d'accueil est trop haute pour une personne en fauteuil."),
            (
                K.IDEA,
                "Un rendez-vous sans attente pour les personnes qui ne peuvent pas rester debout.",
            ),
            (K.NEED, "Un interprète en LSF sur rendez-vous, annoncé sur le site."),
        ),
    ),
    Topic(
        "repit",
        "Aidants familiaux : trouver du répit",
        "aidants, répit",
        (
            (K.NEED, "Trouver un relais quelques heures par semaine pour souffler."),
            (
                K.IRRITANT,
                "Les solutions de répit sont connues des professionnels, pas des familles.",
            ),
            (K.PROPOSAL, "Une carte des solutions de répit du département sur caf.fr."),
        ),
    ),
    Topic(
        "loisirs-inclusion",
        "Scolarité et loisirs : l'accueil des enfants en situation de handicap",
        "inclusion, accueil de loisirs, bonus inclusion",
        (
            (
                K.IRRITANT,
                "L'accueil de loisirs refuse l'enfant faute d'animateur formé : la famille "
                "perd sa journée de travail.",
            ),
            (
                K.IDEA,
                "Faire mieux connaître le bonus inclusion handicap aux accueils de loisirs "
                "pour qu'ils recrutent un animateur de plus.",
            ),
            (
                K.NEED,
                "Savoir quels accueils de loisirs reçoivent des enfants en situation de handicap.",
            ),
        ),
    ),
    Topic(
        "aeeh-pch",
        "Complément d'AEEH ou PCH : choisir",
        "AEEH, PCH, simulation",
        (
            (
                K.IRRITANT,
                "Choisir entre le complément d'AEEH et la PCH sans simulation, c'est jouer à "
                "pile ou face.",
            ),
            (K.PROPOSAL, "Un simulateur commun à la MDPH et à la Caf pour comparer."),
        ),
    ),
    Topic(
        "mdph",
        "Rencontre avec la MDPH de la Haute-Vienne",
        "MDPH, délais, renouvellement",
        (
            (K.NEED, "Connaître le délai de traitement de son dossier, étape par étape."),
            (
                K.IRRITANT,
                "Personne ne prévient quand un droit arrive à échéance : l'AEEH s'arrête et il "
                "faut tout relancer.",
            ),
            (K.PROPOSAL, "Un rappel six mois avant la fin d'un droit, envoyé par la Caf."),
        ),
    ),
)

YOUTH = (
    Topic(
        "aides-jeunes",
        "Lancement du lab : les aides de la Caf pour les 16-25 ans",
        "jeunes, information, aides",
        (
            (
                K.NEED,
                "Une seule page des aides pour les 16-25 ans, au lieu d'informations "
                "dispersées entre la Caf, la Mission locale et le Département.",
            ),
            (
                K.IRRITANT,
                "On ne sait pas qu'on peut avoir son propre dossier Caf avant 20 ans.",
            ),
            (
                K.IDEA,
                "Des réponses courtes aux questions des jeunes sur les réseaux sociaux de la Caf.",
            ),
        ),
    ),
    Topic(
        "premier-logement",
        "Premier logement : l'aide au logement des jeunes",
        "logement, APL, jeunes",
        (
            (
                K.IRRITANT,
                "L'aide au logement est versée au propriétaire et le jeune ne sait pas combien "
                "il touche.",
            ),
            (
                K.IRRITANT,
                "Le simulateur demande des revenus passés : pour un apprenti qui commence, "
                "cela n'a aucun sens.",
            ),
            (
                K.PROPOSAL,
                "Un simulateur qui part de la situation du moment : apprenti, étudiant, premier "
                "emploi.",
            ),
        ),
        solicitation="jeunes",
    ),
    Topic(
        "prime-apprentis",
        "Apprentis et jeunes actifs : la prime d'activité",
        "prime d'activité, apprentis",
        (
            (
                K.IRRITANT,
                "Personne ne nous a dit qu'on pouvait toucher la prime d'activité à 18 ans avec "
                "un contrat d'apprentissage.",
            ),
            (
                K.NEED,
                "Être prévenu quand on devient éligible, par exemple à la signature du contrat.",
            ),
            (K.IDEA, "Une campagne d'information dans les CFA à la rentrée."),
        ),
    ),
    Topic(
        "decohabitation",
        "Quitter le foyer des parents",
        "décohabitation, logement, famille",
        (
            (
                K.IRRITANT,
                "Quand je pars, les allocations de mes parents baissent et c'est la dispute à "
                "la maison.",
            ),
            (K.NEED, "Une simulation pour toute la famille avant le départ du jeune."),
            (
                K.PROPOSAL,
                "Un rendez-vous des droits « départ du foyer » proposé aux familles.",
            ),
        ),
        solicitation="jeunes",
    ),
    Topic(
        "compte-en-ligne",
        "Créer son espace Mon Compte : FranceConnect et numéro allocataire",
        "numérique, FranceConnect, vocabulaire",
        (
            (
                K.IRRITANT,
                "Il faut un numéro allocataire pour créer son compte, mais on ne l'a pas tant "
                "qu'on n'a pas de compte.",
            ),
            (K.IDEA, "Créer son compte avec FranceConnect, sans numéro allocataire."),
            (
                K.IRRITANT,
                "Des mots comme « fait générateur » ou « quotient familial » sont "
                "incompréhensibles.",
            ),
        ),
    ),
    Topic(
        "jobs-ete",
        "Étudiants : bourses, aide au logement et job d'été",
        "étudiants, ressources, job d'été",
        (
            (
                K.IRRITANT,
                "Un job d'été peut faire baisser l'aide au logement de l'année suivante, et "
                "personne ne le sait.",
            ),
            (
                K.NEED,
                "Comprendre ce qui compte dans les ressources : salaire, bourse, gratification "
                "de stage.",
            ),
            (
                K.PROPOSAL,
                "Un encart « jobs d'été » dans les courriers envoyés aux étudiants en mai.",
            ),
        ),
    ),
    Topic(
        "restitution-autonomie",
        "Autonomie des jeunes : ce que la consultation nationale a donné",
        "consultation, restitution, jeunes",
        (
            (K.NEED, "Voir ce que la Cnaf a fait des réponses des jeunes à la consultation."),
            (
                K.PROPOSAL,
                "Associer le lab à la conception du futur parcours « jeunes » de caf.fr.",
            ),
        ),
        since=date(2025, 11, 1),
    ),
    Topic(
        "jeunes-parents",
        "Jeunes parents : un enfant avant 25 ans",
        "jeunes parents, naissance, accompagnement",
        (
            (
                K.IRRITANT,
                "Enceinte à 22 ans, j'ai découvert seule la Paje et la prime de naissance.",
            ),
            (
                K.NEED,
                "Un accompagnement par une travailleuse sociale de la Caf proposé aux jeunes "
                "parents.",
            ),
            (
                K.IDEA,
                "Un guide « devenir parent jeune » avec la Mission locale et la PMI.",
            ),
        ),
    ),
)

RIGHTS = (
    Topic(
        "mns",
        "Le montant net social sur le bulletin de paie",
        "MNS, bulletin de paie, déclaration",
        (
            (
                K.IRRITANT,
                "Le montant net social n'apparaît qu'en bas du bulletin : personne ne le trouve.",
            ),
            (
                K.IRRITANT,
                "Le bulletin porte trois « nets » : net à payer, net imposable, net social. "
                "Lequel déclarer ?",
            ),
            (
                K.PROPOSAL,
                "Sur la déclaration, montrer une image du bulletin avec la ligne à recopier "
                "entourée.",
            ),
            (K.NEED, "Savoir quoi faire quand on a eu plusieurs employeurs dans le trimestre."),
        ),
        solicitation="mns",
    ),
    Topic(
        "dtr-essai",
        "La déclaration trimestrielle pré-remplie : premier essai",
        "déclaration trimestrielle, pré-remplissage, RSA, prime d'activité",
        (
            (
                K.IRRITANT,
                "Le montant pré-rempli ne correspond pas à ce que j'ai touché : je ne sais pas "
                "si je dois le corriger.",
            ),
            (
                K.PROPOSAL,
                "Indiquer à côté de chaque montant pré-rempli l'employeur et le mois d'où il "
                "vient.",
            ),
            (
                K.NEED,
                "Être sûr de ne pas être sanctionné si le montant pré-rempli était faux.",
            ),
            (
                K.IRRITANT,
                "Les allocations de France Travail n'apparaissent pas toujours dans le "
                "pré-remplissage.",
            ),
        ),
        solicitation="dtr",
    ),
    Topic(
        "dtr-cas",
        "La déclaration trimestrielle pré-remplie : les situations compliquées",
        "déclaration trimestrielle, indépendants, correction",
        (
            (
                K.IRRITANT,
                "Les travailleurs indépendants ne sont pas pré-remplis et ne savent pas quoi "
                "déclarer.",
            ),
            (
                K.PROPOSAL,
                "Un bouton « je ne suis pas d'accord avec ce montant » qui ouvre un échange "
                "avec la Caf.",
            ),
            (
                K.IDEA,
                "Un tutoriel vidéo de deux minutes pour la première déclaration pré-remplie.",
            ),
        ),
        solicitation="dtr",
    ),
    Topic(
        "non-recours-vienne",
        "Le non-recours, avec une délégation de la Caf de la Vienne",
        "non-recours, prime d'activité, accompagnement",
        (
            (
                K.IRRITANT,
                "Beaucoup pensent n'avoir droit à rien parce qu'ils travaillent.",
            ),
            (
                K.IRRITANT,
                "La peur de devoir rembourser un indu décourage de demander la prime d'activité.",
            ),
            (
                K.PROPOSAL,
                "Un rendez-vous des droits proposé par la Caf, sans démarche de la personne, "
                "quand sa situation change.",
            ),
            (
                K.NEED,
                "Que les travailleurs sociaux du centre social puissent vérifier les droits "
                "avec la personne.",
            ),
        ),
        since=date(2025, 5, 1),
    ),
    Topic(
        "non-recours",
        "Pourquoi on ne demande pas ses droits",
        "non-recours, information",
        (
            (
                K.IRRITANT,
                "Les démarches paraissent si longues qu'on renonce avant de commencer.",
            ),
            (
                K.NEED,
                "Qu'on nous dise à quoi on a droit, plutôt que d'avoir à le chercher.",
            ),
            (
                K.IDEA,
                "Des « cafés des droits » au centre social avec un conseiller de la Caf.",
            ),
        ),
    ),
    Topic(
        "cellule-familiale",
        "Considérer la cellule familiale dans son ensemble",
        "famille, vue d'ensemble, famille recomposée",
        (
            (
                K.IRRITANT,
                "Chaque aide a ses courriers et ses dates : personne n'a la vue d'ensemble de "
                "ce que touche la famille.",
            ),
            (
                K.PROPOSAL,
                "Un récapitulatif annuel de toutes les aides versées au foyer, sur une page.",
            ),
            (
                K.NEED,
                "Être reconnu comme famille recomposée sans tout réexpliquer à chaque démarche.",
            ),
        ),
        since=date(2025, 6, 1),
    ),
    Topic(
        "parcours-dossier",
        "Enquête : le parcours d'une demande dans la Caf",
        "parcours allocataire, délais, enquête",
        (
            (
                K.NEED,
                "Comprendre qui traite notre dossier et combien de temps prend chaque étape.",
            ),
            (K.IDEA, "Suivre son dossier en ligne comme un colis : reçu, en cours, traité."),
            (
                K.PROPOSAL,
                "Mener l'enquête avec un chercheur : suivre une demande de sa réception à son "
                "paiement.",
            ),
        ),
        since=date(2025, 9, 1),
    ),
    Topic(
        "prime-activite",
        "La prime d'activité : simulation et déclaration",
        "prime d'activité, simulateur",
        (
            (
                K.IRRITANT,
                "Le simulateur donne un montant, la Caf en verse un autre, sans explication.",
            ),
            (
                K.NEED,
                "Savoir dès la simulation ce qu'il faudra déclarer tous les trois mois.",
            ),
            (K.IDEA, "Un SMS la veille de la date limite de la déclaration trimestrielle."),
        ),
    ),
    Topic(
        "rsa-orientation",
        "Le RSA et le rendez-vous d'orientation",
        "RSA, convocation, accompagnement",
        (
            (
                K.IRRITANT,
                "La convocation au rendez-vous d'orientation fait peur : on croit à un contrôle.",
            ),
            (K.PROPOSAL, "Réécrire la convocation avec les habitants du lab."),
            (K.NEED, "Pouvoir venir au rendez-vous avec une personne de confiance."),
        ),
    ),
    Topic(
        "indus",
        "Les contrôles et les indus",
        "indu, dette, remise",
        (
            (
                K.IRRITANT,
                "On découvre un indu de plusieurs mois d'un coup, avec une retenue qui "
                "déséquilibre tout le budget.",
            ),
            (
                K.PROPOSAL,
                "Un plan de remboursement proposé d'office, adapté au reste à vivre.",
            ),
            (K.NEED, "Savoir qu'on peut demander une remise de dette, et comment."),
        ),
    ),
    Topic(
        "accueil-proximite",
        "L'accueil de la Caf près de chez soi",
        "accueil, proximité, numérique",
        (
            (
                K.IRRITANT,
                "Le point d'accueil le plus proche est à quarante minutes en car, deux fois "
                "par jour.",
            ),
            (K.IDEA, "Une permanence mensuelle de la Caf au centre social."),
            (K.NEED, "Être aidé pour scanner et envoyer les justificatifs."),
        ),
    ),
    Topic(
        "sms",
        "Les SMS et courriels de la Caf",
        "SMS, notifications, arnaques",
        (
            (
                K.IRRITANT,
                "Le SMS « un document est disponible » ne dit pas lequel : on croit à une arnaque.",
            ),
            (K.PROPOSAL, "Dire dans le SMS de quoi il s'agit, sans donnée personnelle."),
            (
                K.IDEA,
                "Un code couleur sur les courriers : information, action à faire, décision.",
            ),
        ),
    ),
    Topic(
        "france-services",
        "France services et la Caf",
        "France services, accompagnement, visio",
        (
            (
                K.NEED,
                "Que l'agent de France services puisse voir où en est le dossier à la Caf.",
            ),
            (K.IRRITANT, "On est renvoyé de France services à la Caf, et inversement."),
            (K.PROPOSAL, "Un rendez-vous en visio avec la Caf depuis France services."),
        ),
    ),
)

SEPARATION = (
    Topic(
        "lancement-separes",
        "Lancement : ce que vit un parent séparé face à la Caf",
        "séparation, démarches, parcours",
        (
            (
                K.IRRITANT,
                "Après la séparation, il faut prévenir la Caf, les impôts, la CPAM : personne "
                "ne fait le lien.",
            ),
            (K.NEED, "Un parcours « je me sépare » qui liste les démarches dans l'ordre."),
            (
                K.IRRITANT,
                "Le partage des allocations en résidence alternée est mal expliqué.",
            ),
        ),
    ),
    Topic(
        "releve-lecture",
        "Le relevé de dettes Aripa : première lecture",
        "Aripa, relevé de dettes, pension alimentaire",
        (
            (
                K.IRRITANT,
                "Le relevé de dettes mélange les pensions dues, les frais et les sommes déjà "
                "recouvrées : on ne sait pas ce qu'on doit vraiment.",
            ),
            (
                K.IRRITANT,
                "Les dates du relevé sont celles des traitements, pas des mois de pension : "
                "impossible de les rapprocher de ses virements.",
            ),
            (K.NEED, "Voir d'abord le total restant dû, en gros, puis le détail."),
            (
                K.PROPOSAL,
                "Une ligne par mois de pension : montant dû, montant payé, reste à payer.",
            ),
        ),
        solicitation="aripa",
    ),
    Topic(
        "releve-agents",
        "Le relevé de dettes Aripa : atelier avec les agents de l'Aripa",
        "Aripa, relevé de dettes, agents",
        (
            (
                K.IRRITANT,
                "Côté agents : après l'envoi des relevés, la moitié des appels portent sur la "
                "même question, « pourquoi ce montant ? ».",
            ),
            (
                K.PROPOSAL,
                "Ajouter au relevé un encadré « comment ce montant est calculé », relu par des "
                "parents.",
            ),
            (K.IDEA, "Un QR code sur le relevé vers une vidéo qui l'explique."),
            (
                K.NEED,
                "Les agents ont besoin d'un relevé qu'ils peuvent lire ligne par ligne avec le "
                "parent au téléphone.",
            ),
        ),
        solicitation="aripa",
    ),
    Topic(
        "releve-maquette",
        "Le relevé de dettes Aripa : tester la nouvelle maquette",
        "Aripa, relevé de dettes, maquette",
        (
            (
                K.PROPOSAL,
                "Remplacer « créance » par « pension non payée » dans tout le relevé.",
            ),
            (
                K.IRRITANT,
                "Le parent débiteur reçoit le relevé sans savoir qu'il peut demander un "
                "échéancier.",
            ),
            (
                K.PROPOSAL,
                "Terminer le relevé par « vos solutions » : échéancier, contestation, contact.",
            ),
        ),
        solicitation="aripa",
    ),
    Topic(
        "intermediation",
        "L'intermédiation financière des pensions alimentaires",
        "intermédiation financière, pension alimentaire",
        (
            (
                K.IRRITANT,
                "L'intermédiation est automatique depuis 2023, mais beaucoup de parents "
                "ignorent qu'elle existe.",
            ),
            (K.NEED, "Savoir combien de temps prend la mise en place de l'intermédiation."),
            (
                K.IDEA,
                "Une information sur l'intermédiation remise par le greffe avec le jugement.",
            ),
        ),
    ),
    Topic(
        "violences",
        "Séparation et violences conjugales : protéger le parent",
        "violences conjugales, confidentialité, Aripa",
        (
            (
                K.NEED,
                "Que l'adresse du parent victime ne figure jamais sur un document envoyé à "
                "l'autre parent.",
            ),
            (
                K.PROPOSAL,
                "Une mention « situation de violence » qui déclenche un circuit protégé dans "
                "tout le dossier.",
            ),
        ),
    ),
    Topic(
        "asf",
        "L'allocation de soutien familial",
        "ASF, pension alimentaire",
        (
            (
                K.IRRITANT,
                "L'ASF différentielle est incomprise : pourquoi toucher 30 € quand la pension "
                "est de 150 € ?",
            ),
            (K.PROPOSAL, "Un schéma simple : pension + ASF = montant garanti."),
            (
                K.NEED,
                "Savoir que l'ASF peut être versée pendant la procédure de fixation de la pension.",
            ),
        ),
    ),
    Topic(
        "voyage-apprenant",
        "Retour du voyage apprenant à Marseille : faire vivre la communauté",
        "collectif, communauté, mobilisation",
        (
            (
                K.NEED,
                "Garder les parents mobilisés entre deux ateliers, avec un groupe de messagerie "
                "animé par la Caf.",
            ),
            (K.IDEA, "Un atelier commun en visio avec l'autre living lab « séparation »."),
            (
                K.PROPOSAL,
                "Un retour de la Cnaf sur chaque proposition, pour que les parents voient "
                "l'effet de leur participation.",
            ),
        ),
        since=date(2025, 12, 1),
    ),
)

# The life of a lab: subjects any lab works on between two national topics.
GENERIC = (
    Topic(
        "evaluation",
        "Entretiens collectifs pour l'évaluation des living labs",
        "évaluation, recherche, vie du lab",
        (
            (K.NEED, "Que le chercheur revienne présenter ses résultats au groupe."),
            (K.IDEA, "Mesurer aussi ce que la participation change pour les membres."),
        ),
        since=date(2025, 6, 1),
    ),
    Topic(
        "accueil-membres",
        "Accueil des nouveaux membres et charte du groupe",
        "vie du lab, accueil",
        (
            (K.NEED, "Recevoir le compte rendu de l'atelier par SMS, pas seulement par courriel."),
            (K.IDEA, "Un binôme entre un ancien et un nouveau membre pour le premier atelier."),
        ),
    ),
    Topic(
        "choix-sujets",
        "Choisir ensemble les sujets des prochains mois",
        "vie du lab, programme",
        (
            (
                K.PROPOSAL,
                "Garder un atelier sur trois pour les sujets proposés par les membres.",
            ),
            (K.NEED, "Connaître le calendrier du trimestre à l'avance pour s'organiser."),
        ),
    ),
    Topic(
        "simulateur",
        "Tester le simulateur de droits de caf.fr",
        "simulateur, caf.fr",
        (
            (
                K.IRRITANT,
                "Le simulateur demande des informations qu'on ne trouve que sur l'avis "
                "d'imposition.",
            ),
            (K.PROPOSAL, "Dire au début du simulateur quels papiers préparer."),
        ),
    ),
    Topic(
        "lecture-courrier",
        "Lire ensemble un courrier de la Caf",
        "courriers, lisibilité",
        (
            (
                K.IRRITANT,
                "Les références réglementaires en bas du courrier inquiètent plus qu'elles "
                "n'aident.",
            ),
            (K.PROPOSAL, "Un numéro de téléphone direct pour les questions sur ce courrier."),
        ),
    ),
    Topic(
        "rendez-vous",
        "Prendre rendez-vous avec la Caf",
        "rendez-vous, accueil",
        (
            (K.IRRITANT, "Les créneaux de rendez-vous partent en quelques minutes le lundi matin."),
            (
                K.IDEA,
                "Proposer un rappel téléphonique plutôt qu'un rendez-vous quand la question est "
                "simple.",
            ),
        ),
    ),
    Topic(
        "retour-cnaf",
        "Retour de la Cnaf sur nos propositions",
        "vie du lab, suites données",
        (
            (
                K.NEED,
                "Savoir ce que deviennent nos propositions, même quand elles ne sont pas retenues.",
            ),
            (K.IDEA, "Un tableau de suivi des propositions affiché au centre social."),
        ),
    ),
    Topic(
        "photolangage",
        "Photolangage : ma relation à la Caf",
        "relation de service, accueil",
        (
            (K.IRRITANT, "On a l'impression d'être un numéro de dossier."),
            (
                K.NEED,
                "Être appelé par son nom au téléphone et à l'accueil, pas par son numéro "
                "allocataire.",
            ),
        ),
    ),
    Topic(
        "notifications",
        "Les notifications de la Caf par SMS et courriel",
        "notifications, numérique",
        (
            (K.IRRITANT, "Trop de courriels « votre situation a changé » sans rien de nouveau."),
            (K.PROPOSAL, "Regrouper les notifications en un message par semaine au plus."),
        ),
    ),
    Topic(
        "collectif",
        "Préparer la rencontre du collectif des living labs",
        "collectif, vie du lab",
        (
            (K.IDEA, "Un atelier commun en visio avec un autre living lab une fois par an."),
            (K.NEED, "Pouvoir rencontrer les membres des autres labs."),
        ),
    ),
    Topic(
        "bilan",
        "Bilan de l'année et organisation des ateliers",
        "vie du lab, bilan",
        (
            (K.NEED, "Plus d'ateliers en fin de journée pour celles et ceux qui travaillent."),
            (K.IDEA, "Faire garder les enfants sur place pendant les ateliers."),
        ),
    ),
    Topic(
        "appli-justificatifs",
        "Envoyer ses justificatifs avec l'application",
        "application, justificatifs",
        (
            (
                K.IRRITANT,
                "L'application n'envoie pas un justificatif de plus d'une page.",
            ),
            (K.PROPOSAL, "Photographier plusieurs pages d'un document dans un seul envoi."),
        ),
    ),
)
OPEN_TOPIC = Topic(
    "vacances-information",
    "Les aides aux vacances des familles : l'information",
    "vacances, information",
    (),
    solicitation="vacances",
)
FALLBACK_TITLE = "Atelier ouvert : les questions du moment"

TOPICS = {topic.key: topic for topic in (*PARENTING, *DISABILITY, *YOUTH, *RIGHTS, *SEPARATION)}
TOPICS[OPEN_TOPIC.key] = OPEN_TOPIC

REJECTION_REASONS = {
    Lab.Theme.PARENTING: (
        "La règle de calcul est fixée par le code de la sécurité sociale : elle ne peut "
        "changer que par la loi.",
        "Le système d'information ne le permet pas avant sa refonte ; à reprendre en 2027.",
        "Déjà couvert par le rendez-vous des droits : il faut surtout mieux le faire connaître.",
    ),
    Lab.Theme.DISABILITY: (
        "Relève de la MDPH et du Département, pas de la Caf : transmis à la MDPH.",
        "La règle est fixée par décret : elle ne peut pas changer localement.",
        "Le système d'information ne le permet pas avant sa refonte ; à reprendre en 2027.",
    ),
    Lab.Theme.YOUTH: (
        "La règle de calcul est fixée par le code de la construction et de l'habitation.",
        "Coût jugé disproportionné pour le nombre de jeunes concernés.",
        "Déjà prévu dans la refonte de caf.fr : la proposition y est versée.",
    ),
    Lab.Theme.RIGHTS: (
        "La période de référence des ressources est fixée par la loi.",
        "Le système d'information ne le permet pas avant sa refonte ; à reprendre en 2027.",
        "Déjà couvert par le rendez-vous des droits : il faut surtout mieux le faire connaître.",
    ),
    Lab.Theme.SEPARATION: (
        "Relève du juge aux affaires familiales, pas de l'Aripa.",
        "Le délai de recouvrement est fixé par la loi.",
        "Le système d'information de l'Aripa ne le permet pas avant 2027.",
    ),
}

# The labs ----------------------------------------------------------------------------------------
LABS = (
    LabSpec(
        slug="lab-parentalite-isere",
        name="Lab parentalité",
        caf="38",
        theme=Lab.Theme.PARENTING,
        venue="Centre social Chorier-Berriat",
        city="Grenoble",
        created_on=date(2021, 10, 5),
        description=(
            "Le plus ancien des living labs de la branche Famille : des parents de "
            "l'agglomération grenobloise et des agents de la Caf de l'Isère travaillent ensemble, "
            "chaque mois, à des services plus simples pour les familles. Le lab accompagne "
            "aussi les living labs en préparation."
        ),
        room="Centre social Chorier-Berriat, salle du rez-de-chaussée",
        nth=2,
        weekday=1,  # Tuesday evening, after work
        start=time(18, 0),
        minutes=120,
        months=(
            (2023, 3),
            (2023, 6),
            (2023, 10),
            *_months(2024, (1, 2, 3, 4, 5, 6, 9, 10, 11, 12)),
            *_months(2025, ALL_BUT_AUGUST),
        ),
        members=20,
        profiles=((P.PARENT, 0.7), (P.SEPARATED, 0.1), (P.RESIDENT, 0.1), (P.PROFESSIONAL, 0.1)),
        propensity=(0.45, 0.85),
        topics=(
            "logement-familles",
            "logement-etudiants",
            "courriers",
            "horaires-atypiques",
            "monenfant",
            "naissance",
            "vacances-loisirs",
            "laep",
            "asf-pension",
            "appli",
            "vingt-ans",
            "garde-alternee",
            "vacances-information",
        ),
        leavers=3,
        dormant=3,
        anonymised=1,
        demo_agent=True,
    ),
    LabSpec(
        slug="living-lab-handicap-haute-vienne",
        name="Living lab Handicap",
        caf="87",
        theme=Lab.Theme.DISABILITY,
        venue="Centre social du Val de l'Aurence",
        city="Limoges",
        created_on=date(2023, 3, 21),
        description=(
            "Des parents d'enfants en situation de handicap, des aidants et des adultes "
            "allocataires de l'AAH améliorent avec la Caf de la Haute-Vienne l'information et "
            "les démarches liées au handicap : AEEH, AAH, AJPP, accueil des enfants."
        ),
        room="Centre social du Val de l'Aurence, salle accessible du 1er étage (ascenseur)",
        nth=1,
        weekday=3,  # Thursday afternoon
        start=time(14, 0),
        minutes=150,
        months=_months(2024, (2, 4, 6, 9, 10, 12)) + _months(2025, ALL_BUT_AUGUST),
        members=16,
        profiles=((P.PARENT, 0.45), (P.CARER, 0.3), (P.RESIDENT, 0.15), (P.PROFESSIONAL, 0.1)),
        propensity=(0.45, 0.85),
        topics=(
            "aeeh-dossier",
            "ajpp",
            "aah-deconjugalisation",
            "accessibilite",
            "accueil-handicap",
            "repit",
            "loisirs-inclusion",
            "aeeh-pch",
            "mdph",
        ),
    ),
    LabSpec(
        slug="living-lab-acces-aux-droits-finistere",
        name="Living lab Accès aux droits du Finistère",
        caf="29",
        theme=Lab.Theme.RIGHTS,
        venue="Maison Solidaire de Kermarron",
        city="Douarnenez",
        created_on=date(2024, 1, 16),
        description=(
            "Chaque mois, une douzaine d'habitants de Douarnenez réfléchissent avec la Caf du "
            "Finistère aux sujets portés par la branche Famille — montant net social, "
            "déclaration trimestrielle pré-remplie, non-recours — et font remonter leurs "
            "propres propositions, notamment sur la considération de la cellule familiale."
        ),
        room="Maison Solidaire de Kermarron, grande salle",
        nth=3,
        weekday=0,  # Monday afternoon
        start=time(14, 0),
        minutes=150,
        months=_months(2024, (2, 3, 4, 5, 6, 7, 9, 10, 11, 12)) + _months(2025, ALL_BUT_AUGUST),
        members=15,
        profiles=((P.RESIDENT, 0.6), (P.PARENT, 0.3), (P.YOUNG, 0.1)),
        propensity=(0.7, 0.92),
        topics=(
            "non-recours-vienne",
            "cellule-familiale",
            "parcours-dossier",
            "mns",
            "dtr-essai",
            "dtr-cas",
            "sms",
            "prime-activite",
            "france-services",
            "accueil-proximite",
            "indus",
            "rsa-orientation",
        ),
        leavers=2,
    ),
    LabSpec(
        slug="living-lab-acces-aux-droits-ain",
        name="Living lab Accès aux droits de l'Ain",
        caf="01",
        theme=Lab.Theme.RIGHTS,
        venue="Centre social de la Reyssouze",
        city="Bourg-en-Bresse",
        created_on=date(2025, 2, 4),
        description=(
            "Créé en 2025, le living lab réunit des habitants de Bourg-en-Bresse et des "
            "communes voisines, allocataires du RSA ou de la prime d'activité, pour rendre les "
            "démarches plus simples et lutter contre le non-recours."
        ),
        room="Centre social de la Reyssouze, salle des associations",
        nth=3,
        weekday=3,  # Thursday morning
        start=time(9, 30),
        minutes=150,
        months=_months(2025, (3, 4, 5, 6, 7, 9, 10, 11, 12)),
        members=12,
        profiles=((P.RESIDENT, 0.6), (P.PARENT, 0.3), (P.YOUNG, 0.1)),
        propensity=(0.5, 0.85),
        topics=(
            "dtr-essai",
            "dtr-cas",
            "non-recours",
            "prime-activite",
            "indus",
            "accueil-proximite",
            "france-services",
            "sms",
            "rsa-orientation",
            "vacances-information",
        ),
        leavers=1,
    ),
    LabSpec(
        slug="living-lab-jeunesse-drome",
        name="Living lab Jeunesse de la Drôme",
        caf="26",
        theme=Lab.Theme.YOUTH,
        venue="Centre social Le Polygone",
        city="Valence",
        created_on=date(2025, 3, 11),
        description=(
            "Créé en 2025 avec la Mission locale, le living lab associe des jeunes de 16 à 25 "
            "ans — lycéens, apprentis, étudiants, jeunes actifs et jeunes parents — à la "
            "conception des aides et de l'information de la Caf de la Drôme."
        ),
        room="Centre social Le Polygone, espace jeunes",
        nth=2,
        weekday=2,  # Wednesday, late afternoon
        start=time(17, 30),
        minutes=120,
        months=_months(2025, (4, 5, 6, 7, 9, 10, 11, 12)),
        members=14,
        profiles=((P.YOUNG, 0.85), (P.PARENT, 0.1), (P.PROFESSIONAL, 0.05)),
        propensity=(0.4, 0.8),
        topics=(
            "restitution-autonomie",
            "aides-jeunes",
            "premier-logement",
            "decohabitation",
            "prime-apprentis",
            "compte-en-ligne",
            "jobs-ete",
            "jeunes-parents",
            "vacances-information",
        ),
        leavers=2,
    ),
    LabSpec(
        slug="living-lab-parents-separes-haute-garonne",
        name="Living lab Parents séparés de la Haute-Garonne",
        caf="31",
        theme=Lab.Theme.SEPARATION,
        venue="Maison des familles de la Caf",
        city="Toulouse",
        created_on=date(2025, 4, 15),
        description=(
            "Créé en 2025 avec la référente innovation de la région, le living lab réunit des "
            "parents séparés et des agents en charge de l'Aripa pour améliorer les parcours de "
            "la Caf et les outils de l'Aripa, en particulier l'information des parents."
        ),
        room="Maison des familles, salle Garonne",
        nth=1,
        weekday=5,  # Saturday morning
        start=time(10, 0),
        minutes=120,
        months=_months(2025, (5, 6, 7, 9, 10, 11, 12)),
        members=13,
        profiles=((P.SEPARATED, 0.75), (P.AGENT, 0.25)),
        propensity=(0.5, 0.85),
        topics=(
            "voyage-apprenant",
            "lancement-separes",
            "releve-lecture",
            "releve-agents",
            "releve-maquette",
            "intermediation",
            "asf",
            "violences",
        ),
        leavers=1,
    ),
    LabSpec(
        slug="living-lab-parents-separes-alpes-maritimes",
        name="Living lab Parents séparés des Alpes-Maritimes",
        caf="06",
        theme=Lab.Theme.SEPARATION,
        venue="Centre social de l'Ariane",
        city="Nice",
        created_on=date(2025, 5, 20),
        description=(
            "Créé en 2025 avec le référent innovation de la région, le living lab associe des "
            "parents séparés et des agents de l'Aripa à l'amélioration de l'information sur les "
            "pensions alimentaires, dont le relevé de dettes Aripa."
        ),
        room="Centre social de l'Ariane, salle polyvalente",
        nth=4,
        weekday=1,  # Tuesday evening
        start=time(18, 0),
        minutes=120,
        months=_months(2025, (5, 6, 7, 9, 10, 11, 12)),
        members=11,
        profiles=((P.SEPARATED, 0.8), (P.AGENT, 0.2)),
        propensity=(0.5, 0.85),
        topics=(
            "voyage-apprenant",
            "lancement-separes",
            "releve-lecture",
            "releve-agents",
            "releve-maquette",
            "asf",
            "intermediation",
        ),
        leavers=1,
    ),
)

SOLICITATIONS = (
    SolicitationSpec(
        key="mns",
        title="Montant net social : la ligne à déclarer",
        requester=DPFS,
        brief=(
            "Depuis 2024, le montant net social figure sur les bulletins de paie pour faciliter "
            "la déclaration des ressources du RSA et de la prime d'activité. Les allocataires "
            "le trouvent-ils ? Savent-ils lequel des montants déclarer ?"
        ),
        deliverable="Les irritants et des propositions pour l'aide en ligne de la déclaration",
        created=date(2024, 3, 4),
        deadline=date(2024, 6, 28),
        labs=("living-lab-acces-aux-droits-finistere",),
        answered=date(2024, 7, 8),
        closed=True,
        synthesis=(
            "Les habitants du living lab de Douarnenez ne repèrent pas le montant net social "
            "sur leur bulletin : il est en bas de page, au milieu de deux autres « nets ». Ceux "
            "qui ont plusieurs employeurs ne savent pas s'il faut additionner les montants.\n\n"
            "Propositions : montrer dans la déclaration une image de bulletin où la ligne est "
            "entourée ; une aide dédiée aux employeurs multiples."
        ),
    ),
    SolicitationSpec(
        key="dtr",
        title="Déclaration trimestrielle de ressources pré-remplie",
        requester=DPFS,
        brief=(
            "La déclaration trimestrielle du RSA et de la prime d'activité sera pré-remplie "
            "avec les montants connus du dispositif de ressources mensuelles. Testez-la avec "
            "les habitants : comprennent-ils d'où viennent les montants, osent-ils les "
            "corriger ?"
        ),
        deliverable="Un retour d'usage sur la maquette et les situations mal couvertes",
        created=date(2025, 1, 13),
        deadline=date(2025, 4, 30),
        labs=("living-lab-acces-aux-droits-finistere", "living-lab-acces-aux-droits-ain"),
        answered=date(2025, 5, 20),
        synthesis=(
            "Les deux living labs accès aux droits (Ain et Finistère) ont testé la déclaration "
            "pré-remplie en quatre ateliers.\n\n"
            "Ce qui bloque : les montants pré-remplis sans leur origine (employeur, mois), la "
            "peur d'être sanctionné en cas d'erreur, les allocations de France Travail parfois "
            "absentes, les travailleurs indépendants sans pré-remplissage.\n\n"
            "Propositions retenues pour la prochaine version : l'employeur et le mois à côté "
            "de chaque montant, un bouton « je ne suis pas d'accord avec ce montant », un "
            "tutoriel vidéo pour la première déclaration."
        ),
    ),
    SolicitationSpec(
        key="logement",
        title="Parcours logement des familles et des jeunes",
        requester=DPFS,
        brief=(
            "Dans le cadre des travaux nationaux sur la doctrine logement, recueillir "
            "l'expérience de familles et de jeunes sur leurs parcours de logement et leur "
            "relation aux services publics."
        ),
        deliverable="Deux focus groupes (étudiants, jeunes parents) et leur synthèse",
        created=date(2025, 1, 20),
        deadline=date(2025, 3, 14),
        labs=("lab-parentalite-isere",),
        answered=date(2025, 4, 2),
        synthesis=(
            "Les focus groupes du Lab parentalité mettent en lumière la complexité de la "
            "décohabitation des jeunes, malgré l'appui des dispositifs publics, et des attentes "
            "fortes de simplification des aides et d'accompagnement global. Côté parents, les "
            "parcours résidentiels suivent les trajectoires familiales et professionnelles.\n\n"
            "Pistes : un simulateur « mon enfant quitte le foyer », un interlocuteur unique "
            "pour le premier logement, une information dès le lycée."
        ),
    ),
    SolicitationSpec(
        key="ajpp",
        title="AJPP : l'expérience des parents aidants",
        requester=DPFS,
        brief=(
            "L'allocation journalière de présence parentale reste peu connue. Recueillir "
            "l'expérience des parents qui l'ont demandée, ou auraient pu, de l'annonce du "
            "diagnostic au renouvellement."
        ),
        deliverable="Les irritants du parcours et des propositions d'information",
        created=date(2025, 3, 3),
        deadline=date(2025, 5, 30),
        labs=("living-lab-handicap-haute-vienne",),
        answered=date(2025, 6, 20),
        synthesis=(
            "Les parents du living lab de Limoges découvrent l'AJPP tard, souvent par une "
            "autre famille. Le renouvellement du certificat médical et la déclaration mensuelle "
            "des jours pèsent quand l'enfant est hospitalisé.\n\n"
            "Propositions : remettre le formulaire à l'hôpital avec le compte rendu "
            "d'hospitalisation ; alléger la déclaration mensuelle."
        ),
    ),
    SolicitationSpec(
        key="aripa",
        title="Relevé de dettes Aripa",
        requester=ARIPA,
        brief=(
            "Le relevé de dettes envoyé aux parents débiteurs et créanciers suscite de "
            "nombreux appels. Travaillez-le avec des parents séparés et des agents de l'Aripa : "
            "qu'est-ce qui empêche de le comprendre, que faudrait-il changer ?"
        ),
        deliverable="Des propositions d'amélioration pratiques du relevé, testées sur maquette",
        created=date(2025, 6, 2),
        deadline=date(2025, 10, 31),
        labs=(
            "living-lab-parents-separes-haute-garonne",
            "living-lab-parents-separes-alpes-maritimes",
        ),
        answered=date(2025, 11, 18),
        synthesis=(
            "Les deux living labs « Parents séparés » (Toulouse et Nice) ont mené six ateliers "
            "sur le relevé de dettes, avec des parents séparés d'une part et des agents de "
            "l'Aripa d'autre part.\n\n"
            "Irritants récurrents : un relevé qui mélange pensions dues, frais et sommes "
            "recouvrées ; des dates de traitement au lieu des mois de pension ; aucune solution "
            "proposée au parent débiteur.\n\n"
            "Propositions : le total restant dû en tête ; une ligne par mois de pension (dû, "
            "payé, reste) ; « pension non payée » au lieu de « créance » ; un encadré sur le "
            "calcul relu par des parents ; une dernière partie « vos solutions » (échéancier, "
            "contestation, contact)."
        ),
    ),
    SolicitationSpec(
        key="jeunes",
        title="Autonomie des jeunes : le premier logement",
        requester=DPFS,
        brief=(
            "Les aides au logement des jeunes qui quittent le foyer familial : comment les "
            "jeunes et leurs familles les découvrent, les simulent et les demandent."
        ),
        deliverable="Les attentes des jeunes pour le parcours « premier logement » de caf.fr",
        created=date(2025, 9, 1),
        deadline=date(2025, 11, 28),
        labs=("living-lab-jeunesse-drome",),
        answered=date(2025, 12, 15),
        synthesis=(
            "Les jeunes du living lab de Valence demandent un simulateur qui parte de leur "
            "situation du moment (apprenti, étudiant, premier emploi) et une simulation pour "
            "toute la famille avant le départ du foyer, pour éviter les mauvaises surprises."
        ),
    ),
    SolicitationSpec(
        key="vacances",
        title="Aides aux vacances des familles : l'information",
        requester=DPFS,
        brief=(
            "Les familles découvrent souvent trop tard leurs aides aux vacances. Comment, quand "
            "et par quel canal voudraient-elles en être informées ?"
        ),
        deliverable="Les moments et les canaux d'information attendus par les familles",
        created=None,  # open now: asked three weeks before the day of seeding
        deadline=None,
        labs=(
            "lab-parentalite-isere",
            "living-lab-jeunesse-drome",
            "living-lab-acces-aux-droits-ain",
        ),
    ),
)

THEME_TOPICS = {
    Lab.Theme.PARENTING: PARENTING,
    Lab.Theme.DISABILITY: DISABILITY,
    Lab.Theme.YOUTH: YOUTH,
    Lab.Theme.RIGHTS: RIGHTS,
    Lab.Theme.SEPARATION: SEPARATION,
}

FORMATS = (
    "Tour de table, puis travail en petits groupes.",
    "Lecture collective de documents réels, rendus anonymes.",
    "Mise en situation sur ordinateur et sur smartphone.",
    "Photolangage, puis discussion en grand groupe.",
    "Échange avec deux agents de la Caf invités pour l'occasion.",
)


# Seeding -----------------------------------------------------------------------------------------
def seed(ctx: SeedContext) -> None:
    now = timezone.now()
    existing = set(
        Lab.objects.filter(slug__in=[spec.slug for spec in LABS]).values_list("slug", flat=True)
    )
    solicitations = _seed_solicitations(now)
    cafs = {caf.number: caf for caf in Caf.objects.filter(number__in={s.caf for s in LABS})}
    for spec in LABS:
        if spec.slug not in existing:
            _seed_lab(ctx, spec, caf=cafs[spec.caf], solicitations=solicitations, now=now)
    labs = {lab.slug: lab for lab in Lab.objects.filter(slug__in=[s.slug for s in LABS])}
    for sol in SOLICITATIONS:
        solicitations[sol.key].labs.add(*(labs[slug] for slug in sol.labs))
    services.members_flag_inactive(today=timezone.localdate(now))

    seeded = Lab.objects.filter(slug__in=labs)
    figures = seeded.aggregate(
        members=Count("members", distinct=True), workshops=Count("workshops", distinct=True)
    )
    workshops = Workshop.objects.filter(lab__in=seeded)
    in_year = workshops.filter(starts_at__year=ctx.year, starts_at__lt=now).count()
    contributions = Contribution.objects.filter(workshop__lab__in=seeded).count()
    ctx.log(
        f"  {len(labs)} living labs, {figures['members']} membres, {figures['workshops']} "
        f"ateliers (dont {in_year} tenus en {ctx.year}), {contributions} contributions, "
        f"{len(solicitations)} sollicitations"
    )


def _seed_solicitations(now: datetime) -> dict[str, Solicitation]:
    found = {s.title: s for s in Solicitation.objects.filter(title__in=_titles())}
    author = User.objects.filter(email=STAFF_EMAIL).first()
    result = {}
    for spec in SOLICITATIONS:
        solicitation = found.get(spec.title)
        if solicitation is None:
            created, deadline = _window(spec, now)
            status = Solicitation.Status.OPEN
            if spec.answered:
                status = Solicitation.Status.CLOSED if spec.closed else Solicitation.Status.ANSWERED
            solicitation = Solicitation.objects.create(
                title=spec.title,
                requester=spec.requester,
                brief=spec.brief,
                deliverable=spec.deliverable,
                deadline=deadline,
                status=status,
                synthesis=spec.synthesis,
                created_by=author,
                created_at=_at(created, time(10, 0)),
                answered_at=_at(spec.answered, time(16, 0)) if spec.answered else None,
            )
        result[spec.key] = solicitation
    return result


def _titles() -> list[str]:
    return [spec.title for spec in SOLICITATIONS]


def _window(spec: SolicitationSpec, now: datetime) -> tuple[date, date]:
    if spec.created is not None and spec.deadline is not None:
        return spec.created, spec.deadline
    today = timezone.localdate(now)
    return today - timedelta(days=21), today + timedelta(days=70)


@dataclass
class _Person:
    pseudonym: str
    first_name: str
    last_name: str
    email: str
    phone: str
    profile: str
    joined_on: date
    left_on: date | None
    propensity: float
    dormant_after: date | None = None
    anonymised: bool = False
    last_seen_on: date | None = None


@dataclass
class _Session:
    starts_at: datetime
    ends_at: datetime
    topic: Topic | None = None
    title: str = ""
    remote: bool = False


def _seed_lab(
    ctx: SeedContext, spec: LabSpec, *, caf: Caf, solicitations: dict[str, Solicitation], now
) -> None:
    rng = ctx.random(f"livinglabs.{spec.slug}")
    lab = Lab.objects.create(
        name=spec.name,
        slug=spec.slug,
        caf=caf,
        theme=spec.theme,
        venue=spec.venue,
        city=spec.city,
        created_on=spec.created_on,
        description=spec.description,
        status=Lab.Status.ACTIVE,
    )
    facilitators = _facilitators(rng, spec, caf)
    lab.facilitators.set(facilitators)

    sessions = _sessions(rng, spec, now)
    _assign_topics(spec, sessions, now, year=ctx.year)
    people = _people(rng, spec)
    past = [s for s in sessions if s.starts_at <= now]
    attendance = _attendance(rng, people, past)

    members = Member.objects.bulk_create(_member(person, spec, lab) for person in people)
    anonymised = [m for m, p in zip(members, people, strict=True) if p.anonymised]
    for member in anonymised:
        member.pseudonym = f"Membre anonymisé n°{member.pk}"
    Member.objects.bulk_update(anonymised, ["pseudonym"])

    ids = {s.starts_at: s for s in sessions}
    workshops = Workshop.objects.bulk_create(
        Workshop(
            lab=lab,
            topic=session.title,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            mode=Workshop.Mode.REMOTE if session.remote else Workshop.Mode.ONSITE,
            place=(
                "Visioconférence (le lien est envoyé avec l'invitation)"
                if session.remote
                else spec.room
            ),
            solicitation=(
                solicitations[session.topic.solicitation]
                if session.topic and session.topic.solicitation
                else None
            ),
            minutes=_minutes(rng, session, attendance.get(session.starts_at, []), sessions)
            if session.starts_at <= now
            else "",
        )
        for session in ids.values()
    )
    Through = Workshop.facilitators.through
    Through.objects.bulk_create(
        Through(workshop_id=workshop.pk, user_id=user.pk)
        for workshop in workshops
        for user in facilitators
    )
    invitations, contributions = [], []
    for workshop in workshops:
        session = ids[workshop.starts_at]
        invited_at = workshop.starts_at - timedelta(days=14)
        if workshop.starts_at <= now:
            for index, came in attendance[workshop.starts_at]:
                invitations.append(
                    Invitation(
                        workshop=workshop,
                        member=members[index],
                        invited_at=invited_at,
                        attended=came,
                    )
                )
            contributions += _contributions(rng, spec, workshop, session)
        else:
            invitations += [
                Invitation(workshop=workshop, member=members[index], invited_at=invited_at)
                for index in _eligible(people, timezone.localdate(workshop.starts_at))
                if invited_at <= now
            ]
    Invitation.objects.bulk_create(invitations, batch_size=1000)
    Contribution.objects.bulk_create(contributions, batch_size=1000)


def _facilitators(rng: random.Random, spec: LabSpec, caf: Caf) -> list[User]:
    """Two agents of the lab's Caf; the demo agent is one of the Isère lab's."""
    agents = list(User.objects.filter(role=User.Role.AGENT, caf=caf).order_by("email"))
    chosen = [a for a in agents if a.email == AGENT_EMAIL and spec.demo_agent]
    others = [a for a in agents if a.email != AGENT_EMAIL]
    rng.shuffle(others)
    for agent in others:
        names = {(a.first_name, a.last_name) for a in chosen}
        if len(chosen) < 2 and (agent.first_name, agent.last_name) not in names:
            chosen.append(agent)
    return chosen


def _nth_weekday(year: int, month: int, nth: int, weekday: int) -> date:
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (nth - 1))


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=PARIS)


def _sessions(rng: random.Random, spec: LabSpec, now: datetime) -> list[_Session]:
    """The lab's recorded workshops, and UPCOMING ones after the day of seeding."""
    months = list(spec.months)
    today = timezone.localdate(now)
    year, month = today.year, today.month
    upcoming = sum(
        1 for y, m in months if _at(_nth_weekday(y, m, spec.nth, spec.weekday), spec.start) > now
    )
    while upcoming < UPCOMING:
        if (year, month) not in months:
            day = _nth_weekday(year, month, spec.nth, spec.weekday)
            if _at(day, spec.start) > now:
                months.append((year, month))
                upcoming += 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    sessions = []
    for y, m in sorted(months):
        starts_at = _at(_nth_weekday(y, m, spec.nth, spec.weekday), spec.start)
        sessions.append(
            _Session(
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=spec.minutes),
                remote=rng.random() < 0.08,
            )
        )
    return sessions


def _assign_topics(spec: LabSpec, sessions: list[_Session], now: datetime, *, year: int) -> None:
    """A solicitation's topics go to the lab's workshops within its window; then, the year of
    the report first, two workshops on the lab's theme for one on the life of the lab."""
    windows = {sol.key: _window(sol, now) for sol in SOLICITATIONS if spec.slug in sol.labs}
    topics = [TOPICS[key] for key in spec.topics]
    for topic in topics:
        if topic.solicitation not in windows:
            continue
        start, end = windows[topic.solicitation]
        for session in sessions:
            day = timezone.localdate(session.starts_at)
            if session.topic is None and start <= day <= end:
                session.topic = topic
                break
    used = {s.topic.key for s in sessions if s.topic}
    themed = [t for t in topics if not t.solicitation and t.key not in used]
    generic = list(GENERIC)
    free = sorted(
        (s for s in sessions if s.topic is None),
        key=lambda s: (s.starts_at.year != year, s.starts_at),
    )
    for index, session in enumerate(free):
        day = timezone.localdate(session.starts_at)
        pools = (generic, themed) if index % 3 == 2 else (themed, generic)
        for pool in pools:
            topic = next((t for t in pool if t.since is None or t.since <= day), None)
            if topic is not None:
                pool.remove(topic)
                session.topic = topic
                break
    for session in sessions:
        session.title = session.topic.title if session.topic else FALLBACK_TITLE


def _pick_profile(rng: random.Random, profiles) -> str:
    labels, weights = zip(*profiles, strict=True)
    return rng.choices(labels, weights=weights)[0]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.lower().replace(" ", "-").replace("'", "")


def _people(rng: random.Random, spec: LabSpec) -> list[_Person]:
    """The members: founders join with the lab, the others over time; some leave, a few stop
    coming (the oldest lab's dormant members), one asked to be forgotten."""
    first_names = sorted(set(FIRST_NAMES) | set(MORE_FIRST_NAMES))
    last_day = date(2025, 10, 31)
    people, taken = [], set()
    for index in range(spec.members):
        while True:
            first, last = rng.choice(first_names), rng.choice(LAST_NAMES)
            pseudonym = f"{first} {last[0]}."
            if pseudonym not in taken:
                taken.add(pseudonym)
                break
        founder = index < max(4, spec.members // 2)
        if founder:  # signed up at the launch
            joined = spec.created_on + timedelta(days=rng.randint(0, 6))
        else:
            span = (last_day - spec.created_on).days
            joined = spec.created_on + timedelta(days=rng.randint(45, max(46, span)))
        has_email = rng.random() < 0.8
        people.append(
            _Person(
                pseudonym=pseudonym,
                first_name=first,
                last_name=last,
                email=(
                    f"{_ascii(first)}.{_ascii(last)}.{spec.caf}{index:02d}@membres.caflab.demo"
                    if has_email
                    else ""
                ),
                # The range ARCEP keeps for fiction: no real number is ever dialled.
                phone=f"06 39 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}",
                profile=_pick_profile(rng, spec.profiles),
                joined_on=joined,
                left_on=None,
                propensity=rng.uniform(*spec.propensity),
            )
        )
    founders = [p for p in people if p.joined_on <= spec.created_on + timedelta(days=6)]
    for person in founders[: spec.dormant]:
        person.dormant_after = DORMANT_AFTER
    candidates = [
        p
        for p in people
        if p.dormant_after is None and p.joined_on + timedelta(days=120) < last_day
    ]
    rng.shuffle(candidates)
    leavers = candidates[: spec.leavers]
    for person in leavers:
        earliest = person.joined_on + timedelta(days=120)
        person.left_on = earliest + timedelta(days=rng.randint(0, (last_day - earliest).days))
    # The earliest leavers asked to be forgotten, long ago.
    for person in sorted(leavers, key=lambda p: p.joined_on)[: spec.anonymised]:
        person.anonymised = True
        person.left_on = min(
            person.left_on, max(person.joined_on + timedelta(days=120), date(2024, 6, 30))
        )
    return people


def _eligible(people: list[_Person], day: date) -> list[int]:
    return [
        index
        for index, person in enumerate(people)
        if person.joined_on <= day and (person.left_on is None or day < person.left_on)
    ]


def _attendance(
    rng: random.Random, people: list[_Person], past: list[_Session]
) -> dict[datetime, list[tuple[int, bool]]]:
    """For each held workshop, every member of the day invited, and whether they came (the
    founders hardly miss the launch)."""
    result = {}
    for number, session in enumerate(past):
        day = timezone.localdate(session.starts_at)
        rows = []
        for index in _eligible(people, day):
            person = people[index]
            asleep = person.dormant_after is not None and day > person.dormant_after
            chance = max(person.propensity, 0.9) if number == 0 else person.propensity
            came = not asleep and rng.random() < chance
            rows.append((index, came))
            if came and (person.last_seen_on is None or person.last_seen_on < day):
                person.last_seen_on = day
        result[session.starts_at] = rows
    return result


def _member(person: _Person, spec: LabSpec, lab: Lab) -> Member:
    """Members there when the consent text changed signed the new one; those already gone,
    or no longer coming, kept the old one."""
    gone = person.dormant_after is not None or (
        person.left_on is not None and person.left_on <= CONSENT_RENEWED
    )
    if person.joined_on >= CONSENT_RENEWED:
        consent_day, version = person.joined_on, CONSENT_VERSION
    elif gone:
        consent_day, version = person.joined_on, OLD_CONSENT_VERSION
    else:
        consent_day, version = CONSENT_RENEWED, CONSENT_VERSION
    personal = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "phone": person.phone,
    }
    anonymised_at = None
    if person.anonymised:
        personal = dict.fromkeys(personal, "")
        anonymised_at = _at(person.left_on + timedelta(days=30), time(11, 0))
    return Member(
        lab=lab,
        pseudonym=person.pseudonym,
        profile=person.profile,
        consent_at=_at(consent_day, spec.start),
        consent_version=version,
        joined_on=person.joined_on,
        left_on=person.left_on,
        last_seen_on=person.last_seen_on,
        anonymised_at=anonymised_at,
        **personal,
    )


def _minutes(rng: random.Random, session: _Session, rows, sessions: list[_Session]) -> str:
    present = sum(1 for _index, came in rows if came)
    following = next((s for s in sessions if s.starts_at > session.starts_at), None)
    lines = [
        f"{present} membres présents sur {len(rows)} invités. {rng.choice(FORMATS)}",
    ]
    if session.topic and session.topic.contributions:
        lines.append(
            "Les contributions du groupe sont consignées ci-dessous et transmises à la Cnaf "
            "par l'équipe d'animation."
        )
    if following is not None:
        lines.append(
            f"Prochain atelier le {timezone.localtime(following.starts_at):%d/%m/%Y} : "
            f"« {following.title} »."
        )
    return "\n\n".join(lines)


def _contributions(
    rng: random.Random, spec: LabSpec, workshop: Workshop, session: _Session
) -> list[Contribution]:
    topic = session.topic
    if topic is None or not topic.contributions:
        return []
    pool = list(topic.contributions)
    year = timezone.localdate(workshop.starts_at).year
    if topic in GENERIC:
        count = rng.randint(1, len(pool))
    elif topic.solicitation or (year >= 2025 and not _shared(topic)):
        count = len(pool)
    else:
        count = rng.randint(min(2, len(pool)), len(pool))
    chosen = rng.sample(pool, k=count)
    rows = []
    for position, (kind, text) in enumerate(chosen):
        status, reason = _status(rng, spec, workshop, topic)
        rows.append(
            Contribution(
                workshop=workshop,
                kind=kind,
                text=text,
                tags=topic.tags,
                status=status,
                status_reason=reason,
                created_at=workshop.ends_at + timedelta(minutes=20 + 5 * position),
            )
        )
    return rows


def _shared(topic: Topic) -> bool:
    """A topic of a theme two labs share: each keeps part of what was said."""
    return sum(1 for spec in LABS if topic.key in spec.topics) > 1


def _status(rng: random.Random, spec: LabSpec, workshop: Workshop, topic: Topic):
    """The older a contribution, the likelier it has had its follow-up."""
    day = timezone.localdate(workshop.starts_at)
    if topic.solicitation == "aripa":
        weights = (10, 65, 10, 15)
    elif day < date(2025, 1, 1):
        weights = (5, 35, 35, 25)
    elif day < date(2025, 7, 1):
        weights = (25, 40, 15, 20)
    else:
        weights = (60, 28, 4, 8)
    status = rng.choices((S.SENT, S.TAKEN, S.IMPLEMENTED, S.REJECTED), weights=weights)[0]
    reason = rng.choice(REJECTION_REASONS[spec.theme]) if status == S.REJECTED else ""
    return status, reason
