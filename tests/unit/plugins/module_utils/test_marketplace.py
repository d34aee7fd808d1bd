"""Units of plugins/module_utils/marketplace.py: redaction, error formatting, retries, ids, paging, shaping."""

import copy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from urllib3.util import retry as urllib3_retry

from ansible_collections.cloudbroker.alibaba.plugins.module_utils import legacy_marketplace as mp
from ansible_collections.cloudbroker.alibaba.plugins.modules import marketplace_asset_account as account_module
from ansible_collections.cloudbroker.alibaba.plugins.modules import marketplace_credential as credential_module

SECRET = "s3cr3t-Abcdefghijklmnopqrstuvwxyz012"
SECRET2 = "an0ther-Secret-ZYXWVUTSRQPONMLKJIH"
KEY_ID = "LTAI5tKeyIdExample0001"
API_KEY = "apikey-0123456789abcdef"


def credential(secret=SECRET, key_id=KEY_ID, **extra):
    cred = {"id": "c-1", "credentialName": "prov", "purpose": ["provisioning"], "status": "Active",
            "context": [{"contextId": "x1", "team": ["team-a"]}, {"contextId": "x2", "org": ["org-engineering"]}],
            "passwordFields": {"accessKey": key_id, "secretKey": secret}, "createdBy": "alice"}
    cred.update(extra)
    return cred


def account(*credentials, account_id="alibaba-prod"):
    return {"accountId": account_id,
            "basicInfo": {"accountName": "Prod", "serviceProviderType": "alibaba", "serviceProviderCode": "alibaba",
                          "accountType": "subaccount", "isActive": "InActive", "userType": "asset"},
            "advancedInfo": {"accountNumber": "12345678"}, "credentials": list(credentials), "modelVersion": 3}


def dumps(data):
    return json.dumps(data, sort_keys=True)


# =============================================================================================
# Redaction
# =============================================================================================

