"""The phase plan's pictures (reportlab graphics): the Gantt chart of the waves, risk per
phase, each phase's dependency picture, and the capacity and cost charts. They only draw what ``PlanReport`` holds."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from migplan.core.models import Wave
from migplan.io.reports.capacity import BAR, DASHED, Chart, nice_ticks, tick_label
from migplan.io.reports.data import AppLink, PlanReport
from migplan.io.reports.pdf_style import BAND_COLOURS, BAND_FILLS, FONT, FONT_BOLD, MUTED


def _fit(text: str, width: float, size: float, font: str = FONT) -> str:
    """``text`` cut with an ellipsis to fit ``width`` points (drawings do not wrap)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _dated(report: PlanReport) -> list[tuple[int, Any, Wave]]:
    return [
        (i, w, w.wave)
        for i, w in enumerate(report.waves, start=1)
        if w.wave is not None and w.wave.start_date and w.wave.end_date
    ]


def gantt(report: PlanReport, width: float) -> Any | None:
    """Bars per wave on a date axis (colour: risk band), cutover and rollback windows
    marked, change freezes shaded. None when no wave has dates."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    dated = _dated(report)
    if not dated:
        return None
    freezes = report.assessment.doc.settings.freeze_periods
    start = min(w.start_date for _i, _w, w in dated if w.start_date)
    end = max(w.end_date for _i, _w, w in dated if w.end_date)
    for _i, _w, wave in dated:
        if wave.rollback_window is not None:
            end = max(end, wave.rollback_window.end.date())
    start = start.replace(day=1)
    end = end + dt.timedelta(days=3)
    days = max(1, (end - start).days)
    rows = len(dated)
    row_h = max(9.0, min(18.0, 330.0 / rows))
    label_w, top, bottom = 120.0, 26.0, 22.0
    height = top + rows * row_h + bottom
    plot_w = width - label_w - 6
    d = Drawing(width, height)

    def x_of(value: dt.date | dt.datetime) -> float:
        if isinstance(value, dt.datetime):
            offset = (
                value.replace(tzinfo=None) - dt.datetime.combine(start, dt.time())
            ).total_seconds() / 86400
        else:
            offset = (value - start).days
        return label_w + plot_w * max(0.0, min(1.0, offset / days))

    y0 = bottom
    y1 = bottom + rows * row_h
    for f in freezes:
        if f.end < start or f.start > end:
            continue
        fx0, fx1 = x_of(f.start), x_of(f.end + dt.timedelta(days=1))
        d.add(
            Rect(
                fx0,
                y0,
                max(1.5, fx1 - fx0),
                y1 - y0,
                fillColor=colors.HexColor("#d5d8de"),
                strokeColor=None,
            )
        )
        d.add(
            String(
                fx0 + 1,
                y1 + 3,
                _fit(f"Freeze: {f.name}", 90, 6.5),
                fontName=FONT,
                fontSize=6.5,
                fillColor=colors.HexColor(MUTED),
            )
        )
    # month ticks
    month = start
    step = 1 if days <= 400 else 3
    while month <= end:
        x = x_of(month)
        d.add(Line(x, y0, x, y1, strokeColor=colors.HexColor("#e3e6eb"), strokeWidth=0.5))
        d.add(
            String(
                x + 1,
                y0 - 10,
                month.strftime("%b %Y"),
                fontName=FONT,
                fontSize=6.5,
                fillColor=colors.HexColor(MUTED),
            )
        )
        years, m = divmod(month.month - 1 + step, 12)
        month = dt.date(month.year + years, m + 1, 1)
    bar_h = row_h * 0.62
    for row, (_i, w, wave) in enumerate(dated):
        y = y1 - (row + 1) * row_h + (row_h - bar_h) / 2
        band = w.risk.band.value if w.risk else "low"
        d.add(
            String(
                2, y + bar_h / 2 - 2.5, _fit(w.title, label_w - 6, 7.5), fontName=FONT, fontSize=7.5
            )
        )
        assert wave.start_date and wave.end_date
        bx0, bx1 = x_of(wave.start_date), x_of(wave.end_date + dt.timedelta(days=1))
        d.add(
            Rect(
                bx0,
                y,
                max(2.0, bx1 - bx0),
                bar_h,
                fillColor=colors.HexColor(BAND_FILLS[band]),
                strokeColor=colors.HexColor(BAND_COLOURS[band]),
                strokeWidth=0.6,
            )
        )
        if w.risk and w.risk.blocked:
            d.add(
                String(
                    max(
                        [bx1]
                        + [
                            x_of(win.end)
                            for win in (wave.cutover_window, wave.rollback_window)
                            if win
                        ]
                    )
                    + 3,
                    y + 1,
                    "blocked",
                    fontName=FONT_BOLD,
                    fontSize=6.5,
                    fillColor=colors.HexColor(BAND_COLOURS["critical"]),
                )
            )
        for window, fill in ((wave.cutover_window, "#1f2937"), (wave.rollback_window, None)):
            if window is None:
                continue
            wx0, wx1 = x_of(window.start), x_of(window.end)
            d.add(
                Rect(
                    wx0,
                    y - 1,
                    max(2.5, wx1 - wx0),
                    bar_h + 2,
                    fillColor=colors.HexColor(fill) if fill else None,
                    strokeColor=colors.HexColor("#1f2937"),
                    strokeWidth=0.8,
                )
            )
    d.add(
        Line(label_w, y0, label_w + plot_w, y0, strokeColor=colors.HexColor(MUTED), strokeWidth=0.5)
    )
    return d


def gantt_legend(width: float) -> Any:
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors

    d = Drawing(width, 14)
    x = 0.0
    items: list[tuple[str, str | None, str]] = [
        ("Wave (colour: risk band)", BAND_FILLS["low"], BAND_COLOURS["low"]),
        ("Cutover window", "#1f2937", "#1f2937"),
        ("Rollback window", None, "#1f2937"),
        ("Change freeze", "#d5d8de", "#d5d8de"),
    ]
    for text, fill, stroke in items:
        d.add(
            Rect(
                x,
                3,
                14,
                8,
                fillColor=colors.HexColor(fill) if fill else None,
                strokeColor=colors.HexColor(stroke),
                strokeWidth=0.8,
            )
        )
        d.add(String(x + 18, 4, text, fontName=FONT, fontSize=7.5))
        x += 40 + len(text) * 4.2
    return d


def risk_chart(report: PlanReport, width: float) -> Any | None:
    """A bar per wave, its height the risk score (0-100), coloured by band, with the band
    thresholds drawn across."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    scored = [(i, w) for i, w in enumerate(report.waves, start=1) if w.risk is not None]
    if not scored:
        return None
    settings = report.assessment.doc.settings.risk
    left, bottom, top, height = 34.0, 16.0, 8.0, 170.0
    plot_w, plot_h = width - left - 70, height - bottom - top
    d = Drawing(width, height)
    slot = plot_w / len(scored)
    bar_w = min(28.0, slot * 0.7)

    def y_of(score: float) -> float:
        return bottom + plot_h * max(0.0, min(100.0, score)) / 100.0

    for value in (0, 25, 50, 75, 100):
        d.add(
            String(
                left - 4,
                y_of(value) - 2.5,
                str(value),
                fontName=FONT,
                fontSize=6.5,
                textAnchor="end",
                fillColor=colors.HexColor(MUTED),
            )
        )
    for name, threshold in (
        ("medium", settings.band_medium),
        ("high", settings.band_high),
        ("critical", settings.band_critical),
    ):
        y = y_of(threshold)
        d.add(
            Line(
                left,
                y,
                left + plot_w,
                y,
                strokeColor=colors.HexColor(BAND_COLOURS[name]),
                strokeWidth=0.6,
                strokeDashArray=[3, 2],
            )
        )
        d.add(
            String(
                left + plot_w + 4,
                y - 2.5,
                f"{name} from {threshold:g}",
                fontName=FONT,
                fontSize=6.5,
                fillColor=colors.HexColor(BAND_COLOURS[name]),
            )
        )
    label_every = max(1, math.ceil(len(scored) / 40))
    for n, (i, w) in enumerate(scored):
        assert w.risk is not None
        band = w.risk.band.value
        x = left + n * slot + (slot - bar_w) / 2
        d.add(
            Rect(
                x,
                bottom,
                bar_w,
                max(0.5, y_of(w.risk.score) - bottom),
                fillColor=colors.HexColor(BAND_FILLS[band]),
                strokeColor=colors.HexColor(BAND_COLOURS[band]),
                strokeWidth=0.6,
            )
        )
        if bar_w >= 10:
            d.add(
                String(
                    x + bar_w / 2,
                    y_of(w.risk.score) + 2,
                    f"{w.risk.score:.0f}",
                    fontName=FONT,
                    fontSize=6.5,
                    textAnchor="middle",
                )
            )
        if n % label_every == 0:
            d.add(
                String(
                    x + bar_w / 2,
                    bottom - 9,
                    str(i),
                    fontName=FONT,
                    fontSize=6.5,
                    textAnchor="middle",
                    fillColor=colors.HexColor(MUTED),
                )
            )
    d.add(
        Line(
            left, bottom, left + plot_w, bottom, strokeColor=colors.HexColor(MUTED), strokeWidth=0.5
        )
    )
    return d


