"""Key policies: the default AWS writes for customer keys, and the AWS managed key's.

A customer key created without a policy gets AWS's default key policy, which hands
the decision to IAM ("Enable IAM User Permissions"). The AWS managed key
aws/secretsmanager carries AWS's "auto-secretsmanager-2" policy (Secrets Manager User
Guide, "Secret encryption and decryption"): principals of the account may use it for
cryptography only through Secrets Manager in its region, and may read its metadata
directly. Both are evaluated by the access rules like any key policy; the managed
key's cannot be replaced.
"""

from __future__ import annotations

import json
from typing import Any

from kinko.domain.kms import errors
from kinko.domain.policy import PolicySyntaxError, parse_policy

POLICY_NAME = "default"


def _document(statements: list[dict[str, Any]], policy_id: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Id": policy_id, "Statement": statements}, indent=2)


def default_key_policy(partition: str, account_id: str) -> str:
    return _document(
        [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
        "key-default-1",
    )


def managed_key_policy(partition: str, region: str, account_id: str) -> str:
    sid = (
        "Allow access through AWS Secrets Manager for all principals in the account that "
        "are authorized to use AWS Secrets Manager"
    )
    via = f"secretsmanager.{region}.amazonaws.com"
    return _document(
        [
            {
                "Sid": sid,
                "Effect": "Allow",
                "Principal": {"AWS": ["*"]},
                "Action": [
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncrypt*",
                    "kms:CreateGrant",
                    "kms:DescribeKey",
                ],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"kms:CallerAccount": account_id, "kms:ViaService": via}
                },
            },
            {
                "Sid": sid,
                "Effect": "Allow",
                "Principal": {"AWS": ["*"]},
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"kms:CallerAccount": account_id},
                    "StringLike": {"kms:ViaService": via},
                },
            },
            {
                "Sid": "Allow direct access to key metadata to the account",
                "Effect": "Allow",
                "Principal": {"AWS": [f"arn:{partition}:iam::{account_id}:root"]},
                "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                "Resource": "*",
            },
        ],
        "auto-secretsmanager-2",
    )


def check_key_policy(document: str) -> None:
    """MalformedPolicyDocumentException unless the key policy parses as a resource policy."""
    try:
        parse_policy(document, kind="resource")
    except PolicySyntaxError as exc:
        raise errors.malformed_policy(exc.message) from None
