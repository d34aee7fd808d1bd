"""Marketplace modules through ansible-playbook against the local marketplace service; state read back over HTTPS
(``Sandbox.http``, trusting the sandbox's CA)."""

import uuid

import pytest

pytestmark = pytest.mark.integration

V2 = "/cb-credential-service/api/v2.0"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def api(sandbox, method, path, user="cbadmin", **kwargs):
    """A direct API request as a broker user (reading state back, or making state the modules did not make)."""
    headers = {"username": user, "apikey": sandbox.user(user)["apikey"]}
    response = sandbox.http.request(method, sandbox.marketplace_url + V2 + path, headers=headers, timeout=30, **kwargs)
    response.raise_for_status()
    return response.json() if response.content else None


def make_account(sandbox, account_id, name, credentials=(), user="cbadmin"):
    basic = {"accountName": name, "serviceProviderType": "alibaba", "serviceProviderCode": "alibaba",
             "accountType": "subaccount", "isActive": "Active", "userType": "asset"}
    payload = {"account": {"accountId": account_id, "basicInfo": basic, "advancedInfo": {"accountNumber": "12345678"},
                           "credentials": list(credentials)}}
    return api(sandbox, "POST", "/accounts", user, json=payload)["account"]


def stored_credential(name, access_key, secret_key, teams=("team-a",)):
    return {"credentialName": name, "purpose": ["provisioning"], "status": "Active", "context": [{"team": list(teams)}],
            "passwordFields": {"accessKey": access_key, "secretKey": secret_key}}


def as_user(sandbox, name):
    return {"CLOUDBROKER_USERNAME": name, "CLOUDBROKER_API_KEY": sandbox.user(name)["apikey"]}


# The target itself runs in test_shell_parity.py, through both shells.


def account_task(name, **extra):
    args = {"name": name, "account_number": "1234567890123456"}
    args.update(extra)
    return {"name": "account", "cloudbroker.alibaba.marketplace_asset_account": args, "register": "account"}


def test_secrets_never_reach_results_or_verbose_output(ansible, sandbox):
    """The service returns passwordFields on every read; none of it may leave a module (even with -vvvv)."""
    account_id = unique("redact")
    held_key_id, held_secret = "LTAIheld" + uuid.uuid4().hex[:12], "held-secret-" + uuid.uuid4().hex
    sent_secret = "sent-secret-" + uuid.uuid4().hex
    make_account(sandbox, account_id, account_id, [stored_credential("held", held_key_id, held_secret)])
    # the premise: the service hands the stored secret out on every read
    assert held_secret in str(api(sandbox, "GET", "/accounts/" + account_id))
    tasks = [
        {"cloudbroker.alibaba.marketplace_asset_account_info": {"account_id": account_id}, "register": "a"},
        {"cloudbroker.alibaba.marketplace_asset_account_info": {}},
        {"cloudbroker.alibaba.marketplace_credential_info": {"account": account_id}, "register": "c"},
        {"cloudbroker.alibaba.marketplace_credential_info": {"team": "team-a"}},
        {"cloudbroker.alibaba.marketplace_asset_account": {"account_id": account_id, "name": account_id,
                                                           "description": "redaction test"}},
        {"cloudbroker.alibaba.marketplace_credential": {"account": account_id, "name": "held",
                                                        "access_key_id": held_key_id, "status": "Inactive"}},
        {"cloudbroker.alibaba.marketplace_credential": {
            "account": account_id, "name": "sent", "purpose": ["Provisioning"], "access_key_id": "LTAIsent0001",
            "access_key_secret": sent_secret, "update_secret": "always", "business_entities": {"teams": ["team-a"]}}},
        {"ansible.builtin.assert": {"that": [
            "a.accounts[0].credentials[0].access_key_id == held_key_id",
            "c.credentials | map(attribute='access_key_id') | list == [held_key_id]"]}},
    ]
    for check in (True, False):
        run = ansible.run_tasks(tasks, extra_vars={"held_key_id": held_key_id}, verbosity=4, diff=True, check=check)
        run.assert_ok()
        assert held_key_id in run.output  # the access key ID stays visible
        assert held_secret not in run.output
        assert sent_secret not in run.output
    stored = api(sandbox, "GET", "/accounts/%s/credentials" % account_id, params={"credentialName": "sent"})[1]
    assert stored["passwordFields"] == {"accessKey": "LTAIsent0001", "secretKey": sent_secret}


