"""Figures of the dispatch console (plotly, built in Python, drawn by the app's plotly.js). The
daily report's SVG charts are drawn by ``wennuan.lib.report_rendering``.

Every ``*_figure`` returns a plain dict (``{"data": [...], "layout": {...}}``) ready for
``json_script``; the page calls ``Plotly.newPlot(el, fig.data, fig.layout)``.
"""

from __future__ import annotations

import json
import math

import plotly.graph_objects as go
from django.utils.translation import gettext as _

HOURS = 24
HOUR_LABELS = list(range(HOURS))  # local hour of day; index 0 = 00:00–01:00

# Pipe load bands (max flow / design flow) and their colours: green, amber, orange, red.
LOAD_BANDS = (
    (0.0, 0.6, "#2b7a2b"),
    (0.6, 0.85, "#c9a227"),
    (0.85, 1.0, "#e67e22"),
    (1.0, math.inf, "#c0392b"),
)
NO_LOAD_COLOUR = "#999999"


def _layout(*, hourly: bool = True, **extra) -> dict:
    base = dict(
        template="none",
        margin=dict(l=55, r=15, t=30, b=45),
        height=320,
        legend=dict(orientation="h", y=-0.25),
        font=dict(family="Noto Sans CJK SC, sans-serif", size=12),
    )
    if hourly:
        base["xaxis"] = dict(title=_("时"), dtick=3, range=[-0.5, HOURS - 0.5])
    base.update(extra)
    return base


def _as_dict(fig: go.Figure) -> dict:
    # to_json turns numpy arrays into lists; the dict goes through Django's json_script.
    return json.loads(fig.to_json())


def _sum_hours(rows, column: str) -> list[float]:
    totals = [0.0] * HOURS
    for row in rows:
        values = getattr(row, column) or []
        for h, value in enumerate(values[:HOURS]):
            if value is not None and math.isfinite(value):
                totals[h] += value
    return totals


def demand_capacity_figure(sources, substations) -> dict:
    """Network heat demand and planned heat at the substations against the sources' available
    capacity, by hour (MW)."""
    demand = [v / 1000 for v in _sum_hours(substations, "demand_kw")]
    heat = [v / 1000 for v in _sum_hours(substations, "heat_kw")]
    capacity = [v / 1000 for v in _sum_hours(sources, "capacity_kw")]
    fig = go.Figure(
        data=[
            go.Bar(x=HOUR_LABELS, y=heat, name=_("计划供热 (MW)"), marker_color="#2c6fbb"),
            go.Scatter(
                x=HOUR_LABELS,
                y=demand,
                name=_("需热 (MW)"),
                mode="lines+markers",
                line=dict(color="#c0392b"),
            ),
            go.Scatter(
                x=HOUR_LABELS,
                y=capacity,
                name=_("热源可用能力 (MW)"),
                mode="lines",
                line=dict(color="#333", dash="dash"),
            ),
        ],
        layout=_layout(yaxis=dict(title=_("MW"), rangemode="tozero")),
    )
    return _as_dict(fig)


def source_schedule_figure(sources) -> dict:
    """Each source's output schedule (stacked, MW) with its capacity as a dashed line."""
    traces = []
    for row in sources:
        name = row.source.name
        traces.append(
            go.Scatter(
                x=HOUR_LABELS,
                y=[v / 1000 for v in row.heat_kw],
                name=_("%(source)s 出力") % {"source": name},
                mode="lines",
                stackgroup="output",
            )
        )
        traces.append(
            go.Scatter(
                x=HOUR_LABELS,
                y=[v / 1000 for v in row.capacity_kw],
                name=_("%(source)s 能力") % {"source": name},
                mode="lines",
                line=dict(dash="dot"),
            )
        )
    fig = go.Figure(data=traces, layout=_layout(yaxis=dict(title=_("MW"), rangemode="tozero")))
    return _as_dict(fig)


def load_band(ratio: float | None) -> tuple[str, str]:
    """(colour, label) of a pipe's peak load ratio."""
    if ratio is None or not math.isfinite(ratio):
        return NO_LOAD_COLOUR, _("无数据")
    for low, high, colour in LOAD_BANDS:
        if low <= ratio < high:
            if math.isinf(high):
                return colour, f"≥{low:.0%}"
            return colour, f"{low:.0%}–{high:.0%}"
    return LOAD_BANDS[-1][2], _("超载")


