"""ApiClient now lives in the api app (state only: the table, its rows and the foreign keys
pointing at it are unchanged)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_s6arch_apiclient"),
        ("channels", "0003_s6arch_apiclient_in_api"),
        ("workorders", "0015_event_action_all_branches"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="workorder",
                    name="api_client",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="orders",
                        to="api.apiclient",
                        verbose_name="推送系统",
                    ),
                ),
                migrations.AlterField(
                    model_name="idempotencykey",
                    name="client",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="idempotency_keys",
                        to="api.apiclient",
                    ),
                ),
                migrations.DeleteModel(name="ApiClient"),
            ],
            database_operations=[],
        ),
    ]
