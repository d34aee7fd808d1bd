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

import ipaddress

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_ram import RamModule

# module option (= result key) -> (group in GetSecurityPreference, key) ; SetSecurityPreference uses the same key
FIELDS = {
    "allow_user_to_change_password": ("LoginProfilePreference", "AllowUserToChangePassword"),
    "allow_user_to_manage_access_keys": ("AccessKeyPreference", "AllowUserToManageAccessKeys"),
    "allow_user_to_manage_mfa_devices": ("MFAPreference", "AllowUserToManageMFADevices"),
    "allow_user_to_manage_public_keys": ("PublicKeyPreference", "AllowUserToManagePublicKeys"),
    "enable_save_mfa_ticket": ("LoginProfilePreference", "EnableSaveMFATicket"),
    "login_network_masks": ("LoginProfilePreference", "LoginNetworkMasks"),
    "login_session_duration": ("LoginProfilePreference", "LoginSessionDuration"),
}
MAX_MASKS = 40
MAX_MASKS_LENGTH = 512


def split_masks(value):
    """``"a;b"`` / ``["a", "b;c"]`` / ``None`` -> ``["a", "b", "c"]`` (``None`` stays ``None``)."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    return [part.strip() for item in items for part in (item or "").split(";") if part.strip()]


def validate(params):
    """Messages for invalid options (empty when all is well); no remote call."""
    errors = []
    duration = params.get("login_session_duration")
    if duration is not None and not 1 <= duration <= 24:
        errors.append("login_session_duration must be between 1 and 24 hours, got %d." % duration)
    masks = split_masks(params.get("login_network_masks"))
    if masks:
        for mask in masks:
            try:
                ipaddress.ip_network(mask, strict=False)
            except ValueError:
                errors.append("login_network_masks: %r is not a network (CIDR such as 192.0.2.0/24)." % mask)
        if len(masks) > MAX_MASKS:
            errors.append("login_network_masks: at most %d networks, got %d." % (MAX_MASKS, len(masks)))
        if len(";".join(masks)) > MAX_MASKS_LENGTH:
            errors.append("login_network_masks: at most %d characters in all (joined with ';')." % MAX_MASKS_LENGTH)
    return errors


def preference_view(remote):
    """GetSecurityPreference's nested ``SecurityPreference`` -> the module's flat snake_case dict."""
    remote = remote or {}
    view = {}
    for option, (group, key) in FIELDS.items():
        value = (remote.get(group) or {}).get(key)
        if option == "login_network_masks":
            value = split_masks(value or "")
        if value is not None:
            view[option] = value
    return view


def same(option, current, wanted):
    if option == "login_network_masks":
        return sorted(set(current or [])) == sorted(set(wanted))
    return current == wanted


def plan(current, params):
    """(changes, after) for the options that are set."""
    wanted = {}
    for option in FIELDS:
        value = params.get(option)
        if value is not None:
            wanted[option] = split_masks(value) if option == "login_network_masks" else value
    changes = dict((option, value) for option, value in wanted.items() if not same(option, current.get(option), value))
    after = dict(current, **changes)
    return changes, after


def request_params(view):
    """The complete SetSecurityPreference parameters for a flat view."""
    params = {}
    for option, (_group, key) in FIELDS.items():
        if option in view:
            value = view[option]
            params[key] = ";".join(value) if option == "login_network_masks" else value
    return params


def run_module(module):
    errors = validate(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))
    client = module.ram
    current = preference_view(client.call("GetSecurityPreference").get("SecurityPreference"))
    changes, after = plan(current, module.params)
    if changes and not module.check_mode:
        response = client.call("SetSecurityPreference", **request_params(after))
        returned = preference_view(response.get("SecurityPreference"))
        after = returned if returned else after
    result = dict(changed=bool(changes), security_preference=after)
    if module._diff:
        result["diff"] = dict(before=current, after=after)
    return result


def main():
    module = RamModule(
        argument_spec=dict(
            allow_user_to_change_password=dict(type="bool", no_log=False),
            allow_user_to_manage_access_keys=dict(type="bool", no_log=False),
            allow_user_to_manage_mfa_devices=dict(type="bool"),
            allow_user_to_manage_public_keys=dict(type="bool", no_log=False),
            enable_save_mfa_ticket=dict(type="bool"),
            login_network_masks=dict(type="list", elements="str"),
            login_session_duration=dict(type="int"),
        ),
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
