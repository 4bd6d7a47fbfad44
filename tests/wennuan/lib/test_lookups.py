"""Issue 18: the intake's lookup caches follow the database, also when another process
changed it (the fingerprint), and are never read per row."""

from django.db import connection
from django.db.models import F

from wennuan.lib import lookups
from wennuan.lib.models import LookupVersion
from wennuan.registry.models import Community, HeatingCompany
from wennuan.workorders.deadlines import policy_for
from wennuan.workorders.intake import find_community
from wennuan.workorders.models import DeadlinePolicy


def _elsewhere(sql, params):
    """A write made by another process: no signal reaches this one, only the database."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_policy_edited_elsewhere_reaches_the_cache_without_a_signal(db):
    assert policy_for("leak").sign_minutes == 30
    assert policy_for("leak").sign_minutes == 30  # cached now
    table = DeadlinePolicy._meta.db_table
    _elsewhere(f"UPDATE {table} SET sign_minutes = %s WHERE category = %s", [45, "leak"])
    assert policy_for("leak").sign_minutes == 45


def test_a_save_here_clears_the_cache_at_once(db):
    policy_for("billing")
    row = DeadlinePolicy.objects.get(category="billing")
    row.sign_minutes = 7
    row.save()
    assert policy_for("billing").sign_minutes == 7


def test_a_company_renamed_elsewhere_is_seen_through_the_version_counter(small_city):
    community = Community.objects.select_related("company").first()
    assert find_community(community.name).company.short_name == community.company.short_name
    table = HeatingCompany._meta.db_table
    _elsewhere(
        f"UPDATE {table} SET short_name = %s WHERE id = %s", ["新名字", community.company_id]
    )
    # Without the other process's bump the cache may still hold the old name ...
    LookupVersion.objects.filter(pk=1).update(version=F("version") + 1)  # ... its save() bumps
    assert find_community(community.name).company.short_name == "新名字"


def test_a_bulk_write_changes_the_fingerprint(small_city):
    before = lookups.read_fingerprint()
    Community.objects.filter(pk=Community.objects.first().pk).delete()
    assert lookups.read_fingerprint() != before
