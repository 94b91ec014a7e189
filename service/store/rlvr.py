"""The rewards for the ``rlvr`` export, kept under their first names: :mod:`graph.reward` now.

``ifeval_reward`` is the strict fraction of constraints passed, ``ifeval_reward_all`` IFEval's
prompt-level pass (1.0 or 0.0); both are :class:`graph.reward.trl.VerifierReward` instances (TRL
calls them with ``completions=`` and the ``ground_truth`` column; they pickle).
"""

from __future__ import annotations

from graph.reward.specs import parse_specs
from graph.reward.trl import VerifierReward

ifeval_reward = VerifierReward(aggregate="fraction", name="ifeval_reward")
ifeval_reward_all = VerifierReward(aggregate="all", name="ifeval_reward_all")
ground_truth_specs = parse_specs

__all__ = ["ground_truth_specs", "ifeval_reward", "ifeval_reward_all"]
