#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: marketplace_credential_info
short_description: Read credentials of cloud broker marketplace accounts
version_added: 1.0.0
description:
  - Returns the credentials of one account (O(account)), filtered by the broker (name, id, purpose, team,
    organization), or, without O(account), the credentials of every asset account of the provider.
  - Only credentials the caller may see are returned - a user sees a credential only when it is associated
    with one of his teams or organizations.
  - Secrets are never returned; each credential's AccessKey ID is (RV(credentials[].access_key_id)) - for
    example to learn which AccessKey the marketplace holds before rotating keys.
author:
  - cloudbroker.alibaba contributors (@cloudbroker)
options:
  account:
    description:
      - The account, by id or by name (among the asset accounts of O(provider_code)). An unknown or invisible
        account returns an empty list.
      - Not set means every asset account of the provider (read page by page).
    type: str
    aliases: [account_id, account_name]
  name:
    description: Only the credential with this name.
    type: str
    aliases: [credential_name]
  id:
    description: Only the credential with this id.
    type: str
    aliases: [credential_id]
  purpose:
    description:
      - Only credentials with this purpose - V(Provisioning), V(Asset Ingestion) or V(Asset Discovery) (or the
        wire values).
    type: str
  team:
    description: Only credentials associated with this team (its id).
    type: str
  organization:
    description: Only credentials associated with this organization (its id).
    type: str
  status:
    description: Only credentials with this status.
    type: str
    choices: [Active, Inactive]
extends_documentation_fragment:
  - cloudbroker.alibaba.marketplace
  - cloudbroker.alibaba.attributes.info_module
"""

EXAMPLES = r"""
- name: Which AccessKey does the marketplace hold for the production account?
  cloudbroker.alibaba.marketplace_credential_info:
    account: Alibaba Cloud production
    name: prod-provisioning
  register: held

- name: Keep only the key the marketplace holds
  cloudbroker.alibaba.ram_access_key:
    user_name: cb-marketplace-prod
    usable_key_ids: "{{ held.credentials | map(attribute='access_key_id') | select | list }}"
    delete_unusable: true
  register: broker_key
  no_log: true

- name: Every provisioning credential of team-a
  cloudbroker.alibaba.marketplace_credential_info:
    purpose: Provisioning
    team: team-a
  register: team_a
"""

RETURN = r"""
credentials:
  description:
    - The credentials found (an empty list when none match), in the shape of
      M(cloudbroker.alibaba.marketplace_credential)'s C(credential) return value. Never a secret.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the credential.
      type: str
    name:
      description: Name of the credential.
      type: str
    account_id:
      description: Id of its account.
      type: str
    account_name:
      description: Name of its account.
      type: str
    purpose:
      description: Purposes, as the UI names them.
      type: list
      elements: str
    status:
      description: C(Active) or C(Inactive).
      type: str
    access_key_id:
      description: The AccessKey ID stored with the credential (null for a vault reference).
      type: str
    secret_stored:
      description: Whether a secret (or a vault reference) is stored.
      type: bool
    credential_ref_id:
      description: The vault reference used (null when an AccessKey is stored).
      type: str
    business_entities:
      description: Ids of the associated organizations, teams and custom contexts.
      type: dict
    created_by:
      description: Creator.
      type: str
    updated_time:
      description: Last change.
      type: str
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.credentials import CREDENTIAL_INFO
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module


def main():
    run_as_module(CREDENTIAL_INFO)


if __name__ == "__main__":
    main()
