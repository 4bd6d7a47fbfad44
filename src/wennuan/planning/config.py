"""Planning settings (``WENNUAN_PLAN_*``, ``WENNUAN_WEATHER_*``, ...): read and refused when bad.

Each value comes from Django settings first, then the environment, then its default (an empty
value means the default). A malformed or out-of-range value raises ``ImproperlyConfigured``
naming the variable, and the system check below reports every bad one at start-up
(``manage.py check``, ``migrate`` in ``wennuan serve``, ``wennuan plan`` and ``wennuan worker``).
A silent fall-back to the default would plan the city at the wrong hour or with the wrong
margin without anyone noticing; a traceback at 05:30 would leave it without a plan.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import time

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Spec:
    """How one setting is parsed: ``kind`` is time (HH:MM), int, float, choice or url."""

    kind: str
    default: object
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


SPECS = {
    "WENNUAN_PLAN_TIME": Spec("time", "05:30"),
    "WENNUAN_CALIBRATION_TIME": Spec("time", "05:00"),  # before the plan: it uses the new values
    "WENNUAN_DAILY_REPORT_TIME": Spec("time", "07:00"),
    "WENNUAN_CALIBRATION_WINDOW_DAYS": Spec("int", 14, 1, 365),
    "WENNUAN_PLAN_COMFORT_RESERVE_K": Spec("float", 1.0, 0.0, 10.0),
    "WENNUAN_PLAN_RISK_MARGIN_K": Spec("float", 0.5, 0.0, 10.0),
    "WENNUAN_PLAN_NETWORK_LOSS": Spec("float", 0.03, 0.0, 0.5),
    "WENNUAN_PLAN_MIN_DP_BAR": Spec("float", 0.5, 0.0, 20.0),
    "WENNUAN_PLAN_LIFT_BAR": Spec("float", 0.0, 0.0, 50.0),
    # A community predicted warmer than this in some hour is flagged as overheated (a raised
    # set-point wastes heat and brings complaints of its own; GB 50736 comfort is 18–24 °C).
    "WENNUAN_PLAN_OVERHEAT_C": Spec("float", 24.0, 18.0, 40.0),
    # Exponent b of the sources' primary heating curves (radiator networks: 0.3).
    "WENNUAN_PLAN_PRIMARY_EXPONENT_B": Spec("float", 0.3, 0.0, 1.0),
    # Solar aperture per m² of heated floor against global horizontal radiation (0: the plan
    # ignores the sun); see heatphys.dayplan.DEFAULT_APERTURE_M2_PER_M2.
    "WENNUAN_PLAN_SOLAR_APERTURE_M2_PER_M2": Spec("float", 0.03, 0.0, 0.5),
    # Tomorrow's plan (D+1) from the forecast, once a day at this local time.
    "WENNUAN_TOMORROW_PLAN_TIME": Spec("time", "17:00"),
    # Today is re-planned when a newer forecast's remaining hours differ from the plan's by
    # more than this (mean absolute difference, K); checked hourly by the worker.
    "WENNUAN_REPLAN_MARGIN_K": Spec("float", 1.5, 0.1, 20.0),
    "WENNUAN_WEATHER_PROVIDER": Spec("choice", "climate", choices=("climate", "open_meteo")),
    "WENNUAN_WEATHER_MAX_AGE_H": Spec("float", 36.0, 0.0, 24.0 * 30),
    # None: the City row's coordinates
    "WENNUAN_WEATHER_LATITUDE": Spec("float", None, -90.0, 90.0),
    "WENNUAN_WEATHER_LONGITUDE": Spec("float", None, -180.0, 180.0),
    "WENNUAN_WEATHER_TIMEOUT_S": Spec("float", 10.0, 0.1, 300.0),
    "WENNUAN_OPEN_METEO_URL": Spec("url", "https://api.open-meteo.com/v1/forecast"),
    "WENNUAN_CLIMATE_SEED": Spec("int", 2026),
}


def _raw(name: str):
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    if isinstance(value, str):
        value = value.strip()
    return None if value is None or value == "" else value


def _refuse(name: str, value, expected: str):
    raise ImproperlyConfigured(f"设置 {name}={value!r} 无效 (invalid): expected {expected}")


def setting(name: str, default=None):
    """The validated value of a planning setting; ``default`` overrides the table's (e.g. the
    City row's coordinates)."""
    spec = SPECS[name]
    value = _raw(name)
    if value is None:
        value = spec.default if default is None else default
        if value is None:
            return None
    if spec.kind == "time":
        if isinstance(value, time):
            return value
        if not HH_MM.match(str(value)):
            _refuse(name, value, "HH:MM, e.g. 05:30")
        return time.fromisoformat(str(value))
    if spec.kind in ("int", "float"):
        try:
            number = float(value)
            if spec.kind == "int":
                if isinstance(value, float) or not re.fullmatch(r"[+-]?\d+", str(value)):
                    raise ValueError
                number = int(value)
        except (TypeError, ValueError):
            _refuse(name, value, "a whole number" if spec.kind == "int" else "a number")
        too_low = spec.minimum is not None and number < spec.minimum
        too_high = spec.maximum is not None and number > spec.maximum
        if number != number or too_low or too_high:  # NaN compares unequal to itself
            _refuse(name, value, f"a number from {spec.minimum} to {spec.maximum}")
        return number
    if spec.kind == "choice":
        if str(value) not in spec.choices:
            _refuse(name, value, " or ".join(spec.choices))
        return str(value)
    if not str(value).startswith(("http://", "https://")):
        _refuse(name, value, "an http(s) URL")
    return str(value)


@checks.register()
def check_planning_settings(app_configs=None, **kwargs):
    """Every planning setting parses and is in range (run at start-up by Django's checks)."""
    errors = []
    for name in SPECS:
        try:
            setting(name)
        except ImproperlyConfigured as error:
            errors.append(checks.Error(str(error), id="planning.E001", obj=name))
    return errors
