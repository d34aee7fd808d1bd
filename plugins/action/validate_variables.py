# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of cloudbroker.alibaba.validate_variables (documented in plugins/modules/validate_variables.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib

from ansible.errors import AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase
from ansible_collections.cloudbroker.alibaba.plugins.plugin_utils import variable_rules
from ansible_collections.cloudbroker.alibaba.plugins.plugin_utils.variable_checks import (
    Problem, allowed_for, check, module_options, role_defaults, role_option_names, role_spec, role_specs)

ROLES = ("ram_onboarding", "marketplace_onboarding", "onboarding")


def read_ahead():
    """The roles' argument specs and defaults and the documented options of the modules whose options a variable
    carries, read once here: the strategy imports this plugin in the controller's main process, and every task runs
    in a worker forked from it, which inherits them instead of reading them again. A file that cannot be read is
    left to the task, which reports it."""
    try:
        for role in ROLES:
            role_specs(role)
            role_defaults(role)
        for module in sorted(variable_rules.OPTION_DICT_MODULES):
            module_options(module)
    except Exception:  # pylint: disable=broad-except  # reported by the task that needs the file
        pass


read_ahead()

ARGUMENT_SPEC = {
    "entry_points": {"type": "list", "elements": "str", "default": []},
    "variables": {"type": "dict", "default": {}},
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        task_vars = task_vars or {}
        validation = ArgumentSpecValidator(ARGUMENT_SPEC).validate(self._task.args)
        if validation.error_messages:
            return dict(result, failed=True, msg="; ".join(validation.error_messages))
        args = validation.validated_parameters
        try:
            entry_points = [parse_entry_point(text) for text in args["entry_points"]]
            options = {}  # variable -> (spec, role or None)
            for role, entry_point in entry_points:
                for name, spec in role_spec(role, entry_point).items():
                    options.setdefault(name, (spec, role))
        except (ValueError, OSError) as exc:
            return dict(result, failed=True, msg="validate_variables: %s" % exc)
        for name, spec in args["variables"].items():
            options[name] = (spec, None)

        problems, values = [], {}
        for name, (spec, role) in options.items():
            secret = name in variable_rules.SECRET_VARIABLES
            before = len(problems)
            found, value = self._value(name, role, spec, task_vars, problems)
            if len(problems) > before:
                continue
            if not found:
                if spec.get("required"):
                    problems.append(Problem(name, "is not set", allowed_for(spec)))
                continue
            converted = check(name, value, spec, problems, secret)
            if len(problems) > before:
                for problem in problems[before:]:
                    if problem.path == name and name in variable_rules.ALLOWED:
                        problem.allowed = variable_rules.ALLOWED[name]
                continue
            values[name] = converted
        for name in list(values):
            for rule in variable_rules.VARIABLE_RULES.get(name, []):
                if values[name] is not None:
                    rule(name, values[name], problems, values)
        for rule in variable_rules.CROSS_RULES:
            rule(values, problems)
        problems.extend(unknown_variables(task_vars, entry_points, options))

        host = task_vars.get("inventory_hostname", "?")
        if problems:
            return dict(result, failed=True, changed=False, problems=[str(problem) for problem in problems],
                        msg="Invalid variables for host %s (nothing was changed): %s."
                        % (host, "; ".join(str(problem) for problem in problems)))
        return dict(result, changed=False, msg="The variables of host %s are valid." % host,
                    validated=sorted(values))

    def _value(self, name, role, spec, task_vars, problems):
        """(found, value) of a variable as the role will see it: set for the host, or the role's default."""
        if name in task_vars:
            raw = task_vars[name]
        elif role and name in role_defaults(role):
            raw = role_defaults(role)[name]
        elif "default" in spec:
            return True, spec["default"]
        else:
            return False, None
        try:
            return True, self._templar.template(raw)
        except AnsibleError as exc:
            problems.append(Problem(name, "cannot be evaluated (%s)" % first_line(exc), "a value or a template that "
                                    "renders"))
            return True, None


def parse_entry_point(text):
    role, _sep, entry_point = text.partition(":")
    role = role.rpartition(".")[2]  # cloudbroker.alibaba.ram_onboarding -> ram_onboarding
    if role not in ROLES:
        raise ValueError("unknown role %r in entry_points (roles: %s)" % (role, ", ".join(ROLES)))
    return role, entry_point or "main"


def unknown_variables(task_vars, entry_points, options):
    """Variables named like a role's but read by none of its entry points: most likely typos."""
    problems = []
    for role in sorted(set(role for role, _entry in entry_points)):
        prefix = role + "_"
        known = role_option_names(role) | set(role_defaults(role)) | set(options) | variable_rules.INTERNAL_VARIABLES
        known |= variable_rules.PLAYBOOK_VARIABLES
        for name in sorted(task_vars):
            if name.startswith(prefix) and name not in known:
                close = difflib.get_close_matches(name, sorted(role_option_names(role)), n=1)
                problems.append(Problem(name, "is not a variable of the %s role%s" % (
                    role, " (did you mean %s?)" % close[0] if close else ""), "the variables in its argument spec"))
    return problems


def first_line(exc):
    message = getattr(exc, "message", None) or str(exc)
    return str(message).strip().splitlines()[0] if str(message).strip() else type(exc).__name__
