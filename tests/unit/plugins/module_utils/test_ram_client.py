"""Units of plugins/module_utils/ram/{errors,client,connection,attachments}.py: retry classification and
budget, error mapping, ignored codes, paging, endpoints, proxies, the credential chain, policy planning."""

import os

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
from darabonba.exceptions import UnretryableException
from darabonba.policy.retry import RetryPolicyContext

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import attachments, client as ram_client
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import connection
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError, code_matches
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError


def client_error(code, status=400, message="m", request_id="REQ-1", exc_class=ClientException, **extra):
    data = {"Code": code, "Message": message, "RequestId": request_id, "statusCode": status}
    return exc_class(code=code, message="code: %s, %s request id: %s" % (status, message, request_id),
                     request_id=request_id, data=data, stack="", status_code=status, description=None,
                     access_denied_detail=None, **extra)


class FakeSdk:
    """Stands in for the generated SDK client: records calls, replays scripted outcomes."""

    def __init__(self, outcomes):
        self.outcomes = list(outcomes)
        self.calls = []

    def get_user_with_options(self, request, runtime):
        return self._next("GetUser", request)

    def create_access_key_with_options(self, request, runtime):
        return self._next("CreateAccessKey", request)

    def list_users_with_options(self, request, runtime):
        return self._next("ListUsers", request)

    def get_password_policy_with_options(self, runtime):
        return self._next("GetPasswordPolicy", None)

    def _next(self, action, request):
        self.calls.append((action, request.to_map() if request is not None else None))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return type("Response", (), {"body": type("Body", (), {"to_map": lambda self, o=outcome: o})()})()


class FakeModels:
    """The SDK's request models: every action but GetPasswordPolicy has one."""

    def __getattr__(self, name):
        if name == "GetPasswordPolicyRequest":
            raise AttributeError(name)

        class Request:
            def from_map(self, values):
                self.values = values
                return self

            def to_map(self):
                return self.values

        return Request


def make_client(outcomes, max_retries=3, timeout=None, clock=None):
    sleeps = []
    budget = ram_client.RetryBudget(max_retries=max_retries, timeout=timeout,
                                    **({"clock": clock} if clock else {}))
    client = ram_client.RamClient(FakeSdk(outcomes), FakeModels(), budget=budget, sleep=sleeps.append,
                                  delays=lambda: iter([0.1 * (i + 1) for i in range(100)]))
    return client, sleeps


# -- error mapping ----------------------------------------------------------------------------

def test_client_exception_maps_code_message_and_request_id():
    error = RamError.from_sdk("GetUser", client_error("EntityNotExist.User", 404, "The user does not exist."))
    assert (error.code, error.status, error.request_id) == ("EntityNotExist.User", 404, "REQ-1")
    assert error.message == "The user does not exist."  # the body's message, not the SDK's prefixed one
    assert error.describe() == "GetUser failed: EntityNotExist.User: The user does not exist. (request id REQ-1)"
    assert not error.transient


def test_throttling_exception_keeps_retry_after_in_seconds():
    exc = client_error("Throttling.User", 400, exc_class=ThrottlingException, retry_after=1500)
    error = RamError.from_sdk("ListUsers", exc)
    assert error.transient and error.throttled
    assert error.retry_after == 1.5


def test_connection_failure_is_transient():
    inner = ConnectionError("Connection refused")
    exc = UnretryableException(RetryPolicyContext(retries_attempted=0, exception=inner))
    error = RamError.from_sdk("GetUser", exc)
    assert error.code is None and error.status is None
    assert error.transient
    assert "Connection refused" in error.message


def test_a_fault_of_the_client_inside_the_sdk_is_final():
    """The SDK wraps whatever its request loop raised, also a bug such as an AttributeError in a credential
    provider: a retry would only raise it again, until the time budget runs out."""
    inner = AttributeError("'NoneType' object has no attribute 'get_credential'")
    exc = UnretryableException(RetryPolicyContext(retries_attempted=0, exception=inner))
    error = RamError.from_sdk("GetUser", exc)
    assert not error.transient and not error.ambiguous
    assert error.message == ("AttributeError: 'NoneType' object has no attribute 'get_credential' "
                             "(a fault of the client, not of the service)")
    client, sleeps = make_client([exc, {"User": {}}])
    with pytest.raises(RamError) as raised:
        client.call("GetUser", UserName="alice")
    assert "AttributeError" in str(raised.value) and sleeps == [] and len(client._sdk.calls) == 1


def test_an_answer_that_is_not_the_services_is_transient():
    inner = ValueError("Expecting value: line 1 column 1 (char 0)")
    exc = UnretryableException(RetryPolicyContext(retries_attempted=0, exception=inner))
    assert RamError.from_sdk("GetUser", exc).transient


