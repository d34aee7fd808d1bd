# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place secrets are taken out of what the marketplace says: ``Redactor.redact``.

The broker returns credentials' ``passwordFields`` decrypted on every read (docs/marketplace-api.md
section 5.3). ``MarketplaceClient.request`` (transport.py) passes every decoded body, success or error,
through ``Redactor.redact`` before anything else sees it. The redactor keeps the access key *ID*
(``accessKey``) and replaces every other secret value with ``REDACTED``, scrubs every known secret (those
the task sent, the API key, those seen in earlier answers) out of any string, and hands each secret it
meets to ``on_secret`` (the task's ``add_secret``), so that both shells mask it like a ``no_log`` value.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

REDACTED = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"  # a whole value (what Ansible writes for no_log values)
MASK = "********"  # a secret inside a longer string (what Ansible writes there)
ACCESS_KEY_ID_KEYS = frozenset(["accesskey", "accesskeyid"])  # passwordFields keys that are IDs, not secrets
SECRET_CONTAINERS = frozenset(["passwordfields"])  # every value inside is secret, except the ID keys above
SECRET_KEYS = frozenset(["secretkey", "secret", "secretkeyid", "accesskeysecret", "password", "passwd", "apikey",
                         "securitytoken", "token", "accesstoken", "refreshtoken", "privatekey", "clientsecret",
                         "credentialvalue"])
MIN_SECRET_LENGTH = 6  # shorter strings are not scrubbed from text (they would mask ordinary words)


def normalize_key(key):
    """``Secret_Key`` / ``secretKey`` / ``secret-key`` -> ``secretkey``: how keys are compared here."""
    return re.sub(r"[^a-z0-9]", "", str(key).lower())


def _path_segments(prop):
    """``credentials[0].passwordFields.secretKey`` -> ``["credentials", "passwordfields", "secretkey"]``."""
    return [normalize_key(part) for part in re.split(r"[.\[\]]+", str(prop or "")) if part and not part.isdigit()]


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


def _holds_secret(data, key, nkey, parent):
    """Is ``data[key]`` a secret value as a whole (``nkey`` its normalized key, ``parent`` the enclosing key)?"""
    if nkey in SECRET_KEYS or (nkey == "value" and parent == "credential"):
        return True
    # a schema validation echoing the value of a property that names a secret
    return key == "value" and "property" in data and secret_path(data.get("property"))


class Redactor:
    """Removes secrets from decoded response bodies (see the file's docstring).

    ``known`` are secret strings scrubbed from any text; ``on_secret`` is called with each secret met.
    """

    def __init__(self, known=(), on_secret=None):
        self.known = set()
        self.on_secret = on_secret
        for value in known:
            self.add(value)

    def add(self, value):
        """Register a secret (a value the task sends, the API key, or one found in an answer)."""
        if isinstance(value, str) and value and value not in (REDACTED, MASK):
            if len(value) >= MIN_SECRET_LENGTH:
                self.known.add(value)
            if self.on_secret is not None:
                self.on_secret(value)

    # -- pass 1: collect every secret of the body, so that pass 2 scrubs echoes found anywhere ----------
    def _collect(self, data, parent=None):
        if isinstance(data, dict):
            for key, value in data.items():
                nkey = normalize_key(key)
                if nkey in SECRET_CONTAINERS:
                    self._collect_all(value, keep_ids=True)
                elif _holds_secret(data, key, nkey, parent):
                    self._collect_all(value)
                else:
                    self._collect(value, nkey)
        elif isinstance(data, list):
            for item in data:
                self._collect(item, parent)

    def _collect_all(self, data, keep_ids=False):
        if isinstance(data, dict):
            for key, value in data.items():
                if not (keep_ids and normalize_key(key) in ACCESS_KEY_ID_KEYS):
                    self._collect_all(value)
        elif isinstance(data, list):
            for item in data:
                self._collect_all(item)
        elif isinstance(data, str):
            self.add(data)

    # -- pass 2: rebuild the body without them -------------------------------------------------------------
    def _replace_all(self, data, keep_ids=False):
        if isinstance(data, dict):
            return dict((key, value if keep_ids and normalize_key(key) in ACCESS_KEY_ID_KEYS and isinstance(value, str)
                         else self._replace_all(value)) for key, value in data.items())
        if isinstance(data, list):
            return [self._replace_all(item) for item in data]
        if data is None or data == "":
            return data
        return REDACTED

    def _rebuild(self, data, parent=None):
        if isinstance(data, dict):
            result = {}
            for key, value in data.items():
                nkey = normalize_key(key)
                if nkey in SECRET_CONTAINERS:
                    result[key] = self._replace_all(value, keep_ids=True)
                elif _holds_secret(data, key, nkey, parent):
                    result[key] = self._replace_all(value)
                else:
                    result[key] = self._rebuild(value, nkey)
            return result
        if isinstance(data, list):
            return [self._rebuild(item, parent) for item in data]
        return self.scrub(data)

    def scrub(self, text):
        """Replace every known secret inside a string."""
        if not isinstance(text, str) or not self.known:
            return text
        for secret in sorted(self.known, key=len, reverse=True):
            if secret in text:
                text = REDACTED if text == secret else text.replace(secret, MASK)
        return text

    def collect(self, data):
        """Register every secret of a body without changing it (used on the bodies the client sends)."""
        self._collect(data)

    def redact(self, data):
        """A copy of a decoded JSON body (or a text) with no secret left in it; the input is not changed."""
        self._collect(data)
        return self._rebuild(data)
