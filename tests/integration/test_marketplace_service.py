"""The local marketplace service (``tests/sandbox/marketplace_service``) against docs/marketplace-api.md.

Plain HTTP with ``requests``; the RAM side is driven with the official SDK to mint real keys for the
test-connection endpoint.
"""

import glob
import os
import uuid

import pytest
import requests

from conftest import Sandbox

V2 = "/cb-credential-service/api/v2.0"
V1 = "/cb-credential-service/api/v1.0"
HTTP = requests.Session()
HTTP.trust_env = False  # never send loopback traffic through a caller's proxy


def call(sandbox, method, path, user="cbadmin", **kwargs):
    """One API request as ``user`` (``None``: no auth headers)."""
    headers = {}
    if user:
        headers = {"username": user, "apikey": sandbox.user(user)["apikey"]}
    return HTTP.request(method, sandbox.marketplace_url + path, headers=headers, timeout=30,
                        verify=sandbox.ca_bundle or True, **kwargs)


def uid(prefix="t"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def credential(name="prov", teams=("team-a",), access_key=None, secret_key=None, **extra):
    cred = {"credentialName": name, "purpose": ["provisioning"], "status": "Active",
            "context": [{"team": list(teams)}],
            "passwordFields": {"accessKey": access_key or uid("LTAI"), "secretKey": secret_key or uid("secret")}}
    cred.update(extra)
    return cred


def account(account_id, credentials=(), **basic):
    info = {"accountName": "Account " + account_id, "serviceProviderType": "alibaba", "serviceProviderCode": "alibaba",
            "accountType": "subaccount", "isActive": "Active", "userType": "asset"}
    info.update(basic)
    return {"account": {"accountId": account_id, "basicInfo": info, "advancedInfo": {"accountNumber": "12345678"},
                        "credentials": list(credentials)}}


def create(sandbox, payload, user="cbadmin"):
    response = call(sandbox, "POST", V2 + "/accounts", user, json=payload)
    assert response.status_code == 200, response.text
    return response.json()["account"]


def problems(response):
    """``{property: value}`` of a 400 schema error, after checking its shape."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["statusText"] == "Bad Request" and body["jsonSchemaValidation"] is True
    (items,) = body["validations"].values()
    assert all(item["messages"] for item in items)
    return {item["property"]: item["value"] for item in items}


def test_authentication_is_required(sandbox):
    for user, key in ((None, None), ("cbadmin", "wrong"), ("nobody", "x")):
        headers = {"username": user, "apikey": key} if user else {}
        response = HTTP.get(sandbox.marketplace_url + V2 + "/businessEntities", headers=headers, timeout=10,
                            verify=sandbox.ca_bundle or True)
        assert response.status_code == 401
        assert response.json()["translateCode"] == "CO401_UNAUTHORIZED"
    assert call(sandbox, "GET", V2 + "/businessEntities").status_code == 200


def test_business_entities_are_scoped_to_the_caller(sandbox):
    everything = call(sandbox, "GET", V2 + "/businessEntities").json()
    assert {team["id"] for team in everything["teams"]} == {"team-a", "team-b", "team-platform"}
    assert {org["id"] for org in everything["organizations"]} == {"org-engineering", "org-finance"}
    alice = call(sandbox, "GET", V2 + "/businessEntities", "alice").json()
    assert [team["id"] for team in alice["teams"]] == ["team-a"]
    assert [org["id"] for org in alice["organizations"]] == ["org-engineering"]
    assert {ctx["id"] for ctx in alice["customContexts"]} == {"ctx-prod", "ctx-nonprod"}
    assert sandbox.admin["username"] == "cbadmin" and sum(user["admin"] for user in sandbox.users) == 1


def test_account_lifecycle(sandbox):
    account_id = uid("acc")
    cred = credential()
    response = call(sandbox, "POST", V2 + "/accounts", json=account(account_id, [cred]))
    assert response.status_code == 200
    body = response.json()
    assert body["translateCode"] == "CO200_ACC_CREATED_SUCCESSFULLY"
    created = body["account"]
    assert created["modelVersion"] == 1 and created["updatedTime"] and created["credentials"][0]["id"]

    again = call(sandbox, "POST", V2 + "/accounts", json=account(account_id, [cred]))
    assert again.status_code == 409 and again.json()["translateCode"] == "CO409_ACCOUNT_ALREADY_EXISTS"

    fetched = call(sandbox, "GET", V2 + "/accounts/" + account_id).json()
    # The real service's habit, reproduced on purpose: GET hands the secret back decrypted.
    assert fetched["credentials"][0]["passwordFields"] == cred["passwordFields"]
    assert fetched["credentials"][0]["context"][0]["team"] == ["team-a"]
    assert fetched["credentials"][0]["context"][0]["contextId"]
    assert "parentAccountId" not in fetched["basicInfo"]

    update = account(account_id, accountName="Renamed", isActive="InActive")
    update["account"]["modelVersion"] = 1
    response = call(sandbox, "PUT", V2 + "/accounts/" + account_id, json=update)
    assert response.status_code == 200, response.text
    assert response.json()["translateCode"] == "CO200_SUCCESSFULLY_UPDATE_ACC_AND_SUBACC"
    updated = response.json()["account"]
    assert updated["basicInfo"]["accountName"] == "Renamed" and updated["modelVersion"] == 2
    assert len(updated["credentials"]) == 1  # credentials in a PUT body are ignored
    stale = call(sandbox, "PUT", V2 + "/accounts/" + account_id, json=update)
    assert stale.status_code == 409 and stale.json()["translateCode"] == "CO409_MODEL_VERSION_CONFLICT"

    # manage=false hides inactive accounts (evidenced behaviour)
    assert call(sandbox, "GET", V2 + "/accounts/%s?manage=false" % account_id).status_code == 404

    assert call(sandbox, "DELETE", V2 + "/accounts/" + account_id).status_code == 204
    missing = call(sandbox, "GET", V2 + "/accounts/" + account_id)
    assert missing.status_code == 404
    assert missing.json() == {"message": "Account not found", "statusCode": 404,
                              "translateCode": "CO404_ACCOUNT_NOT_FOUND", "translateParameters": [account_id]}


def test_account_number_needs_eight_digits(sandbox):
    for number in ("1234567", "12345678a", 12345678):
        payload = account(uid("acc"))
        payload["account"]["advancedInfo"]["accountNumber"] = number
        response = call(sandbox, "POST", V2 + "/accounts", json=payload)
        assert problems(response) == {"advancedInfo.accountNumber": number}
        assert response.json()["validations"]["body"][0]["messages"] == ["must be a string of at least 8 digits"]


def test_schema_errors_are_reported_together(sandbox):
    bad = credential(purpose=["provisioning", "mining"], status="Enabled", context=[{"team": ["team-zz"]}])
    del bad["credentialName"]
    payload = account(uid("acc"), [bad], accountType="leaf")
    assert problems(call(sandbox, "POST", V2 + "/accounts", json=payload)) == {
        "basicInfo.accountType": "leaf",
        "credentials[0].credentialName": None,
        "credentials[0].purpose[1]": "mining",
        "credentials[0].status": "Enabled",
        "credentials[0].context[0].team": "team-zz",
    }
    no_secret = credential()
    del no_secret["passwordFields"]
    assert "credentials[0]" in problems(call(sandbox, "POST", V2 + "/accounts", json=account(uid("a"), [no_secret])))
    assert problems(call(sandbox, "POST", V2 + "/accounts", data="nope")) == {"": None}


def test_master_and_subaccounts(sandbox):
    master_id, sub_id = uid("master"), uid("sub")
    orphan = account(sub_id, parentAccountId="no-such-master")
    assert problems(call(sandbox, "POST", V2 + "/accounts", json=orphan)) == {
        "basicInfo.parentAccountId": "no-such-master"}
    create(sandbox, account(master_id, accountType="master"))
    sub = create(sandbox, account(sub_id, parentAccountId=master_id))
    assert sub["basicInfo"]["parentAccountId"] == master_id
    blocked = call(sandbox, "DELETE", V2 + "/accounts/" + master_id)
    assert blocked.status_code == 409 and blocked.json()["translateCode"] == "CO409_ACCOUNT_HAS_SUBACCOUNTS"
    assert call(sandbox, "DELETE", V2 + "/accounts/" + sub_id).status_code == 204
    assert call(sandbox, "DELETE", V2 + "/accounts/" + master_id).status_code == 204


def test_credential_endpoints(sandbox):
    account_id = uid("acc")
    create(sandbox, account(account_id, [credential("prov")]))
    base = V2 + "/accounts/%s/credentials" % account_id

    discovery = credential("disc", teams=["team-b"], purpose=["assetDiscovery", "assetIngestion"])
    response = call(sandbox, "POST", base, json=discovery)
    assert response.status_code == 200 and response.json()["translateCode"] == "CO200_CREDENTIAL_CREATED_SUCCESSFULLY"
    disc = response.json()["credential"]
    duplicate = call(sandbox, "POST", base, json=discovery)
    assert duplicate.status_code == 409 and duplicate.json()["translateCode"] == "CO409_CREDENTIAL_ALREADY_EXISTS"

    def names(query=""):
        listing = call(sandbox, "GET", base + query).json()
        return listing[0]["total_rows"], [item["credentialName"] for item in listing[1:]]

    assert names() == (2, ["prov", "disc"])
    assert names("?purpose=assetDiscovery") == (1, ["disc"])
    assert names("?team=team-a") == (1, ["prov"])
    assert names("?credentialName=disc&credentialId=" + disc["id"]) == (1, ["disc"])
    assert names("?organization=org-finance") == (0, [])

    patched = call(sandbox, "PATCH", "%s/%s" % (base, disc["id"]), json={"status": "InActive"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["credential"]["status"] == "InActive"
    assert patched.json()["credential"]["purpose"] == ["assetDiscovery", "assetIngestion"]
    bad_purpose = call(sandbox, "PATCH", "%s/%s" % (base, disc["id"]), json={"purpose": ["x"]})
    assert problems(bad_purpose) == {"purpose[0]": "x"}

    context_id = disc["context"][0]["contextId"]
    response = call(sandbox, "PATCH", "%s/%s/context/%s" % (base, disc["id"], context_id),
                    json={"org": ["org-finance"]})
    assert response.status_code == 200, response.text
    assert response.json()["credential"]["context"] == [{"contextId": context_id, "org": ["org-finance"]}]
    assert call(sandbox, "PATCH", "%s/%s/context/nope" % (base, disc["id"]), json={"org": []}).status_code == 404

    assert call(sandbox, "GET", V2 + "/accounts/" + account_id).json()["modelVersion"] == 4
    assert call(sandbox, "DELETE", "%s/%s" % (base, disc["id"])).status_code == 204
    assert call(sandbox, "GET", "%s/%s" % (base, disc["id"])).status_code == 404
    assert names() == (1, ["prov"])


def state_files(sandbox):
    blobs = b""
    for path in glob.glob(os.path.join(sandbox.state_dir, "marketplace.sqlite3*")):
        with open(path, "rb") as handle:
            blobs += handle.read()
    return blobs


def test_vault_references_and_encryption_at_rest(sandbox):
    cref_id, secret = uid("cref"), uid("vault-secret")
    payload = {"crefId": cref_id, "credential": {"value": {"accessKey": uid("LTAI"), "secretKey": secret}}}
    response = call(sandbox, "POST", V1 + "/credentialrefs", json=payload)
    assert response.status_code == 200 and response.json()["crefId"] == cref_id
    assert call(sandbox, "POST", V1 + "/credentialrefs", json=payload).status_code == 409
    meta = call(sandbox, "GET", V1 + "/credentialrefs/" + cref_id).json()
    assert meta["keys"] == ["accessKey", "secretKey"] and secret not in str(meta)
    assert call(sandbox, "GET", V1 + "/credentialrefs/" + cref_id, "alice").status_code == 404

    by_ref = credential("by-ref")
    del by_ref["passwordFields"]
    unknown = dict(by_ref, crefId="no-such-ref")
    assert problems(call(sandbox, "POST", V2 + "/accounts", json=account(uid("a"), [unknown]))) == {
        "credentials[0].crefId": "no-such-ref"}
    account_id = uid("acc")
    inline_secret = uid("inline-secret")
    stored = create(sandbox, account(account_id, [dict(by_ref, crefId=cref_id),
                                                  credential("inline", secret_key=inline_secret)]))
    assert stored["credentials"][0]["crefId"] == cref_id and "passwordFields" not in stored["credentials"][0]
    in_use = call(sandbox, "DELETE", V1 + "/credentialrefs/" + cref_id)
    assert in_use.status_code == 409 and in_use.json()["translateCode"] == "CO409_CREDENTIAL_REF_IN_USE"

    blobs = state_files(sandbox)
    assert account_id.encode() in blobs  # the files are the service's real state...
    assert secret.encode() not in blobs and inline_secret.encode() not in blobs  # ...and secrets are encrypted
    key_file = os.path.join(sandbox.state_dir, "marketplace-vault.key")
    assert os.stat(key_file).st_mode & 0o777 == 0o600

    assert call(sandbox, "DELETE", V2 + "/accounts/" + account_id).status_code == 204
    assert call(sandbox, "DELETE", V1 + "/credentialrefs/" + cref_id).status_code == 204
    assert call(sandbox, "GET", V1 + "/credentialrefs/" + cref_id).status_code == 404


def test_business_entity_visibility(sandbox):
    account_id = uid("shared")
    create(sandbox, account(account_id, [credential("for-a", teams=["team-a"]),
                                         credential("for-b", teams=["team-b"])]))
    path = V2 + "/accounts/" + account_id

    def visible(user):
        response = call(sandbox, "GET", path, user)
        if not response.ok:
            return response.status_code
        return [cred["credentialName"] for cred in response.json()["credentials"]]

    assert visible("cbadmin") == ["for-a", "for-b"]
    assert visible("alice") == ["for-a"]
    assert visible("bob") == ["for-b"]
    assert visible("carol") == 404  # invisible reads exactly like missing
    for_a = call(sandbox, "GET", path, "alice").json()["credentials"][0]["id"]
    assert call(sandbox, "GET", "%s/credentials/%s" % (path, for_a), "bob").status_code == 404
    listing = call(sandbox, "GET", V2 + "/accounts/type/asset?limit=1000", "carol").json()
    assert account_id not in [item["accountId"] for item in listing[1:]]

    # Seeing an account is not owning it.
    assert call(sandbox, "PUT", path, "alice", json=account(account_id)).status_code == 403
    assert call(sandbox, "DELETE", path, "alice").status_code == 403

    own_id = uid("alice")
    forbidden = call(sandbox, "POST", V2 + "/accounts", "alice", json=account(own_id, [credential(teams=["team-b"])]))
    assert forbidden.status_code == 403 and forbidden.json()["translateCode"] == "CO403_CONTEXT_NOT_PERMITTED"
    unscoped = credential(context=[{"customContext": ["ctx-prod"]}])
    assert "credentials[0].context" in problems(
        call(sandbox, "POST", V2 + "/accounts", "alice", json=account(own_id, [unscoped])))
    own = create(sandbox, account(own_id, [credential(teams=["team-a"])]), user="alice")
    assert own["createdBy"] == "alice"
    assert call(sandbox, "GET", V2 + "/accounts/" + own_id, "bob").status_code == 404
    by_org = call(sandbox, "PATCH", "%s/%s" % (V2 + "/accounts/%s/credentials" % own_id, own["credentials"][0]["id"]),
                  "alice", json={"context": [{"org": ["org-engineering"]}]})
    assert by_org.status_code == 200, by_org.text
    assert visible("bob") == ["for-b"] and call(sandbox, "GET", V2 + "/accounts/" + own_id, "bob").status_code == 200


def test_paging(sandbox):
    code = uid("prov")
    ids = [create(sandbox, account(uid("page"), userType="billing", serviceProviderCode=code))["accountId"]
           for _index in range(5)]
    base = V2 + "/accounts/type/billing?serviceProviderCode=%s" % code

    def page(query):
        response = call(sandbox, "GET", base + query)
        assert response.status_code == 200, response.text
        return response.json()

    pages = [page("&limit=2&page=%d" % number) for number in (1, 2, 3)]
    assert all(chunk[0] == {"total_rows": 5} for chunk in pages)
    assert [item["accountId"] for chunk in pages for item in chunk[1:]] == ids
    assert page("&limit=2&page=4") == [{"total_rows": 5}]
    assert len(page("")) == 6  # default limit 10
    assert problems(call(sandbox, "GET", base + "&page=0")) == {"page": "0"}
    assert problems(call(sandbox, "GET", base + "&limit=-1&page=-2")) == {"limit": "-1", "page": "-2"}
    assert problems(call(sandbox, "GET", V2 + "/accounts/type/other")) == {"type": "other"}


def test_faults_and_counters(sandbox):
    sandbox.reset_counters("marketplace")
    sandbox.set_faults("marketplace", throttle_rate=1.0)
    throttled = call(sandbox, "GET", V2 + "/accounts/whatever")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "1"
    assert throttled.json()["translateCode"] == "CO429_TOO_MANY_REQUESTS"
    sandbox.set_faults("marketplace", throttle_rate=0.0, error_rate=1.0, seed=7)
    statuses = {call(sandbox, "POST", V2 + "/accounts", json={}).status_code for _attempt in range(12)}
    assert statuses <= {502, 503, 504} and statuses
    sandbox.clear_faults("marketplace")
    assert call(sandbox, "GET", V2 + "/accounts/whatever", user=None).status_code == 401
    assert call(sandbox, "GET", V2 + "/accounts/whatever").status_code == 404
    assert sandbox.counters("marketplace") == {
        "GET /cb-credential-service/api/v2.0/accounts/{accountId}": 3,
        "POST /cb-credential-service/api/v2.0/accounts": 12,
    }
    # the faulted requests are counted apart, per operation; resetting the counters resets them too
    assert sandbox.injected_faults("marketplace") == {
        "GET /cb-credential-service/api/v2.0/accounts/{accountId}": 1,
        "POST /cb-credential-service/api/v2.0/accounts": 12,
    }
    sandbox.reset_counters("marketplace")
    assert sandbox.injected_faults("marketplace") == {}


def test_state_survives_restart(sandbox_dir):
    state = os.path.join(sandbox_dir, "restart-state")
    first = Sandbox(state)
    try:
        account_id = uid("persist")
        cred = credential()
        create(first, account(account_id, [cred]))
        keys = {user["username"]: user["apikey"] for user in first.users}
    finally:
        first.stop()
    second = Sandbox(state)
    try:
        assert {user["username"]: user["apikey"] for user in second.users} == keys
        fetched = call(second, "GET", V2 + "/accounts/" + account_id)
        assert fetched.status_code == 200
        assert fetched.json()["credentials"][0]["passwordFields"] == cred["passwordFields"]
    finally:
        second.stop()


@pytest.fixture()
def ram_key(ram):
    """A fresh RAM user with an access key, made through the RAM service with the official SDK."""
    from alibabacloud_ram20150501 import models

    user_name = uid("mkt")
    ram.create_user(models.CreateUserRequest(user_name=user_name))
    key = ram.create_access_key(models.CreateAccessKeyRequest(user_name=user_name)).body.access_key
    return user_name, key.access_key_id, key.access_key_secret


def test_credentials_validator_calls_sts(sandbox, ram, ram_key):
    from alibabacloud_ram20150501 import models

    user_name, key_id, key_secret = ram_key
    account_id = uid("acc")
    created = create(sandbox, account(account_id, [credential(access_key=key_id, secret_key=key_secret)]))
    stored = {"accountId": account_id, "credentialId": created["credentials"][0]["id"]}

    response = call(sandbox, "POST", V2 + "/credentialsValidator", json=stored)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "success" and body["translateCode"] == "CO200_TEST_CONNECTION_SUCCESSFUL"
    assert body["identity"]["IdentityType"] == "RAMUser" and body["identity"]["Arn"].endswith("user/" + user_name)
    assert body["identity"]["AccountId"]

    password_fields = {"accessKey": key_id, "secretKey": key_secret}
    inline = {"basicInfo": {"serviceProviderType": "alibaba", "serviceProviderCode": "alibaba", "userType": "asset"},
              "credentials": {"crefId": "no-such-ref", "passwordFields": password_fields}}
    assert call(sandbox, "POST", V2 + "/credentialsValidator", json=inline).status_code == 200

    def failure(payload):
        response = call(sandbox, "POST", V2 + "/credentialsValidator", json=payload)
        assert response.status_code == 400, response.text
        assert response.json()["translateCode"] == "CO400_TEST_CONNECTION_FAILED"
        return response.json()["errorCode"]

    wrong_secret = dict(inline, credentials={"passwordFields": {"accessKey": key_id, "secretKey": "x" + key_secret}})
    assert failure(wrong_secret) == "SignatureDoesNotMatch"
    unknown = dict(inline, credentials={"passwordFields": {"accessKey": "LTAI" + uuid.uuid4().hex, "secretKey": "s"}})
    assert failure(unknown) == "InvalidAccessKeyId.NotFound"
    assert "credentials.crefId" in problems(call(sandbox, "POST", V2 + "/credentialsValidator",
                                                 json=dict(inline, credentials={"crefId": "no-such-ref"})))
    other = dict(inline, basicInfo={"serviceProviderCode": "amazon"})
    assert call(sandbox, "POST", V2 + "/credentialsValidator", json=other).json()["translateCode"] == \
        "CO400_UNSUPPORTED_PROVIDER"

    ram.update_access_key(models.UpdateAccessKeyRequest(user_name=user_name, user_access_key_id=key_id,
                                                        status="Inactive"))
    assert failure(stored) == "InvalidAccessKeyId.Inactive"
    assert call(sandbox, "GET", V2 + "/accounts/" + account_id, "bob").status_code == 404
    assert call(sandbox, "POST", V2 + "/credentialsValidator", "bob", json=stored).status_code == 404
