#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_security_report
short_description: Check an Alibaba Cloud account against the RAM security best practices
version_added: 1.0.0
description:
  - Reads the RAM state of the account the credentials belong to and reports what departs from the
    best practices of the RAM guide - the root account used for daily work, console users without MFA,
    whether MFA is enforced for console logon, the password policy, old, unused, never used and inactive
    AccessKeys, users with more than one active AccessKey, and users and groups holding
    C(AdministratorAccess).
  - Returns structured RV(findings) (one per problem and resource, with a severity and what to do), a
    RV(summary) with counts, and the counts of what was examined (RV(checked)).
  - Optionally writes a human-readable Markdown report to O(summary_file), with a table of the findings and
    a Mermaid pie chart of the findings by severity. Only the report file is ever written; nothing in the
    account is changed.
  - Every finding and its fix are described in C(docs/security-report.md) of the collection.
  - Cost per account - C(GetCallerIdentity), C(GetPasswordPolicy), C(GetSecurityPreference),
    C(ListEntitiesForPolicy) once each; C(ListUsers) and C(ListGroups) once per 100 entities;
    C(ListUsersForGroup) per group holding C(AdministratorAccess); per user C(ListAccessKeys) and
    C(GetLoginProfile); C(GetUserMFAInfo) per user with console access; C(GetAccessKeyLastUsed) per active
    AccessKey. Checks listed in O(skip_checks) skip the calls only they need.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  max_key_age_days:
    description: An active AccessKey created more than this many days ago is reported (C(access_key_too_old)).
    type: int
    default: 90
  max_key_unused_days:
    description: An active AccessKey last used more than this many days ago is reported (C(access_key_unused)).
    type: int
    default: 90
  min_password_length:
    description: The password policy is reported as weak when it allows passwords shorter than this.
    type: int
    default: 14
  skip_checks:
    description:
      - Checks not to run, by ID (a risk that is accepted, for example C(user_admin_access) for the
        marketplace's own user). API calls that only a skipped check needs are not made.
    type: list
    elements: str
    default: []
    choices:
      - root_account_in_use
      - console_user_without_mfa
      - console_user_mfa_pending
      - console_mfa_not_enforced
      - mfa_self_service_disabled
      - mfa_ticket_saved
      - password_policy_weak
      - console_login_unrestricted
      - user_admin_access
      - group_admin_access
      - access_key_too_old
      - access_key_unused
      - access_key_never_used
      - access_key_inactive
      - user_multiple_active_keys
  summary_file:
    description:
      - Path of a Markdown report to write (atomically, mode C(0644); it holds no secret). Its directory is
        created when missing.
      - The file holds no timestamp, so that it changes - and the task reports C(changed) - only when the
        findings change. In check mode the file is not written; C(changed) tells whether it would be.
    type: path
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
notes:
  - The caller needs read access to RAM (the system policy C(AliyunRAMReadOnlyAccess) is enough);
    C(GetCallerIdentity) needs no permission. Run it as a RAM user or role, not with the root account's
    key - with the root key it reports exactly that (C(root_account_in_use)).
  - Diff mode shows the report file before and after.
seealso:
  - module: cloudbroker.alibaba.ram_caller_identity_info
  - module: cloudbroker.alibaba.ram_password_policy
  - module: cloudbroker.alibaba.ram_security_preference
  - module: cloudbroker.alibaba.ram_login_profile
  - module: cloudbroker.alibaba.ram_access_key
"""

EXAMPLES = r"""
- name: Check the account, write reports/prod.md
  cloudbroker.alibaba.ram_security_report:
    summary_file: reports/prod.md
  register: report

- name: Fail on any high-severity finding
  ansible.builtin.assert:
    that: report.summary.by_severity.high == 0
    fail_msg: "{{ report.findings | selectattr('severity', 'eq', 'high') | map(attribute='message') | list }}"

- name: Stricter key hygiene; the broker user is meant to hold AdministratorAccess
  cloudbroker.alibaba.ram_security_report:
    max_key_age_days: 30
    max_key_unused_days: 30
    skip_checks: [user_admin_access]
"""

RETURN = r"""
findings:
  description: What departs from the best practices, most severe first (then by check and resource).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The check that found it (see O(skip_checks) for the list).
      type: str
      sample: console_user_without_mfa
    severity:
      description: V(high), V(medium), V(low) or V(info).
      type: str
      sample: high
    title:
      description: What the check is about, in a few words.
      type: str
      sample: Console user without MFA
    resource_type:
      description: V(account), V(user), V(group) or V(access_key).
      type: str
      sample: user
    resource_name:
      description:
        - The account ID, the user or group name, or C(<user name>/<AccessKey ID>) for an AccessKey.
      type: str
      sample: alice
    message:
      description: What was found.
      type: str
    recommendation:
      description: What to do about it.
      type: str
summary:
  description: Counts of the findings.
  returned: always
  type: dict
  contains:
    total:
      description: Number of findings.
      type: int
      sample: 4
    by_severity:
      description: Findings per severity (every severity is present).
      type: dict
      sample: {"high": 1, "medium": 2, "low": 1, "info": 0}
    by_check:
      description: Findings per check ID (checks without findings are left out).
      type: dict
      sample: {"console_user_without_mfa": 1, "access_key_never_used": 3}
checked:
  description: What was examined.
  returned: always
  type: dict
  contains:
    users:
      description: RAM users.
      type: int
    console_users:
      description: RAM users with console access (a login profile); 0 when no console check ran.
      type: int
    groups:
      description: RAM groups.
      type: int
    access_keys:
      description: AccessKeys of RAM users (active and inactive); 0 when no AccessKey check ran.
      type: int
    active_access_keys:
      description: Active AccessKeys of RAM users.
      type: int
    skipped_checks:
      description: The checks that did not run (O(skip_checks)).
      type: list
      elements: str
caller_identity:
  description: Who ran the report (STS C(GetCallerIdentity)); see M(cloudbroker.alibaba.ram_caller_identity_info).
  returned: always
  type: dict
  sample: {"identity_type": "RAMUser", "account_id": "1234567890123456", "is_root": false,
           "arn": "acs:ram::1234567890123456:user/auditor", "user_id": "216959339000654321",
           "principal_id": "216959339000654321"}
account_id:
  description: ID of the account that was checked.
  returned: always
  type: str
  sample: "1234567890123456"
api_calls:
  description: API calls the report made, per action (retries not counted).
  returned: always
  type: dict
  sample: {"GetCallerIdentity": 1, "ListUsers": 1, "ListAccessKeys": 12, "GetAccessKeyLastUsed": 14}
summary_file:
  description: The report file's path.
  returned: when O(summary_file) is set
  type: str
  sample: /srv/reports/prod.md
"""

import datetime
import os
import tempfile

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_ram import (
    RamError,
    RamModule,
    get_caller_identity,
    list_access_keys,
)

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

# The password policy the guide and the CIS benchmark ask for (the minimum length is an option).
PASSWORD_MAX_LOGIN_ATTEMPTS = 5
PASSWORD_MAX_AGE_DAYS = 90
PASSWORD_REUSE_PREVENTION = 5
CHARACTER_CLASSES = (("RequireLowercaseCharacters", "lowercase letters"),
                     ("RequireUppercaseCharacters", "uppercase letters"),
                     ("RequireNumbers", "digits"),
                     ("RequireSymbols", "symbols"))
# IMS-era fields some accounts return in LoginProfilePreference; RAM 2015-05-01 itself has none.
MFA_LOGIN_MODE_FIELD = "MFAOperationForLogin"  # "mandatory" | "independent" | "adaptive"
MFA_LOGIN_ENFORCE_FIELD = "EnforceMFAForLogin"  # bool

DATE_FORMATS = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%z")


# --------------------------------------------------------------------------------------------
# Pure logic: plain dicts in, findings out (unit-tested without any service)
# --------------------------------------------------------------------------------------------

def finding(check, resource_name, message):
    severity, resource_type, title, recommendation = CHECKS[check]
    return dict(id=check, severity=severity, title=title, resource_type=resource_type,
                resource_name=resource_name, message=message, recommendation=recommendation)


def parse_date(value):
    """RAM's ``2026-11-23T10:00:00Z`` (and a few neighbours) -> aware UTC datetime; None when unknown."""
    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.datetime.strptime(value, fmt)
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.timezone.utc)
        return parsed
    return None


