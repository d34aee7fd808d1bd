#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: validate_variables
short_description: Check the variables of this collection's roles and playbooks before any remote call
version_added: 1.0.0
description:
  - Checks, on the controller and without any remote call, the variables a host gives the collection's roles
    (C(cloudbroker.alibaba.ram_onboarding), C(cloudbroker.alibaba.marketplace_onboarding),
    C(cloudbroker.alibaba.onboarding)) and playbooks, and fails the host with one message that names the host,
    every invalid variable (with the path inside it) and what is allowed. Secrets are never shown.
  - B(Types, choices, required options and the keys of dict options) come from the roles' own
    C(meta/argument_specs.yml) - the same specs Ansible's role argument validation reads - and are checked
    strictly - a string is not a list (write C([team-a]), not C(team-a)), a dict is not a string, a boolean is not
    a number. Strings of digits and Ansible's boolean words (C(true), C(no)...) are accepted, as C(-e) passes them.
  - B(A variable that carries a module's options as a dict) (C(ram_onboarding_password_policy),
    C(ram_onboarding_security_preference)) is checked against that module's documented options.
  - B(What RAM and the marketplace accept) (name patterns, lengths, ranges such as a password length of 8 to 32,
    the RAM policy grammar, known provider codes and business entities, rules that span variables) is checked
    as well; variables named like a role's that no entry point of that role reads are reported as likely typos.
  - The roles run this first, so that with the linear strategy every host is checked before any host makes its
    first remote call. A host that fails is left out of the rest of the play and makes no remote call at all.
author:
  - cloudbroker.alibaba contributors (@cloudbroker)
options:
  entry_points:
    description:
      - Role entry points whose variables are checked, as C(role) (entry point C(main)) or C(role:entry_point),
        for example C(ram_onboarding), C(cloudbroker.alibaba.marketplace_onboarding:offboard).
    type: list
    elements: str
    default: []
  variables:
    description:
      - Further variables (a playbook's own), as an argument spec - name to C(type), C(required), C(default),
        C(choices), C(elements), C(options).
    type: dict
    default: {}
attributes:
  check_mode:
    support: full
    description: Runs the same in check mode; it never changes anything.
  diff_mode:
    support: none
    description: Nothing to show.
  action:
    support: full
    description: Runs on the controller only.
  platform:
    support: full
    platforms: all
    description: Needs no connection to the host.
notes:
  - Rules beyond the argument specs live in the collection's C(plugins/plugin_utils/variable_rules.py); the limits of
    RAM and the marketplace in C(plugins/module_utils/limits.py).
"""

EXAMPLES = r"""
- name: Check everything the onboarding chain reads, for every host, before anything else
  cloudbroker.alibaba.validate_variables:
    entry_points:
      - ram_onboarding
      - marketplace_onboarding
      - onboarding

- name: A playbook's own variables too
  cloudbroker.alibaba.validate_variables:
    entry_points: [ram_onboarding:offboard, marketplace_onboarding:offboard]
    variables:
      offboard_confirm:
        type: bool
        default: false
"""

RETURN = r"""
validated:
  description: The variables that were checked and found valid.
  returned: success
  type: list
  elements: str
  sample: [ram_onboarding_user_name, marketplace_onboarding_teams]
problems:
  description: One sentence per problem - the variable (with the path inside it), what is wrong, what is allowed.
  returned: failure
  type: list
  elements: str
  sample: ["marketplace_onboarding_teams is a string \"team-a\"; allowed: a list of strings"]
"""
