"""Documented options and paths of the marketplace modules that no other test sets: marketplace_credential
check_key_owner (and its warning), sts_endpoint; marketplace_asset_account's derived-id conflict and master
account in check mode; the info modules' filters; the shared options timeout, service_prefix and vault_prefix."""

import json
import uuid

import pytest

from test_marketplace_modules import account_task, api, make_account, stored_credential, unique

pytestmark = pytest.mark.integration

UNVERIFIABLE = "Could not verify who access key %s belongs to"


def keep(register, path):
    return {"name": "Keep %s" % register, "ansible.builtin.copy": {
        "content": "{{ %s | to_json }}" % register, "dest": str(path), "mode": "0600"}}


def credential_task(account, name, key_id, **extra):
    args = {"account": account, "name": name, "purpose": ["Provisioning"], "access_key_id": key_id,
            "access_key_secret": "secret-" + uuid.uuid4().hex}
    args.update(extra)
    return {"name": "credential " + name, "cloudbroker.alibaba.marketplace_credential": args, "register": "r"}


def stored_key(sandbox, account_id, name):
    rows = api(sandbox, "GET", "/accounts/%s/credentials" % account_id, params={"credentialName": name})[1:]
    return [row["passwordFields"]["accessKey"] for row in rows]


def test_key_owner_check_warns_when_unverifiable_and_can_be_switched_off(ansible, sandbox):
    name = unique("owner")
    ansible.run_tasks([account_task(name)]).assert_ok()
    checked_key, unchecked_key = "LTAIunknown" + uuid.uuid4().hex[:8], "LTAIunchecked" + uuid.uuid4().hex[:6]

    sandbox.reset_counters("ram")
    checked = ansible.run_tasks([credential_task(name, "checked", checked_key)]).assert_ok()
    assert UNVERIFIABLE % checked_key in checked.output  # STS rejects the key: stored, with a warning
    assert "InvalidAccessKeyId.NotFound" in checked.output
    assert sandbox.counters("ram").get("GetCallerIdentity", 0) >= 1

    sandbox.reset_counters("ram")
    unchecked = ansible.run_tasks([credential_task(name, "unchecked", unchecked_key, **{"check_key_owner": False})]
                                  ).assert_ok()
    assert "Could not verify" not in unchecked.output
    assert sandbox.counters("ram") == {}  # nobody asked STS
    account_id = "alibaba-" + name
    assert stored_key(sandbox, account_id, "checked") == [checked_key]
    assert stored_key(sandbox, account_id, "unchecked") == [unchecked_key]


def test_sts_endpoint_option_is_where_the_owner_is_asked(ansible, sandbox):
    """The option wins over the environment: the root key is recognised (and refused) through it."""
    name, root = unique("sts-option"), sandbox.root
    secret = {"access_key_secret": "{{ lookup('ansible.builtin.env', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET') }}"}
    dead_env = {"ALIBABA_CLOUD_STS_ENDPOINT": "http://127.0.0.1:9"}
    ansible.run_tasks([account_task(name)]).assert_ok()
    refused = ansible.run_tasks([credential_task(name, "prov", root["access_key_id"], sts_endpoint=sandbox.ram_url,
                                                 **secret)], extra_env=dead_env)
    assert refused.rc != 0
    assert "belongs to the root (billing) account %s" % root["account_id"] in refused.output
    # without the option the environment's (dead) endpoint is asked: the owner cannot be verified
    unverified = ansible.run_tasks([credential_task(name, "prov", root["access_key_id"], **secret)],
                                   extra_env=dead_env).assert_ok()
    assert UNVERIFIABLE % root["access_key_id"] in unverified.output
    assert root["access_key_secret"] not in refused.output + unverified.output


