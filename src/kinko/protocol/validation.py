"""Input validation driven by botocore shapes, worded as AWS's front end words it.

Type mismatches are `SerializationException` (the JSON could not be read into the
shape); constraint violations are collected into one `ValidationException`:
"2 validation errors detected: Value 'x' at 'name' failed to satisfy constraint: ...".
Blobs arrive base64-encoded and leave this module as bytes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import cache
from typing import Any

from botocore.model import Shape

from kinko.errors import serialization_error, validation_error
from kinko.protocol.javaregex import compile_java

Check = Callable[[Any, str, list[str]], Any]


def validate_input(shape: Shape | None, params: Any) -> dict[str, Any]:
    """Check `params` against the input shape; returns them with blobs decoded."""
    if shape is None:
        return {}
    if not isinstance(params, dict):
        raise serialization_error("Start of structure or map found where not expected.")
    errors: list[str] = []
    result: dict[str, Any] = _compiled(shape)(params, "", errors)
    if errors:
        count = len(errors)
        noun = "error" if count == 1 else "errors"
        raise validation_error(f"{count} validation {noun} detected: " + "; ".join(errors))
    return result


def _member_path(parent: str, name: str) -> str:
    member = name[:1].lower() + name[1:]
    return f"{parent}.{member}" if parent else member


def _render(value: Any, sensitive: bool) -> str:
    if sensitive:
        return "Value"
    if value is None:
        return "Value null"
    if isinstance(value, list):
        return "Value '[" + ", ".join(str(v) for v in value) + "]'"
    if isinstance(value, bool):
        return f"Value '{str(value).lower()}'"
    if isinstance(value, bytes):
        return "Value"
    return f"Value '{value}'"


def _fail(errors: list[str], value: Any, path: str, sensitive: bool, constraint: str) -> None:
    errors.append(
        f"{_render(value, sensitive)} at '{path}' failed to satisfy constraint: {constraint}"
    )


@cache
def _compiled(shape: Shape) -> Check:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape)
    if kind == "list":
        return _list(shape)
    if kind == "map":
        return _map(shape)
    if kind == "string":
        return _string(shape)
    if kind in ("integer", "long"):
        return _number(shape)
    if kind == "boolean":
        return _boolean()
    if kind == "blob":
        return _blob(shape)
    if kind == "timestamp":
        return _timestamp()
    return lambda value, path, errors: value


def _structure(shape: Shape) -> Check:
    members = shape.members
    required = tuple(shape.required_members)
    # Members are compiled lazily: shapes may be recursive.
    checks: dict[str, Check] = {}

    def check(value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, dict):
            raise serialization_error("Start of structure or map found where not expected.")
        out: dict[str, Any] = {}
        for name in required:
            if value.get(name) is None:
                _fail(errors, None, _member_path(path, name), False, "Member must not be null")
        for name, item in value.items():
            member = members.get(name)
            if member is None or item is None:
                continue  # AWS ignores members it does not model
            member_check = checks.get(name)
            if member_check is None:
                member_check = checks[name] = _compiled(member)
            out[name] = member_check(item, _member_path(path, name), errors)
        return out

    return check


def _length_checks(shape: Shape) -> tuple[int | None, int | None]:
    meta = shape.metadata
    return meta.get("min"), meta.get("max")


def _check_length(
    value: Any, size: int, path: str, errors: list[str], shape: Shape, sensitive: bool
) -> None:
    low, high = _length_checks(shape)
    if low is not None and size < low:
        _fail(
            errors,
            value,
            path,
            sensitive,
            f"Member must have length greater than or equal to {low}",
        )
    if high is not None and size > high:
        _fail(
            errors, value, path, sensitive, f"Member must have length less than or equal to {high}"
        )


def _list(shape: Shape) -> Check:
    member = shape.member

    def check(value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, list):
            raise serialization_error("Start of list found where not expected.")
        item_check = _compiled(member)
        items = [
            item_check(item, f"{path}.{index}.member", errors)
            for index, item in enumerate(value, start=1)
        ]
        _check_length(value, len(value), path, errors, shape, False)
        return items

    return check


def _map(shape: Shape) -> Check:
    def check(value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, dict):
            raise serialization_error("Start of structure or map found where not expected.")
        value_check = _compiled(shape.value)
        return {key: value_check(item, f"{path}.{key}", errors) for key, item in value.items()}

    return check


def _string(shape: Shape) -> Check:
    sensitive = bool(shape.metadata.get("sensitive"))
    enum = shape.enum
    pattern_text = shape.metadata.get("pattern")
    pattern = compile_java(pattern_text) if pattern_text else None

    def check(value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, str):
            raise serialization_error(f"Expected a string value at '{path}'.")
        # Java strings count UTF-16 code units; so does AWS's front end.
        size = len(value.encode("utf-16-le")) // 2 if not value.isascii() else len(value)
        _check_length(value, size, path, errors, shape, sensitive)
        if enum and value not in enum:
            _fail(
                errors,
                value,
                path,
                sensitive,
                "Member must satisfy enum value set: [" + ", ".join(enum) + "]",
            )
        if pattern is not None and pattern.fullmatch(value) is None:
            _fail(
                errors,
                value,
                path,
                sensitive,
                f"Member must satisfy regular expression pattern: {pattern_text}",
            )
        return value

    return check


def _number(shape: Shape) -> Check:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")

    def check(value: Any, path: str, errors: list[str]) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise serialization_error(f"Expected a number at '{path}'.")
        if isinstance(value, float):
            if not value.is_integer():
                raise serialization_error(f"Expected an integer at '{path}'.")
            value = int(value)
        if low is not None and value < low:
            _fail(
                errors, value, path, False, f"Member must have value greater than or equal to {low}"
            )
        if high is not None and value > high:
            _fail(
                errors, value, path, False, f"Member must have value less than or equal to {high}"
            )
        return value

    return check


def _boolean() -> Check:
    def check(value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, bool):
            raise serialization_error(f"Expected a boolean at '{path}'.")
        return value

    return check


def _blob(shape: Shape) -> Check:
    def check(value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, str):
            raise serialization_error(f"Expected a base64-encoded string at '{path}'.")
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serialization_error(f"Value at '{path}' is not valid base64.") from None
        # Binary values are never echoed back, sensitive or not.
        _check_length(data, len(data), path, errors, shape, True)
        return data

    return check


def _timestamp() -> Check:
    def check(value: Any, path: str, errors: list[str]) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise serialization_error(f"Expected an epoch-seconds timestamp at '{path}'.")
        return float(value)

    return check
