#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: marketplace_asset_account
short_description: Manage an asset account of the cloud broker marketplace
version_added: 1.0.0
description:
  - Creates, updates or deletes a provider account of type I(asset) in the cloud broker's marketplace
    (UI - Provider Account, Account Management, Asset Accounts), for Alibaba Cloud by default.
  - The account's credentials are managed with M(cloudbroker.alibaba.marketplace_credential).
  - B(Finding the account.) The account is looked up by its id (O(account_id), or the id derived from
    O(name)); when the derived id does not exist, the asset accounts of the provider are searched for
    O(name) (page by page), so that an account created in the broker's UI is adopted instead of duplicated.
  - Options that are not set leave the current value alone.
  - Updates carry the account's C(modelVersion); when somebody else changed the account meanwhile
    (HTTP 409), the module reads it again and retries once.
author:
  - cloudbroker.alibaba contributors (@cloudbroker)
options:
  name:
    description:
      - Name of the account (C(accountName)), 1-255 characters. Required with O(state=present).
      - With O(state=absent), either O(name) or O(account_id) finds the account.
    type: str
    aliases: [account_name]
  account_id:
    description:
      - The account's id in the broker (C(accountId)); 1-128 characters, letters, digits, C(_), C(.) or C(-).
        The broker lets the client choose it when the account is created.
      - If not set, it is derived from O(provider_code) and O(name) - the provider code, C(-), and the
        name in lower case with every run of characters other than C(a-z) and C(0-9) replaced by C(-)
        (C(Alibaba Cloud production) gives C(alibaba-alibaba-cloud-production)). A name without any such
        character uses a hash of the name instead. The same name always gives the same id.
      - If a derived id is taken by an account with another name, the module fails; set O(account_id).
      - To rename an account, set O(account_id) and the new O(name).
    type: str
  description:
    description: Free text describing the account.
    type: str
  account_number:
    description:
      - The account number the broker requires (C(advancedInfo.accountNumber)). Required when the account
        is created; not set leaves it alone afterwards.
      - For the C(alibaba) provider it must be at least 8 digits, checked before any request is sent.
      - B(Known issue.) Alibaba Cloud has no account number in the broker's sense, but the broker insists
        on one of at least 8 digits. Use the Alibaba Cloud account UID (16 digits, shown by
        M(cloudbroker.alibaba.ram_caller_identity_info) as C(account_id)). A later release will default to
        it.
      - Quote it in YAML (C("1234567890123456")) so that leading zeros survive.
    type: str
  account_type:
    description:
      - V(subaccount) or V(master) (C(accountType)). V(subaccount) when the account is created and the
        option is not set.
    type: str
    choices: [subaccount, master]
  master_account:
    description:
      - The master account this account belongs to (UI - I(Select Existing Master Account)), by id or by
        name (searched among the asset and billing accounts of the provider). It must exist and be of
        O(account_type=master).
      - An empty string removes the link. Not set leaves it alone.
      - In check mode a master account that does not exist yet (it may be created by an earlier task of the
        same play) gives a warning instead of an error.
    type: str
  status:
    description:
      - V(Active) or V(Inactive) (sent as C(Active) / C(InActive)). V(Active) when the account is created
        and the option is not set.
    type: str
    choices: [Active, Inactive]
  state:
    description:
      - V(present) creates or updates the account; V(absent) deletes it, with its credentials.
      - Deleting a master account that other accounts still name fails (C(CO409_ACCOUNT_HAS_SUBACCOUNTS)).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - cloudbroker.alibaba.marketplace
  - cloudbroker.alibaba.attributes.actions
"""

EXAMPLES = r"""
- name: The Alibaba Cloud production account in the marketplace
  cloudbroker.alibaba.marketplace_asset_account:
    name: Alibaba Cloud production
    description: Production workloads provisioned through the marketplace
    account_number: "{{ caller.identity.account_id }}"  # the Alibaba account UID
    status: Active
  register: prod_account

- name: A sub-account under an existing master account, with a chosen id
  cloudbroker.alibaba.marketplace_asset_account:
    account_id: alibaba-dev
    name: Alibaba Cloud development
    account_number: "1234567890123456"
    master_account: Alibaba Cloud master

- name: Deactivate it
  cloudbroker.alibaba.marketplace_asset_account:
    account_id: alibaba-dev
    name: Alibaba Cloud development
    status: Inactive

- name: Delete it (and its credentials)
  cloudbroker.alibaba.marketplace_asset_account:
    account_id: alibaba-dev
    state: absent

- name: Connection options for the whole play
  module_defaults:
    group/cloudbroker.alibaba.marketplace:
      url: https://broker.example.com
      ca_path: /etc/pki/broker-ca.pem
  cloudbroker.alibaba.marketplace_asset_account:
    name: Alibaba Cloud production
