"""Demo data of Eurekaf, the idea box of the branche Famille.

The national box and the boxes of 26 Cafs: seven pilots opened in 2024 (the experimentation
phase), the others deployed during 2025. Each box has one or two managers among its Caf's
agents, its thematic campaigns, and ideas written by its agents from a bank of situations of
Caf work (accueil, prestations, contrôle, action sociale, télétravail, outils, partenaires,
aidance…): every idea follows the workflow of `Idea.TRANSITIONS`, each step is on its public
timeline with the official answer, some ideas are merged into an older one of their box, some
are put to national contribution. The national box holds the « appels à initiatives » of the
criées: AJPP (end of 2024), Aidance and Partenaires d'action sociale (2025, 31 initiatives
received) and one open in 2026.

Supports, follows and comments only come from agents who may see the box, never from the
author for a support; the counters stored on each idea equal its rows. Nothing happens after
`END`, so the data do not depend on the day the seeder runs.

A second run changes nothing: themes, boxes and managers are completed, and the campaigns and
ideas are written only when none of the demo campaigns exists yet.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from caflab import demo as core, fragments
from caflab.models import Caf, User
from caflab.seeding import SeedContext
from eurekaf.models import (
    Campaign,
    Comment,
    Follow,
    Idea,
    IdeaBox,
    IdeaStatusChange,
    InternalNote,
    Report,
    Support,
    Theme,
)

ORDER = 20

PARIS = ZoneInfo("Europe/Paris")
BATCH = 2000
END = date(2026, 11, 20)  # the last day anything happens in the demo
END_AT = datetime.combine(END, time(18), tzinfo=PARIS)
NATIONAL = "nationale"
AGENT_DOMAIN = ".agents.caflab.demo"
CRIEES_ORGANISER = "malo.tessier@caflab.demo"  # the alternant who runs the criées
DPFS = "Direction des politiques familiales et sociales (Cnaf)"

S = Idea.Status
SUB, STU, SEL, EXP, IMP, REJ, MER = (
    S.SUBMITTED.value,
    S.STUDYING.value,
    S.SELECTED.value,
    S.EXPERIMENTING.value,
    S.IMPLEMENTED.value,
    S.REJECTED.value,
    S.MERGED.value,
)

THEMES = (
    ("Accueil et relation de service", "accueil-et-relation-de-service"),
    ("Qualité de vie au travail", "qualite-de-vie-au-travail"),
    ("Numérique et outils", "numerique-et-outils"),
    ("Simplification des démarches", "simplification-des-demarches"),
    ("Partenariats", "partenariats"),
    ("Aidance", "aidance"),
    ("Organisation du travail", "organisation-du-travail"),
    ("Transition écologique", "transition-ecologique"),
    ("Accès aux droits", "acces-aux-droits"),
    ("Communication interne", "communication-interne"),
)

# The Cafs that use Eurekaf: (number, opening day, ideas to write). The first seven are the
# pilots of the experimentation; the deployment to volunteer Cafs started in 2025.
LOCAL_BOXES = (
    ("38", date(2024, 3, 4), 30),
    ("35", date(2024, 3, 18), 24),
    ("59", date(2024, 4, 8), 26),
    ("69", date(2024, 5, 13), 22),
    ("44", date(2024, 6, 3), 20),
    ("26", date(2024, 9, 9), 14),
    ("87", date(2024, 10, 7), 13),
    ("13", date(2025, 1, 20), 20),
    ("33", date(2025, 2, 10), 16),
    ("31", date(2025, 3, 10), 16),
    ("75", date(2025, 4, 7), 17),
    ("67", date(2025, 4, 22), 13),
    ("93", date(2025, 5, 12), 15),
    ("974", date(2025, 6, 2), 11),
    ("01", date(2025, 6, 23), 9),
    ("06", date(2025, 7, 7), 10),
    ("29", date(2025, 9, 1), 10),
    ("34", date(2025, 9, 8), 10),
    ("62", date(2025, 9, 22), 11),
    ("76", date(2025, 10, 6), 9),
    ("92", date(2025, 10, 13), 10),
    ("45", date(2025, 10, 27), 7),
    ("57", date(2025, 11, 3), 7),
    ("21", date(2025, 11, 17), 6),
    ("63", date(2025, 11, 24), 6),
    ("14", date(2025, 12, 1), 6),
)
NATIONAL_OPENED = date(2024, 9, 9)
NATIONAL_FREE_IDEAS = 40
ESCALATIONS = 24


# The bank of situations ------------------------------------------------------------------------
@dataclass(frozen=True)
class Seedling:
    """One situation of Caf work and what an agent proposes about it."""

    core: str  # a noun phrase: « Un SMS de rappel la veille des rendez-vous »
    question: str  # « Et si on … ? »
    goal: str  # an infinitive phrase: « réduire les rendez-vous non honorés »
    constats: tuple[str, ...]
    proposals: tuple[str, ...]
    benefit: str

    def titles(self) -> list[str]:
        titles = [self.core, self.question, f"{_cap(self.goal)} : {_lower_first(self.core)}"]
        if " pour " not in self.core:
            titles.append(f"{self.core} pour {self.goal}")
        if self.core.split(" ", 1)[0] in ("Un", "Une", "Des", "Le", "La", "Les") or (
            self.core.startswith("L'")
        ):
            titles.append(f"{_cap(self.goal)} grâce {_to(_lower_first(self.core))}")
        return titles


@dataclass(frozen=True)
class Domain:
    key: str
    themes: tuple[str, ...]
    services: tuple[tuple[str, str], ...]  # (label, « le pôle accueil »)
    details: tuple[str, ...]  # what colleagues add in comments
    seedlings: tuple[Seedling, ...]
    weight: float = 1.0


DOMAINS = (
    Domain(
        "accueil",
        ("accueil-et-relation-de-service",),
        (
            ("Pôle accueil", "le pôle accueil"),
            ("Relation de service", "le département relation de service"),
        ),
        (
            "Le lundi matin, la file d'attente déborde jusque sur le trottoir.",
            "Beaucoup d'allocataires reviennent une deuxième fois faute d'avoir la bonne pièce.",
            "Les familles nous le disent souvent au guichet.",
            "À l'antenne, les rendez-vous téléphoniques posent les mêmes difficultés.",
        ),
        (
            Seedling(
                "Un rappel téléphonique à l'heure choisie par l'allocataire",
                "Et si on rappelait les allocataires à l'heure qu'ils choisissent ?",
                "éviter les appels répétés",
                (
                    "Beaucoup d'allocataires appellent trois ou quatre fois parce qu'ils ne "
                    "peuvent "
                    "pas décrocher pendant leurs heures de travail.",
                    "Nos rappels tombent souvent au mauvais moment : l'allocataire est au travail "
                    "ou au volant, et l'appel est perdu.",
                ),
                (
                    "Je propose de laisser l'allocataire choisir un créneau de rappel d'une "
                    "demi-heure quand il prend contact.",
                    "Le serveur vocal pourrait proposer de choisir un créneau de rappel plutôt que "
                    "d'attendre en ligne.",
                ),
                "Moins d'appels entrants pour le même besoin, et des échanges plus sereins des "
                "deux côtés.",
            ),
            Seedling(
                "Un SMS de rappel la veille des rendez-vous",
                "Et si on envoyait un SMS la veille de chaque rendez-vous ?",
                "réduire les rendez-vous non honorés",
                (
                    "Près d'un rendez-vous sur cinq n'est pas honoré à l'accueil, souvent par "
                    "simple oubli.",
                    "Des créneaux restent vides chaque semaine alors que d'autres allocataires "
                    "attendent un rendez-vous.",
                ),
                (
                    "Un SMS automatique la veille, avec un lien pour annuler ou décaler, "
                    "libérerait le créneau pour quelqu'un d'autre.",
                ),
                "Les créneaux libérés pourraient être proposés aux personnes en liste d'attente.",
            ),
            Seedling(
                "Une signalétique plus lisible dans le hall d'accueil",
                "Et si on revoyait la signalétique du hall avec des pictogrammes ?",
                "orienter les allocataires dès l'entrée",
                (
                    "En entrant, les allocataires ne savent pas où aller : borne, file avec "
                    "rendez-vous ou file sans rendez-vous.",
                    "Les panneaux actuels sont petits, uniquement en texte et peu compréhensibles "
                    "pour les personnes qui lisent mal le français.",
                ),
                (
                    "Je propose des pictogrammes simples et un marquage au sol de couleur pour "
                    "chaque parcours.",
                    "Nous pourrions refaire la signalétique avec des allocataires volontaires pour "
                    "vérifier ce qui est vraiment compris.",
                ),
                "L'agent d'accueil serait moins sollicité pour des questions d'orientation.",
            ),
            Seedling(
                "Un coin enfants dans la salle d'attente",
                "Et si on aménageait un coin enfants dans la salle d'attente ?",
                "rendre l'attente plus sereine pour les familles",
                (
                    "Beaucoup de parents viennent avec de jeunes enfants et l'attente devient vite "
                    "difficile pour tout le monde.",
                    "Les entretiens sont souvent écourtés parce que l'enfant s'impatiente.",
                ),
                ("Un petit espace avec un tapis, des livres et quelques jeux lavables suffirait.",),
                "Des entretiens plus calmes et des parents plus disponibles pour écouter les "
                "explications.",
            ),
            Seedling(
                "Des rendez-vous après 17 heures pour les parents qui travaillent",
                "Et si on ouvrait quelques créneaux de rendez-vous en fin de journée ?",
                "recevoir les parents qui travaillent",
                (
                    "Les parents qui travaillent ne peuvent pas venir avant la fermeture de "
                    "l'accueil à 16 h 30.",
                    "Les familles nous demandent régulièrement des rendez-vous en fin de journée "
                    "ou le samedi matin.",
                ),
                (
                    "Je propose d'ouvrir un soir par semaine des rendez-vous jusqu'à 19 heures, "
                    "sur la base du volontariat et avec récupération des heures.",
                    "Nous pourrions tester une fin de journée par semaine en visio, sans ouvrir le "
                    "bâtiment.",
                ),
                "Les parents n'auraient plus à poser une demi-journée de congé pour venir à la "
                "Caf.",
            ),
            Seedling(
                "La liste des pièces à apporter jointe à la convocation",
                "Et si chaque convocation rappelait les pièces à apporter ?",
                "éviter les rendez-vous pour rien",
                (
                    "Un allocataire sur trois vient en rendez-vous sans la pièce qui permettrait "
                    "de "
                    "régler son dossier.",
                    "Nous devons souvent fixer un second rendez-vous parce qu'il manque un "
                    "justificatif.",
                ),
                (
                    "Je propose d'ajouter à la confirmation de rendez-vous la liste des pièces "
                    "utiles selon le motif choisi.",
                ),
                "Un seul rendez-vous au lieu de deux, et un dossier réglé le jour même.",
            ),
            Seedling(
                "Un accueil en langue des signes par visio",
                "Et si on proposait un interprète en langue des signes par visio à l'accueil ?",
                "accueillir dignement les allocataires sourds",
                (
                    "Les allocataires sourds ou malentendants doivent venir accompagnés pour être "
                    "compris.",
                    "Nous n'avons aucune solution quand une personne sourde se présente seule à "
                    "l'accueil.",
                ),
                (
                    "Une tablette reliée à un service d'interprétation à distance permettrait "
                    "d'échanger sans délai.",
                ),
                "L'allocataire garde la maîtrise de son dossier sans dépendre d'un proche.",
            ),
            Seedling(
                "Un agent d'orientation à l'entrée aux heures d'affluence",
                "Et si un agent accueillait les personnes dès l'entrée le lundi matin ?",
                "désengorger la file d'attente du lundi",
                (
                    "Le lundi matin, la file d'attente déborde jusque sur le trottoir.",
                    "Une bonne partie des personnes qui attendent pourraient être orientées en "
                    "deux minutes vers la borne ou vers caf.fr.",
                ),
                (
                    "Je propose qu'un agent, par roulement, fasse un premier tri dès l'entrée aux "
                    "heures de pointe.",
                ),
                "Moins d'attente pour tous et des conseillers disponibles pour les situations "
                "complexes.",
            ),
        ),
        weight=1.4,
    ),
    Domain(
        "prestations",
        ("simplification-des-demarches", "acces-aux-droits"),
        (
            ("Production des prestations", "le service production des prestations"),
            ("Expertise réglementaire", "le pôle expertise réglementaire"),
        ),
        (
            "Après chaque vague de courriers, le téléphone sonne sans arrêt.",
            "C'est aussi une demande récurrente des partenaires qui accompagnent les familles.",
            "Les gestionnaires passent un temps fou à réexpliquer la même chose.",
        ),
        (
            Seedling(
                "Des courriers de notification plus lisibles",
                "Et si chaque notification commençait par une phrase en langage clair ?",
                "réduire les appels après chaque courrier",
                (
                    "Après chaque vague de notifications, les appels explosent parce que les "
                    "courriers sont difficiles à comprendre.",
                    "Les allocataires ne comprennent pas pourquoi leur montant change, même quand "
                    "le courrier est juste.",
                ),
                (
                    "Je propose d'ajouter en tête de courrier une phrase simple : ce qui change, "
                    "pourquoi et à partir de quand.",
                    "Nous pourrions relire les dix courriers les plus envoyés avec des "
                    "allocataires "
                    "pour les réécrire en langage clair.",
                ),
                "Moins d'appels et de visites, et des allocataires qui font davantage confiance à "
                "nos courriers.",
            ),
            Seedling(
                "Prévenir les familles avant la fin de leurs droits",
                "Et si on prévenait les familles un mois avant la fin d'un droit ?",
                "éviter les ruptures de droits",
                (
                    "Des familles découvrent la fin d'une prestation le jour où le paiement ne "
                    "tombe pas.",
                    "Les fins de droits liées à l'âge des enfants surprennent encore beaucoup de "
                    "parents.",
                ),
                (
                    "Un message dans l'espace Mon Compte et un SMS un mois avant l'échéance "
                    "permettraient d'anticiper.",
                ),
                "Moins de situations d'urgence et moins de réclamations.",
            ),
            Seedling(
                "Un accompagnement à la première déclaration trimestrielle",
                "Et si on accompagnait les allocataires lors de leur toute première déclaration "
                "trimestrielle ?",
                "éviter les erreurs de déclaration dès le départ",
                (
                    "Les erreurs sur la déclaration trimestrielle de ressources viennent souvent "
                    "des premières déclarations.",
                    "Beaucoup de nouveaux bénéficiaires de la prime d'activité ne savent pas quels "
                    "revenus déclarer.",
                ),
                (
                    "Je propose un appel sortant avant la première échéance pour les nouveaux "
                    "bénéficiaires.",
                    "Un tutoriel vidéo de deux minutes, envoyé avant la première déclaration, "
                    "suffirait dans la plupart des cas.",
                ),
                "Moins d'indus à récupérer quelques mois plus tard.",
            ),
            Seedling(
                "Une seule demande de pièces au lieu de plusieurs courriers",
                "Et si on regroupait toutes les demandes de pièces en un seul courrier ?",
                "accélérer le traitement des dossiers",
                (
                    "Il arrive qu'un même dossier donne lieu à trois demandes de pièces "
                    "successives.",
                    "Les allocataires nous reprochent de leur demander les justificatifs au "
                    "compte-gouttes.",
                ),
                (
                    "Je propose une liste de contrôle à parcourir avant toute demande de pièces, "
                    "pour tout demander en une seule fois.",
                ),
                "Des dossiers complets plus vite et des allocataires moins agacés.",
            ),
            Seedling(
                "Les délais de traitement affichés sur caf.fr",
                "Et si on affichait nos délais de traitement réels sur caf.fr ?",
                "réduire les relances des allocataires",
                (
                    "Une grande partie des appels porte sur une seule question : où en est mon "
                    "dossier ?",
                    "Les allocataires relancent parce qu'ils ignorent le délai normal de "
                    "traitement.",
                ),
                (
                    "Je propose d'afficher chaque semaine le délai moyen par type de demande sur "
                    "la page de la Caf.",
                ),
                "Les allocataires sauraient à quoi s'attendre et n'appelleraient qu'en cas de "
                "vrai retard.",
            ),
            Seedling(
                "Un parcours « premier enfant » pour les futurs parents",
                "Et si on proposait un parcours complet aux futurs parents dès la déclaration de "
                "grossesse ?",
                "que les jeunes parents ouvrent tous leurs droits",
                (
                    "Les jeunes parents découvrent nos aides au fil de l'eau et passent parfois à "
                    "côté de la prestation partagée d'éducation de l'enfant.",
                    "Les futurs parents reçoivent beaucoup d'informations, mais rarement au bon "
                    "moment.",
                ),
                (
                    "Je propose trois messages : au cinquième mois de grossesse, à la naissance et "
                    "aux six mois de l'enfant.",
                    "Une réunion d'information mensuelle avec la PMI pourrait compléter ces "
                    "messages.",
                ),
                "Un meilleur accès aux droits et moins de demandes tardives.",
            ),
            Seedling(
                "Le simulateur de prime d'activité expliqué pas à pas",
                "Et si on accompagnait les allocataires dans l'utilisation du simulateur de prime "
                "d'activité ?",
                "éviter les demandes déposées à tort",
                (
                    "Beaucoup de demandes de prime d'activité sont déposées sans simulation et "
                    "aboutissent à un refus.",
                ),
                (
                    "Une fiche illustrée, disponible à l'accueil et en ligne, expliquerait chaque "
                    "étape du simulateur.",
                ),
                "Moins de demandes sans suite et des allocataires mieux informés.",
            ),
        ),
        weight=1.3,
    ),
    Domain(
        "controle",
        ("acces-aux-droits", "organisation-du-travail"),
        (("Contrôle", "le service contrôle"), ("Agence comptable", "l'agence comptable")),
        (
            "Les contrôleurs le constatent à chaque tournée.",
            "Les recours amiables portent très souvent sur ce point.",
            "C'est un sujet que les familles abordent souvent avec angoisse.",
        ),
        (
            Seedling(
                "Prévenir par SMS de l'heure du contrôle sur place",
                "Et si on prévenait les allocataires de l'heure exacte du contrôle sur place ?",
                "éviter les déplacements inutiles des contrôleurs",
                (
                    "Nos contrôleurs trouvent souvent porte close parce que le créneau annoncé par "
                    "courrier est trop large.",
                ),
                (
                    "Un SMS la veille avec un créneau d'une heure, et la possibilité de le "
                    "décaler, "
                    "éviterait ces déplacements pour rien.",
                ),
                "Plus de contrôles réalisés dans la journée et une relation plus respectueuse "
                "avec les familles.",
            ),
            Seedling(
                "Des lettres d'indu qui expliquent le calcul",
                "Et si nos lettres d'indu expliquaient le calcul en clair ?",
                "que les allocataires comprennent ce qu'on leur réclame",
                (
                    "Les allocataires qui reçoivent une lettre d'indu ne comprennent pas d'où "
                    "vient la somme demandée.",
                    "Une bonne partie des contestations d'indus viennent d'une incompréhension du "
                    "calcul plutôt que d'un désaccord.",
                ),
                (
                    "Je propose d'ajouter un tableau simple : montant versé, montant dû, "
                    "différence, mois par mois.",
                ),
                "Moins de recours amiables et des remboursements plus rapides.",
            ),
            Seedling(
                "Proposer un échéancier dès la notification de l'indu",
                "Et si l'échéancier de remboursement était proposé dès le premier courrier ?",
                "faciliter le remboursement des indus",
                (
                    "Les familles s'inquiètent en recevant une lettre d'indu et ne savent pas "
                    "qu'elles peuvent étaler le remboursement.",
                ),
                (
                    "Le courrier pourrait contenir directement une proposition d'échéancier "
                    "adaptée aux ressources.",
                    "Un lien vers un formulaire en ligne permettrait de demander un échéancier en "
                    "quelques clics.",
                ),
                "Moins d'appels inquiets et un meilleur taux de recouvrement.",
            ),
            Seedling(
                "Un contact direct avec le contrôleur après sa visite",
                "Et si l'allocataire pouvait joindre le contrôleur après sa visite ?",
                "transmettre plus vite les pièces manquantes",
                (
                    "Après un contrôle, l'allocataire qui a une pièce à envoyer ne sait pas à qui "
                    "s'adresser.",
                ),
                (
                    "Je propose de laisser une carte avec un numéro direct et l'adresse de "
                    "messagerie du contrôleur.",
                ),
                "Des contrôles clôturés plus vite.",
            ),
            Seedling(
                "Repérer plus tôt les changements de ressources",
                "Et si on repérait plus tôt les changements de situation pour éviter les gros "
                "indus ?",
                "éviter les indus importants",
                (
                    "Des indus de plusieurs milliers d'euros se constituent sur des mois sans que "
                    "personne ne s'en aperçoive.",
                ),
                (
                    "Je propose une alerte à trois mois quand les ressources déclarées changent "
                    "fortement, suivie d'un appel à l'allocataire.",
                ),
                "Des régularisations plus petites et plus faciles à rembourser.",
            ),
        ),
        weight=0.8,
    ),
    Domain(
        "action_sociale",
        ("acces-aux-droits", "partenariats"),
        (
            ("Action sociale", "le département action sociale"),
            ("Service social", "le service social"),
        ),
        (
            "Les travailleurs sociaux du secteur nord font le même constat.",
            "Le centre social du quartier serait partant, je leur en ai parlé.",
            "Les familles les plus fragiles sont justement celles qu'on voit le moins.",
        ),
        (
            Seedling(
                "Un annuaire des partenaires sociaux par quartier",
                "Et si on tenait à jour un annuaire des partenaires sociaux par quartier ?",
                "mieux orienter les familles",
                (
                    "Quand une famille a besoin d'une aide alimentaire ou d'un conseil juridique, "
                    "chacun cherche le bon contact de son côté.",
                    "Les coordonnées des partenaires circulent dans des fichiers personnels, "
                    "souvent périmés.",
                ),
                (
                    "Je propose un annuaire partagé, mis à jour par les travailleurs sociaux et "
                    "consultable depuis l'intranet.",
                ),
                "Une orientation plus rapide et plus juste des familles.",
            ),
            Seedling(
                "Des permanences de travailleurs sociaux dans les centres sociaux",
                "Et si nos travailleurs sociaux tenaient des permanences dans les centres "
                "sociaux ?",
                "aller vers les familles qui ne viennent pas à la Caf",
                (
                    "Certaines familles ne viennent jamais à la Caf mais fréquentent le centre "
                    "social de leur quartier.",
                ),
                (
                    "Une permanence mensuelle dans trois centres sociaux pilotes permettrait "
                    "d'aller vers ces familles.",
                ),
                "Un meilleur repérage des situations fragiles, en lien avec les partenaires.",
            ),
            Seedling(
                "Une réunion d'information pour les parents qui se séparent",
                "Et si on proposait une réunion d'information collective aux parents qui se "
                "séparent ?",
                "accompagner les séparations dès le début",
                (
                    "Les parents qui se séparent découvrent tardivement l'intermédiation "
                    "financière des pensions alimentaires.",
                    "La séparation entraîne de nombreux changements de droits que les parents "
                    "n'anticipent pas.",
                ),
                (
                    "Je propose une réunion mensuelle « Parents après la séparation », avec un "
                    "conseiller, un travailleur social et la médiation familiale.",
                ),
                "Des parents mieux informés et moins de ruptures de droits.",
            ),
            Seedling(
                "Les aides aux vacances expliquées dès janvier",
                "Et si on faisait connaître les aides aux vacances dès le début de l'année ?",
                "que plus de familles partent en vacances",
                (
                    "Beaucoup de familles découvrent les aides aux vacances en juillet, trop tard "
                    "pour réserver.",
                ),
                (
                    "Une campagne d'information en janvier, avec les partenaires du loisir, "
                    "laisserait le temps de préparer le départ.",
                ),
                "Un meilleur taux d'utilisation des aides aux vacances.",
            ),
            Seedling(
                "Un rendez-vous des droits pour les familles monoparentales",
                "Et si on proposait un rendez-vous des droits à chaque parent qui se retrouve "
                "seul ?",
                "mieux accompagner les parents seuls",
                (
                    "Les parents seuls cumulent les difficultés et n'ont pas le temps de faire le "
                    "tour de leurs droits.",
                ),
                (
                    "Je propose un rendez-vous des droits proposé automatiquement dans les trois "
                    "mois qui suivent une séparation.",
                ),
                "Un accès aux droits plus complet pour des familles souvent fragiles.",
            ),
        ),
    ),
    Domain(
        "qvt",
        ("qualite-de-vie-au-travail",),
        (
            ("Ressources humaines", "la direction des ressources humaines"),
            ("Moyens généraux", "le service des moyens généraux"),
        ),
        (
            "Dans mon équipe, la moitié des collègues sont concernés.",
            "Le sujet est revenu lors du dernier baromètre social.",
            "Les représentants du personnel l'ont aussi demandé.",
        ),
        (
            Seedling(
                "Des casques de qualité pour le télétravail",
                "Et si chaque télétravailleur avait un vrai casque pour les appels ?",
                "mieux travailler au téléphone depuis chez soi",
                (
                    "Les casques fournis grésillent et les allocataires nous entendent mal quand "
                    "nous sommes en télétravail.",
                    "Plusieurs collègues utilisent leur propre casque parce que le matériel fourni "
                    "n'est pas adapté aux longues journées d'appels.",
                ),
                (
                    "Je propose de doter les conseillers en relation téléphonique d'un casque à "
                    "réduction de bruit.",
                ),
                "Moins de fatigue auditive et des échanges de meilleure qualité.",
            ),
            Seedling(
                "Une journée de télétravail flottante par mois",
                "Et si on pouvait poser une journée de télétravail flottante chaque mois ?",
                "faire face aux imprévus de la vie personnelle",
                (
                    "Les jours de télétravail fixes ne permettent pas de faire face aux imprévus : "
                    "enfant malade, artisan, grève des transports.",
                ),
                (
                    "Je propose une journée flottante par mois, à poser la veille, en plus des "
                    "jours fixes.",
                ),
                "Moins d'absences de dernière minute et plus de sérénité pour les équipes.",
            ),
            Seedling(
                "Des salles de pause réaménagées avec les agents",
                "Et si on réaménageait les salles de pause avec ceux qui les utilisent ?",
                "rendre les pauses vraiment reposantes",
                (
                    "La salle de pause du deuxième étage est sombre et sert surtout de débarras.",
                    "Nos espaces de pause sont trop petits pour les équipes qui déjeunent sur "
                    "place.",
                ),
                (
                    "Je propose un atelier avec des volontaires pour choisir ensemble le mobilier "
                    "et l'organisation.",
                ),
                "Des pauses qui reposent vraiment et des échanges entre services.",
            ),
            Seedling(
                "Un parrain ou une marraine pour chaque nouvel arrivant",
                "Et si chaque nouvel arrivant avait un parrain ou une marraine ?",
                "mieux intégrer les nouveaux collègues",
                (
                    "Les nouveaux arrivants se sentent perdus les premières semaines, surtout en "
                    "télétravail.",
                    "Nous recrutons beaucoup et l'intégration repose sur la bonne volonté de "
                    "chacun.",
                ),
                (
                    "Je propose de désigner pour chaque arrivée un collègue volontaire d'un autre "
                    "service, disponible pendant trois mois.",
                ),
                "Des nouveaux collègues plus vite à l'aise et moins de départs pendant la période "
                "d'essai.",
            ),
            Seedling(
                "Un café d'équipe mensuel sans ordre du jour",
                "Et si on prenait une heure par mois pour échanger sans ordre du jour ?",
                "renforcer les liens dans l'équipe",
                (
                    "Avec le télétravail, nous ne nous voyons plus qu'en réunion, toujours pour "
                    "traiter des urgences.",
                ),
                (
                    "Je propose un café d'équipe mensuel, sur site, sans ordre du jour ni compte "
                    "rendu.",
                ),
                "Une meilleure ambiance et des problèmes réglés avant qu'ils ne grossissent.",
            ),
            Seedling(
                "Des bureaux réglables en hauteur sur les postes partagés",
                "Et si les postes partagés avaient des bureaux réglables ?",
                "prévenir les douleurs de dos",
                (
                    "Avec les bureaux partagés, chacun s'installe à un poste qui n'est pas à sa "
                    "taille.",
                ),
                (
                    "Je propose d'équiper progressivement les postes partagés de bureaux réglables "
                    "en hauteur.",
                ),
                "Moins de troubles musculo-squelettiques et des postes vraiment partageables.",
            ),
        ),
        weight=1.2,
    ),
    Domain(
        "outils",
        ("numerique-et-outils",),
        (
            ("Service informatique", "le service informatique"),
            ("Outils et méthodes", "le pôle outils et méthodes"),
        ),
        (
            "Je perds au moins vingt minutes par jour sur ce point.",
            "Les nouveaux arrivants sont les premiers pénalisés.",
            "Il faudrait vérifier ce que permet déjà l'outil national.",
        ),
        (
            Seedling(
                "Une page unique pour les applications du quotidien",
                "Et si on regroupait nos applications métier sur une seule page ?",
                "gagner du temps à chaque connexion",
                (
                    "Nous ouvrons chaque matin une dizaine d'applications, chacune avec son "
                    "adresse "
                    "et son identifiant.",
                ),
                (
                    "Je propose une page d'accueil de l'intranet avec tous les liens utiles, "
                    "classés par métier.",
                ),
                "Quelques minutes gagnées chaque jour, et des nouveaux arrivants moins perdus.",
            ),
            Seedling(
                "Des modèles de courriels partagés entre gestionnaires",
                "Et si on partageait nos modèles de réponses aux courriels ?",
                "répondre plus vite et de façon homogène",
                (
                    "Chaque gestionnaire a ses propres modèles de réponse, parfois "
                    "contradictoires.",
                    "Nous réécrivons cent fois les mêmes réponses aux mêmes questions.",
                ),
                (
                    "Je propose une bibliothèque de modèles validés par l'expertise, accessible "
                    "depuis la messagerie.",
                ),
                "Des réponses plus rapides et plus justes.",
            ),
            Seedling(
                "Un deuxième écran sur les postes de production",
                "Et si chaque poste de production avait un deuxième écran ?",
                "traiter les dossiers plus confortablement",
                (
                    "Nous jonglons entre le dossier, la pièce justificative et la réglementation "
                    "sur un seul écran.",
                ),
                ("Je propose d'équiper en priorité les gestionnaires conseil d'un second écran.",),
                "Moins d'erreurs de saisie et moins de fatigue visuelle.",
            ),
            Seedling(
                "Une base de réponses aux questions fréquentes",
                "Et si on construisait ensemble une base de réponses aux questions fréquentes ?",
                "donner la même réponse sur tous les canaux",
                (
                    "Selon le conseiller ou le canal, l'allocataire n'obtient pas toujours la même "
                    "réponse.",
                    "Les questions fréquentes changent à chaque réforme et l'information met du "
                    "temps à circuler.",
                ),
                (
                    "Je propose une base de connaissances alimentée par les experts et enrichie "
                    "par les questions remontées du terrain.",
                ),
                "Une réponse homogène, quel que soit le canal.",
            ),
            Seedling(
                "La signature électronique des documents internes",
                "Et si on signait électroniquement les documents internes ?",
                "supprimer les circuits papier",
                (
                    "Un simple bon de commande fait encore le tour des bureaux pour recueillir "
                    "trois signatures.",
                ),
                (
                    "Je propose de passer à la signature électronique pour les documents qui ne "
                    "concernent pas les allocataires.",
                ),
                "Des circuits plus courts et moins de papier.",
            ),
            Seedling(
                "Un moteur de recherche dans la documentation réglementaire",
                "Et si on pouvait chercher dans toute la documentation réglementaire en une fois ?",
                "trouver rapidement la bonne règle",
                (
                    "Retrouver une circulaire ou une lettre réseau prend parfois plus de temps que "
                    "traiter le dossier.",
                ),
                (
                    "Je propose un moteur de recherche unique sur les circulaires, les lettres "
                    "réseau et les fiches techniques.",
                ),
                "Un gain de temps pour les experts comme pour les nouveaux gestionnaires.",
            ),
        ),
        weight=1.2,
    ),
    Domain(
        "ia",
        ("numerique-et-outils",),
        (
            ("Service informatique", "le service informatique"),
            ("Outils et méthodes", "le pôle outils et méthodes"),
        ),
        (
            "À condition que la relecture humaine reste obligatoire.",
            "L'exposition CafIA a donné plein d'idées dans ce sens.",
            "Attention à la protection des données des allocataires.",
        ),
        (
            Seedling(
                "Un assistant pour préparer les réponses aux courriels",
                "Et si une IA proposait un premier brouillon de réponse aux courriels des "
                "allocataires ?",
                "répondre plus vite aux allocataires",
                (
                    "Nous recevons des centaines de courriels par jour, dont beaucoup posent les "
                    "mêmes questions.",
                ),
                (
                    "Je propose de tester un assistant qui prépare un brouillon à partir de nos "
                    "modèles validés, toujours relu par le conseiller.",
                ),
                "Un temps de réponse réduit sans renoncer à la relecture humaine.",
            ),
            Seedling(
                "Le classement automatique des pièces justificatives",
                "Et si les pièces justificatives étaient reconnues et classées automatiquement ?",
                "gagner du temps à l'indexation",
                ("L'indexation des pièces reçues prend une part importante du temps des équipes.",),
                (
                    "Un outil de reconnaissance pourrait proposer le type de pièce et le dossier "
                    "concerné, à valider d'un clic.",
                ),
                "Du temps rendu au traitement des dossiers.",
            ),
            Seedling(
                "Résumer les dossiers complexes avant un rendez-vous",
                "Et si on testait l'IA pour résumer les dossiers les plus longs ?",
                "préparer plus vite les entretiens",
                (
                    "Avant un rendez-vous complexe, nous passons parfois une demi-heure à "
                    "reconstituer l'historique du dossier.",
                ),
                (
                    "Je propose un test encadré, sur des dossiers anonymisés, d'un outil de résumé "
                    "validé par la Cnaf.",
                ),
                "Plus de temps consacré à l'allocataire pendant l'entretien.",
            ),
        ),
        weight=0.4,
    ),
    Domain(
        "partenaires",
        ("partenariats",),
        (
            ("Pôle partenaires", "le pôle partenaires"),
            ("Développement territorial", "le département développement territorial"),
        ),
        (
            "Les partenaires nous le demandent à chaque comité de pilotage.",
            "La convention territoriale globale prévoit justement ce type d'action.",
            "Les secrétaires de mairie seraient les premières à en profiter.",
        ),
        (
            Seedling(
                "Un espace d'échange en ligne avec les mairies",
                "Et si on ouvrait un espace d'échange en ligne avec les mairies du territoire ?",
                "simplifier les échanges avec les communes",
                (
                    "Les secrétaires de mairie nous appellent pour des questions qui reviennent "
                    "chaque année.",
                ),
                (
                    "Je propose un espace partagé avec les communes : documents utiles, calendrier "
                    "et foire aux questions.",
                ),
                "Des échanges plus fluides et moins de sollicitations téléphoniques.",
            ),
            Seedling(
                "Former les agents France services aux prestations de la Caf",
                "Et si on formait régulièrement les agents des maisons France services ?",
                "mieux répondre aux allocataires près de chez eux",
                (
                    "Les maisons France services nous transmettent des dossiers incomplets faute "
                    "de formation sur nos prestations.",
                ),
                (
                    "Je propose une demi-journée de formation par trimestre et une ligne directe "
                    "pour leurs questions.",
                ),
                "Des dossiers complets et des allocataires accompagnés près de chez eux.",
            ),
            Seedling(
                "Un point mensuel avec France Travail sur les situations communes",
                "Et si on faisait un point mensuel avec France Travail sur les situations "
                "communes ?",
                "éviter les ruptures de droits entre nos deux organismes",
                (
                    "Certaines familles tombent entre deux organismes : chacun attend une "
                    "information de l'autre.",
                ),
                (
                    "Je propose un point mensuel entre référents des deux organismes pour "
                    "débloquer les situations.",
                ),
                "Des ruptures de droits évitées et un meilleur service rendu.",
            ),
            Seedling(
                "Un contact direct pour les travailleurs sociaux du département",
                "Et si les travailleurs sociaux du département avaient un contact direct à la "
                "Caf ?",
                "régler plus vite les situations urgentes",
                (
                    "Les travailleurs sociaux du département passent par la plateforme "
                    "téléphonique comme tout le monde, même en urgence.",
                ),
                (
                    "Je propose une adresse fonctionnelle dédiée, avec une réponse garantie sous "
                    "48 heures.",
                ),
                "Des situations urgentes traitées sans délai.",
            ),
            Seedling(
                "Une lettre d'information pour les gestionnaires de crèches",
                "Et si on envoyait une lettre d'information trimestrielle aux gestionnaires de "
                "crèches ?",
                "tenir les partenaires informés des changements",
                (
                    "Les gestionnaires de crèches découvrent les changements de barème au moment "
                    "de la déclaration.",
                ),
                (
                    "Je propose une lettre trimestrielle courte avec les échéances et les "
                    "nouveautés.",
                ),
                "Des partenaires mieux préparés et moins d'erreurs de déclaration.",
            ),
        ),
    ),
    Domain(
        "aidance",
        ("aidance", "qualite-de-vie-au-travail"),
        (
            ("Ressources humaines", "la direction des ressources humaines"),
            ("Service social du personnel", "le service social du personnel"),
        ),
        (
            "Étant moi-même en situation d'aidance, je confirme que l'information manque.",
            "La consultation « Tous aidants » a montré que c'était une vraie attente.",
            "Beaucoup de collègues n'osent pas en parler.",
        ),
        (
            Seedling(
                "Informer les agents aidants de leurs droits dès leur arrivée",
                "Et si le livret d'accueil parlait des droits des salariés aidants ?",
                "que chaque agent aidant connaisse ses droits",
                (
                    "Beaucoup de collègues aidants ignorent qu'ils peuvent bénéficier de jours "
                    "d'absence ou de dons de jours.",
                ),
                (
                    "Je propose une page dédiée dans le livret d'accueil et un rappel annuel par "
                    "courriel.",
                ),
                "Des agents aidants moins isolés et mieux accompagnés.",
            ),
            Seedling(
                "Des horaires aménagés pour les agents aidants",
                "Et si les agents aidants pouvaient aménager leurs horaires plus facilement ?",
                "concilier travail et aide à un proche",
                (
                    "Accompagner un parent à ses rendez-vous médicaux oblige à poser des congés "
                    "très souvent.",
                ),
                (
                    "Je propose une plage horaire élargie, sur simple demande, pour les agents qui "
                    "se déclarent aidants.",
                ),
                "Moins d'épuisement et moins d'absences imprévues.",
            ),
            Seedling(
                "Un référent aidance dans chaque service",
                "Et si chaque service avait un référent aidance ?",
                "que les agents aidants sachent à qui parler",
                (
                    "Parler de sa situation d'aidant à son responsable reste difficile pour "
                    "beaucoup de collègues.",
                ),
                (
                    "Je propose de former un référent volontaire par service, à l'écoute et "
                    "capable "
                    "d'orienter vers les bons dispositifs.",
                ),
                "Une parole plus libre et des solutions trouvées plus tôt.",
            ),
            Seedling(
                "Un groupe d'échange entre agents aidants",
                "Et si on créait un groupe d'échange entre collègues aidants ?",
                "rompre l'isolement des aidants",
                (
                    "Les collègues aidants se sentent souvent seuls face à des démarches qu'ils "
                    "découvrent.",
                ),
                (
                    "Un groupe d'échange mensuel, en visio pendant la pause méridienne, "
                    "permettrait de partager astuces et contacts.",
                ),
                "Un soutien entre pairs qui ne coûte presque rien.",
            ),
        ),
        weight=0.7,
    ),
    Domain(
        "organisation",
        ("organisation-du-travail",),
        (
            ("Direction de la production", "la direction de la production"),
            ("Contrôle de gestion", "le contrôle de gestion"),
        ),
        (
            "Nous l'avons fait pendant la période de rentrée, ça marchait bien.",
            "Il faudrait en parler en réunion de cadres.",
            "Les équipes du site voisin fonctionnent déjà un peu comme ça.",
        ),
        (
            Seedling(
                "Des réunions de service de trente minutes",
                "Et si nos réunions de service ne dépassaient pas trente minutes ?",
                "libérer du temps pour la production",
                (
                    "Nos réunions de service durent souvent deux heures pour des informations qui "
                    "tiendraient dans un courriel.",
                ),
                (
                    "Je propose un format de trente minutes, debout, avec un ordre du jour envoyé "
                    "la veille.",
                ),
                "Du temps rendu aux équipes et des réunions plus efficaces.",
            ),
            Seedling(
                "L'entraide entre sites pendant les pics de charge",
                "Et si les sites s'entraidaient pendant les pics de charge ?",
                "réduire les stocks de dossiers en attente",
                ("Certains sites croulent sous les dossiers pendant que d'autres sont à jour.",),
                (
                    "Je propose une file de traitement partagée entre sites pendant les pics de "
                    "rentrée et de fin d'année.",
                ),
                "Des délais de traitement plus homogènes sur tout le département.",
            ),
            Seedling(
                "Un tableau partagé des absences pour planifier l'accueil",
                "Et si on partageait un tableau des absences prévues pour planifier l'accueil ?",
                "éviter les plannings bouclés à la dernière minute",
                (
                    "Le planning d'accueil est souvent bouclé la veille faute de visibilité sur "
                    "les absences.",
                ),
                (
                    "Je propose un tableau partagé, rempli par chacun, qui alimente directement le "
                    "planning.",
                ),
                "Des plannings plus sereins et moins d'accueil en sous-effectif.",
            ),
            Seedling(
                "Des binômes entre gestionnaires expérimentés et nouveaux",
                "Et si chaque nouveau gestionnaire travaillait en binôme pendant trois mois ?",
                "monter en compétence plus vite",
                (
                    "Les nouveaux gestionnaires mettent longtemps à être autonomes et n'osent pas "
                    "toujours poser leurs questions.",
                ),
                (
                    "Je propose un binôme avec un gestionnaire expérimenté, avec une demi-journée "
                    "par semaine dédiée.",
                ),
                "Une montée en compétence plus rapide et une meilleure transmission des savoirs.",
            ),
            Seedling(
                "Une matinée sans courriel interne par semaine",
                "Et si on s'accordait une matinée sans courriel chaque semaine ?",
                "se concentrer sur les dossiers de fond",
                (
                    "Les interruptions permanentes empêchent de traiter les dossiers qui demandent "
                    "de la concentration.",
                ),
                ("Je propose le mardi matin sans courriel interne, sauf urgence.",),
                "Des dossiers complexes traités plus vite et moins de fatigue.",
            ),
        ),
    ),
    Domain(
        "ecologie",
        ("transition-ecologique",),
        (
            ("Développement durable", "la mission développement durable"),
            ("Moyens généraux", "le service des moyens généraux"),
        ),
        (
            "C'est simple, pas cher et visible par tous.",
            "La Caf voisine l'a fait l'an dernier avec de bons résultats.",
            "Le plan de sobriété de la branche va exactement dans ce sens.",
        ),
        (
            Seedling(
                "L'impression en noir et blanc par défaut",
                "Et si toutes les imprimantes imprimaient en noir et blanc par défaut ?",
                "réduire notre consommation d'encre et de papier",
                (
                    "Nous imprimons encore beaucoup en couleur par habitude, même les documents de "
                    "travail.",
                ),
                (
                    "Je propose de régler toutes les imprimantes en noir et blanc et en recto "
                    "verso par défaut.",
                ),
                "Des économies immédiates sans aucun investissement.",
            ),
            Seedling(
                "Le covoiturage entre collègues des différents sites",
                "Et si on organisait le covoiturage entre collègues ?",
                "réduire les trajets en voiture individuelle",
                (
                    "Beaucoup de collègues font le même trajet chaque jour, seuls dans leur "
                    "voiture.",
                ),
                (
                    "Je propose une page de l'intranet pour proposer et trouver des trajets, avec "
                    "des places réservées sur le parking.",
                ),
                "Moins de frais pour les agents et moins d'émissions.",
            ),
            Seedling(
                "Des vélos de service pour aller d'un site à l'autre",
                "Et si on mettait des vélos de service à disposition ?",
                "se déplacer en ville sans voiture",
                (
                    "Pour aller d'un site à l'autre en ville, la voiture de service met souvent "
                    "plus de temps qu'un vélo.",
                ),
                (
                    "Je propose quelques vélos à assistance électrique, réservables comme les "
                    "véhicules de service.",
                ),
                "Des trajets plus rapides en ville et moins d'émissions.",
            ),
            Seedling(
                "La mise en veille automatique des écrans le soir",
                "Et si les écrans et les copieurs s'éteignaient automatiquement le soir ?",
                "économiser l'énergie la nuit",
                (
                    "Le soir, de nombreux écrans et copieurs restent allumés dans les bureaux "
                    "vides.",
                ),
                ("Je propose une mise en veille programmée à 19 heures sur tous les équipements.",),
                "Des économies d'énergie réelles et mesurables.",
            ),
            Seedling(
                "Des tasses à la place des gobelets jetables",
                "Et si on remplaçait les gobelets jetables par des tasses ?",
                "réduire nos déchets",
                ("Des centaines de gobelets jetables partent chaque semaine à la poubelle.",),
                (
                    "Je propose de fournir une tasse à chaque agent et des tasses lavables pour "
                    "les visiteurs.",
                ),
                "Moins de déchets et un geste visible par tous.",
            ),
            Seedling(
                "Un atelier de réparation d'objets entre collègues",
                "Et si on organisait un atelier de réparation entre collègues ?",
                "donner une seconde vie aux objets",
                (
                    "Beaucoup d'objets partent à la poubelle alors qu'une petite réparation "
                    "suffirait.",
                ),
                (
                    "Je propose un atelier trimestriel pendant la pause méridienne, avec les "
                    "collègues bricoleurs volontaires.",
                ),
                "Un moment convivial qui sensibilise à la sobriété.",
            ),
        ),
    ),
    Domain(
        "communication",
        ("communication-interne",),
        (
            ("Communication", "le service communication"),
            ("Direction générale", "la direction générale"),
        ),
        (
            "On apprend encore trop de choses par la machine à café.",
            "Les collègues en télétravail sont les premiers concernés.",
            "Court et régulier, c'est la clé.",
        ),
        (
            Seedling(
                "Une lettre interne de cinq minutes chaque lundi",
                "Et si on recevait chaque lundi une lettre interne de cinq minutes ?",
                "savoir ce qui se passe dans la Caf",
                (
                    "Les informations importantes arrivent par dix canaux différents et on finit "
                    "par les rater.",
                ),
                (
                    "Je propose une lettre hebdomadaire courte : trois informations, une date, un "
                    "visage.",
                ),
                "Une information partagée par tous au même moment.",
            ),
            Seedling(
                "Chaque mois, un service se présente aux autres",
                "Et si chaque mois un service se présentait aux autres ?",
                "mieux connaître le travail des collègues",
                (
                    "Beaucoup d'entre nous ne savent pas ce que font les autres services, même à "
                    "l'étage d'à côté.",
                ),
                (
                    "Je propose une présentation de vingt minutes en visio, une fois par mois, par "
                    "un service volontaire.",
                ),
                "Une meilleure coopération entre services et des transmissions plus justes.",
            ),
            Seedling(
                "Les décisions du comité de direction partagées avec tous",
                "Et si les décisions du comité de direction étaient publiées après chaque séance ?",
                "comprendre les décisions qui nous concernent",
                (
                    "Les agents apprennent souvent les décisions par la rumeur, bien après le "
                    "comité de direction.",
                ),
                (
                    "Je propose un relevé de décisions court, publié sur l'intranet dans la "
                    "semaine.",
                ),
                "Plus de transparence et moins de rumeurs.",
            ),
            Seedling(
                "Des vidéos courtes sur les changements réglementaires",
                "Et si chaque changement réglementaire était expliqué dans une vidéo de trois "
                "minutes ?",
                "s'approprier plus vite les nouvelles règles",
                (
                    "Les notes réglementaires sont longues et difficiles à lire entre deux "
                    "dossiers.",
                ),
                (
                    "Je propose des vidéos courtes réalisées par les experts et accessibles depuis "
                    "l'intranet.",
                ),
                "Une appropriation plus rapide des réformes par les équipes.",
            ),
            Seedling(
                "Raconter les idées mises en œuvre",
                "Et si on racontait l'histoire des idées mises en œuvre ?",
                "donner envie de proposer des idées",
                (
                    "Peu de collègues savent que des idées venues du terrain ont déjà changé notre "
                    "quotidien.",
                ),
                (
                    "Je propose une rubrique mensuelle dans la lettre interne sur une idée mise en "
                    "œuvre et son auteur.",
                ),
                "Plus de participation à la boîte à idées.",
            ),
        ),
        weight=0.8,
    ),
)
DOMAIN = {domain.key: domain for domain in DOMAINS}

OPENERS = (
    "C'est une remarque qui revient souvent en réunion d'équipe.",
    "L'idée est née d'un échange entre collègues à la pause.",
    "Nous en avons parlé lors du dernier séminaire de service.",
    "Plusieurs collègues partagent ce constat.",
    "Je dépose cette idée au nom de mon équipe.",
    "Petite idée venue du terrain.",
    "Sur le site de {city}, nous en parlons souvent en équipe.",
    "À {city}, c'est un irritant que nous vivons chaque semaine.",
    "Cette idée vient d'un atelier mené avec des collègues de {city}.",
    "Je travaille à la Caf depuis plusieurs années et le sujet revient régulièrement.",
)
CLOSINGS = (
    "Je suis volontaire pour la tester avec mon équipe.",
    "Nous pourrions commencer par un site pilote avant de généraliser.",
    "Un test de trois mois suffirait pour en mesurer l'effet.",
    "D'autres Caf le font peut-être déjà : vos retours sont les bienvenus.",
    "Le coût me paraît faible au regard du temps gagné.",
    "Je peux présenter l'idée plus en détail à qui le souhaite.",
    "Mon responsable est favorable à un essai.",
    "Les représentants du personnel pourraient être associés dès le départ.",
    "Il faudrait bien sûr en mesurer l'effet après quelques mois.",
)
NATIONAL_CLOSINGS = (
    "À l'échelle de la branche, cela éviterait que chaque Caf invente sa propre solution.",
    "Une solution nationale serait plus simple à maintenir que des outils locaux.",
    "Cela pourrait figurer dans la prochaine version des outils nationaux.",
)

# Comments: a reaction, sometimes a detail of the domain, sometimes a closing.
REACTIONS = (
    "Très bonne idée, je soutiens.",
    "Entièrement d'accord avec ce constat.",
    "Je rejoins cette proposition.",
    "Bonne piste, à condition de bien former les équipes.",
    "Idée intéressante, mais attention à la charge supplémentaire pour les gestionnaires.",
    "Nous avons testé quelque chose de proche dans mon ancien service, avec de bons résultats.",
    "Je me demande si c'est prioritaire, mais pourquoi pas.",
    "Oui ! Cela fait longtemps qu'on en parle.",
    "Simple et efficace.",
    "Avis partagé de mon côté.",
    "Ça rejoint une remarque faite par des allocataires la semaine dernière.",
    "Il faudrait associer les équipes de l'accueil à la réflexion.",
)
COMMENT_CLOSINGS = (
    "Je veux bien participer à un groupe de travail.",
    "À suivre !",
    "Merci pour la proposition.",
    "Bravo pour l'initiative.",
)
AUTHOR_REPLIES = (
    "Merci pour vos retours ! L'idée ne demande pas d'outil nouveau, seulement un peu "
    "d'organisation.",
    "Merci à tous pour vos soutiens, je complèterai l'idée après en avoir parlé à mon responsable.",
    "Bonne remarque : on pourrait commencer par un seul site pour tester.",
    "Merci, je n'avais pas pensé à ce point. On peut en discuter en équipe.",
)
MANAGER_COMMENTS = (
    "Merci pour cette idée : nous la regardons avec le service concerné avant la réponse "
    "officielle.",
    "Pour information, un sujet proche est en cours au niveau de la direction : nous faisons le "
    "lien.",
)
CRIEE_REACTIONS = (
    "Bravo pour cette initiative !",
    "Très inspirant.",
    "Merci pour ce partage.",
    "Belle démarche, simple à reproduire.",
    "Nous cherchions justement ce type de solution.",
)
CRIEE_DETAILS = (
    "Nous avons un dispositif proche dans notre Caf : ce serait un plaisir d'échanger.",
    "Est-ce que les outils sont partageables avec d'autres Caf ?",
    "Très inspirant, nous allons regarder comment l'adapter chez nous.",
    "Quels ont été les résultats au bout d'un an ?",
    "Le retour des partenaires est-il mesuré ?",
)
# (text, moderation reason, what the reporter wrote)
HIDDEN_COMMENTS = (
    (
        "Franchement, avec le chef qu'on a au deuxième étage, ça n'a aucune chance de passer.",
        "Propos visant une personne : la charte de la boîte à idées demande de débattre des "
        "idées, pas des personnes.",
        "Propos désobligeants envers un encadrant.",
    ),
    (
        "Pour illustrer : Mme D., qui habite rue des Lilas, attend son paiement depuis trois mois.",
        "Le commentaire contenait des informations permettant d'identifier une allocataire.",
        "Données personnelles d'une allocataire dans un commentaire.",
    ),
    (
        "Hors sujet, mais quelqu'un sait quand les titres-restaurant seront crédités ce mois-ci ?",
        "Question sans rapport avec l'idée : à poser au service des ressources humaines.",
        "Hors sujet.",
    ),
    (
        "N'importe quoi, encore une idée de quelqu'un qui ne connaît rien au terrain.",
        "Ton irrespectueux envers l'auteur de l'idée.",
        "Commentaire insultant envers l'auteur.",
    ),
)
# Comments reported and not yet examined: (text, reason of the report).
REPORTED_COMMENTS = (
    (
        "Encore une idée qui finira aux oubliettes, comme toutes les autres.",
        "Commentaire décourageant, pas très constructif pour l'auteur de l'idée.",
    ),
    (
        "Il suffirait que certains services fassent correctement leur travail, tout simplement.",
        "Ce commentaire vise un service de manière peu respectueuse.",
    ),
    (
        "On connaît tous la personne qui bloque ce genre de projet depuis des années.",
        "Allusion à une personne identifiable.",
    ),
)
IDEA_REPORT_REASONS = (
    "Doublon probable avec une idée déjà déposée dans la boîte.",
    "Cette idée concerne une situation individuelle plutôt qu'une amélioration collective.",
    "Le titre me semble caricaturer le travail d'un service.",
)
# Ideas hidden by moderation: (what the reporter wrote, Caf, title, description, reason).
HIDDEN_IDEAS = (
    (
        "Ce n'est pas une idée mais une demande personnelle.",
        "59",
        "Ma demande de mutation n'avance pas",
        "Cela fait six mois que j'ai demandé une mutation sur le site de Lille et je n'ai "
        "toujours pas de réponse. Je ne sais plus à qui m'adresser.",
        "Demande individuelle qui relève du service des ressources humaines et non de la boîte "
        "à idées : nous vous avons recontacté directement.",
    ),
    (
        "Message agressif envers les visiteurs et les collègues.",
        "13",
        "Le parking du personnel",
        "Encore des voitures de visiteurs garées sur nos places ce matin, c'est inadmissible ! "
        "Certains devraient apprendre à lire les panneaux.",
        "Formulation agressive : l'idée peut être déposée à nouveau sous forme de proposition, "
        "par exemple un contrôle d'accès au parking du personnel.",
    ),
)
NOTES = (
    "Vu en comité de direction : avis favorable sous réserve du coût, à chiffrer avant la réponse.",
    "Demander au service informatique si l'outil national le permet déjà.",
    "Proche d'une action prévue au schéma directeur : voir avec la direction avant de répondre.",
    "Relancer {service} : réponse promise pour la fin du mois.",
    "L'auteur est d'accord pour piloter un test dans son équipe.",
    "Sujet sensible pour les représentants du personnel : en parler en CSE avant toute réponse.",
    "Coût estimé à environ 3 000 € : à inscrire au budget de l'an prochain si l'idée est retenue.",
    "Idée déjà proposée il y a deux ans sous une autre forme : reprendre l'argumentaire de "
    "l'époque.",
    "Plusieurs Caf travaillent sur le même sujet : proposer une mise à contribution nationale ?",
)

# Official answers, by the status reached. {service}: « le pôle accueil »; {to_service}:
# « au pôle accueil »; {Service}: « Le pôle accueil »; {month}: « mars 2025 ».
ANSWERS = {
    STU: (
        "Merci pour cette proposition. Elle est confiée {to_service}, qui en étudie la "
        "faisabilité.",
        "Idée à l'étude : {service} évalue le coût et le temps nécessaires. Réponse attendue "
        "d'ici deux mois.",
        "Votre idée a été présentée en comité de direction ; une étude est lancée avec {service}.",
    ),
    SEL: (
        "Idée retenue par le comité de direction. {Service} prépare sa mise en place ; les "
        "prochaines étapes seront publiées ici.",
        "Bonne nouvelle : l'idée est retenue. Elle rejoint le plan d'actions de l'année, piloté "
        "par {service}.",
        "Retenue ! Le coût est faible et le bénéfice évident. Mise en place prévue dans les "
        "prochaines semaines.",
    ),
    EXP: (
        "L'idée est testée pendant trois mois sur un site pilote. Un bilan sera partagé avec les "
        "agents à la fin de l'expérimentation.",
        "Expérimentation lancée avec deux équipes volontaires ; {service} suit les indicateurs "
        "chaque mois.",
        "Un premier test démarre en {month}. Merci de faire part de vos observations en "
        "commentaire.",
    ),
    IMP: (
        "C'est en place ! Après un test concluant, la proposition est étendue à tous les services "
        "concernés. Merci pour cette idée et à tous ceux qui l'ont soutenue.",
        "Mise en œuvre effective depuis {month}. {Service} en assure le suivi et fera un bilan "
        "dans six mois.",
        "L'expérimentation a donné de bons résultats : la mesure est généralisée à tous les sites.",
    ),
    REJ: (
        "Cette proposition relève d'une décision nationale : la Caf ne peut pas modifier seule "
        "ce point. Nous l'avons signalée à l'équipe du CafLab pour qu'elle soit examinée au "
        "niveau de la branche.",
        "Après étude par {service}, le coût de mise en place est trop élevé au regard du budget "
        "de l'année. L'idée pourra être réexaminée lors du prochain exercice.",
        "Une solution équivalente est déjà prévue dans le plan de transformation de la Caf ; "
        "elle sera déployée d'ici la fin de l'année et nous préférons ne pas mener deux chantiers "
        "en parallèle.",
        "Après avis du délégué à la protection des données, cette solution ne peut pas être "
        "retenue : elle suppose de conserver des données personnelles au-delà de ce que la "
        "réglementation permet.",
        "Les règles de sécurité du système d'information ne permettent pas cette solution sur "
        "les postes de travail. {Service} reste disponible pour étudier une autre piste.",
        "L'idée a été discutée avec les représentants du personnel et ne fait pas consensus en "
        "l'état. Nous proposons de la retravailler ensemble lors d'un atelier.",
    ),
}
# Answers in the national box, where the Cnaf's directions study the ideas of the network.
NATIONAL_ANSWERS = {
    STU: (
        "Merci pour cette proposition. Elle est étudiée avec {service}.",
        "Idée à l'étude : l'équipe du CafLab recense les Caf qui ont déjà testé une solution "
        "proche, puis l'étudiera avec {service}.",
        "Votre idée a été présentée au comité de suivi d'Eurekaf ; une étude est lancée avec "
        "{service}.",
    ),
    SEL: (
        "Idée retenue : elle rejoint la feuille de route de {service}. Les prochaines étapes "
        "seront publiées ici.",
        "Bonne nouvelle : l'idée est retenue et sera proposée aux Caf volontaires, avec l'appui "
        "du CafLab.",
    ),
    EXP: (
        "L'idée est testée pendant six mois par trois Caf volontaires, avec l'appui du CafLab. "
        "Un bilan sera partagé avec le réseau.",
        "Expérimentation lancée en {month} dans des Caf pilotes ; vos observations sont les "
        "bienvenues en commentaire.",
    ),
    IMP: (
        "C'est fait : la solution est proposée à toutes les Caf depuis {month}, avec un kit de "
        "déploiement préparé par le CafLab.",
        "Après une expérimentation concluante, la mesure est reprise par {service} pour "
        "l'ensemble du réseau. Merci à tous ceux qui l'ont soutenue.",
    ),
    REJ: (
        "La proposition relève de l'organisation de chaque Caf : chacune reste libre de la mettre "
        "en place. Nous l'avons ajoutée à la bibliothèque d'initiatives du CafLab.",
        "Après étude avec {service}, le coût d'une solution nationale est trop élevé au regard "
        "des priorités de la convention d'objectifs et de gestion.",
        "Une évolution des outils nationaux déjà programmée répondra à ce besoin : nous "
        "préférons ne pas lancer un chantier parallèle.",
        "Après avis du délégué à la protection des données, cette solution ne peut pas être "
        "retenue : elle suppose de conserver des données personnelles au-delà de ce que la "
        "réglementation permet.",
    ),
}
# The domains each rejection above suits (None: any), in the same order: a Caf cannot blame
# the security of its information system for refusing mugs in the break room.
REJECTION_DOMAINS = {
    False: (
        {"prestations", "controle", "action_sociale", "outils", "ia", "aidance"},
        None,
        None,
        {"prestations", "controle", "action_sociale", "outils", "ia", "accueil"},
        {"outils", "ia", "accueil", "communication"},
        {"qvt", "organisation", "aidance", "communication", "ecologie"},
    ),
    True: (
        {"qvt", "organisation", "ecologie", "communication", "accueil", "aidance", "partenaires"},
        None,
        {"outils", "ia", "prestations", "controle", "accueil", "communication"},
        {"prestations", "controle", "action_sociale", "outils", "ia", "accueil"},
    ),
}
NATIONAL_SERVICES = {
    "accueil": (
        "Direction de la relation de service (Cnaf)",
        "la direction de la relation de service de la Cnaf",
    ),
    "prestations": ("Direction des prestations (Cnaf)", "la direction des prestations de la Cnaf"),
    "controle": (
        "Direction de la maîtrise des risques (Cnaf)",
        "la direction de la maîtrise des risques de la Cnaf",
    ),
    "action_sociale": (DPFS, "la direction des politiques familiales et sociales de la Cnaf"),
    "qvt": ("DRH Réseau (Cnaf)", "la DRH Réseau de la Cnaf"),
    "outils": (
        "Direction des systèmes d'information (Cnaf)",
        "la direction des systèmes d'information de la Cnaf",
    ),
    "ia": (
        "Direction des systèmes d'information (Cnaf)",
        "la direction des systèmes d'information de la Cnaf",
    ),
    "partenaires": (DPFS, "la direction des politiques familiales et sociales de la Cnaf"),
    "aidance": ("DRH Réseau (Cnaf)", "la DRH Réseau de la Cnaf"),
    "organisation": ("Direction du réseau (Cnaf)", "la direction du réseau de la Cnaf"),
    "ecologie": (
        "Mission développement durable (Cnaf)",
        "la mission développement durable de la Cnaf",
    ),
    "communication": (
        "Direction de la communication (Cnaf)",
        "la direction de la communication de la Cnaf",
    ),
}
REOPEN_ANSWER = (
    "Suite aux nombreux soutiens reçus, l'idée est réexaminée avec {service} sous une forme plus "
    "simple."
)
MERGE_ANSWER = (
    "Cette idée rejoint « {target} », qui porte la même proposition : les soutiens et les abonnés "
    "y ont été regroupés."
)
ESCALATION_ANSWERS = (
    "",  # the default answer of services.idea_escalate
    "Cette proposition dépasse le cadre de notre Caf : nous la mettons à contribution nationale "
    "pour que l'ensemble du réseau puisse la soutenir.",
    "Idée partagée avec la boîte nationale : d'autres Caf ont fait remonter le même besoin.",
)
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

# Campaigns ------------------------------------------------------------------------------------
# Local campaign kits: (key, title, themes, domains, brief).
LOCAL_CAMPAIGNS = (
    (
        "accueil",
        "Un accueil plus simple et plus humain",
        ("accueil-et-relation-de-service",),
        ("accueil", "prestations"),
        "Vous êtes au contact des allocataires, au guichet, au téléphone ou en rendez-vous : "
        "qu'est-ce qui rendrait leur accueil plus simple et plus humain ? Toutes les idées sont "
        "bienvenues, des plus modestes aux plus ambitieuses.",
    ),
    (
        "qvt",
        "Qualité de vie au travail : à vous la parole",
        ("qualite-de-vie-au-travail", "organisation-du-travail"),
        ("qvt", "organisation", "aidance"),
        "Organisation des journées, télétravail, espaces, entraide : partagez vos idées pour "
        "mieux travailler ensemble. La direction s'engage à répondre à chaque idée dans les deux "
        "mois.",
    ),
    (
        "papier",
        "Moins de papier, plus de temps pour les allocataires",
        ("numerique-et-outils", "simplification-des-demarches"),
        ("outils", "prestations"),
        "Circuits papier, outils mal adaptés, doubles saisies : où perdons-nous du temps ? "
        "Proposez des simplifications concrètes, testables en quelques semaines.",
    ),
    (
        "partenaires",
        "Nos partenaires, nos alliés",
        ("partenariats",),
        ("partenaires", "action_sociale"),
        "Communes, centres sociaux, maisons France services, département : comment mieux "
        "travailler avec nos partenaires au service des familles ?",
    ),
    (
        "vert",
        "La Caf au vert",
        ("transition-ecologique",),
        ("ecologie",),
        "Énergie, déplacements, déchets, achats : vos idées pour une Caf plus sobre, à mettre en "
        "place dès cette année.",
    ),
    (
        "communication",
        "Mieux se parler entre services",
        ("communication-interne",),
        ("communication", "organisation"),
        "Comment mieux faire circuler l'information entre les services et les sites ? Partagez "
        "vos idées, même les plus simples.",
    ),
    (
        "demarches",
        "Des démarches plus simples pour les familles",
        ("simplification-des-demarches", "acces-aux-droits"),
        ("prestations", "controle", "action_sociale"),
        "Courriers, pièces justificatives, délais, contrôles : quelles démarches pourrions-nous "
        "simplifier pour les familles ? Les idées retenues seront testées avec des allocataires.",
    ),
)


@dataclass(frozen=True)
class CampaignSpec:
    slug: str
    box: str
    title: str
    brief: str
    themes: tuple[str, ...]
    starts_on: date
    ends_on: date
    domains: tuple[str, ...] = ()
    kind: str = Campaign.Kind.THEMATIC
    pitch_on: date | None = None
    ideas: int = 0  # for a national campaign: how many ideas it receives


NATIONAL_CAMPAIGNS = (
    CampaignSpec(
        "future-plateforme-eurekaf-2024",
        NATIONAL,
        "Vos idées pour la future plateforme Eurekaf",
        "La boîte à idées numérique de la branche est en test dans sept Caf. Qu'attendez-vous "
        "d'un tel outil, et quelles idées voudriez-vous y voir en premier ?",
        ("numerique-et-outils", "communication-interne"),
        date(2024, 9, 16),
        date(2024, 11, 29),
        ("outils", "communication"),
        ideas=8,
    ),
    CampaignSpec(
        "simplifier-les-demarches-2025",
        NATIONAL,
        "Simplifier les démarches des allocataires",
        "Courriers, pièces, délais, parcours en ligne : partout dans le réseau, des agents "
        "imaginent des démarches plus simples. Partagez les vôtres ; les plus soutenues seront "
        "étudiées avec la Cnaf.",
        ("simplification-des-demarches", "acces-aux-droits"),
        date(2025, 3, 3),
        date(2025, 5, 30),
        ("prestations", "controle", "accueil"),
        ideas=14,
    ),
    CampaignSpec(
        "qualite-de-vie-au-travail-2025",
        NATIONAL,
        "Qualité de vie au travail dans la branche",
        "En lien avec le plan d'action QVCT de la branche, proposez des idées pour mieux "
        "travailler ensemble : organisation, télétravail, aidance, espaces de travail.",
        ("qualite-de-vie-au-travail", "organisation-du-travail", "aidance"),
        date(2025, 9, 15),
        date(2025, 11, 28),
        ("qvt", "organisation", "aidance"),
        ideas=12,
    ),
    CampaignSpec(
        "sobriete-2026",
        NATIONAL,
        "Sobriété et transition écologique dans nos Caf",
        "Le programme d'innovation pour une écologie solidaire commence par nous-mêmes : vos "
        "idées pour des Caf plus sobres en énergie, en déplacements et en déchets.",
        ("transition-ecologique",),
        date(2026, 3, 2),
        date(2026, 5, 29),
        ("ecologie",),
        ideas=8,
    ),
    CampaignSpec(
        "intelligence-artificielle-au-quotidien-2026",
        NATIONAL,
        "Intelligence artificielle : quels usages au quotidien ?",
        "Après l'exposition CafIA, dites-nous où l'intelligence artificielle pourrait vous "
        "aider, et à quelles conditions : relecture humaine, protection des données, "
        "transparence.",
        ("numerique-et-outils",),
        date(2026, 9, 14),
        date(2026, 12, 11),
        ("ia", "outils"),
        ideas=6,
    ),
)

# The « appels à initiatives » of the criées, and the initiatives they received:
# (Caf of the author, title, description, final status).
CRIEES = (
    CampaignSpec(
        "criee-ajpp-2024",
        NATIONAL,
        "Criée AJPP",
        "Pourquoi l'allocation journalière de présence parentale reste-t-elle méconnue ? Le "
        "CafLab recherche les initiatives déjà menées dans le réseau pour informer et "
        "accompagner les familles dont un enfant est gravement malade, accidenté ou en "
        "situation de handicap. Les projets retenus seront pitchés lors de la criée du "
        "10 décembre 2024.",
        ("acces-aux-droits", "partenariats"),
        date(2024, 10, 14),
        date(2024, 11, 22),
        kind=Campaign.Kind.INITIATIVES,
        pitch_on=date(2024, 12, 10),
    ),
    CampaignSpec(
        "criee-aidance-2025",
        NATIONAL,
        "Criée Aidance",
        "La consultation « Tous aidants » l'a montré : les agents aidants attendent une "
        "information claire, des interlocuteurs et de la souplesse. Partagez les initiatives "
        "de votre Caf pour accompagner les salariés aidants ; les plus inspirantes seront "
        "pitchées lors de la criée du 26 juin 2025, avec la DRH Réseau.",
        ("aidance", "qualite-de-vie-au-travail"),
        date(2025, 5, 12),
        date(2025, 6, 13),
        kind=Campaign.Kind.INITIATIVES,
        pitch_on=date(2025, 6, 26),
    ),
    CampaignSpec(
        "criee-partenaires-action-sociale-2025",
        NATIONAL,
        "Criée Partenaires d'action sociale",
        "Les Caf développent de nombreuses démarches pour améliorer leurs liens avec les "
        "partenaires d'action sociale, renforcer l'efficacité de leurs interventions et leur "
        "fonctionnement interne. Partagez vos initiatives autour de trois thématiques : "
        "l'amélioration de la qualité relationnelle avec les partenaires, le management de la "
        "production des aides aux partenaires et la maîtrise des risques. Les initiatives "
        "sélectionnées avec la Direction des politiques familiales et sociales seront pitchées "
        "lors de la criée du 18 novembre 2025.",
        ("partenariats",),
        date(2025, 9, 8),
        date(2025, 10, 17),
        kind=Campaign.Kind.INITIATIVES,
        pitch_on=date(2025, 11, 18),
    ),
    CampaignSpec(
        "criee-horaires-atypiques-2026",
        NATIONAL,
        "Criée Accueil du jeune enfant en horaires atypiques",
        "Horaires de nuit, week-ends, temps partiels imprévisibles : comment les Caf et leurs "
        "partenaires aident-ils les parents qui travaillent en horaires atypiques à faire "
        "garder leurs enfants ? Partagez vos initiatives avant la criée du 15 décembre 2026.",
        ("partenariats", "acces-aux-droits"),
        date(2026, 10, 5),
        date(2026, 12, 4),
        kind=Campaign.Kind.INITIATIVES,
        pitch_on=date(2026, 12, 15),
    ),
)

QUALITY, PRODUCTION, RISKS = (
    "qualité relationnelle avec les partenaires",
    "management de la production des aides aux partenaires",
    "maîtrise des risques",
)
# The 31 initiatives of the partners' criée, on the report's three themes.
PARTNER_INITIATIVES = (
    (
        QUALITY,
        "59",
        "Un interlocuteur unique pour chaque gestionnaire d'équipement",
        "Chaque gestionnaire de crèche ou de centre social a un conseiller attitré, joignable en "
        "direct, pour toutes ses questions de financement. Le conseiller organise aussi un point "
        "annuel sur place. Les partenaires saluent la fin du jeu de piste entre services.",
    ),
    (
        QUALITY,
        "69",
        "Un portail pour suivre ses dossiers de financement en temps réel",
        "Les partenaires suivent l'avancement de leurs demandes de subvention et de leurs "
        "paiements depuis un espace en ligne. Chaque étape est datée et le conseiller chargé du "
        "dossier est identifié. Les appels de relance ont baissé de moitié la première année.",
    ),
    (
        QUALITY,
        "44",
        "Les rencontres trimestrielles des gestionnaires de crèches",
        "Quatre fois par an, la Caf réunit par territoire les gestionnaires d'établissements "
        "d'accueil du jeune enfant. L'ordre du jour est construit avec eux à partir de leurs "
        "questions. Ces rencontres ont permis d'anticiper la réforme du financement sans mauvaise "
        "surprise.",
    ),
    (
        QUALITY,
        "35",
        "Une lettre d'information mensuelle aux partenaires d'action sociale",
        "Une lettre courte, envoyée le premier lundi du mois, rappelle les échéances, les "
        "nouveautés réglementaires et les appels à projets. Elle est rédigée avec deux partenaires "
        "relecteurs. Son taux d'ouverture dépasse 70 %.",
    ),
    (
        QUALITY,
        "13",
        "Une enquête de satisfaction après chaque convention signée",
        "Un questionnaire de cinq questions est envoyé aux partenaires un mois après la signature "
        "d'une convention. Les résultats sont analysés chaque trimestre avec les conseillers "
        "techniques et donnent lieu à des actions correctives.",
    ),
    (
        QUALITY,
        "31",
        "Les cafés partenaires : une heure d'échange sans ordre du jour",
        "Une fois par mois, les conseillers techniques accueillent les partenaires qui le "
        "souhaitent pour un café informel. Les questions se règlent souvent sur place. Les "
        "partenaires disent mieux connaître leurs interlocuteurs.",
    ),
    (
        QUALITY,
        "67",
        "Un guide d'accueil pour les nouveaux directeurs de centres sociaux",
        "Les nouveaux directeurs reçoivent un guide pratique : contacts, calendrier de l'agrément, "
        "financements et outils de la Caf. Un rendez-vous de bienvenue est proposé dans le mois "
        "qui suit la prise de poste.",
    ),
    (
        QUALITY,
        "974",
        "Des visios d'accompagnement au dépôt des demandes de subvention",
        "Pendant la campagne de subventions, la Caf propose des visios collectives pour remplir la "
        "demande pas à pas. Les associations de petite taille sont les premières à en profiter. Le "
        "nombre de dossiers incomplets a nettement diminué.",
    ),
    (
        QUALITY,
        "33",
        "Un annuaire des conseillers techniques par territoire",
        "Un annuaire en ligne, mis à jour chaque mois, indique pour chaque commune le conseiller "
        "technique et le gestionnaire de dossiers. Les partenaires trouvent le bon interlocuteur "
        "sans passer par le standard.",
    ),
    (
        QUALITY,
        "93",
        "Une charte d'engagements réciproques entre la Caf et ses partenaires",
        "La charte fixe des engagements simples des deux côtés : délai de réponse, information en "
        "cas de retard, transmission des pièces. Elle a été coécrite lors de deux ateliers avec "
        "des partenaires. Un bilan annuel est présenté en comité.",
    ),
    (
        QUALITY,
        "26",
        "Les webinaires de rentrée pour les accueils de loisirs",
        "Chaque septembre, la Caf présente en une heure les nouveautés de l'année aux "
        "gestionnaires d'accueils de loisirs. La vidéo reste disponible ensuite. Les questions "
        "posées alimentent la foire aux questions du site partenaires.",
    ),
    (
        PRODUCTION,
        "38",
        "Un tableau de bord partagé des délais de paiement",
        "Les délais de paiement des prestations de service sont suivis chaque semaine dans un "
        "tableau de bord partagé entre l'action sociale et l'agence comptable. Les dossiers en "
        "retard sont repérés avant que le partenaire ne relance.",
    ),
    (
        PRODUCTION,
        "62",
        "Le calendrier annuel de production des aides, connu dès janvier",
        "Dès janvier, chaque partenaire reçoit le calendrier de l'année : dates de déclaration, de "
        "versement des acomptes et de régularisation. Les équipes de production s'organisent sur "
        "ce même calendrier.",
    ),
    (
        PRODUCTION,
        "76",
        "La pré-instruction des dossiers en binôme",
        "Un conseiller technique et un gestionnaire examinent ensemble les dossiers complexes "
        "avant l'instruction. Les demandes de pièces complémentaires sont regroupées en une seule "
        "fois.",
    ),
    (
        PRODUCTION,
        "57",
        "Des modèles de pièces justificatives pour les gestionnaires",
        "La Caf met à disposition des modèles de budget, de bilan et d'attestation, pré-remplis "
        "avec les rubriques attendues. Les pièces reçues sont plus complètes et plus faciles à "
        "contrôler.",
    ),
    (
        PRODUCTION,
        "29",
        "Une file unique des dossiers partenaires",
        "Tous les dossiers partenaires passent par une file unique dans l'outil de gestion, avec "
        "une date d'entrée et un responsable. Les encadrants voient en un coup d'œil les stocks et "
        "les dossiers anciens.",
    ),
    (
        PRODUCTION,
        "87",
        "Un acompte de début d'année pour les structures fragiles",
        "Les petites structures associatives reçoivent un acompte dès janvier, sur la base de "
        "l'activité de l'année précédente. Les difficultés de trésorerie du premier trimestre ont "
        "presque disparu.",
    ),
    (
        PRODUCTION,
        "34",
        "Des revues de portefeuille mensuelles",
        "Chaque mois, conseillers et gestionnaires passent en revue les dossiers de leur "
        "territoire. Les blocages sont levés en réunion plutôt que par courriels successifs.",
    ),
    (
        PRODUCTION,
        "45",
        "La dématérialisation des conventions d'objectifs et de financement",
        "Les conventions sont préparées, signées et archivées en ligne. Le délai entre la décision "
        "et la signature est passé de six semaines à dix jours.",
    ),
    (
        PRODUCTION,
        "92",
        "Une cellule d'appui pendant les pics de production de juin",
        "En juin, une cellule de gestionnaires volontaires d'autres services vient renforcer la "
        "production des aides aux partenaires. Une formation courte est organisée en mai pour la "
        "préparer.",
    ),
    (
        PRODUCTION,
        "06",
        "Des relances automatiques pour les données d'activité",
        "Les partenaires qui n'ont pas transmis leurs données d'activité reçoivent une relance "
        "automatique à J-15 et à J-5. Le taux de déclaration dans les délais a progressé de vingt "
        "points.",
    ),
    (
        RISKS,
        "59",
        "Une grille de risques partagée pour cibler les contrôles sur pièces",
        "Une grille simple classe les dossiers selon leur niveau de risque : montant, ancienneté "
        "du partenaire, anomalies passées. Les contrôles sur pièces se concentrent sur les "
        "dossiers les plus sensibles.",
    ),
    (
        RISKS,
        "13",
        "La double validation des paiements au-delà d'un seuil",
        "Tout paiement à un partenaire au-delà d'un seuil fixé est validé par une seconde "
        "personne. La mesure, simple à mettre en place, a permis d'éviter plusieurs erreurs "
        "importantes.",
    ),
    (
        RISKS,
        "44",
        "Des visites sur place préparées avec les partenaires",
        "Les visites sur place sont annoncées et préparées avec le partenaire à partir d'une liste "
        "des documents attendus. Elles se passent mieux et donnent lieu à moins de régularisations "
        "ultérieures.",
    ),
    (
        RISKS,
        "75",
        "Un référentiel commun des anomalies fréquentes",
        "Les anomalies les plus fréquentes et la façon de les corriger sont rassemblées dans un "
        "référentiel partagé entre gestionnaires et conseillers. Les nouveaux arrivants s'en "
        "servent comme support de formation.",
    ),
    (
        RISKS,
        "21",
        "Former les gestionnaires d'équipements à la déclaration de leurs données",
        "Des sessions de formation courtes sont proposées aux gestionnaires d'équipements avant "
        "chaque échéance de déclaration. Les erreurs déclaratives ont diminué dès la première "
        "année.",
    ),
    (
        RISKS,
        "63",
        "Croiser les données d'activité et de fréquentation",
        "Les données d'activité déclarées sont rapprochées des données de fréquentation "
        "disponibles. Les écarts importants déclenchent un échange avec le partenaire avant tout "
        "paiement.",
    ),
    (
        RISKS,
        "14",
        "Un plan de contrôle interne construit avec l'agence comptable",
        "L'action sociale et l'agence comptable ont construit ensemble un plan de contrôle interne "
        "des aides aux partenaires. Chaque contrôle a un responsable et une fréquence, et les "
        "résultats sont suivis chaque trimestre.",
    ),
    (
        RISKS,
        "01",
        "Une alerte précoce sur les indus partenaires",
        "Un indicateur repère les partenaires dont les acomptes dépassent nettement l'activité "
        "réelle. Un échange est engagé dès le milieu d'année, avant que l'indu ne devienne "
        "important.",
    ),
    (
        RISKS,
        "38",
        "Une revue annuelle des conventions arrivant à échéance",
        "Chaque automne, les conventions qui arrivent à échéance sont revues avec les partenaires. "
        "Les renouvellements se préparent sans rupture de financement.",
    ),
    (
        RISKS,
        "69",
        "Un kit de prévention des erreurs déclaratives pour les micro-crèches",
        "Un kit simple, avec une fiche, une vidéo et une liste de vérifications, aide les "
        "micro-crèches à déclarer correctement leurs heures. Il est remis lors du "
        "conventionnement.",
    ),
)
# Statuses of the 31 initiatives: pitched (retenue), studied by the Cnaf, tested in 2026.
PARTNER_PITCHED = (1, 3, 11, 16, 20, 22, 24)
PARTNER_TESTED = (11, 16)

AIDANCE_INITIATIVES = (
    (
        "35",
        "Un référent aidants dans chaque site",
        "Dans chaque site de la Caf, un agent volontaire formé écoute les collègues aidants et les "
        "oriente vers les bons dispositifs. Les référents se réunissent chaque trimestre pour "
        "partager les situations rencontrées.",
        SEL,
    ),
    (
        "38",
        "Une matinée d'information pour les salariés aidants",
        "Une fois par an, l'assistante sociale du personnel et les ressources humaines présentent "
        "les droits des salariés aidants : jours d'absence, dons de jours, aménagements. La "
        "matinée se termine par des entretiens individuels pour ceux qui le souhaitent.",
        IMP,
    ),
    (
        "59",
        "Un guide interne des droits des salariés aidants",
        "Un guide de douze pages rassemble les dispositifs existants, les démarches et les "
        "contacts utiles. Il a été relu par des agents aidants pour s'assurer qu'il répond à leurs "
        "vraies questions.",
        IMP,
    ),
    (
        "69",
        "Le don de jours de repos simplifié",
        "Le don de jours entre collègues se fait désormais en ligne en quelques clics, de façon "
        "anonyme. Les délais entre la demande et l'attribution ont été divisés par trois.",
        SEL,
    ),
    (
        "44",
        "Des jours de télétravail supplémentaires pour les agents aidants",
        "Les agents reconnus aidants peuvent demander jusqu'à deux jours de télétravail "
        "supplémentaires par mois, sans justificatif détaillé. La mesure a été évaluée "
        "positivement par les managers.",
        SEL,
    ),
    (
        "13",
        "Un groupe de parole mensuel des salariés aidants",
        "Un groupe de parole animé par une psychologue se réunit chaque mois pendant la pause "
        "méridienne. Les agents y trouvent écoute et conseils pratiques.",
        STU,
    ),
    (
        "31",
        "Des horaires aménagés pendant une hospitalisation d'un proche",
        "Pendant l'hospitalisation d'un proche, l'agent peut aménager ses horaires sans passer par "
        "une demande formelle. Le manager est simplement informé.",
        SEL,
    ),
    (
        "33",
        "Sensibiliser les managers à l'aidance",
        "Un module de deux heures sensibilise les managers aux situations d'aidance : repérer, "
        "écouter, orienter. Il fait partie du parcours des nouveaux managers.",
        IMP,
    ),
    (
        "75",
        "Une page intranet « Je suis aidant »",
        "Une page de l'intranet réunit les contacts utiles, les dispositifs de la branche et ceux "
        "des partenaires locaux. Elle est mise à jour par le service social du personnel.",
        STU,
    ),
    (
        "87",
        "Un partenariat avec une plateforme de répit",
        "La Caf a signé une convention avec la plateforme de répit du territoire pour faciliter "
        "l'accès des agents aidants à des solutions de relais. Les agents aidants peuvent ainsi "
        "souffler quelques jours sans inquiétude.",
        SEL,
    ),
    (
        "26",
        "L'aidance abordée lors de l'entretien annuel",
        "Une question facultative de l'entretien annuel permet à l'agent d'évoquer une situation "
        "d'aidance et de demander un rendez-vous avec les ressources humaines. La réponse reste "
        "confidentielle et n'apparaît pas dans le compte rendu.",
        STU,
    ),
    (
        "29",
        "Un café des aidants entre Caf voisines",
        "Des agents aidants de trois Caf voisines se retrouvent en visio une fois par mois pour "
        "échanger leurs astuces. L'animation tourne entre les Caf.",
        STU,
    ),
    (
        "974",
        "La semaine des aidants relayée dans tous les sites",
        "Pendant la semaine nationale des aidants, des stands d'information et des rencontres sont "
        "organisés dans chaque site de la Caf. Les agents y découvrent souvent des droits qu'ils "
        "ignoraient.",
        SEL,
    ),
    (
        "93",
        "Un annuaire des solutions de garde en urgence",
        "Un annuaire recense les solutions de garde d'urgence pour les enfants et les proches "
        "dépendants, pour les agents confrontés à un imprévu. Il est mis à jour deux fois par an "
        "avec les partenaires locaux.",
        STU,
    ),
)

AJPP_INITIATIVES = (
    (
        "87",
        "Un rappel systématique des familles après un signalement de l'hôpital",
        "Quand le service social de l'hôpital signale une famille, un conseiller la rappelle sous "
        "48 heures pour présenter l'AJPP et l'aider à constituer la demande. Le délai moyen "
        "d'ouverture du droit a été réduit de moitié.",
        SEL,
    ),
    (
        "38",
        "La fiche AJPP remise par les services de pédiatrie",
        "Une fiche simple, coécrite avec le CHU, est remise aux parents dès l'annonce du "
        "diagnostic. Elle indique le droit à l'AJPP et le contact direct à la Caf.",
        SEL,
    ),
    (
        "69",
        "Un parcours « enfant malade » avec un conseiller dédié",
        "Les familles concernées ont un conseiller unique qui suit l'ensemble de leurs droits "
        "pendant toute la durée des soins. Les parents n'ont plus à raconter leur histoire à "
        "chaque appel.",
        SEL,
    ),
    (
        "59",
        "Le certificat médical préparé avec les CHU",
        "Avec les médecins des CHU, la Caf a simplifié le certificat médical pour éviter les "
        "allers-retours. Les demandes complètes du premier coup ont fortement augmenté.",
        SEL,
    ),
    (
        "13",
        "Une permanence de la Caf au centre hospitalier",
        "Une fois par semaine, un conseiller tient une permanence au centre hospitalier pour les "
        "parents d'enfants hospitalisés. Les demandes sont déposées sur place, avec les pièces, en "
        "une seule fois.",
        SEL,
    ),
    (
        "33",
        "Des webinaires pour les assistants sociaux hospitaliers",
        "Deux fois par an, la Caf présente l'AJPP et ses démarches aux assistants sociaux des "
        "hôpitaux du département. Les assistants sociaux repèrent ainsi plus tôt les familles "
        "concernées.",
        REJ,
    ),
    (
        "44",
        "Le simulateur AJPP expliqué en vidéo",
        "Une courte vidéo explique comment utiliser le simulateur et quels justificatifs préparer. "
        "Elle est envoyée aux familles avec le formulaire de demande.",
        REJ,
    ),
    (
        "26",
        "Un point de contact unique avec la MDPH",
        "Pour les enfants en situation de handicap, la Caf et la MDPH ont désigné un contact "
        "unique qui coordonne les démarches des deux organismes. Les familles n'ont plus qu'un "
        "interlocuteur pour l'AJPP et l'AEEH.",
        IMP,
    ),
)

ATYPICAL_INITIATIVES = (
    (
        "38",
        "Une crèche ouverte de 5 heures à 22 heures avec l'hôpital",
        "Avec le centre hospitalier, la Caf a soutenu l'ouverture d'une crèche aux horaires "
        "élargis pour les soignants et les habitants du quartier. Les places sont réservées pour "
        "moitié aux familles du quartier.",
    ),
    (
        "59",
        "Un réseau d'assistantes maternelles aux horaires décalés",
        "Le relais petite enfance anime un réseau d'assistantes maternelles volontaires pour "
        "accueillir des enfants tôt le matin et tard le soir. Les parents trouvent une solution "
        "sans multiplier les modes de garde.",
    ),
    (
        "69",
        "La garde à domicile partagée pour les parents qui travaillent de nuit",
        "Deux familles partagent une garde à domicile la nuit, avec l'appui d'une association "
        "agréée et une aide de la Caf. Les enfants dorment chez eux et le coût reste supportable "
        "pour les familles.",
    ),
    (
        "44",
        "Recenser les besoins atypiques avec les employeurs",
        "Avec les grands employeurs de la zone portuaire, la Caf a recensé les besoins de garde en "
        "horaires atypiques avant de lancer un appel à projets. Les projets financés répondent "
        "ainsi à des besoins mesurés.",
    ),
    (
        "13",
        "Une micro-crèche interentreprises près de la zone logistique",
        "Plusieurs entreprises de la zone logistique financent avec la Caf une micro-crèche "
        "ouverte sept jours sur sept. Les salariés en horaires décalés y trouvent une place près "
        "de leur travail.",
    ),
)

CRIEE_ANSWERS = {
    "criee-ajpp-2024": {
        SEL: "Initiative retenue pour être pitchée lors de la criée AJPP du 10 décembre 2024.",
        REJ: "Initiative non retenue pour le pitch, car très proche d'un autre projet présenté. "
        "Elle rejoint la bibliothèque d'initiatives du CafLab.",
        IMP: "Présentée lors de la criée, l'initiative a inspiré la réponse de premier niveau "
        "renforcée que plusieurs Caf mettent désormais en œuvre.",
    },
    "criee-aidance-2025": {
        STU: "Merci pour cette initiative. Elle est versée aux travaux de la DRH Réseau en vue "
        "de la négociation du prochain accord UCANSS.",
        SEL: "Initiative retenue pour être pitchée lors de la criée Aidance du 26 juin 2025.",
        IMP: "Présentée lors de la criée, l'initiative est reprise dans le plan d'action QVCT de "
        "la branche et proposée à toutes les Caf volontaires.",
    },
    "criee-partenaires-action-sociale-2025": {
        STU: "Merci pour cette initiative. Elle est transmise à la Direction des politiques "
        "familiales et sociales de la Cnaf, qui l'étudie en vue d'une éventuelle diffusion "
        "dans le réseau.",
        SEL: "Initiative retenue avec la Direction des politiques familiales et sociales pour "
        "être pitchée lors de la criée du 18 novembre 2025.",
        EXP: "À la suite de la criée, l'initiative est testée en 2026 par quatre Caf volontaires, "
        "avec l'appui du CafLab.",
    },
    "criee-horaires-atypiques-2026": {
        STU: "Merci pour cette initiative : elle sera examinée avec la Direction des politiques "
        "familiales et sociales avant la criée du 15 décembre.",
    },
}
CRIEE_PATHS = {
    SEL: (SUB, STU, SEL),
    STU: (SUB, STU),
    IMP: (SUB, STU, SEL, IMP),
    REJ: (SUB, STU, REJ),
    EXP: (SUB, STU, SEL, EXP),
    SUB: (SUB,),
}

# Status draws ----------------------------------------------------------------------------------
STATUSES = (SUB, STU, SEL, EXP, IMP, REJ, MER)
# Weights of the final status by the idea's age at END (days): young ideas wait for an answer.
STATUS_WEIGHTS = (
    (21, (85, 15, 0, 0, 0, 0, 0)),
    (90, (45, 32, 6, 1, 0, 12, 4)),
    (240, (33, 25, 13, 7, 4, 14, 4)),
    (10_000, (31, 17, 9, 8, 14, 13, 4)),
)
PATHS = {
    SUB: (((SUB,), 1),),
    STU: (((SUB, STU), 19), ((SUB, REJ, STU), 1)),
    SEL: (((SUB, SEL), 4), ((SUB, STU, SEL), 6)),
    EXP: (((SUB, STU, EXP), 4), ((SUB, SEL, EXP), 2), ((SUB, STU, SEL, EXP), 4)),
    IMP: (
        ((SUB, SEL, IMP), 5),
        ((SUB, STU, SEL, IMP), 7),
        ((SUB, STU, EXP, IMP), 4),
        ((SUB, STU, SEL, EXP, IMP), 4),
    ),
    REJ: (((SUB, REJ), 9), ((SUB, STU, REJ), 11)),
    MER: (((SUB, MER), 7), ((SUB, STU, MER), 3)),
}
# How much a status draws supports and comments (popular ideas get selected).
POPULARITY = {SUB: 0.8, STU: 1.0, SEL: 1.5, EXP: 1.6, IMP: 1.9, REJ: 0.6, MER: 0.0}


# Planning -------------------------------------------------------------------------------------
@dataclass
class Row:
    """One line of the public timeline; `real` is False for a national contribution."""

    at: datetime
    frm: str
    to: str
    answer: str
    by: User | None
    real: bool = True


@dataclass
class CommentPlan:
    author: User
    at: datetime
    text: str
    hidden_reason: str = ""
    hidden_by: User | None = None
    report: tuple[User, datetime, str, datetime | None] | None = None
    obj: Comment | None = None


@dataclass
class Plan:
    box: str
    author: User
    created: datetime
    title: str
    description: str
    themes: tuple[str, ...]
    campaign: str | None = None
    domain: Domain | None = None
    seedling: Seedling | None = None
    rows: list[Row] = field(default_factory=list)
    origin_box: str | None = None
    merged_into: Plan | None = None
    merged_at: datetime | None = None
    hidden_reason: str = ""
    report_reason: str = ""  # what the colleague who reported a hidden idea wrote
    assignee: User | None = None
    service: str = ""
    due: date | None = None
    supports: dict[int, tuple[User, datetime]] = field(default_factory=dict)
    follows: dict[int, tuple[User, datetime]] = field(default_factory=dict)
    comments: list[CommentPlan] = field(default_factory=list)
    notes: list[tuple[User, datetime, str]] = field(default_factory=list)
    reports: list[tuple[User, datetime, str, datetime | None]] = field(default_factory=list)
    touched: datetime | None = None
    obj: Idea | None = None

    @property
    def status(self) -> str:
        return self.rows[-1].to

    @property
    def escalated_at(self) -> datetime | None:
        return next((row.at for row in self.rows if not row.real), None)

    def real_rows(self) -> list[Row]:
        return [row for row in self.rows if row.real]


@dataclass
class World:
    """The people and boxes the plans draw from."""

    agents: list[User]  # every demo agent, by email
    by_caf: dict[str, list[User]]
    managers: dict[str, list[User]]  # box key -> managers
    box_names: dict[str, str]
    plans: list[Plan] = field(default_factory=list)
    used_titles: set[str] = field(default_factory=set)
    box_titles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def eligible(self, plan: Plan, at: datetime) -> list[User]:
        """The agents who may see the idea at that moment: its Caf's agents for a Caf's box,
        every agent for the national box (from the day of a national contribution)."""
        if plan.box != NATIONAL:
            return self.by_caf[plan.box]
        escalated = plan.escalated_at
        if escalated is None or at >= escalated:
            return self.agents
        return self.by_caf[plan.origin_box]


# Helpers --------------------------------------------------------------------------------------
def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].isupper():  # « SMS… » stays as it is
        return text
    return text[:1].lower() + text[1:]


def _to(phrase: str) -> str:
    """« le pôle accueil » -> « au pôle accueil »."""
    if phrase.startswith("le "):
        return "au " + phrase[3:]
    if phrase.startswith("les "):
        return "aux " + phrase[4:]
    return "à " + phrase


def _month(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def _moment(rng: random.Random, day: date, *, evening: float = 0.08) -> datetime:
    """A working moment of that day (weekends move to Monday, as most agents post at work)."""
    if day.weekday() >= 5 and rng.random() > 0.1:
        day += timedelta(days=7 - day.weekday())
    if rng.random() < evening:
        minutes = rng.randint(18 * 60, 22 * 60)
    else:
        minutes = rng.randint(8 * 60 + 15, 17 * 60 + 45)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=PARIS)


def _after(rng: random.Random, start: datetime, days: float) -> datetime:
    """A working moment about `days` after start, never after END."""
    moment = _moment(rng, (start + timedelta(days=days)).date())
    if moment <= start:
        moment = start + timedelta(minutes=rng.randint(20, 240))
    return min(moment, END_AT)


def _weighted(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k distinct items drawn with these weights (Efraimidis–Spirakis)."""
    keys = sorted(
        ((rng.random() ** (1 / w), i) for i, w in enumerate(weights) if w > 0), reverse=True
    )
    return [items[i] for _key, i in keys[:k]]


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return math.exp(math.log(median) + sigma * rng.gauss(0, 1))


