"""The dispatch table and what every action handler shares: parameters, caller, paging.

Handlers register with ``@action("CreateUser", resource=("user", "UserName"))`` into ``ACTIONS``,
keyed by ``(version, action)``. A handler takes a ``Context`` and returns the response body without
``RequestId``. ``resource`` names the RAM resource the action is authorised against
(``acs:ram:*:<account>:<kind>/<name>``, ``*`` when the parameter is absent; account-level actions
use ``acs:ram:*:<account>:*``).
"""

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Callable, Optional, Tuple

from .errors import RamError, invalid_parameter, missing_parameter
from .policy_eval import evaluate

RAM_VERSION = "2015-05-01"
STS_VERSION = "2015-04-01"
RM_VERSION = "2020-03-31"
# version -> the service prefix of policy actions ("ram:CreateUser", "resourcemanager:ListAccounts")
NAMESPACES = {RAM_VERSION: "ram", STS_VERSION: "sts", RM_VERSION: "resourcemanager"}
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

# parameter -> (max length, allowed characters); the RAM naming rules of the SDK docs.
NAME_RULES = {
    "UserName": (64, "A-Za-z0-9._-"),
    "NewUserName": (64, "A-Za-z0-9._-"),
    "GroupName": (64, "A-Za-z0-9._-"),
    "NewGroupName": (64, "A-Za-z0-9._-"),
    "PolicyName": (128, "A-Za-z0-9-"),
    "RoleName": (64, "A-Za-z0-9.-"),
    "VirtualMFADeviceName": (64, "A-Za-z0-9.-"),
}


@dataclass(frozen=True)
class Api:
    name: str
    version: str
    handler: Callable
    resource: Optional[Tuple[str, str]] = None   # (arn kind, name parameter)
    public: bool = False                         # any valid key may call it (GetCallerIdentity)
    self_service: Optional[str] = None           # security preference letting users do it on themselves

    @property
    def permission(self):
        """The policy action that authorises it: ``ram:CreateUser``, ``resourcemanager:ListAccounts``."""
        return "%s:%s" % (NAMESPACES[self.version], self.name)


ACTIONS = {}


def action(name, resource=None, version=RAM_VERSION, public=False, self_service=None):
    def register(handler):
        ACTIONS[(version, name)] = Api(name, version, handler, resource, public, self_service)
        return handler
    return register


@dataclass
class Caller:
    access_key_id: str
    user: Optional[dict]          # the RAM user row, None for the root account and for a role session
    session: Optional[dict] = None   # the STS token row of an assumed-role session

    @property
    def is_root(self):
        return self.user is None and self.session is None

    def arn(self, account_id):
        if self.session is not None:
            return "acs:ram::%s:assumed-role/%s/%s" % (account_id, self.session["role_name"].lower(),
                                                       self.session["session_name"])
        if self.user is not None:
            return "acs:ram::%s:user/%s" % (account_id, self.user["name"])
        return "acs:ram::%s:root" % account_id

    def principal_arns(self, account_id):
        """What a role trust policy may name to trust this caller: its account and its user or role."""
        arns = {"acs:ram::%s:root" % account_id, account_id}
        if self.user is not None:
            arns.add("acs:ram::%s:user/%s" % (account_id, self.user["name"]))
        if self.session is not None:
            arns.add("acs:ram::%s:role/%s" % (account_id, self.session["role_name"].lower()))
        return arns


class Params:
    """Typed access to the decoded query parameters, raising the RAM validation errors."""

    def __init__(self, values):
        self.values = values

    def get(self, name, default=None):
        value = self.values.get(name)
        return default if value is None else value

    def has(self, name):
        return self.values.get(name) not in (None, "")

    def required(self, name):
        if not self.has(name):
            raise missing_parameter(name)
        return self.values[name]

    def name(self, param, required=True):
        """A user/group/role/policy/device name: required unless told otherwise, checked by ``NAME_RULES``."""
        if not required and not self.has(param):
            return None
        value = self.required(param)
        limit, chars = NAME_RULES[param]
        if len(value) > limit:
            raise invalid_parameter(param, "Length")
        if not re.fullmatch("[%s]+" % chars, value):
            raise invalid_parameter(param, "InvalidChars")
        return value

    def text(self, param, max_length, default=None, min_length=0):
        value = self.get(param)
        if value is None:
            return default
        if not min_length <= len(value) <= max_length:
            raise invalid_parameter(param, "Length")
        return value

    def flag(self, param, default=None):
        value = self.get(param, "")
        if value == "":
            return default
        if value.lower() not in ("true", "false"):
            raise invalid_parameter(param, message='The parameter - "%s" must be true or false.' % param)
        return value.lower() == "true"

    def number(self, param, default=None, low=None, high=None):
        value = self.get(param, "")
        if value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise invalid_parameter(param, "Format") from None
        if (low is not None and number < low) or (high is not None and number > high):
            raise invalid_parameter(param, "Range", 'The parameter - "%s" must be between %s and %s.'
                                    % (param, low, high))
        return number

    def choice(self, param, choices, default=None, required=False):
        value = self.required(param) if required else self.get(param, "") or default
        if value is not None and value not in choices:
            raise invalid_parameter(param, message='The parameter - "%s" must be one of %s.'
                                    % (param, ", ".join(choices)))
        return value