"""

RETURN = r"""
account:
  description:
    - The account as it is after the run (as it would be, in check mode). Empty after deletion.
    - Secrets are never returned; credentials show their access key ID only.
  returned: always
  type: dict
  contains:
    account_id:
      description: Id of the account (C(accountId)).
      type: str
      sample: alibaba-alibaba-cloud-production
    name:
      description: Name of the account.
      type: str
      sample: Alibaba Cloud production
    description:
      description: Description (null when unset).
      type: str
    provider_code:
      description: Provider code (C(serviceProviderCode)).
      type: str
      sample: alibaba
    provider_type:
      description: Provider type (C(serviceProviderType)).
      type: str
      sample: alibaba
    account_type:
      description: C(subaccount) or C(master).
      type: str
    user_type:
      description: Always C(asset) for this module.
      type: str
    status:
      description: C(Active) or C(Inactive).
      type: str
    master_account_id:
      description: Id of the master account (null when none).
      type: str
    account_number:
      description: The account number.
      type: str
      sample: "1234567890123456"
    advanced_info:
      description: Other provider-specific fields of C(advancedInfo), as the broker returns them (secrets removed).
      type: dict
    model_version:
      description: Version of the account, raised by every change (absent in check mode before creation).
      type: int
    created_by:
      description: The broker user who created the account.
      type: str
    created_time:
      description: Creation time (ISO 8601, UTC).
      type: str
    updated_time:
      description: Last change (ISO 8601, UTC).
      type: str
    credentials:
      description: The account's credentials visible to the caller, in the shape of
        M(cloudbroker.alibaba.marketplace_credential)'s C(credential) return value (never a secret).
      type: list
      elements: dict
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_marketplace import (
    ACCOUNT_ID_RE,
    MarketplaceError,
    MarketplaceModule,
    account_view,
    derive_account_id,
    resolve_account,
    status_to_wire,
)

DIFF_FIELDS = ("account_id", "name", "description", "provider_code", "account_type", "user_type", "status",
               "master_account_id", "account_number")
ACCOUNT_NUMBER_HELP = ("Alibaba Cloud has no account number in the broker's sense, but the broker requires at least 8 "
                       "digits: use the Alibaba Cloud account UID (16 digits)")


def validate(module):
    params = module.params
    name, account_id = params["name"], params["account_id"]
    if params["state"] == "present" and not name:
        module.fail_json(msg="name is required with state=present.")
    if params["state"] == "absent" and not (name or account_id):
        module.fail_json(msg="name or account_id is required with state=absent.")
    if name is not None and not 1 <= len(name) <= 255:
        module.fail_json(msg="name must be 1-255 characters long.")
    if account_id is not None and not ACCOUNT_ID_RE.match(account_id):
        module.fail_json(msg="Invalid account_id %r: 1-128 characters, letters, digits, '_', '.' or '-'." % account_id)
    number = params["account_number"]
    if number is not None:
        if params["provider_code"] == "alibaba":
            if not (number.isascii() and number.isdigit() and len(number) >= 8):
                module.fail_json(msg="account_number must be at least 8 digits for provider alibaba, got %r. %s."
                                     % (number, ACCOUNT_NUMBER_HELP))
        elif not number:
            module.fail_json(msg="account_number must not be empty.")


def find_account(module, client):
    """(current account or None, the id to use)."""
    params = module.params
    provider = params["provider_code"]
    if params["account_id"]:
        return client.get_account(params["account_id"]), params["account_id"]
    name = params["name"]
    derived = derive_account_id(provider, name)
    current = client.get_account(derived)
    if current is not None:
        other = (current.get("basicInfo") or {}).get("accountName")
        if other != name:
            module.fail_json(msg="The account id %r derived from name %r belongs to the account named %r; set account_id "
                                 "to manage one of them." % (derived, name, other))
        return current, derived
    matches = client.find_accounts_by_name(name, provider, ("asset",))
    if len(matches) > 1:
        module.fail_json(msg="%d asset accounts of provider %s are named %r (ids %s); set account_id."
                             % (len(matches), provider, name, ", ".join(sorted(m["accountId"] for m in matches))))
    if matches:
        return matches[0], matches[0]["accountId"]
    return None, derived


def resolve_master(module, client, own_id):
    """The parentAccountId wanted: None (leave alone), "" (unlink) or the master's id."""
    reference = module.params["master_account"]
    if reference is None or reference == "":
        return reference
    provider = module.params["provider_code"]
    master = resolve_account(client, reference, provider, user_types=("asset", "billing"))
    if master is None and module.check_mode:
        module.warn("Master account %r does not exist (yet): check mode links to it as if it did." % reference)
        return reference if ACCOUNT_ID_RE.match(reference) else derive_account_id(provider, reference)
    if master is None:
        module.fail_json(msg="Master account %r not found (by id or by name among the provider's asset and billing "
                             "accounts you can see)." % reference)
    master_id = master["accountId"]
    if master_id == own_id:
        module.fail_json(msg="An account cannot be its own master account (%s)." % master_id)
    if (master.get("basicInfo") or {}).get("accountType") != "master":
        module.fail_json(msg="Account %r (%s) is not a master account (accountType %r)."
                             % (reference, master_id, (master.get("basicInfo") or {}).get("accountType")))
    return master_id


