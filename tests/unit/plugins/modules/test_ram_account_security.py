"""Units of the account security modules' pure logic: password checks, flag deltas, TOTP code pairs
around window boundaries, device lookup, the seed file. (Password policy and security preference:
module_utils/ram/test_account_settings.py.)"""


import pyotp
import pytest

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_ram import RamError
from ansible_collections.cloudbroker.alibaba.plugins.modules import ram_login_profile as login
from ansible_collections.cloudbroker.alibaba.plugins.modules import ram_user_mfa as mfa

STRICT = {"MinimumPasswordLength": 12, "RequireLowercaseCharacters": True, "RequireUppercaseCharacters": True,
          "RequireNumbers": True, "RequireSymbols": True}


# --- ram_login_profile -------------------------------------------------------------------------

def test_strong_password_breaks_no_rule():
    assert login.password_problems("Str0ng!Password", STRICT) == []


def test_password_problems_name_the_rules_not_the_password():
    problems = login.password_problems("short", STRICT)
    assert problems == ["at least 12 characters", "an uppercase letter", "a digit", "a special character"]
    assert not any("short" in p for p in problems)


def test_password_without_policy_needs_eight_characters():
    assert login.password_problems("abcdefg", {}) == ["at least 8 characters"]
    assert login.password_problems("abcdefgh", None) == []


def test_unset_flags_are_never_planned():
    current = {"password_reset_required": True, "mfa_bind_required": False}
    params = {"password_reset_required": None, "mfa_bind_required": True}
    assert login.plan_flags(current, params) == {"mfa_bind_required": True}
    assert login.plan_flags(current, {"password_reset_required": True, "mfa_bind_required": None}) == {}


def test_profile_view_has_no_password():
    remote = {"UserName": "alice", "PasswordResetRequired": True, "MFABindRequired": False,
              "CreateDate": "2026-11-23T10:00:00Z", "Password": "leak"}
    assert login.profile_view(remote) == {"user_name": "alice", "password_reset_required": True,
                                          "mfa_bind_required": False, "create_date": "2026-11-23T10:00:00Z"}


def test_scrub_removes_an_echoed_password():
    error = RamError("CreateLoginProfile", code="InvalidParameter.Password.TooWeak",
                     message="password Secret-123 is too weak")
    scrubbed = login.scrub(error, "Secret-123")
    assert "Secret-123" not in scrubbed.describe()
    assert "InvalidParameter.Password.TooWeak" in scrubbed.describe()
    assert "password policy" in scrubbed.describe()


# --- ram_user_mfa ------------------------------------------------------------------------------

SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


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


class FakeClient:
    """Scripted BindMFADevice answers; GetUserMFAInfo says whether the device got bound."""

    def __init__(self, bind_errors, bound_after=None):
        self.bind_errors = list(bind_errors)
        self.bound_after = bound_after
        self.binds = []

    def call(self, action, idempotent=True, **params):
        assert action == "BindMFADevice" and idempotent is False
        self.binds.append((params["AuthenticationCode1"], params["AuthenticationCode2"]))
        if self.bind_errors:
            raise self.bind_errors.pop(0)
        return {}

    def get(self, action, missing_code, **params):
        return {"MFADevice": {"SerialNumber": self.bound_after}} if self.bound_after else None


def code_fail():
    return RamError("BindMFADevice", code="CheckAuthenticationCodeFail", message="wrong codes", status=403)


def test_bind_retries_once_with_the_other_pair():
    client = FakeClient([code_fail()])
    mfa.bind(client, "alice", "serial", SEED)
    assert len(client.binds) == 2


def test_bind_gives_up_after_both_pairs():
    client = FakeClient([code_fail(), code_fail()])
    with pytest.raises(RamError) as info:
        mfa.bind(client, "alice", "serial", SEED)
    assert info.value.code == "CheckAuthenticationCodeFail" and "clock" in info.value.message
    assert len(client.binds) == 2


def test_bind_whose_answer_was_lost_counts_as_bound():
    client = FakeClient([RamError("BindMFADevice", code="InternalError", status=500)], bound_after="serial")
    mfa.bind(client, "alice", "serial", SEED)
    assert len(client.binds) == 1


def test_other_bind_errors_are_not_retried():
    client = FakeClient([RamError("BindMFADevice", code="EntityAlreadyExists.User.MFADevice", status=409)])
    with pytest.raises(RamError) as info:
        mfa.bind(client, "alice", "serial", SEED)
    assert info.value.code == "EntityAlreadyExists.User.MFADevice" and len(client.binds) == 1
