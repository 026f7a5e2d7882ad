"""pg_trgm GIN indexes for the search page (search.selectors), on the other apps'
tables: ``column ILIKE '%…%'`` finds Thai words inside text through them.

The extension itself was created by indicators 0001 (with indicator_name_trgm,
which serves the search of indicator names too); dropping these indexes leaves it.
"""

from django.db import migrations

# (index, table, column): each serves one kind of search.selectors.
INDEXES = [
    ("search_report_narrative_trgm", "reports_report", "narrative"),  # _narratives
    ("search_letter_number_trgm", "reports_letterreference", "number"),  # _letters
    ("search_letter_title_trgm", "reports_letterreference", "title"),  # _letters
    ("search_yearsummary_text_trgm", "reports_yearsummary", "text"),  # _summaries
    ("search_assignment_code_trgm", "indicators_assignment", "code"),  # _assignments
    ("search_indicator_code_trgm", "indicators_indicator", "code"),  # _indicators
    ("search_indicator_definition_trgm", "indicators_indicator", "definition"),  # _indicators
]


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0009_history_snapshots"),
        ("reports", "0009_weights_self_assessment_history"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, column in INDEXES
    ]
