"""The phase plan as a PDF a project manager takes into a meeting (reportlab).

Landscape A4 or Letter: a cover (plan, author, date, version), the contents with page
numbers, an executive summary in plain language, the timeline (a Gantt chart of the waves
with cutover and rollback windows and change freezes), risk per phase with a legend, capacity
and cost (``pdf_capacity``: the cost month by month, the target's growth, per wave), then one
section per phase (``pdf_phase``), the workloads in no wave and why, and appendices (every
rule broken, the plan's versions, figures for the architect). Headings are PDF bookmarks.

One pass: the contents pages are reserved up front (their number is known from the
sections) and drawn as forms once the build knows every page number, so a 10,000-workload
plan is laid out once, not twice as ``multiBuild`` would.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from migplan.core.document import PlanDocument
from migplan.io.atomic import write_atomically
from migplan.io.reports.data import (
    PlanReport,
    build_report,
    gpu_pool_use,
    phase_app_links,
    plan_meta,
)
from migplan.io.reports.pdf_style import (
    ACCENT,
    BAND_COLOURS,
    FONT,
    FONT_BOLD,
    MUTED,
    Raw,
    bullet,
    para,
    register_fonts,
    styles,
    table,
)
from migplan.io.reports.summary import plural

PAPERS = ("a4", "letter")
_TOC_LINE = 17.0


def write_pdf(
    doc: PlanDocument, path: Path, report: PlanReport | None = None, *, paper: str = "a4"
) -> None:
    """Write the phase plan of ``doc`` to ``path`` (atomically) on ``paper`` (a4, letter)."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    report = report or build_report(doc)
    write_atomically(path, lambda tmp: _build(report, tmp, paper))


def _page_size(paper: str) -> tuple[float, float]:
    from reportlab.lib.pagesizes import A4, landscape, letter

    size: tuple[float, float] = landscape(A4 if paper == "a4" else letter)
    return size


class _Heading:
    """What a heading flowable carries for the contents and the outline."""

    def __init__(self, text: str, level: int, key: str, parent: tuple[str, str] | None = None):
        self.text, self.level, self.key, self.parent = text, level, key, parent


def _heading(
    text: str, style: Any, level: int, key: str, parent: tuple[str, str] | None = None
) -> Any:
    p = para(text, style)
    p._migplan_heading = _Heading(text, level, key, parent)
    return p


