# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Connection, authentication, TLS and retry options of every marketplace module."""

    DOCUMENTATION = r"""
options:
  url:
    description:
      - Base URL of the cloud broker's API gateway, for example C(https://broker.example.com); the service
        paths O(service_prefix) and O(vault_prefix) are appended to it.
      - If not set, E(CLOUDBROKER_URL). One of the two is required.
    type: str
    aliases: [gateway_url]
  service_prefix:
    description:
      - Path of the provider-account service (API v2.0) below O(url).
      - If not set, E(CLOUDBROKER_SERVICE_PREFIX), else C(cb-credential-service/api/v2.0).
    type: str
    default: cb-credential-service/api/v2.0
  vault_prefix:
    description:
      - Path of the vault references API (C(credentialrefs), API v1.0) below O(url).
      - If not set, E(CLOUDBROKER_VAULT_PREFIX); else derived from O(service_prefix) by replacing its
        trailing version with C(v1.0) (C(cb-credential-service/api/v1.0) for the default), or, when
        O(service_prefix) does not end in a version, C(<its first path segment>/api/v1.0).
    type: str
  provider_code:
    description:
      - Code of the cloud provider in the broker (C(serviceProviderCode), also sent as
        C(serviceProviderType)). Alibaba Cloud is C(alibaba).
      - Accounts are created with it, and looked up by name among the accounts of this provider.
      - If not set, E(CLOUDBROKER_PROVIDER_CODE), else C(alibaba).
    type: str
    default: alibaba
    aliases: [provider]
  username:
    description:
      - The broker user the API key belongs to (sent in the C(username) header).
      - If not set, E(CLOUDBROKER_USERNAME). One of the two is required.
    type: str
    aliases: [user]
  api_key:
    description:
      - The user's API key (sent in the C(apikey) header). It is never shown in results or errors.
      - If not set, E(CLOUDBROKER_API_KEY). One of the two is required.
    type: str
    aliases: [apikey]
  validate_certs:
    description:
      - Verify the gateway's TLS certificate. Only set V(false) for a test gateway.
      - If not set, E(CLOUDBROKER_VALIDATE_CERTS), else V(true).
    type: bool
    default: true
  ca_path:
    description:
      - PEM file (or directory prepared with C(c_rehash)) of the CA certificates that sign the gateway's
        certificate, for a broker behind a private CA. Without it the system's and C(certifi)'s CAs are used.
      - If not set, E(CLOUDBROKER_CA_BUNDLE).
    type: path
    aliases: [ca_bundle]
  timeout:
    description: Seconds to wait for a connection and, separately, for each answer.
    type: float
    default: 30
  max_retries:
    description:
      - How many times one request is retried after throttling (HTTP 429), a gateway error (502, 503, 504,
        with a JSON or an HTML body, including C(CO502_PROVIDER_UNREACHABLE) of the test connection when
        the cloud side throttles) or a connection failure. The wait is exponential (0.5 s doubling, at
        most 20 s) with up to 0.5 s of random jitter, or what the service asks for in C(Retry-After)
        (at most 120 s). Other client errors (4xx) are never retried.
      - 0-100. Under sustained throttling O(retry_timeout) is the limit that binds; a request that spent
        either budget fails naming it (C(gave up after N retries in S s (retry_timeout 120 s))).
      - Every method is retried, creates included - they are keyed by a client-chosen id or name, so a
        create that the service applied before the error is answered with a conflict (409) on the retry,
        and the module then reads the existing object instead of creating a second one.
    type: int
    default: 30
  retry_timeout:
    description:
      - Time budget in seconds for the retries of one task - no retry starts after it has passed since the
        task's first request (a C(Retry-After) wait counts against it). 0-3600.
    type: int
    default: 120
notes:
  - The modules speak the broker's C(cb-credential-service) API as described in the collection's
    C(docs/marketplace-api.md); the vendor publishes no reference of its own.
  - B(Secrets.) The broker returns stored credentials' secrets on every read. The modules remove them
    from every answer before using it - results, diffs, warnings and error messages never hold one;
    an access key B(ID) stays visible (C(credential.access_key_id)). Secrets the modules send are
    also registered with Ansible's C(no_log) masking.
  - All modules of the collection's marketplace group can share these options through
    C(module_defaults) with C(group/cloudbroker.alibaba.marketplace).
requirements:
  - python >= 3.10
  - requests
"""
