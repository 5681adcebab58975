"""File > Print… and File > Print Preview…: the phase plan PDF's own pages through Qt's
print dialogs, so paper and PDF never differ.

The PDF is written on a worker (``wait_for``: the window turns, Cancel works) to a temporary
file from a snapshot of the plan, then each page is rasterised with PDFium (``pypdfium2``:
PySide6-Essentials has no QtPdf, and poppler is not bundled) and drawn onto the printer,
scaled to its page. A print preview dialog redraws them as often as it likes.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog

from migplan.core.progress import Progress
from migplan.gui.tasks import wait_for

if TYPE_CHECKING:
    from migplan.gui.main_window import MainWindow

#: Dots per inch pages are rasterised at: sharp on paper, quick enough for a preview.
PRINT_DPI = 200


def paper_of(printer: QPrinter) -> str:
    """The report's paper for ``printer``: Letter when it prints on Letter, else A4."""
    size = printer.pageLayout().pageSize().id()
    return "letter" if size == QPageSize.PageSizeId.Letter else "a4"


def paint_pages(printer: QPrinter, pdf: Path, dpi: int = PRINT_DPI) -> int:
    """Draw every page of ``pdf`` onto ``printer``, one page each; return how many."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    painter = QPainter()
    if not painter.begin(printer):
        document.close()
        return 0
    count = 0
    try:
        for i in range(len(document)):
            page = document[i]
            bitmap = page.render(scale=dpi / 72.0, prefer_bgrx=True, rev_byteorder=True)
            image = QImage(
                bitmap.buffer,
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGBX8888,
            )
            if i:
                printer.newPage()
            target = QRectF(painter.viewport())
            scale = min(target.width() / image.width(), target.height() / image.height())
            w, h = image.width() * scale, image.height() * scale
            painter.drawImage(
                QRectF(target.x() + (target.width() - w) / 2, target.y(), w, h), image
            )
            count += 1
            del image
            bitmap.close()
            page.close()
    finally:
        painter.end()
        document.close()
    return count


class ReportPrinter:
    """Renders the open plan's phase plan and hands its pages to Qt's print dialogs."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.pdf: Path | None = None
        self._dir: str | None = None
        self.preview_dialog: QPrintPreviewDialog | None = None

    def render(self, paper: str) -> Path | None:
        """Write the phase plan PDF on a worker; None if cancelled or failed (said)."""
        from migplan.gui.dialogs import Ask
        from migplan.io.reports.data import build_report
        from migplan.io.reports.pdf import write_pdf

        window = self.window
        doc, report = window.report_snapshot()
        self.cleanup()
        self._dir = tempfile.mkdtemp(prefix="migplan-print-")
        out = Path(self._dir) / "phase-plan.pdf"

        def work(progress: Progress) -> Path:
            write_pdf(doc, out, report or build_report(doc), paper=paper)
            return out

        outcome = wait_for(
            work, window, "Print", "Preparing the phase plan…", what="Preparing the print"
        )
        if outcome.error:
            Ask.show_error(window, "Cannot print", outcome.error)
            return None
        if outcome.cancelled:
            return None
        self.pdf = out
        return out

    def _printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        printer.setDocName(f"Phase plan: {self.window.session.doc.settings.name}")
        return printer

    def print_(self) -> bool:
        """File > Print…: the system's print dialog, then the pages."""
        printer = self._printer()
        dialog = QPrintDialog(printer, self.window)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
        pdf = self.render(paper_of(printer))
        if pdf is None:
            return False
        paint_pages(printer, pdf)
        return True

    def preview(self) -> QPrintPreviewDialog | None:
        """File > Print Preview…: the pages in Qt's preview (window-modal, not blocking)."""
        printer = self._printer()
        pdf = self.render(paper_of(printer))
        if pdf is None:
            return None
        dialog = QPrintPreviewDialog(printer, self.window)
        dialog.setObjectName("print-preview")
        dialog.setWindowTitle("Print preview — phase plan")
        dialog.paintRequested.connect(lambda p: paint_pages(p, pdf, dpi=110))
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _r: self.cleanup())
        self.preview_dialog = dialog
        dialog.open()
        return dialog

    def cleanup(self) -> None:
        """Remove the temporary PDF."""
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
        self._dir = None
        self.pdf = None
