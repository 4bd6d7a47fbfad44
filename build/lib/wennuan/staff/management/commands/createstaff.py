import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wennuan.staff.accounts import save_staff
from wennuan.staff.choices import Role


class Command(BaseCommand):
    help = (
        "Create (or update) a staff login with its role: the role's group, its company for "
        "company roles, and for a community manager the communities whose orders they read. "
        "Without --password-stdin a new login has no usable password yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role", required=True, choices=Role.values, help="role code (design §2)"
        )
        parser.add_argument("--company", help="heating company code; required for company roles")
        parser.add_argument(
            "--communities",
            nargs="+",
            metavar="NAME",
            help="community_manager only: communities (same register manager) they look after",
        )
        parser.add_argument("--name", default="", help="display name (default: the username)")
        parser.add_argument("--phone", default="", help="the person's phone (optional)")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of stdin (not from the command line, "
            "which other users can see in the process list)",
        )

    def handle(self, *args, username, role, company, communities, name, phone, **options):
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("no password on stdin")
        try:
            if password is not None:
                validate_password(password)
            user, created = save_staff(
                username,
                role,
                company_code=company,
                communities=communities,
                display_name=name,
                phone=phone,
                password=password,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        verb = "created" if created else "updated"
        where = f" of {company}" if company else ""
        self.stdout.write(f"{verb} staff login {user.username}: {role}{where}")
        if not user.has_usable_password():
            self.stdout.write(f"no password yet: `wennuan manage changepassword {user.username}`")
