"""Pure physics of a company's daily heat plan, out of the Django layer (issue 14).

The plan (``wennuan.planning.engine``) chains: demand → allocation (``heatphys.allocation``) →
raised set-points (:func:`raise_to_overrides`) → set-points from the heat actually allocated
(:func:`equivalent_outdoor_c` on the secondary curve, :func:`source_supply_temp_c` on the
primary one) → hydraulic check → schedule. The sun enters through :func:`solar_gain_kw`
(the free gain of :mod:`heatphys.indoor`'s model with a solar aperture).

Units: heat [kW], temperatures [°C], radiation [W/m²], apertures [m²].
"""

from dataclasses import dataclass

import numpy as np

from .curves import HeatingCurve, relative_load_at_supply, setpoints

PRIMARY_EXPONENT_B = 0.3
"""Exponent b of a source's primary heating curve: the radiator value (GB 50736 radiator
networks; the primary side follows the substations' load)."""

DEFAULT_APERTURE_M2_PER_M2 = 0.03
"""Effective solar aperture per m² of heated floor, relative to global horizontal radiation.

ISO 13790 §11.3: :math:`A_{sol} = F_{sh} g (1 - F_F) A_w`; a Chinese residential block has
windows of ≈ 0.17 m² per m² of floor, g ≈ 0.6, frame fraction 0.25, shading 0.7 (dense
estates), giving ≈ 0.054 m² of vertical aperture per m² of floor; winter radiation on the
facades of all orientations together is ≈ 0.6 of the horizontal global, so ≈ 0.03 m² per m²
against global horizontal radiation. A site calibration (``heatphys.indoor.IndoorModel.fit``
with ``solar_w_m2``) replaces it where indoor sensors exist."""


def solar_gain_kw(aperture_m2, solar_w_m2) -> np.ndarray:
    """Solar heat gain [kW] :math:`\\Phi_{sol} = A \\cdot I / 1000` (ISO 13790 eq. 43) of each
    hour (rows) and building (columns): ``aperture_m2`` (n,), ``solar_w_m2`` (hours,) global
    horizontal radiation; missing or negative radiation counts as none."""
    sun = np.clip(np.nan_to_num(np.asarray(solar_w_m2, dtype=float)), 0.0, None)
    return sun[:, None] * np.asarray(aperture_m2, dtype=float)[None, :] / 1000.0


def heat_less_sun_kw(demand_kw, gain_kw) -> np.ndarray:
    """Steady heat [kW] that holds the planned indoor temperature when the sun gives
    ``gain_kw``: :math:`q = (T^* - T_{out})/R - \\Phi_{sol}`, never negative (the same
    balance as ``heatphys.indoor.IndoorModel.heat_for``; ``demand_kw`` is the sunless term)."""
    return np.maximum(np.asarray(demand_kw, dtype=float) - np.asarray(gain_kw, dtype=float), 0.0)


def equivalent_outdoor_c(heat_kw, design_kw, curve: HeatingCurve) -> np.ndarray:
    """Outdoor temperature [°C] at which the design method asks for ``heat_kw``: set-points
    follow the heat actually allocated (so a cut shows as lower set-points).

    :math:`t_{eq} = t_n - \\bar Q (t_n - t'_w)`, :math:`\\bar Q = Q / Q'` (relative load)."""
    relative = np.asarray(heat_kw) / np.maximum(np.asarray(design_kw), 1e-9)
    return curve.indoor_design_c - relative * (curve.indoor_design_c - curve.outdoor_design_c)


def primary_curve(
    design_supply_c: float,
    design_return_c: float,
    outdoor_design_c: float,
    min_supply_c: float = 0.0,
    exponent_b: float = PRIMARY_EXPONENT_B,
) -> HeatingCurve:
    """A source's primary heating curve (quality regulation) with exponent ``exponent_b``."""
    return HeatingCurve(
        design_supply_c=design_supply_c,
        design_return_c=design_return_c,
        exponent_b=exponent_b,
        outdoor_design_c=outdoor_design_c,
        min_supply_c=min_supply_c,
    )


def source_supply_temp_c(
    most_loaded_relative, curve: HeatingCurve, max_supply_c: float
) -> np.ndarray:
    """A source's outlet set-point [°C] for the relative load of its most loaded substation
    (最不利用户): one set for the average leaves the substations that need more than their
    design share short of temperature, and they pull far more than design flow. Never above
    what the source may send."""
    eq_out = curve.indoor_design_c - np.asarray(most_loaded_relative) * (
        curve.indoor_design_c - curve.outdoor_design_c
    )
    return np.minimum(setpoints(eq_out, curve)["supply_temp_c"], max_supply_c)


