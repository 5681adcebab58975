"""What a file that is no machine inventory seems to be, from its headers and first rows.

People hand over whatever the customer exported: IP address management lists, performance
counter series, installed-software inventories, CMDB extracts without sizing. None of these
can become workloads (each would be a machine of 0 vCPU and 0 MiB, or many copies of one),
so the import refuses them, and the wizard flags them, with one sentence naming what the
file seems to be, the columns that gave it away, and what MigPlan expects instead. A plain
list of machines without sizing (no telltale columns) is imported, with a warning.

Each kind is a named rule (``NATURES``) over normalised headers. A table that maps a name and
any sizing column (vCPU, memory, storage) is an inventory, whatever else it holds, except a
time series (a timestamp column, counter columns and each machine on several rows).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from migplan.io.importers.apps import DEFAULT_APP_COLUMNS
from migplan.io.importers.mapping import ColumnMapping, auto_match
from migplan.io.tables import Table, normalize_header

#: What MigPlan imports, said after what a refused file seems to be.
EXPECTED = (
    "MigPlan imports inventories of machines with at least a name and CPU, memory or storage "
    "(RVTools, Azure Migrate, AWS Migration Hub, Google Migration Center, Live Optics, CMDB "
    "sheets with sizing) and dependency exports"
)
SIZING_FIELDS = frozenset({"vcpu", "memory_mib", "storage_provisioned_mib", "storage_used_mib"})
#: Rows looked at for repeated machine names (a time series has each machine many times).
SAMPLE_ROWS = 200

_TIME = re.compile(
    r"^(?:time ?stamp|timestamp \(utc\)|date ?time|date|time|sample time|collection time|"
    r"interval breakdown|time slot|period|hour|day|datetime \(utc\))$"
)
_COUNTER = re.compile(
    r"%|percent|percentage|utili[sz]ation|usage|iops|latency|throughput|\bbytes ?per|/s\b|"
    r"\bmbps\b|\bkbps\b|ops/sec|per ?sec|readiness|demand|\|"
)
_SOFTWARE = re.compile(
    r"^(?:software|software name|product|product name|application|application name|program|"
    r"program name|display ?name|package|package name|title)$"
)
_VERSION = re.compile(r"^(?:version|software version|product version|display ?version|release)$")
_PUBLISHER = re.compile(
    r"^(?:publisher|vendor|provider|manufacturer|install ?date|installed on|install location|"
    r"installation date|license)$"
)
_IP = re.compile(r"^(?:ip|ip address|ipv4 address|ipv6 address|address|ip addresses)$")
_IPAM = re.compile(
    r"^(?:subnet|subnet mask|netmask|mask|prefix|cidr|network|vlan|vlan id|vlan name|mac|"
    r"mac address|status|state|gateway|default gateway|dhcp|lease|lease expiry|ptr|"
    r"ptr record|usage|discovered|last seen|range|scope)$"
)
_CMDB = re.compile(
    r"^(?:sys_id|sys_class_name|class|ci class|ci type|operational status|install status|"
    r"assigned to|support group|managed by|owned by|business service|cost center|"
    r"serial number|asset tag|u_\w+|model id|manufacturer|used for)$"
)


@dataclass(frozen=True)
class FileNature:
    """What a table that is no inventory seems to be, and the headers that show it."""

    nature_id: str
    #: With its article: "an installed-software inventory".
    label: str
    columns: tuple[str, ...]
    #: Said after the columns when it helps (where such a file goes instead).
    hint: str = ""

    def sentence(self) -> str:
        """``looks like <label> (columns ...): <what MigPlan imports>``."""
        shown = ", ".join(self.columns[:4])
        hint = f"; {self.hint}" if self.hint else ""
        return f"looks like {self.label} (columns {shown}): {EXPECTED}{hint}."


def nature_of(table: Table, mapping: ColumnMapping | None = None) -> FileNature | None:
    """What ``table`` seems to be when it is no machine inventory, else None."""
    headers = [h for h in table.headers if h.strip()]
    norm = {h: normalize_header(h) for h in headers}
    found = auto_match(table.headers, mapping)
    sized = bool(SIZING_FIELDS & {k for k, v in found.columns.items() if v})
    named = bool(found.columns.get("name"))

    def having(pattern: re.Pattern[str]) -> list[str]:
        return [h for h in headers if pattern.search(norm[h])]

    times, counters = having(_TIME), having(_COUNTER)
    machine = found.columns.get("name") or found.columns.get("source_key")
    if times and machine and (counters or sized):
        per_machine = _rows_per_name(table, machine[0])
        # Counter columns, or sizing columns whose machines come back row after row.
        if per_machine >= 2 or (counters and not sized):
            label = "a time series of performance counters"
            if per_machine >= 2:
                label += f" (about {per_machine:.0f} rows per machine)"
            shown = counters or [c for k in sorted(SIZING_FIELDS) for c in found.columns.get(k, [])]
            return FileNature("perf-series", label, (*times[:1], *shown[:3]))
    if sized:
        return None
    software, versions, publishers = having(_SOFTWARE), having(_VERSION), having(_PUBLISHER)
    if software and versions and publishers:
        return FileNature(
            "software",
            "an installed-software inventory",
            (software[0], versions[0], publishers[0]),
        )
    ips, ipam = having(_IP), having(_IPAM)
    if ips and len(ipam) >= 2 and not found.columns.get("os_reported"):
        return FileNature("ipam", "an IP address management (IPAM) export", (ips[0], *ipam[:3]))
    if not named:
        return None  # the importer's "no workload name column" says it best
    name_col = found.columns["name"][0]
    apps = [h for h in headers if norm[h] in {normalize_header(a) for a in DEFAULT_APP_COLUMNS}]
    if apps and len(headers) == 2:
        return FileNature(
            "app-map",
            "a workload-to-application map",
            (name_col, apps[0]),
            "give it as the application map of an inventory import instead",
        )
    cmdb = having(_CMDB)
    if cmdb:
        return FileNature("cmdb", "a CMDB extract without sizing", (name_col, *cmdb[:3]))
    return None  # machines by name only: imported, with a warning (``unsized_warning``)


def unsized_warning(table: Table, mapping: ColumnMapping | None = None) -> str:
    """The warning for an inventory with names but no CPU, memory or storage column (its
    workloads have no size), or "" when it has one."""
    found = auto_match(table.headers, mapping)
    if SIZING_FIELDS & {k for k, v in found.columns.items() if v}:
        return ""
    return (
        "no CPU, memory or storage column: the workloads are imported without a size "
        "(map those columns, or import an inventory that has them)"
    )


def _rows_per_name(table: Table, header: str) -> float:
    idx = table.headers.index(header)
    names = [
        str(Table.cell(row, idx)).strip().casefold()
        for row in itertools.islice(table.iter_rows(), SAMPLE_ROWS)
    ]
    names = [n for n in names if n]
    if len(names) < 4:
        return 1.0
    return len(names) / len(set(names))
