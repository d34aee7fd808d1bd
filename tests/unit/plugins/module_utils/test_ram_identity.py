"""Units of module_utils/ram/identity.py: the caller identity view, the options of a key check (from a RAM
module, a marketplace module or a bare endpoint) and ram_caller_identity_info."""

import pytest

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import connection, identity
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError

from ram_fakes import FakeRam, task_for

ROOT = {"RequestId": "REQ-1", "IdentityType": "Account", "AccountId": "1234567890123456",
        "UserId": "1234567890123456", "PrincipalId": "1234567890123456", "Arn": "acs:ram::1234567890123456:root"}
RAM_USER = {"RequestId": "REQ-2", "IdentityType": "RAMUser", "AccountId": "1234567890123456",
            "UserId": "216959339000654321", "PrincipalId": "216959339000654321",
            "Arn": "acs:ram::1234567890123456:user/marketplace-broker"}


def test_caller_identity_is_snake_case_without_request_id():
    view = identity.caller_identity(FakeRam({"GetCallerIdentity": RAM_USER}))
    assert view == {"identity_type": "RAMUser", "account_id": "1234567890123456", "user_id": "216959339000654321",
                    "principal_id": "216959339000654321",
                    "arn": "acs:ram::1234567890123456:user/marketplace-broker", "is_root": False}


def test_root_account_is_recognised():
    assert identity.caller_identity(FakeRam({"GetCallerIdentity": ROOT}))["is_root"] is True


def test_key_check_options_from_a_marketplace_module():
    options = dict(url="https://broker", sts_endpoint="http://127.0.0.1:1", timeout=30.0, max_retries=10,
                   access_key_id="LTAI5tKEY", access_key_secret="secret")
    assert identity.key_check_options(options) == dict(sts_endpoint="http://127.0.0.1:1", connect_timeout=30,
                                                       read_timeout=30, max_retries=10)


def test_key_check_options_from_a_bare_endpoint_and_overrides():
    assert identity.key_check_options(None) == dict(connect_timeout=10, read_timeout=10, max_retries=3)
    assert identity.key_check_options("sts.example.com", timeout=4, max_retries=0) == dict(
        sts_endpoint="sts.example.com", connect_timeout=4, read_timeout=4, max_retries=0)


def test_key_check_options_from_a_ram_module_keep_its_connection_settings():
    params = dict(sts_endpoint="sts.example.com", region="cn-shanghai", connect_timeout=5, read_timeout=20,
                  max_retries=7, retry_timeout=60, profile="p", assume_role_arn="acs:ram::1:role/r")
    assert identity.key_check_options(params) == dict(sts_endpoint="sts.example.com", region="cn-shanghai",
                                                      connect_timeout=5, read_timeout=20, max_retries=7,
                                                      retry_timeout=60)


def test_identity_of_key_signs_with_that_key_only(monkeypatch):
    seen = []

    def sts_client_for_key(params, key_id, secret, token=None):
        seen.append((params, key_id, secret, token))
        return FakeRam({"GetCallerIdentity": ROOT})

    monkeypatch.setattr(connection, "sts_client_for_key", sts_client_for_key)
    found = identity.identity_of_key(dict(sts_endpoint="http://127.0.0.1:1", timeout=5.0, max_retries=2,
                                          username="admin", api_key="k"), "LTAI5tKEY", "the-secret")
    assert found["is_root"] is True
    assert seen == [(dict(sts_endpoint="http://127.0.0.1:1", connect_timeout=5, read_timeout=5, max_retries=2),
                     "LTAI5tKEY", "the-secret", None)]


def test_identity_of_key_refuses_a_bad_endpoint_before_any_call(monkeypatch):
    monkeypatch.setattr(connection, "sts_client_for_key", lambda *args: pytest.fail("no call expected"))
    with pytest.raises(InputError) as info:
        identity.identity_of_key("http://host/path", "LTAI5tKEY", "the-secret")
    assert info.value.option == "sts_endpoint"


def test_caller_identity_info_uses_the_task_credentials():
    sts = FakeRam({"GetCallerIdentity": RAM_USER})
    task = task_for(identity.CALLER_IDENTITY_INFO, {}, sts=sts)
    result = identity.CALLER_IDENTITY_INFO.run(task)
    assert result["changed"] is False and result["caller_identity"]["identity_type"] == "RAMUser"
    assert sts.actions() == ["GetCallerIdentity"]


def test_caller_identity_info_checks_another_key(monkeypatch):
    seen = []

    def sts_client_for_key(params, key_id, secret, token=None):
        seen.append((key_id, secret, token))
        return FakeRam({"GetCallerIdentity": ROOT})

    monkeypatch.setattr(connection, "sts_client_for_key", sts_client_for_key)
    task = task_for(identity.CALLER_IDENTITY_INFO, dict(access_key_id_to_check="LTAI5tOTHER",
                                                        access_key_secret_to_check="other-secret"))
    assert identity.CALLER_IDENTITY_INFO.run(task)["caller_identity"]["is_root"] is True
    assert seen == [("LTAI5tOTHER", "other-secret", None)]
