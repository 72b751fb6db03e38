"""ListSecrets filtering, sorting and pagination, as AWS matches them.

- name, tag-key, tag-value, primary-region, owning-service: case-sensitive prefix;
- description: every word of the value prefixes some word, case-insensitive;
- all: the same word match over name, description, tags, region and owner, with
  names split on punctuation and case changes ("SecretOne" → Secret, One);
- a leading "!" negates a value; values of one filter OR, filters AND.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from kinko.errors import AwsError, invalid_parameter
from kinko.storage.records import SecretRecord

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def words(text: str) -> list[str]:
    return [w.lower() for chunk in re.split(r"[^A-Za-z0-9]+", text) for w in _WORD.findall(chunk)]


def _words_match(value: str, texts: Iterable[str]) -> bool:
    targets = [w for text in texts for w in words(text)]
    wanted = words(value)
    if not wanted:
        return False
    return all(any(t.startswith(w) for t in targets) for w in wanted)


def _prefix(value: str, texts: Iterable[str]) -> bool:
    return any(text.startswith(value) for text in texts)


def _description_match(value: str, texts: Iterable[str]) -> bool:
    targets = [w.lower() for text in texts for w in text.split()]
    wanted = value.lower().split()
    return bool(wanted) and all(any(t.startswith(w) for t in targets) for w in wanted)


def _fields(secret: SecretRecord, key: str) -> list[str]:
    if key == "name":
        return [secret.name]
    if key == "description":
        return [secret.description] if secret.description else []
    if key == "tag-key":
        return [tag["Key"] for tag in secret.tags]
    if key == "tag-value":
        return [tag["Value"] for tag in secret.tags]
    if key == "primary-region":
        return [secret.primary_region] if secret.primary_region else []
    if key == "owning-service":
        return [secret.owning_service] if secret.owning_service else []
    return [
        secret.name,
        secret.description or "",
        *(t["Key"] for t in secret.tags),
        *(t["Value"] for t in secret.tags),
        secret.primary_region or "",
        secret.owning_service or "",
    ]


_MATCHERS: dict[str, Callable[[str, Iterable[str]], bool]] = {
    "name": _prefix,
    "tag-key": _prefix,
    "tag-value": _prefix,
    "primary-region": _prefix,
    "owning-service": _prefix,
    "description": _description_match,
    "all": _words_match,
}


def check_filters(filters: list[dict[str, Any]]) -> None:
    for item in filters:
        key = item.get("Key")
        if key is None:
            raise invalid_parameter("Invalid filter key")
        if not item.get("Values"):
            raise invalid_parameter(f"Invalid filter values for key: {key}")


def matches(secret: SecretRecord, filters: list[dict[str, Any]]) -> bool:
    for item in filters:
        key = item["Key"]
        matcher = _MATCHERS[key]
        fields = _fields(secret, key)
        positives = [v for v in item["Values"] if not v.startswith("!")]
        negatives = [v[1:] for v in item["Values"] if v.startswith("!")]
        if positives and not any(matcher(v, fields) for v in positives):
            return False
        if any(matcher(v, fields) for v in negatives):
            return False
    return True


_SORT_KEYS: dict[str, Callable[[SecretRecord], Any]] = {
    "created-date": lambda s: (s.created_date, s.pk or 0),
    "last-changed-date": lambda s: (s.last_changed_date, s.pk or 0),
    "last-accessed-date": lambda s: (s.last_accessed_date or 0.0, s.pk or 0),
    "name": lambda s: (s.name, s.pk or 0),
}


def select(
    secrets: list[SecretRecord],
    filters: list[dict[str, Any]],
    include_planned_deletion: bool,
    sort_by: str = "created-date",
    sort_order: str = "asc",
) -> list[SecretRecord]:
    chosen = [
        s
        for s in secrets
        if (include_planned_deletion or s.deleted_date is None) and matches(s, filters)
    ]
    chosen.sort(key=_SORT_KEYS[sort_by], reverse=sort_order == "desc")
    return chosen


def invalid_token() -> AwsError:
    return AwsError("InvalidNextTokenException", "The NextToken value is invalid.")


def encode_token(offset: int, fingerprint: str) -> str:
    raw = json.dumps({"o": offset, "f": fingerprint}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_token(token: str | None, fingerprint: str) -> int:
    """The offset a NextToken stands for; it must come from the same query."""
    if token is None:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        offset = int(data["o"])
        same_query = data["f"] == fingerprint
    except (ValueError, KeyError, TypeError):
        raise invalid_token() from None
    if not same_query or offset < 0:
        raise invalid_token()
    return offset


def fingerprint(*parts: Any) -> str:
    """A short digest of the query, so a token cannot be replayed against another."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def page(
    items: list[Any], token: str | None, size: int, query: str
) -> tuple[list[Any], str | None]:
    offset = decode_token(token, query)
    chunk = items[offset : offset + size]
    following = offset + size
    return chunk, encode_token(following, query) if following < len(items) else None
