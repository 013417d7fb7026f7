"""Join codes, device tokens and per-item pseudonyms: the anonymity model in code.

A device gets a random token when it joins. The token is signed with the session
secret, so the server can tell a token it issued without storing any. Answers are
stored under ``HMAC(secret, token + item_id)``: one answer per device per item, which
the device can change, but two items' pseudonyms for one device cannot be linked
without the token, which lives only in the participant's cookie.
"""

from __future__ import annotations

# hashlib, hmac and secrets are imported where a token or a pseudonym is made: loading
# OpenSSL's hashes costs `facilitate check`, which needs only `enough_answers`.

TOKEN_BYTES = 16  # 128 bits of randomness
_SIGNATURE_CHARS = 16


def new_secret() -> str:
    import secrets

    return secrets.token_hex(32)


def join_code() -> str:
    """Six digits in two groups ("482 917"): easy to read aloud in any language."""
    import secrets

    number = secrets.randbelow(900_000) + 100_000
    text = str(number)
    return f"{text[:3]} {text[3:]}"


def normalise_code(text: str) -> str:
    """What a participant typed, as a join code: digits only, grouped."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return f"{digits[:3]} {digits[3:]}" if len(digits) == 6 else ""


def _sign(secret: str, value: str) -> str:
    import hashlib
    import hmac

    digest = hmac.new(secret.encode(), b"token:" + value.encode(), hashlib.sha256).hexdigest()
    return digest[:_SIGNATURE_CHARS]


def new_token(secret: str) -> str:
    """A fresh device token, signed so that :func:`token_is_valid` can check it later."""
    import secrets

    value = secrets.token_urlsafe(TOKEN_BYTES)
    return f"{value}.{_sign(secret, value)}"


def token_is_valid(secret: str, token: str | None) -> bool:
    if not token or len(token) > 100 or token.count(".") != 1:
        return False
    import hmac

    value, signature = token.split(".")
    return hmac.compare_digest(signature, _sign(secret, value))


def pseudonym(secret: str, token: str, item_id: str) -> str:
    """The name one device's answer to one item is stored under."""
    import hashlib
    import hmac

    message = f"{token}\x00{item_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def form_token(secret: str, token: str) -> str:
    """A per-device anti-forgery token for participant forms."""
    import hashlib
    import hmac

    return hmac.new(secret.encode(), b"form:" + token.encode(), hashlib.sha256).hexdigest()[:24]


def enough_answers(count: int, k: int) -> bool:
    """Whether ``count`` answers meet the anonymity threshold ``k``.

    The one place the threshold is compared: the room model, the report and activity
    types withholding part of a result (``context.enough``) all ask here.
    """
    return count >= max(1, k)