class Context:
    """One request: the store (inside the transaction), parameters and the authenticated caller.

    ``env`` is the running service (its ``accounts`` and ``clock``), for the actions that reach
    beyond the caller's account (AssumeRole, Resource Directory).
    """

    def __init__(self, store, params, caller, service, env=None):
        self.store = store
        self.params = params
        self.caller = caller
        self.service = service
        self.env = env

    def decide(self, action_name, resource):
        """``Allow``/``ExplicitDeny``/``ImplicitDeny`` of the caller's identity policies for one action.

        Root: always Allow. RAM user: its policies and its groups' policies. Role session: the role's
        policies, intersected with the inline ``Policy`` given to AssumeRole (a Deny in either wins).
        """
        caller = self.caller
        if caller.is_root:
            return "Allow"
        if caller.user is not None:
            return evaluate(self.store.user_policy_documents(caller.user["pk"]), action_name, resource)
        decisions = [evaluate(self.store.role_policy_documents(caller.session["role_pk"]), action_name, resource)]
        if caller.session["policy"]:
            decisions.append(evaluate([json.loads(caller.session["policy"])], action_name, resource))
        if "ExplicitDeny" in decisions:
            return "ExplicitDeny"
        return "Allow" if all(d == "Allow" for d in decisions) else "ImplicitDeny"

    def denied(self, action_name, decision, message=None, policy_type="AccountLevelIdentityBasedPolicy"):
        """The 403 ``NoPermission`` with RAM's ``AccessDeniedDetail``."""
        caller = self.caller
        if caller.session is not None:
            principal_type = "AssumedRoleUser"
            display = "%s:%s" % (caller.session["role_name"], caller.session["session_name"])
        else:
            principal_type = "SubUser" if caller.user is not None else "Account"
            display = caller.user["user_id"] if caller.user is not None else self.account_id
        return RamError("NoPermission", message, extra={"AccessDeniedDetail": {
            "AuthAction": action_name, "AuthPrincipalType": principal_type,
            "AuthPrincipalOwnerId": self.account_id, "AuthPrincipalDisplayName": display,
            "PolicyType": policy_type, "NoPermissionType": decision}})

    @property
    def account_id(self):
        return self.store.account_id


def encode_marker(position):
    return base64.urlsafe_b64encode(("after:%d" % position).encode()).decode().rstrip("=")


def decode_marker(marker):
    try:
        text = base64.urlsafe_b64decode(marker + "=" * (-len(marker) % 4)).decode()
        prefix, _sep, position = text.partition(":")
        if prefix == "after":
            return int(position)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        pass
    raise invalid_parameter("Marker", message='The parameter - "Marker" is invalid.')


def paginate(params, items, position=lambda item: item["pk"]):
    """One page of ``items`` (sorted by ``position``) for ``Marker``/``MaxItems``.

    Returns ``(page, {"IsTruncated": bool[, "Marker": str]})``; the marker is opaque and only present
    when truncated, as in RAM. It encodes the last position returned, so deletions between pages
    neither skip nor repeat items.
    """
    size = params.number("MaxItems", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    marker = params.get("Marker")
    remaining = items
    if marker:
        after = decode_marker(marker)
        remaining = [item for item in items if position(item) > after]
    page = remaining[:size]
    info = {"IsTruncated": len(remaining) > size}
    if info["IsTruncated"]:
        info["Marker"] = encode_marker(position(page[-1]))
    return page, info


def wrap(plural, singular, items):
    """RAM list wrappers, never omitted: ``{"Users": {"User": [...]}}``."""
    return {plural: {singular: list(items)}}


def drop_none(mapping):
    return {key: value for key, value in mapping.items() if value is not None}


def forbid(message=None):
    return RamError("NoPermission", message)
