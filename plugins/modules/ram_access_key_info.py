#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_access_key_info
short_description: List the AccessKeys of a RAM user, with last-use information
version_added: 1.0.0
description:
  - Returns the keys of one RAM user - ID, status, creation date and, optionally, when and for which
    service each key was last used (C(GetAccessKeyLastUsed)).
  - Never returns a secret (RAM cannot show one after creation).
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  user_name:
    description: The RAM user.
    type: str
    required: true
  include_last_used:
    description: Also read the last use of each key (one more call per key).
    type: bool
    default: true
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.info_module
"""

EXAMPLES = r"""
- name: Keys of the marketplace user
  cloudbroker.alibaba.ram_access_key_info:
    user_name: marketplace-broker
  register: keys

- name: Fail when a key has not been used for 90 days
  ansible.builtin.assert:
    that: item.last_used_date is defined
  loop: "{{ keys.access_keys }}"
"""

RETURN = r"""
access_keys:
  description: The user's keys, oldest first. Empty when the user does not exist or has no key.
  returned: always
  type: list
  elements: dict
  contains:
    access_key_id:
      description: ID of the key.
      type: str
    status:
      description: V(Active) or V(Inactive).
      type: str
    create_date:
      description: Creation time (UTC).
      type: str
    user_name:
      description: Owner of the key.
      type: str
    last_used_date:
      description: Last use (UTC); absent when the key was never used.
      type: str
      returned: with O(include_last_used)
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.access_keys import ACCESS_KEY_INFO


def main():
    run_as_module(ACCESS_KEY_INFO)


if __name__ == "__main__":
    main()
