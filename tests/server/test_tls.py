"""HTTPS with the facilitator's own certificate, on 127.0.0.1, checked against that certificate.

The certificate is made here, self-signed for 127.0.0.1, with the ``openssl`` command
(the tests skip, saying so, on a machine without it).
"""

from __future__ import annotations

import re
import shutil
import ssl
import subprocess
from pathlib import Path

import aiohttp
import pytest

from facilitate.cli import main
from facilitate.engine import Engine
from facilitate.server import start_server
from facilitate.server.tls import TLSError, tls_context


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed, so no certificate can be made")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"openssl could not make a test certificate: {made.stderr.strip()}")
    return cert, key


async def test_pages_and_joining_over_https_verified_against_the_certificate(
    engine: Engine, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    server = await start_server(engine, host="127.0.0.1", port=0, tls=tls_context(cert, key))
    trust = ssl.create_default_context(cafile=str(cert))  # verification stays on
    try:
        assert server.join_url.startswith(f"https://127.0.0.1:{server.port}/j/")
        assert server.screen_url.startswith("https://")
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(
            cookie_jar=jar, connector=aiohttp.TCPConnector(ssl=trust)
        ) as session:
            async with session.get(server.join_url, allow_redirects=False) as response:
                assert response.status == 303
                cookie = response.headers["Set-Cookie"]
                assert "Secure" in cookie and "HttpOnly" in cookie
            async with session.get(server.local_url + "/") as response:
                assert response.status == 200
            async with session.get(server.screen_url) as response:
                page = await response.text()
                assert response.status == 200
                # The projector tells phones the HTTPS address (the QR code carries it too).
                assert f"https://127.0.0.1:{server.port}" in re.sub(r"</?span>|<wbr>", "", page)
        async with aiohttp.ClientSession() as plain:
            with pytest.raises(aiohttp.ClientError):
                async with plain.get(f"http://127.0.0.1:{server.port}/") as response:
                    await response.read()
    finally:
        await server.stop()


def test_a_key_that_does_not_belong_is_one_clear_error(
    tmp_path: Path, certificate: tuple[Path, Path]
) -> None:
    cert, _ = certificate
    wrong = tmp_path / "wrong.pem"
    wrong.write_text("not a key\n")
    with pytest.raises(TLSError, match="--tls-cert/--tls-key: cannot use"):
        tls_context(cert, wrong)


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--tls-cert", "missing-cert.pem"], "--tls-cert: no such file"),
        (["--tls-key", "key.pem"], "--tls-key needs --tls-cert"),
    ],
)
@pytest.mark.parametrize("command", ["serve", "demo"])
def test_tls_options_fail_before_anything_starts(
    command: str,
    arguments: list[str],
    said: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    agenda = tmp_path / "day.toml"
    agenda.write_text('title = "Day"\n[[items]]\ntitle = "Welcome"\nduration = "5m"\n')
    given = [command, str(agenda)] if command == "serve" else [command]
    assert main([*given, *arguments]) == 1
    error = capsys.readouterr().err
    assert said in error and "Traceback" not in error
