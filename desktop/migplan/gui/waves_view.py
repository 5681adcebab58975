"""The Waves tab: the wave table with live risk, the selected wave's risk explained, every
rule the plan breaks, and beside them every workload in no wave and why. Workloads dragged
from the inventory drop onto a wave to move there. What the planner wants said up front
after Propose waves shows in a bar at the top that the user dismisses."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from migplan.core.commands import UpdateEntities
from migplan.core.errors import CommandError
from migplan.core.ids import WaveId, WorkloadId
from migplan.core.rules import RULES
from migplan.gui.analysis import AnalysisService
from migplan.gui.session import DocumentSession
from migplan.gui.unplaced_panel import UnplacedPanel, UnplacedService
from migplan.gui.wave_model import WAVE_ID_ROLE, WaveTableModel
from migplan.gui.workload_model import WORKLOADS_MIME

VIOLATION_ROLE = Qt.ItemDataRole.UserRole + 20


class WaveTableView(QTableView):
    """Accepts workloads dragged from the inventory; ``dropped(ids, wave_id)`` asks to move."""

    dropped = Signal(list, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def _wave_at(self, event: QDragMoveEvent | QDropEvent) -> str | None:
        if not event.mimeData().hasFormat(WORKLOADS_MIME):
            return None
        index = self.indexAt(event.position().toPoint())
        return index.data(WAVE_ID_ROLE) if index.isValid() else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(WORKLOADS_MIME):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._wave_at(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        wave_id = self._wave_at(event)
        if not wave_id:
            event.ignore()
            return
        raw = bytes(event.mimeData().data(WORKLOADS_MIME).data()).decode("utf-8")
        ids = [i for i in raw.split("\n") if i]
        event.acceptProposedAction()
        self.dropped.emit(ids, wave_id)


class WavesView(QWidget):
    message = Signal(str)
    #: The user asked to see these workloads (double-click on a rule).
    show_workloads = Signal(list)

    def __init__(
        self, session: DocumentSession, analysis: AnalysisService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._analysis = analysis
        self.model = WaveTableModel(session, analysis)
        self.table = WaveTableView(self)
        self.table.setObjectName("wave-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        # Sized to the contents once per new set of waves, not on every change: resizing to
        # contents on each layout read every cell again and again (2 s when a proposal of
        # 90 waves arrived at 10,000 workloads, the window frozen meanwhile).
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        self.model.modelReset.connect(self.table.resizeColumnsToContents)
        self.table.dropped.connect(self.move_workloads)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_wave_changed)

        self.risk_title = QLabel("Select a wave to see why it scores as it does", self)
        self.risk_title.setObjectName("risk-title")
        self.risk_title.setTextFormat(Qt.TextFormat.PlainText)
        self.risk_title.setWordWrap(True)
        self.risk_tree = QTreeWidget(self)
        self.risk_tree.setObjectName("risk-tree")
        self.risk_tree.setHeaderHidden(True)
        self.risk_tree.setWordWrap(True)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.risk_title)
        right_layout.addWidget(self.risk_tree)

        self.violations = QTreeWidget(self)
        self.violations.setObjectName("violations")
        self.violations.setHeaderLabels(["Severity", "Rule", "What is wrong"])
        self.violations.setRootIsDecorated(False)
        self.violations.setColumnWidth(0, 70)
        self.violations.setColumnWidth(1, 150)
        self.violations.itemDoubleClicked.connect(self._on_violation_double_clicked)
        self.violations_label = QLabel(self)
        self.violations_label.setObjectName("violations-label")
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.violations_label)
        bottom_layout.addWidget(self.violations)

        self.unplaced = UnplacedPanel(UnplacedService(session, analysis, self), self)
        self.unplaced.setObjectName("unplaced-panel")
        self.unplaced.show_workloads.connect(self.show_workloads)

        # Left: the waves and the rules they break; right: the selected wave's risk
        # explained, and under it every workload in no wave.
        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(self.table)
        left.addWidget(bottom)
        left.setSizes([3000, 2000])
        right_column = QSplitter(Qt.Orientation.Vertical, self)
        right_column.addWidget(right)
        right_column.addWidget(self.unplaced)
        right_column.setSizes([2000, 3000])
        outer = QSplitter(Qt.Orientation.Horizontal, self)
        outer.setObjectName("waves-splitter")
        outer.addWidget(left)
        outer.addWidget(right_column)
        outer.setSizes([5600, 4400])
        for splitter in (left, right_column, outer):
            splitter.setChildrenCollapsible(False)
        self._build_notes_bar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.notes_bar)
        layout.addWidget(outer, 1)
        self._notes_undo_index = -1
        session.undo_stack.indexChanged.connect(self._on_undo_stack_index_changed)
        session.reset.connect(self.notes_bar.hide)
        analysis.updated.connect(self._on_analysis_updated)
        self._on_analysis_updated(set())

    # -- what the planner wants said --------------------------------------------------------

    def _build_notes_bar(self) -> None:
        self.notes_bar = QFrame(self)
        self.notes_bar.setObjectName("notes-bar")
        self.notes_label = QLabel(self.notes_bar)
        self.notes_label.setObjectName("notes-text")
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)  # names come from files
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes_dismiss = QPushButton("Dismiss", self.notes_bar)
        self.notes_dismiss.setObjectName("notes-dismiss")
        self.notes_dismiss.clicked.connect(self.notes_bar.hide)
        bar = QHBoxLayout(self.notes_bar)
        bar.setContentsMargins(10, 6, 6, 6)
        bar.addWidget(self.notes_label, 1)
        bar.addWidget(self.notes_dismiss, 0, Qt.AlignmentFlag.AlignTop)
        # As tall as its text, never more: the tab's room goes to the waves.
        self.notes_bar.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.notes_bar.hide()

    def show_notes(self, notes: tuple[str, ...] | list[str]) -> None:
        """Say ``notes`` (from the proposal just applied) in a bar the user dismisses; undoing
        the proposal takes the bar away with it."""
        if not notes:
            self.notes_bar.hide()
            return
        lines = [plain_note(n) for n in notes]
        head = (
            "The proposed waves come with a warning:"
            if len(lines) == 1
            else f"The proposed waves come with {len(lines)} warnings:"
        )
        self.notes_label.setText("\n".join([head, *(f"• {line}" for line in lines)]))
        self._notes_undo_index = self._session.undo_stack.index()
        self.notes_bar.show()

    def _on_undo_stack_index_changed(self, index: int) -> None:
        if index < self._notes_undo_index:
            self.notes_bar.hide()

    # -- moving workloads -------------------------------------------------------------------

    def move_workloads(self, ids: list[str], wave_id: str) -> bool:
        """Move ``ids`` to ``wave_id`` as one undoable step; a locked wave refuses."""
        doc = self._session.doc
        wave = doc.waves.get(WaveId(wave_id))
        if wave is None:
            return False
        if wave.locked:
            self.message.emit(f"{wave.name} is locked: unlock it to move workloads into it")
            return False
        sources = {
            doc.workloads[WorkloadId(i)].wave_id for i in ids if WorkloadId(i) in doc.workloads
        }
        locked = [
            doc.waves[s].name
            for s in sources
            if s is not None and s in doc.waves and doc.waves[s].locked
        ]
        if locked:
            self.message.emit(
                f"{', '.join(sorted(locked))} is locked: unlock it to move workloads out"
            )
            return False
        moving = [
            i
            for i in ids
            if WorkloadId(i) in doc.workloads and doc.workloads[WorkloadId(i)].wave_id != wave.id
        ]
        if not moving:
            return False
        what = (
            doc.workloads[WorkloadId(moving[0])].name
            if len(moving) == 1
            else f"{len(moving)} workloads"
        )
        try:
            self._session.execute(
                UpdateEntities.same(moving, f"Move {what} to {wave.name}", wave_id=wave.id)
            )
        except CommandError as exc:
            self.message.emit(str(exc))
            return False
        risk = self.model.risk(wave.id)
        if risk is not None:
            self.message.emit(
                f"Moved {what} to {wave.name}: risk {risk.score:.0f} ({risk.band.value})"
            )
        return True

    def set_locked(self, wave_id: str, locked: bool) -> None:
        wave = self._session.doc.waves[WaveId(wave_id)]
        verb = "Lock" if locked else "Unlock"
        self._session.execute(
            UpdateEntities(((wave.id, {"locked": locked}),), f"{verb} {wave.name}")
        )

    def wave_menu(self, wave_id: str) -> QMenu:
        wave = self._session.doc.waves[WaveId(wave_id)]
        menu = QMenu(self)
        if wave.locked:
            action = menu.addAction(f"Unlock {wave.name}")
            action.triggered.connect(lambda: self.set_locked(wave_id, False))
        else:
            action = menu.addAction(f"Lock {wave.name} (the planner and drops leave it as it is)")
            action.triggered.connect(lambda: self.set_locked(wave_id, True))
        members = [w.id for w in self._session.doc.workloads_in_wave(wave.id)]
        show = menu.addAction(f"Show its {len(members)} workloads in the inventory")
        show.triggered.connect(lambda: self.show_workloads.emit(members))
        return menu

    def _on_table_context_menu(self, pos: Any) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.wave_menu(index.data(WAVE_ID_ROLE)).exec(self.table.viewport().mapToGlobal(pos))

    # -- refresh ----------------------------------------------------------------------------

    def current_wave_id(self) -> WaveId | None:
        index = self.table.currentIndex()
        return index.data(WAVE_ID_ROLE) if index.isValid() else None

    def _on_analysis_updated(self, changed: object) -> None:
        self._fill_violations()
        self._show_risk(self.current_wave_id())

    def _on_current_wave_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._show_risk(current.data(WAVE_ID_ROLE) if current.isValid() else None)

    def _fill_violations(self) -> None:
        self.violations.clear()
        assessment = self._analysis.assessment
        found = assessment.violations if assessment else []
        hard = sum(1 for v in found if v.severity.value == "hard")
        self.violations_label.setText(
            f"{len(found)} rules broken ({hard} hard, {len(found) - hard} soft) — double-click one to see its workloads"
            if found
            else "No rule is broken."
        )
        for v in found[:2000]:
            item = QTreeWidgetItem(self.violations, [v.severity.value, v.rule_id, v.message])
            item.setToolTip(2, v.message)
            item.setData(0, VIOLATION_ROLE, list(v.workload_ids))
            if v.severity.value == "hard":
                item.setForeground(0, Qt.GlobalColor.darkRed)

    def _show_risk(self, wave_id: WaveId | None) -> None:
        self.risk_tree.clear()
        risk = self.model.risk(wave_id) if wave_id else None
        if wave_id is None or risk is None:
            self.risk_title.setText("Select a wave to see why it scores as it does")
            return
        wave = self._session.doc.waves[wave_id]
        self.risk_title.setText(
            f"{wave.name}: risk {risk.score:.0f}/100, {risk.band.value.upper()}, "
            f"confidence {risk.confidence.value}" + (", BLOCKED as planned" if risk.blocked else "")
        )
        gates = QTreeWidgetItem(self.risk_tree, [f"Blockers ({len(risk.gates)})"])
        for gate in risk.gates:
            QTreeWidgetItem(gates, [f"{gate.message.removesuffix('.')} ({gate.gate_id})."])
        top = QTreeWidgetItem(self.risk_tree, ["Top contributors"])
        for c in risk.top:
            QTreeWidgetItem(top, [c.line()])
        doc = self._session.doc
        crossings = QTreeWidgetItem(
            self.risk_tree, [f"Dependencies crossing the hybrid link ({risk.crossing_count})"]
        )
        for e in risk.crossings[:50]:
            port = f":{e.port}" if e.port else ""
            flags = ", ".join(
                f
                for f, on in (
                    ("hard", e.hard),
                    ("two-way", e.bidirectional),
                    ("latency-sensitive", e.latency_sensitive),
                )
                if on
            )
            QTreeWidgetItem(
                crossings,
                [
                    f"{doc.node_name(e.source)} → {doc.node_name(e.target)}{port}  {e.mbps:,.1f} Mbit/s"
                    + (f"  ({flags})" if flags else "")
                ],
            )
        assessment = self._analysis.assessment
        rules = assessment.violations_of(wave_id) if assessment else []
        broken = QTreeWidgetItem(self.risk_tree, [f"Rules broken in this wave ({len(rules)})"])
        for v in rules[:100]:
            QTreeWidgetItem(broken, [f"[{v.severity.value}] {v.message}"])
        confidence = QTreeWidgetItem(self.risk_tree, [risk.confidence_text()])
        for gap in risk.gaps:
            QTreeWidgetItem(confidence, [gap.text])
        for i in range(self.risk_tree.topLevelItemCount()):
            group = self.risk_tree.topLevelItem(i)
            group.setToolTip(0, group.text(0))
            for j in range(group.childCount()):
                group.child(j).setToolTip(0, group.child(j).text(0))
        self.risk_tree.expandAll()

    def _on_violation_double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        ids = item.data(0, VIOLATION_ROLE) or []
        if ids:
            self.show_workloads.emit(list(ids))


def plain_note(note: str) -> str:
    """A planner note as a sentence: a rule id it starts with becomes the rule's name."""
    first, _, rest = note.partition(" ")
    found = RULES.get(first)
    if found is not None and rest:
        note = f"The rule “{found.title}” {rest}"
    note = note[:1].upper() + note[1:]
    return note if note.endswith((".", "!", "?")) else note + "."
