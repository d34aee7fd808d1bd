#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_policy_attachment
short_description: Attach or detach RAM policies to a user, a group or a role
version_added: 1.0.0
description:
  - Attaches System or Custom policies to one RAM user, group or role, or detaches them.
  - With O(purge=true) the list is exclusive - policies not listed are detached.
  - Policy names are case-sensitive; a name that differs only in case from an existing policy fails
    with a hint naming it, and an unknown name fails before anything is changed.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  user_name:
    description: The user the policies are attached to.
    type: str
  group_name:
    description: The group the policies are attached to.
    type: str
  role_name:
    description: The role the policies are attached to.
    type: str
  policies:
    description:
      - Policies to attach (or detach). Each item is a policy name, whose type (System or Custom) is
        looked up, or a dict with C(name) and C(type).
    type: list
    elements: raw
    required: true
  state:
    description: V(present) attaches, V(absent) detaches.
    type: str
    choices: [present, absent]
    default: present
  purge:
    description: With O(state=present), detach every policy that is not listed in O(policies).
    type: bool
    default: false
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
"""

EXAMPLES = r"""
- name: The marketplace user gets the whole catalog
  cloudbroker.alibaba.ram_policy_attachment:
    user_name: marketplace-broker
    policies: [AdministratorAccess]

- name: A group carries exactly these policies
  cloudbroker.alibaba.ram_policy_attachment:
    group_name: cloud-brokers
    policies:
      - AliyunECSFullAccess
      - AliyunOSSFullAccess
      - {name: broker-extra, type: Custom}
    purge: true

- name: Take a policy away
  cloudbroker.alibaba.ram_policy_attachment:
    user_name: marketplace-broker
    policies: [AdministratorAccess]
    state: absent
"""

RETURN = r"""
policy_attachment:
  description: The principal and the policies attached to it after the run (predicted in check mode).
  returned: always
  type: dict
  contains:
    principal_type:
      description: V(user), V(group) or V(role).
      type: str
      sample: user
    principal_name:
      description: Name of the user, group or role.
      type: str
      sample: marketplace-broker
    policies:
      description: Attached policies, sorted by name.
      type: list
      elements: dict
      sample: [{"name": "AdministratorAccess", "type": "System"}]
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_ram import (
    PRINCIPALS,
    RamError,
    RamModule,
    list_attached_policies,
    normalize_policy_specs,
    policy_key,
    policy_spec_argument,
    reconcile_policy_attachments,
    validate_group_name,
    validate_user_name,
)


def principal(module):
    for kind in ("user", "group", "role"):
        if module.params[kind + "_name"]:
            return kind, module.params[kind + "_name"]
    raise AssertionError("required_one_of guarantees a principal")


def require_principal(client, kind, name):
    param, suffix, missing = PRINCIPALS[kind]
    if client.get("Get" + suffix, missing, **{param: name}) is None:
        raise RamError("Get" + suffix, code=missing, message="%s %r does not exist" % (kind, name))


def detach(module, client, kind, name, specs):
    param, suffix, _missing = PRINCIPALS[kind]
    current = list_attached_policies(client, kind, name)
    to_detach = [p for p in current if any(p["name"] == s["name"] and s["type"] in (None, p["type"]) for s in specs)]
    if not module.check_mode:
        for policy in to_detach:
            try:
                client.call("DetachPolicyFrom" + suffix, PolicyName=policy["name"], PolicyType=policy["type"],
                            **{param: name})
            except RamError as error:
                if error.code != "EntityNotExist.%s.Policy" % suffix:
                    raise
    return bool(to_detach), current, sorted((p for p in current if p not in to_detach), key=policy_key)


def run_module(module):
    kind, name = principal(module)
    if kind == "user":
        validate_user_name(module, name)
    elif kind == "group":
        validate_group_name(module, name)
    specs = normalize_policy_specs(module, module.params["policies"])
    client = module.ram
    require_principal(client, kind, name)
    if module.params["state"] == "present":
        changed, before, after = reconcile_policy_attachments(
            client, kind, name, specs, module.params["purge"], module.check_mode)
    else:
        changed, before, after = detach(module, client, kind, name, specs)
    result = dict(changed=changed, policy_attachment=dict(principal_type=kind, principal_name=name, policies=after))
    if module._diff:
        result["diff"] = dict(before=dict(policies=before), after=dict(policies=after))
    return result


def main():
    module = RamModule(
        argument_spec=dict(
            user_name=dict(type="str"),
            group_name=dict(type="str"),
            role_name=dict(type="str"),
            policies=dict(policy_spec_argument(), required=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            purge=dict(type="bool", default=False),
        ),
        required_one_of=[["user_name", "group_name", "role_name"]],
        mutually_exclusive=[["user_name", "group_name", "role_name"]],
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
