"""The command's start-up: collection paused while modules import, and what they made frozen."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from facilitate.cli import start_up


@pytest.fixture
def collector() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        gc.unfreeze()  # give this test process's objects back to the collector
        if not was:
            gc.disable()


def test_a_command_process_starts_with_collection_off_and_freezes_what_it_made(
    collector: None,
) -> None:
    before = gc.get_freeze_count()
    with start_up(True):
        assert not gc.isenabled()
        made = [[index] for index in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(made)


def test_a_caller_of_main_keeps_its_collector_as_it_is(collector: None) -> None:
    before = gc.get_freeze_count()
    with start_up(False):
        assert gc.isenabled()
    assert gc.get_freeze_count() == before
    gc.disable()
    with start_up(True):  # someone else turned it off: left off, nothing frozen
        assert not gc.isenabled()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == before
    gc.enable()


def test_collection_is_back_on_when_parsing_fails(collector: None) -> None:
    with pytest.raises(SystemExit), start_up(True):
        raise SystemExit(2)
    assert gc.isenabled()
