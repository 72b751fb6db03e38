"""AWS Query requests: a form-encoded body into the operation's input shape.

The reverse of botocore's QuerySerializer: members by name (or `locationName`), nested
structures as `A.B`, lists as `Name.member.N` (`Name.N` when flattened; `Name=` is the
empty list), maps as `Name.entry.N.key` / `.value`, booleans `true`/`false`, integers,
timestamps in ISO 8601 (or epoch seconds). Values come out in the JSON types
`validation.validate_input` checks (timestamps as epoch seconds, blobs still base64).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from botocore.model import Shape

from kinko.errors import AwsError

_INDEX = re.compile(r"(\d+)(?:\.|$)")


def type_error(raw: str, key: str, expected: str) -> AwsError:
    return AwsError(
        "ValidationError",
        f"1 validation error detected: Value '{raw}' at '{key}' failed to satisfy "
        f"constraint: Member must be {expected}",
    )


def parse_form(body: bytes, query_string: bytes = b"") -> dict[str, str]:
    """The request's parameters: the URL's query string, then the body (which wins)."""
    params: dict[str, str] = {}
    for raw in (query_string, body):
        try:
            pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise AwsError("MalformedQueryString", "The request is not valid UTF-8.") from None
        params.update(pairs)
    return params


def decode_input(shape: Shape | None, form: Mapping[str, str]) -> dict[str, Any]:
    if shape is None:
        return {}
    value = _structure(shape, form, "")
    return value if value is not None else {}


def _serialized_name(shape: Shape, default: str) -> str:
    name: str = shape.serialization.get("name", default)
    return name


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _has_prefix(form: Mapping[str, str], key: str) -> bool:
    dotted = key + "."
    return any(name.startswith(dotted) for name in form)


def _value(shape: Shape, form: Mapping[str, str], key: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, form, key)
    if kind == "list":
        return _list(shape, form, key)
    if kind == "map":
        return _map(shape, form, key)
    raw = form.get(key)
    return None if raw is None else _scalar(kind, raw, key)


def _structure(shape: Shape, form: Mapping[str, str], prefix: str) -> dict[str, Any] | None:
    if prefix and not _has_prefix(form, prefix):
        return None
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        value = _value(member, form, _join(prefix, _serialized_name(member, name)))
        if value is not None:
            out[name] = value
    return out


def _indices(form: Mapping[str, str], prefix: str) -> list[int]:
    dotted = prefix + "."
    found = set()
    for name in form:
        if name.startswith(dotted):
            index = _INDEX.match(name, len(dotted))
            if index:
                found.add(int(index.group(1)))
    return sorted(found)


def _list(shape: Shape, form: Mapping[str, str], key: str) -> list[Any] | None:
    if form.get(key) == "":
        return []
    member = shape.member
    if shape.serialization.get("flattened"):
        item_prefix = key
    else:
        item_prefix = f"{key}.{_serialized_name(member, 'member')}"
    indices = _indices(form, item_prefix)
    if not indices:
        return None
    items = (_value(member, form, f"{item_prefix}.{index}") for index in indices)
    return [item for item in items if item is not None]


def _map(shape: Shape, form: Mapping[str, str], key: str) -> dict[str, Any] | None:
    prefix = key if shape.serialization.get("flattened") else f"{key}.entry"
    key_name = _serialized_name(shape.key, "key")
    value_name = _serialized_name(shape.value, "value")
    out: dict[str, Any] = {}
    for index in _indices(form, prefix):
        entry_key = form.get(f"{prefix}.{index}.{key_name}")
        if entry_key is not None:
            out[entry_key] = _value(shape.value, form, f"{prefix}.{index}.{value_name}")
    return out or None


def _scalar(kind: str, raw: str, key: str) -> Any:
    if kind in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            raise type_error(raw, key, "an integer") from None
    if kind in ("float", "double"):
        try:
            return float(raw)
        except ValueError:
            raise type_error(raw, key, "a number") from None
    if kind == "boolean":
        lowered = raw.lower()
        if lowered not in ("true", "false"):
            raise type_error(raw, key, "a boolean")
        return lowered == "true"
    if kind == "timestamp":
        return _timestamp(raw, key)
    return raw


def _timestamp(raw: str, key: str) -> float:
    try:
        return float(raw)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise type_error(raw, key, "an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
