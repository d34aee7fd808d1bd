"""The connection options of the RAM modules (doc fragment ``cloudbroker.alibaba.ram``) that no other test sets,
through ansible-playbook against the local services: assume_role_duration and assume_role_session_name (in a
role session of an account of its own), region (the regional STS endpoint of AssumeRole), an http:// sts_endpoint
with assume_role_arn, retry_timeout, resourcemanager_endpoint (ecs_role_name: a unit test, since the
instance metadata service is not on this machine and no test may reach another address)."""

import json

import pytest

from test_sandbox_accounts_sts import client, make_role, make_user, trust

pytestmark = pytest.mark.integration

SECRET_FROM_ENV = "{{ lookup('ansible.builtin.env', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET') }}"


def keep(register, path):
    return {"name": "Keep %s" % register, "ansible.builtin.copy": {
        "content": "{{ %s | to_json }}" % register, "dest": str(path), "mode": "0600"}}


@pytest.fixture
def role_account(sandbox):
    """A new account with a role (MaxSessionDuration 3600) trusting the account, and a RAM user allowed to assume
    it; ``(account id, role, environment with the user's key)``."""
    account = sandbox.create_account()
    ram = client(sandbox, account)
    role = make_role(ram, trust("acs:ram::%s:root" % account["account_id"]), max_session=3600)
    _name, user = make_user(ram, account["account_id"], "AliyunSTSAssumeRoleAccess")
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": user["access_key_id"],
           "ALIBABA_CLOUD_ACCESS_KEY_SECRET": user["access_key_secret"]}
    return account["account_id"], role, env


def identity_task(**options):
    return {"name": "Who am I", "cloudbroker.alibaba.ram_caller_identity_info": options, "register": "me"}


def test_assume_role_session_name_and_duration(ansible, sandbox, role_account, tmp_path):
    account_id, role, env = role_account
    out = tmp_path / "identity.json"
    ansible.run_tasks([identity_task(**{"assume_role_arn": role.arn, "assume_role_session_name": "audit.run-42",
                                        "assume_role_duration": 3600}), keep("me", out)], extra_env=env).assert_ok()
    identity = json.loads(out.read_text())["caller_identity"]
    assert identity["identity_type"] == "AssumedRoleUser" and identity["account_id"] == account_id
    assert identity["arn"] == "acs:ram::%s:assumed-role/%s/audit.run-42" % (account_id, role.role_name.lower())

    # longer than the role allows: STS refuses it, named with the role
    sandbox.reset_counters("ram")
    too_long = ansible.run_tasks([identity_task(**{"assume_role_arn": role.arn, "assume_role_duration": 7200})],
                                 extra_env=env)
    assert too_long.rc != 0
    assert "AssumeRole of %s was refused: InvalidParameter.DurationSeconds" % role.arn in too_long.output
    assert sandbox.counters("ram") == {"AssumeRole": 1}  # refused, nothing else asked

    # outside what STS accepts at all: refused before any call
    sandbox.reset_counters("ram")
    too_short = ansible.run_tasks([identity_task(**{"assume_role_arn": role.arn, "assume_role_duration": 600})],
                                  extra_env=env)
    assert too_short.rc != 0 and "assume_role_duration must be between 900 and 43200, got 600." in too_short.output
    bad_session = ansible.run_tasks([identity_task(assume_role_arn=role.arn, assume_role_session_name="a b")],
                                    extra_env=env)
    assert bad_session.rc != 0 and "assume_role_session_name must be 2-64 characters" in bad_session.output
    assert sandbox.counters("ram") == {}


def test_an_sts_endpoint_wins_over_the_region_for_assume_role(ansible, sandbox, role_account):
    """With sts_endpoint given, AssumeRole goes there whatever the region says. (Without it, the region picks
    sts.<region>.aliyuncs.com: a unit test checks that, since no test may reach a public endpoint.)"""
    _account_id, role, env = role_account
    sandbox.reset_counters("ram")
    ansible.run_tasks([identity_task(**{"assume_role_arn": role.arn, "region": "cn-shanghai",
                                        "sts_endpoint": sandbox.ram_url})],
                      extra_env=env).assert_ok()
    assert sandbox.counters("ram").get("AssumeRole") == 1


def test_http_sts_endpoint_with_assume_role_is_refused(ansible, sandbox, role_account):
    """The credential library always speaks HTTPS to STS: an http:// sts_endpoint would silently go elsewhere."""
    _account_id, role, env = role_account
    sandbox.reset_counters("ram")
    run = ansible.run_tasks([identity_task(assume_role_arn=role.arn, sts_endpoint="http://127.0.0.1:9")],
                            extra_env=env)
    assert run.rc != 0
    assert ("sts_endpoint 'http://127.0.0.1:9' is http://, but AssumeRole (assume_role_arn) is always sent over "
            "HTTPS") in run.output
    assert sandbox.counters("ram") == {}


def test_retry_timeout_bounds_the_retries(ansible, sandbox):
    """Every request throttled: retry_timeout=0 leaves no time for a retry (one request, whatever max_retries says);
    with time enough, max_retries is the bound."""
    sandbox.set_faults("ram", throttle_rate=1.0)
    sandbox.reset_counters("ram")
    no_time = ansible.run_tasks([{"cloudbroker.alibaba.ram_user_info": {
        "name": "nobody", "max_retries": 5, "retry_timeout": 0}}])
    assert no_time.rc != 0 and "GetUser failed: Throttling" in no_time.output
    assert sandbox.counters("ram") == {"GetUser": 1}

    sandbox.reset_counters("ram")
    enough = ansible.run_tasks([{"cloudbroker.alibaba.ram_user_info": {
        "name": "nobody", "max_retries": 2, "retry_timeout": 600}}])
    assert enough.rc != 0 and "GetUser failed: Throttling" in enough.output
    assert sandbox.counters("ram") == {"GetUser": 3}

    bad = ansible.run_tasks([{"cloudbroker.alibaba.ram_user_info": {"name": "nobody", "retry_timeout": 3601}}])
    assert bad.rc != 0 and "retry_timeout must be between 0 and 3600, got 3601." in bad.output


def test_resourcemanager_endpoint_is_checked_before_any_call(ansible, sandbox):
    """Only the resource_directory inventory calls Resource Manager (tested there); every RAM module takes the
    option (one connection setting for all) and refuses a malformed one by name."""
    sandbox.reset_counters("ram")
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_user": {"name": "nobody",
                                                               "resourcemanager_endpoint": "ftp://rm.example"}}])
    assert run.rc != 0
    assert "resourcemanager_endpoint: invalid endpoint 'ftp://rm.example'" in run.output
    assert sandbox.counters("ram") == {}
