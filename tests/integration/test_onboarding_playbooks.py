"""End to end: playbooks/onboard.yml, rotate_keys.yml and offboard.yml on the example inventory.

Each test gets its own fresh pair of local services (``world``), so the example accounts start from nothing, and
makes the state it needs itself (``onboarded``: onboard.yml has run once): every test runs alone, in any order.
State is read back from both services (RAM with the real SDK, the marketplace over its REST API).
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest
import yaml
from alibabacloud_ram20150501 import models as ram_models
from conftest import REPO, AnsibleRunner, Sandbox, ram_client

pytestmark = pytest.mark.integration

INVENTORY = os.path.join(REPO, "examples", "inventory")
ONBOARD = os.path.join(REPO, "playbooks", "onboard.yml")
ROTATE = os.path.join(REPO, "playbooks", "rotate_keys.yml")
OFFBOARD = os.path.join(REPO, "playbooks", "offboard.yml")
API = "/cb-credential-service/api/v2.0"


def host_vars(host):
    with open(os.path.join(INVENTORY, "host_vars", host + ".yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


HOSTS = ["alibaba-prod", "alibaba-dev", "alibaba-analytics"]


class World:
    """Fresh services + runner + readers for one test."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="cb-e2e-")
        self.sandbox = Sandbox(os.path.join(self.tmp, "state"))
        os.makedirs(os.path.join(self.tmp, "ansible", "tmp"))
        self.ansible = AnsibleRunner(self.sandbox, os.path.join(self.tmp, "ansible"))
        self.ram = ram_client(self.sandbox.ram_url, self.sandbox.root["access_key_id"],
                              self.sandbox.root["access_key_secret"], self.sandbox.ca_bundle)

    def close(self):
        self.sandbox.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def market(self, method, path, **kwargs):
        admin = self.sandbox.admin
        return self.sandbox.http.request(method, self.sandbox.marketplace_url + API + path, timeout=30,
                                         headers={"username": admin["username"], "apikey": admin["apikey"]}, **kwargs)

    def keys(self, user_name):
        body = self.ram.list_access_keys(ram_models.ListAccessKeysRequest(user_name=user_name)).body
        return sorted((k.access_key_id, k.status) for k in body.access_keys.access_key)

    def user_exists(self, user_name):
        try:
            self.ram.get_user(ram_models.GetUserRequest(user_name=user_name))
            return True
        except Exception as exc:  # pylint: disable=broad-except
            assert "EntityNotExist.User" in str(exc)
            return False

    def accounts(self):
        page = self.market("GET", "/accounts/type/asset", params={"serviceProviderCode": "alibaba", "limit": 1000})
        page.raise_for_status()
        return {a["basicInfo"]["accountName"]: a for a in page.json()[1:]}

    def credential(self, account_name, credential_name):
        account = self.accounts()[account_name]
        return next(c for c in account["credentials"] if c["credentialName"] == credential_name), account

    def test_connection(self, account_id, credential_id):
        return self.market("POST", "/credentialsValidator",
                           json={"accountId": account_id, "credentialId": credential_id})

    def onboard(self, *args, **kwargs):
        return self.ansible.run(ONBOARD, *args, inventory=INVENTORY, **kwargs)

    def assert_onboarded(self, host):
        hv = host_vars(host)
        keys = self.keys(hv["ram_onboarding_user_name"])
        assert len(keys) == 1 and keys[0][1] == "Active", keys
        credential, account = self.credential(hv["marketplace_onboarding_account_name"],
                                              hv["marketplace_onboarding_credential_name"])
        assert credential["passwordFields"]["accessKey"] == keys[0][0]  # the marketplace holds the user's key
        assert account["advancedInfo"]["accountNumber"] == self.sandbox.root["account_id"]  # the account UID
        result = self.test_connection(account["accountId"], credential["id"])
        assert result.status_code == 200 and result.json()["identity"]["IdentityType"] == "RAMUser", result.text
        return keys[0][0], credential, account


ENTITIES = "GET /cb-credential-service/api/v2.0/businessEntities"


@pytest.fixture
def world():
    services = World()
    yield services
    services.close()


@pytest.fixture(scope="module")
def untouched_world():
    """Fresh services for tests that must change nothing in them (each checks it did not)."""
    services = World()
    yield services
    services.close()


@pytest.fixture
def onboarded(world):
    """A world in which playbooks/onboard.yml has run once, successfully."""
    world.onboard().assert_ok()
    return world


