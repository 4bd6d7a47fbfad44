"""The `wennuan` command as an operator types it (subprocesses on a file SQLite database)."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from wennuan.cli import MANAGEMENT_COMMANDS, gunicorn_command

GOOD_KEY = "cli-test-key-" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
WENNUAN = [sys.executable, "-m", "wennuan.cli"]


def run(args, env, **kwargs):
    return subprocess.run(
        [*WENNUAN, *args], env=env, capture_output=True, text=True, timeout=300, **kwargs
    )


def base_env(data_dir, database=None):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "DEBUG", "WENNUAN_DATA_DIR"}
    }
    env.update(
        WENNUAN_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{database or data_dir / 'wennuan.sqlite3'}",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATIC_MANIFEST="0",
    )
    return env


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory):
    """One migrated database file; each test copies it (migrating takes ~10 s)."""
    folder = tmp_path_factory.mktemp("template")
    result = run(["manage", "migrate", "--no-input", "-v", "0"], base_env(folder))
    assert result.returncode == 0, result.stderr
    return folder / "wennuan.sqlite3"


@pytest.fixture
def installation(tmp_path, migrated_template):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(migrated_template, data_dir / "wennuan.sqlite3")
    return base_env(data_dir), data_dir


def test_help_lists_every_command_exits_0_and_writes_nothing(tmp_path):
    """Issue 17: `wennuan --help` crashed on an unescaped % and wrote a secret-key file."""
    env = base_env(tmp_path)
    del env["SECRET_KEY"]
    result = run(["--help"], env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for command in ["demo", "serve", "genkey", "manage", *MANAGEMENT_COMMANDS]:
        assert f"    {command}" in result.stdout
    for command in ["demo", "serve", "genkey", "manage", *MANAGEMENT_COMMANDS]:
        one = run([command, "--help"], env, cwd=tmp_path)
        assert one.returncode == 0, (command, one.stderr)
        assert "usage:" in one.stdout.lower() or command == "manage"
    assert list(tmp_path.iterdir()) == []


def test_genkey_prints_a_key_production_accepts(tmp_path):
    key = run(["genkey"], base_env(tmp_path)).stdout.strip()
    assert len(key) >= 50 and len(set(key)) > 10
    assert run(["genkey"], base_env(tmp_path)).stdout.strip() != key
    env = {**base_env(tmp_path), "SECRET_KEY": key}
    check = subprocess.run(
        [sys.executable, "-c", "import wennuan.config.settings"], env=env, capture_output=True
    )
    assert check.returncode == 0


def test_serve_passes_gunicorn_options_and_its_config():
    command = gunicorn_command("127.0.0.1", 8123, None, ["--timeout", "90", "--reload"])
    assert command[-1] == "wennuan.config.wsgi:application"
    assert command[command.index("--config") + 1] == "python:wennuan.config.gunicorn"
    assert command[command.index("--bind") + 1] == "127.0.0.1:8123"
    assert command[-4:-1] == ["--timeout", "90", "--reload"]
    own = gunicorn_command("127.0.0.1", 8123, 3, ["-c", "/etc/wennuan/gunicorn.conf.py"])
    assert "python:wennuan.config.gunicorn" not in own and "-c" in own
    assert own[own.index("--workers") + 1] == "3"
    bound = gunicorn_command("127.0.0.1", 8123, None, ["--bind=unix:/run/wennuan.sock"])
    assert "127.0.0.1:8123" not in bound


def test_createstaff_then_check_backup_and_restore(installation, tmp_path):
    env, data_dir = installation
    # A City row and a company come with the register import.
    register = tmp_path / "city.csv"
    register.write_text(
        "城市,主管部门,供暖室外计算温度,纬度,经度,区号\n测试市,测试市城市管理局,-5.2,35.2,115.4,0530\n",
        encoding="utf-8",
    )
    result = run(["import-register", str(register)], env)
    assert result.returncode == 0, result.stderr
    made = run(
        ["createstaff", "chief", "--role", "supervisor", "--password-stdin"],
        env,
        input="a-long-enough-password-2026\n",
    )
    assert made.returncode == 0, made.stderr
    assert "created staff login chief: supervisor" in made.stdout
    refused = run(["createstaff", "tech", "--role", "technician"], env)
    assert refused.returncode != 0 and "--company" in refused.stderr

    check = run(["check"], env)
    # No worker has passed yet: a warning, not a failure; no Chinese font may fail here,
    # so look at the lines rather than the exit code.
    assert "ok    city: 测试市" in check.stdout
    assert "ok    migrations: all applied" in check.stdout
    assert "warn  worker: last pass never" in check.stdout
    # Citizens' text messages would carry a bare /lookup/ path without the site's address.
    assert "warn  public url: WENNUAN_PUBLIC_URL is not set" in check.stdout
    with_url = run(["check"], {**env, "WENNUAN_PUBLIC_URL": "https://heating.example.cn"})
    assert "ok    public url: https://heating.example.cn" in with_url.stdout

    # A worker has passed over the original database (its heartbeat goes into the backup).
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.utils import timezone; "
            "from wennuan.lib.models import WorkerHeartbeat; "
            "WorkerHeartbeat.objects.create(name='old-host:1', last_pass_at=timezone.now())",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "wennuan.config.settings"},
        check=True,
    )
    media = data_dir / "media" / "visits"
    media.mkdir(parents=True)
    (media / "photo.jpg").write_bytes(b"\xff\xd8photo")
    archive = tmp_path / "backup.tar.gz"
    backed = run(["backup", "--out", str(archive)], env)
    assert backed.returncode == 0, backed.stderr
    assert archive.is_file()

    # Into a fresh installation: a new database and an empty data folder.
    fresh_dir = tmp_path / "restored"
    fresh_dir.mkdir()
    fresh = base_env(fresh_dir)
    restored = run(["restore", str(archive)], fresh)
    assert restored.returncode == 0, restored.stderr
    assert "counts match the backup" in restored.stdout
    assert (fresh_dir / "media" / "visits" / "photo.jpg").read_bytes() == b"\xff\xd8photo"
    # The restored city has its staff login.
    login = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.contrib.auth import authenticate; "
            "print(authenticate(username='chief', password='a-long-enough-password-2026'))",
        ],
        env={**fresh, "DJANGO_SETTINGS_MODULE": "wennuan.config.settings"},
        capture_output=True,
        text=True,
    )
    assert login.stdout.strip() == "chief"
    # No worker has passed over the restored database: the old heartbeat does not say one has.
    assert "warn  worker: last pass never" in run(["check"], fresh).stdout
    # A second restore finds the database in use and refuses without --force.
    again = run(["restore", str(archive)], fresh)
    assert again.returncode != 0 and "not empty" in again.stderr
    assert run(["restore", str(archive), "--force"], fresh).returncode == 0


def test_check_fails_with_exit_1_on_a_fresh_install_without_a_city(installation):
    env, _ = installation
    result = run(["check"], env)
    assert result.returncode == 1
    assert "FAIL  city: no City row" in result.stdout
    assert "check(s) failed" in result.stderr


def test_check_names_unapplied_migrations(tmp_path):
    result = run(["check"], base_env(tmp_path))  # an empty database file
    assert result.returncode == 1
    assert "migration(s) not applied: run `wennuan manage migrate`" in result.stdout


def test_restore_refuses_a_file_that_is_no_backup(installation, tmp_path):
    env, _ = installation
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not an archive")
    result = run(["restore", str(bogus)], env)
    assert result.returncode != 0 and "not a Wennuan backup archive" in result.stderr


def test_two_workers_on_one_database_do_each_periodic_task_once(installation):
    env, _ = installation
    workers = [
        subprocess.Popen(
            [*WENNUAN, "worker", "--once"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=300) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), [err for _, err in outputs]
    lines = [line for out, _ in outputs for line in out.splitlines() if ": " in line]
    ran = [line.split(" ", 3)[2] for line in lines]  # "date time task period: outcome"
    assert "lib.prune_periodic_runs" in ran
    assert len(ran) == len(set(ran)), lines
    # Every worker line carries a time stamp.
    assert all(
        line[:4].isdigit() and line[10] == " " for out, _ in outputs for line in out.splitlines()
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url, timeout_s=60.0):
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.mark.slow
def test_serve_is_gunicorn_itself_and_a_killed_master_does_not_block_a_restart(installation):
    """Issue 18 item 7: SIGTERM did not reach gunicorn; a kill -9 of the master left orphan
    workers holding the port ("Connection in use")."""
    env, _ = installation
    port = free_port()
    url = f"http://127.0.0.1:{port}/healthz"
    first = subprocess.Popen(
        [*WENNUAN, "serve", "--port", str(port), "--workers", "2", "--timeout", "30"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    second = None
    try:
        assert wait_for(url) in (200, 503)  # no worker has passed: 503 is right
        os.kill(first.pid, signal.SIGKILL)  # the master; its workers are orphaned
        first.wait(timeout=10)
        second = subprocess.Popen(
            [*WENNUAN, "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Orphans of the first may still answer: wait for the new master's own worker.
        booted = ""
        while "Booting worker" not in booted:
            line = second.stderr.readline()
            assert line, f"the new master did not start: {booted}"
            booted += line
        with open(f"/proc/{second.pid}/cmdline", "rb") as cmdline:
            assert b"gunicorn" in cmdline.read()  # exec'd: the same process is gunicorn
        assert wait_for(url) in (200, 503)
        # SIGTERM reaches gunicorn (the process is gunicorn: serve exec'd it) and frees the port.
        second.terminate()
        assert second.wait(timeout=30) == 0
        # Nobody listens any more (the first master's orphans have left too); SO_REUSEADDR
        # only ignores the closed connections in TIME_WAIT.
        time.sleep(2)
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", port))
            probe.listen()
    finally:
        for process in (first, second):
            if process and process.poll() is None:
                process.kill()


def test_serve_refuses_a_port_another_server_listens_on(monkeypatch, capsys):
    """Found by the outsider's install: with SO_REUSEPORT a second server on a busy port
    silently shared its traffic (two cities answering in turn); another program's port made
    gunicorn retry forever. Now the start stops with a message naming the port."""
    from wennuan import cli

    monkeypatch.setattr(cli, "PORT_FREE_WAIT_S", 0.2)
    monkeypatch.setattr(cli.os, "execvp", lambda *a: pytest.fail("gunicorn must not start"))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["serve", "--port", str(port)]) == 1
    assert f"127.0.0.1:{port}" in capsys.readouterr().err
    assert cli.port_is_free("127.0.0.1", port, wait_s=0)  # closed: free again


def test_understand_reads_the_register_with_its_light_settings(installation):
    """Issue 15: `wennuan understand` loads only the apps it reads (start-up < 2 s), and still
    reads the installation's register and area code from its database."""
    env, _data_dir = installation
    setup = (
        "from wennuan.registry.models import City, Community, HeatingCompany;"
        "City.objects.create(name='菏泽市', bureau_name='菏泽市城市管理局', area_code='0530');"
        "c = HeatingCompany.objects.create(code='ms', legal_name='民生热力有限公司',"
        " short_name='民生热力');"
        "Community.objects.create(name='翰林苑', aliases=['翰林苑小区'], company=c,"
        " district='牡丹区', address='和平路590号', heated_area_m2=50000, households=500,"
        " buildings=6, terminal='radiator', design_heat_index_w_m2=45)"
    )
    created = run(["manage", "shell", "-c", setup], env)
    assert created.returncode == 0, created.stderr
    text = '{"text": "翰林苑3号楼暖气不热，屋里十五度，电话6692571"}\n'
    result = run(["understand"], env, input=text)
    assert result.returncode == 0, result.stderr
    reading = json.loads(result.stdout)
    assert reading["community"] == "翰林苑"
    assert reading["phone"] == "05306692571"
    assert reading["temperature_c"] == 15
    assert reading["heating"] is True


def test_the_understand_settings_load_no_other_app():
    """What makes the reader's command start fast: none of the heavy apps or libraries."""
    code = (
        "import sys, django; django.setup();"
        "from wennuan.registry.models import City, Community;"
        "from wennuan.understanding import read_complaint, register_index;"
        "read_complaint('翰林苑暖气不热', register_index([('翰林苑', [], '', '')]));"
        "print(' '.join(sorted(sys.modules)))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "wennuan.config.settings_understand",
        "SECRET_KEY": GOOD_KEY,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    modules = set(result.stdout.split())
    for heavy in ("pandas", "scipy", "sklearn", "pypinyin", "openpyxl", "requests"):
        assert heavy not in modules, heavy
    assert not {name for name in modules if name.startswith("wennuan.planning")}
