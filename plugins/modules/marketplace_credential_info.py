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

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_marketplace import (
    PURPOSES,
    MarketplaceModule,
    credential_view,
    purpose_to_wire,
    resolve_account,
    status_to_wire,
)


def matches(credential, params, purpose):
    """The same filters as the broker's, for credentials read with their accounts."""
    context = credential.get("context") or []
    if params["name"] and credential.get("credentialName") != params["name"]:
        return False
    if params["id"] and credential.get("id") != params["id"]:
        return False
    if purpose and purpose not in (credential.get("purpose") or []):
        return False
    if params["team"] and not any(params["team"] in (e.get("team") or []) for e in context if isinstance(e, dict)):
        return False
    if params["organization"] and not any(params["organization"] in (e.get("org") or [])
                                          for e in context if isinstance(e, dict)):
        return False
    return not params["status"] or credential.get("status") == status_to_wire(params["status"])


def run_module(module):
    params = module.params
    purpose = None
    if params["purpose"]:
        purpose = purpose_to_wire(params["purpose"])
        if purpose is None:
            module.fail_json(msg="Unknown purpose %r: use %s." % (
                params["purpose"], ", ".join(label for _w, label in PURPOSES)))
    client = module.client
    found = []
    if params["account"]:
        account = resolve_account(client, params["account"], params["provider_code"])
        if account is not None:
            credentials = client.list_credentials(
                account["accountId"], credentialName=params["name"], credentialId=params["id"], purpose=purpose,
                team=params["team"], organization=params["organization"])
            found = [(account, c) for c in credentials]
    else:
        for account in client.list_accounts("asset", params["provider_code"]):
            found.extend((account, c) for c in account.get("credentials") or [])
    found = [(a, c) for a, c in found if matches(c, params, purpose)]
    return dict(changed=False, credentials=[credential_view(c, a) for a, c in found])


def main():
    module = MarketplaceModule(
        argument_spec=dict(
            account=dict(type="str", aliases=["account_id", "account_name"]),
            name=dict(type="str", aliases=["credential_name"]),
            id=dict(type="str", aliases=["credential_id"]),
            purpose=dict(type="str"),
            team=dict(type="str"),
            organization=dict(type="str"),
            status=dict(type="str", choices=["Active", "Inactive"]),
        ),
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
