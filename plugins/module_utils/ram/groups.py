# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RAM groups: ``ram_group`` (the group, its members and its policies in one run) and ``ram_group_info``.

May touch: the group (CreateGroup, UpdateGroup, DeleteGroup), its members (AddUserToGroup,
RemoveUserFromGroup) and the policies attached to it (AttachPolicyToGroup, DetachPolicyFromGroup).
``ram_group`` reads and checks every input (names, each new member, each policy) before its first change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.attachments import (
    apply_policy_attachments,
    attached_after,
    list_attached_policies,
    normalize_policy_specs,
    plan_policy_attachments,
    policy_option,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError, code_matches
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.listing import named_or_all
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.names import check_length, check_name, snake
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import Resource, TaskFailed

GROUP_FIELDS = ("group_name", "group_id", "comments", "create_date", "update_date")
DELETE_CONFLICTS = {
    # code: (what is left, the options that remove it)
    "DeleteConflict.Group.User": ("members", "purge_members with members: []"),
    "DeleteConflict.Group.Policy": ("policies attached", "purge_policies with policies: []"),
}


def get_group(client, name):
    found = client.call("GetGroup", ignore=("EntityNotExist.Group",), GroupName=name)
    return found["Group"] if found else None


def list_group_members(client, name):
    """User names of a group, sorted; every ListUsersForGroup page is read (Marker/IsTruncated)."""
    return sorted(user["UserName"] for user in client.paginate("ListUsersForGroup", "Users", "User", GroupName=name))


def group_view(group, client=None, members=False, policies=False):
    """The one view of a group (both modules): snake_case fields (an empty comment kept), optionally with
    its members and attached policies (read with ``client``)."""
    view = snake(group)
    result = dict((key, view[key]) for key in GROUP_FIELDS if view.get(key) is not None)
    if members:
        result["members"] = list_group_members(client, group["GroupName"])
    if policies:
        result["policies"] = list_attached_policies(client, "group", group["GroupName"])
    return result


# --------------------------------------------------------------------------------------------
# ram_group
# --------------------------------------------------------------------------------------------

def check_group_options(params):
    check_name("group", params["name"], "name")
    check_length("comments", params["comments"], 0, 128)
    for member in params["members"] or []:
        check_name("user", member, "members")
    return normalize_policy_specs(params["policies"])


def plan_members(current, wanted, purge):
    """``(to_add, to_remove)``: ``wanted`` users missing from ``current``; with ``purge``, the unlisted ones."""
    wanted = list(dict.fromkeys(wanted))
    to_add = [user for user in wanted if user not in current]
    to_remove = [user for user in current if user not in wanted] if purge else []
    return to_add, to_remove


def require_users(client, names):
    missing = [name for name in names
               if client.call("GetUser", ignore=("EntityNotExist.User",), UserName=name) is None]
    if missing:
        raise RamError("GetUser", code="EntityNotExist.User",
                       message="user(s) %s do not exist; create them first (cloudbroker.alibaba.ram_user). "
                               "Nothing was changed." % ", ".join(missing))


def apply_members(client, name, to_add, to_remove):
    for user in to_remove:  # left meanwhile (or a retried request): the goal is met
        client.call("RemoveUserFromGroup", ignore=("EntityNotExist.User.Group",), GroupName=name, UserName=user)
    for user in to_add:
        client.call("AddUserToGroup", ignore=("EntityAlreadyExists.User.Group",), GroupName=name, UserName=user)


def plan_group(task, client, current, wanted_policies):
    """Read and check everything before the first change: ``{"members": (current, to_add, to_remove),
    "policies": (current, to_attach, to_detach)}``, a part left out when its option is not set."""
    params = task.params
    name = params["name"]
    exists = current is not None
    plan = {}
    if params["members"] is not None:
        members = list_group_members(client, name) if exists else []
        to_add, to_remove = plan_members(members, params["members"], params["purge_members"])
        require_users(client, to_add)
        plan["members"] = (members, to_add, to_remove)
    if wanted_policies is not None:
        attached = list_attached_policies(client, "group", name) if exists else []
        to_attach, to_detach = plan_policy_attachments(client, attached, wanted_policies, params["purge_policies"])
        plan["policies"] = (attached, to_attach, to_detach)
    return plan


def ensure_group_present(task, client, wanted_policies):
    params = task.params
    name = params["name"]
    current = get_group(client, name)
    plan = plan_group(task, client, current, wanted_policies)

    changed = current is None
    if current is None:
        before = {}
        after = dict(group_name=name, comments=params["comments"] or "")
        if not task.check_mode:  # EntityAlreadyExists: created by a retried request
            client.call("CreateGroup", ignore=("EntityAlreadyExists.Group",), GroupName=name,
                        Comments=params["comments"] or None)
    else:
        before = group_view(current)
        after = dict(before)
        if params["comments"] is not None and params["comments"] != (current.get("Comments") or ""):
            changed = True
            after["comments"] = params["comments"]
            if not task.check_mode:
                client.call("UpdateGroup", GroupName=name, NewComments=params["comments"])
    if changed and not task.check_mode:
        after = group_view(get_group(client, name))

    if "members" in plan:
        members, to_add, to_remove = plan["members"]
        changed = changed or bool(to_add or to_remove)
        if not task.check_mode:
            apply_members(client, name, to_add, to_remove)
        before["members"] = members
        after["members"] = sorted(set(members) - set(to_remove) | set(to_add))
    if "policies" in plan:
        attached, to_attach, to_detach = plan["policies"]
        changed = changed or bool(to_attach or to_detach)
        if not task.check_mode:
            apply_policy_attachments(client, "group", name, to_attach, to_detach)
        before["policies"] = attached
        after["policies"] = attached_after(attached, to_attach, to_detach)
    return changed, ({} if current is None else before), after


def delete_conflict(name, code, error=None):
    """The failure of a group that still has members or policies (``error``: RAM's own refusal, if any)."""
    what, how = DELETE_CONFLICTS[code]
    fields = error.as_dict() if error is not None else dict(action="DeleteGroup", code=code)
    return TaskFailed("DeleteGroup failed: %s: group %s still has %s; remove them first (%s) or set force: true."
                      % (code, name, what, how), error=fields)


def ensure_group_absent(task, client):
    params = task.params
    name = params["name"]
    current = get_group(client, name)
    if current is None:
        return False, {}, {}
    before = group_view(current)
    if params["force"] or task.check_mode:
        members = list_group_members(client, name)
        policies = list_attached_policies(client, "group", name)
        if not params["force"]:  # check mode predicts the conflict a real run would meet
            if members:
                raise delete_conflict(name, "DeleteConflict.Group.User")
            if policies:
                raise delete_conflict(name, "DeleteConflict.Group.Policy")
        before.update(members=members, policies=policies)
        if not task.check_mode:
            apply_members(client, name, [], members)
            apply_policy_attachments(client, "group", name, [], policies)
    if not task.check_mode:
        try:  # EntityNotExist: deleted by a retried request
            client.call("DeleteGroup", ignore=("EntityNotExist.Group",), GroupName=name)
        except RamError as error:
            if not code_matches(error.code, list(DELETE_CONFLICTS)):
                raise
            raise delete_conflict(name, error.code, error)
    return True, before, {}


def run_group(task):
    wanted_policies = check_group_options(task.params)
    client = task.clients.ram
    if task.params["state"] == "present":
        changed, before, after = ensure_group_present(task, client, wanted_policies)
    else:
        changed, before, after = ensure_group_absent(task, client)
    return task.result(changed, "group", before, after)


GROUP = Resource(
    "ram_group",
    dict(
        name=dict(type="str", required=True, aliases=["group_name"]),
        comments=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        force=dict(type="bool", default=False),
        members=dict(type="list", elements="str"),
        purge_members=dict(type="bool", default=False),
        policies=policy_option(),
        purge_policies=dict(type="bool", default=False),
    ),
    run_group,
    services=("ram",),
)


# --------------------------------------------------------------------------------------------
# ram_group_info
# --------------------------------------------------------------------------------------------

def run_group_info(task):
    params = task.params
    check_name("group", params["name"], "name")
    client = task.clients.ram
    groups = named_or_all(client, params["name"], get_group, "ListGroups", "GroupName", params["name_prefix"])
    return dict(changed=False, groups=[
        group_view(group, client, members=params["include_members"], policies=params["include_policies"])
        for group in groups])


GROUP_INFO = Resource(
    "ram_group_info",
    dict(
        name=dict(type="str", aliases=["group_name"]),
        name_prefix=dict(type="str"),
        include_members=dict(type="bool", default=False),
        include_policies=dict(type="bool", default=False),
    ),
    run_group_info,
    services=("ram",),
)
