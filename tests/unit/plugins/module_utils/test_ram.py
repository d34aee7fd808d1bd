"""Units of plugins/module_utils/ram.py: retry classification, error mapping, paging, options."""

import os

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
from darabonba.exceptions import UnretryableException
from darabonba.policy.retry import RetryPolicyContext

from ansible_collections.cloudbroker.alibaba.plugins.module_utils import ram


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


def make_client(outcomes, max_retries=3):
    sleeps = []
    client = ram.RamClient(FakeSdk(outcomes), max_retries=max_retries, sleep=sleeps.append,
                           delays=lambda n: iter([0.1 * (i + 1) for i in range(n)]))
    return client, sleeps


# -- error mapping ----------------------------------------------------------------------------

def test_client_exception_maps_code_message_and_request_id():
    error = ram.RamError.from_sdk("GetUser", client_error("EntityNotExist.User", 404, "The user does not exist."))
    assert (error.code, error.status, error.request_id) == ("EntityNotExist.User", 404, "REQ-1")
    assert error.message == "The user does not exist."  # the body's message, not the SDK's prefixed one
    assert error.describe() == "GetUser failed: EntityNotExist.User: The user does not exist. (request id REQ-1)"
    assert not error.retryable


def test_throttling_exception_keeps_retry_after_in_seconds():
    exc = client_error("Throttling.User", 400, exc_class=ThrottlingException, retry_after=1500)
    error = ram.RamError.from_sdk("ListUsers", exc)
    assert error.retryable and error.throttled
    assert error.retry_after == 1.5


def test_connection_failure_is_transient():
    inner = ConnectionError("Connection refused")
    exc = UnretryableException(RetryPolicyContext(retries_attempted=0, exception=inner))
    error = ram.RamError.from_sdk("GetUser", exc)
    assert error.code is None and error.status is None
    assert error.retryable
    assert "Connection refused" in error.message


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
    assert ram.RamError("X", code=code, status=status).retryable is retryable


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
    with pytest.raises(ram.RamError) as info:
        client.call("GetUser", UserName="alice")
    assert info.value.code == "Throttling.User"
    assert len(sleeps) == 3 and len(client._sdk.calls) == 4


def test_client_errors_are_never_retried():
    client, sleeps = make_client([client_error("EntityNotExist.User", 404)])
    with pytest.raises(ram.RamError):
        client.call("GetUser", UserName="alice")
    assert sleeps == [] and len(client._sdk.calls) == 1


def test_non_idempotent_call_is_not_retried_after_an_ambiguous_failure():
    client, sleeps = make_client([client_error("InternalError", 500, exc_class=ServerException)])
    with pytest.raises(ram.RamError):
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
    delays = list(ram.full_jitter_delays(8, base=0.25, cap=2.0, rng=lambda: 1.0))
    assert delays == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0, 2.0, 2.0]
    assert all(0 <= d <= 2.0 for d in ram.full_jitter_delays(50, base=0.25, cap=2.0))


# -- helpers ----------------------------------------------------------------------------------

def test_get_returns_none_only_for_the_missing_code():
    client, _sleeps = make_client([client_error("EntityNotExist.User", 404), client_error("NoPermission", 403)])
    assert client.get("GetUser", "EntityNotExist.User", UserName="ghost") is None
    with pytest.raises(ram.RamError) as info:
        client.get("GetUser", "EntityNotExist.User", UserName="ghost")
    assert info.value.code == "NoPermission"


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
    assert ram.parse_endpoint(value, "ram.aliyuncs.com") == expected


@pytest.mark.parametrize("value", ["ftp://x", "http://h/path", "a b", "http://h:port"])
def test_parse_endpoint_rejects_garbage(value):
    with pytest.raises(ValueError):
        ram.parse_endpoint(value, "ram.aliyuncs.com")


def test_loopback_endpoint_drops_proxy_variables(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("https_proxy", "http://proxy.invalid:3128")
    ram.bypass_proxy_for("127.0.0.1:18765")
    assert "HTTP_PROXY" not in os.environ and "https_proxy" not in os.environ


def test_remote_endpoint_keeps_proxy_unless_no_proxy(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    ram.bypass_proxy_for("ram.aliyuncs.com")
    assert os.environ["HTTPS_PROXY"] == "http://proxy.invalid:3128"
    monkeypatch.setenv("NO_PROXY", ".aliyuncs.com")
    ram.bypass_proxy_for("ram.aliyuncs.com")
    assert "HTTPS_PROXY" not in os.environ


def test_credentials_provider_choice():
    from alibabacloud_credentials.provider import (CLIProfileCredentialsProvider, DefaultCredentialsProvider,
                                                   RamRoleArnCredentialsProvider, StaticAKCredentialsProvider,
                                                   StaticSTSCredentialsProvider)
    base = dict(access_key_id=None, access_key_secret=None, security_token=None, profile=None, profile_file=None,
                ecs_role_name=None, assume_role_arn=None, assume_role_session_name="s", assume_role_duration=3600,
                sts_endpoint=None)
    assert isinstance(ram.credentials_provider(dict(base, access_key_id="a", access_key_secret="b")),
                      StaticAKCredentialsProvider)
    assert isinstance(ram.credentials_provider(dict(base, access_key_id="a", access_key_secret="b",
                                                    security_token="t")), StaticSTSCredentialsProvider)
    assert isinstance(ram.credentials_provider(dict(base, profile="p")), CLIProfileCredentialsProvider)
    assert isinstance(ram.credentials_provider(base), DefaultCredentialsProvider)
    assert isinstance(ram.credentials_provider(dict(base, access_key_id="a", access_key_secret="b",
                                                    assume_role_arn="acs:ram::1:role/r")),
                      RamRoleArnCredentialsProvider)
