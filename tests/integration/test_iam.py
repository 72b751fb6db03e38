"""IAM through boto3 and the AWS CLI: users, access keys, inline policies, roles, with
AWS's codes, messages and HTTP statuses; every refusal changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import ACCESS_KEY_ID, ACCOUNT_ID, Server, start_server
from tests.integration.iam_helpers import (
    ALLOW_ALL,
    INVALID_TOKEN,
    Credentials,
    allow,
    aws_as,
    error_of,
    new_user,
    policy,
    trust,
)

READ_SECRETS = policy(allow("secretsmanager:GetSecretValue"))


@pytest.fixture
def iam(server: Server) -> Any:
    return server.client("us-east-1", service="iam")


def user_names(iam: Any, prefix: str = "/") -> list[str]:
    return [u["UserName"] for u in iam.list_users(PathPrefix=prefix, MaxItems=1000)["Users"]]


# --- users ----------------------------------------------------------------------------


def test_user_lifecycle(iam: Any, unique: Callable[[str], str]) -> None:
    name = unique("alice")
    created = iam.create_user(
        UserName=name, Path="/engineering/", Tags=[{"Key": "team", "Value": "db"}]
    )["User"]
    assert created["UserName"] == name and created["Path"] == "/engineering/"
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/engineering/{name}"
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    assert created["Tags"] == [{"Key": "team", "Value": "db"}]
    got = iam.get_user(UserName=name.upper())["User"]  # names ignore case
    assert got == created
    assert name in user_names(iam, "/engineering/")
    assert name not in user_names(iam, "/sales/")
    listed = next(u for u in iam.list_users()["Users"] if u["UserName"] == name)
    assert "Tags" not in listed and listed["Arn"] == created["Arn"]
    iam.delete_user(UserName=name)
    with pytest.raises(ClientError) as excinfo:
        iam.get_user(UserName=name)
    assert error_of(excinfo) == ("NoSuchEntity", f"The user with name {name} cannot be found.", 404)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName=name)
    assert error_of(excinfo)[0] == "NoSuchEntity"


def test_user_names_are_unique_ignoring_case(iam: Any, unique: Callable[[str], str]) -> None:
    name = unique("bob")
    first = iam.create_user(UserName=name)["User"]
    for again in (name, name.upper()):
        with pytest.raises(ClientError) as excinfo:
            iam.create_user(UserName=again, Path="/other/")
        assert error_of(excinfo) == (
            "EntityAlreadyExists",
            f"User with name {again} already exists.",
            409,
        )
    assert iam.get_user(UserName=name)["User"] == first


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"UserName": "bad name"},
            "1 validation error detected: Value 'bad name' at 'userName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        ),
        (
            {"UserName": "x" * 65},
            f"1 validation error detected: Value '{'x' * 65}' at 'userName' failed to satisfy "
            "constraint: Member must have length less than or equal to 64",
        ),
        (
            {"UserName": "pathless", "Path": "no-slashes"},
            "1 validation error detected: Value 'no-slashes' at 'path' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
        ),
    ],
)
def test_bad_user_input_changes_nothing(iam: Any, params: dict[str, Any], message: str) -> None:
    before = user_names(iam)
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(**params)
    assert error_of(excinfo) == ("ValidationError", message, 400)
    assert user_names(iam) == before


def test_duplicate_tag_keys_and_boundaries_are_refused(
    iam: Any, unique: Callable[[str], str]
) -> None:
    name = unique("tagged")
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(
            UserName=name, Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}]
        )
    assert error_of(excinfo) == (
        "InvalidInput",
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
        400,
    )
    boundary = f"arn:aws:iam::{ACCOUNT_ID}:policy/boundary"
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(UserName=name, PermissionsBoundary=boundary)
    assert error_of(excinfo) == (
        "NoSuchEntity",
        f"Scope ARN: {boundary} does not exist or is not attachable.",
        404,
    )
    assert name not in user_names(iam)


def test_get_user_without_a_name_is_the_caller(
    iam: Any, server: Server, unique: Callable[[str], str]
) -> None:
    root = iam.get_user()["User"]
    assert root["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert root["UserId"] == ACCOUNT_ID and "UserName" not in root
    name = unique("self")
    alice = new_user(iam, name, allow("iam:GetUser"))
    mine = alice.client(server, "iam").get_user()["User"]
    assert mine["UserName"] == name and mine["Arn"] == alice.arn


def test_users_scroll_in_pages(iam: Any, unique: Callable[[str], str]) -> None:
    path = f"/{unique('paged')}/"
    names = sorted(unique("p") for _ in range(5))
    for name in names:
        iam.create_user(UserName=name, Path=path)
    seen: list[str] = []
    kwargs: dict[str, Any] = {"PathPrefix": path, "MaxItems": 2}
    while True:
        listed = iam.list_users(**kwargs)
        seen += [u["UserName"] for u in listed["Users"]]
        if not listed["IsTruncated"]:
            break
        kwargs["Marker"] = listed["Marker"]
    assert seen == names
    paginated = iam.get_paginator("list_users").paginate(PathPrefix=path, MaxItems=3)
    assert [u["UserName"] for u in paginated.build_full_result()["Users"]] == names


# --- access keys ----------------------------------------------------------------------


def test_access_keys_at_most_two(iam: Any, unique: Callable[[str], str]) -> None:
    name = unique("keys")
    iam.create_user(UserName=name)
    keys = [iam.create_access_key(UserName=name)["AccessKey"] for _ in range(2)]
    for key in keys:
        assert key["UserName"] == name and key["Status"] == "Active"
        assert key["AccessKeyId"].startswith("AKIA") and len(key["AccessKeyId"]) == 20
        assert len(key["SecretAccessKey"]) == 40
    with pytest.raises(ClientError) as excinfo:
        iam.create_access_key(UserName=name)
    assert error_of(excinfo) == (
        "LimitExceeded",
        "Cannot exceed quota for AccessKeysPerUser: 2",
        409,
    )
    listed = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert sorted(k["AccessKeyId"] for k in listed) == sorted(k["AccessKeyId"] for k in keys)
    assert all(set(k) == {"UserName", "AccessKeyId", "Status", "CreateDate"} for k in listed)
    iam.update_access_key(UserName=name, AccessKeyId=keys[0]["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as excinfo:
        iam.create_access_key(UserName=name)  # inactive keys count
    assert error_of(excinfo)[0] == "LimitExceeded"


def test_a_new_users_key_authenticates(
    iam: Any, server: Server, unique: Callable[[str], str]
) -> None:
    name = unique("carol")
    carol = new_user(iam, name)
    identity = carol.client(server, "sts").get_caller_identity()
    user = iam.get_user(UserName=name)["User"]
    assert (identity["Arn"], identity["UserId"], identity["Account"]) == (
        f"arn:aws:iam::{ACCOUNT_ID}:user/{name}",
        user["UserId"],
        ACCOUNT_ID,
    )
    assert carol.client(server, "sts", "eu-west-3").get_caller_identity()["Arn"] == carol.arn


def test_inactive_or_deleted_keys_are_refused_at_once(
    iam: Any, server: Server, unique: Callable[[str], str]
) -> None:
    name = unique("dave")
    dave = new_user(iam, name)
    sts = dave.client(server, "sts")
    sm = dave.client(server, "secretsmanager")
    assert sts.get_caller_identity()["Arn"] == dave.arn
    iam.update_access_key(UserName=name, AccessKeyId=dave.access_key_id, Status="Inactive")
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"][0]["Status"] == "Inactive"
    with pytest.raises(ClientError) as excinfo:
        sts.get_caller_identity()
    assert error_of(excinfo) == ("InvalidClientTokenId", INVALID_TOKEN, 403)
    with pytest.raises(ClientError) as excinfo:
        sm.list_secrets()
    assert error_of(excinfo) == ("UnrecognizedClientException", INVALID_TOKEN, 400)
    iam.update_access_key(UserName=name, AccessKeyId=dave.access_key_id, Status="Active")
    assert sts.get_caller_identity()["Arn"] == dave.arn
    iam.delete_access_key(UserName=name, AccessKeyId=dave.access_key_id)
    with pytest.raises(ClientError) as excinfo:
        sts.get_caller_identity()
    assert error_of(excinfo) == ("InvalidClientTokenId", INVALID_TOKEN, 403)
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"] == []
    missing = f"The Access Key with id {dave.access_key_id} cannot be found."
    with pytest.raises(ClientError) as excinfo:
        iam.delete_access_key(UserName=name, AccessKeyId=dave.access_key_id)
    assert error_of(excinfo) == ("NoSuchEntity", missing, 404)
    with pytest.raises(ClientError) as excinfo:
        iam.update_access_key(UserName=name, AccessKeyId=dave.access_key_id, Status="Active")
    assert error_of(excinfo) == ("NoSuchEntity", missing, 404)


def test_keys_belong_to_their_user(iam: Any, unique: Callable[[str], str]) -> None:
    owner, other = unique("owner"), unique("other")
    iam.create_user(UserName=owner)
    iam.create_user(UserName=other)
    key = iam.create_access_key(UserName=owner)["AccessKey"]["AccessKeyId"]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_access_key(UserName=other, AccessKeyId=key)
    assert error_of(excinfo) == (
        "NoSuchEntity",
        f"The Access Key with id {key} cannot be found.",
        404,
    )
    with pytest.raises(ClientError) as excinfo:
        iam.update_access_key(UserName=owner, AccessKeyId=key, Status="Expired")
    assert error_of(excinfo)[0] == "ValidationError"
    assert iam.list_access_keys(UserName=owner)["AccessKeyMetadata"][0]["Status"] == "Active"
    with pytest.raises(ClientError) as excinfo:
        iam.create_access_key(UserName=unique("nobody"))
    assert error_of(excinfo)[0] == "NoSuchEntity"


def test_the_roots_own_keys(iam: Any) -> None:
    listed = iam.list_access_keys()["AccessKeyMetadata"]
    assert ACCESS_KEY_ID in [k["AccessKeyId"] for k in listed]
    assert all("UserName" not in k for k in listed)


def test_user_keys_stay_in_their_partition(server: Server, unique: Callable[[str], str]) -> None:
    iam = server.client("us-east-1", service="iam")
    eve = new_user(iam, unique("eve"))
    for region in ("cn-north-1", "us-gov-west-1"):
        with pytest.raises(ClientError) as excinfo:
            eve.client(server, "sts", region).get_caller_identity()
        assert error_of(excinfo) == ("InvalidClientTokenId", INVALID_TOKEN, 403)
        with pytest.raises(ClientError) as excinfo:
            eve.client(server, "secretsmanager", region).list_secrets()
        assert error_of(excinfo) == ("UnrecognizedClientException", INVALID_TOKEN, 400)


def test_each_partition_has_its_own_users(server: Server, unique: Callable[[str], str]) -> None:
    name = unique("twin")
    aws_iam = server.client("us-east-1", service="iam")
    cn_iam = server.client("cn-north-1", service="iam")
    aws_user = aws_iam.create_user(UserName=name)["User"]
    cn_user = cn_iam.create_user(UserName=name)["User"]
    assert cn_user["Arn"] == f"arn:aws-cn:iam::{ACCOUNT_ID}:user/{name}"
    assert aws_user["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"
    assert cn_user["UserId"] != aws_user["UserId"]
    key = cn_iam.create_access_key(UserName=name)["AccessKey"]
    cn = Credentials(key["AccessKeyId"], key["SecretAccessKey"])
    assert cn.client(server, "sts", "cn-northwest-1").get_caller_identity()["Arn"] == cn_user["Arn"]
    with pytest.raises(ClientError):
        cn.client(server, "sts", "us-east-1").get_caller_identity()
    cn_iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    cn_iam.delete_user(UserName=name)
    assert aws_iam.get_user(UserName=name)["User"] == aws_user


def test_delete_user_refuses_while_it_has_keys_or_policies(
    iam: Any, unique: Callable[[str], str]
) -> None:
    name = unique("frank")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    iam.put_user_policy(UserName=name, PolicyName="read", PolicyDocument=READ_SECRETS)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName=name)
    assert error_of(excinfo) == (
        "DeleteConflict",
        "Cannot delete entity, must delete access keys first.",
        409,
    )
    iam.delete_access_key(UserName=name, AccessKeyId=key)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName=name)
    assert error_of(excinfo) == (
        "DeleteConflict",
        "Cannot delete entity, must delete policies first.",
        409,
    )
    assert iam.get_user(UserName=name)["User"]["UserName"] == name
    iam.delete_user_policy(UserName=name, PolicyName="read")
    iam.delete_user(UserName=name)
    assert name not in user_names(iam)


# --- inline user policies -------------------------------------------------------------


def test_user_policies(iam: Any, unique: Callable[[str], str]) -> None:
    name = unique("grace")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="read", PolicyDocument=READ_SECRETS)
    iam.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=json.dumps(ALLOW_ALL))
    got = iam.get_user_policy(UserName=name, PolicyName="read")
    assert got["UserName"] == name and got["PolicyName"] == "read"
    assert got["PolicyDocument"] == json.loads(READ_SECRETS)  # botocore decodes it
    assert iam.list_user_policies(UserName=name)["PolicyNames"] == ["all", "read"]
    replaced = policy(allow("secretsmanager:ListSecrets"))
    iam.put_user_policy(UserName=name, PolicyName="read", PolicyDocument=replaced)
    document = iam.get_user_policy(UserName=name, PolicyName="read")["PolicyDocument"]
    assert document == json.loads(replaced)
    iam.delete_user_policy(UserName=name, PolicyName="read")
    assert iam.list_user_policies(UserName=name)["PolicyNames"] == ["all"]
    with pytest.raises(ClientError) as excinfo:
        iam.get_user_policy(UserName=name, PolicyName="read")
    assert error_of(excinfo) == (
        "NoSuchEntity",
        "The user policy with name read cannot be found.",
        404,
    )
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user_policy(UserName=name, PolicyName="read")
    assert error_of(excinfo)[0] == "NoSuchEntity"
    missing = unique("nobody")
    with pytest.raises(ClientError) as excinfo:
        iam.put_user_policy(UserName=missing, PolicyName="p", PolicyDocument=READ_SECRETS)
    assert error_of(excinfo) == (
        "NoSuchEntity",
        f"The user with name {missing} cannot be found.",
        404,
    )


def test_policy_documents_travel_url_encoded(
    iam: Any, server: Server, unique: Callable[[str], str]
) -> None:
    name = unique("raw")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="read", PolicyDocument=READ_SECRETS)
    bodies: list[bytes] = []
    raw = server.client("us-east-1", service="iam")
    raw.meta.events.register(
        "after-call.iam.GetUserPolicy",
        lambda http_response, **_: bodies.append(http_response.content),
    )
    raw.get_user_policy(UserName=name, PolicyName="read")
    assert b"<PolicyDocument>%7B%22Version%22%3A%20%222012-10-17%22%2C" in bodies[0]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "Syntax errors in policy."),
        (
            policy({**allow("s3:*"), "Principal": "*"}),
            "Policy document should not specify a principal.",
        ),
        (policy({"Effect": "Allow", "Action": "s3:*"}), "Policy statement must contain resources."),
        (policy({"Effect": "Allow", "Resource": "*"}), "Policy statement must contain actions."),
        (policy({**allow("s3:*"), "Effect": "Perhaps"}), "Syntax errors in policy."),
    ],
)
def test_malformed_policies_change_nothing(
    iam: Any, unique: Callable[[str], str], document: str, message: str
) -> None:
    name = unique("mal")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=READ_SECRETS)
    with pytest.raises(ClientError) as excinfo:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=document)
    assert error_of(excinfo) == ("MalformedPolicyDocument", message, 400)
    assert iam.get_user_policy(UserName=name, PolicyName="p")["PolicyDocument"] == json.loads(
        READ_SECRETS
    )


def test_inline_policy_quota(iam: Any, unique: Callable[[str], str]) -> None:
    name = unique("big")
    iam.create_user(UserName=name)
    half = policy({**allow("s3:GetObject"), "Sid": "x" * 900})
    iam.put_user_policy(UserName=name, PolicyName="a", PolicyDocument=half)
    iam.put_user_policy(UserName=name, PolicyName="a", PolicyDocument=half)  # a replacement
    iam.put_user_policy(UserName=name, PolicyName="b", PolicyDocument=half)
    with pytest.raises(ClientError) as excinfo:
        iam.put_user_policy(UserName=name, PolicyName="c", PolicyDocument=half)
    assert error_of(excinfo) == (
        "LimitExceeded",
        f"Maximum policy size of 2048 bytes exceeded for user {name}",
        409,
    )
    assert iam.list_user_policies(UserName=name)["PolicyNames"] == ["a", "b"]


# --- roles ----------------------------------------------------------------------------


def test_role_lifecycle(iam: Any, unique: Callable[[str], str]) -> None:
    name = unique("reader")
    document = trust(f"arn:aws:iam::{ACCOUNT_ID}:root")
    role = iam.create_role(
        RoleName=name,
        Path="/apps/",
        AssumeRolePolicyDocument=document,
        Description="reads secrets",
        MaxSessionDuration=7200,
        Tags=[{"Key": "app", "Value": "db"}],
    )["Role"]
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/apps/{name}"
    assert role["RoleId"].startswith("AROA") and len(role["RoleId"]) == 21
    assert role["AssumeRolePolicyDocument"] == json.loads(document)
    assert (role["Description"], role["MaxSessionDuration"]) == ("reads secrets", 7200)
    assert role["Tags"] == [{"Key": "app", "Value": "db"}]
    assert iam.get_role(RoleName=name.upper())["Role"] == role
    listed = iam.list_roles(PathPrefix="/apps/")["Roles"]
    assert name in [r["RoleName"] for r in listed]
    assert name not in [r["RoleName"] for r in iam.list_roles(PathPrefix="/other/")["Roles"]]
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=document)
    assert error_of(excinfo) == (
        "EntityAlreadyExists",
        f"Role with name {name} already exists.",
        409,
    )
    iam.put_role_policy(RoleName=name, PolicyName="read", PolicyDocument=READ_SECRETS)
    got = iam.get_role_policy(RoleName=name, PolicyName="read")
    assert (got["RoleName"], got["PolicyName"]) == (name, "read")
    assert got["PolicyDocument"] == json.loads(READ_SECRETS)
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == ["read"]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_role(RoleName=name)
    assert error_of(excinfo) == (
        "DeleteConflict",
        "Cannot delete entity, must delete policies first.",
        409,
    )
    iam.delete_role_policy(RoleName=name, PolicyName="read")
    with pytest.raises(ClientError) as excinfo:
        iam.get_role_policy(RoleName=name, PolicyName="read")
    assert error_of(excinfo) == (
        "NoSuchEntity",
        "The role policy with name read cannot be found.",
        404,
    )
    iam.delete_role(RoleName=name)
    with pytest.raises(ClientError) as excinfo:
        iam.get_role(RoleName=name)
    assert error_of(excinfo) == ("NoSuchEntity", f"The role with name {name} cannot be found.", 404)


@pytest.mark.parametrize(
    ("document", "code", "message"),
    [
        ("[]", "MalformedPolicyDocument", "Syntax errors in policy."),
        (
            policy(
                {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"}
            ),
            "MalformedPolicyDocument",
            "Has prohibited field Resource",
        ),
        (
            policy({"Effect": "Allow", "Action": "sts:AssumeRole"}),
            "MalformedPolicyDocument",
            "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
            "The passed in policy has a statement with no principals!",
        ),
        (
            policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}),
            "MalformedPolicyDocument",
            "AssumeRole policy may only specify STS AssumeRole actions.",
        ),
        (
            trust("*", Sid="x" * 2100),
            "LimitExceeded",
            "Cannot exceed quota for ACLSizePerRole: 2048",
        ),
    ],
)
def test_bad_trust_policies_change_nothing(
    iam: Any, unique: Callable[[str], str], document: str, code: str, message: str
) -> None:
    name = unique("untrusted")
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=document)
    assert error_of(excinfo)[:2] == (code, message)
    assert name not in [r["RoleName"] for r in iam.list_roles(MaxItems=1000)["Roles"]]


def test_role_session_duration_bounds(iam: Any, unique: Callable[[str], str]) -> None:
    name = unique("long")
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=trust("*"), MaxSessionDuration=43201
        )
    assert error_of(excinfo) == (
        "ValidationError",
        "1 validation error detected: Value '43201' at 'maxSessionDuration' failed to satisfy "
        "constraint: Member must have value less than or equal to 43200",
        400,
    )
    assert (
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust("*"))["Role"][
            "MaxSessionDuration"
        ]
        == 3600
    )


# --- the AWS CLI ----------------------------------------------------------------------


def test_the_cli(
    aws: Callable[..., Any], server: Server, tmp_path: Path, unique: Callable[[str], str]
) -> None:
    name = unique("cli")
    user = json.loads(aws("iam", "create-user", "--user-name", name).stdout)["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"
    key = json.loads(aws("iam", "create-access-key", "--user-name", name).stdout)["AccessKey"]
    document = tmp_path / "policy.json"
    document.write_text(json.dumps({"Version": "2012-10-17", "Statement": [allow("sts:*")]}))
    aws(
        "iam",
        "put-user-policy",
        "--user-name",
        name,
        "--policy-name",
        "sts",
        "--policy-document",
        f"file://{document}",
    )
    got = json.loads(
        aws("iam", "get-user-policy", "--user-name", name, "--policy-name", "sts").stdout
    )
    assert got["PolicyDocument"] == json.loads(document.read_text())
    listed = json.loads(aws("iam", "list-users").stdout)["Users"]
    assert name in [u["UserName"] for u in listed]
    mine = Credentials(key["AccessKeyId"], key["SecretAccessKey"])
    identity = aws_as(server, tmp_path, mine, "sts", "get-caller-identity")
    assert identity.returncode == 0, identity.stderr
    assert json.loads(identity.stdout)["Arn"] == user["Arn"]
    failed = aws("iam", "get-user", "--user-name", unique("nobody"), check=False)
    assert failed.returncode != 0 and "(NoSuchEntity)" in failed.stderr
    aws("iam", "delete-user-policy", "--user-name", name, "--policy-name", "sts")
    aws("iam", "delete-access-key", "--user-name", name, "--access-key-id", key["AccessKeyId"])
    aws("iam", "delete-user", "--user-name", name)


def test_the_root_may_replace_the_bootstrap_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = start_server(data)
    try:
        iam = server.client("us-east-1", service="iam")
        fresh = iam.create_access_key()["AccessKey"]
        assert "UserName" not in fresh and fresh["AccessKeyId"].startswith("AKIA")
        with pytest.raises(ClientError) as excinfo:
            iam.create_access_key()  # the bootstrap key and this one: two
        assert error_of(excinfo)[0] == "LimitExceeded"
        root = Credentials(fresh["AccessKeyId"], fresh["SecretAccessKey"])
        root_iam = root.client(server, "iam")
        root_iam.delete_access_key(AccessKeyId=ACCESS_KEY_ID)
        with pytest.raises(ClientError) as excinfo:
            iam.list_access_keys()
        assert error_of(excinfo) == ("InvalidClientTokenId", INVALID_TOKEN, 403)
        identity = root.client(server, "sts", "cn-north-1").get_caller_identity()
        assert identity["Arn"] == f"arn:aws-cn:iam::{ACCOUNT_ID}:root"
    finally:
        server.stop()
    assert (data / "credentials").exists()
    server = start_server(data)  # starts without its bootstrap key
    try:
        assert not (data / "credentials").exists()
        listed = root.client(server, "iam").list_access_keys()["AccessKeyMetadata"]
        assert [k["AccessKeyId"] for k in listed] == [fresh["AccessKeyId"]]
    finally:
        server.stop()
