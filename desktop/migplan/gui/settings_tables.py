"""The list-valued settings of the settings dialog: GPU pools and freeze periods, each an
editable table with Add and Remove buttons and a line for what the model refuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from migplan.core.enums import GpuMode
from migplan.core.settings import FreezePeriod, GpuPool
from migplan.gui.style import plain_tooltip

#: GPU modes a pool can be in, as a person reads them (a pool is never "no GPU").
GPU_MODES: tuple[tuple[GpuMode, str], ...] = (
    (GpuMode.CONTAINER, "Containers (whole GPUs)"),
    (GpuMode.SHARED, "Containers, time-sliced"),
    (GpuMode.MIG, "MIG slices"),
    (GpuMode.PASSTHROUGH, "VMs, passthrough"),
    (GpuMode.VGPU, "VMs, vGPU"),
)


class ListEditor(QWidget):
    """A table of rows, Add and Remove, a grey line saying what it is and a red one for
    what the model refuses. ``edited`` fires on any change."""

    edited = Signal()

    #: (model field, header, meaning) per column.
    columns: tuple[tuple[str, str, str], ...] = ()
    #: Widths of the columns but the last, which takes the rest.
    widths: tuple[int, ...] = ()
    noun = "row"
    #: Where the list sits in the settings (a dotted path), and where the model's refusals
    #: of its rows are found.
    path = ""

    def __init__(self, name: str, meaning: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"settings-{name}")
        self.table = QTableWidget(0, len(self.columns), self)
        self.table.setObjectName(f"settings-{name}-table")
        self.table.setHorizontalHeaderLabels([c[1] for c in self.columns])
        for i, (_key, _header, tip) in enumerate(self.columns):
            item = self.table.horizontalHeaderItem(i)
            if item is not None:
                item.setToolTip(plain_tooltip(tip))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        for col, width in enumerate(self.widths):
            # Never narrower than the column's title.
            self.table.setColumnWidth(col, max(width, header.sectionSizeHint(col) + 8))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.itemChanged.connect(lambda _item: self.edited.emit())
        self.add_button = QPushButton(f"Add {self.noun}", self)
        self.add_button.setObjectName(f"settings-{name}-add")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName(f"settings-{name}-remove")
        self.remove_button.clicked.connect(self._on_remove_clicked)
        help_line = QLabel(meaning, self)
        help_line.setWordWrap(True)
        help_line.setObjectName("settings-help")
        self.error = QLabel(self)
        self.error.setObjectName(f"settings-{name}-error")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(help_line)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)

    # -- rows --------------------------------------------------------------------------

    def set_rows(self, rows: list[list[str]]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for row in rows:
            self._append(row)
        self.table.blockSignals(False)

    def _append(self, values: list[str]) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, text in enumerate(values):
            self.table.setItem(row, col, QTableWidgetItem(text))
        return row

    def texts(self, row: int) -> list[str]:
        return [
            (item.text().strip() if (item := self.table.item(row, c)) is not None else "")
            for c in range(len(self.columns))
        ]

    def new_row(self) -> list[str]:
        raise NotImplementedError

    def values(self) -> list[dict[str, Any]]:
        """The rows as plain dicts for the model to validate."""
        raise NotImplementedError

    def _edit_name(self, row: int) -> None:
        self.table.setCurrentCell(row, 0)
        item = self.table.item(row, 0)
        if item is not None:
            self.table.editItem(item)

    def locate(self, loc: list[str]) -> tuple[int | None, str]:
        """The table row and the column's model field a refusal at ``loc`` (its location
        below ``path``) concerns: one row per list item."""
        row = int(loc[0]) if loc and loc[0].isdigit() else None
        return row, loc[1] if len(loc) > 1 else ""

    def header_of(self, key: str) -> str:
        """The column header of model field ``key`` (the key itself if none shows it)."""
        return next((c[1] for c in self.columns if c[0] == key), key.replace("_", " "))

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _on_add_clicked(self) -> None:
        row = self._append(self.new_row())
        self._edit_name(row)
        self.edited.emit()

    def _on_remove_clicked(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.edited.emit()


class GpuPoolEditor(ListEditor):
    columns = (
        ("name", "Name", "The node pool's name on the target platform."),
        ("mode", "Used as", "How the GPU Operator exposes its GPUs; a pool is in one mode only."),
        ("gpus", "GPUs", "GPUs in the pool. Waves consume them one after the other."),
        ("gpu_model", "GPU model", "For example A100 or L40S."),
        ("mig_profile", "MIG profile", "For MIG slices: the profile, such as 3g.20gb."),
        ("vgpu_profile", "vGPU profile", "For vGPU: the profile, such as A10-12Q (the Target "
         "tab says how many devices one GPU gives)."),
        ("replicas", "Containers per GPU", "Time-sliced pools only: how many take turns."),
    )  # fmt: skip
    noun = "GPU pool"
    path = "gpu_pools"
    widths = (130, 230, 60, 100, 100, 100)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "gpu-pools",
            "Target node pools with GPUs. A workload that needs a GPU moves only when a pool "
            "of its kind has GPUs left. No pools: GPUs are not limited.",
            parent,
        )

    def set_pools(self, pools: tuple[GpuPool, ...]) -> None:
        self.set_rows([])
        for pool in pools:
            self._add_pool(pool)

    def _add_pool(self, pool: GpuPool) -> int:
        self.table.blockSignals(True)
        row = self._append(
            [
                pool.name,
                "",
                str(pool.gpus),
                pool.gpu_model,
                pool.mig_profile,
                pool.vgpu_profile,
                str(pool.replicas),
            ]
        )
        self.table.blockSignals(False)
        combo = QComboBox(self.table)
        combo.setObjectName("settings-gpu-mode")
        for mode, label in GPU_MODES:
            combo.addItem(label, mode.value)
        combo.setCurrentIndex(max(0, combo.findData(pool.mode.value)))
        combo.currentIndexChanged.connect(lambda _i: self.edited.emit())
        self.table.setCellWidget(row, 1, combo)
        return row

    def new_row(self) -> list[str]:
        raise AssertionError("GPU pools add rows through _on_add_clicked")

    def _on_add_clicked(self) -> None:
        taken = {self.texts(r)[0] for r in range(self.table.rowCount())}
        n = 1
        while f"gpu-pool-{n}" in taken:
            n += 1
        row = self._add_pool(GpuPool(name=f"gpu-pool-{n}", gpus=8))
        self._edit_name(row)
        self.edited.emit()

    def values(self) -> list[dict[str, Any]]:
        out = []
        for row in range(self.table.rowCount()):
            name, _mode, gpus, model, mig, vgpu, replicas = self.texts(row)
            combo = self.table.cellWidget(row, 1)
            mode = combo.currentData() if isinstance(combo, QComboBox) else GpuMode.CONTAINER
            out.append(
                {
                    "name": name,
                    "mode": mode,
                    "gpus": gpus,
                    "gpu_model": model,
                    "mig_profile": mig,
                    "vgpu_profile": vgpu,
                    "replicas": replicas,
                }
            )
        return out


class FreezeEditor(ListEditor):
    columns = (
        ("name", "Name", "What the freeze is for, such as Year-end close."),
        ("start", "First day", "The first day of the freeze (YYYY-MM-DD)."),
        ("end", "Last day", "The last day of the freeze (YYYY-MM-DD), included."),
    )
    noun = "freeze period"
    path = "freeze_periods"
    widths = (280, 130)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "freezes",
            "Change freezes: no wave, and no cutover, may fall in one. Proposed waves start "
            "after a freeze they would overlap. Dates as YYYY-MM-DD.",
            parent,
        )

    def set_freezes(self, periods: tuple[FreezePeriod, ...]) -> None:
        self.set_rows([[p.name, p.start.isoformat(), p.end.isoformat()] for p in periods])

    def new_row(self) -> list[str]:
        start = dt.date.today() + dt.timedelta(days=30)
        n = self.table.rowCount() + 1
        return [f"Freeze {n}", start.isoformat(), (start + dt.timedelta(days=6)).isoformat()]

    def values(self) -> list[dict[str, Any]]:
        out = []
        for row in range(self.table.rowCount()):
            name, start, end = self.texts(row)
            out.append({"name": name, "start": start, "end": end})
        return out


class NodePoolEditor(ListEditor):
    """The target clusters' node pools, one row per pool (issue 14, point 2): rows with the
    same cluster name form one cluster."""

    columns = (
        ("cluster", "Cluster", "The target cluster the pool belongs to."),
        ("name", "Pool", "The node pool's name."),
        ("cores", "Cores", "Physical cores per node."),
        ("memory_gib", "Memory GiB", "Memory per node, GiB."),
        ("gpu_pool", "GPU pool", "The GPU pool (GPU pools tab) whose GPUs these nodes carry; "
         "empty: no GPUs."),
        ("gpus_per_node", "GPUs", "GPUs per node: 8 on a DGX/HGX node, 4 on many PCIe servers."),
        ("vgpu_per_gpu", "vGPUs/GPU", "vGPU devices per GPU when the GPU pool runs vGPU."),
        ("storage_tier", "Storage tier", "The storage the nodes read."),
        ("read_gbps_per_node", "Read GB/s", "What the tier gives one node; empty: not "
         "checked. NVIDIA's DGX reference: 4, 8 or 40 GB/s per 8-GPU node."),
        ("price_per_node_month", "Price a month", "What one node costs a month in the "
         "plan's currency (hardware, power, space and subscriptions). Red Hat publishes no "
         "list price: enter your quote; 0 leaves the pool out of the target cost."),
    )  # fmt: skip
    noun = "node pool"
    path = "target.clusters"
    widths = (90, 120, 60, 95, 120, 55, 85, 100, 80, 110)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "node-pools",
            "The new platform as you plan to build it: each node pool's shape per node. The "
            "Capacity & cost tab counts the nodes each pool needs after every wave. Hover a "
            "column's title for what it means.",
            parent,
        )
        #: (cluster, pool) of each row as last validated, for placing the model's refusals.
        self.places: list[tuple[int, int]] = []

    def set_clusters(self, clusters: tuple[Any, ...]) -> None:
        rows = []
        for cluster in clusters:
            for pool in cluster.pools:
                read = "" if pool.read_gbps_per_node is None else f"{pool.read_gbps_per_node:g}"
                rows.append(
                    [cluster.name, pool.name, str(pool.cores), f"{pool.memory_gib:g}",
                     pool.gpu_pool, str(pool.gpus_per_node), str(pool.vgpu_per_gpu),
                     pool.storage_tier, read, f"{pool.price_per_node_month:g}"]
                )  # fmt: skip
        self.set_rows(rows)

    def new_row(self) -> list[str]:
        cluster = self.texts(self.table.rowCount() - 1)[0] if self.table.rowCount() else ""
        n = self.table.rowCount() + 1
        return [cluster or "target", f"pool-{n}", "32", "256", "", "0", "2", "", "", "0"]

    def values(self) -> list[dict[str, Any]]:
        """The clusters as plain dicts (``TargetSettings.clusters``), in the rows' order."""
        clusters: dict[str, list[dict[str, Any]]] = {}
        self.places = []
        for row in range(self.table.rowCount()):
            cluster, name, cores, memory, gpu_pool, gpus, vgpu, tier, read, price = self.texts(row)
            pools = clusters.setdefault(cluster, [])
            order = list(clusters).index(cluster)
            self.places.append((order, len(pools)))
            pools.append(
                {
                    "name": name,
                    "cores": cores,
                    "memory_gib": memory,
                    "gpu_pool": gpu_pool,
                    "gpus_per_node": gpus,
                    "vgpu_per_gpu": vgpu,
                    "storage_tier": tier,
                    "read_gbps_per_node": read or None,
                    "price_per_node_month": price or 0,
                }
            )
        return [{"name": name, "pools": pools} for name, pools in clusters.items()]

    def locate(self, loc: list[str]) -> tuple[int | None, str]:
        """Clusters hold pools (``[cluster, "pools", pool, field]``); one row per pool."""
        row = None
        if len(loc) > 2 and loc[0].isdigit() and loc[2].isdigit():
            row = self.row_of(int(loc[0]), int(loc[2]))
        return row, loc[3] if len(loc) > 3 else ""

    def row_of(self, cluster: int, pool: int) -> int | None:
        return next((r for r, place in enumerate(self.places) if place == (cluster, pool)), None)
