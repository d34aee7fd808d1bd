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
    than the two keys RAM allows.
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
access_keys:
  description: All keys of the user after the run (IDs, status and dates; never a secret).
  returned: always
  type: list
  elements: dict
"""

import datetime
import os

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.common import write_private_json
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_ram import (
    RamError,
    RamModule,
    get_user,
    list_access_keys,
    validate_user_name,
)

KEY_LIMIT = 2


def key_view(key, user_name):
    return dict(access_key_id=key.get("AccessKeyId"), status=key.get("Status"), create_date=key.get("CreateDate"),
                user_name=user_name)


def age_days(create_date, now):
    created = datetime.datetime.strptime(create_date, "%Y-%m-%dT%H:%M:%SZ")
    return (now - created).total_seconds() / 86400.0


class KeyPlan:
    """What ``state=present`` without ``id`` must do for a user's current keys."""

    def __init__(self, keys, usable_key_ids, delete_unusable, rotate, max_age_days, now):
        def usable(key):
            return key["Status"] == "Active" and (usable_key_ids is None or key["AccessKeyId"] in usable_key_ids)

        newest_first = sorted(keys, key=lambda k: k["CreateDate"], reverse=True)
        self.usable = [k for k in newest_first if usable(k)]
        self.to_delete = [k for k in newest_first if not usable(k)] if delete_unusable else []
        too_old = bool(max_age_days is not None and self.usable
                       and age_days(self.usable[0]["CreateDate"], now) > max_age_days)
        self.create = not self.usable or rotate or too_old
        self.remaining = [k for k in keys if k not in self.to_delete]

    def check_limit(self, user_name):
        if self.create and len(self.remaining) >= KEY_LIMIT:
            ids = ", ".join("%s (%s)" % (k["AccessKeyId"], k["Status"]) for k in self.remaining)
            raise RamError("CreateAccessKey", code="LimitExceeded.User.AccessKey",
                           message="user %s already has %d access keys (%s), the most RAM allows, and a new one is "
                                   "needed; delete one first (state=absent with its id), or let delete_unusable "
                                   "remove keys whose secret nobody holds" % (user_name, KEY_LIMIT, ids))


def ensure_usable_key(module, client, user_name, keys):
    params = module.params
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    plan = KeyPlan(keys, params["usable_key_ids"], params["delete_unusable"], params["rotate"],
                   params["max_age_days"], now)
    plan.check_limit(user_name)
    result = dict(created=False, deleted_access_key_ids=[k["AccessKeyId"] for k in plan.to_delete])
    after = list(plan.remaining)
    if module.check_mode:
        if plan.create:
            predicted = dict(AccessKeyId=None, Status="Active", CreateDate=None)
            after.append(predicted)
            result["access_key"] = key_view(predicted, user_name)
            result["created"] = True
        else:
            result["access_key"] = key_view(plan.usable[0], user_name)
        return bool(plan.create or plan.to_delete), result, after

    for key in plan.to_delete:
        delete_key(client, user_name, key["AccessKeyId"])
    if plan.create:
        # Not idempotent: retried only when RAM refused the request, never after an ambiguous failure.
        new_key = client.call("CreateAccessKey", idempotent=False, UserName=user_name)["AccessKey"]
        secret = new_key.pop("AccessKeySecret")
        after.append(new_key)
        result["access_key"] = key_view(new_key, user_name)
        result["created"] = True
        if params["secret_file"]:
            write_private_json(params["secret_file"], dict(result["access_key"], access_key_secret=secret))
            result["secret_file"] = params["secret_file"]
        else:
            result["access_key_secret"] = secret
    else:
        result["access_key"] = key_view(plan.usable[0], user_name)
    return bool(plan.create or plan.to_delete), result, after


def delete_key(client, user_name, key_id):
    try:
        client.call("DeleteAccessKey", UserName=user_name, UserAccessKeyId=key_id)
    except RamError as error:
        if error.code != "EntityNotExist.User.AccessKey":  # deleted meanwhile: the goal is met
            raise


def ensure_key_by_id(module, client, user_name, keys):
    key_id, status, state = module.params["id"], module.params["status"], module.params["state"]
    key = next((k for k in keys if k["AccessKeyId"] == key_id), None)
    result = dict(created=False, deleted_access_key_ids=[])
    if state == "absent":
        result["access_key"] = {}
        if key is None:
            return False, result, keys
        if not module.check_mode:
            delete_key(client, user_name, key_id)
        result["deleted_access_key_ids"] = [key_id]
        return True, result, [k for k in keys if k is not key]
    if key is None:
        raise RamError("ListAccessKeys", code="EntityNotExist.User.AccessKey",
                       message="user %s has no access key %s" % (user_name, key_id))
    if status is None or key["Status"] == status:
        result["access_key"] = key_view(key, user_name)
        return False, result, keys
    if not module.check_mode:
        client.call("UpdateAccessKey", UserName=user_name, UserAccessKeyId=key_id, Status=status)
    updated = dict(key, Status=status)
    result["access_key"] = key_view(updated, user_name)
    return True, result, [updated if k is key else k for k in keys]


def run_module(module):
    params = module.params
    user_name = params["user_name"]
    validate_user_name(module, user_name)
    if params["max_age_days"] is not None and params["max_age_days"] < 1:
        module.fail_json(msg="max_age_days must be at least 1.")
    if params["secret_file"] and not os.path.isdir(os.path.dirname(os.path.abspath(params["secret_file"]))):
        module.fail_json(msg="secret_file: directory %s does not exist." % os.path.dirname(params["secret_file"]))
    client = module.ram
    if get_user(client, user_name) is None:
        if module.check_mode and params["state"] == "present" and not params["id"]:
            # The user is created by an earlier task of the same (checked) play: a key would be created too.
            key = dict(access_key_id=None, status="Active", create_date=None, user_name=user_name)
            return dict(changed=True, created=True, access_key=key, deleted_access_key_ids=[], access_keys=[key])
        if params["state"] == "absent":
            return dict(changed=False, created=False, access_key={}, deleted_access_key_ids=[], access_keys=[])
        raise RamError("GetUser", code="EntityNotExist.User", message="user %s does not exist" % user_name)
    keys = list_access_keys(client, user_name)
    before = [key_view(k, user_name) for k in keys]
    if params["id"]:
        changed, result, after = ensure_key_by_id(module, client, user_name, keys)
    else:
        changed, result, after = ensure_usable_key(module, client, user_name, keys)
    result["access_keys"] = [key_view(k, user_name) for k in after]
    result["changed"] = changed
    if module._diff:
        result["diff"] = dict(before=dict(access_keys=before), after=dict(access_keys=result["access_keys"]))
    return result


def main():
    module = RamModule(
        argument_spec=dict(
            user_name=dict(type="str", required=True),
            id=dict(type="str", aliases=["user_access_key_id"]),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            status=dict(type="str", choices=["Active", "Inactive"]),
            usable_key_ids=dict(type="list", elements="str", no_log=False),
            delete_unusable=dict(type="bool", default=False),
            rotate=dict(type="bool", default=False),
            max_age_days=dict(type="int"),
            secret_file=dict(type="path", no_log=False),
        ),
        required_if=[["state", "absent", ["id"]]],
        required_by=dict(status="id"),
        mutually_exclusive=[["id", "rotate"], ["id", "max_age_days"], ["id", "usable_key_ids"],
                            ["id", "delete_unusable"], ["id", "secret_file"]],
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
