"""The legacy hosts of an RVTools export: one ``Host`` per vHost row, with vCluster's facts.

vHost gives ``# CPU`` (physical CPUs), ``Cores per CPU`` and ``# Cores``, ``# Memory``
(MiB in the xlsx export) and the ``Cluster``; vInfo's ``Host`` column names the host each
VM runs on, within its vCenter (``VI SDK Server``). What the sheet does not give stays 0
(unknown): licensed cores are never guessed (``core.economics.licences``). A host is keyed
by its name within its vCenter, so a re-import finds it again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from migplan.core.ids import HostId, host_id
from migplan.core.models import AttributeValue, Host, SourceRef
from migplan.io.importers.report import ImportReport
from migplan.io.importers.rows import attribute_value
from migplan.io.tables import Table
from migplan.io.values import parse_float

#: vHost columns kept on the host as attributes (``vHost.<column>``).
HOST_FACTS = ("CPU Model", "# Cores", "ESX Version", "Vendor", "Model", "Serial number")
#: vCluster columns kept on each host of the cluster (``vCluster.<column>``).
CLUSTER_FACTS = ("NumHosts", "HA enabled", "DRS enabled")

HostKey = tuple[str, str]


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _count(table: Table, row: list[object], *columns: str) -> int | None:
    """A whole, non-negative number from the first of ``columns`` present; None if not given."""
    idx = table.column(*columns)
    if idx is None:
        return None
    try:
        value = parse_float(Table.cell(row, idx))
    except ValueError:
        return None
    if value is None or value < 0 or value != int(value):
        return None
    return int(value)


def row_facts(
    table: Table, prefix: str, columns: Sequence[str]
) -> Callable[[list[object]], dict[str, AttributeValue]]:
    """The cells of ``columns`` a row fills, as attributes named ``<prefix>.<header>``
    (the columns are looked up once, not on every row)."""
    named = [
        (idx, f"{prefix}.{table.headers[idx].strip()}")
        for idx in (table.column(col) for col in columns)
        if idx is not None
    ]

    def facts(row: list[object]) -> dict[str, AttributeValue]:
        cells = ((name, Table.cell(row, idx)) for idx, name in named)
        return {name: attribute_value(v) for name, v in cells if v not in ("", None)}

    return facts


def read_hosts(
    vhost: Table | None, vcluster: Table | None, server: str, report: ImportReport
) -> dict[HostKey, Host]:
    """The hosts of ``vhost`` by (vCenter, host name); ``server`` is the export's vCenter,
    for rows that do not name theirs. Empty when the export has no vHost sheet."""
    hosts: dict[HostKey, Host] = {}
    if vhost is None:
        report.notes.append(
            "vHost: not in the export: hosts unknown (no licensed cores are computed)"
        )
        return hosts
    clusters = _cluster_facts(vcluster, server)
    host_facts = row_facts(vhost, "vHost", HOST_FACTS)
    name_col = vhost.column("Host", "Name")
    server_col = vhost.column("VI SDK Server")
    file = vhost.path.name
    for i, row in enumerate(vhost.rows):
        number = vhost.row_number(i)
        name = _text(Table.cell(row, name_col))
        if not name or len(name) > 400:
            report.skip("the vHost row names no host", file, vhost.sheet, number)
            continue
        vcenter = _text(Table.cell(row, server_col)) or server
        if (vcenter, name) in hosts:
            report.warn(
                f"host {name} is listed twice in vHost: the first row is kept",
                file,
                vhost.sheet,
                number,
            )
            continue
        cpus = _count(vhost, row, "# CPU")
        per_cpu = _count(vhost, row, "Cores per CPU")
        cores = _count(vhost, row, "# Cores")
        if cpus is None and per_cpu and cores and cores % per_cpu == 0:
            cpus = cores // per_cpu
        if per_cpu is None and cpus and cores and cores % cpus == 0:
            per_cpu = cores // cpus
        if cpus and per_cpu and cores and cpus * per_cpu != cores:
            report.warn(
                f"host {name}: '# CPU' {cpus} x 'Cores per CPU' {per_cpu} is not '# Cores' "
                f"{cores}; licensed cores are counted per CPU",
                file,
                vhost.sheet,
                number,
            )
        memory_mib = float(_count(vhost, row, "# Memory") or 0)
        cluster = _text(Table.cell(row, vhost.column("Cluster")))
        attributes = host_facts(row)
        attributes.update(clusters.get((vcenter, cluster), {}))
        hid: HostId = host_id(name, vcenter)
        hosts[(vcenter, name)] = Host(
            id=hid,
            name=name,
            source_system=vcenter,
            datacenter=_text(Table.cell(row, vhost.column("Datacenter")))[:1000],
            cluster=cluster[:1000],
            cpus=cpus or 0,
            cores_per_cpu=per_cpu or 0,
            memory_gib=round(max(memory_mib, 0.0) / 1024, 1),
            attributes=attributes,
            sources=(SourceRef(file=file, sheet=vhost.sheet, row=number),),
        )
    report.notes.append(f"vHost: {len(hosts)} hosts (their CPUs and cores count the licences)")
    return hosts


def _cluster_facts(vcluster: Table | None, server: str) -> dict[HostKey, dict[str, AttributeValue]]:
    out: dict[HostKey, dict[str, AttributeValue]] = {}
    if vcluster is None:
        return out
    name_col = vcluster.column("Name", "Cluster")
    server_col = vcluster.column("VI SDK Server")
    facts = row_facts(vcluster, "vCluster", CLUSTER_FACTS)
    for row in vcluster.rows:
        key = (_text(Table.cell(row, server_col)) or server, _text(Table.cell(row, name_col)))
        out[key] = facts(row)
    return out