@pytest.mark.parametrize("code,status,retryable", [
    ("Throttling.User", 400, True),
    ("Throttling.Api", 400, True),
    ("Throttling", 400, True),
    ("ServiceUnavailable", 503, True),
    ("InternalError", 500, True),
    ("SomethingNew", 502, True),
    ("EntityNotExist.User", 404, False),
    ("SignatureDoesNotMatch", 400, False),
    ("InvalidAccessKeyId.NotFound", 404, False),
    ("NoPermission", 403, False),
    ("LimitExceeded.User.AccessKey", 409, False),
])
def test_retry_classification(code, status, retryable):
    assert RamError("X", code=code, status=status).transient is retryable


# -- retries ----------------------------------------------------------------------------------

def test_call_retries_throttling_then_succeeds():
    unavailable = client_error("ServiceUnavailable", 503, exc_class=ServerException)
    client, sleeps = make_client([client_error("Throttling.User"), unavailable, {"User": {"UserName": "alice"}}])
    assert client.call("GetUser", UserName="alice") == {"User": {"UserName": "alice"}}
    assert sleeps == [0.1, 0.2]
    assert client.retries == 2
    assert client._sdk.calls[-1] == ("GetUser", {"UserName": "alice"})


def test_call_gives_up_after_max_retries_with_last_error():
    client, sleeps = make_client([client_error("Throttling.User")] * 4, max_retries=3)
    with pytest.raises(RamError) as info:
        client.call("GetUser", UserName="alice")
    assert info.value.code == "Throttling.User"
    assert len(sleeps) == 3 and len(client._sdk.calls) == 4


def test_client_errors_are_never_retried():
    client, sleeps = make_client([client_error("EntityNotExist.User", 404)])
    with pytest.raises(RamError):
        client.call("GetUser", UserName="alice")
    assert sleeps == [] and len(client._sdk.calls) == 1


def test_non_idempotent_call_is_not_retried_after_an_ambiguous_failure():
    client, sleeps = make_client([client_error("InternalError", 500, exc_class=ServerException)])
    with pytest.raises(RamError):
        client.call("CreateAccessKey", idempotent=False, UserName="alice")
    assert sleeps == []


def test_non_idempotent_call_is_retried_when_refused_by_throttling():
    client, sleeps = make_client([client_error("Throttling.User"), {"AccessKey": {"AccessKeyId": "LTAI1"}}])
    assert client.call("CreateAccessKey", idempotent=False, UserName="alice")["AccessKey"]["AccessKeyId"] == "LTAI1"
    assert sleeps == [0.1]


def test_retry_after_from_service_wins_over_shorter_backoff():
    exc = client_error("Throttling.User", exc_class=ThrottlingException, retry_after=2000)
    client, sleeps = make_client([exc, {}])
    client.call("GetUser", UserName="alice")
    assert sleeps == [2.0]


def test_full_jitter_delays_are_bounded_and_grow():
    delays = ram_client.full_jitter_delays(base=0.25, cap=2.0, rng=lambda: 1.0)
    assert [next(delays) for _i in range(8)] == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0, 2.0, 2.0]
    jittered = ram_client.full_jitter_delays(base=0.25, cap=2.0)
    assert all(0 <= next(jittered) <= 2.0 for _i in range(50))


def test_retry_budget_in_time_stops_retrying_before_the_deadline():
    now = [0.0]

    def clock():
        return now[0]

    def sleep_and_advance(seconds):
        now[0] += seconds

    client, _sleeps = make_client([client_error("Throttling.User")] * 50, max_retries=100, timeout=1.0, clock=clock)
    client._sleep = sleep_and_advance
    with pytest.raises(RamError) as info:
        client.call("GetUser", UserName="alice")
    assert info.value.code == "Throttling.User"
    # sleeps 0.1 + 0.2 + 0.3 + 0.4 end at 1.0 s, inside the budget; the next (0.5) would end past it
    assert now[0] <= 1.0
    assert client.retries == 4 and len(client._sdk.calls) == 5


def test_retry_after_beyond_the_time_budget_is_not_waited_for():
    exc = client_error("Throttling.User", exc_class=ThrottlingException, retry_after=60000)
    client, sleeps = make_client([exc, {}], timeout=10.0)
    with pytest.raises(RamError):
        client.call("GetUser", UserName="alice")
    assert sleeps == []


# -- helpers ----------------------------------------------------------------------------------

def test_ignored_codes_return_none_and_others_raise():
    client, _sleeps = make_client([client_error("EntityNotExist.User", 404), client_error("NoPermission", 403)])
    assert client.call("GetUser", ignore=("EntityNotExist.User",), UserName="ghost") is None
    with pytest.raises(RamError) as info:
        client.call("GetUser", ignore=("EntityNotExist.User",), UserName="ghost")
    assert info.value.code == "NoPermission"


