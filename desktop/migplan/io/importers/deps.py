"""Importing dependency exports into a plan: one entry point for every supported format.

``import_dependencies`` detects each file's format from its headers (or, for text, from its
lines), parses every file, folds repeated observations, resolves endpoints to workloads,
applications or external nodes, and returns ONE command plus the report. It never changes the
document: the caller applies the command (one undo step) or discards it. Any unreadable file
raises ``ImportFormatError`` naming the file (and sheet, row and column) before a command is
built, so a failed import leaves the plan as it was.

Formats: Azure Migrate dependency export (both variants), a generic edge list (which also
reads Device42 service-communication and AWS Application Discovery connection exports),
Windows ``Get-NetTCPConnection`` CSV, Linux/Windows ``netstat`` and ``ss`` text, ServiceNow
``cmdb_rel_ci`` and the Konveyor application import CSV.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import ValidationError

from migplan.core.commands import Command
from migplan.core.document import PlanDocument
from migplan.core.errors import describe_validation_error
from migplan.core.gcpause import gc_paused
from migplan.core.ids import WorkloadId
from migplan.core.models import Application
from migplan.core.progress import NullProgress, Progress
from migplan.io import csvread
from migplan.io.errors import ImportFormatError
from migplan.io.importers import (
    deps_azure,
    deps_edgelist,
    deps_konveyor,
    deps_netstat,
    deps_pwsh,
    deps_servicenow,
)
from migplan.io.importers.deps_build import build_command, fold_edges
from migplan.io.importers.deps_cells import DependencyImportOptions
from migplan.io.importers.deps_netstat import HostSnapshot
from migplan.io.importers.deps_resolve import EndpointResolver
from migplan.io.importers.deps_types import DependencyReport, EdgeAccumulator, Endpoint
from migplan.io.tables import HEADER_SCAN_ROWS, Table, normalize_header, read_tables

__all__ = [
    "DependencyImportOptions",
    "DependencyReport",
    "dependency_format_of",
    "detect_format",
    "import_dependencies",
]

#: Suffixes read as plain text (netstat/ss output) when their lines look like it.
TEXT_SUFFIXES = frozenset({".txt", ".log", ".out", ".netstat", ".ss", ""})
#: Text dumps larger than this are refused (a netstat of a busy host is a few MB).
MAX_TEXT_BYTES = 512 * 1024**2

_TableReader = Callable[..., None]
_FORMATS: tuple[tuple[str, Callable[[set[str]], bool]], ...] = (
    (deps_azure.LABEL, deps_azure.matches),
    (deps_netstat.LABEL_PWSH, deps_pwsh.matches),
    (deps_konveyor.LABEL, deps_konveyor.matches),
    (deps_servicenow.LABEL, deps_servicenow.matches),
    (deps_edgelist.LABEL, deps_edgelist.matches),
)


def detect_format(table: Table) -> str | None:
    """The format label of a table, from its headers; None when no format fits."""
    headers = {normalize_header(h) for h in table.headers}
    for label, fits in _FORMATS:
        if fits(headers):
            return label
    return None


def dependency_format_of(path: Path) -> str | None:
    """The dependency format of a file (its first recognised sheet), or None when it is not a
    dependency export or cannot be read. For routing files between importers; never raises."""
    try:
        if _netstat_text(path) is not None:
            return deps_netstat.LABEL_NETSTAT
        for table in read_tables(path, check=False, head=HEADER_SCAN_ROWS + 2):  # (headers)
            label = detect_format(table)
            if label == deps_edgelist.LABEL:
                return deps_edgelist.label_for(set(table.normalized_headers))
            if label is not None:
                return label
    except Exception:  # whoever imports it reports the problem properly
        return None
    return None


def import_dependencies(
    paths: Sequence[Path],
    doc: PlanDocument,
    progress: Progress = NullProgress(),  # noqa: B008 - stateless and never mutated
    options: DependencyImportOptions | None = None,
) -> tuple[Command, DependencyReport]:
    """Read dependency exports and return the command that adds them to ``doc``, and a report.

    New edges, external nodes and (Konveyor) applications are added; edges already in the plan
    grow to the imported count and weight when those are larger. Raises ``ImportFormatError``
    for a file that cannot be read and ``Cancelled`` when ``progress`` is cancelled.
    """
    with gc_paused(freeze=True):
        try:
            return _import(paths, doc, progress, options or DependencyImportOptions())
        except ValidationError as exc:  # a value no parser caught: still one clear error
            names = ", ".join(Path(p).name for p in paths)
            raise ImportFormatError(names, describe_validation_error(exc, "an entity")) from None


def _import(
    paths: Sequence[Path],
    doc: PlanDocument,
    progress: Progress,
    options: DependencyImportOptions,
) -> tuple[Command, DependencyReport]:
    report = DependencyReport()
    acc = EdgeAccumulator()
    resolver = EndpointResolver(doc)
    snapshots: list[HostSnapshot] = []
    new_apps: dict[str, Application] = {}
    unique: list[Path] = []
    seen: set[Path] = set()
    for given in map(Path, paths):
        if given.resolve() not in seen:
            seen.add(given.resolve())
            unique.append(given)
    if len(unique) < len(paths):
        report.notes.append("A file given more than once was read once.")
    for n, path in enumerate(unique):
        progress.step(n, len(unique), f"Reading {path.name}")
        report.files.append(path.name)
        text = _netstat_text(path)
        if text is not None:
            snap = deps_netstat.parse_netstat_text(
                text, path.name, options.host_for_file.get(path.name, "")
            )
            snap.host_name = snap.host_name or _host_from_stem(path)
            snapshots.append(snap)
            report.formats[path.name] = deps_netstat.LABEL_NETSTAT
            continue
        recognised: list[str] = []
        tables = read_tables(path, progress=progress)
        for table in tables:
            label = detect_format(table)
            if label is None:
                if len(tables) > 1:
                    report.notes.append(f"{path.name}: sheet {table.sheet!r} is not a "
                                        "dependency table; left out.")  # fmt: skip
                continue
            if label == deps_edgelist.LABEL:
                recognised.append(deps_edgelist.label_for(set(table.normalized_headers)))
            else:
                recognised.append(label)
            if label == deps_netstat.LABEL_PWSH:
                hint = options.host_for_file.get(path.name, "")
                snapshots += deps_pwsh.read_nettcp(table, report, options, hint)
            elif label == deps_konveyor.LABEL:
                deps_konveyor.read_konveyor(
                    table, acc, report, options, progress, doc, resolver, new_apps
                )
            else:
                _READERS[label](table, acc, report, options, progress)
        if not recognised:
            raise ImportFormatError(path, _unrecognised(tables))
        report.formats[path.name] = ", ".join(dict.fromkeys(recognised))

    def host_ips(name: str) -> list[str]:
        node = resolver.resolve(Endpoint(name)).node_id
        workload = doc.workloads.get(WorkloadId(node))
        return list(workload.ips) if workload is not None else []

    deps_netstat.snapshots_to_edges(snapshots, acc, report, host_ips)
    folded = fold_edges(acc.edges.values(), resolver, report, progress, len(acc))
    command = build_command(folded, resolver, doc, report, list(new_apps.values()), progress)
    report.finish()
    progress.step(len(unique), len(unique), "Dependencies read")
    return command, report


_READERS: dict[str, _TableReader] = {
    deps_azure.LABEL: deps_azure.read_azure,
    deps_servicenow.LABEL: deps_servicenow.read_servicenow,
    deps_edgelist.LABEL: deps_edgelist.read_edge_list,
}


def _netstat_text(path: Path) -> str | None:
    """The decoded text of a netstat/ss dump, or None when ``path`` is something else."""
    if path.suffix.lower() not in TEXT_SUFFIXES or not path.is_file():
        return None
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    text = ""
    # The head may end inside a multi-byte character: retry a byte or three shorter.
    for cut in range(4 if len(head) == 64 * 1024 else 1):
        try:
            text = csvread.decode(path, head[: len(head) - cut])[0]
            break
        except ImportFormatError:
            continue
    if not text or not deps_netstat.looks_like_netstat(text):
        return None
    if size > MAX_TEXT_BYTES:
        raise ImportFormatError(
            path, f"the file is {size / 1024**2:.0f} MiB; the bound for text dumps is "
            f"{MAX_TEXT_BYTES // 1024**2} MiB",
        )  # fmt: skip
    return csvread.decode(path, path.read_bytes())[0]


def _host_from_stem(path: Path) -> str:
    """A host name from a file name such as ``netstat-web01.txt`` or ``web01_ss.out``."""
    parts = [p for p in path.stem.replace("_", "-").split("-") if p]
    noise = {"netstat", "ss", "antp", "tanp", "ano", "tcp", "connections", "conns", "output"}
    kept = [p for p in parts if p.casefold() not in noise]
    return "-".join(kept)


def _unrecognised(tables: list[Table]) -> str:
    heads = "; ".join(
        f"{t.sheet}: {', '.join(h for h in t.headers if h.strip())[:300]}" for t in tables[:3]
    )
    return (
        "not a recognised dependency export (Azure Migrate, edge list with source and target "
        "columns, Get-NetTCPConnection, netstat/ss text, ServiceNow cmdb_rel_ci, Konveyor); "
        f"headers found: {heads}"
    )
