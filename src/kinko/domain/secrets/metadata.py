"""Changes that make no new version: staging labels, tags, the resource policy."""

from __future__ import annotations

import time

from kinko.domain.identity import Caller
from kinko.domain.secrets import labels as stages_
from kinko.domain.secrets.base import SecretsBase
from kinko.domain.secrets.lookup import resolve
from kinko.domain.secrets.policies import check_policy
from kinko.errors import AwsError, invalid_parameter
from kinko.storage.interface import RegionTx
from kinko.storage.records import SecretRecord

MAX_TAGS = 50


class MetadataOps(SecretsBase):
    async def update_stage(
        self,
        caller: Caller,
        secret_id: str,
        label: str,
        remove_from: str | None,
        move_to: str | None,
    ) -> SecretRecord:
        def move(tx: RegionTx) -> SecretRecord:
            secret = resolve(
                tx,
                caller,
                secret_id,
                self.region,
                "UpdateSecretVersionStage",
                {"secretsmanager:VersionStage": label},
            )
            self._writable(secret)
            assert secret.pk is not None
            stages = tx.stages(secret.pk)
            holder = stages.get(label)
            if move_to is not None and tx.version(secret.pk, move_to) is None:
                raise invalid_parameter(
                    f"Secrets Manager can't find the specified secret version: {move_to}."
                )
            if remove_from is not None and holder != remove_from:
                raise invalid_parameter(
                    f"The staging label {label} is not attached to version {remove_from}."
                )
            if move_to is None:
                if remove_from is None:
                    raise invalid_parameter(
                        "You must specify either MoveToVersionId or RemoveFromVersionId."
                    )
                if label == stages_.CURRENT:
                    raise invalid_parameter(
                        "You can only move staging label AWSCURRENT to a different secret "
                        "version. It can't be completely removed."
                    )
                new_stages = {k: v for k, v in stages.items() if k != label}
            else:
                if holder is not None and holder != move_to and remove_from is None:
                    raise invalid_parameter(
                        "The parameter RemoveFromVersionId can't be empty. Staging label "
                        f"{label} is currently attached to version {holder}, so you must "
                        "explicitly reference that version in RemoveFromVersionId."
                    )
                new_stages = stages_.attach(stages, move_to, [label])
            if len(new_stages) > stages_.MAX_LABELS:
                raise AwsError(
                    "LimitExceededException",
                    f"A secret can have at most {stages_.MAX_LABELS} staging labels.",
                )
            self._save_stages(tx, secret.pk, stages, new_stages)
            secret.last_changed_date = time.time()
            self._save(tx, secret)
            return secret

        return await self.store.write(move)

    async def tag(self, caller: Caller, secret_id: str, tags: list[dict[str, str]]) -> None:
        check_tags(tags)

        def tag(tx: RegionTx) -> None:
            secret = resolve(tx, caller, secret_id, self.region, "TagResource", request_tags(tags))
            self._writable(secret)
            merged = {t["Key"]: t["Value"] for t in secret.tags}
            merged.update({t["Key"]: t["Value"] for t in tags})
            if len(merged) > MAX_TAGS:
                raise too_many_tags()
            secret.tags = [{"Key": k, "Value": v} for k, v in merged.items()]
            secret.last_changed_date = time.time()
            self._save(tx, secret)

        await self.store.write(tag)

    async def untag(self, caller: Caller, secret_id: str, keys: list[str]) -> None:
        def untag(tx: RegionTx) -> None:
            secret = resolve(
                tx, caller, secret_id, self.region, "UntagResource", {"aws:TagKeys": list(keys)}
            )
            self._writable(secret)
            secret.tags = [t for t in secret.tags if t["Key"] not in keys]
            secret.last_changed_date = time.time()
            self._save(tx, secret)

        await self.store.write(untag)

    async def put_policy(
        self, caller: Caller, secret_id: str, document: str, block_public: bool
    ) -> SecretRecord:
        check_policy(document, block_public)

        def put(tx: RegionTx) -> SecretRecord:
            secret = resolve(
                tx,
                caller,
                secret_id,
                self.region,
                "PutResourcePolicy",
                {"secretsmanager:BlockPublicPolicy": str(block_public).lower()},
            )
            self._writable(secret)
            secret.policy = document
            secret.last_changed_date = time.time()
            self._save(tx, secret)
            return secret

        return await self.store.write(put)

    async def delete_policy(self, caller: Caller, secret_id: str) -> SecretRecord:
        def delete(tx: RegionTx) -> SecretRecord:
            secret = resolve(tx, caller, secret_id, self.region, "DeleteResourcePolicy")
            self._writable(secret)
            if secret.policy is not None:
                secret.policy = None
                secret.last_changed_date = time.time()
                self._save(tx, secret)
            return secret

        return await self.store.write(delete)


def request_tags(tags: list[dict[str, str]]) -> dict[str, str | list[str] | None]:
    """aws:RequestTag/<key> and aws:TagKeys, the condition keys a tagging request carries."""
    facts: dict[str, str | list[str] | None] = {
        f"aws:RequestTag/{t['Key']}": t["Value"] for t in tags
    }
    facts["aws:TagKeys"] = [t["Key"] for t in tags]
    return facts


def too_many_tags() -> AwsError:
    return AwsError("LimitExceededException", f"A secret can have at most {MAX_TAGS} tags.")


def check_tags(tags: list[dict[str, str]]) -> None:
    keys = [tag["Key"] for tag in tags]
    if len(set(keys)) != len(keys):
        raise invalid_parameter("The request contains duplicate tag keys.")
    if len(keys) > MAX_TAGS:
        raise too_many_tags()
    for key in keys:
        if key.lower().startswith("aws:"):
            raise invalid_parameter(
                f"Invalid tag key {key}: the aws: prefix is reserved for AWS use."
            )
