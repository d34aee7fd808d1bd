"""Policy documents: grammar check on write, Allow/Deny evaluation on every RAM-user request.

Grammar (RAM "policy structure and syntax"), checked by ``parse_policy`` / ``parse_trust_policy``:
``{"Version": "1", "Statement": [{"Effect": "Allow"|"Deny", "Action"|"NotAction": str|[str],
"Resource"|"NotResource": str|[str], "Condition": {op: {key: value}}}]}``. Actions are ``*`` or
``<service>:<name>`` with ``*``/``?`` wildcards; a document is at most 6144 characters. Violations
are ``MalformedPolicyDocument`` (400) with a message saying what is wrong, too long is
``InvalidParameter.PolicyDocument.Length``. Trust policies (roles) take ``Principal`` instead of
``Resource``.

Evaluation (``evaluate``) is faithful for what tests need: explicit Deny beats Allow, default deny,
``Action``/``NotAction`` and ``Resource``/``NotResource`` with wildcards (actions case-insensitive,
resources case-sensitive). Simplified: ``Condition`` blocks are validated for shape but treated as
satisfied.
"""

import json
import re
from functools import lru_cache

from .errors import RamError, invalid_parameter

MAX_DOCUMENT_LENGTH = 6144
EFFECTS = ("Allow", "Deny")
ACTION_RE = re.compile(r"^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$")
POLICY_KEYS = {"Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
TRUST_KEYS = {"Effect", "Action", "Principal", "Condition"}
PRINCIPAL_KINDS = {"RAM", "Service", "Federated"}


def malformed(message):
    return RamError("MalformedPolicyDocument", "The policy document is malformed: %s" % message)


def _load(text, param):
    if text is None or not 1 <= len(text) <= MAX_DOCUMENT_LENGTH:
        raise invalid_parameter(param, "Length")
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise malformed("not valid JSON (%s)." % exc) from None
    if not isinstance(document, dict):
        raise malformed("the document must be a JSON object.")
    unknown = set(document) - {"Version", "Statement"}
    if unknown:
        raise malformed("unknown element %s." % sorted(unknown)[0])
    if document.get("Version") != "1":
        raise malformed('Version must be "1".')
    statements = document.get("Statement")
    if not isinstance(statements, list) or not statements:
        raise malformed("Statement must be a non-empty list.")
    for index, statement in enumerate(statements):
        if not isinstance(statement, dict):
            raise malformed("Statement[%d] must be an object." % index)
        if statement.get("Effect") not in EFFECTS:
            raise malformed("Statement[%d].Effect must be Allow or Deny." % index)
        if "Condition" in statement:
            _check_condition(index, statement["Condition"])
    return document


def _string_list(index, statement, key):
    value = statement[key]
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
        raise malformed("Statement[%d].%s must be a non-empty string or list of strings." % (index, key))
    return values


def _exactly_one(index, statement, keys):
    present = [key for key in keys if key in statement]
    if len(present) != 1:
        raise malformed("Statement[%d] needs exactly one of %s." % (index, " or ".join(keys)))
    return present[0]


def _check_condition(index, condition):
    if not isinstance(condition, dict) or not all(
            isinstance(block, dict) and block for block in condition.values()):
        raise malformed("Statement[%d].Condition must map operators to {key: value} objects." % index)


def parse_policy(text, param="PolicyDocument"):
    """Validate a permission policy; returns the parsed document."""
    document = _load(text, param)
    for index, statement in enumerate(document["Statement"]):
        unknown = set(statement) - POLICY_KEYS
        if unknown:
            raise malformed("Statement[%d] has unknown element %s." % (index, sorted(unknown)[0]))
        action_key = _exactly_one(index, statement, ("Action", "NotAction"))
        for action in _string_list(index, statement, action_key):
            if not ACTION_RE.match(action):
                raise malformed("Statement[%d] has an invalid action %r." % (index, action))
        _string_list(index, statement, _exactly_one(index, statement, ("Resource", "NotResource")))
    return document


def parse_trust_policy(text, param="AssumeRolePolicyDocument"):
    """Validate a role trust policy (``Principal`` instead of ``Resource``)."""
    document = _load(text, param)
    for index, statement in enumerate(document["Statement"]):
        unknown = set(statement) - TRUST_KEYS
        if unknown:
            raise malformed("Statement[%d] has unknown element %s." % (index, sorted(unknown)[0]))
        for action in _string_list(index, statement, _exactly_one(index, statement, ("Action",))):
            if not ACTION_RE.match(action):
                raise malformed("Statement[%d] has an invalid action %r." % (index, action))
        principal = statement.get("Principal")
        if not isinstance(principal, dict) or not principal or set(principal) - PRINCIPAL_KINDS:
            raise malformed("Statement[%d].Principal must be an object with RAM, Service or Federated." % index)
        for kind in principal:
            _string_list(index, principal, kind)
    return document


@lru_cache(maxsize=4096)
def _pattern(pattern, ignore_case):
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("^%s$" % regex, (re.IGNORECASE | re.DOTALL) if ignore_case else re.DOTALL)


def wildcard_match(pattern, value, ignore_case=False):
    return bool(_pattern(pattern, ignore_case).match(value))


def _matches(statement, positive, negative, value, ignore_case):
    if positive in statement:
        patterns = statement[positive]
        patterns = [patterns] if isinstance(patterns, str) else patterns
        return any(wildcard_match(p, value, ignore_case) for p in patterns)
    patterns = statement[negative]
    patterns = [patterns] if isinstance(patterns, str) else patterns
    return not any(wildcard_match(p, value, ignore_case) for p in patterns)


def evaluate(documents, action, resource):
    """``"Allow"``, ``"ExplicitDeny"`` or ``"ImplicitDeny"`` for ``action`` (``ram:CreateUser``) on ``resource``."""
    allowed = False
    for document in documents:
        for statement in document.get("Statement", []):
            if not (_matches(statement, "Action", "NotAction", action, True)
                    and _matches(statement, "Resource", "NotResource", resource, False)):
                continue
            if statement["Effect"] == "Deny":
                return "ExplicitDeny"
            allowed = True
    return "Allow" if allowed else "ImplicitDeny"
