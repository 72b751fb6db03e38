"""TagResource/UntagResource, resource policies and GetRandomPassword, as AWS answers them.

Every refused call is followed by a read-back: a refusal changes nothing.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from typing import Any

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from tests.conftest import ACCESS_KEY_ID, SECRET_ACCESS_KEY, Server

Unique = Callable[[str], str]

ACCOUNT_ROOT = "arn:aws:iam::111122223333:root"
PUNCTUATION = string.punctuation  # !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
MARKED_FOR_DELETION = (
    "You can't perform this operation on the secret because it was marked for deletion."
)


def _no_500(http_response: Any, **_: Any) -> None:
    assert http_response.status_code < 500, f"server answered {http_response.status_code}"


@pytest.fixture
def raw(server: Server) -> Any:
    """A client that skips botocore's own parameter checks, so the server sees bad input."""
    client = boto3.client(
        "secretsmanager",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
        config=botocore.config.Config(
            retries={"max_attempts": 1, "mode": "standard"}, parameter_validation=False
        ),
    )
    client.meta.events.register("after-call", _no_500)
    return client


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    err = exc.value.response["Error"]
    return err["Code"], err.get("Message", "")


def status_of(exc: pytest.ExceptionInfo[ClientError]) -> int:
    return int(exc.value.response["ResponseMetadata"]["HTTPStatusCode"])


def tags_of(sm: Any, secret_id: str) -> dict[str, str]:
    described = sm.describe_secret(SecretId=secret_id)
    return {tag["Key"]: tag["Value"] for tag in described.get("Tags", [])}


def policy(principal: Any = None, effect: str = "Allow") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": effect,
                    "Principal": principal if principal is not None else {"AWS": ACCOUNT_ROOT},
                    "Action": "secretsmanager:GetSecretValue",
                    "Resource": "*",
                }
            ],
        }
    )


def stored_policy(sm: Any, secret_id: str) -> str | None:
    got: str | None = sm.get_resource_policy(SecretId=secret_id).get("ResourcePolicy")
    return got


# --- tags ----------------------------------------------------------------------------------


def test_tag_add_overwrite_and_remove(sm: Any, unique: Unique) -> None:
    name = unique("tags/basic")
    sm.create_secret(Name=name, SecretString="v", Tags=[{"Key": "team", "Value": "core"}])
    assert tags_of(sm, name) == {"team": "core"}

    response = sm.tag_resource(
        SecretId=name, Tags=[{"Key": "env", "Value": "prod"}, {"Key": "tier", "Value": ""}]
    )
    assert set(response) == {"ResponseMetadata"}
    assert tags_of(sm, name) == {"team": "core", "env": "prod", "tier": ""}

    sm.tag_resource(SecretId=name, Tags=[{"Key": "team", "Value": "platform"}])
    assert tags_of(sm, name) == {"team": "platform", "env": "prod", "tier": ""}

    response = sm.untag_resource(SecretId=name, TagKeys=["env", "tier"])
    assert set(response) == {"ResponseMetadata"}
    assert tags_of(sm, name) == {"team": "platform"}

    # removing a key the secret does not have is not an error
    sm.untag_resource(SecretId=name, TagKeys=["never-there"])
    assert tags_of(sm, name) == {"team": "platform"}

    sm.untag_resource(SecretId=name, TagKeys=["team"])
    assert tags_of(sm, name) == {}


def test_tag_by_arn_shows_in_describe_and_list(sm: Any, unique: Unique) -> None:
    name = unique("tags/arn")
    arn = sm.create_secret(Name=name, SecretString="v")["ARN"]
    sm.tag_resource(SecretId=arn, Tags=[{"Key": "Owner", "Value": "Alice"}])
    assert sm.describe_secret(SecretId=name)["Tags"] == [{"Key": "Owner", "Value": "Alice"}]
    (entry,) = sm.list_secrets(Filters=[{"Key": "name", "Values": [name]}])["SecretList"]
    assert entry["Tags"] == [{"Key": "Owner", "Value": "Alice"}]


def test_fifty_tags_are_allowed(sm: Any, unique: Unique) -> None:
    name = unique("tags/fifty")
    sm.create_secret(Name=name, SecretString="v")
    sm.tag_resource(SecretId=name, Tags=[{"Key": f"k{i}", "Value": f"v{i}"} for i in range(50)])
    assert len(tags_of(sm, name)) == 50


