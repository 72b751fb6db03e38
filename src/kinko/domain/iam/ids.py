"""Identifiers and secrets in AWS's shapes: AIDA…/AROA… ids, AKIA…/ASIA… keys."""

from __future__ import annotations

import base64
import secrets
import string

_ID_ALPHABET = string.ascii_uppercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


def _random(alphabet: str, size: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(size))


def new_user_id() -> str:
    return "AIDA" + _random(_ID_ALPHABET, 17)


def new_role_id() -> str:
    return "AROA" + _random(_ID_ALPHABET, 17)


def new_access_key_id() -> str:
    return "AKIA" + _random(_ID_ALPHABET, 16)


def new_session_key_id() -> str:
    return "ASIA" + _random(_ID_ALPHABET, 16)


def new_secret_access_key() -> str:
    return _random(_SECRET_ALPHABET, 40)


def new_session_token() -> str:
    """Opaque to clients; only its hash is stored."""
    return base64.b64encode(secrets.token_bytes(192)).decode()
