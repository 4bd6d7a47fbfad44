"""Issue 18 item 9 and issue 16 item 6: hostile and broken register files get clear messages
(never a 500, never a 9 GB worker, never silently dropped rows); a changed manager phone
updates the manager."""

import io
import re
import zipfile

import pytest

from wennuan.registry import io as register_io
from wennuan.registry.io import (
    SHEETS_BY_KIND,
    ImportFileError,
    export_csv,
    import_register,
)
from wennuan.registry.models import Community, HeatingCompany, Manager

from .test_io import COMMUNITY_HEADER, community_row, workbook_bytes

pytestmark = pytest.mark.django_db

COMPANY_HEADER = SHEETS_BY_KIND["companies"].headers()


def with_sheet_xml(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(item, content)
    return out.getvalue()


def set_dimension(ref: str):
    return lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml)


def three_companies() -> bytes:
    rows = [COMPANY_HEADER] + [[f"c{i}", f"公司{i}有限公司", f"公司{i}"] for i in range(3)]
    return workbook_bytes({"热力公司": rows})


def test_a_huge_dimension_tag_is_not_trusted(small_city):
    data = with_sheet_xml(three_companies(), set_dimension("A1:XFD1048576"))
    result = import_register(data, "register.xlsx")
    assert result.ok and result.created == {"companies": 3}


def test_a_stale_dimension_tag_drops_no_rows(small_city):
    data = with_sheet_xml(three_companies(), set_dimension("A1:C2"))
    result = import_register(data, "register.xlsx")
    assert result.ok and result.created == {"companies": 3}
    assert HeatingCompany.objects.filter(code__in=["c0", "c1", "c2"]).count() == 3


def test_a_truncated_sheet_is_a_clear_error(small_city):
    data = with_sheet_xml(three_companies(), lambda xml: xml[: len(xml) // 2])
    with pytest.raises(ImportFileError, match="已损坏"):
        import_register(data, "register.xlsx")


def test_a_128_kb_cell_is_a_clear_error(small_city):
    header = ",".join(COMPANY_HEADER)
    data = f"{header}\nwest,{'西' * 131_073},西城\n".encode()
    with pytest.raises(ImportFileError, match="无法读取"):
        import_register(data, "companies.csv")
    # Under csv's own limit but far over a register cell: a row error, nothing imported.
    data = f"{header}\nwest,{'西' * 5_000},西城\n".encode()
    result = import_register(data, "companies.csv")
    assert not result.ok and "内容过长" in str(result.errors[0])


def test_a_nul_in_a_csv_is_a_row_error(small_city):
    header = ",".join(COMPANY_HEADER)
    result = import_register(f"{header}\nwest,西城\x00热力,西城\n".encode(), "companies.csv")
    assert not result.ok
    assert "第 2 行" in str(result.errors[0]) and "控制字符" in str(result.errors[0])
    assert not HeatingCompany.objects.filter(code="west").exists()


def test_too_many_rows_for_the_command_line_asks_for_batches(small_city, monkeypatch):
    # The web's larger files become background jobs (test_import_jobs.py); beyond MAX_ROWS
    # even the command line refuses, with a clear message.
    monkeypatch.setattr(register_io, "MAX_ROWS", 5)
    header = ",".join(COMPANY_HEADER)
    rows = "".join(f"w{i},西城{i}热力有限公司,西城{i}\n" for i in range(6))
    with pytest.raises(ImportFileError, match="超过 5 行.*分批"):
        import_register(f"{header}\n{rows}".encode(), "companies.csv", max_rows=5)
    assert not HeatingCompany.objects.filter(code="w0").exists()


def test_a_workbook_of_millions_of_empty_cells_is_stopped(small_city, monkeypatch):
    monkeypatch.setattr(register_io, "MAX_CELLS", 50)
    rows = [COMPANY_HEADER] + [[" "] * 30 for _ in range(5)]
    with pytest.raises(ImportFileError, match="单元格超过"):
        import_register(workbook_bytes({"热力公司": rows}), "register.xlsx")


def test_a_changed_manager_phone_updates_the_manager(client, small_city):
    """Issue 16 item 6: export the managers sheet, change a phone, import: one manager with
    the new number, and the public directory shows it."""
    managers = Manager.objects.count()
    manager = Community.objects.get(name="剑桥学府").manager
    old_phone = manager.phone
    text = export_csv("managers").decode("utf-8-sig")
    assert old_phone in text
    result = import_register(text.replace(old_phone, "13905300000").encode(), "managers.csv")
    assert result.ok, result.errors
    assert result.updated["managers"] >= 1 and not result.created
    assert Manager.objects.count() == managers
    manager.refresh_from_db()
    assert manager.phone == "13905300000"
    page = client.get("/directory/", {"q": "剑桥学府"}).content.decode()
    assert "13905300000" in page.replace("-", "").replace(" ", "") and old_phone not in page


def test_a_changed_phone_in_the_whole_workbook_wins_over_the_stale_community_column(small_city):
    from wennuan.registry.io import export_workbook

    managers = Manager.objects.count()
    manager = Community.objects.get(name="剑桥学府").manager
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(export_workbook()))
    sheet = book["小区管理员"]
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == manager.phone:
            row[1].value = "13905300001"  # changed on the managers sheet only
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_register(buffer.getvalue(), "register.xlsx")
    assert result.ok, result.errors
    assert Manager.objects.count() == managers
    manager.refresh_from_db()
    assert manager.phone == "13905300001"
    assert Community.objects.get(name="剑桥学府").manager_id == manager.pk


def test_the_communities_sheet_reuses_a_manager_whose_phone_it_changes(small_city):
    row = community_row("剑桥学府", **{"管理员姓名": "赵强", "管理员电话": "13953012345"})
    manager = Community.objects.get(name="剑桥学府").manager
    row = community_row("剑桥学府", **{"管理员姓名": manager.name, "管理员电话": "13905300002"})
    managers = Manager.objects.count()
    result = import_register(workbook_bytes({"小区": [COMMUNITY_HEADER, row]}), "register.xlsx")
    assert result.ok, result.errors
    assert Manager.objects.count() == managers
    manager.refresh_from_db()
    assert manager.phone == "13905300002"
