"""Answers reach the writer thread in batches, and a batch is one statement (issue 13)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from facilitate.store import Store


class CountingQueue:
    """The writer's queue, counting what is put on it."""

    def __init__(self, queue: Any) -> None:
        self.queue = queue
        self.puts = 0

    def put(self, item: Any) -> None:
        self.puts += 1
        self.queue.put(item)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.queue, name)


async def test_answers_of_one_turn_reach_the_writer_in_one_hand_over(tmp_path: Path) -> None:
    store = Store.create(directory=tmp_path)
    counting = CountingQueue(store._queue)
    store._queue = counting  # type: ignore[assignment]
    try:
        await asyncio.gather(
            *(store.put_answer_durably("item", f"p{i:03d}", {"choice": i % 3}) for i in range(200))
        )
        assert counting.puts == 1  # before: one put, and one wake-up of the writer, each
        assert len(store.answers()["item"]) == 200
    finally:
        store._queue = counting.queue
        store.close()


async def test_a_batch_is_one_statement_and_keeps_the_order_of_answers(tmp_path: Path) -> None:
    store = Store.create(directory=tmp_path)
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    try:
        await asyncio.gather(
            store.put_answer_durably("item", "a", {"choice": 1}),
            store.put_answer_durably("item", "b", {"choice": 1}),
            store.put_answer_durably("item", "a", {"choice": 2}),  # a changes its answer
            store.put_answer_durably("item", "b", None),  # b withdraws
            store.put_answer_durably("item", "c", {"text": "é “quoted”"}, ["text"]),
            store.put_answer_durably("item", "b", {"choice": 0}),  # and answers again
        )
        inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
        # before: one statement a row (SQLite stepped, and the lock changed hands, each time)
        assert len(inserts) == 2  # a, b, a; then c, b after the withdrawal
        assert store.answers() == {
            "item": {"a": {"choice": 2}, "b": {"choice": 0}, "c": {"text": "é “quoted”"}}
        }
        assert store.approved_texts() == {"item": {"é “quoted”"}}
    finally:
        store._db.set_trace_callback(None)
        store.close()


async def test_other_writes_wait_for_the_answers_given_before_them(tmp_path: Path) -> None:
    """An erasure queued after an answer must find it stored (moderation relies on it)."""
    store = Store.create(directory=tmp_path)
    try:
        answer = asyncio.ensure_future(store.put_answer_durably("say", "p", {"text": "secret"}))
        await asyncio.sleep(0)  # the answer is gathered, not yet handed over
        store.erase_texts("say", ["text"], ["secret"]).result(timeout=10)
        await answer
        assert store.answers() == {"say": {"p": {"text": None}}}
    finally:
        store.close()


async def test_answers_gathered_when_the_store_closes_are_written() -> None:
    store = Store.create(ephemeral=True)
    answer = asyncio.ensure_future(store.put_answer_durably("item", "p", {"x": 1}))
    await asyncio.sleep(0)
    store.close()
    await asyncio.wait_for(answer, 10)
    with pytest.raises(RuntimeError, match="closed"):
        await store.put_answer_durably("item", "q", {"x": 1})


def test_without_json_functions_answers_are_stored_a_row_at_a_time(tmp_path: Path) -> None:
    store = Store.create(directory=tmp_path)
    store._json = False
    try:
        for future in [store.put_answer("item", f"p{i}", {"x": i}) for i in range(5)]:
            future.result(timeout=10)
        assert len(store.answers()["item"]) == 5
    finally:
        store.close()
    assert sqlite3.sqlite_version_info >= (3, 9)
