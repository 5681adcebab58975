"""Errors with messages written for the user, and pydantic errors turned into such messages."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

_FIELD_LABELS = {
    "vcpu": "vCPU",
    "memory_mib": "memory (MiB)",
    "storage_provisioned_mib": "provisioned storage (MiB)",
    "storage_used_mib": "used storage (MiB)",
    "ips": "IP addresses",
    "os_reported": "OS",
    "dns_name": "DNS name",
    "wave_id": "wave",
    "application_id": "application",
}


class MigPlanError(Exception):
    """Base of every error MigPlan reports to a user; ``str()`` is the message to show."""


class CommandError(MigPlanError, ValueError):
    """A change was refused; the document is unchanged."""


def field_label(name: str) -> str:
    return _FIELD_LABELS.get(name, name.replace("_", " "))


def describe_validation_error(exc: ValidationError, what: str = "", limit: int = 5) -> str:
    """One line per problem: ``<what>: <field>: <reason>``, at most ``limit`` of them."""
    lines = []
    errors = exc.errors(include_url=False)
    for err in errors[:limit]:
        loc = ".".join(field_label(str(p)) for p in err["loc"] if not isinstance(p, int))
        msg = validation_reason(err)
        prefix = f"{what}: " if what else ""
        lines.append(f"{prefix}{loc}: {msg}" if loc else f"{prefix}{msg}")
    if len(errors) > limit:
        lines.append(f"... and {len(errors) - limit} more problems")
    return "\n".join(lines)


def validation_reason(err: Any) -> str:
    """What is wrong with one value, in words, with the value given when it is short."""
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return "is not a known field"
    given = err.get("input")
    quiet = err["type"] in ("missing", "value_error", "model_type")
    short = given is not None and not isinstance(given, dict | list) and len(repr(given)) < 60
    if short and not quiet:
        msg = f"{msg} (got {given!r})"
    return msg
