from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wennuan.registry.io import ImportFileError, import_register


class Command(BaseCommand):
    help = "Import the register from an Excel workbook or a CSV file (all rows or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", help="CSV data kind (default: from the header)")

    def handle(self, *args, path, kind, **options):
        file_path = Path(path)
        if not file_path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            result = import_register(file_path.read_bytes(), file_path.name, kind)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"发现 {len(result.errors)} 处错误，未导入任何数据")
        self.stdout.write(
            f"导入成功：新增 {sum(result.created.values())} 条，更新 {sum(result.updated.values())} 条"
        )
