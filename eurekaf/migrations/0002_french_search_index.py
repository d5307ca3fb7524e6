"""A GIN index for the French full-text search of ideas, on PostgreSQL only (SQLite, the
embedded default, searches without it)."""

from django.db import migrations

INDEX = "eurekaf_idea_search_french"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON eurekaf_idea USING gin "
        "((to_tsvector('french'::regconfig, COALESCE(title, '') || ' ' || COALESCE(description, ''))))"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("eurekaf", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
