#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_user
short_description: Manage an Alibaba Cloud RAM user, its policies and its groups
version_added: 1.0.0
description:
  - Creates, updates or deletes a RAM user (Resource Access Management, Alibaba Cloud's IAM).
  - Optionally reconciles, in the same run, the policies attached to the user and the groups it belongs
    to, so that an onboarding spends one module run where three would otherwise be needed.
  - Options that are not set leave the current value alone.
  - Access keys, console login, and MFA have their own modules
    (M(cloudbroker.alibaba.ram_access_key), M(cloudbroker.alibaba.ram_login_profile),
    M(cloudbroker.alibaba.ram_user_mfa)).
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  name:
    description:
      - Logon name of the user; 1-64 characters, letters, digits, C(.), C(_) or C(-).
    type: str
    required: true
    aliases: [user_name]
  display_name:
    description: Display name; 1-128 characters.
    type: str
  email:
    description: E-mail address of the user.
    type: str
  mobile_phone:
    description: Mobile phone number as C(<country code>-<number>), for example C(86-18600000000).
    type: str
  comments:
    description: Free text, up to 128 characters.
    type: str
  state:
    description:
      - V(present) creates or updates the user; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), first remove everything that keeps RAM from deleting the user, in the
        order Terraform uses - access keys, policy attachments, group memberships, console login
        profile, MFA device (unbound and deleted).
      - Without it, deleting a user that still has any of these fails with RAM's C(DeleteConflict) error.
    type: bool
    default: false
  policies:
    description:
      - Policies that must be attached to the user. Each item is a policy name (its type, System or
        Custom, is looked up) or a dict with C(name) and C(type).
      - Policy names are case-sensitive (C(AdministratorAccess), not C(administratoraccess)); an unknown
        name fails with a hint naming the policy that differs only in case.
      - Not set means policies are not managed.
    type: list
    elements: raw
  purge_policies:
    description: Detach policies that are not listed in O(policies).
    type: bool
    default: false
  groups:
    description:
      - Groups the user must belong to (they must exist). Not set means memberships are not managed.
    type: list
    elements: str
  purge_groups:
    description: Remove the user from groups that are not listed in O(groups).
    type: bool
    default: false
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
"""

EXAMPLES = r"""
- name: A dedicated RAM user for the marketplace, with full access
  cloudbroker.alibaba.ram_user:
    name: marketplace-broker
    display_name: Cloud broker marketplace
    comments: Managed by Ansible - used by the cloud broker only
    policies:
      - AdministratorAccess

- name: Least privilege instead, exclusively (other policies are detached)
  cloudbroker.alibaba.ram_user:
    name: marketplace-broker
    policies:
      - AliyunECSFullAccess
      - AliyunOSSFullAccess
      - name: broker-extra
        type: Custom
    purge_policies: true

- name: Membership in groups that carry the policies
  cloudbroker.alibaba.ram_user:
    name: marketplace-broker
    groups: [cloud-brokers]
    purge_groups: true

- name: Delete the user and everything that hangs on it
  cloudbroker.alibaba.ram_user:
    name: marketplace-broker
    state: absent
    force: true

- name: Use module_defaults for authentication and the endpoint
  module_defaults:
    group/cloudbroker.alibaba.ram:
      ram_endpoint: http://127.0.0.1:18765
  cloudbroker.alibaba.ram_user:
    name: marketplace-broker
"""

RETURN = r"""
user:
  description: The user as it is after the run (as it would be, in check mode). Empty after deletion.
  returned: always
  type: dict
  contains:
    user_name:
      description: Logon name.
      type: str
      sample: marketplace-broker
    user_id:
      description: Numeric ID of the user (absent in check mode before creation).
      type: str
      sample: "222748924538****"
    display_name:
      description: Display name.
      type: str
    email:
      description: E-mail address.
      type: str
    mobile_phone:
      description: Mobile phone number.
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
    policies:
      description: Policies attached to the user (only when O(policies) is set).
      type: list
      elements: dict
      returned: when O(policies) is set
      sample: [{"name": "AdministratorAccess", "type": "System"}]
    groups:
      description: Groups of the user (only when O(groups) is set).
      type: list
      elements: str
      returned: when O(groups) is set
      sample: [cloud-brokers]
