"""Capacity & cost: per phase, what the target needs and what the legacy side frees.

One row per wave, read from ``core.stats.phase_stats``, the list ``migplan stats --json``
prints, so the window and the command line show the same numbers: data to copy and its
transfer time, target nodes per pool, GPUs in use, the storage feed, hosts emptied, licensed
cores and what they save from the renewal on. Below the table, the plan's totals and the
findings (a pool out of GPUs, storage that cannot feed them, hosts unknown...).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from migplan.gui.analysis import AnalysisService
from migplan.gui.session import DocumentSession
from migplan.gui.style import plain_tooltip

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


class CapacityView(QWidget):
    """The Capacity & cost tab; refreshed a moment after each change of the plan."""

    def __init__(
        self, session: DocumentSession, analysis: AnalysisService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._analysis = analysis
        self.rows: list[dict[str, Any]] = []
        layout = QVBoxLayout(self)
        self.intro = QLabel(
            "What each phase needs of the new platform and frees on the old one, after the "
            "wave has moved. Target pools and licence prices are in Plan > Settings.",
            self,
        )
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("capacity-table")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
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
        layout.addStretch(0)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh)
        analysis.updated.connect(lambda _changed: self._timer.start())
        self.refresh()

    def refresh(self) -> None:
        """Read the phases again (milliseconds at 10,000 workloads: figures computed once
        in core, the target's from the window's assessment)."""
        from migplan.core.economics.licences import legacy_costs
        from migplan.core.stats import phase_stats

        doc = self._session.doc
        assessment = self._analysis.assessment
        current = assessment is not None and assessment.doc is doc
        target = assessment.target_phases() if current and assessment is not None else None
        costs = legacy_costs(doc)
        self.rows = phase_stats(doc, target, costs)
        currency = doc.settings.licences.currency
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, text in enumerate(_cells(row, currency)):
                item = QTableWidgetItem(text)
                tip = text
                if COLUMNS[c] == "Hosts emptied" and row["hosts_emptied"]:
                    tip = "Emptied by this wave: " + ", ".join(row["hosts_emptied"])
                item.setToolTip(plain_tooltip(tip))
                if c > 0:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.totals.setText(_totals(costs, currency))
        lines = [f"{row['order']}. {row['wave']}: {f}" for row in self.rows for f in _found(row)]
        lines += [str(getattr(f, "message", f)) for f in costs.findings]
        self.findings.setText("\n".join(lines[:40]) if lines else "No findings.")


def _found(row: dict[str, Any]) -> list[str]:
    return [str(f.get("message", f)) if isinstance(f, dict) else str(f) for f in row["findings"]]


def _cells(row: dict[str, Any], currency: str) -> list[str]:
    nodes = ", ".join(f"{pool}: {n}" for pool, n in row["nodes"].items()) or "no target pools"
    gpus = ", ".join(
        f"{pool}: {g['used']:g} of {g['total']:g} {g['unit']}" for pool, g in row["gpus"].items()
    )
    feed = ", ".join(
        f"{pool}: needs {f['need_gbps']:g} GB/s"
        + (f" of {f['gbps']:g}" if f.get("gbps") is not None else " (tier not given)")
        for pool, f in row["storage_feed"].items()
        if f.get("need_gbps")
    )
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
    return [
        f"{row['order']}. {row['wave']}",
        f"{row['data_gib']:,.0f} GiB",
        f"{row['transfer_hours']:,.1f} h",
        nodes,
        gpus or "—",
        feed or "—",
        hosts,
        cores,
        freed,
        saving,
    ]


def _totals(costs: Any, currency: str) -> str:
    if not costs.hosts_known:
        return (
            "Legacy hosts unknown: the inventory has no host list (RVTools vHost), so no "
            "licence figures are given."
        )
    text = (
        f"Legacy side: {costs.licensed_cores_total:,} licensed cores on {len(costs.hosts):,} "
        f"hosts; the plan frees {costs.licensed_cores_freed:,} of them, "
        f"{costs.saving_per_year:,.0f} {currency} a year once their renewals have passed"
    )
    if costs.licensed_core_months is not None:
        text += f"; {costs.licensed_core_months:,.0f} licensed-core-months over the plan"
    return text + "."
