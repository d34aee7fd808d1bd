"""Units of module_utils/ram/account_settings.py: ranges, views, plans and the whole-setting writes of
ram_password_policy and ram_security_preference."""

import pytest
from fake_ram import FakeRam, make_task

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import account_settings as settings
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError


# --- ram_password_policy -----------------------------------------------------------------------

def test_password_policy_ranges():
    assert settings.password_policy_problems({"minimum_password_length": 8, "max_login_attempts": 32}) == []
    problems = settings.password_policy_problems({"minimum_password_length": 7, "max_password_age": 1096,
                                                  "password_reuse_prevention": -1, "max_login_attempts": 33})
    assert len(problems) == 4
    assert ("minimum_password_length", "minimum_password_length must be between 8 and 32, got 7.") in problems


def test_password_policy_view_fixes_the_api_spelling():
    view = settings.password_policy_view({"MinimumPasswordLength": 8, "MaxLoginAttemps": 5, "RequireSymbols": False})
    assert view == {"minimum_password_length": 8, "max_login_attempts": 5, "require_symbols": False}


def test_password_policy_plan_merges_unset_options():
    current = {"minimum_password_length": 8, "require_symbols": False, "max_login_attempts": 5}
    params = dict.fromkeys(settings.PASSWORD_FIELDS)
    params.update(minimum_password_length=12, max_login_attempts=5)
    changes, after = settings.plan_password_policy(current, params)
    assert changes == {"minimum_password_length": 12}
    assert after == {"minimum_password_length": 12, "require_symbols": False, "max_login_attempts": 5}
    assert settings.plan_password_policy(current, dict.fromkeys(settings.PASSWORD_FIELDS)) == ({}, current)


def test_password_policy_false_is_a_value_not_unset():
    params = dict(dict.fromkeys(settings.PASSWORD_FIELDS), hard_expiry=False)
    changes, _after = settings.plan_password_policy({"hard_expiry": True}, params)
    assert changes == {"hard_expiry": False}


# --- ram_security_preference -------------------------------------------------------------------

REMOTE_PREFERENCE = {
    "AccessKeyPreference": {"AllowUserToManageAccessKeys": False},
    "LoginProfilePreference": {"AllowUserToChangePassword": True, "EnableSaveMFATicket": False,
                               "LoginNetworkMasks": "10.0.0.0/8;192.0.2.0/24", "LoginSessionDuration": 6},
    "MFAPreference": {"AllowUserToManageMFADevices": True},
    "PublicKeyPreference": {"AllowUserToManagePublicKeys": False},
}


def test_split_masks_accepts_both_forms():
    assert settings.split_masks(None) is None
    assert settings.split_masks("") == []
    assert settings.split_masks("a; b") == ["a", "b"]
    assert settings.split_masks(["a", "b;c", ""]) == ["a", "b", "c"]


def test_preference_view_is_flat():
    view = settings.security_preference_view(REMOTE_PREFERENCE)
    assert view == {"allow_user_to_change_password": True, "allow_user_to_manage_access_keys": False,
                    "allow_user_to_manage_mfa_devices": True, "allow_user_to_manage_public_keys": False,
                    "enable_save_mfa_ticket": False, "login_network_masks": ["10.0.0.0/8", "192.0.2.0/24"],
                    "login_session_duration": 6}
    empty = settings.security_preference_view({"LoginProfilePreference": {"LoginNetworkMasks": ""}})
    assert empty["login_network_masks"] == []


def test_mask_order_is_no_change():
    current = settings.security_preference_view(REMOTE_PREFERENCE)
    params = dict(dict.fromkeys(settings.PREFERENCE_FIELDS), login_network_masks=["192.0.2.0/24;10.0.0.0/8"])
    assert settings.plan_security_preference(current, params)[0] == {}
    params = dict(dict.fromkeys(settings.PREFERENCE_FIELDS), login_network_masks=[])
    changes, after = settings.plan_security_preference(current, params)
    assert changes == {"login_network_masks": []} and after["login_network_masks"] == []


def test_request_carries_the_whole_preference():
    current = settings.security_preference_view(REMOTE_PREFERENCE)
    params = dict(dict.fromkeys(settings.PREFERENCE_FIELDS), login_session_duration=8)
    _changes, after = settings.plan_security_preference(current, params)
    request = settings.security_preference_request(after)
    assert request["LoginSessionDuration"] == 8
    assert request["LoginNetworkMasks"] == "10.0.0.0/8;192.0.2.0/24"
    assert request["AllowUserToManageMFADevices"] is True and len(request) == 7


def test_preference_validation():
    good = {"login_session_duration": 24, "login_network_masks": ["192.0.2.0/24", "2001:db8::/32"]}
    assert settings.security_preference_problems(good) == []
    bad = {"login_session_duration": 0, "login_network_masks": ["300.1.1.1/8"]}
    assert [option for option, _message in settings.security_preference_problems(bad)] == [
        "login_session_duration", "login_network_masks"]
    many = ["10.%d.0.0/16" % i for i in range(41)]
    assert any("at most 40" in message for _option, message in
               settings.security_preference_problems({"login_network_masks": many}))


# --- get -> merge -> set the whole setting ------------------------------------------------------

def password_params(**values):
    params = dict.fromkeys(settings.PASSWORD_POLICY.argument_spec)
    params.update(values)
    return params


def test_all_problems_are_reported_at_once_before_any_call():
    ram = FakeRam()
    with pytest.raises(InputError) as info:
        settings.run_password_policy(make_task(password_params(minimum_password_length=7, max_login_attempts=40), ram))
    assert "minimum_password_length" in str(info.value) and "max_login_attempts" in str(info.value)
    assert info.value.option is None and ram.calls == []
    with pytest.raises(InputError) as info:
        settings.run_password_policy(make_task(password_params(max_login_attempts=40), ram))
    assert info.value.option == "max_login_attempts"


def test_set_sends_the_whole_policy():
    ram = FakeRam({"GetPasswordPolicy": {"PasswordPolicy": {"MinimumPasswordLength": 8, "RequireSymbols": True,
                                                            "MaxLoginAttemps": 5}},
                   "SetPasswordPolicy": lambda p: {"PasswordPolicy": dict(p)}})
    result = settings.run_password_policy(make_task(password_params(minimum_password_length=14), ram))
    assert ram.calls[1] == ("SetPasswordPolicy", {"MinimumPasswordLength": 14, "RequireSymbols": True,
                                                  "MaxLoginAttemps": 5})
    assert result["changed"] and result["password_policy"]["minimum_password_length"] == 14
    assert result["diff"]["before"]["minimum_password_length"] == 8


def test_no_change_and_check_mode_make_only_the_read():
    ram = FakeRam({"GetSecurityPreference": {"SecurityPreference": REMOTE_PREFERENCE}})
    params = dict(dict.fromkeys(settings.PREFERENCE_FIELDS), login_network_masks=["192.0.2.0/24", "10.0.0.0/8"])
    assert not settings.run_security_preference(make_task(params, ram))["changed"]
    params["login_session_duration"] = 8
    result = settings.run_security_preference(make_task(params, ram, check_mode=True))
    assert result["changed"] and result["security_preference"]["login_session_duration"] == 8
    assert ram.actions() == ["GetSecurityPreference", "GetSecurityPreference"]
