"""Agency codes up to eight characters: the national simulation's local
administrations have seven-digit codes (demo/national.py); Bangkok's stay four."""

from django.db import migrations, models

HELP = "รหัสเขตตามทะเบียนราษฎร์ เช่น 1001"


class Migration(migrations.Migration):
    dependencies = [("districts", "0005_membership_language")]

    operations = [
        migrations.AlterField(
            model_name="district",
            name="code",
            field=models.CharField(
                help_text=HELP, max_length=8, unique=True, verbose_name="รหัสเขต"
            ),
        ),
        migrations.AlterField(
            model_name="districtevent",
            name="code",
            field=models.CharField(help_text=HELP, max_length=8, verbose_name="รหัสเขต"),
        ),
    ]
