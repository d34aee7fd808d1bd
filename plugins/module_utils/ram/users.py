# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RAM users: ``ram_user`` (the user, its policies and groups in one run) and ``ram_user_info``.

May touch: the user (CreateUser, UpdateUser, DeleteUser), its policy attachments and group memberships;
with ``force`` on deletion also its AccessKeys, login profile and MFA device.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.cloudbroker.alibaba.plugins.module_utils import limits
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.access_keys import list_access_keys
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.attachments import (
    apply_policy_attachments,
    list_attached_policies,
    list_groups_for_user,
    normalize_policy_specs,
    policy_option,
    reconcile_policy_attachments,
    reconcile_user_groups,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError, code_matches
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.listing import named_or_all
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.names import (
    check_length,
    check_name,
    snake,
    view_of,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, Resource, TaskFailed

USER_FIELDS = ("user_name", "user_id", "display_name", "email", "mobile_phone", "comments", "create_date",
               "update_date")
# option -> (CreateUser parameter, UpdateUser parameter)
USER_ATTRIBUTES = {
    "display_name": ("DisplayName", "NewDisplayName"),
    "email": ("Email", "NewEmail"),
    "mobile_phone": ("MobilePhone", "NewMobilePhone"),
    "comments": ("Comments", "NewComments"),
}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MOBILE_PHONE_RE = re.compile(r"^\d{1,4}-\d{4,20}$")


def get_user(client, name):
    found = client.call("GetUser", ignore=("EntityNotExist.User",), UserName=name)
    return found["User"] if found else None


def user_view(user):
    return view_of(user, USER_FIELDS)


# --------------------------------------------------------------------------------------------
# ram_user
# --------------------------------------------------------------------------------------------

def check_user_options(params):
    check_name("user", params["name"], "name")
    check_length("display_name", params["display_name"], 1, limits.RAM_DISPLAY_NAME_MAX)
    check_length("comments", params["comments"], 0, limits.RAM_COMMENTS_MAX)
    if params["email"] and not EMAIL_RE.match(params["email"]):
        raise InputError("email %r is not an e-mail address." % params["email"], option="email")
    if params["mobile_phone"] and not MOBILE_PHONE_RE.match(params["mobile_phone"]):
        raise InputError("mobile_phone must look like <country code>-<number>, e.g. 86-18600000000.",
                         option="mobile_phone")
    for group in params["groups"] or []:
        check_name("group", group, "groups")
    return normalize_policy_specs(params["policies"])


def ensure_user_present(task, client, wanted_policies):
    params = task.params
    name = params["name"]
    current = get_user(client, name)
    wanted = dict((opt, params[opt]) for opt in USER_ATTRIBUTES if params[opt] is not None)
    changed = current is None
    if current is None:
        before_user, after_user = {}, dict(user_name=name, **wanted)
        if not task.check_mode:
            create = dict((USER_ATTRIBUTES[opt][0], value) for opt, value in wanted.items())
            created = client.call("CreateUser", ignore=("EntityAlreadyExists.User",), UserName=name, **create)
            # None: a retried request had created it already
            after_user = user_view(created["User"] if created else get_user(client, name))
    else:
        before_user = user_view(current)
        updates = dict((USER_ATTRIBUTES[opt][1], value) for opt, value in wanted.items()
                       if before_user.get(opt) != value)
        after_user = dict(before_user, **wanted)
        if updates:
            changed = True
            if not task.check_mode:
                after_user = user_view(client.call("UpdateUser", UserName=name, **updates)["User"])

    exists = current is not None  # a user created just now has nothing attached: nothing to list
    policies_changed, policies_before, policies_after = reconcile_policy_attachments(
        client, "user", name, wanted_policies, params["purge_policies"], task.check_mode, exists=exists)
    groups_changed, groups_before, groups_after = reconcile_user_groups(
        client, name, params["groups"], params["purge_groups"], task.check_mode, exists=exists)
    before, after = dict(before_user), dict(after_user)
    if wanted_policies is not None:
        before["policies"], after["policies"] = policies_before, policies_after
    if params["groups"] is not None:
        before["groups"], after["groups"] = groups_before, groups_after
    if current is None:
        before = {}
    return changed or policies_changed or groups_changed, before, after, current is None


def delete_user_dependents(client, name):
    """Everything RAM refuses to delete a user with, in Terraform's order."""
    for key in list_access_keys(client, name):
        client.call("DeleteAccessKey", ignore=("EntityNotExist.User.AccessKey",), UserName=name,
                    UserAccessKeyId=key["AccessKeyId"])
    apply_policy_attachments(client, "user", name, [], list_attached_policies(client, "user", name))
    for group in list_groups_for_user(client, name):
        client.call("RemoveUserFromGroup", ignore=("EntityNotExist.User.Group",), UserName=name, GroupName=group)
    client.call("DeleteLoginProfile", ignore=("EntityNotExist.User.LoginProfile",), UserName=name)
    mfa = client.call("GetUserMFAInfo", ignore=("EntityNotExist.User.MFADevice",), UserName=name)
    if mfa and mfa.get("MFADevice"):
        client.call("UnbindMFADevice", ignore=("EntityNotExist.User.MFADevice",), UserName=name)
        client.call("DeleteVirtualMFADevice", ignore=("EntityNotExist.VirtualMFADevice",),
                    SerialNumber=mfa["MFADevice"]["SerialNumber"])


def ensure_user_absent(task, client):
    name = task.params["name"]
    current = get_user(client, name)
    if current is None:
        return False, {}, {}
    if not task.check_mode:
        if task.params["force"]:
            delete_user_dependents(client, name)
        try:
            client.call("DeleteUser", ignore=("EntityNotExist.User",), UserName=name)
        except RamError as error:
            if not code_matches(error.code, ("DeleteConflict.User.*",)):
                raise
            raise TaskFailed("User %s still has %s attached (%s); remove it first or set force: true."
                             % (name, error.code.split(".", 2)[2], error.code), error=error.as_dict())
    return True, user_view(current), {}


def run_user(task):
    wanted_policies = check_user_options(task.params)
    client = task.clients.ram
    if task.params["state"] == "present":
        changed, before, after, created = ensure_user_present(task, client, wanted_policies)
        # created: the user did not exist before this task (it has no keys, groups or policies of before)
        return task.result(changed, "user", before, after, created=created)
    changed, before, after = ensure_user_absent(task, client)
    return task.result(changed, "user", before, after, created=False)


USER = Resource(
    "ram_user",
    dict(
        name=dict(type="str", required=True, aliases=["user_name"]),
        display_name=dict(type="str"),
        email=dict(type="str"),
        mobile_phone=dict(type="str"),
        comments=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        force=dict(type="bool", default=False),
        policies=policy_option(),
        purge_policies=dict(type="bool", default=False),
        groups=dict(type="list", elements="str"),
        purge_groups=dict(type="bool", default=False),
    ),
    run_user,
    services=("ram",),
)


# --------------------------------------------------------------------------------------------
# ram_user_info
# --------------------------------------------------------------------------------------------

def run_user_info(task):
    params = task.params
    check_name("user", params["name"], "name")
    check_name("group", params["group_name"], "group_name")
    client = task.clients.ram
    if params["group_name"] and not params["name"]:
        users = named_or_all(client, None, get_user, "ListUsersForGroup", "UserName", params["name_prefix"],
                             GroupName=params["group_name"])
    else:
        users = named_or_all(client, params["name"], get_user, "ListUsers", "UserName", params["name_prefix"])
    if params["group_name"] and params["name"]:
        users = [u for u in users if params["group_name"] in list_groups_for_user(client, u["UserName"])]
    result = []
    for user in users:
        view = snake(user)
        if params["include_attachments"]:
            view["policies"] = list_attached_policies(client, "user", user["UserName"])
            view["groups"] = list_groups_for_user(client, user["UserName"])
        result.append(view)
    return dict(changed=False, users=result)


USER_INFO = Resource(
    "ram_user_info",
    dict(
        name=dict(type="str", aliases=["user_name"]),
        group_name=dict(type="str"),
        name_prefix=dict(type="str"),
        include_attachments=dict(type="bool", default=False),
    ),
    run_user_info,
    services=("ram",),
)