# Messages name dates, never ages ("3 days ago"): the report file must not change from one day to the
# next while the account stays the same.
def days(count):
    return "%d day%s" % (count, "" if count == 1 else "s")


def on(template, moment):
    return template % moment.date() if moment else ""


def check_caller(identity, account_id):
    if identity.get("is_root"):
        return [finding("root_account_in_use", account_id,
                        "The report ran with the root account's credentials (%s): the root account, or an "
                        "AccessKey of it, is used for day-to-day work." % (identity.get("arn") or "root"))]
    return []


def check_password_policy(policy, account_id, min_length):
    """One finding listing every weakness of the password policy (None = not read: no finding)."""
    if policy is None:
        return []
    weak = []
    length = policy.get("MinimumPasswordLength") or 0
    if length < min_length:
        weak.append("passwords may be as short as %d characters (at least %d wanted)" % (length, min_length))
    missing = [label for field, label in CHARACTER_CLASSES if not policy.get(field)]
    if missing:
        weak.append("%s not required" % ", ".join(missing))
    attempts = policy.get("MaxLoginAttemps", policy.get("MaxLoginAttempts")) or 0
    if not attempts or attempts > PASSWORD_MAX_LOGIN_ATTEMPTS:
        weak.append("logon is not locked after %d failed attempts (%s)"
                    % (PASSWORD_MAX_LOGIN_ATTEMPTS, "no limit" if not attempts else "limit %d" % attempts))
    age = policy.get("MaxPasswordAge") or 0
    if not age or age > PASSWORD_MAX_AGE_DAYS:
        weak.append("passwords do not expire within %d days (%s)"
                    % (PASSWORD_MAX_AGE_DAYS, "never" if not age else "%d days" % age))
    reuse = policy.get("PasswordReusePrevention") or 0
    if reuse < PASSWORD_REUSE_PREVENTION:
        weak.append("the last %d passwords may be reused (%s remembered)" % (PASSWORD_REUSE_PREVENTION, reuse))
    if not weak:
        return []
    return [finding("password_policy_weak", account_id, "Password policy: %s." % "; ".join(weak))]


