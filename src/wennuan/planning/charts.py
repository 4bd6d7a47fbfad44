"""Figures of the dispatch console (plotly, built in Python, drawn by the app's plotly.js) and
small SVG charts for the daily report's PDF (kaleido is not installed, WeasyPrint draws SVG).

Every ``*_figure`` returns a plain dict (``{"data": [...], "layout": {...}}``) ready for
``json_script``; the page calls ``Plotly.newPlot(el, fig.data, fig.layout)``.
"""

from __future__ import annotations

import json
import math
from html import escape

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


# --- SVG for the PDF report ----------------------------------------------------------------


def _fmt(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}"


def grouped_bar_svg(
    labels: list[str],
    series: list[tuple[str, list[float | None], str]],
    *,
    width: int = 640,
    height: int = 220,
    unit: str = "",
) -> str:
    """A plain grouped bar chart: ``series`` = [(name, values, colour)], one value per label
    (None = no data). Value labels on the bars, a legend on top."""
    pad_left, pad_right, pad_top, pad_bottom = 50, 10, 28, 34
    plot_w = width - pad_left - pad_right
    plot_h = height - pad_top - pad_bottom
    values = [v for _name, vals, _c in series for v in vals if v is not None]
    top = max(values + [0.0]) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, sans-serif" '
        f'font-size="11">',
        f'<line x1="{pad_left}" y1="{pad_top + plot_h}" x2="{width - pad_right}" '
        f'y2="{pad_top + plot_h}" stroke="#333"/>',
        f'<text x="4" y="{pad_top - 14}" fill="#555">{escape(unit)}</text>',
    ]
    legend_x = pad_left
    for name, _vals, colour in series:
        parts.append(
            f'<rect x="{legend_x}" y="6" width="10" height="10" fill="{colour}"/>'
            f'<text x="{legend_x + 14}" y="15">{escape(name)}</text>'
        )
        legend_x += 20 + 12 * len(name)
    n = max(len(labels), 1)
    group_w = plot_w / n
    bar_w = group_w * 0.8 / max(len(series), 1)
    for i, label in enumerate(labels):
        x0 = pad_left + i * group_w + group_w * 0.1
        for k, (_name, vals, colour) in enumerate(series):
            value = vals[i] if i < len(vals) else None
            if value is None:
                continue
            bar_h = plot_h * max(value, 0.0) / top
            x = x0 + k * bar_w
            y = pad_top + plot_h - bar_h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{bar_h:.1f}" '
                f'fill="{colour}"/>'
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">'
                f"{_fmt(value)}</text>"
            )
        parts.append(
            f'<text x="{pad_left + (i + 0.5) * group_w:.1f}" y="{height - 12}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def line_svg(
    values: list[float | None], *, width: int = 640, height: int = 160, unit: str = "°C"
) -> str:
    """An hourly line (24 values) with min/max marked; for the weather of the report."""
    pad_left, pad_right, pad_top, pad_bottom = 40, 10, 16, 26
    points = [(h, v) for h, v in enumerate(values) if v is not None]
    if not points:
        return ""
    low = min(v for _h, v in points)
    high = max(v for _h, v in points)
    span = max(high - low, 1.0)
    plot_w = width - pad_left - pad_right
    plot_h = height - pad_top - pad_bottom
    n = max(len(values) - 1, 1)

    def xy(h, v):
        return pad_left + plot_w * h / n, pad_top + plot_h * (high - v) / span

    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(h, v) for h, v in points))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, sans-serif" '
        f'font-size="11">',
        f'<polyline points="{path}" fill="none" stroke="#2c6fbb" stroke-width="2"/>',
        f'<text x="4" y="{pad_top + 4}">{_fmt(high)}{escape(unit)}</text>',
        f'<text x="4" y="{pad_top + plot_h}">{_fmt(low)}{escape(unit)}</text>',
    ]
    for h in range(0, len(values), 6):
        x, _y = xy(h, low)
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle">{h:02d}:00</text>')
    parts.append("</svg>")
    return "".join(parts)
