"""Connection tables taken on one host: Linux ``netstat -antp`` / ``ss -tanp`` text, Windows
``netstat -ano`` text and ``Get-NetTCPConnection | Export-Csv``.

Such a table lists sockets from the host's point of view (local and remote address), so the
direction of each connection has to be inferred. The rule: the side on a listening port is
the server (the target of the dependency). A connection whose local port the host listens on
is inbound; one whose remote address and port some other imported host listens on is
outbound; failing both, the lower port is taken as the server's and the guess is reported.
A connection seen from both of its hosts is counted once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from migplan.core.enums import Protocol
from migplan.io.importers.deps_types import (
    DependencyReport,
    EdgeAccumulator,
    Endpoint,
    RowRef,
    is_loopback,
    is_unspecified,
    normalize_ip,
)

LABEL_NETSTAT = "netstat/ss connection list"
LABEL_PWSH = "Get-NetTCPConnection export"

#: Socket states that are not a connection: listeners and sockets not connected to anything.
_NOT_CONNECTED = frozenset({"LISTEN", "LISTENING", "BOUND", "CLOSED", "UNCONN", "CLOSE"})
_LISTEN = frozenset({"LISTEN", "LISTENING"})
_HOST_LINE_RE = re.compile(r"^\s*#?\s*(?:host|hostname|computer|computername)\s*[:=]\s*(\S+)",
                           re.IGNORECASE)  # fmt: skip
_ADDR = r"(?:\[[0-9A-Fa-f:.%\w]*\]|[0-9A-Fa-f:.%\w*-]+):(?:\d+|\*)"
_NETSTAT_RE = re.compile(
    rf"^\s*(?P<proto>tcp6?|TCP)\s+(?:\d+\s+\d+\s+)?(?P<local>{_ADDR})\s+(?P<remote>{_ADDR})"
    r"\s+(?P<state>[A-Z_0-9]+)?\s*(?P<proc>\S.*)?$"
)
_SS_RE = re.compile(
    rf"^\s*(?:tcp\s+)?(?P<state>[A-Z][A-Z0-9-]+)\s+\d+\s+\d+\s+(?P<local>{_ADDR})\s+"
    rf"(?P<remote>{_ADDR})\s*(?P<proc>\S.*)?$"
)
_SS_PROC_RE = re.compile(r'\(\("(?P<name>[^"]+)",pid=(?P<pid>\d+)')


@dataclass(slots=True)
class Socket:
    local_ip: str
    local_port: int
    remote_ip: str
    remote_port: int
    state: str
    process: str
    ref: RowRef


@dataclass
class HostSnapshot:
    """The sockets of one host, with what is known of the host's identity."""

    file: str
    label: str
    host_name: str = ""
    sockets: list[Socket] = field(default_factory=list)

    @property
    def listen_ports(self) -> set[int]:
        return {s.local_port for s in self.sockets if s.state in _LISTEN}

    @property
    def local_ips(self) -> set[str]:
        return {
            s.local_ip
            for s in self.sockets
            if s.local_ip and not is_unspecified(s.local_ip) and not is_loopback(s.local_ip)
        }


