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

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_ram import RamModule

# module option (= result key) -> RAM parameter / response key
FIELDS = {
    "minimum_password_length": "MinimumPasswordLength",
    "require_lowercase_characters": "RequireLowercaseCharacters",
    "require_uppercase_characters": "RequireUppercaseCharacters",
    "require_numbers": "RequireNumbers",
    "require_symbols": "RequireSymbols",
    "hard_expiry": "HardExpiry",
    "max_password_age": "MaxPasswordAge",
    "password_reuse_prevention": "PasswordReusePrevention",
    "max_login_attempts": "MaxLoginAttemps",  # sic: the API's spelling
}
RANGES = {
    "minimum_password_length": (8, 32),
    "max_password_age": (0, 1095),
    "password_reuse_prevention": (0, 24),
    "max_login_attempts": (0, 32),
}


def validate(params):
    """Messages for out-of-range options (empty when all is well); no remote call."""
    errors = []
    for option, (low, high) in RANGES.items():
        value = params.get(option)
        if value is not None and not low <= value <= high:
            errors.append("%s must be between %d and %d, got %d." % (option, low, high, value))
    return errors


def policy_view(remote):
    """GetPasswordPolicy's ``PasswordPolicy`` -> the module's snake_case dict."""
    remote = remote or {}
    return dict((option, remote[key]) for option, key in FIELDS.items() if remote.get(key) is not None)


def plan(current, params):
    """(changes, after): the options whose wanted value differs from the current one, and the merged policy."""
    wanted = dict((option, params[option]) for option in FIELDS if params.get(option) is not None)
    changes = dict((option, value) for option, value in wanted.items() if current.get(option) != value)
    after = dict(current, **wanted)
    return changes, after


def run_module(module):
    errors = validate(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    client = module.ram
    current = policy_view(client.call("GetPasswordPolicy").get("PasswordPolicy"))
    changes, after = plan(current, module.params)
    if changes and not module.check_mode:
        response = client.call("SetPasswordPolicy", **dict((FIELDS[option], value) for option, value in after.items()))
        returned = policy_view(response.get("PasswordPolicy"))
        after = returned if returned else after
    result = dict(changed=bool(changes), password_policy=after)
    if module._diff:
        result["diff"] = dict(before=current, after=after)
    return result


def main():
    module = RamModule(
        argument_spec=dict(
            minimum_password_length=dict(type="int", no_log=False),
            require_lowercase_characters=dict(type="bool", aliases=["require_lowercase"]),
            require_uppercase_characters=dict(type="bool", aliases=["require_uppercase"]),
            require_numbers=dict(type="bool"),
            require_symbols=dict(type="bool"),
            hard_expiry=dict(type="bool"),
            max_password_age=dict(type="int", no_log=False),
            password_reuse_prevention=dict(type="int", no_log=False),
            max_login_attempts=dict(type="int"),
        ),
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
