import numpy as np
import pytest
from scipy.optimize import linprog

from heatphys.allocation import allocate


def _lp_max_min(demand, cap, sub, sub_limit, a, k):
    """max T s.t. a_i + k_i q_i >= T, 0 <= q <= d, substation and total limits (HiGHS)."""
    need = np.flatnonzero(demand > 0)
    n = len(need)
    c = np.zeros(n + 1)
    c[-1] = -1.0
    rows, rhs = [], []
    for j, i in enumerate(need):
        row = np.zeros(n + 1)
        row[j] = -k[i]
        row[-1] = 1.0
        rows.append(row)
        rhs.append(a[i])
    for s in range(len(sub_limit)):
        row = np.zeros(n + 1)
        row[:n] = sub[need] == s
        rows.append(row)
        rhs.append(sub_limit[s])
    row = np.ones(n + 1)
    row[-1] = 0.0
    rows.append(row)
    rhs.append(cap)
    bounds = [(0, demand[i]) for i in need] + [(None, None)]
    res = linprog(c, A_ub=np.array(rows), b_ub=rhs, bounds=bounds, method="highs")
    assert res.status == 0
    return -res.fun, need


def _lp_max_total_at_level(demand, cap, sub, sub_limit, a, k, level):
    need = np.flatnonzero(demand > 0)
    lower = np.clip((level - a[need]) / k[need], 0, demand[need])
    rows = [(sub[need] == s).astype(float) for s in range(len(sub_limit))] + [np.ones(len(need))]
    res = linprog(
        -np.ones(len(need)),
        A_ub=np.array(rows),
        b_ub=list(sub_limit) + [cap],
        bounds=list(zip(lower - 1e-7, demand[need], strict=True)),
        method="highs",
    )
    assert res.status == 0
    return -res.fun


@pytest.mark.parametrize("seed", range(12))
def test_max_min_equals_highs_lp(seed):
    rng = np.random.default_rng(seed)
    n, n_sub, hours = 9, 3, 4
    demand = rng.uniform(50, 400, (hours, n))
    demand[0, 2] = 0.0  # a community that needs nothing this hour
    t_out = rng.uniform(-12, 5, (hours, 1))
    a = t_out + rng.uniform(0, 4, (hours, n))  # free gains differ between communities
    k = rng.uniform(0.8, 1.2, (hours, n)) * (18.0 - a) / np.where(demand > 0, demand, 1.0)
    sub = rng.integers(0, n_sub, n)
    sub[:n_sub] = np.arange(n_sub)
    sub_limit = rng.uniform(200, 1200, (hours, n_sub))
    capacity = rng.uniform(0.3, 1.1, (hours, 1)) * demand.sum(axis=1, keepdims=True)
    capacity = np.hstack([0.6 * capacity, 0.4 * capacity])  # two sources
    inputs = [x.copy() for x in (demand, capacity, sub, sub_limit, a, k)]

    result = allocate(demand, capacity, sub, sub_limit, a, k)

    for x, y in zip(inputs, (demand, capacity, sub, sub_limit, a, k), strict=True):
        np.testing.assert_array_equal(x, y)  # inputs untouched
    for h in range(hours):
        best, need = _lp_max_min(demand[h], capacity[h].sum(), sub, sub_limit[h], a[h], k[h])
        ours = result.min_indoor_temp_c[h]
        assert ours == pytest.approx(best, abs=1e-6)
        # Feasible ...
        q = result.heat_kw[h]
        assert np.all(q >= -1e-9) and np.all(q <= demand[h] + 1e-9)
        for s in range(n_sub):
            assert q[sub == s].sum() <= sub_limit[h, s] + 1e-6
        assert q.sum() <= capacity[h].sum() + 1e-6
        # ... and no heat withheld that could still be delivered at that level.
        most = _lp_max_total_at_level(
            demand[h], capacity[h].sum(), sub, sub_limit[h], a[h], k[h], best
        )
        assert q.sum() == pytest.approx(most, rel=1e-6, abs=1e-4)
        np.testing.assert_allclose(result.source_heat_kw[h].sum(), q.sum(), rtol=1e-9)
        assert np.all(result.source_heat_kw[h] <= capacity[h] + 1e-9)


def test_enough_capacity_everyone_gets_demand_and_surplus_stays():
    demand = np.array([[100.0, 200.0, 300.0], [50.0, 60.0, 70.0]])
    result = allocate(demand, [500.0, 500.0], outdoor_temp_c=np.array([-5.0, 2.0]))
    np.testing.assert_allclose(result.heat_kw, demand)
    np.testing.assert_allclose(result.indoor_temp_c, 18.0)
    np.testing.assert_allclose(result.source_heat_kw, [[500.0, 100.0], [180.0, 0.0]])
    np.testing.assert_allclose(result.shortfall_kw, 0.0)


def test_default_model_shares_shortage_to_a_common_temperature():
    result = allocate([[100.0, 200.0, 300.0]], [300.0], outdoor_temp_c=-5.0)
    # Half the demand → halfway between outdoor and target for everyone.
    np.testing.assert_allclose(result.heat_kw, [[50.0, 100.0, 150.0]])
    np.testing.assert_allclose(result.indoor_temp_c, 6.5)


def test_saturated_substation_passes_heat_to_the_others():
    result = allocate(
        [[100.0, 200.0, 300.0]],
        [400.0],
        community_substation=[0, 0, 1],
        substation_limit_kw=[1000.0, 150.0],
        outdoor_temp_c=-5.0,
    )
    assert result.heat_kw[0, 2] == pytest.approx(150.0)
    assert result.heat_kw[0, :2].sum() == pytest.approx(250.0)
    assert result.indoor_temp_c[0, 0] == pytest.approx(result.indoor_temp_c[0, 1])
    assert result.indoor_temp_c[0, 0] > result.indoor_temp_c[0, 2]


def test_vectorised_over_hours_equals_hour_by_hour():
    rng = np.random.default_rng(5)
    demand = rng.uniform(10, 100, (6, 20))
    cap = rng.uniform(300, 1500, (6, 2))
    sub = rng.integers(0, 4, 20)
    limit = rng.uniform(100, 600, (6, 4))
    t_out = rng.uniform(-10, 0, 6)
    whole = allocate(demand, cap, sub, limit, outdoor_temp_c=t_out)
    for h in range(6):
        one = allocate(
            demand[h : h + 1],
            cap[h : h + 1],
            sub,
            limit[h : h + 1],
            outdoor_temp_c=t_out[h : h + 1],
        )
        np.testing.assert_allclose(one.heat_kw[0], whole.heat_kw[h], atol=1e-9)
