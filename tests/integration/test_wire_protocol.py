"""The AWS JSON 1.1 wire, byte by byte: SigV4, targets, bodies, errors.

Requests are built with httpx and signed with botocore's own SigV4 signer, so each
test controls exactly what goes on the wire. Every refusal is checked for AWS's
error envelope and for having changed nothing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import botocore.auth
import httpx
import pytest
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.conftest import ACCESS_KEY_ID, ACCOUNT_ID, AWS, SECRET_ACCESS_KEY, Server, client_for

JSON_11 = "application/x-amz-json-1.1"
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided."
)
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
EXPIRED_RE = re.compile(
    r"^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z "
    r"\(\d{8}T\d{6}Z - 5 min\.\)$"
)
NOT_YET_RE = re.compile(
    r"^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z "
    r"\(\d{8}T\d{6}Z \+ 5 min\.\)$"
)


# --- signing and sending ------------------------------------------------------------


@contextmanager
def _signing_clock(at: datetime | None) -> Iterator[None]:
    """Make botocore's signer believe it is `at` (UTC)."""
    if at is None:
        yield
        return
    naive = at.astimezone(UTC).replace(tzinfo=None)
    if hasattr(botocore.auth, "get_current_datetime"):
        with mock.patch("botocore.auth.get_current_datetime", return_value=naive):
            yield
    else:  # older botocore: datetime.datetime.utcnow()
        with mock.patch("botocore.auth.datetime") as fake:
            fake.datetime.utcnow.return_value = naive
            fake.datetime.strptime = datetime.strptime
            yield


def sign(
    server: Server,
    target: str | None,
    body: bytes,
    region: str = "us-east-1",
    headers: dict[str, str] | None = None,
    date: datetime | None = None,
    secret: str = SECRET_ACCESS_KEY,
    access_key: str = ACCESS_KEY_ID,
    service: str = "secretsmanager",
) -> dict[str, str]:
    """The headers of a SigV4-signed `POST /` carrying `body`."""
    base = {"Content-Type": JSON_11}
    if target is not None:
        base["X-Amz-Target"] = target
    base.update(headers or {})
    request = AWSRequest(method="POST", url=f"{server.endpoint}/", data=body, headers=base)
    with _signing_clock(date):
        botocore.auth.SigV4Auth(Credentials(access_key, secret), service, region).add_auth(request)
    return dict(request.headers.items())


def send(server: Server, headers: dict[str, str], body: bytes) -> httpx.Response:
    response = httpx.post(f"{server.endpoint}/", content=body, headers=headers, timeout=30)
    assert response.status_code < 500, (response.status_code, response.text)
    return response


def signed_request(
    server: Server,
    target: str | None,
    body_bytes: bytes,
    region: str = "us-east-1",
    headers: dict[str, str] | None = None,
    date: datetime | None = None,
    secret: str = SECRET_ACCESS_KEY,
    access_key: str = ACCESS_KEY_ID,
    service: str = "secretsmanager",
) -> httpx.Response:
    signed = sign(server, target, body_bytes, region, headers, date, secret, access_key, service)
    return send(server, signed, body_bytes)


def body(**members: Any) -> bytes:
    return json.dumps(members).encode()


def assert_request_id(response: httpx.Response) -> str:
    request_id = response.headers.get("x-amzn-RequestId", "")
    assert request_id, dict(response.headers)
    assert UUID_RE.match(request_id), request_id
    return request_id


def assert_ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON_11
    assert_request_id(response)
    result: dict[str, Any] = response.json()
    return result


def assert_error(
    response: httpx.Response, code: str, message: str | None = None, status: int = 400
) -> str:
    """Check AWS's error envelope; returns the Message."""
    assert response.status_code < 500, response.text
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"] == JSON_11
    assert_request_id(response)
    payload = response.json()
    assert set(payload) == {"__type", "Message"}, payload
    assert payload["__type"] == code, payload
    assert isinstance(payload["Message"], str)
    assert payload["Message"], payload
    if message is not None:
        assert payload["Message"] == message, payload
    return str(payload["Message"])


def assert_absent(sm: Any, name: str, region_client: Any = None) -> None:
    """The secret `name` does not exist: the refused call created nothing."""
    client = region_client or sm
    with pytest.raises(ClientError) as caught:
        client.describe_secret(SecretId=name)
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def assert_healthy(server: Server) -> None:
    assert httpx.get(f"{server.endpoint}/health", timeout=10).status_code == 200
    assert_ok(signed_request(server, "secretsmanager.GetRandomPassword", body()))


