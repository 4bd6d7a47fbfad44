import numpy as np
import pytest

from heatphys.allocation import allocate
from heatphys.indoor import IndoorModel, IndoorParameters, simulate_indoor


def _fine_euler(params, t_out, q, t0, substeps=2000):
    c = params.time_constant_h / params.resistance_k_per_kw
    temp, out = t0, [t0]
    for to, qq in zip(t_out[:-1], q[:-1], strict=True):
        for _ in range(substeps):
            temp += (qq + params.gain_kw - (temp - to) / params.resistance_k_per_kw) / c / substeps
        out.append(temp)
    return np.array(out)


def test_exact_discretisation_matches_the_ode():
    rng = np.random.default_rng(0)
    p = IndoorParameters(0.05, 30.0, 20.0)
    t_out = rng.uniform(-10, 5, 48)
    q = rng.uniform(0, 500, 48)
    np.testing.assert_allclose(
        simulate_indoor(p, t_out, q, 19.0), _fine_euler(p, t_out, q, 19.0), atol=2e-3
    )


def test_design_parameters_hold_design_temperature():
    p = IndoorParameters.from_design(1000.0)
    m = IndoorModel(p)
    out = m.predict(np.full(2000, -4.9), np.full(2000, 1000.0), 10.0)
    assert out[-1] == pytest.approx(18.0, abs=0.05)
    assert m.heat_for(18.0, -4.9) == pytest.approx(1000.0)


def test_calibration_recovers_parameters_from_sparse_visits():
    rng = np.random.default_rng(3)
    truth = IndoorParameters(0.04, 80.0, 60.0)
    hours = 24 * 60
    t_out = 2 + 6 * np.sin(np.arange(hours) / 24 * 2 * np.pi / 5) + rng.normal(0, 1, hours)
    q = np.clip(400 + rng.normal(0, 120, hours) + 100 * (np.arange(hours) % 24 < 16), 0, None)
    t_in = simulate_indoor(truth, t_out, q, 20.0) + rng.normal(0, 0.1, hours)
    visits = np.full(hours, np.nan)
    idx = rng.choice(hours, 300, replace=False)
    visits[idx] = t_in[idx]
    m = IndoorModel(segment_h=24 * 15).fit(visits, t_out, q)
    assert m.params.resistance_k_per_kw == pytest.approx(0.04, rel=0.15)
    assert m.params.time_constant_h == pytest.approx(80.0, rel=0.3)
    pred = m.predict(t_out, q, 20.0)
    assert np.mean(np.abs(pred - simulate_indoor(truth, t_out, q, 20.0))) < 0.3


def test_steady_state_coefficients_feed_allocation():
    m = IndoorModel(IndoorParameters(0.02, 50.0, 100.0))
    a, k = m.steady_state_coefficients(np.array([[-5.0, -5.0]]))
    demand = m.heat_for(18.0, np.array([[-5.0, -5.0]]))
    res = allocate(demand, [demand.sum() / 2], None, None, a, k)
    assert res.min_indoor_temp_c[0] < 18.0
    np.testing.assert_allclose(res.indoor_temp_c, res.min_indoor_temp_c[0])
