"""Indoor temperature of a community from delivered heat: a calibrated grey-box RC model.

One thermal capacity :math:`C` [kWh/K] behind one resistance :math:`R` [K/kW] to outdoors,
heated by the delivered heat :math:`q` [kW], an equivalent internal gain :math:`g` [kW]
(people, appliances; constant, or shaped by an optional hour-of-day schedule :math:`s_h`)
and, when global horizontal radiation :math:`I` [W/m²] is given, the sun through an
effective aperture :math:`A` [m²] (the glazing's area × transmittance × shading as seen
from the horizontal; ISO 13790 §11.3's solar gain :math:`\\Phi_{sol} = A_{sol} I`):

.. math:: C \\frac{dT}{dt} = q + g\\,s_h + A I / 1000 - \\frac{T - T_{out}}{R}

With hourly piecewise-constant inputs the exact discrete form is

.. math::

    T_{k+1} = T^{ss}_k + (T_k - T^{ss}_k)\\, e^{-\\Delta t/\\tau},\\quad
    T^{ss}_k = T_{out,k} + R (q_k + g\\,s_{h(k)} + A I_k / 1000),\\quad \\tau = R C .

:math:`R`, :math:`\\tau`, :math:`g` (and :math:`A` with radiation) are calibrated by least squares on measured indoor
temperatures (continuous sensors or sparse visit readings), simulating forward and
restarting from a measurement at the start of every segment (multiple shooting) so that one
bad stretch does not bias the rest.

References
----------
.. [1] P. Bacher, H. Madsen, Identifying suitable models for the heat dynamics of buildings,
   Energy and Buildings 43 (2011) 1511–1522 (the "Ti" one-state model).
.. [2] ISO 13790:2008 §12.2 (building time constant).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares
from scipy.signal import lfilter


@dataclass(frozen=True)
class IndoorParameters:
    """Parameters of the one-state RC model.

    Attributes
    ----------
    resistance_k_per_kw : float
        :math:`R`, indoor–outdoor temperature difference per kW of net heat [K/kW].
    time_constant_h : float
        :math:`\\tau = RC` [h].
    gain_kw : float
        Equivalent internal free heat :math:`g` [kW] (its mean over the day when a schedule
        shapes it).
    aperture_m2 : float
        Effective solar aperture :math:`A` [m²]: kW gained per kW/m² of global horizontal
        radiation. 0 without radiation data.
    """

    resistance_k_per_kw: float
    time_constant_h: float = 60.0
    gain_kw: float = 0.0
    aperture_m2: float = 0.0

    @classmethod
    def from_design(
        cls,
        design_heat_kw: float,
        indoor_design_c: float = 18.0,
        outdoor_design_c: float = -4.9,
        time_constant_h: float = 60.0,
    ) -> IndoorParameters:
        """Uncalibrated parameters: the design heat holds the design indoor temperature."""
        return cls((indoor_design_c - outdoor_design_c) / design_heat_kw, time_constant_h, 0.0)


def free_gain_kw(
    params: IndoorParameters, n: int, solar_w_m2=None, gain_factor=None
) -> np.ndarray | float:
    """Free heat [kW] of each hour: internal gain (× schedule factor) plus solar gain."""
    gain = params.gain_kw if gain_factor is None else params.gain_kw * np.asarray(gain_factor)
    if solar_w_m2 is not None:
        gain = gain + params.aperture_m2 * np.nan_to_num(np.asarray(solar_w_m2, float)) / 1000.0
    return gain


def simulate_indoor(
    params: IndoorParameters,
    outdoor_temp_c,
    heat_kw,
    initial_indoor_c: float | None = None,
    dt_h: float = 1.0,
    solar_w_m2=None,
    gain_factor=None,
) -> np.ndarray:
    """Indoor temperature [°C] after each step for hourly outdoor temperature and heat.

    ``result[k]`` is the temperature at the *start* of step k (``result[0]`` is the initial
    state; the steady state of step 0 if not given). ``solar_w_m2``: hourly global
    horizontal radiation [W/m²] (None: no solar term); ``gain_factor``: hourly factor of the
    internal gain (None: constant).
    """
    t_out = np.asarray(outdoor_temp_c, dtype=float)
    q = np.asarray(heat_kw, dtype=float)
    gain = free_gain_kw(params, t_out.size, solar_w_m2, gain_factor)
    steady = t_out + params.resistance_k_per_kw * (q + gain)
    if steady.size == 0:
        return steady
    phi = np.exp(-dt_h / max(params.time_constant_h, 1e-6))
    start = steady[0] if initial_indoor_c is None else float(initial_indoor_c)
    # T[k+1] = phi T[k] + (1 - phi) Tss[k]; output T[0..n-1].
    after, _ = lfilter([1.0 - phi], [1.0, -phi], steady[:-1], zi=[phi * start])
    return np.concatenate([[start], after])


class SolarInputMissingWarning(UserWarning):
    """A model fitted with a solar aperture was used without radiation: the sun counts as
    zero (rooms predicted colder, more heat planned). Pass ``solar_w_m2`` (zeros to say
    "no sun" on purpose) to silence it."""


def _warn_if_sun_missing(params: IndoorParameters, solar_w_m2, what: str) -> None:
    if solar_w_m2 is None and params.aperture_m2 > 0:
        warnings.warn(
            f"IndoorModel.{what}: the model was fitted with a solar aperture of "
            f"{params.aperture_m2:.3g} m² but no solar_w_m2 was given; the sun counts as zero "
            "(pass solar_w_m2, zeros if no sun is meant)",
            SolarInputMissingWarning,
            stacklevel=3,
        )


class IndoorModel:
    """Calibrated RC model of one community (or one substation's sampled apartments).

    ``gain_schedule``: optional 24 factors (hour of day 0–23, mean 1) shaping the internal
    gain, e.g. more at the evening occupancy peak; ``fit``/``predict`` then need
    ``hour_of_day`` (the clock hour of each row).

    ``check_solar`` (default True): with radiation, keep the fitted aperture only if it
    predicts the training data's own held-out weeks better (see :meth:`fit`); winter data
    with little sun can trade the constant gain for a spurious aperture that then
    over-heats sunny spring days in the simulation — and so would cut heat wrongly in a plan.
    """

    def __init__(
        self,
        params: IndoorParameters | None = None,
        segment_h: int = 168,
        gain_schedule=None,
        check_solar: bool = True,
    ):
        self.params = params
        self.segment_h = segment_h
        self.check_solar = check_solar
        #: with radiation: "kept" or "dropped" (the aperture's check), and both scores
        self.solar_check: dict | None = None
        if gain_schedule is not None:
            gain_schedule = np.asarray(gain_schedule, dtype=float)
            if gain_schedule.shape != (24,) or not np.all(np.isfinite(gain_schedule)):
                raise ValueError("gain_schedule needs 24 finite factors (hours 0-23)")
            gain_schedule = gain_schedule / gain_schedule.mean()
        self.gain_schedule = gain_schedule

    def _gain_factor(self, hour_of_day, n):
        if self.gain_schedule is None:
            return None
        if hour_of_day is None:
            raise ValueError("a gain_schedule needs hour_of_day for every row")
        hours = np.asarray(hour_of_day, dtype=int)
        if hours.shape != (n,):
            raise ValueError(f"hour_of_day: expected {n} values, got {hours.shape}")
        return self.gain_schedule[hours % 24]

    def _simulate_segments(self, params, t_out, q, measured, solar=None, factor=None):
        """Simulation restarted at each segment start from the first measurement in it."""
        n = t_out.size
        out = np.empty(n)
        for start in range(0, n, self.segment_h):
            stop = min(start + self.segment_h, n)
            seg_meas = measured[start:stop]
            ok = np.flatnonzero(np.isfinite(seg_meas))
            if ok.size == 0:
                out[start:stop] = np.nan
                continue
            first = start + ok[0]
            out[start:first] = np.nan
            out[first:stop] = simulate_indoor(
                params,
                t_out[first:stop],
                q[first:stop],
                measured[first],
                solar_w_m2=None if solar is None else solar[first:stop],
                gain_factor=None if factor is None else factor[first:stop],
            )
        return out

    def fit(
        self, indoor_temp_c, outdoor_temp_c, heat_kw, solar_w_m2=None, hour_of_day=None
    ) -> IndoorModel:
        """Calibrate :math:`R`, :math:`\\tau`, :math:`g` on hourly data (NaN indoor allowed),
        and the solar aperture :math:`A` ≥ 0 when ``solar_w_m2`` is given.

        Parameters
        ----------
        indoor_temp_c : array_like, (n,)
            Measured indoor temperature [°C]; NaN where not measured (visits are sparse).
        outdoor_temp_c, heat_kw : array_like, (n,)
            Gap-free hourly outdoor temperature [°C] and delivered heat [kW].
        solar_w_m2 : array_like, (n,), optional
            Global horizontal radiation [W/m²] (NaN counts as 0). Without it the fit is
            exactly the model without sun.
        hour_of_day : array_like of int, (n,), optional
            Clock hour of each row; needed with a ``gain_schedule``.

        With radiation and ``check_solar``, both models (with and without aperture) are
        first fitted on every other segment of the data and scored (mean absolute error of
        the segment simulations) on the others, and the other way round; the aperture is
        kept only if it lowers that error by at least 2 %, else the model without sun is
        fitted (aperture 0). ``solar_check`` records the decision and both errors.
        """
        if solar_w_m2 is not None and self.check_solar:
            t_in = np.asarray(indoor_temp_c, dtype=float)
            segment = np.arange(t_in.size) // self.segment_h
            errors = {}
            for label, sun in (("with_sun", solar_w_m2), ("without_sun", None)):
                total, count = 0.0, 0
                for half in (0, 1):
                    train = segment % 2 == half
                    trial = IndoorModel(
                        segment_h=self.segment_h,
                        gain_schedule=self.gain_schedule,
                        check_solar=False,
                    )
                    trial._fit(
                        np.where(train, t_in, np.nan),
                        outdoor_temp_c,
                        heat_kw,
                        sun,
                        hour_of_day,
                    )
                    sim = trial._simulate_segments(
                        trial.params,
                        np.asarray(outdoor_temp_c, float),
                        np.asarray(heat_kw, float),
                        np.where(~train, t_in, np.nan),
                        None if sun is None else np.nan_to_num(np.asarray(sun, float)),
                        self._gain_factor(hour_of_day, t_in.size),
                    )
                    err = np.abs(sim - t_in)[~train]
                    total += float(np.nansum(err))
                    count += int(np.isfinite(err).sum())
                errors[label] = total / max(count, 1)
            keep = errors["with_sun"] < 0.98 * errors["without_sun"]
            self.solar_check = {"decision": "kept" if keep else "dropped", **errors}
            if not keep:
                solar_w_m2 = None
        self._fit(indoor_temp_c, outdoor_temp_c, heat_kw, solar_w_m2, hour_of_day)
        return self

    def _fit(self, indoor_temp_c, outdoor_temp_c, heat_kw, solar_w_m2, hour_of_day):
        """The least-squares calibration of :meth:`fit` (no aperture check)."""
        t_in = np.asarray(indoor_temp_c, dtype=float)
        t_out = np.asarray(outdoor_temp_c, dtype=float)
        q = np.asarray(heat_kw, dtype=float)
        solar = None if solar_w_m2 is None else np.nan_to_num(np.asarray(solar_w_m2, float))
        factor = self._gain_factor(hour_of_day, t_out.size)
        ok = np.isfinite(t_in)
        if ok.sum() < 3:
            raise ValueError("indoor model needs at least 3 indoor measurements")
        mean_q = max(float(np.nanmean(q)), 1e-6)
        guess_r = max(float(np.nanmean(t_in - t_out)) / mean_q, 1e-6)
        # aperture scaled so that x[3] = 1 gains the mean heat at the mean radiation
        mean_sun = max(float(np.mean(solar)), 1e-6) if solar is not None else 1.0

        def unpack(x):
            aperture = x[3] * mean_q * 1000.0 / mean_sun if solar is not None else 0.0
            return IndoorParameters(
                guess_r * np.exp(x[0]), float(np.exp(x[1])), x[2] * mean_q, float(aperture)
            )

        def residual(x):
            sim = self._simulate_segments(unpack(x), t_out, q, t_in, solar, factor)
            res = sim[ok] - t_in[ok]
            return np.nan_to_num(res)

        lower, upper = [-5.0, np.log(1.0), -5.0], [5.0, np.log(2000.0), 5.0]
        if solar is not None:
            lower, upper = lower + [0.0], upper + [5.0]
        best = None
        for tau0 in (12.0, 48.0, 200.0):  # the time constant has local minima
            start = [0.0, np.log(tau0), 0.0] + ([0.05] if solar is not None else [])
            fit = least_squares(residual, start, bounds=(lower, upper), loss="soft_l1", f_scale=0.5)
            if best is None or fit.cost < best.cost:
                best = fit
        self.params = unpack(best.x)
        return self

    def predict(
        self,
        outdoor_temp_c,
        heat_kw,
        initial_indoor_c: float | None = None,
        solar_w_m2=None,
        hour_of_day=None,
    ):
        """Indoor temperature [°C] for hourly outdoor temperature [°C] and heat [kW]
        (and global horizontal radiation [W/m²] when the model has a solar aperture: without
        it the sun counts as zero, with a :class:`SolarInputMissingWarning`)."""
        _warn_if_sun_missing(self.params, solar_w_m2, "predict")
        t_out = np.asarray(outdoor_temp_c, dtype=float)
        return simulate_indoor(
            self.params,
            t_out,
            heat_kw,
            initial_indoor_c,
            solar_w_m2=solar_w_m2,
            gain_factor=self._gain_factor(hour_of_day, t_out.size),
        )

    def steady_state_coefficients(self, outdoor_temp_c, solar_w_m2=None):
        """:math:`(a, k)` of the steady state :math:`T = a + k q` for :func:`allocate`.

        :math:`a = T_{out} + R (g + A I/1000)` [°C], :math:`k = R` [K/kW].
        """
        _warn_if_sun_missing(self.params, solar_w_m2, "steady_state_coefficients")
        t_out = np.asarray(outdoor_temp_c, dtype=float)
        r = self.params.resistance_k_per_kw
        gain = free_gain_kw(self.params, t_out.size, solar_w_m2)
        return t_out + r * gain, np.full_like(t_out, r)

    def heat_for(self, target_indoor_c: float, outdoor_temp_c, solar_w_m2=None) -> np.ndarray:
        """Steady heat [kW] that holds ``target_indoor_c`` at each outdoor temperature
        (less the sun's gain when ``solar_w_m2`` is given)."""
        _warn_if_sun_missing(self.params, solar_w_m2, "heat_for")
        t_out = np.asarray(outdoor_temp_c, dtype=float)
        p = self.params
        gain = free_gain_kw(p, t_out.size, solar_w_m2)
        return np.maximum((target_indoor_c - t_out) / p.resistance_k_per_kw - gain, 0.0)


def heat_to_hold_indoor(
    params: IndoorParameters,
    target_indoor_c: float,
    outdoor_temp_c,
    solar_w_m2=None,
    initial_indoor_c: float | None = None,
    max_heat_kw=None,
    gain_factor=None,
    dt_h: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Least hourly heat [kW] that keeps the indoor temperature at or above a target.

    Hour by hour, the heat q_k for which the exact step of the RC model ends at the target,

        q_k = max(0, ((T* − φ·T_k)/(1 − φ) − T_out,k)/R − g·s_k − A·I_k/1000),  φ = e^(−Δt/τ),

    capped at ``max_heat_kw``; a room above the target (after a sunny afternoon, or from
    ``initial_indoor_c``) coasts down to it before heat is spent again, and sun that warms
    the rooms replaces heat. The result is the heat and the indoor temperature it gives (at
    the start of each hour, as :func:`simulate_indoor`), so a caller sees where a cap left
    the rooms below the target.

    Parameters
    ----------
    params : IndoorParameters
        Calibrated (``IndoorModel(...).fit(...).params``) or design parameters.
    target_indoor_c : float
        Lowest indoor temperature to hold [°C] (e.g. 18).
    outdoor_temp_c : array_like, (n,)
        Hourly (forecast) outdoor temperature [°C].
    solar_w_m2 : array_like, (n,), optional
        Hourly global horizontal radiation [W/m²]; None: no solar term (the model without
        sun).
    initial_indoor_c : float, optional
        Indoor temperature at the start [°C]; default the target.
    max_heat_kw : float or array_like, optional
        Heat available each hour [kW].
    gain_factor : array_like, (n,), optional
        Internal-gain schedule factor of each hour.

    Returns
    -------
    heat_kw, indoor_temp_c : ndarray, (n,)
    """
    t_out = np.asarray(outdoor_temp_c, dtype=float)
    n = t_out.size
    gain = np.broadcast_to(free_gain_kw(params, n, solar_w_m2, gain_factor), (n,))
    cap = np.broadcast_to(np.inf if max_heat_kw is None else np.asarray(max_heat_kw, float), (n,))
    r = params.resistance_k_per_kw
    phi = np.exp(-dt_h / max(params.time_constant_h, 1e-6))
    temp = float(target_indoor_c if initial_indoor_c is None else initial_indoor_c)
    heat, indoor = np.empty(n), np.empty(n)
    for k in range(n):
        indoor[k] = temp
        need = ((target_indoor_c - phi * temp) / (1.0 - phi) - t_out[k]) / r - gain[k]
        heat[k] = min(max(need, 0.0), cap[k])
        steady = t_out[k] + r * (heat[k] + gain[k])
        temp = steady + (temp - steady) * phi
    return heat, indoor
