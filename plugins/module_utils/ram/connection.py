# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the collection reaches Alibaba Cloud: the authentication options, the credential chain, the clients.

The options (documented in the ``cloudbroker.alibaba.ram`` doc fragment) are defined once, in
``RAM_OPTIONS``. ``credentials_provider`` picks the provider of the official ``alibabacloud-credentials``
library (static key, STS token, CLI profile, ECS RAM role, the default chain), and wraps it in the
library's AssumeRole provider when ``assume_role_arn`` is set: the library signs AssumeRole and refreshes
the token; nothing of it is written here. ``RamConnection`` builds the SDK clients on first use.

Proxies: the SDK takes the proxy from its ``Config`` or, when that is empty, from ``HTTP(S)_PROXY``, and
ignores ``NO_PROXY``. The environment is never rewritten: an endpoint that ``NO_PROXY`` (or loopback)
exempts is reached with the proxy variables hidden from the SDK for the duration of each of its calls only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import os
import re
import traceback
from urllib.request import proxy_bypass_environment

from ansible.module_utils.basic import env_fallback

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.client import RamClient, RetryBudget
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import sts_sessions
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import describe_tls_failure
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError

try:
    from alibabacloud_credentials.client import Client as CredentialClient
    from alibabacloud_credentials.exceptions import CredentialException
    from alibabacloud_credentials.provider.refreshable import Credentials, RefreshResult
    from alibabacloud_credentials.provider import (
        CLIProfileCredentialsProvider,
        DefaultCredentialsProvider,
        EcsRamRoleCredentialsProvider,
        RamRoleArnCredentialsProvider,
        StaticAKCredentialsProvider,
        StaticSTSCredentialsProvider,
    )
    from alibabacloud_ram20150501 import models as ram_models
    from alibabacloud_ram20150501.client import Client as SdkRamClient
    from alibabacloud_tea_openapi import models as open_api_models
except ImportError:
    HAS_RAM_SDK = False
    RAM_SDK_IMPORT_ERROR = traceback.format_exc()

    class CredentialException(Exception):
        """Stands in for the credential library's exception when it is missing."""
else:
    HAS_RAM_SDK = True
    RAM_SDK_IMPORT_ERROR = None

# What the credential chain raises for credentials it cannot get (no key, a refused AssumeRole): an expected
# failure, reported as one clean message (services.expected_failures).
CREDENTIAL_FAILURES = (CredentialException,)

DEFAULT_RAM_ENDPOINT = "ram.aliyuncs.com"
DEFAULT_STS_ENDPOINT = "sts.aliyuncs.com"
DEFAULT_RESOURCEMANAGER_ENDPOINT = "resourcemanager.aliyuncs.com"
DEFAULT_REGION = "cn-hangzhou"
PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")

# The role session name: 2-64 characters, letters, digits, '.', '@', '-' or '_' (STS AssumeRole reference).
SESSION_NAME_RE = re.compile(r"^[A-Za-z0-9.@_-]{2,64}$")
ROLE_ARN_RE = re.compile(r"^acs:ram::\d{1,32}:role/[A-Za-z0-9.@_/-]{1,64}$", re.IGNORECASE)


def _env(*names):
    return (env_fallback, list(names))


RAM_OPTIONS = dict(
    access_key_id=dict(type="str", aliases=["alicloud_access_key", "access_key"], no_log=False,
                       fallback=_env("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY", "ALICLOUD_ACCESS_KEY_ID")),
    access_key_secret=dict(type="str", aliases=["alicloud_secret_key", "secret_key"], no_log=True,
                           fallback=_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY",
                                         "ALICLOUD_SECRET_ACCESS_KEY")),
    security_token=dict(type="str", aliases=["alicloud_security_token"], no_log=True,
                        fallback=_env("ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN")),
    profile=dict(type="str", aliases=["alicloud_profile"], fallback=_env("ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE")),
    profile_file=dict(type="path",
                      fallback=_env("ALIBABA_CLOUD_CLI_CONFIG_FILE", "ALICLOUD_SHARED_CREDENTIALS_FILE")),
    assume_role_arn=dict(type="str", aliases=["alicloud_assume_role_arn"],
                         fallback=_env("ALIBABA_CLOUD_ROLE_ARN", "ALICLOUD_ASSUME_ROLE_ARN")),
    assume_role_session_name=dict(type="str", default="ansible-cloudbroker",
                                  fallback=_env("ALIBABA_CLOUD_ROLE_SESSION_NAME", "ALICLOUD_ASSUME_ROLE_SESSION_NAME")),
    assume_role_duration=dict(type="int", default=3600),
    assume_role_external_id=dict(type="str", no_log=False, fallback=_env("ALIBABA_CLOUD_ROLE_EXTERNAL_ID")),
    ecs_role_name=dict(type="str", aliases=["alicloud_ecs_role_name"],
                       fallback=_env("ALIBABA_CLOUD_ECS_METADATA", "ALICLOUD_ECS_ROLE_NAME")),
    region=dict(type="str", aliases=["alicloud_region", "region_id"],
                fallback=_env("ALIBABA_CLOUD_REGION_ID", "ALIBABA_CLOUD_REGION", "ALICLOUD_REGION")),
    ram_endpoint=dict(type="str", fallback=_env("ALIBABA_CLOUD_RAM_ENDPOINT")),
    sts_endpoint=dict(type="str", fallback=_env("ALIBABA_CLOUD_STS_ENDPOINT")),
    resourcemanager_endpoint=dict(type="str", fallback=_env("ALIBABA_CLOUD_RESOURCEMANAGER_ENDPOINT")),
    ca_path=dict(type="path", fallback=_env("ALIBABA_CLOUD_CA_BUNDLE")),
    connect_timeout=dict(type="int", default=5),
    read_timeout=dict(type="int", default=10),
    max_retries=dict(type="int", default=30),
    retry_timeout=dict(type="int", default=120),
)
RAM_RULES = dict(required_together=[["access_key_id", "access_key_secret"]])


