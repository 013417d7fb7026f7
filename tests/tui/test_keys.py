"""Every key of the console and projector, driven through Textual's Pilot."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Input, OptionList, Static

from facilitate.clock import ManualClock
from facilitate.engine import CLOSED, OPEN, Engine
from facilitate.store import Store
from facilitate.tui.screens import (
    ConsoleScreen,
    HelpScreen,
    ModerationScreen,
    ProjectorScreen,
    QuitScreen,
    WifiScreen,
)
from facilitate.tui.widgets import BigTimer, QRCode

from .conftest import answer, available_kinds, make_app, make_engine, redrawn

SIZE = (120, 40)


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def preview(app) -> str:
    """The console's "what the room sees" line, whole (on screen it may wrap)."""
    return app.screen.query_one("#room-preview", Static).content.plain


async def test_space_starts_and_pauses_the_timer(engine: Engine, clock: ManualClock) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        assert engine.current_run.timer.running
        clock.advance(65)
        await redrawn(pilot)
        assert "08:55" in app.query_one(BigTimer).query_one("Digits").value
        await pilot.press("space")
        assert not engine.current_run.timer.running


async def test_n_and_p_move_through_the_agenda(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        assert engine.index == 2
        await pilot.press("p")
        assert engine.index == 1
        await redrawn(pilot)
        assert "Pick one" in screen_text(app)
        await pilot.press("p", "p")
        assert engine.index == 0


async def test_plus_minus_and_brackets_change_the_time(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("plus")
        assert engine.current_run.timer.adjustment == 60
        await pilot.press("equals_sign")
        assert engine.current_run.timer.adjustment == 120
        await pilot.press("minus")
        assert engine.current_run.timer.adjustment == 60
        await pilot.press("right_square_bracket")
        assert engine.current_run.timer.adjustment == 360
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert engine.current_run.timer.adjustment == -240


async def test_timer_turns_amber_then_red_and_says_so(engine: Engine, clock: ManualClock) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        timer = app.query_one(BigTimer)
        await pilot.press("space")
        clock.advance(9 * 60)
        await redrawn(pilot)
        assert timer.has_class("-warning")
        assert "last minutes" in screen_text(app)
        clock.advance(90)
        await redrawn(pilot)
        assert timer.has_class("-over")
        assert "OVER TIME" in screen_text(app)


async def test_o_opens_and_closes_answering_and_r_reveals(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")  # a talk: nothing to open
        assert engine.current_run.phase == "waiting"
        await pilot.press("n", "o")
        assert engine.current_run.phase == OPEN
        await redrawn(pilot)
        assert "press o to open" not in screen_text(app)
        await answer(engine, "choice", 2)
        await redrawn(pilot)
        assert "2 answers · results hidden until 3" in screen_text(app)
        await answer(engine, "choice", 2, seed=8)
        await redrawn(pilot)
        assert "Passwords" in screen_text(app)
        await pilot.press("r")
        assert engine.current_run.revealed
        await pilot.press("o")
        assert engine.current_run.phase == CLOSED
        await pilot.press("r")
        assert not engine.current_run.revealed


async def test_l_locks_and_c_rotates_the_code(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        assert engine.locked
        await redrawn(pilot)
        assert "room LOCKED" in screen_text(app)
        await pilot.press("l")
        assert not engine.locked
        old = engine.join_code
        await pilot.press("c")
        assert engine.join_code != old or len(old) == 6


async def test_tab_and_s_switch_between_console_and_projector(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ConsoleScreen)
        await pilot.press("tab")
        assert isinstance(app.screen, ProjectorScreen)
        await redrawn(pilot)
        assert app.screen.query_one("#join-qr", QRCode).data == app.join_url
        assert "join code 123 456" in screen_text(app)
        await pilot.press("space")  # workshop keys work on the projector too
        assert engine.current_run.timer.running
        await pilot.press("s")
        assert isinstance(app.screen, ConsoleScreen)


async def test_question_mark_shows_help_and_escape_closes_it(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "open or close answering" in screen_text(app)
        await pilot.press("n")  # workshop keys do nothing under a dialog
        assert engine.index == 0
        await pilot.press("escape")
        assert isinstance(app.screen, ConsoleScreen)


@pytest.mark.skipif("text" not in available_kinds(), reason="free text type not installed")
async def test_m_moderates_free_text(engine: Engine) -> None:
    app = make_app(engine)
    engine.goto(engine.agenda.index_of("text"))
    engine.open_answering()
    for words in ("Trusted friends", "Backups", "Trusted friends", "Names of people"):
        await engine.submit(engine.join(), "text", {engine.form("text").fields[0].name: [words]})
    async with app.run_test(size=SIZE) as pilot:
        await redrawn(pilot)
        assert "To moderate (3)" in screen_text(app)
        await pilot.press("m")
        assert isinstance(app.screen, ModerationScreen)
        assert app.screen.query_one(OptionList).option_count == 3
        await pilot.press("a")  # the most frequent first
        assert engine.decision("text", "Trusted friends") == "approved"
        await pilot.press("down", "x")
        assert engine.decision("text", "Names of people") == "rejected"
        await pilot.press("A")
        assert engine.decision("text", "Backups") == "approved"
        assert not engine.all_pending()
        await pilot.press("escape")
        assert isinstance(app.screen, ConsoleScreen)


async def test_w_shows_a_wifi_code_on_the_projector(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("w")
        assert isinstance(app.screen, WifiScreen)
        await pilot.press(*"Room 4", "enter", *"s3cret;pass", "enter")
        assert app.wifi is not None
        assert app.wifi.payload == "WIFI:T:WPA;S:Room 4;P:s3cret\\;pass;;"
        await pilot.press("tab")
        await redrawn(pilot)
        wifi = app.screen.query_one("#wifi-qr", QRCode)
        assert wifi.display and wifi.data == app.wifi.payload
        assert "Wi-Fi: Room 4" in screen_text(app)
        assert "s3cret" not in screen_text(app)
        await pilot.press("w")
        await pilot.click("#remove")
        assert app.wifi is None


class FakeServer:
    """What the app needs of a running participant server, and what it told it."""

    join_url = "http://192.0.2.1:8000/j/123456"
    local_url = "http://127.0.0.1:8000"
    note = ""

    def __init__(self, *, fail: bool = False) -> None:
        self.wifi_calls: list[str | None] = []
        self.fail = fail

    def set_wifi(self, payload: str | None) -> None:
        if self.fail:
            raise RuntimeError("the projector page is gone")
        self.wifi_calls.append(payload)

    async def stop(self) -> None:
        pass


def served(engine: Engine, server: object):
    from facilitate.tui.app import FacilitateApp

    async def start(engine: Engine) -> object:
        return server

    return FacilitateApp(engine, start_server=start, language="en")


async def test_the_wifi_code_reaches_the_web_projector_and_leaves_it(engine: Engine) -> None:
    server = FakeServer()
    app = served(engine, server)
    async with app.run_test(size=SIZE) as pilot:
        await app.started.wait()
        assert app.server is server
        await pilot.press("w", *"Room 4", "enter", *"s3cret", "enter")
        assert server.wifi_calls == ["WIFI:T:WPA;S:Room 4;P:s3cret;;"]
        await pilot.press("w", "escape")  # cancelling changes nothing, here or there
        assert server.wifi_calls == ["WIFI:T:WPA;S:Room 4;P:s3cret;;"]
        await pilot.press("w")
        await pilot.click("#remove")
        assert server.wifi_calls == ["WIFI:T:WPA;S:Room 4;P:s3cret;;", None]


async def test_a_server_without_wifi_or_failing_at_it_leaves_the_console_running(
    engine: Engine,
) -> None:
    class OldServer(FakeServer):
        set_wifi = None  # type: ignore[assignment]

    for server in (OldServer(), FakeServer(fail=True)):
        app = served(engine, server)
        async with app.run_test(size=SIZE) as pilot:
            await app.started.wait()
            await pilot.press("w", *"Room 4", "enter", "enter")
            assert app.wifi is not None and app.is_running
            await pilot.press("tab")
            await redrawn(pilot)
            assert app.screen.query_one("#wifi-qr", QRCode).display


async def test_wifi_dialog_refuses_an_empty_name_and_escape_cancels(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w", "enter", "enter")
        assert isinstance(app.screen, WifiScreen)
        assert "needs a name" in screen_text(app)
        assert app.screen.query_one("#ssid", Input).has_focus or True
        await pilot.press("escape")
        assert isinstance(app.screen, ConsoleScreen)
        assert app.wifi is None


async def test_q_asks_first_and_n_stays(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        assert isinstance(app.screen, QuitScreen)
        assert "memory only" in screen_text(app)
        await pilot.press("n")
        assert isinstance(app.screen, ConsoleScreen)
        assert app.is_running


async def test_quit_then_resume_shows_the_same_item_and_timer(clock: ManualClock) -> None:
    store = Store.create()
    engine = make_engine(clock, store)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n", "space", "plus")
        clock.advance(100)
        await pilot.press("q")
        assert f"facilitate resume {store.id}" in screen_text(app)
        await pilot.press("y")
    assert app.return_code == 0
    remaining = engine.current_run.timer.remaining
    engine.close()

    resumed = Engine.resume(Store.open(store.id), clock=clock)
    assert resumed.index == 2
    assert resumed.current_run.timer.running
    assert abs(resumed.current_run.timer.remaining - remaining) < 1
    app = make_app(resumed)
    async with app.run_test(size=SIZE) as pilot:
        await redrawn(pilot)
        assert "Pick some" in screen_text(app)
        assert app.query_one(BigTimer).query_one("Digits").value == "04:20"
    resumed.close()


def spy_on_commands(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict]]:
    """Record every command the app runs through :func:`facilitate.commands.perform`."""
    from facilitate.tui import app as app_module

    ran: list[tuple[str, dict]] = []
    real = app_module.perform

    def perform(engine: Engine, name: str, params=None):
        ran.append((name, dict(params or {})))
        return real(engine, name, params)

    monkeypatch.setattr(app_module, "perform", perform)
    return ran


async def test_every_key_runs_through_the_commands_table(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = spy_on_commands(monkeypatch)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "n", "o", "r", "l", "l", "c")
        await pilot.press("plus", "equals_sign", "minus", "right_square_bracket")
        await pilot.press("left_square_bracket", "p", "tab", "n")
    assert ran == [
        ("toggle_timer", {}),
        ("next", {}),
        ("toggle_open", {}),
        ("toggle_reveal", {}),
        ("toggle_lock", {}),
        ("toggle_lock", {}),
        ("rotate", {}),
        ("extend", {"minutes": 1}),
        ("extend", {"minutes": 1}),
        ("extend", {"minutes": -1}),
        ("extend", {"minutes": 5}),
        ("extend", {"minutes": -5}),
        ("previous", {}),
        ("next", {}),  # the projector's keys are the same
    ]


@pytest.mark.skipif("text" not in available_kinds(), reason="free text type not installed")
async def test_moderation_decides_through_the_commands_table(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.goto(engine.agenda.index_of("text"))
    engine.open_answering()
    for words in ("Trusted friends", "Backups", "Names of people"):
        await engine.submit(engine.join(), "text", {engine.form("text").fields[0].name: [words]})
    ran = spy_on_commands(monkeypatch)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m", "a", "x", "A")
    names = [(name, params.get("all", False)) for name, params in ran]
    assert names == [("approve", False), ("reject", False), ("approve", True)]
    assert all(params["item"] == "text" for _, params in ran)
    assert not engine.all_pending()


async def test_a_refused_command_says_why_in_the_facilitators_words(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("o", "r")  # a talk: nothing to open, nothing to reveal
        await redrawn(pilot)
        text = screen_text(app)
        assert "This item has no activity to answer." in text
        assert "This item has no results to show." in text
        assert engine.current_run.phase == "waiting" and not engine.current_run.revealed


async def test_r_on_an_item_kept_off_the_projector_does_not_say_the_room_sees_it(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        engine.plugins.activity_types["choice"], "on_projector", lambda config: False
    )
    app = make_app(engine)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("n", "o")
        await answer(engine, "choice", 4)
        await pilot.press("r")
        await redrawn(pilot)
        text = screen_text(app)
        assert engine.current_run.revealed
        assert "the room sees the results" not in text.lower()
        assert "revealed, but this item keeps its results off the projector" in text.lower()
        # The preview quotes the room's words; the facilitator still sees the results.
        assert "The results of this item stay private." in preview(app)
        assert "Passwords" in text
        await pilot.press("tab")
        await redrawn(pilot)
        text = screen_text(app)
        assert "The results of this item stay private." in text
        assert "Passwords" not in text


async def test_the_hint_and_preview_follow_the_room_model_below_k(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "o")
        await answer(engine, "choice", 2)
        await redrawn(pilot)
        assert "results stay hidden until 3 answers" in screen_text(app)
        await pilot.press("r")
        await redrawn(pilot)
        text = screen_text(app)
        assert "revealed: the room sees the results from 3 answers on" in text
        assert "Results appear once 3 people have answered." in preview(app)
        await answer(engine, "choice", 1, seed=9)
        await redrawn(pilot)
        text = screen_text(app)
        assert "the room sees the results (r hides them)" in text
        assert "results shown" in preview(app)


async def test_a_failed_plugin_shows_its_error_and_n_skips_it(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    activity_type = engine.plugins.activity_types["choice"]

    def broken(config, result):
        raise RuntimeError("boom")

    monkeypatch.setattr(activity_type, "view", broken)
    ran = spy_on_commands(monkeypatch)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "o")
        await answer(engine, "choice", 3)
        await redrawn(pilot)
        text = screen_text(app)
        assert "plugin failed" in text
        assert "RuntimeError: boom" in text
        await pilot.press("n")
        assert engine.index == 2
        assert engine.runs["choice"].error is None
    assert [name for name, _ in ran] == ["next", "toggle_open", "next"]


async def test_redraws_are_coalesced_however_fast_answers_arrive(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "o")
        await redrawn(pilot)
        before = app.redraws
        events: list[object] = []
        engine.subscribe(events.append)
        started = time.monotonic()
        await answer(engine, "choice", 400)
        await pilot.pause(0.35)
        elapsed = time.monotonic() - started
        redraws = app.redraws - before
        assert len(events) >= 800  # a join and an answer each
        assert redraws <= elapsed / 0.1 + 3
        # At the answers' own pace (a loaded machine may take longer than the pause).
        deadline = time.monotonic() + 5
        while "400 answers" not in screen_text(app) and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert "400 answers" in screen_text(app)


async def test_where_two_codes_cannot_fit_the_join_code_wins(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w", *"Home", "enter", *"secret", "enter", "tab")
        await redrawn(pilot)
        join = app.screen.query_one("#join-qr", QRCode)
        assert join.display and join.code_size(*join.size)
        assert not app.screen.query_one("#wifi-qr", QRCode).display
        text = screen_text(app)
        assert "Wi-Fi: Home" in text and "make the window larger" not in text
        assert app.join_url in text  # the address on one line, whole
        await pilot.press("l")  # the room is locked: the Wi-Fi code takes the place
        await redrawn(pilot)
        assert app.screen.query_one("#wifi-qr", QRCode).display


async def test_the_panic_key_asks_first_and_a_stray_key_keeps_the_session(
    clock: ManualClock,
) -> None:
    from facilitate.tui.screens import WipeScreen

    store = Store.create()
    engine = make_engine(clock, store)
    assert store.path is not None
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, WipeScreen)
        assert "Wipe this session and quit?" in screen_text(app)
        await pilot.press("y", "enter", "n")  # habits from the quit dialog do not wipe
        assert isinstance(app.screen, ConsoleScreen)
        await pilot.press("exclamation_mark", "escape")
        assert isinstance(app.screen, ConsoleScreen)
        assert app.is_running and not app.wiped
    assert store.path.exists()
    engine.close()


async def test_the_panic_key_stops_the_server_wipes_the_session_and_quits(
    clock: ManualClock,
) -> None:
    store = Store.create()
    engine = make_engine(clock, store)
    assert store.path is not None
    folder = store.path.parent

    class Server(FakeServer):
        files_when_stopped: list[str] | None = None

        async def stop(self) -> None:  # answers stop before anything is erased
            self.files_when_stopped = sorted(p.name for p in folder.iterdir())

    server = Server()
    app = served(engine, server)
    async with app.run_test(size=SIZE) as pilot:
        await app.started.wait()
        await pilot.press("n", "o")
        await answer(engine, "choice", 4)
        await pilot.press("exclamation_mark", "w")
        await pilot.pause(0.3)
    assert app.wiped and app.return_code == 0
    assert server.files_when_stopped and f"{store.id}.sqlite" in server.files_when_stopped
    assert list(folder.iterdir()) == []
    engine.close()  # what `facilitate run` does after the app: nothing is written
    assert list(folder.iterdir()) == []
