"""The AWS Query wire (IAM, STS), byte by byte: form bodies signed with botocore's SigV4
signer and sent with httpx, answers read as raw XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import botocore.auth
import httpx
import pytest
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.conftest import ACCESS_KEY_ID, ACCOUNT_ID, SECRET_ACCESS_KEY, Server

FORM = "application/x-www-form-urlencoded; charset=utf-8"
IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def send(
    server: Server,
    params: dict[str, str],
    service: str = "iam",
    region: str = "us-east-1",
    key: str = ACCESS_KEY_ID,
    secret: str = SECRET_ACCESS_KEY,
    sign: bool = True,
) -> httpx.Response:
    body = urlencode(params)
    request = AWSRequest(
        method="POST", url=f"{server.endpoint}/", data=body, headers={"Content-Type": FORM}
    )
    if sign:
        botocore.auth.SigV4Auth(Credentials(key, secret), service, region).add_auth(request)
    headers = dict(request.headers.items())
    return httpx.post(f"{server.endpoint}/", content=body.encode(), headers=headers, timeout=30)


def error(response: httpx.Response, namespace: str = IAM_NS) -> tuple[int, str, str, str]:
    """(status, type, code, message), after checking the envelope."""
    assert response.headers["content-type"] == "text/xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{namespace}}}ErrorResponse"
    request_id = root.findtext(f"{{{namespace}}}RequestId")
    assert request_id == response.headers["x-amzn-requestid"] and UUID.match(request_id or "")
    found = root.find(f"{{{namespace}}}Error")
    assert found is not None
    return (
        response.status_code,
        found.findtext(f"{{{namespace}}}Type") or "",
        found.findtext(f"{{{namespace}}}Code") or "",
        found.findtext(f"{{{namespace}}}Message") or "",
    )


IDENTITY = {"Action": "GetCallerIdentity", "Version": "2011-06-15"}


def test_a_successful_answer(server: Server) -> None:
    response = send(server, IDENTITY, "sts")
    assert response.status_code == 200 and response.headers["content-type"] == "text/xml"
    text = response.text
    assert text.startswith(f'<GetCallerIdentityResponse xmlns="{STS_NS}"><GetCallerIdentityResult>')
    assert f"<Arn>arn:aws:iam::{ACCOUNT_ID}:root</Arn>" in text
    request_id = response.headers["x-amzn-requestid"]
    assert text.endswith(
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        "</GetCallerIdentityResponse>"
    )


def test_authentication_failures(server: Server) -> None:
    assert error(send(server, IDENTITY, "sts", sign=False), STS_NS) == (
        403,
        "Sender",
        "MissingAuthenticationToken",
        "Request is missing Authentication Token",
    )
    status, kind, code, message = error(send(server, IDENTITY, "sts", secret="wrong"), STS_NS)
    assert (status, kind, code) == (403, "Sender", "SignatureDoesNotMatch")
    assert message.startswith("The request signature we calculated does not match")
    assert error(send(server, IDENTITY, "sts", key="AKIANOSUCHKEY0000000"), STS_NS) == (
        403,
        "Sender",
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )
    status, _, code, _ = error(send(server, IDENTITY, "secretsmanager"), STS_NS)
    assert (status, code) == (403, "SignatureDoesNotMatch")


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        (
            {"Version": "2010-05-08"},
            "MissingAction",
            "The request is missing an action or a required parameter.",
        ),
        (
            {"Action": "Frobnicate", "Version": "2010-05-08"},
            "InvalidAction",
            "Could not find operation Frobnicate for version 2010-05-08",
        ),
        (
            {"Action": "ListUsers", "Version": "2099-01-01"},
            "InvalidAction",
            "Could not find operation ListUsers for version 2099-01-01",
        ),
        (
            {"Action": "GetCallerIdentity", "Version": "2010-05-08"},
            "InvalidAction",
            "Could not find operation GetCallerIdentity for version 2010-05-08",
        ),
        (
            {"Action": "DeleteUser", "Version": "2010-05-08"},
            "ValidationError",
            "1 validation error detected: Value null at 'userName' failed to satisfy "
            "constraint: Member must not be null",
        ),
        (
            {"Action": "ListUsers", "Version": "2010-05-08", "MaxItems": "lots"},
            "ValidationError",
            "1 validation error detected: Value 'lots' at 'MaxItems' failed to satisfy "
            "constraint: Member must be an integer",
        ),
    ],
)
def test_request_errors(server: Server, params: dict[str, str], code: str, message: str) -> None:
    assert error(send(server, params)) == (400, "Sender", code, message)


def test_errors_carry_the_status_of_their_model(server: Server) -> None:
    params = {"Action": "GetUser", "Version": "2010-05-08", "UserName": "no-such-user-here"}
    assert error(send(server, params)) == (
        404,
        "Sender",
        "NoSuchEntity",
        "The user with name no-such-user-here cannot be found.",
    )


def test_json_requests_still_reach_the_json_endpoint(server: Server) -> None:
    body = b"{}"
    request = AWSRequest(
        method="POST",
        url=f"{server.endpoint}/",
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "secretsmanager.ListSecrets",
        },
    )
    credentials = Credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
    botocore.auth.SigV4Auth(credentials, "secretsmanager", "us-east-1").add_auth(request)
    response = httpx.post(
        f"{server.endpoint}/", content=body, headers=dict(request.headers.items()), timeout=30
    )
    assert response.status_code == 200 and "SecretList" in response.json()
