"""What every Secrets Manager operation of a region shares: its store and keys, the
rules for changing a secret, and the use of a KMS key on a caller's behalf."""

from __future__ import annotations

from kinko.domain.identity import Caller
from kinko.domain.kms import KeyService, KmsError, require_enabled
from kinko.domain.replication.primary import enqueue_all, refuse_replica
from kinko.domain.secrets.lookup import Value, encryption_failure, open_value, require_live
from kinko.errors import AwsError, invalid_parameter, invalid_request
from kinko.storage.interface import RegionStore, RegionTx
from kinko.storage.records import KmsKeyRecord, SecretRecord, VersionRecord

DAY = 86400.0  # seconds


class SecretsBase:
    def __init__(self, store: RegionStore, keys: KeyService) -> None:
        self.store = store
        self.keys = keys
        self.region = store.region
        self.partition = keys.partition

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

    @staticmethod
    def _save_stages(
        tx: RegionTx, secret_pk: int, old: dict[str, str], new: dict[str, str]
    ) -> None:
        for label in old.keys() - new.keys():
            tx.remove_stage(secret_pk, label)
        for label, version_id in new.items():
            if old.get(label) != version_id:
                tx.set_stage(secret_pk, label, version_id)
