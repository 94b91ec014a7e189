"""Run-scoped knobs of one correction, passed to the graph as LangGraph runtime context.

Nodes read these instead of the environment, so two corrections with different settings can share
one compiled graph. The live teacher client travels next to them in :class:`GraphDeps`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from graph.errors import ConstraintParamError
from graph.teacher import Teacher, TeacherConfig

StrategyName = Literal["hybrid", "teacher", "rules"]
ModeName = Literal["strict", "loose"]


@dataclass(frozen=True, slots=True)
class RunContext:
    """How one correction runs: strategy, limits and which teacher to ask."""

    strategy: StrategyName = "hybrid"
    max_rounds: int = 3
    mode: ModeName = "strict"
    teacher: TeacherConfig | None = None
    max_tokens_budget: int | None = None
    max_cost_usd: float | None = None
    max_edit_ratio: float = 0.5
    # An infeasible set stops at once; with this, the constraints outside its conflicts are still fixed.
    fix_feasible_rest: bool = False

    def __post_init__(self) -> None:
        if self.strategy not in ("hybrid", "teacher", "rules"):
            raise ConstraintParamError(f"unknown strategy {self.strategy!r}", field="strategy")
        if self.mode not in ("strict", "loose"):
            raise ConstraintParamError(f"mode must be 'strict' or 'loose', got {self.mode!r}", field="mode")
        if self.max_rounds < 1:
            raise ConstraintParamError("max_rounds must be at least 1", field="max_rounds")
        if not 0.0 < self.max_edit_ratio <= 1.0:
            raise ConstraintParamError("max_edit_ratio must be in (0, 1]", field="max_edit_ratio")


@dataclass(frozen=True, slots=True)
class GraphDeps:
    """What the nodes receive as ``runtime.context``: the settings plus the live teacher (or none)."""

    run: RunContext
    teacher: Teacher | None = None
    # With a checkpointer a teacher's reply is saved (its own super-step) before it is judged, so a
    # resumed run never pays for it twice; without one that step is pure overhead.
    checkpointed: bool = False