def account_mfa_mode(preference):
    """True/False when the account states whether console MFA is mandatory for all; None when it does not."""
    login = (preference or {}).get("LoginProfilePreference") or {}
    mode = login.get(MFA_LOGIN_MODE_FIELD)
    enforced = login.get(MFA_LOGIN_ENFORCE_FIELD)
    if mode is None and enforced is None:
        return None
    return (isinstance(mode, str) and mode.lower() == "mandatory") or enforced is True


def check_security_preference(preference, account_id):
    if preference is None:
        return []
    found = []
    mfa = preference.get("MFAPreference") or {}
    login = preference.get("LoginProfilePreference") or {}
    if mfa.get("AllowUserToManageMFADevices") is False:
        found.append(finding("mfa_self_service_disabled", account_id,
                             "Security preference: RAM users cannot bind or unbind their own MFA devices; an "
                             "administrator has to bind one for every console user."))
    if login.get("EnableSaveMFATicket"):
        found.append(finding("mfa_ticket_saved", account_id,
                             "Security preference: an MFA verification is remembered for seven days, so later "
                             "console logons from the same browser need only the password."))
    if not (login.get("LoginNetworkMasks") or "").strip():
        found.append(finding("console_login_unrestricted", account_id,
                             "Security preference: RAM users may log on to the console from any network "
                             "(no logon network masks)."))
    return found


