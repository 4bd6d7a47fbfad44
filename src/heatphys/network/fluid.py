"""Fluid properties for incompressible network flow.

A property is either a constant or a table over temperature (°C) interpolated linearly and
extrapolated linearly beyond its ends, which is how pandapipes evaluates its tabulated "water"
fluid (``FluidPropertyInterExtra``), so both engines see the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Fluid", "Property", "WATER_CONSTANT"]


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

    @property
    def is_constant(self) -> bool:
        return self.value is not None

    def __call__(self, temp_c):
        """Property at ``temp_c`` (scalar or array, °C)."""
        if self.value is not None:
            return np.full(np.shape(temp_c), self.value, dtype=float)
        x = np.asarray(self.temps_c, dtype=float)
        y = np.asarray(self.values, dtype=float)
        t = np.asarray(temp_c, dtype=float)
        out = np.interp(t, x, y)
        # np.interp clamps; pandapipes extrapolates linearly, and so must we to agree with it.
        lo, hi = t < x[0], t > x[-1]
        if np.any(lo):
            out = np.where(lo, y[0] + (t - x[0]) * (y[1] - y[0]) / (x[1] - x[0]), out)
        if np.any(hi):
            out = np.where(hi, y[-1] + (t - x[-1]) * (y[-1] - y[-2]) / (x[-1] - x[-2]), out)
        return out


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