class TestRedaction:
    def test_nested_password_fields_are_replaced_but_the_access_key_id_stays(self):
        body = [{"total_rows": 2}, account(credential()), account(credential(SECRET2, "LTAIother"), account_id="b")]
        original = copy.deepcopy(body)
        seen = []
        redacted = mp.Redactor(on_secret=seen.append).redact(body)
        assert SECRET not in dumps(redacted) and SECRET2 not in dumps(redacted)
        fields = redacted[1]["credentials"][0]["passwordFields"]
        assert fields == {"accessKey": KEY_ID, "secretKey": mp.REDACTED}
        assert redacted[2]["credentials"][0]["passwordFields"]["accessKey"] == "LTAIother"
        assert body == original  # the input is not changed
        assert set(seen) == {SECRET, SECRET2}  # handed on (to no_log_values)
        assert redacted[1]["basicInfo"] == original[1]["basicInfo"]

    def test_echo_of_a_secret_elsewhere_in_the_same_body_is_scrubbed(self):
        # the message comes *before* passwordFields: both passes are needed
        body = {"message": "stored key %s for you" % SECRET, "credential": credential()}
        redacted = mp.Redactor().redact(body)
        assert redacted["message"] == "stored key %s for you" % mp.MASK
        assert SECRET not in dumps(redacted)

    def test_secrets_seen_or_sent_earlier_are_scrubbed_from_later_answers(self):
        redactor = mp.Redactor(known=[API_KEY])
        redactor.redact(credential())  # learns SECRET
        redactor.add(SECRET2)  # sent by the module
        later = {"message": "bad %s" % SECRET, "list": [SECRET2, {"deep": "x%sy" % API_KEY}], "n": 3, "ok": None}
        redacted = redactor.redact(later)
        assert redacted == {"message": "bad " + mp.MASK, "list": [mp.REDACTED, {"deep": "x%sy" % mp.MASK}],
                            "n": 3, "ok": None}

    def test_generic_secret_keys_and_vault_values(self):
        body = {"advancedInfo": {"accountNumber": "12345678", "apiKey": "k" * 12, "nested": {"Secret_Key": "v" * 9}},
                "credential": {"value": {"accessKey": "AK-in-the-vault", "secretKey": "SK-in-the-vault"}},
                "token": ["t" * 10], "emptySecret": {"password": ""}}
        redacted = mp.Redactor().redact(body)
        assert redacted["advancedInfo"] == {"accountNumber": "12345678", "apiKey": mp.REDACTED,
                                            "nested": {"Secret_Key": mp.REDACTED}}
        assert redacted["credential"]["value"] == {"accessKey": mp.REDACTED, "secretKey": mp.REDACTED}
        assert redacted["token"] == [mp.REDACTED]
        assert redacted["emptySecret"] == {"password": ""}

    def test_password_fields_that_are_not_an_object_are_replaced_whole(self):
        assert mp.Redactor().redact({"passwordFields": "raw-secret-string"}) == {"passwordFields": mp.REDACTED}

    def test_validation_values_naming_a_secret_are_redacted(self):
        body = {"statusText": "Bad Request", "jsonSchemaValidation": True, "validations": {"body": [
            {"property": "credentials[0].passwordFields.secretKey", "messages": ["too short"], "value": "short1"},
            {"property": "credentials[1]", "messages": ["bad"], "value": credential()},
            {"property": "passwordFields.accessKey", "messages": ["bad id"], "value": KEY_ID},
            {"property": "credential.value", "messages": ["x"], "value": {"a": "vaulted-thing"}},
            {"property": "advancedInfo.accountNumber", "messages": ["must be 8 digits"], "value": "1234567"},
        ]}}
        items = mp.Redactor().redact(body)["validations"]["body"]
        assert [item["value"] for item in items[0:1] + items[3:4]] == [mp.REDACTED, {"a": mp.REDACTED}]
        assert items[1]["value"]["passwordFields"] == {"accessKey": KEY_ID, "secretKey": mp.REDACTED}
        assert items[2]["value"] == KEY_ID
        assert items[4]["value"] == "1234567"

    @pytest.mark.parametrize("prop, secret", [
        ("passwordFields", True), ("credentials[0].passwordFields.secretKey", True),
        ("passwordFields.accessKey", False), ("credential.value", True), ("credential.value.accessKey", True),
        ("apikey", True), ("basicInfo.accountName", False), ("purpose[0]", False), ("", False), (None, False)])
    def test_secret_path(self, prop, secret):
        assert mp.secret_path(prop) is secret

    def test_short_strings_are_not_scrubbed_from_text_but_still_replaced_as_values(self):
        redactor = mp.Redactor()
        redacted = redactor.redact({"passwordFields": {"accessKey": "AK", "secretKey": "abc"}, "message": "abcdef"})
        assert redacted == {"passwordFields": {"accessKey": "AK", "secretKey": mp.REDACTED}, "message": "abcdef"}

    def test_views_never_hold_a_secret(self):
        body = mp.Redactor().redact(account(credential()))
        view = mp.account_view(body)
        assert SECRET not in dumps(view)
        cred = view["credentials"][0]
        assert cred["access_key_id"] == KEY_ID and cred["secret_stored"] is True
        assert "password_fields" not in cred and "passwordFields" not in dumps(view)

    def test_every_client_answer_passes_through_the_redactor(self):
        session = FakeSession([(200, account(credential())), (400, {"message": "secret %s rejected" % SECRET})])
        client = make_client(session)
        got = client.request("GET", "accounts/alibaba-prod")
        assert SECRET not in dumps(got)
        with pytest.raises(mp.MarketplaceError) as info:
            client.request("POST", "credentialsValidator", body={})
        assert SECRET not in info.value.describe() and SECRET not in dumps(info.value.as_dict())

    def test_secrets_the_client_sends_are_registered_before_the_answer(self):
        seen = []
        session = FakeSession([(400, {"message": "echo %s" % SECRET2, "statusCode": 400})])
        client = make_client(session, on_secret=seen.append)
        with pytest.raises(mp.MarketplaceError) as info:
            client.request("PATCH", "accounts/a/credentials/c",
                           body={"passwordFields": {"accessKey": KEY_ID, "secretKey": SECRET2}})
        assert SECRET2 not in info.value.describe()
        assert SECRET2 in seen and KEY_ID not in seen

    def test_non_json_bodies_are_scrubbed_too(self):
        client = make_client(FakeSession([(502, "gateway said %s" % API_KEY)]))
        with pytest.raises(mp.MarketplaceError) as info:
            client.request("GET", "accounts/x")
        assert API_KEY not in info.value.describe()


# =============================================================================================
# Error formatting
# =============================================================================================

