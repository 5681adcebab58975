"""“Not in a wave”: every workload in no wave, grouped by the rule that keeps it out.

``UnplacedService`` keeps the core's ``explain_unplaced`` answer for the open plan. It costs
about a second and a half at 10,000 workloads (it builds the planner's problem), so it runs
off the GUI thread, a short while after the last edit, on a snapshot of the document, and only
while the list is on screen; typing and dragging never wait for it. ``UnplacedPanel`` shows
the answer.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from migplan.core.document import PlanDocument
from migplan.core.planning.proposal import Unplaceable
from migplan.core.progress import Progress
from migplan.core.rules import rule
from migplan.gui.analysis import AnalysisService
from migplan.gui.debounce import debounced
from migplan.gui.session import DocumentSession
from migplan.gui.style import plain_tooltip
from migplan.gui.tasks import BackgroundTask

IDS_ROLE = Qt.ItemDataRole.UserRole + 30
RULE_ROLE = Qt.ItemDataRole.UserRole + 31
STATEMENT_ROLE = Qt.ItemDataRole.UserRole + 32
#: Quiet time after the last edit before the list is recomputed.
DELAY_MS = 250
#: Rows listed per rule; the rest are one line that selects them all in the inventory. No
#: one reads 10,000 rows here, and building them held the window for most of a second.
ROWS_PER_RULE = 300


class UnplacedService(QObject):
    """``explain_unplaced`` for the open plan, recomputed in the background after changes.

    ``busy(True)`` as soon as the list is out of date, ``updated(items)`` when it is current
    again, ``failed(message)`` when the computation raised.
    """

    busy = Signal(bool)
    updated = Signal(object)
    failed = Signal(str)

    def __init__(
        self, session: DocumentSession, analysis: AnalysisService, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._analysis = analysis
        self.items: tuple[Unplaceable, ...] = ()
        #: The document and revision ``items`` describe.
        self._doc: PlanDocument | None = None
        self._revision = -1
        self.task: BackgroundTask | None = None
        self._again = False
        #: The list is on screen (``watch``): only then is it worked out.
        self._watched = False
        self._timer = debounced(self, DELAY_MS, self._start)
        analysis.updated.connect(self._on_analysis_updated)
        self._on_analysis_updated(set())

    def current_for(self, doc: PlanDocument) -> tuple[Unplaceable, ...] | None:
        """The items when they describe ``doc`` as it is now, else None."""
        if self._doc is doc and self._revision == doc.revision:
            return self.items
        return None

    @property
    def is_busy(self) -> bool:
        return self.current_for(self._session.doc) is None

    def watch(self, watched: bool) -> None:
        """The list came on screen (True) or left it: it is worked out only while shown, so
        edits on other tabs do not keep a worker busy for it."""
        self._watched = watched
        if watched and not self._timer.isActive():
            self._start()

    def _on_analysis_updated(self, changed: object) -> None:
        self.busy.emit(True)
        if self._watched:
            self._timer.start()

    def _start(self) -> None:
        if self.task is not None and self.task.running:
            self._again = True  # one run at a time; the newest edit gets its own run after
            return
        doc = self._session.doc
        assessment = self._analysis.assessment
        if assessment is None or assessment.doc is not doc:
            return  # still being assessed; ``updated`` comes again when it is done
        if self.current_for(doc) is not None:
            self.busy.emit(False)
            return
        # The worker reads a copy: the user may edit the plan while it runs.
        snapshot = doc.snapshot()
        shared = assessment.shared_ids()
        dispositions = dict(assessment.dispositions)
        classes = dict(assessment.classes)

        def work(progress: Progress) -> tuple[Unplaceable, ...]:
            from migplan.core.planning.unplaced import explain_unplaced

            return explain_unplaced(
                snapshot, shared_ids=shared, dispositions=dispositions, classes=classes
            )

        task = BackgroundTask(work, self)
        task.succeeded.connect(lambda items: self._on_task_done(doc, snapshot.revision, items))
        task.failed.connect(
            lambda message: self._on_task_done(doc, snapshot.revision, None, message)
        )
        self.task = task
        self._again = False
        task.start()

    def _on_task_done(
        self,
        doc: PlanDocument,
        revision: int,
        items: tuple[Unplaceable, ...] | None,
        message: str = "",
    ) -> None:
        if doc is self._session.doc and revision == doc.revision:
            if items is None:
                self.failed.emit(message)
                return
            self.items, self._doc, self._revision = items, doc, revision
            self.updated.emit(items)
            self.busy.emit(False)
        elif self._again and self._watched and not self._timer.isActive():
            self._start()


class UnplacedPanel(QWidget):
    """The list a user reads to learn why workloads are in no wave; double-click to see one."""

    #: The user asked to see these workloads in the inventory.
    show_workloads = Signal(list)

    def __init__(self, service: UnplacedService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.title = QLabel("Not in a wave", self)
        self.title.setObjectName("unplaced-title")
        self.status = QLabel(self)
        self.status.setObjectName("unplaced-status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("unplaced-tree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Workload", "Why"])
        self.tree.setColumnWidth(0, 150)
        self.tree.setIndentation(14)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemDoubleClicked.connect(self._on_tree_item_double_clicked)
        # The whole reason of the current row: the tree's column cuts long sentences short.
        self.why = QLabel(self)
        self.why.setObjectName("unplaced-why")
        self.why.setTextFormat(Qt.TextFormat.PlainText)  # names come from files
        self.why.setWordWrap(True)
        self.why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.why.hide()
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)
        self.empty = QLabel("Every workload is in a wave.", self)
        self.empty.setObjectName("unplaced-empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.why)
        layout.addWidget(self.empty, 1)
        self._collapsed: set[str] = set()
        self._updating = False
        service.updated.connect(self._fill)
        service.busy.connect(self._on_service_busy)
        service.failed.connect(self._on_service_failed)
        self._fill(service.items)
        self._on_service_busy(service.is_busy)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.service.watch(True)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.service.watch(False)

    def _on_service_busy(self, busy: bool) -> None:
        self._updating = busy
        self._show_status()
        # "Every workload is in a wave" only once it is known, never while working it out.
        self.empty.setVisible(not busy and not self.service.items)

    def _on_service_failed(self, message: str) -> None:
        self.status.setText(f"Could not work out why: {message}")

    def _show_status(self) -> None:
        count = len(self.service.items)
        if self._updating:
            self.status.setText("updating…")
        elif count:
            self.status.setText(
                f"{count:,} workload{'s' if count != 1 else ''}; double-click one to find it "
                "in the inventory"
            )
        else:
            self.status.setText("")

    def _fill(self, items: tuple[Unplaceable, ...]) -> None:
        self._remember_collapsed()
        current = self.tree.currentItem()
        current_id = current.data(0, IDS_ROLE) if current is not None else None
        self.tree.clear()
        groups: dict[str, list[Unplaceable]] = {}
        for item in items:
            groups.setdefault(item.rule_id, []).append(item)
        restore: QTreeWidgetItem | None = None
        for rule_id, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            named = rule(rule_id)
            group = QTreeWidgetItem(self.tree, [f"{named.title} ({rule_id}) — {len(members)}"])
            group.setFirstColumnSpanned(True)
            group.setToolTip(0, plain_tooltip(named.statement))
            group.setData(0, IDS_ROLE, [m.workload_id for m in members])
            group.setData(0, RULE_ROLE, rule_id)
            group.setData(0, STATEMENT_ROLE, named.statement)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            ordered = sorted(members, key=lambda m: (m.name.casefold(), m.workload_id))
            for m in ordered[:ROWS_PER_RULE]:
                row = QTreeWidgetItem(group, [m.name, m.reason])
                tip = plain_tooltip(f"{m.name}: {m.reason}")
                row.setToolTip(0, tip)
                row.setToolTip(1, tip)
                row.setData(0, IDS_ROLE, [m.workload_id])
                if current_id == [m.workload_id]:
                    restore = row
            rest = ordered[ROWS_PER_RULE:]
            if rest:
                more = QTreeWidgetItem(
                    group,
                    [f"… and {len(rest):,} more: double-click to select them in the inventory"],
                )
                more.setFirstColumnSpanned(True)
                more.setData(0, IDS_ROLE, [m.workload_id for m in rest])
            group.setExpanded(rule_id not in self._collapsed)
        self.tree.setVisible(bool(items))
        self.empty.setVisible(not items and not self._updating)
        if restore is not None:
            self.tree.setCurrentItem(restore)
        else:
            self.why.hide()
        self._show_status()

    def _on_tree_current_item_changed(
        self, current: QTreeWidgetItem | None, previous: QTreeWidgetItem | None
    ) -> None:
        if current is None:
            self.why.hide()
            return
        if current.parent() is None:
            self.why.setText(current.data(0, STATEMENT_ROLE))
        else:
            self.why.setText(f"{current.text(0)}: {current.text(1)}")
        self.why.show()

    def _remember_collapsed(self) -> None:
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            rule_id = group.data(0, RULE_ROLE)
            if group.isExpanded():
                self._collapsed.discard(rule_id)
            else:
                self._collapsed.add(rule_id)

    def _on_tree_item_double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        ids = item.data(0, IDS_ROLE) or []
        if item.parent() is not None and ids:  # a group header only opens or closes
            self.show_workloads.emit(list(ids))

    # -- what a user sees (tests read these) ------------------------------------------------

    def groups(self) -> dict[str, list[tuple[str, str]]]:
        """Group header -> (workload name, reason) of each row, in the order shown."""
        out: dict[str, list[tuple[str, str]]] = {}
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            out[group.text(0)] = [
                (group.child(j).text(0), group.child(j).text(1)) for j in range(group.childCount())
            ]
        return out
