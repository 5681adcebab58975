"""Direction inference for per-host connection lists: generated netstat/ss files from several
hosts, each connection written on the client's side, the server's side, or both."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migplan.core.document import PlanDocument
from migplan.core.ids import workload_id
from migplan.core.models import Workload
from migplan.io.importers.deps import import_dependencies
from migplan.io.importers.deps_netstat import parse_netstat_text, split_address

HOSTS = 4
PORTS = (22, 443, 1433)


def _plan() -> PlanDocument:
    return PlanDocument.from_entities(
        Workload(id=workload_id(f"h{i}"), name=f"h{i}", ips=(f"10.5.0.{i + 1}",))
        for i in range(HOSTS)
    )


def _line(ss: bool, local: str, remote: str, state: str, proc: str) -> str:
    if ss:
        state = {"ESTABLISHED": "ESTAB"}.get(state, state)
        return f'{state:<10} 0 0 {local:>22} {remote:>22} users:(("{proc}",pid=1,fd=3))'
    return f"tcp        0      0 {local:<23} {remote:<23} {state:<11} 1/{proc}"


CONN = st.tuples(
    st.integers(0, HOSTS - 1),  # client
    st.integers(0, HOSTS - 1),  # server
    st.sampled_from(PORTS),
    st.sampled_from(["client", "server", "both"]),  # which host's listing shows it
)


@settings(max_examples=30, deadline=None)
@given(conns=st.lists(CONN, min_size=1, max_size=25), ss=st.booleans())
def test_the_listening_side_is_always_the_target(
    tmp_path_factory: pytest.TempPathFactory,
    conns: list[tuple[int, int, int, str]],
    ss: bool,
) -> None:
    lines: dict[int, list[str]] = {h: [] for h in range(HOSTS)}
    listens = {(s, p) for c, s, p, _ in conns if c != s}
    for server, port in sorted(listens):
        lines[server].append(_line(ss, f"0.0.0.0:{port}", "0.0.0.0:*", "LISTEN", "srv"))
    expected: Counter[tuple[str, str, int]] = Counter()
    for n, (client, server, port, side) in enumerate(conns):
        if client == server:
            continue
        c_addr, s_addr = f"10.5.0.{client + 1}:{40000 + n}", f"10.5.0.{server + 1}:{port}"
        if side in ("client", "both"):
            lines[client].append(_line(ss, c_addr, s_addr, "ESTABLISHED", "cli"))
        if side in ("server", "both"):
            lines[server].append(_line(ss, s_addr, c_addr, "ESTABLISHED", "srv"))
        expected[(f"h{client}", f"h{server}", port)] += 1
    folder = tmp_path_factory.mktemp("netstat")
    paths = []
    for host, text in lines.items():
        if text:
            path = folder / f"h{host}.txt"
            path.write_text("\n".join(text) + "\n")
            paths.append(path)
    doc = _plan()
    command, report = import_dependencies(paths, doc)
    doc.apply(command)
    got = {
        (doc.node_name(d.source), doc.node_name(d.target), d.port): d.count
        for d in doc.dependencies.values()
    }
    assert got == dict(expected)
    assert not [i for i in report.issues if "guessed" in i.reason]


def test_split_address_forms() -> None:
    assert split_address("10.0.0.5:443") == ("10.0.0.5", 443)
    assert split_address(":::22") == ("::", 22)
    assert split_address("[::ffff:10.0.0.1]:8080") == ("10.0.0.1", 8080)
    assert split_address("0.0.0.0:*") == ("0.0.0.0", 0)
    assert split_address("*:*") == ("", 0)


def test_host_line_and_unknown_lines(tmp_path: Path) -> None:
    snap = parse_netstat_text(
        "hostname: h2\nsome banner: x\ntcp 0 0 10.5.0.3:22 10.5.0.1:50000 ESTABLISHED 9/sshd\n",
        "f.txt",
    )
    assert snap.host_name == "h2" and len(snap.sockets) == 1
    # A host the user names wins over the file's own line.
    assert parse_netstat_text("# host: h2\n", "f.txt", "h3").host_name == "h3"
    sock = snap.sockets[0]
    assert (sock.local_port, sock.remote_ip, sock.process, sock.ref.row) == (
        22,
        "10.5.0.1",
        "sshd",
        3,
    )
