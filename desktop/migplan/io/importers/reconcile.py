"""Is a workload from one file the same machine as one already in the plan from another?

Rows of different sources (an RVTools export and an Azure Migrate inventory of the same VMs)
are matched in this order, and never guessed:

1. **Strong keys**: a UUID (VM or BIOS UUID, in either byte order, also inside a VMware
   serial number), a MAC address, a cloud instance id. One workload sharing one → matched.
   Two workloads whose MAC addresses (or instance ids) are both known and all differ are
   different machines, whatever their names.
2. **Name with IP**: the same host name (case, and the DNS domain, ignored) *and* a shared IP
   address → matched. The same name with no IP to compare, or with different IPs, or several
   workloads of that name → ambiguous: listed with its candidates, imported as a workload of
   its own until a person merges it.
3. Two exports of the same kind (sheet) from two different source systems (two vCenters)
   reuse names freely: only a strong key matches their rows.

``Reconciler`` indexes the plan's workloads once (and the ones an import adds as it goes):
matching two 10,000-VM sources is a few dictionary look-ups per workload.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from migplan.core.models import Workload

MatchStatus = Literal["matched", "ambiguous"]

#: Attribute headers that may hold a strong key of the machine...
_KEY_HEADER = re.compile(r"\bmac\b|mac ?address|uuid|instance ?id|serial", re.IGNORECASE)
#: ...and those that name the key of something else (the vCenter, host, cluster, disk).
_OTHER_KEY = re.compile(
    r"sdk|vcenter|\bvc\b|host|cluster|datastore|disk|\bnic\b|network|switch|folder|vapp"
    r"|enable",
    re.IGNORECASE,
)
_UUID = re.compile(
    r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.IGNORECASE
)
_VMWARE_SERIAL = re.compile(r"vmware-((?:[0-9a-f]{2}[ -]?){16})", re.IGNORECASE)
_MAC = re.compile(
    r"(?<![0-9a-f:.-])(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}(?![0-9a-f:.-])"
    r"|(?<![0-9a-f.])[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}(?![0-9a-f.])",
    re.IGNORECASE,
)
_INSTANCE = re.compile(r"\bi-[0-9a-f]{8,17}\b", re.IGNORECASE)
#: One pass over a text for every kind of key (a VMware serial holds a UUID: it goes first).
_ANY_KEY = re.compile(
    rf"(?P<serial>vmware-(?P<serialhex>(?:[0-9a-f]{{2}}[ -]?){{16}}))"
    rf"|(?P<uuid>{_UUID.pattern})|(?P<mac>{_MAC.pattern})|(?P<iid>{_INSTANCE.pattern})",
    re.IGNORECASE,
)
_NOT_MACS = frozenset({"000000000000", "ffffffffffff"})
_NIL_UUIDS = frozenset({"0" * 32, "f" * 32})


def _swapped(hex32: str) -> str:
    """The same UUID with its first three groups byte-swapped (how Windows and Azure show
    a VMware BIOS UUID)."""
    b = bytes.fromhex(hex32)
    return (b[3::-1] + b[5:3:-1] + b[7:5:-1] + b[8:]).hex()


#: Headers seen so far, and those of them that hold a strong key (decided once a header).
_SEEN_HEADERS: set[str] = set()
_KEY_HEADERS: set[str] = set()


def strong_keys(wl: Workload) -> set[str]:
    """``uuid:<hex>``, ``mac:<hex>`` and ``iid:<id>`` keys of a workload."""
    attrs = wl.attributes
    if not _SEEN_HEADERS.issuperset(attrs):
        new_headers = attrs.keys() - _SEEN_HEADERS
        _SEEN_HEADERS.update(new_headers)
        _KEY_HEADERS.update(
            h
            for h in new_headers
            if _KEY_HEADER.search(h) and not _OTHER_KEY.search(h.replace("vNetwork.", ""))
        )
    texts = [wl.source_key] if wl.source_key else []
    texts += [str(attrs[k]) for k in _KEY_HEADERS if attrs.get(k)]
    keys: set[str] = set()
    for text in texts:
        for m in _ANY_KEY.finditer(text):
            kind = m.lastgroup
            found = m.group(0)
            if kind == "serial":
                hex32 = re.sub(r"[^0-9a-f]", "", m.group("serialhex").casefold())
                keys.update((f"uuid:{hex32}", f"uuid:{_swapped(hex32)}"))
            elif kind == "uuid":
                hex32 = found.replace("-", "").casefold()
                if hex32 not in _NIL_UUIDS:
                    keys.update((f"uuid:{hex32}", f"uuid:{_swapped(hex32)}"))
            elif kind == "mac":
                mac = re.sub(r"[^0-9a-f]", "", found.casefold())
                if mac not in _NOT_MACS:
                    keys.add(f"mac:{mac}")
            elif kind == "iid":
                keys.add(f"iid:{found.casefold()}")
    return keys


def distinct_machines(a: Workload, b: Workload) -> bool:
    """True when both carry MAC addresses (or instance ids) and share none."""
    ka, kb = strong_keys(a), strong_keys(b)
    for kind in ("mac:", "iid:"):
        xa = {k for k in ka if k.startswith(kind)}
        xb = {k for k in kb if k.startswith(kind)}
        if xa and xb and not xa & xb:
            return True
    return False


def short_names(wl: Workload) -> set[str]:
    """Host names without their DNS domain, case-folded (an IP address stays whole)."""
    out = set()
    for text in (wl.name, wl.dns_name):
        text = text.strip().casefold()
        if not text:
            continue
        if "." in text:
            try:
                if text[0].isdigit() or ":" in text:
                    ipaddress.ip_address(text)
                else:
                    raise ValueError
            except ValueError:
                text = text.split(".", 1)[0]
        out.add(text)
    return out


def _kind(wl: Workload) -> str:
    return wl.sources[0].sheet.casefold() if wl.sources else ""


def _keyed_kinds(keys: set[str]) -> set[str]:
    return {k.split(":", 1)[0] for k in keys}


def _describe_key(key: str) -> str:
    kind, value = key.split(":", 1)
    if kind == "mac":
        return "MAC address " + ":".join(value[i : i + 2] for i in range(0, 12, 2))
    if kind == "iid":
        return f"instance id {value}"
    return f"UUID {value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"


@dataclass(frozen=True)
class Match:
    """A workload of the import that is (or may be) a workload already there."""

    status: MatchStatus
    #: The workload of the import: its id, name and the row it came from.
    new_id: str
    name: str
    source: str
    #: The workload it was merged into (matched), or "" (ambiguous).
    target_id: str
    target_name: str
    #: Why, in words ("same MAC address 00:50:56:aa:bb:01").
    evidence: str
    #: Workloads it could be (ambiguous), as ids.
    candidates: tuple[str, ...] = ()


class Reconciler:
    """Matches workloads of an import against workloads of other sources."""

    def __init__(self, workloads: Iterable[Workload]) -> None:
        #: Keys two workloads of one source carry: they identify no machine (a template's
        #: MAC copied to its clones, a placeholder), so they match nothing.
        self._shared: set[str] = set()
        #: Keys of workloads of the import, computed once when they are matched.
        self._new_keys: dict[str, set[str]] = {}
        #: The workloads by id as they are now (a merge replaces one), and the ids indexed
        #: by strong key and by short name.
        self._current: dict[str, Workload] = {}
        self._by_key: dict[str, list[str]] = {}
        self._owner: dict[str, tuple[str, str]] = {}
        self._by_name: dict[str, list[str]] = defaultdict(list)
        self._keys: dict[str, set[str]] = {}
        for wl in workloads:
            self.add(wl)

    def add(self, wl: Workload, keys: set[str] | None = None) -> None:
        if keys is None:
            keys = self._new_keys.pop(wl.id, None) or strong_keys(wl)
        self._current[wl.id] = wl
        self._keys[wl.id] = keys
        self._index_keys(wl, keys)
        for name in short_names(wl):
            self._by_name[name].append(wl.id)

    def _index_keys(self, wl: Workload, keys: Iterable[str]) -> None:
        system = wl.source_system.casefold()
        shared, owner, by_key = self._shared, self._owner, self._by_key
        for key in keys:
            if key in shared:
                continue
            first = owner.get(key)
            if first is None:
                owner[key] = (system, wl.id)
                by_key[key] = [wl.id]
            elif first[0] == system and first[1] != wl.id:
                shared.add(key)
                del by_key[key]
            elif wl.id not in by_key[key]:
                by_key[key].append(wl.id)

    def replace(self, old: Workload, merged: Workload, incoming: Workload) -> None:
        """``merged`` (``old`` with ``incoming`` merged into it) stands for ``old`` from now
        on, with the keys and names of both."""
        self._current[old.id] = merged
        keys = self._keys.setdefault(old.id, set())
        incoming_keys = self._new_keys.pop(incoming.id, None)
        if incoming_keys is None:
            incoming_keys = strong_keys(incoming)
        added = incoming_keys - keys
        keys |= added
        self._index_keys(merged, added)
        for name in short_names(merged) - short_names(old):
            self._by_name[name].append(old.id)

    def match(self, new: Workload, taken: set[str]) -> tuple[Match | None, Workload | None]:
        """The match of ``new`` (None when nothing is alike) and the workload it is merged
        into (None unless matched). ``taken``: workloads already merged with a row of the
        same file, which a second row cannot claim."""
        keys = self._new_keys[new.id] = strong_keys(new)
        source = new.sources[0].describe() if new.sources else ""
        current = self._current
        by_key: dict[str, tuple[Workload, str]] = {}
        for key in keys - self._shared:
            for wid in self._by_key.get(key, ()):
                wl = current[wid]
                if wid != new.id and self._other_source(new, wl):
                    by_key.setdefault(wid, (wl, key))
        if len(by_key) == 1:
            ((wl, key),) = by_key.values()
            if wl.id not in taken:
                return Match("matched", new.id, new.name, source, wl.id, wl.name,
                             f"same {_describe_key(key)}"), wl  # fmt: skip
        if by_key:
            return self._ambiguous(new, source, [w for w, _ in by_key.values()],
                                   "shares a strong key with several workloads"), None  # fmt: skip
        kinds = _keyed_kinds(keys) & {"mac", "iid"}
        candidates: dict[str, Workload] = {}
        for name in short_names(new):
            for wid in self._by_name.get(name, ()):
                wl = current[wid]
                if wid == new.id or not self._other_source(new, wl):
                    continue
                if self._only_strong(new, wl):
                    continue
                theirs = self._keys.get(wl.id, set())
                if kinds & _keyed_kinds(theirs):
                    continue  # both carry MACs (or instance ids) and none is shared
                candidates[wl.id] = wl
        if not candidates:
            return None, None
        ips = set(new.ips)
        sharing = [w for w in candidates.values() if ips & set(w.ips)]
        if len(sharing) == 1 and sharing[0].id not in taken:
            wl = sharing[0]
            ip = sorted(ips & set(wl.ips))[0]
            return Match("matched", new.id, new.name, source, wl.id, wl.name,
                         f"same name and IP address {ip}"), wl  # fmt: skip
        if len(candidates) > 1:
            why = "several workloads have this name"
        elif not ips or not next(iter(candidates.values())).ips:
            why = "the same name, but no IP address to confirm it"
        elif sharing:
            why = "the same name and IP address, but that workload is already merged"
        else:
            why = "the same name, but different IP addresses"
        return self._ambiguous(new, source, list(candidates.values()), why), None

    @staticmethod
    def _other_source(new: Workload, wl: Workload) -> bool:
        """False for two rows of one named source system (one vCenter): a VM its key did not
        find there is a VM of its own. Files that name no system may be anything."""
        system = new.source_system.casefold()
        return not system or system != wl.source_system.casefold()

    @staticmethod
    def _only_strong(new: Workload, wl: Workload) -> bool:
        """Two exports of one kind from two source systems (two vCenters): names repeat."""
        return bool(
            new.source_system
            and wl.source_system
            and _kind(new) == _kind(wl)
            and new.source_system.casefold() != wl.source_system.casefold()
        )

    @staticmethod
    def _ambiguous(new: Workload, source: str, found: list[Workload], why: str) -> Match:
        ids = tuple(sorted(w.id for w in found))
        return Match("ambiguous", new.id, new.name, source, "", "", why, ids)
