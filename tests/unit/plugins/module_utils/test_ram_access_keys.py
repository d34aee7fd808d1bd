"""Units of module_utils/ram/access_keys.py: the key plan (when to create, what to delete, the 2-key limit)
and both resources run against a scripted client (calls made, secret handling, errors before any call)."""

import datetime
import json
import os
import stat

import pytest

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.access_keys import (
    ACCESS_KEY,
    ACCESS_KEY_INFO,
    KeyPlan,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import access_keys
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, TaskFailed

from ram_fakes import FakeRam, missing, task_for

NOW = datetime.datetime(2026, 11, 23, 12, 0, 0)
SECRET = "s3cret-of-the-new-key-0123456789abcdef"


def key(key_id, status="Active", created="2026-11-01T00:00:00Z"):
    return {"AccessKeyId": key_id, "Status": status, "CreateDate": created}


def plan(keys, usable=None, delete_unusable=False, rotate=False, max_age_days=None, keep_recent_seconds=0):
    return KeyPlan(keys, usable, delete_unusable, rotate, max_age_days, NOW, keep_recent_seconds)


def ids(keys):
    return [k["AccessKeyId"] for k in keys]


# -- the plan -----------------------------------------------------------------------------------

def test_no_key_means_create():
    p = plan([])
    assert p.create and p.to_delete == []


def test_any_active_key_is_usable_without_usable_ids():
    p = plan([key("A", "Inactive"), key("B")])
    assert not p.create and ids(p.usable) == ["B"]


def test_only_listed_keys_are_usable():
    p = plan([key("A"), key("B")], usable=["B"])
    assert not p.create and ids(p.usable) == ["B"]


def test_listed_but_inactive_key_is_not_usable():
    assert plan([key("A", "Inactive")], usable=["A"]).create


def test_lost_secret_is_replaced_and_orphan_deleted_first():
    p = plan([key("ORPHAN")], usable=[], delete_unusable=True)
    assert p.create and ids(p.to_delete) == ["ORPHAN"] and p.remaining == []
    p.check_limit("u")  # room was made


def test_delete_unusable_without_ids_deletes_inactive_only():
    p = plan([key("A", "Inactive"), key("B")], delete_unusable=True)
    assert not p.create and ids(p.to_delete) == ["A"]


def test_limit_is_reported_with_key_ids_and_no_failed_call():
    p = plan([key("A"), key("B")], usable=[])
    with pytest.raises(TaskFailed) as info:
        p.check_limit("broker")
    message = str(info.value)
    assert "LimitExceeded.User.AccessKey" in message and "already has 2 access keys" in message
    assert "A (Active), B (Active)" in message
    assert "failed" not in message  # no "CreateAccessKey failed": nothing was sent


def test_rotation_keeps_the_old_key():
    p = plan([key("OLD")], usable=["OLD"], rotate=True, delete_unusable=True)
    assert p.create and p.to_delete == [] and ids(p.remaining) == ["OLD"]


def test_rotation_makes_room_by_deleting_an_orphan_not_the_key_in_use():
    p = plan([key("OLD", created="2026-01-01T00:00:00Z"), key("ORPHAN")], usable=["OLD"], rotate=True,
             delete_unusable=True)
    assert ids(p.to_delete) == ["ORPHAN"] and ids(p.remaining) == ["OLD"]
    p.check_limit("u")


def test_max_age_rotates_only_old_keys():
    assert not plan([key("A", created="2026-11-20T00:00:00Z")], max_age_days=30).create
    assert plan([key("A", created="2026-09-01T00:00:00Z")], max_age_days=30).create


def test_newest_usable_key_is_the_one_returned():
    p = plan([key("OLD", created="2026-01-01T00:00:00Z"), key("NEW", created="2026-11-01T00:00:00Z")])
    assert ids(p.usable) == ["NEW", "OLD"]


# -- ram_access_key ------------------------------------------------------------------------------

def listing(*keys):
    return {"AccessKeys": {"AccessKey": list(keys)}}


def created_key(key_id="LTAI5tNEWNEWNEWNEWNEW"):
    return {"AccessKey": {"AccessKeyId": key_id, "AccessKeySecret": SECRET, "Status": "Active",
                          "CreateDate": "2026-11-23T12:00:00Z"}}


def test_no_change_run_makes_one_read():
    ram = FakeRam({"ListAccessKeys": listing(key("LTAI5tOLD"))})
    result = ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="broker"), ram=ram))
    assert result["changed"] is False and result["created"] is False
    assert result["access_key"]["access_key_id"] == "LTAI5tOLD"
    assert ram.actions() == ["ListAccessKeys"]


