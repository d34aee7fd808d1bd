#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_access_key
short_description: Manage the AccessKeys of a RAM user without ever losing a secret
version_added: 1.0.0
description:
  - Ensures a RAM user has a usable, active AccessKey, creating one only when needed; rotates keys;
    activates, deactivates and deletes them.
  - The secret of an AccessKey exists only in the response that creates it. This module returns it
    once, on creation (or writes it to O(secret_file)); RAM never shows it again.
  - B(Usable key.) A key is usable when it is active and somebody still holds its secret. The module
    cannot know who holds a secret, so the caller says it with O(usable_key_ids) - for example the key
    that the marketplace stores. Without O(usable_key_ids) every active key counts as usable.
  - With O(state=present) and no O(id), the module creates a key only when the user has no usable key,
    or when O(rotate) or O(max_age_days) asks for a new one. A re-run creates nothing.
  - B(Nothing is lost when a run dies.) If a run dies after the key was created but before its secret
    was stored, the secret is gone; on the next run that key is not in O(usable_key_ids), so a new key
    is created and, with O(delete_unusable=true), the orphan is deleted. The user never holds more
    than the two keys RAM allows. O(keep_recent_seconds) keeps a key that an overlapping run may still be
    delivering.
  - An ambiguous CreateAccessKey failure (a 5xx or a lost answer) is resolved, not abandoned - see
    O(max_retries).
  - Rotation keeps the old key working - O(rotate) creates the new key and leaves the old one alone;
    deactivating (O(status=Inactive)) and deleting (O(state=absent)) the old key are separate,
    explicit steps, so a consumer can switch over in between.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  user_name:
    description: The RAM user that owns the keys.
    type: str
    required: true
  id:
    description:
      - ID of one existing key to act on - set its O(status) (O(state=present)) or delete it
        (O(state=absent)). A key that does not exist is an error with O(state=present) and a no-op with
        O(state=absent).
    type: str
    aliases: [user_access_key_id]
  state:
    description:
      - V(present) - ensure a usable key exists (no O(id)), or that the key O(id) exists with O(status).
      - V(absent) - delete the key O(id).
    type: str
    choices: [present, absent]
    default: present
  status:
    description: Wanted status of the key O(id). Not set means the status is left alone.
    type: str
    choices: [Active, Inactive]
  usable_key_ids:
    description:
      - IDs of keys whose secret a consumer still holds. Only an active key in this list satisfies
        O(state=present). An empty list means nobody holds any secret, so a key is created.
      - Not set means any active key is usable.
    type: list
    elements: str
  delete_unusable:
    description:
      - Delete the user's keys that are not usable - inactive, or not in O(usable_key_ids) when that is
        given. A key created by this run is never deleted by it.
      - Use it for a user dedicated to one consumer, such as the marketplace user; it also makes room
        under the limit of two keys per user before a new key is created.
    type: bool
    default: false
  rotate:
    description:
      - Create a new key even though a usable one exists. The existing keys are left as they are
        (see O(delete_unusable) for orphans). Every run with O(rotate=true) creates a key, so it is not
        idempotent; prefer O(max_age_days) for scheduled rotation.
    type: bool
    default: false
  max_age_days:
    description:
      - Create a new key when the newest usable key is older than this many days (idempotent rotation).
    type: int
  keep_recent_seconds:
    description:
      - Overlapping runs. With O(usable_key_ids), an active key that is not usable but was created less than
        this many seconds ago is I(in flight) - another run created it and may still be delivering its
        secret. It is not deleted by O(delete_unusable), and when a new key would be needed none is created;
        the result names the in-flight keys (RV(in_flight_access_key_ids)) and how long to wait for their
        delivery (RV(wait_seconds)); the caller waits, then re-runs the task (with V(0) once the wait ran
        out, so that a key whose run died is deleted and replaced).
      - V(0) (the default) treats every unusable key as lost. 0-86400. The age is measured against the
        controller's clock (RAM's C(CreateDate) has a one-second resolution).
    type: int
    default: 0
  secret_file:
    description:
      - When a key is created, write its ID and secret as JSON (C(user_name), C(access_key_id),
        C(access_key_secret), C(create_date)) to this file on the host the module runs on, atomically
        and with mode 0600, and do B(not) return the secret in the result.
      - The directory must exist. Delete the file once the secret is delivered.
    type: path
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
notes:
  - The new secret is returned in RV(access_key_secret) only by the run that created the key. Use
    C(no_log=true) on the task and hand the registered value straight to the consumer (for example
    M(cloudbroker.alibaba.marketplace_credential), whose secret option is C(no_log)), or use
    O(secret_file).
  - RAM allows two AccessKeys per user. When a new key is needed and the user already has two that
    cannot be deleted, the module fails with a message naming them.
