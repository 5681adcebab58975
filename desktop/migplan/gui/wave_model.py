"""The wave table: one row per wave, in order, with its load and its live risk."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from migplan.core.assess.risk import PhaseRisk
from migplan.core.ids import WaveId
from migplan.core.models import Wave
from migplan.core.stats import Totals, totals_by_wave
from migplan.gui.analysis import AnalysisService
from migplan.gui.session import DocumentSession
from migplan.gui.style import plain_tooltip

Index = QModelIndex | QPersistentModelIndex
WAVE_ID_ROLE = Qt.ItemDataRole.UserRole + 10

BAND_COLOURS = {
    "low": "#2e7d32",
    "medium": "#b26a00",
    "high": "#c62828",
    "critical": "#8e0000",
}


COLUMNS = (
    "Order",
    "Wave",
    "Risk",
    "Band",
    "Confidence",
    "Issues",
    "Workloads",
    "vCPU",
    "Memory GiB",
    "Storage GiB",
    "GPUs",
    "Dates",
    "Locked",
)


class WaveTableModel(QAbstractTableModel):
    def __init__(self, session: DocumentSession, analysis: AnalysisService) -> None:
        super().__init__(session)
        self._session = session
        self._analysis = analysis
        self._waves: list[Wave] = []
        self._totals: dict[WaveId | None, Totals] = {}
        self._issues: dict[WaveId, int] = {}
        analysis.updated.connect(self._on_analysis_updated)
        self._on_analysis_updated(set())

    def _on_analysis_updated(self, changed: object) -> None:
        doc = self._session.doc
        waves = doc.waves_in_order()
        structural = [w.id for w in waves] != [w.id for w in self._waves]
        # (a plan without waves shows none: 100,000 imported workloads are not summed for
        # nothing on the window's thread)
        self._totals = totals_by_wave(doc) if waves else {}
        self._issues = defaultdict(int)
        assessment = self._analysis.assessment
        if assessment is not None:
            for v in assessment.violations:
                for wid in v.wave_ids:
                    self._issues[wid] += 1
        if structural:
            self.beginResetModel()
            self._waves = waves
            self.endResetModel()
            return
        self._waves = waves
        if waves:
            self.dataChanged.emit(self.index(0, 0), self.index(len(waves) - 1, len(COLUMNS) - 1))

    def wave(self, row: int) -> Wave:
        return self._waves[row]

    def row_of(self, wave_id: str) -> int:
        return next((i for i, w in enumerate(self._waves) if w.id == wave_id), -1)

    def risk(self, wave_id: WaveId) -> PhaseRisk | None:
        assessment = self._analysis.assessment
        return assessment.risks.get(wave_id) if assessment else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._waves)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._waves):
            return None
        wave = self._waves[index.row()]
        col = COLUMNS[index.column()]
        risk = self.risk(wave.id)
        if role == WAVE_ID_ROLE:
            return wave.id
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._display(wave, col, risk)
            return None if value is None else str(value)  # text, as item views expect
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (
            "Order",
            "Workloads",
            "vCPU",
            "Memory GiB",
            "Storage GiB",
            "GPUs",
            "Risk",
            "Issues",
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == "Band" and risk is not None:
            return QBrush(QColor(BAND_COLOURS[risk.band.value]))
        if role == Qt.ItemDataRole.ToolTipRole and col in ("Risk", "Band") and risk is not None:
            return plain_tooltip("\n".join(risk.explain()))
        return None

    def _display(self, wave: Wave, col: str, risk: PhaseRisk | None) -> Any:
        t = self._totals.get(wave.id, Totals())
        if col == "Order":
            return wave.order
        if col == "Wave":
            return wave.name
        if col == "Dates":
            if wave.start_date and wave.end_date:
                return f"{wave.start_date:%d %b} – {wave.end_date:%d %b %y}"
            return ""
        if col == "Workloads":
            return t.workloads
        if col == "vCPU":
            return t.vcpu
        if col == "Memory GiB":
            return f"{t.memory_gib:,.0f}"
        if col == "Storage GiB":
            return f"{t.storage_gib:,.0f}"
        if col == "GPUs":
            return t.gpus
        if col == "Risk":
            return f"{risk.score:.0f}" if risk else ""
        if col == "Band":
            return risk.band.value.upper() if risk else ""
        if col == "Confidence":
            return risk.confidence.value if risk else ""
        if col == "Issues":
            return self._issues.get(wave.id, 0)
        if col == "Locked":
            return "locked" if wave.locked else ""
        return None
