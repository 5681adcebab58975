"""Write the dependency-import test fixtures into ``tests/fixtures/deps/``.

Run ``python scripts/make_dependency_fixtures.py`` after changing this file. The files are
small, hand-made from the column lists in ``../shared/formats.md`` (Azure Migrate dependency
export and its ``Connection Count`` variant, a generic edge list, Get-NetTCPConnection with a
``#TYPE`` line, netstat and ss text from two hosts, ServiceNow ``cmdb_rel_ci``, Konveyor
import CSV). ``fixture_plan()`` builds the small plan they resolve against (the tests import
it). Names and addresses are invented (``example.test`` and the documentation ranges); no real
company data.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))

from migplan.core.document import PlanDocument  # noqa: E402
from migplan.core.ids import app_id, dependency_id, workload_id  # noqa: E402
from migplan.core.models import Application, Dependency, Workload  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "deps"

#: name, vCenter, IPs, DNS name
WORKLOADS = (
    ("web01", "vc-a", ("10.20.0.11",), "web01.shop.example.test"),
    ("web02", "vc-a", ("10.20.0.12",), "web02.shop.example.test"),
    ("app01", "vc-a", ("10.20.1.21",), "app01.shop.example.test"),
    ("db01", "vc-a", ("10.20.2.31", "10.20.2.32"), "db01.shop.example.test"),
    ("cache01", "vc-a", ("10.20.1.41",), ""),
    ("WIN-FS01", "vc-b", ("10.20.3.51",), "fs01.corp.example.test"),
    ("dup01", "vc-a", ("10.20.4.61",), ""),
    ("dup01", "vc-b", ("10.20.4.62",), ""),
    ("batch01", "vc-b", ("10.20.5.71",), "batch01.corp.example.test"),
)


def fixture_plan() -> PlanDocument:
    """Nine workloads (two both named dup01), one application, one hand-drawn edge."""
    front = Application(id=app_id("shop frontend"), name="Shop Frontend")
    workloads = [
        Workload(id=workload_id(name, vc), name=name, source_system=vc, ips=ips, dns_name=dns)
        for name, vc, ips, dns in WORKLOADS
    ]
    web01, app01 = workloads[0].id, workloads[2].id
    manual = Dependency(
        id=dependency_id("hand", web01, app01),
        source=web01,
        target=app01,
        port=8080,
        count=2,
        weight=2.0,
        hard=True,
        notes="drawn in the workshop",
    )
    return PlanDocument.from_entities([front, *workloads, manual])


AZURE = """\
Time slot,Source server name,Source IP,Source application,Source process,Destination server name,Destination IP,Destination application,Destination process,Destination port
12/15/2026 12:00-18:00,web01,10.20.0.11,nginx,nginx,app01,10.20.1.21,Tomcat,java,8080
12/15/2026 18:00-0:00,web01,10.20.0.11,nginx,nginx,app01,10.20.1.21,Tomcat,java,8080
12/16/2026 0:00-6:00,web01,10.20.0.11,nginx,nginx,app01,10.20.1.21,Tomcat,java,8080
12/15/2026 12:00-18:00,app01,10.20.1.21,Tomcat,java,,10.20.2.32,,Unknown process,1433
12/15/2026 18:00-0:00,app01,10.20.1.21,Tomcat,java,,10.20.2.32,,Unknown process,1433
12/15/2026 12:00-18:00,app01,10.20.1.21,Tomcat,java,,198.51.100.7,,,443
12/15/2026 18:00-0:00,app01,10.20.1.21,Tomcat,java,,198.51.100.7,,,443
12/16/2026 0:00-6:00,app01,10.20.1.21,Tomcat,java,,198.51.100.7,,,443
12/15/2026 12:00-18:00,WEB02.shop.example.test,10.20.0.12,nginx,nginx,,10.20.1.21,,,8080
12/15/2026 12:00-18:00,app01,10.20.1.21,Tomcat,java,,127.0.0.1,,,8005
12/15/2026 12:00-18:00,db01,10.20.2.31,SQL Server,sqlservr.exe,,10.20.2.32,,,1434
12/15/2026 12:00-18:00,dup01,10.20.4.62,Windows,svchost.exe,,10.20.2.31,,,1433
12/15/2026 12:00-18:00,batch01,10.20.5.71,,,,,,,445
"""

AZURE_COUNTED = """\
Date,Source Appliance Name,Source Machine ARM ID,Source Server Name,Source IP,Source Application,Source Process,Destination Machine ARM ID,Destination Server Name,Destination IP,Destination Application,Destination Process,Destination Port,Connection Count
16-Jul-2026,appliance-1,,batch01,10.20.5.71,,robocopy.exe,,WIN-FS01,10.20.3.51,,System,445,"1,200"
17-Jul-2026,appliance-1,,batch01,10.20.5.71,,robocopy.exe,,WIN-FS01,10.20.3.51,,System,445,300
16-Jul-2026,appliance-1,,cache01,10.20.1.41,,redis-server,,,203.0.113.20,,,6379,7
"""

EDGES = """\
src,dst,port,protocol,weight
web01.shop.example.test,10.20.1.21,8080,tcp,2.5
app01,cache01,6379,TCP,0.5
app01,cache01,6379,TCP,0.25
batch01,fs01,445/tcp,,12
batch01,nas.example.test,2049,udp,
,app01,80,tcp,
"""

NETSTAT_APP01 = """\
# host: app01
Active Internet connections (servers and established)
Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name
tcp        0      0 0.0.0.0:8080            0.0.0.0:*               LISTEN      2101/java
tcp        0      0 127.0.0.1:8005          0.0.0.0:*               LISTEN      2101/java
tcp        0      0 10.20.1.21:8080         10.20.0.11:51512        ESTABLISHED 2101/java
tcp        0      0 10.20.1.21:8080         10.20.0.12:40112        ESTABLISHED 2101/java
tcp        0      0 10.20.1.21:45678        10.20.2.31:1433         ESTABLISHED 2101/java
tcp        0      0 10.20.1.21:45680        10.20.2.31:1433         TIME_WAIT   -
tcp        0      0 10.20.1.21:52000        198.51.100.7:443        ESTABLISHED 2101/java
tcp        0      0 127.0.0.1:33000         127.0.0.1:8005          ESTABLISHED 2101/java
tcp6       0      0 :::22                   :::*                    LISTEN      901/sshd
"""

SS_DB01 = """\
State      Recv-Q Send-Q     Local Address:Port      Peer Address:Port  Process
LISTEN     0      128              0.0.0.0:1433           0.0.0.0:*      users:(("sqlservr",pid=700,fd=5))
LISTEN     0      128                 [::]:22                [::]:*      users:(("sshd",pid=88,fd=4))
ESTAB      0      0             10.20.2.31:1433        10.20.1.21:45678  users:(("sqlservr",pid=700,fd=9))
ESTAB      0      0             10.20.2.31:1433        10.20.4.61:50001  users:(("sqlservr",pid=700,fd=10))
ESTAB      0      36    [::ffff:10.20.2.31]:22    [::ffff:10.20.9.9]:60022  users:(("sshd",pid=4242,fd=4))
"""

NETTCP_FS01 = """\
#TYPE Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetTCPConnection
"LocalAddress","LocalPort","RemoteAddress","RemotePort","State","AppliedSetting","OwningProcess"
"0.0.0.0","445","0.0.0.0","0","Listen","","4"
"::","445","::","0","Listen","","4"
"10.20.3.51","445","10.20.5.71","50123","Established","Datacenter","4"
"10.20.3.51","51000","10.20.2.31","1433","Established","Internet","3120"
"10.20.3.51","52000","203.0.113.20","443","TimeWait","","0"
"127.0.0.1","49670","127.0.0.1","49671","Established","","2200"
"0.0.0.0","49664","0.0.0.0","0","Bound","","600"
"""

SERVICENOW = """\
parent,child,type
Shop Frontend,web01,Runs on::Runs
app01,db01.shop.example.test,Depends on::Used by
db01,app01,Used by::Depends on
web01,app01,Connects to::Connected by
esx-cluster-01,web01,Contains::Contained by
app01,legacy-mq01,Sends data to::Receives data from
batch01,fs01,Mounts::Mounted by
"""

# The UI template's quirks: a space before quoted fields; ragged dependency rows.
KONVEYOR = """\
Record Type 1,Application Name,Description,Comments,Business Service,Dependency,Dependency Direction,Binary Group,Binary Artifact,Binary Version,Binary Packaging,Repository Type,Repository URL,Repository Branch,Repository Path,Owner,Contributors,Tag Category 1,Tag 1,Tag Category 2,Tag 2
1,Shop Frontend,Web shop UI,,Retail,,,,,,,,,,,,,Language,JavaScript,,
1, "Shop Backend", "Order API, payments", "Moved from mainframe",Retail,,,com.example,shop-backend,2.4.1,jar,git,https://git.example.test/shop/backend.git,main,,Jo Doe <jo@example.test>,,Language,Java,Runtime,Quarkus
1,Shop Reports,Nightly reports,,Finance,,,,,,,,,,,,,,,,
2,Shop Backend,,,,Shop Frontend,northbound
2,Shop Reports,,,,Shop Backend,southbound
2,Shop Backend,,,,Payments Gateway,southbound
2,Shop Backend,,,,Shop Reports,sideways
"""

# Device42 DOQL view_servicecommunication_v2 columns (formats.md 6.3): /32 and ::ffff: forms.
DEVICE42 = """\
servicecommunication_pk,listener_device_fk,client_device_fk,listener_ip,client_ip,port,client_process_name,netstat_active_samples,netstat_total_samples
101,7,3,10.20.2.31/32,10.20.1.21,1433,java,12,14
102,7,9,::ffff:10.20.2.31,10.20.5.71,1433,sqlcmd,3,14
103,,3,198.51.100.7,10.20.1.21,443,java,5,14
"""

# AWS Application Discovery Service agent export (camelCase connection columns, formats.md 3.2).
AWS_ADS = """\
agentId,sourceIp,sourcePort,destinationIp,destinationPort,transportProtocol,agentAssignedProcessId
o-0001,10.20.0.11,51000,10.20.1.21,8080,tcp,1234
o-0001,10.20.0.11,51002,10.20.1.21,8080,tcp,1234
o-0002,10.20.1.41,40000,10.20.2.31,1433,tcp,77
"""

FILES = {
    "azure_dependencies.csv": AZURE,
    "azure_dependencies_counted.csv": AZURE_COUNTED,
    "edges.csv": EDGES,
    "netstat-app01.txt": NETSTAT_APP01,
    "ss-db01.txt": SS_DB01,
    "nettcp-fs01.csv": NETTCP_FS01,
    "cmdb_rel_ci.csv": SERVICENOW,
    "konveyor_applications.csv": KONVEYOR,
    "device42_servicecommunication.csv": DEVICE42,
    "aws_ads_connections.csv": AWS_ADS,
}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (OUT / name).write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {len(FILES)} files to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
