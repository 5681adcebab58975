"""The Review step of File > Import: the files are read once (off the GUI thread, with
progress and cancel), then what the import would do is shown for the person to decide:
workloads matched (or possibly matching) one already in the plan, and values a person set
that the files give differently. The Report page plans the read again with those choices."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionComboBox,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from migplan.core.document import PlanDocument
from migplan.core.ids import WorkloadId
from migplan.core.progress import Progress
from migplan.gui.import_review_models import ConflictsModel, MatchesModel
from migplan.gui.tasks import BackgroundTask
from migplan.io.importers.pipeline import ImportRequest, StagedImport, read_import
from migplan.io.importers.report import ImportReport

if TYPE_CHECKING:
    from migplan.gui.import_wizard import ImportWizard

_Index = QModelIndex | QPersistentModelIndex


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def review_counts(report: ImportReport) -> tuple[str, bool]:
    """The line of counts of a preview, and whether anything needs the person."""
    ambiguous = sum(m.status == "ambiguous" for m in report.matches)
    matched = sum(m.status == "matched" for m in report.matches)
    new = len(report.added) - ambiguous
    same = report.merged - report.merged_across
    skipped = (
        f" {_n(report.skipped, 'row')} skipped (listed in the report)." if report.skipped else ""
    )
    if not report.matches and not report.conflicts:
        merged = f", {same + report.merged_across:,} merged into workloads already there from " \
            "the same sources" if report.merged else ""  # fmt: skip
        return (
            f"Nothing to review: {_n(new, 'new workload')}{merged}, no match with workloads "
            f"already in the plan and no conflict with values you set.{skipped}",
            False,
        )
    return (
        f"{_n(new, 'new workload')}, {same:,} merged with the same source again, "
        f"{matched:,} matched to a workload of another source, {ambiguous:,} ambiguous, "
        f"{_n(len(report.conflicts), 'conflict')} with values you set.{skipped}",
        True,
    )


class ChoiceDelegate(QStyledItemDelegate):
    """The Decision column: drawn as a combo box in every row (without a widget per row, so
    10,000 matches stay fast); a click opens a real one."""

    def __init__(self, model: MatchesModel, parent: QWidget) -> None:
        super().__init__(parent)
        self._model = model

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is None:
            super().paint(painter, option, index)
            return
        combo = QStyleOptionComboBox()
        combo.rect = option.rect.adjusted(2, 1, -2, -1)
        combo.state = option.state | QStyle.StateFlag.State_Enabled
        combo.palette = option.palette
        combo.currentText = str(index.data(Qt.ItemDataRole.DisplayRole))
        combo.frame = True
        combo.editable = False
        style.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, combo, painter, widget)
        style.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, combo, painter, widget)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + 40, max(hint.height(), 26))

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName("review-choice")
        for label, target in self._model.options(index.row()):
            combo.addItem(label, target)
        combo.activated.connect(partial(self._on_combo_activated, combo))
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: _Index
    ) -> None:
        editor.setGeometry(option.rect)

    def _on_combo_activated(self, combo: QComboBox, _row: int) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)


def _table(parent: QWidget, name: str) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(26)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setHighlightSections(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    return view


class ReviewPage(QWizardPage):
    """Reads the files in the background and shows what the import would do."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle("Review")
        self.setSubTitle(
            "Workloads that may already be in the plan, and values a person set that the "
            "files give differently. Nothing is changed until you press Import."
        )
        self.progress = QProgressBar(self)
        self.progress.setObjectName("review-progress")
        self.cancel_button = QPushButton("Cancel reading", self)
        self.cancel_button.setObjectName("review-cancel")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.status = QLabel(self)
        self.status.setObjectName("review-status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.matches = MatchesModel(self)
        self.matches_view = _table(self, "review-matches")
        self.matches_view.setModel(self.matches)
        self.matches_view.setItemDelegateForColumn(
            MatchesModel.DECISION, ChoiceDelegate(self.matches, self.matches_view)
        )
        # Not SelectedClicked: a click opens the list at once (_on_matches_view_clicked), and
        # a delayed second edit on a selected row would refuse it.
        self.matches_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.matches_view.clicked.connect(self._on_matches_view_clicked)
        header = self.matches_view.horizontalHeader()
        header.setStretchLastSection(False)
        for col, width in enumerate((130, 190, 90, 130, 200, 230)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(MatchesModel.WHY, QHeaderView.ResizeMode.Stretch)
        self.matches_label = QLabel(self)
        self.matches_label.setTextFormat(Qt.TextFormat.PlainText)
        self.matches_label.setWordWrap(True)
        merge_all = QPushButton("Merge all listed", self)
        merge_all.setObjectName("review-merge-all")
        merge_all.setToolTip(
            "Merge every row into the one workload it matches; a row with several "
            "candidates keeps its choice."
        )
        merge_all.clicked.connect(self.matches.merge_all)
        keep_all = QPushButton("Keep all apart", self)
        keep_all.setObjectName("review-keep-all")
        keep_all.clicked.connect(self.matches.keep_all_apart)
        self.matches_box = self._section(
            self.matches_label, self.matches_view, (merge_all, keep_all)
        )

        self.conflicts = ConflictsModel(self)
        self.conflicts_view = _table(self, "review-conflicts")
        self.conflicts_view.setModel(self.conflicts)
        header = self.conflicts_view.horizontalHeader()
        for col, width in enumerate((130, 120, 120, 180, 180)):
            header.resizeSection(col, width)
        self.conflicts_label = QLabel(self)
        self.conflicts_label.setTextFormat(Qt.TextFormat.PlainText)
        self.conflicts_label.setWordWrap(True)
        take_all = QPushButton("Take all", self)
        take_all.setObjectName("review-take-all")
        take_all.clicked.connect(partial(self.conflicts.set_all, True))
        keep = QPushButton("Keep all", self)
        keep.setObjectName("review-keep-values")
        keep.clicked.connect(partial(self.conflicts.set_all, False))
        self.conflicts_box = self._section(
            self.conflicts_label, self.conflicts_view, (take_all, keep)
        )

        splitter = self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.matches_box)
        splitter.addWidget(self.conflicts_box)
        splitter.setStretchFactor(0, 1)  # a taller window is room for more matches
        splitter.setStretchFactor(1, 0)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)

        self.task: BackgroundTask | None = None
        self.staged: StagedImport | None = None
        self.preview: ImportReport | None = None
        self._read_key: object = None
        self._show_tables(False)

    def _section(
        self, label: QLabel, view: QTableView, buttons: tuple[QPushButton, ...]
    ) -> QWidget:
        box = QWidget(self)
        row = QHBoxLayout()
        row.addWidget(label, 1)
        for button in buttons:
            row.addWidget(button)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(row)
        layout.addWidget(view, 1)
        layout.addStretch(0)  # below a table held short (a few rows), not between
        return box

    # -- reading ----------------------------------------------------------------------------

    def initializePage(self) -> None:
        request = self._wizard.request()
        key = _read_key(request)
        if key == self._read_key and self.staged is not None:
            return  # the same files and mapping: keep the read and the person's choices
        self.staged, self.preview, self._read_key = None, None, None
        self.matches.reset([], str)
        self.conflicts.reset([])
        self._show_tables(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.status.setText("Reading the files…")
        doc = self._wizard.doc

        def work(progress: Progress) -> tuple[StagedImport, ImportReport]:
            staged = read_import(doc, request, progress)
            progress.step(0, 0, "Comparing with the plan…")
            return staged, staged.preview(doc)

        task = BackgroundTask(work, self)
        task.progressed.connect(self._on_task_progressed)
        task.succeeded.connect(partial(self._on_task_succeeded, task, key))
        task.failed.connect(partial(self._on_task_failed, task))
        task.cancelled.connect(partial(self._on_task_cancelled, task))
        self.task = task
        task.start()
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        # Back while reading: stop it (the read starts again on Next).
        self.cancel_reading()

    def cancel_reading(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()

    def isComplete(self) -> bool:
        return self.staged is not None

    def _on_task_progressed(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if message:
            self.status.setText(message)

    def _on_task_succeeded(self, task: BackgroundTask, key: object, result: Any) -> None:
        if task is not self.task:
            return  # a read the person went Back from
        self.staged, self.preview = result
        self._read_key = key
        self._done()
        assert self.preview is not None
        self._show(self.preview)
        self.completeChanged.emit()

    def _on_task_failed(self, task: BackgroundTask, message: str) -> None:
        if task is self.task:
            self._done()
            self.status.setText(
                "The files could not be read; the plan is unchanged. Go Back to change the "
                f"files or the columns.\n\n{message}"
            )

    def _on_task_cancelled(self, task: BackgroundTask) -> None:
        if task is self.task:
            self._done()
            self.status.setText(
                "Cancelled; the plan is unchanged. Go Back to change the files, or Cancel."
            )

    def _on_cancel_clicked(self) -> None:
        self.cancel_reading()

    def _done(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()

    # -- showing ----------------------------------------------------------------------------

    def _show(self, report: ImportReport) -> None:
        counts, something = review_counts(report)
        self.status.setText(counts)
        label = self._labeller(report.names)
        self.matches.reset(report.matches, label)
        self.conflicts.reset(report.conflicts)
        ambiguous = sum(m.status == "ambiguous" for m in report.matches)
        self.matches_label.setText(
            f"{_n(len(report.matches), 'workload')} of the files may already be in the plan "
            f"from another source ({ambiguous:,} ambiguous, imported apart unless you merge "
            "them). Click a Decision to change it."
        )
        self.conflicts_label.setText(
            f"{_n(len(report.conflicts), 'value')} set by a person that the files give "
            "differently. The person's value is kept unless you tick it."
        )
        self._show_tables(something)
        self.matches_box.setVisible(bool(report.matches))
        self.conflicts_box.setVisible(bool(report.conflicts))
        # Room by rows: a table of two conflicts needs no half of the page.
        rows = len(report.conflicts)
        view = self.conflicts_view
        view.setMaximumHeight(
            view.horizontalHeader().sizeHint().height() + max(rows, 2) * 26 + 2 * view.frameWidth()
            if rows <= 6
            else 16777215
        )
        total = self.splitter.height()
        if report.matches and report.conflicts and total > 0:
            box = self.conflicts_box.layout()
            assert box is not None
            box.invalidate()
            wanted = box.sizeHint().height()
            self.splitter.setSizes([total - wanted, wanted])

    def _labeller(self, names: dict[str, str]) -> Callable[[str], str]:
        """Names for the choices; a name two workloads share gets its row as well."""
        doc: PlanDocument = self._wizard.doc
        read = self.staged.inventory if self.staged else None
        pending = {str(w.id): w for w in (read.workloads if read else ())}
        offered = {t for m in self.preview.matches for t in (m.target_id, *m.candidates) if t} \
            if self.preview else set()  # fmt: skip
        seen = Counter(names.get(t, t).casefold() for t in offered)

        def label(wid: str) -> str:
            name = names.get(wid, wid)
            if seen[name.casefold()] < 2:
                return name
            wl = doc.workloads.get(WorkloadId(wid)) or pending.get(wid)
            return f"{name} ({wl.sources[0].describe()})" if wl and wl.sources else name

        return label

    def _show_tables(self, visible: bool) -> None:
        self.matches_box.setVisible(visible)
        self.conflicts_box.setVisible(visible)

    def _on_matches_view_clicked(self, index: QModelIndex) -> None:
        # One click on a Decision opens its list (not two: a click, then another).
        if index.column() == MatchesModel.DECISION:
            self.matches_view.edit(index)
            editor = self.matches_view.indexWidget(index) or self.matches_view.findChild(
                QComboBox, "review-choice"
            )
            if isinstance(editor, QComboBox):
                editor.showPopup()

    # -- the person's choices ---------------------------------------------------------------

    def decisions(self) -> dict[str, str]:
        return self.matches.decisions()

    def take_file(self) -> set[tuple[str, str]]:
        return self.conflicts.take_file()


def _read_key(request: ImportRequest) -> object:
    """What a read depends on: the request and each file as it is on disk now."""

    def stat(path: Path) -> tuple[int, int]:
        try:
            st = path.stat()
        except OSError:
            return (-1, -1)
        return (st.st_mtime_ns, st.st_size)

    return (repr(request), tuple((str(p), stat(p)) for p in request.files))
