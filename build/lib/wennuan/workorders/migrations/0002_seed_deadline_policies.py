"""Seed the deadline policy table with the defaults of design §4.3 (the admin edits them)."""

from django.db import migrations

H = 60
WORKDAY = 9 * 60  # working minutes of one business day (deadlines.WORKDAY)
DEFAULTS = {
    "leak": (30, 2 * H, 24 * H, "24x7_in_season"),
    "no_heat": (30, 2 * H, 24 * H, "24x7_in_season"),
    "not_warm": (1 * H, 24 * H, 72 * H, "24x7_in_season"),
    "violation": (2 * H, WORKDAY, 5 * WORKDAY, "business"),
    "service": (2 * H, WORKDAY, 5 * WORKDAY, "business"),
    "billing": (2 * H, WORKDAY, 3 * WORKDAY, "business"),
    "suspend_resume": (2 * H, WORKDAY, 3 * WORKDAY, "business"),
    "consult": (2 * H, WORKDAY, 3 * WORKDAY, "business"),
    "other": (2 * H, WORKDAY, 3 * WORKDAY, "business"),
}


def seed(apps, schema_editor):
    DeadlinePolicy = apps.get_model("workorders", "DeadlinePolicy")
    for category, (sign, onsite, resolve, clock) in DEFAULTS.items():
        DeadlinePolicy.objects.get_or_create(
            category=category,
            defaults=dict(
                sign_minutes=sign, onsite_minutes=onsite, resolve_minutes=resolve, clock=clock
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("workorders", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