def _build(report: PlanReport, path: Path, paper: str) -> None:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Flowable,
        Frame,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Spacer,
    )

    from migplan.io.reports.pdf_capacity import capacity_section
    from migplan.io.reports.pdf_charts import gantt, gantt_legend, risk_chart
    from migplan.io.reports.pdf_phase import phase_section
    from migplan.io.reports.summary import DISPOSITION_WORDS, executive_summary

    register_fonts()
    s = styles()
    page_w, page_h = _page_size(paper)
    margin = 15 * mm
    usable = page_w - 2 * margin
    meta = plan_meta(report.assessment.doc)
    entries: list[tuple[str, int, int]] = []

    class _FormPage(Flowable):  # type: ignore[misc]
        """A contents page drawn later (a PDF form filled in at the end of the build)."""

        def __init__(self, name: str, keys: list[str]) -> None:
            super().__init__()
            self.name = name
            #: The bookmarks its lines will name, in order: each line links to its section.
            self.keys = keys
            self.width = self.height = 0

        def draw(self) -> None:
            pass

        def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
            canvas.doForm(self.name)
            top = page_h - 13 * mm - 50
            for j, key in enumerate(self.keys):
                line = top - j * _TOC_LINE
                rect = (margin, line - 4, page_w - margin, line + 12)
                canvas.linkRect("", key, rect, relative=0, thickness=0)

    class _Doc(BaseDocTemplate):  # type: ignore[misc]
        def afterFlowable(self, flowable: Any) -> None:
            h = getattr(flowable, "_migplan_heading", None)
            if h is None:
                return
            c = self.canv
            if h.parent is not None:
                ptext, pkey = h.parent
                c.bookmarkPage(pkey)
                c.addOutlineEntry(ptext, pkey, 0, closed=False)
                entries.append((ptext, 0, self.page))
            c.bookmarkPage(h.key)
            c.addOutlineEntry(h.text, h.key, h.level, closed=True)
            entries.append((h.text, h.level, self.page))

        def _endBuild(self) -> None:
            _draw_contents(self.canv, entries, toc_pages, page_w, page_h, margin)
            super()._endBuild()

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor(MUTED))
        canvas.drawString(margin, 8 * mm, f"Phase plan — {report.name} — {report.generated}")
        canvas.drawRightString(page_w - margin, 8 * mm, f"page {document.page}")
        canvas.restoreState()

    def cover_page(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(colors.HexColor(ACCENT))
        canvas.rect(0, page_h - 18 * mm, page_w, 18 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(FONT_BOLD, 11)
        canvas.drawString(margin, page_h - 11 * mm, "MigPlan · migration phase plan")
        canvas.restoreState()

    document = _Doc(
        str(path),
        pagesize=(page_w, page_h),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=13 * mm,
        bottomMargin=15 * mm,
        title=f"Phase plan: {report.name}",
        author=meta.author or "MigPlan",
        subject="Migration phase plan",
    )
    frame = Frame(margin, 15 * mm, usable, page_h - 28 * mm, id="body")
    document.addPageTemplates(
        [
            PageTemplate(id="cover", frames=[frame], onPage=cover_page),
            PageTemplate(id="body", frames=[frame], onPage=footer),
        ]
    )

    # -- cover
    summary = executive_summary(report)
    waves = report.waves
    story: list[Any] = [NextPageTemplate("body"), Spacer(1, 22 * mm)]
    story.append(para(report.name, s["title"]))
    story.append(para("Migration phase plan", s["subtitle"]))
    story.append(Spacer(1, 8 * mm))
    cover_rows: list[list[Any]] = [
        ["Author", Raw(meta.author or "not recorded in the plan")],
        ["Date", Raw(report.generated)],
        ["Version", Raw(meta.version or "not recorded in the plan")],
    ]
    if meta.modified:
        cover_rows.append(["Plan last saved", meta.modified])
    if report.period:
        first, last = report.period
        cover_rows.append(["Period", f"{first:%d %B %Y} – {last:%d %B %Y}"])
    c = report.counts
    cover_rows.append(
        [
            "Scope",
            f"{c['workloads']:,} workloads in {c['applications']:,} applications, "
            f"{len(waves):,} waves",
        ]
    )
    story.append(
        table(
            [[Raw(k), Raw(v)] for k, v in cover_rows],
            [40 * mm, usable * 0.55],
            s,
            header=False,
            extra=[("FONT", (0, 0), (0, -1), FONT_BOLD, 10), ("FONT", (1, 0), (1, -1), FONT, 10)],
        )
    )
    story[-1].hAlign = "LEFT"
    description = report.assessment.doc.settings.description
    if description:
        story += [Spacer(1, 6 * mm), para(description, s["body"])]

    # -- contents (reserved pages)
    sections = 4 + len(waves) + (1 if report.unassigned.workloads else 0) + 2
    per_page = max(1, int((page_h - 28 * mm - 40) // _TOC_LINE))
    toc_pages = max(1, math.ceil(sections / per_page))
    keys = ["summary", "timeline", "capacity"]
    keys += ["phases", *(f"wave-{r}" for r in range(1, len(waves) + 1))] if waves else []
    keys += ["unplaced"] if report.unassigned.workloads else []
    keys += ["appendix-rules", "appendix-versions"]
    for i in range(toc_pages):
        page_keys = keys[i * per_page : (i + 1) * per_page]
        story += [PageBreak(), _FormPage(f"migplan-toc-{i}", page_keys)]

    # -- executive summary
    story += [PageBreak(), _heading("Executive summary", s["h1"], 0, "summary")]
    for line in summary.overview:
        story.append(para(line, s["body"]))
    key: list[list[Any]] = [
        [
            "Workloads",
            "Applications",
            "Waves",
            "Not in a wave",
            "Hard rules broken",
            "Busiest hybrid link (Mbit/s)",
            "Data to move (GiB)",
        ],
        [
            c["workloads"],
            c["applications"],
            len(waves),
            len(report.unassigned.workloads),
            sum(1 for v in report.violations if v.severity.value == "hard"),
            Raw(f"{report.peak_link_mbps:,.0f}"),
            Raw(f"{sum(w.totals['storage_gib'] for w in waves):,.0f}"),
        ],
    ]
    story += [Spacer(1, 2 * mm), table(key, [usable / 7] * 7, s, numeric_from=0)]
    story.append(para("What moves when", s["h2"]))
    kinds = list(DISPOSITION_WORDS)
    head = [
        "Wave",
        "Dates",
        "Applications",
        "Workloads",
        "To containers",
        "To VMs on Kubernetes",
        "Stay",
        "Retired",
        "Risk",
    ]
    rows: list[list[Any]] = [head]
    band_cells: list[tuple[Any, ...]] = []
    for r, m in enumerate(summary.moves, start=1):
        rows.append(
            [
                m.title,
                Raw(m.dates),
                m.applications,
                m.workloads,
                *(m.by_disposition.get(k, 0) for k in kinds),
                Raw(m.band.upper()),
            ]
        )
        if m.band:
            band_cells.append(("TEXTCOLOR", (8, r), (8, r), colors.HexColor(BAND_COLOURS[m.band])))
    story.append(
        table(
            rows,
            [usable * f for f in (0.2, 0.18, 0.1, 0.08, 0.09, 0.11, 0.06, 0.08, 0.1)],
            s,
            numeric_from=2,
            extra=[*band_cells, ("FONT", (8, 1), (8, -1), FONT_BOLD, 8)],
        )
    )
    story.append(para("The three biggest risks, and what is done about them", s["h2"]))
    if summary.risks:
        rows = [["Risk", "Where", "What is done about it"]]
        for item in summary.risks:
            where = item.wave + (
                f" (also {', '.join(item.also_in[:4])}{' …' if len(item.also_in) > 4 else ''})"
                if item.also_in
                else ""
            )
            rows.append([f"{item.title}: {item.sentence}", where, item.action])
        story.append(table(rows, [usable * f for f in (0.48, 0.2, 0.32)], s))
    else:
        story.append(para("No wave carries a notable risk.", s["base"]))
    story.append(para("What is not planned, and why", s["h2"]))
    if summary.not_planned:
        rows = [["Reason", "Workloads", "What it means", "For example"]]
        for n in summary.not_planned:
            rows.append([n.title, n.count, n.statement, n.example])
        story.append(
            table(
                rows, [usable * f for f in (0.18, 0.09, 0.33, 0.4)], s, numeric_from=1, numeric_to=2
            )
        )
    else:
        story.append(para("Every workload is in a wave.", s["base"]))

    # -- timeline and risk
    story += [PageBreak(), _heading("Timeline and risk per phase", s["h1"], 0, "timeline")]
    chart = gantt(report, usable)
    if chart is None:
        story.append(
            para("No wave has dates yet: the timeline is drawn once waves are dated.", s["muted"])
        )
    else:
        story += [chart, Spacer(1, 2 * mm), gantt_legend(usable)]
    bars = risk_chart(report, usable)
    if bars is not None:
        story += [
            para("Risk per phase (score 0–100; phases numbered as in the timeline)", s["h2"]),
            bars,
        ]
    story += _legend(report, s, usable)

    # -- capacity and cost
    story += [PageBreak(), _heading("Capacity and cost", s["h1"], 0, "capacity")]
    if report.capacity is not None:
        story += capacity_section(report.capacity, s, usable)

    # -- phases
    a = report.assessment
    links = phase_app_links(a)
    pools = gpu_pool_use(a)
    names = {i: w.title for i, w in enumerate(waves, start=1)}
    for rank, w in enumerate(waves, start=1):
        story.append(PageBreak())
        bridges = a.bridges_of(w.wave.id) if w.wave is not None else None
        section = phase_section(
            report,
            w,
            rank,
            s,
            usable,
            bridges=bridges,
            links=links.get(rank, []),
            pools=pools.get(rank, []),
            wave_names=names,
        )
        first = section[0]
        first._migplan_heading = _Heading(
            w.title, 1, f"wave-{rank}", ("Phases", "phases") if rank == 1 else None
        )
        story += section

    # -- not planned, appendices
    if report.unassigned.workloads:
        story += [PageBreak(), *_unplaced_section(report, s, usable)]
    story += [PageBreak(), *_violations_appendix(report, s, usable)]
    story += [PageBreak(), *_versions_appendix(report, meta, s, usable)]
    document.build(_no_orphan_headings(story))


def _no_orphan_headings(story: list[Any]) -> list[Any]:
    """A section heading starts a new page when fewer than ~5 lines are left below it.
    (``keepWithNext`` would carry a long table whole to the next page, leaving a gap.)"""
    from reportlab.platypus import CondPageBreak

    out: list[Any] = []
    for flowable in story:
        style = getattr(flowable, "style", None)
        if style is not None and getattr(style, "name", "") == "h2":
            out.append(CondPageBreak(80))
        out.append(flowable)
    return out


def _legend(report: PlanReport, s: dict[str, Any], usable: float) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.platypus import CondPageBreak

    r = report.assessment.doc.settings.risk
    rows: list[list[Any]] = [
        ["Term", "What it means"],
        ["LOW", f"Score below {r.band_medium:g}: a routine wave."],
        [
            "MEDIUM",
            f"Score {r.band_medium:g} to {r.band_high:g}: plan the cutover with the owners and rehearse the back-out.",
        ],
        [
            "HIGH",
            f"Score {r.band_high:g} to {r.band_critical:g}: needs a rehearsal, named people on call and a go/no-go meeting.",
        ],
        [
            "CRITICAL",
            f"Score {r.band_critical:g} or more: reduce the risk (split the wave, move the data first) before it runs.",
        ],
        [
            "Blocked (gate)",
            "Something stops the wave from running as planned whatever its score: an application split across waves, production mixed with non-production, the hybrid link overloaded, data too big for the cutover window, GPUs not ready, or compliance not settled. The phase section says which.",
        ],
        [
            "Confidence",
            "How far to trust the score: high when criticality, operating system, owner, sizes, application and dependencies are known for nearly every workload of the wave; medium or low when some are missing (the phase section says which).",
        ],
        [
            "Hybrid link",
            "The network connection between the old platform and the new one; connections between a moved and a not-yet-moved workload run over it (Mbit/s: megabits per second).",
        ],
    ]
    extra: list[tuple[Any, ...]] = [
        ("TEXTCOLOR", (0, i), (0, i), colors.HexColor(BAND_COLOURS[b]))
        for i, b in enumerate(("low", "medium", "high", "critical"), start=1)
    ]
    extra.append(("FONT", (0, 1), (0, -1), FONT_BOLD, 8))
    return [
        CondPageBreak(170),
        para("How to read the risk", s["h2"]),
        table(rows, [usable * 0.16, usable * 0.84], s, extra=extra),
    ]


def _unplaced_section(report: PlanReport, s: dict[str, Any], usable: float) -> list[Any]:
    """Not planned, and why: how many workloads each rule keeps out and what the rule
    means, then the workloads by reason (a reason shared by many is printed once)."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    t = report.unassigned.totals
    n = len(report.unassigned.workloads)
    out: list[Any] = [_heading("Not planned, and why", s["h1"], 0, "unplaced")]
    facts = (
        f"{plural(n, 'workload')} in no wave · {t['vcpu']:,.0f} vCPU · "
        f"{t['memory_gib']:,.0f} GiB memory · {t['storage_gib']:,.0f} GiB storage"
    )
    out += [
        para(facts, s["muted"]),
        para(
            "These workloads stay where they run today. The table counts them by the planning "
            "rule that keeps them out of the waves; the lists after it name each one and why.",
            s["body"],
        ),
    ]
    groups = report.unplaced_groups()
    rows: list[list[Any]] = [["Reason", "Workloads", "What it means"]]
    for g in groups:
        rows.append([g.rule.title, g.count, g.rule.statement])
    out.append(
        table(rows, [usable * f for f in (0.27, 0.09, 0.64)], s, numeric_from=1, numeric_to=2)
    )
    names_style = ParagraphStyle(
        "names", parent=s["small"], leftIndent=14, textColor=colors.HexColor("#3b4150")
    )
    for g in groups:
        out.append(para(f"{g.rule.title} — {plural(g.count, 'workload')}", s["h2"]))
        for reason, members in g.reasons:
            out.append(bullet(reason[:1].upper() + reason[1:], s["bullet"]))
            out.append(para(", ".join(members), names_style))
    return out


def _violations_appendix(report: PlanReport, s: dict[str, Any], usable: float) -> list[Any]:
    out: list[Any] = [
        _heading("Appendix A: every planning rule broken", s["h1"], 0, "appendix-rules")
    ]
    if not report.violations:
        return [*out, para("The plan breaks no planning rule.", s["base"])]
    wave_of = {w.wave.id: w.title for w in report.waves if w.wave is not None}
    out.append(
        para(
            f"{len(report.violations):,} in all, by wave. Hard rules must be kept for a wave to run; soft rules are advice.",
            s["body"],
        )
    )
    rows: list[list[Any]] = [["Wave", "Rule", "Kind", "What is wrong"]]
    for v in report.violations:
        wave = ", ".join(wave_of.get(w, "") for w in v.wave_ids) or "whole plan"
        rows.append([wave, v.rule.title, Raw(v.severity.value), v.message])
    out.append(table(rows, [usable * f for f in (0.15, 0.2, 0.06, 0.59)], s))
    return out


def _versions_appendix(
    report: PlanReport, meta: Any, s: dict[str, Any], usable: float
) -> list[Any]:
    out: list[Any] = [
        _heading(
            "Appendix B: versions of this plan and figures for the architect",
            s["h1"],
            0,
            "appendix-versions",
        )
    ]
    out.append(para("Versions of this plan", s["h2"]))
    if meta.change_log:
        rows: list[list[Any]] = [["Saved", "By", "What changed"]]
        rows += [[Raw(when), who, what] for when, who, what in meta.change_log]
        out.append(table(rows, [usable * f for f in (0.18, 0.2, 0.62)], s))
    else:
        out.append(para("The plan file records no saved versions.", s["muted"]))
    m = report.metrics
    if m:
        out.append(para("How well the waves are cut", s["h2"]))
        out.append(
            para(
                "Traffic weights are the dependency exports' traffic (MB/s where it was measured). "
                "Lower is better for each figure.",
                s["small"],
            )
        )
        rows = [
            ["Figure", "Value", "What it says"],
            [
                "Traffic kept waiting across waves",
                Raw(f"{m['weighted_wave_distance']:,.1f} MB/s × waves"),
                "Each dependency's traffic times the number of waves between its two ends, added up.",
            ],
            [
                "Busiest wave boundary",
                Raw(f"{m['peak_cut']:,.1f} MB/s"),
                "The most traffic between workloads that have moved and those that have not, at any boundary between two waves.",
            ],
            [
                "Dependencies moving after their dependant",
                Raw(f"{m['precedence_violations']:,} ({m['precedence_weight']:,.1f} MB/s)"),
                "Workloads moving before something they depend on, and the traffic between them.",
            ],
            [
                "Workloads over capacity",
                Raw(f"{m['capacity_overflow']:,} workloads"),
                "Workloads that would have to leave their wave for every wave to fit its limits.",
            ],
        ]
        out.append(
            table(rows, [usable * f for f in (0.28, 0.16, 0.56)], s, numeric_from=1, numeric_to=2)
        )
    return out


def _draw_contents(
    canvas: Any,
    entries: list[tuple[str, int, int]],
    pages: int,
    page_w: float,
    page_h: float,
    margin: float,
) -> None:
    """Fill the reserved contents pages (forms) with every heading and its page."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    from migplan.io.reports.pdf_charts import _fit

    per_page = max(1, int((page_h - 28 * mm - 40) // _TOC_LINE))
    for i in range(pages):
        canvas.beginForm(f"migplan-toc-{i}")
        y = page_h - 13 * mm - 20
        canvas.setFont(FONT_BOLD, 17)
        canvas.setFillColor(colors.HexColor(ACCENT))
        canvas.drawString(margin, y, "Contents" if i == 0 else "Contents (continued)")
        canvas.setFillColor(colors.black)
        y -= 30
        for text, level, page in entries[i * per_page : (i + 1) * per_page]:
            indent = 16 * level
            font = FONT_BOLD if level == 0 else FONT
            canvas.setFont(font, 11 if level == 0 else 10)
            right = page_w - margin
            label = _fit(text, right - margin - indent - 60, 11 if level == 0 else 10, font)
            canvas.drawString(margin + indent, y, label)
            canvas.drawRightString(right, y, str(page))
            canvas.setStrokeColor(colors.HexColor("#c3c8d0"))
            canvas.setDash(1, 2)
            from reportlab.pdfbase.pdfmetrics import stringWidth

            x0 = margin + indent + stringWidth(label, font, 11 if level == 0 else 10) + 6
            x1 = right - stringWidth(str(page), FONT, 11) - 6
            if x1 > x0:
                canvas.line(x0, y + 1, x1, y + 1)
            canvas.setDash()
            y -= _TOC_LINE
        canvas.endForm()
