"""The assessment computes the target phases once per revision and follows edits."""

from __future__ import annotations

from tests.core.target.test_phase_capacity import hand_worked_plan

from migplan.core.assess.assessment import Assessment
from migplan.core.commands import SetSettings, UpdateEntities
from migplan.core.enums import DispositionKind
from migplan.core.models import Disposition
from migplan.core.target import phase_capacity


def test_assessment_shares_one_computation_and_follows_edits() -> None:
    doc = hand_worked_plan()
    assessment = Assessment(doc)
    first = assessment.target_phases()
    assert first == phase_capacity(doc)
    assert assessment.target_phases() is first  # computed once per revision

    # Retire web2 (wave 1, 16 cores): the general pool needs 8 + 4 = 12 cores after wave 2.
    retire = Disposition(kind=DispositionKind.RETIRE, reason="by hand")
    _inverse, summary = doc.apply(UpdateEntities.same(["w-web2"], disposition=retire))
    assessment.refresh(summary)
    after = assessment.target_phases()
    general = next(p for p in after[1].pools if p.pool == "dc1/general")
    assert (general.cores, general.nodes) == (12, 1)
    assert after[0].data_gib == 100

    # More headroom (70 %): a general node offers 9.6 cores, so 12 cores need 2 nodes.
    target = doc.settings.target.with_changes(headroom=0.7)
    _inverse, summary = doc.apply(SetSettings(doc.settings.with_changes(target=target)))
    assessment.refresh(summary)
    general = next(p for p in assessment.target_phases()[1].pools if p.pool == "dc1/general")
    assert (general.cores, general.nodes) == (12, 2)