def validate_ram_options(params):
    """Ranges and formats the argument spec cannot express; raises ``InputError`` before any call."""
    for name, low, high in (("connect_timeout", 1, 300), ("read_timeout", 1, 900), ("max_retries", 0, 100),
                            ("retry_timeout", 0, 3600), ("assume_role_duration", 900, 43200)):
        value = params.get(name)
        if value is not None and not low <= value <= high:
            raise InputError("%s must be between %d and %d, got %d." % (name, low, high, value), option=name)
    for name in ("ram_endpoint", "sts_endpoint", "resourcemanager_endpoint"):
        try:
            parse_endpoint(params.get(name), "")
        except ValueError as exc:
            raise InputError("%s: %s" % (name, exc), option=name)
    if params.get("ca_path") and not os.path.isfile(params["ca_path"]):
        raise InputError("ca_path %r is not a readable file (a PEM bundle of the CA certificates to trust)."
                         % params["ca_path"], option="ca_path")
    if params.get("assume_role_arn"):
        if not ROLE_ARN_RE.match(params["assume_role_arn"]):
            raise InputError("assume_role_arn must look like acs:ram::<account id>:role/<role name>, got %r."
                             % params["assume_role_arn"], option="assume_role_arn")
        if parse_endpoint(params.get("sts_endpoint"), "")[1] != "https":
            raise InputError("sts_endpoint %r is http://, but AssumeRole (assume_role_arn) is always sent over HTTPS "
                             "(its answer holds a secret): give an https:// URL or a host." % params["sts_endpoint"],
                             option="sts_endpoint")
        if not SESSION_NAME_RE.match(params.get("assume_role_session_name") or ""):
            raise InputError("assume_role_session_name must be 2-64 characters: letters, digits, '.', '@', '-' "
                             "or '_'; got %r." % params.get("assume_role_session_name"),
                             option="assume_role_session_name")


def parse_endpoint(value, default_host):
    """``http://127.0.0.1:18765`` or ``ram.aliyuncs.com`` -> ``(host[:port], protocol)``."""
    if not value:
        return default_host, "https"
    match = re.match(r"^(?:(https?)://)?([^/\s:]+(?::\d{1,5})?)/?$", value.strip())
    if not match:
        raise ValueError("invalid endpoint %r: expected a host, host:port or http(s)://host[:port]" % value)
    return match.group(2), (match.group(1) or "https")


def bypasses_proxy(host):
    """Whether requests to ``host`` (``name[:port]``) must not go through a proxy from the environment."""
    hostname = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return (hostname in ("localhost", "::1") or hostname.startswith("127.")
            or bool(proxy_bypass_environment(hostname)))


@contextlib.contextmanager
def proxy_variables_hidden():
    """Hide HTTP(S)_PROXY from the SDK for one call (it reads them itself and ignores NO_PROXY)."""
    saved = dict((name, os.environ.pop(name)) for name in PROXY_VARIABLES if name in os.environ)
    try:
        yield
    finally:
        os.environ.update(saved)


