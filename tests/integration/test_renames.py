"""Renaming an onboarding in inventory, through playbooks/onboard.yml.

* The asset account renamed: the account is renamed in place - same id, same credential, same key, no new key.
* The credential renamed: the credential under the new name gets a new key; then the stale credential and the old
  key are removed. At no point does the marketplace hold a deleted key; the end state is one credential, one key.
"""

import os
import shutil
import tempfile

import pytest
import yaml
from alibabacloud_ram20150501 import models as ram_models
from conftest import REPO, AnsibleRunner, Sandbox, ram_client

pytestmark = pytest.mark.integration

ONBOARD = os.path.join(REPO, "playbooks", "onboard.yml")
API = "/cb-credential-service/api/v2.0"
HOST = "renamed-account"
BASE = {
    "ram_onboarding_user_name": "cb-renamed",
    "ram_onboarding_policies": ["ReadOnlyAccess"],
    "marketplace_onboarding_account_name": "Renamed before",
    "marketplace_onboarding_credential_name": "before",
    "marketplace_onboarding_credential_purpose": ["Provisioning"],
    "marketplace_onboarding_teams": ["team-a"],
}


class World:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="cb-rename-")
        self.sandbox = Sandbox(os.path.join(self.tmp, "state"))
        os.makedirs(os.path.join(self.tmp, "ansible", "tmp"))
        self.ansible = AnsibleRunner(self.sandbox, os.path.join(self.tmp, "ansible"))
        self.ram = ram_client(self.sandbox.ram_url, self.sandbox.root["access_key_id"],
                              self.sandbox.root["access_key_secret"], self.sandbox.ca_bundle)

    def close(self):
        self.sandbox.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def onboard(self, host_vars, *args):
        inventory = os.path.join(self.tmp, "inventory")
        shutil.rmtree(inventory, ignore_errors=True)
        shutil.copytree(os.path.join(REPO, "examples", "inventory", "group_vars"), os.path.join(inventory, "group_vars"))
        with open(os.path.join(inventory, "hosts.yml"), "w", encoding="utf-8") as handle:
            yaml.safe_dump({"alibaba_accounts": {"hosts": {HOST: host_vars}}}, handle)
        return self.ansible.run(ONBOARD, *args, inventory=inventory).assert_ok()

    def market(self, method, path, **kwargs):
        admin = self.sandbox.admin
        return self.sandbox.http.request(method, self.sandbox.marketplace_url + API + path, timeout=30,
                                         headers={"username": admin["username"], "apikey": admin["apikey"]}, **kwargs)

    def keys(self):
        body = self.ram.list_access_keys(ram_models.ListAccessKeysRequest(user_name=BASE["ram_onboarding_user_name"]))
        return sorted((k.access_key_id, k.status) for k in body.body.access_keys.access_key)

    def credentials(self):
        """{(account name, credential name): (account id, credential id, access key id)} of the provider."""
        page = self.market("GET", "/accounts/type/asset", params={"serviceProviderCode": "alibaba", "limit": 1000})
        page.raise_for_status()
        return {(a["basicInfo"]["accountName"], c["credentialName"]): (a["accountId"], c["id"],
                                                                       c["passwordFields"]["accessKey"])
                for a in page.json()[1:] for c in a.get("credentials", [])}

    def works(self, account_id, credential_id):
        result = self.market("POST", "/credentialsValidator", json={"accountId": account_id, "credentialId": credential_id})
        return result.status_code == 200


@pytest.fixture()
def world():
    services = World()
    yield services
    services.close()


def test_renamed_asset_account_is_renamed_in_place(world):
    world.onboard(BASE)
    (old_id, credential_id, key), = world.credentials().values()
    world.sandbox.reset_counters("ram")

    renamed = dict(BASE, marketplace_onboarding_account_name="Renamed after")
    world.onboard(renamed)
    assert world.credentials() == {("Renamed after", "before"): (old_id, credential_id, key)}
    assert world.keys() == [(key, "Active")]
    assert world.sandbox.counters("ram").get("CreateAccessKey", 0) == 0
    assert world.works(old_id, credential_id)
    again = world.onboard(renamed)
    assert again.recap()[HOST]["changed"] == 0, again.stdout[-3000:]


def test_renamed_credential_replaces_the_stale_one_and_its_key(world):
    world.onboard(BASE)
    (account_id, old_credential_id, old_key), = world.credentials().values()

    renamed = dict(BASE, marketplace_onboarding_credential_name="after")
    check = world.onboard(renamed, "--check", "--diff")
    assert world.credentials() == {("Renamed before", "before"): (account_id, old_credential_id, old_key)}
    assert check.recap()[HOST]["changed"] > 0

    world.onboard(renamed)
    found = world.credentials()
    assert list(found) == [("Renamed before", "after")], found  # the stale credential is gone
    new_account_id, new_credential_id, new_key = found[("Renamed before", "after")]
    assert new_account_id == account_id and new_key != old_key
    assert world.keys() == [(new_key, "Active")]  # the old key went with its credential
    assert world.works(account_id, new_credential_id)
    again = world.onboard(renamed)
    assert again.recap()[HOST]["changed"] == 0, again.stdout[-3000:]


def test_renamed_account_and_credential_leave_no_credential_with_a_deleted_key(world):
    world.onboard(BASE)
    renamed = dict(BASE, marketplace_onboarding_account_name="Renamed elsewhere",
                   marketplace_onboarding_credential_name="elsewhere")
    world.onboard(renamed)
    found = world.credentials()
    assert list(found) == [("Renamed elsewhere", "elsewhere")], found
    account_id, credential_id, key = found[("Renamed elsewhere", "elsewhere")]
    assert world.keys() == [(key, "Active")]
    assert world.works(account_id, credential_id)
