"""The phase plan PDF read as a project manager reads it (issue 13, point 7): its text
(pdftotext, which scripts/setup.sh installs), its bookmarks (pypdf) and its page sizes
(pdfinfo). A missing tool fails these tests; none is skipped."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from migplan.core.assess.assessment import Assessment
from migplan.core.commands import SetSettings, UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.settings import FreezePeriod
from migplan.io.reports.data import build_report
from migplan.io.reports.pdf import write_pdf
from migplan.io.reports.runbook import RUNBOOK
from migplan.io.reports.summary import executive_summary

HOSTILE = "<b>Łukasz</b> & źródło"


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: run scripts/setup.sh (it installs poppler-utils)"
    return found


def text_of(path: Path) -> str:
    out = subprocess.run(
        [tool("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


def info(path: Path) -> str:
    return subprocess.run(
        [tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True
    ).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def doc() -> PlanDocument:
    d = generate_estate(EstateSpec(workloads=120, waves=4, seed=5, name="Plan Łódź & <i>źle</i>"))
    first = sorted(d.workloads)[0]
    d.apply(UpdateEntities(((first, {"name": HOSTILE}),)))
    freeze = FreezePeriod(
        name="Year-end freeze", start=dt.date(2027, 2, 20), end=dt.date(2027, 2, 24)
    )
    d.apply(SetSettings(d.settings.model_copy(update={"freeze_periods": (freeze,)})))
    return d


@pytest.fixture(scope="module")
def written(doc: PlanDocument, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("pdf") / "plan.pdf"
    write_pdf(doc, out)
    return out, text_of(out)


def test_summary_waves_bands_bridges_and_workloads_are_found(
    doc: PlanDocument, written: tuple[Path, str]
) -> None:
    _path, text = written
    words = flat(text)
    assert "Executive summary" in words
    report = build_report(doc)
    summary = executive_summary(report)
    for line in summary.overview:
        assert flat(line) in words, line
    assert "The three biggest risks, and what is done about them" in words
    for risk in summary.risks:
        assert flat(risk.action) in words
    assert re.search(r"\bGF-\w+|\b[FC]\d\b", words) is None, "no rule or factor ids in sentences"
    a = Assessment(doc)
    for w in report.waves:
        assert w.risk is not None
        at = words.index(f"{w.title} {w.dates} ·")
        risk_line = words[words.index("Risk ", at) :]
        assert risk_line.startswith(f"Risk {w.risk.score:.0f} of 100: {w.risk.band.value.upper()}")
        over = [b for b in a.bridges_of(w.wave.id).bridges if b.over_link] if w.wave else []
        if over:
            top = over[0]
            assert f"{top.mbps:,.1f}" in words
            assert (f"{top.port}/{top.protocol.value}" if top.port is not None else "any") in words
        for wl in w.workloads:
            assert wl.name in words, wl.name
    assert any(a.bridges_of(w.wave.id).bridges for w in report.waves if w.wave), (
        "the test plan has bridges to look for"
    )
    assert "Connections across the hybrid link while this wave runs" in words
    assert "Go / no-go checklist" in words and "Sign-off" in words
    assert RUNBOOK[next(iter(a.dispositions.values()))].runbook[0][:40] in words


def test_names_with_markup_and_polish_letters_appear_as_written(written: tuple[Path, str]) -> None:
    _path, text = written
    words = flat(text)
    assert HOSTILE in words
    assert "Plan Łódź & <i>źle</i>" in words


def test_contents_page_numbers_and_bookmarks(written: tuple[Path, str]) -> None:
    from pypdf import PdfReader

    path, _text = written
    reader = PdfReader(str(path))
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles[:4] == [
        "Executive summary",
        "Timeline and risk per phase",
        "Capacity and cost",
        "Phases",
    ]
    assert "Appendix A: every planning rule broken" in titles
    waves = outline[titles.index("Phases") + 1]
    assert isinstance(waves, list) and len(waves) == 4
    pages = [page.extract_text() or "" for page in reader.pages]
    contents = subprocess.run(
        [tool("pdftotext"), "-layout", "-f", "2", "-l", "2", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for item in outline:
        if isinstance(item, list):
            continue
        page = reader.get_destination_page_number(item)
        heading = report_first_wave(outline) if item.title == "Phases" else item.title
        assert heading in pages[page]
        line = next(ln for ln in contents.splitlines() if ln.strip().startswith(item.title[:25]))
        assert line.rstrip().endswith(str(page + 1)), (item.title, line)


@pytest.mark.parametrize(
    ("paper", "size"), [("a4", "841.89 x 595.276 pts (A4)"), ("letter", "792 x 612 pts (letter)")]
)
def test_a4_and_letter(doc: PlanDocument, tmp_path: Path, paper: str, size: str) -> None:
    out = tmp_path / f"{paper}.pdf"
    write_pdf(doc, out, paper=paper)
    assert f"Page size:       {size}" in info(out)


def test_contents_lines_link_to_their_sections(written: tuple[Path, str]) -> None:
    from pypdf import PdfReader

    path, _text = written
    reader = PdfReader(str(path))
    index = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    links = [a.get_object() for a in reader.pages[1].get("/Annots", [])]
    targets = [index[link["/Dest"][0].idnum] for link in links]
    flat_outline: list[object] = []
    for item in reader.outline:
        flat_outline += item if isinstance(item, list) else [item]
    expected = [reader.get_destination_page_number(item) for item in flat_outline]  # type: ignore[arg-type]
    assert targets == expected, "each contents line opens its own section"


def report_first_wave(outline: list[object]) -> str:
    """The title of the first wave (the "Phases" bookmark points at it)."""
    for item in outline:
        if isinstance(item, list):
            return str(item[0].title)
    raise AssertionError("no wave bookmarks")
