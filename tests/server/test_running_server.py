"""The real server: started in the running loop, its URLs, simulated phones, `facilitate serve`,
and a log that never names a client."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from server_helpers import AGENDA, EveryFieldPlugin

from facilitate.agenda import loads_agenda
from facilitate.engine import Engine
from facilitate.plugins import Plugins
from facilitate.qr import wifi_qr_payload
from facilitate.server import lan_address, start_server
from facilitate.server.simulated_phones import simulate_participants
from facilitate.store import Store

ROOT = Path(__file__).resolve().parents[2]
FACILITATE = str(Path(sys.executable).parent / "facilitate")
CANARY_AGENT = "CanaryPhone/9.9 (unique-agent-7731)"


async def test_start_server_on_loopback_gives_working_urls(engine: Engine) -> None:
    server = await start_server(engine, host="127.0.0.1", port=0)
    try:
        assert server.port > 0
        assert server.local_url == f"http://127.0.0.1:{server.port}"
        assert server.join_url == f"http://127.0.0.1:{server.port}/j/{engine.access.link_key}"
        old = server.join_url
        engine.rotate_code()
        assert server.join_url != old and engine.access.link_key in server.join_url
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            async with session.get(server.join_url) as response:
                assert response.status == 200 and str(response.url) == server.local_url + "/"
            async with session.get(server.screen_url) as response:
                assert response.status == 200
                # where to type the code (the page may break it between host and port)
                assert server.base_url in re.sub(r"</?span>|<wbr>", "", await response.text())
            async with session.post(
                server.control_url + "/next", headers={"Accept": "application/json"}
            ) as response:
                assert (await response.json())["state"]["index"] == 1
    finally:
        await server.stop()
    assert engine.index == 1


async def test_stop_ends_open_event_streams_quickly(engine: Engine) -> None:
    server = await start_server(engine, host="127.0.0.1", port=0)
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    try:
        await session.get(server.join_url)
        stream = await session.get(server.local_url + "/events")
        await stream.content.readline()
        started = asyncio.get_running_loop().time()
        await server.stop()
        assert asyncio.get_running_loop().time() - started < 2
    finally:
        await session.close()


def test_lan_address_is_an_address_or_none() -> None:
    found = lan_address()
    assert found is None or (found.count(".") == 3 and not found.startswith("127."))


async def test_no_log_record_names_the_client(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server = await start_server(engine, host="127.0.0.1", port=0)
    try:
        headers = {"User-Agent": CANARY_AGENT}
        async with aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True), headers=headers
        ) as session:
            await session.get(server.join_url)
            engine.goto(1)
            engine.open_answering()
            page = await (await session.get(server.local_url + "/")).text()
            token = page.split('name="_ft" value="')[1].split('"')[0]
            await session.post(server.local_url + "/a/pick", data={"_ft": token, "choice": "1"})
            await session.post(server.local_url + "/a/pick", data={"_ft": "bad"})
            await session.get(server.local_url + "/nowhere")
            await session.post(server.local_url + "/a/pick", data={"x": "y" * 50_000})
            await session.get(server.screen_url)
        # A malformed request makes aiohttp itself log an error "from <address>".
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(
            f"GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: {CANARY_AGENT}\r\nBad\r\n\r\n".encode()
        )
        await writer.drain()
        await reader.read()
        writer.close()
    finally:
        await server.stop()
    assert caplog.records  # the server did log something at DEBUG
    assert any("Error handling request" in r.getMessage() for r in caplog.records)
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        assert "127.0.0.1" not in text, text
        assert "unique-agent" not in text and "CanaryPhone" not in text, text


async def test_simulated_phones_answer_through_the_server(engine: Engine) -> None:
    server = await start_server(engine, host="127.0.0.1", port=0)
    stop = asyncio.Event()
    try:
        engine.goto(3)  # every field kind
        engine.open_answering()
        task = asyncio.create_task(
            simulate_participants(
                engine, server.local_url, 6, seed=1, stop=stop, think_time=(0.01, 0.05)
            )
        )
        for _ in range(200):
            if engine.runs["everything"].count == 6:
                break
            await asyncio.sleep(0.05)
        engine.goto(1)
        engine.open_answering()
        for _ in range(200):
            if engine.runs["pick"].count == 6:
                break
            await asyncio.sleep(0.05)
        stop.set()
        stats = await asyncio.wait_for(task, 10)
    finally:
        await server.stop()
    assert engine.joined == 6 and stats.joined == 6
    assert engine.runs["everything"].count == 6 and engine.runs["pick"].count == 6
    assert stats.answers >= 12 and stats.errors == 0


async def test_simulated_phones_stay_on_this_computer(engine: Engine) -> None:
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        await simulate_participants(engine, "http://192.0.2.7:8000", 1, stop=asyncio.Event())


def test_serve_prints_urls_as_json_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [
            FACILITATE,
            "serve",
            str(ROOT / "facilitate" / "agendas" / "demo.toml"),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--json",
            "--lang",
            "es",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        line = process.stdout.readline()
        info = json.loads(line)
        assert info["join_url"].startswith("http://127.0.0.1:")
        assert info["session"]  # stored, since --ephemeral was not given
        import urllib.request

        with urllib.request.urlopen(info["screen_url"], timeout=5) as response:
            assert response.status == 200
        with urllib.request.urlopen(info["control_url"], timeout=5) as response:
            assert '<html lang="es"' in response.read().decode()  # --lang
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert "Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    sessions = list((Path(os.environ["FACILITATE_HOME"]) / "sessions").glob("*.sqlite"))
    assert [s.stem for s in sessions] == [info["session"]]


def test_serve_names_a_bad_agenda(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "x"\n[[items]]\ntitle = "a"\nduration = "soon"\n')
    result = subprocess.run(
        [FACILITATE, "serve", str(bad), "--host", "127.0.0.1", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "bad.toml" in result.stderr and "duration" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_on_a_busy_port_says_so_and_leaves_no_session() -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [
                FACILITATE,
                "serve",
                str(ROOT / "facilitate" / "agendas" / "demo.toml"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    assert "cannot listen on 127.0.0.1" in result.stderr and "Traceback" not in result.stderr
    assert not list((Path(os.environ["FACILITATE_HOME"]) / "sessions").glob("*.sqlite"))


async def test_set_wifi_shows_a_wifi_code_live_and_keeps_the_password_off_disk_and_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    plugins = Plugins(extra=[EveryFieldPlugin()])
    store = Store.create(directory=tmp_path)
    engine = Engine.new(loads_agenda(AGENDA, plugins=plugins), store, plugins=plugins)
    password = "pw-Canary-4471"
    server = await start_server(engine, host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as session:
            part = server.screen_url + "/part"
            async with session.get(part) as response:
                assert 'title="Wi-Fi"' not in await response.text()
            events = await session.get(server.screen_url + "/events")
            first = await events.content.readuntil(b"\n\n")
            server.set_wifi(wifi_qr_payload("Workshop", password))
            assert server.wifi_shown
            # The projector page hears of it on its event stream, then fetches itself.
            second = await asyncio.wait_for(events.content.readuntil(b"\n\n"), 5)
            assert second != first and second.startswith(b"event: change")
            async with session.get(part) as response:
                text = await response.text()
            assert text.count("<svg") == 2 and "Wi-Fi" in text and "joinbox two" in text
            assert ">Workshop<" in text  # the network's name, for those who type it in
            assert password not in text  # only inside the QR code's modules
            async with session.get(server.screen_url) as response:
                assert "Wi-Fi" in await response.text()
            server.set_wifi(None)
            assert not server.wifi_shown
            await asyncio.wait_for(events.content.readuntil(b"\n\n"), 5)
            async with session.get(part) as response:
                text = await response.text()
            assert text.count("<svg") == 1 and "Wi-Fi" not in text
            events.close()
        with pytest.raises(ValueError):
            server.set_wifi(password)  # not a WIFI: payload
    finally:
        await server.stop()
        engine.close()
    for record in caplog.records:
        assert password not in record.getMessage()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path
