from django.core.management.base import BaseCommand

from wennuan.operations.install_check import FAIL, run


class Command(BaseCommand):
    help = (
        "Check this installation after install or upgrade: settings, data folder, database, "
        "migrations, Pango and Noto CJK fonts for PDFs, the City row, worker and plan freshness. "
        "Exits 1 if any check fails."
    )

    def handle(self, *args, **options):
        findings = run()
        for finding in findings:
            self.stdout.write(f"{finding.status:4s}  {finding.name}: {finding.detail}")
        failed = [f for f in findings if f.status == FAIL]
        if failed:
            self.stderr.write(f"{len(failed)} check(s) failed")
            raise SystemExit(1)
        self.stdout.write("installation ok")
