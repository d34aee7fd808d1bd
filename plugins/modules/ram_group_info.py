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

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_ram import (
    RamModule,
    get_group,
    group_view,
    list_attached_policies,
    list_group_members,
    validate_group_name,
)


def run_module(module):
    params = module.params
    validate_group_name(module, params["name"])
    client = module.ram
    if params["name"]:
        group = get_group(client, params["name"])
        groups = [group] if group else []
    else:
        groups = client.paginate("ListGroups", "Groups", "Group")
    if params["name_prefix"]:
        groups = [g for g in groups if g["GroupName"].startswith(params["name_prefix"])]
    result = []
    for group in sorted(groups, key=lambda g: g["GroupName"]):
        view = group_view(group)
        if params["include_members"]:
            view["members"] = list_group_members(client, group["GroupName"])
        if params["include_policies"]:
            view["policies"] = list_attached_policies(client, "group", group["GroupName"])
        result.append(view)
    return dict(changed=False, groups=result)


def main():
    module = RamModule(
        argument_spec=dict(
            name=dict(type="str", aliases=["group_name"]),
            name_prefix=dict(type="str"),
            include_members=dict(type="bool", default=False),
            include_policies=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
