"""Platform VMs: virtual machines the source platform itself runs, recognised by name.

They show up in every inventory (RVTools lists them in vInfo) but are no workload of anyone:
the platform creates, names and deletes them, and the target platform has its own
equivalent or none. They are kept in the plan (so the counts match the export) and left out
of planning (rule PLATFORM-VM); a person who knows better sets another class.

Only names a platform gives itself are matched, so that no user's VM is taken for one; each
pattern says which platform names it and why it does not move. NSX edges and other appliance
VMs are left out on purpose: their names are chosen by the people who deploy them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformPattern:
    """A named kind of platform VM and the names that give it away."""

    pattern_id: str
    #: What the VMs are, in a few words (the import report groups them by it).
    kind: str
    pattern: re.Pattern[str]
    #: Why such a VM is not planned, in one plain sentence.
    reason: str


PLATFORM_PATTERNS: tuple[PlatformPattern, ...] = (
    PlatformPattern(
        "HORIZON-INSTANT-CLONE",
        "Horizon instant-clone internals",
        # Horizon names the VMs of an instant-clone pool's image chain itself:
        # cp-template-<uuid>, cp-replica-<uuid>, cp-parent-<uuid> (one parent per host).
        re.compile(r"^cp-(?:parent|replica|template)-", re.IGNORECASE),
        "an internal VM of a VMware Horizon instant-clone pool (template, replica or parent "
        "of the desktop image), created and deleted by Horizon; the desktops are rebuilt "
        "from the golden image on the new platform",
    ),
    PlatformPattern(
        "VSPHERE-CLUSTER-SERVICES",
        "vSphere Cluster Services",
        # vCenter 7.0 U1+ deploys up to three per cluster: "vCLS (1)" then "vCLS-<uuid>".
        re.compile(r"^vCLS(?:$|[-\s(])", re.IGNORECASE),
        "a vSphere Cluster Services agent VM (vCLS), deployed and managed by vCenter for its "
        "cluster; a KubeVirt cluster needs none",
    ),
    PlatformPattern(
        "VSPHERE-SUPERVISOR",
        "vSphere Supervisor control plane",
        # vSphere with Tanzu names its Supervisor control plane VMs itself.
        re.compile(r"^SupervisorControlPlaneVM(?:$|[\s(])", re.IGNORECASE),
        "a control plane VM of the vSphere Supervisor (vSphere with Tanzu), deployed and "
        "managed by vCenter; its workloads move, not the control plane",
    ),
)


def platform_pattern(name: str) -> PlatformPattern | None:
    """The kind of platform VM ``name`` names, or None for any other VM."""
    text = name.strip()
    for found in PLATFORM_PATTERNS:
        if found.pattern.match(text):
            return found
    return None
