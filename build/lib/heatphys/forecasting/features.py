"""Weather features shared by the demand models.

References
----------
.. [1] ISO 13790:2008, Energy performance of buildings — Calculation of energy use for space
   heating and cooling, §12.2 (building time constant).
.. [2] GB 50736-2012, Design code for heating ventilation and air conditioning of civil
   buildings, §5.2 (heat load, wind and orientation corrections).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.signal import lfilter


def smoothed_temperature(outdoor_temp_c: np.ndarray, time_constant_h: float) -> np.ndarray:
    """First-order (exponential) lag of the hourly outdoor temperature.

    .. math:: T_{eff,k} = T_{eff,k-1} + (1 - e^{-1/\\tau}) (T_k - T_{eff,k-1})

    which is the exact response of a one-capacity building with time constant
    :math:`\\tau` [h] to a stepwise hourly outdoor temperature [1]_. The filter starts at the
    first value so that it has no warm-up transient towards 0 °C.

    Parameters
    ----------
    outdoor_temp_c : array, shape (n,)
        Gap-free hourly outdoor temperature [°C].
    time_constant_h : float
        Time constant :math:`\\tau` [h]; 0 returns the input.

    Returns
    -------
    array, shape (n,)
        Effective outdoor temperature [°C].
    """
    temp = np.asarray(outdoor_temp_c, dtype=float)
    if time_constant_h <= 0 or temp.size == 0:
        return temp.copy()
    alpha = 1.0 - np.exp(-1.0 / time_constant_h)
    out, _ = lfilter([alpha], [1.0, alpha - 1.0], temp, zi=[(1.0 - alpha) * temp[0]])
    return out


def effective_outdoor_temperature(
    weather: pd.DataFrame,
    time_constant_h: float = 24.0,
    wind_k_per_m_s: float = 0.0,
    solar_k_per_w_m2: float = 0.0,
) -> pd.Series:
    """Outdoor temperature as the building feels it: lagged, colder in wind, warmer in sun.

    .. math:: T_{eff} = \\mathrm{lag}_\\tau(T_{out} - c_w v + c_s G)

    Wind raises infiltration and the outer surface coefficient, sun adds gains through
    windows; both are expressed as an equivalent temperature shift [2]_ and pass through the
    same inertia filter as the air temperature. Columns that the weather lacks contribute 0.

    Parameters
    ----------
    weather : DataFrame
        Hourly, gap-free; ``outdoor_temp_c`` [°C], optional ``wind_speed_m_s`` [m/s] and
        ``solar_w_m2`` [W/m²].
    time_constant_h : float
        Building time constant [h].
    wind_k_per_m_s : float
        Equivalent cooling per m/s of wind [K·s/m].
    solar_k_per_w_m2 : float
        Equivalent warming per W/m² of global irradiance [K·m²/W].

    Returns
    -------
    Series
        ``t_eff_c`` [°C] on the weather's index.
    """
    temp = weather["outdoor_temp_c"].to_numpy(dtype=float)
    if wind_k_per_m_s and "wind_speed_m_s" in weather:
        temp = temp - wind_k_per_m_s * np.nan_to_num(weather["wind_speed_m_s"].to_numpy(float))
    if solar_k_per_w_m2 and "solar_w_m2" in weather:
        temp = temp + solar_k_per_w_m2 * np.nan_to_num(weather["solar_w_m2"].to_numpy(float))
    return pd.Series(
        smoothed_temperature(temp, time_constant_h), index=weather.index, name="t_eff_c"
    )
