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

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.users import USER_INFO


def main():
    run_as_module(USER_INFO)


if __name__ == "__main__":
    main()