def test_fifty_one_tags_are_refused_and_change_nothing(sm: Any, unique: Unique) -> None:
    name = unique("tags/toomany")
    sm.create_secret(Name=name, SecretString="v", Tags=[{"Key": "keep", "Value": "me"}])
    with pytest.raises(ClientError) as exc:
        sm.tag_resource(SecretId=name, Tags=[{"Key": f"k{i}", "Value": f"v{i}"} for i in range(51)])
    assert status_of(exc) == 400
    assert tags_of(sm, name) == {"keep": "me"}


def test_aws_prefixed_tag_key_is_refused_and_changes_nothing(sm: Any, unique: Unique) -> None:
    name = unique("tags/reserved")
    sm.create_secret(Name=name, SecretString="v", Tags=[{"Key": "keep", "Value": "me"}])
    with pytest.raises(ClientError) as exc:
        sm.tag_resource(
            SecretId=name,
            Tags=[{"Key": "fine", "Value": "x"}, {"Key": "aws:reserved", "Value": "x"}],
        )
    assert status_of(exc) == 400
    assert error_of(exc)[0] in {
        "InvalidParameterException",
        "ValidationException",
        "InvalidRequestException",
    }
    assert tags_of(sm, name) == {"keep": "me"}


def test_tag_key_longer_than_128_is_a_validation_error(sm: Any, unique: Unique) -> None:
    name = unique("tags/longkey")
    sm.create_secret(Name=name, SecretString="v", Tags=[{"Key": "keep", "Value": "me"}])
    sm.tag_resource(SecretId=name, Tags=[{"Key": "k" * 128, "Value": "ok"}])
    with pytest.raises(ClientError) as exc:
        sm.tag_resource(SecretId=name, Tags=[{"Key": "x" * 129, "Value": "v"}])
    assert error_of(exc)[0] == "ValidationException"
    assert tags_of(sm, name) == {"keep": "me", "k" * 128: "ok"}


def test_tagging_a_secret_scheduled_for_deletion(sm: Any, unique: Unique) -> None:
    name = unique("tags/deleted")
    sm.create_secret(Name=name, SecretString="v", Tags=[{"Key": "keep", "Value": "me"}])
    sm.delete_secret(SecretId=name, RecoveryWindowInDays=7)

    with pytest.raises(ClientError) as exc:
        sm.tag_resource(SecretId=name, Tags=[{"Key": "new", "Value": "x"}])
    assert error_of(exc) == ("InvalidRequestException", MARKED_FOR_DELETION)

    with pytest.raises(ClientError) as exc:
        sm.untag_resource(SecretId=name, TagKeys=["keep"])
    assert error_of(exc) == ("InvalidRequestException", MARKED_FOR_DELETION)

    assert tags_of(sm, name) == {"keep": "me"}
    sm.restore_secret(SecretId=name)
    assert tags_of(sm, name) == {"keep": "me"}


def test_tagging_a_missing_secret(sm: Any, unique: Unique) -> None:
    with pytest.raises(ClientError) as exc:
        sm.tag_resource(SecretId=unique("tags/missing"), Tags=[{"Key": "k", "Value": "v"}])
    assert error_of(exc)[0] == "ResourceNotFoundException"


# --- resource policies ---------------------------------------------------------------------


def test_put_get_list_delete_resource_policy(sm: Any, unique: Unique) -> None:
    name = unique("policy/basic")
    arn = sm.create_secret(Name=name, SecretString="v")["ARN"]

    empty = sm.get_resource_policy(SecretId=name)
    assert empty["ARN"] == arn
    assert empty["Name"] == name
    assert "ResourcePolicy" not in empty
    assert sm.list_resource_policies(SecretId=name)["ResourcePolicies"] == []

    document = policy()
    put = sm.put_resource_policy(SecretId=name, ResourcePolicy=document)
    assert put["ARN"] == arn
    assert put["Name"] == name
    assert put["PolicyName"] == "default"

    got = sm.get_resource_policy(SecretId=arn)
    assert got["ARN"] == arn
    assert got["Name"] == name
    assert got["ResourcePolicy"] == document
    assert sm.list_resource_policies(SecretId=name)["ResourcePolicies"] == [
        {"PolicyName": "default"}
    ]

    deleted = sm.delete_resource_policy(SecretId=name)
    assert deleted["ARN"] == arn
    assert deleted["Name"] == name
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId=name)
    assert sm.list_resource_policies(SecretId=name)["ResourcePolicies"] == []


def test_put_resource_policy_with_explicit_default_name(sm: Any, unique: Unique) -> None:
    name = unique("policy/named")
    sm.create_secret(Name=name, SecretString="v")
    put = sm.put_resource_policy(SecretId=name, ResourcePolicy=policy(), PolicyName="default")
    assert put["PolicyName"] == "default"
    assert stored_policy(sm, name) is not None


