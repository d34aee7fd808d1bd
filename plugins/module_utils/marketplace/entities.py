# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Business entities of a credential (organizations, teams, custom contexts): names and ids given by the
user resolved against the broker's catalogue, and how the wanted associations merge with the current ones.

Reads only (``GET businessEntities``); the wire shapes are in views.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.api import business_entities
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.views import ENTITY_KINDS
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import TaskFailed

KIND_LABELS = {"organizations": "organization", "teams": "team", "custom_contexts": "custom context"}


def _lookup(known, value):
    """Entities of the catalogue ``value`` names: by id, else by name, else by name ignoring case."""
    return [e for e in known if e["id"] == value] or [e for e in known if e.get("name") == value] or \
        [e for e in known if str(e.get("name", "")).lower() == value.lower()]


def resolve_entities(client, given):
    """Option names/ids -> ids, from one GET businessEntities; unknown ones fail with what is available.

    ``given`` is the ``business_entities`` option; ``None`` (not set) makes no request.
    """
    if given is None:
        return None
    catalog = business_entities(client)
    resolved, problems = {}, []
    for option, api_key, _ctx in ENTITY_KINDS:
        known = [e for e in catalog.get(api_key) or [] if isinstance(e, dict) and e.get("id")]
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
