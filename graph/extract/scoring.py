"""Scoring extracted constraints against true ones: id precision/recall/F1 and exact kwargs.

Matching is per instruction and by multiset (an id may occur twice, as in "600 to 700 words").
"Exact" compares kwargs as stored; "equivalent" also accepts kwargs the checker treats the same
(keywords and first words compare case-insensitively, as the official checker does; runs of
whitespace compare equal, as word-based checkers such as trigram overlap see no difference).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Spec = tuple[str, Mapping[str, Any]]


def _clean(kwargs: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (kwargs or {}).items() if v is not None}


def _key(spec: Spec, *, loose: bool) -> str:
    constraint_id, kwargs = spec
    cleaned = _clean(kwargs)
    if loose:
        cleaned = {k: _fold(v) for k, v in cleaned.items()}
    return constraint_id + repr(sorted(cleaned.items()))


def _fold(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    if isinstance(value, list):
        return sorted(_fold(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass
class Score:
    """Running totals over many instructions, with per-id miss counts for the report."""

    true_ids: int = 0
    predicted_ids: int = 0
    matched_ids: int = 0
    exact: int = 0
    equivalent: int = 0
    missed: Counter[str] = field(default_factory=Counter)
    spurious: Counter[str] = field(default_factory=Counter)
    wrong_kwargs: Counter[str] = field(default_factory=Counter)

    def add(self, truth: Sequence[Spec], predicted: Sequence[Spec]) -> None:
        true_ids = Counter(cid for cid, _ in truth)
        predicted_ids = Counter(cid for cid, _ in predicted)
        self.true_ids += sum(true_ids.values())
        self.predicted_ids += sum(predicted_ids.values())
        self.matched_ids += sum((true_ids & predicted_ids).values())
        self.missed.update(true_ids - predicted_ids)
        self.spurious.update(predicted_ids - true_ids)
        exact = Counter(_key(s, loose=False) for s in truth) & Counter(
            _key(s, loose=False) for s in predicted
        )
        loose = Counter(_key(s, loose=True) for s in truth) & Counter(_key(s, loose=True) for s in predicted)
        self.exact += sum(exact.values())
        self.equivalent += sum(loose.values())
        remaining = Counter(_key(s, loose=True) for s in predicted)
        for spec in truth:
            key = _key(spec, loose=True)
            if remaining[key] > 0:
                remaining[key] -= 1
            elif predicted_ids[spec[0]]:
                self.wrong_kwargs[spec[0]] += 1

    @property
    def precision(self) -> float:
        return self.matched_ids / self.predicted_ids if self.predicted_ids else 0.0

    @property
    def recall(self) -> float:
        return self.matched_ids / self.true_ids if self.true_ids else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def exact_share(self) -> float:
        return self.exact / self.true_ids if self.true_ids else 0.0

    @property
    def equivalent_share(self) -> float:
        return self.equivalent / self.true_ids if self.true_ids else 0.0
