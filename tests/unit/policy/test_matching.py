"""Wildcards, policy variables and principals: the matching under every statement."""

from __future__ import annotations

import pytest

from kinko.domain.policy import action_matches, arn_matches, resource_matches
from kinko.domain.policy.matching import matches, normalise_context
from kinko.domain.policy.principals import (
    PrincipalMatch,
    excluded,
    match,
    parse_caller,
    parse_principals,
)

from .builders import ACCOUNT, ALICE, BOB, CAROL, DEPLOYER, OTHER, ROOT, SECRET, SESSION


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        pytest.param(
            "secretsmanager:GetSecretValue", "secretsmanager:GetSecretValue", True, id="exact"
        ),
        pytest.param(
            "SecretsManager:getsecretvalue",
            "secretsmanager:GetSecretValue",
            True,
            id="case-insensitive",
        ),
        pytest.param(
            "secretsmanager:Get*", "secretsmanager:GetSecretValue", True, id="prefix-star"
        ),
        pytest.param(
            "secretsmanager:Get*", "secretsmanager:PutSecretValue", False, id="prefix-star-miss"
        ),
        pytest.param("secretsmanager:*", "secretsmanager:DeleteSecret", True, id="service-star"),
        pytest.param("kms:*", "secretsmanager:DeleteSecret", False, id="other-service"),
        pytest.param("*", "kms:Decrypt", True, id="star"),
        pytest.param("kms:?ecrypt", "kms:Decrypt", True, id="question-mark"),
        pytest.param("kms:?crypt", "kms:Decrypt", False, id="question-mark-is-one-char"),
        pytest.param("kms:*crypt", "kms:ReEncrypt", True, id="inner-star"),
        pytest.param(
            "secretsmanager:Get", "secretsmanager:GetSecretValue", False, id="no-prefix-match"
        ),
        pytest.param("kms:Decrypt.", "kms:Decrypt!", False, id="dot-is-literal"),
    ],
)
def test_action_matching(pattern: str, action: str, expected: bool) -> None:
    assert action_matches(pattern, action) is expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        pytest.param(SECRET, True, id="exact"),
        pytest.param("*", True, id="star"),
        pytest.param("arn:aws:secretsmanager:*", True, id="star-spans-colons"),
        pytest.param(
            f"arn:aws:secretsmanager:*:{ACCOUNT}:secret:prod/*", True, id="star-spans-slash"
        ),
        pytest.param(f"arn:aws:secretsmanager:*:{OTHER}:secret:*", False, id="other-account"),
        pytest.param(SECRET.upper(), False, id="case-sensitive"),
        pytest.param(SECRET[:-6] + "??????", True, id="six-question-marks"),
        pytest.param(SECRET[:-6] + "?????", False, id="five-question-marks"),
        pytest.param(SECRET[:-6], False, id="prefix-without-star"),
    ],
)
def test_resource_matching(pattern: str, expected: bool) -> None:
    assert resource_matches(pattern, SECRET, {}) is expected


@pytest.mark.parametrize(
    ("pattern", "arn", "expected"),
    [
        pytest.param("arn:aws:iam::*:user/alice", ALICE, True, id="account-wildcard"),
        pytest.param("arn:aws:iam::*:user/*", CAROL, True, id="resource-wildcard-spans-slash"),
        pytest.param("arn:aws:*:user/alice", ALICE, False, id="field-wildcard-stops-at-colon"),
        pytest.param("arn:aws:iam::*:*", ALICE, True, id="resource-field"),
        pytest.param("arn:aws:secretsmanager:*:*:secret:*", SECRET, True, id="secret-any"),
        pytest.param("arn:aws:secretsmanager:*:*:secret:prod/*", SECRET, True, id="secret-prefix"),
        pytest.param("arn:aws:secretsmanager:*:*:secret:dev/*", SECRET, False, id="secret-miss"),
        pytest.param("*", SECRET, True, id="bare-star"),
        pytest.param("arn:aws:iam::111122223333:user/Alice", ALICE, False, id="case-sensitive"),
    ],
)
def test_arn_matching(pattern: str, arn: str, expected: bool) -> None:
    assert arn_matches(pattern, arn, {}) is expected


CONTEXT = normalise_context(
    {"aws:username": "alice", "aws:PrincipalTag/team": "a*b", "aws:TagKeys": ["x"]}
)


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        pytest.param("home/${aws:username}/*", "home/alice/notes", True, id="substituted"),
        pytest.param("home/${AWS:UserName}/*", "home/alice/notes", True, id="key-case-insensitive"),
        pytest.param("home/${aws:username}/*", "home/bob/notes", False, id="other-user"),
        pytest.param("home/${aws:userid}/*", "home/alice/notes", False, id="missing-key"),
        pytest.param("home/${aws:userid, 'alice'}/*", "home/alice/x", True, id="default-value"),
        pytest.param("it${aws:userid, 'isn''t'}", "itisn't", True, id="quote-in-default"),
        pytest.param("${aws:TagKeys}", "x", False, id="multivalued-key-never-substitutes"),
        pytest.param("team-${aws:PrincipalTag/team}", "team-a*b", True, id="value-is-literal"),
        pytest.param(
            "team-${aws:PrincipalTag/team}", "team-axxb", False, id="value-star-no-wildcard"
        ),
        pytest.param("a${*}b", "a*b", True, id="escaped-star"),
        pytest.param("a${*}b", "axb", False, id="escaped-star-is-literal"),
        pytest.param("a${?}b${$}", "a?b$", True, id="escaped-question-and-dollar"),
        pytest.param("${aws:username", "${aws:username", True, id="unclosed-is-literal"),
    ],
)
def test_policy_variables(pattern: str, value: str, expected: bool) -> None:
    assert matches(pattern, value, CONTEXT) is expected


