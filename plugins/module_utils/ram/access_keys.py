# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AccessKeys of a RAM user: ``ram_access_key`` (a usable key, rotation, status, deletion) and
``ram_access_key_info``, sharing one view of a key (``key_view``).

May touch: the user's AccessKeys only (CreateAccessKey, UpdateAccessKey, DeleteAccessKey); with
``secret_file``, that file on the host the task runs on. The info twin only reads (ListAccessKeys,
GetAccessKeyLastUsed).

The secret of a new key exists only in the CreateAccessKey answer. It is returned once, in
``access_key_secret``, on purpose (the documentation asks for ``no_log`` on the task): it is *not* handed
to ``Task.add_secret``, which would mask it in the very result that must carry it. With ``secret_file``
it is written to a 0600 file instead and left out of the result.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import math
import os

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.common import missing_directory, write_private_json
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.names import check_name
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, Resource, TaskFailed

KEY_LIMIT = 2  # AccessKeys per RAM user (ram-api.md, "Limits")
KEY_LIMIT_CODE = "LimitExceeded.User.AccessKey"
MISSING_USER = "EntityNotExist.User"
MISSING_KEY = "EntityNotExist.User.AccessKey"


def list_access_keys(client, user_name, missing_user_ok=False):
    """The user's AccessKeys (``AccessKeyId``, ``Status``, ``CreateDate``; RAM never lists a secret).

    ListAccessKeys answers ``EntityNotExist.User`` (404) for a user that does not exist
    (https://jp.alibabacloud.com/help/doc-detail/28692.htm, error messages), so no GetUser is needed
    before it: with ``missing_user_ok`` that answer becomes ``None``.
    """
    page = client.call("ListAccessKeys", ignore=(MISSING_USER,) if missing_user_ok else (), UserName=user_name)
    if page is None:
        return None
    return (page.get("AccessKeys") or {}).get("AccessKey") or []


def key_view(key, user_name):
    """One key as both modules return it (never a secret)."""
    return dict(access_key_id=key.get("AccessKeyId"), status=key.get("Status"), create_date=key.get("CreateDate"),
                user_name=user_name)


CREATE_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # ListAccessKeys / CreateAccessKey: CreateDate, UTC


def age_days(create_date, now):
    created = datetime.datetime.strptime(create_date, CREATE_DATE_FORMAT)
    return (now - created).total_seconds() / 86400.0


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class KeyPlan:
    """What ``state=present`` without ``id`` must do for a user's current keys.

    With ``keep_recent_seconds``, an active key that is not usable but younger than that is *in flight*:
    another run created it and may still be delivering it (its secret exists only in that run). It is
    neither deleted nor counted as usable; and when a key would have to be created, none is: the caller
    waits for the in-flight key to be delivered instead (``in_flight``, ``wait_seconds``).

    A key created before the newest key of ``usable_key_ids`` is never in flight, however young: a new key
    is always created after the key it is to replace, so an older one is a key that was *replaced* (the
    old key of a rotation that another run completed a moment ago, or the loser of two overlapping
    deliveries). Waiting for it would wait for something that never comes; it is deleted as unusable.
    ``CreateDate`` has whole seconds: a key of the same second as the held one still counts as in flight.
    """

    def __init__(self, keys, usable_key_ids, delete_unusable, rotate, max_age_days, now, keep_recent_seconds=0):
        def usable(key):
            return key["Status"] == "Active" and (usable_key_ids is None or key["AccessKeyId"] in usable_key_ids)

        held_dates = [k["CreateDate"] for k in keys if usable_key_ids is not None and k["AccessKeyId"] in usable_key_ids]
        newest_held = max(held_dates) if held_dates else None

        def replaced(key):  # ISO 8601 UTC dates of one format: the strings order as the times do
            return newest_held is not None and key["CreateDate"] < newest_held

        def in_flight(key):
            return (usable_key_ids is not None and keep_recent_seconds > 0 and key["Status"] == "Active"
                    and not usable(key) and not replaced(key)
                    and age_days(key["CreateDate"], now) * 86400.0 < keep_recent_seconds)

        newest_first = sorted(keys, key=lambda k: k["CreateDate"], reverse=True)
        self.usable = [k for k in newest_first if usable(k)]
        self.in_flight = [k for k in newest_first if in_flight(k)]
        self.to_delete = [k for k in newest_first if not usable(k) and not in_flight(k)] if delete_unusable else []
        too_old = bool(max_age_days is not None and self.usable
                       and age_days(self.usable[0]["CreateDate"], now) > max_age_days)
        wanted = bool(not self.usable or rotate or too_old)
        self.create = wanted and not self.in_flight
        self.wait_seconds = 0
        if wanted and self.in_flight:  # until the youngest in-flight key is treated as lost
            youngest_age = age_days(self.in_flight[0]["CreateDate"], now) * 86400.0
            self.wait_seconds = max(1, int(math.ceil(keep_recent_seconds - youngest_age)))  # waiting: never 0
        self.remaining = [k for k in keys if k not in self.to_delete]

    def check_limit(self, user_name):
        """Fail before any change when a key must be created and RAM would refuse it."""
        if self.create and len(self.remaining) >= KEY_LIMIT:
            ids = ", ".join("%s (%s)" % (k["AccessKeyId"], k["Status"]) for k in self.remaining)
            raise TaskFailed("User %s already has %d access keys (%s), the most RAM allows "
                             "(%s), and a new one is needed; delete one first (state=absent "
                             "with its id), or let delete_unusable remove keys whose secret nobody holds."
                             % (user_name, KEY_LIMIT, ids, KEY_LIMIT_CODE))