def test_new_secret_is_returned_once_and_not_masked():
    ram = FakeRam({"ListAccessKeys": listing(), "CreateAccessKey": created_key()})
    task = task_for(ACCESS_KEY, dict(user_name="broker"), diff=True, ram=ram)
    result = ACCESS_KEY.run(task)
    assert result["changed"] and result["created"]
    assert result["access_key_secret"] == SECRET
    assert SECRET not in task.secrets  # the module returns it on purpose: the task must use no_log
    assert SECRET not in json.dumps(result["access_keys"]) + json.dumps(result["diff"])
    assert ram.non_idempotent == ["CreateAccessKey"]  # resent only when throttled


def test_secret_file_gets_the_secret_and_the_result_does_not(tmp_path):
    path = str(tmp_path / "key.json")
    ram = FakeRam({"ListAccessKeys": listing(), "CreateAccessKey": created_key()})
    result = ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="broker", secret_file=path), ram=ram))
    assert "access_key_secret" not in result and result["secret_file"] == path
    assert json.loads(open(path).read())["access_key_secret"] == SECRET
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_orphans_are_deleted_before_the_new_key_is_created():
    ram = FakeRam({"ListAccessKeys": listing(key("LTAI5tA"), key("LTAI5tB")), "DeleteAccessKey": {},
                   "CreateAccessKey": created_key()})
    result = ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="broker", usable_key_ids=[], delete_unusable=True),
                                     ram=ram))
    assert ram.actions() == ["ListAccessKeys", "DeleteAccessKey", "DeleteAccessKey", "CreateAccessKey"]
    assert sorted(result["deleted_access_key_ids"]) == ["LTAI5tA", "LTAI5tB"]
    assert [k["access_key_id"] for k in result["access_keys"]] == ["LTAI5tNEWNEWNEWNEWNEW"]


def test_limit_fails_before_any_write():
    ram = FakeRam({"ListAccessKeys": listing(key("LTAI5tA"), key("LTAI5tB"))})
    with pytest.raises(TaskFailed):
        ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="broker", usable_key_ids=[]), ram=ram))
    assert ram.actions() == ["ListAccessKeys"]


def test_check_mode_predicts_a_key_for_a_user_created_earlier_in_the_play():
    ram = FakeRam({"ListAccessKeys": missing("ListAccessKeys", "EntityNotExist.User")})
    result = ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="new-user"), check_mode=True, ram=ram))
    assert result["changed"] and result["created"] and result["access_key"]["access_key_id"] is None


def test_missing_user_is_the_services_error_outside_check_mode():
    ram = FakeRam({"ListAccessKeys": missing("ListAccessKeys", "EntityNotExist.User")})
    with pytest.raises(RamError) as info:
        ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="nobody"), ram=ram))
    assert info.value.code == "EntityNotExist.User"


def test_absent_for_a_missing_user_is_no_change():
    ram = FakeRam({"ListAccessKeys": missing("ListAccessKeys", "EntityNotExist.User")})
    result = ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="gone", id="LTAI5tA", state="absent"), ram=ram))
    assert result["changed"] is False and result["access_keys"] == []


def test_key_deleted_meanwhile_is_no_error():
    ram = FakeRam({"ListAccessKeys": listing(key("LTAI5tA")),
                   "DeleteAccessKey": missing("DeleteAccessKey", "EntityNotExist.User.AccessKey")})
    result = ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="u", id="LTAI5tA", state="absent"), ram=ram))
    assert result["changed"] and result["deleted_access_key_ids"] == ["LTAI5tA"]


def test_status_change_in_check_mode_sends_nothing():
    ram = FakeRam({"ListAccessKeys": listing(key("LTAI5tA"))})
    result = ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="u", id="LTAI5tA", status="Inactive"),
                                     check_mode=True, diff=True, ram=ram))
    assert result["changed"] and result["access_key"]["status"] == "Inactive"
    assert result["diff"]["before"]["access_keys"][0]["status"] == "Active"
    assert ram.actions() == ["ListAccessKeys"]


def test_unknown_key_id_is_named():
    ram = FakeRam({"ListAccessKeys": listing(key("LTAI5tA"))})
    with pytest.raises(TaskFailed) as info:
        ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="u", id="LTAI5tNONE", status="Active"), ram=ram))
    assert "has no access key LTAI5tNONE" in str(info.value)


