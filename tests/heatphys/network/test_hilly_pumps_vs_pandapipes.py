"""Hilly networks of each component type, written by pandapipes, read back with
``read_pandapipes_json`` and solved by both with their defaults (issue 20).

Each generated network (junction heights uniform in 0-20 m) is built in pandapipes
(``to_pandapipes``), saved with ``pandapipes.to_json`` and read back; heatphys then solves the
file without naming a friction model, and pandapipes 0.16 runs ``pipeflow`` with its defaults
but tight tolerances (bidirectional, tabulated water). Both therefore use Nikuradse, and the
result must say so. Component types:

* a pressure-controlled circulation pump whose return junction stands 9 m above, or 6 m
  below, its flow junction (pandapipes: a branch with the water column across it);
* a mass-controlled circulation pump whose return junction stands 9 m above its flow
  junction (flow pressure fixed; the return pressure held by a pressure source, as a
  mass-controlled pump sets none — with a second, pressure-controlled plant beside it
  pandapipes fixes the flow pressure *and* the flow, one equation too many, and never
  converges);
* a flow control in parallel with a pipe that climbs or falls;
* a heat exchanger (pandapipes ``heat_exchanger``: ζ, diameter, fixed ``qext_w``) and a
  junction-to-junction valve (``create_valve(..., et="ju")``), each in front of a supply pipe
  and climbing 5 m, written by pandapipes and read back from its file (issue 20).

Tolerances as the flat cross-check (test_random_vs_pandapipes.py): pressures within 1e-3 of
the largest pressure, pipe flows within 1e-3 (relative, at least a tenth of a median
substation's flow), temperatures within 0.05 K. Measured: pressures agree to ~1e-7 bar,
temperatures to ~1e-4 K. Cases where pandapipes does not converge are skipped with a
message (none in this set with pandapipes 0.16).
"""

import numpy as np
import pandas as pd
import pytest

from heatphys.network import SolverOptions, read_pandapipes_json, solve
from heatphys.network.generate import generate_district_network

pandapipes = pytest.importorskip("pandapipes")
from pandapipes.pf.pipeflow_setup import PipeflowNotConverged  # noqa: E402

from heatphys.network.pandapipes_bridge import pandapipes_water_fluid, to_pandapipes  # noqa: E402

KELVIN = 273.15


def hilly(n, seed, mode):
    return generate_district_network(
        n, seed=seed, fluid=pandapipes_water_fluid(), consumer_mode=mode, height_range_m=20.0
    )


def pump_return_offset(net, dz_m):
    """The plant's return junction moved ``dz_m`` above its flow junction. A return below
    the flow junction raises the whole return side by its water column, so the pump gets
    that much more lift (else the generated lift no longer drives every substation)."""
    j = net.junctions.copy()
    circ = net.circ_pumps.copy()
    cp = circ.iloc[0]
    j.loc[cp.return_junction, "height_m"] = j.loc[cp.flow_junction, "height_m"] + dz_m
    if dz_m < 0:
        circ["lift_bar"] += np.ceil(-dz_m * 1000 * 9.81 / 1e4) / 10
    return net.replace(junctions=j, circ_pumps=circ)


def mass_pump(net, dz_m):
    """The plant as a mass-controlled pump moving the substations' total flow (QM mode), its
    return junction ``dz_m`` above its flow junction and held at the flow pressure less the
    lift by a pressure source (a mass-controlled pump sets no return pressure)."""
    j = net.junctions.copy()
    circ = net.circ_pumps.copy()
    cp = circ.iloc[0]
    j.loc[cp.return_junction, "height_m"] = j.loc[cp.flow_junction, "height_m"] + dz_m
    hold = pd.DataFrame(
        {"junction": [cp.return_junction], "pressure_bar": [cp.flow_pressure_bar - cp.lift_bar]}
    )
    circ["mass_flow_kg_s"] = float(net.consumers.mass_flow_kg_s.sum())
    circ["lift_bar"] = np.nan
    return net.replace(junctions=j, circ_pumps=circ, pressure_sources=hold)


