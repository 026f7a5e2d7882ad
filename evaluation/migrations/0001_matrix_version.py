"""The matrix version rows and the triggers that bump them (evaluation/models.py says why)."""

from django.db import migrations, models

# What each table's changed rows mean for the matrices: the (fiscal year id, quarter)
# pairs to bump, from a set of rows named ``x``. Quarter 0 is every quarter of the
# year, (0, 0) every matrix.
PAIRS = {
    "reports_report": (
        "SELECT i.fiscal_year_id, x.quarter FROM {rows} x"
        " JOIN indicators_assignment a ON a.id = x.assignment_id"
        " JOIN indicators_indicator i ON i.id = a.indicator_id"
    ),
    # The flag of a report handed in with explanations.
    "reports_explanation": (
        "SELECT i.fiscal_year_id, r.quarter FROM {rows} x"
        " JOIN reports_report r ON r.id = x.report_id"
        " JOIN indicators_assignment a ON a.id = r.assignment_id"
        " JOIN indicators_indicator i ON i.id = a.indicator_id"
    ),
    # Lateness: the quarter's deadline and each district's extension of it.
    "reports_deadlineextension": (
        "SELECT p.fiscal_year_id, p.quarter FROM {rows} x"
        " JOIN indicators_reportingperiod p ON p.id = x.period_id"
    ),
    "indicators_reportingperiod": "SELECT x.fiscal_year_id, x.quarter FROM {rows} x",
    # The year's columns (code, name) and which cells are assigned.
    "indicators_assignment": (
        "SELECT i.fiscal_year_id, 0 FROM {rows} x JOIN indicators_indicator i ON i.id = x.indicator_id"
    ),
    "indicators_indicator": "SELECT x.fiscal_year_id, 0 FROM {rows} x",
    "indicators_fiscalyear": "SELECT x.id, 0 FROM {rows} x",
    # Every matrix's rows: names, codes, zone groups and their order.
    "districts_district": "SELECT 0, 0 FROM {rows} x",
    "districts_zonegroup": "SELECT 0, 0 FROM {rows} x",
}

# Reports change all day on deadline day while districts type: an update bumps
# only when a column the matrix shows changed (a narrative saved bumps nothing).
REPORT_COLUMNS = "assignment_id, quarter, status, result, score, full_score, submitted_at"

# Each pair once, in order (ON CONFLICT may not touch a row twice in one statement;
# one order keeps two transactions from locking the same rows in opposite orders).
UPSERT = """
        INSERT INTO evaluation_matrixversion AS v (fiscal_year_id, quarter, counter, changed_at)
        SELECT DISTINCT fy, q, 1, now() FROM ({pairs}) AS changed (fy, q)
        WHERE fy IS NOT NULL ORDER BY 1, 2
        ON CONFLICT (fiscal_year_id, quarter)
            DO UPDATE SET counter = v.counter + 1, changed_at = now();"""


def _changed_reports(side: str) -> str:
    old = ", ".join(f"o.{c}" for c in REPORT_COLUMNS.split(", "))
    new = ", ".join(f"n.{c}" for c in REPORT_COLUMNS.split(", "))
    return (
        f"(SELECT {side}.* FROM old_rows o JOIN new_rows n ON n.id = o.id"
        f" WHERE ({old}) IS DISTINCT FROM ({new}))"
    )


def _function(table: str) -> str:
    pairs = PAIRS[table]
    if table == "reports_report":
        updated = f"{pairs.format(rows=_changed_reports('o'))} UNION ALL {pairs.format(rows=_changed_reports('n'))}"
    else:
        updated = f"{pairs.format(rows='old_rows')} UNION ALL {pairs.format(rows='new_rows')}"
    # Each branch names only the transition tables its operation has.
    return f"""
CREATE FUNCTION matrix_version_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN{UPSERT.format(pairs=pairs.format(rows="new_rows"))}
    ELSIF TG_OP = 'DELETE' THEN{UPSERT.format(pairs=pairs.format(rows="old_rows"))}
    ELSE{UPSERT.format(pairs=updated)}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER matrix_version_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matrix_version_{table}();
CREATE TRIGGER matrix_version_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matrix_version_{table}();
CREATE TRIGGER matrix_version_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matrix_version_{table}();
CREATE TRIGGER matrix_version_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION matrix_version_bump_all();
"""


BUMP_ALL = """
CREATE FUNCTION matrix_version_bump_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO evaluation_matrixversion AS v (fiscal_year_id, quarter, counter, changed_at)
    VALUES (0, 0, 1, now())
    ON CONFLICT (fiscal_year_id, quarter)
        DO UPDATE SET counter = v.counter + 1, changed_at = now();
    RETURN NULL;
END $$;
"""


def _drop(table: str) -> str:
    triggers = "".join(
        f"DROP TRIGGER IF EXISTS matrix_version_{op} ON {table};"
        for op in ("insert", "update", "delete", "truncate")
    )
    return triggers + f"DROP FUNCTION IF EXISTS matrix_version_{table}();"


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("districts", "0004_history_snapshots"),
        ("indicators", "0010_assignment_previous"),
        ("reports", "0009_weights_self_assessment_history"),
    ]

    operations = [
        migrations.CreateModel(
            name="MatrixVersion",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "fiscal_year_id",
                        "quarter",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("fiscal_year_id", models.IntegerField()),
                ("quarter", models.PositiveSmallIntegerField()),
                ("counter", models.BigIntegerField(default=0)),
                ("changed_at", models.DateTimeField(null=True)),
            ],
        ),
        migrations.RunSQL(
            BUMP_ALL + "".join(_function(table) for table in PAIRS),
            "".join(_drop(table) for table in PAIRS)
            + "DROP FUNCTION IF EXISTS matrix_version_bump_all();",
        ),
    ]
