"""The ``.migplan`` file: UTF-8 JSON with a format version, read defensively, written atomically.

Layout (version 1)::

    {"format": "migplan", "format_version": 1, "settings": {...},
     "applications": [...], "workloads": [...], "externals": [...],
     "dependencies": [...], "waves": [...], "hosts": [...]}

Entities are sorted by id and keys come in a fixed order, so the same document always gives
the same bytes and two versions of a plan diff cleanly in git. Files from older versions are
upgraded step by step on plain dicts (``migplan.io.migrations``); only the current version is
validated with pydantic. Plan files come from other people: sizes are bounded and nothing in
them is executed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, ValidationError, field_validator

from migplan.core.document import InvalidPlanError, PlanData, PlanDocument
from migplan.core.errors import MigPlanError, validation_reason
from migplan.core.gcpause import gc_paused
from migplan.core.progress import NullProgress, Progress
from migplan.io.atomic import write_atomically
from migplan.io.jsonshape import check_shape, json_path
from migplan.io.migrations import CURRENT_VERSION, UpgradeError, upgrade

#: Plans larger than this are refused before being read (a 100k-workload plan is ~250 MB).
MAX_PLAN_BYTES = 1024 * 1024 * 1024
SUFFIX = ".migplan"
BACKUP_SUFFIX = ".bak"


class PlanFormatError(MigPlanError):
    """A file that cannot be read as a plan; the message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class PlanSaveError(MigPlanError):
    """Saving failed; the previous file on disk is untouched."""


class PlanFile(PlanData):
    """The file's top level: the plan data plus the format marker and version."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="MigPlan plan file")

    #: Both required: a file without them is not a plan (``{}`` is refused, not an empty plan).
    format: Literal["migplan"]
    #: Must equal ``migrations.CURRENT_VERSION`` (a test checks it); an integer, not ``true``.
    format_version: Literal[2]

    @field_validator("format_version", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("the format version is a whole number, not true or false")
        return value


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of the current format version (committed under resources/schema)."""
    schema = PlanFile.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://migplan.example/schema/migplan-v{CURRENT_VERSION}.schema.json"
    return schema


# -- reading ----------------------------------------------------------------------------------


