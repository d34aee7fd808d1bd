#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_user
short_description: Manage an Alibaba Cloud RAM user, its policies and its groups
version_added: 1.0.0
description:
  - Creates, updates or deletes a RAM user (Resource Access Management, Alibaba Cloud's IAM).
  - Optionally reconciles, in the same run, the policies attached to the user and the groups it belongs
    to, so that an onboarding spends one module run where three would otherwise be needed.
  - Options that are not set leave the current value alone.
  - Access keys, console login, and MFA have their own modules
    (M(cloudbroker.alibaba.ram_access_key), M(cloudbroker.alibaba.ram_login_profile),
    M(cloudbroker.alibaba.ram_user_mfa)).
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  name:
    description:
      - Logon name of the user; 1-64 characters, letters, digits, C(.), C(_) or C(-).
    type: str
    required: true
    aliases: [user_name]
  display_name:
    description: Display name; 1-128 characters.
    type: str
  email:
    description: E-mail address of the user.
    type: str
  mobile_phone:
    description: Mobile phone number as C(<country code>-<number>), for example C(86-18600000000).
    type: str
  comments:
    description: Free text, up to 128 characters.
    type: str
  state:
    description:
      - V(present) creates or updates the user; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), first remove everything that keeps RAM from deleting the user, in the
        order Terraform uses - access keys, policy attachments, group memberships, console login
        profile, MFA device (unbound and deleted).
      - Without it, deleting a user that still has any of these fails with RAM's C(DeleteConflict) error.
    type: bool
    default: false
  policies:
    description:
      - Policies that must be attached to the user. Each item is a policy name (its type, System or
        Custom, is looked up) or a dict with C(name) and C(type).
      - Policy names are case-sensitive (C(AdministratorAccess), not C(administratoraccess)); an unknown
        name fails with a hint naming the policy that differs only in case.
      - Not set means policies are not managed.
    type: list
    elements: raw
  purge_policies:
    description: Detach policies that are not listed in O(policies).
    type: bool
    default: false
  groups:
    description:
      - Groups the user must belong to (they must exist). Not set means memberships are not managed.
    type: list
    elements: str
  purge_groups:
    description: Remove the user from groups that are not listed in O(groups).
    type: bool
    default: false
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
"""

EXAMPLES = r"""
- name: A dedicated RAM user for the marketplace, with full access
  cloudbroker.alibaba.ram_user:
    name: marketplace-broker
    display_name: Cloud broker marketplace
    comments: Managed by Ansible - used by the cloud broker only
    policies:
      - AdministratorAccess

- name: Least privilege instead, exclusively (other policies are detached)
  cloudbroker.alibaba.ram_user:
    name: marketplace-broker
    policies:
      - AliyunECSFullAccess
      - AliyunOSSFullAccess
      - name: broker-extra
        type: Custom
    purge_policies: true

- name: Membership in groups that carry the policies
  cloudbroker.alibaba.ram_user:
    name: marketplace-broker
    groups: [cloud-brokers]
    purge_groups: true

- name: Delete the user and everything that hangs on it
  cloudbroker.alibaba.ram_user:
    name: marketplace-broker
    state: absent
    force: true

- name: Use module_defaults for authentication and the endpoint
  module_defaults:
    group/cloudbroker.alibaba.ram:
      ram_endpoint: http://127.0.0.1:18765
  cloudbroker.alibaba.ram_user:
    name: marketplace-broker
"""

RETURN = r"""
created:
  description:
    - Whether the user did not exist before this task, so that this task created it (in check mode - would create
      it). A user created by this task has nothing of before - no AccessKeys, groups or policies.
  returned: always
  type: bool
  sample: false
  version_added: 1.1.0
user:
  description: The user as it is after the run (as it would be, in check mode). Empty after deletion.
  returned: always
  type: dict
  contains:
    user_name:
      description: Logon name.
      type: str
      sample: marketplace-broker
    user_id:
      description: Numeric ID of the user (absent in check mode before creation).
      type: str
      sample: "222748924538****"
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
      sample: "2026-11-23T10:00:00Z"
    update_date:
      description: Last update time (UTC).
      type: str
    policies:
      description: Policies attached to the user (only when O(policies) is set).
      type: list
      elements: dict
      returned: when O(policies) is set
      sample: [{"name": "AdministratorAccess", "type": "System"}]
    groups:
      description: Groups of the user (only when O(groups) is set).
      type: list
      elements: str
      returned: when O(groups) is set
      sample: [cloud-brokers]
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.users import USER


def main():
    run_as_module(USER)


if __name__ == "__main__":
    main()
