"""The register import takes the design's English headers too (the demo register's
communities.csv: name, aliases, company, …), not only the Chinese template's (issue 16)."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from wennuan.registry.io import import_register
from wennuan.registry.models import Community

DESIGN_HEADER = (
    "name,aliases,company,district,address,built_year,heated_area_m2,households,buildings,terminal"
)


def design_csv(*rows) -> bytes:
    return "\n".join([DESIGN_HEADER, *rows]).encode("utf-8")


def test_the_design_headers_update_an_existing_community_and_keep_what_they_do_not_carry(
    small_city,
):
    before = Community.objects.get(name="剑桥学府")
    result = import_register(
        design_csv(
            "剑桥学府,剑桥|剑桥小区,北城热力有限公司,牡丹区,中华西路887号,2006,82300,852,8,floor"
        ),
        "communities.csv",
    )
    assert result.ok, result.errors
    assert result.updated == {"communities": 1}
    after = Community.objects.get(name="剑桥学府")
    assert (after.aliases, after.households, after.terminal) == (["剑桥", "剑桥小区"], 852, "floor")
    # the design's file has no substation, manager or heat index: those stay as they were
    assert after.substation_id == before.substation_id and after.manager_id == before.manager_id
    assert after.design_heat_index_w_m2 == before.design_heat_index_w_m2


def test_a_new_community_without_the_required_columns_is_named_in_the_readers_language(
    small_city,
):
    row = "新园,,北城热力有限公司,牡丹区,人民路1号,2010,30000,300,3,radiator"
    result = import_register(design_csv(row), "communities.csv")
    assert not result.ok and not Community.objects.filter(name="新园").exists()
    (error,) = result.errors
    assert error.line == 2 and "缺少列" in error.message and "设计热指标W/m2" in error.message
    with translation.override("en"):
        (error,) = import_register(design_csv(row), "communities.csv").errors
    assert (
        error.message.startswith("Missing columns: ") and "design_heat_index_w_m2" in error.message
    )
    assert "设计热指标" not in error.message


def test_wennuan_import_register_takes_the_shipped_demo_register(db, demo_register_csv):
    call_command("load_demo", register_csv=str(demo_register_csv))
    with demo_register_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = io.StringIO()
    call_command("import_register", str(demo_register_csv), stdout=out)
    assert f"更新 {len(rows)} 条" in out.getvalue()
    first = Community.objects.get(name=rows[0]["name"])
    assert first.substation is not None and first.households == int(rows[0]["households"])


def test_a_file_without_the_key_column_is_refused_naming_it(small_city, tmp_path):
    path = tmp_path / "communities.csv"
    path.write_text("company,households\n北城热力有限公司,10\n", encoding="utf-8")
    with pytest.raises(CommandError, match="无法从表头判断数据类型"):
        call_command("import_register", str(path))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_register", str(path), "--kind", "communities", stderr=errors)
    assert "缺少列：小区名称" in errors.getvalue()
