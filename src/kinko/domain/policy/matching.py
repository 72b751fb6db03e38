"""Wildcards and policy variables: how actions, resource ARNs and condition strings match.

Every pattern is turned into an anchored regular expression. Policy variables
(`${aws:username}`) are substituted first, as literal text, so a `*` inside a user name
never acts as a wildcard. A variable whose key is missing (and has no default) makes the
pattern match nothing: AWS's "if AWS cannot resolve a variable ... the statement might be
invalid" (IAM User Guide, "Policy variables with no value").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

# The request context, normalised: lower-case keys, only keys that are present. A list
# stays a tuple even with one member, because multivalued keys never substitute as
# variables (IAM User Guide, "Single-valued vs. multivalued context keys").
Context = Mapping[str, str | tuple[str, ...]]

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
# `${key}` or `${key, 'default'}`; a quote inside the default is written ''.
_VARIABLE_BODY = re.compile(r"\s*([^\s,']+)\s*(?:,\s*'((?:[^']|'')*)'\s*)?")
# `${*}`, `${?}` and `${$}` stand for the characters themselves.
_ESCAPED = {"*", "?", "$"}
_ARN_FIELDS_BEFORE_RESOURCE = 5


def normalise_context(
    raw: Mapping[str, str | list[str] | tuple[str, ...] | None],
) -> dict[str, str | tuple[str, ...]]:
    """Lower-case the keys (condition keys are case-insensitive) and drop absent values."""
    context: dict[str, str | tuple[str, ...]] = {}
    for key, value in raw.items():
        if value is None:
            continue
        context[key.lower()] = value if isinstance(value, str) else tuple(value)
    return context


def variable_value(name: str, context: Context) -> str | None:
    """The single value a variable stands for; None when missing or multivalued."""
    value = context.get(name.lower())
    return value if isinstance(value, str) else None


def _text_regex(text: str, wildcards: bool, arn_fields: int | None) -> tuple[str, int | None]:
    """Regex for literal policy text. With `arn_fields` (ArnLike), wildcards in the first
    five ARN fields stop at ':'; the count of ':' seen so far is threaded through."""
    parts: list[str] = []
    for char in text:
        confined = arn_fields is not None and arn_fields < _ARN_FIELDS_BEFORE_RESOURCE
        if wildcards and char == "*":
            parts.append("[^:]*" if confined else ".*")
        elif wildcards and char == "?":
            parts.append("[^:]" if confined else ".")
        else:
            parts.append(re.escape(char))
            if char == ":" and arn_fields is not None:
                arn_fields += 1
    return "".join(parts), arn_fields


def pattern_regex(
    pattern: str, context: Context | None, *, wildcards: bool, arn: bool = False
) -> str | None:
    """The regex source for `pattern`, or None when a variable cannot be resolved.

    `context` None means variables are off (policy Version 2008-10-17 or none, where
    `${...}` is literal text, per the IAM User Guide's Version element page).
    """
    # ArnLike confines wildcards to one field; a bare "*" (no fields at all) still
    # matches every ARN.
    arn_fields: int | None = 0 if arn and ":" in pattern else None
    if context is None or "${" not in pattern:
        return _text_regex(pattern, wildcards, arn_fields)[0]
    parts: list[str] = []
    position = 0
    for found in _VARIABLE.finditer(pattern):
        text, arn_fields = _text_regex(pattern[position : found.start()], wildcards, arn_fields)
        parts.append(text)
        position = found.end()
        body = found.group(1)
        if body in _ESCAPED:
            parts.append(re.escape(body))
            continue
        parsed = _VARIABLE_BODY.fullmatch(body)
        if parsed is None:
            return None
        value = variable_value(parsed.group(1), context)
        if value is None and parsed.group(2) is not None:
            value = parsed.group(2).replace("''", "'")
        if value is None:
            return None
        parts.append(re.escape(value))
    parts.append(_text_regex(pattern[position:], wildcards, arn_fields)[0])
    return "".join(parts)


@lru_cache(maxsize=4096)
def _compiled(source: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(source, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def matches(
    pattern: str,
    value: str,
    context: Context | None,
    *,
    wildcards: bool = True,
    ignore_case: bool = False,
    arn: bool = False,
) -> bool:
    """Whether `value` matches `pattern` as a whole."""
    source = pattern_regex(pattern, context, wildcards=wildcards, arn=arn)
    if source is None:
        return False
    return _compiled(source, ignore_case).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    """IAM actions are case-insensitive; `*` and `?` are the only wildcards and the
    Action element takes no policy variables."""
    return matches(pattern, action, None, ignore_case=True)


def resource_matches(pattern: str, resource: str, context: Context | None) -> bool:
    """Resource ARNs are case-sensitive; a wildcard may span ':' and '/'."""
    return matches(pattern, resource, context)


def arn_matches(pattern: str, arn: str, context: Context | None) -> bool:
    """ArnEquals/ArnLike: "each of the six colon-delimited components of the ARN is checked
    separately" (IAM User Guide, "ARN condition operators"), so wildcards in the first five
    fields do not cross ':'; the resource field takes the rest, colons included."""
    return matches(pattern, arn, context, arn=True)
