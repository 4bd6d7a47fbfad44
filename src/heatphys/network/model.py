"""The network model: tables of junctions, pipes and the elements between them.

A :class:`Network` is an immutable bundle of pandas DataFrames, one per element type, each
indexed by the caller's element ids (those ids come back as the index of the result tables).
Column names carry units. Missing optional columns, and missing (None/NaN) entries of
optional columns given on some rows only, take their defaults, so a caller only passes what it
knows. See ``docs/network-format.md`` for every column.

Consumer (substation) modes follow pandapipes' ``heat_consumer``: exactly two of ``heat_w``,
``mass_flow_kg_s``, ``delta_t_k`` and ``return_temp_c`` are given, and not both temperatures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .fluid import WATER_CONSTANT, Fluid

__all__ = ["Network", "NetworkError", "TABLE_COLUMNS"]


class NetworkError(ValueError):
    """The network is inconsistent; the message names the culprit elements."""

    def __init__(self, message: str, elements: dict | None = None):
        super().__init__(message)
        #: mapping table name -> list of offending element ids
        self.elements = elements or {}


_NAN = float("nan")

# table -> {column: default}; a default of None means the column is required.
TABLE_COLUMNS: dict[str, dict[str, object]] = {
    "junctions": {
        "height_m": 0.0,
        "x_m": _NAN,
        "y_m": _NAN,
        "initial_pressure_bar": _NAN,
        "initial_temp_c": _NAN,
        "in_service": True,
        "name": "",
    },
    "pipes": {
        "from_junction": None,
        "to_junction": None,
        "length_m": None,
        "inner_diameter_m": None,
        "outer_diameter_m": _NAN,
        "roughness_m": 1e-4,
        "loss_coefficient": 0.0,
        "u_w_per_m2k": 0.0,
        "ambient_temp_c": _NAN,
        "side": "",
        "in_service": True,
        "name": "",
    },
    "valves": {
        "from_junction": None,
        "to_junction": None,
        "inner_diameter_m": None,
        "loss_coefficient": 0.0,
        "opened": True,
        "in_service": True,
        "name": "",
    },
    "pumps": {
        "from_junction": None,
        "to_junction": None,
        "curve_coefficients": None,
        "in_service": True,
        "name": "",
    },
    "pressure_sources": {
        "junction": None,
        "pressure_bar": _NAN,
        "temp_c": _NAN,
        "in_service": True,
        "name": "",
    },
    "sinks": {"junction": None, "mass_flow_kg_s": None, "in_service": True, "name": ""},
    "sources": {"junction": None, "mass_flow_kg_s": None, "in_service": True, "name": ""},
    "circ_pumps": {
        "return_junction": None,
        "flow_junction": None,
        "flow_pressure_bar": None,
        "lift_bar": _NAN,
        "mass_flow_kg_s": _NAN,
        "flow_temp_c": _NAN,
        "in_service": True,
        "name": "",
    },
    "consumers": {
        "from_junction": None,
        "to_junction": None,
        "heat_w": _NAN,
        "mass_flow_kg_s": _NAN,
        "delta_t_k": _NAN,
        "return_temp_c": _NAN,
        "in_service": True,
        "name": "",
    },
    "flow_controls": {
        "from_junction": None,
        "to_junction": None,
        "mass_flow_kg_s": None,
        "in_service": True,
        "name": "",
    },
    "heat_exchangers": {
        "from_junction": None,
        "to_junction": None,
        "inner_diameter_m": None,
        "loss_coefficient": 0.0,
        "heat_w": None,
        "in_service": True,
        "name": "",
    },
}

_JUNCTION_REFS = {
    "pipes": ("from_junction", "to_junction"),
    "valves": ("from_junction", "to_junction"),
    "pumps": ("from_junction", "to_junction"),
    "pressure_sources": ("junction",),
    "sinks": ("junction",),
    "sources": ("junction",),
    "circ_pumps": ("return_junction", "flow_junction"),
    "consumers": ("from_junction", "to_junction"),
    "flow_controls": ("from_junction", "to_junction"),
    "heat_exchangers": ("from_junction", "to_junction"),
}


def _normalise(name: str, table) -> pd.DataFrame:
    spec = TABLE_COLUMNS[name]
    if table is None:
        table = pd.DataFrame(columns=list(spec))
    df = pd.DataFrame(table).copy()
    missing = [c for c, d in spec.items() if d is None and c not in df.columns]
    if missing and len(df):
        raise NetworkError(f"{name}: missing required column(s) {missing}")
    for column, default in spec.items():
        if column not in df.columns:
            df[column] = default if default is not None else pd.Series(dtype=float)
        elif default is not None and not (isinstance(default, float) and np.isnan(default)):
            # a column given on some rows only: the other rows take the default, as if the
            # column were absent for them (None/NaN means "not given")
            given = df[column].notna().to_numpy()
            if not given.all():
                values = df[column].to_numpy(dtype=object).copy()
                values[~given] = default
                kind = bool if isinstance(default, bool) else type(default)
                df[column] = values.astype(kind) if kind in (bool, float) else values
    return df


def _ids(df: pd.DataFrame, mask) -> list:
    return [x.item() if hasattr(x, "item") else x for x in df.index[np.asarray(mask)]]


@dataclass(frozen=True)
class Network:
    """A district-heating network (steady state).

    Parameters
    ----------
    junctions : DataFrame
        ``height_m``, optional ``x_m``, ``y_m``, ``initial_temp_c``, ``name``.
    pipes : DataFrame
        ``from_junction``, ``to_junction``, ``length_m`` (> 0), ``inner_diameter_m`` (> 0),
        ``roughness_m`` (equivalent sand roughness k), ``loss_coefficient`` (ζ, minor losses),
        ``u_w_per_m2k`` (heat-transfer coefficient U referred to the outer surface),
        ``outer_diameter_m`` (NaN: inner), ``ambient_temp_c`` (NaN: network ambient),
        ``side`` ("supply"/"return", informative).
    valves : DataFrame
        ``from_junction``, ``to_junction``, ``inner_diameter_m``, ``loss_coefficient``, ``opened``.
    pumps : DataFrame
        Curve pumps: ``curve_coefficients`` (polynomial, highest power first) giving the lift in
        bar for the volume flow in m³/h at 0 °C density, as pandapipes' ``reg_par``.
    pressure_sources : DataFrame
        Fixed pressure (``pressure_bar``) and/or fixed temperature (``temp_c``) at a junction.
    sinks, sources : DataFrame
        Fixed mass withdrawal / injection ``mass_flow_kg_s`` (≥ 0 both) at a junction.
    circ_pumps : DataFrame
        Heat source with circulation pump between ``return_junction`` and ``flow_junction``,
        setting ``flow_pressure_bar`` and ``flow_temp_c``; pressure-controlled with ``lift_bar``
        or mass-controlled with ``mass_flow_kg_s``.
    consumers : DataFrame
        Substations from a supply ``from_junction`` to a return ``to_junction``; two of
        ``heat_w``, ``mass_flow_kg_s``, ``delta_t_k``, ``return_temp_c``.
    flow_controls : DataFrame
        Branches forcing ``mass_flow_kg_s``.
    heat_exchangers : DataFrame
        pandapipes' ``heat_exchanger``: a branch of length 0 with ``inner_diameter_m`` and
        ``loss_coefficient`` (so hydraulically a valve: Δp = ζ·ρ·v²/2 plus the water column)
        that takes a fixed ``heat_w`` from the water (negative: adds it), whatever its flow:
        T_out = T_in − heat_w / (c_p·|ṁ|).
    fluid : Fluid
    ambient_temp_c : float
        Ambient temperature for pipes without their own and for junctions without inflow.
    friction_model : str
        The friction model the network's source tool solves it with ("" when it has none):
        :func:`~heatphys.network.io.read_pandapipes_json` sets what pandapipes' ``pipeflow``
        would use, so a solve without an explicit ``SolverOptions.friction_model`` means
        what the file meant.

    Raises
    ------
    NetworkError
        When an element refers to an unknown junction or has non-physical parameters; the
        message and ``.elements`` name the culprits.
    """

    junctions: pd.DataFrame
    pipes: pd.DataFrame = None
    valves: pd.DataFrame = None
    pumps: pd.DataFrame = None
    pressure_sources: pd.DataFrame = None
    sinks: pd.DataFrame = None
    sources: pd.DataFrame = None
    circ_pumps: pd.DataFrame = None
    consumers: pd.DataFrame = None
    flow_controls: pd.DataFrame = None
    heat_exchangers: pd.DataFrame = None
    fluid: Fluid = WATER_CONSTANT
    ambient_temp_c: float = 10.0
    name: str = ""
    friction_model: str = ""

    def __post_init__(self):
        for table in TABLE_COLUMNS:
            df = _normalise(table, getattr(self, table))
            object.__setattr__(self, table, df)
        self._validate()

    # -- construction helpers -------------------------------------------------------------
    def replace(self, **tables) -> Network:
        """A copy with some tables (or ``fluid``/``ambient_temp_c``) replaced."""
        kwargs = {t: getattr(self, t) for t in TABLE_COLUMNS}
        kwargs.update(
            fluid=self.fluid,
            ambient_temp_c=self.ambient_temp_c,
            name=self.name,
            friction_model=self.friction_model,
        )
        kwargs.update(tables)
        return Network(**kwargs)

    # -- validation -----------------------------------------------------------------------
    def _validate(self):
        junction_ids = self.junctions.index
        if not junction_ids.is_unique:
            raise NetworkError(
                "junctions: duplicate ids",
                {"junctions": _ids(self.junctions, junction_ids.duplicated())},
            )
        for table, columns in _JUNCTION_REFS.items():
            df = getattr(self, table)
            for column in columns:
                bad = ~df[column].isin(junction_ids)
                if bad.any():
                    raise NetworkError(
                        f"{table} {_ids(df, bad)}: {column} refers to unknown junction(s) "
                        f"{list(df.loc[bad, column])}",
                        {table: _ids(df, bad)},
                    )
        p = self.pipes
        checks = [
            (
                "pipes",
                p,
                ~(p.length_m.astype(float) > 0),
                "length_m must be > 0 (model a zero-length connection as a valve)",
            ),
            ("pipes", p, ~(p.inner_diameter_m.astype(float) > 0), "inner_diameter_m must be > 0"),
            ("pipes", p, ~(p.roughness_m.astype(float) >= 0), "roughness_m must be >= 0"),
            (
                "pipes",
                p,
                p.outer_diameter_m.astype(float) < p.inner_diameter_m.astype(float),
                "outer_diameter_m must be >= inner_diameter_m",
            ),
            ("pipes", p, ~(p.u_w_per_m2k.astype(float) >= 0), "u_w_per_m2k must be >= 0"),
            (
                "pipes",
                p,
                p.from_junction.values == p.to_junction.values,
                "from_junction equals to_junction",
            ),
            (
                "valves",
                self.valves,
                ~(self.valves.inner_diameter_m.astype(float) > 0),
                "inner_diameter_m must be > 0",
            ),
            (
                "heat_exchangers",
                self.heat_exchangers,
                ~(self.heat_exchangers.inner_diameter_m.astype(float) > 0),
                "inner_diameter_m must be > 0",
            ),
            (
                "heat_exchangers",
                self.heat_exchangers,
                ~np.isfinite(self.heat_exchangers.heat_w.astype(float)),
                "heat_w must be a finite number",
            ),
            (
                "sinks",
                self.sinks,
                ~(self.sinks.mass_flow_kg_s.astype(float) >= 0),
                "mass_flow_kg_s must be >= 0",
            ),
            (
                "sources",
                self.sources,
                ~(self.sources.mass_flow_kg_s.astype(float) >= 0),
                "mass_flow_kg_s must be >= 0",
            ),
        ]
        for table, df, mask, what in checks:
            mask = np.asarray(mask, dtype=bool)
            if mask.any():
                raise NetworkError(f"{table} {_ids(df, mask)}: {what}", {table: _ids(df, mask)})
        c = self.circ_pumps
        both = c.lift_bar.notna() & c.mass_flow_kg_s.notna()
        neither = c.lift_bar.isna() & c.mass_flow_kg_s.isna()
        if (both | neither).any():
            raise NetworkError(
                f"circ_pumps {_ids(c, both | neither)}: give exactly one of "
                "lift_bar (pressure-controlled) or mass_flow_kg_s (mass-controlled)",
                {"circ_pumps": _ids(c, both | neither)},
            )
        if c.flow_temp_c.isna().any():
            raise NetworkError(
                f"circ_pumps {_ids(c, c.flow_temp_c.isna())}: flow_temp_c missing",
                {"circ_pumps": _ids(c, c.flow_temp_c.isna())},
            )
        modes = self.consumer_modes()
        bad = modes == ""
        if bad.any():
            raise NetworkError(
                f"consumers {_ids(self.consumers, bad)}: give exactly two of heat_w, "
                "mass_flow_kg_s, delta_t_k, return_temp_c (not both temperatures)",
                {"consumers": _ids(self.consumers, bad)},
            )

    def consumer_modes(self) -> np.ndarray:
        """Control mode per consumer: "QM", "QDT", "QTR", "MDT", "MTR" ("" if invalid)."""
        c = self.consumers
        q, m = c.heat_w.notna().values, c.mass_flow_kg_s.notna().values
        dt, tr = c.delta_t_k.notna().values, c.return_temp_c.notna().values
        n_given = q.astype(int) + m + dt + tr
        mode = np.full(len(c), "", dtype=object)
        ok = n_given == 2
        mode[ok & q & m] = "QM"
        mode[ok & q & dt] = "QDT"
        mode[ok & q & tr] = "QTR"
        mode[ok & m & dt] = "MDT"
        mode[ok & m & tr] = "MTR"
        return mode

    def __repr__(self):
        counts = ", ".join(
            f"{t}={len(getattr(self, t))}" for t in TABLE_COLUMNS if len(getattr(self, t))
        )
        return f"Network({self.name!r}, {counts}, fluid={self.fluid.name!r})"
