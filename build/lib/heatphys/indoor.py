"""Indoor temperature of a community from delivered heat: a calibrated grey-box RC model.

One thermal capacity :math:`C` [kWh/K] behind one resistance :math:`R` [K/kW] to outdoors,
heated by the delivered heat :math:`q` [kW] plus a constant equivalent gain :math:`g` [kW]
(people, appliances, average sun):

.. math:: C \\frac{dT}{dt} = q + g - \\frac{T - T_{out}}{R}

With hourly piecewise-constant inputs the exact discrete form is

.. math::

    T_{k+1} = T^{ss}_k + (T_k - T^{ss}_k)\\, e^{-\\Delta t/\\tau},\\quad
    T^{ss}_k = T_{out,k} + R (q_k + g),\\quad \\tau = R C .

:math:`R`, :math:`\\tau` and :math:`g` are calibrated by least squares on measured indoor
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
        Constant equivalent free heat :math:`g` [kW].
    """

    resistance_k_per_kw: float
    time_constant_h: float = 60.0
    gain_kw: float = 0.0

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


def simulate_indoor(
    params: IndoorParameters,
    outdoor_temp_c,
    heat_kw,
    initial_indoor_c: float | None = None,
    dt_h: float = 1.0,
) -> np.ndarray:
    """Indoor temperature [°C] after each step for hourly outdoor temperature and heat.

    ``result[k]`` is the temperature at the *start* of step k (``result[0]`` is the initial
    state; the steady state of step 0 if not given).
    """
    t_out = np.asarray(outdoor_temp_c, dtype=float)
    q = np.asarray(heat_kw, dtype=float)
    steady = t_out + params.resistance_k_per_kw * (q + params.gain_kw)
    if steady.size == 0:
        return steady
    phi = np.exp(-dt_h / max(params.time_constant_h, 1e-6))
    start = steady[0] if initial_indoor_c is None else float(initial_indoor_c)
    # T[k+1] = phi T[k] + (1 - phi) Tss[k]; output T[0..n-1].
    after, _ = lfilter([1.0 - phi], [1.0, -phi], steady[:-1], zi=[phi * start])
    return np.concatenate([[start], after])


class IndoorModel:
    """Calibrated RC model of one community (or one substation's sampled apartments)."""

    def __init__(self, params: IndoorParameters | None = None, segment_h: int = 168):
        self.params = params
        self.segment_h = segment_h

    def _simulate_segments(self, params, t_out, q, measured):
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
                params, t_out[first:stop], q[first:stop], measured[first]
            )
        return out

    def fit(self, indoor_temp_c, outdoor_temp_c, heat_kw) -> IndoorModel:
        """Calibrate :math:`R`, :math:`\\tau`, :math:`g` on hourly data (NaN indoor allowed).

        Parameters
        ----------
        indoor_temp_c : array_like, (n,)
            Measured indoor temperature [°C]; NaN where not measured (visits are sparse).
        outdoor_temp_c, heat_kw : array_like, (n,)
            Gap-free hourly outdoor temperature [°C] and delivered heat [kW].
        """
        t_in = np.asarray(indoor_temp_c, dtype=float)
        t_out = np.asarray(outdoor_temp_c, dtype=float)
        q = np.asarray(heat_kw, dtype=float)
        ok = np.isfinite(t_in)
        if ok.sum() < 3:
            raise ValueError("indoor model needs at least 3 indoor measurements")
        mean_q = max(float(np.nanmean(q)), 1e-6)
        guess_r = max(float(np.nanmean(t_in - t_out)) / mean_q, 1e-6)

        def unpack(x):
            return IndoorParameters(guess_r * np.exp(x[0]), float(np.exp(x[1])), x[2] * mean_q)

        def residual(x):
            sim = self._simulate_segments(unpack(x), t_out, q, t_in)
            res = sim[ok] - t_in[ok]
            return np.nan_to_num(res)

        best = None
        for tau0 in (12.0, 48.0, 200.0):  # the time constant has local minima
            fit = least_squares(
                residual,
                [0.0, np.log(tau0), 0.0],
                bounds=([-5.0, np.log(1.0), -5.0], [5.0, np.log(2000.0), 5.0]),
                loss="soft_l1",
                f_scale=0.5,
            )
            if best is None or fit.cost < best.cost:
                best = fit
        self.params = unpack(best.x)
        return self

    def predict(self, outdoor_temp_c, heat_kw, initial_indoor_c: float | None = None):
        """Indoor temperature [°C] for hourly outdoor temperature [°C] and heat [kW]."""
        return simulate_indoor(self.params, outdoor_temp_c, heat_kw, initial_indoor_c)

    def steady_state_coefficients(self, outdoor_temp_c):
        """:math:`(a, k)` of the steady state :math:`T = a + k q` for :func:`allocate`.

        :math:`a = T_{out} + R g` [°C], :math:`k = R` [K/kW].
        """
        t_out = np.asarray(outdoor_temp_c, dtype=float)
        r = self.params.resistance_k_per_kw
        return t_out + r * self.params.gain_kw, np.full_like(t_out, r)

    def heat_for(self, target_indoor_c: float, outdoor_temp_c) -> np.ndarray:
        """Steady heat [kW] that holds ``target_indoor_c`` at each outdoor temperature."""
        t_out = np.asarray(outdoor_temp_c, dtype=float)
        p = self.params
        return np.maximum((target_indoor_c - t_out) / p.resistance_k_per_kw - p.gain_kw, 0.0)
