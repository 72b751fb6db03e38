"""The policy-engine table: requests against identity-based and resource-based policies,
and AWS's combination of the two for one request.

Sources: IAM User Guide, "Policy evaluation logic" (explicit deny wins; within an account
either an identity-based or a resource-based allow suffices; across accounts both are
needed), "AWS account principals" (naming an account delegates to its identity
policies), "NotPrincipal", "Condition operators", "Policy variables".
"""

from __future__ import annotations

from typing import Any

import pytest

from kinko.domain.policy import (
    Authorization,
    Decision,
    Policy,
    PolicyType,
    Request,
    authorize,
    denial_reason,
    evaluate_identity,
    evaluate_resource,
    parse_policy,
)

from .builders import (
    ACCOUNT,
    ALICE,
    BOB,
    CAROL,
    DEPLOYER,
    GET,
    OTHER,
    OTHER_ROOT,
    OTHER_SECRET,
    ROOT,
    SECRET,
    SESSION,
    allow,
    deny,
    policy,
    request,
)

A = Decision.ALLOW
D = Decision.EXPLICIT_DENY
N = Decision.IMPLICIT_DENY
SM = "arn:aws:secretsmanager"
MY_SECRETS = f"{SM}:*:{ACCOUNT}:secret:*"
VIA_SM = "secretsmanager.us-east-1.amazonaws.com"


def case(
    id: str,
    statements: list[dict[str, Any]],
    expected: Decision,
    *,
    version: str | None = "2012-10-17",
    **request_fields: Any,
) -> Any:
    return pytest.param(
        policy(*statements, version=version), request(**request_fields), expected, id=id
    )