"""

EXAMPLES = r"""
- name: Ensure the marketplace user has a key whose secret the marketplace holds
  cloudbroker.alibaba.ram_access_key:
    user_name: marketplace-broker
    usable_key_ids: "{{ [marketplace_credential.credential.access_key_id] if marketplace_credential.credential else [] }}"
    delete_unusable: true
  register: broker_key
  no_log: true  # the result holds the new secret, once

- name: Hand the key on without printing it
  cloudbroker.alibaba.marketplace_credential:
    account: alibaba-prod
    name: provisioning
    purpose: Provisioning
    access_key_id: "{{ broker_key.access_key.access_key_id }}"
    access_key_secret: "{{ broker_key.access_key_secret | default(omit) }}"

- name: Or write a new key to a 0600 file instead of returning it
  cloudbroker.alibaba.ram_access_key:
    user_name: ci-deployer
    secret_file: /run/secrets/ci-deployer-key.json

- name: Zero-downtime rotation, step 1 - a new key next to the old one
  cloudbroker.alibaba.ram_access_key:
    user_name: marketplace-broker
    rotate: true
  register: new_key
  no_log: true

- name: Step 3 (after the consumer switched) - deactivate the old key
  cloudbroker.alibaba.ram_access_key:
    user_name: marketplace-broker
    id: "{{ old_key_id }}"
    status: Inactive

- name: Step 4 - delete it
  cloudbroker.alibaba.ram_access_key:
    user_name: marketplace-broker
    id: "{{ old_key_id }}"
    state: absent
"""

RETURN = r"""
access_key:
  description:
    - The usable key after the run - the new one if a key was created - or the key O(id).
    - Empty when O(state=absent).
  returned: always
  type: dict
  contains:
    access_key_id:
      description: ID of the key (not set in check mode for a key that would be created).
      type: str
      sample: LTAI5tAbCdEfGhIjKlMnOpQr
    status:
      description: V(Active) or V(Inactive).
      type: str
    create_date:
      description: Creation time (UTC).
      type: str
      sample: "2026-11-23T10:00:00Z"
    user_name:
      description: Owner of the key.
      type: str
access_key_secret:
  description:
    - The secret of the key created by this run. RAM shows it only once - store it now.
    - Sensitive - use C(no_log=true) on the task.
  returned: when a key was created and O(secret_file) is not set
  type: str
created:
  description: Whether this run created a key.
  returned: always
  type: bool
secret_file:
  description: The file the new key was written to.
  returned: when a key was created and O(secret_file) is set
  type: str
deleted_access_key_ids:
  description: Keys deleted by this run.
  returned: always
  type: list
  elements: str
in_flight_access_key_ids:
  description:
    - Keys another run may still be delivering (see O(keep_recent_seconds)); never deleted by this task.
  returned: always
  type: list
  elements: str
  sample: [LTAI5tExampleExampleExam]
wait_seconds:
  description:
    - When a key was needed but one is in flight, how many seconds its delivery may still take before it
      counts as lost; V(0) otherwise.
  returned: always
  type: int
  sample: 0
access_keys:
  description: All keys of the user after the run (IDs, status and dates; never a secret).
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.access_keys import ACCESS_KEY


def main():
    run_as_module(ACCESS_KEY)


if __name__ == "__main__":
    main()
