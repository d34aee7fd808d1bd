"""ram_role / ram_role_info through ansible-playbook: the target on the session sandbox, and the access role
of a Resource Directory member that joined by invitation, on a seeded HTTPS sandbox of this module."""

import json
import os

import pytest

from conftest import AnsibleRunner, Sandbox

pytestmark = pytest.mark.integration
ACCESS_ROLE = "ResourceDirectoryAccountAccessRole"


# The target itself runs in test_shell_parity.py, through both shells.


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    """A seeded Resource Directory served over HTTPS (AssumeRole always speaks HTTPS)."""
    state = str(tmp_path_factory.mktemp("directory"))
    services = Sandbox(os.path.join(state, "state"), seed=True, tls=True)
    runner = AnsibleRunner(services, os.path.join(state, "ansible"))
    os.makedirs(os.path.join(runner.workdir, "tmp"), exist_ok=True)
    yield services, runner
    services.stop()


def account(services, name=None, join_method=None, management=None, user=None):
    for entry in services.accounts:
        if user is not None:
            if entry.get("user_name") == user:
                return entry
            continue
        if entry.get("identity") != "root":
            continue
        if ((name is None or entry.get("display_name") == name)
                and (join_method is None or entry.get("join_method") == join_method)
                and (management is None or entry.get("management") == management)):
            return entry
    raise LookupError(name or join_method)


def key_env(entry):
    return {"ALIBABA_CLOUD_ACCESS_KEY_ID": entry["access_key_id"],
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": entry["access_key_secret"]}


def access_role_task(management_uid):
    trust = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                            "Principal": {"RAM": ["acs:ram::%s:root" % management_uid]}}]}
    return {"name": "access role", "register": "r", "cloudbroker.alibaba.ram_role": {
        "name": ACCESS_ROLE, "trust_policy": trust, "description": "Resource Directory access",
        "policies": ["AdministratorAccess"], "purge_policies": True}}


def test_invited_member_gets_its_access_role_with_its_own_key(directory):
    services, runner = directory
    management = account(services, management=True)
    invited = account(services, join_method="invited", management=False)
    automation = account(services, user="cloudbroker-automation")
    role_arn = "acs:ram::%s:role/%s" % (invited["account_id"], ACCESS_ROLE)
    read_through_role = [{"name": "read", "register": "info", "cloudbroker.alibaba.ram_role_info": {
        "name": ACCESS_ROLE, "include_attachments": True, "assume_role_arn": role_arn,
        "assume_role_session_name": "rd-check"}},
        {"ansible.builtin.copy": {"content": "{{ info.roles | to_json }}", "dest": "{{ out }}"}}]
    out = os.path.join(runner.workdir, "roles.json")

    # No access role yet: AssumeRole from the management account is refused, with the role's ARN named.
    before = runner.run_tasks(read_through_role, extra_vars={"out": out}, extra_env=key_env(automation))
    assert before.rc != 0
    assert "EntityNotExist.Role" in before.output and role_arn in before.output

    # One task with the invited account's own key creates it; a second run changes nothing.
    services.reset_counters("ram")
    first = runner.run_tasks([access_role_task(management["account_id"])], extra_env=key_env(invited)).assert_ok()
    counters = services.admin_request("ram", "GET", "/counters/accounts")
    second = runner.run_tasks([access_role_task(management["account_id"])], extra_env=key_env(invited)).assert_ok()
    assert first.recap()["localhost"]["changed"] == 1
    assert second.recap()["localhost"]["changed"] == 0
    assert counters.get(invited["account_id"], {}).get("CreateRole") == 1
    assert set(counters) == {invited["account_id"]}, counters

    # The management account's automation user now reaches the member through the role (HTTPS, the CA
    # from ALIBABA_CLOUD_CA_BUNDLE handed to the credential library's AssumeRole).
    runner.run_tasks(read_through_role, extra_vars={"out": out}, extra_env=key_env(automation)).assert_ok()
    with open(out, encoding="utf-8") as handle:
        roles = json.load(handle)
    assert [r["arn"] for r in roles] == ["acs:ram::%s:role/%s" % (invited["account_id"], ACCESS_ROLE.lower())]
    assert roles[0]["policies"] == [{"name": "AdministratorAccess", "type": "System"}]
    assert roles[0]["trust_policy"]["Statement"][0]["Principal"]["RAM"] == [
        "acs:ram::%s:root" % management["account_id"]]
