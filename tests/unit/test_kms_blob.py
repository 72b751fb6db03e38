"""The KMS ciphertext blob (format version 1): layout, binding, and what it refuses."""

from __future__ import annotations

import struct
import uuid

import pytest

from kinko.domain.crypto import IntegrityError, new_key
from kinko.domain.kms import blob

KEY_ID = "0b9a47ce-2a3f-4f7e-9c51-2f4a4d1e8b10"
OTHER_KEY_ID = "7d0e3a44-90c1-4c8e-bb6e-0f1c2a3b4d5e"


def test_layout_names_key_and_material_version() -> None:
    material = new_key()
    sealed = blob.seal_blob(material, KEY_ID, 3, b"hello", {"purpose": "test"})
    assert sealed[:3] == b"KNK"
    assert sealed[3] == 1  # format version
    assert sealed[4:20] == uuid.UUID(KEY_ID).bytes
    assert struct.unpack(">I", sealed[20:24]) == (3,)
    # header, 12-byte nonce, the ciphertext (as long as the plaintext), 16-byte tag
    assert len(sealed) == 24 + 12 + len(b"hello") + 16
    parsed = blob.parse(sealed)
    assert parsed is not None
    assert (parsed.key_id, parsed.material_version) == (KEY_ID, 3)
    assert parsed.header == sealed[:24] and parsed.body == sealed[24:]


def test_round_trip_with_and_without_context() -> None:
    material = new_key()
    for context in (None, {}, {"a": "1", "b": "2"}):
        sealed = blob.seal_blob(material, KEY_ID, 1, b"payload", context)
        parsed = blob.parse(sealed)
        assert parsed is not None
        assert blob.open_blob(material, parsed, context) == b"payload"


def test_no_context_and_empty_context_are_the_same() -> None:
    material = new_key()
    parsed = blob.parse(blob.seal_blob(material, KEY_ID, 1, b"x", None))
    assert parsed is not None
    assert blob.open_blob(material, parsed, {}) == b"x"


def test_context_order_does_not_matter_but_content_does() -> None:
    material = new_key()
    parsed = blob.parse(blob.seal_blob(material, KEY_ID, 1, b"x", {"a": "1", "b": "2"}))
    assert parsed is not None
    assert blob.open_blob(material, parsed, {"b": "2", "a": "1"}) == b"x"
    for wrong in (None, {"a": "1"}, {"a": "1", "b": "3"}, {"a": "1", "b": "2", "c": "3"}):
        with pytest.raises(IntegrityError):
            blob.open_blob(material, parsed, wrong)


def test_canonical_context_is_sorted_compact_json() -> None:
    assert blob.canonical_context({"b": "2", "a": "é"}) == b'{"a":"\\u00e9","b":"2"}'
    assert blob.canonical_context(None) == b"{}"


def test_wrong_material_fails() -> None:
    parsed = blob.parse(blob.seal_blob(new_key(), KEY_ID, 1, b"x", None))
    assert parsed is not None
    with pytest.raises(IntegrityError):
        blob.open_blob(new_key(), parsed, None)


@pytest.mark.parametrize("offset", [0, 4, 20, 23, 24, 36, -1])
def test_any_changed_byte_is_refused(offset: int) -> None:
    material = new_key()
    sealed = bytearray(blob.seal_blob(material, KEY_ID, 1, b"secret", None))
    sealed[offset] ^= 0x01
    parsed = blob.parse(bytes(sealed))
    if parsed is None:  # no longer a blob at all (magic, format, version 0)
        assert offset < 4 or offset == 23
        return
    with pytest.raises(IntegrityError):
        blob.open_blob(material, parsed, None)


def test_header_swapped_to_another_key_or_version_is_refused() -> None:
    material = new_key()
    sealed = blob.seal_blob(material, KEY_ID, 1, b"secret", None)
    for head in (blob.header(OTHER_KEY_ID, 1), blob.header(KEY_ID, 2)):
        parsed = blob.parse(head + sealed[24:])
        assert parsed is not None
        with pytest.raises(IntegrityError):
            blob.open_blob(material, parsed, None)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"KNK",
        b"not a kinko blob at all, just some bytes of the right length......",
        blob.header(KEY_ID, 1) + b"\0" * 27,  # one byte short of nonce + tag
        b"KNK\x02" + uuid.UUID(KEY_ID).bytes + b"\0\0\0\x01" + b"\0" * 28,  # unknown format
        b"KNK\x01" + uuid.UUID(KEY_ID).bytes + b"\0\0\0\0" + b"\0" * 28,  # version 0
    ],
)
def test_what_is_not_a_blob(data: bytes) -> None:
    assert blob.parse(data) is None


def test_shortest_blob_is_an_empty_plaintext() -> None:
    material = new_key()
    sealed = blob.seal_blob(material, KEY_ID, 1, b"", None)
    assert len(sealed) == blob.MIN_BYTES == 52
    parsed = blob.parse(sealed)
    assert parsed is not None and blob.open_blob(material, parsed, None) == b""
