"""What an empty plan shows instead of empty tables: how to start."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from migplan.paths import examples_dir

#: The example a first-time user opens: waves proposed for a 420-workload estate.
EXAMPLE_PLAN = "northwind-plan.migplan"


class FirstStepsPanel(QWidget):
    """Import, open the example, or read the guide; the window connects the signals."""

    import_requested = Signal()
    example_requested = Signal(object)  # Path
    open_requested = Signal()
    guide_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first-steps")
        card = QFrame(self)
        card.setObjectName("first-steps-card")
        card.setFixedWidth(600)
        title = QLabel("Start a migration plan", card)
        title.setObjectName("first-steps-title")
        # Lines broken by hand: a word-wrapped label in a centred card is given too little
        # height by the layout, and its last line was cut.
        intro = QLabel(
            "This plan is empty. Bring in the machines to migrate,\n"
            "or look around a finished example first.",
            card,
        )
        self.import_button = QPushButton(
            "Import an inventory (RVTools, CSV, Excel, Azure Migrate…)", card
        )
        self.import_button.setObjectName("first-steps-import")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.import_requested)
        self.example_path = examples_dir() / EXAMPLE_PLAN
        self.example_button = QPushButton("Open an example plan (420 workloads in waves)", card)
        self.example_button.setObjectName("first-steps-example")
        self.example_button.setEnabled(self.example_path.is_file())
        self.example_button.clicked.connect(lambda: self.example_requested.emit(self.example_path))
        self.open_button = QPushButton("Open a plan file…", card)
        self.open_button.setObjectName("first-steps-open")
        self.open_button.clicked.connect(self.open_requested)
        self.guide_button = QPushButton("Read the user guide", card)
        self.guide_button.setObjectName("first-steps-guide")
        self.guide_button.clicked.connect(self.guide_requested)
        hint = QLabel(
            "You can also drop export files onto this window.\n"
            "After an import, Plan > Propose waves packs the workloads into waves;\n"
            "Plan > Settings holds what it assumes (link speed, capacity, dates).",
            card,
        )
        hint.setObjectName("first-steps-hint")
        inner = QVBoxLayout(card)
        inner.setSpacing(10)
        inner.addWidget(title)
        inner.addWidget(intro)
        for button in (self.import_button, self.example_button, self.open_button):
            button.setMinimumHeight(38)
            inner.addWidget(button)
        inner.addWidget(hint)
        inner.addWidget(self.guide_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
