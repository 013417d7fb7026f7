"""Who may join the room: join codes, device tokens, the lock and the joined count.

Nothing about a device is kept: a token is signed with the session secret, so it is
checked without a list of tokens; the store keeps only how many devices joined.
"""

from __future__ import annotations

from collections.abc import Callable

from facilitate import anonymity, events
from facilitate.engine.runs import RoomLocked
from facilitate.engine.session_log import RecordKind, SessionLog
from facilitate.store import Store

MEMBER_CACHE = 100_000
"""Tokens remembered as checked, so each HMAC is computed once (in memory only)."""


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
