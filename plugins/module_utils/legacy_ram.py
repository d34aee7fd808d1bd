# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RAM room: every RAM (and STS) call of the collection goes through this file.

``RamModule`` merges the authentication options into a module's argument spec, builds the
official SDK client from them (static key, CLI profile, assume-role, ECS RAM role, or the
``alibabacloud-credentials`` default chain), and ``RamClient.call`` sends one API action with
bounded, jittered exponential-backoff retries on throttling and transient faults. Errors become
``RamError`` and reach the user through ``RamModule.run`` as one clean ``fail_json``: action, RAM
error code, message and request id; never a traceback, never a secret.

The shared readers and reconcilers used by several modules (users, policy attachments, group
memberships) live here too, so that one module run can reconcile a resource and its attachments.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import random
import re
import time
import traceback
from urllib.request import proxy_bypass_environment

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

try:
    from alibabacloud_credentials.client import Client as CredentialClient
    from alibabacloud_credentials.exceptions import CredentialException
    from alibabacloud_credentials.provider import (
        CLIProfileCredentialsProvider,
        DefaultCredentialsProvider,
        EcsRamRoleCredentialsProvider,
        StaticAKCredentialsProvider,
        StaticSTSCredentialsProvider,
    )
    from alibabacloud_ram20150501 import models as ram_models
    from alibabacloud_ram20150501.client import Client as SdkRamClient
    from alibabacloud_tea_openapi import models as open_api_models
    from darabonba.runtime import RuntimeOptions
    from Tea.exceptions import TeaException
except ImportError:
    HAS_RAM_SDK = False
    RAM_SDK_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_RAM_SDK = True
    RAM_SDK_IMPORT_ERROR = None

DEFAULT_RAM_ENDPOINT = "ram.aliyuncs.com"
DEFAULT_STS_ENDPOINT = "sts.aliyuncs.com"
PAGE_SIZE = 100

# Error codes worth another try: the request was refused for load, or the service failed transiently.
RETRYABLE_CODES = frozenset(["ServiceUnavailable", "InternalError", "Rejected.Throttling", "RequestTimeout"])
THROTTLING_PREFIX = "Throttling"

USER_NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
GROUP_NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
POLICY_NAME_RE = re.compile(r"^[A-Za-z0-9-]{1,128}$")


CA_BUNDLE_VARIABLE = "ALIBABA_CLOUD_CA_BUNDLE"  # the RAM options' ca_path (ram/connection.py)


def ca_bundle(params):
    return params.get("ca_path") or os.environ.get(CA_BUNDLE_VARIABLE)


def ram_auth_argument_spec():
    """Options shared by every RAM module (documented in the ``cloudbroker.alibaba.ram`` fragment)."""
    return dict(
        access_key_id=dict(type="str", aliases=["alicloud_access_key", "access_key"], no_log=False,
                           fallback=(env_fallback, ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY",
                                                    "ALICLOUD_ACCESS_KEY_ID"])),
        access_key_secret=dict(type="str", aliases=["alicloud_secret_key", "secret_key"], no_log=True,
                               fallback=(env_fallback, ["ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY",
                                                        "ALICLOUD_SECRET_ACCESS_KEY"])),
        security_token=dict(type="str", aliases=["alicloud_security_token"], no_log=True,
                            fallback=(env_fallback, ["ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"])),
        profile=dict(type="str", aliases=["alicloud_profile"],
                     fallback=(env_fallback, ["ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"])),
        profile_file=dict(type="path",
                          fallback=(env_fallback, ["ALIBABA_CLOUD_CLI_CONFIG_FILE", "ALICLOUD_SHARED_CREDENTIALS_FILE"])),
        assume_role_arn=dict(type="str", aliases=["alicloud_assume_role_arn"],
                             fallback=(env_fallback, ["ALICLOUD_ASSUME_ROLE_ARN"])),
        assume_role_session_name=dict(type="str", default="ansible-cloudbroker",
                                      fallback=(env_fallback, ["ALICLOUD_ASSUME_ROLE_SESSION_NAME"])),
        assume_role_duration=dict(type="int", default=3600),
        ecs_role_name=dict(type="str", aliases=["alicloud_ecs_role_name"],
                           fallback=(env_fallback, ["ALIBABA_CLOUD_ECS_METADATA", "ALICLOUD_ECS_ROLE_NAME"])),
        region=dict(type="str", aliases=["alicloud_region", "region_id"],
                    fallback=(env_fallback, ["ALIBABA_CLOUD_REGION_ID", "ALIBABA_CLOUD_REGION", "ALICLOUD_REGION"])),
        ram_endpoint=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_RAM_ENDPOINT"])),
        sts_endpoint=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_STS_ENDPOINT"])),
        resourcemanager_endpoint=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_RESOURCEMANAGER_ENDPOINT"])),
        ca_path=dict(type="path", fallback=(env_fallback, [CA_BUNDLE_VARIABLE])),
        assume_role_external_id=dict(type="str", no_log=False,
                                     fallback=(env_fallback, ["ALIBABA_CLOUD_ROLE_EXTERNAL_ID"])),
        connect_timeout=dict(type="int", default=5),
        read_timeout=dict(type="int", default=10),
        max_retries=dict(type="int", default=10),
    )


