"""The constraint contract: typed parameters, a checker that explains itself, optional repair.

A constraint is built once from IFEval-style kwargs (validated by a pydantic model; nothing is
ever filled in at random) and is then a pure function of the response text.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from graph.constraints.bounds import MAX_COUNT, bounded_kwargs, bounded_schema
from graph.constraints.normalize import normalize_kwargs
from graph.errors import ConstraintParamError

Relation = Literal["less than", "at least"]


def _require_text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


NonBlank = Annotated[str, AfterValidator(_require_text)]


class NoParams(BaseModel):
    """Parameters of a constraint that takes none."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Params(BaseModel):
    """Base of every parameter model: unknown kwargs are an error, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


P = TypeVar("P", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One verdict. ``detail`` says why in words a teacher LLM can act on."""

    constraint_id: str
    passed: bool
    detail: str
    measured: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def compare(value: int, relation: str, target: int) -> bool:
    """The official relation semantics: ``less than`` is strict, ``at least`` is inclusive."""
    return value < target if relation == "less than" else value >= target


def relation_text(relation: str, target: int) -> str:
    return f"fewer than {target}" if relation == "less than" else f"at least {target}"


class Constraint(ABC, Generic[P]):
    """One verifiable instruction. Subclasses set ``id`` and ``params_model``."""

    id: ClassVar[str]
    params_model: ClassVar[type[BaseModel]] = NoParams
    example: ClassVar[dict[str, Any]] = {}  # valid kwargs, for catalogues and docs
    has_repair: ClassVar[bool] = False
    _spec: dict[str, Any] | None = None  # set by spec() on the instance

    def __init__(self, params: P) -> None:
        self.params = params

    @classmethod
    def from_kwargs(cls, kwargs: Mapping[str, Any] | None) -> Constraint[Any]:
        """Validate IFEval kwargs (``None`` values mean "unused", as in IFBench rows)."""
        cleaned = {key: value for key, value in (kwargs or {}).items() if value is not None}
        cleaned = normalize_kwargs(cls.id, cleaned)  # as the official build_description does
        cleaned = bounded_kwargs(cls.params_model, cleaned, cls.id)  # every kwarg's size, one place
        try:
            params = cls.params_model.model_validate(cleaned)
        except ValidationError as exc:
            first = exc.errors()[0]
            field_name = ".".join(str(part) for part in first["loc"]) or "kwargs"
            raise ConstraintParamError(
                f"{cls.id}: kwarg '{field_name}': {first['msg']}",
                constraint_id=cls.id,
                field=field_name,
            ) from exc
        return cls(params)  # type: ignore[arg-type]

    @classmethod
    def kwargs_schema(cls) -> dict[str, Any]:
        """JSON Schema of the kwargs, with the bounds every kwarg gets (``graph.constraints.bounds``)."""
        return bounded_schema(cls.params_model)

    def spec(self) -> dict[str, Any]:
        """``{"id", "kwargs"}``, built once per instance (a constraint never changes): read only."""
        spec = self._spec
        if spec is None:
            spec = self._spec = {"id": self.id, "kwargs": self.kwargs()}
        return spec

    def kwargs(self) -> dict[str, Any]:
        """The parameters back as IFEval kwargs."""
        return self.params.model_dump()

    @abstractmethod
    def describe(self) -> str:
        """The instruction sentence, for teacher prompts and data synthesis."""

    def check(self, response: str) -> CheckResult:
        """Strict verdict: an empty or blank response follows nothing (official rule)."""
        if not response.strip():
            return self.result(False, "the response is empty", 0)
        return self._check(response)

    @abstractmethod
    def _check(self, response: str) -> CheckResult:
        """The checker proper, on a non-blank response."""

    def repair(self, response: str) -> str | None:
        """A mechanical fix, returned only when the checker confirms it passes.

        A fix that would add more than ``MAX_COUNT`` characters (the response limit) is no fix.
        """
        if not self.has_repair:
            return None
        candidate = self._repair(response)
        if candidate is None or candidate == response or len(candidate) > len(response) + MAX_COUNT:
            return None
        if not self.check(candidate).passed:
            return None
        return candidate

    def _repair(self, response: str) -> str | None:
        return None

    def result(self, passed: bool, detail: str, measured: Any = None) -> CheckResult:
        return CheckResult(self.id, passed, "ok" if passed and not detail else detail, measured)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.kwargs()!r})"
