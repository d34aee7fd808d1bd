# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report file's text: Markdown with a summary table, a Mermaid pie chart and the findings.

Deterministic for a given state: no timestamp, sorted content, dates but no ages in the messages, so
that the file (and the task's ``changed``) changes only when the findings do.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.security_report.catalogue import SEVERITIES


def cell(text):
    """A Markdown table cell: no pipe or line break may end the cell early."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def render_markdown(account_id, identity, findings, summary, checked, thresholds):
    """The report file. Deterministic for a given state and day: no timestamp, sorted content."""
    lines = ["# RAM security report: account %s" % account_id, ""]
    lines.append("Checked as `%s` (%s): %d users (%d with console access), %d groups, %d AccessKeys "
                 "(%d active)." % (identity.get("arn") or "?", identity.get("identity_type") or "?",
                                   checked["users"], checked["console_users"], checked["groups"],
                                   checked["access_keys"], checked["active_access_keys"]))
    lines.append("")
    lines.append("Thresholds: AccessKeys older than %(max_key_age_days)d days or unused for "
                 "%(max_key_unused_days)d days; passwords of at least %(min_password_length)d characters."
                 % thresholds)
    if checked["skipped_checks"]:
        lines.append("Skipped checks: %s." % ", ".join("`%s`" % c for c in checked["skipped_checks"]))
    lines += ["", "## Summary", ""]
    if not findings:
        lines += ["No findings: the account follows every best practice checked here.", ""]
    else:
        lines += ["| severity | findings |", "|---|---:|"]
        lines += ["| %s | %d |" % (severity, summary["by_severity"][severity]) for severity in SEVERITIES]
        lines += ["| **total** | **%d** |" % summary["total"], ""]
        lines += ["```mermaid", "pie showData title Findings by severity"]
        lines += ['    "%s" : %d' % (severity, summary["by_severity"][severity])
                  for severity in SEVERITIES if summary["by_severity"][severity]]
        lines += ["```", ""]
        lines += ["| check | findings |", "|---|---:|"]
        lines += ["| `%s` | %d |" % (check, count) for check, count in
                  sorted(summary["by_check"].items(), key=lambda item: (-item[1], item[0]))]
        lines += ["", "## Findings", "",
                  "| severity | check | resource | finding | what to do |", "|---|---|---|---|---|"]
        for item in findings:
            lines.append("| %s | `%s` | %s `%s` | %s | %s |" % (
                item["severity"], item["id"], item["resource_type"].replace("_", " "), cell(item["resource_name"]),
                cell(item["message"]), cell(item["recommendation"])))
        lines.append("")
    lines += ["Each check and its fix: `docs/security-report.md` of the cloudbroker.alibaba collection.", ""]
    return "\n".join(lines)
