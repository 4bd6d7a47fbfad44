"""Demo history from the physics, then plans that use it."""

import numpy as np
import time_machine

from wennuan.planning import demo_data
from wennuan.planning.choices import ForecastMethod, PlanTrigger, WeatherKind
from wennuan.planning.models import MeterReading, Plan, PlanSubstation, WeatherSeries

from .conftest import NOW, PLAN_DAY


def test_generated_history_is_plausible_and_feeds_the_plans(plan_city):
    with time_machine.travel(NOW, tick=False):
        summary = demo_data.load(None)
    hours = 14 * 24
    readings = MeterReading.objects.count()
    assert f"{hours} 小时实测气温与 {readings} 条" in summary
    assert WeatherSeries.objects.filter(kind=WeatherKind.OBSERVED).count() == 1
    assert 0.8 * 2 * hours < readings <= 2 * hours  # two stations, some outages
    heat = np.array(MeterReading.objects.values_list("heat_kw", flat=True))
    assert heat.min() >= 0 and 500 < np.median(heat) < 5000  # design load 5 MW each
    row = MeterReading.objects.exclude(supply_temp_c=None).first()
    assert row.supply_temp_c > row.return_temp_c > 18 and row.flow_m3_h > 0
    assert "今日计划 2 份" in summary
    plans = Plan.objects.filter(date=PLAN_DAY, trigger=PlanTrigger.DEMO)
    assert plans.count() == 2
    methods = set(
        PlanSubstation.objects.filter(plan__in=plans).values_list("forecast_method", flat=True)
    )
    assert methods == {ForecastMethod.CHANGE_POINT}
