# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes every task result as one JSON line to ``$CLOUDBROKER_RESULT_LOG`` (tests compare the shells)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
name: result_log
type: aggregate
short_description: task results as JSON lines (tests only)
description:
  - Appends C({"task", "action", "host", "status", "result"}) per task result to the file named by
    the environment variable E(CLOUDBROKER_RESULT_LOG).
author: cloudbroker.alibaba maintainers (@cloudbroker)
requirements:
  - enabled in callbacks_enabled
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "result_log"
    CALLBACK_NEEDS_ENABLED = True

    def _write(self, result, status):
        path = os.environ.get("CLOUDBROKER_RESULT_LOG")
        if not path:
            return
        data = dict((key, value) for key, value in result._result.items() if not key.startswith("_ansible"))
        line = dict(task=result.task_name or result._task.get_name(), action=result._task.action,
                    host=result._host.get_name(), status=status, result=data)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, default=str, sort_keys=True) + "\n")

    def v2_runner_on_ok(self, result):
        self._write(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._write(result, "skipped")
