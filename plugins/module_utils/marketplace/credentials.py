# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials of asset accounts: ``marketplace_credential`` and ``marketplace_credential_info``.

May touch: one credential of an existing asset account (``POST``, ``PATCH``, ``DELETE
accounts/{id}/credentials[/{credId}]``). Reads the account (``GET accounts/{id}``: its credentials come
with it), the business-entity catalogue (``GET businessEntities``, only when a wanted entity is not already
associated with the credential and no ``business_entity_catalog`` read earlier in the run is given) and
vault references; asks the broker to test the stored credential (``POST credentialsValidator``, changes
nothing) with ``test_connection``; and, before an AccessKey secret is sent, asks STS who the key belongs
to (``GetCallerIdentity`` signed with the key, read-only). The info twin only reads. Both return
``views.credential_view``; the broker returns stored secrets on every read, which the transport redacts and
hands to ``task.add_secret``.

``known_account``: the account as a read earlier in the play returned it (``account_view`` with its
credentials). When it shows the credential as wanted, the task reports no change without a request (the
no-change run of the onboarding chain); anything else is decided on a fresh read, so a stale view can only
postpone a change to the next run, never write stale data.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.api import (
    ACCOUNT_ID_RE,
    create_credential,
    delete_credential,
    derive_account_id,
    get_credentialref,
    list_accounts,
    patch_credential,
    resolve_account,
    validate_inline_credential,
    validate_stored_credential,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.entities import (
    associated_ids,
    check_catalog,
    resolve_entities,
    same_entities,
    wanted_entities,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.redaction import REDACTED
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.transport import MarketplaceError
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.views import (
    PURPOSES,
    credential_view,
    embedded_credential,
    entities_to_context,
    purpose_to_wire,
    status_to_wire,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, Resource, TaskFailed

DIFF_SKIP = ("id", "created_by", "updated_time")
PURPOSE_CHOICES = ", ".join(label for _w, label in PURPOSES)


# --------------------------------------------------------------------------------------------
# marketplace_credential: input, plan
# --------------------------------------------------------------------------------------------

def check_credential_options(params):
    """Input checks before any request; returns the wire purposes (or None)."""
    if not 1 <= len(params["name"]) <= 255:
        raise InputError("name must be 1-255 characters long.", option="name")
    if not params["account"]:
        raise InputError("account must not be empty.", option="account")
    purposes = None
    if params["purpose"] is not None:
        purposes = []
        for item in params["purpose"]:
            wire = purpose_to_wire(item)
            if wire is None:
                raise InputError("Unknown purpose %r: use %s (or the wire values %s)." % (
                    item, PURPOSE_CHOICES, ", ".join(w for w, _l in PURPOSES)), option="purpose")
            if wire not in purposes:
                purposes.append(wire)
        if not purposes and params["state"] == "present":
            raise InputError("purpose must name at least one purpose.", option="purpose")
    if params["credential_ref_id"] is not None and not ACCOUNT_ID_RE.match(params["credential_ref_id"]):
        raise InputError("Invalid credential_ref_id %r: 1-128 characters, letters, digits, '_', '.' or '-'."
                         % params["credential_ref_id"], option="credential_ref_id")
    if params["access_key_id"] is not None and not params["access_key_id"].strip():
        raise InputError("access_key_id must not be empty.", option="access_key_id")
    if params["access_key_secret"] is not None and not params["access_key_secret"]:
        raise InputError("access_key_secret must not be empty.", option="access_key_secret")
    if params["update_secret"] == "always" and params["access_key_id"] and not params["access_key_secret"]:
        raise InputError("update_secret=always needs access_key_secret.", option="access_key_secret")
    for option, values in (params["business_entities"] or {}).items():
        if any(not isinstance(v, str) or not v.strip() for v in values or []):
            raise InputError("business_entities.%s: every item must be a non-empty id or name." % option,
                             option="business_entities")
    check_catalog(params["business_entity_catalog"])
    if params["sts_endpoint"]:
        from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.identity import check_sts_endpoint

        check_sts_endpoint(params["sts_endpoint"])
    if params.get("sts_ca_path") and not os.path.isfile(params.get("sts_ca_path")):
        raise InputError("sts_ca_path %r is not a readable file (a PEM bundle of the CA certificates that sign "
                         "the STS endpoint's certificate)." % params.get("sts_ca_path"), option="sts_ca_path")
    return purposes


def check_credential_ref(client, cref_id):
    if get_credentialref(client, cref_id) is None:
        raise TaskFailed("Credential reference %r not found in the vault (or it belongs to another user)." % cref_id)


def secret_fields(params):
    return dict(accessKey=params["access_key_id"], secretKey=params["access_key_secret"])


def create_source(params):
    """What a new credential would be created with: ``"reference"`` (a vault reference), ``"key"`` (an AccessKey
    ID and its secret), or ``None`` (nothing: the task cannot create it)."""
    if params["credential_ref_id"]:
        return "reference"
    if params["access_key_id"] and params["access_key_secret"]:
        return "key"
    return None


def plan_create(params, client, purposes, entities):
    """The POST body of a new credential."""
    if not purposes:
        raise TaskFailed("purpose is required to create credential %r." % params["name"])
    payload = dict(credentialName=params["name"], purpose=purposes, status=status_to_wire(params["status"] or "Active"),
                   context=entities_to_context(entities or {}))
    source = create_source(params)
    if source == "reference":
        check_credential_ref(client, params["credential_ref_id"])
        payload["crefId"] = params["credential_ref_id"]
    elif source == "key":
        payload["passwordFields"] = secret_fields(params)
    else:
        raise TaskFailed("Creating credential %r needs access_key_id and access_key_secret, or credential_ref_id."
                         % params["name"])
    return payload


def credential_changes(params, current, purposes, entities):
    """The PATCH body (only what differs) and whether it carries a secret; makes no request."""
    view = credential_view(current)
    changes = {}
    if purposes is not None and set(purposes) != set(current.get("purpose") or []):
        changes["purpose"] = purposes
    if params["status"] is not None and view["status"] != params["status"]:
        changes["status"] = status_to_wire(params["status"])
    desired = wanted_entities(view["business_entities"], entities, params["purge_business_entities"])
    if desired is not None and not same_entities(desired, view["business_entities"]):
        changes["context"] = entities_to_context(desired)
    secret = False
    if params["credential_ref_id"]:
        if current.get("crefId") != params["credential_ref_id"]:
            changes["crefId"] = params["credential_ref_id"]
    elif params["access_key_id"]:
        stored = view["access_key_id"]
        if params["update_secret"] == "always" or stored != params["access_key_id"]:
            if not params["access_key_secret"]:
                what = ("stores access key %s" % stored) if stored else (
                    "uses vault reference %s" % current["crefId"] if current.get("crefId") else "stores no access key")
                raise TaskFailed("Credential %r %s; access_key_secret is required to store access key %s."
                                 % (params["name"], what, params["access_key_id"]))
            changes["passwordFields"] = secret_fields(params)
            secret = True
    return changes, secret


def plan_update(params, client, current, purposes, entities):
    """``credential_changes``, with a new vault reference checked in the vault first."""
    changes, secret = credential_changes(params, current, purposes, entities)
    if "crefId" in changes:
        check_credential_ref(client, changes["crefId"])
    return changes, secret


def predicted(current, changes):
    """The credential as a PATCH/POST body would leave it (check mode)."""
    cred = dict(current or {})
    for key, value in changes.items():
        if key == "passwordFields":
            cred["passwordFields"] = dict(accessKey=value["accessKey"], secretKey=REDACTED)
            cred.pop("crefId", None)
        elif key == "crefId":
            cred["crefId"] = value
            cred.pop("passwordFields", None)
        else:
            cred[key] = value
    return cred


def diff_view(view, secret_marker=None):
    """The credential's view without what changes on every write; ``secret`` says what happened to the secret."""
    if not view:
        return {}
    result = dict((k, v) for k, v in view.items() if k not in DIFF_SKIP)
    if secret_marker:
        result["secret"] = secret_marker
    return result


# --------------------------------------------------------------------------------------------
# marketplace_credential: checks that call out
# --------------------------------------------------------------------------------------------

def check_key_owner(task):
    """Refuse an AccessKey of the root (billing) account before it is sent; warn when the owner is unknown."""
    params = task.params
    if not params["check_key_owner"]:
        return
    # Imported here: only runs that send a secret pay for the Alibaba SDK.
    from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError
    from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.identity import identity_of_key

    try:
        identity = identity_of_key(dict(sts_endpoint=params["sts_endpoint"], ca_path=params.get("sts_ca_path")),
                                   params["access_key_id"], params["access_key_secret"])
    except RamError as error:
        task.warn("Could not verify who access key %s belongs to (%s); it is stored unverified. Use "
                  "test_connection to check it, or set check_key_owner: false to skip this check."
                  % (params["access_key_id"], error.describe()))
        return
    if identity["is_root"] and not params["allow_root_access_key"]:
        raise TaskFailed("Access key %s belongs to the root (billing) account %s: storing it would give everyone "
                         "who can use this credential full access to everything. Use a RAM user's key (a RAM user "
                         "is sufficient), or set allow_root_access_key: true."
                         % (params["access_key_id"], identity.get("account_id")))


def run_test(task, client, account, credential, result, tested_inline=None):
    """``test_connection``: the broker tests the stored credential; a rejection fails the task with the result.
    ``tested_inline``: the answer of the inline test of the key this task has just stored (not tested twice)."""
    if task.check_mode:
        result["test_connection"] = dict(status="skipped", message="not tested in check mode")
        return
    if tested_inline is not None:
        result["test_connection"] = dict(
            status=tested_inline.get("status") or "success", stage="before_store", message=tested_inline.get("message"),
            translate_code=tested_inline.get("translateCode"), error_code=None,
            identity=camel_dict_to_snake_dict(tested_inline.get("identity") or {}))
        return
    try:
        answer = validate_stored_credential(client, account["accountId"], credential["id"]) or {}
    except MarketplaceError as error:
        result["test_connection"] = dict(status="failure", message=error.message, error_code=error.error_code,
                                         translate_code=error.translate_code, http_status=error.status)
        code = error.error_code or error.translate_code or ("HTTP %s" % error.status)
        raise TaskFailed("Test connection of credential %r (account %s) failed: %s: %s%s" % (
            credential.get("credentialName"), account["accountId"], code, error.message,
            " (%s)" % error.gave_up if error.gave_up else ""), **result) from None
    result["test_connection"] = dict(
        status=answer.get("status") or "success", message=answer.get("message"),
        translate_code=answer.get("translateCode"), error_code=None,
        identity=camel_dict_to_snake_dict(answer.get("identity") or {}))


def test_before_storing(task, client, account, payload):
    """``test_connection`` with a new secret: the broker tests the key inline *before* it replaces what the
    credential stores, so a key that does not work never displaces one that does. Raises ``TaskFailed``
    (nothing written) when the provider rejects the key, or when it cannot be asked within the retry budget."""
    params = task.params
    if task.check_mode or not params["test_connection"] or "passwordFields" not in payload:
        return None
    try:
        return validate_inline_credential(client, params["provider_code"], payload["passwordFields"],
                                          (account.get("advancedInfo") or {}).get("accountNumber")) or {}
    except MarketplaceError as error:
        code = error.error_code or error.translate_code or ("HTTP %s" % error.status)
        raise TaskFailed("Access key %s failed the test connection before it was stored; credential %r (account %s) "
                         "was left as it was: %s: %s" % (params["access_key_id"], params["name"], account["accountId"],
                                                         code, error.describe()),
                         test_connection=dict(status="failure", stage="before_store", message=error.message,
                                              error_code=error.error_code, translate_code=error.translate_code,
                                              http_status=error.status)) from None


# --------------------------------------------------------------------------------------------
# marketplace_credential: the run
# --------------------------------------------------------------------------------------------

def account_of(task, client):
    """``(account, exists)``: the credential's account; in check mode a stand-in for an account that an
    earlier task of the play would have created."""
    params = task.params
    account = resolve_account(client, params["account"], params["provider_code"])
    if account is not None:
        return account, True
    if not task.check_mode:
        raise TaskFailed("Asset account %r not found (by id or name, provider %s) or not visible to user %s; "
                         "create it first with cloudbroker.alibaba.marketplace_asset_account."
                         % (params["account"], params["provider_code"], client.username))
    task.warn("Asset account %r does not exist (yet): check mode reports its credential as to be created."
              % params["account"])
    account_id = params["account"] if ACCOUNT_ID_RE.match(params["account"]) else \
        derive_account_id(params["provider_code"], params["account"])
    return dict(accountId=account_id, basicInfo=dict(accountName=params["account"])), False


def known_account_of(params):
    """``known_account`` when it is the account ``account`` names (and was read from the broker), else ``None``."""
    known = params["known_account"]
    if not known or "credentials" not in known or known.get("model_version") is None \
            or known.get("provider_code") != params["provider_code"] \
            or params["account"] not in (known.get("account_id"), known.get("name")):
        return None
    return known


def known_credential(params, purposes):
    """``(account, credential, view)`` from ``known_account`` when it shows the credential exactly as wanted,
    else ``None`` (then the task reads the account). Makes no request."""
    known = known_account_of(params)
    view = next((c for c in known["credentials"] if c.get("name") == params["name"]), None) if known else None
    if view is None:
        return None
    current = embedded_credential(view)
    entities = associated_ids(params["business_entities"], credential_view(current)["business_entities"])
    if entities is False:  # a wanted entity is not associated yet: a change, decided on a fresh read
        return None
    try:
        changes, _secret = credential_changes(params, current, purposes, entities)
    except TaskFailed:  # e.g. another key stored and no secret at hand: worded after a fresh read
        return None
    if changes:
        return None
    account = dict(accountId=known["account_id"], basicInfo=dict(accountName=known.get("name")))
    return account, current, dict(view, account_id=known["account_id"], account_name=known.get("name"))


def ensure_present(task, client, purposes):
    params = task.params
    settled = known_credential(params, purposes)
    if settled is not None:
        account, current, view = settled
        marker = "(stored)" if current.get("passwordFields") else None
        result = dict(changed=False, credential=view, secret_updated=False, replaced_access_key_id=None)
        if task.diff:
            result["diff"] = dict(before=diff_view(view, marker), after=diff_view(view, marker))
        if params["test_connection"] and params["test_connection_when"] == "always":
            run_test(task, client, account, current, result)
        return result
    known = known_account_of(params)
    if known is not None and create_source(params) and not any(c.get("name") == params["name"] for c in known["credentials"]):
        # read in this play and without the credential: created without a second read (one created meanwhile
        # answers 409 and is read back, see create_credential). Without a key to create it with, the view may be
        # stale (an overlapping run created the credential since): read again rather than fail on an old view.
        account, exists = dict(accountId=known["account_id"], basicInfo=dict(accountName=known.get("name"))), True
    else:
        account, exists = account_of(task, client)
    replaced, tested = None, None
    current = embedded_credential_named(account, params["name"]) if exists else None
    entities = associated_ids(params["business_entities"],
                              credential_view(current)["business_entities"] if current else {})
    if entities is False:
        entities = resolve_entities(client, params["business_entities"], params["business_entity_catalog"])
    if current is None:
        payload = plan_create(params, client, purposes, entities)
        secret, changed, before, marker = "passwordFields" in payload, True, {}, None
        if secret:
            check_key_owner(task)
            tested = test_before_storing(task, client, account, payload)
            marker = "(stored)"
        if task.check_mode:
            after = predicted(None, payload)
        else:
            after, created = create_credential(client, account["accountId"], payload)
            if not created:  # created meanwhile by somebody else: reconcile it like any existing credential
                current = after
    if current is not None:
        marker = "(stored)" if current.get("passwordFields") else None
        before = diff_view(credential_view(current, account), marker)
        changes, secret = plan_update(params, client, current, purposes, entities)
        changed = bool(changes)
        if secret:
            check_key_owner(task)
            if tested is None:  # a create that answered 409 (created meanwhile) tested this key already
                tested = test_before_storing(task, client, account, changes)
            marker = "(updated)"
            replaced = credential_view(current, account)["access_key_id"]
        after = current
        if changes:
            after = predicted(current, changes) if task.check_mode else \
                patch_credential(client, account["accountId"], current["id"], changes)
    view = credential_view(after, account)
    result = dict(changed=changed, credential=view, secret_updated=secret,
                  replaced_access_key_id=replaced if replaced != params["access_key_id"] else None)
    if task.diff:
        result["diff"] = dict(before=before, after=diff_view(view, marker))
    if params["test_connection"] and (changed or params["test_connection_when"] == "always"):
        run_test(task, client, account, after, result, tested if secret else None)
    return result


def embedded_credential_named(account, name):
    """The credential ``name`` among those the account's ``GET`` carries (the same ones, with the same
    visibility, as ``GET accounts/{id}/credentials``: docs/marketplace-api.md section 4), or ``None``."""
    return next((c for c in account.get("credentials") or [] if c.get("credentialName") == name), None)


def ensure_absent(task, client):
    params = task.params
    account = resolve_account(client, params["account"], params["provider_code"])
    current = embedded_credential_named(account, params["name"]) if account else None
    if current is not None and not task.check_mode:
        delete_credential(client, account["accountId"], current["id"])
    before = diff_view(credential_view(current, account)) if current else {}
    return task.result(current is not None, "credential", before, {}, secret_updated=False)


def run_credential(task):
    purposes = check_credential_options(task.params)
    client = task.clients.marketplace
    if task.params["state"] == "present":
        return ensure_present(task, client, purposes)
    return ensure_absent(task, client)


CREDENTIAL = Resource(
    "marketplace_credential",
    dict(
        account=dict(type="str", required=True, aliases=["account_id", "account_name"]),
        name=dict(type="str", required=True, aliases=["credential_name"]),
        purpose=dict(type="list", elements="str"),
        status=dict(type="str", choices=["Active", "Inactive"]),
        access_key_id=dict(type="str", no_log=False),
        access_key_secret=dict(type="str", no_log=True),
        update_secret=dict(type="str", default="on_create", choices=["on_create", "always"], no_log=False),
        credential_ref_id=dict(type="str", aliases=["cref_id"], no_log=False),
        business_entities=dict(type="dict", options=dict(
            organizations=dict(type="list", elements="str"),
            teams=dict(type="list", elements="str"),
            custom_contexts=dict(type="list", elements="str"))),
        purge_business_entities=dict(type="bool", default=False),
        business_entity_catalog=dict(type="dict"),
        test_connection=dict(type="bool", default=False),
        test_connection_when=dict(type="str", default="always", choices=["always", "changed"]),
        known_account=dict(type="dict"),
        check_key_owner=dict(type="bool", default=True),
        allow_root_access_key=dict(type="bool", default=False, no_log=False),
        sts_endpoint=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_STS_ENDPOINT"])),
        sts_ca_path=dict(type="path", fallback=(env_fallback, ["ALIBABA_CLOUD_CA_BUNDLE"])),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    ),
    run_credential,
    services=("marketplace",),
    mutually_exclusive=[["access_key_id", "credential_ref_id"], ["access_key_secret", "credential_ref_id"]],
    required_by={"access_key_secret": ["access_key_id"]},
)


# --------------------------------------------------------------------------------------------
# marketplace_credential_info
# --------------------------------------------------------------------------------------------

def matches(credential, params, purpose):
    """The same filters as the broker's, for credentials read with their accounts."""
    context = [entry for entry in credential.get("context") or [] if isinstance(entry, dict)]
    if params["name"] and credential.get("credentialName") != params["name"]:
        return False
    if params["id"] and credential.get("id") != params["id"]:
        return False
    if purpose and purpose not in (credential.get("purpose") or []):
        return False
    if params["team"] and not any(params["team"] in (entry.get("team") or []) for entry in context):
        return False
    if params["organization"] and not any(params["organization"] in (entry.get("org") or []) for entry in context):
        return False
    return not params["status"] or credential.get("status") == status_to_wire(params["status"])


def run_credential_info(task):
    params = task.params
    purpose = None
    if params["purpose"]:
        purpose = purpose_to_wire(params["purpose"])
        if purpose is None:
            raise InputError("Unknown purpose %r: use %s." % (params["purpose"], PURPOSE_CHOICES), option="purpose")
    client = task.clients.marketplace
    found = []
    if params["account"]:
        account = resolve_account(client, params["account"], params["provider_code"])
        if account is not None:  # its credentials come with it: no second request
            found = [(account, c) for c in account.get("credentials") or []]
    else:  # the accounts' pages hold their credentials: no request per account
        for account in list_accounts(client, "asset", params["provider_code"]):
            found.extend((account, c) for c in account.get("credentials") or [])
    return dict(changed=False, credentials=[credential_view(c, a) for a, c in found if matches(c, params, purpose)])


CREDENTIAL_INFO = Resource(
    "marketplace_credential_info",
    dict(
        account=dict(type="str", aliases=["account_id", "account_name"]),
        name=dict(type="str", aliases=["credential_name"]),
        id=dict(type="str", aliases=["credential_id"]),
        purpose=dict(type="str"),
        team=dict(type="str"),
        organization=dict(type="str"),
        status=dict(type="str", choices=["Active", "Inactive"]),
    ),
    run_credential_info,
    services=("marketplace",),
)
