"""The entry point for inventory files: detect RVTools versus any other layout, import, and
attach applications from a separate workload-to-application file when given.

Also tells dependency exports apart by their headers, so a caller given a mix of files can
route those to ``migplan.io.importers.deps``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from migplan.core.gcpause import gc_paused
from migplan.core.progress import NullProgress, Progress
from migplan.io.importers import rvtools
from migplan.io.importers.apps import apply_app_map, read_app_map
from migplan.io.importers.build import ImportResult
from migplan.io.importers.generic import import_generic, merge_results
from migplan.io.importers.mapping import ColumnMapping
from migplan.io.tables import HEADER_SCAN_ROWS, normalize_header, read_tables

#: Header sets (normalised) that mark a dependency export rather than an inventory.
_DEPENDENCY_SIGNATURES: tuple[frozenset[str], ...] = (
    frozenset({"source server name", "destination ip"}),
    frozenset({"source server name", "destination server name"}),
    frozenset({"localaddress", "remoteaddress"}),
    frozenset({"local address", "foreign address"}),
    frozenset({"parent", "child"}),
    frozenset({"parent.name", "child.name"}),
    frozenset({"source", "target"}),
    frozenset({"source", "destination"}),
    frozenset({"from", "to"}),
    frozenset({"listener_ip", "client_ip"}),
    frozenset({"sourceip", "destinationip"}),
    frozenset({"record type", "application name"}),
    frozenset({"record type 1", "application name"}),
)


def is_dependency_headers(headers: Sequence[str]) -> bool:
    names = {normalize_header(h) for h in headers}
    return any(sig <= names for sig in _DEPENDENCY_SIGNATURES)


def is_dependency_file(path: Path) -> bool:
    """True when the file looks like a dependency export: the dependency importer's own
    detection decides when it is installed, else these header signatures."""
    try:
        from migplan.io.importers.deps import dependency_format_of
    except ImportError:
        pass
    else:
        return rvtools.csv_tab(path) is None and dependency_format_of(path) is not None
    if path.suffix.lower() in (".txt", ".log", ".out"):
        head = path.read_bytes()[:4096].decode("utf-8", "replace").casefold()
        if "foreign address" in head or head.lstrip().startswith(("tcp ", "tcp6 ", "proto")):
            return True
    if rvtools.csv_tab(path):
        return False
    try:
        tables = read_tables(path, check=False, head=HEADER_SCAN_ROWS + 2)  # (headers)
    except Exception:  # the importer that reads it will report the problem properly
        return False
    return any(is_dependency_headers(t.headers) for t in tables) and not any(
        normalize_header(t.sheet) in ("vinfo", "vms") for t in tables
    )


def import_inventory(
    paths: Sequence[Path],
    mapping: ColumnMapping | None = None,
    *,
    app_column: str | None = None,
    app_map: Path | None = None,
    include_templates: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Workloads and applications from inventory files (RVTools or any mapped layout)."""
    with gc_paused(freeze=True):
        return _import_inventory(paths, mapping, app_column, app_map, include_templates, progress)


def _import_inventory(
    paths: Sequence[Path],
    mapping: ColumnMapping | None,
    app_column: str | None,
    app_map: Path | None,
    include_templates: bool,
    progress: Progress | None,
) -> ImportResult:
    progress = progress or NullProgress()
    rv_paths: list[Path] = []
    other: list[Path] = []
    for path in paths:
        if rvtools.csv_tab(path) or (
            path.suffix.lower() in (".xlsx", ".xlsm")
            and any(n.casefold() == "vinfo" for n in _sheet_names(path))
        ):
            rv_paths.append(path)
        else:
            other.append(path)
    result = ImportResult()
    if rv_paths:
        part = rvtools.import_rvtools(
            rv_paths,
            mapping,
            app_column=app_column,
            include_templates=include_templates,
            progress=progress,
        )
        merge_results(result, part)
    if other:
        part = import_generic(
            other,
            mapping,
            app_column=app_column,
            include_templates=include_templates,
            progress=progress,
        )
        merge_results(result, part)
    if app_map is not None:
        names = read_app_map(app_map, progress)
        result.workloads, apps = apply_app_map(result.workloads, names, result.report)
        known = {a.id for a in result.applications}
        result.applications += [a for a in apps if a.id not in known]
        result.report.files.append(str(app_map))
    return result


def _sheet_names(path: Path) -> list[str]:
    """Sheet names of an xlsx from its ``xl/workbook.xml`` (cheap; [] when unreadable - the
    importer then reports the real problem)."""
    import zipfile

    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("xl/workbook.xml")
            if info.file_size > 16 * 1024 * 1024:
                return []
            root = ElementTree.fromstring(zf.read(info))
    except Exception:
        return []
    return [el.get("name", "") for el in root.iter() if el.tag.endswith("}sheet")]
