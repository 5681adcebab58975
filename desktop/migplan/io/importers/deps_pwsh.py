"""Windows ``Get-NetTCPConnection | Export-Csv`` (or ``ConvertTo-Csv``) files.

Header ``LocalAddress, LocalPort, RemoteAddress, RemotePort, State, AppliedSetting,
OwningProcess`` (more with ``Select-Object *``); Windows PowerShell 5.1 writes a ``#TYPE`` line
first, which the table reader skips. States are words (``Listen``, ``Established``,
``TimeWait``); listeners have remote ``0.0.0.0:0``. Rows collected over remoting carry
``PSComputerName``, which names the host; collection scripts may add ``ProcessName``.
Direction is inferred as for netstat (``deps_netstat``).
"""

from __future__ import annotations

from migplan.io.importers.deps_cells import (
    BadValue,
    DependencyImportOptions,
    bad_row,
    cell_text,
    parse_port,
    require_columns,
    row_ref,
)
from migplan.io.importers.deps_netstat import (
    LABEL_PWSH,
    HostSnapshot,
    Socket,
    normalize_state,
)
from migplan.io.importers.deps_types import DependencyReport, normalize_ip
from migplan.io.tables import Table

_REQUIRED = {
    "local_ip": ("LocalAddress", "Local Address"),
    "local_port": ("LocalPort", "Local Port"),
    "remote_ip": ("RemoteAddress", "Remote Address"),
    "remote_port": ("RemotePort", "Remote Port"),
    "state": ("State",),
}
_HOST_COLUMNS = ("PSComputerName", "ComputerName", "Hostname", "Host Name", "Computer")
_PROCESS_COLUMNS = ("ProcessName", "Process Name", "Process")


def matches(headers: set[str]) -> bool:
    return {"localaddress", "localport", "remoteaddress", "remoteport"} <= headers


def read_nettcp(
    table: Table, report: DependencyReport, options: DependencyImportOptions, host_hint: str
) -> list[HostSnapshot]:
    """One snapshot per host named in the file (or one for the whole file)."""
    cols = require_columns(table, _REQUIRED, "a Get-NetTCPConnection export")
    host_col = table.column(*_HOST_COLUMNS)
    proc_col = table.column(*_PROCESS_COLUMNS)
    snaps: dict[str, HostSnapshot] = {}
    for i, row in enumerate(table.rows):
        if not any(cell_text(v) for v in row):
            continue
        host = cell_text(table.cell(row, host_col)) or host_hint
        try:
            local_port = parse_port(table.cell(row, cols["local_port"]), "LocalPort") or 0
            remote_port = parse_port(table.cell(row, cols["remote_port"]), "RemotePort") or 0
        except BadValue as exc:
            bad_row(table, i, exc, report, options.skip_bad_rows)
            continue
        snap = snaps.get(host)
        if snap is None:
            snap = snaps[host] = HostSnapshot(table.path.name, LABEL_PWSH, host)
        local_ip = cell_text(table.cell(row, cols["local_ip"]))
        remote_ip = cell_text(table.cell(row, cols["remote_ip"]))
        snap.sockets.append(
            Socket(
                normalize_ip(local_ip) or local_ip,
                local_port,
                normalize_ip(remote_ip) or remote_ip,
                remote_port,
                normalize_state(cell_text(table.cell(row, cols["state"]))),
                cell_text(table.cell(row, proc_col)),
                row_ref(table, i),
            )
        )
    return list(snaps.values())
