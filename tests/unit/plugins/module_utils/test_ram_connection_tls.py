"""ram/connection.py and ram/errors.py: the STS endpoint AssumeRole goes to (sts_endpoint, region), an http://
sts_endpoint refused with assume_role_arn, and the wording of TLS and transport failures (not retried)."""

import pytest

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import connection, errors
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError

ROLE = "acs:ram::1234567890123456:role/Onboarding"
SDK_TLS_TEXT = ("HTTPSConnectionPool(host='127.0.0.1', port=40355): Max retries exceeded with url: /?Action=x "
                "(Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate "
                "verify failed: unable to get local issuer certificate (_ssl.c:1006)')))")


def provider(**params):
    base = dict(access_key_id="LTAIexample", access_key_secret="secret", assume_role_arn=ROLE,
                assume_role_session_name="s1", assume_role_duration=900)
    base.update(params)
    return connection.credentials_provider(base)


@pytest.mark.parametrize("params, host", [
    ({}, "sts.aliyuncs.com"),
    ({"region": "cn-shanghai"}, "sts.cn-shanghai.aliyuncs.com"),
    ({"region": "cn-shanghai", "sts_endpoint": "https://127.0.0.1:8443"}, "127.0.0.1:8443"),
    ({"sts_endpoint": "sts.eu-central-1.aliyuncs.com"}, "sts.eu-central-1.aliyuncs.com"),
])
def test_assume_role_goes_to_the_sts_endpoint_or_the_region(params, host, monkeypatch):
    monkeypatch.delenv("ALIBABA_CLOUD_STS_REGION", raising=False)
    assert provider(**params)._sts_endpoint == host


def test_http_sts_endpoint_is_refused_with_assume_role_only():
    params = dict(assume_role_arn=ROLE, assume_role_session_name="s1", sts_endpoint="http://127.0.0.1:9")
    with pytest.raises(InputError) as info:
        connection.validate_ram_options(params)
    assert info.value.option == "sts_endpoint" and "always sent over HTTPS" in str(info.value)
    connection.validate_ram_options(dict(params, assume_role_arn=None))  # GetCallerIdentity over http is fine


def test_tls_failure_names_endpoint_problem_and_ca_option_and_is_final():
    text = errors.describe_tls_failure(SDK_TLS_TEXT)
    assert text.startswith("TLS verification of https://127.0.0.1:40355 failed: certificate verify failed: unable to "
                           "get local issuer certificate (no request was sent). ")
    assert "ca_path or ALIBABA_CLOUD_CA_BUNDLE" in text
    assert errors.describe_tls_failure("Connection refused") is None

    class Unretryable(Exception):
        def __init__(self, message):
            super(Unretryable, self).__init__(message)
            self.message = message

    error = errors.RamError.from_sdk("ListUsers", Unretryable(SDK_TLS_TEXT))
    assert error.final and not error.transient
    assert error.describe().startswith("ListUsers failed: TLS verification of https://127.0.0.1:40355 failed")


def test_transport_failure_hides_the_signed_url():
    text = ("HTTPSConnectionPool(host='sts.x.aliyuncs.com', port=443): Max retries exceeded with url: "
            "/?AccessKeyId=LTAIexample&Signature=abc (Caused by NameResolutionError(\"HTTPSConnection("
            "host='sts.x.aliyuncs.com', port=443): Failed to resolve 'sts.x.aliyuncs.com' (no such name)\"))")
    described = connection.describe_transport_failure(Exception(text))
    assert "Signature" not in described and "LTAIexample" not in described
    assert described.endswith("Failed to resolve 'sts.x.aliyuncs.com' (no such name)")


def test_an_unreachable_instance_metadata_service_is_worded_with_the_role(monkeypatch):
    """ecs_role_name: the library asks the ECS instance metadata service (a fixed link-local address); its failure
    names the role, the service and what to do instead. The library's own refresh is replaced: no test may send
    traffic to an address outside this machine."""
    from alibabacloud_credentials.exceptions import CredentialException
    from alibabacloud_credentials.provider import EcsRamRoleCredentialsProvider

    def unreachable(self):
        raise ConnectionError("Max retries exceeded (Caused by NewConnectionError('Connection timed out'))")

    monkeypatch.setattr(EcsRamRoleCredentialsProvider, "_refresh_credentials", unreachable)
    provider = connection.credentials_provider(dict(ecs_role_name="BrokerEcsRole"))
    with pytest.raises(CredentialException) as info:
        provider._refresh_credentials()
    message = str(getattr(info.value, "message", None) or info.value)
    assert "Could not get the credentials of the ECS RAM role 'BrokerEcsRole' (ecs_role_name)" in message
    assert "It answers only on an ECS instance the role is attached to" in message


def test_ram_user_info_with_ecs_role_name_fails_naming_the_role(monkeypatch):
    """The whole resource path of cloudbroker.alibaba.ram_user_info with ecs_role_name (as both shells run it):
    one clean failed result, no traceback, no request (the metadata service is replaced, see above)."""
    from alibabacloud_credentials.provider import EcsRamRoleCredentialsProvider
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.users import USER_INFO
    from ansible_collections.cloudbroker.alibaba.plugins.module_utils.services import argument_spec_for, run_resource

    def unreachable(self):
        raise ConnectionError("Connection timed out")

    for name in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_ACCESS_KEY",
                 "ALICLOUD_SECRET_KEY", "ALIBABA_CLOUD_PROFILE", "ALIBABA_CLOUD_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(EcsRamRoleCredentialsProvider, "_refresh_credentials", unreachable)
    params = ArgumentSpecValidator(**argument_spec_for(USER_INFO)).validate(
        {"name": "nobody", "ecs_role_name": "BrokerEcsRole", "ram_endpoint": "https://127.0.0.1:9",
         "max_retries": 0}).validated_parameters
    result, _task = run_resource(USER_INFO, params)
    assert result["failed"] and "ECS RAM role 'BrokerEcsRole' (ecs_role_name)" in result["msg"], result
