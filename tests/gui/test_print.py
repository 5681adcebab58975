"""File > Print Preview… shows the phase plan PDF's own pages: a preview printed to a PDF
file has as many pages as `migplan report` writes for the same plan."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

from migplan.gui.main_window import MainWindow
from migplan.io.reports.pdf import write_pdf


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(info.stdout.split("Pages:")[1].split()[0])


def test_print_preview_paints_the_pdf_pages(
    qtbot: Any, window: MainWindow, example_copy: Path, tmp_path: Path
) -> None:
    assert window.open_path(example_copy, ask=False)
    assert window.print_preview_action in window.file_menu.actions()
    assert window.print_action in window.file_menu.actions()
    window.print_preview_action.trigger()
    dialog = window.report_printer.preview_dialog
    assert isinstance(dialog, QPrintPreviewDialog)
    qtbot.waitUntil(dialog.isVisible)
    rendered = window.report_printer.pdf
    assert rendered is not None and rendered.exists()

    out = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    dialog.paintRequested.emit(printer)

    reference = tmp_path / "reference.pdf"
    write_pdf(window.session.doc, reference)
    assert pages(out) == pages(rendered) == pages(reference)
    dialog.reject()
    qtbot.waitUntil(lambda: window.report_printer.pdf is None)
    assert not rendered.exists(), "the temporary PDF is removed with the preview"


def test_print_sends_the_pdf_pages_to_the_printer(
    qtbot: Any, window: MainWindow, example_copy: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    from PySide6.QtPrintSupport import QPrintDialog

    from migplan.gui.print_report import ReportPrinter

    assert window.open_path(example_copy, ask=False)
    out = tmp_path / "printed.pdf"

    def printer(self: ReportPrinter) -> QPrinter:
        p = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        p.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        p.setOutputFileName(str(out))
        return p

    monkeypatch.setattr(ReportPrinter, "_printer", printer)
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QPrintDialog.DialogCode.Accepted)
    window.print_action.trigger()
    rendered = window.report_printer.pdf
    assert rendered is not None
    assert pages(out) == pages(rendered)
    window.report_printer.cleanup()
