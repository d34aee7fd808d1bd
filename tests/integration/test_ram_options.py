"""Documented options of the RAM modules that no other test sets: ram_user mobile_phone and purge_groups,
ram_access_key max_age_days, ram_policy_attachment on groups and roles, ram_user_mfa issuer, and the shared
options of every RAM module (security_token, profile / profile_file, connect_timeout, read_timeout)."""

import datetime
import json
import os
import socket
import sqlite3
import uuid
from urllib.parse import parse_qs, unquote

import pytest
from alibabacloud_ram20150501 import models as ram_models

from test_sandbox_accounts_sts import assume, client, make_role, make_user, trust

pytestmark = pytest.mark.integration


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def keep(register, path):
    return {"name": "Keep %s" % register, "ansible.builtin.copy": {
        "content": "{{ %s | to_json }}" % register, "dest": str(path), "mode": "0600"}}


def groups_of(ram, user):
    body = ram.list_groups_for_user(ram_models.ListGroupsForUserRequest(user_name=user)).body
    return sorted(g.group_name for g in body.groups.group)


# -- ram_user ----------------------------------------------------------------------------------------------------

def test_mobile_phone_is_set_changed_and_validated(ansible, ram, sandbox):
    name = unique("phone")
    task = {"cloudbroker.alibaba.ram_user": {"name": name, "mobile_phone": "{{ phone }}"}, "register": "r"}
    first = ansible.run_tasks([task], extra_vars={"phone": "86-18600000000"}).assert_ok()
    assert first.recap()["localhost"]["changed"] == 1
    assert ram.get_user(ram_models.GetUserRequest(user_name=name)).body.user.mobile_phone == "86-18600000000"
    again = ansible.run_tasks([task], extra_vars={"phone": "86-18600000000"}).assert_ok()
    assert again.recap()["localhost"]["changed"] == 0
    changed = ansible.run_tasks([task], extra_vars={"phone": "1-5550100"}).assert_ok()
    assert changed.recap()["localhost"]["changed"] == 1
    assert ram.get_user(ram_models.GetUserRequest(user_name=name)).body.user.mobile_phone == "1-5550100"

    sandbox.reset_counters("ram")
    bad = ansible.run_tasks([task], extra_vars={"phone": "+86 186 0000 0000"})
    assert bad.rc != 0 and "mobile_phone must look like <country code>-<number>" in bad.output
    assert sandbox.counters("ram") == {}


def test_purge_groups_removes_the_memberships_not_listed(ansible, ram):
    name, keep_group, drop_group = unique("member"), unique("keep"), unique("drop")
    for group in (keep_group, drop_group):
        ram.create_group(ram_models.CreateGroupRequest(group_name=group))
    ansible.run_tasks([{"cloudbroker.alibaba.ram_user": {"name": name, "groups": [keep_group, drop_group]}}]
                      ).assert_ok()
    assert groups_of(ram, name) == sorted([keep_group, drop_group])

    only_keep = {"name": name, "groups": [keep_group]}
    without_purge = ansible.run_tasks([{"cloudbroker.alibaba.ram_user": only_keep}]).assert_ok()
    assert without_purge.recap()["localhost"]["changed"] == 0  # listed groups are added, others left alone
    assert groups_of(ram, name) == sorted([keep_group, drop_group])

    purge = {"cloudbroker.alibaba.ram_user": {**only_keep, "purge_groups": True}, "register": "r"}
    check = ansible.run_tasks([purge], check=True, diff=True).assert_ok()
    assert check.recap()["localhost"]["changed"] == 1
    assert groups_of(ram, name) == sorted([keep_group, drop_group])  # check mode changed nothing
    ansible.run_tasks([purge]).assert_ok()
    assert groups_of(ram, name) == [keep_group]
    again = ansible.run_tasks([purge]).assert_ok()
    assert again.recap()["localhost"]["changed"] == 0


# -- ram_access_key ----------------------------------------------------------------------------------------------

def backdate_key(sandbox, key_id, days):
    """Make a key older, in the service's own state (the RAM API has no way to do it)."""
    when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days)
    conn = sqlite3.connect(os.path.join(sandbox.state_dir, "ram.sqlite3"), timeout=30)
    try:
        with conn:
            updated = conn.execute("UPDATE access_keys SET create_date = ? WHERE access_key_id = ?",
                                   (when.strftime("%Y-%m-%dT%H:%M:%SZ"), key_id)).rowcount
    finally:
        conn.close()
    assert updated == 1


def active_keys(ram, user):
    body = ram.list_access_keys(ram_models.ListAccessKeysRequest(user_name=user)).body
    return sorted(k.access_key_id for k in body.access_keys.access_key if k.status == "Active")


