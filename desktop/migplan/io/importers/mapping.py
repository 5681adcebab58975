"""Column mapping: which column of a sheet feeds which workload field, and in what unit.

Headers are matched by their normalised form against synonyms, both as written and with the
unit stripped (``Memory (In MB)`` and ``MemoryGiB`` both match ``memory``). A field may list
several columns: the first non-empty one in a row wins (``OS according to the configuration
file`` falls back to ``... the VMware Tools``); ``ips`` uses them all. Users override any field
and save named presets as JSON in a directory the caller chooses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from migplan.io.errors import ImportFormatError
from migplan.io.importers.fields import FIELD_BY_NAME, FIELDS, MULTI_FIELDS, FieldKind, FieldSpec
from migplan.io.jsonshape import loads_bounded
from migplan.io.tables import normalize_header
from migplan.io.values import HeaderUnit, size_unit

__all__ = [
    "DEFAULT_SIZE_UNIT",
    "FIELDS",
    "FIELD_BY_NAME",
    "MULTI_FIELDS",
    "ColumnMapping",
    "FieldKind",
    "FieldSpec",
    "auto_match",
    "column_unit",
    "list_presets",
    "load_mapping_arg",
    "load_preset",
    "save_preset",
]

#: Unitless size columns default to MiB (RVTools ``Memory``; Azure/AWS/Live Optics say MB).
DEFAULT_SIZE_UNIT = HeaderUnit("", "MiB", 1.0)

_PRESET_NAME_RE = re.compile(r"^[\w .()-]{1,80}$")


@dataclass
class ColumnMapping:
    """Field name -> the headers (as written in the file) that feed it, in priority order."""

    columns: dict[str, list[str]] = field(default_factory=dict)
    #: Size unit labels forced by the user per field (``GB``), overriding the header's unit.
    units: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"columns": self.columns, "units": self.units}, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, source: str = "<mapping>") -> ColumnMapping:
        try:
            data = loads_bounded(text)
            columns = {str(k): [str(c) for c in v] for k, v in dict(data["columns"]).items()}
            units = {str(k): str(v) for k, v in dict(data.get("units", {})).items()}
        except (ValueError, KeyError, TypeError) as exc:
            raise ImportFormatError(source, f"not a column mapping preset ({exc})") from None
        unknown = sorted(set(columns) - set(FIELD_BY_NAME))
        if unknown:
            raise ImportFormatError(
                source, f"unknown field(s) in the mapping: {', '.join(unknown)}"
            )
        return cls(columns, units)

    def with_overrides(self, overrides: Mapping[str, str | Sequence[str] | None]) -> ColumnMapping:
        """A copy where each overridden field takes the given column(s); None unmaps it."""
        columns = {k: list(v) for k, v in self.columns.items()}
        for name, value in overrides.items():
            if name not in FIELD_BY_NAME:
                raise ValueError(f"unknown field {name!r}")
            if value is None:
                columns.pop(name, None)
            else:
                columns[name] = [value] if isinstance(value, str) else list(value)
        return ColumnMapping(columns, dict(self.units))


def _variants(header: str) -> tuple[str, str]:
    norm = normalize_header(header)
    unit = size_unit(header)
    base = normalize_header(unit.base) if unit else norm
    return norm, base


def auto_match(headers: Sequence[str], preset: ColumnMapping | None = None) -> ColumnMapping:
    """The mapping found from synonyms, with ``preset`` fields (when present) taking priority.

    A column feeds at most one field except that a name-like column (``HostName``) may also
    be the DNS name. Preset columns absent from ``headers`` are ignored.
    """
    variants = [_variants(h) for h in headers]
    columns: dict[str, list[str]] = {}
    taken: set[int] = set()
    if preset is not None:
        by_norm = {normalize_header(h): h for h in headers}
        for name, wanted in preset.columns.items():
            found = [by_norm[normalize_header(w)] for w in wanted if normalize_header(w) in by_norm]
            if found or not wanted:
                columns[name] = found
                taken |= {i for i, h in enumerate(headers) if h in found}
    for spec in FIELDS:
        if spec.name in columns:
            continue
        chosen: list[str] = []
        for synonym in spec.synonyms:
            for i, (norm, base) in enumerate(variants):
                if i in taken and spec.name != "dns_name":
                    continue
                if synonym in (norm, base) and headers[i] not in chosen:
                    chosen.append(headers[i])
        if chosen:
            if spec.name not in MULTI_FIELDS and spec.kind != "text":
                chosen = chosen[:1]
            columns[spec.name] = chosen
            taken |= {i for i, h in enumerate(headers) if h in chosen}
    return ColumnMapping(columns, dict(preset.units) if preset else {})


def column_unit(mapping: ColumnMapping, field_name: str, header: str) -> HeaderUnit:
    """The unit a size column is read in: the user's override, the header's, else MiB."""
    forced = mapping.units.get(field_name)
    if forced:
        unit = size_unit(f"x {forced}")
        if unit is None:
            raise ValueError(f"unknown size unit {forced!r}")
        return HeaderUnit(header, unit.label, unit.to_mib)
    return size_unit(header) or DEFAULT_SIZE_UNIT


# -- presets ---------------------------------------------------------------------------


def _preset_path(directory: Path, name: str) -> Path:
    if not _PRESET_NAME_RE.match(name) or name.strip(" .") != name:
        raise ValueError(
            f"{name!r} is not a usable preset name (letters, digits, space, . _ - ( ))"
        )
    return directory / f"{name}.json"


def save_preset(directory: Path, name: str, mapping: ColumnMapping) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = _preset_path(directory, name)
    path.write_text(mapping.to_json() + "\n", encoding="utf-8")
    return path


def load_preset(directory: Path, name: str) -> ColumnMapping:
    path = _preset_path(directory, name)
    if not path.is_file():
        known = ", ".join(list_presets(directory)) or "none"
        raise ImportFormatError(path, f"no mapping preset named {name!r} (known: {known})")
    return ColumnMapping.from_json(path.read_text(encoding="utf-8"), str(path))


def list_presets(directory: Path) -> list[str]:
    if not directory.is_dir():
        return []
    return sorted(p.stem for p in directory.glob("*.json"))


def load_mapping_arg(value: str, directory: Path | None = None) -> ColumnMapping:
    """A ``--mapping`` argument: a path to a preset file, or a preset name in ``directory``."""
    path = Path(value)
    if path.suffix == ".json" and path.is_file():
        return ColumnMapping.from_json(path.read_text(encoding="utf-8"), str(path))
    if directory is None:
        raise ImportFormatError(path, "no such mapping preset file")
    return load_preset(directory, value)