class RamError(Exception):
    """A failed RAM/STS call, already reduced to what a user needs (and nothing secret)."""

    def __init__(self, action, code=None, message=None, request_id=None, status=None, retry_after=None):
        self.action = action
        self.retry_after = retry_after  # seconds the service asked us to wait (x-acs-retry-after)
        self.code = code
        self.message = message or ""
        self.request_id = request_id
        self.status = status
        super(RamError, self).__init__(self.describe())

    def describe(self):
        text = "%s failed" % self.action
        if self.code:
            text += ": %s" % self.code
        if self.message:
            text += ": %s" % self.message
        if self.request_id:
            text += " (request id %s)" % self.request_id
        return text

    def as_dict(self):
        return dict(action=self.action, code=self.code, message=self.message, request_id=self.request_id,
                    http_status=self.status)

    @property
    def retryable(self):
        """Throttling, 5xx and transport failures are transient; any other client error is final."""
        if self.code and (self.code.startswith(THROTTLING_PREFIX) or self.code in RETRYABLE_CODES):
            return True
        if self.status is not None and self.status >= 500:
            return True
        return self.code is None and self.status is None  # no answer at all: connection/timeout

    @property
    def throttled(self):
        return bool(self.code and self.code.startswith(THROTTLING_PREFIX))

    @classmethod
    def from_sdk(cls, action, exc):
        data = getattr(exc, "data", None)
        data = data if isinstance(data, dict) else {}
        code = getattr(exc, "code", None) or data.get("Code")
        status = getattr(exc, "status_code", None) or getattr(exc, "statusCode", None) or data.get("statusCode")
        request_id = getattr(exc, "request_id", None) or data.get("RequestId")
        message = data.get("Message")
        if not message:
            inner = getattr(exc, "inner_exception", None)
            message = str(inner) if inner is not None else (getattr(exc, "message", None) or str(exc))
        retry_after = getattr(exc, "retry_after", None)
        return cls(action, code=code, message=message, request_id=request_id, status=status,
                   retry_after=retry_after / 1000.0 if retry_after else None)


def full_jitter_delays(max_retries, base=0.25, cap=20.0, rng=random.random):
    """Sleep times before retry 1..max_retries: uniform(0, min(cap, base * 2**n)) ("full jitter")."""
    for attempt in range(max_retries):
        yield rng() * min(cap, base * (2 ** attempt))


def parse_endpoint(value, default_host):
    """``http://127.0.0.1:18765`` or ``ram.aliyuncs.com`` -> ``(host[:port], protocol)``."""
    if not value:
        return default_host, "https"
    match = re.match(r"^(?:(https?)://)?([^/\s:]+(?::\d{1,5})?)/?$", value.strip())
    if not match:
        raise ValueError("invalid endpoint %r: expected a host, host:port or http(s)://host[:port]" % value)
    return match.group(2), (match.group(1) or "https")


