"""Wave planning: capacities, plan metrics, the heuristic planner, the CP-SAT optimiser and baselines.

``capacity`` and ``metrics`` are the shared vocabulary (what a wave may hold, how good a plan
is); ``planner.propose_waves`` proposes waves and ``planner.proposal_command`` turns a proposal
into one undoable command; ``optimize.optimize`` refines a proposal with OR-Tools CP-SAT.
"""
