"""Random district-heating networks for validation and benchmarks.

A supply tree grows from the plant; each supply junction feeds one substation into a mirrored
return tree. Extra pipes close loops in both trees. Pipes are sized from the peak flow they
carry (velocity ≤ ``v_design_m_s``), lengths follow the junction coordinates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .fluid import WATER_CONSTANT, Fluid
from .model import Network

__all__ = ["generate_district_network", "DN_INNER_DIAMETERS_M"]

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


def generate_district_network(
    n_consumers: int,
    n_loops: int | None = None,
    seed: int = 0,
    fluid: Fluid = WATER_CONSTANT,
    supply_temp_c: float = 90.0,
    design_delta_t_k: float = 30.0,
    flow_pressure_bar: float = 6.0,
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
    lift_bar : float, optional
        Circulation pump lift; default sized from the network depth.
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
            "roughness_m": 1e-4,
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
    if lift_bar is None:
        depth = np.zeros(n)
        for i in range(1, n):
            depth[i] = depth[parent[i]] + len_tree[i - 1]
        # ~150 Pa/m design gradient both ways plus 1 bar for the substations
        lift_bar = float(2 * 150.0 * depth.max() / 1e5 + 1.0)
    circ = pd.DataFrame(
        {
            "return_junction": [n],
            "flow_junction": [0],
            "flow_pressure_bar": [flow_pressure_bar],
            "lift_bar": [lift_bar],
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
