"""Benchmark: re-importing the demo register (issue 16 item 6): export the whole workbook of
the demo city (520 communities), change one manager's phone, import it; and the communities
sheet alone as CSV. Wall and CPU seconds of ``import_register`` on a throwaway SQLite file.

    .venv/bin/python benchmarks/register_import.py
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workorders_common import fresh_database, git_commit, machine  # noqa: E402


def main() -> None:
    fresh_database("sqlite:////tmp/wennuan-bench-register.sqlite3")
    import openpyxl

    from wennuan.registry.io import export_csv, export_workbook, import_register
    from wennuan.registry.models import Community, Manager

    book = openpyxl.load_workbook(io.BytesIO(export_workbook()))
    sheet = book["小区管理员"]
    old_phone = sheet.cell(row=2, column=2).value
    sheet.cell(row=2, column=2).value = "13905309999"
    buffer = io.BytesIO()
    book.save(buffer)
    managers = Manager.objects.count()
    rows = {title: book[title].max_row - 1 for title in book.sheetnames}
    print(f"# {machine()}, commit {git_commit()}")
    print(f"rows per sheet: {rows}")
    for label, make_data, name in (
        ("whole workbook, one phone changed", buffer.getvalue, "register.xlsx"),
        # exported after the first import: it carries the new phone
        ("communities.csv", lambda: export_csv("communities"), "communities.csv"),
    ):
        data = make_data()
        wall, cpu = time.perf_counter(), time.process_time()
        result = import_register(data, name)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert result.ok, result.errors[:3]
        print(
            f"| {label} | {sum(result.updated.values())} updated, "
            f"{sum(result.created.values())} created | {wall:.2f} s | {cpu:.2f} s |"
        )
    assert Manager.objects.count() == managers, "a changed phone made a second manager"
    assert Manager.objects.filter(phone="13905309999").exists()
    assert not Manager.objects.filter(phone=old_phone).exists()
    print(f"managers before and after: {managers} (no duplicate); communities: "
          f"{Community.objects.count()}")  # fmt: skip


if __name__ == "__main__":
    main()
