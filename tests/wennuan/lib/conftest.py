import importlib.util
import sys
from pathlib import Path


def _load_fixtures():
    name = "wennuan_workorder_test_fixtures"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).parent.parent / "workorders" / "fixtures.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_fixtures = _load_fixtures()
season = _fixtures.season
make_order = _fixtures.make_order
