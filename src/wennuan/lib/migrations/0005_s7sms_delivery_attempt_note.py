from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lib", "0004_s6harden_lookup_version")]

    operations = [
        migrations.AddField(
            model_name="deliveryattempt",
            name="note",
            field=models.CharField(blank=True, max_length=300),
        ),
    ]
