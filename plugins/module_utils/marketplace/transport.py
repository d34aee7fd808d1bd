# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the collection talks to the broker's ``cb-credential-service``: every request goes through here.

``MarketplaceClient`` is a ``requests`` session whose urllib3 ``Retry`` retries throttling (429), gateway
errors (502/503/504) and connection failures with bounded, jittered exponential backoff, honouring
``Retry-After``, within two budgets: ``max_retries`` per request and ``retry_timeout`` seconds from the
client's first request (one task), which is the binding one under sustained throttling. A request that
spent a budget fails naming it: "gave up after N retries in S s (retry_timeout)".
Every answer is decoded and passed through the one redaction point (redaction.py)
before anything else sees it. A failed request becomes a ``MarketplaceError`` (a ``resource.CloudError``,
reported by both shells as one clean failure): HTTP status, ``translateCode``, message and every schema
validation; never a traceback, never a secret. ``request(..., ignore=(404,))`` returns ``None`` for the
statuses named instead of raising.

The resources speak the protocol's nouns through this client (accounts.py, credentials.py);
docs/marketplace-api.md is the protocol.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import inspect
import re
import time
import warnings
from urllib.parse import urlsplit

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.common import user_agent
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.redaction import Redactor
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import CloudError

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import InsecureRequestWarning
    from urllib3.util.retry import Retry
except ImportError:
    HAS_REQUESTS = False
    Retry = object  # so that the subclass below can be defined; never instantiated without requests
else:
    HAS_REQUESTS = True

DEFAULT_SERVICE_PREFIX = "cb-credential-service/api/v2.0"
PAGE_SIZE = 100

