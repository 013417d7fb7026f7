"""QR codes for the join URL and the Wi-Fi network."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitate.qr import QUIET_ZONE, qr_matrix, qr_svg, qr_text, wifi_qr_payload

URL = "http://192.168.1.20:8000/j/482917"


def test_matrix_is_square_with_a_quiet_zone() -> None:
    matrix = qr_matrix(URL)
    size = len(matrix)
    assert all(len(row) == size for row in matrix)
    for i in range(QUIET_ZONE):
        assert not any(matrix[i]) and not any(matrix[-1 - i])
        assert not any(row[i] or row[-1 - i] for row in matrix)
    # the finder pattern's corner sits just inside the quiet zone
    assert matrix[QUIET_ZONE][QUIET_ZONE]


def test_text_packs_two_rows_per_line() -> None:
    matrix = qr_matrix(URL)
    lines = qr_text(URL).split("\n")
    assert len(lines) == (len(matrix) + 1) // 2
    assert all(len(line) == len(matrix) for line in lines)
    assert set("".join(lines)) <= {" ", "\u2580", "\u2584", "\u2588"}
    assert lines[0] == "\u2588" * len(matrix)  # quiet zone drawn light


def test_svg_is_well_formed_and_scales() -> None:
    svg = qr_svg(URL, title="Join <us>")
    root = ET.fromstring(svg)
    size = len(qr_matrix(URL))
    assert root.tag.endswith("svg") and root.get("viewBox") == f"0 0 {size} {size}"
    assert "width=" not in svg.split(">")[0]  # no fixed size: the page decides
    assert "Join &lt;us&gt;" in svg


def test_wifi_payload_escapes_special_characters() -> None:
    payload = wifi_qr_payload('Café;"Net"', "pa:ss,wo\\rd;", "wpa")
    assert payload == 'WIFI:T:WPA;S:Café\\;\\"Net\\";P:pa\\:ss\\,wo\\\\rd\\;;;'
    assert wifi_qr_payload("Open", "", "nopass") == "WIFI:T:nopass;S:Open;;"
    assert wifi_qr_payload("Hidden", "x", hidden=True).endswith(";H:true;;")


@pytest.mark.parametrize(
    ("ssid", "password", "security"), [("", "x", "WPA"), ("Net", "", "WPA"), ("Net", "x", "TKIP")]
)
def test_wifi_payload_refuses_what_a_phone_could_not_use(
    ssid: str, password: str, security: str
) -> None:
    with pytest.raises(ValueError):
        wifi_qr_payload(ssid, password, security)


def _unescape_field(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out)


def _split_fields(payload: str) -> list[str]:
    body = payload[len("WIFI:") : -2]
    fields, current, i = [], "", 0
    while i < len(body):
        if body[i] == "\\":
            current += body[i : i + 2]
            i += 2
            continue
        if body[i] == ";":
            fields.append(current)
            current = ""
        else:
            current += body[i]
        i += 1
    fields.append(current)
    return fields


@given(st.text(min_size=1, max_size=32), st.text(min_size=1, max_size=63))
def test_wifi_payload_round_trips(ssid: str, password: str) -> None:
    fields = _split_fields(wifi_qr_payload(ssid, password))
    assert fields[0] == "T:WPA"
    assert _unescape_field(fields[1][2:]) == ssid
    assert _unescape_field(fields[2][2:]) == password
