#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_group_info
short_description: Read RAM groups, their members and policies
version_added: 1.0.0
description:
  - Returns one RAM group (O(name), a single C(GetGroup) call) or every group, read page by page.
  - Optionally with each group's members (every C(ListUsersForGroup) page) and attached policies.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  name:
    description: Name of one group. An unknown name returns an empty list.
    type: str
    aliases: [group_name]
  name_prefix:
    description: Only groups whose name starts with this prefix.
    type: str
  include_members:
    description: Also return each group's members (at least one more call per group).
    type: bool
    default: false
  include_policies:
    description: Also return the policies attached to each group (one more call per group).
    type: bool
    default: false
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.info_module
"""

EXAMPLES = r"""
- name: One group with its members and policies
  cloudbroker.alibaba.ram_group_info:
    name: cloud-brokers
    include_members: true
    include_policies: true
  register: brokers

- name: All groups whose name starts with "cb-"
  cloudbroker.alibaba.ram_group_info:
    name_prefix: cb-
  register: cb_groups
"""

RETURN = r"""
groups:
  description: The groups found, sorted by name (an empty list when none match).
  returned: always
  type: list
  elements: dict
  contains:
    group_name:
      description: Name.
      type: str
      sample: cloud-brokers
    group_id:
      description: ID.
      type: str
    comments:
      description: Comments.
      type: str
    create_date:
      description: Creation time (UTC).
      type: str
    update_date:
      description: Last update time (UTC).
      type: str
    members:
      description: Logon names of the members, sorted (with O(include_members)).
      type: list
      elements: str
      returned: when O(include_members=true)
    policies:
      description: Attached policies, sorted by name (with O(include_policies)).
      type: list
      elements: dict
      returned: when O(include_policies=true)
      sample: [{"name": "AliyunECSFullAccess", "type": "System"}]
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.groups import GROUP_INFO


def main():
    run_as_module(GROUP_INFO)


if __name__ == "__main__":
    main()