def bypass_proxy_for(host):
    """The SDK reads HTTP(S)_PROXY itself and ignores NO_PROXY: drop the proxy for loopback/NO_PROXY hosts."""
    hostname = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if hostname in ("127.0.0.1", "localhost", "::1") or hostname.startswith("127.") or proxy_bypass_environment(hostname):
        for var in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
            os.environ.pop(var, None)


class RamClient:
    """One SDK client plus the retry/error policy. ``call`` takes and returns CamelCase dicts."""

    def __init__(self, sdk_client, max_retries=10, sleep=time.sleep, delays=full_jitter_delays, models=None):
        self._sdk = sdk_client
        self._models = models if models is not None else ram_models
        self._max_retries = max_retries
        self._sleep = sleep
        self._delays = delays
        self._methods = dict((name[:-len("_with_options")].replace("_", ""), name)
                             for name in dir(sdk_client) if name.endswith("_with_options")
                             and not name.endswith("_async"))
        self.retries = 0  # how many retries this client needed (reported in results for observability)

    def _invoke(self, action, params):
        method = getattr(self._sdk, self._methods[action.lower()])
        request_class = getattr(self._models, action + "Request", None)
        runtime = RuntimeOptions()
        if request_class is None:
            response = method(runtime)
        else:
            response = method(request_class().from_map(dict((k, v) for k, v in params.items() if v is not None)),
                              runtime)
        return response.body.to_map() if response.body is not None else {}

    def call(self, action, idempotent=True, **params):
        """Send one action. Non-idempotent calls are retried only when the service refused them (throttling)."""
        delays = self._delays(self._max_retries)
        while True:
            try:
                return self._invoke(action, params)
            except (TeaException, OSError) as exc:  # OSError: requests' connection errors derive from it
                error = RamError.from_sdk(action, exc)
            retry = error.throttled if not idempotent else error.retryable
            delay = next(delays, None) if retry else None
            if delay is None:
                raise error
            self.retries += 1
            self._sleep(max(delay, error.retry_after or 0))

    def get(self, action, missing_code, **params):
        """A Get* call that returns ``None`` when the entity does not exist (``missing_code``)."""
        try:
            return self.call(action, **params)
        except RamError as error:
            if error.code == missing_code:
                return None
            raise

    def paginate(self, action, wrapper, item, **params):
        """All items of a Marker/IsTruncated paged List* action, e.g. ``("ListUsers", "Users", "User")``."""
        items = []
        marker = None
        page_size = params.pop("MaxItems", PAGE_SIZE)
        while True:
            page = self.call(action, Marker=marker, MaxItems=page_size, **params)
            items.extend((page.get(wrapper) or {}).get(item) or [])
            if not page.get("IsTruncated"):
                return items
            marker = page.get("Marker")


def credentials_provider(params):
    """The credentials provider for the module's options (alibabacloud-credentials does the work)."""
    key_id, secret, token = params.get("access_key_id"), params.get("access_key_secret"), params.get("security_token")
    if key_id and secret:
        if token:
            base = StaticSTSCredentialsProvider(access_key_id=key_id, access_key_secret=secret, security_token=token)
        else:
            base = StaticAKCredentialsProvider(access_key_id=key_id, access_key_secret=secret)
    elif params.get("profile") or params.get("profile_file"):
        base = CLIProfileCredentialsProvider(profile_name=params.get("profile"), profile_file=params.get("profile_file"))
    elif params.get("ecs_role_name"):
        base = EcsRamRoleCredentialsProvider(role_name=params["ecs_role_name"])
    else:
        base = DefaultCredentialsProvider()
    if params.get("assume_role_arn"):
        sts_host, sts_protocol = parse_endpoint(params.get("sts_endpoint"), DEFAULT_STS_ENDPOINT)
        # The CA of ALIBABA_CLOUD_CA_BUNDLE is trusted for AssumeRole too (ram/connection.py AssumeRoleProvider).
        from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.connection import AssumeRoleProvider

        return AssumeRoleProvider(
            credentials_provider=base, role_arn=params["assume_role_arn"],
            role_session_name=params["assume_role_session_name"], duration_seconds=params["assume_role_duration"],
            sts_endpoint=sts_host if sts_protocol == "https" else None, ca_path=ca_bundle(params),
            external_id=params.get("assume_role_external_id"))
    return base


