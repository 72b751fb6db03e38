"""AES-256-GCM sealing with associated data, and the root key that wraps KMS keys."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
KEY_BYTES = 32


class IntegrityError(Exception):
    """A ciphertext failed authentication: wrong key, wrong context, or tampered."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def seal(key: bytes, plaintext: bytes, context: bytes) -> bytes:
    """nonce ‖ ciphertext ‖ tag, bound to `context` as associated data."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def unseal(key: bytes, sealed: bytes, context: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context)
    except (InvalidTag, ValueError):
        raise IntegrityError("ciphertext failed authentication") from None


class RootKey:
    """The 256-bit key outside the database that wraps every KMS key's material."""

    ENV = "KINKO_ROOT_KEY"

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("the root key must be 32 bytes")
        self._key = key

    @classmethod
    def load_or_create(cls, path: Path) -> RootKey:
        """From $KINKO_ROOT_KEY (base64), else the 0600 file, created on first start."""
        encoded = os.environ.get(cls.ENV)
        if encoded:
            return cls(base64.b64decode(encoded))
        if path.exists():
            return cls(base64.b64decode(path.read_text().strip()))
        key = new_key()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(key).decode() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return cls(key)

    def wrap(self, plaintext: bytes, context: str) -> bytes:
        return seal(self._key, plaintext, b"kinko-root:" + context.encode())

    def unwrap(self, sealed: bytes, context: str) -> bytes:
        return unseal(self._key, sealed, b"kinko-root:" + context.encode())
