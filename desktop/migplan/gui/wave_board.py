"""The wave board: every wave as a card, in order, showing how full it is in each capacity
dimension against its limits and its risk band; workloads and applications dragged from the
inventory (or the graph: ``gui.dnd``) drop onto a card to move into that wave.

The numbers are the assessment's own: capacity use from ``Assessment.capacity_use`` (what
the CAPACITY rule reads), risk from ``Assessment.risks`` (what the wave table shows), so the
board never computes anything differently. Cards hold no state: each refresh reads the
document and the assessment again.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from migplan.core.assess.capacity_use import DimensionUse
from migplan.core.assess.risk import PhaseRisk
from migplan.core.ids import WaveId
from migplan.core.models import Wave
from migplan.gui.analysis import AnalysisService
from migplan.gui.dnd import carries_ids
from migplan.gui.session import DocumentSession
from migplan.gui.style import plain_tooltip
from migplan.gui.wave_actions import WaveActions
from migplan.gui.wave_model import BAND_COLOURS

CARD_WIDTH = 222
#: The board's look (kept here, beside the properties it styles).
BOARD_STYLE = """
QFrame#wave-card {
    background: #ffffff;
    border: 1px solid #d0d4db;
    border-radius: 6px;
}
QFrame#wave-card[locked="true"] { background: #f6f7f9; }
QFrame#wave-card[drop="ok"] { border: 2px solid #2f6fde; background: #eef4ff; }
QFrame#wave-card[drop="refused"] { border: 2px solid #c62828; background: #fdecea; }
QLabel#wave-card-dates { color: #5b6270; }
QLabel#wave-card-lock {
    color: #3a404c; background: #e3e6eb; border-radius: 3px; padding: 0 5px; font-weight: 600;
}
QLabel#wave-board-hint { color: #5b6270; }
QLabel#wave-board-empty { color: #5b6270; padding: 12px 4px; }
QWidget#wave-board-strip { background: transparent; }
"""
_BAR_FILL = "#2f6fde"
_BAR_NEAR = "#b26a00"
_BAR_OVER = "#c62828"
_BAR_TRACK = "#e3e6eb"


class UseBar(QWidget):
    """One capacity dimension: its name and figures on a line, a bar under them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.use: DimensionUse | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_use(self, use: DimensionUse) -> None:
        self.use = use
        self.setToolTip(self.describe())
        self.update()

    def text(self) -> str:
        """What the bar says: ``vCPU 280 / 400``."""
        return f"{self.use.label} {self.use.text()}" if self.use else ""

    def describe(self) -> str:
        use = self.use
        if use is None:
            return ""
        if use.limit is None:
            unit = f" {use.unit}" if use.unit else ""
            return f"{use.label}: {use.used:,.0f}{unit}; the plan sets no limit for it"
        share = use.share or 0.0
        state = "over its limit" if use.over else f"{share:.0%} of its limit"
        return f"{use.label}: {use.text()}, {state}"

    def sizeHint(self) -> QSize:
        return QSize(CARD_WIDTH - 24, self.fontMetrics().height() + 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        use = self.use
        if use is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        w, line = self.width(), metrics.height()
        painter.setPen(QColor("#3a404c"))
        painter.drawText(0, 0, w, line, Qt.AlignmentFlag.AlignLeft, use.label)
        share = use.share
        if share is None:
            # No limit: said beside the name, in small grey type; no bar to fill.
            small = QFont(self.font())
            small.setPointSizeF(self.font().pointSizeF() * 0.85)
            painter.setFont(small)
            painter.setPen(QColor("#8a919c"))
            x = metrics.horizontalAdvance(use.label) + 6
            painter.drawText(
                x,
                0,
                w - x,
                line,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                "no limit",
            )
        figures = use.text().replace(" (no limit)", "")
        font = QFont(self.font())
        font.setBold(use.over)
        painter.setFont(font)
        painter.setPen(QColor(_BAR_OVER if use.over else "#1f2430"))
        painter.drawText(0, 0, w, line, Qt.AlignmentFlag.AlignRight, figures)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(_BAR_TRACK))
        painter.drawRoundedRect(QRectF(0, line + 2, w, 4), 2, 2)
        if share is not None:
            colour = _BAR_OVER if use.over else _BAR_NEAR if share >= 0.9 else _BAR_FILL
            painter.setBrush(QColor(colour))
            painter.drawRoundedRect(QRectF(0, line + 2, w * min(share, 1.0), 4), 2, 2)
        painter.end()


