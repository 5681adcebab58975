"""From converted rows to ``Workload`` records with stable ids, and the result type every
inventory importer returns.

The stable key of a workload is its source key (VM UUID, moref, machine id) within its source
system (vCenter), else its name within the source system. The id is derived from that key
(``core.ids.workload_id``), so importing the same export twice gives the same ids, and the
same VM name in two vCenters gives two workloads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TypeVar

import annotated_types
from pydantic import BaseModel, ValidationError

from migplan.core.enums import Criticality, Environment
from migplan.core.errors import describe_validation_error
from migplan.core.ids import workload_id
from migplan.core.models import FILE_FIELDS, Application, Host, SourceRef, Workload
from migplan.core.osnorm import more_specific, normalize_os
from migplan.io.importers.report import ImportReport
from migplan.io.importers.rows import RowRecord, attribute_value

_ENVIRONMENTS = {
    "prod": Environment.PRODUCTION,
    "production": Environment.PRODUCTION,
    "prd": Environment.PRODUCTION,
    "produktion": Environment.PRODUCTION,
    "staging": Environment.STAGING,
    "stage": Environment.STAGING,
    "preprod": Environment.STAGING,
    "pre-prod": Environment.STAGING,
    "uat": Environment.STAGING,
    "qa": Environment.TEST,
    "test": Environment.TEST,
    "tst": Environment.TEST,
    "dev": Environment.DEVELOPMENT,
    "development": Environment.DEVELOPMENT,
    "entwicklung": Environment.DEVELOPMENT,
    "dr": Environment.DR,
    "disaster recovery": Environment.DR,
}
_CRITICALITIES = {
    "low": Criticality.LOW,
    "medium": Criticality.MEDIUM,
    "moderate": Criticality.MEDIUM,
    "high": Criticality.HIGH,
    "critical": Criticality.MISSION_CRITICAL,
    "mission critical": Criticality.MISSION_CRITICAL,
    "mission-critical": Criticality.MISSION_CRITICAL,
    "tier 0": Criticality.MISSION_CRITICAL,
    "tier 1": Criticality.HIGH,
    "tier 2": Criticality.MEDIUM,
    "tier 3": Criticality.LOW,
}
#: Fields an import sets on a workload (merge compares and updates only these).
IMPORTED_FIELDS = FILE_FIELDS


@dataclass
class ImportResult:
    """What an inventory importer returns: records and the report. Nothing is applied."""

    workloads: list[Workload] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    report: ImportReport = field(default_factory=ImportReport)
    #: Source systems (vCenters, file labels) this import covers, for "missing" on re-import.
    scopes: set[str] = field(default_factory=set)
    #: Migration-blocker rules each file could check (``rvtools_blockers``), by the file name
    #: its workloads' rows name: a re-import replaces the findings of these rules only.
    checked_blockers: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Legacy hosts the files list (RVTools vHost); empty for sources without hosts.
    hosts: list[Host] = field(default_factory=list)


#: Attribute headers that hold a key telling two same-named machines apart.
STRONG_KEY = re.compile(r"\bmac\b|mac ?address|uuid|instance ?id|serial", re.IGNORECASE)


def _row(wl: Workload) -> int:
    return wl.sources[0].row if wl.sources else 0


def _same_content(a: Workload, b: Workload) -> bool:
    skip = {"id", "sources"}
    return {k: v for k, v in a.__dict__.items() if k not in skip} == {
        k: v for k, v in b.__dict__.items() if k not in skip
    }


def _strong_key(wl: Workload, first: Workload) -> tuple[str, str] | None:
    """The first strong-key attribute on which ``wl`` differs from ``first``."""
    for header, value in wl.attributes.items():
        if value in (None, "") or not STRONG_KEY.search(header):
            continue
        if str(first.attributes.get(header, "")) != str(value):
            return header, str(value)[:200]
    return None


def natural_key(name: str, source_system: str, source_key: str) -> tuple[str, str, str]:
    if source_key:
        return (source_system.casefold(), "key", source_key.casefold())
    return (source_system.casefold(), "name", name.casefold())


def workload_key(wl: Workload) -> tuple[str, str, str]:
    return natural_key(wl.name, wl.source_system, wl.source_key)


_DEFAULTS: dict[type[Any], dict[str, Any]] = {}
_M = TypeVar("_M", bound=BaseModel)


def _construct(cls: type[_M], values: dict[str, Any]) -> _M:
    """``cls.model_construct(**values)`` without its per-field Python loop (5x faster).

    Only for values known valid, on models whose defaults are immutable or always given.
    """
    defaults = _DEFAULTS.get(cls)
    if defaults is None:
        defaults = {
            name: f.get_default(call_default_factory=True) for name, f in cls.model_fields.items()
        }
        _DEFAULTS[cls] = defaults
    obj = cls.__new__(cls)
    data = dict(defaults)
    data.update(values)
    object.__setattr__(obj, "__dict__", data)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def _field_bounds() -> tuple[dict[str, int], frozenset[str]]:
    """The text lengths and non-negative numbers ``Workload`` itself requires, read from its
    fields: the fast path below checks exactly the model's rules, never a copy of them."""
    max_len: dict[str, int] = {}
    non_negative: set[str] = set()
    for name, info in Workload.model_fields.items():
        for rule in info.metadata:
            if isinstance(rule, annotated_types.MaxLen):
                max_len[name] = rule.max_length
            elif isinstance(rule, annotated_types.Ge) and rule.ge == 0:
                non_negative.add(name)
    return max_len, frozenset(non_negative)