@pytest.mark.parametrize("code,patterns,expected", [
    ("EntityNotExist.User", ("EntityNotExist.User",), True),
    ("EntityNotExist.User.Policy", ("EntityNotExist.User",), False),
    ("EntityNotExist.User.Policy", ("EntityNotExist.User.*",), True),
    ("EntityNotExist.User", ("EntityNotExist.User.*",), False),
    (None, ("EntityNotExist.*",), False),
])
def test_code_matches(code, patterns, expected):
    assert code_matches(code, patterns) is expected


def test_paginate_follows_markers_until_not_truncated():
    client, _sleeps = make_client([
        {"IsTruncated": True, "Marker": "m1", "Users": {"User": [{"UserName": "a"}, {"UserName": "b"}]}},
        {"IsTruncated": True, "Marker": "m2", "Users": {"User": [{"UserName": "c"}]}},
        {"IsTruncated": False, "Users": {"User": []}},
    ])
    users = client.paginate("ListUsers", "Users", "User", MaxItems=2)
    assert [u["UserName"] for u in users] == ["a", "b", "c"]
    assert [call[1] for call in client._sdk.calls] == [{"MaxItems": 2}, {"Marker": "m1", "MaxItems": 2},
                                                       {"Marker": "m2", "MaxItems": 2}]


def test_actions_without_request_model_are_called_with_runtime_only():
    client, _sleeps = make_client([{"PasswordPolicy": {"MinimumPasswordLength": 8}}])
    assert client.call("GetPasswordPolicy")["PasswordPolicy"]["MinimumPasswordLength"] == 8


@pytest.mark.parametrize("value,expected", [
    (None, ("ram.aliyuncs.com", "https")),
    ("ram.aliyuncs.com", ("ram.aliyuncs.com", "https")),
    ("http://127.0.0.1:18765", ("127.0.0.1:18765", "http")),
    ("https://ram.example.com/", ("ram.example.com", "https")),
    ("localhost:8080", ("localhost:8080", "https")),
])
def test_parse_endpoint(value, expected):
    assert connection.parse_endpoint(value, "ram.aliyuncs.com") == expected


@pytest.mark.parametrize("value", ["ftp://x", "http://h/path", "a b", "http://h:port"])
def test_parse_endpoint_rejects_garbage(value):
    with pytest.raises(ValueError):
        connection.parse_endpoint(value, "ram.aliyuncs.com")


def test_loopback_and_no_proxy_hosts_bypass_the_proxy(monkeypatch):
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert connection.bypasses_proxy("127.0.0.1:18765") and connection.bypasses_proxy("localhost")
    assert not connection.bypasses_proxy("ram.aliyuncs.com")
    monkeypatch.setenv("NO_PROXY", ".aliyuncs.com")
    assert connection.bypasses_proxy("ram.aliyuncs.com")


