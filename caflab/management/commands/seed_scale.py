from time import monotonic

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from caflab import audit, scale


class Command(BaseCommand):
    help = (
        "Crée des données synthétiques à l'échelle nationale pour mesurer les performances "
        "(facteur 1 : une année du réseau, 30 000 agents, 1 000 000 de réponses…)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--factor",
            type=float,
            default=1.0,
            help=(
                "Échelle : 1 = une année nationale ; 0,01 pour les tests, 0,1 et 1 pour les "
                "mesures."
            ),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Supprime d'abord les données de montée en charge déjà présentes.",
        )

    def handle(self, *args, factor: float, reset: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale ne fonctionne qu'avec PostgreSQL (COPY) : définissez DATABASE_URL "
                "vers une base PostgreSQL."
            )
        if not 0 < factor <= 10:
            raise CommandError("Le facteur doit être compris entre 0 (exclu) et 10.")
        loader = scale.Loader(factor=factor, log=self.stdout.write)
        start = monotonic()
        with audit.suspended():
            if scale.present():
                if not reset:
                    raise CommandError(
                        "Des données de montée en charge sont déjà présentes (comptes "
                        f"en {scale.EMAIL_SUFFIX}, adresses en « {scale.SLUG_PREFIX}… ») : "
                        "relancez avec --reset pour les remplacer."
                    )
                self.stdout.write("Suppression des données de montée en charge précédentes :")
                scale.reset(loader)
            self.stdout.write(f"Données de montée en charge, facteur {factor:g} :")
            scale.generate(loader)
        deleted = [step for step in loader.steps if step.table.startswith("suppression")]
        written = [step for step in loader.steps if step not in deleted]
        rows = sum(step.rows for step in written)
        seconds = sum(step.seconds for step in written)
        if deleted:
            self.stdout.write(f"Suppression préalable : {sum(s.seconds for s in deleted):.1f} s.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de montée en charge prêtes : {rows:,} lignes écrites en {seconds:.1f} s "
                f"({rows / seconds if seconds else 0:,.0f} lignes/s) ; "
                f"durée totale {monotonic() - start:.1f} s."
            )
        )
