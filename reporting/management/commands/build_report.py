"""`python manage.py build_report --year 2025 --output report.pdf`: the annual report built in
this process by the same code as the Celery task (reporting.services.build_now), kept as a
ReportRun like any build, then copied to --output; --csv writes the figures of the year too."""

import shutil
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import ngettext

from reporting import document, services
from reporting.models import ReportRun


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{number_format(value, 2)} s"


class Command(BaseCommand):
    help = "Produit le rapport d'activité d'une année (PDF), comme la génération lancée du portail."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Année du rapport.")
        parser.add_argument(
            "--output",
            type=Path,
            help="Fichier PDF à écrire (par défaut : le nom du document, dans le dossier courant).",
        )
        parser.add_argument(
            "--kind",
            choices=ReportRun.Kind.values,
            default=ReportRun.Kind.FULL,
            help="complet : le rapport d'activité ; chiffres : les chiffres clés sur une page.",
        )
        parser.add_argument(
            "--csv", type=Path, help="Écrire aussi les chiffres de l'année dans ce fichier CSV."
        )

    def handle(self, *args, year: int, output: Path | None, kind: str, csv: Path | None, **options):
        for path in (output, csv):
            if path is not None and not path.resolve().parent.is_dir():
                raise CommandError(f"Le dossier de {path} n'existe pas.")
        try:
            run = services.build_now(year=year, kind=kind)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except Exception as exc:
            raise CommandError(f"La génération a échoué ({type(exc).__name__}) : {exc}") from exc
        if run is None or run.status != ReportRun.Status.DONE:
            raise CommandError(f"La génération n'a pas abouti : {run.error if run else '—'}")

        output = output or Path(run.filename)
        with run.pdf.open("rb") as source, output.open("wb") as target:
            shutil.copyfileobj(source, target)
        total = (run.gather_seconds or 0) + (run.render_seconds or 0)
        pages = ngettext("%(n)s page", "%(n)s pages", run.pages) % {"n": run.pages}
        size = number_format(run.size / 1024, 0, force_grouping=True)
        self.stdout.write(f"{run.get_kind_display()} {run.year} : {output} ({pages}, {size} Ko)")
        self.stdout.write(
            f"Collecte des données : {_seconds(run.gather_seconds)} · "
            f"mise en page : {_seconds(run.render_seconds)} · total : {_seconds(total)}"
        )
        self.stdout.write(
            f"Empreinte des données : {run.data_hash} (mise en page {run.template_version})"
        )
        if csv is not None:
            # The build keeps no copy of its data: the figures are gathered again.
            csv.write_text(
                document.figures_csv(document.gather(year)), encoding="utf-8", newline=""
            )
            self.stdout.write(f"Chiffres de l'année : {csv}")
        self.stdout.write(self.style.SUCCESS(f"Génération n° {run.pk} terminée."))