class TestErrors:
    def test_schema_validations_are_listed(self):
        body = {"statusText": "Bad Request", "jsonSchemaValidation": True, "validations": {
            "body": [{"property": "advancedInfo.accountNumber", "messages": ["must be a string of at least 8 digits"],
                      "value": "1234567"},
                     {"property": "basicInfo.userType", "messages": ["must be one of: asset, billing, system"]}],
            "query": [{"property": "limit", "messages": ["must be an integer from 1 to 1000"], "value": "0"}]}}
        error = mp.MarketplaceError.from_response("POST", "accounts", 400, body)
        text = error.describe()
        assert text.startswith("POST accounts failed: HTTP 400: Bad Request (schema validation): ")
        assert "advancedInfo.accountNumber: must be a string of at least 8 digits" in text
        assert "basicInfo.userType: must be one of: asset, billing, system" in text
        assert "limit: must be an integer from 1 to 1000" in text
        assert error.as_dict()["validations"][2] == {"property": "limit", "messages": ["must be an integer from 1 to 1000"],
                                                     "location": "query", "value": "0"}

    def test_generic_error_body(self):
        body = {"message": "Account not found", "statusCode": 404, "translateCode": "CO404_ACCOUNT_NOT_FOUND",
                "translateParameters": ["my-account"]}
        error = mp.MarketplaceError.from_response("GET", "accounts/my-account", 404, body)
        assert error.describe() == "GET accounts/my-account failed: HTTP 404 CO404_ACCOUNT_NOT_FOUND: Account not found"
        assert error.as_dict()["translate_parameters"] == ["my-account"]

    def test_401_says_check_the_api_key_without_showing_it(self):
        session = FakeSession([(401, {"message": "Missing or invalid username/apikey headers (got %s)" % API_KEY,
                                      "statusCode": 401, "translateCode": "CO401_UNAUTHORIZED"})])
        client = make_client(session)
        with pytest.raises(mp.MarketplaceError) as info:
            client.request("GET", "businessEntities")
        text = info.value.describe()
        assert "HTTP 401 CO401_UNAUTHORIZED" in text
        assert "Check the user name and the API key" in text and "CLOUDBROKER_API_KEY" in text
        assert API_KEY not in text and API_KEY not in dumps(info.value.as_dict())

    def test_403_says_check_the_permissions(self):
        error = mp.MarketplaceError.from_response("PUT", "accounts/a", 403, {
            "message": "Only an admin or the account's creator may change it", "translateCode": "CO403_FORBIDDEN"},
            username="bob")
        assert "CO403_FORBIDDEN" in error.describe() and "permissions of user 'bob'" in error.describe()

    def test_html_gateway_pages_are_summarised(self):
        html = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway"
                "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
        client = make_client(FakeSession([(502, html)], retries=10))
        with pytest.raises(mp.MarketplaceError) as info:
            client.request("GET", "accounts/x")
        text = info.value.describe()
        assert text == ("GET accounts/x failed: HTTP 502: HTML page from the gateway: 502 Bad Gateway "
                        "(gave up after 10 retries)")
        assert "<" not in text

    def test_long_text_is_cut(self):
        assert len(mp.summarize_text("x" * 1000)) == 203

    def test_provider_error_code_of_a_failed_test(self):
        body = {"message": "Test connection failed: the AccessKey is inactive", "statusCode": 400,
                "translateCode": "CO400_TEST_CONNECTION_FAILED", "translateParameters": ["InvalidAccessKeyId.Inactive"],
                "status": "failure", "errorCode": "InvalidAccessKeyId.Inactive"}
        error = mp.MarketplaceError.from_response("POST", "credentialsValidator", 400, body)
        assert error.error_code == "InvalidAccessKeyId.Inactive"
        assert "(provider error InvalidAccessKeyId.Inactive)" in error.describe()

    def test_connection_failure_is_one_clean_line(self):
        client = mp.MarketplaceClient("http://127.0.0.1:1", "u", API_KEY, max_retries=0, timeout=2)
        with pytest.raises(mp.MarketplaceError) as info:
            client.request("GET", "accounts/x")
        text = info.value.describe()
        assert text.startswith("GET accounts/x failed: could not reach http://127.0.0.1:1: ")
        assert "Connection refused" in text and "Traceback" not in text and API_KEY not in text


# =============================================================================================
# Retries
# =============================================================================================

class FakeRetryResponse:
    def __init__(self, status, retry_after=None):
        self.status = status
        self.headers = {"Retry-After": retry_after} if retry_after is not None else {}

    def getheader(self, name, default=None):
        return self.headers.get(name, default)

    def get_redirect_location(self):
        return False


