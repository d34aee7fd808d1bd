# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whom credentials belong to: STS ``GetCallerIdentity``, for ``ram_caller_identity_info`` and for modules
outside the RAM room that must check a key before they use it (``identity_of_key``: marketplace_credential
refuses a root-account key).

May touch: nothing (GetCallerIdentity only reads). The SDK (``ram.connection``) is imported when a call is
made, not with this file, so a marketplace module that imports it pays for the SDK only when it checks a key.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.names import snake
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, Resource

ROOT_IDENTITY_TYPE = "Account"  # GetCallerIdentity's IdentityType for the root (billing) account
# The connection options a key check takes from the caller's options (everything else is the key's own).
KEY_CHECK_OPTIONS = ("sts_endpoint", "ca_path", "region", "connect_timeout", "read_timeout", "max_retries",
                     "retry_timeout")
KEY_CHECK_TIMEOUT = 10  # seconds, when the caller's options name none
KEY_CHECK_RETRIES = 3


def _connection():
    from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import connection

    return connection


def is_root(identity):
    """Whether a ``caller_identity`` view is the root account's."""
    return identity.get("identity_type") == ROOT_IDENTITY_TYPE


def caller_identity(sts_client):
    """STS GetCallerIdentity as a snake_case dict (no request id) plus ``is_root``."""
    found = sts_client.call("GetCallerIdentity")
    identity = dict((key, value) for key, value in snake(found).items() if key != "request_id")
    identity["is_root"] = is_root(identity)
    return identity


def check_sts_endpoint(value, option="sts_endpoint"):
    """Raise ``InputError`` naming ``option`` unless ``value`` is empty or a host, host:port or http(s) URL."""
    try:
        _connection().parse_endpoint(value, "")
    except ValueError as exc:
        raise InputError("%s: %s" % (option, exc), option=option)


def key_check_options(options, timeout=None, max_retries=None):
    """The connection options of a key check, from ``options``: a RAM module's params, a marketplace module's
    params (``sts_endpoint``, ``timeout`` in seconds, ``max_retries``), or just the STS endpoint (a string or
    ``None``). ``timeout`` / ``max_retries`` given here win over the options."""
    if options is None or isinstance(options, str):
        options = dict(sts_endpoint=options)
    chosen = dict((name, options[name]) for name in KEY_CHECK_OPTIONS if options.get(name) is not None)
    seconds = timeout if timeout is not None else options.get("timeout")
    if seconds is not None:
        chosen["connect_timeout"] = chosen["read_timeout"] = max(1, int(round(seconds)))
    chosen.setdefault("connect_timeout", KEY_CHECK_TIMEOUT)
    chosen.setdefault("read_timeout", KEY_CHECK_TIMEOUT)
    if max_retries is not None:
        chosen["max_retries"] = max_retries
    chosen.setdefault("max_retries", KEY_CHECK_RETRIES)
    return chosen


def identity_of_key(options, access_key_id, access_key_secret, security_token=None, timeout=None, max_retries=None):
    """Whom an AccessKey belongs to: STS GetCallerIdentity signed with that key (not the task's credentials).

    ``options``: see ``key_check_options``. Returns the ``caller_identity`` view (with ``is_root``). A bad
    ``sts_endpoint`` raises ``InputError`` before any call (``check_sts_endpoint`` checks it up front); a
    rejected key or an unreachable STS raises ``RamError`` (action ``GetCallerIdentity``).
    """
    connection = _connection()
    settings = key_check_options(options, timeout=timeout, max_retries=max_retries)
    check_sts_endpoint(settings.get("sts_endpoint"))
    return caller_identity(connection.sts_client_for_key(settings, access_key_id, access_key_secret, security_token))


# --------------------------------------------------------------------------------------------
# ram_caller_identity_info
# --------------------------------------------------------------------------------------------

def run_caller_identity_info(task):
    params = task.params
    key_id = params["access_key_id_to_check"]
    if key_id:
        sts = _connection().sts_client_for_key(params, key_id, params["access_key_secret_to_check"],
                                               params["security_token_to_check"])
    else:
        sts = task.clients.sts
    return dict(changed=False, caller_identity=caller_identity(sts))


CALLER_IDENTITY_INFO = Resource(
    "ram_caller_identity_info",
    dict(
        access_key_id_to_check=dict(type="str", no_log=False),
        access_key_secret_to_check=dict(type="str", no_log=True),
        security_token_to_check=dict(type="str", no_log=True),
    ),
    run_caller_identity_info,
    services=("ram",),
    required_together=[["access_key_id_to_check", "access_key_secret_to_check"]],
    required_by={"security_token_to_check": "access_key_id_to_check"},
)
