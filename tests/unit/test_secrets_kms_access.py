"""What Secrets Manager asks the access rules before using a KMS key on a caller's behalf.

A recording caller stands in for the access rules, so the questions themselves are seen:
kms:Decrypt for reads and kms:GenerateDataKey for writes on customer keys, with the key
policy and kms:ViaService / kms:CallerAccount; the AWS managed key serves its own
account only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from kinko.domain.crypto import RootKey, new_key
from kinko.domain.identity import Principal
from kinko.domain.kms import KeyService
from kinko.domain.kms.policies import default_key_policy
from kinko.domain.secrets.service import SecretsService
from kinko.errors import AwsError
from kinko.storage.records import KmsKeyRecord
from kinko.storage.sqlite.region import SqliteRegionStore

OWNER = "111122223333"
STRANGER = "444455556666"
VIA = "secretsmanager.us-east-1.amazonaws.com"


class RecordingCaller:
    """Allows everything except the actions in `deny`; remembers every question."""

    def __init__(self, account: str, deny: frozenset[str] = frozenset()) -> None:
        self._principal = Principal(account, f"arn:aws:iam::{account}:root")
        self.deny = deny
        self.asked: list[dict[str, Any]] = []

    @property
    def principal(self) -> Principal:
        return self._principal

    def authorize(
        self,
        action: str,
        resource: str,
        *,
        resource_account: str | None = None,
        resource_policy: str | None = None,
        context: Mapping[str, str | list[str] | None] | None = None,
        key_policy: bool = False,
    ) -> None:
        self.asked.append(
            {
                "action": action,
                "resource": resource,
                "resource_account": resource_account,
                "resource_policy": resource_policy,
                "key_policy": key_policy,
                "context": dict(context or {}),
            }
        )
        if action in self.deny:
            raise AwsError("AccessDeniedException", f"denied {action}")

    def kms_questions(self) -> list[dict[str, Any]]:
        return [q for q in self.asked if q["action"].startswith("kms:")]


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[SecretsService]:
    store = SqliteRegionStore(tmp_path, "us-east-1")
    yield SecretsService(store, KeyService(RootKey(new_key()), "us-east-1", "aws"))
    store.close()


def customer_key(service: SecretsService) -> KmsKeyRecord:
    def create(tx: Any) -> KmsKeyRecord:
        return service.keys.create(tx, OWNER, policy=default_key_policy("aws", OWNER))

    key: KmsKeyRecord = run(service.store.write(create))
    return key


def test_reads_and_writes_ask_the_key_policy_through_secrets_manager(
    service: SecretsService,
) -> None:
    key = customer_key(service)
    owner = RecordingCaller(OWNER)
    written = run(service.create(owner, "s", "t" * 32, "v", None, key.key_id, []))
    asked = {q["action"] for q in owner.kms_questions()}
    # setting the key validates both uses; writing the value needs a data key
    assert asked == {"kms:GenerateDataKey", "kms:Decrypt"}
    for question in owner.kms_questions():
        assert question["resource"] == key.arn
        assert question["resource_account"] == OWNER
        assert question["resource_policy"] == key.policy
        assert question["key_policy"] is True
        assert question["context"] == {"kms:ViaService": VIA, "kms:CallerAccount": OWNER}

    reader = RecordingCaller(OWNER)
    got = run(service.get_value(reader, written.secret.arn, None, None))
    assert got.value == "v"
    assert [q["action"] for q in reader.kms_questions()] == ["kms:Decrypt"]


@pytest.mark.parametrize("denied", ["kms:Decrypt", "kms:GenerateDataKey"])
def test_a_refusal_is_access_to_kms_not_allowed(service: SecretsService, denied: str) -> None:
    key = customer_key(service)
    written = run(service.create(RecordingCaller(OWNER), "s", "t" * 32, "v", None, key.arn, []))
    caller = RecordingCaller(OWNER, deny=frozenset({denied}))
    call = (
        service.get_value(caller, "s", None, None)
        if denied == "kms:Decrypt"
        else service.put_value(caller, "s", "u" * 32, "new", None)
    )
    with pytest.raises(AwsError) as excinfo:
        run(call)
    assert (excinfo.value.code, excinfo.value.message) == (
        "AccessDeniedException",
        "Access to KMS is not allowed",
    )
    assert service.store.reader().stages(written.secret.pk or 0) == {"AWSCURRENT": "t" * 32}


def test_the_managed_key_asks_nothing_and_serves_its_account_only(
    service: SecretsService,
) -> None:
    owner = RecordingCaller(OWNER)
    written = run(service.create(owner, "s", "t" * 32, "v", None, None, []))
    assert owner.kms_questions() == []
    assert run(service.get_value(owner, "s", None, None)).value == "v"
    stranger = RecordingCaller(STRANGER)  # the secret's own policy would let it in
    message = (
        "You can't access a secret from a different AWS account if you encrypt the secret "
        "with the default KMS service key."
    )
    for call in (
        service.get_value(stranger, written.secret.arn, None, None),
        service.put_value(stranger, written.secret.arn, "u" * 32, "new", None),
    ):
        with pytest.raises(AwsError) as excinfo:
            run(call)
        assert (excinfo.value.code, excinfo.value.message) == ("InvalidRequestException", message)
    assert run(service.get_value(owner, "s", None, None)).value == "v"
