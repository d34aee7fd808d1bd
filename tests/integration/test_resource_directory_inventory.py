"""The ``cloudbroker.alibaba.resource_directory`` inventory plugin through ``ansible-inventory``, against a
seeded Resource Directory served over HTTPS, read with the management account's automation user."""

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, AnsibleRunner, Sandbox

pytestmark = pytest.mark.integration
ACCESS_ROLE = "ResourceDirectoryAccountAccessRole"


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    state = str(tmp_path_factory.mktemp("rd-inventory"))
    services = Sandbox(os.path.join(state, "state"), seed=True, tls=True)
    yield services, state
    services.stop()


def by_name(services, display_name):
    return next(a for a in services.accounts if a.get("display_name") == display_name and a["identity"] == "root")


def automation(services):
    return next(a for a in services.accounts if a.get("user_name") == "cloudbroker-automation")


def inventory(directory, config, *args, creds=None, name=None, extra_env=None):
    """Run ansible-inventory on an inventory file made of ``config``; returns (rc, stdout, stderr)."""
    services, state = directory
    path = os.path.join(state, "%s.resource_directory.yml" % (name or "t%d" % len(os.listdir(state))))
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(dict({"plugin": "cloudbroker.alibaba.resource_directory"}, **config), handle)
    runner = AnsibleRunner(services, state)
    creds = creds or automation(services)
    env = runner.environment({"ALIBABA_CLOUD_ACCESS_KEY_ID": creds["access_key_id"],
                              "ALIBABA_CLOUD_ACCESS_KEY_SECRET": creds["access_key_secret"], **(extra_env or {})})
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "-i", path] + list(args)
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def plain(value):
    """``--list`` marks values from the API as not to be templated (``{"__ansible_unsafe": ...}``)."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def listing(directory, config, **kwargs):
    rc, out, err = inventory(directory, config, "--list", **kwargs)
    assert rc == 0 and "[WARNING]" not in err, err
    return plain(json.loads(out))


def test_one_host_per_member_with_its_role_arn(directory):
    services, _state = directory
    data = listing(directory, {})
    hostvars = data["_meta"]["hostvars"]
    members = sorted(a["display_name"] for a in services.accounts if a["identity"] == "root" and not a["management"])
    assert sorted(hostvars) == members
    production = hostvars["app-production"]
    uid = by_name(services, "app-production")["account_id"]
    assert production["cloudbroker_account_id"] == uid
    assert production["cloudbroker_assume_role_arn"] == "acs:ram::%s:role/%s" % (uid, ACCESS_ROLE)
    assert production["cloudbroker_folder_path"] == "Engineering/Production"
    assert production["cloudbroker_join_method"] == "created"
    assert production["cloudbroker_account_status"] == "CreateSuccess"
    assert hostvars["acquired-partner"]["cloudbroker_join_method"] == "invited"
    assert hostvars["shared-services"]["cloudbroker_folder_path"] == ""
    assert len({v["cloudbroker_account_id"] for v in hostvars.values()}) == len(hostvars)


def test_directory_groups(directory):
    """The plugin's own groups, by which onboard_directory.yml onboards: the management account, the members, the
    members that joined by invitation (no access role yet) and the accounts the central identity reaches as they are."""
    services, _state = directory
    data = listing(directory, {"include_management_account": True})
    management = next(a["display_name"] for a in services.accounts if a.get("management"))
    members = sorted(a["display_name"] for a in services.accounts if a["identity"] == "root" and not a["management"])
    invited = sorted(h for h, v in data["_meta"]["hostvars"].items()
                     if v["cloudbroker_join_method"] == "invited" and not v["cloudbroker_management_account"])
    assert invited == ["acquired-partner"]
    assert data["rd_master"]["hosts"] == [management]
    assert sorted(data["rd_members"]["hosts"]) == members
    assert data["rd_members_invited"]["hosts"] == invited
    assert sorted(data["rd_reachable"]["hosts"]) == sorted([management] + [m for m in members if m not in invited])


def test_filters_and_management_account(directory):
    services, _state = directory
    management = next(a for a in services.accounts if a.get("management"))
    engineering = listing(directory, {"folders": ["Engineering"], "exclude_account_patterns": ["*-partner"]})
    assert sorted(engineering["_meta"]["hostvars"]) == ["app-development", "app-production"]
    by_status = listing(directory, {"statuses": ["InviteSuccess"], "include_management_account": True,
                                    "hostnames": "account_id"})
    hosts = by_status["_meta"]["hostvars"]
    assert management["account_id"] in hosts
    assert hosts[management["account_id"]]["cloudbroker_management_account"] is True
    assert "cloudbroker_assume_role_arn" not in hosts[management["account_id"]]
    names = sorted(h["cloudbroker_account_display_name"] for h in hosts.values())
    assert names == ["acquired-partner", "cloudbroker-management"]
    pattern = listing(directory, {"account_patterns": ["app-*", by_name(services, "finance-reporting")["account_id"]],
                                  "role_name": "OnboardingRole"})
    assert sorted(pattern["_meta"]["hostvars"]) == ["app-development", "app-production", "finance-reporting"]
    arn = pattern["_meta"]["hostvars"]["app-development"]["cloudbroker_assume_role_arn"]
    assert arn.endswith(":role/OnboardingRole")


def test_keyed_groups_groups_compose_in_graph(directory):
    config = {"keyed_groups": [{"key": "cloudbroker_join_method", "prefix": "joined"},
                               {"key": "cloudbroker_folder_path.split('/')[0] | default('root', true)",
                                "prefix": "folder"}],
              "groups": {"production": "cloudbroker_folder_path is search('Production')"},
              "compose": {"cloudbroker_assume_role_session_name": "'onboard-' ~ cloudbroker_account_id"}}
    rc, graph, err = inventory(directory, config, "--graph")
    assert rc == 0, err
    assert "@joined_invited:\n  |  |--acquired-partner" in graph
    assert "@production:\n  |  |--app-production" in graph
    assert "@folder_Finance:\n  |  |--finance-reporting" in graph
    data = listing(directory, config)
    development = data["_meta"]["hostvars"]["app-development"]
    assert development["cloudbroker_assume_role_session_name"] == "onboard-" + development["cloudbroker_account_id"]


def test_member_credentials_get_a_clear_error(directory):
    services, _state = directory
    rc, _out, err = inventory(directory, {}, "--list", creds=by_name(services, "app-production"),
                              extra_env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})
    assert rc != 0
    assert "reading the Resource Directory failed" in err and "MemberAccountAccessDenied" in err


def test_cache_serves_the_second_run_without_a_request(directory):
    services, state = directory
    config = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile",
              "cache_connection": os.path.join(state, "cache")}
    first = listing(directory, config, name="cached")
    services.reset_counters("ram")
    second = listing(directory, config, name="cached")
    assert second["_meta"]["hostvars"] == first["_meta"]["hostvars"]
    assert services.counters("ram") == {}


def test_resourcemanager_endpoint_option_wins_over_the_environment(directory):
    services, _state = directory
    dead = {"ALIBABA_CLOUD_RESOURCEMANAGER_ENDPOINT": "https://127.0.0.1:9"}
    services.reset_counters("ram")
    data = listing(directory, {"resourcemanager_endpoint": services.rm_url}, extra_env=dead)
    assert "app-production" in data["_meta"]["hostvars"]
    assert services.counters("ram").get("ListAccounts", 0) >= 1
