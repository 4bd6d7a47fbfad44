"""Steady-state hydraulics and temperatures of a district-heating network.

Hydraulics
    Every pipe, valve and curve pump is a branch b from junction i to j with mass flow ṁ_b
    (kg/s, positive from i to j) obeying

        p_i − p_j + ρ·g·(z_i − z_j)/10⁵ + Δp_pump(ṁ) − (λ·L/D + ζ)·ṁ|ṁ| / (2·ρ·A²·10⁵) = 0

    with pressures in bar (Darcy–Weisbach; λ from :mod:`.friction`). Consumers, flow controls
    and mass-controlled circulation pumps carry a given mass flow. Continuity holds at every
    junction; pressure sources and circulation pumps fix the pressure of their junctions.
    Pressures are gauge (relative to the local atmosphere, barometric formula), so the
    equation is written in absolute pressures p + p_atm(z). The system is solved with the
    Global Gradient Algorithm (Todini & Pilati 1988; EPANET): Newton's method on (ṁ, p) with
    the branch flows eliminated, leaving one symmetric positive-definite sparse system
    Aᵀ·D⁻¹·A·Δp = r per iteration over the free junctions. Its sparsity pattern is built once
    in :func:`prepare`; each iteration only refills the numbers and refactorises them with
    QDLDL's sparse LDLᵀ, whose AMD ordering and symbolic analysis are done once (SciPy's
    SuperLU in a minimum-degree order found once is the fallback).

Temperatures
    Along a pipe with heat-transfer coefficient U (W/(m²·K), outer surface π·D_o·L) the
    temperature decays exponentially towards the ambient temperature,

        T_out = T_amb + (T_in − T_amb)·exp(−U·π·D_o·L / (c_p·|ṁ|)),

    and junctions mix their inflows by mass (c_p·ṁ-weighted energy balance). With the flow
    directions known this linear system is triangular in flow order (upstream junctions
    first): one sweep along the flow, O(branches). The order comes from the strongly
    connected components of the flow graph and is kept while the directions allow it.
    Consumers take their heat (``heat_w``) or impose a return temperature or a temperature
    drop. Temperature-dependent fluid properties and heat-controlled consumers (whose mass
    flow is Q/(c_p·ΔT)) couple both parts: the temperatures are swept after every Newton step
    and the properties and consumer flows updated from them, so flows and temperatures
    settle together (pandapipes' "bidirectional" mode solves the same equations
    simultaneously). Once the flows have settled, the temperature updates are scaled by
    Aitken's dynamic relaxation, which damps the oscillation and speeds up the creep that
    nearly stagnant, buoyancy-driven loop pipes otherwise cause.

    In hilly meshed networks a nearly stagnant pipe's outlet temperature, and with it its
    density and the buoyancy term of its own equation, can follow its small flow so closely
    that the flows never settle: the plain alternation cycles between two states, or a pair
    of loop pipes turns back and forth (the upwind density jumps with the flow direction).
    A solve that has not converged after ``_STRUGGLE_STEPS`` Newton steps therefore relaxes
    every temperature update from then on (Aitken's ω from 0.3, kept within [0.05, 1]) and
    accepts water circulating round a loop (a thermosiphon between parallel pipes) as part
    of the answer. The equations, and so the converged answer, are the same; networks that
    converge in the usual 4–10 steps never reach this phase.

Re-solves
    :meth:`PreparedNetwork.solve_loads` starts from the previous solution (flows, pressures,
    temperatures, friction factors, flow order, factorisation), so an hour of a day plan
    typically takes three to five Newton steps.

Transport delay
    The time water takes from a source to each junction at the solved flows: the same mixing
    system with the pipe residence times ρ·A·L/|ṁ| in place of the heat loss (flow-weighted
    mean age of the water arriving at a junction).

References
----------
Todini, E., Pilati, S. (1988). A gradient algorithm for the analysis of pipe networks. In
Computer Applications in Water Supply, Vol. 1, 1–20. Research Studies Press.
Rossman, L. A. (2000). EPANET 2 Users Manual, Appendix D. U.S. EPA.
Lohmeier, D. et al. (2020). Pandapipes: An open-source piping grid calculation package for
multi-energy grid simulations. Sustainability 12(23), 9899.
Stellato, B. et al. (2020). OSQP: an operator splitting solver for quadratic programs.
Math. Prog. Comp. 12, 637–672 (QDLDL).
Irons, B. M., Tuck, R. C. (1969). A version of the Aitken accelerator for computer
iteration. Int. J. Numer. Meth. Eng. 1(3), 275–277.
Küttler, U., Wall, W. A. (2008). Fixed-point fluid–structure interaction solvers with dynamic
relaxation. Comput. Mech. 43, 61–72.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import splu, spsolve, spsolve_triangular

try:  # SuperLU's triangular solve, used directly by _solve_unit_lower
    from scipy.sparse.linalg._dsolve import _superlu
except ImportError:  # pragma: no cover
    _superlu = None

try:  # sparse LDLᵀ with a reusable symbolic factorisation (OSQP's QDLDL); optional
    import qdldl as _qdldl
except ImportError:  # pragma: no cover - scipy's SuperLU is the fallback
    _qdldl = None

from .friction import FRICTION_MODELS, friction_factor
from .model import Network, NetworkError

__all__ = ["SolverOptions", "Result", "PreparedNetwork", "prepare", "solve", "NotConvergedError"]

GRAVITY_M_S2 = 9.81  # as pandapipes, so heights agree to the last digit
PA_PER_BAR = 1e5
PUMP_REFERENCE_TEMP_C = 0.0  # pump curves are read in volume flow at 0 °C density (pandapipes)

DEFAULT_FRICTION_MODEL = "colebrook"
"""Friction model of a network that does not name its own (``Network.friction_model``)."""

_PIPE, _VALVE, _PUMP, _HEAT_EXCHANGER = 0, 1, 2, 3
LINEAR_SOLVERS = ("auto", "qdldl", "superlu")


def atmospheric_pressure_bar(height_m):
    """Air pressure at ``height_m`` by the barometric formula of the international standard
    atmosphere: p = 1.01325·(1 − 0.0065·h/288.15)^5.255 bar."""
    return 1.01325 * np.power(1.0 - np.asarray(height_m, float) * 0.0065 / 288.15, 5.255)


class NotConvergedError(RuntimeError):
    """Raised by :meth:`Result.raise_for_status`; carries the result."""

    def __init__(self, result: Result):
        super().__init__(result.message)
        self.result = result


@dataclass(frozen=True)
class SolverOptions:
    """Options of :func:`solve` (frozen).

    Attributes
    ----------
    friction_model : {None, "colebrook", "nikuradse", "swamee-jain"}
        None (default): the network's own (``Network.friction_model``: "nikuradse" for a
        pandapipes file, as pandapipes' ``pipeflow`` defaults to it), else "colebrook".
        ``Result.friction_model`` says which one was used.
    max_iterations : int
        Newton (GGA) steps per solve, each followed by a temperature sweep when flows and
        temperatures are coupled. A coupled solve that has entered the relaxed phase (see the
        module docstring) may take up to three times as many.
    tol_pressure_bar, tol_mass_flow_kg_s : float
        Hydraulic convergence: every branch equation residual (bar) and every junction's
        continuity residual (kg/s) at most this, or the last Newton step changed no pressure
        and no flow by more.
    max_outer_iterations : int
        Unused since flows and temperatures settle in one loop (kept so that existing callers
        passing it still work).
    tol_temp_k : float
        Thermal convergence: the last temperature sweep moved no junction by more (K).
    check_feasibility : bool
        Report consumers whose supply–return pressure difference is below
        ``min_consumer_dp_bar``, pumps run past their curve and consumers whose supply is not
        warmer than their return temperature as an "infeasible" (not converged) result.
    min_consumer_dp_bar : float
    compute_delays : bool
        Compute transport delays (one more sweep along the flow).
    linear_solver : {"auto", "qdldl", "superlu"}
        Factorisation of the pressure system: QDLDL's sparse LDLᵀ (symbolic analysis and
        AMD ordering once, numeric refactorisation each step) when installed ("auto"), else
        SciPy's SuperLU in a fill-reducing order found once.
    """

    friction_model: str | None = None
    max_iterations: int = 100
    tol_pressure_bar: float = 1e-9
    tol_mass_flow_kg_s: float = 1e-9
    max_outer_iterations: int = 50
    tol_temp_k: float = 1e-6
    check_feasibility: bool = True
    min_consumer_dp_bar: float = 0.0
    compute_delays: bool = True
    linear_solver: str = "auto"

    def __post_init__(self):
        if self.friction_model is not None and self.friction_model not in FRICTION_MODELS:
            raise ValueError(f"friction_model must be one of {FRICTION_MODELS}")
        if self.linear_solver not in LINEAR_SOLVERS:
            raise ValueError(f"linear_solver must be one of {LINEAR_SOLVERS}")


@dataclass(frozen=True)
class Result:
    """Outcome of a solve (frozen). Tables are indexed by the input element ids.

    Attributes
    ----------
    converged : bool
        True when the solve converged and (with ``check_feasibility``) the state is feasible.
    status : {"converged", "not_converged", "infeasible"}
    iterations : int
        Total Newton iterations (all outer steps).
    outer_iterations : int
    residual_norm : float
        Largest branch pressure residual (bar) and continuity residual (kg/s) at the end.
    message : str
    junctions : DataFrame
        ``p_bar``, ``t_c``, ``delay_s``.
    pipes : DataFrame
        ``v_mean_m_s``, ``mdot_kg_s``, ``t_out_c`` (at the downstream end), ``t_from_c``,
        ``t_to_c``, ``p_from_bar``, ``p_to_bar``, ``reynolds``, ``lambda``, ``transit_time_s``,
        ``heat_loss_w``.
    valves, pumps : DataFrame
        ``mdot_kg_s`` (pumps also ``lift_bar``).
    heat_exchangers : DataFrame
        ``mdot_kg_s``, ``heat_w``, ``t_from_c``, ``t_to_c``, ``t_out_c``, ``p_from_bar``,
        ``p_to_bar``.
    consumers : DataFrame
        ``mdot_kg_s``, ``heat_w``, ``t_supply_c``, ``t_return_c``, ``dp_bar`` (supply minus
        return pressure), ``delay_s`` (transport delay from the source to the supply junction).
    circ_pumps : DataFrame
        ``mdot_kg_s``, ``heat_w``, ``t_return_c``, ``lift_bar`` (the pump's pressure rise
        as pandapipes' ``plift``: absolute flow minus return pressure less the water column
        between the two junctions, so a pump whose junctions stand at one height lifts
        exactly flow minus return pressure).
    problems : tuple of str
    culprits : dict
        Table name → ids of elements named in ``problems``.
    friction_model : str
        The friction model the solve used (see ``SolverOptions.friction_model``).

    The tables are built from the solver's arrays on first access and then kept.
    """

    converged: bool
    status: str
    iterations: int
    outer_iterations: int
    residual_norm: float
    message: str
    problems: tuple = ()
    culprits: dict = field(default_factory=dict)
    friction_model: str = DEFAULT_FRICTION_MODEL
    # table name -> function building its DataFrame on first access (re-solves for a day
    # plan often read one table of 24 results, so the others are never built)
    _builders: dict = field(default_factory=dict, repr=False, compare=False)

    def _table(self, name: str) -> pd.DataFrame:
        cache = self.__dict__.setdefault("_tables", {})
        if name not in cache:
            cache[name] = self._builders[name]()
        return cache[name]

    @property
    def junctions(self) -> pd.DataFrame:
        return self._table("junctions")

    @property
    def pipes(self) -> pd.DataFrame:
        return self._table("pipes")

    @property
    def valves(self) -> pd.DataFrame:
        return self._table("valves")

    @property
    def pumps(self) -> pd.DataFrame:
        return self._table("pumps")

    @property
    def heat_exchangers(self) -> pd.DataFrame:
        return self._table("heat_exchangers")

    @property
    def consumers(self) -> pd.DataFrame:
        return self._table("consumers")

    @property
    def circ_pumps(self) -> pd.DataFrame:
        return self._table("circ_pumps")

    def raise_for_status(self) -> Result:
        """Raise :class:`NotConvergedError` unless converged; returns self otherwise."""
        if not self.converged:
            raise NotConvergedError(self)
        return self


@dataclass(frozen=True)
class _FlowOrder:
    """A topological order of the junctions along the flow and the mixing system's pattern."""

    rank: np.ndarray  # junction -> position
    nodes: np.ndarray  # position -> junction
    edges: np.ndarray  # flowing branches (indices into the stacked branch arrays)
    slot: np.ndarray  # diagonal entries then branches -> CSC data slot
    indices: np.ndarray
    indptr: np.ndarray
    nnz: int
    # the upstream junction of every branch and the kept (flowing) ones it was made for: the
    # same arrays again mean the same order without checking it (downstream junctions follow
    # from the upstream ones, each branch having two ends)
    up: np.ndarray | None = None
    keep: np.ndarray | None = None