"""

import re

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import (
    RamError,
    RamModule,
    get_user,
    list_access_keys,
    list_attached_policies,
    list_groups_for_user,
    normalize_policy_specs,
    policy_spec_argument,
    reconcile_policy_attachments,
    reconcile_user_groups,
    snake,
    validate_user_name,
)

# module option -> (CreateUser parameter, UpdateUser parameter)
ATTRIBUTES = {
    "display_name": ("DisplayName", "NewDisplayName"),
    "email": ("Email", "NewEmail"),
    "mobile_phone": ("MobilePhone", "NewMobilePhone"),
    "comments": ("Comments", "NewComments"),
}
USER_FIELDS = ("user_name", "user_id", "display_name", "email", "mobile_phone", "comments", "create_date",
               "update_date")


def validate(module):
    params = module.params
    validate_user_name(module, params["name"])
    if params["display_name"] is not None and not 1 <= len(params["display_name"]) <= 128:
        module.fail_json(msg="display_name must be 1-128 characters long.")
    if params["comments"] is not None and len(params["comments"]) > 128:
        module.fail_json(msg="comments must be at most 128 characters long.")
    if params["email"] and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", params["email"]):
        module.fail_json(msg="email %r is not an e-mail address." % params["email"])
    if params["mobile_phone"] and not re.match(r"^\d{1,4}-\d{4,20}$", params["mobile_phone"]):
        module.fail_json(msg="mobile_phone must look like <country code>-<number>, e.g. 86-18600000000.")
    return normalize_policy_specs(module, params["policies"])


def user_view(user):
    view = snake(user)
    return dict((k, view[k]) for k in USER_FIELDS if view.get(k) not in (None, ""))


def ensure_present(module, client, wanted_policies):
    params = module.params
    name = params["name"]
    current = get_user(client, name)
    wanted = dict((opt, params[opt]) for opt in ATTRIBUTES if params[opt] is not None)
    changed = False
    if current is None:
        changed = True
        after_user = dict(user_name=name, **wanted)
        if not module.check_mode:
            create = dict((ATTRIBUTES[opt][0], value) for opt, value in wanted.items())
            try:
                after_user = user_view(client.call("CreateUser", UserName=name, **create)["User"])
            except RamError as error:
                if error.code != "EntityAlreadyExists.User":  # created by a retried request
                    raise
                after_user = user_view(get_user(client, name))
        before_user = {}
    else:
        before_user = user_view(current)
        updates = dict((ATTRIBUTES[opt][1], value) for opt, value in wanted.items() if before_user.get(opt) != value)
        after_user = dict(before_user, **wanted)
        if updates:
            changed = True
            if not module.check_mode:
                after_user = user_view(client.call("UpdateUser", UserName=name, **updates)["User"])

    exists = current is not None  # a user created just now has no attachments yet: nothing to list
    pol_changed, pol_before, pol_after = reconcile_policy_attachments(
        client, "user", name, wanted_policies, params["purge_policies"], module.check_mode, exists=exists)
    grp_changed, grp_before, grp_after = reconcile_user_groups(
        client, name, params["groups"], params["purge_groups"], module.check_mode, exists=exists)
    before, after = dict(before_user), dict(after_user)
    if wanted_policies is not None:
        before["policies"], after["policies"] = pol_before, pol_after
    if params["groups"] is not None:
        before["groups"], after["groups"] = grp_before, grp_after
    if current is None:
        before = {}
    return changed or pol_changed or grp_changed, before, after


def delete_dependents(module, client, name):
    """Everything RAM refuses to delete a user with, in Terraform's order."""
    for key in list_access_keys(client, name):
        client.call("DeleteAccessKey", UserName=name, UserAccessKeyId=key["AccessKeyId"])
    for policy in list_attached_policies(client, "user", name):
        client.call("DetachPolicyFromUser", UserName=name, PolicyName=policy["name"], PolicyType=policy["type"])
    for group in list_groups_for_user(client, name):
        client.call("RemoveUserFromGroup", UserName=name, GroupName=group)
    try:
        client.call("DeleteLoginProfile", UserName=name)
    except RamError as error:
        if error.code != "EntityNotExist.User.LoginProfile":
            raise
    mfa = client.get("GetUserMFAInfo", "EntityNotExist.User.MFADevice", UserName=name)
    if mfa and mfa.get("MFADevice"):
        client.call("UnbindMFADevice", UserName=name)
        client.call("DeleteVirtualMFADevice", SerialNumber=mfa["MFADevice"]["SerialNumber"])


def ensure_absent(module, client):
    name = module.params["name"]
    current = get_user(client, name)
    if current is None:
        return False, {}, {}
    if not module.check_mode:
        if module.params["force"]:
            delete_dependents(module, client, name)
        try:
            client.call("DeleteUser", UserName=name)
        except RamError as error:
            if error.code and error.code.startswith("DeleteConflict.User."):
                what = error.code.split(".", 2)[2]
                module.fail_json(msg="User %s still has %s attached (%s); remove it first or set force: true."
                                     % (name, what, error.code), error=error.as_dict())
            raise
    return True, user_view(current), {}


def run_module(module):
    wanted_policies = validate(module)
    client = module.ram
    if module.params["state"] == "present":
        changed, before, after = ensure_present(module, client, wanted_policies)
    else:
        changed, before, after = ensure_absent(module, client)
    result = dict(changed=changed, user=after)
    if module._diff:
        result["diff"] = dict(before=before, after=after)
    return result


def main():
    module = RamModule(
        argument_spec=dict(
            name=dict(type="str", required=True, aliases=["user_name"]),
            display_name=dict(type="str"),
            email=dict(type="str"),
            mobile_phone=dict(type="str"),
            comments=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            force=dict(type="bool", default=False),
            policies=policy_spec_argument(),
            purge_policies=dict(type="bool", default=False),
            groups=dict(type="list", elements="str"),
            purge_groups=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
