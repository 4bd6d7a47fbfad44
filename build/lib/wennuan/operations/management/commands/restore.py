from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wennuan.operations.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Load a `wennuan backup` archive into the configured database and media folder. The "
        "database must be empty (new, or only migrated) unless --force; row counts are checked."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the archive written by `wennuan backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace the contents of a non-empty database"
        )

    def handle(self, *args, archive, force, **options):
        try:
            summary = restore(Path(archive), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = summary["manifest"]
        rows = sum(summary["counts"].values())
        self.stdout.write(
            f"restored {archive} (backup of {manifest['created_at']}): "
            f"{len(summary['counts'])} tables, {rows} rows, counts match the backup"
        )
