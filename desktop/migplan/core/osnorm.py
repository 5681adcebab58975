"""Normalise the OS strings inventories report into family, distribution and version.

Inputs look like ``Microsoft Windows Server 2019 (64-bit)``, ``Red Hat Enterprise Linux 8
(64-bit)``, ``CentOS 7 (64-bit)``, ``Ubuntu Linux (64-bit)``, ``rhel7_64Guest``,
``windows9Server64Guest``, ``SUSE Linux Enterprise 15 (64-bit)``, ``Other 3.x Linux``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from migplan.core.enums import OsFamily


@dataclass(frozen=True)
class OsInfo:
    family: OsFamily
    distro: str
    version: str

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.distro, self.version) if p) or self.family.value


# (pattern, family, distro); the first match wins. Versions are read separately.
_DISTROS: tuple[tuple[str, OsFamily, str], ...] = (
    (
        r"windows.*server|win(dows)?\s*20\d\d|windows\d*server|winnet|winlonghorn",
        OsFamily.WINDOWS,
        "windows-server",
    ),
    (r"windows|win(xp|vista|7|8|10|11)\b|win\d+", OsFamily.WINDOWS, "windows"),
    (r"fedora", OsFamily.LINUX, "fedora"),
    (r"red\s*hat|rhel", OsFamily.LINUX, "rhel"),
    (r"centos", OsFamily.LINUX, "centos"),
    (r"rocky", OsFamily.LINUX, "rocky"),
    (r"alma", OsFamily.LINUX, "almalinux"),
    (r"oracle\s*linux|oel|\bol\d", OsFamily.LINUX, "oracle-linux"),
    (r"suse|sles|sled", OsFamily.LINUX, "sles"),
    (r"ubuntu", OsFamily.LINUX, "ubuntu"),
    (r"debian", OsFamily.LINUX, "debian"),
    (r"photon", OsFamily.LINUX, "photon"),
    (r"amazon\s*linux", OsFamily.LINUX, "amazon-linux"),
    (r"linux", OsFamily.LINUX, "linux"),
    (r"solaris|sunos", OsFamily.UNIX, "solaris"),
    (r"\baix\b", OsFamily.UNIX, "aix"),
    (r"hp-?ux", OsFamily.UNIX, "hp-ux"),
    (r"freebsd", OsFamily.UNIX, "freebsd"),
    (r"vmware\s*esx|esxi", OsFamily.OTHER, "esxi"),
    (r"netware|os/2|dos\b", OsFamily.OTHER, "other"),
    (r"^other", OsFamily.OTHER, "other"),
)
_COMPILED = tuple((re.compile(p, re.IGNORECASE), f, d) for p, f, d in _DISTROS)

# vSphere guest ids for Windows Server (windows9Server64Guest = 2016+, not reliably newer).
_WINDOWS_GUEST_IDS = {
    "winnetstandard": "2003",
    "winnetenterprise": "2003",
    "winlonghorn": "2008",
    "windows7server": "2008 R2",
    "windows8server": "2012",
    "windows9server": "2016",
    "windows2019srv": "2019",
    "windows2019srvnext": "2022",
    "windows2022srvnext": "2025",
}


def specificity(info: OsInfo) -> tuple[int, int, int]:
    """How much an OS reading says: a known family, a named distribution, a version."""
    return (
        int(info.family is not OsFamily.UNKNOWN),
        int(info.distro not in ("", "linux", "other", "windows")),
        int(bool(info.version) and not info.version.startswith("kernel")),
    )


def more_specific(configured: str, tools: str) -> str:
    """Of the OS the VM's configuration names and the one VMware Tools reports from inside
    the guest, the one that says more (the configuration wins a tie): a VM configured as
    "Other 2.6.x Linux" that Tools sees as "Oracle Linux 8" is Oracle Linux 8."""
    if not tools or tools == configured:
        return configured
    if not configured:
        return tools
    return (
        tools
        if specificity(normalize_os(tools)) > specificity(normalize_os(configured))
        else configured
    )


@lru_cache(maxsize=4096)
def normalize_os(reported: str) -> OsInfo:
    """Family, distribution and version of an OS string; unknown when nothing matches."""
    text = (reported or "").strip()
    if not text:
        return OsInfo(OsFamily.UNKNOWN, "", "")
    lowered = text.lower()
    for regex, family, distro in _COMPILED:
        if regex.search(lowered):
            return OsInfo(family, distro, _version(lowered, distro))
    return OsInfo(OsFamily.UNKNOWN, "", "")


def _version(text: str, distro: str) -> str:
    text = re.sub(r"\(?\b(32|64)-?bit\)?|_?64guest|guest$", " ", text)
    if re.search(r"\b\d+(?:/\d+)+\b", text):
        return ""  # vSphere's "CentOS 4/5/6/7": one of several versions, not which
    if distro == "windows-server":
        for guest_id, version in _WINDOWS_GUEST_IDS.items():
            if guest_id in text.replace("_", "").replace(" ", ""):
                return version
        m = re.search(r"(20\d\d)(\s*r2)?", text)
        if m:
            return m.group(1) + (" R2" if m.group(2) else "")
        return ""
    if distro == "windows":
        m = re.search(r"windows\s*(xp|vista|7|8\.1|8|10|11)\b", text)
        return m.group(1).upper() if m and m.group(1) in ("xp",) else (m.group(1) if m else "")
    if distro in ("ubuntu", "debian", "fedora", "amazon-linux", "photon"):
        m = re.search(r"(\d+(?:\.\d+)?)", text)
        return m.group(1) if m else ""
    if distro == "linux":
        m = re.search(r"(\d+(?:\.\d+)*)\.x", text)
        return f"kernel {m.group(1)}.x" if m else ""
    # rhel7_64Guest, Red Hat Enterprise Linux 8 (64-bit), SLES 15 SP4, CentOS 7.9
    m = re.search(
        r"(?:rhel|centos|rocky|alma|sles|linux|oel|ol|solaris|aix|bsd)\D{0,20}?(\d+(?:\.\d+)?)",
        text,
    )
    if m:
        return m.group(1)
    m = re.search(r"\b(\d+(?:\.\d+)?)\b", text)
    return m.group(1) if m else ""
