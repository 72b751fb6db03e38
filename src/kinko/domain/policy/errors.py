"""The one error the policy package raises: a document that is not a valid policy."""

from __future__ import annotations


class PolicySyntaxError(ValueError):
    """A malformed policy document; `message` says what is wrong, in words fit for a client.

    Callers turn it into their service's error (MalformedPolicyDocumentException and kin),
    so it carries no AWS error code of its own.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
