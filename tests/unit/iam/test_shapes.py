"""ARNs, tags and IAM's paging."""

from __future__ import annotations

from typing import Any

import pytest

from kinko.api.iam_shapes import page, policy_document
from kinko.domain.iam.arns import RoleArn, Scope, parse_role_arn
from kinko.domain.iam.tags import checked_tags
from kinko.errors import AwsError


def test_arns_of_users_roles_and_sessions() -> None:
    scope = Scope("111122223333", "aws-cn")
    assert scope.user_arn("/", "alice") == "arn:aws-cn:iam::111122223333:user/alice"
    assert scope.role_arn("/a/b/", "r") == "arn:aws-cn:iam::111122223333:role/a/b/r"
    assert scope.assumed_role_arn("r", "s") == "arn:aws-cn:sts::111122223333:assumed-role/r/s"


@pytest.mark.parametrize(
    ("arn", "parsed"),
    [
        ("arn:aws:iam::111122223333:role/r", RoleArn("aws", "111122223333", "/", "r")),
        (
            "arn:aws-us-gov:iam::111122223333:role/a/b/r+=,.@-",
            RoleArn("aws-us-gov", "111122223333", "/a/b/", "r+=,.@-"),
        ),
        ("arn:aws:iam::111122223333:user/r", None),
        ("arn:aws:iam::1111:role/r", None),
        ("arn:aws:iam::111122223333:role/", None),
        ("not an arn at all, really", None),
    ],
)
def test_parse_role_arn(arn: str, parsed: RoleArn | None) -> None:
    assert parse_role_arn(arn) == parsed


def test_tags_default_values_and_refuse_duplicate_keys() -> None:
    assert checked_tags([{"Key": "a"}]) == [{"Key": "a", "Value": ""}]
    assert checked_tags(None) == []
    with pytest.raises(AwsError) as excinfo:
        checked_tags([{"Key": "Env", "Value": "1"}, {"Key": "env", "Value": "2"}])
    assert excinfo.value.code == "InvalidInput"


def test_policy_documents_are_url_encoded_like_aws() -> None:
    assert policy_document('{"Action": "s3:*"}') == "%7B%22Action%22%3A%20%22s3%3A%2A%22%7D"


def test_paging_with_markers() -> None:
    items = [f"n{i:02d}" for i in range(7)]
    params: dict[str, Any] = {"MaxItems": 3}
    seen: list[str] = []
    while True:
        listed = page(items, params, lambda item: item, "Items")
        seen.extend(listed["Items"])
        if not listed["IsTruncated"]:
            assert "Marker" not in listed
            break
        params = {"MaxItems": 3, "Marker": listed["Marker"]}
    assert seen == items
    assert page(items, {}, lambda item: item, "Items") == {"Items": items, "IsTruncated": False}
    with pytest.raises(AwsError) as excinfo:
        page(items, {"Marker": "%%%"}, lambda item: item, "Items")
    assert excinfo.value.code == "ValidationError"
