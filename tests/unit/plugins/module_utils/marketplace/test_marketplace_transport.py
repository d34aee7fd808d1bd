"""Units of module_utils/marketplace/transport.py: error formatting, the retry policy, retries over HTTP, URLs."""

import pytest
from urllib3.util import retry as urllib3_retry
from marketplace_fakes import API_KEY, SECRET, FakeSession, ScriptedServer, credential, live_client, make_client

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace import transport
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.api import (
    business_entities,
    patch_credential,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.redaction import REDACTED
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.transport import (
    MarketplaceClient,
    MarketplaceError,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import CloudError

# =============================================================================================
# Error formatting
# =============================================================================================


def test_marketplace_errors_are_cloud_errors():
    """Both shells report a CloudError as one clean failure: no resource catches it itself."""
    assert issubclass(MarketplaceError, CloudError)


def test_schema_validations_are_listed():
    body = {"statusText": "Bad Request", "jsonSchemaValidation": True, "validations": {
        "body": [{"property": "advancedInfo.accountNumber", "messages": ["must be a string of at least 8 digits"],
                  "value": "1234567"},
                 {"property": "basicInfo.userType", "messages": ["must be one of: asset, billing, system"]}],
        "query": [{"property": "limit", "messages": ["must be an integer from 1 to 1000"], "value": "0"}]}}
    error = MarketplaceError.from_response("POST", "accounts", 400, body)
    text = error.describe()
    assert text.startswith("POST accounts failed: HTTP 400: Bad Request (schema validation): ")
    assert "advancedInfo.accountNumber: must be a string of at least 8 digits" in text
    assert "basicInfo.userType: must be one of: asset, billing, system" in text
    assert "limit: must be an integer from 1 to 1000" in text
    assert error.as_dict()["validations"][2] == {"property": "limit", "messages": ["must be an integer from 1 to 1000"],
                                                 "location": "query", "value": "0"}


def test_generic_error_body():
    body = {"message": "Account not found", "statusCode": 404, "translateCode": "CO404_ACCOUNT_NOT_FOUND",
            "translateParameters": ["my-account"]}
    error = MarketplaceError.from_response("GET", "accounts/my-account", 404, body)
    assert error.describe() == "GET accounts/my-account failed: HTTP 404 CO404_ACCOUNT_NOT_FOUND: Account not found"
    assert error.as_dict()["translate_parameters"] == ["my-account"]


def test_401_says_check_the_api_key_without_showing_it():
    session = FakeSession([(401, {"message": "Missing or invalid username/apikey headers (got %s)" % API_KEY,
                                  "statusCode": 401, "translateCode": "CO401_UNAUTHORIZED"})])
    with pytest.raises(MarketplaceError) as info:
        make_client(session).request("GET", "businessEntities")
    text = info.value.describe()
    assert "HTTP 401 CO401_UNAUTHORIZED" in text
    assert "Check the user name and the API key" in text and "CLOUDBROKER_API_KEY" in text
    assert API_KEY not in text and API_KEY not in str(info.value.as_dict())


def test_403_says_check_the_permissions():
    error = MarketplaceError.from_response("PUT", "accounts/a", 403, {
        "message": "Only an admin or the account's creator may change it", "translateCode": "CO403_FORBIDDEN"},
        username="bob")
    assert "CO403_FORBIDDEN" in error.describe() and "permissions of user 'bob'" in error.describe()


def test_html_gateway_pages_are_summarised():
    html = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway"
            "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
    with pytest.raises(MarketplaceError) as info:
        make_client(FakeSession([(502, html)], retries=10)).request("GET", "accounts/x")
    text = info.value.describe()
    assert text == ("GET accounts/x failed: HTTP 502: HTML page from the gateway: 502 Bad Gateway "
                    "(gave up after 10 retries)")
    assert "<" not in text


def test_long_text_is_cut():
    assert len(transport.summarize_text("x" * 1000)) == 203


def test_provider_error_code_of_a_failed_test():
    body = {"message": "Test connection failed: the AccessKey is inactive", "statusCode": 400,
            "translateCode": "CO400_TEST_CONNECTION_FAILED", "translateParameters": ["InvalidAccessKeyId.Inactive"],
            "status": "failure", "errorCode": "InvalidAccessKeyId.Inactive"}
    error = MarketplaceError.from_response("POST", "credentialsValidator", 400, body)
    assert error.error_code == "InvalidAccessKeyId.Inactive"
    assert "(provider error InvalidAccessKeyId.Inactive)" in error.describe()


def test_connection_failure_is_one_clean_line():
    client = MarketplaceClient("http://127.0.0.1:1", "u", API_KEY, max_retries=0, timeout=2)
    with pytest.raises(MarketplaceError) as info:
        client.request("GET", "accounts/x")
    text = info.value.describe()
    assert text.startswith("GET accounts/x failed: could not reach http://127.0.0.1:1: ")
    assert "Connection refused" in text and "Traceback" not in text and API_KEY not in text


def test_ignored_statuses_answer_none_and_others_still_raise():
    session = FakeSession([(404, {"message": "gone"}), (409, {"message": "exists"}), (404, {"message": "gone"})])
    client = make_client(session)
    assert client.request("DELETE", "accounts/a", ignore=(404,)) is None
    with pytest.raises(MarketplaceError) as info:
        client.request("DELETE", "accounts/a", ignore=(404,))
    assert info.value.status == 409
    assert client.get("accounts/a") is None  # a GET ignores 404: unknown and invisible are the same here


# =============================================================================================
# The retry policy
# =============================================================================================

class FakeRetryResponse:
    def __init__(self, status, retry_after=None):
        self.status = status
        self.headers = {"Retry-After": retry_after} if retry_after is not None else {}

    def getheader(self, name, default=None):
        return self.headers.get(name, default)

    def get_redirect_location(self):
        return False


def test_statuses_methods_and_bounds():
    retry = transport.build_retry(7)
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


def test_backoff_is_bounded_and_jittered_when_urllib3_can():
    retry = transport.build_retry(3)
    if transport._retry_supports("backoff_jitter"):
        assert retry.backoff_jitter == transport.BACKOFF_JITTER
    assert retry.backoff_factor == transport.BACKOFF_FACTOR
    for _attempt in range(20):
        retry = retry.increment("GET", "/x", error=None, response=FakeRetryResponse(503)) \
            if retry.total > 0 else transport.build_retry(30)
        assert retry.get_backoff_time() <= transport.BACKOFF_MAX + transport.BACKOFF_JITTER


def test_retry_after_is_read_and_capped():
    retry = transport.build_retry(3)
    assert retry.get_retry_after(FakeRetryResponse(429, "3")) == 3
    assert retry.get_retry_after(FakeRetryResponse(503, "99999")) == transport.RETRY_AFTER_MAX
    assert retry.get_retry_after(FakeRetryResponse(429)) is None
    assert 502 in retry.RETRY_AFTER_STATUS_CODES and 504 in retry.RETRY_AFTER_STATUS_CODES


def test_zero_retries():
    assert transport.build_retry(0).total == 0


# =============================================================================================
# Retries over HTTP (a scripted loopback server)
# =============================================================================================

def test_429_waits_for_retry_after_then_succeeds(monkeypatch):
    # the waits urllib3 asks for are recorded (and skipped), not measured on the wall clock
    waits = []
    monkeypatch.setattr(urllib3_retry.time, "sleep", waits.append)
    script = [(429, {"Retry-After": "7"}, {"message": "Too many requests", "translateCode": "CO429_TOO_MANY_REQUESTS"}),
              (200, {}, {"organizations": [], "teams": [], "customContexts": []})]
    with ScriptedServer(script) as server:
        client = live_client(server)
        assert business_entities(client) == {"organizations": [], "teams": [], "customContexts": []}
    (first, _second) = server.requests
    assert waits == [7]  # Retry-After honoured, once, before the one retry
    assert client.retries == 1
    assert first[4]["username"] == "cbadmin" and first[4]["apikey"] == API_KEY


def test_html_503_and_json_502_are_retried_for_every_method():
    script = [(503, {}, "<html><title>503 Service Unavailable</title></html>"),
              (502, {}, {"message": "The gateway could not complete the request"}),
              (200, {}, {"message": "ok", "credential": credential()})]
    with ScriptedServer(script) as server:
        got = patch_credential(live_client(server), "a", "c-1", {"status": "Active"})
    assert [r[0] for r in server.requests] == ["PATCH"] * 3
    assert got["passwordFields"]["secretKey"] == REDACTED and SECRET not in str(got)


def test_other_client_errors_are_not_retried():
    with ScriptedServer([(400, {}, {"message": "bad"}), (200, {}, {})]) as server:
        with pytest.raises(MarketplaceError):
            live_client(server).request("POST", "accounts", body={})
    assert len(server.requests) == 1


def test_retries_are_bounded():
    with ScriptedServer([(503, {"Retry-After": "0"}, {"message": "busy"})] * 5) as server:
        with pytest.raises(MarketplaceError) as info:
            live_client(server, max_retries=2).request("GET", "accounts/x")
    assert len(server.requests) == 3
    assert info.value.status == 503 and "gave up after 2 retries" in info.value.describe()


def test_proxy_from_the_environment_is_not_used_for_loopback(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    with ScriptedServer([(200, {}, {"teams": []})]) as server:
        assert business_entities(live_client(server, max_retries=0)) == {"teams": []}


# =============================================================================================
# URLs
# =============================================================================================

@pytest.mark.parametrize("service, vault", [
    ("cb-credential-service/api/v2.0", "cb-credential-service/api/v1.0"),
    ("/gw/cb-credential-service/api/v3/", "gw/cb-credential-service/api/v1.0"),
    ("custom-service", "custom-service/api/v1.0"),
    (None, "cb-credential-service/api/v1.0"),
])
def test_vault_prefix_is_derived(service, vault):
    assert transport.derive_vault_prefix(service) == vault


def test_urls():
    client = MarketplaceClient("https://broker.example.com/", "u", "k", session=object())
    assert client.endpoint("accounts") == "https://broker.example.com/cb-credential-service/api/v2.0/accounts"
    assert client.endpoint("credentialrefs/x", api="vault") == \
        "https://broker.example.com/cb-credential-service/api/v1.0/credentialrefs/x"
    assert client.proxies is None and client.verify is True
    assert MarketplaceClient("https://b", "u", "k", ca_path="/ca.pem", session=object()).verify == "/ca.pem"
    assert MarketplaceClient("https://b", "u", "k", validate_certs=False, session=object()).verify is False
    assert MarketplaceClient("http://127.0.0.1:8", "u", "k", session=object()).proxies["http"] is None


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


THROTTLED = (429, {"Retry-After": "1"}, {"message": "Too many requests", "translateCode": "CO429_TOO_MANY_REQUESTS"})


def test_the_time_budget_binds_before_the_count_and_is_named(monkeypatch):
    waits = []
    monkeypatch.setattr(urllib3_retry.time, "sleep", waits.append)
    with ScriptedServer([THROTTLED] * 5) as server:
        client = live_client(server, max_retries=100, retry_timeout=0)
        with pytest.raises(MarketplaceError) as info:
            business_entities(client)
    assert len(server.requests) == 1 and waits == []  # no time left: the first answer is the last
    assert "HTTP 429" in str(info.value) and "(retry_timeout 0 s)" in str(info.value)
    assert info.value.as_dict()["gave_up"].startswith("gave up after 0 retries in 0 s")


def test_a_spent_count_is_named(monkeypatch):
    monkeypatch.setattr(urllib3_retry.time, "sleep", lambda seconds: None)
    with ScriptedServer([THROTTLED] * 3) as server:
        client = live_client(server, max_retries=2)
        with pytest.raises(MarketplaceError) as info:
            business_entities(client)
    assert len(server.requests) == 3
    assert "(gave up after 2 retries in 0 s (max_retries))" in str(info.value)


def test_a_wait_never_runs_past_the_deadline():
    slept = []
    deadline = transport.RetryDeadline(10, clock=lambda: 100.0, sleep=slept.append)
    deadline.start()
    deadline.sleep(60)
    assert slept == [10.0]
