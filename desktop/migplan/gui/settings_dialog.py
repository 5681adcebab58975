"""Plan > Settings: every assumption the planner and risk use, with units, defaults and
meanings, checked by the settings model itself as the user types.

The dialog never keeps rules of its own: the values go through ``PlanSettings``'s
validation, and a value it refuses is explained next to its field, with OK disabled. OK
applies the change as one undo step named after what changed ("Change link bandwidth").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from migplan.core.commands import SetSettings
from migplan.core.errors import MigPlanError
from migplan.core.settings import PlanSettings
from migplan.core.settings_fields import (
    CALENDAR,
    CAPACITY,
    FIELDS,
    LICENCES,
    LINK,
    PEOPLE,
    RAMP,
    RISK,
    TARGET,
    SettingField,
    change_label,
    set_path,
)
from migplan.gui.dialogs import Ask
from migplan.gui.session import DocumentSession
from migplan.gui.settings_tables import FreezeEditor, GpuPoolEditor, ListEditor, NodePoolEditor
from migplan.gui.style import plain_tooltip

#: Sub-headings inside a tab, before the field with this path.
SECTIONS = {
    "capacity.workloads.start": "Workloads per wave",
    "capacity.vcpu_ramp.start": "The limits of the Capacity tab, as a share of each",
    "capacity.vcpu": "Limits per wave (the Ramp tab makes the first waves smaller)",
    "capacity.engineers": "Engineers' time per wave",
    "planner.start_date": "Wave dates",
    "planner.cutover_window_hours": "Cutover and rollback of each new wave",
    "planner.pilot_waves": "Planning rules",
    "risk.band_medium": "Risk bands",
    "target.headroom": "Nodes",
    "target.vm_overhead.fixed_mib": "What a KubeVirt VM takes beyond its own memory",
    "target.read_gbps_per_gpu.ai-gpu": "Storage that can feed the GPUs",
    "risk.workload_weights.F1": "What makes a workload risky: the weight of each factor "
    "(relative: each counts by its share of the total)",
    "risk.phase_weights.C1": "What makes a wave risky beyond its workloads: the weight of each",
}


def presets_dir() -> Path:
    """Settings presets live in the user's data folder (``MIGPLAN_DATA_DIR`` moves it)."""
    from migplan.crashlog import data_dir

    return data_dir() / "presets" / "settings"


