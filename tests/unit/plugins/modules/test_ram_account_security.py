"""Units of the account security modules' pure logic: password policy and preference plans (the login
profile and MFA units moved to tests/unit/plugins/module_utils/test_ram_{login_profiles,mfa}.py)."""

from ansible_collections.cloudbroker.alibaba.plugins.modules import ram_password_policy as policy
from ansible_collections.cloudbroker.alibaba.plugins.modules import ram_security_preference as pref


# --- ram_password_policy -----------------------------------------------------------------------

def test_password_policy_ranges():
    assert policy.validate({"minimum_password_length": 8, "max_login_attempts": 32}) == []
    errors = policy.validate({"minimum_password_length": 7, "max_password_age": 1096,
                              "password_reuse_prevention": -1, "max_login_attempts": 33})
    assert len(errors) == 4
    assert "minimum_password_length must be between 8 and 32, got 7." in errors


def test_password_policy_view_fixes_the_api_spelling():
    view = policy.policy_view({"MinimumPasswordLength": 8, "MaxLoginAttemps": 5, "RequireSymbols": False})
    assert view == {"minimum_password_length": 8, "max_login_attempts": 5, "require_symbols": False}


def test_password_policy_plan_merges_unset_options():
    current = {"minimum_password_length": 8, "require_symbols": False, "max_login_attempts": 5}
    params = dict.fromkeys(policy.FIELDS)
    params.update(minimum_password_length=12, max_login_attempts=5)
    changes, after = policy.plan(current, params)
    assert changes == {"minimum_password_length": 12}
    assert after == {"minimum_password_length": 12, "require_symbols": False, "max_login_attempts": 5}
    assert policy.plan(current, dict.fromkeys(policy.FIELDS)) == ({}, current)


def test_password_policy_false_is_a_value_not_unset():
    changes, _after = policy.plan({"hard_expiry": True}, dict(dict.fromkeys(policy.FIELDS), hard_expiry=False))
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
    assert pref.split_masks(None) is None
    assert pref.split_masks("") == []
    assert pref.split_masks("a; b") == ["a", "b"]
    assert pref.split_masks(["a", "b;c", ""]) == ["a", "b", "c"]


def test_preference_view_is_flat():
    view = pref.preference_view(REMOTE_PREFERENCE)
    assert view == {"allow_user_to_change_password": True, "allow_user_to_manage_access_keys": False,
                    "allow_user_to_manage_mfa_devices": True, "allow_user_to_manage_public_keys": False,
                    "enable_save_mfa_ticket": False, "login_network_masks": ["10.0.0.0/8", "192.0.2.0/24"],
                    "login_session_duration": 6}
    assert pref.preference_view({"LoginProfilePreference": {"LoginNetworkMasks": ""}})["login_network_masks"] == []


def test_mask_order_is_no_change():
    current = pref.preference_view(REMOTE_PREFERENCE)
    params = dict(dict.fromkeys(pref.FIELDS), login_network_masks=["192.0.2.0/24;10.0.0.0/8"])
    assert pref.plan(current, params)[0] == {}
    changes, after = pref.plan(current, dict(dict.fromkeys(pref.FIELDS), login_network_masks=[]))
    assert changes == {"login_network_masks": []} and after["login_network_masks"] == []


def test_request_carries_the_whole_preference():
    current = pref.preference_view(REMOTE_PREFERENCE)
    _changes, after = pref.plan(current, dict(dict.fromkeys(pref.FIELDS), login_session_duration=8))
    request = pref.request_params(after)
    assert request["LoginSessionDuration"] == 8
    assert request["LoginNetworkMasks"] == "10.0.0.0/8;192.0.2.0/24"
    assert request["AllowUserToManageMFADevices"] is True and len(request) == 7


def test_preference_validation():
    assert pref.validate({"login_session_duration": 24, "login_network_masks": ["192.0.2.0/24", "2001:db8::/32"]}) == []
    errors = pref.validate({"login_session_duration": 0, "login_network_masks": ["300.1.1.1/8"]})
    assert len(errors) == 2
    many = ["10.%d.0.0/16" % i for i in range(41)]
    assert any("at most 40" in e for e in pref.validate({"login_network_masks": many}))
