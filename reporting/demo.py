"""What the CafLab team wrote for the 2025 report: the edito, the twelve « temps forts », the
national team and the indicators the portal cannot know (LinkedIn). Everything else in the
report is computed from the other apps' demo data."""

from __future__ import annotations

from caflab.seeding import SeedContext
from reporting.models import Edito, ExternalIndicator, Highlight, TeamMember

ORDER = 90

EDITO = {
    "author": "Isabelle Doal",
    "author_title": "Directrice du CafLab",
    "title": "L'innovation au service de la performance de la branche",
    "text": (
        "L'année 2025 a renforcé la trajectoire d'un laboratoire porteur de projets innovants "
        "et soutien à l'innovation dans le réseau.\n\n"
        "Le projet Alimentation solidaire et durable, copiloté avec la Caisse centrale de la "
        "Mutualité sociale agricole (CCMSA), en constitue sans doute l'illustration la plus "
        "aboutie. À l'issue d'un appel à projets centré sur un modèle économique de "
        "préfinancement de productions agricoles par les Caf et les MSA, douze territoires se "
        "sont lancés dans l'expérimentation.\n\n"
        "2025 a également été l'année du lancement et de l'incubation des projets du Défi "
        "Petite enfance en partenariat avec France Travail, pour répondre à la pénurie de "
        "professionnels dans les métiers du secteur. Le CafLab a ainsi structuré son offre "
        "d'incubation et est prêt à lancer un incubateur en 2026 !\n\n"
        "Les activités d'écoute et d'association des usagers se sont poursuivies : le "
        "développement de nouveaux living labs, sur la séparation et la jeunesse, marque le "
        "passage d'une consultation ponctuelle à une participation continue des publics dans "
        "la fabrique des services.\n\n"
        "Enfin, nous avons conçu l'exposition Caf'IA, déployée dans plus de la moitié des Caf, "
        "socle d'acculturation des agents à l'intelligence artificielle générative."
    ),
}

HIGHLIGHTS = [
    (1, "Travail avec les parents débiteurs sur le recouvrement des pensions alimentaires"),
    (
        2,
        "Intervention au Salon de l'agriculture pour le projet d'alimentation solidaire et durable",
    ),
    (
        3,
        "5 projets lauréats au Défi « Lutter contre la pénurie de personnel de la petite enfance »",
    ),
    (4, "Déploiement en Caf d'Eurekaf, la plateforme d'idéation développée par le CafLab"),
    (5, "Déploiement de l'exposition Caf'IA"),
    (
        6,
        "Restitution du projet de l'Incubateur des politiques publiques de Sciences Po Paris "
        "sur l'économie circulaire",
    ),
    (7, "39 Caf positionnées pour déployer « CTG dans ma poche »"),
    (
        8,
        "Point d'étape des actions d'association des usagers menées sur la doctrine "
        "d'animation de la vie sociale (AVS)",
    ),
    (9, "7 séances de créativité menées auprès des salariés sur l'aidance"),
    (
        10,
        "Séminaire des équipes du CafLab à Bayonne pour cheminer collectivement et renforcer "
        "la vision commune",
    ),
    (
        11,
        "La Caf à votre écoute : restitution de la consultation citoyenne sur l'autonomie des "
        "jeunes",
    ),
    (12, "Voyage apprenant au cœur des communautés d'usagers, à Marseille"),
]

TEAM = [
    ("Isabelle", "Directrice", "Direction"),
    ("Aurélie", "Adjointe", "Direction"),
    ("Audrey", "Facilitatrice", "Facilitation"),
    ("Élia", "Cheffe de projet écologie solidaire", "Projets"),
    ("Karine", "Cheffe de projet innovation sociale territoriale", "Projets"),
    ("Élise", "Facilitatrice", "Facilitation"),
    ("Malo", "Alternant", "Projets"),
    ("Florence", "Cheffe de projet La Caf à votre écoute", "Écoute des usagers"),
    ("Chloé", "Cheffe de projet COOPération et appui aux incubations", "Projets"),
    ("Jérôme", "Développeur", "Outils numériques"),
]

# The figures of the printed report that only LinkedIn knows.
EXTERNAL = [
    (2025, ExternalIndicator.Key.LINKEDIN_FOLLOWERS, 3560, "Page LinkedIn du CafLab, 31/12/2025"),
    (2025, ExternalIndicator.Key.LINKEDIN_GROWTH, 680, "Page LinkedIn du CafLab, 2025"),
    (2024, ExternalIndicator.Key.LINKEDIN_FOLLOWERS, 2880, "Page LinkedIn du CafLab, 31/12/2024"),
]


def seed(ctx: SeedContext) -> None:
    year = ctx.year
    Edito.objects.update_or_create(year=year, defaults=EDITO)
    if not Highlight.objects.filter(year=year).exists():
        Highlight.objects.bulk_create(
            Highlight(year=year, month=month, title=title) for month, title in HIGHLIGHTS
        )
    if not TeamMember.objects.filter(year=year).exists():
        TeamMember.objects.bulk_create(
            TeamMember(year=year, name=name, role=role, pole=pole, position=position)
            for position, (name, role, pole) in enumerate(TEAM)
        )
    for indicator_year, key, value, source in EXTERNAL:
        ExternalIndicator.objects.update_or_create(
            year=indicator_year, key=key, defaults={"value": value, "source": source}
        )
    ctx.log(
        f"  rapport {year} : édito, {len(HIGHLIGHTS)} temps forts, équipe de {len(TEAM)}, "
        "abonnés LinkedIn"
    )