# Retry policy (docs/marketplace-api.md sections 2 and 9).
RETRY_STATUSES = frozenset([429, 502, 503, 504])
# Every method: all writes of this protocol are keyed by a client-chosen id or name (accountId,
# credentialName within an account, crefId), so a repeated POST cannot create a second object - a create
# that was applied before the error answers 409 on the retry, which the callers turn into "exists, read
# it". PATCH and PUT replace fields as a whole; credentialsValidator changes nothing.
RETRY_METHODS = frozenset(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE", "POST"])
BACKOFF_FACTOR = 0.5
BACKOFF_MAX = 20.0
BACKOFF_JITTER = 0.5
RETRY_AFTER_MAX = 120.0


def derive_vault_prefix(service_prefix):
    """The v1.0 ``credentialrefs`` prefix next to a v2.0 service prefix (``.../api/v2.0`` -> ``.../api/v1.0``)."""
    prefix = (service_prefix or DEFAULT_SERVICE_PREFIX).strip("/")
    derived, count = re.subn(r"(^|/)v\d+(?:\.\d+)*$", r"\1v1.0", prefix)
    return derived if count else "%s/api/v1.0" % prefix.split("/")[0]


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------

def summarize_text(text, limit=200):
    """A one-line summary of a non-JSON body: an HTML page's title/heading, or its first characters."""
    text = text or ""
    if re.search(r"<\s*(html|head|body|title|h1)\b", text, re.I):
        for tag in ("title", "h1"):
            match = re.search(r"<\s*%s[^>]*>(.*?)<\s*/\s*%s\s*>" % (tag, tag), text, re.I | re.S)
            if match and match.group(1).strip():
                return "HTML page from the gateway: %s" % " ".join(match.group(1).split())[:limit]
        text = re.sub(r"<[^>]*>", " ", text)
    text = " ".join(text.split())
    return text[:limit] + ("..." if len(text) > limit else "")


def _validations(body):
    """The schema validations of an error body, one dict per property (values already redacted)."""
    validations = []
    for location, items in sorted((body.get("validations") or {}).items()):
        for item in items or []:
            if not isinstance(item, dict):
                continue
            messages = item.get("messages")
            if isinstance(messages, str):
                messages = [messages]
            entry = dict(property=item.get("property"), messages=[str(m) for m in messages or []])
            if location != "body":
                entry["location"] = location
            if "value" in item:
                entry["value"] = item["value"]
            validations.append(entry)
    return validations


class MarketplaceError(CloudError):
    """A failed marketplace call, reduced to what a user needs (and nothing secret)."""

    def __init__(self, method, path, status=None, message=None, translate_code=None, translate_parameters=None,
                 validations=None, error_code=None, retries=0, hint=None, body=None, gave_up=None):
        self.method = method
        self.path = path
        self.status = status
        self.message = message or ""
        self.translate_code = translate_code
        self.translate_parameters = translate_parameters or []
        self.validations = validations or []
        self.error_code = error_code  # the provider's code, from credentialsValidator
        self.retries = retries
        self.hint = hint
        self.body = body  # the decoded (already redacted) error body
        self.gave_up = gave_up  # which retry budget was spent: "gave up after N retries in S s (retry_timeout)"
        super(MarketplaceError, self).__init__(self.describe())

    def describe(self):
        text = "%s %s failed" % (self.method, self.path)
        if self.status is not None:
            text += ": HTTP %s" % self.status
        if self.translate_code:
            text += " %s" % self.translate_code
        if self.message:
            text += ": %s" % self.message
        if self.error_code and self.error_code not in (self.message or ""):
            text += " (provider error %s)" % self.error_code
        if self.validations:
            text += ": " + "; ".join(
                "%s: %s" % (item.get("property") or "(body)", ", ".join(item.get("messages") or []) or "invalid")
                for item in self.validations)
        if self.gave_up:
            text += " (%s)" % self.gave_up
        elif self.retries and self.status in RETRY_STATUSES:
            text += " (gave up after %d retries)" % self.retries
        if self.hint:
            text = text.rstrip(".") + ". " + self.hint
        return text

    def as_dict(self):
        return dict(method=self.method, path=self.path, http_status=self.status, translate_code=self.translate_code,
                    translate_parameters=self.translate_parameters, message=self.message,
                    validations=self.validations, error_code=self.error_code, retries=self.retries,
                    gave_up=self.gave_up)

    @classmethod
    def from_response(cls, method, path, status, body, retries=0, username=None, gave_up=None, url=None,
                      prefix_option=None):
        """Build from a decoded, redacted error body (a dict, a list or a text summary). ``url``: the URL
        requested (named in a 404's hint, with ``prefix_option``: the option that made its path)."""
        kwargs = dict(status=status, retries=retries, body=body, gave_up=gave_up)
        if isinstance(body, dict):
            message = body.get("message") or body.get("statusText") or body.get("error")
            if body.get("jsonSchemaValidation") and message == "Bad Request":
                message = "Bad Request (schema validation)"
            kwargs.update(message=message, translate_code=body.get("translateCode"),
                          translate_parameters=body.get("translateParameters"), validations=_validations(body),
                          error_code=body.get("errorCode"))
        elif isinstance(body, str):
            kwargs["message"] = body
        if status == 401:
            kwargs["hint"] = ("Check the user name and the API key (options username and api_key, or CLOUDBROKER_USERNAME "
                              "and CLOUDBROKER_API_KEY)")
        elif status == 403:
            kwargs["hint"] = ("Check the permissions of user %r in the broker: only an admin or the account's creator may "
                              "change an account and its credentials, and a user may only name his own teams and "
                              "organizations" % username if username else "Check the user's permissions in the broker")
        elif status == 404 and url:
            kwargs["hint"] = ("The URL was %s; if the object should exist, check the options url and %s (a gateway "
                              "answers 404 for a wrong path as well)" % (url, prefix_option or "service_prefix"))
        return cls(method, path, **kwargs)


# --------------------------------------------------------------------------------------------
# Retries
# --------------------------------------------------------------------------------------------

def _retry_supports(name):
    try:
        return name in inspect.signature(Retry.__init__).parameters
    except (TypeError, ValueError):
        return False


class RetryDeadline:
    """The time budget of one client (one task): no retry starts ``timeout`` seconds after its first request."""

    def __init__(self, timeout=None, clock=time.monotonic, sleep=None):
        self.timeout = timeout
        self._clock = clock
        self._sleep = sleep
        self._started = None

    def start(self):
        if self._started is None:
            self._started = self._clock()

    def elapsed(self):
        return 0.0 if self._started is None else self._clock() - self._started

    def remaining(self):
        return None if self.timeout is None else max(0.0, self.timeout - self.elapsed())

    @property
    def expired(self):
        return self.timeout is not None and self._started is not None and self.remaining() <= 0

    def sleep(self, seconds):
        """Sleep ``seconds``, but not past the deadline (the attempt after it is the last)."""
        remaining = self.remaining()
        (self._sleep or time.sleep)(max(0.0, seconds if remaining is None else min(seconds, remaining)))


class MarketplaceRetry(Retry):
    """urllib3 ``Retry`` that also honours ``Retry-After`` on 502/504 (bounded), and a ``RetryDeadline``."""

    RETRY_AFTER_STATUS_CODES = frozenset([413]) | RETRY_STATUSES

    def __init__(self, *args, **kwargs):
        self.deadline = kwargs.pop("deadline", None)
        super(MarketplaceRetry, self).__init__(*args, **kwargs)

    def new(self, **kw):
        kw.setdefault("deadline", self.deadline)
        return super(MarketplaceRetry, self).new(**kw)

    def get_retry_after(self, response):
        value = super(MarketplaceRetry, self).get_retry_after(response)
        return None if value is None else min(value, RETRY_AFTER_MAX)

    def is_exhausted(self):
        return super(MarketplaceRetry, self).is_exhausted() or bool(self.deadline and self.deadline.expired)

    def sleep(self, response=None):
        if self.deadline is None:
            return super(MarketplaceRetry, self).sleep(response)
        wait = self.get_retry_after(response) if (response is not None and self.respect_retry_after_header) else None
        self.deadline.sleep(self.get_backoff_time() if wait is None else wait)
        return None


def build_retry(max_retries, deadline=None):
    """The retry policy: which statuses and methods, how often, how long (see the fragment's ``max_retries``
    and ``retry_timeout``)."""
    kwargs = dict(total=max_retries, connect=max_retries, read=max_retries, status=max_retries, other=0,
                  redirect=0, status_forcelist=RETRY_STATUSES, allowed_methods=RETRY_METHODS,
                  backoff_factor=BACKOFF_FACTOR, respect_retry_after_header=True, raise_on_status=False,
                  raise_on_redirect=False, deadline=deadline)
    if _retry_supports("backoff_max"):
        kwargs["backoff_max"] = BACKOFF_MAX
    if _retry_supports("backoff_jitter"):  # urllib3 >= 2.0
        kwargs["backoff_jitter"] = BACKOFF_JITTER
    retry = MarketplaceRetry(**kwargs)
    if not _retry_supports("backoff_max"):  # urllib3 1.x
        retry.BACKOFF_MAX = BACKOFF_MAX
    return retry


def is_loopback(host):
    host = (host or "").strip("[]").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def retries_of(response):
    """How many retries urllib3 made before this response (0 if unknown)."""
    retry = getattr(getattr(response, "raw", None), "retries", None)
    return len(getattr(retry, "history", None) or ())


def _reason(exc):
    """The innermost reason of a requests/urllib3 exception, without the retry boilerplate."""
    reason = exc
    for _depth in range(6):
        inner = getattr(reason, "reason", None)
        if inner is None and getattr(reason, "args", None) and isinstance(reason.args[0], BaseException):
            inner = reason.args[0]
        if inner is None or inner is reason or not isinstance(inner, BaseException):
            break
        reason = inner
    # urllib3: "HTTPConnection(host='h', port=1): Failed to ..." / "<...HTTPConnection object at 0x..>: Failed ..."
    return re.sub(r"^(?:<[^>]*>|\w+\([^)]*\)): ", "", str(reason))


def tls_problem(reason):
    """``certificate verify failed: unable to get local issuer certificate`` out of ``[SSL: ...] ... (_ssl.c:1006)``."""
    return re.sub(r"^\[SSL: [A-Z_]+\]\s*|\s*\(_ssl\.c:\d+\)$", "", reason.strip()) or reason


# --------------------------------------------------------------------------------------------
# The client
# --------------------------------------------------------------------------------------------

class MarketplaceClient:
    """The HTTP side: URL building, auth headers, retries, decoding, redaction and error mapping."""

    def __init__(self, url, username, api_key, service_prefix=DEFAULT_SERVICE_PREFIX, vault_prefix=None,
                 validate_certs=True, ca_path=None, timeout=30.0, max_retries=30, retry_timeout=120, session=None,
                 on_secret=None):
        self.url = url.rstrip("/")
        self.username = username
        self.service_prefix = (service_prefix or DEFAULT_SERVICE_PREFIX).strip("/")
        self.vault_prefix = (vault_prefix or derive_vault_prefix(self.service_prefix)).strip("/")
        self.timeout = timeout
        self.verify = (ca_path or True) if validate_certs else False
        self.redactor = Redactor(known=[api_key], on_secret=on_secret)
        self.retries = 0  # retries needed by this client's requests (observability)
        self.max_retries = max_retries
        self.deadline = RetryDeadline(retry_timeout)
        self.headers = {"username": username or "", "apikey": api_key or "", "Accept": "application/json",
                        "User-Agent": user_agent()}
        # Loopback traffic never goes through a proxy from the environment (HTTP_PROXY without NO_PROXY).
        self.proxies = {"http": None, "https": None, "all": None} if is_loopback(urlsplit(self.url).hostname) else None
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(max_retries=build_retry(max_retries, self.deadline))
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self.session = session

    def endpoint(self, path, api="service"):
        prefix = self.vault_prefix if api == "vault" else self.service_prefix
        return "%s/%s/%s" % (self.url, prefix, path.lstrip("/"))

    def request(self, method, path, body=None, params=None, api="service", ignore=()):
        """Send one request; returns the decoded, redacted body (``None`` when empty, or when the answer's
        HTTP status is one of ``ignore``). Raises ``MarketplaceError``."""
        label = path.split("?")[0]
        self.deadline.start()
        if body is not None:
            self.redactor.collect(body)  # what we send (an AccessKey secret) is scrubbed from every answer
        try:
            with self._unverified_quietly():
                response = self.session.request(method, self.endpoint(path, api), json=body, params=params,
                                                headers=self.headers, timeout=self.timeout, verify=self.verify,
                                                proxies=self.proxies, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            raise MarketplaceError(method, label, message="TLS verification of %s failed: %s (no request was sent)" % (
                self.url, self.redactor.scrub(tls_problem(_reason(exc)))),
                hint="Give the CA certificates that sign the gateway's certificate (a PEM bundle, such as a corporate "
                     "or TLS-inspecting proxy's CA) with ca_path or CLOUDBROKER_CA_BUNDLE, or validate_certs=false "
                     "for a test gateway") from None
        except requests.exceptions.RequestException as exc:
            raise MarketplaceError(method, label, message="could not reach %s: %s" % (
                self.url, self.redactor.scrub(_reason(exc))), gave_up=self.budget_spent(None)) from None
        retried = retries_of(response)
        self.retries += retried
        data = self.decode(response)
        if 200 <= response.status_code < 300:
            return data
        if response.status_code in ignore:
            return None
        spent = self.budget_spent(retried) if response.status_code in RETRY_STATUSES else None
        prefix_option = ("vault_prefix (CLOUDBROKER_VAULT_PREFIX)" if api == "vault"
                         else "service_prefix (CLOUDBROKER_SERVICE_PREFIX, default %s)" % DEFAULT_SERVICE_PREFIX)
        raise MarketplaceError.from_response(method, label, response.status_code, data, retries=retried,
                                             username=self.username, gave_up=spent, url=self.endpoint(label, api),
                                             prefix_option=prefix_option)

    def budget_spent(self, retries):
        """Which retry budget a request that still failed transiently had spent, worded for the error."""
        elapsed = self.deadline.elapsed()
        if self.deadline.expired:
            counted = "" if retries is None else "%d retries " % retries
            return "gave up after %sin %.0f s (retry_timeout %s s)" % (counted, elapsed, self.deadline.timeout)
        if retries is None or retries >= self.max_retries:
            return "gave up after %d retries in %.0f s (max_retries)" % (self.max_retries, elapsed)
        return None

    @contextlib.contextmanager
    def _unverified_quietly(self):
        """With validate_certs=false, urllib3 warns on stderr at every request; the task warns once instead."""
        with warnings.catch_warnings():
            if self.verify is False:
                warnings.simplefilter("ignore", InsecureRequestWarning)
            yield

    def decode(self, response):
        """JSON -> redacted Python data; an empty body -> None; anything else -> a redacted one-line summary."""
        content = response.content or b""
        if not content.strip():
            return None
        try:
            data = response.json()
        except ValueError:
            return self.redactor.scrub(summarize_text(response.text))
        return self.redactor.redact(data)

    def get(self, path, params=None, api="service"):
        """A GET that returns ``None`` on 404 (unknown or invisible, the same to this protocol)."""
        return self.request("GET", path, params=params, api=api, ignore=(404,))

    def paged(self, path, params=None, page_size=PAGE_SIZE):
        """All items of a paged list: ``[{"total_rows": N}, item, ...]`` per page (docs section 8)."""
        items = []
        page = 1
        while True:
            query = dict(params or {})
            query.update(limit=page_size, page=page)
            data = self.request("GET", path, params=query) or []
            if isinstance(data, dict):  # defensive: a tenant that wraps the list
                data = data.get("data") or data.get("items") or []
            total = None
            if data and isinstance(data[0], dict) and "total_rows" in data[0] and len(data[0]) <= 2:
                total = data[0].get("total_rows")
                data = data[1:]
            items.extend(data)
            if not data or len(data) < page_size or (total is not None and len(items) >= int(total)):
                return items
            page += 1
