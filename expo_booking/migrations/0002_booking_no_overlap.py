"""On PostgreSQL, no two holding bookings of a set share a blocked day — transport days
included — whatever the concurrency: an exclusion constraint over a date range (btree_gist
for the equality on the set). SQLite has no such constraint: there the booking service's lock
on the set's row is the guarantee (SQLite serialises writers)."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE expo_booking_booking ADD CONSTRAINT booking_no_overlap
    EXCLUDE USING gist (
        expo_set_id WITH =,
        daterange(blocked_from, blocked_until, '[]') WITH &&
    ) WHERE (status <> 'annulee');
"""
DROP = "ALTER TABLE expo_booking_booking DROP CONSTRAINT IF EXISTS booking_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("expo_booking", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