def create_access_key(client, user_name, known_key_ids):
    """CreateAccessKey; the answer holds the only copy of the secret.

    Not idempotent: the client resends it only when RAM refused it (throttling). An ambiguous failure (a 5xx
    or a lost answer) is resolved here, not abandoned: the user's keys are listed again, a key that is not
    in ``known_key_ids`` (the keys listed before the call) is one the failed call may have created, and its
    secret is lost, so it is deleted; then the key is created again, within the client's retry budgets
    (``max_retries``, ``retry_timeout``). A failure that is not ambiguous, or a spent budget, fails the task.

    Residual race (roles/onboarding/README.md): a key another run created between the list before the call
    and the list after it looks the same as one the failed call created, and is deleted too.
    """
    known = set(known_key_ids)
    retries = 0
    while True:
        try:
            return client.call("CreateAccessKey", idempotent=False, UserName=user_name)["AccessKey"]
        except RamError as error:
            if not error.ambiguous or error.gave_up:
                raise
            for key in list_access_keys(client, user_name):
                if key["AccessKeyId"] not in known:
                    delete_access_key(client, user_name, key["AccessKeyId"])
            client.pause_before_retry(error, retries)
            retries += 1


def delete_access_key(client, user_name, key_id):
    # deleted meanwhile (or by a retried request): the goal is met
    client.call("DeleteAccessKey", ignore=(MISSING_KEY,), UserName=user_name, UserAccessKeyId=key_id)


# --------------------------------------------------------------------------------------------
# ram_access_key
# --------------------------------------------------------------------------------------------

def check_access_key_options(params):
    check_name("user", params["user_name"], "user_name")
    if params["max_age_days"] is not None and params["max_age_days"] < 1:
        raise InputError("max_age_days must be at least 1, got %d." % params["max_age_days"], option="max_age_days")
    if not 0 <= params["keep_recent_seconds"] <= 86400:
        raise InputError("keep_recent_seconds must be between 0 and 86400, got %d." % params["keep_recent_seconds"],
                         option="keep_recent_seconds")
    secret_file = params["secret_file"]
    if secret_file and missing_directory(secret_file):
        raise InputError("secret_file: directory %s does not exist." % os.path.dirname(secret_file),
                         option="secret_file")


def ensure_usable_key(task, client, user_name, keys):
    """``(changed, result, keys after)`` for ``state=present`` without ``id``.

    A ``CreateAccessKey`` refused with ``LimitExceeded.User.AccessKey`` means another run created a key
    between our list and our create (an overlapping rotation or onboarding): the keys are listed and
    planned once more, and that plan sees the other run's key in flight (wait for it) instead of failing.
    """
    params = task.params
    deleted = []
    for attempt in (1, 2):
        plan = KeyPlan(keys, params["usable_key_ids"], params["delete_unusable"], params["rotate"],
                       params["max_age_days"], utc_now(), params["keep_recent_seconds"])
        plan.check_limit(user_name)
        result = dict(created=False, deleted_access_key_ids=deleted + [k["AccessKeyId"] for k in plan.to_delete],
                      in_flight_access_key_ids=[k["AccessKeyId"] for k in plan.in_flight],
                      wait_seconds=plan.wait_seconds)
        after = list(plan.remaining)
        changed = bool(plan.create or result["deleted_access_key_ids"])
        if not plan.create:
            result["access_key"] = key_view(plan.usable[0], user_name) if plan.usable else {}
        if task.check_mode:
            if plan.create:
                predicted = dict(AccessKeyId=None, Status="Active", CreateDate=None)
                after.append(predicted)
                result.update(access_key=key_view(predicted, user_name), created=True)
            return changed, result, after

        for key in plan.to_delete:  # first: it makes room under the limit for the new key
            delete_access_key(client, user_name, key["AccessKeyId"])
        deleted = result["deleted_access_key_ids"]
        if not plan.create:
            return changed, result, after
        try:
            new_key = dict(create_access_key(client, user_name, [k["AccessKeyId"] for k in after]))
            break
        except RamError as error:
            if error.code != KEY_LIMIT_CODE or attempt == 2:
                raise
            keys = list_access_keys(client, user_name)

    secret = new_key.pop("AccessKeySecret")
    after.append(new_key)
    result.update(access_key=key_view(new_key, user_name), created=True)
    if params["secret_file"]:
        write_private_json(params["secret_file"], dict(result["access_key"], access_key_secret=secret))
        result["secret_file"] = params["secret_file"]
    else:
        result["access_key_secret"] = secret  # returned on purpose, once (see the file's docstring)
    return changed, result, after


