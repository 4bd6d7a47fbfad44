"""Weather-driven heat demand: models, metrics, backtests and their command line."""

from .backtest import rolling_day_ahead
from .features import effective_outdoor_temperature, smoothed_temperature
from .io import DemandDataError, read_history_csv, read_weather_csv
from .metrics import cv_rmse_percent, daily_energy, mape_percent, nmbe_percent, score
from .models import (
    ChangePointModel,
    ChangePointOptions,
    DayAheadModel,
    DayAheadOptions,
    DesignDemandModel,
    DesignOptions,
    design_heat_demand_kw,
)

__all__ = [
    "ChangePointModel",
    "ChangePointOptions",
    "DayAheadModel",
    "DayAheadOptions",
    "DemandDataError",
    "DesignDemandModel",
    "DesignOptions",
    "cv_rmse_percent",
    "daily_energy",
    "design_heat_demand_kw",
    "effective_outdoor_temperature",
    "mape_percent",
    "nmbe_percent",
    "read_history_csv",
    "read_weather_csv",
    "rolling_day_ahead",
    "score",
    "smoothed_temperature",
]
