"""The participant side over HTTP: joining, answering every field kind, and every refusal."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from markupsafe import escape
from server_helpers import form_token, make_client, open_item

from facilitate.engine import Engine
from facilitate.forms import AnswerError
from facilitate.i18n import LANGUAGES, translator
from facilitate.random_answers import as_pairs, form_answer
from facilitate.server import security
from facilitate.server.participant import answer_error_text


async def assert_page(response: Any, status: int, message: str, lang: str = "en") -> str:
    """A refusal is a readable HTML page, in the participant's language, without internals."""
    assert response.status == status
    assert response.content_type == "text/html"
    text = await response.text()
    assert f'lang="{lang}"' in text
    assert escape(translator(lang).gettext(message)) in text, text
    assert "Traceback" not in text
    return text


async def assert_refused_answer(response: Any, code: str, lang: str = "en", **params: Any) -> str:
    """An answer refused for ``code``: the form again, with the reason in the right words."""
    assert response.status == 400
    text = await response.text()
    assert f'lang="{lang}"' in text
    expected = answer_error_text(AnswerError(code, **params), translator(lang))
    assert escape(expected) in text, text
    return text


# -- joining -------------------------------------------------------------------------


async def test_join_swaps_the_code_for_a_session_cookie_and_drops_the_code(
    client: Any, engine: Engine
) -> None:
    code = engine.join_code.replace(" ", "")
    response = await client.get(f"/j/{code}", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("t=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP here; see the TLS test
    assert engine.joined == 1
    again = await client.get(f"/j/{code}", allow_redirects=False)
    assert again.status == 303 and engine.joined == 1  # the same phone is not counted twice


async def test_typed_code_joins_too(client: Any, engine: Engine) -> None:
    response = await client.get("/j", params={"code": engine.join_code}, allow_redirects=False)
    assert response.status == 303
    assert engine.joined == 1


async def test_wrong_code_is_refused_in_the_browsers_language(client: Any, engine: Engine) -> None:
    response = await client.get("/j/000000", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    await assert_page(response, 404, security.BAD_CODE, "es")
    assert engine.joined == 0


async def test_locked_room_refuses_new_phones_but_keeps_joined_ones(
    client: Any, aiohttp_client: Any, engine: Engine
) -> None:
    code = engine.join_code.replace(" ", "")
    await client.get(f"/j/{code}")
    engine.lock()
    newcomer = await make_client(aiohttp_client, client)
    response = await newcomer.get(f"/j/{code}", headers={"Accept-Language": "fr"})
    await assert_page(response, 403, security.ROOM_LOCKED, "fr")
    assert engine.joined == 1
    assert (await client.get("/")).status == 200


async def test_rotated_code_replaces_the_old_one(client: Any, engine: Engine) -> None:
    old = engine.join_code.replace(" ", "")
    new = engine.rotate_code().replace(" ", "")
    await assert_page(await client.get(f"/j/{old}"), 404, security.BAD_CODE)
    assert (await client.get(f"/j/{new}", allow_redirects=False)).status == 303


async def test_guessing_codes_is_slowed_down_but_the_qr_link_still_joins(
    client: Any, engine: Engine
) -> None:
    statuses = [(await client.get("/j/111111")).status for _ in range(40)]
    assert statuses[0] == 404
    assert statuses[-1] == 429
    # While wrong codes are held back, a typed code waits too (right or wrong alike, or
    # the answer would tell a guesser which one was right) and the page says to scan.
    response = await client.get(f"/j/{engine.join_code.replace(' ', '')}")
    await assert_page(response, 429, security.TOO_MANY_CODES)
    joined = await client.get(f"/j/{engine.access.link_key}", allow_redirects=False)
    assert joined.status == 303 and engine.joined == 1


async def test_without_joining_the_page_asks_for_the_code(client: Any) -> None:
    response = await client.get("/")
    text = await response.text()
    assert response.status == 200
    assert 'name="code"' in text and "<title>Form</title>" in text


# -- answering -------------------------------------------------------------------------


async def test_waiting_screen_between_items(joined: Any, engine: Engine) -> None:
    text = await (await joined.get("/")).text()
    assert "Please wait for the next question." in text
    engine.goto(1)  # an item with an activity, not yet open
    text = await (await joined.get("/")).text()
    assert "Please wait for the next question." in text and '<form method="post"' not in text


async def test_answer_confirm_and_change(joined: Any, engine: Engine) -> None:
    open_item(engine, 1)
    token = await form_token(joined)
    response = await joined.post(
        "/a/pick", data={"_ft": token, "choice": "2"}, allow_redirects=False
    )
    assert response.status == 303 and response.headers["Location"] == "/"
    page = await (await joined.get("/")).text()
    assert "Answer received. Thank you!" in page
    assert re.search(r'value="2" checked', page)
    assert engine.runs["pick"].count == 1
    response = await joined.post("/a/pick", data={"_ft": token, "choice": "0"})
    assert response.status == 200
    assert engine.runs["pick"].count == 1
    assert list(engine.runs["pick"].answers.values()) == [{"choice": 0}]


async def test_every_field_kind_is_rendered_answered_and_prefilled(
    joined: Any, engine: Engine
) -> None:
    open_item(engine, 3)
    page = await (await joined.get("/")).text()
    for marker in (
        'type="radio" id="f-colour-0"',
        'type="checkbox" id="f-fruit-0"',
        '<span class="vh"> Low</span>',  # a scale end's words, for screen readers
        'maxlength="40"',
        '<select id="f-order-0" name="order.0"',
        "name=grid.1 value=3 aria-labelledby=f-grid-k3>",  # named by the key: "3 Good"
        'type="number" id="f-share-1"',
    ):
        assert marker in page
    # Every input has a real label: by id, or (in grids, to keep them light) around it.
    assert len(re.findall(r"<label[^>]* for=", page)) >= 14
    assert len(re.findall(r"<label><input type=radio name=grid\.\d value=\d", page)) == 6
    raw = form_answer(engine.form("everything"), random.Random(3))
    body = [("_ft", await form_token(joined)), *as_pairs(raw)]
    response = await joined.post("/a/everything", data=body, allow_redirects=False)
    assert response.status == 303
    (value,) = engine.runs["everything"].answers.values()
    page = await (await joined.get("/")).text()
    assert f'value="{value["colour"]}" checked' in page
    first = value["order"][0]
    assert re.search(
        rf'name="order.{first}"[^>]*><option value="">[^<]*</option><option value="1" selected',
        page,
    )
    assert (
        f'name="share.0" min="0" max="10" step="1" inputmode="numeric" value="{value["share"][0]}"'
        in page
    )
    assert f">{value['words']}</textarea>" in page
    for row, point in enumerate(value["grid"]):
        assert re.search(
            rf"name=grid\.{row} value={point}( aria-labelledby=[\w-]+)?( required)? checked>", page
        )


async def test_withdrawing_an_answer(joined: Any, engine: Engine) -> None:
    open_item(engine, 1)
    token = await form_token(joined)
    await joined.post("/a/pick", data={"_ft": token, "choice": "1"})
    assert engine.runs["pick"].count == 1
    response = await joined.post("/r/pick", data={"_ft": token}, allow_redirects=False)
    assert response.status == 303
    assert engine.runs["pick"].count == 0


async def test_free_text_is_escaped_back_to_its_writer(joined: Any, engine: Engine) -> None:
    open_item(engine, 4)
    token = await form_token(joined)
    await joined.post("/a/share", data={"_ft": token, "text": "<script>alert(1)</script>"})
    page = await (await joined.get("/")).text()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# -- refusals: each readable, in the participant's language, and changing nothing ------------


async def test_answer_without_joining(client: Any, engine: Engine) -> None:
    open_item(engine, 1)
    response = await client.post(
        "/a/pick", data={"_ft": "x", "choice": "1"}, headers={"Accept-Language": "ar"}
    )
    text = await assert_page(response, 403, security.NOT_JOINED, "ar")
    assert 'dir="rtl"' in text
    assert engine.runs["pick"].count == 0


async def test_forged_device_token(client: Any, engine: Engine) -> None:
    open_item(engine, 1)
    client.session.cookie_jar.update_cookies({"t": "abc.0123456789abcdef"})
    response = await client.post(
        "/a/pick", data={"_ft": "x", "choice": "1"}, headers={"Accept-Language": "id"}
    )
    await assert_page(response, 403, security.NOT_JOINED, "id")
    assert engine.runs["pick"].count == 0


async def test_bad_form_token(joined: Any, engine: Engine) -> None:
    open_item(engine, 1)
    for body in ({"_ft": "0" * 24, "choice": "1"}, {"choice": "1"}):
        response = await joined.post("/a/pick", data=body, headers={"Accept-Language": "fr"})
        await assert_page(response, 403, security.BAD_FORM, "fr")
    assert engine.runs["pick"].count == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://evil.example", "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
async def test_cross_origin_posts_are_refused(joined: Any, engine: Engine, headers: dict) -> None:
    open_item(engine, 1)
    token = await form_token(joined)
    response = await joined.post("/a/pick", data={"_ft": token, "choice": "1"}, headers=headers)
    await assert_page(response, 403, security.CROSS_SITE)
    assert engine.runs["pick"].count == 0


async def test_same_origin_header_is_accepted(joined: Any, engine: Engine) -> None:
    open_item(engine, 1)
    token = await form_token(joined)
    origin = str(joined.make_url("/")).rstrip("/")
    response = await joined.post(
        "/a/pick",
        data={"_ft": token, "choice": "1"},
        headers={"Origin": origin, "Sec-Fetch-Site": "same-origin"},
        allow_redirects=False,
    )
    assert response.status == 303


async def test_wrong_closed_and_unknown_items(joined: Any, engine: Engine) -> None:
    open_item(engine, 1)
    token = await form_token(joined)
    await assert_page(
        await joined.post("/a/several", data={"_ft": token, "multi": "1"}),
        409,
        security.QUESTION_CLOSED,
    )
    await assert_page(await joined.post("/a/nope", data={"_ft": token}), 404, security.NOT_FOUND)
    engine.close_answering()
    response = await joined.post(
        "/a/pick", data={"_ft": token, "choice": "1"}, headers={"Accept-Language": "es"}
    )
    await assert_page(response, 409, security.QUESTION_CLOSED, "es")
    assert engine.runs["pick"].count == 0 and engine.runs["several"].count == 0


@pytest.mark.parametrize(
    ("body", "code"),
    [({"choice": "7"}, "not_an_option"), ({"choice": "x"}, "not_an_option"), ({}, "required")],
)
async def test_invalid_values_show_the_form_again_with_the_reason(
    joined: Any, engine: Engine, body: dict, code: str
) -> None:
    open_item(engine, 1)
    token = await form_token(joined)
    response = await joined.post(
        "/a/pick", data={"_ft": token, **body}, headers={"Accept-Language": "fr"}
    )
    text = await assert_refused_answer(response, code, "fr")
    assert 'role="alert"' in text and 'action="/a/pick"' in text
    assert engine.runs["pick"].count == 0


async def test_invalid_values_of_every_kind(joined: Any, engine: Engine) -> None:
    open_item(engine, 3)
    token = await form_token(joined)
    good = as_pairs(form_answer(engine.form("everything"), random.Random(1)))

    def but(**changes: str) -> list[tuple[str, str]]:
        kept = [(k, v) for k, v in good if k not in changes]
        return [("_ft", token), *kept, *changes.items()]

    cases = [
        (but(fruit="9"), "not_an_option", {}),
        (but(mood="6"), "out_of_range", {"min": 1, "max": 5}),
        (but(words="x" * 41), "too_long", {"max": 40}),
        (but(**{"order.0": "1", "order.1": "1", "order.2": "2"}), "not_a_ranking", {"count": 3}),
        (but(**{"grid.0": "4"}), "out_of_range", {"min": 1, "max": 3}),
        (but(**{"share.0": "3", "share.1": "3"}), "points_total", {"total": 10}),
    ]
    for body, code, params in cases:
        response = await joined.post("/a/everything", data=body)
        await assert_refused_answer(response, code, **params)
    assert engine.runs["everything"].count == 0


async def test_oversized_body(joined: Any, engine: Engine) -> None:
    open_item(engine, 4)
    token = await form_token(joined)
    response = await joined.post(
        "/a/share", data={"_ft": token, "text": "x" * 100_000}, headers={"Accept-Language": "es"}
    )
    await assert_page(response, 413, security.TOO_LARGE, "es")
    assert engine.runs["share"].count == 0


async def test_oversized_chunked_body(joined: Any, engine: Engine) -> None:
    open_item(engine, 4)

    async def chunks() -> Any:
        for _ in range(10):
            yield b"text=" + b"x" * 10_000

    response = await joined.post(
        "/a/share", data=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    await assert_page(response, 413, security.TOO_LARGE)


async def test_rate_limit_per_device(joined: Any, aiohttp_client: Any, engine: Engine) -> None:
    open_item(engine, 1)
    token = await form_token(joined)
    statuses = [
        (
            await joined.post("/a/pick", data={"_ft": token, "choice": "1"}, allow_redirects=False)
        ).status
        for _ in range(25)
    ]
    assert statuses[0] == 303 and statuses[-1] == 429
    response = await joined.post(
        "/a/pick", data={"_ft": token, "choice": "1"}, headers={"Accept-Language": "id"}
    )
    await assert_page(response, 429, security.TOO_MANY, "id")
    other = await make_client(aiohttp_client, joined)
    await other.get(f"/j/{engine.join_code.replace(' ', '')}")
    other_token = await form_token(other)
    response = await other.post(
        "/a/pick", data={"_ft": other_token, "choice": "0"}, allow_redirects=False
    )
    assert response.status == 303  # the limit is per device, not per server


@pytest.mark.parametrize("path", ["/a/pick", "/r/pick", "/control/x/next"])
async def test_get_on_post_routes(client: Any, path: str) -> None:
    await assert_page(
        await client.get(path, headers={"Accept-Language": "fr"}), 405, security.WRONG_METHOD, "fr"
    )


async def test_unknown_routes(client: Any) -> None:
    await assert_page(await client.get("/nothing/here"), 404, security.NOT_FOUND)
    await assert_page(await client.get("/s/missing.css"), 404, security.NOT_FOUND)
    await assert_page(await client.post("/nothing"), 404, security.NOT_FOUND)


async def test_broken_server_code_gives_a_page_without_details(
    joined: Any, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_item(engine, 1)

    def explode(*args: Any) -> Any:
        raise RuntimeError("internal detail 42")

    monkeypatch.setattr(engine, "answer_of", explode)
    response = await joined.get("/", headers={"Accept-Language": "es"})
    text = await assert_page(response, 500, security.SERVER_ERROR, "es")
    assert "internal detail" not in text and "RuntimeError" not in text


async def test_part_needs_a_device(client: Any) -> None:
    await assert_page(await client.get("/?part=1"), 403, security.NOT_JOINED)


# -- the page itself -------------------------------------------------------------------


async def test_security_headers_on_every_response(joined: Any, engine: Engine) -> None:
    for path in ("/", "/s/p.css", "/s/p.js", "/w", "/missing", "/screen/wrong"):
        response = await joined.get(path)
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"


async def test_language_switch_is_visible_and_remembered(joined: Any) -> None:
    response = await joined.get("/?lang=ar")
    text = await response.text()
    assert 'lang="ar" dir="rtl"' in text
    assert "lang=ar" in response.headers["Set-Cookie"]
    for code in LANGUAGES:
        assert f'href="/?lang={code}"' in text
    again = await (await joined.get("/", headers={"Accept-Language": "fr"})).text()
    assert 'lang="ar"' in again  # the switch beats the browser's preference
    assert translator("ar").gettext("Please wait for the next question.") in again


async def test_first_page_with_css_and_script_is_under_16_kb(joined: Any, engine: Engine) -> None:
    open_item(engine, 3)  # the biggest form we have
    total = 0
    page = await (await joined.get("/")).read()
    total += len(page)
    for asset in re.findall(rb'(?:href|src)="(/s/[^"]+)"', page):
        total += len(await (await joined.get(asset.decode())).read())
    assert total < 16 * 1024
    assert b"http://" not in page and b"https://" not in page  # nothing from elsewhere


async def test_script_writes_nothing_to_browser_storage(client: Any) -> None:
    for asset in ("/s/p.js", "/s/screen.js"):
        script = await (await client.get(asset)).text()
        for storage in ("localStorage", "sessionStorage", "indexedDB", "document.cookie", "caches"):
            assert storage not in script


async def test_quick_exit_goes_to_a_neutral_local_page(joined: Any, engine: Engine) -> None:
    page = await (await joined.get("/")).text()
    assert 'id="exit" href="/w"' in page
    neutral = await (await joined.get("/w", headers={"Accept-Language": "es"})).text()
    assert f"<title>{translator('es').gettext('Weather')}</title>" in neutral
    assert 'lang="es"' in neutral
    for clue in ("exit", "/j/", "Form", "form", engine.agenda.title, "p.js", "main id"):
        assert clue not in neutral, clue


async def test_live_updates_follow_the_current_item(joined: Any, engine: Engine) -> None:
    response = await joined.get("/events")
    assert response.headers["Content-Type"].startswith("text/event-stream")
    first = await _next_event(response)
    assert '"item": "welcome"' in first
    open_item(engine, 1)
    later = await _next_event(response)
    while '"phase": "open"' not in later:
        later = await _next_event(response)
    assert '"item": "pick"' in later
    response.close()


async def _next_event(response: Any) -> str:
    lines = []
    while True:
        line = (await response.content.readline()).decode()
        if line == "\n" and lines:
            return "".join(lines)
        if not line.startswith(":"):
            lines.append(line)


async def test_live_updates_need_a_device(client: Any) -> None:
    await assert_page(await client.get("/events"), 403, security.NOT_JOINED)


async def test_a_flood_of_form_fields_is_refused(joined: Any, engine: Engine) -> None:
    open_item(engine, 1)
    token = await form_token(joined)
    body = "&".join([f"_ft={token}", "choice=1", *(f"x{i}=1" for i in range(600))])
    response = await joined.post(
        "/a/pick", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    await assert_page(response, 400, security.BAD_REQUEST)
    assert engine.runs["pick"].count == 0
