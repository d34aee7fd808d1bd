#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_user_info
short_description: Read RAM users
version_added: 1.0.0
description:
  - Returns one RAM user (O(name), a single C(GetUser) call) or a list of users, read page by page.
  - The list can be narrowed to the members of one group and filtered by name prefix.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  name:
    description: Logon name of one user. An unknown name returns an empty list.
    type: str
    aliases: [user_name]
  group_name:
    description: Only the members of this group.
    type: str
  name_prefix:
    description: Only users whose logon name starts with this prefix.
    type: str
  include_attachments:
    description:
      - Also return, for each user, its attached policies and its groups (two more calls per user).
    type: bool
    default: false
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.info_module
"""

EXAMPLES = r"""
- name: One user
  cloudbroker.alibaba.ram_user_info:
    name: marketplace-broker
  register: broker

- name: All users whose name starts with "mp-", with their policies and groups
  cloudbroker.alibaba.ram_user_info:
    name_prefix: mp-
    include_attachments: true
  register: mp_users
"""

RETURN = r"""
users:
  description: The users found (an empty list when none match).
  returned: always
  type: list
  elements: dict
  contains:
    user_name:
      description: Logon name.
      type: str
    user_id:
      description: Numeric ID.
      type: str
    display_name:
      description: Display name.
      type: str
    email:
      description: E-mail address.
      type: str
    mobile_phone:
      description: Mobile phone number.
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
    last_login_date:
      description: Last console login (UTC), when O(name) is used.
      type: str
    policies:
      description: Attached policies (with O(include_attachments)).
      type: list
      elements: dict
    groups:
      description: Group names (with O(include_attachments)).
      type: list
      elements: str
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import (
    RamModule,
    get_user,
    list_attached_policies,
    list_groups_for_user,
    snake,
    validate_group_name,
    validate_user_name,
)


def run_module(module):
    params = module.params
    validate_user_name(module, params["name"])
    validate_group_name(module, params["group_name"])
    client = module.ram
    if params["name"]:
        user = get_user(client, params["name"])
        users = [user] if user else []
    elif params["group_name"]:
        users = client.paginate("ListUsersForGroup", "Users", "User", GroupName=params["group_name"])
    else:
        users = client.paginate("ListUsers", "Users", "User")
    if params["group_name"] and params["name"]:
        users = [u for u in users if params["group_name"] in list_groups_for_user(client, u["UserName"])]
    if params["name_prefix"]:
        users = [u for u in users if u["UserName"].startswith(params["name_prefix"])]
    result = []
    for user in sorted(users, key=lambda u: u["UserName"]):
        view = snake(user)
        if params["include_attachments"]:
            view["policies"] = list_attached_policies(client, "user", user["UserName"])
            view["groups"] = list_groups_for_user(client, user["UserName"])
        result.append(view)
    return dict(changed=False, users=result)


def main():
    module = RamModule(
        argument_spec=dict(
            name=dict(type="str", aliases=["user_name"]),
            group_name=dict(type="str"),
            name_prefix=dict(type="str"),
            include_attachments=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
