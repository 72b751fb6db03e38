"""AWS-shaped errors: every failure a client can see is one of these.

Shared by every layer, so the domain can refuse in AWS's words without knowing the wire.
"""

from __future__ import annotations


class AwsError(Exception):
    """An error answered as `{"__type": code, "Message": message}` with `status`."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def __repr__(self) -> str:
        return f"AwsError({self.code!r}, {self.message!r}, {self.status})"


def validation_error(message: str) -> AwsError:
    return AwsError("ValidationException", message)


def invalid_parameter(message: str) -> AwsError:
    return AwsError("InvalidParameterException", message)


def invalid_request(message: str) -> AwsError:
    return AwsError("InvalidRequestException", message)


def not_found(message: str = "Secrets Manager can't find the specified secret.") -> AwsError:
    return AwsError("ResourceNotFoundException", message)


def resource_exists(message: str) -> AwsError:
    return AwsError("ResourceExistsException", message)


def serialization_error(message: str) -> AwsError:
    return AwsError("SerializationException", message)


def internal_error() -> AwsError:
    return AwsError("InternalServiceError", "An error occurred on the server side.", 500)
