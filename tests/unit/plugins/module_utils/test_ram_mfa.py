"""Units of module_utils/ram/mfa.py: codes away from a window boundary, binding with a second code pair,
the seed delivered before binding and taken back when binding fails, the no_log guard."""

import json
import os

import pyotp
import pytest

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import mfa
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, TaskFailed

from ram_fakes import FakeRam, missing, task_for

SEED = pyotp.random_base32()
SERIAL = "acs:ram::1234567890123456:mfa/alice"
CREATED = {"VirtualMFADevice": {"SerialNumber": SERIAL, "Base32StringSeed": SEED, "QRCodePNG": "iVBORw0KGgo="}}
NO_MFA = missing("GetUserMFAInfo", "EntityNotExist.User.MFADevice")
BOUND = {"MFADevice": {"SerialNumber": SERIAL, "Type": "VMFA"}}
LISTED = {"VirtualMFADevices": {"VirtualMFADevice": [
    {"SerialNumber": SERIAL, "ActivateDate": "2026-11-23T10:00:00Z", "User": {"UserName": "alice"}}]}}
NONE_LISTED = {"VirtualMFADevices": {"VirtualMFADevice": []}}


def run(args, ram, **kwargs):
    return mfa.USER_MFA.run(task_for(mfa.USER_MFA, args, ram=ram, **kwargs))


# -- pure logic ------------------------------------------------------------------------------------

class Clock:
    def __init__(self, start):
        self.time = start
        self.slept = []

    def now(self):
        return self.time

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.time += seconds


def test_first_pair_is_current_and_next_window():
    clock = Clock(1_800_000_000 + 5)  # 5 s into a window
    totp = pyotp.TOTP(SEED)
    first = next(mfa.code_pairs(SEED, now=clock.now, sleep=clock.sleep))
    assert first == (totp.at(clock.time), totp.at(clock.time + 30))
    assert clock.slept == []


def test_near_a_boundary_the_codes_wait_for_the_next_window():
    start = 1_800_000_000 + 29.5  # 0.5 s before a window ends (1_800_000_000 starts one)
    clock = Clock(start)
    totp = pyotp.TOTP(SEED)
    first = next(mfa.code_pairs(SEED, now=clock.now, sleep=clock.sleep))
    assert clock.slept and clock.time > start + 0.5
    assert totp.timecode(clock.time) == totp.timecode(start) + 1
    assert first == (totp.at(start + 30), totp.at(start + 60))


def test_second_pair_is_previous_and_current_window():
    clock = Clock(1_800_000_010)
    totp = pyotp.TOTP(SEED)
    pairs = mfa.code_pairs(SEED, now=clock.now, sleep=clock.sleep)
    next(pairs)
    clock.time += 31  # RAM answered in the next window
    assert next(pairs) == (totp.at(clock.time - 30), totp.at(clock.time))
    with pytest.raises(StopIteration):
        next(pairs)


def test_device_lookup_by_serial_and_name():
    listed = [{"SerialNumber": "acs:ram::1:mfa/alice", "User": {"UserName": "alice"}, "ActivateDate": "d"},
              {"SerialNumber": "acs:ram::1:mfa/bob"}]
    assert mfa.find_device(listed, name="bob") is listed[1]
    assert mfa.find_device(listed, serial_number="acs:ram::1:mfa/alice") is listed[0]
    assert mfa.find_device(listed, name="ali") is None
    assert mfa.bound_user(listed[0]) == "alice" and mfa.bound_user(listed[1]) is None
    assert mfa.device_name_of("acs:ram::1:mfa/x.y-z") == "x.y-z"


def test_default_device_name_has_no_underscore():
    assert mfa.default_device_name("ci_deployer") == "ci-deployer"
    assert mfa.DEVICE_NAME_RE.match(mfa.default_device_name("a_b.c-d"))


def test_device_view_leaves_out_unknowns():
    assert mfa.device_view("alice", None) == {"user_name": "alice"}
    assert mfa.device_view("alice", "s", {"ActivateDate": "d"}, "VMFA") == {
        "user_name": "alice", "serial_number": "s", "bind_date": "d", "type": "VMFA"}


# -- binding ---------------------------------------------------------------------------------------

