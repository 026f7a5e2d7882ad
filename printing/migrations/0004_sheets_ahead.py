"""Ahead printing (printing/ahead.py): the counts of a booklet's sheets on its job,
and the table of sheets whose data changed, with the triggers that write it."""

import django.db.models.deletion
from django.db import migrations, models

# The assignments whose sheets a table's changed rows (``x``, from {rows}) change:
# the tables of reports.selectors._sheet_sources whose edits are everyday work.
# The strategy plan, zone groups, divisions and fiscal years change rarely; a sheet
# they change prints anew when it is next asked for (its fingerprint has changed),
# without being rendered ahead. tests/printing/test_ahead.py keeps this list and
# _sheet_sources in step.
CHANGED = {
    "reports_report": "SELECT x.assignment_id FROM {rows} x",
    "reports_ratioupdate": (
        "SELECT r.assignment_id FROM {rows} x JOIN reports_report r ON r.id = x.report_id"
    ),
    "reports_stepprogress": (
        "SELECT r.assignment_id FROM {rows} x JOIN reports_report r ON r.id = x.report_id"
    ),
    "reports_letterreference": (
        "SELECT r.assignment_id FROM {rows} x JOIN reports_report r ON r.id = x.report_id"
    ),
    "reports_evidencefile": (
        "SELECT r.assignment_id FROM {rows} x JOIN reports_report r ON r.id = x.report_id"
    ),
    "reports_yearsummary": "SELECT x.assignment_id FROM {rows} x",
    "indicators_quartertarget": "SELECT x.assignment_id FROM {rows} x",
    "indicators_assignment": "SELECT x.id FROM {rows} x",
    "indicators_indicator": (
        "SELECT a.id FROM {rows} x JOIN indicators_assignment a ON a.indicator_id = x.id"
    ),
    "indicators_indicator_strategy_nodes": (
        "SELECT a.id FROM {rows} x JOIN indicators_assignment a ON a.indicator_id = x.indicator_id"
    ),
    "indicators_milestonestep": (
        "SELECT a.id FROM {rows} x JOIN indicators_assignment a ON a.indicator_id = x.indicator_id"
    ),
    "indicators_milestonesubitem": (
        "SELECT a.id FROM {rows} x JOIN indicators_milestonestep s ON s.id = x.step_id"
        " JOIN indicators_assignment a ON a.indicator_id = s.indicator_id"
    ),
    "indicators_reportingperiod": (
        "SELECT a.id FROM {rows} x JOIN indicators_indicator i ON i.fiscal_year_id = x.fiscal_year_id"
        " JOIN indicators_assignment a ON a.indicator_id = i.id"
    ),
    "districts_district": (
        "SELECT a.id FROM {rows} x JOIN indicators_assignment a ON a.district_id = x.id"
    ),
}

# The changed sheets, and the next year's sheets that print them among earlier years
# (linked by ``previous``), each once, in order (ON CONFLICT may not touch a row twice
# in one statement; one order keeps two transactions from deadlocking).
UPSERT = """
        WITH changed (id) AS ({ids})
        INSERT INTO printing_sheetchange AS c (assignment_id, changed_at, version)
        SELECT DISTINCT id, clock_timestamp(), 1 FROM (
            SELECT id FROM changed
            UNION SELECT n.id FROM indicators_assignment n JOIN changed ON n.previous_id = changed.id
        ) AS sheets WHERE id IS NOT NULL ORDER BY 1
        ON CONFLICT (assignment_id)
            DO UPDATE SET changed_at = excluded.changed_at, version = c.version + 1;"""


def _function(table: str) -> str:
    ids = CHANGED[table]
    updated = f"{ids.format(rows='old_rows')} UNION ALL {ids.format(rows='new_rows')}"
    return f"""
CREATE FUNCTION sheet_change_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN{UPSERT.format(ids=ids.format(rows="new_rows"))}
    ELSIF TG_OP = 'DELETE' THEN{UPSERT.format(ids=ids.format(rows="old_rows"))}
    ELSE{UPSERT.format(ids=updated)}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER sheet_change_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sheet_change_{table}();
CREATE TRIGGER sheet_change_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sheet_change_{table}();
CREATE TRIGGER sheet_change_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sheet_change_{table}();
"""


def _drop(table: str) -> str:
    triggers = "".join(
        f"DROP TRIGGER IF EXISTS sheet_change_{op} ON {table};"
        for op in ("insert", "update", "delete")
    )
    return triggers + f"DROP FUNCTION IF EXISTS sheet_change_{table}();"


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0005_membership_language"),
        ("indicators", "0010_assignment_previous"),
        ("printing", "0003_pdf_cache_table"),
        ("reports", "0009_weights_self_assessment_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="printjob",
            name="sheets_rendered",
            field=models.PositiveIntegerField(default=0, verbose_name="แผ่นที่พิมพ์ใหม่"),
        ),
        migrations.AddField(
            model_name="printjob",
            name="sheets_reused",
            field=models.PositiveIntegerField(default=0, verbose_name="แผ่นที่พิมพ์ไว้แล้ว"),
        ),
        migrations.CreateModel(
            name="SheetChange",
            fields=[
                (
                    "assignment",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="indicators.assignment",
                    ),
                ),
                ("changed_at", models.DateTimeField()),
                ("version", models.PositiveBigIntegerField(default=1)),
                ("queued_version", models.PositiveBigIntegerField(blank=True, null=True)),
            ],
            options={
                "indexes": [models.Index(fields=["changed_at"], name="sheet_change_by_time")],
            },
        ),
        *(migrations.RunSQL(_function(table), reverse_sql=_drop(table)) for table in CHANGED),
    ]
