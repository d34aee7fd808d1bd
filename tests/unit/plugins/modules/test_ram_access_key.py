"""Units of ram_access_key's decision logic (KeyPlan): when to create, what to delete, the 2-key limit."""

import datetime

import pytest

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_ram import RamError
from ansible_collections.cloudbroker.alibaba.plugins.modules.ram_access_key import KeyPlan

NOW = datetime.datetime(2026, 11, 23, 12, 0, 0)


def key(key_id, status="Active", created="2026-11-01T00:00:00Z"):
    return {"AccessKeyId": key_id, "Status": status, "CreateDate": created}


def plan(keys, usable=None, delete_unusable=False, rotate=False, max_age_days=None):
    return KeyPlan(keys, usable, delete_unusable, rotate, max_age_days, NOW)


def ids(keys):
    return [k["AccessKeyId"] for k in keys]


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


def test_limit_is_reported_with_key_ids():
    p = plan([key("A"), key("B")], usable=[])
    with pytest.raises(RamError) as info:
        p.check_limit("broker")
    assert info.value.code == "LimitExceeded.User.AccessKey"
    assert "A (Active), B (Active)" in info.value.message


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
