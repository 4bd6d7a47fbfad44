"""Heating curves: supply and return set-points against outdoor temperature.

Quality regulation (质调节, constant flow, variable temperature) and quantity regulation
(量调节, constant supply temperature, variable flow) of a substation's secondary side, from
the radiator heat-transfer relation :math:`Q \\propto (\\bar\\tau - t_n)^{1+b}` and the heat
balance of the water.

Relative load

.. math:: \\bar Q = \\frac{t_n - t_w}{t_n - t'_w}

Quality regulation (relative flow :math:`\\bar G = 1`):

.. math::

    \\tau_g = t_n + \\tfrac12(\\tau'_g + \\tau'_h - 2 t_n)\\,\\bar Q^{1/(1+b)}
              + \\tfrac12(\\tau'_g - \\tau'_h)\\,\\bar Q

    \\tau_h = t_n + \\tfrac12(\\tau'_g + \\tau'_h - 2 t_n)\\,\\bar Q^{1/(1+b)}
              - \\tfrac12(\\tau'_g - \\tau'_h)\\,\\bar Q

Quantity regulation: :math:`\\tau_g = \\tau'_g` and the emitter's logarithmic mean
temperature difference follows the same law,
:math:`\\Delta t_{lm} = \\Delta t'_{lm}\\,\\bar Q^{1/(1+b)}` with
:math:`\\Delta t_{lm} = (\\tau_g - \\tau_h)/\\ln\\frac{\\tau_g - t_n}{\\tau_h - t_n}`
(the arithmetic mean of the quality formula would put the return below the room at small
flows); :math:`\\tau_h` is found by bisection and
:math:`\\bar G = \\bar Q (\\tau'_g - \\tau'_h)/(\\tau_g - \\tau_h)`.

Symbols: :math:`t_n` design indoor, :math:`t_w` outdoor, :math:`t'_w` design outdoor,
:math:`\\tau'_g, \\tau'_h` design supply and return [°C], :math:`b` radiator exponent
(≈ 0.3 for column radiators, ≈ 0.1 for floor heating).

References
----------
.. [1] 贺平, 孙刚, 王飞, 吴华新. 供热工程 (第五版). 中国建筑工业出版社, 2021, §10.2
   (集中质调节, 量调节).
.. [2] GB 50736-2012 §5.3 (radiator systems, design 75/50 °C) and §5.4 (floor heating,
   supply ≤ 60 °C, 35–45 °C recommended, difference ≤ 10 K).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import least_squares

QUALITY = "quality"
QUANTITY = "quantity"


@dataclass(frozen=True)
class HeatingCurve:
    """Design values of one substation's secondary side.

    Attributes
    ----------
    design_supply_c, design_return_c : float
        Supply and return temperature at the design outdoor temperature [°C].
    indoor_design_c, outdoor_design_c : float
        :math:`t_n` and :math:`t'_w` [°C] (Heze: 18 and −4.9).
    exponent_b : float
        Heat-emitter exponent :math:`b` (radiators ≈ 0.3, floor heating ≈ 0.1).
    regulation : {"quality", "quantity"}
        质调节 (constant flow) or 量调节 (constant supply temperature).
    min_supply_c : float
        Lowest supply set-point the controller sends [°C] (hot water, valve authority).
    min_relative_load : float
        Relative load used at and above the indoor design temperature, so that the curve stays
        defined in mild weather.
    """

    design_supply_c: float = 75.0
    design_return_c: float = 50.0
    indoor_design_c: float = 18.0
    outdoor_design_c: float = -4.9
    exponent_b: float = 0.3
    regulation: str = QUALITY
    min_supply_c: float = 0.0
    min_relative_load: float = 0.02

    def __post_init__(self):
        if self.regulation not in (QUALITY, QUANTITY):
            raise ValueError(f"regulation must be {QUALITY!r} or {QUANTITY!r}")
        if not self.design_supply_c > self.design_return_c > self.indoor_design_c:
            raise ValueError("need design supply > design return > indoor design temperature")
        if not self.indoor_design_c > self.outdoor_design_c:
            raise ValueError("need indoor design > outdoor design temperature")


RADIATOR = HeatingCurve(design_supply_c=75.0, design_return_c=50.0, exponent_b=0.3)
"""Radiator substation, GB 50736-2012 design 75/50 °C, b = 0.3."""
FLOOR = HeatingCurve(design_supply_c=45.0, design_return_c=35.0, exponent_b=0.1)
"""Floor-heating substation, 45/35 °C, b = 0.1."""


def relative_load(outdoor_temp_c, curve: HeatingCurve) -> np.ndarray:
    """:math:`\\bar Q = (t_n - t_w)/(t_n - t'_w)`, clipped to [min_relative_load, ∞)."""
    t = np.asarray(outdoor_temp_c, dtype=float)
    q = (curve.indoor_design_c - t) / (curve.indoor_design_c - curve.outdoor_design_c)
    return np.maximum(q, curve.min_relative_load)


def setpoints(outdoor_temp_c, curve: HeatingCurve) -> dict[str, np.ndarray]:
    """Supply and return set-points and relative flow for outdoor temperatures.

    Parameters
    ----------
    outdoor_temp_c : array_like
        Outdoor temperature :math:`t_w` [°C], any shape.
    curve : HeatingCurve

    Returns
    -------
    dict
        ``supply_temp_c``, ``return_temp_c`` [°C] and ``relative_flow`` [-] (1 for quality
        regulation), each shaped like the input. The supply set-point is not below
        ``curve.min_supply_c``.
    """
    q = relative_load(outdoor_temp_c, curve)
    tn, tg, th = curve.indoor_design_c, curve.design_supply_c, curve.design_return_c
    mean_excess = 0.5 * (tg + th - 2.0 * tn) * q ** (1.0 / (1.0 + curve.exponent_b))
    if curve.regulation == QUALITY:
        half_diff = 0.5 * (tg - th) * q
        supply = tn + mean_excess + half_diff
        ret = tn + mean_excess - half_diff
        flow = np.ones_like(q)
    else:
        supply = np.full_like(q, tg)
        ret = _quantity_return(q, curve)
        flow = q * (tg - th) / np.maximum(supply - ret, 1e-9)
    supply = np.maximum(supply, curve.min_supply_c)
    return {"supply_temp_c": supply, "return_temp_c": ret, "relative_flow": flow}


def relative_load_at_supply(supply_temp_c, curve: HeatingCurve) -> np.ndarray:
    """The heating curve inverted: relative load :math:`\\bar Q` [-] at which a quality-
    regulated ``curve`` asks for ``supply_temp_c`` [°C].

    With constant flow the emitters' output follows the supply temperature along the
    curve, so :math:`\\bar Q` × design load is the heat a substation passes when its supply is
    held at that temperature (rooms at the design indoor temperature; warmer rooms take a
    little less, so this bounds a raise from above). Solved by bisection on
    :math:`\\tau_g(\\bar Q)` (monotone, module formula [1]_) to ~1e-9: 0 below the curve's
    lowest set-point, 2 (twice the design load) for anything above the curve's value there.
    Quantity regulation keeps the supply constant, so it has no inverse (``ValueError``).
    """
    if curve.regulation != QUALITY:
        raise ValueError("only a quality-regulated curve can be inverted by supply temperature")
    target = np.asarray(supply_temp_c, dtype=float)
    low = np.zeros_like(target)
    high = np.full_like(target, 2.0)
    span_k = curve.indoor_design_c - curve.outdoor_design_c
    for _step in range(40):
        mid = 0.5 * (low + high)
        supply = setpoints(curve.indoor_design_c - mid * span_k, curve)["supply_temp_c"]
        below = supply <= target
        low = np.where(below, mid, low)
        high = np.where(below, high, mid)
    lowest = setpoints(curve.indoor_design_c, curve)["supply_temp_c"]
    return np.where(target < lowest, 0.0, low)


def _lmtd(supply_c, return_c, indoor_c):
    return log_mean_temperature_difference_k(supply_c - indoor_c, return_c - indoor_c)


def _quantity_return(q: np.ndarray, curve: HeatingCurve) -> np.ndarray:
    tn, tg = curve.indoor_design_c, curve.design_supply_c
    target = _lmtd(tg, curve.design_return_c, tn) * q ** (1.0 / (1.0 + curve.exponent_b))
    lo = np.full_like(q, tn + 1e-9)
    hi = np.full_like(q, tg)
    # The LMTD grows monotonically with the return temperature: bisect it.
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        low_side = _lmtd(tg, mid, tn) < target
        lo = np.where(low_side, mid, lo)
        hi = np.where(low_side, hi, mid)
    return 0.5 * (lo + hi)


def fit_heating_curve(
    outdoor_temp_c,
    supply_temp_c,
    return_temp_c=None,
    start: HeatingCurve = RADIATOR,
    fit_indoor: bool = True,
    fit_min_supply: bool = True,
) -> HeatingCurve:
    """Design parameters of a substation's quality-regulation curve from operating history.

    Robust least squares (soft-L1) of the supply (and return, if given) temperatures
    predicted by :func:`setpoints` against measured ones. The design outdoor temperature is
    kept from ``start``: it only scales the other parameters and is not identifiable from
    operation. Fitted: design supply and return, exponent b, optionally the indoor design
    temperature (the curve's foot point) and the minimum supply set-point.

    Parameters
    ----------
    outdoor_temp_c, supply_temp_c, return_temp_c : array_like, shape (n,)
        Hourly operating data [°C]; rows with any NaN are ignored.
    start : HeatingCurve
        Initial guess, and the fixed outdoor design temperature and regulation.

    Returns
    -------
    HeatingCurve
    """
    tw = np.asarray(outdoor_temp_c, dtype=float)
    ts = np.asarray(supply_temp_c, dtype=float)
    tr = None if return_temp_c is None else np.asarray(return_temp_c, dtype=float)
    ok = np.isfinite(tw) & np.isfinite(ts)
    if tr is not None:
        ok &= np.isfinite(tr)
    tw, ts = tw[ok], ts[ok]
    tr = tr[ok] if tr is not None else None
    if tw.size < 10:
        raise ValueError("fit_heating_curve needs at least 10 valid rows")

    names = ["design_supply_c", "design_return_c", "exponent_b"]
    x0 = [start.design_supply_c, start.design_return_c, start.exponent_b]
    lower, upper = [20.0, 15.0, 0.0], [150.0, 120.0, 1.5]
    if fit_indoor:
        names.append("indoor_design_c")
        x0.append(start.indoor_design_c)
        lower.append(10.0)
        upper.append(30.0)
    if fit_min_supply:
        names.append("min_supply_c")
        x0.append(max(start.min_supply_c, float(np.percentile(ts, 2))))
        lower.append(0.0)
        upper.append(100.0)

    def curve_of(x):
        return replace(start, **dict(zip(names, map(float, x), strict=True)))

    def residual(x):
        values = dict(zip(names, map(float, x), strict=True))
        supply = values["design_supply_c"]
        ret = values["design_return_c"]
        indoor = values.get("indoor_design_c", start.indoor_design_c)
        # Penalise unphysical orderings instead of failing inside the curve.
        if not (supply > ret + 0.5 > indoor + 1.0):
            return np.full(tw.size * (1 if tr is None else 2), 1e3)
        c = curve_of(x)
        sp = setpoints(tw, c)
        res = sp["supply_temp_c"] - ts
        if tr is not None:
            res = np.concatenate([res, sp["return_temp_c"] - tr])
        return res

    x0 = np.clip(x0, np.array(lower) + 1e-6, np.array(upper) - 1e-6)
    fit = least_squares(residual, x0, bounds=(lower, upper), loss="soft_l1", f_scale=2.0)
    return curve_of(fit.x)


def log_mean_temperature_difference_k(hot_end_k, cold_end_k):
    """Logarithmic mean of two positive temperature differences [K]:
    ``(Δa − Δb) / ln(Δa / Δb)``, ``Δa`` where the two are equal."""
    a, b = np.asarray(hot_end_k, float), np.asarray(cold_end_k, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (a - b) / np.log(a / b)
    return np.where(np.abs(a - b) < 1e-6 * np.maximum(a, 1e-12), a, mean)


def exchanger_primary_delta_t_k(
    relative_load,
    primary_supply_c,
    secondary_supply_c,
    secondary_return_c,
    *,
    design_primary_supply_c,
    design_primary_return_c,
    design_secondary_supply_c,
    design_secondary_return_c,
    min_delta_t_k: float = 5.0,
    bisection_steps: int = 50,
) -> np.ndarray:
    """Primary-side temperature difference [K] of substations' heat exchangers, per hour.

    A substation's control valve throttles the primary flow until its counter-flow exchanger
    transfers the heat that brings the secondary supply to its set-point; the secondary side
    runs its heating curve at constant flow (质调节). With the design heat-transfer capacity
    ``UA = Q′ / LMTD′`` the heat ``Q = Q̄ Q′`` needs ``LMTD(τ1g − τ2g, τ1h − τ2h) = Q̄ LMTD′``,
    which fixes the primary return τ1h (bisection; the LMTD grows with τ1h). At the design
    point this gives the design difference (e.g. 110/70 → 40 K); at part load the exchanger has
    area to spare, the primary return approaches the secondary return and the primary
    difference is larger than ``Q̄`` times the design one, so the primary flow falls below its
    design value (constant flow would put every pipe at exactly 100 % of its design flow on a
    mild day). U·A is held at its design value (it falls somewhat with the flow, so the flows
    here are slightly low at part load). Where the exchanger cannot transfer the heat even
    with no primary cooling, the difference is ``min_delta_t_k``.

    Arrays broadcast: ``relative_load`` (Q/Q′) and the temperatures [°C] are typically (24, S),
    the design values (S,). Reference: 贺平 等, 供热工程 (第五版), §10.5 (间接连接热网的调节).
    """
    relative = np.maximum(np.asarray(relative_load, float), 0.0)
    t1s = np.asarray(primary_supply_c, float)
    t2s = np.asarray(secondary_supply_c, float)
    t2r = np.asarray(secondary_return_c, float)
    design_lmtd = log_mean_temperature_difference_k(
        np.asarray(design_primary_supply_c, float) - np.asarray(design_secondary_supply_c, float),
        np.asarray(design_primary_return_c, float) - np.asarray(design_secondary_return_c, float),
    )
    target = relative * design_lmtd
    hot_end = np.maximum(t1s - t2s, 0.5)
    shape = np.broadcast_shapes(target.shape, hot_end.shape, t2r.shape, t1s.shape)
    hot_end, target = np.broadcast_to(hot_end, shape), np.broadcast_to(target, shape)
    highest = np.broadcast_to(np.maximum(t1s - t2r, 1e-3), shape)  # primary return ≤ supply
    low, high = np.full(shape, 1e-9), highest.copy()
    for _step in range(bisection_steps):
        mid = 0.5 * (low + high)
        too_small = log_mean_temperature_difference_k(hot_end, mid) < target
        low = np.where(too_small, mid, low)
        high = np.where(too_small, high, mid)
    cold_end = 0.5 * (low + high)
    delta = t1s - (t2r + cold_end)
    return np.clip(delta, min_delta_t_k, np.maximum(highest, min_delta_t_k))