IDENTITY_CASES = [
    # Actions
    case("action-exact", [allow(Action=GET)], A),
    case("action-case-insensitive", [allow(Action="SecretsManager:getSecretValue")], A),
    case("action-prefix-wildcard", [allow(Action="secretsmanager:Get*")], A),
    case(
        "action-prefix-wildcard-miss",
        [allow(Action="secretsmanager:Get*")],
        N,
        action="secretsmanager:PutSecretValue",
    ),
    case(
        "action-service-wildcard",
        [allow(Action="secretsmanager:*")],
        A,
        action="secretsmanager:DeleteSecret",
    ),
    case("action-star", [allow(Action="*")], A, action="kms:Decrypt"),
    case("action-other-service", [allow(Action="kms:*")], N),
    case("action-question-mark", [allow(Action="secretsmanager:?etSecretValue")], A),
    case("action-list", [allow(Action=["kms:Decrypt", GET])], A),
    case("action-list-miss", [allow(Action=["kms:Decrypt", "secretsmanager:Describe*"])], N),
    case("not-action-allows-others", [allow(NotAction="secretsmanager:Delete*")], A),
    case(
        "not-action-excludes",
        [allow(NotAction="secretsmanager:Delete*")],
        N,
        action="secretsmanager:DeleteSecret",
    ),
    case("not-action-other-service", [allow(NotAction="kms:*")], A),
    case("not-action-list", [allow(NotAction=["kms:*", "secretsmanager:Get*"])], N),
    # Resources
    case("resource-exact", [allow(Resource=SECRET)], A),
    case(
        "resource-region-wildcard", [allow(Resource=f"{SM}:*:{ACCOUNT}:secret:prod/db-AbCdEf")], A
    ),
    case(
        "resource-wildcard-spans-slash",
        [allow(Resource=f"{SM}:us-east-1:{ACCOUNT}:secret:prod/*")],
        A,
    ),
    case("resource-wildcard-spans-colon", [allow(Resource=f"{SM}:*")], A),
    case("resource-other-prefix", [allow(Resource=f"{SM}:*:{ACCOUNT}:secret:dev/*")], N),
    case("resource-case-sensitive", [allow(Resource=f"{SM}:*:{ACCOUNT}:secret:PROD/*")], N),
    case("resource-question-marks", [allow(Resource=f"{SM}:*:{ACCOUNT}:secret:prod/db-??????")], A),
    case(
        "resource-too-few-question-marks",
        [allow(Resource=f"{SM}:*:{ACCOUNT}:secret:prod/db-?????")],
        N,
    ),
    case("resource-other-account", [allow(Resource=f"{SM}:*:{OTHER}:secret:*")], N),
    case("resource-list", [allow(Resource=[f"{SM}:*:*:secret:dev/*", MY_SECRETS])], A),
    case("not-resource-elsewhere", [allow(NotResource=f"{SM}:*:*:secret:dev/*")], A),
    case("not-resource-here", [allow(NotResource=f"{SM}:*:*:secret:prod/*")], N),
    case(
        "resource-star-for-list-secrets",
        [allow(Resource="*")],
        A,
        action="secretsmanager:ListSecrets",
        resource="*",
    ),
    case(
        "resource-arn-for-list-secrets",
        [allow(Resource=MY_SECRETS)],
        N,
        action="secretsmanager:ListSecrets",
        resource="*",
    ),
    # Effects
    case("no-statement-matches", [allow(Action="kms:*")], N),
    case("deny-beats-allow", [allow(), deny(Action=GET)], D),
    case("deny-first-still-wins", [deny(Resource=SECRET), allow(Action=GET)], D),
    case("deny-other-action", [allow(), deny(Action="secretsmanager:Delete*")], A),
    case("deny-other-resource", [allow(), deny(Resource=f"{SM}:*:*:secret:dev/*")], A),
    case("deny-alone", [deny(Action=GET)], D),
    case(
        "deny-not-action",
        [allow(), deny(NotAction="secretsmanager:Get*")],
        D,
        action="secretsmanager:DeleteSecret",
    ),
    case("deny-not-action-spares", [allow(), deny(NotAction="secretsmanager:Get*")], A),
    case("deny-not-resource", [allow(), deny(NotResource=f"{SM}:*:*:secret:dev/*")], D),
    case(
        "deny-condition-false",
        [allow(), deny(Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}})],
        A,
        context={"aws:RequestedRegion": "us-east-1"},
    ),
    case(
        "deny-condition-true",
        [allow(), deny(Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}})],
        D,
        context={"aws:RequestedRegion": "us-east-1"},
    ),
    # Policy variables
    case(
        "var-username",
        [allow(Resource=f"{SM}:*:{ACCOUNT}:secret:${{aws:username}}/*")],
        A,
        resource=f"{SM}:us-east-1:{ACCOUNT}:secret:alice/db-AbCdEf",
    ),
    case(
        "var-username-other-user",
        [allow(Resource=f"{SM}:*:{ACCOUNT}:secret:${{aws:username}}/*")],
        N,
        resource=f"{SM}:us-east-1:{ACCOUNT}:secret:carol/db-AbCdEf",
    ),
    case(
        "var-username-with-path",
        [allow(Resource=f"{SM}:*:{ACCOUNT}:secret:${{aws:username}}/*")],
        A,
        principal=CAROL,
        resource=f"{SM}:us-east-1:{ACCOUNT}:secret:carol/db-AbCdEf",
    ),
    case(
        "var-username-absent-for-role",
        [allow(Resource=f"{SM}:*:{ACCOUNT}:secret:${{aws:username}}/*")],
        N,
        principal=SESSION,
        resource=f"{SM}:us-east-1:{ACCOUNT}:secret:deployer/db-AbCdEf",
    ),
    case(
        "var-default-value",
        [allow(Resource=f"{SM}:*:{ACCOUNT}:secret:${{aws:username, 'shared'}}/*")],
        A,
        principal=SESSION,
        resource=f"{SM}:us-east-1:{ACCOUNT}:secret:shared/db-AbCdEf",
    ),
    case(
        "var-principal-account", [allow(Resource=f"{SM}:*:${{aws:PrincipalAccount}}:secret:*")], A
    ),
    case(
        "var-principal-account-other",
        [allow(Resource=f"{SM}:*:${{aws:PrincipalAccount}}:secret:*")],
        N,
        resource=OTHER_SECRET,
    ),
    case(
        "var-context-key",
        [allow(Resource=f"{SM}:*:*:secret:${{aws:PrincipalTag/team}}/*")],
        A,
        context={"aws:PrincipalTag/team": "prod"},
    ),
    case(
        "var-value-star-is-literal",
        [allow(Resource=f"{SM}:*:*:secret:${{aws:PrincipalTag/team}}")],
        N,
        context={"aws:PrincipalTag/team": "*"},
    ),
    case(
        "var-multivalued-never",
        [allow(Resource=f"{SM}:*:*:secret:${{aws:TagKeys}}/*")],
        N,
        context={"aws:TagKeys": ["prod"]},
    ),
    case(
        "var-escaped-star",
        [allow(Resource=f"{SM}:*:*:secret:a${{*}}b-*")],
        A,
        resource=f"{SM}:us-east-1:{ACCOUNT}:secret:a*b-AbCdEf",
    ),
    case(
        "var-version-2008-literal",
        [allow(Resource=f"{SM}:*:{ACCOUNT}:secret:${{aws:username}}/*")],
        N,
        version="2008-10-17",
        resource=f"{SM}:us-east-1:{ACCOUNT}:secret:alice/db-AbCdEf",
    ),
    case(
        "var-no-version-literal",
        [allow(Resource=f"{SM}:*:{ACCOUNT}:secret:${{aws:username}}/*")],
        N,
        version=None,
        resource=f"{SM}:us-east-1:{ACCOUNT}:secret:alice/db-AbCdEf",
    ),
    case(
        "var-in-condition",
        [
            allow(
                Condition={"StringEquals": {"secretsmanager:ResourceTag/Owner": "${aws:username}"}}
            )
        ],
        A,
        context={"secretsmanager:ResourceTag/Owner": "alice"},
    ),
    case(
        "var-in-condition-mismatch",
        [
            allow(
                Condition={"StringEquals": {"secretsmanager:ResourceTag/Owner": "${aws:username}"}}
            )
        ],
        N,
        context={"secretsmanager:ResourceTag/Owner": "carol"},
    ),
    # aws:PrincipalArn, aws:PrincipalAccount, aws:username (derived from the principal)
    case("principal-arn-user", [allow(Condition={"StringEquals": {"aws:PrincipalArn": ALICE}})], A),
    case(
        "principal-arn-arnlike",
        [allow(Condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/al*"}})],
        A,
    ),
    case(
        "principal-arn-session-is-role",
        [allow(Condition={"ArnEquals": {"aws:PrincipalArn": DEPLOYER}})],
        A,
        principal=SESSION,
    ),
    case(
        "principal-arn-not-session",
        [allow(Condition={"ArnEquals": {"aws:PrincipalArn": SESSION}})],
        N,
        principal=SESSION,
    ),
    case(
        "principal-arn-root",
        [allow(Condition={"StringEquals": {"aws:PrincipalArn": ROOT}})],
        A,
        principal=ROOT,
    ),
    case(
        "principal-arn-caller-supplied-wins",
        [
            allow(
                Condition={
                    "ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/ops/deployer"}
                }
            )
        ],
        A,
        principal=SESSION,
        context={"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/ops/deployer"},
    ),
    case(
        "principal-account",
        [allow(Condition={"StringEquals": {"aws:PrincipalAccount": ACCOUNT}})],
        A,
    ),
    case(
        "principal-account-other",
        [allow(Condition={"StringEquals": {"aws:PrincipalAccount": ACCOUNT}})],
        N,
        principal=BOB,
    ),
    case("username", [allow(Condition={"StringLike": {"aws:username": "a*"}})], A),
    case(
        "username-missing-for-session",
        [allow(Condition={"StringLike": {"aws:username": "*"}})],
        N,
        principal=SESSION,
    ),
    case(
        "username-deny-not-equals-missing",
        [allow(), deny(Condition={"StringNotEquals": {"aws:username": "alice"}})],
        D,
        principal=SESSION,
    ),
    # aws:SourceIp
    case(
        "source-ip-inside",
        [allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})],
        A,
        context={"aws:SourceIp": "10.1.2.3"},
    ),
    case(
        "source-ip-outside",
        [allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})],
        N,
        context={"aws:SourceIp": "192.168.1.1"},
    ),
    case("source-ip-missing", [allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})], N),
    case(
        "source-ip-v6",
        [allow(Condition={"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}})],
        A,
        context={"aws:SourceIp": "2001:db8::42"},
    ),
    case(
        "source-ip-deny-outside",
        [allow(), deny(Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})],
        D,
        context={"aws:SourceIp": "203.0.113.9"},
    ),
    case(
        "source-ip-deny-inside",
        [allow(), deny(Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})],
        A,
        context={"aws:SourceIp": "10.9.9.9"},
    ),
    case(
        "source-ip-deny-missing",
        [allow(), deny(Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})],
        D,
    ),
    # aws:RequestedRegion
    case(
        "region-in-list",
        [allow(Condition={"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-3"]}})],
        A,
        context={"aws:RequestedRegion": "eu-west-3"},
    ),
    case(
        "region-not-in-list",
        [allow(Condition={"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-3"]}})],
        N,
        context={"aws:RequestedRegion": "ap-south-1"},
    ),
    case(
        "region-deny-others",
        [allow(), deny(Condition={"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}})],
        D,
        context={"aws:RequestedRegion": "eu-west-1"},
    ),
    case(
        "region-like",
        [allow(Condition={"StringLike": {"aws:RequestedRegion": "eu-*"}})],
        A,
        context={"aws:RequestedRegion": "eu-central-1"},
    ),
    # aws:CurrentTime
    case(
        "time-before-expiry",
        [allow(Condition={"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}})],
        A,
        context={"aws:CurrentTime": "2025-06-01T12:00:00Z"},
    ),
    case(
        "time-after-expiry",
        [allow(Condition={"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}})],
        N,
        context={"aws:CurrentTime": "2025-06-01T12:00:00Z"},
    ),
    case(
        "time-window",
        [
            allow(
                Condition={
                    "DateGreaterThanEquals": {"aws:CurrentTime": "1700000000"},
                    "DateLessThanEquals": {"aws:CurrentTime": "2030-01-01"},
                }
            )
        ],
        A,
        context={"aws:CurrentTime": "2025-06-01T12:00:00Z"},
    ),
    case(
        "time-missing",
        [allow(Condition={"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}})],
        N,
    ),
    # aws:SecureTransport
    case(
        "tls-deny-plain-http",
        [allow(), deny(Condition={"Bool": {"aws:SecureTransport": "false"}})],
        D,
        context={"aws:SecureTransport": "false"},
    ),
    case(
        "tls-https",
        [allow(), deny(Condition={"Bool": {"aws:SecureTransport": "false"}})],
        A,
        context={"aws:SecureTransport": "true"},
    ),
    case(
        "tls-deny-missing-key",
        [allow(), deny(Condition={"Bool": {"aws:SecureTransport": "false"}})],
        A,
    ),
    case(
        "tls-deny-ifexists-missing",
        [allow(), deny(Condition={"BoolIfExists": {"aws:SecureTransport": "false"}})],
        D,
    ),
    # aws:ResourceTag/*, secretsmanager:ResourceTag/*, aws:RequestTag/*, aws:TagKeys
    case(
        "resource-tag",
        [allow(Condition={"StringEquals": {"aws:ResourceTag/Env": "prod"}})],
        A,
        context={"aws:ResourceTag/Env": "prod"},
    ),
    case(
        "resource-tag-key-any-case",
        [allow(Condition={"StringEquals": {"aws:ResourceTag/Env": "prod"}})],
        A,
        context={"aws:resourcetag/env": "prod"},
    ),
    case(
        "resource-tag-value-case",
        [allow(Condition={"StringEquals": {"aws:ResourceTag/Env": "prod"}})],
        N,
        context={"aws:ResourceTag/Env": "Prod"},
    ),
    case(
        "resource-tag-ignore-case",
        [allow(Condition={"StringEqualsIgnoreCase": {"aws:ResourceTag/Env": "prod"}})],
        A,
        context={"aws:ResourceTag/Env": "PROD"},
    ),
    case(
        "resource-tag-missing",
        [allow(Condition={"StringEquals": {"aws:ResourceTag/Env": "prod"}})],
        N,
    ),
    case(
        "resource-tag-deny-untagged",
        [allow(), deny(Condition={"Null": {"aws:ResourceTag/Env": "true"}})],
        D,
    ),
    case(
        "resource-tag-deny-untagged-tagged",
        [allow(), deny(Condition={"Null": {"aws:ResourceTag/Env": "true"}})],
        A,
        context={"aws:ResourceTag/Env": "dev"},
    ),
    case(
        "sm-resource-tag",
        [allow(Condition={"StringEquals": {"secretsmanager:ResourceTag/Team": "platform"}})],
        A,
        context={"secretsmanager:resourceTag/TEAM": "platform"},
    ),
    case(
        "sm-resource-tag-not-equals",
        [allow(Condition={"StringNotEquals": {"secretsmanager:ResourceTag/Team": "platform"}})],
        N,
        context={"secretsmanager:ResourceTag/Team": "platform"},
    ),
    case(
        "request-tag",
        [allow(Condition={"StringLike": {"aws:RequestTag/Team": "plat*"}})],
        A,
        action="secretsmanager:TagResource",
        context={"aws:RequestTag/Team": "platform"},
    ),
    case(
        "request-tag-missing",
        [allow(Condition={"StringLike": {"aws:RequestTag/Team": "plat*"}})],
        N,
        action="secretsmanager:TagResource",
    ),
    case(
        "request-tag-null-false",
        [allow(Condition={"Null": {"aws:RequestTag/Team": "false"}})],
        A,
        action="secretsmanager:CreateSecret",
        context={"aws:RequestTag/Team": "x"},
    ),
    case(
        "tag-keys-all-allowed",
        [allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["Env", "Team"]}})],
        A,
        context={"aws:TagKeys": ["Team"]},
    ),
    case(
        "tag-keys-extra",
        [allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["Env", "Team"]}})],
        N,
        context={"aws:TagKeys": ["Team", "Owner"]},
    ),
    case(
        "tag-keys-all-missing",
        [allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["Env"]}})],
        A,
    ),
    case(
        "tag-keys-any",
        [allow(Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": "Env"}})],
        A,
        context={"aws:TagKeys": ["Owner", "Env"]},
    ),
    case(
        "tag-keys-any-missing",
        [allow(Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": "Env"}})],
        N,
    ),
    case(
        "tag-keys-deny-aws-prefix",
        [allow(), deny(Condition={"ForAnyValue:StringLike": {"aws:TagKeys": "aws:*"}})],
        D,
        context={"aws:TagKeys": ["Env", "aws:x"]},
    ),
    case(
        "tag-keys-deny-foreign",
        [allow(), deny(Condition={"ForAllValues:StringNotLike": {"aws:TagKeys": "team-*"}})],
        D,
        context={"aws:TagKeys": ["owner"]},
    ),
    case(
        "tag-keys-deny-foreign-spared",
        [allow(), deny(Condition={"ForAllValues:StringNotLike": {"aws:TagKeys": "team-*"}})],
        A,
        context={"aws:TagKeys": ["team-a", "other"]},
    ),
    # secretsmanager:SecretId, secretsmanager:VersionStage
    case(
        "secret-id",
        [allow(Condition={"StringEquals": {"secretsmanager:SecretId": "prod/db"}})],
        A,
        context={"secretsmanager:SecretId": "prod/db"},
    ),
    case(
        "secret-id-like-arn",
        [allow(Condition={"ArnLike": {"secretsmanager:SecretId": f"{SM}:*:*:secret:prod/*"}})],
        A,
        context={"secretsmanager:SecretId": SECRET},
    ),
    case(
        "version-stage",
        [allow(Condition={"StringEquals": {"secretsmanager:VersionStage": "AWSCURRENT"}})],
        N,
        context={"secretsmanager:VersionStage": "AWSPREVIOUS"},
    ),
    case(
        "version-stage-ifexists-missing",
        [allow(Condition={"StringEqualsIfExists": {"secretsmanager:VersionStage": "AWSCURRENT"}})],
        A,
    ),
    case(
        "version-stage-deny-pending",
        [allow(), deny(Condition={"StringEquals": {"secretsmanager:VersionStage": "AWSPENDING"}})],
        D,
        context={"secretsmanager:VersionStage": "AWSPENDING"},
    ),
    # kms:ViaService, kms:CallerAccount
    case(
        "via-service",
        [allow(Action="kms:Decrypt", Condition={"StringEquals": {"kms:ViaService": VIA_SM}})],
        A,
        action="kms:Decrypt",
        context={"kms:ViaService": VIA_SM},
    ),
    case(
        "via-service-like",
        [
            allow(
                Action="kms:*",
                Condition={"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}},
            )
        ],
        A,
        action="kms:Decrypt",
        context={"kms:ViaService": VIA_SM},
    ),
    case(
        "via-service-direct-call",
        [
            allow(
                Action="kms:*",
                Condition={"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}},
            )
        ],
        N,
        action="kms:Decrypt",
    ),
    case(
        "caller-account",
        [allow(Action="kms:*", Condition={"StringEquals": {"kms:CallerAccount": ACCOUNT}})],
        A,
        action="kms:Decrypt",
        context={"kms:CallerAccount": ACCOUNT},
    ),
    case(
        "caller-account-other",
        [allow(Action="kms:*", Condition={"StringEquals": {"kms:CallerAccount": ACCOUNT}})],
        N,
        action="kms:Decrypt",
        context={"kms:CallerAccount": OTHER},
    ),
    # Numeric, composition
    case(
        "numeric-recovery-window",
        [allow(Condition={"NumericGreaterThanEquals": {"secretsmanager:RecoveryWindowInDays": 7}})],
        A,
        action="secretsmanager:DeleteSecret",
        context={"secretsmanager:RecoveryWindowInDays": "30"},
    ),
    case(
        "numeric-recovery-window-short",
        [allow(Condition={"NumericGreaterThanEquals": {"secretsmanager:RecoveryWindowInDays": 7}})],
        N,
        action="secretsmanager:DeleteSecret",
        context={"secretsmanager:RecoveryWindowInDays": "3"},
    ),
    case(
        "two-keys-and",
        [
            allow(
                Condition={
                    "StringEquals": {
                        "aws:RequestedRegion": "us-east-1",
                        "aws:ResourceTag/Env": "prod",
                    }
                }
            )
        ],
        N,
        context={"aws:RequestedRegion": "us-east-1"},
    ),
    case(
        "condition-key-any-case",
        [allow(Condition={"IpAddress": {"AWS:SOURCEIP": "10.0.0.0/8"}})],
        A,
        context={"aws:SourceIp": "10.0.0.1"},
    ),
]


@pytest.mark.parametrize(("policy_", "request_", "expected"), IDENTITY_CASES)
def test_identity_policy(policy_: Policy, request_: Request, expected: Decision) -> None:
    assert evaluate_identity([policy_], request_) is expected


def test_deny_in_another_policy_wins() -> None:
    policies = [policy(allow()), policy(deny(Action="secretsmanager:Get*"))]
    assert evaluate_identity(policies, request()) is D
    assert evaluate_identity([], request()) is N


def resource_case(id: str, statement: dict[str, Any], expected: Decision, **fields: Any) -> Any:
    return pytest.param(policy(statement), request(**fields), expected, id=id)


SERVICE = "secretsmanager.amazonaws.com"

RESOURCE_CASES = [
    resource_case("principal-star", allow(Principal="*"), A, principal=BOB),
    resource_case("principal-aws-star", allow(Principal={"AWS": "*"}), A, principal=BOB),
    resource_case("principal-account-id", allow(Principal={"AWS": OTHER}), A, principal=BOB),
    resource_case("principal-root-arn", allow(Principal={"AWS": OTHER_ROOT}), A, principal=BOB),
    resource_case("principal-other-account", allow(Principal={"AWS": OTHER}), N),
    resource_case("principal-user", allow(Principal={"AWS": ALICE}), A),
    resource_case("principal-other-user", allow(Principal={"AWS": CAROL}), N),
    resource_case(
        "principal-role-session", allow(Principal={"AWS": DEPLOYER}), A, principal=SESSION
    ),
    resource_case("principal-session-arn", allow(Principal={"AWS": SESSION}), A, principal=SESSION),
    resource_case("principal-list", allow(Principal={"AWS": [CAROL, BOB]}), A, principal=BOB),
    resource_case("principal-service", allow(Principal={"Service": SERVICE}), A, principal=SERVICE),
    resource_case("principal-service-not-user", allow(Principal={"Service": SERVICE}), N),
    resource_case("principal-wrong-action", allow(Principal="*", Action="kms:*"), N),
    resource_case(
        "principal-condition",
        allow(Principal="*", Condition={"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}),
        N,
        principal=BOB,
    ),
    resource_case("deny-principal-star", deny(Principal="*"), D),
    resource_case("deny-other-principal", deny(Principal={"AWS": BOB}), N),
    resource_case(
        "deny-outside-account",
        deny(Principal="*", Condition={"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}),
        D,
        principal=BOB,
    ),
    resource_case("not-principal-user-only", deny(NotPrincipal={"AWS": ALICE}), D),
    resource_case("not-principal-user-and-account", deny(NotPrincipal={"AWS": [ALICE, ROOT]}), N),
    resource_case(
        "not-principal-others-denied", deny(NotPrincipal={"AWS": [ALICE, ROOT]}), D, principal=CAROL
    ),
    resource_case(
        "not-principal-role-and-account",
        deny(NotPrincipal={"AWS": [DEPLOYER, ACCOUNT]}),
        N,
        principal=SESSION,
    ),
    resource_case("not-principal-allow", allow(NotPrincipal={"AWS": CAROL}), A),
]


@pytest.mark.parametrize(("policy_", "request_", "expected"), RESOURCE_CASES)
def test_resource_policy(policy_: Policy, request_: Request, expected: Decision) -> None:
    assert evaluate_resource(policy_, request_) is expected


def test_no_resource_policy_is_implicit_deny() -> None:
    assert evaluate_resource(None, request()) is N


IDENTITY_ALLOWS = policy(allow(Action="secretsmanager:*"))
IDENTITY_DENIES = policy(allow(), deny(Action=GET))
RESOURCE_ALICE = policy(allow(Principal={"AWS": ALICE}, Action=GET))
RESOURCE_BOB = policy(allow(Principal={"AWS": BOB}, Action=GET))
RESOURCE_ACCOUNT = policy(allow(Principal={"AWS": ACCOUNT}, Action=GET))
RESOURCE_OTHER_ACCOUNT = policy(allow(Principal={"AWS": OTHER_ROOT}, Action="secretsmanager:*"))
RESOURCE_EVERYONE = policy(allow(Principal="*", Action=GET))
RESOURCE_DENY = policy(allow(Principal="*"), deny(Principal="*", Action=GET))
NOTHING: list[Policy] = []

Expected = tuple[Decision, PolicyType | None]


def auth_case(
    id: str,
    principal: str,
    identity: list[Policy],
    resource: Policy | None,
    expected: Expected,
    *,
    resource_account: str = ACCOUNT,
    required: bool = False,
) -> Any:
    return pytest.param(principal, identity, resource, resource_account, required, expected, id=id)


ID, RES = PolicyType.IDENTITY, PolicyType.RESOURCE
AUTHORIZE_CASES = [
    auth_case("same-identity-allows", ALICE, [IDENTITY_ALLOWS], None, (A, None)),
    auth_case("same-nothing", ALICE, NOTHING, None, (N, ID)),
    auth_case("same-resource-names-user", ALICE, NOTHING, RESOURCE_ALICE, (A, None)),
    auth_case("same-resource-names-everyone", ALICE, NOTHING, RESOURCE_EVERYONE, (A, None)),
    auth_case("same-resource-names-account-only", ALICE, NOTHING, RESOURCE_ACCOUNT, (N, ID)),
    auth_case(
        "same-account-delegation-with-identity",
        ALICE,
        [IDENTITY_ALLOWS],
        RESOURCE_ACCOUNT,
        (A, None),
    ),
    auth_case("same-resource-names-other", ALICE, NOTHING, RESOURCE_BOB, (N, ID)),
    auth_case(
        "same-identity-deny-beats-resource-allow", ALICE, [IDENTITY_DENIES], RESOURCE_ALICE, (D, ID)
    ),
    auth_case(
        "same-resource-deny-beats-identity-allow", ALICE, [IDENTITY_ALLOWS], RESOURCE_DENY, (D, RES)
    ),
    auth_case("both-deny-identity-reported", ALICE, [IDENTITY_DENIES], RESOURCE_DENY, (D, ID)),
    auth_case(
        "session-resource-names-role",
        SESSION,
        NOTHING,
        policy(allow(Principal={"AWS": DEPLOYER})),
        (A, None),
    ),
    auth_case("root-needs-no-policy", ROOT, NOTHING, None, (A, None)),
    auth_case("root-resource-deny", ROOT, NOTHING, RESOURCE_DENY, (D, RES)),
    auth_case("cross-identity-only", BOB, [IDENTITY_ALLOWS], None, (N, RES)),
    auth_case("cross-both", BOB, [IDENTITY_ALLOWS], RESOURCE_OTHER_ACCOUNT, (A, None)),
    auth_case("cross-both-user-named", BOB, [IDENTITY_ALLOWS], RESOURCE_BOB, (A, None)),
    auth_case("cross-resource-only", BOB, NOTHING, RESOURCE_BOB, (N, ID)),
    auth_case("cross-resource-everyone-no-identity", BOB, NOTHING, RESOURCE_EVERYONE, (N, ID)),
    auth_case("cross-resource-wrong-account", BOB, [IDENTITY_ALLOWS], RESOURCE_ACCOUNT, (N, RES)),
    auth_case("cross-root-with-resource", OTHER_ROOT, NOTHING, RESOURCE_OTHER_ACCOUNT, (A, None)),
    auth_case("cross-root-without-resource", OTHER_ROOT, NOTHING, None, (N, RES)),
    auth_case("cross-resource-deny", BOB, [IDENTITY_ALLOWS], RESOURCE_DENY, (D, RES)),
    auth_case("key-policy-missing", ALICE, [IDENTITY_ALLOWS], None, (N, RES), required=True),
    auth_case(
        "key-policy-delegates", ALICE, [IDENTITY_ALLOWS], RESOURCE_ACCOUNT, (A, None), required=True
    ),
    auth_case(
        "key-policy-delegates-no-identity", ALICE, NOTHING, RESOURCE_ACCOUNT, (N, ID), required=True
    ),
    auth_case("key-policy-names-user", ALICE, NOTHING, RESOURCE_ALICE, (A, None), required=True),
    auth_case("key-policy-root-named", ROOT, NOTHING, RESOURCE_ACCOUNT, (A, None), required=True),
    auth_case("key-policy-root-not-named", ROOT, NOTHING, RESOURCE_ALICE, (N, RES), required=True),
    auth_case(
        "key-policy-cross-account",
        BOB,
        [IDENTITY_ALLOWS],
        RESOURCE_OTHER_ACCOUNT,
        (A, None),
        required=True,
    ),
]


@pytest.mark.parametrize(
    ("principal", "identity", "resource", "resource_account", "required", "expected"),
    AUTHORIZE_CASES,
)
def test_authorize(
    principal: str,
    identity: list[Policy],
    resource: Policy | None,
    resource_account: str,
    required: bool,
    expected: Expected,
) -> None:
    result = authorize(
        request(principal=principal),
        identity,
        resource,
        resource_account,
        is_account_root=principal.endswith(":root"),
        resource_policy_required=required,
    )
    assert (result.decision, result.policy_type) == expected
    assert result.allowed is (expected[0] is A)


@pytest.mark.parametrize(
    ("result", "reason"),
    [
        pytest.param(
            Authorization(N, ID),
            f"because no identity-based policy allows the {GET} action",
            id="implicit-identity",
        ),
        pytest.param(
            Authorization(N, RES),
            f"because no resource-based policy allows the {GET} action",
            id="implicit-resource",
        ),
        pytest.param(
            Authorization(D, ID),
            "with an explicit deny in an identity-based policy",
            id="explicit-identity",
        ),
        pytest.param(
            Authorization(D, RES),
            "with an explicit deny in a resource-based policy",
            id="explicit-resource",
        ),
    ],
)
def test_denial_reason(result: Authorization, reason: str) -> None:
    assert denial_reason(result, request()) == reason


def test_denial_reason_end_to_end() -> None:
    req = request(principal=BOB)
    result = authorize(req, [IDENTITY_ALLOWS], None, ACCOUNT, is_account_root=False)
    message = (
        f"User: {req.principal_arn} is not authorized to perform: {req.action} "
        f"on resource: {req.resource} {denial_reason(result, req)}"
    )
    assert message.endswith(f"because no resource-based policy allows the {GET} action")
    with pytest.raises(ValueError):
        denial_reason(Authorization(A), req)


def test_policy_accepts_a_json_string() -> None:
    document = (
        '{"Version": "2012-10-17", '
        '"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
    )
    assert evaluate_identity([parse_policy(document)], request()) is A
