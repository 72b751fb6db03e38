"""Resource policies: syntax checks and the public-access test.

Full evaluation (principals, conditions, cross-account) comes with the IAM issue;
what is here is what PutResourcePolicy and ValidateResourcePolicy need to answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kinko.errors import AwsError

_VERSIONS = {"2012-10-17", "2008-10-17"}
_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}


def malformed(detail: str = "") -> AwsError:
    message = "This resource policy contains a syntax error."
    return AwsError("MalformedPolicyDocumentException", message + (f" {detail}" if detail else ""))


@dataclass(frozen=True)
class Finding:
    check: str
    message: str


def syntax_findings(document: str) -> list[Finding]:
    """Everything wrong with the document's grammar; empty when it parses cleanly."""
    try:
        policy = json.loads(document)
    except ValueError:
        return [Finding("JSON_SYNTAX", "The policy document is not valid JSON.")]
    if not isinstance(policy, dict):
        return [Finding("JSON_SYNTAX", "The policy document must be a JSON object.")]
    findings = []
    if "Version" in policy and policy["Version"] not in _VERSIONS:
        findings.append(Finding("POLICY_VERSION", "The policy Version must be 2012-10-17."))
    statements = policy.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return [*findings, Finding("MISSING_STATEMENT", "The policy must contain a Statement.")]
    for index, statement in enumerate(statements, start=1):
        findings += _statement_findings(index, statement)
    return findings


def _statement_findings(index: int, statement: Any) -> list[Finding]:
    where = f"Statement {index}"
    if not isinstance(statement, dict):
        return [Finding("STATEMENT_SYNTAX", f"{where} must be a JSON object.")]
    findings = []
    unknown = set(statement) - _STATEMENT_KEYS
    if unknown:
        findings.append(
            Finding(
                "UNKNOWN_ELEMENT", f"{where} has unknown elements: {', '.join(sorted(unknown))}."
            )
        )
    if statement.get("Effect") not in ("Allow", "Deny"):
        findings.append(Finding("EFFECT", f"{where} must have Effect Allow or Deny."))
    if ("Action" in statement) == ("NotAction" in statement):
        findings.append(Finding("ACTION", f"{where} must have exactly one of Action or NotAction."))
    if ("Principal" in statement) == ("NotPrincipal" in statement):
        findings.append(
            Finding("PRINCIPAL", f"{where} must have exactly one of Principal or NotPrincipal.")
        )
    for action in _as_list(statement.get("Action", statement.get("NotAction"))):
        if not isinstance(action, str) or (action != "*" and ":" not in action):
            findings.append(Finding("ACTION", f"{where} has an invalid action: {action}."))
    return findings


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def grants_public_access(document: str) -> bool:
    """True when an Allow statement names every principal with no condition."""
    policy = json.loads(document)
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        if statement.get("Effect") != "Allow" or statement.get("Condition"):
            continue
        if "NotPrincipal" in statement:
            return True
        principal = statement.get("Principal")
        if principal == "*":
            return True
        if isinstance(principal, dict) and "*" in _as_list(principal.get("AWS")):
            return True
    return False


def check_policy(document: str, block_public: bool) -> None:
    findings = syntax_findings(document)
    if findings:
        raise malformed(findings[0].message)
    if block_public and grants_public_access(document):
        raise AwsError(
            "PublicPolicyException",
            "You can't attach a resource-based policy that grants broad access to the secret.",
        )
