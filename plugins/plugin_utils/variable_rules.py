# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules for the roles' variables that an argument spec cannot express.

Types, choices, required options and the keys of dict options live in the roles' ``meta/argument_specs.yml``;
what RAM and the marketplace accept (patterns, lengths, ranges) lives in ``module_utils/limits.py``. This file says
which of those apply to which variable, and holds the rules that span variables. Each rule gets the variable's
value after the argument-spec check (converted, defaults applied) and appends ``Problem`` objects.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import re

from ansible_collections.cloudbroker.alibaba.plugins.module_utils import limits
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.common import missing_directory
from ansible_collections.cloudbroker.alibaba.plugins.plugin_utils.variable_checks import (
    Problem, check_options, module_options, show)

# Never shown in a message, whatever is wrong with them.
SECRET_VARIABLES = frozenset([
    "ram_onboarding_console_password",
    "marketplace_onboarding_access_key_secret",
])

# Set by the roles themselves (register / set_fact / include vars), not by users: not reported as unknown.
INTERNAL_VARIABLES = frozenset([
    "ram_onboarding_user", "ram_onboarding_access_key", "ram_onboarding_usable_key_ids",
    "marketplace_onboarding_account", "marketplace_onboarding_credential", "marketplace_onboarding_known_account",
    "onboarding_marketplace_account", "onboarding_known_account",
    "marketplace_onboarding_key_owner_checked",
    "onboarding_held_credential", "onboarding_key_identity", "onboarding_operator_identity",
    "onboarding_account_number", "onboarding_account_uid", "marketplace_onboarding_account_uid", "onboarding_user_keys", "onboarding_provider_credentials",
    "onboarding_stale_credentials", "onboarding_renamed_account",
    "onboarding_delivered", "onboarding_final_credential",
    "onboarding_business_entities", "onboarding_known_business_entities", "onboarding_credential_missing_in_play",
    "marketplace_onboarding_known_business_entities",
    "ram_onboarding_wants_policies_or_groups", "ram_onboarding_wants_account_settings",
    "onboarding_delivery_tasks", "onboarding_other_run_delivering", "onboarding_key_owner_wanted",
])

# The playbooks' own variables (playbooks/*.yml), which share the roles' prefixes.
PLAYBOOK_VARIABLES = frozenset(["onboarding_hosts", "offboard_confirm"])

# What is allowed, where the argument spec's words (elements: raw) say too little.
ALLOWED = {
    "ram_onboarding_policies": "a list of policy names, or of dicts with name and type (System or Custom)",
}

KEY_MAX_AGE_DAYS = (0, 3650)
KEY_GRACE_SECONDS = (0, 3600)
# Free-text names shown in the broker's UI: printable, no markup, no surrounding blanks.
UNSAFE_TEXT = re.compile(r"[\x00-\x1f\x7f<>]")
ACCESS_KEY_ID = re.compile(r"^[A-Za-z0-9]{1,128}\Z")


# -- building blocks ------------------------------------------------------------------------------------------------

def pattern(rule):
    def check(path, value, problems, _values):
        if not rule.matches(value):
            problems.append(Problem(path, "is %s" % show(value), rule.allowed))
    return check


def optional(rule):
    """An empty string means "not set"; otherwise ``rule`` applies."""
    def check(path, value, problems, values):
        if value not in ("", None):
            rule(path, value, problems, values)
    return check


def text(minimum, maximum):
    allowed = "%d to %d printable characters without '<' or '>', no leading or trailing blanks" % (minimum, maximum)

    def check(path, value, problems, _values):
        if not minimum <= len(value) <= maximum or UNSAFE_TEXT.search(value) or value != value.strip():
            problems.append(Problem(path, "is %s" % show(value), allowed))
    return check


def number_range(low, high, meaning=""):
    def check(path, value, problems, _values):
        if not low <= value <= high:
            problems.append(Problem(path, "is %s" % show(value), "%d to %d%s" % (low, high, meaning)))
    return check


def each(rule):
    def check(path, value, problems, values):
        for index, item in enumerate(value):
            if item is not None:
                rule("%s[%d]" % (path, index), item, problems, values)
    return check


def unique(path, value, problems, _values):
    seen = set()
    duplicates = sorted(set(str(item) for item in value if item in seen or seen.add(item)))
    if duplicates:
        problems.append(Problem(path, "lists %s more than once" % ", ".join(duplicates), "each item once"))


def not_empty(path, value, problems, _values):
    if not value:
        problems.append(Problem(path, "is empty", "at least one item"))


def at_most(count):
    def check(path, value, problems, _values):
        if len(value) > count:
            problems.append(Problem(path, "has %d items" % len(value), "at most %d" % count))
    return check


