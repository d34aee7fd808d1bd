#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_password_policy
short_description: Manage the password policy of RAM users of an Alibaba Cloud account
version_added: 1.0.0
description:
  - Sets the account-wide password policy that the console passwords of RAM users must satisfy
    (C(GetPasswordPolicy) / C(SetPasswordPolicy)).
  - Options that are not set leave the current value alone. RAM's C(SetPasswordPolicy) resets every
    parameter it is not given to its default, so the module always sends the complete policy - the
    current values merged with the options that are set.
  - The policy applies to passwords set from now on (M(cloudbroker.alibaba.ram_login_profile)); existing
    passwords are not checked again.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  minimum_password_length:
    description: Minimum number of characters in a password, 8 to 32 (RAM's default is 8).
    type: int
  require_lowercase_characters:
    description: Passwords must contain at least one lowercase letter.
    type: bool
    aliases: [require_lowercase]
  require_uppercase_characters:
    description: Passwords must contain at least one uppercase letter.
    type: bool
    aliases: [require_uppercase]
  require_numbers:
    description: Passwords must contain at least one digit.
    type: bool
  require_symbols:
    description: Passwords must contain at least one special character.
    type: bool
  hard_expiry:
    description:
      - V(true) - a RAM user whose password has expired cannot log on until an administrator resets
        the password. V(false) - the user can change the expired password when logging on.
    type: bool
  max_password_age:
    description: Days a password stays valid, 0 to 1095; V(0) means passwords never expire.
    type: int
  password_reuse_prevention:
    description: How many previous passwords a user may not reuse, 0 to 24; V(0) disables the check.
    type: int
  max_login_attempts:
    description:
      - Failed logon attempts allowed within one hour before the user is locked out for an hour, 0 to
        32; V(0) disables the lockout.
      - Sent to RAM as C(MaxLoginAttemps), the API's own spelling.
    type: int
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
notes:
  - The password policy belongs to the whole account; the caller needs C(ram:SetPasswordPolicy) and
    C(ram:GetPasswordPolicy).
"""

EXAMPLES = r"""
- name: A strong password policy for every RAM user of the account
  cloudbroker.alibaba.ram_password_policy:
    minimum_password_length: 14
    require_lowercase_characters: true
    require_uppercase_characters: true
    require_numbers: true
    require_symbols: true
    max_password_age: 90
    password_reuse_prevention: 5
    max_login_attempts: 5

- name: Only raise the minimum length; everything else stays as it is
  cloudbroker.alibaba.ram_password_policy:
    minimum_password_length: 16

- name: Read the current policy (nothing set means nothing changes)
  cloudbroker.alibaba.ram_password_policy:
  register: policy
"""

RETURN = r"""
password_policy:
  description: The password policy after the run (as it would be, in check mode).
  returned: always
  type: dict
  contains:
    minimum_password_length:
      description: Minimum password length.
      type: int
      sample: 14
    require_lowercase_characters:
      description: Whether a lowercase letter is required.
      type: bool
    require_uppercase_characters:
      description: Whether an uppercase letter is required.
      type: bool
    require_numbers:
      description: Whether a digit is required.
      type: bool
    require_symbols:
      description: Whether a special character is required.
      type: bool
    hard_expiry:
      description: Whether an expired password blocks the logon.
      type: bool
    max_password_age:
      description: Days a password is valid (0 = never expires).
      type: int
    password_reuse_prevention:
      description: Number of previous passwords that cannot be reused.
      type: int
    max_login_attempts:
      description: Failed logon attempts allowed per hour (RAM's C(MaxLoginAttemps)).
      type: int
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.account_settings import PASSWORD_POLICY


def main():
    run_as_module(PASSWORD_POLICY)


if __name__ == "__main__":
    main()
