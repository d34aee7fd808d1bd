#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_policy
short_description: Manage an Alibaba Cloud RAM custom policy and its versions
version_added: 1.0.0
description:
  - Creates, updates or deletes a custom RAM policy (System policies are Alibaba Cloud's own and cannot
    be changed).
  - The policy document is checked against the RAM policy grammar before any remote call, so a typo
    fails at once with a message naming the statement.
  - The document is compared by meaning, not by text (see O(policy_document)). A changed document
    becomes a new version that is set as the default; old versions are rotated out explicitly so that
    the RAM limit of five versions per policy is never hit.
  - Attaching the policy to users, groups and roles is done by M(cloudbroker.alibaba.ram_policy_attachment)
    or the C(policies) option of M(cloudbroker.alibaba.ram_user) and M(cloudbroker.alibaba.ram_group).
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  name:
    description: Name of the policy; 1-128 characters, letters, digits or C(-). Names are case-sensitive.
    type: str
    required: true
    aliases: [policy_name]
  description:
    description:
      - Description of the policy, up to 1024 characters. Not set means the current description is kept.
      - A change is applied in place (C(UpdatePolicyDescription)); it does not make a new version.
    type: str
  policy_document:
    description:
      - The policy document, as a dict (YAML) or a JSON string. Required to create the policy; not set
        on an existing policy means the document is left alone.
      - 'Grammar checked before any call: C(Version) is the string C("1"); C(Statement) is a non-empty
        list; each statement has C(Effect) (C(Allow) or C(Deny)), exactly one of C(Action) and C(NotAction)
        (a string or a list of C(service:action) strings, or C(*)), exactly one of C(Resource) and
        C(NotResource) (a string or a list), and optionally C(Condition) (a dict of operators to dicts of
        keys and values). Other keys are refused. Errors name the statement by its index from 0, as
        C(Statement[1].Effect).'
      - The document is sent as compact JSON and may be at most 6144 characters in that form.
      - 'Compared by meaning: key order, whitespace and formatting do not count; a single string equals a
        one-element list in C(Action), C(NotAction), C(Resource), C(NotResource) and condition values; the
        order and repetition of the values of those lists and the order of the statements do not count
        either (RAM evaluates every statement, an explicit C(Deny) wins wherever it stands). Values are
        compared exactly, case included.'
      - A document that differs becomes a new version, set as the default (C(CreatePolicyVersion) with
        C(SetAsDefault=true)).
    type: json
    aliases: [policy, document]
  keep_versions:
    description:
      - How many versions the policy may keep (the default version included), 1 to 5.
      - Not set, versions are deleted only to make room - when the policy already has five versions
        (the RAM limit) and a new one is needed, the oldest non-default version is deleted first. The
        module does this itself rather than with RAM's C(RotateStrategy), so that the deleted versions
        are reported in RV(deleted_versions) and predicted in check mode.
      - Set, the oldest non-default versions are deleted on every run until at most this many remain
        (the default version is never deleted); V(1) keeps only the default version.
    type: int
  state:
    description: V(present) creates or updates the policy; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), first detach the policy from every user, group and role it is attached to
        (C(ListEntitiesForPolicy)).
      - Without it, deleting an attached policy fails before anything is changed, naming the principals
        and RAM's C(DeleteConflict.Policy.*) code.
      - Non-default versions are part of the policy and are always deleted with it, O(force) or not
        (RAM would refuse the deletion with C(DeleteConflict.Policy.Version) otherwise).
    type: bool
    default: false
