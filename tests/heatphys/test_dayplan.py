"""heatphys.dayplan: the plan's physics out of Django (solar gain, the sunless balance, the
equivalent outdoor temperature, the primary curve's exponent as a parameter)."""

import numpy as np
import pytest

from heatphys.curves import RADIATOR, HeatingCurve, relative_load, setpoints
from heatphys.dayplan import (
    equivalent_outdoor_c,
    heat_less_sun_kw,
    override_heat_kw,
    primary_curve,
    size_pump_lift_bar,
    solar_gain_kw,
    source_supply_temp_c,
)


def test_solar_gain_is_aperture_times_radiation_in_kw():
    gain = solar_gain_kw([100.0, 300.0], [0.0, 500.0, np.nan, -3.0])
    assert gain.shape == (4, 2)
    np.testing.assert_allclose(gain[1], [50.0, 150.0])  # 100 m² × 500 W/m² = 50 kW
    assert not gain[[0, 2, 3]].any()


def test_heat_less_sun_never_negative():
    np.testing.assert_allclose(heat_less_sun_kw([100.0, 20.0], [30.0, 50.0]), [70.0, 0.0])


def test_equivalent_outdoor_inverts_the_relative_load():
    t_out = np.array([-4.9, 0.0, 8.0])
    design_kw = 1000.0
    heat = relative_load(t_out, RADIATOR) * design_kw
    np.testing.assert_allclose(equivalent_outdoor_c(heat, design_kw, RADIATOR), t_out, atol=1e-9)


def test_the_primary_exponent_is_a_parameter():
    low_b = primary_curve(120.0, 60.0, -4.9, exponent_b=0.1)
    high_b = primary_curve(120.0, 60.0, -4.9)  # default 0.3
    assert high_b.exponent_b == 0.3 and low_b.exponent_b == 0.1
    half = np.array([0.5])
    assert source_supply_temp_c(half, high_b, 130.0)[0] != pytest.approx(
        source_supply_temp_c(half, low_b, 130.0)[0]
    )
    assert source_supply_temp_c(np.array([2.0]), high_b, 130.0)[0] == 130.0  # capped


def test_override_heat_is_the_curve_inverted():
    curve = HeatingCurve(design_supply_c=75.0, design_return_c=50.0, outdoor_design_c=-4.9)
    supply = float(setpoints(np.array([0.0]), curve)["supply_temp_c"][0])
    override = np.array([[supply, np.nan]])
    heat = override_heat_kw(override, [curve, curve], np.array([1000.0, 1000.0]))
    assert heat[0, 0] == pytest.approx(relative_load(np.array([0.0]), curve)[0] * 1000.0, rel=1e-6)
    assert np.isnan(heat[0, 1])


def test_pump_lift_covers_the_worst_consumer_plus_its_need_rounded_up():
    # probe 10 bar leaves the worst consumer 3.24 bar: the loss is 6.76 bar; + 0.5 + 0.3
    assert size_pump_lift_bar(10.0, [5.0, 3.24, 4.1], 0.5, 0.3) == 7.6
    assert size_pump_lift_bar(10.0, [9.5], 0.5, 0.0) == 1.0
