"""Errors raised while reading files from outside: each names the file, and where it applies the
sheet, row and column, so a user can open the file and see the problem."""

from __future__ import annotations

from pathlib import Path

from migplan.core.errors import MigPlanError


class ImportFormatError(MigPlanError):
    """A file that cannot be imported; nothing was changed.

    ``str()`` reads ``<file>, sheet <s>, row <r>, column <c>: <problem>`` with the parts that
    are known, which is the one line the CLI prints and the GUI shows.
    """

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        sheet: str = "",
        row: int = 0,
        column: str = "",
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.sheet = sheet
        self.row = row
        self.column = column
        super().__init__(f"{self.where}: {problem}")

    @property
    def where(self) -> str:
        parts = [str(self.path)]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)


#: Kept for the name used in early notes; prefer ``ImportFormatError``.
ImportError_ = ImportFormatError