class WaveCard(QFrame):
    """One wave: its name, dates, risk band and capacity bars; a drop target."""

    def __init__(self, wave_id: WaveId, board: WaveBoard) -> None:
        super().__init__(board.strip)
        self.wave_id = wave_id
        self._board = board
        self.setObjectName("wave-card")
        self.setFixedWidth(CARD_WIDTH)
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setProperty("drop", "")
        self.setToolTip(
            "Drop workloads or an application here to move them into this wave.\n"
            "Double-click: select its workloads in the inventory. Right-click: edit the wave."
        )
        self.full_title = ""
        self._shown: tuple[object, ...] | None = None
        self.title = self._label("wave-card-title", bold=True)
        self.lock = self._label("wave-card-lock")
        self.dates = self._label("wave-card-dates")
        self.band = self._label("wave-card-band")
        self.band.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.issues = self._label("wave-card-issues")
        self.bars: list[UseBar] = []
        head = QHBoxLayout()
        head.setSpacing(4)
        head.addWidget(self.title, 1)
        head.addWidget(self.band)
        risk_row = QHBoxLayout()
        risk_row.addWidget(self.dates, 1)
        risk_row.addWidget(self.lock)
        self._bars_box = QVBoxLayout()
        self._bars_box.setSpacing(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 7, 10, 7)
        layout.setSpacing(3)
        layout.addLayout(head)
        layout.addLayout(risk_row)
        layout.addLayout(self._bars_box)
        layout.addWidget(self.issues)
        layout.addStretch(1)

    def _label(self, name: str, bold: bool = False) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)  # wave names come from people and files
        if bold:
            font = label.font()
            font.setBold(True)
            label.setFont(font)
        return label

    def show_wave(
        self,
        position: int,
        wave: Wave,
        risk: PhaseRisk | None,
        uses: tuple[DimensionUse, ...],
        issues: int,
    ) -> None:
        # Only what changed is redrawn: a move touches two or three waves of forty.
        shown = (
            position,
            wave,
            (risk.score, risk.band, risk.explain()) if risk is not None else None,
            uses,
            issues,
        )
        if shown == self._shown:
            return
        self._shown = shown
        metrics = self.title.fontMetrics()
        self.full_title = f"{position}  {wave.name}"
        self.title.setText(metrics.elidedText(self.full_title, Qt.TextElideMode.ElideRight, 120))
        self.title.setToolTip(plain_tooltip(self.full_title))
        self.lock.setText("Locked" if wave.locked else "")
        self.lock.setVisible(wave.locked)
        self.lock.setToolTip(
            "Locked: nothing moves in or out, the planner keeps it" if wave.locked else ""
        )
        if wave.start_date and wave.end_date:
            self.dates.setText(f"{wave.start_date:%d %b} – {wave.end_date:%d %b %y}")
        else:
            self.dates.setText("no dates")
        if risk is not None:
            colour = BAND_COLOURS[risk.band.value]
            self.band.setText(f"{risk.band.value.upper()} {risk.score:.0f}")
            self.band.setStyleSheet(
                f"color: white; background: {colour}; border-radius: 3px; padding: 1px 6px;"
                " font-weight: 600;"
            )
            self.band.setToolTip(plain_tooltip("\n".join(risk.explain())))
        else:
            self.band.setText("")
            self.band.setStyleSheet("")
        while len(self.bars) < len(uses):
            bar = UseBar(self)
            bar.setObjectName("wave-card-bar")
            self.bars.append(bar)
            self._bars_box.addWidget(bar)
        for bar, use in zip(self.bars, uses, strict=False):
            bar.set_use(use)
        over = [u.label.lower() for u in uses if u.over]
        parts = []
        if over:
            parts.append(f"over capacity: {', '.join(over)}")
        if issues:
            parts.append(f"{issues} rule{'s' if issues != 1 else ''} broken")
        self.issues.setText("; ".join(parts))
        self.issues.setStyleSheet("color: #c62828" if parts else "")
        self.issues.setVisible(bool(parts))
        if self.property("locked") != wave.locked:
            self.setProperty("locked", wave.locked)
            self.style().unpolish(self)
            self.style().polish(self)

    def texts(self) -> list[str]:
        """What the card says, top to bottom (for tests and screen readers)."""
        out = [self.full_title, self.lock.text(), self.dates.text()]
        out += [self.band.text(), *(b.text() for b in self.bars), self.issues.text()]
        return [t for t in out if t]

    # -- drops --------------------------------------------------------------------------

    def _set_drop_state(self, state: str) -> None:
        self.setProperty("drop", state)
        self.style().unpolish(self)
        self.style().polish(self)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if carries_ids(event.mimeData()):
            # Taken even onto a locked wave: the drop is refused with the reason, which a
            # forbidden cursor alone would not say.
            wave = self._board.session.doc.waves.get(self.wave_id)
            self._set_drop_state("refused" if wave is not None and wave.locked else "ok")
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if carries_ids(event.mimeData()):
            event.acceptProposedAction()
            self._board.autoscroll(
                self.mapTo(self._board.scroll_area.viewport(), event.position().toPoint()).x()
            )

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drop_state("")

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drop_state("")
        if not carries_ids(event.mimeData()):
            event.ignore()
            return
        event.acceptProposedAction()
        self._board.wave_actions.drop(event.mimeData(), self.wave_id)

    # -- mouse --------------------------------------------------------------------------

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self._board.wave_actions.menu(self.wave_id, self).exec(event.globalPos())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        members = [w.id for w in self._board.session.doc.workloads_in_wave(self.wave_id)]
        self._board.wave_actions.show_workloads.emit(members)


