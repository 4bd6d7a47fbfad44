import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wennuan.demo.city import build_city, default_register_csv
from wennuan.demo.loader import (
    DEMO_PASSWORD,
    is_loaded,
    load_demo_city,
    load_demo_extensions,
    personas_for,
)


class Command(BaseCommand):
    help = "Load the Heze demo city (deterministic) into the configured database."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--reset", action="store_true", help="empty the database first (demo databases only)"
        )
        parser.add_argument(
            "--register-csv",
            help="a communities.csv in the demo register's columns "
            "(default: the Heze register that ships with the package)",
        )

    def handle(self, *args, seed, reset, register_csv, **options):
        started = time.perf_counter()
        register = register_csv or default_register_csv()
        try:
            city = build_city(register, seed=seed)
        except (FileNotFoundError, ValueError) as error:
            raise CommandError(f"演示登记表无法读取（{register}）：{error}") from error
        if is_loaded():
            if not reset:
                self.stdout.write("演示城市已加载（使用 --reset 重新加载）。")
                self._print_logins(city)
                return
            call_command("flush", interactive=False, verbosity=0)
        # One transaction: a failing part leaves the database as it was.
        with transaction.atomic():
            counts = load_demo_city(city)
            summaries = load_demo_extensions(city)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                "演示城市已加载：{companies} 家热力公司，{sources} 个热源，{substations} 座换热站，"
                "{communities} 个小区，{junctions} 个管网节点，{pipes} 条管段".format(**counts)
                + f"（{elapsed:.1f} s）"
            )
        )
        for summary in summaries:
            self.stdout.write(summary)
        self._print_logins(city)

    def _print_logins(self, city):
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for persona in personas_for(city):
            self.stdout.write(f"  {persona.username:24s} {persona.role:20s} {persona.display_name}")
