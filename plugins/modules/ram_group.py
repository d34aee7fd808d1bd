#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_group
short_description: Manage an Alibaba Cloud RAM group, its members and its policies
version_added: 1.0.0
description:
  - Creates, updates or deletes a RAM user group.
  - Optionally reconciles, in the same run, the group's members and the policies attached to it - a
    group created with members and policies needs one run, not two.
  - Every input is checked before the first change - names, the existence of each new member and of
    each policy - so a typo fails without leaving a half-made group behind.
  - Options that are not set leave the current value alone.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  name:
    description: Name of the group; 1-64 characters, letters, digits, C(.), C(_) or C(-).
    type: str
    required: true
    aliases: [group_name]
  comments:
    description: Free text, up to 128 characters.
    type: str
  state:
    description: V(present) creates or updates the group; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), first remove every member from the group and detach every policy from it.
      - Without it, deleting a group that has members or policies fails with RAM's
        C(DeleteConflict.Group.User) or C(DeleteConflict.Group.Policy) error and a hint.
    type: bool
    default: false
  members:
    description:
      - Logon names of the users that must be members of the group. The users must exist; an unknown
        user fails before anything is changed.
      - Not set means memberships are not managed. With O(purge_members=true), V([]) empties the group.
      - A user can belong to at most five groups (RAM's C(LimitExceeded.User.Group)).
    type: list
    elements: str
  purge_members:
    description: Remove the users that are not listed in O(members) from the group.
    type: bool
    default: false
  policies:
    description:
      - Policies that must be attached to the group. Each item is a policy name (its type, System or
        Custom, is looked up) or a dict with C(name) and C(type).
      - Policy names are case-sensitive; an unknown name fails before anything is changed, with a hint
        naming the policy that differs only in case.
      - Not set means policies are not managed.
    type: list
    elements: raw
  purge_policies:
    description: Detach the policies that are not listed in O(policies).
    type: bool
    default: false
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
"""

EXAMPLES = r"""
- name: A group with its members and policies, in one run
  cloudbroker.alibaba.ram_group:
    name: cloud-brokers
    comments: Users of the cloud broker
    members: [marketplace-broker, marketplace-auditor]
    policies:
      - AliyunECSFullAccess
      - {name: broker-extra, type: Custom}

- name: Exactly these members (others are removed)
  cloudbroker.alibaba.ram_group:
    name: cloud-brokers
    members: [marketplace-broker]
    purge_members: true

- name: Delete the group, emptying it first
  cloudbroker.alibaba.ram_group:
    name: cloud-brokers
    state: absent
    force: true
"""

RETURN = r"""
group:
  description: The group as it is after the run (as it would be, in check mode). Empty after deletion.
  returned: always
  type: dict
  contains:
    group_name:
      description: Name of the group.
      type: str
      sample: cloud-brokers
    group_id:
      description: ID of the group (absent in check mode before creation).
      type: str
    comments:
      description: Comments.
      type: str
    create_date:
      description: Creation time (UTC).
      type: str
      sample: "2026-11-23T10:00:00Z"
    update_date:
      description: Last update time (UTC).
      type: str
    members:
      description: Logon names of the members, sorted.
      type: list
      elements: str
      returned: when O(members) is set
      sample: [marketplace-broker]
    policies:
      description: Policies attached to the group, sorted by name.
      type: list
      elements: dict
      returned: when O(policies) is set
      sample: [{"name": "AliyunECSFullAccess", "type": "System"}]
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.groups import GROUP


def main():
    run_as_module(GROUP)


if __name__ == "__main__":
    main()
