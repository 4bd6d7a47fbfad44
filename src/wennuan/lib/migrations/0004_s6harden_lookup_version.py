from django.db import migrations, models


def first_row(apps, schema_editor):
    apps.get_model("lib", "LookupVersion").objects.get_or_create(pk=1, defaults={"version": 0})


class Migration(migrations.Migration):
    dependencies = [("lib", "0003_merge_deploy_arch")]

    operations = [
        migrations.CreateModel(
            name="LookupVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(first_row, migrations.RunPython.noop),
    ]
