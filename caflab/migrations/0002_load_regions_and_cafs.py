"""Load the 18 regions and the 101 Cafs from the CSV files kept in caflab/data/."""

from django.db import migrations

from caflab.reference import load_regions_and_cafs


def load(apps, schema_editor):
    load_regions_and_cafs(apps.get_model("caflab", "Region"), apps.get_model("caflab", "Caf"))


class Migration(migrations.Migration):
    dependencies = [("caflab", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
