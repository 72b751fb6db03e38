"""IAM's and STS's errors, in AWS's codes and words (query-protocol codes)."""

from __future__ import annotations

from kinko.errors import AwsError

NOT_FOUND = 404
CONFLICT = 409


def no_such_entity(message: str) -> AwsError:
    return AwsError("NoSuchEntity", message, NOT_FOUND)


def no_such_user(name: str) -> AwsError:
    return no_such_entity(f"The user with name {name} cannot be found.")


def no_such_role(name: str) -> AwsError:
    return no_such_entity(f"The role with name {name} cannot be found.")


def no_such_policy(owner_kind: str, name: str) -> AwsError:
    return no_such_entity(f"The {owner_kind} policy with name {name} cannot be found.")


def no_such_access_key(access_key_id: str) -> AwsError:
    return no_such_entity(f"The Access Key with id {access_key_id} cannot be found.")


def already_exists(kind: str, name: str) -> AwsError:
    return AwsError("EntityAlreadyExists", f"{kind} with name {name} already exists.", CONFLICT)


def delete_conflict(what: str) -> AwsError:
    return AwsError("DeleteConflict", f"Cannot delete entity, must delete {what} first.", CONFLICT)


def limit_exceeded(message: str) -> AwsError:
    return AwsError("LimitExceeded", message, CONFLICT)


def malformed_policy(message: str) -> AwsError:
    return AwsError("MalformedPolicyDocument", message)


def invalid_input(message: str) -> AwsError:
    return AwsError("InvalidInput", message)


def validation(message: str) -> AwsError:
    return AwsError("ValidationError", message)


def access_denied(message: str) -> AwsError:
    return AwsError("AccessDenied", message, 403)
