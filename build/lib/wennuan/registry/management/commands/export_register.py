from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wennuan.registry.io import SHEETS_BY_KIND, export_csv, export_workbook


class Command(BaseCommand):
    help = "Export the register as an Excel workbook (.xlsx) or one kind as CSV (--kind)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", choices=sorted(SHEETS_BY_KIND))

    def handle(self, *args, path, kind, **options):
        target = Path(path)
        if target.suffix.lower() == ".csv":
            if not kind:
                raise CommandError("导出 CSV 时须用 --kind 指定数据类型")
            target.write_bytes(export_csv(kind))
        elif target.suffix.lower() == ".xlsx":
            target.write_bytes(export_workbook())
        else:
            raise CommandError("文件名须以 .xlsx 或 .csv 结尾")
        self.stdout.write(f"已导出到 {target}")
