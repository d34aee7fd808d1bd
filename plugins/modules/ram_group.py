#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_group
short_description: Manage an Alibaba Cloud RAM group, its members and its policies
version_added: 1.0.0
description:
  - Creates, updates or deletes a RAM user group.
  - Optionally reconciles, in the same run, the group's members and the policies attached to it - a
    group created with members and policies needs one run, not two.
  - Every input is checked before the first change - names, the existence of each new member and of
    each policy - so a typo fails without leaving a half-made group behind.
  - Options that are not set leave the current value alone.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  name:
    description: Name of the group; 1-64 characters, letters, digits, C(.), C(_) or C(-).
    type: str
    required: true
    aliases: [group_name]
  comments:
    description: Free text, up to 128 characters.
    type: str
  state:
    description: V(present) creates or updates the group; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), first remove every member from the group and detach every policy from it.
      - Without it, deleting a group that has members or policies fails with RAM's
        C(DeleteConflict.Group.User) or C(DeleteConflict.Group.Policy) error and a hint.
    type: bool
    default: false
  members:
    description:
      - Logon names of the users that must be members of the group. The users must exist; an unknown
        user fails before anything is changed.
      - Not set means memberships are not managed. With O(purge_members=true), V([]) empties the group.
      - A user can belong to at most five groups (RAM's C(LimitExceeded.User.Group)).
    type: list
    elements: str
  purge_members:
    description: Remove the users that are not listed in O(members) from the group.
    type: bool
    default: false
  policies:
    description:
      - Policies that must be attached to the group. Each item is a policy name (its type, System or
        Custom, is looked up) or a dict with C(name) and C(type).
      - Policy names are case-sensitive; an unknown name fails before anything is changed, with a hint
        naming the policy that differs only in case.
      - Not set means policies are not managed.
    type: list
    elements: raw
  purge_policies:
    description: Detach the policies that are not listed in O(policies).
    type: bool
    default: false
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
"""

EXAMPLES = r"""
- name: A group with its members and policies, in one run
  cloudbroker.alibaba.ram_group:
    name: cloud-brokers
    comments: Users of the cloud broker
    members: [marketplace-broker, marketplace-auditor]
    policies:
      - AliyunECSFullAccess
      - {name: broker-extra, type: Custom}

- name: Exactly these members (others are removed)
  cloudbroker.alibaba.ram_group:
    name: cloud-brokers
    members: [marketplace-broker]
    purge_members: true

- name: Delete the group, emptying it first
  cloudbroker.alibaba.ram_group:
    name: cloud-brokers
    state: absent
    force: true
"""

RETURN = r"""
group:
  description: The group as it is after the run (as it would be, in check mode). Empty after deletion.
  returned: always
  type: dict
  contains:
    group_name:
      description: Name of the group.
      type: str
      sample: cloud-brokers
    group_id:
      description: ID of the group (absent in check mode before creation).
      type: str
    comments:
      description: Comments.
      type: str
    create_date:
      description: Creation time (UTC).
      type: str
      sample: "2026-11-23T10:00:00Z"
    update_date:
      description: Last update time (UTC).
      type: str
    members:
      description: Logon names of the members, sorted.
      type: list
      elements: str
      returned: when O(members) is set
      sample: [marketplace-broker]
    policies:
      description: Policies attached to the group, sorted by name.
      type: list
      elements: dict
      returned: when O(policies) is set
      sample: [{"name": "AliyunECSFullAccess", "type": "System"}]
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_ram import (
    RamError,
    RamModule,
    get_group,
    get_user,
    group_view,
    list_attached_policies,
    list_group_members,
    normalize_policy_specs,
    plan_policy_attachments,
    policy_spec_argument,
    reconcile_policy_attachments,
    validate_group_name,
    validate_user_name,
)


def validate(module):
    params = module.params
    validate_group_name(module, params["name"])
    if params["comments"] is not None and len(params["comments"]) > 128:
        module.fail_json(msg="comments must be at most 128 characters long.")
    for member in params["members"] or []:
        validate_user_name(module, member)
    return normalize_policy_specs(module, params["policies"])


def plan_members(current, wanted, purge):
    """``(to_add, to_remove)``: ``wanted`` users missing from ``current``; with ``purge``, the unlisted ones."""
    wanted = list(dict.fromkeys(wanted))
    to_add = [user for user in wanted if user not in current]
    to_remove = [user for user in current if user not in wanted] if purge else []
    return to_add, to_remove


def require_users(client, names):
    missing = [name for name in names if get_user(client, name) is None]
    if missing:
        raise RamError("GetUser", code="EntityNotExist.User",
                       message="user(s) %s do not exist; create them first (cloudbroker.alibaba.ram_user). "
                               "Nothing was changed." % ", ".join(missing))


def apply_members(client, name, to_add, to_remove):
    for user in to_remove:
        try:
            client.call("RemoveUserFromGroup", GroupName=name, UserName=user)
        except RamError as error:
            if error.code != "EntityNotExist.User.Group":  # left meanwhile (or a retried request)
                raise
    for user in to_add:
        try:
            client.call("AddUserToGroup", GroupName=name, UserName=user)
        except RamError as error:
            if error.code != "EntityAlreadyExists.User.Group":
                raise


def ensure_present(module, client, wanted_policies):
    params = module.params
    name = params["name"]
    current = get_group(client, name)
    exists = current is not None

    # Everything is read and checked first: no change is made unless every input is good.
    members = None
    if params["members"] is not None:
        members = list_group_members(client, name) if exists else []
        to_add, to_remove = plan_members(members, params["members"], params["purge_members"])
        require_users(client, to_add)
    plan = None
    if wanted_policies is not None:
        attached = list_attached_policies(client, "group", name) if exists else []
        to_attach, to_detach = plan_policy_attachments(client, attached, wanted_policies, params["purge_policies"])
        plan = (attached, to_attach, to_detach)

    changed = False
    if not exists:
        changed = True
        before_group = {}
        after_group = dict(group_name=name, comments=params["comments"] or "")
        if not module.check_mode:
            try:
                client.call("CreateGroup", GroupName=name, Comments=params["comments"] or None)
            except RamError as error:
                if error.code != "EntityAlreadyExists.Group":  # created by a retried request
                    raise
    else:
        before_group = group_view(current)
        after_group = dict(before_group)
        if params["comments"] is not None and params["comments"] != (current.get("Comments") or ""):
            changed = True
            after_group["comments"] = params["comments"]
            if not module.check_mode:
                client.call("UpdateGroup", GroupName=name, NewComments=params["comments"])
    if changed and not module.check_mode:
        after_group = group_view(get_group(client, name))

    before, after = dict(before_group), dict(after_group)
    if members is not None:
        if to_add or to_remove:
            changed = True
            if not module.check_mode:
                apply_members(client, name, to_add, to_remove)
        before["members"] = members
        after["members"] = sorted(set(members) - set(to_remove) | set(to_add))
    pol_changed, pol_before, pol_after = reconcile_policy_attachments(
        client, "group", name, wanted_policies, params["purge_policies"], module.check_mode, exists=exists, plan=plan)
    if wanted_policies is not None:
        before["policies"], after["policies"] = pol_before, pol_after
    return changed or pol_changed, ({} if not exists else before), after


def conflict_error(name, code, request_id=None, status=None):
    what = "members" if code.endswith(".User") else "policies attached"
    how = "purge_members with members: []" if code.endswith(".User") else "purge_policies with policies: []"
    return RamError("DeleteGroup", code=code, request_id=request_id, status=status,
                    message="group %s still has %s; remove them first (%s) or set force: true." % (name, what, how))


def ensure_absent(module, client):
    name = module.params["name"]
    current = get_group(client, name)
    if current is None:
        return False, {}, {}
    before = group_view(current)
    if module.params["force"] or module.check_mode:
        members = list_group_members(client, name)
        policies = list_attached_policies(client, "group", name)
        if not module.params["force"]:  # check mode predicts the conflict a real run would meet
            if members:
                raise conflict_error(name, "DeleteConflict.Group.User")
            if policies:
                raise conflict_error(name, "DeleteConflict.Group.Policy")
        before.update(members=members, policies=policies)
        if not module.check_mode:
            apply_members(client, name, [], members)
            for policy in policies:
                try:
                    client.call("DetachPolicyFromGroup", GroupName=name, PolicyName=policy["name"],
                                PolicyType=policy["type"])
                except RamError as error:
                    if error.code != "EntityNotExist.Group.Policy":
                        raise
    if not module.check_mode:
        try:
            client.call("DeleteGroup", GroupName=name)
        except RamError as error:
            if error.code in ("DeleteConflict.Group.User", "DeleteConflict.Group.Policy"):
                raise conflict_error(name, error.code, error.request_id, error.status)
            if error.code != "EntityNotExist.Group":  # deleted by a retried request
                raise
    return True, before, {}


def run_module(module):
    wanted_policies = validate(module)
    client = module.ram
    if module.params["state"] == "present":
        changed, before, after = ensure_present(module, client, wanted_policies)
    else:
        changed, before, after = ensure_absent(module, client)
    result = dict(changed=changed, group=after)
    if module._diff:
        result["diff"] = dict(before=before, after=after)
    return result


def main():
    module = RamModule(
        argument_spec=dict(
            name=dict(type="str", required=True, aliases=["group_name"]),
            comments=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            force=dict(type="bool", default=False),
            members=dict(type="list", elements="str"),
            purge_members=dict(type="bool", default=False),
            policies=policy_spec_argument(),
            purge_policies=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
