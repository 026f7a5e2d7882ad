"""PrintJob comes from reports: its table, its districts table and their rows are
kept (db_table); queued tasks that name the old module are pointed at the new one,
so a worker started after the upgrade still runs them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_tasks(apps, schema_editor, old, new):
    results = apps.get_model("django_tasks_database", "DBTaskResult").objects
    for result in results.filter(task_path__startswith=old).only("id", "task_path"):
        result.task_path = new + result.task_path.removeprefix(old)
        result.save(update_fields=["task_path"])


def tasks_to_printing(apps, schema_editor):
    _move_tasks(apps, schema_editor, "reports.tasks.", "printing.tasks.")


def tasks_to_reports(apps, schema_editor):
    _move_tasks(apps, schema_editor, "printing.tasks.", "reports.tasks.")


def content_types_to_printing(apps, schema_editor):
    """Move the models' content types too, so permissions granted on them stay granted."""
    content_types = apps.get_model("contenttypes", "ContentType").objects
    for model in ['printjob']:
        if not content_types.filter(app_label="printing", model=model).exists():
            content_types.filter(app_label="reports", model=model).update(app_label="printing")


def content_types_to_reports(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    for model in ['printjob']:
        if not content_types.filter(app_label="reports", model=model).exists():
            content_types.filter(app_label="printing", model=model).update(app_label="reports")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('districts', '0002_bangkok_districts'),
        ('indicators', '0004_deadline_extension_from_reports'),
        ('reports', '0007_move_extensions_and_print_jobs'),
        ('django_tasks_database', '0021_conditional_partial_index_ordering'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PrintJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('booklet', 'เล่มรายงานของสำนักงานเขต'), ('summary', 'สรุปผลรายไตรมาสของ สยป.')], max_length=20, verbose_name='ชนิด')),
                        ('quarter', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='ไตรมาส')),
                        ('status', models.CharField(choices=[('queued', 'รอคิว'), ('running', 'กำลังพิมพ์'), ('done', 'เสร็จแล้ว'), ('failed', 'ไม่สำเร็จ')], default='queued', max_length=20, verbose_name='สถานะ')),
                        ('progress', models.PositiveIntegerField(default=0, verbose_name='ทำแล้ว')),
                        ('total', models.PositiveIntegerField(default=1, verbose_name='ทั้งหมด')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='จำนวนครั้งที่พยายาม')),
                        ('error', models.TextField(blank=True, verbose_name='ข้อผิดพลาด')),
                        ('file', models.FileField(blank=True, max_length=255, upload_to='prints/', verbose_name='ไฟล์')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='สั่งพิมพ์เมื่อ')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='เสร็จเมื่อ')),
                        ('heartbeat_at', models.DateTimeField(blank=True, null=True, verbose_name='ทำงานล่าสุดเมื่อ')),
                        ('task_id', models.CharField(blank=True, max_length=64, verbose_name='รหัสงานในคิว')),
                        ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='เริ่มพิมพ์เมื่อ')),
                        ('districts', models.ManyToManyField(blank=True, to='districts.district', verbose_name='สำนักงานเขต')),
                        ('fiscal_year', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='indicators.fiscalyear', verbose_name='ปีงบประมาณ')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='parts', to='printing.printjob', verbose_name='เป็นส่วนหนึ่งของงาน')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ผู้สั่งพิมพ์')),
                    ],
                    options={
                        'verbose_name': 'งานพิมพ์',
                        'verbose_name_plural': 'งานพิมพ์',
                        'db_table': 'reports_printjob',
                        'ordering': ['-created_at'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('progress__lte', models.F('total'))), name='print_job_progress_within_total'), models.CheckConstraint(condition=models.Q(('quarter__isnull', True), models.Q(('quarter__gte', 1), ('quarter__lte', 4)), _connector='OR'), name='print_job_quarter_1_to_4')],
                    },
                ),
            ],
        ),
        migrations.RunPython(tasks_to_printing, tasks_to_reports),
        migrations.RunPython(content_types_to_printing, content_types_to_reports),
    ]