def parallel_flow_control(net):
    """A flow control beside the supply pipe into the leaf substation with the largest
    height difference, carrying half that substation's flow (QM mode)."""
    pipes, j, cons = net.pipes, net.junctions, net.consumers
    supply = pipes[pipes.side == "supply"]
    into = supply.groupby("to_junction").size()
    out = supply.groupby("from_junction").size()
    leaves = [
        c
        for c in cons.index
        if into.get(cons.from_junction[c], 0) == 1 and out.get(cons.from_junction[c], 0) == 0
    ]
    dz = {
        c: abs(
            j.height_m[supply[supply.to_junction == cons.from_junction[c]].from_junction.iloc[0]]
            - j.height_m[cons.from_junction[c]]
        )
        for c in leaves
    }
    leaf = max(dz, key=dz.get)
    pipe = supply[supply.to_junction == cons.from_junction[leaf]].iloc[0]
    fc = pd.DataFrame(
        {
            "from_junction": [pipe.from_junction],
            "to_junction": [pipe.to_junction],
            "mass_flow_kg_s": [0.5 * float(cons.mass_flow_kg_s[leaf])],
        },
        index=[0],
    )
    return net.replace(flow_controls=fc)


def _split_leaf_supply_pipe(net, rank, rise_m):
    """A new junction ``rise_m`` above the from-junction of the supply pipe into the
    ``rank``-th leaf substation (by id); the pipe now starts there. Returns the network, the
    pipe's old from-junction, the new junction and the substation's mass flow (QM mode)."""
    pipes, j, cons = net.pipes, net.junctions, net.consumers
    supply = pipes[pipes.side == "supply"]
    out = supply.groupby("from_junction").size()
    leaves = [c for c in cons.index if out.get(cons.from_junction[c], 0) == 0]
    leaf = sorted(leaves)[rank]
    pid = supply[supply.to_junction == cons.from_junction[leaf]].index[0]
    start = pipes.from_junction[pid]
    new = int(j.index.max()) + 1
    j = pd.concat([j, j.loc[[start]].set_axis([new])])
    j.loc[new, "height_m"] = j.height_m[start] + rise_m
    pipes = pipes.copy()
    pipes.loc[pid, "from_junction"] = new
    net = net.replace(junctions=j, pipes=pipes)
    return net, start, new, float(cons.mass_flow_kg_s[leaf]), float(pipes.inner_diameter_m[pid])


def heat_exchanger_in_supply(net):
    """A heat exchanger taking 2 K of its substation's flow (ζ = 4) in front of the supply
    pipe into the first leaf substation, climbing 5 m, and one *adding* 1 K to the second."""
    rows = []
    for rank, kelvin in ((0, 2.0), (1, -1.0)):
        net, start, new, mdot, d = _split_leaf_supply_pipe(net, rank, 5.0)
        rows.append(
            {
                "from_junction": start,
                "to_junction": new,
                "inner_diameter_m": d,
                "loss_coefficient": 4.0,
                "heat_w": mdot * 4180.0 * kelvin,
            }
        )
    return net.replace(heat_exchangers=pd.DataFrame(rows, index=[3, 7]))


def valve_in_supply(net):
    """An open junction-to-junction valve (ζ = 2) in front of the supply pipe into a leaf
    substation, climbing 5 m, and a closed one beside it."""
    net, start, new, _, d = _split_leaf_supply_pipe(net, 0, 5.0)
    valves = pd.DataFrame(
        {
            "from_junction": [start, start],
            "to_junction": [new, new],
            "inner_diameter_m": [d, d],
            "loss_coefficient": [2.0, 2.0],
            "opened": [True, False],
        },
        index=[0, 1],
    )
    return net.replace(valves=valves)


