"""Query-protocol XML: what Kinko writes must read back through botocore's own parser,
in the exact envelope AWS uses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import QueryParser

from kinko.errors import AwsError
from kinko.protocol.model import operation
from kinko.protocol.query import QueryService, query_error
from kinko.protocol.xml import error_xml, response_xml

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def op(service: str, name: str) -> OperationModel:
    model = operation(service, name)
    assert model is not None
    return model


def parsed(model: OperationModel, body: bytes, status: int = 200) -> dict[str, Any]:
    response = {"body": body, "headers": {}, "status_code": status}
    result: dict[str, Any] = QueryParser().parse(response, model.output_shape)
    return result


def test_create_user_envelope_is_awss() -> None:
    user = {
        "Path": "/",
        "UserName": "alice",
        "UserId": "AIDAEXAMPLEEXAMPLE123",
        "Arn": "arn:aws:iam::111122223333:user/alice",
        "CreateDate": WHEN.timestamp(),
        "Tags": [{"Key": "env", "Value": "prod"}],
    }
    body = response_xml(op("iam", "CreateUser"), IAM_NS, {"User": user}, "rid-1")
    text = body.decode()
    assert text.startswith(f'<CreateUserResponse xmlns="{IAM_NS}"><CreateUserResult><User>')
    assert "<CreateDate>2026-01-02T03:04:05Z</CreateDate>" in text
    assert "<Tags><member><Key>env</Key><Value>prod</Value></member></Tags>" in text
    assert text.endswith(
        "</CreateUserResult><ResponseMetadata><RequestId>rid-1</RequestId>"
        "</ResponseMetadata></CreateUserResponse>"
    )
    out = parsed(op("iam", "CreateUser"), body)
    assert out["User"] == {**user, "CreateDate": WHEN}
    assert out["ResponseMetadata"]["RequestId"] == "rid-1"


def test_lists_empty_and_full_booleans_and_markers() -> None:
    model = op("iam", "ListUsers")
    empty = parsed(model, response_xml(model, IAM_NS, {"Users": [], "IsTruncated": False}, "r"))
    assert empty["Users"] == [] and empty["IsTruncated"] is False
    users = [{"UserName": f"u{i}", "CreateDate": WHEN.timestamp()} for i in range(3)]
    body = response_xml(model, IAM_NS, {"Users": users, "IsTruncated": True, "Marker": "m"}, "r")
    full = parsed(model, body)
    assert [u["UserName"] for u in full["Users"]] == ["u0", "u1", "u2"]
    assert full["IsTruncated"] is True and full["Marker"] == "m"


def test_text_is_escaped() -> None:
    model = op("iam", "GetUserPolicy")
    document = '{"Statement": "<&>\\"\'"}'
    result = {"UserName": "a", "PolicyName": "p&<>", "PolicyDocument": quote(document, safe="")}
    body = response_xml(model, IAM_NS, result, "r")
    assert b"p&amp;&lt;&gt;" in body
    out = parsed(model, body)
    assert out["PolicyName"] == "p&<>" and out["PolicyDocument"] == quote(document, safe="")


def test_operation_without_output_has_only_metadata() -> None:
    body = response_xml(op("iam", "DeleteUser"), IAM_NS, {}, "rid")
    assert body.decode() == (
        f'<DeleteUserResponse xmlns="{IAM_NS}"><ResponseMetadata><RequestId>rid</RequestId>'
        "</ResponseMetadata></DeleteUserResponse>"
    )


def test_sts_credentials() -> None:
    model = op("sts", "AssumeRole")
    result = {
        "Credentials": {
            "AccessKeyId": "ASIAEXAMPLEEXAMPLE12",
            "SecretAccessKey": "s" * 40,
            "SessionToken": "t+o/k=",
            "Expiration": WHEN.timestamp(),
        },
        "AssumedRoleUser": {"AssumedRoleId": "AROAX:s", "Arn": "arn:aws:sts::1:assumed-role/r/s"},
    }
    body = response_xml(model, STS_NS, result, "r")
    assert body.startswith(f'<AssumeRoleResponse xmlns="{STS_NS}"><AssumeRoleResult>'.encode())
    out = parsed(model, body)
    assert out["Credentials"] == {**result["Credentials"], "Expiration": WHEN}
    assert out["AssumedRoleUser"] == result["AssumedRoleUser"]


def test_maps() -> None:
    model = op("sns", "GetTopicAttributes")
    attributes = {"DisplayName": "x", "Policy": "{}"}
    ns = "http://sns.amazonaws.com/doc/2010-03-31/"
    out = parsed(model, response_xml(model, ns, {"Attributes": attributes}, "r"))
    assert out["Attributes"] == attributes


def test_flattened_lists_and_location_names() -> None:
    service = ServiceModel(
        {
            "metadata": {"protocol": "query", "apiVersion": "1", "endpointPrefix": "x"},
            "operations": {
                "Op": {
                    "name": "Op",
                    "http": {"method": "POST", "requestUri": "/"},
                    "output": {"shape": "Out", "resultWrapper": "OpResult"},
                }
            },
            "shapes": {
                "Out": {
                    "type": "structure",
                    "members": {"Items": {"shape": "Flat", "locationName": "Item"}},
                },
                "Flat": {"type": "list", "member": {"shape": "Str"}, "flattened": True},
                "Str": {"type": "string"},
            },
        }
    )
    model = service.operation_model("Op")
    body = response_xml(model, "urn:x", {"Items": ["a", "b"]}, "r")
    assert b"<OpResult><Item>a</Item><Item>b</Item></OpResult>" in body
    assert parsed(model, body)["Items"] == ["a", "b"]


def test_error_envelope() -> None:
    body = error_xml(IAM_NS, "NoSuchEntity", "The user with name x cannot be found.", True, "rid")
    assert body.decode() == (
        f'<ErrorResponse xmlns="{IAM_NS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>'
        "<Message>The user with name x cannot be found.</Message></Error>"
        "<RequestId>rid</RequestId></ErrorResponse>"
    )
    out = parsed(op("iam", "GetUser"), body, status=404)
    assert out["Error"] == {
        "Type": "Sender",
        "Code": "NoSuchEntity",
        "Message": "The user with name x cannot be found.",
    }
    assert out["ResponseMetadata"]["RequestId"] == "rid"


IAM = QueryService("iam", "iam")
STS = QueryService("sts", "sts")
TOKEN = "The security token included in the request is invalid."


@pytest.mark.parametrize(
    ("service", "error", "code", "message", "status"),
    [
        (IAM, AwsError("NoSuchEntity", "m"), "NoSuchEntity", "m", 404),
        (IAM, AwsError("EntityAlreadyExists", "m"), "EntityAlreadyExists", "m", 409),
        (IAM, AwsError("DeleteConflict", "m"), "DeleteConflict", "m", 409),
        (IAM, AwsError("LimitExceeded", "m"), "LimitExceeded", "m", 409),
        (IAM, AwsError("MalformedPolicyDocument", "m"), "MalformedPolicyDocument", "m", 400),
        (STS, AwsError("AccessDenied", "m", 403), "AccessDenied", "m", 403),
        (IAM, AwsError("AccessDeniedException", "m"), "AccessDenied", "m", 403),
        (STS, AwsError("UnrecognizedClientException", "x"), "InvalidClientTokenId", TOKEN, 403),
        (STS, AwsError("InvalidSignatureException", "m"), "SignatureDoesNotMatch", "m", 403),
        (
            IAM,
            AwsError("MissingAuthenticationTokenException", "Missing Authentication Token"),
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
            403,
        ),
        (IAM, AwsError("IncompleteSignatureException", "m"), "IncompleteSignature", "m", 400),
        (STS, AwsError("ExpiredTokenException", "m"), "ExpiredToken", "m", 403),
        (IAM, AwsError("ValidationException", "m"), "ValidationError", "m", 400),
        (IAM, AwsError("InvalidAction", "m"), "InvalidAction", "m", 400),
    ],
)
def test_error_codes_and_statuses(
    service: QueryService, error: AwsError, code: str, message: str, status: int
) -> None:
    got_status, body = query_error(error, service, "rid")
    assert got_status == status
    model = op(service.model_name, "GetCallerIdentity" if service is STS else "GetUser")
    out = parsed(model, body, got_status)
    assert out["Error"] == {"Type": "Sender", "Code": code, "Message": message}
    assert body.decode().startswith(f'<ErrorResponse xmlns="{service.namespace}">')


def test_server_faults_are_receiver_errors() -> None:
    status, body = query_error(AwsError("ServiceFailure", "boom", 500), IAM, "rid")
    assert status == 500 and b"<Type>Receiver</Type>" in body