def test_derived_account_id_that_belongs_to_another_name_is_a_conflict(ansible, sandbox):
    name = "Conflict " + uuid.uuid4().hex[:8]
    ansible.run_tasks([account_task(name)]).assert_ok()
    derived = "alibaba-" + name.lower().replace(" ", "-")
    sandbox.reset_counters("marketplace")
    clash = ansible.run_tasks([account_task(name.upper())])  # same derived id, another name
    assert clash.rc != 0
    assert "The account id %r derived from name %r belongs to the account named %r; set account_id" % (
        derived, name.upper(), name) in clash.output
    writes = [op for op in sandbox.counters("marketplace") if not op.startswith("GET ")]
    assert writes == []
    # with an account_id of its own, the second account is created beside the first
    ansible.run_tasks([account_task(name.upper(), account_id=derived + "-2")]).assert_ok()
    assert api(sandbox, "GET", "/accounts/" + derived + "-2")["basicInfo"]["accountName"] == name.upper()
    assert api(sandbox, "GET", "/accounts/" + derived)["basicInfo"]["accountName"] == name


def test_master_account_not_yet_created_warns_in_check_mode_and_fails_for_real(ansible, sandbox):
    master, member = unique("Master"), unique("member")
    task = account_task(member, master_account=master)
    check = ansible.run_tasks([task], check=True).assert_ok()
    assert "Master account %r does not exist (yet): check mode links to it as if it did." % master in check.output
    assert check.recap()["localhost"]["changed"] == 1
    real = ansible.run_tasks([task])
    assert real.rc != 0 and "Master account %r not found" % master in real.output
    # created first in the same play, it is linked
    ansible.run_tasks([account_task(master, account_type="master"), task]).assert_ok()
    linked = api(sandbox, "GET", "/accounts/alibaba-" + member)
    assert json.dumps(linked).count("alibaba-" + master.lower()) >= 1


def test_account_info_user_type_and_include_credentials(ansible, sandbox, tmp_path):
    account_id = unique("billing")
    payload = {"account": {"accountId": account_id, "basicInfo": {
        "accountName": account_id, "serviceProviderType": "alibaba", "serviceProviderCode": "alibaba",
        "accountType": "master", "isActive": "Active", "userType": "billing"},
        "advancedInfo": {"accountNumber": "12345678"},
        "credentials": [stored_credential("bill", "LTAIbilling0001", "billing-secret-" + uuid.uuid4().hex)]}}
    api(sandbox, "POST", "/accounts", json=payload)
    out = tmp_path / "info.json"
    ansible.run_tasks([
        {"cloudbroker.alibaba.marketplace_asset_account_info": {"user_type": "billing"}, "register": "billing"},
        {"cloudbroker.alibaba.marketplace_asset_account_info": {}, "register": "asset"},
        {"cloudbroker.alibaba.marketplace_asset_account_info": {"user_type": "billing", "include_credentials": False},
         "register": "bare"},
        keep("{'billing': billing, 'asset': asset, 'bare': bare}", out)]).assert_ok()
    result = json.loads(out.read_text())
    billing = [a for a in result["billing"]["accounts"] if a["account_id"] == account_id]
    assert len(billing) == 1 and [c["access_key_id"] for c in billing[0]["credentials"]] == ["LTAIbilling0001"]
    assert account_id not in [a["account_id"] for a in result["asset"]["accounts"]]  # asset is the default
    bare = [a for a in result["bare"]["accounts"] if a["account_id"] == account_id]
    assert len(bare) == 1 and "credentials" not in bare[0]


