"""PreparedNetwork.solve_loads with new flows for mass-controlled circulation pumps."""

import numpy as np
import pandas as pd
import pytest

from heatphys.network import Fluid, Network, SolverOptions, prepare, solve

RETURN = 100  # return-side junction id = supply id + RETURN
FLUID = Fluid.constant(1000.0, 1e-3, 4186.0)


def two_source_network(flow_pressure_b: float, mdot_b_kg_s: float) -> Network:
    """Supply ring 1-2-3-4-1 with plant A (pressure-controlled) at 1 and plant B
    (mass-controlled) at 3 via a spur 5-3; consumers at 2 and 4; the return side mirrors it."""
    supply = [(1, 2, 800.0), (2, 3, 600.0), (3, 4, 700.0), (4, 1, 900.0), (5, 3, 300.0)]
    pipes = []
    for i, (a, b, length_m) in enumerate(supply):
        common = {"length_m": length_m, "inner_diameter_m": 0.15, "roughness_m": 1e-4}
        pipes.append({"id": i, "from_junction": a, "to_junction": b, **common})
        pipes.append(
            {"id": i + 50, "from_junction": b + RETURN, "to_junction": a + RETURN, **common}
        )
    ids = [1, 2, 3, 4, 5]
    junctions = pd.DataFrame(
        {"height_m": [0.0, 4.0, 9.0, 2.0, 12.0] * 2}, index=ids + [j + RETURN for j in ids]
    )
    consumers = pd.DataFrame(
        {
            "from_junction": [2, 4],
            "to_junction": [2 + RETURN, 4 + RETURN],
            "heat_w": [3.0e6, 2.0e6],
            "delta_t_k": [40.0, 35.0],
        },
        index=["S2", "S4"],
    )
    circ = pd.DataFrame(
        {
            "return_junction": [1 + RETURN, 5 + RETURN],
            "flow_junction": [1, 5],
            "flow_pressure_bar": [6.0, flow_pressure_b],
            "lift_bar": [3.0, np.nan],
            "mass_flow_kg_s": [np.nan, mdot_b_kg_s],
            "flow_temp_c": [95.0, 90.0],
        },
        index=["A", "B"],
    )
    return Network(
        junctions=junctions,
        pipes=pd.DataFrame(pipes).set_index("id"),
        consumers=consumers,
        circ_pumps=circ,
        fluid=FLUID,
    )


OPTIONS = SolverOptions(check_feasibility=False, compute_delays=True)


def assert_same(warm, cold, skip_junctions=()):
    assert warm.converged and cold.converged
    np.testing.assert_allclose(warm.pipes.mdot_kg_s, cold.pipes.mdot_kg_s, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(
        warm.consumers.mdot_kg_s, cold.consumers.mdot_kg_s, rtol=1e-6, atol=1e-9
    )
    np.testing.assert_allclose(warm.circ_pumps.mdot_kg_s, cold.circ_pumps.mdot_kg_s, rtol=1e-6)
    np.testing.assert_allclose(warm.junctions.p_bar, cold.junctions.p_bar, rtol=1e-6)
    keep = ~warm.junctions.index.isin(skip_junctions)
    np.testing.assert_allclose(
        warm.junctions.t_c[keep], cold.junctions.t_c[keep], rtol=1e-6, atol=1e-6
    )


@pytest.mark.parametrize("flow_pressure_b", [6.0, np.nan], ids=["held", "free"])
def test_new_pump_flows_match_a_fresh_solve(flow_pressure_b):
    prepared = prepare(two_source_network(flow_pressure_b, 10.0), OPTIONS)
    first = prepared.solve()
    assert first.converged
    for mdot_b in (25.0, 4.0, 12.5):
        warm = prepared.solve_loads(pump_mass_flow_kg_s=[np.nan, mdot_b])
        cold = solve(two_source_network(flow_pressure_b, mdot_b), OPTIONS)
        assert_same(warm, cold)
        assert warm.circ_pumps.loc["B", "mdot_kg_s"] == pytest.approx(mdot_b)
    # a Series by id works too, and the pressure-controlled pump's entry is ignored
    by_id = prepared.solve_loads(pump_mass_flow_kg_s=pd.Series({"B": 25.0, "A": 1.0}))
    assert_same(by_id, solve(two_source_network(flow_pressure_b, 25.0), OPTIONS))


def test_free_flow_pressure_pump_moves_exactly_its_flow_and_zero_is_off():
    """With its flow pressure left free (only plant A holds the pressure) plant B feeds
    exactly its flow; at 0 it is off and A carries the whole load."""
    prepared = prepare(two_source_network(np.nan, 10.0), OPTIONS)
    prepared.solve()
    for mdot_b in (10.0, 0.0):
        result = prepared.solve_loads(pump_mass_flow_kg_s=[0.0, mdot_b])
        cold = solve(two_source_network(np.nan, mdot_b), OPTIONS)
        # (off, B's junction 5 is a dead end whose temperature is no longer fixed)
        assert_same(result, cold, skip_junctions=[5] if mdot_b == 0 else ())
        spur = result.pipes.loc[4, "mdot_kg_s"]  # 5 -> 3: what B sends into the network
        assert spur == pytest.approx(mdot_b, abs=1e-9)
        total = result.consumers.mdot_kg_s.sum()
        assert result.circ_pumps.loc["A", "mdot_kg_s"] == pytest.approx(total - mdot_b, rel=1e-9)
    off = result.circ_pumps.loc["B"]
    assert off.mdot_kg_s == 0.0 and off.heat_w == 0.0


def test_pump_flows_must_be_non_negative():
    prepared = prepare(two_source_network(np.nan, 10.0), OPTIONS)
    with pytest.raises(ValueError, match=">= 0"):
        prepared.solve_loads(pump_mass_flow_kg_s=[np.nan, -1.0])
    with pytest.raises(ValueError, match="expected 2 values"):
        prepared.solve_loads(pump_mass_flow_kg_s=[1.0])
