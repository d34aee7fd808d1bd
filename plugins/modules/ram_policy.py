#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_policy
short_description: Manage an Alibaba Cloud RAM custom policy and its versions
version_added: 1.0.0
description:
  - Creates, updates or deletes a custom RAM policy (System policies are Alibaba Cloud's own and cannot
    be changed).
  - The policy document is checked against the RAM policy grammar before any remote call, so a typo
    fails at once with a message naming the statement.
  - The document is compared by meaning, not by text (see O(policy_document)). A changed document
    becomes a new version that is set as the default; old versions are rotated out explicitly so that
    the RAM limit of five versions per policy is never hit.
  - Attaching the policy to users, groups and roles is done by M(cloudbroker.alibaba.ram_policy_attachment)
    or the C(policies) option of M(cloudbroker.alibaba.ram_user) and M(cloudbroker.alibaba.ram_group).
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  name:
    description: Name of the policy; 1-128 characters, letters, digits or C(-). Names are case-sensitive.
    type: str
    required: true
    aliases: [policy_name]
  description:
    description:
      - Description of the policy, up to 1024 characters. Not set means the current description is kept.
      - A change is applied in place (C(UpdatePolicyDescription)); it does not make a new version.
    type: str
  policy_document:
    description:
      - The policy document, as a dict (YAML) or a JSON string. Required to create the policy; not set
        on an existing policy means the document is left alone.
      - 'Grammar checked before any call: C(Version) is the string C("1"); C(Statement) is a non-empty
        list; each statement has C(Effect) (C(Allow) or C(Deny)), exactly one of C(Action) and C(NotAction)
        (a string or a list of C(service:action) strings, or C(*)), exactly one of C(Resource) and
        C(NotResource) (a string or a list), and optionally C(Condition) (a dict of operators to dicts of
        keys and values). Other keys are refused. Errors name the statement by its index from 0, as
        C(Statement[1].Effect).'
      - The document is sent as compact JSON and may be at most 6144 characters in that form.
      - 'Compared by meaning: key order, whitespace and formatting do not count; a single string equals a
        one-element list in C(Action), C(NotAction), C(Resource), C(NotResource) and condition values; the
        order and repetition of the values of those lists and the order of the statements do not count
        either (RAM evaluates every statement, an explicit C(Deny) wins wherever it stands). Values are
        compared exactly, case included.'
      - A document that differs becomes a new version, set as the default (C(CreatePolicyVersion) with
        C(SetAsDefault=true)).
    type: json
    aliases: [policy, document]
  keep_versions:
    description:
      - How many versions the policy may keep (the default version included), 1 to 5.
      - Not set, versions are deleted only to make room - when the policy already has five versions
        (the RAM limit) and a new one is needed, the oldest non-default version is deleted first. The
        module does this itself rather than with RAM's C(RotateStrategy), so that the deleted versions
        are reported in RV(deleted_versions) and predicted in check mode.
      - Set, the oldest non-default versions are deleted on every run until at most this many remain
        (the default version is never deleted); V(1) keeps only the default version.
    type: int
  state:
    description: V(present) creates or updates the policy; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), first detach the policy from every user, group and role it is attached to
        (C(ListEntitiesForPolicy)).
      - Without it, deleting an attached policy fails before anything is changed, naming the principals
        and RAM's C(DeleteConflict.Policy.*) code.
      - Non-default versions are part of the policy and are always deleted with it, O(force) or not
        (RAM would refuse the deletion with C(DeleteConflict.Policy.Version) otherwise).
    type: bool
    default: false
notes:
  - Only custom policies can be managed; naming a System policy fails with a clear message.
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
"""

EXAMPLES = r"""
- name: A custom policy from YAML
  cloudbroker.alibaba.ram_policy:
    name: broker-oss-read
    description: Read the broker's bucket
    policy_document:
      Version: "1"
      Statement:
        - Effect: Allow
          Action: [oss:GetObject, oss:ListObjects]
          Resource: acs:oss:*:*:broker-bucket/*

- name: The same policy from a JSON file (only a change of meaning makes a new version)
  cloudbroker.alibaba.ram_policy:
    name: broker-oss-read
    policy_document: "{{ lookup('ansible.builtin.file', 'broker-oss-read.json') }}"

- name: Keep only the default version
  cloudbroker.alibaba.ram_policy:
    name: broker-oss-read
    keep_versions: 1

- name: Delete the policy, detaching it from whoever has it
  cloudbroker.alibaba.ram_policy:
    name: broker-oss-read
    state: absent
    force: true
"""

RETURN = r"""
policy:
  description: The policy as it is after the run (as it would be, in check mode). Empty after deletion.
  returned: always
  type: dict
  contains:
    policy_name:
      description: Name of the policy.
      type: str
      sample: broker-oss-read
    policy_type:
      description: Always V(Custom).
      type: str
      sample: Custom
    description:
      description: Description.
      type: str
    default_version:
      description: The default version (predicted in check mode).
      type: str
      sample: v2
    policy_document:
      description: The default version's document, parsed.
      type: dict
      sample: {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject", "Resource": "*"}]}
    attachment_count:
      description: How many users, groups and roles the policy is attached to.
      type: int
    create_date:
      description: Creation time (UTC).
      type: str
    update_date:
      description: Last update time (UTC).
      type: str
deleted_versions:
  description:
    - Versions deleted by this run - to make room for a new version, by O(keep_versions), or the
      non-default versions deleted with the policy (O(state=absent)). Predicted in check mode.
  returned: always
  type: list
  elements: str
  sample: [v1]
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.policies import POLICY


def main():
    run_as_module(POLICY)


if __name__ == "__main__":
    main()
