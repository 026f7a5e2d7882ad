"""A first history event for configuration rows written before their history was
tracked (kpi_portal.snapshots): a production database's years, quarters,
indicators, steps, checks, assignments, targets and extensions."""

from django.db import migrations

from kpi_portal.snapshots import snapshot

MODELS = [
    ("indicators", "FiscalYear"),
    ("indicators", "ReportingPeriod"),
    ("indicators", "Indicator"),
    ("indicators", "MilestoneStep"),
    ("indicators", "MilestoneSubItem"),
    ("indicators", "ValidationRule"),
    ("indicators", "Assignment"),
    ("indicators", "QuarterTarget"),
    ("indicators", "DeadlineExtension"),
]


class Migration(migrations.Migration):
    dependencies = [("indicators", "0008_configuration_history")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: snapshot(apps, schema_editor, MODELS),
            migrations.RunPython.noop,
        )
    ]