class RamModule(AnsibleModule):
    """AnsibleModule with the RAM auth options, a lazily built client and one error exit."""

    def __init__(self, argument_spec=None, **kwargs):
        spec = ram_auth_argument_spec()
        spec.update(argument_spec or {})
        kwargs.setdefault("required_together", []).append(["access_key_id", "access_key_secret"])
        super(RamModule, self).__init__(argument_spec=spec, **kwargs)
        if not HAS_RAM_SDK:
            self.fail_json(msg=missing_required_lib("alibabacloud-ram20150501 and alibabacloud-tea-openapi"),
                           exception=RAM_SDK_IMPORT_ERROR)
        for name in ("ram_endpoint", "sts_endpoint"):
            try:
                parse_endpoint(self.params.get(name), "")
            except ValueError as exc:
                self.fail_json(msg="%s: %s" % (name, exc))
        self._clients = {}

    def _sdk_config(self, endpoint, default_host):
        host, protocol = parse_endpoint(endpoint, default_host)
        bypass_proxy_for(host)
        return open_api_models.Config(
            credential=CredentialClient(provider=credentials_provider(self.params)),
            endpoint=host, protocol=protocol, region_id=self.params.get("region") or "cn-hangzhou",
            connect_timeout=self.params["connect_timeout"] * 1000, read_timeout=self.params["read_timeout"] * 1000,
            ca=ca_bundle(self.params))

    @property
    def ram(self):
        """The RAM client (built on first use, so validation failures never reach the network)."""
        if "ram" not in self._clients:
            config = self._sdk_config(self.params.get("ram_endpoint"), DEFAULT_RAM_ENDPOINT)
            self._clients["ram"] = RamClient(SdkRamClient(config), max_retries=self.params["max_retries"])
        return self._clients["ram"]

    @property
    def sts(self):
        """The STS client (GetCallerIdentity); the STS SDK is imported only by the modules that need it."""
        if "sts" not in self._clients:
            try:
                from alibabacloud_sts20150401 import models as sts_models
                from alibabacloud_sts20150401.client import Client as SdkStsClient
            except ImportError:
                self.fail_json(msg=missing_required_lib("alibabacloud-sts20150401"), exception=traceback.format_exc())
            config = self._sdk_config(self.params.get("sts_endpoint"), DEFAULT_STS_ENDPOINT)
            self._clients["sts"] = RamClient(SdkStsClient(config), max_retries=self.params["max_retries"],
                                             models=sts_models)
        return self._clients["sts"]

    def run(self, function):
        """Call ``function(self)`` and exit with its result dict; any RAM error becomes one clean failure."""
        try:
            result = function(self)
        except RamError as error:
            self.fail_json(msg=error.describe(), error=error.as_dict())
        except CredentialException as exc:
            self.fail_json(msg="No usable Alibaba Cloud credentials: %s" % exc)
        self.exit_json(**result)


# --------------------------------------------------------------------------------------------
# Result shaping and diffs
# --------------------------------------------------------------------------------------------

def snake(resource):
    """RAM CamelCase dict -> snake_case dict (``UserName`` -> ``user_name``)."""
    return camel_dict_to_snake_dict(resource or {})


def validate_name(module, kind, value, pattern, rules):
    if value is not None and not pattern.match(value):
        module.fail_json(msg="Invalid %s name %r: %s." % (kind, value, rules))


def validate_user_name(module, value):
    validate_name(module, "user", value, USER_NAME_RE, "1-64 characters: letters, digits, '.', '_' or '-'")


def validate_group_name(module, value):
    validate_name(module, "group", value, GROUP_NAME_RE, "1-64 characters: letters, digits, '.', '_' or '-'")


# --------------------------------------------------------------------------------------------
# Users
# --------------------------------------------------------------------------------------------

def get_user(client, name):
    found = client.get("GetUser", "EntityNotExist.User", UserName=name)
    return found["User"] if found else None


def list_access_keys(client, user_name):
    """The user's AccessKeys (``AccessKeyId``, ``Status``, ``CreateDate``; RAM never lists a secret)."""
    page = client.call("ListAccessKeys", UserName=user_name)
    return (page.get("AccessKeys") or {}).get("AccessKey") or []


