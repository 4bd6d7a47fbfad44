"""Report files: the one place that turns a report's figures into PDF, Excel and SVG, for the
daily heating report (``wennuan.planning.daily_report``) and the weekly report
(``wennuan.reports.weekly``). Each report module only collects its figures and lays out its
sheets and template.

- PDF: an HTML template rendered by WeasyPrint (which draws inline SVG; kaleido is not
  installed), optionally cached under a hash of the HTML.
- Excel: sheets with a bold header row and readable column widths.
- SVG: small bar, grouped-bar and line charts; fonts fall back to Noto CJK.
"""

from __future__ import annotations

import hashlib
from html import escape
from io import BytesIO

from django.core.cache import cache
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Font

from .spreadsheets import clean_row

BOLD = Font(bold=True)

# ---------------------------------------------------------------------------------------------
# PDF


def render_pdf(template: str, context: dict, *, cache_prefix: str = "", cache_seconds=3600):
    """``template`` rendered with ``context`` as PDF. With ``cache_prefix`` the PDF is cached
    under a hash of its HTML (WeasyPrint takes seconds; the same figures are rendered once and
    any change gives a new file)."""
    html = render_to_string(template, context)
    key = cache_prefix + hashlib.sha256(html.encode()).hexdigest() if cache_prefix else ""
    pdf = cache.get(key) if key else None
    if pdf is None:
        from weasyprint import HTML  # noqa: PLC0415 - heavy import, only when a PDF is made

        pdf = HTML(string=html).write_pdf()
        if key:
            cache.set(key, pdf, cache_seconds)
    return pdf


# ---------------------------------------------------------------------------------------------
# Excel


def new_workbook() -> Workbook:
    return Workbook()


def add_sheet(book, title, header, rows, *, first=False, column_width=None):
    """Append a sheet to ``book`` (the workbook's first, empty sheet when ``first``).

    ``column_width`` fixes every column's width; without it each column is as wide as its
    longest value plus a margin, at most 40 characters."""
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    sheet.append(clean_row(header))
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append(clean_row(row))
    for column in sheet.columns:
        if column_width is None:
            width = min(max(len(str(cell.value or "")) for cell in column) + 4, 40)
        else:
            width = column_width
        sheet.column_dimensions[column[0].column_letter].width = width
    return sheet


def workbook_bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# SVG


def bar_svg(labels: list[str], values: list[float], *, width=640, height=220, unit="") -> str:
    """A plain vertical bar chart with value labels; fonts fall back to Noto CJK."""
    margin_left, margin_bottom, margin_top = 40, 40, 20
    plot_w, plot_h = width - margin_left - 10, height - margin_bottom - margin_top
    top = max(values) if values and max(values) > 0 else 1
    slot = plot_w / max(len(values), 1)
    bar_w = slot * 0.6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, sans-serif" font-size="11">',
        f'<line x1="{margin_left}" y1="{margin_top + plot_h}" x2="{width - 10}" '
        f'y2="{margin_top + plot_h}" stroke="#999"/>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        bar_h = plot_h * (value / top)
        x = margin_left + i * slot + (slot - bar_w) / 2
        y = margin_top + plot_h - bar_h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" fill="#c0392b"/>'
        )
        shown = f"{value:g}{unit}"
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{escape(shown)}</text>'
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{margin_top + plot_h + 16}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


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