class TestRetryPolicy:
    def test_statuses_methods_and_bounds(self):
        retry = mp.build_retry(7)
        assert set(retry.status_forcelist) == {429, 502, 503, 504}
        assert {"GET", "PUT", "PATCH", "DELETE", "POST"} <= set(retry.allowed_methods)
        assert (retry.total, retry.connect, retry.read, retry.status) == (7, 7, 7, 7)
        assert retry.respect_retry_after_header is True
        assert retry.raise_on_status is False  # the last answer is formatted, not a RetryError
        for method in ("GET", "POST", "PATCH", "PUT", "DELETE"):
            for status in (429, 502, 503, 504):
                assert retry.is_retry(method, status, has_retry_after=False)
            for status in (400, 401, 403, 404, 409, 500):
                assert not retry.is_retry(method, status, has_retry_after=False)

    def test_backoff_is_bounded_and_jittered_when_urllib3_can(self):
        retry = mp.build_retry(3)
        if mp._retry_supports("backoff_jitter"):
            assert retry.backoff_jitter == mp.BACKOFF_JITTER
        assert retry.backoff_factor == mp.BACKOFF_FACTOR
        for _attempt in range(20):
            retry = retry.increment("GET", "/x", error=None, response=FakeRetryResponse(503)) \
                if retry.total > 0 else mp.build_retry(30)
            assert retry.get_backoff_time() <= mp.BACKOFF_MAX + mp.BACKOFF_JITTER

    def test_retry_after_is_read_and_capped(self):
        retry = mp.build_retry(3)
        assert retry.get_retry_after(FakeRetryResponse(429, "3")) == 3
        assert retry.get_retry_after(FakeRetryResponse(503, "99999")) == mp.RETRY_AFTER_MAX
        assert retry.get_retry_after(FakeRetryResponse(429)) is None
        assert 502 in retry.RETRY_AFTER_STATUS_CODES and 504 in retry.RETRY_AFTER_STATUS_CODES

    def test_zero_retries(self):
        retry = mp.build_retry(0)
        assert retry.total == 0


class ScriptedServer:
    """A loopback HTTP server answering from a script of (status, headers, body); records the requests."""

    def __init__(self, script):
        self.script = list(script)
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                outer.requests.append((self.command, self.path, self.rfile.read(length), time.monotonic(),
                                       dict(self.headers)))
                status, headers, body = outer.script.pop(0) if outer.script else (500, {}, {"message": "no script"})
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html" if isinstance(body, str) else "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def live_client(server, max_retries=3):
    return mp.MarketplaceClient(server.url, "cbadmin", API_KEY, max_retries=max_retries, timeout=5)