# Seeding --------------------------------------------------------------------------------------
def seed(ctx: SeedContext) -> None:
    themes = _seed_themes()
    agents = list(
        User.objects.filter(role__in=[User.Role.AGENT, User.Role.REFERENT], is_active=True)
        .filter(caf__isnull=False)
        .filter(
            Q(email__endswith=AGENT_DOMAIN) | Q(email__in=[core.AGENT_EMAIL, core.REFERENT_EMAIL])
        )
        .select_related("caf")
        .order_by("email")
    )
    if not agents:
        ctx.log("  Eurekaf : aucun agent de démonstration, lancer d'abord les données de caflab")
        return
    staff = {
        user.email: user
        for user in User.objects.filter(email__in=[core.STAFF_EMAIL, CRIEES_ORGANISER])
    }
    by_caf: dict[str, list[User]] = defaultdict(list)
    for agent in agents:
        by_caf[agent.caf.number].append(agent)
    boxes = _seed_boxes(ctx, by_caf, staff)
    specs = _campaign_specs(ctx)
    if not Campaign.objects.filter(slug__in=[spec.slug for spec in specs]).exists():
        world = World(
            agents=agents,
            by_caf=by_caf,
            managers=boxes.managers,
            box_names={key: box.name for key, box in boxes.boxes.items()},
        )
        _seed_content(ctx, world, specs, boxes.boxes, themes)
        fragments.bump("eurekaf")  # bulk_create() and update() send no signal
    _log_summary(ctx)


