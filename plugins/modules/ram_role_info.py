#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_role_info
short_description: Read RAM roles
version_added: 1.1.0
description:
  - Returns one RAM role with its trust policy (O(name), a single C(GetRole) call) or the roles of the
    account, read page by page (C(ListRoles), which does not return trust policies).
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  name:
    description: Name of one role. An unknown name returns an empty list.
    type: str
    aliases: [role_name]
  name_prefix:
    description: Only roles whose name starts with this prefix.
    type: str
  include_attachments:
    description: Also return, for each role, its attached policies (one more call per role).
    type: bool
    default: false
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.info_module
"""

EXAMPLES = r"""
- name: Does the member account have its Resource Directory access role?
  cloudbroker.alibaba.ram_role_info:
    name: ResourceDirectoryAccountAccessRole
    include_attachments: true
  register: access_role

- name: Every role of the account
  cloudbroker.alibaba.ram_role_info:
  register: all_roles
"""

RETURN = r"""
roles:
  description: The roles found, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    role_name:
      description: Name of the role.
      type: str
    role_id:
      description: ID of the role.
      type: str
    arn:
      description: ARN of the role.
      type: str
      sample: acs:ram::1234567890123456:role/resourcedirectoryaccountaccessrole
    description:
      description: Description of the role.
      type: str
    max_session_duration:
      description: Longest STS token lifetime in seconds.
      type: int
    trust_policy:
      description: The trust policy, as a dict.
      type: dict
      returned: with O(name)
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
      returned: with O(include_attachments=true)
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.roles import ROLE_INFO


def main():
    run_as_module(ROLE_INFO)


if __name__ == "__main__":
    main()
