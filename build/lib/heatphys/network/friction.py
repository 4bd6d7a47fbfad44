"""Darcy friction factor λ(Re) and its derivative dλ/dRe, vectorised.

Models (``friction_model``):

``"nikuradse"``
    λ = 64/Re + 1/(−2·log10(k/(3.71·D)))², the laminar term plus the fully rough Nikuradse
    limit, added as pandapipes does so that one formula spans both regimes.
``"colebrook"``
    Colebrook–White, 1/√λ = −2·log10(2.51/(Re·√λ) + k/(3.71·D)), solved by Newton iteration in
    x = 1/√λ to machine precision (Colebrook 1939).
``"swamee-jain"``
    λ = 0.25 / log10(k/(3.7·D) + 5.74/Re^0.9)², the explicit approximation of Colebrook–White
    (Swamee & Jain 1976).

Re = |ṁ|·D/(η·A). All functions take arrays of equal shape and return ``(lam, dlam_dre)``.

References
----------
Colebrook, C. F. (1939). Turbulent flow in pipes. J. ICE 11(4), 133–156.
Swamee, P. K., Jain, A. K. (1976). Explicit equations for pipe-flow problems. J. Hydraul. Div.
ASCE 102(5), 657–664.
"""

from __future__ import annotations

import numpy as np

__all__ = ["friction_factor", "FRICTION_MODELS"]

FRICTION_MODELS = ("nikuradse", "colebrook", "swamee-jain")
_LN10 = np.log(10.0)
# Below this Reynolds number a branch counts as stagnant: λ·ṁ² vanishes anyway.
_RE_MIN = 1e-9


def friction_factor(re, rel_roughness, model: str = "colebrook", lam0=None):
    """Darcy friction factor λ and dλ/dRe.

    Parameters
    ----------
    re : ndarray
        Reynolds number (≥ 0).
    rel_roughness : ndarray
        k/D (sand roughness over inner diameter).
    model : {"nikuradse", "colebrook", "swamee-jain"}
    lam0 : ndarray, optional
        Colebrook only: a previous solution to start the Newton iteration from (in a
        Newton loop of the network the Reynolds numbers change little between steps, so one
        or two iterations then reach machine precision).

    Returns
    -------
    lam, dlam_dre : ndarray
    """
    re = np.maximum(np.asarray(re, dtype=float), _RE_MIN)
    kd = np.asarray(rel_roughness, dtype=float)
    if model == "nikuradse":
        lam_rough = 1.0 / (-2.0 * np.log10(kd / 3.71)) ** 2
        return 64.0 / re + lam_rough, -64.0 / re**2
    if model == "swamee-jain":
        arg = kd / 3.7 + 5.74 * re**-0.9
        log_arg = np.log10(arg)
        lam = 0.25 / log_arg**2
        dlam = -0.5 / log_arg**3 / (arg * _LN10) * (5.74 * -0.9 * re**-1.9)
        return lam, dlam
    if model == "colebrook":
        c = kd / 3.71
        x = None
        if lam0 is not None:
            # (square roots and divisions: float powers cost several times more)
            x = 1.0 / np.sqrt(np.asarray(lam0, dtype=float))
            if not (np.isfinite(x).all() and (x > 0).all()):
                x = None
        if x is None:
            # Start from Swamee–Jain (within ~1 %)
            x = -2.0 * np.log10(c + 5.74 / 3.7 * re**-0.9)
            x = np.where(np.isfinite(x) & (x > 0), x, 5.0)
        # Newton on F(x) = x + 2·log10(2.51x/Re + c)
        b = 2.51 / re
        two_ln10 = 2.0 / _LN10
        for _ in range(50):
            inner = b * x + c
            step = (x + two_ln10 * np.log(inner)) / (1.0 + two_ln10 * b / inner)
            x = np.maximum(x - step, 1e-3)
            # Newton converges quadratically here: the error left after this step is about
            # |F''/(2F')|·step² ≤ (1/ln10)·(step/x)² (F' ≥ 1, |F''| ≤ (2/ln10)/x²), so a
            # relative step below 2e-7 leaves less than 2e-14 in x (x ≈ 4…12): machine
            # precision without spending another iteration to observe it.
            if not x.size or np.max(np.abs(step / x)) < 2e-7:
                break
        # implicit derivative: with k = 2·b/(ln10·inner), dF/dx = 1 + k and
        # dF/dRe = 2/(ln10·inner)·(−2.51·x/Re²) = −k·x/Re
        k = two_ln10 * b / (b * x + c)
        dx_dre = k * x / (re * (1.0 + k))
        lam = 1.0 / (x * x)
        return lam, -2.0 * lam / x * dx_dre
    raise ValueError(f"unknown friction_model {model!r}; choose one of {FRICTION_MODELS}")