def test_account_info_credential_name_keeps_only_that_credential(ansible, sandbox, tmp_path):
    account_id = unique("named")
    make_account(sandbox, account_id, account_id, [
        stored_credential("provisioning", "LTAInamed0001", "s-" + uuid.uuid4().hex),
        stored_credential("discovery", "LTAInamed0002", "s-" + uuid.uuid4().hex)])
    out = tmp_path / "named.json"
    sandbox.reset_counters("marketplace")
    ansible.run_tasks([
        {"cloudbroker.alibaba.marketplace_asset_account_info": {"account_id": account_id,
                                                                "credential_name": "provisioning"}, "register": "one"},
        {"cloudbroker.alibaba.marketplace_asset_account_info": {"account_id": account_id,
                                                                "credential_name": "absent"}, "register": "absent"},
        keep("{'one': one.accounts, 'none': absent.accounts}", out)]).assert_ok()
    result = json.loads(out.read_text())
    assert [(c["name"], c["access_key_id"]) for c in result["one"][0]["credentials"]] == [("provisioning", "LTAInamed0001")]
    # the account is returned all the same, holding none of that name
    assert [a["account_id"] for a in result["none"]] == [account_id] and result["none"][0]["credentials"] == []
    # filtered on the controller: one GET per task, as without the option
    assert sum(sandbox.counters("marketplace").values()) == 2


def test_credential_info_organization_filter(ansible, sandbox, tmp_path):
    account_id = unique("orgs")
    make_account(sandbox, account_id, account_id, [
        dict(stored_credential("eng", "LTAIeng0001", "s-" + uuid.uuid4().hex), context=[{"org": ["org-engineering"]}]),
        dict(stored_credential("fin", "LTAIfin0001", "s-" + uuid.uuid4().hex), context=[{"org": ["org-finance"]}])])
    out = tmp_path / "creds.json"
    ansible.run_tasks([{"cloudbroker.alibaba.marketplace_credential_info": {
        "account": account_id, "organization": "org-finance"}, "register": "fin"}, keep("fin", out)]).assert_ok()
    assert [c["name"] for c in json.loads(out.read_text())["credentials"]] == ["fin"]


def test_timeout_bounds_each_answer(ansible, sandbox):
    sandbox.set_faults("marketplace", latency_ms=3000)
    run = ansible.run_tasks([{"cloudbroker.alibaba.marketplace_asset_account_info": {
        "account_id": "nothing-here", "timeout": 1, "max_retries": 0}}])
    sandbox.clear_faults("marketplace")
    assert run.rc != 0 and "timed out" in run.output.lower(), run.output[-3000:]
    assert "Traceback" not in run.output


def test_service_and_vault_prefixes_choose_the_api_paths(ansible, sandbox):
    sandbox.reset_counters("marketplace")
    ansible.run_tasks([{"cloudbroker.alibaba.marketplace_asset_account_info": {
        "account_id": "nothing-here", "service_prefix": "cb-credential-service/api/v2.0"}}]).assert_ok()
    assert list(sandbox.counters("marketplace")) == ["GET /cb-credential-service/api/v2.0/accounts/{accountId}"]
    sandbox.reset_counters("marketplace")
    wrong = ansible.run_tasks([{"cloudbroker.alibaba.marketplace_asset_account_info": {
        "service_prefix": "other-service/api/v2.0"}}])
    assert wrong.rc != 0 and "HTTP 404 CO404_NOT_FOUND" in wrong.output
    # the 404 names the URL asked and the options that made it
    assert ("The URL was %s/other-service/api/v2.0/accounts/type/asset; if the object should exist, check the "
            "options url and service_prefix (CLOUDBROKER_SERVICE_PREFIX, default cb-credential-service/api/v2.0)"
            % sandbox.marketplace_url) in wrong.output
    assert list(sandbox.counters("marketplace")) == ["GET /other-service/api/v2.0/accounts/type/asset"]
    # the vault references API is asked under vault_prefix (there, the reference is not found)
    account = unique("vault")
    ansible.run_tasks([account_task(account)]).assert_ok()
    sandbox.reset_counters("marketplace")
    wrong_vault = ansible.run_tasks([{"cloudbroker.alibaba.marketplace_credential": {
        "account": account, "name": "ref", "purpose": ["Provisioning"], "credential_ref_id": "no-such-ref",
        "vault_prefix": "elsewhere/api/v1.0"}}])
    assert wrong_vault.rc != 0
    assert [op for op in sandbox.counters("marketplace") if "credentialrefs" in op] == [
        "GET /elsewhere/api/v1.0/credentialrefs/no-such-ref"]