# --------------------------------------------------------------------------------------------
# Policy attachments (users, groups, roles)
# --------------------------------------------------------------------------------------------

PRINCIPALS = {
    # kind: (parameter name, action suffix, missing-entity code)
    "user": ("UserName", "User", "EntityNotExist.User"),
    "group": ("GroupName", "Group", "EntityNotExist.Group"),
    "role": ("RoleName", "Role", "EntityNotExist.Role"),
}


def policy_spec_argument():
    """The ``policies`` option: names, or dicts with ``name`` and ``type``."""
    return dict(type="list", elements="raw")


def normalize_policy_specs(module, specs, option="policies"):
    """``["AdministratorAccess", {"name": "x", "type": "Custom"}]`` -> ``[{"name", "type"}]`` (type may be None)."""
    if specs is None:
        return None
    result = []
    for spec in specs:
        if isinstance(spec, dict):
            unknown = set(spec) - set(["name", "type", "policy_name", "policy_type"])
            name = spec.get("name") or spec.get("policy_name")
            policy_type = spec.get("type") or spec.get("policy_type")
        else:
            unknown, name, policy_type = set(), spec, None
        if unknown or not isinstance(name, str):
            module.fail_json(msg="%s: each item must be a policy name or a dict with 'name' and optional 'type' "
                                 "(System or Custom); got %r" % (option, spec))
        if policy_type is not None and policy_type not in ("System", "Custom"):
            module.fail_json(msg="%s: policy type of %r must be System or Custom, got %r" % (option, name, policy_type))
        if not POLICY_NAME_RE.match(name):
            module.fail_json(msg="%s: invalid policy name %r: 1-128 characters, letters, digits or '-'." % (option, name))
        result.append(dict(name=name, type=policy_type))
    return result


def list_attached_policies(client, kind, name):
    """``[{"name", "type"}]`` attached to a user/group/role, sorted by name."""
    param, suffix, _missing = PRINCIPALS[kind]
    page = client.call("ListPoliciesFor" + suffix, **{param: name})
    policies = (page.get("Policies") or {}).get("Policy") or []
    return sorted((dict(name=p["PolicyName"], type=p["PolicyType"]) for p in policies), key=policy_key)


def policy_key(policy):
    return (policy["name"], policy["type"] or "")


def resolve_policy_type(client, policy):
    """Find whether a policy is System or Custom (it must exist); unknown names get a case hint."""
    types = [policy["type"]] if policy["type"] else ["System", "Custom"]
    for policy_type in types:
        if client.get("GetPolicy", "EntityNotExist.Policy", PolicyName=policy["name"], PolicyType=policy_type):
            return dict(name=policy["name"], type=policy_type)
    hint = ""
    for policy_type in types:
        for existing in client.paginate("ListPolicies", "Policies", "Policy", PolicyType=policy_type):
            if existing["PolicyName"].lower() == policy["name"].lower():
                hint = " Policy names are case-sensitive: did you mean %r (%s)?" % (existing["PolicyName"], policy_type)
                break
        if hint:
            break
    raise RamError("GetPolicy", code="EntityNotExist.Policy",
                   message="policy %r (%s) does not exist.%s" % (policy["name"], " or ".join(types), hint))


def plan_policy_attachments(client, current, wanted, purge):
    """Work out (to_attach, to_detach) for wanted specs against the current attachments."""
    to_attach = []
    for spec in wanted:
        matches = [p for p in current if p["name"] == spec["name"] and spec["type"] in (None, p["type"])]
        if not matches and not any(policy_key(p) == policy_key(spec) for p in to_attach):
            resolved = resolve_policy_type(client, spec)
            if resolved not in to_attach:
                to_attach.append(resolved)
    to_detach = []
    if purge:
        for policy in current:
            if not any(policy["name"] == s["name"] and s["type"] in (None, policy["type"]) for s in wanted):
                to_detach.append(policy)
    return to_attach, to_detach