class TestRetriesOverHttp:
    def test_429_waits_for_retry_after_then_succeeds(self, monkeypatch):
        # the waits urllib3 asks for are recorded (and skipped), not measured on the wall clock
        waits = []
        monkeypatch.setattr(urllib3_retry.time, "sleep", waits.append)
        script = [(429, {"Retry-After": "7"}, {"message": "Too many requests", "translateCode": "CO429_TOO_MANY_REQUESTS"}),
                  (200, {}, {"organizations": [], "teams": [], "customContexts": []})]
        with ScriptedServer(script) as server:
            client = live_client(server)
            assert client.business_entities() == {"organizations": [], "teams": [], "customContexts": []}
        (first, _second) = server.requests
        assert waits == [7]  # Retry-After honoured, once, before the one retry
        assert client.retries == 1
        assert first[4]["username"] == "cbadmin" and first[4]["apikey"] == API_KEY

    def test_html_503_and_json_502_are_retried_for_every_method(self):
        script = [(503, {}, "<html><title>503 Service Unavailable</title></html>"),
                  (502, {}, {"message": "The gateway could not complete the request"}),
                  (200, {}, {"message": "ok", "credential": credential()})]
        with ScriptedServer(script) as server:
            got = live_client(server).patch_credential("a", "c-1", {"status": "Active"})
        assert [r[0] for r in server.requests] == ["PATCH"] * 3
        assert got["passwordFields"]["secretKey"] == mp.REDACTED

    def test_other_client_errors_are_not_retried(self):
        with ScriptedServer([(400, {}, {"message": "bad"}), (200, {}, {})]) as server:
            with pytest.raises(mp.MarketplaceError):
                live_client(server).request("POST", "accounts", body={})
        assert len(server.requests) == 1

    def test_retries_are_bounded(self):
        with ScriptedServer([(503, {"Retry-After": "0"}, {"message": "busy"})] * 5) as server:
            with pytest.raises(mp.MarketplaceError) as info:
                live_client(server, max_retries=2).request("GET", "accounts/x")
        assert len(server.requests) == 3
        assert info.value.status == 503 and "gave up after 2 retries" in info.value.describe()

    def test_create_applied_before_an_error_is_read_back_on_409(self):
        """503 after the create was applied -> the retried POST answers 409 -> the account is read: created."""
        created = account(credential())
        script = [(503, {"Retry-After": "0"}, {"message": "gateway timeout after commit"}),
                  (409, {}, {"message": "Account alibaba-prod already exists", "translateCode": "CO409_ACCOUNT_ALREADY_EXISTS"}),
                  (200, {}, created)]
        with ScriptedServer(script) as server:
            got, was_created = live_client(server).create_account({"accountId": "alibaba-prod", "basicInfo": {}})
        assert was_created is True
        assert got["accountId"] == "alibaba-prod" and SECRET not in dumps(got)
        assert [(r[0], r[1].split("?")[0]) for r in server.requests] == [
            ("POST", "/cb-credential-service/api/v2.0/accounts"), ("POST", "/cb-credential-service/api/v2.0/accounts"),
            ("GET", "/cb-credential-service/api/v2.0/accounts/alibaba-prod")]

    def test_409_without_a_retry_means_somebody_else_created_it(self):
        script = [(409, {}, {"message": "exists", "translateCode": "CO409_ACCOUNT_ALREADY_EXISTS"}),
                  (200, {}, account())]
        with ScriptedServer(script) as server:
            _got, was_created = live_client(server).create_account({"accountId": "alibaba-prod"})
        assert was_created is False

    def test_409_for_an_invisible_account_is_a_clean_error(self):
        script = [(409, {}, {"message": "exists", "translateCode": "CO409_ACCOUNT_ALREADY_EXISTS"}),
                  (404, {}, {"message": "Account not found", "translateCode": "CO404_ACCOUNT_NOT_FOUND"})]
        with ScriptedServer(script) as server:
            with pytest.raises(mp.MarketplaceError) as info:
                live_client(server).create_account({"accountId": "taken"})
        assert "already taken by an account you cannot see" in info.value.describe()

    def test_credential_409_is_read_back_by_name(self):
        script = [(409, {}, {"message": "exists", "translateCode": "CO409_CREDENTIAL_ALREADY_EXISTS"}),
                  (200, {}, [{"total_rows": 1}, credential()])]
        with ScriptedServer(script) as server:
            got, was_created = live_client(server).create_credential("alibaba-prod", {"credentialName": "prov"})
        assert (got["id"], was_created) == ("c-1", False)
        assert "credentialName=prov" in server.requests[1][1]

    def test_proxy_from_the_environment_is_not_used_for_loopback(self, monkeypatch):
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
        monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
        with ScriptedServer([(200, {}, {"teams": []})]) as server:
            assert live_client(server, max_retries=0).business_entities() == {"teams": []}


# =============================================================================================
# Account ids, vault prefix, paging, shaping
# =============================================================================================

class TestAccountId:
    @pytest.mark.parametrize("name, expected", [
        ("Alibaba Cloud production", "alibaba-alibaba-cloud-production"),
        ("  Prod / EU  (main) ", "alibaba-prod-eu-main"),
        ("Zürich Prod", "alibaba-zurich-prod"),
        ("prod_eu.1", "alibaba-prod-eu-1"),
    ])
    def test_slug(self, name, expected):
        assert mp.derive_account_id("alibaba", name) == expected

    def test_deterministic_and_valid(self):
        for name in ("生产环境", "x" * 400, "!!!", "a"):
            first = mp.derive_account_id("alibaba", name)
            assert first == mp.derive_account_id("alibaba", name)
            assert mp.ACCOUNT_ID_RE.match(first), first

    def test_names_without_ascii_use_a_hash(self):
        assert mp.derive_account_id("alibaba", "生产环境") != mp.derive_account_id("alibaba", "测试环境")
        assert len(mp.derive_account_id("alibaba", "生产环境")) == len("alibaba-") + 12

    def test_long_names_stay_unique(self):
        one, two = mp.derive_account_id("alibaba", "x" * 300 + "1"), mp.derive_account_id("alibaba", "x" * 300 + "2")
        assert len(one) <= 128 and one != two

    def test_provider_is_part_of_the_id(self):
        assert mp.derive_account_id("aws", "Prod") == "aws-prod"