CASES = {
    "pressure pump, return 9 m above flow": lambda s: pump_return_offset(hilly(30, s, "QM"), 9.0),
    "pressure pump, return 6 m below flow": lambda s: pump_return_offset(hilly(30, s, "QTR"), -6.0),
    "mass pump, return 9 m above flow": lambda s: mass_pump(hilly(30, s, "QM"), 9.0),
    "flow control beside a hilly pipe": lambda s: parallel_flow_control(hilly(30, s, "QM")),
    "heat exchangers in hilly supply lines": lambda s: heat_exchanger_in_supply(hilly(30, s, "QM")),
    "junction valves in a hilly supply line": lambda s: valve_in_supply(hilly(30, s, "QM")),
}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3, 4])
@pytest.mark.parametrize("case", list(CASES))
def test_hilly_component_matches_pandapipes(case, seed, tmp_path):
    net = CASES[case](seed)
    ref = to_pandapipes(net)
    path = tmp_path / "net.json"
    pandapipes.to_json(ref, str(path))
    ours = solve(read_pandapipes_json(path))
    assert ours.converged, ours.message
    assert ours.friction_model == "nikuradse"
    try:
        pandapipes.pipeflow(
            ref,
            mode="bidirectional",
            iter=100,
            max_iter_hyd=100,
            max_iter_therm=100,
            tol_p=1e-9,
            tol_m=1e-9,
            tol_T=1e-7,
        )
    except PipeflowNotConverged:
        pytest.skip(f"{case}, seed {seed}: pandapipes does not converge")
    p_ref = ref.res_junction.p_bar.to_numpy()
    p_err = np.abs(ours.junctions.p_bar.to_numpy() - p_ref) / np.abs(p_ref).max()
    m_ref = ref.res_pipe.mdot_from_kg_per_s.to_numpy()
    floor = 0.1 * np.median(ref.res_heat_consumer.mdot_from_kg_per_s.abs().to_numpy())
    m_err = np.abs(ours.pipes.mdot_kg_s.to_numpy() - m_ref) / np.maximum(np.abs(m_ref), floor)
    t_err = np.abs(ours.junctions.t_c.to_numpy() - (ref.res_junction.t_k.to_numpy() - KELVIN))
    print(f"{case} seed {seed}: p {p_err.max():.1e} m {m_err.max():.1e} T {t_err.max():.1e} K")
    assert p_err.max() < 1e-3, p_err.max()
    assert m_err.max() < 1e-3, m_err.max()
    assert t_err.max() < 0.05, t_err.max()
    if len(net.heat_exchangers):
        hx_ref = ref.res_heat_exchanger
        np.testing.assert_allclose(
            ours.heat_exchangers.mdot_kg_s, hx_ref.mdot_from_kg_per_s, rtol=1e-4
        )
        np.testing.assert_allclose(ours.heat_exchangers.t_out_c, hx_ref.t_to_k - KELVIN, atol=0.05)
    if len(net.valves):
        np.testing.assert_allclose(
            ours.valves.mdot_kg_s.fillna(0.0),
            ref.res_valve.mdot_from_kg_per_s.fillna(0.0),
            atol=1e-6,
        )
    if len(net.flow_controls):
        np.testing.assert_allclose(
            ours.pipes.mdot_kg_s.sum(), ref.res_pipe.mdot_from_kg_per_s.sum(), rtol=1e-6
        )


def test_pump_return_pressure_follows_the_water_column():
    """Constant water, no flow resistance on the pump: the return pressure is the flow pressure
    less the lift less ρ·g·Δz (plus the small change of air pressure), and the reported lift
    is the given one, as pandapipes' circ_pump_pressure."""
    from heatphys.network import Fluid
    from heatphys.network.solver import atmospheric_pressure_bar

    net = generate_district_network(
        8, seed=1, fluid=Fluid.constant(980.0, 4e-4, 4190.0), height_range_m=10.0
    )
    flat = solve(net, SolverOptions(friction_model="colebrook"))
    raised = solve(pump_return_offset(net, 9.0), SolverOptions(friction_model="colebrook"))
    cp = net.circ_pumps.iloc[0]
    z_flow = net.junctions.height_m[cp.flow_junction]
    z_ret_flat = net.junctions.height_m[cp.return_junction]
    expected = (
        cp.flow_pressure_bar
        - cp.lift_bar
        + atmospheric_pressure_bar(z_flow)
        - atmospheric_pressure_bar(z_flow + 9.0)
        - 980.0 * 9.81 * 9.0 / 1e5
    )
    assert raised.junctions.p_bar[cp.return_junction] == pytest.approx(expected, abs=1e-9)
    assert raised.circ_pumps.lift_bar.iloc[0] == pytest.approx(cp.lift_bar, abs=1e-9)
    assert flat.circ_pumps.lift_bar.iloc[0] == pytest.approx(cp.lift_bar, abs=1e-9)
    assert z_ret_flat == z_flow  # the generator puts both at one height
    assert raised.friction_model == flat.friction_model == "colebrook"