notes:
  - Only custom policies can be managed; naming a System policy fails with a clear message.
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
"""

EXAMPLES = r"""
- name: A custom policy from YAML
  cloudbroker.alibaba.ram_policy:
    name: broker-oss-read
    description: Read the broker's bucket
    policy_document:
      Version: "1"
      Statement:
        - Effect: Allow
          Action: [oss:GetObject, oss:ListObjects]
          Resource: acs:oss:*:*:broker-bucket/*

- name: The same policy from a JSON file (only a change of meaning makes a new version)
  cloudbroker.alibaba.ram_policy:
    name: broker-oss-read
    policy_document: "{{ lookup('ansible.builtin.file', 'broker-oss-read.json') }}"

- name: Keep only the default version
  cloudbroker.alibaba.ram_policy:
    name: broker-oss-read
    keep_versions: 1

- name: Delete the policy, detaching it from whoever has it
  cloudbroker.alibaba.ram_policy:
    name: broker-oss-read
    state: absent
    force: true
"""

RETURN = r"""
policy:
  description: The policy as it is after the run (as it would be, in check mode). Empty after deletion.
  returned: always
  type: dict
  contains:
    policy_name:
      description: Name of the policy.
      type: str
      sample: broker-oss-read
    policy_type:
      description: Always V(Custom).
      type: str
      sample: Custom
    description:
      description: Description.
      type: str
    default_version:
      description: The default version (predicted in check mode).
      type: str
      sample: v2
    policy_document:
      description: The default version's document, parsed.
      type: dict
      sample: {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject", "Resource": "*"}]}
    attachment_count:
      description: How many users, groups and roles the policy is attached to.
      type: int
    create_date:
      description: Creation time (UTC).
      type: str
    update_date:
      description: Last update time (UTC).
      type: str
deleted_versions:
  description:
    - Versions deleted by this run - to make room for a new version, by O(keep_versions), or the
      non-default versions deleted with the policy (O(state=absent)). Predicted in check mode.
  returned: always
  type: list
  elements: str
  sample: [v1]
"""

import json
import re

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_ram import (
    POLICY_NAME_RE,
    PRINCIPALS,
    RamError,
    RamModule,
    get_policy,
    parse_policy_document,
    policy_view,
)

MAX_DOCUMENT_LENGTH = 6144
MAX_VERSIONS = 5
MAX_DESCRIPTION_LENGTH = 1024
EFFECTS = ("Allow", "Deny")
STATEMENT_KEYS = ("Effect", "Action", "NotAction", "Resource", "NotResource", "Condition")
VALUE_LIST_KEYS = ("Action", "NotAction", "Resource", "NotResource")
ACTION_RE = re.compile(r"^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?_.-]+)$")


# --------------------------------------------------------------------------------------------
# The document: grammar, serialisation, comparison (pure functions, unit tested)
# --------------------------------------------------------------------------------------------

class DocumentError(ValueError):
    """A policy document that RAM would refuse; the message says where and why."""


def _string_list(where, value):
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        raise DocumentError("%s must be a string or a non-empty list of strings, got %s." % (where, _show(value)))
    for index, item in enumerate(values):
        if not isinstance(item, str) or not item:
            raise DocumentError("%s[%d] must be a non-empty string, got %s." % (where, index, _show(item)))
    return values


def _show(value):
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)


def _one_of(where, statement, keys):
    present = [key for key in keys if key in statement]
    if len(present) != 1:
        raise DocumentError("%s must have exactly one of %s (found %s)."
                            % (where, " and ".join(keys), " and ".join(present) if present else "none"))
    return present[0]


def _validate_condition(where, condition):
    if not isinstance(condition, dict) or not condition:
        raise DocumentError("%s must be a non-empty dict of operators, e.g. {\"IpAddress\": {\"acs:SourceIp\": "
                            "\"10.0.0.0/8\"}}, got %s." % (where, _show(condition)))
    for operator, block in condition.items():
        if not isinstance(block, dict) or not block:
            raise DocumentError("%s.%s must be a non-empty dict of condition keys to values, got %s."
                                % (where, operator, _show(block)))
        for key, value in block.items():
            values = value if isinstance(value, list) else [value]
            if not values or not all(isinstance(v, (str, int, float, bool)) for v in values):
                raise DocumentError("%s.%s.%s must be a value or a non-empty list of values, got %s."
                                    % (where, operator, key, _show(value)))


def validate_document(document):
    """Check a parsed document against the RAM policy grammar; raises ``DocumentError``."""
    if not isinstance(document, dict):
        raise DocumentError("the document must be a JSON object (a dict), got %s." % type(document).__name__)
    unknown = sorted(set(document) - set(["Version", "Statement"]))
    if unknown:
        raise DocumentError("unknown top-level element %r: only Version and Statement are allowed." % unknown[0])
    if document.get("Version") != "1":
        hint = " (quote it in YAML: Version: \"1\")" if document.get("Version") == 1 else ""
        raise DocumentError("Version must be the string \"1\", got %s%s."
                            % ("nothing" if "Version" not in document else _show(document["Version"]), hint))
    statements = document.get("Statement")
    if not isinstance(statements, list) or not statements:
        raise DocumentError("Statement must be a non-empty list of statements, got %s."
                            % ("nothing" if statements is None else _show(statements)))
    for index, statement in enumerate(statements):
        where = "Statement[%d]" % index
        if not isinstance(statement, dict):
            raise DocumentError("%s must be a dict, got %s." % (where, _show(statement)))
        unknown = sorted(set(statement) - set(STATEMENT_KEYS))
        if unknown:
            raise DocumentError("%s has unknown element %r; allowed: %s." % (where, unknown[0], ", ".join(STATEMENT_KEYS)))
        if statement.get("Effect") not in EFFECTS:
            raise DocumentError("%s.Effect must be Allow or Deny, got %s."
                                % (where, "nothing" if "Effect" not in statement else _show(statement["Effect"])))
        action_key = _one_of(where, statement, ("Action", "NotAction"))
        for action in _string_list("%s.%s" % (where, action_key), statement[action_key]):
            if not ACTION_RE.match(action):
                raise DocumentError("%s.%s: %r is not an action; use <service>:<action> such as oss:GetObject, "
                                    "ram:List* or *." % (where, action_key, action))
        resource_key = _one_of(where, statement, ("Resource", "NotResource"))
        _string_list("%s.%s" % (where, resource_key), statement[resource_key])
        if "Condition" in statement:
            _validate_condition("%s.Condition" % where, statement["Condition"])


def serialize_document(document):
    """The text sent to RAM: compact JSON, keys in the user's order, non-ASCII kept as it is."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def load_document(value):
    """``policy_document`` (a dict or JSON text) -> (parsed dict, text to send); raises ``DocumentError``."""
    if isinstance(value, str):
        try:
            document = json.loads(value)
        except ValueError as exc:
            raise DocumentError("not valid JSON: %s." % exc)
    else:
        document = value
    validate_document(document)
    text = serialize_document(document)
    if len(text) > MAX_DOCUMENT_LENGTH:
        raise DocumentError("the document is %d characters long as compact JSON; RAM accepts at most %d."
                            % (len(text), MAX_DOCUMENT_LENGTH))
    return document, text


def _sort_key(value):
    return json.dumps(value, sort_keys=True)


def _value_set(value):
    values = value if isinstance(value, list) else [value]
    return sorted(dict((_sort_key(v), v) for v in values).values(), key=_sort_key)


def canonical_document(document):
    """The meaning of a document, as a value that compares equal for equivalent documents.

    Key order does not count (dicts); a string equals a one-element list, and the order and repetition
    of values do not count, in Action/NotAction/Resource/NotResource and condition values; the order
    and repetition of statements do not count. Anything else (the case of values, too) does.
    A document of another shape is returned unchanged (it then compares by plain equality).
    """
    if not isinstance(document, dict) or not isinstance(document.get("Statement"), list):
        return document
    statements = []
    for statement in document["Statement"]:
        if not isinstance(statement, dict):
            statements.append(statement)
            continue
        canonical = {}
        for key, value in statement.items():
            if key in VALUE_LIST_KEYS:
                canonical[key] = _value_set(value)
            elif key == "Condition" and isinstance(value, dict):
                canonical[key] = dict(
                    (operator, dict((k, _value_set(v)) for k, v in block.items()) if isinstance(block, dict) else block)
                    for operator, block in value.items())
            else:
                canonical[key] = value
        statements.append(canonical)
    result = dict(document)
    result["Statement"] = sorted(dict((_sort_key(s), s) for s in statements).values(), key=_sort_key)
    return result


def same_document(current, wanted):
    """Whether two documents (dicts or JSON text) mean the same."""
    return canonical_document(parse_policy_document(current)) == canonical_document(parse_policy_document(wanted))


def version_number(version_id):
    return int(version_id.lstrip("v"))


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


# --------------------------------------------------------------------------------------------
# The module
# --------------------------------------------------------------------------------------------

def validate(module):
    params = module.params
    if not POLICY_NAME_RE.match(params["name"]):
        module.fail_json(msg="Invalid policy name %r: 1-128 characters, letters, digits or '-'." % params["name"])
    if params["description"] is not None and len(params["description"]) > MAX_DESCRIPTION_LENGTH:
        module.fail_json(msg="description must be at most %d characters long." % MAX_DESCRIPTION_LENGTH)
    if params["keep_versions"] is not None and not 1 <= params["keep_versions"] <= MAX_VERSIONS:
        module.fail_json(msg="keep_versions must be between 1 and %d." % MAX_VERSIONS)
    if params["policy_document"] is None:
        return None, None
    try:
        return load_document(params["policy_document"])
    except DocumentError as exc:
        module.fail_json(msg="policy_document of %s is invalid: %s" % (params["name"], exc))


def list_versions(client, name):
    page = client.call("ListPolicyVersions", PolicyName=name, PolicyType="Custom")
    return (page.get("PolicyVersions") or {}).get("PolicyVersion") or []


def delete_versions(client, name, version_ids):
    for version_id in version_ids:
        try:
            client.call("DeletePolicyVersion", PolicyName=name, VersionId=version_id)
        except RamError as error:
            if error.code != "EntityNotExist.Policy.Version":  # gone already (a retried request)
                raise


def create_policy(module, client, name, text):
    params = module.params
    try:
        client.call("CreatePolicy", PolicyName=name, PolicyDocument=text, Description=params["description"] or None)
    except RamError as error:
        if error.code != "EntityAlreadyExists.Policy":
            raise
        if get_policy(client, name, "Custom") is None:  # not a retried request of ours: a System policy's name
            raise RamError(error.action, code=error.code, request_id=error.request_id, status=error.status,
                           message="%s is the name of a System policy; a custom policy needs another name." % name)
    return get_policy(client, name, "Custom")


def ensure_present(module, client, document, text):
    params = module.params
    name = params["name"]
    current = get_policy(client, name, "Custom")
    if current is None:
        if document is None:
            module.fail_json(msg="policy %s does not exist: policy_document is required to create it." % name)
        after = dict(policy_name=name, policy_type="Custom", description=params["description"] or "",
                     default_version="v1", policy_document=document, attachment_count=0)
        if not module.check_mode:
            after = policy_view(create_policy(module, client, name, text))
        return True, {}, after, []

    before = policy_view(current)
    after = dict(before)
    changed = False
    if params["description"] is not None and params["description"] != (current.get("Description") or ""):
        changed = True
        after["description"] = params["description"]
        if not module.check_mode:
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
        if not module.check_mode:
            delete_versions(client, name, delete_before)
            if create:
                created = client.call("CreatePolicyVersion", idempotent=False, PolicyName=name, PolicyDocument=text,
                                      SetAsDefault=True, RotateStrategy="None")
                after["default_version"] = (created.get("PolicyVersion") or {}).get("VersionId")
            delete_versions(client, name, delete_after)
    if changed and not module.check_mode:
        after = policy_view(get_policy(client, name, "Custom"))
    return changed, before, after, deleted


def attached_entities(client, name):
    """``[(kind, name)]`` of the users, groups and roles the custom policy is attached to."""
    found = client.call("ListEntitiesForPolicy", PolicyName=name, PolicyType="Custom")
    entities = []
    for kind, (param, suffix, _missing) in PRINCIPALS.items():
        for entity in (found.get(suffix + "s") or {}).get(suffix) or []:
            entities.append((kind, entity[param]))
    return entities


def conflict(name, entities):
    kinds = []
    for kind, _entity in entities:
        if kind not in kinds:
            kinds.append(kind)
    listed = ", ".join("%s %s" % (kind, entity) for kind, entity in entities)
    return RamError("DeletePolicy", code="DeleteConflict.Policy.%s" % PRINCIPALS[kinds[0]][1],
                    message="policy %s is attached to %s; detach it first or set force: true (nothing was changed)."
                    % (name, listed))


def ensure_absent(module, client):
    name = module.params["name"]
    current = get_policy(client, name, "Custom")
    if current is None:
        return False, {}, {}, []
    entities = attached_entities(client, name) if current.get("AttachmentCount") else []
    if entities and not module.check_mode and module.params["force"]:
        for kind, entity in entities:
            param, suffix, _missing = PRINCIPALS[kind]
            try:
                client.call("DetachPolicyFrom" + suffix, PolicyName=name, PolicyType="Custom", **{param: entity})
            except RamError as error:
                if error.code != "EntityNotExist.%s.Policy" % suffix:
                    raise
    elif entities and not module.params["force"]:
        raise conflict(name, entities)
    deleted = [v["VersionId"] for v in list_versions(client, name) if not v.get("IsDefaultVersion")]
    if not module.check_mode:
        delete_versions(client, name, deleted)
        try:
            client.call("DeletePolicy", PolicyName=name)
        except RamError as error:
            if error.code and error.code.startswith("DeleteConflict.Policy."):  # attached meanwhile
                raise RamError(error.action, code=error.code, request_id=error.request_id, status=error.status,
                               message="%s (%s); detach it first or set force: true." % (error.message, name))
            if error.code != "EntityNotExist.Policy":
                raise
    return True, policy_view(current), {}, deleted


def run_module(module):
    document, text = validate(module)
    client = module.ram
    if module.params["state"] == "present":
        changed, before, after, deleted = ensure_present(module, client, document, text)
    else:
        changed, before, after, deleted = ensure_absent(module, client)
    result = dict(changed=changed, policy=after, deleted_versions=deleted)
    if module._diff:
        result["diff"] = dict(before=before, after=after)
    return result


def main():
    module = RamModule(
        argument_spec=dict(
            name=dict(type="str", required=True, aliases=["policy_name"]),
            description=dict(type="str"),
            policy_document=dict(type="json", aliases=["policy", "document"]),
            keep_versions=dict(type="int"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            force=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
