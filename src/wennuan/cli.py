"""The `wennuan` command (design §8).

wennuan demo [--no-serve] [--port P] [--reset]   load the demo city, then serve it
wennuan serve [--port P] [--host H]              serve with gunicorn + whitenoise
wennuan manage ARGS…                             any Django management command
wennuan understand                               read complaints (JSON lines on stdin)
wennuan worker [--once]                          press orders near their deadline, mark overdue
"""

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

SETTINGS_MODULE = "wennuan.config.settings"


def _data_dir() -> Path:
    from wennuan.config.settings import DATA_DIR  # noqa: PLC0415 (after env is set)

    return DATA_DIR


def _prepare_environment(*, local_secret: bool) -> None:
    """Settings come from the environment; for a local demo, keep a generated secret key in
    the data folder so sessions survive restarts without anyone choosing a key."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    if local_secret and not os.environ.get("SECRET_KEY"):
        data_dir = Path(
            os.environ.get("WENNUAN_DATA_DIR", Path(__file__).resolve().parents[2] / "var")
        )
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
    _data_dir().mkdir(parents=True, exist_ok=True)
    _django_command("migrate", "--no-input", "--verbosity", "0")


def serve(host: str, port: int, workers: int) -> int:
    _setup_database()
    _django_command("collectstatic", "--no-input", "--verbosity", "0")
    print(f"问暖 Wennuan 正在运行：http://{host}:{port}/  （Ctrl+C 停止）", flush=True)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "wennuan.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
    ]
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="wennuan", description="问暖 Wennuan")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="load the Heze demo city and serve it")
    demo.add_argument("--no-serve", action="store_true", help="load and exit")
    demo.add_argument("--reset", action="store_true", help="reload from scratch")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--host", default="127.0.0.1")
    serve_parser = sub.add_parser("serve", help="serve the configured database")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--workers", type=int, default=2)
    sub.add_parser("manage", help="run a Django management command", add_help=False)
    sub.add_parser("understand", help="read complaints: JSON lines on stdin, JSON lines out")
    sub.add_parser("plan", help="compute the daily heat plan", add_help=False)
    sub.add_parser("worker", help="deadline sweeps: press at 80 %, mark overdue", add_help=False)

    if argv and argv[0] == "manage":
        _prepare_environment(local_secret=True)
        from django.core.management import execute_from_command_line

        execute_from_command_line(["wennuan manage", *argv[1:]])
        return 0
    if argv and argv[0] in ("understand", "plan", "worker"):
        _prepare_environment(local_secret=True)
        from django.core.management import execute_from_command_line

        execute_from_command_line(["wennuan", *argv])
        return 0

    args = parser.parse_args(argv)
    _prepare_environment(local_secret=True)
    if args.command == "demo":
        _setup_database()
        load_args = ["load_demo"] + (["--reset"] if args.reset else [])
        _django_command(*load_args)
        if args.no_serve:
            return 0
        return serve(args.host, args.port, workers=2)
    if args.command == "serve":
        return serve(args.host, args.port, args.workers)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