def _seed_themes() -> dict[str, Theme]:
    by_slug = {t.slug: t for t in Theme.objects.all()}
    names = {t.name for t in by_slug.values()}
    Theme.objects.bulk_create(
        Theme(name=name, slug=slug)
        for name, slug in THEMES
        if slug not in by_slug and name not in names
    )
    everything = list(Theme.objects.all())
    by_slug = {t.slug: t for t in everything}
    by_name = {t.name: t for t in everything}
    return {slug: by_slug.get(slug) or by_name[name] for name, slug in THEMES}


@dataclass
class _Boxes:
    boxes: dict[str, IdeaBox]
    managers: dict[str, list[User]]


def _seed_boxes(ctx: SeedContext, by_caf, staff: dict[str, User]) -> _Boxes:
    """The national box and the Cafs' boxes (created when missing) and their managers."""
    rng = ctx.random("eurekaf.gestionnaires")
    cafs = {caf.number: caf for caf in Caf.objects.filter(number__in=[n for n, *_ in LOCAL_BOXES])}
    existing = {box.caf_id: box for box in IdeaBox.objects.select_related("caf")}
    missing = []
    moment = _moment(rng, NATIONAL_OPENED)  # drawn even when the box exists: same draws
    if None not in existing:
        missing.append(
            IdeaBox(caf=None, name="Boîte nationale", slug="nationale", created_at=moment)
        )
    for number, opened, _ideas in LOCAL_BOXES:
        caf = cafs[number]
        moment = _moment(rng, opened)
        if caf.pk not in existing:
            missing.append(
                IdeaBox(caf=caf, name=caf.name, slug=f"caf-{number.lower()}", created_at=moment)
            )
    IdeaBox.objects.bulk_create(missing)
    by_caf_id = {box.caf_id: box for box in IdeaBox.objects.select_related("caf")}
    boxes = {NATIONAL: by_caf_id[None]}
    boxes.update({number: by_caf_id[cafs[number].pk] for number, *_ in LOCAL_BOXES})

    managers: dict[str, list[User]] = {
        NATIONAL: [staff[email] for email in (core.STAFF_EMAIL, CRIEES_ORGANISER) if email in staff]
    }
    for number, *_ in LOCAL_BOXES:
        agents = [a for a in by_caf[number] if a.email != core.AGENT_EMAIL]
        chosen = [a for a in agents if a.email == core.REFERENT_EMAIL]
        weights = [
            3.0 if any(w in a.job_title for w in ("innovation", "Responsable", "Cadre")) else 1.0
            for a in agents
        ]
        count = 2 if rng.random() < 0.45 or chosen else 1
        for agent in _weighted(rng, agents, weights, count + 1):
            if len(chosen) < count and agent not in chosen:
                chosen.append(agent)
        managers[number] = chosen
    through = IdeaBox.managers.through
    through.objects.bulk_create(
        [
            through(ideabox_id=boxes[key].pk, user_id=user.pk)
            for key, users in managers.items()
            for user in users
        ],
        ignore_conflicts=True,
    )
    return _Boxes(boxes, managers)


