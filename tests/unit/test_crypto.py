"""Sealing binds ciphertext to its context; the root key file is private."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kinko.domain.crypto import IntegrityError, RootKey, new_key, seal, unseal


def test_seal_round_trip_and_context_binding() -> None:
    key = new_key()
    sealed = seal(key, b"value", b"arn|v1")
    assert unseal(key, sealed, b"arn|v1") == b"value"
    with pytest.raises(IntegrityError):
        unseal(key, sealed, b"arn|v2")  # moved to another version
    with pytest.raises(IntegrityError):
        unseal(new_key(), sealed, b"arn|v1")


def test_root_key_created_once_with_mode_0600(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(RootKey.ENV, raising=False)
    path = tmp_path / "root.key"
    first = RootKey.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    wrapped = first.wrap(b"material", "ctx")
    assert RootKey.load_or_create(path).unwrap(wrapped, "ctx") == b"material"
