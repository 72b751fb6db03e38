"""Identity policies in force: IAM users and assumed roles may do what their inline
policies allow and nothing else, as on AWS (explicit deny first, then allow)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import ACCOUNT_ID, Server
from tests.integration.iam_helpers import (
    allow,
    error_of,
    new_user,
    policy,
    session_credentials,
    trust,
)


@pytest.fixture
def iam(server: Server) -> Any:
    return server.client("us-east-1", service="iam")


def no_policy_allows(arn: str, action: str, resource: str) -> str:
    return (
        f"User: {arn} is not authorized to perform: {action} on resource: {resource} "
        f"because no identity-based policy allows the {action} action"
    )


def test_a_user_without_policies_may_do_nothing(
    iam: Any, server: Server, unique: Callable[[str], str]
) -> None:
    nobody = new_user(iam, unique("nobody"))
    with pytest.raises(ClientError) as excinfo:
        nobody.client(server, "secretsmanager").list_secrets()
    assert error_of(excinfo) == (
        "AccessDeniedException",
        no_policy_allows(nobody.arn, "secretsmanager:ListSecrets", "*"),
        400,
    )
    target = unique("victim")
    with pytest.raises(ClientError) as excinfo:
        nobody.client(server, "iam").create_user(UserName=target)
    assert error_of(excinfo) == (
        "AccessDenied",
        no_policy_allows(nobody.arn, "iam:CreateUser", f"arn:aws:iam::{ACCOUNT_ID}:user/{target}"),
        403,
    )
    with pytest.raises(ClientError) as excinfo:
        iam.get_user(UserName=target)
    assert error_of(excinfo)[0] == "NoSuchEntity"
    with pytest.raises(ClientError) as excinfo:
        nobody.client(server, "iam").get_user()  # even about itself
    assert error_of(excinfo)[0] == "AccessDenied"


def test_a_policy_allows_what_it_names_and_no_more(
    iam: Any, server: Server, unique: Callable[[str], str]
) -> None:
    reader = new_user(iam, unique("reader"), allow("secretsmanager:ListSecrets"))
    sm = reader.client(server, "secretsmanager")
    assert "SecretList" in sm.list_secrets()
    with pytest.raises(ClientError) as excinfo:
        sm.create_secret(Name=unique("nope"), SecretString="x")
    assert error_of(excinfo)[0] == "AccessDeniedException"


def test_an_explicit_deny_wins(iam: Any, server: Server, unique: Callable[[str], str]) -> None:
    name = unique("denied")
    user = new_user(iam, name, allow("secretsmanager:*"))
    deny = {"Effect": "Deny", "Action": "secretsmanager:ListSecrets", "Resource": "*"}
    iam.put_user_policy(UserName=name, PolicyName="deny", PolicyDocument=policy(deny))
    with pytest.raises(ClientError) as excinfo:
        user.client(server, "secretsmanager").list_secrets()
    assert error_of(excinfo) == (
        "AccessDeniedException",
        f"User: {user.arn} is not authorized to perform: secretsmanager:ListSecrets on "
        "resource: * with an explicit deny in an identity-based policy",
        400,
    )
    iam.delete_user_policy(UserName=name, PolicyName="deny")
    assert "SecretList" in user.client(server, "secretsmanager").list_secrets()


def test_policy_variables(iam: Any, server: Server, sm: Any, unique: Callable[[str], str]) -> None:
    name = unique("owner")
    own = sm.create_secret(Name=f"{name}/db", SecretString="mine")["ARN"]
    other = sm.create_secret(Name=f"{unique('other')}/db", SecretString="theirs")["ARN"]
    resource = "arn:aws:secretsmanager:*:*:secret:${aws:username}/*"
    user = new_user(iam, name, allow("secretsmanager:GetSecretValue", resource))
    client = user.client(server, "secretsmanager")
    assert client.get_secret_value(SecretId=own)["SecretString"] == "mine"
    with pytest.raises(ClientError) as excinfo:
        client.get_secret_value(SecretId=other)
    assert error_of(excinfo)[0] == "AccessDeniedException"


def test_an_assumed_role_has_its_roles_policies(
    iam: Any, server: Server, unique: Callable[[str], str]
) -> None:
    alice = new_user(iam, unique("alice"))
    role_name = unique("lister")
    role_arn = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=trust(alice.arn))[
        "Role"
    ]["Arn"]
    session = session_credentials(
        alice.client(server, "sts").assume_role(RoleArn=role_arn, RoleSessionName="s1")
    )
    sm = session.client(server, "secretsmanager")
    with pytest.raises(ClientError) as excinfo:
        sm.list_secrets()
    assert error_of(excinfo) == (
        "AccessDeniedException",
        no_policy_allows(session.arn, "secretsmanager:ListSecrets", "*"),
        400,
    )
    iam.put_role_policy(
        RoleName=role_name,
        PolicyName="list",
        PolicyDocument=policy(allow("secretsmanager:ListSecrets")),
    )
    assert "SecretList" in sm.list_secrets()  # at once, for the running session
    iam.delete_role_policy(RoleName=role_name, PolicyName="list")
    with pytest.raises(ClientError):
        sm.list_secrets()


def test_a_trust_policy_naming_the_account_needs_the_callers_permission(
    iam: Any, server: Server, unique: Callable[[str], str]
) -> None:
    role_arn = iam.create_role(
        RoleName=unique("delegated"), AssumeRolePolicyDocument=trust(ACCOUNT_ID)
    )["Role"]["Arn"]
    bare = new_user(iam, unique("bare"))
    with pytest.raises(ClientError) as excinfo:
        bare.client(server, "sts").assume_role(RoleArn=role_arn, RoleSessionName="s1")
    code, message, status = error_of(excinfo)
    assert (code, status) == ("AccessDenied", 403)
    assert message.startswith(
        f"User: {bare.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    )
    allowed = new_user(iam, unique("allowed"), allow("sts:AssumeRole", role_arn))
    allowed.client(server, "sts").assume_role(RoleArn=role_arn, RoleSessionName="s1")
