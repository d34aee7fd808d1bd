# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Business entities (organizations, teams, custom contexts): ``marketplace_business_entity_info`` (the
broker's catalogue of them), the names and ids a credential names resolved against that catalogue, and how
the wanted associations merge with the current ones.

Reads only (``GET businessEntities``); the wire shapes and the one view of the catalogue are in views.py.
The catalogue is what the caller may name, the same for every account: read once per run with the info
module, it is handed to every ``marketplace_credential`` task as ``business_entity_catalog``, which then
resolves against it without a request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.api import business_entities
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.views import (
    ENTITY_KINDS,
    business_entities_view,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, Resource, TaskFailed

KIND_LABELS = {"organizations": "organization", "teams": "team", "custom_contexts": "custom context"}
CATALOG_OPTION = "business_entity_catalog"
CATALOG_KINDS = tuple(option for option, _api, _ctx in ENTITY_KINDS)


# --------------------------------------------------------------------------------------------
# marketplace_business_entity_info
# --------------------------------------------------------------------------------------------

def read_catalog(client):
    """The catalogue (``views.business_entities_view``), from one ``GET businessEntities``."""
    return business_entities_view(business_entities(client))


def run_business_entity_info(task):
    return dict(changed=False, business_entities=read_catalog(task.clients.marketplace))


BUSINESS_ENTITY_INFO = Resource(
    "marketplace_business_entity_info",
    dict(),
    run_business_entity_info,
    services=("marketplace",),
)


# --------------------------------------------------------------------------------------------
# A catalogue read earlier in the run (marketplace_credential's business_entity_catalog)
# --------------------------------------------------------------------------------------------

def _type_name(value):
    return {dict: "a dict", list: "a list", str: "a string", bool: "a boolean", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def check_catalog(catalog):
    """``business_entity_catalog`` checked before any request (``InputError`` naming the option); ``None``
    when not set. It must be the view ``marketplace_business_entity_info`` returns: the three kinds, each a
    list of entities with a non-empty string ``id`` and a string (or null) ``name``."""
    if catalog is None:
        return None
    expected = ("%s must be the business_entities value that cloudbroker.alibaba.marketplace_business_entity_info "
                "returned (a dict with the keys %s, each a list of {id, name})"
                % (CATALOG_OPTION, ", ".join(CATALOG_KINDS)))
    keys = sorted(str(key) for key in catalog)
    if keys != sorted(CATALOG_KINDS):
        raise InputError("%s; got %s." % (expected, ("the keys " + ", ".join(keys)) if keys else "an empty dict"),
                         option=CATALOG_OPTION)
    for kind in CATALOG_KINDS:
        entries = catalog[kind]
        if not isinstance(entries, list):
            raise InputError("%s.%s must be a list of {id, name}, not %s."
                             % (CATALOG_OPTION, kind, _type_name(entries)), option=CATALOG_OPTION)
        for index, entry in enumerate(entries):
            ident = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(ident, str) or not ident.strip():
                raise InputError("%s.%s[%d] must be a dict with a non-empty string id, not %r."
                                 % (CATALOG_OPTION, kind, index, entry), option=CATALOG_OPTION)
            if entry.get("name") is not None and not isinstance(entry["name"], str):
                raise InputError("%s.%s[%d].name must be a string, not %s."
                                 % (CATALOG_OPTION, kind, index, _type_name(entry["name"])), option=CATALOG_OPTION)
    return catalog


# --------------------------------------------------------------------------------------------
# Resolution: the names and ids of marketplace_credential's business_entities -> ids
# --------------------------------------------------------------------------------------------

def _lookup(known, value):
    """Entities of the catalogue ``value`` names: by id, else by name, else by name ignoring case."""
    return [e for e in known if e["id"] == value] or [e for e in known if e.get("name") == value] or \
        [e for e in known if str(e.get("name") or "").lower() == value.lower()]


def resolve_entities(client, given, catalog=None):
    """Option names/ids -> ids; unknown or ambiguous ones fail listing what is available.

    ``given`` is the ``business_entities`` option; ``None`` (not set) makes no request. ``catalog`` is the
    ``business_entity_catalog`` option (checked by ``check_catalog``): given, it is resolved against and no
    request is made; ``None`` reads the catalogue (one ``GET businessEntities``).
    """
    if given is None:
        return None
    if catalog is None:
        catalog = read_catalog(client)
    resolved, problems = {}, []
    for option in CATALOG_KINDS:
        known = catalog.get(option) or []
        resolved[option] = []
        for value in given.get(option) or []:
            match = _lookup(known, value)
            if len(match) == 1:
                if match[0]["id"] not in resolved[option]:
                    resolved[option].append(match[0]["id"])
                continue
            available = ", ".join("%s (%s)" % (e["id"], e.get("name")) for e in known) or "none"
            problems.append("%s %r is %s - available to user %s: %s" % (
                KIND_LABELS[option], value, "an ambiguous name" if match else "unknown or not available",
                client.username, available))
    if problems:
        raise TaskFailed("business_entities: " + "; ".join(problems) + ".")
    return resolved


def associated_ids(given, current):
    """``given`` (the ``business_entities`` option) as ids without the catalogue, when every value is an id
    the credential is already associated with (``current``: ``views.context_entities``); ``False`` when some
    value needs the catalogue; ``None`` when ``given`` is not set.

    The catalogue matches ids before names (``_lookup``), so a value equal to an associated id stands for
    that entity: a no-change run needs no ``GET businessEntities``.
    """
    if given is None:
        return None
    resolved = {}
    for option, _api, _ctx in ENTITY_KINDS:
        known = (current or {}).get(option) or []
        resolved[option] = []
        for value in given.get(option) or []:
            if value not in known:
                return False
            if value not in resolved[option]:
                resolved[option].append(value)
    return resolved


def wanted_entities(current, wanted, purge):
    """The associations the credential should have (None: leave alone)."""
    if wanted is None:
        return None
    if purge:
        return dict((option, list(wanted.get(option) or [])) for option, _a, _c in ENTITY_KINDS)
    merged = {}
    for option, _a, _c in ENTITY_KINDS:
        merged[option] = list(current.get(option) or [])
        merged[option] += [i for i in wanted.get(option) or [] if i not in merged[option]]
    return merged


def same_entities(left, right):
    return all(set(left.get(option) or []) == set(right.get(option) or []) for option, _a, _c in ENTITY_KINDS)