def ensure_key_by_id(task, client, user_name, keys):
    """``(changed, result, keys after)`` for the key ``id``: its status, or its deletion."""
    key_id, status, state = task.params["id"], task.params["status"], task.params["state"]
    key = next((k for k in keys if k["AccessKeyId"] == key_id), None)
    result = dict(created=False, deleted_access_key_ids=[], in_flight_access_key_ids=[], wait_seconds=0)
    if state == "absent":
        result["access_key"] = {}
        if key is None:
            return False, result, keys
        if not task.check_mode:
            delete_access_key(client, user_name, key_id)
        result["deleted_access_key_ids"] = [key_id]
        return True, result, [k for k in keys if k is not key]
    if key is None:
        raise TaskFailed("User %s has no access key %s (EntityNotExist.User.AccessKey)." % (user_name, key_id))
    if status is None or key["Status"] == status:
        result["access_key"] = key_view(key, user_name)
        return False, result, keys
    if not task.check_mode:
        client.call("UpdateAccessKey", UserName=user_name, UserAccessKeyId=key_id, Status=status)
    updated = dict(key, Status=status)
    result["access_key"] = key_view(updated, user_name)
    return True, result, [updated if k is key else k for k in keys]


def run_access_key(task):
    params = task.params
    check_access_key_options(params)
    user_name = params["user_name"]
    client = task.clients.ram
    # A missing user is no change for state=absent, and in check mode a predicted key for a user that an
    # earlier task of the same (checked) play creates; otherwise RAM's EntityNotExist.User fails the task.
    predict_for_new_user = task.check_mode and params["state"] == "present" and not params["id"]
    keys = list_access_keys(client, user_name,
                            missing_user_ok=params["state"] == "absent" or predict_for_new_user)
    if keys is None:
        if params["state"] == "absent":
            return dict(changed=False, created=False, access_key={}, deleted_access_key_ids=[], access_keys=[],
                        in_flight_access_key_ids=[], wait_seconds=0)
        key = dict(access_key_id=None, status="Active", create_date=None, user_name=user_name)
        return dict(changed=True, created=True, access_key=key, deleted_access_key_ids=[], access_keys=[key],
                    in_flight_access_key_ids=[], wait_seconds=0)
    before = [key_view(k, user_name) for k in keys]
    if params["id"]:
        changed, result, after = ensure_key_by_id(task, client, user_name, keys)
    else:
        changed, result, after = ensure_usable_key(task, client, user_name, keys)
    result["access_keys"] = [key_view(k, user_name) for k in after]
    result["changed"] = changed
    if task.diff:
        result["diff"] = dict(before=dict(access_keys=before), after=dict(access_keys=result["access_keys"]))
    return result


ACCESS_KEY = Resource(
    "ram_access_key",
    dict(
        user_name=dict(type="str", required=True),
        id=dict(type="str", aliases=["user_access_key_id"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        status=dict(type="str", choices=["Active", "Inactive"]),
        usable_key_ids=dict(type="list", elements="str", no_log=False),
        delete_unusable=dict(type="bool", default=False),
        rotate=dict(type="bool", default=False),
        max_age_days=dict(type="int"),
        keep_recent_seconds=dict(type="int", default=0),
        secret_file=dict(type="path", no_log=False),
    ),
    run_access_key,
    services=("ram",),
    required_if=[["state", "absent", ["id"]]],
    required_by=dict(status="id"),
    mutually_exclusive=[["id", "rotate"], ["id", "max_age_days"], ["id", "usable_key_ids"],
                        ["id", "delete_unusable"], ["id", "secret_file"]],
)


# --------------------------------------------------------------------------------------------
# ram_access_key_info
# --------------------------------------------------------------------------------------------

def last_used_date(client, user_name, key_id):
    used = client.call("GetAccessKeyLastUsed", UserName=user_name, UserAccessKeyId=key_id)
    return (used.get("AccessKeyLastUsed") or {}).get("LastUsedDate")


def run_access_key_info(task):
    user_name = task.params["user_name"]
    check_name("user", user_name, "user_name")
    client = task.clients.ram
    keys = list_access_keys(client, user_name, missing_user_ok=True) or []
    result = []
    for key in sorted(keys, key=lambda k: k["CreateDate"]):
        view = key_view(key, user_name)
        if task.params["include_last_used"]:
            last_used = last_used_date(client, user_name, key["AccessKeyId"])
            if last_used:
                view["last_used_date"] = last_used
        result.append(view)
    return dict(changed=False, access_keys=result)


ACCESS_KEY_INFO = Resource(
    "ram_access_key_info",
    dict(
        user_name=dict(type="str", required=True),
        include_last_used=dict(type="bool", default=True),
    ),
    run_access_key_info,
    services=("ram",),
)