class WaveBoard(QWidget):
    """All waves side by side, as cards in a strip that scrolls sideways."""

    #: The waves shown changed (added, removed, reordered): for tests and the window.
    rebuilt = Signal()

    def __init__(
        self,
        session: DocumentSession,
        analysis: AnalysisService,
        actions: WaveActions,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("wave-board")
        self.session = session
        self.analysis = analysis
        self.wave_actions = actions
        self.cards: dict[WaveId, WaveCard] = {}
        self._order: list[WaveId] = []

        hint = QLabel(
            "Drag workloads onto a wave, or an Application cell to move the whole "
            "application. Right-click a wave to edit it.",
            self,
        )
        hint.setObjectName("wave-board-hint")
        hint.setWordWrap(True)
        self.add_button = QPushButton("Add wave", self)
        self.add_button.setObjectName("wave-board-add")
        self.add_button.setToolTip("Add an empty wave at the end")
        self.add_button.clicked.connect(lambda: self.wave_actions.add())
        self.empty = QLabel("No waves yet: add one, or use Plan ▸ Propose waves.", self)
        self.empty.setObjectName("wave-board-empty")
        head = QHBoxLayout()
        head.addWidget(hint, 1)
        head.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)

        self.strip = QWidget(self)
        self.strip.setObjectName("wave-board-strip")
        self._row = QHBoxLayout(self.strip)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(8)
        self._row.addWidget(self.empty, 0, Qt.AlignmentFlag.AlignTop)
        self._row.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("wave-board-scroll")
        self.scroll_area.setWidget(self.strip)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setStyleSheet(BOARD_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addWidget(self.scroll_area, 1)

        # Hidden on every tab but the inventory: refreshed when shown, and after changes only
        # while it is.
        self._dirty = True
        session.reset.connect(self._refresh_if_shown)
        analysis.updated.connect(self._refresh_if_shown)

    def card(self, wave_id: str) -> WaveCard:
        return self.cards[WaveId(wave_id)]

    def card_order(self) -> list[WaveId]:
        return list(self._order)

    def _refresh_if_shown(self, *args: object) -> None:
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def refresh(self) -> None:
        self._dirty = False
        doc = self.session.doc
        waves = doc.waves_in_order()
        order = [w.id for w in waves]
        if order != self._order:
            self._rebuild(order)
        assessment = self.analysis.assessment
        issues: dict[WaveId, int] = {}
        if assessment is not None:
            for v in assessment.violations:
                for wid in v.wave_ids:
                    issues[wid] = issues.get(wid, 0) + 1
        fresh = assessment is not None and assessment.revision == doc.revision
        for position, wave in enumerate(waves, start=1):
            uses = assessment.capacity_use(wave.id) if fresh and assessment is not None else ()
            risk = assessment.risks.get(wave.id) if assessment is not None else None
            self.cards[wave.id].show_wave(position, wave, risk, uses, issues.get(wave.id, 0))

    def _rebuild(self, order: list[WaveId]) -> None:
        for wid in [w for w in self.cards if w not in order]:
            card = self.cards.pop(wid)
            self._row.removeWidget(card)
            card.deleteLater()
        for wid in order:
            if wid not in self.cards:
                self.cards[wid] = WaveCard(wid, self)
        # Re-lay the cards in order, then the stretch that keeps them left-aligned.
        while self._row.count():
            self._row.takeAt(0)
        for wid in order:
            self._row.addWidget(self.cards[wid])
        self._row.addWidget(self.empty, 0, Qt.AlignmentFlag.AlignTop)
        self._row.addStretch(1)
        self.empty.setVisible(not order)
        self._order = order
        self.rebuilt.emit()

    def autoscroll(self, x: int) -> None:
        """A drag held near the left or right edge scrolls to the waves out of view."""
        bar = self.scroll_area.horizontalScrollBar()
        if x < 48:
            bar.setValue(bar.value() - 24)
        elif x > self.scroll_area.viewport().width() - 48:
            bar.setValue(bar.value() + 24)
