"""Units of module_utils/ram/groups.py: the membership plan, every input checked before the first change,
the check-mode prediction of a delete conflict, and the one view shared by ram_group and ram_group_info."""

import pytest
from fake_ram import FakeRam, make_task, missing

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.groups import (
    GROUP,
    GROUP_INFO,
    plan_members,
    run_group,
    run_group_info,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, TaskFailed

GROUP_ANSWER = {"Group": {"GroupName": "brokers", "GroupId": "g-1", "Comments": "",
                          "CreateDate": "2026-11-23T10:00:00Z"}}


def params(**changes):
    values = dict((name, spec.get("default")) for name, spec in GROUP.argument_spec.items())
    values.update(name="brokers")
    values.update(changes)
    return values


def users_page(*names):
    return {"Users": {"User": [{"UserName": name} for name in names]}, "IsTruncated": False}


# --- membership plan ---------------------------------------------------------------------------

def test_members_are_added_not_purged_by_default():
    assert plan_members(["a", "b"], ["b", "c", "c"], purge=False) == (["c"], [])


def test_purge_members_removes_the_unlisted():
    assert plan_members(["a", "b"], ["b", "c"], purge=True) == (["c"], ["a"])
    assert plan_members(["a"], [], purge=True) == ([], ["a"])


# --- ram_group ---------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, option", [
    (dict(name="bad name"), "name"),
    (dict(members=["ok", "not ok"]), "members"),
    (dict(comments="x" * 129), "comments"),
    (dict(policies=[{"name": "p", "type": "Other"}]), "policies"),
])
def test_bad_input_fails_before_any_call(changes, option):
    ram = FakeRam()
    with pytest.raises(InputError) as info:
        run_group(make_task(params(**changes), ram))
    assert info.value.option == option and ram.calls == []


def test_unknown_member_fails_before_the_group_is_created():
    ram = FakeRam({"GetGroup": missing("GetGroup", "EntityNotExist.Group"),
                   "GetUser": lambda p: missing("GetUser", "EntityNotExist.User") if p["UserName"] == "ghost" else {}})
    with pytest.raises(RamError) as info:
        run_group(make_task(params(members=["alice", "ghost"]), ram))
    assert info.value.code == "EntityNotExist.User" and "ghost" in str(info.value) and "alice" not in str(info.value)
    assert ram.writes() == []


def test_new_group_with_members_in_one_run():
    created = {}
    ram = FakeRam({"GetGroup": lambda p: GROUP_ANSWER if created else missing("GetGroup", "EntityNotExist.Group"),
                   "CreateGroup": lambda p: created.update(p) or {}})
    result = run_group(make_task(params(comments="c", members=["alice"]), ram))
    assert ram.writes() == ["CreateGroup", "AddUserToGroup"]
    assert result["changed"] and result["group"]["members"] == ["alice"]
    assert result["diff"]["before"] == {}


def test_check_mode_predicts_without_writing():
    ram = FakeRam({"GetGroup": missing("GetGroup", "EntityNotExist.Group")})
    result = run_group(make_task(params(comments="c", members=["alice"]), ram, check_mode=True))
    assert ram.writes() == [] and result["changed"]
    assert result["group"] == {"group_name": "brokers", "comments": "c", "members": ["alice"]}


def test_unchanged_group_makes_only_reads():
    ram = FakeRam({"GetGroup": GROUP_ANSWER, "ListUsersForGroup": users_page("alice")})
    result = run_group(make_task(params(members=["alice"]), ram))
    assert not result["changed"] and ram.writes() == []
    assert result["group"]["comments"] == ""  # an empty comment is part of the view


def test_check_mode_predicts_the_delete_conflict():
    ram = FakeRam({"GetGroup": GROUP_ANSWER, "ListUsersForGroup": users_page("alice")})
    with pytest.raises(TaskFailed) as info:
        run_group(make_task(params(state="absent"), ram, check_mode=True))
    assert info.value.fields["error"]["code"] == "DeleteConflict.Group.User" and "force: true" in str(info.value)


def test_refused_delete_names_the_way_out():
    ram = FakeRam({"GetGroup": GROUP_ANSWER,
                   "DeleteGroup": RamError("DeleteGroup", code="DeleteConflict.Group.Policy", request_id="R-1")})
    with pytest.raises(TaskFailed) as info:
        run_group(make_task(params(state="absent"), ram))
    assert "purge_policies" in str(info.value) and info.value.fields["error"]["request_id"] == "R-1"


def test_forced_delete_empties_the_group_first():
    ram = FakeRam({"GetGroup": GROUP_ANSWER, "ListUsersForGroup": users_page("alice"),
                   "ListPoliciesForGroup": {"Policies": {"Policy": [{"PolicyName": "P", "PolicyType": "Custom"}]}}})
    result = run_group(make_task(params(state="absent", force=True), ram))
    assert ram.writes() == ["RemoveUserFromGroup", "DetachPolicyFromGroup", "DeleteGroup"]
    assert result["group"] == {} and result["diff"]["before"]["members"] == ["alice"]


# --- ram_group_info ----------------------------------------------------------------------------

def test_info_shares_the_view_and_reads_extras_on_request():
    ram = FakeRam({"GetGroup": GROUP_ANSWER, "ListUsersForGroup": users_page("b", "a")})
    info_params = dict((name, spec.get("default")) for name, spec in GROUP_INFO.argument_spec.items())
    info_params.update(name="brokers", include_members=True)
    result = run_group_info(make_task(info_params, ram))
    assert result == {"changed": False, "groups": [{"group_name": "brokers", "group_id": "g-1", "comments": "",
                                                    "create_date": "2026-11-23T10:00:00Z", "members": ["a", "b"]}]}
    assert "ListPoliciesForGroup" not in ram.actions()
