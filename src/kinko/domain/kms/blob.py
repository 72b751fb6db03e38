"""Kinko's KMS ciphertext blob: what Encrypt and GenerateDataKey return and Decrypt reads.

Format version 1 (all integers big-endian)::

    offset  size  field
    0       3     magic b"KNK"
    3       1     format version, 1
    4       16    the KMS key's id (a UUID, 16 raw bytes)
    20      4     the key material version that sealed it (uint32, 1 = the first material)
    24      12    AES-GCM nonce
    36      n     AES-256-GCM ciphertext of the plaintext
    36+n    16    GCM tag

The 24-byte header is authenticated: the associated data is the header followed by the
canonical encryption context (UTF-8 JSON, keys sorted, no whitespace; ``{}`` when there
is none). Changing the key id, the material version, the context or any byte of the
body makes decryption fail. The blob names its key, so Decrypt needs no KeyId, as on AWS.
"""

from __future__ import annotations

import json
import struct
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from kinko.domain.crypto import NONCE_BYTES, seal, unseal

MAGIC = b"KNK"
FORMAT_VERSION = 1
_HEADER = struct.Struct(">3sB16sI")
HEADER_BYTES = _HEADER.size  # 24
TAG_BYTES = 16
MIN_BYTES = HEADER_BYTES + NONCE_BYTES + TAG_BYTES


@dataclass(frozen=True)
class Blob:
    key_id: str
    material_version: int
    header: bytes
    body: bytes  # nonce ‖ ciphertext ‖ tag


def canonical_context(context: Mapping[str, str] | None) -> bytes:
    return json.dumps(dict(context or {}), sort_keys=True, separators=(",", ":")).encode()


def header(key_id: str, material_version: int) -> bytes:
    return _HEADER.pack(MAGIC, FORMAT_VERSION, uuid.UUID(key_id).bytes, material_version)


def parse(data: bytes) -> Blob | None:
    """The blob's fields, or None when `data` is not a version-1 Kinko blob."""
    if len(data) < MIN_BYTES:
        return None
    magic, version, key_bytes, material_version = _HEADER.unpack_from(data)
    if magic != MAGIC or version != FORMAT_VERSION or material_version < 1:
        return None
    key_id = str(uuid.UUID(bytes=key_bytes))
    return Blob(key_id, material_version, data[:HEADER_BYTES], data[HEADER_BYTES:])


def seal_blob(
    material: bytes,
    key_id: str,
    material_version: int,
    plaintext: bytes,
    context: Mapping[str, str] | None,
) -> bytes:
    head = header(key_id, material_version)
    return head + seal(material, plaintext, head + canonical_context(context))


def open_blob(material: bytes, blob: Blob, context: Mapping[str, str] | None) -> bytes:
    """The plaintext; raises crypto.IntegrityError on a wrong key, context or tampering."""
    return unseal(material, blob.body, blob.header + canonical_context(context))
