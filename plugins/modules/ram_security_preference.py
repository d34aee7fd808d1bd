#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_security_preference
short_description: Manage the account-wide security preferences of RAM users
version_added: 1.0.0
description:
  - Sets what RAM users of the account may do for themselves (change their password, manage their
    AccessKeys, MFA devices and public keys), whether MFA can be remembered for seven days, and the
    network and session limits of console logons (C(GetSecurityPreference) / C(SetSecurityPreference)).
  - Options that are not set leave the current value alone; the module sends the complete preference
    set (current values merged with the options that are set), so no setting falls back to a default.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  allow_user_to_change_password:
    description: RAM users may change their own console password.
    type: bool
  allow_user_to_manage_access_keys:
    description: RAM users may manage their own AccessKey pairs.
    type: bool
  allow_user_to_manage_mfa_devices:
    description: RAM users may bind and unbind their own MFA devices.
    type: bool
  allow_user_to_manage_public_keys:
    description: RAM users may manage their own public keys (Japan site only).
    type: bool
  enable_save_mfa_ticket:
    description: RAM users may have their MFA verification remembered for seven days at console logon.
    type: bool
  login_network_masks:
    description:
      - Networks (CIDR) from which RAM users may log on to the console, at most 40 and 512 characters in
        all. Items may also be C(;)-separated strings, the form RAM itself uses.
      - An empty list removes the restriction (logon from anywhere). The order does not matter.
      - This limits password and SSO logons only, not API calls signed with an AccessKey.
    type: list
    elements: str
  login_session_duration:
    description: Hours a console session of a RAM user lasts, 1 to 24 (RAM's default is 6).
    type: int
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
notes:
  - These settings belong to the whole account; the caller needs C(ram:SetSecurityPreference) and
    C(ram:GetSecurityPreference).
  - Requiring MFA for every console logon (C(MFAOperationForLogin)) and the risk-based logon checks are
    settings of the newer IMS API; the RAM 2015-05-01 C(SetSecurityPreference) action this module uses
    has no such parameter, so they are not managed here. Per user, M(cloudbroker.alibaba.ram_login_profile)
    O(cloudbroker.alibaba.ram_login_profile#module:mfa_bind_required) makes a user bind an MFA device at
    the next logon.
"""

EXAMPLES = r"""
- name: Users manage their own MFA, not their own AccessKeys; console only from the office networks
  cloudbroker.alibaba.ram_security_preference:
    allow_user_to_change_password: true
    allow_user_to_manage_access_keys: false
    allow_user_to_manage_mfa_devices: true
    enable_save_mfa_ticket: false
    login_network_masks:
      - 192.0.2.0/24
      - 198.51.100.0/24
    login_session_duration: 8

- name: Lift the network restriction, leave everything else alone
  cloudbroker.alibaba.ram_security_preference:
    login_network_masks: []
"""

RETURN = r"""
security_preference:
  description: The security preferences after the run (as they would be, in check mode).
  returned: always
  type: dict
  contains:
    allow_user_to_change_password:
      description: Whether users may change their password.
      type: bool
    allow_user_to_manage_access_keys:
      description: Whether users may manage their AccessKeys.
      type: bool
    allow_user_to_manage_mfa_devices:
      description: Whether users may manage their MFA devices.
      type: bool
    allow_user_to_manage_public_keys:
      description: Whether users may manage their public keys.
      type: bool
    enable_save_mfa_ticket:
      description: Whether an MFA verification may be remembered for seven days.
      type: bool
    login_network_masks:
      description: Networks console logons are allowed from (empty list = anywhere).
      type: list
      elements: str
      sample: [192.0.2.0/24, 198.51.100.0/24]
    login_session_duration:
      description: Console session lifetime in hours.
      type: int
      sample: 6
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.account_settings import SECURITY_PREFERENCE


def main():
    run_as_module(SECURITY_PREFERENCE)


if __name__ == "__main__":
    main()
