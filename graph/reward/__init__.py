"""Verifiers as rewards: one pure scorer, served to TRL, OpenRLHF, verl, open-instruct, NeMo Gym."""

from graph.reward.score import (
    AGGREGATES,
    Aggregate,
    Reward,
    Verdict,
    family_of,
    family_pass_rates,
    score,
    score_batch,
)
from graph.reward.specs import parse_specs
from graph.reward.think import strip_thinking

__all__ = [
    "AGGREGATES",
    "Aggregate",
    "Reward",
    "Verdict",
    "family_of",
    "family_pass_rates",
    "parse_specs",
    "score",
    "score_batch",
    "strip_thinking",
]
