"""AWS Query responses: an operation's output shape as the XML AWS sends.

    <CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
      <CreateUserResult><User>…</User></CreateUserResult>
      <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata>
    </CreateUserResponse>

Lists are `<member>` elements (or repeated elements when flattened), maps `<entry>` with
`<key>`/`<value>`, booleans `true`/`false`, timestamps ISO 8601 in UTC with a `Z`,
blobs base64. A member whose value is None is left out. Errors:

    <ErrorResponse xmlns="…"><Error><Type>Sender</Type><Code>…</Code>
    <Message>…</Message></Error><RequestId>…</RequestId></ErrorResponse>
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from botocore.model import OperationModel, Shape


def _timestamp(value: Any) -> str:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    else:
        moment = datetime.fromtimestamp(float(value), UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(shape: Shape, value: Any) -> str:
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("integer", "long"):
        return str(int(value))
    if kind in ("float", "double"):
        return repr(float(value))
    if kind == "timestamp":
        return _timestamp(value)
    if kind == "blob":
        data = value if isinstance(value, bytes) else str(value).encode()
        return base64.b64encode(data).decode()
    return escape(str(value))


def _name(shape: Shape, default: str) -> str:
    name: str = shape.serialization.get("name", default)
    return name


def _element(shape: Shape, value: Any, name: str, out: list[str]) -> None:
    kind = shape.type_name
    if kind == "list" and shape.serialization.get("flattened"):
        for item in value:
            _element(shape.member, item, name, out)
        return
    out.append(f"<{name}>")
    if kind == "structure":
        _members(shape, value, out)
    elif kind == "list":
        member_name = _name(shape.member, "member")
        for item in value:
            _element(shape.member, item, member_name, out)
    elif kind == "map":
        key_name = _name(shape.key, "key")
        value_name = _name(shape.value, "value")
        for key, item in value.items():
            out.append("<entry>")
            _element(shape.key, key, key_name, out)
            _element(shape.value, item, value_name, out)
            out.append("</entry>")
    else:
        out.append(_text(shape, value))
    out.append(f"</{name}>")


def _members(shape: Shape, value: dict[str, Any], out: list[str]) -> None:
    for member_name, member in shape.members.items():
        item = value.get(member_name)
        if item is not None:
            _element(member, item, _name(member, member_name), out)


def response_xml(
    operation: OperationModel, namespace: str, result: dict[str, Any], request_id: str
) -> bytes:
    root = f"{operation.name}Response"
    out = [f'<{root} xmlns="{escape(namespace)}">']
    shape = operation.output_shape
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper")
        if wrapper:
            out.append(f"<{wrapper}>")
        _members(shape, result, out)
        if wrapper:
            out.append(f"</{wrapper}>")
    out.append(f"<ResponseMetadata><RequestId>{escape(request_id)}</RequestId></ResponseMetadata>")
    out.append(f"</{root}>")
    return "".join(out).encode()


def error_xml(namespace: str, code: str, message: str, sender: bool, request_id: str) -> bytes:
    kind = "Sender" if sender else "Receiver"
    return (
        f'<ErrorResponse xmlns="{escape(namespace)}"><Error><Type>{kind}</Type>'
        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
        f"<RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
    ).encode()
