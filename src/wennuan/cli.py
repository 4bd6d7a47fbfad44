"""The `wennuan` command (design §8): run, operate and look after an installation.

`wennuan --help` lists every command; `wennuan COMMAND --help` explains one. Settings come
from the environment (docs/deployment.md). Asking for help reads no database and writes no
file.
"""

import argparse
import os
import secrets
import socket
import sys
import tempfile
import time
from pathlib import Path

SETTINGS_MODULE = "wennuan.config.settings"
# `wennuan understand` loads only the apps it reads (start-up < 2 s, issue 15).
LIGHT_SETTINGS_MODULES = {"understand": "wennuan.config.settings_understand"}
GUNICORN_CONFIG = "python:wennuan.config.gunicorn"
CHECKOUT_DIR = Path(__file__).resolve().parents[2]

# Commands that are Django management commands, with the name they have there and their
# one-line help in `wennuan --help`.
MANAGEMENT_COMMANDS = {
    "worker": ("worker", "deadline sweeps (press at 80 %%, mark overdue) and periodic tasks"),
    "plan": ("plan", "compute and store one day's heat plan of each company"),
    "understand": ("understand", "read complaints: JSON lines on stdin, JSON lines out"),
    "createstaff": ("createstaff", "create or update a staff login with its role and company"),
    "check": ("check_install", "check an installation after install or upgrade (exit 1: failed)"),
    "backup": ("backup", "write one archive of the database and media/"),
    "restore": ("restore", "load a backup archive into the configured (empty) database"),
    "import-register": ("import_register", "import the register (.xlsx or .csv, all or nothing)"),
}
HELP_FLAGS = {"-h", "--help"}


def _is_checkout() -> bool:
    return (CHECKOUT_DIR / "pyproject.toml").is_file()


def _prepare_environment(command: str, argv: list[str]) -> None:
    """Settings come from the environment. A development checkout (and the demo) keeps a
    generated secret key in the data folder, so nobody has to choose one to try the project;
    an installed server must be given SECRET_KEY (its env file: `wennuan genkey`)."""
    os.environ.setdefault(
        "DJANGO_SETTINGS_MODULE", LIGHT_SETTINGS_MODULES.get(command, SETTINGS_MODULE)
    )
    if HELP_FLAGS & set(argv):
        # Help loads the settings to list a command's options, and must write nothing.
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
        os.environ.setdefault("WENNUAN_DATA_DIR", tempfile.gettempdir())
        return
    if os.environ.get("SECRET_KEY") or not (_is_checkout() or command == "demo"):
        return
    configured = os.environ.get("WENNUAN_DATA_DIR")
    if not configured and not _is_checkout():
        return  # the settings say that WENNUAN_DATA_DIR is required; write nothing elsewhere
    data_dir = Path(configured) if configured else CHECKOUT_DIR / "var"
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    os.environ["SECRET_KEY"] = key_file.read_text().strip()


def _django_command(*args: str) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command(*args)


def _setup_database() -> None:
    import django
    from django.conf import settings

    django.setup()
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    _django_command("migrate", "--no-input", "--verbosity", "0")


def _has_option(extra: list[str], *names: str) -> bool:
    return any(arg == name or arg.startswith(name + "=") for arg in extra for name in names)


def gunicorn_command(host: str, port: int, workers: int | None, extra: list[str]) -> list[str]:
    """The gunicorn command line: the package's config (wennuan/config/gunicorn.py) unless
    the caller gives one, the address unless the caller binds, then the caller's options."""
    command = [sys.executable, "-m", "gunicorn"]
    if not _has_option(extra, "-c", "--config"):
        command += ["--config", GUNICORN_CONFIG]
    if not _has_option(extra, "-b", "--bind"):
        command += ["--bind", f"{host}:{port}"]
    if workers is not None and not _has_option(extra, "-w", "--workers"):
        command += ["--workers", str(workers)]
    return [*command, *extra, "wennuan.config.wsgi:application"]


# Just over gunicorn's default worker timeout (60 s): an orphaned sync worker notices its
# master's death only when its select() times out.
PORT_FREE_WAIT_S = 65.0


def port_is_free(host: str, port: int, wait_s: float | None = None) -> bool:
    """Whether nobody listens on host:port, waiting up to ``wait_s`` for it to become free.

    The wait covers the orphan workers of a master killed with -9: each leaves when its own
    worker timeout runs out (PORT_FREE_WAIT_S). Any other listener (another Wennuan, another program) means the start
    must fail with a message: gunicorn would otherwise retry forever, and with SO_REUSEPORT two
    servers would silently share the port's traffic."""
    deadline = time.monotonic() + (PORT_FREE_WAIT_S if wait_s is None else wait_s)
    said = False
    while True:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            # SO_REUSEADDR only lets closed connections in TIME_WAIT be; a listener still stops us.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
                return True
            except OSError:
                pass
        if time.monotonic() >= deadline:
            return False
        if not said:
            print(
                f"端口 {host}:{port} 正被占用，等待释放（最多 {deadline - time.monotonic():.0f} 秒）…"
                f" / waiting for port {host}:{port} to be free…",
                file=sys.stderr,
                flush=True,
            )
            said = True
        time.sleep(0.5)


