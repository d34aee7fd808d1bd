# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RAM roles: ``ram_role`` (the role, its trust policy and its policies in one run) and ``ram_role_info``.

May touch: the role (CreateRole, UpdateRole, DeleteRole) and its policy attachments (AttachPolicyToRole,
DetachPolicyFromRole; on deletion every attachment is detached first, as RAM refuses to delete a role
that still has policies).

The trust policy (``AssumeRolePolicyDocument``) is compared by meaning, not by text: key order, white
space, a single value against a one-item list, and the order of list items and statements never make
a change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.attachments import (
    apply_policy_attachments,
    list_attached_policies,
    normalize_policy_specs,
    policy_option,
    reconcile_policy_attachments,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.listing import named_or_all
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.names import check_length, check_name
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, Resource

SESSION_DURATION_RANGE = (3600, 43200)
DESCRIPTION_MAX = 1024
TRUST_POLICY_MAX = 4096  # characters of the compact JSON (RAM: 4096 bytes for a trust policy)
# Elements whose value is a string or a list of strings, in which order and repetition mean nothing.
SET_ELEMENTS = ("Action", "NotAction", "Resource", "NotResource")
STATEMENT_ELEMENTS = frozenset(["Effect", "Action", "NotAction", "Principal", "Condition", "Resource",
                                "NotResource", "Sid"])
PRINCIPAL_KINDS = ("RAM", "Service", "Federated")


# --------------------------------------------------------------------------------------------
# trust policy: parse, check, compare
# --------------------------------------------------------------------------------------------

def _as_set(value):
    values = [value] if isinstance(value, str) else list(value or [])
    return sorted(set(values))


def canonical_trust_policy(document):
    """The trust policy with every order and single-vs-list difference taken out (for comparison only)."""
    statements = []
    for statement in document.get("Statement") or []:
        canonical = {}
        for key, value in statement.items():
            if key in SET_ELEMENTS:
                canonical[key] = _as_set(value)
            elif key == "Principal" and isinstance(value, dict):
                canonical[key] = dict((kind, _as_set(ids)) for kind, ids in value.items())
            elif key == "Condition" and isinstance(value, dict):
                canonical[key] = dict((operator, dict((name, _as_set(v)) for name, v in (pairs or {}).items()))
                                      for operator, pairs in value.items())
            else:
                canonical[key] = value
        statements.append(canonical)
    result = dict((key, value) for key, value in document.items() if key != "Statement")
    result["Statement"] = sorted(statements, key=lambda s: json.dumps(s, sort_keys=True))
    return result


def same_trust_policy(left, right):
    return (json.dumps(canonical_trust_policy(left), sort_keys=True)
            == json.dumps(canonical_trust_policy(right), sort_keys=True))


def parse_trust_policy(value, option="trust_policy"):
    """A dict or a JSON text -> the policy dict; raises ``InputError`` naming ``option`` for anything else."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise InputError("%s is not valid JSON: %s." % (option, exc), option=option)
    if not isinstance(value, dict):
        raise InputError("%s must be a dict (or its JSON text) with Version and Statement, got %s."
                         % (option, type(value).__name__), option=option)
    statements = value.get("Statement")
    if not isinstance(statements, list) or not statements:
        raise InputError("%s must have a non-empty Statement list." % option, option=option)
    for index, statement in enumerate(statements):
        where = "%s: Statement[%d]" % (option, index)
        if not isinstance(statement, dict):
            raise InputError("%s must be a dict." % where, option=option)
        unknown = sorted(set(statement) - STATEMENT_ELEMENTS)
        if unknown:
            raise InputError("%s has unknown element(s) %s; allowed: %s." % (
                where, ", ".join(unknown), ", ".join(sorted(STATEMENT_ELEMENTS))), option=option)
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise InputError("%s: Effect must be Allow or Deny." % where, option=option)
        if not statement.get("Action"):
            raise InputError("%s needs an Action (sts:AssumeRole for a trust policy)." % where, option=option)
        principal = statement.get("Principal")
        if not isinstance(principal, dict) or not principal or set(principal) - set(PRINCIPAL_KINDS):
            raise InputError("%s: Principal must be a dict with RAM, Service and/or Federated, e.g. "
                             "{RAM: ['acs:ram::<account id>:root']}." % where, option=option)
    if len(json.dumps(value, separators=(",", ":"))) > TRUST_POLICY_MAX:
        raise InputError("%s is longer than %d characters as compact JSON." % (option, TRUST_POLICY_MAX),
                         option=option)
    return value


def _text(document):
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


# --------------------------------------------------------------------------------------------
# reads and the one view of a role
# --------------------------------------------------------------------------------------------

def get_role(client, name):
    found = client.call("GetRole", ignore=("EntityNotExist.Role",), RoleName=name)
    return found["Role"] if found else None


def role_view(role, policies=None):
    """The snake_case view of a RAM role (GetRole or ListRoles item); the trust policy as a dict."""
    view = dict(role_name=role.get("RoleName"), role_id=role.get("RoleId"), arn=role.get("Arn"),
                description=role.get("Description") or "", max_session_duration=role.get("MaxSessionDuration"),
                create_date=role.get("CreateDate"), update_date=role.get("UpdateDate"))
    document = role.get("AssumeRolePolicyDocument")
    if document:
        view["trust_policy"] = json.loads(document) if isinstance(document, str) else document
    if policies is not None:
        view["policies"] = policies
    return dict((key, value) for key, value in view.items() if value is not None)


# --------------------------------------------------------------------------------------------
# ram_role
# --------------------------------------------------------------------------------------------

def check_role_options(params):
    check_name("role", params["name"], "name")
    check_length("description", params["description"], 0, DESCRIPTION_MAX)
    duration = params["max_session_duration"]
    if duration is not None and not SESSION_DURATION_RANGE[0] <= duration <= SESSION_DURATION_RANGE[1]:
        raise InputError("max_session_duration must be between %d and %d seconds, got %d."
                         % (SESSION_DURATION_RANGE + (duration,)), option="max_session_duration")
    trust = None
    if params["trust_policy"] is not None:
        trust = parse_trust_policy(params["trust_policy"])
    return trust, normalize_policy_specs(params["policies"])


def plan_role_update(current, trust, params):
    """UpdateRole parameters for what differs (``{}``: nothing)."""
    updates = {}
    current_trust = json.loads(current.get("AssumeRolePolicyDocument") or "{}")
    if trust is not None and not same_trust_policy(current_trust, trust):
        updates["NewAssumeRolePolicyDocument"] = _text(trust)
    if params["description"] is not None and params["description"] != (current.get("Description") or ""):
        updates["NewDescription"] = params["description"]
    duration = params["max_session_duration"]
    if duration is not None and duration != current.get("MaxSessionDuration"):
        updates["NewMaxSessionDuration"] = duration
    return updates


def ensure_role_present(task, client, trust, wanted_policies):
    params = task.params
    name = params["name"]
    current = get_role(client, name)
    if current is None:
        if trust is None:
            raise InputError("trust_policy is required to create role %s (it does not exist yet)." % name,
                             option="trust_policy")
        before = {}
        after = dict(role_name=name, trust_policy=trust, description=params["description"] or "",
                     max_session_duration=params["max_session_duration"] or SESSION_DURATION_RANGE[0])
        changed = True
        if not task.check_mode:
            created = client.call("CreateRole", ignore=("EntityAlreadyExists.Role",), RoleName=name,
                                  AssumeRolePolicyDocument=_text(trust), Description=params["description"],
                                  MaxSessionDuration=params["max_session_duration"])
            after = role_view(get_role(client, name) if created is None else created["Role"])
    else:
        before = role_view(current)
        updates = plan_role_update(current, trust, params)
        changed = bool(updates)
        after = dict(before)
        if "NewAssumeRolePolicyDocument" in updates:
            after["trust_policy"] = trust
        if "NewDescription" in updates:
            after["description"] = updates["NewDescription"]
        if "NewMaxSessionDuration" in updates:
            after["max_session_duration"] = updates["NewMaxSessionDuration"]
        if updates and not task.check_mode:
            after = role_view(client.call("UpdateRole", RoleName=name, **updates)["Role"])

    policies_changed, policies_before, policies_after = reconcile_policy_attachments(
        client, "role", name, wanted_policies, params["purge_policies"], task.check_mode,
        exists=current is not None)
    if wanted_policies is not None:
        after["policies"] = policies_after
        if current is not None:
            before["policies"] = policies_before
    return changed or policies_changed, before, after


def ensure_role_absent(task, client):
    name = task.params["name"]
    current = get_role(client, name)
    if current is None:
        return False, {}, {}
    policies = list_attached_policies(client, "role", name)
    if not task.check_mode:
        # RAM refuses to delete a role with attachments (DeleteConflict.Role.Policy)
        apply_policy_attachments(client, "role", name, [], policies)
        client.call("DeleteRole", ignore=("EntityNotExist.Role",), RoleName=name)
    return True, role_view(current, policies), {}


def run_role(task):
    trust, wanted_policies = check_role_options(task.params)
    client = task.clients.ram
    if task.params["state"] == "present":
        changed, before, after = ensure_role_present(task, client, trust, wanted_policies)
    else:
        changed, before, after = ensure_role_absent(task, client)
    return task.result(changed, "role", before, after)


ROLE = Resource(
    "ram_role",
    dict(
        name=dict(type="str", required=True, aliases=["role_name"]),
        trust_policy=dict(type="raw", aliases=["assume_role_policy_document"]),
        description=dict(type="str"),
        max_session_duration=dict(type="int"),
        policies=policy_option(),
        purge_policies=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    ),
    run_role,
    services=("ram",),
)


# --------------------------------------------------------------------------------------------
# ram_role_info
# --------------------------------------------------------------------------------------------

def run_role_info(task):
    params = task.params
    check_name("role", params["name"], "name")
    client = task.clients.ram
    result = []
    for role in named_or_all(client, params["name"], get_role, "ListRoles", "RoleName", params["name_prefix"]):
        policies = list_attached_policies(client, "role", role["RoleName"]) if params["include_attachments"] else None
        result.append(role_view(role, policies))
    return dict(changed=False, roles=result)


ROLE_INFO = Resource(
    "ram_role_info",
    dict(
        name=dict(type="str", aliases=["role_name"]),
        name_prefix=dict(type="str"),
        include_attachments=dict(type="bool", default=False),
    ),
    run_role_info,
    services=("ram",),
    mutually_exclusive=[["name", "name_prefix"]],
)
