"""The workload fields an inventory import can fill, and the header synonyms that feed them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from migplan.io.tables import normalize_header

FieldKind = Literal["text", "int", "size", "bool", "power", "ips", "list"]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: FieldKind
    synonyms: tuple[str, ...]
    label: str = ""


def _spec(name: str, kind: FieldKind, *synonyms: str, label: str = "") -> FieldSpec:
    return FieldSpec(name, kind, tuple(normalize_header(s) for s in synonyms), label or name)


#: Workload fields an import can fill, with the header synonyms seen in real exports
#: (formats.md): RVTools, Azure Migrate, AWS Migration Hub, Google Migration Center, Live
#: Optics, CMDB sheets. Order matters: earlier synonyms win, later ones are fallbacks. The
#: ``vInfo...`` names are the prefixed headers third-party parsers report for newer RVTools
#: CSV exports (no real sample seen; formats.md 1.1). Azure Migrate's exports: the
#: assessment workbook (``All_Assessed_Machines``: ``Machine``, ``VM host``, ``Operating
#: system``, ``Cores``, ``Memory(MB)``, ``Storage(GB)``, ``IP address``, ``MAC address``,
#: ``Boot type``, readiness, recommended size...) and the discovery report (``Machine Name``,
#: ``Operating System``, ``Memory (in MB)``, ``IP Addresses``, ``MAC Addresses``, ``Power
#: Stats``, ``Machine ID``...); what has no field here (readiness, recommended size, boot type,
#: MAC addresses, costs) is kept as attributes.
FIELDS: tuple[FieldSpec, ...] = (
    _spec(
        "name",
        "text",
        "VM",
        "VM Name",
        "Server name",
        "MachineName",
        "VMware.VMName",
        "Machine name",
        "Machine",
        "Server",
        "Computer name",
        "Hostname",
        "Host name",
        "Name",
        "Guest VM Name",
        "Device name",
        "CI name",
        "vInfoVMName",
    ),
    _spec(
        "dns_name",
        "text",
        "DNS Name",
        "Guest Hostname",
        "FQDN",
        "Fully qualified domain name",
        "HostName",
        "DNS",
        "vInfoGuestHostName",
    ),
    _spec(
        "power_state",
        "power",
        "Powerstate",
        "Power State",
        "MachineStatus",
        "IsRunning",
        "Power status",
        "Power Stats",
        "State",
        "vInfoPowerstate",
    ),
    _spec("is_template", "bool", "Template", "Is template", "vInfoTemplate"),
    _spec(
        "os_reported",
        "text",
        "OS according to the configuration file",
        "OS",
        "VM OS",
        "OS name",
        "OsName",
        "OS.Name",
        "Operating system",
        "Operating system name",
        "Betriebssystem",
        "Guest OS",
        "vInfoOS",
    ),
    # RVTools reports the guest OS twice; the import keeps the one that says more.
    _spec(
        "os_tools",
        "text",
        "OS according to the VMware Tools",
        "vInfoOSTools",
        label="OS reported by VMware Tools",
    ),
    _spec(
        "os_version", "text", "OS version", "OsVersion", "OS.Version", "Operating system version"
    ),
    _spec(
        "vcpu",
        "int",
        "CPUs",
        "vCPU",
        "vCPUs",
        "Virtual CPU",
        "Cores",
        "Number of cores",
        "AllocatedProcessorCoreCount",
        "CPU.NumberOfLogicalCores",
        "CPU.NumberOfCores",
        "CPU.NumberOfProcessors",
        "Num CPU",
        "CPU count",
        "Number of CPUs",
        "CPU",
        "vInfoCPUs",
    ),
    _spec(
        "memory_mib",
        "size",
        "Memory",
        "Provisioned Memory",
        "RAM.TotalSize",
        "RAM",
        "Memory size",
        "Configured memory",
        "Allocated memory",
        "Hauptspeicher",
        "vInfoMemory",
    ),
    _spec(
        "storage_provisioned_mib",
        "size",
        "Provisioned",
        "Storage allocated",
        "Virtual Disk Size",
        "TotalDiskAllocated",
        "Total disk capacity",
        "Disk size",
        "Provisioned storage",
        "Allocated storage",
        "Storage",
        "vInfoProvisioned",
    ),
    _spec(
        "storage_used_mib",
        "size",
        "In Use",
        "Storage in use",
        # Live Optics: the guest's own figure first; "Virtual Disk Used" is what the
        # datastore holds (equal to provisioned on a thick disk), a fallback only.
        "Guest VM Disk Used",
        "Virtual Disk Used",
        "TotalDiskUsed",
        "Used storage",
        "Disk used",
        "vInfoInUse",
    ),
    _spec(
        "ips",
        "ips",
        "Primary IP Address",
        "IP address",
        "IP addresses",
        "IPAddress",
        "PrimaryIPAddress",
        "IpAddressListSemiColonDelimited",
        "Guest IP1",
        "Guest IP2",
        "Guest IP3",
        "Guest IP4",
        "IPv4 Address",
        "IPv4 addresses",
        "IPv6 Address",
        "IPv6 addresses",
        "IP",
        "vInfoPrimaryIPAddress",
    ),
    _spec(
        "datacenter",
        "text",
        "Datacenter",
        "Data center",
        "Datacenter name",
        "HostingLocation",
        "Location",
        "Site",
        "vInfoDataCenter",
    ),
    _spec("cluster", "text", "Cluster", "Cluster name", "vInfoCluster"),
    _spec(
        "host",
        "text",
        "Host",
        "VM host",
        "ESX Host",
        "ESXi host",
        "Hyper-V host",
        "Hypervisor host",
        "vInfoHost",
    ),
    _spec(
        "source_system",
        "text",
        "VI SDK Server",
        "vCenter",
        "VMware.VCenterId",
        "vCenter server",
        "vCenter Server name",
        "vInfoVISDKServer",
    ),
    _spec(
        "source_key",
        "text",
        "VM UUID",
        "InstanceUUID",
        "UUID",
        "MachineId",
        "ExternalId",
        "SMBiosId",
        "VM ID",
        "MOB ID",
        "VMware.MoRefId",
        "ServerId",
        "Machine ID",
        "Server ID",
        "Object ID",
        "sys_id",
        "vInfoUUID",
    ),
    _spec("environment", "text", "Environment", "Env", "Stage", "Umgebung"),
    _spec("criticality", "text", "Criticality", "Business criticality", "Kritikalität"),
    _spec("owner", "text", "Owner", "Business owner", "Technical owner", "Contact"),
    _spec("notes", "text", "Annotation", "Notes", "Comments", "Description"),
    _spec("tags", "list", "Tags"),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
#: Fields whose columns are all used rather than the first non-empty one.
MULTI_FIELDS = frozenset({"ips"})
