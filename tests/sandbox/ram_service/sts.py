"""STS ``AssumeRole`` and what the tokens it issues may do.

Wire facts from the API reference (https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerole)
and the STS common-errors page (https://www.alibabacloud.com/help/doc-detail/42775.htm):

* Parameters: ``RoleArn`` (``acs:ram::<uid>:role/<name>``), ``RoleSessionName`` (2-64 of
  ``[A-Za-z0-9.@_-]``), ``DurationSeconds`` (900 up to the role's ``MaxSessionDuration``; the
  absolute ceiling 43200; default 3600), optional ``Policy`` (at most 2048 characters; narrows the
  role's permissions: the token may do what both allow), optional ``ExternalId`` (2-1224 of
  ``[\\w+=,.@:/-]``) matched against ``sts:ExternalId`` conditions of the trust policy.
* The caller must be a RAM user or a role session: the root account is refused with 403
  ``NoPermission`` "Roles may not be assumed by root accounts.". The caller needs an Allow for
  ``sts:AssumeRole`` on the role ARN (``AliyunSTSAssumeRoleAccess``), and the role's trust policy must
  name it (``RAM: ["acs:ram::<uid>:root"]`` trusts every RAM identity of that account; a user or role
  ARN trusts that one). Both refusals are 403 ``NoPermission`` "You are not authorized to do this
  action. You should be authorized by RAM." (the API reference lists both causes for that one
  message); ``AccessDeniedDetail.PolicyType`` tells them apart here (``AssumeRolePolicy`` for the trust
  policy: a choice of this service).
* Errors: ``InvalidParameter.RoleSessionName`` "The parameter RoleSessionName is wrongly formed.",
  ``InvalidParameter.DurationSeconds`` "The Min/Max value of DurationSeconds is 15min/<max>.",
  ``InvalidParameter.PolicyGrammar`` "The parameter Policy has not passed grammar check.", all 400;
  an unknown role 404 ``EntityNotExist.Role``; a malformed ARN 400 ``InvalidParameter.RoleArn``.
* Answer: ``Credentials`` {``AccessKeyId`` "STS." + 28 alphanumerics, ``AccessKeySecret``,
  ``SecurityToken``, ``Expiration`` (UTC ``...Z``)} and ``AssumedRoleUser`` {``Arn``
  ``acs:ram::<uid>:assumed-role/<role name, lower case>/<session>``, ``AssumedRoleId``
  ``<RoleId>:<session>``}.

Token checks (in ``app.py``): a token is refused once expired with 400 ``InvalidSecurityToken.Expired``
"Specified SecurityToken is expired.", a token that does not belong to the key with 400
``InvalidSecurityToken.MismatchWithAccessKey``, an STS key sent without its token with 400
``MissingSecurityToken`` (codes of the public POP error list,
https://error-center.alibabacloud.com/status/product/Public; the statuses are this service's choice).
Simplified: trust-policy ``Condition`` blocks are evaluated for ``sts:ExternalId`` only (others hold).
"""

import base64
import json
import re
import secrets

from .api import STS_VERSION, action
from .errors import RamError, invalid_parameter
from .policy_eval import parse_policy, wildcard_match
from .store import random_string

ROLE_ARN_RE = re.compile(r"^acs:ram::(\d{16}):role/([A-Za-z0-9.-]{1,64})$")
SESSION_NAME_RE = re.compile(r"^[A-Za-z0-9.@_-]{2,64}$")
EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
MIN_DURATION, MAX_DURATION, DEFAULT_DURATION = 900, 43200, 3600
MAX_INLINE_POLICY = 2048
NOT_AUTHORIZED = "You are not authorized to do this action. You should be authorized by RAM."


