"""The plan settings a person edits, each with one label, unit and meaning.

The settings dialog builds its fields from ``FIELDS`` and names its undo step with
``change_label``, so a field has one name wherever it is shown ("Undo Change link
bandwidth"). A field's default and bounds are the pydantic model's own; nothing here repeats
them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from migplan.core.settings import PlanSettings


@dataclass(frozen=True)
class SettingField:
    """One editable value of ``PlanSettings``, found by its dotted ``path``."""

    path: str
    label: str
    #: Shown after the value: "Mbit/s", "GiB", "h", "%", "days"... ("" for a plain count).
    unit: str
    #: What it means and what it does, in one or two plain sentences.
    meaning: str
    group: str
    #: Empty means "no limit" (the model takes None).
    optional: bool = False
    #: Shown as a percentage of a stored fraction (0.33 is shown as 33 %).
    percent: bool = False
    #: A calendar date (``YYYY-MM-DD``) rather than a number.
    date: bool = False
    #: One of these (stored value, what a person reads) rather than a typed value.
    choices: tuple[tuple[Any, str], ...] = ()

    @property
    def label_in_text(self) -> str:
        """The label inside a sentence: "Change link bandwidth"."""
        return self.label[0].lower() + self.label[1:]

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(self.path.split("."))

    def read(self, settings: PlanSettings) -> Any:
        value: Any = settings
        for part in self.key:
            value = value[part] if isinstance(value, dict) else getattr(value, part)
        return value

    def default(self) -> Any:
        """The value a new plan starts with (the model's own default)."""
        return self.read(PlanSettings())


def _weights() -> tuple[SettingField, ...]:
    """How much each risk factor counts: a workload's factors (F1..F9) in its own score, a
    wave's (C1..C6) in the wave's; named and explained as the risk panel names them."""
    from migplan.core.assess.risk_rubrics import PHASE_FACTORS, WORKLOAD_FACTORS

    return tuple(
        SettingField(
            f"risk.{kind}_weights.{f.factor_id}", f"{f.name} ({f.factor_id})", "", f.statement, RISK
        )
        for kind, factors in (("workload", WORKLOAD_FACTORS), ("phase", PHASE_FACTORS))
        for f in factors
    )


CAPACITY = "Capacity per wave"
RAMP = "Ramp"
PEOPLE = "People"
LINK = "Network link"
CALENDAR = "Calendar"
RISK = "Risk bands"
LICENCES = "Licences and costs"
TARGET = "Target sizing"

FIELDS: tuple[SettingField, ...] = (
    SettingField("capacity.workloads.start", "Workloads in the first wave", "workloads",
                 "How many workloads the first wave may hold: small pilot waves first.", RAMP),
    SettingField("capacity.workloads.step", "More workloads each wave", "workloads",
                 "How many more workloads each following wave may hold than the one before.",
                 RAMP),
    SettingField("capacity.workloads.max", "Most workloads in a wave", "workloads",
                 "The ramp stops growing here.", RAMP),
    SettingField("capacity.vcpu", "vCPU per wave", "vCPU",
                 "Most virtual CPUs one wave may move. Empty: no limit.", CAPACITY, optional=True),
    SettingField("capacity.memory_gib", "Memory per wave", "GiB",
                 "Most memory one wave may move. Empty: no limit.", CAPACITY, optional=True),
    SettingField("capacity.storage_gib", "Storage per wave", "GiB",
                 "Most data one wave may copy, on top of what the link moves in the transfer "
                 "window. Empty: only the transfer window limits it.", CAPACITY, optional=True),
    SettingField("capacity.vcpu_ramp.start", "vCPU in the first wave",
                 "% of the limit", "Share of the vCPU limit the first wave may use.", RAMP,
                 percent=True),
    SettingField("capacity.vcpu_ramp.step", "More vCPU each wave", "% of the limit",
                 "How much more of the vCPU limit each following wave may use, up to all "
                 "of it.", RAMP, percent=True),
    SettingField("capacity.memory_ramp.start", "Memory in the first wave",
                 "% of the limit", "Share of the memory limit the first wave may use.", RAMP,
                 percent=True),
    SettingField("capacity.memory_ramp.step", "More memory each wave", "% of the limit",
                 "How much more of the memory limit each following wave may use, up to all "
                 "of it.", RAMP, percent=True),
    SettingField("capacity.storage_ramp.start", "Storage in the first wave",
                 "% of the limit", "Share of the storage limit the first wave may use.", RAMP,
                 percent=True),
    SettingField("capacity.storage_ramp.step", "More storage each wave", "% of the limit",
                 "How much more of the storage limit each following wave may use, up to all "
                 "of it.", RAMP, percent=True),
    SettingField("capacity.transfer_window_hours", "Transfer window", "h",
                 "Hours per wave available to copy data; with the link's usable share it "
                 "bounds the data a wave can move.", CAPACITY),
    SettingField("capacity.engineers", "Engineers", "people",
                 "People working on the migration during a wave.", PEOPLE),
    SettingField("capacity.hours_per_day", "Working hours a day", "h",
                 "Hours each engineer works on the migration per day.", PEOPLE),
    SettingField("capacity.working_days_per_wave", "Working days per wave", "days",
                 "Engineers x hours a day x days gives the engineer-hours of a wave.", PEOPLE),
    SettingField("capacity.engineer_hours_per_workload", "Hands-on time per workload", "h",
                 "Engineer time each workload takes to move and check.", PEOPLE),
    SettingField("network.link_mbps", "Link bandwidth", "Mbit/s",
                 "Speed of the hybrid link between the legacy site and the target.", LINK),
    SettingField("network.usable_fraction", "Usable share of the link", "%",
                 "Part of the link the migration may plan on; the rest carries everyday "
                 "traffic.", LINK, percent=True),
    SettingField("network.added_rtt_ms", "Added round-trip time", "ms",
                 "Delay the link adds between a workload that moved and one that stayed.", LINK),
    SettingField("network.rtt_budget_ms", "Round-trip budget", "ms",
                 "Most delay a latency-sensitive dependency tolerates.", LINK),
    SettingField("planner.start_date", "First wave starts", "",
                 "Date of the first proposed wave. Empty: the earliest start among the plan's "
                 "waves, and no dates when none has one.", CALENDAR, optional=True, date=True),
    SettingField("planner.wave_length_days", "Wave length", "days",
                 "Calendar days per proposed wave; waves follow each other back to back and "
                 "skip freeze periods.", CALENDAR),
    SettingField("planner.cutover_window_hours", "Cutover window", "h",
                 "Downtime window a new wave gets on its last day. 0: none (risk then "
                 "compares copy time with the transfer window).", CALENDAR),
    SettingField("planner.cutover_start_hour", "Cutover opens at", "h (hour of day)",
                 "Hour of the day, 0 to 23, at which the cutover window opens.", CALENDAR),
    SettingField("planner.rollback_window_hours", "Rollback window", "h",
                 "Time kept after the cutover to switch back if it goes wrong. 0: none.",
                 CALENDAR),
    SettingField("planner.pilot_waves", "Pilot waves", "waves",
                 "No highly or mission-critical workload moves in the first waves.", CALENDAR),
    SettingField("planner.separate_environments", "Production and the rest", "",
                 "Whether production and non-production workloads may move in the same wave.",
                 CALENDAR, choices=((True, "Never in the same wave"),
                                    (False, "May share a wave"))),
    SettingField("planner.shared_services", "Shared services", "",
                 "DNS, directory, logging and the like: moved or replicated first, or left on "
                 "the legacy side and reached over the link.", CALENDAR,
                 choices=(("foundation", "Move first, in a Foundation wave"),
                          ("bridge", "Stay, reached over the link"))),
    SettingField("planner.link_left_behind_share", "Left behind for the link", "%",
                 "Most of the movable workloads the planner may leave on the legacy side to "
                 "keep the link within its usable share; beyond it, it says the link is too "
                 "small.", CALENDAR, percent=True),
    SettingField("planner.empty_hosts_early", "Empty legacy hosts early", "",
                 "Whether Propose waves also tries an order that empties legacy hosts sooner, "
                 "so fewer licensed cores stay in use, and keeps it when it does (every hard "
                 "rule still holds). It may move more traffic across the link meanwhile.",
                 CALENDAR, choices=((False, "No, the usual order"),
                                    (True, "Yes, when it frees cores sooner"))),
    SettingField("risk.band_medium", "Medium risk from", "points",
                 "A wave scoring this much or more (out of 100) is medium risk.", RISK),
    SettingField("risk.band_high", "High risk from", "points",
                 "A wave scoring this much or more is high risk.", RISK),
    SettingField("risk.band_critical", "Critical risk from", "points",
                 "A wave scoring this much or more is critical.", RISK),
    *_weights(),
    SettingField("licences.price_per_core_year", "Price per core and year", "per core-year",
                 "What the legacy virtualisation layer costs per licensed core per year, in the "
                 "plan's currency: emptied hosts save it from the next renewal on. The default "
                 "is the VMware Cloud Foundation list price quoted by licensing advisers "
                 "(Broadcom publishes none; vSphere Foundation is quoted at 135).", LICENCES),
    SettingField("licences.min_cores_per_cpu", "Cores counted per CPU, at least", "cores",
                 "Each physical CPU is licensed for at least this many cores (Broadcom KB "
                 "313548).", LICENCES),
    SettingField("licences.renewal_date", "Next renewal", "",
                 "The day the subscription renews: cores freed before it stop costing from it, "
                 "cores freed later from the renewal after. Empty: savings are not dated.",
                 LICENCES, optional=True, date=True),
    SettingField("licences.term_years", "Subscription term", "years",
                 "Years between renewals (subscriptions run 1, 3 or 5 years).", LICENCES),
    SettingField("target.headroom", "Headroom kept free on each node", "%",
                 "Share of each target node's cores and memory kept free for a node failure, "
                 "drains during upgrades and growth. The default, 20 %, is what Red Hat's "
                 "migration planner sizes to (nodes filled to 80 %).", TARGET, percent=True),
    SettingField("target.vm_overhead.fixed_mib", "Fixed memory per VM", "MiB",
                 "Memory KubeVirt's virt-launcher takes beside every VM: its processes (220), "
                 "an IO thread (8) and video RAM (32), from KubeVirt's "
                 "GetMemoryOverhead; older releases used less.", TARGET),
    SettingField("target.vm_overhead.per_vcpu_mib", "Memory per vCPU", "MiB",
                 "Memory KubeVirt adds per vCPU of a VM (KubeVirt's GetMemoryOverhead).",
                 TARGET),
    SettingField("target.vm_overhead.page_table_divisor", "Page tables: memory divided by",
                 "", "A VM's page tables take its memory divided by this (512: about 0.2 %, "
                 "KubeVirt's GetMemoryOverhead).", TARGET),
    SettingField("target.vm_overhead.vfio_mib", "Added with a GPU passed through", "MiB",
                 "Memory added when a VM has a passed-through GPU or a vGPU: all its memory "
                 "is locked (KubeVirt's GetMemoryOverhead).", TARGET),
    SettingField("target.read_gbps_per_gpu.ai-gpu", "Reads per GPU, AI workloads", "GB/s",
                 "What one GPU of an AI workload must read to stay busy. The default, 1, is "
                 "NVIDIA's DGX H100 reference architecture's 'better' rate, 8 GB/s per "
                 "8-GPU node.", TARGET),
    SettingField("target.read_gbps_per_gpu.data-heavy", "Reads per GPU, data-heavy work",
                 "GB/s", "The same for data-heavy work (datasets too large to cache, ETL, "
                 "offline inference): NVIDIA's 'best' rate, 40 GB/s per 8-GPU node, is 5.",
                 TARGET),
    SettingField("target.other_read_gbps_per_gpu", "Reads per GPU, other work", "GB/s",
                 "The same for any other GPU workload: NVIDIA's 'good' rate (datasets that fit "
                 "the local cache), 4 GB/s per 8-GPU node, is 0.5.", TARGET),
    SettingField("licences.consolidate_retained", "VMs that stay on the legacy side", "",
                 "VMs retained (or not yet planned) can be moved onto as few hosts as their "
                 "memory needs, so the other hosts empty and stop costing licences.", LICENCES,
                 choices=((True, "Consolidate them onto as few hosts as they need"),
                          (False, "Leave each on its host"))),
    SettingField("licences.consolidate_fill", "Fill each remaining host up to", "%",
                 "Share of a remaining host's memory the consolidated VMs may fill; the rest "
                 "is kept for HA failover.", LICENCES, percent=True),
    SettingField("costs.legacy_host_per_month", "Running cost of a legacy host", "per month",
                 "What one legacy host costs a month besides its licences (hardware support, "
                 "power, space); it stops the day the host empties. The default, 0, leaves it "
                 "out until you enter your own figure.", LICENCES),
    SettingField("costs.transfer_per_gib", "Price per GiB copied", "per GiB",
                 "What copying data to the new platform costs per GiB (egress). The default, "
                 "0, is a link between your own sites; leaving a cloud, AWS quotes 0.09 per GB "
                 "for the first 10 TB a month, Azure about 0.087, Google 0.12 per GiB, and "
                 "all three waive it for a customer leaving within 60 days.", LICENCES),
)  # fmt: skip

FIELD_BY_PATH: dict[str, SettingField] = {f.path: f for f in FIELDS}

#: Settings edited as lists rather than single values, with their names.
LISTS: dict[str, str] = {"gpu_pools": "GPU pools", "freeze_periods": "freeze periods"}
#: Names of other settings the dialog edits, by dotted path.
NAMES: dict[str, str] = {"target.clusters": "target node pools"}


def with_value(settings: PlanSettings, path: str, value: Any) -> dict[str, Any]:
    """``settings`` as a plain dict with ``path`` set to ``value`` (not validated)."""
    data = settings.model_dump()
    set_path(data, path, value)
    return data


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the dotted ``path`` of a settings dump to ``value``, in place."""
    node = data
    *parents, last = path.split(".")
    for part in parents:
        node = node[part]
    node[last] = value


def changed_paths(old: PlanSettings, new: PlanSettings) -> list[str]:
    """Dotted paths of the values that differ, fields first in ``FIELDS`` order, then lists,
    then anything else (a preset may change settings the dialog does not show)."""
    out = [f.path for f in FIELDS if f.read(old) != f.read(new)]
    out += [name for name in LISTS if getattr(old, name) != getattr(new, name)]
    shown = set(out) | {f.path for f in FIELDS}
    # (a dict of values, such as the risk weights, differs as a whole: listed once through
    # its fields above)
    out += [
        p
        for p in _diff(old, new, "")
        if p not in shown and not _under(p, shown) and not _under_any(out, p)
    ]
    return out


def _under_any(paths: Iterable[str], prefix: str) -> bool:
    return any(p.startswith(prefix + ".") for p in paths)


def change_label(old: PlanSettings, new: PlanSettings) -> str:
    """The undo step's name: "Change link bandwidth", "Change GPU pools", or "Change 3
    settings" when several values changed at once."""
    paths = changed_paths(old, new)
    if not paths:
        return "Change settings"
    if len(paths) == 1:
        return f"Change {_name(paths[0])}"
    if len(paths) == 2:
        return f"Change {_name(paths[0])} and {_name(paths[1])}"
    return f"Change {len(paths)} settings"


def _name(path: str) -> str:
    field = FIELD_BY_PATH.get(path)
    if field is not None:
        return field.label_in_text
    return LISTS.get(path) or NAMES.get(path) or path.rsplit(".", 1)[-1].replace("_", " ")


def _under(path: str, prefixes: Iterable[str]) -> bool:
    return any(path.startswith(p + ".") for p in prefixes)


def _diff(old: Any, new: Any, prefix: str) -> list[str]:
    if isinstance(old, BaseModel) and type(old) is type(new):
        out: list[str] = []
        for name in type(old).model_fields:
            path = f"{prefix}.{name}" if prefix else name
            out += _diff(getattr(old, name), getattr(new, name), path)
        return out
    return [] if old == new else [prefix]
