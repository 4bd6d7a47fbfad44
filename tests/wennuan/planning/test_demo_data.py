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


def test_demo_calibrates_far_end_estates_colder_and_approves_yesterdays_plan(plan_city, personas):
    from datetime import timedelta

    from wennuan.planning.choices import PlanStatus
    from wennuan.planning.models import (
        CommunityModelParameters,
        CommunityParameterChange,
        PlanCommunity,
    )
    from wennuan.registry.models import Community

    Community.objects.filter(name="剑桥学府").update(built_year=1995)
    Community.objects.filter(name="金盾小区").update(built_year=2012)
    with time_machine.travel(NOW, tick=False):
        demo_data.load(None)
    yesterday = Plan.objects.get(date=PLAN_DAY - timedelta(days=1), company=plan_city.north)
    assert yesterday.status == PlanStatus.APPROVED
    assert yesterday.approved_by == personas["dispatch_engineer"]
    # Every changed parameter has its audit row.
    for row in CommunityModelParameters.objects.all():
        changes = dict(
            CommunityParameterChange.objects.filter(community=row.community).values_list(
                "parameter", "new_value"
            )
        )
        assert changes.get("heat_factor", 1.0) == row.heat_factor
        assert changes.get("indoor_offset_c", 0.0) == row.indoor_offset_c
    # The north station is the only one on a network model, so it is the far end: its estates
    # built before 2005 run colder and are at risk in today's plan, the others are not.
    today = Plan.objects.get(date=PLAN_DAY, company=plan_city.north)
    rows = PlanCommunity.objects.filter(plan=today).select_related("community", "proactive_order")
    assert {r.community.name: r.at_risk for r in rows} == {"剑桥学府": True, "金盾小区": False}
    cold = rows.get(community__name="剑桥学府")
    assert cold.proactive_order is not None and cold.min_indoor_c < 18.5
    offset = CommunityModelParameters.objects.get(community=cold.community).indoor_offset_c
    assert -1.6 <= offset <= -0.8
