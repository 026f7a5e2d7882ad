"""DeadlineExtension, with its history, comes from reports: its tables and rows are
kept (db_table); only the history triggers are created anew under their new names."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


def content_types_to_indicators(apps, schema_editor):
    """Move the models' content types too, so permissions granted on them stay granted."""
    content_types = apps.get_model("contenttypes", "ContentType").objects
    for model in ['deadlineextension', 'deadlineextensionevent']:
        if not content_types.filter(app_label="indicators", model=model).exists():
            content_types.filter(app_label="reports", model=model).update(app_label="indicators")


def content_types_to_reports(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    for model in ['deadlineextension', 'deadlineextensionevent']:
        if not content_types.filter(app_label="reports", model=model).exists():
            content_types.filter(app_label="indicators", model=model).update(app_label="reports")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('districts', '0002_bangkok_districts'),
        ('indicators', '0003_child_ordering_by_parent_id'),
        ('reports', '0007_move_extensions_and_print_jobs'),
        ('pghistory', '0007_auto_20250421_0444'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DeadlineExtension',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('deadline', models.DateField(verbose_name='ขยายกำหนดส่งถึง')),
                        ('reason', models.TextField(verbose_name='เหตุผล')),
                        ('granted_at', models.DateTimeField(verbose_name='อนุมัติเมื่อ')),
                        ('district', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deadline_extensions', to='districts.district', verbose_name='สำนักงานเขต')),
                        ('granted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ผู้อนุมัติ')),
                        ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='extensions', to='indicators.reportingperiod', verbose_name='ไตรมาส')),
                    ],
                    options={
                        'verbose_name': 'การขยายกำหนดส่ง',
                        'verbose_name_plural': 'การขยายกำหนดส่ง',
                        'db_table': 'reports_deadlineextension',
                    },
                ),
                migrations.CreateModel(
                    name='DeadlineExtensionEvent',
                    fields=[
                        ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                        ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                        ('pgh_label', models.TextField(help_text='The event label.')),
                        ('id', models.BigIntegerField()),
                        ('deadline', models.DateField(verbose_name='ขยายกำหนดส่งถึง')),
                        ('reason', models.TextField(verbose_name='เหตุผล')),
                        ('granted_at', models.DateTimeField(verbose_name='อนุมัติเมื่อ')),
                        ('district', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='districts.district', verbose_name='สำนักงานเขต')),
                        ('granted_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ผู้อนุมัติ')),
                        ('period', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='indicators.reportingperiod', verbose_name='ไตรมาส')),
                        ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                        ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='indicators.deadlineextension')),
                    ],
                    options={
                        'db_table': 'reports_deadlineextensionevent',
                        'abstract': False,
                    },
                ),
                migrations.AddConstraint(
                    model_name='deadlineextension',
                    constraint=models.UniqueConstraint(fields=('district', 'period'), name='extension_once_per_period'),
                ),
            ],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='deadlineextension',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "reports_deadlineextensionevent" ("deadline", "district_id", "granted_at", "granted_by_id", "id", "period_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason") VALUES (NEW."deadline", NEW."district_id", NEW."granted_at", NEW."granted_by_id", NEW."id", NEW."period_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."reason"); RETURN NULL;', hash='23f489b40ec37f5834d64b54ff8f64d4d2c1b605', operation='INSERT', pgid='pgtrigger_insert_insert_88963', table='reports_deadlineextension', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='deadlineextension',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "reports_deadlineextensionevent" ("deadline", "district_id", "granted_at", "granted_by_id", "id", "period_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason") VALUES (NEW."deadline", NEW."district_id", NEW."granted_at", NEW."granted_by_id", NEW."id", NEW."period_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."reason"); RETURN NULL;', hash='ef7c86ef4ae74e02dddca8a28fccfaf2f4be4d53', operation='UPDATE', pgid='pgtrigger_update_update_b32c3', table='reports_deadlineextension', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='deadlineextension',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "reports_deadlineextensionevent" ("deadline", "district_id", "granted_at", "granted_by_id", "id", "period_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason") VALUES (OLD."deadline", OLD."district_id", OLD."granted_at", OLD."granted_by_id", OLD."id", OLD."period_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."reason"); RETURN NULL;', hash='f590e268a368b1f387479a4ba0d5a1d235a6cee5', operation='DELETE', pgid='pgtrigger_delete_delete_d0408', table='reports_deadlineextension', when='AFTER')),
        ),
        migrations.RunPython(content_types_to_indicators, content_types_to_reports),
    ]
