from __future__ import annotations

import pytest

from migplan.core.enums import OsFamily
from migplan.core.osnorm import normalize_os


@pytest.mark.parametrize(
    ("reported", "family", "distro", "version"),
    [
        ("Microsoft Windows Server 2019 (64-bit)", OsFamily.WINDOWS, "windows-server", "2019"),
        (
            "Microsoft Windows Server 2008 R2 (64-bit)",
            OsFamily.WINDOWS,
            "windows-server",
            "2008 R2",
        ),
        ("windows9Server64Guest", OsFamily.WINDOWS, "windows-server", "2016"),
        ("Red Hat Enterprise Linux 8 (64-bit)", OsFamily.LINUX, "rhel", "8"),
        ("rhel7_64Guest", OsFamily.LINUX, "rhel", "7"),
        ("CentOS 7 (64-bit)", OsFamily.LINUX, "centos", "7"),
        ("Ubuntu Linux (64-bit)", OsFamily.LINUX, "ubuntu", ""),
        ("Ubuntu 22.04.3 LTS", OsFamily.LINUX, "ubuntu", "22.04"),
        ("SUSE Linux Enterprise 15 (64-bit)", OsFamily.LINUX, "sles", "15"),
        ("Oracle Solaris 11 (64-bit)", OsFamily.UNIX, "solaris", "11"),
        ("Microsoft Windows 10 (64-bit)", OsFamily.WINDOWS, "windows", "10"),
        ("", OsFamily.UNKNOWN, "", ""),
        ("Plan 9", OsFamily.UNKNOWN, "", ""),
    ],
)
def test_normalize_os(reported: str, family: OsFamily, distro: str, version: str) -> None:
    info = normalize_os(reported)
    assert (info.family, info.distro, info.version) == (family, distro, version)
