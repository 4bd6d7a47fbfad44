"""Register import/export: every bad row reported in Chinese; a bad file changes nothing."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wennuan.registry.io import (
    SHEETS_BY_KIND,
    ImportFileError,
    export_csv,
    export_workbook,
    import_register,
)
from wennuan.registry.models import Community, HeatingCompany, Manager

pytestmark = pytest.mark.django_db


def workbook_bytes(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


COMMUNITY_HEADER = SHEETS_BY_KIND["communities"].headers()


def community_row(name, company="北城热力有限公司", **changes):
    row = dict(
        zip(
            COMMUNITY_HEADER,
            [
                name,
                f"{name}小区",
                company,
                "N-S001",
                "赵强",
                "13953012345",
                "牡丹区",
                "人民路8号",
                35.25,
                115.45,
                2012,
                60000,
                600,
                8,
                "散热器",
                "65%",
                42,
            ],
            strict=True,
        )
    )
    row.update(changes)
    return [row[h] for h in COMMUNITY_HEADER]


def test_export_then_import_round_trips_without_changes(small_city):
    before = list(Community.objects.values_list("name", "aliases", "company__code", "households"))
    result = import_register(export_workbook(), "register.xlsx")
    assert result.ok, result.errors
    assert result.created == {}
    assert result.updated["communities"] == 4
    after = list(Community.objects.values_list("name", "aliases", "company__code", "households"))
    assert after == before


def test_new_company_and_its_communities_in_one_workbook(small_city):
    data = workbook_bytes(
        {
            "热力公司": [
                SHEETS_BY_KIND["companies"].headers(),
                ["east", "东城热力有限公司", "东城热力"],
            ],
            "小区": [
                COMMUNITY_HEADER,
                community_row(
                    "东湖新苑",
                    company="东城热力",
                    **{"换热站代码": "", "管理员姓名": "", "管理员电话": ""},
                ),
            ],
        }
    )
    result = import_register(data, "new.xlsx")
    assert result.ok, result.errors
    community = Community.objects.get(name="东湖新苑")
    assert community.company.code == "east"
    assert community.aliases == ["东湖新苑小区"]
    assert "dhxy" in community.search_key


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(small_city):
    data = workbook_bytes(
        {
            "小区": [
                COMMUNITY_HEADER,
                community_row("新一小区"),  # good row, line 2
                community_row("新二小区", **{"户数": "很多"}),  # line 3
                community_row("新三小区", company="不存在热力"),  # line 4
                community_row("新四小区", **{"管理员电话": "123"}),  # line 5
                community_row("新五小区", **{"末端形式": "火炉"}),  # line 6
                community_row("新六小区", **{"换热站代码": "S-S001"}),  # line 7: other company
            ]
        }
    )
    result = import_register(data, "bad.xlsx")
    assert not result.ok
    by_line = {error.line: error for error in result.errors}
    assert set(by_line) == {3, 4, 5, 6, 7}
    assert by_line[3].column == "户数" and "不是数字" in by_line[3].message
    assert "找不到热力公司" in by_line[4].message
    assert "不是有效的电话号码" in by_line[5].message
    assert "不是可选值" in by_line[6].message
    assert "其他热力公司" in by_line[7].message
    assert "“小区”第 3 行“户数”列" in str(by_line[3])
    assert not Community.objects.filter(name__startswith="新").exists()
    assert not Manager.objects.filter(name="赵强").exists()


def test_impossible_numbers_are_refused_each_by_its_column(small_city):
    """An outsider imported a community at latitude 999, longitude -999, 1e308 m² (and 1e400:
    infinity) with 0 buildings; "新增 1 条", and the directory and the plan took it."""
    data = workbook_bytes(
        {
            "小区": [
                COMMUNITY_HEADER,
                community_row("新一小区", **{"纬度": 999, "经度": -999, "楼栋数": 0}),
                community_row("新二小区", **{"供热面积m2": "1e308"}),
                community_row("新三小区", **{"供热面积m2": "1e400"}),
                community_row("新四小区", **{"建成年份": 1066}),
            ]
        }
    )
    result = import_register(data, "impossible.xlsx")
    assert not result.ok
    found = {(error.line, error.column) for error in result.errors}
    assert {(2, "纬度"), (2, "经度"), (2, "楼栋数"), (3, "供热面积m2")} <= found
    assert {(4, "供热面积m2"), (5, "建成年份")} <= found
    assert any("应在 -90 到 90 之间" in error.message for error in result.errors)
    assert not Community.objects.filter(name__startswith="新").exists()


def test_duplicate_name_in_one_file_is_reported(small_city):
    rows = [COMMUNITY_HEADER, community_row("重名小区"), community_row("重名小区", **{"户数": 700})]
    result = import_register(workbook_bytes({"小区": rows}), "dup.xlsx")
    # The second row updates the first (the name is the key): both rows apply, last wins.
    assert result.ok
    assert Community.objects.get(name="重名小区").households == 700


def test_missing_columns_are_named(small_city):
    # A new community needs every required column; the file may leave out the others.
    result = import_register(
        workbook_bytes({"小区": [["小区名称", "热力公司"], ["甲", "北城热力"]]}), "x.xlsx"
    )
    assert not result.ok
    assert "缺少列" in result.errors[0].message and "户数" in result.errors[0].message
    assert "别名" not in result.errors[0].message
    # Without the key column, nothing can be matched: the file is refused as a whole.
    result = import_register(workbook_bytes({"小区": [["热力公司"], ["北城热力"]]}), "x.xlsx")
    assert [(e.line, e.message) for e in result.errors] == [
        (1, "缺少列：小区名称（请使用导出的模板）")
    ]


def test_not_a_workbook_is_a_clear_error(small_city):
    with pytest.raises(ImportFileError, match="无法读取 Excel"):
        import_register(b"this is not a zip file", "register.xlsx")
    with pytest.raises(ImportFileError, match="只支持"):
        import_register(b"", "register.pdf")


def test_csv_round_trip_detects_the_kind_from_the_header(small_city):
    data = export_csv("communities")
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig").replace("50000.0", "51000")
    result = import_register(text.encode("utf-8"), "communities.csv")
    assert result.ok, result.errors
    assert set(Community.objects.values_list("heated_area_m2", flat=True)) == {51000}


def test_csv_in_gb18030_from_chinese_excel_is_read(small_city):
    header = ",".join(SHEETS_BY_KIND["companies"].headers())
    data = f"{header}\nwest,西城热力有限公司,西城热力\n".encode("gb18030")
    assert import_register(data, "companies.csv").ok
    assert HeatingCompany.objects.filter(code="west").exists()


def test_management_commands_report_errors_and_fail(small_city, tmp_path):
    target = tmp_path / "register.xlsx"
    call_command("export_register", str(target))
    bad = tmp_path / "bad.csv"
    bad.write_text(
        ",".join(COMMUNITY_HEADER)
        + "\n"
        + ",".join(map(str, community_row("坏小区", **{"户数": "x"})))
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_register", str(bad))
    call_command("import_register", str(target))


def test_admin_import_page_shows_errors_and_exports(client, personas, small_city):
    client.force_login(personas["admin"])
    assert client.get("/admin/register-io/").status_code == 200
    export = client.get("/admin/register-io/", {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Disposition"].endswith('register.xlsx"')
    data = workbook_bytes({"小区": [COMMUNITY_HEADER, community_row("页面小区", **{"户数": "?"})]})
    upload = io.BytesIO(data)
    upload.name = "bad.xlsx"
    response = client.post("/admin/register-io/", {"file": upload})
    assert response.status_code == 400
    assert "“小区”第 2 行“户数”列" in response.content.decode()
    assert not Community.objects.filter(name="页面小区").exists()


def test_admin_import_page_refuses_a_supervisor(client, personas):
    client.force_login(personas["supervisor"])
    response = client.get("/admin/register-io/")
    assert response.status_code in (302, 403)