def _campaign_specs(ctx: SeedContext) -> list[CampaignSpec]:
    """The national campaigns, the criées and one or two campaigns per Caf box."""
    rng = ctx.random("eurekaf.campagnes")
    specs = [*NATIONAL_CAMPAIGNS, *CRIEES]
    kits = list(LOCAL_CAMPAIGNS)
    for number, opened, _ideas in LOCAL_BOXES:
        start = opened + timedelta(days=rng.randint(20, 60))
        order = rng.sample(kits, 2 if rng.random() < 0.5 else 1)
        for key, title, themes, domains, brief in order:
            if start > END - timedelta(days=40):
                break
            start -= timedelta(days=start.weekday())  # campaigns open on a Monday
            ends = start + timedelta(weeks=rng.randint(6, 10), days=4)
            specs.append(
                CampaignSpec(
                    f"{key}-caf-{number.lower()}-{start.year}",
                    number,
                    title,
                    brief,
                    themes,
                    start,
                    ends,
                    domains,
                )
            )
            start = ends + timedelta(days=rng.randint(120, 260))
    return specs


def _seed_content(ctx: SeedContext, world: World, specs, boxes, themes) -> None:
    campaigns = _create_campaigns(specs, boxes, world, themes)
    _plan_local_ideas(ctx, world, specs)
    _plan_national_ideas(ctx, world, specs)
    _plan_criees(ctx, world)
    _plan_hidden_ideas(ctx, world)
    _escalate(ctx, world)
    _assign(ctx, world)
    _react(ctx, world)
    _moderate(ctx, world)
    _write(world, boxes, campaigns, themes)


