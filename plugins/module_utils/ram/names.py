# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RAM naming rules (their source: ``module_utils/limits.py``), checked before any call; CamelCase -> snake_case views."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.cloudbroker.alibaba.plugins.module_utils import limits
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError

NAME_RULES = dict((kind, (pattern.regex, pattern.allowed)) for kind, pattern in (
    ("user", limits.RAM_USER_NAME), ("group", limits.RAM_GROUP_NAME), ("role", limits.RAM_ROLE_NAME),
    ("policy", limits.RAM_POLICY_NAME)))


def check_name(kind, value, option):
    """Raise ``InputError`` naming ``option`` unless ``value`` (when set) is a valid ``kind`` name."""
    pattern, rules = NAME_RULES[kind]
    if value is not None and not pattern.match(value):
        raise InputError("Invalid %s name %r (option %s): %s." % (kind, value, option, rules), option=option)


def check_length(option, value, low, high):
    if value is not None and not low <= len(value) <= high:
        raise InputError("%s must be %d-%d characters long, got %d." % (option, low, high, len(value)), option=option)


def snake(resource):
    """RAM CamelCase dict -> snake_case dict (``UserName`` -> ``user_name``)."""
    return camel_dict_to_snake_dict(resource or {})


def view_of(resource, fields):
    """The snake_case view of a RAM resource restricted to ``fields`` (empty values left out)."""
    view = snake(resource)
    return dict((key, view[key]) for key in fields if view.get(key) not in (None, ""))