def test_bind_tries_the_previous_window_when_the_first_pair_is_refused(monkeypatch):
    monkeypatch.setattr(mfa, "code_pairs", lambda seed: iter([("111111", "222222"), ("000000", "111111")]))
    refused = RamError("BindMFADevice", code="CheckAuthenticationCodeFail", message="wrong codes")
    ram = FakeRam({"BindMFADevice": [refused, {}], "GetUserMFAInfo": NO_MFA})
    mfa.bind(ram, "alice", SERIAL, SEED)
    sent = [params["AuthenticationCode1"] for action, params in ram.calls if action == "BindMFADevice"]
    assert sent == ["111111", "000000"]
    assert ram.non_idempotent == ["BindMFADevice", "BindMFADevice"]


def test_bind_whose_answer_was_lost_but_applied_is_success(monkeypatch):
    monkeypatch.setattr(mfa, "code_pairs", lambda seed: iter([("111111", "222222")]))
    lost = RamError("BindMFADevice", code=None, message="connection reset")
    ram = FakeRam({"BindMFADevice": lost, "GetUserMFAInfo": BOUND})
    mfa.bind(ram, "alice", SERIAL, SEED)  # no exception: the device is bound


def test_both_pairs_refused_asks_about_the_clock(monkeypatch):
    monkeypatch.setattr(mfa, "code_pairs", lambda seed: iter([("1", "2"), ("3", "4")]))
    refused = RamError("BindMFADevice", code="CheckAuthenticationCodeFail", message="wrong codes")
    ram = FakeRam({"BindMFADevice": refused, "GetUserMFAInfo": NO_MFA})
    with pytest.raises(RamError) as info:
        mfa.bind(ram, "alice", SERIAL, SEED)
    assert "clock" in info.value.message


def test_other_bind_errors_are_not_retried(monkeypatch):
    monkeypatch.setattr(mfa, "code_pairs", lambda seed: iter([("1", "2"), ("3", "4")]))
    conflict = RamError("BindMFADevice", code="EntityAlreadyExists.User.MFADevice", status=409)
    ram = FakeRam({"BindMFADevice": conflict, "GetUserMFAInfo": NO_MFA})
    with pytest.raises(RamError) as info:
        mfa.bind(ram, "alice", SERIAL, SEED)
    assert info.value.code == "EntityAlreadyExists.User.MFADevice"
    assert ram.actions() == ["BindMFADevice", "GetUserMFAInfo"]


# -- the resource ----------------------------------------------------------------------------------

def test_without_no_log_or_seed_file_nothing_is_sent():
    ram = FakeRam()
    with pytest.raises(InputError) as info:
        run(dict(user_name="alice"), ram)
    assert "no_log: true" in info.value.message and "seed_file" in info.value.message
    assert ram.calls == []


def test_new_device_returns_the_seed_once_to_a_no_log_task(monkeypatch):
    monkeypatch.setattr(mfa, "bind", lambda client, user, serial, seed: None)
    ram = FakeRam({"GetUserMFAInfo": [NO_MFA, BOUND], "ListVirtualMFADevices": [NONE_LISTED, LISTED],
                   "CreateVirtualMFADevice": CREATED})
    task = task_for(mfa.USER_MFA, dict(user_name="alice"), ram=ram, no_log=True)
    result = mfa.USER_MFA.run(task)
    assert result["changed"] and result["base32_seed"] == SEED and result["qr_code_png"] == "iVBORw0KGgo="
    assert result["otpauth_uri"].startswith("otpauth://totp/") and "issuer=Alibaba" in result["otpauth_uri"]
    assert result["mfa_device"] == dict(user_name="alice", serial_number=SERIAL, bind_date="2026-11-23T10:00:00Z",
                                        type="VMFA")
    assert SEED not in task.secrets  # returned on purpose: the task's no_log hides it


