"""The registries' own Ed25519 signing keys: every response is signed with the first one.

The keys live in a JWK-set file (``MOTCUA_REGISTRIES_SIGNING_KEY_FILE``, mode 0600), first key
current, older ones kept so that the platform can still verify responses signed just before a
rotation (``motcua registries keys rotate``). In development the file is created on first use;
in production it must exist, the same file for every process. The public halves are published
at ``/.well-known/jwks.json``; a platform in production pins them instead of fetching them
(``MOTCUA_REGISTRIES_JWKS_FILE``, docs/exchange.md).
"""

from __future__ import annotations

import json
import os
import threading
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from joserfc.jwk import OKPKey

from motcua.protocol import ProtocolError, generate_key, key_from_jwk, private_jwk, public_jwk
from motcua.registries import conf

KEEP_KEYS = 3


def _write_private(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle)
    os.replace(temporary, path)


def read_keys(path: Path, *, may_create: bool) -> list[OKPKey]:
    if not path.exists():
        if not may_create:
            raise ImproperlyConfigured(
                f"MOTCUA_REGISTRIES_SIGNING_KEY_FILE: {path} does not exist. Create it once "
                "(motcua registries keys rotate) and give every registries process the same file."
            )
        # Written whole under another name, then linked into place: a concurrent reader never
        # sees a half-written file, and if another process won the race its key is kept.
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"keys": [private_jwk(generate_key())]}, handle)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    try:
        document = json.loads(path.read_text())
        keys = [key_from_jwk(data) for data in document["keys"]]
    except (OSError, ValueError, KeyError, TypeError, ProtocolError) as exc:
        raise ImproperlyConfigured(f"{path} is not a JWK set of Ed25519 private keys: {exc}") from None
    if not keys or not all(key.is_private for key in keys):
        raise ImproperlyConfigured(f"{path} must hold at least one Ed25519 private key.")
    return keys


@cache
def signing_keys() -> tuple[OKPKey, ...]:
    return tuple(read_keys(conf.signing_key_file(), may_create=conf.signing_key_may_be_created()))


def current_key() -> OKPKey:
    return signing_keys()[0]


def public_jwks() -> dict[str, Any]:
    return {"keys": [public_jwk(key) for key in signing_keys()]}


def rotate(path: Path) -> OKPKey:
    """Put a new key first and keep the last ``KEEP_KEYS``; servers pick it up on restart."""
    existing = read_keys(path, may_create=True) if path.exists() else []
    new = generate_key()
    _write_private(path, {"keys": [private_jwk(key) for key in [new, *existing][:KEEP_KEYS]]})
    signing_keys.cache_clear()
    return new
