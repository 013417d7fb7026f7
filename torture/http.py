"""A small HTTP/1.1 client over asyncio streams, for phones that the harness controls
to the byte (a full client library hides exactly what a fault harness needs to see)."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import urlencode

HOST = "127.0.0.1"
FORM_TOKEN = re.compile(rb'name="_ft" value="([^"]+)"')
COOKIE = re.compile(rb"Set-Cookie: t=([^;\r\n]+)", re.IGNORECASE)
LENGTH = re.compile(rb"Content-Length: *(\d+)", re.IGNORECASE)
CHUNKED = re.compile(rb"Transfer-Encoding: *chunked", re.IGNORECASE)


class Closed(Exception):
    """The server closed the connection before answering in full."""


class Connection:
    """One keep-alive HTTP/1.1 connection, one request at a time; reopened if closed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> Connection:
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        return self

    async def request(
        self,
        method: str,
        path: str,
        *,
        cookie: str = "",
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, bytes]:
        """Send one request; the status, the head and the body of the answer.

        A kept-alive connection the server closed meanwhile (it closes idle ones) is
        opened again and the request sent once more, as browsers do.
        """
        reused = self.writer is not None and not self.writer.is_closing()
        try:
            return await self._request(method, path, cookie, body, headers)
        except Closed as error:
            if not reused or "0 bytes read" not in str(error):
                raise
        return await self._request(method, path, cookie, body, headers)

    async def _request(
        self,
        method: str,
        path: str,
        cookie: str,
        body: bytes,
        headers: dict[str, str] | None,
    ) -> tuple[int, bytes, bytes]:
        if self.writer is None or self.writer.is_closing():
            await self.open()
        assert self.reader is not None and self.writer is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
        if cookie:
            head += f"Cookie: t={cookie}\r\n"
        extra = dict(headers or {})
        if method == "POST":
            extra.setdefault("Content-Type", "application/x-www-form-urlencoded")
            extra["Content-Length"] = str(len(body))
        head += "".join(f"{name}: {value}\r\n" for name, value in extra.items())
        self.writer.write(head.encode() + b"\r\n" + body)
        try:
            response_head = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            self.close()
            raise Closed(str(error)) from None
        status = int(response_head.split(b" ", 2)[1])
        found = LENGTH.search(response_head)
        try:
            if found:
                content = await self.reader.readexactly(int(found.group(1)))
            elif CHUNKED.search(response_head):
                content = await self._chunks()
            else:
                content = b""
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            self.close()
            raise Closed(str(error)) from None
        if b"connection: close" in response_head.lower():
            self.close()
        return status, response_head, content

    async def _chunks(self) -> bytes:
        assert self.reader is not None
        body = b""
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return body
            body += await self.reader.readexactly(size)
            await self.reader.readexactly(2)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.writer = None
        self.reader = None


class Phone:
    """A participant's phone: joins through the QR link, answers the open item."""

    def __init__(self, port: int) -> None:
        self.connection = Connection(port)
        self.token = ""
        self.form_token = ""

    async def join(self, join_path: str) -> None:
        status, head, _ = await self.connection.request("GET", join_path)
        found = COOKIE.search(head)
        if status != 303 or not found:
            raise Closed(f"join refused: {status}")
        self.token = found.group(1).decode()
        await self.refresh()

    async def refresh(self) -> bytes:
        _, _, page = await self.connection.request("GET", "/", cookie=self.token)
        found = FORM_TOKEN.search(page)
        if found:
            self.form_token = found.group(1).decode()
        return page

    async def answer(self, item: str, fields: dict[str, str]) -> int:
        """POST an answer; the status (303: acknowledged, saved)."""
        body = urlencode({"_ft": self.form_token, **fields}).encode()
        status, _, _ = await self.connection.request(
            "POST", f"/a/{item}", cookie=self.token, body=body
        )
        return status

    def close(self) -> None:
        self.connection.close()


async def control(port: int, control_path: str, action: str, **fields: object) -> tuple[int, bytes]:
    """One control API call (JSON answer), on its own connection."""
    connection = await Connection(port).open()
    try:
        body = urlencode({k: str(v) for k, v in fields.items()}).encode()
        status, _, content = await connection.request(
            "POST",
            f"{control_path}/{action}",
            body=body,
            headers={"Accept": "application/json"},
        )
        return status, content
    finally:
        connection.close()
