"""Print the Official Account's menu (form, lookup, directory, notices), or install it."""

import json

from django.core.management.base import BaseCommand, CommandError

from wennuan.channels.wechat import menu_definition


class Command(BaseCommand):
    help = "Print the WeChat menu for BASE_URL as JSON; with --push, install it through the API."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", required=True, help="the public site, https://…")
        parser.add_argument("--push", action="store_true", help="call menu/create")

    def handle(self, *args, base_url, push, **options):
        if not base_url.startswith(("https://", "http://")):
            raise CommandError("--base-url must start with https:// or http://")
        menu = menu_definition(base_url)
        self.stdout.write(json.dumps(menu, ensure_ascii=False, indent=2))
        if push:
            from wechatpy.exceptions import WeChatClientException

            # Start-up cost: wechatpy is only needed to push the menu.
            from wennuan.channels.wechat_send import client

            try:
                client().menu.create(menu)
            except WeChatClientException as error:
                raise CommandError(f"WeChat refused the menu: {error}") from error
            self.stdout.write(self.style.SUCCESS("menu installed"))
