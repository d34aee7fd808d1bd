#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_policy_attachment
short_description: Attach or detach RAM policies to a user, a group or a role
version_added: 1.0.0
description:
  - Attaches System or Custom policies to one RAM user, group or role, or detaches them.
  - With O(purge=true) the list is exclusive - policies not listed are detached.
  - Policy names are case-sensitive; a name that differs only in case from an existing policy fails
    with a hint naming it, and an unknown name fails before anything is changed.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  user_name:
    description: The user the policies are attached to.
    type: str
  group_name:
    description: The group the policies are attached to.
    type: str
  role_name:
    description: The role the policies are attached to.
    type: str
  policies:
    description:
      - Policies to attach (or detach). Each item is a policy name, whose type (System or Custom) is
        looked up, or a dict with C(name) and C(type).
    type: list
    elements: raw
    required: true
  state:
    description: V(present) attaches, V(absent) detaches.
    type: str
    choices: [present, absent]
    default: present
  purge:
    description: With O(state=present), detach every policy that is not listed in O(policies).
    type: bool
    default: false
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
"""

EXAMPLES = r"""
- name: The marketplace user gets the whole catalog
  cloudbroker.alibaba.ram_policy_attachment:
    user_name: marketplace-broker
    policies: [AdministratorAccess]

- name: A group carries exactly these policies
  cloudbroker.alibaba.ram_policy_attachment:
    group_name: cloud-brokers
    policies:
      - AliyunECSFullAccess
      - AliyunOSSFullAccess
      - {name: broker-extra, type: Custom}
    purge: true

- name: Take a policy away
  cloudbroker.alibaba.ram_policy_attachment:
    user_name: marketplace-broker
    policies: [AdministratorAccess]
    state: absent
"""

RETURN = r"""
policy_attachment:
  description: The principal and the policies attached to it after the run (predicted in check mode).
  returned: always
  type: dict
  contains:
    principal_type:
      description: V(user), V(group) or V(role).
      type: str
      sample: user
    principal_name:
      description: Name of the user, group or role.
      type: str
      sample: marketplace-broker
    policies:
      description: Attached policies, sorted by name.
      type: list
      elements: dict
      sample: [{"name": "AdministratorAccess", "type": "System"}]
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.policy_attachments import POLICY_ATTACHMENT


def main():
    run_as_module(POLICY_ATTACHMENT)


if __name__ == "__main__":
    main()
