"""KMS's refusals, in the words AWS uses (sources in docs/api.md, "KMS").

Every one is a `KmsError`, so a service that calls KMS on a caller's behalf (Secrets
Manager) can tell KMS's answer apart from its own and wrap it the way AWS does.
"""

from __future__ import annotations

from kinko.domain.identity import Principal
from kinko.errors import AwsError

ALIAS_PREFIX_DOC = "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"


class KmsError(AwsError):
    """An error KMS itself answers with."""


def invalid_key_id(ref: str) -> KmsError:
    return KmsError("NotFoundException", f"Invalid keyId '{ref}'")


def key_not_found(key_arn: str) -> KmsError:
    return KmsError("NotFoundException", f"Key '{key_arn}' does not exist")


def alias_not_found(alias_arn: str) -> KmsError:
    return KmsError("NotFoundException", f"Alias {alias_arn} is not found.")


def invalid_arn(region: str) -> KmsError:
    return KmsError("NotFoundException", f"Invalid arn {region}")


def disabled(key_arn: str) -> KmsError:
    return KmsError("DisabledException", f"{key_arn} is disabled.")


def pending_deletion(key_arn: str) -> KmsError:
    return KmsError("KMSInvalidStateException", f"{key_arn} is pending deletion.")


def not_pending_deletion(key_arn: str) -> KmsError:
    return KmsError("KMSInvalidStateException", f"{key_arn} is not pending deletion.")


def invalid_ciphertext() -> KmsError:
    return KmsError("InvalidCiphertextException", "")


def incorrect_key() -> KmsError:
    return KmsError(
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.",
    )


def ciphertext_key_unavailable() -> KmsError:
    """Decrypt of a blob whose key is gone (or hidden from the caller)."""
    return KmsError(
        "AccessDeniedException",
        "The ciphertext refers to a customer master key that does not exist, does not exist "
        "in this region, or you are not allowed to access.",
    )


def not_authorized_by_key_policy(principal: Principal, action: str, resource: str) -> KmsError:
    return KmsError(
        "AccessDeniedException",
        f"User: {principal.arn} is not authorized to perform: {action} on resource: "
        f"{resource} because no resource-based policy allows the {action} action",
    )


def alias_prefix() -> KmsError:
    return KmsError(
        "ValidationException",
        f'Alias must start with the prefix "alias/". Please see {ALIAS_PREFIX_DOC}',
    )


def reserved_alias() -> KmsError:
    """alias/aws/… belongs to AWS managed keys; AWS answers with no message at all."""
    return KmsError("NotAuthorizedException", "")


def invalid_alias_name(alias_name: str) -> KmsError:
    return KmsError("InvalidAliasNameException", f"{alias_name} is not a valid alias name.")


def alias_characters(alias_name: str) -> KmsError:
    return KmsError("ValidationException", f"{alias_name} contains invalid characters for an alias")


def alias_exists(alias_arn: str) -> KmsError:
    return KmsError("AlreadyExistsException", f"An alias with the name {alias_arn} already exists")


def validation(message: str) -> KmsError:
    return KmsError("ValidationException", message)


def unsupported(message: str) -> KmsError:
    return KmsError("UnsupportedOperationException", message)


def tag_error(message: str) -> KmsError:
    return KmsError("TagException", message)


def limit_exceeded(message: str) -> KmsError:
    return KmsError("LimitExceededException", message)


def malformed_policy(message: str) -> KmsError:
    return KmsError("MalformedPolicyDocumentException", message)


def invalid_marker() -> KmsError:
    return KmsError(
        "InvalidMarkerException",
        "The marker that specifies where pagination should next begin is not valid.",
    )


def dry_run() -> KmsError:
    return KmsError(
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    )