def load_plan(
    path: Path | str, max_bytes: int = MAX_PLAN_BYTES, progress: Progress | None = None
) -> PlanDocument:
    """Read a plan file; raise ``PlanFormatError`` naming the file and what is wrong.

    ``progress`` hears each of the four steps (read, check, parse, link) and may cancel
    between them (``Cancelled``); nothing outside this call has changed then.
    """
    path = Path(path)
    progress = progress or NullProgress()
    progress.step(0, 4, f"Reading {path.name}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PlanFormatError(
                path,
                f"the file is {size / 2**20:.0f} MiB, over the {max_bytes / 2**20:.0f} MiB limit",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanFormatError(path, f"cannot be read: {exc.strerror or exc}") from None
    with gc_paused(freeze=True):  # a plan is long-lived: later collections skip it
        return parse_plan(raw, path, progress)


def parse_plan(
    raw: bytes, path: Path | str = "<plan>", progress: Progress | None = None
) -> PlanDocument:
    path = Path(path)
    progress = progress or NullProgress()
    if not raw.strip():
        raise PlanFormatError(path, "the file is empty")
    # Bounds first: a giant string, deep nesting or a long number never reaches a parser.
    progress.step(1, 4, "Checking the file")
    problem = check_shape(raw)
    if problem is not None:
        raise PlanFormatError(path, str(problem))
    # Fast path: a current-version file validates straight from bytes in pydantic's parser.
    progress.step(2, 4, "Reading the plan")
    try:
        data: PlanData = PlanFile.model_validate_json(raw)
    except ValidationError:
        data = _parse_slow(raw, path)
    progress.step(3, 4, "Checking references between workloads")
    try:
        return PlanDocument.from_data(data)
    except InvalidPlanError as exc:
        raise PlanFormatError(path, str(exc)) from None


def _parse_slow(raw: bytes, path: Path) -> PlanData:
    """Decode, diagnose and upgrade a file the fast path refused, with a precise message."""
    if raw[:4] == b"PK\x03\x04":
        raise PlanFormatError(path, "is a zip archive (a spreadsheet?), not a MigPlan plan")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanFormatError(
            path, f"is not UTF-8 text (byte {exc.start}): not a MigPlan plan"
        ) from None
    try:
        obj = json.loads(text)
    except RecursionError:
        raise PlanFormatError(
            path,
            "is nested too deeply to be a plan (lists or objects inside each other "
            "thousands of levels deep): the file is damaged or not a MigPlan plan",
        ) from None
    except ValueError as exc:
        if not isinstance(exc, json.JSONDecodeError):
            # Python refuses integers of more than 4,300 digits: no plan holds one.
            raise PlanFormatError(
                path,
                "holds a number thousands of digits long: the file is damaged or not a "
                "MigPlan plan",
            ) from None
        raise _json_error(path, text, exc) from None
    if not isinstance(obj, dict) or obj.get("format") != "migplan":
        raise PlanFormatError(path, 'is JSON but not a MigPlan plan (no "format": "migplan")')
    version = obj.get("format_version")
    if version is None:
        raise PlanFormatError(path, 'has no "format_version": a damaged plan, or not a plan')
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        shown = json.dumps(version)[:40]
        raise PlanFormatError(
            path, f'has "format_version": {shown}, where a plan has a whole number such as 1'
        )
    if version > CURRENT_VERSION:
        raise PlanFormatError(
            path,
            f"was written by a newer MigPlan (plan format {version}; this MigPlan reads formats up "
            f"to {CURRENT_VERSION}). Install a newer MigPlan to open it.",
        )
    try:
        obj = upgrade(obj, version)
    except (UpgradeError, KeyError, TypeError, ValueError) as exc:
        raise PlanFormatError(
            path, f"cannot be upgraded from plan format {version}: {exc}"
        ) from None
    try:
        return PlanFile.model_validate(obj)
    except ValidationError as exc:
        raise PlanFormatError(path, "is not a valid plan:\n" + _locate(exc, obj)) from None


def _json_error(path: Path, text: str, exc: json.JSONDecodeError) -> PlanFormatError:
    if exc.pos >= len(text.rstrip()) - 1 or "Unterminated string" in exc.msg:
        return PlanFormatError(
            path, f"is truncated: the JSON ends early (line {exc.lineno}, column {exc.colno})"
        )
    return PlanFormatError(
        path, f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
    )


def _locate(exc: ValidationError, obj: dict[str, Any]) -> str:
    """One line per problem naming its path inside the file, and the entity by name.

    ``workloads[3].vcpu (workload web01): Input should be greater than 0 (got -3)``
    """
    lines = []
    for err in exc.errors(include_url=False)[:5]:
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        where = json_path(loc) or "the top level"
        if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
            items = obj.get(loc[0])
            item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
            name = item.get("name") or item.get("id") if isinstance(item, dict) else None
            if isinstance(name, str) and name:
                where += f" ({loc[0].removesuffix('s')} {name[:80]})"
        lines.append(f"{where}: {validation_reason(err)}")
    if exc.error_count() > 5:
        lines.append(f"... and {exc.error_count() - 5:,} more problems")
    return "\n".join(lines)


# -- writing ----------------------------------------------------------------------------------


def dump_plan(doc: PlanDocument) -> bytes:
    """The file bytes for ``doc``: deterministic for the same document."""
    data = doc.to_data()
    model = PlanFile.model_construct(
        format="migplan",
        format_version=2,
        settings=data.settings,
        applications=data.applications,
        workloads=data.workloads,
        externals=data.externals,
        dependencies=data.dependencies,
        waves=data.waves,
        hosts=data.hosts,
    )
    return model.model_dump_json(indent=1).encode("utf-8") + b"\n"


def save_plan(
    doc: PlanDocument,
    path: Path | str,
    keep_backup: bool = True,
    progress: Progress | None = None,
) -> None:
    """Write ``doc`` atomically (``atomic.write_atomically``); the old file becomes ``.bak``.

    If anything fails, or ``progress`` is cancelled before the file is replaced, the file on
    disk is exactly what it was before the call.
    """
    path = Path(path)
    progress = progress or NullProgress()
    progress.step(0, 2, "Preparing the plan")
    payload = dump_plan(doc)
    progress.step(1, 2, f"Writing {path.name}")

    def write(tmp: Path) -> None:
        tmp.write_bytes(payload)

    write_atomically(
        path,
        write,
        before_replace=(lambda: _backup(path)) if keep_backup and path.exists() else None,
        error=PlanSaveError,
        verb="save",
    )


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def _backup(path: Path) -> None:
    """Keep the previous file as ``<name>.bak`` (a hard link where possible: instant, atomic)."""
    backup = backup_path(path)
    staging = backup.with_name(backup.name + ".tmp")
    staging.unlink(missing_ok=True)
    try:
        os.link(path, staging)
    except OSError:
        shutil.copy2(path, staging)
    os.replace(staging, backup)
