"""SecretsService: the Secrets Manager semantics of one region.

Reads run inline against the store's reader; every change runs as one function on
the store's writer, so a check and the change it guards commit together.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from kinko.domain.identity import Caller
from kinko.domain.kms import KeyService, KmsError, require_enabled
from kinko.domain.replication.primary import enqueue_all, refuse_replica, undeletable
from kinko.domain.secrets import labels as stages_
from kinko.domain.secrets.lookup import (
    Value,
    encryption_failure,
    open_value,
    require_live,
    resolve,
    seal_value,
)
from kinko.domain.secrets.names import check_name, new_arn, parse_secret_id
from kinko.domain.secrets.policies import check_policy
from kinko.errors import AwsError, invalid_parameter, invalid_request, not_found, resource_exists
from kinko.storage.interface import RegionStore, RegionTx
from kinko.storage.records import KmsKeyRecord, SecretRecord, VersionRecord

DAY = 86400.0
MAX_TAGS = 50


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


class SecretsService:
    def __init__(self, store: RegionStore, keys: KeyService) -> None:
        self.store = store
        self.keys = keys
        self.region = store.region
        self.partition = keys.partition

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

    # --- writes ----------------------------------------------------------------

    @staticmethod
    def _writable(secret: SecretRecord) -> None:
        """Writes need a live secret in its primary region."""
        require_live(secret)
        refuse_replica(secret)

    @staticmethod
    def _save(tx: RegionTx, secret: SecretRecord) -> None:
        """Store a changed secret and, in the same transaction, queue it for its replicas."""
        tx.update_secret(secret)
        enqueue_all(tx, secret)

    def key_for(
        self, tx: RegionTx, secret: SecretRecord, caller: Caller, encrypt: bool
    ) -> KmsKeyRecord:
        """The key that protects `secret` here, once the caller may use it through us."""
        key = self._key_for(tx, secret)
        self._authorize_key(caller, key, "kms:GenerateDataKey" if encrypt else "kms:Decrypt")
        return key

    def read_version(
        self, tx: RegionTx, secret: SecretRecord, version: VersionRecord, caller: Caller
    ) -> Value:
        """A version's plaintext, for a caller allowed to decrypt it through us."""
        key = tx.kms_key(version.kms_key_id or "")
        if key is not None:
            self._authorize_key(caller, key, "kms:Decrypt")
        return open_value(tx, self.keys, secret, version, key)

    def _authorize_key(self, caller: Caller, key: KmsKeyRecord, action: str) -> None:
        """Secrets Manager uses a KMS key on the caller's behalf: the key policy decides.

        The AWS managed key's fixed policy lets every principal of its account use it
        through Secrets Manager and no one else, so it is decided here without evaluation.
        """
        if key.key_manager == "AWS":
            if caller.principal.account_id != key.account_id:
                raise invalid_request(
                    "You can't access a secret from a different AWS account if you encrypt "
                    "the secret with the default KMS service key."
                )
            return
        try:
            caller.authorize(
                action,
                key.arn,
                resource_account=key.account_id,
                resource_policy=self.keys.policy_of(key),
                key_policy=True,
                context={
                    "kms:ViaService": f"secretsmanager.{self.region}.amazonaws.com",
                    "kms:CallerAccount": caller.principal.account_id,
                },
            )
        except AwsError as exc:
            if exc.code != "AccessDeniedException":
                raise
            raise AwsError("AccessDeniedException", "Access to KMS is not allowed") from None

    def _key_for(self, tx: RegionTx, secret: SecretRecord) -> KmsKeyRecord:
        if secret.kms_key_id is None:
            return self.keys.ensure_managed_key(tx, secret.account_id)
        try:
            return self.keys.resolve(tx, secret.account_id, secret.kms_key_id)
        except KmsError as exc:
            raise encryption_failure(exc) from None

    def _normalize_key(
        self, tx: RegionTx, account_id: str, ref: str | None, caller: Caller
    ) -> str | None:
        """The key reference to keep (as given), once the key may protect the secret:
        None stands for aws/secretsmanager."""
        if not ref or self.keys.names_managed_key(account_id, ref):
            return None
        try:
            key = self.keys.resolve(tx, account_id, ref)
        except KmsError as exc:
            raise invalid_parameter(
                f"The operation failed because of an invalid KMS key: {exc.message}"
            ) from None
        if key.key_manager == "AWS":
            return None
        # Like AWS, validate the caller's use of the new key before keeping it.
        self._authorize_key(caller, key, "kms:GenerateDataKey")
        self._authorize_key(caller, key, "kms:Decrypt")
        try:
            require_enabled(key)
        except KmsError as exc:
            raise encryption_failure(exc) from None
        return ref

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

    @staticmethod
    def _save_stages(
        tx: RegionTx, secret_pk: int, old: dict[str, str], new: dict[str, str]
    ) -> None:
        for label in old.keys() - new.keys():
            tx.remove_stage(secret_pk, label)
        for label, version_id in new.items():
            if old.get(label) != version_id:
                tx.set_stage(secret_pk, label, version_id)

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

    async def delete(
        self, caller: Caller, secret_id: str, window_days: int | None, force: bool
    ) -> tuple[str, str, float]:
        if force and window_days is not None:
            raise invalid_parameter(
                "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."
            )
        days = 30 if window_days is None else window_days
        if not force and not 7 <= days <= 30:
            raise invalid_parameter(
                "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."
            )

        def delete(tx: RegionTx) -> tuple[str, str, float]:
            now = time.time()
            try:
                secret = resolve(tx, caller, secret_id, self.region, "DeleteSecret")
            except AwsError as exc:
                if not (force and exc.code == "ResourceNotFoundException"):
                    raise
                # AWS answers a forced delete of a missing secret as if it existed.
                ref = parse_secret_id(secret_id)
                arn = ref.arn or new_arn(
                    self.partition, self.region, caller.principal.account_id, ref.name
                )
                return arn, ref.name, now
            refuse_replica(secret)
            regions = [r.region for r in tx.replicas(secret.pk or 0)]
            if regions:
                raise undeletable(secret, regions)
            if force:
                tx.delete_secret(secret.pk or 0)
                return secret.arn, secret.name, now
            if secret.deleted_date is not None:
                raise invalid_request(
                    "You can't perform this operation on the secret because it was already "
                    "scheduled for deletion."
                )
            secret.deleted_date = now
            secret.deletion_date = now + days * DAY
            secret.last_changed_date = now
            self._save(tx, secret)
            return secret.arn, secret.name, secret.deletion_date

        return await self.store.write(delete)

    async def restore(self, caller: Caller, secret_id: str) -> SecretRecord:
        def restore(tx: RegionTx) -> SecretRecord:
            secret = resolve(tx, caller, secret_id, self.region, "RestoreSecret")
            refuse_replica(secret)
            if secret.deleted_date is not None:
                secret.deleted_date = secret.deletion_date = None
                secret.last_changed_date = time.time()
                self._save(tx, secret)
            return secret

        return await self.store.write(restore)

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

    async def purge(self, now: float) -> int:
        """Remove secrets whose recovery window has ended; returns how many."""

        def purge(tx: RegionTx) -> int:
            due = tx.secrets_to_purge(now)
            for secret in due:
                tx.delete_secret(secret.pk or 0)
            return len(due)

        return await self.store.write(purge)


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
