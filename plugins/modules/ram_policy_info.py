#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_policy_info
short_description: Read RAM policies, their documents and versions
version_added: 1.0.0
description:
  - Returns one RAM policy (O(name), one C(GetPolicy) call per policy type tried) or a list of
    policies of a type, read page by page.
  - Optionally with the default version's document and with every version.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  name:
    description:
      - Name of one policy (case-sensitive). An unknown name returns an empty list.
      - With O(policy_type=All), the policy is looked up as a Custom policy, then as a System policy.
    type: str
    aliases: [policy_name]
  policy_type:
    description: Which policies - V(System) (Alibaba Cloud's), V(Custom) (the account's) or V(All).
    type: str
    choices: [System, Custom, All]
    default: All
    aliases: [type]
  name_prefix:
    description: Only policies whose name starts with this prefix (case-sensitive).
    type: str
  include_document:
    description:
      - Also return each policy's default document, parsed. In a list this costs one C(GetPolicy) call
        per policy; with O(name) it is free.
    type: bool
    default: false
  include_versions:
    description: Also return each policy's versions with their documents (one C(ListPolicyVersions) call per policy).
    type: bool
    default: false
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.info_module
"""

EXAMPLES = r"""
- name: One custom policy with its document and versions
  cloudbroker.alibaba.ram_policy_info:
    name: broker-oss-read
    policy_type: Custom
    include_document: true
    include_versions: true
  register: policy

- name: Every system policy for OSS
  cloudbroker.alibaba.ram_policy_info:
    policy_type: System
    name_prefix: AliyunOSS
  register: oss_policies
"""

RETURN = r"""
policies:
  description: The policies found, sorted by name (an empty list when none match).
  returned: always
  type: list
  elements: dict
  contains:
    policy_name:
      description: Name.
      type: str
      sample: AdministratorAccess
    policy_type:
      description: V(System) or V(Custom).
      type: str
    description:
      description: Description.
      type: str
    default_version:
      description: The default version.
      type: str
      sample: v1
    attachment_count:
      description: How many users, groups and roles the policy is attached to.
      type: int
    create_date:
      description: Creation time (UTC).
      type: str
    update_date:
      description: Last update time (UTC).
      type: str
    policy_document:
      description: The default version's document, parsed (with O(include_document)).
      type: dict
      returned: when O(include_document=true)
    versions:
      description: All versions, oldest first (with O(include_versions)).
      type: list
      elements: dict
      returned: when O(include_versions=true)
      contains:
        version_id:
          description: Version, such as V(v3).
          type: str
        is_default_version:
          description: Whether this is the default version.
          type: bool
        create_date:
          description: Creation time (UTC).
          type: str
        policy_document:
          description: The version's document, parsed.
          type: dict
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.policies import POLICY_INFO


def main():
    run_as_module(POLICY_INFO)


if __name__ == "__main__":
    main()
