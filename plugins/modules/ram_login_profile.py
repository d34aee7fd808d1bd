#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_login_profile
short_description: Manage the console logon (login profile) of an Alibaba Cloud RAM user
version_added: 1.0.0
description:
  - Gives a RAM user console access with a password (C(CreateLoginProfile)), changes its logon flags
    or password (C(UpdateLoginProfile)), or takes console access away (C(DeleteLoginProfile)).
  - A user without a login profile can only use AccessKeys; only create one for people who need the
    console.
  - RAM never returns a password, so the module cannot tell whether a password differs from the one set.
    With the default O(update_password=on_create) the password is only used when the profile is
    created, and later runs report no change. With O(update_password=always) the password is sent on
    every run, and every run reports C(changed).
  - The logon flags that are not set are left alone (they are never reset to a default).
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  user_name:
    description: Logon name of the RAM user (it must exist).
    type: str
    required: true
    aliases: [name]
  password:
    description:
      - Console password. Required when the profile is created (O(state=present) and the user has no
        profile yet); otherwise it is used only with O(update_password=always).
      - At most 32 characters (checked before any call), and it must satisfy the account's password policy (M(cloudbroker.alibaba.ram_password_policy)); RAM
        refuses a weaker one with C(InvalidParameter.Password.TooWeak). In check mode the module checks
        the password against the policy itself (C(GetPasswordPolicy)), so that check mode fails where
        the real run would.
      - Never returned, logged or shown in a diff.
    type: str
  update_password:
    description:
      - V(on_create) - set the password only when the profile is created; idempotent.
      - V(always) - also replace the password of an existing profile, on every run (the module cannot
        compare passwords, so every run reports C(changed)).
    type: str
    choices: [always, on_create]
    default: on_create
  password_reset_required:
    description:
      - The user must change the password at the next logon. Not set means the current value stays
        (RAM's default on creation is V(false)).
    type: bool
  mfa_bind_required:
    description:
      - The user must bind an MFA device at the next logon. Not set means the current value stays (RAM's
        default on creation is V(false)). M(cloudbroker.alibaba.ram_user_mfa) binds one for the user instead.
    type: bool
  state:
    description:
      - V(present) creates or updates the login profile; V(absent) deletes it, which removes console
        access (AccessKeys keep working). Deleting a profile that does not exist, or of a user that does
        not exist, is no change.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
"""

EXAMPLES = r"""
- name: Console access for an operator, who must pick a new password and bind MFA at first logon
  cloudbroker.alibaba.ram_login_profile:
    user_name: alice
    password: "{{ vault_alice_initial_password }}"
    password_reset_required: true
    mfa_bind_required: true

- name: Reset the password (reports changed on every run)
  cloudbroker.alibaba.ram_login_profile:
    user_name: alice
    password: "{{ vault_alice_new_password }}"
    update_password: always

- name: Only flip a flag; the password stays as it is
  cloudbroker.alibaba.ram_login_profile:
    user_name: alice
    password_reset_required: false

- name: No console access for the marketplace's technical user
  cloudbroker.alibaba.ram_login_profile:
    user_name: marketplace-broker
    state: absent
"""

RETURN = r"""
login_profile:
  description:
    - The login profile after the run (as it would be, in check mode); empty when there is none.
    - The password is never returned.
  returned: always
  type: dict
  contains:
    user_name:
      description: Logon name.
      type: str
      sample: alice
    password_reset_required:
      description: Whether the user must change the password at the next logon.
      type: bool
    mfa_bind_required:
      description: Whether the user must bind an MFA device at the next logon.
      type: bool
    create_date:
      description: When the profile was created (UTC; absent in check mode before creation).
      type: str
      sample: "2026-11-23T10:00:00Z"
password_updated:
  description: Whether this run set the password (on creation, or with O(update_password=always)).
  returned: always
  type: bool
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.login_profiles import LOGIN_PROFILE


def main():
    run_as_module(LOGIN_PROFILE)


if __name__ == "__main__":
    main()
