"""Create the pre-season checklist of a heating season (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from wennuan.readiness.checklists import generate_checklists
from wennuan.readiness.progress import readiness_season
from wennuan.registry.models import HeatingSeason


class Command(BaseCommand):
    help = "为供热季生成换热站和热源的准备工作清单（已有的不重复生成）"

    def add_arguments(self, parser):
        parser.add_argument("--season", help="供热季名称；默认即将开始（或正在进行）的供热季")

    def handle(self, *args, season=None, **options):
        if season:
            try:
                target = HeatingSeason.objects.get(name=season)
            except HeatingSeason.DoesNotExist:
                names = "、".join(HeatingSeason.objects.values_list("name", flat=True))
                raise CommandError(f"没有名为“{season}”的供热季。已有：{names or '无'}") from None
        else:
            target = readiness_season()
            if target is None:
                raise CommandError("还没有登记供热季")
        created = generate_checklists(target)
        self.stdout.write(f"{target.name}：新生成准备工作 {created} 项")
