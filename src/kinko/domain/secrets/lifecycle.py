"""Deleting a secret (with a recovery window, or at once), restoring it, purging it."""

from __future__ import annotations

import time

from kinko.domain.identity import Caller
from kinko.domain.replication.primary import refuse_replica, undeletable
from kinko.domain.secrets.base import DAY, SecretsBase
from kinko.domain.secrets.lookup import resolve
from kinko.domain.secrets.names import new_arn, parse_secret_id
from kinko.errors import AwsError, invalid_parameter, invalid_request
from kinko.storage.interface import RegionTx
from kinko.storage.records import SecretRecord


class LifecycleOps(SecretsBase):
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

    async def purge(self, now: float) -> int:
        """Remove secrets whose recovery window has ended; returns how many."""

        def purge(tx: RegionTx) -> int:
            due = tx.secrets_to_purge(now)
            for secret in due:
                tx.delete_secret(secret.pk or 0)
            return len(due)

        return await self.store.write(purge)