def test_variables_off_means_literal_text() -> None:
    assert matches("home/${aws:username}", "home/${aws:username}", None)
    assert not matches("home/${aws:username}", "home/alice", None)


@pytest.mark.parametrize(
    ("element", "caller", "expected"),
    [
        pytest.param("*", ALICE, PrincipalMatch.DIRECT, id="star"),
        pytest.param({"AWS": "*"}, BOB, PrincipalMatch.DIRECT, id="aws-star"),
        pytest.param({"AWS": ACCOUNT}, ALICE, PrincipalMatch.ACCOUNT, id="account-id"),
        pytest.param({"AWS": ROOT}, ALICE, PrincipalMatch.ACCOUNT, id="root-arn-is-account"),
        pytest.param({"AWS": ROOT}, ROOT, PrincipalMatch.DIRECT, id="root-itself"),
        pytest.param({"AWS": ACCOUNT}, BOB, PrincipalMatch.NONE, id="other-account"),
        pytest.param(
            {"AWS": f"arn:aws-cn:iam::{ACCOUNT}:root"},
            ALICE,
            PrincipalMatch.NONE,
            id="other-partition",
        ),
        pytest.param({"AWS": ALICE}, ALICE, PrincipalMatch.DIRECT, id="user"),
        pytest.param({"AWS": CAROL}, ALICE, PrincipalMatch.NONE, id="other-user"),
        pytest.param({"AWS": DEPLOYER}, SESSION, PrincipalMatch.DIRECT, id="role-covers-sessions"),
        pytest.param(
            {"AWS": f"arn:aws:iam::{ACCOUNT}:role/ops/deployer"},
            SESSION,
            PrincipalMatch.DIRECT,
            id="role-with-path",
        ),
        pytest.param(
            {"AWS": f"arn:aws:iam::{ACCOUNT}:role/auditor"},
            SESSION,
            PrincipalMatch.NONE,
            id="other-role",
        ),
        pytest.param({"AWS": SESSION}, SESSION, PrincipalMatch.DIRECT, id="session-arn"),
        pytest.param({"AWS": DEPLOYER}, ALICE, PrincipalMatch.NONE, id="role-is-not-user"),
        pytest.param({"AWS": [CAROL, ALICE]}, ALICE, PrincipalMatch.DIRECT, id="list"),
        pytest.param(
            {"AWS": [OTHER, ACCOUNT]}, ALICE, PrincipalMatch.ACCOUNT, id="list-of-accounts"
        ),
        pytest.param(
            {"Service": "secretsmanager.amazonaws.com"},
            "secretsmanager.amazonaws.com",
            PrincipalMatch.DIRECT,
            id="service",
        ),
        pytest.param(
            {"Service": "kms.amazonaws.com"},
            "secretsmanager.amazonaws.com",
            PrincipalMatch.NONE,
            id="other-service",
        ),
        pytest.param(
            {"Service": "secretsmanager.amazonaws.com"},
            ALICE,
            PrincipalMatch.NONE,
            id="service-is-not-user",
        ),
        pytest.param(
            {"AWS": "*"},
            "secretsmanager.amazonaws.com",
            PrincipalMatch.NONE,
            id="aws-star-is-not-service",
        ),
    ],
)
def test_principal_matching(element: object, caller: str, expected: PrincipalMatch) -> None:
    principals = parse_principals(element, "Principal")
    assert (
        match(principals, parse_caller(caller, caller.split(":")[4] if ":" in caller else ""))
        is expected
    )


@pytest.mark.parametrize(
    ("element", "caller", "expected"),
    [
        pytest.param({"AWS": ALICE}, ALICE, False, id="user-without-account-not-exempt"),
        pytest.param({"AWS": [ALICE, ROOT]}, ALICE, True, id="user-and-account"),
        pytest.param({"AWS": [ALICE, ACCOUNT]}, CAROL, False, id="account-alone-not-exempt"),
        pytest.param({"AWS": ROOT}, ROOT, True, id="root"),
        pytest.param(
            {"AWS": [DEPLOYER, ROOT]}, SESSION, True, id="role-and-account-exempt-session"
        ),
        pytest.param({"AWS": [SESSION, ROOT]}, SESSION, True, id="session-and-account"),
        pytest.param({"AWS": DEPLOYER}, SESSION, False, id="role-without-account"),
        pytest.param({"AWS": [ALICE, ROOT]}, BOB, False, id="other-account"),
        pytest.param("*", BOB, True, id="star"),
    ],
)
def test_not_principal_exemption(element: object, caller: str, expected: bool) -> None:
    principals = parse_principals(element, "NotPrincipal")
    assert excluded(principals, parse_caller(caller, caller.split(":")[4])) is expected


def test_caller_parsing() -> None:
    session = parse_caller(SESSION, ACCOUNT)
    assert (session.kind, session.name, session.role_arn) == ("session", "deployer", DEPLOYER)
    carol = parse_caller(CAROL, ACCOUNT)
    assert (carol.kind, carol.name, carol.role_arn) == ("user", "carol", None)
    assert parse_caller(ROOT, ACCOUNT).kind == "root"
    assert parse_caller("secretsmanager.amazonaws.com", "").kind == "service"
