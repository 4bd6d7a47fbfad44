"""Readers and writers: pandapipes JSON (for validation) and our own network JSON.

Our format is documented in ``docs/network-format.md``. The pandapipes reader parses the file
directly (pandapipes is not needed at run time) and maps its tables onto :class:`Network`;
temperatures in kelvin become °C, lengths in km and diameters in mm become metres.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from .fluid import Fluid, Property
from .friction import FRICTION_MODELS
from .model import TABLE_COLUMNS, Network, NetworkError

__all__ = [
    "read_pandapipes_json",
    "read_network_json",
    "write_network_json",
    "result_to_dict",
    "FORMAT_NAME",
    "FORMAT_VERSION",
]

PANDAPIPES_FRICTION_MODEL = "nikuradse"
"""pandapipes' ``pipeflow`` default (``pf.pipeflow_setup.default_options``), the friction
model of a pandapipes file unless its ``user_pf_options`` name another."""
FORMAT_NAME = "heatphys-network"
FORMAT_VERSION = 1
KELVIN = 273.15
_SUPPORTED_PANDAPIPES = {
    "junction",
    "pipe",
    "valve",
    "pump",
    "ext_grid",
    "sink",
    "source",
    "circ_pump_pressure",
    "circ_pump_mass",
    "heat_consumer",
    "flow_control",
    "heat_exchanger",
}


def _decode(obj):
    """Undo pandapipes' / pandapower's JSON object encoding (enough for networks)."""
    if isinstance(obj, list):
        return [_decode(x) for x in obj]
    if not isinstance(obj, dict):
        return obj
    if "_module" in obj and "_class" in obj:
        cls, payload = obj["_class"], obj.get("_object")
        if cls == "DataFrame":
            data = json.loads(payload) if isinstance(payload, str) else payload
            df = pd.DataFrame(
                data.get("data", []), index=data.get("index", []), columns=data.get("columns", [])
            )
            return df
        if cls in ("array", "float64", "int64", "int32", "bool_"):
            val = _decode(json.loads(payload) if isinstance(payload, str) else payload)
            return np.asarray(val, dtype=float) if cls == "array" else val
        inner = json.loads(payload) if isinstance(payload, str) else payload
        return {"_class": cls, **(_decode(inner) if isinstance(inner, dict) else {"value": inner})}
    return {k: _decode(v) for k, v in obj.items()}


def _fluid_from_pandapipes(fl: dict) -> Fluid:
    props = fl.get("all_properties", {})

    def prop(name, scale=1.0):
        p = props.get(name)
        if p is None:
            raise NetworkError(f"pandapipes fluid has no {name}")
        if p["_class"] == "FluidPropertyConstant":
            return Property(float(np.asarray(p["value"]).ravel()[0]) * scale)
        if p["_class"] in ("FluidPropertyInterExtra",):
            x = np.asarray(p["x"], dtype=float) - KELVIN
            y = np.asarray(p["y"], dtype=float) * scale
            return Property(None, tuple(x), tuple(y))
        if p["_class"] == "FluidPropertyLinear":
            # value = offset + slope·T[K]; tabulate two points, extrapolated linearly
            slope, offset = float(p["slope"]), float(p["offset"])
            return Property(
                None, (0.0, 100.0), (offset + slope * KELVIN, offset + slope * (KELVIN + 100.0))
            )
        raise NetworkError(f"pandapipes fluid property {name}: {p['_class']} not supported")

    return Fluid(
        str(fl.get("name", "fluid")), prop("density"), prop("viscosity"), prop("heat_capacity")
    )


def _num(df, col, default=np.nan):
    if col in df.columns:
        return pd.to_numeric(df[col], errors="coerce").astype(float).to_numpy()
    return np.full(len(df), default, dtype=float)


def _load_json(path, what: str):
    """The parsed JSON object of ``path``; a truncated or non-JSON file, or one whose top
    level is not an object, is a one-line :class:`NetworkError` naming the file."""
    try:
        doc = json.loads(Path(path).read_text())
    except UnicodeDecodeError as exc:
        raise NetworkError(f"{path}: not a {what} file (not UTF-8 text: {exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise NetworkError(
            f"{path}: not a {what} file (invalid JSON at line {exc.lineno}, "
            f"column {exc.colno}: {exc.msg}; truncated?)"
        ) from None
    if not isinstance(doc, dict):
        raise NetworkError(f"{path}: not a {what} file (the top level is not a JSON object)")
    return doc


def read_pandapipes_json(path) -> Network:
    """Read a pandapipes network JSON file (``pandapipes.to_json``) into a :class:`Network`.

    A file that is not JSON, or not a pandapipes network (no junction table), or whose tables
    lack the columns pandapipes writes, raises :class:`NetworkError` with one line naming the
    file and what is wrong. See :func:`_read_pandapipes` for the tables' meaning.
    """
    raw = _load_json(path, "pandapipes network")
    obj = raw.get("_object", raw)
    junction = obj.get("junction") if isinstance(obj, dict) else None
    if not (isinstance(junction, dict) and junction.get("_class") == "DataFrame"):
        raise NetworkError(
            f"{path}: not a pandapipes network (no junction table; "
            "write it with pandapipes.to_json)"
        )
    try:
        return _read_pandapipes(obj)
    except NetworkError:
        raise
    except (KeyError, AttributeError, TypeError, ValueError, IndexError) as exc:
        detail = f"missing {exc}" if isinstance(exc, KeyError | AttributeError) else str(exc)
        raise NetworkError(
            f"{path}: malformed pandapipes network ({type(exc).__name__}: {detail})"
        ) from None


def _read_pandapipes(obj: dict) -> Network:
    """Read a pandapipes network JSON file (``pandapipes.to_json``) into a :class:`Network`.

    Supported tables: junction, pipe, valve (``et="ju"`` between two junctions; ``et="pi"``
    at a pipe's end, through an internal junction named after the valve, as pandapipes), pump,
    ext_grid, sink, source, circ_pump_pressure, circ_pump_mass, heat_consumer, flow_control,
    heat_exchanger (others: :class:`NetworkError` unless empty).
    Element ids are the pandapipes table indices. Pipe ``sections`` are not needed (the
    exponential temperature profile is exact); a pipe's ``qext_w`` is not supported.

    Meaning as in pandapipes 0.16: heights enter every branch (pipes, valves, pumps and the
    pressure-controlled circulation pump, whose return pressure follows from its flow
    pressure, lift and the water column between its junctions); the network's
    ``friction_model`` is the file's ``user_pf_options["friction_model"]``, else
    pandapipes' default "nikuradse", which a solve uses unless its options name another.
    ``press_control`` (pressure controllers) is not supported (:class:`NetworkError`); an
    in-service flow control with ``control_active`` false (in pandapipes an uncontrolled
    branch) is refused the same way rather than dropped.
    """
    tables = {}
    for key, val in obj.items():
        if isinstance(val, dict) and val.get("_class") == "DataFrame":
            tables[key] = _decode(val)
    for key, df in tables.items():
        if (
            len(df)
            and key not in _SUPPORTED_PANDAPIPES
            and not key.endswith("geodata")
            and key not in ("controller",)
            and not key.startswith("res_")
        ):
            raise NetworkError(f"pandapipes table {key!r} is not supported", {key: list(df.index)})
    fluid = _fluid_from_pandapipes(_decode(obj["fluid"])) if "fluid" in obj else None
    user = obj.get("user_pf_options") or {}
    amb_k = float(user.get("ambient_temperature", 293.15)) if isinstance(user, dict) else 293.15
    std = _decode(obj.get("std_types", obj.get("std_type", {}))) or {}

    def enabled(df):
        return df["in_service"].astype(bool).to_numpy() if "in_service" in df else True

    j = tables["junction"]
    junctions = pd.DataFrame(
        {
            "height_m": _num(j, "height_m", 0.0),
            # tfluid_k is pandapipes' starting guess, not a condition; it defaults to the
            # ambient (20 °C), below every return temperature, from which substations with
            # a given return temperature start with no flow: the solver's own start (the
            # mean of the supply temperatures) is used instead
            "initial_temp_c": np.full(len(j), np.nan),
            "initial_pressure_bar": _num(j, "pn_bar"),
            "in_service": enabled(j),
            "name": j["name"].astype(object).where(j["name"].notna(), "").to_numpy()
            if "name" in j
            else "",
        },
        index=j.index,
    )
    geo = tables.get("junction_geodata")
    if geo is not None and len(geo):
        junctions["x_m"] = pd.Series(_num(geo, "x"), index=geo.index).reindex(j.index)
        junctions["y_m"] = pd.Series(_num(geo, "y"), index=geo.index).reindex(j.index)

    out = {}
    p = tables.get("pipe", pd.DataFrame())
    if len(p):
        d = _num(p, "inner_diameter_mm") / 1000.0
        if "diameter_m" in p:
            d = np.where(np.isnan(d), _num(p, "diameter_m"), d)
        u = _num(p, "u_w_per_m2k")
        if "alpha_w_per_m2k" in p:
            u = np.where(np.isnan(u), _num(p, "alpha_w_per_m2k"), u)
        qext = np.nan_to_num(_num(p, "qext_w", 0.0))
        if np.any(qext != 0):
            raise NetworkError(
                "pipes with qext_w are not supported", {"pipes": list(p.index[qext != 0])}
            )
        out["pipes"] = pd.DataFrame(
            {
                "from_junction": p.from_junction.to_numpy(),
                "to_junction": p.to_junction.to_numpy(),
                "length_m": _num(p, "length_km") * 1000.0,
                "inner_diameter_m": d,
                "outer_diameter_m": _num(p, "outer_diameter_mm") / 1000.0,
                "roughness_m": _num(p, "k_mm", 0.2) / 1000.0,
                "loss_coefficient": np.nan_to_num(_num(p, "loss_coefficient", 0.0)),
                "u_w_per_m2k": np.nan_to_num(u),
                "ambient_temp_c": _num(p, "text_k") - KELVIN,
                "in_service": enabled(p),
            },
            index=p.index,
        )
    v = tables.get("valve", pd.DataFrame())
    if len(v):
        if "from_junction" in v:
            fr, to = v.from_junction.to_numpy(), v.to_junction.to_numpy()
        else:
            # pandapipes 0.16 valve table: (junction, element, et); et "ju" joins two
            # junctions, "pi" sits between a junction and the end of pipe ``element``:
            # pandapipes inserts an internal node there (one per junction-pipe pair, at the
            # junction's height) and the pipe starts or ends at it; anything else pandapipes
            # refuses itself
            et = v["et"].astype(str).to_numpy() if "et" in v else np.full(len(v), "")
            bad = ~np.isin(et, ["ju", "pi"])
            if bad.any():
                raise NetworkError(
                    f"valves {list(v.index[bad])}: element type {sorted(set(et[bad]))} is "
                    "not one of pandapipes' 'ju' (two junctions) or 'pi' (junction and pipe)",
                    {"valves": list(v.index[bad])},
                )
            fr = v.junction.to_numpy()
            to = v.element.to_numpy().astype(object)
            internal = {}
            pipes_out = out.get("pipes")
            for k in np.flatnonzero(et == "pi"):
                junction, pipe = fr[k], v.element.iloc[k]
                if pipes_out is None or pipe not in pipes_out.index:
                    raise NetworkError(
                        f"valve {v.index[k]}: pipe {pipe} does not exist",
                        {"valves": [v.index[k]]},
                    )
                ends = pipes_out.loc[pipe, ["from_junction", "to_junction"]].to_numpy()
                if junction not in ends:
                    raise NetworkError(
                        f"valve {v.index[k]}: pipe {pipe} does not touch junction {junction}",
                        {"valves": [v.index[k]]},
                    )
                if (junction, pipe) not in internal:
                    node = int(junctions.index.max()) + 1
                    row = junctions.loc[[junction]].set_axis([node])
                    row["name"] = f"valve {v.index[k]} at pipe {pipe}"
                    junctions = pd.concat([junctions, row])
                    end = "from_junction" if ends[0] == junction else "to_junction"
                    pipes_out.loc[pipe, end] = node
                    internal[(junction, pipe)] = node
                to[k] = internal[(junction, pipe)]
            to = np.asarray(to.tolist())
        d = _num(v, "inner_diameter_mm") / 1000.0
        if "diameter_m" in v:
            d = np.where(np.isnan(d), _num(v, "diameter_m"), d)
        out["valves"] = pd.DataFrame(
            {
                "from_junction": fr,
                "to_junction": to,
                "inner_diameter_m": d,
                "loss_coefficient": np.nan_to_num(_num(v, "loss_coefficient", 0.0)),
                "opened": v["opened"].astype(bool).to_numpy(),
                "in_service": enabled(v),
            },
            index=v.index,
        )
    u = tables.get("pump", pd.DataFrame())
    if len(u):
        curves = []
        for name in u.std_type:
            entry = std.get("pump", {}).get(name)
            if entry is None or "reg_par" not in entry:
                raise NetworkError(f"pump std_type {name!r} has no curve in the file")
            curves.append(list(np.asarray(entry["reg_par"], dtype=float)))
        out["pumps"] = pd.DataFrame(
            {
                "from_junction": u.from_junction.to_numpy(),
                "to_junction": u.to_junction.to_numpy(),
                "curve_coefficients": curves,
                "in_service": enabled(u),
            },
            index=u.index,
        )
    e = tables.get("ext_grid", pd.DataFrame())
    if len(e):
        typ = e["type"].astype(str).str.lower().to_numpy() if "type" in e else np.full(len(e), "pt")
        has_p = np.isin(typ, ["pt", "p", "auto", "tp"])
        has_t = np.isin(typ, ["pt", "t", "auto", "tp"])
        out["pressure_sources"] = pd.DataFrame(
            {
                "junction": e.junction.to_numpy(),
                "pressure_bar": np.where(has_p, _num(e, "p_bar"), np.nan),
                "temp_c": np.where(has_t, _num(e, "t_k") - KELVIN, np.nan),
                "in_service": enabled(e),
            },
            index=e.index,
        )
    for key, table in (("sink", "sinks"), ("source", "sources")):
        s = tables.get(key, pd.DataFrame())
        if len(s):
            out[table] = pd.DataFrame(
                {
                    "junction": s.junction.to_numpy(),
                    "mass_flow_kg_s": np.nan_to_num(_num(s, "mdot_kg_per_s", 0.0))
                    * np.nan_to_num(_num(s, "scaling", 1.0), nan=1.0),
                    "in_service": enabled(s),
                },
                index=s.index,
            )
    circ = []
    for key in ("circ_pump_pressure", "circ_pump_mass"):
        c = tables.get(key, pd.DataFrame())
        if len(c):
            circ.append(
                pd.DataFrame(
                    {
                        "return_junction": c.return_junction.to_numpy(),
                        "flow_junction": c.flow_junction.to_numpy(),
                        "flow_pressure_bar": _num(c, "p_flow_bar"),
                        "lift_bar": _num(c, "plift_bar"),
                        "mass_flow_kg_s": _num(c, "mdot_flow_kg_per_s"),
                        "flow_temp_c": _num(c, "t_flow_k") - KELVIN,
                        "in_service": enabled(c),
                        "name": [f"{key}_{i}" for i in c.index],
                    },
                    index=c.index,
                )
            )
    if circ:
        if len(circ) == 2:
            # both pandapipes tables start at 0: keep pressure pumps' ids, shift mass pumps'
            circ[1].index = circ[1].index + (circ[0].index.max() + 1)
        out["circ_pumps"] = pd.concat(circ)
    h = tables.get("heat_consumer", pd.DataFrame())
    if len(h):
        out["consumers"] = pd.DataFrame(
            {
                "from_junction": h.from_junction.to_numpy(),
                "to_junction": h.to_junction.to_numpy(),
                "heat_w": _num(h, "qext_w"),
                "mass_flow_kg_s": _num(h, "controlled_mdot_kg_per_s"),
                "delta_t_k": _num(h, "deltat_k"),
                "return_temp_c": _num(h, "treturn_k") - KELVIN,
                "in_service": enabled(h),
            },
            index=h.index,
        )
    fc = tables.get("flow_control", pd.DataFrame())
    if len(fc):
        active = fc["control_active"].astype(bool).to_numpy() if "control_active" in fc else True
        passive = enabled(fc) & ~np.asarray(active, dtype=bool)
        if np.any(passive):
            # pandapipes keeps an inactive controller as a plain branch; leaving it out
            # would cut that connection, so say so instead
            raise NetworkError(
                "flow controls with control_active = false are not supported",
                {"flow_controls": list(fc.index[passive])},
            )
        out["flow_controls"] = pd.DataFrame(
            {
                "from_junction": fc.from_junction.to_numpy(),
                "to_junction": fc.to_junction.to_numpy(),
                "mass_flow_kg_s": _num(fc, "controlled_mdot_kg_per_s"),
                "in_service": enabled(fc) & active,
            },
            index=fc.index,
        )
    hx = tables.get("heat_exchanger", pd.DataFrame())
    if len(hx):
        out["heat_exchangers"] = pd.DataFrame(
            {
                "from_junction": hx.from_junction.to_numpy(),
                "to_junction": hx.to_junction.to_numpy(),
                "inner_diameter_m": _num(hx, "inner_diameter_mm") / 1000.0,
                "loss_coefficient": np.nan_to_num(_num(hx, "loss_coefficient", 0.0)),
                "heat_w": _num(hx, "qext_w"),
                "in_service": enabled(hx),
            },
            index=hx.index,
        )
    kwargs = {"fluid": fluid} if fluid is not None else {}
    friction = PANDAPIPES_FRICTION_MODEL
    if isinstance(user, dict) and user.get("friction_model"):
        friction = str(user["friction_model"]).lower()
        if friction not in FRICTION_MODELS:
            raise NetworkError(
                f"pandapipes friction_model {friction!r} is not supported "
                f"(supported: {', '.join(FRICTION_MODELS)})"
            )
    return Network(
        junctions=junctions,
        ambient_temp_c=amb_k - KELVIN,
        name=str(obj.get("name", "")),
        friction_model=friction,
        **out,
        **kwargs,
    )


# ---------------------------------------------------------------- our own JSON format
def _clean(value):
    """A JSON-ready value: numpy scalars to Python, NaN and ±inf to None (null)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.generic):
        return _clean(value.item())
    if isinstance(value, np.ndarray):
        return [_clean(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def write_network_json(network: Network, path) -> None:
    """Write ``network`` in the heatphys network JSON format (docs/network-format.md)."""
    doc = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "name": network.name,
        "ambient_temp_c": network.ambient_temp_c,
        "fluid": network.fluid.to_dict(),
    }
    if network.friction_model:
        doc["friction_model"] = network.friction_model
    for table in TABLE_COLUMNS:
        df = getattr(network, table)
        if not len(df):
            continue
        rows = []
        for idx, row in zip(df.index, df.to_dict("records"), strict=True):
            rows.append({"id": _clean(idx), **{k: _clean(v) for k, v in row.items()}})
        doc[table] = rows
    Path(path).write_text(json.dumps(doc, indent=1))


def read_network_json(path) -> Network:
    """Read a network in the heatphys network JSON format (docs/network-format.md)."""
    doc = _load_json(path, FORMAT_NAME)
    if doc.get("format") != FORMAT_NAME:
        raise NetworkError(
            f"{path}: not a {FORMAT_NAME} file (format={doc.get('format')!r}); "
            "for pandapipes files use --format pandapipes"
        )
    if int(doc.get("version", 0)) > FORMAT_VERSION:
        raise NetworkError(
            f"{path}: format version {doc['version']} is newer than supported ({FORMAT_VERSION})"
        )
    tables = {}
    for table, spec in TABLE_COLUMNS.items():
        rows = doc.get(table) or []
        if not rows:
            continue
        if any("id" not in r for r in rows):
            raise NetworkError(f"{table}: every element needs an 'id'")
        df = pd.DataFrame(rows).set_index("id")
        df.index.name = None
        unknown = set(df.columns) - set(spec)
        if unknown:
            raise NetworkError(f"{table}: unknown column(s) {sorted(unknown)}")
        for col, default in spec.items():
            if col in df and isinstance(default, float):
                df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
        tables[table] = df
    if "junctions" not in tables:
        raise NetworkError(f"{path}: no junctions")
    fluid = Fluid.from_dict(doc["fluid"]) if "fluid" in doc else None
    kwargs = {"fluid": fluid} if fluid is not None else {}
    friction = str(doc.get("friction_model") or "")
    if friction and friction not in FRICTION_MODELS:
        raise NetworkError(
            f"{path}: friction_model {friction!r} is not one of {', '.join(FRICTION_MODELS)}"
        )
    return Network(
        friction_model=friction,
        ambient_temp_c=float(doc.get("ambient_temp_c", 10.0)),
        name=str(doc.get("name", "")),
        **tables,
        **kwargs,
    )


def result_to_dict(result) -> dict:
    """The JSON document written by ``heatphys solve`` (element ids as string keys).

    Every number is finite: undefined values (NaN, ±inf, e.g. after a failed solve) are None,
    so ``json.dumps(..., allow_nan=False)`` always succeeds and the file is strict JSON.
    """

    def table(df, columns):
        return {
            str(_clean(i)): {c: _clean(float(df.at[i, c])) for c in columns if c in df}
            for i in df.index
        }

    return {
        "converged": bool(result.converged),
        "status": result.status,
        "friction_model": result.friction_model,
        "iterations": result.iterations,
        "residual_norm": _clean(float(result.residual_norm)),
        "message": result.message,
        "problems": list(result.problems),
        "culprits": {k: [_clean(x) for x in v] for k, v in result.culprits.items()},
        "junctions": table(result.junctions, ["p_bar", "t_c", "delay_s"]),
        "pipes": table(result.pipes, ["v_mean_m_s", "mdot_kg_s", "t_out_c"]),
        "valves": table(result.valves, ["mdot_kg_s"]),
        "pumps": table(result.pumps, ["mdot_kg_s", "lift_bar"]),
        "consumers": table(
            result.consumers,
            ["mdot_kg_s", "heat_w", "t_supply_c", "t_return_c", "dp_bar", "delay_s"],
        ),
        "circ_pumps": table(result.circ_pumps, ["mdot_kg_s", "heat_w", "t_return_c", "lift_bar"]),
        "heat_exchangers": table(result.heat_exchangers, ["mdot_kg_s", "heat_w", "t_out_c"]),
    }
