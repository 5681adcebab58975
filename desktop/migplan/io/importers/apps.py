"""Applications for imported workloads: from a column of the inventory (a custom attribute
such as ``Application`` or ``Business Service``) or from a separate workload-to-application
sheet or CSV. Application ids derive from the name, so re-imports find the same application."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from migplan.core.ids import AppId, app_id
from migplan.core.models import Application, Workload
from migplan.core.progress import Progress
from migplan.io.errors import ImportFormatError
from migplan.io.importers.report import ImportReport
from migplan.io.tables import Table, read_tables

#: Columns tried, in order, when no application column is chosen.
DEFAULT_APP_COLUMNS = ("Application", "App", "Business Service", "Service")
#: Columns naming the workload in a workload-to-application table.
WORKLOAD_COLUMNS = ("VM", "VM Name", "Server name", "Server", "Workload", "Hostname", "Host name",
                    "MachineName", "Name", "Machine", "CI name")  # fmt: skip
_MULTI_RE = re.compile(r"\s*[,;]\s*")


def pick_app_column(table: Table, chosen: str | None) -> str | None:
    """The header of the application column: ``chosen`` (which must exist), else the first
    default present, else None."""
    if chosen:
        idx = table.column(chosen)
        if idx is None:
            raise ImportFormatError(
                table.path,
                f"the application column {chosen!r} is not in the sheet; headers found: "
                + ", ".join(h for h in table.headers if h.strip()),
                sheet=table.message_sheet,
            )
        return table.headers[idx]
    idx = table.column(*DEFAULT_APP_COLUMNS, "Applications")
    return table.headers[idx] if idx is not None else None


def app_name_of(value: object, report: ImportReport, where: tuple[str, str, int, str]) -> str:
    """The application named by a cell; with several (AWS ``"a, b"``) the first, reported."""
    text = str(value or "").strip()
    if not text:
        return ""
    parts = [p for p in _MULTI_RE.split(text) if p]
    if len(parts) > 1:
        file, sheet, row, column = where
        report.warn(
            f"several applications listed; the workload joins {parts[0]!r} (the cell is kept)",
            file, sheet, row, column, text,
        )  # fmt: skip
    return parts[0][:400] if parts else ""


def application_for(name: str) -> Application:
    return Application(id=app_id(name.casefold()), name=name)


def read_app_map(
    path: Path, progress: Progress | None = None, app_column: str | None = None
) -> dict[str, str]:
    """Workload name (casefolded) -> application name, from a two-column sheet or CSV."""
    tables = read_tables(path, progress=progress)
    table = tables[0]
    wl_idx = table.column(*WORKLOAD_COLUMNS)
    app_header = pick_app_column(table, app_column)
    if wl_idx is None or app_header is None:
        raise ImportFormatError(
            path,
            "a workload-to-application table needs a workload column ("
            + ", ".join(WORKLOAD_COLUMNS[:4])
            + ") and an application column ("
            + ", ".join(DEFAULT_APP_COLUMNS)
            + "); headers found: "
            + ", ".join(h for h in table.headers if h.strip()),
            sheet=table.message_sheet,
        )
    app_idx = table.headers.index(app_header)
    out: dict[str, str] = {}
    for row in table.rows:
        name = str(Table.cell(row, wl_idx)).strip()
        app = str(Table.cell(row, app_idx)).strip()
        if name and app:
            out[name.casefold()] = app[:400]
    return out


def apply_app_map(
    workloads: Sequence[Workload], mapping: dict[str, str], report: ImportReport
) -> tuple[list[Workload], list[Application]]:
    """Workloads with ``application_id`` set from ``mapping`` (by name or DNS name)."""
    apps: dict[AppId, Application] = {}
    out: list[Workload] = []
    matched: set[str] = set()
    for wl in workloads:
        app = mapping.get(wl.name.casefold()) or mapping.get(wl.dns_name.casefold())
        if not app:
            out.append(wl)
            continue
        matched.add(wl.name.casefold() if wl.name.casefold() in mapping else wl.dns_name.casefold())
        application = application_for(app)
        apps.setdefault(application.id, application)
        out.append(wl.model_copy(update={"application_id": application.id}))
    unmatched = sorted(set(mapping) - matched)
    if unmatched:
        report.warn(
            f"{len(unmatched)} workload(s) in the application map match no imported workload: "
            + ", ".join(unmatched[:10])
            + (" ..." if len(unmatched) > 10 else ""),
            "application map",
        )
    return out, list(apps.values())
