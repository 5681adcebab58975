"""Fonts, paragraph styles, colours and the table helper of the phase plan PDF.

A shipped TTF (DejaVu Sans) draws every glyph (reportlab's built-in fonts lack Ł, ź, ...);
every text from the plan goes through ``para`` (escaped, so ``<b>`` in a name is shown, not
interpreted) and table cells are paragraphs, so names wrap at word boundaries.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from xml.sax.saxutils import escape

from migplan.paths import resources_dir

BAND_COLOURS = {"low": "#2e7d32", "medium": "#b26a00", "high": "#c62828", "critical": "#8e0000"}
BAND_FILLS = {"low": "#a5d6a7", "medium": "#ffcc80", "high": "#ef9a9a", "critical": "#b71c1c"}
MUTED = "#5b6270"
ACCENT = "#1f4e79"
FONT, FONT_BOLD = "MigPlanSans", "MigPlanSans-Bold"


class Raw(str):
    """A short table cell drawn as it is (no wrapping): numbers, codes, dates. Fast: a
    10,000-row table of paragraphs takes seconds to lay out."""


def register_fonts() -> None:
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
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)


def para(text: Any, style: Any, markup: str = "") -> Any:
    """A paragraph of plan text, escaped; ``markup`` (trusted, ours) is put before it."""
    from reportlab.platypus import Paragraph

    return Paragraph(markup + escape(str(text)), style)


def bullet(text: Any, style: Any, mark: str = "•") -> Any:
    """A bulleted paragraph of plan text, escaped like ``para``."""
    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text)), style, bulletText=mark)


def styles() -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=13)
    muted = colors.HexColor(MUTED)
    return {
        "base": base,
        "body": ParagraphStyle("body", parent=base, spaceAfter=4),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "cell_right": ParagraphStyle(
            "cell_right", parent=base, fontSize=8, leading=10, alignment=2
        ),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, fontSize=8, leading=10),
        "head_right": ParagraphStyle(
            "head_right", parent=base, fontName=FONT_BOLD, fontSize=8, leading=10, alignment=2
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=28, leading=34, spaceAfter=10
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=14, leading=19, textColor=muted, spaceAfter=4
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=17,
            leading=22,
            spaceAfter=6,
            textColor=colors.HexColor(ACCENT),
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=9,
            spaceAfter=4,
        ),
        "muted": ParagraphStyle("muted", parent=base, textColor=muted),
        "bullet": ParagraphStyle(
            "bullet", parent=base, leftIndent=14, bulletIndent=3, spaceAfter=2, bulletFontName=FONT
        ),
        "toc": ParagraphStyle("toc", parent=base, fontSize=11, leading=17),
    }


def _fits(text: str, width: float) -> bool:
    """Whether ``text`` fits its cell on one line, drawn as it is (no markup is parsed in a
    plain cell): most names do, and a plain cell lays out a hundred times faster."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return "\n" not in text and stringWidth(text, FONT, 8) <= width - 8.5


def table(
    rows: list[list[Any]],
    widths: list[float],
    s: dict[str, Any],
    *,
    header: bool = True,
    numeric_from: int | None = None,
    numeric_to: int | None = None,
    numeric: Collection[int] = (),
    extra: list[tuple[Any, ...]] | None = None,
    row_heights: list[float | None] | None = None,
) -> Any:
    """A table whose string cells become paragraphs (wrapping at word boundaries) and whose
    header repeats on every page it runs over. Columns ``numeric_from`` to ``numeric_to``
    (the last one left out; None: to the end) and those in ``numeric`` are right-aligned."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    last = numeric_to if numeric_to is not None else len(widths)
    right = set(numeric) | set(range(numeric_from, last) if numeric_from is not None else ())
    cells: list[list[Any]] = []
    for r, row in enumerate(rows):
        out = []
        for i, c in enumerate(row):
            if isinstance(c, Raw):
                out.append(str(c))
            elif isinstance(c, str) and not (header and r == 0) and _fits(c, widths[i]):
                out.append(c)
            elif isinstance(c, str):
                name = ("head" if header and r == 0 else "cell") + ("_right" if i in right else "")
                out.append(para(c, s[name]))
            elif isinstance(c, int | float) and not isinstance(c, bool):
                out.append(f"{c:,}" if isinstance(c, int) else f"{c:,.1f}")
            else:
                out.append(c)
        cells.append(out)
    t = Table(cells, colWidths=widths, rowHeights=row_heights, repeatRows=1 if header else 0)
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d9dce2")),
    ]
    style += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i in sorted(right)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ebf2")))
    t.hAlign = "LEFT"
    t.setStyle(TableStyle(style + (extra or [])))
    return t
