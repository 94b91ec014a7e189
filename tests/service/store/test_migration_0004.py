"""Migration 0004 rebuilds the SQLite collect queue with AUTOINCREMENT: items queued before the
upgrade keep their ids, and no id is handed out twice afterwards (issue 15, item 3)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from service.bulk.table_queue import TableQueue
from service.store import Store
from service.store.migrate import alembic_config


async def test_queued_items_survive_the_rebuild_and_ids_are_never_reused(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), "0003"))
        for seq in (1, 2, 7):
            await conn.execute(
                text(
                    "INSERT INTO collect_queue (seq, created_at, payload, attempts) "
                    "VALUES (:seq, '2026-12-01 00:00:00', :payload, 0)"
                ),
                {"seq": seq, "payload": f'{{"n": {seq}}}'},
            )
    await engine.dispose()
    store = await Store.open(url)  # upgrades to head
    try:
        queue = TableQueue(store.engine, 1000, 30, 1)
        items = await queue.claim("c", 10)
        assert [(item.id, item.payload) for item in items] == [
            ("1", {"n": 1}),
            ("2", {"n": 2}),
            ("7", {"n": 7}),
        ]
        for item in items:
            assert await queue.ack(item)
        newer = await queue.put({"n": 8})
        assert int(newer) > 7  # above every id handed out before the upgrade, though all were deleted
        [claimed] = await queue.claim("c", 1)
        assert await queue.ack(claimed)
        assert await queue.put({"n": 9}) != newer
    finally:
        await store.close()
