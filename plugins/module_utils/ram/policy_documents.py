# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RAM policy documents: the grammar (checked before any call), the text sent, comparison by meaning.

Pure functions, no remote call. The grammar follows the RAM policy language: Version "1", a non-empty
Statement list, each with Effect, exactly one of Action/NotAction and of Resource/NotResource and an
optional Condition; the document is at most 6144 characters (ram-api.md, parameter limits).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

MAX_DOCUMENT_LENGTH = 6144
EFFECTS = ("Allow", "Deny")
STATEMENT_KEYS = ("Effect", "Action", "NotAction", "Resource", "NotResource", "Condition")
VALUE_LIST_KEYS = ("Action", "NotAction", "Resource", "NotResource")
ACTION_RE = re.compile(r"^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?_.-]+)$")


def parse_policy_document(text):
    """A policy document as RAM returns it (JSON text) -> dict; text that is not JSON is returned as it is."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


class DocumentError(ValueError):
    """A policy document that RAM would refuse; the message says where and why."""


def _string_list(where, value):
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        raise DocumentError("%s must be a string or a non-empty list of strings, got %s." % (where, _show(value)))
    for index, item in enumerate(values):
        if not isinstance(item, str) or not item:
            raise DocumentError("%s[%d] must be a non-empty string, got %s." % (where, index, _show(item)))
    return values


def _show(value):
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)


def _one_of(where, statement, keys):
    present = [key for key in keys if key in statement]
    if len(present) != 1:
        raise DocumentError("%s must have exactly one of %s (found %s)."
                            % (where, " and ".join(keys), " and ".join(present) if present else "none"))
    return present[0]


def _validate_condition(where, condition):
    if not isinstance(condition, dict) or not condition:
        raise DocumentError("%s must be a non-empty dict of operators, e.g. {\"IpAddress\": {\"acs:SourceIp\": "
                            "\"10.0.0.0/8\"}}, got %s." % (where, _show(condition)))
    for operator, block in condition.items():
        if not isinstance(block, dict) or not block:
            raise DocumentError("%s.%s must be a non-empty dict of condition keys to values, got %s."
                                % (where, operator, _show(block)))
        for key, value in block.items():
            values = value if isinstance(value, list) else [value]
            if not values or not all(isinstance(v, (str, int, float, bool)) for v in values):
                raise DocumentError("%s.%s.%s must be a value or a non-empty list of values, got %s."
                                    % (where, operator, key, _show(value)))


def validate_document(document):
    """Check a parsed document against the RAM policy grammar; raises ``DocumentError``."""
    if not isinstance(document, dict):
        raise DocumentError("the document must be a JSON object (a dict), got %s." % type(document).__name__)
    unknown = sorted(set(document) - set(["Version", "Statement"]))
    if unknown:
        raise DocumentError("unknown top-level element %r: only Version and Statement are allowed." % unknown[0])
    if document.get("Version") != "1":
        hint = " (quote it in YAML: Version: \"1\")" if document.get("Version") == 1 else ""
        raise DocumentError("Version must be the string \"1\", got %s%s."
                            % ("nothing" if "Version" not in document else _show(document["Version"]), hint))
    statements = document.get("Statement")
    if not isinstance(statements, list) or not statements:
        raise DocumentError("Statement must be a non-empty list of statements, got %s."
                            % ("nothing" if statements is None else _show(statements)))
    for index, statement in enumerate(statements):
        where = "Statement[%d]" % index
        if not isinstance(statement, dict):
            raise DocumentError("%s must be a dict, got %s." % (where, _show(statement)))
        unknown = sorted(set(statement) - set(STATEMENT_KEYS))
        if unknown:
            raise DocumentError("%s has unknown element %r; allowed: %s."
                                % (where, unknown[0], ", ".join(STATEMENT_KEYS)))
        if statement.get("Effect") not in EFFECTS:
            raise DocumentError("%s.Effect must be Allow or Deny, got %s."
                                % (where, "nothing" if "Effect" not in statement else _show(statement["Effect"])))
        action_key = _one_of(where, statement, ("Action", "NotAction"))
        for action in _string_list("%s.%s" % (where, action_key), statement[action_key]):
            if not ACTION_RE.match(action):
                raise DocumentError("%s.%s: %r is not an action; use <service>:<action> such as oss:GetObject, "
                                    "ram:List* or *." % (where, action_key, action))
        resource_key = _one_of(where, statement, ("Resource", "NotResource"))
        _string_list("%s.%s" % (where, resource_key), statement[resource_key])
        if "Condition" in statement:
            _validate_condition("%s.Condition" % where, statement["Condition"])


def serialize_document(document):
    """The text sent to RAM: compact JSON, keys in the user's order, non-ASCII kept as it is."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def load_document(value):
    """``policy_document`` (a dict or JSON text) -> (parsed dict, text to send); raises ``DocumentError``."""
    if isinstance(value, str):
        try:
            document = json.loads(value)
        except ValueError as exc:
            raise DocumentError("not valid JSON: %s." % exc)
    else:
        document = value
    validate_document(document)
    text = serialize_document(document)
    if len(text) > MAX_DOCUMENT_LENGTH:
        raise DocumentError("the document is %d characters long as compact JSON; RAM accepts at most %d."
                            % (len(text), MAX_DOCUMENT_LENGTH))
    return document, text


def _sort_key(value):
    return json.dumps(value, sort_keys=True)


def _value_set(value):
    values = value if isinstance(value, list) else [value]
    return sorted(dict((_sort_key(v), v) for v in values).values(), key=_sort_key)


def canonical_document(document):
    """The meaning of a document, as a value that compares equal for equivalent documents.

    Key order does not count (dicts); a string equals a one-element list, and the order and repetition
    of values do not count, in Action/NotAction/Resource/NotResource and condition values; the order
    and repetition of statements do not count. Anything else (the case of values, too) does.
    A document of another shape is returned unchanged (it then compares by plain equality).
    """
    if not isinstance(document, dict) or not isinstance(document.get("Statement"), list):
        return document
    statements = []
    for statement in document["Statement"]:
        if not isinstance(statement, dict):
            statements.append(statement)
            continue
        canonical = {}
        for key, value in statement.items():
            if key in VALUE_LIST_KEYS:
                canonical[key] = _value_set(value)
            elif key == "Condition" and isinstance(value, dict):
                canonical[key] = dict(
                    (operator, dict((k, _value_set(v)) for k, v in block.items()) if isinstance(block, dict) else block)
                    for operator, block in value.items())
            else:
                canonical[key] = value
        statements.append(canonical)
    result = dict(document)
    result["Statement"] = sorted(dict((_sort_key(s), s) for s in statements).values(), key=_sort_key)
    return result


def same_document(current, wanted):
    """Whether two documents (dicts or JSON text) mean the same."""
    return canonical_document(parse_policy_document(current)) == canonical_document(parse_policy_document(wanted))
