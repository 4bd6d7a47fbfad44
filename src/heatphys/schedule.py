"""Hourly heat each source must produce so that substations receive their allocation on time.

Water leaving a source at hour t reaches substation s at :math:`t + \\delta_s`, where
:math:`\\delta_s` [h] is the transport delay (pipe volume over flow). The heat the sources
must put into the network at hour t is therefore the substations' heat at
:math:`t + \\delta_s`, grossed up for distribution losses:

.. math:: P(t) = \\frac{1}{1 - \\lambda} \\sum_s Q_s(t + \\delta_s)

split among sources in merit order within their hourly capacity, zone first when each
substation's own source is known (or by fixed shares).
Fractional delays interpolate linearly between hours; hours beyond the plan's horizon hold
the last planned value. Delays come per substation from the network solver
(``delay_s`` of a solved network, see :func:`transport_delays_h`); a substation whose delay
is unknown (NaN, e.g. not reached by a converged solve) and every substation when no delays
are given get the constant fallback ``DEFAULT_DELAY_H``.
"""

from __future__ import annotations

import numpy as np

DEFAULT_DELAY_H = 2.0
"""Typical supply transport delay of a city network (2–3 km at ~0.5 m/s) [h]."""


def transport_delays_h(
    delay_s, fallback_delay_h: float = DEFAULT_DELAY_H, n_substations: int | None = None
) -> np.ndarray:
    """Per-substation transport delays [h] from delays in seconds, unknown ones filled.

    Parameters
    ----------
    delay_s : None, float or array_like (S,)
        Transport delay from the sources to each substation [s], e.g. the ``delay_s``
        column of the network solver's result at each substation's supply junction. NaN
        (or None) entries are unknown.
    fallback_delay_h : float
        Delay used where ``delay_s`` is unknown [h].
    n_substations : int, optional
        Number of substations, to broadcast a scalar or ``None``.

    Returns
    -------
    array, (S,)
        Delays [h], all finite and ≥ 0.
    """
    if delay_s is None:
        delay_s = np.nan
    seconds = np.asarray(delay_s, dtype=float)
    if n_substations is not None:
        seconds = np.broadcast_to(seconds, (n_substations,))
    return _fill_delays(np.atleast_1d(seconds) / 3600.0, fallback_delay_h)


def _fill_delays(delay_h: np.ndarray, fallback_delay_h: float) -> np.ndarray:
    if not np.isfinite(fallback_delay_h) or fallback_delay_h < 0:
        raise ValueError("the fallback transport delay must be a finite number ≥ 0 h")
    delay = np.where(np.isfinite(delay_h), delay_h, fallback_delay_h)
    if np.any(delay < 0):
        raise ValueError("transport delays must be ≥ 0 h")
    return delay


def shift_by_delay(
    substation_heat_kw, delay_h=DEFAULT_DELAY_H, fallback_delay_h: float = DEFAULT_DELAY_H
) -> np.ndarray:
    """Substation heat moved earlier by each substation's transport delay.

    Parameters
    ----------
    substation_heat_kw : array_like, (H, S)
        Heat each substation receives in each hour [kW].
    delay_h : None, float or array_like (S,)
        Transport delay from the sources to each substation [h], ≥ 0 (e.g.
        ``transport_delays_h(result_delay_s)``). NaN entries, or ``None`` for all, use
        ``fallback_delay_h``.
    fallback_delay_h : float
        Constant delay for substations without a known delay [h].

    Returns
    -------
    array, (H, S)
        ``out[t, s]`` = heat that must leave the sources at hour t for substation s [kW].
    """
    heat = np.atleast_2d(np.asarray(substation_heat_kw, dtype=float))
    n_hours, n_sub = heat.shape
    given = np.asarray(np.nan if delay_h is None else delay_h, dtype=float)
    if given.ndim > 1 or (given.ndim == 1 and given.size not in (1, n_sub)):
        raise ValueError(f"expected one transport delay per substation ({n_sub}), got {given.size}")
    delay = _fill_delays(np.broadcast_to(given, (n_sub,)), fallback_delay_h)
    hours = np.arange(n_hours, dtype=float)
    when = np.minimum(hours[:, None] + delay[None, :], n_hours - 1)
    below = np.floor(when).astype(int)
    above = np.minimum(below + 1, n_hours - 1)
    frac = when - below
    cols = np.arange(n_sub)[None, :]
    return (1.0 - frac) * heat[below, cols] + frac * heat[above, cols]


def zone_first_dispatch(zone_heat_kw, capacity_kw, unzoned_heat_kw=None) -> np.ndarray:
    """Split heat among sources: each serves its own zone first, the rest in merit order.

    A multi-source network built in supply zones (分区供热: each source sized for the
    substations around it, interconnections for backup) cannot move a zone's whole load to
    another plant: the tie pipes carry a fraction of it. So each source first carries its own
    zone's heat up to its capacity; what a zone's source cannot carry, and the heat of
    substations without a zone source, goes to the spare capacity of the sources in merit
    order (the order of the columns); beyond the total capacity, to the last source, where
    the caller sees the overload (as :func:`source_schedule` does in plain merit order).

    Parameters
    ----------
    zone_heat_kw : array_like, (H, K)
        Heat each source's zone needs [kW].
    capacity_kw : array_like, (H, K) or (K,)
        Capacity of each source [kW], in merit order.
    unzoned_heat_kw : array_like, (H,), optional
        Heat of substations without a zone source [kW].

    Returns
    -------
    array, (H, K)
        Production of each source [kW]; rows sum to the zones' plus the unzoned heat.
    """
    zone = np.atleast_2d(np.asarray(zone_heat_kw, dtype=float))
    cap = np.asarray(capacity_kw, dtype=float)
    if cap.ndim <= 1:
        cap = np.broadcast_to(cap.reshape(1, -1), zone.shape)
    own = np.minimum(zone, cap)
    rest = (zone - own).sum(axis=1)
    if unzoned_heat_kw is not None:
        rest = rest + np.asarray(unzoned_heat_kw, dtype=float)
    spare = cap - own
    before = np.cumsum(spare, axis=1) - spare
    out = own + np.clip(rest[:, None] - before, 0.0, spare)
    out[:, -1] += np.maximum(rest - spare.sum(axis=1), 0.0)
    return out


