# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RAM policies: ``ram_policy`` (a custom policy and its versions) and ``ram_policy_info`` (any policy).

May touch: custom policies only (CreatePolicy, UpdatePolicyDescription, CreatePolicyVersion,
DeletePolicyVersion, DeletePolicy); with ``force`` on deletion also the policy's attachments
(DetachPolicyFromUser/Group/Role). The document's grammar and comparison: ``policy_documents.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.attachments import (
    PRINCIPALS,
    apply_policy_attachments,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError, code_matches
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.names import check_length, check_name, snake
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.policy_documents import (
    DocumentError,
    load_document,
    parse_policy_document,
    same_document,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, Resource, TaskFailed

POLICY_FIELDS = ("policy_name", "policy_type", "description", "default_version", "attachment_count", "create_date",
                 "update_date")
MAX_VERSIONS = 5
MAX_DESCRIPTION_LENGTH = 1024


def get_policy(client, name, policy_type):
    """GetPolicy as one dict (``Policy`` with the default version's ``PolicyDocument``), or ``None``."""
    found = client.call("GetPolicy", ignore=("EntityNotExist.Policy",), PolicyName=name, PolicyType=policy_type)
    if not found:
        return None
    policy = dict(found["Policy"])
    document = (found.get("DefaultPolicyVersion") or {}).get("PolicyDocument")
    if document:
        policy["PolicyDocument"] = document
    return policy


def list_versions(client, name, policy_type="Custom"):
    page = client.call("ListPolicyVersions", PolicyName=name, PolicyType=policy_type)
    return (page.get("PolicyVersions") or {}).get("PolicyVersion") or []


def version_number(version_id):
    return int(version_id.lstrip("v") or 0)


def version_view(version):
    return dict(version_id=version["VersionId"], is_default_version=bool(version.get("IsDefaultVersion")),
                create_date=version.get("CreateDate"),
                policy_document=parse_policy_document(version.get("PolicyDocument")))


def policy_view(policy, include_document=True, client=None, versions=False):
    """The one view of a policy (both modules): snake_case fields; the document parsed (a dict), never
    snake-cased; optionally every version (read with ``client``)."""
    view = snake(dict((key, value) for key, value in policy.items() if key != "PolicyDocument"))
    result = dict((key, view[key]) for key in POLICY_FIELDS if view.get(key) is not None)
    if include_document and policy.get("PolicyDocument") is not None:
        result["policy_document"] = parse_policy_document(policy["PolicyDocument"])
    if versions:
        found = list_versions(client, policy["PolicyName"], policy["PolicyType"])
        result["versions"] = [version_view(v) for v in sorted(found, key=lambda v: version_number(v["VersionId"]))]
    return result


# --------------------------------------------------------------------------------------------
# Versions: which to delete around one run (pure, unit tested)
# --------------------------------------------------------------------------------------------

def plan_versions(versions, create, keep=None, limit=MAX_VERSIONS):
    """Which versions to delete around one run: ``(before_create, after_create)`` lists of version ids.

    ``versions`` are ``{"VersionId", "IsDefaultVersion"}`` dicts. Before a new version is created, the
    oldest non-default versions are deleted until there is room under ``limit``; after it (or without
    a new version), ``keep`` trims the oldest non-default versions until at most ``keep`` remain. The
    default version is never deleted; once a new default exists, the old default is an ordinary
    non-default version.
    """
    ordered = sorted(versions, key=lambda v: version_number(v["VersionId"]))
    non_default = [v["VersionId"] for v in ordered if not v.get("IsDefaultVersion")]
    defaults = [v["VersionId"] for v in ordered if v.get("IsDefaultVersion")]
    before = []
    if create:
        while len(ordered) - len(before) >= limit and non_default:
            before.append(non_default.pop(0))
        non_default = sorted(non_default + defaults, key=version_number)
    total = len(ordered) - len(before) + (1 if create else 0)
    after = []
    if keep is not None:
        while total - len(after) > keep and non_default:
            after.append(non_default.pop(0))
    return before, after


def next_version_id(versions):
    return "v%d" % (max([version_number(v["VersionId"]) for v in versions] or [0]) + 1)


def delete_versions(client, name, version_ids):
    for version_id in version_ids:  # gone already (a retried request): the goal is met
        client.call("DeletePolicyVersion", ignore=("EntityNotExist.Policy.Version",), PolicyName=name,
                    VersionId=version_id)


# --------------------------------------------------------------------------------------------
# ram_policy
# --------------------------------------------------------------------------------------------

def check_policy_options(params):
    """``(document, text)`` of ``policy_document`` (``(None, None)`` when not set); ``InputError`` otherwise."""
    check_name("policy", params["name"], "name")
    check_length("description", params["description"], 0, MAX_DESCRIPTION_LENGTH)
    if params["keep_versions"] is not None and not 1 <= params["keep_versions"] <= MAX_VERSIONS:
        raise InputError("keep_versions must be between 1 and %d, got %d." % (MAX_VERSIONS, params["keep_versions"]),
                         option="keep_versions")
    if params["policy_document"] is None:
        return None, None
    try:
        return load_document(params["policy_document"])
    except DocumentError as exc:
        raise InputError("policy_document of %s is invalid: %s" % (params["name"], exc), option="policy_document")


def create_policy(task, client, name, text):
    created = client.call("CreatePolicy", ignore=("EntityAlreadyExists.Policy",), PolicyName=name,
                          PolicyDocument=text, Description=task.params["description"] or None)
    policy = get_policy(client, name, "Custom")
    if created is None and policy is None:  # not a retried request of ours: the name of a System policy
        raise TaskFailed("CreatePolicy failed: EntityAlreadyExists.Policy: %s is the name of a System policy; a "
                         "custom policy needs another name." % name,
                         error=dict(action="CreatePolicy", code="EntityAlreadyExists.Policy"))
    return policy


def ensure_policy_present(task, client, document, text):
    params = task.params
    name = params["name"]
    current = get_policy(client, name, "Custom")
    if current is None:
        if document is None:
            raise TaskFailed("policy %s does not exist: policy_document is required to create it." % name)
        after = dict(policy_name=name, policy_type="Custom", description=params["description"] or "",
                     default_version="v1", policy_document=document, attachment_count=0)
        if not task.check_mode:
            after = policy_view(create_policy(task, client, name, text))
        return True, {}, after, []

    before = policy_view(current)
    after = dict(before)
    changed = False
    if params["description"] is not None and params["description"] != (current.get("Description") or ""):
        changed = True
        after["description"] = params["description"]
        if not task.check_mode:
            client.call("UpdatePolicyDescription", PolicyName=name, NewDescription=params["description"])

    create = document is not None and not same_document(current.get("PolicyDocument"), document)
    deleted = []
    if create or params["keep_versions"] is not None:
        versions = list_versions(client, name)
        delete_before, delete_after = plan_versions(versions, create, params["keep_versions"])
        deleted = delete_before + delete_after
        if create:
            after.update(policy_document=document, default_version=next_version_id(versions))
        changed = changed or create or bool(deleted)
        if not task.check_mode:
            delete_versions(client, name, delete_before)
            if create:
                created = client.call("CreatePolicyVersion", idempotent=False, PolicyName=name, PolicyDocument=text,
                                      SetAsDefault=True, RotateStrategy="None")
                after["default_version"] = (created.get("PolicyVersion") or {}).get("VersionId")
            delete_versions(client, name, delete_after)
    if changed and not task.check_mode:
        after = policy_view(get_policy(client, name, "Custom"))
    return changed, before, after, deleted


def attached_entities(client, name):
    """``[(kind, name)]`` of the users, groups and roles the custom policy is attached to."""
    found = client.call("ListEntitiesForPolicy", PolicyName=name, PolicyType="Custom")
    entities = []
    for kind, (param, suffix) in PRINCIPALS.items():
        for entity in (found.get(suffix + "s") or {}).get(suffix) or []:
            entities.append((kind, entity[param]))
    return entities


def attached_conflict(name, entities):
    """The failure of deleting a policy that is attached (found before any change)."""
    code = "DeleteConflict.Policy.%s" % PRINCIPALS[entities[0][0]][1]
    listed = ", ".join("%s %s" % (kind, entity) for kind, entity in entities)
    return TaskFailed("DeletePolicy failed: %s: policy %s is attached to %s; detach it first or set force: true "
                      "(nothing was changed)." % (code, name, listed), error=dict(action="DeletePolicy", code=code))


def ensure_policy_absent(task, client):
    name = task.params["name"]
    current = get_policy(client, name, "Custom")
    if current is None:
        return False, {}, {}, []
    entities = attached_entities(client, name) if current.get("AttachmentCount") else []
    if entities and not task.params["force"]:
        raise attached_conflict(name, entities)
    deleted = [v["VersionId"] for v in list_versions(client, name) if not v.get("IsDefaultVersion")]
    if not task.check_mode:
        for kind, entity in entities:
            apply_policy_attachments(client, kind, entity, [], [dict(name=name, type="Custom")])
        delete_versions(client, name, deleted)
        try:  # EntityNotExist: deleted by a retried request
            client.call("DeletePolicy", ignore=("EntityNotExist.Policy",), PolicyName=name)
        except RamError as error:
            if not code_matches(error.code, ("DeleteConflict.Policy.*",)):
                raise
            raise TaskFailed("%s (%s); attached meanwhile: detach it first or set force: true."
                             % (error.describe(), name), error=error.as_dict())
    return True, policy_view(current), {}, deleted


def run_policy(task):
    document, text = check_policy_options(task.params)
    client = task.clients.ram
    if task.params["state"] == "present":
        changed, before, after, deleted = ensure_policy_present(task, client, document, text)
    else:
        changed, before, after, deleted = ensure_policy_absent(task, client)
    return task.result(changed, "policy", before, after, deleted_versions=deleted)


POLICY = Resource(
    "ram_policy",
    dict(
        name=dict(type="str", required=True, aliases=["policy_name"]),
        description=dict(type="str"),
        policy_document=dict(type="json", aliases=["policy", "document"]),
        keep_versions=dict(type="int"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        force=dict(type="bool", default=False),
    ),
    run_policy,
    services=("ram",),
)


# --------------------------------------------------------------------------------------------
# ram_policy_info
# --------------------------------------------------------------------------------------------

def find_policies(client, params):
    """``(policies, detailed)``: the policies asked for; ``detailed`` when each carries its document."""
    types = ["Custom", "System"] if params["policy_type"] == "All" else [params["policy_type"]]
    if params["name"]:
        for policy_type in types:
            found = get_policy(client, params["name"], policy_type)
            if found:
                return [found], True
        return [], True
    policy_type = None if params["policy_type"] == "All" else params["policy_type"]
    return client.paginate("ListPolicies", "Policies", "Policy", PolicyType=policy_type), False


def run_policy_info(task):
    params = task.params
    check_name("policy", params["name"], "name")
    client = task.clients.ram
    policies, detailed = find_policies(client, params)
    if params["name_prefix"]:
        policies = [p for p in policies if p["PolicyName"].startswith(params["name_prefix"])]
    result = []
    for policy in sorted(policies, key=lambda p: (p["PolicyName"], p["PolicyType"])):
        if params["include_document"] and not detailed:
            policy = get_policy(client, policy["PolicyName"], policy["PolicyType"]) or policy
        result.append(policy_view(policy, include_document=params["include_document"], client=client,
                                  versions=params["include_versions"]))
    return dict(changed=False, policies=result)


POLICY_INFO = Resource(
    "ram_policy_info",
    dict(
        name=dict(type="str", aliases=["policy_name"]),
        policy_type=dict(type="str", default="All", choices=["System", "Custom", "All"], aliases=["type"]),
        name_prefix=dict(type="str"),
        include_document=dict(type="bool", default=False),
        include_versions=dict(type="bool", default=False),
    ),
    run_policy_info,
    services=("ram",),
)
