"""Request authentication: ACS3-HMAC-SHA256 (the SDK default) and the legacy RPC v2 HMAC-SHA1 signer.

Faithful to what the official SDK computes (``alibabacloud_tea_openapi.utils``):

* ACS3: ``Authorization: ACS3-HMAC-SHA256 Credential=<AKID>,SignedHeaders=<h;..>,Signature=<hex>``.
  The canonical request is rebuilt from the decoded query (values re-quoted RFC 3986 style), the
  headers named in ``SignedHeaders`` (lower-case, trimmed, in that order) and the SHA-256 of the body
  actually received, so a wrong ``x-acs-content-sha256`` fails like any other tampering.
  ``host``, ``x-acs-date``, ``x-acs-signature-nonce``, ``x-acs-content-sha256`` and every other
  ``x-acs-*`` header sent must be signed.
* v2: ``Signature`` query parameter = base64(HMAC-SHA1(secret + "&", "POST&%2F&" + quoted canonical
  query)), over every query (and form body) parameter except ``Signature``.

Both check the timestamp (``x-acs-date`` / ``Timestamp``, at most 15 minutes off) and refuse a nonce
seen before within that window (per process: nonces are not persisted). Error codes are the
classic POP ones (``IncompleteSignature``, ``InvalidTimeStamp.*``, ``SignatureNonceUsed``); the
wrong-secret wording is the real one for each signer.
"""

import base64
import datetime
import hashlib
import hmac
import threading
import time
from urllib.parse import quote

from .errors import RamError, missing_parameter

ACS3 = "ACS3-HMAC-SHA256"
MAX_SKEW_SECONDS = 15 * 60
REQUIRED_SIGNED_HEADERS = ("host", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256")
V2_CONTROL = ("Signature",)


def rfc3986(value):
    return quote(value, safe="~", encoding="utf-8")


class NonceCache:
    """Nonces seen in the last ``MAX_SKEW_SECONDS`` (older ones would fail the timestamp check)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._seen = {}

    def check_and_add(self, access_key_id, nonce):
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > 10000:
                self._seen = {k: t for k, t in self._seen.items() if now - t < MAX_SKEW_SECONDS}
            key = (access_key_id, nonce)
            seen = self._seen.get(key)
            if seen is not None and now - seen < MAX_SKEW_SECONDS:
                raise RamError("SignatureNonceUsed")
            self._seen[key] = now


class SignedRequest:
    """What the verifier needs from an HTTP request (kept free of Flask for unit use)."""

    def __init__(self, method, path, query, form, headers, body):
        self.method = method.upper()
        self.path = path or "/"
        self.query = query          # decoded query parameters (dict)
        self.form = form            # decoded form-body parameters (dict), v2 only
        self.headers = headers      # case-insensitive mapping with getlist()
        self.body = body

    @property
    def signer(self):
        return "acs3" if self.headers.get("Authorization") else "v2"

    def access_key_id(self):
        """The AccessKey id the request claims, before any verification."""
        if self.signer == "acs3":
            return self._acs3_parts()["Credential"]
        if "Signature" not in self.query or "AccessKeyId" not in self.query:
            raise RamError("IncompleteSignature")
        return self.query["AccessKeyId"]

    def security_token(self):
        """The STS token sent with the request (ACS3: ``x-acs-security-token``, v2: ``SecurityToken``)."""
        if self.signer == "acs3":
            return self.headers.get("x-acs-security-token")
        return self.query.get("SecurityToken") or self.form.get("SecurityToken")

    def verify(self, secret, nonces):
        """Raise ``RamError`` unless the request is signed with ``secret``; then check time and nonce."""
        if self.signer == "acs3":
            timestamp, nonce = self._verify_acs3(secret)
        else:
            timestamp, nonce = self._verify_v2(secret)
        check_timestamp(timestamp)
        nonces.check_and_add(self.access_key_id(), nonce)

    # -- ACS3 ------------------------------------------------------------------------------------
    def _acs3_parts(self):
        header = self.headers.get("Authorization", "")
        algorithm, _sep, rest = header.partition(" ")
        if algorithm != ACS3:
            raise RamError("IncompleteSignature", "Unsupported signature algorithm %r." % algorithm)
        parts = {}
        for item in rest.split(","):
            key, sep, value = item.strip().partition("=")
            if sep:
                parts[key] = value
        if not all(parts.get(k) for k in ("Credential", "SignedHeaders", "Signature")):
            raise RamError("IncompleteSignature")
        return parts

    def _verify_acs3(self, secret):
        parts = self._acs3_parts()
        signed = parts["SignedHeaders"].split(";")
        sent_acs = {name.lower() for name in self.headers.keys() if name.lower().startswith("x-acs-")}
        unsigned = [h for h in REQUIRED_SIGNED_HEADERS if h not in signed] + sorted(sent_acs - set(signed))
        if unsigned:
            raise RamError("IncompleteSignature", "Header %s must be signed." % unsigned[0])
        string_to_sign = acs3_string_to_sign(self.method, self.path, self.query,
                                             [(h, self.headers.getlist(h)) for h in signed], self.body)
        expected = hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, parts["Signature"].lower()):
            raise RamError("SignatureDoesNotMatch",
                           "Specified signature does not match our calculation. server StringToSign is [%s]"
                           % string_to_sign)
        return self.headers.get("x-acs-date"), self.headers.get("x-acs-signature-nonce")

    # -- RPC v2 ----------------------------------------------------------------------------------
    def _verify_v2(self, secret):
        params = dict(self.form)
        params.update(self.query)
        if params.get("SignatureMethod", "HMAC-SHA1") != "HMAC-SHA1":
            raise RamError("IncompleteSignature", "Unsupported SignatureMethod.")
        for name in ("Timestamp", "SignatureNonce"):
            if not params.get(name):
                raise missing_parameter(name)
        string_to_sign = v2_string_to_sign(self.method, params)
        expected = v2_signature(secret, string_to_sign)
        if not hmac.compare_digest(expected, params["Signature"]):
            raise RamError("SignatureDoesNotMatch",
                           "Specified signature is not matched with our calculation. server string to sign is:%s"
                           % string_to_sign)
        return params["Timestamp"], params["SignatureNonce"]


def acs3_string_to_sign(method, path, query, signed_headers, body):
    """``signed_headers``: ``[(lower-case name, [values])]`` in the order of ``SignedHeaders``."""
    canonical_query = "&".join("%s=%s" % (key, rfc3986(query[key])) for key in sorted(query))
    canonical_headers = "".join("%s:%s\n" % (name, ",".join(sorted(v.strip() for v in values)))
                                for name, values in signed_headers)
    canonical_request = "\n".join([method, path, canonical_query, canonical_headers,
                                   ";".join(name for name, _values in signed_headers),
                                   hashlib.sha256(body).hexdigest()])
    return "%s\n%s" % (ACS3, hashlib.sha256(canonical_request.encode("utf-8")).hexdigest())


def v2_string_to_sign(method, params):
    canonical = "&".join("%s=%s" % (rfc3986(k), rfc3986(params[k])) for k in sorted(params) if k not in V2_CONTROL)
    return "%s&%s&%s" % (method, rfc3986("/"), rfc3986(canonical))


def v2_signature(secret, string_to_sign):
    digest = hmac.new((secret + "&").encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def check_timestamp(value):
    if not value:
        raise RamError("InvalidTimeStamp.Format")
    try:
        stamp = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise RamError("InvalidTimeStamp.Format") from None
    if abs(time.time() - stamp.timestamp()) > MAX_SKEW_SECONDS:
        raise RamError("InvalidTimeStamp.Expired")
