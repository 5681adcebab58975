"""Capacity & cost: per phase, what the target needs and what the legacy side frees.

One row per wave, read from ``core.stats.phase_stats``, the list ``migplan stats --json``
prints, so the window and the command line show the same numbers: data to copy and its
transfer time, target nodes per pool, GPUs in use, the storage feed, hosts emptied, licensed
cores and what they save from the renewal on, and what each phase costs. Above the table,
charts of the same figures (``io.reports.capacity`` picks the series, ``gui.charts`` paints
them): the cost month by month, the target's nodes and its GPUs in use. Below it, the plan's
totals and the findings (a pool out of GPUs, storage that cannot feed them, hosts unknown...).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from migplan.gui.analysis import AnalysisService
from migplan.gui.charts import ChartWidget
from migplan.gui.debounce import debounced
from migplan.gui.session import DocumentSession
from migplan.gui.style import plain_tooltip
from migplan.io.reports.capacity import (
    CapacityFigures,
    capacity_figures,
    cost_totals_line,
    feed_text,
    gpus_text,
    nodes_text,
    pool_names,
)

COLUMNS = (
    "Wave",
    "Data to copy",
    "Transfer",
    "Target nodes",
    "GPUs in use",
    "Storage feed",
    "Hosts emptied",
    "Licensed cores",
    "Cores freed",
    "Saving a year",
)
#: Right-aligned: figures to compare down a column.
NUMERIC = {
    "Data to copy",
    "Transfer",
    "Hosts emptied",
    "Licensed cores",
    "Cores freed",
    "Saving a year",
    "Target a month",
    "Dual running",
    "Copy cost",
}
#: Widest a text column starts (pixels); its text wraps within it.
TEXT_WIDTH = 210
#: Shown once the plan's costs are computed (each phase row then has a ``cost``).
COST_COLUMNS = ("Target a month", "Dual running", "Copy cost")


def with_cost_columns() -> tuple[str, ...]:
    """The columns once costs are computed: each cost beside what it pays for (the copy
    beside the transfer, the target's cost beside its nodes)."""
    out: list[str] = []
    for name in COLUMNS:
        out.append(name)
        if name == "Transfer":
            out.append("Copy cost")
        elif name == "Target nodes":
            out += ["Target a month", "Dual running"]
    return tuple(out)


class CapacityView(QWidget):
    """The Capacity & cost tab; refreshed when shown and a moment after each change of the
    plan while it is."""

    def __init__(
        self, session: DocumentSession, analysis: AnalysisService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._analysis = analysis
        self.rows: list[dict[str, Any]] = []
        self.figures: CapacityFigures | None = None
        self.columns: tuple[str, ...] = COLUMNS
        layout = QVBoxLayout(self)
        self.intro = QLabel(
            "What each phase needs of the new platform and frees on the old one, after the "
            "wave has moved, and what it costs. Target pools and licence prices are in "
            "Plan > Settings. Hover a chart for its values.",
            self,
        )
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.burn_down = ChartWidget(self)
        self.burn_down.setObjectName("capacity-burn-down")
        self.growth = ChartWidget(self)
        self.growth.setObjectName("capacity-growth")
        self.gpus = ChartWidget(self)
        self.gpus.setObjectName("capacity-gpus")
        self.charts = QSplitter(Qt.Orientation.Horizontal, self)
        self.charts.setChildrenCollapsible(False)
        for chart in (self.burn_down, self.growth, self.gpus):
            self.charts.addWidget(chart)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("capacity-table")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.charts)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        layout.addWidget(self.splitter, 1)
        self.totals = QLabel(self)
        self.totals.setObjectName("capacity-totals")
        self.totals.setTextFormat(Qt.TextFormat.PlainText)
        self.totals.setWordWrap(True)
        layout.addWidget(self.totals)
        self.findings = QLabel(self)
        self.findings.setObjectName("capacity-findings")
        self.findings.setTextFormat(Qt.TextFormat.PlainText)
        self.findings.setWordWrap(True)
        layout.addWidget(self.findings)
        # The figures cost ~80 ms at 10,000 workloads: worked out when the tab is shown, and
        # after changes only while it is.
        self._dirty = True
        self._timer = debounced(self, 150, self.refresh)
        analysis.updated.connect(self._on_analysis_updated)

    def _on_analysis_updated(self, changed: object) -> None:
        self._dirty = True
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def refresh(self) -> None:
        """Read the phases again (milliseconds at 10,000 workloads: figures computed once
        in core, the target's from the window's assessment)."""
        self._dirty = False
        self._timer.stop()
        doc = self._session.doc
        assessment = self._analysis.assessment
        current = assessment is not None and assessment.doc is doc
        if current and assessment is not None:
            figures = capacity_figures(doc, assessment.target_phases(), assessment.dispositions)
        else:
            figures = capacity_figures(doc)
        self.figures = figures
        self.rows = figures.phases
        charts = figures.charts()
        self.burn_down.set_chart(charts[0])
        self.growth.set_chart(charts[1])
        self.gpus.setVisible(len(charts) > 2)
        if len(charts) > 2:
            self.gpus.set_chart(charts[2])
        self._fill_table(figures)
        self.totals.setText(_totals(figures))
        lines = [f"{row['order']}. {row['wave']}: {f}" for row in self.rows for f in _found(row)]
        lines += [str(f["message"]) for f in figures.licences.get("findings", [])]
        if figures.costs is not None:
            lines += [str(f["message"]) for f in figures.costs.get("findings", [])]
        self.findings.setText("\n".join(lines[:40]) if lines else "No findings.")

    def _fill_table(self, figures: CapacityFigures) -> None:
        with_costs = any("cost" in row for row in self.rows)
        columns = with_cost_columns() if with_costs else COLUMNS
        currency = figures.currency
        names = pool_names(self.rows)
        self.columns = columns
        self.table.setColumnCount(len(columns))
        self.table.setHorizontalHeaderLabels(
            [f"{c} ({currency})" if c in COST_COLUMNS else c for c in columns]
        )
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            cells = _cells(row, currency, names)
            for c, text in enumerate(cells[name] for name in columns):
                item = QTableWidgetItem(text)
                tip = text
                if columns[c] == "Hosts emptied" and row["hosts_emptied"]:
                    tip = "Emptied by this wave: " + ", ".join(row["hosts_emptied"])
                elif columns[c] == "Target nodes" and row["nodes"]:
                    tip = "\n".join(f"{pool}: {n:,} nodes" for pool, n in row["nodes"].items())
                elif columns[c] == "GPUs in use" and row["gpus"]:
                    tip = "\n".join(
                        f"{pool}: {g['used']:g} of {g['total']:g} {g['unit']}"
                        for pool, g in row["gpus"].items()
                    )
                item.setToolTip(plain_tooltip(tip))
                if columns[c] in NUMERIC:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        # Long texts (nodes, GPUs, feed per pool) wrap in a column of a readable width, so
        # the costs at the right stay in view.
        for c, name in enumerate(columns):
            if name not in NUMERIC and self.table.columnWidth(c) > TEXT_WIDTH:
                self.table.setColumnWidth(c, TEXT_WIDTH)
        self.table.resizeRowsToContents()


def _found(row: dict[str, Any]) -> list[str]:
    return [str(f.get("message", f)) if isinstance(f, dict) else str(f) for f in row["findings"]]


def _cells(row: dict[str, Any], currency: str, names: dict[str, str]) -> dict[str, str]:
    nodes, gpus, feed = nodes_text(row, names), gpus_text(row, names), feed_text(row, names)
    emptied = row["hosts_emptied"]
    if emptied is None:
        hosts, cores, freed, saving = "hosts unknown", "", "", ""
    else:
        hosts = f"{len(emptied)} host{'s' if len(emptied) != 1 else ''}" if emptied else "none"
        cores = f"{row['licensed_cores']:,}"
        freed = f"{row['licensed_cores_freed']:,}"
        saving = (
            f"{row['saving_per_year']:,.0f} {currency}"
            + (f" from {row['saving_from']}" if row.get("saving_from") else "")
            if row["saving_per_year"]
            else ""
        )
    return {
        "Wave": f"{row['order']}. {row['wave']}",
        "Data to copy": f"{row['data_gib']:,.0f} GiB",
        "Transfer": f"{row['transfer_hours']:,.1f} h",
        "Target nodes": nodes,
        "GPUs in use": gpus,
        "Storage feed": feed,
        "Hosts emptied": hosts,
        "Licensed cores": cores,
        "Cores freed": freed,
        "Saving a year": saving,
        **_cost_cells(row),
    }


def _cost_cells(row: dict[str, Any]) -> dict[str, str]:
    cost = row.get("cost") or {}
    dual = cost.get("dual_running")
    days = cost.get("dual_running_days")
    return {
        "Target a month": _money(cost.get("target_per_month")),
        "Dual running": (
            "—" if dual is None else _money(dual) + (f" ({days:,} days)" if days else "")
        ),
        "Copy cost": _money(cost.get("transfer")),
    }


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _totals(figures: CapacityFigures) -> str:
    lic = figures.licences
    currency = figures.currency
    if not figures.has_hosts:
        text = (
            "Legacy hosts unknown: the inventory has no host list (RVTools vHost), so no "
            "licence figures are given."
        )
    else:
        text = (
            f"Legacy side: {lic['licensed_cores_total']:,} licensed cores on {lic['hosts']:,} "
            f"hosts; the plan frees {lic['licensed_cores_freed']:,} of them, "
            f"{lic['saving_per_year']:,.0f} {currency} a year once their renewals have passed"
        )
        if lic.get("licensed_core_months") is not None:
            text += f"; {lic['licensed_core_months']:,.0f} licensed-core-months over the plan"
        text += "."
    return text + ("\n" + cost_totals_line(figures.costs) if figures.costs else "")