def looks_like_netstat(text: str) -> bool:
    """True when the first lines of ``text`` hold netstat or ss socket lines."""
    lines = [ln for ln in text.splitlines()[:60] if ln.strip()]
    hits = sum(1 for ln in lines if _NETSTAT_RE.match(ln) or _SS_RE.match(ln))
    return hits >= max(1, len(lines) // 4)


def split_address(text: str) -> tuple[str, int]:
    """``10.0.0.5:443``, ``[::1]:22``, ``:::22``, ``*:80`` -> (address, port); port 0 for ``*``."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]")
    ip = "" if host in ("*", "") else (normalize_ip(host) or host)
    return ip, int(port) if port.isascii() and port.isdigit() else 0


def parse_netstat_text(text: str, file: str, host: str = "") -> HostSnapshot:
    """The sockets in netstat/ss output. The host is ``host`` when given (the user said so),
    else the first ``# host: NAME`` (or ``hostname: NAME``) line, else unknown ("")."""
    snap = HostSnapshot(file, LABEL_NETSTAT, host)
    named_in_file = ""
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not named_in_file:
            named = _HOST_LINE_RE.match(line)
            if named:
                named_in_file = named.group(1)
                continue
        m = _NETSTAT_RE.match(line) or _SS_RE.match(line)
        if m is None:
            continue
        local_ip, local_port = split_address(m.group("local"))
        remote_ip, remote_port = split_address(m.group("remote"))
        state = normalize_state(m.group("state") or "")
        snap.sockets.append(
            Socket(local_ip, local_port, remote_ip, remote_port, state,
                   _process(m.group("proc") or ""), RowRef(file, "", lineno))
        )  # fmt: skip
    snap.host_name = snap.host_name or named_in_file
    return snap


#: ``MSFT_NetTCPConnection.State`` numbers, for exports that wrote the enum as a number.
_STATE_NUMBERS = {
    "1": "CLOSED", "2": "LISTEN", "3": "SYNSENT", "4": "SYNRECEIVED", "5": "ESTABLISHED",
    "6": "FINWAIT1", "7": "FINWAIT2", "8": "CLOSEWAIT", "9": "CLOSING", "10": "LASTACK",
    "11": "TIMEWAIT", "12": "DELETETCB", "100": "BOUND",
}  # fmt: skip


def normalize_state(raw: str) -> str:
    """One spelling per TCP state: ``ESTAB``/``Established``/``5`` -> ``ESTABLISHED``."""
    state = raw.strip().upper().replace("-", "").replace("_", "")
    state = _STATE_NUMBERS.get(state, state)
    return {"ESTAB": "ESTABLISHED", "LISTENING": "LISTEN"}.get(state, state)


def _process(raw: str) -> str:
    """``1234/nginx: worker`` (netstat), ``users:(("sshd",pid=1,fd=3))`` (ss), ``1234`` (Windows)."""
    raw = raw.strip()
    m = _SS_PROC_RE.search(raw)
    if m:
        return m.group("name")
    if "/" in raw:
        return raw.split("/", 1)[1].split(":", 1)[0].strip()
    return ""


def snapshots_to_edges(
    snapshots: Iterable[HostSnapshot],
    acc: EdgeAccumulator,
    report: DependencyReport,
    host_ips: Callable[[str], Iterable[str]] | None = None,
) -> None:
    """Infer the direction of every connection and add it to ``acc``.

    ``host_ips`` gives the plan's addresses of a named host: a host that only listens (its
    listing shows no connection, so no concrete local address) is still known to listen on
    them.
    """
    snaps = list(snapshots)
    listening: set[tuple[str, int]] = set()
    for snap in snaps:
        ports = snap.listen_ports
        addresses = set(snap.local_ips)
        if host_ips is not None and snap.host_name:
            addresses.update(host_ips(snap.host_name))
        for ip in addresses:
            listening.update((ip, p) for p in ports)
    seen: set[tuple[str, int, str, int]] = set()
    guessed = twice = 0
    for snap in snaps:
        ports = snap.listen_ports
        for sock in snap.sockets:
            if sock.state in _LISTEN:
                continue
            report.rows_read += 1
            if sock.state in _NOT_CONNECTED or not sock.remote_ip or sock.remote_port == 0:
                report.skip_row(sock.ref, f"socket not connected (state {sock.state or '?'})")
                continue
            if is_unspecified(sock.remote_ip):
                report.skip_row(sock.ref, "no remote address")
                continue
            if is_loopback(sock.remote_ip) or is_loopback(sock.local_ip):
                report.skip_row(sock.ref, "loopback connection (stays inside one host)")
                continue
            local = Endpoint(snap.host_name, sock.local_ip)
            remote = Endpoint("", sock.remote_ip)
            if sock.local_port in ports:
                inbound = True
            elif (sock.remote_ip, sock.remote_port) in listening:
                inbound = False
            else:
                inbound = sock.local_port < sock.remote_port
                guessed += 1
            if inbound:
                key = (sock.remote_ip, sock.remote_port, sock.local_ip, sock.local_port)
                source, target, port = remote, local, sock.local_port
            else:
                key = (sock.local_ip, sock.local_port, sock.remote_ip, sock.remote_port)
                source, target, port = local, remote, sock.remote_port
            if key in seen:
                twice += 1
                continue
            seen.add(key)
            acc.add(source, target, port=port, protocol=Protocol.TCP, process=sock.process,
                    ref=sock.ref, label=snap.label)  # fmt: skip
    if guessed:
        report.warn(
            f"direction of {guessed} connection(s) guessed from port numbers (the lower port "
            "taken as the server's): no imported host listens on either end",
            ", ".join(sorted({s.file for s in snaps})),
        )
    if twice:
        report.notes.append(f"{twice} connection(s) were seen from both ends and counted once.")
