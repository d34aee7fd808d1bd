"""ram_group, ram_group_info, ram_policy, ram_policy_info through ansible-playbook against the local RAM
service; state read back with the official SDK, request counts from the service's counters."""

import json
import uuid

import pytest
from alibabacloud_ram20150501 import models as ram_models

pytestmark = pytest.mark.integration

DOCUMENT = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["oss:GetObject"], "Resource": "*"}]}


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


# The target itself runs in test_shell_parity.py, through both shells.


def members(ram, group):
    body = ram.list_users_for_group(ram_models.ListUsersForGroupRequest(group_name=group, max_items=1000)).body
    return sorted(u.user_name for u in body.users.user)


def versions(ram, policy):
    body = ram.list_policy_versions(ram_models.ListPolicyVersionsRequest(policy_name=policy, policy_type="Custom")).body
    return [(v.version_id, v.is_default_version) for v in body.policy_versions.policy_version]


def policy_exists(ram, name):
    body = ram.list_policies(ram_models.ListPoliciesRequest(policy_type="Custom", max_items=1000)).body
    return name in [p.policy_name for p in body.policies.policy]


# --- ram_group ------------------------------------------------------------------------------------

def test_group_with_members_in_one_run(ansible, sandbox, ram):
    group, users = unique("grp"), [unique("gm%d" % index) for index in range(3)]
    for user in users:
        ram.create_user(ram_models.CreateUserRequest(user_name=user))
    sandbox.reset_counters("ram")
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_group": {
        "name": group, "comments": "one run", "members": users, "policies": ["AliyunECSFullAccess"]}}]).assert_ok()
    assert run.recap()["localhost"]["changed"] == 1
    counters = sandbox.counters("ram")
    assert counters["CreateGroup"] == 1 and counters["AddUserToGroup"] == 3 and counters["AttachPolicyToGroup"] == 1
    assert members(ram, group) == sorted(users)
    found = ram.get_group(ram_models.GetGroupRequest(group_name=group)).body.group
    assert found.comments == "one run"
    attached = ram.list_policies_for_group(ram_models.ListPoliciesForGroupRequest(group_name=group)).body
    assert [(p.policy_name, p.policy_type) for p in attached.policies.policy] == [("AliyunECSFullAccess", "System")]

    # purge_members removes what the service has beyond the list; empty comments clear them
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_group": {
        "name": group, "comments": "", "members": users[:1], "purge_members": True}} for _run in range(2)])
    assert run.assert_ok().recap()["localhost"]["changed"] == 1
    assert members(ram, group) == users[:1]
    assert ram.get_group(ram_models.GetGroupRequest(group_name=group)).body.group.comments == ""


def test_unknown_member_changes_nothing(ansible, sandbox, ram):
    group = unique("grp")
    sandbox.reset_counters("ram")
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_group": {"name": group, "members": [unique("ghost")]}}])
    assert run.rc != 0 and "EntityNotExist.User" in run.output
    counters = sandbox.counters("ram")
    writes = [action for action in counters if not action.startswith(("Get", "List"))]
    assert writes == [], counters


def test_group_members_are_read_across_pages(ansible, ram):
    """More members than one ListUsersForGroup page (100): the module must follow the Marker."""
    group = unique("big")
    users = ["%s-%03d" % (group, i) for i in range(101)]
    ram.create_group(ram_models.CreateGroupRequest(group_name=group))
    for user in users:
        ram.create_user(ram_models.CreateUserRequest(user_name=user))
        ram.add_user_to_group(ram_models.AddUserToGroupRequest(group_name=group, user_name=user))
    tasks = [
        {"cloudbroker.alibaba.ram_group": {"name": group, "members": users}, "register": "r"},
        {"cloudbroker.alibaba.ram_group_info": {"name": group, "include_members": True}, "register": "info"},
        {"ansible.builtin.assert": {"that": [
            "r is not changed", "r.group.members == expected", "info.groups[0].members == expected"]}},
    ]
    ansible.run_tasks(tasks, extra_vars={"expected": users}).assert_ok()
    # purge with the first 100 listed: only the 101st (on the second page) is removed
    ansible.run_tasks([{"cloudbroker.alibaba.ram_group": {
        "name": group, "members": users[:100], "purge_members": True}}]).assert_ok()
    assert members(ram, group) == users[:100]


def test_group_force_delete_empties_it_first(ansible, ram):
    group, user = unique("grp"), unique("gm")
    ram.create_user(ram_models.CreateUserRequest(user_name=user))
    ansible.run_tasks([{"cloudbroker.alibaba.ram_group": {
        "name": group, "members": [user], "policies": ["AliyunOSSReadOnlyAccess"]}}]).assert_ok()
    refused = ansible.run_tasks([{"cloudbroker.alibaba.ram_group": {"name": group, "state": "absent"}}])
    assert refused.rc != 0 and "DeleteConflict.Group.User" in refused.output and "force: true" in refused.output
    ansible.run_tasks([{"cloudbroker.alibaba.ram_group": {"name": group, "state": "absent", "force": True}}]).assert_ok()
    groups = ram.list_groups_for_user(ram_models.ListGroupsForUserRequest(user_name=user)).body.groups.group
    assert groups == []
    body = ram.list_groups(ram_models.ListGroupsRequest(max_items=1000)).body
    assert group not in [g.group_name for g in body.groups.group]


# --- ram_policy -----------------------------------------------------------------------------------

