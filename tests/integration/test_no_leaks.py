"""Secret values never reach the disk in clear, the server's log, or an error message.

A private server is driven through every path a value takes (create, put, update,
read, batch read, refusals that carry the value), with values that contain a
canary. Then every byte the server wrote — databases, WAL files, the root key,
the credentials file, its log — is searched for the canary, raw and encoded.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.conftest import Server, start_server
from tests.integration.test_wire_protocol import JSON_11, send, sign, signed_request


@dataclass
class LeakRun:
    """What the scenario did and saw; the server is stopped when tests read it."""

    marker: str
    server: Server
    names: list[str]
    needles: dict[str, bytes]
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (what, code, message)
    raw_error_bodies: list[tuple[str, str]] = field(default_factory=list)
    metadata: list[tuple[str, str]] = field(default_factory=list)  # responses without values
    files_while_running: dict[Path, bytes] = field(default_factory=dict)
    files_after_stop: dict[Path, bytes] = field(default_factory=dict)
    read_back: list[tuple[str, Any, Any]] = field(default_factory=list)  # (what, got, wanted)


def _encoded_forms(data: bytes) -> dict[str, bytes]:
    """Substrings every base64 encoding of a buffer containing `data` must contain.

    Base64 works in 3-byte groups, so `data` encodes differently at each offset
    modulo 3; for each, keep only the characters that depend on `data` alone.
    """
    forms: dict[str, bytes] = {}
    for shift in range(3):
        for alphabet, encode in (
            ("b64", base64.b64encode),
            ("b64url", base64.urlsafe_b64encode),
        ):
            encoded = encode(b"\0" * shift + data)
            start = -(-shift * 8 // 6)  # ceil: first character made of `data` bits only
            end = (shift + len(data)) * 8 // 6  # floor: last one before padding bits
            forms[f"{alphabet}@{shift}"] = encoded[start:end]
    forms["hex"] = data.hex().encode()
    forms["HEX"] = data.hex().upper().encode()
    return forms


def _needles(marker: str) -> dict[str, bytes]:
    raw = marker.encode()
    found = {"raw": raw, "utf-16-le": marker.encode("utf-16-le")}
    found.update(_encoded_forms(raw))
    return found


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def _hits(files: dict[Path, bytes], needles: dict[str, bytes]) -> list[str]:
    return [
        f"{path} contains the canary ({form})"
        for path, content in files.items()
        for form, needle in needles.items()
        if needle in content
    ]


def _refused(run: LeakRun, what: str, call: Callable[[], Any]) -> str:
    """Call boto3, expect a ClientError, record it; returns its code."""
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    run.errors.append((what, error.get("Code", ""), error.get("Message", "")))
    return str(error.get("Code", ""))


def _raw_refusal(run: LeakRun, what: str, response: httpx.Response) -> str:
    assert 400 <= response.status_code < 500, (what, response.status_code, response.text)
    payload = response.json()
    run.errors.append((what, payload.get("__type", ""), payload.get("Message", "")))
    run.raw_error_bodies.append((what, response.text))
    return str(payload.get("__type", ""))


def _exercise(run: LeakRun) -> None:
    sm = run.server.client("us-east-1")
    marker = run.marker
    text_name, binary_name, doomed_name = run.names

    def string_value(tag: str) -> str:
        return json.dumps({"username": "app", "password": f"{marker}-{tag}"})

    def binary_value(tag: str) -> bytes:
        return b"\x00\x01\xfe" + f"{marker}-{tag}".encode() + b"\xff\x00"

    def read(what: str, got: Any, wanted: Any) -> None:
        run.read_back.append((what, got, wanted))

    # Values written every way there is.
    first_token = str(uuid.uuid4())
    sm.create_secret(
        Name=text_name,
        SecretString=string_value("create"),
        ClientRequestToken=first_token,
        Description="no secret here",
        Tags=[{"Key": "team", "Value": "leaks"}],
    )
    sm.create_secret(Name=binary_name, SecretBinary=binary_value("create"))
    sm.create_secret(Name=doomed_name, SecretString=string_value("doomed"))

    put_token = str(uuid.uuid4())
    sm.put_secret_value(
        SecretId=text_name, SecretString=string_value("put"), ClientRequestToken=put_token
    )
    # The same token and value again: an idempotent retry, accepted.
    sm.put_secret_value(
        SecretId=text_name, SecretString=string_value("put"), ClientRequestToken=put_token
    )
    sm.put_secret_value(
        SecretId=text_name,
        SecretString=string_value("staged"),
        VersionStages=["CANARYSTAGE"],
    )
    sm.put_secret_value(SecretId=binary_name, SecretBinary=binary_value("put"))
    sm.update_secret(SecretId=text_name, SecretString=string_value("update"))
    sm.update_secret(SecretId=binary_name, SecretBinary=binary_value("update"))
    sm.update_secret(SecretId=text_name, Description="still no secret here")

    # Read them back every way there is.
    read(
        "current string",
        sm.get_secret_value(SecretId=text_name)["SecretString"],
        string_value("update"),
    )
    read(
        "previous string",
        sm.get_secret_value(SecretId=text_name, VersionStage="AWSPREVIOUS")["SecretString"],
        string_value("put"),
    )
    read(
        "string by version id",
        sm.get_secret_value(SecretId=text_name, VersionId=put_token)["SecretString"],
        string_value("put"),
    )
    read(
        "custom stage",
        sm.get_secret_value(SecretId=text_name, VersionStage="CANARYSTAGE")["SecretString"],
        string_value("staged"),
    )
    read(
        "current binary",
        sm.get_secret_value(SecretId=binary_name)["SecretBinary"],
        binary_value("update"),
    )
    read(
        "previous binary",
        sm.get_secret_value(SecretId=binary_name, VersionStage="AWSPREVIOUS")["SecretBinary"],
        binary_value("put"),
    )
    batch = sm.batch_get_secret_value(SecretIdList=[text_name, binary_name])
    by_name = {entry["Name"]: entry for entry in batch["SecretValues"]}
    read("batch string", by_name[text_name].get("SecretString"), string_value("update"))
    read("batch binary", by_name[binary_name].get("SecretBinary"), binary_value("update"))

    # Responses that describe secrets but must not carry their values.
    for what, response in (
        ("DescribeSecret", sm.describe_secret(SecretId=text_name)),
        ("DescribeSecret binary", sm.describe_secret(SecretId=binary_name)),
        ("ListSecrets", sm.list_secrets(IncludePlannedDeletion=True)),
        ("ListSecretVersionIds", sm.list_secret_version_ids(SecretId=text_name)),
        (
            "ListSecretVersionIds binary",
            sm.list_secret_version_ids(SecretId=binary_name, IncludeDeprecated=True),
        ),
        ("PutSecretValue", sm.put_secret_value(SecretId=doomed_name, SecretString=marker)),
        ("UpdateSecret", sm.update_secret(SecretId=doomed_name, SecretString=marker + "-u")),
    ):
        response.pop("ResponseMetadata", None)
        run.metadata.append((what, json.dumps(response, default=str)))

    # Refusals that involve the values.
    assert (
        _refused(
            run,
            "PutSecretValue token reuse, other value",
            lambda: sm.put_secret_value(
                SecretId=text_name,
                SecretString=string_value("other"),
                ClientRequestToken=put_token,
            ),
        )
        == "ResourceExistsException"
    )
    assert (
        _refused(
            run,
            "CreateSecret token reuse, other value",
            lambda: sm.create_secret(
                Name=text_name,
                SecretString=string_value("other-create"),
                ClientRequestToken=first_token,
            ),
        )
        == "ResourceExistsException"
    )
    _refused(
        run,
        "CreateSecret name taken",
        lambda: sm.create_secret(Name=text_name, SecretString=string_value("taken")),
    )
    _refused(
        run,
        "PutSecretValue binary token reuse, other value",
        lambda: sm.put_secret_value(
            SecretId=text_name, SecretBinary=binary_value("other"), ClientRequestToken=put_token
        ),
    )
    oversized = f"{marker}-oversized-" + "x" * 65536
    for what, call in (
        (
            "CreateSecret oversized",
            lambda: sm.create_secret(Name=f"{text_name}-big", SecretString=oversized),
        ),
        (
            "PutSecretValue oversized",
            lambda: sm.put_secret_value(SecretId=text_name, SecretString=oversized),
        ),
        (
            "UpdateSecret oversized",
            lambda: sm.update_secret(SecretId=text_name, SecretString=oversized),
        ),
        (
            "PutSecretValue oversized multibyte",
            lambda: sm.put_secret_value(SecretId=text_name, SecretString=marker + "é" * 40000),
        ),
        (
            "PutSecretValue oversized binary",
            lambda: sm.put_secret_value(
                SecretId=binary_name, SecretBinary=binary_value("big") + b"\x07" * 65536
            ),
        ),
        (
            "CreateSecret string and binary",
            lambda: sm.create_secret(
                Name=f"{text_name}-both",
                SecretString=string_value("both"),
                SecretBinary=binary_value("both"),
            ),
        ),
        (
            "PutSecretValue missing secret",
            lambda: sm.put_secret_value(
                SecretId=f"{text_name}-missing", SecretString=string_value("missing")
            ),
        ),
        (
            "PutSecretValue bad rotation token",
            lambda: sm.put_secret_value(
                SecretId=text_name,
                SecretString=string_value("rotation"),
                RotationToken=f"{marker}!!not-a-valid-rotation-token",
            ),
        ),
    ):
        _refused(run, what, call)

    sm.delete_secret(SecretId=doomed_name, RecoveryWindowInDays=7)
    _refused(run, "GetSecretValue of deleted", lambda: sm.get_secret_value(SecretId=doomed_name))
    _refused(
        run,
        "PutSecretValue to deleted",
        lambda: sm.put_secret_value(SecretId=doomed_name, SecretString=string_value("deleted")),
    )
    sm.restore_secret(SecretId=doomed_name)
    sm.delete_secret(SecretId=doomed_name, ForceDeleteWithoutRecovery=True)

    # Raw requests carrying the canary that the front end refuses.
    server = run.server
    create = json.dumps(
        {
            "Name": f"{text_name}-raw",
            "SecretString": string_value("raw"),
            "ClientRequestToken": str(uuid.uuid4()),
        }
    ).encode()
    target = "secretsmanager.CreateSecret"
    _raw_refusal(
        run, "bad signature", signed_request(server, target, create, secret="wrong-secret")
    )
    headers = sign(server, target, create)
    _raw_refusal(run, "tampered body", send(server, headers, create.replace(b"raw", b"RAW")))
    _raw_refusal(
        run,
        "unknown access key",
        signed_request(server, target, create, access_key="AKIAKINKONOSUCHKEY02"),
    )
    _raw_refusal(
        run, "unsigned", send(server, {"Content-Type": JSON_11, "X-Amz-Target": target}, create)
    )
    _raw_refusal(run, "malformed JSON", signed_request(server, target, create[:-2]))
    _raw_refusal(
        run,
        "wrong member type",
        signed_request(
            server,
            target,
            json.dumps({"Name": f"{text_name}-t", "SecretString": [marker]}).encode(),
        ),
    )
    _raw_refusal(
        run,
        "invalid base64 binary",
        signed_request(
            server,
            target,
            json.dumps({"Name": f"{text_name}-b", "SecretBinary": f"{marker}!!"}).encode(),
        ),
    )
    _raw_refusal(
        run, "unknown operation", signed_request(server, "secretsmanager.LeakPlease", create)
    )
    _raw_refusal(
        run,
        "wrong content type",
        signed_request(server, target, create, headers={"Content-Type": "text/plain"}),
    )
    huge = json.dumps({"Name": f"{text_name}-huge", "SecretString": marker * 30000}).encode()
    _raw_refusal(run, "oversized body", signed_request(server, target, huge))

    # Nothing the refusals carried was created.
    for suffix in ("-raw", "-t", "-b", "-huge", "-big", "-both", "-missing"):
        _refused(
            run,
            f"DescribeSecret {suffix}",
            lambda suffix=suffix: sm.describe_secret(SecretId=f"{text_name}{suffix}"),
        )


@pytest.fixture(scope="module")
def leak_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LeakRun]:
    root = tmp_path_factory.mktemp("leaks")
    marker = "KINKO-LEAK-CANARY-" + uuid.uuid4().hex
    stamp = uuid.uuid4().hex[:8]
    # Debug logging: a value must not leak at any log level.
    server = start_server(root / "data", "--log-level", "debug")
    run = LeakRun(
        marker=marker,
        server=server,
        names=[f"leaks/{stamp}/text", f"leaks/{stamp}/binary", f"leaks/{stamp}/doomed"],
        needles=_needles(marker),
    )
    try:
        _exercise(run)
        run.files_while_running = _snapshot(root)
    finally:
        server.stop()
    run.files_after_stop = _snapshot(root)
    yield run


def test_values_round_trip(leak_run: LeakRun) -> None:
    assert leak_run.read_back
    for what, got, wanted in leak_run.read_back:
        assert got == wanted, what


def test_scan_reads_what_the_server_wrote(leak_run: LeakRun) -> None:
    """Positive control: the scan sees the databases, their contents and the log."""
    files = leak_run.files_after_stop
    data_dir = leak_run.server.data_dir
    names = {path.name for path in files}
    assert {"root.key", "credentials"} <= names, names
    databases = [path for path in files if data_dir in path.parents and ".db" in path.name]
    assert any(path.name == "global.db" for path in databases), sorted(map(str, files))
    assert any("us-east-1" in path.name for path in databases), sorted(map(str, files))
    # Secret names are metadata and stored in clear: finding one in the region's
    # database (or its WAL) proves the scan reads what the server wrote.
    text_name = leak_run.names[0].encode()
    assert any(text_name in files[path] for path in databases if "us-east-1" in path.name)
    assert leak_run.server.log_path in files
    log = files[leak_run.server.log_path]
    assert b"secretsmanager.CreateSecret" in log


def test_no_file_under_the_data_directory_contains_the_canary(leak_run: LeakRun) -> None:
    data_dir = leak_run.server.data_dir
    for files in (leak_run.files_while_running, leak_run.files_after_stop):
        in_data = {path: content for path, content in files.items() if data_dir in path.parents}
        assert in_data
        assert _hits(in_data, leak_run.needles) == []


def test_server_log_does_not_contain_the_canary(leak_run: LeakRun) -> None:
    log = {leak_run.server.log_path: leak_run.files_after_stop[leak_run.server.log_path]}
    assert _hits(log, leak_run.needles) == []
    text = log[leak_run.server.log_path].decode(errors="replace")
    assert "Traceback" not in text, text
    assert " 500 " not in text, text


def test_nothing_the_server_wrote_contains_the_canary(leak_run: LeakRun) -> None:
    assert _hits(leak_run.files_after_stop, leak_run.needles) == []


def test_error_messages_never_contain_the_canary(leak_run: LeakRun) -> None:
    assert len(leak_run.errors) >= 25
    for what, code, message in leak_run.errors:
        assert code, what
        assert leak_run.marker not in message, (what, code, message)
        assert "KINKO-LEAK" not in message, (what, code, message)
    for what, text in leak_run.raw_error_bodies:
        assert leak_run.marker not in text, (what, text)


def test_refusals_were_the_expected_ones(leak_run: LeakRun) -> None:
    codes = {what: code for what, code, _ in leak_run.errors}
    assert codes["PutSecretValue token reuse, other value"] == "ResourceExistsException"
    assert codes["CreateSecret token reuse, other value"] == "ResourceExistsException"
    assert codes["CreateSecret oversized"] == "ValidationException"
    assert codes["PutSecretValue oversized"] == "ValidationException"
    assert codes["bad signature"] == "InvalidSignatureException"
    assert codes["tampered body"] == "InvalidSignatureException"
    assert codes["unknown access key"] == "UnrecognizedClientException"
    assert codes["unsigned"] == "MissingAuthenticationTokenException"
    assert codes["malformed JSON"] == "SerializationException"
    assert codes["wrong member type"] == "SerializationException"
    assert codes["invalid base64 binary"] == "SerializationException"
    assert codes["oversized body"] == "RequestEntityTooLargeException"
    for suffix in ("-raw", "-t", "-b", "-huge", "-big", "-both", "-missing"):
        assert codes[f"DescribeSecret {suffix}"] == "ResourceNotFoundException", suffix


def test_metadata_responses_do_not_carry_values(leak_run: LeakRun) -> None:
    assert leak_run.metadata
    for what, text in leak_run.metadata:
        assert leak_run.marker not in text, (what, text)
