"""Agencies' signing keys: sealing private keys at rest and loading the one to sign with.

A private key is stored as AES-256-GCM ciphertext of its JWK under the key-encryption key
(``MOTCUA_EXCHANGE_KEY_SECRET``, 32 bytes in base64; in development generated into
``var/exchange-key-secret``), with the kid as associated data so a sealed key cannot be
swapped onto another row. Every web process shares the database and the secret, so any of them
can sign for any agency (ADR 0010). A hardware module would replace ``open_private_key`` and
``seal_private_key``; nothing else touches private keys.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import threading
import time
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc.jwk import OKPKey

from motcua.core.errors import ErrorCode, MotcuaError
from motcua.exchange.models import AgencyKey, KeyStatus
from motcua.protocol import key_from_jwk, private_jwk

KEY_CACHE_SECONDS = 60.0


class NoSigningKey(MotcuaError):
    code = ErrorCode.NOT_FOUND


@cache
def _aead(secret: str) -> AESGCM:
    try:
        raw = base64.b64decode(secret, validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured("MOTCUA_EXCHANGE_KEY_SECRET must be 32 bytes in base64.") from None
    if len(raw) != 32:
        raise ImproperlyConfigured("MOTCUA_EXCHANGE_KEY_SECRET must be 32 bytes in base64.")
    return AESGCM(raw)


def seal_private_key(key: OKPKey) -> bytes:
    nonce = os.urandom(12)
    plaintext = json.dumps(private_jwk(key)).encode()
    return nonce + _aead(settings.MOTCUA_EXCHANGE_KEY_SECRET).encrypt(nonce, plaintext, str(key.kid).encode())


def open_private_key(kid: str, sealed: bytes | memoryview) -> OKPKey:
    data = bytes(sealed)
    try:
        plaintext = _aead(settings.MOTCUA_EXCHANGE_KEY_SECRET).decrypt(data[:12], data[12:], kid.encode())
    except InvalidTag:
        raise ImproperlyConfigured(
            f"The private key {kid[:12]}… cannot be opened: MOTCUA_EXCHANGE_KEY_SECRET is not the secret "
            "it was sealed with."
        ) from None
    return key_from_jwk(json.loads(plaintext))


_cache: dict[str, tuple[float, OKPKey]] = {}
_cache_lock = threading.Lock()


def signing_key(agency_code: str) -> OKPKey:
    """The agency's active key, as this process loaded it at most a minute ago.

    After an activation, processes switch within ``KEY_CACHE_SECONDS``; the registries still
    accept the retired key until it is revoked there, so no request fails in between."""
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(agency_code)
    if cached is not None and now - cached[0] < KEY_CACHE_SECONDS:
        return cached[1]
    row = (
        AgencyKey.objects.filter(agency_code=agency_code, status=KeyStatus.ACTIVE)
        .values_list("kid", "sealed_private_key")
        .first()
    )
    if row is None:
        raise NoSigningKey(f"The agency {agency_code} has no active exchange key.")
    key = open_private_key(row[0], row[1])
    with _cache_lock:
        _cache[agency_code] = (now, key)
    return key


def forget_cached_keys() -> None:
    with _cache_lock:
        _cache.clear()