def dependency_picture(
    links: list[AppLink], rank: int, width: float, wave_names: dict[int, str], limit: int = 5
) -> Any | None:
    """The phase's applications in the middle, those of earlier waves on the left and of
    later waves (or none) on the right, and the links between them in red: each crosses to
    another phase, so while one end has moved and the other has not it runs between the
    old and the new platform. Line width grows with traffic; the heaviest ``limit``
    applications of each column are drawn (links inside the phase are not)."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    if not links:
        return None
    mine: dict[str, float] = {}
    before: dict[tuple[str, int], float] = {}
    after: dict[tuple[str, int], float] = {}
    for link in links:
        for name, r, other, other_r in (
            (link.source, link.source_rank, link.target, link.target_rank),
            (link.target, link.target_rank, link.source, link.source_rank),
        ):
            if r != rank:
                continue
            mine[name] = mine.get(name, 0.0) + link.mbps
            if other_r < rank:
                before[(other, other_r)] = before.get((other, other_r), 0.0) + link.mbps
            elif other_r > rank:
                after[(other, other_r)] = after.get((other, other_r), 0.0) + link.mbps

    def top(values: dict[Any, float]) -> list[Any]:
        return [k for k, _v in sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))[:limit]]

    middle, left, right = top(mine), top(before), top(after)
    rows = max(len(middle), len(left), len(right), 1)
    box_h, gap = 12.0, 4.0
    height = 18 + rows * (box_h + gap)
    box_w = min(190.0, width / 3 - 40)
    xs = (0.0, (width - box_w) / 2, width - box_w)
    d = Drawing(width, height)
    pos: dict[tuple[int, Any], tuple[float, float]] = {}
    for col, (items, title) in enumerate(
        ((left, "Earlier waves"), (middle, "This wave"), (right, "Later waves or no wave"))
    ):
        d.add(
            String(
                xs[col],
                height - 10,
                title,
                fontName=FONT_BOLD,
                fontSize=7.5,
                fillColor=colors.HexColor(MUTED),
            )
        )
        for n, item in enumerate(items):
            y = height - 18 - (n + 1) * (box_h + gap) + gap
            pos[(col, item)] = (xs[col], y)
    max_mbps = max((link.mbps for link in links), default=1.0) or 1.0
    for link in links:
        ends = []
        for name, r in ((link.source, link.source_rank), (link.target, link.target_rank)):
            col = 1 if r == rank else (0 if r < rank else 2)
            key = name if col == 1 else (name, r)
            ends.append((col, key))
        if any(e not in pos for e in ends):
            continue
        (ca, ka), (cb, kb) = ends
        if ca == cb:
            continue
        crossing = ca != 1 or cb != 1
        (xa, ya), (xb, yb) = pos[(ca, ka)], pos[(cb, kb)]
        if ca > cb:
            (xa, ya), (xb, yb), ca, cb = (xb, yb), (xa, ya), cb, ca
        w = 0.6 + 2.4 * math.sqrt(link.mbps / max_mbps)
        d.add(
            Line(
                xa + box_w,
                ya + box_h / 2,
                xb,
                yb + box_h / 2,
                strokeColor=colors.HexColor("#c62828" if crossing else "#9aa1ad"),
                strokeWidth=w,
            )
        )
    for (col, item), (x, y) in pos.items():
        name = item if col == 1 else f"{item[0]} ({wave_names.get(item[1], 'no wave')})"
        fill = "#dbe7f5" if col == 1 else "#f3f4f6"
        d.add(
            Rect(
                x,
                y,
                box_w,
                box_h,
                fillColor=colors.HexColor(fill),
                strokeColor=colors.HexColor("#8a94a6"),
                strokeWidth=0.5,
                rx=2,
                ry=2,
            )
        )
        d.add(String(x + 4, y + 3.2, _fit(name, box_w - 8, 7), fontName=FONT, fontSize=7))
    return d


def chart_drawing(chart: Chart, width: float, height: float = 200.0) -> Any:
    """A ``capacity.Chart`` drawn as the window draws it (``gui.charts``): stacked bars,
    lines and dashed lines, round ticks with their unit, and a legend below."""
    from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    d = Drawing(width, height)
    size, line = 7.0, 9.0
    d.add(String(0, height - 10, chart.title, fontName=FONT_BOLD, fontSize=9))
    if chart.empty:
        return d
    d.add(
        String(
            0,
            height - 21,
            chart.unit,
            fontName=FONT,
            fontSize=size,
            fillColor=colors.HexColor(MUTED),
        )
    )
    # The legend's rows, from the bottom up.
    rows: list[list[tuple[str, str, str]]] = [[]]
    x = 0.0
    for s in chart.series:
        w = 20 + stringWidth(s.name, FONT, size) + 12
        if x + w > width and rows[-1]:
            rows.append([])
            x = 0.0
        rows[-1].append((s.name, s.colour, s.kind))
        x += w
    legend_h = len(rows) * line + 4
    low, high = chart.value_range()
    ticks = nice_ticks(low, high)
    left = float(max(stringWidth(tick_label(t), FONT, size) for t in ticks)) + 6
    bottom = legend_h + line + 4
    top = height - 32
    plot_w, plot_h = width - left - 4, top - bottom
    n = len(chart.x_labels)
    slot = plot_w / max(1, n)

    def x_of(i: int) -> float:
        return left + (i + 0.5) * slot

    def y_of(v: float) -> float:
        return bottom + plot_h * (v - ticks[0]) / ((ticks[-1] - ticks[0]) or 1.0)

    muted = colors.HexColor(MUTED)
    for t in ticks:
        y = y_of(t)
        if t != ticks[0]:
            d.add(
                Line(
                    left,
                    y,
                    left + plot_w,
                    y,
                    strokeColor=colors.HexColor("#e3e6eb"),
                    strokeWidth=0.5,
                )
            )
        d.add(
            String(
                left - 4,
                y - 2.5,
                tick_label(t),
                fontName=FONT,
                fontSize=size,
                textAnchor="end",
                fillColor=muted,
            )
        )
    widest = max(stringWidth(x, FONT, size) for x in chart.x_labels) + 6
    step = max(1, math.ceil(widest / slot))
    for i in range(0, n, step):
        d.add(
            String(
                x_of(i),
                bottom - line,
                chart.x_labels[i],
                fontName=FONT,
                fontSize=size,
                textAnchor="middle",
                fillColor=muted,
            )
        )
    bar_w = max(0.8, slot * 0.68)
    bars = [s for s in chart.series if s.kind == BAR]
    for i in range(n):
        base = 0.0
        for s in bars:
            v = s.values[i] or 0.0
            if v <= 0:
                continue
            y0, y1 = y_of(base), y_of(base + v)
            d.add(
                Rect(
                    x_of(i) - bar_w / 2,
                    y0,
                    bar_w,
                    y1 - y0,
                    fillColor=colors.HexColor(s.colour),
                    strokeColor=None,
                )
            )
            base += v
    for s in chart.series:
        if s.kind == BAR:
            continue
        dash = [3, 2] if s.kind == DASHED else None
        run: list[float] = []
        for i, value in enumerate([*s.values, None]):
            if value is not None:
                run += [x_of(i), y_of(value)]
                continue
            if len(run) >= 4:
                d.add(
                    PolyLine(
                        run,
                        strokeColor=colors.HexColor(s.colour),
                        strokeWidth=1.0 if dash else 1.4,
                        strokeDashArray=dash,
                    )
                )
            run = []
    zero = y_of(max(0.0, ticks[0]))
    d.add(Line(left, zero, left + plot_w, zero, strokeColor=muted, strokeWidth=0.5))
    for r, items in enumerate(rows):
        y = legend_h - (r + 1) * line
        x = 0.0
        for name, colour, kind in items:
            c = colors.HexColor(colour)
            if kind == BAR:
                d.add(Rect(x, y, 12, 6, fillColor=c, strokeColor=None))
            else:
                d.add(
                    Line(
                        x,
                        y + 3,
                        x + 12,
                        y + 3,
                        strokeColor=c,
                        strokeWidth=1.4,
                        strokeDashArray=[3, 2] if kind == DASHED else None,
                    )
                )
            d.add(String(x + 16, y, name, fontName=FONT, fontSize=size))
            x += 20 + stringWidth(name, FONT, size) + 12
    return d
