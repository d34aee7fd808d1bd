#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: marketplace_asset_account_info
short_description: Read accounts of the cloud broker marketplace
version_added: 1.0.0
description:
  - Returns one account (O(account_id), a single request) or the accounts of a provider, read page by page,
    optionally filtered by name and status.
  - Only what the caller may see is returned. Secrets are never returned; credentials show their access key ID.
author:
  - cloudbroker.alibaba contributors (@cloudbroker)
options:
  account_id:
    description: Id of one account. An unknown (or invisible) id returns an empty list.
    type: str
  name:
    description:
      - Only accounts with this exact name. The id derived from the name (see
        M(cloudbroker.alibaba.marketplace_asset_account)) is tried first, so the usual case costs one request.
    type: str
    aliases: [account_name]
  user_type:
    description: Which kind of accounts to list (the broker lists them per kind). Not used with O(account_id).
    type: str
    choices: [asset, billing, system]
    default: asset
  status:
    description: Only accounts with this status.
    type: str
    choices: [Active, Inactive]
  include_credentials:
    description: Return each account's credentials (visible to the caller) too; they come with the accounts at no cost.
    type: bool
    default: true
  credential_name:
    description:
      - With O(include_credentials), only the credentials of this exact name. This tells which key the marketplace
        holds under a credential's name in one request, without filtering in Jinja.
      - Accounts are returned all the same, with an empty C(credentials) list when they hold none of that name.
    type: str
    version_added: 1.1.0
extends_documentation_fragment:
  - cloudbroker.alibaba.marketplace
  - cloudbroker.alibaba.attributes.info_module
"""

EXAMPLES = r"""
- name: One account by name
  cloudbroker.alibaba.marketplace_asset_account_info:
    name: Alibaba Cloud production
  register: prod

- name: All active Alibaba Cloud asset accounts
  cloudbroker.alibaba.marketplace_asset_account_info:
    status: Active
  register: accounts

- name: The credential named "Alibaba Cloud production-provisioning", and the account that holds it
  cloudbroker.alibaba.marketplace_asset_account_info:
    name: Alibaba Cloud production
    credential_name: Alibaba Cloud production-provisioning
  register: prod_provisioning

- name: Their names
  ansible.builtin.debug:
    msg: "{{ accounts.accounts | map(attribute='name') | list }}"
"""

RETURN = r"""
accounts:
  description:
    - The accounts found (an empty list when none match), in the broker's order, in the shape of
      M(cloudbroker.alibaba.marketplace_asset_account)'s C(account) return value.
  returned: always
  type: list
  elements: dict
  contains:
    account_id:
      description: Id of the account.
      type: str
    name:
      description: Name of the account.
      type: str
    description:
      description: Description.
      type: str
    provider_code:
      description: Provider code.
      type: str
    provider_type:
      description: Provider type.
      type: str
    account_type:
      description: C(subaccount) or C(master).
      type: str
    user_type:
      description: C(asset), C(billing) or C(system).
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
    advanced_info:
      description: Other provider-specific fields (secrets removed).
      type: dict
    model_version:
      description: Version of the account.
      type: int
    created_by:
      description: Creator.
      type: str
    created_time:
      description: Creation time.
      type: str
    updated_time:
      description: Last change.
      type: str
    credentials:
      description:
        - The credentials visible to the caller (with O(include_credentials)), only those named O(credential_name)
          when it is given; never a secret.
      type: list
      elements: dict
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.accounts import ACCOUNT_INFO
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module


def main():
    run_as_module(ACCOUNT_INFO)


if __name__ == "__main__":
    main()
