"""Model-driven validation speaks AWS's ValidationException dialect."""

from __future__ import annotations

import base64

import pytest

from kinko.errors import AwsError
from kinko.protocol.model import operation
from kinko.protocol.validation import validate_input


def _validate(op: str, params: object) -> dict[str, object]:
    model = operation("secretsmanager", op)
    assert model is not None
    return validate_input(model.input_shape, params)


def _error(op: str, params: object) -> AwsError:
    with pytest.raises(AwsError) as caught:
        _validate(op, params)
    return caught.value


def test_missing_required_member() -> None:
    error = _error("CreateSecret", {})
    assert error.code == "ValidationException"
    assert error.message == (
        "1 validation error detected: Value null at 'name' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_length_and_count_of_errors() -> None:
    error = _error("GetSecretValue", {"SecretId": "", "VersionId": "short"})
    assert error.message.startswith("2 validation errors detected: ")
    assert (
        "Value '' at 'secretId' failed to satisfy constraint: Member must have length "
        "greater than or equal to 1" in error.message
    )
    assert "; " in error.message


def test_enum_names_the_nested_path() -> None:
    error = _error("ListSecrets", {"Filters": [{"Key": "colour", "Values": ["x"]}]})
    assert (
        "Value 'colour' at 'filters.1.member.key' failed to satisfy constraint: "
        "Member must satisfy enum value set: [" in error.message
    )


def test_pattern_violation() -> None:
    error = _error("ListSecrets", {"Filters": [{"Key": "name", "Values": ["a#b"]}]})
    assert "Member must satisfy regular expression pattern" in error.message


def test_numbers_have_value_bounds() -> None:
    error = _error("GetRandomPassword", {"PasswordLength": 4097})
    assert error.message.endswith("Member must have value less than or equal to 4096")


def test_sensitive_values_are_never_echoed() -> None:
    error = _error("PutSecretValue", {"SecretId": "x", "SecretString": "s" * 65537})
    assert "sss" not in error.message
    assert "Value at 'secretString'" in error.message


def test_blobs_are_decoded_and_checked_as_bytes() -> None:
    params = _validate(
        "PutSecretValue", {"SecretId": "x", "SecretBinary": base64.b64encode(b"\x00\x01").decode()}
    )
    assert params["SecretBinary"] == b"\x00\x01"
    error = _error("PutSecretValue", {"SecretId": "x", "SecretBinary": "not base64!"})
    assert error.code == "SerializationException"


@pytest.mark.parametrize(
    "params",
    [
        {"Name": 5},
        {"Name": "x", "Tags": {"Key": "a"}},
        {"Name": "x", "ForceOverwriteReplicaSecret": "yes"},
        [],
    ],
)
def test_wrong_types_are_serialization_errors(params: object) -> None:
    assert _error("CreateSecret", params).code == "SerializationException"


def test_unknown_members_are_ignored() -> None:
    assert _validate("DescribeSecret", {"SecretId": "x", "Colour": "red"}) == {"SecretId": "x"}


def test_utf16_length_like_java() -> None:
    # An emoji is two UTF-16 code units: 256 of them exceed a 512-character limit? No: equal.
    assert _validate("CreateSecret", {"Name": "\U0001f600" * 256})["Name"]
    error = _error("CreateSecret", {"Name": "\U0001f600" * 257})
    assert "length less than or equal to 512" in error.message
