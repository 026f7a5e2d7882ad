"""A first history event for the districts, divisions and memberships that were
written before their history was tracked (kpi_portal.snapshots)."""

from django.db import migrations

from kpi_portal.snapshots import snapshot

MODELS = [("districts", "District"), ("districts", "Division"), ("districts", "Membership")]


class Migration(migrations.Migration):
    dependencies = [("districts", "0003_configuration_history")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: snapshot(apps, schema_editor, MODELS),
            migrations.RunPython.noop,
        )
    ]
