"""Who made a plan, when, and a short log of its saved versions.

Stored in the plan's settings (``PlanSettings.metadata``) so that it travels with the file;
the window appends a ``SavedVersion`` at every save and the reports read it. The log keeps
the last ``MAX_CHANGES`` entries: a plan saved every few minutes for a year stays small.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from typing import Annotated

from pydantic import Field

from migplan.core.models import Entity, ShortText

#: Saved versions kept in the log; older ones are dropped at the next save.
MAX_CHANGES = 200


class SavedVersion(Entity):
    """One save of the plan: when, by whom, and what changed in a line."""

    when: dt.datetime
    author: ShortText = ""
    summary: ShortText = ""


class PlanMetadata(Entity):
    """Author, creation and last-save times, and the log of saved versions (oldest first)."""

    author: ShortText = ""
    created: dt.datetime | None = None
    modified: dt.datetime | None = None
    changes: Annotated[tuple[SavedVersion, ...], Field(max_length=MAX_CHANGES)] = ()

    def saved(self, when: dt.datetime, author: str, summary: str) -> PlanMetadata:
        """The metadata after a save at ``when``: ``created`` set on the first save, the
        author kept (or set when unknown), the log one entry longer and bounded."""
        entry = SavedVersion(when=when, author=author[:1000], summary=summary[:1000])
        return self.with_changes(
            author=self.author or author[:1000],
            created=self.created or when,
            modified=when,
            changes=(*self.changes, entry)[-MAX_CHANGES:],
        )


def merge_metadata(base: PlanMetadata, ours: PlanMetadata, theirs: PlanMetadata) -> PlanMetadata:
    """Both sides' saved versions, in time order, never a conflict: the log only grows.

    One side unchanged gives the other side's metadata as it is; otherwise the author and
    creation time come from ours (else theirs) and ``modified`` is the later of the two.
    """
    if theirs in (base, ours):
        return ours
    if ours == base:
        return theirs
    seen: dict[tuple[dt.datetime, str, str], SavedVersion] = {}
    for entry in (*ours.changes, *theirs.changes):
        seen.setdefault((entry.when, entry.author, entry.summary), entry)
    changes = sorted(seen.values(), key=_when_key)[-MAX_CHANGES:]
    stamps = [m for m in (ours.modified, theirs.modified) if m is not None]
    return PlanMetadata(
        author=ours.author or theirs.author,
        created=ours.created or theirs.created,
        modified=max(stamps, key=_stamp_key) if stamps else None,
        changes=tuple(changes),
    )


def current_user() -> str:
    """The name of the person at this computer, as the system knows it ("" when unknown)."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        return os.environ.get("USERNAME", "")


def now() -> dt.datetime:
    """The time a save records: local time with its offset, to the second."""
    return dt.datetime.now().astimezone().replace(microsecond=0)


def _stamp_key(value: dt.datetime) -> dt.datetime:
    # Naive and aware times cannot be compared: a naive one (a hand-edited file) is read as UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _when_key(entry: SavedVersion) -> dt.datetime:
    return _stamp_key(entry.when)
