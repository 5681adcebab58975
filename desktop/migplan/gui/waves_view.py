"""The Waves tab: the wave table with live risk, the selected wave's risk explained, every
rule the plan breaks, and beside them every workload in no wave and why. Waves are added,
renamed, dated, reordered, locked and deleted from the buttons above the table or a wave's
menu (``WaveActions``); workloads and applications dragged from the inventory drop onto a
wave to move there. What the planner wants said up front
after Propose waves shows in a bar at the top that the user dismisses."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
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

from migplan.core.ids import WaveId
from migplan.core.rules import RULES
from migplan.gui.analysis import AnalysisService
from migplan.gui.dnd import carries_ids, ids_mime
from migplan.gui.session import DocumentSession
from migplan.gui.style import plain_tooltip
from migplan.gui.unplaced_panel import UnplacedPanel, UnplacedService
from migplan.gui.wave_actions import WaveActions
from migplan.gui.wave_model import WAVE_ID_ROLE, WaveTableModel

VIOLATION_ROLE = Qt.ItemDataRole.UserRole + 20


class WaveTableView(QTableView):
    """Takes workloads and applications dragged from the inventory or the graph
    (``gui.dnd``); ``dropped(mime, wave_id)`` asks to move them onto the row's wave."""

    dropped = Signal(QMimeData, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def _wave_at(self, event: QDragMoveEvent | QDropEvent) -> str | None:
        if not carries_ids(event.mimeData()):
            return None
        index = self.indexAt(event.position().toPoint())
        return index.data(WAVE_ID_ROLE) if index.isValid() else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if carries_ids(event.mimeData()):
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
        event.acceptProposedAction()
        self.dropped.emit(event.mimeData(), wave_id)


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
        self.wave_actions = WaveActions(session, analysis, self)
        self.wave_actions.message.connect(self.message)
        self.wave_actions.show_workloads.connect(self.show_workloads)
        self.table.dropped.connect(self.wave_actions.drop)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_wave_changed)
        # The keyboard does what the buttons do, on the selected wave.
        for keys, key in (
            ("F2", "rename"),
            (QKeySequence.StandardKey.Delete, "delete"),
            ("Alt+Up", "up"),
            ("Alt+Down", "down"),
            ("Ctrl+Shift+N", "add"),
        ):
            action = QAction(self.table)
            action.setObjectName(f"wave-key-{key}")
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(lambda _c=False, k=key: self._on_button_clicked(k))
            self.table.addAction(action)

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
        waves_box = QWidget(self)
        waves_layout = QVBoxLayout(waves_box)
        waves_layout.setContentsMargins(0, 0, 0, 0)
        waves_layout.setSpacing(0)
        waves_layout.addWidget(self._build_buttons())
        waves_layout.addWidget(self.table)
        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(waves_box)
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

    # -- editing waves -----------------------------------------------------------------

    def _build_buttons(self) -> QWidget:
        """Add, rename, date, reorder, lock and delete the current wave (also on its menu)."""
        bar = QWidget(self)
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 4)
        row.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, tip in (
            (
                "add",
                "Add wave",
                "Add an empty wave after the selected one, or at the end (Ctrl+Shift+N)",
            ),
            ("rename", "Rename…", "Rename the selected wave (F2)"),
            ("dates", "Dates…", "Set the start and end day of the selected wave"),
            ("up", "▲ Earlier", "Move the selected wave one place earlier (Alt+Up)"),
            ("down", "▼ Later", "Move the selected wave one place later (Alt+Down)"),
            ("lock", "Lock", "Lock or unlock: nothing moves into or out of a locked wave"),
            ("delete", "Delete", "Delete the selected wave; its workloads go to no wave (Del)"),
        ):
            button = QPushButton(text, bar)
            button.setObjectName(f"wave-button-{key}")
            button.setToolTip(tip)
            button.clicked.connect(lambda _c=False, k=key: self._on_button_clicked(k))
            row.addWidget(button)
            self.buttons[key] = button
        row.addStretch(1)
        return bar

    def _on_button_clicked(self, key: str) -> None:
        wave_id = self.current_wave_id()
        if key == "add":
            new = self.wave_actions.add(wave_id)
            if new is not None:
                self.select_wave(new)
            return
        if wave_id is None:
            return
        if key == "rename":
            self.wave_actions.rename(wave_id, self)
        elif key == "dates":
            self.wave_actions.edit_dates(wave_id, self)
        elif key in ("up", "down"):
            self.wave_actions.move(wave_id, -1 if key == "up" else 1)
            self.select_wave(wave_id)
        elif key == "lock":
            self.wave_actions.set_locked(wave_id, not self._session.doc.waves[wave_id].locked)
        elif key == "delete":
            self.wave_actions.delete(wave_id)

    def _update_buttons(self) -> None:
        wave_id = self.current_wave_id()
        doc = self._session.doc
        wave = doc.waves.get(wave_id) if wave_id is not None else None
        for key, button in self.buttons.items():
            button.setEnabled(key == "add" or wave is not None)
        if wave is None:
            self.buttons["lock"].setText("Lock")
            return
        row = self.model.row_of(wave.id)
        self.buttons["up"].setEnabled(row > 0)
        self.buttons["down"].setEnabled(row < self.model.rowCount() - 1)
        self.buttons["lock"].setText("Unlock" if wave.locked else "Lock")
        self.buttons["delete"].setEnabled(not wave.locked)
        self.buttons["delete"].setToolTip(
            f"{wave.name} is locked: unlock it to delete it"
            if wave.locked
            else "Delete the selected wave; its workloads go to no wave (Del)"
        )

    def select_wave(self, wave_id: str) -> None:
        row = self.model.row_of(wave_id)
        if row >= 0:
            self.table.selectRow(row)

    def move_workloads(self, ids: list[str], wave_id: str) -> bool:
        """Move ``ids`` to ``wave_id`` as one undoable step, as a drop does; a locked wave
        or a pinned workload refuses, and ``message`` says why."""
        return self.wave_actions.drop(ids_mime(ids), wave_id)

    def wave_menu(self, wave_id: str) -> QMenu:
        return self.wave_actions.menu(wave_id, self)

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
        self._update_buttons()

    def _on_current_wave_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._show_risk(current.data(WAVE_ID_ROLE) if current.isValid() else None)
        self._update_buttons()

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
            item.setToolTip(2, plain_tooltip(v.message))
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
            group.setToolTip(0, plain_tooltip(group.text(0)))
            for j in range(group.childCount()):
                group.child(j).setToolTip(0, plain_tooltip(group.child(j).text(0)))
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