def _create_campaigns(specs, boxes, world: World, themes) -> dict[str, Campaign]:
    objects = [
        Campaign(
            box=boxes[spec.box],
            kind=spec.kind,
            title=spec.title,
            slug=spec.slug,
            brief=spec.brief,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            pitch_on=spec.pitch_on,
            created_by=_launcher(world.managers[spec.box], spec),
        )
        for spec in specs
    ]
    Campaign.objects.bulk_create(objects)
    through = Campaign.themes.through
    through.objects.bulk_create(
        through(campaign_id=campaign.pk, theme_id=themes[slug].pk)
        for spec, campaign in zip(specs, objects, strict=True)
        for slug in spec.themes
    )
    return {campaign.slug: campaign for campaign in objects}


def _launcher(managers: list[User], spec: CampaignSpec) -> User | None:
    """Thematic campaigns by the box's first manager; the criées by their organiser."""
    if not managers:
        return None
    return managers[-1] if spec.kind == Campaign.Kind.INITIATIVES else managers[0]


# Ideas of the boxes ------------------------------------------------------------------------------
def _day_density(day: date, opened: date, campaigns: list[CampaignSpec]) -> float:
    density = {2024: 0.6, 2025: 1.0}.get(day.year, 0.2)
    if (day - opened).days < 45:
        density *= 1.8  # the launch of the box
    if any(c.starts_on <= day <= c.ends_on for c in campaigns):
        density *= 2.2
    return density


