"""Test doubles for the RAM resources: a scripted ``RamClient`` and a ``Task`` with validated options.

``FakeRam`` answers ``call(action, ...)`` from a script (``{action: answer}``; an answer may be a value, a
function of the call's parameters, a ``RamError`` to raise, or a list consumed one answer per call) and
honours ``ignore`` as the real client does, so a resource runs against it unchanged.
"""

import types

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError, code_matches
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import Task
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.services import argument_spec_for


class FakeRam:
    def __init__(self, script=None):
        self.script = dict(script or {})
        self.calls = []  # (action, params)
        self.non_idempotent = []  # actions sent with idempotent=False

    def call(self, action, idempotent=True, ignore=(), **params):
        params = dict((k, v) for k, v in params.items() if v is not None)
        self.calls.append((action, params))
        if not idempotent:
            self.non_idempotent.append(action)
        if action not in self.script:
            raise AssertionError("unexpected call %s %r" % (action, params))
        answer = self.script[action]
        if isinstance(answer, list):
            answer = answer.pop(0)
        if callable(answer) and not isinstance(answer, RamError):
            answer = answer(**params)
        if isinstance(answer, RamError):
            if code_matches(answer.code, ignore):
                return None
            raise answer
        return answer

    def pause_before_retry(self, error, retries_of_call, limit=3):
        """The real client sleeps within its budgets; this one allows ``limit`` resends, then gives up."""
        self.calls.append(("(pause)", {}))
        if retries_of_call >= limit:
            error.give_up("gave up after %d retries in 0 s (max_retries)" % retries_of_call)
            raise error

    def paginate(self, action, wrapper, item, **params):
        page = self.call(action, **params)
        return (page.get(wrapper) or {}).get(item) or []

    def actions(self):
        return [action for action, _params in self.calls]


def missing(action, code):
    return RamError(action, code=code, message="does not exist", request_id="REQ-1", status=404)


def task_for(resource, args, check_mode=False, diff=False, no_log=False, ram=None, sts=None):
    """A ``Task`` whose params went through the resource's argument spec (defaults filled in)."""
    validated = ArgumentSpecValidator(**argument_spec_for(resource)).validate(dict(args))
    assert not validated.error_messages, validated.error_messages
    clients = types.SimpleNamespace(ram=ram, sts=sts)
    return Task(validated.validated_parameters, check_mode=check_mode, diff=diff, no_log=no_log,
                connect=lambda params, task: clients)
