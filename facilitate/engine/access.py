"""Who may join the room: join codes, device tokens, the lock and the joined count.

Nothing about a device is kept: a token is signed with the session secret, so it is
checked without a list of tokens; the store keeps only how many devices joined.

A room has two ways in. The six-digit join code is for typing; it is short, so the
server limits how fast wrong codes may be tried. The join link the QR code carries
holds a longer key (:attr:`RoomAccess.link_key`), derived from the session secret and
the code, that nobody can guess: it needs no limit, so a flood of wrong codes never
keeps out a phone that scans. Rotating the code changes both.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable

from facilitate import anonymity, events
from facilitate.engine.runs import RoomLocked
from facilitate.engine.session_log import RecordKind, SessionLog
from facilitate.store import Store

MEMBER_CACHE = 100_000
"""Tokens remembered as checked, so each HMAC is computed once (in memory only)."""
LINK_KEY_CHARS = 12
"""60 bits in lowercase base32: short enough for a small QR code and a readable address,
far too many to guess over a network."""


def link_key(secret: str, join_code: str) -> str:
    """The join link's key for a join code: derived, so nothing more is stored."""
    digest = hmac.new(secret.encode(), b"link:" + join_code.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:LINK_KEY_CHARS]


class RoomAccess:
    def __init__(
        self,
        store: Store,
        log: SessionLog,
        publish: Callable[[events.Event], None],
        *,
        secret: str,
        join_code: str,
        joined: int = 0,
    ) -> None:
        self.store = store
        self.log = log
        self.publish = publish
        self.secret = secret
        self.join_code = join_code
        self.joined = joined
        self.locked = False
        self._members: set[str] = set()

    def join(self) -> str:
        """A new device token; raises :class:`RoomLocked` when the room is locked."""
        if self.locked:
            raise RoomLocked()
        self.joined += 1
        self.store.set_meta("joined", self.joined)
        self.publish(events.RoomChanged(self.joined, self.locked))
        return anonymity.new_token(self.secret)

    def is_member(self, token: str | None) -> bool:
        if token in self._members:
            return True
        if token is None or not anonymity.token_is_valid(self.secret, token):
            return False
        if len(self._members) >= MEMBER_CACHE:
            self._members.clear()
        self._members.add(token)
        return True

    def code_matches(self, code: str) -> bool:
        return anonymity.normalise_code(code) == self.join_code

    @property
    def link_key(self) -> str:
        """What the join link (the QR code) carries instead of the typed code."""
        return link_key(self.secret, self.join_code)

    def link_matches(self, key: str) -> bool:
        return hmac.compare_digest(key.encode(), self.link_key.encode())

    def lock(self, locked: bool = True) -> None:
        self.locked = locked
        self._record()

    def rotate_code(self) -> str:
        self.join_code = anonymity.join_code()
        self.store.set_meta("join_code", self.join_code)
        self._record()
        return self.join_code

    def restore(self, locked: bool, join_code: str) -> None:
        """The state a logged room record describes (on resume)."""
        self.locked, self.join_code = locked, join_code

    def _record(self) -> None:
        self.log.append(RecordKind.ROOM, {"locked": self.locked, "join_code": self.join_code})
        self.publish(events.RoomChanged(self.joined, self.locked))
