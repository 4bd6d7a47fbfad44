"""Sharing scarce heat so that the coldest community is as warm as possible (max-min).

Each community i has, for each hour h, a demand :math:`d_{hi}` [kW] (the heat that holds its
target indoor temperature) and a predicted indoor temperature that rises linearly with the
heat it receives,

.. math:: T_{hi}(q) = a_{hi} + k_{hi}\\, q ,

the quasi-steady state of the grey-box model of :mod:`heatphys.indoor`
(:math:`a` = indoor temperature without heating [°C], :math:`k` = thermal resistance
[K/kW]). Without calibrated parameters :math:`a` is the outdoor temperature and
:math:`k = (t_{target} - a)/d`, so that delivering the demand gives the target.

For each hour the allocation solves

.. math::

    \\max_q \\min_i T_{hi}(q_i) \\quad\\text{s.t.}\\quad 0 \\le q_i \\le d_{hi},\\;
    \\sum_{i \\in s} q_i \\le U_{hs}\\;\\forall s,\\; \\sum_i q_i \\le C_h

(substation limits :math:`U`, total source capacity :math:`C`), and among the optimal
allocations it returns the lexicographic max-min one (water-filling): heat a saturated
substation cannot pass on goes to the others. Because every :math:`q_i` at a common
temperature level :math:`T` is :math:`\\mathrm{clip}((T - a_i)/k_i, 0, d_i)` and the total is
monotone in :math:`T`, bisection on :math:`T` is exact (to floating point) and vectorised
over hours; first per substation (its saturation level), then for the network. When capacity
suffices every community gets its demand and the surplus stays at the sources.

References
----------
.. [1] D. Bertsekas, R. Gallager, Data Networks, 2nd ed., Prentice Hall 1992, §6.5.2
   (max-min fairness and the water-filling algorithm).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_BISECTION_STEPS = 100


@dataclass(frozen=True)
class Allocation:
    """Result of :func:`allocate`; arrays are (hours, …).

    Attributes
    ----------
    heat_kw : (H, N) heat delivered to each community [kW].
    substation_heat_kw : (H, S) heat through each substation [kW].
    source_heat_kw : (H, K) heat each source produces [kW] (merit order fill).
    indoor_temp_c : (H, N) predicted indoor temperature [°C].
    min_indoor_temp_c : (H,) lowest predicted indoor temperature among communities that
        need heat [°C] (NaN where none does).
    shortfall_kw : (H, N) demand not delivered [kW].
    """

    heat_kw: np.ndarray
    substation_heat_kw: np.ndarray
    source_heat_kw: np.ndarray
    indoor_temp_c: np.ndarray
    min_indoor_temp_c: np.ndarray
    shortfall_kw: np.ndarray


def _per_substation(values: np.ndarray, order: np.ndarray, starts: np.ndarray, n_sub: int):
    """Sum (H, N) values into (H, S) with communities pre-sorted by substation."""
    out = np.zeros((values.shape[0], n_sub))
    present = np.flatnonzero(np.diff(np.append(starts, values.shape[1])) > 0)
    if present.size:
        sums = np.add.reduceat(values[:, order], starts[present], axis=1)
        out[:, present] = sums
    return out


def allocate(
    demand_kw,
    source_capacity_kw,
    community_substation=None,
    substation_limit_kw=None,
    indoor_at_zero_heat_c=None,
    indoor_k_per_kw=None,
    outdoor_temp_c=None,
    target_indoor_c: float = 18.0,
) -> Allocation:
    """Max-min allocation of source heat to communities, vectorised over hours.

    Parameters
    ----------
    demand_kw : array_like, (H, N) or (N,)
        Heat each community needs for its target indoor temperature [kW].
    source_capacity_kw : array_like, (H, K), (K,) or scalar
        Heat each source can produce in each hour [kW] (its limit and hourly schedule); a
        1-D array is one constant value per source. Sources are filled in the given order
        (merit order).
    community_substation : array_like of int, (N,), optional
        Substation index of each community (0..S-1); default: each community alone.
    substation_limit_kw : array_like, (H, S) or (S,), optional
        Heat each substation can pass [kW]; default unlimited.
    indoor_at_zero_heat_c, indoor_k_per_kw : array_like, (H, N) or (N,), optional
        The linear indoor model :math:`T = a + k q` (see the module doc). Default:
        :math:`a` = ``outdoor_temp_c`` and :math:`k = (t_{target} - a)/d`.
    outdoor_temp_c : array_like, (H, N), (H, 1), (H,) per hour, or scalar
        Outdoor temperature [°C], needed only for the default indoor model. A 1-D array is
        taken per hour.
    target_indoor_c : float
        Indoor temperature that the demand achieves [°C] (default model only).

    Returns
    -------
    Allocation
    """
    demand = np.atleast_2d(np.asarray(demand_kw, dtype=float))
    demand = np.maximum(np.nan_to_num(demand), 0.0)
    n_hours, n_comm = demand.shape
    cap = np.asarray(source_capacity_kw, dtype=float)
    if cap.ndim <= 1:  # one value per source, the same every hour
        cap = np.broadcast_to(cap.reshape(1, -1), (n_hours, cap.size))
    cap = np.maximum(np.nan_to_num(cap), 0.0)
    total_cap = cap.sum(axis=1)

    if community_substation is None:
        sub = np.arange(n_comm)
    else:
        sub = np.asarray(community_substation, dtype=int)
    n_sub = int(sub.max()) + 1 if n_comm else 0
    if substation_limit_kw is None:
        sub_limit = np.full((n_hours, n_sub), np.inf)
    else:
        sub_limit = np.asarray(substation_limit_kw, dtype=float)
        sub_limit = np.broadcast_to(sub_limit, (n_hours, n_sub)) if sub_limit.ndim <= 2 else None

    needs = demand > 0
    if indoor_at_zero_heat_c is None:
        if outdoor_temp_c is None:
            raise ValueError("give outdoor_temp_c or the indoor model coefficients")
        t_out = np.asarray(outdoor_temp_c, dtype=float)
        if t_out.ndim == 1:
            t_out = t_out[:, None]
        a = np.broadcast_to(t_out, (n_hours, n_comm)).astype(float)
    else:
        a = np.broadcast_to(np.asarray(indoor_at_zero_heat_c, float), (n_hours, n_comm))
    if indoor_k_per_kw is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            k = np.where(needs, (target_indoor_c - a) / np.where(needs, demand, 1.0), np.inf)
        k = np.where(needs & (k <= 0), 1e-9, k)
    else:
        k = np.broadcast_to(np.asarray(indoor_k_per_kw, float), (n_hours, n_comm))
    k = np.where(needs, np.maximum(k, 1e-12), 1.0)
    a_need = np.where(needs, a, np.inf)

    def heat_at(level):  # level (H, N); inf means "no limit from this level"
        with np.errstate(invalid="ignore"):
            q = np.clip((level - a_need) / k, 0.0, demand)
        return np.where(needs, np.where(np.isinf(level), demand, q), 0.0)

    order = np.argsort(sub, kind="stable")
    sorted_sub = sub[order]
    starts = np.searchsorted(sorted_sub, np.arange(n_sub))
    finite_a = np.where(needs, a, np.nan)
    lo0 = np.nanmin(finite_a, axis=1) if needs.any() else np.zeros(n_hours)
    lo0 = np.nan_to_num(lo0)
    hi0 = np.nanmax(np.where(needs, a + k * demand, np.nan), axis=1) if needs.any() else lo0
    hi0 = np.nan_to_num(hi0) + 1.0

    # Saturation level of each substation (inf where its limit is never reached).
    full = _per_substation(demand, order, starts, n_sub)
    binding = full > sub_limit
    sub_level = np.full((n_hours, n_sub), np.inf)
    if binding.any():
        lo = np.repeat(lo0[:, None], n_sub, axis=1)
        hi = np.repeat(hi0[:, None], n_sub, axis=1)
        for _ in range(_BISECTION_STEPS):
            mid = 0.5 * (lo + hi)
            used = _per_substation(heat_at(mid[:, sub]), order, starts, n_sub)
            over = used > sub_limit
            hi = np.where(over, mid, hi)
            lo = np.where(over, lo, mid)
        sub_level = np.where(binding, lo, np.inf)
    community_cap_level = sub_level[:, sub]

    def total_at(level):  # level (H,)
        return heat_at(np.minimum(level[:, None], community_cap_level)).sum(axis=1)

    level = np.full(n_hours, np.inf)
    short = total_at(level) > total_cap
    if short.any():
        lo, hi = lo0.copy(), hi0.copy()
        for _ in range(_BISECTION_STEPS):
            mid = 0.5 * (lo + hi)
            over = total_at(mid) > total_cap
            hi = np.where(over, mid, hi)
            lo = np.where(over, lo, mid)
        level = np.where(short, lo, np.inf)
    heat = heat_at(np.minimum(level[:, None], community_cap_level))
    heat = np.where(needs, heat, 0.0)

    indoor = np.where(needs, a + k * heat, np.maximum(a, target_indoor_c))
    if indoor_at_zero_heat_c is not None:
        indoor = np.where(needs, indoor, a)
    min_indoor = np.where(
        needs.any(axis=1), np.min(np.where(needs, indoor, np.inf), axis=1), np.nan
    )
    # Merit order: each source covers what the earlier ones could not.
    produced = heat.sum(axis=1)
    before = np.cumsum(cap, axis=1) - cap
    source_heat = np.clip(produced[:, None] - before, 0.0, cap)
    return Allocation(
        heat_kw=heat,
        substation_heat_kw=_per_substation(heat, order, starts, n_sub),
        source_heat_kw=source_heat,
        indoor_temp_c=indoor,
        min_indoor_temp_c=min_indoor,
        shortfall_kw=demand - heat,
    )
