"""KMS cryptographic operations on symmetric keys."""

from __future__ import annotations

from typing import Any

from kinko.api.context import Handler, RequestContext
from kinko.api.kms.shapes import SYMMETRIC, b64, refuse, region, required_blob
from kinko.domain.kms import errors
from kinko.domain.kms.cryptography import Cryptography, check_algorithm, data_key_size


def _crypto(ctx: RequestContext) -> Cryptography:
    return Cryptography(*region(ctx))


async def encrypt(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    check_algorithm(p.get("EncryptionAlgorithm"))
    sealed = _crypto(ctx).encrypt(
        ctx, p["KeyId"], p["Plaintext"], p.get("EncryptionContext"), p.get("DryRun", False)
    )
    return {
        "CiphertextBlob": b64(sealed.ciphertext),
        "KeyId": sealed.key.arn,
        "EncryptionAlgorithm": SYMMETRIC,
    }


async def decrypt(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    check_algorithm(p.get("EncryptionAlgorithm"))
    refuse(p, "Recipient", "DryRunModifiers")
    opened = _crypto(ctx).decrypt(
        ctx,
        required_blob(p, "CiphertextBlob"),
        p.get("KeyId"),
        p.get("EncryptionContext"),
        p.get("DryRun", False),
    )
    return {
        "KeyId": opened.key.arn,
        "Plaintext": b64(opened.plaintext),
        "EncryptionAlgorithm": SYMMETRIC,
        "KeyMaterialId": opened.material_id,
    }


async def _data_key(ctx: RequestContext, p: dict[str, Any], with_plaintext: bool) -> dict[str, Any]:
    refuse(p, "Recipient")
    sealed = _crypto(ctx).generate_data_key(
        ctx,
        p["KeyId"],
        data_key_size(p.get("KeySpec"), p.get("NumberOfBytes")),
        p.get("EncryptionContext"),
        with_plaintext,
        p.get("DryRun", False),
    )
    out = {
        "CiphertextBlob": b64(sealed.ciphertext),
        "KeyId": sealed.key.arn,
        "KeyMaterialId": sealed.material_id,
    }
    if sealed.plaintext is not None:
        out["Plaintext"] = b64(sealed.plaintext)
    return out


async def generate_data_key(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    return await _data_key(ctx, p, with_plaintext=True)


async def generate_data_key_without_plaintext(
    ctx: RequestContext, p: dict[str, Any]
) -> dict[str, Any]:
    return await _data_key(ctx, p, with_plaintext=False)


async def re_encrypt(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    check_algorithm(p.get("SourceEncryptionAlgorithm"))
    check_algorithm(p.get("DestinationEncryptionAlgorithm"))
    refuse(p, "DryRunModifiers")
    result = _crypto(ctx).re_encrypt(
        ctx,
        required_blob(p, "CiphertextBlob"),
        p.get("SourceKeyId"),
        p.get("SourceEncryptionContext"),
        p["DestinationKeyId"],
        p.get("DestinationEncryptionContext"),
        p.get("DryRun", False),
    )
    return {
        "CiphertextBlob": b64(result.destination.ciphertext),
        "SourceKeyId": result.source.key.arn,
        "KeyId": result.destination.key.arn,
        "SourceEncryptionAlgorithm": SYMMETRIC,
        "DestinationEncryptionAlgorithm": SYMMETRIC,
        "SourceKeyMaterialId": result.source.material_id,
        "DestinationKeyMaterialId": result.destination.material_id,
    }


async def generate_random(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    refuse(p, "CustomKeyStoreId", "Recipient")
    size = p.get("NumberOfBytes")
    if size is None:
        raise errors.validation("NumberOfBytes is required.")
    return {"Plaintext": b64(Cryptography.random(ctx, size))}


OPERATIONS: dict[str, Handler] = {
    "Encrypt": encrypt,
    "Decrypt": decrypt,
    "GenerateDataKey": generate_data_key,
    "GenerateDataKeyWithoutPlaintext": generate_data_key_without_plaintext,
    "ReEncrypt": re_encrypt,
    "GenerateRandom": generate_random,
}
