import numpy as np
import pandas as pd
import pytest


def synthetic_load(days=200, seed=0, start="2023-10-01", balance_c=15.0, slope_kw_per_k=40.0):
    """Hourly outdoor temperature and a degree-day load with an autocorrelated daily drift."""
    rng = np.random.default_rng(seed)
    index = pd.date_range(start, periods=24 * days, freq="h", name="timestamp")
    day = np.arange(len(index)) / 24
    temp = 5 + 8 * np.cos(2 * np.pi * day / 365) + 4 * np.sin(2 * np.pi * day / 9)
    temp = temp + 3 * np.sin(2 * np.pi * (index.hour - 9) / 24) + rng.normal(0, 1, len(index))
    daily_temp = pd.Series(temp, index=index).groupby(index.floor("D")).transform("mean")
    base = 100 + slope_kw_per_k * np.maximum(balance_c - daily_temp.to_numpy(), 0)
    # Slowly wandering operation (an AR(1) daily factor) that only recent load reveals.
    drift = np.zeros(days)
    for i in range(1, days):
        drift[i] = 0.9 * drift[i - 1] + rng.normal(0, 0.04)
    shape = 1 + 0.15 * np.sin(2 * np.pi * (index.hour - 4) / 24)
    heat = base * shape * (1 + np.repeat(drift, 24)) + rng.normal(0, 5, len(index))
    return pd.DataFrame({"outdoor_temp_c": temp, "heat_kw": heat}, index=index)


@pytest.fixture
def make_load():
    """The synthetic load generator (tests import no modules under --import-mode=importlib)."""
    return synthetic_load


@pytest.fixture
def load():
    return synthetic_load()
