from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wennuan.operations.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write one archive of the configured database (SQLite online backup or pg_dump custom "
        "format) and the uploaded files (media/), with a manifest of row counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="archive path, e.g. backup.tar.gz")

    def handle(self, *args, out, **options):
        try:
            manifest = backup(Path(out))
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"backup written: {out} ({manifest['engine']}, {len(manifest['counts'])} tables, "
            f"{rows} rows, {manifest['media_files']} media files)"
        )
