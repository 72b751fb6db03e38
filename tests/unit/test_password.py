"""GetRandomPassword character classes."""

from __future__ import annotations

import string

import pytest

from kinko.domain.secrets.password import PUNCTUATION, random_password
from kinko.errors import AwsError


def test_default_has_every_type() -> None:
    password = random_password()
    assert len(password) == 32
    for group in (string.ascii_lowercase, string.ascii_uppercase, string.digits, PUNCTUATION):
        assert any(c in group for c in password)
    assert " " not in password


def test_exclusions() -> None:
    password = random_password(length=200, exclude_punctuation=True, exclude_characters="abc")
    assert not set(password) & set(PUNCTUATION + "abc")


def test_impossible_requests() -> None:
    with pytest.raises(AwsError):
        random_password(
            exclude_lowercase=True,
            exclude_uppercase=True,
            exclude_numbers=True,
            exclude_punctuation=True,
        )
    with pytest.raises(AwsError):
        random_password(length=3)
