"""Account security modules (login profile, virtual MFA, security preference, password policy) through
ansible-playbook against the local RAM service; state read back with the SDK, secrets looked for in
-vvvv output."""

import json
import os
import random
import stat
import string
import uuid

import pyotp
import pytest
from alibabacloud_ram20150501 import models as ram_models
from Tea.exceptions import TeaException

pytestmark = pytest.mark.integration


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def strong_password():
    return "Cb-%s-Aa1!" % uuid.uuid4().hex[:12]  # 20 characters (RAM allows 8-32)


def create_user(ram, name):
    ram.create_user(ram_models.CreateUserRequest(user_name=name))


def mfa_info(ram, user_name):
    """The bound device's serial number, or None."""
    try:
        body = ram.get_user_mfainfo(ram_models.GetUserMFAInfoRequest(user_name=user_name)).body
    except TeaException as error:
        if error.code == "EntityNotExist.User.MFADevice":
            return None
        raise
    return body.mfadevice.serial_number


def devices(ram):
    body = ram.list_virtual_mfadevices().body
    return {d.serial_number: d for d in body.virtual_mfadevices.virtual_mfadevice}


def password_policy(ram):
    return ram.get_password_policy().body.password_policy.to_map()


def security_preference(ram):
    return ram.get_security_preference().body.security_preference.to_map()


# --------------------------------------------------------------------------------------------
# The targets (each restores what it changes at account level)
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["ram_password_policy", "ram_security_preference"])
def test_account_target_restores_settings(ansible, ram, target):
    before = (password_policy(ram), security_preference(ram))
    ansible.run_target(target).assert_ok()
    assert (password_policy(ram), security_preference(ram)) == before


def test_login_profile_target_never_shows_the_password(ansible):
    password = strong_password()
    # through the environment: -vvvv prints the command line, so -e would show it
    run = ansible.run_target("ram_login_profile", extra_env={"CB_TEST_LOGIN_PASSWORD": password}, verbosity=4)
    run.assert_ok()
    assert password not in run.output
    assert password + "-Two2" not in run.output


# --------------------------------------------------------------------------------------------
# Login profile
# --------------------------------------------------------------------------------------------

def test_login_profile_on_create_is_idempotent_and_secret(ansible, ram):
    name = unique("console")
    password = strong_password()
    create_user(ram, name)
    task = {"cloudbroker.alibaba.ram_login_profile": {
        "user_name": name, "password": "{{ lookup('ansible.builtin.env', 'CB_TEST_PW') }}", "mfa_bind_required": True},
        "register": "r"}
    env = {"CB_TEST_PW": password}  # not -e: -vvvv prints the command line
    first = ansible.run_tasks([task], extra_env=env, verbosity=4, diff=True).assert_ok()
    second = ansible.run_tasks([task], extra_env=env, verbosity=4, diff=True).assert_ok()
    assert first.recap()["localhost"]["changed"] == 1
    assert second.recap()["localhost"]["changed"] == 0
    for run in (first, second):
        assert password not in run.output
    profile = ram.get_login_profile(ram_models.GetLoginProfileRequest(user_name=name)).body.login_profile
    assert (profile.user_name, profile.mfabind_required, profile.password_reset_required) == (name, True, False)


def test_weak_password_gives_the_clean_ram_error(ansible, ram):
    name = unique("weak")
    create_user(ram, name)
    weak = "onlylower" + "".join(random.choices(string.ascii_lowercase, k=8))
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_login_profile": {"user_name": name, "password": weak}}],
                            verbosity=4)
    assert run.rc != 0
    assert "CreateLoginProfile failed: InvalidParameter.Password.TooWeak" in run.output
    assert "Traceback" not in run.output
    assert weak not in run.output
    with pytest.raises(TeaException) as info:
        ram.get_login_profile(ram_models.GetLoginProfileRequest(user_name=name))
    assert info.value.code == "EntityNotExist.User.LoginProfile"


# --------------------------------------------------------------------------------------------
# Virtual MFA
# --------------------------------------------------------------------------------------------

def read_seed_file(path):
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def test_mfa_bound_with_codes_the_service_verified(ansible, ram, tmp_path):
    name = unique("mfa")
    create_user(ram, name)
    seed_file = str(tmp_path / "seed.json")
    task = {"cloudbroker.alibaba.ram_user_mfa": {"user_name": name, "seed_file": seed_file}, "register": "r"}

    first = ansible.run_tasks([task], verbosity=4).assert_ok()
    content = read_seed_file(seed_file)
    seed = content["base32_seed"]
    assert first.recap()["localhost"]["changed"] == 1
    assert seed not in first.output and content["otpauth_uri"] not in first.output
    serial = mfa_info(ram, name)
    assert serial == content["serial_number"] and serial.endswith(":mfa/" + name)
    device = devices(ram)[serial]
    assert device.user.user_name == name and device.activate_date
    # the enrolled seed is the device's: an authenticator app fed with the URI shows the same codes
    assert pyotp.parse_uri(content["otpauth_uri"]).secret == seed
    assert len(pyotp.TOTP(seed).now()) == 6

    os.unlink(seed_file)
    second = ansible.run_tasks([task], verbosity=4).assert_ok()
    assert second.recap()["localhost"]["changed"] == 0
    assert not os.path.exists(seed_file)  # no new device, no new seed
    assert mfa_info(ram, name) == serial
    assert [s for s in devices(ram) if s.endswith(":mfa/" + name)] == [serial]

    absent = {"cloudbroker.alibaba.ram_user_mfa": {"user_name": name, "state": "absent"}}
    ansible.run_tasks([absent]).assert_ok()
    assert mfa_info(ram, name) is None
    assert serial not in devices(ram)
    again = ansible.run_tasks([absent]).assert_ok()
    assert again.recap()["localhost"]["changed"] == 0