GRAMMAR_ERRORS = [
    ({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                                    {"Effect": "Permit", "Action": "*", "Resource": "*"}]},
     "Statement[1].Effect must be Allow or Deny"),
    ({"Version": "1", "Statement": []}, "Statement must be a non-empty list"),
    ({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
     'Version must be the string "1"'),
    ({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "s3 GetObject", "Resource": "*"}]},
     "Statement[0].Action: 's3 GetObject' is not an action"),
    ({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": []}]},
     "Statement[0].Condition must be a non-empty dict"),
    ({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*",
                                     "Resource": ["acs:oss:*:*:b%04d/*" % i for i in range(400)]}]},
     "RAM accepts at most 6144"),
    ('{"Version": "1", "Statement": [', "not valid JSON"),
]


def test_grammar_errors_make_no_remote_call(ansible, sandbox):
    """Each bad document fails with its message, and the service sees not one request."""
    tasks = []
    for index, (document, message) in enumerate(GRAMMAR_ERRORS):
        tasks.append({"name": "bad document %d" % index, "cloudbroker.alibaba.ram_policy": {
            "name": unique("bad"), "policy_document": document}, "register": "r%d" % index,
            "ignore_errors": True})
        tasks.append({"name": "assert bad document %d" % index, "ansible.builtin.assert": {"that": [
            "r%d is failed" % index, "message in r%d.msg" % index]}, "vars": {"message": message}})
    sandbox.reset_counters("ram")
    ansible.run_tasks(tasks).assert_ok()
    assert sandbox.counters("ram") == {}


def test_json_string_document_and_reformatting(ansible, sandbox, ram):
    name = unique("pol")
    text = json.dumps(DOCUMENT, indent=2)
    ansible.run_tasks([{"cloudbroker.alibaba.ram_policy": {"name": name, "policy_document": text}}]).assert_ok()
    stored = ram.get_policy(ram_models.GetPolicyRequest(policy_name=name, policy_type="Custom")).body
    assert json.loads(stored.default_policy_version.policy_document) == DOCUMENT
    assert "\n" not in stored.default_policy_version.policy_document  # sent compact

    reordered = {"Statement": [{"Resource": ["*"], "Action": "oss:GetObject", "Effect": "Allow"}], "Version": "1"}
    sandbox.reset_counters("ram")
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_policy": {"name": name, "policy_document": reordered}}])
    assert run.assert_ok().recap()["localhost"]["changed"] == 0
    counters = sandbox.counters("ram")
    assert set(counters) == {"GetPolicy"}, counters  # one read, no version listing, no write
    assert versions(ram, name) == [("v1", True)]


def test_six_changes_rotate_versions(ansible, sandbox, ram):
    name = unique("rot")
    tasks = [{"cloudbroker.alibaba.ram_policy": {"name": name, "policy_document": {
        "Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject",
                                       "Resource": "acs:oss:*:*:b%d/*" % i}]}}} for i in range(7)]
    sandbox.reset_counters("ram")
    run = ansible.run_tasks(tasks).assert_ok()
    assert run.recap()["localhost"]["changed"] == 7
    counters = sandbox.counters("ram")
    assert counters["CreatePolicy"] == 1 and counters["CreatePolicyVersion"] == 6
    assert counters["DeletePolicyVersion"] == 2  # made room before v6 and v7
    assert versions(ram, name) == [("v3", False), ("v4", False), ("v5", False), ("v6", False), ("v7", True)]


def test_force_delete_of_an_attached_policy(ansible, ram):
    name, user, group = unique("del"), unique("pu"), unique("pg")
    ansible.run_tasks([
        {"cloudbroker.alibaba.ram_policy": {"name": name, "policy_document": DOCUMENT}},
        {"cloudbroker.alibaba.ram_policy": {"name": name, "policy_document": dict(
            DOCUMENT, Statement=[dict(DOCUMENT["Statement"][0], Action="oss:*")])}},
        {"cloudbroker.alibaba.ram_user": {"name": user, "policies": [{"name": name, "type": "Custom"}]}},
        {"cloudbroker.alibaba.ram_group": {"name": group, "policies": [name]}},
    ]).assert_ok()
    refused = ansible.run_tasks([{"cloudbroker.alibaba.ram_policy": {"name": name, "state": "absent"}}])
    assert refused.rc != 0 and "DeleteConflict.Policy.User" in refused.output
    assert versions(ram, name) == [("v1", False), ("v2", True)]  # nothing changed by the refused run

    ansible.run_tasks([{"cloudbroker.alibaba.ram_policy": {"name": name, "state": "absent", "force": True}}]).assert_ok()
    assert not policy_exists(ram, name)
    user_policies = ram.list_policies_for_user(ram_models.ListPoliciesForUserRequest(user_name=user)).body
    group_policies = ram.list_policies_for_group(ram_models.ListPoliciesForGroupRequest(group_name=group)).body
    assert user_policies.policies.policy == [] and group_policies.policies.policy == []


def test_policy_info_lists_every_page(ansible, ram):
    """More policies than one ListPolicies page (100, system policies included)."""
    prefix = unique("many")
    names = ["%s-%03d" % (prefix, i) for i in range(101)]
    for name in names:
        ram.create_policy(ram_models.CreatePolicyRequest(policy_name=name, policy_document=json.dumps(DOCUMENT)))
    ansible.run_tasks([
        {"cloudbroker.alibaba.ram_policy_info": {"name_prefix": prefix}, "register": "r"},
        {"ansible.builtin.assert": {"that": [
            "r.policies | map(attribute='policy_name') | list == expected",
            "r.policies[0].policy_document is not defined"]}},
    ], extra_vars={"expected": names}).assert_ok()