def test_failed_binding_deletes_the_device_and_its_seed_file(monkeypatch, tmp_path):
    def refuse(client, user, serial, seed):
        assert os.path.exists(seed_file)  # delivered before binding
        raise RamError("BindMFADevice", code="CheckAuthenticationCodeFail", message="wrong codes")

    monkeypatch.setattr(mfa, "bind", refuse)
    seed_file = str(tmp_path / "alice.json")
    ram = FakeRam({"GetUserMFAInfo": NO_MFA, "ListVirtualMFADevices": NONE_LISTED,
                   "CreateVirtualMFADevice": CREATED, "DeleteVirtualMFADevice": {}})
    with pytest.raises(RamError):
        run(dict(user_name="alice", seed_file=seed_file), ram)
    assert ram.calls[-1] == ("DeleteVirtualMFADevice", dict(SerialNumber=SERIAL))
    assert not os.path.exists(seed_file)


def test_seed_file_holds_the_seed_and_the_result_does_not(monkeypatch, tmp_path):
    monkeypatch.setattr(mfa, "bind", lambda client, user, serial, seed: None)
    seed_file = str(tmp_path / "alice.json")
    ram = FakeRam({"GetUserMFAInfo": [NO_MFA, BOUND], "ListVirtualMFADevices": [NONE_LISTED, LISTED],
                   "CreateVirtualMFADevice": CREATED})
    result = run(dict(user_name="alice", seed_file=seed_file), ram)
    assert result["seed_file"] == seed_file and "base32_seed" not in result
    assert json.loads(open(seed_file).read())["base32_seed"] == SEED


def test_unbound_leftover_is_replaced_with_a_warning(monkeypatch, tmp_path):
    monkeypatch.setattr(mfa, "bind", lambda client, user, serial, seed: None)
    leftover = {"VirtualMFADevices": {"VirtualMFADevice": [{"SerialNumber": SERIAL}]}}
    ram = FakeRam({"GetUserMFAInfo": [NO_MFA, BOUND], "ListVirtualMFADevices": [leftover, LISTED],
                   "CreateVirtualMFADevice": CREATED, "DeleteVirtualMFADevice": {}})
    task = task_for(mfa.USER_MFA, dict(user_name="alice", seed_file=str(tmp_path / "s.json")), ram=ram)
    mfa.USER_MFA.run(task)
    assert ram.actions()[:4] == ["GetUserMFAInfo", "ListVirtualMFADevices", "DeleteVirtualMFADevice",
                                 "CreateVirtualMFADevice"]
    assert "Deleted the unbound MFA device" in task.warnings[0]


def test_a_device_of_that_name_bound_to_another_user_is_never_touched(tmp_path):
    taken = {"VirtualMFADevices": {"VirtualMFADevice": [{"SerialNumber": SERIAL, "User": {"UserName": "bob"}}]}}
    ram = FakeRam({"GetUserMFAInfo": NO_MFA, "ListVirtualMFADevices": taken})
    with pytest.raises(TaskFailed) as info:
        run(dict(user_name="carol", device_name="alice", seed_file=str(tmp_path / "s.json")), ram)
    assert "bound to user bob" in str(info.value)
    assert ram.actions() == ["GetUserMFAInfo", "ListVirtualMFADevices"]


def test_bound_device_is_no_change():
    ram = FakeRam({"GetUserMFAInfo": BOUND, "ListVirtualMFADevices": LISTED})
    result = run(dict(user_name="alice"), ram, no_log=True)
    assert result["changed"] is False and "base32_seed" not in result


def test_absent_unbinds_and_deletes_a_virtual_device():
    ram = FakeRam({"GetUserMFAInfo": BOUND, "UnbindMFADevice": {}, "DeleteVirtualMFADevice": {}})
    result = run(dict(user_name="alice", state="absent"), ram, diff=True)
    assert result["changed"] and result["diff"]["before"]["serial_number"] == SERIAL
    assert ram.actions() == ["GetUserMFAInfo", "UnbindMFADevice", "DeleteVirtualMFADevice"]


def test_absent_for_a_missing_user_is_no_change():
    ram = FakeRam({"GetUserMFAInfo": missing("GetUserMFAInfo", "EntityNotExist.User"),
                   "ListVirtualMFADevices": NONE_LISTED})
    assert run(dict(user_name="gone", state="absent"), ram)["changed"] is False


def test_invalid_device_name_fails_before_any_call(tmp_path):
    ram = FakeRam()
    with pytest.raises(InputError) as info:
        run(dict(user_name="alice", device_name="under_score", seed_file=str(tmp_path / "s.json")), ram)
    assert info.value.option == "device_name" and ram.calls == []
