"""Random district-heating networks for validation and benchmarks.

A supply tree grows from the plant; each supply junction feeds one substation into a mirrored
return tree. Extra pipes close loops in both trees. Pipes are sized from the peak flow they
carry (velocity ≤ ``v_design_m_s``), lengths follow the junction coordinates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .fluid import WATER_CONSTANT, Fluid
from .friction import friction_factor
from .model import Network
from .solver import SolverOptions, solve

__all__ = ["generate_district_network", "design_lift_bar", "DN_INNER_DIAMETERS_M"]

# inner diameters of common steel district-heating pipes DN20 … DN600, in m
DN_INNER_DIAMETERS_M = np.array(
    [
        0.0217,
        0.0285,
        0.0372,
        0.0431,
        0.0545,
        0.0703,
        0.0825,
        0.1071,
        0.1325,
        0.1603,
        0.2101,
        0.263,
        0.3127,
        0.3444,
        0.3938,
        0.4444,
        0.4954,
        0.5958,
    ]
)


# pump sizing of generated networks (see design_lift_bar)
LIFT_MARGIN = 1.3  # on the design friction drop: load peaks above design, loop detours
SUBSTATION_DP_BAR = 1.0  # differential pressure left for the farthest substation
SUCTION_PRESSURE_BAR = 1.5  # lowest gauge pressure (pump suction) at design load
ROUGHNESS_M = 1e-4


def design_lift_bar(
    parent, tree_mdot_kg_s, tree_diameter_m, tree_length_m, fluid, supply_temp_c, return_temp_c
) -> float:
    """Circulation pump lift (bar) that serves every substation of a tree at design load.

    The friction drop of each tree pipe at its design flow (Darcy–Weisbach, Swamee–Jain
    friction, roughness ``ROUGHNESS_M``; the supply pipe at the supply temperature, its
    mirrored return pipe at the return temperature) summed along the path from the plant
    gives each substation's supply-plus-return drop; the lift is the largest of them times
    ``LIFT_MARGIN`` plus ``SUBSTATION_DP_BAR``. Loop pipes only add parallel paths, so the
    tree's drop is the design case. (Sizing from the network depth at an assumed 150 Pa/m,
    as before, gave lifts far too small for large networks: their small end pipes run at
    several hundred Pa/m.)

    Parameters
    ----------
    parent : ndarray of int
        Parent of every tree node (node 0 the plant); tree pipe i−1 runs parent[i] → i.
    tree_mdot_kg_s, tree_diameter_m, tree_length_m : ndarray
        Design flow (kg/s), inner diameter (m) and length (m) of every tree pipe.
    """
    n = len(parent)
    area = np.pi * tree_diameter_m**2 / 4
    drop_pa = np.zeros(n - 1)
    for temp_c in (supply_temp_c, return_temp_c):
        rho = float(fluid.density(temp_c))
        eta = float(fluid.viscosity(temp_c))
        velocity = tree_mdot_kg_s / (rho * area)
        re = np.maximum(velocity * tree_diameter_m * rho / eta, 1.0)
        lam = friction_factor(re, ROUGHNESS_M / tree_diameter_m, "swamee-jain")[0]
        drop_pa += lam * tree_length_m / tree_diameter_m * rho * velocity**2 / 2
    path_pa = np.zeros(n)
    for i in range(1, n):  # parents have smaller numbers
        path_pa[i] = path_pa[parent[i]] + drop_pa[i - 1]
    return _round_up(LIFT_MARGIN * path_pa.max() / 1e5 + SUBSTATION_DP_BAR)


def generate_district_network(
    n_consumers: int,
    n_loops: int | None = None,
    seed: int = 0,
    fluid: Fluid = WATER_CONSTANT,
    supply_temp_c: float = 90.0,
    design_delta_t_k: float = 30.0,
    flow_pressure_bar: float | None = None,
    lift_bar: float | None = None,
    consumer_mode: str = "QM",
    u_w_per_m2k: float = 0.5,
    ambient_temp_c: float = 10.0,
    v_design_m_s: float = 1.0,
    height_range_m: float = 20.0,
) -> Network:
    """A random meshed supply/return network with ``n_consumers`` substations.

    Parameters
    ----------
    n_consumers : int
    n_loops : int, optional
        Extra pipes closing loops (in both supply and return); default n_consumers // 20.
    consumer_mode : {"QM", "QTR", "MIX"}
        "QM": heat and mass flow given; "QTR": heat and return temperature given;
        "MIX": alternating both.
    flow_pressure_bar : float, optional
        Pressure the circulation pump delivers (bar, gauge). Default: the lift plus
        ``SUCTION_PRESSURE_BAR`` plus the static head of the height range, so that no
        junction falls below that suction pressure at design load.
    lift_bar : float, optional
        Circulation pump lift (bar). Default: sized for the design load: the largest
        supply-plus-return pressure drop from the plant to a substation at design flows,
        times ``LIFT_MARGIN``, plus ``SUBSTATION_DP_BAR`` for the substation itself. The
        drop comes from one solve of the generated network (its flows do not depend on the
        lift), started at the tree's drop (:func:`design_lift_bar`), which stays the lift
        if that solve does not converge.
    height_range_m : float
        Junction heights are uniform in [0, height_range_m]. Hilly meshed networks make nearly
        stagnant loop pipes buoyancy-driven (their flow direction depends on their own
        temperature), which slows the thermal coupling of every solver.

    Returns
    -------
    Network
        Junctions 0…n−1 supply, n…2n−1 return (n = n_consumers + 1, junction 0 the plant);
        pipes 0…n−2 supply, then return, then loop pipes; consumers 0…n_consumers−1.
    """
    rng = np.random.default_rng(seed)
    n = n_consumers + 1
    n_loops = n_consumers // 20 if n_loops is None else n_loops
    parent = np.zeros(n, dtype=np.int64)
    xy = np.zeros((n, 2))
    for i in range(1, n):
        # favour recent nodes so the tree has long strands, as streets do
        lo = max(0, i - 30)
        parent[i] = rng.integers(lo, i) if rng.random() < 0.8 else rng.integers(0, i)
        angle = rng.uniform(0, 2 * np.pi)
        xy[i] = xy[parent[i]] + rng.uniform(20.0, 150.0) * np.array([np.cos(angle), np.sin(angle)])
    heat_w = rng.uniform(20e3, 250e3, n_consumers)
    cp = float(fluid.heat_capacity(supply_temp_c))
    mdot_c = heat_w / (cp * design_delta_t_k)
    # downstream flow per tree edge (child i -> edge i-1), children have larger ids
    down = np.zeros(n)
    down[1:] = mdot_c
    for i in range(n - 1, 0, -1):
        down[parent[i]] += down[i]
    rho = float(fluid.density(supply_temp_c))

    def size(mdot):
        need = np.sqrt(4 * np.maximum(mdot, 0.05) / (rho * np.pi * v_design_m_s))
        idx = np.searchsorted(DN_INNER_DIAMETERS_M, need)
        return DN_INNER_DIAMETERS_M[np.minimum(idx, len(DN_INNER_DIAMETERS_M) - 1)]

    child = np.arange(1, n)
    d_tree = size(down[child])
    len_tree = np.linalg.norm(xy[child] - xy[parent[child]], axis=1)
    # loops between a node and a near non-adjacent node
    loops_a, loops_b = [], []
    if n_loops and n > 3:
        cand = rng.choice(np.arange(1, n), size=min(n_loops * 3, n - 1), replace=False)
        for a in cand:
            dist = np.linalg.norm(xy - xy[a], axis=1)
            dist[[a, parent[a]]] = np.inf
            dist[parent == a] = np.inf
            b = int(np.argmin(dist))
            if np.isfinite(dist[b]) and (a, b) not in zip(loops_a, loops_b, strict=False):
                loops_a.append(int(a))
                loops_b.append(b)
            if len(loops_a) >= n_loops:
                break
    loops_a, loops_b = np.array(loops_a, int), np.array(loops_b, int)
    len_loop = np.maximum(np.linalg.norm(xy[loops_a] - xy[loops_b], axis=1), 10.0)
    d_loop = size(np.minimum(down[loops_a], down[loops_b]) * 0.5)
    height = rng.uniform(0.0, height_range_m, n)

    junctions = pd.DataFrame(
        {
            "height_m": np.concatenate([height, height]),
            "x_m": np.concatenate([xy[:, 0], xy[:, 0]]),
            "y_m": np.concatenate([xy[:, 1], xy[:, 1]]),
            "name": [f"S{i}" for i in range(n)] + [f"R{i}" for i in range(n)],
        }
    )
    from_s = np.concatenate([parent[child], loops_a])
    to_s = np.concatenate([child, loops_b])
    length = np.concatenate([len_tree, len_loop])
    d = np.concatenate([d_tree, d_loop])
    side = ["supply"] * len(from_s) + ["return"] * len(from_s)
    pipes = pd.DataFrame(
        {
            "from_junction": np.concatenate([from_s, to_s + n]),
            "to_junction": np.concatenate([to_s, from_s + n]),
            "length_m": np.concatenate([length, length]),
            "inner_diameter_m": np.concatenate([d, d]),
            "outer_diameter_m": np.concatenate([d, d]) * 2.0 + 0.05,
            "roughness_m": ROUGHNESS_M,
            "u_w_per_m2k": u_w_per_m2k,
            "side": side,
        }
    )
    # order: supply tree, return tree, supply loops, return loops
    nt = len(child)
    order = np.concatenate(
        [
            np.arange(nt),
            len(from_s) + np.arange(nt),
            nt + np.arange(len(loops_a)),
            len(from_s) + nt + np.arange(len(loops_a)),
        ]
    )
    pipes = pipes.iloc[order].reset_index(drop=True)
    cons = pd.DataFrame(
        {
            "from_junction": child,
            "to_junction": child + n,
            "heat_w": heat_w,
            "name": [f"C{i}" for i in range(n_consumers)],
        }
    )
    if consumer_mode == "QM":
        cons["mass_flow_kg_s"] = mdot_c
    elif consumer_mode == "QTR":
        cons["return_temp_c"] = supply_temp_c - design_delta_t_k
    elif consumer_mode == "MIX":
        qm = np.arange(n_consumers) % 2 == 0
        cons["mass_flow_kg_s"] = np.where(qm, mdot_c, np.nan)
        cons["return_temp_c"] = np.where(qm, np.nan, supply_temp_c - design_delta_t_k)
    else:
        raise ValueError(f"unknown consumer_mode {consumer_mode!r}")
    size_lift = lift_bar is None
    if size_lift:
        lift_bar = design_lift_bar(
            parent,
            down[child],
            d_tree,
            len_tree,
            fluid,
            supply_temp_c,
            supply_temp_c - design_delta_t_k,
        )
    static_bar = float(fluid.density(supply_temp_c)) * 9.81 * height_range_m / 1e5

    def build(lift):
        flow_p = flow_pressure_bar
        if flow_p is None:
            flow_p = _round_up(lift + SUCTION_PRESSURE_BAR + static_bar)
        circ = pd.DataFrame(
            {
                "return_junction": [n],
                "flow_junction": [0],
                "flow_pressure_bar": [flow_p],
                "lift_bar": [lift],
                "flow_temp_c": [supply_temp_c],
                "name": ["plant"],
            }
        )
        return Network(
            junctions=junctions,
            pipes=pipes,
            consumers=cons,
            circ_pumps=circ,
            fluid=fluid,
            ambient_temp_c=ambient_temp_c,
            name=f"generated-{n_consumers}-seed{seed}",
        )

    net = build(lift_bar)
    if size_lift:
        # The tree's drop over-estimates a meshed network, whose loops relieve the overloaded
        # trunks (several times over at 10,000 consumers). With the substation flows given,
        # the flows do not depend on the lift, so one solve at the tree's lift gives the
        # network's own largest supply-plus-return drop; size the lift from that.
        res = solve(net, SolverOptions(check_feasibility=False, compute_delays=False))
        dp_bar = res.consumers["dp_bar"].to_numpy(dtype=float) if res.converged else None
        if dp_bar is not None and len(dp_bar) and np.isfinite(dp_bar).all():
            drop_bar = max(lift_bar - float(dp_bar.min()), 0.0)
            sized = _round_up(LIFT_MARGIN * drop_bar + SUBSTATION_DP_BAR)
            if sized < lift_bar:
                net = build(sized)
    return net


def _round_up(bar: float) -> float:
    """Up to the next 0.1 bar."""
    return float(np.ceil(bar * 10 - 1e-9) / 10)
