# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The marketplace room: every call to the broker's ``cb-credential-service`` goes through this file.

``MarketplaceModule`` merges the connection options into a module's argument spec and builds, on first
use, a ``MarketplaceClient``: a ``requests`` session whose urllib3 ``Retry`` retries throttling (429),
gateway errors (502/503/504) and connection failures with bounded, jittered exponential backoff,
honouring ``Retry-After``. Errors become ``MarketplaceError`` and reach the user through
``MarketplaceModule.run`` as one clean ``fail_json``: HTTP status, ``translateCode``, message and every
schema validation; never a traceback, never a secret.

Redaction happens in exactly one place, ``Redactor.redact``: every response body (success or error) is
passed through it inside ``MarketplaceClient.request`` before anything else sees it. The service returns
credentials' ``passwordFields`` decrypted on every read (docs/marketplace-api.md section 5.3); the
redactor keeps the access key *ID* (``accessKey``) and replaces every other value, scrubs every known
secret (those the module sent, the API key, those seen in earlier answers) out of any string, and hands
each secret it meets to ``AnsibleModule.no_log_values`` so that Ansible masks it too.

docs/marketplace-api.md is the protocol this file speaks.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import inspect
import re
import traceback
import unicodedata
from urllib.parse import quote, urlsplit

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import CloudError

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    Retry = object  # so that the subclass below can be defined; never instantiated without requests
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

COLLECTION_VERSION = "1.0.0"
DEFAULT_SERVICE_PREFIX = "cb-credential-service/api/v2.0"
DEFAULT_PROVIDER_CODE = "alibaba"
PAGE_SIZE = 100
USER_TYPES = ("asset", "billing", "system")

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

# Redaction.
REDACTED = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"  # a whole value (what Ansible writes for no_log values)
MASK = "********"  # a secret inside a longer string (what Ansible writes there)
ACCESS_KEY_ID_KEYS = frozenset(["accesskey", "accesskeyid"])  # passwordFields keys that are IDs, not secrets
SECRET_CONTAINERS = frozenset(["passwordfields"])  # every value inside is secret, except the ID keys above
SECRET_KEYS = frozenset(["secretkey", "secret", "secretkeyid", "accesskeysecret", "password", "passwd", "apikey",
                         "securitytoken", "token", "accesstoken", "refreshtoken", "privatekey", "clientsecret",
                         "credentialvalue"])
MIN_SECRET_LENGTH = 6  # shorter strings are not scrubbed from text (they would mask ordinary words)

ACCOUNT_ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
PURPOSES = (("provisioning", "Provisioning"), ("assetIngestion", "Asset Ingestion"),
            ("assetDiscovery", "Asset Discovery"))
ENTITY_KINDS = (
    # option key, businessEntities key, credential context key
    ("organizations", "organizations", "org"),
    ("teams", "teams", "team"),
    ("custom_contexts", "customContexts", "customContext"),
)


# --------------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------------

def marketplace_argument_spec():
    """Options shared by every marketplace module (documented in the ``cloudbroker.alibaba.marketplace`` fragment)."""
    return dict(
        url=dict(type="str", aliases=["gateway_url"], fallback=(env_fallback, ["CLOUDBROKER_URL"])),
        service_prefix=dict(type="str", default=DEFAULT_SERVICE_PREFIX,
                            fallback=(env_fallback, ["CLOUDBROKER_SERVICE_PREFIX"])),
        vault_prefix=dict(type="str", fallback=(env_fallback, ["CLOUDBROKER_VAULT_PREFIX"])),
        provider_code=dict(type="str", default=DEFAULT_PROVIDER_CODE, aliases=["provider"],
                           fallback=(env_fallback, ["CLOUDBROKER_PROVIDER_CODE"])),
        username=dict(type="str", aliases=["user"], fallback=(env_fallback, ["CLOUDBROKER_USERNAME"])),
        api_key=dict(type="str", aliases=["apikey"], no_log=True, fallback=(env_fallback, ["CLOUDBROKER_API_KEY"])),
        validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["CLOUDBROKER_VALIDATE_CERTS"])),
        ca_path=dict(type="path", aliases=["ca_bundle"], fallback=(env_fallback, ["CLOUDBROKER_CA_BUNDLE"])),
        timeout=dict(type="float", default=30.0),
        max_retries=dict(type="int", default=10),
    )


