#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_security_report
short_description: Check an Alibaba Cloud account against the RAM security best practices
version_added: 1.0.0
description:
  - Reads the RAM state of the account the credentials belong to and reports what departs from the
    best practices of the RAM guide - the root account used for daily work, console users without MFA,
    whether MFA is enforced for console logon, the password policy, old, unused, never used and inactive
    AccessKeys, users with more than one active AccessKey, and users and groups holding
    C(AdministratorAccess).
  - Returns structured RV(findings) (one per problem and resource, with a severity and what to do), a
    RV(summary) with counts, and the counts of what was examined (RV(checked)).
  - Optionally writes a human-readable Markdown report to O(summary_file), with a table of the findings and
    a Mermaid pie chart of the findings by severity. Only the report file is ever written; nothing in the
    account is changed.
  - Every finding and its fix are described in C(docs/security-report.md) of the collection.
  - Cost per account - C(GetCallerIdentity), C(GetPasswordPolicy), C(GetSecurityPreference),
    C(ListEntitiesForPolicy) once each; C(ListUsers) and C(ListGroups) once per 100 entities;
    C(ListUsersForGroup) per group holding C(AdministratorAccess); per user C(ListAccessKeys) and
    C(GetLoginProfile); C(GetUserMFAInfo) per user with console access; C(GetAccessKeyLastUsed) per active
    AccessKey. Checks listed in O(skip_checks) skip the calls only they need.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  max_key_age_days:
    description: An active AccessKey created more than this many days ago is reported (C(access_key_too_old)).
    type: int
    default: 90
  max_key_unused_days:
    description: An active AccessKey last used more than this many days ago is reported (C(access_key_unused)).
    type: int
    default: 90
  min_password_length:
    description: The password policy is reported as weak when it allows passwords shorter than this.
    type: int
    default: 14
  skip_checks:
    description:
      - Checks not to run, by ID (a risk that is accepted, for example C(user_admin_access) for the
        marketplace's own user). API calls that only a skipped check needs are not made.
    type: list
    elements: str
    default: []
    choices:
      - root_account_in_use
      - console_user_without_mfa
      - console_user_mfa_pending
      - console_mfa_not_enforced
      - mfa_self_service_disabled
      - mfa_ticket_saved
      - password_policy_weak
      - console_login_unrestricted
      - user_admin_access
      - group_admin_access
      - access_key_too_old
      - access_key_unused
      - access_key_never_used
      - access_key_inactive
      - user_multiple_active_keys
  summary_file:
    description:
      - Path of a Markdown report to write (atomically, mode C(0644); it holds no secret). Its directory is
        created when missing.
      - The file holds no timestamp, so that it changes - and the task reports C(changed) - only when the
        findings change. In check mode the file is not written; C(changed) tells whether it would be.
    type: path
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
notes:
  - The caller needs read access to RAM (the system policy C(AliyunRAMReadOnlyAccess) is enough);
    C(GetCallerIdentity) needs no permission. Run it as a RAM user or role, not with the root account's
    key - with the root key it reports exactly that (C(root_account_in_use)).
  - Diff mode shows the report file before and after.
seealso:
  - module: cloudbroker.alibaba.ram_caller_identity_info
  - module: cloudbroker.alibaba.ram_password_policy
  - module: cloudbroker.alibaba.ram_security_preference
  - module: cloudbroker.alibaba.ram_login_profile
  - module: cloudbroker.alibaba.ram_access_key
"""

EXAMPLES = r"""
- name: Check the account, write reports/prod.md
  cloudbroker.alibaba.ram_security_report:
    summary_file: reports/prod.md
  register: report

- name: Fail on any high-severity finding
  ansible.builtin.assert:
    that: report.summary.by_severity.high == 0
    fail_msg: "{{ report.findings | selectattr('severity', 'eq', 'high') | map(attribute='message') | list }}"

- name: Stricter key hygiene; the broker user is meant to hold AdministratorAccess
  cloudbroker.alibaba.ram_security_report:
    max_key_age_days: 30
    max_key_unused_days: 30
    skip_checks: [user_admin_access]
"""

RETURN = r"""
findings:
  description: What departs from the best practices, most severe first (then by check and resource).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The check that found it (see O(skip_checks) for the list).
      type: str
      sample: console_user_without_mfa
    severity:
      description: V(high), V(medium), V(low) or V(info).
      type: str
      sample: high
    title:
      description: What the check is about, in a few words.
      type: str
      sample: Console user without MFA
    resource_type:
      description: V(account), V(user), V(group) or V(access_key).
      type: str
      sample: user
    resource_name:
      description:
        - The account ID, the user or group name, or C(<user name>/<AccessKey ID>) for an AccessKey.
      type: str
      sample: alice
    message:
      description: What was found.
      type: str
    recommendation:
      description: What to do about it.
      type: str
summary:
  description: Counts of the findings.
  returned: always
  type: dict
  contains:
    total:
      description: Number of findings.
      type: int
      sample: 4
    by_severity:
      description: Findings per severity (every severity is present).
      type: dict
      sample: {"high": 1, "medium": 2, "low": 1, "info": 0}
    by_check:
      description: Findings per check ID (checks without findings are left out).
      type: dict
      sample: {"console_user_without_mfa": 1, "access_key_never_used": 3}
checked:
  description: What was examined.
  returned: always
  type: dict
  contains:
    users:
      description: RAM users.
      type: int
    console_users:
      description: RAM users with console access (a login profile); 0 when no console check ran.
      type: int
    groups:
      description: RAM groups.
      type: int
    access_keys:
      description: AccessKeys of RAM users (active and inactive); 0 when no AccessKey check ran.
      type: int
    active_access_keys:
      description: Active AccessKeys of RAM users.
      type: int
    skipped_checks:
      description: The checks that did not run (O(skip_checks)).
      type: list
      elements: str
caller_identity:
  description: Who ran the report (STS C(GetCallerIdentity)); see M(cloudbroker.alibaba.ram_caller_identity_info).
  returned: always
  type: dict
  sample: {"identity_type": "RAMUser", "account_id": "1234567890123456", "is_root": false,
           "arn": "acs:ram::1234567890123456:user/auditor", "user_id": "216959339000654321",
           "principal_id": "216959339000654321"}
account_id:
  description: ID of the account that was checked.
  returned: always
  type: str
  sample: "1234567890123456"
api_calls:
  description: API calls the report made, per action (retries not counted).
  returned: always
  type: dict
  sample: {"GetCallerIdentity": 1, "ListUsers": 1, "ListAccessKeys": 12, "GetAccessKeyLastUsed": 14}
summary_file:
  description: The report file's path.
  returned: when O(summary_file) is set
  type: str
  sample: /srv/reports/prod.md
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.security_report.report import REPORT


def main():
    run_as_module(REPORT)


if __name__ == "__main__":
    main()
