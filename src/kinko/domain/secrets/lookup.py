"""Finding a secret from a SecretId, and sealing/opening its version values."""

from __future__ import annotations

from kinko.domain.crypto import IntegrityError, seal, unseal
from kinko.domain.identity import Principal
from kinko.domain.keys import KeyService, KeyUnavailable
from kinko.domain.secrets.names import access_denied, parse_secret_id
from kinko.errors import AwsError, invalid_request, not_found
from kinko.storage.interface import RegionTx
from kinko.storage.records import KmsKeyRecord, SecretRecord, VersionRecord

Value = str | bytes
MARKED_FOR_DELETION = (
    "You can't perform this operation on the secret because it was marked for deletion."
)


def resolve(
    tx: RegionTx, caller: Principal, secret_id: str, region: str, action: str
) -> SecretRecord:
    """The secret a SecretId names, in the caller's view of this region."""
    ref = parse_secret_id(secret_id)
    if ref.arn is None:
        secret = tx.secret_by_name(caller.account_id, ref.name)
    else:
        if ref.region != region:
            raise not_found()
        if ref.account_id != caller.account_id:
            # Cross-account access needs a resource policy; the IAM issue evaluates it.
            raise access_denied(caller.arn, action, ref.arn)
        secret = tx.secret_by_arn(ref.arn)
        if secret is None and ref.may_be_partial:
            candidate = tx.secret_by_name(caller.account_id, ref.name)
            if candidate is not None and candidate.arn[:-7] == ref.arn:
                secret = candidate
    if secret is None:
        raise not_found()
    return secret


def require_live(secret: SecretRecord) -> None:
    if secret.deleted_date is not None:
        raise invalid_request(MARKED_FOR_DELETION)


def value_context(secret: SecretRecord, version_id: str) -> bytes:
    """Associated data binding a value to its secret and version: moved, it fails."""
    return f"{secret.arn}|{version_id}".encode()


def seal_value(
    keys: KeyService, key: KmsKeyRecord, secret: SecretRecord, version: VersionRecord, value: Value
) -> None:
    context = value_context(secret, version.version_id)
    try:
        data_key = keys.generate_data_key(key, context)
    except KeyUnavailable as exc:
        raise AwsError(
            "EncryptionFailure", f"Secrets Manager can't encrypt the secret: {exc}"
        ) from None
    plaintext = value if isinstance(value, bytes) else value.encode()
    version.kms_key_id = data_key.key_id
    version.wrapped_key = data_key.wrapped
    version.ciphertext = seal(data_key.plaintext, plaintext, context)
    version.is_binary = isinstance(value, bytes)


def open_value(
    tx: RegionTx, keys: KeyService, secret: SecretRecord, version: VersionRecord
) -> Value:
    assert version.ciphertext is not None and version.wrapped_key is not None
    assert version.kms_key_id is not None
    context = value_context(secret, version.version_id)
    try:
        data_key = keys.decrypt_data_key(tx, version.kms_key_id, version.wrapped_key, context)
        plaintext = unseal(data_key, version.ciphertext, context)
    except KeyUnavailable as exc:
        raise AwsError(
            "DecryptionFailure", f"Secrets Manager can't decrypt the secret: {exc}"
        ) from None
    except IntegrityError:
        raise AwsError(
            "DecryptionFailure",
            "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
        ) from None
    return plaintext if version.is_binary else plaintext.decode()
