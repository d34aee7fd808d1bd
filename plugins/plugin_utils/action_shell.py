# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action shell: run a resource in the controller's process (``plugins/action/<name>.py``).

Cloud API tasks run on the controller (``connection: local``). There, an action plugin needs no new
interpreter, no AnsiballZ payload and no fresh import of the SDK: the linear and free strategies load the
action class in the main process before they fork the workers, so the imports below are paid once per
playbook run (docs/benchmarks.md has the measurements). When the task's connection is not local (a task
delegated to a jump host with network access), the module of the same name runs there instead.

Parity with the module shell: the same argument spec and rules (``argument_spec_for``), ``module_defaults``
(already merged into the task's arguments by ansible-core), the task's ``environment`` (seen by the options'
environment fallbacks and the credential chain), check and diff mode, ``no_log`` option values and the
secrets a resource meets masked exactly as ``AnsibleModule.exit_json`` masks them, ``invocation`` with the
masked arguments, warnings. The integration suite runs every module through both shells and compares.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import datetime
import json
import os

from ansible import constants as C
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase
from ansible.plugins.loader import filter_loader, test_loader

# Imported here, in the controller's main process, so that no worker pays for them again.
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace import options as _marketplace_room  # noqa: F401 pylint: disable=unused-import
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import connection as _ram_room  # noqa: F401 pylint: disable=unused-import
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import access_keys, sts_sessions, tls
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.services import argument_spec_for, run_resource

# The SDK's default TLS context (the system's trust store and certifi's bundle, ~0.1 s of CPU) is built here, once,
# instead of in every worker that calls RAM (module_utils/ram/tls.py).
tls.preload()
# The tasks of this run share their STS sessions (one AssumeRole per role and run, not per task), in the run's
# private temporary directory, which ansible-playbook removes when the run ends (module_utils/ram/sts_sessions.py).
sts_sessions.share_within(C.DEFAULT_LOCAL_TMP)


def load_jinja_plugins():
    """Load ansible-core's own Jinja filters and tests in the main process, which keeps them for the run.

    A worker loads them the first time one of its templates uses a filter or a test (``default``, ``is defined``,
    ``selectattr('name', '==', ...)``: nearly every task of the onboarding chain), unless the main process has
    loaded them before it forked: in a no-change run that was about 7% of the workers' CPU (docs/architecture.md).
    A warm-up only: whatever fails here fails, or not, in the worker as it did without it."""
    for loader in (filter_loader, test_loader):
        try:
            for _plugin in loader.all():
                pass
        except Exception:  # pylint: disable=broad-except  # see above: the worker loads them itself
            pass


load_jinja_plugins()
# The first strptime imports _strptime and compiles the format's pattern: the key age of ram_access_key.
datetime.datetime.strptime("2000-01-01T00:00:00Z", access_keys.CREATE_DATE_FORMAT)

LOCAL_TRANSPORTS = frozenset(["local", "ansible.builtin.local"])


def plain(value):
    """The task's arguments as plain Python data (ansible-core may hand over tagged or lazy containers)."""
    return json.loads(json.dumps(value, default=str))


@contextlib.contextmanager
def environment(variables):
    """The task's ``environment`` for the duration of the resource (the worker is a forked process of one
    task, so nothing leaks to other tasks; it is restored all the same)."""
    saved = dict((name, os.environ.get(name)) for name in variables)
    os.environ.update(dict((name, str(value)) for name, value in variables.items()))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class ResourceAction(ActionBase):
    """Subclasses set ``RESOURCE`` (a ``module_utils.resource.Resource``)."""

    RESOURCE = None
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset()  # every argument is the resource's: checked by its argument spec

    def runs_on_controller(self):
        return getattr(self._connection, "transport", None) in LOCAL_TRANSPORTS

    def run(self, tmp=None, task_vars=None):
        result = super(ResourceAction, self).run(tmp, task_vars)
        if not self.runs_on_controller():
            result.update(self._execute_module(module_name=self._task.resolved_action or self._task.action,
                                               module_args=self._task.args, task_vars=task_vars))
            return result
        variables = {}
        self._compute_environment_string(variables)
        with environment(variables):
            result.update(self.run_resource())
        return result

    def run_resource(self):
        resource = self.RESOURCE
        validator = ArgumentSpecValidator(**argument_spec_for(resource))
        validated = validator.validate(plain(self._task.args))
        no_log_values = set(validated._no_log_values)  # pylint: disable=protected-access
        if validated.error_messages:
            error = validated.errors[0]
            message = validated.errors.msg
            if isinstance(error, UnsupportedError):  # worded as AnsibleModule words it
                message = "Unsupported parameters for (%s) module: %s" % (self._task.resolved_action, message)
            return self._masked(dict(failed=True, msg=message), no_log_values, validated.validated_parameters)
        params = validated.validated_parameters
        result, task = run_resource(resource, params, check_mode=self._task.check_mode, diff=self._task.diff,
                                    no_log=self._task.no_log)
        no_log_values.update(task.secrets)
        if task.warnings:
            result["warnings"] = list(task.warnings)
        return self._masked(result, no_log_values, params)

    @staticmethod
    def _masked(result, no_log_values, params):
        result = dict(result)
        result["invocation"] = dict(module_args=params)
        return remove_values(result, no_log_values)
