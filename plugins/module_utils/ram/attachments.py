# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What hangs on a principal: attached policies (users, groups, roles) and group memberships (users).

Each reconciler follows the collection's shape: read, plan (``plan_*``, which also validates every wanted
item, so an unknown policy or group fails before the first change), apply unless in check mode, and
return ``(changed, before, after)``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudbroker.alibaba.plugins.module_utils import limits
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.names import NAME_RULES
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError

PRINCIPALS = {
    # kind: (parameter name, action suffix)
    "user": ("UserName", "User"),
    "group": ("GroupName", "Group"),
    "role": ("RoleName", "Role"),
}
POLICY_TYPES = limits.RAM_POLICY_TYPES


def policy_option():
    """The spec of a ``policies`` option: names, or dicts with ``name`` and ``type``."""
    return dict(type="list", elements="raw")


def normalize_policy_specs(specs, option="policies"):
    """``["AdministratorAccess", {"name": "x", "type": "Custom"}]`` -> ``[{"name", "type"}]`` (type may be None).

    Raises ``InputError`` naming ``option`` for anything else.
    """
    if specs is None:
        return None
    pattern, rules = NAME_RULES["policy"]
    result = []
    for spec in specs:
        if isinstance(spec, dict):
            unknown = set(spec) - set(["name", "type", "policy_name", "policy_type"])
            name = spec.get("name") or spec.get("policy_name")
            policy_type = spec.get("type") or spec.get("policy_type")
        else:
            unknown, name, policy_type = set(), spec, None
        if unknown or not isinstance(name, str):
            raise InputError("%s: each item must be a policy name or a dict with 'name' and optional 'type' "
                             "(System or Custom); got %r" % (option, spec), option=option)
        if policy_type is not None and policy_type not in POLICY_TYPES:
            raise InputError("%s: policy type of %r must be System or Custom, got %r" % (option, name, policy_type),
                             option=option)
        if not pattern.match(name):
            raise InputError("%s: invalid policy name %r: %s." % (option, name, rules), option=option)
        result.append(dict(name=name, type=policy_type))
    return result


def policy_key(policy):
    return (policy["name"], policy["type"] or "")


def list_attached_policies(client, kind, name):
    """``[{"name", "type"}]`` attached to a user/group/role, sorted by name."""
    param, suffix = PRINCIPALS[kind]
    page = client.call("ListPoliciesFor" + suffix, **{param: name})
    policies = (page.get("Policies") or {}).get("Policy") or []
    return sorted((dict(name=p["PolicyName"], type=p["PolicyType"]) for p in policies), key=policy_key)


def resolve_policy_type(client, policy):
    """Find whether a policy is System or Custom (it must exist); an unknown name gets a case hint."""
    types = [policy["type"]] if policy["type"] else list(POLICY_TYPES)
    for policy_type in types:
        if client.call("GetPolicy", ignore=("EntityNotExist.Policy",), PolicyName=policy["name"],
                       PolicyType=policy_type):
            return dict(name=policy["name"], type=policy_type)
    hint = ""
    for policy_type in types:
        for existing in client.paginate("ListPolicies", "Policies", "Policy", PolicyType=policy_type):
            if existing["PolicyName"].lower() == policy["name"].lower():
                hint = " Policy names are case-sensitive: did you mean %r (%s)?" % (existing["PolicyName"], policy_type)
                break
        if hint:
            break
    raise RamError("GetPolicy", code="EntityNotExist.Policy",
                   message="policy %r (%s) does not exist.%s" % (policy["name"], " or ".join(types), hint))


def _matches(policy, spec):
    return policy["name"] == spec["name"] and spec["type"] in (None, policy["type"])


def plan_policy_attachments(client, current, wanted, purge):
    """``(to_attach, to_detach)`` for ``wanted`` specs against the ``current`` attachments."""
    to_attach = []
    for spec in wanted:
        if not any(_matches(p, spec) for p in current) and not any(_matches(p, spec) for p in to_attach):
            resolved = resolve_policy_type(client, spec)
            if resolved not in to_attach:
                to_attach.append(resolved)
    to_detach = [p for p in current if not any(_matches(p, s) for s in wanted)] if purge else []
    return to_attach, to_detach


def reconcile_policy_attachments(client, kind, name, wanted, purge, check_mode, exists=True):
    """Attach ``wanted`` (with ``purge``, detach the rest); ``(changed, before, after)``.

    ``exists=False``: the principal is about to be created (check mode), so nothing is attached yet.
    ``wanted=None``: attachments are not managed.
    """
    if wanted is None:
        return False, None, None
    current = list_attached_policies(client, kind, name) if exists else []
    to_attach, to_detach = plan_policy_attachments(client, current, wanted, purge)
    if not check_mode:
        apply_policy_attachments(client, kind, name, to_attach, to_detach)
    return bool(to_attach or to_detach), current, attached_after(current, to_attach, to_detach)


def attached_after(current, to_attach, to_detach):
    """The attachments once a plan is applied, sorted by name."""
    return sorted([p for p in current if p not in to_detach] + to_attach, key=policy_key)


def apply_policy_attachments(client, kind, name, to_attach, to_detach):
    """Carry out a plan of ``plan_policy_attachments`` (for a caller that plans every part before any change)."""
    param, suffix = PRINCIPALS[kind]
    for policy in to_detach:  # detached meanwhile: the goal is met
        client.call("DetachPolicyFrom" + suffix, ignore=("EntityNotExist.%s.Policy*" % suffix,),
                    PolicyName=policy["name"], PolicyType=policy["type"], **{param: name})
    for policy in to_attach:  # attached meanwhile (or by a retried request): the goal is met
        client.call("AttachPolicyTo" + suffix, ignore=("EntityAlreadyExists.%s.Policy" % suffix,),
                    PolicyName=policy["name"], PolicyType=policy["type"], **{param: name})


def list_groups_for_user(client, user_name):
    page = client.call("ListGroupsForUser", UserName=user_name)
    return sorted(g["GroupName"] for g in (page.get("Groups") or {}).get("Group") or [])


def reconcile_user_groups(client, user_name, wanted, purge, check_mode, exists=True):
    """Put the user in the ``wanted`` groups (with ``purge``, take it out of the others)."""
    if wanted is None:
        return False, None, None
    current = list_groups_for_user(client, user_name) if exists else []
    to_add = [g for g in dict.fromkeys(wanted) if g not in current]
    to_remove = [g for g in current if g not in wanted] if purge else []
    missing = [g for g in to_add if client.call("GetGroup", ignore=("EntityNotExist.Group",), GroupName=g) is None]
    if missing:
        raise RamError("GetGroup", code="EntityNotExist.Group",
                       message="group(s) %s do not exist; create them first (cloudbroker.alibaba.ram_group)"
                       % ", ".join(missing))
    if not check_mode:
        for group in to_remove:
            client.call("RemoveUserFromGroup", ignore=("EntityNotExist.User.Group",), GroupName=group,
                        UserName=user_name)
        for group in to_add:
            client.call("AddUserToGroup", ignore=("EntityAlreadyExists.User.Group",), GroupName=group,
                        UserName=user_name)
    after = sorted(set(current) - set(to_remove) | set(to_add))
    return bool(to_add or to_remove), current, after