def network_figure(pipes, substations, source_points) -> dict:
    """The primary network drawn from its junction coordinates (longitude, latitude): pipes
    coloured by peak load ratio (one trace per band: plotly colours a line trace as a whole),
    substations coloured by their smallest differential-pressure margin (bar), sources as
    squares. ``pipes`` are PlanPipe rows with pipe/junctions loaded; ``substations`` are
    PlanSubstation rows with substation (and its junction) loaded; ``source_points`` are
    (name, longitude, latitude)."""
    bands: dict[str, dict] = {}
    for row in pipes:
        pipe = row.pipe
        colour, label = load_band(row.max_load_ratio)
        band = bands.setdefault(colour, {"label": label, "x": [], "y": [], "text": []})
        a, b = pipe.from_junction, pipe.to_junction
        ratio = "—" if row.max_load_ratio is None else f"{row.max_load_ratio:.0%}"
        band["x"] += [a.longitude, b.longitude, None]
        band["y"] += [a.latitude, b.latitude, None]
        band["text"] += [f"{pipe.code} {ratio}", f"{pipe.code} {ratio}", None]
    traces = []
    order = [colour for _low, _high, colour in LOAD_BANDS] + [NO_LOAD_COLOUR]
    for colour in order:
        if colour not in bands:
            continue
        band = bands[colour]
        traces.append(
            go.Scatter(
                x=band["x"],
                y=band["y"],
                text=band["text"],
                hoverinfo="text",
                mode="lines",
                line=dict(color=colour, width=3),
                name=_("管段负荷率 %(band)s") % {"band": band["label"]},
            )
        )
    checked = {"x": [], "y": [], "margin": [], "text": []}
    unchecked = {"x": [], "y": [], "text": []}  # not on the network: no hydraulic check
    for row in substations:
        station = row.substation
        place = station.junction or station
        margin = row.min_dp_margin_bar
        if margin is None or not math.isfinite(margin):
            unchecked["x"].append(place.longitude)
            unchecked["y"].append(place.latitude)
            unchecked["text"].append(f"{station.name}：{_('无水力计算')}")
            continue
        checked["x"].append(place.longitude)
        checked["y"].append(place.latitude)
        checked["margin"].append(margin)
        checked["text"].append(f"{station.name}：{_('压差裕度')} {margin:.2f} bar")
    if checked["x"]:
        traces.append(
            go.Scatter(
                x=checked["x"],
                y=checked["y"],
                text=checked["text"],
                hoverinfo="text",
                mode="markers",
                name=_("换热站（颜色：最小压差裕度）"),
                marker=dict(
                    size=11,
                    color=checked["margin"],
                    colorscale=[[0, "#c0392b"], [0.5, "#f1c40f"], [1, "#2b7a2b"]],
                    cmin=-0.5,
                    cmax=1.0,
                    colorbar=dict(title=dict(text="bar"), thickness=12),
                    line=dict(color="#333", width=1),
                ),
            )
        )
    if unchecked["x"]:
        traces.append(
            go.Scatter(
                x=unchecked["x"],
                y=unchecked["y"],
                text=unchecked["text"],
                hoverinfo="text",
                mode="markers",
                name=_("换热站（未接入管网模型）"),
                marker=dict(size=9, color=NO_LOAD_COLOUR, symbol="circle-open"),
            )
        )
    if source_points:
        labels, positions = source_labels(source_points)
        traces.append(
            go.Scatter(
                x=[p[1] for p in source_points],
                y=[p[2] for p in source_points],
                text=labels,
                hovertext=[p[0] for p in source_points],
                hoverinfo="text",
                mode="markers+text",
                textposition=positions,
                name=_("热源"),
                marker=dict(symbol="square", size=14, color="#333"),
            )
        )
    fig = go.Figure(
        data=traces,
        layout=_layout(
            hourly=False,
            height=460,
            xaxis=dict(title=_("经度"), showgrid=False),
            yaxis=dict(title=_("纬度"), showgrid=False, scaleanchor="x"),
        ),
    )
    return _as_dict(fig)


LABEL_POSITIONS = ("top center", "bottom center", "middle right", "middle left")
LABEL_CLEARANCE_DEG = 0.012  # ≈ 1 km: closer labels on the same side overlap at map scale


def source_labels(points) -> tuple[list[str], list[str]]:
    """Text and position of each source marker's label on the network map: a source
    connected at several junctions is named once, and a label near an earlier one takes the
    next free side (above, below, right, left) so that names do not overlap."""
    labels, positions, placed, named = [], [], [], set()
    for name, longitude, latitude in points:
        if name in named:
            labels.append("")
            positions.append(LABEL_POSITIONS[0])
            continue
        named.add(name)
        taken = {
            side
            for x, y, side in placed
            if abs(x - longitude) < 2 * LABEL_CLEARANCE_DEG
            and abs(y - latitude) < LABEL_CLEARANCE_DEG
        }
        side = next((p for p in LABEL_POSITIONS if p not in taken), LABEL_POSITIONS[0])
        placed.append((longitude, latitude, side))
        labels.append(name)
        positions.append(side)
    return labels, positions