def _solve_unit_lower(data, indices, indptr, rhs):
    """Solve L·x = rhs for a unit lower-triangular CSC matrix L (diagonal stored as ones).

    Calls SuperLU's triangular solve directly, as ``spsolve_triangular`` does after copying
    and checking its argument (that overhead is most of the cost for small networks); falls
    back to the public function if SciPy's internals differ.
    """
    n = len(rhs)
    try:
        x, info = _superlu.gstrs(
            "N",
            n,
            len(data),
            data,
            indices,
            indptr,
            n,
            0,
            _EMPTY_F,
            _EMPTY_I,
            np.zeros(n + 1, dtype=indptr.dtype),
            np.array(rhs, dtype=float),
        )
        if info == 0:
            return x
    except (AttributeError, TypeError, ValueError):
        pass
    mat = sp.csc_matrix((data, indices, indptr), shape=(n, n))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return spsolve_triangular(mat, rhs, lower=True, unit_diagonal=True)


_EMPTY_F = np.zeros(0)
_ONES = {}


def _ones(n: int) -> np.ndarray:
    """A read-only vector of n ones, made once per size."""
    arr = _ONES.get(n)
    if arr is None:
        arr = np.ones(n)
        arr.flags.writeable = False
        _ONES[n] = arr
    return arr


# A coupled solve (flows and temperatures) that has not converged after this many Newton steps
# relaxes every temperature update from then on (see _solve); most networks converge in 4-10
# steps and never get there. The relaxation factor starts at _STRUGGLE_W0, stays within
# [_STRUGGLE_W_MIN, 1], and the solve may then take up to _STRUGGLE_BUDGET × max_iterations
# Newton steps in all (such solves converge linearly, one temperature sweep per step).
_STRUGGLE_STEPS = 12
_STRUGGLE_W0 = 0.3
_STRUGGLE_W_MIN = 0.05
_STRUGGLE_BUDGET = 3
_ZERO_LIFT = 0.0  # no curve pumps: the lift term of every branch equation is zero
_EMPTY_I = np.zeros(0, dtype=np.int32)


def _col(df: pd.DataFrame, name: str, dtype=float) -> np.ndarray:
    return df[name].to_numpy(dtype=dtype)


_COLUMN_INDEXES = {}


def _column_index(names: tuple) -> pd.Index:
    """The column Index of a result table, built once per set of names (building an Index
    from strings infers its dtype each time, which cost more than the table's numbers)."""
    index = _COLUMN_INDEXES.get(names)
    if index is None:
        index = _COLUMN_INDEXES[names] = pd.Index(names)
    return index


def _abs_max(x: np.ndarray) -> float:
    """max |x| (0 for an empty array)."""
    return float(np.abs(x).max()) if x.size else 0.0


def _in_service(df: pd.DataFrame, extra: str | None = None) -> pd.DataFrame:
    """The rows in service (and ``extra`` true, e.g. valves ``opened``); the table itself
    when that is every row (boolean row selection copies the table, which cost more than the
    rest of compiling a small network)."""
    mask = df["in_service"].to_numpy(dtype=bool)
    if extra is not None:
        mask = mask & df[extra].to_numpy(dtype=bool)
    return df if mask.all() else df[mask]


