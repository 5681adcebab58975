"""One phase (wave) of the phase plan PDF: scope, owners, dependency picture, risk,
coexistence bridges, GPU pools, go/no-go, runbook and back-out, sign-off."""

from __future__ import annotations

from collections import Counter
from typing import Any
from xml.sax.saxutils import escape

from migplan.core.assess.bridges import PhaseBridges
from migplan.core.enums import DispositionKind
from migplan.io.reports.data import AppLink, PlanReport, PoolUse, WaveReport
from migplan.io.reports.pdf_charts import dependency_picture
from migplan.io.reports.pdf_style import BAND_COLOURS, Raw, bullet, para, table
from migplan.io.reports.runbook import GO_NO_GO, SIGN_OFF_ROLES, template_for
from migplan.io.reports.summary import plural

#: Bridges listed per phase, heaviest first; the rest are counted with their traffic.
BRIDGES_SHOWN = 25


def _sentence(text: str) -> str:
    """``text`` ending in a full stop; its first letter is kept (it may be a workload's
    name, such as ``as004-db02``)."""
    text = text.strip()
    return text + ("" if text.endswith(".") else ".")


def phase_section(
    report: PlanReport,
    w: WaveReport,
    rank: int,
    s: dict[str, Any],
    usable: float,
    *,
    bridges: PhaseBridges | None,
    links: list[AppLink],
    pools: list[PoolUse],
    wave_names: dict[int, str],
) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import CondPageBreak, Paragraph

    a = report.assessment
    doc = a.doc
    out: list[Any] = [para(w.title, s["h1"])]
    t = w.totals
    facts = (
        f"{w.dates} · {plural(int(t['workloads']), 'workload')} · {t['vcpu']:,.0f} vCPU · "
        f"{t['memory_gib']:,.0f} GiB memory · {t['storage_gib']:,.0f} GiB of data to move"
    )
    if t["gpus"]:
        facts += f" · {plural(int(t['gpus']), 'GPU')}"
    out.append(para(facts, s["muted"]))
    for line in w.windows:
        out.append(para(line, s["base"]))
    if w.wave is not None and w.wave.notes:
        out.append(para(w.wave.notes, s["base"]))

    # -- risk, in sentences
    risk = w.risk
    if risk is not None:
        band_style = ParagraphStyle(
            "band", parent=s["h2"], textColor=colors.HexColor(BAND_COLOURS[risk.band.value])
        )
        head = f"Risk {risk.score:.0f} of 100: {risk.band.value.upper()}, {risk.confidence.value} confidence"
        out.append(para(head + (" — cannot run as planned" if risk.blocked else ""), band_style))
        for gate in risk.gates:
            out.append(bullet("Blocks the wave: " + _sentence(gate.message), s["bullet"]))
        said = {g.message for g in risk.gates}
        for c in risk.top:
            if c.text in said:
                continue
            out.append(
                bullet(
                    f"{_sentence(c.text)} ({c.name}, {c.points:.0f} of the {risk.score:.0f} points.)",
                    s["bullet"],
                )
            )
        out.append(bullet(risk.confidence_text(), s["bullet"]))

    # -- scope: applications first, then workloads
    by_app: dict[str, list[Any]] = {}
    for wl in w.workloads:
        by_app.setdefault(wl.application_id or "", []).append(wl)
    out.append(para("Scope: applications", s["h2"]))
    app_rows: list[list[Any]] = [["Application", "Owner", "Workloads", "Moves to"]]
    for app_id, members in sorted(
        by_app.items(),
        key=lambda kv: (
            kv[0] == "",
            _app_name(doc, kv[0]).casefold(),
        ),
    ):
        app = doc.applications.get(app_id) if app_id else None  # type: ignore[call-overload]
        kinds = Counter(a.dispositions.get(wl.id) for wl in members)
        to = "; ".join(f"{k.short if k else 'unknown'} {n}" for k, n in kinds.most_common())
        owners = sorted({wl.owner for wl in members if wl.owner})
        owner = (
            app.owner
            if app and app.owner
            else ", ".join(owners[:3]) + (" …" if len(owners) > 3 else "")
        )
        app_rows.append(
            [
                app.name if app else "Workloads without an application",
                owner or "not recorded",
                Raw(f"{len(members):,}"),
                to,
            ]
        )
    out.append(
        table(
            app_rows, [usable * f for f in (0.34, 0.28, 0.1, 0.28)], s, numeric_from=2, numeric_to=3
        )
    )

    # -- dependency picture
    picture = dependency_picture(links, rank, usable, wave_names)
    if picture is not None:
        out += [
            CondPageBreak(picture.height + 36),
            para("How this wave's applications connect", s["h2"]),
            para(
                "Red lines cross to another wave: while one side has moved and the other has not, "
                "that traffic runs between the old and the new platform. Thicker lines carry more traffic.",
                s["small"],
            ),
            picture,
        ]

    # -- coexistence bridges
    out.append(para("Connections across the hybrid link while this wave runs", s["h2"]))
    over = [b for b in bridges.bridges if b.over_link] if bridges else []
    if not over:
        out.append(
            para("No connection crosses the hybrid link once this wave has moved.", s["base"])
        )
    else:
        assert bridges is not None
        total = sum(b.mbps for b in over)
        out.append(
            para(
                f"{plural(len(over), 'connection')} {'crosses' if len(over) == 1 else 'cross'} between the legacy side and the new platform once this wave "
                f"has moved, {total:,.1f} Mbit/s together; at its busiest during the wave the link carries "
                f"{bridges.peak_mbps:,.1f} of the {bridges.usable_mbps:,.0f} Mbit/s it can spare"
                + (" — more than it can." if bridges.over_capacity else "."),
                s["base"],
            )
        )
        name_of = doc.node_name
        rows: list[list[Any]] = [["From", "Runs as", "To", "Runs as", "Port", "Traffic Mbit/s"]]
        for b in over[:BRIDGES_SHOWN]:
            port = f"{b.port}/{b.protocol.value}" if b.port is not None else "any"
            rows.append(
                [
                    name_of(b.source),
                    Raw(b.source_platform.label),
                    name_of(b.target),
                    Raw(b.target_platform.label),
                    Raw(port),
                    Raw(f"{b.mbps:,.1f}"),
                ]
            )
        out.append(
            table(
                rows, [usable * f for f in (0.25, 0.13, 0.25, 0.13, 0.11, 0.13)], s, numeric_from=5
            )
        )
        if len(over) > BRIDGES_SHOWN:
            rest = over[BRIDGES_SHOWN:]
            out.append(
                para(
                    f"… and {plural(len(rest), 'more connection')} ({sum(b.mbps for b in rest):,.1f} Mbit/s "
                    "together), each lighter than those above.",
                    s["small"],
                )
            )

    # -- GPU pools
    if pools:
        out.append(para("GPU pools after this wave", s["h2"]))
        rows = [["Pool", "GPUs this wave takes", "GPUs in use", "GPUs in the pool"]]
        for p in pools:
            rows.append(
                [
                    f"{', '.join(p.names)} ({p.label})",
                    Raw(f"{p.added:,.1f}".removesuffix(".0")),
                    Raw(f"{p.in_use:,.1f}".removesuffix(".0")),
                    Raw(f"{p.capacity:,.0f}"),
                ]
            )
        out.append(table(rows, [usable * f for f in (0.46, 0.18, 0.18, 0.18)], s, numeric_from=1))

    # -- rules broken, grouped
    if w.violations:
        counts = Counter(v.rule.title for v in w.violations)
        out.append(para(f"Planning rules broken ({len(w.violations):,})", s["h2"]))
        rows = [["Rule", "Times"]]
        for title, n in counts.most_common():
            rows.append([title, Raw(f"{n:,}")])
        out.append(table(rows, [usable * 0.6, usable * 0.12], s, numeric_from=1))
        out.append(para("Appendix A lists each one.", s["small"]))

    # -- go / no-go
    out.append(CondPageBreak(120))
    out.append(para("Go / no-go checklist", s["h2"]))
    checks = list(GO_NO_GO)
    if w.wave is not None and w.wave.cutover_window is not None:
        cw = w.wave.cutover_window
        checks.insert(
            0,
            f"The cutover window {cw.start:%a %d %b %Y %H:%M} to {cw.end:%a %d %b %H:%M} is booked and announced.",
        )
    if over:
        checks.append(
            "The connection across the hybrid link listed above answers from both sides."
            if len(over) == 1
            else f"The {len(over):,} connections across the hybrid link answer from both sides."
        )
    if risk is not None and risk.blocked:
        checks.append("What blocks the wave (see Risk) is resolved.")
    for check in checks:
        out.append(bullet(check, s["bullet"], "☐"))

    # -- runbook and back-out, by disposition
    kinds = Counter(a.dispositions.get(wl.id) for wl in w.workloads)
    if kinds:
        out.append(para("Runbook and back-out steps", s["h2"]))
        order = [
            DispositionKind.REHOST_KUBEVIRT,
            DispositionKind.CONTAINERIZE,
            DispositionKind.RETIRE,
            DispositionKind.RETAIN,
        ]
        rows = [["For", "Steps", "Back-out"]]
        for kind in order:
            if not kinds.get(kind):
                continue
            tpl = template_for(kind)
            steps = "<br/>".join(f"{i}. {escape(x)}" for i, x in enumerate(tpl.runbook, 1))
            back = "<br/>".join(f"{i}. {escape(x)}" for i, x in enumerate(tpl.backout, 1))
            rows.append(
                [
                    f"{tpl.title}: {plural(kinds[kind], 'workload')}",
                    Paragraph(steps, s["cell"]),
                    Paragraph(back, s["cell"]),
                ]
            )
        out.append(table(rows, [usable * f for f in (0.2, 0.5, 0.3)], s))
        if w.wave is not None and w.wave.rollback_window is not None:
            rw = w.wave.rollback_window
            out.append(
                para(
                    f"Back-out is possible until {rw.end:%a %d %b %Y %H:%M} (rollback window of {rw.hours:g} h).",
                    s["small"],
                )
            )

    # -- workloads
    if w.rows:
        from migplan.io.reports.data import WORKLOAD_COLUMNS

        out.append(CondPageBreak(80))
        out.append(para(f"Scope: workloads ({len(w.rows):,})", s["h2"]))
        rows = [list(WORKLOAD_COLUMNS)]
        for r in w.rows:
            rows.append(
                [r[0], r[1], Raw(r[2]), Raw(r[3]), r[4], Raw(r[5]), *(Raw(f"{v:,}") for v in r[6:])]
            )
        widths = [usable * f for f in (0.19, 0.16, 0.09, 0.1, 0.13, 0.07, 0.05, 0.07, 0.08, 0.05)]
        out.append(table(rows, widths, s, numeric_from=6))
        if any(str(r[4]).startswith("(") for r in w.rows):
            out.append(
                para(
                    "Dispositions in brackets are MigPlan's suggestions; the others were chosen by a person.",
                    s["small"],
                )
            )

    # -- sign-off
    out.append(CondPageBreak(130))
    out.append(para("Sign-off", s["h2"]))
    rows = [["Role", "Name", "Signature", "Date"]] + [[role, "", "", ""] for role in SIGN_OFF_ROLES]
    heights: list[float | None] = [None] + [26.0] * len(SIGN_OFF_ROLES)
    out.append(table(rows, [usable * f for f in (0.25, 0.3, 0.3, 0.15)], s, row_heights=heights))
    return out


def _app_name(doc: Any, app_id: str) -> str:
    app = doc.applications.get(app_id)
    return str(app.name) if app is not None else ""