@pytest.mark.parametrize("service, vault", [
    ("cb-credential-service/api/v2.0", "cb-credential-service/api/v1.0"),
    ("/gw/cb-credential-service/api/v3/", "gw/cb-credential-service/api/v1.0"),
    ("custom-service", "custom-service/api/v1.0"),
    (None, "cb-credential-service/api/v1.0"),
])
def test_vault_prefix_is_derived(service, vault):
    assert mp.derive_vault_prefix(service) == vault


def test_urls():
    client = mp.MarketplaceClient("https://broker.example.com/", "u", "k", session=object())
    assert client.endpoint("accounts") == "https://broker.example.com/cb-credential-service/api/v2.0/accounts"
    assert client.endpoint("credentialrefs/x", api="vault") == \
        "https://broker.example.com/cb-credential-service/api/v1.0/credentialrefs/x"
    assert client.proxies is None and client.verify is True
    assert mp.MarketplaceClient("https://b", "u", "k", ca_path="/ca.pem", session=object()).verify == "/ca.pem"
    assert mp.MarketplaceClient("https://b", "u", "k", validate_certs=False, session=object()).verify is False
    assert mp.MarketplaceClient("http://127.0.0.1:8", "u", "k", session=object()).proxies["http"] is None


def test_paging_follows_total_rows():
    pages = [(200, [{"total_rows": 5}] + [{"accountId": "a%d" % i} for i in range(2)]),
             (200, [{"total_rows": 5}] + [{"accountId": "a%d" % i} for i in range(2, 4)]),
             (200, [{"total_rows": 5}, {"accountId": "a4"}])]
    session = FakeSession(pages)
    items = make_client(session).paged("accounts/type/asset", {"serviceProviderCode": "alibaba"}, page_size=2)
    assert [i["accountId"] for i in items] == ["a0", "a1", "a2", "a3", "a4"]
    assert [call["params"]["page"] for call in session.calls] == [1, 2, 3]
    assert all(call["params"]["limit"] == 2 and call["params"]["serviceProviderCode"] == "alibaba"
               for call in session.calls)


def test_paging_stops_on_an_empty_page():
    session = FakeSession([(200, [{"total_rows": 0}])])
    assert make_client(session).paged("accounts/type/asset") == []
    assert len(session.calls) == 1


def test_get_returns_none_on_404_and_skips_impossible_ids():
    session = FakeSession([(404, {"message": "Account not found", "translateCode": "CO404_ACCOUNT_NOT_FOUND"})])
    client = make_client(session)
    assert client.get_account("alibaba-prod") is None
    assert client.get_account("has spaces") is None  # no request: the service accepts no such id
    assert len(session.calls) == 1


def test_resolve_account_by_id_then_derived_id_then_name():
    found = account(account_id="alibaba-prod")
    found["basicInfo"]["accountName"] = "Prod"
    session = FakeSession([(404, {}), (200, found)])
    assert mp.resolve_account(make_client(session), "Prod", "alibaba")["accountId"] == "alibaba-prod"
    assert [c["url"].rsplit("/", 1)[1] for c in session.calls] == ["Prod", "alibaba-prod"]

    other = account(account_id="ui-made")
    other["basicInfo"]["accountName"] = "Made in UI"
    session = FakeSession([(404, {}), (200, [{"total_rows": 1}, other])])  # derived id, then the scan
    assert mp.resolve_account(make_client(session), "Made in UI", "alibaba")["accountId"] == "ui-made"

    session = FakeSession([(404, {}), (200, [{"total_rows": 2}, other, other])])
    with pytest.raises(mp.MarketplaceError, match="2 accounts of provider alibaba are named"):
        mp.resolve_account(make_client(session), "Made in UI", "alibaba")


