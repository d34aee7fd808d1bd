#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: marketplace_business_entity_info
short_description: Read the business entities a cloud broker marketplace user may associate credentials with
version_added: 1.1.0
description:
  - Returns the organizations, teams and custom contexts the caller may associate a credential with (UI -
    I(Associate this credential with a business entity)), from one C(businessEntities) request.
  - A broker admin sees every entity; any other user sees his own organizations and teams, and every custom
    context.
  - The catalogue is the same for every account. Read it once per run (for example with C(run_once)) and
    hand RV(business_entities) to every M(cloudbroker.alibaba.marketplace_credential) task as its
    O(cloudbroker.alibaba.marketplace_credential#module:business_entity_catalog), so that a run of many
    accounts reads the catalogue once instead of once per credential it creates or changes.
author:
  - cloudbroker.alibaba contributors (@cloudbroker)
options: {}
extends_documentation_fragment:
  - cloudbroker.alibaba.marketplace
  - cloudbroker.alibaba.attributes.info_module
"""

EXAMPLES = r"""
- name: Which teams may the onboarding user associate credentials with?
  cloudbroker.alibaba.marketplace_business_entity_info:
  register: entities

- name: Show the team names
  ansible.builtin.debug:
    msg: "{{ entities.business_entities.teams | map(attribute='name') | list }}"

# Many accounts: the catalogue read once for the whole play, not once per credential.
- name: Read the business-entity catalogue once
  cloudbroker.alibaba.marketplace_business_entity_info:
  run_once: true
  register: catalogue

- name: Credential of each account, its teams resolved against that catalogue
  cloudbroker.alibaba.marketplace_credential:
    account: "{{ inventory_hostname }}"
    name: "{{ inventory_hostname }}-provisioning"
    purpose: [Provisioning]
    access_key_id: "{{ broker_key.access_key.access_key_id }}"
    access_key_secret: "{{ broker_key.access_key_secret | default(omit) }}"  # only there when the key is new
    business_entities:
      teams: [Team A]
    business_entity_catalog: "{{ catalogue.business_entities }}"
"""

RETURN = r"""
business_entities:
  description:
    - The business entities the caller may associate credentials with, by kind. A kind the caller may use
      none of is an empty list.
    - The value O(cloudbroker.alibaba.marketplace_credential#module:business_entity_catalog) takes.
  returned: success
  type: dict
  contains:
    organizations:
      description: Organizations.
      type: list
      elements: dict
      returned: always
      contains:
        id:
          description: Id of the organization (what a credential's associations hold).
          type: str
          returned: always
        name:
          description: Its name, as the UI shows it.
          type: str
          returned: always
    teams:
      description: Teams.
      type: list
      elements: dict
      returned: always
      contains:
        id:
          description: Id of the team (what a credential's associations hold).
          type: str
          returned: always
        name:
          description: Its name, as the UI shows it.
          type: str
          returned: always
        organization:
          description: Id of the organization the team belongs to (null when the broker does not say).
          type: str
          returned: always
    custom_contexts:
      description: Custom contexts.
      type: list
      elements: dict
      returned: always
      contains:
        id:
          description: Id of the custom context (what a credential's associations hold).
          type: str
          returned: always
        name:
          description: Its name, as the UI shows it.
          type: str
          returned: always
  sample:
    organizations:
      - id: org-engineering
        name: Engineering
    teams:
      - id: team-a
        name: Team A
        organization: org-engineering
    custom_contexts:
      - id: ctx-prod
        name: Production
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.entities import BUSINESS_ENTITY_INFO
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module


def main():
    run_as_module(BUSINESS_ENTITY_INFO)


if __name__ == "__main__":
    main()
