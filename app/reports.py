"""Report helpers shared by the officials' pages: server-rendered SVG charts and CSV downloads.

Charts are drawn on the server so reports work with no JavaScript, no internet and under a CSP
that allows no inline script; each chart carries a <title> and a data table fallback for screen
readers is the caller's job (render the same rows as a table next to it).
"""
import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response
from markupsafe import Markup, escape

BAR_HEIGHT = 22
LABEL_WIDTH = 220
CHART_WIDTH = 640
PALETTE = ("#1f6f8b", "#99a8b2", "#e6a157", "#5b8c5a", "#b5525c")


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, unit: str = "") -> Markup:
    """Draw a horizontal bar chart of (label, value) rows as an inline SVG."""
    peak = max((value for _, value in rows), default=0) or 1
    span = CHART_WIDTH - LABEL_WIDTH - 70
    height = BAR_HEIGHT * max(len(rows), 1) + 8
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {CHART_WIDTH} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(rows):
        y = 4 + i * BAR_HEIGHT
        width = max(1.0, span * value / peak) if value else 0
        number = f"{value:g}{unit}"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" font-size="12">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width:.1f}" height="{BAR_HEIGHT - 6}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {escape(number)}</title></rect>'
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 15}" font-size="12">{escape(number)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _safe_cell(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a cell never starts with = + - @ or a tab."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """Answer a CSV download (UTF-8 with BOM so spreadsheet programs read Chinese text correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([_safe_cell(cell) for cell in row])
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
