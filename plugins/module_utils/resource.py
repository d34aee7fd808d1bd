# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resource layer's contract: what every resource gets (a ``Task``) and gives (a result dict).

A *resource* is the logic of one module: read the current state, work out the delta and the diff,
apply it unless in check mode, and describe the outcome. It lives in ``module_utils`` as a ``Resource``
(its argument spec, its rules and its ``run(task)`` function) and knows nothing of ``AnsibleModule`` or
of action plugins. Two thin shells run it and return identical results:

* ``module_utils/module_shell.py``: the module (``plugins/modules/<name>.py``), which runs wherever the
  task runs (a delegated jump host, for instance);
* ``plugin_utils/action_shell.py``: the action plugin of the same name, which runs the resource in the
  controller's process when the task's connection is local (no interpreter, no AnsiballZ, no SDK import
  per task) and falls back to the module otherwise.

Both validate the task's arguments with the same spec (``Resource.module_kwargs``), then call
``execute(run, task)``, which turns every expected failure into one clean result: an ``InputError``
(bad input, found before any remote call: the message names the option and what is allowed) or a
``CloudError`` (a remote call failed: the message names the action, the code and the request id).
Secrets a resource meets at run time (``Task.add_secret``) are masked by both shells like ``no_log``
option values.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class InputError(Exception):
    """Bad input, detected before any remote call was made.

    ``option`` names the option at fault (``None`` for a rule that spans several).
    """

    def __init__(self, message, option=None):
        self.option = option
        super(InputError, self).__init__(message)

    @property
    def message(self):
        return self.args[0]


class CloudError(Exception):
    """A remote call that failed, reduced to what a user needs (never a secret, never a traceback).

    The RAM and marketplace rooms subclass it; ``describe()`` is the one-line message and ``as_dict()``
    the structured ``error`` key of a failed result.
    """

    def describe(self):
        return str(self)

    def as_dict(self):
        return dict(message=str(self))


class TaskFailed(Exception):
    """A failure that a resource words itself after remote calls (a conflict it explains, for instance).

    ``fields`` become keys of the failed result next to ``msg``.
    """

    def __init__(self, message, **fields):
        self.fields = fields
        super(TaskFailed, self).__init__(message)


class Resource:
    """One resource: its options, the rules across them, the services it talks to and its logic.

    ``argument_spec`` holds the resource's own options; the shared connection options of each service in
    ``services`` are merged in by ``module_kwargs`` (``services_spec(services)`` is given by the caller
    so that this file imports no service). ``run(task)`` returns the result dict.
    """

    RULES = ("mutually_exclusive", "required_together", "required_one_of", "required_if", "required_by")

    def __init__(self, name, argument_spec, run, services=(), **rules):
        unknown = set(rules) - set(self.RULES)
        if unknown:
            raise TypeError("unknown rules for %s: %s" % (name, ", ".join(sorted(unknown))))
        self.name = name
        self.argument_spec = argument_spec
        self.run = run
        self.services = tuple(services)
        self.rules = rules

    def module_kwargs(self, services_spec):
        """Keyword arguments for ``AnsibleModule`` / ``ArgumentSpecValidator``: one spec, two shells."""
        spec, rules = services_spec(self.services)
        spec = dict(spec)
        spec.update(self.argument_spec)
        kwargs = {}
        for name in self.RULES:
            for value in (rules.get(name), self.rules.get(name)):
                if isinstance(value, dict):  # required_by: {option: [options it needs]}
                    kwargs.setdefault(name, {}).update(value)
                elif value:
                    kwargs.setdefault(name, []).extend(value)
        kwargs["argument_spec"] = spec
        return kwargs


class Task:
    """What a resource sees of the task that runs it: options, modes, warnings, secrets and clients.

    ``clients`` builds the service clients on first use (so that input errors never reach the network);
    it is given by the shell: ``connect(params, task)`` returns an object with the clients as attributes.
    """

    def __init__(self, params, check_mode=False, diff=False, connect=None, no_log=False):
        self.params = params
        self.check_mode = bool(check_mode)
        self.diff = bool(diff)
        self.no_log = bool(no_log)  # the task's no_log: a resource that returns a secret may insist on it
        self.warnings = []
        self.secrets = set()
        self._connect = connect
        self._clients = None

    # -- the shells read these ---------------------------------------------------------------------------
    def warn(self, message):
        if message not in self.warnings:
            self.warnings.append(message)

    def add_secret(self, value):
        """A secret met at run time (an answer's password field): masked in the result like a no_log option."""
        if isinstance(value, str) and value:
            self.secrets.add(value)

    # -- the resource uses these -------------------------------------------------------------------------
    @property
    def clients(self):
        if self._clients is None:
            if self._connect is None:
                raise RuntimeError("this task has no service connection")
            self._clients = self._connect(self.params, self)
        return self._clients

    def result(self, changed, key, before, after, **extra):
        """The result dict of a resource: ``changed``, the resource under ``key``, ``diff`` in diff mode."""
        result = dict(changed=bool(changed))
        result[key] = after
        if self.diff:
            result["diff"] = dict(before=before if before is not None else {},
                                  after=after if after is not None else {})
        result.update(extra)
        return result


def failure(message, **fields):
    """A failed result dict (what both shells return for an expected failure)."""
    result = dict(failed=True, msg=message)
    result.update(fields)
    return result


def execute(run, task, expected=(CloudError,)):
    """Call ``run(task)`` (a resource's logic); expected failures become a failed result, never a traceback.

    ``expected`` lists the further exception classes a service reports its failures with (the credential
    library's ``CredentialException``, for instance); each must be worded safely by ``describe_failure``.
    """
    try:
        return run(task)
    except InputError as error:
        fields = dict(option=error.option) if error.option else {}
        return failure(error.message, **fields)
    except TaskFailed as error:
        return failure(str(error), **error.fields)
    except CloudError as error:
        return failure(error.describe(), error=error.as_dict())
    except expected as error:  # pylint: disable=catching-non-exception
        return failure(describe_failure(error))


def describe_failure(error):
    describe = getattr(error, "describe", None)
    if callable(describe):
        return describe()
    return "%s: %s" % (type(error).__name__, error)