class PreparedNetwork:
    """A network compiled for repeated solves (topology, patterns, orderings, warm start).

    Build with :func:`prepare`. :meth:`solve_loads` re-solves with new consumer loads, reusing
    everything that does not change and starting from the previous solution.
    """

    def __init__(self, network: Network, options: SolverOptions | None = None):
        self.network = network
        options = options or SolverOptions()
        if options.friction_model is None:
            # the caller did not choose: the network's own (pandapipes files: what pipeflow
            # would use), so a file means the same here as in the tool it came from
            options = replace(
                options, friction_model=network.friction_model or DEFAULT_FRICTION_MODEL
            )
        self.options = options
        self._lam_prev = None  # last friction factors: Colebrook's warm start
        self._last_order = None
        self._compile()
        self._state = None

    # ------------------------------------------------------------------ compile
    def _compile(self):
        net = self.network
        j = net.junctions
        self.junction_ids = j.index
        n = len(j)
        self.n_nodes = n

        def nodes(df, column):
            # junction ids -> positions (the Network validated that every id exists)
            if not len(df):
                return np.zeros(0, np.int64)
            return j.index.get_indexer(df[column].to_numpy()).astype(np.int64)

        amb = float(net.ambient_temp_c)
        # -- resistive branches: pipes, open valves, curve pumps ----------------------------
        p = _in_service(net.pipes)
        v = _in_service(net.valves, "opened")
        u = _in_service(net.pumps)
        # heat exchangers are valves (length 0, ζ) that take a fixed heat, as in pandapipes
        x = _in_service(net.heat_exchangers)
        self._pipe_ids, self._valve_ids, self._pump_ids = p.index, v.index, u.index
        self._heat_exchanger_ids = x.index
        kind = np.concatenate(
            [
                np.full(len(p), _PIPE),
                np.full(len(v), _VALVE),
                np.full(len(u), _PUMP),
                np.full(len(x), _HEAT_EXCHANGER),
            ]
        )
        f = np.concatenate(
            [
                nodes(p, "from_junction"),
                nodes(v, "from_junction"),
                nodes(u, "from_junction"),
                nodes(x, "from_junction"),
            ]
        ).astype(np.int64)
        t = np.concatenate(
            [
                nodes(p, "to_junction"),
                nodes(v, "to_junction"),
                nodes(u, "to_junction"),
                nodes(x, "to_junction"),
            ]
        ).astype(np.int64)
        nb = len(kind)
        d = np.concatenate(
            [
                _col(p, "inner_diameter_m"),
                _col(v, "inner_diameter_m"),
                np.full(len(u), 0.1),
                _col(x, "inner_diameter_m"),
            ]
        )
        do = np.concatenate(
            [
                np.where(
                    np.isnan(_col(p, "outer_diameter_m")),
                    _col(p, "inner_diameter_m"),
                    _col(p, "outer_diameter_m"),
                ),
                np.zeros(len(v) + len(u) + len(x)),
            ]
        )
        others = len(v) + len(u) + len(x)
        length = np.concatenate([_col(p, "length_m"), np.zeros(others)])
        k = np.concatenate([_col(p, "roughness_m"), np.zeros(others)])
        zeta = np.concatenate(
            [
                _col(p, "loss_coefficient"),
                _col(v, "loss_coefficient"),
                np.zeros(len(u)),
                _col(x, "loss_coefficient"),
            ]
        )
        uval = np.concatenate([_col(p, "u_w_per_m2k"), np.zeros(others)])
        # heat taken from the water by each branch (W): only heat exchangers take any
        self.b_heat_w = np.concatenate([np.zeros(nb - len(x)), _col(x, "heat_w")])
        t_amb = np.concatenate([_col(p, "ambient_temp_c"), np.full(others, amb)])
        t_amb = np.where(np.isnan(t_amb), amb, t_amb)
        area = np.pi * d**2 / 4
        height = _col(j, "height_m")
        self.height_m = height
        self.b_from, self.b_to, self.b_kind = f, t, kind
        self.b_d, self.b_area, self.b_length, self.b_zeta = d, area, length, zeta
        self.b_kd = np.where(kind == _PIPE, k / np.where(d > 0, d, 1.0), 0.0)
        self.b_fric = (kind == _PIPE) & (length > 0)
        self.b_dz = height[f] - height[t]
        # Pressures are gauge, relative to the local atmosphere, which is lower uphill: the
        # branch equation works in absolute pressure (as pandapipes does).
        p_atm = atmospheric_pressure_bar(height)
        self.b_datm = p_atm[f] - p_atm[t]
        # heat loss conductance U·π·D_o·L in W/K
        self.b_ua = uval * np.pi * do * length
        self.b_tamb = t_amb
        coeffs = [np.atleast_1d(np.asarray(c, dtype=float)) for c in u.curve_coefficients]
        deg = max((len(c) for c in coeffs), default=1)
        curve = np.zeros((len(u), deg))
        for i, c in enumerate(coeffs):
            curve[i, deg - len(c) :] = c
        self.pump_curve = curve
        self.pump_rows = np.flatnonzero(kind == _PUMP)

        # -- fixed-flow branches: consumers, flow controls, mass-controlled circ pumps ------
        c = _in_service(net.consumers)
        self._consumer_ids = c.index
        self.c_from, self.c_to = nodes(c, "from_junction"), nodes(c, "to_junction")
        modes = net.consumer_modes()
        if len(c) < len(net.consumers):
            modes = modes[net.consumers["in_service"].to_numpy(dtype=bool)]
        self.c_mode = modes
        self.c_heat = _col(c, "heat_w")
        self.c_mdot = _col(c, "mass_flow_kg_s")
        self.c_dt = _col(c, "delta_t_k")
        self.c_tr = _col(c, "return_temp_c")
        # the values of the solve in progress (solve_loads may replace them for one solve)
        self.c_dt_now, self.c_tr_now = self.c_dt, self.c_tr
        fc = _in_service(net.flow_controls)
        self._fc_ids = fc.index
        self.fc_from, self.fc_to = nodes(fc, "from_junction"), nodes(fc, "to_junction")
        self.fc_mdot = _col(fc, "mass_flow_kg_s")

        cp_ = _in_service(net.circ_pumps)
        self._cp_ids = cp_.index
        self.cp_ret, self.cp_flow = nodes(cp_, "return_junction"), nodes(cp_, "flow_junction")
        self.cp_pflow = _col(cp_, "flow_pressure_bar")
        self.cp_lift = _col(cp_, "lift_bar")
        self.cp_mdot = _col(cp_, "mass_flow_kg_s")
        self.cp_tflow = _col(cp_, "flow_temp_c")
        self.cp_mass_ctrl = ~np.isnan(self.cp_mdot)

        # -- fixed injections --------------------------------------------------------------
        s = np.zeros(n)
        for table, sign in (("sinks", -1.0), ("sources", 1.0)):
            df = _in_service(getattr(net, table))
            if len(df):
                s += sign * np.bincount(
                    nodes(df, "junction"), _col(df, "mass_flow_kg_s"), minlength=n
                )
        self.s_fixed = s

        # -- boundary conditions -----------------------------------------------------------
        p_fix = np.full(n, np.nan)
        t_fix = np.full(n, np.nan)
        ps = _in_service(net.pressure_sources)

        def set_fixed(arr, where, values, what):
            for node, val in zip(where, values, strict=True):
                if np.isnan(val):
                    continue
                if not np.isnan(arr[node]) and not np.isclose(arr[node], val):
                    raise NetworkError(
                        f"junction {self.junction_ids[node]}: conflicting fixed "
                        f"{what} {arr[node]} and {val}",
                        {"junctions": [self.junction_ids[node]]},
                    )
                arr[node] = val

        set_fixed(p_fix, nodes(ps, "junction"), _col(ps, "pressure_bar"), "pressure")
        set_fixed(t_fix, nodes(ps, "junction"), _col(ps, "temp_c"), "temperature")
        set_fixed(p_fix, self.cp_flow, self.cp_pflow, "pressure")
        # A pressure-controlled circulation pump is a branch from its return to its flow
        # junction (pandapipes' circ_pump_pressure): its lift is the rise of absolute
        # pressure less the water column between the two junctions, so the return pressure
        # follows from the flow pressure, the lift and the heights (_circ_return_pressure).
        p_atm_j = atmospheric_pressure_bar(self.height_m)
        self.cp_dz = self.height_m[self.cp_ret] - self.height_m[self.cp_flow]
        self.cp_datm = p_atm_j[self.cp_flow] - p_atm_j[self.cp_ret]
        self._cp_p_ctrl = np.flatnonzero(~self.cp_mass_ctrl)
        # the return pressure depends on the (return) water's density only across a height
        self._cp_p_follow = bool(
            np.any(self.cp_dz[self._cp_p_ctrl] != 0) and not net.fluid.density.is_constant
        )
        set_fixed(
            p_fix,
            self.cp_ret[~self.cp_mass_ctrl],
            self._circ_return_pressure(self.cp_tflow, self.cp_tflow)[~self.cp_mass_ctrl],
            "pressure",
        )
        # (without the circulation pumps' supply temperatures: solve_loads re-applies them,
        # leaving out a mass-controlled pump given no flow)
        self._t_fix_no_cp = t_fix.copy()
        set_fixed(t_fix, self.cp_flow, self.cp_tflow, "temperature")
        self.t_fix = t_fix

        # -- topology: every island carrying flow needs a pressure reference ---------------
        graph = sp.coo_matrix((np.ones(nb), (f, t)), shape=(n, n)).tocsr()
        n_comp, label = connected_components(graph, directed=False)
        has_ref = np.zeros(n_comp, bool)
        has_ref[label[~np.isnan(p_fix)]] = True
        loaded = np.zeros(n_comp, bool)
        loaded[label[np.abs(s) > 0]] = True
        for a in (
            self.c_from,
            self.c_to,
            self.fc_from,
            self.fc_to,
            self.cp_ret[self.cp_mass_ctrl],
            self.cp_flow[self.cp_mass_ctrl],
        ):
            loaded[label[a]] = True
        bad_comp = loaded & ~has_ref
        if bad_comp.any():
            bad_nodes = np.flatnonzero(bad_comp[label])
            ids = list(self.junction_ids[bad_nodes])
            culprits = {"junctions": ids}
            names = []
            for table, (fr, to, idx) in {
                "consumers": (self.c_from, self.c_to, self._consumer_ids),
                "flow_controls": (self.fc_from, self.fc_to, self._fc_ids),
            }.items():
                hit = bad_comp[label[fr]] | bad_comp[label[to]]
                if hit.any():
                    culprits[table] = list(idx[hit])
                    names.append(f"{table} {list(idx[hit])}")
            raise NetworkError(
                "no pressure reference (pressure source or circulation pump) is connected "
                f"through pipes/valves/pumps to junctions {ids[:20]}"
                f"{' …' if len(ids) > 20 else ''}"
                + (f"; affected: {', '.join(names)}" if names else "")
                + " (disconnected consumer or missing source?)",
                culprits,
            )
        # Unloaded islands without a reference carry no flow: leave them out (NaN results).
        active_node = has_ref[label]
        self.active_node = active_node
        self.b_active = active_node[f] & active_node[t]
        p_fix[~active_node] = np.nan
        self.p_fix = p_fix
        self.fixed_p = ~np.isnan(p_fix) | ~active_node

        # -- Laplacian pattern over the free junctions --------------------------------------
        free = np.flatnonzero(~self.fixed_p)
        self.free = free
        order = free
        rank = np.full(n, -1)
        rank[order] = np.arange(len(order))
        nf = len(order)
        self.n_free = nf
        self._set_pattern(rank)
        # A fill-reducing order (multiple minimum degree on the pattern), found once here;
        # every Newton step then refactors in that fixed order ("NATURAL"), so the ordering
        # cost is paid once per network, not once per iteration.
        self._ldl = None
        self._use_qdldl = _qdldl is not None and self.options.linear_solver in ("auto", "qdldl")
        if self.options.linear_solver == "qdldl" and _qdldl is None:
            raise ImportError("linear_solver='qdldl' needs the qdldl package")
        if nf > 2 and not self._use_qdldl:
            ones = self._laplacian(np.ones(len(self.b_from))) + sp.identity(nf, format="csc")
            try:
                lu = splu(
                    ones.tocsc(),
                    permc_spec="MMD_AT_PLUS_A",
                    diag_pivot_thresh=0.0,
                    options={"SymmetricMode": True},
                )
            except RuntimeError:  # singular pattern: keep the breadth-first order
                lu = None
            if lu is not None:
                new_rank = np.where(rank >= 0, lu.perm_c[np.maximum(rank, 0)], -1)
                self._set_pattern(new_rank)
        # regularisation floor of dF/dṁ (see _hydraulics)
        self._g_floor_valve = 1e-9
        self._precompute()

    def _circ_return_pressure(self, t_return_c, t_flow_c):
        """Return-junction pressure [bar gauge] of every circulation pump if it were
        pressure-controlled, from pandapipes' branch equation of ``circ_pump_pressure``

            p_ret + p_atm(z_ret) − p_flow − p_atm(z_flow) + lift + ρ·g·(z_ret − z_flow)/10⁵ = 0

        with ρ the mean of the densities at the return and the flow temperature (pandapipes'
        ``get_branch_real_density``). Reference: pandapipes 0.16,
        ``component_models/circulation_pump_pressure_component.py``.
        """
        fluid = self.network.fluid
        rho = 0.5 * (fluid.density(t_return_c) + fluid.density(t_flow_c))
        return (
            self.cp_pflow
            - self.cp_lift
            + self.cp_datm
            - rho * (GRAVITY_M_S2 / PA_PER_BAR) * self.cp_dz
        )

    def _pump_lift(self, p, t_return_c, t_flow_c):
        """Each circulation pump's pressure rise [bar] as pandapipes' ``plift``: flow minus
        return pressure in absolute terms, less the water column from return to flow
        junction (the inverse of :meth:`_circ_return_pressure`)."""
        fluid = self.network.fluid
        rho = 0.5 * (fluid.density(t_return_c) + fluid.density(t_flow_c))
        return (
            p[self.cp_flow]
            - p[self.cp_ret]
            + self.cp_datm
            - rho * (GRAVITY_M_S2 / PA_PER_BAR) * self.cp_dz
        )

    def _pump_return_pressures(self, p, t_node, t_fix):
        """Set the return pressures of pressure-controlled pumps across a height to the
        current return temperatures (temperature-dependent density only)."""
        if not self._cp_p_follow:
            return p
        k = self._cp_p_ctrl
        t_flow = np.where(np.isnan(t_fix[self.cp_flow]), self.cp_tflow, t_fix[self.cp_flow])
        values = self._circ_return_pressure(t_node[self.cp_ret], t_flow)
        p[self.cp_ret[k]] = values[k]
        return p

    def _precompute(self):
        """Everything the Newton loop needs that depends on the network only: per-branch
        coefficients, consumer-mode masks, scatter maps (so the loop does no pandas, no
        string comparisons and no repeated geometry)."""
        d, area, length, fr = self.b_d, self.b_area, self.b_length, self.b_fric
        with np.errstate(divide="ignore", invalid="ignore"):
            # Re = |ṁ|·D/(η·A); c = 1/(2·ρ·A²·10⁵) = c0/ρ; L/D only where friction counts
            self._d_over_a = d / area
            self._c0 = 1.0 / (2.0 * area**2 * PA_PER_BAR)
            self._l_over_d = np.where(fr, length / np.where(d > 0, d, 1.0), 0.0)
            # Jacobian floors (see _branch_terms): laminar 32·η·L/(ρ·A·D²·10⁵) and the
            # loss-coefficient term at 1 mm/s, ζ·10⁻³/(A·10⁵), which does not depend on ρ
            self._g_lam_coef = np.where(fr, 32.0 * length / (area * d**2 * PA_PER_BAR), 0.0)
            self._g_zeta = np.maximum(self.b_zeta * 1e-3 / (area * PA_PER_BAR), self._g_floor_valve)
        self._fr_all = bool(fr.all())
        self._fr_idx = np.flatnonzero(fr)
        self._kd_fr = self.b_kd[self._fr_idx]
        self._all_active = bool(self.b_active.all())
        self._ua = np.where(self.b_ua > 0, self.b_ua, 0.0)
        self._b_ends = self.b_from + self.b_to  # the other end = this sum − one end
        self._cf_key = None
        self._t_fixed_now = ~np.isnan(self.t_fix)
        # consumer modes as masks (the loop must not compare strings)
        mode = self.c_mode
        self._c_qm = mode == "QM"
        self._c_qdt = mode == "QDT"
        self._c_qtr = mode == "QTR"
        self._c_dt_mode = self._c_qdt | (mode == "MDT")
        self._c_tr_mode = self._c_qtr | (mode == "MTR")
        self._c_heat_given = self._c_qm | self._c_qdt | self._c_qtr
        self._c_all_qm = bool(self._c_qm.all())
        fluid = self.network.fluid
        # heat-controlled consumer flows Q/(c_p·ΔT) depend on the temperatures
        self._flows_follow_temps = bool(self._c_qdt.any() or self._c_qtr.any())
        heat_dependent = self._flows_follow_temps or (
            self._c_qm.any() and not fluid.heat_capacity.is_constant
        )
        self._couple = bool(heat_dependent or not fluid.is_constant)
        self._fixed_from = np.concatenate(
            [self.c_from, self.fc_from, self.cp_ret[self.cp_mass_ctrl]]
        ).astype(np.int64)
        self._fixed_to = np.concatenate(
            [self.c_to, self.fc_to, self.cp_flow[self.cp_mass_ctrl]]
        ).astype(np.int64)
        # free junction of each row of the pressure system (rank is a permutation of them)
        rows = self.node_rank[self.free]
        self._free_by_row = np.empty(self.n_free, dtype=np.int64)
        self._free_by_row[rows] = self.free
        # the result tables: reindex only where elements are out of service
        net = self.network
        self._full_index = {
            "pipes": self._pipe_ids.equals(net.pipes.index),
            "valves": self._valve_ids.equals(net.valves.index),
            "pumps": self._pump_ids.equals(net.pumps.index),
            "heat_exchangers": self._heat_exchanger_ids.equals(net.heat_exchangers.index),
            "consumers": self._consumer_ids.equals(net.consumers.index),
            "circ_pumps": self._cp_ids.equals(net.circ_pumps.index),
        }

    def _set_pattern(self, rank):
        """Sparsity pattern of the reduced Laplacian Aᵀ·D·A over the free junctions, in CSC
        order for the row numbering ``rank`` (free junction -> row, -1 for fixed ones)."""
        self.node_rank = rank
        nf = self.n_free
        bf, bt = rank[self.b_from], rank[self.b_to]
        act = self.b_active
        rows, cols, bidx, sign = [], [], [], []
        for a_, b_, sg in ((bf, bf, 1.0), (bt, bt, 1.0), (bf, bt, -1.0), (bt, bf, -1.0)):
            m = act & (a_ >= 0) & (b_ >= 0)
            rows.append(a_[m])
            cols.append(b_[m])
            bidx.append(np.flatnonzero(m))
            sign.append(np.full(m.sum(), sg))
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        # CSC order of a symmetric matrix: sort by (col, row)
        keys = cols.astype(np.int64) * max(nf, 1) + rows
        ukeys, slot = np.unique(keys, return_inverse=True)
        self._lap_slot = slot
        self._lap_bidx = np.concatenate(bidx)
        self._lap_sign = np.concatenate(sign)
        ucol, urow = ukeys // max(nf, 1), ukeys % max(nf, 1)
        indptr = np.zeros(nf + 1, dtype=np.int64)
        np.add.at(indptr, ucol + 1, 1)
        self._lap_indptr = np.cumsum(indptr)
        self._lap_indices = urow.astype(np.int64)
        self._lap_nnz = len(ukeys)
        # the upper triangle alone, for the LDLᵀ factorisation
        upper = urow <= ucol
        new_slot = np.cumsum(upper) - 1
        from_upper = upper[slot]
        self._up_slot = new_slot[slot[from_upper]]
        self._up_bidx = self._lap_bidx[from_upper]
        self._up_sign = self._lap_sign[from_upper]
        indptr = np.zeros(nf + 1, dtype=np.int64)
        np.add.at(indptr, ucol[upper] + 1, 1)
        self._up_indptr = np.cumsum(indptr)
        self._up_indices = urow[upper].astype(np.int64)
        self._up_nnz = int(upper.sum())
        self._up_matrix = sp.csc_matrix(
            (np.zeros(self._up_nnz), self._up_indices, self._up_indptr), shape=(nf, nf)
        )

    # ------------------------------------------------------------------ helpers
    def _node_outflow(self, mb, extra_from=(), extra_to=()):
        """Net outflow per junction of the resistive branches plus fixed-flow branches."""
        n = self.n_nodes
        out = np.bincount(self.b_from, mb, minlength=n) - np.bincount(self.b_to, mb, minlength=n)
        for nodes, flows in extra_from:
            out += np.bincount(nodes, flows, minlength=n)
        for nodes, flows in extra_to:
            out -= np.bincount(nodes, flows, minlength=n)
        return out

    def _branch_terms(self, m, rho, eta):
        """Residual contributions r(ṁ) (bar, friction + lift) and dF/dṁ, vectorised.

        With c = 1/(2·ρ·A²·10⁵) and K = λ·L/D + ζ: drop = c·K·ṁ|ṁ| and
        d(drop)/dṁ = c·|ṁ|·(2·K + L/D·Re·dλ/dRe) (since dRe/dṁ·ṁ|ṁ| = Re·|ṁ|).
        """
        m_abs = np.abs(m)
        re = m_abs * self._d_over_a / eta
        fm = self.options.friction_model
        if self._fr_all:
            lam, dlam_dre = friction_factor(re, self._kd_fr, fm, lam0=self._lam_prev)
            self._lam_prev = lam
        else:
            lam = np.zeros_like(m)
            dlam_dre = np.zeros_like(m)
            if len(self._fr_idx):
                idx = self._fr_idx
                lam_f, dl_f = friction_factor(re[idx], self._kd_fr, fm, lam0=self._lam_prev)
                self._lam_prev = lam_f
                lam[idx] = lam_f
                dlam_dre[idx] = dl_f
        l_over_d = self._l_over_d
        k_tot = l_over_d * lam + self.b_zeta
        cm = self._c0 / rho * m_abs
        drop = cm * k_tot * m
        g = cm * (2.0 * k_tot + l_over_d * re * dlam_dre)
        # Laminar-like floor keeps the Jacobian invertible at stagnant branches; it changes
        # only the Newton path, never the solution.
        g = np.maximum(g, np.maximum(self._g_lam_coef * eta / rho, self._g_zeta))
        lift = _ZERO_LIFT if not len(self.pump_rows) else np.zeros_like(m)
        if len(self.pump_rows):
            rows = self.pump_rows
            rho0 = self.network.fluid.density(PUMP_REFERENCE_TEMP_C)
            vol_h = m[rows] / rho0 * 3600.0
            val = np.array(
                [np.polyval(cf, x) for cf, x in zip(self.pump_curve, vol_h, strict=True)]
            )
            der = np.array(
                [
                    np.polyval(np.polyder(cf), x)
                    for cf, x in zip(self.pump_curve, np.maximum(vol_h, 0), strict=True)
                ]
            )
            on = (vol_h >= 0) & (val >= 0)
            lift[rows] = np.where(on, val, 0.0)
            dl = np.where(on, der * 3600.0 / rho0, 0.0)
            g[rows] = np.maximum(g[rows] - dl, 1e-6)
        return drop, lift, g, re, lam

    def _laplacian(self, dvals):
        data = np.bincount(
            self._lap_slot, self._lap_sign * dvals[self._lap_bidx], minlength=self._lap_nnz
        )
        return sp.csc_matrix(
            (data, self._lap_indices, self._lap_indptr), shape=(self.n_free, self.n_free)
        )

    def _solve_laplacian(self, dinv, rhs):
        """Solve (Aᵀ·diag(dinv)·A)·x = rhs over the free junctions."""
        if self._use_qdldl:
            mat = self._up_matrix
            mat.data[:] = np.bincount(
                self._up_slot, self._up_sign * dinv[self._up_bidx], minlength=self._up_nnz
            )
            try:
                if self._ldl is None:
                    self._ldl = _qdldl.Solver(mat, upper=True)
                else:
                    self._ldl.update(mat, upper=True)
                x = self._ldl.solve(rhs)
            except (ValueError, RuntimeError):
                self._ldl = None
            else:
                if np.all(np.isfinite(x)):
                    return x
                self._ldl = None
        return self._factor_solve(self._laplacian(dinv), rhs)

    def _factor_solve(self, mat, rhs):
        lu = splu(mat, permc_spec="NATURAL", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
        return lu.solve(rhs)

    # ------------------------------------------------------------------ hydraulics
    def _gga_step(self, m, p, F, g, cont):
        """One Global Gradient step: solve (Aᵀ·D⁻¹·A)·Δp = r on the free junctions (fixed
        pattern and elimination order), then Δṁ = D⁻¹·(F + A·Δp). Returns ṁ, p, Δṁ, Δp."""
        f, t, n = self.b_from, self.b_to, self.n_nodes
        dinv = 1.0 / g
        if not self._all_active:
            dinv = np.where(self.b_active, dinv, 0.0)
        df = dinv * F
        rhs_full = cont - (np.bincount(f, df, minlength=n) - np.bincount(t, df, minlength=n))
        delta_p = np.zeros(n)
        if self.n_free:
            rows = self._free_by_row
            delta_p[rows] = self._solve_laplacian(dinv, rhs_full[rows])
        dm = dinv * (F + delta_p[f] - delta_p[t])
        return m + dm, p + delta_p, dm, delta_p

    # ------------------------------------------------------------------ temperatures
    def _mixing_solve(
        self, up, down, mabs, a, c, fixed_vals, default, skip_cyclic=False, fixed=None
    ):
        """Solve Σ_in |ṁ|·(a·T_up + c) = Σ_in |ṁ| · T_n with fixed nodes.

        With the flow directions known the system is triangular in flow order (upstream
        junctions first): one sparse triangular sweep, O(branches). The flow order and the
        triangular pattern are kept while they stay valid (directions rarely change between
        Newton steps or hours), so most sweeps only refill numbers. A flow pattern with a
        directed cycle (possible only at stagnant or reversed elements) falls back to a general
        sparse solve.
        """
        n = self.n_nodes
        if fixed is None:
            fixed = ~np.isnan(fixed_vals)
        keep = (mabs > 0) & ~fixed[down]
        order = self._flow_order(up, down, keep)
        if order is None:
            if skip_cyclic:
                return None
            return self._mixing_solve_general(up, down, mabs, a, c, fixed_vals, default)
        e = order.edges
        ed = down[e]
        m_e = mabs[e]
        inflow = np.bincount(ed, m_e, minlength=n)
        rhs = np.bincount(ed, m_e * c[e], minlength=n)
        has_in = inflow > 0
        # (fixed values are not NaN where fixed)
        rhs = np.where(
            fixed, fixed_vals, np.where(has_in, rhs / np.where(has_in, inflow, 1.0), default)
        )
        values = np.concatenate([_ones(n), -(m_e * a[e]) / inflow[ed]])
        data = np.bincount(order.slot, values, minlength=order.nnz)
        out = np.empty(n)
        out[order.nodes] = _solve_unit_lower(data, order.indices, order.indptr, rhs[order.nodes])
        return out

    def _flow_order(self, up, down, keep):
        """Topological order of the junctions along the kept (flowing) branches and the
        lower-triangular CSC pattern of the mixing system in that order, or None when the
        flow graph has a directed cycle.

        Any topological order will do, so the last one is kept while every flowing branch
        still runs from an earlier to a later junction in it (one vectorised check); else a
        new one comes from the strongly connected components of the flow graph.
        """
        n = self.n_nodes
        last = self._last_order
        if (
            last is not None
            and last.up is not None
            and len(last.up) == len(up)
            and (last.up == up).all()
            and (last.keep == keep).all()
        ):
            return last
        e = np.flatnonzero(keep)
        eu, ed = up[e], down[e]
        if last is not None and np.all(last.rank[eu] < last.rank[ed]):
            if len(last.edges) == len(e) and np.array_equal(last.edges, e):
                order = last
            else:
                order = self._order_pattern(last.rank, last.nodes, e, eu, ed)
            return self._remember(order, up, keep)
        # Tarjan's strongly connected components (Pearce's variant in SciPy, O(n + branches))
        # come out in reverse topological order; all singletons means no directed cycle.
        graph = sp.csr_matrix((np.ones(len(e)), (eu, ed)), shape=(n, n))
        n_comp, label = connected_components(graph, directed=True, connection="strong")
        if n_comp < n:
            return None
        rank = (n - 1 - label).astype(np.int64)
        if not np.all(rank[eu] < rank[ed]):  # another numbering: use the general solve
            return None
        nodes = np.empty(n, dtype=np.int64)
        nodes[rank] = np.arange(n)
        return self._remember(self._order_pattern(rank, nodes, e, eu, ed), up, keep)

    def _remember(self, order, up, keep):
        order = replace(order, up=up.copy(), keep=keep.copy())
        self._last_order = order
        return order

    def _order_pattern(self, rank, nodes, e, eu, ed):
        """CSC pattern (unit diagonal plus one entry per flowing branch, parallel branches
        merged) of the mixing system in the order ``rank``."""
        n = self.n_nodes
        rows = np.concatenate([np.arange(n), rank[ed]])
        cols = np.concatenate([np.arange(n), rank[eu]])
        keys = cols.astype(np.int64) * n + rows
        ukeys, slot = np.unique(keys, return_inverse=True)
        indptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.bincount(ukeys // n, minlength=n), out=indptr[1:])
        return _FlowOrder(
            rank=rank,
            nodes=nodes,
            edges=e,
            slot=slot,
            indices=(ukeys % n).astype(np.int32),
            indptr=indptr,
            nnz=len(ukeys),
        )

    def _mixing_solve_general(self, up, down, mabs, a, c, fixed_vals, default):
        """The mixing system as a general sparse solve (flow graphs with cycles)."""
        n = self.n_nodes
        fixed = ~np.isnan(fixed_vals)
        keep = ~fixed[down] & (mabs > 0)
        diag = np.bincount(down[keep], mabs[keep], minlength=n)
        rhs = np.bincount(down[keep], (mabs * c)[keep], minlength=n)
        no_in = (diag <= 0) & ~fixed
        diag = np.where(fixed | no_in, 1.0, diag)
        rhs = np.where(fixed, np.nan_to_num(fixed_vals), np.where(no_in, default, rhs))
        keep &= ~no_in[down]
        mat = sp.csc_matrix(
            (
                np.concatenate([diag, -(mabs * a)[keep]]),
                (
                    np.concatenate([np.arange(n), down[keep]]),
                    np.concatenate([np.arange(n), up[keep]]),
                ),
            ),
            shape=(n, n),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x = spsolve(mat, rhs, permc_spec="COLAMD")
        return np.atleast_1d(x)

    def _all_branches(self, m_res, m_cons, m_fc):
        """Upstream and downstream junction of every branch (resistive, consumers, flow
        controls) for the given flow signs."""
        up_b = np.where(m_res >= 0, self.b_from, self.b_to)
        down_b = self._b_ends - up_b
        up_cf, down_cf = self._fixed_flow_ends(m_cons, m_fc)
        return np.concatenate([up_b, up_cf]), np.concatenate([down_b, down_cf])

    def _fixed_flow_ends(self, m_cons, m_fc):
        """Upstream and downstream junctions of the consumers and flow controls; their
        flows rarely change within a solve (never for mass-given consumers), so the last
        answer is kept for the same flow arrays."""
        key = self._cf_key
        if key is not None and key[0] is m_cons and key[1] is m_fc:
            return key[2], key[3]
        up = np.concatenate(
            [
                np.where(m_cons >= 0, self.c_from, self.c_to),
                np.where(m_fc >= 0, self.fc_from, self.fc_to),
            ]
        ).astype(np.int64)
        down = np.concatenate(
            [
                np.where(m_cons >= 0, self.c_to, self.c_from),
                np.where(m_fc >= 0, self.fc_to, self.fc_from),
            ]
        ).astype(np.int64)
        self._cf_key = (m_cons, m_fc, up, down)
        return up, down

    def _temperatures(self, m_res, m_cons, t_node, t_out_prev, heat, skip_cyclic=False):
        """Junction temperatures and branch outlet temperatures at the given flows (None if
        ``skip_cyclic`` and the flows run round a directed cycle)."""
        cp_prop = self.network.fluid.heat_capacity
        m_fc = self.fc_mdot
        nb, nc = len(m_res), len(m_cons)
        up, down = self._all_branches(m_res, m_cons, m_fc)
        mabs = np.abs(np.concatenate([m_res, m_cons, m_fc]))
        mabs = np.where(mabs > 1e-12, mabs, 0.0)
        safe = np.where(mabs > 0, mabs, 1.0)
        if cp_prop.is_constant:
            cp = np.full(len(mabs), cp_prop.value)
        else:
            cp = 0.5 * (cp_prop(t_node[up]) + cp_prop(t_out_prev))
        a = np.ones(len(mabs))
        c = np.zeros(len(mabs))
        # pipes: exponential decay towards the ambient (valves and pumps have U·A = 0)
        a_b = np.exp(-self._ua / (cp[:nb] * safe[:nb]))
        a[:nb] = a_b
        c[:nb] = self.b_tamb * (1.0 - a_b)
        if len(self._heat_exchanger_ids):
            # pandapipes' branch equation: T_out = T_amb + (T_in − T_amb)·a − Q_ext/(c_p·|ṁ|)
            c[:nb] -= self.b_heat_w / (cp[:nb] * safe[:nb])
        cs = slice(nb, nb + nc)
        if self._c_all_qm:
            c[cs] = -heat / (cp[cs] * safe[cs])
        else:
            cc = c[cs]
            ac = a[cs]
            qm = self._c_qm
            cc[qm] = -heat[qm] / (cp[cs][qm] * safe[cs][qm])
            dt_mode = self._c_dt_mode
            cc[dt_mode] = -self.c_dt_now[dt_mode]
            tr_mode = self._c_tr_mode
            ac[tr_mode] = 0.0
            cc[tr_mode] = self.c_tr_now[tr_mode]
        t_new = self._mixing_solve(
            up,
            down,
            mabs,
            a,
            c,
            self.t_fix,
            self.network.ambient_temp_c,
            skip_cyclic,
            self._t_fixed_now,
        )
        if t_new is None:
            return None
        t_out = np.where(mabs > 0, a * t_new[up] + c, self.network.ambient_temp_c)
        return t_new, t_out

    # ------------------------------------------------------------------ solve
    def _consumer_flows(self, t_in, t_out_prev, heat, mdot, dt, tr):
        m = np.where(np.isnan(mdot), 0.0, mdot).astype(float)
        if not self._flows_follow_temps:
            return m
        cp_prop = self.network.fluid.heat_capacity
        cp = 0.5 * (cp_prop(t_in) + cp_prop(t_out_prev))
        sel = self._c_qdt
        m[sel] = heat[sel] / (cp[sel] * dt[sel])
        sel = self._c_qtr
        drop = t_in[sel] - tr[sel]
        with np.errstate(divide="ignore", invalid="ignore"):
            m[sel] = np.where((drop > 0) & (heat[sel] != 0), heat[sel] / (cp[sel] * drop), 0.0)
        return m

    def solve_loads(
        self,
        heat_w=None,
        mass_flow_kg_s=None,
        return_temp_c=None,
        delta_t_k=None,
        flow_temp_c=None,
        pump_mass_flow_kg_s=None,
        warm_start=True,
    ) -> Result:
        """Solve with new consumer loads (arrays in consumer-table order, or Series by id).

        Parameters
        ----------
        heat_w, mass_flow_kg_s, return_temp_c, delta_t_k : array-like, optional
            New values for the consumers' given quantities (each consumer keeps its mode;
            values for quantities outside its mode are ignored).
        flow_temp_c : array-like, optional
            New supply temperatures of the circulation pumps (°C).
        pump_mass_flow_kg_s : array-like, optional
            New flows of the mass-controlled circulation pumps (kg/s, ≥ 0; array in
            circ-pump-table order or Series by id; pressure-controlled pumps ignore their
            entries). A pump given 0 is off: it moves no water and its supply temperature
            no longer fixes its flow junction's temperature (water passing that junction
            keeps its own).
        warm_start : bool
            Start from the previous solution (default).
        """

        def pick(values, base, ids):
            if values is None:
                return base
            if isinstance(values, pd.Series):
                return values.reindex(ids).to_numpy(dtype=float)
            arr = np.asarray(values, dtype=float)
            if arr.shape != base.shape:
                raise ValueError(f"expected {base.shape[0]} values, got {arr.shape}")
            return arr

        ids = self._consumer_ids
        heat = pick(heat_w, self.c_heat, ids)
        mdot = pick(mass_flow_kg_s, self.c_mdot, ids)
        tr = pick(return_temp_c, self.c_tr, ids)
        dt = pick(delta_t_k, self.c_dt, ids)
        t_fix = self.t_fix
        cp_mdot = self.cp_mdot
        if pump_mass_flow_kg_s is not None:
            given = pick(pump_mass_flow_kg_s, self.cp_mdot, self._cp_ids)
            mass = self.cp_mass_ctrl
            if np.any(~(given[mass] >= 0)):
                raise ValueError("pump_mass_flow_kg_s must be >= 0 for mass-controlled pumps")
            cp_mdot = np.where(mass, given, np.nan)
        if flow_temp_c is not None or pump_mass_flow_kg_s is not None:
            t_flow = (
                self.cp_tflow
                if flow_temp_c is None
                else pick(flow_temp_c, self.cp_tflow, self._cp_ids)
            )
            on = ~self.cp_mass_ctrl | (cp_mdot > 0)
            t_fix = self._t_fix_no_cp.copy()
            t_fix[self.cp_flow[on]] = t_flow[on]
        return self._solve(heat, mdot, tr, dt, t_fix, warm_start, cp_mdot)

    def solve(self) -> Result:
        """Solve the network as given (warm-started if solved before)."""
        return self._solve(self.c_heat, self.c_mdot, self.c_tr, self.c_dt, self.t_fix, True)

    def solve_series(self, heat_w_rows, **kwargs) -> list[Result]:
        """Solve one result per row of ``heat_w_rows`` (e.g. 24 hours × consumers)."""
        return [self.solve_loads(heat_w=row, **kwargs) for row in np.asarray(heat_w_rows)]

    def _initial_state(self, t_fix):
        n = self.n_nodes
        fluid = self.network.fluid
        t0 = _col(self.network.junctions, "initial_temp_c")
        fallback = np.nanmean(t_fix) if np.any(~np.isnan(t_fix)) else self.network.ambient_temp_c
        t0 = np.where(np.isnan(t0), fallback, t0)
        t0 = np.where(np.isnan(t_fix), t0, t_fix)
        p0 = np.where(
            np.isnan(self.p_fix),
            np.nanmean(self.p_fix) if np.any(~np.isnan(self.p_fix)) else 0.0,
            self.p_fix,
        )
        rho = fluid.density(t0[self.b_from])
        m0 = 0.1 * self.b_area * rho  # 0.1 m/s as pandapipes
        t_out = np.concatenate([t0[self.b_to], t0[self.c_to], t0[self.fc_to]])
        return {"m": m0, "p": p0, "t": t0, "t_out": t_out, "n": n}

    def _solve(self, heat, mdot, tr, dt, t_fix, warm_start, cp_mdot=None) -> Result:
        """Newton (GGA) on the hydraulics with the temperatures swept along the flow after
        every step, so temperature-dependent properties and heat-controlled consumer flows
        settle together with the flows instead of in an outer loop of full hydraulic solves.
        Convergence: every branch equation residual ≤ ``tol_pressure_bar`` and every
        junction's continuity residual ≤ ``tol_mass_flow_kg_s`` (or the last Newton step below
        both), and the last temperature sweep moved no junction by more than ``tol_temp_k``.
        """
        opt = self.options
        fluid = self.network.fluid
        saved = (self.t_fix, self.c_dt_now, self.c_tr_now, self.cp_mdot)
        self.t_fix, self.c_dt_now, self.c_tr_now = t_fix, dt, tr
        if cp_mdot is not None:
            self.cp_mdot = cp_mdot
        cp_mdot_mass = self.cp_mdot[self.cp_mass_ctrl]
        self._t_fixed_now = ~np.isnan(t_fix)
        try:
            cold = not (warm_start and self._state is not None)
            st = self._initial_state(t_fix) if cold else self._state
            m, p, t_node, t_out = st["m"], st["p"].copy(), st["t"].copy(), st["t_out"].copy()
            t_node = np.where(np.isnan(t_fix), t_node, t_fix)
            p = np.where(np.isnan(self.p_fix), p, self.p_fix)
            p = self._pump_return_pressures(p, t_node, t_fix)
            nb, nc, n = len(self.b_from), len(self.c_from), self.n_nodes
            f, t, act = self.b_from, self.b_to, self.b_active
            all_active = self._all_active
            free = self.free
            couple = self._couple
            # density and viscosity only need re-evaluating when they depend on temperature
            props_vary = not (fluid.density.is_constant and fluid.viscosity.is_constant)
            if not all_active:
                m = np.where(act, m, 0.0)
            steps = sweeps = 0
            converged = hyd_ok = step_small = False
            temp_ok = not couple
            res = np.inf
            w, r_prev = 1.0, None
            m_cons = rho = None
            struggling = False
            # A warm start begins where the last solve ended: its last evaluation (fluid
            # properties, friction, branch residuals, junction outflows) still holds unless
            # the supply temperatures changed, and only the new loads' continuity is new.
            reuse = None
            if not cold and st.get("eval") is not None:
                if np.array_equal(st["t_fix"], t_fix, equal_nan=True):
                    reuse = st["eval"]
            while True:
                if reuse is not None:
                    rho, eta, hterm, drop, lift, g, F, outflow = reuse
                elif rho is None or (couple and props_vary):
                    # properties at the current temperatures
                    t_up_b = t_node[np.where(m >= 0, f, t)]
                    t_out_b = t_out[:nb]
                    rho = 0.5 * (fluid.density(t_up_b) + fluid.density(t_out_b))
                    eta = fluid.viscosity(0.5 * (t_up_b + t_out_b))
                    hterm = rho * (GRAVITY_M_S2 / PA_PER_BAR) * self.b_dz + self.b_datm
                if m_cons is None or (couple and self._flows_follow_temps):
                    # consumer flows (heat-controlled ones at the current temperatures)
                    m_cons = self._consumer_flows(
                        t_node[self.c_from], t_out[nb : nb + nc], heat, mdot, dt, tr
                    )
                    fixed_flow = np.concatenate([m_cons, self.fc_mdot, cp_mdot_mass])
                    s = (
                        self.s_fixed
                        - np.bincount(self._fixed_from, fixed_flow, minlength=n)
                        + np.bincount(self._fixed_to, fixed_flow, minlength=n)
                    )
                if reuse is None:
                    drop, lift, g, _, _ = self._branch_terms(m, rho, eta)
                    if all_active:
                        F = (p[f] - p[t]) + hterm + lift - drop
                    else:
                        F = np.where(act, np.nan_to_num(p[f] - p[t]) + hterm + lift - drop, 0.0)
                    outflow = np.bincount(f, m, minlength=n) - np.bincount(t, m, minlength=n)
                reuse = None
                cont = s - outflow
                res_f = _abs_max(F)
                res_c = _abs_max(cont[free])
                res = max(res_f, res_c)
                hyd_ok = step_small or (
                    res_f <= opt.tol_pressure_bar and res_c <= opt.tol_mass_flow_kg_s
                )
                if hyd_ok and temp_ok:
                    converged = True
                    break
                if steps >= (
                    opt.max_iterations if not struggling else _STRUGGLE_BUDGET * opt.max_iterations
                ):
                    break
                if couple and not struggling and steps >= _STRUGGLE_STEPS:
                    # The plain alternation has not settled: relax every temperature update
                    # from here on, starting cautiously (see the Aitken step below).
                    struggling = True
                    w, r_prev = _STRUGGLE_W0, None
                m, p, dm, delta_p = self._gga_step(m, p, F, g, cont)
                steps += 1
                dm_max = _abs_max(dm)
                dp_max = _abs_max(delta_p)
                if not (np.isfinite(dm_max) and np.isfinite(dp_max)):
                    hyd_ok = False
                    break
                m_scale = _abs_max(m)
                step_small = (
                    dp_max <= opt.tol_pressure_bar
                    and dm_max <= opt.tol_mass_flow_kg_s + 1e-10 * m_scale
                )
                if not couple:
                    continue
                # Far from the solution a Newton iterate may send water round a loop (a
                # directed cycle); its temperatures mean nothing, so keep the last ones then.
                # (Once struggling, a circulation round a loop may be the answer: a
                # thermosiphon between parallel pipes.)
                far = dm_max > 1e-3 * m_scale and not struggling
                swept = self._temperatures(m, m_cons, t_node, t_out, heat, skip_cyclic=far)
                if swept is None:
                    temp_ok = False
                    continue
                t_new, t_out_new = swept
                sweeps += 1
                r_k = np.nan_to_num(np.concatenate([t_new - t_node, t_out_new - t_out]))
                dtemp = _abs_max(r_k[:n])
                # Near-stagnant (loop) pipes whose flow depends on the buoyancy of their own
                # water couple flows and temperatures strongly: the plain alternation then
                # oscillates or creeps. Once the flows have settled, Aitken's dynamic
                # relaxation (Irons & Tuck 1969; Küttler & Wall 2008) scales each
                # temperature update by ω from the last two updates, which damps
                # oscillation and extrapolates creeping; the fixed point is unchanged.
                # Where a nearly stagnant pipe's own flow moves its outlet temperature, and
                # with it its density and buoyancy, so much that the flows never settle
                # (they cycle between two states, or a loop pipe turns back and forth), the
                # plain alternation amplifies the oscillation: after _STRUGGLE_STEPS steps
                # every update is relaxed, from ω = _STRUGGLE_W0 and never extrapolated.
                settled = struggling or dm_max <= 1e-4 * m_scale
                if settled and r_prev is not None:
                    diff = r_k - r_prev
                    # (sums, not np.dot: BLAS may start threads, which on a busy machine
                    # cost more than the whole sweep)
                    denom = float(np.add.reduce(diff * diff))
                    if denom > 0:
                        w = -w * float(np.add.reduce(r_prev * diff)) / denom
                        if struggling:
                            w = min(max(w, _STRUGGLE_W_MIN), 1.0)
                        else:
                            w = min(max(w, 0.1), 4.0)
                elif not struggling:
                    w = 1.0
                r_prev = r_k if settled else None
                if w == 1.0:
                    t_node, t_out = t_new, t_out_new
                else:
                    t_node = t_node + w * (t_new - t_node)
                    t_out = t_out + w * (t_out_new - t_out)
                p = self._pump_return_pressures(p, t_node, t_fix)
                temp_ok = dtemp <= opt.tol_temp_k
            if hyd_ok and (not couple or not converged):
                # final temperatures at the converged flows (uncoupled: the only sweep)
                t_node, t_out = self._temperatures(m, m_cons, t_node, t_out, heat)
                sweeps += 1
            if converged:
                self._state = {
                    "m": m,
                    "p": p,
                    "t": t_node,
                    "t_out": t_out,
                    "t_fix": t_fix,
                    # the last evaluation was at exactly this state (see reuse above)
                    "eval": (rho, eta, hterm, drop, lift, g, F, outflow),
                }
            return self._build_result(
                m, p, t_node, t_out, m_cons, heat, converged, hyd_ok, steps, sweeps, res
            )
        finally:
            self.t_fix, self.c_dt_now, self.c_tr_now, self.cp_mdot = saved

    # ------------------------------------------------------------------ results
    def _build_result(
        self, m, p, t_node, t_out, m_cons, heat, converged, hyd_ok, iterations, outer, res
    ) -> Result:
        fluid = self.network.fluid
        opt = self.options
        nb, nc = len(self.b_from), len(self.c_from)
        act_node = self.active_node
        p_out = np.where(act_node, p, np.nan)
        t_node_out = np.where(act_node, t_node, np.nan)
        t_out_b = t_out[:nb]
        m_b = np.where(self.b_active, m, np.nan)
        t_sup = t_node[self.c_from]
        t_ret_c = t_out[nb : nb + nc]
        dp_c = p_out[self.c_from] - p_out[self.c_to]
        t_fix = self.t_fix
        c_tr = self.c_tr_now
        cp_mdot = self.cp_mdot  # (the tables are built lazily, after the solve restored it)
        net = self.network
        branch_cache = {}

        def branch_state():
            """Upstream temperatures and the fluid properties of the branches (only the
            pipe, valve and pump tables and the pump check need them)."""
            if not branch_cache:
                t_up = t_node[np.where(m >= 0, self.b_from, self.b_to)]
                rho = 0.5 * (fluid.density(t_up) + fluid.density(t_out_b))
                eta = fluid.viscosity(0.5 * (t_up + t_out_b))
                branch_cache.update(t_up=t_up, rho=rho, eta=eta)
            return branch_cache["t_up"], branch_cache["rho"], branch_cache["eta"]

        lift = np.zeros(nb)
        if len(self.pump_rows):
            _, rho, eta = branch_state()
            lift = self._branch_terms(m, rho, eta)[1]

        def frame(columns, ids, name):
            # one float block (a dict of columns costs several times more to assemble)
            df = pd.DataFrame(
                np.vstack(list(columns.values())).T if len(ids) else np.zeros((0, len(columns))),
                index=ids,
                columns=_column_index(tuple(columns)),
                copy=False,
            )
            return df if self._full_index[name] else df.reindex(getattr(net, name).index)

        delay_cache = {}

        def delay():
            """Flow-weighted mean age of the water (sources age 0), computed on demand."""
            if "d" not in delay_cache:
                d = np.full(self.n_nodes, np.nan)
                if opt.compute_delays and hyd_ok:
                    transit = self._transit(m, branch_state()[1])
                    upa, downa = self._all_branches(m, m_cons, self.fc_mdot)
                    mabs = np.abs(np.concatenate([m, m_cons, self.fc_mdot]))
                    mabs = np.where(mabs > 1e-12, mabs, 0.0)
                    c = np.concatenate(
                        [
                            np.where(np.isfinite(transit), transit, 0.0),
                            np.zeros(nc + len(self.fc_mdot)),
                        ]
                    )
                    age_fix = np.where(np.isnan(t_fix), np.nan, 0.0)
                    d = self._mixing_solve(upa, downa, mabs, np.ones(len(mabs)), c, age_fix, np.nan)
                    d = np.where(act_node, d, np.nan)
                delay_cache["d"] = d
            return delay_cache["d"]

        def junctions():
            return pd.DataFrame(
                {"p_bar": p_out, "t_c": t_node_out, "delay_s": delay()}, index=self.junction_ids
            )

        def pipes():
            ps = self.b_kind == _PIPE
            t_up, rho, eta = branch_state()
            _, _, _, re, lam = self._branch_terms(m, rho, eta)
            cp_mean = 0.5 * (fluid.heat_capacity(t_up) + fluid.heat_capacity(t_out_b))
            return frame(
                {
                    "v_mean_m_s": (m_b / (rho * self.b_area))[ps],
                    "mdot_kg_s": m_b[ps],
                    "t_out_c": np.where(self.b_active, t_out_b, np.nan)[ps],
                    "t_from_c": t_node[self.b_from][ps],
                    "t_to_c": t_node[self.b_to][ps],
                    "p_from_bar": p_out[self.b_from][ps],
                    "p_to_bar": p_out[self.b_to][ps],
                    "reynolds": re[ps],
                    "lambda": lam[ps],
                    "transit_time_s": self._transit(m, rho)[ps],
                    "heat_loss_w": (np.abs(m) * cp_mean * (t_up - t_out_b))[ps],
                },
                self._pipe_ids,
                "pipes",
            )

        def valves():
            vs = self.b_kind == _VALVE
            rho = branch_state()[1]
            return frame(
                {"mdot_kg_s": m_b[vs], "v_mean_m_s": (m_b / (rho * self.b_area))[vs]},
                self._valve_ids,
                "valves",
            )

        def pumps():
            us = self.b_kind == _PUMP
            return frame({"mdot_kg_s": m_b[us], "lift_bar": lift[us]}, self._pump_ids, "pumps")

        def heat_exchangers():
            xs = self.b_kind == _HEAT_EXCHANGER
            return frame(
                {
                    "mdot_kg_s": m_b[xs],
                    "heat_w": self.b_heat_w[xs],
                    "t_from_c": t_node[self.b_from][xs],
                    "t_to_c": t_node[self.b_to][xs],
                    "t_out_c": np.where(self.b_active, t_out_b, np.nan)[xs],
                    "p_from_bar": p_out[self.b_from][xs],
                    "p_to_bar": p_out[self.b_to][xs],
                },
                self._heat_exchanger_ids,
                "heat_exchangers",
            )

        def consumers():
            if self._c_heat_given.all():
                heat_c = heat
            else:
                cp_ = 0.5 * (fluid.heat_capacity(t_sup) + fluid.heat_capacity(t_ret_c))
                heat_c = np.where(self._c_heat_given, heat, cp_ * m_cons * (t_sup - t_ret_c))
            return frame(
                {
                    "mdot_kg_s": m_cons,
                    "heat_w": heat_c,
                    "t_supply_c": t_sup,
                    "t_return_c": t_ret_c,
                    "dp_bar": dp_c,
                    "delay_s": delay()[self.c_from],
                },
                self._consumer_ids,
                "consumers",
            )

        def circ_pumps():
            # circulation pump flow = what its flow junction sends into the network
            n = self.n_nodes
            out = (
                self._node_outflow(
                    np.nan_to_num(m_b),
                    extra_from=[(self.c_from, m_cons), (self.fc_from, self.fc_mdot)],
                    extra_to=[(self.c_to, m_cons), (self.fc_to, self.fc_mdot)],
                )
                - self.s_fixed
            )
            cp_m = np.where(self.cp_mass_ctrl, cp_mdot, out[self.cp_flow] if n else 0.0)
            # several pumps on one junction share by count (rare; documented)
            share = np.bincount(self.cp_flow, minlength=n)[self.cp_flow] if len(self.cp_flow) else 1
            cp_m = np.where(self.cp_mass_ctrl, cp_m, cp_m / np.maximum(share, 1))
            t_ret = t_node[self.cp_ret]
            # (a mass-controlled pump given no flow leaves its junction's temperature free)
            t_flow = np.where(
                np.isnan(t_fix[self.cp_flow]), t_node[self.cp_flow], t_fix[self.cp_flow]
            )
            cpp = 0.5 * (fluid.heat_capacity(t_ret) + fluid.heat_capacity(t_flow))
            return frame(
                {
                    "mdot_kg_s": cp_m,
                    "heat_w": cp_m * cpp * (t_flow - t_ret),
                    "t_return_c": t_ret,
                    "lift_bar": self._pump_lift(p_out, t_ret, t_flow),
                },
                self._cp_ids,
                "circ_pumps",
            )

        problems, culprits = [], {}
        status = "converged" if converged else "not_converged"
        if not converged:
            problems.append(
                ("hydraulics" if not hyd_ok else "temperature coupling")
                + f" did not converge (residual {res:.3g})"
            )
        if opt.check_feasibility and hyd_ok:
            low = dp_c < opt.min_consumer_dp_bar - 1e-9
            if low.any():
                ids = list(self._consumer_ids[low])
                culprits["consumers"] = ids
                problems.append(
                    f"consumers {ids[:20]}{' …' if len(ids) > 20 else ''} get a supply–return "
                    f"pressure difference below {opt.min_consumer_dp_bar} bar (lowest "
                    f"{np.nanmin(dp_c):.3g} bar): the pumps cannot deliver their flow"
                )
            if len(self.pump_rows):
                rows = self.pump_rows
                beyond = (m[rows] > 1e-9) & (lift[rows] <= 0)
                if beyond.any():
                    ids = list(self._pump_ids[beyond])
                    culprits["pumps"] = ids
                    problems.append(
                        f"pumps {ids} run beyond the end of their curve "
                        "(no lift at the demanded flow)"
                    )
            t_flow_cp = np.where(
                np.isnan(t_fix[self.cp_flow]), t_node[self.cp_flow], t_fix[self.cp_flow]
            )
            lift_cp = self._pump_lift(p_out, t_node[self.cp_ret], t_flow_cp)
            neg = self.cp_mass_ctrl & (lift_cp < 0)
            if neg.any():
                ids = list(self._cp_ids[neg])
                culprits["circ_pumps"] = ids
                problems.append(
                    f"mass-controlled circulation pumps {ids} would need a negative lift"
                )
            cold = self._c_qtr & (t_sup <= c_tr) & (heat > 0)
            if cold.any():
                ids = list(self._consumer_ids[cold])
                culprits.setdefault("consumers", [])
                culprits["consumers"] += ids
                problems.append(
                    f"consumers {ids[:20]} get supply water not warmer than their "
                    "return temperature: no flow can deliver their heat"
                )
            if problems and status == "converged":
                status = "infeasible"
        message = (
            "; ".join(problems)
            if problems
            else (f"converged in {iterations} Newton iterations ({outer} temperature sweeps)")
        )
        return Result(
            converged=status == "converged",
            status=status,
            iterations=int(iterations),
            outer_iterations=int(outer),
            residual_norm=float(res),
            message=message,
            problems=tuple(problems),
            culprits=culprits,
            friction_model=opt.friction_model,
            _builders={
                "junctions": junctions,
                "pipes": pipes,
                "valves": valves,
                "pumps": pumps,
                "heat_exchangers": heat_exchangers,
                "consumers": consumers,
                "circ_pumps": circ_pumps,
            },
        )

    def _transit(self, m, rho):
        """Residence time ρ·A·L/|ṁ| of each branch (s; inf when stagnant)."""
        with np.errstate(divide="ignore"):
            return np.where(
                np.abs(m) > 1e-12,
                rho * self.b_area * self.b_length / np.maximum(np.abs(m), 1e-300),
                np.inf,
            )


def prepare(network: Network, options: SolverOptions | None = None) -> PreparedNetwork:
    """Compile ``network`` for repeated solves (see :class:`PreparedNetwork`)."""
    return PreparedNetwork(network, options)


def solve(network: Network, options: SolverOptions | None = None) -> Result:
    """Solve the steady state of ``network``; never mutates it.

    Returns a :class:`Result`; non-convergence is a status (``result.converged`` False,
    ``result.message`` naming the culprits). Call ``result.raise_for_status()`` to raise.

    Raises
    ------
    NetworkError
        For inconsistent topology (e.g. a consumer not connected to any pressure reference).
    """
    return prepare(network, options).solve()
