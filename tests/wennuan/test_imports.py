"""No import cycles: every module imports at the top, and does so whatever the order.

A function-level import used to dodge a cycle hides a dependency the layout should not have;
the ones left are each for start-up cost or for Django's app registry, listed here with why."""

import os
import re
import subprocess
import sys
from pathlib import Path

import wennuan

SOURCE = Path(wennuan.__file__).parent
# module (relative to src/wennuan) → why its function-level imports stay
ALLOWED = {
    "readiness/apps.py": "AppConfig.ready: models load only after the app registry",
    "planning/apps.py": "AppConfig.ready: registers the settings' system check",
    "channels/apps.py": "AppConfig.ready: connects the signal handlers",
    "staff/apps.py": "AppConfig.ready: models load only after the app registry",
    "lib/apps.py": "AppConfig.ready: the admin's number fields and the look-up cache's signals",
    "planning/periodic.py": "start-up cost: the worker imports every task module (pandas, scipy)",
    "understanding/management/commands/understand_train.py": "start-up cost: training code",
    "understanding/training.py": "start-up cost: scikit-learn, only to train",
    "understanding/pinyin.py": "start-up cost: pypinyin's dictionaries, on first use",
    "lib/search.py": "start-up cost: pypinyin's dictionaries, on first use",
    "workorders/intake.py": "optional and heavy: the complaint reader loads its model, only for "
    "intake forms, and intake works without it",
    "channels/management/commands/wechat_menu.py": "start-up cost: wechatpy, only to push",
    "channels/sms.py": "optional dependencies: each SMS provider's SDK, only where configured",
    "registry/io.py": "start-up cost: openpyxl, only for Excel files",
    "lib/report_rendering.py": "start-up cost: WeasyPrint, only when a PDF is made",
    "operations/install_check.py": "probes whether WeasyPrint is installed",
    "cli.py": "Django loads only after the command has set the environment it reads",
}
# Any import statement inside a function or class, of this project or any other library.
INDENTED_IMPORT = re.compile(r"^[ \t]+(from [\w.]+ import |import [\w.]+$)", re.M)


def test_function_level_imports_are_only_the_listed_ones():
    found = set()
    for path in SOURCE.rglob("*.py"):
        relative = path.relative_to(SOURCE).as_posix()
        if "/migrations/" in relative:
            continue
        if INDENTED_IMPORT.search(path.read_text(encoding="utf-8")):
            found.add(relative)
    assert found <= set(ALLOWED), sorted(found - set(ALLOWED))


IMPORT_ALL = """
import importlib, pkgutil, sys, django
django.setup()
import wennuan
names = sorted(m.name for m in pkgutil.walk_packages(wennuan.__path__, "wennuan.")
               if ".migrations" not in m.name)
if sys.argv[1] == "reversed":
    names.reverse()
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def test_every_module_imports_in_either_order():
    for order in ("sorted", "reversed"):
        result = subprocess.run(
            [sys.executable, "-c", IMPORT_ALL, order],
            capture_output=True,
            text=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "wennuan.config.settings"},
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert int(result.stdout.split()[-1]) > 100