def _static_files_missing() -> bool:
    """Whether the hashed static files were never collected: every page would then be a 500
    ("Missing staticfiles manifest entry"), e.g. after `wennuan demo --no-serve` then `serve`."""
    from django.conf import settings

    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    return "Manifest" in storage and not (Path(settings.STATIC_ROOT) / "staticfiles.json").is_file()


def serve(args: argparse.Namespace, extra: list[str]) -> int:
    """Replace this process with gunicorn (os.execvp): signals (TERM, HUP to reload, TTIN/TTOU)
    reach gunicorn itself, and systemd sees one main process."""
    if not _has_option(extra, "-b", "--bind") and not port_is_free(args.host, args.port):
        print(
            f"端口 {args.host}:{args.port} 已被占用（另一个服务器在运行？）。请先停止它，"
            f"或用 --port 换一个端口。\nPort {args.host}:{args.port} is in use (another server?): "
            "stop it or choose another with --port.",
            file=sys.stderr,
        )
        return 1
    if args.migrate:
        _setup_database()
    if args.collectstatic or _static_files_missing():
        _django_command("collectstatic", "--no-input", "--verbosity", "0")
    command = gunicorn_command(args.host, args.port, args.workers, extra)
    print(f"问暖 Wennuan: http://{args.host}:{args.port}/  (Ctrl+C 停止)", flush=True)
    os.execvp(command[0], command)
    return 0  # not reached


def genkey() -> int:
    """A secret key for the env file: 67 URL-safe characters (50 random bytes)."""
    print(secrets.token_urlsafe(50))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wennuan",
        description="问暖 Wennuan: complaints and heat planning for a district-heating city. "
        "Settings come from the environment (docs/deployment.md).",
        epilog="`wennuan COMMAND --help` explains a command.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="load the Heze demo city into the configured database, then serve it",
        description="Migrate, load the Heze demo city (once; --reset reloads), collect static "
        "files and serve with gunicorn. Prints a login per role.",
    )
    demo.add_argument("--no-serve", action="store_true", help="load and exit")
    demo.add_argument("--reset", action="store_true", help="empty the database and reload")
    demo.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
    demo.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")

    serve_parser = sub.add_parser(
        "serve",
        help="serve the configured database with gunicorn (extra options go to gunicorn)",
        description="Exec gunicorn with the package's config (wennuan/config/gunicorn.py). "
        "Waits up to 65 s for the port to be free (a killed master's orphan workers leave) and "
        "stops with a message if another server holds it. Options "
        "this command does not know are passed to gunicorn, e.g. --timeout 60 or "
        "--config /etc/wennuan/gunicorn.conf.py. Does not migrate or collect static files "
        "unless asked (an upgrade does that once: docs/deployment.md).",
    )
    serve_parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve_parser.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    serve_parser.add_argument(
        "--workers", type=int, help="gunicorn worker processes (default: the config's, 2)"
    )
    serve_parser.add_argument(
        "--migrate", action="store_true", help="apply migrations before serving"
    )
    serve_parser.add_argument(
        "--collectstatic", action="store_true", help="collect static files before serving"
    )

    sub.add_parser(
        "genkey",
        help="print a new SECRET_KEY for the env file",
        description="Print a random 67-character secret key (nothing is written).",
    )
    for name, (_django_name, help_text) in MANAGEMENT_COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    sub.add_parser(
        "manage", help="any Django management command (wennuan manage help)", add_help=False
    )
    return parser


def main(argv=None) -> int:
    """The `wennuan` command; a setting that stops the start is said in one line, not a
    traceback (the message names the variable and what to do)."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        return _main(argv)
    except ImproperlyConfigured as error:
        print(f"wennuan: {error}", file=sys.stderr)
        return 2


def _main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else ""
    if command == "manage" or command in MANAGEMENT_COMMANDS:
        _prepare_environment(command, argv)
        import django
        from django.core.management import ManagementUtility, execute_from_command_line

        if command == "manage":
            execute_from_command_line(["wennuan manage", *argv[1:]])
            return 0
        django.setup()
        # run_from_argv names the command as typed ("wennuan check", not check_install) in
        # its usage line and errors.
        django_command = ManagementUtility(["wennuan"]).fetch_command(
            MANAGEMENT_COMMANDS[command][0]
        )
        django_command.run_from_argv(["wennuan", *argv])
        return 0

    parser = build_parser()
    if command == "serve":
        args, extra = parser.parse_known_args(argv)
    else:
        args, extra = parser.parse_args(argv), []
    if args.command == "genkey":
        return genkey()
    _prepare_environment(args.command, argv)
    if args.command == "demo":
        _setup_database()
        _django_command("load_demo", *(["--reset"] if args.reset else []))
        if args.no_serve:
            # `wennuan serve` comes next (design §8): its pages need the collected files.
            _django_command("collectstatic", "--no-input", "--verbosity", "0")
            return 0
        args.migrate, args.collectstatic, args.workers = False, True, None
        return serve(args, [])
    if args.command == "serve":
        return serve(args, extra)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
