# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The broker's API as functions over a ``MarketplaceClient``: accounts, credentials, the credential test,
vault references, and the account ids this collection chooses.

Every write is keyed by an id or a name the client chooses, so a create that a retried request had
applied already answers 409: the create functions then read the object back (``(object, created)``).
docs/marketplace-api.md is the protocol.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re
import unicodedata
from urllib.parse import quote

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.transport import MarketplaceError
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import TaskFailed

ACCOUNT_ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")  # what the service accepts as an account or cref id


def _quoted(value):
    return quote(value, safe="")


# --------------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------------

def derive_account_id(provider_code, name):
    """The default ``accountId`` of an account: ``<provider>-<slug of the name>``, deterministic.

    The slug is the name folded to ASCII, lower case, every run of other characters turned into ``-``. A name
    with no ASCII letter or digit uses the first 12 hex digits of its SHA-256 instead; an id longer than 128
    characters is cut and ends in that hash, so that different long names still give different ids.
    """
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or digest
    account_id = "%s-%s" % (provider_code, slug)
    if len(account_id) > 128:
        account_id = "%s-%s" % (account_id[:115].rstrip("-"), digest)
    return account_id


def account_name(account):
    return (account.get("basicInfo") or {}).get("accountName")


def get_account(client, account_id):
    """The account, or ``None`` when it does not exist or is not visible to the caller."""
    if not ACCOUNT_ID_RE.match(account_id or ""):
        return None  # cannot exist: the service only accepts these characters
    return client.get("accounts/%s" % _quoted(account_id))


def list_accounts(client, user_type="asset", provider_code=None):
    params = {"serviceProviderCode": provider_code} if provider_code else {}
    return client.paged("accounts/type/%s" % _quoted(user_type), params)


def find_accounts_by_name(client, name, provider_code=None, user_types=("asset",)):
    found = []
    for user_type in user_types:
        found.extend(a for a in list_accounts(client, user_type, provider_code) if account_name(a) == name)
    return found


def resolve_account(client, reference, provider_code, user_types=("asset",)):
    """An account by id, by the id derived from a name, or by name (paged scan). ``None`` if not found.

    Fails (``TaskFailed``) when a name matches several accounts.
    """
    account = get_account(client, reference)
    if account is not None:
        return account
    derived = derive_account_id(provider_code, reference)
    if derived != reference:
        account = get_account(client, derived)
        if account is not None and account_name(account) == reference:
            return account
    matches = find_accounts_by_name(client, reference, provider_code, user_types)
    if len(matches) > 1:
        raise TaskFailed("%d accounts of provider %s are named %r (ids %s); give the account id instead"
                         % (len(matches), provider_code, reference,
                            ", ".join(sorted(m.get("accountId") or "?" for m in matches))))
    return matches[0] if matches else None


def create_account(client, account):
    """POST accounts; returns ``(account, created)``. An existing id (409) is read back instead.

    ``created`` is True when this request created the account - also when the create was applied before
    a transient error and the retry answered 409 (urllib3 retried it: ``retries > 0``).
    """
    account_id = account["accountId"]
    try:
        answer = client.request("POST", "accounts", body={"account": account})
    except MarketplaceError as error:
        if error.status != 409:
            raise
        existing = get_account(client, account_id)
        if existing is None:
            raise MarketplaceError("POST", "accounts", status=409, translate_code=error.translate_code,
                                   message="account id %r is already taken by an account you cannot see" % account_id,
                                   hint="Choose another account_id") from None
        return existing, error.retries > 0
    echoed = answer.get("account") if isinstance(answer, dict) else None
    if not isinstance(echoed, dict) or echoed.get("accountId") != account_id:
        echoed = get_account(client, account_id)
    return echoed, True


