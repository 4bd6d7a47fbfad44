"""How apps contribute to shared mechanisms without the mechanism knowing them: an app that
has a module of an agreed name (``demo_data``, ``periodic``, ``feed``) takes part."""

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps


def app_modules(module_name: str) -> list[ModuleType]:
    """Each installed app's ``<app>.<module_name>`` module that exists, in INSTALLED_APPS order."""
    modules = []
    for config in apps.get_app_configs():
        qualified = f"{config.name}.{module_name}"
        if find_spec(qualified) is not None:
            modules.append(import_module(qualified))
    return modules
