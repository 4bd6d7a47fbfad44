"""ApiClient moves here from the workorders app: the state only. The table
(``workorders_apiclient``) and its rows stay where they are (``Meta.db_table``)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("workorders", "0015_event_action_all_branches"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiClient",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=60, unique=True, verbose_name="名称")),
                        (
                            "token_hash",
                            models.CharField(editable=False, max_length=64, unique=True),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="启用")),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="创建时间"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "接口客户端",
                        "verbose_name_plural": "接口客户端",
                        "db_table": "workorders_apiclient",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
