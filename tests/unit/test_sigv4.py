"""SigV4 verification agrees with botocore's signer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from kinko.errors import AwsError
from kinko.protocol import sigv4

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def _signed(body: bytes = b'{"SecretId":"x"}', query: str = "") -> tuple[dict[str, str], str]:
    request = AWSRequest(
        method="POST",
        url=f"http://127.0.0.1:5465/{'?' + query if query else ''}",
        data=body,
        headers={
            "X-Amz-Target": "secretsmanager.GetSecretValue",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    SigV4Auth(Credentials("AKIDEXAMPLE", SECRET), "secretsmanager", "eu-west-3").add_auth(request)
    headers = {k.lower(): v for k, v in request.headers.items()}
    headers["host"] = "127.0.0.1:5465"
    return headers, query


def _verify(headers: dict[str, str], body: bytes, secret: str = SECRET, query: str = "") -> None:
    auth = sigv4.parse_authorization(headers["authorization"])
    sigv4.verify(auth, secret, "POST", "/", query, headers, body, headers["x-amz-date"])


def test_accepts_botocore_signature() -> None:
    headers, _ = _signed()
    auth = sigv4.parse_authorization(headers["authorization"])
    assert (auth.access_key_id, auth.region, auth.service) == (
        "AKIDEXAMPLE",
        "eu-west-3",
        "secretsmanager",
    )
    _verify(headers, b'{"SecretId":"x"}')


def test_accepts_signed_query_strings() -> None:
    headers, query = _signed(query="b=2&a=1&c=x%20y")
    _verify(headers, b'{"SecretId":"x"}', query=query)


def test_rejects_wrong_secret_and_tampered_body() -> None:
    headers, _ = _signed()
    with pytest.raises(AwsError) as wrong_key:
        _verify(headers, b'{"SecretId":"x"}', secret="other")
    assert wrong_key.value.code == "InvalidSignatureException"
    with pytest.raises(AwsError):
        _verify(headers, b'{"SecretId":"y"}')


def test_missing_and_malformed_headers() -> None:
    with pytest.raises(AwsError) as missing:
        sigv4.parse_authorization(None)
    assert missing.value.code == "MissingAuthenticationTokenException"
    with pytest.raises(AwsError) as partial:
        sigv4.parse_authorization("AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request")
    assert partial.value.code == "IncompleteSignatureException"


def test_freshness_window_in_aws_words() -> None:
    now = datetime(2026, 12, 3, 12, 0, 0, tzinfo=UTC)
    sigv4.check_freshness(now - timedelta(minutes=4, seconds=59), now)
    with pytest.raises(AwsError) as old:
        sigv4.check_freshness(now - timedelta(minutes=6), now)
    assert old.value.message == (
        "Signature expired: 20261203T115400Z is now earlier than 20261203T115500Z "
        "(20261203T120000Z - 5 min.)"
    )
    with pytest.raises(AwsError) as future:
        sigv4.check_freshness(now + timedelta(minutes=6), now)
    assert future.value.message.startswith("Signature not yet current: 20261203T120600Z")


def test_signing_keys_are_cached() -> None:
    first = sigv4.signing_key("s", "20261203", "us-east-1", "secretsmanager")
    assert sigv4.signing_key("s", "20261203", "us-east-1", "secretsmanager") is first
