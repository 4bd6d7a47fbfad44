"""``heatphys forecast`` and ``heatphys backtest`` (design §8)."""

from __future__ import annotations

import argparse
import sys

from .io import (
    DemandDataError,
    gap_report,
    read_history_csv,
    read_weather_csv,
    write_forecast_csv,
)

MODELS = ("dayahead", "changepoint", "design")


def _model(name: str):
    from .models import ChangePointModel, DayAheadModel, DesignDemandModel

    return {
        "dayahead": DayAheadModel,
        "changepoint": ChangePointModel,
        "design": DesignDemandModel,
    }[name]()


def _report_gaps(args, data, columns, source) -> None:
    """Missing hours are allowed (left out of fitting and scoring) but said, one line each."""
    for column in columns:
        line = gap_report(data, column, source)
        if line:
            print(f"heatphys {args.command}: {line}", file=sys.stderr)


def _forecast(args: argparse.Namespace) -> int:
    history = read_history_csv(args.history)
    weather = read_weather_csv(args.weather)
    _report_gaps(args, history, ("heat_kw", "outdoor_temp_c"), args.history)
    _report_gaps(args, weather, ("outdoor_temp_c",), args.weather)
    model = _model(args.model).fit(history)
    write_forecast_csv(model.predict(weather, history), args.out)
    return 0


def _backtest(args: argparse.Namespace) -> int:
    from .backtest import rolling_day_ahead

    history = read_history_csv(args.history)
    actual = read_history_csv(args.actual)
    _report_gaps(args, history, ("heat_kw", "outdoor_temp_c"), args.history)
    _report_gaps(args, actual, ("heat_kw", "outdoor_temp_c"), args.actual)
    forecast = None
    if args.forecast_weather:
        from .backtest import days_without_forecast
        from .weather import forecast_known_before, read_forecast_weather_csv

        issued_by = _clock(args.forecast_issued_by)
        forecasts = read_forecast_weather_csv(args.forecast_weather)
        forecast = forecast_known_before(forecasts, actual.index, issued_by=issued_by)
        if args.forecast_bias_days > 0:
            from .weather import debias_forecast

            forecast = debias_forecast(
                forecast, actual["outdoor_temp_c"], window_days=args.forecast_bias_days
            )
        missing = days_without_forecast(actual, forecast)
        if missing and not args.measured_weather_fallback:
            # a forecast-weather backtest that quietly used measurements would report the
            # flattering number under the forecast's name
            n_days = len(actual.index.floor("D").unique())
            raise DemandDataError(
                f"{len(missing)} of {n_days} day(s) have no forecast issued by "
                f"{args.forecast_issued_by} of the day in {args.forecast_weather} (first "
                f"{missing[0]:%Y-%m-%d}); check its issued_at, or pass "
                "--measured-weather-fallback to use the measured temperature on those days"
            )
        if missing:
            print(
                f"heatphys backtest: {len(missing)} day(s) had no forecast issued by "
                f"{args.forecast_issued_by} (first {missing[0]:%Y-%m-%d}); "
                "their measured temperature was used (--measured-weather-fallback)",
                file=sys.stderr,
            )
    pred = rolling_day_ahead(
        history,
        actual,
        lambda: _model(args.model),
        refit_every_days=args.refit_every_days,
        forecast_weather=forecast,
    )
    write_forecast_csv(pred, args.out)
    return 0


def _clock(text: str):
    """ "HH:MM" as a time of day (Timedelta), or a DemandDataError."""
    import pandas as pd

    try:
        hours, minutes = (int(x) for x in text.split(":"))
        if not (0 <= hours < 24 and 0 <= minutes < 60):
            raise ValueError
    except ValueError:
        raise DemandDataError(f"--forecast-issued-by {text!r}: expected HH:MM") from None
    return pd.Timedelta(hours=hours, minutes=minutes)


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
    backtest.add_argument(
        "--forecast-weather",
        metavar="FW.csv",
        help="timestamp,issued_at,outdoor_temp_c (ISO 8601): forecasts as issued; each day is "
        "forecast with the latest forecast issued by --forecast-issued-by on that day instead "
        "of the measured temperature; a day without one is an error (see "
        "--measured-weather-fallback)",
    )
    backtest.add_argument(
        "--forecast-issued-by",
        default="00:00",
        metavar="HH:MM",
        help="latest issue time on the day planned (default 00:00: forecasts issued before "
        "the day, as the contract says; 05:30 also admits a same-morning issue, known at the "
        "dispatch centre's plan time)",
    )
    backtest.add_argument(
        "--measured-weather-fallback",
        action="store_true",
        help="on days without a forecast issued in time, use the measured temperature "
        "(said on stderr) instead of refusing",
    )
    backtest.add_argument(
        "--forecast-bias-days",
        type=int,
        default=0,
        metavar="N",
        help="subtract the forecasts' mean error (forecast - measured) of the N days before "
        "each day (0, the default: no correction)",
    )
    backtest.set_defaults(func=_guard(_backtest))