def derive_vault_prefix(service_prefix):
    """The v1.0 ``credentialrefs`` prefix next to a v2.0 service prefix (``.../api/v2.0`` -> ``.../api/v1.0``)."""
    prefix = (service_prefix or DEFAULT_SERVICE_PREFIX).strip("/")
    derived, count = re.subn(r"(^|/)v\d+(?:\.\d+)*$", r"\1v1.0", prefix)
    return derived if count else "%s/api/v1.0" % prefix.split("/")[0]


# --------------------------------------------------------------------------------------------
# Redaction: the one place secrets are taken out of what the service says
# --------------------------------------------------------------------------------------------

def _norm(key):
    return re.sub(r"[^a-z0-9]", "", str(key).lower())


def _path_segments(prop):
    """``credentials[0].passwordFields.secretKey`` -> ``["credentials", "passwordfields", "secretkey"]``."""
    return [_norm(part) for part in re.split(r"[.\[\]]+", str(prop or "")) if part and not part.isdigit()]


def secret_path(prop):
    """Does a validation ``property`` name a secret (so its echoed ``value`` must not be shown)?"""
    segments = _path_segments(prop)
    for index, segment in enumerate(segments):
        if segment in SECRET_KEYS:
            return True
        if segment in SECRET_CONTAINERS:
            rest = segments[index + 1:]
            return not (len(rest) == 1 and rest[0] in ACCESS_KEY_ID_KEYS)
        if segment == "value" and index > 0 and segments[index - 1] == "credential":
            return True  # credentialrefs: credential.value holds the vaulted secret
    return False


class Redactor:
    """Removes secrets from decoded response bodies (see the module docstring).

    ``known`` are secret strings scrubbed from any text; ``on_secret`` is called with each secret met
    (``MarketplaceModule`` passes ``no_log_values.add``).
    """

    def __init__(self, known=(), on_secret=None):
        self.known = set()
        self.on_secret = on_secret
        for value in known:
            self.add(value)

    def add(self, value):
        """Register a secret (a value the module sends, the API key, or one found in an answer)."""
        if isinstance(value, str) and value and value not in (REDACTED, MASK):
            if len(value) >= MIN_SECRET_LENGTH:
                self.known.add(value)
            if self.on_secret is not None:
                self.on_secret(value)

    # -- pass 1: collect every secret of the body, so that pass 2 scrubs echoes found anywhere ----------
    def _collect(self, data, parent=None):
        if isinstance(data, dict):
            validation = "property" in data and "value" in data
            for key, value in data.items():
                nkey = _norm(key)
                if nkey in SECRET_CONTAINERS:
                    self._collect_all(value, keep_ids=True)
                elif nkey in SECRET_KEYS or (nkey == "value" and parent == "credential") or (
                        validation and key == "value" and secret_path(data.get("property"))):
                    self._collect_all(value)
                else:
                    self._collect(value, nkey)
        elif isinstance(data, list):
            for item in data:
                self._collect(item, parent)

    def _collect_all(self, data, keep_ids=False):
        if isinstance(data, dict):
            for key, value in data.items():
                if not (keep_ids and _norm(key) in ACCESS_KEY_ID_KEYS):
                    self._collect_all(value)
        elif isinstance(data, list):
            for item in data:
                self._collect_all(item)
        elif isinstance(data, str):
            self.add(data)

    # -- pass 2: rebuild the body without them -------------------------------------------------------------
    def _replace_all(self, data, keep_ids=False):
        if isinstance(data, dict):
            return dict((key, value if keep_ids and _norm(key) in ACCESS_KEY_ID_KEYS and isinstance(value, str)
                         else self._replace_all(value)) for key, value in data.items())
        if isinstance(data, list):
            return [self._replace_all(item) for item in data]
        if data is None or data == "":
            return data
        return REDACTED

    def scrub(self, text):
        """Replace every known secret inside a string."""
        if not isinstance(text, str) or not self.known:
            return text
        for secret in sorted(self.known, key=len, reverse=True):
            if secret in text:
                text = REDACTED if text == secret else text.replace(secret, MASK)
        return text

    def _rebuild(self, data, parent=None):
        if isinstance(data, dict):
            validation = "property" in data and "value" in data
            result = {}
            for key, value in data.items():
                nkey = _norm(key)
                if nkey in SECRET_CONTAINERS:
                    result[key] = self._replace_all(value, keep_ids=True)
                elif nkey in SECRET_KEYS or (nkey == "value" and parent == "credential") or (
                        validation and key == "value" and secret_path(data.get("property"))):
                    result[key] = self._replace_all(value)
                else:
                    result[key] = self._rebuild(value, nkey)
            return result
        if isinstance(data, list):
            return [self._rebuild(item, parent) for item in data]
        return self.scrub(data)

    def collect(self, data):
        """Register every secret of a body without changing it (used on the bodies the client sends)."""
        self._collect(data)

    def redact(self, data):
        """A copy of a decoded JSON body (or a text) with no secret left in it; the input is not changed."""
        self._collect(data)
        return self._rebuild(data)


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


