"""The four ways a request names a KMS key: key id, key ARN, alias name, alias ARN.

Parsing alone (no storage): a reference in another region, or one that cannot name a
key at all, is refused here with the NotFoundException text AWS uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kinko.domain.kms import errors

ALIAS_PREFIX = "alias/"
_KEY_ID = re.compile(
    r"^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


@dataclass(frozen=True)
class KeyRef:
    account_id: str  # the account whose key or alias is named
    key_id: str | None = None  # named by key id or key ARN
    alias_name: str | None = None  # named by alias name or alias ARN ("alias/…")


def is_key_id(text: str) -> bool:
    return _KEY_ID.match(text) is not None


def parse_ref(text: str, account_id: str, region: str, partition: str) -> KeyRef:
    """What `text` names, for a caller of `account_id` in `region`."""
    if text.startswith("arn:"):
        parts = text.split(":", 5)
        if len(parts) != 6 or parts[2] != "kms" or parts[1] != partition:
            raise errors.invalid_key_id(text)
        if parts[3] != region:
            raise errors.invalid_arn(parts[3])
        owner, resource = parts[4], parts[5]
        if resource.startswith(ALIAS_PREFIX):
            return KeyRef(owner, alias_name=resource)
        if resource.startswith("key/") and is_key_id(resource[4:]):
            return KeyRef(owner, key_id=resource[4:])
        raise errors.invalid_key_id(text)
    if text.startswith(ALIAS_PREFIX):
        return KeyRef(account_id, alias_name=text)
    if is_key_id(text):
        return KeyRef(account_id, key_id=text)
    raise errors.invalid_key_id(text)


def alias_of(text: str) -> str | None:
    """The alias name a reference used (for kms:RequestAlias), if it used one."""
    if text.startswith(ALIAS_PREFIX):
        return text
    _, found, rest = text.partition(":alias/")
    return ALIAS_PREFIX + rest if found and text.startswith("arn:") else None
