"""Generated networks are feasible at design load; re-solves with new consumer set-points
(ΔT, return temperature) match a cold solve of the changed network."""

import numpy as np
import pytest

from heatphys.network import Fluid, prepare, solve
from heatphys.network.generate import (
    SUBSTATION_DP_BAR,
    SUCTION_PRESSURE_BAR,
    design_lift_bar,
    generate_district_network,
)

FLUID = Fluid.constant(1000.0, 1e-3, 4186.0)


def water():
    pytest.importorskip("pandapipes")
    from heatphys.network.pandapipes_bridge import pandapipes_water_fluid

    return pandapipes_water_fluid()


def assert_feasible_at_design_load(net):
    res = solve(net)
    assert res.status == "converged", res.message
    dp = res.consumers.dp_bar
    # the pump leaves the farthest substation its own reserve plus a margin, and no
    # junction falls below the suction pressure
    assert dp.min() >= SUBSTATION_DP_BAR - 1e-6
    assert res.junctions.p_bar.min() >= SUCTION_PRESSURE_BAR - 1e-6
    return res


@pytest.mark.parametrize(
    ("n", "seed", "mode", "height_range_m"),
    [(30, 1, "QM", 20.0), (400, 2, "QTR", 0.0), (800, 3, "MIX", 20.0)],
)
def test_generated_networks_are_feasible_at_design_load(n, seed, mode, height_range_m):
    net = generate_district_network(
        n, seed=seed, fluid=FLUID, consumer_mode=mode, height_range_m=height_range_m
    )
    assert_feasible_at_design_load(net)


@pytest.mark.slow
@pytest.mark.parametrize("n", [10_000, 20_000])
def test_benchmark_sizes_are_feasible(n):
    """The benchmark's networks (flat, tabulated water): at 20,000 consumers the previous
    depth-based lift left 17,516 substations with a negative Δp."""
    net = generate_district_network(n, seed=0, fluid=water(), height_range_m=0.0)
    res = assert_feasible_at_design_load(net)
    # sized, not oversized: the tightest substation keeps less than the margin's share
    lift = float(net.circ_pumps.lift_bar.iloc[0])
    assert res.consumers.dp_bar.min() < SUBSTATION_DP_BAR + 0.35 * lift


def test_tree_drop_bounds_the_sized_lift():
    """The lift from the solved meshed network is never above the tree's estimate, and an
    explicit lift is kept as given."""
    net = generate_district_network(500, seed=4, fluid=FLUID, height_range_m=0.0)
    given = generate_district_network(500, seed=4, fluid=FLUID, height_range_m=0.0, lift_bar=2.5)
    assert float(given.circ_pumps.lift_bar.iloc[0]) == 2.5
    # one pipe of 1 km, DN100 at 10 kg/s: Swamee–Jain drop both ways, margin and reserve
    lift = design_lift_bar(
        np.array([0, 0]), np.array([10.0]), np.array([0.1]), np.array([1000.0]), FLUID, 90, 60
    )
    v = 10.0 / (1000.0 * np.pi * 0.1**2 / 4)
    re = v * 0.1 * 1000.0 / 1e-3
    lam = 0.25 / np.log10(1e-3 / 3.7 + 5.74 / re**0.9) ** 2
    drop_bar = 2 * lam * 1000.0 / 0.1 * 1000.0 * v**2 / 2 / 1e5
    assert lift == pytest.approx(np.ceil((1.3 * drop_bar + 1.0) * 10) / 10)
    assert float(net.circ_pumps.lift_bar.iloc[0]) <= 20.0


@pytest.mark.parametrize("mode", ["QTR", "MIX"])
def test_resolve_with_new_setpoints_matches_cold_solve(mode):
    """solve_loads with new ΔT / return temperatures uses them for the flows and for the
    temperatures alike (energy balance Q = c_p·ṁ·(T_supply − T_return) per substation)."""
    net = generate_district_network(15, n_loops=2, seed=6, fluid=FLUID, consumer_mode=mode)
    cons = net.consumers
    has_tr = cons.return_temp_c.notna()
    # give half of the return-temperature consumers a ΔT instead (mode QDT)
    qdt = has_tr & (np.arange(len(cons)) % 2 == 0)
    cons = cons.assign(
        delta_t_k=np.where(qdt, 25.0, np.nan),
        return_temp_c=np.where(qdt, np.nan, cons.return_temp_c),
    )
    net = net.replace(consumers=cons)
    compiled = prepare(net)
    assert compiled.solve().converged
    new_dt = np.where(qdt, 35.0, np.nan)
    new_tr = np.where(has_tr & ~qdt, 52.0, np.nan)
    warm = compiled.solve_loads(delta_t_k=new_dt, return_temp_c=new_tr)
    cold = solve(net.replace(consumers=cons.assign(delta_t_k=new_dt, return_temp_c=new_tr)))
    assert warm.converged and cold.converged, (warm.message, cold.message)
    for table, column, tol in (
        ("consumers", "mdot_kg_s", 1e-8),
        ("consumers", "t_return_c", 1e-6),
        ("junctions", "t_c", 1e-6),
        ("junctions", "p_bar", 1e-8),
    ):
        np.testing.assert_allclose(
            getattr(warm, table)[column], getattr(cold, table)[column], atol=tol, rtol=1e-8
        )
    c = warm.consumers
    np.testing.assert_allclose(c.t_supply_c[qdt] - c.t_return_c[qdt], 35.0, atol=1e-9)
    if (has_tr & ~qdt).any():
        np.testing.assert_allclose(c.t_return_c[has_tr & ~qdt], 52.0, atol=1e-9)
    heat = 4186.0 * c.mdot_kg_s * (c.t_supply_c - c.t_return_c)
    np.testing.assert_allclose(heat[has_tr], cons.heat_w[has_tr], rtol=1e-9)
