"""STS AssumeRole: who may assume a role, for how long, and the credentials it yields.

The trust policy is evaluated with the policy engine as a resource-based policy on the
role: it must allow sts:AssumeRole for the caller, naming it (its user, its role, its
session) or its account. The caller's own authorization is then asked of the access rules
with the trust policy as the resource policy, so that a trust policy naming only the
account also needs the caller's identity policies to allow sts:AssumeRole, as on AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kinko.domain.crypto import RootKey
from kinko.domain.iam.arns import Scope, parse_role_arn
from kinko.domain.iam.errors import access_denied, validation
from kinko.domain.iam.ids import new_secret_access_key, new_session_key_id, new_session_token
from kinko.domain.identity import Caller, Principal, token_hash
from kinko.domain.policy import Decision, Request, evaluate_resource, parse_policy
from kinko.errors import AwsError
from kinko.storage.interface import GlobalStore, GlobalTx
from kinko.storage.records import IamRoleRecord, SessionRecord

ACTION = "sts:AssumeRole"
DEFAULT_DURATION = 3600
CHAINED_MAX = 3600
# Expired sessions are kept a while so their tokens answer ExpiredToken, not "invalid".
EXPIRED_RETENTION = 7 * 86400
ROOT_REFUSED = "Roles may not be assumed by root accounts."
OVER_MAX = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
OVER_CHAINED = (
    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
    "role chaining."
)


@dataclass(frozen=True)
class AssumeRequest:
    role_arn: str
    session_name: str
    duration: int | None = None
    context: Mapping[str, str | list[str] | None] | None = None  # sts:ExternalId, ...


@dataclass(frozen=True)
class IssuedSession:
    session: SessionRecord
    secret_access_key: str
    session_token: str


def not_authorized(principal_arn: str, role_arn: str) -> AwsError:
    return access_denied(
        f"User: {principal_arn} is not authorized to perform: {ACTION} on resource: {role_arn}"
    )


def trust_allows(
    role: IamRoleRecord, principal: Principal, context: Mapping[str, str | list[str] | None]
) -> bool:
    request = Request(ACTION, role.arn, principal.arn, principal.account_id, context)
    return evaluate_resource(parse_policy(role.trust_policy, "resource"), request) is (
        Decision.ALLOW
    )


def session_duration(role: IamRoleRecord, principal: Principal, requested: int | None) -> int:
    duration = DEFAULT_DURATION if requested is None else requested
    if duration > role.max_session_duration:
        raise validation(OVER_MAX)
    if principal.kind == "assumed-role" and duration > CHAINED_MAX:
        raise validation(OVER_CHAINED)
    return duration


class Sessions:
    def __init__(self, store: GlobalStore, root_key: RootKey) -> None:
        self._store = store
        self._root_key = root_key

    def _role(self, principal: Principal, partition: str, role_arn: str) -> IamRoleRecord:
        parsed = parse_role_arn(role_arn)
        if parsed is None:
            raise validation(f"{role_arn} is not a valid role ARN.")
        role = None
        if parsed.partition == partition:
            reader = self._store.reader()
            role = reader.iam_role(parsed.account_id, parsed.partition, parsed.name)
        if role is None or role.path != parsed.path:
            raise not_authorized(principal.arn, role_arn)
        return role

    async def assume_role(
        self, caller: Caller, partition: str, ask: AssumeRequest, now: float
    ) -> IssuedSession:
        principal = caller.principal
        if principal.is_root:
            raise access_denied(ROOT_REFUSED)
        role = self._role(principal, partition, ask.role_arn)
        context = dict(ask.context or {})
        if principal.role_arn:
            # For a session, aws:PrincipalArn is its role's ARN (with the role's path).
            context["aws:PrincipalArn"] = principal.role_arn
        if not trust_allows(role, principal, context):
            raise not_authorized(principal.arn, ask.role_arn)
        caller.authorize(
            ACTION,
            role.arn,
            resource_account=role.account_id,
            resource_policy=role.trust_policy,
            context=context,
        )
        duration = session_duration(role, principal, ask.duration)
        return await self._issue(role, ask.session_name, principal.arn, now, now + duration)

    async def _issue(
        self, role: IamRoleRecord, session_name: str, source_arn: str, now: float, until: float
    ) -> IssuedSession:
        key_id = new_session_key_id()
        secret = new_secret_access_key()
        token = new_session_token()
        scope = Scope(role.account_id, role.partition)
        session = SessionRecord(
            access_key_id=key_id,
            account_id=role.account_id,
            partition=role.partition,
            role_id=role.role_id,
            role_name=role.role_name,
            role_arn=role.arn,
            session_name=session_name,
            arn=scope.assumed_role_arn(role.role_name, session_name),
            secret_wrapped=self._root_key.wrap(secret.encode(), key_id),
            token_hash=token_hash(token),
            expiration=float(int(until)),
            created_date=now,
            source_arn=source_arn,
        )

        def issue(tx: GlobalTx) -> None:
            tx.delete_sessions_expired_before(now - EXPIRED_RETENTION)
            if tx.iam_role_by_id(role.role_id) is None:
                raise not_authorized(source_arn, role.arn)
            tx.insert_session(session)

        await self._store.write(issue)
        return IssuedSession(session, secret, token)