def check_console_users(console_users, account_id, account_enforced):
    """``console_users``: ``[{"name", "login_profile": {...}, "mfa_device": {...} | None}]``.

    ``account_enforced``: True/False when the account says whether MFA is mandatory for every console
    logon, None when it does not say (RAM 2015-05-01 has no such setting; it is per login profile).
    """
    found = []
    unprotected = []
    for user in console_users:
        if user.get("mfa_device"):
            continue
        required = bool((user.get("login_profile") or {}).get("MFABindRequired")) or account_enforced is True
        if required:
            found.append(finding("console_user_mfa_pending", user["name"],
                                 "User %s can log on to the console and has no MFA device yet; it must bind one "
                                 "at its next logon." % user["name"]))
        else:
            unprotected.append(user["name"])
            found.append(finding("console_user_without_mfa", user["name"],
                                 "User %s can log on to the console with a password alone: no MFA device is "
                                 "bound and none is required at logon." % user["name"]))
    if account_enforced is False:
        found.append(finding("console_mfa_not_enforced", account_id,
                             "The account does not require MFA for every console logon; %d of %d console users "
                             "have no MFA device." % (len([u for u in console_users if not u.get("mfa_device")]),
                                                      len(console_users))))
    elif account_enforced is None and unprotected:
        found.append(finding("console_mfa_not_enforced", account_id,
                             "MFA is not enforced for console logon: %d of %d console users can log on without "
                             "it (%s). RAM has no account-wide switch in this API; MFA is required per login "
                             "profile (MFABindRequired)." % (len(unprotected), len(console_users),
                                                             ", ".join(sorted(unprotected)))))
    return found


def check_admins(entities, group_members):
    """``entities``: ListEntitiesForPolicy(AdministratorAccess); ``group_members``: {group: [user, ...]}."""
    found = []
    for user in (entities.get("Users") or {}).get("User") or []:
        name = user["UserName"]
        found.append(finding("user_admin_access", name,
                             "User %s holds AdministratorAccess directly (full access to every resource of the "
                             "account)." % name))
    for group in (entities.get("Groups") or {}).get("Group") or []:
        name = group["GroupName"]
        members = sorted(group_members.get(name) or [])
        if members:
            who = "%d member%s: %s" % (len(members), "" if len(members) == 1 else "s", ", ".join(members))
        else:
            who = "no members yet"
        found.append(finding("group_admin_access", name,
                             "Group %s grants AdministratorAccess to its members (%s)." % (name, who)))
    return found


def check_access_keys(user_name, keys, now, max_age_days, max_unused_days):
    """``keys``: ``[{"AccessKeyId", "Status", "CreateDate", "LastUsedDate"?}]``.

    ``LastUsedDate`` None means never used; no ``LastUsedDate`` key at all means the last use was not read
    (the checks that need it were skipped), so neither "never used" nor "unused" is reported.
    """
    found = []
    active = [k for k in keys if k.get("Status") == "Active"]
    for key in sorted(keys, key=lambda k: (k.get("CreateDate") or "", k["AccessKeyId"])):
        resource = "%s/%s" % (user_name, key["AccessKeyId"])
        created = parse_date(key.get("CreateDate"))
        if key.get("Status") != "Active":
            found.append(finding("access_key_inactive", resource,
                                 "AccessKey %s of user %s is inactive%s." % (
                                     key["AccessKeyId"], user_name, on(" (created on %s)", created))))
            continue
        if created and now - created > datetime.timedelta(days=max_age_days):
            found.append(finding("access_key_too_old", resource,
                                 "AccessKey %s of user %s was created on %s, more than %s ago." % (
                                     key["AccessKeyId"], user_name, created.date(), days(max_age_days))))
        if "LastUsedDate" not in key:  # last use not read (check skipped)
            continue
        if not key["LastUsedDate"]:
            found.append(finding("access_key_never_used", resource,
                                 "AccessKey %s of user %s has never been used%s." % (
                                     key["AccessKeyId"], user_name, on(" (created on %s)", created))))
            continue
        last_used = parse_date(key["LastUsedDate"])  # None: a date this module cannot read; no guess
        if last_used and now - last_used > datetime.timedelta(days=max_unused_days):
            found.append(finding("access_key_unused", resource,
                                 "AccessKey %s of user %s was last used on %s, more than %s ago." % (
                                     key["AccessKeyId"], user_name, last_used.date(), days(max_unused_days))))
    if len(active) > 1:
        found.append(finding("user_multiple_active_keys", user_name,
                             "User %s has %d active AccessKeys (%s)." % (
                                 user_name, len(active), ", ".join(sorted(k["AccessKeyId"] for k in active)))))
    return found


