"""The planning run behind Plan > Propose waves and Optimise waves, as worker code.

``plan_work`` gathers on the window's thread what the run needs (a snapshot of the plan and
what the window's assessment already knows of it) and returns the function the worker runs:
propose, optionally optimise within the run's time budget, then work out the preview (the
validator's rules and each wave's risk on the plan as it would be). The live plan is never
read by the worker, so the window may repaint and answer meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from migplan.core.assess.assessment import Assessment
from migplan.core.document import PlanDocument
from migplan.core.planning.preview import ProposalPreview, preview_proposal, risk_figures
from migplan.core.planning.proposal import Proposal
from migplan.core.progress import Cancelled, Progress

PlanResult = tuple[Proposal, ProposalPreview]


def plan_work(
    doc: PlanDocument,
    assessment: Assessment | None,
    label: str,
    optimise_s: float = 0.0,
) -> Callable[[Progress], PlanResult]:
    """The worker function for one run on ``doc`` (read here, on the window's thread);
    ``assessment`` is the window's when it describes ``doc`` as it is now, else None."""
    snapshot = doc.snapshot()
    # Copied now: the window's assessment is refreshed on its thread.
    shared = assessment.shared_ids() if assessment is not None else None
    dispositions = dict(assessment.dispositions) if assessment is not None else None
    classes = dict(assessment.classes) if assessment is not None else None
    violations = list(assessment.violations) if assessment is not None else None
    risks = risk_figures(doc, assessment.risks) if assessment is not None else None

    def work(progress: Progress) -> PlanResult:
        from migplan.core.planning.optimize import optimize
        from migplan.core.planning.planner import propose_waves

        began = time.monotonic()
        proposal = propose_waves(
            snapshot, progress, shared_ids=shared, dispositions=dispositions, classes=classes
        )
        if optimise_s > 0:
            # The budget is the whole run's: what proposing took is spent already.
            left = max(1.0, optimise_s - (time.monotonic() - began))
            proposal = optimize(snapshot, proposal, left, progress)
            if proposal.optimised is not None:
                run = replace(
                    proposal.optimised, budget_s=optimise_s, seconds=time.monotonic() - began
                )
                proposal = replace(proposal, optimised=run)
        if progress.cancelled:
            raise Cancelled()  # Cancel changes nothing, also mid-optimisation
        preview = preview_proposal(
            snapshot,
            proposal,
            label,
            violations_before=violations,
            risks_before=risks,
            progress=progress,
        )
        return proposal, preview

    return work