def credentials_provider(params):
    """The ``alibabacloud-credentials`` provider for the options (static, profile, ECS role, default chain)."""
    key_id, secret, token = params.get("access_key_id"), params.get("access_key_secret"), params.get("security_token")
    if key_id and secret:
        if token:
            base = StaticSTSCredentialsProvider(access_key_id=key_id, access_key_secret=secret, security_token=token)
        else:
            base = StaticAKCredentialsProvider(access_key_id=key_id, access_key_secret=secret)
    elif params.get("profile") or params.get("profile_file"):
        base = CLIProfileCredentialsProvider(profile_name=params.get("profile"), profile_file=params.get("profile_file"))
    elif params.get("ecs_role_name"):
        base = EcsRoleProvider(role_name=params["ecs_role_name"])
    else:
        base = DefaultCredentialsProvider()
    if not params.get("assume_role_arn"):
        return base
    # The library always speaks HTTPS to STS (AssumeRole carries a secret; validate_ram_options refuses an
    # http:// sts_endpoint with assume_role_arn); it takes the STS host only. Without sts_endpoint, region
    # picks the regional endpoint sts.<region>.aliyuncs.com.
    sts_host = parse_endpoint(params.get("sts_endpoint"), "")[0] or None
    return AssumeRoleProvider(
        credentials_provider=base, role_arn=params["assume_role_arn"],
        role_session_name=params.get("assume_role_session_name"),
        duration_seconds=params.get("assume_role_duration") or 3600,
        external_id=params.get("assume_role_external_id"), sts_endpoint=sts_host,
        sts_region_id=None if sts_host else params.get("region"), ca_path=params.get("ca_path"))


if HAS_RAM_SDK:
    class AssumeRoleProvider(RamRoleArnCredentialsProvider):
        """The library's AssumeRole provider, trusting ``ca_path`` as well (a private CA in front of STS).

        The library takes no CA option, but hands its runtime options to the HTTP layer (``Tea``), which
        verifies with the ``ca`` file it finds there; nothing else of the provider changes.
        """

        def __init__(self, ca_path=None, **kwargs):
            super(AssumeRoleProvider, self).__init__(**kwargs)
            if ca_path:
                self._runtime_options["ca"] = ca_path

        def _refresh_credentials(self):
            """A session this run already holds for the same caller and role (``sts_sessions``), or AssumeRole."""
            key = self._session_key()
            kept = sts_sessions.load(key) if key else None
            if kept:
                credentials = Credentials(access_key_id=kept[0], access_key_secret=kept[1], security_token=kept[2],
                                          expiration=kept[3], provider_name=self.get_provider_name())
                return RefreshResult(value=credentials, stale_time=kept[3] - sts_sessions.LIBRARY_STALE_SECONDS)
            result = self._assume_role()
            if key:
                session = result.value()
                sts_sessions.store(key, session.get_access_key_id(), session.get_access_key_secret(),
                                   session.get_security_token(), session.get_expiration())
            return result

        def _session_key(self):
            """What this session is asked with, as ``sts_sessions`` names it; None when not shared in this process
            or when the caller's credentials are not to be had (AssumeRole then says why)."""
            if not sts_sessions.shared_directory():
                return None
            try:
                caller = self._credentials_provider.get_credentials()
            except Exception:  # pylint: disable=broad-except  # reported by the AssumeRole that follows
                return None
            if caller is None:
                return None
            return sts_sessions.session_key(caller.get_access_key_id(), caller.get_security_token(), self._role_arn,
                                            self._role_session_name, self._external_id, self._duration_seconds,
                                            self._sts_endpoint, self._policy)

        def _assume_role(self):
            try:
                return super(AssumeRoleProvider, self)._refresh_credentials()
            except CredentialException as error:
                raise CredentialException(describe_assume_role_failure(self._role_arn, error, self._sts_endpoint),
                                          code=error.code, request_id=error.request_id) from None
            except Exception as error:  # pylint: disable=broad-except  # the HTTP layer's transport failures
                raise CredentialException("AssumeRole of %s could not reach the STS endpoint %s: %s" % (
                    self._role_arn, self._sts_endpoint, describe_transport_failure(error))) from None

    class EcsRoleProvider(EcsRamRoleCredentialsProvider):
        """The library's ECS RAM role provider, with its failures worded to name the role and where it was asked.

        No background refresh: a task is short, and a thread of the library must not outlive it."""

        METADATA_SERVICE = "http://100.100.100.200"  # the library's instance metadata host

        def __init__(self, role_name):
            super(EcsRoleProvider, self).__init__(role_name=role_name, async_update_enabled=False)
            self._ecs_role_name = role_name

        def _refresh_credentials(self):
            try:
                return super(EcsRoleProvider, self)._refresh_credentials()
            except CredentialException as error:
                reason = getattr(error, "message", None) or str(error)
            except Exception as error:  # pylint: disable=broad-except  # the HTTP layer's transport failures
                reason = describe_transport_failure(error)
            raise CredentialException(
                "Could not get the credentials of the ECS RAM role %r (ecs_role_name) from the instance metadata "
                "service %s: %s. It answers only on an ECS instance the role is attached to; elsewhere give an "
                "AccessKey, a profile or assume_role_arn." % (self._ecs_role_name, self.METADATA_SERVICE, reason))


