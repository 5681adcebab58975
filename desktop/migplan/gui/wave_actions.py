"""What a person can do to a wave, for the wave table and the wave board alike: add, rename,
date, reorder, lock, delete, and drop workloads or applications onto it.

Each runs one core command (``core.wave_edits``) through the session, so it is one undo step
with the command's name; a refusal (a locked wave, a pinned workload, a bad date) is said in
``message`` with the core's sentence and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtWidgets import QMenu, QWidget

from migplan.core.commands import Command
from migplan.core.enums import EntityKind
from migplan.core.errors import CommandError
from migplan.core.ids import WaveId
from migplan.core.wave_edits import (
    add_wave,
    delete_wave,
    move_applications,
    move_wave,
    move_workloads,
    rename_wave,
    set_wave_dates,
    set_wave_locked,
)
from migplan.gui.analysis import AnalysisService
from migplan.gui.dnd import dropped_ids
from migplan.gui.session import DocumentSession
from migplan.gui.wave_dialogs import AskWave


class WaveActions(QObject):
    #: A sentence for the status bar: what was done, or why it was refused.
    message = Signal(str)
    #: The user asked to see these workloads in the inventory.
    show_workloads = Signal(list)

    def __init__(
        self, session: DocumentSession, analysis: AnalysisService, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._analysis = analysis

    def run(self, command: Command | None) -> bool:
        """Execute ``command`` as one undo step; say why when it is refused."""
        if command is None:
            return False
        try:
            self._session.execute(command)
        except CommandError as exc:
            self.message.emit(str(exc))
            return False
        return True

    def _wave_position(self, wave_id: str) -> tuple[int, int]:
        ordered = self._session.doc.waves_in_order()
        return next(i for i, w in enumerate(ordered, start=1) if w.id == wave_id), len(ordered)

    # -- the edits ----------------------------------------------------------------------

    def add(self, after: str | None = None) -> WaveId | None:
        """Add an empty wave after ``after`` (at the end when None); return its id."""
        doc = self._session.doc
        try:
            command = add_wave(doc, after)
            summary = self._session.execute(command)
        except CommandError as exc:
            self.message.emit(str(exc))
            return None
        added = summary.added.get(EntityKind.WAVE, set())
        new = WaveId(next(iter(added))) if added else None
        if new is not None:
            self.message.emit(f"Added {doc.waves[new].name}: drag workloads onto it")
        return new

    def rename(self, wave_id: str, parent: QWidget) -> bool:
        wave = self._session.doc.waves[WaveId(wave_id)]
        name = AskWave.name(parent, f"Rename {wave.name}", wave.name)
        if name is None or name == wave.name:
            return False
        try:
            command = rename_wave(self._session.doc, wave_id, name)
        except CommandError as exc:
            self.message.emit(str(exc))
            return False
        return self.run(command)

    def edit_dates(self, wave_id: str, parent: QWidget) -> bool:
        doc = self._session.doc
        wave = doc.waves[WaveId(wave_id)]
        ordered = doc.waves_in_order()
        position = ordered.index(wave)
        before = ordered[position - 1] if position else None
        suggested = (
            before.end_date + dt.timedelta(days=1)
            if before is not None and before.end_date is not None
            else doc.settings.planner.start_date or dt.date.today()
        )
        answer = AskWave.dates(
            parent,
            f"Dates of {wave.name}",
            wave.start_date,
            wave.end_date,
            suggested,
            doc.settings.planner.wave_length_days,
        )
        if answer is None:
            return False
        return self.run(set_wave_dates(doc, wave_id, *answer))

    def move(self, wave_id: str, delta: int) -> bool:
        position, _ = self._wave_position(wave_id)
        return self.run(move_wave(self._session.doc, wave_id, position + delta))

    def set_locked(self, wave_id: str, locked: bool) -> bool:
        return self.run(set_wave_locked(self._session.doc, wave_id, locked))

    def delete(self, wave_id: str) -> bool:
        doc = self._session.doc
        wave = doc.waves[WaveId(wave_id)]
        n = len(doc.workloads_in_wave(wave.id))
        if not self.run(delete_wave(doc, wave_id)):
            return False
        moved = f": its {n} workload{'s are' if n != 1 else ' is'} in no wave" if n else ""
        self.message.emit(f"Deleted {wave.name}{moved} (Undo brings it back)")
        return True

    def drop(self, mime: QMimeData, wave_id: str) -> bool:
        """Move what a drag carries (``gui.dnd``) onto ``wave_id`` as one undo step."""
        doc = self._session.doc
        if WaveId(wave_id) not in doc.waves:
            return False
        kind, ids = dropped_ids(mime)
        try:
            command = (
                move_applications(doc, ids, wave_id)
                if kind == "applications"
                else move_workloads(doc, ids, wave_id)
            )
        except CommandError as exc:
            self.message.emit(str(exc))
            return False
        wave = doc.waves[WaveId(wave_id)]
        if command is None:
            self.message.emit(f"Already in {wave.name}: nothing moved")
            return False
        if not self.run(command):
            return False
        assessment = self._analysis.assessment
        risk = assessment.risks.get(wave.id) if assessment is not None else None
        tail = f": risk {risk.score:.0f} ({risk.band.value})" if risk is not None else ""
        self.message.emit(f"{command.label.replace('Move', 'Moved', 1)}{tail}")
        return True

    # -- the menu -----------------------------------------------------------------------

    def menu(self, wave_id: str, parent: QWidget) -> QMenu:
        """Everything one can do to a wave, for a right-click on it anywhere."""
        doc = self._session.doc
        wave = doc.waves[WaveId(wave_id)]
        position, count = self._wave_position(wave_id)
        members = [w.id for w in doc.workloads_in_wave(wave.id)]
        menu = QMenu(parent)
        menu.setObjectName("wave-menu")

        def add(name: str, text: str, slot: object, enabled: bool = True) -> None:
            action = menu.addAction(text)
            action.setObjectName(name)
            action.setEnabled(enabled)
            action.triggered.connect(slot)

        add("wave-rename", "Rename…", lambda: self.rename(wave_id, parent))
        add("wave-dates", "Set dates…", lambda: self.edit_dates(wave_id, parent))
        menu.addSeparator()
        add("wave-up", "Move up (earlier)", lambda: self.move(wave_id, -1), position > 1)
        add("wave-down", "Move down (later)", lambda: self.move(wave_id, 1), position < count)
        add("wave-add-after", "Add a wave after this one", lambda: self.add(wave_id))
        menu.addSeparator()
        if wave.locked:
            add("wave-lock", f"Unlock {wave.name}", lambda: self.set_locked(wave_id, False))
        else:
            add(
                "wave-lock",
                f"Lock {wave.name} (nothing moves in or out, the planner keeps it)",
                lambda: self.set_locked(wave_id, True),
            )
        add(
            "wave-show",
            f"Show its {len(members)} workloads in the inventory",
            lambda: self.show_workloads.emit(members),
            bool(members),
        )
        menu.addSeparator()
        if wave.locked:
            add("wave-delete", f"Delete {wave.name} (unlock it first)", lambda: None, False)
        else:
            held = f" (its {len(members)} workloads go to no wave)" if members else ""
            add("wave-delete", f"Delete {wave.name}{held}", lambda: self.delete(wave_id))
        return menu