def size_pump_lift_bar(
    probe_lift_bar: float, consumer_dp_bar, min_dp_bar: float, reserve_bar: float = 0.3
) -> float:
    """Circulation pump lift [bar] from a design-load solve run with ``probe_lift_bar``: the
    lift that leaves the worst consumer (最不利用户) ``min_dp_bar`` of differential pressure
    plus a reserve, rounded up to 0.1 bar.

    With one pressure-holding pump the consumers' differential pressures move one-to-one with
    its lift, so :math:`H = H_{probe} - \\min_i \\Delta p_i + \\Delta p_{min} + r`
    (the usual sizing: the pump covers the largest loss to any consumer plus what that
    consumer's exchanger and valve need; CJJ 34 §10.3)."""
    worst_dp = float(np.min(np.asarray(consumer_dp_bar, dtype=float)))
    return float(np.ceil((probe_lift_bar - worst_dp + min_dp_bar + reserve_bar) * 10) / 10)


def override_heat_kw(supply_override_c, curves, design_kw) -> np.ndarray:
    """Heat [kW] each substation's radiators give at its supply override (the heating curve
    inverted: relative load at that supply temperature × design load); NaN where none.
    ``supply_override_c`` (hours, S) with NaN = no override."""
    override = np.asarray(supply_override_c, dtype=float)
    heat = np.full(override.shape, np.nan)
    for j in np.flatnonzero(np.isfinite(override).any(axis=0)):
        hours = np.isfinite(override[:, j])
        heat[hours, j] = relative_load_at_supply(override[hours, j], curves[j]) * design_kw[j]
    return heat


@dataclass(frozen=True)
class RaisedAllocation:
    """The allocation after raised supply set-points (arrays (24, …)).

    ``wanted_kw``/``extra_kw`` (24, S): heat above the allocation that each raised substation's
    override asks for (bounded by its overload limit) and what the sources could still give;
    ``overloaded`` (24, S): the override asks for more than the overload limit."""

    heat_kw: np.ndarray
    substation_heat_kw: np.ndarray
    indoor_temp_c: np.ndarray
    wanted_kw: np.ndarray
    extra_kw: np.ndarray
    overloaded: np.ndarray


def raise_to_overrides(
    allocation,
    *,
    override_kw,
    overload_kw,
    deliverable_kw,
    community_demand_kw,
    community_substation,
    substation_demand_kw,
    indoor_at_zero_heat_c,
    indoor_k_per_kw,
) -> RaisedAllocation:
    """Hours where a substation's supply override is above the curve's set-point for the heat
    allocated to it: a hotter supply pushes more heat through its radiators. The substation
    passes the heat the curve gives at the override (``override_kw``), at most its overload
    limit and at most what the sources can still deliver after every other substation got its
    allocation (several raised substations short of capacity in one hour share what is left
    in proportion to what they ask for). Others are never cut for a raise.

    The extra heat goes to the substation's communities in proportion to their demand: one
    supply temperature raises every radiator's output by the same fraction of its design
    output, and demand is design load × weather factor (the same for all communities of one
    substation). Hours where the substation needs no heat get none. Indoor temperatures follow
    from the allocation's own linear model T = a + k q, so they rise above the target."""
    heat = allocation.heat_kw.copy()
    sub_heat = allocation.substation_heat_kw.copy()
    indoor = allocation.indoor_temp_c.copy()
    n_sub = sub_heat.shape[1]
    sub_demand = substation_demand_kw
    # A raise asks for more than the curve gives at the substation's demand. An override
    # between a short allocation and the demand (capacity short) is a lower set-point: it
    # limits, and has nothing more to ask of the sources.
    raised = (
        np.isfinite(override_kw)
        & (override_kw > sub_heat + 1e-6)
        & (override_kw > sub_demand + 1e-6)
        & (sub_demand > 0)
    )
    target_kw = np.minimum(np.nan_to_num(override_kw), overload_kw)
    wanted = np.where(raised, np.maximum(target_kw - sub_heat, 0.0), 0.0)
    if not wanted.any():
        empty = np.zeros_like(sub_heat)
        return RaisedAllocation(heat, sub_heat, indoor, empty, empty, empty.astype(bool))
    spare = np.maximum(deliverable_kw - sub_heat.sum(axis=1), 0.0)
    wanted_total = wanted.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(wanted_total > spare, spare / wanted_total, 1.0)
    extra = wanted * share[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(
            sub_demand[:, community_substation] > 0,
            community_demand_kw / sub_demand[:, community_substation],
            0.0,
        )
    heat = heat + extra[:, community_substation] * weight
    sub_heat = np.zeros((heat.shape[0], n_sub))
    np.add.at(sub_heat.T, community_substation, heat.T)
    touched = raised[:, community_substation] & (community_demand_kw > 0)
    indoor = np.where(touched, indoor_at_zero_heat_c + indoor_k_per_kw * heat, indoor)
    overloaded = raised & (np.nan_to_num(override_kw) > overload_kw + 1e-6)
    return RaisedAllocation(heat, sub_heat, indoor, wanted, extra, overloaded)
