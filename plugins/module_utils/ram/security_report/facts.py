# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the account for the security report: the only part that calls RAM and STS (reads only).

Calls: GetCallerIdentity, GetPasswordPolicy, GetSecurityPreference, ListUsers, ListGroups,
ListEntitiesForPolicy, ListUsersForGroup, ListAccessKeys, GetAccessKeyLastUsed, GetLoginProfile,
GetUserMFAInfo; a call only skipped checks need is not made. An entity deleted between the list and the
read is skipped (its "not found" code is ignored).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.caller_identity import get_caller_identity
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.security_report.catalogue import (
    ADMIN_CHECKS,
    ADMIN_POLICY,
    CONSOLE_CHECKS,
    KEY_CHECKS,
    LAST_USED_CHECKS,
    PREFERENCE_CHECKS,
)


class CallCounter:
    """Counts the API calls of a RamClient per action (``paginate`` goes through ``call``; retries not counted)."""

    def __init__(self):
        self.counts = {}

    def wrap(self, client):
        inner = client.call

        def counted(action, *args, **kwargs):
            self.counts[action] = self.counts.get(action, 0) + 1
            return inner(action, *args, **kwargs)

        client.call = counted
        return client


def read_keys(client, user_name, with_last_used):
    """The user's AccessKeys (``AccessKeyId``, ``Status``, ``CreateDate``, with ``with_last_used`` also
    ``LastUsedDate`` of each active key: None when never used)."""
    page = client.call("ListAccessKeys", ignore=("EntityNotExist.User",), UserName=user_name) or {}
    result = []
    for key in (page.get("AccessKeys") or {}).get("AccessKey") or []:
        view = dict(AccessKeyId=key["AccessKeyId"], Status=key.get("Status"), CreateDate=key.get("CreateDate"))
        if with_last_used and key.get("Status") == "Active":
            used = client.call("GetAccessKeyLastUsed", ignore=("EntityNotExist.User.AccessKey",), UserName=user_name,
                               UserAccessKeyId=key["AccessKeyId"]) or {}
            view["LastUsedDate"] = (used.get("AccessKeyLastUsed") or {}).get("LastUsedDate")
        result.append(view)
    return result


def read_console(client, user_name):
    """``{"name", "login_profile", "mfa_device"}`` for a console user, None for a user without console access."""
    found = client.call("GetLoginProfile", ignore=("EntityNotExist.User.LoginProfile", "EntityNotExist.User"),
                        UserName=user_name)
    if found is None:
        return None
    mfa = client.call("GetUserMFAInfo", ignore=("EntityNotExist.User.MFADevice", "EntityNotExist.User"),
                      UserName=user_name) or {}
    return dict(name=user_name, login_profile=found.get("LoginProfile") or {}, mfa_device=mfa.get("MFADevice") or None)


def read_admin_group_members(client, entities):
    """``{group: [user, ...]}`` of the groups holding AdministratorAccess (a group deleted meanwhile: none)."""
    members = {}
    for group in (entities.get("Groups") or {}).get("Group") or []:
        found = client.paginate("ListUsersForGroup", "Users", "User", ignore=("EntityNotExist.Group",),
                                GroupName=group["GroupName"]) or []
        members[group["GroupName"]] = [user["UserName"] for user in found]
    return members


def collect(ram, sts, skip):
    """Everything the checks need, read with as few calls as the checks that run allow.

    ``ram`` and ``sts`` are the task's clients; returns ``(state, calls)``: the facts (the input of
    ``rules.evaluate``) and the API calls made per action.
    """
    counter = CallCounter()
    client = counter.wrap(ram)
    identity = get_caller_identity(counter.wrap(sts))

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
        state["admin_group_members"] = (read_admin_group_members(client, entities)
                                        if "group_admin_access" not in skip else {})
    with_keys, with_last_used, with_console = wanted(KEY_CHECKS), wanted(LAST_USED_CHECKS), wanted(CONSOLE_CHECKS)
    state["users"] = []
    state["console_users"] = [] if with_console else None
    for user in sorted(users, key=lambda u: u["UserName"]):
        name = user["UserName"]
        state["users"].append(dict(name=name, keys=read_keys(client, name, with_last_used) if with_keys else None))
        if with_console:
            console = read_console(client, name)
            if console is not None:
                state["console_users"].append(console)
    return state, counter.counts