def file_in_existing_directory(path, value, problems, _values):
    """A file a task of the roles writes on the controller (where the onboarding tasks run): checked before the first
    write of the run, not when the write that needs it comes (after others)."""
    directory = missing_directory(value)
    if directory:
        problems.append(Problem(path, "is %s, in a directory that does not exist (%s)" % (show(value), directory),
                                "a file path in an existing directory on the controller"))


# -- RAM ------------------------------------------------------------------------------------------------------------

def policy_reference(path, value, problems, _values):
    """An item of a policy list: a policy name, or a dict with ``name`` and ``type``."""
    if isinstance(value, dict):
        value = check_options(path, value, {
            "name": {"type": "str", "required": True},
            "type": {"type": "str", "choices": list(limits.RAM_POLICY_TYPES)},
        }, problems)
        name, name_path = value.get("name"), path + ".name"
    else:
        name, name_path = value, path
    if not isinstance(name, str):
        if name is not None:
            problems.append(Problem(name_path, "is %s" % show(name),
                                    "a policy name, or a dict with name and type (System or Custom)"))
        return
    pattern(limits.RAM_POLICY_NAME)(name_path, name, problems, None)


def policy_document(path, value, problems, _values):
    """A RAM policy document: a dict, or a JSON string of one, in RAM's policy grammar."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            problems.append(Problem(path, "is not valid JSON (%s)" % exc, "a dict or a JSON policy document"))
            return
    if not isinstance(value, dict):
        problems.append(Problem(path, "is %s" % show(value), "a dict or a JSON policy document"))
        return
    grammar = 'Version "1" and a list of Statement dicts with Effect (Allow or Deny), Action and Resource'
    statements = value.get("Statement")
    if str(value.get("Version")) != limits.RAM_POLICY_VERSION or not isinstance(statements, list) or not statements:
        problems.append(Problem(path, "is not a RAM policy document", grammar))
        return
    for index, statement in enumerate(statements):
        if (not isinstance(statement, dict) or statement.get("Effect") not in limits.RAM_POLICY_EFFECTS
                or not ("Action" in statement or "NotAction" in statement) or "Resource" not in statement):
            problems.append(Problem("%s.Statement[%d]" % (path, index), "is %s" % show(statement), grammar))
    size = len(json.dumps(value, separators=(",", ":")))
    if size > limits.RAM_POLICY_DOCUMENT_MAX:
        problems.append(Problem(path, "has %d characters" % size, "at most %d" % limits.RAM_POLICY_DOCUMENT_MAX))


def custom_policy(path, value, problems, values):
    pattern(limits.RAM_POLICY_NAME)(path + ".name", value["name"], problems, values)
    if value.get("description") is not None:
        text(1, limits.RAM_POLICY_DESCRIPTION_MAX)(path + ".description", value["description"], problems, values)
    if value.get("document") is not None:
        policy_document(path + ".document", value["document"], problems, values)


def group(path, value, problems, values):
    if value.get("name") is not None:
        pattern(limits.RAM_GROUP_NAME)(path + ".name", value["name"], problems, values)
    if value.get("comments") is not None and len(value["comments"]) > limits.RAM_COMMENTS_MAX:
        problems.append(Problem(path + ".comments", "has %d characters" % len(value["comments"]),
                                "at most %d" % limits.RAM_COMMENTS_MAX))
    each(policy_reference)(path + ".policies", value.get("policies") or [], problems, values)


# The modules whose documented options module_option_dict checks (read ahead by validate_variables).
OPTION_DICT_MODULES = set()


def module_option_dict(module, extra=None):
    """A variable that carries options of ``module`` as a dict: its documented options, ranges, ``extra`` rules."""
    OPTION_DICT_MODULES.add(module)

    def check(path, value, problems, values):
        converted = check_options(path, value, module_options(module), problems)
        for option, (low, high) in limits.OPTION_RANGES.get(module, {}).items():
            if isinstance(converted.get(option), int):
                number_range(low, high)("%s.%s" % (path, option), converted[option], problems, values)
        for option, rule in (extra or {}).items():
            if converted.get(option) is not None:
                rule("%s.%s" % (path, option), converted[option], problems, values)
    return check


def network_mask(path, value, problems, _values):
    for mask in value.split(";"):
        try:
            ipaddress.IPv4Network(mask.strip(), strict=False)
        except ValueError:
            problems.append(Problem(path, "has %s" % show(mask.strip()), "IPv4 networks in CIDR form (192.0.2.0/24)"))


# -- marketplace ----------------------------------------------------------------------------------------------------

def known_provider(path, value, problems, values):
    if values.get("marketplace_onboarding_provider_codes") is None:  # not validated here, or itself invalid
        return
    known = values["marketplace_onboarding_provider_codes"]
    if value not in known:
        problems.append(Problem(path, "is %s, a provider code this collection does not onboard" % show(value),
                                "one of %s (marketplace_onboarding_provider_codes)" % ", ".join(known)))


def business_entities(kind):
    def check(path, value, problems, values):
        catalog = values.get("marketplace_onboarding_business_entity_catalog") or {}
        if not catalog:
            return
        known = catalog.get(kind) or []
        unknown = [item for item in value if item is not None and item not in known]
        if unknown:
            problems.append(Problem(path, "names %s, unknown in the broker" % ", ".join(unknown),
                                    "%s (marketplace_onboarding_business_entity_catalog.%s)"
                                    % (", ".join(known) or "none", kind)))
    return check


MARKETPLACE_ID = pattern(limits.MARKETPLACE_ID)
MARKETPLACE_NAME = text(1, limits.MARKETPLACE_NAME_MAX)

VARIABLE_RULES = {
    # ram_onboarding
    "ram_onboarding_user_name": [pattern(limits.RAM_USER_NAME)],
    "ram_onboarding_display_name": [text(1, limits.RAM_DISPLAY_NAME_MAX)],
    "ram_onboarding_comments": [text(0, limits.RAM_COMMENTS_MAX)],
    "ram_onboarding_policies": [each(policy_reference)],
    "ram_onboarding_custom_policies": [each(custom_policy)],
    "ram_onboarding_groups": [each(group), at_most(5)],
    "ram_onboarding_security_preference": [module_option_dict("ram_security_preference", {
        "login_network_masks": each(network_mask)})],
    "ram_onboarding_password_policy": [module_option_dict("ram_password_policy")],
    "ram_onboarding_key_max_age_days": [number_range(*KEY_MAX_AGE_DAYS, meaning=" days (0 = never by age)")],
    "ram_onboarding_mfa_seed_file": [optional(file_in_existing_directory)],
    # marketplace_onboarding
    "marketplace_onboarding_account_name": [MARKETPLACE_NAME],
    "marketplace_onboarding_account_id": [optional(MARKETPLACE_ID)],
    "marketplace_onboarding_account_number": [optional(pattern(limits.MARKETPLACE_ACCOUNT_NUMBER))],
    "marketplace_onboarding_master_account": [optional(MARKETPLACE_NAME)],
    "marketplace_onboarding_provider": [pattern(limits.MARKETPLACE_PROVIDER_CODE), known_provider],
    "marketplace_onboarding_provider_codes": [not_empty, each(pattern(limits.MARKETPLACE_PROVIDER_CODE))],
    "marketplace_onboarding_credential_name": [MARKETPLACE_NAME],
    "marketplace_onboarding_credential_purpose": [not_empty, unique],
    "marketplace_onboarding_organizations": [each(MARKETPLACE_NAME), unique, business_entities("organizations")],
    "marketplace_onboarding_teams": [each(MARKETPLACE_NAME), unique, business_entities("teams")],
    "marketplace_onboarding_custom_contexts": [each(MARKETPLACE_NAME), unique, business_entities("custom_contexts")],
    "marketplace_onboarding_credential_ref_id": [optional(MARKETPLACE_ID)],
    "marketplace_onboarding_access_key_id": [optional(pattern(limits.Pattern(ACCESS_KEY_ID.pattern,
                                                                             "1-128 letters or digits")))],
    # onboarding
    "onboarding_key_max_age_days": [number_range(*KEY_MAX_AGE_DAYS, meaning=" days (0 = never by age)")],
    "onboarding_key_grace_seconds": [number_range(*KEY_GRACE_SECONDS, meaning=" seconds")],
}


# -- rules that span variables --------------------------------------------------------------------------------------

def console_password_with_console_access(values, problems):
    if values.get("ram_onboarding_console_access") and not values.get("ram_onboarding_console_password"):
        problems.append(Problem("ram_onboarding_console_password", "is not set, and ram_onboarding_console_access is "
                                "true", "a password from a vault or a credential (or console access off)"))


def one_credential_source(values, problems):
    if values.get("marketplace_onboarding_credential_ref_id") and values.get("marketplace_onboarding_access_key_secret"):
        problems.append(Problem("marketplace_onboarding_credential_ref_id", "and marketplace_onboarding_access_key_secret "
                                "are both set", "one of them: a vault reference or an AccessKey"))
    if values.get("marketplace_onboarding_access_key_secret") and not values.get("marketplace_onboarding_access_key_id"):
        problems.append(Problem("marketplace_onboarding_access_key_id", "is not set, and "
                                "marketplace_onboarding_access_key_secret is", "the ID of the AccessKey whose secret "
                                "is given"))


CROSS_RULES = [console_password_with_console_access, one_credential_source]