_MAX_LEN, _NON_NEGATIVE = _field_bounds()
_PLAIN_TYPES: dict[str, object] = {
    name: info.annotation
    for name, info in Workload.model_fields.items()
    if info.annotation in (str, int)
}


def _plainly_valid(values: dict[str, Any]) -> bool:
    """True when ``values`` certainly pass ``Workload`` validation (else validate fully):
    plain texts (stripped, within the model's lengths) and numbers (within its bounds),
    and storage figures ``Workload.storage_problem`` accepts. Fields it cannot judge
    (any other type, or a tuple of tags that is not plain text) send the row to full
    validation."""
    for key, value in values.items():
        if key in _TRUSTED:
            continue
        kind = value.__class__
        expected = _PLAIN_TYPES.get(key)
        if kind is str:
            if expected is not str or value.strip() is not value:
                return False
            limit = _MAX_LEN.get(key)
            if limit is not None and len(value) > limit:
                return False
        elif kind is int:
            if expected is not int or (key in _NON_NEGATIVE and value < 0):
                return False
        elif kind is tuple and key == "tags":
            if not all(t.__class__ is str and t.strip() is t and t for t in value):
                return False
        else:
            return False
    problem = Workload.storage_problem(
        values.get("storage_provisioned_mib", 0), values.get("storage_used_mib", 0)
    )
    return not problem


#: Values the import makes itself with the model's own types (enums, tuples it checked,
#: its own source records), which the model would take as they are.
_TRUSTED = frozenset(
    {"id", "power_state", "os_family", "environment", "criticality", "is_template", "ips",
     "sources", "attributes", "application_id", "host_id"}
)  # fmt: skip


_SOURCE_FIELDS = ("file", "sheet", "row", "fields", "columns")