def sort_findings(findings):
    return sorted(findings, key=lambda f: (SEVERITIES.index(f["severity"]), f["id"], f["resource_name"]))


def evaluate(state, now, max_key_age_days=90, max_key_unused_days=90, min_password_length=14, skip=()):
    """All findings for a collected ``state`` (see ``collect``), skipped checks removed, sorted."""
    account_id = state["account_id"]
    found = check_caller(state["identity"], account_id)
    found += check_password_policy(state.get("password_policy"), account_id, min_password_length)
    found += check_security_preference(state.get("security_preference"), account_id)
    if state.get("console_users") is not None:
        found += check_console_users(state["console_users"], account_id,
                                     account_mfa_mode(state.get("security_preference")))
    if state.get("admin_entities") is not None:
        found += check_admins(state["admin_entities"], state.get("admin_group_members") or {})
    for user in state.get("users") or []:
        if user.get("keys") is not None:
            found += check_access_keys(user["name"], user["keys"], now, max_key_age_days, max_key_unused_days)
    return sort_findings([f for f in found if f["id"] not in set(skip)])


def summarize(findings):
    by_severity = dict((severity, 0) for severity in SEVERITIES)
    by_check = {}
    for item in findings:
        by_severity[item["severity"]] += 1
        by_check[item["id"]] = by_check.get(item["id"], 0) + 1
    return dict(total=len(findings), by_severity=by_severity, by_check=by_check)


def count_checked(state, skip):
    users = state.get("users") or []
    keys = [k for u in users for k in (u.get("keys") or [])]
    return dict(users=len(users), console_users=len(state.get("console_users") or []),
                groups=state.get("group_count", 0), access_keys=len(keys),
                active_access_keys=len([k for k in keys if k.get("Status") == "Active"]),
                skipped_checks=sorted(set(skip)))


