"""DeadlineExtension moves to indicators (the reporting calendar) and PrintJob to
printing. Their tables, rows and sequences stay as they are: only Django's picture
of which app owns them changes. The history triggers of the extensions are dropped
here and created again by indicators.0004 under the names pgtrigger gives them there.
"""

import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_print_job_parts"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="deadlineextension", name="insert_insert"),
        pgtrigger.migrations.RemoveTrigger(model_name="deadlineextension", name="update_update"),
        pgtrigger.migrations.RemoveTrigger(model_name="deadlineextension", name="delete_delete"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="deadlineextension",
                    name="extension_once_per_period",
                ),
                migrations.RemoveField(
                    model_name="deadlineextensionevent",
                    name="pgh_obj",
                ),
                migrations.RemoveField(
                    model_name="deadlineextensionevent",
                    name="district",
                ),
                migrations.RemoveField(
                    model_name="deadlineextensionevent",
                    name="granted_by",
                ),
                migrations.RemoveField(
                    model_name="deadlineextensionevent",
                    name="period",
                ),
                migrations.RemoveField(
                    model_name="deadlineextensionevent",
                    name="pgh_context",
                ),
                migrations.RemoveConstraint(
                    model_name="printjob",
                    name="print_job_progress_within_total",
                ),
                migrations.RemoveConstraint(
                    model_name="printjob",
                    name="print_job_quarter_1_to_4",
                ),
                migrations.RemoveField(
                    model_name="deadlineextension",
                    name="district",
                ),
                migrations.RemoveField(
                    model_name="deadlineextension",
                    name="granted_by",
                ),
                migrations.RemoveField(
                    model_name="deadlineextension",
                    name="period",
                ),
                migrations.DeleteModel(
                    name="DeadlineExtensionEvent",
                ),
                migrations.RemoveField(
                    model_name="printjob",
                    name="districts",
                ),
                migrations.RemoveField(
                    model_name="printjob",
                    name="fiscal_year",
                ),
                migrations.RemoveField(
                    model_name="printjob",
                    name="parent",
                ),
                migrations.RemoveField(
                    model_name="printjob",
                    name="requested_by",
                ),
                migrations.DeleteModel(
                    name="DeadlineExtension",
                ),
                migrations.DeleteModel(
                    name="PrintJob",
                ),
            ],
        ),
    ]