def test_proxy_variables_are_hidden_for_one_call_only(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("https_proxy", "http://proxy.invalid:3128")
    with connection.proxy_variables_hidden():
        assert "HTTP_PROXY" not in os.environ and "https_proxy" not in os.environ
    assert os.environ["HTTP_PROXY"] == os.environ["https_proxy"] == "http://proxy.invalid:3128"


def test_loopback_client_hides_the_proxy_around_each_sdk_call(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    seen = []
    client = connection.RamConnection(dict(access_key_id="a", access_key_secret="b", ram_endpoint="http://127.0.0.1:1",
                                           max_retries=0, retry_timeout=1)).ram
    client._sdk = type("Sdk", (), {"get_user_with_options": lambda self, request, runtime: seen.append(
        os.environ.get("HTTPS_PROXY")) or type("R", (), {"body": None})()})()
    client.call("GetUser", UserName="alice")
    assert seen == [None] and os.environ["HTTPS_PROXY"] == "http://proxy.invalid:3128"


@pytest.mark.parametrize("option,value,message", [
    ("max_retries", -1, "max_retries must be between 0 and 100"),
    ("connect_timeout", 0, "connect_timeout must be between 1 and 300"),
    ("assume_role_duration", 600, "assume_role_duration must be between 900 and 43200"),
    ("ram_endpoint", "ftp://x", "ram_endpoint: invalid endpoint"),
    ("assume_role_arn", "arn:aws:iam::1:role/x", "assume_role_arn must look like acs:ram::"),
])
def test_ram_options_are_checked_before_any_call(option, value, message):
    params = dict(connect_timeout=5, read_timeout=10, max_retries=10, retry_timeout=120, assume_role_duration=3600,
                  assume_role_session_name="ansible-cloudbroker")
    params[option] = value
    with pytest.raises(InputError) as info:
        connection.validate_ram_options(params)
    assert message in str(info.value) and info.value.option == option


def test_credentials_provider_choice():
    from alibabacloud_credentials.provider import (CLIProfileCredentialsProvider, DefaultCredentialsProvider,
                                                   RamRoleArnCredentialsProvider, StaticAKCredentialsProvider,
                                                   StaticSTSCredentialsProvider)
    base = dict(access_key_id=None, access_key_secret=None, security_token=None, profile=None, profile_file=None,
                ecs_role_name=None, assume_role_arn=None, assume_role_session_name="s", assume_role_duration=3600,
                sts_endpoint=None)
    assert isinstance(connection.credentials_provider(dict(base, access_key_id="a", access_key_secret="b")),
                      StaticAKCredentialsProvider)
    assert isinstance(connection.credentials_provider(dict(base, access_key_id="a", access_key_secret="b",
                                                           security_token="t")), StaticSTSCredentialsProvider)
    assert isinstance(connection.credentials_provider(dict(base, profile="p")), CLIProfileCredentialsProvider)
    assert isinstance(connection.credentials_provider(base), DefaultCredentialsProvider)
    assert isinstance(connection.credentials_provider(dict(base, access_key_id="a", access_key_secret="b",
                                                           assume_role_arn="acs:ram::1:role/r")),
                      RamRoleArnCredentialsProvider)


def test_assume_role_provider_gets_the_sts_host_session_and_external_id():
    provider = connection.credentials_provider(dict(
        access_key_id="a", access_key_secret="b", assume_role_arn="acs:ram::1234567890123456:role/r",
        assume_role_session_name="onboarding", assume_role_duration=900, assume_role_external_id="ext-1",
        sts_endpoint="https://127.0.0.1:8443"))
    assert (provider._role_arn, provider._role_session_name, provider._duration_seconds) == (
        "acs:ram::1234567890123456:role/r", "onboarding", 900)
    assert (provider._external_id, provider._sts_endpoint) == ("ext-1", "127.0.0.1:8443")


# -- policy planning --------------------------------------------------------------------------

class PolicyCatalog:
    """A RamClient-shaped reader over a fixed catalogue, for plan_policy_attachments."""

    def __init__(self, policies):
        self.policies = policies  # {(name, type)}
        self.calls = []

    def call(self, action, ignore=(), **params):
        self.calls.append((action, params))
        return {"Policy": {}} if (params["PolicyName"], params["PolicyType"]) in self.policies else None

    def paginate(self, action, wrapper, item, **params):
        return [{"PolicyName": n, "PolicyType": t} for n, t in self.policies if t == params["PolicyType"]]


def test_plan_attaches_missing_and_purges_unlisted():
    catalog = PolicyCatalog({("AdministratorAccess", "System"), ("ReadOnlyAccess", "System"), ("x", "Custom")})
    current = [{"name": "ReadOnlyAccess", "type": "System"}]
    wanted = [{"name": "AdministratorAccess", "type": None}, {"name": "x", "type": "Custom"}]
    attach, detach = attachments.plan_policy_attachments(catalog, current, wanted, purge=True)
    assert attach == [{"name": "AdministratorAccess", "type": "System"}, {"name": "x", "type": "Custom"}]
    assert detach == [{"name": "ReadOnlyAccess", "type": "System"}]


def test_plan_already_attached_costs_no_lookup():
    catalog = PolicyCatalog({("AdministratorAccess", "System")})
    attach, detach = attachments.plan_policy_attachments(
        catalog, [{"name": "AdministratorAccess", "type": "System"}], [{"name": "AdministratorAccess", "type": None}],
        purge=False)
    assert (attach, detach, catalog.calls) == ([], [], [])


def test_unknown_policy_with_other_case_gets_a_hint():
    catalog = PolicyCatalog({("AdministratorAccess", "System")})
    with pytest.raises(RamError) as info:
        attachments.plan_policy_attachments(catalog, [], [{"name": "administratoraccess", "type": None}], purge=False)
    assert info.value.code == "EntityNotExist.Policy"
    assert "did you mean 'AdministratorAccess' (System)" in info.value.message


def test_a_spent_time_budget_is_named_in_the_error():
    now = [0.0]
    client, _sleeps = make_client([client_error("Throttling.User")] * 50, max_retries=100, timeout=1.0,
                                  clock=lambda: now[0])
    client._sleep = lambda seconds: now.__setitem__(0, now[0] + seconds)
    with pytest.raises(RamError) as info:
        client.call("GetUser", UserName="alice")
    assert "(gave up after 4 retries in 1 s (retry_timeout 1.0 s))" in str(info.value)
    assert info.value.as_dict()["gave_up"].endswith("(retry_timeout 1.0 s)")


def test_max_retries_counts_per_call_not_per_task():
    outcomes = [client_error("Throttling.User"), client_error("Throttling.User"), {}] * 3
    client, _sleeps = make_client(outcomes, max_retries=2)
    for _call in range(3):
        assert client.call("GetUser", UserName="alice") == {}
    assert client.retries == 6
