"""An interrupted correction resumes from its SQLite checkpoint, keyed by correction id."""

from pathlib import Path

import pytest
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from graph.context import RunContext
from graph.errors import TeacherUnavailableError
from graph.graph import build_graph
from graph.run import correct
from tests.support.fixtures import fast_teacher_config

CONSTRAINTS = [
    {"id": "keywords:existence", "kwargs": {"keywords": ["banana"]}},
    {"id": "keywords:existence", "kwargs": {"keywords": ["kiwi"]}},
]
TEXT = "Apples are red and tasty.\nThey grow on trees."


async def test_interrupted_correction_resumes_where_it_stopped(teacher_server, tmp_path: Path) -> None:
    dying = teacher_server("competent", fail_after=1)  # serves one fix, then only 500s
    db = str(tmp_path / "checkpoints.sqlite")
    async with AsyncSqliteSaver.from_conn_string(db) as saver:
        context = RunContext(strategy="teacher", teacher=fast_teacher_config(dying, max_retries=1))
        with pytest.raises(TeacherUnavailableError):
            await correct("Q", TEXT, CONSTRAINTS, context=context, correction_id="job-1", checkpointer=saver)
        saved = await build_graph(saver).aget_state({"configurable": {"thread_id": "job-1"}})
        assert saved.next == ("correct",)
        assert len(saved.values["trajectory"]) == 1 and "banana" in saved.values["response"]

    healthy = teacher_server("competent")
    async with AsyncSqliteSaver.from_conn_string(db) as saver:  # a new process would open the file anew
        context = RunContext(strategy="teacher", teacher=fast_teacher_config(healthy))
        result = await correct(
            "Q", TEXT, CONSTRAINTS, context=context, correction_id="job-1", checkpointer=saver
        )
        assert result.status == "corrected"
        assert [s.constraint_ids for s in result.trajectory] == [["keywords:existence"]] * 2
        assert result.trajectory[0].response_before == TEXT
        assert len(healthy.server.chat_requests()) == 1  # only the remaining fix was asked for
        assert result.usage.calls == 2

        again = await correct(
            "Q", TEXT, CONSTRAINTS, context=context, correction_id="job-1", checkpointer=saver
        )
        assert again.final == result.final and len(healthy.server.chat_requests()) == 1


async def test_distinct_ids_do_not_share_state(tmp_path: Path) -> None:
    async with AsyncSqliteSaver.from_conn_string(str(tmp_path / "c.sqlite")) as saver:
        first = await correct(
            "Q", "a, b", [{"id": "punctuation:no_comma"}], correction_id="a", checkpointer=saver
        )
        second = await correct(
            "Q", "c, d", [{"id": "punctuation:no_comma"}], correction_id="b", checkpointer=saver
        )
    assert (first.final, second.final) == ("a b", "c d")
