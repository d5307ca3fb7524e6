from time import monotonic

from django.core.management.base import BaseCommand

from caflab.seeding import SeedContext, seed_all


class Command(BaseCommand):
    help = "Crée (ou remet à l'état de référence) les données de démonstration de l'année 2025."

    def add_arguments(self, parser):
        parser.add_argument(
            "--app",
            action="append",
            dest="apps",
            help="Ne charger que les données de cette application (répétable).",
        )

    def handle(self, *args, apps=None, **options):
        start = monotonic()
        self.stdout.write("Données de démonstration :")
        seed_all(SeedContext(log=self.stdout.write), only=set(apps) if apps else None)
        self.stdout.write(
            self.style.SUCCESS(f"Données de démonstration prêtes en {monotonic() - start:.1f} s.")
        )
