"""What an outsider found in the plan's warnings (session 8, follow-up of the day's lift):
plans that call their weather untrustworthy, what-if weather files, warnings whose numbers
disagree with the plan, hours not named."""

import io
from datetime import timedelta

import numpy as np
import pytest
from django.core.management import call_command

from wennuan.planning import proactive
from wennuan.planning.choices import AdjustmentKind, WeatherKind, WeatherProvider
from wennuan.planning.engine import compute_company_plan
from wennuan.planning.models import CommunityModelParameters, Plan, PlanCommunity, PlanSubstation
from wennuan.planning.proactive import open_proactive_orders
from wennuan.planning.weather import choose_forecast
from wennuan.registry.models import City, HeatSource, NetworkPipe
from wennuan.workorders.actions import ActionError
from wennuan.workorders.choices import Channel
from wennuan.workorders.models import WorkOrder

from .conftest import NOW, PLAN_DAY, weather_for

DAY = PLAN_DAY.isoformat()
HOUR = timedelta(hours=1)


def _csv(tmp_path, temps_c):
    temps = np.broadcast_to(np.asarray(temps_c, dtype=float), (24,))
    path = tmp_path / "weather.csv"
    lines = ["timestamp,outdoor_temp_c"] + [f"{DAY} {h:02d}:00,{t}" for h, t in enumerate(temps)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run_plan(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("plan", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _proactive_orders():
    return WorkOrder.objects.filter(channel=Channel.PROACTIVE)


# 1. Untrustworthy weather and what-if files open no orders -----------------------------


def test_a_plan_calling_its_weather_untrustworthy_opens_no_proactive_orders(plan_city):
    """An outsider's −25 °C file raised the dispatched proactive orders from 13 to 424, each
    telling a community manager the rooms would be 1.5 °C, on a plan whose first warning says
    its numbers cannot be trusted. Now: none, and one line saying so."""
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -60.0), now=NOW)
    assert plan.at_risk_count == 2 and plan.inputs["weather_out_of_range"] is True
    assert open_proactive_orders(plan, now=NOW) == []
    assert not _proactive_orders().exists()
    said = [w for w in list(map(str, Plan.objects.get(pk=plan.pk).warnings)) if "未诉先办" in w]
    assert len(said) == 1 and "天气数据超出适用范围" in said[0] and "2 个" in said[0], said
    # an ordinary cold plan still opens them
    cold = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -20.0), now=NOW)
    assert "weather_out_of_range" not in cold.inputs and cold.at_risk_count == 2
    assert len(open_proactive_orders(cold, now=NOW)) == 2


def test_orders_that_cannot_be_opened_are_summarised_in_one_warning(plan_city, monkeypatch):
    """At −60 °C creating each order failed and the command printed ~480 lines, one per
    community, burying the warnings: now one line with the count and the first reason."""

    def refuse(*args, community, **kwargs):
        raise ActionError(f"温度应在 -10 到 40 °C 之间（{community.name}）")

    monkeypatch.setattr(proactive, "do_create_order", refuse)
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -20.0), now=NOW)
    before = list(plan.warnings)
    assert open_proactive_orders(plan, now=NOW) == []
    added = list(map(str, Plan.objects.get(pk=plan.pk).warnings))[len(before) :]
    assert len(added) == 1, added
    assert added[0].startswith("2 个小区无法生成主动工单（首个：") and "温度应在" in added[0]


def test_a_weather_file_is_a_what_if_and_messages_no_community_manager(plan_city, tmp_path):
    """`wennuan plan --weather-csv` is a what-if unless --open-orders says the file is the
    forecast to run on; the command says so in one line (stderr with --json)."""
    path = _csv(tmp_path, -20.0)
    out, _err = _run_plan("--date", DAY, "--company", "north", "--weather-csv", str(path))
    assert Plan.objects.get().at_risk_count == 2
    assert not _proactive_orders().exists()
    assert "试算：未生成未诉先办工单（低温风险小区 2 个" in out and "--open-orders" in out
    out, err = _run_plan("--date", DAY, "--company", "north", "--weather-csv", str(path), "--json")
    assert out.lstrip().startswith("{") and "试算" in err and not _proactive_orders().exists()
    out, _err = _run_plan(
        "--date", DAY, "--company", "north", "--weather-csv", str(path), "--open-orders"
    )
    assert _proactive_orders().count() == 2 and "试算" not in out