def test_policy_name_other_than_default_is_refused(sm: Any, unique: Unique) -> None:
    name = unique("policy/othername")
    sm.create_secret(Name=name, SecretString="v")
    with pytest.raises(ClientError) as exc:
        sm.put_resource_policy(SecretId=name, ResourcePolicy=policy(), PolicyName="extra")
    assert error_of(exc)[0] == "InvalidParameterException"
    assert stored_policy(sm, name) is None
    assert sm.list_resource_policies(SecretId=name)["ResourcePolicies"] == []


def test_malformed_policy_is_refused_and_changes_nothing(sm: Any, unique: Unique) -> None:
    name = unique("policy/malformed")
    sm.create_secret(Name=name, SecretString="v")
    with pytest.raises(ClientError) as exc:
        sm.put_resource_policy(SecretId=name, ResourcePolicy='{"Version": "2012-10-17", ')
    assert error_of(exc)[0] == "MalformedPolicyDocumentException"
    assert stored_policy(sm, name) is None

    good = policy()
    sm.put_resource_policy(SecretId=name, ResourcePolicy=good)
    with pytest.raises(ClientError) as exc:
        sm.put_resource_policy(SecretId=name, ResourcePolicy="not json at all")
    assert error_of(exc)[0] == "MalformedPolicyDocumentException"
    assert json.loads(stored_policy(sm, name) or "null") == json.loads(good)


def test_block_public_policy_refuses_a_wildcard_principal(sm: Any, unique: Unique) -> None:
    name = unique("policy/public")
    sm.create_secret(Name=name, SecretString="v")
    with pytest.raises(ClientError) as exc:
        sm.put_resource_policy(SecretId=name, ResourcePolicy=policy("*"), BlockPublicPolicy=True)
    assert error_of(exc)[0] == "PublicPolicyException"
    assert stored_policy(sm, name) is None

    good = policy()
    sm.put_resource_policy(SecretId=name, ResourcePolicy=good, BlockPublicPolicy=True)
    with pytest.raises(ClientError) as exc:
        sm.put_resource_policy(
            SecretId=name, ResourcePolicy=policy({"AWS": "*"}), BlockPublicPolicy=True
        )
    assert error_of(exc)[0] == "PublicPolicyException"
    assert json.loads(stored_policy(sm, name) or "null") == json.loads(good)


def test_policy_longer_than_20480_characters(sm: Any, unique: Unique) -> None:
    name = unique("policy/long")
    sm.create_secret(Name=name, SecretString="v")
    good = policy()
    sm.put_resource_policy(SecretId=name, ResourcePolicy=good)
    base = policy()
    too_long = base[:-1] + " " * (20481 - len(base)) + "}"
    assert len(too_long) == 20481
    json.loads(too_long)
    with pytest.raises(ClientError) as exc:
        sm.put_resource_policy(SecretId=name, ResourcePolicy=too_long)
    assert error_of(exc)[0] == "ValidationException"
    assert json.loads(stored_policy(sm, name) or "null") == json.loads(good)