def test_wrong_api_key_is_a_clean_401(ansible):
    wrong = "wrong-api-key-" + uuid.uuid4().hex
    run = ansible.run_tasks([{"cloudbroker.alibaba.marketplace_asset_account_info": {}}],
                            extra_env={"CLOUDBROKER_API_KEY": wrong}, verbosity=4)
    assert run.rc != 0
    assert "HTTP 401 CO401_UNAUTHORIZED" in run.output
    assert "Check the user name and the API key" in run.output
    assert wrong not in run.output
    assert "Traceback" not in run.output


def test_short_account_number_is_rejected_before_any_request(ansible, sandbox):
    sandbox.reset_counters("marketplace")
    run = ansible.run_tasks([account_task(unique("short"), account_number="1234567")])
    assert run.rc != 0
    assert "account_number must be at least 8 digits" in run.output
    assert sandbox.counters("marketplace") == {}


def test_missing_url_is_rejected_before_any_request(ansible, sandbox):
    sandbox.reset_counters("marketplace")
    run = ansible.run_tasks([{"cloudbroker.alibaba.marketplace_asset_account_info": {}}],
                            extra_env={"CLOUDBROKER_URL": ""})
    assert run.rc != 0 and "CLOUDBROKER_URL" in run.output
    assert sandbox.counters("marketplace") == {}


def test_credential_of_team_a_is_invisible_to_team_b(ansible, sandbox):
    name, key_id = unique("team-a"), "LTAIteamA" + uuid.uuid4().hex[:10]
    ansible.run_tasks([
        account_task(name),
        {"cloudbroker.alibaba.marketplace_credential": {
            "account": name, "name": "prov", "purpose": ["Provisioning"], "access_key_id": key_id,
            "access_key_secret": "secret-" + uuid.uuid4().hex, "business_entities": {"teams": ["team-a"]}}},
    ]).assert_ok()
    looks = [
        {"cloudbroker.alibaba.marketplace_credential_info": {"account": name}, "register": "by_account"},
        {"cloudbroker.alibaba.marketplace_credential_info": {}, "register": "everything"},
        {"cloudbroker.alibaba.marketplace_asset_account_info": {"name": name}, "register": "accounts"},
    ]
    ansible.run_tasks(looks + [{"ansible.builtin.assert": {"that": [
        "by_account.credentials == []",
        "everything.credentials | selectattr('access_key_id', 'equalto', key_id) | list == []",
        "accounts.accounts == []"]}}], extra_vars={"key_id": key_id}, extra_env=as_user(sandbox, "bob")).assert_ok()
    ansible.run_tasks(looks + [{"ansible.builtin.assert": {"that": [
        "by_account.credentials | map(attribute='access_key_id') | list == [key_id]",
        "accounts.accounts | length == 1"]}}], extra_vars={"key_id": key_id},
        extra_env=as_user(sandbox, "alice")).assert_ok()
    # bob cannot change it either: for him the account does not exist
    run = ansible.run_tasks([{"cloudbroker.alibaba.marketplace_credential": {
        "account": name, "name": "prov", "status": "Inactive"}}], extra_env=as_user(sandbox, "bob"))
    assert run.rc != 0 and "not found" in run.output and "not visible to user bob" in run.output
    # alice sees it but does not own the account: a clean permission error
    run = ansible.run_tasks([{"cloudbroker.alibaba.marketplace_credential": {
        "account": name, "name": "prov", "status": "Inactive"}}], extra_env=as_user(sandbox, "alice"))
    assert run.rc != 0 and "HTTP 403 CO403_FORBIDDEN" in run.output and "permissions of user 'alice'" in run.output


def test_test_connection_fails_for_a_deactivated_key(ansible, sandbox, ram):
    from alibabacloud_ram20150501 import models as ram_models

    user = unique("mp-test")
    ram.create_user(ram_models.CreateUserRequest(user_name=user))
    key = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name=user)).body.access_key
    name = unique("tested")
    credential = {"name": "credential", "cloudbroker.alibaba.marketplace_credential": {
        "account": name, "name": "prov", "purpose": ["Provisioning"], "access_key_id": key.access_key_id,
        "access_key_secret": key.access_key_secret, "test_connection": True}, "register": "r"}
    ansible.run_tasks([account_task(name), credential, {"ansible.builtin.assert": {"that": [
        "r is changed", "r.test_connection.status == 'success'",
        "r.test_connection.identity.arn is search(user)"]}}], extra_vars={"user": user}).assert_ok()
    # check mode skips the test
    ansible.run_tasks([credential, {"ansible.builtin.assert": {"that": [
        "r is not changed", "r.test_connection.status == 'skipped'"]}}], check=True).assert_ok()

    ram.update_access_key(ram_models.UpdateAccessKeyRequest(user_name=user, user_access_key_id=key.access_key_id,
                                                            status="Inactive"))
    run = ansible.run_tasks([credential], verbosity=4)
    assert run.rc != 0
    assert "Test connection of credential 'prov'" in run.output
    assert "InvalidAccessKeyId.Inactive" in run.output
    assert key.access_key_secret not in run.output


