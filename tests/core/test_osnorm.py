from __future__ import annotations

import pytest

from migplan.core.enums import OsFamily
from migplan.core.osnorm import more_specific, normalize_os


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


# What real RVTools exports print, and what each says (hand-checked: vSphere guest OS names
# from the configuration file, and what VMware Tools reads inside the guest).
@pytest.mark.parametrize(
    ("reported", "family", "distro", "version"),
    [
        ("Other 2.6.x Linux (64-bit)", "linux", "linux", "kernel 2.6.x"),
        ("Other 3.x or later Linux (64-bit)", "linux", "linux", "kernel 3.x"),
        ("Other 4.x or later Linux (64-bit)", "linux", "linux", "kernel 4.x"),
        ("Other Linux (64-bit)", "linux", "linux", ""),
        ("CentOS 4/5/6/7 (64-bit)", "linux", "centos", ""),
        ("CentOS 4/5 or later (64-bit)", "linux", "centos", ""),
        ("Oracle Linux 4/5/6/7 (64-bit)", "linux", "oracle-linux", ""),
        ("CentOS Linux release 7.9.2009 (Core)", "linux", "centos", "7.9"),
        ("Oracle Linux Server release 8.6", "linux", "oracle-linux", "8.6"),
        ("Red Hat Enterprise Linux 8.7 (Ootpa)", "linux", "rhel", "8.7"),
        ("Red Hat Fedora (64-bit)", "linux", "fedora", ""),
        ("Rocky Linux 9.2 (Blue Onyx)", "linux", "rocky", "9.2"),
        ("AlmaLinux 9.1 (Lime Lynx)", "linux", "almalinux", "9.1"),
        ("SUSE Linux Enterprise Server 15 SP4", "linux", "sles", "15"),
        ("Debian GNU/Linux 11 (bullseye)", "linux", "debian", "11"),
        ("Ubuntu 22.04.3 LTS", "linux", "ubuntu", "22.04"),
        ("Microsoft Windows Server 2019 Standard", "windows", "windows-server", "2019"),
        ("Microsoft Windows Server 2008 R2 (64-bit)", "windows", "windows-server", "2008 R2"),
        ("Microsoft Windows Server 2016 or later (64-bit)", "windows", "windows-server", "2016"),
        ("Oracle Solaris 11 (64-bit)", "unix", "solaris", "11"),
    ],
)
def test_real_rvtools_os_strings(reported: str, family: str, distro: str, version: str) -> None:
    info = normalize_os(reported)
    assert (info.family.value, info.distro, info.version) == (family, distro, version)


@pytest.mark.parametrize(
    ("configured", "tools", "kept"),
    [
        # generic configuration, specific guest: the guest's own report says more
        ("Other 2.6.x Linux (64-bit)", "Oracle Linux Server release 8.6", "tools"),
        ("Ubuntu Linux (64-bit)", "Ubuntu 22.04.3 LTS", "tools"),
        ("CentOS 4/5/6/7 (64-bit)", "CentOS Linux release 7.9.2009 (Core)", "tools"),
        # as specific as each other, or Tools silent: the configuration stays
        ("Red Hat Enterprise Linux 8 (64-bit)", "Red Hat Enterprise Linux 8.7 (Ootpa)", "config"),
        ("Microsoft Windows Server 2019 (64-bit)", "", "config"),
        ("", "Microsoft Windows Server 2019 Standard", "tools"),
    ],
)
def test_the_more_specific_of_configured_and_tools_os_wins(
    configured: str, tools: str, kept: str
) -> None:
    assert more_specific(configured, tools) == (tools if kept == "tools" else configured)
