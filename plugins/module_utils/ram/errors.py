# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``RamError``: a failed RAM / STS / Resource Manager call, and which failures are worth another try."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import CloudError

# Codes of a request refused for load or failed transiently (ram-api.md "Errors"; the OpenAPI gateway's
# common codes). Throttling comes as "Throttling", "Throttling.User", "Throttling.Api", ...
RETRYABLE_CODES = frozenset(["ServiceUnavailable", "InternalError", "Rejected.Throttling", "RequestTimeout"])
THROTTLING_PREFIX = "Throttling"

# What a request without an answer fails with when the network or the far end is at fault, and a retry may get
# through: the transport's errors (requests' ConnectionError and Timeout, ssl errors, resets: all OSError) and an
# answer that is not the service's (ValueError: a body that is not JSON, such as a proxy's error page).
ANSWER_ERRORS = (OSError, ValueError)

# A TLS handshake the client refused (the SDK reports it only as text: "HTTPSConnectionPool(host='h', port=p):
# ... SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ...'))").
TLS_FAILURE_RE = re.compile(r"SSLError|CERTIFICATE_VERIFY_FAILED|certificate verify failed")
TLS_REASON_RE = re.compile(r"certificate verify failed: ([^'\"()]+)|\[SSL: [A-Z_]+\] ([^'\"()]+)")
TLS_ENDPOINT_RE = re.compile(r"HTTPSConnectionPool\(host='([^']+)', port=(\d+)\)")
TLS_HINT = ("Give the CA certificates that sign the endpoint's certificate (a PEM bundle, such as a corporate or "
            "TLS-inspecting proxy's CA) with ca_path or ALIBABA_CLOUD_CA_BUNDLE")


def describe_tls_failure(text):
    """``TLS verification of https://host:port failed: <problem>. <how to give a CA>`` from the transport's
    text, or ``None`` when ``text`` is not a TLS failure. Nothing was sent: the handshake failed first."""
    if not text or not TLS_FAILURE_RE.search(text):
        return None
    if "TLS verification of " in text:  # already described (an AssumeRole failure, passed on by the SDK)
        return text
    endpoint = TLS_ENDPOINT_RE.search(text)
    reason = TLS_REASON_RE.search(text)
    problem = (reason.group(1) or reason.group(2)).strip().rstrip(".") if reason else "the TLS handshake failed"
    return "TLS verification of %s failed: %s (no request was sent). %s." % (
        "https://%s:%s" % endpoint.groups() if endpoint else "the endpoint", problem, TLS_HINT)


def code_matches(code, patterns):
    """``code`` is one of ``patterns``; a pattern ending in ``*`` matches a prefix (``EntityNotExist.*``)."""
    if not code:
        return False
    for pattern in patterns:
        if pattern.endswith("*") and code.startswith(pattern[:-1]) or code == pattern:
            return True
    return False


class RamError(CloudError):
    """A failed call, already reduced to what a user needs (and nothing secret)."""

    def __init__(self, action, code=None, message=None, request_id=None, status=None, retry_after=None, final=False):
        self.action = action
        self.final = final  # a failure no retry can change (a refused certificate)
        self.code = code
        self.message = message or ""
        self.request_id = request_id
        self.status = status
        self.retry_after = retry_after  # seconds the service asked us to wait (x-acs-retry-after)
        self.gave_up = None  # which retry budget was spent, once the client stopped retrying
        super(RamError, self).__init__(self.describe())

    def give_up(self, why):
        """Record which retry budget was spent (it becomes part of the message)."""
        self.gave_up = why
        self.args = (self.describe(),)

    def describe(self):
        text = "%s failed" % self.action
        if self.code:
            text += ": %s" % self.code
        if self.message:
            text += ": %s" % self.message
        if self.request_id:
            text += " (request id %s)" % self.request_id
        if self.gave_up:
            text += " (%s)" % self.gave_up
        return text

    def as_dict(self):
        return dict(action=self.action, code=self.code, message=self.message, request_id=self.request_id,
                    http_status=self.status, gave_up=self.gave_up)

    @property
    def transient(self):
        """Throttling, 5xx and transport failures may succeed later; any other client error is final."""
        if self.final:
            return False
        if self.throttled or self.code in RETRYABLE_CODES:
            return True
        if self.status is not None and self.status >= 500:
            return True
        return self.code is None and self.status is None  # no answer at all: connection refused, timeout

    @property
    def throttled(self):
        """The service refused the request before doing anything (safe to resend even a create)."""
        return bool(self.code and (self.code.startswith(THROTTLING_PREFIX) or self.code == "Rejected.Throttling"))

    @property
    def ambiguous(self):
        """The request may or may not have been applied (5xx after sending, lost answer)."""
        return self.transient and not self.throttled

    @classmethod
    def from_sdk(cls, action, exc):
        """From a ``Tea``/``darabonba`` exception or a transport ``OSError``."""
        data = getattr(exc, "data", None)
        data = data if isinstance(data, dict) else {}
        code = getattr(exc, "code", None) or data.get("Code")
        status = getattr(exc, "status_code", None) or getattr(exc, "statusCode", None) or data.get("statusCode")
        request_id = getattr(exc, "request_id", None) or data.get("RequestId")
        message = data.get("Message")
        inner = getattr(exc, "inner_exception", None)
        # The SDK wraps whatever its request loop raised - the transport's errors, but also a fault of the client
        # itself (a credential provider's AttributeError, a TypeError), before or after the request left: a retry
        # would only raise it again.
        client_fault = code is None and status is None and inner is not None and not isinstance(inner, ANSWER_ERRORS)
        if not message:
            if client_fault:
                message = "%s: %s (a fault of the client, not of the service)" % (type(inner).__name__, inner)
            else:
                message = str(inner) if inner is not None else (getattr(exc, "message", None) or str(exc))
        retry_after = getattr(exc, "retry_after", None)
        tls_failure = None if code or status else describe_tls_failure(message)
        return cls(action, code=code, message=tls_failure or message, request_id=request_id, status=status,
                   retry_after=retry_after / 1000.0 if retry_after else None, final=bool(tls_failure) or client_fault)
