"""Locked waves and pinned workloads: the two rules every edit of a workload's wave keeps.

They are named things (STYLE.md rule 13) with one home: the commands refuse a move that
breaks one (``commands.UpdateEntities``, ``AddEntities``, ``RemoveEntities``), whatever asked
for it (the inventory's wave column, a bulk edit, a drop on the wave board, a proposal), and
the planner treats the same workloads as fixed (``fixed_wave``, read by
``planning.problem``). A refusal names the workload, the wave and what to do.

| id | what it keeps |
|---|---|
| WAVE-LOCKED | no workload moves into or out of a locked wave, and a locked wave is not deleted |
| WORKLOAD-PINNED | a pinned workload stays in its wave until it is unpinned |
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from migplan.core.errors import CommandError
from migplan.core.ids import WaveId
from migplan.core.models import Wave, Workload

if TYPE_CHECKING:
    from migplan.core.document import PlanDocument


_NUMBERED = re.compile(r"^Wave \d+$")


@dataclass(frozen=True)
class EditRule:
    """A rule a command keeps: a change that would break it is refused, never applied."""

    rule_id: str
    title: str
    statement: str


WAVE_LOCKED = EditRule(
    "WAVE-LOCKED",
    "Locked waves keep their workloads",
    "No workload moves into or out of a locked wave, by hand or by the planner, and a "
    "locked wave is not deleted, until it is unlocked.",
)
WORKLOAD_PINNED = EditRule(
    "WORKLOAD-PINNED",
    "Pinned workloads stay in their wave",
    "A pinned workload stays in its wave until it is unpinned.",
)
EDIT_RULES: dict[str, EditRule] = {r.rule_id: r for r in (WAVE_LOCKED, WORKLOAD_PINNED)}


class LockedError(CommandError):
    """A change refused by an ``EditRule``; ``rule_id`` says which."""

    def __init__(self, message: str, rule_id: str) -> None:
        super().__init__(message)
        self.rule_id = rule_id


def fixed_wave(workload: Workload, locked: set[WaveId]) -> WaveId | None:
    """The wave ``workload`` may not leave (pinned to it, or it is locked; ``locked``: the ids
    of the plan's locked waves), or None. The planner keeps such workloads where they are."""
    if workload.wave_id is not None and (workload.pinned or workload.wave_id in locked):
        return workload.wave_id
    return None


def wave_title(doc: PlanDocument, wave: Wave) -> str:
    """How a message names a wave: ``Wave 3 'Payments'`` (its position among the waves and
    its name), or its name alone when that already says it (``Wave 3``)."""
    if _NUMBERED.match(wave.name):
        return wave.name
    ordered = doc.waves_in_order()
    position = next((i for i, w in enumerate(ordered, start=1) if w.id == wave.id), 0)
    return f"Wave {position} '{wave.name}'"


@dataclass(frozen=True)
class Move:
    """A workload leaving ``workload.wave_id`` for ``to``; ``unpins`` when the same change
    unpins it (a person who unpins and moves in one step means it)."""

    workload: Workload
    to: WaveId | None
    unpins: bool = False


def check_moves(doc: PlanDocument, moves: Iterable[Move]) -> None:
    """Raise ``LockedError`` when a move breaks WAVE-LOCKED or WORKLOAD-PINNED, naming the
    workloads and the wave: ``Wave 2 is locked: unlock it to move web01 and 2 other
    workloads into it``, ``web01 is pinned to Wave 1: unpin it to move it``."""
    # Refusals by (rule, wave, direction), in the order met: the first group is said.
    refused: dict[tuple[str, WaveId, str], list[str]] = {}
    for move in moves:
        wl = move.workload
        if move.to == wl.wave_id:
            continue
        source = doc.waves.get(wl.wave_id) if wl.wave_id is not None else None
        target = doc.waves.get(move.to) if move.to is not None else None
        if source is not None and source.locked:
            key = (WAVE_LOCKED.rule_id, source.id, "out of")
        elif target is not None and target.locked:
            key = (WAVE_LOCKED.rule_id, target.id, "into")
        elif wl.pinned and not move.unpins and source is not None:
            key = (WORKLOAD_PINNED.rule_id, source.id, "")
        else:
            continue
        refused.setdefault(key, []).append(wl.name)
    if not refused:
        return
    (rule, wid, direction), names = next(iter(refused.items()))
    title = wave_title(doc, doc.waves[wid])
    others = len(names) - 1
    who = names[0] + (f" and {others} other workload{'s' if others > 1 else ''}" if others else "")
    if rule == WAVE_LOCKED.rule_id:
        message = f"{title} is locked: unlock it to move {who} {direction} it"
    else:
        it = "them" if others else "it"
        message = f"{who} {'are' if others else 'is'} pinned to {title}: unpin {it} to move {it}"
    rest = sum(len(n) for n in refused.values()) - len(names)
    if rest:
        message += f" (and {rest} more workload{'s' if rest > 1 else ''} refused for other reasons)"
    raise LockedError(message, rule)


def check_added(doc: PlanDocument, workloads: Iterable[Workload]) -> None:
    """Raise ``LockedError`` when a new workload would land in a locked wave."""
    for wl in workloads:
        wave = doc.waves.get(wl.wave_id) if wl.wave_id is not None else None
        if wave is not None and wave.locked:
            title = wave_title(doc, wave)
            raise LockedError(
                f"{title} is locked: unlock it to add {wl.name} to it", WAVE_LOCKED.rule_id
            )


def check_removed(doc: PlanDocument, wave: Wave, members: int) -> None:
    """Raise ``LockedError`` when ``wave`` is locked (deleting it would move its workloads)."""
    if wave.locked:
        title = wave_title(doc, wave)
        held = f" and its {members} workload{'s' if members != 1 else ''}" if members else ""
        raise LockedError(f"{title} is locked: unlock it to delete it{held}", WAVE_LOCKED.rule_id)
