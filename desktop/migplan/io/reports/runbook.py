"""Runbook, back-out and go/no-go templates of the phase plan, named, in one table.

Each disposition (where a workload goes) has one ``StepTemplate``: the steps a team runs
during the cutover and the steps that take it back if the cutover fails. The PDF lists, per
phase, each disposition present with the number of workloads it applies to; nothing else in
the report writes runbook text, so changing a step here changes it everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from migplan.core.enums import DispositionKind


@dataclass(frozen=True)
class StepTemplate:
    """The runbook and back-out steps for the workloads of one disposition."""

    template_id: str
    title: str
    runbook: tuple[str, ...]
    backout: tuple[str, ...]


_TEMPLATES: tuple[tuple[DispositionKind, StepTemplate], ...] = (
    (
        DispositionKind.CONTAINERIZE,
        StepTemplate(
            "RB-CONTAINERIZE",
            "Rebuild as containers",
            (
                "Build and scan the container images; deploy them to the target cluster "
                "beside the running VM.",
                "Copy or replicate the data; run the smoke tests against the new deployment.",
                "Stop writes on the VM, do the final data sync, switch DNS or the load "
                "balancer to the new service.",
                "Watch errors and latency for the agreed period; then stop the VM and keep "
                "it until the rollback window closes.",
            ),
            (
                "Switch DNS or the load balancer back to the VM.",
                "Start the VM again and replay writes made on the new service, if any.",
                "Scale the new deployment to zero and record why the cutover failed.",
            ),
        ),
    ),
    (
        DispositionKind.REHOST_KUBEVIRT,
        StepTemplate(
            "RB-KUBEVIRT",
            "Move as virtual machines on Kubernetes",
            (
                "Check the migration blockers are cleared and the target storage class "
                "and networks are mapped.",
                "Run a warm migration (copy disks while the VM runs); check the copy "
                "finished without errors.",
                "In the cutover window: shut the VM down, run the final disk sync, start "
                "it on Kubernetes.",
                "Check the VM boots, its services answer and its addresses are reachable; "
                "hand it over to its owner.",
            ),
            (
                "Stop the VM on Kubernetes.",
                "Power the source VM on again (it is left untouched until the rollback "
                "window closes).",
                "Point DNS back to the source VM if it changed, and tell its owner.",
            ),
        ),
    ),
    (
        DispositionKind.RETAIN,
        StepTemplate(
            "RB-RETAIN",
            "Stay on the legacy hypervisor",
            (
                "Nothing moves: check the connections it keeps to moved workloads are "
                "open across the hybrid link.",
            ),
            ("Nothing to undo.",),
        ),
    ),
    (
        DispositionKind.RETIRE,
        StepTemplate(
            "RB-RETIRE",
            "Retire",
            (
                "Confirm with the owner that nothing uses it; archive its data as the "
                "retention policy asks.",
                "Power it off (do not delete it) and watch for complaints until the "
                "rollback window closes.",
                "Delete it after sign-off.",
            ),
            ("Power it on again and tell whoever noticed it missing.",),
        ),
    ),
)
RUNBOOK: dict[DispositionKind, StepTemplate] = dict(_TEMPLATES)

#: The go/no-go questions every phase asks, whatever it moves.
GO_NO_GO: tuple[str, ...] = (
    "Owners of every application in scope have agreed to the dates and the cutover window.",
    "Backups of every workload in scope were taken and a restore was tested.",
    "The target cluster has room for the phase (CPU, memory, storage, GPUs).",
    "Firewall rules for every connection crossing the hybrid link are open and tested.",
    "The back-out steps were read by the team on duty, and who decides to roll back is named.",
)

#: Who signs a phase off.
SIGN_OFF_ROLES: tuple[str, ...] = (
    "Migration lead",
    "Application owner(s)",
    "Operations / service desk",
    "Change manager",
)


def template_for(kind: DispositionKind) -> StepTemplate:
    """The steps of ``kind``."""
    return RUNBOOK[kind]
