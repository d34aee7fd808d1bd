#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_role
short_description: Manage an Alibaba Cloud RAM role, its trust policy and its policies
version_added: 1.1.0
description:
  - Creates, updates or deletes a RAM role - its trust policy (who may assume it), description and
    maximum session duration - and reconciles the policies attached to it, in one run.
  - The trust policy is compared by meaning - key order, white space, a single value against a
    one-item list, and the order of list items or statements never cause a change.
  - Typical use - give a member account of a Resource Directory that joined by invitation the
    C(ResourceDirectoryAccountAccessRole) that member accounts created in the directory get
    automatically, with the member account's own credentials.
  - Options that are not set leave the current value alone.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  name:
    description:
      - Name of the role; 1-64 characters, letters, digits, C(.) or C(-).
      - RAM writes the name in lower case in the role's ARN (C(acs:ram::<account id>:role/<name in lower case>)).
    type: str
    required: true
    aliases: [role_name]
  trust_policy:
    description:
      - The trust policy (RAM's C(AssumeRolePolicyDocument)) - who may assume the role - as a dict or its
        JSON text, with C(Statement) items of C(Effect), C(Action) (C(sts:AssumeRole)), C(Principal)
        (C(RAM), C(Service) or C(Federated)) and optional C(Condition).
      - Required to create the role; not set for an existing role leaves its trust policy alone.
      - 'C({"RAM": ["acs:ram::<account id>:root"]}) as C(Principal) trusts every RAM identity of that account
        that holds C(sts:AssumeRole) permission.'
    type: raw
    aliases: [assume_role_policy_document]
  description:
    description: Description of the role, up to 1024 characters.
    type: str
  max_session_duration:
    description:
      - Longest lifetime in seconds that the STS tokens of the role may be given, 3600-43200.
      - RAM's default (3600) when the role is created without it.
    type: int
  policies:
    description:
      - Policies that must be attached to the role. Each item is a policy name (its type, System or
        Custom, is looked up) or a dict with C(name) and C(type).
      - Not set means policies are not managed.
    type: list
    elements: raw
  purge_policies:
    description: Detach policies that are not listed in O(policies).
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the role; V(absent) detaches every policy from it, then deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
"""

EXAMPLES = r"""
- name: The Resource Directory access role in a member account that joined by invitation
  cloudbroker.alibaba.ram_role:
    name: ResourceDirectoryAccountAccessRole
    description: Access from the management account of the Resource Directory
    trust_policy:
      Version: "1"
      Statement:
        - Effect: Allow
          Action: sts:AssumeRole
          Principal:
            RAM: acs:ram::1234567890123456:root
    policies: [AdministratorAccess]
    purge_policies: true
    access_key_id: "{{ member_access_key_id }}"
    access_key_secret: "{{ member_access_key_secret }}"

- name: A longer session for the broker's automation
  cloudbroker.alibaba.ram_role:
    name: cloudbroker-automation
    max_session_duration: 7200

- name: Delete a role (its policies are detached first)
  cloudbroker.alibaba.ram_role:
    name: cloudbroker-automation
    state: absent
"""

RETURN = r"""
role:
  description: The role as it is after the run (as it would be, in check mode). Empty after deletion.
  returned: always
  type: dict
  contains:
    role_name:
      description: Name of the role.
      type: str
      sample: ResourceDirectoryAccountAccessRole
    role_id:
      description: ID of the role (absent in check mode before creation).
      type: str
      sample: "3016524541962****"
    arn:
      description: ARN of the role (what C(assume_role_arn) takes to assume it).
      type: str
      sample: acs:ram::1234567890123456:role/resourcedirectoryaccountaccessrole
    description:
      description: Description of the role.
      type: str
    max_session_duration:
      description: Longest STS token lifetime in seconds.
      type: int
      sample: 3600
    trust_policy:
      description: The trust policy, as a dict.
      type: dict
    create_date:
      description: Creation time (UTC).
      type: str
    update_date:
      description: Last update time (UTC).
      type: str
    policies:
      description: Policies attached to the role.
      type: list
      elements: dict
      returned: when O(policies) is set
      sample: [{"name": "AdministratorAccess", "type": "System"}]
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.roles import ROLE


def main():
    run_as_module(ROLE)


if __name__ == "__main__":
    main()