class TestShaping:
    @pytest.mark.parametrize("value, wire", [
        ("Provisioning", "provisioning"), ("asset ingestion", "assetIngestion"), ("Asset Discovery", "assetDiscovery"),
        ("assetDiscovery", "assetDiscovery"), ("asset_ingestion", "assetIngestion"), ("billing", None)])
    def test_purposes(self, value, wire):
        assert mp.purpose_to_wire(value) == wire

    def test_status(self):
        assert (mp.status_to_wire("Inactive"), mp.status_to_wire("Active"), mp.status_to_wire(None)) == \
            ("InActive", "Active", None)
        assert (mp.status_from_wire("InActive"), mp.status_from_wire("Active")) == ("Inactive", "Active")

    def test_business_entities_round_trip(self):
        context = [{"contextId": "1", "team": ["team-a"]}, {"contextId": "2", "team": ["team-b", "team-a"]},
                   {"contextId": "3", "org": ["org-engineering"]}, {"contextId": "4", "customContext": ["ctx-prod"]}]
        entities = mp.context_entities(context)
        assert entities == {"organizations": ["org-engineering"], "teams": ["team-a", "team-b"],
                            "custom_contexts": ["ctx-prod"]}
        assert mp.entities_to_context(entities) == [{"org": ["org-engineering"]}, {"team": ["team-a", "team-b"]},
                                                    {"customContext": ["ctx-prod"]}]
        assert mp.entities_to_context({"teams": []}) == []

    def test_account_view(self):
        view = mp.account_view(mp.Redactor().redact(account(credential())))
        assert view["status"] == "Inactive" and view["account_number"] == "12345678"
        assert view["advanced_info"] == {} and view["master_account_id"] is None
        assert view["credentials"][0]["purpose"] == ["Provisioning"]
        assert view["credentials"][0]["business_entities"]["teams"] == ["team-a"]

    def test_credential_view_of_a_vault_reference(self):
        cred = {"id": "c", "credentialName": "n", "purpose": ["assetDiscovery"], "status": "InActive", "context": [],
                "crefId": "ref-1"}
        view = mp.credential_view(cred, {"accountId": "a", "basicInfo": {"accountName": "A"}})
        assert (view["access_key_id"], view["credential_ref_id"], view["secret_stored"]) == (None, "ref-1", True)
        assert (view["account_id"], view["account_name"], view["status"]) == ("a", "A", "Inactive")


# =============================================================================================
# Fakes
# =============================================================================================

class FakeRaw:
    def __init__(self, retries):
        self.retries = type("R", (), {"history": tuple(range(retries))})()


class FakeResponse:
    def __init__(self, status, body, retries=0):
        self.status_code = status
        if body is None:
            self.content = b""
        elif isinstance(body, str):
            self.content = body.encode()
        else:
            self.content = json.dumps(body).encode()
        self.text = self.content.decode()
        self.raw = FakeRaw(retries)

    def json(self):
        return json.loads(self.text)


class FakeSession:
    def __init__(self, answers, retries=0):
        self.answers = list(answers)
        self.retries = retries
        self.calls = []

    def request(self, method, url, **kwargs):
        self.calls.append(dict(method=method, url=url, **kwargs))
        status, body = self.answers.pop(0)
        return FakeResponse(status, body, self.retries)


def make_client(session, on_secret=None):
    return mp.MarketplaceClient("https://broker.example.com", "cbadmin", API_KEY, session=session,
                                on_secret=on_secret)


# =============================================================================================
# Module logic that rests on the client layer (fake module, fake client)
# =============================================================================================

class Failed(Exception):
    pass


class FakeModule:
    def __init__(self, check_mode=False, **params):
        self.params = params
        self.check_mode = check_mode
        self.warnings = []

    def fail_json(self, msg, **kwargs):
        raise Failed(msg)

    def warn(self, msg):
        self.warnings.append(msg)


def credential_params(**overrides):
    params = dict(account="a", name="prov", purpose=None, status=None, access_key_id=None, access_key_secret=None,
                  update_secret="on_create", credential_ref_id=None, business_entities=None,
                  purge_business_entities=False, test_connection=False, state="present", provider_code="alibaba")
    params.update(overrides)
    return params