def create_body(name: str) -> bytes:
    return body(Name=name, SecretString="wire-test", ClientRequestToken=str(uuid.uuid4()))


# --- the happy path, as a baseline --------------------------------------------------


def test_signed_request_succeeds_with_amz_json_envelope(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/ok")
    created = assert_ok(signed_request(server, "secretsmanager.CreateSecret", create_body(name)))
    assert created["Name"] == name
    assert created["ARN"].startswith(f"arn:aws:secretsmanager:us-east-1:{ACCOUNT_ID}:secret:")
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "wire-test"


def test_region_comes_from_the_credential_scope(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/region")
    created = assert_ok(
        signed_request(server, "secretsmanager.CreateSecret", create_body(name), region="eu-west-3")
    )
    assert created["ARN"].startswith(f"arn:aws:secretsmanager:eu-west-3:{ACCOUNT_ID}:secret:")
    assert server.client("eu-west-3").describe_secret(SecretId=name)["Name"] == name
    assert_absent(sm, name)


def test_missing_secret_is_400_resource_not_found(
    server: Server, unique: Callable[[str], str]
) -> None:
    response = signed_request(
        server, "secretsmanager.DescribeSecret", body(SecretId=unique("wire/missing"))
    )
    assert_error(
        response, "ResourceNotFoundException", "Secrets Manager can't find the specified secret."
    )


# --- authentication ---------------------------------------------------------------


def test_unsigned_request_is_missing_authentication_token(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/unsigned")
    response = send(
        server,
        {"Content-Type": JSON_11, "X-Amz-Target": "secretsmanager.CreateSecret"},
        create_body(name),
    )
    assert_error(response, "MissingAuthenticationTokenException", "Missing Authentication Token")
    assert_absent(sm, name)


def test_unknown_access_key_is_unrecognized_client(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/unknown-key")
    response = signed_request(
        server,
        "secretsmanager.CreateSecret",
        create_body(name),
        access_key="AKIAKINKONOSUCHKEY00",
    )
    assert_error(
        response,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )
    assert_absent(sm, name)


def test_wrong_secret_key_is_invalid_signature(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/bad-secret")
    response = signed_request(
        server, "secretsmanager.CreateSecret", create_body(name), secret="not-the-secret-key"
    )
    message = assert_error(response, "InvalidSignatureException")
    assert message.startswith(SIGNATURE_MISMATCH), message
    assert_absent(sm, name)


def test_body_tampered_after_signing_is_invalid_signature(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    signed_name, sent_name = unique("wire/signed"), unique("wire/tampered")
    headers = sign(server, "secretsmanager.CreateSecret", create_body(signed_name))
    response = send(server, headers, create_body(sent_name))
    message = assert_error(response, "InvalidSignatureException")
    assert message.startswith(SIGNATURE_MISMATCH), message
    assert_absent(sm, signed_name)
    assert_absent(sm, sent_name)


def test_target_tampered_after_signing_is_invalid_signature(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/retarget")
    payload = body(Name=name, SecretString="x", ClientRequestToken=str(uuid.uuid4()))
    headers = sign(server, "secretsmanager.GetRandomPassword", payload)
    headers["X-Amz-Target"] = "secretsmanager.CreateSecret"
    message = assert_error(send(server, headers, payload), "InvalidSignatureException")
    assert message.startswith(SIGNATURE_MISMATCH), message
    assert_absent(sm, name)


def test_signature_six_minutes_old_is_expired(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/expired")
    response = signed_request(
        server,
        "secretsmanager.CreateSecret",
        create_body(name),
        date=datetime.now(UTC) - timedelta(minutes=6),
    )
    message = assert_error(response, "InvalidSignatureException")
    assert EXPIRED_RE.match(message), message
    assert_absent(sm, name)


def test_signature_six_minutes_ahead_is_not_yet_current(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/future")
    response = signed_request(
        server,
        "secretsmanager.CreateSecret",
        create_body(name),
        date=datetime.now(UTC) + timedelta(minutes=6),
    )
    message = assert_error(response, "InvalidSignatureException")
    assert NOT_YET_RE.match(message), message
    assert_absent(sm, name)


def test_expired_message_names_the_signing_time(server: Server) -> None:
    signed_at = (datetime.now(UTC) - timedelta(minutes=30)).replace(microsecond=0)
    response = signed_request(server, "secretsmanager.GetRandomPassword", body(), date=signed_at)
    message = assert_error(response, "InvalidSignatureException")
    assert EXPIRED_RE.match(message), message
    stamps = re.findall(r"\d{8}T\d{6}Z", message)
    assert stamps[0] == signed_at.strftime("%Y%m%dT%H%M%SZ")
    earliest, now = (datetime.strptime(s, "%Y%m%dT%H%M%SZ") for s in stamps[1:])
    assert now - earliest == timedelta(minutes=5)


@pytest.mark.parametrize("minutes", [-4, 4])
def test_signature_within_five_minutes_is_accepted(
    server: Server, sm: Any, unique: Callable[[str], str], minutes: int
) -> None:
    name = unique("wire/skew")
    response = signed_request(
        server,
        "secretsmanager.CreateSecret",
        create_body(name),
        date=datetime.now(UTC) + timedelta(minutes=minutes),
    )
    assert assert_ok(response)["Name"] == name
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "wire-test"


@pytest.mark.parametrize(
    ("target", "payload"),
    [
        ("secretsmanager.GetRandomPassword", {"PasswordLength": 20}),
        ("secretsmanager.DescribeSecret", None),
    ],
)
def test_replay_inside_the_window_is_accepted(
    server: Server, sm: Any, unique: Callable[[str], str], target: str, payload: Any
) -> None:
    if payload is None:
        name = unique("wire/replay")
        sm.create_secret(Name=name, SecretString="replayed")
        payload = {"SecretId": name}
    raw = json.dumps(payload).encode()
    headers = sign(server, target, raw)
    first, second = send(server, headers, raw), send(server, headers, raw)
    assert_ok(first)
    assert_ok(second)
    assert first.headers["x-amzn-RequestId"] != second.headers["x-amzn-RequestId"]
    if target.endswith("DescribeSecret"):
        assert first.json() == second.json()


def test_credential_scoped_to_another_service_is_invalid_signature(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/kms-scope")
    response = signed_request(
        server, "secretsmanager.CreateSecret", create_body(name), service="kms"
    )
    assert_error(
        response,
        "InvalidSignatureException",
        "Credential should be scoped to correct service: 'secretsmanager'. ",
    )
    assert_absent(sm, name)


def test_credential_scoped_to_unknown_region_is_invalid_signature(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/fake-region")
    response = signed_request(
        server, "secretsmanager.CreateSecret", create_body(name), region="xx-fake-1"
    )
    assert_error(
        response,
        "InvalidSignatureException",
        "Credential should be scoped to a valid region, not 'xx-fake-1'. ",
    )
    assert_absent(sm, name)


@pytest.mark.parametrize(
    "authorization",
    [
        "AWS4-HMAC-SHA256 Credential={key}/{date}/us-east-1/secretsmanager/aws4_request, "
        "SignedHeaders=host;x-amz-date",
        "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=" + "0" * 64,
        "AWS4-HMAC-SHA256 Credential={key}/us-east-1/secretsmanager/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64,
    ],
    ids=["no-signature", "no-credential", "short-credential"],
)
def test_malformed_authorization_is_incomplete_signature(
    server: Server, sm: Any, unique: Callable[[str], str], authorization: str
) -> None:
    name = unique("wire/incomplete")
    now = datetime.now(UTC)
    headers = {
        "Content-Type": JSON_11,
        "X-Amz-Target": "secretsmanager.CreateSecret",
        "X-Amz-Date": now.strftime("%Y%m%dT%H%M%SZ"),
        "Authorization": authorization.format(key=ACCESS_KEY_ID, date=now.strftime("%Y%m%d")),
    }
    assert_error(send(server, headers, create_body(name)), "IncompleteSignatureException")
    assert_absent(sm, name)


# --- targets and bodies -------------------------------------------------------------


def test_unknown_operation(server: Server) -> None:
    response = signed_request(server, "secretsmanager.DoesNotExist", body())
    assert_error(response, "UnknownOperationException")
    assert_healthy(server)


@pytest.mark.parametrize(
    "target",
    [None, "", "secretsmanager", "secretsmanager.", "NoSuchService.CreateSecret"],
    ids=["absent", "empty", "no-operation", "empty-operation", "unknown-prefix"],
)
def test_missing_or_unknown_target_is_unknown_operation(
    server: Server, sm: Any, unique: Callable[[str], str], target: str | None
) -> None:
    # The request is correctly signed for secretsmanager; only the target is wrong.
    name = unique("wire/no-target")
    response = signed_request(server, target, create_body(name))
    assert_error(response, "UnknownOperationException")
    assert_absent(sm, name)


def test_malformed_json_is_serialization_exception(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/bad-json")
    raw = ('{"Name": "' + name + '", "SecretString": "x"').encode()
    response = signed_request(server, "secretsmanager.CreateSecret", raw)
    assert_error(response, "SerializationException")
    assert_absent(sm, name)


def test_non_utf8_body_is_serialization_exception(server: Server) -> None:
    response = signed_request(server, "secretsmanager.GetRandomPassword", b'{"x": "\xff\xfe"}')
    assert_error(response, "SerializationException")


def test_json_array_body_is_serialization_exception(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/array")
    raw = json.dumps([{"Name": name, "SecretString": "x"}]).encode()
    response = signed_request(server, "secretsmanager.CreateSecret", raw)
    assert_error(response, "SerializationException")
    assert_absent(sm, name)


@pytest.mark.parametrize(
    "members",
    [
        {"Name": 5},
        {"Name": ["a"]},
        {"Name": {"a": 1}},
        {"Name": "ok", "SecretString": True},
        {"Name": "ok", "Tags": {"Key": "k"}},
        {"Name": "ok", "Tags": ["k"]},
        {"Name": "ok", "ForceOverwriteReplicaSecret": "yes"},
        {"Name": "ok", "SecretBinary": 12},
    ],
    ids=[
        "name-int",
        "name-list",
        "name-object",
        "string-bool",
        "tags-object",
        "tags-of-strings",
        "bool-as-string",
        "blob-int",
    ],
)
def test_wrong_member_type_is_serialization_exception(
    server: Server, sm: Any, unique: Callable[[str], str], members: dict[str, Any]
) -> None:
    name = unique("wire/type")
    if members.get("Name") == "ok":
        members = {**members, "Name": name}
    response = signed_request(server, "secretsmanager.CreateSecret", json.dumps(members).encode())
    assert_error(response, "SerializationException")
    assert_absent(sm, name)


def test_wrong_number_type_is_serialization_exception(server: Server) -> None:
    for value in ("32", True, 12.5):
        response = signed_request(
            server, "secretsmanager.GetRandomPassword", body(PasswordLength=value)
        )
        assert_error(response, "SerializationException")


def test_text_plain_content_type_is_serialization_exception(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/text-plain")
    response = signed_request(
        server,
        "secretsmanager.CreateSecret",
        create_body(name),
        headers={"Content-Type": "text/plain"},
    )
    assert_error(response, "SerializationException")
    assert_absent(sm, name)


def test_missing_required_member_is_validation_exception(server: Server) -> None:
    response = signed_request(server, "secretsmanager.CreateSecret", body())
    assert_error(
        response,
        "ValidationException",
        "1 validation error detected: Value null at 'name' failed to satisfy constraint: "
        "Member must not be null",
    )


def test_two_violations_are_counted_and_joined(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/two")
    response = signed_request(
        server,
        "secretsmanager.CreateSecret",
        body(Name=name, Description="d" * 2049, ClientRequestToken="short"),
    )
    message = assert_error(response, "ValidationException")
    prefix = "2 validation errors detected: "
    assert message.startswith(prefix), message
    parts = message[len(prefix) :].split("; ")
    assert len(parts) == 2, parts
    members = set()
    for part in parts:
        found = re.match(r"^Value .* at '(\w+)' failed to satisfy constraint: Member must ", part)
        assert found, part
        members.add(found.group(1))
    assert members == {"description", "clientRequestToken"}
    assert_absent(sm, name)


def test_validation_of_sensitive_value_does_not_echo_it(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/sensitive")
    secret_value = "sensitive-" + "v" * 65536
    response = signed_request(
        server,
        "secretsmanager.CreateSecret",
        body(Name=name, SecretString=secret_value, ClientRequestToken=str(uuid.uuid4())),
    )
    message = assert_error(response, "ValidationException")
    assert "sensitive-" not in message and "vvvv" not in message, message[:200]
    assert_absent(sm, name)


def test_oversized_body_is_413_and_server_stays_healthy(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/huge")
    raw = body(Name=name, SecretString="x" * (1024 * 1024), ClientRequestToken=str(uuid.uuid4()))
    assert len(raw) > 1024 * 1024
    response = signed_request(server, "secretsmanager.CreateSecret", raw)
    assert_error(response, "RequestEntityTooLargeException", status=413)
    assert_absent(sm, name)
    assert_healthy(server)


def test_oversized_unsigned_body_is_413(server: Server) -> None:
    # The size limit comes before authentication: nobody gets to make the server
    # buffer more than 1 MiB.
    raw = b'{"Name": "' + b"y" * (2 * 1024 * 1024) + b'"}'
    response = send(
        server, {"Content-Type": JSON_11, "X-Amz-Target": "secretsmanager.CreateSecret"}, raw
    )
    assert_error(response, "RequestEntityTooLargeException", status=413)
    assert_healthy(server)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("HEAD", "/"),
        ("PUT", "/"),
        ("DELETE", "/"),
        ("OPTIONS", "/"),
        ("GET", "/nope"),
        ("POST", "/nope"),
        ("GET", "/../../etc/passwd"),
        ("POST", "//"),
        ("GET", "/?Action=ListSecrets"),
    ],
)
def test_other_methods_and_paths_never_500(server: Server, method: str, path: str) -> None:
    response = httpx.request(method, f"{server.endpoint}{path}", timeout=10)
    assert response.status_code < 500, (response.status_code, response.text)


def test_health_is_200(server: Server) -> None:
    response = httpx.get(f"{server.endpoint}/health", timeout=10)
    assert response.status_code == 200


# --- through the SDK and the CLI ----------------------------------------------------


def test_arn_of_another_account_is_access_denied(sm: Any) -> None:
    foreign = "arn:aws:secretsmanager:us-east-1:444455556666:secret:theirs-AbCdEf"
    with pytest.raises(ClientError) as caught:
        sm.describe_secret(SecretId=foreign)
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Code"] == "AccessDeniedException"
    assert f"arn:aws:iam::{ACCOUNT_ID}:root" in error["Message"]
    assert "secretsmanager:DescribeSecret" in error["Message"]
    assert foreign in error["Message"]


def test_boto3_with_unknown_key_is_unrecognized_client(server: Server) -> None:
    client = client_for(server.endpoint, "us-east-1", access_key="AKIAKINKONOSUCHKEY01")
    with pytest.raises(ClientError) as caught:
        client.list_secrets()
    assert caught.value.response["Error"]["Code"] == "UnrecognizedClientException"
    assert (
        caught.value.response["Error"]["Message"]
        == "The security token included in the request is invalid."
    )
    assert caught.value.response["ResponseMetadata"]["RequestId"]


def test_boto3_with_wrong_secret_is_invalid_signature(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    name = unique("wire/boto-bad-secret")
    client = client_for(server.endpoint, "us-east-1", secret_key="wrong-secret-key")
    with pytest.raises(ClientError) as caught:
        client.create_secret(Name=name, SecretString="x")
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert caught.value.response["Error"]["Message"].startswith(SIGNATURE_MISMATCH)
    assert_absent(sm, name)


def test_cli_with_wrong_secret_key_fails_with_invalid_signature(
    server: Server, sm: Any, unique: Callable[[str], str], tmp_path: Path
) -> None:
    name = unique("wire/cli-bad-secret")
    credentials = tmp_path / "bad-credentials"
    credentials.write_text(
        f"[default]\naws_access_key_id = {ACCESS_KEY_ID}\n"
        "aws_secret_access_key = definitely-not-the-right-secret\n"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
    }
    env.update(
        AWS_SHARED_CREDENTIALS_FILE=str(credentials),
        AWS_CONFIG_FILE=str(tmp_path / "config"),
        AWS_MAX_ATTEMPTS="1",
        AWS_PAGER="",
    )
    result = subprocess.run(
        [
            AWS,
            "--endpoint-url",
            server.endpoint,
            "--region",
            "us-east-1",
            "secretsmanager",
            "create-secret",
            "--name",
            name,
            "--secret-string",
            "x",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode != 0, result.stdout
    assert "InvalidSignatureException" in result.stderr, result.stderr
    assert_absent(sm, name)