def reconcile_policy_attachments(client, kind, name, wanted, purge, check_mode, exists=True, plan=None):
    """Attach ``wanted`` (and with ``purge`` detach the rest); returns (changed, before, after) name lists.

    ``exists=False`` means the principal is about to be created (check mode): nothing is attached yet.
    ``plan`` is ``(current, to_attach, to_detach)`` worked out earlier (``plan_policy_attachments``) by a
    caller that validates every input before its first change (an unknown policy fails before anything).
    """
    if wanted is None:
        return False, None, None
    param, suffix, _missing = PRINCIPALS[kind]
    if plan is None:
        current = list_attached_policies(client, kind, name) if exists else []
        to_attach, to_detach = plan_policy_attachments(client, current, wanted, purge)
    else:
        current, to_attach, to_detach = plan
    if not check_mode:
        for policy in to_detach:
            try:
                client.call("DetachPolicyFrom" + suffix, PolicyName=policy["name"], PolicyType=policy["type"],
                            **{param: name})
            except RamError as error:
                if not error.code or not error.code.startswith("EntityNotExist.%s.Policy" % suffix):
                    raise
        for policy in to_attach:
            try:
                client.call("AttachPolicyTo" + suffix, PolicyName=policy["name"], PolicyType=policy["type"],
                            **{param: name})
            except RamError as error:  # attached meanwhile (or by a retried request): the goal is met
                if error.code != "EntityAlreadyExists.%s.Policy" % suffix:
                    raise
    after = [p for p in current if p not in to_detach] + to_attach
    return bool(to_attach or to_detach), current, sorted(after, key=policy_key)


# --------------------------------------------------------------------------------------------
# Group memberships (seen from the user)
# --------------------------------------------------------------------------------------------

def list_groups_for_user(client, user_name):
    page = client.call("ListGroupsForUser", UserName=user_name)
    return sorted(g["GroupName"] for g in (page.get("Groups") or {}).get("Group") or [])


def reconcile_user_groups(client, user_name, wanted, purge, check_mode, exists=True):
    """Put the user in ``wanted`` groups (and with ``purge`` take it out of others)."""
    if wanted is None:
        return False, None, None
    current = list_groups_for_user(client, user_name) if exists else []
    to_add = [g for g in dict.fromkeys(wanted) if g not in current]
    to_remove = [g for g in current if g not in wanted] if purge else []
    if to_add:
        missing = [g for g in to_add if client.get("GetGroup", "EntityNotExist.Group", GroupName=g) is None]
        if missing:
            raise RamError("GetGroup", code="EntityNotExist.Group",
                           message="group(s) %s do not exist; create them first (cloudbroker.alibaba.ram_group)"
                           % ", ".join(missing))
    if not check_mode:
        for group in to_remove:
            try:
                client.call("RemoveUserFromGroup", GroupName=group, UserName=user_name)
            except RamError as error:
                if error.code != "EntityNotExist.User.Group":
                    raise
        for group in to_add:
            try:
                client.call("AddUserToGroup", GroupName=group, UserName=user_name)
            except RamError as error:
                if error.code != "EntityAlreadyExists.User.Group":
                    raise
    after = sorted(set(current) - set(to_remove) | set(to_add))
    return bool(to_add or to_remove), current, after


# --------------------------------------------------------------------------------------------
# Caller identity (STS GetCallerIdentity)
# --------------------------------------------------------------------------------------------

ROOT_IDENTITY_TYPE = "Account"  # GetCallerIdentity's IdentityType for the root (billing) account


def get_caller_identity(sts_client):
    """STS GetCallerIdentity as a snake_case dict plus ``is_root`` (identity type ``Account``)."""
    found = sts_client.call("GetCallerIdentity")
    identity = dict((key, value) for key, value in snake(found).items() if key != "request_id")
    identity["is_root"] = identity.get("identity_type") == ROOT_IDENTITY_TYPE
    return identity


def sts_client_for(module, access_key_id, access_key_secret, security_token=None):
    """An STS client signed with other static credentials than the module's (to check a key)."""
    params = dict(module.params, access_key_id=access_key_id, access_key_secret=access_key_secret,
                  security_token=security_token, profile=None, profile_file=None, ecs_role_name=None,
                  assume_role_arn=None)
    try:
        return sts_client_from_params(params)
    except ImportError:
        module.fail_json(msg=missing_required_lib("alibabacloud-sts20150401"), exception=traceback.format_exc())