def _draw_days(rng: random.Random, n: int, start: date, end: date, campaigns) -> list[date]:
    days = []
    span = (end - start).days
    while len(days) < n:
        day = start + timedelta(days=rng.randint(0, span))
        if rng.random() * 4.0 < _day_density(day, start, campaigns):
            days.append(day)
    return sorted(days)


def _draw_status(rng: random.Random, created: datetime) -> str:
    age = (END - created.date()).days
    weights = next(w for limit, w in STATUS_WEIGHTS if age < limit)
    return rng.choices(STATUSES, weights=weights)[0]


def _pick_domain(rng: random.Random, keys: tuple[str, ...] | None = None) -> Domain:
    domains = [DOMAIN[k] for k in keys] if keys else list(DOMAINS)
    return rng.choices(domains, weights=[d.weight for d in domains])[0]


def _title(rng: random.Random, world: World, box: str, seedling: Seedling) -> str | None:
    """A title of this situation not used in the box yet, preferably never used at all."""
    titles = seedling.titles()
    rng.shuffle(titles)
    fresh = [t for t in titles if t not in world.box_titles[box]]
    if not fresh:
        return None
    unused = [t for t in fresh if t not in world.used_titles]
    return (unused or fresh)[0]


def _describe(
    rng: random.Random, domain: Domain, seedling: Seedling, author: User, *, national: bool = False
) -> str:
    """Two to five sentences: what is observed and what is proposed, sometimes with where it
    comes from, a remark of the field, the expected benefit and an offer to help."""
    opener = rng.choice(OPENERS).format(city=author.caf.city) if rng.random() < 0.4 else ""
    constat = rng.choice(seedling.constats)
    proposal = rng.choice(seedling.proposals)
    detail = rng.choice(domain.details) if rng.random() < 0.3 else ""
    benefit = seedling.benefit if rng.random() < 0.7 else ""
    closing = ""
    if rng.random() < 0.4:
        closing = rng.choice(NATIONAL_CLOSINGS if national else CLOSINGS)
    if detail == constat:
        detail = ""
    sentences = [s for s in (opener, constat, proposal, detail, benefit, closing) if s]
    if len(sentences) > 5:
        sentences.remove(detail or opener)
    return " ".join(sentences)


