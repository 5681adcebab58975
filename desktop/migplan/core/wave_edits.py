"""Editing waves by hand: the commands behind the wave table, the wave board and drops.

Each function returns one command (plain data, undone in one step) whose label is what the
Edit menu shows ("Add wave 'Wave 5'", "Move 3 workloads to Wave 2", "Move application
Payments to Wave 2"), or raises ``CommandError`` with a sentence for the user. Moves of
workloads keep WAVE-LOCKED and WORKLOAD-PINNED: the commands themselves refuse (``locks``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import ValidationError

from migplan.core.commands import AddEntities, Command, Composite, RemoveEntities, UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.errors import CommandError, describe_validation_error
from migplan.core.ids import AppId, WaveId, WorkloadId, wave_id
from migplan.core.locks import wave_title
from migplan.core.models import Wave

#: Highest ``Wave.order`` the model allows.
_MAX_ORDER = 10_000


def _wave(doc: PlanDocument, wid: str) -> Wave:
    wave = doc.waves.get(WaveId(wid))
    if wave is None:
        raise CommandError(f"there is no wave {wid} in the plan")
    return wave


def _base_order(doc: PlanDocument) -> int:
    """The order of the plan's first wave: 0 when a wave has order 0, else 1."""
    return 0 if min((w.order for w in doc.waves.values()), default=1) == 0 else 1


def _renumbered(doc: PlanDocument, ordered: list[Wave], label: str) -> list[Command]:
    """Orders 1..K (from the plan's lowest order, 0 or 1) for ``ordered``, changing only the
    waves whose order differs."""
    base = _base_order(doc)
    changes = tuple(
        (w.id, {"order": base + i}) for i, w in enumerate(ordered) if w.order != base + i
    )
    if base + len(ordered) - 1 > _MAX_ORDER:
        raise CommandError(f"a plan holds at most {_MAX_ORDER} waves")
    return [UpdateEntities(changes, label)] if changes else []


def _free_name(doc: PlanDocument, position: int) -> str:
    """``Wave N`` for a wave added at the end (N its position) when no wave has that name,
    else ``New wave`` (numbered when taken): a ``Wave 3`` put before ``Wave 2`` would mislead."""
    names = {w.name for w in doc.waves.values()}
    if position == len(doc.waves) + 1 and f"Wave {position}" not in names:
        return f"Wave {position}"
    name, n = "New wave", 1
    while name in names:
        n += 1
        name = f"New wave {n}"
    return name


def add_wave(doc: PlanDocument, after: str | None = None, name: str | None = None) -> Command:
    """A new empty wave after ``after`` (at the end when None), named ``name`` or as
    ``_free_name`` says.

    Later waves move one place down. The new wave is dated when the wave before it has an
    end date: it starts the next day and lasts the plan's wave length.
    """
    ordered = doc.waves_in_order()
    position = len(ordered)
    if after is not None:
        position = next(i for i, w in enumerate(ordered, start=1) if w.id == _wave(doc, after).id)
    name = (name or "").strip() or _free_name(doc, position + 1)
    n = len(doc.waves)
    new_id = wave_id("hand", name, str(n))
    while doc.get(new_id) is not None:
        n += 1
        new_id = wave_id("hand", name, str(n))
    start = end = None
    before = ordered[position - 1] if position else None
    if before is not None and before.end_date is not None:
        start = before.end_date + dt.timedelta(days=1)
        end = start + dt.timedelta(days=doc.settings.planner.wave_length_days - 1)
    label = f"Add wave '{name}'"
    order = _base_order(doc) + position
    try:
        wave = Wave(id=new_id, name=name, order=order, start_date=start, end_date=end)
    except ValidationError as exc:
        raise CommandError(describe_validation_error(exc, f"wave {name!r}")) from None
    placed = [*ordered[:position], wave, *ordered[position:]]
    # The waves after it move one place down first, which leaves its order free.
    shifted = _renumbered(doc, placed, label)
    return Composite((*shifted, AddEntities((wave,), label)), label)


