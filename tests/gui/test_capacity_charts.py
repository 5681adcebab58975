"""The Capacity & cost charts (issue 14, point 6): the widget paints the series it is given,
and the tab draws and lists the figures ``migplan stats --json`` gives (``phase_stats`` and
``cost_stats``), following a change of a node pool's price."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent
from PySide6.QtWidgets import QApplication
from tests.core.target.factories import priced_target

from migplan.clicmd.stats import collect
from migplan.core.commands import SetSettings, UpdateEntities
from migplan.gui.charts import ChartWidget
from migplan.gui.main_window import MainWindow
from migplan.io.reports.capacity import BAR, LINE, Chart, Series

RED, BLUE = "#c62828", "#2f6fde"


def colour_at(image: QImage, x: float, y: float) -> QColor:
    ratio = image.devicePixelRatio()
    return image.pixelColor(int(x * ratio), int(y * ratio))


def near(a: QColor, b: str, tolerance: int = 40) -> bool:
    c = QColor(b)
    return (
        abs(a.red() - c.red()) + abs(a.green() - c.green()) + abs(a.blue() - c.blue()) < tolerance
    )


def test_the_widget_paints_the_bars_and_lines_it_is_given(qtbot: Any) -> None:
    chart = Chart(
        title="Test",
        unit="USD a month",
        x_labels=("Jan", "Feb", "Mar"),
        x_long=("January", "February", "March"),
        series=(
            Series("Bars", (1000.0, 0.0, 3000.0), RED, BAR),
            Series("Line", (500.0, 1500.0, 2500.0), BLUE, LINE),
        ),
        money=True,
    )
    widget = ChartWidget()
    qtbot.addWidget(widget)
    widget.resize(420, 300)
    widget.set_chart(chart)
    widget.show()
    qtbot.waitExposed(widget)
    image = widget.grab().toImage()
    first, third = widget.bar_rect("Bars", 0), widget.bar_rect("Bars", 2)
    assert abs(third.height() / first.height() - 3.0) < 0.05, "bar heights follow the values"
    for rect in (first, third):
        # Below the line, inside the bar: the bar's own colour.
        assert near(colour_at(image, rect.center().x(), rect.bottom() - 3), RED)
    # February's value is 0: no bar there.
    x = widget.x_of(1)
    assert not near(colour_at(image, x, widget.bar_rect("Bars", 0).bottom() - 3), RED)
    for i in range(3):
        point = widget.point("Line", i)
        assert point is not None
        assert near(colour_at(image, point.x(), point.y()), BLUE, 90), i
    # The line climbs: March is drawn above January.
    jan, mar = widget.point("Line", 0), widget.point("Line", 2)
    assert jan is not None and mar is not None and mar.y() < jan.y()
    # Hovering March names both values.
    # (A synthesised move: QTest's cursor moves are not always delivered off screen.)
    pos = QPointF(widget.x_of(2), widget.height() / 2)
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        pos,
        QPointF(widget.mapToGlobal(pos.toPoint())),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, move)
    assert widget._hover == 2
    assert widget.index_at(widget.x_of(0)) == 0 and widget.index_at(1.0) is None
    assert chart.describe(2) == "March\nBars: 3,000 USD\nLine: 2,500 USD"


def priced(window: MainWindow, general: float) -> None:
    """Give the plan one target cluster, its general pool at ``general`` a node-month."""
    doc = window.session.doc
    window.session.execute(SetSettings(priced_target(doc.settings, general)))


def stats_of(window: MainWindow) -> dict[str, Any]:
    """What ``migplan stats --json`` prints for the window's plan."""
    return collect(argparse.Namespace(assignments=False), window.session.doc)


def test_the_tab_draws_and_lists_the_costs_of_cost_stats(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    assert window.open_path(example_copy, ask=False)
    priced(window, 2400.0)
    window.tabs.setCurrentWidget(window.capacity)
    view = window.capacity
    qtbot.waitUntil(lambda: "Target a month" in view.columns and view.growth.chart is not None
                    and not view.growth.chart.empty)  # fmt: skip
    stats = stats_of(window)
    phases, costs = stats["phases"], stats["costs"]
    assert costs["months"], "the example's waves are dated"
    heads = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
    assert "Target a month (USD)" in heads and "Copy cost (USD)" in heads
    for r, phase in enumerate(phases):
        item = view.table.item(r, view.columns.index("Target a month"))
        assert item.text() == f"{phase['cost']['target_per_month']:,.0f}"
        dual = view.table.item(r, view.columns.index("Dual running")).text()
        assert dual.startswith(f"{phase['cost']['dual_running']:,.0f} (")
        copy = view.table.item(r, view.columns.index("Copy cost")).text()
        assert copy == f"{phase['cost']['transfer']:,.0f}"
    assert any(p["cost"]["target_per_month"] for p in phases)
    # The burn-down draws the months of cost_stats, the growth chart the nodes per phase.
    burn = view.burn_down.chart
    assert burn is not None and burn.title == "Cost month by month" and burn.unit == "USD a month"
    legacy, target, total = (s.values for s in burn.series)
    months = costs["months"]
    assert legacy == tuple(m["licences"] + m["legacy_hosts"] for m in months)
    assert target == tuple(m["target"] for m in months)
    assert total == tuple(m["total"] for m in months)
    assert legacy[-1] < legacy[0], "the legacy side's cost falls as hosts empty"
    growth = view.growth.chart
    assert growth is not None
    assert {s.name: s.values for s in growth.series}["general"] == tuple(
        float(p["nodes"]["dc1/general"]) for p in phases
    )
    assert not view.gpus.isHidden()
    t = costs["totals"]
    text = view.totals.text()
    for figure in (t["total"], t["legacy_if_nothing_moved"], t["saving"]):
        assert f"{figure:,.0f}" in text
    # The burn-down is painted: the target's line passes through its last month's point.
    image = view.burn_down.grab().toImage()
    last = view.burn_down.point("Target platform", len(months) - 1)
    assert last is not None and near(colour_at(image, last.x(), last.y()), BLUE, 90)
    # A dearer general pool: the drawn target cost and the table follow.
    before = target
    priced(window, 4800.0)
    qtbot.waitUntil(lambda: view.burn_down.chart is not None
                    and view.burn_down.chart.series[1].values != before)  # fmt: skip
    again = stats_of(window)
    assert view.burn_down.chart.series[1].values == tuple(
        m["target"] for m in again["costs"]["months"]
    )
    assert sum(view.burn_down.chart.series[1].values) > sum(before)
    assert view.table.item(0, view.columns.index("Target a month")).text() == (
        f"{again['phases'][0]['cost']['target_per_month']:,.0f}"
    )


def test_undated_waves_chart_licensed_cores_and_say_why(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    assert window.open_path(example_copy, ask=False)
    window.tabs.setCurrentWidget(window.capacity)
    doc = window.session.doc
    undated = tuple((w.id, {"start_date": None, "end_date": None}) for w in doc.waves_in_order())
    window.session.execute(UpdateEntities(undated, "Undate"))
    view = window.capacity
    qtbot.waitUntil(lambda: view.burn_down.chart is not None and not view.burn_down.chart.empty
                    and view.burn_down.chart.title == "Licensed cores after each wave")  # fmt: skip
    chart = view.burn_down.chart
    assert "dated waves" in chart.caption
    phases = stats_of(window)["phases"]
    assert chart.series[0].values == tuple(p["licensed_cores"] for p in phases)
    assert view.burn_down.bar_rect("Licensed cores still in use", 0).height() > 0
