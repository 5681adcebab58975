from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from migplan.core.enums import Criticality, GpuMode
from migplan.core.errors import describe_validation_error
from migplan.core.ids import dependency_id, is_valid_id, wave_id, workload_id
from migplan.core.models import Dependency, GpuNeeds, TimeWindow, Wave, Workload


def make(**kw: object) -> Workload:
    return Workload(id=workload_id("web01", "vc1"), name="web01", **kw)  # type: ignore[arg-type]


def test_stable_ids_are_readable_and_distinguish_vcenters() -> None:
    a = workload_id("web01", "vc-east")
    b = workload_id("web01", "vc-west")
    assert a.startswith("w-web01-") and b.startswith("w-web01-")
    assert a != b
    assert workload_id("web01", "vc-east") == a
    assert is_valid_id(a)
    assert is_valid_id(workload_id("naïve name / with spaces", "x"))


def test_negative_vcpu_is_refused_with_a_readable_message() -> None:
    with pytest.raises(ValidationError) as info:
        make(vcpu=-2)
    msg = describe_validation_error(info.value, "workload web01")
    assert msg == "workload web01: vCPU: Input should be greater than or equal to 0 (got -2)"


def test_bad_ip_is_named() -> None:
    with pytest.raises(ValidationError) as info:
        make(ips=("10.0.0.300",))
    assert "'10.0.0.300' is not an IPv4 or IPv6 address" in describe_validation_error(info.value)


def test_ips_are_normalised() -> None:
    assert make(ips=(" 10.0.0.1 ", "2001:DB8::1")).ips == ("10.0.0.1", "2001:db8::1")


def test_used_storage_far_above_provisioned_is_refused() -> None:
    with pytest.raises(ValidationError, match="larger than provisioned"):
        make(storage_provisioned_mib=1000, storage_used_mib=90_000)
    assert make(
        storage_provisioned_mib=100_000, storage_used_mib=100_500
    ).storage_gib == pytest.approx(100_500 / 1024)


def test_unknown_field_and_blank_name_are_refused() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        Workload(id=workload_id("a"), name="a", colour="red")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Workload(id=workload_id("a"), name="   ")


def test_gpu_needs_consistency() -> None:
    with pytest.raises(ValidationError, match="MIG profile"):
        GpuNeeds(count=1, mode=GpuMode.MIG)
    with pytest.raises(ValidationError, match="count of at least 1"):
        GpuNeeds(count=0, mode=GpuMode.PASSTHROUGH)
    assert GpuNeeds(count=2, mode=GpuMode.VGPU).count == 2


def test_dependency_loop_is_named() -> None:
    w = workload_id("a")
    assert "to itself" in Dependency(id=dependency_id("x"), source=w, target=w).loop_problem
    assert Dependency(id=dependency_id("y"), source=w, target=workload_id("b")).loop_problem == ""


def test_wave_dates_and_windows_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="ends"):
        Wave(
            id=wave_id("1"),
            name="W1",
            order=1,
            start_date=dt.date(2027, 3, 2),
            end_date=dt.date(2027, 3, 1),
        )
    start = dt.datetime(2027, 3, 1, 20)
    with pytest.raises(ValidationError, match="before it starts"):
        TimeWindow(start=start, end=start)
    assert TimeWindow(start=start, end=start + dt.timedelta(hours=6)).hours == 6


def test_criticality_ranks() -> None:
    assert Criticality.MISSION_CRITICAL.rank > Criticality.HIGH.rank > Criticality.LOW.rank
    assert Criticality.UNKNOWN.rank < Criticality.LOW.rank


def test_with_changes_validates() -> None:
    w = make(vcpu=2)
    assert w.with_changes(vcpu=8).vcpu == 8
    assert w.vcpu == 2
    with pytest.raises(ValidationError):
        w.with_changes(memory_mib="lots")


def test_a_window_mixing_a_time_zone_and_none_is_refused_not_a_crash() -> None:
    """Found by tests/io/test_planfile_fuzz.py: a start given as a number (UTC) and an end
    without a zone made the model's own check raise TypeError, a traceback for the user."""
    import datetime as dt

    import pytest
    from pydantic import ValidationError

    from migplan.core.models import TimeWindow

    with pytest.raises(ValidationError, match="time zone"):
        TimeWindow(start=0, end=dt.datetime(2026, 1, 1, 22))  # type: ignore[arg-type]
