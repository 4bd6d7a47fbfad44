"""`wennuan check`: is this installation ready to serve? For use after install and upgrade.

Each line is ``ok``, ``warn`` or ``FAIL`` with what was found; the command exits 1 when any check
fails. Warnings do not fail it (a worker that has not run yet right after an install).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import checks as django_checks
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from wennuan.registry.models import City

from . import health

OK, WARN, FAIL = "ok", "warn", "FAIL"


@dataclass(frozen=True)
class Finding:
    status: str
    name: str
    detail: str


def _settings_findings() -> list[Finding]:
    findings = []
    messages = django_checks.run_checks(include_deployment_checks=not settings.DEBUG)
    errors = [m for m in messages if m.level >= django_checks.ERROR]
    warnings = [m for m in messages if django_checks.WARNING <= m.level < django_checks.ERROR]
    if errors:
        findings.append(Finding(FAIL, "settings", "; ".join(f"{m.id}: {m.msg}" for m in errors)))
    for message in warnings:
        findings.append(Finding(WARN, "settings", f"{message.id}: {message.msg}"))
    mode = "DEBUG=1 (development only)" if settings.DEBUG else "DEBUG off"
    findings.append(
        Finding(
            WARN if settings.DEBUG else OK,
            "settings",
            f"{mode}; ALLOWED_HOSTS={','.join(settings.ALLOWED_HOSTS)}; "
            f"SECURE_SSL={'1' if settings.SECURE_SSL else '0'}",
        )
    )
    return findings


def _public_url_finding() -> Finding:
    """Citizens' text messages and the WeChat menu link to the look-up page: without the site's
    address they carry a bare "/lookup/" nobody can open (an outsider's walk read one)."""
    url = (getattr(settings, "WENNUAN_PUBLIC_URL", "") or "").strip()
    if not url:
        return Finding(
            WARN,
            "public url",
            "WENNUAN_PUBLIC_URL is not set: text messages show a bare /lookup/ path "
            "(set it to the site's address, e.g. https://heating.example.cn)",
        )
    if not url.startswith(("https://", "http://")):
        return Finding(FAIL, "public url", f"WENNUAN_PUBLIC_URL={url!r} is not an http(s) address")
    return Finding(OK, "public url", url)


def _data_dir_finding() -> Finding:
    data_dir = Path(settings.DATA_DIR)
    media = Path(settings.MEDIA_ROOT)
    try:
        media.mkdir(parents=True, exist_ok=True)
        probe = media / ".wennuan-check"
        probe.write_text("ok")
        probe.unlink()
    except OSError as error:
        return Finding(FAIL, "data folder", f"{media} is not writable: {error}")
    return Finding(OK, "data folder", f"{data_dir} (media/ writable)")


def _pdf_findings() -> list[Finding]:
    """PDF reports need Pango (WeasyPrint loads it at import) and a Chinese font."""
    findings = []
    try:
        import weasyprint  # noqa: F401

        findings.append(Finding(OK, "pdf: pango", "WeasyPrint loads Pango"))
    except OSError as error:
        findings.append(
            Finding(
                FAIL,
                "pdf: pango",
                f"Pango missing ({error}); apt install libpango-1.0-0 libpangoft2-1.0-0",
            )
        )
    fc_list = shutil.which("fc-list")
    fonts = ""
    if fc_list:
        fonts = subprocess.run(
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True
        ).stdout
    if "Noto Sans CJK" in fonts or "Noto Serif CJK" in fonts:
        findings.append(Finding(OK, "pdf: fonts", "Noto CJK found"))
    else:
        findings.append(Finding(FAIL, "pdf: fonts", "no Noto CJK font: apt install fonts-noto-cjk"))
    return findings


def _city_finding() -> Finding:
    count = City.objects.count()
    if count == 0:
        return Finding(
            FAIL,
            "city",
            "no City row: import the register with its 城市 sheet (docs/deployment.md)",
        )
    if count > 1:
        return Finding(FAIL, "city", f"{count} City rows: there must be exactly one")
    city = City.objects.get()
    return Finding(OK, "city", f"{city.name} ({city.latitude:.2f}, {city.longitude:.2f})")


def _database_error() -> str:
    try:
        connections[DEFAULT_DB_ALIAS].ensure_connection()
    except Exception as error:  # noqa: BLE001 - the cause is what the operator needs
        return f"{type(error).__name__}: {str(error).strip().splitlines()[-1] if str(error).strip() else ''}"
    return "the test query failed"


def run(now=None) -> list[Finding]:
    now = now or timezone.now()
    findings = _settings_findings()
    findings.append(_public_url_finding())
    findings.append(_data_dir_finding())
    database = health.check_database()
    if database.status != health.OK:
        # The operator at the console may see the cause (/healthz shows the class name only).
        findings.append(Finding(FAIL, "database", f"unreachable: {_database_error()}"))
        return findings
    findings.append(Finding(OK, "database", settings.DATABASES["default"]["ENGINE"]))
    migrations = health.check_migrations()
    if migrations.status != health.OK:
        findings.append(
            Finding(
                FAIL,
                "migrations",
                f"{migrations.detail.get('pending')} migration(s) not applied: run "
                "`wennuan manage migrate`",
            )
        )
        return findings
    findings.append(Finding(OK, "migrations", "all applied"))
    findings.extend(_pdf_findings())
    findings.append(_city_finding())
    worker = health.check_worker(now)
    age = worker.detail.get("last_pass_age_s")
    if worker.status == health.OK:
        findings.append(Finding(OK, "worker", f"last pass {age:.0f} s ago"))
    else:
        seen = "never" if age is None else f"{age:.0f} s ago"
        findings.append(
            Finding(
                WARN,
                "worker",
                f"last pass {seen} (threshold {worker.detail['threshold_s']} s): "
                "is `wennuan worker` running?",
            )
        )
    plan = health.check_plan(now)
    status = OK if plan.status == health.OK else WARN
    findings.append(Finding(status, "plan", f"last plan {plan.detail['last_plan_age_h']} h ago"))
    return findings
