"""Settings presets: a plan's assumptions saved under a name, to start other plans from.

A preset is a small JSON file (``{"migplan_settings_preset": 1, "settings": {...}}``) in a
folder the caller chooses (the GUI uses ``presets/settings`` in the user's data folder).
It holds the assumptions only: loading one into a plan keeps that plan's name, description
and notes. A file that is not a preset, or holds a value the model refuses, raises
``PresetError`` naming the file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from migplan.core.errors import MigPlanError, describe_validation_error
from migplan.core.settings import PlanSettings
from migplan.io.atomic import write_atomically
from migplan.io.jsonshape import JsonShapeError, loads_bounded

PRESET_VERSION = 1
SUFFIX = ".json"
#: Settings that describe one plan rather than assumptions: never saved in a preset.
PLAN_OWN = ("name", "description", "notes")
#: Presets are a few kilobytes; a larger file is not one.
MAX_PRESET_BYTES = 1 << 20
_NAME_RE = re.compile(r"^[\w .()-]{1,80}$")


class PresetError(MigPlanError):
    """A preset that cannot be saved or used; ``str()`` names the file."""


def preset_path(directory: Path, name: str) -> Path:
    """Where the preset ``name`` lives; a name that cannot be a file name is refused."""
    name = name.strip()
    if not _NAME_RE.match(name) or name.strip(" .") != name:
        raise PresetError(
            f"{name!r} cannot name a preset: use letters, digits, spaces and . _ - ( )"
        )
    return directory / f"{name}{SUFFIX}"


def list_presets(directory: Path) -> list[str]:
    """Names of the presets in ``directory``, sorted."""
    if not directory.is_dir():
        return []
    return sorted(p.stem for p in directory.glob(f"*{SUFFIX}") if p.is_file())


def save_preset(directory: Path, name: str, settings: PlanSettings) -> Path:
    """Write ``settings`` (without the plan's own name and notes) as preset ``name``."""
    path = preset_path(directory, name)
    data = settings.model_dump(mode="json", exclude=set(PLAN_OWN))
    text = json.dumps(
        {"migplan_settings_preset": PRESET_VERSION, "settings": data}, indent=1, sort_keys=True
    )
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PresetError(f"{directory}: cannot create the folder: {exc.strerror or exc}") from None

    def write(tmp: Path) -> None:
        tmp.write_text(text + "\n", encoding="utf-8")

    write_atomically(path, write, error=PresetError)
    return path


def read_preset(path: Path) -> dict[str, Any]:
    """The assumptions a preset file holds, checked against the settings model."""
    try:
        if path.stat().st_size > MAX_PRESET_BYTES:
            raise PresetError(f"{path}: is too large to be a settings preset")
        raw = path.read_bytes()
    except OSError as exc:
        raise PresetError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    try:
        # The bounds every settings file and preset goes through (nesting, long numbers,
        # repeated keys), as for plans.
        data = loads_bounded(raw)
    except JsonShapeError as exc:
        raise PresetError(f"{path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("settings"), dict):
        raise PresetError(f'{path}: is not a MigPlan settings preset (no "settings" in it)')
    version = data.get("migplan_settings_preset")
    if version != PRESET_VERSION:
        shown = json.dumps(version)[:40]
        raise PresetError(
            f"{path}: is a settings preset of version {shown}; this MigPlan reads version "
            f"{PRESET_VERSION}"
        )
    settings: dict[str, Any] = {k: v for k, v in data["settings"].items() if k not in PLAN_OWN}
    try:
        PlanSettings.model_validate(settings)
    except ValidationError as exc:
        raise PresetError(describe_validation_error(exc, str(path))) from None
    return settings


def apply_preset(current: PlanSettings, path: Path) -> PlanSettings:
    """``current`` with the assumptions of the preset at ``path`` (its name, description and
    notes kept)."""
    own = {k: getattr(current, k) for k in PLAN_OWN}
    return PlanSettings.model_validate({**read_preset(path), **own})
