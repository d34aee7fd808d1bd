# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the collection reaches the marketplace: the connection options (documented in the
``cloudbroker.alibaba.marketplace`` doc fragment), their checks, and the client built from them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.redaction import MIN_SECRET_LENGTH
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.transport import (
    DEFAULT_SERVICE_PREFIX,
    HAS_REQUESTS,
    MarketplaceClient,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError

DEFAULT_PROVIDER_CODE = "alibaba"

MARKETPLACE_OPTIONS = dict(
    url=dict(type="str", aliases=["gateway_url"], fallback=(env_fallback, ["CLOUDBROKER_URL"])),
    service_prefix=dict(type="str", default=DEFAULT_SERVICE_PREFIX,
                        fallback=(env_fallback, ["CLOUDBROKER_SERVICE_PREFIX"])),
    vault_prefix=dict(type="str", fallback=(env_fallback, ["CLOUDBROKER_VAULT_PREFIX"])),
    provider_code=dict(type="str", default=DEFAULT_PROVIDER_CODE, aliases=["provider"],
                       fallback=(env_fallback, ["CLOUDBROKER_PROVIDER_CODE"])),
    username=dict(type="str", aliases=["user"], fallback=(env_fallback, ["CLOUDBROKER_USERNAME"])),
    api_key=dict(type="str", aliases=["apikey"], no_log=True, fallback=(env_fallback, ["CLOUDBROKER_API_KEY"])),
    validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["CLOUDBROKER_VALIDATE_CERTS"])),
    ca_path=dict(type="path", aliases=["ca_bundle"], fallback=(env_fallback, ["CLOUDBROKER_CA_BUNDLE"])),
    timeout=dict(type="float", default=30.0),
    max_retries=dict(type="int", default=30),
    retry_timeout=dict(type="int", default=120),
)


def validate_marketplace_options(params):
    """The checks the argument spec cannot express; raises ``InputError`` before any request."""
    if not HAS_REQUESTS:
        raise InputError("The marketplace modules need the Python library requests on the host that runs them.")
    if not params.get("url"):
        raise InputError("The marketplace URL is not set: give the url option or set CLOUDBROKER_URL "
                         "(the broker's gateway base URL, for example https://broker.example.com).", option="url")
    parts = urlsplit(params["url"])
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError("url must be an http:// or https:// URL of the broker's gateway, got %r." % params["url"],
                         option="url")
    if parts.username or parts.password:
        raise InputError("url must not carry credentials; use the username and api_key options.", option="url")
    auth = (("username", "CLOUDBROKER_USERNAME"), ("api_key", "CLOUDBROKER_API_KEY"))
    missing = ["%s (or %s)" % (name, env) for name, env in auth if not params.get(name)]
    if missing:
        raise InputError("Marketplace authentication is incomplete: set %s." % " and ".join(missing))
    if params["ca_path"] and params["validate_certs"] and not os.path.exists(params["ca_path"]):
        raise InputError("ca_path %r does not exist: give a PEM file (or a directory prepared with c_rehash) of the "
                         "CA certificates that sign the gateway's certificate." % params["ca_path"], option="ca_path")
    if not 0 < params["timeout"] <= 900:
        raise InputError("timeout must be a number of seconds between 0 and 900, got %s." % params["timeout"],
                         option="timeout")
    if not 0 <= params["max_retries"] <= 100:
        raise InputError("max_retries must be between 0 and 100, got %d." % params["max_retries"],
                         option="max_retries")
    if not 0 <= params["retry_timeout"] <= 3600:
        raise InputError("retry_timeout must be between 0 and 3600 seconds, got %d." % params["retry_timeout"],
                         option="retry_timeout")
    if not re.match(r"^[a-z0-9-]+$", params["provider_code"] or ""):
        raise InputError("provider_code must match ^[a-z0-9-]+$, got %r." % params["provider_code"],
                         option="provider_code")


def client_from_options(params, on_secret=None):
    def secret_seen(value):  # shorter strings would mask ordinary words
        if on_secret is not None and len(value) >= MIN_SECRET_LENGTH:
            on_secret(value)

    return MarketplaceClient(
        params["url"], params["username"], params["api_key"], service_prefix=params["service_prefix"],
        vault_prefix=params["vault_prefix"], validate_certs=params["validate_certs"], ca_path=params["ca_path"],
        timeout=params["timeout"], max_retries=params["max_retries"],
        retry_timeout=params["retry_timeout"], on_secret=secret_seen)