def test_onboard_converges_and_second_run_changes_nothing(world):
    world.sandbox.reset_counters("marketplace")
    world.sandbox.reset_counters("ram")
    first = world.onboard().assert_ok()
    assert all(first.recap()[h]["changed"] > 0 for h in HOSTS)
    # every account is new: the business-entity catalogue is read once for the run, not once per credential
    assert world.sandbox.counters("marketplace").get(ENTITIES) == 1
    # every RAM user is new: no key of it can be in a credential under other names, so no rename check; the key
    # step lists the user's keys once
    assert world.sandbox.counters("ram").get("ListAccessKeys") == len(HOSTS), world.sandbox.counters("ram")
    world.sandbox.reset_counters("marketplace")
    second = world.onboard().assert_ok()
    assert all(second.recap()[h]["changed"] == 0 for h in HOSTS), second.stdout[-3000:]
    assert ENTITIES not in world.sandbox.counters("marketplace")  # every credential as wanted: not read at all
    for host in HOSTS:
        world.assert_onboarded(host)
    # the policies and the business entities of each account, as the inventory says
    prod = host_vars("alibaba-prod")
    policies = world.ram.list_policies_for_user(ram_models.ListPoliciesForUserRequest(
        user_name=prod["ram_onboarding_user_name"])).body.policies.policy
    assert [p.policy_name for p in policies] == ["AdministratorAccess"]
    credential, _account = world.credential(prod["marketplace_onboarding_account_name"],
                                            prod["marketplace_onboarding_credential_name"])
    contexts = {k: v for entry in credential["context"] for k, v in entry.items() if k != "contextId"}
    assert contexts == {"team": ["team-a", "team-b"], "org": ["org-engineering"], "customContext": ["ctx-prod"]}
    # no secret in the output of either run
    for run in (first, second):
        assert world.sandbox.root["access_key_secret"] not in run.output
        assert credential["passwordFields"]["secretKey"] not in run.output


def test_check_mode_on_a_converged_account_shows_no_change(onboarded):
    world = onboarded
    world.sandbox.reset_counters("ram")
    world.sandbox.reset_counters("marketplace")
    run = world.onboard("--check", "--diff").assert_ok()
    assert all(run.recap()[h]["changed"] == 0 for h in HOSTS)
    # it read both services, and wrote to neither
    ram_calls, market_calls = world.sandbox.counters("ram"), world.sandbox.counters("marketplace")
    assert ram_calls and market_calls
    assert [action for action in ram_calls if not action.startswith(("Get", "List"))] == []
    assert [operation for operation in market_calls if not operation.startswith("GET ")] == []


def test_rotation_keeps_a_working_credential_and_leaves_one_new_key(onboarded):
    world = onboarded
    hv = host_vars("alibaba-dev")
    old_key, _credential, _account = world.assert_onboarded("alibaba-dev")
    run = world.ansible.run(ROTATE, "--limit", "alibaba-dev", inventory=INVENTORY, verbosity=1).assert_ok()
    new_key, credential, _account = world.assert_onboarded("alibaba-dev")
    assert new_key != old_key
    assert world.keys(hv["ram_onboarding_user_name"]) == [(new_key, "Active")]
    assert credential["passwordFields"]["secretKey"] not in run.output
    # onboarding afterwards agrees: nothing to do
    again = world.onboard("--limit", "alibaba-dev").assert_ok()
    assert again.recap()["alibaba-dev"]["changed"] == 0


