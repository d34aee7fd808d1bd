"""A scripted stand-in for ``RamClient`` and the task around a resource, for the units of module_utils/ram.

``FakeRam(answers)``: ``answers`` maps an action to a dict (the answer), a callable ``(params) -> dict``, or
a ``RamError`` (raised, unless its code is in the call's ``ignore``, which then returns ``None`` as the real
client does). Every call is recorded in ``calls`` as ``(action, params)``.
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.client import RamClient
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError, code_matches
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import Task

READ_PREFIXES = ("Get", "List")


class FakeRam:
    def __init__(self, answers=None):
        self.answers = dict(answers or {})
        self.calls = []

    def call(self, action, idempotent=True, ignore=(), **params):
        self.calls.append((action, params))
        answer = self.answers.get(action, {})
        if callable(answer):
            answer = answer(params)
        if isinstance(answer, RamError):
            if code_matches(answer.code, ignore):
                return None
            raise answer
        return answer

    paginate = RamClient.paginate  # the real paging over the fake call

    def actions(self):
        return [action for action, _params in self.calls]

    def writes(self):
        return [action for action in self.actions() if not action.startswith(READ_PREFIXES)]


class Clients:
    def __init__(self, ram):
        self.ram = ram


def make_task(params, ram, check_mode=False, diff=True):
    return Task(params, check_mode=check_mode, diff=diff, connect=lambda _params, _task: Clients(ram))


def missing(action, code):
    return RamError(action, code=code, message="not found", status=404)
