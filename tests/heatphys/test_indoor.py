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


# --- solar gain, internal-gain schedule, heat to hold a target (issue 20) -------------------
import pandas as pd  # noqa: E402

from heatphys.indoor import heat_to_hold_indoor  # noqa: E402
from heatphys.solar import clear_sky_ghi_w_m2, cloudy_sky_ghi_w_m2, solar_zenith_cos  # noqa: E402


def _weather(days=40, seed=11):
    rng = np.random.default_rng(seed)
    hours = 24 * days
    t_out = 3 + 5 * np.sin(np.arange(hours) / 24 * 2 * np.pi / 7) + rng.normal(0, 1, hours)
    q = np.clip(300 + rng.normal(0, 80, hours) - 20 * t_out, 0, None)
    idx = pd.date_range("2025-02-01", periods=hours, freq="h")
    cloud = np.repeat(rng.uniform(0, 1, days), 24)
    sun = cloudy_sky_ghi_w_m2(idx, cloud)
    return rng, t_out, q, sun, idx


def test_without_sun_the_model_is_unchanged():
    """Pinned from the model before the solar term (commit 6193bc9's indoor.py, same data):
    fit and prediction without ``solar_w_m2`` are the same to the last digit."""
    rng = np.random.default_rng(11)
    hours = 24 * 40
    t_out = 3 + 5 * np.sin(np.arange(hours) / 24 * 2 * np.pi / 7) + rng.normal(0, 1, hours)
    q = np.clip(300 + rng.normal(0, 80, hours) - 20 * t_out, 0, None)
    truth = IndoorParameters(0.05, 70.0, 30.0)
    t_in = simulate_indoor(truth, t_out, q, 20.0) + rng.normal(0, 0.1, hours)
    t_in[rng.choice(hours, hours // 2, replace=False)] = np.nan
    m = IndoorModel().fit(t_in, t_out, q)
    assert m.params.resistance_k_per_kw == pytest.approx(0.05008153311492797, rel=1e-9)
    assert m.params.time_constant_h == pytest.approx(70.00146930439027, rel=1e-9)
    assert m.params.gain_kw == pytest.approx(29.255934299641464, rel=1e-9)
    assert m.params.aperture_m2 == 0.0
    np.testing.assert_array_equal(
        m.predict(t_out, q, 19.0), simulate_indoor(m.params, t_out, q, 19.0)
    )


def test_fitted_aperture_explains_sunny_days():
    rng, t_out, q, sun, _ = _weather()
    truth = IndoorParameters(0.05, 70.0, 20.0, aperture_m2=120.0)
    t_true = simulate_indoor(truth, t_out, q, 20.0, solar_w_m2=sun)
    t_in = t_true + rng.normal(0, 0.05, t_out.size)
    with_sun = IndoorModel().fit(t_in, t_out, q, solar_w_m2=sun)
    without = IndoorModel().fit(t_in, t_out, q)
    assert with_sun.params.aperture_m2 == pytest.approx(120.0, rel=0.15)
    err_sun = np.mean(np.abs(with_sun.predict(t_out, q, 20.0, solar_w_m2=sun) - t_true))
    err_without = np.mean(np.abs(without.predict(t_out, q, 20.0) - t_true))
    assert err_sun < 0.05 and err_sun < 0.5 * err_without
    assert with_sun.solar_check["decision"] == "kept"
    assert with_sun.solar_check["with_sun"] < with_sun.solar_check["without_sun"]


def test_aperture_without_evidence_is_dropped():
    """Radiation that the rooms do not respond to (here: another place's days) gives no
    aperture: the check on the training data's own alternate weeks drops it."""
    rng, t_out, q, sun, _ = _weather()
    truth = IndoorParameters(0.05, 70.0, 20.0)
    t_in = simulate_indoor(truth, t_out, q, 20.0) + rng.normal(0, 0.05, t_out.size)
    unrelated = np.roll(sun, 24 * 9)
    model = IndoorModel().fit(t_in, t_out, q, solar_w_m2=unrelated)
    assert model.solar_check["decision"] == "dropped"
    assert model.params.aperture_m2 == 0.0
    unchecked = IndoorModel(check_solar=False).fit(t_in, t_out, q, solar_w_m2=unrelated)
    assert unchecked.solar_check is None


def test_gain_schedule_shapes_the_internal_gain():
    rng, t_out, q, _, idx = _weather()
    schedule = np.where((idx.hour >= 17) & (idx.hour <= 22), 2.0, 0.8)[:24]
    schedule = np.roll(schedule, -idx[0].hour)
    model = IndoorModel(IndoorParameters(0.05, 70.0, 30.0), gain_schedule=schedule)
    flat = IndoorModel(IndoorParameters(0.05, 70.0, 30.0))
    shaped = model.predict(t_out, q, 20.0, hour_of_day=idx.hour)
    assert not np.allclose(shaped, flat.predict(t_out, q, 20.0))
    assert np.mean(shaped) == pytest.approx(np.mean(flat.predict(t_out, q, 20.0)), abs=0.05)
    truth_t = shaped + rng.normal(0, 0.05, t_out.size)
    fitted = IndoorModel(gain_schedule=schedule).fit(truth_t, t_out, q, hour_of_day=idx.hour)
    assert fitted.params.gain_kw == pytest.approx(30.0, rel=0.15)
    with pytest.raises(ValueError, match="hour_of_day"):
        model.predict(t_out, q, 20.0)
    with pytest.raises(ValueError, match="24 finite factors"):
        IndoorModel(gain_schedule=[1.0] * 23)


def test_sunny_mild_day_needs_less_heat_and_rooms_stay_warm():
    params = IndoorParameters(0.05, 70.0, 20.0, aperture_m2=150.0)
    idx = pd.date_range("2025-03-12", periods=48, freq="h")
    t_out = 6.0 + 5.0 * np.sin((idx.hour.to_numpy() - 9) / 24 * 2 * np.pi)
    sun = cloudy_sky_ghi_w_m2(idx, np.zeros(48))
    heat_sun, indoor_sun = heat_to_hold_indoor(params, 18.0, t_out, solar_w_m2=sun)
    heat_dark, indoor_dark = heat_to_hold_indoor(params, 18.0, t_out)
    assert heat_sun.sum() < 0.9 * heat_dark.sum()
    assert (
        heat_sun[(idx.hour >= 11) & (idx.hour <= 14)]
        < heat_dark[(idx.hour >= 11) & (idx.hour <= 14)]
    ).all()
    # the plan's rooms, simulated with the sun, never fall below the target
    check = simulate_indoor(params, t_out, heat_sun, 18.0, solar_w_m2=sun)
    assert check.min() >= 18.0 - 1e-9
    np.testing.assert_allclose(check, indoor_sun, atol=1e-9)
    assert indoor_dark.min() >= 18.0 - 1e-9
    # in a steady cold spell without sun it is the steady heat
    steady, _ = heat_to_hold_indoor(params, 18.0, np.full(10, -5.0))
    np.testing.assert_allclose(
        steady, IndoorModel(params).heat_for(18.0, np.full(10, -5.0), np.zeros(10))
    )
    # a cap leaves the rooms below the target, and says so through the temperatures
    capped, indoor_capped = heat_to_hold_indoor(params, 18.0, np.full(48, -10.0), max_heat_kw=300.0)
    assert capped.max() <= 300.0 and indoor_capped[-1] < 18.0


def test_sun_position_and_clear_sky():
    # solar noon at the March equinox at 45°N on the Greenwich meridian: elevation ≈ 45°
    noon = pd.DatetimeIndex(["2025-03-20 12:07"])
    assert np.degrees(np.arccos(solar_zenith_cos(noon, 45.0, 0.0)))[0] == pytest.approx(45, abs=1)
    night = pd.DatetimeIndex(["2025-03-20 00:00"])
    assert clear_sky_ghi_w_m2(night, 45.0, 0.0)[0] == 0.0
    ghi = clear_sky_ghi_w_m2(noon, 45.0, 0.0)[0]
    assert 650 < ghi < 800  # Haurwitz at 45° elevation: 1098·0.707·e^(−0.081) ≈ 716
    idx = pd.DatetimeIndex(["2025-03-20 12:00"])
    assert cloudy_sky_ghi_w_m2(idx, [1.0])[0] == pytest.approx(
        0.25 * cloudy_sky_ghi_w_m2(idx, [0.0])[0]
    )


def test_sun_fitted_model_used_without_radiation_warns():
    """Issue 20 (outsider): a model fitted with sun and asked without ``solar_w_m2`` counted
    the sun as zero in silence; now it warns (zeros say "no sun" on purpose, no warning),
    and a model without aperture stays silent as before."""
    import warnings

    from heatphys.indoor import SolarInputMissingWarning

    rng, t_out, q, sun, _ = _weather()
    truth = IndoorParameters(0.05, 70.0, 20.0, aperture_m2=120.0)
    t_in = simulate_indoor(truth, t_out, q, 20.0, solar_w_m2=sun) + rng.normal(0, 0.05, t_out.size)
    with_sun = IndoorModel().fit(t_in, t_out, q, solar_w_m2=sun)
    assert with_sun.params.aperture_m2 > 0
    with pytest.warns(SolarInputMissingWarning, match="solar aperture of .* m²"):
        sunless = with_sun.predict(t_out, q, 20.0)
    np.testing.assert_array_equal(sunless, with_sun.predict(t_out, q, 20.0, solar_w_m2=0 * sun))
    with pytest.warns(SolarInputMissingWarning, match="heat_for"):
        with_sun.heat_for(18.0, t_out)
    with pytest.warns(SolarInputMissingWarning, match="steady_state_coefficients"):
        with_sun.steady_state_coefficients(t_out)
    without = IndoorModel().fit(t_in, t_out, q)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with_sun.predict(t_out, q, 20.0, solar_w_m2=sun)
        with_sun.predict(t_out, q, 20.0, solar_w_m2=np.zeros_like(sun))
        without.predict(t_out, q, 20.0)
        without.heat_for(18.0, t_out)
