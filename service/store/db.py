"""The correction store: SQLAlchemy 2 async over a SQLite file (WAL) or PostgreSQL.

A write is one transaction holding the corrections and their pairs; it is durable when ``record``
returns (SQLite runs with ``synchronous=FULL``). Recording is idempotent per correction id: a retry
of a write whose acknowledgement was lost stores nothing twice. Reads page through rows by
``(created_at, seq)`` keyset, one short transaction per page, so memory stays flat and no reader
pins a snapshot for the length of an export.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, event, func, literal, or_, select, text, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from graph.errors import StoreError
from graph.result import CorrectionResult
from service.store import migrate
from service.store.errors import DB_ERRORS, store_error
from service.store.models import UTCDateTime, corrections, pairs, sft_examples, tasks, to_utc
from service.store.pairs import Curation, Pair, PairMode
from service.store.rows import (
    Prepared,
    SftExample,
    StoredCorrection,
    Task,
    pair_from_row,
    prepare,
    sft_from_row,
    stored_from_row,
    task_from_row,
)

logger = logging.getLogger(__name__)

DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}
PAGE = 500


def normalize_url(url: str) -> str:
    """Give a bare ``sqlite:///`` or ``postgresql://`` URL its async driver."""
    scheme, sep, rest = url.partition("://")
    return f"{DRIVERS.get(scheme, scheme)}{sep}{rest}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=30000", "foreign_keys=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _window(table: Table, since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    where = []
    if since is not None:
        where.append(table.c.created_at >= to_utc(since))
    if until is not None:
        where.append(table.c.created_at < to_utc(until))
    return where


