"""First start of a data directory: account, admin access key, credentials file."""

from __future__ import annotations

import os
import secrets as random
import string
import time
from dataclasses import dataclass
from pathlib import Path

from kinko.domain.identity import root_arn
from kinko.runtime import Kinko
from kinko.storage.interface import GlobalTx
from kinko.storage.records import AccessKeyRecord

PROFILE = "kinko"
_KEY_ALPHABET = string.ascii_uppercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


@dataclass(frozen=True)
class AdminCredentials:
    account_id: str
    access_key_id: str
    secret_access_key: str
    created: bool  # False when the data directory already had them
    deleted: bool = False  # the root deleted this key through IAM (DeleteAccessKey)


def _new_account_id() -> str:
    return str(random.randbelow(9 * 10**11) + 10**11)


def _new_access_key_id() -> str:
    return "AKIA" + "".join(random.choice(_KEY_ALPHABET) for _ in range(16))


def _new_secret() -> str:
    return "".join(random.choice(_SECRET_ALPHABET) for _ in range(40))


def _insert_root(kinko: Kinko, tx: GlobalTx, account_id: str, key_id: str, secret: str) -> None:
    """An account and its root access key (the secret wrapped by the root key)."""
    now = time.time()
    tx.insert_account(account_id, now)
    tx.insert_access_key(
        AccessKeyRecord(
            access_key_id=key_id,
            account_id=account_id,
            principal_arn=root_arn("aws", account_id),
            secret_wrapped=kinko.root_key.wrap(secret.encode(), key_id),
            status="Active",
            created_date=now,
        )
    )


def ensure_admin(kinko: Kinko) -> AdminCredentials:
    """Create the account and its admin key on first start; keep what exists after."""
    account_id = os.environ.get("KINKO_ACCOUNT_ID") or _new_account_id()
    access_key_id = os.environ.get("KINKO_ADMIN_ACCESS_KEY_ID") or _new_access_key_id()
    secret = os.environ.get("KINKO_ADMIN_SECRET_ACCESS_KEY") or _new_secret()
    if not (len(account_id) == 12 and account_id.isdigit()):
        raise ValueError("KINKO_ACCOUNT_ID must be 12 digits")

    def bootstrap(tx: GlobalTx) -> AdminCredentials:
        existing = tx.setting("admin_access_key_id")
        if existing is not None:
            key = tx.access_key(existing)
            if key is None:
                account = tx.account_ids()[0]
                return AdminCredentials(account, existing, "", created=False, deleted=True)
            plain = kinko.root_key.unwrap(key.secret_wrapped, key.access_key_id).decode()
            return AdminCredentials(key.account_id, key.access_key_id, plain, created=False)
        _insert_root(kinko, tx, account_id, access_key_id, secret)
        tx.set_setting("admin_access_key_id", access_key_id)
        return AdminCredentials(account_id, access_key_id, secret, created=True)

    admin = kinko.global_store.write_now(bootstrap)
    if admin.deleted:
        (kinko.data_dir / "credentials").unlink(missing_ok=True)
    else:
        write_credentials_file(kinko.data_dir / "credentials", admin)
    return admin


def create_account(kinko: Kinko, account_id: str | None = None) -> AdminCredentials:
    """Another account in the same deployment, with a root access key of its own.

    For multi-tenant installations, and for trying cross-account access (resource
    policies that grant another account) on one machine.
    """
    account_id = account_id or _new_account_id()
    if not (len(account_id) == 12 and account_id.isdigit()):
        raise ValueError("an account id is 12 digits")
    access_key_id, secret = _new_access_key_id(), _new_secret()

    def create(tx: GlobalTx) -> AdminCredentials:
        if account_id in tx.account_ids():
            raise ValueError(f"account {account_id} already exists")
        _insert_root(kinko, tx, account_id, access_key_id, secret)
        return AdminCredentials(account_id, access_key_id, secret, created=True)

    return kinko.global_store.write_now(create)


def write_credentials_file(path: Path, admin: AdminCredentials) -> None:
    text = (
        f"[{PROFILE}]\n"
        f"aws_access_key_id = {admin.access_key_id}\n"
        f"aws_secret_access_key = {admin.secret_access_key}\n"
    )
    if path.exists() and path.read_text() == text:
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