def wanted_basic(module, parent_id):
    """The basicInfo fields the options set (None values: leave alone)."""
    params = module.params
    return dict(accountName=params["name"], description=params["description"], accountType=params["account_type"],
                isActive=status_to_wire(params["status"]), parentAccountId=parent_id)


def apply_changes(current, basic_changes, account_number):
    """The (basicInfo, advancedInfo) the account should have; equal to the current ones when nothing changes."""
    basic = dict(current.get("basicInfo") or {})
    for key, value in basic_changes.items():
        if value is None:
            continue
        if value == "" and key in ("parentAccountId", "description"):
            basic.pop(key, None)
        else:
            basic[key] = value
    advanced = dict(current.get("advancedInfo") or {})
    if account_number is not None:
        advanced["accountNumber"] = account_number
    return basic, advanced


def diff_view(account):
    if not account:
        return {}
    view = account_view(account, include_credentials=False)
    return dict((key, view.get(key)) for key in DIFF_FIELDS)


def create(module, client, account_id, parent_id):
    params = module.params
    provider = params["provider_code"]
    if params["account_number"] is None:
        module.fail_json(msg="account_number is required to create account %r (%s). %s." % (
            params["name"], account_id, ACCOUNT_NUMBER_HELP))
    basic = dict(accountName=params["name"], serviceProviderType=provider, serviceProviderCode=provider,
                 accountType=params["account_type"] or "subaccount",
                 isActive=status_to_wire(params["status"] or "Active"), userType="asset")
    if params["description"]:
        basic["description"] = params["description"]
    if parent_id:
        basic["parentAccountId"] = parent_id
    payload = dict(accountId=account_id, basicInfo=basic, advancedInfo=dict(accountNumber=params["account_number"]))
    if module.check_mode:
        return dict(payload, credentials=[]), True
    return client.create_account(payload)


def update(module, client, current, parent_id):
    """PUT the changes with modelVersion; on a version conflict read again and retry once. Returns (account, changed)."""
    account_id = current["accountId"]
    provider = module.params["provider_code"]
    current_provider = (current.get("basicInfo") or {}).get("serviceProviderCode")
    if current_provider != provider:
        module.fail_json(msg="Account %s belongs to provider %r, not %r; set provider_code or choose another account."
                             % (account_id, current_provider, provider))
    for attempt in (1, 2):
        basic, advanced = apply_changes(current, wanted_basic(module, parent_id), module.params["account_number"])
        if basic == (current.get("basicInfo") or {}) and advanced == (current.get("advancedInfo") or {}):
            return current, False
        if module.check_mode:
            return dict(current, basicInfo=basic, advancedInfo=advanced), True
        payload = dict(accountId=account_id, basicInfo=basic, advancedInfo=advanced)
        if current.get("modelVersion") is not None:
            payload["modelVersion"] = current["modelVersion"]
        try:
            return client.update_account(account_id, payload), True
        except MarketplaceError as error:
            if error.status != 409 or error.translate_code != "CO409_MODEL_VERSION_CONFLICT" or attempt == 2:
                raise
            current = client.get_account(account_id)
            if current is None:
                module.fail_json(msg="Account %s was deleted while it was being updated." % account_id)
    return current, False  # not reached


def ensure_present(module, client):
    current, account_id = find_account(module, client)
    parent_id = resolve_master(module, client, account_id)
    if current is None:
        account, changed = create(module, client, account_id, parent_id)
        if changed:
            return True, {}, account
        current = account  # created meanwhile by somebody else (409): reconcile it like any existing account
    before = diff_view(current)
    account, changed = update(module, client, current, parent_id)
    return changed, before, account


def ensure_absent(module, client):
    current, _account_id = find_account(module, client)
    if current is None:
        return False, {}, {}
    if not module.check_mode:
        client.delete_account(current["accountId"])
    return True, diff_view(current), {}


def run_module(module):
    validate(module)
    client = module.client
    if module.params["state"] == "present":
        changed, before, account = ensure_present(module, client)
    else:
        changed, before, account = ensure_absent(module, client)
    result = dict(changed=changed, account=account_view(account) if account else {})
    if module._diff:
        result["diff"] = dict(before=before, after=diff_view(account))
    return result


def main():
    module = MarketplaceModule(
        argument_spec=dict(
            name=dict(type="str", aliases=["account_name"]),
            account_id=dict(type="str"),
            description=dict(type="str"),
            account_number=dict(type="str"),
            account_type=dict(type="str", choices=["subaccount", "master"]),
            master_account=dict(type="str"),
            status=dict(type="str", choices=["Active", "Inactive"]),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
