"""The fit rules: one readable table of named, documented checks, and their thresholds.

Each rule has an id, what it detects, a predicate over a workload, the fit level it implies
(for running the workload as a container) and a one-line reason shown to the user. A rule may
also point at a disposition (retire a template, retain what is bound to hardware). Sources:
Google mfit rules (APP-2 databases, APP-3 Docker inside, NET-1 multi-NIC), the kubev2v OS and
disk complexity matrix, Microsoft's Windows container limits (only WS2016+ base images; nodes
on WS2019/2022) and "cannot be containerised" list (GUI apps, AD DS, DHCP, file server).

The level of a workload is the worst level among its findings (see ``fit.assess_fit``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from migplan.core.assess.text import all_text, role_text
from migplan.core.enums import DispositionKind, GpuMode, OsFamily, PowerState
from migplan.core.models import Workload


class FitLevel(StrEnum):
    """How well a workload fits a container, best first; ``unknown`` is carried separately."""

    EXCELLENT = "excellent"
    GOOD = "good"
    MINIMAL_WORK = "minimal work"
    MAJOR_WORK = "major work"
    NO_FIT = "no fit"
    UNKNOWN = "unknown"

    @property
    def score(self) -> int:
        """0 (excellent) .. 4 (no fit), as in planning.md 2.6; unknown scores -1."""
        return _SCORES[self]


_SCORES = {
    FitLevel.EXCELLENT: 0,
    FitLevel.GOOD: 1,
    FitLevel.MINIMAL_WORK: 2,
    FitLevel.MAJOR_WORK: 3,
    FitLevel.NO_FIT: 4,
    FitLevel.UNKNOWN: -1,
}


@dataclass(frozen=True)
class FitThresholds:
    """Every number the fit rules use, in one place."""

    #: Memory (GiB) from which an in-memory workload is hard to containerise.
    large_memory_gib: float = 128.0
    #: Storage (GiB) from which moving the data is major work (kubev2v disk tier 2: > 10 TB).
    large_storage_gib: float = 10 * 1024.0
    #: Storage (GiB) from which the move needs white-glove handling (kubev2v tier 4: > 50 TB).
    huge_storage_gib: float = 50 * 1024.0
    #: Days powered off after which a workload is a retirement candidate.
    powered_off_days: float = 90.0
    #: Oldest Windows Server with container base images.
    min_windows_server: int = 2016
    #: Oldest major versions of RHEL-like distributions and SLES still considered supported.
    min_rhel_major: int = 6
    min_sles_major: int = 12


THRESHOLDS = FitThresholds()

Predicate = Callable[[Workload, FitThresholds], bool]


@dataclass(frozen=True)
class FitRule:
    rule_id: str
    description: str
    predicate: Predicate
    level: FitLevel
    reason: str
    #: A disposition this finding points at regardless of level (retire, retain), if any.
    suggests: DispositionKind | None = None


# -- predicates --------------------------------------------------------------------------

_DB_MSSQL = re.compile(r"mssql|sql ?server|sqlservr")
_DB_ORACLE = re.compile(r"\boracle\b(?! ?linux)|\bora\d*db\b|tnslsnr")
_DB_OTHER = re.compile(
    r"postgres|mysql|mariadb|mongo|redis|cassandra|elasticsearch|couchdb|db2|\bsybase\b"
)
_KERNEL = re.compile(r"kernel[- ]?(module|driver|mode)|\.ko\b|kmod|custom driver|dkms")
_HARDWARE = re.compile(
    r"dongle|hardware (key|licen[cs]e|token)|licen[cs]e (key|server) tied|usb|serial port|"
    r"\bcom\d\b|\bhba\b|fibre channel|smart ?card|hasp|sentinel key"
)
_GUI = re.compile(r"\bgui\b|desktop app|\brdp\b|remote desktop|terminal serv|citrix|\bvdi\b")
_HOST_ROLE = re.compile(r"active directory|domain controller|\bad ?ds\b|\bdhcp\b|file server")
_DOCKER = re.compile(r"docker|containerd|podman")
_DAYS_KEYS = ("days powered off", "powered off days", "poweroff days", "days off", "idle days")
_RHEL_LIKE = {"rhel", "centos", "rocky", "almalinux", "oracle-linux"}
_MAINSTREAM_LINUX = {*_RHEL_LIKE, "sles", "ubuntu", "debian"}


def _major(version: str) -> int | None:
    m = re.match(r"\s*(\d+)", version)
    return int(m.group(1)) if m else None


def _windows_server_year(w: Workload) -> int | None:
    if w.os_family is not OsFamily.WINDOWS or w.os_distro != "windows-server":
        return None
    return _major(w.os_version)


def _db_text(w: Workload) -> str:
    return role_text(w) + " | " + w.name.lower()


def _days_off(w: Workload) -> float | None:
    for key, value in w.attributes.items():
        if key.lower() in _DAYS_KEYS and isinstance(value, int | float):
            return float(value)
    return None


def _linux_too_old(w: Workload, t: FitThresholds) -> bool:
    major = _major(w.os_version)
    if w.os_family is not OsFamily.LINUX or major is None:
        return False
    if w.os_distro in _RHEL_LIKE:
        return major < t.min_rhel_major
    return w.os_distro == "sles" and major < t.min_sles_major


def _linux_other(w: Workload, t: FitThresholds) -> bool:
    return w.os_family is OsFamily.LINUX and (
        w.os_distro not in _MAINSTREAM_LINUX or not w.os_version
    )


def _windows_old(w: Workload, t: FitThresholds) -> bool:
    year = _windows_server_year(w)
    return year is not None and year < t.min_windows_server


def _windows_supported(w: Workload, t: FitThresholds) -> bool:
    year = _windows_server_year(w)
    return year is not None and year >= t.min_windows_server


def _windows_unversioned(w: Workload, t: FitThresholds) -> bool:
    return w.os_distro == "windows-server" and _windows_server_year(w) is None


def _gpu_mode(*modes: GpuMode) -> Predicate:
    return lambda w, t: w.gpu is not None and w.gpu.mode in modes and w.gpu.count > 0


def _text(regex: re.Pattern[str], roles_only: bool = False) -> Predicate:
    if roles_only:
        return lambda w, t: bool(regex.search(role_text(w)))
    return lambda w, t: bool(regex.search(all_text(w)))


def _powered_off_long(w: Workload, t: FitThresholds) -> bool:
    days = _days_off(w)
    return w.power_state is PowerState.OFF and days is not None and days >= t.powered_off_days


def _powered_off(w: Workload, t: FitThresholds) -> bool:
    return w.power_state is PowerState.OFF and not _powered_off_long(w, t)


# fmt: off
RULES: tuple[FitRule, ...] = (
    FitRule("TPL-1", "A VM template, not a running workload",
            lambda w, t: w.is_template, FitLevel.NO_FIT,
            "template: rebuild it as a container or golden VM image instead of moving it",
            DispositionKind.RETIRE),
    FitRule("PWR-1", "Powered off for longer than the retirement threshold",
            _powered_off_long, FitLevel.GOOD,
            "powered off for a long time: confirm with the owner and retire",
            DispositionKind.RETIRE),
    FitRule("PWR-2", "Powered off, for an unknown time",
            _powered_off, FitLevel.GOOD,
            "powered off: confirm it is still needed before moving it"),
    FitRule("OS-0", "Operating system not reported",
            lambda w, t: w.os_family is OsFamily.UNKNOWN, FitLevel.UNKNOWN,
            "OS unknown: fill it in before trusting this assessment (kubev2v scores it 0)"),
    FitRule("OS-1", "UNIX (Solaris, AIX, HP-UX, BSD): no x86 container or KubeVirt path",
            lambda w, t: w.os_family is OsFamily.UNIX, FitLevel.NO_FIT,
            "UNIX OS: no container or KubeVirt target; retain or re-platform the application",
            DispositionKind.RETAIN),
    FitRule("OS-2", "Other OS (ESXi, NetWare, DOS...)",
            lambda w, t: w.os_family is OsFamily.OTHER, FitLevel.NO_FIT,
            "unsupported OS for containers; keep it as a VM or retain it"),
    FitRule("OS-3", "End-of-life Linux (RHEL-like before 6, SLES before 12)",
            _linux_too_old, FitLevel.MAJOR_WORK,
            "end-of-life Linux: the application needs a supported base image first"),
    FitRule("OS-4", "Linux outside the mainstream distributions, or version unknown",
            _linux_other, FitLevel.GOOD,
            "less common Linux or unknown version: check the base image (kubev2v: medium)"),
    FitRule("WIN-1", "Windows Server older than 2016: no container base image",
            _windows_old, FitLevel.MAJOR_WORK,
            "Windows Server before 2016 has no container image: app-compat move to a newer base"),
    FitRule("WIN-2", "Windows Server 2016 or later: Windows containers on WS2019/2022 nodes",
            _windows_supported, FitLevel.MINIMAL_WORK,
            "Windows container: needs Windows nodes (WS2019/2022) whose build matches the image"),
    FitRule("WIN-3", "Windows Server of unknown version",
            _windows_unversioned, FitLevel.UNKNOWN,
            "Windows Server version unknown: cannot tell whether a container image exists"),
    FitRule("WIN-4", "Windows client OS (desktop)",
            lambda w, t: w.os_distro == "windows", FitLevel.NO_FIT,
            "Windows desktop OS: no container image; keep it as a VM"),
    FitRule("WIN-5", "Directory, DHCP or file-server role (cannot be containerised)",
            _text(_HOST_ROLE, roles_only=True), FitLevel.NO_FIT,
            "AD DS, DHCP and file-server roles cannot run in a container"),
    FitRule("DB-1", "Microsoft SQL Server",
            lambda w, t: bool(_DB_MSSQL.search(_db_text(w))), FitLevel.MAJOR_WORK,
            "MS SQL Server: white-glove move (kubev2v); consider a managed DB or a KubeVirt VM"),
    FitRule("DB-2", "Oracle Database",
            lambda w, t: bool(_DB_ORACLE.search(_db_text(w))), FitLevel.MAJOR_WORK,
            "Oracle Database: licensing and storage make it a VM or managed-DB candidate"),
    FitRule("DB-3", "Open-source database process (mfit APP-2)",
            lambda w, t: bool(_DB_OTHER.search(_db_text(w))), FitLevel.MINIMAL_WORK,
            "database inside the VM: move its data to a PVC or a managed database (mfit APP-2)"),
    FitRule("GPU-1", "GPU passthrough",
            _gpu_mode(GpuMode.PASSTHROUGH), FitLevel.MAJOR_WORK,
            "GPU passthrough: needs a passthrough node pool and cannot live-migrate"),
    FitRule("GPU-2", "vGPU (a VM-only mode)",
            _gpu_mode(GpuMode.VGPU), FitLevel.MAJOR_WORK,
            "vGPU is for VMs: a container needs full GPUs or MIG slices instead"),
    FitRule("GPU-3", "GPU as a container resource, MIG slice or time slice",
            _gpu_mode(GpuMode.CONTAINER, GpuMode.MIG, GpuMode.SHARED), FitLevel.GOOD,
            "GPU via the device plugin (nvidia.com/gpu or a MIG profile) in a GPU pool"),
    FitRule("DRV-1", "Kernel module or driver noted",
            _text(_KERNEL), FitLevel.NO_FIT,
            "needs its own kernel module or driver: containers share the host kernel"),
    FitRule("HW-1", "Hardware dongle, USB/serial device or HBA noted",
            _text(_HARDWARE), FitLevel.NO_FIT,
            "bound to specific hardware (dongle, USB, serial, HBA): retain or plan device passthrough",
            DispositionKind.RETAIN),
    FitRule("GUI-1", "GUI-only or remote-desktop application",
            _text(_GUI), FitLevel.NO_FIT,
            "GUI/RDP application: containers have no desktop; keep it as a VM"),
    FitRule("APP-3", "Container runtime inside the VM (mfit APP-3)",
            _text(_DOCKER, roles_only=True), FitLevel.MINIMAL_WORK,
            "already runs containers: run them directly on the platform (no nesting)"),
    FitRule("NET-1", "Several IP addresses (multi-NIC or hard-coded addresses, mfit NET-1)",
            lambda w, t: len(w.ips) > 1, FitLevel.MINIMAL_WORK,
            "several IP addresses: a pod has one; rebind listeners to 0.0.0.0"),
    FitRule("SIZE-1", "Very large memory",
            lambda w, t: w.memory_mib / 1024 > t.large_memory_gib, FitLevel.MAJOR_WORK,
            "very large memory (likely in-memory data): size nodes for it or keep it as a VM"),
    FitRule("SIZE-2", "Very large storage",
            lambda w, t: t.large_storage_gib < w.storage_gib <= t.huge_storage_gib,
            FitLevel.MAJOR_WORK,
            "over 10 TB of data: plan a warm (pre-copy) migration"),
    FitRule("SIZE-3", "Huge storage (white glove)",
            lambda w, t: w.storage_gib > t.huge_storage_gib, FitLevel.NO_FIT,
            "over 50 TB of data: white-glove move; keep it where it is or as a VM"),
)
# fmt: on

RULES_BY_ID: dict[str, FitRule] = {rule.rule_id: rule for rule in RULES}
