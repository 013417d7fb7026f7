"""HTTPS with the facilitator's own certificate (``--tls-cert`` and ``--tls-key``).

On a shared Wi-Fi, plain HTTP lets anyone on the network read the answers and the
phones' cookies. A certificate and its key (PEM files: from the organisation, a local
certificate authority, or self-signed) make the server speak HTTPS on every address.
Nothing is fetched or checked online. Loaded before the terminal is taken over, so a
wrong file is one clear line, not a broken console.
"""

from __future__ import annotations

import argparse
import ssl
from pathlib import Path


class TLSError(ValueError):
    """The certificate or key cannot be used; the message says which and why."""


def tls_context(cert: str | Path, key: str | Path | None = None) -> ssl.SSLContext:
    """A server context for the certificate (chain) in ``cert`` and its private key.

    ``key`` may be left out when ``cert`` holds the key too. An encrypted key asks for
    its passphrase on the terminal.
    """
    for option, path in (("--tls-cert", cert), ("--tls-key", key)):
        if path is not None and not Path(path).is_file():
            raise TLSError(f"{option}: no such file: {path}")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(cert), str(key) if key is not None else None)
    except ssl.SSLError as error:
        reason = error.reason or error.strerror or str(error)
        raise TLSError(
            f"--tls-cert/--tls-key: cannot use {cert}"
            + (f" with {key}" if key else "")
            + f" ({reason}); expected a PEM certificate and its private key"
        ) from None
    except OSError as error:
        raise TLSError(f"--tls-cert/--tls-key: cannot read {cert} ({error.strerror})") from None
    return context


def add_tls_options(parser: argparse.ArgumentParser) -> None:
    """``--tls-cert`` and ``--tls-key``, the same on every command that serves phones."""
    parser.add_argument(
        "--tls-cert",
        metavar="PEM",
        default=None,
        help="serve over HTTPS with this certificate (PEM; see docs/security.md)",
    )
    parser.add_argument(
        "--tls-key",
        metavar="PEM",
        default=None,
        help="the certificate's private key (PEM), if it is not in the --tls-cert file",
    )


def context_from_args(args: argparse.Namespace) -> ssl.SSLContext | None:
    """The TLS context the command line asks for, or ``None`` for plain HTTP; raises
    :class:`TLSError` for a key without a certificate or a file that cannot be used."""
    cert, key = getattr(args, "tls_cert", None), getattr(args, "tls_key", None)
    if cert is None:
        if key is not None:
            raise TLSError("--tls-key needs --tls-cert (the certificate it belongs to)")
        return None
    return tls_context(cert, key)