def source_schedule(
    substation_heat_kw,
    source_capacity_kw=None,
    delay_h=DEFAULT_DELAY_H,
    heat_loss_fraction: float = 0.0,
    source_share=None,
    fallback_delay_h: float = DEFAULT_DELAY_H,
    substation_source=None,
) -> np.ndarray:
    """Hourly production of each source [kW], shape (H, K).

    Parameters
    ----------
    substation_heat_kw : array_like, (H, S)
        Heat delivered to substations (e.g. ``Allocation.substation_heat_kw``) [kW].
    source_capacity_kw : array_like, (H, K) or (K,), optional
        Capacity of each source per hour [kW]; sources are loaded in this order (merit
        order). Production beyond total capacity is assigned to the last source and shows
        up as an overload the caller can check (it means the allocation was made for other
        hours than the shifted ones).
    delay_h : None, float or array_like (S,)
        Transport delay to each substation [h], e.g. from the network solver through
        :func:`transport_delays_h`; NaN entries (or ``None``) use ``fallback_delay_h``.
    heat_loss_fraction : float
        Share of produced heat lost in the network, :math:`\\lambda` in [0, 1).
    source_share : array_like, (S, K), optional
        Instead of merit order, the fixed share of each substation's heat supplied by each
        source (rows sum to 1).
    fallback_delay_h : float
        Constant delay for substations without a known delay [h].
    substation_source : array_like of int, (S,), optional
        Column of each substation's own (zone) source, −1 for none: sources then serve their
        zones first (:func:`zone_first_dispatch`) instead of the plain merit order. Needs
        ``source_capacity_kw``.
    """
    if not 0.0 <= heat_loss_fraction < 1.0:
        raise ValueError("heat_loss_fraction must be in [0, 1)")
    shifted = shift_by_delay(substation_heat_kw, delay_h, fallback_delay_h) / (
        1.0 - heat_loss_fraction
    )
    n_hours = shifted.shape[0]
    if source_share is not None:
        share = np.asarray(source_share, dtype=float)
        return shifted @ share
    total = shifted.sum(axis=1)
    if source_capacity_kw is None:
        return total[:, None]
    cap = np.asarray(source_capacity_kw, dtype=float)
    if cap.ndim <= 1:
        cap = np.broadcast_to(cap.reshape(1, -1), (n_hours, cap.size))
    if substation_source is not None:
        zone_of = np.asarray(substation_source, dtype=int)
        if zone_of.shape != (shifted.shape[1],) or np.any(zone_of >= cap.shape[1]):
            raise ValueError("substation_source needs one source column (or −1) per substation")
        zoned = zone_of >= 0
        zone_heat = np.zeros((n_hours, cap.shape[1]))
        np.add.at(zone_heat.T, zone_of[zoned], shifted[:, zoned].T)
        return zone_first_dispatch(zone_heat, cap, shifted[:, ~zoned].sum(axis=1))
    before = np.cumsum(cap, axis=1) - cap
    out = np.clip(total[:, None] - before, 0.0, cap)
    out[:, -1] += np.maximum(total - cap.sum(axis=1), 0.0)
    return out


def simultaneous_dispatch_kw(
    substation_heat_kw,
    source_capacity_kw,
    substation_source,
    heat_loss_fraction: float = 0.0,
) -> np.ndarray:
    """Heat each source carries for the substations' heat *of the same hour* [kW], (H, K):
    the dispatch whose water a steady hydraulic solve of that hour must move.

    The production schedule (:func:`source_schedule`) moves each substation's heat earlier by
    its transport delay τ, because the supply *temperature* travels with the water (at its
    velocity, hours on a city network). The *mass flow* does not: water is practically
    incompressible, so a change of flow reaches every pipe within seconds (at the speed of
    sound) and the flow every source's pumps move in hour t is what the substations draw in
    hour t. A hydraulic snapshot fed with the delay-shifted schedule gives a source, in hours
    where the load rises or falls, more or less water than its own zone takes, and the
    pressure-holding plant pushes the difference through the thin pipes between zones — a
    loss that no real network sees (Frederiksen & Werner, *District Heating and Cooling*,
    2013, §8.5 on the different propagation of pressure and temperature; the node method
    of Benonysson, Bøhm & Ravn, 1995, treats flows as quasi-static and delays temperatures
    only). Each source serves its own zone first, the rest in merit order
    (:func:`zone_first_dispatch`), grossed up for the loss λ: ``Q_k = dispatch(q/(1 − λ))``.

    Parameters are those of :func:`source_schedule` (``substation_source`` is required, −1
    for a substation without a zone source).
    """
    return source_schedule(
        substation_heat_kw,
        source_capacity_kw,
        delay_h=0.0,
        heat_loss_fraction=heat_loss_fraction,
        substation_source=substation_source,
    )
