"""ListSecrets matching rules, as pure functions."""

from __future__ import annotations

import pytest

from kinko.domain.secrets import listing
from kinko.errors import AwsError
from kinko.storage.records import SecretRecord


def _secret(name: str, description: str | None = None, **tags: str) -> SecretRecord:
    return SecretRecord(
        account_id="1",
        name=name,
        arn=f"arn:aws:secretsmanager:us-east-1:1:secret:{name}-abcdef",
        created_date=0.0,
        last_changed_date=0.0,
        description=description,
        tags=[{"Key": k, "Value": v} for k, v in tags.items()],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SecretOne", ["secret", "one"]),
        ("COMPANYthings", ["compan", "ythings"]),
        ("prod/db-main_2", ["prod", "db", "main", "2"]),
    ],
)
def test_words(text: str, expected: list[str]) -> None:
    assert listing.words(text) == expected


@pytest.mark.parametrize(
    ("value", "hit"),
    [("sec", True), ("ret", False), ("Ythings", True), ("things", False), ("+", False)],
)
def test_all_filter_matches_word_prefixes(value: str, hit: bool) -> None:
    secret = _secret("SecretOne", tag="COMPANYthings")
    assert listing.matches(secret, [{"Key": "all", "Values": [value]}]) is hit


def test_name_is_case_sensitive_prefix() -> None:
    secret = _secret("prod/db")
    assert listing.matches(secret, [{"Key": "name", "Values": ["prod/"]}])
    assert not listing.matches(secret, [{"Key": "name", "Values": ["Prod"]}])
    assert not listing.matches(secret, [{"Key": "name", "Values": ["db"]}])


def test_description_words_case_insensitive() -> None:
    secret = _secret("x", description="One and Two")
    assert listing.matches(secret, [{"Key": "description", "Values": ["one two"]}])
    assert listing.matches(secret, [{"Key": "description", "Values": ["o t"]}])
    assert not listing.matches(secret, [{"Key": "description", "Values": ["three"]}])


def test_negation_or_and() -> None:
    secret = _secret("app/one", env="prod")
    assert listing.matches(secret, [{"Key": "tag-value", "Values": ["dev", "prod"]}])
    assert not listing.matches(secret, [{"Key": "name", "Values": ["!app"]}])
    assert not listing.matches(
        secret, [{"Key": "name", "Values": ["app"]}, {"Key": "tag-key", "Values": ["team"]}]
    )


def test_filters_need_key_and_values() -> None:
    with pytest.raises(AwsError):
        listing.check_filters([{"Values": ["x"]}])
    with pytest.raises(AwsError) as caught:
        listing.check_filters([{"Key": "name", "Values": []}])
    assert caught.value.message == "Invalid filter values for key: name"


def test_tokens_are_bound_to_their_query() -> None:
    items = list(range(5))
    first, token = listing.page(items, None, 2, "q")
    assert first == [0, 1] and token
    second, token = listing.page(items, token, 2, "q")
    assert second == [2, 3]
    _, other = listing.page(items, None, 2, "q")
    with pytest.raises(AwsError) as caught:
        listing.page(items, other, 2, "another query")
    assert caught.value.code == "InvalidNextTokenException"
    with pytest.raises(AwsError):
        listing.page(items, "garbage!", 2, "q")