class Store:
    """Async access to the corrections and pairs; open with :meth:`open`, close with :meth:`close`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    @classmethod
    async def open(cls, url: str, *, migrate_schema: bool = True, echo: bool = False) -> Store:
        """Create the engine (SQLite file in WAL mode, or PostgreSQL) and migrate to head."""
        url = normalize_url(url)
        parsed = make_url(url)
        kwargs: dict[str, Any] = {"echo": echo, "pool_pre_ping": True}
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database in ("", ":memory:"):
                kwargs["poolclass"] = StaticPool
            else:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
        try:
            engine = create_async_engine(url, **kwargs)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise StoreError(f"cannot create a store engine for {parsed!r}: {exc}") from exc
        if engine.dialect.name == "sqlite":
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        store = cls(engine)
        if migrate_schema:
            try:
                await migrate.upgrade(engine)
            except (SQLAlchemyError, OSError) as exc:
                await engine.dispose()
                raise StoreError(f"cannot open store {parsed!r}: {exc}") from exc
        return store

    async def close(self) -> None:
        await self.engine.dispose()

    async def ping(self, timeout: float = 2.0) -> bool:
        """True when the database answers a trivial query within ``timeout`` seconds."""
        try:
            async with asyncio.timeout(timeout), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            logger.warning("store ping failed: %s", exc)
            return False
        return True

    async def record(self, result: CorrectionResult, *, source: str) -> None:
        """Store one correction and its pairs; durable when this returns."""
        await self.record_many([result], source=source)

    async def record_many(
        self,
        results: Sequence[CorrectionResult],
        *,
        source: str | Sequence[str],
        created_at: datetime | None = None,
    ) -> int:
        """Store many corrections in one transaction; returns how many ids were new."""
        if not results:
            return 0
        sources = [source] * len(results) if isinstance(source, str) else list(source)
        when = to_utc(created_at) if created_at is not None else datetime.now(UTC)
        try:
            prepared = await asyncio.to_thread(prepare, results, sources, when)
        except UnicodeError as exc:  # text no encoding can hold: the value's fault, not the store's
            raise store_error(f"preparing {len(results)} corrections", exc) from exc
        try:
            async with self.engine.begin() as conn:
                stmt = self._insert(corrections).on_conflict_do_nothing(index_elements=["id"])
                inserted = await conn.execute(stmt.returning(corrections.c.id), prepared.corrections)
                new_ids = set(inserted.scalars())
                await self._insert_derived(conn, prepared, new_ids)
        except DB_ERRORS as exc:  # the message keeps the driver's reason, never the SQL or its parameters
            raise store_error(f"writing {len(prepared.corrections)} corrections", exc) from exc
        skipped = len(prepared.corrections) - len(new_ids)
        if skipped:
            logger.info("%d of %d corrections were already stored", skipped, len(prepared.corrections))
        return len(new_ids)

    async def _insert_derived(self, conn: AsyncConnection, prepared: Prepared, new_ids: set[str]) -> None:
        """Pairs, SFT examples and tasks of the corrections just inserted; the first of each hash wins."""
        pair_rows = [row for row in prepared.pairs if row["correction_id"] in new_ids]
        if pair_rows:
            ins = self._insert(pairs)
            # A pair first stored as a step of one correction is another's final pair: mark it final.
            upsert = ins.on_conflict_do_update(
                index_elements=["hash"],
                set_={"kind": ins.excluded.kind, "step_index": ins.excluded.step_index},
                where=and_(pairs.c.kind == "step", ins.excluded.kind == "final"),
            )
            await conn.execute(upsert, pair_rows)
        for table, rows in ((sft_examples, prepared.sft_examples), (tasks, prepared.tasks)):
            fresh = [row for row in rows if row["correction_id"] in new_ids]
            if fresh:
                await conn.execute(self._insert(table).on_conflict_do_nothing(index_elements=["hash"]), fresh)

    async def count(
        self, *, since: datetime | None = None, until: datetime | None = None, source: str | None = None
    ) -> int:
        """Number of stored corrections in the time window (and from ``source`` if given)."""
        where = _window(corrections, since, until)
        if source is not None:
            where.append(corrections.c.source == source)
        return await self._scalar(select(func.count()).select_from(corrections).where(*where))

    async def count_pairs(
        self, mode: PairMode = "final", *, since: datetime | None = None, until: datetime | None = None
    ) -> int:
        where = _window(pairs, since, until)
        if mode == "final":
            where.append(pairs.c.kind == "final")
        return await self._scalar(select(func.count()).select_from(pairs).where(*where))

    async def _scalar(self, query: Any) -> int:
        try:
            async with self.engine.connect() as conn:
                return int((await conn.execute(query)).scalar_one())
        except DB_ERRORS as exc:
            raise store_error("a store query", exc) from exc

    async def iter_corrections(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> AsyncIterator[StoredCorrection]:
        """Corrections in (created_at, seq) order, one page in memory at a time."""
        async for row in self._pages(corrections, _window(corrections, since, until)):
            yield stored_from_row(row)

    async def iter_pairs(
        self,
        mode: PairMode = "final",
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        curation: Curation = "all",
    ) -> AsyncIterator[Pair]:
        """Distinct pairs in (created_at, seq) order; ``steps`` adds the per-step pairs.

        ``curation`` keeps only reviewer-accepted pairs, or leaves rejected ones out.
        """
        where = _window(pairs, since, until)
        if mode == "final":
            where.append(pairs.c.kind == "final")
        if curation == "accepted":
            where.append(pairs.c.decision == "accepted")
        elif curation == "not_rejected":
            where.append(or_(pairs.c.decision.is_(None), pairs.c.decision != "rejected"))
        async for row in self._pages(pairs, where):
            yield pair_from_row(row)

    async def iter_sft(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> AsyncIterator[SftExample]:
        """One example per distinct (prompt, chosen) of a final pair."""
        async for row in self._pages(sft_examples, _window(sft_examples, since, until)):
            yield sft_from_row(row)

    async def iter_tasks(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> AsyncIterator[Task]:
        """One RLVR task per distinct (instruction, valid constraints)."""
        async for row in self._pages(tasks, _window(tasks, since, until)):
            yield task_from_row(row)

    async def _pages(
        self, table: Table, where: Iterable[ColumnElement[bool]], page: int = PAGE
    ) -> AsyncIterator[RowMapping]:
        """Keyset pagination over (created_at, seq): constant memory, one short read per page."""
        base = list(where)
        key = tuple_(table.c.created_at, table.c.seq)
        last: tuple[datetime, int] | None = None
        while True:
            query = select(table).where(*base)
            if last is not None:
                query = query.where(key > tuple_(literal(last[0], UTCDateTime()), literal(last[1])))
            query = query.order_by(table.c.created_at, table.c.seq).limit(page)
            try:
                async with self.engine.connect() as conn:
                    rows = (await conn.execute(query)).mappings().all()
            except DB_ERRORS as exc:
                raise store_error(f"reading {table.name}", exc) from exc
            for row in rows:
                yield row
            if len(rows) < page:
                return
            last = (rows[-1]["created_at"], rows[-1]["seq"])
