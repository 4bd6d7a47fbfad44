"""Webhook subscriptions point at ApiClient in its new app (state only: same table)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_s6arch_apiclient"),
        ("channels", "0002_channels_citizen_notices"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="webhooksubscription",
                    name="client",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="webhook_subscriptions",
                        to="api.apiclient",
                        verbose_name="接口客户端",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