def test_resource_policy_on_a_missing_secret(sm: Any, unique: Unique) -> None:
    missing = unique("policy/missing")
    with pytest.raises(ClientError) as exc:
        sm.put_resource_policy(SecretId=missing, ResourcePolicy=policy())
    assert error_of(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        sm.get_resource_policy(SecretId=missing)
    assert error_of(exc)[0] == "ResourceNotFoundException"


def test_validate_a_good_policy(sm: Any, unique: Unique) -> None:
    got = sm.validate_resource_policy(ResourcePolicy=policy())
    assert got["PolicyValidationPassed"] is True
    assert got["ValidationErrors"] == []

    name = unique("policy/validate")
    sm.create_secret(Name=name, SecretString="v")
    got = sm.validate_resource_policy(SecretId=name, ResourcePolicy=policy())
    assert got["PolicyValidationPassed"] is True
    assert got["ValidationErrors"] == []
    # validating stores nothing
    assert stored_policy(sm, name) is None


def test_validate_a_public_policy(sm: Any) -> None:
    got = sm.validate_resource_policy(ResourcePolicy=policy("*"))
    assert got["PolicyValidationPassed"] is False
    assert got["ValidationErrors"]
    for finding in got["ValidationErrors"]:
        assert finding["CheckName"]
        assert finding["ErrorMessage"]


def test_validate_a_policy_with_bad_syntax(sm: Any) -> None:
    got = sm.validate_resource_policy(ResourcePolicy=policy(effect="Perhaps"))
    assert got["PolicyValidationPassed"] is False
    assert got["ValidationErrors"]
    for finding in got["ValidationErrors"]:
        assert finding["CheckName"]
        assert finding["ErrorMessage"]


def test_validate_against_a_missing_secret(sm: Any, unique: Unique) -> None:
    with pytest.raises(ClientError) as exc:
        sm.validate_resource_policy(SecretId=unique("policy/nosuch"), ResourcePolicy=policy())
    assert error_of(exc)[0] == "ResourceNotFoundException"


# --- GetRandomPassword ---------------------------------------------------------------------


def kinds(password: str) -> set[str]:
    found = set()
    for char in password:
        if char in string.ascii_lowercase:
            found.add("lower")
        elif char in string.ascii_uppercase:
            found.add("upper")
        elif char in string.digits:
            found.add("digit")
        elif char in PUNCTUATION:
            found.add("punct")
        elif char == " ":
            found.add("space")
        else:
            found.add("other")
    return found


def test_default_password(sm: Any) -> None:
    for _ in range(5):
        password = sm.get_random_password()["RandomPassword"]
        assert len(password) == 32
        assert kinds(password) == {"lower", "upper", "digit", "punct"}


def test_password_length_limits(sm: Any, raw: Any) -> None:
    shortest = sm.get_random_password(
        PasswordLength=1, ExcludeNumbers=True, ExcludePunctuation=True, ExcludeUppercase=True
    )["RandomPassword"]
    assert len(shortest) == 1
    assert shortest in string.ascii_lowercase
    longest = sm.get_random_password(PasswordLength=4096)["RandomPassword"]
    assert len(longest) == 4096
    assert kinds(longest) == {"lower", "upper", "digit", "punct"}
    for bad in (4097, 0):
        with pytest.raises(ClientError) as exc:
            raw.get_random_password(PasswordLength=bad)
        assert error_of(exc)[0] == "ValidationException"


def test_exclude_characters(sm: Any) -> None:
    excluded = "aeiouAEIOU013!@#"
    password = sm.get_random_password(PasswordLength=500, ExcludeCharacters=excluded)[
        "RandomPassword"
    ]
    assert len(password) == 500
    assert not set(password) & set(excluded)
    assert kinds(password) == {"lower", "upper", "digit", "punct"}


@pytest.mark.parametrize(
    ("flag", "gone"),
    [
        ("ExcludeNumbers", "digit"),
        ("ExcludePunctuation", "punct"),
        ("ExcludeUppercase", "upper"),
        ("ExcludeLowercase", "lower"),
    ],
)
def test_exclude_a_character_type(sm: Any, flag: str, gone: str) -> None:
    password = sm.get_random_password(PasswordLength=200, **{flag: True})["RandomPassword"]
    assert len(password) == 200
    assert kinds(password) == {"lower", "upper", "digit", "punct"} - {gone}


def test_exclude_all_but_one_type(sm: Any) -> None:
    password = sm.get_random_password(
        PasswordLength=64, ExcludeLowercase=True, ExcludeUppercase=True, ExcludePunctuation=True
    )["RandomPassword"]
    assert len(password) == 64
    assert set(password) <= set(string.digits)


def test_include_space(sm: Any) -> None:
    with_space = sm.get_random_password(PasswordLength=4096, IncludeSpace=True)["RandomPassword"]
    assert len(with_space) == 4096
    assert " " in with_space
    without = sm.get_random_password(PasswordLength=4096)["RandomPassword"]
    assert " " not in without


def test_excluding_every_type_is_refused(sm: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sm.get_random_password(
            ExcludeNumbers=True,
            ExcludePunctuation=True,
            ExcludeUppercase=True,
            ExcludeLowercase=True,
        )
    assert error_of(exc)[0] == "InvalidParameterException"


def test_require_each_type_needs_room_for_each(sm: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sm.get_random_password(PasswordLength=2, RequireEachIncludedType=True)
    assert error_of(exc)[0] == "InvalidParameterException"
    for _ in range(5):
        password = sm.get_random_password(PasswordLength=4, RequireEachIncludedType=True)[
            "RandomPassword"
        ]
        assert len(password) == 4
        assert kinds(password) == {"lower", "upper", "digit", "punct"}


def test_random_password_through_the_cli(aws: Any) -> None:
    out = json.loads(aws("secretsmanager", "get-random-password", "--password-length", "20").stdout)
    assert len(out["RandomPassword"]) == 20
    out = json.loads(
        aws(
            "secretsmanager",
            "get-random-password",
            "--password-length",
            "30",
            "--exclude-punctuation",
            "--require-each-included-type",
        ).stdout
    )
    assert len(out["RandomPassword"]) == 30
    assert kinds(out["RandomPassword"]) == {"lower", "upper", "digit"}
