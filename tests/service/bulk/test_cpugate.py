"""Records take turns on the CPU and give the turn up while they wait for the teacher."""

from __future__ import annotations

import asyncio

from service.bulk.cpugate import CpuGate, waiting


async def test_one_record_at_a_time_first_come_first_served() -> None:
    gate, log = CpuGate(), []

    async def record(name: str) -> None:
        async with gate.turn():
            log.append(f"{name} start")
            await asyncio.sleep(0)  # a graph step yields to the loop: nobody else may cut in
            await asyncio.sleep(0)
            log.append(f"{name} end")

    await asyncio.gather(record("a"), record("b"), record("c"))
    assert log == ["a start", "a end", "b start", "b end", "c start", "c end"]


async def test_waiting_for_io_lets_the_next_record_run() -> None:
    gate, log = CpuGate(), []

    async def record(name: str, io_s: float) -> None:
        async with gate.turn():
            log.append(f"{name} cpu")
            async with waiting():
                await asyncio.sleep(io_s)
            log.append(f"{name} after io")

    await asyncio.gather(record("a", 0.05), record("b", 0.0))
    assert log == ["a cpu", "b cpu", "b after io", "a after io"]


async def test_overlapping_waits_of_one_record_take_the_turn_back_once() -> None:
    gate, log = CpuGate(), []

    async def call(seconds: float) -> None:
        async with waiting():
            await asyncio.sleep(seconds)

    async def first() -> None:
        async with gate.turn():
            await asyncio.gather(call(0.02), call(0.04))  # two teacher calls at once
            log.append("first resumed")

    async def second() -> None:
        await asyncio.sleep(0.01)
        async with gate.turn():
            log.append("second ran")

    await asyncio.gather(first(), second())
    assert log == ["second ran", "first resumed"]
    async with gate.turn():  # the turn was handed back exactly once: free again now
        pass


async def test_waiting_outside_a_turn_is_a_no_op() -> None:
    async with waiting():
        await asyncio.sleep(0)


async def test_a_cancelled_record_gives_its_turn_back() -> None:
    gate = CpuGate()

    async def stuck() -> None:
        async with gate.turn():
            await asyncio.sleep(10)

    task = asyncio.create_task(stuck())
    await asyncio.sleep(0.01)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    async with asyncio.timeout(1), gate.turn():
        pass