class TestCredentialPlan:
    @staticmethod
    def plan(current, **params):
        redacted = mp.Redactor().redact(current)
        return credential_module.plan_update(FakeModule(**credential_params(**params)), None, redacted, None, None)

    def test_same_key_id_sends_nothing_even_with_the_secret_at_hand(self):
        assert self.plan(credential(), access_key_id=KEY_ID, access_key_secret="whatever-secret") == ({}, False)
        assert self.plan(credential(), access_key_id=KEY_ID) == ({}, False)

    def test_a_new_key_id_sends_the_secret(self):
        changes, secret = self.plan(credential(), access_key_id="LTAInew", access_key_secret=SECRET2)
        assert secret and changes == {"passwordFields": {"accessKey": "LTAInew", "secretKey": SECRET2}}

    def test_a_new_key_id_without_secret_names_the_stored_one(self):
        with pytest.raises(Failed, match="stores access key %s; access_key_secret is required" % KEY_ID):
            self.plan(credential(), access_key_id="LTAInew")

    def test_always_sends_the_secret(self):
        changes, secret = self.plan(credential(), access_key_id=KEY_ID, access_key_secret=SECRET2,
                                    update_secret="always")
        assert secret and "passwordFields" in changes

    def test_from_a_vault_reference_to_a_key(self):
        cred = credential()
        del cred["passwordFields"]
        cred["crefId"] = "ref-1"
        with pytest.raises(Failed, match="uses vault reference ref-1"):
            self.plan(cred, access_key_id=KEY_ID)

    def test_status_and_purpose_are_compared_as_the_user_means_them(self):
        assert self.plan(credential(status="InActive"), status="Inactive") == ({}, False)
        assert self.plan(credential(), status="Inactive")[0] == {"status": "InActive"}


class TestBusinessEntityPlan:
    current = {"organizations": ["org-engineering"], "teams": ["team-a"], "custom_contexts": []}

    def test_without_purge_entities_are_added(self):
        wanted = {"organizations": [], "teams": ["team-b"], "custom_contexts": ["ctx-prod"]}
        assert credential_module.wanted_entities(self.current, wanted, purge=False) == {
            "organizations": ["org-engineering"], "teams": ["team-a", "team-b"], "custom_contexts": ["ctx-prod"]}

    def test_with_purge_the_listed_entities_are_all(self):
        assert credential_module.wanted_entities(self.current, {"teams": ["team-b"]}, purge=True) == {
            "organizations": [], "teams": ["team-b"], "custom_contexts": []}
        assert credential_module.wanted_entities(self.current, None, purge=True) is None  # not set: left alone

    def test_order_does_not_matter(self):
        assert credential_module.same_entities({"teams": ["a", "b"]}, {"teams": ["b", "a"], "organizations": []})


class ConflictOnceClient:
    """PUT answers 409 CO409_MODEL_VERSION_CONFLICT once; the re-read shows somebody else's change."""

    def __init__(self, fresh):
        self.fresh = fresh
        self.puts = []

    def update_account(self, account_id, payload):
        self.puts.append(payload)
        if len(self.puts) == 1:
            raise mp.MarketplaceError("PUT", "accounts/" + account_id, status=409,
                                      translate_code="CO409_MODEL_VERSION_CONFLICT")
        return dict(self.fresh, basicInfo=payload["basicInfo"], modelVersion=payload["modelVersion"] + 1)

    def get_account(self, account_id):
        return self.fresh


def account_params(**overrides):
    params = dict(name="Prod", account_id="alibaba-prod", description=None, account_number=None,
                  account_type=None, master_account=None, status=None, state="present", provider_code="alibaba")
    params.update(overrides)
    return params


class TestAccountUpdate:
    def test_model_version_conflict_is_read_again_and_retried_once(self):
        stale = account()
        fresh = dict(account(), modelVersion=5)
        fresh["basicInfo"] = dict(fresh["basicInfo"], description="changed by somebody")
        client = ConflictOnceClient(fresh)
        result, changed = account_module.update(FakeModule(**account_params(status="Active")), client, stale, None)
        assert changed
        assert [put["modelVersion"] for put in client.puts] == [3, 5]
        assert client.puts[1]["basicInfo"]["description"] == "changed by somebody"  # their change is kept
        assert result["basicInfo"]["isActive"] == "Active"

    def test_nothing_to_change_sends_nothing(self):
        client = ConflictOnceClient(account())
        module = FakeModule(**account_params(status="Inactive", name="Prod"))
        _result, changed = account_module.update(module, client, account(), None)
        assert not changed and client.puts == []

    def test_an_account_of_another_provider_is_not_taken_over(self):
        other = account()
        other["basicInfo"]["serviceProviderCode"] = "aws"
        with pytest.raises(Failed, match="belongs to provider 'aws'"):
            account_module.update(FakeModule(**account_params()), ConflictOnceClient(other), other, None)

    @pytest.mark.parametrize("number", ["1234567", "12345678a", "１２３４５６７８", ""])
    def test_short_or_non_digit_account_numbers_fail_before_any_request(self, number):
        with pytest.raises(Failed, match="at least 8 digits"):
            account_module.validate(FakeModule(**account_params(account_number=number)))
        account_module.validate(FakeModule(**account_params(account_number="12345678")))
