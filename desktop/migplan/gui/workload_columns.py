"""The columns of the inventory table: what each shows, how it sorts, and how it is edited.

Kept apart from the Qt model so the list reads like a spec. ``choices`` lists (label, value)
pairs for editable columns; the value goes straight into an ``UpdateEntities`` command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from migplan.core.assess.assessment import Assessment
from migplan.core.blockers import blocker_rule, ordered
from migplan.core.document import PlanDocument
from migplan.core.enums import Criticality, DispositionKind, Environment
from migplan.core.models import Disposition, Workload
from migplan.core.rules import Severity

Getter = Callable[[PlanDocument, Workload], Any]
AssessGetter = Callable[["Assessment", Workload], Any]


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    display: Getter
    sort: Getter | None = None
    align_right: bool = False
    #: The field an edit changes, and how a chosen value becomes that field's value.
    field: str = ""
    choices: Callable[[PlanDocument], list[tuple[str, Any]]] | None = None
    to_field: Callable[[Any], Any] | None = None
    tooltip: Getter | None = None
    width: int = 110
    #: Columns computed by the live assessment (fit, class): (display, sort, tooltip).
    assess: tuple[AssessGetter, AssessGetter, AssessGetter] | None = None

    @property
    def editable(self) -> bool:
        return bool(self.field)


def _app_name(doc: PlanDocument, w: Workload) -> str:
    app = doc.applications.get(w.application_id) if w.application_id else None
    return app.name if app else ""


def _wave(doc: PlanDocument, w: Workload) -> str:
    wave = doc.waves.get(w.wave_id) if w.wave_id else None
    if wave is None:
        return ""
    return f"{wave.name} (pinned)" if w.pinned else wave.name


def _wave_sort(doc: PlanDocument, w: Workload) -> Any:
    wave = doc.waves.get(w.wave_id) if w.wave_id else None
    return (wave.order, wave.name) if wave else (10**9, "")


def _wave_choices(doc: PlanDocument) -> list[tuple[str, Any]]:
    # A locked wave is listed (choosing it says why the move is refused), marked as locked.
    return [("(no wave)", None)] + [
        (f"{w.name} (locked)" if w.locked else w.name, w.id) for w in doc.waves_in_order()
    ]


def _disposition(doc: PlanDocument, w: Workload) -> str:
    return w.disposition.kind.short if w.disposition else ""


def _disposition_tip(doc: PlanDocument, w: Workload) -> str:
    if w.disposition is None:
        return "No disposition chosen yet"
    who = "chosen by a person" if w.disposition.by_user else "suggested"
    reason = f": {w.disposition.reason}" if w.disposition.reason else ""
    return f"{w.disposition.kind.label} ({who}){reason}"


def _to_disposition(value: Any) -> Disposition | None:
    if value is None:
        return None
    return Disposition(
        kind=DispositionKind(value), reason="set in the inventory table", by_user=True
    )


_DISTRO_LABELS = {
    "windows-server": "Windows Server",
    "windows": "Windows",
    "rhel": "RHEL",
    "centos": "CentOS",
    "rocky": "Rocky Linux",
    "almalinux": "AlmaLinux",
    "oracle-linux": "Oracle Linux",
    "sles": "SLES",
    "ubuntu": "Ubuntu",
    "debian": "Debian",
    "photon": "Photon OS",
    "amazon-linux": "Amazon Linux",
    "fedora": "Fedora",
    "linux": "Linux",
    "solaris": "Solaris",
    "aix": "AIX",
}


def _os_label(doc: PlanDocument, w: Workload) -> str:
    if not w.os_distro:
        return w.os_reported or w.os_family.value
    name = _DISTRO_LABELS.get(w.os_distro, w.os_distro)
    return f"{name} {w.os_version}".strip()


def _gpu(doc: PlanDocument, w: Workload) -> str:
    if not w.gpu or not w.gpu.count:
        return ""
    model = f" {w.gpu.model}" if w.gpu.model else ""
    return f"{w.gpu.count}×{model} ({w.gpu.mode.value})"


def _sources(doc: PlanDocument, w: Workload) -> str:
    return "\n".join(s.describe() for s in w.sources) or "No import source recorded"


#: Words, not symbols: every font has them (a "no entry" sign is a box in many Linux fonts).
_MARKS = {Severity.HARD: "Blocker", Severity.SOFT: "Warning", Severity.INFO: "Info"}


def _blockers(doc: PlanDocument, w: Workload) -> str:
    """The worst finding's severity and title, and how many more (``Blocker: Shared disk
    +2``); the rule ids are in the tooltip and the details."""
    if not w.blockers:
        return ""
    found = ordered(w.blockers)
    rule = blocker_rule(found[0].rule_id)
    more = len({b.rule_id for b in found}) - 1
    return f"{_MARKS[rule.severity]}: {rule.title}" + (f" +{more}" if more else "")


def _blockers_sort(doc: PlanDocument, w: Workload) -> tuple[int, int, int]:
    """Blockers, then warnings, then information, counted by rule (descending sorts the
    workloads with the most blockers first)."""
    counts: dict[Severity, set[str]] = {s: set() for s in Severity}
    for b in w.blockers:
        counts[blocker_rule(b.rule_id).severity].add(b.rule_id)
    return len(counts[Severity.HARD]), len(counts[Severity.SOFT]), len(counts[Severity.INFO])


def _blockers_tip(doc: PlanDocument, w: Workload) -> str:
    if not w.blockers:
        return "No migration blockers or warnings found in the import"
    lines = []
    for b in ordered(w.blockers):
        rule = blocker_rule(b.rule_id)
        what = f" ({b.detail})" if b.detail else ""
        lines.append(f"{rule.severity_label.upper()} {b.rule_id}: {rule.title}{what}")
    lines.append("The details panel says why each matters and what to fix first.")
    # Details quote the imported file: the model shows every tooltip as plain text.
    return "\n".join(lines)


def _fit(a: Assessment, w: Workload) -> str:
    fit = a.fits.get(w.id)
    return fit.level.value if fit else ""


def _fit_sort(a: Assessment, w: Workload) -> int:
    fit = a.fits.get(w.id)
    return fit.score if fit else 9


def _fit_tip(a: Assessment, w: Workload) -> str:
    fit = a.fits.get(w.id)
    if fit is None:
        return ""
    lines = [f"Fit: {fit.level.value}; suggested: {fit.suggested.label} ({fit.suggested_reason})"]
    lines += [f"{f.rule_id} [{f.level.value}]: {f.reason}" for f in fit.findings]
    return "\n".join(lines)


def _class(a: Assessment, w: Workload) -> str:
    found = a.classes.get(w.id)
    if found is None:
        return ""
    return f"{found.workload_class.label} (set)" if found.overridden else found.workload_class.label


def _class_tip(a: Assessment, w: Workload) -> str:
    found = a.classes.get(w.id)
    if found is None:
        return ""
    if found.overridden:
        return (
            f"{found.workload_class.label}: set by you (right-click > Workload class > "
            "Automatic lets the evidence decide again)"
        )
    return "\n".join([f"{found.workload_class.label}: from the evidence", *found.reasons])


COLUMNS: tuple[Column, ...] = (
    Column("name", "Name", lambda d, w: w.name, tooltip=_sources, width=170),
    Column("application", "Application", _app_name, width=170),
    Column(
        "environment",
        "Environment",
        lambda d, w: w.environment.value,
        field="environment",
        choices=lambda d: [(e.value, e) for e in Environment],
    ),
    Column(
        "criticality",
        "Criticality",
        lambda d, w: w.criticality.value,
        sort=lambda d, w: w.criticality.rank,
        field="criticality",
        choices=lambda d: [(c.value, c) for c in sorted(Criticality, key=lambda c: c.rank)],
    ),
    Column(
        "disposition",
        "Disposition",
        _disposition,
        field="disposition",
        choices=lambda d: [("(undecided)", None)] + [(k.label, k.value) for k in DispositionKind],
        to_field=_to_disposition,
        tooltip=_disposition_tip,
        width=215,
    ),
    Column(
        "wave",
        "Wave",
        _wave,
        sort=_wave_sort,
        field="wave_id",
        choices=_wave_choices,
    ),
    Column("fit", "Fit", lambda d, w: "", assess=(_fit, _fit_sort, _fit_tip), width=100),
    Column(
        "blockers",
        "Blockers",
        _blockers,
        sort=_blockers_sort,
        tooltip=_blockers_tip,
        width=200,
    ),
    Column("class", "Class", lambda d, w: "", assess=(_class, _class, _class_tip), width=110),
    Column(
        "os", "OS", _os_label, tooltip=lambda d, w: w.os_reported or "No OS reported", width=185
    ),
    Column("vcpu", "vCPU", lambda d, w: w.vcpu, align_right=True, width=60),
    Column(
        "memory",
        "Memory GiB",
        lambda d, w: f"{w.memory_mib / 1024:,.1f}",
        sort=lambda d, w: w.memory_mib,
        align_right=True,
        width=104,
    ),
    Column(
        "storage",
        "Storage GiB",
        lambda d, w: f"{w.storage_gib:,.0f}",
        sort=lambda d, w: w.storage_gib,
        align_right=True,
        width=104,
    ),
    Column("gpu", "GPU", _gpu, sort=lambda d, w: w.gpu_count, width=130),
    Column("power", "Power", lambda d, w: w.power_state.value, width=70),
    Column("owner", "Owner", lambda d, w: w.owner),
    Column("cluster", "Cluster", lambda d, w: w.cluster, width=80),
    Column("source", "Source system", lambda d, w: w.source_system, width=170),
)
