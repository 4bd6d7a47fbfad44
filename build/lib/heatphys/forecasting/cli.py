"""``heatphys forecast`` and ``heatphys backtest`` (design §8)."""

from __future__ import annotations

import argparse
import sys

from .io import DemandDataError, read_history_csv, read_weather_csv, write_forecast_csv

MODELS = ("dayahead", "changepoint", "design")


def _model(name: str):
    from .models import ChangePointModel, DayAheadModel, DesignDemandModel

    return {
        "dayahead": DayAheadModel,
        "changepoint": ChangePointModel,
        "design": DesignDemandModel,
    }[name]()


def _forecast(args: argparse.Namespace) -> int:
    history = read_history_csv(args.history)
    weather = read_weather_csv(args.weather)
    model = _model(args.model).fit(history)
    write_forecast_csv(model.predict(weather, history), args.out)
    return 0


def _backtest(args: argparse.Namespace) -> int:
    from .backtest import rolling_day_ahead

    history = read_history_csv(args.history)
    actual = read_history_csv(args.actual)
    pred = rolling_day_ahead(
        history, actual, lambda: _model(args.model), refit_every_days=args.refit_every_days
    )
    write_forecast_csv(pred, args.out)
    return 0


def _guard(func):
    """Turn bad input into one line on stderr and exit code 2, never a traceback."""

    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except DemandDataError as exc:
            print(f"heatphys {args.command}: {exc}", file=sys.stderr)
            return 2
        except (ValueError, OSError) as exc:
            print(f"heatphys {args.command}: cannot use the input: {exc}", file=sys.stderr)
            return 2

    return run


def register(subparsers) -> None:
    """Add the ``forecast`` and ``backtest`` sub-commands to a heatphys argument parser."""
    forecast = subparsers.add_parser(
        "forecast",
        help="fit a demand model on history and forecast hourly heat for a weather file",
    )
    forecast.add_argument("--history", required=True, help="timestamp,outdoor_temp_c,heat_kw")
    forecast.add_argument("--weather", required=True, help="timestamp,outdoor_temp_c")
    forecast.add_argument("--out", required=True, help="output timestamp,heat_kw")
    forecast.add_argument("--model", choices=MODELS, default="dayahead")
    forecast.set_defaults(func=_guard(_forecast))

    backtest = subparsers.add_parser(
        "backtest", help="rolling day-ahead forecast of each day of an actual file"
    )
    backtest.add_argument("--history", required=True, help="timestamp,outdoor_temp_c,heat_kw")
    backtest.add_argument("--actual", required=True, help="timestamp,outdoor_temp_c,heat_kw")
    backtest.add_argument("--out", required=True, help="output timestamp,heat_kw")
    backtest.add_argument("--model", choices=MODELS, default="dayahead")
    backtest.add_argument("--refit-every-days", type=int, default=28)
    backtest.set_defaults(func=_guard(_backtest))
