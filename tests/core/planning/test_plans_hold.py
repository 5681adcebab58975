"""Plans that hold (issue 9): the proposal keeps the validator's hard rules, explains every
workload it leaves out, and ``plan`` and ``stats`` report the same plan the same way."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from migplan.cli import main
from migplan.core.assess import Assessment
from migplan.core.planning.planner import propose_waves
from migplan.core.planning.proposal import proposal_command
from migplan.core.planning.unplaced import explain_unplaced
from migplan.core.rules import RULES, Severity
from migplan.io.planfile import load_plan

PLANS = Path(__file__).resolve().parents[3] / "plans"


@pytest.mark.parametrize("name", ["northwind-estate.migplan", "ai-lab-small.migplan"])
def test_proposal_on_the_examples_breaks_no_hard_rule_and_explains_the_rest(name: str) -> None:
    doc = load_plan(PLANS / name)
    proposal = propose_waves(doc)
    doc.apply(proposal_command(doc, proposal))
    hard = [v for v in Assessment(doc).violations if v.severity is Severity.HARD]
    assert hard == []
    # every workload is in a wave, or has a named rule and a sentence
    in_waves = {wid for wid, wl in doc.workloads.items() if wl.wave_id is not None}
    left = {u.workload_id: u for u in proposal.unplaceable}
    assert in_waves | set(left) == set(doc.workloads) and not in_waves & set(left)
    assert all(u.rule_id in RULES and len(u.reason) > 20 for u in left.values())
    # and reading the saved plan back says the same, workload by workload
    again = {u.workload_id: u.rule_id for u in explain_unplaced(doc)}
    assert again == {wid: u.rule_id for wid, u in left.items()}


def test_plan_and_stats_print_the_same_hard_violations_and_unplaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "planned.migplan"
    assert main(["plan", str(PLANS / "northwind-estate.migplan"), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    plan_hard = int(re.search(r"hard violations (\d+)", printed).group(1))  # type: ignore[union-attr]
    plan_unplaced = int(re.search(r"(\d+) workloads in no wave", printed).group(1))  # type: ignore[union-attr]
    assert main(["stats", str(out), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["metrics"]["hard_violations"] == plan_hard
    assert len(stats["unplaced"]) == plan_unplaced == stats["unassigned_workloads"]
    doc = load_plan(out)
    validator = sum(1 for v in Assessment(doc).violations if v.severity is Severity.HARD)
    assert validator == plan_hard
    first = stats["unplaced"][0]
    assert set(first) == {"name", "rule", "reason"} and first["rule"] in RULES
    assert f"not placed: {first['name']} [{first['rule']}]" in printed