def test_max_age_days_rotates_only_a_key_older_than_that(ansible, ram, sandbox, tmp_path):
    user = unique("aging")
    ram.create_user(ram_models.CreateUserRequest(user_name=user))
    old = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name=user)).body.access_key.access_key_id
    task = {"cloudbroker.alibaba.ram_access_key": {"user_name": user, "max_age_days": 30,
                                                   "secret_file": str(tmp_path / "new-key.json")}}
    young = ansible.run_tasks([task]).assert_ok()
    assert young.recap()["localhost"]["changed"] == 0 and active_keys(ram, user) == [old]

    backdate_key(sandbox, old, 31)
    check = ansible.run_tasks([task], check=True).assert_ok()
    assert check.recap()["localhost"]["changed"] == 1 and active_keys(ram, user) == [old]
    rotated = ansible.run_tasks([task]).assert_ok()
    assert rotated.recap()["localhost"]["changed"] == 1
    new = json.loads((tmp_path / "new-key.json").read_text())["access_key_id"]
    assert active_keys(ram, user) == sorted([old, new])  # the old key stays until its consumer has the new one
    again = ansible.run_tasks([task]).assert_ok()  # the newest usable key is young now
    assert again.recap()["localhost"]["changed"] == 0 and active_keys(ram, user) == sorted([old, new])

    sandbox.reset_counters("ram")
    bad = ansible.run_tasks([{"cloudbroker.alibaba.ram_access_key": {"user_name": user, "max_age_days": 0}}])
    assert bad.rc != 0 and "max_age_days must be at least 1, got 0." in bad.output
    assert sandbox.counters("ram") == {}


# -- ram_policy_attachment on a group and a role; ram_user_mfa issuer -------------------------------------------

def test_policies_attach_to_a_group_and_to_a_role(ansible, ram):
    group, role = unique("pa-group"), unique("pa-role")
    ram.create_group(ram_models.CreateGroupRequest(group_name=group))
    trust = json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                       "Principal": {"Service": ["ecs.aliyuncs.com"]}}]})
    ram.create_role(ram_models.CreateRoleRequest(role_name=role, assume_role_policy_document=trust))
    tasks = [{"cloudbroker.alibaba.ram_policy_attachment": {"group_name": group, "policies": ["ReadOnlyAccess"]}},
             {"cloudbroker.alibaba.ram_policy_attachment": {"role_name": role, "policies": ["AliyunOSSReadOnlyAccess"]}}]
    first = ansible.run_tasks(tasks).assert_ok()
    assert first.recap()["localhost"]["changed"] == 2
    on_group = ram.list_policies_for_group(ram_models.ListPoliciesForGroupRequest(group_name=group)).body
    on_role = ram.list_policies_for_role(ram_models.ListPoliciesForRoleRequest(role_name=role)).body
    assert [p.policy_name for p in on_group.policies.policy] == ["ReadOnlyAccess"]
    assert [p.policy_name for p in on_role.policies.policy] == ["AliyunOSSReadOnlyAccess"]
    assert ansible.run_tasks(tasks).assert_ok().recap()["localhost"]["changed"] == 0


def test_mfa_issuer_is_part_of_the_otpauth_uri(ansible, ram, tmp_path):
    user = unique("issuer")
    ram.create_user(ram_models.CreateUserRequest(user_name=user))
    seed_file = tmp_path / "seed.json"
    ansible.run_tasks([{"cloudbroker.alibaba.ram_user_mfa": {"user_name": user, "issuer": "Example Corp",
                                                             "seed_file": str(seed_file)}}]).assert_ok()
    uri = json.loads(seed_file.read_text())["otpauth_uri"]
    assert uri.startswith("otpauth://totp/")
    assert parse_qs(uri.split("?", 1)[1])["issuer"] == ["Example Corp"]
    assert unquote(uri.split("?", 1)[0]).startswith("otpauth://totp/Example Corp:")


# -- shared options of every RAM module --------------------------------------------------------------------------

def role_session(sandbox):
    """A real STS token: a role session in a new account (a RAM user with sts:AssumeRole assumes a role trusting
    the account); ``(account id, {access_key_id, access_key_secret, security_token})``."""
    account = sandbox.create_account()
    ram = client(sandbox, account)
    role = make_role(ram, trust("acs:ram::%s:root" % account["account_id"]))
    _name, user = make_user(ram, account["account_id"], "AliyunSTSAssumeRoleAccess")
    creds = assume(sandbox, user, role.arn).credentials
    return account["account_id"], dict(access_key_id=creds.access_key_id, access_key_secret=creds.access_key_secret,
                                       security_token=creds.security_token)


