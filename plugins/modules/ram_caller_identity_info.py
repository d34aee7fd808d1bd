#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_caller_identity_info
short_description: Tell who a set of Alibaba Cloud credentials belongs to (STS GetCallerIdentity)
version_added: 1.0.0
description:
  - Calls STS C(GetCallerIdentity) with the module's credentials, or with another AccessKey given in
    O(access_key_id_to_check) and O(access_key_secret_to_check), and returns the identity - the
    account, the RAM user or assumed role, and whether it is the root (billing) account.
  - Use it to refuse to run with the root account's key, or to prove that a delivered key works
    (a rejected key fails the task with the service's error code, such as
    C(InvalidAccessKeyId.NotFound), C(InvalidAccessKeyId.Inactive) or C(SignatureDoesNotMatch)).
  - C(GetCallerIdentity) needs no permission; any valid key may call it.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  access_key_id_to_check:
    description:
      - AccessKey ID to identify instead of the module's own credentials.
      - The module's credentials are then not used at all; only the STS endpoint, timeouts and
        retries apply.
    type: str
  access_key_secret_to_check:
    description: The secret of O(access_key_id_to_check).
    type: str
  security_token_to_check:
    description: STS security token belonging to O(access_key_id_to_check), for temporary credentials.
    type: str
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.info_module
"""

EXAMPLES = r"""
- name: Who am I?
  cloudbroker.alibaba.ram_caller_identity_info:
  register: me

- name: Refuse to work with the root account's AccessKey
  ansible.builtin.assert:
    that: not me.caller_identity.is_root
    fail_msg: >-
      These credentials belong to the root account {{ me.caller_identity.account_id }}; use a RAM user
      or an assumed role instead.

- name: Prove that the key handed to the marketplace works and is the broker's
  cloudbroker.alibaba.ram_caller_identity_info:
    access_key_id_to_check: "{{ broker_key.access_key.access_key_id }}"
    access_key_secret_to_check: "{{ broker_key.access_key_secret }}"
  register: broker
  no_log: true

- name: Check the owner of the key
  ansible.builtin.assert:
    that: broker.caller_identity.arn is search(':user/marketplace-broker$')
"""

RETURN = r"""
caller_identity:
  description: The identity behind the credentials.
  returned: always
  type: dict
  contains:
    identity_type:
      description:
        - V(Account) for the root (billing) account, V(RAMUser) for a RAM user,
          V(AssumedRoleUser) for STS credentials of an assumed role.
      type: str
      sample: RAMUser
    account_id:
      description: ID of the Alibaba Cloud account.
      type: str
      sample: "1234567890123456"
    user_id:
      description: ID of the RAM user (for the root account, the account ID; for a role session, the role ID).
      type: str
      sample: "216959339000654321"
    principal_id:
      description: ID of the principal (for a role session, C(<role id>:<session name>)).
      type: str
    arn:
      description: ARN of the caller, for example C(acs:ram::1234567890123456:user/alice) or C(acs:ram::1234567890123456:root).
      type: str
      sample: acs:ram::1234567890123456:user/marketplace-broker
    role_id:
      description: ID of the role, for an assumed role only.
      type: str
      returned: when RV(caller_identity.identity_type=AssumedRoleUser)
    is_root:
      description:
        - Whether the credentials belong to the root account (RV(caller_identity.identity_type=Account)).
          Day-to-day work should never use them.
      type: bool
      sample: false
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.identity import CALLER_IDENTITY_INFO


def main():
    run_as_module(CALLER_IDENTITY_INFO)


if __name__ == "__main__":
    main()
