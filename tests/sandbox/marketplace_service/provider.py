"""Test connection against Alibaba Cloud: STS ``GetCallerIdentity`` signed with the key, via the official SDK.

The SDK reads HTTP(S)_PROXY from the environment itself; nothing here sets or clears proxies.
"""

from alibabacloud_sts20150401.client import Client
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi.exceptions import ClientException, ThrottlingException


class ProviderRejected(Exception):
    """The provider answered and refused the key (wrong id, inactive key, bad signature...)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class ProviderUnavailable(Exception):
    """The provider could not be asked: network error, throttling or a server error."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def caller_identity(endpoint, access_key_id, access_key_secret, ca=None):
    """Return ``{"AccountId", "Arn", "IdentityType", "UserId", "PrincipalId"}`` for the key.

    ``ca``: a CA bundle to trust for an https endpoint (the SDK's ``Config.ca``; default: certifi's).
    """
    protocol, _sep, host = endpoint.rpartition("://")
    config = open_api_models.Config(access_key_id=access_key_id, access_key_secret=access_key_secret,
                                    endpoint=host, protocol=protocol or "https", ca=ca,
                                    connect_timeout=5000, read_timeout=10000)
    try:
        body = Client(config).get_caller_identity().body.to_map()
    except ThrottlingException as exc:
        raise ProviderUnavailable(exc.code, exc.message) from exc
    except ClientException as exc:
        if str(exc.code).startswith("Throttling"):
            raise ProviderUnavailable(exc.code, exc.message) from exc
        raise ProviderRejected(exc.code, exc.message) from exc
    except Exception as exc:  # pylint: disable=broad-except  # server errors, network errors, bad answers
        raise ProviderUnavailable(getattr(exc, "code", None) or type(exc).__name__, str(exc)) from exc
    return {key: body.get(key) for key in ("AccountId", "Arn", "IdentityType", "UserId", "PrincipalId")}
