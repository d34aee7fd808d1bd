# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's shape of the broker's objects, and the wire values of statuses, purposes and entities.

``account_view`` is the one view of an asset account (``marketplace_asset_account`` and its ``_info``
twin), ``credential_view`` the one view of a credential (``marketplace_credential`` and its ``_info``
twin), ``business_entities_view`` the one view of the business-entity catalogue
(``marketplace_business_entity_info``, and what ``marketplace_credential`` resolves names against). They
work on answers that went through the redactor and never hold a secret. Nothing here talks to the broker.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.redaction import (
    ACCESS_KEY_ID_KEYS,
    REDACTED,
    normalize_key,
)

# (wire value, label the UI shows)
PURPOSES = (("provisioning", "Provisioning"), ("assetIngestion", "Asset Ingestion"),
            ("assetDiscovery", "Asset Discovery"))
ENTITY_KINDS = (
    # option key, businessEntities key, credential context key
    ("organizations", "organizations", "org"),
    ("teams", "teams", "team"),
    ("custom_contexts", "customContexts", "customContext"),
)


def status_to_wire(status):
    return None if status is None else ("Active" if status.lower() == "active" else "InActive")


def status_from_wire(value):
    if value is None:
        return None
    return "Active" if str(value).lower() == "active" else "Inactive"


def purpose_to_wire(value):
    """``Provisioning`` / ``Asset Ingestion`` / ``asset_discovery`` / ``assetDiscovery`` -> the wire value."""
    key = normalize_key(value)
    for wire, label in PURPOSES:
        if key in (normalize_key(wire), normalize_key(label)):
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


def business_entities_view(answer):
    """A ``GET businessEntities`` answer -> ``{"organizations": [...], "teams": [...], "custom_contexts": [...]}``.

    Each entity is ``{"id", "name"}``; a team also names its ``organization`` (an id, ``None`` when the broker
    does not say). Entries without an id cannot be associated and are left out. This is the
    ``business_entities`` return value of ``marketplace_business_entity_info`` and the shape that
    ``marketplace_credential``'s ``business_entity_catalog`` takes.
    """
    view = {}
    for option, api_key, _ctx in ENTITY_KINDS:
        view[option] = []
        for item in (answer or {}).get(api_key) or []:
            if not isinstance(item, dict) or not item.get("id"):
                continue
            entity = dict(id=item["id"], name=item.get("name"))
            if option == "teams":
                entity["organization"] = item.get("organization")
            view[option].append(entity)
    return view


def entities_to_context(entities):
    """``{"teams": [...], ...}`` -> ``[{"org": [...]}, {"team": [...]}, ...]`` (empty kinds left out)."""
    context = []
    for option, _api, ctx_key in ENTITY_KINDS:
        if entities.get(option):
            context.append({ctx_key: list(entities[option])})
    return context


def credential_view(credential, account=None):
    """A (redacted) credential object -> the collection's snake_case shape. Never holds a secret.

    With ``account``, the view also names the account the credential belongs to.
    """
    password_fields = credential.get("passwordFields")
    access_key_id = None
    if isinstance(password_fields, dict):
        for key, value in password_fields.items():
            if normalize_key(key) in ACCESS_KEY_ID_KEYS and value != REDACTED:
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


def embedded_credential(view):
    """A credential view -> the wire fields it was made from (no secret), to compare it with what is wanted.

    Used for a view a read earlier in the play returned (``known_account``); never sent to the broker.
    """
    credential = dict(id=view.get("id"), credentialName=view.get("name"),
                      purpose=[purpose_to_wire(p) or p for p in view.get("purpose") or []],
                      status=status_to_wire(view.get("status")),
                      context=entities_to_context(view.get("business_entities") or {}))
    if view.get("credential_ref_id"):
        credential["crefId"] = view["credential_ref_id"]
    elif view.get("secret_stored"):
        credential["passwordFields"] = dict(accessKey=view.get("access_key_id") or REDACTED, secretKey=REDACTED)
    return credential


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
