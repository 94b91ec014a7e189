"""The one check for text that every store can hold."""

import pytest

from graph.storable import find_unstorable


@pytest.mark.parametrize(
    ("value", "path", "fragment"),
    [
        ("ok", None, None),
        ({"a": ["x", {"b": "\ud800"}]}, "a.1.b", "lone surrogate (\\ud800)"),
        ({"kwargs": {"keywords": ["fine", "nul\x00"]}}, "kwargs.keywords.1", "NUL"),
        (["\udfff"], "0", "lone surrogate (\\udfff)"),
        ({"\ud83d": 1}, "\ud83d", "key contains a lone surrogate"),
        ({"emoji": "\U0001f600 is a pair, not a lone surrogate"}, None, None),
        ({"n": 5, "f": 1.5, "none": None, "t": True}, None, None),
    ],
)
def test_find_unstorable(value: object, path: str | None, fragment: str | None) -> None:
    found = find_unstorable(value)
    if path is None:
        assert found is None
    else:
        assert found is not None and found.path == path and fragment in found.reason