@pytest.mark.parametrize("faults", [dict(throttle_rate=0.5, seed=3), dict(error_rate=0.4, seed=5)],
                         ids=["429", "5xx"])
def test_throttling_and_gateway_errors_converge(ansible, sandbox, faults):
    name, key_id = unique("bursts"), "LTAIburst" + uuid.uuid4().hex[:10]
    tasks = [
        account_task(name, description="converges"),
        {"name": "credential", "cloudbroker.alibaba.marketplace_credential": {
            "account": name, "name": "prov", "purpose": ["Provisioning", "Asset Discovery"],
            "access_key_id": key_id, "access_key_secret": "secret-" + uuid.uuid4().hex,
            "business_entities": {"teams": ["team-a"], "organizations": ["org-engineering"]}}},
    ]
    defaults = {"group/cloudbroker.alibaba.marketplace": {"max_retries": 30}}
    sandbox.set_faults("marketplace", **faults)
    sandbox.reset_counters("marketplace")
    first = ansible.run_tasks(tasks, module_defaults=defaults).assert_ok()
    second = ansible.run_tasks(tasks, module_defaults=defaults).assert_ok()
    sandbox.clear_faults("marketplace")
    # requests were refused, and each refused operation was sent again
    sandbox.assert_faults_retried("marketplace")
    assert first.recap()["localhost"]["changed"] == 2
    assert second.recap()["localhost"]["changed"] == 0
    account_id = "alibaba-" + name
    account = api(sandbox, "GET", "/accounts/" + account_id)
    assert account["basicInfo"]["description"] == "converges"
    assert [(c["credentialName"], c["passwordFields"]["accessKey"]) for c in account["credentials"]] == [("prov", key_id)]


def test_check_mode_credential_of_an_account_created_in_the_same_play(ansible):
    name = "Fresh " + unique("account")
    run = ansible.run_tasks([account_task(name), {"cloudbroker.alibaba.marketplace_credential": {
        "account": name, "name": "prov", "purpose": ["Provisioning"], "access_key_id": "LTAIfresh0001",
        "access_key_secret": "fresh-secret-0123456789"}, "register": "r"},
        {"ansible.builtin.assert": {"that": ["r is changed", "r.credential.account_id == account.account.account_id",
                                             "r.credential.account_name == account_name"]}}],
        extra_vars={"account_name": name}, check=True)
    run.assert_ok()
    assert "does not exist (yet)" in run.output


def test_proxy_in_environment_does_not_break_loopback(ansible):
    run = ansible.run_tasks([{"cloudbroker.alibaba.marketplace_asset_account_info": {"account_id": "nothing-here"},
                              "register": "r"}, {"ansible.builtin.assert": {"that": ["r.accounts == []"]}}],
                            extra_env={"HTTP_PROXY": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9",
                                       "HTTPS_PROXY": "http://127.0.0.1:9"})
    run.assert_ok()


def test_root_access_key_is_refused_unless_allowed(ansible, sandbox):
    """The credential step asks STS who a key belongs to before sending it: the root account's key is refused."""
    name = unique("rootkey")
    root = sandbox.root
    account = {"cloudbroker.alibaba.marketplace_asset_account": {"name": name, "account_number": "12345678"}}
    credential = {"account": name, "name": "prov", "purpose": ["Provisioning"], "access_key_id": "{{ key_id }}",
                  "access_key_secret": "{{ lookup('ansible.builtin.env', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET') }}",
                  "business_entities": {"teams": ["team-a"]}}
    refused = ansible.run_tasks([account, {"cloudbroker.alibaba.marketplace_credential": credential}],
                                extra_vars={"key_id": root["access_key_id"]})
    assert refused.rc != 0
    assert "belongs to the root (billing) account %s" % root["account_id"] in refused.output
    assert root["access_key_secret"] not in refused.output
    accepted = ansible.run_tasks([account, {"cloudbroker.alibaba.marketplace_credential": {
        **credential, "allow_root_access_key": True}, "register": "r"},
        {"ansible.builtin.assert": {"that": ["r is changed", "r.credential.access_key_id == key_id"]}}],
        extra_vars={"key_id": root["access_key_id"]}).assert_ok()
    assert root["access_key_secret"] not in accepted.output
