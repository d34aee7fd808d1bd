"""The dispatch table and what every action handler shares: parameters, caller, paging.

Handlers register with ``@action("CreateUser", resource=("user", "UserName"))`` into ``ACTIONS``,
keyed by ``(version, action)``. A handler takes a ``Context`` and returns the response body without
``RequestId``. ``resource`` names the RAM resource the action is authorised against
(``acs:ram:*:<account>:<kind>/<name>``, ``*`` when the parameter is absent; account-level actions
use ``acs:ram:*:<account>:*``).
"""

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Callable, Optional, Tuple

from .errors import RamError, invalid_parameter, missing_parameter

RAM_VERSION = "2015-05-01"
STS_VERSION = "2015-04-01"
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


ACTIONS = {}


def action(name, resource=None, version=RAM_VERSION, public=False, self_service=None):
    def register(handler):
        ACTIONS[(version, name)] = Api(name, version, handler, resource, public, self_service)
        return handler
    return register


@dataclass
class Caller:
    access_key_id: str
    user: Optional[dict]          # the RAM user row, None for the root account

    @property
    def is_root(self):
        return self.user is None


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
    """One request: the store (inside the transaction), parameters and the authenticated caller."""

    def __init__(self, store, params, caller, service):
        self.store = store
        self.params = params
        self.caller = caller
        self.service = service

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
