"""`wennuan manage create_api_client NAME`: issue a token for another hotline system."""

from django.core.management.base import BaseCommand, CommandError

from wennuan.api.models import ApiClient


class Command(BaseCommand):
    help = "Create an API client and print its token (shown this once; only a hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("name")

    def handle(self, *args, name, **options):
        if ApiClient.objects.filter(name=name).exists():
            raise CommandError(f"API client {name!r} already exists")
        client, token = ApiClient.issue(name)
        self.stdout.write(token)
