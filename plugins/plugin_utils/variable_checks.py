# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Strict checks of variables against an argument spec, on the controller, with messages for people.

The argument specs are the roles' own ``meta/argument_specs.yml`` (and, for a role variable that carries the options
of a module as a dict, that module's documented options): the same source Ansible's role argument validation reads.
The checks here are stricter than Ansible's conversions where a conversion hides a mistake - a string is not a list
(``team-a`` is not ``[t, e, a, m, -, a]`` and not ``[team-a]`` either: write the list), a dict is not a string.
Every problem names the variable (with the path inside it) and what is allowed; a value is shown only when it is not
a secret.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
from collections.abc import Mapping

import yaml
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.parsing.plugin_docs import read_docstring

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INT_TEXT = re.compile(r"^[+-]?[0-9]+\Z")
SHOWN_VALUE_MAX = 60

_ROLE_SPECS = {}
_ROLE_DEFAULTS = {}
_MODULE_OPTIONS = {}


class Problem(object):
    """One thing wrong with one variable: ``<path> <what>; allowed: <allowed>``."""

    def __init__(self, path, what, allowed=None):
        self.path, self.what, self.allowed = path, what, allowed

    def __str__(self):
        text = "%s %s" % (self.path, self.what)
        return "%s; allowed: %s" % (text, self.allowed) if self.allowed else text

    def __repr__(self):
        return "Problem(%r)" % str(self)


# libyaml's parser when PyYAML has it (ten times faster than the pure-Python one), the same safe constructors.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SAFE_LOADER)  # nosec B506 - a SafeLoader


def role_specs(role):
    """Every entry point of a role: ``roles/<role>/meta/argument_specs.yml`` (cached)."""
    if role not in _ROLE_SPECS:
        path = os.path.join(COLLECTION_ROOT, "roles", role, "meta", "argument_specs.yml")
        _ROLE_SPECS[role] = _load_yaml(path)["argument_specs"]
    return _ROLE_SPECS[role]


def role_spec(role, entry_point):
    """The options of a role entry point."""
    specs = role_specs(role)
    if entry_point not in specs:
        raise ValueError("role %s has no entry point %r (it has %s)" % (role, entry_point, ", ".join(sorted(specs))))
    return specs[entry_point].get("options") or {}


def role_option_names(role):
    """Every option of every entry point of a role: the variables the role reads."""
    return set(name for spec in role_specs(role).values() for name in (spec.get("options") or {}))


def role_defaults(role):
    """``roles/<role>/defaults/main.yml`` as written (cached)."""
    if role not in _ROLE_DEFAULTS:
        path = os.path.join(COLLECTION_ROOT, "roles", role, "defaults", "main.yml")
        _ROLE_DEFAULTS[role] = (_load_yaml(path) or {}) if os.path.exists(path) else {}
    return _ROLE_DEFAULTS[role]


def module_options(module):
    """The module's own documented options (without documentation fragments), as an argument spec."""
    if module not in _MODULE_OPTIONS:
        path = os.path.join(COLLECTION_ROOT, "plugins", "modules", module + ".py")
        doc = read_docstring(path, verbose=False, ignore_errors=False)["doc"]
        _MODULE_OPTIONS[module] = doc.get("options") or {}
    return _MODULE_OPTIONS[module]


def show(value, secret=False):
    """A short, printable form of a value (never the value of a secret)."""
    if secret:
        return "(value hidden)"
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= SHOWN_VALUE_MAX else text[:SHOWN_VALUE_MAX - 3] + "..."


def kind_of(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a dict"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "a " + type(value).__name__


def allowed_for(spec):
    """What an option allows, in words."""
    kind = spec.get("type", "str")
    if spec.get("choices"):
        choices = ", ".join(str(choice) for choice in spec["choices"])
        return ("a list of: " + choices) if kind == "list" else ("one of: " + choices)
    if kind == "list":
        elements = spec.get("elements", "raw")
        if elements == "dict" and spec.get("options"):
            return "a list of dicts with keys " + ", ".join(sorted(spec["options"]))
        return "a list" if elements == "raw" else "a list of %ss" % WORDS.get(elements, elements)
    if kind == "dict" and spec.get("options"):
        return "a dict with keys " + ", ".join(sorted(spec["options"]))
    return WORDS.get(kind, kind)


WORDS = {"str": "string", "path": "path (a string)", "int": "whole number", "bool": "true or false",
         "dict": "dict", "list": "list", "raw": "any value", "float": "number"}


def convert(value, kind):
    """(ok, converted) - the value as ``kind``, or not ok. Strict: see the module docstring."""
    if kind == "raw":
        return True, value
    if kind in ("str", "path"):
        if isinstance(value, str):
            return True, value
        if isinstance(value, int) and not isinstance(value, bool):  # account_number: 12345678 unquoted
            return True, str(value)
        return False, None
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return True, value
        if isinstance(value, str) and INT_TEXT.match(value.strip()):  # -e name=90
            return True, int(value)
        return False, None
    if kind == "float":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return True, float(value)
        return False, None
    if kind == "bool":
        if isinstance(value, (bool, str)):  # -e name=true gives a string
            try:
                return True, boolean(value, strict=True)
            except TypeError:
                return False, None
        return False, None
    if kind == "list":
        return (True, list(value)) if isinstance(value, (list, tuple)) else (False, None)
    if kind == "dict":
        return (True, dict(value)) if isinstance(value, Mapping) else (False, None)
    raise ValueError("unsupported type %r in an argument spec" % kind)


def check(path, value, spec, problems, secret=False):
    """Check ``value`` against one option's ``spec``; append Problems; return the converted value (or None)."""
    if value is None:
        if spec.get("required"):
            problems.append(Problem(path, "is required", allowed_for(spec)))
        elif spec.get("default") is not None:
            problems.append(Problem(path, "is null", allowed_for(spec) + " (or leave it out for the default)"))
        return None
    kind = spec.get("type", "str")
    ok, converted = convert(value, kind)
    if not ok:
        problems.append(Problem(path, "is %s %s" % (kind_of(value), show(value, secret)), allowed_for(spec)))
        return None
    if kind == "list":
        element_spec = dict((k, v) for k, v in spec.items() if k in ("choices", "options"))
        element_spec["type"] = spec.get("elements", "raw")
        element_spec["required"] = True
        converted = [check("%s[%d]" % (path, index), item, element_spec, problems, secret)
                     for index, item in enumerate(converted)]
        return converted
    if spec.get("choices") and converted not in spec["choices"]:
        problems.append(Problem(path, "is %s" % show(converted, secret), allowed_for(spec)))
        return None
    if kind == "dict" and spec.get("options"):
        return check_options(path, converted, spec["options"], problems, secret)
    return converted


def check_options(path, values, options, problems, secret=False):
    """Check a dict against sub-options: unknown keys, required keys, each value. Returns the converted dict."""
    names = {}
    for name, option in options.items():
        names[name] = name
        for alias in option.get("aliases") or []:
            names[alias] = name
    unknown = sorted(str(key) for key in values if key not in names)
    if unknown:
        problems.append(Problem(path, "has unknown key%s %s" % ("s" if len(unknown) > 1 else "", ", ".join(unknown)),
                                "the keys " + ", ".join(sorted(options))))
    converted = {}
    for key, value in values.items():
        if key in names:
            converted[names[key]] = check("%s.%s" % (path, key), value, options[names[key]], problems, secret)
    for name, option in options.items():
        if option.get("required") and name not in converted:
            problems.append(Problem("%s.%s" % (path, name), "is required", allowed_for(option)))
    return converted
