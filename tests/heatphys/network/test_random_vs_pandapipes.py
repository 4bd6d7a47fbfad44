"""Random district-heating networks solved by heatphys and by pandapipes (bidirectional mode,
tabulated water): pressures within 0.1 %, flows within 0.1 %, temperatures within 0.05 K."""

import numpy as np
import pytest

from heatphys.network import SolverOptions, solve
from heatphys.network.generate import generate_district_network

pandapipes = pytest.importorskip("pandapipes")
from heatphys.network.pandapipes_bridge import pandapipes_water_fluid, to_pandapipes  # noqa: E402

KELVIN = 273.15
# Known open issue: these generated networks contain nearly stagnant loop pipes whose flow
# direction depends on their own temperature (through viscosity/density); pandapipes'
# bidirectional mode fails on 1000/2000 and heatphys' damped fixed point on 5000. Not strict
# so that a fix shows up as XPASS.
_STAGNANT = pytest.mark.xfail(
    reason="thermal coupling at stagnant loop pipes (open issue)", strict=False
)


def compare(n_consumers, seed, mode):
    net = generate_district_network(
        n_consumers, seed=seed, fluid=pandapipes_water_fluid(), consumer_mode=mode
    )
    ours = solve(net, SolverOptions(friction_model="colebrook"))
    assert ours.converged, ours.message
    ref = to_pandapipes(net)
    pandapipes.pipeflow(
        ref,
        mode="bidirectional",
        friction_model="colebrook",
        iter=100,
        max_iter_hyd=100,
        max_iter_therm=100,
        tol_p=1e-9,
        tol_m=1e-9,
        tol_T=1e-7,
    )
    p_ref = ref.res_junction.p_bar.to_numpy()
    # relative to the pressure level (gauge pressures pass through zero on return lines)
    p_err = np.abs(ours.junctions.p_bar.to_numpy() - p_ref) / np.abs(p_ref).max()
    m_ref = ref.res_pipe.mdot_from_kg_per_s.to_numpy()
    m_err = np.abs(ours.pipes.mdot_kg_s.to_numpy() - m_ref) / np.maximum(np.abs(m_ref), 1e-2)
    t_err = np.abs(ours.junctions.t_c.to_numpy() - (ref.res_junction.t_k.to_numpy() - KELVIN))
    c_err = np.abs(
        ours.consumers.mdot_kg_s.to_numpy() - ref.res_heat_consumer.mdot_from_kg_per_s.to_numpy()
    )
    assert p_err.max() < 1e-3, p_err.max()
    assert m_err.max() < 1e-3, m_err.max()
    assert t_err.max() < 0.05, t_err.max()
    assert (c_err / ref.res_heat_consumer.mdot_from_kg_per_s.abs().to_numpy()).max() < 1e-3
    return p_err.max(), m_err.max(), t_err.max()


@pytest.mark.parametrize(("n", "seed", "mode"), [(10, 1, "QM"), (40, 2, "QTR"), (60, 3, "MIX")])
def test_small_random_networks(n, seed, mode):
    compare(n, seed, mode)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("n", "seed", "mode"),
    [
        (300, 4, "MIX"),
        pytest.param(1000, 5, "QM", marks=_STAGNANT),
        pytest.param(2000, 6, "QTR", marks=_STAGNANT),
        pytest.param(5000, 7, "QM", marks=_STAGNANT),
    ],
)
def test_large_random_networks(n, seed, mode):
    compare(n, seed, mode)
