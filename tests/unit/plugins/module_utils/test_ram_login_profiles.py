"""Units of module_utils/ram/login_profiles.py: flags left alone unless set, the password never shown,
check mode predicting RAM's verdict on a weak password, and the calls each case makes."""

import pytest

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.login_profiles import (
    LOGIN_PROFILE,
    password_problems,
    plan_flags,
    profile_view,
    scrub,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, TaskFailed

from ram_fakes import FakeRam, missing, task_for

PASSWORD = "Str0ng-Passw0rd!"
PROFILE = {"LoginProfile": {"UserName": "alice", "PasswordResetRequired": False, "MFABindRequired": True,
                            "CreateDate": "2026-11-23T10:00:00Z"}}
POLICY = {"PasswordPolicy": {"MinimumPasswordLength": 12, "RequireLowercaseCharacters": True,
                             "RequireUppercaseCharacters": True, "RequireNumbers": True, "RequireSymbols": True}}


def run(args, ram, **kwargs):
    return LOGIN_PROFILE.run(task_for(LOGIN_PROFILE, args, ram=ram, **kwargs))


# -- pure logic ------------------------------------------------------------------------------------

def test_strong_password_breaks_no_rule():
    assert password_problems("Str0ng!Password", POLICY["PasswordPolicy"]) == []


def test_password_problems_name_the_rules_not_the_password():
    problems = password_problems("short", POLICY["PasswordPolicy"])
    assert problems == ["at least 12 characters", "an uppercase letter", "a digit", "a special character"]
    assert not any("short" in p for p in problems)


def test_password_without_policy_needs_eight_characters():
    assert password_problems("abcdefg", {}) == ["at least 8 characters"]
    assert password_problems("abcdefgh", None) == []


def test_unset_flags_are_never_planned():
    current = {"password_reset_required": True, "mfa_bind_required": False}
    params = {"password_reset_required": None, "mfa_bind_required": True}
    assert plan_flags(current, params) == {"mfa_bind_required": True}
    assert plan_flags(current, {"password_reset_required": True, "mfa_bind_required": None}) == {}


def test_profile_view_has_no_password():
    remote = {"UserName": "alice", "PasswordResetRequired": True, "MFABindRequired": False,
              "CreateDate": "2026-11-23T10:00:00Z", "Password": "leak"}
    assert profile_view(remote) == {"user_name": "alice", "password_reset_required": True,
                                    "mfa_bind_required": False, "create_date": "2026-11-23T10:00:00Z"}


def test_scrub_removes_an_echoed_password():
    error = RamError("CreateLoginProfile", code="InvalidParameter.Password.TooWeak",
                     message="password Secret-123 is too weak")
    scrubbed = scrub(error, "Secret-123")
    assert "Secret-123" not in scrubbed.describe() and "Secret-123" not in str(scrubbed)
    assert "InvalidParameter.Password.TooWeak" in scrubbed.describe()
    assert "password policy" in scrubbed.describe()


# -- the resource ----------------------------------------------------------------------------------


def test_existing_profile_with_unset_flags_is_one_read_and_no_change():
    ram = FakeRam({"GetLoginProfile": PROFILE})
    result = run(dict(user_name="alice", password=PASSWORD), ram)
    assert result["changed"] is False and result["password_updated"] is False
    assert ram.actions() == ["GetLoginProfile"]


def test_create_sends_only_the_flags_that_are_set():
    ram = FakeRam({"GetLoginProfile": missing("GetLoginProfile", "EntityNotExist.User.LoginProfile"),
                   "CreateLoginProfile": PROFILE})
    result = run(dict(user_name="alice", password=PASSWORD, mfa_bind_required=True), ram, diff=True)
    assert ram.calls[1] == ("CreateLoginProfile", dict(Password=PASSWORD, UserName="alice", MFABindRequired=True))
    assert result["changed"] and result["password_updated"]
    assert result["diff"] == dict(before={}, after=dict(result["login_profile"],
                                                        password="(set by this run, not shown)"))
    assert PASSWORD not in repr(result)


def test_profile_created_by_a_retried_request_is_read_back():
    ram = FakeRam({"GetLoginProfile": [missing("GetLoginProfile", "EntityNotExist.User.LoginProfile"), PROFILE],
                   "CreateLoginProfile": missing("CreateLoginProfile", "EntityAlreadyExists.User.LoginProfile")})
    result = run(dict(user_name="alice", password=PASSWORD), ram)
    assert result["changed"] and result["login_profile"]["create_date"] == "2026-11-23T10:00:00Z"


def test_creation_without_password_names_the_option():
    ram = FakeRam({"GetLoginProfile": missing("GetLoginProfile", "EntityNotExist.User.LoginProfile")})
    with pytest.raises(TaskFailed) as info:
        run(dict(user_name="alice"), ram)
    assert "password is required" in str(info.value)


def test_check_mode_predicts_a_weak_password_without_a_failed_call():
    ram = FakeRam({"GetLoginProfile": missing("GetLoginProfile", "EntityNotExist.User.LoginProfile"),
                   "GetPasswordPolicy": POLICY})
    with pytest.raises(TaskFailed) as info:
        run(dict(user_name="alice", password="weakpassword"), ram, check_mode=True)
    assert info.value.fields["error"]["code"] == "InvalidParameter.Password.TooWeak"
    assert info.value.fields["error"]["action"] == "CreateLoginProfile"
    assert "GetPasswordPolicy failed" not in str(info.value) and "weakpassword" not in str(info.value)
    assert ram.actions() == ["GetLoginProfile", "GetPasswordPolicy"]


def test_an_echoed_password_is_cut_out_of_rams_error():
    echo = RamError("UpdateLoginProfile", code="InvalidParameter.Password.TooWeak",
                    message="password %s is too weak" % PASSWORD, request_id="REQ-9")
    ram = FakeRam({"GetLoginProfile": PROFILE, "UpdateLoginProfile": echo})
    with pytest.raises(RamError) as info:
        run(dict(user_name="alice", password=PASSWORD, update_password="always"), ram)
    assert PASSWORD not in info.value.describe() and PASSWORD not in str(info.value)
    assert "ram_password_policy" in info.value.describe()


def test_flag_change_updates_only_that_flag():
    ram = FakeRam({"GetLoginProfile": PROFILE, "UpdateLoginProfile": {}})
    result = run(dict(user_name="alice", password_reset_required=True), ram)
    assert ram.calls[1] == ("UpdateLoginProfile", dict(UserName="alice", PasswordResetRequired=True))
    assert result["changed"] and result["password_updated"] is False


def test_absent_for_a_missing_user_is_no_change():
    ram = FakeRam({"GetLoginProfile": missing("GetLoginProfile", "EntityNotExist.User")})
    assert run(dict(user_name="gone", state="absent"), ram)["changed"] is False
    assert ram.actions() == ["GetLoginProfile"]


def test_present_for_a_missing_user_is_rams_error():
    ram = FakeRam({"GetLoginProfile": missing("GetLoginProfile", "EntityNotExist.User")})
    with pytest.raises(RamError) as info:
        run(dict(user_name="gone", password=PASSWORD), ram)
    assert info.value.code == "EntityNotExist.User"


@pytest.mark.parametrize("args,option", [
    (dict(user_name="bad name!"), "user_name"),
    (dict(user_name="alice", password="x" * 33), "password"),
])
def test_bad_input_fails_before_any_call(args, option):
    ram = FakeRam()
    with pytest.raises(InputError) as info:
        run(args, ram)
    assert info.value.option == option and ram.calls == []
