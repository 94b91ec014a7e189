"""Pairs live in :mod:`graph.data.pairs` (training derives them too); re-exported for the store."""

from graph.data.pairs import (
    Curation,
    Pair,
    PairKind,
    PairMode,
    build_pairs,
    canonical_json,
    constraint_specs,
    content_hash,
    dedup,
    task_hash,
)

__all__ = [
    "Curation",
    "Pair",
    "PairKind",
    "PairMode",
    "build_pairs",
    "canonical_json",
    "constraint_specs",
    "content_hash",
    "dedup",
    "task_hash",
]
