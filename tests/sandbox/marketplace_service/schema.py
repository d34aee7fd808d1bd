"""Payload validation for accounts and credentials (docs/marketplace-api.md, sections 5 and 6).

Pure functions: they read a payload, record every problem in a ``Problems`` collector and return the
normalised document. Checks that need the database (parent account, vault reference) or the caller
(business-entity membership) live in ``app.py``.
"""

import re

ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
CODE_RE = re.compile(r"^[a-z0-9-]+$")
ACCOUNT_TYPES = ("subaccount", "master")
ACTIVE_STATES = ("Active", "InActive")
USER_TYPES = ("asset", "billing", "system")
PURPOSES = ("provisioning", "assetIngestion", "assetDiscovery")
CONTEXT_KINDS = {"team": "teams", "org": "organizations", "customContext": "customContexts"}
PASSWORD_KEYS = ("accessKey", "secretKey")
MAX_NAME = 255


def join(prefix, key):
    return "%s.%s" % (prefix, key) if prefix else key


def string(obj, key, prefix, problems, required=True, pattern=None, max_len=MAX_NAME, message=None):
    """A string field; returns it (or None). Empty strings count as missing."""
    value = obj.get(key)
    if value is None or value == "":
        if required:
            problems.add(join(prefix, key), "is required", value)
        return None
    if not isinstance(value, str) or len(value) > max_len or (pattern and not pattern.match(value)):
        problems.add(join(prefix, key), message or "must be a string of at most %d characters" % max_len, value)
        return None
    return value


def enum(obj, key, prefix, problems, allowed, default=None):
    value = obj.get(key, default)
    if value not in allowed:
        problems.add(join(prefix, key), "must be one of: %s" % ", ".join(allowed), value)
        return None
    return value


def section(obj, key, prefix, problems, required=True):
    value = obj.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        problems.add(join(prefix, key), "must be an object", value)
        return {}
    return value


def account(doc, problems):
    """Validate ``{"accountId", "basicInfo", "advancedInfo", ...}``; returns (accountId, basicInfo, advancedInfo)."""
    account_id = string(doc, "accountId", "", problems, pattern=ID_RE, max_len=128,
                        message="must be 1-128 characters of A-Z a-z 0-9 _ . -")
    basic = section(doc, "basicInfo", "", problems)
    advanced = section(doc, "advancedInfo", "", problems, required=False)
    p = "basicInfo"
    info = {
        "accountName": string(basic, "accountName", p, problems),
        "serviceProviderType": string(basic, "serviceProviderType", p, problems, pattern=CODE_RE,
                                      message="must match ^[a-z0-9-]+$"),
        "serviceProviderCode": string(basic, "serviceProviderCode", p, problems, pattern=CODE_RE,
                                      message="must match ^[a-z0-9-]+$"),
        "accountType": enum(basic, "accountType", p, problems, ACCOUNT_TYPES),
        "isActive": enum(basic, "isActive", p, problems, ACTIVE_STATES),
        "userType": enum(basic, "userType", p, problems, USER_TYPES),
    }
    for optional in ("description", "parentAccountId"):
        value = string(basic, optional, p, problems, required=False, max_len=1024)
        if value is not None:
            info[optional] = value
    number = advanced.get("accountNumber")
    if info["serviceProviderCode"] == "alibaba":
        if not (isinstance(number, str) and number.isdigit() and number.isascii() and len(number) >= 8):
            problems.add("advancedInfo.accountNumber", "must be a string of at least 8 digits", number)
    elif not isinstance(number, str) or not number:
        problems.add("advancedInfo.accountNumber", "is required", number)
    return account_id, info, dict(advanced)


def credential(doc, prefix, problems, entities, partial=False):
    """Validate one credential object; with ``partial`` only the given fields. Returns the fields given."""
    if not isinstance(doc, dict):
        problems.add(prefix or "credential", "must be an object")
        return {}
    result = {}
    if not partial or "credentialName" in doc:
        result["credentialName"] = string(doc, "credentialName", prefix, problems)
    if not partial or "purpose" in doc:
        result["purpose"] = purpose(doc.get("purpose"), join(prefix, "purpose"), problems)
    if not partial or "status" in doc:
        result["status"] = enum(doc, "status", prefix, problems, ACTIVE_STATES, default="Active")
    if not partial or "context" in doc:
        result["context"] = context(doc.get("context") or [], join(prefix, "context"), problems, entities)
    has_password, has_cref = doc.get("passwordFields") is not None, doc.get("crefId") is not None
    if has_password and has_cref:
        problems.add(prefix or "credential", "give either passwordFields or crefId, not both")
    elif has_password:
        result["passwordFields"] = password_fields(doc["passwordFields"], join(prefix, "passwordFields"), problems)
    elif has_cref:
        result["crefId"] = string(doc, "crefId", prefix, problems, pattern=ID_RE, max_len=128,
                                  message="must be 1-128 characters of A-Z a-z 0-9 _ . -")
    elif not partial:
        problems.add(prefix or "credential", "one of passwordFields or crefId is required")
    return result


def purpose(value, prop, problems):
    if not isinstance(value, list) or not value:
        problems.add(prop, "must be a non-empty list of: %s" % ", ".join(PURPOSES), value)
        return None
    for index, item in enumerate(value):
        if item not in PURPOSES:
            problems.add("%s[%d]" % (prop, index), "must be one of: %s" % ", ".join(PURPOSES), item)
    if len(set(map(str, value))) != len(value):
        problems.add(prop, "must not repeat a purpose", value)
    return list(value)


def context(value, prop, problems, entities):
    """``[{"team": [...]}, {"org": [...]}, {"customContext": [...]}]``; returns entries without ``contextId``."""
    if not isinstance(value, list):
        problems.add(prop, "must be a list of {team|org|customContext: [ids]} objects", value)
        return []
    return [context_entry(entry, "%s[%d]" % (prop, index), problems, entities) for index, entry in enumerate(value)]


def context_entry(entry, prop, problems, entities):
    kinds = [key for key in (entry if isinstance(entry, dict) else {}) if key != "contextId"]
    if len(kinds) != 1 or kinds[0] not in CONTEXT_KINDS:
        problems.add(prop or "context", "must have exactly one of the keys: %s" % ", ".join(CONTEXT_KINDS), entry)
        return {}
    kind = kinds[0]
    values = entry[kind]
    if not isinstance(values, list) or not all(isinstance(item, str) for item in values):
        problems.add(join(prop, kind), "must be a list of strings", values)
        return {}
    known = entities[CONTEXT_KINDS[kind]]
    for item in values:
        if item not in known:
            problems.add(join(prop, kind), "unknown %s: %s" % (kind, item), item)
    return {kind: list(dict.fromkeys(values))}


def password_fields(value, prop, problems):
    if not isinstance(value, dict) or set(value) != set(PASSWORD_KEYS) or not all(
            isinstance(item, str) and item for item in value.values()):
        problems.add(prop, "must be an object with non-empty string accessKey and secretKey", "<redacted>")
        return None
    return dict(value)


def vault_value(value, prop, problems):
    if not isinstance(value, dict) or not value or not all(isinstance(item, str) for item in value.values()):
        problems.add(prop, "must be a non-empty object of string values", "<redacted>")
        return None
    return dict(value)