def _author_weights(agents: list[User]) -> list[float]:
    return [4.0 if a.email == core.AGENT_EMAIL else 2.5 if a.is_innovator else 1.0 for a in agents]


def _new_idea(
    rng: random.Random,
    world: World,
    *,
    box: str,
    author: User,
    created: datetime,
    domain: Domain,
    campaign: str | None,
) -> Plan | None:
    used = {p.seedling for p in world.plans if p.box == box}
    candidates = [s for s in domain.seedlings if s not in used] or list(domain.seedlings)
    seedling = rng.choice(candidates)
    title = _title(rng, world, box, seedling)
    if title is None:
        return None
    plan = Plan(
        box=box,
        author=author,
        created=created,
        title=title,
        description=_describe(rng, domain, seedling, author, national=box == NATIONAL),
        themes=domain.themes,
        campaign=campaign,
        domain=domain,
        seedling=seedling,
    )
    world.box_titles[box].add(title)
    world.used_titles.add(title)
    return plan


def _plan_local_ideas(ctx: SeedContext, world: World, specs: list[CampaignSpec]) -> None:
    rng = ctx.random("eurekaf.idees")
    for number, opened, count in LOCAL_BOXES:
        campaigns = [s for s in specs if s.box == number]
        authors = world.by_caf[number]
        weights = _author_weights(authors)
        days = _draw_days(
            rng, count, opened + timedelta(days=3), END - timedelta(days=6), campaigns
        )
        for day in days:
            created = _moment(rng, day)
            running = [c for c in campaigns if c.starts_on <= day <= c.ends_on]
            campaign = running[0] if running and rng.random() < 0.7 else None
            domain = _pick_domain(rng, campaign.domains if campaign else None)
            author = rng.choices(authors, weights=weights)[0]
            status = _draw_status(rng, created)
            if status == MER:
                plan = _plan_duplicate(rng, world, number, author, created)
                if plan is not None:
                    world.plans.append(plan)
                    continue
                status = SUB
            plan = _new_idea(
                rng,
                world,
                box=number,
                author=author,
                created=created,
                domain=domain,
                campaign=campaign.slug if campaign else None,
            )
            if plan is None:
                continue
            _timeline(rng, world, plan, status)
            world.plans.append(plan)


def _plan_duplicate(rng, world: World, box: str, author: User, created: datetime) -> Plan | None:
    """An idea that another agent of the box had already proposed: merged into it."""
    targets = [
        p
        for p in world.plans
        if p.box == box
        and p.merged_into is None
        and p.seedling is not None
        and p.author != author
        and p.status != REJ
        and (created - p.created).days >= 3
    ]
    rng.shuffle(targets)
    for target in targets:
        title = _title(rng, world, box, target.seedling)
        if title is None:
            continue
        plan = Plan(
            box=box,
            author=author,
            created=created,
            title=title,
            description=_describe(rng, target.domain, target.seedling, author),
            themes=target.themes,
            domain=target.domain,
            seedling=target.seedling,
            merged_into=target,
        )
        world.box_titles[box].add(title)
        world.used_titles.add(title)
        path = rng.choices(*zip(*PATHS[MER], strict=True))[0]
        _timeline(rng, world, plan, MER, path=path)
        plan.merged_at = plan.rows[-1].at
        target.touched = max(target.touched or plan.merged_at, plan.merged_at)
        return plan
    return None


def _timeline(
    rng: random.Random,
    world: World,
    plan: Plan,
    status: str,
    *,
    path: tuple[str, ...] | None = None,
    answers: dict[str, str] | None = None,
) -> None:
    """The public timeline of an idea up to `status`: dated steps, each with its answer."""
    if path is None:
        options, weights = zip(*PATHS[status], strict=True)
        path = rng.choices(options, weights=weights)[0]
    plan.rows = [Row(plan.created, "", SUB, "", plan.author)]
    managers = world.managers[plan.box]
    service_label, service = _service(rng, plan)
    if status in (STU, SEL, EXP):
        plan.service = service_label
    moment = plan.created
    for step, (previous, to) in enumerate(pairwise(path)):
        if step == 0:
            moment = _after(rng, moment, min(150, _lognormal(rng, 16, 0.7)))
        else:
            moment = _after(rng, moment, rng.uniform(20, 110 if to != IMP else 150))
        if answers and to in answers:
            answer = answers[to]
        elif to == MER:
            answer = MERGE_ANSWER.format(target=plan.merged_into.title)
        else:
            answer = _answer(rng, plan, previous, to, service, moment)
        plan.rows.append(Row(moment, previous, to, answer, _answerer(rng, managers, plan)))
    # Ideas answered in the demo's last days: squeeze the steps into the time there is.
    if plan.rows[-1].at >= END_AT and len(plan.rows) > 1:
        span = (END_AT - timedelta(days=1) - plan.created).total_seconds()
        steps = len(plan.rows) - 1
        for i, row in enumerate(plan.rows[1:], start=1):
            row.at = plan.created + timedelta(seconds=span * i / steps)


def _answerer(rng: random.Random, managers: list[User], plan: Plan) -> User | None:
    """A manager of the box, other than the idea's author when there is one."""
    others = [m for m in managers if m != plan.author] or managers
    return rng.choice(others) if others else None


def _service(rng: random.Random, plan: Plan) -> tuple[str, str]:
    """Who studies the idea: (label, « le pôle accueil »)."""
    if plan.domain is None:  # an initiative of a criée
        return "", "l'équipe du CafLab"
    if plan.box == NATIONAL:
        return NATIONAL_SERVICES[plan.domain.key]
    return rng.choice(plan.domain.services)


def _answer(rng: random.Random, plan: Plan, previous: str, to: str, service: str, moment) -> str:
    """The official answer of a step: an « en étude » may come without one."""
    if previous == REJ and to == STU:
        return REOPEN_ANSWER.format(service=service)
    if to == STU and rng.random() < 0.4:
        return ""
    national = plan.box == NATIONAL
    templates = (NATIONAL_ANSWERS if national else ANSWERS)[to]
    if to == REJ:
        key = plan.domain.key
        fits = REJECTION_DOMAINS[national]
        templates = [t for t, d in zip(templates, fits, strict=True) if d is None or key in d]
    return rng.choice(templates).format(
        service=service,
        to_service=_to(service),
        Service=_cap(service),
        month=_month(moment.date()),
    )


def _plan_national_ideas(ctx: SeedContext, world: World, specs: list[CampaignSpec]) -> None:
    rng = ctx.random("eurekaf.idees-nationales")
    weights = _author_weights(world.agents)
    planned: list[tuple[date, CampaignSpec | None]] = []
    for spec in specs:
        if spec.box == NATIONAL and spec.kind == Campaign.Kind.THEMATIC:
            last = min(spec.ends_on, END - timedelta(days=4))
            planned += [
                (d, spec) for d in _draw_days(rng, spec.ideas, spec.starts_on, last, [spec])
            ]
    free = _draw_days(
        rng, NATIONAL_FREE_IDEAS, NATIONAL_OPENED + timedelta(days=7), END - timedelta(days=6), []
    )
    planned += [(d, None) for d in free]
    for day, spec in sorted(planned, key=lambda item: (item[0], item[1] is None)):
        created = _moment(rng, day)
        domain = _pick_domain(rng, spec.domains if spec else None)
        author = rng.choices(world.agents, weights=weights)[0]
        status = _draw_status(rng, created)
        if status == MER:
            plan = _plan_duplicate(rng, world, NATIONAL, author, created)
            if plan is not None:
                world.plans.append(plan)
                continue
            status = SUB
        plan = _new_idea(
            rng,
            world,
            box=NATIONAL,
            author=author,
            created=created,
            domain=domain,
            campaign=spec.slug if spec else None,
        )
        if plan is not None:
            _timeline(rng, world, plan, status)
            world.plans.append(plan)


def _plan_criees(ctx: SeedContext, world: World) -> None:
    rng = ctx.random("eurekaf.criees")
    specs = {spec.slug: spec for spec in CRIEES}
    entries = {
        "criee-ajpp-2024": [(caf, t, d, s) for caf, t, d, s in AJPP_INITIATIVES],
        "criee-aidance-2025": [(caf, t, d, s) for caf, t, d, s in AIDANCE_INITIATIVES],
        "criee-partenaires-action-sociale-2025": [
            (caf, t, d, EXP if i in PARTNER_TESTED else SEL if i in PARTNER_PITCHED else STU)
            for i, (_theme, caf, t, d) in enumerate(PARTNER_INITIATIVES)
        ],
        "criee-horaires-atypiques-2026": [
            (caf, t, d, STU if i < 2 else SUB) for i, (caf, t, d) in enumerate(ATYPICAL_INITIATIVES)
        ],
    }
    for slug, initiatives in entries.items():
        spec = specs[slug]
        last = min(spec.ends_on, END - timedelta(days=10))
        days = sorted(
            spec.starts_on + timedelta(days=rng.randint(0, (last - spec.starts_on).days))
            for _ in initiatives
        )
        for day, (caf, title, description, status) in zip(days, initiatives, strict=True):
            author = rng.choice(world.by_caf[caf])
            plan = Plan(
                box=NATIONAL,
                author=author,
                created=_moment(rng, day),
                title=title,
                description=description,
                themes=spec.themes,
                campaign=slug,
            )
            world.box_titles[NATIONAL].add(title)
            world.used_titles.add(title)
            _timeline(
                rng, world, plan, status, path=CRIEE_PATHS[status], answers=CRIEE_ANSWERS[slug]
            )
            _date_criee_steps(rng, plan, spec, world.managers[NATIONAL])
            world.plans.append(plan)


