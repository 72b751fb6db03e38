"""IAM policy evaluation: parse policy documents, decide requests the way AWS does.

Pure: callers fetch the policies and the request context and pass them in.
"""

from kinko.domain.policy.conditions import Condition, Operator, Qualifier, parse_operator
from kinko.domain.policy.document import (
    CURRENT_VERSION,
    Effect,
    Policy,
    PolicyKind,
    Statement,
    parse_policy,
)
from kinko.domain.policy.engine import (
    Authorization,
    Decision,
    PolicyType,
    Request,
    authorize,
    denial_reason,
    evaluate_identity,
    evaluate_resource,
    request_context,
)
from kinko.domain.policy.errors import PolicySyntaxError
from kinko.domain.policy.matching import action_matches, arn_matches, resource_matches
from kinko.domain.policy.principals import Principals
from kinko.domain.policy.public import is_public

__all__ = [
    "CURRENT_VERSION",
    "Authorization",
    "Condition",
    "Decision",
    "Effect",
    "Operator",
    "Policy",
    "PolicyKind",
    "PolicySyntaxError",
    "PolicyType",
    "Principals",
    "Qualifier",
    "Request",
    "Statement",
    "action_matches",
    "arn_matches",
    "authorize",
    "denial_reason",
    "evaluate_identity",
    "evaluate_resource",
    "is_public",
    "parse_operator",
    "parse_policy",
    "request_context",
    "resource_matches",
]