def sts_client_from_params(params):
    """An STS client for a dict of this file's auth options (raises ImportError without the STS SDK)."""
    from alibabacloud_sts20150401 import models as sts_models
    from alibabacloud_sts20150401.client import Client as SdkStsClient

    host, protocol = parse_endpoint(params.get("sts_endpoint"), DEFAULT_STS_ENDPOINT)
    bypass_proxy_for(host)
    config = open_api_models.Config(
        credential=CredentialClient(provider=credentials_provider(params)),
        endpoint=host, protocol=protocol, region_id=params.get("region") or "cn-hangzhou",
        connect_timeout=params["connect_timeout"] * 1000, read_timeout=params["read_timeout"] * 1000,
        ca=ca_bundle(params))
    return RamClient(SdkStsClient(config), max_retries=params["max_retries"], models=sts_models)


def identity_of_key(access_key_id, access_key_secret, sts_endpoint=None, timeout=10, max_retries=3):
    """Who an AccessKey belongs to (STS GetCallerIdentity signed with it), for modules outside the RAM room.

    Raises ``RamError`` when the key cannot be verified (rejected key, STS unreachable, SDK missing).
    """
    if not HAS_RAM_SDK:
        raise RamError("GetCallerIdentity", message=missing_required_lib("alibabacloud-tea-openapi"))
    params = dict(access_key_id=access_key_id, access_key_secret=access_key_secret, security_token=None,
                  profile=None, profile_file=None, ecs_role_name=None, assume_role_arn=None, region=None,
                  sts_endpoint=sts_endpoint, connect_timeout=timeout, read_timeout=timeout, max_retries=max_retries)
    try:
        client = sts_client_from_params(params)
    except ImportError:
        raise RamError("GetCallerIdentity", message=missing_required_lib("alibabacloud-sts20150401")) from None
    except ValueError as exc:
        raise RamError("GetCallerIdentity", message="sts_endpoint: %s" % exc) from None
    return get_caller_identity(client)


# --------------------------------------------------------------------------------------------
# Groups and custom policies (shared by ram_group/ram_group_info and ram_policy/ram_policy_info)
# --------------------------------------------------------------------------------------------

GROUP_FIELDS = ("group_name", "group_id", "comments", "create_date", "update_date")
POLICY_FIELDS = ("policy_name", "policy_type", "description", "default_version", "attachment_count", "create_date",
                 "update_date")


def get_group(client, name):
    found = client.get("GetGroup", "EntityNotExist.Group", GroupName=name)
    return found["Group"] if found else None


def list_group_members(client, name):
    """User names of a group, sorted; every ListUsersForGroup page is read (Marker/IsTruncated)."""
    return sorted(user["UserName"] for user in client.paginate("ListUsersForGroup", "Users", "User", GroupName=name))


def group_view(group):
    view = snake(group)
    return dict((key, view[key]) for key in GROUP_FIELDS if view.get(key) is not None)


def get_policy(client, name, policy_type):
    """GetPolicy as one dict (``Policy`` with the default version's ``PolicyDocument``), or ``None``."""
    found = client.get("GetPolicy", "EntityNotExist.Policy", PolicyName=name, PolicyType=policy_type)
    if not found:
        return None
    policy = dict(found["Policy"])
    document = (found.get("DefaultPolicyVersion") or {}).get("PolicyDocument")
    if document:
        policy["PolicyDocument"] = document
    return policy


def parse_policy_document(text):
    """A policy document as RAM returns it (JSON text) -> dict; text that is not JSON is returned as it is."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def policy_view(policy, include_document=True):
    """RAM policy -> snake_case result; the document is returned parsed (a dict), never snake-cased."""
    view = snake(dict((key, value) for key, value in policy.items() if key != "PolicyDocument"))
    result = dict((key, view[key]) for key in POLICY_FIELDS if view.get(key) is not None)
    if include_document and policy.get("PolicyDocument") is not None:
        result["policy_document"] = parse_policy_document(policy["PolicyDocument"])
    return result