def _date_criee_steps(rng: random.Random, plan: Plan, spec: CampaignSpec, managers) -> None:
    """Initiatives are studied once the appel closes, the pitched ones chosen by the organiser
    before the criée; what follows the criée comes months later."""
    closed = datetime.combine(spec.ends_on, time(17), tzinfo=PARIS)
    pitch = datetime.combine(spec.pitch_on, time(10), tzinfo=PARIS)
    window = pitch - closed
    for row in plan.rows[1:]:
        if closed >= END_AT:  # the appel is still open: studied as they arrive
            row.at = _after(rng, plan.created, rng.uniform(3, 10))
        elif row.to == STU:
            row.at = closed + window * rng.uniform(0.1, 0.35)
        elif row.to in (SEL, REJ):
            row.at = closed + window * rng.uniform(0.55, 0.9)
            row.by = managers[-1] if managers else None
        else:
            row.at = min(END_AT, pitch + timedelta(days=rng.randint(60, 140)))
        row.at = row.at.replace(second=0, microsecond=0)


def _plan_hidden_ideas(ctx: SeedContext, world: World) -> None:
    rng = ctx.random("eurekaf.moderation-idees")
    for report_reason, number, title, description, reason in HIDDEN_IDEAS:
        opened = next(o for n, o, _c in LOCAL_BOXES if n == number)
        created = _moment(rng, max(opened, date(2025, 3, 1)) + timedelta(days=rng.randint(30, 200)))
        plan = Plan(
            box=number,
            author=rng.choice(world.by_caf[number]),
            created=created,
            title=title,
            description=description,
            themes=(),
            hidden_reason=reason,
        )
        plan.report_reason = report_reason
        plan.rows = [Row(created, "", SUB, "", plan.author)]
        world.box_titles[number].add(title)
        world.used_titles.add(title)
        world.plans.append(plan)


def _escalate(ctx: SeedContext, world: World) -> None:
    """Some local ideas are put to national contribution by their box's managers."""
    rng = ctx.random("eurekaf.contribution-nationale")
    targets = {id(p.merged_into) for p in world.plans if p.merged_into is not None}
    candidates = [
        p
        for p in world.plans
        if p.box != NATIONAL
        and p.merged_into is None
        and not p.hidden_reason
        and id(p) not in targets
        and p.status in (SUB, STU, SEL, EXP, IMP)
        and p.created.date() <= date(2026, 8, 31)
        and p.title not in world.box_titles[NATIONAL]
    ]
    for plan in rng.sample(candidates, min(ESCALATIONS, len(candidates))):
        if plan.title in world.box_titles[NATIONAL]:  # two Cafs escalated the same title
            continue
        real = plan.rows
        if len(real) >= 3:
            gap = (real[2].at - real[1].at).total_seconds()
            at = real[1].at + timedelta(seconds=gap * rng.uniform(0.2, 0.6))
            index = 2
        elif len(real) == 2:
            at = _after(rng, real[1].at, rng.uniform(3, 25))
            index = 2
        else:
            at = _after(rng, plan.created, rng.uniform(7, 45))
            index = 1
        if at >= END_AT or at.date() <= NATIONAL_OPENED:
            continue
        status = plan.rows[index - 1].to
        template = rng.choice(ESCALATION_ANSWERS)
        answer = template or f"Idée mise à contribution nationale par {world.box_names[plan.box]}."
        by = _answerer(rng, world.managers[plan.box], plan)
        plan.rows.insert(index, Row(at, status, status, answer, by, real=False))
        world.box_titles[NATIONAL].add(plan.title)
        plan.origin_box, plan.box, plan.campaign = plan.box, NATIONAL, None
        # From now on the national managers answer, with the Cnaf's direction in charge.
        label, service = _service(rng, plan)
        if plan.service:
            plan.service = label
        national = world.managers[NATIONAL]
        for row in plan.rows[index + 1 :]:
            row.by = _answerer(rng, national, plan)
            if row.answer:
                row.answer = _answer(rng, plan, row.frm, row.to, service, row.at)


def _assign(ctx: SeedContext, world: World) -> None:
    """Most ideas in study are entrusted to a manager of the box, with a due date; a service
    stays named on the ideas being prepared or tested."""
    rng = ctx.random("eurekaf.affectations")
    for plan in world.plans:
        if plan.status in (SEL, EXP):
            continue
        if plan.status != STU or not world.managers[plan.box] or rng.random() > 0.7:
            plan.service = ""
            continue
        studied = plan.real_rows()[-1].at
        plan.assignee = rng.choice(world.managers[plan.box])
        plan.due = (studied + timedelta(days=rng.randint(30, 75))).date()
        if not plan.service:  # an initiative of a criée: studied by the sponsor at the Cnaf
            aidance = plan.campaign == "criee-aidance-2025"
            plan.service = "DRH Réseau (Cnaf)" if aidance else DPFS


def _react(ctx: SeedContext, world: World) -> None:
    """Supports, comments and follows, from agents who may see the idea."""
    rng = ctx.random("eurekaf.soutiens")
    crng = ctx.random("eurekaf.commentaires")
    for plan in world.plans:
        plan.follows[plan.author.pk] = (plan.author, plan.created)
        if plan.hidden_reason:
            continue
        _supports(rng, world, plan)
        _comments(crng, world, plan)
    # The followers of a merged idea now follow the original.
    for plan in world.plans:
        if plan.merged_into is not None:
            target = plan.merged_into
            for user_pk, (user, at) in plan.follows.items():
                if user_pk not in target.follows:
                    target.follows[user_pk] = (user, at)
            plan.follows = {}


def _supports(rng: random.Random, world: World, plan: Plan) -> None:
    if plan.merged_into is not None:
        return  # its supports moved to the original
    popularity = POPULARITY[plan.status]
    if (END_AT - plan.created).days < 30:
        popularity *= 0.5
    national = plan.box == NATIONAL
    wanted = round(_lognormal(rng, 9 if national else 2.2, 0.8) * popularity)
    escalated = plan.escalated_at
    if national and plan.origin_box is None:
        pool = [a for a in world.agents if a != plan.author]
        weights = [
            (6 if a.caf_id == plan.author.caf_id else 1) * (2.5 if a.is_innovator else 1)
            for a in pool
        ]
        chosen = [(a, plan.created) for a in _weighted(rng, pool, weights, min(wanted, 150))]
    else:
        local = [a for a in world.by_caf[plan.origin_box or plan.box] if a != plan.author]
        local_share = wanted if escalated is None else max(1, wanted // 3)
        chosen = [(a, plan.created) for a in rng.sample(local, min(local_share, len(local)))]
        if escalated is not None:
            taken = {a.pk for a, _ in chosen} | {plan.author.pk}
            pool = [a for a in world.agents if a.pk not in taken]
            weights = [2.5 if a.is_innovator else 1 for a in pool]
            more = _weighted(rng, pool, weights, max(0, wanted - len(chosen)))
            chosen += [(a, escalated) for a in more]
    for agent, since in chosen:
        at = _after(rng, since, min(200, rng.expovariate(1 / 12)))
        plan.supports[agent.pk] = (agent, at)
        if rng.random() < 0.3:
            plan.follows.setdefault(agent.pk, (agent, at))


def _comments(rng: random.Random, world: World, plan: Plan) -> None:
    national = plan.box == NATIONAL
    weights = [20, 22, 20, 14, 10, 6, 4, 2, 2] if national else [40, 30, 17, 9, 4]
    count = rng.choices(range(len(weights)), weights=weights)[0]
    if plan.merged_into is not None:
        count = min(count, 1)
    elif plan.status in (SEL, EXP, IMP):
        count += rng.randint(0, 2)
    limit = plan.merged_at or END_AT
    moments = sorted(
        _after(rng, plan.created, min(180, rng.expovariate(1 / 15))) for _ in range(count)
    )
    moments = [m for m in moments if m < limit]
    reactions = REACTIONS if plan.domain else CRIEE_REACTIONS
    details = plan.domain.details if plan.domain else CRIEE_DETAILS
    managers = [m for m in world.managers[plan.box] if m != plan.author]
    for at in moments:
        spoke = {c.author for c in plan.comments}
        if plan.comments and rng.random() < 0.25:
            author = plan.author
            text = rng.choice(AUTHOR_REPLIES)
        elif rng.random() < 0.06 and managers:
            author = rng.choice(managers)
            text = rng.choice(MANAGER_COMMENTS)
        else:
            people = [a for a in world.eligible(plan, at) if a != plan.author and a not in spoke]
            if not people:
                continue
            author = rng.choice(people)
            parts = [rng.choice(reactions)]
            if rng.random() < 0.6:
                parts.append(rng.choice(details))
            if rng.random() < 0.25:
                parts.append(rng.choice(COMMENT_CLOSINGS))
            text = " ".join(parts)
        plan.comments.append(CommentPlan(author, at, text))
        plan.follows.setdefault(author.pk, (author, at))


def _moderate(ctx: SeedContext, world: World) -> None:
    """Hidden comments (with their resolved report), open reports, hidden ideas, notes."""
    rng = ctx.random("eurekaf.moderation")
    visible = [
        p
        for p in world.plans
        if not p.hidden_reason and p.merged_into is None and p.created < END_AT - timedelta(days=30)
    ]
    hosts = rng.sample(
        visible, len(HIDDEN_COMMENTS) + len(REPORTED_COMMENTS) + len(IDEA_REPORT_REASONS)
    )
    for plan, (text, reason, report_reason) in zip(hosts, HIDDEN_COMMENTS, strict=False):
        at = _after(rng, plan.created, rng.uniform(1, 20))
        people = [a for a in world.eligible(plan, at) if a != plan.author]
        author, reporter = rng.sample(people, 2)
        reported = _after(rng, at, rng.uniform(0.1, 2))
        hidden = _after(rng, reported, rng.uniform(0.2, 3))
        managers = world.managers[plan.box]
        moderator = rng.choice(managers) if managers else None
        plan.comments.append(
            CommentPlan(
                author, at, text, reason, moderator, (reporter, reported, report_reason, hidden)
            )
        )
        plan.comments.sort(key=lambda c: c.at)
        plan.follows.setdefault(author.pk, (author, at))
    rest = hosts[len(HIDDEN_COMMENTS) :]
    for plan, (text, reason) in zip(rest, REPORTED_COMMENTS, strict=False):
        at = _after(rng, END_AT - timedelta(days=30), rng.uniform(1, 20))
        people = [a for a in world.eligible(plan, at) if a != plan.author]
        author, reporter = rng.sample(people, 2)
        plan.comments.append(
            CommentPlan(author, at, text, report=(reporter, _after(rng, at, 1), reason, None))
        )
        plan.comments.sort(key=lambda c: c.at)
        plan.follows.setdefault(author.pk, (author, at))
    for plan, reason in zip(rest[len(REPORTED_COMMENTS) :], IDEA_REPORT_REASONS, strict=False):
        at = _after(rng, END_AT - timedelta(days=20), rng.uniform(0, 15))
        reporter = rng.choice([a for a in world.eligible(plan, at) if a != plan.author])
        plan.reports.append((reporter, at, reason, None))
    for plan in world.plans:
        if plan.hidden_reason:  # reported by a colleague, hidden by a manager the next days
            at = _after(rng, plan.created, rng.uniform(0.1, 1))
            reporter = rng.choice([a for a in world.eligible(plan, at) if a != plan.author])
            resolved = _after(rng, at, rng.uniform(0.5, 3))
            plan.reports.append((reporter, at, plan.report_reason, resolved))
    # Internal notes on ideas being studied or prepared.
    candidates = [p for p in world.plans if p.status in (STU, SEL, EXP) and world.managers[p.box]]
    for plan in rng.sample(candidates, min(32, len(candidates))):
        author = plan.assignee or rng.choice(world.managers[plan.box])
        start = plan.real_rows()[-1].at
        service = _service(rng, plan)[1]
        notes = NOTES if plan.box != NATIONAL else NOTES[:-1]  # the last one is for a Caf box
        for _ in range(rng.choice((1, 1, 2))):
            text = rng.choice(notes).format(service=service)
            plan.notes.append((author, _after(rng, start, rng.uniform(1, 25)), text))


# Writing --------------------------------------------------------------------------------------
def _write(world: World, boxes, campaigns, themes) -> None:
    plans = sorted(world.plans, key=lambda p: (p.created, p.title))
    for plan in plans:
        real = plan.real_rows()
        answered = [row for row in real if row.to != SUB]
        activity = [
            plan.created,
            *(row.at for row in plan.rows),
            *(at for _user, at in plan.supports.values()),
            *(c.at for c in plan.comments),
        ]
        if plan.touched:
            activity.append(plan.touched)
        plan.obj = Idea(
            box=boxes[plan.box],
            campaign=campaigns[plan.campaign] if plan.campaign else None,
            author=plan.author,
            origin_caf_id=plan.author.caf_id,
            escalated_from=boxes[plan.origin_box] if plan.origin_box else None,
            title=plan.title,
            description=plan.description,
            status=plan.status,
            assignee=plan.assignee,
            assigned_service=plan.service,
            answer_due_on=plan.due,
            support_count=len(plan.supports),
            comment_count=len(plan.comments),
            follower_count=len(plan.follows),
            is_hidden=bool(plan.hidden_reason),
            hidden_reason=plan.hidden_reason,
            created_at=plan.created,
            status_changed_at=answered[-1].at if answered else None,
            first_answer_at=answered[0].at if answered else None,
            last_activity_at=max(activity),
        )
    Idea.objects.bulk_create([p.obj for p in plans if p.merged_into is None], batch_size=BATCH)
    for plan in plans:
        if plan.merged_into is not None:
            plan.obj.merged_into = plan.merged_into.obj
    Idea.objects.bulk_create([p.obj for p in plans if p.merged_into is not None], batch_size=BATCH)
    ids = [p.obj.pk for p in plans]
    Idea.objects.filter(pk__in=ids).update(updated_at=Coalesce("status_changed_at", "created_at"))

    through = Idea.themes.through
    through.objects.bulk_create(
        (through(idea_id=p.obj.pk, theme_id=themes[slug].pk) for p in plans for slug in p.themes),
        batch_size=BATCH,
    )
    IdeaStatusChange.objects.bulk_create(
        (
            IdeaStatusChange(
                idea=p.obj,
                from_status=r.frm,
                to_status=r.to,
                answer=r.answer,
                by=r.by,
                created_at=r.at,
            )
            for p in plans
            for r in p.rows
        ),
        batch_size=BATCH,
    )
    Support.objects.bulk_create(
        (
            Support(idea=p.obj, agent=user, created_at=at)
            for p in plans
            for user, at in sorted(p.supports.values(), key=lambda item: (item[1], item[0].email))
        ),
        batch_size=BATCH,
    )
    Follow.objects.bulk_create(
        (
            Follow(idea=p.obj, user=user, created_at=at)
            for p in plans
            for user, at in sorted(p.follows.values(), key=lambda item: (item[1], item[0].email))
        ),
        batch_size=BATCH,
    )
    comments = [c for p in plans for c in p.comments]
    for plan in plans:
        for c in plan.comments:
            c.obj = Comment(
                idea=plan.obj,
                author=c.author,
                text=c.text,
                created_at=c.at,
                is_hidden=bool(c.hidden_reason),
                hidden_reason=c.hidden_reason,
                hidden_by=c.hidden_by,
            )
    Comment.objects.bulk_create([c.obj for c in comments], batch_size=BATCH)
    reports = [
        Report(
            idea=p.obj,
            comment=c.obj,
            reporter=c.report[0],
            reason=c.report[2],
            created_at=c.report[1],
            resolved_at=c.report[3],
        )
        for p in plans
        for c in p.comments
        if c.report
    ]
    reports += [
        Report(idea=p.obj, reporter=reporter, reason=reason, created_at=at, resolved_at=resolved)
        for p in plans
        for reporter, at, reason, resolved in p.reports
    ]
    Report.objects.bulk_create(reports)
    InternalNote.objects.bulk_create(
        InternalNote(idea=p.obj, author=author, text=text, created_at=at)
        for p in plans
        for author, at, text in p.notes
    )


def _log_summary(ctx: SeedContext) -> None:
    ideas = Idea.objects.all()
    figures = ideas.aggregate(
        total=Count("id"),
        in_year=Count("id", filter=Q(created_at__year=ctx.year)),
        supports=Coalesce(Sum("support_count"), 0),
        comments=Coalesce(Sum("comment_count"), 0),
    )
    boxes = IdeaBox.objects.count()
    campaigns = Campaign.objects.aggregate(
        total=Count("id"), criees=Count("id", filter=Q(kind=Campaign.Kind.INITIATIVES))
    )
    ctx.log(
        f"  {boxes} boîtes à idées, {campaigns['total']} campagnes dont {campaigns['criees']} "
        f"appels à initiatives, {figures['total']} idées (dont {figures['in_year']} en "
        f"{ctx.year}), {_thousands(figures['supports'])} soutiens, "
        f"{_thousands(figures['comments'])} commentaires"
    )


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")