def format_value(field: SettingField, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if field.percent:
        value = value * 100
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _default_text(field: SettingField) -> str:
    default = field.default()
    if field.choices:
        return next((label for value, label in field.choices if value == default), str(default))
    text = format_value(field, default)
    if not text:
        return "none" if field.date else "no limit"
    # "% of the limit" reads "%"; "per core-year" stays whole; one "years" is a "year".
    unit = field.unit if field.unit.startswith("per ") else field.unit.split(" ")[0]
    if text == "1" and unit.endswith("s") and "/" not in unit:
        unit = unit[:-1]
    return f"{text} {unit}".strip() if unit not in ("", "points") else text


def _parse(field: SettingField, text: str) -> Any:
    """The value ``text`` stands for; ValueError with a plain message when it is none."""
    text = text.strip()
    if not text:
        if field.optional:
            return None
        raise ValueError("needs a value")
    if field.date:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError("is not a date: write it as YYYY-MM-DD") from None
    unit = field.unit.split(" ")[0]
    if unit and text.endswith(unit):
        text = text.removesuffix(unit).strip()
    try:
        number = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise ValueError("is not a number") from None
    if field.percent:
        number /= 100
    return int(number) if number.is_integer() and not field.percent else number


def _plain(message: str) -> str:
    """A pydantic message as a sentence for the person typing."""
    message = message.removeprefix("Value error, ")
    message = message.replace("Input should be", "Must be")
    return message[:1].upper() + message[1:]


_BOUNDS = {
    "greater_than": ("gt", "Must be more than"),
    "greater_than_equal": ("ge", "Must be at least"),
    "less_than": ("lt", "Must be less than"),
    "less_than_equal": ("le", "Must be at most"),
}


def _bound_message(field: SettingField, err: Any) -> str:
    """A bound the model refused, said in the field's own unit ("Must be at most 100 %");
    "" for any other refusal."""
    return _bound_text(err, field.unit.split(" ")[0], field.percent)


def _bound_text(err: Any, unit: str, percent: bool) -> str:
    kind = _BOUNDS.get(str(err.get("type")))
    ctx = err.get("ctx") or {}
    if kind is None or kind[0] not in ctx:
        return ""
    bound = float(ctx[kind[0]]) * (100 if percent else 1)
    text = f"{bound:.2f}".rstrip("0").rstrip(".")
    return f"{kind[1]} {text} {unit}".strip() + "."


class FieldRow(QWidget):
    """One value: its editor and unit on a line, its meaning and default in grey, and what
    the settings model refuses in red under it."""

    def __init__(self, field: SettingField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.edit = QLineEdit(self)
        self.edit.setObjectName(f"setting-{field.path}")
        self.edit.setAccessibleName(field.label)
        self.edit.setMaximumWidth(150)
        #: A field with choices is a drop-down instead of the line edit (which stays hidden).
        self.choice: QComboBox | None = None
        if field.choices:
            self.choice = QComboBox(self)
            self.choice.setObjectName(f"setting-{field.path}")
            self.choice.setAccessibleName(field.label)
            for value, label in field.choices:
                self.choice.addItem(label, value)
            self.edit.hide()
        if field.date:
            self.edit.setPlaceholderText("YYYY-MM-DD")
        elif field.optional:
            self.edit.setPlaceholderText("no limit")
        default = _default_text(field)
        self.edit.setToolTip(plain_tooltip(f"{field.meaning}\nDefault: {default}."))
        if self.choice is not None:
            self.choice.setToolTip(self.edit.toolTip())
        self.unit = QLabel(field.unit, self)
        self.unit.setObjectName("settings-unit")
        self.help = QLabel(f"{field.meaning} Default: {default}.", self)
        self.help.setObjectName("settings-help")
        self.help.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setObjectName("settings-field-error")
        self.error.setWordWrap(True)
        self.error.hide()
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.edit)
        if self.choice is not None:
            line.addWidget(self.choice)
        line.addWidget(self.unit)
        line.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        layout.addLayout(line)
        layout.addWidget(self.error)
        layout.addWidget(self.help)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def chosen(self) -> Any:
        assert self.choice is not None
        return self.choice.currentData()

    def choose(self, value: Any) -> None:
        assert self.choice is not None
        self.choice.blockSignals(True)
        self.choice.setCurrentIndex(
            next((i for i, (v, _l) in enumerate(self.field.choices) if v == value), 0)
        )
        self.choice.blockSignals(False)


class SettingsDialog(QDialog):
    """Edits a copy of a plan's settings; ``settings()`` is the validated result."""

    def __init__(
        self, settings: PlanSettings, presets: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settings-dialog")
        self.setWindowTitle("Plan settings")
        self.presets = presets
        self._base = settings
        self._texts: dict[str, str] = {}
        self._result: PlanSettings | None = settings
        self.rows: dict[str, FieldRow] = {}
        self.gpu_pools = GpuPoolEditor(self)
        self.freezes = FreezeEditor(self)
        self.node_pools = NodePoolEditor(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settings-tabs")
        self.tabs.addTab(self._form(CAPACITY), "Capacity")
        self.tabs.addTab(self._form(RAMP), "Ramp")
        self.tabs.addTab(self._form(PEOPLE), "People")
        self.tabs.addTab(self._form(LINK), "Network link")
        calendar = self._form(CALENDAR)
        self.tabs.addTab(calendar, "Calendar and rules")
        self.tabs.addTab(self.freezes, "Freeze periods")
        self.tabs.addTab(self.gpu_pools, "GPU pools")
        self.tabs.addTab(self.node_pools, "Target")
        self.tabs.addTab(self._form(TARGET), "Target sizing")
        self.tabs.addTab(self._form(RISK), "Risk")
        self.tabs.addTab(self._form(LICENCES), "Licences and costs")
        #: The tables of rows, each at its place in the settings (``ListEditor.path``).
        self.lists: tuple[ListEditor, ...] = (self.gpu_pools, self.freezes, self.node_pools)
        for editor in self.lists:
            editor.edited.connect(self._revalidate)

        self.general_error = QLabel(self)
        self.general_error.setObjectName("settings-error")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.save_preset_button = QPushButton("Save as preset…", self)
        self.save_preset_button.setObjectName("settings-save-preset")
        self.save_preset_button.setToolTip(
            "Keep these assumptions under a name, to load into other plans."
        )
        self.save_preset_button.clicked.connect(self._on_save_preset_clicked)
        self.load_preset_button = QToolButton(self)
        self.load_preset_button.setObjectName("settings-load-preset")
        self.load_preset_button.setText("Load preset")
        self.load_preset_button.setToolTip(
            "Fill the fields from a saved preset; this plan's name and notes stay."
        )
        self.load_preset_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.preset_menu = QMenu(self.load_preset_button)
        self.preset_menu.setObjectName("settings-preset-menu")
        self.preset_menu.aboutToShow.connect(self._fill_preset_menu)
        self.load_preset_button.setMenu(self.preset_menu)
        self.preset_note = QLabel(self)
        self.preset_note.setObjectName("settings-preset-note")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_preset_button)
        bottom.addWidget(self.load_preset_button)
        bottom.addWidget(self.preset_note)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.general_error)
        layout.addLayout(bottom)
        self.load(settings)
        # Tall enough for the Capacity tab without scrolling, and wide enough for every
        # tab's title, where the screen allows it.
        screen = self.screen().availableGeometry() if self.screen() else None
        bar = self.tabs.tabBar()
        titles = sum(bar.tabSizeHint(i).width() for i in range(bar.count())) + 40
        width = min(max(980, titles), screen.width() - 40) if screen else 980
        self.resize(width, min(700, screen.height() - 60) if screen else 700)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _form(self, group: str) -> QScrollArea:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for field in FIELDS:
            if field.group != group:
                continue
            if field.path in SECTIONS:
                title = QLabel(SECTIONS[field.path], page)
                title.setObjectName("settings-section")
                form.addRow(title)
            row = FieldRow(field, page)
            row.edit.textChanged.connect(self._revalidate)
            if row.choice is not None:
                row.choice.currentIndexChanged.connect(self._revalidate)
            label = QLabel(f"{field.label}:", page)
            label.setBuddy(row.choice or row.edit)
            form.addRow(label, row)
            self.rows[field.path] = row
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        return scroll

    # -- values -------------------------------------------------------------------------

    def load(self, settings: PlanSettings) -> None:
        """Show ``settings`` in every field (a value left as shown is kept exactly)."""
        self._base = settings
        for path, row in self.rows.items():
            if row.choice is not None:
                row.choose(row.field.read(settings))
            text = format_value(row.field, row.field.read(settings))
            self._texts[path] = text
            row.edit.blockSignals(True)
            row.edit.setText(text)
            row.edit.blockSignals(False)
        self.gpu_pools.set_pools(settings.gpu_pools)
        self.freezes.set_freezes(settings.freeze_periods)
        self.node_pools.set_clusters(settings.target.clusters)
        self._revalidate()

    def settings(self) -> PlanSettings | None:
        """The settings as edited, or None while the model refuses a value."""
        return self._result

    def _revalidate(self, *_args: object) -> None:
        errors: dict[str, str] = {}
        data = self._base.model_dump()
        for path, row in self.rows.items():
            if row.choice is not None:
                if row.chosen() != row.field.read(self._base):
                    set_path(data, path, row.chosen())
                continue
            text = row.edit.text()
            if text.strip() == self._texts[path].strip():
                continue  # as shown: the stored value, to the last digit
            try:
                value = _parse(row.field, text)
            except ValueError as exc:
                errors[path] = f"{row.field.label} {exc}."
                continue
            set_path(data, path, value)
        for editor in self.lists:
            set_path(data, editor.path, editor.values())
        self._result = None
        lists: dict[ListEditor, list[str]] = {editor: [] for editor in self.lists}
        general: list[str] = []
        if not errors:
            try:
                self._result = PlanSettings.model_validate(data)
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    self._place(err, errors, lists, general)
        for path, row in self.rows.items():
            row.show_error(errors.get(path, ""))
        for editor, found in lists.items():
            editor.show_error("\n".join(found))
        self.general_error.setText("\n".join(general))
        self.general_error.setVisible(bool(general))
        self.ok_button.setEnabled(self._result is not None)
        self.save_preset_button.setEnabled(self._result is not None)
        self._mark_tabs(errors, lists)

    def _place(
        self,
        err: Any,
        errors: dict[str, str],
        lists: dict[ListEditor, list[str]],
        general: list[str],
    ) -> None:
        """Put one refusal of the model next to the field it concerns."""
        loc = [str(p) for p in err["loc"]]
        message = _plain(str(err["msg"]))
        for editor in self.lists:
            prefix = editor.path.split(".")
            if loc[: len(prefix)] != prefix:
                continue
            row, key = editor.locate(loc[len(prefix) :])
            where = f"Row {row + 1}" if row is not None else ""
            column = editor.header_of(key) if key else ""
            text = _bound_text(err, "", percent=False) or message
            lists[editor].append(", ".join(p for p in (where, column) if p) + f": {text}")
            return
        path = ".".join(loc)
        if path in self.rows:
            errors.setdefault(path, _bound_message(self.rows[path].field, err) or message)
            return
        # A rule across fields (the ramp's first wave within its maximum): its first field.
        inside = [p for p in self.rows if p.startswith(path + ".")] if path else []
        if inside:
            errors.setdefault(inside[0], message)
            return
        general.append(f"{path}: {message}" if path else message)

    def _mark_tabs(self, errors: dict[str, str], lists: dict[ListEditor, list[str]]) -> None:
        bad_pages = {self.tabs.indexOf(editor) for editor, found in lists.items() if found}
        for path in errors:
            page = self.rows[path]
            for i in range(self.tabs.count()):
                tab = self.tabs.widget(i)
                if tab is not None and tab.isAncestorOf(page):
                    bad_pages.add(i)
        for i in range(self.tabs.count()):
            text = self.tabs.tabText(i).removesuffix(" ⚠")
            self.tabs.setTabText(i, f"{text} ⚠" if i in bad_pages else text)

    def accept(self) -> None:
        if self._result is not None:
            super().accept()

    # -- presets ------------------------------------------------------------------------

    def _fill_preset_menu(self) -> None:
        from migplan.io.settings_presets import list_presets

        self.preset_menu.clear()
        names = list_presets(self.presets)
        for name in names:
            action = self.preset_menu.addAction(name)
            action.triggered.connect(lambda _c=False, n=name: self.load_preset(n))
        if not names:
            empty = self.preset_menu.addAction("No presets saved yet")
            empty.setEnabled(False)

    def load_preset(self, name: str) -> bool:
        """Fill the fields from preset ``name``; a broken file is named, nothing changes."""
        from migplan.io.settings_presets import apply_preset, preset_path

        try:
            loaded = apply_preset(self._base, preset_path(self.presets, name))
        except MigPlanError as exc:
            Ask.show_error(self, "Cannot load preset", str(exc))
            return False
        self.load(loaded)
        self.preset_note.setText(f"Loaded preset “{name}”: press OK to apply it")
        return True

    def _on_save_preset_clicked(self) -> None:
        from migplan.io.settings_presets import save_preset

        current = self.settings()
        if current is None:
            return
        name = Ask.text(self, "Save settings as preset", "Preset name:")
        if not name:
            return
        try:
            path = save_preset(self.presets, name, current)
        except MigPlanError as exc:
            Ask.show_error(self, "Cannot save preset", str(exc))
            return
        self.preset_note.setText(f"Saved as preset “{path.stem}”")


def open_settings_dialog(
    parent: QWidget, session: DocumentSession, message: Callable[[str], None]
) -> SettingsDialog:
    """Open the dialog (window-modal, not blocking); OK applies it as one undo step."""
    dialog = SettingsDialog(session.doc.settings, presets_dir(), parent)

    def apply() -> None:
        old = session.doc.settings
        new = dialog.settings()
        if new is None or new == old:
            message("Settings unchanged")
            return
        label = change_label(old, new)
        try:
            session.execute(SetSettings(new, label))
        except MigPlanError as exc:
            Ask.show_error(parent, "Cannot change the settings", str(exc))
            return
        message(f"{label}: risk and capacity re-assessed")

    dialog.accepted.connect(apply)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


__all__ = ["ListEditor", "SettingsDialog", "open_settings_dialog", "presets_dir"]
