"""The booking rules are one row, created here with the defaults, then edited in the admin."""

from django.db import migrations


def create(apps, schema_editor):
    Policy = apps.get_model("expo_booking", "Policy")
    if not Policy.objects.exists():
        Policy.objects.create()


class Migration(migrations.Migration):
    dependencies = [("expo_booking", "0002_booking_no_overlap")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop, elidable=False)]