def rename_wave(doc: PlanDocument, wid: str, name: str) -> Command:
    wave = _wave(doc, wid)
    name = name.strip()
    if not name:
        raise CommandError(f"{wave_title(doc, wave)} needs a name")
    return UpdateEntities(((wave.id, {"name": name}),), f"Rename {wave.name} to '{name}'")


def move_wave(doc: PlanDocument, wid: str, to_position: int) -> Command | None:
    """Put the wave at 1-based ``to_position`` among the waves (None when it is there)."""
    wave = _wave(doc, wid)
    ordered = doc.waves_in_order()
    current = next(i for i, w in enumerate(ordered, start=1) if w.id == wave.id)
    to_position = max(1, min(len(ordered), to_position))
    if to_position == current:
        return None
    placed = [w for w in ordered if w.id != wave.id]
    placed.insert(to_position - 1, wave)
    if to_position == current - 1:
        label = f"Move {wave.name} up"
    elif to_position == current + 1:
        label = f"Move {wave.name} down"
    else:
        label = f"Move {wave.name} to position {to_position}"
    return Composite(tuple(_renumbered(doc, placed, label)), label)


def set_wave_dates(
    doc: PlanDocument, wid: str, start: dt.date | None, end: dt.date | None
) -> Command | None:
    wave = _wave(doc, wid)
    if (start, end) == (wave.start_date, wave.end_date):
        return None
    label = f"Set the dates of {wave.name}" if start or end else f"Clear the dates of {wave.name}"
    return UpdateEntities(((wave.id, {"start_date": start, "end_date": end}),), label)


def set_wave_locked(doc: PlanDocument, wid: str, locked: bool) -> Command | None:
    wave = _wave(doc, wid)
    if wave.locked == locked:
        return None
    verb = "Lock" if locked else "Unlock"
    return UpdateEntities(((wave.id, {"locked": locked}),), f"{verb} {wave.name}")


def delete_wave(doc: PlanDocument, wid: str) -> Command:
    """Delete the wave; its workloads go to no wave (and lose their pin). One undo step;
    refused for a locked wave (WAVE-LOCKED)."""
    wave = _wave(doc, wid)
    n = len(doc.workloads_in_wave(wave.id))
    held = f" ({n} workload{'s' if n != 1 else ''} to no wave)" if n else ""
    return RemoveEntities((wave.id,), f"Delete {wave.name}{held}")


def move_workloads(doc: PlanDocument, ids: Iterable[str], to: str | None) -> Command | None:
    """Move workloads ``ids`` to wave ``to`` (None: no wave); None when none would move.

    The command refuses a move into or out of a locked wave and a move of a pinned workload.
    """
    target = _wave(doc, to) if to is not None else None
    target_id = target.id if target is not None else None
    moving = [
        WorkloadId(i)
        for i in dict.fromkeys(ids)
        if WorkloadId(i) in doc.workloads and doc.workloads[WorkloadId(i)].wave_id != target_id
    ]
    if not moving:
        return None
    what = doc.workloads[moving[0]].name if len(moving) == 1 else f"{len(moving)} workloads"
    where = target.name if target is not None else "no wave"
    return UpdateEntities.same(moving, f"Move {what} to {where}", wave_id=target_id)


def move_applications(doc: PlanDocument, app_ids: Iterable[str], to: str) -> Command | None:
    """Move every workload of the applications ``app_ids`` to wave ``to``, as one step named
    after them ("Move application Payments to Wave 2"); None when all are there already."""
    target = _wave(doc, to)
    apps = [doc.applications[AppId(a)] for a in dict.fromkeys(app_ids) if a in doc.applications]
    if not apps:
        return None
    members = {a.id for a in apps}
    ids = sorted(w.id for w in doc.workloads.values() if w.application_id in members)
    command = move_workloads(doc, ids, target.id)
    if command is None:
        return None
    what = f"application {apps[0].name}" if len(apps) == 1 else f"{len(apps)} applications"
    assert isinstance(command, UpdateEntities)
    return UpdateEntities(command.changes, f"Move {what} to {target.name}")
