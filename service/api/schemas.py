"""Request and response bodies of the API, with the examples ``/docs`` shows (and tests replay).

Static rules (types, enums, empty strings) live here; limits that depend on settings are checked in
``service.api.validation`` so one schema serves every configuration.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr

from graph.result import ConflictInfo, ConstraintSpec, CorrectionResult
from service.api.bodies import RequestBody

Mode = Literal["strict", "loose"]
Strategy = Literal["hybrid", "teacher", "rules"]
Extractor = Literal["rules", "llm", "hybrid"]


def _encodable(value: str) -> str:
    """Unpaired surrogates (``"\\ud800"`` in JSON) cannot be stored or echoed: reject them as input."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"contains an unpaired surrogate at position {exc.start}") from None
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or blank")
    return value


Text = Annotated[str, AfterValidator(_encodable)]
NonBlankText = Annotated[str, AfterValidator(_encodable), AfterValidator(_not_blank)]


class StrictModel(BaseModel):
    """Unknown fields are an error (a misspelt option must not be silently ignored) and JSON types
    are taken as written: ``"record": 0`` is not a boolean, ``"max_rounds": "3"`` not an integer."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ConstraintIn(StrictModel):
    id: Annotated[str, Field(min_length=1, examples=["length_constraints:number_words"])]
    kwargs: dict[str, Any] = Field(default_factory=dict, examples=[{"relation": "at least", "num_words": 5}])


class TeacherOptions(StrictModel):
    """A per-request teacher (only when the server sets FOLLOWFIX_ALLOW_REQUEST_TEACHER)."""

    model: Annotated[str, Field(min_length=1)]
    base_url: str | None = None
    api_key: SecretStr | None = None
    client: Literal["openai", "litellm", "http"] = "openai"
    timeout_s: Annotated[float | None, Field(gt=0, le=600)] = None


class CorrectOptions(StrictModel):
    strategy: Strategy | None = Field(
        default=None, description="default: hybrid with a configured teacher, else rules"
    )
    max_rounds: Annotated[int | None, Field(ge=1, description="default: server setting")] = None
    mode: Mode = "strict"
    teacher: TeacherOptions | None = None
    record: bool = Field(default=True, description="store the correction (and its pairs)")
    extractor: Extractor | None = Field(default=None, description="used when constraints are omitted")
    deadline_s: Annotated[
        float | None,
        Field(ge=1, description="seconds; capped by the server's limit (FOLLOWFIX_REQUEST_TIMEOUT_S)"),
    ] = None
    fix_feasible_rest: bool = Field(
        default=False,
        description="an infeasible set still gets the constraints outside its conflicts fixed (default: stop)",
    )


CORRECT_EXAMPLE: dict[str, Any] = {
    "instruction": "Write a short note about tea. Your entire response should be in English, all lowercase.",
    "response": "Tea is a Drink brewed from the leaves of Camellia sinensis.",
    "constraints": [{"id": "change_case:english_lowercase", "kwargs": {}}],
    "options": {"strategy": "rules", "max_rounds": 3},
}


class CorrectRequest(RequestBody):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [CORRECT_EXAMPLE]})

    instruction: NonBlankText
    response: Text
    constraints: list[ConstraintIn] | None = Field(
        default=None, description="omitted: extracted from the instruction"
    )
    options: CorrectOptions = Field(default_factory=CorrectOptions)


class Timings(BaseModel):
    total_ms: float
    engine_ms: float
    record_ms: float


class DiffSegment(BaseModel):
    """A run of text kept (``equal``), removed (``delete``) or added (``insert``); see graph.worddiff."""

    op: Literal["equal", "delete", "insert"]
    text: str


class CorrectResponse(CorrectionResult):
    """The engine's result plus what the service added: timings, whether it was stored, the diff."""

    recorded: bool
    timings: Timings
    diff: list[DiffSegment] = Field(
        default_factory=list, description="word-level diff original -> final (stored and exported too)"
    )


VERIFY_EXAMPLE: dict[str, Any] = {
    "response": "Tea is a drink brewed from leaves, and it is popular worldwide.",
    "constraints": [
        {"id": "punctuation:no_comma", "kwargs": {}},
        {"id": "length_constraints:number_words", "kwargs": {"relation": "at least", "num_words": 5}},
    ],
    "mode": "strict",
}


class VerifyRequest(RequestBody):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [VERIFY_EXAMPLE]})

    response: Text
    constraints: list[ConstraintIn] | None = Field(
        default=None, description="omitted: extracted from `instruction` with the rule extractor"
    )
    instruction: Text | None = None
    mode: Mode = "strict"


class VerdictOut(BaseModel):
    id: str
    passed: bool
    detail: str
    measured: Any = None


class VerifyResponse(BaseModel):
    passed: bool = Field(description="all constraints pass")
    mode: Mode
    constraints: list[ConstraintSpec]
    verdicts: list[VerdictOut]
    conflicts: list[ConflictInfo] = Field(
        default_factory=list, description="pairs of these constraints that no text can satisfy together"
    )


EXTRACT_EXAMPLE: dict[str, Any] = {
    "instruction": "Write a haiku about autumn. Do not use any commas. Answer with at least 20 words.",
    "extractor": "rules",
}


class ExtractRequest(RequestBody):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [EXTRACT_EXAMPLE]})

    instruction: NonBlankText
    extractor: Extractor | None = Field(default=None, description="default: server setting (rules)")


class ExtractedOut(BaseModel):
    id: str
    kwargs: dict[str, Any]
    span: tuple[int, int] = Field(description="`instruction[span[0]:span[1]]` is the evidence")
    source: Literal["rule", "llm"]


class ExtractResponse(BaseModel):
    extractor: Extractor
    constraints: list[ExtractedOut]
    conflicts: list[ConflictInfo] = Field(
        default_factory=list,
        description="pairs of the extracted constraints that no text can satisfy together",
    )


class ConstraintInfo(BaseModel):
    id: str
    description: str = Field(description="the instruction sentence for `example_kwargs`")
    example_kwargs: dict[str, Any]
    kwargs_schema: dict[str, Any] = Field(description="JSON Schema of the kwargs")
    has_repair: bool = Field(description="a deterministic repair exists (no teacher needed)")


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: dict[str, str]
