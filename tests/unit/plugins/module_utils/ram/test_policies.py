"""Units of module_utils/ram/policies.py: version rotation (pure), and ram_policy / ram_policy_info against a
scripted client: reads only when nothing changes, conflicts found before any change, the shared view."""

import json

import pytest
from fake_ram import FakeRam, make_task, missing

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.policies import (
    POLICY,
    POLICY_INFO,
    next_version_id,
    plan_versions,
    run_policy,
    run_policy_info,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, TaskFailed

DOCUMENT = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject", "Resource": "*"}]}
POLICY_ANSWER = {"Policy": {"PolicyName": "p", "PolicyType": "Custom", "Description": "", "DefaultVersion": "v1",
                            "AttachmentCount": 0},
                 "DefaultPolicyVersion": {"PolicyDocument": json.dumps(DOCUMENT, indent=2)}}


def params(resource=POLICY, **changes):
    values = dict((name, spec.get("default")) for name, spec in resource.argument_spec.items())
    values.update(name="p")
    values.update(changes)
    return values


# --- version rotation ---------------------------------------------------------------------------------

def versions(default, *others):
    ids = sorted([default] + list(others), key=lambda v: int(v[1:]))
    return [{"VersionId": v, "IsDefaultVersion": v == default} for v in ids]


def test_room_is_made_only_at_the_limit():
    assert plan_versions(versions("v4", "v1", "v2", "v3"), create=True) == ([], [])
    assert plan_versions(versions("v5", "v1", "v2", "v3", "v4"), create=True) == (["v1"], [])


def test_the_default_version_is_never_deleted_to_make_room():
    assert plan_versions(versions("v1", "v2", "v3", "v4", "v5"), create=True) == (["v2"], [])


def test_version_numbers_sort_numerically():
    assert plan_versions(versions("v12", "v9", "v10", "v11", "v8"), create=True) == (["v8"], [])


def test_keep_versions_trims_after_creating():
    # v3 stays default until the new one exists; afterwards it is the oldest non-default
    assert plan_versions(versions("v3", "v2"), create=True, keep=1) == ([], ["v2", "v3"])
    assert plan_versions(versions("v5", "v1", "v2", "v3", "v4"), create=True, keep=2) == (["v1"], ["v2", "v3", "v4"])


def test_keep_versions_without_a_new_version():
    assert plan_versions(versions("v2", "v1", "v3"), create=False, keep=1) == ([], ["v1", "v3"])
    assert plan_versions(versions("v2", "v1"), create=False, keep=2) == ([], [])
    assert plan_versions(versions("v1"), create=False, keep=1) == ([], [])


def test_next_version_id():
    assert next_version_id(versions("v3", "v1", "v10")) == "v11"
    assert next_version_id([]) == "v1"


def test_six_changes_in_a_row_never_exceed_the_limit():
    """Simulate the service: every run makes a default version; the count never passes 5."""
    current = versions("v1")
    for _run in range(6):
        before, after = plan_versions(current, create=True)
        current = [v for v in current if v["VersionId"] not in before]
        assert len(current) < 5
        new = next_version_id(current)
        current = [dict(v, IsDefaultVersion=False) for v in current] + [{"VersionId": new, "IsDefaultVersion": True}]
        current = [v for v in current if v["VersionId"] not in after]
        assert len(current) <= 5
    assert [v["VersionId"] for v in current] == ["v3", "v4", "v5", "v6", "v7"]


# --- ram_policy --------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, option", [
    (dict(name="no_underscore"), "name"),
    (dict(keep_versions=6), "keep_versions"),
    (dict(description="x" * 1025), "description"),
    (dict(policy_document={"Version": 1, "Statement": []}), "policy_document"),
])
def test_bad_input_fails_before_any_call(changes, option):
    ram = FakeRam()
    with pytest.raises(InputError) as info:
        run_policy(make_task(params(**changes), ram))
    assert info.value.option == option and ram.calls == []


def test_same_meaning_is_one_read():
    ram = FakeRam({"GetPolicy": POLICY_ANSWER})
    result = run_policy(make_task(params(policy_document=json.dumps(DOCUMENT)), ram))
    assert not result["changed"] and ram.actions() == ["GetPolicy"]
    assert result["policy"]["policy_document"] == DOCUMENT and result["deleted_versions"] == []


def test_new_policy_needs_a_document():
    ram = FakeRam({"GetPolicy": missing("GetPolicy", "EntityNotExist.Policy")})
    with pytest.raises(TaskFailed) as info:
        run_policy(make_task(params(), ram))
    assert "policy_document is required" in str(info.value) and ram.writes() == []


def test_the_name_of_a_system_policy_is_refused():
    ram = FakeRam({"GetPolicy": missing("GetPolicy", "EntityNotExist.Policy"),
                   "CreatePolicy": missing("CreatePolicy", "EntityAlreadyExists.Policy")})
    with pytest.raises(TaskFailed) as info:
        run_policy(make_task(params(policy_document=DOCUMENT), ram))
    assert "System policy" in str(info.value)
    assert info.value.fields["error"]["code"] == "EntityAlreadyExists.Policy"


def test_attached_policy_is_not_deleted_without_force():
    attached = dict(POLICY_ANSWER, Policy=dict(POLICY_ANSWER["Policy"], AttachmentCount=2))
    ram = FakeRam({"GetPolicy": attached, "ListEntitiesForPolicy": {
        "Users": {"User": [{"UserName": "alice"}]}, "Groups": {"Group": [{"GroupName": "brokers"}]}}})
    with pytest.raises(TaskFailed) as info:
        run_policy(make_task(params(state="absent"), ram))
    assert "user alice, group brokers" in str(info.value) and ram.writes() == []
    assert info.value.fields["error"]["code"] == "DeleteConflict.Policy.User"


def test_forced_delete_detaches_then_deletes_versions_and_policy():
    attached = dict(POLICY_ANSWER, Policy=dict(POLICY_ANSWER["Policy"], AttachmentCount=1))
    ram = FakeRam({"GetPolicy": attached, "ListEntitiesForPolicy": {"Roles": {"Role": [{"RoleName": "r"}]}},
                   "ListPolicyVersions": {"PolicyVersions": {"PolicyVersion": [
                       {"VersionId": "v1", "IsDefaultVersion": False},
                       {"VersionId": "v2", "IsDefaultVersion": True}]}}})
    result = run_policy(make_task(params(state="absent", force=True), ram))
    assert ram.writes() == ["DetachPolicyFromRole", "DeletePolicyVersion", "DeletePolicy"]
    assert result["deleted_versions"] == ["v1"] and result["policy"] == {}


# --- ram_policy_info ---------------------------------------------------------------------------

def test_info_looks_the_type_up_and_lists_versions_in_order():
    ram = FakeRam({"GetPolicy": lambda p: POLICY_ANSWER if p["PolicyType"] == "Custom" else None,
                   "ListPolicyVersions": {"PolicyVersions": {"PolicyVersion": [
                       {"VersionId": "v10", "IsDefaultVersion": True, "PolicyDocument": json.dumps(DOCUMENT)},
                       {"VersionId": "v9", "PolicyDocument": "not json"}]}}})
    result = run_policy_info(make_task(params(POLICY_INFO, include_document=True, include_versions=True), ram))
    [policy] = result["policies"]
    assert policy["policy_document"] == DOCUMENT
    assert [(v["version_id"], v["is_default_version"]) for v in policy["versions"]] == [("v9", False), ("v10", True)]
    assert policy["versions"][0]["policy_document"] == "not json"
