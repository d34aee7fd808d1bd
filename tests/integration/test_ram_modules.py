"""RAM modules through ansible-playbook against the local RAM service, state read back with the SDK."""

import uuid

import pytest
from alibabacloud_ram20150501 import models as ram_models

pytestmark = pytest.mark.integration


# The target itself runs in test_shell_parity.py, through both shells.


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def attached(ram, user_name):
    body = ram.list_policies_for_user(ram_models.ListPoliciesForUserRequest(user_name=user_name)).body
    return sorted((p.policy_name, p.policy_type) for p in body.policies.policy)


def test_created_user_is_in_the_service(ansible, ram):
    name = unique("readback")
    task = {"cloudbroker.alibaba.ram_user": {
        "name": name, "display_name": "Read back", "email": "rb@example.com", "policies": ["AdministratorAccess"]},
        "register": "r"}
    # created: true only for the task that made the user (in check mode, the one that would)
    checked = [dict(task, check_mode=True), {"ansible.builtin.assert": {"that": ["r.created", "r.changed"]}}]
    ansible.run_tasks(checked).assert_ok()
    made = [task, {"ansible.builtin.assert": {"that": ["r.created", "r.changed"]}}]
    ansible.run_tasks(made).assert_ok()
    user = ram.get_user(ram_models.GetUserRequest(user_name=name)).body.user
    assert (user.user_name, user.display_name, user.email) == (name, "Read back", "rb@example.com")
    assert attached(ram, name) == [("AdministratorAccess", "System")]
    again = [task, {"ansible.builtin.assert": {"that": ["not r.created", "not r.changed"]}}]
    ansible.run_tasks(again).assert_ok()


def test_invalid_input_makes_no_remote_call(ansible, sandbox):
    sandbox.reset_counters("ram")
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_user": {"name": "no spaces allowed"}}])
    assert run.rc != 0
    assert "Invalid user name" in run.output
    assert sandbox.counters("ram") == {}


def test_bad_endpoint_is_rejected_before_any_call(ansible, sandbox):
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_user_info": {"ram_endpoint": "ftp://nowhere"}}])
    assert run.rc != 0 and "invalid endpoint" in run.output


def test_throttling_at_half_the_requests_still_converges(ansible, sandbox, ram):
    name = unique("throttled")
    sandbox.set_faults("ram", throttle_rate=0.5, seed=7)
    sandbox.reset_counters("ram")
    tasks = [{"name": "converge", "cloudbroker.alibaba.ram_user": {
        "name": name, "policies": ["AdministratorAccess", "AliyunOSSFullAccess"]}, "register": "r"}]
    defaults = {"group/cloudbroker.alibaba.ram": {"max_retries": 30}}
    first = ansible.run_tasks(tasks, module_defaults=defaults).assert_ok()
    second = ansible.run_tasks(tasks, module_defaults=defaults).assert_ok()
    sandbox.clear_faults("ram")
    # requests were really refused, and each refused operation was sent again
    sandbox.assert_faults_retried("ram")
    assert first.recap()["localhost"]["changed"] == 1
    assert second.recap()["localhost"]["changed"] == 0
    assert attached(ram, name) == [("AdministratorAccess", "System"), ("AliyunOSSFullAccess", "System")]


def test_server_errors_are_retried(ansible, sandbox):
    name = unique("errors")
    sandbox.reset_counters("ram")
    sandbox.set_faults("ram", error_rate=0.5, seed=11)
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_user": {"name": name, "max_retries": 20}},
                             {"cloudbroker.alibaba.ram_user_info": {"name": name, "max_retries": 20},
                              "register": "r"},
                             {"ansible.builtin.assert": {"that": ["r.users | map(attribute='user_name') | list == "
                                                                  "[name]"]}}], extra_vars={"name": name})
    sandbox.clear_faults("ram")
    run.assert_ok()
    sandbox.assert_faults_retried("ram")
    assert run.recap()["localhost"]["changed"] == 1


def test_proxy_in_environment_does_not_break_loopback(ansible):
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_user_info": {}, "register": "r"},
                             {"ansible.builtin.assert": {"that": ["r.users is defined"]}}],
                            extra_env={"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
                                       "http_proxy": "http://127.0.0.1:9"})
    run.assert_ok()


def test_secret_never_in_verbose_output(ansible, sandbox):
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_user_info": {"name": "nobody"}}], verbosity=4)
    run.assert_ok()
    assert sandbox.root["access_key_secret"] not in run.output


def test_user_info_reads_every_page(ansible, ram):
    """More users than one ListUsers page (100): the module must follow the Marker."""
    prefix = unique("page")
    expected = ["%s-%03d" % (prefix, i) for i in range(101)]
    for name in expected:
        ram.create_user(ram_models.CreateUserRequest(user_name=name))
    ansible.run_tasks([
        {"cloudbroker.alibaba.ram_user_info": {"name_prefix": prefix}, "register": "r"},
        {"ansible.builtin.assert": {"that": ["r.users | map(attribute='user_name') | list == expected"]}},
    ], extra_vars={"expected": expected}).assert_ok()


def test_force_delete_removes_everything_the_user_depends_on(ansible, ram):
    """Keys, policies, group membership, login profile and a bound MFA device: all go, then the user."""
    import pyotp
    import time

    name, group = unique("cascade"), unique("cascade-grp")
    ram.create_user(ram_models.CreateUserRequest(user_name=name))
    ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name=name))
    ram.attach_policy_to_user(ram_models.AttachPolicyToUserRequest(policy_name="ReadOnlyAccess", policy_type="System",
                                                                   user_name=name))
    ram.create_group(ram_models.CreateGroupRequest(group_name=group))
    ram.add_user_to_group(ram_models.AddUserToGroupRequest(group_name=group, user_name=name))
    ram.create_login_profile(ram_models.CreateLoginProfileRequest(user_name=name, password="Cascade-Pa55word!"))
    device = ram.create_virtual_mfadevice(ram_models.CreateVirtualMFADeviceRequest(
        virtual_mfadevice_name=name)).body.virtual_mfadevice
    totp, now = pyotp.TOTP(device.base_32string_seed), time.time()
    ram.bind_mfadevice(ram_models.BindMFADeviceRequest(user_name=name, serial_number=device.serial_number,
                                                       authentication_code_1=totp.at(now),
                                                       authentication_code_2=totp.at(now + 30)))

    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_user": {"name": name, "state": "absent", "force": True},
                              "register": "r"},
                             {"ansible.builtin.assert": {"that": ["r is changed"]}}]).assert_ok()
    assert run.recap()["localhost"]["changed"] == 1
    with pytest.raises(Exception, match="EntityNotExist.User"):
        ram.get_user(ram_models.GetUserRequest(user_name=name))
    members = ram.list_users_for_group(ram_models.ListUsersForGroupRequest(group_name=group)).body.users.user
    assert members == []  # the group stays (it may be shared), without the user
    devices = ram.list_virtual_mfadevices().body.virtual_mfadevices.virtual_mfadevice
    assert device.serial_number not in [d.serial_number for d in devices]
