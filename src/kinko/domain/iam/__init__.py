"""IAM and STS: users, roles, access keys, inline policies and assumed-role sessions.

`IamService.identity_policies(principal)` (or `access.identity_policies(reader, principal)`)
is what the access rules read: the identity-based policy documents of a principal.
"""

from kinko.domain.iam.access import identity_policies
from kinko.domain.iam.arns import Scope
from kinko.domain.iam.service import IamService

__all__ = ["IamService", "Scope", "identity_policies"]
