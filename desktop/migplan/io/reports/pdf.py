"""The phase plan as a PDF a project manager can take into a meeting (reportlab).

A4 landscape: a cover with the plan's totals, KPIs and every wave at a glance, then one
section per wave with its dates and windows, its risk and why, its workloads and the rules
it breaks, and last the workloads in no wave with the rule that keeps each out. Every text from the plan is escaped before it reaches a reportlab paragraph, and a
shipped TTF (DejaVu Sans) draws every glyph (reportlab's built-in fonts lack Ł, ź, ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from migplan.core.document import PlanDocument
from migplan.io.atomic import write_atomically
from migplan.io.reports.data import WORKLOAD_COLUMNS, PlanReport, WaveReport, build_report
from migplan.paths import resources_dir

BAND_COLOURS = {"low": "#2e7d32", "medium": "#b26a00", "high": "#c62828", "critical": "#8e0000"}
FONT, FONT_BOLD = "MigPlanSans", "MigPlanSans-Bold"


def _register_fonts() -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    fonts = resources_dir() / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(fonts / "DejaVuSans-Bold.ttf")))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)


def _p(text: Any, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text)), style)


def write_pdf(doc: PlanDocument, path: Path, report: PlanReport | None = None) -> None:
    """Write the phase plan of ``doc`` to ``path`` (atomically)."""
    report = report or build_report(doc)
    write_atomically(path, lambda tmp: _build(report, tmp))


def _styles() -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=11.5)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9),
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=22, leading=27, spaceAfter=6
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=15,
            leading=19,
            spaceBefore=4,
            spaceAfter=4,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=10.5,
            leading=13,
            spaceBefore=8,
            spaceAfter=3,
        ),
        "muted": ParagraphStyle("muted", parent=base, textColor=colors.HexColor("#5b6270")),
    }


def _table(
    rows: list[list[Any]], widths: list[float], header: bool = True, numeric_from: int | None = None
) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    if header:
        from reportlab.lib.styles import ParagraphStyle

        head = ParagraphStyle("head", fontName=FONT_BOLD, fontSize=7.5, leading=9)
        head_right = ParagraphStyle("head_right", parent=head, alignment=2)
        first = numeric_from if numeric_from is not None else len(rows[0])
        rows = [
            [
                _p(c, head_right if i >= first else head) if isinstance(c, str) else c
                for i, c in enumerate(rows[0])
            ],
            *rows[1:],
        ]
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 7.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d9dce2")),
    ]
    if header:
        style += [
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, 7.5),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eceef2")),
        ]
    if numeric_from is not None:
        style.append(("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def _build(report: PlanReport, path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, PageBreak, SimpleDocTemplate, Spacer

    _register_fonts()
    s = _styles()
    page_w, page_h = landscape(A4)

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#5b6270"))
        canvas.drawString(
            15 * mm, 8 * mm, f"MigPlan phase plan — {report.name} — {report.generated}"
        )
        canvas.drawRightString(page_w - 15 * mm, 8 * mm, f"page {document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        str(path),
        pagesize=(page_w, page_h),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=13 * mm,
        bottomMargin=15 * mm,
        title=f"Phase plan: {report.name}",
        author="MigPlan",
    )
    usable = page_w - 30 * mm
    story: list[Any] = [
        _p(report.name, s["title"]),
        _p(f"Phase plan generated {report.generated}", s["muted"]),
        Spacer(1, 5 * mm),
    ]
    c, t = report.counts, report.totals
    summary: list[list[Any]] = [
        [
            "Workloads",
            "Applications",
            "Dependencies",
            "Waves",
            "vCPU",
            "Memory GiB",
            "Storage GiB",
            "GPUs",
            "Not in a wave",
        ],
        [
            c["workloads"],
            c["applications"],
            c["dependencies"],
            c["waves"],
            t["vcpu"],
            f"{t['memory_gib']:,.0f}",
            f"{t['storage_gib']:,.0f}",
            t["gpus"],
            len(report.unassigned.workloads),
        ],
    ]
    story.append(_table(summary, [usable / 9] * 9, numeric_from=0))
    if report.metrics:
        m = report.metrics
        story += [
            _p("How well the waves are cut", s["h2"]),
            _table(
                [
                    [
                        "Traffic × wave distance",
                        "Peak traffic on the hybrid link",
                        "Dependencies placed after their dependant",
                        "Workloads over capacity",
                        "Hard rules broken",
                    ],
                    [
                        f"{m['weighted_wave_distance']:,.0f}",
                        f"{m['peak_cut']:,.0f}",
                        f"{m['precedence_violations']} (weight {m['precedence_weight']:,.0f})",
                        m["capacity_overflow"],
                        sum(1 for v in report.violations if v.severity.value == "hard"),
                    ],
                ],
                [usable / 5] * 5,
                numeric_from=0,
            ),
        ]
    story.append(_p("Waves at a glance", s["h2"]))
    glance: list[list[Any]] = [
        [
            "Wave",
            "Dates",
            "Workloads",
            "vCPU",
            "Storage GiB",
            "Risk",
            "Band",
            "Confidence",
            "Rules broken",
        ]
    ]
    band_rows: list[tuple[int, str]] = []
    for i, w in enumerate(report.waves, start=1):
        risk = w.risk
        glance.append(
            [
                _p(w.title, s["cell"]),
                w.dates,
                w.totals["workloads"],
                w.totals["vcpu"],
                f"{w.totals['storage_gib']:,.0f}",
                f"{risk.score:.0f}" if risk else "",
                risk.band.value.upper() if risk else "",
                risk.confidence.value if risk else "",
                len(w.violations),
            ]
        )
        if risk:
            band_rows.append((i, risk.band.value))
    widths = [usable * f for f in (0.2, 0.2, 0.08, 0.07, 0.1, 0.07, 0.08, 0.1, 0.1)]
    glance_table = _table(glance, widths, numeric_from=2)
    from reportlab.platypus import TableStyle

    glance_table.setStyle(
        TableStyle(
            [("TEXTCOLOR", (6, r), (6, r), colors.HexColor(BAND_COLOURS[b])) for r, b in band_rows]
        )
    )
    story.append(glance_table)
    for wave in report.waves:
        story += [PageBreak(), *_wave_section(wave, s, usable)]
    if report.unassigned.workloads:
        story += [PageBreak(), *_unplaced_section(report, s, usable)]
    story.append(KeepTogether([]))
    document.build(story, onFirstPage=footer, onLaterPages=footer)


def _wave_section(w: WaveReport, s: dict[str, Any], usable: float) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    out: list[Any] = [_p(w.title, s["h1"])]
    t = w.totals
    facts = f"{w.dates}  ·  {t['workloads']} workloads · {t['vcpu']} vCPU · {t['memory_gib']:,.0f} GiB memory · {t['storage_gib']:,.0f} GiB storage"
    if t["gpus"]:
        facts += f" · {t['gpus']} GPUs"
    out.append(_p(facts.strip(" ·"), s["muted"]))
    for line in w.windows:
        out.append(_p(line, s["base"]))
    if w.wave is not None and w.wave.notes:
        out.append(_p(w.wave.notes, s["base"]))
    risk = w.risk
    if risk is not None:
        colour = colors.HexColor(BAND_COLOURS[risk.band.value])
        band_style = ParagraphStyle("band", parent=s["h2"], textColor=colour)
        out.append(
            _p(
                f"Risk {risk.score:.0f}/100 — {risk.band.value.upper()} — confidence {risk.confidence.value}"
                + (" — blocked as planned" if risk.blocked else ""),
                band_style,
            )
        )
        for line in risk.explain()[1:]:
            out.append(_p(f"• {line}", s["small"]))
    if w.violations:
        out.append(_p(f"Rules broken ({len(w.violations)})", s["h2"]))
        for v in w.violations[:40]:
            out.append(_p(f"• [{v.severity.value}] {v.message}", s["small"]))
        if len(w.violations) > 40:
            out.append(
                _p(f"… and {len(w.violations) - 40} more (see the Excel export)", s["small"])
            )
    out.append(Spacer(1, 3 * mm))
    if w.rows:
        rows = [list(WORKLOAD_COLUMNS)] + [
            [_p(r[0], s["cell"]), _p(r[1], s["cell"]), *r[2:]] for r in w.rows
        ]
        widths = [usable * f for f in (0.17, 0.17, 0.09, 0.1, 0.13, 0.09, 0.05, 0.07, 0.08, 0.05)]
        out.append(_table(rows, widths, numeric_from=6))
        if any(str(r[4]).startswith("(") for r in w.rows):
            out.append(
                _p(
                    "Dispositions in brackets are MigPlan's suggestions; the others were chosen by a person.",
                    s["small"],
                )
            )
    else:
        out.append(_p("No workloads.", s["muted"]))
    return out


def _unplaced_section(report: PlanReport, s: dict[str, Any], usable: float) -> list[Any]:
    """“Not planned, and why”: how many workloads each rule keeps out and what the rule
    means, then the workloads by reason (a reason shared by many is printed once)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    t = report.unassigned.totals
    n = len(report.unassigned.workloads)
    out: list[Any] = [_p("Not planned, and why", s["h1"])]
    facts = (
        f"{n} workload{'s' if n != 1 else ''} in no wave · {t['vcpu']:,} vCPU · "
        f"{t['memory_gib']:,.0f} GiB memory · {t['storage_gib']:,.0f} GiB storage"
    )
    if t["gpus"]:
        facts += f" · {t['gpus']} GPUs"
    out += [
        _p(facts, s["muted"]),
        Spacer(1, 2 * mm),
        _p(
            "These workloads stay where they run today. The table counts them by the planning "
            "rule that keeps them out of the waves; the lists after it name each one and why.",
            s["base"],
        ),
        Spacer(1, 3 * mm),
    ]
    groups = report.unplaced_groups()
    right = ParagraphStyle("head_right", fontName=FONT_BOLD, fontSize=7.5, leading=9, alignment=2)
    rows: list[list[Any]] = [["Reason", _p("Workloads", right), "What it means"]]
    for g in groups:
        rows.append([_p(g.rule.title, s["cell"]), g.count, _p(g.rule.statement, s["cell"])])
    table = _table(rows, [usable * f for f in (0.27, 0.09, 0.64)])
    from reportlab.platypus import TableStyle

    table.setStyle(TableStyle([("ALIGN", (1, 0), (1, -1), "RIGHT")]))
    out.append(table)
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph

    # A hanging bullet: wrapped lines of a reason start under its first word.
    reason_style = ParagraphStyle(
        "reason", parent=s["base"], leftIndent=14, bulletIndent=4, spaceBefore=5
    )
    names_style = ParagraphStyle(
        "names",
        parent=s["base"],
        fontSize=8.5,
        leading=11,
        leftIndent=14,
        textColor=colors.HexColor("#3b4150"),
    )
    for g in groups:
        out.append(_p(f"{g.rule.title} — {g.count} workload{'s' if g.count != 1 else ''}", s["h2"]))
        for reason, names in g.reasons:
            text = escape(reason[:1].upper() + reason[1:])
            out.append(Paragraph(text, reason_style, bulletText="•"))
            out.append(_p(", ".join(names), names_style))
    return out
