#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: marketplace_credential
short_description: Manage a credential of a cloud broker marketplace account
version_added: 1.0.0
description:
  - Creates, updates or deletes one credential of an asset account in the cloud broker's marketplace
    (UI - the account's I(Add Credential) dialog) - its purpose, status, secret and the business
    entities (organizations, teams, custom contexts) whose users may use it.
  - The secret is either an Alibaba Cloud AccessKey (O(access_key_id) and O(access_key_secret)) that the
    broker stores in its vault (UI - I(Create New or Update Credential in Vault)), or the id of a
    credential already in the vault (O(credential_ref_id)).
  - B(Idempotent secrets.) The broker never needs the secret twice - with the default
    O(update_secret=on_create) the secret is sent only when the credential is created or when the stored
    access key ID differs from O(access_key_id) (a rotated key). The secret itself is never compared, so
    re-running a play does not change anything.
  - The credential is found by O(name) within the account (a filtered list request, not a scan).
  - Options that are not set leave the current value alone.
  - Secrets are never returned, shown in a diff or in an error, although the broker returns them on every
    read; the credential's access key ID is returned (RV(credential.access_key_id)).
author:
  - cloudbroker.alibaba contributors (@cloudbroker)
options:
  account:
    description:
      - The asset account the credential belongs to, by id or by name (among the asset accounts of
        O(provider_code)); see M(cloudbroker.alibaba.marketplace_asset_account).
      - With O(state=present) a missing account is an error, except in check mode (it may be created by an
        earlier task of the same play); with O(state=absent) there is then nothing to delete.
    type: str
    required: true
    aliases: [account_id, account_name]
  name:
    description: Name of the credential (C(credentialName)), unique within the account; 1-255 characters.
    type: str
    required: true
    aliases: [credential_name]
  purpose:
    description:
      - What the broker uses the credential for. Any of V(Provisioning) (the marketplace provisions with
        it), V(Asset Ingestion), V(Asset Discovery); the wire values V(provisioning), V(assetIngestion),
        V(assetDiscovery) are accepted as well (case and spaces do not matter).
      - Required when the credential is created. The order does not matter.
    type: list
    elements: str
  status:
    description: V(Active) or V(Inactive) (sent as C(Active) / C(InActive)). V(Active) on creation when not set.
    type: str
    choices: [Active, Inactive]
  access_key_id:
    description:
      - ID of the Alibaba Cloud AccessKey the broker should use (stored with O(access_key_secret) in the
        broker's vault). Mutually exclusive with O(credential_ref_id).
      - Required with O(access_key_secret). Without a secret it is enough when the credential already
        stores this access key ID (the usual second run, when the key's secret is no longer at hand).
    type: str
  access_key_secret:
    description:
      - Secret of O(access_key_id). Sent only as O(update_secret) says; never returned or logged.
    type: str
  update_secret:
    description:
      - V(on_create) - send O(access_key_secret) only when the credential is created, or when the stored
        access key ID differs from O(access_key_id) (or the credential used a vault reference until now).
        A re-run with the same key changes nothing.
      - V(always) - send O(access_key_secret) on every run (it cannot be compared); the task then always
        reports a change. Use it to repair a secret that was changed outside Ansible.
    type: str
    choices: [on_create, always]
    default: on_create
  credential_ref_id:
    description:
      - Id of a credential reference already in the broker's vault (UI - I(Credential Reference ID)),
        used instead of O(access_key_id)/O(access_key_secret). It must exist and be visible to the caller
        (checked before it is sent).
    type: str
    aliases: [cref_id]
  business_entities:
    description:
      - Organizations, teams and custom contexts whose users may use the credential (UI - I(Associate this
        credential with a business entity)). Each item is an entity's id or its name; unknown ones fail
        the task before any change, listing the entities the caller may use (one C(businessEntities)
        request, made only when this option is set).
      - A user who is not a broker admin must name at least one of his own teams or organizations,
        otherwise he could not see the credential afterwards.
      - Without O(purge_business_entities) the entities are added to the current ones. Not set leaves the
        associations alone.
    type: dict
    suboptions:
      organizations:
        description: Organizations (ids or names).
        type: list
        elements: str
      teams:
        description: Teams (ids or names).
        type: list
        elements: str
      custom_contexts:
        description: Custom contexts (ids or names).
        type: list
        elements: str
  purge_business_entities:
    description:
      - Make the associations exactly O(business_entities) - remove every organization, team and custom
        context that is not listed (a kind left out of O(business_entities) is emptied). Only used when
        O(business_entities) is set; O(business_entities={}) with this removes all associations.
    type: bool
    default: false
  test_connection:
    description:
      - After the changes, ask the broker to test the stored credential against Alibaba Cloud
        (C(credentialsValidator), which signs an STS C(GetCallerIdentity) with the key). The test changes
        nothing, so it does not affect C(changed); it runs on every run, not only after a change.
      - If the provider rejects the key, the task fails with the provider's error code (for example
        C(InvalidAccessKeyId.Inactive) for a deactivated key) in the message and in
        RV(test_connection.error_code). Skipped in check mode and with O(state=absent).
    type: bool
    default: false
  check_key_owner:
    description:
      - Before an AccessKey secret is sent to the broker, find out who the key belongs to (STS
        C(GetCallerIdentity) signed with the key, at O(sts_endpoint)) and refuse a key of the root
        (billing) account unless O(allow_root_access_key=true).
      - A key whose owner cannot be verified (rejected key, STS unreachable) is stored with a warning.
      - Needs C(alibabacloud-sts20150401) and C(alibabacloud-tea-openapi) only when a secret is sent.
    type: bool
    default: true
  allow_root_access_key:
    description:
      - Accept an AccessKey of the root (billing) account. The onboarding guide warns that linking the
        billing account "will give everyone in your company full access to everything"; a RAM user is
        sufficient.
    type: bool
    default: false
  sts_endpoint:
    description:
      - STS endpoint for O(check_key_owner), as a host or C(http(s)://host[:port]).
      - If not set, E(ALIBABA_CLOUD_STS_ENDPOINT); the default is C(sts.aliyuncs.com).
    type: str
  state:
    description: V(present) creates or updates the credential; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - cloudbroker.alibaba.marketplace
  - cloudbroker.alibaba.attributes.actions
notes:
  - Writes need a broker admin or the user who created the account; other users get a clean permission error.
seealso:
  - module: cloudbroker.alibaba.marketplace_asset_account
  - module: cloudbroker.alibaba.marketplace_credential_info
  - module: cloudbroker.alibaba.ram_access_key
"""

EXAMPLES = r"""
- name: Store the marketplace user's AccessKey, for two teams, and test it
  cloudbroker.alibaba.marketplace_credential:
    account: Alibaba Cloud production
    name: prod-provisioning
    purpose: [Provisioning]
    access_key_id: "{{ broker_key.access_key.access_key_id }}"
    access_key_secret: "{{ broker_key.access_key_secret | default(omit) }}"  # only there when the key is new
    business_entities:
      organizations: [org-engineering]
      teams: [Team A, team-b]
      custom_contexts: [Production]
    purge_business_entities: true
    test_connection: true
  register: prod_credential

- name: Use a credential reference that is already in the vault
  cloudbroker.alibaba.marketplace_credential:
    account: alibaba-analytics
    name: analytics-discovery
    purpose: [Asset Discovery, Asset Ingestion]
    credential_ref_id: alibaba-analytics-readonly
    business_entities:
      teams: [team-platform]

- name: Deactivate it
  cloudbroker.alibaba.marketplace_credential:
    account: alibaba-analytics
    name: analytics-discovery
    status: Inactive

- name: Remove it
  cloudbroker.alibaba.marketplace_credential:
    account: alibaba-analytics
    name: analytics-discovery
    state: absent
"""

RETURN = r"""
credential:
  description:
    - The credential as it is after the run (as it would be, in check mode). Empty after deletion.
    - It never holds a secret.
  returned: always
  type: dict
  contains:
    id:
      description: Id the broker gave the credential (absent in check mode before creation).
      type: str
    name:
      description: Name of the credential.
      type: str
      sample: prod-provisioning
    account_id:
      description: Id of the account.
      type: str
      sample: alibaba-alibaba-cloud-production
    account_name:
      description: Name of the account.
      type: str
    purpose:
      description: Purposes, as the UI names them.
      type: list
      elements: str
      sample: [Provisioning]
    status:
      description: C(Active) or C(Inactive).
      type: str
    access_key_id:
      description: The AccessKey ID stored with the credential (null for a vault reference).
      type: str
      sample: LTAI5tExampleKeyId
    secret_stored:
      description: Whether a secret (or a vault reference) is stored with the credential.
      type: bool
    credential_ref_id:
      description: The vault reference the credential uses (null when it stores an AccessKey).
      type: str
    business_entities:
      description: Ids of the associated organizations, teams and custom contexts.
      type: dict
      sample: {"organizations": ["org-engineering"], "teams": ["team-a"], "custom_contexts": ["ctx-prod"]}
    created_by:
      description: The broker user who created the credential.
      type: str
    updated_time:
      description: Last change (ISO 8601, UTC).
      type: str
secret_updated:
  description: Whether this run sent (or, in check mode, would send) a secret to the broker.
  returned: always
  type: bool
test_connection:
  description: The result of the connection test.
  returned: when O(test_connection=true) and O(state=present)
  type: dict
  contains:
    status:
      description: C(success), C(failure), or C(skipped) (check mode).
      type: str
    message:
      description: The broker's message.
      type: str
    error_code:
      description: The provider's error code when the test failed, for example C(InvalidAccessKeyId.Inactive).
      type: str
    translate_code:
      description: The broker's C(translateCode).
      type: str
    identity:
      description: Who the key belongs to (STS C(GetCallerIdentity)), when the test succeeded.
      type: dict
      sample: {"account_id": "1234567890123456", "arn": "acs:ram::1234567890123456:user/broker",
               "identity_type": "RAMUser", "user_id": "2123456789012345", "principal_id": "2123456789012345"}
"""

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_marketplace import (
    ACCOUNT_ID_RE,
    ENTITY_KINDS,
    PURPOSES,
    REDACTED,
    MarketplaceError,
    MarketplaceModule,
    credential_view,
    derive_account_id,
    entities_to_context,
    purpose_to_wire,
    resolve_account,
    status_to_wire,
)

DIFF_SKIP = ("id", "created_by", "updated_time")
KIND_LABELS = {"organizations": "organization", "teams": "team", "custom_contexts": "custom context"}


def validate(module):
    """Input checks before any request; returns the wire purposes (or None)."""
    params = module.params
    if not 1 <= len(params["name"]) <= 255:
        module.fail_json(msg="name must be 1-255 characters long.")
    if not params["account"]:
        module.fail_json(msg="account must not be empty.")
    purposes = None
    if params["purpose"] is not None:
        purposes = []
        for item in params["purpose"]:
            wire = purpose_to_wire(item)
            if wire is None:
                module.fail_json(msg="Unknown purpose %r: use %s (or the wire values %s)." % (
                    item, ", ".join(label for _w, label in PURPOSES), ", ".join(w for w, _l in PURPOSES)))
            if wire not in purposes:
                purposes.append(wire)
        if not purposes and params["state"] == "present":
            module.fail_json(msg="purpose must name at least one purpose.")
    if params["credential_ref_id"] is not None and not ACCOUNT_ID_RE.match(params["credential_ref_id"]):
        module.fail_json(msg="Invalid credential_ref_id %r: 1-128 characters, letters, digits, '_', '.' or '-'."
                             % params["credential_ref_id"])
    if params["access_key_id"] is not None and not params["access_key_id"].strip():
        module.fail_json(msg="access_key_id must not be empty.")
    if params["access_key_secret"] is not None and not params["access_key_secret"]:
        module.fail_json(msg="access_key_secret must not be empty.")
    if params["update_secret"] == "always" and params["access_key_id"] and not params["access_key_secret"]:
        module.fail_json(msg="update_secret=always needs access_key_secret.")
    for option, values in (params["business_entities"] or {}).items():
        if any(not isinstance(v, str) or not v.strip() for v in values or []):
            module.fail_json(msg="business_entities.%s: every item must be a non-empty id or name." % option)
    return purposes


def resolve_entities(module, client):
    """Option names/ids -> ids, from one GET businessEntities; unknown ones fail with what is available."""
    given = module.params["business_entities"]
    if given is None:
        return None
    catalog = client.business_entities()
    resolved, problems = {}, []
    for option, api_key, _ctx in ENTITY_KINDS:
        known = [e for e in catalog.get(api_key) or [] if isinstance(e, dict) and e.get("id")]
        resolved[option] = []
        for value in given.get(option) or []:
            match = [e for e in known if e["id"] == value] or [e for e in known if e.get("name") == value] or \
                [e for e in known if str(e.get("name", "")).lower() == value.lower()]
            if len(match) == 1:
                if match[0]["id"] not in resolved[option]:
                    resolved[option].append(match[0]["id"])
            else:
                available = ", ".join("%s (%s)" % (e["id"], e.get("name")) for e in known) or "none"
                problems.append("%s %r is %s - available to user %s: %s" % (
                    KIND_LABELS[option], value, "an ambiguous name" if match else "unknown or not available",
                    client.username, available))
    if problems:
        module.fail_json(msg="business_entities: " + "; ".join(problems) + ".")
    return resolved


def wanted_entities(current, wanted, purge):
    """The associations the credential should have (None: leave alone)."""
    if wanted is None:
        return None
    if purge:
        return dict((option, list(wanted.get(option) or [])) for option, _a, _c in ENTITY_KINDS)
    merged = {}
    for option, _a, _c in ENTITY_KINDS:
        merged[option] = list(current.get(option) or [])
        merged[option] += [i for i in wanted.get(option) or [] if i not in merged[option]]
    return merged


def same_entities(left, right):
    return all(set(left.get(option) or []) == set(right.get(option) or []) for option, _a, _c in ENTITY_KINDS)


def check_credential_ref(module, client, cref_id):
    if client.get_credentialref(cref_id) is None:
        module.fail_json(msg="Credential reference %r not found in the vault (or it belongs to another user)." % cref_id)


def secret_fields(module):
    return dict(accessKey=module.params["access_key_id"], secretKey=module.params["access_key_secret"])


def plan_create(module, client, purposes, entities):
    params = module.params
    if not purposes:
        module.fail_json(msg="purpose is required to create credential %r." % params["name"])
    payload = dict(credentialName=params["name"], purpose=purposes, status=status_to_wire(params["status"] or "Active"),
                   context=entities_to_context(entities or {}))
    if params["credential_ref_id"]:
        check_credential_ref(module, client, params["credential_ref_id"])
        payload["crefId"] = params["credential_ref_id"]
    elif params["access_key_id"] and params["access_key_secret"]:
        payload["passwordFields"] = secret_fields(module)
    else:
        module.fail_json(msg="Creating credential %r needs access_key_id and access_key_secret, or credential_ref_id."
                             % params["name"])
    return payload


def plan_update(module, client, current, purposes, entities):
    """The PATCH body (only what differs) and whether it carries a secret."""
    params = module.params
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
            check_credential_ref(module, client, params["credential_ref_id"])
            changes["crefId"] = params["credential_ref_id"]
    elif params["access_key_id"]:
        stored = view["access_key_id"]
        if params["update_secret"] == "always" or stored != params["access_key_id"]:
            if not params["access_key_secret"]:
                what = ("stores access key %s" % stored) if stored else (
                    "uses vault reference %s" % current["crefId"] if current.get("crefId") else "stores no access key")
                module.fail_json(msg="Credential %r %s; access_key_secret is required to store access key %s."
                                     % (params["name"], what, params["access_key_id"]))
            changes["passwordFields"] = secret_fields(module)
            secret = True
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
    if not view:
        return {}
    result = dict((k, v) for k, v in view.items() if k not in DIFF_SKIP)
    if secret_marker:
        result["secret"] = secret_marker
    return result


def run_test(module, client, account, credential, result):
    if module.check_mode:
        result["test_connection"] = dict(status="skipped", message="not tested in check mode")
        return
    try:
        answer = client.test_connection(account["accountId"], credential["id"]) or {}
    except MarketplaceError as error:
        outcome = dict(status="failure", message=error.message, error_code=error.error_code,
                       translate_code=error.translate_code, http_status=error.status)
        result["test_connection"] = outcome
        code = error.error_code or error.translate_code or ("HTTP %s" % error.status)
        module.fail_json(msg="Test connection of credential %r (account %s) failed: %s: %s" % (
            credential.get("credentialName"), account["accountId"], code, error.message), **result)
    result["test_connection"] = dict(
        status=answer.get("status") or "success", message=answer.get("message"),
        translate_code=answer.get("translateCode"), error_code=None,
        identity=camel_dict_to_snake_dict(answer.get("identity") or {}))


def check_key_owner(module):
    """Refuse an AccessKey of the root (billing) account before it is sent; warn when the owner is unknown."""
    params = module.params
    if not params["check_key_owner"]:
        return
    # Imported here: only runs that send a secret pay for the Alibaba SDK.
    from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_ram import RamError, identity_of_key

    try:
        identity = identity_of_key(params["access_key_id"], params["access_key_secret"], params["sts_endpoint"])
    except RamError as error:
        module.warn("Could not verify who access key %s belongs to (%s); it is stored unverified. Use "
                    "test_connection to check it, or set check_key_owner: false to skip this check."
                    % (params["access_key_id"], error.describe()))
        return
    if identity["is_root"] and not params["allow_root_access_key"]:
        module.fail_json(msg="Access key %s belongs to the root (billing) account %s: storing it would give everyone "
                             "who can use this credential full access to everything. Use a RAM user's key (a RAM user "
                             "is sufficient), or set allow_root_access_key: true." % (params["access_key_id"],
                                                                                      identity.get("account_id")))


def ensure_present(module, client, purposes):
    params = module.params
    account = resolve_account(client, params["account"], params["provider_code"])
    entities = resolve_entities(module, client)
    if account is None:
        if not module.check_mode:
            module.fail_json(msg="Asset account %r not found (by id or name, provider %s) or not visible to user %s; "
                                 "create it first with cloudbroker.alibaba.marketplace_asset_account."
                                 % (params["account"], params["provider_code"], client.username))
        module.warn("Asset account %r does not exist (yet): check mode reports its credential as to be created."
                    % params["account"])
        account_id = params["account"] if ACCOUNT_ID_RE.match(params["account"]) else \
            derive_account_id(params["provider_code"], params["account"])
        account = dict(accountId=account_id, basicInfo=dict(accountName=params["account"]))
        current = None
    else:
        current = client.find_credential(account["accountId"], params["name"])
    if current is None:
        payload = plan_create(module, client, purposes, entities)
        secret, changed, before, marker = "passwordFields" in payload, True, {}, None
        if secret:
            check_key_owner(module)
        if module.check_mode:
            after = predicted(None, payload)
        else:
            after, created = client.create_credential(account["accountId"], payload)
            if not created:  # created meanwhile by somebody else: reconcile it like any existing credential
                current = after
        if secret:
            marker = "(stored)"
    if current is not None:
        marker = "(stored)" if current.get("passwordFields") else None
        before = diff_view(credential_view(current, account), marker)
        changes, secret = plan_update(module, client, current, purposes, entities)
        changed = bool(changes)
        if secret:
            check_key_owner(module)
        after = current
        if changes:
            after = predicted(current, changes) if module.check_mode else \
                client.patch_credential(account["accountId"], current["id"], changes)
        if secret:
            marker = "(updated)"
    view = credential_view(after, account)
    result = dict(changed=changed, credential=view, secret_updated=secret)
    if module._diff:
        result["diff"] = dict(before=before, after=diff_view(view, marker))
    if params["test_connection"]:
        run_test(module, client, account, after, result)
    return result


def ensure_absent(module, client):
    params = module.params
    account = resolve_account(client, params["account"], params["provider_code"])
    current = client.find_credential(account["accountId"], params["name"]) if account else None
    result = dict(changed=current is not None, credential={}, secret_updated=False)
    if current is not None and not module.check_mode:
        client.delete_credential(account["accountId"], current["id"])
    if module._diff:
        result["diff"] = dict(before=diff_view(credential_view(current, account)) if current else {}, after={})
    return result


def run_module(module):
    purposes = validate(module)
    client = module.client
    if module.params["state"] == "present":
        return ensure_present(module, client, purposes)
    return ensure_absent(module, client)


def main():
    module = MarketplaceModule(
        argument_spec=dict(
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
            test_connection=dict(type="bool", default=False),
            check_key_owner=dict(type="bool", default=True),
            allow_root_access_key=dict(type="bool", default=False, no_log=False),
            sts_endpoint=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_STS_ENDPOINT"])),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        mutually_exclusive=[["access_key_id", "credential_ref_id"], ["access_key_secret", "credential_ref_id"]],
        required_by={"access_key_secret": ["access_key_id"]},
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