def test_a_run_killed_after_the_key_was_created_converges(onboarded):
    """SIGKILL ansible-playbook right after CreateAccessKey, before the marketplace stored the key; re-run."""
    world = onboarded
    host = "alibaba-analytics"
    hv = host_vars(host)
    user = hv["ram_onboarding_user_name"]
    old_key, _credential, _account = world.assert_onboarded(host)
    # the marketplace loses its copy of the key (e.g. someone deleted the credential): a new key is needed
    credential, account = world.credential(hv["marketplace_onboarding_account_name"],
                                           hv["marketplace_onboarding_credential_name"])
    assert world.market("DELETE", "/accounts/%s/credentials/%s" % (account["accountId"], credential["id"])
                        ).status_code == 204
    world.sandbox.reset_counters("ram")
    world.sandbox.set_faults("marketplace", latency_ms=1500)  # widen the window between create and store
    # grace 0: the old key, created moments ago by the fixture, is not taken for another run's key in flight
    cmd = [os.path.join(os.path.dirname(__import__("sys").executable), "ansible-playbook"), ONBOARD,
           "-i", INVENTORY, "--limit", host, "-e", "onboarding_key_grace_seconds=0"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=world.ansible.environment(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while world.sandbox.counters("ram").get("CreateAccessKey", 0) == 0:
        assert proc.poll() is None and time.monotonic() < deadline, "the run ended before creating a key"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    # the request in flight still completes on the service side: wait until the new key is there
    while not [key for key in world.keys(user) if key[0] != old_key]:
        assert time.monotonic() < deadline, "CreateAccessKey reached the service but never made a key"
        time.sleep(0.05)
    world.sandbox.clear_faults()
    orphaned = world.keys(user)
    # the key the marketplace no longer held was deleted to make room; the new one exists, undelivered
    assert len(orphaned) == 1 and orphaned[0][0] != old_key, orphaned
    with pytest.raises(StopIteration):
        world.credential(hv["marketplace_onboarding_account_name"], hv["marketplace_onboarding_credential_name"])

    # the undelivered key may still be in flight for onboarding_key_grace_seconds: the re-run waits that long for a
    # delivery that never comes, then replaces it (5 s here instead of the default 180)
    rerun = world.onboard("--limit", host, extra_vars={"onboarding_key_grace_seconds": 5}).assert_ok()
    assert "wait until the marketplace holds a new key" in rerun.output
    new_key, _credential, _account = world.assert_onboarded(host)  # exactly one key, held and working
    assert new_key not in (old_key, orphaned[0][0])  # the undelivered key was replaced, not kept
    again = world.onboard("--limit", host).assert_ok()
    assert again.recap()[host]["changed"] == 0


def test_offboard_needs_confirmation_then_leaves_nothing(onboarded):
    world = onboarded
    for host in HOSTS:  # the premise: there is something to remove
        assert world.user_exists(host_vars(host)["ram_onboarding_user_name"])
        assert host_vars(host)["marketplace_onboarding_account_name"] in world.accounts()
    world.sandbox.reset_counters("ram")
    world.sandbox.reset_counters("marketplace")
    refused = world.ansible.run(OFFBOARD, inventory=INVENTORY)
    assert refused.rc != 0 and "offboard_confirm=true" in refused.output
    assert world.sandbox.counters("ram") == {} and world.sandbox.counters("marketplace") == {}

    world.ansible.run(OFFBOARD, inventory=INVENTORY, extra_vars={"offboard_confirm": True}).assert_ok()
    for host in HOSTS:
        hv = host_vars(host)
        assert not world.user_exists(hv["ram_onboarding_user_name"])
        assert hv["marketplace_onboarding_account_name"] not in world.accounts()
    again = world.ansible.run(OFFBOARD, inventory=INVENTORY, extra_vars={"offboard_confirm": True}).assert_ok()
    assert all(again.recap()[h]["changed"] == 0 for h in HOSTS)


# -- bad inventory: fails at validation, naming the host and the variable, before any remote call --------------

GOOD = {
    "ram_onboarding_user_name": "cb-bad-inventory",
    "marketplace_onboarding_account_name": "Bad inventory",
    "marketplace_onboarding_credential_name": "bad",
    "marketplace_onboarding_credential_purpose": ["Provisioning"],
    "marketplace_onboarding_teams": ["team-a"],
}


@pytest.mark.parametrize("change,variable", [
    ({"ram_onboarding_user_name": None}, "ram_onboarding_user_name"),
    ({"ram_onboarding_user_name": "has spaces"}, "ram_onboarding_user_name"),
    ({"marketplace_onboarding_account_number": "1234567"}, "marketplace_onboarding_account_number"),
    ({"marketplace_onboarding_credential_purpose": "Mining"}, "marketplace_onboarding_credential_purpose"),
    ({"marketplace_onboarding_teams": ["team-zz"]}, "marketplace_onboarding_teams"),
])
def test_bad_inventory_fails_before_any_remote_call(untouched_world, tmp_path, change, variable):
    world = untouched_world
    host_vars_ = {k: v for k, v in dict(GOOD, **change).items() if v is not None}
    inventory = tmp_path / "inventory"
    shutil.copytree(os.path.join(INVENTORY, "group_vars"), inventory / "group_vars")
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"alibaba_accounts": {"hosts": {"alibaba-broken": host_vars_}}}))
    world.sandbox.reset_counters("ram")
    world.sandbox.reset_counters("marketplace")
    run = world.ansible.run(ONBOARD, inventory=str(inventory))
    assert run.rc != 0
    assert re.search(r"(fatal|failed): \[alibaba-broken\]", run.output)  # the host is named
    assert variable in run.output, run.output[-3000:]
    assert world.sandbox.counters("ram") == {} and world.sandbox.counters("marketplace") == {}
