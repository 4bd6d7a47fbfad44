from dataclasses import replace

import numpy as np
import pytest

from heatphys.curves import (
    FLOOR,
    RADIATOR,
    HeatingCurve,
    fit_heating_curve,
    relative_load_at_supply,
    setpoints,
)


@pytest.mark.parametrize("curve", [RADIATOR, FLOOR, replace(RADIATOR, regulation="quantity")])
def test_design_point_gives_design_temperatures(curve):
    sp = setpoints(curve.outdoor_design_c, curve)
    assert sp["supply_temp_c"] == pytest.approx(curve.design_supply_c, abs=1e-6)
    assert sp["return_temp_c"] == pytest.approx(curve.design_return_c, abs=1e-6)
    assert sp["relative_flow"] == pytest.approx(1.0, abs=1e-6)


def test_quality_formula_by_hand():
    # Heze radiator 75/50, t_w = 0 °C: Q = 18/22.9.
    q = 18.0 / 22.9
    expected_g = 18 + 0.5 * (75 + 50 - 36) * q ** (1 / 1.3) + 0.5 * 25 * q
    expected_h = 18 + 0.5 * (75 + 50 - 36) * q ** (1 / 1.3) - 0.5 * 25 * q
    sp = setpoints(np.array([0.0]), RADIATOR)
    assert sp["supply_temp_c"][0] == pytest.approx(expected_g, rel=1e-12)
    assert sp["return_temp_c"][0] == pytest.approx(expected_h, rel=1e-12)


def test_quality_curve_is_monotone_and_meets_room_temperature():
    t = np.linspace(-20, 17.5, 100)
    sp = setpoints(t, RADIATOR)
    assert np.all(np.diff(sp["supply_temp_c"]) < 0)
    assert np.all(sp["supply_temp_c"] > sp["return_temp_c"])
    assert np.all(sp["return_temp_c"] > RADIATOR.indoor_design_c)
    assert sp["supply_temp_c"][-1] < RADIATOR.indoor_design_c + 3


def test_quantity_regulation_heat_balance_and_emitter_law():
    curve = replace(RADIATOR, regulation="quantity")
    t = np.linspace(-4.9, 15, 50)
    sp = setpoints(t, curve)
    q = (18 - t) / 22.9
    assert np.all(sp["supply_temp_c"] == 75.0)
    # Heat carried by the water equals the relative load.
    carried = sp["relative_flow"] * (sp["supply_temp_c"] - sp["return_temp_c"]) / 25.0
    np.testing.assert_allclose(carried, q, rtol=1e-9)
    assert np.all(sp["return_temp_c"] > 18.0)
    assert np.all(np.diff(sp["relative_flow"]) < 0)


def test_minimum_supply_set_point_and_input_not_mutated():
    t = np.array([10.0, 15.0, 20.0])
    t_before = t.copy()
    sp = setpoints(t, replace(FLOOR, min_supply_c=30.0))
    assert np.all(sp["supply_temp_c"] >= 30.0)
    np.testing.assert_array_equal(t, t_before)


def test_invalid_design_rejected():
    with pytest.raises(ValueError):
        HeatingCurve(design_supply_c=40, design_return_c=50)
    with pytest.raises(ValueError):
        HeatingCurve(regulation="both")


def test_fit_recovers_design_parameters_from_noisy_operation():
    rng = np.random.default_rng(1)
    truth = HeatingCurve(82.0, 57.0, indoor_design_c=20.0, exponent_b=0.25, min_supply_c=38.0)
    t = rng.uniform(-12, 16, 2000)
    sp = setpoints(t, truth)
    supply = sp["supply_temp_c"] + rng.normal(0, 0.8, t.size)
    ret = sp["return_temp_c"] + rng.normal(0, 0.8, t.size)
    supply[:40] = 5.0  # sensor dropouts must not pull the fit (robust loss)
    fitted = fit_heating_curve(t, supply, ret)
    assert fitted.design_supply_c == pytest.approx(82.0, abs=1.5)
    assert fitted.design_return_c == pytest.approx(57.0, abs=1.5)
    assert fitted.min_supply_c == pytest.approx(38.0, abs=1.5)
    grid = np.linspace(-12, 16, 30)
    np.testing.assert_allclose(
        setpoints(grid, fitted)["supply_temp_c"], setpoints(grid, truth)["supply_temp_c"], atol=1.0
    )


@pytest.mark.parametrize("curve", [RADIATOR, FLOOR])
def test_supply_temperature_inverts_to_the_relative_load(curve):
    loads = np.array([0.2, 0.5, 0.93, 1.0, 1.2])
    outdoor_c = curve.indoor_design_c - loads * (curve.indoor_design_c - curve.outdoor_design_c)
    supply_c = setpoints(outdoor_c, curve)["supply_temp_c"]
    assert relative_load_at_supply(supply_c, curve) == pytest.approx(loads, abs=1e-7)
    # Below the lowest set-point nothing flows; far above the curve the answer is capped at 2.
    assert relative_load_at_supply([curve.indoor_design_c - 1, 200.0], curve) == pytest.approx(
        [0.0, 2.0], abs=1e-7
    )


def test_quantity_regulation_has_no_inverse_by_supply_temperature():
    with pytest.raises(ValueError):
        relative_load_at_supply(70.0, replace(RADIATOR, regulation="quantity"))
