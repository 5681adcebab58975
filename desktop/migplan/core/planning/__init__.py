"""Wave planning: capacities, plan metrics, the heuristic planner, the CP-SAT optimiser, baselines.

* ``capacity``: what a wave may hold (``wave_limits``) and what a workload takes (``Load``);
* ``metrics``: whole-plan KPIs on arrays or on a document (``plan_metrics``);
* ``planner.propose_waves``: the heuristic (``problem``, ``atoms``, ``groups``, ``ordering``,
  ``reserve``, ``timeline``, ``pack``, ``improve``, ``result``); ``proposal.proposal_command``
  applies a proposal as one undoable command;
* ``link`` and ``gpupools``: the LINK and GPU-POOL rules, shared by the planner, the optimiser
  and the validator (every rule is named in ``migplan.core.rules``);
* ``unplaced.explain_unplaced``: why each workload in no wave is there, for any document;
* ``optimize.optimize``: CP-SAT refinement on move groups (``window``);
* ``baselines``: connected components and Louvain smallest-first, for the benchmark;
* ``kpis``: metrics, per-wave risk and wave positions for ``migplan stats``.

The package imports nothing heavy at import time (``assess`` depends on ``capacity``).
"""
