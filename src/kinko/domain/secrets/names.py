"""Secret names, ARNs and the three ways a SecretId can name a secret."""

from __future__ import annotations

import re
import secrets as random
import string
from dataclasses import dataclass

from kinko.errors import validation_error

_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]+$")
_SUFFIXED = re.compile(r"-[A-Za-z0-9]{6}$")
_SUFFIX_ALPHABET = string.ascii_letters + string.digits
INVALID_NAME = (
    "Invalid name. Must be a valid name containing alphanumeric characters, "
    "or any of the following: -/_+=.@!"
)


def check_name(name: str) -> None:
    if not _NAME.match(name):
        raise validation_error(INVALID_NAME)


def new_arn(partition: str, region: str, account_id: str, name: str) -> str:
    suffix = "".join(random.choice(_SUFFIX_ALPHABET) for _ in range(6))
    return f"arn:{partition}:secretsmanager:{region}:{account_id}:secret:{name}-{suffix}"


@dataclass(frozen=True)
class SecretRef:
    """A parsed SecretId: a name, or an ARN (full, or partial without the suffix)."""

    name: str
    arn: str | None = None
    region: str | None = None
    account_id: str | None = None
    partition: str | None = None

    @property
    def may_be_partial(self) -> bool:
        # A trailing "-XXXXXX" reads as the random suffix, so such an ARN is full.
        return self.arn is not None and not _SUFFIXED.search(self.name)


def parse_secret_id(secret_id: str) -> SecretRef:
    if not secret_id.startswith("arn:"):
        check_name(secret_id)
        return SecretRef(name=secret_id)
    parts = secret_id.split(":", 6)
    if len(parts) != 7 or parts[2] != "secretsmanager" or parts[5] != "secret" or not parts[6]:
        raise validation_error(INVALID_NAME)
    _, partition, _, region, account_id, _, resource = parts
    check_name(resource)
    return SecretRef(
        name=resource, arn=secret_id, region=region, account_id=account_id, partition=partition
    )


def name_of_arn(arn: str) -> str:
    """The secret name inside a full ARN (its last 7 characters are "-XXXXXX")."""
    return arn.split(":", 6)[6][:-7]
