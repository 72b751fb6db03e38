"""Naming KMS keys (id, key ARN, alias, alias ARN) and KMS pagination markers."""

from __future__ import annotations

import pytest

from kinko.domain.kms import errors
from kinko.domain.kms.paging import page
from kinko.domain.kms.refs import KeyRef, alias_of, parse_ref

ACCOUNT = "111122223333"
KEY_ID = "0b9a47ce-2a3f-4f7e-9c51-2f4a4d1e8b10"
PREFIX = "arn:aws:kms:us-east-1:"


def parse(text: str) -> KeyRef:
    return parse_ref(text, ACCOUNT, "us-east-1", "aws")


def test_the_four_forms() -> None:
    assert parse(KEY_ID) == KeyRef(ACCOUNT, key_id=KEY_ID)
    assert parse(f"{PREFIX}{ACCOUNT}:key/{KEY_ID}") == KeyRef(ACCOUNT, key_id=KEY_ID)
    assert parse("alias/app") == KeyRef(ACCOUNT, alias_name="alias/app")
    assert parse(f"{PREFIX}{ACCOUNT}:alias/app/db") == KeyRef(ACCOUNT, alias_name="alias/app/db")


def test_an_arn_names_its_own_account() -> None:
    assert parse(f"{PREFIX}444455556666:key/{KEY_ID}") == KeyRef("444455556666", key_id=KEY_ID)
    assert parse(f"{PREFIX}444455556666:alias/x") == KeyRef("444455556666", alias_name="alias/x")


def error_of(text: str) -> tuple[str, str]:
    with pytest.raises(errors.KmsError) as excinfo:
        parse(text)
    return excinfo.value.code, excinfo.value.message


@pytest.mark.parametrize(
    "text",
    [
        "fake-key-id",
        "134f2428cec14b25a1ae9048164dba47",  # a UUID without its hyphens
        KEY_ID.upper(),
        "arn:aws:s3:::bucket",
        f"{PREFIX}{ACCOUNT}:key/not-a-uuid",
        f"arn:aws-cn:kms:us-east-1:{ACCOUNT}:key/{KEY_ID}",
    ],
)
def test_what_cannot_name_a_key(text: str) -> None:
    assert error_of(text) == ("NotFoundException", f"Invalid keyId '{text}'")


def test_an_arn_of_another_region() -> None:
    for resource in (f"key/{KEY_ID}", "alias/x"):
        text = f"arn:aws:kms:eu-west-3:{ACCOUNT}:{resource}"
        assert error_of(text) == ("NotFoundException", "Invalid arn eu-west-3")


def test_request_alias() -> None:
    assert alias_of("alias/app") == "alias/app"
    assert alias_of(f"{PREFIX}{ACCOUNT}:alias/app") == "alias/app"
    assert alias_of(KEY_ID) is None
    assert alias_of(f"{PREFIX}{ACCOUNT}:key/{KEY_ID}") is None


def test_pages_and_markers() -> None:
    items = list(range(7))
    first, marker = page(items, None, 3, "q")
    assert first == [0, 1, 2] and marker is not None
    second, marker = page(items, marker, 3, "q")
    assert second == [3, 4, 5] and marker is not None
    last, marker = page(items, marker, 3, "q")
    assert last == [6] and marker is None
    assert page(items, None, 7, "q") == (items, None)


@pytest.mark.parametrize("marker", ["garbage", "e30=", "eyJxIjoiMCIsIm8iOjF9"])
def test_bad_marker(marker: str) -> None:
    with pytest.raises(errors.KmsError) as excinfo:
        page([1, 2, 3], marker, 1, "q")
    assert excinfo.value.code == "InvalidMarkerException"


def test_marker_of_another_listing_is_refused() -> None:
    _, marker = page([1, 2, 3], None, 1, "ListAliases None")
    with pytest.raises(errors.KmsError) as excinfo:
        page([1, 2, 3], marker, 1, "ListKeys")
    assert excinfo.value.code == "InvalidMarkerException"
