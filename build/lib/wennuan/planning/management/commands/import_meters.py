"""wennuan manage import_meters FILE.csv [--company CODE]: load a SCADA export."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wennuan.planning.meters import MeterCsvError, import_meter_csv
from wennuan.registry.models import HeatingCompany


class Command(BaseCommand):
    help = "导入换热站逐时 SCADA 数据（CSV）"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--company", help="只接受该公司（代码）的换热站")

    def handle(self, *args, path, company=None, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        owner = None
        if company:
            owner = HeatingCompany.objects.filter(code=company).first()
            if owner is None:
                raise CommandError(_("未知的热力公司“%(code)s”") % {"code": company})
        try:
            result = import_meter_csv(file.read_bytes(), owner)
        except MeterCsvError as error:
            raise CommandError(
                _("文件有误，未导入：\n%(errors)s") % {"errors": "\n".join(error.errors)}
            ) from error
        self.stdout.write(
            _("已导入 %(rows)d 条计量数据（%(subs)d 个换热站）")
            % {"rows": result.rows, "subs": result.substations}
        )
