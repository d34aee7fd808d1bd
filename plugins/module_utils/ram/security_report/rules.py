# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules of the security report: collected facts (plain dicts, see ``facts.collect``) in, findings out.

Pure functions (no remote call, no clock: ``now`` is given), unit-tested without any service.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.security_report.catalogue import (
    SEVERITIES,
    finding,
)

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