def test_a_what_if_file_is_never_taken_for_the_next_plans_forecast(plan_city, tmp_path):
    """The file was stored as an uploaded forecast: the worker's next plan (newest forecast
    within 36 h) would have run on the outsider's −25 °C what-if and messaged everyone."""
    path = _csv(tmp_path, -20.0)
    _run_plan("--date", DAY, "--company", "north", "--weather-csv", str(path))
    what_if = Plan.objects.get().weather_series
    assert what_if.kind == WeatherKind.WHAT_IF
    # (the command stores the file at the wall clock's now: asked an hour after it)
    chosen = choose_forecast(City.objects.get(), PLAN_DAY, now=what_if.issued_at + HOUR)
    assert chosen.series != what_if and chosen.series.provider == WeatherProvider.CLIMATE
    # the same file given as the forecast to run on is the next plans' forecast
    _run_plan("--date", DAY, "--company", "north", "--weather-csv", str(path), "--open-orders")
    forecast = Plan.objects.order_by("-version").first().weather_series
    assert forecast.kind == WeatherKind.FORECAST
    later = forecast.issued_at + HOUR
    assert choose_forecast(City.objects.get(), PLAN_DAY, now=later).series == forecast


def test_plan_help_says_a_weather_file_opens_no_orders(plan_city):
    from wennuan.planning.management.commands.plan import Command

    text = Command().create_parser("wennuan", "plan").format_help()
    assert "--open-orders" in text and "试算" in text


# 2. The shortfall warning's numbers are the plan's -------------------------------------


def test_the_shortfall_warning_counts_and_shows_the_plans_own_lowest_temperatures(plan_city):
    """An outsider read "173 个小区…东方红小区（17.4 °C）" where the same plan stores 18.69 °C
    for it and has 5 communities below 18 °C: the warning used the allocation's steady
    state, the plan the rooms through the buildings' inertia. Now one source of truth; and an
    estate as cold on a mild day (a calibrated far-end offset, not cut) is counted apart."""
    far_end = plan_city.communities["金盾小区"]
    CommunityModelParameters.objects.create(community=far_end, indoor_offset_c=-3.0)
    cut = {
        "kind": AdjustmentKind.SOURCE_LIMIT,
        "source_id": HeatSource.objects.get(code="plant").id,
        "first_hour": 0,
        "last_hour": 23,
        "value": 4600.0,
    }
    plan = compute_company_plan(
        plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -5.0), now=NOW, adjustments=[cut]
    )
    (warning,) = [w for w in plan.warnings if "热源能力不足" in w]
    lows = dict(
        PlanCommunity.objects.filter(plan=plan).values_list("community__name", "min_indoor_c")
    )
    assert lows["剑桥学府"] < 18.0 and lows["金盾小区"] < 18.0, lows
    assert f"因此 1 个小区预测室温低于 18 °C：剑桥学府（{lows['剑桥学府']:.1f} °C）" in warning
    assert "另有 1 个小区供足热量仍低于 18 °C" in warning and "金盾小区（" not in warning
    assert "全天需求超过" in warning


# 4. A lift fixed by WENNUAN_PLAN_LIFT_BAR -----------------------------------------------


def test_a_fixed_lift_too_low_is_named_as_the_cause_of_what_is_short(plan_city, settings):
    """With LIFT_BAR=1 or 3 the unserved warning blamed a stopped source while every source
    ran; the lift the network needs was invisible. Now the fixed lift is named as the cause,
    with the lift the design load needs (also in the plan's inputs)."""
    settings.WENNUAN_PLAN_LIFT_BAR = 0.6
    NetworkPipe.objects.filter(company=plan_city.north).update(inner_diameter_m=0.12)
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -4.0), now=NOW)
    sized = plan.inputs["sized_lift_bar"]
    assert sized > 0.6 and plan.inputs["lift_bar"] == 0.6
    short = [w for w in plan.warnings if "北一站" in w and ("不足" in w or "供不上热" in w)]
    assert short, plan.warnings
    cause = f"WENNUAN_PLAN_LIFT_BAR 固定为 0.6 bar，不随当日需要提高；按设计负荷需 {sized:.1f} bar"
    assert all(cause in w and "热源停运" not in w for w in short), short
    # sized (the default): no such input, no such cause
    settings.WENNUAN_PLAN_LIFT_BAR = 0.0
    sized_plan = compute_company_plan(
        plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -4.0), now=NOW
    )
    assert "sized_lift_bar" not in sized_plan.inputs
    assert not any("WENNUAN_PLAN_LIFT_BAR" in w for w in map(str, sized_plan.warnings))


def test_a_fixed_lift_above_16_bar_gets_a_remark(plan_city, settings):
    settings.WENNUAN_PLAN_LIFT_BAR = 30.0
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -4.0), now=NOW)
    remark = [w for w in plan.warnings if "WENNUAN_PLAN_LIFT_BAR 固定为 30.0 bar" in w]
    assert len(remark) == 1 and "16 bar" in remark[0], plan.warnings


