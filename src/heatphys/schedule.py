"""Hourly heat each source must produce so that substations receive their allocation on time.

Water leaving a source at hour t reaches substation s at :math:`t + \\delta_s`, where
:math:`\\delta_s` [h] is the transport delay (pipe volume over flow). The heat the sources
must put into the network at hour t is therefore the substations' heat at
:math:`t + \\delta_s`, grossed up for distribution losses:

.. math:: P(t) = \\frac{1}{1 - \\lambda} \\sum_s Q_s(t + \\delta_s)

split among sources in merit order within their hourly capacity (or by fixed shares).
Fractional delays interpolate linearly between hours; hours beyond the plan's horizon hold
the last planned value. Until the network solver provides delays per substation, a constant
delay is used (``DEFAULT_DELAY_H``).
"""

from __future__ import annotations

import numpy as np

DEFAULT_DELAY_H = 2.0
"""Typical supply transport delay of a city network (2–3 km at ~0.5 m/s) [h]."""


def shift_by_delay(substation_heat_kw, delay_h=DEFAULT_DELAY_H) -> np.ndarray:
    """Substation heat moved earlier by each substation's transport delay.

    Parameters
    ----------
    substation_heat_kw : array_like, (H, S)
        Heat each substation receives in each hour [kW].
    delay_h : float or array_like (S,)
        Transport delay from the sources to each substation [h], ≥ 0.

    Returns
    -------
    array, (H, S)
        ``out[t, s]`` = heat that must leave the sources at hour t for substation s [kW].
    """
    heat = np.atleast_2d(np.asarray(substation_heat_kw, dtype=float))
    n_hours, n_sub = heat.shape
    delay = np.broadcast_to(np.asarray(delay_h, dtype=float), (n_sub,))
    if np.any(delay < 0):
        raise ValueError("transport delays must be ≥ 0 h")
    hours = np.arange(n_hours, dtype=float)
    when = np.minimum(hours[:, None] + delay[None, :], n_hours - 1)
    below = np.floor(when).astype(int)
    above = np.minimum(below + 1, n_hours - 1)
    frac = when - below
    cols = np.arange(n_sub)[None, :]
    return (1.0 - frac) * heat[below, cols] + frac * heat[above, cols]


def source_schedule(
    substation_heat_kw,
    source_capacity_kw=None,
    delay_h=DEFAULT_DELAY_H,
    heat_loss_fraction: float = 0.0,
    source_share=None,
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
    delay_h : float or array_like (S,)
        Transport delay to each substation [h].
    heat_loss_fraction : float
        Share of produced heat lost in the network, :math:`\\lambda` in [0, 1).
    source_share : array_like, (S, K), optional
        Instead of merit order, the fixed share of each substation's heat supplied by each
        source (rows sum to 1).
    """
    if not 0.0 <= heat_loss_fraction < 1.0:
        raise ValueError("heat_loss_fraction must be in [0, 1)")
    shifted = shift_by_delay(substation_heat_kw, delay_h) / (1.0 - heat_loss_fraction)
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
    before = np.cumsum(cap, axis=1) - cap
    out = np.clip(total[:, None] - before, 0.0, cap)
    out[:, -1] += np.maximum(total - cap.sum(axis=1), 0.0)
    return out