def cell(text):
    """A Markdown table cell: no pipe or line break may end the cell early."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def render_markdown(account_id, identity, findings, summary, checked, thresholds):
    """The report file. Deterministic for a given state and day: no timestamp, sorted content."""
    lines = ["# RAM security report: account %s" % account_id, ""]
    lines.append("Checked as `%s` (%s): %d users (%d with console access), %d groups, %d AccessKeys "
                 "(%d active)." % (identity.get("arn") or "?", identity.get("identity_type") or "?",
                                   checked["users"], checked["console_users"], checked["groups"],
                                   checked["access_keys"], checked["active_access_keys"]))
    lines.append("")
    lines.append("Thresholds: AccessKeys older than %(max_key_age_days)d days or unused for "
                 "%(max_key_unused_days)d days; passwords of at least %(min_password_length)d characters."
                 % thresholds)
    if checked["skipped_checks"]:
        lines.append("Skipped checks: %s." % ", ".join("`%s`" % c for c in checked["skipped_checks"]))
    lines += ["", "## Summary", ""]
    if not findings:
        lines += ["No findings: the account follows every best practice checked here.", ""]
    else:
        lines += ["| severity | findings |", "|---|---:|"]
        lines += ["| %s | %d |" % (severity, summary["by_severity"][severity]) for severity in SEVERITIES]
        lines += ["| **total** | **%d** |" % summary["total"], ""]
        lines += ["```mermaid", "pie showData title Findings by severity"]
        lines += ['    "%s" : %d' % (severity, summary["by_severity"][severity])
                  for severity in SEVERITIES if summary["by_severity"][severity]]
        lines += ["```", ""]
        lines += ["| check | findings |", "|---|---:|"]
        lines += ["| `%s` | %d |" % (check, count) for check, count in
                  sorted(summary["by_check"].items(), key=lambda item: (-item[1], item[0]))]
        lines += ["", "## Findings", "",
                  "| severity | check | resource | finding | what to do |", "|---|---|---|---|---|"]
        for item in findings:
            lines.append("| %s | `%s` | %s `%s` | %s | %s |" % (
                item["severity"], item["id"], item["resource_type"].replace("_", " "), cell(item["resource_name"]),
                cell(item["message"]), cell(item["recommendation"])))
        lines.append("")
    lines += ["Each check and its fix: `docs/security-report.md` of the cloudbroker.alibaba collection.", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Reading the account (the only part that talks to RAM)
# --------------------------------------------------------------------------------------------

class CallCounter:
    """Counts the API calls of a RamClient (``paginate`` and ``get`` go through ``call``)."""

    def __init__(self):
        self.counts = {}

    def wrap(self, client):
        inner = client.call

        def counted(action, *args, **kwargs):
            self.counts[action] = self.counts.get(action, 0) + 1
            return inner(action, *args, **kwargs)

        client.call = counted
        return client


def gone(error, *codes):
    """The entity vanished between the list and the read (a user deleted meanwhile)."""
    return error.code in codes


def read_keys(client, user_name, with_last_used):
    try:
        keys = list_access_keys(client, user_name)
    except RamError as error:
        if gone(error, "EntityNotExist.User"):
            return []
        raise
    result = []
    for key in keys:
        view = dict(AccessKeyId=key["AccessKeyId"], Status=key.get("Status"), CreateDate=key.get("CreateDate"))
        if with_last_used and key.get("Status") == "Active":
            used = client.get("GetAccessKeyLastUsed", "EntityNotExist.User.AccessKey", UserName=user_name,
                              UserAccessKeyId=key["AccessKeyId"]) or {}
            view["LastUsedDate"] = (used.get("AccessKeyLastUsed") or {}).get("LastUsedDate")
        result.append(view)
    return result


def read_console(client, user_name):
    """``{"name", "login_profile", "mfa_device"}`` for a console user, None for a user without console access."""
    try:
        profile = client.call("GetLoginProfile", UserName=user_name).get("LoginProfile")
    except RamError as error:
        if gone(error, "EntityNotExist.User.LoginProfile", "EntityNotExist.User"):
            return None
        raise
    try:
        device = client.call("GetUserMFAInfo", UserName=user_name).get("MFADevice")
    except RamError as error:
        if not gone(error, "EntityNotExist.User.MFADevice", "EntityNotExist.User"):
            raise
        device = None
    return dict(name=user_name, login_profile=profile or {}, mfa_device=device or None)


def collect(module, skip):
    """Everything the checks need, read with as few calls as the checks that run allow."""
    counter = CallCounter()
    client = counter.wrap(module.ram)
    identity = get_caller_identity(counter.wrap(module.sts))

    def wanted(checks):
        return any(check not in skip for check in checks)

    state = dict(identity=identity, account_id=identity.get("account_id") or "unknown")
    if "password_policy_weak" not in skip:
        state["password_policy"] = client.call("GetPasswordPolicy").get("PasswordPolicy") or {}
    if wanted(PREFERENCE_CHECKS):
        state["security_preference"] = client.call("GetSecurityPreference").get("SecurityPreference") or {}
    users = client.paginate("ListUsers", "Users", "User")
    state["group_count"] = len(client.paginate("ListGroups", "Groups", "Group"))
    if wanted(ADMIN_CHECKS):
        entities = client.call("ListEntitiesForPolicy", PolicyName=ADMIN_POLICY, PolicyType="System")
        state["admin_entities"] = entities
        members = {}
        if "group_admin_access" not in skip:
            for group in (entities.get("Groups") or {}).get("Group") or []:
                try:
                    found = client.paginate("ListUsersForGroup", "Users", "User", GroupName=group["GroupName"])
                except RamError as error:
                    if not gone(error, "EntityNotExist.Group"):
                        raise
                    found = []
                members[group["GroupName"]] = [u["UserName"] for u in found]
        state["admin_group_members"] = members
    with_keys, with_last_used, with_console = wanted(KEY_CHECKS), wanted(LAST_USED_CHECKS), wanted(CONSOLE_CHECKS)
    state["users"] = []
    state["console_users"] = [] if with_console else None
    for user in sorted(users, key=lambda u: u["UserName"]):
        name = user["UserName"]
        entry = dict(name=name, keys=read_keys(client, name, with_last_used) if with_keys else None)
        state["users"].append(entry)
        if with_console:
            console = read_console(client, name)
            if console is not None:
                state["console_users"].append(console)
    return state, counter.counts


# --------------------------------------------------------------------------------------------
# The report file
# --------------------------------------------------------------------------------------------

def write_report(module, path, content):
    """Write ``content`` to ``path`` atomically when it differs; returns (changed, before)."""
    if os.path.isdir(path):
        module.fail_json(msg="summary_file %s is a directory; give a file path such as %s"
                             % (path, os.path.join(path, "report.md")))
    before = None
    if os.path.exists(path):
        with open(path, "r", encoding="utf-8", errors="replace") as handle:
            before = handle.read()
    if before == content:
        return False, before
    if module.check_mode:
        return True, before
    directory = os.path.dirname(path) or "."
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(content)
            os.chmod(tmp, 0o644)
            module.atomic_move(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        module.fail_json(msg="cannot write summary_file %s: %s" % (path, exc))
    return True, before


def validate(module):
    for name in ("max_key_age_days", "max_key_unused_days"):
        if module.params[name] < 0:
            module.fail_json(msg="%s must be 0 or more, got %d" % (name, module.params[name]))
    if not 8 <= module.params["min_password_length"] <= 32:
        module.fail_json(msg="min_password_length must be between 8 and 32 (RAM's limits), got %d"
                             % module.params["min_password_length"])


def run_module(module):
    validate(module)
    params = module.params
    skip = tuple(params["skip_checks"])
    state, calls = collect(module, skip)
    names = ("max_key_age_days", "max_key_unused_days", "min_password_length")
    thresholds = dict((name, params[name]) for name in names)
    now = datetime.datetime.now(datetime.timezone.utc)
    findings = evaluate(state, now, skip=skip, **thresholds)
    summary = summarize(findings)
    checked = count_checked(state, skip)
    result = dict(changed=False, findings=findings, summary=summary, checked=checked,
                  caller_identity=state["identity"], account_id=state["account_id"], api_calls=calls)
    if params["summary_file"]:
        path = os.path.abspath(params["summary_file"])
        content = render_markdown(state["account_id"], state["identity"], findings, summary, checked, thresholds)
        changed, before = write_report(module, path, content)
        result.update(changed=changed, summary_file=path)
        if module._diff:
            result["diff"] = dict(before=before or "", after=content, before_header=path, after_header=path)
    return result


def main():
    module = RamModule(
        argument_spec=dict(
            max_key_age_days=dict(type="int", default=90, no_log=False),
            max_key_unused_days=dict(type="int", default=90, no_log=False),
            min_password_length=dict(type="int", default=14, no_log=False),
            skip_checks=dict(type="list", elements="str", default=[], choices=list(CHECKS)),
            summary_file=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
