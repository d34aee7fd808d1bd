# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``ram_security_report`` resource: options, their checks, and the run.

May touch: nothing in the account (reads only, see ``facts``); on the machine that runs the task, the
file ``summary_file`` when it is set (``report_file``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import os

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.security_report.catalogue import CHECKS
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.security_report.facts import collect
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.security_report.markdown import render_markdown
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.security_report.report_file import (
    check_report_path,
    write_report,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.security_report.rules import (
    count_checked,
    evaluate,
    summarize,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, Resource

THRESHOLDS = ("max_key_age_days", "max_key_unused_days", "min_password_length")


def check_report_options(params):
    """The report file's absolute path (None when not asked for); ``InputError`` for a bad option."""
    for name in ("max_key_age_days", "max_key_unused_days"):
        if params[name] < 0:
            raise InputError("%s must be 0 or more, got %d" % (name, params[name]), option=name)
    if not 8 <= params["min_password_length"] <= 32:
        raise InputError("min_password_length must be between 8 and 32 (RAM's limits), got %d"
                         % params["min_password_length"], option="min_password_length")
    if not params["summary_file"]:
        return None
    path = os.path.abspath(params["summary_file"])
    check_report_path(path)
    return path


def run_report(task):
    params = task.params
    path = check_report_options(params)
    skip = tuple(params["skip_checks"])
    state, calls = collect(task.clients.ram, task.clients.sts, skip)
    thresholds = dict((name, params[name]) for name in THRESHOLDS)
    findings = evaluate(state, datetime.datetime.now(datetime.timezone.utc), skip=skip, **thresholds)
    summary = summarize(findings)
    checked = count_checked(state, skip)
    result = dict(changed=False, findings=findings, summary=summary, checked=checked,
                  caller_identity=state["identity"], account_id=state["account_id"], api_calls=calls)
    if path:
        content = render_markdown(state["account_id"], state["identity"], findings, summary, checked, thresholds)
        changed, before = write_report(path, content, check_mode=task.check_mode)
        result.update(changed=changed, summary_file=path)
        if task.diff:
            result["diff"] = dict(before=before or "", after=content, before_header=path, after_header=path)
    return result


REPORT = Resource(
    "ram_security_report",
    dict(
        max_key_age_days=dict(type="int", default=90, no_log=False),
        max_key_unused_days=dict(type="int", default=90, no_log=False),
        min_password_length=dict(type="int", default=14, no_log=False),
        skip_checks=dict(type="list", elements="str", default=[], choices=list(CHECKS)),
        summary_file=dict(type="path"),
    ),
    run_report,
    services=("ram",),
)
