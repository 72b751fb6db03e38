"""SecretsService: the Secrets Manager semantics of one region.

Reads run inline against the store's reader; every change runs as one function on
the store's writer, so a check and the change it guards commit together.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from kinko.domain.identity import Caller
from kinko.domain.secrets import labels as stages_
from kinko.domain.secrets.base import DAY
from kinko.domain.secrets.lifecycle import LifecycleOps
from kinko.domain.secrets.lookup import Value, require_live, resolve, seal_value
from kinko.domain.secrets.metadata import MetadataOps, check_tags, request_tags
from kinko.domain.secrets.names import check_name, new_arn
from kinko.errors import AwsError, invalid_request, not_found, resource_exists
from kinko.storage.interface import RegionTx
from kinko.storage.records import SecretRecord, VersionRecord


def today(now: float) -> float:
    """LastAccessedDate has day resolution: midnight UTC of the access."""
    return now - now % DAY


@dataclass
class SecretView:
    secret: SecretRecord
    stages: dict[str, str] = field(default_factory=dict)


@dataclass
class SecretValue:
    secret: SecretRecord
    version: VersionRecord
    labels: list[str]
    value: Value


@dataclass
class Written:
    """What a write returns: the secret and, when one was made, the version."""

    secret: SecretRecord
    version_id: str | None = None
    labels: list[str] = field(default_factory=list)


def _token_in_use(token: str, arn: str) -> AwsError:
    return resource_exists(
        f"You can't use ClientRequestToken {token} because that value is already in use "
        f"for a version of secret {arn}."
    )


def missing_token() -> AwsError:
    return invalid_request(
        "You must provide a ClientRequestToken value. We recommend a UUID-type value."
    )


class SecretsService(LifecycleOps, MetadataOps):
    """The Secrets Manager semantics of one region (reads, and writes that make versions;
    lifecycle and metadata changes live in their own modules)."""

    # --- reads -----------------------------------------------------------------

    def describe(self, caller: Caller, secret_id: str) -> SecretView:
        tx = self.store.reader()
        secret = resolve(tx, caller, secret_id, self.region, "DescribeSecret")
        return SecretView(secret, tx.stages(secret.pk or 0))

    def find(self, caller: Caller, secret_id: str, action: str) -> SecretRecord:
        return resolve(self.store.reader(), caller, secret_id, self.region, action)

    async def get_value(
        self, caller: Caller, secret_id: str, version_id: str | None, stage: str | None
    ) -> SecretValue:
        tx = self.store.reader()
        secret = resolve(
            tx,
            caller,
            secret_id,
            self.region,
            "GetSecretValue",
            {
                "secretsmanager:VersionId": version_id,
                "secretsmanager:VersionStage": stage or (None if version_id else stages_.CURRENT),
            },
        )
        require_live(secret)
        assert secret.pk is not None
        if version_id is None:
            stage = stage or stages_.CURRENT
            version = tx.version_at_stage(secret.pk, stage)
            missing = f"staging label: {stage}"
        else:
            version = tx.version(secret.pk, version_id)
            missing = f"VersionId: {version_id}"
        if version is None or version.ciphertext is None:
            raise not_found(f"Secrets Manager can't find the specified secret value for {missing}")
        labels = tx.labels(secret.pk, version.version_id)
        if version_id is not None and stage is not None and stage not in labels:
            raise invalid_request(
                "You provided a VersionStage that is not associated to the provided VersionId."
            )
        value = self.read_version(tx, secret, version, caller)
        await self._record_access(secret, version)
        return SecretValue(secret, version, labels, value)

    async def _record_access(self, secret: SecretRecord, version: VersionRecord) -> None:
        day = today(time.time())
        if secret.last_accessed_date == day and version.last_accessed_date == day:
            return  # at most one write per secret and version a day

        def touch(tx: RegionTx) -> None:
            assert secret.pk is not None
            tx.touch_secret(secret.pk, day)
            tx.touch_version(secret.pk, version.version_id, day)

        await self.store.write(touch)
        secret.last_accessed_date = version.last_accessed_date = day

    def versions(
        self, caller: Caller, secret_id: str, include_deprecated: bool
    ) -> tuple[SecretRecord, list[tuple[VersionRecord, list[str]]]]:
        tx = self.store.reader()
        secret = resolve(tx, caller, secret_id, self.region, "ListSecretVersionIds")
        assert secret.pk is not None
        grouped = stages_.by_version(tx.stages(secret.pk))
        listed = [
            (version, grouped.get(version.version_id, []))
            for version in reversed(tx.versions(secret.pk))
            if version.ciphertext is not None
            and (include_deprecated or version.version_id in grouped)
        ]
        return secret, listed

    def all_secrets(self, caller: Caller) -> list[SecretRecord]:
        return self.store.reader().secrets(caller.principal.account_id)

    def stages_of(self, secret: SecretRecord) -> dict[str, str]:
        return self.store.reader().stages(secret.pk or 0)

    def key_arn(self, key_id: str | None, account_id: str | None = None) -> str | None:
        """ListSecretVersionIds' KmsKeyIds entry for a version's key."""
        if key_id is None:
            return None
        key = self.store.reader().kms_key(key_id)
        if key is None and account_id is not None:
            return self.keys.key_arn(account_id, key_id)  # a customer key since destroyed
        if key is None or key.key_manager == "AWS":
            return "DefaultEncryptionKey"
        return key.arn

    # --- writes that make versions --------------------------------------------

    def _add_version(
        self,
        tx: RegionTx,
        secret: SecretRecord,
        token: str,
        value: Value,
        labels: list[str],
        now: float,
        caller: Caller,
    ) -> list[str]:
        """Store `value` as version `token` carrying `labels`; returns its labels."""
        assert secret.pk is not None
        existing = tx.version(secret.pk, token)
        stages = tx.stages(secret.pk)
        if existing is not None and existing.ciphertext is not None:
            if self.read_version(tx, secret, existing, caller) != value:
                raise _token_in_use(token, secret.arn)
            return stages_.labels_of(stages, token)  # an idempotent retry
        new_stages = stages_.attach(stages, token, labels)
        if len(new_stages) > stages_.MAX_LABELS:
            raise AwsError(
                "LimitExceededException",
                f"A secret can have at most {stages_.MAX_LABELS} staging labels.",
            )
        version = existing or VersionRecord(secret_pk=secret.pk, version_id=token, created_date=now)
        seal_value(
            self.keys, self.key_for(tx, secret, caller, encrypt=True), secret, version, value
        )
        if existing is None:
            tx.insert_version(version)
        else:
            tx.update_version(version)
        self._save_stages(tx, secret.pk, stages, new_stages)
        versions = [(v.version_id, v.created_date) for v in tx.versions(secret.pk)]
        for version_id in stages_.deprecated_to_prune(versions, new_stages, now):
            tx.delete_version(secret.pk, version_id)
        return stages_.labels_of(new_stages, token)

    async def create(
        self,
        caller: Caller,
        name: str,
        token: str | None,
        value: Value | None,
        description: str | None,
        kms_key_id: str | None,
        tags: list[dict[str, str]],
        replica_facts: dict[str, str | list[str] | None] | None = None,
    ) -> Written:
        """CreateSecret. `replica_facts` (the AddReplicaRegions condition keys) means the
        call also replicates, which needs ReplicateSecretToRegions on the new secret."""
        check_name(name)
        check_tags(tags)
        if value is not None and token is None:
            raise missing_token()

        def create(tx: RegionTx) -> Written:
            now = time.time()
            account = caller.principal.account_id
            arn = new_arn(self.partition, self.region, account, name)
            facts = {
                "secretsmanager:Name": name,
                "secretsmanager:Description": description,
                "secretsmanager:KmsKeyId": kms_key_id,
                **request_tags(tags),
            }
            caller.authorize("secretsmanager:CreateSecret", arn, context=facts)
            if tags:
                caller.authorize("secretsmanager:TagResource", arn, context=facts)
            if replica_facts is not None:
                caller.authorize(
                    "secretsmanager:ReplicateSecretToRegions",
                    arn,
                    context={**facts, **replica_facts},
                )
            existing = tx.secret_by_name(account, name)
            if existing is not None:
                return self._create_again(tx, existing, token, value, caller)
            secret = SecretRecord(
                account_id=account,
                name=name,
                arn=arn,
                created_date=now,
                last_changed_date=now,
                description=description,
                kms_key_id=self._normalize_key(tx, account, kms_key_id, caller),
                tags=list(tags),
            )
            tx.insert_secret(secret)
            if value is None or token is None:
                return Written(secret)
            labels = self._add_version(tx, secret, token, value, [stages_.CURRENT], now, caller)
            return Written(secret, token, labels)

        return await self.store.write(create)

    def _create_again(
        self,
        tx: RegionTx,
        existing: SecretRecord,
        token: str | None,
        value: Value | None,
        caller: Caller,
    ) -> Written:
        """CreateSecret of a name that exists: an idempotent retry, or a refusal."""
        if existing.deleted_date is not None:
            raise invalid_request(
                "You can't create this secret because a secret with this name is already "
                "scheduled for deletion."
            )
        assert existing.pk is not None
        version = tx.version(existing.pk, token) if token else None
        if version is None or version.ciphertext is None or value is None:
            raise resource_exists(
                f"The operation failed because the secret {existing.name} already exists."
            )
        if self.read_version(tx, existing, version, caller) != value:
            raise _token_in_use(token or "", existing.arn)
        labels = stages_.labels_of(tx.stages(existing.pk), version.version_id)
        return Written(existing, version.version_id, labels)

    async def put_value(
        self,
        caller: Caller,
        secret_id: str,
        token: str | None,
        value: Value,
        labels: list[str] | None,
    ) -> Written:
        if token is None:
            raise missing_token()
        wanted = labels if labels is not None else [stages_.CURRENT]

        def put(tx: RegionTx) -> Written:
            secret = resolve(
                tx,
                caller,
                secret_id,
                self.region,
                "PutSecretValue",
                {"secretsmanager:VersionStage": wanted},
            )
            self._writable(secret)
            now = time.time()
            result = self._add_version(tx, secret, token, value, wanted, now, caller)
            secret.last_changed_date = now
            self._save(tx, secret)
            return Written(secret, token, result)

        return await self.store.write(put)

    async def update(
        self,
        caller: Caller,
        secret_id: str,
        token: str | None,
        value: Value | None,
        description: str | None,
        kms_key_id: str | None,
    ) -> Written:
        if value is not None and token is None:
            raise missing_token()

        def update(tx: RegionTx) -> Written:
            secret = resolve(
                tx,
                caller,
                secret_id,
                self.region,
                "UpdateSecret",
                {"secretsmanager:KmsKeyId": kms_key_id, "secretsmanager:Description": description},
            )
            self._writable(secret)
            now = time.time()
            if description is not None:
                secret.description = description
            if kms_key_id is not None:
                new_key = self._normalize_key(tx, secret.account_id, kms_key_id, caller)
                if new_key != secret.kms_key_id:
                    secret.kms_key_id = new_key
                    self._reencrypt_labelled(tx, secret, caller)
            secret.last_changed_date = now
            self._save(tx, secret)
            if value is None or token is None:
                return Written(secret)
            labels = self._add_version(tx, secret, token, value, [stages_.CURRENT], now, caller)
            return Written(secret, token, labels)

        return await self.store.write(update)

    def _reencrypt_labelled(self, tx: RegionTx, secret: SecretRecord, caller: Caller) -> None:
        """A new key protects AWSCURRENT, AWSPENDING and AWSPREVIOUS; others keep theirs."""
        assert secret.pk is not None
        stages = tx.stages(secret.pk)
        key = self.key_for(tx, secret, caller, encrypt=True)
        for label in (stages_.CURRENT, stages_.PENDING, stages_.PREVIOUS):
            version = tx.version(secret.pk, stages[label]) if label in stages else None
            if version is None or version.ciphertext is None or version.kms_key_id == key.key_id:
                continue
            seal_value(
                self.keys, key, secret, version, self.read_version(tx, secret, version, caller)
            )
            tx.update_version(version)