def test_substations_short_are_listed_with_their_hours(plan_city, settings):
    """The short list gave bar but no hours: a cold morning's hours are named."""
    NetworkPipe.objects.filter(company=plan_city.north).update(inner_diameter_m=0.12)
    morning = np.concatenate([np.full(72, -10.0), np.full(24, 0.0)])
    morning[72 : 72 + 10] = -18.0
    sized = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, morning), now=NOW)
    # fixed half a bar below the lift the day needs: short in the cold hours, not unserved
    settings.WENNUAN_PLAN_LIFT_BAR = sized.inputs["lift_bar"] - 0.5
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, morning), now=NOW)
    row = PlanSubstation.objects.get(plan=plan)
    hours = np.flatnonzero(np.array(row.dp_margin_bar) < 0)
    assert 0 < len(hours) < 24 and np.all(np.diff(hours) == 1)
    (warning,) = [w for w in plan.warnings if "资用压差不足" in w]
    expected = f"北一站（{row.min_dp_margin_bar:+.2f} bar，{hours.min()}–{hours.max()} 时）"
    assert expected in warning and "不随当日需要提高" in warning, warning


# 5. The weather's range is checked on the warm side too ---------------------------------


@pytest.mark.parametrize(
    ("day_c", "said"),
    [
        (np.full(24, 40.0), "预报最高气温 40.0 °C"),
        (
            np.r_[np.full(12, -5.0), np.full(12, 25.0)],
            "11:00–12:00 一小时内变化 30.0 K（超过 15 K）",
        ),
        (np.r_[np.full(14, -5.0), 25.0, np.full(9, -5.0)], "13:00–14:00 一小时内变化 30.0 K"),
    ],
    ids=["plus-40", "jump-30K", "one-hot-hour"],
)
def test_warm_or_jumping_weather_is_called_untrustworthy_and_opens_no_orders(
    plan_city, day_c, said
):
    """+40 °C in December gave no weather warning but "过热，浪费热量" on a plan supplying no
    heat; a 30 K jump and a single +25 °C hour passed silently."""
    temps = np.r_[np.full(72, -5.0), day_c]
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, temps), now=NOW)
    assert str(plan.warnings[0]).startswith("请先核对天气数据") and said in str(plan.warnings[0])
    assert plan.inputs["weather_out_of_range"] is True
    assert open_proactive_orders(plan, now=NOW) == []


@pytest.mark.parametrize(
    "day_c",
    [15.0, -5.0, -20.0, np.r_[-5.0, np.full(6, -18.0), np.full(17, -5.0)]],
    ids=["warm-15", "mild", "cold-20", "front-13K"],
)
def test_plausible_weather_is_not_called_untrustworthy(plan_city, day_c):
    """A strong front (13 K within an hour) is rare but real: a plan called untrustworthy
    opens no proactive orders, so it must not be."""
    temps = np.r_[np.full(72, -5.0), np.broadcast_to(day_c, (24,))]
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, temps), now=NOW)
    assert not any("核对天气" in w for w in map(str, plan.warnings)), plan.warnings
    assert "weather_out_of_range" not in plan.inputs


# 6. The transport-delay overload names hours, sources and MW ----------------------------


def test_the_delay_overload_warning_names_its_hours_sources_and_mw():
    """ "考虑输送延迟后，部分小时热源出力超过可用能力" named nothing the engineer could check."""
    from types import SimpleNamespace

    from wennuan.planning.engine import _schedule_overload_warnings

    capacity = np.tile([10_000.0, 4_000.0], (24, 1))
    schedule = capacity * 0.8
    schedule[5:8, 1] = 5_200.0  # the boiler house 1.2 MW over in 5–7 h
    schedule[6, 0] = 10_500.0  # the plant 0.5 MW over at 06:00
    sources = [SimpleNamespace(name="热电厂"), SimpleNamespace(name="锅炉房")]
    (warning,) = map(str, _schedule_overload_warnings(schedule, capacity, sources))
    # in all: over only at 06:00 (in 5 and 7 h the plant's spare covers the boiler house)
    assert warning.startswith("考虑输送延迟后，6 时热源出力超过可用能力，最多超 1.7 MW（06:00）")
    assert "热电厂（6 时，最多超 0.5 MW）" in warning
    assert "锅炉房（5–7 时，最多超 1.2 MW）" in warning
    assert _schedule_overload_warnings(capacity * 0.99, capacity, sources) == []


def test_the_new_warnings_read_in_english(plan_city, settings):
    from django.utils import translation

    settings.WENNUAN_PLAN_LIFT_BAR = 0.6
    NetworkPipe.objects.filter(company=plan_city.north).update(inner_diameter_m=0.12)
    temps = np.r_[np.full(72, -5.0), np.full(12, -5.0), np.full(12, 40.0)]
    # computed in Chinese (the worker's language), read in English: stored language-neutral
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, temps), now=NOW)
    open_proactive_orders(plan, now=NOW)
    with translation.override("en"):
        text = " ".join(map(str, Plan.objects.get(pk=plan.pk).warnings))
    assert "highest temperature, 40.0 °C" in text and "within one hour" in text
    assert "fixed at 0.6 bar by WENNUAN_PLAN_LIFT_BAR" in text
    assert not any(word in text for word in ("核对", "固定为", "不随", "一小时", "天气")), text
