"""The details of the selected workload: its migration blockers (each with its rule id, why it
matters, what to fix first and the cell it was read from), its class and the evidence for it,
every field, every kept column, and where each came from. Read-only; edits happen in the table
(and its context menu) so they stay undoable in one place. Every text here is plain text: much
of it quotes imported files."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from migplan.core.blockers import blocker_rule, ordered
from migplan.core.changes import ChangeSummary
from migplan.core.enums import EntityKind
from migplan.core.errors import field_label
from migplan.core.ids import WorkloadId
from migplan.core.models import SourceRef, Workload
from migplan.gui.analysis import AnalysisService
from migplan.gui.provenance_view import OriginsSection
from migplan.gui.session import DocumentSession
from migplan.gui.style import plain_tooltip

#: Waves or applications listed at most in a selection's summary.
SUMMARY_ROWS = 50

_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("source_system", "Source system"),
    ("source_key", "Source key"),
    ("power_state", "Power state"),
    ("is_template", "Template"),
    ("os_reported", "OS (as reported)"),
    ("os_family", "OS family"),
    ("os_distro", "OS distribution"),
    ("os_version", "OS version"),
    ("vcpu", "vCPU"),
    ("memory_mib", "Memory (MiB)"),
    ("storage_provisioned_mib", "Provisioned storage (MiB)"),
    ("storage_used_mib", "Used storage (MiB)"),
    ("ips", "IP addresses"),
    ("dns_name", "DNS name"),
    ("datacenter", "Datacenter"),
    ("cluster", "Cluster"),
    ("host", "Host"),
    ("environment", "Environment"),
    ("criticality", "Criticality"),
    ("owner", "Owner"),
    ("tags", "Tags"),
    ("gpu", "GPU"),
    ("notes", "Notes"),
)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "value"):
        return str(value.value)
    if hasattr(value, "model_dump"):
        return ", ".join(
            f"{k}: {v}" for k, v in value.model_dump(mode="json").items() if v not in ("", 0, None)
        )
    return str(value)


class DetailsPanel(QWidget):
    def __init__(
        self,
        session: DocumentSession,
        parent: QWidget | None = None,
        analysis: AnalysisService | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._analysis = analysis
        self._workload_id: str | None = None
        #: The workloads summed up when several are selected (empty otherwise).
        self._selection: list[str] = []
        self.title = QLabel("Select a workload to see its details", self)
        self.title.setObjectName("details-title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        # The class and its evidence: sentences, so a label that wraps rather than a tree
        # row that cuts them off. Plain text: reasons quote names from imported files.
        self.workload_class = QLabel(self)
        self.workload_class.setObjectName("details-class")
        self.workload_class.setTextFormat(Qt.TextFormat.PlainText)
        self.workload_class.setWordWrap(True)
        self.workload_class.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.workload_class.hide()
        # What blocks the move, in sentences that wrap (the tree below has every detail).
        self.blockers = QLabel(self)
        self.blockers.setObjectName("details-blockers")
        self.blockers.setTextFormat(Qt.TextFormat.PlainText)
        self.blockers.setWordWrap(True)
        self.blockers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.blockers.setFrameShape(QFrame.Shape.StyledPanel)
        self.blockers.setContentsMargins(6, 4, 6, 4)
        self.blockers.hide()
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("details-tree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Field", "Value"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        self.tree.setColumnWidth(0, 130)
        self.tree.setIndentation(12)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.workload_class)
        layout.addWidget(self.blockers)
        layout.addWidget(self.tree, 3)
        # Where each value came from: its own section (gui/provenance_view.py).
        self.origins = OriginsSection({**dict(_FIELDS), "application_id": "Application"}, _text)
        layout.addWidget(self.origins, 2)
        session.changed.connect(self._on_session_changed)
        session.reset.connect(lambda: self.show_workload(None))
        if analysis is not None:
            # The class may change after any edit of the graph, not only of this workload.
            analysis.updated.connect(self._on_analysis_updated)

    def show_selection(self, ids: Sequence[str]) -> None:
        """Follow the table's selection: one workload's details, or a summary of several."""
        if len(ids) > 1:
            self.show_summary(ids)
        else:
            self.show_workload(ids[0] if ids else None)

    def show_summary(self, ids: Sequence[str]) -> None:
        """Several workloads: how many, their size with units, the waves and applications
        they span (``selection_summary``)."""
        from migplan.gui.selection_summary import selection_rows

        self._workload_id = None
        self._selection = list(ids)
        self.tree.clear()
        self.origins.show_workload(None, self._application_name)
        self.workload_class.hide()
        self.blockers.hide()
        self.title.setText(f"{len(ids):,} workloads selected")
        for title, rows in selection_rows(self._session.doc, ids):  # type: ignore[arg-type]
            group = QTreeWidgetItem(self.tree, [title, ""])
            group.setFirstColumnSpanned(True)
            for label, value in rows[:SUMMARY_ROWS]:
                item = QTreeWidgetItem(group, [label, value])
                item.setToolTip(0, plain_tooltip(label))
            if len(rows) > SUMMARY_ROWS:
                QTreeWidgetItem(group, [f"… and {len(rows) - SUMMARY_ROWS:,} more", ""])
        self.tree.expandAll()
        # Labels and names of waves and applications, not field names: as wide as they are.
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, min(max(self.tree.columnWidth(0), 130), 240))

    def show_workload(self, workload_id: str | None) -> None:
        self._workload_id = workload_id
        self._selection = []
        self.tree.clear()
        self.tree.setColumnWidth(0, 130)
        wl = self._session.doc.workloads.get(workload_id) if workload_id else None  # type: ignore[arg-type]
        self.origins.show_workload(wl, self._application_name)
        if wl is None:
            self.title.setText("Select a workload to see its details")
            self.workload_class.hide()
            return
        self.title.setText(wl.name)
        self._show_class(wl)
        self._fill(wl)

    def _application_name(self, app_id: str) -> str:
        app = self._session.doc.applications.get(app_id)  # type: ignore[call-overload]
        return app.name if app is not None else app_id

    def _show_class(self, wl: Workload) -> None:
        assessment = self._analysis.assessment if self._analysis else None
        found = assessment.classes.get(wl.id) if assessment else None
        if assessment is None or found is None:
            self.workload_class.setVisible(self._analysis is not None)
            self.workload_class.setText("Workload class: being worked out…")
            return
        label = found.workload_class.label
        if found.overridden:
            lines = [f"Workload class: {label} — set by you"]
            evidence = assessment.evidence_class(WorkloadId(wl.id))
            if evidence.workload_class is not found.workload_class:
                lines.append(f"From the evidence it would be {evidence.workload_class.label}:")
            else:
                lines.append("The evidence agrees:")
            lines += [f"• {r}" for r in evidence.reasons]
        else:
            lines = [f"Workload class: {label} — automatic, from the evidence:"]
            lines += [f"• {r}" for r in found.reasons]
        lines.append("To change it: right-click the workload in the table, then Workload class.")
        self.workload_class.setText("\n".join(lines))
        self.workload_class.show()

    def _fill(self, wl: Workload) -> None:
        groups = []
        self.blockers.setVisible(bool(wl.blockers))
        if wl.blockers:
            groups.append(self._fill_blockers(wl))
            self.blockers.setText(_blockers_text(wl))
        fields = QTreeWidgetItem(self.tree, ["Inventory fields", ""])
        for name, label in _FIELDS:
            value = _text(getattr(wl, name))
            if value not in ("", "unknown", "False"):
                QTreeWidgetItem(fields, [label, value]).setToolTip(1, plain_tooltip(value))
        kept = QTreeWidgetItem(
            self.tree, [f"Imported columns kept as attributes ({len(wl.attributes)})", ""]
        )
        for key in sorted(wl.attributes, key=str.casefold):
            value = _text(wl.attributes[key])
            QTreeWidgetItem(kept, [key, value]).setToolTip(1, plain_tooltip(value))
        sources = QTreeWidgetItem(self.tree, [f"Sources ({len(wl.sources)})", ""])
        for ref in wl.sources:
            item = QTreeWidgetItem(sources, [_gave(ref), ref.describe()])
            item.setToolTip(0, plain_tooltip(", ".join(field_label(f) for f in ref.fields)))
            item.setToolTip(1, plain_tooltip(ref.describe()))
        if not wl.sources:
            QTreeWidgetItem(sources, ["—", "not imported (generated or entered by hand)"])
        for group in (*groups, fields, kept, sources):
            group.setFirstColumnSpanned(True)
        self.tree.expandAll()

    def _fill_blockers(self, wl: Workload) -> QTreeWidgetItem:
        """One item per finding (rule id, severity, title, detail), and under it why it
        matters, what to fix first and the cell it was read from."""
        found = ordered(wl.blockers)
        hard = sum(blocker_rule(b.rule_id).blocks_vm for b in found)
        title = f"Migration blockers and warnings ({len(found)}"
        title += f", {hard} blocking the move as a KubeVirt VM)" if hard else ")"
        group = QTreeWidgetItem(self.tree, [title, ""])
        group.setData(0, Qt.ItemDataRole.UserRole, "blockers")
        for b in found:
            rule = blocker_rule(b.rule_id)
            what = f": {b.detail}" if b.detail else ""
            summary = f"{rule.severity_label.capitalize()} - {rule.title}{what}"
            item = QTreeWidgetItem(group, [b.rule_id, summary])
            item.setToolTip(0, plain_tooltip(b.rule_id))
            item.setToolTip(1, plain_tooltip(summary))
            if rule.blocks_vm:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
            forklift = (
                f"Forklift concern, category {rule.forklift.value}"
                if rule.forklift is not None
                else "MigPlan's own check (Forklift has none)"
            )
            for label, value in (
                ("Why it matters", rule.why),
                ("Fix first", rule.fix),
                ("Found in", b.where() or "not recorded"),
                ("Rule", forklift),
            ):
                child = QTreeWidgetItem(item, [label, value])
                child.setToolTip(1, plain_tooltip(value))
        return group

    def blocker_rows(self) -> list[tuple[str, str, dict[str, str]]]:
        """The blockers as shown: (rule id, summary, {label: value}) (for tests and copy)."""
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top.data(0, Qt.ItemDataRole.UserRole) != "blockers":
                continue
            out = []
            for j in range(top.childCount()):
                item = top.child(j)
                facts = {
                    item.child(k).text(0): item.child(k).text(1) for k in range(item.childCount())
                }
                out.append((item.text(0), item.text(1), facts))
            return out
        return []

    def _on_session_changed(self, summary: ChangeSummary) -> None:
        if self._workload_id and self._workload_id in summary.ids(EntityKind.WORKLOAD):
            self.show_workload(self._workload_id)
        elif self._selection:
            touched = summary.ids(EntityKind.WORKLOAD)
            if (
                not touched.isdisjoint(self._selection)
                or summary.touches(EntityKind.WAVE)
                or summary.touches(EntityKind.APPLICATION)
            ):
                doc = self._session.doc
                self.show_selection([i for i in self._selection if i in doc.workloads])

    def _on_analysis_updated(self, changed: object) -> None:
        wl = self._session.doc.workloads.get(self._workload_id) if self._workload_id else None  # type: ignore[arg-type]
        if wl is not None:
            self._show_class(wl)

    def rows(self) -> dict[str, str]:
        """Field label -> value as shown (for tests and copy)."""
        out: dict[str, str] = {}
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                child = top.child(j)
                out[child.text(0)] = child.text(1)
        return out


def _gave(ref: SourceRef) -> str:
    """What a source row gave, in a few words."""
    if not ref.fields:
        return "matched; filled nothing" if ref.key else "whole record"
    names = [field_label(f) for f in ref.fields if f not in ("os_family", "os_distro")]
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _blockers_text(wl: Workload) -> str:
    """The blockers in sentences: what stops the move and what to fix first, then the
    warnings by title."""
    found = ordered(wl.blockers)
    hard = [b for b in found if blocker_rule(b.rule_id).blocks_vm]
    soft = [b for b in found if not blocker_rule(b.rule_id).blocks_vm]
    lines: list[str] = []
    if hard:
        lines.append(f"Blocked as a KubeVirt VM until fixed ({len(hard)}):")
        for b in hard:
            rule = blocker_rule(b.rule_id)
            what = f" ({b.detail})" if b.detail else ""
            lines.append(f"\u2022 {rule.title}{what}. Fix first: {rule.fix}")
    if soft:
        names = "; ".join(
            blocker_rule(b.rule_id).title + (f" ({b.detail})" if b.detail else "") for b in soft
        )
        lines.append(f"Warnings: {names}.")
    lines.append("Each with its rule id and the cell it was read from below.")
    return "\n".join(lines)
