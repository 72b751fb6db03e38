"""The Condition element: operators, their parsing, and their AWS semantics.

The rules, from the IAM User Guide pages "Condition operators" and "Conditions with
multiple context keys or values":
- operator blocks AND; keys within a block AND; values for one key OR, and for a negated
  operator (StringNotEquals, NotIpAddress, ...) NOR: the request value must match none;
- a key missing from the request makes a positive operator false and a negated one true
  ("If the policy condition requires that the key is not matched, such as StringNotLike
  or ArnNotLike, and the right key is not present, the condition is true");
- `...IfExists` is true when the key is missing; `Null: true` is true when it is missing;
- `ForAllValues:` is true when every request value matches, and also when the key is
  missing or empty; `ForAnyValue:` needs at least one matching request value, so it is
  false when the key is missing ("Single-valued vs. multivalued context keys").
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kinko.domain.policy.errors import PolicySyntaxError
from kinko.domain.policy.matching import Context, arn_matches, matches
from kinko.domain.policy.values import in_network, network, number, timestamp

_BOOLEANS = {"true", "false"}


class Family(enum.Enum):
    STRING = "String"
    STRING_IGNORE_CASE = "StringIgnoreCase"
    STRING_LIKE = "StringLike"
    ARN = "Arn"
    NUMERIC = "Numeric"
    DATE = "Date"
    BOOL = "Bool"
    IP = "IpAddress"
    BINARY = "Binary"
    NULL = "Null"


class Qualifier(enum.Enum):
    FOR_ANY_VALUE = "ForAnyValue"
    FOR_ALL_VALUES = "ForAllValues"


Compare = Callable[[float, float], bool]

# name → (family, comparison for numbers and dates, negated)
_BASE: dict[str, tuple[str, Family, Compare | None, bool]] = {
    name.lower(): (name, family, compare, negated)
    for name, family, compare, negated in [
        ("StringEquals", Family.STRING, None, False),
        ("StringNotEquals", Family.STRING, None, True),
        ("StringEqualsIgnoreCase", Family.STRING_IGNORE_CASE, None, False),
        ("StringNotEqualsIgnoreCase", Family.STRING_IGNORE_CASE, None, True),
        ("StringLike", Family.STRING_LIKE, None, False),
        ("StringNotLike", Family.STRING_LIKE, None, True),
        # "ArnEquals and ArnLike behave identically", wildcards included.
        ("ArnEquals", Family.ARN, None, False),
        ("ArnLike", Family.ARN, None, False),
        ("ArnNotEquals", Family.ARN, None, True),
        ("ArnNotLike", Family.ARN, None, True),
        ("NumericEquals", Family.NUMERIC, operator.eq, False),
        ("NumericNotEquals", Family.NUMERIC, operator.eq, True),
        ("NumericLessThan", Family.NUMERIC, operator.lt, False),
        ("NumericLessThanEquals", Family.NUMERIC, operator.le, False),
        ("NumericGreaterThan", Family.NUMERIC, operator.gt, False),
        ("NumericGreaterThanEquals", Family.NUMERIC, operator.ge, False),
        ("DateEquals", Family.DATE, operator.eq, False),
        ("DateNotEquals", Family.DATE, operator.eq, True),
        ("DateLessThan", Family.DATE, operator.lt, False),
        ("DateLessThanEquals", Family.DATE, operator.le, False),
        ("DateGreaterThan", Family.DATE, operator.gt, False),
        ("DateGreaterThanEquals", Family.DATE, operator.ge, False),
        ("Bool", Family.BOOL, None, False),
        ("IpAddress", Family.IP, None, False),
        ("NotIpAddress", Family.IP, None, True),
        ("BinaryEquals", Family.BINARY, None, False),
        ("Null", Family.NULL, None, False),
    ]
}


@dataclass(frozen=True)
class Operator:
    name: str  # as AWS spells it, e.g. "ForAllValues:StringNotLikeIfExists"
    family: Family
    compare: Compare | None
    negated: bool
    if_exists: bool
    qualifier: Qualifier | None


@dataclass(frozen=True)
class Condition:
    """One operator applied to one condition key."""

    operator: Operator
    key: str  # as written; looked up case-insensitively
    values: tuple[str, ...]


def parse_operator(text: str) -> Operator:
    """Parse "[ForAnyValue:|ForAllValues:]<Operator>[IfExists]". Names are matched without
    regard to case: lenient, since AWS documents one spelling but a case slip should not
    turn a Deny into a syntax error at evaluation time."""
    base, qualifier = text, None
    prefix, colon, rest = text.partition(":")
    if colon:
        qualifier = next((q for q in Qualifier if q.value.lower() == prefix.lower()), None)
        if qualifier is None:
            raise PolicySyntaxError(f"Unknown condition set operator: {prefix}.")
        base = rest
    if_exists = base.lower().endswith("ifexists") and base.lower() != "ifexists"
    if if_exists:
        base = base[: -len("IfExists")]
    known = _BASE.get(base.lower())
    if known is None:
        raise PolicySyntaxError(f"Unknown condition operator: {text}.")
    name, family, compare, negated = known
    if family is Family.NULL and (if_exists or qualifier):
        raise PolicySyntaxError(f"The Null operator takes no qualifier or suffix: {text}.")
    spelled = (
        (f"{qualifier.value}:" if qualifier else "") + name + ("IfExists" if if_exists else "")
    )
    return Operator(spelled, family, compare, negated, if_exists, qualifier)


def parse_conditions(value: Any) -> tuple[Condition, ...]:
    if not isinstance(value, dict):
        raise PolicySyntaxError("Condition must be an object of condition operators.")
    conditions: list[Condition] = []
    for operator_name, block in value.items():
        op = parse_operator(operator_name)
        if not isinstance(block, dict) or not block:
            raise PolicySyntaxError(f"Condition {op.name} must map condition keys to values.")
        for key, raw in block.items():
            values = tuple(_policy_value(item, op, key) for item in _listed(raw, op, key))
            conditions.append(Condition(op, key, values))
    return tuple(conditions)


def _listed(raw: Any, op: Operator, key: str) -> list[Any]:
    listed = raw if isinstance(raw, list) else [raw]
    if not key or not listed:
        raise PolicySyntaxError(f"Condition {op.name} has an empty key or value list.")
    return listed


def _policy_value(item: Any, op: Operator, key: str) -> str:
    if isinstance(item, bool):
        text = "true" if item else "false"
    elif isinstance(item, int | float | str):
        text = str(item)
    else:
        raise PolicySyntaxError(f"Condition {op.name} {key} has a value that is not a string.")
    if not _valid(op.family, text):
        raise PolicySyntaxError(f"Condition {op.name} {key} has an invalid value: {text}.")
    return text


def _valid(family: Family, text: str) -> bool:
    """Values that could never match are refused up front rather than silently ignored."""
    if family is Family.NUMERIC:
        return number(text) is not None
    if family is Family.DATE:
        return timestamp(text) is not None
    if family is Family.IP:
        return network(text) is not None
    if family is Family.NULL:
        return text.lower() in _BOOLEANS
    if family is Family.BOOL:  # Bool takes policy variables
        return text.lower() in _BOOLEANS or "${" in text
    return True


def _test(op: Operator, actual: str, expected: str, variables: Context | None) -> bool:
    """One request value against one policy value, before negation."""
    family = op.family
    if family is Family.STRING:
        return matches(expected, actual, variables, wildcards=False)
    if family is Family.STRING_IGNORE_CASE:
        return matches(expected, actual, variables, wildcards=False, ignore_case=True)
    if family is Family.STRING_LIKE:
        return matches(expected, actual, variables)
    if family is Family.ARN:
        return arn_matches(expected, actual, variables)
    if family is Family.BOOL:
        return matches(expected, actual, variables, wildcards=False, ignore_case=True)
    if family is Family.IP:
        return in_network(actual, expected)
    if family is Family.BINARY:
        return actual == expected
    parse = number if family is Family.NUMERIC else timestamp
    left, right = parse(actual), parse(expected)
    return (
        left is not None
        and right is not None
        and op.compare is not None
        and op.compare(left, right)
    )


def holds(condition: Condition, context: Context, variables: bool) -> bool:
    """Whether one operator/key pair is satisfied. `variables` turns on `${...}`."""
    op = condition.operator
    present = context.get(condition.key.lower())
    actual = (present,) if isinstance(present, str) else (present or ())
    if op.family is Family.NULL:
        return ("false" if actual else "true") in {value.lower() for value in condition.values}
    if not actual:
        if op.if_exists or op.qualifier is Qualifier.FOR_ALL_VALUES:
            return True
        if op.qualifier is Qualifier.FOR_ANY_VALUE:
            return False
        return op.negated
    scope = context if variables else None

    def matched(value: str) -> bool:
        return any(_test(op, value, expected, scope) for expected in condition.values)

    if op.qualifier is Qualifier.FOR_ALL_VALUES:
        return all(matched(value) != op.negated for value in actual)
    if op.qualifier is Qualifier.FOR_ANY_VALUE:
        return any(matched(value) != op.negated for value in actual)
    # No set operator on a multivalued key: it matches when any value does, and a negated
    # operator when none does, so StringNotEquals stays the exact negation of StringEquals.
    return any(matched(value) for value in actual) != op.negated


def all_hold(conditions: tuple[Condition, ...], context: Context, variables: bool) -> bool:
    return all(holds(condition, context, variables) for condition in conditions)
