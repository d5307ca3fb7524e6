"""The reference data of the Caf network, kept as CSV in caflab/data/: 18 regions, 101 Cafs.

Loaded by migration 0002; the functions take the model classes so that the migration can pass
its historical models.
"""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_regions_and_cafs(region_model, caf_model) -> None:
    regions = {
        row["code"]: region_model.objects.update_or_create(
            code=row["code"], defaults={"name": row["nom"], "overseas": row["outre_mer"] == "1"}
        )[0]
        for row in read_rows("regions.csv")
    }
    for row in read_rows("cafs.csv"):
        caf_model.objects.update_or_create(
            number=row["departement"],
            defaults={
                "name": row["nom"],
                "department_name": row["departement_nom"],
                "city": row["ville"],
                "region": regions[row["region"]],
            },
        )
