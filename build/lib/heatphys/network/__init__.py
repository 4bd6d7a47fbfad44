"""Steady-state district-heating network: model, solver, readers (pure numpy/scipy/pandas).

Public API::

    from heatphys.network import Network, solve, prepare, SolverOptions
    net = read_pandapipes_json("net.json")          # or read_network_json / Network(...)
    result = solve(net, SolverOptions(friction_model="colebrook"))
    result.junctions.p_bar, result.pipes.mdot_kg_s, result.converged

    compiled = prepare(net)                         # reuse for many load cases
    day = [compiled.solve_loads(heat_w=row) for row in heat_w_24_by_n]
"""

from .fluid import WATER_CONSTANT, Fluid, Property
from .io import read_network_json, read_pandapipes_json, result_to_dict, write_network_json
from .model import Network, NetworkError
from .solver import NotConvergedError, PreparedNetwork, Result, SolverOptions, prepare, solve

__all__ = [
    "Fluid",
    "Property",
    "WATER_CONSTANT",
    "Network",
    "NetworkError",
    "NotConvergedError",
    "PreparedNetwork",
    "Result",
    "SolverOptions",
    "prepare",
    "solve",
    "read_network_json",
    "read_pandapipes_json",
    "write_network_json",
    "result_to_dict",
]
