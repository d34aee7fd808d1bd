# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Counts task executions per action and how each ran, for benchmarks/bench.py.

``meta``: a meta task, decided by ansible-playbook itself (no worker process); ``include``: an include, its
result handled by the strategy; ``skipped``: a task whose condition was false (in a worker process);
``controller``: the task's action has an action plugin, which did the work in the controller's process
(``set_fact``, ``assert``, the collection's resources: the benchmark's hosts all use a local connection, so
those never fall back to their modules); ``module``: a module ran in a new interpreter (the ``normal``
action).
Written as JSON to ``$CLOUDBROKER_BENCH_TASKS`` when the playbook ends.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
name: bench_tasks
type: aggregate
short_description: task execution counts for the benchmark
description:
  - Writes counts of task executions per action, split into controller-side and module runs, to the file
    named by E(CLOUDBROKER_BENCH_TASKS).
author: cloudbroker.alibaba maintainers (@cloudbroker)
requirements:
  - enabled in callbacks_enabled
"""

import collections
import json
import os

from ansible import constants as C
from ansible.plugins.callback import CallbackBase
from ansible.plugins.loader import action_loader


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_tasks"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.counts = collections.Counter()
        self.per_action = collections.defaultdict(collections.Counter)

    def _count(self, result, skipped=False):
        task = result._task
        action = task.resolved_action or task.action
        if action in C._ACTION_META:  # pylint: disable=protected-access
            kind = "meta"  # decided by ansible-playbook itself, no worker process
        elif skipped:
            kind = "skipped"
        elif action in C._ACTION_ALL_INCLUDES:  # pylint: disable=protected-access
            kind = "include"  # done by the strategy, no action runs
        elif action_loader.has_plugin(action, collection_list=task.collections):
            kind = "controller"
        else:
            kind = "module"
        self.counts[kind] += 1
        self.per_action[action][kind] += 1

    def v2_runner_on_ok(self, result):
        self._count(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._count(result)

    def v2_runner_on_skipped(self, result):
        self._count(result, skipped=True)

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("CLOUDBROKER_BENCH_TASKS")
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(dict(totals=dict(self.counts), per_action=dict((k, dict(v)) for k, v in self.per_action.items())),
                          handle, indent=1, sort_keys=True)
