# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Policies attached to one user, group or role: ``ram_policy_attachment`` (the reconcilers are shared with
``ram_user`` and ``ram_group`` in ``attachments.py``).

May touch: the principal's policy attachments only (AttachPolicyTo*, DetachPolicyFrom*).

The principal is read first (Get<User|Group|Role>): a principal that does not exist fails the task with
RAM's own ``EntityNotExist.<User|Group|Role>`` before anything else is read or planned. (Whether
``ListPoliciesFor*`` answers that code as well, which would save this read, is not documented.)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.attachments import (
    PRINCIPALS,
    list_attached_policies,
    normalize_policy_specs,
    policy_key,
    policy_option,
    reconcile_policy_attachments,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.names import check_name
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import Resource


def principal_of(params):
    """``(kind, name)`` of the one principal option that is set (the argument spec makes it exactly one)."""
    for kind in ("user", "group", "role"):
        if params[kind + "_name"]:
            return kind, params[kind + "_name"]
    raise AssertionError("required_one_of guarantees a principal")


def require_principal(client, kind, name):
    """Get<User|Group|Role>; RAM's EntityNotExist.* error propagates."""
    param, suffix = PRINCIPALS[kind]
    client.call("Get" + suffix, **{param: name})


def detach(task, client, kind, name, specs):
    """Detach the policies of ``specs`` that are attached; ``(changed, before, after)``."""
    param, suffix = PRINCIPALS[kind]
    current = list_attached_policies(client, kind, name)
    to_detach = [p for p in current if any(p["name"] == s["name"] and s["type"] in (None, p["type"]) for s in specs)]
    if not task.check_mode:
        for policy in to_detach:  # detached meanwhile: the goal is met
            client.call("DetachPolicyFrom" + suffix, ignore=("EntityNotExist.%s.Policy" % suffix,),
                        PolicyName=policy["name"], PolicyType=policy["type"], **{param: name})
    return bool(to_detach), current, sorted((p for p in current if p not in to_detach), key=policy_key)


def run_policy_attachment(task):
    params = task.params
    kind, name = principal_of(params)
    check_name(kind, name, kind + "_name")
    specs = normalize_policy_specs(params["policies"])
    client = task.clients.ram
    require_principal(client, kind, name)
    if params["state"] == "present":
        changed, before, after = reconcile_policy_attachments(client, kind, name, specs, params["purge"],
                                                              task.check_mode)
    else:
        changed, before, after = detach(task, client, kind, name, specs)
    result = dict(changed=changed, policy_attachment=dict(principal_type=kind, principal_name=name, policies=after))
    if task.diff:
        result["diff"] = dict(before=dict(policies=before), after=dict(policies=after))
    return result


POLICY_ATTACHMENT = Resource(
    "ram_policy_attachment",
    dict(
        user_name=dict(type="str"),
        group_name=dict(type="str"),
        role_name=dict(type="str"),
        policies=dict(policy_option(), required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        purge=dict(type="bool", default=False),
    ),
    run_policy_attachment,
    services=("ram",),
    required_one_of=[["user_name", "group_name", "role_name"]],
    mutually_exclusive=[["user_name", "group_name", "role_name"]],
)
