"""The JSONL reader lives in :mod:`graph.data.jsonl` (training reads files too); re-exported here."""

from graph.data.jsonl import iter_jsonl

__all__ = ["iter_jsonl"]
