"""The store wakes the server once per commit, and only after the commit (see benchmarks)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from facilitate.faults import FaultKind, StorageError
from facilitate.store import Store


async def test_answers_are_on_disk_when_awaited_and_share_commits(tmp_path: Path) -> None:
    store = Store.create(directory=tmp_path)
    try:
        await asyncio.gather(
            *(store.put_answer_durably("item", f"p{i:03d}", {"choice": i % 3}) for i in range(200))
        )
        assert store.commits < 200  # group commit
        assert store.path is not None
        reader = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
        try:
            assert reader.execute("SELECT count(*) FROM answers").fetchone()[0] == 200
        finally:
            reader.close()
    finally:
        store.close()


async def test_a_failed_commit_reaches_every_waiter(monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.create(ephemeral=True)
    original = store._store_answers

    def failing(rows: list[tuple]) -> None:
        if any(row[1] == "bad" for row in rows):
            raise sqlite3.OperationalError("disk I/O error")
        original(rows)

    monkeypatch.setattr(store, "_store_answers", failing)
    try:
        results = await asyncio.gather(
            store.put_answer_durably("item", "bad", {"x": 1}),
            return_exceptions=True,
        )
        # The store names the fault (its kind and SQLite's words); the cause is kept.
        assert isinstance(results[0], StorageError)
        assert results[0].kind is FaultKind.IO
        assert isinstance(results[0].__cause__, sqlite3.OperationalError)
        assert store.answers() == {}
        await store.put_answer_durably("item", "good", {"x": 1})
        assert store.answers() == {"item": {"good": {"x": 1}}}
    finally:
        store.close()


async def test_a_closed_store_refuses_answers() -> None:
    store = Store.create(ephemeral=True)
    store.close()
    with pytest.raises(RuntimeError, match="closed"):
        await store.put_answer_durably("item", "p", {"x": 1})
