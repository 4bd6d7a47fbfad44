"""Fluid properties for incompressible network flow.

A property is either a constant or a table over temperature (°C) interpolated linearly and
extrapolated linearly beyond its ends, which is how pandapipes evaluates its tabulated "water"
fluid (``FluidPropertyInterExtra``), so both engines see the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Fluid", "Property", "WATER_CONSTANT"]

# how far beyond its ends a property table is extrapolated linearly (K); far outside any
# temperature a liquid network can reach
_EXTRAPOLATION_REACH_K = 1e4


@dataclass(frozen=True)
class Property:
    """A fluid property: constant ``value`` or a table ``(temps_c, values)``.

    Parameters
    ----------
    value : float, optional
        Constant value in SI units.
    temps_c, values : tuple of float, optional
        Table over temperature in °C (ascending), linear inter- and extrapolation.
    """

    value: float | None = None
    temps_c: tuple[float, ...] = ()
    values: tuple[float, ...] = ()

    def __post_init__(self):
        # The table as arrays, computed once (a solver evaluates properties several times per
        # Newton step; rebuilding the arrays from the tuples and testing for extrapolation on
        # every call dominated small networks). Linear extrapolation is built into the table:
        # one point far beyond each end, on the line of the end segment, so that a single
        # ``np.interp`` call interpolates inside and extrapolates outside.
        if self.value is None:
            x = np.asarray(self.temps_c, dtype=float)
            y = np.asarray(self.values, dtype=float)
            if x.ndim != 1 or x.shape != y.shape or not len(x):
                raise ValueError("a property table needs (temperature, value) pairs")
            if len(x) == 1:  # one point: a constant (as np.interp would give)
                x, y = np.array([x[0], x[0] + 1.0]), np.array([y[0], y[0]])
            reach = _EXTRAPOLATION_REACH_K
            y_lo = y[0] - reach * (y[1] - y[0]) / (x[1] - x[0])
            y_hi = y[-1] + reach * (y[-1] - y[-2]) / (x[-1] - x[-2])
            object.__setattr__(self, "_x", np.concatenate([[x[0] - reach], x, [x[-1] + reach]]))
            object.__setattr__(self, "_y", np.concatenate([[y_lo], y, [y_hi]]))

    @property
    def is_constant(self) -> bool:
        return self.value is not None

    def __call__(self, temp_c):
        """Property at ``temp_c`` (scalar or array, °C): linear interpolation in the table,
        linear extrapolation beyond its ends with the slope of the end segment (as
        pandapipes; ``np.interp`` alone would clamp)."""
        if self.value is not None:
            return np.full(np.shape(temp_c), self.value, dtype=float)
        return np.interp(temp_c, self._x, self._y)


@dataclass(frozen=True)
class Fluid:
    """An incompressible liquid.

    Attributes
    ----------
    name : str
    density : Property
        Density in kg/m³.
    viscosity : Property
        Dynamic viscosity in Pa·s.
    heat_capacity : Property
        Isobaric specific heat capacity in J/(kg·K).
    """

    name: str
    density: Property
    viscosity: Property
    heat_capacity: Property

    @property
    def is_constant(self) -> bool:
        """True when no property depends on temperature (hydraulics then need no re-solve)."""
        return (
            self.density.is_constant
            and self.viscosity.is_constant
            and self.heat_capacity.is_constant
        )

    @classmethod
    def constant(
        cls,
        density_kg_m3=983.0,
        viscosity_pa_s=4.67e-4,
        heat_capacity_j_kgk=4185.0,
        name="water_constant",
    ) -> Fluid:
        """A fluid with constant properties (defaults: water at about 60 °C)."""
        return cls(
            name,
            Property(float(density_kg_m3)),
            Property(float(viscosity_pa_s)),
            Property(float(heat_capacity_j_kgk)),
        )

    def to_dict(self) -> dict:
        def prop(p: Property):
            if p.is_constant:
                return p.value
            return {"temps_c": list(p.temps_c), "values": list(p.values)}

        return {
            "name": self.name,
            "density_kg_m3": prop(self.density),
            "viscosity_pa_s": prop(self.viscosity),
            "heat_capacity_j_kgk": prop(self.heat_capacity),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Fluid:
        def prop(v):
            if isinstance(v, dict):
                return Property(
                    None, tuple(map(float, v["temps_c"])), tuple(map(float, v["values"]))
                )
            return Property(float(v))

        return cls(
            str(data.get("name", "fluid")),
            prop(data["density_kg_m3"]),
            prop(data["viscosity_pa_s"]),
            prop(data["heat_capacity_j_kgk"]),
        )


WATER_CONSTANT = Fluid.constant()