class MarketplaceError(CloudError):
    """A failed marketplace call, reduced to what a user needs (and nothing secret)."""

    def __init__(self, method, path, status=None, message=None, translate_code=None, translate_parameters=None,
                 validations=None, error_code=None, retries=0, hint=None, body=None):
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
        if self.retries and self.status in RETRY_STATUSES:
            text += " (gave up after %d retries)" % self.retries
        if self.hint:
            text += ". " + self.hint
        return text

    def as_dict(self):
        return dict(method=self.method, path=self.path, http_status=self.status, translate_code=self.translate_code,
                    translate_parameters=self.translate_parameters, message=self.message,
                    validations=self.validations, error_code=self.error_code, retries=self.retries)

    @classmethod
    def from_response(cls, method, path, status, body, retries=0, username=None):
        """Build from a decoded, redacted error body (a dict, a list or a text summary)."""
        kwargs = dict(status=status, retries=retries, body=body)
        if isinstance(body, dict):
            validations = []
            for location, items in sorted((body.get("validations") or {}).items()):
                for item in items or []:
                    if isinstance(item, dict):
                        messages = item.get("messages")
                        if isinstance(messages, str):
                            messages = [messages]
                        entry = dict(property=item.get("property"), messages=[str(m) for m in messages or []])
                        if location not in ("body",):
                            entry["location"] = location
                        if "value" in item:
                            entry["value"] = item["value"]  # already redacted when the property names a secret
                        validations.append(entry)
            message = body.get("message") or body.get("statusText") or body.get("error")
            if body.get("jsonSchemaValidation") and message == "Bad Request":
                message = "Bad Request (schema validation)"
            kwargs.update(message=message, translate_code=body.get("translateCode"),
                          translate_parameters=body.get("translateParameters"), validations=validations,
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
        return cls(method, path, **kwargs)


# --------------------------------------------------------------------------------------------
# Transport
# --------------------------------------------------------------------------------------------

def _retry_supports(name):
    try:
        return name in inspect.signature(Retry.__init__).parameters
    except (TypeError, ValueError):
        return False


class MarketplaceRetry(Retry):
    """urllib3 ``Retry`` that also honours ``Retry-After`` on 502/504, with an upper bound on the wait."""

    RETRY_AFTER_STATUS_CODES = frozenset([413]) | RETRY_STATUSES

    def get_retry_after(self, response):
        value = super(MarketplaceRetry, self).get_retry_after(response)
        return None if value is None else min(value, RETRY_AFTER_MAX)


def build_retry(max_retries):
    """The retry policy: which statuses and methods, how often, how long (see the fragment's ``max_retries``)."""
    kwargs = dict(total=max_retries, connect=max_retries, read=max_retries, status=max_retries, other=0,
                  redirect=0, status_forcelist=RETRY_STATUSES, allowed_methods=RETRY_METHODS,
                  backoff_factor=BACKOFF_FACTOR, respect_retry_after_header=True, raise_on_status=False,
                  raise_on_redirect=False)
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


class MarketplaceClient:
    """The HTTP side: URL building, auth headers, retries, decoding, redaction and error mapping."""

    def __init__(self, url, username, api_key, service_prefix=DEFAULT_SERVICE_PREFIX, vault_prefix=None,
                 validate_certs=True, ca_path=None, timeout=30.0, max_retries=10, session=None, on_secret=None):
        self.url = url.rstrip("/")
        self.username = username
        self.service_prefix = (service_prefix or DEFAULT_SERVICE_PREFIX).strip("/")
        self.vault_prefix = (vault_prefix or derive_vault_prefix(self.service_prefix)).strip("/")
        self.timeout = timeout
        self.verify = (ca_path or True) if validate_certs else False
        self.redactor = Redactor(known=[api_key], on_secret=on_secret)
        self.retries = 0  # retries needed by this client's requests (observability)
        self.headers = {"username": username or "", "apikey": api_key or "", "Accept": "application/json",
                        "User-Agent": "cloudbroker.alibaba/%s" % COLLECTION_VERSION}
        # Loopback traffic never goes through a proxy from the environment (HTTP_PROXY without NO_PROXY).
        self.proxies = {"http": None, "https": None, "all": None} if is_loopback(urlsplit(self.url).hostname) else None
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(max_retries=build_retry(max_retries))
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self.session = session

    # -- the one request path -------------------------------------------------------------------------------
    def register_secret(self, value):
        """A secret this run sends (for example an AccessKey secret): scrubbed from every later answer."""
        self.redactor.add(value)

    def endpoint(self, path, api="service"):
        prefix = self.vault_prefix if api == "vault" else self.service_prefix
        return "%s/%s/%s" % (self.url, prefix, path.lstrip("/"))

    def request(self, method, path, body=None, params=None, api="service"):
        """Send one request; returns the decoded, redacted body (``None`` when empty). Raises ``MarketplaceError``."""
        label = path.split("?")[0]
        if body is not None:
            self.redactor.collect(body)  # what we send (an AccessKey secret) is scrubbed from every answer
        try:
            response = self.session.request(method, self.endpoint(path, api), json=body, params=params,
                                            headers=self.headers, timeout=self.timeout, verify=self.verify,
                                            proxies=self.proxies, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            raise MarketplaceError(method, label, message="TLS verification of %s failed: %s" % (
                self.url, self.redactor.scrub(self._reason(exc))),
                hint="Give the broker's CA bundle with ca_path (CLOUDBROKER_CA_BUNDLE), or validate_certs=false "
                     "for a test gateway")
        except requests.exceptions.RequestException as exc:
            raise MarketplaceError(method, label, message="could not reach %s: %s" % (
                self.url, self.redactor.scrub(self._reason(exc))))
        retried = retries_of(response)
        self.retries += retried
        data = self.decode(response)
        if 200 <= response.status_code < 300:
            return data
        raise MarketplaceError.from_response(method, label, response.status_code, data, retries=retried,
                                             username=self.username)

    @staticmethod
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
        text = str(reason)
        # urllib3: "HTTPConnection(host='h', port=1): Failed to ..." / "<...HTTPConnection object at 0x..>: Failed ..."
        return re.sub(r"^(?:<[^>]*>|\w+\([^)]*\)): ", "", text)

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
        try:
            return self.request("GET", path, params=params, api=api)
        except MarketplaceError as error:
            if error.status == 404:
                return None
            raise

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

    # -- accounts -------------------------------------------------------------------------------------------
    def get_account(self, account_id):
        if not ACCOUNT_ID_RE.match(account_id or ""):
            return None  # cannot exist: the service only accepts these characters
        return self.get("accounts/%s" % quote(account_id, safe=""))

    def list_accounts(self, user_type="asset", provider_code=None):
        params = {"serviceProviderCode": provider_code} if provider_code else {}
        return self.paged("accounts/type/%s" % quote(user_type, safe=""), params)

    def find_accounts_by_name(self, name, provider_code=None, user_types=("asset",)):
        found = []
        for user_type in user_types:
            found.extend(a for a in self.list_accounts(user_type, provider_code)
                         if (a.get("basicInfo") or {}).get("accountName") == name)
        return found

    def create_account(self, account):
        """POST accounts; returns ``(account, created)``. An existing id (409) is read back instead.

        ``created`` is True when this request created the account - also when the create was applied before
        a transient error and the retry answered 409 (urllib3 retried it: ``retries > 0``).
        """
        account_id = account["accountId"]
        try:
            answer = self.request("POST", "accounts", body={"account": account})
        except MarketplaceError as error:
            if error.status != 409:
                raise
            existing = self.get_account(account_id)
            if existing is None:
                raise MarketplaceError("POST", "accounts", status=409, translate_code=error.translate_code,
                                       message="account id %r is already taken by an account you cannot see" % account_id,
                                       hint="Choose another account_id")
            return existing, error.retries > 0
        echoed = (answer or {}).get("account") if isinstance(answer, dict) else None
        if not isinstance(echoed, dict) or echoed.get("accountId") != account_id:
            echoed = self.get_account(account_id)
        return echoed, True

    def update_account(self, account_id, account):
        answer = self.request("PUT", "accounts/%s" % quote(account_id, safe=""), body={"account": account})
        echoed = (answer or {}).get("account") if isinstance(answer, dict) else None
        return echoed if isinstance(echoed, dict) and echoed.get("basicInfo") else self.get_account(account_id)

    def delete_account(self, account_id):
        try:
            self.request("DELETE", "accounts/%s" % quote(account_id, safe=""))
        except MarketplaceError as error:
            if error.status != 404:  # gone meanwhile (or by a retried request)
                raise
            return False
        return True

    # -- credentials ----------------------------------------------------------------------------------------
    def _credentials_path(self, account_id, cred_id=None):
        path = "accounts/%s/credentials" % quote(account_id, safe="")
        return path + ("/%s" % quote(cred_id, safe="") if cred_id else "")

    def list_credentials(self, account_id, **filters):
        """Credentials of an account, server-side filters (credentialName, credentialId, purpose, team, organization)."""
        params = dict((k, v) for k, v in filters.items() if v)
        return self.paged(self._credentials_path(account_id), params)

    def find_credential(self, account_id, name):
        matches = [c for c in self.list_credentials(account_id, credentialName=name) if c.get("credentialName") == name]
        return matches[0] if matches else None

    def get_credential(self, account_id, cred_id):
        return self.get(self._credentials_path(account_id, cred_id))

    def create_credential(self, account_id, credential):
        """POST a credential; returns ``(credential, created)``; an existing name (409) is read back instead."""
        try:
            answer = self.request("POST", self._credentials_path(account_id), body=credential)
        except MarketplaceError as error:
            if error.status != 409:
                raise
            existing = self.find_credential(account_id, credential["credentialName"])
            if existing is None:
                raise
            return existing, error.retries > 0
        echoed = (answer or {}).get("credential") if isinstance(answer, dict) else None
        if not isinstance(echoed, dict) or not echoed.get("id"):
            echoed = self.find_credential(account_id, credential["credentialName"])
        return echoed, True

    def patch_credential(self, account_id, cred_id, changes):
        answer = self.request("PATCH", self._credentials_path(account_id, cred_id), body=changes)
        echoed = (answer or {}).get("credential") if isinstance(answer, dict) else None
        return echoed if isinstance(echoed, dict) and echoed.get("id") else self.get_credential(account_id, cred_id)

    def delete_credential(self, account_id, cred_id):
        try:
            self.request("DELETE", self._credentials_path(account_id, cred_id))
        except MarketplaceError as error:
            if error.status != 404:
                raise
            return False
        return True

    def business_entities(self):
        return self.request("GET", "businessEntities") or {}

    def test_connection(self, account_id, cred_id):
        """POST credentialsValidator for a stored credential; returns the (redacted) answer or raises."""
        return self.request("POST", "credentialsValidator", body={"accountId": account_id, "credentialId": cred_id})

    # -- vault references (v1.0) ----------------------------------------------------------------------------
    def get_credentialref(self, cref_id):
        if not ACCOUNT_ID_RE.match(cref_id or ""):
            return None
        return self.get("credentialrefs/%s" % quote(cref_id, safe=""), api="vault")


# --------------------------------------------------------------------------------------------
# The module base class
# --------------------------------------------------------------------------------------------

class MarketplaceModule(AnsibleModule):
    """AnsibleModule with the marketplace options, a lazily built client and one error exit."""

    def __init__(self, argument_spec=None, **kwargs):
        spec = marketplace_argument_spec()
        spec.update(argument_spec or {})
        super(MarketplaceModule, self).__init__(argument_spec=spec, **kwargs)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self._validate_connection()
        self._client = None

    def _validate_connection(self):
        params = self.params
        if not params.get("url"):
            self.fail_json(msg="The marketplace URL is not set: give the url option or set CLOUDBROKER_URL "
                               "(the broker's gateway base URL, for example https://broker.example.com).")
        parts = urlsplit(params["url"])
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.fail_json(msg="url must be an http:// or https:// URL of the broker's gateway, got %r." % params["url"])
        if parts.username or parts.password:
            self.fail_json(msg="url must not carry credentials; use the username and api_key options.")
        auth = (("username", "CLOUDBROKER_USERNAME"), ("api_key", "CLOUDBROKER_API_KEY"))
        missing = ["%s (or %s)" % (name, env) for name, env in auth if not params.get(name)]
        if missing:
            self.fail_json(msg="Marketplace authentication is incomplete: set %s." % " and ".join(missing))
        if params["timeout"] <= 0:
            self.fail_json(msg="timeout must be a positive number of seconds.")
        if params["max_retries"] < 0:
            self.fail_json(msg="max_retries must not be negative.")
        if not re.match(r"^[a-z0-9-]+$", params["provider_code"] or ""):
            self.fail_json(msg="provider_code must match ^[a-z0-9-]+$, got %r." % params["provider_code"])

    @property
    def client(self):
        """The marketplace client (built on first use, so validation failures never reach the network)."""
        if self._client is None:
            params = self.params
            self._client = MarketplaceClient(
                params["url"], params["username"], params["api_key"], service_prefix=params["service_prefix"],
                vault_prefix=params["vault_prefix"], validate_certs=params["validate_certs"],
                ca_path=params["ca_path"], timeout=params["timeout"], max_retries=params["max_retries"],
                on_secret=self._no_log_value)
        return self._client

    def _no_log_value(self, value):
        if len(value) >= MIN_SECRET_LENGTH:
            self.no_log_values.add(value)

    def run(self, function):
        """Call ``function(self)`` and exit with its result dict; any marketplace error becomes one clean failure."""
        try:
            result = function(self)
        except MarketplaceError as error:
            self.fail_json(msg=error.describe(), error=error.as_dict())
        self.exit_json(**result)


# --------------------------------------------------------------------------------------------
# Shared readers and result shaping (no remote side unless a client is passed)
# --------------------------------------------------------------------------------------------

def derive_account_id(provider_code, name):
    """The default ``accountId`` of an account: ``<provider>-<slug of the name>``, deterministic.

    The slug is the name folded to ASCII, lower case, every run of other characters turned into ``-``. A name
    with no ASCII letter or digit uses the first 12 hex digits of its SHA-256 instead; an id longer than 128
    characters is cut and ends in that hash, so that different long names still give different ids.
    """
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or digest
    account_id = "%s-%s" % (provider_code, slug)
    if len(account_id) > 128:
        account_id = "%s-%s" % (account_id[:115].rstrip("-"), digest)
    return account_id


def status_to_wire(status):
    return None if status is None else ("Active" if status.lower() == "active" else "InActive")


def status_from_wire(value):
    if value is None:
        return None
    return "Active" if str(value).lower() == "active" else "Inactive"


def purpose_to_wire(value):
    """``Provisioning`` / ``Asset Ingestion`` / ``asset_discovery`` / ``assetDiscovery`` -> the wire value."""
    key = _norm(value)
    for wire, label in PURPOSES:
        if key in (_norm(wire), _norm(label)):
            return wire
    return None


def purpose_label(wire):
    return dict(PURPOSES).get(wire, wire)


def context_entities(context):
    """A credential's ``context`` list -> ``{"organizations": [...], "teams": [...], "custom_contexts": [...]}``."""
    result = dict((option, []) for option, _api, _ctx in ENTITY_KINDS)
    for entry in context or []:
        if not isinstance(entry, dict):
            continue
        for option, _api, ctx_key in ENTITY_KINDS:
            for ident in entry.get(ctx_key) or []:
                if ident not in result[option]:
                    result[option].append(ident)
    return result


def entities_to_context(entities):
    """``{"teams": [...], ...}`` -> ``[{"team": [...]}, {"org": [...]}, ...]`` (empty kinds left out)."""
    context = []
    for option, _api, ctx_key in ENTITY_KINDS:
        if entities.get(option):
            context.append({ctx_key: list(entities[option])})
    return context


def credential_view(credential, account=None):
    """A (redacted) credential object -> the collection's snake_case shape. Never holds a secret."""
    password_fields = credential.get("passwordFields")
    access_key_id = None
    if isinstance(password_fields, dict):
        for key, value in password_fields.items():
            if _norm(key) in ACCESS_KEY_ID_KEYS and value != REDACTED:
                access_key_id = value
    view = dict(
        id=credential.get("id"),
        name=credential.get("credentialName"),
        purpose=[purpose_label(p) for p in credential.get("purpose") or []],
        status=status_from_wire(credential.get("status")),
        access_key_id=access_key_id,
        secret_stored=bool(password_fields) or bool(credential.get("crefId")),
        credential_ref_id=credential.get("crefId"),
        business_entities=context_entities(credential.get("context")),
        created_by=credential.get("createdBy"),
        updated_time=credential.get("updatedTime"),
    )
    if account is not None:
        view["account_id"] = account.get("accountId")
        view["account_name"] = (account.get("basicInfo") or {}).get("accountName")
    return view


def account_view(account, include_credentials=True):
    """A (redacted) account object -> the collection's snake_case shape."""
    basic = account.get("basicInfo") or {}
    advanced = dict(account.get("advancedInfo") or {})
    view = dict(
        account_id=account.get("accountId"),
        name=basic.get("accountName"),
        description=basic.get("description"),
        provider_code=basic.get("serviceProviderCode"),
        provider_type=basic.get("serviceProviderType"),
        account_type=basic.get("accountType"),
        user_type=basic.get("userType"),
        status=status_from_wire(basic.get("isActive")),
        master_account_id=basic.get("parentAccountId"),
        account_number=advanced.pop("accountNumber", None),
        advanced_info=advanced,
        model_version=account.get("modelVersion"),
        created_by=account.get("createdBy"),
        created_time=account.get("createdTime"),
        updated_time=account.get("updatedTime"),
    )
    if include_credentials:
        view["credentials"] = [credential_view(c) for c in account.get("credentials") or []]
    return view


def resolve_account(client, reference, provider_code, user_types=("asset",)):
    """An account by id, by the id derived from a name, or by name (paged scan). ``None`` if not found.

    Fails (``MarketplaceError``) when a name matches several accounts.
    """
    account = client.get_account(reference)
    if account is not None:
        return account
    derived = derive_account_id(provider_code, reference)
    if derived != reference:
        account = client.get_account(derived)
        if account is not None and (account.get("basicInfo") or {}).get("accountName") == reference:
            return account
    matches = client.find_accounts_by_name(reference, provider_code, user_types)
    if len(matches) > 1:
        raise MarketplaceError("GET", "accounts/type/%s" % "|".join(user_types),
                               message="%d accounts of provider %s are named %r (ids %s); give the account id instead"
                                       % (len(matches), provider_code, reference,
                                          ", ".join(sorted(m.get("accountId") or "?" for m in matches))))
    return matches[0] if matches else None
