"""STS through boto3 and the AWS CLI: GetCallerIdentity for each kind of caller, and
AssumeRole (trust policies, durations, session credentials, their expiry)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import ACCOUNT_ID, Server
from tests.integration.iam_helpers import (
    EXPIRED,
    INVALID_TOKEN,
    Credentials,
    allow,
    aws_as,
    error_of,
    expire_session,
    new_user,
    session_credentials,
    trust,
)

ROOT_ARN = f"arn:aws:iam::{ACCOUNT_ID}:root"


@pytest.fixture
def iam(server: Server) -> Any:
    return server.client("us-east-1", service="iam")


def denied(principal_arn: str, role_arn: str) -> tuple[str, str, int]:
    return (
        "AccessDenied",
        f"User: {principal_arn} is not authorized to perform: sts:AssumeRole on resource: "
        f"{role_arn}",
        403,
    )


def role_for(iam: Any, name: str, principal: Any, **extra: Any) -> str:
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(principal, **extra))[
        "Role"
    ]["Arn"]
    return arn


# --- GetCallerIdentity ----------------------------------------------------------------


def test_the_root_everywhere(server: Server) -> None:
    identity = server.client("us-east-1", service="sts").get_caller_identity()
    assert (identity["Account"], identity["UserId"], identity["Arn"]) == (
        ACCOUNT_ID,
        ACCOUNT_ID,
        ROOT_ARN,
    )
    for region, partition in (("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")):
        arn = server.client(region, service="sts").get_caller_identity()["Arn"]
        assert arn == f"arn:{partition}:iam::{ACCOUNT_ID}:root"


def test_get_caller_identity_needs_no_permission(
    iam: Any, server: Server, unique: Callable[[str], str]
) -> None:
    name = unique("denied")
    nobody = new_user(iam, name, {"Effect": "Deny", "Action": "*", "Resource": "*"})
    identity = nobody.client(server, "sts").get_caller_identity()
    assert identity["Arn"] == nobody.arn and identity["UserId"].startswith("AIDA")


def test_the_cli(aws: Callable[..., Any]) -> None:
    identity = json.loads(aws("sts", "get-caller-identity").stdout)
    assert identity == {"UserId": ACCOUNT_ID, "Account": ACCOUNT_ID, "Arn": ROOT_ARN}


# --- AssumeRole -----------------------------------------------------------------------


def test_assume_role_and_use_the_session(
    iam: Any, server: Server, unique: Callable[[str], str]
) -> None:
    alice = new_user(iam, unique("alice"))
    role_name, session_name = unique("reader"), "alice@laptop"
    role_arn = role_for(iam, role_name, alice.arn)
    role_id = iam.get_role(RoleName=role_name)["Role"]["RoleId"]
    before = datetime.now(UTC)
    assumed = alice.client(server, "sts").assume_role(
        RoleArn=role_arn, RoleSessionName=session_name
    )
    credentials = assumed["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA") and len(credentials["AccessKeyId"]) == 20
    assert len(credentials["SecretAccessKey"]) == 40 and credentials["SessionToken"]
    lifetime = (credentials["Expiration"] - before).total_seconds()
    assert 3590 <= lifetime <= 3610
    session_arn = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/{session_name}"
    assert assumed["AssumedRoleUser"] == {
        "AssumedRoleId": f"{role_id}:{session_name}",
        "Arn": session_arn,
    }
    session = session_credentials(assumed)
    identity = session.client(server, "sts").get_caller_identity()
    assert (identity["Arn"], identity["UserId"], identity["Account"]) == (
        session_arn,
        f"{role_id}:{session_name}",
        ACCOUNT_ID,
    )
    assert session.client(server, "sts", "ap-northeast-1").get_caller_identity()["Arn"] == (
        session_arn
    )


def test_session_credentials_need_their_token(
    iam: Any, server: Server, unique: Callable[[str], str]
) -> None:
    alice = new_user(iam, unique("alice"))
    role_arn = role_for(iam, unique("tokened"), alice.arn)
    session = session_credentials(
        alice.client(server, "sts").assume_role(RoleArn=role_arn, RoleSessionName="s1")
    )
    for token in (None, session.session_token + "x", "bogus"):
        wrong = Credentials(session.access_key_id, session.secret_access_key, token)
        with pytest.raises(ClientError) as excinfo:
            wrong.client(server, "sts").get_caller_identity()
        assert error_of(excinfo) == ("InvalidClientTokenId", INVALID_TOKEN, 403)
    with pytest.raises(ClientError) as excinfo:
        session.client(server, "sts", "cn-north-1").get_caller_identity()
    assert error_of(excinfo) == ("InvalidClientTokenId", INVALID_TOKEN, 403)
    long_term = Credentials(alice.access_key_id, alice.secret_access_key, session.session_token)
    with pytest.raises(ClientError) as excinfo:
        long_term.client(server, "sts").get_caller_identity()
    assert error_of(excinfo) == ("InvalidClientTokenId", INVALID_TOKEN, 403)


def test_expired_session_credentials(
    iam: Any, server: Server, unique: Callable[[str], str]
) -> None:
    alice = new_user(iam, unique("alice"))
    role_arn = role_for(iam, unique("brief"), alice.arn)
    session = session_credentials(
        alice.client(server, "sts").assume_role(
            RoleArn=role_arn, RoleSessionName="brief", DurationSeconds=900
        )
    )
    sts = session.client(server, "sts")
    sm = session.client(server, "secretsmanager")
    assert sts.get_caller_identity()["Arn"] == session.arn
    expire_session(server.data_dir, session.access_key_id, time.time() - 1)
    with pytest.raises(ClientError) as excinfo:
        sts.get_caller_identity()
    assert error_of(excinfo) == ("ExpiredToken", EXPIRED, 403)
    with pytest.raises(ClientError) as excinfo:
        sm.list_secrets()
    assert error_of(excinfo) == ("ExpiredTokenException", EXPIRED, 400)
    with pytest.raises(ClientError) as excinfo:
        session.client(server, "iam").get_user(UserName="x")
    assert error_of(excinfo) == ("ExpiredToken", EXPIRED, 403)


def test_trust_policy_that_does_not_name_the_caller(
    iam: Any, server: Server, unique: Callable[[str], str]
) -> None:
    alice, bob = new_user(iam, unique("alice")), new_user(iam, unique("bob"))
    role_arn = role_for(iam, unique("alices"), alice.arn)
    with pytest.raises(ClientError) as excinfo:
        bob.client(server, "sts").assume_role(RoleArn=role_arn, RoleSessionName="s1")
    assert error_of(excinfo) == denied(bob.arn, role_arn)
    missing = f"arn:aws:iam::{ACCOUNT_ID}:role/{unique('missing')}"
    with pytest.raises(ClientError) as excinfo:
        alice.client(server, "sts").assume_role(RoleArn=missing, RoleSessionName="s1")
    assert error_of(excinfo) == denied(alice.arn, missing)
    wrong_path = role_arn.replace(":role/", ":role/elsewhere/")
    with pytest.raises(ClientError) as excinfo:
        alice.client(server, "sts").assume_role(RoleArn=wrong_path, RoleSessionName="s1")
    assert error_of(excinfo) == denied(alice.arn, wrong_path)
    deny = {"Effect": "Deny", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}
    both = json.dumps(
        {"Version": "2012-10-17", "Statement": [json.loads(trust("*"))["Statement"][0], deny]}
    )
    denied_role = iam.create_role(RoleName=unique("deny"), AssumeRolePolicyDocument=both)["Role"]
    with pytest.raises(ClientError) as excinfo:
        alice.client(server, "sts").assume_role(RoleArn=denied_role["Arn"], RoleSessionName="s1")
    assert error_of(excinfo) == denied(alice.arn, denied_role["Arn"])


def test_trust_policy_naming_the_account(
    iam: Any, server: Server, unique: Callable[[str], str]
) -> None:
    # An account principal delegates to the account: the caller's own policies must also
    # allow sts:AssumeRole.
    carol = new_user(iam, unique("carol"), allow("sts:AssumeRole"))
    for principal in (ROOT_ARN, ACCOUNT_ID):
        role_arn = role_for(iam, unique("acct"), principal)
        assumed = carol.client(server, "sts").assume_role(RoleArn=role_arn, RoleSessionName="c1")
        assert assumed["AssumedRoleUser"]["Arn"].endswith("/c1")


def test_roles_may_not_be_assumed_by_the_root(
    iam: Any, server: Server, unique: Callable[[str], str]
) -> None:
    role_arn = role_for(iam, unique("rootless"), ROOT_ARN)
    with pytest.raises(ClientError) as excinfo:
        server.client("us-east-1", service="sts").assume_role(
            RoleArn=role_arn, RoleSessionName="r1"
        )
    assert error_of(excinfo) == ("AccessDenied", "Roles may not be assumed by root accounts.", 403)


def test_external_id_condition(iam: Any, server: Server, unique: Callable[[str], str]) -> None:
    alice = new_user(iam, unique("alice"))
    condition = {"StringEquals": {"sts:ExternalId": "s3cret-ext"}}
    role_arn = role_for(iam, unique("external"), alice.arn, Condition=condition)
    sts = alice.client(server, "sts")
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1")
    assert error_of(excinfo) == denied(alice.arn, role_arn)
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", ExternalId="wrong-ext")
    assert error_of(excinfo)[0] == "AccessDenied"
    assumed = sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", ExternalId="s3cret-ext")
    assert assumed["Credentials"]["AccessKeyId"].startswith("ASIA")


def test_durations(iam: Any, server: Server, unique: Callable[[str], str]) -> None:
    alice = new_user(iam, unique("alice"))
    name = unique("timed")
    iam.create_role(
        RoleName=name, AssumeRolePolicyDocument=trust(alice.arn), MaxSessionDuration=7200
    )
    role_arn = iam.get_role(RoleName=name)["Role"]["Arn"]
    sts = alice.client(server, "sts")
    before = datetime.now(UTC)
    long = sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", DurationSeconds=7200)
    assert 7190 <= (long["Credentials"]["Expiration"] - before).total_seconds() <= 7210
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", DurationSeconds=7201)
    assert error_of(excinfo) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        400,
    )
    with pytest.raises(ClientError) as excinfo:
        alice.client(server, "sts", validate=False).assume_role(
            RoleArn=role_arn, RoleSessionName="s1", DurationSeconds=899
        )
    assert error_of(excinfo) == (
        "ValidationError",
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy "
        "constraint: Member must have value greater than or equal to 900",
        400,
    )


def test_role_chaining(iam: Any, server: Server, unique: Callable[[str], str]) -> None:
    alice = new_user(iam, unique("alice"))
    first = unique("first")
    iam.create_role(RoleName=first, AssumeRolePolicyDocument=trust(alice.arn))
    first_arn = iam.get_role(RoleName=first)["Role"]["Arn"]
    second = unique("second")
    iam.create_role(
        RoleName=second, AssumeRolePolicyDocument=trust(first_arn), MaxSessionDuration=7200
    )
    second_arn = iam.get_role(RoleName=second)["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=first,
        PolicyName="chain",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [allow("sts:AssumeRole")]}
        ),
    )
    session = session_credentials(
        alice.client(server, "sts").assume_role(RoleArn=first_arn, RoleSessionName="one")
    )
    sts = session.client(server, "sts")
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=second_arn, RoleSessionName="two", DurationSeconds=3601)
    assert error_of(excinfo)[:2] == (
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
        "role chaining.",
    )
    chained = session_credentials(sts.assume_role(RoleArn=second_arn, RoleSessionName="two"))
    assert chained.client(server, "sts").get_caller_identity()["Arn"] == chained.arn


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"RoleSessionName": "has space"}, "ValidationError"),
        ({"RoleSessionName": "x"}, "ValidationError"),
        ({"Policy": '{"Statement": []}'}, "ValidationError"),
        ({"PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]}, "ValidationError"),
    ],
)
def test_bad_assume_role_input(
    iam: Any, server: Server, unique: Callable[[str], str], params: dict[str, Any], code: str
) -> None:
    alice = new_user(iam, unique("alice"))
    role_arn = role_for(iam, unique("strict"), alice.arn)
    kwargs = {"RoleArn": role_arn, "RoleSessionName": "ok", **params}
    with pytest.raises(ClientError) as excinfo:
        alice.client(server, "sts", validate=False).assume_role(**kwargs)
    assert error_of(excinfo)[0] == code and error_of(excinfo)[2] == 400


def test_assume_role_through_the_cli(
    iam: Any, server: Server, tmp_path: Path, unique: Callable[[str], str]
) -> None:
    alice = new_user(iam, unique("alice"))
    role_name = unique("clirole")
    role_arn = role_for(iam, role_name, alice.arn)
    done = aws_as(
        server,
        tmp_path,
        alice,
        "sts",
        "assume-role",
        "--role-arn",
        role_arn,
        "--role-session-name",
        "cli",
        "--duration-seconds",
        "900",
    )
    assert done.returncode == 0, done.stderr
    assumed = json.loads(done.stdout)
    session = session_credentials(assumed)
    who = aws_as(server, tmp_path, session, "sts", "get-caller-identity")
    assert who.returncode == 0, who.stderr
    assert json.loads(who.stdout)["Arn"] == (
        f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/cli"
    )
    refused = aws_as(
        server,
        tmp_path,
        alice,
        "sts",
        "assume-role",
        "--role-arn",
        role_arn + "-nope",
        "--role-session-name",
        "cli",
    )
    assert refused.returncode != 0 and "(AccessDenied)" in refused.stderr