def test_security_token_is_sent_and_never_shown(ansible, sandbox, recording_proxy):
    _account, session = role_session(sandbox)
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_user_info": {
        "name": "nobody", "ram_endpoint": recording_proxy.url,
        "security_token": "{{ lookup('ansible.builtin.env', 'TEST_STS_TOKEN') }}"}}],
        extra_env={"TEST_STS_TOKEN": session["security_token"], "ALIBABA_CLOUD_ACCESS_KEY_ID": session["access_key_id"],
                   "ALIBABA_CLOUD_ACCESS_KEY_SECRET": session["access_key_secret"]}, verbosity=4).assert_ok()
    sent = [headers.get("x-acs-security-token") for _method, _path, headers in recording_proxy.requests]
    assert sent and set(sent) == {session["security_token"]}
    assert session["security_token"] not in run.output and session["access_key_secret"] not in run.output


def test_security_token_to_check_goes_with_the_key_to_check(ansible, sandbox, recording_proxy, tmp_path):
    account_id, session = role_session(sandbox)
    out = tmp_path / "identity.json"
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_caller_identity_info": {
        "sts_endpoint": recording_proxy.url, "access_key_id_to_check": session["access_key_id"],
        "access_key_secret_to_check": "{{ lookup('ansible.builtin.env', 'TEST_STS_SECRET') }}",
        "security_token_to_check": "{{ lookup('ansible.builtin.env', 'TEST_STS_TOKEN') }}"}, "register": "me"},
        keep("me", out)],
        extra_env={"TEST_STS_TOKEN": session["security_token"], "TEST_STS_SECRET": session["access_key_secret"]},
        verbosity=4).assert_ok()
    sent = [(headers.get("x-acs-action"), headers.get("x-acs-security-token"))
            for _method, _path, headers in recording_proxy.requests]
    assert sent == [("GetCallerIdentity", session["security_token"])]
    identity = json.loads(out.read_text())["caller_identity"]
    assert (identity["identity_type"], identity["account_id"]) == ("AssumedRoleUser", account_id)
    assert session["security_token"] not in run.output + out.read_text()
    assert session["access_key_secret"] not in run.output + out.read_text()


def test_profile_from_a_cli_configuration_file(ansible, sandbox, tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"current": "other", "profiles": [
        {"name": "other", "mode": "AK", "access_key_id": "LTAIwrong", "access_key_secret": "wrong-secret"},
        {"name": "sandbox", "mode": "AK", "access_key_id": sandbox.root["access_key_id"],
         "access_key_secret": sandbox.root["access_key_secret"]}]}))
    no_key = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ""}
    out = tmp_path / "identity.json"
    ansible.run_tasks([{"cloudbroker.alibaba.ram_caller_identity_info": {
        "profile": "sandbox", "profile_file": str(config)}, "register": "me"}, keep("me", out)],
        extra_env=no_key).assert_ok()
    assert json.loads(out.read_text())["caller_identity"]["account_id"] == sandbox.root["account_id"]
    # the file's current profile is used when none is named; its key is refused by the service
    wrong = ansible.run_tasks([{"cloudbroker.alibaba.ram_caller_identity_info": {"profile_file": str(config)}}],
                              extra_env=no_key)
    assert wrong.rc != 0 and "InvalidAccessKeyId.NotFound" in wrong.output
    assert sandbox.root["access_key_secret"] not in wrong.output + out.read_text()


@pytest.fixture
def silent_port():
    """A loopback port that never completes a TCP handshake (its accept queue is full): connecting times out."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    filler = socket.socket()
    filler.connect(server.getsockname())
    try:
        yield server.getsockname()[1]
    finally:
        filler.close()
        server.close()


def test_connect_timeout_bounds_the_connection(ansible, silent_port):
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_user_info": {
        "ram_endpoint": "http://127.0.0.1:%d" % silent_port, "connect_timeout": 1, "max_retries": 0}}])
    assert run.rc != 0
    assert "timed out" in run.output.lower() or "timeout" in run.output.lower(), run.output[-3000:]
    assert "Traceback" not in run.output


def test_read_timeout_bounds_the_wait_for_an_answer(ansible, sandbox):
    sandbox.set_faults("ram", latency_ms=3000)
    slow = ansible.run_tasks([{"cloudbroker.alibaba.ram_user_info": {"name": "nobody", "read_timeout": 1,
                                                                     "max_retries": 0}}])
    patient = ansible.run_tasks([{"cloudbroker.alibaba.ram_user_info": {"name": "nobody", "read_timeout": 10,
                                                                        "max_retries": 0}}])
    sandbox.clear_faults("ram")
    assert slow.rc != 0 and "timed out" in slow.output.lower(), slow.output[-3000:]
    patient.assert_ok()  # 3 s of latency is within the default read timeout (10 s)
