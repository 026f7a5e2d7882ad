"""The PDF cache's table (settings.CACHES["pdf"], Django's database cache): every
web and print worker host shares it. Created here so that `migrate` is all a new
database needs; createcachetable makes the same table and skips it once it exists."""

from django.core.management import call_command
from django.db import migrations

TABLE = "printing_pdf_cache"


def create(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("printing", "0002_sheets_dedup_expiry")]

    operations = [migrations.RunPython(create, drop)]