def test_mfa_seed_hidden_with_the_no_log_pattern(ansible, ram, tmp_path):
    """The documented hand-on: register with no_log, pass on only in no_log tasks; -vvvv shows nothing."""
    name = unique("mfanolog")
    create_user(ram, name)
    uri_file = str(tmp_path / "uri")
    tasks = [
        {"name": "bind", "cloudbroker.alibaba.ram_user_mfa": {"user_name": name}, "register": "mfa",
         "no_log": True},
        {"name": "hand on", "ansible.builtin.copy": {"content": "{{ mfa.otpauth_uri }}", "dest": uri_file,
                                                     "mode": "0600"},
         "when": "mfa.otpauth_uri is defined", "no_log": True},
        {"name": "check", "ansible.builtin.assert": {"that": ["mfa is changed", "mfa.base32_seed is defined"]}},
    ]
    run = ansible.run_tasks(tasks, verbosity=4).assert_ok()
    with open(uri_file, encoding="utf-8") as handle:
        uri = handle.read()
    seed = pyotp.parse_uri(uri).secret
    assert seed not in run.output and uri not in run.output
    assert mfa_info(ram, name)


def test_mfa_without_no_log_or_seed_file_is_refused_before_any_call(ansible, sandbox, ram):
    name = unique("mfarefuse")
    create_user(ram, name)
    sandbox.reset_counters("ram")
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_user_mfa": {"user_name": name}}])
    assert run.rc != 0 and "no_log: true" in run.output
    assert sandbox.counters("ram") == {}
    assert mfa_info(ram, name) is None


def test_unbound_device_left_by_a_failed_run_is_replaced(ansible, ram, tmp_path):
    name = unique("mfastale")
    create_user(ram, name)
    # what an interrupted run leaves: a device (its seed lost) that nobody is bound to
    stale = ram.create_virtual_mfadevice(ram_models.CreateVirtualMFADeviceRequest(virtual_mfadevice_name=name))
    stale_seed = stale.body.virtual_mfadevice.base_32string_seed
    seed_file = str(tmp_path / "seed.json")
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_user_mfa": {"user_name": name, "seed_file": seed_file}}])
    run.assert_ok()
    assert "Deleted the unbound MFA device" in run.output
    content = read_seed_file(seed_file)
    assert content["base32_seed"] != stale_seed
    assert mfa_info(ram, name) == content["serial_number"]
    assert [s for s in devices(ram) if s.endswith(":mfa/" + name)] == [content["serial_number"]]


def test_absent_removes_an_unbound_leftover(ansible, ram):
    name = unique("mfaleft")
    create_user(ram, name)
    ram.create_virtual_mfadevice(ram_models.CreateVirtualMFADeviceRequest(virtual_mfadevice_name=name))
    task = [{"cloudbroker.alibaba.ram_user_mfa": {"user_name": name, "state": "absent"}}]
    first = ansible.run_tasks(task).assert_ok()
    second = ansible.run_tasks(task).assert_ok()
    assert (first.recap()["localhost"]["changed"], second.recap()["localhost"]["changed"]) == (1, 0)
    assert not [s for s in devices(ram) if s.endswith(":mfa/" + name)]


# --------------------------------------------------------------------------------------------
# Account settings: the SDK sees what the module set, and unset options are not reset
# --------------------------------------------------------------------------------------------

def test_password_policy_partial_update_keeps_the_rest(ansible, ram):
    original = password_policy(ram)
    try:
        ansible.run_tasks([{"cloudbroker.alibaba.ram_password_policy": {
            "minimum_password_length": 20, "max_login_attempts": 7}}]).assert_ok()
        ansible.run_tasks([{"cloudbroker.alibaba.ram_password_policy": {"require_symbols": True}}]).assert_ok()
        policy = password_policy(ram)
        assert (policy["MinimumPasswordLength"], policy["MaxLoginAttemps"], policy["RequireSymbols"]) == (20, 7, True)
        assert policy["RequireNumbers"] == original["RequireNumbers"]
    finally:
        ram.set_password_policy(ram_models.SetPasswordPolicyRequest().from_map(original))
    assert password_policy(ram) == original


def test_security_preference_masks_reach_the_service(ansible, ram):
    original = security_preference(ram)
    try:
        run = ansible.run_tasks([{"cloudbroker.alibaba.ram_security_preference": {
            "login_network_masks": ["10.0.0.0/8", "192.0.2.0/24"], "login_session_duration": 3}}]).assert_ok()
        assert run.recap()["localhost"]["changed"] == 1
        login = security_preference(ram)["LoginProfilePreference"]
        assert sorted(login["LoginNetworkMasks"].split(";")) == ["10.0.0.0/8", "192.0.2.0/24"]
        assert login["LoginSessionDuration"] == 3
    finally:
        flat = {}
        for group in original.values():
            flat.update(group)
        ram.set_security_preference(ram_models.SetSecurityPreferenceRequest().from_map(flat))
    assert security_preference(ram) == original
