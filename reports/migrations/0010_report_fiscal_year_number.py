"""The fiscal year of each report, copied onto the row by triggers, for the review
queue's order and counts (reports/models.py says why).

A BEFORE trigger sets it on every insert and on a change of assignment, whatever
the row says; the three tables it comes through keep it when they change (an
assignment moved to another indicator, an indicator to another year, a year
renumbered). Existing rows are filled in once here.
"""

from django.db import migrations, models

# The copy changes nothing a page, a sheet or the public sees: the table's own
# triggers (history, matrix and public versions, sheets to render ahead) are off
# while it is made, so that they record no change.
FORWARD = """
ALTER TABLE reports_report DISABLE TRIGGER USER;
UPDATE reports_report r SET fiscal_year_number = f.year
FROM indicators_assignment a
JOIN indicators_indicator i ON i.id = a.indicator_id
JOIN indicators_fiscalyear f ON f.id = i.fiscal_year_id
WHERE r.assignment_id = a.id;
ALTER TABLE reports_report ENABLE TRIGGER USER;

CREATE FUNCTION report_fiscal_year_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.fiscal_year_number := (
        SELECT f.year FROM indicators_assignment a
        JOIN indicators_indicator i ON i.id = a.indicator_id
        JOIN indicators_fiscalyear f ON f.id = i.fiscal_year_id
        WHERE a.id = NEW.assignment_id
    );
    RETURN NEW;
END $$;
CREATE TRIGGER report_fiscal_year_number
    BEFORE INSERT OR UPDATE OF assignment_id, fiscal_year_number ON reports_report FOR EACH ROW EXECUTE FUNCTION report_fiscal_year_number();

CREATE FUNCTION report_fiscal_year_number_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'indicators_assignment' THEN
        UPDATE reports_report r SET fiscal_year_number = f.year
        FROM new_rows n
        JOIN indicators_indicator i ON i.id = n.indicator_id
        JOIN indicators_fiscalyear f ON f.id = i.fiscal_year_id
        WHERE r.assignment_id = n.id AND r.fiscal_year_number IS DISTINCT FROM f.year;
    ELSIF TG_TABLE_NAME = 'indicators_indicator' THEN
        UPDATE reports_report r SET fiscal_year_number = f.year
        FROM new_rows n
        JOIN indicators_fiscalyear f ON f.id = n.fiscal_year_id
        JOIN indicators_assignment a ON a.indicator_id = n.id
        WHERE r.assignment_id = a.id AND r.fiscal_year_number IS DISTINCT FROM f.year;
    ELSE
        UPDATE reports_report r SET fiscal_year_number = n.year
        FROM new_rows n
        JOIN indicators_indicator i ON i.fiscal_year_id = n.id
        JOIN indicators_assignment a ON a.indicator_id = i.id
        WHERE r.assignment_id = a.id AND r.fiscal_year_number IS DISTINCT FROM n.year;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_fiscal_year_number_follow AFTER UPDATE ON indicators_assignment
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_fiscal_year_number_follow();
CREATE TRIGGER report_fiscal_year_number_follow AFTER UPDATE ON indicators_indicator
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_fiscal_year_number_follow();
CREATE TRIGGER report_fiscal_year_number_follow AFTER UPDATE ON indicators_fiscalyear
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_fiscal_year_number_follow();

"""

BACKWARD = """
DROP TRIGGER IF EXISTS report_fiscal_year_number_follow ON indicators_fiscalyear;
DROP TRIGGER IF EXISTS report_fiscal_year_number_follow ON indicators_indicator;
DROP TRIGGER IF EXISTS report_fiscal_year_number_follow ON indicators_assignment;
DROP FUNCTION IF EXISTS report_fiscal_year_number_follow();
DROP TRIGGER IF EXISTS report_fiscal_year_number ON reports_report;
DROP FUNCTION IF EXISTS report_fiscal_year_number();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0010_assignment_previous"),
        ("reports", "0009_weights_self_assessment_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="fiscal_year_number",
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                fields=["status", "-fiscal_year_number", "submitted_at", "id"],
                name="report_queue_order",
            ),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                fields=["status", "quarter", "-fiscal_year_number", "submitted_at", "id"],
                name="report_queue_quarter_order",
            ),
        ),
    ]
