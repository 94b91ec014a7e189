"""Bad constraint specs raise typed errors that name the constraint and the field."""

from __future__ import annotations

from typing import Any

import pytest

from graph.constraints import build, build_constraints, catalogue, verify
from graph.errors import ConstraintParamError, UnknownConstraintError


def test_the_catalogue_has_the_25_ifeval_ids() -> None:
    ifeval_families = {
        "keywords", "language", "length_constraints", "detectable_content", "detectable_format",
        "combination", "startend", "change_case", "punctuation",
    }  # fmt: skip
    ids = {cid for cid in catalogue() if cid.split(":")[0] in ifeval_families}
    assert len(ids) == 25
    assert {cid.split(":")[0] for cid in ids} == ifeval_families


def test_unknown_id() -> None:
    with pytest.raises(UnknownConstraintError) as err:
        build("length_constraints:number_pages", {})
    assert err.value.field == "id"
    assert "number_pages" in str(err.value)


@pytest.mark.parametrize(
    ("constraint_id", "kwargs", "field"),
    [
        ("length_constraints:number_words", {"relation": "at least"}, "num_words"),
        ("length_constraints:number_words", {"num_words": "many", "relation": "at least"}, "num_words"),
        ("length_constraints:number_words", {"num_words": 10, "relation": "at most"}, "relation"),
        ("length_constraints:number_words", {"num_words": -1, "relation": "at least"}, "num_words"),
        (
            "keywords:letter_frequency",
            {"letter": "ab", "let_frequency": 2, "let_relation": "at least"},
            "letter",
        ),
        ("language:response_language", {"language": "German"}, "language"),
        ("keywords:existence", {"keywords": []}, "keywords"),
        ("punctuation:no_comma", {"unexpected": 1}, "unexpected"),
        (
            "length_constraints:nth_paragraph_first_word",
            {"num_paragraphs": 2, "nth_paragraph": 3, "first_word": "a"},
            "",
        ),
        ("combination:repeat_prompt", {"prompt_to_repeat": "  "}, "prompt_to_repeat"),
    ],
)
def test_bad_kwargs_name_the_field(constraint_id: str, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ConstraintParamError) as err:
        build(constraint_id, kwargs)
    assert err.value.constraint_id == constraint_id
    assert constraint_id in str(err.value)
    if field:
        assert err.value.field == field


def test_missing_values_are_never_invented() -> None:
    with pytest.raises(ConstraintParamError):
        build("keywords:frequency", {"keyword": "x", "relation": "at least"})


def test_none_values_mean_unused_and_integral_floats_are_accepted() -> None:
    constraint = build(
        "length_constraints:number_words", {"num_words": 5.0, "relation": "at least", "keywords": None}
    )
    assert constraint.kwargs() == {"num_words": 5, "relation": "at least"}


def test_both_spec_styles_build_the_same_constraints() -> None:
    ifeval = build_constraints(
        instruction_id_list=["punctuation:no_comma", "startend:quotation"], kwargs=[{}, {}]
    )
    listed = build_constraints([{"id": "punctuation:no_comma"}, {"id": "startend:quotation", "kwargs": {}}])
    assert [c.id for c in ifeval] == [c.id for c in listed]


def test_mismatched_lists_and_bad_mode() -> None:
    with pytest.raises(ConstraintParamError) as err:
        build_constraints(instruction_id_list=["punctuation:no_comma"], kwargs=[{}, {}])
    assert err.value.field == "kwargs"
    with pytest.raises(ConstraintParamError) as err:
        verify("text", [{"id": "punctuation:no_comma"}], mode="lenient")  # type: ignore[arg-type]
    assert err.value.field == "mode"


@pytest.mark.parametrize("constraint_id", sorted(catalogue()))
def test_every_constraint_describes_itself_from_its_example(constraint_id: str) -> None:
    cls = catalogue()[constraint_id]
    schema = cls.params_model.model_json_schema()
    assert schema["type"] == "object"
    assert set(cls.example) == set(schema.get("properties", {}))
    assert cls.from_kwargs(cls.example).describe().strip()


def test_the_catalogue_doc_lists_every_constraint() -> None:
    from tests.conftest import REPO_ROOT

    doc = (REPO_ROOT / "docs" / "constraints.md").read_text()
    for constraint_id, cls in catalogue().items():
        line = next(line for line in doc.splitlines() if line.startswith(f"| `{constraint_id}`"))
        assert ("| yes |" in line) == cls.has_repair, constraint_id
