# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of the security report: ID, severity, resource type, title and advice (one place).

``docs/security-report.md`` explains each one; a unit test keeps the two in step. ``skip_checks`` of the
module takes these IDs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

SEVERITIES = ("high", "medium", "low", "info")
ADMIN_POLICY = "AdministratorAccess"

# id -> (severity, resource type, title, recommendation). docs/security-report.md explains each one.
CHECKS = {
    "root_account_in_use": (
        "high", "account", "Root account used for day-to-day work",
        "Use a RAM user or role for daily work and automation (this report needs only "
        "AliyunRAMReadOnlyAccess). Delete the root account's AccessKeys and keep its password and MFA "
        "device locked away."),
    "console_user_without_mfa": (
        "high", "user", "Console user without MFA",
        "Bind an MFA device to the user (cloudbroker.alibaba.ram_user_mfa), or set mfa_bind_required on its "
        "login profile (cloudbroker.alibaba.ram_login_profile) so that RAM makes it bind one at the next logon. "
        "Remove the login profile if the user does not need the console."),
    "console_user_mfa_pending": (
        "medium", "user", "Console user must still bind MFA",
        "The user will be asked to bind an MFA device at the next logon; until then its password alone "
        "protects it. Bind a device now (cloudbroker.alibaba.ram_user_mfa), or remove the login profile if "
        "the user does not need the console."),
    "console_mfa_not_enforced": (
        "medium", "account", "MFA is not enforced for console logon",
        "Require MFA for every console user: set mfa_bind_required on each login profile "
        "(cloudbroker.alibaba.ram_login_profile), or require MFA for all logons in the console's security "
        "settings (Users > Security Settings)."),
    "mfa_self_service_disabled": (
        "low", "account", "Users cannot manage their own MFA devices",
        "Allow users to manage their MFA devices (cloudbroker.alibaba.ram_security_preference "
        "allow_user_to_manage_mfa_devices=true), or make sure an administrator binds a device for every "
        "console user."),
    "mfa_ticket_saved": (
        "low", "account", "MFA is remembered for seven days",
        "Ask for MFA at every logon (cloudbroker.alibaba.ram_security_preference enable_save_mfa_ticket=false)."),
    "password_policy_weak": (
        "medium", "account", "Weak password policy",
        "Strengthen the password policy (cloudbroker.alibaba.ram_password_policy): the minimum length, all four "
        "character classes, at most 5 failed logons, a validity of at most 90 days and no reuse of the last "
        "5 passwords."),
    "console_login_unrestricted": (
        "info", "account", "Console logon allowed from any network",
        "Limit console logons to the networks of your organisation (cloudbroker.alibaba.ram_security_preference "
        "login_network_masks)."),
    "user_admin_access": (
        "medium", "user", "User holds AdministratorAccess",
        "Grant least privilege: replace AdministratorAccess with the service policies the user needs "
        "(cloudbroker.alibaba.ram_user policies + purge_policies), or skip this check for a user that must "
        "have full access."),
    "group_admin_access": (
        "medium", "group", "Group grants AdministratorAccess",
        "Keep full access to as few people as possible: review the members, or attach narrower policies to "
        "the group (cloudbroker.alibaba.ram_group)."),
    "access_key_too_old": (
        "medium", "access_key", "Old AccessKey",
        "Rotate the key (cloudbroker.alibaba.ram_access_key rotate=true), hand the new secret to its consumer, "
        "then deactivate and delete the old key."),
    "access_key_unused": (
        "medium", "access_key", "Unused AccessKey",
        "Deactivate the key (status Inactive); delete it when nothing breaks."),
    "access_key_never_used": (
        "low", "access_key", "AccessKey never used",
        "If its consumer never picked it up, deactivate and delete it; a key that nobody uses is only a risk."),
    "access_key_inactive": (
        "low", "access_key", "Inactive AccessKey",
        "Delete the key once you are sure no consumer needs it back (cloudbroker.alibaba.ram_access_key "
        "state=absent)."),
    "user_multiple_active_keys": (
        "medium", "user", "More than one active AccessKey",
        "Keep one active key per user; two only while a rotation is under way. Deactivate the key the "
        "consumer no longer uses."),
}

CONSOLE_CHECKS = ("console_user_without_mfa", "console_user_mfa_pending", "console_mfa_not_enforced")
PREFERENCE_CHECKS = ("mfa_self_service_disabled", "mfa_ticket_saved", "console_login_unrestricted",
                     "console_mfa_not_enforced")
ADMIN_CHECKS = ("user_admin_access", "group_admin_access")
KEY_CHECKS = ("access_key_too_old", "access_key_unused", "access_key_never_used", "access_key_inactive",
              "user_multiple_active_keys")
LAST_USED_CHECKS = ("access_key_unused", "access_key_never_used")


def finding(check, resource_name, message):
    severity, resource_type, title, recommendation = CHECKS[check]
    return dict(id=check, severity=severity, title=title, resource_type=resource_type,
                resource_name=resource_name, message=message, recommendation=recommendation)
