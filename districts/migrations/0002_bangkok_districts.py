"""Bangkok's six zone groups and 50 district offices (data in districts/reference.py)."""

from django.db import migrations

from districts.reference import load_districts


def load(apps, schema_editor):
    load_districts(apps.get_model("districts", "ZoneGroup"), apps.get_model("districts", "District"))


class Migration(migrations.Migration):
    dependencies = [("districts", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
