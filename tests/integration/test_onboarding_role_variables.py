"""Role variables that no playbook of the examples sets, through ansible-playbook against the local services:
ram_onboarding comments, console password reset and the MFA seed file (playbooks/onboard.yml on one host), and
marketplace_onboarding used alone with an AccessKey (allow_root_access_key, provider_codes,
purge_business_entities)."""

import json
import os
import stat
import uuid

import pytest
from alibabacloud_ram20150501 import models as ram_models

from test_onboarding_playbooks import World

pytestmark = pytest.mark.integration

SECRET_FROM_ENV = "{{ lookup('ansible.builtin.env', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET') }}"


@pytest.fixture
def world():
    services = World()
    yield services
    services.close()


def test_ram_onboarding_comments_console_reset_and_mfa_seed_file(world, tmp_path):
    seed_file = tmp_path / "cb-marketplace-dev.json"
    extra = {"ram_onboarding_comments": "Broker user of the development team",
             "ram_onboarding_console_access": True,
             "ram_onboarding_console_password": "Aa1!" + uuid.uuid4().hex[:20],
             "ram_onboarding_console_password_reset_required": False,
             "ram_onboarding_mfa": True, "ram_onboarding_mfa_seed_file": str(seed_file)}
    run = world.onboard("--limit", "alibaba-dev", extra_vars=extra).assert_ok()
    assert extra["ram_onboarding_console_password"] not in run.output
    user = world.ram.get_user(ram_models.GetUserRequest(user_name="cb-marketplace-dev")).body.user
    assert user.comments == "Broker user of the development team"
    profile = world.ram.get_login_profile(ram_models.GetLoginProfileRequest(
        user_name="cb-marketplace-dev")).body.login_profile
    assert profile.password_reset_required is False and profile.mfabind_required is True
    device = world.ram.get_user_mfainfo(ram_models.GetUserMFAInfoRequest(user_name="cb-marketplace-dev")).body
    assert device.mfadevice.serial_number
    assert stat.S_IMODE(os.stat(seed_file).st_mode) == 0o600
    assert "otpauth://" in seed_file.read_text()


def credential_play(sandbox, account, variables=None):
    """marketplace_onboarding alone, registering the sandbox's root AccessKey."""
    role_vars = {"marketplace_onboarding_account_name": account,
                 "marketplace_onboarding_account_number": sandbox.root["account_id"],
                 "marketplace_onboarding_credential_name": "root-key",
                 "marketplace_onboarding_credential_purpose": ["Provisioning"],
                 "marketplace_onboarding_access_key_id": sandbox.root["access_key_id"],
                 "marketplace_onboarding_access_key_secret": SECRET_FROM_ENV}
    role_vars.update(variables or {})
    return [{"name": "Onboard %s" % account, "ansible.builtin.include_role": {
        "name": "cloudbroker.alibaba.marketplace_onboarding"}, "vars": role_vars}]


def credential_of(world, account):
    account_data = world.accounts()[account]
    return next(c for c in account_data["credentials"] if c["credentialName"] == "root-key")


def teams_of(credential):
    return sorted(team for entry in credential.get("context") or [] for team in entry.get("team") or [])


def test_marketplace_onboarding_root_key_provider_codes_and_purge(world):
    sandbox, ansible = world.sandbox, world.ansible
    account = "Root key " + uuid.uuid4().hex[:6]

    refused = ansible.run_tasks(credential_play(sandbox, account))
    assert refused.rc != 0
    assert "belongs to the root (billing) account %s" % sandbox.root["account_id"] in refused.output
    assert all(c["credentialName"] != "root-key" for c in world.accounts()[account]["credentials"])

    ansible.run_tasks(credential_play(sandbox, account, {"marketplace_onboarding_allow_root_access_key": True,
                                                         "marketplace_onboarding_teams": ["team-a"]})).assert_ok()
    assert teams_of(credential_of(world, account)) == ["team-a"]

    # purge off: a team added keeps the one there; the default (on) leaves only the teams listed
    keep_others = {"marketplace_onboarding_allow_root_access_key": True, "marketplace_onboarding_teams": ["team-b"],
                   "marketplace_onboarding_purge_business_entities": False}
    ansible.run_tasks(credential_play(sandbox, account, keep_others)).assert_ok()
    assert teams_of(credential_of(world, account)) == ["team-a", "team-b"]
    ansible.run_tasks(credential_play(sandbox, account, {"marketplace_onboarding_allow_root_access_key": True,
                                                         "marketplace_onboarding_teams": ["team-b"]})).assert_ok()
    assert teams_of(credential_of(world, account)) == ["team-b"]

    # a provider code this tenant does not list is refused before any call; listing it lets it through the check
    sandbox.reset_counters("marketplace")
    unknown = ansible.run_tasks(credential_play(sandbox, account, {"marketplace_onboarding_provider": "aliyun-intl"}))
    assert unknown.rc != 0
    assert ("marketplace_onboarding_provider is \"aliyun-intl\", a provider code this collection does not onboard"
            in unknown.output)
    assert "one of alibaba (marketplace_onboarding_provider_codes)" in unknown.output
    assert sandbox.counters("marketplace") == {}
    listed = ansible.run_tasks(credential_play(sandbox, account, {
        "marketplace_onboarding_provider": "aliyun-intl",
        "marketplace_onboarding_provider_codes": ["alibaba", "aliyun-intl"],
        "marketplace_onboarding_allow_root_access_key": True}))
    assert "a provider code this collection does not onboard" not in listed.output
    assert sandbox.counters("marketplace") != {}
    assert json.dumps(sandbox.root["access_key_secret"]).strip('"') not in refused.output + listed.output


def test_marketplace_onboarding_test_connection_always(world):
    """An unchanged credential is tested again only with test_connection_always (a health check of the stored key)."""
    sandbox, ansible = world.sandbox, world.ansible
    account = "Health " + uuid.uuid4().hex[:6]
    wanted = {"marketplace_onboarding_allow_root_access_key": True, "marketplace_onboarding_test_connection": True}
    ansible.run_tasks(credential_play(sandbox, account, wanted)).assert_ok()
    validator = "POST /cb-credential-service/api/v2.0/credentialsValidator"

    sandbox.reset_counters("marketplace")
    unchanged = ansible.run_tasks(credential_play(sandbox, account, wanted)).assert_ok()
    assert unchanged.recap()["localhost"]["changed"] == 0
    assert sandbox.counters("marketplace").get(validator, 0) == 0

    sandbox.reset_counters("marketplace")
    ansible.run_tasks(credential_play(sandbox, account, dict(
        wanted, **{"marketplace_onboarding_test_connection_always": True}))).assert_ok()
    assert sandbox.counters("marketplace").get(validator) == 1
