"""A small chart widget drawn with QPainter (PySide6-Essentials has no QtCharts).

It paints an ``io.reports.capacity.Chart`` as it is given, and computes nothing: stacked
bars, lines and dashed lines over months or phases, round ticks on a value axis with its
unit, a legend, an optional caption, and a tooltip naming every value at the point under
the mouse. The PDF draws the same ``Chart`` with reportlab (``pdf_charts.chart_drawing``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from migplan.gui.style import plain_tooltip
from migplan.io.reports.capacity import BAR, DASHED, Chart, nice_ticks, tick_label

GRID = QColor("#e3e6eb")
AXIS = QColor("#8a919c")
MUTED = QColor("#5b6270")
TEXT = QColor("#1f2430")
BORDER = QColor("#d9dce2")
HOVER = QColor("#eef3fc")
_PAD = 10.0


@dataclass(frozen=True)
class _Geometry:
    plot: QRectF
    ticks: list[float]
    legend_top: float
    caption: QRectF


class ChartWidget(QWidget):
    """One chart; ``set_chart`` replaces what it shows (and repaints)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart: Chart | None = None
        self._hover: int | None = None
        self.setMouseTracking(True)
        self.setMinimumSize(260, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(460, 300)

    def set_chart(self, chart: Chart) -> None:
        self.chart = chart
        self._hover = None
        self.setAccessibleName(chart.title)
        self.update()

    # -- geometry (also what tests use to find a series on screen)

    def _title_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def _geometry(self) -> _Geometry:
        chart = self.chart
        fm = self.fontMetrics()
        line = float(fm.height())
        width, height = float(self.width()), float(self.height())
        caption_h = 0.0
        if chart is not None and chart.caption:
            box = fm.boundingRect(
                0, 0, int(width - 2 * _PAD), 10_000, Qt.TextFlag.TextWordWrap, chart.caption
            )
            caption_h = box.height() + 4.0
        legend_h = self._legend_rows(width) * (line + 2)
        low, high = chart.value_range() if chart is not None else (0.0, 1.0)
        ticks = nice_ticks(low, high)
        left = _PAD + max(fm.horizontalAdvance(tick_label(t)) for t in ticks) + 6
        top = _PAD + line + 4 + line + line / 2 + 2  # title, then the unit
        bottom = height - _PAD - caption_h - legend_h - line - 6
        plot = QRectF(left, top, max(10.0, width - left - _PAD - 4), max(10.0, bottom - top))
        caption = QRectF(_PAD, height - _PAD - caption_h, width - 2 * _PAD, caption_h)
        return _Geometry(plot, ticks, plot.bottom() + line + 6, caption)

    def _legend_items(self) -> list[tuple[str, QColor, str]]:
        if self.chart is None:
            return []
        return [(s.name, QColor(s.colour), s.kind) for s in self.chart.series]

    def _legend_rows(self, width: float) -> int:
        fm = self.fontMetrics()
        rows, x = 1, _PAD
        for name, _c, _k in self._legend_items():
            w = 22 + fm.horizontalAdvance(name) + 14
            if x + w > width - _PAD and x > _PAD:
                rows, x = rows + 1, _PAD
            x += w
        return rows if self._legend_items() else 0

    def slot_width(self) -> float:
        n = len(self.chart.x_labels) if self.chart else 0
        return self._geometry().plot.width() / max(1, n)

    def x_of(self, i: int) -> float:
        plot = self._geometry().plot
        return plot.left() + (i + 0.5) * self.slot_width()

    def y_of(self, value: float, geometry: _Geometry | None = None) -> float:
        g = geometry or self._geometry()
        low, high = g.ticks[0], g.ticks[-1]
        return g.plot.bottom() - g.plot.height() * (value - low) / ((high - low) or 1.0)

    def bar_rect(self, series: str, i: int) -> QRectF:
        """Where the bar of ``series`` at point ``i`` is drawn (empty when it has none)."""
        assert self.chart is not None
        g = self._geometry()
        base = 0.0
        for s in self.chart.series:
            if s.kind != BAR:
                continue
            v = s.values[i] or 0.0
            if s.name == series:
                w = max(1.0, self.slot_width() * 0.68)
                y0, y1 = self.y_of(base + v, g), self.y_of(base, g)
                return QRectF(self.x_of(i) - w / 2, y0, w, y1 - y0)
            base += v
        return QRectF()

    def point(self, series: str, i: int) -> QPointF | None:
        """Where the line of ``series`` passes at point ``i`` (None: no value there)."""
        assert self.chart is not None
        s = next(s for s in self.chart.series if s.name == series)
        v = s.values[i]
        return None if v is None else QPointF(self.x_of(i), self.y_of(v))

    # -- painting

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, p: QPainter) -> None:
        p.fillRect(self.rect(), QColor("#ffffff"))
        p.setPen(BORDER)
        p.drawRect(self.rect().adjusted(0, 0, -1, -1))
        chart = self.chart
        if chart is None:
            return
        fm = self.fontMetrics()
        line = fm.height()
        p.setFont(self._title_font())
        p.setPen(TEXT)
        p.drawText(
            QRectF(_PAD, _PAD, self.width() - 2 * _PAD, line + 2),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            chart.title,
        )
        p.setFont(self.font())
        g = self._geometry()
        if chart.empty:
            self._caption(p, QRectF(_PAD, g.plot.top(), self.width() - 2 * _PAD, g.plot.height()))
            return
        p.setPen(MUTED)
        p.drawText(QPointF(_PAD, _PAD + 2 * line + 2), chart.unit)
        self._axes(p, g)
        if self._hover is not None:
            w = self.slot_width()
            p.fillRect(
                QRectF(self.x_of(self._hover) - w / 2, g.plot.top(), w, g.plot.height()), HOVER
            )
            self._grid(p, g)
        self._bars(p, g)
        self._lines(p, g)
        self._legend(p, g)
        if chart.caption:
            self._caption(p, g.caption)

    def _grid(self, p: QPainter, g: _Geometry) -> None:
        p.setPen(QPen(GRID, 1))
        for t in g.ticks[1:]:
            y = round(self.y_of(t, g)) + 0.5
            p.drawLine(QPointF(g.plot.left(), y), QPointF(g.plot.right(), y))

    def _axes(self, p: QPainter, g: _Geometry) -> None:
        assert self.chart is not None
        fm = self.fontMetrics()
        self._grid(p, g)
        p.setPen(MUTED)
        for t in g.ticks:
            y = self.y_of(t, g)
            text = tick_label(t)
            p.drawText(
                QPointF(g.plot.left() - 6 - fm.horizontalAdvance(text), y + fm.ascent() / 2 - 1),
                text,
            )
        labels = self.chart.x_labels
        widest = max(fm.horizontalAdvance(x) for x in labels) + 8
        step = max(1, math.ceil(widest / self.slot_width()))
        for i in range(0, len(labels), step):
            text = labels[i]
            x = self.x_of(i) - fm.horizontalAdvance(text) / 2
            p.drawText(QPointF(x, g.plot.bottom() + fm.ascent() + 3), text)
        p.setPen(QPen(AXIS, 1))
        y = round(self.y_of(max(0.0, g.ticks[0]), g)) + 0.5
        p.drawLine(QPointF(g.plot.left(), y), QPointF(g.plot.right(), y))

    def _bars(self, p: QPainter, g: _Geometry) -> None:
        assert self.chart is not None
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(Qt.PenStyle.NoPen)
        bars = [s for s in self.chart.series if s.kind == BAR]
        w = max(1.0, self.slot_width() * 0.68)
        for i in range(len(self.chart.x_labels)):
            base = 0.0
            for s in bars:
                v = s.values[i] or 0.0
                if v <= 0:
                    continue
                y0, y1 = self.y_of(base + v, g), self.y_of(base, g)
                p.fillRect(QRectF(self.x_of(i) - w / 2, y0, w, y1 - y0), QColor(s.colour))
                base += v

    def _lines(self, p: QPainter, g: _Geometry) -> None:
        assert self.chart is not None
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        n = len(self.chart.x_labels)
        for s in self.chart.series:
            if s.kind == BAR:
                continue
            pen = QPen(QColor(s.colour), 1.6 if s.kind == DASHED else 2.2)
            if s.kind == DASHED:
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            path = QPainterPath()
            drawing = False
            for i, v in enumerate(s.values):
                if v is None:
                    drawing = False
                    continue
                pt = QPointF(self.x_of(i), self.y_of(v, g))
                if drawing:
                    path.lineTo(pt)
                else:
                    path.moveTo(pt)
                    drawing = True
            p.drawPath(path)
            if n <= 24 and s.kind != DASHED:
                p.setBrush(QColor(s.colour))
                for i, v in enumerate(s.values):
                    if v is not None:
                        p.drawEllipse(QPointF(self.x_of(i), self.y_of(v, g)), 2.6, 2.6)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    def _legend(self, p: QPainter, g: _Geometry) -> None:
        fm = self.fontMetrics()
        line = fm.height() + 2
        x, y = _PAD, g.legend_top
        for name, colour, kind in self._legend_items():
            w = 22 + fm.horizontalAdvance(name) + 14
            if x + w > self.width() - _PAD and x > _PAD:
                x, y = _PAD, y + line
            mid = y + line / 2
            if kind == BAR:
                p.fillRect(QRectF(x, mid - 5, 16, 10), colour)
            else:
                pen = QPen(colour, 2.2)
                if kind == DASHED:
                    pen.setStyle(Qt.PenStyle.DashLine)
                    pen.setWidthF(1.6)
                p.setPen(pen)
                p.drawLine(QPointF(x, mid), QPointF(x + 16, mid))
            p.setPen(TEXT)
            p.drawText(QPointF(x + 22, mid + fm.ascent() / 2 - 1), name)
            x += w

    def _caption(self, p: QPainter, rect: QRectF) -> None:
        assert self.chart is not None
        p.setPen(MUTED)
        p.drawText(
            rect,
            int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft),
            self.chart.caption,
        )

    # -- hover

    def index_at(self, x: float) -> int | None:
        """The point (month or phase) under ``x``, None outside the plot."""
        if self.chart is None or self.chart.empty:
            return None
        plot = self._geometry().plot
        if not plot.left() <= x <= plot.right():
            return None
        return min(len(self.chart.x_labels) - 1, int((x - plot.left()) / self.slot_width()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        i = self.index_at(pos.x())
        if i != self._hover:
            self._hover = i
            self.update()
        if i is None or self.chart is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(
                event.globalPosition().toPoint(), plain_tooltip(self.chart.describe(i)), self
            )
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = None
        self.update()
        super().leaveEvent(event)