@pytest.mark.parametrize("args,option", [
    (dict(user_name="bad name!"), "user_name"),
    (dict(user_name="u", max_age_days=0), "max_age_days"),
    (dict(user_name="u", secret_file="/nonexistent-dir/key.json"), "secret_file"),
])
def test_bad_input_fails_before_any_call(args, option):
    ram = FakeRam()
    with pytest.raises(InputError) as info:
        ACCESS_KEY.run(task_for(ACCESS_KEY, args, ram=ram))
    assert info.value.option == option and option in info.value.message
    assert ram.calls == []


# -- ram_access_key_info ---------------------------------------------------------------------------

def test_info_lists_oldest_first_with_last_use_and_one_read_per_key():
    ram = FakeRam({
        "ListAccessKeys": listing(key("LTAI5tNEW", created="2026-11-02T00:00:00Z"),
                                  key("LTAI5tOLD", created="2026-01-01T00:00:00Z")),
        "GetAccessKeyLastUsed": lambda UserName, UserAccessKeyId: {
            "AccessKeyLastUsed": {"LastUsedDate": "2026-11-20T00:00:00Z"} if UserAccessKeyId == "LTAI5tOLD" else {}},
    })
    result = ACCESS_KEY_INFO.run(task_for(ACCESS_KEY_INFO, dict(user_name="u"), ram=ram))
    assert [k["access_key_id"] for k in result["access_keys"]] == ["LTAI5tOLD", "LTAI5tNEW"]
    assert result["access_keys"][0]["last_used_date"] == "2026-11-20T00:00:00Z"
    assert "last_used_date" not in result["access_keys"][1]
    assert ram.actions() == ["ListAccessKeys", "GetAccessKeyLastUsed", "GetAccessKeyLastUsed"]


def test_info_of_a_missing_user_is_empty():
    ram = FakeRam({"ListAccessKeys": missing("ListAccessKeys", "EntityNotExist.User")})
    result = ACCESS_KEY_INFO.run(task_for(ACCESS_KEY_INFO, dict(user_name="nobody", include_last_used=False),
                                          ram=ram))
    assert result == dict(changed=False, access_keys=[])


# -- overlapping runs: keys in flight -----------------------------------------------------------

def test_a_recent_unheld_key_is_in_flight_not_deleted_and_nothing_is_created():
    recent = key("RECENT", created="2026-11-23T11:59:30Z")  # 30 s old
    p = plan([recent, key("OLD")], usable=[], delete_unusable=True, keep_recent_seconds=120)
    assert not p.create and ids(p.in_flight) == ["RECENT"] and ids(p.to_delete) == ["OLD"]
    assert p.wait_seconds == 90


def test_an_in_flight_key_older_than_the_grace_is_lost():
    stale = key("STALE", created="2026-11-23T11:57:00Z")  # 180 s old
    p = plan([stale], usable=[], delete_unusable=True, keep_recent_seconds=120)
    assert p.create and ids(p.to_delete) == ["STALE"] and p.in_flight == [] and p.wait_seconds == 0


def test_in_flight_keys_change_nothing_when_a_held_key_is_usable():
    recent = key("RECENT", created="2026-11-23T11:59:30Z")
    p = plan([recent, key("HELD")], usable=["HELD"], delete_unusable=True, keep_recent_seconds=120)
    assert not p.create and ids(p.usable) == ["HELD"] and p.to_delete == [] and p.wait_seconds == 0


# -- an ambiguous CreateAccessKey is resolved ---------------------------------------------------

def unavailable():
    return RamError("CreateAccessKey", code="ServiceUnavailable", message="try later", request_id="REQ-5", status=503)


def test_ambiguous_create_deletes_the_key_it_may_have_made_and_creates_again():
    maybe = key("LTAI5tMAYBE", created="2026-11-23T12:00:00Z")
    ram = FakeRam({"ListAccessKeys": [listing(key("LTAI5tHELD")), listing(key("LTAI5tHELD"), maybe)],
                   "CreateAccessKey": [unavailable(), created_key()], "DeleteAccessKey": {}})
    result = ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="broker", rotate=True, usable_key_ids=["LTAI5tHELD"]),
                                     ram=ram))
    assert ram.actions() == ["ListAccessKeys", "CreateAccessKey", "ListAccessKeys", "DeleteAccessKey", "(pause)",
                             "CreateAccessKey"]
    assert ram.calls[3][1]["UserAccessKeyId"] == "LTAI5tMAYBE"  # never the held key
    assert result["created"] and result["access_key_secret"] == SECRET


