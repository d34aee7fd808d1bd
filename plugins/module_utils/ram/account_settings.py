# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Account-wide RAM settings: ``ram_password_policy`` and ``ram_security_preference``.

May touch: the account's password policy (SetPasswordPolicy) and security preference
(SetSecurityPreference), nothing else. Both are read whole and written whole: RAM's Set* actions reset
every parameter they are not given to its default, so the options that are set are merged into the
current values and the complete setting is sent (``reconcile_whole_setting``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, Resource


def refuse(problems):
    """One ``InputError`` for every ``(option, message)`` problem found, all reported at once."""
    if problems:
        options = sorted(set(option for option, _message in problems))
        raise InputError(" ".join(message for _option, message in problems),
                         option=options[0] if len(options) == 1 else None)


def reconcile_whole_setting(task, key, actions, answer_key, view, plan, request):
    """Read the setting (``actions``: the Get* and Set* action, both answering it under ``answer_key``),
    merge the options that are set, and write the whole setting back when anything differs.

    ``view`` maps RAM's answer to the result dict, ``plan(current, params)`` returns ``(changes, after)``
    and ``request(after)`` the Set* parameters. The result holds the setting under ``key``.
    """
    get_action, set_action = actions
    client = task.clients.ram
    current = view(client.call(get_action).get(answer_key))
    changes, after = plan(current, task.params)
    if changes and not task.check_mode:
        returned = view(client.call(set_action, **request(after)).get(answer_key))
        after = returned or after
    return task.result(bool(changes), key, current, after)


# --------------------------------------------------------------------------------------------
# ram_password_policy
# --------------------------------------------------------------------------------------------

# option (= result key) -> RAM parameter / answer key
PASSWORD_FIELDS = {
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
PASSWORD_RANGES = {
    "minimum_password_length": (8, 32),
    "max_password_age": (0, 1095),
    "password_reuse_prevention": (0, 24),
    "max_login_attempts": (0, 32),
}


def password_policy_problems(params):
    """``(option, message)`` for each out-of-range option; no remote call."""
    problems = []
    for option, (low, high) in PASSWORD_RANGES.items():
        value = params.get(option)
        if value is not None and not low <= value <= high:
            problems.append((option, "%s must be between %d and %d, got %d." % (option, low, high, value)))
    return problems


def password_policy_view(remote):
    """GetPasswordPolicy's ``PasswordPolicy`` -> the module's snake_case dict."""
    remote = remote or {}
    return dict((option, remote[key]) for option, key in PASSWORD_FIELDS.items() if remote.get(key) is not None)


def plan_password_policy(current, params):
    """``(changes, after)``: the options set whose value differs from the current one, and the merged policy."""
    wanted = dict((option, params[option]) for option in PASSWORD_FIELDS if params.get(option) is not None)
    changes = dict((option, value) for option, value in wanted.items() if current.get(option) != value)
    return changes, dict(current, **wanted)


def password_policy_request(view):
    return dict((PASSWORD_FIELDS[option], value) for option, value in view.items())


def run_password_policy(task):
    refuse(password_policy_problems(task.params))
    return reconcile_whole_setting(task, "password_policy", ("GetPasswordPolicy", "SetPasswordPolicy"),
                                   "PasswordPolicy", password_policy_view, plan_password_policy,
                                   password_policy_request)


PASSWORD_POLICY = Resource(
    "ram_password_policy",
    dict(
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
    run_password_policy,
    services=("ram",),
)


# --------------------------------------------------------------------------------------------
# ram_security_preference
# --------------------------------------------------------------------------------------------

# option (= result key) -> (group in GetSecurityPreference's answer, key); SetSecurityPreference takes the key
PREFERENCE_FIELDS = {
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


def security_preference_problems(params):
    """``(option, message)`` for each invalid option; no remote call."""
    problems = []
    duration = params.get("login_session_duration")
    if duration is not None and not 1 <= duration <= 24:
        problems.append(("login_session_duration",
                         "login_session_duration must be between 1 and 24 hours, got %d." % duration))
    masks = split_masks(params.get("login_network_masks")) or []
    for mask in masks:
        try:
            ipaddress.ip_network(mask, strict=False)
        except ValueError:
            problems.append(("login_network_masks",
                             "login_network_masks: %r is not a network (CIDR such as 192.0.2.0/24)." % mask))
    if len(masks) > MAX_MASKS:
        problems.append(("login_network_masks",
                         "login_network_masks: at most %d networks, got %d." % (MAX_MASKS, len(masks))))
    if len(";".join(masks)) > MAX_MASKS_LENGTH:
        problems.append(("login_network_masks",
                         "login_network_masks: at most %d characters in all (joined with ';')." % MAX_MASKS_LENGTH))
    return problems


def security_preference_view(remote):
    """GetSecurityPreference's nested ``SecurityPreference`` -> the module's flat snake_case dict."""
    remote = remote or {}
    view = {}
    for option, (group, key) in PREFERENCE_FIELDS.items():
        value = (remote.get(group) or {}).get(key)
        if option == "login_network_masks":
            value = split_masks(value or "")
        if value is not None:
            view[option] = value
    return view


def _same(option, current, wanted):
    if option == "login_network_masks":  # the order of the networks does not count
        return sorted(set(current or [])) == sorted(set(wanted))
    return current == wanted


def plan_security_preference(current, params):
    """``(changes, after)`` for the options that are set."""
    wanted = {}
    for option in PREFERENCE_FIELDS:
        value = params.get(option)
        if value is not None:
            wanted[option] = split_masks(value) if option == "login_network_masks" else value
    changes = dict((option, value) for option, value in wanted.items() if not _same(option, current.get(option), value))
    return changes, dict(current, **changes)


def security_preference_request(view):
    """The complete SetSecurityPreference parameters for a flat view."""
    params = {}
    for option, (_group, key) in PREFERENCE_FIELDS.items():
        if option in view:
            value = view[option]
            params[key] = ";".join(value) if option == "login_network_masks" else value
    return params


def run_security_preference(task):
    refuse(security_preference_problems(task.params))
    return reconcile_whole_setting(task, "security_preference", ("GetSecurityPreference", "SetSecurityPreference"),
                                   "SecurityPreference", security_preference_view, plan_security_preference,
                                   security_preference_request)


SECURITY_PREFERENCE = Resource(
    "ram_security_preference",
    dict(
        allow_user_to_change_password=dict(type="bool", no_log=False),
        allow_user_to_manage_access_keys=dict(type="bool", no_log=False),
        allow_user_to_manage_mfa_devices=dict(type="bool"),
        allow_user_to_manage_public_keys=dict(type="bool", no_log=False),
        enable_save_mfa_ticket=dict(type="bool"),
        login_network_masks=dict(type="list", elements="str"),
        login_session_duration=dict(type="int"),
    ),
    run_security_preference,
    services=("ram",),
)
