"""The public version row and the triggers that bump it (public/models.py says why)."""

from django.db import migrations, models

# Reference data the public pages and open data print: any statement that changes
# one of these tables bumps the version once (statement-level: a bulk load of a
# thousand rows is one bump, not a thousand).
REFERENCE_TABLES = [
    "indicators_fiscalyear",
    "indicators_reportingperiod",  # assessment_published_on: publication and withdrawal
    "indicators_indicator",
    "indicators_indicator_strategy_nodes",
    "indicators_strategynode",
    "indicators_milestonestep",
    "indicators_milestonesubitem",
    "indicators_assignment",
    "indicators_quartertarget",
    "districts_district",
    "districts_zonegroup",
    "districts_division",
    "reports_yearsummary",
]

BUMP = """
CREATE FUNCTION public_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public_publicversion (id, counter, changed_at) VALUES (1, 1, now())
    ON CONFLICT (id) DO UPDATE
        SET counter = public_publicversion.counter + 1, changed_at = now();
    RETURN NULL;
END $$;
"""

# Reports change all day while districts type; only a statement that touches an
# evaluated report (scored, re-scored, reopened, deleted) can change what is public.
REPORT_BUMP = """
CREATE FUNCTION public_version_bump_reports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Each branch names only the transition tables its operation has.
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT 1 FROM new_rows WHERE status = 'evaluated') THEN
            PERFORM public_version_bump_now();
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM old_rows WHERE status = 'evaluated') THEN
            PERFORM public_version_bump_now();
        END IF;
    ELSIF EXISTS (SELECT 1 FROM new_rows WHERE status = 'evaluated')
          OR EXISTS (SELECT 1 FROM old_rows WHERE status = 'evaluated') THEN
        PERFORM public_version_bump_now();
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION public_version_bump_now() RETURNS void LANGUAGE sql AS $$
    INSERT INTO public_publicversion (id, counter, changed_at) VALUES (1, 1, now())
    ON CONFLICT (id) DO UPDATE
        SET counter = public_publicversion.counter + 1, changed_at = now();
$$;
CREATE TRIGGER public_version_reports_insert AFTER INSERT ON reports_report
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_version_bump_reports();
CREATE TRIGGER public_version_reports_update AFTER UPDATE ON reports_report
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_version_bump_reports();
CREATE TRIGGER public_version_reports_delete AFTER DELETE ON reports_report
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public_version_bump_reports();
CREATE TRIGGER public_version_reports_truncate AFTER TRUNCATE ON reports_report
    FOR EACH STATEMENT EXECUTE FUNCTION public_version_bump();
"""

REPORT_UNBUMP = """
DROP TRIGGER IF EXISTS public_version_reports_insert ON reports_report;
DROP TRIGGER IF EXISTS public_version_reports_update ON reports_report;
DROP TRIGGER IF EXISTS public_version_reports_delete ON reports_report;
DROP TRIGGER IF EXISTS public_version_reports_truncate ON reports_report;
DROP FUNCTION IF EXISTS public_version_bump_reports();
DROP FUNCTION IF EXISTS public_version_bump_now();
"""


def _reference_triggers() -> str:
    return "\n".join(
        f"CREATE TRIGGER public_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
        f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION public_version_bump();"
        for table in REFERENCE_TABLES
    )


def _drop_reference_triggers() -> str:
    return "\n".join(
        f"DROP TRIGGER IF EXISTS public_version_bump ON {table};" for table in REFERENCE_TABLES
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("districts", "0004_history_snapshots"),
        ("indicators", "0009_history_snapshots"),
        ("reports", "0009_weights_self_assessment_history"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("counter", models.BigIntegerField(default=0, verbose_name="ครั้งที่")),
                (
                    "changed_at",
                    models.DateTimeField(null=True, verbose_name="เปลี่ยนแปลงล่าสุดเมื่อ"),
                ),
            ],
            options={
                "verbose_name": "รุ่นของข้อมูลเผยแพร่",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="public_version_single_row"
                    )
                ],
            },
        ),
        migrations.RunSQL(
            BUMP + _reference_triggers(),
            _drop_reference_triggers() + "DROP FUNCTION IF EXISTS public_version_bump();",
        ),
        migrations.RunSQL(REPORT_BUMP, REPORT_UNBUMP),
    ]
