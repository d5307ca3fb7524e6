"""Demo data of the core: the contract's demo accounts, the CafLab team, the 16 regional
innovation referents, partner organisations and the agents of the community of innovators."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from caflab.models import Caf, Organisation, Region, User
from caflab.reference import load_regions_and_cafs
from caflab.roles import staff_group
from caflab.seeding import SeedContext

ORDER = 0

# The four accounts of the ARCHITECTURE contract (password `caflab-demo`).
STAFF_EMAIL = "equipe@caflab.demo"
AGENT_EMAIL = "agent.isere@caflab.demo"
REFERENT_EMAIL = "referent.bretagne@caflab.demo"
PARTNER_EMAIL = "partenaire.grenoble@caflab.demo"

# The community of innovators counts 302 members at the end of 2025.
INNOVATORS_END_2025 = 302

FIRST_NAMES = [
    "Camille",
    "Julien",
    "Léa",
    "Thomas",
    "Manon",
    "Nicolas",
    "Chloé",
    "Maxime",
    "Sarah",
    "Antoine",
    "Laura",
    "Hugo",
    "Pauline",
    "Romain",
    "Julie",
    "Mathieu",
    "Emma",
    "Alexandre",
    "Marion",
    "Vincent",
    "Clara",
    "Sébastien",
    "Inès",
    "Guillaume",
    "Anaïs",
    "Florian",
    "Lucie",
    "Benoît",
    "Amandine",
    "Jérôme",
    "Elodie",
    "Karim",
    "Nadia",
    "Olivier",
    "Sophie",
    "Yannick",
    "Fatima",
    "Cédric",
    "Aurélie",
    "Mehdi",
    "Hélène",
    "Damien",
    "Céline",
    "Samir",
    "Audrey",
    "Pierre",
    "Justine",
    "Loïc",
    "Sandrine",
    "Malik",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guerin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
]
AGENT_JOBS = (
    "Conseillère services aux familles",
    "Conseiller service aux partenaires",
    "Chargée de développement territorial",
    "Responsable du pôle accueil",
    "Travailleuse sociale",
    "Chargé de mission innovation",
    "Gestionnaire conseil allocataires",
    "Responsable action sociale",
    "Chargée de communication",
    "Conseiller technique petite enfance",
    "Cadre de proximité prestations",
    "Chargée d'études statistiques",
)

# The national team, with fictitious names and the roles of the 2025 report.
NATIONAL_TEAM = (
    ("Camille", "Lefort", "Directrice du CafLab", STAFF_EMAIL),
    ("Aurore", "Baudin", "Directrice adjointe", "aurore.baudin@caflab.demo"),
    ("Audrey", "Carpentier", "Facilitatrice", "audrey.carpentier@caflab.demo"),
    ("Elsa", "Marchand", "Cheffe de projet", "elsa.marchand@caflab.demo"),
    ("Karine", "Vasseur", "Cheffe de projet innovation sociale", "karine.vasseur@caflab.demo"),
    ("Elise", "Caron", "Facilitatrice", "elise.caron@caflab.demo"),
    ("Florence", "Renaud", "Cheffe de projet La Caf à votre écoute", "florence.renaud@caflab.demo"),
    (
        "Chloé",
        "Barbier",
        "Cheffe de projet Coopération et appui incubations",
        "chloe.barbier@caflab.demo",
    ),
    ("Jérôme", "Aubert", "Développeur", "jerome.aubert@caflab.demo"),
    ("Sophie", "Lemoine", "Rédactrice", "sophie.lemoine@caflab.demo"),
    ("Malo", "Tessier", "Alternant", "malo.tessier@caflab.demo"),
)

# The 16 regional innovation referents: (first, last, Caf number, region codes, email).
REFERENTS = (
    ("Vincent", "Le Gall", "35", ("53",), REFERENT_EMAIL),
    ("Elise", "Tanguy", "44", ("52", "02"), "elise.tanguy@caflab.demo"),
    ("Awa", "Diallo", "21", ("27",), "awa.diallo@caflab.demo"),
    ("Laurence", "Ducasse", "33", ("75",), "laurence.ducasse@caflab.demo"),
    ("Sabrina", "Peyrot", "87", ("75",), "sabrina.peyrot@caflab.demo"),
    ("Stéphanie", "Moulin", "45", ("24",), "stephanie.moulin@caflab.demo"),
    ("Nathalie", "Castan", "31", ("76", "06"), "nathalie.castan@caflab.demo"),
    ("Mailys", "Fabre", "34", ("76", "06"), "mailys.fabre@caflab.demo"),
    ("Romain", "Azéma", "66", ("76", "06"), "romain.azema@caflab.demo"),
    ("Carolina", "Ferreira", "69", ("84",), "carolina.ferreira@caflab.demo"),
    ("Fabienne", "Chabert", "38", ("84",), "fabienne.chabert@caflab.demo"),
    ("Elise", "Colonna", "13", ("93", "94"), "elise.colonna@caflab.demo"),
    ("Yasmine", "Benali", "93", ("11",), "yasmine.benali@caflab.demo"),
    ("Grégoire", "Lemaître", "59", ("32",), "gregoire.lemaitre@caflab.demo"),
    ("Anne", "Schneider", "67", ("44",), "anne.schneider@caflab.demo"),
    ("Thierry", "Hoarau", "974", ("04", "01", "03", "28"), "thierry.hoarau@caflab.demo"),
)

# Partner organisations: (name, kind, Caf number, city, SIREN or "").
ORGANISATIONS = (
    ("Ville de Grenoble", "commune", "38", "Grenoble", "213801855"),
    ("Grenoble-Alpes Métropole", "epci", "38", "Grenoble", "200040715"),
    ("Département de l'Isère", "departement", "38", "Grenoble", "223800012"),
    ("Ville d'Échirolles", "commune", "38", "Échirolles", ""),
    ("Communauté d'agglomération du Pays Voironnais", "epci", "38", "Voiron", ""),
    ("Centre social Chorier-Berriat", "centre_social", "38", "Grenoble", ""),
    ("MSA Alpes du Nord", "msa", "38", "Chambéry", ""),
    ("France Travail Auvergne-Rhône-Alpes", "france_travail", "69", "Lyon", ""),
    ("Rennes Métropole", "epci", "35", "Rennes", ""),
    ("Ville de Rennes", "commune", "35", "Rennes", ""),
    ("Département d'Ille-et-Vilaine", "departement", "35", "Rennes", ""),
    ("Brest Métropole", "epci", "29", "Brest", ""),
    ("Ville de Limoges", "commune", "87", "Limoges", ""),
    ("Toulouse Métropole", "epci", "31", "Toulouse", ""),
    ("Département de la Haute-Garonne", "departement", "31", "Toulouse", ""),
    ("Ville de Nice", "commune", "06", "Nice", ""),
    ("Valence Romans Agglo", "epci", "26", "Valence", ""),
    ("Ville de Bourg-en-Bresse", "commune", "01", "Bourg-en-Bresse", ""),
    ("Métropole Européenne de Lille", "epci", "59", "Lille", ""),
    ("Département du Nord", "departement", "59", "Lille", ""),
    ("Ville de Marseille", "commune", "13", "Marseille", ""),
    ("Nantes Métropole", "epci", "44", "Nantes", ""),
    ("UDAF de l'Isère", "association", "38", "Grenoble", ""),
    ("Fédération des centres sociaux de la Drôme", "association", "26", "Valence", ""),
    ("Caisse centrale de la MSA", "msa", None, "Bobigny", ""),
    ("France Travail (direction générale)", "france_travail", None, "Paris", ""),
    ("Université Grenoble Alpes", "recherche", "38", "Saint-Martin-d'Hères", ""),
    ("Ville de Saint-Denis (La Réunion)", "commune", "974", "Saint-Denis", ""),
)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.lower().replace(" ", "-").replace("'", "")


def seed(ctx: SeedContext) -> None:
    if not Caf.objects.exists():  # a flushed database (browser tests) lost the migration's rows
        load_regions_and_cafs(Region, Caf)
    cafs = {caf.number: caf for caf in Caf.objects.all()}
    regions = {region.code: region for region in Region.objects.all()}
    organisations = _seed_organisations(cafs)
    demo_hash = make_password(settings.CAFLAB_DEMO_PASSWORD)
    group = staff_group()

    for first, last, job, email in NATIONAL_TEAM:
        user = _upsert_user(
            email,
            first_name=first,
            last_name=last,
            job_title=job,
            role=User.Role.CAFLAB,
            is_staff=True,
            password_hash=demo_hash if email == STAFF_EMAIL else None,
        )
        user.groups.add(group)

    for first, last, caf_number, region_codes, email in REFERENTS:
        user = _upsert_user(
            email,
            first_name=first,
            last_name=last,
            job_title="Référent innovation en région",
            role=User.Role.REFERENT,
            caf=cafs[caf_number],
            password_hash=demo_hash if email == REFERENT_EMAIL else None,
        )
        user.regions.set([regions[code] for code in region_codes])

    _upsert_user(
        AGENT_EMAIL,
        first_name="Julien",
        last_name="Roux",
        job_title="Conseiller service aux partenaires",
        role=User.Role.AGENT,
        caf=cafs["38"],
        is_innovator=True,
        innovator_since=date(2024, 3, 12),
        password_hash=demo_hash,
    )
    _upsert_user(
        PARTNER_EMAIL,
        first_name="Sonia",
        last_name="Mercier",
        job_title="Directrice de l'action sociale",
        role=User.Role.PARTNER,
        organisation=organisations["Ville de Grenoble"],
        password_hash=demo_hash,
    )
    _seed_agents(ctx, cafs)
    ctx.log(
        f"  {User.objects.count()} comptes, {len(organisations)} organisations partenaires, "
        f"{len(cafs)} Caf"
    )


def _seed_organisations(cafs: dict[str, Caf]) -> dict[str, Organisation]:
    existing = {(org.name, org.caf_id): org for org in Organisation.objects.all()}
    result = {}
    for name, kind, caf_number, city, siren in ORGANISATIONS:
        caf = cafs[caf_number] if caf_number else None
        org = existing.get((name, caf.pk if caf else None))
        if org is None:
            org = Organisation.objects.create(name=name, kind=kind, caf=caf, city=city, siren=siren)
        result[name] = org
    return result


def _upsert_user(email: str, *, password_hash: str | None, **fields) -> User:
    user, created = User.objects.update_or_create(email=email, defaults=fields)
    if password_hash:
        if created or not user.has_usable_password():
            user.password = password_hash
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    elif created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _seed_agents(ctx: SeedContext, cafs: dict[str, Caf]) -> None:
    """Agents in every Caf; enough of them in the community of innovators to reach 302 members
    at the end of 2025, who joined from 2023 on."""
    rng = ctx.random("caflab.agents")
    already = User.objects.filter(
        is_innovator=True, innovator_since__lte=date(2025, 12, 31)
    ).exclude(email__endswith=".agents.caflab.demo")
    innovators_needed = INNOVATORS_END_2025 - already.count()
    numbers = sorted(cafs)
    unusable = make_password(None)
    agents = []
    for index in range(600):
        caf = cafs[numbers[index % len(numbers)]]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        is_innovator = index < innovators_needed
        joined = None
        if is_innovator:
            # A third joined before 2025, the rest during the year (the community grew).
            year = 2025 if rng.random() < 0.66 else rng.choice((2023, 2024))
            joined = date(year, rng.randint(1, 12), rng.randint(1, 28))
        agents.append(
            User(
                email=f"{_ascii(first)}.{_ascii(last)}.{index:03d}@caf{caf.number.lower()}.agents.caflab.demo",
                first_name=first,
                last_name=last,
                role=User.Role.AGENT,
                caf=caf,
                job_title=rng.choice(AGENT_JOBS),
                is_innovator=is_innovator,
                innovator_since=joined,
                password=unusable,  # demo agents other than the contract's never log in
                date_joined=timezone.make_aware(
                    datetime.combine(joined or date(2022, 1, 3), time(9))
                ),
            )
        )
    User.objects.bulk_create(agents, ignore_conflicts=True, batch_size=500)