def describe_transport_failure(error):
    """A transport failure of the HTTP layer in a line: a TLS failure explained, otherwise the innermost reason
    without the request's URL (its query carries the AccessKey id and the signature)."""
    text = getattr(error, "message", None) or str(error)
    tls = describe_tls_failure(text)
    if tls:
        return tls
    text = re.sub(r" with url: \S+", "", text)
    match = re.search(r"Caused by \w+\(([\"'])(.*)\1\)\)?\s*$", text, re.DOTALL)
    return match.group(2) if match else text.strip()


def describe_assume_role_failure(role_arn, error, sts_host=None):
    """The library's AssumeRole failure, reworded to name the role and the STS endpoint asked (its message
    quotes STS's JSON answer)."""
    described = _describe_assume_role_failure(role_arn, error)
    return "%s (STS endpoint %s)" % (described, sts_host) if sts_host else described


def _describe_assume_role_failure(role_arn, error):
    text = getattr(error, "message", None) or str(error)
    answer = {}
    match = re.search(r"result: (\{.*\})\s*$", text, re.DOTALL)
    if match:
        try:
            answer = json.loads(match.group(1))
        except ValueError:
            answer = {}
    if not answer.get("Code"):
        return "AssumeRole of %s failed: %s" % (role_arn, text)
    hint = ""
    if answer["Code"] == "NoPermission":
        hint = (" The role's trust policy must trust the caller (or its account's root) and the caller needs "
                "sts:AssumeRole (AliyunSTSAssumeRoleAccess).")
    elif answer["Code"] == "EntityNotExist.Role":
        hint = " Create the role in that account first (cloudbroker.alibaba.ram_role)."
    return "AssumeRole of %s was refused: %s: %s%s (request id %s)" % (
        role_arn, answer["Code"], answer.get("Message", ""), hint, answer.get("RequestId"))


class RamConnection:
    """The SDK clients of one task, built on first use from the task's options (all of them share one
    credential client, so an assumed role is assumed once per task)."""

    def __init__(self, params):
        self.params = params
        self._credential = None
        self._clients = {}

    @property
    def credential(self):
        if self._credential is None:
            self._credential = CredentialClient(provider=credentials_provider(self.params))
        return self._credential

    def _budget(self):
        return RetryBudget(max_retries=self.params.get("max_retries", 30), timeout=self.params.get("retry_timeout"))

    def _client(self, name, endpoint, default_host, sdk_class, models, **config):
        if name not in self._clients:
            host, protocol = parse_endpoint(endpoint, default_host)
            sts_host = parse_endpoint(self.params.get("sts_endpoint"), DEFAULT_STS_ENDPOINT)[0]
            hide_proxy = (bypasses_proxy(host) or (self.params.get("assume_role_arn") and bypasses_proxy(sts_host)))
            sdk_config = open_api_models.Config(
                credential=self.credential, endpoint=host, protocol=protocol,
                region_id=self.params.get("region") or DEFAULT_REGION,
                connect_timeout=self.params.get("connect_timeout", 5) * 1000,
                read_timeout=self.params.get("read_timeout", 10) * 1000, ca=self.params.get("ca_path"), **config)
            self._clients[name] = RamClient(sdk_class(sdk_config), models, budget=self._budget(),
                                            around_call=proxy_variables_hidden if hide_proxy else None)
        return self._clients[name]

    @property
    def ram(self):
        return self._client("ram", self.params.get("ram_endpoint"), DEFAULT_RAM_ENDPOINT, SdkRamClient, ram_models)

    @property
    def sts(self):
        from alibabacloud_sts20150401 import models as sts_models
        from alibabacloud_sts20150401.client import Client as SdkStsClient

        return self._client("sts", self.params.get("sts_endpoint"), DEFAULT_STS_ENDPOINT, SdkStsClient, sts_models)

    @property
    def resourcemanager(self):
        from alibabacloud_resourcemanager20200331 import models as rm_models
        from alibabacloud_resourcemanager20200331.client import Client as SdkResourceManagerClient

        return self._client("resourcemanager", self.params.get("resourcemanager_endpoint"),
                            DEFAULT_RESOURCEMANAGER_ENDPOINT, SdkResourceManagerClient, rm_models)

    @property
    def requests(self):
        """API requests this connection sent (all clients)."""
        return sum(client.requests for client in self._clients.values())


def sts_client_for_key(params, access_key_id, access_key_secret, security_token=None):
    """An STS client signed with another key than the task's (to ask STS whom that key belongs to)."""
    other = dict(params, access_key_id=access_key_id, access_key_secret=access_key_secret,
                 security_token=security_token, profile=None, profile_file=None, ecs_role_name=None,
                 assume_role_arn=None)
    return RamConnection(other).sts
