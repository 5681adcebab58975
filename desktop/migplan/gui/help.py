"""Help > User guide (the guide shipped with the app, shown read-only) and About MigPlan."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from migplan import __version__
from migplan.paths import user_guide_path


def user_guide_text() -> str:
    """The guide's Markdown, or a sentence saying where it should have been."""
    path = user_guide_path()
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        return (
            "# User guide not found\n\n"
            f"MigPlan looked for its user guide at `{path}` and could not read it "
            f"({exc.strerror or exc}). The installation may be incomplete."
        )


class UserGuideDialog(QDialog):
    """The user guide, rendered from Markdown, read-only; links to web pages open outside."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("user-guide-dialog")
        self.setWindowTitle("MigPlan user guide")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("user-guide")
        self.browser.setOpenExternalLinks(True)
        # The guide is ours, but rendered as Markdown only: no HTML from it is interpreted.
        self.browser.setMarkdown(user_guide_text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(780, 700)


def about_box(parent: QWidget) -> QMessageBox:
    """About MigPlan: the version, what it is, where its log and presets are."""
    from migplan.crashlog import data_dir

    box = QMessageBox(parent)
    box.setObjectName("about-box")
    box.setWindowTitle("About MigPlan")
    box.setIcon(QMessageBox.Icon.Information)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(f"MigPlan {__version__}")
    box.setInformativeText(
        "Offline planning of VM estate migrations to containers and KubeVirt, wave by wave.\n\n"
        f"Your data folder, with the log and the settings presets:\n{data_dir()}"
    )
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box
