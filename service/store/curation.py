"""Curation of stored pairs: accept, reject, or replace the chosen text, with who and when.

A replacement chosen text is verified against the pair's constraints (strict, the exports' rule)
before anything is written: a text that fails one is refused, so the store never holds a "chosen"
answer that breaks its own instruction. The rejected side must still fail, or the pair teaches
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import select, update

from graph.constraints import build_constraints
from graph.worddiff import word_diff
from service.store.db import Store
from service.store.errors import DB_ERRORS, store_error
from service.store.models import pairs
from service.store.review import bad_input, pair_view

Decision = Literal["accepted", "rejected"]


@dataclass(frozen=True, slots=True)
class FailedCheck:
    id: str
    detail: str


class ChosenFailsError(Exception):
    """The proposed chosen text breaks constraints; ``failed`` says which and why."""

    def __init__(self, failed: list[FailedCheck]) -> None:
        super().__init__("; ".join(f"{f.id}: {f.detail}" for f in failed))
        self.failed = failed


def verify_chosen(constraints: list[dict[str, Any]], text: str) -> list[FailedCheck]:
    """The constraints ``text`` fails (strict); empty when it passes them all."""
    built = build_constraints([{"id": c["id"], "kwargs": c.get("kwargs") or {}} for c in constraints])
    failed = []
    for constraint in built:
        result = constraint.check(text)
        if not result.passed:
            failed.append(FailedCheck(constraint.id, result.detail))
    return failed


async def decide(store: Store, pair_hash: str, decision: Decision | None, who: str) -> dict[str, Any] | None:
    """Record (or with ``None`` clear) a decision on one pair; None when there is no such pair."""
    values = {"decision": decision, "decided_by": who, "decided_at": datetime.now(UTC)}
    return await _update(store, pair_hash, values)


async def edit_chosen(store: Store, pair_hash: str, text: str, who: str) -> dict[str, Any] | None:
    """Replace the chosen text after verifying it; the pair counts as accepted from then on.

    Raises :class:`ChosenFailsError` when ``text`` breaks a constraint; nothing is written then.
    """
    row = await _get(store, pair_hash)
    if row is None:
        return None
    if not text.strip():
        raise bad_input("chosen", "must not be empty or blank")
    if text == row["rejected"]:
        raise bad_input("chosen", "is the rejected text itself: the pair would teach nothing")
    failed = verify_chosen(row["constraints"], text)
    if failed:
        raise ChosenFailsError(failed)
    values = {
        "chosen_edited": None if text == row["chosen"] else text,
        "diff": word_diff(row["rejected"], text),
        "decision": "accepted",
        "decided_by": who,
        "decided_at": datetime.now(UTC),
    }
    return await _update(store, pair_hash, values)


async def _get(store: Store, pair_hash: str) -> dict[str, Any] | None:
    try:
        async with store.engine.connect() as conn:
            found = (await conn.execute(select(pairs).where(pairs.c.hash == pair_hash))).mappings().first()
    except DB_ERRORS as exc:  # the driver's reason only: no SQL or parameters reach a client
        raise store_error(f"reading pair {pair_hash}", exc) from exc
    return dict(found) if found is not None else None


async def _update(store: Store, pair_hash: str, values: dict[str, Any]) -> dict[str, Any] | None:
    try:
        async with store.engine.begin() as conn:
            done = await conn.execute(update(pairs).where(pairs.c.hash == pair_hash).values(**values))
            if not done.rowcount:
                return None
            row = (await conn.execute(select(pairs).where(pairs.c.hash == pair_hash))).mappings().first()
    except DB_ERRORS as exc:
        raise store_error(f"updating pair {pair_hash}", exc) from exc
    return pair_view(dict(row)) if row is not None else None
