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
  known_account:
    description:
      - The account as a read earlier in the play returned it - an item of C(accounts) of
        M(cloudbroker.alibaba.marketplace_asset_account_info) (with its default C(include_credentials=true)).
        Used with O(state=present) only.
      - When it is this account (the same id, O(name) and O(provider_code)) and shows it exactly as wanted,
        the task reports no change without reading the account again (a no-change run of many accounts saves
        a request per account). In every other case the account is read again and the changes are worked out
        from that read (updates carry its C(modelVersion)), so a view that has become stale can delay a change
        to the next run, but never causes a wrong write.
    type: dict
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

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.accounts import ACCOUNT
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module


def main():
    run_as_module(ACCOUNT)


if __name__ == "__main__":
    main()