class WorkloadBuilder:
    """Builds workloads from ``RowRecord`` s of one table; duplicate keys are settled at the
    end (``resolve_duplicates``)."""

    def __init__(
        self, report: ImportReport, file: str, sheet: str, columns: dict[str, str] | None = None
    ) -> None:
        self.report = report
        self.file = file
        self.sheet = sheet
        self.seen: dict[tuple[str, str, str], int] = {}
        self.collided = False
        # Every row records the fields its table gives and their columns (one tuple pair
        # shared by all rows): where each value came from, and what a re-import may update.
        given = {k: v[:1000] for k, v in (columns or {}).items() if k in FILE_FIELDS}
        self._source_template = _construct(
            SourceRef,
            {
                "file": file,
                "sheet": sheet,
                "row": 1,
                "fields": tuple(given),
                "columns": tuple(given.values()),
            },
        ).__dict__

    def build(
        self, rec: RowRecord, *, path: str = "", extra: dict[str, Any] | None = None
    ) -> Workload | None:
        """The workload of ``rec`` (None when the row is skipped, and reported). The record is
        consumed: its values and attributes become the workload's."""
        values = rec.values
        if extra:
            values.update(extra)
        attrs = rec.attributes
        name = values.pop("name", None) or ""
        if name.__class__ is not str:
            name = str(name)
        if not name:
            self.report.skip("the row has no name", self.file, self.sheet, rec.row)
            self.report.skipped += 1
            return None
        if len(name) > 400:
            self.report.skip("the name is longer than 400 characters", self.file, self.sheet,
                             rec.row, rec.supplied_by.get("name", ""), name)  # fmt: skip
            self.report.skipped += 1
            return None
        os_version_col = values.pop("os_version", None)
        os_text = values.get("os_reported") or ""
        if os_text.__class__ is not str:
            os_text = str(os_text)
        tools = values.pop("os_tools", None)
        if tools:
            tools = str(tools)
            attrs[rec.supplied_by.get("os_tools") or "OS according to the VMware Tools"] = tools
            chosen = more_specific(os_text, tools)
            if chosen != os_text and os_text:
                configured = rec.supplied_by.get("os_reported") or "OS (configured)"
                attrs[configured] = os_text
            os_text = chosen
        if os_version_col and str(os_version_col) not in os_text:
            os_text = f"{os_text} {os_version_col}".strip()
        info = normalize_os(os_text)
        values["os_reported"] = os_text[:1000]
        values["os_family"] = info.family
        values["os_distro"] = info.distro
        values["os_version"] = info.version
        if "environment" in values:
            self._enum(values, attrs, rec, "environment", _ENVIRONMENTS)
        if "criticality" in values:
            self._enum(values, attrs, rec, "criticality", _CRITICALITIES)
        source_system = values.get("source_system") or ""
        if source_system.__class__ is not str:
            source_system = str(source_system)
        source_key = values.get("source_key") or ""
        if source_key.__class__ is not str:
            source_key = str(source_key)
        key = natural_key(name, source_system, source_key)
        if key in self.seen:
            self.collided = True  # settled by ``resolve_duplicates`` once keys are final
        else:
            self.seen[key] = rec.row
        values["name"] = name
        values["id"] = workload_id(name, *key)
        values["sources"] = (self._source(rec.row),)
        if _plainly_valid(values):
            # The hot path of a 100,000-row import: every value was made by this package with
            # the model's types and checked against the model's bounds just above, so full
            # validation would only repeat it (tests check the two paths agree).
            values["attributes"] = attrs
            return _construct(Workload, values)
        workload = self._validated(values, attrs, rec)
        if workload is None:
            return None
        # Attributes are plain str/int/float/bool values made by ``attribute_value``.
        return workload.model_copy(update={"attributes": attrs})

    def resolve_duplicates(self, workloads: list[Workload]) -> list[Workload]:
        """Rows sharing a key never refuse the file. Once keys are final:

        * a row equal to an earlier one (a true duplicate) is left out, and reported;
        * a row that shares the name but differs in a strong key the file carries (MAC
          address, BIOS or VM UUID, instance id, serial: ``STRONG_KEY``) is a workload of its
          own, keyed by that value, which stays the same in the next export;
        * a row nothing tells apart from an earlier one (same name, no strong key that
          differs) is left out, and the report says which row was kept.
        """
        if not self.collided:
            return workloads
        first_of: dict[tuple[str, str, str], Workload] = {}
        out: list[Workload] = []
        for wl in workloads:
            key = workload_key(wl)
            first = first_of.get(key)
            if first is None:
                first_of[key] = wl
                out.append(wl)
                continue
            row, kept = _row(wl), _row(first)
            if _same_content(wl, first):
                self._leave_out(f"the same as row {kept}: a duplicate row", wl)
                continue
            strong = _strong_key(wl, first)
            if strong is not None:
                header, value = strong
                rekeyed = wl.model_copy(
                    update={
                        "source_key": value,
                        "id": workload_id(wl.name, *natural_key(wl.name, wl.source_system, value)),
                    }
                )
                if workload_key(rekeyed) not in first_of:
                    first_of[workload_key(rekeyed)] = rekeyed
                    out.append(rekeyed)
                    self.report.correct(
                        f"shares its name with row {kept} but its {header} differs: a workload "
                        f"of its own, identified by that {header}",
                        self.file, self.sheet, row, header, value,
                    )  # fmt: skip
                    continue
            self._leave_out(
                f"shares its name with row {kept} and nothing tells them apart (no MAC address, "
                f"UUID or instance id that differs): only row {kept} is imported",
                wl,
            )
        return out

    def _leave_out(self, reason: str, wl: Workload) -> None:
        self.report.skip(reason, self.file, self.sheet, _row(wl), "", wl.name)
        self.report.skipped += 1
        self.report.imported -= 1

    def _source(self, row: int) -> SourceRef:
        ref = SourceRef.__new__(SourceRef)
        data = dict(self._source_template)
        data["row"] = row
        object.__setattr__(ref, "__dict__", data)
        object.__setattr__(ref, "__pydantic_fields_set__", set(_SOURCE_FIELDS))
        object.__setattr__(ref, "__pydantic_extra__", None)
        object.__setattr__(ref, "__pydantic_private__", None)
        return ref

    def _enum(
        self,
        values: dict[str, Any],
        attrs: dict[str, Any],
        rec: RowRecord,
        name: str,
        table: dict[str, Any],
    ) -> None:
        raw = values.pop(name, None)
        if raw is None:
            return
        found = table.get(str(raw).strip().casefold())
        if found is not None:
            values[name] = found
        else:
            attrs[rec.supplied_by.get(name, name)] = attribute_value(raw)

    def _validated(
        self, values: dict[str, Any], attrs: dict[str, Any], rec: RowRecord
    ) -> Workload | None:
        for _attempt in range(3):
            try:
                return Workload.model_validate(values)
            except ValidationError as exc:
                bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
                bad &= set(values) - {"id", "name", "attributes", "sources"}
                if not bad and "used storage" in str(exc) and "storage_used_mib" in values:
                    bad = {"storage_used_mib"}
                if not bad:
                    self.report.skip(
                        describe_validation_error(exc, values.get("name", "")),
                        self.file, self.sheet, rec.row,
                    )  # fmt: skip
                    self.report.skipped += 1
                    return None
                why = describe_validation_error(exc)
                for fname in sorted(bad):
                    column = rec.supplied_by.get(fname, fname)
                    raw = values.pop(fname)
                    attrs[column] = attribute_value(
                        raw if not isinstance(raw, tuple) else " ".join(map(str, raw))
                    )
                    self.report.correct(
                        f"{why}; the value was not used and is kept as an attribute",
                        self.file, self.sheet, rec.row, column, raw,
                    )  # fmt: skip
        return None