def test_ambiguous_create_that_made_nothing_is_simply_sent_again():
    ram = FakeRam({"ListAccessKeys": [listing(), listing()], "CreateAccessKey": [unavailable(), created_key()]})
    result = ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="broker"), ram=ram))
    assert ram.actions() == ["ListAccessKeys", "CreateAccessKey", "ListAccessKeys", "(pause)", "CreateAccessKey"]
    assert result["created"]


def test_a_spent_budget_fails_naming_it():
    ram = FakeRam({"ListAccessKeys": listing(), "CreateAccessKey": lambda **_: unavailable()})
    with pytest.raises(RamError) as info:
        ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="broker"), ram=ram))
    assert "gave up after 3 retries" in str(info.value) and "(max_retries)" in str(info.value)
    assert ram.actions().count("CreateAccessKey") == 4


def test_a_refused_create_is_not_resolved():
    refused = RamError("CreateAccessKey", code="NoPermission", message="denied", request_id="R", status=403)
    ram = FakeRam({"ListAccessKeys": listing(), "CreateAccessKey": refused})
    with pytest.raises(RamError):
        ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="broker"), ram=ram))
    assert ram.actions() == ["ListAccessKeys", "CreateAccessKey"]


def test_a_key_about_to_leave_its_grace_still_asks_for_a_wait():
    recent = key("RECENT", created="2026-11-23T11:59:56Z")  # 4 s old, grace 4.5 s: 0.5 s left
    p = KeyPlan([recent], [], True, False, None, NOW + datetime.timedelta(seconds=0.5), 5)
    assert not p.create and p.wait_seconds == 1  # rounded up: a caller that waits 0 s would neither wait nor create


def test_a_recent_key_older_than_the_held_one_was_replaced_and_is_not_waited_for():
    # rotate_keys.yml started just after another rotation switched the marketplace to NEW: the other run's old key
    # (young, still active for a moment) is not in flight - nothing would ever deliver it
    old = key("OLD", created="2026-11-23T11:59:00Z")
    new = key("NEW", created="2026-11-23T11:59:40Z")
    p = plan([old, new], usable=["NEW"], delete_unusable=True, rotate=True, keep_recent_seconds=180)
    assert p.in_flight == [] and ids(p.to_delete) == ["OLD"] and p.create and p.wait_seconds == 0


def test_a_key_of_the_same_second_as_the_held_one_still_counts_as_in_flight():
    held = key("HELD", created="2026-11-23T11:59:40Z")
    other = key("OTHER", created="2026-11-23T11:59:40Z")  # CreateDate has whole seconds: which came first is unknown
    p = plan([held, other], usable=["HELD"], delete_unusable=True, keep_recent_seconds=180)
    assert ids(p.in_flight) == ["OTHER"] and p.to_delete == []


def limit_exceeded():
    return RamError("CreateAccessKey", code="LimitExceeded.User.AccessKey",
                    message="The number of AccessKeys of the user exceeds the limit of 2.", request_id="R", status=409)


def test_a_create_refused_at_the_limit_plans_again_and_waits_for_the_other_runs_key(monkeypatch):
    monkeypatch.setattr(access_keys, "utc_now", lambda: NOW)
    # two rotations read the same keys; the other one's CreateAccessKey landed between our list and our create
    held = key("LTAI5tHELD", created="2026-11-23T10:00:00Z")
    theirs = key("LTAI5tTHEIRS", created="2026-11-23T11:59:59Z")
    ram = FakeRam({"ListAccessKeys": [listing(held), listing(held, theirs)], "CreateAccessKey": limit_exceeded()})
    result = ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="broker", rotate=True, usable_key_ids=["LTAI5tHELD"],
                                                      delete_unusable=True, keep_recent_seconds=180), ram=ram))
    assert ram.actions() == ["ListAccessKeys", "CreateAccessKey", "ListAccessKeys"]
    assert result["created"] is False and result["changed"] is False
    assert result["in_flight_access_key_ids"] == ["LTAI5tTHEIRS"] and result["wait_seconds"] > 0
    assert "access_key_secret" not in result


def test_a_create_refused_at_the_limit_twice_fails_naming_the_limit():
    ram = FakeRam({"ListAccessKeys": [listing(), listing()], "CreateAccessKey": limit_exceeded()})
    with pytest.raises(RamError) as info:
        ACCESS_KEY.run(task_for(ACCESS_KEY, dict(user_name="broker"), ram=ram))
    assert "LimitExceeded.User.AccessKey" in str(info.value)
    assert ram.actions() == ["ListAccessKeys", "CreateAccessKey", "ListAccessKeys", "CreateAccessKey"]