def update_account(client, account_id, account):
    answer = client.request("PUT", "accounts/%s" % _quoted(account_id), body={"account": account})
    echoed = answer.get("account") if isinstance(answer, dict) else None
    return echoed if isinstance(echoed, dict) and echoed.get("basicInfo") else get_account(client, account_id)


def delete_account(client, account_id):
    """DELETE; an account gone meanwhile (or by a retried request) answers 404, which is the goal."""
    client.request("DELETE", "accounts/%s" % _quoted(account_id), ignore=(404,))


# --------------------------------------------------------------------------------------------
# Credentials
# --------------------------------------------------------------------------------------------

def _credentials_path(account_id, cred_id=None):
    path = "accounts/%s/credentials" % _quoted(account_id)
    return path + ("/%s" % _quoted(cred_id) if cred_id else "")


def list_credentials(client, account_id, **filters):
    """Credentials of an account, server-side filters (credentialName, credentialId, purpose, team, organization)."""
    params = dict((k, v) for k, v in filters.items() if v)
    return client.paged(_credentials_path(account_id), params)


def find_credential(client, account_id, name):
    matches = [c for c in list_credentials(client, account_id, credentialName=name) if c.get("credentialName") == name]
    return matches[0] if matches else None


def get_credential(client, account_id, cred_id):
    return client.get(_credentials_path(account_id, cred_id))


def create_credential(client, account_id, credential):
    """POST a credential; returns ``(credential, created)``; an existing name (409) is read back instead."""
    try:
        answer = client.request("POST", _credentials_path(account_id), body=credential)
    except MarketplaceError as error:
        if error.status != 409:
            raise
        existing = find_credential(client, account_id, credential["credentialName"])
        if existing is None:
            raise
        return existing, error.retries > 0
    echoed = answer.get("credential") if isinstance(answer, dict) else None
    if not isinstance(echoed, dict) or not echoed.get("id"):
        echoed = find_credential(client, account_id, credential["credentialName"])
    return echoed, True


def patch_credential(client, account_id, cred_id, changes):
    answer = client.request("PATCH", _credentials_path(account_id, cred_id), body=changes)
    echoed = answer.get("credential") if isinstance(answer, dict) else None
    return echoed if isinstance(echoed, dict) and echoed.get("id") else get_credential(client, account_id, cred_id)


def delete_credential(client, account_id, cred_id):
    """DELETE; a credential gone meanwhile (or by a retried request) answers 404, which is the goal."""
    client.request("DELETE", _credentials_path(account_id, cred_id), ignore=(404,))


def validate_stored_credential(client, account_id, cred_id):
    """POST credentialsValidator: the broker tests a stored credential against the provider (changes nothing).

    Returns the (redacted) answer; a rejected credential raises ``MarketplaceError`` with the provider's code.
    """
    return client.request("POST", "credentialsValidator", body={"accountId": account_id, "credentialId": cred_id})


def validate_inline_credential(client, provider_code, password_fields, account_number=None):
    """POST credentialsValidator with the secret inline (nothing stored): the broker tests a key before it is
    stored (docs/marketplace-api.md section 7). A rejected key raises ``MarketplaceError`` (400, the
    provider's ``errorCode``); a provider that could not be asked answers 502, which the client retries."""
    body = {"basicInfo": {"serviceProviderType": provider_code, "serviceProviderCode": provider_code,
                          "userType": "asset"},
            "credentials": {"passwordFields": password_fields}}
    if account_number:
        body["advancedInfo"] = {"accountNumber": account_number}
    return client.request("POST", "credentialsValidator", body=body)


def get_credentialref(client, cref_id):
    """A vault reference (v1.0 API), or ``None`` when unknown or not the caller's."""
    if not ACCOUNT_ID_RE.match(cref_id or ""):
        return None
    return client.get("credentialrefs/%s" % _quoted(cref_id), api="vault")


def business_entities(client):
    """The organizations, teams and custom contexts the caller may name (``GET businessEntities``)."""
    return client.request("GET", "businessEntities") or {}
