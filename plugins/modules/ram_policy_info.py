#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_policy_info
short_description: Read RAM policies, their documents and versions
version_added: 1.0.0
description:
  - Returns one RAM policy (O(name), one C(GetPolicy) call per policy type tried) or a list of
    policies of a type, read page by page.
  - Optionally with the default version's document and with every version.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  name:
    description:
      - Name of one policy (case-sensitive). An unknown name returns an empty list.
      - With O(policy_type=All), the policy is looked up as a Custom policy, then as a System policy.
    type: str
    aliases: [policy_name]
  policy_type:
    description: Which policies - V(System) (Alibaba Cloud's), V(Custom) (the account's) or V(All).
    type: str
    choices: [System, Custom, All]
    default: All
    aliases: [type]
  name_prefix:
    description: Only policies whose name starts with this prefix (case-sensitive).
    type: str
  include_document:
    description:
      - Also return each policy's default document, parsed. In a list this costs one C(GetPolicy) call
        per policy; with O(name) it is free.
    type: bool
    default: false
  include_versions:
    description: Also return each policy's versions with their documents (one C(ListPolicyVersions) call per policy).
    type: bool
    default: false
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.info_module
"""

EXAMPLES = r"""
- name: One custom policy with its document and versions
  cloudbroker.alibaba.ram_policy_info:
    name: broker-oss-read
    policy_type: Custom
    include_document: true
    include_versions: true
  register: policy

- name: Every system policy for OSS
  cloudbroker.alibaba.ram_policy_info:
    policy_type: System
    name_prefix: AliyunOSS
  register: oss_policies
"""

RETURN = r"""
policies:
  description: The policies found, sorted by name (an empty list when none match).
  returned: always
  type: list
  elements: dict
  contains:
    policy_name:
      description: Name.
      type: str
      sample: AdministratorAccess
    policy_type:
      description: V(System) or V(Custom).
      type: str
    description:
      description: Description.
      type: str
    default_version:
      description: The default version.
      type: str
      sample: v1
    attachment_count:
      description: How many users, groups and roles the policy is attached to.
      type: int
    create_date:
      description: Creation time (UTC).
      type: str
    update_date:
      description: Last update time (UTC).
      type: str
    policy_document:
      description: The default version's document, parsed (with O(include_document)).
      type: dict
      returned: when O(include_document=true)
    versions:
      description: All versions, oldest first (with O(include_versions)).
      type: list
      elements: dict
      returned: when O(include_versions=true)
      contains:
        version_id:
          description: Version, such as V(v3).
          type: str
        is_default_version:
          description: Whether this is the default version.
          type: bool
        create_date:
          description: Creation time (UTC).
          type: str
        policy_document:
          description: The version's document, parsed.
          type: dict
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_ram import (
    POLICY_NAME_RE,
    RamModule,
    get_policy,
    parse_policy_document,
    policy_view,
)


def versions_of(client, policy):
    page = client.call("ListPolicyVersions", PolicyName=policy["PolicyName"], PolicyType=policy["PolicyType"])
    versions = (page.get("PolicyVersions") or {}).get("PolicyVersion") or []
    return [dict(version_id=v["VersionId"], is_default_version=bool(v.get("IsDefaultVersion")),
                 create_date=v.get("CreateDate"), policy_document=parse_policy_document(v.get("PolicyDocument")))
            for v in sorted(versions, key=lambda v: int(v["VersionId"].lstrip("v") or 0))]


def run_module(module):
    params = module.params
    if params["name"] is not None and not POLICY_NAME_RE.match(params["name"]):
        module.fail_json(msg="Invalid policy name %r: 1-128 characters, letters, digits or '-'." % params["name"])
    types = ["Custom", "System"] if params["policy_type"] == "All" else [params["policy_type"]]
    client = module.ram
    if params["name"]:
        policies = []
        for policy_type in types:
            found = get_policy(client, params["name"], policy_type)
            if found:
                policies = [found]
                break
        detailed = True
    else:
        policy_type = None if params["policy_type"] == "All" else params["policy_type"]
        policies = client.paginate("ListPolicies", "Policies", "Policy", PolicyType=policy_type)
        detailed = False
    if params["name_prefix"]:
        policies = [p for p in policies if p["PolicyName"].startswith(params["name_prefix"])]
    result = []
    for policy in sorted(policies, key=lambda p: (p["PolicyName"], p["PolicyType"])):
        if params["include_document"] and not detailed:
            policy = get_policy(client, policy["PolicyName"], policy["PolicyType"]) or policy
        view = policy_view(policy, include_document=params["include_document"])
        if params["include_versions"]:
            view["versions"] = versions_of(client, policy)
        result.append(view)
    return dict(changed=False, policies=result)


def main():
    module = RamModule(
        argument_spec=dict(
            name=dict(type="str", aliases=["policy_name"]),
            policy_type=dict(type="str", default="All", choices=["System", "Custom", "All"], aliases=["type"]),
            name_prefix=dict(type="str"),
            include_document=dict(type="bool", default=False),
            include_versions=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