def duration_error(maximum):
    return invalid_parameter("DurationSeconds", message="The Min/Max value of DurationSeconds is 15min/%s."
                             % ("%dhr" % (maximum // 3600) if maximum % 3600 == 0 else "%ds" % maximum))


def inline_policy(params):
    text = params.get("Policy")
    if not text:
        return None
    try:
        if len(text) > MAX_INLINE_POLICY:
            raise RamError("MalformedPolicyDocument")
        parse_policy(text, "Policy")
    except RamError:
        raise RamError("InvalidParameter.PolicyGrammar", "The parameter Policy has not passed grammar check.") from None
    return text


def _as_list(value):
    return [value] if isinstance(value, str) else list(value or [])


def _conditions_hold(condition, external_id):
    """Only ``sts:ExternalId`` is evaluated (StringEquals/StringLike and their negations)."""
    for operator, block in (condition or {}).items():
        for key, expected in block.items():
            if key.lower() != "sts:externalid":
                continue
            values = _as_list(expected)
            if operator in ("StringEquals", "StringLike"):
                like = operator == "StringLike"
                if external_id is None or not any(
                        wildcard_match(v, external_id) if like else v == external_id for v in values):
                    return False
            elif operator in ("StringNotEquals", "StringNotLike"):
                like = operator == "StringNotLike"
                if external_id is not None and any(
                        wildcard_match(v, external_id) if like else v == external_id for v in values):
                    return False
    return True


def trust_decision(trust_policy, principal_arns, external_id):
    """``Allow``, ``ExplicitDeny`` or ``ImplicitDeny`` of a role trust policy for a caller."""
    document = json.loads(trust_policy)
    wanted = {arn.lower() for arn in principal_arns}
    allowed = False
    for statement in document.get("Statement", []):
        if not any(wildcard_match(a, "sts:AssumeRole", True) for a in _as_list(statement.get("Action"))):
            continue
        principals = _as_list(statement.get("Principal", {}).get("RAM"))
        if not any(any(wildcard_match(p.lower(), arn) for arn in wanted) for p in principals):
            continue
        if not _conditions_hold(statement.get("Condition"), external_id):
            continue
        if statement.get("Effect") == "Deny":
            return "ExplicitDeny"
        allowed = True
    return "Allow" if allowed else "ImplicitDeny"


def new_sts_credentials():
    token = "CAIS" + base64.b64encode(secrets.token_bytes(240)).decode("ascii")
    return "STS." + random_string(28), random_string(44), token


@action("AssumeRole", version=STS_VERSION, public=True)
def assume_role(ctx):
    params = ctx.params
    arn = params.required("RoleArn")
    session_name = params.required("RoleSessionName")
    if not SESSION_NAME_RE.match(session_name):
        raise invalid_parameter("RoleSessionName", message="The parameter RoleSessionName is wrongly formed.")
    raw_duration = params.get("DurationSeconds") or str(DEFAULT_DURATION)
    try:
        duration = int(raw_duration)
    except ValueError:
        raise duration_error(MAX_DURATION) from None
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise duration_error(MAX_DURATION)
    policy = inline_policy(params)
    external_id = params.get("ExternalId") or None
    if external_id is not None and not EXTERNAL_ID_RE.match(external_id):
        raise invalid_parameter("ExternalId", message="The parameter ExternalId is wrongly formed.")
    match = ROLE_ARN_RE.match(arn)
    if not match:
        raise invalid_parameter("RoleArn", message="The parameter RoleArn is wrongly formed.")
    if ctx.caller.is_root:
        raise RamError("NoPermission", "Roles may not be assumed by root accounts.")
    decision = ctx.decide("sts:AssumeRole", arn)
    if decision != "Allow":
        raise ctx.denied("sts:AssumeRole", decision, NOT_AUTHORIZED)
    target_id, role_name = match.groups()
    target = ctx.env.accounts.get(target_id)
    if target is None:
        raise RamError("EntityNotExist.Role", "The specified Role not exists: %s." % arn)
    if target_id == ctx.account_id:
        return _issue(ctx, ctx.store, arn, role_name, session_name, duration, policy, external_id)
    with target.transaction() as store:
        return _issue(ctx, store, arn, role_name, session_name, duration, policy, external_id)


def _issue(ctx, store, arn, role_name, session_name, duration, policy, external_id):
    role = store.role_by_arn_name(role_name)
    if role is None:
        raise RamError("EntityNotExist.Role", "The specified Role not exists: %s." % arn)
    trust = trust_decision(role["trust_policy"], ctx.caller.principal_arns(ctx.account_id), external_id)
    if trust != "Allow":
        raise ctx.denied("sts:AssumeRole", trust, NOT_AUTHORIZED, policy_type="AssumeRolePolicy")
    if duration > role["max_session_duration"]:
        raise duration_error(role["max_session_duration"])
    clock = ctx.env.clock
    issued = clock.time()
    key_id, secret, token = new_sts_credentials()
    store.execute("INSERT INTO sts_tokens (access_key_id, secret, security_token, role_pk, role_name, role_id, "
                  "session_name, policy, caller_arn, expires_at, create_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (key_id, secret, token, role["pk"], role["name"], role["role_id"], session_name, policy,
                   ctx.caller.arn(ctx.account_id), issued + duration, clock.iso(issued)))
    ctx.env.accounts.remember_key(key_id, store.account_id)
    return {
        "Credentials": {"AccessKeyId": key_id, "AccessKeySecret": secret, "SecurityToken": token,
                        "Expiration": clock.iso(issued + duration)},
        "AssumedRoleUser": {"Arn": "acs:ram::%s:assumed-role/%s/%s" % (store.account_id, role["name"].lower(),
                                                                       session_name),
                            "AssumedRoleId": "%s:%s" % (role["role_id"], session_name)},
    }
