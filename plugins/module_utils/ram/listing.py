# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the ``_info`` modules of named RAM entities (users, groups, roles) share: one entity by name, or all of them.

May touch: nothing (reads only).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def named_or_all(client, name, get_one, list_action, name_key, name_prefix=None, **list_params):
    """The entity ``name`` (``get_one(client, name)``, ``None`` when missing), or every entity ``list_action`` pages
    through (``<Plural>.<Singular>`` of the answer, derived from ``name_key``: ``UserName`` -> ``Users.User``);
    only those whose name starts with ``name_prefix``; sorted by name."""
    if name:
        found = get_one(client, name)
        entities = [found] if found else []
    else:
        singular = name_key[:-len("Name")]
        entities = client.paginate(list_action, singular + "s", singular, **list_params)
    if name_prefix:
        entities = [entity for entity in entities if entity[name_key].startswith(name_prefix)]
    return sorted(entities, key=lambda entity: entity[name_key])
