"""Finding a secret from a SecretId, and sealing/opening its version values."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from kinko.domain.crypto import IntegrityError, seal, unseal
from kinko.domain.identity import Caller
from kinko.domain.kms import KeyService, KmsError
from kinko.domain.kms.errors import ciphertext_key_unavailable
from kinko.domain.secrets.names import parse_secret_id
from kinko.errors import AwsError, invalid_request, not_found
from kinko.storage.interface import RegionTx
from kinko.storage.records import KmsKeyRecord, SecretRecord, VersionRecord

Value = str | bytes
MARKED_FOR_DELETION = (
    "You can't perform this operation on the secret because it was marked for deletion."
)


def resolve(
    tx: RegionTx,
    caller: Caller,
    secret_id: str,
    region: str,
    action: str,
    context: Mapping[str, str | list[str] | None] | None = None,
) -> SecretRecord:
    """The secret a SecretId names, once the caller may perform `action` on it.

    A secret that does not exist is still authorized (against the ARN it would have),
    so a caller without permission learns nothing about which names exist.
    """
    ref = parse_secret_id(secret_id)
    owner = caller.principal.account_id
    secret = None
    if ref.arn is None:
        secret = tx.secret_by_name(owner, ref.name)
    elif ref.region == region:
        owner = ref.account_id or owner
        secret = tx.secret_by_arn(ref.arn)
        if secret is None and ref.may_be_partial:
            candidate = tx.secret_by_name(owner, ref.name)
            if candidate is not None and candidate.arn[:-7] == ref.arn:
                secret = candidate
    if secret is None:
        partition = ref.partition or caller.principal.partition
        wanted = ref.arn or f"arn:{partition}:secretsmanager:{region}:{owner}:secret:{ref.name}"
        caller.authorize(
            f"secretsmanager:{action}", wanted, resource_account=owner, context=context
        )
        raise not_found()
    authorize(caller, secret, action, context)
    return secret


def authorize(
    caller: Caller,
    secret: SecretRecord,
    action: str,
    context: Mapping[str, str | list[str] | None] | None = None,
) -> None:
    facts: dict[str, str | list[str] | None] = {
        "secretsmanager:SecretId": secret.arn,
        "secretsmanager:Name": secret.name,
        "secretsmanager:Description": secret.description,
        "secretsmanager:KmsKeyId": secret.kms_key_id,
    }
    for tag in secret.tags:
        facts[f"aws:ResourceTag/{tag['Key']}"] = tag["Value"]
        facts[f"secretsmanager:ResourceTag/{tag['Key']}"] = tag["Value"]
    facts.update(context or {})
    caller.authorize(
        f"secretsmanager:{action}",
        secret.arn,
        resource_account=secret.account_id,
        resource_policy=secret.policy,
        context=facts,
    )


def require_live(secret: SecretRecord) -> None:
    if secret.deleted_date is not None:
        raise invalid_request(MARKED_FOR_DELETION)


def value_context(secret: SecretRecord, version_id: str) -> bytes:
    """Associated data binding a value to its secret and version: moved, it fails."""
    return f"{secret.arn}|{version_id}".encode()


def data_key_context(secret: SecretRecord, version_id: str) -> dict[str, str]:
    """The KMS encryption context of a version's data key, as AWS's Secrets Manager uses."""
    return {"SecretARN": secret.arn, "SecretVersionId": version_id}


def kms_failure(code: str, verb: str, exc: KmsError) -> AwsError:
    """KMS's refusal as Secrets Manager reports it: the KMS error inside its own."""
    return AwsError(
        code,
        f"Secrets Manager can't {verb} the secret value: {exc.message} (Service: AWSKMS; "
        f"Status Code: 400; Error Code: {exc.code}; Request ID: {uuid.uuid4()}; Proxy: null)",
    )


def encryption_failure(exc: KmsError) -> AwsError:
    return kms_failure("EncryptionFailure", "encrypt", exc)


def decryption_failure(exc: KmsError) -> AwsError:
    if exc.code == "InvalidCiphertextException":
        return AwsError(
            "DecryptionFailure",
            "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
        )
    return kms_failure("DecryptionFailure", "decrypt", exc)


def seal_value(
    keys: KeyService, key: KmsKeyRecord, secret: SecretRecord, version: VersionRecord, value: Value
) -> None:
    try:
        data_key = keys.generate_data_key(key, data_key_context(secret, version.version_id))
    except KmsError as exc:
        raise encryption_failure(exc) from None
    plaintext = value if isinstance(value, bytes) else value.encode()
    version.kms_key_id = data_key.key_id
    version.wrapped_key = data_key.wrapped
    version.ciphertext = seal(
        data_key.plaintext, plaintext, value_context(secret, version.version_id)
    )
    version.is_binary = isinstance(value, bytes)


def open_value(
    tx: RegionTx,
    keys: KeyService,
    secret: SecretRecord,
    version: VersionRecord,
    key: KmsKeyRecord | None = None,
) -> Value:
    """The version's value; `key` saves a lookup when the caller already has it."""
    assert version.ciphertext is not None and version.wrapped_key is not None
    assert version.kms_key_id is not None
    context = value_context(secret, version.version_id)
    if key is None or key.key_id != version.kms_key_id:
        key = tx.kms_key(version.kms_key_id)
    try:
        if key is None:
            raise ciphertext_key_unavailable()
        data_key = keys.decrypt_data_key(
            tx,
            key,
            version.wrapped_key,
            data_key_context(secret, version.version_id),
            legacy_context=context,
        )
        plaintext = unseal(data_key, version.ciphertext, context)
    except KmsError as exc:
        raise decryption_failure(exc) from None
    except IntegrityError:
        raise AwsError(
            "DecryptionFailure",
            "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
        ) from None
    return plaintext if version.is_binary else plaintext.decode()
