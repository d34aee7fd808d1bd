# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``RamError``: a failed RAM / STS / Resource Manager call, and which failures are worth another try."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import CloudError

# Codes of a request refused for load or failed transiently (ram-api.md "Errors"; the OpenAPI gateway's
# common codes). Throttling comes as "Throttling", "Throttling.User", "Throttling.Api", ...
RETRYABLE_CODES = frozenset(["ServiceUnavailable", "InternalError", "Rejected.Throttling", "RequestTimeout"])
THROTTLING_PREFIX = "Throttling"


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

    def __init__(self, action, code=None, message=None, request_id=None, status=None, retry_after=None):
        self.action = action
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
        if not message:
            inner = getattr(exc, "inner_exception", None)
            message = str(inner) if inner is not None else (getattr(exc, "message", None) or str(exc))
        retry_after = getattr(exc, "retry_after", None)
        return cls(action, code=code, message=message, request_id=request_id, status=status,
                   retry_after=retry_after / 1000.0 if retry_after else None)
